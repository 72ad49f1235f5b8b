//! `huzhu ledger check` and `huzhu replay` on the demo's 2022 cycle.

use assert_cmd::Command;
use std::path::Path;

fn huzhu(data: &Path) -> Command {
    let mut c = Command::cargo_bin("huzhu").unwrap();
    c.arg("--data-dir")
        .arg(data)
        .env_remove("HUZHU_DATABASE_URL");
    c
}

/// Runs huzhu with `args` (which succeeds) and reads its standard output as JSON.
fn json_of(data: &Path, args: &[&str]) -> serde_json::Value {
    let out = huzhu(data)
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn the_demo_ledger_checks_out_and_replay_under_the_same_rules_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    huzhu(dir.path()).arg("demo").assert().success();
    let report = json_of(dir.path(), &["ledger", "check", "--json"]);
    assert_eq!(report["ok"], true, "{report}");
    assert!(report["entries"].as_u64().unwrap() > 10);
    assert_eq!(
        report["balances"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_i64().unwrap())
            .sum::<i64>(),
        0
    );
    // One district's subtree: fewer entries, and they check out on their own.
    let part = json_of(dir.path(), &["ledger", "check", "--json", "--org", "LA-01"]);
    assert_eq!(part["ok"], true, "{part}");
    assert!(part["entries"].as_u64().unwrap() < report["entries"].as_u64().unwrap());
    assert!(part["entries"].as_u64().unwrap() > 0);
    huzhu(dir.path())
        .args(["ledger", "check", "--org", "NOPE"])
        .assert()
        .failure();

    let same = json_of(
        dir.path(),
        &[
            "replay",
            "--cycle",
            "2022",
            "--policy",
            "hangzhou-2022",
            "--json",
        ],
    );
    assert!(same["claims"].as_u64().unwrap() >= 8, "{same}");
    assert_eq!(same["claims_changed"], 0);
    assert_eq!(same["total"]["old_fen"], same["total"]["new_fen"]);

    // Under another scheme every amount is re-decided; the ledger is untouched.
    let other = json_of(
        dir.path(),
        &[
            "replay",
            "--cycle",
            "2022",
            "--policy",
            "wenzhou-2018",
            "--json",
        ],
    );
    assert_eq!(other["claims"], same["claims"]);
    assert!(other["claims_changed"].as_u64().unwrap() > 0);
    assert!(!other["largest"].as_array().unwrap().is_empty());
    // The public fund report reads the same ledger (issue 18): its balance is the fund
    // account's, and the command prints what the page shows (crates/huzhu-web/tests/api).
    let fund = json_of(dir.path(), &["report", "fund", "--cycle", "2022", "--json"]);
    assert_eq!(
        fund["balance_fen"].as_i64().unwrap(),
        -report["balances"]["fund:hangzhou-2022"].as_i64().unwrap(),
        "{fund}"
    );
    assert!(fund["paid_fen"].as_i64().unwrap() > 0);
    let xlsx = dir.path().join("fund.xlsx");
    huzhu(dir.path())
        .args(["report", "fund", "--cycle", "2022", "--xlsx"])
        .arg(&xlsx)
        .assert()
        .success();
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
    // Never overwrites; a cycle that is not a year is bad input.
    huzhu(dir.path())
        .args(["report", "fund", "--cycle", "2022", "--xlsx"])
        .arg(&xlsx)
        .assert()
        .code(2);
    huzhu(dir.path())
        .args(["report", "fund", "--cycle", "x"])
        .assert()
        .code(2);
    // FHIR export (issue 18): the cycle's decided claims, a Claim then its explanation per
    // claim, one resource per line; never overwrites; the amounts exact in CNY.
    let ndjson = dir.path().join("claims.ndjson");
    huzhu(dir.path())
        .args(["export", "fhir", "--cycle", "2022", "--out"])
        .arg(&ndjson)
        .assert()
        .success();
    let text = std::fs::read_to_string(&ndjson).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        lines.len() >= 10 && lines.len().is_multiple_of(2),
        "{}",
        lines.len()
    );
    for pair in lines.chunks(2) {
        assert_eq!(pair[0]["resourceType"], "Claim");
        assert_eq!(pair[1]["resourceType"], "ExplanationOfBenefit");
        assert_eq!(pair[0]["id"], pair[1]["id"]);
        assert_eq!(pair[1]["total"][1]["amount"]["currency"], "CNY");
    }
    assert!(!text.contains("330106"), "no ID number in the export");
    huzhu(dir.path())
        .args(["export", "fhir", "--cycle", "2022", "--out"])
        .arg(&ndjson)
        .assert()
        .code(2);
    let again = json_of(dir.path(), &["ledger", "check", "--json"]);
    assert_eq!(again["entries"], report["entries"], "replay wrote nothing");
    assert_eq!(again["balances"], report["balances"]);

    huzhu(dir.path())
        .args(["replay", "--cycle", "2031", "--policy", "hangzhou-2022"])
        .assert()
        .code(2);
    huzhu(dir.path())
        .args(["replay", "--cycle", "2022", "--policy", "no-such-policy"])
        .assert()
        .code(2);

    // A year's relief applications under a programme file: `--year` names the year.
    let prog = json_of(
        dir.path(),
        &[
            "replay",
            "--programme",
            "dialysis-relief",
            "--year",
            "2026",
            "--json",
        ],
    );
    assert_eq!(prog["programme"], "dialysis-relief", "{prog}");
    assert_eq!(prog["changed"], 0, "the same file changes nothing: {prog}");
    assert_eq!(prog["total"]["old_fen"], prog["total"]["new_fen"]);
    huzhu(dir.path())
        .args([
            "replay",
            "--year",
            "2026",
            "--programme",
            "no-such-programme",
        ])
        .assert()
        .code(2);
    // Neither a policy nor a programme: a usage error naming them.
    huzhu(dir.path())
        .args(["replay", "--year", "2026"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--policy"));
}
