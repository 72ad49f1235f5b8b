//! The kill -9 matrix (issue 18): `huzhu` is killed with SIGKILL at a random point of four
//! writes — a roster import (the command line), a burst of claim submissions, a care campaign's
//! grants and a payout batch's settlement (the server) — then restarted, and each round checks
//! that every write acknowledged before the kill is there, that nothing is half-written (a
//! transaction is all there or not at all: counts agree with the maintained statistics, a batch
//! is settled with all its lines or none), that doing the interrupted write again completes it,
//! and that `huzhu ledger check` passes.
//!
//! SQLite always; PostgreSQL as well when `HUZHU_TEST_POSTGRES_URL` is set (a fresh database per
//! test, dropped afterwards). `HUZHU_KILL_ROUNDS` (default 2) sets the rounds of each write;
//! `HUZHU_KILL_SEED` replays the random kill points of a failed run (every run prints its seed).
//! docs/reliability.md, "The kill -9 matrix".

use super::receipts_kill::{call, free_port, wait_up};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn rounds() -> usize {
    std::env::var("HUZHU_KILL_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(2)
}

/// xorshift64*: the kill points, reproducible from the seed.
struct Rng(u64);

impl Rng {
    fn seeded(what: &str) -> Rng {
        let seed = std::env::var("HUZHU_KILL_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(1)
            })
            | 1;
        eprintln!("kill matrix ({what}): HUZHU_KILL_SEED={seed}");
        Rng(seed)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }
}

/// Where the data lives: a data directory (SQLite) or a PostgreSQL database of its own.
enum Db {
    Sqlite(PathBuf),
    Postgres {
        url: String,
        admin: String,
        name: String,
    },
}

impl Db {
    /// SQLite in `dir`, or — with `postgres` — a fresh database named after the test.
    fn new(dir: &Path, postgres: bool, tag: &str) -> Option<Db> {
        if !postgres {
            return Some(Db::Sqlite(dir.join("data")));
        }
        let Ok(admin) = std::env::var("HUZHU_TEST_POSTGRES_URL") else {
            assert!(
                std::env::var("HUZHU_REQUIRE_POSTGRES").is_err(),
                "HUZHU_REQUIRE_POSTGRES is set but HUZHU_TEST_POSTGRES_URL is not"
            );
            eprintln!("skipping the PostgreSQL half: HUZHU_TEST_POSTGRES_URL is not set");
            return None;
        };
        let name = format!("huzhu_kill_{tag}_{}", std::process::id());
        pg_admin(
            &admin,
            &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        );
        pg_admin(&admin, &format!("CREATE DATABASE {name}"));
        let (base, _) = admin.rsplit_once('/').unwrap();
        let url = format!("{base}/{name}");
        Some(Db::Postgres { url, admin, name })
    }

    /// How far into a grant or a settlement the kill may land: PostgreSQL answers them slower.
    fn kill_window_us(&self) -> u64 {
        match self {
            Db::Sqlite(_) => 40_000,
            Db::Postgres { .. } => 150_000,
        }
    }

    fn huzhu(&self) -> Command {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("huzhu"));
        cmd.env_remove("HUZHU_DATABASE_URL");
        match self {
            Db::Sqlite(data) => cmd.arg("--data-dir").arg(data),
            Db::Postgres { url, .. } => cmd.env("HUZHU_DATABASE_URL", url),
        };
        cmd
    }

    /// One number the database answers (a `COUNT`, a `SUM` cast to BIGINT).
    fn number(&self, sql: &str) -> i64 {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            use sqlx::Connection;
            match self {
                Db::Sqlite(data) => {
                    let url = format!("sqlite://{}", data.join("huzhu.db").display());
                    let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
                    sqlx::query_scalar(sql).fetch_one(&mut c).await
                }
                Db::Postgres { url, .. } => {
                    let mut c = sqlx::PgConnection::connect(url).await.unwrap();
                    sqlx::query_scalar(sql).fetch_one(&mut c).await
                }
            }
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
        })
    }

    fn ledger_check(&self, after: &str) {
        let out = self.huzhu().args(["ledger", "check"]).output().unwrap();
        assert!(
            out.status.success(),
            "ledger check after {after}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn serve(&self, port: u16, demo: bool) -> Child {
        super::receipts_kill::spawn_server(self.huzhu(), port, demo)
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Db::Postgres { admin, name, .. } = self {
            pg_admin(
                admin,
                &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            );
        }
    }
}

fn pg_admin(url: &str, sql: &str) {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            use sqlx::Connection;
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query(sql).execute(&mut c).await.unwrap();
        });
}

