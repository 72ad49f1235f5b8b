//! 法律援助 — legal aid (SPEC 7.7, issue 17; docs/legal-aid.md): open a case, check, refuse,
//! approve, assign a lawyer of the panel, record dated activities, close with the outcome and the
//! amount recovered; the panel of lawyers; the figures (JSON and Excel).

use crate::api::{route, ApiJson, ApiPath, ApiQuery};
use crate::auth::Authenticated;
use crate::error::ErrorBody;
use crate::{org_code, ApiError, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use huzhu_app::legal_aid::{self, CaseView, Figures, ListFilter, OpenInput};
use huzhu_app::model::{CaseEvent, Lawyer, MemberId};
use huzhu_app::Backend;
use huzhu_domain::legal_aid::{ActivityKind, CaseState, DisputeKind, Outcome};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes<S: Backend>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::new()
        .routes(route!(open::<S>))
        .routes(route!(list::<S>))
        .routes(route!(show::<S>))
        .routes(route!(events::<S>))
        .routes(route!(check::<S>))
        .routes(route!(refuse::<S>))
        .routes(route!(approve::<S>))
        .routes(route!(assign::<S>))
        .routes(route!(record::<S>))
        .routes(route!(close::<S>))
        .routes(route!(add_lawyer::<S>))
        .routes(route!(lawyers::<S>))
        .routes(route!(set_lawyer_active::<S>))
        .routes(route!(figures::<S>))
        .routes(route!(figures_xlsx::<S>))
}

