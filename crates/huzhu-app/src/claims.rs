//! Claims from submission to approval (SPEC 5): a member, or the unit's officer for them, makes a
//! claim; the window accepts or returns it; the engine computes it; staff review it, a medical
//! reviewer clears flagged ones, the right level approves or rejects it; an appeal reopens it.
//!
//! Every step goes through [`huzhu_domain::workflow::transition`] and is stored with its event
//! (who, when, why) and, for an approval, its ledger entry, in one transaction that names the
//! version it was computed from: two approvals of the same claim cannot both land.

use crate::access::{not_found, require};
use crate::{policies, review, AppError, Clock};
use chrono::SubsecRound;
use huzhu_domain::access::{Actor, Capability};
use huzhu_domain::claim_input;
use huzhu_domain::engine::{adjudicate, Decision, History};
use huzhu_domain::ledger;
use huzhu_domain::money::Money;
use huzhu_domain::org::{OrgCode, OrgLevel};
use huzhu_domain::policy::Policy;
use huzhu_domain::review::{flags, select_for_review};
use huzhu_domain::scenario::{self, Claim};
use huzhu_domain::workflow::{
    after_approval, approval_level, transition, Action, AppealWindow, ClaimState, Guards,
};
use huzhu_store::money::{
    ClaimChange, ClaimEvent, ClaimFields, ClaimId, NewClaim, StoredClaim, StoredDocument,
    StoredEnrolment,
};
use huzhu_store::{MemberId, Repo, StoredMember};

mod view;
pub use view::{verdict_words, ClaimEventView, ClaimSummary, ClaimView, ExpertOpinion};

/// What the caller sends to make a claim: the claim object of SPEC 10 without `id`,
/// `submitted` and `documents`, which huzhu assigns (documents are uploaded files).
#[derive(Debug, Clone)]
pub struct ClaimRequest {
    pub member: MemberId,
    /// The policy cycle; when absent, the one the member is enrolled in on the event date.
    pub policy: Option<String>,
    pub claim: serde_json::Value,
    /// Submit at once (else the claim is kept as a draft).
    pub submit: bool,
}

/// The medical reviewer's last opinion, if one was given since the claim was last computed,
/// reopened or sent to the expert: the events after those start a new round of review.
pub fn expert_opinion(events: &[ClaimEvent]) -> Option<ExpertOpinion> {
    events.iter().rev().find_map(|e| {
        let verdict = match e.action.as_str() {
            "expert_clear" => "agree",
            "expert_disagree" => "disagree",
            "expert_more_documents" => "more_documents",
            "compute" | "reopen" | "send_to_expert" => return Some(None),
            _ => return None,
        };
        Some(Some(ExpertOpinion {
            verdict,
            verdict_label: verdict_words(verdict).0,
            text: e.reason.clone(),
            by: e.actor.clone(),
            at: e.at,
        }))
    })?
}

/// The last day to appeal the claim's decision: [`huzhu_domain::workflow::APPEAL_WINDOW_DAYS`]
/// after the day (in China) of its last approval or refusal; None before any.
pub fn appeal_deadline(events: &[ClaimEvent]) -> Option<chrono::NaiveDate> {
    events
        .iter()
        .rev()
        .find(|e| e.action == "approve" || e.action == "reject")
        .map(|e| {
            huzhu_domain::workflow::appeal_deadline(
                e.at.with_timezone(&crate::clock::shanghai()).date_naive(),
            )
        })
}

fn invalid(field: &str, message: String) -> AppError {
    AppError::invalid(field, message)
}

/// Reads the caller's claim object, with `id` and `submitted` filled in by huzhu, and checks it
/// as a claim made through huzhu must be (identifiers, invoice numbers normalised, costs, dates,
/// sizes: [`huzhu_domain::claim_input`]; issue 14).
fn read_claim(value: &serde_json::Value, submitted: chrono::NaiveDate) -> Result<Claim, AppError> {
    let serde_json::Value::Object(map) = value else {
        return Err(invalid(
            "claim",
            "申请内容须为 JSON 对象 (claim must be a JSON object)".into(),
        ));
    };
    for assigned in ["id", "submitted", "documents"] {
        if map.contains_key(assigned) {
            return Err(invalid(
                &format!("claim.{assigned}"),
                format!("“{assigned}”由系统填写，请勿提交 (`{assigned}` is assigned by huzhu)"),
            ));
        }
    }
    let mut map = map.clone();
    map.insert("id".into(), serde_json::json!("new"));
    map.insert("submitted".into(), serde_json::json!(submitted.to_string()));
    let total_stated = map
        .get("costs_fen")
        .and_then(|c| c.get("total"))
        .is_some_and(|t| !t.is_null());
    let text = serde_json::Value::Object(map).to_string();
    let claim = Claim::from_json(&text, "claim").map_err(|e| invalid(&e.field, e.problem))?;
    claim_input::check_claim_input(claim, total_stated, submitted, "claim")
        .map_err(|e| invalid(&e.field, e.problem))
}

