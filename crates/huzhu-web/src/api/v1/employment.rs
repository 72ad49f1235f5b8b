//! 春风就业 — employment help (SPEC 7.11; docs/employment.md): job fairs with employers and
//! posts, job-seekers' registrations (members and 阳光就业 graduates) and placements, skills
//! courses with attendance and certificates, and the figures by org and month as JSON or a
//! workbook.

use super::stats::DashboardView;
use crate::api::{route, ApiJson, ApiPath, ApiQuery};
use crate::auth::Authenticated;
use crate::error::ErrorBody;
use crate::{org_code, ApiError, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use chrono::{Datelike, NaiveDate};
use huzhu_app::employment::{self, SeekerInput};
use huzhu_app::model::{Course, Fair, Post, Seeker, Trainee};
use huzhu_app::Backend;
use huzhu_domain::employment::{FairMode, FairStep};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes<S: Backend>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::new()
        .routes(route!(create_fair::<S>))
        .routes(route!(fairs::<S>))
        .routes(route!(fair::<S>))
        .routes(route!(step_fair::<S>))
        .routes(route!(add_post::<S>))
        .routes(route!(register::<S>))
        .routes(route!(seekers::<S>))
        .routes(route!(seeker::<S>))
        .routes(route!(place::<S>))
        .routes(route!(withdraw::<S>))
        .routes(route!(create_course::<S>))
        .routes(route!(courses::<S>))
        .routes(route!(course::<S>))
        .routes(route!(enrol::<S>))
        .routes(route!(finish::<S>))
        .routes(route!(attend::<S>))
        .routes(route!(certify::<S>))
        .routes(route!(figures::<S>))
        .routes(route!(figures_xlsx::<S>))
}

fn words(zh: &str, en: &str) -> String {
    format!("{zh} ({en})")
}

/// A post 岗位.
#[derive(Serialize, ToSchema)]
pub struct PostBody {
    pub id: i64,
    pub fair: i64,
    pub employer: String,
    pub title: String,
    pub openings: i64,
    /// Placements made in it.
    pub filled: i64,
}

impl PostBody {
    fn of(p: Post) -> PostBody {
        PostBody {
            id: p.id,
            fair: p.fair_id,
            employer: p.employer,
            title: p.title,
            openings: p.openings,
            filled: p.filled,
        }
    }
}

/// A job fair 招聘会.
#[derive(Serialize, ToSchema)]
pub struct FairBody {
    pub id: i64,
    /// The org that organises it.
    pub org: String,
    pub org_name: String,
    pub name: String,
    /// `online` or `on_site`.
    pub mode: String,
    pub mode_label: String,
    pub held_on: NaiveDate,
    pub venue: String,
    /// `planned`, `held` or `cancelled`.
    pub state: String,
    pub state_label: String,
    pub reason: Option<String>,
    pub employers: i64,
    pub openings: i64,
    pub filled: i64,
    /// Only when one fair is read.
    pub posts: Vec<PostBody>,
}

impl FairBody {
    fn of(f: Fair) -> FairBody {
        FairBody {
            id: f.id,
            org: f.org,
            org_name: f.org_name,
            name: f.name,
            mode: f.mode.code().into(),
            mode_label: words(f.mode.label_zh(), f.mode.label_en()),
            held_on: f.held_on,
            venue: f.venue,
            state: f.state.code().into(),
            state_label: words(f.state.label_zh(), f.state.label_en()),
            reason: f.reason,
            employers: f.employers,
            openings: f.openings,
            filled: f.filled,
            posts: f.posts.into_iter().map(PostBody::of).collect(),
        }
    }
}

/// A job-seeker's registration 求职登记.
#[derive(Serialize, ToSchema)]
pub struct SeekerBody {
    pub id: i64,
    /// The unit that registered them.
    pub org: String,
    pub org_name: String,
    /// `member` or `graduate` (阳光就业).
    pub kind: String,
    pub kind_label: String,
    pub member: Option<i64>,
    /// 阳光就业: the archived household.
    pub household: Option<i64>,
    pub name: String,
    pub wanted: String,
    pub registered_on: NaiveDate,
    /// `registered`, `placed` or `withdrawn`.
    pub state: String,
    pub state_label: String,
    pub reason: Option<String>,
    pub post: Option<i64>,
    pub post_title: Option<String>,
    pub employer: Option<String>,
    pub fair: Option<i64>,
    pub placed_on: Option<NaiveDate>,
}

