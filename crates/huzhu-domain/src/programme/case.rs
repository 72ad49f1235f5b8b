//! The case of SPEC 11: one applicant at one date, the facts programmes need and the grants
//! already made. Parsed strictly: an unknown field or a malformed value is an error naming the
//! field path (`household.people[0].school_level`).
//!
//! Beyond SPEC 11, one optional field is understood: `documents`, the ids of the documents handed
//! in (absent: documents are not checked). Absent `archive` is null (not archived); absent
//! `grants`, `donations`, `household.people` and `member.tags` are empty; absent `member.status`
//! is `in_service`; absent `education_fen`, `education_abroad_self_funded_fen`,
//! `disaster_loss_fen` are 0.

use super::Category;
use crate::id_number::IdNumber;
use crate::member::EmploymentStatus;
use crate::money::Money;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A field that is missing, unknown or malformed, by its path; or a fact the programme needs that
/// the case lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseError {
    pub field: String,
    pub problem: String,
}

impl fmt::Display for CaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.problem)
    }
}

impl std::error::Error for CaseError {}

pub(super) fn err(field: impl Into<String>, problem: impl Into<String>) -> CaseError {
    CaseError {
        field: field.into(),
        problem: problem.into(),
    }
}

pub(super) fn missing(field: &str, programme: &str) -> CaseError {
    err(
        field,
        format!("项目 {programme} 需要此项 (programme {programme} needs this fact)"),
    )
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub as_of: NaiveDate,
    pub member: CaseMember,
    pub household: Option<Household>,
    pub archive: Option<Archive>,
    pub medical: Option<Medical>,
    pub donations: Vec<Donation>,
    /// One-off relief: the officer's amount.
    pub requested: Option<Money>,
    pub grants: Vec<Grant>,
    /// Documents handed in; `None`: not checked.
    pub documents: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseMember {
    pub id_number: IdNumber,
    pub status: EmploymentStatus,
    pub tags: Vec<String>,
    pub employed_in_city_since: Option<NaiveDate>,
}

/// The household's facts, in fen. The three `Option`s are required by the archive only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Household {
    pub size: Option<u32>,
    pub annual_income: Option<Money>,
    /// After basic insurance and mutual aid.
    pub medical_self_paid: Option<Money>,
    pub education: Money,
    /// Study abroad at own expense: a separate figure, counted as 0 in rigid expenses.
    pub education_abroad_self_funded: Money,
    pub disaster_loss: Money,
    pub people: Vec<Person>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id_number: IdNumber,
    pub relation: String,
    pub school_level: SchoolLevel,
    pub dialysis: bool,
}

/// The school level of a person in education (SPEC 11); the archive's household facts use it too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SchoolLevel {
    Postgraduate,
    Undergraduate,
    JuniorCollege,
    SeniorSecondary,
    None,
}