/// The policy a new claim belongs to.
async fn policy_of_claim<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    member: MemberId,
    asked: Option<&str>,
    claim: &Claim,
) -> Result<std::sync::Arc<Policy>, AppError> {
    if let Some(id) = asked {
        return policies::policy(store, clock, id)
            .await
            .map_err(|e| match e {
                AppError::NotFound { what } => invalid("policy", what),
                other => other,
            });
    }
    let day = claim.event_date();
    let enrolled = store.member_enrolments(member).await?;
    if let Some(e) = enrolled
        .iter()
        .find(|e| e.cycle_start <= day && day <= e.cycle_end)
    {
        return policies::policy(store, clock, &e.policy).await;
    }
    let known = store.policy_records().await?;
    match known
        .iter()
        .find(|p| p.cycle_start <= day && day <= p.cycle_end)
    {
        Some(p) => policies::policy(store, clock, &p.id).await,
        None => Err(invalid(
            "claim",
            format!("没有覆盖 {day} 的互助保障期，请指定 policy (no policy cycle covers {day}; name the policy)"),
        )),
    }
}

fn event(
    action: &str,
    from: Option<ClaimState>,
    to: ClaimState,
    actor: &Actor,
    reason: &str,
    clock: &dyn Clock,
) -> ClaimEvent {
    ClaimEvent {
        action: action.to_string(),
        from,
        to,
        actor: actor.username.clone(),
        actor_role: actor.role.code().to_string(),
        reason: reason.to_string(),
        at: clock.now(),
    }
}

/// Makes a claim for a member in the actor's scope, as a draft or submitted at once.
///
/// The busiest write of the system (issue 5), so the request itself reads nothing when it names
/// its policy: the policy comes from its cache, and the member's scope is checked, and the member
/// read, by the batch that writes the claim (see [`huzhu_store::MoneyStore::create_claim`]). A
/// claim that names no policy first reads the member (in scope) and their enrolments to find it.
/// The answer is built from what was in hand rather than read back (see [`new_claim_view`]).
pub async fn create_claim<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    req: &ClaimRequest,
) -> Result<ClaimView, AppError> {
    require(actor, Capability::SubmitClaim)?;
    // A member claims for themselves only; anyone else within their organisation's subtree,
    // which the write checks.
    let within = claim_scope(actor, req.member)?.cloned();
    if req.policy.is_none() {
        // The policy is found from the member's enrolments: only for a member in scope.
        crate::access::visible_member(store, actor, req.member).await?;
    }
    let today = clock.today();
    let claim = read_claim(&req.claim, today)?;
    let policy = policy_of_claim(store, clock, req.member, req.policy.as_deref(), &claim).await?;
    let state = if req.submit {
        transition(
            ClaimState::Draft,
            &Action::Submit,
            actor.role,
            &open_guards(actor),
        )?
    } else {
        ClaimState::Draft
    };
    let mut first = event(
        if req.submit { "submit" } else { "create" },
        None,
        state,
        actor,
        "",
        clock,
    );
    // Microseconds are what PostgreSQL keeps: with them the answer equals a later read on both
    // backends.
    first.at = first.at.trunc_subsecs(6);
    let created = store
        .create_claim(&NewClaim {
            member: req.member,
            within,
            policy: policy.id.clone(),
            kind: claim.kind_code().to_string(),
            fields: ClaimFields {
                state,
                body: claim.to_json(),
                event_date: claim.event_date(),
                submitted_on: req.submit.then_some(today),
                decision: None,
                payable: None,
                approved: Money::ZERO,
                paid: Money::ZERO,
                flags: Vec::new(),
                review_reason: None,
                expert_cleared: false,
                returned_for: Vec::new(),
            },
            event: first.clone(),
        })
        .await
        .map_err(|e| match e {
            // No such member, or not in the actor's scope: the same answer for both.
            huzhu_store::StoreError::NotFound(_) => not_found("member"),
            other => other.into(),
        })?;
    new_claim_view(&policy, &created.member, &created.claim, first)
}

