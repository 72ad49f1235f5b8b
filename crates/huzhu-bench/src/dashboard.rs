//! The statistics benchmark (issue 6; `bench/dashboard.sh`): a city of N members in the 1,000
//! units of `cycle::orgs`, all enrolled in item A of `hangzhou-2022` (half in B too), and M
//! decided claims spread over them, bulk-loaded with plain SQL in big transactions (the store's
//! methods would take an hour for this), then `recount_stats` builds the aggregates. Timed, several
//! repetitions each, for the city as a whole:
//!
//! - aggregates: `huzhu_app::stats::dashboard` (the maintained tables);
//! - scan: `huzhu_app::stats::dashboard_by_scan` (members, enrolments and claims read whole).
//!
//! Both must give equal tables. Target: aggregates / scan ≤ 0.1 (best of the repetitions each).

use crate::cycle::{code, orgs, Fail};
use chrono::{TimeZone, Utc};
use huzhu_app::stats::{dashboard, dashboard_by_scan};
use huzhu_app::FixedClock;
use huzhu_domain::access::{Actor, Role};
use huzhu_domain::org::OrgLevel;
use huzhu_store::{ImportKind, ImportStart, PgStore, Repo, SqliteStore, Store};
use std::process::ExitCode;
use std::time::{Duration, Instant};

const POLICY: &str = "hangzhou-2022";
const TARGET: f64 = 0.1;
/// Diagnoses of the hospital stays (outpatient claims name od02; care payments nothing).
const CODES: [&str; 6] = ["md01", "md05", "mi01", "mi03", "fc01", "fc08"];

pub struct Args {
    postgres: bool,
    members: u64,
    claims: u64,
    reps: u32,
}

const USAGE: &str =
    "usage: huzhu-bench dashboard --backend sqlite|postgres --members N --claims M [--reps R]";

impl Args {
    pub fn parse(args: &[String]) -> Result<Args, String> {
        let mut out = Args {
            postgres: false,
            members: 3_000_000,
            claims: 300_000,
            reps: 5,
        };
        let mut it = args.iter();
        while let Some(flag) = it.next() {
            let value = it.next().ok_or(USAGE)?;
            let number = || value.replace('_', "").parse::<u64>().map_err(|_| USAGE);
            match flag.as_str() {
                "--backend" => match value.as_str() {
                    "sqlite" => out.postgres = false,
                    "postgres" => out.postgres = true,
                    _ => return Err(USAGE.into()),
                },
                "--members" => out.members = number()?.max(1),
                "--claims" => out.claims = number()?,
                "--reps" => out.reps = u32::try_from(number()?).map_err(|_| USAGE)?.max(1),
                _ => return Err(USAGE.into()),
            }
        }
        Ok(out)
    }
}

pub fn run(args: &Args) -> ExitCode {
    crate::cycle::run_on_backend("dashboard", async {
        if args.postgres {
            on_postgres(args).await
        } else {
            on_sqlite(args).await
        }
    })
}

async fn on_sqlite(args: &Args) -> Result<bool, Fail> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("stats.db");
    let store = SqliteStore::open_file(&path).await?;
    store.migrate().await?;
    let raw = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(
            sqlx::sqlite::SqliteConnectOptions::new()
                .filename(&path)
                .busy_timeout(Duration::from_secs(60)),
        )
        .await?;
    let met = bench(&store, Raw::Sqlite(raw), args, "SQLite (one file, WAL)").await;
    store.close().await;
    met
}

async fn on_postgres(args: &Args) -> Result<bool, Fail> {
    let url = std::env::var("HUZHU_BENCH_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    if let Err(e) = PgStore::connect(&url).await {
        println!("PostgreSQL at {url} is unreachable ({e}): skipped");
        return Ok(true);
    }
    let schema = format!("bench_stats_{}", std::process::id());
    let store = PgStore::connect_in_schema(&url, &schema).await?;
    let met = async {
        store.migrate().await?;
        let options: sqlx::postgres::PgConnectOptions = url.parse()?;
        let raw = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect_with(options.options([("search_path", schema.as_str())]))
            .await?;
        bench(&store, Raw::Pg(raw), args, "PostgreSQL").await
    }
    .await;
    store.close().await;
    PgStore::drop_schema(&url, &schema).await?;
    met
}

enum Raw {
    Sqlite(sqlx::SqlitePool),
    Pg(sqlx::PgPool),
}

macro_rules! on_pool {
    ($raw:expr, $p:ident => $body:expr) => {
        match $raw {
            Raw::Sqlite($p) => $body,
            Raw::Pg($p) => $body,
        }
    };
}

impl Raw {
    /// `n` from 1 to `count`, as a row source: a recursive CTE in SQLite, generate_series in
    /// PostgreSQL. The rest of each bulk statement is the same text.
    fn series(&self, count: u64) -> String {
        match self {
            Raw::Sqlite(_) => format!(
                "(WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s \
                 WHERE n < {count}) SELECT n FROM s) AS s"
            ),
            Raw::Pg(_) => format!("generate_series(1, {count}) AS s(n)"),
        }
    }

