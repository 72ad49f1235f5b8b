//! Member rosters 会员名册 (SPEC section 3): one row per member, checked cell by cell and then as
//! a whole, so that an officer gets every problem of a row at once.

use crate::cell::{is_placeholder, CellError, CellRef, DateCell};
use crate::header::{Columns, Field};
use crate::rows::{RowError, RowParser};
use crate::source::RecordSource;
use chrono::NaiveDate;
use huzhu_domain::id_number::{IdKind, IdNumber, IdNumberError};
use huzhu_domain::member::{EmploymentStatus, MemberError, MemberFields, MemberRecord, MemberTag};
use huzhu_domain::org::{OrgCode, RegionCode};
use huzhu_domain::personal::{BankAccount, BankBranch, PersonName, Phone};
use huzhu_domain::Gender;
use std::collections::BTreeSet;

/// The columns of a member roster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MemberField {
    Name,
    IdNumber,
    IdKind,
    Gender,
    BirthDate,
    Phone,
    Org,
    Status,
    SocialSecurityRegion,
    JoinDate,
    HireDate,
    Tags,
    BankAccount,
    BankBranch,
}

impl Field for MemberField {
    const ALL: &'static [Self] = &[
        MemberField::Name,
        MemberField::IdNumber,
        MemberField::IdKind,
        MemberField::Gender,
        MemberField::BirthDate,
        MemberField::Phone,
        MemberField::Org,
        MemberField::Status,
        MemberField::SocialSecurityRegion,
        MemberField::JoinDate,
        MemberField::HireDate,
        MemberField::Tags,
        MemberField::BankAccount,
        MemberField::BankBranch,
    ];

    fn label(self) -> &'static str {
        match self {
            MemberField::Name => "姓名",
            MemberField::IdNumber => "身份证号",
            MemberField::IdKind => "证件类型",
            MemberField::Gender => "性别",
            MemberField::BirthDate => "出生日期",
            MemberField::Phone => "手机号",
            MemberField::Org => "工会代码",
            MemberField::Status => "在职状态",
            MemberField::SocialSecurityRegion => "社保统筹地",
            MemberField::JoinDate => "入会日期",
            MemberField::HireDate => "参加工作日期",
            MemberField::Tags => "标签",
            MemberField::BankAccount => "银行账号",
            MemberField::BankBranch => "开户行",
        }
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            MemberField::Name => &["姓名", "职工姓名", "会员姓名", "员工姓名", "名字", "name"],
            MemberField::IdNumber => &[
                "身份证号",
                "身份证号码",
                "公民身份号码",
                "证件号码",
                "证件号",
                "身份证",
                "居民身份证号码",
                "居民身份证号",
                "身份证件号码",
                "证件编号",
                "idnumber",
                "id_number",
            ],
            MemberField::IdKind => &["证件类型", "证件种类", "证件类别", "idkind", "id_kind"],
            MemberField::Gender => &["性别", "gender", "sex"],
            MemberField::BirthDate => &[
                "出生日期",
                "出生年月日",
                "出生年月",
                "出生时间",
                "生日",
                "birthdate",
                "birth_date",
            ],
            MemberField::Phone => &[
                "手机号",
                "手机号码",
                "手机",
                "移动电话",
                "联系电话",
                "联系方式",
                "电话",
                "电话号码",
                "phone",
                "mobile",
            ],
            MemberField::Org => &[
                "工会代码",
                "工会编码",
                "所属工会代码",
                "所属工会编码",
                "基层工会代码",
                "基层工会编码",
                "单位工会代码",
                "所属工会",
                "组织代码",
                "所属组织代码",
                "org",
                "org_code",
                "orgcode",
            ],
            MemberField::Status => &[
                "在职状态",
                "人员状态",
                "在职情况",
                "职工状态",
                "会员状态",
                "就业状态",
                "在职/退休",
                "在职/离退休",
                "状态",
                "status",
            ],
            MemberField::SocialSecurityRegion => &[
                "社保统筹地",
                "社保统筹地区",
                "社保统筹区",
                "社保统筹地代码",
                "社保统筹地区代码",
                "社保统筹区域",
                "统筹地区",
                "统筹地",
                "参保地",
                "参保地区",
                "参保地代码",
                "social_security_region",
            ],
            MemberField::JoinDate => &[
                "入会日期",
                "入会时间",
                "入会年月",
                "加入工会日期",
                "加入工会时间",
                "join_date",
            ],
            MemberField::HireDate => &[
                "参加工作日期",
                "参加工作时间",
                "参加工作年月",
                "入职日期",
                "入职时间",
                "入职年月",
                "工作日期",
                "hire_date",
            ],
            MemberField::Tags => &[
                "标签",
                "人员类别",
                "人员类型",
                "职工类别",
                "会员类别",
                "身份类别",
                "人员标签",
                "tags",
            ],
            MemberField::BankAccount => &[
                "银行账号",
                "银行卡号",
                "银行账户",
                "银行卡号码",
                "收款账号",
                "银行帐号",
                "账号",
                "卡号",
                "bank_account",
            ],
            MemberField::BankBranch => &[
                "开户行",
                "开户银行",
                "开户网点",
                "开户行名称",
                "开户银行名称",
                "开户支行",
                "bank_branch",
            ],
        }
    }

    /// 在职状态 is required, not defaulted to 在职: it decides eligibility for the in-service
    /// schemes (SPEC 4.1), and a retiree silently enrolled as in service would be paid wrongly.
    fn required(self) -> bool {
        matches!(
            self,
            MemberField::Name | MemberField::IdNumber | MemberField::Org | MemberField::Status
        )
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Why a member cell is wrong, for the cases the domain types do not already name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum MemberCellError {
    #[error("{0}必填，不能为空 ({1} is required)")]
    Required(&'static str, &'static str),
    #[error("在职状态“{0}”无效，应为 在职、离退休 或 退休返聘 (unknown employment status '{0}')")]
    Status(String),
    #[error("性别“{0}”无效，应为 男 或 女 (gender '{0}' should be 男 or 女)")]
    Gender(String),
    #[error("证件类型“{0}”无效，应为 居民身份证、港澳居民来往内地通行证、台湾居民来往大陆通行证 或 护照 (unknown document type '{0}')")]
    IdKind(String),
    #[error("标签“{0}”无法识别，可用：劳模(级别)、建档困难职工、外来务工、新就业形态、工匠(称号) (unknown tag '{0}')")]
    Tag(String),
    #[error("{field}{date}晚于今天 ({en} {date} is in the future)")]
    Future {
        field: &'static str,
        en: &'static str,
        date: NaiveDate,
    },
    #[error("参加工作日期{hire}早于出生日期{birth} (hire date {hire} is before birth {birth})")]
    HireBeforeBirth { hire: NaiveDate, birth: NaiveDate },
    #[error("这是模板的示例行（张三），不是会员，请删除后再导入 (this is the template's example row, not a member: delete it)")]
    TemplateExample,
}

/// The ID number of the template's example row (张三). It is valid, so that the example shows
/// what a good row looks like; a row with it is refused, so that an example an officer forgot to
/// delete never becomes a member (issue 13).
pub const TEMPLATE_EXAMPLE_ID: &str = "110101199001010015";

/// Turns member rows into [`MemberRecord`]s.
pub(crate) struct MemberParser {
    pub columns: Columns<MemberField>,
    pub today: NaiveDate,
}

/// Collects the errors of one row.
struct Errors<'c> {
    line: u64,
    columns: &'c Columns<MemberField>,
    list: Vec<RowError>,
}