impl SeekerBody {
    fn of(s: Seeker) -> SeekerBody {
        SeekerBody {
            id: s.id,
            org: s.org,
            org_name: s.org_name,
            kind: s.kind.code().into(),
            kind_label: words(s.kind.label_zh(), s.kind.label_en()),
            member: s.member_id,
            household: s.household_id,
            name: s.name,
            wanted: s.wanted,
            registered_on: s.registered_on,
            state: s.state.code().into(),
            state_label: words(s.state.label_zh(), s.state.label_en()),
            reason: s.reason,
            post: s.post_id,
            post_title: s.post_title,
            employer: s.employer,
            fair: s.fair_id,
            placed_on: s.placed_on,
        }
    }
}

/// A trainee 学员.
#[derive(Serialize, ToSchema)]
pub struct TraineeBody {
    pub id: i64,
    pub course: i64,
    pub seeker: i64,
    pub name: String,
    pub org: String,
    pub attended: i64,
    pub certificate_no: Option<String>,
    pub certified_on: Option<NaiveDate>,
}

impl TraineeBody {
    fn of(t: Trainee) -> TraineeBody {
        TraineeBody {
            id: t.id,
            course: t.course_id,
            seeker: t.seeker_id,
            name: t.name,
            org: t.org,
            attended: t.attended,
            certificate_no: t.certificate_no,
            certified_on: t.certified_on,
        }
    }
}

/// A skills course 技能培训班.
#[derive(Serialize, ToSchema)]
pub struct CourseBody {
    pub id: i64,
    pub org: String,
    pub org_name: String,
    pub name: String,
    pub trade: String,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub sessions: i64,
    /// `open` or `finished`.
    pub state: String,
    pub state_label: String,
    pub trainee_count: i64,
    pub certificates: i64,
    /// Only when one course is read.
    pub trainees: Vec<TraineeBody>,
}

