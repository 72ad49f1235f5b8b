//! 银行对账单 — finance imports a bank statement (xlsx/csv) whose credit lines are matched to the
//! expected bank transfers of the donations; the lines left over are settled by hand (to a donor,
//! or not a donation with the reason). docs/donations.md.

use crate::api::{route, ApiJson, ApiPath, ApiQuery};
use crate::auth::Authenticated;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};
use axum::body::Bytes;
use axum::extract::State;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use huzhu_app::model::{Statement, StatementLine};
use huzhu_app::statement;
use huzhu_app::Backend;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes<S: Backend>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::new()
        .routes(route!(import::<S>))
        .routes(route!(list::<S>))
        .routes(route!(lines::<S>))
        .routes(route!(settle::<S>))
        .routes(route!(dismiss::<S>))
}

/// A statement file as imported.
#[derive(Serialize, ToSchema)]
pub struct StatementBody {
    pub id: i64,
    pub org: String,
    pub file_name: String,
    pub imported_by: String,
    pub imported_at: DateTime<Utc>,
    pub lines: i64,
    pub matched: i64,
    /// Lines still to settle.
    pub open: i64,
}

impl StatementBody {
    fn of(s: Statement) -> StatementBody {
        StatementBody {
            id: s.id,
            org: s.org,
            file_name: s.file_name,
            imported_by: s.imported_by,
            imported_at: s.imported_at,
            lines: s.lines,
            matched: s.matched,
            open: s.open,
        }
    }
}

/// A credit line and what became of it.
#[derive(Serialize, ToSchema)]
pub struct LineBody {
    pub id: i64,
    pub statement: i64,
    /// The row in the file.
    pub row: i64,
    pub booked_on: NaiveDate,
    pub amount_fen: i64,
    /// 对方户名
    pub name: String,
    /// 对方账号 (masked but for the last four characters)
    pub account: String,
    /// 附言
    pub memo: String,
    /// `matched`, `unmatched` (to settle), `settled` (by hand) or `dismissed` (not a donation).
    pub state: String,
    pub state_label: String,
    /// `reference`, `account` or `name`, for a matched line.
    pub matched_by: Option<String>,
    pub donation: Option<i64>,
    /// The receipt in force of the donation received or recorded.
    pub receipt: Option<String>,
    pub donor_name: Option<String>,
    pub reason: Option<String>,
    pub settled_by: Option<String>,
}

/// All but the last four characters of an account as `*`.
fn masked(account: &str) -> String {
    let chars: Vec<char> = account.chars().filter(|c| !c.is_whitespace()).collect();
    let keep = chars.len().saturating_sub(4);
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < keep { '*' } else { *c })
        .collect()
}

