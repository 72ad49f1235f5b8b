//! Batch adjudication of a stored cycle (issue 5): every claim of a policy cycle decided afresh
//! under the policy text stored with it, and its decision stored — what a federation runs after a
//! correction of the engine, or to check a cycle before its books close.
//!
//! This is a recomputation, not a step of the workflow: only each claim's decision and payable
//! amount are written (and its version bumped, so that a change computed from the old decision
//! is refused as a conflict). States, approved and paid amounts, events and the ledger stay as
//! they are; what was approved is settled through the workflow, where a changed payable amount
//! shows at the next approval.
//!
//! Claims are decided as [`crate::claims::decide`] decides one: member by member in the order
//! they were made, drafts and returned claims left out, a rejected claim leaving only its
//! invoice numbers. The cycle is read in pages by member then id, and a page costs a fixed
//! number of queries (its claims, their members, their enrolments, their documents) and one
//! transaction for its decisions, however many members it holds.

use crate::claims::{decide_in_turn, decision_json, engine_member_from, stored_body};
use crate::{policies, AppError, Clock};
use huzhu_domain::engine::History;
use huzhu_domain::money::Money;
use huzhu_domain::scenario;
use huzhu_store::money::ClaimId;
use huzhu_store::{MemberId, Repo, StoreError};
use serde::Serialize;
use std::collections::HashMap;

/// What a batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BatchStats {
    /// Claims decided and written.
    pub claims: u64,
    /// Drafts, returned and rejected claims: read, not decided.
    pub skipped: u64,
    /// Members with at least one claim in the cycle.
    pub members: u64,
    /// The sum of the payable amounts written, in fen.
    pub payable_fen: i64,
    pub pages: u64,
}

/// Re-decides every stored claim of `policy_id` and stores the decisions, `page_size` claims at a
/// time (each page in one transaction).
pub async fn adjudicate_cycle<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    policy_id: &str,
    page_size: u32,
) -> Result<BatchStats, AppError> {
    let policy = policies::policy(store, clock, policy_id).await?;
    let mut stats = BatchStats::default();
    let mut after = None;
    // A member's claims may run over the end of a page: their history carries over.
    let mut current: Option<(MemberId, scenario::Member, History)> = None;
    loop {
        let page = store
            .claims_page_by_member(policy_id, after, page_size.max(1))
            .await?;
        let Some(last) = page.last() else { break };
        after = Some((last.member, last.id));
        let mut member_ids: Vec<MemberId> = page.iter().map(|c| c.member).collect();
        member_ids.dedup();
        let mut members: HashMap<MemberId, scenario::Member> = store
            .members_with_enrolments(&member_ids, policy_id)
            .await?
            .into_iter()
            .map(|(m, enrolments)| (m.id, engine_member_from(&m, &enrolments, policy_id)))
            .collect();
        let ids: Vec<ClaimId> = page.iter().map(|c| c.id).collect();
        let mut documents = store.document_kinds(&ids).await?;
        let mut decisions: Vec<(ClaimId, String, Money)> = Vec::with_capacity(page.len());
        for c in &page {
            if !matches!(&current, Some((m, ..)) if *m == c.member) {
                let member = members.remove(&c.member).ok_or_else(|| {
                    StoreError::Corrupt(format!("claim {} names no member", c.id.0))
                })?;
                current = Some((c.member, member, History::new(&policy)));
                stats.members += 1;
            }
            let Some((_, member, history)) = current.as_mut() else {
                continue;
            };
            let body = stored_body(c, documents.remove(&c.id).unwrap_or_default())?;
            match decide_in_turn(&policy, member, history, c.fields.state, &body)? {
                Some(d) => {
                    stats.claims += 1;
                    stats.payable_fen = stats.payable_fen.saturating_add(d.payable.fen());
                    decisions.push((c.id, decision_json(&d), d.payable));
                }
                None => stats.skipped += 1,
            }
        }
        store.record_decisions(&decisions).await?;
        stats.pages += 1;
    }
    Ok(stats)
}
