//! 支付批次 — payout batches (`payout_batches`, `payout_lines`): built, read, settled.

/// Expands payout batches for one backend. `store`: its methods, inside
/// `impl MoneyStore`.
macro_rules! money_payouts {
    (store $store:ty) => {
        async fn create_batch(
            &self,
            org: &huzhu_domain::org::OrgCode,
            lines: &[$crate::money::NewPayoutLine],
            skipped: usize,
            actor: &str,
            at: chrono::DateTime<chrono::Utc>,
        ) -> $crate::Result<$crate::money::Batch> {
            let mut tx = self.write_tx().await?;
            let (org_id, tenant) = Self::money_org(&mut tx, org).await?;
            let total: i64 = lines.iter().map(|l| l.amount.fen()).sum();
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO payout_batches (tenant_id, org_id, status, lines, total_fen, \
                 created_by, created_at) VALUES ($1, $2, 'open', $3, $4, $5, $6) RETURNING id",
            )
            .bind(tenant)
            .bind(org_id)
            .bind(i32::try_from(lines.len()).unwrap_or(i32::MAX))
            .bind(total)
            .bind(actor)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            for l in lines {
                let (claim, grant) = (l.subject.claim(), l.subject.grant());
                // The claim or grant must still be approved with this amount owed:
                // re-checked here, inside the transaction, so a batch never carries one that
                // moved. A grant moves to `in_batch` with it.
                let owed: Option<i64> = match (claim, grant) {
                    (Some(c), _) => {
                        sqlx::query_scalar(
                            "SELECT approved_fen - paid_fen FROM claims \
                             WHERE id = $1 AND state = 'approved'",
                        )
                        .bind(c.0)
                        .fetch_optional(&mut *tx)
                        .await?
                    }
                    (None, Some(g)) => {
                        sqlx::query_scalar(
                            "UPDATE grants SET state = 'in_batch', version = version + 1 \
                             WHERE id = $1 AND state = 'approved' RETURNING amount_fen - paid_fen",
                        )
                        .bind(g.0)
                        .fetch_optional(&mut *tx)
                        .await?
                    }
                    (None, None) => None,
                };
                let what = match (claim, grant) {
                    (Some(c), _) => format!("申请 {} (claim {})", c.0, c.0),
                    (None, g) => {
                        let g = g.map_or(0, |g| g.0);
                        format!("救助 {g} (grant {g})")
                    }
                };
                if owed != Some(l.amount.fen()) {
                    return Err($crate::StoreError::Conflict(format!(
                        "{what} 不是待支付状态或金额已变 (not awaiting payment of this amount)"
                    )));
                }
                let done = sqlx::query(
                    "INSERT INTO payout_lines (tenant_id, batch_id, claim_id, grant_id, \
                     member_id, amount_fen, account_name, bank_account, status, bank_branch) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9)",
                )
                .bind(tenant)
                .bind(id)
                .bind(claim.map(|c| c.0))
                .bind(grant.map(|g| g.0))
                .bind(l.member.0)
                .bind(l.amount.fen())
                .bind(&l.account_name)
                .bind(&l.bank_account)
                .bind(&l.bank_branch)
                .execute(&mut *tx)
                .await;
                if let Err(err) = done {
                    return Err(match $crate::StoreError::from(err) {
                        $crate::StoreError::Conflict(_) => $crate::StoreError::Conflict(format!(
                            "{what} 已在另一支付批次中 (already in a live batch)"
                        )),
                        other => other,
                    });
                }
            }
            // The entry goes in with the batch (issue 13: every money change, in its
            // transaction).
            Self::audit_in(
                &mut tx,
                &$crate::bank::TxAudit {
                    at,
                    actor,
                    action: "payout.build",
                    subject: &$crate::money::audit::batch_subject(id),
                    detail: &$crate::money::audit::batch_built_detail(
                        lines.len(),
                        huzhu_domain::money::Money::from_fen(total),
                        skipped,
                    ),
                    org_id: Some(org_id),
                },
            )
            .await?;
            tx.commit().await?;
            Ok(self.batch($crate::money::BatchId(id)).await?.0)
        }

        async fn batch(
            &self,
            id: $crate::money::BatchId,
        ) -> $crate::Result<($crate::money::Batch, Vec<$crate::money::PayoutLine>)> {
            use $crate::money::rows::{BatchRow, LineRow, BATCH_COLUMNS};
            let row: Option<BatchRow> = sqlx::query_as(&format!(
                "SELECT {BATCH_COLUMNS} FROM payout_batches b JOIN orgs o ON o.id = b.org_id \
                 WHERE b.id = $1"
            ))
            .bind(id.0)
            .fetch_optional(&self.reader)
            .await?;
            let batch = row
                .ok_or_else(|| $crate::StoreError::NotFound(format!("batch {}", id.0)))?;
            let lines: Vec<LineRow> = sqlx::query_as(
                "SELECT id, batch_id, claim_id, grant_id, member_id, amount_fen, account_name, \
                 bank_account, bank_branch, status, failure FROM payout_lines \
                 WHERE batch_id = $1 \
                 ORDER BY id",
            )
            .bind(id.0)
            .fetch_all(&self.reader)
            .await?;
            Ok((batch.into(), lines.into_iter().map(Into::into).collect()))
        }

        async fn batch_under(
            &self,
            id: $crate::money::BatchId,
            scope: &$crate::OrgScope,
        ) -> $crate::Result<($crate::money::Batch, Vec<$crate::money::PayoutLine>)> {
            let inside: i64 = sqlx::query_scalar(&format!(
                "SELECT COUNT(*) FROM payout_batches b WHERE b.id = $1 AND {}",
                $crate::model::org_under("b.org_id", 2)
            ))
            .bind(id.0)
            .bind(scope.org())
            .fetch_one(&self.reader)
            .await?;
            if inside == 0 {
                return Err($crate::StoreError::NotFound(format!("batch {}", id.0)));
            }
            self.batch(id).await
        }

        async fn batches_under(
            &self,
            org: &huzhu_domain::org::OrgCode,
        ) -> $crate::Result<Vec<$crate::money::Batch>> {
            use $crate::money::rows::{BatchRow, BATCH_COLUMNS};
            let rows: Vec<BatchRow> = sqlx::query_as(&format!(
                "SELECT {BATCH_COLUMNS} FROM orgs top \
                 JOIN org_closure cl ON cl.ancestor_id = top.id \
                 JOIN payout_batches b ON b.org_id = cl.descendant_id \
                 JOIN orgs o ON o.id = b.org_id WHERE top.code = $1 ORDER BY b.id DESC"
            ))
            .bind(org.as_str())
            .fetch_all(&self.reader)
            .await?;
            Ok(rows.into_iter().map(Into::into).collect())
        }

        async fn settle_batch(
            &self,
            id: $crate::money::BatchId,
            outcomes: &[$crate::money::LineOutcome],
            changes: &[$crate::money::ClaimChange],
            grants: &[$crate::money::GrantPayment],
            actor: &str,
            at: chrono::DateTime<chrono::Utc>,
        ) -> $crate::Result<$crate::money::Batch> {
            let mut tx = self.write_tx().await?;
            let failed = outcomes.iter().filter(|o| o.failure.is_some()).count();
            let status = if failed == 0 { "paid" } else { "partly_failed" };
            let moved = sqlx::query(
                "UPDATE payout_batches SET status = $1, settled_by = $2, settled_at = $3 \
                 WHERE id = $4 AND status = 'open'",
            )
            .bind(status)
            .bind(actor)
            .bind(at)
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
            if moved.rows_affected() != 1 {
                return Err($crate::StoreError::Conflict(format!(
                    "支付批次 {} 不存在或已结算 (batch {} is unknown or already settled)",
                    id.0, id.0
                )));
            }
            for o in outcomes {
                let (status, failure) = match &o.failure {
                    None => ("paid", None),
                    Some(f) => ("failed", Some(f.as_str())),
                };
                let done: Option<(Option<i64>, i64, i64)> = sqlx::query_as(
                    "UPDATE payout_lines SET status = $1, failure = $2 \
                     WHERE id = $3 AND batch_id = $4 AND status = 'pending' \
                     RETURNING grant_id, amount_fen, tenant_id",
                )
                .bind(status)
                .bind(failure)
                .bind(o.line)
                .bind(id.0)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((grant, amount, tenant)) = done else {
                    return Err($crate::StoreError::Conflict(format!(
                        "支付明细 {} 不属于批次 {} (line {} is not a pending line of batch {})",
                        o.line, id.0, o.line, id.0
                    )));
                };
                // A grant's line: paid moves it to `paid` with its entry; failed, back to
                // `approved` for the next batch.
                if let Some(grant) = grant {
                    let payment = grants.iter().find(|g| g.grant.0 == grant);
                    let (to, entry) = match (&o.failure, payment) {
                        (None, Some(p)) => ("paid", Some(&p.entry)),
                        (None, None) => {
                            return Err($crate::StoreError::Conflict(format!(
                                "救助 {grant} 的支付分录缺失 (grant {grant} has no payment entry)"
                            )))
                        }
                        (Some(_), _) => ("approved", None),
                    };
                    let moved = sqlx::query(
                        "UPDATE grants SET state = $1, paid_fen = paid_fen + $2, \
                         version = version + 1 WHERE id = $3 AND state = 'in_batch'",
                    )
                    .bind(to)
                    .bind(if entry.is_some() { amount } else { 0 })
                    .bind(grant)
                    .execute(&mut *tx)
                    .await?;
                    if moved.rows_affected() != 1 {
                        return Err($crate::StoreError::Conflict(format!(
                            "救助 {grant} 不在支付中 (grant {grant} is not in a batch)"
                        )));
                    }
                    if let Some(entry) = entry {
                        Self::grant_post(&mut tx, tenant, entry, Some(grant), None, actor, at)
                            .await?;
                    }
                }
            }
            let mut delta = $crate::stats::ClaimDelta::new();
            for c in changes {
                Self::money_apply_change(&mut tx, c, &mut delta).await?;
            }
            Self::stat_apply_claims(&mut tx, &delta).await?;
            let org_id: i64 =
                sqlx::query_scalar("SELECT org_id FROM payout_batches WHERE id = $1")
                    .bind(id.0)
                    .fetch_one(&mut *tx)
                    .await?;
            Self::audit_in(
                &mut tx,
                &$crate::bank::TxAudit {
                    at,
                    actor,
                    action: "payout.settle",
                    subject: &$crate::money::audit::batch_subject(id.0),
                    detail: &$crate::money::audit::batch_settled_detail(
                        status,
                        failed,
                        outcomes.len(),
                    ),
                    org_id: Some(org_id),
                },
            )
            .await?;
            tx.commit().await?;
            Ok(self.batch(id).await?.0)
        }
    };
}

pub(crate) use money_payouts;
