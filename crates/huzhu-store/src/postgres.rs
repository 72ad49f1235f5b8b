//! The production backend: PostgreSQL (and, by the same SQL, Citus; see docs/scaling.md).

use crate::sql::{impl_store, HasDb};
use crate::{Backend, Result};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Executor, PgPool};
use std::str::FromStr;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct PgStore {
    pub(crate) pool: PgPool,
    /// Reads outside transactions: the same pool (PostgreSQL has no single-writer limit).
    pub(crate) reader: PgPool,
    /// Which opened database this is, for caches keyed by database (see `MoneyStore::identity`).
    pub(crate) instance: usize,
    /// Sessions read recently; shared by clones (see `session_cache`).
    pub(crate) sessions: std::sync::Arc<crate::session_cache::SessionCache>,
    /// New claims, committed together when they arrive together (see `group_commit`).
    pub(crate) claim_writes: std::sync::Arc<crate::group_commit::ClaimWrites>,
}

impl HasDb for PgStore {
    type Db = sqlx::Postgres;
    const NEW_CLAIM_IDS: &'static str =
        "SELECT nextval(pg_get_serial_sequence('claims', 'id')) FROM generate_series(1, $1)";
    const ANONYMOUS_PARAMS: bool = false;
    const IMPORT_BATCH_SETUP: Option<&'static str> = Some("SET LOCAL synchronous_commit = off");
}

/// Pool settings shared by every PostgreSQL pool: a connection is pinged before use only when it
/// has been idle a while (a server restart or a dropped link shows there), not before every
/// query as sqlx does by default — that ping is a round trip to the server per query.
fn pg_pool_options() -> PgPoolOptions {
    PgPoolOptions::new()
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for > IDLE_BEFORE_PING {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
}

/// How long a pooled connection may sit unused before it is pinged on its next use.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(30);

impl PgStore {
    pub async fn connect(url: &str) -> Result<PgStore> {
        let options = PgConnectOptions::from_str(url)?;
        let pool = pg_pool_options()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await?;
        Ok(PgStore {
            reader: pool.clone(),
            pool,
            instance: crate::next_instance(),
            sessions: Default::default(),
            claim_writes: Default::default(),
        })
    }

    /// Connects with every connection's `search_path` set to `schema`, creating it if needed:
    /// how each test run gets a database of its own on a shared server.
    pub async fn connect_in_schema(url: &str, schema: &str) -> Result<PgStore> {
        if !schema
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(crate::StoreError::Conflict(format!(
                "schema name {schema} must be letters, digits and _"
            )));
        }
        let admin = PgStore::connect(url).await?;
        admin
            .pool
            .execute(format!("CREATE SCHEMA IF NOT EXISTS {schema}").as_str())
            .await?;
        admin.pool.close().await;
        let options = PgConnectOptions::from_str(url)?.options([("search_path", schema)]);
        let pool = pg_pool_options()
            .max_connections(8)
            .connect_with(options)
            .await?;
        Ok(PgStore {
            reader: pool.clone(),
            pool,
            instance: crate::next_instance(),
            sessions: Default::default(),
            claim_writes: Default::default(),
        })
    }

    /// Drops a schema made by [`PgStore::connect_in_schema`], with everything in it.
    pub async fn drop_schema(url: &str, schema: &str) -> Result<()> {
        let admin = PgStore::connect(url).await?;
        admin
            .pool
            .execute(format!("DROP SCHEMA IF EXISTS {schema} CASCADE").as_str())
            .await?;
        admin.pool.close().await;
        Ok(())
    }

    pub(crate) async fn run_migrations(&self) -> Result<()> {
        sqlx::migrate!("./migrations/postgres")
            .run(&self.pool)
            .await?;
        Ok(())
    }

    /// A write transaction. PostgreSQL locks rows, not the database: a plain `BEGIN`.
    pub(crate) async fn write_tx(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        Ok(self.pool.begin().await?)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

crate::money::sql::impl_money_store!(PgStore);
crate::accounts::impl_account_store!(PgStore);
crate::stats::sql::impl_stats_store!(PgStore);
crate::decision::impl_decision_store!(PgStore);
crate::bank::impl_bank_store!(PgStore);
crate::transfers::impl_transfer_store!(PgStore);
crate::grant::impl_grant_store!(PgStore);
crate::campaign::impl_campaign_store!(PgStore);
crate::archive::impl_archive_store!(PgStore);
crate::stats::programmes::impl_programme_stats_store!(PgStore);
crate::support::impl_support_store!(PgStore);
// pairing and services (helper K, issue 16)
crate::pairing::impl_pairing_store!(PgStore);
crate::services::impl_service_store!(PgStore);
impl_store!(PgStore, Backend::Postgres);
