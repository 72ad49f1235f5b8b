//! 春风行动 receipts across a crash (issue 16): `huzhu serve` records donations from eight
//! clients at once and is killed with SIGKILL in the middle; after a restart every donation the
//! server acknowledged is there with its receipt, the year's receipt numbers run 1…max with
//! none missing or repeated, and `huzhu ledger check` holds. On SQLite always, and on
//! PostgreSQL in a database of its own when `HUZHU_TEST_POSTGRES_URL` is set (required when
//! `HUZHU_REQUIRE_POSTGRES=1`), as the other PostgreSQL command-line tests do.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub(super) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Where the server keeps its data: the SQLite file under `--data-dir`, or a PostgreSQL
/// database (`HUZHU_DATABASE_URL`).
#[derive(Clone)]
enum Backend {
    Sqlite,
    Postgres(String),
}

fn huzhu(data: &Path, backend: &Backend) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("huzhu"));
    cmd.env_remove("HUZHU_DATABASE_URL")
        .arg("--data-dir")
        .arg(data);
    if let Backend::Postgres(url) = backend {
        cmd.env("HUZHU_DATABASE_URL", url);
    }
    cmd
}

fn serve(data: &Path, backend: &Backend, port: u16, demo: bool) -> Child {
    spawn_server(huzhu(data, backend), port, demo)
}

/// `huzhu serve` on the port, with the demo or not, its output dropped.
pub(super) fn spawn_server(mut cmd: Command, port: u16, demo: bool) -> Child {
    cmd.arg("serve")
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if demo {
        cmd.arg("--demo");
    }
    cmd.spawn().unwrap()
}

/// One HTTP/1.1 exchange on a fresh connection: the status and the body as JSON (null when
/// the body is not JSON). `None` when the connection fails or is cut (the server was killed).
pub(super) fn call(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &str,
) -> Option<(u16, serde_json::Value)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(60))).ok()?;
    let auth = token
        .map(|t| format!("authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n\
         content-length: {}\r\n{auth}connection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).ok()?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).ok()?;
    let text = String::from_utf8_lossy(&raw);
    let status: u16 = text.split(' ').nth(1)?.parse().ok()?;
    let (head, rest) = text.split_once("\r\n\r\n")?;
    // The body may come chunked: take the JSON between the first '{' or '[' and the last '}'/']'.
    let json = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        let start = rest.find(['{', '['])?;
        let end = rest.rfind(['}', ']'])?;
        &rest[start..=end]
    } else {
        rest
    };
    Some((
        status,
        serde_json::from_str(json).unwrap_or(serde_json::Value::Null),
    ))
}

