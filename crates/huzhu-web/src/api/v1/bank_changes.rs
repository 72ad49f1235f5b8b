//! 银行账号变更 — changes of members' bank accounts waiting for a second person (issue 14): a
//! roster import proposes, another account with the member's unit in scope confirms or refuses
//! with a reason ([`super::decision`]). Accounts are masked here like in every list.

use super::decision::RefusalRequest;
use crate::api::{route, ApiJson, ApiPath, ApiQuery};
use crate::auth::Authenticated;
use crate::error::ErrorBody;
use crate::{org_code, ApiError, AppState};
use axum::extract::State;
use axum::Json;
use huzhu_app::bank_changes::{self, BankChangeView};
use huzhu_app::model::Decision;
use huzhu_app::Backend;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes<S: Backend>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::new()
        .routes(route!(list::<S>))
        .routes(route!(confirm::<S>))
        .routes(route!(refuse::<S>))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct PendingQuery {
    /// 组织代码 — changes of members of this subtree; the actor's own organisation when absent.
    #[param(example = "LA", pattern = "^[A-Za-z0-9-]{1,32}$")]
    org: Option<String>,
}

/// 待确认的银行账号变更 — pending changes of members in a subtree, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/bank-changes",
    tag = "members",
    params(PendingQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "pending changes", body = Vec<BankChangeView>),
        (status = BAD_REQUEST, description = "bad `org`", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not manage the roster", body = ErrorBody),
        (status = NOT_FOUND, description = "no organisation `org` in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn list<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<PendingQuery>,
) -> Result<Json<Vec<BankChangeView>>, ApiError> {
    let org = q.org.as_deref().map(|c| org_code("org", c)).transpose()?;
    let changes = bank_changes::pending(&state.store, &actor, org.as_ref()).await?;
    Ok(Json(changes))
}

/// 确认银行账号变更 — the member's payouts go to the new account from now on (audited).
#[utoipa::path(
    post,
    path = "/api/v1/bank-changes/{id}/confirm",
    tag = "members",
    params(("id" = i64, Path, description = "change id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the confirmed change", body = BankChangeView),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not manage the roster", body = ErrorBody),
        (status = NOT_FOUND, description = "no such pending change in scope", body = ErrorBody),
        (status = CONFLICT, description = "the actor proposed it, or the account changed since", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn confirm<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<BankChangeView>, ApiError> {
    let done = bank_changes::decide(
        &state.store,
        state.clock.as_ref(),
        &actor,
        id,
        Decision::Confirm,
        None,
    )
    .await?;
    Ok(Json(done))
}

/// 驳回银行账号变更 — the member keeps the account payouts use; the reason is kept (audited).
#[utoipa::path(
    post,
    path = "/api/v1/bank-changes/{id}/refuse",
    tag = "members",
    params(("id" = i64, Path, description = "change id")),
    request_body = RefusalRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the rejected change", body = BankChangeView),
        (status = BAD_REQUEST, description = "no reason, or a malformed body", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not manage the roster", body = ErrorBody),
        (status = NOT_FOUND, description = "no such pending change in scope", body = ErrorBody),
        (status = CONFLICT, description = "the actor proposed it", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn refuse<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<RefusalRequest>,
) -> Result<Json<BankChangeView>, ApiError> {
    let done = bank_changes::decide(
        &state.store,
        state.clock.as_ref(),
        &actor,
        id,
        Decision::Refuse,
        Some(&req.reason),
    )
    .await?;
    Ok(Json(done))
}
