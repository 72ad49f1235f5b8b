//! The ledger, the claim events and the audit log refuse UPDATE and DELETE on both backends: a
//! correction is a new entry, never an edit (SPEC 6).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use huzhu_store::{PgStore, SqliteStore, Store};
use sqlx::Connection;

const TABLES: [&str; 3] = ["ledger_entries", "ledger_postings", "audit_log"];

/// One balanced entry, written as the store writes it (inserting is allowed).
const ENTRY: [&str; 3] = [
    "INSERT INTO ledger_entries (id, tenant_id, kind, memo, actor, at) \
     VALUES (1, 1, 'claim_paid', 'm', 't', '2022-01-01T00:00:00Z')",
    "INSERT INTO ledger_postings (tenant_id, entry_id, account, fen) VALUES (1, 1, 'bank', -5)",
    "INSERT INTO ledger_postings (tenant_id, entry_id, account, fen) VALUES (1, 1, 'payable:1', 5)",
];

async fn seed<S: Store>(s: &S) {
    s.audit(&huzhu_store::AuditEntry {
        at: chrono::DateTime::from_timestamp(1_650_000_000, 0).unwrap(),
        actor: "t".into(),
        action: "a".into(),
        subject: "s".into(),
        detail: String::new(),
        org: None,
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn sqlite_refuses_edits_of_the_append_only_tables() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let store = SqliteStore::open_file(&path).await.unwrap();
    store.migrate().await.unwrap();
    seed(&store).await;
    store.close().await;
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    for sql in ENTRY {
        sqlx::query(sql).execute(&mut c).await.unwrap();
    }
    for t in TABLES {
        for sql in [
            format!("UPDATE {t} SET id = id"),
            format!("DELETE FROM {t}"),
        ] {
            let e = sqlx::query(&sql)
                .execute(&mut c)
                .await
                .unwrap_err()
                .to_string();
            assert!(e.contains("append-only"), "{sql}: {e}");
        }
    }
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(&mut c)
        .await
        .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn postgres_refuses_edits_of_the_append_only_tables() {
    let Ok(url) = std::env::var("HUZHU_TEST_POSTGRES_URL") else {
        assert!(std::env::var("HUZHU_REQUIRE_POSTGRES").is_err());
        return;
    };
    let schema = format!("ao_{}", std::process::id());
    let store = PgStore::connect_in_schema(&url, &schema).await.unwrap();
    store.migrate().await.unwrap();
    seed(&store).await;
    store.close().await;
    let mut c = sqlx::PgConnection::connect(&url).await.unwrap();
    sqlx::query(&format!("SET search_path TO {schema}"))
        .execute(&mut c)
        .await
        .unwrap();
    for sql in ENTRY {
        sqlx::query(&sql.replace(
            "'2022-01-01T00:00:00Z'",
            "TIMESTAMPTZ '2022-01-01 00:00:00Z'",
        ))
        .execute(&mut c)
        .await
        .unwrap();
    }
    for t in TABLES {
        for sql in [
            format!("UPDATE {t} SET id = id"),
            format!("DELETE FROM {t}"),
        ] {
            let e = sqlx::query(&sql)
                .execute(&mut c)
                .await
                .unwrap_err()
                .to_string();
            assert!(e.contains("append-only"), "{sql}: {e}");
        }
    }
    c.close().await.unwrap();
    PgStore::drop_schema(&url, &schema).await.unwrap();
}

// ---- a recuperation sign-up's member is a foreign key on both backends (issue 17) ----

#[tokio::test]
async fn sqlite_ties_a_recuperation_sign_up_to_its_member() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let store = SqliteStore::open_file(&path).await.unwrap();
    store.migrate().await.unwrap();
    store.close().await;
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM pragma_foreign_key_list('recuperation_signups') \
         WHERE \"table\" = 'members' AND \"from\" = 'member_id'",
    )
    .fetch_one(&mut c)
    .await
    .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn postgres_ties_a_recuperation_sign_up_to_its_member() {
    let Ok(url) = std::env::var("HUZHU_TEST_POSTGRES_URL") else {
        assert!(std::env::var("HUZHU_REQUIRE_POSTGRES").is_err());
        return;
    };
    let schema = format!("fk_{}", std::process::id());
    let store = PgStore::connect_in_schema(&url, &schema).await.unwrap();
    store.migrate().await.unwrap();
    store.close().await;
    let mut c = sqlx::PgConnection::connect(&url).await.unwrap();
    sqlx::query(&format!("SET search_path TO {schema}"))
        .execute(&mut c)
        .await
        .unwrap();
    let columns: Vec<String> = sqlx::query_scalar(
        "SELECT a.attname::text FROM pg_constraint k \
         JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey) \
         WHERE k.contype = 'f' AND k.conrelid = 'recuperation_signups'::regclass \
         AND k.confrelid = 'members'::regclass ORDER BY a.attname",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    assert_eq!(columns, ["member_id", "tenant_id"]);
    c.close().await.unwrap();
    PgStore::drop_schema(&url, &schema).await.unwrap();
}
