//! 理赔 — claims: making one, the lists and work queues, one claim with its documents, events
//! and decision, and the workflow's actions (SPEC 5).

use crate::api::{route, ApiJson, ApiPath, ApiQuery};
use crate::auth::Authenticated;
use crate::error::ErrorBody;
use crate::{org_code, ApiError, AppState};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::Json;
use huzhu_app::claims::{self, ClaimQuery, ClaimRequest, ClaimSummary, ClaimView};
use huzhu_app::model::ClaimId;
use huzhu_app::model::MemberId;
use huzhu_app::Backend;
use huzhu_domain::workflow::{Action, ClaimState};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

/// The claim route reads this much at most (axum's default is 2 MB): a claim at its limits
/// ([`huzhu_domain::claim_input`]: 200 invoice numbers of at most 1 KB as sent, 20 diagnoses)
/// fits; past it the body is refused unread with a 413 naming `body`.
pub const CLAIM_BODY_LIMIT: usize = 256 * 1024;

pub(super) fn routes<S: Backend>() -> OpenApiRouter<AppState<S>> {
    let (schemas, paths, create) = route!(create::<S>);
    OpenApiRouter::new()
        .routes((
            schemas,
            paths,
            create.layer(DefaultBodyLimit::max(CLAIM_BODY_LIMIT)),
        ))
        .routes(route!(list::<S>))
        .routes(route!(show::<S>))
        .routes(route!(act::<S>))
}

fn yes() -> bool {
    true
}

/// 理赔申请 — a claim for a member, as a draft or submitted at once.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateClaimRequest {
    /// The member claiming (a member account may claim only for themselves).
    pub member_id: i64,
    /// 互助保障期; when absent, the one the member is enrolled in on the event date.
    #[schema(example = "hangzhou-2022")]
    pub policy: Option<String>,
    /// Submit at once (default); `false` keeps a draft.
    #[serde(default = "yes")]
    #[schema(default = true)]
    pub submit: bool,
    /// The claim object of SPEC 10 without `id`, `submitted` and `documents` (assigned by huzhu;
    /// documents are uploaded files), e.g. `{"kind": "hospital_stay", "admitted": "2022-05-01",
    /// "discharged": "2022-05-11", "hospital_grade": 3, "diagnoses": [...], "costs_fen":
    /// {"total": 5000000, "self_borne": 1200000}, "invoices": ["INV-1"]}`.
    #[schema(value_type = Object)]
    pub claim: serde_json::Value,
}

/// 理赔申请 — make a claim for a member in scope, submitted at once unless `submit` is false.
#[utoipa::path(
    post,
    path = "/api/v1/claims",
    tag = "claims",
    request_body = CreateClaimRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "the claim", body = ClaimView),
        (status = BAD_REQUEST, description = "malformed body or claim; `field` names where (`claim.costs_fen.self_borne`)", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not submit claims", body = ErrorBody),
        (status = PAYLOAD_TOO_LARGE, description = "a body over 256 KiB; `field` is `body`", body = ErrorBody),
        (status = NOT_FOUND, description = "no such member in scope", body = ErrorBody),
        (status = CONFLICT, description = "the claim cannot be submitted", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn create<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiJson(req): ApiJson<CreateClaimRequest>,
) -> Result<(StatusCode, Json<ClaimView>), ApiError> {
    let request = ClaimRequest {
        member: MemberId(req.member_id),
        policy: req.policy,
        claim: req.claim,
        submit: req.submit,
    };
    let claim = claims::create_claim(&state.store, state.clock.as_ref(), &actor, &request).await?;
    Ok((StatusCode::CREATED, Json(claim)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ClaimListQuery {
    /// 组织代码 — claims of the members under it; the actor's own organisation when absent.
    #[param(example = "LA-01-001", pattern = "^[A-Za-z0-9-]{1,32}$")]
    org: Option<String>,
    /// States, comma-separated (`computed,reviewed`); all when absent. The work queues: the
    /// window `submitted`, reviewers `expert_review`, approvers `reviewed`, finance `approved`.
    #[param(example = "submitted")]
    state: Option<String>,
    /// Only this member's claims.
    member: Option<i64>,
    /// The member's name (or part of it), or the end of their ID number (digits, `X`). A search
    /// by more than the last four characters of an ID number is written to the audit log
    /// (`claim.search_id_number`).
    #[param(example = "张")]
    search: Option<String>,
    /// `next_after` of the previous page.
    after: Option<i64>,
    /// Page size.
    #[param(minimum = 1, maximum = 500, default = 100)]
    limit: Option<u32>,
}

/// One page of claims, in id order.
#[derive(Serialize, ToSchema)]
pub struct ClaimPage {
    pub claims: Vec<ClaimSummary>,
    /// Pass as `after` for the next page; null on the last page.
    pub next_after: Option<i64>,
    /// How many claims match the query in all (every page).
    pub total: u64,
}

fn parse_states(raw: Option<&str>) -> Result<Vec<ClaimState>, ApiError> {
    let Some(raw) = raw else {
        return Ok(Vec::new());
    };
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            ClaimState::parse(s).ok_or_else(|| {
                let known: Vec<&str> = ClaimState::ALL.iter().map(|s| s.code()).collect();
                ApiError::invalid(
                    "state",
                    format!(
                        "未知的申请状态“{s}” (unknown state `{s}`; one of: {})",
                        known.join(", ")
                    ),
                )
            })
        })
        .collect()
}

/// 申请列表 — claims in scope, page by page; with `state`, a work queue.
#[utoipa::path(
    get,
    path = "/api/v1/claims",
    tag = "claims",
    params(ClaimListQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "one page of claims", body = ClaimPage),
        (status = BAD_REQUEST, description = "bad `org`, `state` or `limit`", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = NOT_FOUND, description = "no organisation `org` or member in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn list<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<ClaimListQuery>,
) -> Result<Json<ClaimPage>, ApiError> {
    let org = q.org.as_deref().map(|c| org_code("org", c)).transpose()?;
    let states = parse_states(q.state.as_deref())?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::invalid(
            "limit",
            "limit 应在1到500之间 (limit must be 1..=500)".into(),
        ));
    }
    let query = ClaimQuery {
        org,
        states,
        member: q.member.map(MemberId),
        search: q.search.unwrap_or_default(),
        after: q.after.map(ClaimId),
        limit,
    };
    let (claims, total) =
        huzhu_app::claim_list::page(&state.store, state.clock.as_ref(), &actor, &query).await?;
    let next_after = if claims.len() == limit as usize {
        claims.last().map(|c| c.id)
    } else {
        None
    };
    Ok(Json(ClaimPage {
        claims,
        next_after,
        total,
    }))
}

