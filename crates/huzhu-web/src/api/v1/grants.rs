//! 帮扶救助 — reliefs and their funds (SPEC 7.1, 7.3; docs/grants.md): apply (the programme's
//! engine decides), the street's check, approval by the level the assessment names, refusal
//! with a reason, the notice 救助决定书, a member's grants, and the funds. ID numbers are masked.

use super::documents::{FileBody, UPLOAD_BODY_LIMIT};
use crate::api::{route, ApiJson, ApiPath, ApiQuery};
use crate::auth::Authenticated;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use huzhu_app::grant::{self, Applied, ApplyRequest, Notice};
use huzhu_app::model::{FundBalance, Grant, GrantDocument, GrantFilter, GrantId, MemberId};
use huzhu_app::Backend;
use huzhu_domain::grant::GrantState;
use huzhu_domain::money::Money;
use huzhu_domain::personal::{mask_id_numbers_in, mask_middle};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes<S: Backend>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::new()
        .routes(route!(apply::<S>))
        .routes(route!(list::<S>))
        .routes(route!(show::<S>))
        .routes(route!(check::<S>))
        .routes(route!(approve::<S>))
        .routes(route!(refuse::<S>))
        .routes(route!(withdraw::<S>))
        .routes(route!(notice::<S>))
        .routes(route!(member_grants::<S>))
        .routes(route!(funds::<S>))
        .routes(route!(deposit::<S>))
        // grant documents (issue 15): hand in, list, download
        .routes({
            let (schemas, paths, upload) = route!(add_document::<S>);
            (
                schemas,
                paths,
                upload.layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
            )
        })
        .routes(route!(grant_documents::<S>))
        .routes(route!(grant_document_file::<S>))
}

/// 救助 — a relief application or grant; the subject's ID number masked.
#[derive(Serialize, ToSchema)]
pub struct GrantBody {
    pub id: i64,
    pub programme: String,
    /// The programme's version the application was decided under (pinned).
    pub version: String,
    pub cycle: String,
    /// The uniqueness key, its ID number masked.
    pub key: String,
    /// The subject (member, patient, student), masked.
    pub subject: String,
    pub member: i64,
    pub member_name: String,
    /// The member's unit when applied.
    pub org: String,
    /// `hardship`, `spring_breeze` or `campaign`.
    pub fund: String,
    pub amount_fen: i64,
    pub paid_fen: i64,
    /// `applied`, `checked`, `approved`, `refused`, `withdrawn`, `in_batch`, `paid`.
    pub state: String,
    /// The state in words: 中文 (English).
    pub state_words: String,
    /// `street`, `district` or `city`.
    pub approval_level: String,
    pub campaign: Option<i64>,
    /// Why refused: reason codes (`already_granted` names the first grant) with words.
    pub reason: Option<String>,
    /// The engine's assessment: lines with clause and arithmetic, refusals.
    #[schema(value_type = Object)]
    pub assessment: serde_json::Value,
    pub applied_by: String,
    pub applied_at: chrono::DateTime<chrono::Utc>,
    pub checked_by: Option<String>,
    pub checked_at: Option<chrono::DateTime<chrono::Utc>>,
    pub decided_by: Option<String>,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
}

pub(crate) fn state_words(s: GrantState) -> String {
    let (zh, en) = s.words();
    format!("{zh} ({en})")
}

impl GrantBody {
    pub(crate) fn of(g: Grant) -> GrantBody {
        let masked = mask_middle(&g.subject_id_number, 4, 4);
        GrantBody {
            id: g.id.0,
            key: g.key.replace(&g.subject_id_number, &masked),
            subject: masked,
            programme: g.programme_id,
            version: g.programme_version,
            cycle: g.cycle,
            member: g.member.0,
            member_name: g.member_name,
            org: g.org.to_string(),
            fund: g.fund.code().into(),
            amount_fen: g.amount.fen(),
            paid_fen: g.paid.fen(),
            state: g.state.code().into(),
            state_words: state_words(g.state),
            approval_level: g.approval_level.code().into(),
            campaign: g.campaign,
            reason: g.reason.as_deref().map(mask_id_numbers_in),
            assessment: serde_json::from_str(&g.assessment).unwrap_or_default(),
            applied_by: g.applied_by,
            applied_at: g.applied_at,
            checked_by: g.checked_by,
            checked_at: g.checked_at,
            decided_by: g.decided_by,
            decided_at: g.decided_at,
        }
    }
}