impl Errors<'_> {
    fn has_error(&self, field: MemberField) -> bool {
        let name = self.columns.name(field);
        self.list.iter().any(|e| e.column == name)
    }

    fn push(&mut self, field: MemberField, reason: impl ToString) {
        self.list.push(RowError {
            row: self.line,
            column: self.columns.name(field).to_string(),
            reason: reason.to_string(),
        });
    }

    /// Reads a field's cell as text; `None` (and an error recorded) when the cell is unreadable.
    fn text(&mut self, src: &dyn RecordSource, field: MemberField) -> Option<String> {
        let cell = cell(src, self.columns, field);
        match cell.text() {
            Ok(t) => Some(t.into_owned()),
            Err(e) => {
                self.push(field, e);
                None
            }
        }
    }

    fn date(&mut self, src: &dyn RecordSource, field: MemberField) -> Option<DateCell> {
        let cell = cell(src, self.columns, field);
        if matches!(cell, CellRef::Text(t) if is_placeholder(t)) {
            return None;
        }
        match cell.date() {
            Ok(d) => d,
            Err(e) => {
                self.push(field, e);
                None
            }
        }
    }

    /// Parses a non-empty text cell; an empty one is `None`, or an error when the field is required.
    fn parse<T, E: ToString>(
        &mut self,
        src: &dyn RecordSource,
        field: MemberField,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        let text = self.text(src, field)?;
        if text.is_empty() || (!field.required() && is_placeholder(&text)) {
            if field.required() {
                self.push(field, required(field));
            }
            return None;
        }
        match parse(&text) {
            Ok(v) => Some(v),
            Err(e) => {
                self.push(field, e);
                None
            }
        }
    }
}

