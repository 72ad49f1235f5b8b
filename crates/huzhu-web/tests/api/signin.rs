//! Sign-in under attack (issue 14) and in an office (issue 13): the lockout cannot be raced, an
//! address is slowed down rather than locked, a dead session cookie never blocks signing in,
//! cookie-only writes to the JSON API must come from huzhu's own pages, and the sign-in page names
//! the demo password only for a demo.

use crate::console_helpers::Browser;
use crate::helpers::{call, spawn_app, TestApp};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use chrono::TimeDelta;
use huzhu_app::demo::DEMO_PASSWORD;
use huzhu_store::Store;
use serde_json::{json, Value};
use std::net::SocketAddr;

/// A sign-in request through the API from `address`.
fn sign_in_from(address: [u8; 4], username: &str, password: &str) -> Request<Body> {
    let body = json!({ "username": username, "password": password });
    Request::post("/api/v1/session")
        .header("content-type", "application/json")
        .extension(ConnectInfo(SocketAddr::from((address, 40_000))))
        .body(Body::from(body.to_string()))
        .unwrap()
}

async fn failed_sign_ins_of(app: &TestApp, username: &str) -> usize {
    app.store
        .audit_log(1000)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == "login.failed" && e.subject == username)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_sixty_guesses_gets_five_evaluated_and_then_the_right_password_waits() {
    let app = spawn_app().await;
    let burst =
        (0..60).map(|i| app.try_login("finance", if i % 2 == 0 { "guess-a" } else { "guess-b" }));
    let answers = futures_util::future::join_all(burst).await;
    let refused = |s: StatusCode| answers.iter().filter(|(st, _, _)| *st == s).count();
    assert_eq!(refused(StatusCode::UNAUTHORIZED), 5, "evaluated");
    assert_eq!(refused(StatusCode::TOO_MANY_REQUESTS), 55, "refused unseen");
    assert_eq!(failed_sign_ins_of(&app, "finance").await, 5);
    let (status, _, body) = app.try_login("finance", DEMO_PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["code"], "HZ-AUTH-0003");
    app.clock.advance(TimeDelta::minutes(5));
    app.login("finance").await;
}

#[tokio::test]
async fn an_office_behind_one_address_is_slowed_by_typos_but_never_locked_out() {
    let app = spawn_app().await;
    let office = [203, 0, 113, 7];
    for who in ["admin", "city.staff", "reviewer", "finance", "auditor"] {
        let (status, _) = app.send(sign_in_from(office, who, "typo-typo")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{who}");
    }
    // A sixth colleague, after five typos from the same address: slowed, and signed in.
    let started = std::time::Instant::now();
    let (status, body) = app
        .send(sign_in_from(office, "district.staff", DEMO_PASSWORD))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(400),
        "attempts past an address's free failures wait: {:?}",
        started.elapsed()
    );
    // The account is what locks: five failures of one account, from anywhere.
    for (i, from) in [[198, 51, 100, 1], [198, 51, 100, 2]]
        .iter()
        .cycle()
        .take(5)
        .enumerate()
    {
        let (status, _) = app.send(sign_in_from(*from, "reviewer", "guess")).await;
        // The reviewer's typo from the office was the first failure of five.
        let expected = if i < 4 {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(status, expected, "attempt {}", i + 1);
    }
    let (status, _) = app
        .send(sign_in_from([192, 0, 2, 9], "reviewer", DEMO_PASSWORD))
        .await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "five failures lock the account, from a third address too"
    );
}

#[tokio::test]
async fn a_dead_session_cookie_never_blocks_signing_in_and_is_cleared() {
    let app = spawn_app().await;
    let mut b = Browser::signed_in(&app, "city.staff").await;
    let dead = b.cookies["huzhu_session"].clone();
    app.clock.advance(TimeDelta::hours(8));
    assert_eq!(b.get("/members").await.status, StatusCode::SEE_OTHER);
    b.cookies.insert("huzhu_session".into(), dead.clone());
    let form = b.get("/login").await;
    assert_eq!(form.status, StatusCode::OK);
    let cleared = form
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .any(|v| v.starts_with("huzhu_session=;") && v.contains("Max-Age=0"));
    assert!(cleared, "{:?}", form.headers);
    // A browser that kept the dead cookie anyway (another tab) still signs in with the form.
    b.cookies.insert("huzhu_session".into(), dead.clone());
    let wrong = b.sign_in("city.staff", "not-the-password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{}", wrong.text);
    b.cookies.insert("huzhu_session".into(), dead.clone());
    let ok = b.sign_in("city.staff", DEMO_PASSWORD).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text);
    assert_ne!(b.cookies["huzhu_session"], dead, "a fresh session");
    assert_eq!(b.get("/members").await.status, StatusCode::OK);
}

/// `DELETE /api/v1/session` (signing out, a write) with the given headers.
fn sign_out(headers: &[(&str, &str)]) -> Request<Body> {
    let mut r = Request::delete("/api/v1/session");
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    r.body(Body::empty()).unwrap()
}

async fn alive(app: &TestApp, token: &str) -> bool {
    app.get_as(token, "/api/v1/session").await.0 == StatusCode::OK
}

