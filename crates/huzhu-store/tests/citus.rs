//! Readiness for a distributed PostgreSQL (Citus), sharded by city federation (issue 18).
//!
//! Citus cannot be installed here, so these tests check what it requires, against the lists of
//! docs/scaling.md: every table is a *distributed* table (sharded by `tenant_id`), a *reference*
//! table (small, global, copied to every node) or stays *on the coordinator*; a distributed table
//! has `tenant_id` in its primary key and every unique key, and a foreign key between two of them
//! joins on it; no sequence is shared between tables; the store takes no advisory lock; and the
//! store's SQL never joins two tenant tables without equating their `tenant_id`. The same schema,
//! hash-partitioned by tenant in plain PostgreSQL, is the closest stand-in for the cluster: the
//! last test converts a migrated schema and checks the result (`HUZHU_TEST_PG_PARTITIONED=1` runs
//! the whole conformance suite that way).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "harness/mod.rs"]
#[allow(dead_code, unused_macros)]
mod harness;

use huzhu_store::{PgStore, Store};
use sqlx::Connection;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Small, global tables joined to everything: `create_reference_table` (a copy on every node).
/// A distributed table may refer to them; they refer to no distributed table.
const REFERENCE: [&str; 6] = [
    "orgs",
    "org_closure",
    "policies",
    "settings",
    "blobs",
    "imports",
];

/// Looked up across every city by a key that names none (a username, a session token) or
/// written by no city (the audit log is read by org subtree): local tables of the coordinator.
const COORDINATOR: [&str; 3] = ["users", "sessions", "audit_log"];

/// Sharded by `tenant_id` (the city federation), all co-located with `members`.
const DISTRIBUTED: [&str; 64] = [
    "bank_changes",
    "bank_statements",
    "bills",
    "campaign_gift_purchases",
    "campaign_recipients",
    "campaigns",
    "claim_events",
    "claims",
    "documents",
    "donations",
    "donors",
    "employment_courses",
    "employment_employers",
    "employment_fairs",
    "employment_placements",
    "employment_posts",
    "employment_seekers",
    "employment_trainees",
    "enrolments",
    "fund_deposits",
    "fund_parts",
    "grant_documents",
    "grants",
    "household_events",
    "household_people",
    "households",
    "ledger_entries",
    "ledger_postings",
    "legal_aid_cases",
    "legal_aid_events",
    "legal_aid_lawyers",
    "member_history",
    "members",
    "notice_objections",
    "notices",
    "pairing_payments",
    "pairing_reports",
    "pairing_sponsors",
    "pairing_students",
    "payout_batches",
    "payout_lines",
    "procurement_catalogue",
    "procurement_floors",
    "procurement_purchases",
    "programme_funds",
    "receipt_counters",
    "receipts",
    "recognition_calls",
    "recognition_experts",
    "recognition_nominations",
    "recognition_quota_use",
    "recognition_scores",
    "recuperation_bases",
    "recuperation_batches",
    "recuperation_quotas",
    "recuperation_signups",
    "service_offers",
    "service_requests",
    "service_teams",
    "stat_claims",
    "stat_enrolments",
    "stat_members",
    "statement_lines",
    "transfers",
];

/// Foreign keys Citus does not allow that are dropped when the tables are distributed, each with
/// the reason it is safe (docs/scaling.md, "Moving a running city").
const DROPPED_AT_DISTRIBUTION: [(&str, &str); 1] = [(
    "users_tenant_id_member_id_fkey",
    "a coordinator table may not refer to a distributed one; huzhu_app::accounts checks the \
     member when an account is made",
)];

