//! 账簿 — the ledger's balances (with the check that it agrees with bills and claims), its
//! entries, and the audit log. Both are read within the actor's subtree (or the part of it under
//! `org`): the ledger entries of its claims, bills and payout batches, the audit entries of its
//! orgs — never another federation's.

use crate::api::{route, ApiQuery};
use crate::auth::Authenticated;
use crate::error::ErrorBody;
use crate::{org_code, ApiError, AppState};
use axum::extract::State;
use axum::Json;
use huzhu_app::audit;
use huzhu_app::ledger::{self, LedgerReport};
use huzhu_app::model::AuditEntry;
use huzhu_app::model::LedgerEntryView;
use huzhu_app::Backend;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes<S: Backend>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::new()
        .routes(route!(balances::<S>))
        .routes(route!(entries::<S>))
        .routes(route!(audit_log::<S>))
        .routes(route!(audit_export::<S>))
}

/// 账户余额 — balances of every account and whether the ledger agrees with the bills and claims
/// it mirrors.
#[derive(Serialize, ToSchema)]
pub struct LedgerReportView {
    /// No problem found.
    pub ok: bool,
    pub entries: u64,
    pub postings: u64,
    /// Account → balance in fen (debit positive), e.g. `bank`, `fund:hangzhou-2022`.
    pub balances: BTreeMap<String, i64>,
    /// Every disagreement found, in words.
    pub problems: Vec<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct BalancesQuery {
    /// 组织代码 — the ledger of the subtree under it; the actor's own organisation when absent.
    #[param(example = "LA", pattern = "^[A-Za-z0-9-]{1,32}$")]
    org: Option<String>,
}

/// 账户余额 — the balance of every account of the subtree's ledger, and its check.
#[utoipa::path(
    get,
    path = "/api/v1/ledger/balances",
    tag = "ledger",
    params(BalancesQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "balances and the check, over the entries of the subtree", body = LedgerReportView),
        (status = BAD_REQUEST, description = "bad `org`", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read the ledger", body = ErrorBody),
        (status = NOT_FOUND, description = "no organisation `org` in the actor's subtree", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn balances<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<BalancesQuery>,
) -> Result<Json<LedgerReportView>, ApiError> {
    let org = q.org.as_deref().map(|c| org_code("org", c)).transpose()?;
    let LedgerReport {
        ok,
        entries,
        postings,
        balances,
        problems,
    } = ledger::balances(&state.store, &actor, org.as_ref()).await?;
    Ok(Json(LedgerReportView {
        ok,
        entries,
        postings,
        balances,
        problems,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct EntriesQuery {
    /// 组织代码 — entries of the subtree under it; the actor's own organisation when absent.
    #[param(example = "LA", pattern = "^[A-Za-z0-9-]{1,32}$")]
    org: Option<String>,
    /// Entries with a smaller id than this (the last id of the previous page).
    before: Option<i64>,
    /// Page size.
    #[param(minimum = 1, maximum = 500, default = 100)]
    limit: Option<u32>,
}

/// One posting: an amount to an account (debit positive).
#[derive(Serialize, ToSchema)]
pub struct PostingView {
    #[schema(example = "bank")]
    pub account: String,
    pub fen: i64,
}

/// 分录 — a ledger entry with its postings.
#[derive(Serialize, ToSchema)]
pub struct LedgerEntry {
    pub id: i64,
    /// `contribution_billed`, `claim_approved`, `claim_paid`, …
    pub kind: String,
    pub memo: String,
    pub claim: Option<i64>,
    pub bill: Option<i64>,
    pub batch: Option<i64>,
    /// The entry this one reverses.
    pub reverses: Option<i64>,
    pub actor: String,
    pub at: chrono::DateTime<chrono::Utc>,
    pub postings: Vec<PostingView>,
}

impl LedgerEntry {
    fn of(e: LedgerEntryView) -> LedgerEntry {
        let LedgerEntryView {
            id,
            kind,
            memo,
            claim,
            bill,
            batch,
            reverses,
            actor,
            at,
            postings,
        } = e;
        LedgerEntry {
            id,
            kind,
            memo,
            claim,
            bill,
            batch,
            reverses,
            actor,
            at,
            postings: postings
                .into_iter()
                .map(|(account, fen)| PostingView { account, fen })
                .collect(),
        }
    }
}

/// 分录 — ledger entries of the subtree, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/ledger/entries",
    tag = "ledger",
    params(EntriesQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "entries of the subtree, newest first", body = Vec<LedgerEntry>),
        (status = BAD_REQUEST, description = "bad `org`, `before` or `limit`", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read the ledger", body = ErrorBody),
        (status = NOT_FOUND, description = "no organisation `org` in the actor's subtree", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn entries<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<EntriesQuery>,
) -> Result<Json<Vec<LedgerEntry>>, ApiError> {
    let limit = page_size(q.limit)?;
    let org = q.org.as_deref().map(|c| org_code("org", c)).transpose()?;
    let entries = ledger::entries(&state.store, &actor, org.as_ref(), q.before, limit).await?;
    Ok(Json(entries.into_iter().map(LedgerEntry::of).collect()))
}

fn page_size(limit: Option<u32>) -> Result<u32, ApiError> {
    crate::api::page_limit(limit, 500)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct AuditQuery {
    /// 组织代码 — entries of the subtree under it; the actor's own organisation when absent.
    /// Entries written by no organisation are listed only from an organisation with no parent.
    #[param(example = "LA", pattern = "^[A-Za-z0-9-]{1,32}$")]
    org: Option<String>,
    /// How many of the latest entries.
    #[param(minimum = 1, maximum = 500, default = 100)]
    limit: Option<u32>,
    /// Entries older than this entry id (the last `id` of the previous page).
    before: Option<i64>,
    /// One action, e.g. `claim.approve`, `enrolment`, `bill.paid`, `import.members`, `login`.
    #[param(example = "claim.approve")]
    action: Option<String>,
    /// The account (username) that acted.
    #[param(example = "staff")]
    actor: Option<String>,
    /// The first day included (China's date), `YYYY-MM-DD`.
    #[param(example = "2026-12-01", format = Date)]
    from: Option<String>,
    /// The last day included (China's date), `YYYY-MM-DD`.
    #[param(example = "2026-12-31", format = Date)]
    to: Option<String>,
}

/// The filter of an audit read or export: each part applies when given.
struct AuditFilterQuery<'a> {
    action: &'a Option<String>,
    actor: &'a Option<String>,
    from: &'a Option<String>,
    to: &'a Option<String>,
}

impl AuditFilterQuery<'_> {
    fn filter(&self) -> Result<audit::AuditFilter, ApiError> {
        let text = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let day = |field: &str, v: &Option<String>| {
            text(v)
                .map(|d| {
                    d.parse::<chrono::NaiveDate>().map_err(|_| {
                        ApiError::invalid(
                            field,
                            format!("日期“{d}”应为 YYYY-MM-DD (date `{d}` must be YYYY-MM-DD)"),
                        )
                    })
                })
                .transpose()
        };
        Ok(audit::AuditFilter {
            action: text(self.action),
            actor: text(self.actor),
            from: day("from", self.from)?,
            to: day("to", self.to)?,
        })
    }
}

/// 审计记录 — who did what, when.
#[derive(Serialize, ToSchema)]
pub struct AuditEntryView {
    /// The entry's place in the log (ids grow with time): `before` for the next page.
    pub id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor: String,
    /// e.g. `claim.approve`, `enrolment`, `payout.bank_file`, `review.rule`.
    pub action: String,
    /// The action in Chinese, when known (审批通过, 单位参保, …).
    pub action_label: Option<String>,
    pub subject: String,
    pub detail: String,
    /// The organisation in whose subtree the action happened; absent for an entry written by no
    /// organisation (the command line, an unknown sign-in name, entries older than the field).
    #[schema(example = "LA-JN-001")]
    pub org: Option<String>,
}

/// 审计日志 — the latest audit entries of the actor's subtree (or the part under `org`), filtered
/// by action, actor and days when asked; for auditors and administrators. Claims (each step,
/// amounts in 元), enrolments, bill payments, roster imports, sign-ins, ID reveals, bank files,
/// transfers and rule changes are all in it.
#[utoipa::path(
    get,
    path = "/api/v1/audit",
    tag = "audit",
    params(AuditQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "audit entries of the subtree, newest first", body = Vec<AuditEntryView>),
        (status = BAD_REQUEST, description = "bad `org`, `limit`, `from` or `to`, or `from` after `to`", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read the audit log", body = ErrorBody),
        (status = NOT_FOUND, description = "no organisation `org` in the actor's subtree", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn audit_log<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<Vec<AuditEntryView>>, ApiError> {
    let limit = page_size(q.limit)?;
    let org = q.org.as_deref().map(|c| org_code("org", c)).transpose()?;
    let filter = AuditFilterQuery {
        action: &q.action,
        actor: &q.actor,
        from: &q.from,
        to: &q.to,
    }
    .filter()?;
    let log = audit::log(&state.store, &actor, org.as_ref(), q.before, &filter, limit).await?;
    Ok(Json(
        log.into_iter()
            .map(|r| {
                let id = r.id;
                let AuditEntry {
                    at,
                    actor,
                    action,
                    subject,
                    detail,
                    org,
                } = r.entry;
                AuditEntryView {
                    id,
                    at,
                    actor,
                    action_label: audit::action_words(&action).map(|(zh, _)| zh.into_owned()),
                    action,
                    subject,
                    detail,
                    org: org.map(String::from),
                }
            })
            .collect(),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct AuditExportQuery {
    /// 组织代码 — entries of the subtree under it; the actor's own organisation when absent.
    #[param(example = "LA", pattern = "^[A-Za-z0-9-]{1,32}$")]
    org: Option<String>,
    /// One action, e.g. `claim.approve`, `enrolment`, `bill.paid`, `import.members`, `login`.
    #[param(example = "claim.approve")]
    action: Option<String>,
    /// The account (username) that acted.
    #[param(example = "staff")]
    actor: Option<String>,
    /// The first day included (China's date), `YYYY-MM-DD`.
    #[param(example = "2026-12-01", format = Date)]
    from: Option<String>,
    /// The last day included (China's date), `YYYY-MM-DD`.
    #[param(example = "2026-12-31", format = Date)]
    to: Option<String>,
}

/// 导出审计日志 — the entries of the subtree (or the part under `org`) that match the filter,
/// newest first, as an Excel workbook (at most 100,000 entries); the export is itself written
/// to the log (`audit.export`, with its filter and count).
#[utoipa::path(
    get,
    path = "/api/v1/audit/export.xlsx",
    tag = "audit",
    params(AuditExportQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the workbook, as an attachment", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = BAD_REQUEST, description = "bad `org`, `from` or `to`, or `from` after `to`", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read the audit log", body = ErrorBody),
        (status = NOT_FOUND, description = "no organisation `org` in the actor's subtree", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn audit_export<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<AuditExportQuery>,
) -> Result<axum::response::Response, ApiError> {
    use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
    use axum::http::HeaderValue;
    use axum::response::IntoResponse;
    let org = q.org.as_deref().map(|c| org_code("org", c)).transpose()?;
    let filter = AuditFilterQuery {
        action: &q.action,
        actor: &q.actor,
        from: &q.from,
        to: &q.to,
    }
    .filter()?;
    let bytes = audit::export_xlsx(
        &state.store,
        state.clock.as_ref(),
        &actor,
        org.as_ref(),
        &filter,
    )
    .await?;
    Ok((
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static(
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
            ),
            (
                CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"audit.xlsx\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
