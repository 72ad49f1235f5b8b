//! 疗休养 — recuperation (SPEC 7.9; docs/recuperation.md): bases admitted with their discount,
//! reviewed (renewed or removed), lapsed when unrenewed; batches with places and unit quotas;
//! members' sign-ups (never more than the places) and cancellations; spend; figures by region
//! and base as JSON or a workbook.

use super::stats::DashboardView;
use crate::api::{route, ApiJson, ApiPath, ApiQuery};
use crate::auth::Authenticated;
use crate::error::ErrorBody;
use crate::{org_code, ApiError, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use huzhu_app::model::{Base, RecuperationBatch as Batch, SignUp, Spend};
use huzhu_app::recuperation;
use huzhu_app::Backend;
use huzhu_domain::recuperation::BaseStep;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes<S: Backend>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::new()
        .routes(route!(admit::<S>))
        .routes(route!(bases::<S>))
        .routes(route!(base::<S>))
        .routes(route!(review::<S>))
        .routes(route!(create_batch::<S>))
        .routes(route!(batches::<S>))
        .routes(route!(batch::<S>))
        .routes(route!(sign_up::<S>))
        .routes(route!(sign_ups::<S>))
        .routes(route!(cancel::<S>))
        .routes(route!(spend::<S>))
        .routes(route!(figures::<S>))
        .routes(route!(figures_xlsx::<S>))
}

/// A recuperation base 疗休养基地.
#[derive(Serialize, ToSchema)]
pub struct BaseBody {
    pub id: i64,
    /// The org that admitted it.
    pub org: String,
    pub org_name: String,
    pub name: String,
    pub region: String,
    /// 对口协作地区
    pub partner_region: bool,
    /// Off the list price, basis points (2000 = 20%).
    pub discount_bp: i64,
    pub admitted_on: NaiveDate,
    pub valid_until: NaiveDate,
    /// `admitted`, `lapsed` (its end date passed unrenewed, as of today) or `removed`.
    pub state: String,
    pub state_label: String,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
}