/// Whose claims the actor may make: a member only their own (None: no org condition left to
/// check), anyone else for members under their organisation. Another member is not found.
fn claim_scope(
    actor: &Actor,
    member: MemberId,
) -> Result<Option<&huzhu_domain::org::OrgCode>, AppError> {
    if actor.role != huzhu_domain::access::Role::Member {
        return Ok(Some(&actor.org));
    }
    if actor.member_id != Some(member.0) {
        return Err(not_found("member"));
    }
    Ok(None)
}

/// The view of a claim just made, from what is in hand: it has no documents, no decision and
/// one event. Its missing documents are the engine's: which documents a claim needs depends on
/// the claim, the policy and the member's social-security region, never on earlier claims or on
/// enrolments (every benefit names its documents before anything is counted), so the engine
/// runs here with an empty history — `a_submission_answers_what_a_read_of_the_claim_shows`
/// checks that this equals [`view`].
fn new_claim_view(
    policy: &Policy,
    member: &StoredMember,
    c: &StoredClaim,
    first: ClaimEvent,
) -> Result<ClaimView, AppError> {
    let body = stored_body(c, Vec::new())?;
    let engine_member = engine_member_from(member, &[], &policy.id);
    let decision = adjudicate(policy, &engine_member, &mut History::new(policy), &body)?;
    Ok(ClaimView::of(
        c,
        member,
        decision.missing_documents,
        Vec::new(),
        vec![first],
    ))
}

fn open_guards(actor: &Actor) -> Guards {
    Guards {
        missing_documents: Vec::new(),
        selected_for_review: false,
        expert_cleared: false,
        expert_disagreed: false,
        appeal_window: None,
        approval_level: OrgLevel::Grassroots,
        actor_level: actor.org_level,
        by_its_maker: false,
    }
}

/// A claim visible to the actor, or not found.
pub async fn visible_claim<S: Repo>(
    store: &S,
    actor: &Actor,
    id: ClaimId,
) -> Result<StoredClaim, AppError> {
    let missing = || not_found(&format!("申请 {} (claim {})", id.0, id.0));
    let Some(visibility) = crate::access::visibility(actor) else {
        return Err(missing());
    };
    match store.claim_visible(id, &visibility).await {
        Ok(c) => Ok(c),
        Err(huzhu_store::StoreError::NotFound(_)) => Err(missing()),
        Err(e) => Err(e.into()),
    }
}

pub async fn get_claim<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: ClaimId,
) -> Result<ClaimView, AppError> {
    let claim = visible_claim(store, actor, id).await?;
    view(store, clock, &claim).await
}

/// The engine's inputs for a stored claim, and its decision now.
pub struct Decided {
    pub decision: Decision,
    pub claim: Claim,
    pub member: StoredMember,
    /// The claim's uploaded documents.
    pub documents: Vec<StoredDocument>,
}

/// Decides a stored claim under its policy, with the member's earlier claims of the cycle as
/// history: claims made before it (by id) that are not drafts, returned or rejected count as the
/// engine says; a rejected claim leaves only its invoice numbers (SPEC 4.1 duplicate invoices).
pub async fn decide<S: Repo>(
    store: &S,
    policy: &Policy,
    claim: &StoredClaim,
) -> Result<Decided, AppError> {
    let stored_member = store.member(claim.member).await?;
    let member = engine_member(store, &stored_member, &policy.id).await?;
    let mut history = History::new(policy);
    for earlier in store.member_claims(claim.member, &policy.id).await? {
        if earlier.id >= claim.id {
            break;
        }
        let c = stored_body(&earlier, Vec::new())?;
        decide_in_turn(policy, &member, &mut history, earlier.fields.state, &c)?;
    }
    let documents = store.documents(claim.id).await?;
    let c = stored_body(claim, documents.iter().map(|d| d.kind.clone()).collect())?;
    let decision = adjudicate(policy, &member, &mut history, &c)?;
    Ok(Decided {
        decision,
        claim: c,
        member: stored_member,
        documents,
    })
}

