#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use huzhu_domain::engine::{adjudicate_scenario, Decision};
use huzhu_domain::policy::builtin;
use huzhu_domain::scenario::Scenario;

const SPEC_EXAMPLE: &str = r#"{
  "member": {
    "id_number": "330106198503150024",
    "status": "in_service",
    "social_security_region": "330100",
    "enrolments": [
      {"item": "A", "shares": 1, "start": "2022-01-01", "renewal": true},
      {"item": "B", "shares": 1, "start": "2022-01-01", "renewal": true}
    ]
  },
  "claims": [
    {
      "id": "c1",
      "kind": "hospital_stay",
      "submitted": "2022-03-02",
      "admitted": "2022-02-01", "discharged": "2022-02-11",
      "period_start": "2022-03-01", "period_end": "2022-03-31",
      "designated_disease": "od02",
      "hospital_grade": 3,
      "rehabilitation": false,
      "diagnoses": [{"disease": "md01", "date": "2022-02-03", "first_diagnosis": true}],
      "costs_fen": {"total": 5000000, "pooled_fund": 3000000, "personal_account": 200000,
                    "self_borne": 1200000, "self_pay_class_b": 300000, "self_pay_excluded": 300000},
      "invoices": ["3301221234567"],
      "documents": ["application_form", "id_copy", "bank_card", "settlement_statement",
                    "discharge_record", "invoice", "pathology_report"]
    }
  ]
}"#;

#[test]
fn the_spec_section_10_example_gives_the_spec_decision() {
    let policy = builtin("hangzhou-2022").unwrap().unwrap();
    let s = Scenario::from_json(SPEC_EXAMPLE).unwrap();
    s.check_against(&policy).unwrap();
    let d = adjudicate_scenario(&policy, &s).unwrap();
    let json = Decision::decisions_json(&d);
    println!("{json}");
    assert_eq!(d[0].payable.fen(), 2_070_000);
    assert_eq!(d[0].lines.len(), 2);
    assert_eq!(d[0].lines[0].amount.fen(), 570_000);
    assert_eq!(d[0].lines[1].amount.fen(), 1_500_000);
    assert_eq!(d[0].not_payable.len(), 1);
    assert_eq!(d[0].not_payable[0].benefit, "living_allowance");
    assert_eq!(d[0].not_payable[0].reason.code(), "cap_reached");
    assert_eq!(d[0].not_payable[0].clause, "hangzhou-2022 B.cap");
    assert!(d[0].missing_documents.is_empty());
}

/// Issue 13: the running totals saturated or restarted on overflow (`checked_add(..)
/// .unwrap_or(..)`), so a member's later claims were decided on a wrong cumulative cost. Each
/// amount is bounded (i64::MAX / 1000 fen), but a member's cumulative cost over enough claims is
/// not: the overflow is now an error naming the claim; nothing is decided on a wrong total.
#[test]
fn a_running_total_past_i64_fen_is_an_error_naming_the_claim_not_a_wrong_total() {
    let policy = builtin("hangzhou-2022").unwrap().unwrap();
    let most = i64::MAX / 1_000;
    let text = SPEC_EXAMPLE
        .replace(
            "\"self_borne\": 1200000",
            &format!("\"self_borne\": {most}"),
        )
        .replace("\"total\": 5000000", &format!("\"total\": {most}"));
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let first = v["claims"][0].clone();
    let claims: Vec<serde_json::Value> = (0..1_100)
        .map(|k| {
            let mut c = first.clone();
            c["id"] = format!("c{k}").into();
            c["invoices"] = serde_json::json!([format!("INV-{k}")]);
            c
        })
        .collect();
    v["claims"] = claims.into();
    let s = Scenario::from_json(&v.to_string()).unwrap();
    s.check_against(&policy).unwrap();
    let err = adjudicate_scenario(&policy, &s).unwrap_err();
    // The 1,001st claim (c1000) takes the cumulative cost past i64::MAX fen.
    assert!(err.to_string().contains("c1000"), "{err}");
}
