//! Scope checks of the money path: a claim, a bill or a batch is visible to an actor only when
//! its organisation lies in the actor's subtree (a member: only their own). Outside scope is
//! reported exactly as a missing object, so a forged identifier learns nothing.

use crate::AppError;
use huzhu_domain::access::{Actor, Capability, Role};
use huzhu_domain::org::OrgCode;
use huzhu_store::{MemberId, Store};

/// The same answer as for an object that does not exist.
pub fn not_found(what: &str) -> AppError {
    AppError::NotFound {
        what: what.to_string(),
    }
}

/// Refuses an actor whose role lacks the capability.
pub fn require(actor: &Actor, c: Capability) -> Result<(), AppError> {
    if actor.can(c) {
        Ok(())
    } else {
        Err(AppError::Forbidden {
            role: actor.role.label_zh().to_string(),
        })
    }
}

/// Whether `org` is `ancestor` or lies under it (at most four levels: a short walk up).
pub async fn org_within<S: Store>(
    store: &S,
    org: &OrgCode,
    ancestor: &OrgCode,
) -> Result<bool, AppError> {
    let mut at = org.clone();
    for _ in 0..8 {
        if &at == ancestor {
            return Ok(true);
        }
        let o = match store.org(&at).await {
            Ok(o) => o,
            Err(huzhu_store::StoreError::NotFound(_)) => return Ok(false),
            Err(e) => return Err(e.into()),
        };
        match o.parent {
            Some(p) => at = p,
            None => return Ok(false),
        }
    }
    Ok(false)
}

/// Checks that the organisation is in the actor's subtree (never for a member account).
pub async fn ensure_org<S: Store>(store: &S, actor: &Actor, org: &OrgCode) -> Result<(), AppError> {
    if actor.role != Role::Member && org_within(store, org, &actor.org).await? {
        Ok(())
    } else {
        Err(not_found(&format!("组织 {org} (organisation {org})")))
    }
}

/// Checks that the member (whose unit is `unit`) is visible to the actor.
pub async fn ensure_member<S: Store>(
    store: &S,
    actor: &Actor,
    member: MemberId,
    unit: &str,
) -> Result<(), AppError> {
    let missing = || not_found(&format!("会员 #{} (member #{})", member.0, member.0));
    if actor.role == Role::Member {
        return if actor.member_id == Some(member.0) {
            Ok(())
        } else {
            Err(missing())
        };
    }
    let unit = OrgCode::parse(unit).map_err(|_| missing())?;
    if org_within(store, &unit, &actor.org).await? {
        Ok(())
    } else {
        Err(missing())
    }
}
