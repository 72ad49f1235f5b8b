//! The embedded default backend: one SQLite file, WAL, foreign keys on, one writer.

use crate::sql::{impl_store, HasDb};
use crate::{Backend, Result};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// How many connections serve reads outside transactions.
const READERS: u32 = 4;

/// How long a write waits for its turn when another process (a `huzhu import` beside the
/// server) holds the database's write lock, before it gives up with an error.
const WRITE_WAIT: Duration = Duration::from_secs(120);

/// How long the writer's own connection waits inside SQLite before it hands a busy database
/// back to [`SqliteStore::write_tx`], which waits in short steps without blocking the
/// connection's thread (SQLite's own waits grow to 100 ms a step, and a waiter that looks
/// that seldom never finds a busy importer's lock free).
const WRITER_BUSY_TIMEOUT: Duration = Duration::from_millis(1);

/// How often a write waiting for its turn tries again.
const WRITE_RETRY: Duration = Duration::from_millis(1);

#[derive(Clone, Debug)]
pub struct SqliteStore {
    /// The one writer: every transaction and every write.
    pub(crate) pool: SqlitePool,
    /// Readers outside transactions (WAL lets them run beside the writer and each other).
    pub(crate) reader: SqlitePool,
    /// Which opened database this is, for caches keyed by database (see `MoneyStore::identity`).
    pub(crate) instance: usize,
    /// Sessions read recently; shared by clones (see `session_cache`).
    pub(crate) sessions: std::sync::Arc<crate::session_cache::SessionCache>,
    /// New claims, committed together when they arrive together (see `group_commit`).
    pub(crate) claim_writes: std::sync::Arc<crate::group_commit::ClaimWrites>,
    /// The ID numbers each import run under way has seen (`import_seen.rs`); shared by clones.
    pub(crate) seen: std::sync::Arc<crate::import_seen::SeenSets>,
}

impl HasDb for SqliteStore {
    type Db = sqlx::Sqlite;
    const NEW_CLAIM_IDS: &'static str = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL \
         SELECT i + 1 FROM n WHERE i < $1) SELECT (SELECT COALESCE(MAX(id), 0) FROM claims) + i \
         FROM n";
    const ANONYMOUS_PARAMS: bool = true;
    const IMPORT_BATCH_SETUP: Option<&'static str> = None;
    const TEXT_IN: &'static str = "IN (SELECT value FROM json_each($1))";
    const IMPORT_BATCH_ORGS: &'static str = "SELECT json_group_array(json_array(id, \
         COALESCE(tenant_id, id), level, code)) FROM orgs \
         WHERE code IN (SELECT value FROM json_each($1))";
    type TextList<'a> = String;
    fn text_list(texts: &[&str]) -> String {
        serde_json::to_string(texts).unwrap_or_else(|_| "[]".into())
    }
}

impl SqliteStore {
    /// Opens (creating if missing) the database at a `sqlite://…` URL.
    pub async fn connect(url: &str) -> Result<SqliteStore> {
        let options = SqliteConnectOptions::from_str(url)?;
        Self::open(options).await
    }

    /// Opens (creating if missing) the database file at `path`.
    pub async fn open_file(path: &Path) -> Result<SqliteStore> {
        Self::open(SqliteConnectOptions::new().filename(path)).await
    }

