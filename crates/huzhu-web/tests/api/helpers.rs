//! The app under test, and the one way to call it: every JSON answer from a documented route is
//! checked against the OpenAPI document the app itself serves.

use crate::conformance::Document;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use chrono::{TimeZone, Utc};
use http_body_util::BodyExt;
use huzhu_app::SettableClock;
use huzhu_store::{PgStore, SqliteStore};
use serde_json::Value;
use tower::ServiceExt;

pub struct TestApp<S = SqliteStore> {
    router: axum::Router,
    /// The document served at `/api/openapi.json` by this very app.
    pub doc: Document,
    /// The server's clock: tests move it to expire sessions or reach a claim's dates.
    pub clock: SettableClock,
    pub store: S,
    _dir: tempfile::TempDir,
}

/// A fresh SQLite database holding the demo city, and the router over it.
pub async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open_file(&dir.path().join("api.db"))
        .await
        .unwrap();
    spawn_app_on(store, dir).await
}

/// The demo city in `store` (migrated here), and the router over it.
async fn spawn_app_on<S: huzhu_app::Backend>(store: S, dir: tempfile::TempDir) -> TestApp<S> {
    store.migrate().await.unwrap();
    let clock = SettableClock::new(Utc.with_ymd_and_hms(2022, 3, 1, 2, 0, 0).unwrap());
    huzhu_app::demo::load_demo(&store, &clock).await.unwrap();
    let router = huzhu_web::router(store.clone(), std::sync::Arc::new(clock.clone()));
    let doc = Document::fetch(&router).await;
    TestApp {
        router,
        doc,
        clock,
        store,
        _dir: dir,
    }
}

/// Runs an HTTP scenario on a fresh SQLite app.
pub async fn on_sqlite<F, Fut>(scenario: F)
where
    F: FnOnce(TestApp<SqliteStore>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    scenario(spawn_app().await).await;
}

static SCHEMA_SEQ: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// Runs an HTTP scenario on a fresh app over PostgreSQL, in a schema of its own dropped
/// afterwards, when `HUZHU_TEST_POSTGRES_URL` is set (`HUZHU_REQUIRE_POSTGRES=1` makes a missing
/// URL a failure, as in the store's harness).
pub async fn on_postgres<F, Fut>(scenario: F)
where
    F: FnOnce(TestApp<PgStore>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let Ok(url) = std::env::var("HUZHU_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var("HUZHU_REQUIRE_POSTGRES").is_err(),
            "HUZHU_REQUIRE_POSTGRES is set but HUZHU_TEST_POSTGRES_URL is not"
        );
        eprintln!("skipping the PostgreSQL half: HUZHU_TEST_POSTGRES_URL is not set");
        return;
    };
    let schema = format!(
        "api_{}_{}_{}",
        std::process::id(),
        SCHEMA_SEQ.fetch_add(1, std::sync::atomic::Ordering::SeqCst),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0)
    );
    let store = PgStore::connect_in_schema(&url, &schema).await.unwrap();
    let app = spawn_app_on(store.clone(), tempfile::tempdir().unwrap()).await;
    scenario(app).await;
    store.close().await;
    PgStore::drop_schema(&url, &schema).await.unwrap();
}

/// `on_both_backends!(a, b)`: modules `sqlite` and `postgres`, each with a test per HTTP
/// scenario (an `async fn(TestApp<S>)` generic over the backend).
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite { $( #[tokio::test] async fn $name() { crate::helpers::on_sqlite(super::$name).await } )* }
        mod postgres { $( #[tokio::test] async fn $name() { crate::helpers::on_postgres(super::$name).await } )* }
    };
}
pub(crate) use on_both_backends;

impl TestApp<SqliteStore> {
    /// The SQLite file the app writes: another store may open it, as `huzhu import` would.
    pub fn db_path(&self) -> std::path::PathBuf {
        self._dir.path().join("api.db")
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

impl<S> TestApp<S> {
    /// Sends `request` and, when its route is in the document, asserts the answer conforms to
    /// the document (status listed, body valid against the schema). Build requests with headers
    /// (a bearer token, a JSON body) and pass them here; [`TestApp::get`] is the short form.
    pub async fn send(&self, request: Request<Body>) -> (StatusCode, Value) {
        let (status, _, body) = self.send_full(request).await;
        (status, body)
    }

    /// [`TestApp::send`], with the answer's headers.
    pub async fn send_full(&self, request: Request<Body>) -> (StatusCode, HeaderMap, Value) {
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
        (raw.status, raw.headers, body)
    }

    /// Sends `request` whose answer may be a file rather than JSON, and checks it against the
    /// document: a JSON answer as [`TestApp::send`] does, a file by its listed media type.
    pub async fn send_bytes(&self, request: Request<Body>) -> Raw {
        let method = request.method().clone();
        let path = request.uri().path().to_string();
        let raw = call(&self.router, request).await;
        let template = self
            .doc
            .template_for(&method, &path)
            .unwrap_or_else(|| panic!("{method} {path} is not in the document"));
        let content_type = raw
            .headers
            .get(axum::http::header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        if content_type.starts_with("application/json") {
            self.doc
                .assert_conforms(&method, &template, raw.status, &raw.json());
        } else {
            self.doc
                .assert_conforms_bytes(&method, &template, raw.status, &content_type);
        }
        raw
    }

    /// `GET uri` with a session token, for an answer that may be a file.
    pub async fn get_bytes_as(&self, token: &str, uri: &str) -> Raw {
        self.send_bytes(
            Request::get(uri)
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    /// `POST uri` with a session token and `bytes` as the body (an upload), checked against the
    /// document.
    pub async fn post_bytes_as(
        &self,
        token: &str,
        uri: &str,
        bytes: Vec<u8>,
    ) -> (StatusCode, Value) {
        self.send(
            Request::post(uri)
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/octet-stream")
                .body(Body::from(bytes))
                .unwrap(),
        )
        .await
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

    /// `GET uri` with a session token, checked against the document.
    pub async fn get_as(&self, token: &str, uri: &str) -> (StatusCode, Value) {
        self.send(
            Request::get(uri)
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    /// A request with a token and a JSON body, checked against the document.
    pub async fn json_as(
        &self,
        token: &str,
        method: &str,
        uri: &str,
        body: &Value,
    ) -> (StatusCode, Value) {
        self.send(
            Request::builder()
                .method(method)
                .uri(uri)
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }

    pub async fn try_login(
        &self,
        username: &str,
        password: &str,
    ) -> (StatusCode, HeaderMap, Value) {
        let body = serde_json::json!({ "username": username, "password": password });
        self.send_full(
            Request::post("/api/v1/session")
                .header("content-type", "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }

    /// Signs a demo account in; its token.
    pub async fn login(&self, username: &str) -> String {
        let (status, _, body) = self
            .try_login(username, huzhu_app::demo::DEMO_PASSWORD)
            .await;
        assert_eq!(status, StatusCode::OK, "{username}: {body}");
        body["token"].as_str().unwrap().to_string()
    }
}

/// In-service members of a unit (the first 50 of the unit), read from the store.
pub async fn in_service_members(app: &TestApp, org: &str) -> Vec<i64> {
    use huzhu_store::Store;
    let org = huzhu_domain::org::OrgCode::parse(org).unwrap();
    app.store
        .members_under(
            &org,
            huzhu_store::Page {
                after: None,
                limit: 50,
            },
        )
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.record.status == huzhu_domain::member::EmploymentStatus::InService)
        .map(|m| m.id.0)
        .collect()
}
