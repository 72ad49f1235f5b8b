//! The app under test, and the one way to call it: every JSON answer from a documented route is
//! checked against the OpenAPI document the app itself serves.

use crate::conformance::Document;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use chrono::{TimeZone, Utc};
use http_body_util::BodyExt;
use huzhu_app::FixedClock;
use huzhu_store::{SqliteStore, Store};
use serde_json::Value;
use tower::ServiceExt;

pub struct TestApp {
    router: axum::Router,
    /// The document served at `/api/openapi.json` by this very app.
    pub doc: Document,
    _dir: tempfile::TempDir,
}

/// A fresh SQLite database holding the demo city, and the router over it.
pub async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open_file(&dir.path().join("api.db"))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let clock = FixedClock(Utc.with_ymd_and_hms(2022, 3, 1, 2, 0, 0).unwrap());
    huzhu_app::demo::load_demo(&store, &clock).await.unwrap();
    let router = huzhu_web::router(store);
    let doc = Document::fetch(&router).await;
    TestApp {
        router,
        doc,
        _dir: dir,
    }
}

/// An answer as it came: status, headers and the body's bytes.
pub struct Raw {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Raw {
    /// The body as JSON; `Null` when it is empty or not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// Sends `request` to `router` as a client would (no socket), and collects the answer.
pub async fn call(router: &axum::Router, request: Request<Body>) -> Raw {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    Raw {
        status,
        headers,
        body,
    }
}

impl TestApp {
    /// Sends `request` and, when its route is in the document, asserts the answer conforms to
    /// the document (status listed, body valid against the schema). Build requests with headers
    /// (a bearer token, a JSON body) and pass them here; [`TestApp::get`] is the short form.
    pub async fn send(&self, request: Request<Body>) -> (StatusCode, Value) {
        let method = request.method().clone();
        let path = request.uri().path().to_string();
        let raw = call(&self.router, request).await;
        let body = raw.json();
        match self.doc.template_for(&method, &path) {
            Some(template) => {
                if raw.body.is_empty() {
                    self.doc
                        .assert_conforms_empty(&method, &template, raw.status);
                } else {
                    assert!(
                        !body.is_null(),
                        "{method} {path} answered {} with a body that is not JSON: {:?}",
                        raw.status,
                        String::from_utf8_lossy(&raw.body)
                    );
                    self.doc
                        .assert_conforms(&method, &template, raw.status, &body);
                }
            }
            None => self
                .doc
                .assert_not_served_undocumented(&method, &path, &raw),
        }
        (raw.status, body)
    }

    /// `GET uri`, checked against the document as [`TestApp::send`] does.
    pub async fn get(&self, uri: &str) -> (StatusCode, Value) {
        self.send(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    /// `GET uri`, unchecked: for what is not JSON (Swagger UI, its files, the front page).
    pub async fn get_raw(&self, uri: &str) -> Raw {
        call(&self.router, Request::get(uri).body(Body::empty()).unwrap()).await
    }

    /// Any request, unchecked and uncollected into JSON: for probing the router itself.
    pub async fn call(&self, request: Request<Body>) -> Raw {
        call(&self.router, request).await
    }
}
