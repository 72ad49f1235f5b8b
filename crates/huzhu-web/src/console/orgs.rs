//! 组织树: the organisation tree, one level at a time (a city has thousands of units), with the
//! path from the actor's own organisation down to the one shown.

use super::{finish, page, Console, Ctx, PageResult};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use huzhu_app::access::orgs_in_scope;
use huzhu_app::model::Org;
use huzhu_app::Backend;
use huzhu_domain::org::OrgCode;
use serde::Deserialize;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new().route("/orgs", get(tree::<S>))
}

#[derive(Deserialize)]
pub struct TreeQuery {
    under: Option<String>,
}

pub struct Child {
    pub org: Org,
    /// Organisations below it.
    pub below: usize,
}

#[derive(Template)]
#[template(path = "orgs/tree.html")]
struct TreePage<'a> {
    c: &'a Ctx,
    /// From the actor's organisation down to the one shown.
    path: Vec<Org>,
    children: Vec<Child>,
}

pub async fn tree<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<TreeQuery>,
) -> Response {
    let r = tree_page(&state, &c, q).await;
    finish(&c, r)
}

async fn tree_page<S: Backend>(state: &AppState<S>, c: &Ctx, q: TreeQuery) -> PageResult {
    let actor = c.actor()?;
    let under = match q.under.as_deref().filter(|u| !u.is_empty()) {
        Some(raw) => Some(
            OrgCode::parse(raw).map_err(|e| super::PageError::invalid("under", e.to_string()))?,
        ),
        None => None,
    };
    let subtree = orgs_in_scope(&state.store, actor, under.as_ref()).await?;
    let Some(top) = subtree.first().cloned() else {
        return Err(huzhu_app::access::not_found("org").into());
    };
    // The path from the actor's own organisation (the top of its scope) down to `top`.
    let mut path = huzhu_app::access::org_chain(&state.store, &top.code).await?;
    if let Some(i) = path.iter().position(|o| o.code == actor.org) {
        path.drain(..i);
    }
    if actor.role == huzhu_domain::access::Role::Member {
        path.drain(..path.len().saturating_sub(1));
    }
    // Descendants per organisation, deepest level first (the list is by level).
    let mut below: std::collections::HashMap<&OrgCode, usize> = std::collections::HashMap::new();
    for o in subtree.iter().rev() {
        let own = below.get(&o.code).copied().unwrap_or(0);
        if let Some(p) = &o.parent {
            *below.entry(p).or_insert(0) += own + 1;
        }
    }
    let children = subtree
        .iter()
        .filter(|o| o.parent.as_ref() == Some(&top.code))
        .map(|o| Child {
            org: o.clone(),
            below: below.get(&o.code).copied().unwrap_or(0),
        })
        .collect();
    page(&TreePage { c, path, children })
}