fn kind(table: &str) -> Option<&'static str> {
    if DISTRIBUTED.contains(&table) {
        Some("distributed")
    } else if REFERENCE.contains(&table) {
        Some("reference")
    } else if COORDINATOR.contains(&table) {
        Some("coordinator")
    } else {
        None
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

// ---------------------------------------------------------------------------------------------
// The schema, read from the catalogue of a migrated PostgreSQL schema.

/// A fresh, migrated schema and a connection with it on the search path; `None` (and the test
/// passes) when no PostgreSQL is configured and none is required.
async fn migrated_schema(tag: &str) -> Option<(String, String, sqlx::PgConnection)> {
    let Ok(url) = std::env::var("HUZHU_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var("HUZHU_REQUIRE_POSTGRES").is_err(),
            "HUZHU_REQUIRE_POSTGRES is set but HUZHU_TEST_POSTGRES_URL is not"
        );
        eprintln!("skipping: HUZHU_TEST_POSTGRES_URL is not set");
        return None;
    };
    let schema = format!("citus_{tag}_{}", std::process::id());
    PgStore::drop_schema(&url, &schema).await.unwrap();
    let store = PgStore::connect_in_schema(&url, &schema).await.unwrap();
    store.migrate().await.unwrap();
    store.close().await;
    let mut c = sqlx::PgConnection::connect(&url).await.unwrap();
    sqlx::raw_sql(&format!("SET search_path TO {schema}"))
        .execute(&mut c)
        .await
        .unwrap();
    Some((url, schema, c))
}

/// The tables of the schema (partitions left out) with their kind of relation (`r`, `p`).
async fn tables(c: &mut sqlx::PgConnection) -> BTreeMap<String, String> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT relname::TEXT, relkind::TEXT FROM pg_class \
         WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'p') \
         AND NOT relispartition AND relname <> '_sqlx_migrations'",
    )
    .fetch_all(c)
    .await
    .unwrap();
    rows.into_iter().collect()
}

/// One key of a table: its name, type (`p`, `u`, `f` or `i` for a unique index that is no
/// constraint), columns, and for a foreign key the table and columns it refers to.
#[derive(Debug)]
struct Key {
    table: String,
    name: String,
    kind: String,
    columns: Vec<String>,
    refers_to: Option<(String, Vec<String>)>,
}

async fn keys(c: &mut sqlx::PgConnection) -> Vec<Key> {
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        String,
        String,
        String,
        Vec<String>,
        Option<String>,
        Option<Vec<String>>,
    )> = sqlx::query_as(
        "SELECT t.relname::TEXT, k.conname::TEXT, k.contype::TEXT, \
             ARRAY(SELECT a.attname::TEXT FROM unnest(k.conkey) WITH ORDINALITY u (n, o) \
                   JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n \
                   ORDER BY u.o), \
             f.relname::TEXT, \
             CASE WHEN k.contype = 'f' THEN ARRAY(SELECT a.attname::TEXT \
                   FROM unnest(k.confkey) WITH ORDINALITY u (n, o) \
                   JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n \
                   ORDER BY u.o) END \
             FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid \
             LEFT JOIN pg_class f ON f.oid = k.confrelid \
             WHERE t.relnamespace = current_schema()::regnamespace AND NOT t.relispartition \
             AND k.contype IN ('p', 'u', 'f') AND k.conparentid = 0 \
             UNION ALL \
             SELECT t.relname::TEXT, x.relname::TEXT, 'i', \
             ARRAY(SELECT a.attname::TEXT FROM unnest(i.indkey::SMALLINT[]) WITH ORDINALITY \
                   u (n, o) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = u.n \
                   ORDER BY u.o), NULL, NULL \
             FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid \
             JOIN pg_class x ON x.oid = i.indexrelid \
             WHERE t.relnamespace = current_schema()::regnamespace AND NOT t.relispartition \
             AND i.indisunique AND NOT EXISTS (SELECT 1 FROM pg_constraint k \
                 WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid) \
             ORDER BY 1, 2",
    )
    .fetch_all(c)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(table, name, kind, columns, f, fcols)| Key {
            table,
            name,
            kind,
            columns,
            refers_to: f.zip(fcols),
        })
        .collect()
}

