//! 春风行动 — donations, receipts and donors (SPEC 7.5; docs/donations.md): window staff record
//! a gift and get its receipt in the same answer; an expected bank transfer is confirmed when
//! the money is in; a receipt is voided with a reason and reissued; donors and their yearly
//! totals; the public thank-you list (no sign-in).

use crate::api::{route, ApiJson, ApiPath, ApiQuery};
use crate::auth::Authenticated;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use huzhu_app::donation::{self, DonationRequest, DonorHistory, ThanksLine};
use huzhu_app::model::{Donation, DonationFilter, Donor, DonorSummary, Receipt};
use huzhu_app::Backend;
use huzhu_domain::donation::{amount_in_capitals, DonationState};
use huzhu_domain::org::OrgCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes<S: Backend>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::new()
        .routes(route!(create::<S>))
        .routes(route!(list::<S>))
        .routes(route!(show::<S>))
        .routes(route!(receive::<S>))
        .routes(route!(by_receipt::<S>))
        .routes(route!(void::<S>))
        .routes(route!(donors::<S>))
        .routes(route!(donor::<S>))
        .routes(route!(thanks::<S>))
}

/// 捐赠人 (phone and account masked).
#[derive(Serialize, ToSchema)]
pub struct DonorBody {
    pub id: i64,
    /// `person`, `anonymous` or `organisation`.
    pub kind: String,
    pub name: String,
    pub member_id: Option<i64>,
    /// Masked.
    pub phone: Option<String>,
    /// Masked.
    pub bank_account: Option<String>,
    /// May be named on the thank-you list.
    pub consent: bool,
}

impl DonorBody {
    fn of(d: Donor) -> DonorBody {
        DonorBody {
            id: d.id,
            kind: d.kind.code().into(),
            name: d.name,
            member_id: d.member_id,
            phone: d.phone,
            bank_account: d.bank_account,
            consent: d.consent,
        }
    }
}

/// 捐赠收据.
#[derive(Serialize, ToSchema)]
pub struct ReceiptBody {
    pub id: i64,
    /// `CF2026-000001`.
    pub number: String,
    pub amount_fen: i64,
    /// 大写金额.
    pub amount_in_capitals: String,
    /// `issued` or `voided`.
    pub state: String,
    /// The voided receipt this one reissues.
    pub replaces: Option<String>,
    pub void_reason: Option<String>,
    pub voided_by: Option<String>,
    pub voided_at: Option<DateTime<Utc>>,
    pub issued_by: String,
    pub issued_at: DateTime<Utc>,
}

impl ReceiptBody {
    fn of(r: Receipt) -> ReceiptBody {
        ReceiptBody {
            id: r.id,
            number: r.number,
            amount_fen: r.amount.fen(),
            amount_in_capitals: amount_in_capitals(r.amount),
            state: r.state.code().into(),
            replaces: r.replaces,
            void_reason: r.void_reason,
            voided_by: r.voided_by,
            voided_at: r.voided_at,
            issued_by: r.issued_by,
            issued_at: r.issued_at,
        }
    }
}

/// 捐赠.
#[derive(Serialize, ToSchema)]
pub struct DonationBody {
    pub id: i64,
    /// The recording org.
    pub org: String,
    pub org_name: String,
    pub donor: DonorBody,
    /// `cash`, `card`, `bank_transfer` or `online`.
    pub channel: String,
    pub amount_fen: i64,
    pub date: NaiveDate,
    /// Restricted to this programme.
    pub programme: Option<String>,
    /// `expected` (a bank transfer awaiting its money) or `received`.
    pub state: String,
    pub reference: Option<String>,
    pub note: Option<String>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    /// The receipt in force.
    pub receipt: Option<String>,
    /// Every receipt, oldest first (voided ones kept).
    pub receipts: Vec<ReceiptBody>,
}

