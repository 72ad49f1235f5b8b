//! Issue 15 over HTTP: a relief from application to a paid batch, and a campaign whose second
//! listing is refused naming the first; every answer checked against the OpenAPI document.

use crate::helpers::spawn_app;
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_relief_is_applied_checked_approved_and_paid_in_the_claims_batch() {
    let app = spawn_app().await;
    let officer = app.login("officer.la01001").await;
    let district = app.login("district.staff").await;
    let city = app.login("city.staff").await;
    let finance = app.login("finance").await;
    let cashier = app.login("cashier").await;
    let (s, members) = app.get_as(&officer, "/api/v1/members?limit=50").await;
    assert_eq!(s, StatusCode::OK, "{members}");
    let member = members["members"]
        .as_array()
        .and_then(|a| a.iter().find(|m| m["bank_account"].is_string()))
        .map(|m| m["id"].as_i64().unwrap())
        .expect("a member with a bank account");
    let (s, body) = app
        .json_as(
            &finance,
            "POST",
            "/api/v1/funds/hardship/deposits",
            &json!({"amount_fen": 1_000_000, "reference": "2022年帮扶资金"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    assert_eq!(body["balance_fen"], 1_000_000);
    let apply = json!({"programme": "one-off-relief", "member": member,
        "facts": {"requested_fen": 300_000, "documents": ["application_form"]}});
    let (s, body) = app
        .json_as(&officer, "POST", "/api/v1/grants", &apply)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let g = &body[0]["grant"];
    assert_eq!(g["state"], "applied");
    assert_eq!(g["approval_level"], "district");
    assert!(
        g["key"].as_str().unwrap().contains('*'),
        "the key's ID number is masked"
    );
    let id = g["id"].as_i64().unwrap();
    let (s, body) = app
        .json_as(
            &officer,
            "POST",
            &format!("/api/v1/grants/{id}/check"),
            &json!(null),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
    let (s, body) = app
        .json_as(
            &district,
            "POST",
            &format!("/api/v1/grants/{id}/check"),
            &json!(null),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (s, body) = app
        .json_as(
            &city,
            "POST",
            &format!("/api/v1/grants/{id}/approve"),
            &json!(null),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "approved");
    let (s, body) = app
        .get_as(&officer, &format!("/api/v1/grants/{id}/notice"))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(body["lines"][0]["clause"]
        .as_str()
        .unwrap()
        .starts_with("one-off-relief"));
    let (s, body) = app
        .json_as(
            &finance,
            "POST",
            "/api/v1/payout-batches",
            &json!({"org": "HZ"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    assert!(body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["grant"] == id));
    let batch = body["batch"]["id"].as_i64().unwrap();
    let (s, body) = app
        .json_as(
            &cashier,
            "POST",
            &format!("/api/v1/payout-batches/{batch}/settlement"),
            &json!({"failures": []}),
        )
        .await;
    assert!(s.is_success(), "{s} {body}");
    let (s, body) = app.get_as(&officer, &format!("/api/v1/grants/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body["state"], "paid");
    let (s, body) = app.get_as(&finance, "/api/v1/ledger/balances").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body["ok"], true, "{body}");
}

#[tokio::test]
async fn a_campaign_refuses_a_second_listing_naming_the_first() {
    let app = spawn_app().await;
    let city = app.login("city.staff").await;
    let district = app.login("district.staff").await;
    let (s, body) = app
        .json_as(
            &city,
            "POST",
            "/api/v1/campaigns",
            &json!({"programme": "two-festivals-2026",
            "window_start": "2026-01-01", "window_end": "2026-02-28"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let c = body["id"].as_i64().unwrap();
    let (_, members) = app.get_as(&district, "/api/v1/members?limit=5").await;
    let member = members["members"]
        .as_array()
        .and_then(|a| a.first())
        .map(|m| m["id"].as_i64().unwrap())
        .unwrap();
    let add =
        json!({"member": member, "reason": "突发困难", "cash_fen": 100_000, "gift_pack": true});
    let (s, body) = app
        .json_as(
            &city,
            "POST",
            &format!("/api/v1/campaigns/{c}/recipients"),
            &add,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["added"], 1);
    let (s, body) = app
        .json_as(
            &district,
            "POST",
            &format!("/api/v1/campaigns/{c}/recipients"),
            &add,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["added"], 0);
    assert_eq!(body["already"][0]["org"], "HZ");
    let (s, body) = app
        .json_as(
            &city,
            "POST",
            &format!("/api/v1/campaigns/{c}/grant"),
            &json!(null),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    let (s, body) = app
        .get_as(&district, &format!("/api/v1/campaigns/{c}/recipients"))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body.as_array().unwrap().len(), 1);
}
