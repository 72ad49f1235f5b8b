//! Black-box tests of roster import, member lists and the demo.

use assert_cmd::Command;
use huzhu_domain::id_number::check_character;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../huzhu-import/tests/fixtures")
        .join(name)
}

/// `huzhu` with its own data directory (and so its own SQLite database).
fn huzhu(data: &Path) -> Command {
    let mut cmd = Command::cargo_bin("huzhu").unwrap();
    cmd.env_remove("HUZHU_DATABASE_URL")
        .env("HUZHU_DATA_DIR", data.join("huzhu-data"))
        .current_dir(data);
    cmd
}

fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn members_json(cmd: &mut Command) -> Vec<serde_json::Value> {
    serde_json::from_str::<Vec<serde_json::Value>>(&stdout_of(cmd)).unwrap()
}

fn member_rows(d: &Path) -> usize {
    stdout_of(huzhu(d).args(["members", "list", "--format", "csv"]))
        .lines()
        .count()
        - 1
}

#[test]
fn a_roster_imports_reimports_unchanged_and_reports_bad_rows_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    huzhu(d)
        .args(["import", "orgs"])
        .arg(fixture("orgs.csv"))
        .assert()
        .code(0);
    let first = stdout_of(
        huzhu(d)
            .args(["import", "members"])
            .arg(fixture("members.csv")),
    );
    assert!(first.contains("新增 10"), "{first}");
    let again = stdout_of(
        huzhu(d)
            .args(["import", "members"])
            .arg(fixture("members.csv")),
    );
    assert!(
        again.contains("新增 0, 更新 0, 无变化 10, 有误 0"),
        "{again}"
    );

    let report = d.join("errors.csv");
    let out = huzhu(d)
        .args(["import", "members"])
        .arg(fixture("members-messy-gbk.csv"))
        .arg("--errors")
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "some rows rejected");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("第10行 [*公民身份号码] 校验位错误"),
        "{stderr}"
    );
    // Where and why, then the row as the file holds it, under the file's own header.
    let report = std::fs::read_to_string(&report).unwrap();
    let mut lines = report.lines();
    assert_eq!(
        lines.next().unwrap(),
        "错误行号(row),错误列(column),错误原因(reason),序号,*职工姓名,*公民身份号码,性 别,出生年月,\
         联系电话,*所属工会代码,人员状态,入会时间,人员类别,备注"
    );
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("10,*公民身份号码,\"校验位错误"),
        "{report}"
    );
    assert!(
        report.contains(
            ",6,孙强,330112199001010010,男,1990-01-01,13900139001,LA-JN-001,在职,,,校验位错"
        ),
        "{report}"
    );
    assert_eq!(
        report.lines().filter(|l| l.starts_with("14,")).count(),
        1,
        "one line per row, its four problems together: {report}"
    );
}

#[test]
fn the_error_report_holds_the_rows_cells_and_fixed_it_imports_back() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    huzhu(d)
        .args(["import", "orgs"])
        .arg(fixture("orgs.csv"))
        .assert()
        .code(0);
    let good = format!(
        "33011219900101001{}",
        check_character("33011219900101001").unwrap()
    );
    let file = d.join("members.csv");
    std::fs::write(
        &file,
        "姓名,身份证号,手机号,工会代码,在职状态\n\
         王芳,330106198503150024,13800138000,LA-JN-001,在职\n\
         张伟,330112199001010010,13900139000,LA-JN-001,在职\n\
         刘洋,330185197805120032,,LA-XX-009,在职\n",
    )
    .unwrap();
    let report = d.join("errors.csv");
    let out = huzhu(d)
        .args(["import", "members"])
        .arg(&file)
        .arg("--errors")
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "two rows rejected");
    let text = std::fs::read_to_string(&report).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(
        lines[0],
        "错误行号(row),错误列(column),错误原因(reason),姓名,身份证号,手机号,工会代码,在职状态"
    );
    assert!(lines[1].starts_with("3,身份证号,"), "{text}");
    assert!(
        lines[1].ends_with(",张伟,330112199001010010,13900139000,LA-JN-001,在职"),
        "the reader's refusal keeps the cells: {text}"
    );
    assert!(lines[2].starts_with("4,工会代码,"), "{text}");
    assert!(
        lines[2].ends_with(",刘洋,330185197805120032,,LA-XX-009,在职"),
        "the store's refusal keeps the cells too: {text}"
    );

    // The officer fixes the two cells in the report itself and imports the report.
    let fixed = text
        .replace("330112199001010010", &good)
        .replace("LA-XX-009", "LA-JN-002");
    std::fs::write(&report, fixed).unwrap();
    let again = stdout_of(huzhu(d).args(["import", "members"]).arg(&report));
    assert!(again.contains("共 2 行, 新增 2"), "{again}");
    assert!(again.contains("有误 0"), "{again}");
    assert_eq!(member_rows(d), 3);
}

