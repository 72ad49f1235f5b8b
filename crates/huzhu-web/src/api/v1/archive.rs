//! 困难职工档案 — the hardship-worker archive (SPEC 7.2, issue 15): a unit opens a household's
//! record, the street visits, the district reviews, the 公示 runs, objections are settled, the
//! household is admitted with its level; yearly review, lapse and exit. The public notice list
//! needs no sign-in and shows the masked name, the unit and the category only.

use crate::api::{route, ApiJson, ApiPath, ApiQuery};
use crate::auth::Authenticated;
use crate::error::ErrorBody;
use crate::{org_code, ApiError, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use huzhu_app::archive::{self, HouseholdView, ListFilter, OpenInput, PublicNoticeView};
use huzhu_app::model::{HouseholdEvent, MemberId, Objection};
use huzhu_app::Backend;
use huzhu_domain::archive::{ExitReason, FactsInput, HouseholdState, Level, PersonInput};
use huzhu_domain::notice::ObjectionOutcome;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes<S: Backend>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::new()
        .routes(route!(list::<S>))
        .routes(route!(open::<S>))
        .routes(route!(get::<S>))
        .routes(route!(timeline::<S>))
        .routes(route!(visit::<S>))
        .routes(route!(review::<S>))
        .routes(route!(start_notice::<S>))
        .routes(route!(admit::<S>))
        .routes(route!(refuse::<S>))
        .routes(route!(yearly_review::<S>))
        .routes(route!(exit::<S>))
        .routes(route!(record_objection::<S>))
        .routes(route!(settle_objection::<S>))
        .routes(route!(lapse::<S>))
        .routes(route!(public_notices::<S>))
}

/// 家庭成员 — ID number masked.
#[derive(Serialize, ToSchema)]
pub struct PersonBody {
    pub id_number: String,
    pub name: String,
    /// `self`, `spouse`, `child`, `parent`, `sibling`, `grandchild`, `grandparent`, `other`.
    pub relation: String,
    /// `postgraduate`, `undergraduate`, `junior_college`, `senior_secondary`, `none`.
    pub school_level: String,
    pub dialysis: bool,
}

/// 计算过程 — one line of the category's arithmetic (or of a refusal).
#[derive(Serialize, ToSchema)]
pub struct ReasoningBody {
    pub rule: String,
    pub clause: String,
    pub explain: String,
}

/// 异议
#[derive(Serialize, ToSchema)]
pub struct ObjectionBody {
    pub id: i64,
    pub notice_id: i64,
    pub received_on: NaiveDate,
    /// Who objected, when they gave a name (never on the public page).
    pub from_whom: Option<String>,
    pub content: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    /// `upheld` or `dismissed`; null while unsettled.
    pub outcome: Option<String>,
    pub outcome_reason: Option<String>,
    pub settled_by: Option<String>,
    pub settled_at: Option<DateTime<Utc>>,
}

impl ObjectionBody {
    fn of(o: Objection) -> ObjectionBody {
        let Objection {
            id,
            notice_id,
            received_on,
            from_whom,
            content,
            recorded_by,
            recorded_at,
            outcome,
            outcome_reason,
            settled_by,
            settled_at,
        } = o;
        ObjectionBody {
            id,
            notice_id,
            received_on,
            from_whom,
            content,
            recorded_by,
            recorded_at,
            outcome: outcome.map(|o| o.code().to_string()),
            outcome_reason,
            settled_by,
            settled_at,
        }
    }
}

/// 公示
#[derive(Serialize, ToSchema)]
pub struct NoticeBody {
    pub id: i64,
    pub public_name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub working_days: u32,
    /// `running`, `ended` or `concluded`.
    pub state: String,
    pub objections: Vec<ObjectionBody>,
}