    async fn open(options: SqliteConnectOptions) -> Result<SqliteStore> {
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30));
        // No ping before each use (sqlx's default): a connection to a local file does not go
        // stale, and each ping is a round trip to the connection's thread — as much as a query.
        // One writing connection: SQLite has one writer at a time, and a single connection makes
        // every transaction's read-then-write upgrade safe from SQLITE_BUSY.
        //
        // The writer's short busy timeout is set once the connection is open: the pragmas run
        // while it opens (journal mode, foreign keys) must wait like any other, or a database
        // that another process is checkpointing as it closes fails to open with "database is
        // locked" (it did for `huzhu ledger check` right after a server was stopped).
        let short_wait = format!("PRAGMA busy_timeout = {}", WRITER_BUSY_TIMEOUT.as_millis());
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .acquire_timeout(WRITE_WAIT)
            .after_connect(move |conn, _| {
                let short_wait = short_wait.clone();
                Box::pin(async move {
                    sqlx::query(&short_wait).execute(&mut *conn).await?;
                    Ok(())
                })
            })
            .connect_with(
                options
                    .clone()
                    // The writer keeps up to 64 MiB of pages (SQLite's default is 2 MiB): an
                    // import's index pages stay cached from batch to batch instead of being
                    // read back from the file (issue 13). Taken as used, not up front.
                    .pragma("cache_size", "-65536")
                    // A multi-row statement inside a transaction keeps a statement journal;
                    // in memory, not a temporary file written page by page (a tenth of an
                    // import's time went there: docs/benchmarks.md).
                    .pragma("temp_store", "memory")
                    // Copy the WAL back into the database every 16,384 pages (64 MiB) rather
                    // than every 1,000: each checkpoint syncs the file, and a page changed by
                    // many batches is copied back once.
                    .pragma("wal_autocheckpoint", "16384"),
            )
            .await?;
        // Reads outside a transaction go to a few more connections: in WAL mode they see the last
        // commit and neither wait for the writer nor block it. An in-memory database is private
        // to its connection, so there the writer reads too.
        let in_memory = options
            .get_filename()
            .to_string_lossy()
            .contains(":memory:");
        let reader = if in_memory {
            pool.clone()
        } else {
            SqlitePoolOptions::new()
                .max_connections(READERS)
                .test_before_acquire(false)
                .acquire_timeout(Duration::from_secs(60))
                .connect_with(options)
                .await?
        };
        Ok(SqliteStore {
            pool,
            reader,
            instance: crate::next_instance(),
            sessions: Default::default(),
            claim_writes: Default::default(),
            seen: Default::default(),
        })
    }

    pub(crate) async fn run_migrations(&self) -> Result<()> {
        // A migration takes the write lock with a plain BEGIN: let it wait in SQLite, as long
        // as any write may, while an import in another process holds the lock. (The writer pool
        // is one connection: the pragma and the migrations run on the same one.)
        let wait = format!("PRAGMA busy_timeout = {}", WRITE_WAIT.as_millis());
        sqlx::query(&wait).execute(&self.pool).await?;
        // Foreign keys are off while migrations run, as SQLite's way of rebuilding a table
        // asks (a migration that rebuilds `members` drops the table other tables refer to),
        // and every foreign key is checked once they have run: a violation fails the start.
        let applied = || async {
            let n: Result<i64> = sqlx::query_scalar(
                "SELECT COUNT(*) FROM sqlite_master WHERE name = '_sqlx_migrations'",
            )
            .fetch_one(&self.pool)
            .await
            .map_err(Into::into);
            match n? {
                0 => Ok::<i64, crate::StoreError>(0),
                _ => Ok(sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
                    .fetch_one(&self.pool)
                    .await?),
            }
        };
        let before = applied().await?;
        sqlx::query("PRAGMA foreign_keys = OFF")
            .execute(&self.pool)
            .await?;
        let migrated = sqlx::migrate!("./migrations/sqlite").run(&self.pool).await;
        sqlx::query("PRAGMA foreign_keys = ON")
            .execute(&self.pool)
            .await?;
        let short = format!("PRAGMA busy_timeout = {}", WRITER_BUSY_TIMEOUT.as_millis());
        sqlx::query(&short).execute(&self.pool).await?;
        migrated?;
        if applied().await? == before {
            return Ok(());
        }
        let broken: Vec<(String, i64, String)> =
            sqlx::query_as("SELECT \"table\", rowid, parent FROM pragma_foreign_key_check")
                .fetch_all(&self.pool)
                .await?;
        if let Some((table, rowid, parent)) = broken.first() {
            return Err(crate::StoreError::Corrupt(format!(
                "after the migrations, {} row(s) break a foreign key: the first is {table} \
                 row {rowid}, whose {parent} row is missing",
                broken.len()
            )));
        }
        Ok(())
    }

    /// A write transaction, begun `IMMEDIATE`: it holds the write lock from its first statement,
    /// so a read inside it can never be overtaken by another process's commit (a deferred
    /// transaction that read first and then wrote got SQLITE_BUSY at once, which the server
    /// answered 500 "database is locked" while `huzhu import` ran beside it: issue 13). When
    /// another process holds the lock, it waits its turn, trying again every millisecond.
    pub(crate) async fn write_tx(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        let deadline = std::time::Instant::now() + WRITE_WAIT;
        loop {
            match self.pool.begin_with("BEGIN IMMEDIATE").await {
                Ok(tx) => return Ok(tx),
                Err(e) if is_busy(&e) && std::time::Instant::now() < deadline => {
                    tokio::time::sleep(WRITE_RETRY).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    pub async fn close(&self) {
        self.reader.close().await;
        self.pool.close().await;
    }

    /// Writes a consistent copy of the whole database to `path` (which must not exist) while
    /// others go on reading and writing: SQLite's `VACUUM INTO` copies inside one read
    /// transaction, so the copy is the database as of one commit, compacted, with no WAL beside
    /// it. A reader connection does it: the writer is never held up.
    pub async fn backup_into(&self, path: &Path) -> Result<()> {
        let path = path.to_str().ok_or_else(|| {
            crate::StoreError::Corrupt(format!("backup path {} is not UTF-8", path.display()))
        })?;
        sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(&self.reader)
            .await?;
        Ok(())
    }

    /// Whether the file is a huzhu database: it records huzhu's first migration (any other
    /// SQLite file, or an empty one, is not — migrating it would make it look like one).
    pub async fn is_huzhu_database(&self) -> Result<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
        )
        .fetch_one(&self.pool)
        .await?;
        if n == 0 {
            return Ok(false);
        }
        let first: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM _sqlx_migrations WHERE version = 20261123000001",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(first == 1)
    }

    /// SQLite's own check of the file (`PRAGMA integrity_check`): empty when it is sound, else
    /// the problems it names.
    pub async fn integrity_problems(&self) -> Result<Vec<String>> {
        let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().filter(|r| r != "ok").collect())
    }

    /// Moves everything in the write-ahead log into the database file and empties the log, so
    /// that the file alone holds every commit. Fails (busy) while another connection reads or
    /// writes.
    pub async fn checkpoint_truncate(&self) -> Result<()> {
        let (busy, _, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
            .fetch_one(&self.pool)
            .await?;
        if busy != 0 {
            return Err(crate::StoreError::Conflict(
                "数据库正被其他进程使用 (the database is in use by another process: stop the \
                 server first)"
                    .into(),
            ));
        }
        Ok(())
    }
}

/// SQLITE_BUSY and its extended codes (BUSY_RECOVERY, BUSY_SNAPSHOT, BUSY_TIMEOUT): another
/// connection holds the lock; trying again later is right.
fn is_busy(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => db
            .code()
            .and_then(|c| c.parse::<i32>().ok())
            .is_some_and(|c| c & 0xff == 5),
        _ => false,
    }
}