fn kill(child: &mut Child) {
    let _ = child.kill(); // SIGKILL on Unix
    let _ = child.wait();
}

// ---------------------------------------------------------------------------------------------
// Roster import, on the command line.

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../huzhu-import/tests/fixtures")
        .join(name)
}

/// The members and what the maintained statistics say of them (the federations' rows hold their
/// whole subtree): equal unless a batch was half-written.
fn members_and_counted(db: &Db) -> (i64, i64) {
    (
        db.number("SELECT COUNT(*) FROM members"),
        db.number(
            "SELECT CAST(COALESCE(SUM(s.members), 0) AS BIGINT) FROM stat_members s \
             JOIN orgs o ON o.id = s.org_id WHERE o.parent_id IS NULL",
        ),
    )
}

fn import_rounds(postgres: bool) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = Db::new(dir.path(), postgres, "import") else {
        return;
    };
    let mut rng = Rng::seeded("roster import");
    let status = db
        .huzhu()
        .args(["import", "orgs"])
        .arg(fixture("orgs.csv"))
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    const N: u32 = 6_000;
    let mut expected = 0i64;
    for round in 0..rounds() {
        let file = dir.path().join(format!("roster-{round}.csv"));
        super::roster::numbered_roster(&file, round as u32 * N, N);
        let mut child = db
            .huzhu()
            .args(["import", "members"])
            .arg(&file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // A random point: once a random number of the file's rows is stored (0: at once), and
        // a random few milliseconds more, so the kill lands inside a batch as often as between.
        let target = expected + rng.below(u64::from(N)) as i64;
        let extra = Duration::from_millis(rng.below(25));
        let t0 = Instant::now();
        let mut finished = None;
        while t0.elapsed() < Duration::from_secs(120) {
            if let Some(s) = child.try_wait().unwrap() {
                finished = Some(s);
                break;
            }
            if db.number("SELECT COUNT(*) FROM members") >= target {
                std::thread::sleep(extra);
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        let wait = t0.elapsed();
        kill(&mut child);
        let acknowledged = finished.is_some_and(|s| s.success());

        let (members, counted) = members_and_counted(&db);
        let at = format!("round {round}, killed after {wait:?}");
        eprintln!(
            "import {at}: {} of {N} rows stored{}",
            members - expected,
            if acknowledged {
                ", the import had ended"
            } else {
                ""
            }
        );
        assert_eq!(members, counted, "{at}: a batch is half-written");
        assert!(
            members >= expected && members <= expected + i64::from(N),
            "{at}: {members} members, {expected} before"
        );
        if acknowledged {
            assert_eq!(
                members,
                expected + i64::from(N),
                "{at}: acknowledged import"
            );
        }
        db.ledger_check(&at);

        // The same file again completes the import and changes nothing already stored.
        let rerun = db
            .huzhu()
            .args(["import", "members"])
            .arg(&file)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&rerun.stdout);
        assert!(rerun.status.success(), "{at}: rerun: {text}");
        assert!(text.contains(&format!("共 {N} 行")), "{at}: {text}");
        assert!(text.contains("更新 0"), "{at}: {text}");
        assert!(text.contains("有误 0"), "{at}: {text}");
        expected += i64::from(N);
        assert_eq!(members_and_counted(&db), (expected, expected), "{at}");
    }
}

#[test]
fn a_roster_import_killed_at_random_points_keeps_whole_batches_on_sqlite() {
    import_rounds(false);
}

#[test]
fn a_roster_import_killed_at_random_points_keeps_whole_batches_on_postgresql() {
    import_rounds(true);
}

// ---------------------------------------------------------------------------------------------
// The server: claim submissions, a campaign's grants, a payout batch's settlement.

struct Server<'a> {
    db: &'a Db,
    port: u16,
    child: Child,
}

impl Server<'_> {
    fn start(db: &Db, demo: bool) -> Server<'_> {
        let port = free_port();
        let child = db.serve(port, demo);
        wait_up(port);
        Server { db, port, child }
    }

    fn restart(&mut self) {
        kill(&mut self.child);
        self.child = self.db.serve(self.port, false);
        wait_up(self.port);
    }

    fn sign_in(&self, user: &str) -> String {
        let body = format!(r#"{{"username":"{user}","password":"huzhu-demo-2022"}}"#);
        let (status, s) = call(self.port, "POST", "/api/v1/session", None, &body).unwrap();
        assert_eq!(status, 200, "{user}: {s}");
        s["token"].as_str().unwrap().to_string()
    }

    /// A call that must be answered `want`.
    fn ok(
        &self,
        token: &str,
        method: &str,
        path: &str,
        body: &str,
        want: u16,
    ) -> serde_json::Value {
        let (status, v) = call(self.port, method, path, Some(token), body)
            .unwrap_or_else(|| panic!("{method} {path}: no answer"));
        assert_eq!(status, want, "{method} {path}: {v}");
        v
    }
}