impl DonationBody {
    pub(crate) fn of(d: Donation) -> DonationBody {
        DonationBody {
            receipt: d.receipt().map(|r| r.number.clone()),
            id: d.id,
            org: d.org.to_string(),
            org_name: d.org_name,
            donor: DonorBody::of(d.donor),
            channel: d.channel.code().into(),
            amount_fen: d.amount.fen(),
            date: d.on,
            programme: d.programme,
            state: d.state.code().into(),
            reference: d.reference,
            note: d.note,
            recorded_by: d.recorded_by,
            recorded_at: d.recorded_at,
            receipts: d.receipts.into_iter().map(ReceiptBody::of).collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct DonorSummaryBody {
    pub donor: DonorBody,
    pub gifts: i64,
    /// Received, fen.
    pub total_fen: i64,
    pub last_date: Option<NaiveDate>,
}

impl DonorSummaryBody {
    fn of(s: DonorSummary) -> DonorSummaryBody {
        DonorSummaryBody {
            donor: DonorBody::of(s.donor),
            gifts: s.gifts,
            total_fen: s.total.fen(),
            last_date: s.last_on,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct YearBody {
    pub year: i32,
    pub gifts: i64,
    pub amount_fen: i64,
}

#[derive(Serialize, ToSchema)]
pub struct DonorHistoryBody {
    pub donor: DonorBody,
    pub gifts: Vec<DonationBody>,
    /// Received gifts by year, newest first.
    pub years: Vec<YearBody>,
    pub received: i64,
    pub total_fen: i64,
}

impl DonorHistoryBody {
    fn of(h: DonorHistory) -> DonorHistoryBody {
        DonorHistoryBody {
            donor: DonorBody::of(h.donor),
            gifts: h.gifts.into_iter().map(DonationBody::of).collect(),
            years: h
                .years
                .into_iter()
                .map(|y| YearBody {
                    year: y.year,
                    gifts: y.gifts,
                    amount_fen: y.amount_fen,
                })
                .collect(),
            received: h.received,
            total_fen: h.total_fen,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoidBody {
    /// 作废原因
    #[schema(pattern = "\\S", max_length = 200)]
    pub reason: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Only this donor's gifts.
    donor: Option<i64>,
    /// `expected` or `received`.
    #[param(pattern = "^(expected|received)?$")]
    state: Option<String>,
    /// Page size.
    #[param(minimum = 1, maximum = 1000, default = 100)]
    limit: Option<u32>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct DonorQuery {
    /// Part of a name, phone or account.
    q: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ThanksQuery {
    /// The city federation (an org code of it); default: every federation.
    #[param(pattern = "^[A-Za-z0-9-]{0,32}$")]
    org: Option<String>,
}

/// 登记捐赠 — record a donation; when the money is in, the answer carries its receipt.
#[utoipa::path(
    post,
    path = "/api/v1/donations",
    tag = "donations",
    request_body = DonationRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "the donation and its receipt", body = DonationBody),
        (status = BAD_REQUEST, description = "a field is malformed or missing (named)", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not record donations", body = ErrorBody),
        (status = NOT_FOUND, description = "the org, member or donor is not in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn create<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiJson(req): ApiJson<DonationRequest>,
) -> Result<(StatusCode, Json<DonationBody>), ApiError> {
    let d = donation::record(&state.store, state.clock.as_ref(), &actor, &req).await?;
    Ok((StatusCode::CREATED, Json(DonationBody::of(d))))
}

/// 捐赠列表 — the donations of the actor's subtree, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/donations",
    tag = "donations",
    params(ListQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "donations", body = Vec<DonationBody>),
        (status = BAD_REQUEST, description = "an unknown state", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read donations", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn list<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Vec<DonationBody>>, ApiError> {
    let st = match q.state.as_deref() {
        None | Some("") => None,
        Some(raw) => Some(DonationState::parse(raw).ok_or_else(|| {
            ApiError::invalid(
                "state",
                format!("未知的状态“{raw}” (unknown state; expected or received)"),
            )
        })?),
    };
    let list = donation::list(
        &state.store,
        &actor,
        &DonationFilter {
            donor: q.donor,
            state: st,
            limit: crate::api::page_limit(q.limit, 1000)?,
        },
    )
    .await?;
    Ok(Json(list.into_iter().map(DonationBody::of).collect()))
}

/// 捐赠
#[utoipa::path(
    get,
    path = "/api/v1/donations/{id}",
    tag = "donations",
    params(("id" = i64, Path, description = "donation id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the donation with every receipt", body = DonationBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read donations", body = ErrorBody),
        (status = NOT_FOUND, description = "no such donation in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn show<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<DonationBody>, ApiError> {
    Ok(Json(DonationBody::of(
        donation::get(&state.store, &actor, id).await?,
    )))
}

/// 确认到账 — an expected bank transfer's money is in: its receipt is issued.
#[utoipa::path(
    post,
    path = "/api/v1/donations/{id}/receive",
    tag = "donations",
    params(("id" = i64, Path, description = "donation id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the donation and its receipt", body = DonationBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not record donations", body = ErrorBody),
        (status = NOT_FOUND, description = "no such donation in scope", body = ErrorBody),
        (status = CONFLICT, description = "the donation is not awaiting its money", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn receive<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<DonationBody>, ApiError> {
    let d = donation::receive(&state.store, state.clock.as_ref(), &actor, id).await?;
    Ok(Json(DonationBody::of(d)))
}

/// 按收据号查询 — the donation a receipt number (in force or voided) belongs to.
#[utoipa::path(
    get,
    path = "/api/v1/receipts/{number}",
    tag = "donations",
    params(("number" = String, Path, description = "receipt number, CF2026-000001")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the donation", body = DonationBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read donations", body = ErrorBody),
        (status = NOT_FOUND, description = "no such receipt in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn by_receipt<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(number): ApiPath<String>,
) -> Result<Json<DonationBody>, ApiError> {
    Ok(Json(DonationBody::of(
        donation::by_receipt(&state.store, &actor, &number).await?,
    )))
}

/// 作废并重开 — void a receipt with a reason; the donation is reissued under a new number that
/// points at it. Both are kept.
#[utoipa::path(
    post,
    path = "/api/v1/receipts/{id}/void",
    tag = "donations",
    params(("id" = i64, Path, description = "receipt id")),
    request_body = VoidBody,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the donation with the voided receipt and its reissue", body = DonationBody),
        (status = BAD_REQUEST, description = "no reason", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not void receipts", body = ErrorBody),
        (status = NOT_FOUND, description = "no such receipt in scope", body = ErrorBody),
        (status = CONFLICT, description = "the receipt is voided already", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn void<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<VoidBody>,
) -> Result<Json<DonationBody>, ApiError> {
    let d = donation::void(&state.store, state.clock.as_ref(), &actor, id, &body.reason).await?;
    Ok(Json(DonationBody::of(d)))
}

/// 捐赠人查询 — donors with a gift in the actor's subtree.
#[utoipa::path(
    get,
    path = "/api/v1/donors",
    tag = "donations",
    params(DonorQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "donors, most recent giver first", body = Vec<DonorSummaryBody>),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read donations", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn donors<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<DonorQuery>,
) -> Result<Json<Vec<DonorSummaryBody>>, ApiError> {
    let list = donation::donors(&state.store, &actor, q.q.as_deref().unwrap_or("")).await?;
    Ok(Json(list.into_iter().map(DonorSummaryBody::of).collect()))
}

/// 捐赠人 — every gift in scope and the totals by year.
#[utoipa::path(
    get,
    path = "/api/v1/donors/{id}",
    tag = "donations",
    params(("id" = i64, Path, description = "donor id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the donor's history", body = DonorHistoryBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read donations", body = ErrorBody),
        (status = NOT_FOUND, description = "no such donor with a gift in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn donor<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<DonorHistoryBody>, ApiError> {
    Ok(Json(DonorHistoryBody::of(
        donation::donor(&state.store, &actor, id).await?,
    )))
}

/// 鸣谢名单 — no sign-in: consenting donors only, names masked, never an amount.
#[utoipa::path(
    get,
    path = "/api/v1/public/thanks",
    tag = "donations",
    params(ThanksQuery),
    responses(
        (status = OK, description = "the thank-you list", body = Vec<ThanksLine>),
        (status = BAD_REQUEST, description = "a malformed org code", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn thanks<S: Backend>(
    State(state): State<AppState<S>>,
    ApiQuery(q): ApiQuery<ThanksQuery>,
) -> Result<Json<Vec<ThanksLine>>, ApiError> {
    let org = match q.org.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => Some(crate::org_code("org", raw)?),
    };
    let org: Option<&OrgCode> = org.as_ref();
    Ok(Json(donation::thanks(&state.store, org).await?))
}
