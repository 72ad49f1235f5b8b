//! 参保 — a unit's enrolment and its contribution bill, recording the bill's payment, and a
//! member's eligibility and balance enquiry.

use crate::api::{route, ApiJson, ApiPath, ApiQuery};
use crate::auth::Authenticated;
use crate::error::ErrorBody;
use crate::{org_code, ApiError, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use huzhu_app::enrolment::{
    self, BillLineView, Coverage, EnrolOutcome, EnrolUnit, ItemCover, NeededDocuments, Refused,
};
use huzhu_app::model::MemberId;
use huzhu_app::model::{Bill, BillId};
use huzhu_app::Backend;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes<S: Backend>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::new()
        .routes(route!(enrol::<S>))
        .routes(route!(list_bills::<S>))
        .routes(route!(get_bill::<S>))
        .routes(route!(pay_bill::<S>))
        .routes(route!(coverage::<S>))
}

/// One item and how many shares each member takes.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemShares {
    /// 保障项目, e.g. `A`.
    #[schema(example = "A")]
    pub item: String,
    /// 份数.
    #[schema(minimum = 1, example = 1)]
    pub shares: u32,
}

/// 团体参保 — a unit enrols its members for a policy cycle.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolRequest {
    /// 基层工会代码.
    #[schema(example = "LA-01-001", pattern = "^[A-Za-z0-9-]{1,32}$")]
    pub unit: String,
    /// 互助保障期 (policy id).
    #[schema(example = "hangzhou-2022")]
    pub policy: String,
    #[schema(min_items = 1)]
    pub items: Vec<ItemShares>,
    /// Only these members (ids); all of the unit's members when absent.
    pub members: Option<Vec<i64>>,
}

