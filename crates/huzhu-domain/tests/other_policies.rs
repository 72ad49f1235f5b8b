//! The other shipped policies load through the same format and engine (SPEC 4.2); amounts are
//! computed by hand from the figures in their files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use huzhu_domain::policy::{builtin, Policy};
use serde_json::{json, Value};

fn policy(name: &str) -> Policy {
    builtin(name).unwrap().unwrap()
}

fn enrol(items: &[(&str, u32, &str)]) -> Value {
    let e: Vec<Value> = items
        .iter()
        .map(|(i, s, start)| json!({"item": i, "shares": s, "start": start, "renewal": true}))
        .collect();
    Value::Array(e)
}

fn submitted(v: Value, d: &str) -> Value {
    with(v, "submitted", json!(d))
}

#[test]
fn the_wenzhou_seed_member_with_several_shares_is_paid_71320_yuan() {
    let m = with(
        with(
            member(&[]),
            "enrolments",
            enrol(&[
                ("Z", 2, "2018-01-01"),
                ("F", 2, "2018-01-01"),
                ("H", 1, "2018-01-01"),
            ]),
        ),
        "social_security_region",
        json!("330302"),
    );
    // 44 nights; 自负 100,000.
    let s = with_diagnoses(
        submitted(
            stay("c1", "2018-03-01", "2018-04-14", yuan(100_000)),
            "2018-05-01",
        ),
        &[("fc01", "2018-03-02", true), ("md01", "2018-03-02", true)],
    );
    let d = run_with(&policy("wenzhou-2018"), m, vec![s]);
    // Z: 40% × 18,000 + 50% × 80,000 = 47,200 → cap 10,000 × 2 shares = 20,000
    // F: 20,000 × 2 shares = 40,000
    // H: major 10,000 × 1; living 44 days × 30 = 1,320; H cap 12,000 not reached
    assert_eq!(
        summary(&d[0]).1,
        vec![
            line("Z", "self_borne_subsidy", yuan(20_000)),
            line("F", "female_cancer", yuan(40_000)),
            line("H", "major_disease", yuan(10_000)),
            line("H", "living_allowance", yuan(1_320)),
        ]
    );
    assert_eq!(d[0].payable.fen(), yuan(71_320));
    assert_eq!(
        summary(&d[0]).2,
        vec![no("Z", "self_borne_subsidy", "cap_reached")]
    );
}

#[test]
fn a_wenzhou_special_disease_that_kills_on_first_onset_is_paid_as_a_major_disease() {
    let m = with(member(&[]), "enrolments", enrol(&[("H", 3, "2018-01-01")]));
    let died = json!({"id": "c1", "kind": "diagnosis", "submitted": "2018-06-01",
        "diagnoses": [{"disease": "ws01", "date": "2018-05-01", "first_diagnosis": true,
                       "death_date": "2018-05-02"}]});
    let lived = json!({"id": "c2", "kind": "diagnosis", "submitted": "2018-06-01",
        "diagnoses": [{"disease": "ws02", "date": "2018-05-01", "first_diagnosis": true}]});
    let p = policy("wenzhou-2018");
    // 10,000 × 3 shares = 30,000 (H cap 12,000 × 3 = 36,000)
    let d = run_with(&p, m.clone(), vec![died]);
    assert_eq!(
        summary(&d[0]).1,
        vec![line("H", "major_disease", yuan(30_000))]
    );
    let d = run_with(&p, m, vec![lived]);
    assert_eq!(
        summary(&d[0]).2,
        vec![no("H", "major_disease", "not_covered")]
    );
}

#[test]
fn linan_pays_a_hospital_allowance_and_a_hardship_subsidy_on_high_remaining_costs() {
    let m = with(
        with(
            member(&[]),
            "enrolments",
            enrol(&[("H", 1, "2014-01-01"), ("K", 1, "2014-01-01")]),
        ),
        "social_security_region",
        json!("330185"),
    );
    let mut s = submitted(
        stay("c1", "2014-04-01", "2014-04-11", yuan(20_000)),
        "2014-05-01",
    );
    s["costs_fen"]["self_pay_class_b"] = json!(yuan(10_000));
    let d = run_with(&policy("linan-2014"), m, vec![s]);
    // H: 10 days × 30 = 300; K: 自负+自理 30,000: 40% × (30,000 − 10,000) = 8,000
    assert_eq!(
        summary(&d[0]).1,
        vec![
            line("H", "hospital_allowance", yuan(300)),
            line("K", "hardship_subsidy", yuan(8_000))
        ]
    );
}

#[test]
fn lucheng_covers_retired_model_workers_from_the_first_day() {
    let m = with(
        with(
            member(&[]),
            "enrolments",
            json!([
            {"item": "D", "shares": 1, "start": "2021-01-01", "renewal": false},
            {"item": "M", "shares": 1, "start": "2021-01-01", "renewal": false}]),
        ),
        "status",
        json!("retired"),
    );
    let s = with_diagnoses(
        submitted(stay("c1", "2021-01-05", "2021-01-25", 0), "2021-03-01"),
        &[("md03", "2021-01-06", true), ("ai03", "2021-01-05", false)],
    );
    let d = run_with(&policy("lucheng-model-workers"), m, vec![s]);
    // D: 20 days × 50 = 1,000; M: major 20,000 then fracture 2,000 within the cap 30,000
    assert_eq!(
        summary(&d[0]).1,
        vec![
            line("D", "hospital_allowance", yuan(1_000)),
            line("M", "major_disease", yuan(20_000)),
            line("M", "injury_fracture", yuan(2_000)),
        ]
    );
    assert_eq!(
        policy("lucheng-model-workers").enrolment.paid_by,
        "federation"
    );
}