fn parsed<T>(field: &str, raw: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T, ApiError> {
    parse(raw).ok_or_else(|| {
        ApiError::invalid(field, format!("无效的取值“{raw}” (unknown value '{raw}')"))
    })
}

/// A lawyer of a federation's panel.
#[derive(Serialize, ToSchema)]
pub struct LawyerBody {
    pub id: i64,
    /// The federation whose panel it is.
    pub org: String,
    pub org_name: String,
    pub name: String,
    pub firm: String,
    pub phone: Option<String>,
    pub active: bool,
}

impl LawyerBody {
    fn of(l: Lawyer) -> LawyerBody {
        LawyerBody {
            id: l.id,
            org: l.org.as_str().to_string(),
            org_name: l.org_name,
            name: l.name,
            firm: l.firm,
            phone: l.phone,
            active: l.active,
        }
    }
}

/// One step of a case's timeline.
#[derive(Serialize, ToSchema)]
pub struct CaseEventBody {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub on: NaiveDate,
    pub actor: String,
    /// `open`, `check`, `refuse`, `approve`, `assign`, `record`, `close`.
    pub step: String,
    /// The state after the step.
    pub state: String,
    /// `advice`, `mediation`, `arbitration`, `litigation` for a recorded activity.
    pub activity: Option<String>,
    pub note: Option<String>,
}

impl CaseEventBody {
    fn of(e: CaseEvent) -> CaseEventBody {
        CaseEventBody {
            id: e.id,
            at: e.at,
            on: e.on,
            actor: e.actor,
            step: e.step.code().into(),
            state: e.state.code().into(),
            activity: e.activity.map(|a| a.code().into()),
            note: e.note,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenCaseRequest {
    /// The member the case is for; a member account leaves it out (themselves).
    pub member_id: Option<i64>,
    /// `wages`, `labour_contract`, `work_injury`, `social_insurance`, `dismissal`, `other`.
    #[schema(
        example = "wages",
        pattern = "^(wages|labour_contract|work_injury|social_insurance|dismissal|other)$"
    )]
    pub kind: String,
    /// 案情简述
    #[schema(pattern = "\\S", max_length = 1000)]
    pub summary: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseReasonRequest {
    #[schema(pattern = "\\S", max_length = 1000)]
    pub reason: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseNoteRequest {
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub note: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    pub lawyer_id: i64,
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub note: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityRequest {
    /// The activity's date (not before the assignment, not in the future).
    pub on: NaiveDate,
    /// `advice`, `mediation`, `arbitration`, `litigation`.
    #[schema(pattern = "^(advice|mediation|arbitration|litigation)$")]
    pub activity: String,
    #[schema(max_length = 1000, pattern = "\\S")]
    pub note: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseRequest {
    /// `won`, `mediated`, `withdrawn`, `lost`.
    #[schema(pattern = "^(won|mediated|withdrawn|lost)$")]
    pub outcome: String,
    /// The amount recovered for the worker, in fen (0 unless won or mediated).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10_000_000_000_i64)]
    pub recovered_fen: i64,
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub note: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LawyerRequest {
    /// The federation whose panel; the actor's own org when absent.
    #[schema(pattern = "^[A-Za-z0-9-]{1,32}$")]
    pub org: Option<String>,
    #[schema(pattern = "\\S", max_length = 1000)]
    pub name: String,
    #[schema(pattern = "\\S", max_length = 1000)]
    pub firm: String,
    pub phone: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LawyerActiveRequest {
    pub active: bool,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// A state code.
    #[param(pattern = "^(intake|eligible|refused|approved|assigned|handling|closed)$")]
    state: Option<String>,
    /// A dispute kind code.
    #[param(pattern = "^(wages|labour_contract|work_injury|social_insurance|dismissal|other)$")]
    kind: Option<String>,
    /// The work queue: open cases only.
    open: Option<bool>,
    /// Only the overdue cases.
    overdue: Option<bool>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct FiguresQuery {
    /// Cases opened from this day; 1 January of `to`'s year when absent.
    from: Option<NaiveDate>,
    /// Cases opened up to this day; today when absent.
    to: Option<NaiveDate>,
}

/// 受理法律援助 — a member for themselves, an officer or staff for a member in their subtree;
/// the approval is due five working days later.
#[utoipa::path(
    post,
    path = "/api/v1/legal-aid/cases",
    tag = "legal_aid",
    request_body = OpenCaseRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "the case", body = CaseView),
        (status = BAD_REQUEST, description = "unknown kind, no summary, no member", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not open a case", body = ErrorBody),
        (status = NOT_FOUND, description = "no such member in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn open<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiJson(req): ApiJson<OpenCaseRequest>,
) -> Result<(StatusCode, Json<CaseView>), ApiError> {
    let kind = parsed("kind", &req.kind, DisputeKind::parse)?;
    let c = legal_aid::open(
        &state.store,
        state.clock.as_ref(),
        &actor,
        &OpenInput {
            member: req.member_id.map(MemberId),
            kind,
            summary: req.summary,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(c)))
}

/// 法律援助案件 — visible cases, newest first; `open=true` is the work queue, each flagged
/// `overdue` when the approval or the handling is late.
#[utoipa::path(
    get,
    path = "/api/v1/legal-aid/cases",
    tag = "legal_aid",
    params(ListQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "cases", body = Vec<CaseView>),
        (status = BAD_REQUEST, description = "unknown state or kind", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read cases", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn list<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Vec<CaseView>>, ApiError> {
    let filter = ListFilter {
        state: q
            .state
            .as_deref()
            .map(|s| parsed("state", s, CaseState::parse))
            .transpose()?,
        kind: q
            .kind
            .as_deref()
            .map(|k| parsed("kind", k, DisputeKind::parse))
            .transpose()?,
        open_only: q.open.unwrap_or(false),
        overdue_only: q.overdue.unwrap_or(false),
    };
    Ok(Json(
        legal_aid::list(&state.store, state.clock.as_ref(), &actor, &filter).await?,
    ))
}

/// 法律援助案件详情
#[utoipa::path(
    get,
    path = "/api/v1/legal-aid/cases/{id}",
    tag = "legal_aid",
    params(("id" = i64, Path, description = "case id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the case", body = CaseView),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read cases", body = ErrorBody),
        (status = NOT_FOUND, description = "no such case in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn show<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CaseView>, ApiError> {
    Ok(Json(
        legal_aid::case(&state.store, state.clock.as_ref(), &actor, id).await?,
    ))
}

/// 办理记录 — the case's timeline: who, when, what, why.
#[utoipa::path(
    get,
    path = "/api/v1/legal-aid/cases/{id}/events",
    tag = "legal_aid",
    params(("id" = i64, Path, description = "case id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the timeline, oldest first", body = Vec<CaseEventBody>),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read cases", body = ErrorBody),
        (status = NOT_FOUND, description = "no such case in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn events<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<CaseEventBody>>, ApiError> {
    let list = legal_aid::events(&state.store, &actor, id).await?;
    Ok(Json(list.into_iter().map(CaseEventBody::of).collect()))
}

/// 资格审查 — a member in service with a covered dispute is eligible; otherwise the case is
/// refused with the reason in words.
#[utoipa::path(
    post,
    path = "/api/v1/legal-aid/cases/{id}/check",
    tag = "legal_aid",
    params(("id" = i64, Path, description = "case id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the case, eligible or refused", body = CaseView),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not manage cases", body = ErrorBody),
        (status = NOT_FOUND, description = "no such case in scope", body = ErrorBody),
        (status = CONFLICT, description = "the case is not at intake", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn check<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CaseView>, ApiError> {
    Ok(Json(
        legal_aid::check(&state.store, state.clock.as_ref(), &actor, id).await?,
    ))
}

/// 不予援助 — with the reason in words.
#[utoipa::path(
    post,
    path = "/api/v1/legal-aid/cases/{id}/refuse",
    tag = "legal_aid",
    params(("id" = i64, Path, description = "case id")),
    request_body = CaseReasonRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the case, refused", body = CaseView),
        (status = BAD_REQUEST, description = "no reason", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not manage cases", body = ErrorBody),
        (status = NOT_FOUND, description = "no such case in scope", body = ErrorBody),
        (status = CONFLICT, description = "the case is past approval", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn refuse<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<CaseReasonRequest>,
) -> Result<Json<CaseView>, ApiError> {
    Ok(Json(
        legal_aid::refuse(&state.store, state.clock.as_ref(), &actor, id, &req.reason).await?,
    ))
}

/// 区级批准 — staff at district level or above; the handling is due 90 days later.
#[utoipa::path(
    post,
    path = "/api/v1/legal-aid/cases/{id}/approve",
    tag = "legal_aid",
    params(("id" = i64, Path, description = "case id")),
    request_body = CaseNoteRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the case, approved", body = CaseView),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "not staff at district level or above", body = ErrorBody),
        (status = NOT_FOUND, description = "no such case in scope", body = ErrorBody),
        (status = CONFLICT, description = "the case is not eligible", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn approve<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<CaseNoteRequest>,
) -> Result<Json<CaseView>, ApiError> {
    Ok(Json(
        legal_aid::approve(&state.store, state.clock.as_ref(), &actor, id, &req.note).await?,
    ))
}

/// 指派律师 — a lawyer on the panel of a federation at or above the case's unit.
#[utoipa::path(
    post,
    path = "/api/v1/legal-aid/cases/{id}/assign",
    tag = "legal_aid",
    params(("id" = i64, Path, description = "case id")),
    request_body = AssignRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the case, assigned", body = CaseView),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not manage cases", body = ErrorBody),
        (status = NOT_FOUND, description = "no such case in scope, or no such lawyer on the case's panels", body = ErrorBody),
        (status = CONFLICT, description = "the case is not approved, or the lawyer is off the panel", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn assign<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<AssignRequest>,
) -> Result<Json<CaseView>, ApiError> {
    Ok(Json(
        legal_aid::assign(
            &state.store,
            state.clock.as_ref(),
            &actor,
            id,
            req.lawyer_id,
            &req.note,
        )
        .await?,
    ))
}

/// 记录办理 — a dated activity (advice, mediation, arbitration, litigation) with its note.
#[utoipa::path(
    post,
    path = "/api/v1/legal-aid/cases/{id}/activities",
    tag = "legal_aid",
    params(("id" = i64, Path, description = "case id")),
    request_body = ActivityRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the case, handling", body = CaseView),
        (status = BAD_REQUEST, description = "unknown activity, no note", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not manage cases", body = ErrorBody),
        (status = NOT_FOUND, description = "no such case in scope", body = ErrorBody),
        (status = CONFLICT, description = "no lawyer assigned yet, the case is closed, or the date is before the assignment or in the future", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn record<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ActivityRequest>,
) -> Result<Json<CaseView>, ApiError> {
    let activity = parsed("activity", &req.activity, ActivityKind::parse)?;
    Ok(Json(
        legal_aid::record(
            &state.store,
            state.clock.as_ref(),
            &actor,
            id,
            req.on,
            activity,
            &req.note,
        )
        .await?,
    ))
}

/// 结案 — with the outcome and the amount recovered for the worker.
#[utoipa::path(
    post,
    path = "/api/v1/legal-aid/cases/{id}/close",
    tag = "legal_aid",
    params(("id" = i64, Path, description = "case id")),
    request_body = CloseRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the case, closed", body = CaseView),
        (status = BAD_REQUEST, description = "unknown outcome, amount out of range", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not manage cases", body = ErrorBody),
        (status = NOT_FOUND, description = "no such case in scope", body = ErrorBody),
        (status = CONFLICT, description = "the case is not being handled, or money recovered on a lost or withdrawn case", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn close<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<CloseRequest>,
) -> Result<Json<CaseView>, ApiError> {
    let outcome = parsed("outcome", &req.outcome, Outcome::parse)?;
    Ok(Json(
        legal_aid::close(
            &state.store,
            state.clock.as_ref(),
            &actor,
            id,
            outcome,
            req.recovered_fen,
            &req.note,
        )
        .await?,
    ))
}

/// 律师库新增 — a lawyer on the panel of an org in the actor's subtree.
#[utoipa::path(
    post,
    path = "/api/v1/legal-aid/lawyers",
    tag = "legal_aid",
    request_body = LawyerRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "the lawyer", body = LawyerBody),
        (status = BAD_REQUEST, description = "no name or firm, malformed org", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not keep the panel", body = ErrorBody),
        (status = NOT_FOUND, description = "no such org in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn add_lawyer<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiJson(req): ApiJson<LawyerRequest>,
) -> Result<(StatusCode, Json<LawyerBody>), ApiError> {
    let org = req.org.as_deref().map(|o| org_code("org", o)).transpose()?;
    let l = legal_aid::add_lawyer(
        &state.store,
        state.clock.as_ref(),
        &actor,
        org,
        &req.name,
        &req.firm,
        req.phone.as_deref(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(LawyerBody::of(l))))
}

/// 律师库 — the panels the actor assigns from: its subtree's and those of the federations above.
#[utoipa::path(
    get,
    path = "/api/v1/legal-aid/lawyers",
    tag = "legal_aid",
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "lawyers, active first", body = Vec<LawyerBody>),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read the panel", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn lawyers<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
) -> Result<Json<Vec<LawyerBody>>, ApiError> {
    let list = legal_aid::lawyers(&state.store, &actor).await?;
    Ok(Json(list.into_iter().map(LawyerBody::of).collect()))
}

/// 律师停用/恢复
#[utoipa::path(
    post,
    path = "/api/v1/legal-aid/lawyers/{id}/active",
    tag = "legal_aid",
    params(("id" = i64, Path, description = "lawyer id")),
    request_body = LawyerActiveRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the lawyer", body = LawyerBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not keep the panel", body = ErrorBody),
        (status = NOT_FOUND, description = "no such lawyer in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn set_lawyer_active<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<LawyerActiveRequest>,
) -> Result<Json<LawyerBody>, ApiError> {
    let l =
        legal_aid::set_lawyer_active(&state.store, state.clock.as_ref(), &actor, id, req.active)
            .await?;
    Ok(Json(LawyerBody::of(l)))
}

async fn build<S: Backend>(
    state: &AppState<S>,
    actor: &huzhu_domain::access::Actor,
    q: &FiguresQuery,
) -> Result<Figures, ApiError> {
    let to = q.to.unwrap_or_else(|| state.clock.today());
    let from = q
        .from
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(to.year(), 1, 1).unwrap_or(to));
    Ok(legal_aid::figures(&state.store, actor, from, to).await?)
}

/// 法律援助统计 — cases by dispute kind, unit and lawyer: closed, won, mediated, the rates (basis
/// points) and the amounts recovered.
#[utoipa::path(
    get,
    path = "/api/v1/stats/legal-aid",
    tag = "stats",
    params(FiguresQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the figures", body = Figures),
        (status = BAD_REQUEST, description = "malformed date, or `from` after `to`", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read the figures", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn figures<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<FiguresQuery>,
) -> Result<Json<Figures>, ApiError> {
    Ok(Json(build(&state, &actor, &q).await?))
}

/// 法律援助统计导出 — the same tables as an Excel workbook.
#[utoipa::path(
    get,
    path = "/api/v1/stats/legal-aid.xlsx",
    tag = "stats",
    params(FiguresQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the workbook, as an attachment", content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = BAD_REQUEST, description = "malformed date, or `from` after `to`", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read the figures", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn figures_xlsx<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<FiguresQuery>,
) -> Result<Response, ApiError> {
    let f = build(&state, &actor, &q).await?;
    let d = legal_aid::dashboard(&f, actor.org.as_str(), "");
    super::stats::workbook_response(&d, "legal-aid")
}
