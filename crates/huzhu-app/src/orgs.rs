//! 组织树 — the organisation tree as an office reads it (issue 13): one level at a time (a city
//! has thousands of units), with the path from the actor's own organisation down, each
//! organisation's member count over its whole subtree, and a search by name or code. Everything
//! within the actor's scope ([`crate::access::orgs_in_scope`]).

use crate::access::orgs_in_scope;
use crate::AppError;
use huzhu_domain::access::{Actor, Role};
use huzhu_domain::org::OrgCode;
use huzhu_store::{Org, Repo};
use std::collections::HashMap;

/// An organisation with the figures the tree shows of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgNode {
    pub org: Org,
    /// Organisations below it (its whole subtree, itself aside).
    pub below: usize,
    /// Members of its whole subtree (None for a member account, who sees no counts).
    pub members: Option<i64>,
}

/// One level of the tree: where it is, the organisation shown and its direct children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgTree {
    /// From the actor's organisation down to the one shown (a member sees only the one shown).
    pub path: Vec<Org>,
    pub top: OrgNode,
    pub children: Vec<OrgNode>,
}

/// The tree under `under` (default: the actor's own organisation), which must be in scope.
/// Member counts come from the maintained statistics (one row per organisation holding its
/// subtree: docs/statistics.md), so a city's tree costs a handful of reads.
pub async fn tree<S: Repo>(
    store: &S,
    actor: &Actor,
    under: Option<&OrgCode>,
) -> Result<OrgTree, AppError> {
    let subtree = orgs_in_scope(store, actor, under).await?;
    let Some(top) = subtree.first().cloned() else {
        return Err(crate::access::not_found("org"));
    };
    let mut path = vec![top.clone()];
    if actor.role != Role::Member {
        let mut next = top.parent.clone();
        while let Some(code) = next {
            if path.len() > 8 || path.last().is_some_and(|o| o.code == actor.org) {
                break;
            }
            let o = store.org(&code).await?;
            next = o.parent.clone();
            path.push(o);
        }
    }
    path.reverse();
    // Descendants per organisation, deepest level first (the list is by level).
    let mut below: HashMap<&OrgCode, usize> = HashMap::new();
    for o in subtree.iter().rev() {
        let own = below.get(&o.code).copied().unwrap_or(0);
        if let Some(p) = &o.parent {
            *below.entry(p).or_insert(0) += own + 1;
        }
    }
    let (top_members, child_members) = if actor.role == Role::Member {
        (None, HashMap::new())
    } else {
        let view = store.stats(&top.code, None).await?;
        let kids: HashMap<String, i64> = view
            .children
            .iter()
            .map(|c| (c.code.clone(), c.members))
            .collect();
        (Some(view.members.values().sum::<i64>()), kids)
    };
    let node = |o: &Org, members: Option<i64>| OrgNode {
        org: o.clone(),
        below: below.get(&o.code).copied().unwrap_or(0),
        members,
    };
    let children = subtree
        .iter()
        .filter(|o| o.parent.as_ref() == Some(&top.code))
        .map(|o| {
            let members =
                top_members.map(|_| child_members.get(o.code.as_str()).copied().unwrap_or(0));
            node(o, members)
        })
        .collect();
    Ok(OrgTree {
        path,
        top: node(&top, top_members),
        children,
    })
}

/// At most this many organisations answer a search.
pub const SEARCH_MAX: usize = 100;

/// Organisations of the actor's scope whose name or code contains `text` (codes compared
/// without regard to case), by level then code, at most [`SEARCH_MAX`]; and whether there were
/// more.
pub async fn search<S: Repo>(
    store: &S,
    actor: &Actor,
    text: &str,
) -> Result<(Vec<Org>, bool), AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok((Vec::new(), false));
    }
    let upper = text.to_uppercase();
    let mut found: Vec<Org> = orgs_in_scope(store, actor, None)
        .await?
        .into_iter()
        .filter(|o| o.name.contains(text) || o.code.as_str().to_uppercase().contains(&upper))
        .collect();
    let more = found.len() > SEARCH_MAX;
    found.truncate(SEARCH_MAX);
    Ok((found, more))
}
