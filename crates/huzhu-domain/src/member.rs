//! Members 会员 (SPEC section 3): a real-name record on one grassroots union at a time.

use crate::id_number::{Gender, IdNumber};
use crate::org::{OrgCode, RegionCode};
use crate::personal::{BankAccount, BankBranch, PersonName, Phone};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// 在职状态. Only members in service are eligible for the in-service schemes (SPEC 4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmploymentStatus {
    /// 在职
    InService,
    /// 离退休
    Retired,
    /// 退休返聘
    ReemployedRetiree,
}

impl EmploymentStatus {
    pub fn code(self) -> &'static str {
        match self {
            EmploymentStatus::InService => "in_service",
            EmploymentStatus::Retired => "retired",
            EmploymentStatus::ReemployedRetiree => "reemployed_retiree",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            EmploymentStatus::InService => "在职",
            EmploymentStatus::Retired => "离退休",
            EmploymentStatus::ReemployedRetiree => "退休返聘",
        }
    }
    pub fn parse(raw: &str) -> Option<EmploymentStatus> {
        match raw.trim() {
            "在职" | "在岗" | "in_service" | "职工" | "在职人员" | "在职职工" | "在册" => {
                Some(EmploymentStatus::InService)
            }
            "离退休" | "退休" | "离休" | "retired" | "已退休" | "退休人员" | "离退休人员" => {
                Some(EmploymentStatus::Retired)
            }
            "退休返聘" | "返聘" | "reemployed_retiree" | "返聘人员" | "退休返聘人员"
            | "退休再就业" => Some(EmploymentStatus::ReemployedRetiree),
            _ => None,
        }
    }
}

/// Member tags (SPEC section 3). Stored by code; the model-worker tag carries its level.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "tag", content = "level")]
pub enum MemberTag {
    /// 劳模, with its level (全国/省/市/区县)
    ModelWorker(String),
    /// 建档困难职工
    Hardship,
    /// 外来务工
    Migrant,
    /// 新就业形态 (riders, couriers, drivers)
    NewForm,
    /// 工匠, with its title
    Craftsman(String),
}

impl MemberTag {
    /// Reads one tag as written in a roster cell: `劳模(省级)`, `困难职工`, `外来务工`, `新就业形态`,
    /// `工匠(杭州工匠)`.
    pub fn parse(raw: &str) -> Option<MemberTag> {
        let t = raw.trim();
        let (head, arg) = match t.find(['(', '（']) {
            Some(i) => {
                let rest = &t[i..];
                let inner = rest
                    .trim_start_matches(['(', '（'])
                    .trim_end_matches([')', '）'])
                    .trim();
                (&t[..i], Some(inner.to_string()))
            }
            None => (t, None),
        };
        match head.trim() {
            "劳模" | "劳动模范" | "model_worker" => {
                Some(MemberTag::ModelWorker(arg.unwrap_or_default()))
            }
            "困难职工" | "建档困难职工" | "hardship" => Some(MemberTag::Hardship),
            "外来务工" | "外来务工人员" | "农民工" | "migrant" => {
                Some(MemberTag::Migrant)
            }
            "新就业形态" | "新就业形态劳动者" | "new_form" => Some(MemberTag::NewForm),
            "工匠" | "craftsman" => Some(MemberTag::Craftsman(arg.unwrap_or_default())),
            _ => None,
        }
    }

    pub fn label_zh(&self) -> String {
        match self {
            MemberTag::ModelWorker(l) if l.is_empty() => "劳模".into(),
            MemberTag::ModelWorker(l) => format!("劳模({l})"),
            MemberTag::Hardship => "建档困难职工".into(),
            MemberTag::Migrant => "外来务工".into(),
            MemberTag::NewForm => "新就业形态".into(),
            MemberTag::Craftsman(t) if t.is_empty() => "工匠".into(),
            MemberTag::Craftsman(t) => format!("工匠({t})"),
        }
    }
}

/// Why a member record is inconsistent as a whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MemberError {
    #[error("性别“{declared}”与身份证号不符（身份证为{derived}） (gender {declared} contradicts the ID number, which says {derived})", declared = .declared.label_zh(), derived = .derived.label_zh())]
    GenderContradicts { declared: Gender, derived: Gender },
    #[error("出生日期{declared}与身份证号不符（身份证为{derived}） (birth date {declared} contradicts the ID number, which says {derived})")]
    BirthContradicts {
        declared: NaiveDate,
        derived: NaiveDate,
    },
    #[error("非身份证件须填写性别 (gender is required for documents other than the resident ID)")]
    GenderRequired,
    #[error("非身份证件须填写出生日期 (birth date is required for documents other than the resident ID)")]
    BirthRequired,
    #[error("入会日期{join}早于出生日期{birth} (union join date {join} is before birth {birth})")]
    JoinBeforeBirth { join: NaiveDate, birth: NaiveDate },
    #[error("入会日期{join}晚于今天 (union join date {join} is in the future)")]
    JoinInFuture { join: NaiveDate },
}

