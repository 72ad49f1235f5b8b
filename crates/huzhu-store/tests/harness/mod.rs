//! Runs a test scenario on each backend: SQLite always, PostgreSQL when `HUZHU_TEST_POSTGRES_URL`
//! is set (each run in a fresh schema, dropped afterwards; `HUZHU_REQUIRE_POSTGRES=1` makes a
//! missing URL a failure). Shared by the store's conformance suite and the app's end-to-end tests
//! (`#[path]`-included: one harness, not one per crate). With `HUZHU_TEST_PG_PARTITIONED=1` each
//! PostgreSQL schema has its tenant tables turned into `PARTITION BY HASH (tenant_id)` after the
//! migrations (`partition.sql`), the closest stand-in for Citus on one server (docs/scaling.md).

use huzhu_store::{PgStore, SqliteStore, Store};
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};

pub async fn on_sqlite<F, Fut>(scenario: F)
where
    F: FnOnce(SqliteStore) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open_file(&dir.path().join("t.db"))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    scenario(store.clone()).await;
    store.close().await;
}

static SCHEMA_SEQ: AtomicU32 = AtomicU32::new(0);

pub async fn on_postgres<F, Fut>(scenario: F)
where
    F: FnOnce(PgStore) -> Fut,
    Fut: Future<Output = ()>,
{
    let Ok(url) = std::env::var("HUZHU_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var("HUZHU_REQUIRE_POSTGRES").is_err(),
            "HUZHU_REQUIRE_POSTGRES is set but HUZHU_TEST_POSTGRES_URL is not"
        );
        eprintln!("skipping the PostgreSQL half: HUZHU_TEST_POSTGRES_URL is not set");
        return;
    };
    let schema = format!(
        "t_{}_{}_{}",
        std::process::id(),
        SCHEMA_SEQ.fetch_add(1, Ordering::SeqCst),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0)
    );
    let store = PgStore::connect_in_schema(&url, &schema).await.unwrap();
    store.migrate().await.unwrap();
    if std::env::var("HUZHU_TEST_PG_PARTITIONED").is_ok_and(|v| v == "1") {
        partition_by_tenant(&url, &schema).await;
    }
    scenario(store.clone()).await;
    store.close().await;
    PgStore::drop_schema(&url, &schema).await.unwrap();
}

/// Turns every tenant table of a migrated schema into `PARTITION BY HASH (tenant_id)` (four
/// partitions), keeping its keys, indexes, triggers and the foreign keys that point at it.
pub async fn partition_by_tenant(url: &str, schema: &str) {
    use sqlx::Connection;
    let mut c = sqlx::PgConnection::connect(url).await.unwrap();
    sqlx::raw_sql(&format!("SET search_path TO {schema}"))
        .execute(&mut c)
        .await
        .unwrap();
    sqlx::raw_sql(include_str!("partition.sql"))
        .execute(&mut c)
        .await
        .unwrap_or_else(|e| panic!("partitioning schema {schema} by tenant: {e}"));
    c.close().await.unwrap();
}

/// `on_both!(a, b)`: modules `sqlite` and `postgres`, each with a test per scenario.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite { $( #[tokio::test] async fn $name() { super::harness::on_sqlite(super::$name).await } )* }
        mod postgres { $( #[tokio::test] async fn $name() { super::harness::on_postgres(super::$name).await } )* }
    };
}