fn cell<'s>(
    src: &'s dyn RecordSource,
    columns: &Columns<MemberField>,
    field: MemberField,
) -> CellRef<'s> {
    columns.get(field).map_or(CellRef::Empty, |i| src.cell(i))
}

fn required(field: MemberField) -> MemberCellError {
    let en = match field {
        MemberField::Name => "name",
        MemberField::IdNumber => "ID number",
        MemberField::Org => "union code",
        MemberField::Status => "employment status",
        _ => "this field",
    };
    MemberCellError::Required(field.label(), en)
}

impl RowParser<MemberRecord> for MemberParser {
    fn parse(&mut self, src: &dyn RecordSource, line: u64) -> Result<MemberRecord, Vec<RowError>> {
        use MemberField as F;
        let today = self.today;
        let mut e = Errors {
            line,
            columns: &self.columns,
            list: Vec::new(),
        };

        let name = e.parse(src, F::Name, PersonName::parse);
        // An empty or absent 证件类型 means a resident ID (IdKind::parse("")): an 8-digit typo
        // must not pass as a Taiwan permit.
        let kind = match e.text(src, F::IdKind) {
            Some(t) => match IdKind::parse(&t) {
                Some(k) => Some(k),
                None => {
                    e.push(F::IdKind, MemberCellError::IdKind(t));
                    None
                }
            },
            None => None,
        };
        // With an unknown document type the number cannot be checked, but emptiness still can.
        let id_number = e
            .parse(src, F::IdNumber, |t| match kind {
                Some(kind) => IdNumber::parse_as(kind, t, today)
                    .map(Some)
                    .map_err(|err| id_reason(&err, t)),
                None => Ok(None),
            })
            .flatten();
        if id_number
            .as_ref()
            .is_some_and(|id| id.as_str() == TEMPLATE_EXAMPLE_ID)
        {
            e.push(F::IdNumber, MemberCellError::TemplateExample);
        }
        let declared_gender = e.parse(src, F::Gender, |t| {
            Gender::parse(t).ok_or_else(|| MemberCellError::Gender(t.to_string()))
        });
        let declared_birth = e.date(src, F::BirthDate);
        let phone = e.parse(src, F::Phone, Phone::parse);
        let org = e.parse(src, F::Org, OrgCode::parse);
        let status = e.parse(src, F::Status, |t| {
            let compact: String = t.split_whitespace().collect();
            EmploymentStatus::parse(&compact).ok_or_else(|| MemberCellError::Status(t.to_string()))
        });
        let social_security_region = e.parse(src, F::SocialSecurityRegion, RegionCode::parse);
        let join_date = e.date(src, F::JoinDate).and_then(DateCell::first_day);
        let hire_date = e.date(src, F::HireDate).and_then(DateCell::first_day);
        let tags = e.parse(src, F::Tags, parse_tags).unwrap_or_default();
        let bank_account = e.parse(src, F::BankAccount, BankAccount::parse);
        let bank_branch = e.parse(src, F::BankBranch, BankBranch::parse);

        // Cross-checks against the ID, one error per contradicting cell (SPEC section 3: a
        // contradiction is rejected, never fixed).
        let facts = id_number.as_ref().and_then(IdNumber::resident_facts);
        let mut birth_day = None;
        if let Some(facts) = facts {
            if let Some(declared) = declared_gender.filter(|g| *g != facts.gender) {
                e.push(
                    F::Gender,
                    MemberError::GenderContradicts {
                        declared,
                        derived: facts.gender,
                    },
                );
            }
            if let Some(declared) = declared_birth.filter(|d| !d.agrees_with(facts.birth_date)) {
                let declared = declared.first_day().unwrap_or(facts.birth_date);
                e.push(
                    F::BirthDate,
                    MemberError::BirthContradicts {
                        declared,
                        derived: facts.birth_date,
                    },
                );
            }
            birth_day = Some(facts.birth_date);
        } else if id_number.is_some() {
            if declared_gender.is_none() && !e.has_error(F::Gender) {
                e.push(F::Gender, MemberError::GenderRequired);
            }
            if declared_birth.is_none() && !e.has_error(F::BirthDate) {
                e.push(F::BirthDate, MemberError::BirthRequired);
            }
            match declared_birth {
                Some(DateCell::Day(d)) if d > today => e.push(
                    F::BirthDate,
                    MemberCellError::Future {
                        field: "出生日期",
                        en: "birth date",
                        date: d,
                    },
                ),
                Some(DateCell::Day(d)) => birth_day = Some(d),
                Some(month) => e.push(
                    F::BirthDate,
                    CellError::DateWithoutDay {
                        value: match month {
                            DateCell::Month { year, month } => format!("{year}-{month:02}"),
                            DateCell::Day(d) => d.to_string(),
                        },
                    },
                ),
                None => {}
            }
        }
        if let Some(join) = join_date {
            if join > today {
                e.push(F::JoinDate, MemberError::JoinInFuture { join });
            } else if let Some(birth) = birth_day.filter(|b| join < *b) {
                e.push(F::JoinDate, MemberError::JoinBeforeBirth { join, birth });
            }
        }
        if let Some(hire) = hire_date {
            if hire > today {
                e.push(
                    F::HireDate,
                    MemberCellError::Future {
                        field: "参加工作日期",
                        en: "hire date",
                        date: hire,
                    },
                );
            } else if let Some(birth) = birth_day.filter(|b| hire < *b) {
                e.push(
                    F::HireDate,
                    MemberCellError::HireBeforeBirth { hire, birth },
                );
            }
        }

        let (Some(id_number), Some(name), Some(org), Some(status), true) =
            (id_number, name, org, status, e.list.is_empty())
        else {
            return Err(e.list);
        };
        let fields = MemberFields {
            id_number,
            name,
            declared_gender,
            declared_birth: birth_day,
            phone,
            org,
            status,
            hire_date,
            join_date,
            social_security_region,
            tags,
            bank_account,
            bank_branch,
        };
        MemberRecord::new(fields, today).map_err(|err| {
            let field = match err {
                MemberError::GenderContradicts { .. } | MemberError::GenderRequired => F::Gender,
                MemberError::BirthContradicts { .. } | MemberError::BirthRequired => F::BirthDate,
                MemberError::JoinBeforeBirth { .. } | MemberError::JoinInFuture { .. } => {
                    F::JoinDate
                }
            };
            e.push(field, err);
            e.list
        })
    }
}

