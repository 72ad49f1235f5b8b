//! 审计日志: the append-only audit log for auditors and administrators — newest first, a page
//! at a time, filtered by action (sign-ins, ID reveals, bank-file downloads, rule changes) —
//! within the actor's subtree ([`huzhu_app::audit`] says which entries that is).

use super::{finish, page, Console, Ctx, PageResult};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use huzhu_app::audit;
use huzhu_app::model::AuditRecord;
use huzhu_app::Backend;
use serde::Deserialize;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new().route("/audit", get(show::<S>))
}

const PAGE_SIZE: u32 = 50;

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    action: String,
    before: Option<i64>,
}

pub struct ActionChoice {
    pub value: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "audit/list.html")]
struct AuditPage<'a> {
    c: &'a Ctx,
    action: String,
    actions: Vec<ActionChoice>,
    rows: Vec<AuditRecord>,
    next: Option<String>,
    first_page: Option<String>,
}

impl AuditPage<'_> {
    /// What an action code means, for the common ones.
    fn action_label(&self, code: &str) -> &'static str {
        let c = self.c;
        match code {
            "login" => c.t("登录", "Signed in"),
            "login.failed" => c.t("登录失败", "Failed sign-in"),
            "logout" => c.t("退出", "Signed out"),
            "member.reveal_id_number" => c.t("查看完整身份证号", "Revealed an ID number"),
            "payout.bank_file" => c.t("下载银行文件", "Downloaded a bank file"),
            _ => "",
        }
    }
}

pub async fn show<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<AuditQuery>,
) -> Response {
    let r = show_page(&state, &c, q).await;
    finish(&c, r)
}

async fn show_page<S: Backend>(state: &AppState<S>, c: &Ctx, q: AuditQuery) -> PageResult {
    let actor = c.actor()?;
    let action = q.action.trim().to_string();
    let filter = (!action.is_empty()).then_some(action.as_str());
    let rows = audit::log(&state.store, actor, None, q.before, filter, PAGE_SIZE).await?;
    let actions = audit::actions(&state.store, actor, None)
        .await?
        .into_iter()
        .map(|a| ActionChoice {
            selected: a == action,
            value: a,
        })
        .collect();
    let base = format!("/audit?action={}", super::url_encode(&action));
    let next = (rows.len() == PAGE_SIZE as usize)
        .then(|| rows.last().map(|r| format!("{base}&before={}", r.id)))
        .flatten();
    let first_page = q.before.is_some().then_some(base);
    page(&AuditPage {
        c,
        action,
        actions,
        rows,
        next,
        first_page,
    })
}
