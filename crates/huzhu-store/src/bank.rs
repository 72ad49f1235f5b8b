//! 银行账号变更 — a member's bank account changes only when a second person confirms it (issue
//! 14). Whatever proposes another account (today: a roster import) records a [`BankChange`] and
//! leaves `members.bank_account`, the account payouts are built from, as it was; an account other
//! than the proposer's, with the member's unit in its scope, confirms or rejects it with a reason
//! (the pending-decision pattern, [`crate::decision`]). Proposal, confirmation and rejection are
//! written to the audit log with both accounts masked.

use crate::{Decision, ImportId, MemberId, OrgScope};
use chrono::{DateTime, Utc};
use huzhu_domain::decision::DecisionState;
use huzhu_domain::org::OrgCode;
use serde::Serialize;
use std::future::Future;

/// A proposed change of a member's bank account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BankChange {
    pub id: i64,
    pub member: MemberId,
    pub member_name: String,
    /// The member's unit now.
    pub org: OrgCode,
    pub old_account: Option<String>,
    pub new_account: String,
    /// 开户行 of the new account, when the proposal named one (applied with the account).
    pub new_branch: Option<String>,
    /// `pending`, `confirmed`, `rejected`, or `superseded` (a newer proposal for the member).
    pub status: String,
    pub proposed_by: String,
    pub proposed_at: DateTime<Utc>,
    pub import: Option<ImportId>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// Why it was rejected.
    pub decision_reason: Option<String>,
}

/// The word `bank_changes.status` holds for a decision's outcome: a refused change is
/// `rejected` (the column's word since it landed).
pub(crate) fn status_word(state: DecisionState) -> &'static str {
    match state {
        DecisionState::Pending => "pending",
        DecisionState::Confirmed => "confirmed",
        DecisionState::Refused => "rejected",
    }
}

pub trait BankChangeStore: Send + Sync {
    /// The pending proposals for members of `scope`, oldest first.
    fn pending_bank_changes(
        &self,
        scope: &OrgScope,
    ) -> impl Future<Output = crate::Result<Vec<BankChange>>> + Send;

    /// Confirms or rejects (with `reason`) the pending proposal `id` as `by`, in one
    /// transaction: a proposal that is not pending or whose member is outside `scope` is
    /// [`crate::StoreError::NotFound`]; `by` being its proposer ([`SAME_PERSON`]), or (to
    /// confirm) the member's account having changed since, is [`crate::StoreError::Conflict`].
    /// Confirming changes the member's account (a new version, the old one kept in history).
    fn decide_bank_change(
        &self,
        id: i64,
        decision: Decision,
        reason: Option<&str>,
        by: &str,
        scope: &OrgScope,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<BankChange>> + Send;
}

/// The words a proposer who tries to decide their own proposal gets.
pub const SAME_PERSON: &str = "银行账号变更须由提出人以外的人确认 \
     (a bank account change is confirmed or rejected by someone other than who proposed it)";

/// An account as the audit log shows it (`huzhu_domain::personal` masking), or 无 (none).
pub(crate) fn masked(account: Option<&str>) -> String {
    match account {
        Some(a) => huzhu_domain::personal::mask_middle(a, 4, 4),
        None => "无 (none)".to_string(),
    }
}

/// A proposal written by a batch that already holds a transaction.
pub(crate) struct Proposal<'a> {
    pub tenant_id: i64,
    pub member_id: i64,
    /// The member's unit after the batch (the audit entry's org).
    pub org_id: i64,
    pub old_account: Option<&'a str>,
    pub new_account: &'a str,
    pub new_branch: Option<&'a str>,
    pub by: &'a str,
    pub import: Option<ImportId>,
    pub at: DateTime<Utc>,
}

/// An audit entry written inside a transaction, its org by id.
pub(crate) struct TxAudit<'a> {
    pub at: DateTime<Utc>,
    pub actor: &'a str,
    pub action: &'a str,
    pub subject: &'a str,
    pub detail: &'a str,
    pub org_id: Option<i64>,
}

pub(crate) const BANK_COLUMNS: &str = "b.id, b.member_id, m.name AS member_name, \
     o.code AS org_code, b.old_account, b.new_account, b.new_branch, b.status, b.proposed_by, \
     b.proposed_at, b.import_id, b.decided_by, b.decided_at, b.decision_reason";

/// Members whose unit lies under the org code bound as `$n` (or every member when it is NULL).
pub(crate) fn member_in_scope(n: usize) -> String {
    format!(
        "(${n} IS NULL OR m.org_id IN (SELECT c.descendant_id FROM org_closure c \
         JOIN orgs a ON a.id = c.ancestor_id WHERE a.code = ${n}))"
    )
}