impl BaseBody {
    fn of(b: Base) -> BaseBody {
        BaseBody {
            id: b.id,
            org: b.org,
            org_name: b.org_name,
            name: b.name,
            region: b.region,
            partner_region: b.partner_region,
            discount_bp: b.discount_bp,
            admitted_on: b.admitted_on,
            valid_until: b.valid_until,
            state: b.state.code().into(),
            state_label: format!("{} ({})", b.state.label_zh(), b.state.label_en()),
            reviewed_by: b.reviewed_by,
            reviewed_at: b.reviewed_at,
            reason: b.reason,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct QuotaBody {
    pub org: String,
    pub org_name: String,
    pub quota: i64,
    pub taken: i64,
}

/// A batch 疗休养批次.
#[derive(Serialize, ToSchema)]
pub struct BatchBody {
    pub id: i64,
    /// The org that runs it.
    pub org: String,
    pub org_name: String,
    pub base: i64,
    pub base_name: String,
    pub name: String,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub capacity: i64,
    /// Live sign-ups.
    pub taken: i64,
    pub lodging_fen: i64,
    pub transport_fen: i64,
    pub purchases_fen: i64,
    pub quotas: Vec<QuotaBody>,
}

impl BatchBody {
    fn of(b: Batch) -> BatchBody {
        BatchBody {
            id: b.id,
            org: b.org,
            org_name: b.org_name,
            base: b.base_id,
            base_name: b.base_name,
            name: b.name,
            start_on: b.start_on,
            end_on: b.end_on,
            capacity: b.capacity,
            taken: b.taken,
            lodging_fen: b.lodging_fen,
            transport_fen: b.transport_fen,
            purchases_fen: b.purchases_fen,
            quotas: b
                .quotas
                .into_iter()
                .map(|q| QuotaBody {
                    org: q.org,
                    org_name: q.org_name,
                    quota: q.quota,
                    taken: q.taken,
                })
                .collect(),
        }
    }
}

/// A member's sign-up.
#[derive(Serialize, ToSchema)]
pub struct SignUpBody {
    pub id: i64,
    pub batch: i64,
    pub member: i64,
    pub member_name: String,
    /// The member's unit when they signed up.
    pub org: String,
    pub org_name: String,
    pub start_on: NaiveDate,
    /// `signed_up` or `cancelled`.
    pub state: String,
    pub signed_by: String,
    pub signed_at: DateTime<Utc>,
    pub cancelled_by: Option<String>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
}

impl SignUpBody {
    fn of(s: SignUp) -> SignUpBody {
        SignUpBody {
            id: s.id,
            batch: s.batch_id,
            member: s.member_id,
            member_name: s.member_name,
            org: s.org,
            org_name: s.org_name,
            start_on: s.start_on,
            state: s.state.code().into(),
            signed_by: s.signed_by,
            signed_at: s.signed_at,
            cancelled_by: s.cancelled_by,
            cancelled_at: s.cancelled_at,
            reason: s.reason,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdmitBaseBody {
    #[schema(example = "千岛湖职工疗休养基地", pattern = "\\S", max_length = 200)]
    pub name: String,
    #[schema(example = "淳安", pattern = "\\S", max_length = 200)]
    pub region: String,
    #[serde(default)]
    pub partner_region: bool,
    /// At least 2000 (20%).
    #[schema(example = 2500, maximum = 10000, minimum = 2000)]
    pub discount_bp: u32,
    /// Today when absent.
    pub admitted_on: Option<NaiveDate>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    /// `renew` or `remove`.
    #[schema(example = "renew", pattern = "^(renew|remove)$")]
    pub step: String,
    #[schema(pattern = "\\S", max_length = 200)]
    pub reason: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuotaInput {
    #[schema(pattern = "^[A-Za-z0-9-]{1,32}$")]
    pub org: String,
    pub quota: i64,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBatchBody {
    pub base: i64,
    #[schema(pattern = "\\S", max_length = 200)]
    pub name: String,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    #[schema(minimum = 1, maximum = 10000)]
    pub capacity: i64,
    #[serde(default)]
    pub quotas: Vec<QuotaInput>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignUpInput {
    pub member: i64,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelBody {
    #[schema(pattern = "\\S", max_length = 200)]
    pub reason: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpendBody {
    #[schema(minimum = 0, maximum = 10_000_000_000_i64)]
    pub lodging_fen: i64,
    #[schema(minimum = 0, maximum = 10_000_000_000_i64)]
    pub transport_fen: i64,
    #[schema(minimum = 0, maximum = 10_000_000_000_i64)]
    pub purchases_fen: i64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct BatchQuery {
    /// Only the batches of this base.
    base: Option<i64>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct FiguresQuery {
    /// 组织代码 — this org's subtree; the actor's own organisation when absent.
    #[param(pattern = "^[A-Za-z0-9-]{1,32}$")]
    org: Option<String>,
    /// Batches starting from this day; 1 January of `to`'s year when absent.
    from: Option<NaiveDate>,
    /// Batches starting up to this day; today when absent.
    to: Option<NaiveDate>,
}

/// 基地认定 — admits a base (at least 20% off) for two years.
#[utoipa::path(
    post,
    path = "/api/v1/recuperation/bases",
    tag = "recuperation",
    request_body = AdmitBaseBody,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "the base", body = BaseBody),
        (status = BAD_REQUEST, description = "a discount below 20%, a missing name or region; `field` names it", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not admit bases", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn admit<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiJson(req): ApiJson<AdmitBaseBody>,
) -> Result<(StatusCode, Json<BaseBody>), ApiError> {
    let b = recuperation::admit_base(
        &state.store,
        state.clock.as_ref(),
        &actor,
        recuperation::AdmitBase {
            name: req.name,
            region: req.region,
            partner_region: req.partner_region,
            discount_bp: req.discount_bp,
            admitted_on: req.admitted_on,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(BaseBody::of(b))))
}

/// 基地列表 — the bases of the actor's subtree and of the orgs above it, with today's state.
#[utoipa::path(
    get,
    path = "/api/v1/recuperation/bases",
    tag = "recuperation",
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "bases, newest first", body = Vec<BaseBody>),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read recuperation", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn bases<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
) -> Result<Json<Vec<BaseBody>>, ApiError> {
    let list = recuperation::bases(&state.store, state.clock.as_ref(), &actor).await?;
    Ok(Json(list.into_iter().map(BaseBody::of).collect()))
}

/// 基地详情
#[utoipa::path(
    get,
    path = "/api/v1/recuperation/bases/{id}",
    tag = "recuperation",
    params(("id" = i64, Path, description = "base id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the base", body = BaseBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read recuperation", body = ErrorBody),
        (status = NOT_FOUND, description = "no such base in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn base<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<BaseBody>, ApiError> {
    let b = recuperation::base(&state.store, state.clock.as_ref(), &actor, id).await?;
    Ok(Json(BaseBody::of(b)))
}

/// 基地复审 — renew (two more years from the end date) or remove, with the reason.
#[utoipa::path(
    post,
    path = "/api/v1/recuperation/bases/{id}/review",
    tag = "recuperation",
    params(("id" = i64, Path, description = "base id")),
    request_body = ReviewBody,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the base after the review", body = BaseBody),
        (status = BAD_REQUEST, description = "an unknown step or a missing reason", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not review bases", body = ErrorBody),
        (status = NOT_FOUND, description = "no such base in the actor's subtree", body = ErrorBody),
        (status = CONFLICT, description = "the step is illegal in the base's state (a lapsed base is not renewed, a removed one takes no step)", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn review<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ReviewBody>,
) -> Result<Json<BaseBody>, ApiError> {
    let step = BaseStep::parse(&req.step).ok_or_else(|| {
        ApiError::invalid(
            "step",
            format!(
                "未知的复审结果“{}” (step must be renew or remove)",
                req.step
            ),
        )
    })?;
    let b = recuperation::review_base(
        &state.store,
        state.clock.as_ref(),
        &actor,
        id,
        step,
        &req.reason,
    )
    .await?;
    Ok(Json(BaseBody::of(b)))
}

/// 安排批次 — a batch at an admitted base, with places and optional unit quotas.
#[utoipa::path(
    post,
    path = "/api/v1/recuperation/batches",
    tag = "recuperation",
    request_body = CreateBatchBody,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "the batch", body = BatchBody),
        (status = BAD_REQUEST, description = "bad dates, capacity or quota; `field` names it", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not schedule batches", body = ErrorBody),
        (status = NOT_FOUND, description = "no such base, or a quota's org, in scope", body = ErrorBody),
        (status = CONFLICT, description = "the base is lapsed or removed, or the batch runs past its term", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn create_batch<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiJson(req): ApiJson<CreateBatchBody>,
) -> Result<(StatusCode, Json<BatchBody>), ApiError> {
    let b = recuperation::create_batch(
        &state.store,
        state.clock.as_ref(),
        &actor,
        recuperation::NewBatchInput {
            base_id: req.base,
            name: req.name,
            start_on: req.start_on,
            end_on: req.end_on,
            capacity: req.capacity,
            quotas: req.quotas.into_iter().map(|q| (q.org, q.quota)).collect(),
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(BatchBody::of(b))))
}

/// 批次列表 — the batches the actor's office sees (of one base when named).
#[utoipa::path(
    get,
    path = "/api/v1/recuperation/batches",
    tag = "recuperation",
    params(BatchQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "batches, latest start first", body = Vec<BatchBody>),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read recuperation", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn batches<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<BatchQuery>,
) -> Result<Json<Vec<BatchBody>>, ApiError> {
    let list = recuperation::batches(&state.store, &actor, q.base).await?;
    Ok(Json(list.into_iter().map(BatchBody::of).collect()))
}

/// 批次详情 — with its quotas.
#[utoipa::path(
    get,
    path = "/api/v1/recuperation/batches/{id}",
    tag = "recuperation",
    params(("id" = i64, Path, description = "batch id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the batch", body = BatchBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read recuperation", body = ErrorBody),
        (status = NOT_FOUND, description = "no such batch in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn batch<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<BatchBody>, ApiError> {
    let b = recuperation::batch(&state.store, &actor, id).await?;
    Ok(Json(BatchBody::of(b)))
}

/// 报名 — signs a member of the actor's subtree up: the base admitted today, the batch not
/// started, the member in service and without another recuperation within two years, within
/// the unit's quota and the batch's places (never more participants than places).
#[utoipa::path(
    post,
    path = "/api/v1/recuperation/batches/{id}/signups",
    tag = "recuperation",
    params(("id" = i64, Path, description = "batch id")),
    request_body = SignUpInput,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "the sign-up", body = SignUpBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not sign members up", body = ErrorBody),
        (status = NOT_FOUND, description = "no such batch or member in scope", body = ErrorBody),
        (status = CONFLICT, description = "refused, in words: the batch is full, the unit's quota is taken, the base is lapsed or removed, the member is not in service or took part within two years, or is signed up already", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn sign_up<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<SignUpInput>,
) -> Result<(StatusCode, Json<SignUpBody>), ApiError> {
    let s =
        recuperation::sign_up(&state.store, state.clock.as_ref(), &actor, id, req.member).await?;
    Ok((StatusCode::CREATED, Json(SignUpBody::of(s))))
}

/// 报名名单 — the batch's sign-ups from the actor's subtree.
#[utoipa::path(
    get,
    path = "/api/v1/recuperation/batches/{id}/signups",
    tag = "recuperation",
    params(("id" = i64, Path, description = "batch id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "sign-ups, in order", body = Vec<SignUpBody>),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read recuperation", body = ErrorBody),
        (status = NOT_FOUND, description = "no such batch in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn sign_ups<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<SignUpBody>>, ApiError> {
    let list = recuperation::sign_ups(&state.store, &actor, id).await?;
    Ok(Json(list.into_iter().map(SignUpBody::of).collect()))
}

/// 取消报名 — frees the place, with the reason.
#[utoipa::path(
    post,
    path = "/api/v1/recuperation/signups/{id}/cancel",
    tag = "recuperation",
    params(("id" = i64, Path, description = "sign-up id")),
    request_body = CancelBody,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the cancelled sign-up", body = SignUpBody),
        (status = BAD_REQUEST, description = "a missing reason", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not cancel sign-ups", body = ErrorBody),
        (status = NOT_FOUND, description = "no such sign-up in scope", body = ErrorBody),
        (status = CONFLICT, description = "the sign-up is cancelled already", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn cancel<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<CancelBody>,
) -> Result<Json<SignUpBody>, ApiError> {
    let s =
        recuperation::cancel_sign_up(&state.store, state.clock.as_ref(), &actor, id, &req.reason)
            .await?;
    Ok(Json(SignUpBody::of(s)))
}

/// 批次支出 — lodging, transport and local purchases, fen (replacing what was recorded).
#[utoipa::path(
    put,
    path = "/api/v1/recuperation/batches/{id}/spend",
    tag = "recuperation",
    params(("id" = i64, Path, description = "batch id")),
    request_body = SpendBody,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the batch", body = BatchBody),
        (status = BAD_REQUEST, description = "a negative or too large amount; `field` names it", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not record spend", body = ErrorBody),
        (status = NOT_FOUND, description = "no such batch in the actor's subtree", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn spend<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<SpendBody>,
) -> Result<Json<BatchBody>, ApiError> {
    let b = recuperation::record_spend(
        &state.store,
        state.clock.as_ref(),
        &actor,
        id,
        Spend {
            lodging_fen: req.lodging_fen,
            transport_fen: req.transport_fen,
            purchases_fen: req.purchases_fen,
        },
    )
    .await?;
    Ok(Json(BatchBody::of(b)))
}

async fn build<S: Backend>(
    state: &AppState<S>,
    actor: &huzhu_domain::access::Actor,
    q: &FiguresQuery,
) -> Result<huzhu_app::stats::Dashboard, ApiError> {
    let org = q
        .org
        .as_deref()
        .map(|raw| org_code("org", raw))
        .transpose()?;
    let to = q.to.unwrap_or_else(|| state.clock.today());
    let from = q
        .from
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(to.year(), 1, 1).unwrap_or(to));
    Ok(recuperation::figures(&state.store, actor, org.as_ref(), from, to).await?)
}

/// 疗休养统计 — batches, participants and spend by region (the orgs under `org`) and by base,
/// for batches starting within the period.
#[utoipa::path(
    get,
    path = "/api/v1/stats/recuperation",
    tag = "stats",
    params(FiguresQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the tables; `policy` holds the period", body = DashboardView),
        (status = BAD_REQUEST, description = "malformed org code or date, or `from` after `to`", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read recuperation", body = ErrorBody),
        (status = NOT_FOUND, description = "no such org in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn figures<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<FiguresQuery>,
) -> Result<Json<DashboardView>, ApiError> {
    Ok(Json(DashboardView::of(build(&state, &actor, &q).await?)))
}

/// 疗休养统计导出 — the same tables as an Excel workbook.
#[utoipa::path(
    get,
    path = "/api/v1/stats/recuperation.xlsx",
    tag = "stats",
    params(FiguresQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the workbook, as an attachment", content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = BAD_REQUEST, description = "malformed org code or date, or `from` after `to`", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read recuperation", body = ErrorBody),
        (status = NOT_FOUND, description = "no such org in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn figures_xlsx<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<FiguresQuery>,
) -> Result<Response, ApiError> {
    let d = build(&state, &actor, &q).await?;
    super::stats::workbook_response(&d, "recuperation-stats")
}