/// 困难职工家庭档案 — a household's record; ID numbers masked.
#[derive(Serialize, ToSchema)]
pub struct HouseholdBody {
    pub id: i64,
    pub org: String,
    pub org_name: String,
    pub head_member_id: i64,
    pub head_name: String,
    pub head_id_number: String,
    /// `applied`, `visited`, `reviewed`, `in_notice`, `admitted`, `lapsed`, `refused`, `exited`.
    pub state: String,
    /// `deep`, `relative`, `accident`; null when out of hardship.
    pub category: Option<String>,
    pub per_head_monthly_income_fen: i64,
    pub reasoning: Vec<ReasoningBody>,
    pub refusals: Vec<ReasoningBody>,
    pub size: u32,
    pub annual_income_fen: i64,
    pub medical_self_paid_fen: i64,
    pub education_fen: i64,
    pub education_abroad_self_funded_fen: i64,
    pub disaster_loss_fen: i64,
    pub people: Vec<PersonBody>,
    pub programme: String,
    pub programme_version: String,
    /// `national`, `provincial`, `city_county`.
    pub level: Option<String>,
    pub level_date: Option<NaiveDate>,
    pub opened_by: String,
    pub opened_on: NaiveDate,
    pub visited_by: Option<String>,
    pub visited_on: Option<NaiveDate>,
    pub admitted_on: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    /// `out_of_hardship`, `retired`, `moved_away`, `deceased`, `by_request`.
    pub exit_reason: Option<String>,
    pub reason: Option<String>,
    pub notice: Option<NoticeBody>,
}

impl HouseholdBody {
    fn of(v: HouseholdView) -> HouseholdBody {
        let HouseholdView {
            id,
            org,
            org_name,
            head_member_id,
            head_name,
            head_id_number,
            state,
            category,
            per_head_monthly_income_fen,
            reasoning,
            refusals,
            size,
            annual_income_fen,
            medical_self_paid_fen,
            education_fen,
            education_abroad_self_funded_fen,
            disaster_loss_fen,
            people,
            programme,
            programme_version,
            level,
            level_date,
            opened_by,
            opened_on,
            visited_by,
            visited_on,
            admitted_on,
            valid_until,
            exit_reason,
            reason,
            notice,
        } = v;
        let lines = |v: Vec<archive::Reasoning>| {
            v.into_iter()
                .map(|r| ReasoningBody {
                    rule: r.rule,
                    clause: r.clause,
                    explain: r.explain,
                })
                .collect()
        };
        HouseholdBody {
            id,
            org,
            org_name,
            head_member_id,
            head_name,
            head_id_number,
            state: state.code().to_string(),
            category,
            per_head_monthly_income_fen,
            reasoning: lines(reasoning),
            refusals: lines(refusals),
            size,
            annual_income_fen,
            medical_self_paid_fen,
            education_fen,
            education_abroad_self_funded_fen,
            disaster_loss_fen,
            people: people
                .into_iter()
                .map(|p| PersonBody {
                    id_number: p.id_number,
                    name: p.name,
                    relation: p.relation,
                    school_level: p.school_level,
                    dialysis: p.dialysis,
                })
                .collect(),
            programme,
            programme_version,
            level: level.map(|l| l.code().to_string()),
            level_date,
            opened_by,
            opened_on,
            visited_by,
            visited_on,
            admitted_on,
            valid_until,
            exit_reason: exit_reason.map(|r| r.code().to_string()),
            reason,
            notice: notice.map(|n| NoticeBody {
                id: n.id,
                public_name: n.public_name,
                starts_on: n.starts_on,
                ends_on: n.ends_on,
                working_days: n.working_days,
                state: n.state,
                objections: n.objections.into_iter().map(ObjectionBody::of).collect(),
            }),
        }
    }
}

/// 档案时间线 — one step, dated and attributed.
#[derive(Serialize, ToSchema)]
pub struct EventBody {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub on: NaiveDate,
    pub actor: String,
    /// `open`, `visit`, `review`, `start_notice`, `objection`, `settle_objection`, `admit`,
    /// `refuse`, `yearly_review`, `lapse`, `exit`.
    pub step: String,
    /// The state after the step.
    pub state: String,
    pub note: Option<String>,
    /// What the step carried (JSON text).
    pub details: String,
}

impl EventBody {
    fn of(e: HouseholdEvent) -> EventBody {
        let HouseholdEvent {
            id,
            at,
            on,
            actor,
            step,
            state,
            note,
            details,
        } = e;
        EventBody {
            id,
            at,
            on,
            actor,
            step: step.code().to_string(),
            state: state.code().to_string(),
            note,
            details,
        }
    }
}

