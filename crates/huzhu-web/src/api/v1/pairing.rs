//! 云结对 — cloud pairing (SPEC 7.6; docs/pairing.md). Staff routes under `/api/v1/pairing/`
//! (a session, `ManagePairing`); public routes under `/api/v1/public/pairing/` need no sign-in,
//! like the public notices: the list, one student by their link's token, the claim, and the
//! sponsor's view and confirmation by the secret sponsor token. The public bodies carry SPEC
//! 7.6's fields only.

use crate::api::{route, ApiJson, ApiPath};
use crate::auth::Authenticated;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use huzhu_app::model::{
    PairingPayment, PairingReport, PairingStudent, PublicListing, SponsorRecord, SponsorView,
};
use huzhu_app::pairing::{self, ClaimInput, PublishInput};
use huzhu_app::Backend;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes<S: Backend>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::new()
        .routes(route!(publish::<S>))
        .routes(route!(list::<S>))
        .routes(route!(show::<S>))
        .routes(route!(payment::<S>))
        .routes(route!(report::<S>))
        .routes(route!(consent::<S>))
        .routes(route!(withdraw::<S>))
        .routes(route!(public_list::<S>))
        .routes(route!(public_show::<S>))
        .routes(route!(claim::<S>))
        .routes(route!(sponsor::<S>))
        .routes(route!(confirm::<S>))
}

/// 公开信息 — what anyone with the link sees: surname only, grade, school level, district,
/// yearly need; never the school, ID number, address or full name.
#[derive(Serialize, ToSchema)]
pub struct PublicStudentBody {
    /// The link's token (32 hex characters).
    pub token: String,
    /// 王同学
    pub public_name: String,
    /// Year of study, 1–6.
    pub grade: i32,
    /// `postgraduate`, `undergraduate`, `junior_college`, `senior_secondary`.
    pub school_level: String,
    pub district: String,
    pub need_fen: i64,
    /// The academic year, from 1 September (`2026`).
    pub academic_year: String,
    /// `published` (free to claim), `held`, `pledged`.
    pub state: String,
    /// While held: when the hold ends.
    pub hold_until: Option<DateTime<Utc>>,
}

impl PublicStudentBody {
    fn of(l: PublicListing) -> PublicStudentBody {
        PublicStudentBody {
            token: l.token,
            public_name: l.public_name,
            grade: l.grade,
            school_level: l.school_level,
            district: l.district,
            need_fen: l.need.fen(),
            academic_year: l.academic_year,
            state: l.state.code().to_string(),
            hold_until: l.hold_until,
        }
    }
}

/// 资助人 — phone masked.
#[derive(Serialize, ToSchema)]
pub struct SponsorBody {
    pub id: i64,
    /// `member`, `unit`, `person`.
    pub kind: String,
    pub name: String,
    /// Masked: 138****8000.
    pub phone: String,
    pub claimed_at: DateTime<Utc>,
    pub hold_until: DateTime<Utc>,
    pub confirmed_on: Option<NaiveDate>,
    pub amount_per_year_fen: Option<i64>,
    pub years: Option<i64>,
    /// The whole pledge.
    pub pledged_fen: Option<i64>,
    /// Due by today: a year's amount for each year begun since confirmation.
    pub due_fen: i64,
    pub paid_fen: i64,
}

impl SponsorBody {
    fn of(s: SponsorRecord, today: NaiveDate) -> SponsorBody {
        SponsorBody {
            id: s.id,
            kind: s.kind,
            name: s.name,
            phone: s.phone,
            claimed_at: s.claimed_at,
            hold_until: s.hold_until,
            confirmed_on: s.confirmed_on,
            amount_per_year_fen: s.pledge.map(|p| p.per_year.fen()),
            years: s.pledge.map(|p| p.years),
            pledged_fen: s.pledge.map(|p| p.total().fen()),
            due_fen: pairing::due(s.confirmed_on, s.pledge, today).fen(),
            paid_fen: s.paid.fen(),
        }
    }
}

/// 结对学生 (staff): the public fields, the grant, the consent, the sponsor.
#[derive(Serialize, ToSchema)]
pub struct PairingStudentBody {
    pub id: i64,
    /// The org of the grant.
    pub org: String,
    pub org_name: String,
    pub grant: i64,
    pub public: PublicStudentBody,
    /// The household lets the sponsor know the student.
    pub consent: bool,
    pub published_by: String,
    pub published_at: DateTime<Utc>,
    pub sponsor: Option<SponsorBody>,
}