crate::money::sql::impl_money_store!(SqliteStore);
crate::accounts::impl_account_store!(SqliteStore);
crate::stats::sql::impl_stats_store!(SqliteStore);
crate::decision::impl_decision_store!(SqliteStore);
crate::bank::impl_bank_store!(SqliteStore);
crate::transfers::impl_transfer_store!(SqliteStore);
crate::grant::impl_grant_store!(SqliteStore);
crate::campaign::impl_campaign_store!(SqliteStore);
crate::archive::impl_archive_store!(SqliteStore);
crate::fund_report::impl_fund_report_store!(SqliteStore);
crate::stats::programmes::impl_programme_stats_store!(SqliteStore);
crate::support::impl_support_store!(SqliteStore);
// recuperation, procurement (helper M)
crate::recuperation::impl_recuperation_store!(SqliteStore);
crate::procurement::impl_procurement_store!(SqliteStore);
// donation module (春风行动, issue 16)
crate::donation::impl_donation_store!(SqliteStore);
// legal aid and recognition (issue 17)
crate::legal_aid::impl_legal_aid_store!(SqliteStore);
crate::recognition::impl_recognition_store!(SqliteStore);
// pairing and services (helper K, issue 16)
crate::pairing::impl_pairing_store!(SqliteStore);
crate::services::impl_service_store!(SqliteStore);
// employment help (helper D, issue 16)
crate::employment::impl_employment_store!(SqliteStore);
// bank statements (helper D, issue 16)
crate::statement::impl_statement_store!(SqliteStore);
impl_store!(SqliteStore, Backend::Sqlite);

