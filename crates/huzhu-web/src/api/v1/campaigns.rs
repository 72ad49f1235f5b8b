//! 送温暖 — care campaigns (SPEC 7.4; docs/grants.md): open a campaign, list recipients from
//! their tags or by hand (a member is on the list once, the second listing refused naming the
//! first), record visits and gift packs, grant the cash into the payout batches.

use crate::api::{route, ApiJson, ApiPath, ApiQuery};
use crate::auth::Authenticated;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use huzhu_app::campaign;
use huzhu_app::model::{Campaign, CampaignGranted, Listed, MemberId, Recipient};
use huzhu_app::Backend;
use huzhu_domain::money::Money;
use huzhu_domain::personal::mask_middle;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes<S: Backend>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::new()
        .routes(route!(create::<S>))
        .routes(route!(list::<S>))
        .routes(route!(show::<S>))
        .routes(route!(from_tags::<S>))
        .routes(route!(from_archive::<S>))
        .routes(route!(add::<S>))
        .routes(route!(recipients::<S>))
        .routes(route!(visit::<S>))
        .routes(route!(gift::<S>))
        .routes(route!(grant::<S>))
}

#[derive(Serialize, ToSchema)]
pub struct CampaignBody {
    pub id: i64,
    /// The org that runs it.
    pub org: String,
    pub programme: String,
    pub version: String,
    pub name: String,
    pub cycle: String,
    pub window_start: NaiveDate,
    pub window_end: NaiveDate,
    /// `open` or `closed`.
    pub state: String,
    pub created_by: String,
}

