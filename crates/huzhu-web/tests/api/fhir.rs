//! FHIR R4 export (issue 18): every decided claim of the demo answers a Bundle of its `Claim` and
//! its `ExplanationOfBenefit` that the official FHIR R4 JSON schema (vendored beside the app's
//! tests, `crates/huzhu-app/tests/fhir/`) accepts; outside the actor's scope the answer is the
//! same 404 as a missing claim; the refusal code system is public and valid too.

use crate::helpers::spawn_app;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;

/// The official HL7 FHIR R4 JSON schema, compiled once per test.
fn fhir_schema() -> jsonschema::Validator {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../huzhu-app/tests/fhir/fhir.schema.json"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::draft6::new(&schema).unwrap()
}

fn assert_valid(schema: &jsonschema::Validator, resource: &Value) {
    let errors: Vec<String> = schema
        .iter_errors(resource)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "not valid FHIR R4: {errors:?}\n{resource}"
    );
}

#[tokio::test]
async fn every_decided_demo_claim_exports_as_valid_fhir_and_only_in_scope() {
    let app = spawn_app().await;
    huzhu_app::demo_money::load_money_demo(&app.store)
        .await
        .unwrap();
    let schema = fhir_schema();
    let city = app.login("city.staff").await;
    let stranger = app.login("officer.sc01001").await;

    let (status, list) = app.get_as(&city, "/api/v1/claims?limit=500").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let claims = list["claims"].as_array().unwrap().clone();
    assert!(claims.len() > 5, "{list}");
    let mut decided = 0;
    let mut refusals = 0;
    for c in &claims {
        let id = c["id"].as_i64().unwrap();
        let uri = format!("/api/v1/claims/{id}/fhir");
        let raw = app
            .send_bytes(
                Request::get(&uri)
                    .header("authorization", format!("Bearer {city}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        let state = c["state"].as_str().unwrap();
        if matches!(state, "draft" | "submitted" | "returned" | "accepted") {
            assert_eq!(raw.status, StatusCode::CONFLICT, "{state}: {:?}", raw.body);
            continue;
        }
        assert_eq!(raw.status, StatusCode::OK, "{state}: {:?}", raw.body);
        assert!(raw.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/fhir+json"));
        decided += 1;
        let bundle = raw.json();
        assert_valid(&schema, &bundle);
        assert_eq!(bundle["resourceType"], "Bundle");
        let claim = &bundle["entry"][0]["resource"];
        let eob = &bundle["entry"][1]["resource"];
        assert_eq!(claim["resourceType"], "Claim");
        assert_eq!(eob["resourceType"], "ExplanationOfBenefit");
        // Each resource on its own, too (the NDJSON export writes them so).
        assert_valid(&schema, claim);
        assert_valid(&schema, eob);
        // The member by member id, never by the ID number.
        assert_eq!(
            eob["patient"]["identifier"]["value"],
            c["member"].as_i64().unwrap().to_string()
        );
        // The benefit total is the stored decision's payable, exactly in yuan (unless rejected).
        let text = String::from_utf8(raw.body.to_vec()).unwrap();
        let payable = c["payable_fen"].as_i64();
        if let (Some(p), false) = (payable, state == "rejected") {
            let yuan = format!("{}.{:02}", p / 100, p % 100);
            assert!(
                text.contains(&format!("{{\"value\":{yuan},\"currency\":\"CNY\"}}")),
                "{yuan} in {text}"
            );
        }
        // Every item's adjudication gives its clause as the reason.
        for item in eob["item"].as_array().into_iter().flatten() {
            let reason = &item["adjudication"][0]["reason"];
            let codings = reason["coding"].as_array().unwrap();
            assert!(
                codings.iter().any(|c| c["system"] == "urn:huzhu:clause"
                    && c["code"].as_str().unwrap().starts_with("hangzhou-2022 ")),
                "{item}"
            );
            refusals += codings
                .iter()
                .filter(|c| c["system"] == "urn:huzhu:fhir:CodeSystem:huzhu-refusal")
                .count();
        }
        // Outside scope: the same 404 as a missing claim.
        let (status, body) = app.get_as(&stranger, &uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    }
    assert!(decided >= 5, "the demo has decided claims: {decided}");
    assert!(refusals >= 1, "some demo claim has a refused benefit");
    let (status, body) = app.get_as(&city, "/api/v1/claims/99999999/fhir").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, _) = app.get("/api/v1/claims/1/fhir").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_refusal_code_system_is_public_and_valid() {
    let app = spawn_app().await;
    let raw = app
        .send_bytes(
            Request::get("/fhir/CodeSystem/huzhu-refusal")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(raw.status, StatusCode::OK);
    let cs = raw.json();
    assert_valid(&fhir_schema(), &cs);
    assert_eq!(cs["url"], "urn:huzhu:fhir:CodeSystem:huzhu-refusal");
    let codes: Vec<&str> = cs["concept"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 13);
    assert!(codes.contains(&"cap_reached") && codes.contains(&"late_submission"));
}