#[derive(sqlx::FromRow)]
pub(crate) struct BankRow {
    pub id: i64,
    pub member_id: i64,
    pub member_name: String,
    pub org_code: String,
    pub old_account: Option<String>,
    pub new_account: String,
    pub new_branch: Option<String>,
    pub status: String,
    pub proposed_by: String,
    pub proposed_at: DateTime<Utc>,
    pub import_id: Option<i64>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
}

impl BankRow {
    pub fn into_change(self) -> crate::Result<BankChange> {
        Ok(BankChange {
            id: self.id,
            member: MemberId(self.member_id),
            member_name: self.member_name,
            org: OrgCode::parse(&self.org_code)
                .map_err(|_| crate::StoreError::Corrupt(format!("bank change {} org", self.id)))?,
            old_account: self.old_account,
            new_account: self.new_account,
            new_branch: self.new_branch,
            status: self.status,
            proposed_by: self.proposed_by,
            proposed_at: self.proposed_at,
            import: self.import_id.map(ImportId),
            decided_by: self.decided_by,
            decided_at: self.decided_at,
            decision_reason: self.decision_reason,
        })
    }
}

/// Expands [`BankChangeStore`] and the helpers the member import uses for one backend.
macro_rules! impl_bank_store {
    ($store:ty) => {
        impl $store {
            /// The org ids of `scope`'s subtree; `None` for everything.
            async fn subtree_ids<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<Option<std::collections::HashSet<i64>>> {
                let Some(top) = scope.org() else {
                    return Ok(None);
                };
                let ids: Vec<i64> = sqlx::query_scalar(
                    "SELECT c.descendant_id FROM org_closure c \
                     JOIN orgs a ON a.id = c.ancestor_id WHERE a.code = $1",
                )
                .bind(top)
                .fetch_all(&mut **tx)
                .await?;
                Ok(Some(ids.into_iter().collect()))
            }

            async fn audit_in<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                e: &$crate::bank::TxAudit<'_>,
            ) -> $crate::Result<()> {
                sqlx::query(
                    "INSERT INTO audit_log (at, actor, action, subject, detail, org_id) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(e.at)
                .bind(e.actor)
                .bind(e.action)
                .bind(e.subject)
                .bind(e.detail)
                .bind(e.org_id)
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            /// Records a proposal unless the same account is pending already (an import run
            /// again); an earlier pending proposal for the member is superseded. Whether one
            /// was recorded.
            async fn bank_propose<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                p: &$crate::bank::Proposal<'_>,
            ) -> $crate::Result<bool> {
                let pending: Vec<String> = sqlx::query_scalar(
                    "SELECT new_account FROM bank_changes \
                     WHERE member_id = $1 AND tenant_id = $2 AND status = 'pending'",
                )
                .bind(p.member_id)
                .bind(p.tenant_id)
                .fetch_all(&mut **tx)
                .await?;
                if pending.iter().any(|a| a == p.new_account) {
                    return Ok(false);
                }
                sqlx::query(
                    "UPDATE bank_changes SET status = 'superseded', decided_by = $1, \
                     decided_at = $2 WHERE member_id = $3 AND tenant_id = $4 \
                     AND status = 'pending'",
                )
                .bind(p.by)
                .bind(p.at)
                .bind(p.member_id)
                .bind(p.tenant_id)
                .execute(&mut **tx)
                .await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO bank_changes (tenant_id, member_id, old_account, new_account, \
                     status, proposed_by, proposed_at, import_id, new_branch) \
                     VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8) RETURNING id",
                )
                .bind(p.tenant_id)
                .bind(p.member_id)
                .bind(p.old_account)
                .bind(p.new_account)
                .bind(p.by)
                .bind(p.at)
                .bind(p.import.map(|i| i.0))
                .bind(p.new_branch)
                .fetch_one(&mut **tx)
                .await?;
                let via = match p.import {
                    Some(i) => format!("，导入 (import) {}", i.0),
                    None => String::new(),
                };
                Self::audit_in(
                    tx,
                    &$crate::bank::TxAudit {
                        at: p.at,
                        actor: p.by,
                        action: "member.bank_change.proposed",
                        subject: &format!("member {}", p.member_id),
                        detail: &format!(
                            "变更 (change) {id}: {} → {}{via}",
                            $crate::bank::masked(p.old_account),
                            $crate::bank::masked(Some(p.new_account))
                        ),
                        org_id: Some(p.org_id),
                    },
                )
                .await?;
                Ok(true)
            }
        }

        impl $crate::bank::BankChangeStore for $store {
            async fn pending_bank_changes(
                &self,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<Vec<$crate::bank::BankChange>> {
                let rows: Vec<$crate::bank::BankRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM bank_changes b \
                     JOIN members m ON m.tenant_id = b.tenant_id AND m.id = b.member_id \
                     JOIN orgs o ON o.id = m.org_id \
                     WHERE b.status = 'pending' AND {} ORDER BY b.id",
                    $crate::bank::BANK_COLUMNS,
                    $crate::bank::member_in_scope(1)
                ))
                .bind(scope.org())
                .fetch_all(&self.reader)
                .await?;
                rows.into_iter().map(|r| r.into_change()).collect()
            }

            async fn decide_bank_change(
                &self,
                id: i64,
                decision: $crate::Decision,
                reason: Option<&str>,
                by: &str,
                scope: &$crate::OrgScope,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::bank::BankChange> {
                use $crate::sql::{MemberRow, MEMBER_COLUMNS};
                let mut tx = self.write_tx().await?;
                let row: Option<$crate::bank::BankRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM bank_changes b \
                     JOIN members m ON m.tenant_id = b.tenant_id AND m.id = b.member_id \
                     JOIN orgs o ON o.id = m.org_id \
                     WHERE b.id = $1 AND b.status = 'pending' AND {}",
                    $crate::bank::BANK_COLUMNS,
                    $crate::bank::member_in_scope(2)
                ))
                .bind(id)
                .bind(scope.org())
                .fetch_optional(&mut *tx)
                .await?;
                let mut change = row
                    .ok_or_else(|| $crate::StoreError::NotFound(format!("bank change {id}")))?
                    .into_change()?;
                let decided = huzhu_domain::decision::decide(
                    by,
                    &change.proposed_by,
                    decision,
                    reason,
                    at,
                )
                .map_err(|e| $crate::decision::refused(e, $crate::bank::SAME_PERSON))?;
                let member: MemberRow = sqlx::query_as(&format!(
                    "SELECT {MEMBER_COLUMNS} FROM members m JOIN orgs o ON o.id = m.org_id \
                     WHERE m.id = $1"
                ))
                .bind(change.member.0)
                .fetch_one(&mut *tx)
                .await?;
                if decision == $crate::Decision::Confirm {
                    if member.bank_account != change.old_account {
                        return Err($crate::StoreError::Conflict(
                            "会员的银行账号在提出变更后已改变，请重新提出 \
                             (the member's account changed since this was proposed)"
                                .to_string(),
                        ));
                    }
                    let before = member.snapshot();
                    // The branch proposed with the account comes with it; none named keeps
                    // the one stored.
                    let branch = change.new_branch.clone().or_else(|| before.bank_branch.clone());
                    let changed = if branch != before.bank_branch {
                        r#"["bank_account","bank_branch"]"#
                    } else {
                        r#"["bank_account"]"#
                    };
                    let snapshot = serde_json::to_string(&before)
                        .map_err(|e| $crate::StoreError::Corrupt(e.to_string()))?;
                    sqlx::query(
                        "INSERT INTO member_history (tenant_id, member_id, version, org_id, \
                         snapshot, changed, import_id, changed_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(member.tenant_id)
                    .bind(member.id)
                    .bind(member.version)
                    .bind(member.org_id)
                    .bind(snapshot)
                    .bind(changed)
                    .bind(change.import.map(|i| i.0))
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query(
                        "UPDATE members SET bank_account = $1, version = version + 1, \
                         updated_at = $2, bank_branch = $5 WHERE tenant_id = $3 AND id = $4",
                    )
                    .bind(&change.new_account)
                    .bind(at)
                    .bind(member.tenant_id)
                    .bind(member.id)
                    .bind(branch)
                    .execute(&mut *tx)
                    .await?;
                }
                let status = $crate::bank::status_word(decided.state);
                if !Self::decision_in(&mut tx, "bank_changes", id, status, &decided).await? {
                    return Err($crate::StoreError::NotFound(format!("bank change {id}")));
                }
                let action = match decision {
                    $crate::Decision::Confirm => "member.bank_change.confirmed",
                    $crate::Decision::Refuse => "member.bank_change.rejected",
                };
                let why = match &decided.reason {
                    Some(r) => format!("，理由 (reason) {r}"),
                    None => String::new(),
                };
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor: by,
                        action,
                        subject: &format!("member {}", member.id),
                        detail: &format!(
                            "变更 (change) {id}: {} → {}，提出人 (proposed by) {}{why}",
                            $crate::bank::masked(change.old_account.as_deref()),
                            $crate::bank::masked(Some(&change.new_account)),
                            change.proposed_by
                        ),
                        org_id: Some(member.org_id),
                    },
                )
                .await?;
                tx.commit().await?;
                change.status = status.to_string();
                change.decided_by = Some(decided.by);
                change.decided_at = Some(decided.at);
                change.decision_reason = decided.reason;
                Ok(change)
            }
        }
    };
}

pub(crate) use impl_bank_store;
