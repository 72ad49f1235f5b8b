//! 会员调动: request a member from another unit into one's own, see one's requests and their
//! states, and confirm or refuse the requests one decides (issue 14; docs/import.md,
//! "Transfers"). ID numbers are masked; a request never shows whom it matched to its requester.

use super::decision::{proposal_id, DecisionForm, RefusalForm};
use super::{finish, page, redirect, Console, Ctx, PageError};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use huzhu_app::model::Decision;
use huzhu_app::transfers::{self, RequestView, TransferInput, TransferView};
use huzhu_app::Backend;
use huzhu_domain::org::OrgCode;
use serde::Deserialize;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new()
        .route("/transfers", get(list::<S>).post(create::<S>))
        .route("/transfers/{id}/confirm", post(confirm::<S>))
        .route("/transfers/{id}/refuse", post(refuse::<S>))
}

#[derive(Template)]
#[template(path = "transfers/list.html")]
struct ListPage<'a> {
    c: &'a Ctx,
    /// Requests the signed-in account decides, each with its confirm/refuse form.
    pending: Vec<(TransferView, DecisionForm)>,
    /// The signed-in account's own requests.
    mine: Vec<RequestView>,
    /// The receiving unit the form proposes: the account's own org.
    unit: String,
}

pub async fn list<S: Backend>(State(state): State<AppState<S>>, Console(c): Console) -> Response {
    let r = async {
        let actor = c.actor()?;
        let pending = transfers::pending(&state.store, actor, None)
            .await?
            .into_iter()
            .map(|t| {
                let form = DecisionForm {
                    path: format!("/transfers/{}", t.id),
                    id: t.id,
                    own: t.requested_by == actor.username,
                    can_confirm: t.from.is_some(),
                    confirm_prompt: (
                        "确认后会员将转入调入单位，确定？",
                        "The member will move to the receiving unit. Confirm?",
                    ),
                };
                (t, form)
            })
            .collect();
        let mine = transfers::mine(&state.store, actor).await?;
        page(&ListPage {
            c: &c,
            pending,
            mine,
            unit: actor.org.as_str().to_string(),
        })
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    reason: String,
}

pub async fn create<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Form(f): Form<RequestForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let to =
            OrgCode::parse(f.to.trim()).map_err(|e| PageError::invalid("to", e.to_string()))?;
        let input = TransferInput {
            id_number: &f.id_number,
            name: &f.name,
            to: &to,
            reason: &f.reason,
        };
        transfers::request(&state.store, state.clock.as_ref(), actor, &input).await?;
        Ok(redirect("/transfers"))
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
    transfers::decide(
        &state.store,
        state.clock.as_ref(),
        actor,
        id,
        decision,
        reason,
    )
    .await?;
    Ok(redirect("/transfers"))
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
