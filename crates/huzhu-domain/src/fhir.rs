//! HL7 FHIR R4 export of a decided claim (issue 18): the claim as a `Claim` resource and the
//! engine's decision as an `ExplanationOfBenefit`, and the refusal codes as the `CodeSystem`
//! huzhu publishes. Pure: the caller hands in the claim, its decision and who is who; the
//! resources come back as JSON text with keys in a fixed order (byte-identical for the same
//! input). Amounts are written from integer fen as exact decimals (12345 fen is `123.45`), never
//! through a float. docs/fhir.md describes the mapping.
//!
//! Patients are named by a pseudonymous identifier (the member id) or, where there is none (a
//! scenario decided by `huzhu adjudicate`), by the masked ID number as display text: a whole ID
//! number never appears.

use crate::engine::{Decision, Reason};
use crate::money::Money;
use crate::policy::Policy;
use crate::scenario::{Claim, Event};
use crate::workflow::ClaimState;
use serde::Deserialize;
use std::fmt::Write as _;

/// The canonical URL of huzhu's refusal code system; the server also answers the resource at
/// [`REFUSAL_CODE_SYSTEM_PATH`].
pub const REFUSAL_SYSTEM: &str = "urn:huzhu:fhir:CodeSystem:huzhu-refusal";
/// Where the server publishes the refusal code system (`GET`, `application/fhir+json`).
pub const REFUSAL_CODE_SYSTEM_PATH: &str = "/fhir/CodeSystem/huzhu-refusal";
/// Identifier system of members (pseudonymous: the member id, never the ID number).
pub const MEMBER_SYSTEM: &str = "urn:huzhu:member";
/// Identifier system of organisations (trade-union org codes, e.g. `LA-01-001`).
pub const ORG_SYSTEM: &str = "urn:huzhu:org";
/// Identifier system of claims (the claim id; a scenario's own claim id for `adjudicate`).
pub const CLAIM_SYSTEM: &str = "urn:huzhu:claim";
/// Identifier system of policies (`hangzhou-2022`).
pub const POLICY_SYSTEM: &str = "urn:huzhu:policy";
/// Code system of a policy's clauses (`hangzhou-2022 A.1`).
pub const CLAUSE_SYSTEM: &str = "urn:huzhu:clause";
/// Code system of a policy's benefits (`hangzhou-2022 A/hospital`: policy, item, benefit).
pub const BENEFIT_SYSTEM: &str = "urn:huzhu:benefit";
/// Code system of huzhu's claim kinds (`hospital_stay`, …).
pub const CLAIM_KIND_SYSTEM: &str = "urn:huzhu:claim-kind";

const CLAIM_TYPE: &str = "http://terminology.hl7.org/CodeSystem/claim-type";
const ADJUDICATION: &str = "http://terminology.hl7.org/CodeSystem/adjudication";
const PRIORITY: &str = "http://terminology.hl7.org/CodeSystem/processpriority";
const PAYMENT_TYPE: &str = "http://terminology.hl7.org/CodeSystem/ex-paymenttype";
const CURRENCY: &str = "CNY";

// ---------------------------------------------------------------------------------------------
// A small JSON value whose keys keep their order and whose money is exact.

