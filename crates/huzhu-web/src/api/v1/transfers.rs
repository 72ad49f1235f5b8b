//! 会员调动 — transfer requests between units (issue 14): the receiving unit's officer requests,
//! the giving side (or a federation above both units) confirms or refuses. The request's answer
//! never tells whether the person exists; ID numbers are masked here like in every list.

use super::decision::RefusalRequest;
use crate::api::{route, ApiJson, ApiPath, ApiQuery};
use crate::auth::Authenticated;
use crate::error::ErrorBody;
use crate::{org_code, ApiError, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use huzhu_app::model::Decision;
use huzhu_app::transfers::{self, RequestView, TransferInput, TransferView};
use huzhu_app::Backend;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes<S: Backend>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::new()
        .routes(route!(create::<S>))
        .routes(route!(list::<S>))
        .routes(route!(mine::<S>))
        .routes(route!(confirm::<S>))
        .routes(route!(refuse::<S>))
}

/// 调动申请 — what the receiving unit's officer sends.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTransferRequest {
    /// 身份证号
    #[schema(example = "330112199001010011")]
    pub id_number: String,
    /// 姓名
    #[schema(pattern = "\\S")]
    pub name: String,
    /// 调入单位 — a grassroots unit in the actor's subtree.
    #[schema(example = "LA-01-001", pattern = "^[A-Za-z0-9-]{1,32}$")]
    pub to: String,
    /// 调动理由
    #[schema(pattern = "\\S", max_length = 200)]
    pub reason: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct PendingQuery {
    /// 组织代码 — requests this subtree decides; the actor's own organisation when absent.
    #[param(example = "SC", pattern = "^[A-Za-z0-9-]{1,32}$")]
    org: Option<String>,
}

/// 申请调入会员 — the same pending answer whether or not the person exists.
#[utoipa::path(
    post,
    path = "/api/v1/transfers",
    tag = "members",
    request_body = CreateTransferRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "the pending request", body = RequestView),
        (status = BAD_REQUEST, description = "malformed body; `field` names which", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not manage the roster", body = ErrorBody),
        (status = NOT_FOUND, description = "no unit `to` in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn create<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiJson(req): ApiJson<CreateTransferRequest>,
) -> Result<(StatusCode, Json<RequestView>), ApiError> {
    let to = org_code("to", &req.to)?;
    let input = TransferInput {
        id_number: &req.id_number,
        name: &req.name,
        to: &to,
        reason: &req.reason,
    };
    let done = transfers::request(&state.store, state.clock.as_ref(), &actor, &input).await?;
    Ok((StatusCode::CREATED, Json(done)))
}

/// 待处理的调动申请 — pending requests the actor may confirm or refuse, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/transfers",
    tag = "members",
    params(PendingQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "pending requests", body = Vec<TransferView>),
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
) -> Result<Json<Vec<TransferView>>, ApiError> {
    let org = q.org.as_deref().map(|c| org_code("org", c)).transpose()?;
    let list = transfers::pending(&state.store, &actor, org.as_ref()).await?;
    Ok(Json(list))
}

/// 我的调动申请 — the actor's own requests and their states, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/transfers/mine",
    tag = "members",
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the actor's requests", body = Vec<RequestView>),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not manage the roster", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn mine<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
) -> Result<Json<Vec<RequestView>>, ApiError> {
    let list = transfers::mine(&state.store, &actor).await?;
    Ok(Json(list))
}

/// 确认调动 — the member moves to the receiving unit (audited under both units).
#[utoipa::path(
    post,
    path = "/api/v1/transfers/{id}/confirm",
    tag = "members",
    params(("id" = i64, Path, description = "request id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the confirmed request", body = TransferView),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not manage the roster", body = ErrorBody),
        (status = NOT_FOUND, description = "no such request for the actor to decide", body = ErrorBody),
        (status = CONFLICT, description = "the actor requested it, it is decided already, it matched no member, or the member changed unit since", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn confirm<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<TransferView>, ApiError> {
    let done = transfers::decide(
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

/// 拒绝调动 — the member stays; the requester sees the reason.
#[utoipa::path(
    post,
    path = "/api/v1/transfers/{id}/refuse",
    tag = "members",
    params(("id" = i64, Path, description = "request id")),
    request_body = RefusalRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the refused request", body = TransferView),
        (status = BAD_REQUEST, description = "no reason, or a malformed body", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not manage the roster", body = ErrorBody),
        (status = NOT_FOUND, description = "no such request for the actor to decide", body = ErrorBody),
        (status = CONFLICT, description = "the actor requested it, or it is decided already", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn refuse<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<RefusalRequest>,
) -> Result<Json<TransferView>, ApiError> {
    let done = transfers::decide(
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