#[tokio::test]
async fn a_json_api_write_with_only_the_cookie_needs_the_csrf_token_or_a_same_site_origin() {
    let app = spawn_app().await;
    let token = app.login("auditor").await;
    let cookie = format!("huzhu_session={token}");
    for forged in [
        vec![("cookie", cookie.as_str())],
        vec![("cookie", cookie.as_str()), ("x-csrf-token", "00ff")],
        vec![
            ("cookie", cookie.as_str()),
            ("origin", "https://evil.example"),
            ("host", "huzhu.local"),
        ],
        vec![
            ("cookie", cookie.as_str()),
            ("origin", "null"),
            ("host", "huzhu.local"),
        ],
    ] {
        let (status, body) = app.send(sign_out(&forged)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{forged:?}: {body}");
        assert_eq!(body["code"], "HZ-AUTH-0004");
        assert!(body["message"].as_str().unwrap().contains("X-CSRF-Token"));
        assert!(alive(&app, &token).await, "nothing happened");
    }
    // The session's token, as the console's pages carry it.
    let csrf = huzhu_web::console::csrf::token_for_session(&token);
    let (status, _) = app
        .send(sign_out(&[("cookie", &cookie), ("x-csrf-token", &csrf)]))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(!alive(&app, &token).await);
    // This site's own Origin (Swagger UI's "Try it out", a same-site script).
    let token = app.login("auditor").await;
    let cookie = format!("huzhu_session={token}");
    let (status, _) = app
        .send(sign_out(&[
            ("cookie", &cookie),
            ("origin", "http://huzhu.local"),
            ("host", "huzhu.local"),
        ]))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // A bearer token needs neither.
    let token = app.login("auditor").await;
    let bearer = format!("Bearer {token}");
    let (status, _) = app.send(sign_out(&[("authorization", &bearer)])).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // Signing in needs no session, so a stale cookie does not stand in its way either.
    let (status, _) = app
        .send(
            Request::post("/api/v1/session")
                .header("content-type", "application/json")
                .header("cookie", &cookie)
                .body(Body::from(
                    json!({"username": "auditor", "password": DEMO_PASSWORD}).to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn every_json_api_write_that_needs_a_session_documents_the_cross_site_refusal() {
    let app = spawn_app().await;
    let raw = app.get_raw("/api/openapi.json").await;
    let doc: Value = serde_json::from_slice(&raw.body).unwrap();
    let mut writes = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if method == "get" || op.get("security").is_none() {
                continue;
            }
            writes += 1;
            let refusal = op["responses"]["403"]["description"].as_str();
            assert!(
                refusal.is_some_and(|d| d.contains("HZ-AUTH-0004")),
                "{method} {path} does not document the cross-site refusal: {refusal:?}"
            );
        }
    }
    assert!(writes >= 5, "{writes}");
}

#[tokio::test]
async fn a_bad_sign_in_body_answers_the_json_error_naming_the_field() {
    let app = spawn_app().await;
    for (body, field) in [
        (json!({"username": "admin"}).to_string(), "password"),
        ("username=admin".to_string(), "body"),
        (
            json!({"username": 7, "password": "x"}).to_string(),
            "username",
        ),
    ] {
        let (status, answer) = app
            .send(
                Request::post("/api/v1/session")
                    .header("content-type", "application/json")
                    .body(Body::from(body.clone()))
                    .unwrap(),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(answer["code"], "HZ-INPUT-0001", "{body}");
        assert_eq!(answer["field"], field, "{body}");
    }
}

#[tokio::test]
async fn the_json_api_and_its_document_send_the_consoles_security_headers_and_personal_data_is_not_stored(
) {
    let app = spawn_app().await;
    let token = app.login("admin").await;
    let members = app
        .get_bytes_as(&token, "/api/v1/members?org=LA-01-001")
        .await;
    let orgs = app.get_bytes_as(&token, "/api/v1/orgs").await;
    let unauthenticated = app.get_raw("/api/v1/members?org=LA").await;
    let document = app.get_raw("/api/openapi.json").await;
    let ui = app.get_raw("/api/docs/").await;
    for (what, raw) in [
        ("members", &members),
        ("orgs", &orgs),
        ("a 401", &unauthenticated),
        ("the document", &document),
        ("Swagger UI", &ui),
    ] {
        let h = &raw.headers;
        assert!(h.contains_key("content-security-policy"), "{what}: {h:?}");
        assert!(h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'"));
        assert_eq!(h["x-content-type-options"], "nosniff", "{what}");
        assert_eq!(h["x-frame-options"], "DENY", "{what}");
        assert_eq!(h["referrer-policy"], "same-origin", "{what}");
    }
    assert_eq!(ui.status, StatusCode::OK);
    for (what, raw) in [("members", &members), ("orgs", &orgs)] {
        assert_eq!(raw.status, StatusCode::OK, "{what}");
        assert_eq!(raw.headers["cache-control"], "no-store", "{what}");
    }
    // The console's member list and member page likewise.
    let mut b = Browser::signed_in(&app, "admin").await;
    for uri in ["/members?org=LA-01-001", "/members/1"] {
        let page = b.get(uri).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}");
        assert_eq!(page.headers["cache-control"], "no-store", "{uri}");
    }
}

#[tokio::test]
async fn the_sign_in_page_names_the_demo_password_only_when_served_with_demo() {
    let app = spawn_app().await;
    let page = app.get_raw("/login").await;
    assert_eq!(page.status, StatusCode::OK);
    let text = String::from_utf8_lossy(&page.body);
    assert!(text.contains("name=\"password\""));
    assert!(!text.contains(DEMO_PASSWORD), "{text}");
    let mut state =
        huzhu_web::AppState::new(app.store.clone(), std::sync::Arc::new(app.clock.clone()));
    state.demo = true;
    let demo = huzhu_web::router_with(state);
    let page = call(&demo, Request::get("/login").body(Body::empty()).unwrap()).await;
    assert!(String::from_utf8_lossy(&page.body).contains(DEMO_PASSWORD));
}