    /// A text expression as a date: PostgreSQL needs the cast, SQLite keeps dates as text.
    fn date(&self, expr: &str) -> String {
        match self {
            Raw::Sqlite(_) => expr.to_string(),
            Raw::Pg(_) => format!("CAST({expr} AS DATE)"),
        }
    }

    async fn exec(&self, sql: &str) -> Result<u64, Fail> {
        Ok(on_pool!(self, p => sqlx::query(sql).execute(p).await?.rows_affected()))
    }

    async fn scalar(&self, sql: &str) -> Result<i64, Fail> {
        Ok(on_pool!(self, p => sqlx::query_scalar(sql).fetch_one(p).await?))
    }

    async fn settle(&self) -> Result<(), Fail> {
        match self {
            Raw::Sqlite(_) => self.exec("PRAGMA wal_checkpoint(TRUNCATE)").await?,
            Raw::Pg(_) => self.exec("VACUUM ANALYZE").await?,
        };
        Ok(())
    }
}

/// Members, bills, enrolments and claims, each in one bulk statement (one transaction each).
async fn load<S: Repo>(store: &S, raw: &Raw, args: &Args) -> Result<(), Fail> {
    let at = Utc
        .with_ymd_and_hms(2022, 12, 1, 2, 0, 0)
        .single()
        .unwrap_or_default();
    let clock = FixedClock(at);
    huzhu_app::policies::policy(store, &clock, POLICY).await?;
    let imp = store
        .begin_import(
            &ImportStart {
                kind: ImportKind::Orgs,
                file_name: "orgs".into(),
                file_sha256: "bench-orgs".into(),
                actor: "bench".into(),
            },
            at,
        )
        .await?;
    store.import_org_batch(imp, &orgs()?, at).await?;
    // The units numbered 0.. in id order, for spreading members over them.
    raw.exec(
        "CREATE TABLE bench_units AS SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k \
         FROM orgs WHERE level = 4",
    )
    .await?;
    let units = raw
        .scalar("SELECT COUNT(*) FROM orgs WHERE level = 4")
        .await?;
    let tenant = raw
        .scalar("SELECT MIN(id) FROM orgs WHERE level = 1")
        .await?;
    let now = "'2022-12-01T02:00:00Z'";
    // Members n = 1..N: runs of seven per unit in turn, women for even n, one in ten retired, one in twenty
    // re-employed retirees.
    raw.exec(&format!(
        "INSERT INTO members (tenant_id, id_kind, id_number, name, gender, birth_date, org_id, \
         status, tags, version, created_at, updated_at) \
         SELECT {tenant}, 'passport', 'B' || n, '会员', \
         CASE WHEN n % 2 = 0 THEN 'female' ELSE 'male' END, '1980-01-01', \
         u.id, \
         CASE WHEN n % 10 = 0 THEN 'retired' WHEN n % 20 = 1 THEN 'reemployed_retiree' \
         ELSE 'in_service' END, '[]', 1, {now}, {now} FROM {} \
         JOIN bench_units u ON u.k = n / 7 % {units} ORDER BY n",
        raw.series(args.members)
    ))
    .await?;
    raw.exec("DROP TABLE bench_units").await?;
    raw.exec(&format!(
        "INSERT INTO bills (tenant_id, org_id, policy_id, members, amount_fen, status, \
         created_by, created_at) SELECT {tenant}, id, '{POLICY}', 0, 0, 'unpaid', 'bench', {now} \
         FROM orgs WHERE level = 4"
    ))
    .await?;
    for (item, filter, fen) in [("A", "1 = 1", 3_000), ("B", "m.id % 2 = 0", 5_000)] {
        raw.exec(&format!(
            "INSERT INTO enrolments (tenant_id, member_id, policy_id, item, shares, start_date, \
             renewal, org_id, bill_id, contribution_fen, created_at) \
             SELECT m.tenant_id, m.id, '{POLICY}', '{item}', 1, '2022-01-01', true, m.org_id, \
             b.id, {fen}, {now} FROM members m JOIN bills b ON b.org_id = m.org_id \
             WHERE {filter}"
        ))
        .await?;
    }
    // Claims: one for every N/M-th member, spread over the year, kinds and disease groups; a
    // decision paying in A (and B for a major disease); a quarter each submitted, computed,
    // approved, paid.
    let every = (args.members / args.claims.max(1)).max(1);
    raw.exec(&format!(
        "INSERT INTO claims (tenant_id, member_id, org_id, policy_id, kind, state, body, \
         event_date, submitted_on, decision, payable_fen, approved_fen, paid_fen, created_by, \
         created_at, updated_at) \
         SELECT m.tenant_id, m.id, m.org_id, '{POLICY}', \
         CASE WHEN m.id % 8 = 6 THEN 'outpatient' WHEN m.id % 8 = 7 THEN 'care_payment' \
         ELSE 'hospital_stay' END, \
         CASE m.id / {every} % 4 WHEN 0 THEN 'submitted' WHEN 1 THEN 'computed' \
         WHEN 2 THEN 'approved' ELSE 'paid' END, \
         CASE WHEN m.id % 8 = 6 THEN '{{\"kind\":\"outpatient\",\"designated_disease\":\"od02\"}}' \
         WHEN m.id % 8 = 7 THEN '{{\"kind\":\"care_payment\"}}' \
         ELSE '{{\"kind\":\"hospital_stay\",\"diagnoses\":[{{\"disease\":\"' || \
         CASE m.id % 8 {cases} END || '\"}}]}}' END, \
         {event_date}, '2022-12-01', \
         CASE WHEN m.id / {every} % 4 = 0 THEN NULL ELSE \
         '{{\"claim\":\"c\",\"payable_fen\":' || (100000 + m.id % 1000 * 100) || \
         ',\"lines\":[{{\"item\":\"A\",\"amount_fen\":' || (70000 + m.id % 1000 * 100) || \
         '}},{{\"item\":\"B\",\"amount_fen\":30000}}]}}' END, \
         CASE WHEN m.id / {every} % 4 = 0 THEN NULL ELSE 100000 + m.id % 1000 * 100 END, \
         CASE WHEN m.id / {every} % 4 >= 2 THEN 100000 + m.id % 1000 * 100 ELSE 0 END, \
         CASE WHEN m.id / {every} % 4 = 3 THEN 100000 + m.id % 1000 * 100 ELSE 0 END, \
         'bench', {now}, {now} FROM members m WHERE m.id % {every} = 0 AND m.id <= {}",
        every * args.claims,
        event_date = raw.date(
            "'2022-' || CASE WHEN m.id % 12 < 9 THEN '0' ELSE '' END || (m.id % 12 + 1) || '-15'"
        ),
        cases = CODES
            .iter()
            .enumerate()
            .map(|(i, c)| format!("WHEN {i} THEN '{c}'"))
            .collect::<Vec<_>>()
            .join(" ")
    ))
    .await?;
    Ok(())
}

