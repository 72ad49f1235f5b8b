//! 81890 服务目录 — the service directory (SPEC 7.6; docs/services.md): the public directory
//! search, volunteer teams and their services (`ManageServices`), members' requests and their
//! steps (accept, complete, cancel, score), and the service centre's figures by org and month.

use crate::api::{route, ApiJson, ApiPath, ApiQuery};
use crate::auth::Authenticated;
use crate::error::ErrorBody;
use crate::{org_code, ApiError, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use huzhu_app::model::{MemberId, Offer, ServiceRequest, Team};
use huzhu_app::services::{self, OfferInput, StepInput};
use huzhu_app::Backend;
use huzhu_domain::services::RequestStep;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes<S: Backend>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::new()
        .routes(route!(directory::<S>))
        .routes(route!(create_team::<S>))
        .routes(route!(teams::<S>))
        .routes(route!(add_offer::<S>))
        .routes(route!(request::<S>))
        .routes(route!(requests::<S>))
        .routes(route!(show::<S>))
        .routes(route!(step::<S>))
        .routes(route!(figures::<S>))
        .routes(route!(figures_xlsx::<S>))
}

#[derive(Serialize, ToSchema)]
pub struct TeamBody {
    pub id: i64,
    pub org: String,
    pub org_name: String,
    pub name: String,
    pub contact: String,
}

impl TeamBody {
    fn of(t: Team) -> TeamBody {
        TeamBody {
            id: t.id,
            org: t.org,
            org_name: t.org_name,
            name: t.name,
            contact: t.contact,
        }
    }
}

/// A service of the directory.
#[derive(Serialize, ToSchema)]
pub struct OfferBody {
    pub id: i64,
    pub team: i64,
    pub team_name: String,
    pub org_name: String,
    /// 服务类别, e.g. 家电维修.
    pub kind: String,
    pub area: String,
    pub hours: String,
    pub contact: String,
}

