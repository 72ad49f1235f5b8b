//! 理赔申请 — the claim as the use cases hand it out: [`ClaimView`] (one claim with its decision,
//! documents and events) and [`ClaimSummary`] (a row of a list or a work queue). The API answers
//! these (their OpenAPI schemas are declared here) and the console's pages are built from them:
//! one view of the claim in every layer above the store.

use super::{appeal_deadline, expert_opinion};
use crate::documents::DocumentView;
use huzhu_store::money::{ClaimEvent, StoredClaim, StoredDocument};
use huzhu_store::StoredMember;
use serde::Serialize;
use utoipa::ToSchema;

/// A claim in a list or a work queue.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClaimSummary {
    pub id: i64,
    pub member: i64,
    pub member_name: String,
    /// The member's grassroots union when the claim was made.
    pub unit: String,
    pub policy: String,
    /// `hospital_stay`, `outpatient`, `diagnosis`, …
    pub kind: String,
    /// `draft`, `submitted`, `returned`, `computed`, `reviewed`, `expert_review`, `approved`,
    /// `rejected`, `paid`, `appealed`.
    pub state: &'static str,
    /// The state's Chinese name.
    pub state_label: &'static str,
    pub event_date: chrono::NaiveDate,
    pub submitted_on: Option<chrono::NaiveDate>,
    /// 应付 — the engine's amount, once computed.
    pub payable_fen: Option<i64>,
    pub approved_fen: i64,
    pub paid_fen: i64,
    /// Review flags, e.g. `duplicate_invoice`.
    pub flags: Vec<String>,
    /// Why the claim was selected for expert review.
    pub review_reason: Option<String>,
}

impl ClaimSummary {
    /// The row of stored claim `c`, whose member is named `member_name`.
    pub fn of(c: &StoredClaim, member_name: String) -> ClaimSummary {
        ClaimSummary {
            id: c.id.0,
            member: c.member.0,
            member_name,
            unit: c.unit.clone(),
            policy: c.policy.clone(),
            kind: c.kind.clone(),
            state: c.fields.state.code(),
            state_label: c.fields.state.label_zh(),
            event_date: c.fields.event_date,
            submitted_on: c.fields.submitted_on,
            payable_fen: c.fields.payable.map(|m| m.fen()),
            approved_fen: c.fields.approved.fen(),
            paid_fen: c.fields.paid.fen(),
            flags: c.fields.flags.clone(),
            review_reason: c.fields.review_reason.clone(),
        }
    }
}

