//! huzhu's HTTP server: a health route, sign-in ([`api::session`]), the JSON API within the
//! signed-in actor's scope ([`auth::Authenticated`]), and a plain Chinese front page; the console
//! is its own issue. Generic over the store; errors become responses in exactly one place
//! ([`error`]).
//!
//! # The JSON API and its OpenAPI document
//!
//! Every JSON route is in the OpenAPI document ([`api`]; served at `/api/openapi.json`, Swagger
//! UI at `/api/docs`), because the only way to add one is through the document:
//!
//! 1. Annotate the handler with `#[utoipa::path]`: method, the **full** path (no `nest`), a
//!    `tag`, its `params(...)` (a query struct deriving `IntoParams`; path parameters as
//!    `("id" = i64, Path, description = "...")`), `security(("bearer" = []), ("huzhu_session" =
//!    []))` if it needs a session, and every status it can answer: the success body (a type
//!    deriving `ToSchema`) and each error as `body = ErrorBody`. Its doc comment's first line is
//!    the operation's summary.
//! 2. Register it in [`router`] with `.routes(route!(handler::<S>))` (`api::route!` works
//!    where the handler is defined, like `utoipa_axum::routes!`, which cannot take our
//!    store-generic handlers). Plain `.route("/api/...", ...)` is what not to do: the API tests
//!    fail on any `"/api/..."` path in the source that is not in the document.
//! 3. Read queries with `api::ApiQuery`, JSON bodies with `api::ApiJson` and path parameters
//!    with `api::ApiPath`, so that malformed requests answer the documented JSON 400 naming the
//!    field (`items[0].shares`); the money path's routes live in [`api::v1`].
//!
//! ```ignore
//! /// 理赔 — one claim, as its member and the officers who may see it see it.
//! #[utoipa::path(
//!     get,
//!     path = "/api/v1/claims/{id}",
//!     tag = "claims",
//!     params(("id" = i64, Path, description = "claim id")),
//!     security(("bearer" = []), ("huzhu_session" = [])),
//!     responses(
//!         (status = OK, description = "the claim", body = ClaimView),
//!         (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
//!         (status = NOT_FOUND, description = "no such claim", body = ErrorBody),
//!         (status = INTERNAL_SERVER_ERROR, description = "server error", body = ErrorBody),
//!     )
//! )]
//! async fn get_claim<S: Backend>(State(state): State<AppState<S>>, Path(id): Path<i64>)
//!     -> Result<Json<ClaimView>, ApiError> { /* ... */ }
//!
//! // in `router`:
//!     .routes(route!(get_claim::<S>))
//! ```
//!
//! The API tests (`tests/api/`) call the router through `TestApp::get`/`send`, which checks each
//! answer of a documented route against the document: the status must be listed and the body
//! must validate against its schema. A new route's tests therefore test its document too.

pub mod api;
pub mod auth;
pub mod console;
mod error;
mod headers;
// limits on what the public sends unsigned (issue 17)
pub mod limits;

use api::{route, ApiQuery};
use auth::Authenticated;
use axum::extract::State;
use axum::middleware;
use axum::{Json, Router};
use huzhu_app::access::{members_in_scope, orgs_in_scope};
use huzhu_app::members::MemberSummary;
use huzhu_app::model::{Org, Page};
use huzhu_app::Backend;
use huzhu_app::Clock;
use huzhu_domain::org::OrgCode;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;

pub use error::{ApiError, ErrorBody};

#[derive(Clone)]
pub struct AppState<S> {
    pub store: S,
    pub clock: Arc<dyn Clock + Send + Sync>,
    /// Mark the session cookie `Secure` (serve behind HTTPS).
    pub secure_cookies: bool,
    pub login_limiter: Arc<auth::LoginLimiter>,
    /// Served with `--demo`: the sign-in page names the demo password.
    pub demo: bool,
    /// Files of claim forms kept across a validation error (`console::PendingUploads`).
    pub pending_uploads: Arc<console::PendingUploads>,
    /// Objections sent from the public 公示 page, counted per address (issue 17).
    pub public_objections: Arc<limits::PublicLimiter>,
}

impl<S> AppState<S> {
    pub fn new(store: S, clock: Arc<dyn Clock + Send + Sync>) -> AppState<S> {
        AppState {
            store,
            clock,
            secure_cookies: false,
            login_limiter: Arc::default(),
            demo: false,
            pending_uploads: Arc::default(),
            public_objections: Arc::default(),
        }
    }
}

/// All routes of the server, with default settings.
pub fn router<S: Backend>(store: S, clock: Arc<dyn Clock + Send + Sync>) -> Router {
    router_with(AppState::new(store, clock))
}

