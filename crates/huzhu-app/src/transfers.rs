//! 会员调动 — moving a member to another unit is a transfer the giving side confirms (issue 14;
//! docs/import.md, "Transfers"). The receiving unit's officer (`ManageRoster`, the unit in scope)
//! requests by ID number and name and always gets the same pending request back, whether or not
//! the person exists, lives in this city or has that name. An account with `ManageRoster` whose
//! subtree holds the member's unit — the giving side, or a federation above both — confirms or
//! refuses; a request that matched no one is seen and refused only by federation staff above the
//! receiving unit. Never by the requester. The store checks scope and the second person in the
//! deciding transaction.

use crate::access::{ensure_org_in_scope, read_scope, require};
use crate::decision::{self, DecisionView};
use crate::{AppError, Clock};
use chrono::{DateTime, Utc};
use huzhu_domain::access::{Actor, Capability};
use huzhu_domain::decision::{Decision, DecisionError};
use huzhu_domain::id_number::IdNumber;
use huzhu_domain::org::{OrgCode, OrgLevel};
use huzhu_domain::personal::{mask_middle, PersonName};
use huzhu_store::{AccountStore, NewTransfer, Store, Transfer, TransferStore};
use serde::Serialize;
use utoipa::ToSchema;

/// What the receiving unit's officer types.
#[derive(Debug, Clone)]
pub struct TransferInput<'a> {
    pub id_number: &'a str,
    pub name: &'a str,
    pub to: &'a OrgCode,
    pub reason: &'a str,
}

/// 调动申请 — a request as its requester sees it: what they typed and its state, nothing of
/// what it matched (not even who decided: that would tell).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = TransferRequestView)]
pub struct RequestView {
    pub id: i64,
    /// Masked.
    pub id_number: String,
    pub name: String,
    /// The receiving unit.
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

/// 调动申请（待处理方） — a request as the deciding side sees it: the ID number masked like
/// every list (SPEC 3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TransferView {
    pub id: i64,
    /// Masked.
    pub id_number: String,
    pub name: String,
    /// The member's unit when requested; null when the request matched no member.
    pub from: Option<String>,
    /// The receiving unit.
    pub to: String,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    /// `pending`, `confirmed` or `refused`, who decided, when and why.
    #[serde(flatten)]
    pub decision: DecisionView,
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
            requested_by: t.requested_by.clone(),
            requested_at: t.requested_at,
            decision: DecisionView::of(
                &t.status,
                t.decided_by.as_deref(),
                t.decided_at,
                t.decision_reason.as_deref(),
            ),
        }
    }
}

/// The reason a request carries: like a refusal's ([`huzhu_domain::decision::reason`]).
fn reason(field: &str, raw: &str) -> Result<String, AppError> {
    huzhu_domain::decision::reason(raw)
        .map_err(|e: DecisionError| AppError::invalid(field, e.to_string()))
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
    decision: Decision,
    refusal: Option<&str>,
) -> Result<TransferView, AppError> {
    let scope = read_scope(store, actor, Capability::ManageRoster, None).await?;
    let why = decision::reason(decision, refusal)?;
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
