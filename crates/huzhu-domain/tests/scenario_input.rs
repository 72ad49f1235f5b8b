//! Malformed scenarios are refused with the field named (SPEC 10: exit code 2 in the CLI).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use huzhu_domain::scenario::Scenario;
use serde_json::json;

fn error_of(v: serde_json::Value) -> String {
    match Scenario::from_json(&v.to_string()) {
        Ok(s) => match s.check_against(&hangzhou()) {
            Ok(()) => String::from("accepted"),
            Err(e) => e.to_string(),
        },
        Err(e) => e.to_string(),
    }
}

#[test]
fn an_unknown_field_is_named() {
    let c = with(
        stay("c1", "2022-03-01", "2022-03-05", 100),
        "colour",
        json!("red"),
    );
    let e = error_of(json!({"member": member(&["A"]), "claims": [c]}));
    assert!(e.contains("colour"), "{e}");
    assert!(e.starts_with("claims[0]"), "{e}");
}

#[test]
fn a_negative_amount_is_named() {
    let c = with(
        stay("c1", "2022-03-01", "2022-03-05", 100),
        "costs_fen",
        json!({"self_borne": -1}),
    );
    let e = error_of(json!({"member": member(&["A"]), "claims": [c]}));
    assert!(e.starts_with("claims[0].costs_fen.self_borne"), "{e}");
}

#[test]
fn a_missing_required_field_is_named() {
    let mut c = stay("c1", "2022-03-01", "2022-03-05", 100);
    c.as_object_mut().unwrap().remove("discharged");
    let e = error_of(json!({"member": member(&["A"]), "claims": [c]}));
    assert!(e.starts_with("claims[0].discharged"), "{e}");
}

#[test]
fn a_discharge_before_admission_is_refused() {
    let c = stay("c1", "2022-03-05", "2022-03-01", 100);
    let e = error_of(json!({"member": member(&["A"]), "claims": [c]}));
    assert!(e.starts_with("claims[0].discharged"), "{e}");
}

#[test]
fn two_shares_are_an_input_error_under_hangzhou() {
    let m = with(
        member(&["A"]),
        "enrolments",
        json!([{"item": "A", "shares": 2, "start": "2022-01-01", "renewal": true}]),
    );
    let e = error_of(json!({"member": m, "claims": []}));
    assert!(e.starts_with("member.enrolments[0].shares"), "{e}");
}

#[test]
fn a_malformed_date_and_a_duplicate_id_are_named() {
    let c = with(
        stay("c1", "2022-03-01", "2022-03-05", 100),
        "submitted",
        json!("2022-13-01"),
    );
    let e = error_of(json!({"member": member(&["A"]), "claims": [c]}));
    assert!(e.starts_with("claims[0].submitted"), "{e}");
    let c = stay("c1", "2022-03-01", "2022-03-05", 100);
    let e = error_of(json!({"member": member(&["A"]), "claims": [c.clone(), c]}));
    assert!(e.starts_with("claims[1].id"), "{e}");
    let e = error_of(
        json!({"member": with(member(&["A"]), "id_number", json!("330106198503150025")), "claims": []}),
    );
    assert!(e.starts_with("member.id_number"), "{e}");
}

#[test]
fn a_birth_date_after_the_scenario_dates_is_refused() {
    // Born 2099-12-31: "a birth date in the future" (SPEC 3), judged against the scenario's own
    // dates since the engine has no clock.
    let future = with(member(&["A"]), "id_number", json!("330106209912310026"));
    let c = stay("c1", "2022-03-01", "2022-03-05", 100);
    let e = error_of(json!({"member": future, "claims": [c.clone()]}));
    assert!(e.starts_with("member.id_number"), "{e}");
    assert!(e.contains("2099-12-31"), "{e}");
    // Born 2022-06-01, after the enrolment and the stay of March.
    let later = with(member(&["A"]), "id_number", json!("330106202206010024"));
    let e = error_of(json!({"member": later, "claims": [c.clone()]}));
    assert!(e.starts_with("member.id_number"), "{e}");
    // The same ID with no dates to compare with is only checked for its shape.
    let e = error_of(json!({"member": with(
        with(member(&[]), "id_number", json!("330106202206010024")),
        "enrolments", json!([])), "claims": []}));
    assert_eq!(e, "accepted");
    // Born before everything: accepted.
    let e = error_of(json!({"member": member(&["A"]), "claims": [c]}));
    assert_eq!(e, "accepted");
}

#[test]
fn an_empty_claim_id_or_disease_code_is_named() {
    let c = with(
        stay("c1", "2022-03-01", "2022-03-05", 100),
        "id",
        json!(" "),
    );
    let e = error_of(json!({"member": member(&["A"]), "claims": [c]}));
    assert!(e.starts_with("claims[0].id"), "{e}");
    let c = with(
        stay("c1", "2022-03-01", "2022-03-05", 100),
        "diagnoses",
        json!([{"disease": "md01", "date": "2022-03-02", "first_diagnosis": true},
               {"disease": "", "date": "2022-03-02", "first_diagnosis": true}]),
    );
    let e = error_of(json!({"member": member(&["A"]), "claims": [c]}));
    assert!(e.starts_with("claims[0].diagnoses[1].disease"), "{e}");
}
