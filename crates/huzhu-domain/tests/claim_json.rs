//! One claim as the API takes it and the store keeps it (SPEC 10's claim object).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use huzhu_domain::scenario::Claim;

#[test]
fn a_stored_claim_reads_back_to_the_same_value() {
    let text = r#"{"id":"c1","kind":"hospital_stay","submitted":"2022-03-02",
        "admitted":"2022-02-01","discharged":"2022-02-11","hospital_grade":3,
        "diagnoses":[{"disease":"md01","date":"2022-02-03","first_diagnosis":true}],
        "costs_fen":{"total":5000000,"self_borne":1200000},"invoices":["3301221234567"],
        "documents":["invoice"]}"#;
    let claim = Claim::from_json(text, "claim").unwrap();
    let again = Claim::from_json(&claim.to_json(), "claim").unwrap();
    assert_eq!(claim, again);
    assert_eq!(claim.event_date().to_string(), "2022-02-01");
    assert_eq!(claim.kind_code(), "hospital_stay");
}

#[test]
fn a_bad_field_is_named_under_the_prefix() {
    let text = r#"{"id":"c1","kind":"hospital_stay","submitted":"2022-03-02",
        "admitted":"2022-02-11","discharged":"2022-02-01","hospital_grade":3,
        "costs_fen":{"self_borne":1}}"#;
    let e = Claim::from_json(text, "claim").unwrap_err();
    assert_eq!(e.field, "claim.discharged");
    let e = Claim::from_json(
        r#"{"id":"c","kind":"diagnosis","submitted":"2022-01-01","colour":1}"#,
        "claim",
    )
    .unwrap_err();
    assert!(e.field.starts_with("claim"), "{}", e.field);
    let e = Claim::from_json(
        r#"{"id":"c","kind":"care_payment","submitted":"2022-01-01","costs_fen":{"total":-5}}"#,
        "claim",
    )
    .unwrap_err();
    assert_eq!(e.field, "claim.costs_fen.total");
}