/// 申请 — a relief application for a member: SPEC 11's case facts, huzhu adds the member's
/// record, today and the grants made already.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyBody {
    #[schema(example = "one-off-relief")]
    pub programme: String,
    pub member: i64,
    /// `household`, `archive`, `medical`, `donations`, `requested_fen`, `documents` as SPEC 11.
    #[serde(default)]
    #[schema(value_type = Object, example = json!({"requested_fen": 200000}))]
    pub facts: serde_json::Map<String, serde_json::Value>,
}

/// What became of one subject of an application.
#[derive(Serialize, ToSchema)]
pub struct AppliedBody {
    /// `recorded` (applied, or refused by the programme) or `already_granted`.
    pub outcome: String,
    pub grant: GrantBody,
    /// The grant holding the key, for `already_granted`.
    pub first: Option<GrantBody>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Only this state.
    #[param(pattern = "^(applied|checked|approved|refused|withdrawn|in_batch|paid)?$")]
    state: Option<String>,
    member: Option<i64>,
    programme: Option<String>,
    /// Approved grants not yet in a batch.
    #[serde(default)]
    awaiting_payout: bool,
    after: Option<i64>,
    /// Page size.
    #[param(minimum = 1, maximum = 1000, default = 100)]
    limit: Option<u32>,
}

/// 拒绝理由
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    #[schema(pattern = "\\S")]
    pub reason: String,
}

/// 救助决定书 — the decision clause by clause.
#[derive(Serialize, ToSchema)]
pub struct DecisionNoticeBody {
    pub grant: i64,
    pub programme: String,
    pub version: String,
    pub member_name: String,
    pub state: String,
    pub state_words: String,
    pub amount_fen: i64,
    pub lines: Vec<DecisionNoticeLineBody>,
    pub reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DecisionNoticeLineBody {
    pub clause: String,
    pub explain: String,
    pub amount_fen: i64,
}

impl DecisionNoticeBody {
    fn of(n: Notice) -> DecisionNoticeBody {
        DecisionNoticeBody {
            grant: n.grant.0,
            programme: n.programme,
            version: n.version,
            member_name: n.member_name,
            state: n.state.code().into(),
            state_words: state_words(n.state),
            amount_fen: n.amount.fen(),
            lines: n
                .lines
                .into_iter()
                .map(|l| DecisionNoticeLineBody {
                    clause: l.clause,
                    explain: l.explain,
                    amount_fen: l.amount.fen(),
                })
                .collect(),
            reason: n.reason.as_deref().map(mask_id_numbers_in),
        }
    }
}

/// A fund's balance.
#[derive(Serialize, ToSchema)]
pub struct FundBody {
    /// `hardship`, `spring_breeze` or `campaign`.
    pub fund: String,
    /// 中文 (English).
    pub name: String,
    pub balance_fen: i64,
}

impl FundBody {
    fn of(f: FundBalance) -> FundBody {
        let (zh, en) = f.fund.words();
        FundBody {
            fund: f.fund.code().into(),
            name: format!("{zh} ({en})"),
            balance_fen: f.balance.fen(),
        }
    }
}

/// 资金拨入 — an appropriation into a fund.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepositBody {
    pub amount_fen: i64,
    /// 拨款依据
    pub reference: String,
}

/// 申请救助 — the programme decides; refused cases are stored refused with the reasons.
#[utoipa::path(
    post,
    path = "/api/v1/grants",
    tag = "grants",
    request_body = ApplyBody,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "one answer per subject", body = Vec<AppliedBody>),
        (status = BAD_REQUEST, description = "unknown programme or a malformed fact; `field` names it", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not apply", body = ErrorBody),
        (status = NOT_FOUND, description = "no member in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn apply<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiJson(req): ApiJson<ApplyBody>,
) -> Result<(StatusCode, Json<Vec<AppliedBody>>), ApiError> {
    let out = grant::apply(
        &state.store,
        state.clock.as_ref(),
        &actor,
        ApplyRequest {
            programme: req.programme,
            member: MemberId(req.member),
            facts: req.facts,
        },
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(
            out.into_iter()
                .map(|a| match a {
                    Applied::Recorded { grant } => AppliedBody {
                        outcome: "recorded".into(),
                        grant: GrantBody::of(grant),
                        first: None,
                    },
                    Applied::AlreadyGranted { grant, first } => AppliedBody {
                        outcome: "already_granted".into(),
                        grant: GrantBody::of(grant),
                        first: Some(GrantBody::of(*first)),
                    },
                })
                .collect(),
        ),
    ))
}