/// 申请详情 — one claim with its documents, events (who, when, why), decision and what is
/// still missing.
#[utoipa::path(
    get,
    path = "/api/v1/claims/{id}",
    tag = "claims",
    params(("id" = i64, Path, description = "claim id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the claim", body = ClaimView),
        (status = BAD_REQUEST, description = "malformed id", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = NOT_FOUND, description = "no such claim in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn show<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ClaimView>, ApiError> {
    let claim = claims::get_claim(&state.store, state.clock.as_ref(), &actor, ClaimId(id)).await?;
    Ok(Json(claim))
}

/// A step of the workflow asked for by a person (`pay` and `compute` are done by huzhu).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    /// `submit`, `accept`, `return`, `review`, `send_to_expert`, `expert_clear` (the medical
    /// reviewer agrees), `expert_disagree` (advises against, with reasons),
    /// `expert_more_documents` (names the documents needed), `approve`, `reject`, `appeal` or
    /// `reopen`.
    #[schema(
        example = "accept",
        pattern = "^(submit|accept|return|review|send_to_expert|expert_clear|expert_disagree|expert_more_documents|approve|reject|appeal|reopen)$"
    )]
    pub action: String,
    /// Required for `send_to_expert`, `expert_clear` (the opinion), `expert_disagree` (the
    /// reasons), `reject` and `appeal`.
    pub reason: Option<String>,
    /// For `return` and `expert_more_documents`: the documents needed (the policy's document
    /// ids, or words for anything else).
    pub missing: Option<Vec<String>>,
}

fn action_of(req: ActionRequest) -> Result<Action, ApiError> {
    let reason = || {
        req.reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .ok_or_else(|| {
                ApiError::invalid(
                    "reason",
                    format!(
                        "“{}”须填写理由 (`{}` needs a reason)",
                        req.action, req.action
                    ),
                )
            })
    };
    let missing = || {
        let missing: Vec<String> = req
            .missing
            .clone()
            .unwrap_or_default()
            .into_iter()
            .map(|m| m.trim().to_string())
            .filter(|m| !m.is_empty())
            .collect();
        if missing.is_empty() {
            return Err(ApiError::invalid(
                "missing",
                format!(
                    "“{}”须列明所需材料 (`{}` must name the documents needed)",
                    req.action, req.action
                ),
            ));
        }
        Ok(missing)
    };
    Ok(match req.action.as_str() {
        "submit" => Action::Submit,
        "accept" => Action::Accept,
        "return" => Action::Return {
            missing: missing()?,
        },
        "review" => Action::Review,
        "send_to_expert" => Action::SendToExpert { reason: reason()? },
        "expert_clear" => Action::ExpertClear { opinion: reason()? },
        "expert_disagree" => Action::ExpertDisagree { reasons: reason()? },
        "expert_more_documents" => Action::ExpertMoreDocuments {
            documents: missing()?,
        },
        "approve" => Action::Approve,
        "reject" => Action::Reject { reason: reason()? },
        "appeal" => Action::Appeal { reason: reason()? },
        "reopen" => Action::Reopen,
        other => {
            return Err(ApiError::invalid(
                "action",
                format!(
                    "未知或不可由人执行的操作“{other}” (unknown action `{other}`; one of: submit, \
                     accept, return, review, send_to_expert, expert_clear, expert_disagree, \
                     expert_more_documents, approve, reject, appeal, reopen)"
                ),
            ))
        }
    })
}

/// 办理 — move a claim through the workflow: the window accepts or returns it (acceptance
/// computes it at once), staff review it or send it to the medical reviewer, who agrees (on to
/// approval), disagrees with reasons (back to the approver, who may reject it or ask another
/// expert, not approve it) or asks for documents (returned for them); the right level approves
/// or rejects it, the member appeals within the appeal window, staff reopen.
#[utoipa::path(
    post,
    path = "/api/v1/claims/{id}/actions",
    tag = "claims",
    params(("id" = i64, Path, description = "claim id")),
    request_body = ActionRequest,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the claim after the step", body = ClaimView),
        (status = BAD_REQUEST, description = "unknown `action`, or its `reason` or `missing` not given", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not take this action", body = ErrorBody),
        (status = NOT_FOUND, description = "no such claim in scope", body = ErrorBody),
        (status = CONFLICT, description = "not allowed in the claim's state, documents missing, approval level too low, the expert disagreed (no approval), the appeal deadline passed, the caller made the claim and may not accept or approve it (four eyes), or the claim moved meanwhile (`HZ-CLAIM-0001`)", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn act<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ActionRequest>,
) -> Result<Json<ClaimView>, ApiError> {
    let action = action_of(req)?;
    let claim = claims::act(
        &state.store,
        state.clock.as_ref(),
        &actor,
        ClaimId(id),
        action,
    )
    .await?;
    Ok(Json(claim))
}