/// A member record as entered, valid as a whole: gender and birth date derived from the ID where
/// the ID carries them, and a declared value that contradicts the ID is an error, never fixed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberRecord {
    pub id_number: IdNumber,
    pub name: PersonName,
    pub gender: Gender,
    pub birth_date: NaiveDate,
    pub phone: Option<Phone>,
    pub org: OrgCode,
    pub status: EmploymentStatus,
    pub hire_date: Option<NaiveDate>,
    pub join_date: Option<NaiveDate>,
    pub social_security_region: Option<RegionCode>,
    pub tags: BTreeSet<MemberTag>,
    pub bank_account: Option<BankAccount>,
    /// 开户行 — where `bank_account` is held (issue 13: the bank file had no branch column).
    pub bank_branch: Option<BankBranch>,
}

/// The fields of a member before the cross-field checks.
#[derive(Debug, Clone)]
pub struct MemberFields {
    pub id_number: IdNumber,
    pub name: PersonName,
    pub declared_gender: Option<Gender>,
    pub declared_birth: Option<NaiveDate>,
    pub phone: Option<Phone>,
    pub org: OrgCode,
    pub status: EmploymentStatus,
    pub hire_date: Option<NaiveDate>,
    pub join_date: Option<NaiveDate>,
    pub social_security_region: Option<RegionCode>,
    pub tags: BTreeSet<MemberTag>,
    pub bank_account: Option<BankAccount>,
    /// 开户行 — where `bank_account` is held (issue 13: the bank file had no branch column).
    pub bank_branch: Option<BankBranch>,
}

impl MemberRecord {
    pub fn new(f: MemberFields, today: NaiveDate) -> Result<MemberRecord, MemberError> {
        let (gender, birth_date) = match f.id_number.resident_facts() {
            Some(facts) => {
                if let Some(declared) = f.declared_gender.filter(|g| *g != facts.gender) {
                    return Err(MemberError::GenderContradicts {
                        declared,
                        derived: facts.gender,
                    });
                }
                if let Some(declared) = f.declared_birth.filter(|d| *d != facts.birth_date) {
                    return Err(MemberError::BirthContradicts {
                        declared,
                        derived: facts.birth_date,
                    });
                }
                (facts.gender, facts.birth_date)
            }
            None => (
                f.declared_gender.ok_or(MemberError::GenderRequired)?,
                f.declared_birth.ok_or(MemberError::BirthRequired)?,
            ),
        };
        if let Some(join) = f.join_date {
            if join < birth_date {
                return Err(MemberError::JoinBeforeBirth {
                    join,
                    birth: birth_date,
                });
            }
            if join > today {
                return Err(MemberError::JoinInFuture { join });
            }
        }
        Ok(MemberRecord {
            id_number: f.id_number,
            name: f.name,
            gender,
            birth_date,
            phone: f.phone,
            org: f.org,
            status: f.status,
            hire_date: f.hire_date,
            join_date: f.join_date,
            social_security_region: f.social_security_region,
            tags: f.tags,
            bank_account: f.bank_account,
            bank_branch: f.bank_branch,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn fields() -> MemberFields {
        MemberFields {
            id_number: IdNumber::parse("330106198503150024", today()).unwrap(),
            name: PersonName::parse("王芳").unwrap(),
            declared_gender: None,
            declared_birth: None,
            phone: None,
            org: OrgCode::parse("U001").unwrap(),
            status: EmploymentStatus::InService,
            hire_date: None,
            join_date: None,
            social_security_region: None,
            tags: BTreeSet::new(),
            bank_account: None,
            bank_branch: None,
        }
    }

    #[test]
    fn gender_and_birth_come_from_the_id() {
        let m = MemberRecord::new(fields(), today()).unwrap();
        assert_eq!(m.gender, Gender::Female);
        assert_eq!(m.birth_date, NaiveDate::from_ymd_opt(1985, 3, 15).unwrap());
    }

    #[test]
    fn a_gender_that_contradicts_the_id_is_rejected_not_fixed() {
        let mut f = fields();
        f.declared_gender = Some(Gender::Male);
        assert_eq!(
            MemberRecord::new(f, today()),
            Err(MemberError::GenderContradicts {
                declared: Gender::Male,
                derived: Gender::Female
            })
        );
    }

    #[test]
    fn a_birth_date_that_contradicts_the_id_is_rejected() {
        let mut f = fields();
        f.declared_birth = NaiveDate::from_ymd_opt(1985, 3, 16);
        assert!(matches!(
            MemberRecord::new(f, today()),
            Err(MemberError::BirthContradicts { .. })
        ));
    }

    #[test]
    fn tags_read_roster_cells() {
        assert_eq!(
            MemberTag::parse("劳模（省级）"),
            Some(MemberTag::ModelWorker("省级".into()))
        );
        assert_eq!(MemberTag::parse("外来务工"), Some(MemberTag::Migrant));
        assert_eq!(MemberTag::parse("xyz"), None);
    }
}
