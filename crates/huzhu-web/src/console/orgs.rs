//! 组织树: the organisation tree, one level at a time (a city has thousands of units), with the
//! path from the actor's own organisation down to the one shown, each organisation's members
//! (its whole subtree), and a search by name or code (`huzhu_app::orgs`).

use super::{finish, page, Console, Ctx, PageResult};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use huzhu_app::model::Org;
use huzhu_app::orgs::{self, OrgNode};
use huzhu_app::Backend;
use huzhu_domain::org::OrgCode;
use serde::Deserialize;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new().route("/orgs", get(tree::<S>))
}

#[derive(Deserialize)]
pub struct TreeQuery {
    under: Option<String>,
    /// A name or code to look for in the whole scope.
    #[serde(default)]
    q: String,
}

#[derive(Template)]
#[template(path = "orgs/tree.html")]
struct TreePage<'a> {
    c: &'a Ctx,
    /// From the actor's organisation down to the one shown.
    path: Vec<Org>,
    top: OrgNode,
    children: Vec<OrgNode>,
    /// The search box's text, and what it found (None: no search).
    q: String,
    found: Option<Vec<Org>>,
    more_found: bool,
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
    let t = orgs::tree(&state.store, actor, under.as_ref()).await?;
    let text = q.q.trim().to_string();
    let (found, more_found) = if text.is_empty() {
        (None, false)
    } else {
        let (found, more) = orgs::search(&state.store, actor, &text).await?;
        (Some(found), more)
    };
    page(&TreePage {
        c,
        path: t.path,
        top: t.top,
        children: t.children,
        q: text,
        found,
        more_found,
    })
}
