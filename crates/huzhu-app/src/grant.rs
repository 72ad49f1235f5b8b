//! Reliefs and their funds (SPEC 7.1, 7.3; docs/grants.md): a unit officer applies for a member,
//! the programme decides (the engine, `huzhu_domain::programme`), the street checks, the level the
//! assessment names approves or refuses, finance fills the funds, and approved grants are paid in
//! the payout batches with the claims (`payouts`). The member reads their grants and the printable
//! notice 救助决定书.
//!
//! Scope: every read and write is within the actor's subtree ([`OrgScope::Under`]), outside is
//! 404. Who may act on a step is the domain's rule ([`huzhu_domain::grant::transition`]): below the
//! level the assessment names is 403, the applicant deciding their own application is 409.

use crate::access::{ensure_member_in_scope, ensure_org_in_scope, not_found, require};
use crate::{AppError, Clock};
use huzhu_domain::access::{Actor, Capability, Role};
use huzhu_domain::grant::{self as dg, FundKind, GrantAction, GrantActor, GrantError, GrantState};
use huzhu_domain::money::Money;
use huzhu_domain::org::OrgCode;
use huzhu_store::grant::{
    FundBalance, FundDeposit, Grant, GrantChange, GrantDocument, GrantFilter, GrantId, NewDeposit,
    NewGrantDocument,
};
use huzhu_store::{MemberId, OrgScope, Repo};
use serde::Serialize;

pub use apply::{applicant, apply, household_case, Applied, ApplyRequest};

#[path = "grant_apply.rs"]
mod apply;

/// The actor's scope for grants: their subtree.
fn scope(actor: &Actor) -> OrgScope {
    OrgScope::Under(actor.org.clone())
}

fn grant_not_found(id: GrantId) -> AppError {
    not_found(&format!("救助 {} (grant {})", id.0, id.0))
}

/// A rule refusal as the caller sees it: below the level is 403, the rest 409.
fn refused_by_rule(e: GrantError) -> AppError {
    match e {
        GrantError::LevelTooLow { .. } => AppError::Forbidden {
            capability: e.to_string(),
        },
        GrantError::NoReason => AppError::invalid("reason", e.to_string()),
        _ => AppError::Conflict(e.to_string()),
    }
}

/// A grant the actor may see: in their subtree, or their own as a member.
pub async fn get<S: Repo>(store: &S, actor: &Actor, id: GrantId) -> Result<Grant, AppError> {
    if actor.role == Role::Member {
        let g = store
            .grant(id, &OrgScope::Everything)
            .await
            .map_err(|_| grant_not_found(id))?;
        return if actor.member_id == Some(g.member.0) {
            Ok(g)
        } else {
            Err(grant_not_found(id))
        };
    }
    store.grant(id, &scope(actor)).await.map_err(|e| match e {
        huzhu_store::StoreError::NotFound(_) => grant_not_found(id),
        other => other.into(),
    })
}

/// Grants of the actor's subtree matching the filter.
pub async fn list<S: Repo>(
    store: &S,
    actor: &Actor,
    filter: &GrantFilter,
) -> Result<Vec<Grant>, AppError> {
    require(actor, Capability::ReadMembers)?;
    if actor.role == Role::Member {
        return Err(AppError::Forbidden {
            capability: "ReadGrants".into(),
        });
    }
    let mut f = filter.clone();
    f.limit = f.limit.clamp(1, 500);
    Ok(store.grants_under(&scope(actor), &f).await?)
}

/// The grants of one member, newest first: for the member's phone (their own) and for staff in
/// scope.
pub async fn member_grants<S: Repo>(
    store: &S,
    actor: &Actor,
    member: MemberId,
) -> Result<Vec<Grant>, AppError> {
    ensure_member_in_scope(store, actor, member.0).await?;
    let mut out = store
        .grants_under(
            &OrgScope::Everything,
            &GrantFilter {
                member: Some(member),
                limit: 500,
                ..Default::default()
            },
        )
        .await?;
    out.reverse();
    Ok(out)
}

/// The ids of the required documents the application still lacks: the pinned assessment's
/// `missing_documents`, in the programme file's order.
pub fn missing_document_ids(g: &Grant) -> Vec<String> {
    let a: serde_json::Value = serde_json::from_str(&g.assessment).unwrap_or_default();
    a["missing_documents"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d.as_str())
        .map(str::to_string)
        .collect()
}

