//! The campaign-grant benchmark (issue 15; `bench/campaign_grant.sh`): a city of M members
//! (default 3,000,000) over 1,000 grassroots unions, and a care campaign whose list names N of
//! them (default 50,000, every (M/N)-th member) with 1,000元 each; the campaign fund holds enough.
//! Then, timed in the same run on the same tables:
//!
//! - baseline: the same rows — N grants, N ledger entries, 2N postings — inserted with plain
//!   multi-row `INSERT` statements of 1,000 rows each, in one transaction (under another
//!   programme id, so the keys do not meet the campaign's);
//! - grant: `huzhu_app::campaign::grant`, which reads the list of the actor's subtree, writes the
//!   grants through the unique key index (`ON CONFLICT DO NOTHING`), takes the fund with its
//!   check, posts the ledger and the audit entry, in one transaction.
//!
//! Target: grant / baseline ≤ 2.0. The baseline runs first, so the grant writes into the tables
//! the baseline filled (the harder order for huzhu). Set-up (members by one generated `INSERT …
//! SELECT`, the list through the store) is not timed.

use crate::cycle::{code, orgs, Fail};
use chrono::{NaiveDate, TimeZone, Utc};
use huzhu_app::{campaign, grant, FixedClock};
use huzhu_domain::access::{Actor, Role};
use huzhu_domain::grant::FundKind;
use huzhu_domain::money::Money;
use huzhu_domain::org::OrgLevel;
use huzhu_store::campaign::NewRecipient;
use huzhu_store::{ImportKind, ImportStart, MemberId, OrgScope, PgStore, Repo, SqliteStore, Store};
use std::process::ExitCode;
use std::time::{Duration, Instant};

const TARGET: f64 = 2.0;
const ROWS: usize = 1_000;
const CASH_FEN: i64 = 100_000;

pub struct Args {
    postgres: bool,
    members: u64,
    recipients: u64,
}

const USAGE: &str =
    "usage: huzhu-bench campaign --backend sqlite|postgres [--members M] [--recipients N]";

impl Args {
    pub fn parse(args: &[String]) -> Result<Args, String> {
        let mut out = Args {
            postgres: false,
            members: 3_000_000,
            recipients: 50_000,
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
                "--recipients" => out.recipients = number()?.max(1),
                _ => return Err(USAGE.into()),
            }
        }
        out.recipients = out.recipients.min(out.members);
        Ok(out)
    }
}

pub fn run(args: &Args) -> ExitCode {
    crate::cycle::run_on_backend("campaign", async {
        if args.postgres {
            on_postgres(args).await
        } else {
            on_sqlite(args).await
        }
    })
}

async fn on_sqlite(args: &Args) -> Result<bool, Fail> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("campaign.db");
    let store = SqliteStore::open_file(&path).await?;
    store.migrate().await?;
    let raw = Raw::Sqlite(
        sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(
                sqlx::sqlite::SqliteConnectOptions::new()
                    .filename(&path)
                    .busy_timeout(Duration::from_secs(60)),
            )
            .await?,
    );
    let met = bench(&store, &raw, args, "SQLite (one file, WAL)").await;
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
    let schema = format!("bench_campaign_{}", std::process::id());
    let store = PgStore::connect_in_schema(&url, &schema).await?;
    let met = async {
        store.migrate().await?;
        let options: sqlx::postgres::PgConnectOptions = url.parse()?;
        let raw = Raw::Pg(
            sqlx::postgres::PgPoolOptions::new()
                .max_connections(1)
                .connect_with(options.options([("search_path", schema.as_str())]))
                .await?,
        );
        bench(&store, &raw, args, "PostgreSQL").await
    }
    .await;
    store.close().await;
    PgStore::drop_schema(&url, &schema).await?;
    met
}

/// A connection of the benchmark's own: the bulk set-up and the baseline's plain inserts.
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

/// One listed member as the grant writes them: member, ID number, unit.
type Due = (i64, String, i64);

impl Raw {
    async fn tenant_and_units(&self) -> Result<(i64, Vec<i64>), Fail> {
        let tenant: i64 = on_pool!(self, p => sqlx::query_scalar(
            "SELECT COALESCE(tenant_id, id) FROM orgs WHERE code = 'B'"
        ).fetch_one(p).await?);
        let units: Vec<i64> = on_pool!(self, p => sqlx::query_scalar(
            "SELECT id FROM orgs WHERE level = 4 ORDER BY id"
        ).fetch_all(p).await?);
        Ok((tenant, units))
    }

