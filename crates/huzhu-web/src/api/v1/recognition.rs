//! 数字工匠 — craftsman recognition (SPEC 7.8, issue 17; docs/recognition.md): calls, nominations
//! within quota, experts and scores (never of their own unit), the ranking, the 公示 with its
//! objections, the award.

use crate::api::{route, ApiJson, ApiPath};
use crate::auth::Authenticated;
use crate::error::ErrorBody;
use crate::{org_code, ApiError, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use huzhu_app::model::{Call, Expert, MemberId, Nomination, Objection, Score};
use huzhu_app::recognition::{self, CallInput, NominationInput};
use huzhu_app::Backend;
use huzhu_domain::notice::ObjectionOutcome;
use huzhu_domain::recognition::{Facts, Rules};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes<S: Backend>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::new()
        .routes(route!(open_call::<S>))
        .routes(route!(calls::<S>))
        .routes(route!(show_call::<S>))
        .routes(route!(nominate::<S>))
        .routes(route!(nominations::<S>))
        .routes(route!(show_nomination::<S>))
        .routes(route!(confirm::<S>))
        .routes(route!(add_expert::<S>))
        .routes(route!(experts::<S>))
        .routes(route!(score::<S>))
        .routes(route!(approve_ranking::<S>))
        .routes(route!(start_notice::<S>))
        .routes(route!(object::<S>))
        .routes(route!(settle::<S>))
        .routes(route!(award::<S>))
        // recognition's figures over the API (issue 17)
        .routes(route!(figures::<S>))
        .routes(route!(figures_xlsx::<S>))
}

#[derive(Serialize, ToSchema)]
pub struct CallBody {
    pub id: i64,
    pub org: String,
    pub year: i32,
    pub name: String,
    /// Places per nominating union.
    pub quota: i32,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub min_field_years: u32,
    pub min_city_years: u32,
    pub exclude_civil_servants: bool,
    pub exclude_leading_cadres: bool,
    pub award_count: Option<i32>,
    /// `open`, `ranked`, `in_notice`, `awarded`.
    pub state: String,
}