/// JSON built for export: objects keep their keys in order, money is integer fen written as a
/// decimal number with two places at most.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Json {
    Bool(bool),
    Int(i64),
    /// Fen, written as yuan: `12345` → `123.45`, `-5` → `-0.05`, `100` → `1.00`.
    Fen(i64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(&'static str, Json)>),
}

impl Json {
    fn s(v: impl Into<String>) -> Json {
        Json::Str(v.into())
    }

    /// The value as one line of JSON text.
    pub fn to_text(&self) -> String {
        let mut out = String::with_capacity(1024);
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Json::Fen(f) => out.push_str(&decimal_of_fen(*f)),
            Json::Str(s) => json_str(out, s),
            Json::Arr(a) => {
                out.push('[');
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write(out);
                }
                out.push(']');
            }
            Json::Obj(o) => {
                out.push('{');
                for (i, (k, v)) in o.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    json_str(out, k);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// Integer fen as an exact decimal of yuan, by integer arithmetic only: `12345` → `123.45`.
pub fn decimal_of_fen(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn coding(system: &str, code: &str, display: Option<&str>) -> Json {
    let mut o = vec![("system", Json::s(system)), ("code", Json::s(code))];
    if let Some(d) = display.filter(|d| !d.trim().is_empty()) {
        o.push(("display", Json::s(d.trim())));
    }
    Json::Obj(o)
}

fn concept(codings: Vec<Json>, text: Option<&str>) -> Json {
    let mut o = vec![("coding", Json::Arr(codings))];
    if let Some(t) = text.filter(|t| !t.trim().is_empty()) {
        o.push(("text", Json::s(t.trim())));
    }
    Json::Obj(o)
}

fn money(fen: Money) -> Json {
    Json::Obj(vec![
        ("value", Json::Fen(fen.fen())),
        ("currency", Json::s(CURRENCY)),
    ])
}

/// A FHIR `code` has no leading, trailing or doubled whitespace and is not empty.
fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.split(' ')
            .all(|w| !w.is_empty() && !w.contains(char::is_whitespace))
}

// ---------------------------------------------------------------------------------------------
// The refusal code system.

/// Every refusal reason, in the order of precedence of SPEC 4.1.
pub const REASONS: [Reason; 13] = [
    Reason::LateSubmission,
    Reason::NotInService,
    Reason::OutsideCycle,
    Reason::NotEnrolled,
    Reason::WaitingPeriod,
    Reason::HospitalGrade,
    Reason::Rehabilitation,
    Reason::Gender,
    Reason::DuplicateInvoice,
    Reason::NotCovered,
    Reason::NotFirstDiagnosis,
    Reason::AlreadyPaidThisCycle,
    Reason::CapReached,
];

/// The words of a refusal reason, Chinese and English (the console's labels).
pub fn reason_words(r: Reason) -> (&'static str, &'static str) {
    match r {
        Reason::LateSubmission => ("超过申报期限", "Submitted after the deadline"),
        Reason::NotInService => ("非在职人员", "Not in service"),
        Reason::OutsideCycle => ("不在保障期内", "Outside the cycle"),
        Reason::NotEnrolled => ("未参加该项目", "Not enrolled in the item"),
        Reason::WaitingPeriod => ("等待期内", "In the waiting period"),
        Reason::HospitalGrade => ("医院等级不符", "Hospital grade too low"),
        Reason::Rehabilitation => ("康复治疗不予补助", "Rehabilitation is excluded"),
        Reason::Gender => ("性别不符", "Item for the other gender"),
        Reason::DuplicateInvoice => ("发票重复", "Duplicate invoice"),
        Reason::NotCovered => ("不在保障范围内", "Not covered"),
        Reason::NotFirstDiagnosis => ("非首次确诊", "Not a first diagnosis"),
        Reason::AlreadyPaidThisCycle => ("本期已补助过", "Already paid this cycle"),
        Reason::CapReached => ("已达封顶", "Cap reached"),
    }
}

/// A refusal reason by its code (`late_submission`).
pub fn reason_of_code(code: &str) -> Option<Reason> {
    REASONS.iter().copied().find(|r| r.code() == code)
}

/// The `CodeSystem` resource of huzhu's refusal codes, `version` being huzhu's.
pub fn refusal_code_system(version: &str) -> Json {
    let concepts = REASONS
        .iter()
        .map(|r| {
            let (zh, en) = reason_words(*r);
            Json::Obj(vec![
                ("code", Json::s(r.code())),
                ("display", Json::s(zh)),
                ("definition", Json::s(format!("{zh} ({en})"))),
                (
                    "designation",
                    Json::Arr(vec![Json::Obj(vec![
                        ("language", Json::s("en")),
                        ("value", Json::s(en)),
                    ])]),
                ),
            ])
        })
        .collect();
    Json::Obj(vec![
        ("resourceType", Json::s("CodeSystem")),
        ("id", Json::s("huzhu-refusal")),
        ("url", Json::s(REFUSAL_SYSTEM)),
        ("version", Json::s(version)),
        ("name", Json::s("HuzhuRefusal")),
        (
            "title",
            Json::s("互助保障不予补助原因 (huzhu refusal reasons)"),
        ),
        ("status", Json::s("active")),
        ("experimental", Json::Bool(false)),
        ("publisher", Json::s("huzhu")),
        (
            "description",
            Json::s(
                "职工医疗互助保障不予补助的原因，按 SPEC 4.1 的优先顺序 (why a mutual-aid benefit \
                 is not payable, in the order of precedence of SPEC 4.1).",
            ),
        ),
        ("language", Json::s("zh")),
        ("caseSensitive", Json::Bool(true)),
        ("content", Json::s("complete")),
        ("count", Json::Int(REASONS.len() as i64)),
        ("concept", Json::Arr(concepts)),
    ])
}

// ---------------------------------------------------------------------------------------------
// The decision as the export reads it.

/// A paid line of a decision.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PaidLine {
    pub item: String,
    pub benefit: String,
    #[serde(rename = "amount_fen")]
    pub amount: Money,
    pub clause: String,
    #[serde(default)]
    pub explain: String,
}

/// A refused benefit of a decision (or the part of it past a cap).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RefusedLine {
    pub item: String,
    pub benefit: String,
    /// The reason code (SPEC 4.1).
    pub reason: String,
    pub clause: String,
    #[serde(default)]
    pub explain: String,
}

/// What the export needs of a decision: from the engine's [`Decision`], or read back from the
/// SPEC 10 JSON stored with a claim ([`DecisionFacts::from_json`]).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DecisionFacts {
    #[serde(rename = "payable_fen")]
    pub payable: Money,
    pub lines: Vec<PaidLine>,
    pub not_payable: Vec<RefusedLine>,
}