/// Decides a member's stored claim in its turn, `history` holding what the earlier ones used,
/// by the claim's state: a draft or a returned claim counts for nothing (None), a rejected one
/// leaves only its invoice numbers (None; SPEC 4.1 duplicate invoices), any other is decided.
pub(crate) fn decide_in_turn(
    policy: &Policy,
    member: &scenario::Member,
    history: &mut History,
    state: ClaimState,
    claim: &Claim,
) -> Result<Option<Decision>, huzhu_domain::engine::EngineError> {
    Ok(match state {
        ClaimState::Draft | ClaimState::Returned => None,
        ClaimState::Rejected => {
            history.note_invoices(claim);
            None
        }
        _ => Some(adjudicate(policy, member, history, claim)?),
    })
}

/// The member as the engine sees them under one policy.
pub async fn engine_member<S: huzhu_store::MoneyStore>(
    store: &S,
    m: &StoredMember,
    policy: &str,
) -> Result<scenario::Member, AppError> {
    let enrolments = store.member_enrolments(m.id).await?;
    Ok(engine_member_from(m, &enrolments, policy))
}

/// The member as the engine sees them under one policy, from enrolments already loaded (those
/// of other policies are left out).
pub fn engine_member_from(
    m: &StoredMember,
    enrolments: &[StoredEnrolment],
    policy: &str,
) -> scenario::Member {
    let enrolments = enrolments
        .iter()
        .filter(|e| e.policy == policy)
        .map(|e| scenario::Enrolment {
            item: e.item.clone(),
            shares: e.shares,
            start: e.start,
            renewal: e.renewal,
        })
        .collect();
    scenario::Member {
        id_number: m.record.id_number.clone(),
        gender: m.record.gender,
        status: m.record.status,
        social_security_region: m.record.social_security_region,
        enrolments,
    }
}

/// The stored claim body with the claim's id and the kinds of its uploaded documents. Its
/// invoice numbers are normalised as read, so that a claim stored before invoice numbers were
/// normalised on submission compares alike in duplicate detection (issue 14).
pub(crate) fn stored_body(c: &StoredClaim, documents: Vec<String>) -> Result<Claim, AppError> {
    let mut claim = Claim::from_json(&c.fields.body, "claim").map_err(|e| {
        AppError::Store(huzhu_store::StoreError::Corrupt(format!(
            "claim {} body: {e}",
            c.id.0
        )))
    })?;
    claim.id = c.id.0.to_string();
    claim.documents = documents;
    claim_input::normalise_invoices(&mut claim);
    Ok(claim)
}

/// The decision as stored with the claim: SPEC 10's shape.
pub(crate) fn decision_json(d: &Decision) -> String {
    let mut s = String::new();
    d.write_json(&mut s);
    s
}

/// The level that must approve: the highest named by an item with a payable line (or, when
/// nothing is payable, by any item the claim touched; city when it touched none).
pub fn required_level(policy: &Policy, d: &Decision) -> OrgLevel {
    let payable: Vec<&str> = d
        .lines
        .iter()
        .filter(|l| l.amount.fen() > 0)
        .map(|l| l.item.as_str())
        .collect();
    let touched: Vec<&str> = if payable.is_empty() {
        d.lines
            .iter()
            .map(|l| l.item.as_str())
            .chain(d.not_payable.iter().map(|r| r.item.as_str()))
            .collect()
    } else {
        payable
    };
    touched
        .iter()
        .filter_map(|i| policy.item(i))
        .map(|i| approval_level(&i.approval))
        .min()
        .unwrap_or(OrgLevel::City)
}

/// Does `action` to a claim in the actor's scope. Acceptance and reopening are followed at once
/// by the computation (its own event), so a claim never waits in `accepted`.
pub async fn act<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: ClaimId,
    action: Action,
) -> Result<ClaimView, AppError> {
    // The role is checked before the claim is looked at: it says nothing about the claim, and a
    // role without the capability gets 403 whatever the id.
    require(actor, action.capability())?;
    let claim = visible_claim(store, actor, id).await?;
    if matches!(action, Action::Pay | Action::Compute) {
        return Err(invalid(
            "action",
            "支付和核算由系统完成 (pay and compute are done by huzhu)".into(),
        ));
    }
    let claim = step(store, clock, actor, claim, &action).await?;
    let claim = if claim.fields.state == ClaimState::Accepted {
        step(store, clock, actor, claim, &Action::Compute).await?
    } else {
        claim
    };
    view(store, clock, &claim).await
}