impl SchoolLevel {
    pub const ALL: [SchoolLevel; 5] = [
        SchoolLevel::Postgraduate,
        SchoolLevel::Undergraduate,
        SchoolLevel::JuniorCollege,
        SchoolLevel::SeniorSecondary,
        SchoolLevel::None,
    ];
    pub fn code(self) -> &'static str {
        match self {
            SchoolLevel::Postgraduate => "postgraduate",
            SchoolLevel::Undergraduate => "undergraduate",
            SchoolLevel::JuniorCollege => "junior_college",
            SchoolLevel::SeniorSecondary => "senior_secondary",
            SchoolLevel::None => "none",
        }
    }
    pub fn parse(raw: &str) -> Option<SchoolLevel> {
        SchoolLevel::ALL.into_iter().find(|l| l.code() == raw)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            SchoolLevel::Postgraduate => "研究生",
            SchoolLevel::Undergraduate => "本科",
            SchoolLevel::JuniorCollege => "大专",
            SchoolLevel::SeniorSecondary => "高中（中职）",
            SchoolLevel::None => "非在学",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            SchoolLevel::Postgraduate => "postgraduate",
            SchoolLevel::Undergraduate => "undergraduate",
            SchoolLevel::JuniorCollege => "junior college",
            SchoolLevel::SeniorSecondary => "senior secondary",
            SchoolLevel::None => "not in school",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Archive {
    pub category: Category,
    pub active: bool,
    #[serde(default, deserialize_with = "opt_date")]
    pub since: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Medical {
    pub diagnoses: Vec<Diagnosis>,
    pub total_cost: Money,
    pub insurance_paid: Money,
    pub mutual_aid_paid: Money,
}

impl Medical {
    /// 自付: total − basic insurance − mutual aid; may be negative.
    pub fn out_of_pocket(&self) -> Money {
        Money::from_fen(
            self.total_cost.fen() - self.insurance_paid.fen() - self.mutual_aid_paid.fen(),
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Diagnosis {
    pub disease: String,
    #[serde(deserialize_with = "date")]
    pub date: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Donation {
    pub date: NaiveDate,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub programme: String,
    pub key: String,
    pub amount: Money,
    pub date: NaiveDate,
}

/// A date as chrono reads it (the same values, the same errors), with `YYYY-MM-DD` read
/// directly: chrono's general parser was a tenth of `huzhu assess` (issue 15).
struct Date(NaiveDate);

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                // chrono's words, so that a malformed case is named as before.
                f.write_str("a formatted date string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Date, E> {
                match iso_date(v) {
                    Some(d) => Ok(Date(d)),
                    None => v.parse().map(Date).map_err(E::custom),
                }
            }
        }
        d.deserialize_str(Visitor)
    }
}

/// `YYYY-MM-DD` in ASCII digits, a real day; `None` for anything else (chrono then decides).
fn iso_date(v: &str) -> Option<NaiveDate> {
    let b = v.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |a, c| {
            c.is_ascii_digit().then(|| a * 10 + u32::from(c - b'0'))
        })
    };
    let year = i32::try_from(num(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, num(5..7)?, num(8..10)?)
}

fn date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    Date::deserialize(d).map(|d| d.0)
}

fn opt_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    Option::<Date>::deserialize(d).map(|o| o.map(|d| d.0))
}

