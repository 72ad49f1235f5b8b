//! 审计日志 — reading the append-only audit log (sign-ins, ID reveals, bank files, rule
//! changes): auditors and administrators only.
//!
//! Like everything else (SPEC 1–2) the log is read within the actor's subtree, or the part of it
//! under `org` (404 outside it): the entries whose org (the org in whose subtree the action
//! happened, [`huzhu_store::AuditEntry::org`]) lies there. Entries with no org — written by the
//! command line or demo loading, a sign-in under an unknown name, and every entry older than
//! the column — are read only from an org with no parent, the top of the tree.

use crate::access::read_scope;
use crate::AppError;
use huzhu_domain::access::{Actor, Capability};
use huzhu_domain::org::OrgCode;
use huzhu_store::{AccountStore, AuditQuery, AuditRecord, Store};

/// A page of the log within the actor's subtree (or under `org`), newest first: entries older
/// than `before`, of one action if given.
pub async fn log<S: Store + AccountStore>(
    store: &S,
    actor: &Actor,
    org: Option<&OrgCode>,
    before: Option<i64>,
    action: Option<&str>,
    limit: u32,
) -> Result<Vec<AuditRecord>, AppError> {
    let scope = read_scope(store, actor, Capability::ReadAudit, org).await?;
    Ok(store
        .audit_page(&AuditQuery {
            scope,
            before,
            action: action.map(str::to_string),
            limit: limit.clamp(1, 500),
        })
        .await?)
}

/// The actions found in the log within the actor's subtree (or under `org`), for the filter.
pub async fn actions<S: Store + AccountStore>(
    store: &S,
    actor: &Actor,
    org: Option<&OrgCode>,
) -> Result<Vec<String>, AppError> {
    let scope = read_scope(store, actor, Capability::ReadAudit, org).await?;
    Ok(store.audit_actions(&scope).await?)
}
