//! 会员调动 — a member moves to another unit by a transfer request (issue 14). The receiving
//! unit's officer requests by ID number and name; the giving side (an account whose subtree holds
//! the member's unit when requested) or a federation above both confirms — the member moves in the
//! same transaction, with history, statistics and an audit entry under both units — or refuses
//! with a reason. A request that matched no member of the receiving unit's city is recorded the
//! same way (the requester never learns the difference) and can only be refused, by federation
//! staff above the receiving unit.

use crate::{Decision, MemberId, OrgScope};
use chrono::{DateTime, Utc};
use huzhu_domain::org::OrgCode;
use serde::Serialize;
use std::future::Future;

/// A transfer request as stored. `member` and `from` are what the request matched: for the
/// deciding side only, never for the requester.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transfer {
    pub id: i64,
    /// As the requester typed it (normalised).
    pub id_number: String,
    /// As the requester typed it.
    pub name: String,
    /// The receiving unit.
    pub to: OrgCode,
    pub reason: String,
    /// The member the request matched; `None` when it matched no one.
    pub member: Option<MemberId>,
    /// The member's unit when requested (the giving side).
    pub from: Option<OrgCode>,
    /// `pending`, `confirmed` or `refused`.
    pub status: String,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// Why it was refused.
    pub decision_reason: Option<String>,
}

/// What the receiving unit's officer asks for (validated by the caller).
#[derive(Debug, Clone)]
pub struct NewTransfer<'a> {
    pub id_number: &'a str,
    pub name: &'a str,
    pub to: &'a OrgCode,
    pub reason: &'a str,
    pub by: &'a str,
}

