//! Scope (SPEC sections 1–2): an actor sees their organisation and its subtree; a member sees
//! themselves and the chain of organisations above them, nothing else. Every use case that takes
//! an org or a member from a request checks it here first.
//!
//! Outside scope is [`AppError::NotFound`], exactly like a missing object: a forged code must not
//! tell whether the thing exists. A missing capability is [`AppError::Forbidden`] — the role is
//! known to the caller anyway.

use crate::AppError;
use huzhu_domain::access::{Actor, Capability, Role};
use huzhu_domain::org::OrgCode;
use huzhu_store::{AccountStore, MemberId, Org, OrgScope, Page, Store, StoredMember, Visibility};

/// The same answer as for an object that does not exist.
pub fn not_found(what: &str) -> AppError {
    AppError::NotFound {
        what: what.to_string(),
    }
}

fn org_not_found(org: &OrgCode) -> AppError {
    AppError::NotFound {
        what: format!("org {org}"),
    }
}

fn member_not_found() -> AppError {
    AppError::NotFound {
        what: "member".into(),
    }
}

/// The actor's role must hold `capability`.
pub fn require(actor: &Actor, capability: Capability) -> Result<(), AppError> {
    if actor.can(capability) {
        Ok(())
    } else {
        Err(AppError::Forbidden {
            capability: format!("{capability:?}"),
        })
    }
}

/// Office work of a unit or federation (campaigns, recuperation sign-ups, procurement): an
/// account that may submit claims, but not a member's own; `what` names the work in the refusal.
pub fn require_office(actor: &Actor, what: &str) -> Result<(), AppError> {
    require(actor, Capability::SubmitClaim)?;
    if actor.role == huzhu_domain::access::Role::Member {
        return Err(AppError::Forbidden {
            capability: what.into(),
        });
    }
    Ok(())
}

/// The scope of a read that needs `capability`: `org` (default: the actor's own), which must lie
/// in the actor's subtree (else not found) — the ledger and the audit log are read this way.
pub async fn read_scope<S: AccountStore>(
    store: &S,
    actor: &Actor,
    capability: Capability,
    org: Option<&OrgCode>,
) -> Result<OrgScope, AppError> {
    require(actor, capability)?;
    let org = org.unwrap_or(&actor.org);
    ensure_org_in_scope(store, actor, org).await?;
    Ok(OrgScope::Under(org.clone()))
}

/// `org` must lie in the actor's subtree. A member's scope is the member, never an org: for a
/// member every org is out of scope here (see [`member_chain`] for what a member may see).
pub async fn ensure_org_in_scope<S: AccountStore>(
    store: &S,
    actor: &Actor,
    org: &OrgCode,
) -> Result<(), AppError> {
    if actor.role != Role::Member && store.org_within(org, &actor.org).await? {
        Ok(())
    } else {
        Err(org_not_found(org))
    }
}

/// What the actor may see of single objects, as a value for the store's read: a member account
/// itself, anyone else their org's subtree. `None` for a member account linked to no member,
/// which sees nothing.
pub fn visibility(actor: &Actor) -> Option<Visibility> {
    if actor.role == Role::Member {
        actor.member_id.map(|m| Visibility::Member(MemberId(m)))
    } else {
        Some(Visibility::Orgs(OrgScope::Under(actor.org.clone())))
    }
}

/// The member must be the actor (a member account) or belong to a unit in the actor's subtree:
/// one read that the store filters by the actor's [`visibility`].
pub async fn ensure_member_in_scope<S: AccountStore>(
    store: &S,
    actor: &Actor,
    member_id: i64,
) -> Result<(), AppError> {
    match visibility(actor) {
        Some(v) if store.member_visible(member_id, &v).await? => Ok(()),
        _ => Err(member_not_found()),
    }
}