/// 缴费账单 — a unit's contribution bill.
#[derive(Serialize, ToSchema)]
pub struct BillView {
    pub id: i64,
    /// 基层工会代码 — the unit that enrolled.
    pub unit: String,
    /// 缴费方 — the org that owes the bill: the unit, or the federation of a federation-paid
    /// policy (then `federation_pays`, and only the federation's finance records the payment).
    pub payer: String,
    /// 由总工会缴费 — the federation pays, not the unit.
    pub federation_pays: bool,
    pub policy: String,
    /// Members the bill covers.
    pub members: u32,
    /// 金额 (fen).
    pub amount_fen: i64,
    /// `unpaid` or `paid`.
    pub status: String,
    /// 付款凭证号, once paid.
    pub payment_ref: Option<String>,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub paid_by: Option<String>,
    pub paid_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl BillView {
    pub(crate) fn of(b: Bill) -> BillView {
        let Bill {
            id,
            unit,
            payer,
            policy,
            members,
            amount,
            status,
            payment_ref,
            created_by,
            created_at,
            paid_by,
            paid_at,
        } = b;
        BillView {
            id: id.0,
            federation_pays: payer != unit,
            unit,
            payer,
            policy,
            members,
            amount_fen: amount.fen(),
            status,
            payment_ref,
            created_by,
            created_at,
            paid_by,
            paid_at,
        }
    }
}

/// One item's line of a bill.
#[derive(Serialize, ToSchema)]
pub struct BillLine {
    pub item: String,
    pub members: u32,
    pub shares: u32,
    pub amount_fen: i64,
}

/// A member left out, and why.
#[derive(Serialize, ToSchema)]
pub struct RefusedView {
    pub member: i64,
    pub reason: String,
}

/// What an enrolment did: the bill, how many members and enrolments, who was left out.
#[derive(Serialize, ToSchema)]
pub struct EnrolOutcomeView {
    pub bill: BillView,
    /// Members enrolled.
    pub members: u32,
    /// 续保 — enrolments continuing the previous cycle (no waiting period).
    pub renewals: u32,
    pub new_enrolments: u32,
    pub lines: Vec<BillLine>,
    pub refused: Vec<RefusedView>,
}

impl EnrolOutcomeView {
    fn of(o: EnrolOutcome) -> EnrolOutcomeView {
        let EnrolOutcome {
            bill,
            members,
            renewals,
            new_enrolments,
            lines,
            refused,
        } = o;
        EnrolOutcomeView {
            bill: BillView::of(bill),
            members,
            renewals,
            new_enrolments,
            lines: lines
                .into_iter()
                .map(|l| {
                    let BillLineView {
                        item,
                        members,
                        shares,
                        amount_fen,
                    } = l;
                    BillLine {
                        item,
                        members,
                        shares,
                        amount_fen,
                    }
                })
                .collect(),
            refused: refused
                .into_iter()
                .map(|r| {
                    let Refused { member, reason } = r;
                    RefusedView { member, reason }
                })
                .collect(),
        }
    }
}

/// 团体参保 — enrol a unit's members (all, or those named) in a policy cycle; answers the bill.
#[utoipa::path(
    post,
    path = "/api/v1/enrolments",
    tag = "enrolment",
    request_body = EnrolRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "enrolled; the bill", body = EnrolOutcomeView),
        (status = BAD_REQUEST, description = "malformed body, unknown item or policy, not a unit", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not enrol", body = ErrorBody),
        (status = NOT_FOUND, description = "no such unit or policy", body = ErrorBody),
        (status = CONFLICT, description = "no member can be enrolled (all enrolled already)", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn enrol<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiJson(req): ApiJson<EnrolRequest>,
) -> Result<(StatusCode, Json<EnrolOutcomeView>), ApiError> {
    let request = EnrolUnit {
        unit: org_code("unit", &req.unit)?,
        policy: req.policy,
        items: req.items.into_iter().map(|i| (i.item, i.shares)).collect(),
        members: req
            .members
            .map(|ids| ids.into_iter().map(MemberId).collect()),
    };
    let outcome =
        enrolment::enrol_unit(&state.store, state.clock.as_ref(), &actor, &request).await?;
    Ok((StatusCode::CREATED, Json(EnrolOutcomeView::of(outcome))))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct BillQuery {
    /// 组织代码 — bills of the units under it; the actor's own organisation when absent.
    #[param(example = "LA-01", pattern = "^[A-Za-z0-9-]{1,32}$")]
    org: Option<String>,
}

/// 账单列表 — contribution bills of the units under an organisation, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/bills",
    tag = "enrolment",
    params(BillQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "bills", body = Vec<BillView>),
        (status = BAD_REQUEST, description = "bad `org`", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = NOT_FOUND, description = "no organisation `org`", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn list_bills<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<BillQuery>,
) -> Result<Json<Vec<BillView>>, ApiError> {
    let org = q.org.as_deref().map(|c| org_code("org", c)).transpose()?;
    let bills = enrolment::list_bills(&state.store, &actor, org.as_ref()).await?;
    Ok(Json(bills.into_iter().map(BillView::of).collect()))
}

/// 账单 — one contribution bill.
#[utoipa::path(
    get,
    path = "/api/v1/bills/{id}",
    tag = "enrolment",
    params(("id" = i64, Path, description = "bill id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the bill", body = BillView),
        (status = BAD_REQUEST, description = "malformed id", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = NOT_FOUND, description = "no such bill in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn get_bill<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<BillView>, ApiError> {
    let bill = enrolment::get_bill(&state.store, &actor, BillId(id)).await?;
    Ok(Json(BillView::of(bill)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentRequest {
    /// 付款凭证号 — the bank's reference for the unit's transfer.
    #[schema(example = "BANK-20211101-1")]
    pub payment_ref: String,
}

/// 登记缴费 — record that a unit paid its bill.
#[utoipa::path(
    post,
    path = "/api/v1/bills/{id}/payment",
    tag = "enrolment",
    params(("id" = i64, Path, description = "bill id")),
    request_body = PaymentRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the bill, paid", body = BillView),
        (status = BAD_REQUEST, description = "malformed body, empty `payment_ref`", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not record payments", body = ErrorBody),
        (status = NOT_FOUND, description = "no such bill in scope", body = ErrorBody),
        (status = CONFLICT, description = "the bill is paid already", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn pay_bill<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<PaymentRequest>,
) -> Result<Json<BillView>, ApiError> {
    let bill = enrolment::pay_bill(
        &state.store,
        state.clock.as_ref(),
        &actor,
        BillId(id),
        &req.payment_ref,
    )
    .await?;
    Ok(Json(BillView::of(bill)))
}

/// One item of a member's cover.
#[derive(Serialize, ToSchema)]
pub struct ItemCoverView {
    pub item: String,
    pub name: String,
    pub shares: u32,
    pub start: chrono::NaiveDate,
    pub renewal: bool,
    /// The first day events are covered (after the waiting period, for a new enrolment).
    pub covered_from: chrono::NaiveDate,
    /// 等待期.
    pub in_waiting_period: bool,
    /// 封顶 (fen); null when the item has no cap.
    pub cap_fen: Option<i64>,
    pub used_fen: i64,
    pub left_fen: Option<i64>,
}

/// A document by id and name.
#[derive(Serialize, ToSchema)]
pub struct DocumentName {
    #[schema(example = "discharge_record")]
    pub id: String,
    #[schema(example = "出院记录")]
    pub name: String,
}

/// What a claim of one kind will need.
#[derive(Serialize, ToSchema)]
pub struct NeededDocumentsView {
    /// `hospital_stay`, `outpatient` or `diagnosis`.
    pub kind: &'static str,
    pub documents: Vec<DocumentName>,
}

/// 保障查询 — a member's cover today: items, caps used and left, waiting period, documents.
#[derive(Serialize, ToSchema)]
pub struct CoverageView {
    pub member: i64,
    pub policy: String,
    pub policy_name: String,
    /// The day the answer is for (today).
    pub on: chrono::NaiveDate,
    /// Whether the member's employment status is one the policy covers.
    pub eligible_status: bool,
    pub items: Vec<ItemCoverView>,
    pub overall_cap_fen: Option<i64>,
    pub overall_used_fen: i64,
    pub documents: Vec<NeededDocumentsView>,
}

impl CoverageView {
    fn of(c: Coverage) -> CoverageView {
        let Coverage {
            member,
            policy,
            policy_name,
            // The API answers in both languages' terms already (the Chinese name); the English
            // name is the console's.
            policy_name_en: _,
            on,
            eligible_status,
            items,
            overall_cap_fen,
            overall_used_fen,
            documents,
            // The console's claim form reads it; the API's member has `items` with their dates.
            covered: _,
        } = c;
        CoverageView {
            member,
            policy,
            policy_name,
            on,
            eligible_status,
            items: items
                .into_iter()
                .map(|i| {
                    let ItemCover {
                        item,
                        name,
                        name_en: _,
                        shares,
                        start,
                        renewal,
                        covered_from,
                        in_waiting_period,
                        cap_fen,
                        used_fen,
                        left_fen,
                    } = i;
                    ItemCoverView {
                        item,
                        name,
                        shares,
                        start,
                        renewal,
                        covered_from,
                        in_waiting_period,
                        cap_fen,
                        used_fen,
                        left_fen,
                    }
                })
                .collect(),
            overall_cap_fen,
            overall_used_fen,
            documents: documents
                .into_iter()
                .map(|d| {
                    let NeededDocuments { kind, documents } = d;
                    NeededDocumentsView {
                        kind,
                        documents: documents
                            .into_iter()
                            .map(|(id, name)| DocumentName { id, name })
                            .collect(),
                    }
                })
                .collect(),
        }
    }
}

/// 保障查询 — a member's eligibility and balance: items, caps used and left, waiting period,
/// and the documents a claim will need.
#[utoipa::path(
    get,
    path = "/api/v1/members/{id}/coverage",
    tag = "enrolment",
    params(("id" = i64, Path, description = "member id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the member's cover", body = CoverageView),
        (status = BAD_REQUEST, description = "malformed id", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = NOT_FOUND, description = "no such member in scope, or not enrolled", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn coverage<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CoverageView>, ApiError> {
    let c = enrolment::coverage(&state.store, state.clock.as_ref(), &actor, MemberId(id)).await?;
    Ok(Json(CoverageView::of(c)))
}
