//! 理赔: the claim list (filters, paging, an htmx partial), one claim with its documents,
//! timeline, decision and the workflow actions the actor may take, the printable decision letter
//! (理赔决定书), and a document's download. The new-claim form and uploads are in [`form`].
//!
//! Every page calls the same use cases as the JSON API (`huzhu_app::claims`,
//! `huzhu_app::documents`): a claim outside the actor's scope is a 404 like a missing one.

mod form;
mod pending;
mod shown;

pub use pending::PendingUploads;

use super::{
    download, finish, page, redirect, shown_inline, Console, Ctx, PageError, PageResult, XLSX,
};
use crate::{ApiError, AppState};
use askama::Template;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use huzhu_app::claims::{self, ClaimQuery, ClaimSummary, ClaimView, ExpertOpinion};
use huzhu_app::model::{ClaimId, MemberId};
use huzhu_app::Backend;
use huzhu_app::{claim_list, documents, members, policies};
use huzhu_domain::access::{Capability, Role};
use huzhu_domain::org::{OrgCode, OrgLevel};
use huzhu_domain::workflow::{Action, ClaimState};
pub use shown::{kind_label, pick, reason_label, DecisionShown};
use shown::{ClaimShown, DocumentRow, EventRow, FlagRow};

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new()
        .route("/claims", get(list::<S>))
        .route("/claims/export.xlsx", get(export::<S>))
        .route(
            "/claims/new",
            get(form::new_page::<S>)
                .post(form::create::<S>)
                .layer(DefaultBodyLimit::max(form::FORM_BODY_LIMIT)),
        )
        .route("/claims/{id}", get(show::<S>))
        .route("/claims/{id}/act", post(act::<S>))
        .route(
            "/claims/{id}/documents",
            post(form::add_documents::<S>).layer(DefaultBodyLimit::max(form::FORM_BODY_LIMIT)),
        )
        .route("/claims/{id}/documents/{doc}", get(document::<S>))
        .route("/claims/{id}/letter", get(letter::<S>))
}

/// The cost fields of the form, for the template.
pub fn form_costs() -> [(&'static str, &'static str, &'static str); 6] {
    form::COSTS
}

/// Rows per page of the claim list.
const PAGE_SIZE: u32 = 50;

/// The states of a `?state=a,b` filter, named in an error when one is unknown.
pub fn parse_states(raw: &str) -> Result<Vec<ClaimState>, PageError> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            ClaimState::parse(s).ok_or_else(|| {
                PageError::invalid(
                    "state",
                    format!("未知的申请状态“{s}” (unknown state `{s}`)"),
                )
            })
        })
        .collect()
}

/// A claim id from the URL; anything else is a claim that does not exist.
fn claim_id(raw: &str) -> Result<ClaimId, PageError> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(ClaimId)
        .ok_or_else(|| huzhu_app::access::not_found("申请 (claim)").into())
}

#[derive(Default, Clone)]
pub struct ListQuery {
    /// States, comma-separated (`submitted,returned`); all when empty.
    pub state: String,
    /// A member id.
    pub member: String,
    /// An organisation code: claims of the members under it (staff only).
    pub org: String,
    /// The member's name, or the end of their ID number (staff only).
    pub q: String,
    /// The last claim id of the previous page.
    pub after: Option<i64>,
}

impl ListQuery {
    /// `?state=a,b` (the home page's cards) and `?state=a&state=b` (the filter's checkboxes)
    /// alike.
    fn from_pairs(pairs: &[(String, String)]) -> Result<ListQuery, PageError> {
        let get = |k: &str| {
            pairs
                .iter()
                .filter(|(n, _)| n == k)
                .map(|(_, v)| v.trim())
                .filter(|v| !v.is_empty())
                .collect::<Vec<_>>()
                .join(",")
        };
        let after = match get("after").as_str() {
            "" => None,
            raw => Some(raw.parse::<i64>().map_err(|_| {
                PageError::invalid("after", "after 应为申请编号 (after is a claim id)")
            })?),
        };
        Ok(ListQuery {
            state: get("state"),
            member: get("member"),
            org: get("org"),
            q: get("q"),
            after,
        })
    }

