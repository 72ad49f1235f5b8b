//! The batch-adjudication benchmark (issue 5; `bench/adjudicate.sh`): a stored cycle of
//! `hangzhou-2022` — N members of 1,000 grassroots unions, enrolled, and M submitted claims
//! spread over them — in a fresh database (a SQLite file in a temporary directory, or a fresh
//! PostgreSQL schema), then two passes timed in the same run:
//!
//! - baseline: every claim read page by page with the same paging query, and its decision
//!   rewritten unchanged (`claims_page_by_member` + `record_decisions`);
//! - adjudicate: `huzhu_app::batch::adjudicate_cycle`, which reads the same pages, decides every
//!   claim and writes the same rows.
//!
//! Target: adjudicate / baseline ≤ 2.0. Setup is not timed, and neither is a first adjudication
//! that fills in the decisions, so that both timed passes write rows of the same size.

use crate::{scenario, Rng};
use chrono::{NaiveDate, TimeZone, Utc};
use huzhu_app::{FixedClock, SystemClock};
use huzhu_domain::id_number::check_character;
use huzhu_domain::member::{EmploymentStatus, MemberFields, MemberRecord};
use huzhu_domain::money::Money;
use huzhu_domain::org::{NewOrg, OrgCode, OrgLevel, RegionCode};
use huzhu_domain::personal::PersonName;
use huzhu_domain::IdNumber;
use huzhu_store::money::{NewEnrolment, UnitEnrolment};
use huzhu_store::{ImportKind, ImportStart, MemberId, PgStore, Repo, SqliteStore, Store};
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};

const POLICY: &str = "hangzhou-2022";
const PAGE: u32 = 5_000;
const TARGET: f64 = 2.0;

pub(crate) type Fail = Box<dyn std::error::Error + Send + Sync>;

/// Runs a benchmark's body on a fresh runtime: success when it holds, failure (with what went
/// wrong on standard error) when it does not or cannot run.
pub(crate) fn run_on_backend(
    what: &str,
    body: impl std::future::Future<Output = Result<bool, Fail>>,
) -> ExitCode {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(body) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("{what} benchmark failed: {e}");
            ExitCode::FAILURE
        }
    }
}

pub struct Args {
    postgres: bool,
    members: u64,
    claims: u64,
    page: u32,
}

const USAGE: &str =
    "usage: huzhu-bench cycle --backend sqlite|postgres --members N --claims M [--page P]";

impl Args {
    pub fn parse(args: &[String]) -> Result<Args, String> {
        let mut out = Args {
            postgres: false,
            members: 100_000,
            claims: 1_000_000,
            page: PAGE,
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
                "--page" => out.page = u32::try_from(number()?).map_err(|_| USAGE)?.max(1),
                _ => return Err(USAGE.into()),
            }
        }
        Ok(out)
    }
}

pub fn run(args: &Args) -> ExitCode {
    run_on_backend("cycle", async {
        if args.postgres {
            on_postgres(args).await
        } else {
            on_sqlite(args).await
        }
    })
}

async fn on_sqlite(args: &Args) -> Result<bool, Fail> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("cycle.db");
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
    let schema = format!("bench_cycle_{}", std::process::id());
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

/// A connection of the benchmark's own, for what the store does not offer: bulk-loading claims
/// and tidying up between passes.
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

/// One claim row as loaded: tenant, member, org, kind, body, event date, submitted on.
struct ClaimRow(i64, i64, i64, &'static str, String, NaiveDate, NaiveDate);

impl Raw {
    /// Every member: (id, tenant, org id, org code), by id.
    async fn members(&self) -> Result<Vec<(i64, i64, i64, String)>, Fail> {
        let sql = "SELECT m.id, m.tenant_id, m.org_id, o.code FROM members m \
                   JOIN orgs o ON o.id = m.org_id ORDER BY m.id";
        Ok(on_pool!(self, p => sqlx::query_as(sql).fetch_all(p).await?))
    }

    async fn insert_claims(&self, rows: &[ClaimRow]) -> Result<(), Fail> {
        let at = Utc
            .with_ymd_and_hms(2022, 12, 1, 2, 0, 0)
            .single()
            .unwrap_or_default();
        on_pool!(self, p => {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO claims (tenant_id, member_id, org_id, policy_id, kind, state, \
                 body, event_date, submitted_on, created_by, created_at, updated_at) ",
            );
            q.push_values(rows, |mut b, r| {
                b.push_bind(r.0)
                    .push_bind(r.1)
                    .push_bind(r.2)
                    .push_bind(POLICY)
                    .push_bind(r.3)
                    .push_bind("submitted")
                    .push_bind(r.4.as_str())
                    .push_bind(r.5)
                    .push_bind(r.6)
                    .push_bind("bench")
                    .push_bind(at)
                    .push_bind(at);
            });
            q.build().execute(p).await?;
        });
        Ok(())
    }

    /// Between passes: PostgreSQL vacuums away the dead rows of the last pass and refreshes its
    /// statistics; SQLite folds the write-ahead log into the database file.
    async fn settle(&self) -> Result<(), Fail> {
        match self {
            Raw::Sqlite(p) => {
                sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                    .execute(p)
                    .await?;
            }
            Raw::Pg(p) => {
                sqlx::query("VACUUM ANALYZE").execute(p).await?;
            }
        }
        Ok(())
    }
}