impl CallBody {
    fn of(c: Call) -> CallBody {
        CallBody {
            id: c.id,
            org: c.org,
            year: c.year,
            name: c.name,
            quota: c.quota,
            opens_on: c.opens_on,
            closes_on: c.closes_on,
            min_field_years: c.rules.min_field_years,
            min_city_years: c.rules.min_city_years,
            exclude_civil_servants: c.rules.exclude_civil_servants,
            exclude_leading_cadres: c.rules.exclude_leading_cadres,
            award_count: c.award_count,
            state: c.state.code().into(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct NominationObjectionBody {
    pub id: i64,
    pub notice_id: i64,
    pub received_on: NaiveDate,
    pub content: String,
    pub recorded_by: String,
    /// `upheld` or `dismissed` once settled.
    pub outcome: Option<String>,
    pub outcome_reason: Option<String>,
    pub settled_by: Option<String>,
}

impl NominationObjectionBody {
    fn of(o: Objection) -> NominationObjectionBody {
        NominationObjectionBody {
            id: o.id,
            notice_id: o.notice_id,
            received_on: o.received_on,
            content: o.content,
            recorded_by: o.recorded_by,
            outcome: o.outcome.map(|x| x.code().into()),
            outcome_reason: o.outcome_reason,
            settled_by: o.settled_by,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct NominationBody {
    pub id: i64,
    pub call_id: i64,
    pub nominating_org: String,
    pub nominating_org_name: String,
    pub member_id: i64,
    pub member_name: String,
    pub unit: String,
    pub unit_name: String,
    pub field: String,
    pub achievements: String,
    pub field_years: u32,
    pub city_years: u32,
    pub civil_servant: bool,
    pub leading_cadre: bool,
    /// `nominated`, `refused`, `confirmed`, `selected`, `not_selected`, `in_notice`,
    /// `withdrawn`, `awarded`.
    pub state: String,
    /// Each failed rule, in words.
    pub refusals: Vec<String>,
    /// The mean score in hundredths.
    pub mean_centi: Option<i64>,
    pub place: Option<i32>,
    pub reason: Option<String>,
    pub scores: i64,
    pub notice_id: Option<i64>,
    pub notice_ends_on: Option<NaiveDate>,
    pub objections: Vec<NominationObjectionBody>,
}

impl NominationBody {
    fn of(n: Nomination) -> NominationBody {
        let (notice_id, notice_ends_on, objections) = match n.notice {
            Some(x) => (
                Some(x.id),
                Some(x.window.ends_on),
                x.objections
                    .into_iter()
                    .map(NominationObjectionBody::of)
                    .collect(),
            ),
            None => (None, None, Vec::new()),
        };
        NominationBody {
            id: n.id,
            call_id: n.call_id,
            nominating_org: n.nominating_org,
            nominating_org_name: n.nominating_org_name,
            member_id: n.member.0,
            member_name: n.member_name,
            unit: n.unit,
            unit_name: n.unit_name,
            field: n.field,
            achievements: n.achievements,
            field_years: n.facts.field_years,
            city_years: n.facts.city_years,
            civil_servant: n.facts.civil_servant,
            leading_cadre: n.facts.leading_cadre,
            state: n.state.code().into(),
            refusals: n.refusals.iter().map(|r| r.to_string()).collect(),
            mean_centi: n.mean_centi,
            place: n.place,
            reason: n.reason,
            scores: n.scores,
            notice_id,
            notice_ends_on,
            objections,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ScoreBody {
    pub id: i64,
    pub nomination_id: i64,
    pub expert_id: i64,
    pub expert_name: String,
    pub expert_org: String,
    pub score: i64,
    pub note: Option<String>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

impl ScoreBody {
    fn of(s: Score) -> ScoreBody {
        ScoreBody {
            id: s.id,
            nomination_id: s.nomination_id,
            expert_id: s.expert_id,
            expert_name: s.expert_name,
            expert_org: s.expert_org,
            score: s.score,
            note: s.note,
            recorded_by: s.recorded_by,
            recorded_at: s.recorded_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct NominationDetailBody {
    pub nomination: NominationBody,
    pub scores: Vec<ScoreBody>,
}

#[derive(Serialize, ToSchema)]
pub struct ExpertBody {
    pub id: i64,
    /// The expert's unit.
    pub org: String,
    pub org_name: String,
    pub name: String,
    pub title: String,
}

impl ExpertBody {
    fn of(e: Expert) -> ExpertBody {
        ExpertBody {
            id: e.id,
            org: e.org,
            org_name: e.org_name,
            name: e.name,
            title: e.title,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallRequest {
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i32,
    #[schema(pattern = "\\S", max_length = 2000)]
    pub name: String,
    #[schema(minimum = 1, maximum = 1000)]
    pub quota: i32,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    /// Years in the field; 5 when absent.
    #[schema(maximum = 60)]
    pub min_field_years: Option<u32>,
    /// Years full-time in the city; 2 when absent.
    #[schema(maximum = 60)]
    pub min_city_years: Option<u32>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NominationRequest {
    pub member_id: i64,
    #[schema(pattern = "\\S", max_length = 2000)]
    pub field: String,
    #[schema(pattern = "\\S", max_length = 2000)]
    pub achievements: String,
    pub field_years: u32,
    pub city_years: u32,
    #[serde(default)]
    pub civil_servant: bool,
    #[serde(default)]
    pub leading_cadre: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpertRequest {
    /// The expert's unit (an org code).
    #[schema(pattern = "^[A-Za-z0-9-]{1,32}$")]
    pub org: String,
    #[schema(pattern = "\\S", max_length = 2000)]
    pub name: String,
    #[serde(default)]
    pub title: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreRequest {
    pub expert_id: i64,
    /// 0–100.
    #[schema(minimum = 0, maximum = 100)]
    pub score: i64,
    #[serde(default)]
    pub note: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RankingRequest {
    /// How many of the ranking to award.
    #[schema(minimum = 1, maximum = 10000)]
    pub award_count: i32,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NominationObjectionRequest {
    pub received_on: NaiveDate,
    /// Who objected (never public).
    pub from_whom: Option<String>,
    #[schema(pattern = "\\S", max_length = 2000)]
    pub content: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NominationSettleRequest {
    /// `upheld` (the nominee is withdrawn) or `dismissed`.
    #[schema(pattern = "^(upheld|dismissed)$")]
    pub outcome: String,
    #[schema(pattern = "\\S", max_length = 2000)]
    pub reason: String,
}

fn nominations_body(list: Vec<Nomination>) -> Json<Vec<NominationBody>> {
    Json(list.into_iter().map(NominationBody::of).collect())
}

/// 发布评选 — the city opens a call with its quota per nominating union and its rules.
#[utoipa::path(
    post,
    path = "/api/v1/recognition/calls",
    tag = "recognition",
    request_body = CallRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "the call", body = CallBody),
        (status = BAD_REQUEST, description = "a field out of range", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "not city staff", body = ErrorBody),
        (status = CONFLICT, description = "a call of that name and year exists", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn open_call<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiJson(req): ApiJson<CallRequest>,
) -> Result<(StatusCode, Json<CallBody>), ApiError> {
    let d = Rules::default();
    let c = recognition::open_call(
        &state.store,
        state.clock.as_ref(),
        &actor,
        &CallInput {
            year: req.year,
            name: req.name,
            quota: req.quota,
            opens_on: req.opens_on,
            closes_on: req.closes_on,
            rules: Some(Rules {
                min_field_years: req.min_field_years.unwrap_or(d.min_field_years),
                min_city_years: req.min_city_years.unwrap_or(d.min_city_years),
                ..d
            }),
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(CallBody::of(c))))
}

/// 评选活动列表
#[utoipa::path(
    get,
    path = "/api/v1/recognition/calls",
    tag = "recognition",
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "calls, newest first", body = Vec<CallBody>),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read recognition", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn calls<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
) -> Result<Json<Vec<CallBody>>, ApiError> {
    let list = recognition::calls(&state.store, &actor).await?;
    Ok(Json(list.into_iter().map(CallBody::of).collect()))
}

/// 评选活动
#[utoipa::path(
    get,
    path = "/api/v1/recognition/calls/{id}",
    tag = "recognition",
    params(("id" = i64, Path, description = "call id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the call", body = CallBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read recognition", body = ErrorBody),
        (status = NOT_FOUND, description = "no such call", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn show_call<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CallBody>, ApiError> {
    Ok(Json(CallBody::of(
        recognition::call(&state.store, &actor, id).await?,
    )))
}

/// 推荐候选人 — a district or industry union nominates a member of its subtree; the call's rules
/// refuse with each reason; a full quota is 409.
#[utoipa::path(
    post,
    path = "/api/v1/recognition/calls/{id}/nominations",
    tag = "recognition",
    params(("id" = i64, Path, description = "call id")),
    request_body = NominationRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "the nomination (refused with its reasons when a rule fails)", body = NominationBody),
        (status = BAD_REQUEST, description = "a field missing or out of range", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "not a district or industry union", body = ErrorBody),
        (status = NOT_FOUND, description = "no such call, or no such member in the union's subtree", body = ErrorBody),
        (status = CONFLICT, description = "the quota is used up, the member is nominated already, or the call is closed", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn nominate<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<NominationRequest>,
) -> Result<(StatusCode, Json<NominationBody>), ApiError> {
    let n = recognition::nominate(
        &state.store,
        state.clock.as_ref(),
        &actor,
        &NominationInput {
            call: id,
            member: MemberId(req.member_id),
            field: req.field,
            achievements: req.achievements,
            facts: Facts {
                field_years: req.field_years,
                city_years: req.city_years,
                civil_servant: req.civil_servant,
                leading_cadre: req.leading_cadre,
            },
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(NominationBody::of(n))))
}

/// 候选人名单 — a district sees its own nominations, the city all; ranked ones first.
#[utoipa::path(
    get,
    path = "/api/v1/recognition/calls/{id}/nominations",
    tag = "recognition",
    params(("id" = i64, Path, description = "call id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "nominations", body = Vec<NominationBody>),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read recognition", body = ErrorBody),
        (status = NOT_FOUND, description = "no such call", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn nominations<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<NominationBody>>, ApiError> {
    Ok(nominations_body(
        recognition::nominations(&state.store, &actor, id).await?,
    ))
}

/// 候选人详情 — with the experts' scores and the notice's objections.
#[utoipa::path(
    get,
    path = "/api/v1/recognition/nominations/{id}",
    tag = "recognition",
    params(("id" = i64, Path, description = "nomination id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the nomination", body = NominationDetailBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read recognition", body = ErrorBody),
        (status = NOT_FOUND, description = "no such nomination in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn show_nomination<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<NominationDetailBody>, ApiError> {
    let (n, scores) = recognition::nomination(&state.store, &actor, id).await?;
    Ok(Json(NominationDetailBody {
        nomination: NominationBody::of(n),
        scores: scores.into_iter().map(ScoreBody::of).collect(),
    }))
}

/// 确认资格 — the city's officer confirms the nominee's qualification.
#[utoipa::path(
    post,
    path = "/api/v1/recognition/nominations/{id}/confirm",
    tag = "recognition",
    params(("id" = i64, Path, description = "nomination id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the nomination, confirmed", body = NominationBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "not city staff", body = ErrorBody),
        (status = NOT_FOUND, description = "no such nomination", body = ErrorBody),
        (status = CONFLICT, description = "not a nomination waiting for confirmation", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn confirm<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<NominationBody>, ApiError> {
    Ok(Json(NominationBody::of(
        recognition::confirm(&state.store, state.clock.as_ref(), &actor, id).await?,
    )))
}

/// 专家库新增 — an expert with their unit.
#[utoipa::path(
    post,
    path = "/api/v1/recognition/experts",
    tag = "recognition",
    request_body = ExpertRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "the expert", body = ExpertBody),
        (status = BAD_REQUEST, description = "no name, malformed org", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "not city staff", body = ErrorBody),
        (status = NOT_FOUND, description = "no such org", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn add_expert<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiJson(req): ApiJson<ExpertRequest>,
) -> Result<(StatusCode, Json<ExpertBody>), ApiError> {
    let org = org_code("org", &req.org)?;
    let e = recognition::add_expert(
        &state.store,
        state.clock.as_ref(),
        &actor,
        &org,
        &req.name,
        &req.title,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(ExpertBody::of(e))))
}

/// 专家库
#[utoipa::path(
    get,
    path = "/api/v1/recognition/experts",
    tag = "recognition",
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "experts", body = Vec<ExpertBody>),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read recognition", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn experts<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
) -> Result<Json<Vec<ExpertBody>>, ApiError> {
    let list = recognition::experts(&state.store, &actor).await?;
    Ok(Json(list.into_iter().map(ExpertBody::of).collect()))
}

/// 专家评分 — an expert never scores a nominee of their own unit or nominating union (409 with
/// the reason).
#[utoipa::path(
    post,
    path = "/api/v1/recognition/nominations/{id}/scores",
    tag = "recognition",
    params(("id" = i64, Path, description = "nomination id")),
    request_body = ScoreRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "the score", body = ScoreBody),
        (status = BAD_REQUEST, description = "a score out of 0–100", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "not city staff", body = ErrorBody),
        (status = NOT_FOUND, description = "no such nomination or expert", body = ErrorBody),
        (status = CONFLICT, description = "conflict of interest, scored already, or not a confirmed nominee", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn score<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ScoreRequest>,
) -> Result<(StatusCode, Json<ScoreBody>), ApiError> {
    let s = recognition::score(
        &state.store,
        state.clock.as_ref(),
        &actor,
        id,
        req.expert_id,
        req.score,
        &req.note,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(ScoreBody::of(s))))
}

/// 审定评审结果 — rank by mean score (each nominee needs three scores) and select the first
/// `award_count`.
#[utoipa::path(
    post,
    path = "/api/v1/recognition/calls/{id}/ranking",
    tag = "recognition",
    params(("id" = i64, Path, description = "call id")),
    request_body = RankingRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the nominations, ranked", body = Vec<NominationBody>),
        (status = BAD_REQUEST, description = "award_count out of range", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "not city staff", body = ErrorBody),
        (status = NOT_FOUND, description = "no such call", body = ErrorBody),
        (status = CONFLICT, description = "a nominee has fewer than three scores, or the call is past ranking", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn approve_ranking<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<RankingRequest>,
) -> Result<Json<Vec<NominationBody>>, ApiError> {
    Ok(nominations_body(
        recognition::approve_ranking(
            &state.store,
            state.clock.as_ref(),
            &actor,
            id,
            req.award_count,
        )
        .await?,
    ))
}

/// 开始公示 — 7 working days from today; the public page shows masked names and units.
#[utoipa::path(
    post,
    path = "/api/v1/recognition/calls/{id}/notice",
    tag = "recognition",
    params(("id" = i64, Path, description = "call id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the nominations", body = Vec<NominationBody>),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "not city staff", body = ErrorBody),
        (status = NOT_FOUND, description = "no such call", body = ErrorBody),
        (status = CONFLICT, description = "the ranking is not approved", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn start_notice<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<NominationBody>>, ApiError> {
    Ok(nominations_body(
        recognition::start_notice(&state.store, state.clock.as_ref(), &actor, id).await?,
    ))
}

/// 登记异议 — received from the public or staff, against a nominee's notice.
#[utoipa::path(
    post,
    path = "/api/v1/recognition/notices/{id}/objections",
    tag = "recognition",
    params(("id" = i64, Path, description = "notice id")),
    request_body = NominationObjectionRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "the objection", body = NominationObjectionBody),
        (status = BAD_REQUEST, description = "no content, a date in the future", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "not city staff", body = ErrorBody),
        (status = NOT_FOUND, description = "no such notice", body = ErrorBody),
        (status = CONFLICT, description = "the notice is concluded", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn object<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<NominationObjectionRequest>,
) -> Result<(StatusCode, Json<NominationObjectionBody>), ApiError> {
    let o = recognition::record_objection(
        &state.store,
        state.clock.as_ref(),
        &actor,
        id,
        req.received_on,
        req.from_whom.as_deref(),
        &req.content,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(NominationObjectionBody::of(o))))
}

/// 处理异议 — upheld withdraws the nominee; dismissed keeps them; with the reason.
#[utoipa::path(
    post,
    path = "/api/v1/recognition/nominations/{id}/objections/{objection}/settle",
    tag = "recognition",
    params(
        ("id" = i64, Path, description = "nomination id"),
        ("objection" = i64, Path, description = "objection id: one to this nomination's notice"),
    ),
    request_body = NominationSettleRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the objection, settled", body = NominationObjectionBody),
        (status = BAD_REQUEST, description = "unknown outcome, no reason", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "not city staff", body = ErrorBody),
        (status = NOT_FOUND, description = "no such nomination, or the objection is not one to its notice", body = ErrorBody),
        (status = CONFLICT, description = "settled already", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn settle<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath((id, objection)): ApiPath<(i64, i64)>,
    ApiJson(req): ApiJson<NominationSettleRequest>,
) -> Result<Json<NominationObjectionBody>, ApiError> {
    let outcome = ObjectionOutcome::parse(&req.outcome).ok_or_else(|| {
        ApiError::invalid(
            "outcome",
            format!(
                "无效的取值“{}” (unknown value '{}')",
                req.outcome, req.outcome
            ),
        )
    })?;
    Ok(Json(NominationObjectionBody::of(
        recognition::settle_objection(
            &state.store,
            state.clock.as_ref(),
            &actor,
            id,
            objection,
            outcome,
            &req.reason,
        )
        .await?,
    )))
}

/// 授予 — once every notice has ended and every objection is settled (409 otherwise).
#[utoipa::path(
    post,
    path = "/api/v1/recognition/calls/{id}/award",
    tag = "recognition",
    params(("id" = i64, Path, description = "call id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the nominations", body = Vec<NominationBody>),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "not city staff", body = ErrorBody),
        (status = NOT_FOUND, description = "no such call", body = ErrorBody),
        (status = CONFLICT, description = "the notice still runs, an objection is unsettled, or the call is not in notice", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn award<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<NominationBody>>, ApiError> {
    Ok(nominations_body(
        recognition::award(&state.store, state.clock.as_ref(), &actor, id).await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct FiguresQuery {
    /// 年份 — the calls opened in this year; this year when absent.
    #[param(example = 2026, minimum = 2000, maximum = 2100)]
    year: Option<i32>,
}

async fn build<S: Backend>(
    state: &AppState<S>,
    actor: &huzhu_domain::access::Actor,
    q: &FiguresQuery,
) -> Result<huzhu_app::stats::Dashboard, ApiError> {
    use chrono::Datelike;
    let year = q.year.unwrap_or_else(|| state.clock.today().year());
    if !(2000..=2100).contains(&year) {
        return Err(ApiError::invalid(
            "year",
            format!("年份应在 2000–2100 之间 (year must be 2000–2100): {year}"),
        ));
    }
    Ok(recognition::figures(&state.store, actor, "", year).await?)
}

/// 数字工匠统计 — the year's nominations by nominating union and by field: nominated, refused,
/// awarded and withdrawn (the console's `/stats/recognition`).
#[utoipa::path(
    get,
    path = "/api/v1/stats/recognition",
    tag = "stats",
    params(FiguresQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the tables", body = super::stats::DashboardView),
        (status = BAD_REQUEST, description = "a year outside 2000–2100", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read recognition", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn figures<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    crate::api::ApiQuery(q): crate::api::ApiQuery<FiguresQuery>,
) -> Result<Json<super::stats::DashboardView>, ApiError> {
    Ok(Json(super::stats::DashboardView::of(
        build(&state, &actor, &q).await?,
    )))
}

/// 数字工匠统计导出 — the same tables as an Excel workbook.
#[utoipa::path(
    get,
    path = "/api/v1/stats/recognition.xlsx",
    tag = "stats",
    params(FiguresQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the workbook, as an attachment", content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = BAD_REQUEST, description = "a year outside 2000–2100", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read recognition", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn figures_xlsx<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    crate::api::ApiQuery(q): crate::api::ApiQuery<FiguresQuery>,
) -> Result<axum::response::Response, ApiError> {
    let d = build(&state, &actor, &q).await?;
    super::stats::workbook_response(&d, "recognition-stats")
}