/// All routes of the server. `/` and `/health` are public; everything under `/api/v1` but
/// `POST /api/v1/session` needs a session and answers within the actor's scope. JSON routes go
/// through `.routes(route!(handler::<S>))`, which puts them in the OpenAPI document as well (see
/// the crate documentation).
pub fn router_with<S: Backend>(state: AppState<S>) -> Router {
    let (api, doc) = OpenApiRouter::with_openapi(api::ApiDoc::openapi())
        .routes(route!(health::<S>))
        .merge(api::session::routes::<S>())
        .routes(route!(list_orgs::<S>))
        .routes(route!(list_members::<S>))
        .merge(api::v1::routes::<S>())
        .split_for_parts();
    let api = api
        .layer(middleware::from_fn(auth::api_write_guard))
        .layer(middleware::from_fn(headers::api));
    let docs: Router<AppState<S>> = api::docs(doc).layer(middleware::from_fn(headers::docs));
    Router::new()
        .merge(console::routes::<S>())
        .merge(api)
        .merge(docs)
        .with_state(state)
}

#[derive(Serialize, ToSchema)]
struct Health {
    #[schema(example = "ok")]
    status: &'static str,
    /// 存储 — `sqlite` or `postgres`.
    #[schema(example = "sqlite")]
    backend: &'static str,
    /// huzhu's version.
    version: &'static str,
}