/// Whether `username` created the claim or submitted it (at any time: a returned claim is
/// submitted again): the four-eyes rule keeps that account from accepting or approving it.
fn made_by(claim: &StoredClaim, events: &[ClaimEvent], username: &str) -> bool {
    claim.created_by == username
        || events
            .iter()
            .any(|e| e.actor == username && matches!(e.action.as_str(), "create" | "submit"))
}

/// One transition, stored.
async fn step<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    claim: StoredClaim,
    action: &Action,
) -> Result<StoredClaim, AppError> {
    let policy = policies::policy(store, clock, &claim.policy).await?;
    let decided = decide(store, &policy, &claim).await?;
    let from = claim.fields.state;
    let events = store.claim_events(claim.id).await?;
    let opinion = expert_opinion(&events);
    let guards = Guards {
        missing_documents: decided.decision.missing_documents.clone(),
        selected_for_review: claim.fields.review_reason.is_some(),
        expert_cleared: claim.fields.expert_cleared,
        expert_disagreed: opinion.as_ref().is_some_and(|o| o.verdict == "disagree"),
        appeal_window: appeal_deadline(&events).map(|deadline| AppealWindow {
            deadline,
            today: clock.today(),
        }),
        approval_level: required_level(&policy, &decided.decision),
        actor_level: actor.org_level,
        by_its_maker: matches!(action, Action::Accept | Action::Approve)
            && made_by(&claim, &events, &actor.username),
    };
    let to = transition(from, action, actor.role, &guards)?;
    let mut f = claim.fields.clone();
    f.state = to;
    let mut entries = Vec::new();
    let mut flag_details = String::new();
    let today = clock.today();
    match action {
        Action::Submit => {
            let mut body = decided.claim.clone();
            body.submitted = today;
            body.documents = Vec::new();
            f.body = body.to_json();
            f.submitted_on = Some(today);
            f.returned_for = Vec::new();
        }
        Action::Return { missing } => {
            f.returned_for = missing.iter().map(|m| m.trim().to_string()).collect();
        }
        Action::Compute => {
            let others: Vec<Claim> = store
                .member_claims(claim.member, &claim.policy)
                .await?
                .iter()
                .filter(|o| o.id != claim.id && o.fields.state != ClaimState::Draft)
                .filter_map(|o| stored_body(o, Vec::new()).ok())
                .collect();
            let others: Vec<&Claim> = others.iter().collect();
            let norms = review::norms(store, clock, &claim.policy).await?;
            let notes = flags(&decided.claim, &decided.decision, &others, &norms);
            // The rule of the claim's unit: its own federation's, or one overridden below the city.
            let unit = OrgCode::parse(&claim.unit).map_err(|e| {
                AppError::Store(huzhu_store::StoreError::Corrupt(format!(
                    "claim {} unit {}: {e}",
                    claim.id.0, claim.unit
                )))
            })?;
            let rule = review::rule_at(store, &unit).await?.rule;
            f.decision = Some(decision_json(&decided.decision));
            f.payable = Some(decided.decision.payable);
            let mut codes: Vec<String> =
                notes.iter().map(|n| n.flag().code().to_string()).collect();
            codes.dedup();
            f.flags = codes;
            f.expert_cleared = false;
            f.review_reason = select_for_review(
                &rule,
                &claim.id.0.to_string(),
                decided.decision.payable,
                &notes,
            )
            .map(|s| format!("{} | {}", s.zh(), s.en()));
            // The expert asked for documents: once they are in, the claim goes back to an
            // expert before it may be approved, whatever the rule says of it now.
            if opinion
                .as_ref()
                .is_some_and(|o| o.verdict == "more_documents")
            {
                f.review_reason = Some(
                    "专家要求补充材料，补齐后须再经专家审核 | \
                     the expert asked for documents: an expert reviews it again"
                        .into(),
                );
            }
            flag_details = notes
                .iter()
                .map(|n| format!("{} | {}", n.detail_zh(), n.detail_en()))
                .collect::<Vec<_>>()
                .join("; ");
        }
        Action::SendToExpert { reason } => {
            f.review_reason = Some(reason.clone());
            f.expert_cleared = false;
        }
        Action::ExpertClear { .. } => f.expert_cleared = true,
        Action::ExpertDisagree { .. } => f.expert_cleared = false,
        Action::ExpertMoreDocuments { documents } => {
            f.expert_cleared = false;
            f.returned_for = documents
                .iter()
                .map(|d| d.trim().to_string())
                .filter(|d| !d.is_empty())
                .collect();
        }
        Action::Approve => {
            let payable = f.payable.unwrap_or(Money::ZERO);
            let delta = payable.fen() - f.approved.fen();
            if delta > 0 {
                entries.push(
                    ledger::claim_approved(
                        &claim.policy,
                        claim.member.0,
                        &claim.id.0.to_string(),
                        Money::from_fen(delta),
                    )
                    .map_err(|e| invalid("amount", e.to_string()))?,
                );
                f.approved = payable;
            } else if delta < 0 && payable.fen() >= f.paid.fen() {
                // A lower decision after an appeal, before payment: give back what is not owed.
                let over = ledger::claim_approved(
                    &claim.policy,
                    claim.member.0,
                    &claim.id.0.to_string(),
                    Money::from_fen(-delta),
                )
                .map_err(|e| invalid("amount", e.to_string()))?;
                entries.push(over.reversal(format!("申请 {} 重新审批冲减", claim.id.0)));
                f.approved = payable;
            }
            f.state = after_approval(f.approved, f.paid);
        }
        Action::Reject { .. } | Action::Appeal { .. } | Action::Review | Action::Accept => {}
        Action::Reopen => f.expert_cleared = false,
        Action::Pay => {}
    }
    let reason = action.reason().unwrap_or_default().to_string();
    let reason = match action {
        Action::Return { missing } => missing.join(","),
        Action::ExpertMoreDocuments { .. } => f.returned_for.join(","),
        Action::Compute => flag_details,
        _ => reason,
    };
    let event = event(action.code(), Some(from), f.state, actor, &reason, clock);
    let change = ClaimChange {
        claim: claim.id,
        expected_version: claim.version,
        fields: f,
        event,
        entries,
    };
    Ok(store.change_claim(&change).await?)
}

