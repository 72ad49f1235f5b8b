//! The four-level organisation tree 工会组织 (SPEC section 2): 市总工会 → 区县(市)总工会/产业工会 →
//! 乡镇(街道)/园区总工会 → 基层工会. Members belong to grassroots unions only.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrgError {
    #[error("组织代码为空 (organisation code is empty)")]
    EmptyCode,
    #[error("组织代码“{code}”只能包含字母、数字和“-”，最长32位 (organisation code '{code}' may hold letters, digits and '-', at most 32)")]
    BadCode { code: String },
    #[error(
        "层级“{raw}”无效，应为 市/区县/乡镇街道/基层 或 1-4 (level '{raw}' is not one of 1-4)"
    )]
    BadLevel { raw: String },
    #[error("行政区划代码“{raw}”应为6位数字 (region code '{raw}' must be 6 digits)")]
    BadRegion { raw: String },
    #[error("组织名称为空 (organisation name is empty)")]
    EmptyName,
    #[error("{child}级组织不能挂在{parent}级组织下 (a level-{child_n} org cannot sit under a level-{parent_n} org)", child = .child.label_zh(), parent = .parent.label_zh(), child_n = *.child as u8, parent_n = *.parent as u8)]
    LevelOrder { parent: OrgLevel, child: OrgLevel },
    #[error("市级组织不能有上级 (a city federation has no parent)")]
    CityWithParent,
    #[error("非市级组织必须有上级 (every org below city level needs a parent)")]
    MissingParent,
}

/// An organisation's code, as the federation assigns it (工会代码).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgCode(String);

impl OrgCode {
    pub fn parse(raw: &str) -> Result<OrgCode, OrgError> {
        // Full-width characters and spaces as typed; hyphens are part of codes (LA-JN-001).
        let v: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
                _ => c,
            })
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if v.is_empty() {
            return Err(OrgError::EmptyCode);
        }
        if v.len() > 32 || !v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(OrgError::BadCode {
                code: raw.trim().to_string(),
            });
        }
        Ok(OrgCode(v))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OrgCode {
    type Error = OrgError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        OrgCode::parse(&s)
    }
}

impl From<OrgCode> for String {
    fn from(c: OrgCode) -> String {
        c.0
    }
}

impl fmt::Display for OrgCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The level of an organisation in the tree, 1 (city) to 4 (grassroots).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgLevel {
    /// 市总工会
    City = 1,
    /// 区县(市)总工会 / 产业工会
    District = 2,
    /// 乡镇(街道) / 园区总工会 / 联合工会
    Street = 3,
    /// 基层工会
    Grassroots = 4,
}

impl OrgLevel {
    pub fn from_number(n: i64) -> Option<OrgLevel> {
        match n {
            1 => Some(OrgLevel::City),
            2 => Some(OrgLevel::District),
            3 => Some(OrgLevel::Street),
            4 => Some(OrgLevel::Grassroots),
            _ => None,
        }
    }

    pub fn number(self) -> i64 {
        self as i64
    }

    pub fn code(self) -> &'static str {
        match self {
            OrgLevel::City => "city",
            OrgLevel::District => "district",
            OrgLevel::Street => "street",
            OrgLevel::Grassroots => "grassroots",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            OrgLevel::City => "市",
            OrgLevel::District => "区县",
            OrgLevel::Street => "乡镇街道",
            OrgLevel::Grassroots => "基层",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            OrgLevel::City => "city",
            OrgLevel::District => "district",
            OrgLevel::Street => "street",
            OrgLevel::Grassroots => "grassroots",
        }
    }

    /// Accepts 1–4, the English codes and the Chinese names found in rosters.
    pub fn parse(raw: &str) -> Result<OrgLevel, OrgError> {
        let t = raw.trim();
        let level = match t {
            "1" | "city" | "市" | "市级" | "市总工会" | "市总" => Some(OrgLevel::City),
            "2" | "district" | "区" | "县" | "区县" | "区县级" | "区县(市)" | "区县（市）"
            | "区县总工会" | "产业工会" | "产业" => Some(OrgLevel::District),
            "3" | "street" | "乡镇" | "街道" | "乡镇街道" | "乡镇(街道)" | "乡镇（街道）"
            | "园区" | "联合工会" | "乡镇街道级" => Some(OrgLevel::Street),
            "4" | "grassroots" | "基层" | "基层工会" | "企业" | "单位" => {
                Some(OrgLevel::Grassroots)
            }
            _ => None,
        };
        level.ok_or_else(|| OrgError::BadLevel { raw: t.to_string() })
    }

    /// Whether an org of level `child` may sit directly under one of level `self`: strictly deeper.
    /// Levels may be skipped (a large enterprise's union directly under a district federation, a
    /// 市直 unit directly under the city), as federations do in practice.
    pub fn may_parent(self, child: OrgLevel) -> bool {
        child > self
    }
}