impl Drop for Server<'_> {
    fn drop(&mut self) {
        kill(&mut self.child);
    }
}

/// In-service members of 临安 (enrolled by the demo in hangzhou-2022): (id, has a bank account).
fn la_members(s: &Server, token: &str) -> Vec<(i64, bool)> {
    let v = s.ok(token, "GET", "/api/v1/members?org=LA&limit=1000", "", 200);
    v["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["status"] == "在职")
        .map(|m| (m["id"].as_i64().unwrap(), m["bank_account"].is_string()))
        .collect()
}

fn claim_body(member: i64, invoice: &str) -> String {
    format!(
        r#"{{"member_id":{member},"policy":"hangzhou-2022","submit":true,"claim":{{"kind":"hospital_stay","admitted":"2022-05-01","discharged":"2022-05-08","hospital_grade":3,"costs_fen":{{"total":2000000,"self_borne":800000}},"invoices":["{invoice}"]}}}}"#
    )
}

/// The claims the maintained statistics count (the top orgs' rows hold their whole subtree).
const COUNTED_CLAIMS: &str =
    "SELECT CAST(COALESCE(SUM(s.claims), 0) AS BIGINT) FROM stat_claims s \
     JOIN orgs o ON o.id = s.org_id WHERE o.parent_id IS NULL AND s.dimension = 'all'";

/// Claims: eight clients submit until the server is killed after a random number of answers.
fn claim_round(s: &mut Server, rng: &mut Rng, round: usize, members: &[(i64, bool)]) {
    let token = s.sign_in("district.staff");
    let before = s.db.number("SELECT COUNT(*) FROM claims");
    let counted_before = s.db.number(COUNTED_CLAIMS);
    let acknowledged: Arc<Mutex<Vec<i64>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let port = s.port;
    let clients: Vec<_> = (0..8)
        .map(|c| {
            let (acknowledged, stop, token) = (acknowledged.clone(), stop.clone(), token.clone());
            let members: Vec<i64> = members.iter().map(|m| m.0).collect();
            std::thread::spawn(move || {
                let mut i = 0usize;
                while !stop.load(Ordering::Relaxed) {
                    i += 1;
                    let member = members[(c * 131 + i * 17) % members.len()];
                    let body = claim_body(member, &format!("KILL-{round}-{c}-{i}"));
                    match call(port, "POST", "/api/v1/claims", Some(&token), &body) {
                        Some((201, v)) => {
                            acknowledged.lock().unwrap().push(v["id"].as_i64().unwrap())
                        }
                        Some((status, v)) => panic!("a claim was answered {status}: {v}"),
                        None => return, // the server is gone
                    }
                }
            })
        })
        .collect();
    let kill_after = 1 + rng.below(80) as usize;
    let t0 = Instant::now();
    while acknowledged.lock().unwrap().len() < kill_after && t0.elapsed() < Duration::from_secs(120)
    {
        std::thread::sleep(Duration::from_millis(1));
    }
    kill(&mut s.child);
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    let at = format!("claims round {round}, killed after {kill_after} answers");
    assert!(
        acknowledged.len() >= kill_after,
        "{at}: {}",
        acknowledged.len()
    );

    s.restart();
    let token = s.sign_in("district.staff");
    for id in &acknowledged {
        let v = s.ok(&token, "GET", &format!("/api/v1/claims/{id}"), "", 200);
        assert_eq!(v["state"], "submitted", "{at}: claim {id}: {v}");
    }
    let after = s.db.number("SELECT COUNT(*) FROM claims");
    eprintln!(
        "{at}: {} acknowledged, {} stored",
        acknowledged.len(),
        after - before
    );
    assert!(
        after - before >= acknowledged.len() as i64,
        "{at}: {before} → {after}"
    );
    // Whole claims: each with its event, and the statistics count every claim.
    assert_eq!(
        s.db.number(
            "SELECT COUNT(*) FROM claims c WHERE NOT EXISTS (SELECT 1 FROM claim_events e \
             WHERE e.tenant_id = c.tenant_id AND e.claim_id = c.id)"
        ),
        0,
        "{at}: a claim without its event"
    );
    assert_eq!(
        s.db.number(COUNTED_CLAIMS) - counted_before,
        after - before,
        "{at}: the statistics miss a claim"
    );
    s.db.ledger_check(&at);
}

/// The campaign fund's balance and the number of live grants of a campaign.
fn campaign_state(db: &Db, campaign: i64) -> (i64, i64) {
    (
        db.number(
            "SELECT CAST(COALESCE(SUM(balance_fen), 0) AS BIGINT) FROM programme_funds \
             WHERE fund = 'campaign'",
        ),
        db.number(&format!(
            "SELECT COUNT(*) FROM grants WHERE campaign_id = {campaign} \
             AND state NOT IN ('refused', 'withdrawn')"
        )),
    )
}

/// A campaign's grants: new recipients are listed, the grant is killed at a random point; after
/// the restart it is all there or not at all, and granting again completes it.
fn campaign_round(
    s: &mut Server,
    rng: &mut Rng,
    round: usize,
    campaign: i64,
    fresh: &mut Vec<i64>,
) {
    let staff = s.sign_in("city.staff");
    let listed: Vec<i64> = fresh.drain(..fresh.len().min(12)).collect();
    assert!(!listed.is_empty(), "no members left to list");
    for m in &listed {
        let body = format!(r#"{{"member":{m},"reason":"崩溃测试","cash_fen":50000}}"#);
        s.ok(
            &staff,
            "POST",
            &format!("/api/v1/campaigns/{campaign}/recipients"),
            &body,
            200,
        );
    }
    let (balance, grants) = campaign_state(s.db, campaign);
    let port = s.port;
    let path = format!("/api/v1/campaigns/{campaign}/grant");
    let t = staff.clone();
    let client = std::thread::spawn(move || call(port, "POST", &path, Some(&t), ""));
    let wait = Duration::from_micros(rng.below(s.db.kill_window_us()));
    std::thread::sleep(wait);
    kill(&mut s.child);
    let answer = client.join().unwrap();
    let at = format!("campaign round {round}, killed after {wait:?}");
    s.restart();
    let (balance_after, grants_after) = campaign_state(s.db, campaign);
    eprintln!(
        "{at}: {}, {} grants written ({} members listed this round)",
        if matches!(answer, Some((200, _))) {
            "acknowledged"
        } else {
            "not acknowledged"
        },
        grants_after - grants,
        listed.len()
    );
    s.db.ledger_check(&at);
    // Granting again completes the list: then every member listed has a live grant.
    let staff = s.sign_in("city.staff");
    let again = s.ok(
        &staff,
        "POST",
        &format!("/api/v1/campaigns/{campaign}/grant"),
        "",
        200,
    );
    let (_, done) = campaign_state(s.db, campaign);
    for m in &listed {
        assert_eq!(
            s.db.number(&format!(
                "SELECT COUNT(*) FROM grants WHERE campaign_id = {campaign} AND member_id = {m} \
                 AND state NOT IN ('refused', 'withdrawn')"
            )),
            1,
            "{at}: member {m} has no grant after granting again"
        );
    }
    match &answer {
        Some((200, v)) => {
            let granted = v["granted"].as_i64().unwrap();
            assert_eq!(grants_after, grants + granted, "{at}: acknowledged {v}");
            assert_eq!(
                balance_after,
                balance - v["total_fen"].as_i64().unwrap(),
                "{at}"
            );
            assert_eq!(again["granted"], 0, "{at}: granted twice: {again}");
        }
        Some((status, v)) => panic!("{at}: the grant was answered {status}: {v}"),
        // Not acknowledged: all of it or none of it.
        None => assert!(
            grants_after == grants || grants_after == done,
            "{at}: {grants} grants before, {grants_after} after the kill, {done} in all: \
             half-written"
        ),
    }
    s.db.ledger_check(&at);
}

/// A payout batch of the approved grants: settled by the cashier and killed at a random point;
/// after the restart it is settled with every line or still open with every line pending, and
/// an open one settles.
fn payout_round(s: &mut Server, rng: &mut Rng, round: usize) {
    let finance = s.sign_in("finance");
    let built = s.ok(
        &finance,
        "POST",
        "/api/v1/payout-batches",
        r#"{"org":"HZ"}"#,
        201,
    );
    let id = built["batch"]["id"].as_i64().unwrap();
    let lines = built["lines"].as_array().unwrap().len();
    assert!(lines > 0, "an empty batch: {built}");
    let cashier = s.sign_in("cashier");
    let port = s.port;
    let path = format!("/api/v1/payout-batches/{id}/settlement");
    let t = cashier.clone();
    let client =
        std::thread::spawn(move || call(port, "POST", &path, Some(&t), r#"{"failures":[]}"#));
    let wait = Duration::from_micros(rng.below(s.db.kill_window_us()));
    std::thread::sleep(wait);
    kill(&mut s.child);
    let answer = client.join().unwrap();
    let at = format!("payout round {round}, batch {id} of {lines} lines, killed after {wait:?}");
    s.restart();
    let status = |db: &Db| {
        (
            db.number(&format!(
                "SELECT COUNT(*) FROM payout_batches WHERE id = {id} AND status = 'open'"
            )),
            db.number(&format!(
                "SELECT COUNT(*) FROM payout_lines WHERE batch_id = {id} AND status = 'pending'"
            )),
            db.number(&format!(
                "SELECT COUNT(*) FROM payout_lines WHERE batch_id = {id} AND status = 'paid'"
            )),
        )
    };
    let (open, pending, paid) = status(s.db);
    eprintln!(
        "{at}: {}, batch {}",
        if matches!(answer, Some((200, _))) {
            "acknowledged"
        } else {
            "not acknowledged"
        },
        if open == 1 { "open" } else { "settled" }
    );
    match &answer {
        Some((200, v)) => {
            assert_eq!(
                (open, pending, paid),
                (0, 0, lines as i64),
                "{at}: acknowledged {v}"
            )
        }
        Some((st, v)) => panic!("{at}: the settlement was answered {st}: {v}"),
        None => assert!(
            (open, pending, paid) == (1, lines as i64, 0)
                || (open, pending, paid) == (0, 0, lines as i64),
            "{at}: open {open}, pending {pending}, paid {paid}: half-settled"
        ),
    }
    assert_eq!(
        s.db.number(&format!(
            "SELECT COUNT(*) FROM payout_lines l JOIN grants g ON g.tenant_id = l.tenant_id \
             AND g.id = l.grant_id WHERE l.batch_id = {id} AND l.status = 'paid' \
             AND g.state <> 'paid'"
        )),
        0,
        "{at}: a paid line whose grant is not paid"
    );
    s.db.ledger_check(&at);
    if open == 1 {
        let cashier = s.sign_in("cashier");
        let path = format!("/api/v1/payout-batches/{id}/settlement");
        s.ok(&cashier, "POST", &path, r#"{"failures":[]}"#, 200);
        assert_eq!(status(s.db), (0, 0, lines as i64), "{at}: settled again");
        s.db.ledger_check(&at);
    }
}

fn server_rounds(postgres: bool) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = Db::new(dir.path(), postgres, "serve") else {
        return;
    };
    let mut rng = Rng::seeded("server");
    let mut s = Server::start(&db, true);
    let staff = s.sign_in("district.staff");
    let members = la_members(&s, &staff);
    assert!(members.len() > 100, "{} members", members.len());

    // The campaign of the demo, with money in its fund for every round's recipients.
    let city = s.sign_in("city.staff");
    let campaigns = s.ok(&city, "GET", "/api/v1/campaigns", "", 200);
    let campaign = campaigns
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["state"] == "open")
        .unwrap_or_else(|| panic!("no open campaign in the demo: {campaigns}"))["id"]
        .as_i64()
        .unwrap();
    let finance = s.sign_in("finance");
    s.ok(
        &finance,
        "POST",
        "/api/v1/funds/campaign/deposits",
        r#"{"amount_fen":100000000,"reference":"崩溃测试拨款"}"#,
        201,
    );
    let recipients = s.ok(
        &city,
        "GET",
        &format!("/api/v1/campaigns/{campaign}/recipients?limit=1000"),
        "",
        200,
    );
    let listed: BTreeSet<i64> = recipients
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["member"].as_i64())
        .collect();
    let mut fresh: Vec<i64> = members
        .iter()
        .filter(|(id, bank)| *bank && !listed.contains(id))
        .map(|(id, _)| *id)
        .collect();

    for round in 0..rounds() {
        claim_round(&mut s, &mut rng, round, &members);
        campaign_round(&mut s, &mut rng, round, campaign, &mut fresh);
        payout_round(&mut s, &mut rng, round);
    }
}

#[test]
fn the_server_killed_during_claims_grants_and_a_settlement_loses_no_acknowledged_write_on_sqlite() {
    server_rounds(false);
}

#[test]
fn the_server_killed_during_claims_grants_and_a_settlement_loses_no_acknowledged_write_on_postgresql(
) {
    server_rounds(true);
}