    pub fn href(&self, after: Option<i64>) -> String {
        let mut s = format!("/claims?{}", self.filters());
        if let Some(a) = after {
            s.push_str(&format!("&after={a}"));
        }
        s
    }

    /// The list as it is filtered, as an Excel workbook.
    pub fn export_href(&self) -> String {
        format!("/claims/export.xlsx?{}", self.filters())
    }

    fn filters(&self) -> String {
        format!(
            "state={}&member={}&org={}&q={}",
            super::url_encode(&self.state),
            super::url_encode(&self.member),
            super::url_encode(&self.org),
            super::url_encode(&self.q)
        )
    }

    /// The use case's query: states, member, org and search as the actor may ask them.
    fn query(&self, actor: &huzhu_domain::access::Actor) -> Result<ClaimQuery, PageError> {
        let states = parse_states(&self.state)?;
        let member = match self.member.trim() {
            "" => None,
            raw => Some(MemberId(raw.parse::<i64>().map_err(|_| {
                PageError::invalid("member", "会员编号应为数字 (the member id is a number)")
            })?)),
        };
        let staff = actor.role != Role::Member;
        let org = match self.org.trim() {
            "" => None,
            _ if !staff => None,
            raw => Some(OrgCode::parse(raw).map_err(|e| PageError::invalid("org", e.to_string()))?),
        };
        Ok(ClaimQuery {
            org,
            states,
            member,
            search: if staff { self.q.clone() } else { String::new() },
            after: self.after.map(ClaimId),
            limit: PAGE_SIZE,
        })
    }
}

/// One state as a checkbox of the list's filter.
pub struct StateChoice {
    pub code: &'static str,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "claims/list.html")]
struct ListPage<'a> {
    c: &'a Ctx,
    q: ListQuery,
    states: Vec<StateChoice>,
    rows: Vec<ClaimSummary>,
    total: u64,
    next: Option<String>,
    first_page: Option<String>,
}

#[derive(Template)]
#[template(path = "claims/list_partial.html")]
struct ListPartial<'a> {
    c: &'a Ctx,
    rows: Vec<ClaimSummary>,
    total: u64,
    next: Option<String>,
    first_page: Option<String>,
}

pub async fn list<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    let r = async { list_page(&state, &c, ListQuery::from_pairs(&pairs)?).await }.await;
    finish(&c, r)
}

/// The list as it is filtered, every page, as an Excel workbook (ID numbers masked; the export
/// written to the audit log as `claim.export`).
pub async fn export<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let q = ListQuery::from_pairs(&pairs)?;
        let query = q.query(actor)?;
        let bytes =
            claim_list::export_xlsx(&state.store, state.clock.as_ref(), actor, &query).await?;
        let org = query.org.as_ref().unwrap_or(&actor.org);
        Ok(download(bytes, XLSX, &format!("理赔列表-{org}.xlsx")))
    }
    .await;
    finish(&c, r)
}

async fn list_page<S: Backend>(state: &AppState<S>, c: &Ctx, q: ListQuery) -> PageResult {
    let actor = c.actor()?;
    let query = q.query(actor)?;
    let (rows, total) = claim_list::page(&state.store, state.clock.as_ref(), actor, &query).await?;
    let next = (rows.len() == PAGE_SIZE as usize)
        .then(|| rows.last().map(|r| q.href(Some(r.id))))
        .flatten();
    let first_page = q.after.is_some().then(|| q.href(None));
    if c.htmx {
        return page(&ListPartial {
            c,
            rows,
            total,
            next,
            first_page,
        });
    }
    let choices = ClaimState::ALL
        .iter()
        .map(|s| StateChoice {
            code: s.code(),
            checked: query.states.contains(s),
        })
        .collect();
    page(&ListPage {
        c,
        q,
        states: choices,
        rows,
        total,
        next,
        first_page,
    })
}

/// What went wrong with an action, shown on the claim's page with the use case's status.
pub struct Problem {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub field: Option<String>,
}