/// A GB/T 2260 administrative region code, six digits (330100 Hangzhou, 330112 Lin'an).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(u32);

impl RegionCode {
    pub fn parse(raw: &str) -> Result<RegionCode, OrgError> {
        let v = crate::id_number::normalise(raw);
        if v.len() == 6 && v.chars().all(|c| c.is_ascii_digit()) && !v.starts_with('0') {
            v.parse()
                .map(RegionCode)
                .map_err(|_| OrgError::BadRegion { raw: raw.into() })
        } else {
            Err(OrgError::BadRegion {
                raw: raw.trim().to_string(),
            })
        }
    }
    pub fn value(self) -> u32 {
        self.0
    }
    /// Whether this region lies under `prefix` (e.g. "3301" for Hangzhou, SPEC 4.1 split statement).
    pub fn starts_with(self, prefix: &str) -> bool {
        self.0.to_string().starts_with(prefix)
    }
}

impl TryFrom<String> for RegionCode {
    type Error = OrgError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        RegionCode::parse(&s)
    }
}

impl From<RegionCode> for String {
    fn from(c: RegionCode) -> String {
        c.0.to_string()
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:06}", self.0)
    }
}

/// An organisation as entered: validated fields, parent named by code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewOrg {
    pub code: OrgCode,
    pub name: String,
    pub parent: Option<OrgCode>,
    pub level: OrgLevel,
    pub region: RegionCode,
}

impl NewOrg {
    /// Checks the rules that need only this org: the city has no parent, every other org has one.
    pub fn new(
        code: OrgCode,
        name: &str,
        parent: Option<OrgCode>,
        level: OrgLevel,
        region: RegionCode,
    ) -> Result<NewOrg, OrgError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(OrgError::EmptyName);
        }
        match (level, &parent) {
            (OrgLevel::City, Some(_)) => return Err(OrgError::CityWithParent),
            (OrgLevel::City, None) => {}
            (_, None) => return Err(OrgError::MissingParent),
            _ => {}
        }
        Ok(NewOrg {
            code,
            name: name.to_string(),
            parent,
            level,
            region,
        })
    }

    /// Checks the rule that needs the parent: strictly deeper in the tree.
    pub fn check_parent_level(&self, parent_level: OrgLevel) -> Result<(), OrgError> {
        if parent_level.may_parent(self.level) {
            Ok(())
        } else {
            Err(OrgError::LevelOrder {
                parent: parent_level,
                child: self.level,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_read_chinese_and_numbers() {
        assert_eq!(OrgLevel::parse("基层").unwrap(), OrgLevel::Grassroots);
        assert_eq!(OrgLevel::parse("2").unwrap(), OrgLevel::District);
        assert_eq!(OrgLevel::parse("乡镇（街道）").unwrap(), OrgLevel::Street);
        assert!(OrgLevel::parse("5").is_err());
    }

    #[test]
    fn a_child_must_sit_deeper_than_its_parent() {
        let org = NewOrg::new(
            OrgCode::parse("U1").unwrap(),
            "某公司工会",
            Some(OrgCode::parse("S1").unwrap()),
            OrgLevel::Street,
            RegionCode::parse("330112").unwrap(),
        )
        .unwrap();
        assert!(org.check_parent_level(OrgLevel::District).is_ok());
        assert!(org.check_parent_level(OrgLevel::Grassroots).is_err());
        assert!(org.check_parent_level(OrgLevel::Street).is_err());
    }

    #[test]
    fn the_city_has_no_parent_and_others_need_one() {
        let c = OrgCode::parse("HZ").unwrap();
        let r = RegionCode::parse("330100").unwrap();
        assert_eq!(
            NewOrg::new(c.clone(), "市总", Some(c.clone()), OrgLevel::City, r),
            Err(OrgError::CityWithParent)
        );
        assert_eq!(
            NewOrg::new(c, "区总", None, OrgLevel::District, r),
            Err(OrgError::MissingParent)
        );
    }

    #[test]
    fn codes_keep_hyphens_and_read_full_width() {
        assert_eq!(OrgCode::parse(" la-jn-001 ").unwrap().as_str(), "LA-JN-001");
        assert_eq!(OrgCode::parse("ＬＡ－００１").unwrap().as_str(), "LA-001");
        assert!(OrgCode::parse("LA/001").is_err());
    }

    #[test]
    fn region_prefix_tells_hangzhou() {
        assert!(RegionCode::parse("330112").unwrap().starts_with("3301"));
        assert!(!RegionCode::parse("330212").unwrap().starts_with("3301"));
        assert!(RegionCode::parse("33011").is_err());
    }
}