impl LineBody {
    fn of(l: StatementLine) -> LineBody {
        LineBody {
            id: l.id,
            statement: l.statement_id,
            row: l.row_no,
            booked_on: l.booked_on,
            amount_fen: l.amount_fen,
            name: l.name,
            account: masked(&l.account),
            memo: l.memo,
            state: l.state.code().into(),
            state_label: format!("{} ({})", l.state.label_zh(), l.state.label_en()),
            matched_by: l.matched_by,
            donation: l.donation_id,
            receipt: l.receipt,
            donor_name: l.donor_name,
            reason: l.reason,
            settled_by: l.settled_by,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct StatementRowErrorBody {
    pub row: u64,
    pub column: String,
    pub reason: String,
}

/// What an import did: the statement and its counts, or nothing and the errors row by row.
#[derive(Serialize, ToSchema)]
pub struct StatementImportBody {
    pub rows: u64,
    /// Rows of money paid out, not matched.
    pub debits: u64,
    pub statement: Option<StatementBody>,
    /// Lines matched to an expected transfer: received, receipt issued.
    pub matched: i64,
    /// Lines left to settle by hand.
    pub unmatched: i64,
    /// Lines imported before from another file, skipped.
    pub duplicates: i64,
    pub errors: Vec<StatementRowErrorBody>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ImportQuery {
    /// The file's name (its extension tells xlsx from csv when the bytes do not).
    file_name: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct LinesQuery {
    /// The lines of this statement; every line still to settle when absent.
    statement: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettleBody {
    /// The donor on file who gave it.
    pub donor: i64,
    /// Restricted 定向 to this programme.
    pub programme: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DismissBody {
    pub reason: String,
}

/// 导入银行对账单 — the body is the statement (xlsx or csv: 交易日期, 金额, 对方户名, 对方账号,
/// 附言, with the banks' other spellings). Credit lines are matched to expected bank transfers
/// (reference in the memo, then the donor's account, then name, at the same amount): a match
/// receives its donation and issues the receipt. The same file twice is refused; a bad row
/// imports nothing and the errors come back row by row.
#[utoipa::path(
    post,
    path = "/api/v1/statements/import",
    tag = "donations",
    params(ImportQuery),
    request_body(
        description = "the file's bytes",
        content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("text/csv"), ("application/octet-stream"))
    ),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "what the import did", body = StatementImportBody),
        (status = BAD_REQUEST, description = "not a readable statement, a missing column, or no money in", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not import statements", body = ErrorBody),
        (status = CONFLICT, description = "this statement was imported before", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn import<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: Bytes,
) -> Result<Json<StatementImportBody>, ApiError> {
    let r = statement::import(
        &state.store,
        state.clock.as_ref(),
        &actor,
        q.file_name.as_deref().unwrap_or("statement.xlsx"),
        body.to_vec(),
    )
    .await?;
    let (statement, matched, unmatched, duplicates) = match r.imported {
        Some(i) => (
            Some(StatementBody::of(i.statement)),
            i.matched,
            i.unmatched,
            i.duplicates,
        ),
        None => (None, 0, 0, 0),
    };
    Ok(Json(StatementImportBody {
        rows: r.rows,
        debits: r.debits,
        statement,
        matched,
        unmatched,
        duplicates,
        errors: r
            .errors
            .into_iter()
            .map(|e| StatementRowErrorBody {
                row: e.row,
                column: e.column,
                reason: e.reason,
            })
            .collect(),
    }))
}

/// 对账单列表 — the statements of the actor's subtree, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/statements",
    tag = "donations",
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "statements", body = Vec<StatementBody>),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not import statements", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn list<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
) -> Result<Json<Vec<StatementBody>>, ApiError> {
    let list = statement::statements(&state.store, &actor).await?;
    Ok(Json(list.into_iter().map(StatementBody::of).collect()))
}

/// 对账单明细 — the lines of one statement, or every line still to settle.
#[utoipa::path(
    get,
    path = "/api/v1/statements/lines",
    tag = "donations",
    params(LinesQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "lines, in file order", body = Vec<LineBody>),
        (status = BAD_REQUEST, description = "a malformed statement id", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not import statements", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn lines<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<LinesQuery>,
) -> Result<Json<Vec<LineBody>>, ApiError> {
    let list = statement::lines(&state.store, &actor, q.statement).await?;
    Ok(Json(list.into_iter().map(LineBody::of).collect()))
}

/// 手工匹配 — a line to settle recorded as a received bank transfer of a donor on file, its
/// receipt issued.
#[utoipa::path(
    post,
    path = "/api/v1/statements/lines/{id}/settle",
    tag = "donations",
    params(("id" = i64, Path, description = "line id")),
    request_body = SettleBody,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the line, settled", body = LineBody),
        (status = BAD_REQUEST, description = "a malformed programme", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not import statements", body = ErrorBody),
        (status = NOT_FOUND, description = "no such line in scope, or no such donor", body = ErrorBody),
        (status = CONFLICT, description = "the line is matched or settled already", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn settle<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<SettleBody>,
) -> Result<Json<LineBody>, ApiError> {
    let l = statement::settle(
        &state.store,
        state.clock.as_ref(),
        &actor,
        id,
        req.donor,
        req.programme.as_deref(),
    )
    .await?;
    Ok(Json(LineBody::of(l)))
}

/// 非捐赠 — a line to settle marked as not a donation, with the reason.
#[utoipa::path(
    post,
    path = "/api/v1/statements/lines/{id}/dismiss",
    tag = "donations",
    params(("id" = i64, Path, description = "line id")),
    request_body = DismissBody,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the line, dismissed", body = LineBody),
        (status = BAD_REQUEST, description = "a missing reason", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not import statements", body = ErrorBody),
        (status = NOT_FOUND, description = "no such line in scope", body = ErrorBody),
        (status = CONFLICT, description = "the line is matched or settled already", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn dismiss<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<DismissBody>,
) -> Result<Json<LineBody>, ApiError> {
    let l = statement::dismiss(&state.store, state.clock.as_ref(), &actor, id, &req.reason).await?;
    Ok(Json(LineBody::of(l)))
}
