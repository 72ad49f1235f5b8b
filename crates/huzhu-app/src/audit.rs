//! 审计日志 — reading the append-only audit log (sign-ins, ID reveals, bank files, rule
//! changes): auditors and administrators only.

use crate::access::require;
use crate::AppError;
use huzhu_domain::access::{Actor, Capability};
use huzhu_store::{AuditQuery, AuditRecord, Store};

/// A page of the log, newest first: entries older than `before`, of one action if given.
pub async fn log<S: Store>(
    store: &S,
    actor: &Actor,
    before: Option<i64>,
    action: Option<&str>,
    limit: u32,
) -> Result<Vec<AuditRecord>, AppError> {
    require(actor, Capability::ReadAudit)?;
    Ok(store
        .audit_page(&AuditQuery {
            before,
            action: action.map(str::to_string),
            limit: limit.clamp(1, 500),
        })
        .await?)
}

/// The actions found in the log, for the filter.
pub async fn actions<S: Store>(store: &S, actor: &Actor) -> Result<Vec<String>, AppError> {
    require(actor, Capability::ReadAudit)?;
    Ok(store.audit_actions().await?)
}
