//! 银行账号变更 — the pending changes of members' bank accounts (issue 14), listed and decided
//! by officers. A roster import never changes the account payouts are made to: it proposes;
//! an account other than the proposer's, holding `ManageRoster` with the member's current unit
//! in its subtree (another officer of the unit, or the staff of a federation above it), confirms
//! or rejects with a reason (the pending-decision pattern, [`crate::decision`]). The store checks scope and the second person in the deciding transaction.

use crate::access::read_scope;
use crate::decision::{self, DecisionView};
use crate::{AppError, Clock};
use chrono::{DateTime, Utc};
use huzhu_domain::access::{Actor, Capability};
use huzhu_domain::decision::Decision;
use huzhu_domain::org::OrgCode;
use huzhu_domain::personal::mask_middle;
use huzhu_store::{AccountStore, BankChange, BankChangeStore};
use serde::Serialize;
use utoipa::ToSchema;

/// 银行账号变更 — a proposed change of a member's bank account as officers see it: both
/// accounts masked like every list (SPEC 3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct BankChangeView {
    pub id: i64,
    pub member_id: i64,
    pub member_name: String,
    /// The member's unit now.
    pub org: String,
    /// Masked; null when the member had no account.
    pub old_account: Option<String>,
    /// Masked.
    pub new_account: String,
    pub proposed_by: String,
    pub proposed_at: DateTime<Utc>,
    /// The import run that proposed it.
    pub import: Option<i64>,
    /// `pending`, `confirmed`, `rejected` (with its reason) or `superseded`, and who decided.
    #[serde(flatten)]
    pub decision: DecisionView,
}

impl BankChangeView {
    pub fn of(c: &BankChange) -> BankChangeView {
        BankChangeView {
            id: c.id,
            member_id: c.member.0,
            member_name: c.member_name.clone(),
            org: c.org.as_str().to_string(),
            old_account: c.old_account.as_deref().map(|a| mask_middle(a, 4, 4)),
            new_account: mask_middle(&c.new_account, 4, 4),
            proposed_by: c.proposed_by.clone(),
            proposed_at: c.proposed_at,
            import: c.import.map(|i| i.0),
            decision: DecisionView::of(
                &c.status,
                c.decided_by.as_deref(),
                c.decided_at,
                c.decision_reason.as_deref(),
            ),
        }
    }
}

/// The pending changes of members under `org` (default: the actor's own org), oldest first.
pub async fn pending<S: BankChangeStore + AccountStore>(
    store: &S,
    actor: &Actor,
    org: Option<&OrgCode>,
) -> Result<Vec<BankChangeView>, AppError> {
    let scope = read_scope(store, actor, Capability::ManageRoster, org).await?;
    let changes = store.pending_bank_changes(&scope).await?;
    Ok(changes.iter().map(BankChangeView::of).collect())
}

/// Confirms or rejects (`reason` required) change `id`: not found outside the actor's subtree
/// or when no longer pending; refused (conflict) to its proposer.
pub async fn decide<S: BankChangeStore + AccountStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    decision: Decision,
    reason: Option<&str>,
) -> Result<BankChangeView, AppError> {
    let scope = read_scope(store, actor, Capability::ManageRoster, None).await?;
    let why = decision::reason(decision, reason)?;
    let change = store
        .decide_bank_change(
            id,
            decision,
            why.as_deref(),
            &actor.username,
            &scope,
            clock.now(),
        )
        .await?;
    Ok(BankChangeView::of(&change))
}
