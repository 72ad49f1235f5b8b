//! Black-box tests of `huzhu user add` and `huzhu user list`.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../huzhu-import/tests/fixtures")
        .join(name)
}

fn huzhu(data: &Path) -> Command {
    let mut cmd = Command::cargo_bin("huzhu").unwrap();
    cmd.env_remove("HUZHU_DATABASE_URL")
        .env_remove("HUZHU_PASSWORD")
        .env("HUZHU_DATA_DIR", data.join("huzhu-data"))
        .current_dir(data);
    cmd
}

fn with_roster(d: &Path) {
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
}

#[test]
fn user_add_creates_accounts_that_user_list_shows_by_subtree() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    with_roster(d);
    huzhu(d)
        .args([
            "user",
            "add",
            "--username",
            "Chief",
            "--role",
            "administrator",
        ])
        .args(["--org", "HZ", "--name", "市总管理员"])
        .env("HUZHU_PASSWORD", "a-long-password")
        .assert()
        .code(0);
    // The password read from standard input when the variable is not set.
    huzhu(d)
        .args(["user", "add", "--username", "wang.fang", "--role", "member"])
        .args([
            "--org",
            "LA-JN-001",
            "--member-id-number",
            "330106198503150024",
        ])
        .write_stdin("another-password\n")
        .assert()
        .code(0);
    let all = huzhu(d).args(["user", "list"]).output().unwrap();
    let all = String::from_utf8(all.stdout).unwrap();
    assert!(
        all.contains("chief\tadministrator\tHZ\t市总管理员\t启用"),
        "{all}"
    );
    assert!(all.contains("wang.fang\tmember\tLA-JN-001"), "{all}");
    let la = huzhu(d)
        .args(["user", "list", "--org", "LA"])
        .output()
        .unwrap();
    let la = String::from_utf8(la.stdout).unwrap();
    assert!(!la.contains("chief"), "{la}");
    assert!(la.contains("wang.fang"), "{la}");
    // The database holds a hash, never the password.
    let db = std::fs::read(d.join("huzhu-data/huzhu.db")).unwrap();
    let text = String::from_utf8_lossy(&db);
    assert!(!text.contains("a-long-password"));
}

#[test]
fn user_add_refuses_bad_accounts_as_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    with_roster(d);
    let refused = |args: &[&str], password: &str| {
        let out = huzhu(d)
            .args(["user", "add"])
            .args(args)
            .env("HUZHU_PASSWORD", password)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    let e = refused(
        &["--username", "x1x", "--role", "root", "--org", "HZ"],
        "long-enough",
    );
    assert!(e.contains("administrator"), "{e}");
    let e = refused(
        &["--username", "shorty", "--role", "finance", "--org", "HZ"],
        "short",
    );
    assert!(e.contains("8"), "{e}");
    let e = refused(
        &["--username", "ghost", "--role", "finance", "--org", "NOPE"],
        "long-enough",
    );
    assert!(e.contains("组织"), "{e}");
    // A member account needs its member, and the member must be under the account's org.
    refused(
        &["--username", "m1", "--role", "member", "--org", "LA-JN-001"],
        "long-enough",
    );
    refused(
        &[
            "--username",
            "m2",
            "--role",
            "member",
            "--org",
            "SC",
            "--member-id-number",
            "330106198503150024",
        ],
        "long-enough",
    );
    huzhu(d)
        .args([
            "user",
            "add",
            "--username",
            "dup",
            "--role",
            "auditor",
            "--org",
            "HZ",
        ])
        .env("HUZHU_PASSWORD", "long-enough")
        .assert()
        .code(0);
    let e = refused(
        &["--username", "DUP", "--role", "auditor", "--org", "HZ"],
        "long-enough",
    );
    assert!(e.contains("用户名已被使用"), "{e}");
}

#[test]
fn the_demo_prints_and_creates_one_account_per_role() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = huzhu(d).arg("demo").output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("huzhu-demo-2022"), "{stderr}");
    let list = String::from_utf8(huzhu(d).args(["user", "list"]).output().unwrap().stdout).unwrap();
    for (username, role, org, _) in huzhu_app::demo::DEMO_ACCOUNTS {
        assert!(stderr.contains(username), "{stderr}");
        assert!(
            list.contains(&format!("{username}\t{}\t{org}\t", role.code())),
            "{list}"
        );
    }
}