/// 救助列表 — grants of the actor's subtree, by id.
#[utoipa::path(
    get,
    path = "/api/v1/grants",
    tag = "grants",
    params(ListQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "grants", body = Vec<GrantBody>),
        (status = BAD_REQUEST, description = "an unknown state", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "members read their own grants elsewhere", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn list<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Vec<GrantBody>>, ApiError> {
    let states = match q.state.as_deref() {
        None | Some("") => Vec::new(),
        Some(raw) => vec![GrantState::parse(raw).ok_or_else(|| {
            ApiError::invalid("state", format!("未知状态“{raw}” (unknown state)"))
        })?],
    };
    let list = grant::list(
        &state.store,
        &actor,
        &GrantFilter {
            states,
            member: q.member.map(MemberId),
            programme: q.programme,
            campaign: None,
            awaiting_payout: q.awaiting_payout,
            after: q.after.map(GrantId),
            limit: crate::api::page_limit(q.limit, 1000)?,
        },
    )
    .await?;
    Ok(Json(list.into_iter().map(GrantBody::of).collect()))
}

/// 救助详情
#[utoipa::path(
    get,
    path = "/api/v1/grants/{id}",
    tag = "grants",
    params(("id" = i64, Path, description = "grant id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the grant", body = GrantBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = NOT_FOUND, description = "no such grant in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn show<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<GrantBody>, ApiError> {
    let g = grant::get(&state.store, &actor, GrantId(id)).await?;
    Ok(Json(GrantBody::of(g)))
}

/// 街道审核
#[utoipa::path(
    post,
    path = "/api/v1/grants/{id}/check",
    tag = "grants",
    params(("id" = i64, Path, description = "grant id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "checked", body = GrantBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not check, or is below the street", body = ErrorBody),
        (status = NOT_FOUND, description = "no such grant in scope", body = ErrorBody),
        (status = CONFLICT, description = "not applied, moved meanwhile, or the actor applied", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn check<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<GrantBody>, ApiError> {
    let g = grant::check(&state.store, state.clock.as_ref(), &actor, GrantId(id)).await?;
    Ok(Json(GrantBody::of(g)))
}

/// 批准 — at the level the assessment names; posts fund → payable.
#[utoipa::path(
    post,
    path = "/api/v1/grants/{id}/approve",
    tag = "grants",
    params(("id" = i64, Path, description = "grant id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "approved", body = GrantBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not approve, or is below the level", body = ErrorBody),
        (status = NOT_FOUND, description = "no such grant in scope", body = ErrorBody),
        (status = CONFLICT, description = "not checked, moved meanwhile, the actor applied, or `fund_exhausted`", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn approve<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<GrantBody>, ApiError> {
    let g = grant::approve(&state.store, state.clock.as_ref(), &actor, GrantId(id)).await?;
    Ok(Json(GrantBody::of(g)))
}

/// 不予批准 — with a reason.
#[utoipa::path(
    post,
    path = "/api/v1/grants/{id}/refuse",
    tag = "grants",
    params(("id" = i64, Path, description = "grant id")),
    request_body = ReasonBody,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "refused", body = GrantBody),
        (status = BAD_REQUEST, description = "no reason", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not refuse, or is below the level", body = ErrorBody),
        (status = NOT_FOUND, description = "no such grant in scope", body = ErrorBody),
        (status = CONFLICT, description = "decided already, moved meanwhile, or the actor applied", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn refuse<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ReasonBody>,
) -> Result<Json<GrantBody>, ApiError> {
    let g = grant::refuse(
        &state.store,
        state.clock.as_ref(),
        &actor,
        GrantId(id),
        &req.reason,
    )
    .await?;
    Ok(Json(GrantBody::of(g)))
}

/// 撤回 — before the street's check; the key is free again.
#[utoipa::path(
    post,
    path = "/api/v1/grants/{id}/withdraw",
    tag = "grants",
    params(("id" = i64, Path, description = "grant id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "withdrawn", body = GrantBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not withdraw", body = ErrorBody),
        (status = NOT_FOUND, description = "no such grant in scope", body = ErrorBody),
        (status = CONFLICT, description = "checked or decided already", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn withdraw<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<GrantBody>, ApiError> {
    let g = grant::withdraw(&state.store, state.clock.as_ref(), &actor, GrantId(id)).await?;
    Ok(Json(GrantBody::of(g)))
}

/// 救助决定书 — the printable decision, clause by clause.
#[utoipa::path(
    get,
    path = "/api/v1/grants/{id}/notice",
    tag = "grants",
    params(("id" = i64, Path, description = "grant id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the notice", body = DecisionNoticeBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = NOT_FOUND, description = "no such grant for the actor", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn notice<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<DecisionNoticeBody>, ApiError> {
    let n = grant::notice(&state.store, &actor, GrantId(id)).await?;
    Ok(Json(DecisionNoticeBody::of(n)))
}

/// 会员的救助 — a member's grants, newest first (the member themselves, or staff in scope).
#[utoipa::path(
    get,
    path = "/api/v1/members/{id}/grants",
    tag = "grants",
    params(("id" = i64, Path, description = "member id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the member's grants", body = Vec<GrantBody>),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = NOT_FOUND, description = "no such member for the actor", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn member_grants<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<GrantBody>>, ApiError> {
    let list = grant::member_grants(&state.store, &actor, MemberId(id)).await?;
    Ok(Json(list.into_iter().map(GrantBody::of).collect()))
}

/// 帮扶资金余额 — the funds of the actor's city federation.
#[utoipa::path(
    get,
    path = "/api/v1/funds",
    tag = "grants",
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "every fund", body = Vec<FundBody>),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read the funds", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn funds<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
) -> Result<Json<Vec<FundBody>>, ApiError> {
    let list = grant::funds(&state.store, &actor).await?;
    Ok(Json(list.into_iter().map(FundBody::of).collect()))
}

/// 资金拨入 — finance records an appropriation (bank → fund).
#[utoipa::path(
    post,
    path = "/api/v1/funds/{fund}/deposits",
    tag = "grants",
    params(("fund" = String, Path, description = "hardship, spring_breeze or campaign")),
    request_body = DepositBody,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "the fund's new balance", body = FundBody),
        (status = BAD_REQUEST, description = "unknown fund, amount not above zero, or no reference", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not manage payouts", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn deposit<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(fund): ApiPath<String>,
    ApiJson(req): ApiJson<DepositBody>,
) -> Result<(StatusCode, Json<FundBody>), ApiError> {
    let fund = grant::fund(&fund)?;
    let b = grant::deposit(
        &state.store,
        state.clock.as_ref(),
        &actor,
        fund,
        Money::from_fen(req.amount_fen),
        &req.reference,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(FundBody::of(b))))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct DocumentQuery {
    /// The programme file's document id.
    #[param(example = "application_form")]
    kind: String,
    /// The file's name as the uploader knows it.
    #[param(example = "申请表.pdf")]
    file_name: Option<String>,
}

/// 材料 — a document handed in to an application.
#[derive(Serialize, ToSchema)]
pub struct GrantDocumentBody {
    pub id: i64,
    pub grant: i64,
    /// The programme file's document id, e.g. `application_form`.
    pub kind: String,
    /// The document's name: 中文 (English).
    pub name: String,
    pub sha256: String,
    pub file_name: String,
    /// `image/jpeg`, `image/png` or `application/pdf`, as sniffed from the bytes.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    pub uploaded_by: String,
    pub uploaded_at: chrono::DateTime<chrono::Utc>,
}

impl GrantDocumentBody {
    fn of(programme: &str, d: GrantDocument) -> GrantDocumentBody {
        let (zh, en) = grant::document_name(programme, &d.kind);
        GrantDocumentBody {
            id: d.id,
            grant: d.grant.0,
            name: format!("{zh} ({en})"),
            kind: d.kind,
            sha256: d.sha256,
            file_name: d.file_name,
            content_type: d.content_type,
            size: d.size,
            uploaded_by: d.uploaded_by,
            uploaded_at: d.uploaded_at,
        }
    }
}

/// A required document still missing.
#[derive(Serialize, ToSchema)]
pub struct MissingDocumentBody {
    /// The programme file's document id.
    pub kind: String,
    /// 中文 (English).
    pub name: String,
}

/// What handing a document in did: the stored document, the grant, and what is still missing
/// (approval waits until this is empty).
#[derive(Serialize, ToSchema)]
pub struct DocumentAddedBody {
    pub document: GrantDocumentBody,
    pub grant: GrantBody,
    pub missing_documents: Vec<MissingDocumentBody>,
}

fn missing_of(g: &Grant) -> Vec<MissingDocumentBody> {
    grant::missing_document_ids(g)
        .into_iter()
        .map(|kind| {
            let (zh, en) = grant::document_name(&g.programme_id, &kind);
            MissingDocumentBody {
                kind,
                name: format!("{zh} ({en})"),
            }
        })
        .collect()
}

/// 补交材料 — hand a document in to an application still waiting for its check or approval: the
/// request body is the file (JPEG, PNG or PDF, at most 10 MiB; the content type sent is not
/// trusted, the bytes are). The application's missing documents are re-read in the same
/// transaction; approval is possible once none is missing.
#[utoipa::path(
    post,
    path = "/api/v1/grants/{id}/documents",
    tag = "grants",
    params(("id" = i64, Path, description = "grant id"), DocumentQuery),
    request_body(
        description = "the file's bytes",
        content(("image/jpeg"), ("image/png"), ("application/pdf"), ("application/octet-stream"))
    ),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "stored; what is still missing", body = DocumentAddedBody),
        (status = BAD_REQUEST, description = "a `kind` the programme does not list; an empty, oversized or not JPEG, PNG or PDF `file`", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not apply for reliefs", body = ErrorBody),
        (status = NOT_FOUND, description = "no such grant in scope", body = ErrorBody),
        (status = CONFLICT, description = "the application is decided, withdrawn or paid, or moved meanwhile", body = ErrorBody),
        (status = PAYLOAD_TOO_LARGE, description = "the `file` is over the limit (`HZ-INPUT-0002`)", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn add_document<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<DocumentQuery>,
    FileBody(bytes): FileBody,
) -> Result<(StatusCode, Json<DocumentAddedBody>), ApiError> {
    let (g, doc) = grant::add_document(
        &state.store,
        state.clock.as_ref(),
        &actor,
        GrantId(id),
        &q.kind,
        q.file_name.as_deref().unwrap_or_default(),
        bytes,
    )
    .await?;
    let missing_documents = missing_of(&g);
    Ok((
        StatusCode::CREATED,
        Json(DocumentAddedBody {
            document: GrantDocumentBody::of(&g.programme_id, doc),
            missing_documents,
            grant: GrantBody::of(g),
        }),
    ))
}

/// 材料清单 — the documents handed in to an application after it was made, in upload order.
#[utoipa::path(
    get,
    path = "/api/v1/grants/{id}/documents",
    tag = "grants",
    params(("id" = i64, Path, description = "grant id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the documents", body = Vec<GrantDocumentBody>),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = NOT_FOUND, description = "no such grant for the actor", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn grant_documents<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<GrantDocumentBody>>, ApiError> {
    let g = grant::get(&state.store, &actor, GrantId(id)).await?;
    let list = grant::documents(&state.store, &actor, g.id).await?;
    Ok(Json(
        list.into_iter()
            .map(|d| GrantDocumentBody::of(&g.programme_id, d))
            .collect(),
    ))
}

/// 下载材料 — a document's bytes, with the content type sniffed at upload.
#[utoipa::path(
    get,
    path = "/api/v1/grants/{id}/documents/{document}",
    tag = "grants",
    params(
        ("id" = i64, Path, description = "grant id"),
        ("document" = i64, Path, description = "document id"),
    ),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the file", content(("image/jpeg"), ("image/png"), ("application/pdf"))),
        (status = BAD_REQUEST, description = "malformed id", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = NOT_FOUND, description = "no such grant for the actor, or no such document of it", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn grant_document_file<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath((id, document)): ApiPath<(i64, i64)>,
) -> Result<Response, ApiError> {
    let (doc, bytes) = grant::document_file(&state.store, &actor, GrantId(id), document).await?;
    Ok(super::documents::stored_file(
        &doc.content_type,
        &format!("grant-document-{}", doc.id),
        bytes,
    ))
}
