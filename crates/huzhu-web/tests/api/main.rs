//! The HTTP API, driven through the router as a client would (no socket needed), on a fresh
//! SQLite database holding the demo city. Every JSON answer is checked against the OpenAPI
//! document ([`helpers::TestApp::send`]); the document itself is tested in [`openapi`].
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod archive;
mod audit_scope;
mod auth;
mod conformance;
mod console;
mod console_accounts;
mod console_claims;
mod console_grants;
mod console_helpers;
mod console_kept_files;
mod console_pages;
mod console_words;
mod fund_report;
mod grants;
mod helpers;
mod import_beside;
mod import_security;
mod ledger_scope;
mod money;
mod money_input;
mod money_scope;
mod office;
mod openapi;
mod programme_stats;
mod review_audit;
mod signin;
mod stats;
mod support;
mod transfers;
// donation module (春风行动, issue 16)
mod donations;
// legal aid and recognition (issue 17)
mod cases;
// FHIR R4 export (helper E, issue 18)
mod fhir;

use axum::http::StatusCode;
use helpers::{spawn_app, TestApp};
use serde_json::Value;

#[tokio::test]
async fn health_names_the_backend() {
    let app = spawn_app().await;
    let (status, body) = app.get("/health").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["backend"], "sqlite");
}

#[tokio::test]
async fn orgs_list_a_subtree_parents_first() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let (status, body) = app.get_as(&admin, "/api/v1/orgs?under=LA").await;
    assert_eq!(status, StatusCode::OK);
    let orgs = body.as_array().unwrap();
    assert_eq!(
        orgs.len(),
        1 + 3 + 12,
        "a district, its streets and their units"
    );
    assert_eq!(orgs[0]["code"], "LA");
    assert!(orgs
        .iter()
        .all(|o| o["code"].as_str().unwrap().starts_with("LA")));
    let (_, all) = app.get_as(&admin, "/api/v1/orgs").await;
    assert_eq!(all.as_array().unwrap().len(), 1 + 4 + 12 + 48);
}

#[tokio::test]
async fn members_page_through_a_subtree_with_masked_personal_data() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let mut members: Vec<Value> = Vec::new();
    let mut uri = "/api/v1/members?org=LA-01&limit=100".to_string();
    loop {
        let (status, page) = app.get_as(&admin, &uri).await;
        assert_eq!(status, StatusCode::OK);
        let got = page["members"].as_array().unwrap();
        assert!(got.len() <= 100);
        members.extend(got.iter().cloned());
        match page["next_after"].as_i64() {
            Some(after) => uri = format!("/api/v1/members?org=LA-01&limit=100&after={after}"),
            None => break,
        }
    }
    assert_eq!(members.len(), 4 * 64, "four units of 64");
    let mut ids: Vec<i64> = members.iter().map(|m| m["id"].as_i64().unwrap()).collect();
    ids.dedup();
    assert_eq!(ids.len(), members.len(), "no member twice");
    for m in &members {
        let id = m["id_number"].as_str().unwrap();
        assert_eq!(&id[4..14], "**********");
        assert!(m["phone"].as_str().unwrap().contains("****"));
    }
}

#[tokio::test]
async fn bad_requests_name_the_field_and_unknown_orgs_are_404() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let (status, body) = app.get_as(&admin, "/api/v1/members?org=NOPE").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "HZ-NOTFOUND-0001");
    let (status, body) = app
        .get_as(&admin, "/api/v1/members?org=LA&limit=5000")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["field"], "limit");
    let (status, body) = app.get_as(&admin, "/api/v1/orgs?under=a/b").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["field"], "under");
    let (status, body) = app.get_as(&admin, "/api/v1/members").await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a missing `org` is a JSON 400"
    );
    assert_eq!(body["field"], "query");
    let (status, body) = app.get_as(&admin, "/api/v1/members?org=LA&limit=ten").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "HZ-INPUT-0001");
}
// recuperation, procurement (helper M)
mod recuperation;
// pairing and services (helper K, issue 16)
mod pairing;
// pairing and services console pages (helper C, issue 16)
mod console_pairing;
// employment help (helper D, issue 16)
mod employment;
// bank statements (helper D, issue 16)
mod statements;
// forged requests over every route (issue 18)
mod route_matrix;