async fn bench<S: Repo>(store: &S, raw: &Raw, args: &Args, backend: &str) -> Result<bool, Fail> {
    let t = Instant::now();
    setup(store, raw, args).await?;
    raw.settle().await?;
    let setup_time = t.elapsed();
    let clock = SystemClock;
    let t = Instant::now();
    let first = huzhu_app::batch::adjudicate_cycle(store, &clock, POLICY, args.page).await?;
    let first_time = t.elapsed();
    raw.settle().await?;

    let t = Instant::now();
    let rewritten = rewrite(store, args.page).await?;
    let base = t.elapsed();
    raw.settle().await?;
    let t = Instant::now();
    let stats = huzhu_app::batch::adjudicate_cycle(store, &clock, POLICY, args.page).await?;
    let adj = t.elapsed();
    if stats != first || rewritten != stats.claims {
        return Err(
            format!("passes disagree: {first:?} / {stats:?} / {rewritten} rewritten").into(),
        );
    }

    let rate = |n: u64, t: Duration| n as f64 / t.as_secs_f64();
    let ratio = adj.as_secs_f64() / base.as_secs_f64();
    let met = ratio <= TARGET;
    println!(
        "huzhu batch adjudication benchmark — {backend}, {POLICY}, {} members, {} claims, pages of {}",
        args.members, args.claims, args.page
    );
    println!(
        "setup {:.1} s, first adjudication {:.1} s (both untimed); {} members with claims, \
         payable {} yuan in all",
        setup_time.as_secs_f64(),
        first_time.as_secs_f64(),
        stats.members,
        stats.payable_fen / 100
    );
    println!(
        "baseline   (read + rewrite unchanged): {rewritten:>9} claims in {:>8.2} s → {:>9.0} claims/s",
        base.as_secs_f64(),
        rate(rewritten, base)
    );
    println!(
        "adjudicate (read + decide + write):    {:>9} claims in {:>8.2} s → {:>9.0} claims/s",
        stats.claims,
        adj.as_secs_f64(),
        rate(stats.claims, adj)
    );
    println!("ratio adjudicate/baseline: {ratio:.2}");
    println!(
        "target ratio <= {TARGET:.1}: {}",
        if met { "met" } else { "NOT met" }
    );
    Ok(met)
}

/// The baseline: every claim of the cycle read with the batch's paging query and its decision
/// written back as it was. Returns how many claims were written.
async fn rewrite<S: Repo>(store: &S, page_size: u32) -> Result<u64, Fail> {
    let mut after = None;
    let mut written = 0;
    loop {
        let page = store
            .claims_page_by_member(POLICY, after, page_size)
            .await?;
        let Some(last) = page.last() else { break };
        after = Some((last.member, last.id));
        let same: Vec<_> = page
            .into_iter()
            .filter_map(|c| Some((c.id, c.fields.decision?, c.fields.payable?)))
            .collect();
        written += store.record_decisions(&same).await?;
    }
    Ok(written)
}

pub(crate) fn code(raw: &str) -> Result<OrgCode, Fail> {
    Ok(OrgCode::parse(raw)?)
}

/// The org tree of `roster.rs`: city B, districts B0–B9, streets B0-0…, units B0-0-0….
pub(crate) fn orgs() -> Result<Vec<(u64, NewOrg)>, Fail> {
    let region = RegionCode::parse("330102")?;
    let mut out = vec![(
        1,
        NewOrg::new(code("B")?, "基准市总工会", None, OrgLevel::City, region)?,
    )];
    let mut add = |c: String, name: String, parent: String, level| -> Result<(), Fail> {
        let row = NewOrg::new(code(&c)?, &name, Some(code(&parent)?), level, region)?;
        out.push((out.len() as u64 + 1, row));
        Ok(())
    };
    for d in 0..10 {
        add(
            format!("B{d}"),
            format!("基准区{d}总工会"),
            "B".into(),
            OrgLevel::District,
        )?;
        for s in 0..10 {
            let street = format!("B{d}-{s}");
            add(
                street.clone(),
                format!("基准街道{d}{s}总工会"),
                format!("B{d}"),
                OrgLevel::Street,
            )?;
            for u in 0..10 {
                add(
                    format!("{street}-{u}"),
                    format!("基准单位{d}{s}{u}工会"),
                    street.clone(),
                    OrgLevel::Grassroots,
                )?;
            }
        }
    }
    Ok(out)
}

