//! 银行对账单 in the console (SPEC 7.5; docs/donations.md): finance uploads a bank statement, sees
//! what was matched and settles the lines left over — to a donor on file, or as not a donation
//! with the reason. A line to settle carries a donor search (by name, donor number, the tail of
//! a phone or an account; the donors of the actor's subtree, masked as on `/donors`, so nothing
//! is shown whole and nothing needs an audit entry), each donor found with its own button.

use super::{finish, page, redirect, Console, Ctx, PageError};
use crate::AppState;
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use huzhu_app::import::RowError;
use huzhu_app::model::{DonorSummary, Statement, StatementLine};
use huzhu_app::Backend;
use huzhu_app::{donation, statement};
use serde::Deserialize;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new()
        .route(
            "/statements",
            get(show::<S>)
                .post(upload::<S>)
                .layer(DefaultBodyLimit::max(
                    super::import::UPLOAD_LIMIT + 64 * 1024,
                )),
        )
        .route("/statements/lines/{id}/{step}", post(settle::<S>))
}

#[derive(Template)]
#[template(path = "statements/index.html")]
struct StatementsPage<'a> {
    c: &'a Ctx,
    statements: Vec<Statement>,
    /// The lines of the statement shown, or every line to settle.
    lines: Vec<StatementLine>,
    shown: Option<i64>,
    /// What the last upload did, in words.
    outcome: Option<String>,
    errors: Vec<RowError>,
    /// The donor search of one line, when one was asked for.
    search: Option<DonorSearch>,
}

/// The donors found for a line to settle: each with its kind in words.
struct DonorSearch {
    line: i64,
    q: String,
    found: Vec<(DonorSummary, String)>,
}

/// The most donors listed under a line: a person picks among a few, or searches more narrowly.
const DONORS_SHOWN: usize = 20;

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    statement: String,
    /// The line whose donor is searched for.
    #[serde(default)]
    line: String,
    /// What to search: a name, a donor number, a phone's or an account's tail.
    #[serde(default)]
    q: String,
}

async fn render<S: Backend>(
    state: &AppState<S>,
    c: &Ctx,
    shown: Option<i64>,
    outcome: Option<String>,
    errors: Vec<RowError>,
    search: Option<(i64, String)>,
) -> super::PageResult {
    let actor = c.actor()?;
    let statements = statement::statements(&state.store, actor).await?;
    let lines = statement::lines(&state.store, actor, shown).await?;
    let search = match search {
        Some((line, q)) => {
            let found = donation::donors(&state.store, actor, &q)
                .await?
                .into_iter()
                .take(DONORS_SHOWN)
                .map(|s| {
                    let k = super::donations::kind_words(c, s.donor.kind);
                    (s, k)
                })
                .collect();
            Some(DonorSearch { line, q, found })
        }
        None => None,
    };
    page(&StatementsPage {
        c,
        statements,
        lines,
        shown,
        outcome,
        errors,
        search,
    })
}

pub async fn show<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<ShowQuery>,
) -> Response {
    let r = async {
        let shown = match q.statement.trim() {
            "" => None,
            raw => Some(super::archive::record_id(raw)?),
        };
        let search = match (q.line.trim(), q.q.trim()) {
            ("", _) => None,
            (_, "") => {
                return Err(PageError::invalid(
                    "q",
                    "请输入捐赠人姓名、编号、电话或账号后几位 (give the donor's name, number, or the last digits of a phone or account)",
                ))
            }
            (line, q) => Some((super::archive::record_id(line)?, q.to_string())),
        };
        render(&state, &c, shown, None, Vec::new(), search).await
    }
    .await;
    finish(&c, r)
}

pub async fn upload<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    mp: Multipart,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let (file_name, bytes) = super::import::read_upload(mp).await?;
        if bytes.is_empty() {
            return Err(PageError::invalid("file", "文件为空 (the file is empty)"));
        }
        let r = statement::import(&state.store, state.clock.as_ref(), actor, &file_name, bytes)
            .await?;
        match r.imported {
            Some(i) => {
                let outcome = c
                    .t(
                        &format!(
                            "已导入{}：{}行收入，{}行已匹配并开具收据，{}行待处理，{}行以前已导入，{}行支出未计。",
                            i.statement.file_name,
                            i.matched + i.unmatched + i.duplicates,
                            i.matched,
                            i.unmatched,
                            i.duplicates,
                            r.debits
                        ),
                        &format!(
                            "Imported {}: {} lines of money in, {} matched with receipts, {} to settle, {} imported before, {} payments out not counted.",
                            i.statement.file_name,
                            i.matched + i.unmatched + i.duplicates,
                            i.matched,
                            i.unmatched,
                            i.duplicates,
                            r.debits
                        ),
                    )
                    .to_string();
                render(
                    &state,
                    &c,
                    Some(i.statement.id),
                    Some(outcome),
                    Vec::new(),
                    None,
                )
                .await
            }
            None => render(&state, &c, None, None, r.errors, None).await,
        }
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct SettleForm {
    #[serde(default)]
    donor: String,
    #[serde(default)]
    programme: String,
    #[serde(default)]
    reason: String,
}

pub async fn settle<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path((id, step)): Path<(String, String)>,
    Form(f): Form<SettleForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let id = super::archive::record_id(&id)?;
        let line = match step.as_str() {
            "settle" => {
                let donor = f.donor.trim().parse().map_err(|_| {
                    PageError::invalid("donor", "捐赠人编号应为数字 (the donor id is a number)")
                })?;
                statement::settle(
                    &state.store,
                    state.clock.as_ref(),
                    actor,
                    id,
                    donor,
                    Some(f.programme.as_str()),
                )
                .await?
            }
            "dismiss" => {
                statement::dismiss(&state.store, state.clock.as_ref(), actor, id, &f.reason).await?
            }
            _ => return Err(PageError::invalid("step", "未知操作 (unknown step)")),
        };
        // Back to the line's statement, where the line now shows what became of it.
        Ok(redirect(&format!(
            "/statements?statement={}",
            line.statement_id
        )))
    }
    .await;
    finish(&c, r)
}
