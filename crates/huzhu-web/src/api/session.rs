//! `POST /api/v1/session` (sign in), `GET` (who am I), `DELETE` (sign out).

use crate::api::{route, ApiJson};
use crate::auth::{session_token, sign_in, Authenticated, ClientIp, SESSION_COOKIE};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use huzhu_app::accounts::{self, SESSION_ABSOLUTE};
use huzhu_app::Backend;
use huzhu_app::{AppError, AuthFailure};
use huzhu_domain::access::Actor;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

/// The session routes, documented.
pub(crate) fn routes<S: Backend>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::new()
        .routes(route!(create::<S>))
        .routes(route!(show))
        .routes(route!(delete::<S>))
}

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct ActorView {
    pub username: String,
    pub display_name: String,
    pub role: &'static str,
    pub role_label: &'static str,
    pub org: String,
    pub member_id: Option<i64>,
}

impl ActorView {
    pub fn of(a: &Actor) -> ActorView {
        ActorView {
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            role: a.role.code(),
            role_label: a.role.label_zh(),
            org: a.org.to_string(),
            member_id: a.member_id,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SessionView {
    pub token: String,
    pub actor: ActorView,
}

pub(crate) fn cookie(
    state_secure: bool,
    value: &str,
    max_age: i64,
) -> Result<HeaderValue, ApiError> {
    let secure = if state_secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}"
    ))
    .map_err(|_| ApiError::invalid("token", "会话令牌无效 (bad session token)".into()))
}

/// 登录 — sign in with a username and password; answers a bearer token and sets the session cookie.
#[utoipa::path(
    post,
    path = "/api/v1/session",
    tag = "session",
    request_body = LoginRequest,
    responses(
        (status = OK, description = "signed in", body = SessionView),
        (status = BAD_REQUEST, description = "malformed body, naming the field", body = ErrorBody),
        (status = UNAUTHORIZED, description = "wrong username or password", body = ErrorBody),
        (status = TOO_MANY_REQUESTS, description = "too many failed sign-ins for the account (or far too many from the address)", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error", body = ErrorBody),
    )
)]
pub(crate) async fn create<S: Backend>(
    State(state): State<AppState<S>>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let (token, actor) = sign_in(&state, &req.username, &req.password, ip).await?;
    let set_cookie = cookie(state.secure_cookies, &token, SESSION_ABSOLUTE.num_seconds())?;
    let body = SessionView {
        token,
        actor: ActorView::of(&actor),
    };
    Ok(([(SET_COOKIE, set_cookie)], Json(body)).into_response())
}

/// 当前用户 — who the session belongs to.
#[utoipa::path(
    get,
    path = "/api/v1/session",
    tag = "session",
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the signed-in actor", body = ActorView),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
    )
)]
pub async fn show(Authenticated(actor): Authenticated) -> Json<ActorView> {
    Json(ActorView::of(&actor))
}

/// 退出 — sign out: the token stops working and the cookie is cleared.
#[utoipa::path(
    delete,
    path = "/api/v1/session",
    tag = "session",
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = NO_CONTENT, description = "signed out"),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error", body = ErrorBody),
    )
)]
pub async fn delete<S: Backend>(
    State(state): State<AppState<S>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let token = session_token(&headers).ok_or(AppError::Unauthenticated(AuthFailure::NoSession))?;
    accounts::actor_for_token(&state.store, state.clock.as_ref(), &token).await?;
    accounts::logout(&state.store, state.clock.as_ref(), &token).await?;
    let clear = cookie(state.secure_cookies, "", 0)?;
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, clear)]).into_response())
}