/// The domain's message, with a hint when the digits look truncated by Excel.
fn id_reason(err: &IdNumberError, raw: &str) -> String {
    match err {
        IdNumberError::CheckDigit { .. } if raw.trim().ends_with("000") => format!(
            "{err}；号码末尾为000，可能被Excel当作数字截断，请把此列设为文本格式后重新录入 (ends in 000: probably cut by Excel, format the column as Text and re-enter it)"
        ),
        _ => err.to_string(),
    }
}

/// Splits a tags cell on 、 , ， ; ； and spaces, keeping `劳模 (省级)` together.
fn parse_tags(raw: &str) -> Result<BTreeSet<MemberTag>, MemberCellError> {
    let mut tags = BTreeSet::new();
    let mut unknown = Vec::new();
    for piece in split_tags(raw) {
        match MemberTag::parse(&piece) {
            Some(t) => {
                tags.insert(t);
            }
            None => unknown.push(piece),
        }
    }
    if unknown.is_empty() {
        Ok(tags)
    } else {
        Err(MemberCellError::Tag(unknown.join("、")))
    }
}

fn split_tags(raw: &str) -> Vec<String> {
    let mut pieces: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut depth = 0u32;
    for c in raw.chars() {
        match c {
            '(' | '（' => {
                depth += 1;
                // "劳模 (省级)": the bracket belongs to the tag before the space.
                if current.trim().is_empty() {
                    if let Some(prev) = pieces.pop() {
                        current = prev;
                    }
                }
                current.push(c);
            }
            ')' | '）' => {
                depth = depth.saturating_sub(1);
                current.push(c);
            }
            '、' | ',' | '，' | ';' | '；' | '/' | '|' if depth == 0 => {
                flush(&mut pieces, &mut current)
            }
            _ if c.is_whitespace() && depth == 0 => flush(&mut pieces, &mut current),
            _ => current.push(c),
        }
    }
    flush(&mut pieces, &mut current);
    pieces
}

fn flush(pieces: &mut Vec<String>, current: &mut String) {
    let t = current.trim();
    if !t.is_empty() {
        pieces.push(t.to_string());
    }
    current.clear();
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("劳模、外来务工", 2)]
    #[case("劳模(省级)，新就业形态；建档困难职工", 3)]
    #[case("劳模 (省级) 外来务工", 2)]
    #[case(" 外来务工 ", 1)]
    #[case("工匠（杭州工匠）;劳模", 2)]
    fn tag_cells_split_on_any_separator(#[case] raw: &str, #[case] n: usize) {
        assert_eq!(parse_tags(raw).unwrap().len(), n);
    }

    #[test]
    fn a_bracketed_level_after_a_space_stays_with_its_tag() {
        let tags = parse_tags("劳模 (省级)").unwrap();
        assert!(tags.contains(&MemberTag::ModelWorker("省级".into())));
    }

    #[test]
    fn unknown_tags_are_named_in_the_error() {
        let err = parse_tags("劳模、党员、志愿者").unwrap_err();
        assert!(err.to_string().contains("党员、志愿者"));
    }
}
