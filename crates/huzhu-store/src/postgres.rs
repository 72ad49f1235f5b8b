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
    /// The ID numbers each import run under way has seen (`import_seen.rs`); shared by clones.
    pub(crate) seen: std::sync::Arc<crate::import_seen::SeenSets>,
}

impl HasDb for PgStore {
    type Db = sqlx::Postgres;
    const NEW_CLAIM_IDS: &'static str =
        "SELECT nextval(pg_get_serial_sequence('claims', 'id')) FROM generate_series(1, $1)";
    const ANONYMOUS_PARAMS: bool = false;
    const IMPORT_BATCH_SETUP: Option<&'static str> = Some("SET LOCAL synchronous_commit = off");
    const TEXT_IN: &'static str = "= ANY($1)";
    // The codes as rows, not `code = ANY($1)`: on the sequential scan the planner chooses for
    // orgs, PostgreSQL tests each row against the whole bound array, one element after another.
    const IMPORT_BATCH_ORGS: &'static str = "SELECT COALESCE(json_agg(json_build_array(id, \
         COALESCE(tenant_id, id), level, code)), '[]')::text FROM orgs \
         WHERE code IN (SELECT value FROM unnest($1::text[]) AS t (value))";
    type TextList<'a> = Vec<&'a str>;
    fn text_list<'a>(texts: &[&'a str]) -> Vec<&'a str> {
        texts.to_vec()
    }
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
            seen: Default::default(),
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
            seen: Default::default(),
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
crate::fund_report::impl_fund_report_store!(PgStore);
crate::stats::programmes::impl_programme_stats_store!(PgStore);
crate::support::impl_support_store!(PgStore);
// recuperation, procurement (helper M)
crate::recuperation::impl_recuperation_store!(PgStore);
crate::procurement::impl_procurement_store!(PgStore);
// donation module (春风行动, issue 16)
crate::donation::impl_donation_store!(PgStore);
// legal aid and recognition (issue 17)
crate::legal_aid::impl_legal_aid_store!(PgStore);
crate::recognition::impl_recognition_store!(PgStore);
// pairing and services (helper K, issue 16)
crate::pairing::impl_pairing_store!(PgStore);
crate::services::impl_service_store!(PgStore);
// employment help (helper D, issue 16)
crate::employment::impl_employment_store!(PgStore);
// bank statements (helper D, issue 16)
crate::statement::impl_statement_store!(PgStore);
impl_store!(PgStore, Backend::Postgres);

impl PgStore {
    /// The new members of an import batch, in file order, in one statement: each column goes
    /// in as one array, read back by `UNNEST … WITH ORDINALITY` (issue 13), instead of 18
    /// parameters a row in statements of 111 rows, each parsed and planned on its own.
    pub(crate) async fn insert_new_members(
        tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
        created: &[(i64, i64, crate::MemberSnapshot)],
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        if created.is_empty() {
            return Ok(());
        }
        let col = |f: fn(&(i64, i64, crate::MemberSnapshot)) -> Option<&str>| -> Vec<Option<&str>> {
            created.iter().map(f).collect()
        };
        let tenants: Vec<i64> = created.iter().map(|c| c.0).collect();
        let orgs: Vec<i64> = created.iter().map(|c| c.1).collect();
        let births: Vec<chrono::NaiveDate> = created.iter().map(|c| c.2.birth_date).collect();
        let hires: Vec<Option<chrono::NaiveDate>> = created.iter().map(|c| c.2.hire_date).collect();
        let joins: Vec<Option<chrono::NaiveDate>> = created.iter().map(|c| c.2.join_date).collect();
        sqlx::query(
            "INSERT INTO members (tenant_id, id_kind, id_number, name, gender, birth_date, phone, \
             org_id, status, hire_date, join_date, ss_region, tags, bank_account, bank_branch, \
             version, created_at, updated_at) \
             SELECT t, k, n, nm, g, b, p, o, st, h, j, ss, tg, ba, bb, 1, $16, $16 \
             FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], \
             $6::date[], $7::text[], $8::bigint[], $9::text[], $10::date[], $11::date[], \
             $12::text[], $13::text[], $14::text[], $15::text[]) WITH ORDINALITY \
             AS v (t, k, n, nm, g, b, p, o, st, h, j, ss, tg, ba, bb, i) ORDER BY i",
        )
        .bind(tenants)
        .bind(col(|c| Some(c.2.id_kind.as_str())))
        .bind(col(|c| Some(c.2.id_number.as_str())))
        .bind(col(|c| Some(c.2.name.as_str())))
        .bind(col(|c| Some(c.2.gender.as_str())))
        .bind(births)
        .bind(col(|c| c.2.phone.as_deref()))
        .bind(orgs)
        .bind(col(|c| Some(c.2.status.as_str())))
        .bind(hires)
        .bind(joins)
        .bind(col(|c| c.2.ss_region.as_deref()))
        .bind(col(|c| Some(c.2.tags.as_str())))
        .bind(col(|c| c.2.bank_account.as_deref()))
        .bind(col(|c| c.2.bank_branch.as_deref()))
        .bind(at)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}
