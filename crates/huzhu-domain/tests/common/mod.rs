//! Builders for scenarios, so each golden test reads like the case it checks.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(dead_code)]

use huzhu_domain::engine::{adjudicate_scenario, Decision};
use huzhu_domain::policy::{builtin, Policy};
use huzhu_domain::scenario::Scenario;
use serde_json::{json, Value};

pub const WOMAN: &str = "330106198503150024";
pub const MAN: &str = "330106198503150016";

pub const ALL_DOCS: [&str; 10] = [
    "application_form",
    "id_copy",
    "bank_card",
    "settlement_statement",
    "discharge_record",
    "invoice",
    "pathology_report",
    "split_statement",
    "personal_cost_statement",
    "disease_record_book",
];

pub fn hangzhou() -> Policy {
    builtin("hangzhou-2022").unwrap().unwrap()
}

/// A woman in service, in Hangzhou, enrolled as a renewal on 2022-01-01 in `items`.
pub fn member(items: &[&str]) -> Value {
    let enrolments: Vec<Value> = items
        .iter()
        .map(|i| json!({"item": i, "shares": 1, "start": "2022-01-01", "renewal": true}))
        .collect();
    json!({
        "id_number": WOMAN,
        "status": "in_service",
        "social_security_region": "330100",
        "enrolments": enrolments,
    })
}

/// A stay in a grade-3 hospital with every document, submitted in time.
pub fn stay(id: &str, admitted: &str, discharged: &str, self_borne_fen: i64) -> Value {
    json!({
        "id": id, "kind": "hospital_stay", "submitted": "2022-12-31",
        "admitted": admitted, "discharged": discharged, "hospital_grade": 3,
        "costs_fen": {"self_borne": self_borne_fen},
        "invoices": [format!("inv-{id}")],
        "documents": ALL_DOCS,
    })
}

pub fn outpatient(id: &str, start: &str, end: &str, disease: &str, self_borne_fen: i64) -> Value {
    json!({
        "id": id, "kind": "outpatient", "submitted": "2022-12-31",
        "period_start": start, "period_end": end, "designated_disease": disease,
        "hospital_grade": 3, "costs_fen": {"self_borne": self_borne_fen},
        "invoices": [format!("inv-{id}")],
        "documents": ALL_DOCS,
    })
}

pub fn diagnosis(id: &str, disease: &str, date: &str, first: bool) -> Value {
    json!({
        "id": id, "kind": "diagnosis", "submitted": "2022-12-31",
        "diagnoses": [{"disease": disease, "date": date, "first_diagnosis": first}],
        "documents": ALL_DOCS,
    })
}

pub fn care(id: &str) -> Value {
    json!({"id": id, "kind": "care_payment", "submitted": "2022-12-31"})
}

/// Sets `key` of a claim or member.
pub fn with(mut v: Value, key: &str, value: Value) -> Value {
    v[key] = value;
    v
}

pub fn with_diagnoses(v: Value, d: &[(&str, &str, bool)]) -> Value {
    let list: Vec<Value> = d
        .iter()
        .map(|(code, date, first)| json!({"disease": code, "date": date, "first_diagnosis": first}))
        .collect();
    with(v, "diagnoses", Value::Array(list))
}

pub fn run_with(policy: &Policy, member: Value, claims: Vec<Value>) -> Vec<Decision> {
    let text = json!({"member": member, "claims": claims}).to_string();
    let s = Scenario::from_json(&text).unwrap();
    s.check_against(policy).unwrap();
    adjudicate_scenario(policy, &s).unwrap()
}

pub fn run(member: Value, claims: Vec<Value>) -> Vec<Decision> {
    run_with(&hangzhou(), member, claims)
}

/// (payable, lines as (item, benefit, fen), refusals as (item, benefit, reason)).
pub type Summary = (
    i64,
    Vec<(String, String, i64)>,
    Vec<(String, String, String)>,
);

pub fn summary(d: &Decision) -> Summary {
    (
        d.payable.fen(),
        d.lines
            .iter()
            .map(|l| (l.item.clone(), l.benefit.clone(), l.amount.fen()))
            .collect(),
        d.not_payable
            .iter()
            .map(|r| {
                (
                    r.item.clone(),
                    r.benefit.clone(),
                    r.reason.code().to_string(),
                )
            })
            .collect(),
    )
}

pub fn line(item: &str, benefit: &str, fen: i64) -> (String, String, i64) {
    (item.into(), benefit.into(), fen)
}

pub fn no(item: &str, benefit: &str, reason: &str) -> (String, String, String) {
    (item.into(), benefit.into(), reason.into())
}

/// Yuan and fen → fen, so expected amounts read as the rules write them.
pub const fn yuan(y: i64) -> i64 {
    y * 100
}