impl Problem {
    /// The client errors of a use case become a problem shown in the page; anything else (no
    /// session, a server error) stays an error page.
    fn of(e: PageError) -> Result<Problem, PageError> {
        use huzhu_app::AppError as E;
        match e {
            PageError::Api(
                api @ (ApiError::Invalid { .. }
                | ApiError::TooLarge { .. }
                | ApiError::App(
                    E::Invalid { .. }
                    | E::Transition(_)
                    | E::Conflict(_)
                    | E::Forbidden { .. }
                    | E::NotFound { .. },
                )),
            ) => {
                let (status, body) = api.parts();
                Ok(Problem {
                    status: status.as_u16(),
                    code: body.code,
                    message: body.message,
                    field: body.field,
                })
            }
            other => Err(other),
        }
    }
}

/// One action the actor may take now, as a small form on the page.
pub struct Offer {
    pub action: &'static str,
    pub label: &'static str,
    /// `reason`, `opinion`, `missing` (checkboxes) or `documents` (checkboxes and other
    /// documents in words); empty for none.
    pub needs: &'static str,
    pub danger: bool,
    pub confirm: Option<&'static str>,
    /// The reason's text to start from (a refusal after the expert disagreed: their reasons).
    pub prefill: String,
}

fn offers(c: &Ctx, state: ClaimState, opinion: Option<&ExpertOpinion>) -> Vec<Offer> {
    use ClaimState as S;
    let mut out = Vec::new();
    let mut offer = |cap: Capability,
                     action: &'static str,
                     label: &'static str,
                     needs: &'static str,
                     danger: bool,
                     confirm: Option<&'static str>| {
        if c.can(cap) {
            out.push(Offer {
                action,
                label,
                needs,
                danger,
                confirm,
                prefill: String::new(),
            });
        }
    };
    let disagreed = opinion.filter(|o| o.verdict == "disagree");
    match state {
        S::Draft | S::Returned => offer(
            Capability::SubmitClaim,
            "submit",
            c.t("提交申请", "Submit"),
            "",
            false,
            None,
        ),
        S::Submitted => {
            offer(
                Capability::HandleClaims,
                "accept",
                c.t("受理并核算", "Accept and compute"),
                "",
                false,
                None,
            );
            offer(
                Capability::HandleClaims,
                "return",
                c.t("退回补件", "Return for documents"),
                "missing",
                true,
                None,
            );
        }
        S::Computed | S::Reviewed | S::ExpertReview => {
            if state == S::Computed {
                offer(
                    Capability::HandleClaims,
                    "review",
                    c.t("审核通过", "Mark reviewed"),
                    "",
                    false,
                    None,
                );
            }
            if state != S::ExpertReview {
                offer(
                    Capability::HandleClaims,
                    "send_to_expert",
                    c.t("送专家审核", "Send to expert review"),
                    "reason",
                    false,
                    None,
                );
            } else {
                offer(
                    Capability::ExpertReview,
                    "expert_clear",
                    c.t("同意（可审批）", "Agree (may be approved)"),
                    "opinion",
                    false,
                    None,
                );
                offer(
                    Capability::ExpertReview,
                    "expert_disagree",
                    c.t("不同意（写明理由）", "Disagree (give reasons)"),
                    "reason",
                    true,
                    Some(c.t(
                        "确认不同意？申请将退回审批人，不能审批通过。",
                        "Disagree? The claim goes back to the approver and cannot be approved.",
                    )),
                );
                offer(
                    Capability::ExpertReview,
                    "expert_more_documents",
                    c.t("需补充材料", "More documents needed"),
                    "documents",
                    false,
                    None,
                );
            }
            if state == S::Reviewed && disagreed.is_none() {
                offer(
                    Capability::ApproveClaims,
                    "approve",
                    c.t("审批通过", "Approve"),
                    "",
                    false,
                    Some(c.t("确认审批通过该申请？", "Approve this claim?")),
                );
            }
            offer(
                Capability::ApproveClaims,
                "reject",
                c.t("不予补助", "Reject"),
                "reason",
                true,
                Some(c.t("确认不予补助？", "Reject this claim?")),
            );
            // After the expert disagreed, the refusal starts from their reasons.
            if let (Some(o), Some(last)) = (disagreed, out.last_mut()) {
                if last.action == "reject" {
                    last.prefill = format!("{}{}", c.t("专家意见：", "Expert's opinion: "), o.text);
                }
            }
        }
        S::Rejected | S::Paid => offer(
            Capability::SubmitClaim,
            "appeal",
            c.t("申诉", "Appeal"),
            "reason",
            false,
            None,
        ),
        S::Appealed => offer(
            Capability::HandleClaims,
            "reopen",
            c.t("重新受理", "Reopen"),
            "",
            false,
            None,
        ),
        S::Accepted | S::Approved => {}
    }
    out
}

