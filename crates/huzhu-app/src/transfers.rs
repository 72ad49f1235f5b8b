//! 会员调动 — moving a member to another unit is a transfer the giving side confirms (issue 14;
//! docs/import.md, "Transfers"). The receiving unit's officer (`ManageRoster`, the unit in scope)
//! requests by ID number and name and always gets the same pending request back, whether or not
//! the person exists, lives in this city or has that name. An account with `ManageRoster` whose
//! subtree holds the member's unit — the giving side, or a federation above both — confirms or
//! refuses; a request that matched no one is seen and refused only by federation staff above the
//! receiving unit. Never by the requester. The store checks scope and the second person in the
//! deciding transaction.

use crate::access::{ensure_org_in_scope, read_scope, require};
use crate::{AppError, Clock};
use chrono::{DateTime, Utc};
use huzhu_domain::access::{Actor, Capability};
use huzhu_domain::id_number::IdNumber;
use huzhu_domain::org::{OrgCode, OrgLevel};
use huzhu_domain::personal::{mask_middle, PersonName};
use huzhu_store::{AccountStore, NewTransfer, Store, Transfer, TransferDecision, TransferStore};
use serde::Serialize;

/// The longest reason kept, in characters.
pub const REASON_MAX: usize = 200;

/// What the receiving unit's officer types.
#[derive(Debug, Clone)]
pub struct TransferInput<'a> {
    pub id_number: &'a str,
    pub name: &'a str,
    pub to: &'a OrgCode,
    pub reason: &'a str,
}

/// A request as its requester sees it: what they typed and its state, nothing of what it matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestView {
    pub id: i64,
    /// Masked.
    pub id_number: String,
    pub name: String,
    pub to: String,
    pub reason: String,
    /// `pending`, `confirmed` or `refused`.
    pub status: String,
    pub requested_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    /// Why it was refused.
    pub decision_reason: Option<String>,
}

impl RequestView {
    pub fn of(t: &Transfer) -> RequestView {
        RequestView {
            id: t.id,
            id_number: mask_middle(&t.id_number, 4, 4),
            name: t.name.clone(),
            to: t.to.as_str().to_string(),
            reason: t.reason.clone(),
            status: t.status.clone(),
            requested_at: t.requested_at,
            decided_at: t.decided_at,
            decision_reason: t.decision_reason.clone(),
        }
    }
}

/// A request as the deciding side sees it: the ID number masked like every list (SPEC 3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransferView {
    pub id: i64,
    pub id_number: String,
    pub name: String,
    /// The member's unit when requested; `None` when the request matched no member.
    pub from: Option<String>,
    pub to: String,
    pub reason: String,
    pub status: String,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decision_reason: Option<String>,
}

impl TransferView {
    pub fn of(t: &Transfer) -> TransferView {
        TransferView {
            id: t.id,
            id_number: mask_middle(&t.id_number, 4, 4),
            name: t.name.clone(),
            from: t.from.as_ref().map(|c| c.as_str().to_string()),
            to: t.to.as_str().to_string(),
            reason: t.reason.clone(),
            status: t.status.clone(),
            requested_by: t.requested_by.clone(),
            requested_at: t.requested_at,
            decided_by: t.decided_by.clone(),
            decision_reason: t.decision_reason.clone(),
        }
    }
}

/// A reason: trimmed, not empty, at most [`REASON_MAX`] characters.
fn reason(field: &str, raw: &str) -> Result<String, AppError> {
    let r = raw.trim();
    if r.is_empty() {
        return Err(AppError::invalid(
            field,
            "请填写理由 (a reason is required)".into(),
        ));
    }
    if r.chars().count() > REASON_MAX {
        return Err(AppError::invalid(
            field,
            format!("理由过长，最多{REASON_MAX}个字符 (the reason is longer than {REASON_MAX} characters)"),
        ));
    }
    Ok(r.to_string())
}

/// Requests `input.id_number` into `input.to`, a unit in the actor's subtree. The answer is the
/// same pending request whether or not it matched a member.
pub async fn request<S: Store + AccountStore + TransferStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    input: &TransferInput<'_>,
) -> Result<RequestView, AppError> {
    require(actor, Capability::ManageRoster)?;
    ensure_org_in_scope(store, actor, input.to).await?;
    if store.org(input.to).await?.level != OrgLevel::Grassroots {
        return Err(AppError::invalid(
            "to",
            "调入单位须为基层工会 (the receiving unit must be a grassroots union)".into(),
        ));
    }
    let id_number = IdNumber::parse(input.id_number, clock.today())
        .map_err(|e| AppError::invalid("id_number", e.to_string()))?;
    let name =
        PersonName::parse(input.name).map_err(|e| AppError::invalid("name", e.to_string()))?;
    let why = reason("reason", input.reason)?;
    let t = store
        .request_transfer(
            &NewTransfer {
                id_number: id_number.as_str(),
                name: name.as_str(),
                to: input.to,
                reason: &why,
                by: &actor.username,
            },
            clock.now(),
        )
        .await?;
    Ok(RequestView::of(&t))
}

/// The actor's own requests, newest first.
pub async fn mine<S: TransferStore>(
    store: &S,
    actor: &Actor,
) -> Result<Vec<RequestView>, AppError> {
    require(actor, Capability::ManageRoster)?;
    let list = store.transfers_requested_by(&actor.username).await?;
    Ok(list.iter().map(RequestView::of).collect())
}

/// The pending requests the actor decides under `org` (default: the actor's own org), oldest
/// first.
pub async fn pending<S: TransferStore + AccountStore>(
    store: &S,
    actor: &Actor,
    org: Option<&OrgCode>,
) -> Result<Vec<TransferView>, AppError> {
    let scope = read_scope(store, actor, Capability::ManageRoster, org).await?;
    let list = store.pending_transfers(&scope).await?;
    Ok(list.iter().map(TransferView::of).collect())
}

/// Confirms (the member moves) or refuses (`reason` required) request `id`: not found when the
/// actor does not decide it; a conflict for its requester and when already decided.
pub async fn decide<S: TransferStore + AccountStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    decision: TransferDecision,
    refusal: Option<&str>,
) -> Result<TransferView, AppError> {
    let scope = read_scope(store, actor, Capability::ManageRoster, None).await?;
    let why = match decision {
        TransferDecision::Confirm => None,
        TransferDecision::Refuse => Some(reason("reason", refusal.unwrap_or_default())?),
    };
    let t = store
        .decide_transfer(
            id,
            decision,
            why.as_deref(),
            &actor.username,
            &scope,
            clock.now(),
        )
        .await?;
    Ok(TransferView::of(&t))
}