impl DecisionFacts {
    pub fn of(d: &Decision) -> DecisionFacts {
        DecisionFacts {
            payable: d.payable,
            lines: d
                .lines
                .iter()
                .map(|l| PaidLine {
                    item: l.item.clone(),
                    benefit: l.benefit.clone(),
                    amount: l.amount,
                    clause: l.clause.clone(),
                    explain: l.explain.joined(),
                })
                .collect(),
            not_payable: d
                .not_payable
                .iter()
                .map(|r| RefusedLine {
                    item: r.item.clone(),
                    benefit: r.benefit.clone(),
                    reason: r.reason.code().to_string(),
                    clause: r.clause.clone(),
                    explain: r.explain.joined(),
                })
                .collect(),
        }
    }

    /// The decision stored with a claim (SPEC 10's object); other fields are ignored.
    pub fn from_json(text: &str) -> Result<DecisionFacts, String> {
        serde_json::from_str(text).map_err(|e| format!("stored decision: {e}"))
    }
}

// ---------------------------------------------------------------------------------------------
// The claim and its explanation of benefit.

/// Who a reference names: by an identifier, or (no identifier known) by display text only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Party {
    Identified {
        system: &'static str,
        value: String,
        display: Option<String>,
    },
    Named(String),
}

impl Party {
    fn reference(&self) -> Json {
        match self {
            Party::Identified {
                system,
                value,
                display,
            } => {
                let mut o = vec![(
                    "identifier",
                    Json::Obj(vec![
                        ("system", Json::s(*system)),
                        ("value", Json::s(value)),
                    ]),
                )];
                if let Some(d) = display {
                    o.push(("display", Json::s(d)));
                }
                Json::Obj(o)
            }
            Party::Named(d) => Json::Obj(vec![("display", Json::s(d))]),
        }
    }
}

