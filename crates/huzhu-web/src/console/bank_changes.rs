//! 银行账号变更: the pending changes of members' bank accounts in the officer's subtree (issue 14;
//! docs/import.md), accounts masked, each with the confirm/refuse form ([`super::decision`]). The
//! proposer's own changes are listed too, but deciding them is refused.

use super::decision::{proposal_id, DecisionForm, RefusalForm};
use super::{finish, page, redirect, Console, Ctx, PageError};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use huzhu_app::bank_changes::{self, BankChangeView};
use huzhu_app::model::Decision;
use huzhu_app::Backend;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new()
        .route("/bank-changes", get(list::<S>))
        .route("/bank-changes/{id}/confirm", post(confirm::<S>))
        .route("/bank-changes/{id}/refuse", post(refuse::<S>))
}

#[derive(Template)]
#[template(path = "bank_changes/list.html")]
struct ListPage<'a> {
    c: &'a Ctx,
    /// Each change with its confirm/refuse form.
    changes: Vec<(BankChangeView, DecisionForm)>,
}

pub async fn list<S: Backend>(State(state): State<AppState<S>>, Console(c): Console) -> Response {
    let r = async {
        let actor = c.actor()?;
        let changes = bank_changes::pending(&state.store, actor, None).await?;
        let changes = changes
            .into_iter()
            .map(|ch| {
                let form = DecisionForm {
                    path: format!("/bank-changes/{}", ch.id),
                    id: ch.id,
                    own: ch.proposed_by == actor.username,
                    can_confirm: true,
                    confirm_prompt: (
                        "确认后支付将付到新账号，确定？",
                        "Payouts will go to the new account. Confirm?",
                    ),
                };
                (ch, form)
            })
            .collect();
        page(&ListPage { c: &c, changes })
    }
    .await;
    finish(&c, r)
}

async fn decide<S: Backend>(
    state: &AppState<S>,
    c: &Ctx,
    raw_id: &str,
    decision: Decision,
    reason: Option<&str>,
) -> Result<Response, PageError> {
    let actor = c.actor()?;
    let id = proposal_id(raw_id)?;
    bank_changes::decide(
        &state.store,
        state.clock.as_ref(),
        actor,
        id,
        decision,
        reason,
    )
    .await?;
    Ok(redirect("/bank-changes"))
}

pub async fn confirm<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
) -> Response {
    let r = decide(&state, &c, &id, Decision::Confirm, None).await;
    finish(&c, r)
}

pub async fn refuse<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    Form(f): Form<RefusalForm>,
) -> Response {
    let r = decide(&state, &c, &id, Decision::Refuse, Some(&f.reason)).await;
    finish(&c, r)
}
