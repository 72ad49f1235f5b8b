//! Scenarios (SPEC section 10): one member and their claims in a cycle, as JSON. Parsed strictly:
//! an unknown field or a malformed value is an error that names the field, never ignored.
//!
//! Beyond SPEC 10, one optional field is understood: a diagnosis's `death_date`, for policies that
//! pay a disease whose first onset causes death (wenzhou-2018). Documented in docs/adjudication.md.

use crate::id_number::{Gender, IdNumber};
use crate::member::EmploymentStatus;
use crate::money::Money;
use crate::org::RegionCode;
use crate::policy::Policy;
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::fmt;

/// A scenario whose fields are all present and well-formed for their claim kinds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    pub member: Member,
    pub claims: Vec<Claim>,
}

/// What the engine needs to know of a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id_number: IdNumber,
    pub gender: Gender,
    pub status: EmploymentStatus,
    /// 社保统筹地; `None` is read as the policy's home region.
    pub social_security_region: Option<RegionCode>,
    pub enrolments: Vec<Enrolment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolment {
    pub item: String,
    pub shares: u32,
    pub start: NaiveDate,
    /// Continuous from the previous cycle: no waiting period.
    pub renewal: bool,
}

impl Member {
    pub fn enrolment(&self, item: &str) -> Option<&Enrolment> {
        self.enrolments.iter().find(|e| e.item == item)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub id: String,
    pub submitted: NaiveDate,
    pub event: Event,
    pub hospital_grade: Option<u8>,
    pub rehabilitation: bool,
    pub diagnoses: Vec<Diagnosis>,
    pub costs: Costs,
    pub invoices: Vec<String>,
    pub documents: Vec<String>,
}

/// The kind of a claim with the fields that kind requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    HospitalStay {
        admitted: NaiveDate,
        discharged: NaiveDate,
    },
    Outpatient {
        start: NaiveDate,
        end: NaiveDate,
        disease: String,
    },
    Diagnosis,
    CarePayment,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    pub disease: String,
    pub date: NaiveDate,
    pub first_diagnosis: bool,
    pub death_date: Option<NaiveDate>,
}

/// The settlement statement 结算单, in fen, as given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Costs {
    pub total: Money,
    pub pooled_fund: Money,
    pub personal_account: Money,
    pub self_borne: Money,
    pub self_pay_class_b: Money,
    pub self_pay_excluded: Money,
}

impl Costs {
    pub fn get(&self, c: crate::policy::CostComponent) -> Money {
        use crate::policy::CostComponent as C;
        match c {
            C::Total => self.total,
            C::PooledFund => self.pooled_fund,
            C::PersonalAccount => self.personal_account,
            C::SelfBorne => self.self_borne,
            C::SelfPayClassB => self.self_pay_class_b,
            C::SelfPayExcluded => self.self_pay_excluded,
        }
    }
}

/// A field that is missing, unknown or malformed, by its path (`claims[2].costs_fen.self_borne`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    pub field: String,
    pub problem: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.problem)
    }
}

impl std::error::Error for ScenarioError {}