impl CourseBody {
    fn of(c: Course) -> CourseBody {
        CourseBody {
            id: c.id,
            org: c.org,
            org_name: c.org_name,
            name: c.name,
            trade: c.trade,
            start_on: c.start_on,
            end_on: c.end_on,
            sessions: c.sessions,
            state: c.state.code().into(),
            state_label: words(c.state.label_zh(), c.state.label_en()),
            trainee_count: c.trainee_count,
            certificates: c.certificates,
            trainees: c.trainees.into_iter().map(TraineeBody::of).collect(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FairInputBody {
    #[schema(
        example = "2026年春风行动网上招聘会",
        pattern = "\\S",
        max_length = 200
    )]
    pub name: String,
    /// `online` or `on_site`.
    #[schema(example = "online", pattern = "^(online|on_site)$")]
    pub mode: String,
    pub held_on: NaiveDate,
    /// The place, or the website of an online fair: required for both.
    #[schema(example = "西湖区职工服务中心", pattern = "\\S", max_length = 200)]
    pub venue: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FairStepBody {
    /// `hold` or `cancel`.
    #[schema(example = "hold", pattern = "^(hold|cancel)$")]
    pub step: String,
    /// Required to cancel.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub reason: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostInputBody {
    #[schema(example = "杭州某物流有限公司", pattern = "\\S", max_length = 200)]
    pub employer: String,
    #[schema(example = "仓储管理员", pattern = "\\S", max_length = 200)]
    pub title: String,
    #[schema(example = 10, minimum = 1, maximum = 10_000)]
    pub openings: i64,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeekerInputBody {
    /// A member of the actor's subtree; or `household` and `name` for 阳光就业.
    pub member: Option<i64>,
    /// An admitted household of the actor's subtree (阳光就业).
    pub household: Option<i64>,
    /// The graduate's name (阳光就业).
    #[schema(pattern = "\\S", max_length = 200)]
    pub name: Option<String>,
    /// The work wanted.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub wanted: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaceBody {
    pub post: i64,
    /// Today when absent.
    pub placed_on: Option<NaiveDate>,
}

#[derive(Deserialize, ToSchema)]
#[schema(as = EmploymentReasonBody)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    #[schema(pattern = "\\S", max_length = 200)]
    pub reason: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CourseInputBody {
    #[schema(example = "电工技能培训班", pattern = "\\S", max_length = 200)]
    pub name: String,
    #[schema(example = "电工", pattern = "\\S", max_length = 200)]
    pub trade: String,
    pub start_on: NaiveDate,
    /// Not before `start_on`.
    pub end_on: NaiveDate,
    #[schema(example = 20, minimum = 1, maximum = 1000)]
    pub sessions: i64,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolBody {
    pub seeker: i64,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendBody {
    /// Sessions attended so far (replaces what was recorded), at most the course's sessions.
    #[schema(example = 18, minimum = 0)]
    pub attended: i64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct FiguresQuery {
    /// 组织代码 — this org's subtree; the actor's own organisation when absent.
    #[param(example = "XH", pattern = "^[A-Za-z0-9-]{1,32}$")]
    org: Option<String>,
    /// From this day; 1 January of `to`'s year when absent.
    from: Option<NaiveDate>,
    /// Up to this day; today when absent.
    to: Option<NaiveDate>,
}

/// 举办招聘会 — a fair of the actor's org, planned.
#[utoipa::path(
    post,
    path = "/api/v1/employment/fairs",
    tag = "employment",
    request_body = FairInputBody,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "the fair", body = FairBody),
        (status = BAD_REQUEST, description = "an unknown mode, a missing name or venue; `field` names it", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "only federation staff at district or city level organise fairs and courses", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn create_fair<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiJson(req): ApiJson<FairInputBody>,
) -> Result<(StatusCode, Json<FairBody>), ApiError> {
    let mode = FairMode::parse(&req.mode).ok_or_else(|| {
        ApiError::invalid(
            "mode",
            format!(
                "未知的招聘方式“{}” (mode must be online or on_site)",
                req.mode
            ),
        )
    })?;
    let f = employment::create_fair(
        &state.store,
        state.clock.as_ref(),
        &actor,
        employment::FairInput {
            name: req.name,
            mode,
            held_on: req.held_on,
            venue: req.venue,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(FairBody::of(f))))
}

/// 招聘会列表 — the fairs of the actor's subtree and of the orgs above it.
#[utoipa::path(
    get,
    path = "/api/v1/employment/fairs",
    tag = "employment",
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "fairs, latest date first", body = Vec<FairBody>),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "only unit officers, federation staff and auditors read employment help", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn fairs<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
) -> Result<Json<Vec<FairBody>>, ApiError> {
    let list = employment::fairs(&state.store, &actor).await?;
    Ok(Json(list.into_iter().map(FairBody::of).collect()))
}

/// 招聘会详情 — with its posts.
#[utoipa::path(
    get,
    path = "/api/v1/employment/fairs/{id}",
    tag = "employment",
    params(("id" = i64, Path, description = "fair id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the fair", body = FairBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "only unit officers, federation staff and auditors read employment help", body = ErrorBody),
        (status = NOT_FOUND, description = "no such fair in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn fair<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<FairBody>, ApiError> {
    Ok(Json(FairBody::of(
        employment::fair(&state.store, &actor, id).await?,
    )))
}

/// 举办 / 取消 — records that the fair took place (on or after its date) or cancels it.
#[utoipa::path(
    post,
    path = "/api/v1/employment/fairs/{id}/step",
    tag = "employment",
    params(("id" = i64, Path, description = "fair id")),
    request_body = FairStepBody,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the fair after the step", body = FairBody),
        (status = BAD_REQUEST, description = "an unknown step, or a cancellation without a reason", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "only federation staff at district or city level organise fairs and courses", body = ErrorBody),
        (status = NOT_FOUND, description = "no such fair in the actor's subtree", body = ErrorBody),
        (status = CONFLICT, description = "the step is illegal in the fair's state, or its date has not come", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn step_fair<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<FairStepBody>,
) -> Result<Json<FairBody>, ApiError> {
    let step = FairStep::parse(&req.step).ok_or_else(|| {
        ApiError::invalid(
            "step",
            format!("未知的操作“{}” (step must be hold or cancel)", req.step),
        )
    })?;
    let f = employment::step_fair(
        &state.store,
        state.clock.as_ref(),
        &actor,
        id,
        step,
        &req.reason,
    )
    .await?;
    Ok(Json(FairBody::of(f)))
}

/// 发布岗位 — an employer's post at a fair of the actor's subtree (planned or held).
#[utoipa::path(
    post,
    path = "/api/v1/employment/fairs/{id}/posts",
    tag = "employment",
    params(("id" = i64, Path, description = "fair id")),
    request_body = PostInputBody,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "the post", body = PostBody),
        (status = BAD_REQUEST, description = "a missing employer or title, openings out of range; `field` names it", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "only federation staff at district or city level organise fairs and courses", body = ErrorBody),
        (status = NOT_FOUND, description = "no such fair in the actor's subtree", body = ErrorBody),
        (status = CONFLICT, description = "the fair is cancelled", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn add_post<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<PostInputBody>,
) -> Result<(StatusCode, Json<PostBody>), ApiError> {
    let p = employment::add_post(
        &state.store,
        state.clock.as_ref(),
        &actor,
        id,
        employment::PostInput {
            employer: req.employer,
            title: req.title,
            openings: req.openings,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(PostBody::of(p))))
}

/// 求职登记 — a member, or a graduate of an admitted household (阳光就业), on today's date.
#[utoipa::path(
    post,
    path = "/api/v1/employment/seekers",
    tag = "employment",
    request_body = SeekerInputBody,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "the registration", body = SeekerBody),
        (status = BAD_REQUEST, description = "neither a member nor a household and name, or both; a bad name", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "only unit officers and federation staff register, place and enrol job-seekers", body = ErrorBody),
        (status = NOT_FOUND, description = "no such member or household in scope", body = ErrorBody),
        (status = CONFLICT, description = "the member is registered already, or the household is not admitted", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn register<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiJson(req): ApiJson<SeekerInputBody>,
) -> Result<(StatusCode, Json<SeekerBody>), ApiError> {
    let who = match (req.member, req.household, req.name) {
        (Some(m), None, None) => SeekerInput::Member(m),
        (None, Some(household), Some(name)) => SeekerInput::Graduate { household, name },
        _ => {
            return Err(ApiError::invalid(
                "member",
                "请给出会员编号，或给出档案编号和毕业生姓名 (give a member, or a household and the graduate's name)".into(),
            ))
        }
    };
    let s =
        employment::register(&state.store, state.clock.as_ref(), &actor, who, &req.wanted).await?;
    Ok((StatusCode::CREATED, Json(SeekerBody::of(s))))
}

/// 求职登记列表 — the registrations of the actor's subtree, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/employment/seekers",
    tag = "employment",
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "registrations", body = Vec<SeekerBody>),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "only unit officers, federation staff and auditors read employment help", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn seekers<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
) -> Result<Json<Vec<SeekerBody>>, ApiError> {
    let list = employment::seekers(&state.store, &actor).await?;
    Ok(Json(list.into_iter().map(SeekerBody::of).collect()))
}

/// 求职登记详情
#[utoipa::path(
    get,
    path = "/api/v1/employment/seekers/{id}",
    tag = "employment",
    params(("id" = i64, Path, description = "registration id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the registration", body = SeekerBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "only unit officers, federation staff and auditors read employment help", body = ErrorBody),
        (status = NOT_FOUND, description = "no such registration in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn seeker<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<SeekerBody>, ApiError> {
    Ok(Json(SeekerBody::of(
        employment::seeker(&state.store, &actor, id).await?,
    )))
}

/// 安置就业 — places a registered seeker in a post of a held fair, within its openings.
#[utoipa::path(
    post,
    path = "/api/v1/employment/seekers/{id}/placement",
    tag = "employment",
    params(("id" = i64, Path, description = "registration id")),
    request_body = PlaceBody,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the registration, placed", body = SeekerBody),
        (status = BAD_REQUEST, description = "a placement date in the future", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "only unit officers and federation staff register, place and enrol job-seekers", body = ErrorBody),
        (status = NOT_FOUND, description = "no such registration or post in scope", body = ErrorBody),
        (status = CONFLICT, description = "refused, in words: placed or withdrawn already, the fair not held, the post full, the date before the fair", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn place<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<PlaceBody>,
) -> Result<Json<SeekerBody>, ApiError> {
    let s = employment::place(
        &state.store,
        state.clock.as_ref(),
        &actor,
        id,
        req.post,
        req.placed_on,
    )
    .await?;
    Ok(Json(SeekerBody::of(s)))
}

/// 退出登记 — withdraws a registered seeker, with the reason.
#[utoipa::path(
    post,
    path = "/api/v1/employment/seekers/{id}/withdraw",
    tag = "employment",
    params(("id" = i64, Path, description = "registration id")),
    request_body = ReasonBody,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the registration, withdrawn", body = SeekerBody),
        (status = BAD_REQUEST, description = "a missing reason", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "only unit officers and federation staff register, place and enrol job-seekers", body = ErrorBody),
        (status = NOT_FOUND, description = "no such registration in scope", body = ErrorBody),
        (status = CONFLICT, description = "placed or withdrawn already", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn withdraw<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ReasonBody>,
) -> Result<Json<SeekerBody>, ApiError> {
    let s =
        employment::withdraw(&state.store, state.clock.as_ref(), &actor, id, &req.reason).await?;
    Ok(Json(SeekerBody::of(s)))
}

/// 开设技能培训班 — a course of the actor's org, open.
#[utoipa::path(
    post,
    path = "/api/v1/employment/courses",
    tag = "employment",
    request_body = CourseInputBody,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "the course", body = CourseBody),
        (status = BAD_REQUEST, description = "a missing name or trade, bad dates or sessions; `field` names it", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "only federation staff at district or city level organise fairs and courses", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn create_course<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiJson(req): ApiJson<CourseInputBody>,
) -> Result<(StatusCode, Json<CourseBody>), ApiError> {
    let c = employment::create_course(
        &state.store,
        state.clock.as_ref(),
        &actor,
        employment::CourseInput {
            name: req.name,
            trade: req.trade,
            start_on: req.start_on,
            end_on: req.end_on,
            sessions: req.sessions,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(CourseBody::of(c))))
}

/// 培训班列表 — the courses of the actor's subtree and of the orgs above it.
#[utoipa::path(
    get,
    path = "/api/v1/employment/courses",
    tag = "employment",
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "courses, latest start first", body = Vec<CourseBody>),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "only unit officers, federation staff and auditors read employment help", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn courses<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
) -> Result<Json<Vec<CourseBody>>, ApiError> {
    let list = employment::courses(&state.store, &actor).await?;
    Ok(Json(list.into_iter().map(CourseBody::of).collect()))
}