    /// `n` members spread over the units by one generated statement per backend: distinct
    /// 18-character ID numbers (a benchmark's, not valid resident numbers: the grant reads them
    /// as keys only).
    async fn members(&self, tenant: i64, units: &[i64], n: u64) -> Result<(), Fail> {
        let at = Utc
            .with_ymd_and_hms(2025, 12, 1, 2, 0, 0)
            .single()
            .unwrap_or_default();
        let born = NaiveDate::from_ymd_opt(1980, 1, 1).unwrap_or_default();
        let count = units.len() as i64;
        match self {
            Raw::Pg(p) => {
                sqlx::query(
                    "INSERT INTO members (tenant_id, id_kind, id_number, name, gender, birth_date, \
                     org_id, status, tags, created_at, updated_at) \
                     SELECT $1, 'resident', '9' || lpad(i::text, 17, '0'), '基准会员', 'female', \
                     $2, ($3::bigint[])[1 + i % $4], 'in_service', '[]', $5, $5 \
                     FROM generate_series(1, $6) AS i",
                )
                .bind(tenant)
                .bind(born)
                .bind(units)
                .bind(count)
                .bind(at)
                .bind(n as i64)
                .execute(p)
                .await?;
            }
            Raw::Sqlite(p) => {
                let mut tx = p.begin().await?;
                sqlx::query("CREATE TEMP TABLE bench_units (k INTEGER PRIMARY KEY, id INTEGER)")
                    .execute(&mut *tx)
                    .await?;
                for (k, id) in units.iter().enumerate() {
                    sqlx::query("INSERT INTO bench_units (k, id) VALUES ($1, $2)")
                        .bind(k as i64)
                        .bind(*id)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query(
                    "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $6) \
                     INSERT INTO members (tenant_id, id_kind, id_number, name, gender, birth_date, \
                     org_id, status, tags, created_at, updated_at) \
                     SELECT $1, 'resident', '9' || substr('00000000000000000' || i, -17), \
                     '基准会员', 'female', $2, u.id, 'in_service', '[]', $5, $5 \
                     FROM s JOIN bench_units u ON u.k = s.i % $4 WHERE $3 = $3",
                )
                .bind(tenant)
                .bind(born)
                .bind(0i64)
                .bind(count)
                .bind(at)
                .bind(n as i64)
                .execute(&mut *tx)
                .await?;
                sqlx::query("DROP TABLE bench_units")
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
            }
        }
        Ok(())
    }

    /// Every `step`-th member: (id, ID number, unit).
    async fn every(&self, step: u64, n: u64) -> Result<Vec<Due>, Fail> {
        let sql =
            "SELECT id, id_number, org_id FROM members WHERE id % $1 = 0 ORDER BY id LIMIT $2";
        Ok(on_pool!(self, p => sqlx::query_as(sql)
            .bind(step as i64)
            .bind(n as i64)
            .fetch_all(p)
            .await?))
    }

    async fn settle(&self) -> Result<(), Fail> {
        match self {
            Raw::Sqlite(p) => {
                sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                    .execute(p)
                    .await?;
                sqlx::query("ANALYZE").execute(p).await?;
            }
            Raw::Pg(p) => {
                sqlx::query("VACUUM ANALYZE").execute(p).await?;
            }
        }
        Ok(())
    }

    /// The baseline: the campaign's rows inserted plainly, 1,000 to a statement, one transaction.
    async fn baseline(
        &self,
        tenant: i64,
        campaign: i64,
        due: &[Due],
        at: chrono::DateTime<Utc>,
    ) -> Result<u64, Fail> {
        let mut written = 0u64;
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            for chunk in due.chunks(ROWS) {
                let mut q = sqlx::QueryBuilder::new(
                    "INSERT INTO grants (tenant_id, programme_id, programme_version, cycle, \
                     fund, approval_level, campaign_id, applied_by, applied_at, decided_by, \
                     decided_at, state, grant_key, subject_id_number, member_id, org_id, \
                     amount_fen, assessment) ",
                );
                q.push_values(chunk, |mut b, d| {
                    let key = format!("2026:{}", d.1);
                    let assessment = serde_json::json!({
                        "programme": "baseline", "version": "2026.1", "cycle": "2026",
                        "campaign": campaign, "basis": "manual", "reason": "基准",
                        "amount_fen": CASH_FEN, "key": key,
                    })
                    .to_string();
                    b.push_bind(tenant)
                        .push_bind("baseline")
                        .push_bind("2026.1")
                        .push_bind("2026")
                        .push_bind("campaign")
                        .push_bind(1i64)
                        // Not the campaign's: its grant would take these for its own.
                        .push_bind(None::<i64>)
                        .push_bind("bench")
                        .push_bind(at)
                        .push_bind("bench")
                        .push_bind(at)
                        .push_bind("approved")
                        .push_bind(key)
                        .push_bind(d.1.clone())
                        .push_bind(d.0)
                        .push_bind(d.2)
                        .push_bind(CASH_FEN)
                        .push_bind(assessment);
                });
                q.push(" RETURNING id, member_id");
                let ids: Vec<(i64, i64)> = q.build_query_as().fetch_all(&mut *tx).await?;
                let entries: Vec<(i64, huzhu_domain::ledger::Entry)> = ids
                    .iter()
                    .map(|(g, m)| {
                        huzhu_domain::grant::grant_approved(
                            FundKind::Campaign,
                            *m,
                            *g,
                            Money::from_fen(CASH_FEN),
                        )
                        .map(|e| (*g, e))
                    })
                    .collect::<Result<_, _>>()?;
                let mut q = sqlx::QueryBuilder::new(
                    "INSERT INTO ledger_entries (tenant_id, actor, at, kind, memo, grant_id) ",
                );
                q.push_values(&entries, |mut b, (g, e)| {
                    b.push_bind(tenant)
                        .push_bind("bench")
                        .push_bind(at)
                        .push_bind(e.kind().code())
                        .push_bind(e.memo().to_string())
                        .push_bind(*g);
                });
                q.push(" RETURNING id");
                let entry_ids: Vec<i64> = q.build_query_scalar().fetch_all(&mut *tx).await?;
                let postings: Vec<(i64, String, i64)> = entry_ids
                    .iter()
                    .zip(&entries)
                    .flat_map(|(id, (_, e))| {
                        e.postings()
                            .iter()
                            .map(move |p| (*id, p.account.key(), p.fen))
                    })
                    .collect();
                for part in postings.chunks(ROWS) {
                    let mut q = sqlx::QueryBuilder::new(
                        "INSERT INTO ledger_postings (tenant_id, entry_id, account, fen) ",
                    );
                    q.push_values(part, |mut b, (id, account, fen)| {
                        b.push_bind(tenant)
                            .push_bind(*id)
                            .push_bind(account.clone())
                            .push_bind(*fen);
                    });
                    q.build().execute(&mut *tx).await?;
                }
                written += ids.len() as u64;
            }
            tx.commit().await?;
        });
        Ok(written)
    }
}

