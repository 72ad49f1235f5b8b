//! Black-box tests of `huzhu assess` and `huzhu programme`.

use std::io::Write;
use std::process::{Command, Output, Stdio};

const CASE: &str = r#"{"as_of":"2026-06-30","member":{"id_number":"330106198503150024","status":"in_service","tags":["migrant_worker"],"employed_in_city_since":"2019-03-01"},"household":{"size":3,"annual_income_fen":4200000,"medical_self_paid_fen":2600000,"education_fen":800000,"education_abroad_self_funded_fen":0,"disaster_loss_fen":0,"people":[{"id_number":"330106201009010012","relation":"child","school_level":"undergraduate","dialysis":false}]},"archive":{"category":"deep","active":true,"since":"2024-03-01"},"medical":{"diagnoses":[{"disease":"md05","date":"2026-02-01"}],"total_cost_fen":16000000,"insurance_paid_fen":9000000,"mutual_aid_paid_fen":1500000},"donations":[{"date":"2019-05-01","amount_fen":10000}],"requested_fen":null,"grants":[{"programme":"one-off-relief","key":"2026:330106198503150024:1","amount_fen":100000,"date":"2026-03-01"}]}"#;

const SPEC_ANSWER: &str = r#"{"programme":"major-illness-relief","version":"2026.1","cycle":"2026","eligible":true,"amount_fen":1500000,"key":"2026:330106198503150024","lines":[{"rule":"band","amount_fen":1000000,"clause":"major-illness-relief 3.2","explain":"自付 55,000.00 = 160,000.00 − 90,000.00 − 15,000.00; 50,000 ≤ 55,000 < 100,000: 10,000.00"},{"rule":"deep_uplift","amount_fen":500000,"clause":"major-illness-relief 3.3","explain":"深度困难 +50%: 10,000.00 × 50% = 5,000.00 (cap 20,000.00)"}],"refusals":[],"missing_documents":[],"approval":"city","notice":false}"#;

fn cli(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_huzhu"))
        .args(args)
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn builtin_file(name: &str) -> String {
    format!(
        "{}/../../programmes/{name}.toml",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn the_spec_case_prints_the_spec_answer_from_a_json_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("case.json");
    std::fs::write(&path, CASE).unwrap();
    let out = cli(
        &[
            "assess",
            "--programme",
            "major-illness-relief",
            path.to_str().unwrap(),
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{SPEC_ANSWER}\n")
    );
}

#[test]
fn json_lines_give_one_answer_per_line_in_order_and_the_same_bytes_twice() {
    let one_off = CASE.replace("\"requested_fen\":null", "\"requested_fen\":300000");
    let input = format!("{CASE}\n\n{one_off}\n");
    let args = [
        "assess",
        "--programme",
        "major-illness-relief",
        "--lines",
        "-",
    ];
    let a = cli(&args, &input);
    let b = cli(&args, &input);
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
    let out = String::from_utf8(a.stdout).unwrap();
    assert_eq!(out.lines().count(), 2);
    let o = cli(
        &["assess", "--programme", "one-off-relief", "--lines", "-"],
        &input,
    );
    assert_eq!(
        o.status.code(),
        Some(2),
        "the first case has no requested_fen"
    );
    assert!(String::from_utf8(o.stderr)
        .unwrap()
        .contains("requested_fen"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cases.jsonl");
    std::fs::write(&path, format!("{one_off}\n{one_off}\n")).unwrap();
    let o = cli(
        &[
            "assess",
            "--programme",
            "one-off-relief",
            path.to_str().unwrap(),
        ],
        "",
    );
    let text = String::from_utf8(o.stdout).unwrap();
    assert_eq!(text.lines().count(), 2);
    assert!(
        text.lines()
            .all(|l| l.contains(r#""key":"2026:330106198503150024:2""#)),
        "{text}"
    );
}

#[test]
fn a_malformed_case_exits_2_naming_the_field() {
    let bad = CASE.replace("\"undergraduate\"", "\"kindergarten\"");
    let out = cli(
        &["assess", "--programme", "golden-autumn", "--lines", "-"],
        &bad,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("household.people[0].school_level"), "{err}");
    let bad = CASE.replace("330106201009010012", "330106201009010013");
    let out = cli(
        &["assess", "--programme", "golden-autumn", "--lines", "-"],
        &bad,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("household.people[0].id_number"));
}

#[test]
fn an_unknown_programme_exits_2() {
    let out = cli(&["assess", "--programme", "no-such-thing", "-"], CASE);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn every_reference_file_passes_check_and_list_names_all_seven() {
    for name in [
        "hardship-archive",
        "dialysis-relief",
        "major-illness-relief",
        "golden-autumn",
        "one-off-relief",
        "two-festivals-2026",
        "spring-breeze-repay",
    ] {
        let out = cli(&["programme", "check", &builtin_file(name)], "");
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8(out.stdout).unwrap().contains("ok"));
    }
    let out = cli(&["programme", "list"], "");
    let list = String::from_utf8(out.stdout).unwrap();
    assert_eq!(list.lines().count(), 7, "{list}");
    assert!(list.contains("spring-breeze-repay"), "{list}");
}

#[test]
fn check_reports_a_broken_file_with_its_line_and_exits_1() {
    let text = std::fs::read_to_string(builtin_file("one-off-relief"))
        .unwrap()
        .replace("min = 500", "min = 500\nminimum = 400");
    let line = text.lines().position(|l| l.contains("minimum")).unwrap() + 1;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.toml");
    std::fs::write(&path, &text).unwrap();
    let out = cli(&["programme", "check", path.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains(&format!("broken.toml:{line}:")), "{err}");
}

#[test]
fn show_lists_the_assumed_parameters_and_diff_says_what_changed() {
    let out = cli(&["programme", "show", "major-illness-relief"], "");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("假定参数 assumed parameters (1)"), "{text}");
    assert!(text.contains("amount.band"));
    let changed = std::fs::read_to_string(builtin_file("major-illness-relief"))
        .unwrap()
        .replace("version = \"2026.1\"", "version = \"2027.1\"")
        .replace("amount = 20000\nclause", "amount = 25000\nclause");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("next.toml");
    std::fs::write(&path, changed).unwrap();
    let out = cli(
        &[
            "programme",
            "diff",
            "major-illness-relief",
            path.to_str().unwrap(),
        ],
        "",
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("版本 version: 2026.1 → 2027.1"), "{text}");
    assert!(
        text.contains("out_of_pocket_at_least (25,000.00)"),
        "{text}"
    );
}