impl SqliteStore {
    /// The new members of an import batch, in file order, in multi-row `INSERT … VALUES`
    /// statements of bound parameters (issue 13): [`MEMBER_INSERT_ROWS`] rows a statement, the
    /// rest in statements of 100, 10 and 1 rows, so that four prepared statements, cached by
    /// sqlx, serve every batch. (One JSON array read by `json_each` cost a fifth of the import:
    /// SQLite turned each row's array back into text for every `value ->> n`.)
    pub(crate) async fn insert_new_members(
        tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
        created: &[(i64, i64, crate::MemberSnapshot)],
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        // The texts sqlx would write for the instant and the dates (`chrono.rs` of sqlx-sqlite),
        // made here once an instant and without a format string a date: formatting them value
        // by value was a tenth of the writer's own time.
        let at = at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false);
        let day = |d: &chrono::NaiveDate| {
            use chrono::Datelike;
            format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
        };
        let mut rest = created;
        while !rest.is_empty() {
            let n = [MEMBER_INSERT_ROWS, 100, 10, 1]
                .into_iter()
                .find(|n| rest.len() >= *n)
                .unwrap_or(1);
            let (chunk, tail) = rest.split_at(n);
            rest = tail;
            let sql = member_insert_sql(n);
            let mut q = sqlx::query(&sql);
            for (tenant_id, org_id, m) in chunk {
                q = q
                    .bind(*tenant_id)
                    .bind(m.id_kind.as_str())
                    .bind(m.id_number.as_str())
                    .bind(m.name.as_str())
                    .bind(m.gender.as_str())
                    .bind(day(&m.birth_date))
                    .bind(m.phone.as_deref())
                    .bind(*org_id)
                    .bind(m.status.as_str())
                    .bind(m.hire_date.as_ref().map(day))
                    .bind(m.join_date.as_ref().map(day))
                    .bind(m.ss_region.as_deref())
                    .bind(m.tags.as_str())
                    .bind(m.bank_account.as_deref())
                    .bind(m.bank_branch.as_deref())
                    .bind(at.as_str())
                    .bind(at.as_str());
            }
            q.execute(&mut **tx).await?;
        }
        Ok(())
    }
}

/// Rows of a full member insert statement: 17 parameters a row, well inside SQLite's 32,766.
const MEMBER_INSERT_ROWS: usize = 1_000;

/// `INSERT INTO members … VALUES (?, …), …` for `rows` rows, in the order
/// [`SqliteStore::insert_new_members`] binds.
fn member_insert_sql(rows: usize) -> String {
    format!(
        "INSERT INTO members (tenant_id, id_kind, id_number, name, gender, birth_date, phone, \
         org_id, status, hire_date, join_date, ss_region, tags, bank_account, bank_branch, \
         created_at, updated_at) VALUES {}",
        crate::sql::value_rows::<SqliteStore>(1, rows, 17)
    )
}