/// Everything in the migrated schema that Citus would refuse, one line each.
async fn citus_objections(c: &mut sqlx::PgConnection) -> Vec<String> {
    let mut wrong = Vec::new();
    let tables = tables(c).await;
    for t in tables.keys() {
        if kind(t).is_none() {
            wrong.push(format!(
                "table {t} is in no list: add it to DISTRIBUTED, REFERENCE or COORDINATOR here \
                 and in docs/scaling.md"
            ));
        }
    }
    for t in DISTRIBUTED.iter().chain(&REFERENCE).chain(&COORDINATOR) {
        if !tables.contains_key(*t) {
            wrong.push(format!(
                "table {t} is listed but the migrations make no such table"
            ));
        }
    }
    let not_null: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::TEXT FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
         WHERE c.relnamespace = current_schema()::regnamespace AND a.attname = 'tenant_id' \
         AND a.attnotnull AND NOT c.relispartition",
    )
    .fetch_all(&mut *c)
    .await
    .unwrap();
    for t in DISTRIBUTED {
        if !not_null.iter().any(|n| n == t) {
            wrong.push(format!("{t} has no NOT NULL tenant_id"));
        }
    }

    let keys = keys(c).await;
    let has_pk: BTreeSet<&str> = keys
        .iter()
        .filter(|k| k.kind == "p")
        .map(|k| k.table.as_str())
        .collect();
    for t in DISTRIBUTED {
        if !has_pk.contains(t) {
            wrong.push(format!("{t} has no primary key"));
        }
    }
    for k in &keys {
        let from = kind(&k.table);
        match (k.kind.as_str(), &k.refers_to) {
            ("p" | "u" | "i", _)
                if from == Some("distributed") && !k.columns.iter().any(|c| c == "tenant_id") =>
            {
                wrong.push(format!(
                    "{}.{} (unique on {:?}) leaves out tenant_id",
                    k.table, k.name, k.columns
                ));
            }
            ("f", Some((to, to_cols))) => {
                let to_kind = kind(to);
                let dropped = DROPPED_AT_DISTRIBUTION.iter().any(|(n, _)| *n == k.name);
                match (from, to_kind) {
                    (Some("distributed"), Some("distributed")) => {
                        let at = k.columns.iter().position(|c| c == "tenant_id");
                        if at.is_none() || at != to_cols.iter().position(|c| c == "tenant_id") {
                            wrong.push(format!(
                                "{}.{}: {:?} -> {to} {:?} does not join on tenant_id",
                                k.table, k.name, k.columns, to_cols
                            ));
                        }
                    }
                    (Some("distributed"), Some("coordinator")) if !dropped => wrong.push(format!(
                        "{}.{}: a distributed table refers to {to}, a coordinator table",
                        k.table, k.name
                    )),
                    (Some("reference" | "coordinator"), Some("distributed")) if !dropped => wrong
                        .push(format!(
                            "{}.{}: {} table {} refers to {to}, a distributed table",
                            k.table,
                            k.name,
                            from.unwrap_or("?"),
                            k.table
                        )),
                    _ => {}
                }
            }
            _ => {}
        }
    }

    // Sequences: each belongs to the one column it numbers, and no other default draws on it.
    // Identity columns of distributed tables are BIGINT (Citus gives each node its own range of
    // a BIGINT sequence; a smaller type it refuses).
    let drawn: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT c.relname::TEXT, a.attname::TEXT, pg_get_expr(d.adbin, d.adrelid) \
         FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid \
         JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum \
         WHERE c.relnamespace = current_schema()::regnamespace \
         AND pg_get_expr(d.adbin, d.adrelid) LIKE '%nextval(%'",
    )
    .fetch_all(&mut *c)
    .await
    .unwrap();
    for (t, col, expr) in drawn {
        wrong.push(format!(
            "{t}.{col} draws on a sequence by default ({expr}): use an identity column of its own"
        ));
    }
    let owners: Vec<(String, i64)> = sqlx::query_as(
        "SELECT s.relname::TEXT, COUNT(d.refobjid) FROM pg_class s \
         LEFT JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass \
              AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') \
         WHERE s.relnamespace = current_schema()::regnamespace AND s.relkind = 'S' \
         GROUP BY s.relname",
    )
    .fetch_all(&mut *c)
    .await
    .unwrap();
    for (s, n) in owners {
        if n != 1 {
            wrong.push(format!("sequence {s} belongs to {n} columns, not one"));
        }
    }
    let identities: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT c.relname::TEXT, a.attname::TEXT, format_type(a.atttypid, a.atttypmod) \
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
         WHERE c.relnamespace = current_schema()::regnamespace AND a.attidentity <> '' \
         AND NOT c.relispartition",
    )
    .fetch_all(&mut *c)
    .await
    .unwrap();
    for (t, col, ty) in identities {
        if kind(&t) == Some("distributed") && ty != "bigint" {
            wrong.push(format!("{t}.{col} is an identity of type {ty}, not bigint"));
        }
    }
    wrong
}