#[test]
fn a_file_without_the_required_columns_is_bad_input_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    huzhu(d)
        .args(["import", "orgs"])
        .arg(fixture("orgs.csv"))
        .assert()
        .code(0);
    let file = d.join("short.csv");
    std::fs::write(&file, "姓名,手机号\n王芳,13800138000\n").unwrap();
    huzhu(d)
        .args(["import", "members"])
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("身份证号"));
    assert_eq!(member_rows(d), 0);
}

#[test]
fn members_list_masks_personal_data_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    huzhu(d)
        .args(["import", "orgs"])
        .arg(fixture("orgs.csv"))
        .assert()
        .code(0);
    huzhu(d)
        .args(["import", "members"])
        .arg(fixture("members.csv"))
        .assert()
        .code(0);
    let all = members_json(huzhu(d).args(["members", "list", "--format", "json"]));
    assert_eq!(all.len(), 10);
    let sc = members_json(huzhu(d).args(["members", "list", "--org", "SC", "--format", "json"]));
    assert!(!sc.is_empty() && sc.len() < 10);
    assert!(sc
        .iter()
        .all(|m| m["org"].as_str().unwrap().starts_with("SC-")));
    for m in &all {
        let id = m["id_number"].as_str().unwrap();
        assert_eq!(&id[4..14], "**********", "{id}");
    }
    let table = stdout_of(huzhu(d).args(["members", "list"]));
    let csv = stdout_of(huzhu(d).args(["members", "list", "--format", "csv"]));
    for text in [&table, &csv] {
        assert!(!text.contains("330106198503150024"));
        assert!(text.contains("3301**********0024"));
        assert!(!text.contains("13800138000"));
    }
    assert_eq!(csv.lines().count(), 11);
}

#[test]
fn a_database_url_that_is_neither_sqlite_nor_postgres_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    huzhu(dir.path())
        .args(["--database-url", "mysql://x", "members", "list"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("sqlite://"));
    let file = dir.path().join("other.db");
    huzhu(dir.path())
        .arg("--database-url")
        .arg(format!("sqlite://{}", file.display()))
        .args(["import", "orgs"])
        .arg(fixture("orgs.csv"))
        .assert()
        .code(0);
    assert!(file.exists());
}

/// Writes a member roster of `n` rows numbered from `from` under the fixture units, valid IDs
/// throughout (also the kill -9 matrix's rosters).
pub(super) fn numbered_roster(path: &Path, from: u32, n: u32) {
    let mut s = String::from("姓名,身份证号,工会代码,在职状态,手机号\n");
    for i in from..from + n {
        let day = 1 + i % 28;
        let month = 1 + (i / 28) % 12;
        let year = 1960 + (i / 336) % 40;
        let seq = (i / 13440) % 1000;
        let first17 = format!("330112{year:04}{month:02}{day:02}{seq:03}");
        let id = format!("{first17}{}", check_character(&first17).unwrap());
        let unit = ["LA-JN-001", "LA-JN-002", "SC-XH-001"][(i % 3) as usize];
        s.push_str(&format!(
            "职工{},{id},{unit},在职,138{:08}\n",
            to_letters(i),
            i
        ));
    }
    std::fs::write(path, s).unwrap();
}