/// The member, read through the actor's [`visibility`] (the store filters by it), or not found
/// — the same answer for a forged id and a missing one.
pub async fn visible_member<S: huzhu_store::MoneyStore>(
    store: &S,
    actor: &Actor,
    member: MemberId,
) -> Result<StoredMember, AppError> {
    let found = match visibility(actor) {
        Some(Visibility::Orgs(OrgScope::Under(org))) => store.member_under(member, &org).await?,
        Some(Visibility::Member(me)) if me != member => None,
        Some(_) => match store.member(member).await {
            Ok(m) => Some(m),
            Err(huzhu_store::StoreError::NotFound(_)) => None,
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    found.ok_or_else(member_not_found)
}

/// A member account's unit and the orgs above it, city first.
pub async fn member_chain<S: Store + AccountStore>(
    store: &S,
    actor: &Actor,
) -> Result<Vec<Org>, AppError> {
    let unit = match actor.member_id {
        Some(m) => store.member_org(m).await?,
        None => None,
    };
    match unit {
        Some(unit) => org_chain(store, &unit).await,
        None => Ok(Vec::new()),
    }
}

/// An organisation and the orgs above it, city first, the org itself last.
pub async fn org_chain<S: Store>(store: &S, org: &OrgCode) -> Result<Vec<Org>, AppError> {
    let mut chain = Vec::new();
    let mut next = Some(org.clone());
    // Four levels at most; the bound guards against a corrupt parent loop.
    while let (Some(code), true) = (next, chain.len() < 8) {
        let org = store.org(&code).await?;
        next = org.parent.clone();
        chain.push(org);
    }
    chain.reverse();
    Ok(chain)
}

/// The organisations the actor may list: the subtree under `under` (default: the actor's own
/// org). For a member, the part of their own chain from `under` down to their unit.
pub async fn orgs_in_scope<S: Store + AccountStore>(
    store: &S,
    actor: &Actor,
    under: Option<&OrgCode>,
) -> Result<Vec<Org>, AppError> {
    if actor.role == Role::Member {
        let chain = member_chain(store, actor).await?;
        return match under {
            None => Ok(chain),
            Some(top) => match chain.iter().position(|o| &o.code == top) {
                Some(i) => Ok(chain[i..].to_vec()),
                None => Err(org_not_found(top)),
            },
        };
    }
    let top = under.unwrap_or(&actor.org);
    ensure_org_in_scope(store, actor, top).await?;
    Ok(store.orgs_under(Some(top)).await?)
}

/// One page of the members under `org` that the actor may see. A member sees only themselves,
/// and only under an org of their own chain.
pub async fn members_in_scope<S: Store + AccountStore>(
    store: &S,
    actor: &Actor,
    org: &OrgCode,
    page: Page,
) -> Result<Vec<StoredMember>, AppError> {
    if actor.role != Role::Member {
        ensure_org_in_scope(store, actor, org).await?;
        return Ok(store.members_under(org, page).await?);
    }
    let chain = member_chain(store, actor).await?;
    let (Some(me), Some(unit)) = (actor.member_id, chain.last()) else {
        return Err(org_not_found(org));
    };
    if !chain.iter().any(|o| &o.code == org) {
        return Err(org_not_found(org));
    }
    if page.after.is_some_and(|a| a.0 >= me) || page.limit == 0 {
        return Ok(Vec::new());
    }
    let own = store
        .members_under(
            &unit.code,
            Page {
                after: Some(MemberId(me - 1)),
                limit: 1,
            },
        )
        .await?;
    Ok(own.into_iter().filter(|m| m.id.0 == me).collect())
}

/// The names of the orgs an actor sees, by code, for the console's pages. Read at most once a minute
/// per scope (a city's subtree is thousands of orgs; a page needs a few of them): an org
/// renamed or imported a moment ago may show its code until then.
pub async fn org_names<S: Store + AccountStore + huzhu_store::MoneyStore>(
    store: &S,
    actor: &Actor,
) -> Result<std::sync::Arc<std::collections::BTreeMap<String, String>>, AppError> {
    use std::collections::{BTreeMap, HashMap};
    use std::sync::{Arc, Mutex, OnceLock};
    use std::time::{Duration, Instant};
    type Names = Arc<BTreeMap<String, String>>;
    type Key = (usize, String, Option<i64>);
    static CACHE: OnceLock<Mutex<HashMap<Key, (Instant, Names)>>> = OnceLock::new();
    const FRESH: Duration = Duration::from_secs(60);
    let cache = CACHE.get_or_init(Default::default);
    let key: Key = (
        huzhu_store::MoneyStore::identity(store),
        actor.org.to_string(),
        actor.member_id,
    );
    if let Ok(c) = cache.lock() {
        if let Some((at, names)) = c.get(&key) {
            if at.elapsed() < FRESH {
                return Ok(names.clone());
            }
        }
    }
    let names: Names = Arc::new(
        orgs_in_scope(store, actor, None)
            .await?
            .into_iter()
            .map(|o| (o.code.to_string(), o.name))
            .collect(),
    );
    if let Ok(mut c) = cache.lock() {
        c.insert(key, (Instant::now(), names.clone()));
    }
    Ok(names)
}

/// The member with this ID number (as typed: spaces and a lower-case x allowed) in the actor's
/// subtree; anyone else, or no one, is 404. The caller checks its own capability first.
pub async fn member_by_id_number<S: Store + huzhu_store::money::MoneyStore>(
    store: &S,
    actor: &Actor,
    id_number: &str,
) -> Result<huzhu_store::MemberId, AppError> {
    let normalised = huzhu_domain::id_number::normalise(id_number);
    let member = match store.member_by_id_number(&normalised).await {
        Ok(m) => m,
        Err(huzhu_store::StoreError::NotFound(_)) => return Err(not_found("member")),
        Err(e) => return Err(e.into()),
    };
    Ok(visible_member(store, actor, member.id).await?.id)
}
