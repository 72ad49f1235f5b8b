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
    let d = adjudicate_scenario(&policy, &s);
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
