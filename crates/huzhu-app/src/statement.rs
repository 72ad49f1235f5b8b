//! 银行对账单 — finance imports a bank statement (xlsx or csv as Chinese banks export it) and its
//! credit lines are matched to the expected bank transfers of the 春风行动 donations (SPEC 7.5;
//! docs/donations.md): a matched line receives its donation and issues the receipt; the others
//! are listed for a person to settle — to a donor (a new received donation with its receipt) or
//! as not a donation, with the reason. The same file twice is refused; a line imported before
//! from another file is skipped. Capability: `ImportStatements` (finance); scope: the actor's
//! subtree.

use crate::access::{not_found, require};
use crate::{AppError, Clock};
use huzhu_domain::access::{Actor, Capability};
use huzhu_domain::statement::Line;
use huzhu_import::{Roster, Row, RowError};
use huzhu_store::statement::{Imported, NewStatement, Statement, StatementLine};
use huzhu_store::{OrgScope, Repo, StoreError};

fn scope(actor: &Actor) -> OrgScope {
    OrgScope::Under(actor.org.clone())
}

/// What an import did: the statement and its counts, or (nothing imported) the errors row by
/// row.
#[derive(Debug, Clone)]
pub struct StatementImport {
    /// Rows read.
    pub rows: u64,
    /// Rows paid out (money out), not matched.
    pub debits: u64,
    pub imported: Option<Imported>,
    pub errors: Vec<RowError>,
}

/// 导入银行对账单 — reads the file; any bad row imports nothing (the errors come back row by
/// row) [choice]; otherwise its credit lines are matched and stored in one transaction.
pub async fn import<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<StatementImport, AppError> {
    require(actor, Capability::ImportStatements)?;
    let sha = crate::digest::sha256_hex(&bytes);
    let today = clock.today();
    let mut roster = Roster::open_detect(std::io::Cursor::new(bytes), file_name)?;
    let (mut rows, mut debits) = (0u64, 0u64);
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    for row in roster.statements()? {
        rows += 1;
        match row? {
            Row::Good { row, value } if value.on > today => errors.push(RowError {
                row,
                column: "交易日期".into(),
                reason: format!("交易日期{}晚于今天 (the date is in the future)", value.on),
            }),
            Row::Good { value, .. } if value.amount_fen <= 0 => debits += 1,
            Row::Good { row, value } => lines.push(Line {
                row,
                on: value.on,
                amount_fen: value.amount_fen,
                name: value.name,
                account: value.account,
                memo: value.memo,
            }),
            Row::Bad { errors: e, .. } => errors.extend(e),
        }
    }
    if !errors.is_empty() {
        return Ok(StatementImport {
            rows,
            debits,
            imported: None,
            errors,
        });
    }
    if lines.is_empty() {
        return Err(AppError::invalid(
            "file",
            "对账单中没有收入记录 (the statement lists no money in)".into(),
        ));
    }
    let imported = store
        .import_statement(
            &scope(actor),
            &NewStatement {
                org: &actor.org,
                file_name: file_name.trim(),
                file_sha256: &sha,
                lines: &lines,
                by: &actor.username,
                at: clock.now(),
            },
        )
        .await?;
    Ok(StatementImport {
        rows,
        debits,
        imported: Some(imported),
        errors: Vec::new(),
    })
}

/// The statements of the actor's subtree, newest first.
pub async fn statements<S: Repo>(store: &S, actor: &Actor) -> Result<Vec<Statement>, AppError> {
    require(actor, Capability::ImportStatements)?;
    Ok(store.statements(&scope(actor)).await?)
}

/// The lines of one statement, or (`None`) every line still to settle, in the actor's subtree.
pub async fn lines<S: Repo>(
    store: &S,
    actor: &Actor,
    statement: Option<i64>,
) -> Result<Vec<StatementLine>, AppError> {
    require(actor, Capability::ImportStatements)?;
    Ok(store.statement_lines(&scope(actor), statement).await?)
}

fn missing(line: i64) -> impl FnOnce(StoreError) -> AppError {
    move |e| match e {
        StoreError::NotFound(what) if what.contains("donor") => not_found(&what),
        StoreError::NotFound(_) => not_found(&format!("对账单行 {line} (statement line {line})")),
        other => other.into(),
    }
}

/// 手工匹配 — records a line to settle as a received bank transfer of `donor` (its receipt issued),
/// optionally restricted to a programme.
pub async fn settle<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    line: i64,
    donor: i64,
    programme: Option<&str>,
) -> Result<StatementLine, AppError> {
    require(actor, Capability::ImportStatements)?;
    let programme = programme.map(str::trim).filter(|p| !p.is_empty());
    if let Some(p) = programme {
        if p.chars().count() > 64 {
            return Err(AppError::invalid(
                "programme",
                "项目代码过长 (the programme code is too long)".into(),
            ));
        }
    }
    store
        .settle_line(
            &scope(actor),
            line,
            donor,
            programme,
            &actor.username,
            clock.now(),
        )
        .await
        .map_err(missing(line))
}

/// 非捐赠 — marks a line to settle as not a donation, with the reason.
pub async fn dismiss<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    line: i64,
    reason: &str,
) -> Result<StatementLine, AppError> {
    require(actor, Capability::ImportStatements)?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(AppError::invalid(
            "reason",
            "须写明原因，最多 200 字 (give the reason, at most 200 characters)".into(),
        ));
    }
    store
        .dismiss_line(&scope(actor), line, reason, &actor.username, clock.now())
        .await
        .map_err(missing(line))
}