pub trait TransferStore: Send + Sync {
    /// Records a pending request. It matches a member when the ID number and the name are a
    /// member's of the receiving unit's city who is in another unit; either way the answer is
    /// the same pending request. `to` must exist ([`crate::StoreError::NotFound`]).
    fn request_transfer(
        &self,
        request: &NewTransfer<'_>,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Transfer>> + Send;

    /// The requests made by `by`, newest first.
    fn transfers_requested_by(
        &self,
        by: &str,
    ) -> impl Future<Output = crate::Result<Vec<Transfer>>> + Send;

    /// The pending requests `scope` decides, oldest first: those whose giving unit lies in the
    /// subtree, and those that matched no one whose receiving unit lies strictly below the
    /// scope's org (federation staff above it).
    fn pending_transfers(
        &self,
        scope: &OrgScope,
    ) -> impl Future<Output = crate::Result<Vec<Transfer>>> + Send;

    /// Confirms or refuses (with `reason`) request `id` as `by` in one transaction (the
    /// pending-decision pattern, [`crate::decision`]). Its requester deciding is
    /// [`crate::StoreError::Conflict`] ([`SAME_PERSON`]); a request `scope` does not decide is
    /// [`crate::StoreError::NotFound`]; one already decided, a confirmation of a request that
    /// matched no one, or of one whose member has changed unit since, is a conflict. Confirming
    /// moves the member: a new version (the old one in history), statistics, and a
    /// `member.transfer` audit entry under both units.
    fn decide_transfer(
        &self,
        id: i64,
        decision: Decision,
        reason: Option<&str>,
        by: &str,
        scope: &OrgScope,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Transfer>> + Send;
}

/// The words a requester who tries to decide their own request gets.
pub const SAME_PERSON: &str = "调动申请须由申请人以外的人确认或拒绝 \
     (a transfer request is confirmed or refused by someone other than who requested it)";

/// The words for a request decided already.
pub const DECIDED: &str = "该调动申请已处理 (this transfer request has been decided already)";

pub(crate) const TRANSFER_COLUMNS: &str = "t.id, t.id_number, t.name, tt.code AS to_code, \
     t.reason, t.member_id, tf.code AS from_code, t.status, t.requested_by, t.requested_at, \
     t.decided_by, t.decided_at, t.decision_reason";

pub(crate) const TRANSFER_FROM: &str = "transfers t JOIN orgs tt ON tt.id = t.to_org_id \
     LEFT JOIN orgs tf ON tf.id = t.from_org_id";

/// The requests the scope whose org code is bound as `$n` decides (every one when it is NULL).
pub(crate) fn decided_by_scope(n: usize) -> String {
    format!(
        "(${n} IS NULL \
         OR (t.member_id IS NOT NULL AND t.from_org_id IN (SELECT c.descendant_id \
         FROM org_closure c JOIN orgs a ON a.id = c.ancestor_id WHERE a.code = ${n})) \
         OR (t.member_id IS NULL AND t.to_org_id IN (SELECT c.descendant_id \
         FROM org_closure c JOIN orgs a ON a.id = c.ancestor_id WHERE a.code = ${n} \
         AND c.depth > 0)))"
    )
}

#[derive(sqlx::FromRow)]
pub(crate) struct TransferRow {
    pub id: i64,
    pub id_number: String,
    pub name: String,
    pub to_code: String,
    pub reason: String,
    pub member_id: Option<i64>,
    pub from_code: Option<String>,
    pub status: String,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
}

impl TransferRow {
    pub fn into_transfer(self) -> crate::Result<Transfer> {
        let corrupt =
            |what: &str| crate::StoreError::Corrupt(format!("transfer {} {what}", self.id));
        Ok(Transfer {
            id: self.id,
            to: OrgCode::parse(&self.to_code).map_err(|_| corrupt("to"))?,
            from: self
                .from_code
                .as_deref()
                .map(OrgCode::parse)
                .transpose()
                .map_err(|_| corrupt("from"))?,
            id_number: self.id_number,
            name: self.name,
            reason: self.reason,
            member: self.member_id.map(MemberId),
            status: self.status,
            requested_by: self.requested_by,
            requested_at: self.requested_at,
            decided_by: self.decided_by,
            decided_at: self.decided_at,
            decision_reason: self.decision_reason,
        })
    }
}

/// Expands [`TransferStore`] for one backend (after `impl_bank_store!`, whose `audit_in` it uses).
macro_rules! impl_transfer_store {
    ($store:ty) => {
        impl $store {
            async fn transfer_in<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                id: i64,
            ) -> $crate::Result<$crate::transfers::Transfer> {
                let row: $crate::transfers::TransferRow = sqlx::query_as(&format!(
                    "SELECT {} FROM {} WHERE t.id = $1",
                    $crate::transfers::TRANSFER_COLUMNS,
                    $crate::transfers::TRANSFER_FROM
                ))
                .bind(id)
                .fetch_one(&mut **tx)
                .await?;
                row.into_transfer()
            }
        }

        impl $crate::transfers::TransferStore for $store {
            async fn request_transfer(
                &self,
                request: &$crate::transfers::NewTransfer<'_>,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::transfers::Transfer> {
                let mut tx = self.write_tx().await?;
                let to: Option<(i64, i64)> = sqlx::query_as(
                    "SELECT id, COALESCE(tenant_id, id) FROM orgs WHERE code = $1",
                )
                .bind(request.to.as_str())
                .fetch_optional(&mut *tx)
                .await?;
                let (to_id, tenant_id) = to.ok_or_else(|| {
                    $crate::StoreError::NotFound(format!("org {}", request.to))
                })?;
                let matched: Option<(i64, i64)> = sqlx::query_as(
                    "SELECT id, org_id FROM members WHERE id_number = $1 AND tenant_id = $2 \
                     AND name = $3 AND org_id <> $4",
                )
                .bind(request.id_number)
                .bind(tenant_id)
                .bind(request.name)
                .bind(to_id)
                .fetch_optional(&mut *tx)
                .await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO transfers (tenant_id, id_number, name, to_org_id, reason, \
                     member_id, from_org_id, status, requested_by, requested_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9) RETURNING id",
                )
                .bind(tenant_id)
                .bind(request.id_number)
                .bind(request.name)
                .bind(to_id)
                .bind(request.reason)
                .bind(matched.map(|m| m.0))
                .bind(matched.map(|m| m.1))
                .bind(request.by)
                .bind(at)
                .fetch_one(&mut *tx)
                .await?;
                // Under the receiving unit only, and the same whether it matched: its readers
                // must not learn more than the requester.
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor: request.by,
                        action: "member.transfer.requested",
                        subject: &format!("transfer {id}"),
                        detail: &format!(
                            "调动申请 (transfer request) {id}: {} {} → {}",
                            huzhu_domain::personal::mask_middle(request.id_number, 4, 4),
                            request.name,
                            request.to
                        ),
                        org_id: Some(to_id),
                    },
                )
                .await?;
                let transfer = Self::transfer_in(&mut tx, id).await?;
                tx.commit().await?;
                Ok(transfer)
            }

