//! 会员调动: request a member from another unit into one's own, see one's requests and their
//! states, and confirm or refuse the requests one decides (issue 14; docs/import.md,
//! "Transfers"). ID numbers are masked; a request never shows whom it matched to its requester.

use super::{finish, page, redirect, Console, Ctx, PageError};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use huzhu_app::model::TransferDecision;
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
    /// Requests the signed-in account decides.
    pending: Vec<TransferView>,
    /// The signed-in account's own requests.
    mine: Vec<RequestView>,
    /// The signed-in account: its own requests get no buttons.
    me: String,
    /// The receiving unit the form proposes: the account's own org.
    unit: String,
}

pub async fn list<S: Backend>(State(state): State<AppState<S>>, Console(c): Console) -> Response {
    let r = async {
        let actor = c.actor()?;
        let pending = transfers::pending(&state.store, actor, None).await?;
        let mine = transfers::mine(&state.store, actor).await?;
        page(&ListPage {
            c: &c,
            pending,
            mine,
            me: actor.username.clone(),
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

fn request_id(raw: &str) -> Result<i64, PageError> {
    raw.parse()
        .map_err(|_| PageError::invalid("id", "申请编号应为数字 (the request id is a number)"))
}

async fn decide<S: Backend>(
    state: &AppState<S>,
    c: &Ctx,
    raw_id: &str,
    decision: TransferDecision,
    reason: Option<&str>,
) -> Result<Response, PageError> {
    let actor = c.actor()?;
    let id = request_id(raw_id)?;
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
    let r = decide(&state, &c, &id, TransferDecision::Confirm, None).await;
    finish(&c, r)
}

#[derive(Deserialize)]
pub struct RefuseForm {
    #[serde(default)]
    reason: String,
}

pub async fn refuse<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    Form(f): Form<RefuseForm>,
) -> Response {
    let r = decide(&state, &c, &id, TransferDecision::Refuse, Some(&f.reason)).await;
    finish(&c, r)
}