#[tokio::test]
async fn every_tenant_table_is_keyed_by_its_city_federation() {
    let Some((url, schema, mut c)) = migrated_schema("keys").await else {
        return;
    };
    let wrong = citus_objections(&mut c).await;
    c.close().await.unwrap();
    PgStore::drop_schema(&url, &schema).await.unwrap();
    assert!(
        wrong.is_empty(),
        "what Citus would refuse:\n{}",
        wrong.join("\n")
    );
}

#[tokio::test]
async fn the_schema_converts_to_tables_hash_partitioned_by_tenant() {
    let Some((url, schema, mut c)) = migrated_schema("parts").await else {
        return;
    };
    harness::partition_by_tenant(&url, &schema).await;
    let tables = tables(&mut c).await;
    let keyed: BTreeMap<String, String> = sqlx::query_as(
        "SELECT c.relname::TEXT, pg_get_partkeydef(c.oid) FROM pg_class c \
         WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'p'",
    )
    .fetch_all(&mut c)
    .await
    .unwrap()
    .into_iter()
    .collect();
    let parts: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM pg_class WHERE relnamespace = current_schema()::regnamespace \
         AND relispartition AND relkind = 'r'",
    )
    .fetch_one(&mut c)
    .await
    .unwrap();
    // The keys survive the conversion: the same checks hold of the partitioned schema.
    let wrong = citus_objections(&mut c).await;
    c.close().await.unwrap();
    PgStore::drop_schema(&url, &schema).await.unwrap();
    for t in DISTRIBUTED {
        assert_eq!(tables.get(t).map(String::as_str), Some("p"), "{t}");
        assert_eq!(
            keyed.get(t).map(String::as_str),
            Some("HASH (tenant_id)"),
            "{t}"
        );
    }
    for t in REFERENCE.iter().chain(&COORDINATOR) {
        assert_eq!(tables.get(*t).map(String::as_str), Some("r"), "{t}");
    }
    assert_eq!(parts, 4 * DISTRIBUTED.len() as i64);
    assert!(
        wrong.is_empty(),
        "after partitioning:\n{}",
        wrong.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// docs/scaling.md names every table as the schema test does.

#[test]
fn the_scaling_guide_distributes_and_replicates_exactly_the_listed_tables() {
    let doc = std::fs::read_to_string(workspace().join("docs/scaling.md")).unwrap();
    let called = |call: &str| -> BTreeSet<String> {
        doc.match_indices(call)
            .filter_map(|(i, _)| {
                let rest = &doc[i + call.len()..];
                let name = rest.strip_prefix("('")?.split('\'').next()?;
                Some(name.to_string())
            })
            .collect()
    };
    let distributed = called("create_distributed_table");
    let reference = called("create_reference_table");
    let want_d: BTreeSet<String> = DISTRIBUTED.iter().map(|t| t.to_string()).collect();
    let want_r: BTreeSet<String> = REFERENCE.iter().map(|t| t.to_string()).collect();
    assert_eq!(distributed, want_d, "create_distributed_table calls");
    assert_eq!(reference, want_r, "create_reference_table calls");
    for t in DISTRIBUTED {
        if t != "members" {
            let call = format!(
                "SELECT create_distributed_table('{t}', 'tenant_id', colocate_with => 'members');"
            );
            assert!(doc.contains(&call), "docs/scaling.md lacks `{call}`");
        }
    }
    for t in COORDINATOR {
        assert!(
            doc.contains(&format!("`{t}`")),
            "docs/scaling.md does not name the coordinator table {t}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The store's SQL: no join between two tenants, no advisory lock.

/// Joins of two tenant tables that do not equate `tenant_id`, each with the reason it is safe:
/// (file under crates/huzhu-store/src, the joined table, the reason).
const JOINS_ALLOWED: [(&str, &str, &str); 1] = [(
    "money/sql/claims.rs",
    "members",
    "the group commit's multi-row INSERT … SELECT FROM (VALUES …) names each claim's member by \
     id alone (ids come from one sequence, unique across the province) and takes the claim's \
     tenant_id from the member row it finds, so the claim cannot land in another city; under \
     Citus it is one INSERT … SELECT routed through the coordinator",
)];

/// Every SQL text of a Rust source, as written (string literals containing `JOIN`), with a
/// continuation (`\` at the end of a line) read as one space.
fn sql_literals(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = src.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' && i + 2 < chars.len() && chars[i + 2] == '\'' {
            i += 3; // a char literal such as '"'
            continue;
        }
        if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c != '"' {
            i += 1;
            continue;
        }
        let mut s = String::new();
        i += 1;
        while i < chars.len() && chars[i] != '"' {
            if chars[i] == '\\' && i + 1 < chars.len() {
                if chars[i + 1] == '\n' {
                    i += 2;
                    while i < chars.len() && chars[i].is_whitespace() {
                        i += 1;
                    }
                    s.push(' ');
                    continue;
                }
                s.push(chars[i + 1]);
                i += 2;
                continue;
            }
            s.push(chars[i]);
            i += 1;
        }
        i += 1;
        if s.contains("JOIN") {
            out.push(s);
        }
    }
    out
}

fn words(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut w = String::new();
    for c in sql.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
            w.push(c);
        } else {
            if !w.is_empty() {
                out.push(std::mem::take(&mut w));
            }
            if c == '(' || c == ')' {
                out.push(c.to_string());
            }
        }
    }
    if !w.is_empty() {
        out.push(w);
    }
    out
}

const KEYWORDS: [&str; 19] = [
    "ON",
    "WHERE",
    "JOIN",
    "LEFT",
    "INNER",
    "CROSS",
    "GROUP",
    "ORDER",
    "LIMIT",
    "UNION",
    "RETURNING",
    "HAVING",
    "USING",
    "SET",
    "AND",
    "OR",
    "SELECT",
    "FROM",
    "EXCEPT",
];

fn is_name(w: &str) -> bool {
    !w.is_empty()
        && !KEYWORDS.contains(&w.to_ascii_uppercase().as_str())
        && w.chars().all(|c| c.is_ascii_lowercase() || c == '_')
}

/// The joins of one SQL text that tie a tenant table to another tenant table (or to a derived
/// table of unknown origin) without `tenant_id`: (joined table, its ON condition).
fn joins_across_tenants(sql: &str) -> Vec<(String, String)> {
    let w = words(sql);
    // alias -> table, from `FROM t a`, `JOIN t a` and a text that starts with `t a` (a FROM
    // clause kept in a constant).
    let mut alias: BTreeMap<String, String> = BTreeMap::new();
    for i in 0..w.len() {
        let starts = i == 0 || matches!(w[i - 1].as_str(), "FROM" | "JOIN");
        if starts && is_name(&w[i]) {
            let mut a = w.get(i + 1).cloned().unwrap_or_default();
            if a == "AS" {
                a = w.get(i + 2).cloned().unwrap_or_default();
            }
            alias.insert(w[i].clone(), w[i].clone());
            if is_name(&a) {
                alias.insert(a, w[i].clone());
            }
        }
    }
    let tenant = |t: &str| !REFERENCE.contains(&t) && !COORDINATOR.contains(&t);
    let mut found = Vec::new();
    for i in 0..w.len() {
        if w[i] != "JOIN" || !w.get(i + 1).is_some_and(|t| is_name(t)) {
            continue;
        }
        let table = w[i + 1].clone();
        let mut j = i + 2;
        let mut me = table.clone();
        if w.get(j).is_some_and(|a| a == "AS") {
            j += 1;
        }
        if w.get(j).is_some_and(|a| is_name(a)) {
            me = w[j].clone();
            j += 1;
        }
        if w.get(j).map(String::as_str) != Some("ON") {
            continue;
        }
        let mut cond = Vec::new();
        let mut depth = 0i32;
        for x in &w[j + 1..] {
            match x.as_str() {
                "(" => depth += 1,
                ")" if depth == 0 => break,
                ")" => depth -= 1,
                "JOIN" | "LEFT" | "INNER" | "CROSS" | "WHERE" | "GROUP" | "ORDER" | "LIMIT"
                | "UNION" | "RETURNING" | "HAVING"
                    if depth == 0 =>
                {
                    break
                }
                _ => {}
            }
            cond.push(x.clone());
        }
        if !tenant(table.as_str()) || cond.iter().any(|x| x.ends_with(".tenant_id")) {
            continue;
        }
        let others: BTreeSet<String> = cond
            .iter()
            .filter_map(|x| x.split_once('.').map(|(a, _)| a.to_string()))
            .filter(|a| *a != me)
            .collect();
        // A derived table (a subquery or VALUES) is of unknown origin: it must equate too.
        if others
            .iter()
            .any(|a| alias.get(a).is_none_or(|t| tenant(t.as_str())))
        {
            found.push((table, cond.join(" ")));
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn store_sources() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

#[test]
fn no_query_of_the_store_joins_two_tenants() {
    let mut wrong = Vec::new();
    let mut joins = 0;
    let mut allowed_seen = BTreeSet::new();
    for (file, src) in store_sources() {
        for sql in sql_literals(&src) {
            joins += sql.matches("JOIN").count();
            for (table, cond) in joins_across_tenants(&sql) {
                match JOINS_ALLOWED
                    .iter()
                    .position(|(f, t, _)| *f == file && *t == table)
                {
                    Some(n) => {
                        allowed_seen.insert(n);
                    }
                    None => wrong.push(format!(
                        "{file}: JOIN {table} ON {cond} — add `AND x.tenant_id = y.tenant_id`"
                    )),
                }
            }
        }
    }
    assert!(
        joins > 200,
        "only {joins} joins found: is the scanner blind?"
    );
    assert!(
        wrong.is_empty(),
        "joins across tenants:\n{}",
        wrong.join("\n")
    );
    for (n, (file, table, _)) in JOINS_ALLOWED.iter().enumerate() {
        assert!(
            allowed_seen.contains(&n),
            "the allowed join of {table} in {file} is gone: remove it from JOINS_ALLOWED"
        );
    }
}

#[test]
fn the_join_scanner_catches_a_join_without_the_tenant() {
    let bad = "SELECT 1 FROM claims c JOIN members m ON m.id = c.member_id WHERE c.id = $1";
    assert_eq!(joins_across_tenants(bad).len(), 1);
    let good = "SELECT 1 FROM claims c JOIN members m ON m.tenant_id = c.tenant_id \
                AND m.id = c.member_id JOIN orgs o ON o.id = m.org_id";
    assert!(joins_across_tenants(good).is_empty());
    let derived = "SELECT 1 FROM (SELECT id FROM ledger_entries) s \
                   JOIN ledger_postings p ON p.entry_id = s.id";
    assert_eq!(joins_across_tenants(derived).len(), 1);
    let constant = "legal_aid_cases c JOIN orgs o ON o.id = c.org_id \
                    LEFT JOIN legal_aid_lawyers l ON l.id = c.lawyer_id";
    assert_eq!(joins_across_tenants(constant).len(), 1);
    let src =
        "let q = \"SELECT 1 FROM claims c \\\n        JOIN members m ON m.id = c.member_id\";";
    let sql = sql_literals(src);
    assert_eq!(sql.len(), 1);
    assert_eq!(joins_across_tenants(&sql[0]).len(), 1);
}

#[test]
fn the_store_takes_no_advisory_lock() {
    // An advisory lock key is one number for the whole cluster: Citus would serialise every city
    // on it. The store relies on row locks and conditional writes instead.
    for (file, src) in store_sources() {
        assert!(
            !src.to_ascii_lowercase().contains("advisory"),
            "{file} mentions an advisory lock"
        );
    }
    for dir in ["migrations/postgres", "migrations/sqlite"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        for e in std::fs::read_dir(path).unwrap() {
            let p = e.unwrap().path();
            let text = std::fs::read_to_string(&p).unwrap().to_ascii_lowercase();
            assert!(
                !text.contains("pg_advisory") && !text.contains("pg_try_advisory"),
                "{} takes an advisory lock",
                p.display()
            );
        }
    }
}