/// Where a claim stands, for the explanation's disposition and payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    /// The workflow state; `None` for a scenario decided outside the workflow.
    pub state: Option<ClaimState>,
    /// Paid so far.
    pub paid: Money,
    /// The day the decision was made (computed), when known; else the claim's submission day.
    pub decided_on: Option<chrono::NaiveDate>,
}

/// A decided claim with everything its resources say.
pub struct DecidedClaim<'a> {
    /// The claim's id (the resources' ids are `claim-<id>`; `adjudicate` uses the scenario's).
    pub id: &'a str,
    pub patient: Party,
    /// Who made the claim on the member's behalf: the grassroots union.
    pub provider: Party,
    pub policy: &'a Policy,
    pub claim: &'a Claim,
    pub decision: &'a DecisionFacts,
    pub standing: Standing,
}

/// The claim kind's code (`hospital_stay`, `outpatient`, `diagnosis`, `care_payment`).
pub fn kind_code(e: &Event) -> &'static str {
    match e {
        Event::HospitalStay { .. } => "hospital_stay",
        Event::Outpatient { .. } => "outpatient",
        Event::Diagnosis => "diagnosis",
        Event::CarePayment => "care_payment",
    }
}

/// A resource id: `claim-` and the claim id with anything but `[A-Za-z0-9-.]` replaced by `-`,
/// at most 64 characters (FHIR's id).
pub fn resource_id(claim_id: &str) -> String {
    let mut id: String = format!("claim-{claim_id}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    id.truncate(64);
    id
}

impl DecidedClaim<'_> {
    fn claim_type(&self) -> Json {
        let kind = kind_code(&self.claim.event);
        let fhir = match self.claim.event {
            Event::HospitalStay { .. } => "institutional",
            _ => "professional",
        };
        let (zh, en) = crate::scenario::kind_words(kind).unwrap_or(("其他", "Other"));
        concept(
            vec![
                coding(CLAIM_TYPE, fhir, None),
                coding(CLAIM_KIND_SYSTEM, kind, Some(zh)),
            ],
            Some(format!("{zh} ({en})").as_str()),
        )
    }

    fn billable_period(&self) -> Option<Json> {
        let (start, end) = match &self.claim.event {
            Event::HospitalStay {
                admitted,
                discharged,
            } => (*admitted, *discharged),
            Event::Outpatient { start, end, .. } => (*start, *end),
            Event::Diagnosis | Event::CarePayment => {
                let d = self.claim.diagnoses.iter().map(|d| d.date).min()?;
                (d, d)
            }
        };
        Some(Json::Obj(vec![
            ("start", Json::s(start.to_string())),
            ("end", Json::s(end.to_string())),
        ]))
    }

    fn identifier(&self) -> Json {
        Json::Arr(vec![Json::Obj(vec![
            ("system", Json::s(CLAIM_SYSTEM)),
            ("value", Json::s(self.id)),
        ])])
    }

    /// The policy as the insurance; a `Claim`'s insurance is numbered (`sequence`), an
    /// explanation's is not (R4 has no such element there).
    fn insurance(&self, numbered: bool) -> Json {
        let name = match &self.policy.name_en {
            Some(en) => format!("{} ({en})", self.policy.name),
            None => self.policy.name.clone(),
        };
        let mut o = Vec::with_capacity(3);
        if numbered {
            o.push(("sequence", Json::Int(1)));
        }
        o.extend([
            ("focal", Json::Bool(true)),
            (
                "coverage",
                Json::Obj(vec![
                    (
                        "identifier",
                        Json::Obj(vec![
                            ("system", Json::s(POLICY_SYSTEM)),
                            ("value", Json::s(&self.policy.id)),
                        ]),
                    ),
                    ("display", Json::s(name)),
                ]),
            ),
        ]);
        Json::Arr(vec![Json::Obj(o)])
    }

    fn insurer(&self) -> Json {
        Json::Obj(vec![(
            "display",
            Json::s(format!(
                "{} 职工医疗互助保障基金 (employee medical mutual-aid fund)",
                self.policy.region
            )),
        )])
    }

    fn diagnoses(&self) -> Option<Json> {
        let list: Vec<Json> = self
            .claim
            .diagnoses
            .iter()
            .filter(|d| is_code(&d.disease))
            .enumerate()
            .map(|(n, d)| {
                let name = self.policy.disease_name(&d.disease);
                Json::Obj(vec![
                    ("sequence", Json::Int(n as i64 + 1)),
                    (
                        "diagnosisCodeableConcept",
                        concept(
                            vec![coding(
                                &format!("{POLICY_SYSTEM}:{}:disease", self.policy.id),
                                &d.disease,
                                name,
                            )],
                            None,
                        ),
                    ),
                ])
            })
            .collect();
        (!list.is_empty()).then_some(Json::Arr(list))
    }

    fn created(&self) -> String {
        self.standing
            .decided_on
            .unwrap_or(self.claim.submitted)
            .to_string()
    }

    /// The `Claim` resource: what was asked for, the settlement statement's total as one item.
    pub fn claim_resource(&self) -> Json {
        let mut o = vec![
            ("resourceType", Json::s("Claim")),
            ("id", Json::s(resource_id(self.id))),
            ("identifier", self.identifier()),
            ("status", Json::s("active")),
            ("type", self.claim_type()),
            ("use", Json::s("claim")),
            ("patient", self.patient.reference()),
        ];
        if let Some(p) = self.billable_period() {
            o.push(("billablePeriod", p));
        }
        o.push(("created", Json::s(self.claim.submitted.to_string())));
        o.push(("insurer", self.insurer()));
        o.push(("provider", self.provider.reference()));
        o.push((
            "priority",
            concept(vec![coding(PRIORITY, "normal", None)], None),
        ));
        if let Some(d) = self.diagnoses() {
            o.push(("diagnosis", d));
        }
        o.push(("insurance", self.insurance(true)));
        let kind = kind_code(&self.claim.event);
        let (zh, _) = crate::scenario::kind_words(kind).unwrap_or(("其他", "Other"));
        o.push((
            "item",
            Json::Arr(vec![Json::Obj(vec![
                ("sequence", Json::Int(1)),
                (
                    "productOrService",
                    concept(vec![coding(CLAIM_KIND_SYSTEM, kind, Some(zh))], None),
                ),
                ("net", money(self.claim.costs.total)),
            ])]),
        ));
        o.push(("total", money(self.claim.costs.total)));
        Json::Obj(o)
    }

    fn product(&self, item: &str, benefit: &str) -> Json {
        let it = self.policy.item(item);
        let b = it.and_then(|i| i.benefit(benefit));
        let name = match (it, b) {
            (Some(i), Some(b)) => Some(format!("{} {}", i.name, b.name)),
            (Some(i), None) => Some(i.name.clone()),
            _ => None,
        };
        let code = format!("{} {item}/{benefit}", self.policy.id);
        let codings = if is_code(&code) {
            vec![coding(BENEFIT_SYSTEM, &code, name.as_deref())]
        } else {
            Vec::new()
        };
        concept(codings, name.as_deref().or(Some(code.as_str())))
    }

    fn clause_coding(clause: &str) -> Option<Json> {
        is_code(clause).then(|| coding(CLAUSE_SYSTEM, clause, None))
    }

    /// The `ExplanationOfBenefit`: one item per paid line and per refused benefit, each with the
    /// clause that decided it in `adjudication.reason` (and, refused, the refusal code).
    pub fn explanation_of_benefit(&self) -> Json {
        let mut items = Vec::new();
        let mut notes = Vec::new();
        let benefit_category = || concept(vec![coding(ADJUDICATION, "benefit", None)], None);
        for l in &self.decision.lines {
            let seq = items.len() as i64 + 1;
            let mut item = vec![("sequence", Json::Int(seq))];
            if let Some(n) = note(&l.explain, &mut notes) {
                item.push(("noteNumber", Json::Arr(vec![Json::Int(n)])));
            }
            item.push(("productOrService", self.product(&l.item, &l.benefit)));
            let reason = concept(
                Self::clause_coding(&l.clause).into_iter().collect(),
                Some(l.clause.as_str()),
            );
            item.push((
                "adjudication",
                Json::Arr(vec![Json::Obj(vec![
                    ("category", benefit_category()),
                    ("reason", reason),
                    ("amount", money(l.amount)),
                ])]),
            ));
            items.push(Json::Obj(item));
        }
        for r in &self.decision.not_payable {
            let seq = items.len() as i64 + 1;
            let mut item = vec![("sequence", Json::Int(seq))];
            if let Some(n) = note(&r.explain, &mut notes) {
                item.push(("noteNumber", Json::Arr(vec![Json::Int(n)])));
            }
            item.push(("productOrService", self.product(&r.item, &r.benefit)));
            let mut codings = Vec::new();
            let words = reason_of_code(&r.reason).map(reason_words);
            if is_code(&r.reason) {
                codings.push(coding(REFUSAL_SYSTEM, &r.reason, words.map(|w| w.0)));
            }
            codings.extend(Self::clause_coding(&r.clause));
            let text = match words {
                Some((zh, en)) => format!("{zh} ({en}) — {}", r.clause),
                None => format!("{} — {}", r.reason, r.clause),
            };
            item.push((
                "adjudication",
                Json::Arr(vec![Json::Obj(vec![
                    ("category", benefit_category()),
                    ("reason", concept(codings, Some(text.as_str()))),
                    ("amount", money(Money::ZERO)),
                ])]),
            ));
            items.push(Json::Obj(item));
        }
        let rejected = self.standing.state == Some(ClaimState::Rejected);
        let benefit = if rejected {
            Money::ZERO
        } else {
            self.decision.payable
        };
        let mut o = vec![
            ("resourceType", Json::s("ExplanationOfBenefit")),
            ("id", Json::s(resource_id(self.id))),
            ("identifier", self.identifier()),
            ("status", Json::s("active")),
            ("type", self.claim_type()),
            ("use", Json::s("claim")),
            ("patient", self.patient.reference()),
        ];
        if let Some(p) = self.billable_period() {
            o.push(("billablePeriod", p));
        }
        o.push(("created", Json::s(self.created())));
        o.push(("insurer", self.insurer()));
        o.push(("provider", self.provider.reference()));
        o.push((
            "claim",
            Json::Obj(vec![(
                "reference",
                Json::s(format!("Claim/{}", resource_id(self.id))),
            )]),
        ));
        o.push(("outcome", Json::s("complete")));
        o.push(("disposition", Json::s(disposition(self.standing.state))));
        o.push(("insurance", self.insurance(false)));
        if !items.is_empty() {
            o.push(("item", Json::Arr(items)));
        }
        o.push((
            "total",
            Json::Arr(vec![
                Json::Obj(vec![
                    (
                        "category",
                        concept(vec![coding(ADJUDICATION, "submitted", None)], None),
                    ),
                    ("amount", money(self.claim.costs.total)),
                ]),
                Json::Obj(vec![
                    ("category", benefit_category()),
                    ("amount", money(benefit)),
                ]),
            ]),
        ));
        if self.standing.paid.fen() > 0 {
            let kind = if self.standing.paid == benefit {
                "complete"
            } else {
                "partial"
            };
            o.push((
                "payment",
                Json::Obj(vec![
                    (
                        "type",
                        concept(vec![coding(PAYMENT_TYPE, kind, None)], None),
                    ),
                    ("amount", money(self.standing.paid)),
                ]),
            ));
        }
        if !notes.is_empty() {
            o.push(("processNote", Json::Arr(notes)));
        }
        Json::Obj(o)
    }
}