/// A document kind of the policy, as a checkbox of the return form or an option of an upload.
pub struct DocChoice {
    pub id: String,
    pub name: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "claims/show.html")]
struct ShowPage<'a> {
    c: &'a Ctx,
    v: ClaimView,
    s: ClaimShown,
    member_id_number: String,
    documents: Vec<DocumentRow>,
    events: Vec<EventRow>,
    flags: Vec<FlagRow>,
    decision: Option<DecisionShown>,
    offers: Vec<Offer>,
    doc_choices: Vec<DocChoice>,
    missing_named: Vec<String>,
    returned_named: Vec<String>,
    can_upload: bool,
    approval_level: Option<OrgLevel>,
    level_too_low: bool,
    problem: Option<Problem>,
    /// The policy's name (the id is for files and exports).
    policy_name: String,
    /// What was just done, confirmed.
    done: Option<String>,
    expert_opinion: Option<OpinionShown>,
}

/// The medical reviewer's opinion as the claim's page shows it.
pub struct OpinionShown {
    /// `agree`, `disagree` or `more_documents`.
    pub verdict: &'static str,
    pub words: &'static str,
    /// The opinion or reasons; the documents asked for by name.
    pub text: String,
    pub by: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// `?done=accept`: what was just done to the claim, confirmed at the top of its page.
#[derive(serde::Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    done: String,
}

/// The confirmation of what was just done (issue 13: an action ended with no word that it
/// worked); `None` for anything else, so a forged `done` shows nothing.
pub fn done_label<'a>(c: &'a Ctx, code: &str) -> Option<&'a str> {
    Some(match code {
        "submitted" => c.t("申请已提交。", "The claim was submitted."),
        "uploaded" => c.t("材料已上传。", "The document was uploaded."),
        "submit" => c.t("已提交。", "Submitted."),
        "accept" => c.t("已受理并完成核算。", "Accepted and computed."),
        "return" => c.t("已退回补件。", "Returned for documents."),
        "review" => c.t("已复核。", "Reviewed."),
        "send_to_expert" => c.t("已送专家审核。", "Sent to expert review."),
        "expert_clear" => c.t(
            "专家意见（同意）已记录，申请可审批。",
            "The expert's agreement was recorded: the claim may be approved.",
        ),
        "expert_disagree" => c.t(
            "专家意见（不同意）已记录，申请退回审批人。",
            "The expert's disagreement was recorded: the claim is back with the approver.",
        ),
        "expert_more_documents" => c.t(
            "已要求补充材料，申请已退回补件。",
            "Documents were asked for: the claim is returned for them.",
        ),
        "approve" => c.t("已审批通过。", "Approved."),
        "reject" => c.t("已作出不予补助的决定。", "Rejected."),
        "appeal" => c.t("申诉已提交。", "The appeal was made."),
        "reopen" => c.t("已重新受理。", "Reopened."),
        _ => return None,
    })
}

pub async fn show<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Response {
    let done = done_label(&c, &q.done).map(str::to_string);
    let r = show_page_done(&state, &c, &id, None, done).await;
    finish(&c, r)
}

pub(crate) async fn show_page<S: Backend>(
    state: &AppState<S>,
    c: &Ctx,
    raw_id: &str,
    problem: Option<Problem>,
) -> PageResult {
    show_page_done(state, c, raw_id, problem, None).await
}

