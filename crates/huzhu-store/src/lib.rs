//! huzhu's repository layer: the [`Store`] trait, shaped like the use cases that call it, and one
//! implementation per backend — [`SqliteStore`] (the embedded default) and [`PgStore`]
//! (production). Both run the same SQL text where the dialects agree (`$n` parameters work in
//! both) and keep their own migrations (`migrations/sqlite`, `migrations/postgres`, same names).
//!
//! Every method is atomic: a transaction starts and ends inside it, no handle leaks out. This crate
//! knows the domain types and SQL; it must not know HTTP, the CLI or the clock (instants are passed
//! in).

mod accounts;
pub mod archive;
pub mod bank;
pub mod campaign;
pub(crate) mod decision;
mod error;
pub mod fund_report;
pub mod grant;
mod group_commit;
mod import_seen;
mod model;
pub mod money;
mod postgres;
mod session_cache;
mod sql;
mod sqlite;
pub mod stats;
pub mod support;
pub mod transfers;
// recuperation, procurement (helper M)
pub mod procurement;
pub mod recuperation;
// donation module (春风行动, issue 16)
pub mod donation;
// pairing and services (helper K, issue 16)
pub mod pairing;
pub mod services;
// employment help 春风就业 (helper D, issue 16)
pub mod employment;
// bank statement import and matching (helper D, issue 16)
pub mod statement;

pub use accounts::{AccountStore, NewUser, Session, User, UserChange, UserId};
pub use archive::ArchiveStore;
pub use bank::{BankChange, BankChangeStore};
pub use campaign::CampaignStore;
pub use error::StoreError;
pub use fund_report::FundReportStore;
pub use grant::GrantStore;
pub use huzhu_domain::decision::Decision;
pub use model::*;
pub use money::MoneyStore;
pub use postgres::PgStore;
pub use sqlite::SqliteStore;
pub use stats::programmes::ProgrammeStatsStore;
pub use stats::StatsStore;
pub use support::SupportStore;
pub use transfers::{NewTransfer, Transfer, TransferStore};
// recuperation, procurement (helper M)
pub use procurement::ProcurementStore;
pub use recuperation::RecuperationStore;
// donation module (春风行动, issue 16)
pub use donation::DonationStore;
// legal aid 法律援助 and craftsman recognition 数字工匠 (issue 17)
pub mod legal_aid;
pub use legal_aid::LegalAidStore;
pub mod recognition;
pub use recognition::RecognitionStore;
// pairing and services (helper K, issue 16)
pub use pairing::PairingStore;
pub use services::ServiceStore;
// employment help 春风就业 (helper D, issue 16)
pub use employment::EmploymentStore;
// bank statement import and matching (helper D, issue 16)
pub use statement::StatementStore;

use chrono::{DateTime, Utc};
use huzhu_domain::member::MemberRecord;
use huzhu_domain::org::{NewOrg, OrgCode};
use std::future::Future;

