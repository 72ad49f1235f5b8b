//! FHIR R4 export through the use cases (issue 18), on SQLite and on PostgreSQL: every decided
//! claim of the demo's 2022 cycle, exported as NDJSON, is valid by the official HL7 FHIR R4 JSON
//! schema (vendored in `tests/fhir/`, see its README), one resource per line, a `Claim` then its
//! `ExplanationOfBenefit`, amounts exact; undecided claims are left out and said so.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use huzhu_app::{demo, demo_money, fhir, FixedClock};
use huzhu_store::Repo;
use serde_json::Value;
use std::sync::OnceLock;

/// The official schema, compiled once for the binary.
fn schema() -> &'static jsonschema::Validator {
    static SCHEMA: OnceLock<jsonschema::Validator> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fhir/fhir.schema.json"
        ))
        .unwrap();
        let schema: Value = serde_json::from_str(&text).unwrap();
        jsonschema::draft6::new(&schema).unwrap()
    })
}

fn errors_of(v: &Value) -> Vec<String> {
    schema()
        .iter_errors(v)
        .take(5)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

async fn a_cycle_exports_as_schema_valid_ndjson<S: Repo>(s: S) {
    let clock =
        FixedClock(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2022, 3, 1, 2, 0, 0).unwrap());
    demo::load_demo(&s, &clock).await.unwrap();
    demo_money::load_money_demo(&s).await.unwrap();
    let mut lines: Vec<String> = Vec::new();
    let done = fhir::export_cycle(&s, &clock, 2022, |l| {
        lines.push(l.to_string());
        Ok(())
    })
    .await
    .unwrap();
    assert!(done.claims >= 5, "{done:?}");
    assert!(done.undecided >= 1, "the demo has claims waiting: {done:?}");
    assert_eq!(lines.len() as u64, done.claims * 2);
    let mut paid_lines = 0;
    for (n, line) in lines.iter().enumerate() {
        assert!(!line.contains('\n'));
        let v: Value = serde_json::from_str(line).unwrap();
        let errors = errors_of(&v);
        assert!(errors.is_empty(), "line {}: {errors:?}\n{line}", n + 1);
        let expected = if n % 2 == 0 {
            "Claim"
        } else {
            "ExplanationOfBenefit"
        };
        assert_eq!(v["resourceType"], expected, "line {}", n + 1);
        if n % 2 == 1 {
            assert_eq!(
                v["claim"]["reference"],
                format!("Claim/{}", v["id"].as_str().unwrap())
            );
            for item in v["item"].as_array().into_iter().flatten() {
                let amount = &item["adjudication"][0]["amount"];
                assert_eq!(amount["currency"], "CNY");
                if amount["value"].as_f64().unwrap() > 0.0 {
                    paid_lines += 1;
                }
            }
        }
    }
    assert!(paid_lines >= 1);

    // The amounts are the stored decisions' fen, written exactly: every payable claim's total.
    let mut after = None;
    let mut checked = 0;
    loop {
        let page = s
            .claims_of_policy("hangzhou-2022", after, 500)
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        for c in page {
            let (Some(p), true) = (
                c.fields.payable,
                huzhu_domain::fhir::is_decided(c.fields.state)
                    && c.fields.state != huzhu_domain::workflow::ClaimState::Rejected,
            ) else {
                continue;
            };
            let eob = lines
                .iter()
                .find(|l| {
                    l.starts_with("{\"resourceType\":\"ExplanationOfBenefit\"")
                        && l.contains(&format!("\"id\":\"claim-{}\"", c.id.0))
                })
                .unwrap();
            let total = format!(
                "{{\"category\":{{\"coding\":[{{\"system\":\"http://terminology.hl7.org/CodeSystem/adjudication\",\"code\":\"benefit\"}}]}},\"amount\":{{\"value\":{},\"currency\":\"CNY\"}}}}",
                huzhu_domain::fhir::decimal_of_fen(p.fen())
            );
            assert!(eob.contains(&total), "{total} in {eob}");
            checked += 1;
        }
    }
    assert!(checked >= 1);

    // A cycle with no policy is named.
    let e = fhir::export_cycle(&s, &clock, 2031, |_| Ok(()))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("2031"), "{e}");
}

#[test]
fn the_refusal_code_system_is_valid_fhir() {
    let v: Value = serde_json::from_str(&fhir::refusal_code_system()).unwrap();
    assert_eq!(errors_of(&v), Vec::<String>::new());
}

#[test]
fn the_schema_refuses_what_is_not_fhir() {
    // The vendored schema does check: a claim without its required fields is refused.
    let bad: Value =
        serde_json::json!({"resourceType": "ExplanationOfBenefit", "status": "active"});
    assert!(!errors_of(&bad).is_empty());
    let bad: Value = serde_json::json!({"resourceType": "Claim", "bogus": 1});
    assert!(!errors_of(&bad).is_empty());
}

#[path = "../../huzhu-store/tests/harness/mod.rs"]
#[macro_use]
mod harness;

on_both!(a_cycle_exports_as_schema_valid_ndjson);