/// 培训班详情 — with its trainees of the actor's subtree.
#[utoipa::path(
    get,
    path = "/api/v1/employment/courses/{id}",
    tag = "employment",
    params(("id" = i64, Path, description = "course id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the course", body = CourseBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "only unit officers, federation staff and auditors read employment help", body = ErrorBody),
        (status = NOT_FOUND, description = "no such course in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn course<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CourseBody>, ApiError> {
    Ok(Json(CourseBody::of(
        employment::course(&state.store, &actor, id).await?,
    )))
}

/// 报名参训 — a registered seeker of the actor's subtree in an open course.
#[utoipa::path(
    post,
    path = "/api/v1/employment/courses/{id}/trainees",
    tag = "employment",
    params(("id" = i64, Path, description = "course id")),
    request_body = EnrolBody,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "the trainee", body = TraineeBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "only unit officers and federation staff register, place and enrol job-seekers", body = ErrorBody),
        (status = NOT_FOUND, description = "no such course or registration in scope", body = ErrorBody),
        (status = CONFLICT, description = "the course is finished, the seeker withdrawn or enrolled already", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn enrol<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<EnrolBody>,
) -> Result<(StatusCode, Json<TraineeBody>), ApiError> {
    let t = employment::enrol(&state.store, state.clock.as_ref(), &actor, id, req.seeker).await?;
    Ok((StatusCode::CREATED, Json(TraineeBody::of(t))))
}