fn err(field: impl Into<String>, problem: impl Into<String>) -> ScenarioError {
    ScenarioError {
        field: field.into(),
        problem: problem.into(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    member: RawMember,
    claims: Vec<RawClaim>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMember {
    id_number: String,
    status: EmploymentStatus,
    social_security_region: Option<String>,
    enrolments: Vec<RawEnrolment>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEnrolment {
    item: String,
    shares: u32,
    start: NaiveDate,
    #[serde(default)]
    renewal: bool,
}

/// A claim kind's name by its code (`hospital_stay`, …), (Chinese, English): one list for
/// messages, pages and exports.
pub fn kind_words(code: &str) -> Option<(&'static str, &'static str)> {
    Some(match code {
        "hospital_stay" => ("住院", "Hospital stay"),
        "outpatient" => ("特定病种门诊", "Designated-disease outpatient"),
        "diagnosis" => ("疾病确诊", "Diagnosis"),
        "care_payment" => ("关爱金", "Care payment"),
        _ => return None,
    })
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Kind {
    HospitalStay,
    Outpatient,
    Diagnosis,
    CarePayment,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClaim {
    id: String,
    kind: Kind,
    submitted: NaiveDate,
    admitted: Option<NaiveDate>,
    discharged: Option<NaiveDate>,
    period_start: Option<NaiveDate>,
    period_end: Option<NaiveDate>,
    designated_disease: Option<String>,
    hospital_grade: Option<u8>,
    #[serde(default)]
    rehabilitation: bool,
    #[serde(default)]
    diagnoses: Vec<RawDiagnosis>,
    costs_fen: Option<RawCosts>,
    #[serde(default)]
    invoices: Vec<String>,
    #[serde(default)]
    documents: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDiagnosis {
    disease: String,
    date: NaiveDate,
    first_diagnosis: bool,
    death_date: Option<NaiveDate>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawCosts {
    total: Option<u64>,
    pooled_fund: Option<u64>,
    personal_account: Option<u64>,
    self_borne: Option<u64>,
    self_pay_class_b: Option<u64>,
    self_pay_excluded: Option<u64>,
}

fn fen(path: &str, v: Option<u64>) -> Result<Money, ScenarioError> {
    match v {
        None => Ok(Money::ZERO),
        Some(v) => i64::try_from(v)
            .ok()
            .filter(|v| *v <= i64::MAX / 1_000)
            .map(Money::from_fen)
            .ok_or_else(|| err(path, "金额过大 (amount too large)")),
    }
}

impl Scenario {
    /// Parses a scenario and checks the fields each claim kind requires (SPEC 10).
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let raw: RawScenario = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let msg = inner.to_string();
            // serde_json appends " at line L column C"; keep it: it helps in a long file.
            err(if path == "." { "scenario".into() } else { path }, msg)
        })?;
        raw.validate()
    }

    /// Checks the scenario against a policy: known items, shares within the policy's limit.
    pub fn check_against(&self, policy: &Policy) -> Result<(), ScenarioError> {
        for (i, e) in self.member.enrolments.iter().enumerate() {
            if policy.item(&e.item).is_none() {
                return Err(err(
                    format!("member.enrolments[{i}].item"),
                    format!(
                        "政策 {} 没有项目“{}” (policy {} has no item `{}`)",
                        policy.id, e.item, policy.id, e.item
                    ),
                ));
            }
            if e.shares > policy.enrolment.max_shares {
                return Err(err(
                    format!("member.enrolments[{i}].shares"),
                    format!(
                        "政策 {} 每个项目最多 {} 份，此处为 {} (policy {} allows at most {} share(s) per item, found {})",
                        policy.id,
                        policy.enrolment.max_shares,
                        e.shares,
                        policy.id,
                        policy.enrolment.max_shares,
                        e.shares
                    ),
                ));
            }
        }
        Ok(())
    }
}

impl Claim {
    /// Parses one claim of the SPEC 10 shape (as the API receives it); error paths start at
    /// `prefix` (`claim.costs_fen.self_borne`).
    pub fn from_json(text: &str, prefix: &str) -> Result<Claim, ScenarioError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let raw: RawClaim = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let msg = e.into_inner().to_string();
            err(
                if path == "." {
                    prefix.to_string()
                } else {
                    format!("{prefix}.{path}")
                },
                msg,
            )
        })?;
        raw.validate_at(prefix)
    }

    /// The claim in the SPEC 10 shape, keys in a fixed order: what the store keeps and what
    /// [`Claim::from_json`] reads back to the same value.
    pub fn to_json(&self) -> String {
        use serde_json::{json, Map, Value};
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        let kind = match &self.event {
            Event::HospitalStay {
                admitted,
                discharged,
            } => {
                m.insert("admitted".into(), json!(admitted.to_string()));
                m.insert("discharged".into(), json!(discharged.to_string()));
                "hospital_stay"
            }
            Event::Outpatient {
                start,
                end,
                disease,
            } => {
                m.insert("period_start".into(), json!(start.to_string()));
                m.insert("period_end".into(), json!(end.to_string()));
                m.insert("designated_disease".into(), json!(disease));
                "outpatient"
            }
            Event::Diagnosis => "diagnosis",
            Event::CarePayment => "care_payment",
        };
        m.insert("kind".into(), json!(kind));
        m.insert("submitted".into(), json!(self.submitted.to_string()));
        if let Some(g) = self.hospital_grade {
            m.insert("hospital_grade".into(), json!(g));
        }
        m.insert("rehabilitation".into(), json!(self.rehabilitation));
        let diagnoses: Vec<Value> = self
            .diagnoses
            .iter()
            .map(|d| {
                let mut o = Map::new();
                o.insert("disease".into(), json!(d.disease));
                o.insert("date".into(), json!(d.date.to_string()));
                o.insert("first_diagnosis".into(), json!(d.first_diagnosis));
                if let Some(dd) = d.death_date {
                    o.insert("death_date".into(), json!(dd.to_string()));
                }
                Value::Object(o)
            })
            .collect();
        m.insert("diagnoses".into(), Value::Array(diagnoses));
        let c = &self.costs;
        m.insert(
            "costs_fen".into(),
            json!({
                "total": c.total.fen(), "pooled_fund": c.pooled_fund.fen(),
                "personal_account": c.personal_account.fen(), "self_borne": c.self_borne.fen(),
                "self_pay_class_b": c.self_pay_class_b.fen(),
                "self_pay_excluded": c.self_pay_excluded.fen()
            }),
        );
        m.insert("invoices".into(), json!(self.invoices));
        m.insert("documents".into(), json!(self.documents));
        Value::Object(m).to_string()
    }

    /// The date the claim's eligibility is judged on: admission, period start, or the first
    /// diagnosis (the submission date for a care payment).
    pub fn event_date(&self) -> NaiveDate {
        match &self.event {
            Event::HospitalStay { admitted, .. } => *admitted,
            Event::Outpatient { start, .. } => *start,
            Event::Diagnosis => self
                .diagnoses
                .iter()
                .map(|d| d.date)
                .min()
                .unwrap_or(self.submitted),
            Event::CarePayment => self.submitted,
        }
    }

    pub fn kind_code(&self) -> &'static str {
        match &self.event {
            Event::HospitalStay { .. } => "hospital_stay",
            Event::Outpatient { .. } => "outpatient",
            Event::Diagnosis => "diagnosis",
            Event::CarePayment => "care_payment",
        }
    }
}

impl RawScenario {
    fn validate(self) -> Result<Scenario, ScenarioError> {
        let m = self.member;
        // Far in the future: the scenario has no clock; only the shape and check digit matter.
        let far = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX);
        let id_number = IdNumber::parse(&m.id_number, far)
            .map_err(|e| err("member.id_number", e.to_string()))?;
        let gender = id_number.resident_facts().map(|f| f.gender).ok_or_else(|| {
            err(
                "member.id_number",
                "须为18位居民身份证号，以确定性别 (an 18-digit resident ID is needed to derive the gender)",
            )
        })?;
        let social_security_region = match m.social_security_region {
            None => None,
            Some(r) => Some(
                RegionCode::parse(&r)
                    .map_err(|e| err("member.social_security_region", e.to_string()))?,
            ),
        };
        let mut items = BTreeSet::new();
        let mut enrolments = Vec::with_capacity(m.enrolments.len());
        for (i, e) in m.enrolments.into_iter().enumerate() {
            if e.shares == 0 {
                return Err(err(
                    format!("member.enrolments[{i}].shares"),
                    "份数至少为1 (shares must be at least 1)",
                ));
            }
            if !items.insert(e.item.clone()) {
                return Err(err(
                    format!("member.enrolments[{i}].item"),
                    format!(
                        "项目“{}”重复参保 (item `{}` enrolled twice)",
                        e.item, e.item
                    ),
                ));
            }
            enrolments.push(Enrolment {
                item: e.item,
                shares: e.shares,
                start: e.start,
                renewal: e.renewal,
            });
        }
        let member = Member {
            id_number,
            gender,
            status: m.status,
            social_security_region,
            enrolments,
        };
        let mut ids = BTreeSet::new();
        let mut claims = Vec::with_capacity(self.claims.len());
        for (i, c) in self.claims.into_iter().enumerate() {
            if !ids.insert(c.id.clone()) {
                return Err(err(
                    format!("claims[{i}].id"),
                    format!("申请编号“{}”重复 (claim id `{}` is not unique)", c.id, c.id),
                ));
            }
            claims.push(c.validate(i)?);
        }
        // The scenario has no clock, so a birth date "in the future" (SPEC 3) is judged against
        // the scenario's own dates: nobody is enrolled, falls ill or claims before being born.
        if let Some(facts) = member.id_number.resident_facts() {
            let earliest = member
                .enrolments
                .iter()
                .map(|e| e.start)
                .chain(claims.iter().flat_map(|c| [c.submitted, c.event_date()]))
                .min();
            if let Some(day) = earliest.filter(|d| facts.birth_date > *d) {
                let born = facts.birth_date;
                return Err(err(
                    "member.id_number",
                    format!(
                        "出生日期{born}晚于本情景中的日期{day} (birth date {born} is after {day}, a date of this scenario)"
                    ),
                ));
            }
        }
        Ok(Scenario { member, claims })
    }
}