/// 理赔申请 — one claim as its member and the officers who may see it see it: the fields of its
/// [`ClaimSummary`] and what only the claim's own page shows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClaimView {
    pub id: i64,
    pub member: i64,
    pub member_name: String,
    /// The member's grassroots union when the claim was made.
    pub unit: String,
    pub policy: String,
    /// `hospital_stay`, `outpatient`, `diagnosis`, …
    pub kind: String,
    /// `draft`, `submitted`, `returned`, `computed`, `reviewed`, `expert_review`, `approved`,
    /// `rejected`, `paid`, `appealed`.
    pub state: &'static str,
    /// The state's Chinese name.
    pub state_label: &'static str,
    pub event_date: chrono::NaiveDate,
    pub submitted_on: Option<chrono::NaiveDate>,
    /// 应付 — the engine's amount, once computed.
    pub payable_fen: Option<i64>,
    pub approved_fen: i64,
    pub paid_fen: i64,
    /// Review flags, e.g. `duplicate_invoice`.
    pub flags: Vec<String>,
    /// Why the claim was selected for expert review.
    pub review_reason: Option<String>,
    pub expert_cleared: bool,
    /// 专家意见 — the medical reviewer's last opinion since the claim was last computed or sent
    /// to them.
    pub expert_opinion: Option<ExpertOpinion>,
    /// 申诉期限 — the last day the decision may be appealed, once approved or rejected.
    pub appeal_deadline: Option<chrono::NaiveDate>,
    /// Documents named when the claim was returned (by the window or the expert).
    pub returned_for: Vec<String>,
    /// Documents the policy requires that have not been uploaded yet.
    pub missing_documents: Vec<String>,
    /// The claim as SPEC 10 writes it.
    #[schema(value_type = Object)]
    pub claim: serde_json::Value,
    /// The engine's decision in SPEC 10's shape, once computed.
    #[schema(value_type = Option<Object>)]
    pub decision: Option<serde_json::Value>,
    pub documents: Vec<DocumentView>,
    pub events: Vec<ClaimEventView>,
    pub version: i32,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl ClaimView {
    /// The view of stored claim `c` of `member`, given what is read beside it.
    pub(crate) fn of(
        c: &StoredClaim,
        member: &StoredMember,
        missing_documents: Vec<String>,
        documents: Vec<StoredDocument>,
        events: Vec<ClaimEvent>,
    ) -> ClaimView {
        let parse = |s: &str| serde_json::from_str::<serde_json::Value>(s).ok();
        let ClaimSummary {
            id,
            member,
            member_name,
            unit,
            policy,
            kind,
            state,
            state_label,
            event_date,
            submitted_on,
            payable_fen,
            approved_fen,
            paid_fen,
            flags,
            review_reason,
        } = ClaimSummary::of(c, member.record.name.as_str().to_string());
        ClaimView {
            id,
            member,
            member_name,
            unit,
            policy,
            kind,
            state,
            state_label,
            event_date,
            submitted_on,
            payable_fen,
            approved_fen,
            paid_fen,
            flags,
            review_reason,
            expert_cleared: c.fields.expert_cleared,
            expert_opinion: expert_opinion(&events),
            appeal_deadline: appeal_deadline(&events),
            returned_for: c.fields.returned_for.clone(),
            missing_documents,
            claim: parse(&c.fields.body).unwrap_or(serde_json::Value::Null),
            decision: c.fields.decision.as_deref().and_then(parse),
            documents: documents.iter().map(DocumentView::of).collect(),
            events: events.iter().map(ClaimEventView::of).collect(),
            version: c.version,
            created_by: c.created_by.clone(),
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// One step of a claim's workflow: who, when, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ClaimEventView {
    /// `submit`, `accept`, `compute`, `approve`, …
    pub action: String,
    /// The state before; null for the claim's creation.
    pub from: Option<&'static str>,
    pub to: &'static str,
    pub actor: String,
    pub actor_role: String,
    /// The reason, opinion or missing documents given; empty when none.
    pub reason: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

impl ClaimEventView {
    pub fn of(e: &ClaimEvent) -> ClaimEventView {
        ClaimEventView {
            action: e.action.clone(),
            from: e.from.map(|s| s.code()),
            to: e.to.code(),
            actor: e.actor.clone(),
            actor_role: e.actor_role.clone(),
            reason: e.reason.clone(),
            at: e.at,
        }
    }
}

/// 专家意见 — what a medical reviewer said of a claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ExpertOpinion {
    /// `agree`, `disagree` or `more_documents`.
    #[schema(example = "disagree")]
    pub verdict: &'static str,
    /// The verdict in Chinese (同意, 不同意, 需补充材料).
    pub verdict_label: &'static str,
    /// The opinion, the reasons for disagreeing, or the documents asked for (their ids, `,`).
    pub text: String,
    pub by: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

impl ExpertOpinion {
    /// The verdict in words: (Chinese, English).
    pub fn verdict_words(&self) -> (&'static str, &'static str) {
        verdict_words(self.verdict)
    }
}

/// A verdict code in words: (Chinese, English).
pub fn verdict_words(code: &str) -> (&'static str, &'static str) {
    match code {
        "agree" => ("同意", "Agrees"),
        "disagree" => ("不同意", "Disagrees"),
        _ => ("需补充材料", "More documents needed"),
    }
}
