//! 支付批次: finance's payout batches — the list, building a batch from the approved claims of a
//! subtree, a batch's lines (member and account masked), the bank file as CSV or XLSX (whole
//! accounts, every download in the audit log), and settling: all paid, or some lines failed,
//! whose claims go back to the queue for the next batch.

use super::{download, finish, page, redirect, Console, Ctx, PageError, PageResult};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use huzhu_app::access::{not_found, orgs_in_scope};
use huzhu_app::model::{Batch, BatchId, PayoutLine};
use huzhu_app::payouts::{self, Skipped};
use huzhu_app::Backend;
use huzhu_domain::access::Capability;
use huzhu_domain::org::{OrgCode, OrgLevel};
use huzhu_domain::personal::{mask_middle, PersonName};

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new()
        .route("/payouts", get(list::<S>).post(build::<S>))
        .route("/payouts/{id}", get(show::<S>))
        .route("/payouts/{id}/bank-file.csv", get(bank_csv::<S>))
        .route("/payouts/{id}/bank-file.xlsx", get(bank_xlsx::<S>))
        .route("/payouts/{id}/settle", post(settle::<S>))
}

/// An organisation the batch may be built for.
pub struct OrgChoice {
    pub code: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "payouts/list.html")]
struct ListPage<'a> {
    c: &'a Ctx,
    batches: Vec<Batch>,
    orgs: Vec<OrgChoice>,
    can_build: bool,
}

pub async fn list<S: Backend>(State(state): State<AppState<S>>, Console(c): Console) -> Response {
    let r = async {
        let actor = c.actor()?;
        let batches = payouts::list_batches(&state.store, actor, None).await?;
        let can_build = c.can(Capability::ManagePayouts);
        let orgs = if can_build {
            orgs_in_scope(&state.store, actor, None)
                .await?
                .into_iter()
                .filter(|o| o.level < OrgLevel::Grassroots)
                .map(|o| OrgChoice {
                    label: format!(
                        "{}{} ({})",
                        "　".repeat((o.level as usize).saturating_sub(1)),
                        o.name,
                        o.code
                    ),
                    code: o.code.to_string(),
                })
                .collect()
        } else {
            Vec::new()
        };
        page(&ListPage {
            c: &c,
            batches,
            orgs,
            can_build,
        })
    }
    .await;
    finish(&c, r)
}

/// A payout line as the page shows it: name and account masked.
pub struct LineRow {
    pub id: i64,
    pub claim: Option<i64>,
    pub grant: Option<i64>,
    pub name: String,
    pub account: String,
    pub amount: i64,
    pub status: String,
    pub failure: Option<String>,
}

impl LineRow {
    fn of(l: &PayoutLine) -> LineRow {
        LineRow {
            id: l.id,
            claim: l.subject.claim().map(|c| c.0),
            grant: l.subject.grant().map(|g| g.0),
            name: PersonName::parse(&l.account_name)
                .map(|n| n.masked())
                .unwrap_or_else(|_| mask_middle(&l.account_name, 1, 0)),
            account: mask_middle(&l.bank_account, 4, 4),
            amount: l.amount.fen(),
            status: l.status.clone(),
            failure: l.failure.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "payouts/show.html")]
struct ShowPage<'a> {
    c: &'a Ctx,
    batch: Batch,
    lines: Vec<LineRow>,
    skipped: Vec<Skipped>,
    can_manage: bool,
}

impl ShowPage<'_> {
    fn status_label(&self, s: &str) -> &'static str {
        status_label(self.c, s)
    }
}

pub fn status_label(c: &Ctx, s: &str) -> &'static str {
    match payouts::status_words(s) {
        Some((zh, en)) => c.t(zh, en),
        None => c.t("未知状态", "Unknown state"),
    }
}

impl ListPage<'_> {
    fn status_label(&self, s: &str) -> &'static str {
        status_label(self.c, s)
    }
}

fn batch_id(raw: &str) -> Result<BatchId, PageError> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(BatchId)
        .ok_or_else(|| not_found("batch").into())
}

