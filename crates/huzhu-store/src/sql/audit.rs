//! 审计日志 — the audit log (`audit_log`): written with the change it records, read by scope.

use crate::StoreError;
use chrono::{DateTime, Utc};
use huzhu_domain::org::OrgCode;

#[derive(sqlx::FromRow)]
pub(crate) struct AuditPageRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
    pub org: Option<String>,
}

impl AuditPageRow {
    pub(crate) fn into_record(self) -> crate::Result<crate::AuditRecord> {
        let org = self
            .org
            .as_deref()
            .map(OrgCode::parse)
            .transpose()
            .map_err(|_| StoreError::Corrupt(format!("audit entry {}: org", self.id)))?;
        Ok(crate::AuditRecord {
            id: self.id,
            entry: crate::AuditEntry {
                at: self.at,
                actor: self.actor,
                action: self.action,
                subject: self.subject,
                detail: self.detail,
                org,
            },
        })
    }
}

/// The audit entries (alias `a`) within the scope bound as `$3` (an org code; NULL: everything):
/// those whose org lies in the subtree of `$3` (org_closure, then the `(org_id, id)` index).
/// An entry of no org belongs to no tenant (a sign-in under an unknown name could be anyone's),
/// so only the unscoped read sees it, never an org's — not even a tenant's root (issue 14).
pub(crate) const AUDIT_IN_SCOPE: &str = "($3 IS NULL \
     OR a.org_id IN (SELECT cl.descendant_id FROM orgs top \
        JOIN org_closure cl ON cl.ancestor_id = top.id WHERE top.code = $3))";

/// Expands the audit log's part of [`crate::Store`] for one backend. `store`: its methods, inside
/// `impl Store`; `helpers`: the transaction helpers it (and others) use.
macro_rules! store_audit {
    (store $store:ty) => {
        async fn audit(&self, entry: &$crate::AuditEntry) -> $crate::Result<()> {
            let mut tx = self.write_tx().await?;
            Self::insert_audit(&mut *tx, entry).await?;
            Ok(tx.commit().await?)
        }

        async fn audit_log(&self, limit: u32) -> $crate::Result<Vec<$crate::AuditEntry>> {
            let rows: Vec<$crate::sql::AuditPageRow> = sqlx::query_as(
                "SELECT a.id, a.at, a.actor, a.action, a.subject, a.detail, o.code AS org \
                 FROM audit_log a LEFT JOIN orgs o ON o.id = a.org_id \
                 ORDER BY a.id DESC LIMIT $1",
            )
            .bind(i64::from(limit))
            .fetch_all(&self.reader)
            .await?;
            rows.into_iter()
                .map(|r| r.into_record().map(|r| r.entry))
                .collect()
        }

        async fn audit_page(
            &self,
            query: &$crate::AuditQuery,
        ) -> $crate::Result<Vec<$crate::AuditRecord>> {
            let rows: Vec<$crate::sql::AuditPageRow> = sqlx::query_as(&format!(
                "SELECT a.id, a.at, a.actor, a.action, a.subject, a.detail, o.code AS org \
                 FROM audit_log a LEFT JOIN orgs o ON o.id = a.org_id \
                 WHERE ($1 IS NULL OR a.id < $1) AND ($2 IS NULL OR a.action = $2) \
                 AND ($5 IS NULL OR a.actor = $5) AND ($6 IS NULL OR a.at >= $6) \
                 AND ($7 IS NULL OR a.at < $7) \
                 AND {} ORDER BY a.id DESC LIMIT $4",
                $crate::sql::AUDIT_IN_SCOPE
            ))
            .bind(query.before)
            .bind(query.action.as_deref())
            .bind(query.scope.org())
            .bind(i64::from(query.limit))
            .bind(query.actor.as_deref())
            .bind(query.from)
            .bind(query.until)
            .fetch_all(&self.reader)
            .await?;
            rows.into_iter()
                .map($crate::sql::AuditPageRow::into_record)
                .collect()
        }

        async fn audit_actions(&self, scope: &$crate::AuditScope) -> $crate::Result<Vec<String>> {
            Ok(sqlx::query_scalar(&format!(
                "SELECT DISTINCT a.action FROM audit_log a WHERE {} ORDER BY a.action",
                $crate::sql::AUDIT_IN_SCOPE.replace("$3", "$1")
            ))
            .bind(scope.org())
            .fetch_all(&self.reader)
            .await?)
        }
    };
    (helpers $store:ty) => {
        impl $store {
            /// Writes one audit entry through `ex`: the pool, or a transaction's connection when
            /// the entry must commit with the change it records. The org is named by its code.
            async fn insert_audit<'e, E>(ex: E, entry: &$crate::AuditEntry) -> $crate::Result<()>
            where
                E: sqlx::Executor<'e, Database = <$store as $crate::sql::HasDb>::Db>,
            {
                sqlx::query(
                    "INSERT INTO audit_log (at, actor, action, subject, detail, org_id) \
                     VALUES ($1, $2, $3, $4, $5, (SELECT id FROM orgs WHERE code = $6))",
                )
                .bind(entry.at)
                .bind(&entry.actor)
                .bind(&entry.action)
                .bind(&entry.subject)
                .bind(&entry.detail)
                .bind(entry.org.as_ref().map(|o| o.as_str()))
                .execute(ex)
                .await?;
                Ok(())
            }
        }
    };
}

pub(crate) use store_audit;