/// Adds `text` as the next process note; its number, or None for no text.
fn note(text: &str, notes: &mut Vec<Json>) -> Option<i64> {
    if text.trim().is_empty() {
        return None;
    }
    let n = notes.len() as i64 + 1;
    notes.push(Json::Obj(vec![
        ("number", Json::Int(n)),
        ("type", Json::s("display")),
        ("text", Json::s(text.trim())),
    ]));
    Some(n)
}

/// The explanation's disposition, in words, by the claim's state.
fn disposition(state: Option<ClaimState>) -> String {
    match state {
        None => "按政策核算 (decided under the policy; not in the workflow)".to_string(),
        Some(ClaimState::Rejected) => {
            "不予补助：经审核驳回，不支付 (rejected on review: nothing is paid)".to_string()
        }
        Some(s) => format!("{} ({})", s.label_zh(), s.label_en()),
    }
}

/// Whether a claim in this state, with a stored decision, counts as decided for the export:
/// computed or any later step (rejected included, its benefit total being nothing).
pub fn is_decided(state: ClaimState) -> bool {
    !matches!(
        state,
        ClaimState::Draft | ClaimState::Submitted | ClaimState::Returned | ClaimState::Accepted
    )
}

/// A `collection` Bundle of resources, in order.
pub fn bundle(resources: Vec<Json>) -> Json {
    let entries = resources
        .into_iter()
        .map(|r| Json::Obj(vec![("resource", r)]))
        .collect();
    Json::Obj(vec![
        ("resourceType", Json::s("Bundle")),
        ("type", Json::s("collection")),
        ("entry", Json::Arr(entries)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fen_become_exact_decimals() {
        assert_eq!(decimal_of_fen(12345), "123.45");
        assert_eq!(decimal_of_fen(5), "0.05");
        assert_eq!(decimal_of_fen(100), "1.00");
        assert_eq!(decimal_of_fen(0), "0.00");
        assert_eq!(decimal_of_fen(-5), "-0.05");
        assert_eq!(decimal_of_fen(i64::MIN), "-92233720368547758.08");
        // Past 2^53 a float would lose the last fen.
        assert_eq!(decimal_of_fen(9_007_199_254_740_993), "90071992547409.93");
    }

    #[test]
    fn every_reason_is_in_the_code_system_once() {
        let text = refusal_code_system("1").to_text();
        for r in REASONS {
            assert_eq!(reason_of_code(r.code()), Some(r));
            assert_eq!(
                text.matches(&format!("\"code\":\"{}\"", r.code())).count(),
                1,
                "{}",
                r.code()
            );
        }
        assert_eq!(reason_of_code("nonsense"), None);
    }

    #[test]
    fn resource_ids_are_fhir_ids() {
        assert_eq!(resource_id("42"), "claim-42");
        assert_eq!(resource_id("A 1/中"), "claim-A-1--");
        assert_eq!(resource_id(&"x".repeat(100)).len(), 64);
    }

    #[test]
    fn codes_have_no_stray_whitespace() {
        assert!(is_code("hangzhou-2022 A.1"));
        assert!(!is_code(""));
        assert!(!is_code(" a"));
        assert!(!is_code("a  b"));
        assert!(!is_code("a\tb"));
    }

    #[test]
    fn a_stored_decision_reads_back() {
        let d = DecisionFacts::from_json(
            r#"{"claim":"1","payable_fen":12345,"lines":[{"item":"A","benefit":"h","amount_fen":12345,"clause":"p A.1","explain":"x"}],"not_payable":[{"item":"B","benefit":"c","reason":"cap_reached","clause":"p B.cap","explain":"y"}],"missing_documents":[],"flags":[]}"#,
        )
        .unwrap();
        assert_eq!(d.payable, Money::from_fen(12345));
        assert_eq!(d.lines[0].clause, "p A.1");
        assert_eq!(d.not_payable[0].reason, "cap_reached");
        assert!(DecisionFacts::from_json("{}").is_err());
    }
}