impl RawClaim {
    fn validate(self, i: usize) -> Result<Claim, ScenarioError> {
        self.validate_at(&format!("claims[{i}]"))
    }

    fn validate_at(self, prefix: &str) -> Result<Claim, ScenarioError> {
        let p = |f: &str| format!("{prefix}.{f}");
        let required = |f: &str, code: &str| {
            let (zh, en) = kind_words(code).unwrap_or((code, code));
            err(
                p(f),
                format!(
                    "{zh}申请必须填写 (required for a {} claim)",
                    en.to_lowercase()
                ),
            )
        };
        if self.id.trim().is_empty() {
            return Err(err(
                p("id"),
                "申请编号不能为空 (claim id must not be empty)",
            ));
        }
        for (j, d) in self.diagnoses.iter().enumerate() {
            if d.disease.trim().is_empty() {
                return Err(err(
                    p(&format!("diagnoses[{j}].disease")),
                    "疾病代码不能为空 (disease code must not be empty)",
                ));
            }
        }
        if self
            .designated_disease
            .as_deref()
            .is_some_and(|d| d.trim().is_empty())
        {
            return Err(err(
                p("designated_disease"),
                "病种代码不能为空 (disease code must not be empty)",
            ));
        }
        let kind_name = match self.kind {
            Kind::HospitalStay => "hospital_stay",
            Kind::Outpatient => "outpatient",
            Kind::Diagnosis => "diagnosis",
            Kind::CarePayment => "care_payment",
        };
        let event = match self.kind {
            Kind::HospitalStay => {
                let admitted = self
                    .admitted
                    .ok_or_else(|| required("admitted", kind_name))?;
                let discharged = self
                    .discharged
                    .ok_or_else(|| required("discharged", kind_name))?;
                if discharged < admitted {
                    return Err(err(
                        p("discharged"),
                        format!("出院日期{discharged}早于入院日期{admitted} (discharged before admitted)"),
                    ));
                }
                Event::HospitalStay {
                    admitted,
                    discharged,
                }
            }
            Kind::Outpatient => {
                let start = self
                    .period_start
                    .ok_or_else(|| required("period_start", kind_name))?;
                let end = self
                    .period_end
                    .ok_or_else(|| required("period_end", kind_name))?;
                if end < start {
                    return Err(err(
                        p("period_end"),
                        format!("结束日期{end}早于开始日期{start} (period ends before it starts)"),
                    ));
                }
                let disease = self
                    .designated_disease
                    .clone()
                    .ok_or_else(|| required("designated_disease", kind_name))?;
                Event::Outpatient {
                    start,
                    end,
                    disease,
                }
            }
            Kind::Diagnosis => {
                if self.diagnoses.is_empty() {
                    return Err(err(
                        p("diagnoses"),
                        "diagnosis 申请至少须有一项诊断 (a diagnosis claim needs at least one diagnosis)",
                    ));
                }
                Event::Diagnosis
            }
            Kind::CarePayment => Event::CarePayment,
        };
        let treatment = matches!(self.kind, Kind::HospitalStay | Kind::Outpatient);
        if let Some(g) = self.hospital_grade {
            if !(1..=3).contains(&g) {
                return Err(err(
                    p("hospital_grade"),
                    format!("医院等级应为1、2或3，此处为{g} (hospital grade must be 1, 2 or 3)"),
                ));
            }
        } else if treatment {
            return Err(required("hospital_grade", kind_name));
        }
        let rc = self.costs_fen.unwrap_or_default();
        if treatment && rc.self_borne.is_none() {
            return Err(required("costs_fen.self_borne", kind_name));
        }
        let c = |f: &str, v| fen(&p(&format!("costs_fen.{f}")), v);
        let costs = Costs {
            total: c("total", rc.total)?,
            pooled_fund: c("pooled_fund", rc.pooled_fund)?,
            personal_account: c("personal_account", rc.personal_account)?,
            self_borne: c("self_borne", rc.self_borne)?,
            self_pay_class_b: c("self_pay_class_b", rc.self_pay_class_b)?,
            self_pay_excluded: c("self_pay_excluded", rc.self_pay_excluded)?,
        };
        Ok(Claim {
            id: self.id,
            submitted: self.submitted,
            event,
            hospital_grade: self.hospital_grade,
            rehabilitation: self.rehabilitation,
            diagnoses: self
                .diagnoses
                .into_iter()
                .map(|d| Diagnosis {
                    disease: d.disease,
                    date: d.date,
                    first_diagnosis: d.first_diagnosis,
                    death_date: d.death_date,
                })
                .collect(),
            costs,
            invoices: self.invoices,
            documents: self.documents,
        })
    }
}