/// 公示 (public) — masked name, unit, category: no ID number, no income.
#[derive(Serialize, ToSchema)]
pub struct PublicNoticeBody {
    pub id: i64,
    /// `household` for the archive.
    pub subject_kind: String,
    #[schema(example = "张*")]
    pub public_name: String,
    pub unit_name: String,
    /// The category's code for a household.
    pub summary: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

impl PublicNoticeBody {
    fn of(n: PublicNoticeView) -> PublicNoticeBody {
        let PublicNoticeView {
            id,
            subject_kind,
            public_name,
            unit_name,
            summary,
            starts_on,
            ends_on,
        } = n;
        PublicNoticeBody {
            id,
            subject_kind,
            public_name,
            unit_name,
            summary,
            starts_on,
            ends_on,
        }
    }
}

/// 家庭成员（填写） — the head is added as `self` when left out.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonRequest {
    #[schema(example = "110105201009010015")]
    pub id_number: String,
    #[schema(pattern = "\\S")]
    pub name: String,
    #[schema(
        example = "child",
        pattern = "^(self|spouse|child|parent|sibling|grandchild|grandparent|other)$"
    )]
    pub relation: String,
    #[schema(example = "senior_secondary")]
    pub school_level: Option<String>,
    #[serde(default)]
    pub dialysis: bool,
}

/// 家庭情况 — amounts in fen.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FactsRequest {
    #[schema(example = 3)]
    pub size: u32,
    #[schema(example = 3000000)]
    pub annual_income_fen: i64,
    pub medical_self_paid_fen: i64,
    #[serde(default)]
    pub education_fen: i64,
    #[serde(default)]
    pub education_abroad_self_funded_fen: i64,
    #[serde(default)]
    pub disaster_loss_fen: i64,
    #[serde(default)]
    pub people: Vec<PersonRequest>,
}

impl FactsRequest {
    fn input(self) -> FactsInput {
        FactsInput {
            size: self.size,
            annual_income_fen: self.annual_income_fen,
            medical_self_paid_fen: self.medical_self_paid_fen,
            education_fen: self.education_fen,
            education_abroad_self_funded_fen: self.education_abroad_self_funded_fen,
            disaster_loss_fen: self.disaster_loss_fen,
            people: self
                .people
                .into_iter()
                .map(|p| PersonInput {
                    id_number: p.id_number,
                    name: p.name,
                    relation: p.relation,
                    school_level: p.school_level,
                    dialysis: p.dialysis,
                })
                .collect(),
        }
    }
}

/// 建档申请
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenRequest {
    /// The member heading the household (a member of a unit in scope).
    pub head_member_id: i64,
    pub facts: FactsRequest,
}

/// 入户核查
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitRequest {
    pub on: NaiveDate,
    #[schema(pattern = "\\S", max_length = 500)]
    pub note: String,
}

/// A note (may be empty).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteRequest {
    #[serde(default)]
    #[schema(max_length = 500)]
    pub note: String,
}

/// 建档 — the level as the federation gives it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdmitRequest {
    /// `national`, `provincial`, `city_county`.
    #[schema(
        example = "city_county",
        pattern = "^(national|provincial|city_county)$"
    )]
    pub level: String,
    pub level_date: NaiveDate,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub note: String,
}

/// 不予建档
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefuseRequest {
    #[schema(pattern = "\\S", max_length = 500)]
    pub reason: String,
}

/// 年度复核 — the household's new facts.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct YearlyReviewRequest {
    pub facts: FactsRequest,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub note: String,
}

/// 退出档案
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExitRequest {
    /// `retired`, `moved_away`, `deceased`, `by_request` (out of hardship follows a review).
    #[schema(
        example = "moved_away",
        pattern = "^(retired|moved_away|deceased|by_request)$"
    )]
    pub reason: String,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub note: String,
}

/// 登记异议
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectionRequest {
    pub received_on: NaiveDate,
    #[schema(max_length = 500)]
    pub from_whom: Option<String>,
    #[schema(pattern = "\\S", max_length = 500)]
    pub content: String,
}

/// 异议处理
#[derive(Deserialize, ToSchema)]
#[schema(as = ObjectionSettleRequest)]
#[serde(deny_unknown_fields)]
pub struct SettleRequest {
    /// `upheld` or `dismissed`.
    #[schema(example = "dismissed", pattern = "^(upheld|dismissed)$")]
    pub outcome: String,
    #[schema(pattern = "\\S", max_length = 500)]
    pub reason: String,
}

/// 逾期处理 — the day the sweep is run for.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LapseRequest {
    pub today: NaiveDate,
}