/// The server is up, and which storage backend it runs on.
#[utoipa::path(
    get,
    path = "/health",
    tag = "system",
    responses((status = OK, description = "运行中 (up)", body = Health))
)]
async fn health<S: Backend>(State(state): State<AppState<S>>) -> Json<Health> {
    Json(Health {
        status: "ok",
        backend: huzhu_app::backend_name(&state.store),
        version: env!("CARGO_PKG_VERSION"),
    })
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct OrgQuery {
    /// 组织代码 — only this organisation and its subtree.
    #[param(example = "LA", pattern = "^[A-Za-z0-9-]{1,32}$")]
    under: Option<String>,
}

/// 组织 — a trade-union organisation.
#[derive(Serialize, ToSchema)]
pub struct OrgView {
    /// 组织代码, e.g. `LA-01`.
    pub code: String,
    /// 组织名称.
    pub name: String,
    /// 上级代码; absent for the city federation.
    pub parent: Option<String>,
    /// 层级: 1 市, 2 区县, 3 乡镇街道, 4 基层.
    #[schema(minimum = 1, maximum = 4)]
    pub level: u8,
    /// The level's Chinese name, e.g. `基层`.
    pub level_name: &'static str,
    /// 行政区划代码 (six digits).
    pub region: String,
}

impl OrgView {
    fn of(o: &Org) -> OrgView {
        OrgView {
            code: o.code.to_string(),
            name: o.name.clone(),
            parent: o.parent.as_ref().map(|p| p.to_string()),
            level: o.level as u8,
            level_name: o.level.label_zh(),
            region: o.region.to_string(),
        }
    }
}

pub(crate) fn org_code(field: &str, raw: &str) -> Result<OrgCode, ApiError> {
    OrgCode::parse(raw).map_err(|e| ApiError::invalid(field, e.to_string()))
}

/// 组织树 — the organisation tree, or the subtree under `under`; parents before children.
#[utoipa::path(
    get,
    path = "/api/v1/orgs",
    tag = "orgs",
    params(OrgQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "组织列表 (organisations, by level then code)", body = Vec<OrgView>),
        (status = BAD_REQUEST, description = "`under` is not an organisation code", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = NOT_FOUND, description = "no organisation `under`", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn list_orgs<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> Result<Json<Vec<OrgView>>, ApiError> {
    let under = q
        .under
        .as_deref()
        .map(|c| org_code("under", c))
        .transpose()?;
    let orgs = orgs_in_scope(&state.store, &actor, under.as_ref()).await?;
    Ok(Json(orgs.iter().map(OrgView::of).collect()))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct MemberQuery {
    /// 组织代码 — members of this organisation and its subtree.
    #[param(example = "LA-01", pattern = "^[A-Za-z0-9-]{1,32}$")]
    org: String,
    /// `next_after` of the previous page.
    after: Option<i64>,
    /// Page size.
    #[param(minimum = 1, maximum = 1000, default = 100)]
    limit: Option<u32>,
}

/// One page of members, in id order.
#[derive(Serialize, ToSchema)]
struct MemberPage {
    members: Vec<MemberView>,
    /// Pass as `after` for the next page; null on the last page.
    next_after: Option<i64>,
}

// The API's own type rather than `huzhu_app::members::MemberSummary`: the wire format and its
// schema belong to the web crate, and the app stays free of OpenAPI. `MemberView::of` takes the
// summary apart field by field, so a field added there does not compile until it is decided here.
/// 会员 — a member as the API shows it: ID number, phone and bank account masked.
#[derive(Serialize, ToSchema)]
pub struct MemberView {
    pub id: i64,
    /// 姓名.
    pub name: String,
    /// 身份证号, masked: `3301**********1234`.
    pub id_number: String,
    /// 性别: 男 / 女.
    pub gender: String,
    /// 出生年份 — the year only: the whole birth date beside a masked ID number gives the
    /// number back (with the unit's region code).
    pub birth_year: i32,
    /// 手机号, masked.
    pub phone: Option<String>,
    /// 所属工会代码.
    pub org: String,
    /// 在职状态, e.g. 在职.
    pub status: String,
    /// 入会日期.
    pub join_date: Option<chrono::NaiveDate>,
    /// 社保统筹地 (region code).
    pub social_security_region: Option<String>,
    /// 标签, e.g. 困难职工.
    pub tags: Vec<String>,
    /// 银行账号, masked.
    pub bank_account: Option<String>,
    /// 开户行 of the account (a branch, not personal data: whole).
    pub bank_branch: Option<String>,
    /// Row version, for optimistic updates.
    pub version: i32,
}

impl MemberView {
    fn of(m: MemberSummary) -> MemberView {
        let MemberSummary {
            id,
            name,
            id_number,
            gender,
            birth_year,
            phone,
            org,
            status,
            join_date,
            social_security_region,
            tags,
            bank_account,
            bank_branch,
            version,
        } = m;
        MemberView {
            id,
            name,
            id_number,
            gender,
            birth_year,
            phone,
            org,
            status,
            join_date,
            social_security_region,
            tags,
            bank_account,
            bank_branch,
            version,
        }
    }
}

/// 会员列表 — members of an organisation's subtree, page by page, personal data masked.
#[utoipa::path(
    get,
    path = "/api/v1/members",
    tag = "members",
    params(MemberQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "一页会员 (one page of members)", body = MemberPage),
        (status = BAD_REQUEST, description = "bad `org`, `after` or `limit`", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = NOT_FOUND, description = "no organisation `org`", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn list_members<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<MemberQuery>,
) -> Result<Json<MemberPage>, ApiError> {
    let org = org_code("org", &q.org)?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::invalid(
            "limit",
            "limit 应在1到1000之间 (limit must be 1..=1000)".into(),
        ));
    }
    let page = members_in_scope(
        &state.store,
        &actor,
        &org,
        Page {
            after: q.after.map(huzhu_app::model::MemberId),
            limit,
        },
    )
    .await?;
    let next_after = if page.len() == limit as usize {
        page.last().map(|m| m.id.0)
    } else {
        None
    };
    Ok(Json(MemberPage {
        members: page
            .iter()
            .map(|m| MemberView::of(MemberSummary::of(m)))
            .collect(),
        next_after,
    }))
}

#[cfg(test)]
mod one_door {
    //! ARCHITECTURE.md: the web layer reaches the core only through `huzhu-app`. Its manifest has
    //! no `huzhu-store` dependency (so naming the store does not compile), and no handler calls a
    //! method of the backend it holds: it hands `state.store` to a use case, which checks the
    //! actor's capability and scope.

    use std::path::Path;

    fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
        for e in std::fs::read_dir(dir).expect("src dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                sources(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).expect("source");
                out.push((p.display().to_string(), text));
            }
        }
    }

    #[test]
    fn the_manifest_does_not_depend_on_the_store() {
        let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
            .expect("manifest");
        let deps = manifest
            .split("[dependencies]")
            .nth(1)
            .and_then(|rest| rest.split("\n[").next())
            .expect("a [dependencies] table");
        assert!(deps.contains("huzhu-app"), "{deps}");
        assert!(
            !deps.contains("huzhu-store"),
            "huzhu-web depends on huzhu-store:\n{deps}"
        );
    }

    #[test]
    fn no_handler_calls_the_backend_itself() {
        let mut files = Vec::new();
        sources(
            Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
            &mut files,
        );
        assert!(files.len() > 20, "found only {} sources", files.len());
        let mut offenders = Vec::new();
        for (path, text) in &files {
            // A method called on the backend, on one line or split over several.
            let flat: String = text.split_whitespace().collect();
            let mut rest = flat.as_str();
            while let Some(i) = rest.find(".store.") {
                let after = &rest[i + ".store.".len()..];
                let name: String = after
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if name != "clone" && after[name.len()..].starts_with('(') {
                    offenders.push(format!("{path}: .store.{name}("));
                }
                rest = after;
            }
        }
        assert!(
            offenders.is_empty(),
            "calls on the backend outside huzhu-app: {offenders:#?}"
        );
    }
}
