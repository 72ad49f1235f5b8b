//! The HTTP API, driven through the router as a client would (no socket needed), on a fresh
//! SQLite database holding the demo city.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod auth;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{TimeZone, Utc};
use http_body_util::BodyExt;
use huzhu_app::SettableClock;
use huzhu_store::{SqliteStore, Store};
use serde_json::Value;
use tower::ServiceExt;

struct TestApp {
    router: axum::Router,
    /// The server's clock: tests move it to expire sessions.
    clock: SettableClock,
    store: SqliteStore,
    _dir: tempfile::TempDir,
}

async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open_file(&dir.path().join("api.db"))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let clock = SettableClock::new(Utc.with_ymd_and_hms(2022, 3, 1, 2, 0, 0).unwrap());
    huzhu_app::demo::load_demo(&store, &clock).await.unwrap();
    TestApp {
        router: huzhu_web::router(store.clone(), std::sync::Arc::new(clock.clone())),
        clock,
        store,
        _dir: dir,
    }
}

impl TestApp {
    async fn send(&self, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Value) {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            headers,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    /// A request without credentials.
    async fn get(&self, uri: &str) -> (StatusCode, Value) {
        let (status, _, body) = self
            .send(Request::get(uri).body(Body::empty()).unwrap())
            .await;
        (status, body)
    }

    /// A request with a session token.
    async fn get_as(&self, token: &str, uri: &str) -> (StatusCode, Value) {
        let (status, _, body) = self
            .send(
                Request::get(uri)
                    .header("authorization", format!("Bearer {token}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        (status, body)
    }

    async fn try_login(
        &self,
        username: &str,
        password: &str,
    ) -> (StatusCode, axum::http::HeaderMap, Value) {
        let body = serde_json::json!({ "username": username, "password": password });
        self.send(
            Request::post("/api/v1/session")
                .header("content-type", "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }

    /// Signs a demo account in; its token.
    async fn login(&self, username: &str) -> String {
        let (status, _, body) = self
            .try_login(username, huzhu_app::demo::DEMO_PASSWORD)
            .await;
        assert_eq!(status, StatusCode::OK, "{username}: {body}");
        body["token"].as_str().unwrap().to_string()
    }
}

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
}