pub(super) fn wait_up(port: u16) {
    // Loading the demo into PostgreSQL takes longer than into SQLite.
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(600) {
        if let Some((200, _)) = call(port, "GET", "/health", None, "") {
            return;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("the server did not answer /health within 600 s");
}

fn sign_in(port: u16) -> String {
    let (status, s) = call(
        port,
        "POST",
        "/api/v1/session",
        None,
        r#"{"username":"city.staff","password":"huzhu-demo-2022"}"#,
    )
    .unwrap();
    assert_eq!(status, 200, "{s}");
    s["token"].as_str().unwrap().to_string()
}

#[test]
fn a_server_killed_while_recording_donations_leaves_every_acknowledged_receipt_and_no_gap() {
    killed_while_recording(&Backend::Sqlite);
}

#[test]
fn on_postgresql_a_server_killed_while_recording_donations_leaves_no_gap_either() {
    let Ok(url) = std::env::var("HUZHU_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var("HUZHU_REQUIRE_POSTGRES").is_err(),
            "HUZHU_REQUIRE_POSTGRES is set but HUZHU_TEST_POSTGRES_URL is not"
        );
        eprintln!("skipping: HUZHU_TEST_POSTGRES_URL is not set");
        return;
    };
    // A database of its own, made fresh and dropped afterwards.
    let name = format!("huzhu_receipts_kill_{}", std::process::id());
    let admin = |sql: String| {
        let url = url.clone();
        block_on(async move {
            use sqlx::Connection;
            let mut c = sqlx::PgConnection::connect(&url).await.unwrap();
            sqlx::query(&sql).execute(&mut c).await.unwrap();
        })
    };
    admin(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    admin(format!("CREATE DATABASE {name}"));
    let (base, _) = url.rsplit_once('/').unwrap();
    killed_while_recording(&Backend::Postgres(format!("{base}/{name}")));
    admin(format!("DROP DATABASE {name} WITH (FORCE)"));
}

fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// The receipts' (year, sequence) as the database holds them, in order.
fn receipt_rows(data: &Path, backend: &Backend) -> Vec<(i64, i64)> {
    const SQL: &str = "SELECT CAST(year AS BIGINT), CAST(seq AS BIGINT) FROM receipts \
                       ORDER BY year, seq";
    block_on(async {
        use sqlx::Connection;
        match backend {
            // Each connection is closed (not merely dropped) before `huzhu ledger check` opens
            // the database: SQLite's lock goes with the close.
            Backend::Sqlite => {
                let url = format!("sqlite://{}", data.join("huzhu.db").display());
                let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
                let rows = sqlx::query_as(SQL).fetch_all(&mut c).await.unwrap();
                c.close().await.unwrap();
                rows
            }
            Backend::Postgres(url) => {
                let mut c = sqlx::PgConnection::connect(url).await.unwrap();
                let rows = sqlx::query_as(SQL).fetch_all(&mut c).await.unwrap();
                c.close().await.unwrap();
                rows
            }
        }
    })
}

fn killed_while_recording(backend: &Backend) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let port = free_port();
    let mut server = serve(&data, backend, port, true);
    wait_up(port);
    let token = sign_in(port);

    // Eight clients record donations until the server dies under them.
    let acknowledged: Arc<Mutex<Vec<(String, i64)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..8)
        .map(|c| {
            let (acknowledged, stop, token) = (acknowledged.clone(), stop.clone(), token.clone());
            std::thread::spawn(move || {
                let mut i = 0i64;
                while !stop.load(Ordering::Relaxed) {
                    i += 1;
                    let amount = 100 + c * 100_000 + i;
                    let body = format!(
                        r#"{{"donor_kind":"person","donor_name":"崩溃测试","channel":"cash","amount_fen":{amount}}}"#
                    );
                    match call(port, "POST", "/api/v1/donations", Some(&token), &body) {
                        Some((201, d)) => {
                            let receipt = d["receipt"].as_str().unwrap().to_string();
                            acknowledged.lock().unwrap().push((receipt, amount));
                        }
                        Some((status, d)) => panic!("a donation was answered {status}: {d}"),
                        None => return, // the server is gone
                    }
                }
            })
        })
        .collect();
    // Kill once a good number are in, but while the clients are still sending.
    let t0 = Instant::now();
    while acknowledged.lock().unwrap().len() < 60 && t0.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(10));
    }
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() >= 60,
        "only {} acknowledged",
        acknowledged.len()
    );

    // A restart, then what the database holds.
    let mut server = serve(&data, backend, port, false);
    wait_up(port);
    let token = sign_in(port);
    for (receipt, amount) in &acknowledged {
        let (status, r) = call(
            port,
            "GET",
            &format!("/api/v1/receipts/{receipt}"),
            Some(&token),
            "",
        )
        .unwrap();
        assert_eq!(
            status, 200,
            "acknowledged receipt {receipt} is missing: {r}"
        );
        assert_eq!(r["amount_fen"].as_i64(), Some(*amount), "{r}");
    }
    server.kill().unwrap();
    server.wait().unwrap();

    let rows = receipt_rows(&data, backend);
    let mut years: std::collections::BTreeMap<i64, Vec<i64>> = Default::default();
    for (year, seq) in &rows {
        years.entry(*year).or_default().push(*seq);
    }
    for (year, seqs) in &years {
        let expected: Vec<i64> = (1..=seqs.len() as i64).collect();
        assert_eq!(
            seqs,
            &expected,
            "receipts of {year} are not 1…{}",
            seqs.len()
        );
    }
    let biggest = acknowledged
        .iter()
        .map(|(r, _)| r.as_str())
        .max()
        .unwrap()
        .to_string();
    let year: i64 = biggest[2..6].parse().unwrap();
    assert!(
        years[&year].len() >= acknowledged.len(),
        "{} receipts in {year}, {} acknowledged",
        years[&year].len(),
        acknowledged.len()
    );

    let out = huzhu(&data, backend)
        .args(["ledger", "check"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "ledger check after the crash: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