/// A programme document's name (Chinese, English); a document the programme no longer names
/// shows its id.
pub fn document_name(programme_id: &str, id: &str) -> (String, String) {
    let programme = huzhu_domain::programme::builtin(programme_id).and_then(Result::ok);
    let doc = programme
        .as_ref()
        .and_then(|p| p.documents.iter().find(|d| d.id == id));
    match doc {
        Some(d) => (
            d.name.clone(),
            d.name_en.clone().unwrap_or_else(|| d.name.clone()),
        ),
        None => (id.to_string(), id.to_string()),
    }
}

/// The required documents the application lacked, by name (Chinese, English), from the pinned
/// assessment's `missing_documents`; a document the programme no longer names shows its id.
pub fn missing_documents(g: &Grant) -> Vec<(String, String)> {
    missing_document_ids(g)
        .iter()
        .map(|id| document_name(&g.programme_id, id))
        .collect()
}

/// The documents a programme asks for, in its file's order: (id, Chinese name, English name).
pub fn programme_documents(programme_id: &str) -> Vec<(String, String, String)> {
    match huzhu_domain::programme::builtin(programme_id) {
        Some(Ok(p)) => p
            .documents
            .iter()
            .map(|d| {
                (
                    d.id.clone(),
                    d.name.clone(),
                    d.name_en.clone().unwrap_or_else(|| d.name.clone()),
                )
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// 补交材料 — the applying side (a unit officer or federation staff, not a member) hands in a
/// document of the programme to an application of their subtree (else 404) still waiting for
/// its check or approval (else 409): the file is checked as a claim's is (JPEG, PNG or PDF by its
/// bytes, at most [`crate::documents::MAX_DOCUMENT_BYTES`]), and the store writes it, the
/// re-read missing list and the audit entry in one transaction. Approval then reads the new list.
pub async fn add_document<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: GrantId,
    kind: &str,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<(Grant, GrantDocument), AppError> {
    require(actor, Capability::SubmitClaim)?;
    if actor.role == Role::Member {
        return Err(AppError::Forbidden {
            capability: "AddGrantDocument".into(),
        });
    }
    let g = get(store, actor, id).await?;
    dg::documents_open(g.state).map_err(refused_by_rule)?;
    let kind = kind.trim();
    let known = programme_documents(&g.programme_id);
    if !known.iter().any(|(k, _, _)| k == kind) {
        let ids: Vec<&str> = known.iter().map(|(k, _, _)| k.as_str()).collect();
        return Err(AppError::invalid(
            "kind",
            format!(
                "材料类型“{kind}”不在该帮扶项目的材料清单中 (unknown document kind `{kind}`; one of: {})",
                ids.join(", ")
            ),
        ));
    }
    let (content_type, name) = crate::documents::check_file(&bytes, file_name)?;
    let sha256 = crate::digest::sha256_hex(&bytes);
    let (zh, en) = document_name(&g.programme_id, kind);
    let still: Vec<(String, String)> = missing_document_ids(&g)
        .iter()
        .filter(|m| m.as_str() != kind)
        .map(|m| document_name(&g.programme_id, m))
        .collect();
    let still_zh: Vec<&str> = still.iter().map(|(z, _)| z.as_str()).collect();
    let still_en: Vec<&str> = still.iter().map(|(_, e)| e.as_str()).collect();
    let detail = if still.is_empty() {
        format!("补交材料：{zh}，材料已齐 (document handed in: {en}; nothing is missing now)")
    } else {
        format!(
            "补交材料：{zh}，尚缺：{} (document handed in: {en}; still missing: {})",
            still_zh.join("、"),
            still_en.join(", ")
        )
    };
    store
        .add_grant_document(
            &NewGrantDocument {
                grant: id,
                expected_version: g.version,
                kind,
                sha256: &sha256,
                file_name: &name,
                content_type,
                bytes: &bytes,
                audit_detail: &detail,
                by: &actor.username,
                at: clock.now(),
            },
            &scope(actor),
        )
        .await
        .map_err(|e| match e {
            huzhu_store::StoreError::NotFound(_) => grant_not_found(id),
            other => other.into(),
        })
}

/// The documents handed in to a grant the actor may see, in upload order.
pub async fn documents<S: Repo>(
    store: &S,
    actor: &Actor,
    id: GrantId,
) -> Result<Vec<GrantDocument>, AppError> {
    let g = get(store, actor, id).await?;
    Ok(store.grant_documents(g.id, &OrgScope::Everything).await?)
}

/// A document of a grant the actor may see, with its bytes.
pub async fn document_file<S: Repo>(
    store: &S,
    actor: &Actor,
    id: GrantId,
    document: i64,
) -> Result<(GrantDocument, Vec<u8>), AppError> {
    let doc = documents(store, actor, id)
        .await?
        .into_iter()
        .find(|d| d.id == document)
        .ok_or_else(|| not_found(&format!("材料 {document} (document {document})")))?;
    let (_, bytes) = store.blob(&doc.sha256).await?;
    Ok((doc, bytes))
}

/// One step of a grant by a member of staff: the domain says whether the actor may.
async fn step<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: GrantId,
    action: GrantAction,
) -> Result<Grant, AppError> {
    let g = get(store, actor, id).await?;
    let who = GrantActor {
        level: actor.org_level,
        applied_it: g.applied_by == actor.username,
    };
    let to = dg::transition(g.state, &action, who, g.approval_level).map_err(refused_by_rule)?;
    if to == GrantState::Approved && action == GrantAction::Approve {
        dg::documents_complete(&missing_documents(&g)).map_err(refused_by_rule)?;
    }
    let entry = if to == GrantState::Approved && g.amount.fen() > 0 {
        Some(
            dg::grant_approved(g.fund, g.member.0, g.id.0, g.amount)
                .map_err(|e| AppError::invalid("amount", e.to_string()))?,
        )
    } else {
        None
    };
    let reason = match &action {
        GrantAction::Refuse { reason } => Some(reason.trim().to_string()),
        _ => None,
    };
    let changed = store
        .change_grant(
            &GrantChange {
                grant: id,
                expected_version: g.version,
                from: g.state,
                to,
                action: action.code(),
                reason: reason.as_deref(),
                entry: entry.as_ref(),
                by: &actor.username,
                at: clock.now(),
            },
            &scope(actor),
        )
        .await?;
    Ok(changed)
}

/// 街道审核 — the street checks an application (federation staff at street level or above).
pub async fn check<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: GrantId,
) -> Result<Grant, AppError> {
    require(actor, Capability::HandleClaims)?;
    step(store, clock, actor, id, GrantAction::Check).await
}

/// 批准 — approval at the level the assessment names; the fund pays or it is `fund_exhausted`.
pub async fn approve<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: GrantId,
) -> Result<Grant, AppError> {
    require(actor, Capability::ApproveClaims)?;
    step(store, clock, actor, id, GrantAction::Approve).await
}

/// 不予批准 — refused with a reason, at the check or by the approving level.
pub async fn refuse<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: GrantId,
    reason: &str,
) -> Result<Grant, AppError> {
    require(actor, Capability::HandleClaims)?;
    step(
        store,
        clock,
        actor,
        id,
        GrantAction::Refuse {
            reason: reason.to_string(),
        },
    )
    .await
}