async fn show_page_done<S: Backend>(
    state: &AppState<S>,
    c: &Ctx,
    raw_id: &str,
    problem: Option<Problem>,
    done: Option<String>,
) -> PageResult {
    let actor = c.actor()?;
    let id = claim_id(raw_id)?;
    let v = claims::get_claim(&state.store, state.clock.as_ref(), actor, id).await?;
    let policy = policies::policy(&state.store, state.clock.as_ref(), &v.policy).await?;
    let member = members::detail(&state.store, actor, MemberId(v.member)).await?;
    let claim_state = ClaimState::parse(v.state).unwrap_or(ClaimState::Draft);
    let shown = c.localised(&policy);
    let s = ClaimShown::of(&v, &shown);
    let decision = DecisionShown::of(&v, &shown);
    let approval_level = match (&decision, claim_state) {
        (Some(_), ClaimState::Computed | ClaimState::Reviewed | ClaimState::ExpertReview)
            if actor.can(Capability::ApproveClaims) =>
        {
            let stored = claims::visible_claim(&state.store, actor, id).await?;
            let decided = claims::decide(&state.store, &policy, &stored).await?;
            Some(claims::required_level(&policy, &decided.decision))
        }
        _ => None,
    };
    let level_too_low = approval_level.is_some_and(|l| !actor.is_at_or_above(l));
    let doc_choices = shown
        .documents
        .iter()
        .map(|d| DocChoice {
            id: d.id.clone(),
            name: d.name.clone(),
            checked: v.missing_documents.contains(&d.id),
        })
        .collect();
    let name_of = |id: &String| shown.document_name(id).unwrap_or(id).to_string();
    let conflicts = claim_list::conflicts(&state.store, state.clock.as_ref(), actor, id).await?;
    let page_data = ShowPage {
        c,
        done,
        policy_name: shown.name.clone(),
        member_id_number: member.summary.id_number.clone(),
        documents: DocumentRow::of(&v, &shown),
        events: EventRow::of(c, &v)
            .into_iter()
            .map(|mut e| {
                // A return names the documents asked for by id: name them.
                let ids: Vec<&str> = e.reason.split(',').map(str::trim).collect();
                if !e.reason.is_empty() && ids.iter().all(|d| shown.document_name(d).is_some()) {
                    e.reason = ids
                        .iter()
                        .filter_map(|d| shown.document_name(d))
                        .collect::<Vec<_>>()
                        .join(c.t("、", ", "));
                }
                e
            })
            .collect(),
        flags: FlagRow::with_conflicts(c, FlagRow::of(c, &v), &conflicts),
        decision,
        offers: offers(c, claim_state, v.expert_opinion.as_ref()),
        expert_opinion: v.expert_opinion.as_ref().map(|o| OpinionShown {
            verdict: o.verdict,
            words: {
                let (zh, en) = o.verdict_words();
                c.t(zh, en)
            },
            text: if o.verdict == "more_documents" {
                o.text
                    .split(',')
                    .map(|d| name_of(&d.to_string()))
                    .collect::<Vec<_>>()
                    .join("、")
            } else {
                o.text.clone()
            },
            by: o.by.clone(),
            at: o.at,
        }),
        doc_choices,
        missing_named: v.missing_documents.iter().map(name_of).collect(),
        returned_named: v.returned_for.iter().map(name_of).collect(),
        can_upload: c.can(Capability::SubmitClaim)
            && matches!(
                claim_state,
                ClaimState::Draft
                    | ClaimState::Returned
                    | ClaimState::Submitted
                    | ClaimState::Appealed
            ),
        approval_level,
        level_too_low,
        s,
        v,
        problem,
    };
    let status = page_data
        .problem
        .as_ref()
        .and_then(|p| StatusCode::from_u16(p.status).ok());
    let mut r = page(&page_data)?;
    if let Some(st) = status {
        *r.status_mut() = st;
    }
    Ok(r)
}