/// 逾期处理结果
#[derive(Serialize, ToSchema)]
pub struct LapseBody {
    /// The records marked lapsed.
    pub lapsed: Vec<i64>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// 组织代码 — this subtree (within the actor's); the actor's own org when absent.
    #[param(pattern = "^[A-Za-z0-9-]{1,32}$")]
    org: Option<String>,
    /// A state code.
    #[param(pattern = "^(applied|visited|reviewed|in_notice|admitted|lapsed|refused|exited)$")]
    state: Option<String>,
    /// `deep`, `relative`, `accident`.
    #[param(pattern = "^(deep|relative|accident)$")]
    category: Option<String>,
    /// `national`, `provincial`, `city_county`.
    #[param(pattern = "^(national|provincial|city_county)$")]
    level: Option<String>,
}

fn parsed<T>(field: &str, raw: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T, ApiError> {
    parse(raw).ok_or_else(|| {
        ApiError::invalid(field, format!("无效的取值“{raw}” (unknown value '{raw}')"))
    })
}

/// 困难职工档案列表 — records in scope, newest first (at most 500).
#[utoipa::path(
    get,
    path = "/api/v1/archive/households",
    tag = "archive",
    params(ListQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "records", body = Vec<HouseholdBody>),
        (status = BAD_REQUEST, description = "a bad filter; `field` names it", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read the archive", body = ErrorBody),
        (status = NOT_FOUND, description = "no organisation `org` in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn list<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Vec<HouseholdBody>>, ApiError> {
    let filter = ListFilter {
        org: q.org.as_deref().map(|c| org_code("org", c)).transpose()?,
        state: q
            .state
            .as_deref()
            .map(|s| parsed("state", s, HouseholdState::parse))
            .transpose()?,
        category: q
            .category
            .as_deref()
            .map(|c| {
                parsed("category", c, |c| {
                    huzhu_domain::programme::Category::parse(c)
                })
            })
            .transpose()?
            .map(|c| c.code().to_string()),
        level: q
            .level
            .as_deref()
            .map(|l| parsed("level", l, Level::parse))
            .transpose()?,
    };
    let list = archive::list(&state.store, state.clock.as_ref(), &actor, &filter).await?;
    Ok(Json(list.into_iter().map(HouseholdBody::of).collect()))
}

/// 建档申请 — the unit opens a household's record; the category is computed from the facts.
#[utoipa::path(
    post,
    path = "/api/v1/archive/households",
    tag = "archive",
    request_body = OpenRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "the record, applied", body = HouseholdBody),
        (status = BAD_REQUEST, description = "a bad fact, or a household the programme refuses (the arithmetic says why)", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not apply", body = ErrorBody),
        (status = NOT_FOUND, description = "no such member in scope", body = ErrorBody),
        (status = CONFLICT, description = "the head or a person is in an open record already (一户一档)", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn open<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiJson(req): ApiJson<OpenRequest>,
) -> Result<(StatusCode, Json<HouseholdBody>), ApiError> {
    let input = OpenInput {
        head: MemberId(req.head_member_id),
        facts: req.facts.input(),
    };
    let h = archive::open(&state.store, state.clock.as_ref(), &actor, &input).await?;
    Ok((StatusCode::CREATED, Json(HouseholdBody::of(h))))
}

/// 档案详情 — with the category's arithmetic and the notice.
#[utoipa::path(
    get,
    path = "/api/v1/archive/households/{id}",
    tag = "archive",
    params(("id" = i64, Path, description = "record id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the record", body = HouseholdBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read the archive", body = ErrorBody),
        (status = NOT_FOUND, description = "no such record in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn get<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<HouseholdBody>, ApiError> {
    let h = archive::get(&state.store, state.clock.as_ref(), &actor, id).await?;
    Ok(Json(HouseholdBody::of(h)))
}

/// 档案时间线 — every step, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/archive/households/{id}/timeline",
    tag = "archive",
    params(("id" = i64, Path, description = "record id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the timeline", body = Vec<EventBody>),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read the archive", body = ErrorBody),
        (status = NOT_FOUND, description = "no such record in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn timeline<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<EventBody>>, ApiError> {
    let list = archive::timeline(&state.store, &actor, id).await?;
    Ok(Json(list.into_iter().map(EventBody::of).collect()))
}

/// 入户核查 (street level or above), dated.
#[utoipa::path(
    post,
    path = "/api/v1/archive/households/{id}/visit",
    tag = "archive",
    params(("id" = i64, Path, description = "record id")),
    request_body = VisitRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "visited", body = HouseholdBody),
        (status = BAD_REQUEST, description = "a bad field; `field` names it", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role or its level may not take this step", body = ErrorBody),
        (status = NOT_FOUND, description = "no such record in scope", body = ErrorBody),
        (status = CONFLICT, description = "not allowed in the record's state, or a visit date before the application or in the future", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn visit<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<VisitRequest>,
) -> Result<Json<HouseholdBody>, ApiError> {
    let h = archive::visit(
        &state.store,
        state.clock.as_ref(),
        &actor,
        id,
        req.on,
        &req.note,
    )
    .await?;
    Ok(Json(HouseholdBody::of(h)))
}

/// 区级审核 (district level or above; not by the visitor).
#[utoipa::path(
    post,
    path = "/api/v1/archive/households/{id}/review",
    tag = "archive",
    params(("id" = i64, Path, description = "record id")),
    request_body = NoteRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "reviewed", body = HouseholdBody),
        (status = BAD_REQUEST, description = "a bad field; `field` names it", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role or its level may not take this step", body = ErrorBody),
        (status = NOT_FOUND, description = "no such record in scope", body = ErrorBody),
        (status = CONFLICT, description = "not allowed in the record's state, or the reviewer visited", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn review<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<NoteRequest>,
) -> Result<Json<HouseholdBody>, ApiError> {
    let h = archive::review(&state.store, state.clock.as_ref(), &actor, id, &req.note).await?;
    Ok(Json(HouseholdBody::of(h)))
}

/// 开始公示 — from today, for the programme's working days (holiday calendar).
#[utoipa::path(
    post,
    path = "/api/v1/archive/households/{id}/notice",
    tag = "archive",
    params(("id" = i64, Path, description = "record id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "in notice", body = HouseholdBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role or its level may not take this step", body = ErrorBody),
        (status = NOT_FOUND, description = "no such record in scope", body = ErrorBody),
        (status = CONFLICT, description = "not allowed in the record's state, or the calendar does not cover the window", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn start_notice<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<HouseholdBody>, ApiError> {
    let h = archive::start_notice(&state.store, state.clock.as_ref(), &actor, id).await?;
    Ok(Json(HouseholdBody::of(h)))
}

/// 建档 — after the notice has ended with every objection settled and none upheld.
#[utoipa::path(
    post,
    path = "/api/v1/archive/households/{id}/admit",
    tag = "archive",
    params(("id" = i64, Path, description = "record id")),
    request_body = AdmitRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "admitted", body = HouseholdBody),
        (status = BAD_REQUEST, description = "a bad field; `field` names it", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role or its level may not take this step", body = ErrorBody),
        (status = NOT_FOUND, description = "no such record in scope", body = ErrorBody),
        (status = CONFLICT, description = "not in notice, the notice still runs, an objection is unsettled or was upheld", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn admit<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<AdmitRequest>,
) -> Result<Json<HouseholdBody>, ApiError> {
    let level = parsed("level", &req.level, Level::parse)?;
    let h = archive::admit(
        &state.store,
        state.clock.as_ref(),
        &actor,
        id,
        level,
        req.level_date,
        &req.note,
    )
    .await?;
    Ok(Json(HouseholdBody::of(h)))
}

/// 不予建档 — at any step before admission, with a reason.
#[utoipa::path(
    post,
    path = "/api/v1/archive/households/{id}/refuse",
    tag = "archive",
    params(("id" = i64, Path, description = "record id")),
    request_body = RefuseRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "refused", body = HouseholdBody),
        (status = BAD_REQUEST, description = "no reason", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role or its level may not take this step", body = ErrorBody),
        (status = NOT_FOUND, description = "no such record in scope", body = ErrorBody),
        (status = CONFLICT, description = "admitted or closed already", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn refuse<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<RefuseRequest>,
) -> Result<Json<HouseholdBody>, ApiError> {
    let h = archive::refuse(&state.store, state.clock.as_ref(), &actor, id, &req.reason).await?;
    Ok(Json(HouseholdBody::of(h)))
}

/// 年度复核 — the category recomputed from new facts; out of hardship exits the record.
#[utoipa::path(
    post,
    path = "/api/v1/archive/households/{id}/yearly-review",
    tag = "archive",
    params(("id" = i64, Path, description = "record id")),
    request_body = YearlyReviewRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "reviewed (admitted again, or exited out of hardship)", body = HouseholdBody),
        (status = BAD_REQUEST, description = "a bad fact; `field` names it", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role or its level may not take this step", body = ErrorBody),
        (status = NOT_FOUND, description = "no such record in scope", body = ErrorBody),
        (status = CONFLICT, description = "not admitted or lapsed, or a person is in another open record", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn yearly_review<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<YearlyReviewRequest>,
) -> Result<Json<HouseholdBody>, ApiError> {
    let facts = req.facts.input();
    let h = archive::yearly_review(
        &state.store,
        state.clock.as_ref(),
        &actor,
        id,
        &facts,
        &req.note,
    )
    .await?;
    Ok(Json(HouseholdBody::of(h)))
}

/// 退出档案 — with a reason.
#[utoipa::path(
    post,
    path = "/api/v1/archive/households/{id}/exit",
    tag = "archive",
    params(("id" = i64, Path, description = "record id")),
    request_body = ExitRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "exited", body = HouseholdBody),
        (status = BAD_REQUEST, description = "a bad reason", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role or its level may not take this step", body = ErrorBody),
        (status = NOT_FOUND, description = "no such record in scope", body = ErrorBody),
        (status = CONFLICT, description = "not admitted or lapsed", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn exit<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ExitRequest>,
) -> Result<Json<HouseholdBody>, ApiError> {
    let reason = parsed("reason", &req.reason, ExitReason::parse)?;
    let h = archive::exit(
        &state.store,
        state.clock.as_ref(),
        &actor,
        id,
        reason,
        &req.note,
    )
    .await?;
    Ok(Json(HouseholdBody::of(h)))
}

/// 登记异议 — to an open notice (street level or above).
#[utoipa::path(
    post,
    path = "/api/v1/archive/notices/{id}/objections",
    tag = "archive",
    params(("id" = i64, Path, description = "notice id")),
    request_body = ObjectionRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "recorded", body = ObjectionBody),
        (status = BAD_REQUEST, description = "a bad field; `field` names it", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role or its level may not record objections", body = ErrorBody),
        (status = NOT_FOUND, description = "no such notice in scope", body = ErrorBody),
        (status = CONFLICT, description = "the notice is concluded", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn record_objection<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ObjectionRequest>,
) -> Result<(StatusCode, Json<ObjectionBody>), ApiError> {
    let o = archive::record_objection(
        &state.store,
        state.clock.as_ref(),
        &actor,
        id,
        req.received_on,
        req.from_whom.as_deref(),
        &req.content,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(ObjectionBody::of(o))))
}

/// 异议处理 — upheld or dismissed, with the reason; once.
#[utoipa::path(
    post,
    path = "/api/v1/archive/objections/{id}/settle",
    tag = "archive",
    params(("id" = i64, Path, description = "objection id")),
    request_body = SettleRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "settled", body = ObjectionBody),
        (status = BAD_REQUEST, description = "a bad field; `field` names it", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role or its level may not settle objections", body = ErrorBody),
        (status = NOT_FOUND, description = "no such objection in scope", body = ErrorBody),
        (status = CONFLICT, description = "settled already", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn settle_objection<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<SettleRequest>,
) -> Result<Json<ObjectionBody>, ApiError> {
    let outcome = parsed("outcome", &req.outcome, ObjectionOutcome::parse)?;
    let o = archive::settle_objection(
        &state.store,
        state.clock.as_ref(),
        &actor,
        id,
        outcome,
        &req.reason,
    )
    .await?;
    Ok(Json(ObjectionBody::of(o)))
}

/// 逾期处理 — marks lapsed the admitted records in scope not reviewed within 30 days after
/// their anniversary, as of `today`.
#[utoipa::path(
    post,
    path = "/api/v1/archive/lapse",
    tag = "archive",
    request_body = LapseRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the records marked lapsed", body = LapseBody),
        (status = BAD_REQUEST, description = "a bad date", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role or its level may not run the sweep", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn lapse<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiJson(req): ApiJson<LapseRequest>,
) -> Result<Json<LapseBody>, ApiError> {
    let lapsed =
        archive::lapse_sweep(&state.store, state.clock.as_ref(), &actor, req.today).await?;
    Ok(Json(LapseBody { lapsed }))
}

/// 公示 (public, no sign-in) — the notices running today: masked name, unit, category.
#[utoipa::path(
    get,
    path = "/api/v1/public/notices",
    tag = "archive",
    responses(
        (status = OK, description = "running notices", body = Vec<PublicNoticeBody>),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn public_notices<S: Backend>(
    State(state): State<AppState<S>>,
) -> Result<Json<Vec<PublicNoticeBody>>, ApiError> {
    let list = archive::public_notices(&state.store, state.clock.as_ref()).await?;
    Ok(Json(list.into_iter().map(PublicNoticeBody::of).collect()))
}