async fn show_page<S: Backend>(
    state: &AppState<S>,
    c: &Ctx,
    id: BatchId,
    skipped: Vec<Skipped>,
) -> PageResult {
    let actor = c.actor()?;
    let (batch, lines) = payouts::get_batch(&state.store, actor, id).await?;
    page(&ShowPage {
        c,
        batch,
        lines: lines.iter().map(LineRow::of).collect(),
        skipped,
        can_manage: c.can(Capability::ManagePayouts),
    })
}

/// `?left_out=12,15`: the claims a build just left out, named on the batch's page after the
/// build redirected to it.
#[derive(serde::Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    left_out: String,
}

pub async fn show<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Response {
    let skipped = q
        .left_out
        .split(',')
        .filter_map(|s| s.trim().parse::<i64>().ok())
        .take(200)
        .map(|claim| Skipped {
            claim,
            reason: payouts::NO_BANK_ACCOUNT.into(),
        })
        .collect();
    let r = async { show_page(&state, &c, batch_id(&id)?, skipped).await }.await;
    finish(&c, r)
}

#[derive(serde::Deserialize)]
pub struct BuildForm {
    #[serde(default)]
    org: String,
}

/// Builds a batch and redirects to it, naming the claims that had to be left out.
pub async fn build<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Form(f): Form<BuildForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let org = match f.org.trim() {
            "" => actor.org.clone(),
            raw => OrgCode::parse(raw).map_err(|e| PageError::invalid("org", e.to_string()))?,
        };
        let view = payouts::build_batch(&state.store, state.clock.as_ref(), actor, &org).await?;
        // Post, redirect, get: a refresh of the batch's page never builds another batch.
        let left_out: Vec<String> = view
            .skipped
            .iter()
            .take(200)
            .map(|s| s.claim.to_string())
            .collect();
        Ok(if left_out.is_empty() {
            redirect(&format!("/payouts/{}", view.batch.id.0))
        } else {
            redirect(&format!(
                "/payouts/{}?left_out={}",
                view.batch.id.0,
                left_out.join(",")
            ))
        })
    }
    .await;
    finish(&c, r)
}

async fn bank_file<S: Backend>(
    state: &AppState<S>,
    c: &Ctx,
    raw_id: &str,
    format: &str,
) -> PageResult {
    let actor = c.actor()?;
    let f = payouts::bank_file(
        &state.store,
        state.clock.as_ref(),
        actor,
        batch_id(raw_id)?,
        format,
    )
    .await?;
    Ok(download(
        f.bytes,
        f.content_type,
        &format!("支付批次{}.{format}", f.batch.id.0),
    ))
}

pub async fn bank_csv<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
) -> Response {
    let r = bank_file(&state, &c, &id, "csv").await;
    finish(&c, r)
}

pub async fn bank_xlsx<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
) -> Response {
    let r = bank_file(&state, &c, &id, "xlsx").await;
    finish(&c, r)
}

/// The bank's answer: `failed` names each failed line (repeated), `reason_<line>` its reason.
fn failures(form: &[(String, String)]) -> Result<Vec<(i64, String)>, PageError> {
    let mut out = Vec::new();
    for (k, v) in form {
        if k != "failed" {
            continue;
        }
        let line: i64 = v
            .parse()
            .map_err(|_| PageError::invalid("failed", format!("无效的明细号 (bad line) {v}")))?;
        let reason = form
            .iter()
            .find(|(k, _)| *k == format!("reason_{line}"))
            .map(|(_, r)| r.trim().to_string())
            .unwrap_or_default();
        if reason.is_empty() {
            return Err(PageError::invalid(
                &format!("reason_{line}"),
                format!("请填写明细 {line} 的失败原因 (give the reason line {line} failed)"),
            ));
        }
        out.push((line, reason));
    }
    Ok(out)
}

pub async fn settle<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let id = batch_id(&id)?;
        let failures = failures(&form)?;
        payouts::settle_batch(&state.store, state.clock.as_ref(), actor, id, &failures).await?;
        Ok(redirect(&format!("/payouts/{}", id.0)))
    }
    .await;
    finish(&c, r)
}