/// The claim with its decision, documents and events, as shown to the actor.
pub async fn view<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    c: &StoredClaim,
) -> Result<ClaimView, AppError> {
    let policy = policies::policy(store, clock, &c.policy).await?;
    let Decided {
        decision,
        member,
        documents,
        ..
    } = decide(store, &policy, c).await?;
    let events = store.claim_events(c.id).await?;
    Ok(ClaimView::of(
        c,
        &member,
        decision.missing_documents,
        documents,
        events,
    ))
}

/// What to list: claims of the subtree under `org` (default: the actor's own organisation), in
/// the given states (all when empty), of one member when given, whose member matches `search`
/// when given (a name or part of one, or the end of an ID number: [`crate::claim_list`]).
#[derive(Debug, Clone, Default)]
pub struct ClaimQuery {
    pub org: Option<huzhu_domain::org::OrgCode>,
    pub states: Vec<ClaimState>,
    pub member: Option<MemberId>,
    pub search: String,
    pub after: Option<ClaimId>,
    pub limit: u32,
}

/// Claims the actor may see, by id: a member sees their own only. A search by more of an ID
/// number than a masked one shows is written to the audit log, as a member search is.
pub async fn list_claims<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    q: &ClaimQuery,
) -> Result<Vec<ClaimSummary>, AppError> {
    let Some((org, filter)) = crate::claim_list::resolve(store, actor, q).await? else {
        return Ok(Vec::new());
    };
    let rows = store.claims_under(&org, &filter).await?;
    if let Some(text) = crate::claim_list::id_number_searched(q) {
        crate::claim_list::audit_id_search(store, clock, actor, &org, text, &rows).await?;
    }
    let mut names: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for c in rows {
        let name = match names.get(&c.member.0) {
            Some(n) => n.clone(),
            None => {
                let n = store
                    .member(c.member)
                    .await?
                    .record
                    .name
                    .as_str()
                    .to_string();
                names.insert(c.member.0, n.clone());
                n
            }
        };
        out.push(ClaimSummary::of(&c, name));
    }
    Ok(out)
}
