//! Organisation rosters 工会组织 (SPEC section 2): one row per union, parent named by code.

use crate::cell::{is_placeholder, CellRef};
use crate::header::{Columns, Field};
use crate::rows::{RowError, RowParser};
use crate::source::RecordSource;
use huzhu_domain::org::{NewOrg, OrgCode, OrgError, OrgLevel, RegionCode};
use std::collections::HashMap;

/// The columns of an organisation roster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrgField {
    Code,
    Name,
    Parent,
    Level,
    Region,
}

impl Field for OrgField {
    const ALL: &'static [Self] = &[
        OrgField::Code,
        OrgField::Name,
        OrgField::Parent,
        OrgField::Level,
        OrgField::Region,
    ];

    fn label(self) -> &'static str {
        match self {
            OrgField::Code => "组织代码",
            OrgField::Name => "组织名称",
            OrgField::Parent => "上级代码",
            OrgField::Level => "层级",
            OrgField::Region => "行政区划代码",
        }
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            OrgField::Code => &[
                "组织代码",
                "工会代码",
                "工会编码",
                "组织编码",
                "单位代码",
                "代码",
                "编码",
                "code",
                "org_code",
            ],
            OrgField::Name => &[
                "组织名称",
                "工会名称",
                "工会组织名称",
                "单位名称",
                "名称",
                "name",
            ],
            OrgField::Parent => &[
                "上级代码",
                "上级工会代码",
                "上级组织代码",
                "上级工会编码",
                "上级编码",
                "上级组织编码",
                "上级单位代码",
                "parent",
                "parent_code",
            ],
            OrgField::Level => &[
                "层级",
                "级别",
                "组织层级",
                "工会层级",
                "组织级别",
                "工会级别",
                "level",
            ],
            OrgField::Region => &[
                "行政区划代码",
                "地区代码",
                "行政区划",
                "区划代码",
                "行政区域代码",
                "所在地区代码",
                "地区编码",
                "region",
                "region_code",
            ],
        }
    }

    /// Every column is required; the parent *cell* is empty for the city federation only.
    fn required(self) -> bool {
        true
    }

    fn index(self) -> usize {
        self as usize
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum OrgCellError {
    #[error("{0}必填，不能为空 ({1} is required)")]
    Required(&'static str, &'static str),
    #[error("上级代码不能是本组织自己 (an org cannot be its own parent)")]
    OwnParent,
    #[error("组织代码{code}与第{line}行重复 (code {code} already appears on line {line})")]
    Duplicate { code: String, line: u64 },
}

/// Turns org rows into [`NewOrg`]s. Remembers the codes and levels seen so far (a city has a few
/// thousand unions, so this stays small) to catch duplicates and a child that is not deeper than
/// a parent listed above it; a parent listed below, or only in the database, is the caller's to check.
pub(crate) struct OrgParser {
    pub columns: Columns<OrgField>,
    pub seen: HashMap<OrgCode, (u64, OrgLevel)>,
}

impl RowParser<NewOrg> for OrgParser {
    fn parse(&mut self, src: &dyn RecordSource, line: u64) -> Result<NewOrg, Vec<RowError>> {
        use OrgField as F;
        let columns = &self.columns;
        let mut errors = Vec::new();
        let mut push = |field: OrgField, reason: String| {
            errors.push(RowError {
                row: line,
                column: columns.name(field).to_string(),
                reason,
            })
        };
        let text = |field: OrgField, push: &mut dyn FnMut(OrgField, String)| {
            let cell = columns.get(field).map_or(CellRef::Empty, |i| src.cell(i));
            match cell.text() {
                Ok(t) => Some(t.into_owned()),
                Err(e) => {
                    push(field, e.to_string());
                    None
                }
            }
        };
        let code = text(F::Code, &mut push).and_then(|t| {
            OrgCode::parse(&t)
                .map_err(|e| push(F::Code, e.to_string()))
                .ok()
        });
        let name = text(F::Name, &mut push).and_then(|t| {
            if t.is_empty() {
                push(F::Name, OrgError::EmptyName.to_string());
                None
            } else {
                Some(t)
            }
        });
        let parent = text(F::Parent, &mut push).map(|t| {
            if t.is_empty() || is_placeholder(&t) {
                None
            } else {
                OrgCode::parse(&t)
                    .map_err(|e| push(F::Parent, e.to_string()))
                    .ok()
            }
        });
        let level = text(F::Level, &mut push).and_then(|t| {
            if t.is_empty() {
                push(
                    F::Level,
                    OrgCellError::Required("层级", "level").to_string(),
                );
                return None;
            }
            OrgLevel::parse(&t)
                .map_err(|e| push(F::Level, e.to_string()))
                .ok()
        });
        let region = text(F::Region, &mut push).and_then(|t| {
            if t.is_empty() {
                push(
                    F::Region,
                    OrgCellError::Required("行政区划代码", "region code").to_string(),
                );
                return None;
            }
            RegionCode::parse(&t)
                .map_err(|e| push(F::Region, e.to_string()))
                .ok()
        });

        let (Some(code), Some(name), Some(parent), Some(level), Some(region)) =
            (code, name, parent, level, region)
        else {
            return Err(errors);
        };
        if parent.as_ref() == Some(&code) {
            push(F::Parent, OrgCellError::OwnParent.to_string());
        }
        if let Some((first, _)) = self.seen.get(&code) {
            push(
                F::Code,
                OrgCellError::Duplicate {
                    code: code.to_string(),
                    line: *first,
                }
                .to_string(),
            );
        }
        let org = match NewOrg::new(code, &name, parent, level, region) {
            Ok(org) => org,
            Err(e) => {
                let field = match e {
                    OrgError::EmptyName => F::Name,
                    OrgError::CityWithParent | OrgError::MissingParent => F::Parent,
                    _ => F::Level,
                };
                push(field, e.to_string());
                return Err(errors);
            }
        };
        let parent_level = org
            .parent
            .as_ref()
            .and_then(|p| self.seen.get(p))
            .map(|(_, l)| *l);
        if let Some(parent_level) = parent_level {
            if let Err(e) = org.check_parent_level(parent_level) {
                push(F::Level, e.to_string());
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        self.seen.insert(org.code.clone(), (line, org.level));
        Ok(org)
    }
}