/// Amounts in a case: integers ≥ 0, small enough that sums of a few never overflow.
const MAX_FEN: u64 = (i64::MAX / 1_000) as u64;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    #[serde(deserialize_with = "date")]
    as_of: NaiveDate,
    member: RawMember,
    household: Option<RawHousehold>,
    archive: Option<Archive>,
    medical: Option<RawMedical>,
    #[serde(default)]
    donations: Vec<RawDonation>,
    requested_fen: Option<u64>,
    #[serde(default)]
    grants: Vec<RawGrant>,
    documents: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMember {
    id_number: String,
    status: Option<EmploymentStatus>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default, deserialize_with = "opt_date")]
    employed_in_city_since: Option<NaiveDate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHousehold {
    size: Option<u32>,
    annual_income_fen: Option<u64>,
    medical_self_paid_fen: Option<u64>,
    education_fen: Option<u64>,
    education_abroad_self_funded_fen: Option<u64>,
    disaster_loss_fen: Option<u64>,
    #[serde(default)]
    people: Vec<RawPerson>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPerson {
    id_number: String,
    relation: String,
    school_level: Option<SchoolLevel>,
    #[serde(default)]
    dialysis: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMedical {
    #[serde(default)]
    diagnoses: Vec<Diagnosis>,
    total_cost_fen: u64,
    insurance_paid_fen: Option<u64>,
    mutual_aid_paid_fen: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDonation {
    #[serde(deserialize_with = "date")]
    date: NaiveDate,
    amount_fen: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrant {
    programme: String,
    key: String,
    amount_fen: u64,
    #[serde(deserialize_with = "date")]
    date: NaiveDate,
}

fn fen(path: impl Fn() -> String, v: u64) -> Result<Money, CaseError> {
    if v > MAX_FEN {
        return Err(err(path(), "金额过大 (amount too large)"));
    }
    Ok(Money::from_fen(v as i64))
}

fn opt_fen(path: impl Fn() -> String, v: Option<u64>) -> Result<Option<Money>, CaseError> {
    v.map(|v| fen(path, v)).transpose()
}

fn id(path: impl Fn() -> String, raw: &str) -> Result<IdNumber, CaseError> {
    // Far in the future: a case has no clock; only the shape and the check digit matter.
    let far = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX);
    IdNumber::parse(raw, far).map_err(|e| err(path(), e.to_string()))
}

impl Case {
    /// Parses a case (SPEC 11), naming the field of the first problem.
    pub fn from_json(text: &str) -> Result<Case, CaseError> {
        // A well-formed case is read without tracking its path (issue 15: the tracking cost
        // about a tenth of `huzhu assess`); only a malformed one is read again, tracked, to
        // name the field. Both reads stop at the end of the object, as the tracked one did.
        let de = &mut serde_json::Deserializer::from_str(text);
        if let Ok(raw) = RawCase::deserialize(de) {
            return raw.validate();
        }
        let de = &mut serde_json::Deserializer::from_str(text);
        let raw: RawCase = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let msg = e.into_inner().to_string();
            err(if path == "." { "case".into() } else { path }, msg)
        })?;
        raw.validate()
    }
}

impl RawCase {
    fn validate(self) -> Result<Case, CaseError> {
        let m = self.member;
        let member = CaseMember {
            id_number: id(|| "member.id_number".into(), &m.id_number)?,
            status: m.status.unwrap_or(EmploymentStatus::InService),
            tags: m.tags,
            employed_in_city_since: m.employed_in_city_since,
        };
        let household = match self.household {
            None => None,
            Some(h) => {
                if h.size == Some(0) {
                    return Err(err(
                        "household.size",
                        "户人数至少为1 (household size must be at least 1)",
                    ));
                }
                let mut people = Vec::with_capacity(h.people.len());
                for (i, p) in h.people.into_iter().enumerate() {
                    let id_number =
                        id(|| format!("household.people[{i}].id_number"), &p.id_number)?;
                    if p.relation.trim().is_empty() {
                        return Err(err(
                            format!("household.people[{i}].relation"),
                            "关系不能为空 (relation must not be empty)",
                        ));
                    }
                    people.push(Person {
                        id_number,
                        relation: p.relation,
                        school_level: p.school_level.unwrap_or(SchoolLevel::None),
                        dialysis: p.dialysis,
                    });
                }
                Some(Household {
                    size: h.size,
                    annual_income: opt_fen(
                        || "household.annual_income_fen".into(),
                        h.annual_income_fen,
                    )?,
                    medical_self_paid: opt_fen(
                        || "household.medical_self_paid_fen".into(),
                        h.medical_self_paid_fen,
                    )?,
                    education: opt_fen(|| "household.education_fen".into(), h.education_fen)?
                        .unwrap_or(Money::ZERO),
                    education_abroad_self_funded: opt_fen(
                        || "household.education_abroad_self_funded_fen".into(),
                        h.education_abroad_self_funded_fen,
                    )?
                    .unwrap_or(Money::ZERO),
                    disaster_loss: opt_fen(
                        || "household.disaster_loss_fen".into(),
                        h.disaster_loss_fen,
                    )?
                    .unwrap_or(Money::ZERO),
                    people,
                })
            }
        };
        let medical = match self.medical {
            None => None,
            Some(md) => Some(Medical {
                diagnoses: md.diagnoses,
                total_cost: fen(|| "medical.total_cost_fen".into(), md.total_cost_fen)?,
                insurance_paid: opt_fen(
                    || "medical.insurance_paid_fen".into(),
                    md.insurance_paid_fen,
                )?
                .unwrap_or(Money::ZERO),
                mutual_aid_paid: opt_fen(
                    || "medical.mutual_aid_paid_fen".into(),
                    md.mutual_aid_paid_fen,
                )?
                .unwrap_or(Money::ZERO),
            }),
        };
        let mut donations = Vec::with_capacity(self.donations.len());
        for (i, d) in self.donations.into_iter().enumerate() {
            donations.push(Donation {
                date: d.date,
                amount: fen(|| format!("donations[{i}].amount_fen"), d.amount_fen)?,
            });
        }
        let mut grants = Vec::with_capacity(self.grants.len());
        for (i, g) in self.grants.into_iter().enumerate() {
            grants.push(Grant {
                amount: fen(|| format!("grants[{i}].amount_fen"), g.amount_fen)?,
                programme: g.programme,
                key: g.key,
                date: g.date,
            });
        }
        Ok(Case {
            as_of: self.as_of,
            member,
            household,
            archive: self.archive,
            medical,
            donations,
            requested: opt_fen(|| "requested_fen".into(), self.requested_fen)?,
            grants,
            documents: self.documents,
        })
    }
}