/// The action form: `action`, and `reason` or `missing` (repeated) as the action needs.
fn action_of(pairs: &[(String, String)]) -> Result<Action, PageError> {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let reason = || {
        let r = get("reason");
        if r.is_empty() {
            Err(PageError::invalid(
                "reason",
                "须填写理由 (a reason is required)",
            ))
        } else {
            Ok(r)
        }
    };
    Ok(match get("action").as_str() {
        "submit" => Action::Submit,
        "accept" => Action::Accept,
        "return" => {
            let missing: Vec<String> = pairs
                .iter()
                .filter(|(n, v)| n == "missing" && !v.trim().is_empty())
                .map(|(_, v)| v.trim().to_string())
                .collect();
            if missing.is_empty() {
                return Err(PageError::invalid(
                    "missing",
                    "退回补件须列明所缺材料 (a return must name the missing documents)",
                ));
            }
            Action::Return { missing }
        }
        "review" => Action::Review,
        "send_to_expert" => Action::SendToExpert { reason: reason()? },
        "expert_clear" => Action::ExpertClear { opinion: reason()? },
        "expert_disagree" => Action::ExpertDisagree { reasons: reason()? },
        "expert_more_documents" => {
            // Documents of the policy ticked, and any other named in words.
            let mut documents: Vec<String> = pairs
                .iter()
                .filter(|(n, v)| n == "missing" && !v.trim().is_empty())
                .map(|(_, v)| v.trim().to_string())
                .collect();
            documents.extend(
                get("other")
                    .split(['，', ',', '、', ';', '；', '\n'])
                    .map(str::trim)
                    .filter(|d| !d.is_empty())
                    .map(str::to_string),
            );
            if documents.is_empty() {
                return Err(PageError::invalid(
                    "missing",
                    "须列明需补充的材料 (name the documents needed)",
                ));
            }
            Action::ExpertMoreDocuments { documents }
        }
        "approve" => Action::Approve,
        "reject" => Action::Reject { reason: reason()? },
        "appeal" => Action::Appeal { reason: reason()? },
        "reopen" => Action::Reopen,
        other => {
            return Err(PageError::invalid(
                "action",
                format!("未知的操作“{other}” (unknown action `{other}`)"),
            ))
        }
    })
}

/// Does one workflow step through `huzhu_app::claims::act`; back to the claim's page, where an
/// error (409 not in this state, 403 wrong role or level, 400 no reason) is shown with its status.
pub async fn act<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let claim = claim_id(&id)?;
        let done = async {
            let action = action_of(&pairs)?;
            let code = action.code();
            claims::act(&state.store, state.clock.as_ref(), actor, claim, action).await?;
            Ok::<&'static str, PageError>(code)
        }
        .await;
        match done {
            Ok(code) => Ok(redirect(&format!("/claims/{}?done={code}", claim.0))),
            Err(e) => {
                let problem = Problem::of(e)?;
                if problem.status == 404 {
                    return Err(PageError::from(huzhu_app::access::not_found(
                        "申请 (claim)",
                    )));
                }
                show_page(&state, &c, &id, Some(problem)).await
            }
        }
    }
    .await;
    finish(&c, r)
}

/// `?download=1`: save the file rather than open it.
#[derive(serde::Deserialize, Default)]
pub struct DocumentQuery {
    #[serde(default)]
    download: String,
}

/// A document, for an actor who may see the claim (`huzhu_app::documents::download`): opened in
/// the browser (issue 13: officers had to download every photo to look at it), or saved with
/// `?download=1`.
pub async fn document<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path((id, doc)): Path<(String, String)>,
    Query(q): Query<DocumentQuery>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let claim = claim_id(&id)?;
        let doc: i64 = doc
            .parse()
            .map_err(|_| PageError::from(huzhu_app::access::not_found("材料 (document)")))?;
        let (d, bytes) = documents::download(&state.store, actor, claim, doc).await?;
        let content_type: &'static str = match d.content_type.as_str() {
            "image/jpeg" => "image/jpeg",
            "image/png" => "image/png",
            "application/pdf" => "application/pdf",
            _ => "application/octet-stream",
        };
        Ok(
            if q.download.is_empty() && content_type != "application/octet-stream" {
                shown_inline(bytes, content_type, &d.file_name)
            } else {
                download(bytes, content_type, &d.file_name)
            },
        )
    }
    .await;
    finish(&c, r)
}