/// 撤回 — the applying side withdraws an application not yet checked; its key is free again.
pub async fn withdraw<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: GrantId,
) -> Result<Grant, AppError> {
    require(actor, Capability::SubmitClaim)?;
    if actor.role == Role::Member {
        return Err(AppError::Forbidden {
            capability: "WithdrawGrant".into(),
        });
    }
    step(store, clock, actor, id, GrantAction::Withdraw).await
}

/// Reads a fund's code as given (`hardship`, `spring_breeze`, `campaign`).
pub fn fund(raw: &str) -> Result<FundKind, AppError> {
    FundKind::parse(raw.trim()).ok_or_else(|| {
        AppError::invalid(
            "fund",
            format!(
                "未知的资金“{raw}” (unknown fund `{raw}`; hardship, spring_breeze or campaign)"
            ),
        )
    })
}

/// 资金拨入 — finance records an appropriation into a fund of its city federation.
pub async fn deposit<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    fund: FundKind,
    amount: Money,
    reference: &str,
) -> Result<FundBalance, AppError> {
    require(actor, Capability::ManagePayouts)?;
    if amount.fen() <= 0 {
        return Err(AppError::invalid(
            "amount_fen",
            "金额必须大于零 (the amount must be above zero)".into(),
        ));
    }
    let reference = reference.trim();
    if reference.is_empty() || reference.chars().count() > 200 {
        return Err(AppError::invalid(
            "reference",
            "须写明拨款依据，最多 200 字 (give the appropriation's reference, at most 200 characters)"
                .into(),
        ));
    }
    let entry = dg::fund_deposited(fund, amount, reference)
        .map_err(|e| AppError::invalid("amount_fen", e.to_string()))?;
    Ok(store
        .deposit_fund(&NewDeposit {
            org: &actor.org,
            fund,
            amount,
            reference,
            entry: &entry,
            by: &actor.username,
            at: clock.now(),
        })
        .await?)
}

