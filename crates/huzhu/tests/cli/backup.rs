//! `huzhu backup` of a database being written, `huzhu restore` of it into another place, and the
//! restore's refusals (issue 18): a damaged or foreign file changes nothing.

use assert_cmd::Command;
use std::path::Path;
use std::time::{Duration, Instant};

fn huzhu(data: &Path) -> Command {
    let mut c = Command::cargo_bin("huzhu").unwrap();
    c.arg("--data-dir")
        .arg(data)
        .env_remove("HUZHU_DATABASE_URL");
    c
}

fn ledger(data: &Path) -> serde_json::Value {
    let out = huzhu(data)
        .args(["ledger", "check", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn a_backup_taken_while_the_demo_is_written_restores_and_its_ledger_checks_out() {
    let source = tempfile::tempdir().unwrap();
    let target = tempfile::tempdir().unwrap();
    let copy = target.path().join("copy.db");
    // The demo writes for many seconds, transaction after transaction: back up in the middle.
    let mut writer = std::process::Command::new(env!("CARGO_BIN_EXE_huzhu"))
        .arg("--data-dir")
        .arg(source.path())
        .arg("demo")
        .env_remove("HUZHU_DATABASE_URL")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let db = source.path().join("huzhu.db");
    let start = Instant::now();
    while !db.exists() && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_secs(2));
    huzhu(source.path())
        .arg("backup")
        .arg(&copy)
        .assert()
        .success();
    let still_writing = writer.try_wait().unwrap().is_none();
    assert!(writer.wait().unwrap().success());
    assert!(
        still_writing,
        "the demo ended before the backup: nothing was written beside it"
    );

    let restored = target.path().join("data");
    huzhu(&restored)
        .arg("restore")
        .arg(&copy)
        .assert()
        .success();
    let mid = ledger(&restored);
    assert_eq!(mid["ok"], true, "{mid}");
    let whole = ledger(source.path());
    assert_eq!(whole["ok"], true, "{whole}");
    assert!(
        mid["entries"].as_u64().unwrap() < whole["entries"].as_u64().unwrap(),
        "the copy is the database as of a moment during the writes: {mid} vs {whole}"
    );

    // A backup never overwrites; a restore sets the database it replaces aside.
    huzhu(source.path())
        .arg("backup")
        .arg(&copy)
        .assert()
        .code(2);
    huzhu(&restored)
        .arg("restore")
        .arg(&copy)
        .assert()
        .success();
    let aside = std::fs::read_dir(&restored)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("huzhu.db.before-restore-")
        })
        .count();
    assert_eq!(aside, 1);
    assert_eq!(ledger(&restored)["entries"], mid["entries"]);
}

#[test]
fn a_damaged_or_foreign_file_is_not_restored_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let garbage = dir.path().join("garbage.db");
    std::fs::write(&garbage, b"this is not a database at all, just words").unwrap();
    huzhu(&data)
        .arg("restore")
        .arg(&garbage)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("未恢复"));
    // An SQLite file huzhu never made (migrating it would make an empty huzhu of it): refused.
    let foreign = dir.path().join("foreign.db");
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        use sqlx::ConnectOptions;
        let mut c = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&foreign)
            .create_if_missing(true)
            .connect()
            .await
            .unwrap();
        sqlx::query("CREATE TABLE accounts (name TEXT)")
            .execute(&mut c)
            .await
            .unwrap();
    });
    huzhu(&data)
        .arg("restore")
        .arg(&foreign)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not a huzhu database"));
    huzhu(&data)
        .arg("restore")
        .arg(dir.path().join("missing.db"))
        .assert()
        .code(2);
    assert!(!data.join("huzhu.db").exists(), "nothing was put in place");
    assert!(!data.join("huzhu.db.restoring").exists());
    // PostgreSQL has its own tools: the commands say so.
    Command::cargo_bin("huzhu")
        .unwrap()
        .env("HUZHU_DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .arg("backup")
        .arg(dir.path().join("pg.db"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("pg_dump"));
}