fn city_staff() -> Result<Actor, Fail> {
    Ok(Actor {
        user_id: 0,
        username: "bench".into(),
        display_name: "bench".into(),
        role: Role::FederationStaff,
        org: code("B")?,
        org_level: OrgLevel::City,
        member_id: None,
    })
}

async fn bench<S: Repo>(store: &S, raw: Raw, args: &Args, backend: &str) -> Result<bool, Fail> {
    let t = Instant::now();
    load(store, &raw, args).await?;
    raw.settle().await?;
    let load_time = t.elapsed();
    let members = raw.scalar("SELECT COUNT(*) FROM members").await?;
    let enrolments = raw.scalar("SELECT COUNT(*) FROM enrolments").await?;
    let claims = raw.scalar("SELECT COUNT(*) FROM claims").await?;
    let t = Instant::now();
    let recount = store.recount_stats().await?;
    let recount_time = t.elapsed();
    raw.settle().await?;

    let actor = city_staff()?;
    let city = code("B")?;
    let mut kept_times = Vec::new();
    let mut scan_times = Vec::new();
    let mut kept = None;
    let mut scanned = None;
    for _ in 0..args.reps {
        let t = Instant::now();
        kept = Some(dashboard(store, &actor, &city, Some(POLICY)).await?);
        kept_times.push(t.elapsed());
        let t = Instant::now();
        scanned = Some(dashboard_by_scan(store, &actor, &city, Some(POLICY)).await?);
        scan_times.push(t.elapsed());
    }
    if kept != scanned {
        return Err("the aggregates and the scan disagree".into());
    }
    let best = |v: &[Duration]| v.iter().min().copied().unwrap_or_default();
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v.get(v.len() / 2).copied().unwrap_or_default()
    };
    let (kb, sb) = (best(&kept_times), best(&scan_times));
    let (km, sm) = (median(&mut kept_times), median(&mut scan_times));
    let ratio = kb.as_secs_f64() / sb.as_secs_f64();
    let met = ratio <= TARGET;
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "huzhu statistics benchmark — {backend}, {POLICY}, city of 1,000 units: {members} \
         members, {enrolments} enrolments, {claims} decided claims"
    );
    println!(
        "bulk load {:.1} s; recount_stats {:.1} s ({} member, {} enrolment, {} claim rows)",
        load_time.as_secs_f64(),
        recount_time.as_secs_f64(),
        recount.member_rows,
        recount.enrolment_rows,
        recount.claim_rows
    );
    println!(
        "dashboard from aggregates: best {:>9.1} ms, median {:>9.1} ms ({} runs)",
        ms(kb),
        ms(km),
        args.reps
    );
    println!(
        "dashboard by full scan:    best {:>9.1} ms, median {:>9.1} ms ({} runs)",
        ms(sb),
        ms(sm),
        args.reps
    );
    println!("ratio aggregates/scan: {ratio:.4} (equal tables: yes)");
    println!(
        "target ratio <= {TARGET}: {}",
        if met { "met" } else { "NOT met" }
    );
    Ok(met)
}
