//! 公示异议 — an objection to a craftsman nominee sent from the public 公示 page `/notices`
//! without signing in (SPEC 7.8, issue 17). The body is small (a few KB), the text at most
//! [`recognition::PUBLIC_OBJECTION_MAX`] characters, each address sends at most a few an hour
//! ([`crate::limits::PublicLimiter`]); the page shows masked names only and the answer says no
//! more than that the objection was received. The city's staff then see and settle it on the
//! nominee's page.

use super::archive::record_id;
use super::{finish, redirect, PageError, Visitor};
use crate::auth::ClientIp;
use crate::{ApiError, AppState};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::response::Response;
use axum::routing::post;
use axum::{Form, Router};
use huzhu_app::recognition;
use huzhu_app::Backend;
use serde::Deserialize;

/// The largest form the route reads: the text's 500 characters, percent-encoded, and the token.
const BODY_LIMIT: usize = 16 * 1024;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new().route(
        "/notices/{id}/objection",
        post(object::<S>).layer(DefaultBodyLimit::max(BODY_LIMIT)),
    )
}

#[derive(Deserialize, Default)]
pub struct ObjectionForm {
    #[serde(default)]
    content: String,
}

pub async fn object<S: Backend>(
    State(state): State<AppState<S>>,
    ClientIp(ip): ClientIp,
    Visitor(c): Visitor,
    Path(id): Path<String>,
    Form(f): Form<ObjectionForm>,
) -> Response {
    let r = async {
        let id = record_id(&id)?;
        if !state.public_objections.allow(ip, state.clock.now()) {
            return Err(PageError::Api(ApiError::TooManyPublic));
        }
        recognition::public_objection(&state.store, state.clock.as_ref(), id, &f.content).await?;
        Ok(redirect("/notices?objection=received#nominations"))
    }
    .await;
    finish(&c, r)
}