impl PairingStudentBody {
    fn of(s: PairingStudent, today: NaiveDate) -> PairingStudentBody {
        PairingStudentBody {
            id: s.id,
            org: s.org,
            org_name: s.org_name,
            grant: s.grant.0,
            public: PublicStudentBody::of(s.listing),
            consent: s.consent,
            published_by: s.published_by,
            published_at: s.published_at,
            sponsor: s.sponsor.map(|x| SponsorBody::of(x, today)),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PaymentBody {
    pub id: i64,
    pub amount_fen: i64,
    pub paid_on: NaiveDate,
    pub reference: String,
}

impl PaymentBody {
    fn of(p: PairingPayment) -> PaymentBody {
        PaymentBody {
            id: p.id,
            amount_fen: p.amount.fen(),
            paid_on: p.paid_on,
            reference: p.reference,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PairingReportBody {
    pub id: i64,
    pub written_on: NaiveDate,
    pub body: String,
}

impl PairingReportBody {
    fn of(r: PairingReport) -> PairingReportBody {
        PairingReportBody {
            id: r.id,
            written_on: r.written_on,
            body: r.body,
        }
    }
}

/// A published student with their payments and reports (staff).
#[derive(Serialize, ToSchema)]
pub struct PairingDetailBody {
    pub student: PairingStudentBody,
    pub payments: Vec<PaymentBody>,
    pub reports: Vec<PairingReportBody>,
}

/// 发布 — a golden-autumn grant's student.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    pub grant: i64,
    /// Year of study, 1 to the level's last year.
    pub grade: u8,
    pub need_fen: i64,
    /// The household record's level when left out.
    pub school_level: Option<String>,
}

/// 发布结对学生
#[utoipa::path(
    post,
    path = "/api/v1/pairing/students",
    tag = "pairing",
    request_body = PublishRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "published, with the link's token", body = PairingStudentBody),
        (status = BAD_REQUEST, description = "a field is wrong, or the grant is not golden-autumn", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not publish", body = ErrorBody),
        (status = NOT_FOUND, description = "no such grant in scope", body = ErrorBody),
        (status = CONFLICT, description = "published already, or the grant is refused", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn publish<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiJson(req): ApiJson<PublishRequest>,
) -> Result<(StatusCode, Json<PairingStudentBody>), ApiError> {
    let s = pairing::publish(
        &state.store,
        state.clock.as_ref(),
        &actor,
        &PublishInput {
            grant: huzhu_app::model::GrantId(req.grant),
            grade: req.grade,
            need_fen: req.need_fen,
            school_level: req.school_level,
        },
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(PairingStudentBody::of(s, state.clock.today())),
    ))
}

/// 结对学生列表 (staff)
#[utoipa::path(
    get,
    path = "/api/v1/pairing/students",
    tag = "pairing",
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "published students of the subtree, newest first", body = Vec<PairingStudentBody>),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not manage pairing", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn list<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
) -> Result<Json<Vec<PairingStudentBody>>, ApiError> {
    let today = state.clock.today();
    let list = pairing::list(&state.store, state.clock.as_ref(), &actor).await?;
    Ok(Json(
        list.into_iter()
            .map(|s| PairingStudentBody::of(s, today))
            .collect(),
    ))
}

/// 结对学生详情 (staff)
#[utoipa::path(
    get,
    path = "/api/v1/pairing/students/{id}",
    tag = "pairing",
    params(("id" = i64, Path, description = "pairing student id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the student, payments and reports", body = PairingDetailBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not manage pairing", body = ErrorBody),
        (status = NOT_FOUND, description = "no such student in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn show<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<PairingDetailBody>, ApiError> {
    let (s, payments, reports) =
        pairing::get(&state.store, state.clock.as_ref(), &actor, id).await?;
    Ok(Json(PairingDetailBody {
        student: PairingStudentBody::of(s, state.clock.today()),
        payments: payments.into_iter().map(PaymentBody::of).collect(),
        reports: reports.into_iter().map(PairingReportBody::of).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PairingPaymentRequest {
    #[schema(minimum = 1)]
    pub amount_fen: i64,
    pub paid_on: NaiveDate,
    #[serde(default)]
    pub reference: String,
}

/// 登记资助款 — a payment under the confirmed pledge.
#[utoipa::path(
    post,
    path = "/api/v1/pairing/students/{id}/payments",
    tag = "pairing",
    params(("id" = i64, Path, description = "pairing student id")),
    request_body = PairingPaymentRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "recorded", body = PaymentBody),
        (status = BAD_REQUEST, description = "an amount not above zero", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not manage pairing", body = ErrorBody),
        (status = NOT_FOUND, description = "no such student in scope", body = ErrorBody),
        (status = CONFLICT, description = "no confirmed pledge", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn payment<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<PairingPaymentRequest>,
) -> Result<(StatusCode, Json<PaymentBody>), ApiError> {
    let p = pairing::record_payment(
        &state.store,
        state.clock.as_ref(),
        &actor,
        id,
        req.amount_fen,
        req.paid_on,
        &req.reference,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(PaymentBody::of(p))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    #[schema(pattern = "\\S", max_length = 2000)]
    pub body: String,
}

/// 写成长报告 — read by the sponsor.
#[utoipa::path(
    post,
    path = "/api/v1/pairing/students/{id}/reports",
    tag = "pairing",
    params(("id" = i64, Path, description = "pairing student id")),
    request_body = ReportRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "written", body = PairingReportBody),
        (status = BAD_REQUEST, description = "an empty or too long body", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not manage pairing", body = ErrorBody),
        (status = NOT_FOUND, description = "no such student in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn report<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ReportRequest>,
) -> Result<(StatusCode, Json<PairingReportBody>), ApiError> {
    let r =
        pairing::write_report(&state.store, state.clock.as_ref(), &actor, id, &req.body).await?;
    Ok((StatusCode::CREATED, Json(PairingReportBody::of(r))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentRequest {
    pub consent: bool,
}

/// 家庭同意公开身份 — the sponsor may then know the student.
#[utoipa::path(
    post,
    path = "/api/v1/pairing/students/{id}/consent",
    tag = "pairing",
    params(("id" = i64, Path, description = "pairing student id")),
    request_body = ConsentRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the student", body = PairingStudentBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not manage pairing", body = ErrorBody),
        (status = NOT_FOUND, description = "no such student in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn consent<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ConsentRequest>,
) -> Result<Json<PairingStudentBody>, ApiError> {
    let s =
        pairing::set_consent(&state.store, state.clock.as_ref(), &actor, id, req.consent).await?;
    Ok(Json(PairingStudentBody::of(s, state.clock.today())))
}

/// 撤回 — a listed student off the list.
#[utoipa::path(
    post,
    path = "/api/v1/pairing/students/{id}/withdraw",
    tag = "pairing",
    params(("id" = i64, Path, description = "pairing student id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "withdrawn", body = PairingStudentBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not manage pairing", body = ErrorBody),
        (status = NOT_FOUND, description = "no such student in scope", body = ErrorBody),
        (status = CONFLICT, description = "held or pledged", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn withdraw<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<PairingStudentBody>, ApiError> {
    let s = pairing::withdraw(&state.store, state.clock.as_ref(), &actor, id).await?;
    Ok(Json(PairingStudentBody::of(s, state.clock.today())))
}

/// 待结对学生 (public, no sign-in) — students free to claim now.
#[utoipa::path(
    get,
    path = "/api/v1/public/pairing",
    tag = "pairing",
    responses(
        (status = OK, description = "students free to claim", body = Vec<PublicStudentBody>),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn public_list<S: Backend>(
    State(state): State<AppState<S>>,
) -> Result<Json<Vec<PublicStudentBody>>, ApiError> {
    let list = pairing::public_list(&state.store, state.clock.as_ref()).await?;
    Ok(Json(list.into_iter().map(PublicStudentBody::of).collect()))
}

/// 结对学生 (public, no sign-in) — one student by the link's token.
#[utoipa::path(
    get,
    path = "/api/v1/public/pairing/{token}",
    tag = "pairing",
    params(("token" = String, Path, description = "the link's token")),
    responses(
        (status = OK, description = "the student", body = PublicStudentBody),
        (status = NOT_FOUND, description = "no such link", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn public_show<S: Backend>(
    State(state): State<AppState<S>>,
    ApiPath(token): ApiPath<String>,
) -> Result<Json<PublicStudentBody>, ApiError> {
    let l = pairing::public_get(&state.store, state.clock.as_ref(), &token).await?;
    Ok(Json(PublicStudentBody::of(l)))
}

/// 认领 — who sponsors.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimRequest {
    /// `member`, `unit` or `person`.
    #[schema(pattern = "^(member|unit|person)$")]
    pub kind: String,
    /// The sponsor's name, or the unit's.
    #[schema(pattern = "\\S", max_length = 50)]
    pub name: String,
    /// An 11-digit mobile number.
    pub phone: String,
}

/// A won claim: keep `sponsor_token` secret; it confirms the pledge and reads the reports.
#[derive(Serialize, ToSchema)]
pub struct ClaimedBody {
    pub student: PublicStudentBody,
    /// 32 hex characters, shown once.
    pub sponsor_token: String,
    pub hold_until: DateTime<Utc>,
}

/// 认领 (public, no sign-in) — holds the student for 30 minutes; one winner however many
/// claim at once.
#[utoipa::path(
    post,
    path = "/api/v1/public/pairing/{token}/claim",
    tag = "pairing",
    params(("token" = String, Path, description = "the link's token")),
    request_body = ClaimRequest,
    responses(
        (status = CREATED, description = "held for the sponsor", body = ClaimedBody),
        (status = BAD_REQUEST, description = "a field is wrong", body = ErrorBody),
        (status = NOT_FOUND, description = "no such link", body = ErrorBody),
        (status = CONFLICT, description = "held by another sponsor or pledged already", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn claim<S: Backend>(
    State(state): State<AppState<S>>,
    ApiPath(token): ApiPath<String>,
    ApiJson(req): ApiJson<ClaimRequest>,
) -> Result<(StatusCode, Json<ClaimedBody>), ApiError> {
    let c = pairing::claim(
        &state.store,
        state.clock.as_ref(),
        &token,
        &ClaimInput {
            kind: req.kind,
            name: req.name,
            phone: req.phone,
        },
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(ClaimedBody {
            student: PublicStudentBody::of(c.listing),
            sponsor_token: c.sponsor_token,
            hold_until: c.hold_until,
        }),
    ))
}

/// What the sponsor reads with their token.
#[derive(Serialize, ToSchema)]
pub struct SponsorViewBody {
    pub student: PublicStudentBody,
    pub sponsor: SponsorBody,
    /// Whether this sponsor's claim still holds the student or is their pledge.
    pub current: bool,
    pub payments: Vec<PaymentBody>,
    pub reports: Vec<PairingReportBody>,
    /// The student's name, only when the household consented.
    pub identity: Option<String>,
}

impl SponsorViewBody {
    fn of(v: SponsorView, today: NaiveDate) -> SponsorViewBody {
        SponsorViewBody {
            student: PublicStudentBody::of(v.listing),
            sponsor: SponsorBody::of(v.sponsor, today),
            current: v.current,
            payments: v.payments.into_iter().map(PaymentBody::of).collect(),
            reports: v.reports.into_iter().map(PairingReportBody::of).collect(),
            identity: v.identity,
        }
    }
}

/// 资助人查看 (no sign-in; the sponsor token) — the pledge, payments and progress reports.
#[utoipa::path(
    get,
    path = "/api/v1/public/pairing/sponsor/{sponsor_token}",
    tag = "pairing",
    params(("sponsor_token" = String, Path, description = "the sponsor's secret token")),
    responses(
        (status = OK, description = "the sponsor's view", body = SponsorViewBody),
        (status = NOT_FOUND, description = "no such token", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn sponsor<S: Backend>(
    State(state): State<AppState<S>>,
    ApiPath(sponsor_token): ApiPath<String>,
) -> Result<Json<SponsorViewBody>, ApiError> {
    let v = pairing::sponsor(&state.store, state.clock.as_ref(), &sponsor_token).await?;
    Ok(Json(SponsorViewBody::of(v, state.clock.today())))
}

/// 确认结对
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmRequest {
    pub amount_per_year_fen: i64,
    /// 1 to 10.
    pub years: i64,
}

/// 确认结对 (no sign-in; the sponsor token) — before the hold ends.
#[utoipa::path(
    post,
    path = "/api/v1/public/pairing/sponsor/{sponsor_token}/confirm",
    tag = "pairing",
    params(("sponsor_token" = String, Path, description = "the sponsor's secret token")),
    request_body = ConfirmRequest,
    responses(
        (status = OK, description = "pledged", body = SponsorViewBody),
        (status = BAD_REQUEST, description = "a field is wrong", body = ErrorBody),
        (status = NOT_FOUND, description = "no such token", body = ErrorBody),
        (status = CONFLICT, description = "the hold has ended, or confirmed already", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn confirm<S: Backend>(
    State(state): State<AppState<S>>,
    ApiPath(sponsor_token): ApiPath<String>,
    ApiJson(req): ApiJson<ConfirmRequest>,
) -> Result<Json<SponsorViewBody>, ApiError> {
    let v = pairing::confirm(
        &state.store,
        state.clock.as_ref(),
        &sponsor_token,
        req.amount_per_year_fen,
        req.years,
    )
    .await?;
    Ok(Json(SponsorViewBody::of(v, state.clock.today())))
}