fn staff(role: Role) -> Result<Actor, Fail> {
    Ok(Actor {
        user_id: 1,
        username: "bench".into(),
        display_name: "bench".into(),
        role,
        org: code("B")?,
        org_level: OrgLevel::City,
        member_id: None,
    })
}

async fn bench<S: Repo>(store: &S, raw: &Raw, args: &Args, backend: &str) -> Result<bool, Fail> {
    let t = Instant::now();
    let at = Utc
        .with_ymd_and_hms(2026, 1, 10, 2, 0, 0)
        .single()
        .unwrap_or_default();
    let clock = FixedClock(at);
    let start = ImportStart {
        kind: ImportKind::Orgs,
        file_name: "orgs".into(),
        file_sha256: "bench-orgs".into(),
        actor: "bench".into(),
    };
    let imp = store.begin_import(&start, at).await?;
    store.import_org_batch(imp, &orgs()?, at).await?;
    let (tenant, units) = raw.tenant_and_units().await?;
    raw.members(tenant, &units, args.members).await?;
    let city = staff(Role::FederationStaff)?;
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap_or_default();
    let c = campaign::create(
        store,
        &clock,
        &city,
        "two-festivals-2026",
        (day(1, 1), day(2, 28)),
    )
    .await?;
    let due = raw
        .every(args.members / args.recipients, args.recipients)
        .await?;
    let list: Vec<NewRecipient> = due
        .iter()
        .map(|d| NewRecipient {
            member: MemberId(d.0),
            basis: "manual".into(),
            reason: "基准 (benchmark)".into(),
            cash: Money::from_fen(CASH_FEN),
            gift_pack: true,
        })
        .collect();
    for part in list.chunks(10_000) {
        store
            .list_recipients(c.id, &OrgScope::Everything, &city.org, part, "bench", at)
            .await?;
    }
    let total = Money::from_fen(CASH_FEN * due.len() as i64);
    grant::deposit(
        store,
        &clock,
        &staff(Role::Finance)?,
        FundKind::Campaign,
        total,
        "基准送温暖经费",
    )
    .await?;
    raw.settle().await?;
    let setup = t.elapsed();

    let t = Instant::now();
    let baseline = raw.baseline(tenant, c.id, &due, at).await?;
    let base = t.elapsed();
    raw.settle().await?;
    let t = Instant::now();
    let granted = campaign::grant(store, &clock, &city, c.id).await?;
    let took = t.elapsed();
    if granted.granted != baseline || granted.total != total || !granted.refused.is_empty() {
        return Err(format!(
            "passes disagree: baseline {baseline} rows, grant {granted:?}, expected {total}"
        )
        .into());
    }
    let rate = |n: u64, t: Duration| n as f64 / t.as_secs_f64();
    let ratio = took.as_secs_f64() / base.as_secs_f64();
    let met = ratio <= TARGET;
    println!(
        "huzhu campaign-grant benchmark — {backend}, two-festivals-2026, {} members, {} recipients",
        args.members,
        due.len()
    );
    println!(
        "setup {:.1} s (untimed: members, the list, the fund)",
        setup.as_secs_f64()
    );
    println!(
        "baseline (plain multi-row INSERT, 1,000 rows a statement): {baseline:>7} grants in {:>7.2} s → {:>8.0} grants/s",
        base.as_secs_f64(),
        rate(baseline, base)
    );
    println!(
        "grant    (list read, unique key, fund check, ledger, audit): {:>7} grants in {:>7.2} s → {:>8.0} grants/s",
        granted.granted,
        took.as_secs_f64(),
        rate(granted.granted, took)
    );
    println!("ratio grant/baseline: {ratio:.2}");
    println!(
        "target ratio <= {TARGET:.1}: {}",
        if met { "met" } else { "NOT met" }
    );
    Ok(met)
}
