//! The pending-decision pattern's persistence, once (ARCHITECTURE.md): a proposal row carries
//! `status` (`pending` until decided), `decided_by`, `decided_at` and `decision_reason`; the
//! deciding transaction reads the proposer, asks the domain ([`huzhu_domain::decision::decide`])
//! whether this account may decide it, then records the decision only while the row is still
//! pending. Bank account changes and transfers are stored this way.

use crate::StoreError;
use huzhu_domain::decision::DecisionError;

/// A decision the domain refuses, as the store's error: the proposer deciding is a conflict in
/// the concept's own words (`proposer`), a refusal without a usable reason a conflict too (the
/// app checks the reason before it gets here).
pub(crate) fn refused(e: DecisionError, proposer: &str) -> StoreError {
    match e {
        DecisionError::Proposer => StoreError::Conflict(proposer.to_string()),
        other => StoreError::Conflict(other.to_string()),
    }
}

/// Expands the helper that records a decision for one backend.
macro_rules! impl_decision_store {
    ($store:ty) => {
        impl $store {
            /// Records `d` on row `id` of `table` when it is still pending, `status` being the
            /// table's word for the outcome. Whether it was pending.
            async fn decision_in<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                table: &'static str,
                id: i64,
                status: &str,
                d: &huzhu_domain::decision::Decided,
            ) -> $crate::Result<bool> {
                let done = sqlx::query(&format!(
                    "UPDATE {table} SET status = $1, decided_by = $2, decided_at = $3, \
                     decision_reason = $4 WHERE id = $5 AND status = 'pending'"
                ))
                .bind(status)
                .bind(&d.by)
                .bind(d.at)
                .bind(d.reason.as_deref())
                .bind(id)
                .execute(&mut **tx)
                .await?;
                Ok(done.rows_affected() == 1)
            }
        }
    };
}

pub(crate) use impl_decision_store;