impl CampaignBody {
    fn of(c: Campaign) -> CampaignBody {
        CampaignBody {
            id: c.id,
            org: c.org,
            programme: c.programme_id,
            version: c.programme_version,
            name: c.name,
            cycle: c.cycle,
            window_start: c.window_start,
            window_end: c.window_end,
            state: c.state,
            created_by: c.created_by,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RecipientBody {
    pub id: i64,
    pub member: i64,
    pub member_name: String,
    /// Masked.
    pub id_number: String,
    /// The member's unit.
    pub unit: String,
    pub unit_name: String,
    /// The org whose list named them.
    pub listed_by_org: String,
    pub listed_by_org_name: String,
    /// `archive`, `tag` or `manual`.
    pub basis: String,
    pub reason: String,
    pub cash_fen: i64,
    pub gift_pack: bool,
    pub gift_handed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub visit_date: Option<NaiveDate>,
    pub visitor: Option<String>,
    /// The member's grant of this campaign, once granted.
    pub grant: Option<i64>,
}

impl RecipientBody {
    fn of(r: Recipient) -> RecipientBody {
        RecipientBody {
            id: r.id,
            member: r.member.0,
            member_name: r.member_name,
            id_number: mask_middle(&r.id_number, 4, 4),
            unit: r.unit,
            unit_name: r.unit_name,
            listed_by_org: r.listed_by_org,
            listed_by_org_name: r.listed_by_org_name,
            basis: r.basis,
            reason: r.reason,
            cash_fen: r.cash.fen(),
            gift_pack: r.gift_pack,
            gift_handed_at: r.gift_handed_at,
            visit_date: r.visit_date,
            visitor: r.visitor,
            grant: r.grant.map(|g| g.0),
        }
    }
}

/// What a listing did: how many were added, who was listed already (and by whom), who is unknown.
#[derive(Serialize, ToSchema)]
pub struct ListedBody {
    pub added: u64,
    pub already: Vec<AlreadyListedBody>,
    pub not_found: Vec<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct AlreadyListedBody {
    pub member: i64,
    /// The first listing (a recipient id).
    pub first: i64,
    /// The org whose list has them.
    pub org: String,
    pub org_name: String,
    pub listed_by: String,
}

impl ListedBody {
    fn of(l: Listed) -> ListedBody {
        ListedBody {
            added: l.added,
            already: l
                .already
                .into_iter()
                .map(|a| AlreadyListedBody {
                    member: a.member.0,
                    first: a.first,
                    org: a.org,
                    org_name: a.org_name,
                    listed_by: a.listed_by,
                })
                .collect(),
            not_found: l.not_found.into_iter().map(|m| m.0).collect(),
        }
    }
}

/// What listing from the archive did: the listing, and the admitted households the programme
/// grants nothing (with the engine's refusals).
#[derive(Serialize, ToSchema)]
pub struct ArchiveListedBody {
    pub added: u64,
    pub already: Vec<AlreadyListedBody>,
    pub not_found: Vec<i64>,
    pub not_eligible: Vec<NotEligibleBody>,
}

#[derive(Serialize, ToSchema)]
pub struct NotEligibleBody {
    /// The household's head.
    pub member: i64,
    pub household: i64,
    pub refusals: Vec<CampaignRefusalBody>,
}

/// One failed condition of the campaign's programme.
#[derive(Serialize, ToSchema)]
pub struct CampaignRefusalBody {
    /// `category_not_covered`, `outside_window`, …
    pub reason: String,
    pub clause: String,
    pub explain: String,
}

impl ArchiveListedBody {
    fn of(a: campaign::ArchiveListed) -> ArchiveListedBody {
        let l = ListedBody::of(a.listed);
        ArchiveListedBody {
            added: l.added,
            already: l.already,
            not_found: l.not_found,
            not_eligible: a
                .not_eligible
                .into_iter()
                .map(|n| NotEligibleBody {
                    member: n.member.0,
                    household: n.household,
                    refusals: n
                        .refusals
                        .into_iter()
                        .map(|r| CampaignRefusalBody {
                            reason: r.reason,
                            clause: r.clause,
                            explain: r.explain,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct GrantedBody {
    pub granted: u64,
    pub total_fen: i64,
    /// Members whose key was granted already: the first grant and its org.
    pub refused: Vec<RefusedBody>,
}

#[derive(Serialize, ToSchema)]
pub struct RefusedBody {
    pub member: i64,
    pub first: i64,
    pub first_org: String,
}

impl GrantedBody {
    fn of(g: CampaignGranted) -> GrantedBody {
        GrantedBody {
            granted: g.granted,
            total_fen: g.total.fen(),
            refused: g
                .refused
                .into_iter()
                .map(|r| RefusedBody {
                    member: r.member.0,
                    first: r.first.0,
                    first_org: r.first_org,
                })
                .collect(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCampaignBody {
    #[schema(example = "two-festivals-2026")]
    pub programme: String,
    pub window_start: NaiveDate,
    pub window_end: NaiveDate,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddRecipientBody {
    pub member: i64,
    /// 添加理由
    #[schema(pattern = "\\S")]
    pub reason: String,
    #[schema(minimum = 0, maximum = 200_000)]
    pub cash_fen: i64,
    #[serde(default)]
    pub gift_pack: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitBody {
    pub date: NaiveDate,
    /// 走访人
    #[schema(pattern = "\\S")]
    pub visitor: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct PageQuery {
    after: Option<i64>,
    /// Page size.
    #[param(minimum = 1, maximum = 1000, default = 100)]
    limit: Option<u32>,
}

/// 新建慰问活动
#[utoipa::path(
    post,
    path = "/api/v1/campaigns",
    tag = "campaigns",
    request_body = CreateCampaignBody,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "the campaign", body = CampaignBody),
        (status = BAD_REQUEST, description = "not a campaign programme, or a bad window", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not open a campaign", body = ErrorBody),
        (status = CONFLICT, description = "the programme has a campaign already", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn create<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiJson(req): ApiJson<CreateCampaignBody>,
) -> Result<(StatusCode, Json<CampaignBody>), ApiError> {
    let c = campaign::create(
        &state.store,
        state.clock.as_ref(),
        &actor,
        &req.programme,
        (req.window_start, req.window_end),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(CampaignBody::of(c))))
}

/// 慰问活动列表 — the campaigns of the actor's city federation, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/campaigns",
    tag = "campaigns",
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "campaigns", body = Vec<CampaignBody>),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read campaigns", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn list<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
) -> Result<Json<Vec<CampaignBody>>, ApiError> {
    let list = campaign::list(&state.store, &actor).await?;
    Ok(Json(list.into_iter().map(CampaignBody::of).collect()))
}

/// 慰问活动
#[utoipa::path(
    get,
    path = "/api/v1/campaigns/{id}",
    tag = "campaigns",
    params(("id" = i64, Path, description = "campaign id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the campaign", body = CampaignBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read campaigns", body = ErrorBody),
        (status = NOT_FOUND, description = "no such campaign", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn show<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CampaignBody>, ApiError> {
    let c = campaign::get(&state.store, &actor, id).await?;
    Ok(Json(CampaignBody::of(c)))
}

/// 按标签生成名单 — the actor's subtree's members the programme grants something for their tags.
#[utoipa::path(
    post,
    path = "/api/v1/campaigns/{id}/recipients/from-tags",
    tag = "campaigns",
    params(("id" = i64, Path, description = "campaign id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "what the listing did", body = ListedBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not list", body = ErrorBody),
        (status = NOT_FOUND, description = "no such campaign", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn from_tags<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ListedBody>, ApiError> {
    let l = campaign::list_from_tags(&state.store, state.clock.as_ref(), &actor, id).await?;
    Ok(Json(ListedBody::of(l)))
}

/// 按档案生成名单 — the heads of the admitted households of the actor's subtree, decided by the
/// campaign programme's engine from the archive record (amount and clause from the rule).
#[utoipa::path(
    post,
    path = "/api/v1/campaigns/{id}/recipients/from-archive",
    tag = "campaigns",
    params(("id" = i64, Path, description = "campaign id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "what the listing did, and who the programme grants nothing", body = ArchiveListedBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not list", body = ErrorBody),
        (status = NOT_FOUND, description = "no such campaign", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn from_archive<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ArchiveListedBody>, ApiError> {
    let l = campaign::list_from_archive(&state.store, state.clock.as_ref(), &actor, id).await?;
    Ok(Json(ArchiveListedBody::of(l)))
}

/// 手工添加 — one member, with the reason; listed already is answered naming the first listing.
#[utoipa::path(
    post,
    path = "/api/v1/campaigns/{id}/recipients",
    tag = "campaigns",
    params(("id" = i64, Path, description = "campaign id")),
    request_body = AddRecipientBody,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "what the listing did", body = ListedBody),
        (status = BAD_REQUEST, description = "no reason, or cash out of range", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not list", body = ErrorBody),
        (status = NOT_FOUND, description = "no such campaign, or no member in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn add<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<AddRecipientBody>,
) -> Result<Json<ListedBody>, ApiError> {
    let l = campaign::add_by_hand(
        &state.store,
        state.clock.as_ref(),
        &actor,
        id,
        campaign::ByHand {
            member: MemberId(req.member),
            reason: &req.reason,
            cash: Money::from_fen(req.cash_fen),
            gift_pack: req.gift_pack,
        },
    )
    .await?;
    Ok(Json(ListedBody::of(l)))
}

/// 慰问名单 — the recipients in the actor's subtree, by id.
#[utoipa::path(
    get,
    path = "/api/v1/campaigns/{id}/recipients",
    tag = "campaigns",
    params(("id" = i64, Path, description = "campaign id"), PageQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "recipients", body = Vec<RecipientBody>),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read campaigns", body = ErrorBody),
        (status = NOT_FOUND, description = "no such campaign", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn recipients<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<Vec<RecipientBody>>, ApiError> {
    let list = campaign::recipients(
        &state.store,
        &actor,
        id,
        q.after.unwrap_or(0),
        crate::api::page_limit(q.limit, 1000)?,
    )
    .await?;
    Ok(Json(list.into_iter().map(RecipientBody::of).collect()))
}

/// 记录走访
#[utoipa::path(
    post,
    path = "/api/v1/campaign-recipients/{id}/visit",
    tag = "campaigns",
    params(("id" = i64, Path, description = "recipient id")),
    request_body = VisitBody,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the recipient", body = RecipientBody),
        (status = BAD_REQUEST, description = "no visitor, or a date in the future", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not record visits", body = ErrorBody),
        (status = NOT_FOUND, description = "no such recipient in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn visit<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<VisitBody>,
) -> Result<Json<RecipientBody>, ApiError> {
    let r = campaign::record_visit(
        &state.store,
        state.clock.as_ref(),
        &actor,
        id,
        req.date,
        &req.visitor,
    )
    .await?;
    Ok(Json(RecipientBody::of(r)))
}

/// 慰问品发放
#[utoipa::path(
    post,
    path = "/api/v1/campaign-recipients/{id}/gift",
    tag = "campaigns",
    params(("id" = i64, Path, description = "recipient id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the recipient", body = RecipientBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not hand out gifts", body = ErrorBody),
        (status = NOT_FOUND, description = "no such recipient in scope", body = ErrorBody),
        (status = CONFLICT, description = "no gift pack due, or handed out already", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn gift<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<RecipientBody>, ApiError> {
    let r = campaign::hand_gift(&state.store, state.clock.as_ref(), &actor, id).await?;
    Ok(Json(RecipientBody::of(r)))
}

/// 发放慰问金 — every recipient of the actor's subtree not granted yet, from the campaign fund.
#[utoipa::path(
    post,
    path = "/api/v1/campaigns/{id}/grant",
    tag = "campaigns",
    params(("id" = i64, Path, description = "campaign id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "what was granted and refused", body = GrantedBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not grant", body = ErrorBody),
        (status = NOT_FOUND, description = "no such campaign", body = ErrorBody),
        (status = CONFLICT, description = "`fund_exhausted`: the campaign fund holds less", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn grant<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<GrantedBody>, ApiError> {
    let g = campaign::grant(&state.store, state.clock.as_ref(), &actor, id).await?;
    Ok(Json(GrantedBody::of(g)))
}
