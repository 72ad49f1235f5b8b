//! The SQL both backends share, one file per concept ([`imports`], [`orgs`], [`members`],
//! [`audit`], [`settings`]). `$n` parameters, `ON CONFLICT`, `RETURNING` and the types used
//! here mean the same in SQLite and PostgreSQL, so one text serves both; [`impl_store!`] expands
//! the [`crate::Store`] methods once per backend over its own pool type, each concept's from its
//! own macro.

pub(crate) mod audit;
pub(crate) mod imports;
pub(crate) mod members;
pub(crate) mod orgs;
pub(crate) mod settings;

pub(crate) use audit::{AuditPageRow, AUDIT_IN_SCOPE};
pub(crate) use imports::ImportRow;
pub(crate) use members::{HistoryRow, MemberRow, MEMBER_COLUMNS};
pub(crate) use orgs::{OrgRow, ORG_COLUMNS};

/// `$first, $first+1, …` for an IN list of `n` values.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `($first, …), (…), …`: a VALUES list of `rows` rows of `cols` parameters each, numbered
/// from `first` row by row. Its columns are `column1`, `column2`, … on both backends.
///
/// On SQLite the parameters are written `?` (bound in order, which is what they are here):
/// sqlx looks each numbered parameter up by name, and SQLite's look-up is a walk along the
/// statement's parameters, which for a statement of thousands costs more than running it.
pub(crate) fn value_rows<S: HasDb>(first: usize, rows: usize, cols: usize) -> String {
    let mut out = String::with_capacity(rows * cols * 6);
    for r in 0..rows {
        out.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..cols {
            if c > 0 {
                out.push_str(", ");
            }
            if S::ANONYMOUS_PARAMS {
                out.push('?');
            } else {
                out.push_str(&format!("${}", first + r * cols + c));
            }
        }
        out.push(')');
    }
    out
}

/// Parameter `n` of a statement that also holds a [`value_rows`] list: `?` on SQLite, so every
/// parameter is bound in the order it appears (each must appear once, in the order bound).
pub(crate) fn param<S: HasDb>(n: usize) -> String {
    if S::ANONYMOUS_PARAMS {
        "?".into()
    } else {
        format!("${n}")
    }
}

/// How many parameters one multi-row statement binds at most (both backends allow many more;
/// this keeps statements small enough to prepare quickly).
pub(crate) const PARAMS_PER_STATEMENT: usize = 2_000;

pub(crate) fn i64_of(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Expands the whole `Store` implementation for one backend. `$store` has a field `pool` of the
/// backend's pool type.
macro_rules! impl_store {
    ($store:ty, $backend:expr) => {
        impl $crate::Store for $store {
            fn backend(&self) -> $crate::Backend {
                $backend
            }

            async fn migrate(&self) -> $crate::Result<()> {
                self.run_migrations().await
            }

            $crate::sql::imports::store_imports!(store $store);
            $crate::sql::orgs::store_orgs!(store $store);
            $crate::sql::members::store_members!(store $store);
            $crate::sql::audit::store_audit!(store $store);
            $crate::sql::settings::store_settings!(store $store);
        }

        $crate::sql::imports::store_imports!(helpers $store);
        $crate::sql::orgs::store_orgs!(helpers $store);
        $crate::sql::audit::store_audit!(helpers $store);
    };
}

pub(crate) use impl_store;

/// Names the sqlx database type of a store, for the transaction helpers the macro writes.
pub(crate) trait HasDb {
    type Db: sqlx::Database;
    /// A query giving `$1` new claim ids, one a row, for a batch that writes claims with their
    /// ids (see `money_claims_in_one`): ids from the claims' own sequence on PostgreSQL; on
    /// SQLite, whose one writer holds the transaction, the ids after the largest.
    const NEW_CLAIM_IDS: &'static str;
    /// Whether parameters bound in order are better written `?` than `$n` (see [`value_rows`]);
    /// a statement using them must have no other parameters.
    const ANONYMOUS_PARAMS: bool;
    /// Run first in an import batch's transaction (issue 13). PostgreSQL: the batch's commit
    /// does not wait for its WAL to reach the disk — a crash of the server may lose the last
    /// batches, whole, which the import run's counts lose with them and a rerun brings back;
    /// the other writers keep waiting for theirs. SQLite in WAL mode with `synchronous=NORMAL`
    /// already commits without a sync.
    const IMPORT_BATCH_SETUP: Option<&'static str>;
    /// `IN (…)` over one parameter `$1` holding a list of texts ([`HasDb::text_list`]), for
    /// lists of thousands (an import batch's ID numbers): one statement text whatever the
    /// list's length, prepared once, and no per-value parameter to bind or, on PostgreSQL,
    /// to plan (issue 13). SQLite: `IN (SELECT value FROM json_each($1))`; PostgreSQL:
    /// `= ANY($1)`, which walks an index on the column.
    const TEXT_IN: &'static str;
    /// The units named by an import batch, `$1` their codes ([`HasDb::text_list`]): one row,
    /// one text, a JSON array of `[id, tenant_id, level, code]`. A city's units come back with
    /// every batch; fetched as rows, each cost sqlx a message between threads and a decode —
    /// 4.7 ms a batch on SQLite for 1,111 units, ten times SQLite's own work (issue 13).
    const IMPORT_BATCH_ORGS: &'static str;
    /// The value bound for [`HasDb::TEXT_IN`].
    type TextList<'a>: sqlx::Encode<'a, Self::Db> + sqlx::Type<Self::Db> + Send + 'a;
    fn text_list<'a>(texts: &[&'a str]) -> Self::TextList<'a>;
}