impl OfferBody {
    fn of(o: Offer) -> OfferBody {
        OfferBody {
            id: o.id,
            team: o.team,
            team_name: o.team_name,
            org_name: o.org_name,
            kind: o.kind,
            area: o.area,
            hours: o.hours,
            contact: o.contact,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RequestBody {
    pub id: i64,
    /// The member's unit when requested.
    pub org: String,
    pub org_name: String,
    pub member: i64,
    pub member_name: String,
    pub offer: i64,
    pub kind: String,
    pub offer_team: String,
    pub note: String,
    /// `requested`, `accepted`, `completed`, `cancelled`.
    pub state: String,
    pub requested_on: NaiveDate,
    pub requested_by: String,
    /// The team that accepted it.
    pub team: Option<String>,
    pub completed_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
    /// 1–5, given by the member after completion.
    pub score: Option<i32>,
}

impl RequestBody {
    fn of(r: ServiceRequest) -> RequestBody {
        RequestBody {
            id: r.id,
            org: r.org,
            org_name: r.org_name,
            member: r.member.0,
            member_name: r.member_name,
            offer: r.offer,
            kind: r.kind,
            offer_team: r.offer_team,
            note: r.note,
            state: r.state.code().to_string(),
            requested_on: r.requested_on,
            requested_by: r.requested_by,
            team: r.team,
            completed_at: r.completed_at,
            cancel_reason: r.cancel_reason,
            score: r.score,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SearchQuery {
    /// Words in the kind, area or team name; all services when absent.
    q: Option<String>,
}

/// 81890 服务目录 (public, no sign-in) — services by kind, area or team.
#[utoipa::path(
    get,
    path = "/api/v1/public/services",
    tag = "services",
    params(SearchQuery),
    responses(
        (status = OK, description = "matching services", body = Vec<OfferBody>),
        (status = BAD_REQUEST, description = "a search longer than 50 characters", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn directory<S: Backend>(
    State(state): State<AppState<S>>,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> Result<Json<Vec<OfferBody>>, ApiError> {
    let list = services::search(&state.store, q.q.as_deref().unwrap_or("")).await?;
    Ok(Json(list.into_iter().map(OfferBody::of).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamRequest {
    /// The team's org; the actor's own when absent.
    #[schema(pattern = "^[A-Za-z0-9-]{1,32}$")]
    pub org: Option<String>,
    #[schema(pattern = "\\S", max_length = 100)]
    pub name: String,
    #[schema(pattern = "\\S", max_length = 100)]
    pub contact: String,
}

/// 登记志愿服务队
#[utoipa::path(
    post,
    path = "/api/v1/services/teams",
    tag = "services",
    request_body = TeamRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "registered", body = TeamBody),
        (status = BAD_REQUEST, description = "a field is empty or too long", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not keep the directory", body = ErrorBody),
        (status = NOT_FOUND, description = "no such org in scope", body = ErrorBody),
        (status = CONFLICT, description = "a team of that name exists", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn create_team<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiJson(req): ApiJson<TeamRequest>,
) -> Result<(StatusCode, Json<TeamBody>), ApiError> {
    let org = req.org.as_deref().map(|o| org_code("org", o)).transpose()?;
    let t = services::create_team(
        &state.store,
        state.clock.as_ref(),
        &actor,
        org.as_ref(),
        &req.name,
        &req.contact,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(TeamBody::of(t))))
}

/// 志愿服务队列表
#[utoipa::path(
    get,
    path = "/api/v1/services/teams",
    tag = "services",
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "teams of the subtree", body = Vec<TeamBody>),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn teams<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
) -> Result<Json<Vec<TeamBody>>, ApiError> {
    let list = services::teams(&state.store, &actor).await?;
    Ok(Json(list.into_iter().map(TeamBody::of).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferRequest {
    pub team: i64,
    #[schema(pattern = "\\S", max_length = 50)]
    pub kind: String,
    #[schema(pattern = "\\S", max_length = 100)]
    pub area: String,
    #[schema(pattern = "\\S", max_length = 100)]
    pub hours: String,
    #[schema(pattern = "\\S", max_length = 100)]
    pub contact: String,
}

/// 登记服务项目
#[utoipa::path(
    post,
    path = "/api/v1/services/offers",
    tag = "services",
    request_body = OfferRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "offered", body = OfferBody),
        (status = BAD_REQUEST, description = "a field is empty or too long", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not keep the directory", body = ErrorBody),
        (status = NOT_FOUND, description = "no such team in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn add_offer<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiJson(req): ApiJson<OfferRequest>,
) -> Result<(StatusCode, Json<OfferBody>), ApiError> {
    let o = services::add_offer(
        &state.store,
        state.clock.as_ref(),
        &actor,
        &OfferInput {
            team: req.team,
            kind: req.kind,
            area: req.area,
            hours: req.hours,
            contact: req.contact,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(OfferBody::of(o))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRequestBody {
    pub offer: i64,
    /// For staff: the member; a member account requests for themselves.
    pub member: Option<i64>,
    #[serde(default)]
    pub note: String,
}

/// 申请服务
#[utoipa::path(
    post,
    path = "/api/v1/services/requests",
    tag = "services",
    request_body = NewRequestBody,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "requested", body = RequestBody),
        (status = BAD_REQUEST, description = "no member named, or a note too long", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not request for others", body = ErrorBody),
        (status = NOT_FOUND, description = "no such member in scope, or no such service", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn request<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiJson(req): ApiJson<NewRequestBody>,
) -> Result<(StatusCode, Json<RequestBody>), ApiError> {
    let r = services::request(
        &state.store,
        state.clock.as_ref(),
        &actor,
        req.member.map(MemberId),
        req.offer,
        &req.note,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(RequestBody::of(r))))
}

/// 服务申请列表 — the subtree's (a member: their own), newest first.
#[utoipa::path(
    get,
    path = "/api/v1/services/requests",
    tag = "services",
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "requests", body = Vec<RequestBody>),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn requests<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
) -> Result<Json<Vec<RequestBody>>, ApiError> {
    let list = services::requests(&state.store, &actor).await?;
    Ok(Json(list.into_iter().map(RequestBody::of).collect()))
}

/// 服务申请详情
#[utoipa::path(
    get,
    path = "/api/v1/services/requests/{id}",
    tag = "services",
    params(("id" = i64, Path, description = "request id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the request", body = RequestBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = NOT_FOUND, description = "no such request in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn show<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<RequestBody>, ApiError> {
    Ok(Json(RequestBody::of(
        services::get(&state.store, &actor, id).await?,
    )))
}

/// A step of a request.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepRequest {
    /// `accept` (with `team`), `complete`, `cancel` (with `reason`), `score` (with `score`, by
    /// the member).
    #[schema(pattern = "^(accept|complete|cancel|score)$")]
    pub step: String,
    pub team: Option<i64>,
    pub reason: Option<String>,
    pub score: Option<i64>,
}

/// 受理、完成、取消、评价
#[utoipa::path(
    post,
    path = "/api/v1/services/requests/{id}/steps",
    tag = "services",
    params(("id" = i64, Path, description = "request id")),
    request_body = StepRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the request after the step", body = RequestBody),
        (status = BAD_REQUEST, description = "an unknown step, no team, no reason, a score outside 1–5", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not take this step", body = ErrorBody),
        (status = NOT_FOUND, description = "no such request in scope", body = ErrorBody),
        (status = CONFLICT, description = "the step is not allowed in the request's state", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn step<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<StepRequest>,
) -> Result<Json<RequestBody>, ApiError> {
    let step = match req.step.as_str() {
        "accept" => RequestStep::Accept,
        "complete" => RequestStep::Complete,
        "cancel" => RequestStep::Cancel,
        "score" => RequestStep::Score,
        _ => {
            return Err(ApiError::invalid(
                "step",
                "步骤须为 accept、complete、cancel 或 score (step must be accept, complete, cancel or score)".into(),
            ))
        }
    };
    let r = services::step(
        &state.store,
        state.clock.as_ref(),
        &actor,
        id,
        step,
        &StepInput {
            team: req.team,
            reason: req.reason,
            score: req.score,
        },
    )
    .await?;
    Ok(Json(RequestBody::of(r)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct FiguresQuery {
    /// Requests made from this day; 1 January of `to`'s year when absent.
    from: Option<NaiveDate>,
    /// Up to this day; today when absent.
    to: Option<NaiveDate>,
}

/// The service centre's figures of one org and month.
#[derive(Serialize, ToSchema)]
pub struct FigureBody {
    pub org: String,
    /// `YYYY-MM`
    pub month: String,
    /// 受理事项 — requests made.
    pub items: u64,
    pub completed: u64,
    pub cancelled: u64,
    /// 服务人数 — distinct members whose requests were completed.
    pub people_served: u64,
    /// Completed per 10,000 requests not cancelled.
    pub completion_bp: u64,
    pub scored: u64,
    /// Scores of 4 or 5 per 10,000 scores.
    pub satisfaction_bp: u64,
}

async fn build<S: Backend>(
    state: &AppState<S>,
    actor: &huzhu_domain::access::Actor,
    q: &FiguresQuery,
) -> Result<Vec<services::FigureRow>, ApiError> {
    let p = huzhu_app::programme_stats::period_or_year_to_date(q.from, q.to, state.clock.today());
    Ok(services::figures(&state.store, actor, p.from, p.to).await?)
}

/// 81890 服务统计 — by org and month.
#[utoipa::path(
    get,
    path = "/api/v1/services/figures",
    tag = "services",
    params(FiguresQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "figures by org and month", body = Vec<FigureBody>),
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
) -> Result<Json<Vec<FigureBody>>, ApiError> {
    let rows = build(&state, &actor, &q).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| FigureBody {
                org: r.org,
                month: r.month,
                items: r.figures.items,
                completed: r.figures.completed,
                cancelled: r.figures.cancelled,
                people_served: r.figures.people_served,
                completion_bp: r.figures.completion_bp(),
                scored: r.figures.scored,
                satisfaction_bp: r.figures.satisfaction_bp(),
            })
            .collect(),
    ))
}

/// 81890 服务统计导出 — the same figures as an Excel workbook.
#[utoipa::path(
    get,
    path = "/api/v1/services/figures.xlsx",
    tag = "services",
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
    let rows = build(&state, &actor, &q).await?;
    let d = services::dashboard(&state.store, &actor, &rows).await?;
    super::stats::workbook_response(&d, "services-stats")
}
