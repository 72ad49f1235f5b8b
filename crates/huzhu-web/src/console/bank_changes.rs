//! 银行账号变更: the pending changes of members' bank accounts in the officer's subtree (issue 14;
//! docs/import.md), accounts masked, each with a confirm and a reject button. The proposer's own
//! changes are listed too, but deciding them is refused.

use super::{finish, page, redirect, Console, Ctx, PageError};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use huzhu_app::bank_changes::{self, BankChangeView};
use huzhu_app::model::BankDecision;
use huzhu_app::Backend;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new()
        .route("/bank-changes", get(list::<S>))
        .route("/bank-changes/{id}/confirm", post(confirm::<S>))
        .route("/bank-changes/{id}/reject", post(reject::<S>))
}

#[derive(Template)]
#[template(path = "bank_changes/list.html")]
struct ListPage<'a> {
    c: &'a Ctx,
    changes: Vec<BankChangeView>,
    /// The signed-in account: its own proposals get no buttons.
    me: String,
}

pub async fn list<S: Backend>(State(state): State<AppState<S>>, Console(c): Console) -> Response {
    let r = async {
        let actor = c.actor()?;
        let changes = bank_changes::pending(&state.store, actor, None).await?;
        page(&ListPage {
            c: &c,
            changes,
            me: actor.username.clone(),
        })
    }
    .await;
    finish(&c, r)
}

fn change_id(raw: &str) -> Result<i64, PageError> {
    raw.parse()
        .map_err(|_| PageError::invalid("id", "变更编号应为数字 (the change id is a number)"))
}

async fn decide<S: Backend>(
    state: &AppState<S>,
    c: &Ctx,
    raw_id: &str,
    decision: BankDecision,
) -> Result<Response, PageError> {
    let actor = c.actor()?;
    let id = change_id(raw_id)?;
    bank_changes::decide(&state.store, state.clock.as_ref(), actor, id, decision).await?;
    Ok(redirect("/bank-changes"))
}

pub async fn confirm<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
) -> Response {
    let r = decide(&state, &c, &id, BankDecision::Confirm).await;
    finish(&c, r)
}

pub async fn reject<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
) -> Response {
    let r = decide(&state, &c, &id, BankDecision::Reject).await;
    finish(&c, r)
}