/// What is left in each fund of the actor's city federation.
pub async fn funds<S: Repo>(store: &S, actor: &Actor) -> Result<Vec<FundBalance>, AppError> {
    require(actor, Capability::ReadLedger)
        .or_else(|_| require(actor, Capability::ApproveClaims))?;
    Ok(store.fund_balances(&actor.org).await?)
}

/// The appropriations into the funds of the actor's city federation, newest first.
pub async fn deposits<S: Repo>(
    store: &S,
    actor: &Actor,
    limit: u32,
) -> Result<Vec<FundDeposit>, AppError> {
    require(actor, Capability::ReadLedger)
        .or_else(|_| require(actor, Capability::ApproveClaims))?;
    Ok(store.fund_deposits(&actor.org, limit.clamp(1, 500)).await?)
}

/// Grants of `org` (in the actor's subtree, else 404), or of the whole subtree, matching the
/// filter: the console's list filtered by org.
pub async fn list_in<S: Repo>(
    store: &S,
    actor: &Actor,
    org: Option<&OrgCode>,
    filter: &GrantFilter,
) -> Result<Vec<Grant>, AppError> {
    let Some(org) = org else {
        return list(store, actor, filter).await;
    };
    require(actor, Capability::ReadMembers)?;
    if actor.role == Role::Member {
        return Err(AppError::Forbidden {
            capability: "ReadGrants".into(),
        });
    }
    ensure_org_in_scope(store, actor, org).await?;
    let mut f = filter.clone();
    f.limit = f.limit.clamp(1, 500);
    Ok(store
        .grants_under(&OrgScope::Under(org.clone()), &f)
        .await?)
}

/// One line of the notice: the clause, the arithmetic, the amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoticeLine {
    pub clause: String,
    pub explain: String,
    pub amount: Money,
}

/// 救助决定书 — the printable decision, clause by clause, read from the stored assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub grant: GrantId,
    pub programme: String,
    pub version: String,
    pub member_name: String,
    pub state: GrantState,
    pub amount: Money,
    /// The lines that pay, or the refusals.
    pub lines: Vec<NoticeLine>,
    /// Why refused, in words, when it was.
    pub reason: Option<String>,
}

/// The notice of a grant the actor may see.
pub async fn notice<S: Repo>(store: &S, actor: &Actor, id: GrantId) -> Result<Notice, AppError> {
    let g = get(store, actor, id).await?;
    Ok(notice_of(&g))
}

/// The notice of a grant (pure: the stored assessment in, the notice out).
pub fn notice_of(g: &Grant) -> Notice {
    let a: serde_json::Value = serde_json::from_str(&g.assessment).unwrap_or_default();
    let mut lines = Vec::new();
    let list = if g.state == GrantState::Refused {
        "refusals"
    } else {
        "lines"
    };
    for l in a[list].as_array().into_iter().flatten() {
        // A household's several subjects: only the lines of this grant's key.
        if let Some(k) = l["key"].as_str() {
            if k != g.key {
                continue;
            }
        }
        lines.push(NoticeLine {
            clause: l["clause"].as_str().unwrap_or_default().to_string(),
            explain: l["explain"].as_str().unwrap_or_default().to_string(),
            amount: Money::from_fen(l["amount_fen"].as_i64().unwrap_or(0)),
        });
    }
    Notice {
        grant: g.id,
        programme: g.programme_id.clone(),
        version: g.programme_version.clone(),
        member_name: g.member_name.clone(),
        state: g.state,
        amount: g.amount,
        lines,
        reason: g.reason.clone(),
    }
}