#[derive(Template)]
#[template(path = "claims/letter.html")]
struct LetterPage<'a> {
    c: &'a Ctx,
    v: ClaimView,
    decision: DecisionShown,
    member_id_number: String,
    federation: String,
    unit_name: String,
    policy_name: String,
    title: &'static str,
    final_decision: bool,
    rejected_reason: Option<String>,
    dated: chrono::NaiveDate,
    total_in_words: String,
    /// The last day to appeal a final decision.
    appeal_deadline: Option<chrono::NaiveDate>,
    /// Whether the letter says the benefit goes to the bank account: only for an approval (or
    /// payment) of more than nothing, never for a refusal nor a claim not yet decided.
    pays: bool,
}

/// 补助决定书 — the decision letter, printable: the union's header, the member, each amount with
/// its clause, the total, the date.
pub async fn letter<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
) -> Response {
    let r = letter_page(&state, &c, &id).await;
    finish(&c, r)
}

async fn letter_page<S: Backend>(state: &AppState<S>, c: &Ctx, raw_id: &str) -> PageResult {
    let actor = c.actor()?;
    let id = claim_id(raw_id)?;
    let v = claims::get_claim(&state.store, state.clock.as_ref(), actor, id).await?;
    let policy =
        c.localised(&*policies::policy(&state.store, state.clock.as_ref(), &v.policy).await?);
    let Some(decision) = DecisionShown::of(&v, &policy) else {
        return Err(PageError::from(huzhu_app::AppError::Conflict(
            "该申请尚未核算，没有决定书 (the claim has not been computed yet: no letter)".into(),
        )));
    };
    let member = members::detail(&state.store, actor, MemberId(v.member)).await?;
    // The union's header: the unit's chain up to the city federation (the claim is visible, so
    // its unit's chain is too).
    let mut federation = String::new();
    let mut unit_name = v.unit.clone();
    if let Ok(code) = OrgCode::parse(&v.unit) {
        let chain = huzhu_app::access::org_chain(&state.store, &code).await?;
        if let (Some(city), Some(unit)) = (chain.first(), chain.last()) {
            federation = city.name.clone();
            unit_name = unit.name.clone();
        }
    }
    let claim_state = ClaimState::parse(v.state).unwrap_or(ClaimState::Draft);
    let rejected = claim_state == ClaimState::Rejected;
    let final_decision = matches!(
        claim_state,
        ClaimState::Approved | ClaimState::Paid | ClaimState::Rejected
    );
    let deciding = v
        .events
        .iter()
        .rev()
        .find(|e| e.action == "approve" || e.action == "reject");
    let dated = deciding
        .map(|e| {
            e.at.with_timezone(&huzhu_app::clock::shanghai())
                .date_naive()
        })
        .unwrap_or(c.today);
    let rejected_reason = deciding
        .filter(|e| e.action == "reject")
        .map(|e| e.reason.clone());
    let title = if rejected {
        c.t("不予补助通知书", "Notice of refusal")
    } else {
        c.t("医疗互助补助决定书", "Mutual-aid benefit decision")
    };
    let total = if rejected { 0 } else { decision.payable_fen };
    let appeal_deadline = v.appeal_deadline.filter(|_| final_decision);
    let pays = final_decision && !rejected && decision.payable_fen > 0;
    let page_data = LetterPage {
        appeal_deadline,
        pays,
        c,
        member_id_number: member.summary.id_number.clone(),
        federation,
        unit_name,
        policy_name: policy.name.clone(),
        title,
        final_decision,
        rejected_reason,
        dated,
        total_in_words: shown::rmb_words(total),
        decision,
        v,
    };
    page(&page_data)
}

/// The 303 back to a claim after it was made or a document uploaded, saying which (`done`).
pub fn to_claim(id: i64, done: &str) -> Response {
    redirect(&format!("/claims/{id}?done={done}"))
}

/// The status of a re-shown form: what the use case said, 400 by default.
pub fn with_status(mut r: Response, status: u16) -> Response {
    if let Ok(s) = StatusCode::from_u16(status) {
        *r.status_mut() = s;
    }
    r.into_response()
}