/// A number for each store opened in this process.
pub(crate) fn next_instance() -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The repository. Implementations are cheap to clone (a pool handle).
pub trait Store: Clone + Send + Sync + 'static {
    /// Which backend this is, for logs and the health route.
    fn backend(&self) -> Backend;

    /// Brings the schema up to date.
    fn migrate(&self) -> impl Future<Output = Result<()>> + Send;

    /// Starts recording an import run; marks earlier runs of the same file that never finished
    /// (killed) as interrupted and forgets what they had seen.
    fn begin_import(
        &self,
        start: &ImportStart,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<ImportId>> + Send;

    /// Stores one batch of organisations in one transaction. Parents must exist already or come
    /// earlier in the batch; rows whose parent is unknown come back as [`OrgOutcome::UnknownParent`]
    /// and nothing of theirs is written.
    fn import_org_batch(
        &self,
        import: ImportId,
        rows: &[(u64, NewOrg)],
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<(u64, OrgOutcome)>>> + Send;

    /// Stores one batch of members in one transaction: new members are created, changed ones
    /// updated with their old values kept in history, unchanged ones left alone.
    ///
    /// Within `scope` (issue 14): a row's unit must lie in the subtree
    /// ([`MemberRejection::OrgOutOfScope`]), and so must a stored member's current unit — else,
    /// like a member of another city, [`MemberRejection::NotRegistrable`]. A change of unit is a
    /// transfer, written to the audit log under both units. Another bank account than the
    /// stored one is not applied but proposed ([`BankChangeStore`]): [`MemberOutcome::Held`].
    /// All of it is judged and written in the batch's one transaction.
    fn import_member_batch(
        &self,
        import: ImportId,
        scope: &OrgScope,
        rows: &[(u64, MemberRecord)],
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<(u64, MemberOutcome)>>> + Send;

    /// Closes an import run with its counts.
    fn finish_import(
        &self,
        import: ImportId,
        counts: &ImportCounts,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<()>> + Send;

    fn import_run(&self, import: ImportId) -> impl Future<Output = Result<ImportRun>> + Send;

    fn org(&self, code: &OrgCode) -> impl Future<Output = Result<Org>> + Send;

    /// The organisation and everything under it (or every org when `under` is None), ordered by
    /// level then code.
    fn orgs_under(&self, under: Option<&OrgCode>) -> impl Future<Output = Result<Vec<Org>>> + Send;

    /// Members of the subtree under `under`, by id, after `page.after`, at most `page.limit`.
    fn members_under(
        &self,
        under: &OrgCode,
        page: Page,
    ) -> impl Future<Output = Result<Vec<StoredMember>>> + Send;

    fn count_members_under(&self, under: &OrgCode) -> impl Future<Output = Result<u64>> + Send;

    /// Members of the subtree under `under` that match every part of `filter`, by id, after
    /// `page.after`, at most `page.limit`.
    fn search_members(
        &self,
        under: &OrgCode,
        filter: &MemberFilter,
        page: Page,
    ) -> impl Future<Output = Result<Vec<StoredMember>>> + Send;

    /// How many members of the subtree under `under` match every part of `filter`: the 共 N 条
    /// of a paged search.
    fn count_search_members(
        &self,
        under: &OrgCode,
        filter: &MemberFilter,
    ) -> impl Future<Output = Result<u64>> + Send;

    fn member_by_id_number(
        &self,
        id_number: &str,
    ) -> impl Future<Output = Result<StoredMember>> + Send;

    /// Old versions of a member, oldest first.
    fn member_history(
        &self,
        member: MemberId,
    ) -> impl Future<Output = Result<Vec<HistoryEntry>>> + Send;

    /// Appends to the audit log (never updated, never deleted).
    fn audit(&self, entry: &AuditEntry) -> impl Future<Output = Result<()>> + Send;

    /// The latest `limit` entries of the whole log, newest first: for the operator and tests,
    /// never for a user (they read [`Store::audit_page`] within their scope).
    fn audit_log(&self, limit: u32) -> impl Future<Output = Result<Vec<AuditEntry>>> + Send;

    /// A page of the audit log within `query.scope`, newest first.
    fn audit_page(
        &self,
        query: &AuditQuery,
    ) -> impl Future<Output = Result<Vec<AuditRecord>>> + Send;

    /// The actions of the entries within `scope`, alphabetically (for a filter). Scoped like the
    /// entries, although it names only actions: a filter offers only what the reader can find.
    fn audit_actions(&self, scope: &AuditScope)
        -> impl Future<Output = Result<Vec<String>>> + Send;

    fn setting(&self, key: &str) -> impl Future<Output = Result<Option<String>>> + Send;

    fn set_setting(&self, key: &str, value: &str) -> impl Future<Output = Result<()>> + Send;

    /// Sets (`Some`) or removes (`None`) a setting and writes `entry` to the audit log in the same
    /// transaction, its detail followed by `; old: VALUE` (`(none)` when there was none): the
    /// value replaced, read in that transaction. Answers that value.
    fn change_setting(
        &self,
        key: &str,
        value: Option<&str>,
        entry: &AuditEntry,
    ) -> impl Future<Output = Result<Option<String>>> + Send;
}

/// Everything the use cases need of a backend: the registry, the money path, accounts, statistics,
/// bank account changes and transfers.
pub trait Repo:
    Store
    + MoneyStore
    + AccountStore
    + StatsStore
    + FundReportStore
    + BankChangeStore
    + TransferStore
    + GrantStore
    + CampaignStore
    + ArchiveStore
    + ProgrammeStatsStore
    + SupportStore
    // recuperation, procurement (helper M)
    + RecuperationStore
    + ProcurementStore
    // donation module (春风行动, issue 16)
    + DonationStore
    // legal aid and recognition (issue 17)
    + LegalAidStore
    + RecognitionStore
    // pairing and services (helper K, issue 16)
    + PairingStore
    + ServiceStore
    // employment help (helper D, issue 16)
    + EmploymentStore
    // bank statements (helper D, issue 16)
    + StatementStore
{
}

impl<
        T: Store
            + MoneyStore
            + AccountStore
            + StatsStore
            + FundReportStore
            + BankChangeStore
            + TransferStore
            + GrantStore
            + CampaignStore
            + ArchiveStore
            + ProgrammeStatsStore
            + SupportStore
            // recuperation, procurement (helper M)
            + RecuperationStore
            + ProcurementStore
            // donation module (春风行动, issue 16)
            + DonationStore
            // legal aid and recognition (issue 17)
            + LegalAidStore
            + RecognitionStore
            // pairing and services (helper K, issue 16)
            + PairingStore
            + ServiceStore
            // employment help (helper D, issue 16)
            + EmploymentStore
            // bank statements (helper D, issue 16)
            + StatementStore,
    > Repo for T
{
}
