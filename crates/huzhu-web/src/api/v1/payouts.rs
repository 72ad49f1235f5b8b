//! 支付 — payout batches: finance gathers approved claims into a batch, downloads the bank file
//! (the one place bank accounts are whole, and every download is in the audit log), and settles
//! the batch when the bank answers.

use crate::api::{route, ApiJson, ApiPath, ApiQuery};
use crate::auth::Authenticated;
use crate::error::ErrorBody;
use crate::{org_code, ApiError, AppState};
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use huzhu_app::model::{Batch, BatchId, PayoutLine};
use huzhu_app::payouts::{self, BatchView, Skipped};
use huzhu_app::Backend;
use huzhu_domain::personal::mask_middle;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes<S: Backend>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::new()
        .routes(route!(build::<S>))
        .routes(route!(list::<S>))
        .routes(route!(show::<S>))
        .routes(route!(bank_file::<S>))
        .routes(route!(settle::<S>))
}

/// 支付批次 — a payout batch.
#[derive(Serialize, ToSchema)]
pub struct BatchSummary {
    pub id: i64,
    /// The organisation whose subtree the batch pays.
    pub org: String,
    /// `open`, `paid` or `partly_failed`.
    pub status: String,
    pub lines: u32,
    pub total_fen: i64,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub settled_by: Option<String>,
    pub settled_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl BatchSummary {
    fn of(b: Batch) -> BatchSummary {
        let Batch {
            id,
            org,
            status,
            lines,
            total,
            created_by,
            created_at,
            settled_by,
            settled_at,
        } = b;
        BatchSummary {
            id: id.0,
            org,
            status,
            lines,
            total_fen: total.fen(),
            created_by,
            created_at,
            settled_by,
            settled_at,
        }
    }
}

/// One line of a batch: a claim paid to a member's account (masked here; whole only in the bank
/// file).
#[derive(Serialize, ToSchema)]
pub struct PayoutLineView {
    pub id: i64,
    pub batch: i64,
    /// The claim the line pays, or
    pub claim: Option<i64>,
    /// the programme grant it pays (docs/grants.md).
    pub grant: Option<i64>,
    pub member: i64,
    pub amount_fen: i64,
    /// 户名.
    pub account_name: String,
    /// 银行账号, masked: `6222***********1234`.
    pub bank_account: String,
    /// 开户行 of the account, when the roster gave it.
    pub bank_branch: Option<String>,
    /// `open`, `paid` or `failed`.
    pub status: String,
    /// The bank's reason, for a failed line.
    pub failure: Option<String>,
}

impl PayoutLineView {
    fn of(l: PayoutLine) -> PayoutLineView {
        let PayoutLine {
            id,
            batch,
            subject,
            member,
            amount,
            account_name,
            bank_account,
            bank_branch,
            status,
            failure,
        } = l;
        PayoutLineView {
            id,
            batch: batch.0,
            claim: subject.claim().map(|c| c.0),
            grant: subject.grant().map(|g| g.0),
            member: member.0,
            amount_fen: amount.fen(),
            account_name,
            bank_account: mask_middle(&bank_account, 4, 4),
            bank_branch,
            status,
            failure,
        }
    }
}

/// A claim left out of a new batch, and why.
#[derive(Serialize, ToSchema)]
pub struct SkippedView {
    pub claim: i64,
    pub reason: String,
}

/// A grant left out of a new batch, and why.
#[derive(Serialize, ToSchema)]
pub struct SkippedGrantView {
    pub grant: i64,
    pub reason: String,
}

/// A new batch: its lines and the claims and grants left out.
#[derive(Serialize, ToSchema)]
pub struct NewBatchView {
    pub batch: BatchSummary,
    pub lines: Vec<PayoutLineView>,
    pub skipped: Vec<SkippedView>,
    pub skipped_grants: Vec<SkippedGrantView>,
}

/// A batch with its lines.
#[derive(Serialize, ToSchema)]
pub struct BatchDetail {
    pub batch: BatchSummary,
    pub lines: Vec<PayoutLineView>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BuildBatchRequest {
    /// 组织代码 — pay the approved claims of this subtree.
    #[schema(example = "HZ", pattern = "^[A-Za-z0-9-]{1,32}$")]
    pub org: String,
}

/// 生成支付批次 — gather every approved, unpaid claim of a subtree into a batch.
#[utoipa::path(
    post,
    path = "/api/v1/payout-batches",
    tag = "payouts",
    request_body = BuildBatchRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "the batch", body = NewBatchView),
        (status = BAD_REQUEST, description = "malformed body or `org`", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not manage payouts", body = ErrorBody),
        (status = NOT_FOUND, description = "no organisation `org` in scope", body = ErrorBody),
        (status = CONFLICT, description = "no approved claims await payment", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn build<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiJson(req): ApiJson<BuildBatchRequest>,
) -> Result<(StatusCode, Json<NewBatchView>), ApiError> {
    let org = org_code("org", &req.org)?;
    let BatchView {
        batch,
        lines,
        skipped,
        skipped_grants,
    } = payouts::build_batch(&state.store, state.clock.as_ref(), &actor, &org).await?;
    Ok((
        StatusCode::CREATED,
        Json(NewBatchView {
            batch: BatchSummary::of(batch),
            lines: lines.into_iter().map(PayoutLineView::of).collect(),
            skipped: skipped
                .into_iter()
                .map(|s| {
                    let Skipped { claim, reason } = s;
                    SkippedView { claim, reason }
                })
                .collect(),
            skipped_grants: skipped_grants
                .into_iter()
                .map(|s| SkippedGrantView {
                    grant: s.grant,
                    reason: s.reason,
                })
                .collect(),
        }),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct BatchQuery {
    /// 组织代码 — batches of this subtree; the actor's own organisation when absent.
    #[param(example = "HZ", pattern = "^[A-Za-z0-9-]{1,32}$")]
    org: Option<String>,
}

/// 支付批次列表 — payout batches of a subtree, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/payout-batches",
    tag = "payouts",
    params(BatchQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "batches", body = Vec<BatchSummary>),
        (status = BAD_REQUEST, description = "bad `org`", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read payouts", body = ErrorBody),
        (status = NOT_FOUND, description = "no organisation `org` in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn list<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<BatchQuery>,
) -> Result<Json<Vec<BatchSummary>>, ApiError> {
    let org = q.org.as_deref().map(|c| org_code("org", c)).transpose()?;
    let batches = payouts::list_batches(&state.store, &actor, org.as_ref()).await?;
    Ok(Json(batches.into_iter().map(BatchSummary::of).collect()))
}

/// 支付批次 — one batch with its lines (accounts masked).
#[utoipa::path(
    get,
    path = "/api/v1/payout-batches/{id}",
    tag = "payouts",
    params(("id" = i64, Path, description = "batch id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the batch", body = BatchDetail),
        (status = BAD_REQUEST, description = "malformed id", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read payouts", body = ErrorBody),
        (status = NOT_FOUND, description = "no such batch in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn show<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<BatchDetail>, ApiError> {
    let (batch, lines) = payouts::get_batch(&state.store, &actor, BatchId(id)).await?;
    Ok(Json(BatchDetail {
        batch: BatchSummary::of(batch),
        lines: lines.into_iter().map(PayoutLineView::of).collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct BankFileQuery {
    /// `csv` (UTF-8 with BOM; default) or `xlsx`.
    #[param(example = "csv")]
    format: Option<String>,
}

/// 银行文件 — the batch's bank file, accounts whole: for finance only, and every download is
/// recorded in the audit log (`payout.bank_file`).
#[utoipa::path(
    get,
    path = "/api/v1/payout-batches/{id}/bank-file",
    tag = "payouts",
    params(("id" = i64, Path, description = "batch id"), BankFileQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the bank file, as an attachment", content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = BAD_REQUEST, description = "malformed id, unknown `format`", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not manage payouts", body = ErrorBody),
        (status = NOT_FOUND, description = "no such batch in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn bank_file<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<BankFileQuery>,
) -> Result<Response, ApiError> {
    // The use case refuses a format other than csv or xlsx, naming the field.
    let format = q.format.as_deref().unwrap_or("csv");
    let f = payouts::bank_file(
        &state.store,
        state.clock.as_ref(),
        &actor,
        BatchId(id),
        format,
    )
    .await?;
    let disposition = HeaderValue::from_str(&format!(
        "attachment; filename=\"batch-{}.{format}\"",
        f.batch.id.0
    ))
    .unwrap_or(HeaderValue::from_static("attachment"));
    Ok((
        [
            (CONTENT_TYPE, HeaderValue::from_static(f.content_type)),
            (CONTENT_DISPOSITION, disposition),
        ],
        f.bytes,
    )
        .into_response())
}

/// A line the bank did not pay, and its reason.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineFailure {
    /// The line's id.
    pub line: i64,
    #[schema(example = "账户冻结")]
    pub reason: String,
}

/// The bank's answer: every line not named in `failures` was paid.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettleRequest {
    #[serde(default)]
    pub failures: Vec<LineFailure>,
}

/// 结算 — settle an open batch: the lines not named as failed are paid (their claims move to
/// `paid`); failed lines' claims go back to the queue for the next batch. The account that built
/// the batch may not settle it (four eyes, 409).
#[utoipa::path(
    post,
    path = "/api/v1/payout-batches/{id}/settlement",
    tag = "payouts",
    params(("id" = i64, Path, description = "batch id")),
    request_body = SettleRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the settled batch", body = BatchSummary),
        (status = BAD_REQUEST, description = "malformed body, a line not in the batch (`failures`)", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not manage payouts", body = ErrorBody),
        (status = NOT_FOUND, description = "no such batch in scope", body = ErrorBody),
        (status = CONFLICT, description = "the batch is settled already, or the caller built it (four eyes: another finance account settles it)", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn settle<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<SettleRequest>,
) -> Result<Json<BatchSummary>, ApiError> {
    let failures: Vec<(i64, String)> = req
        .failures
        .into_iter()
        .map(|f| (f.line, f.reason))
        .collect();
    let batch = payouts::settle_batch(
        &state.store,
        state.clock.as_ref(),
        &actor,
        BatchId(id),
        &failures,
    )
    .await?;
    Ok(Json(BatchSummary::of(batch)))
}
