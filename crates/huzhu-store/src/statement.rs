//! 银行对账单 — bank statements imported by finance and matched to the expected bank transfers of
//! the 春风行动 donations (SPEC 7.5; docs/donations.md). Every method is one transaction with its
//! audit entries: an import receives each matched transfer (its receipt numbered from the same
//! gapless counter as the window's, the fund credited) in the import's own transaction, so a
//! statement is matched whole or not at all.
//!
//! Importing the same file twice is refused (its SHA-256 is unique per federation); a line
//! already imported from another file (its fingerprint) is counted as a duplicate and skipped.

use crate::OrgScope;
use chrono::{DateTime, NaiveDate, Utc};
use huzhu_domain::statement::{Line, LineState, MatchedBy};
use serde::Serialize;
use std::future::Future;

/// A statement file as imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Statement {
    pub id: i64,
    pub org: String,
    pub file_name: String,
    pub imported_by: String,
    pub imported_at: DateTime<Utc>,
    pub lines: i64,
    pub matched: i64,
    pub open: i64,
}

pub(crate) const STATEMENT_SELECT: &str = "SELECT s.id, o.code AS org, s.file_name, \
     s.imported_by, s.imported_at, \
     (SELECT COUNT(*) FROM statement_lines l WHERE l.statement_id = s.id) AS lines, \
     (SELECT COUNT(*) FROM statement_lines l WHERE l.statement_id = s.id \
      AND l.state = 'matched') AS matched, \
     (SELECT COUNT(*) FROM statement_lines l WHERE l.statement_id = s.id \
      AND l.state = 'unmatched') AS open \
     FROM bank_statements s JOIN orgs o ON o.id = s.org_id";

/// A credit line with what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct StatementLine {
    pub id: i64,
    pub statement_id: i64,
    pub row_no: i64,
    pub booked_on: NaiveDate,
    pub amount_fen: i64,
    pub name: String,
    pub account: String,
    pub memo: String,
    #[sqlx(try_from = "String")]
    pub state: LineState,
    pub matched_by: Option<String>,
    pub donation_id: Option<i64>,
    /// The receipt in force of the donation it received or recorded.
    pub receipt: Option<String>,
    pub donor_name: Option<String>,
    pub reason: Option<String>,
    pub settled_by: Option<String>,
}

impl StatementLine {
    pub fn matched_how(&self) -> Option<MatchedBy> {
        self.matched_by.as_deref().and_then(MatchedBy::parse)
    }
}

pub(crate) const LINE_SELECT: &str = "SELECT l.id, l.statement_id, l.row_no, l.booked_on, \
     l.amount_fen, l.name, l.account, l.memo, l.state, l.matched_by, l.donation_id, \
     (SELECT r.number FROM receipts r WHERE r.donation_id = l.donation_id \
      AND r.state = 'issued') AS receipt, \
     (SELECT n.name FROM donations d JOIN donors n \
     ON n.tenant_id = d.tenant_id AND n.id = d.donor_id \
      WHERE d.id = l.donation_id) AS donor_name, \
     l.reason, l.settled_by FROM statement_lines l";

/// A statement to import: its credit lines, read and checked by the caller.
#[derive(Debug, Clone)]
pub struct NewStatement<'a> {
    pub org: &'a huzhu_domain::org::OrgCode,
    pub file_name: &'a str,
    pub file_sha256: &'a str,
    pub lines: &'a [Line],
    pub by: &'a str,
    pub at: DateTime<Utc>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Imported {
    pub statement: Statement,
    /// Lines matched to an expected transfer (received, receipt issued).
    pub matched: i64,
    /// Lines left for a person.
    pub unmatched: i64,
    /// Lines imported before from another file, skipped.
    pub duplicates: i64,
}

pub trait StatementStore: Send + Sync {
    /// Imports a statement for `new.org` (in the scope): its new lines matched against the
    /// expected bank transfers of the scope, each match received in this transaction.
    fn import_statement(
        &self,
        scope: &OrgScope,
        new: &NewStatement<'_>,
    ) -> impl Future<Output = crate::Result<Imported>> + Send;

    /// The statements of the scope's subtree, newest first.
    fn statements(
        &self,
        scope: &OrgScope,
    ) -> impl Future<Output = crate::Result<Vec<Statement>>> + Send;

    /// The lines of the scope's subtree: of one statement, or (`None`) those still to settle.
    fn statement_lines(
        &self,
        scope: &OrgScope,
        statement: Option<i64>,
    ) -> impl Future<Output = crate::Result<Vec<StatementLine>>> + Send;

    /// Settles a line to settle by hand: a received bank-transfer donation of `donor` (of the
    /// same federation), its receipt issued, optionally restricted to `programme`.
    fn settle_line(
        &self,
        scope: &OrgScope,
        line: i64,
        donor: i64,
        programme: Option<&str>,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<StatementLine>> + Send;

    /// Marks a line to settle as not a donation, with the reason.
    fn dismiss_line(
        &self,
        scope: &OrgScope,
        line: i64,
        reason: &str,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<StatementLine>> + Send;
}

mod sql;
pub(crate) use sql::impl_statement_store;