fn to_letters(mut i: u32) -> String {
    let digits = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"];
    let mut s = String::new();
    loop {
        s.insert_str(0, digits[(i % 10) as usize]);
        i /= 10;
        if i == 0 {
            return s;
        }
    }
}

#[test]
fn an_import_killed_midway_leaves_whole_batches_and_a_rerun_completes_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    huzhu(d)
        .args(["import", "orgs"])
        .arg(fixture("orgs.csv"))
        .assert()
        .code(0);
    let roster = d.join("big.csv");
    let n = 20_000;
    numbered_roster(&roster, 0, n);

    let bin = assert_cmd::cargo::cargo_bin("huzhu");
    let mut child = std::process::Command::new(&bin)
        .env("HUZHU_DATA_DIR", d.join("huzhu-data"))
        .env_remove("HUZHU_DATABASE_URL")
        .current_dir(d)
        .args(["import", "members"])
        .arg(&roster)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once some batches are in (or let it be if it ends first on a fast machine).
    for _ in 0..500 {
        std::thread::sleep(Duration::from_millis(20));
        if member_rows(d) > 0 || child.try_wait().unwrap().is_some() {
            break;
        }
    }
    let _ = child.kill(); // SIGKILL on Unix
    let _ = child.wait();

    let stored = member_rows(d);
    assert!(stored <= n as usize);

    let rerun = stdout_of(huzhu(d).args(["import", "members"]).arg(&roster));
    assert!(rerun.contains(&format!("共 {n} 行")), "{rerun}");
    assert!(
        rerun.contains("更新 0"),
        "nothing stored was changed: {rerun}"
    );
    assert!(rerun.contains("有误 0"), "{rerun}");
    assert_eq!(member_rows(d), n as usize);
}

#[test]
fn the_same_commands_run_on_postgresql_when_a_url_is_given() {
    let Ok(url) = std::env::var("HUZHU_TEST_POSTGRES_URL") else {
        assert!(std::env::var("HUZHU_REQUIRE_POSTGRES").is_err());
        eprintln!("skipping: HUZHU_TEST_POSTGRES_URL is not set");
        return;
    };
    let name = format!("huzhu_cli_{}", std::process::id());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let admin = |sql: String| {
        let url = url.clone();
        rt.block_on(async move {
            use sqlx::Connection;
            let mut c = sqlx::PgConnection::connect(&url).await.unwrap();
            sqlx::query(&sql).execute(&mut c).await.unwrap();
        })
    };
    admin(format!("DROP DATABASE IF EXISTS {name}"));
    admin(format!("CREATE DATABASE {name}"));
    let (base, _) = url.rsplit_once('/').unwrap();
    let db_url = format!("{base}/{name}");
    let dir = tempfile::tempdir().unwrap();
    let pg = |args: &[&str]| {
        let mut c = huzhu(dir.path());
        c.env("HUZHU_DATABASE_URL", &db_url).args(args);
        c
    };
    pg(&["import", "orgs"])
        .arg(fixture("orgs.csv"))
        .assert()
        .code(0);
    pg(&["import", "members"])
        .arg(fixture("members.csv"))
        .assert()
        .code(0);
    let again = stdout_of(pg(&["import", "members"]).arg(fixture("members.csv")));
    assert!(again.contains("无变化 10"), "{again}");
    let listed = members_json(&mut pg(&[
        "members", "list", "--org", "LA", "--format", "json",
    ]));
    assert!(!listed.is_empty());
    assert!(
        !dir.path().join("huzhu-data").exists(),
        "no SQLite file made"
    );
    admin(format!("DROP DATABASE {name} WITH (FORCE)"));
}

#[test]
fn the_demo_loads_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    huzhu(d)
        .arg("demo")
        .assert()
        .code(0)
        .stderr(predicates::str::contains("已载入"));
    huzhu(d)
        .arg("demo")
        .assert()
        .code(0)
        .stderr(predicates::str::contains("已存在"));
    let csv = stdout_of(huzhu(d).args(["members", "list", "--org", "HZ", "--format", "csv"]));
    assert!(csv.lines().count() > 3000, "a few thousand members");
}