/// 结业 — finishes an open course of the actor's subtree.
#[utoipa::path(
    post,
    path = "/api/v1/employment/courses/{id}/finish",
    tag = "employment",
    params(("id" = i64, Path, description = "course id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the course, finished", body = CourseBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "only federation staff at district or city level organise fairs and courses", body = ErrorBody),
        (status = NOT_FOUND, description = "no such course in the actor's subtree", body = ErrorBody),
        (status = CONFLICT, description = "the course is finished already", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn finish<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CourseBody>, ApiError> {
    let c = employment::finish(&state.store, state.clock.as_ref(), &actor, id).await?;
    Ok(Json(CourseBody::of(c)))
}

/// 记录出勤 — the sessions a trainee attended (while the course is open).
#[utoipa::path(
    put,
    path = "/api/v1/employment/trainees/{id}/attendance",
    tag = "employment",
    params(("id" = i64, Path, description = "trainee id")),
    request_body = AttendBody,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the trainee", body = TraineeBody),
        (status = BAD_REQUEST, description = "a negative attendance", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "only federation staff at district or city level organise fairs and courses", body = ErrorBody),
        (status = NOT_FOUND, description = "no such trainee of a course in the actor's subtree", body = ErrorBody),
        (status = CONFLICT, description = "the course is finished, or the attendance exceeds its sessions", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn attend<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<AttendBody>,
) -> Result<Json<TraineeBody>, ApiError> {
    let t =
        employment::attend(&state.store, state.clock.as_ref(), &actor, id, req.attended).await?;
    Ok(Json(TraineeBody::of(t)))
}

/// 发放证书 — once, after the finish, at 80% attendance.
#[utoipa::path(
    post,
    path = "/api/v1/employment/trainees/{id}/certificate",
    tag = "employment",
    params(("id" = i64, Path, description = "trainee id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the trainee with the certificate", body = TraineeBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "only federation staff at district or city level organise fairs and courses", body = ErrorBody),
        (status = NOT_FOUND, description = "no such trainee of a course in the actor's subtree", body = ErrorBody),
        (status = CONFLICT, description = "the course is open, the attendance below 80%, or the certificate issued already", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn certify<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<TraineeBody>, ApiError> {
    let t = employment::certify(&state.store, state.clock.as_ref(), &actor, id).await?;
    Ok(Json(TraineeBody::of(t)))
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
    Ok(employment::figures(&state.store, actor, org.as_ref(), from, to).await?)
}

/// 就业帮扶统计 — fairs held, employers, posts offered, people registered and placed, courses,
/// trainees and certificates, by org and month.
#[utoipa::path(
    get,
    path = "/api/v1/stats/employment",
    tag = "stats",
    params(FiguresQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the table; `policy` holds the period", body = DashboardView),
        (status = BAD_REQUEST, description = "malformed org code or date, or `from` after `to`", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "only unit officers, federation staff and auditors read employment help", body = ErrorBody),
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

/// 就业帮扶统计导出 — the same table as an Excel workbook.
#[utoipa::path(
    get,
    path = "/api/v1/stats/employment.xlsx",
    tag = "stats",
    params(FiguresQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the workbook, as an attachment", content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = BAD_REQUEST, description = "malformed org code or date, or `from` after `to`", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "only unit officers, federation staff and auditors read employment help", body = ErrorBody),
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
    super::stats::workbook_response(&d, "employment-stats")
}