/// Member `i` of the roster: a distinct valid resident ID (birth date × sequence), spread over
/// the 1,000 units, one in fifty retired.
fn member(i: u64, today: NaiveDate) -> Result<MemberRecord, Fail> {
    const SURNAMES: [&str; 8] = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵"];
    const GIVEN: [&str; 8] = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军"];
    let born =
        NaiveDate::from_ymd_opt(1960, 1, 1).unwrap_or_default() + chrono::Days::new(i % 14_600);
    let first17 = format!("330102{}{:03}", born.format("%Y%m%d"), i / 14_600);
    let check = check_character(&first17).ok_or("no check character")?;
    let fields = MemberFields {
        id_number: IdNumber::parse(&format!("{first17}{check}"), today)?,
        name: PersonName::parse(&format!(
            "{}{}",
            SURNAMES[(i % 8) as usize],
            GIVEN[(i / 8 % 8) as usize]
        ))?,
        declared_gender: None,
        declared_birth: None,
        phone: None,
        org: code(&format!("B{}-{}-{}", i % 10, i / 10 % 10, i / 100 % 10))?,
        status: if i.is_multiple_of(50) {
            EmploymentStatus::Retired
        } else {
            EmploymentStatus::InService
        },
        hire_date: None,
        join_date: NaiveDate::from_ymd_opt(2015, 6, 1),
        social_security_region: Some(RegionCode::parse("330100")?),
        tags: Default::default(),
        bank_account: None,
        bank_branch: None,
    };
    Ok(MemberRecord::new(fields, today)?)
}

/// Claims of member `k` of `members`: `claims / members` each, give or take, `claims` in all.
fn claims_of(k: u64, members: u64, claims: u64) -> u64 {
    let (each, extra) = (claims / members, claims % members);
    let base = each + u64::from(k < extra);
    // Pairs trade claims so that some members have many and some few.
    let swing = (k / 2) % (each + 1);
    if k.is_multiple_of(2) && k + 1 < members {
        base + swing
    } else if k % 2 == 1 {
        base.saturating_sub(swing.min(each))
    } else {
        base
    }
}

async fn setup<S: Repo>(store: &S, raw: &Raw, args: &Args) -> Result<(), Fail> {
    let today = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap_or_default();
    let at = Utc
        .with_ymd_and_hms(2021, 11, 1, 2, 0, 0)
        .single()
        .unwrap_or_default();
    let clock = FixedClock(at);
    huzhu_app::policies::policy(store, &clock, POLICY).await?;
    let start = |kind, file: &str| ImportStart {
        kind,
        file_name: file.into(),
        file_sha256: format!("bench-{file}"),
        actor: "bench".into(),
    };
    let imp = store
        .begin_import(&start(ImportKind::Orgs, "orgs"), at)
        .await?;
    store.import_org_batch(imp, &orgs()?, at).await?;
    let imp = store
        .begin_import(&start(ImportKind::Members, "members"), at)
        .await?;
    let mut i = 0;
    while i < args.members {
        let end = (i + 1_000).min(args.members);
        let rows = (i..end)
            .map(|k| Ok((k + 2, member(k, today)?)))
            .collect::<Result<Vec<_>, Fail>>()?;
        store
            .import_member_batch(imp, &huzhu_store::OrgScope::Everything, &rows, at)
            .await?;
        i = end;
    }

    // Members come back in the order imported; each gets the engine benchmark's generated
    // enrolments and claims (their bodies as a claim is stored: SPEC 10 JSON, no documents).
    let stored = raw.members().await?;
    let mut rng = Rng(42);
    let mut by_unit: BTreeMap<String, Vec<NewEnrolment>> = BTreeMap::new();
    let mut batch = Vec::with_capacity(1_000);
    let mut made = 0u64;
    for (k, (id, tenant, org, unit)) in stored.iter().enumerate() {
        let k = k as u64;
        let n = if k + 1 == args.members {
            args.claims - made
        } else {
            claims_of(k, args.members, args.claims).min(args.claims - made)
        };
        made += n;
        let s = scenario(&mut rng, k, n as usize);
        for e in &s.member.enrolments {
            by_unit.entry(unit.clone()).or_default().push(NewEnrolment {
                member: MemberId(*id),
                item: e.item.clone(),
                shares: e.shares,
                start: e.start,
                renewal: e.renewal,
                contribution: Money::from_fen(3_600),
            });
        }
        for mut c in s.claims {
            c.id = "new".into();
            c.documents = Vec::new();
            let (event, submitted) = (c.event_date(), c.submitted);
            batch.push(ClaimRow(
                *tenant,
                *id,
                *org,
                c.kind_code(),
                c.to_json(),
                event,
                submitted,
            ));
            if batch.len() == 1_000 {
                raw.insert_claims(&batch).await?;
                batch.clear();
            }
        }
    }
    if !batch.is_empty() {
        raw.insert_claims(&batch).await?;
    }
    for (unit, lines) in &by_unit {
        let members = lines
            .iter()
            .map(|l| l.member)
            .collect::<std::collections::BTreeSet<_>>();
        store
            .enrol_unit(&UnitEnrolment {
                unit: &code(unit)?,
                payer: None,
                policy: POLICY,
                lines,
                members: members.len() as u32,
                total: Money::from_fen(3_600 * lines.len() as i64),
                entry: None,
                actor: "bench",
                at,
            })
            .await?;
    }
    Ok(())
}
