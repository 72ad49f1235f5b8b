//! huzhu's HTTP server. For now: a health route, sign-in ([`api::session`]), the organisation
//! tree and member lists as JSON within the signed-in actor's scope ([`auth::Authenticated`]),
//! and a plain Chinese front page; the console and the full API are their own issues.
//! Generic over the store; errors become responses in exactly one place ([`error`]).

pub mod api;
pub mod auth;
mod error;

use auth::Authenticated;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::{Json, Router};
use huzhu_app::access::{members_in_scope, orgs_in_scope};
use huzhu_app::members::MemberSummary;
use huzhu_app::Clock;
use huzhu_domain::org::OrgCode;
use huzhu_store::AccountStore;
use huzhu_store::{Org, Page, Store};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub use error::ApiError;

#[derive(Clone)]
pub struct AppState<S> {
    pub store: S,
    pub clock: Arc<dyn Clock + Send + Sync>,
    /// Mark the session cookie `Secure` (serve behind HTTPS).
    pub secure_cookies: bool,
    pub login_limiter: Arc<auth::LoginLimiter>,
}

impl<S> AppState<S> {
    pub fn new(store: S, clock: Arc<dyn Clock + Send + Sync>) -> AppState<S> {
        AppState {
            store,
            clock,
            secure_cookies: false,
            login_limiter: Arc::default(),
        }
    }
}

/// All routes of the server, with default settings.
pub fn router<S: Store + AccountStore>(store: S, clock: Arc<dyn Clock + Send + Sync>) -> Router {
    router_with(AppState::new(store, clock))
}

/// All routes of the server. `/` and `/health` are public; everything under `/api/v1` but
/// `POST /api/v1/session` needs a session and answers within the actor's scope.
pub fn router_with<S: Store + AccountStore>(state: AppState<S>) -> Router {
    Router::new()
        .route("/", get(home::<S>))
        .route("/health", get(health::<S>))
        .route(
            "/api/v1/session",
            get(api::session::show)
                .post(api::session::create::<S>)
                .delete(api::session::delete::<S>),
        )
        .route("/api/v1/orgs", get(list_orgs::<S>))
        .route("/api/v1/members", get(list_members::<S>))
        .with_state(state)
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    backend: &'static str,
    version: &'static str,
}

async fn health<S: Store>(State(state): State<AppState<S>>) -> Json<Health> {
    Json(Health {
        status: "ok",
        backend: state.store.backend().name(),
        version: env!("CARGO_PKG_VERSION"),
    })
}

#[derive(Deserialize)]
struct OrgQuery {
    under: Option<String>,
}

#[derive(Serialize)]
pub struct OrgView {
    pub code: String,
    pub name: String,
    pub parent: Option<String>,
    pub level: u8,
    pub level_name: &'static str,
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

fn org_code(field: &str, raw: &str) -> Result<OrgCode, ApiError> {
    OrgCode::parse(raw).map_err(|e| ApiError::invalid(field, e.to_string()))
}

/// The subtree under `under` (default: the actor's own org); for a member, their own chain.
async fn list_orgs<S: Store + AccountStore>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    Query(q): Query<OrgQuery>,
) -> Result<Json<Vec<OrgView>>, ApiError> {
    let under = q
        .under
        .as_deref()
        .map(|c| org_code("under", c))
        .transpose()?;
    let orgs = orgs_in_scope(&state.store, &actor, under.as_ref()).await?;
    Ok(Json(orgs.iter().map(OrgView::of).collect()))
}

#[derive(Deserialize)]
struct MemberQuery {
    org: String,
    after: Option<i64>,
    limit: Option<u32>,
}

#[derive(Serialize)]
struct MemberPage {
    members: Vec<MemberSummary>,
    /// Pass as `after` for the next page; absent on the last page.
    next_after: Option<i64>,
}

/// Members under `org` within the actor's scope; a member sees only themselves.
async fn list_members<S: Store + AccountStore>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    Query(q): Query<MemberQuery>,
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
            after: q.after.map(huzhu_store::MemberId),
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
        members: page.iter().map(MemberSummary::of).collect(),
        next_after,
    }))
}

async fn home<S: Store>(State(state): State<AppState<S>>) -> Result<impl IntoResponse, ApiError> {
    let orgs = state.store.orgs_under(None).await?;
    let mut rows = String::new();
    for o in &orgs {
        let indent = "　".repeat(o.level as usize - 1);
        rows.push_str(&format!(
            "<tr><td>{indent}{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            escape(o.code.as_str()),
            escape(&o.name),
            o.level.label_zh(),
            o.region
        ));
    }
    Ok(Html(format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>互助 huzhu · 职工医疗互助保障</title></head><body>\
         <h1>互助 · 职工医疗互助保障</h1><p>组织 {} 个 (organisations)</p>\
         <table><thead><tr><th>代码</th><th>名称</th><th>层级</th><th>行政区划</th></tr></thead>\
         <tbody>{rows}</tbody></table></body></html>",
        orgs.len()
    )))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