            async fn transfers_requested_by(
                &self,
                by: &str,
            ) -> $crate::Result<Vec<$crate::transfers::Transfer>> {
                let rows: Vec<$crate::transfers::TransferRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM {} WHERE t.requested_by = $1 ORDER BY t.id DESC",
                    $crate::transfers::TRANSFER_COLUMNS,
                    $crate::transfers::TRANSFER_FROM
                ))
                .bind(by)
                .fetch_all(&self.reader)
                .await?;
                rows.into_iter().map(|r| r.into_transfer()).collect()
            }

            async fn pending_transfers(
                &self,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<Vec<$crate::transfers::Transfer>> {
                let rows: Vec<$crate::transfers::TransferRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM {} WHERE t.status = 'pending' AND {} ORDER BY t.id",
                    $crate::transfers::TRANSFER_COLUMNS,
                    $crate::transfers::TRANSFER_FROM,
                    $crate::transfers::decided_by_scope(1)
                ))
                .bind(scope.org())
                .fetch_all(&self.reader)
                .await?;
                rows.into_iter().map(|r| r.into_transfer()).collect()
            }

            async fn decide_transfer(
                &self,
                id: i64,
                decision: $crate::Decision,
                reason: Option<&str>,
                by: &str,
                scope: &$crate::OrgScope,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::transfers::Transfer> {
                use $crate::sql::{MemberRow, MEMBER_COLUMNS};
                use $crate::Decision;
                let not_found = || $crate::StoreError::NotFound(format!("transfer {id}"));
                let mut tx = self.write_tx().await?;
                let requester: Option<String> =
                    sqlx::query_scalar("SELECT requested_by FROM transfers WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await?;
                let requester = requester.ok_or_else(not_found)?;
                let decided =
                    huzhu_domain::decision::decide(by, &requester, decision, reason, at)
                        .map_err(|e| {
                            $crate::decision::refused(e, $crate::transfers::SAME_PERSON)
                        })?;
                let row: Option<(i64, i64, Option<i64>, Option<i64>, String)> =
                    sqlx::query_as(&format!(
                        "SELECT t.tenant_id, t.to_org_id, t.member_id, t.from_org_id, t.status \
                         FROM transfers t WHERE t.id = $1 AND {}",
                        $crate::transfers::decided_by_scope(2)
                    ))
                    .bind(id)
                    .bind(scope.org())
                    .fetch_optional(&mut *tx)
                    .await?;
                let (tenant_id, to_org_id, member_id, from_org_id, status) =
                    row.ok_or_else(not_found)?;
                if status != "pending" {
                    return Err($crate::StoreError::Conflict(
                        $crate::transfers::DECIDED.to_string(),
                    ));
                }
                let mut units = vec![to_org_id];
                let action = match (decision, member_id, from_org_id) {
                    (Decision::Confirm, Some(member_id), Some(from_org_id)) => {
                        let member: MemberRow = sqlx::query_as(&format!(
                            "SELECT {MEMBER_COLUMNS} FROM members m \
                             JOIN orgs o ON o.id = m.org_id \
                             WHERE m.tenant_id = $1 AND m.id = $2"
                        ))
                        .bind(tenant_id)
                        .bind(member_id)
                        .fetch_one(&mut *tx)
                        .await?;
                        if member.org_id != from_org_id {
                            return Err($crate::StoreError::Conflict(
                                "会员在申请后已调离原单位，请拒绝后重新申请 \
                                 (the member has changed unit since the request)"
                                    .to_string(),
                            ));
                        }
                        let before = member.snapshot();
                        let snapshot = serde_json::to_string(&before)
                            .map_err(|e| $crate::StoreError::Corrupt(e.to_string()))?;
                        sqlx::query(
                            "INSERT INTO member_history (tenant_id, member_id, version, org_id, \
                             snapshot, changed, import_id, changed_at) \
                             VALUES ($1, $2, $3, $4, $5, '[\"org\"]', NULL, $6)",
                        )
                        .bind(member.tenant_id)
                        .bind(member.id)
                        .bind(member.version)
                        .bind(member.org_id)
                        .bind(snapshot)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                        sqlx::query(
                            "UPDATE members SET org_id = $1, version = version + 1, \
                             updated_at = $2 WHERE tenant_id = $3 AND id = $4",
                        )
                        .bind(to_org_id)
                        .bind(at)
                        .bind(member.tenant_id)
                        .bind(member.id)
                        .execute(&mut *tx)
                        .await?;
                        let mut delta = $crate::stats::MemberDelta::new();
                        *delta
                            .entry((tenant_id, from_org_id, member.gender.clone(),
                                member.status.clone()))
                            .or_insert(0) -= 1;
                        *delta
                            .entry((tenant_id, to_org_id, member.gender.clone(),
                                member.status.clone()))
                            .or_insert(0) += 1;
                        Self::stat_apply_members(&mut tx, &delta).await?;
                        units.insert(0, from_org_id);
                        "member.transfer"
                    }
                    (Decision::Confirm, _, _) => {
                        return Err($crate::StoreError::Conflict(
                            "该申请未对应任何会员，只能拒绝 \
                             (the request matches no member; it can only be refused)"
                                .to_string(),
                        ));
                    }
                    (Decision::Refuse, _, from) => {
                        units.extend(from);
                        "member.transfer.refused"
                    }
                };
                let status = decided.state.as_str();
                if !Self::decision_in(&mut tx, "transfers", id, status, &decided).await? {
                    return Err($crate::StoreError::Conflict(
                        $crate::transfers::DECIDED.to_string(),
                    ));
                }
                let transfer = Self::transfer_in(&mut tx, id).await?;
                let detail = match decision {
                    Decision::Confirm => format!(
                        "调出 {} → 调入 {} (transfer from {} to {}), 调动申请 (transfer request) \
                         {id}, 申请人 (requested by) {}",
                        transfer.from.as_ref().map(|c| c.as_str()).unwrap_or_default(),
                        transfer.to,
                        transfer.from.as_ref().map(|c| c.as_str()).unwrap_or_default(),
                        transfer.to,
                        transfer.requested_by
                    ),
                    Decision::Refuse => format!(
                        "调动申请 (transfer request) {id} 已拒绝 (refused): {}",
                        decided.reason.as_deref().unwrap_or_default()
                    ),
                };
                let subject = match member_id {
                    Some(m) if decision == Decision::Confirm => format!("member {m}"),
                    _ => format!("transfer {id}"),
                };
                for unit in units {
                    Self::audit_in(
                        &mut tx,
                        &$crate::bank::TxAudit {
                            at,
                            actor: by,
                            action,
                            subject: &subject,
                            detail: &detail,
                            org_id: Some(unit),
                        },
                    )
                    .await?;
                }
                tx.commit().await?;
                Ok(transfer)
            }
        }
    };
}

pub(crate) use impl_transfer_store;
