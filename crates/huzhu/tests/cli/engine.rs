//! Black-box tests of `huzhu adjudicate` and `huzhu policy`.

use std::io::Write;
use std::process::{Command, Output, Stdio};

const SCENARIO: &str = r#"{"member":{"id_number":"330106198503150024","status":"in_service","social_security_region":"330100","enrolments":[{"item":"A","shares":1,"start":"2022-01-01","renewal":true},{"item":"B","shares":1,"start":"2022-01-01","renewal":true}]},"claims":[{"id":"c1","kind":"hospital_stay","submitted":"2022-03-02","admitted":"2022-02-01","discharged":"2022-02-11","hospital_grade":3,"diagnoses":[{"disease":"md01","date":"2022-02-03","first_diagnosis":true}],"costs_fen":{"self_borne":1200000},"invoices":["3301221234567"],"documents":["application_form","id_copy","bank_card","settlement_statement","discharge_record","invoice","pathology_report"]}]}"#;

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

#[test]
fn the_spec_example_prints_the_spec_decision_byte_identically() {
    let a = cli(
        &["adjudicate", "--policy", "hangzhou-2022", "--lines", "-"],
        SCENARIO,
    );
    let b = cli(
        &["adjudicate", "--policy", "hangzhou-2022", "--lines", "-"],
        SCENARIO,
    );
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
    let out = String::from_utf8(a.stdout).unwrap();
    assert!(out.starts_with(r#"{"decisions":[{"claim":"c1","payable_fen":2070000,"lines":[{"item":"A","benefit":"self_borne_subsidy","amount_fen":570000,"clause":"hangzhou-2022 A.1","explain":"#));
    assert!(out.contains(r#""not_payable":[{"item":"B","benefit":"living_allowance","reason":"cap_reached","clause":"hangzhou-2022 B.cap""#));
    assert!(out.ends_with("\"missing_documents\":[],\"flags\":[]}]}\n"));
}

#[test]
fn format_fhir_prints_a_bundle_with_exact_amounts_and_no_whole_id_number() {
    let out = cli(
        &[
            "adjudicate",
            "--policy",
            "hangzhou-2022",
            "--format",
            "fhir",
            "-",
        ],
        SCENARIO,
    );
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let b: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(b["resourceType"], "Bundle");
    assert_eq!(b["entry"][0]["resource"]["resourceType"], "Claim");
    let eob = &b["entry"][1]["resource"];
    assert_eq!(eob["resourceType"], "ExplanationOfBenefit");
    assert_eq!(eob["patient"]["display"], "3301**********0024");
    assert!(!text.contains("330106198503150024"));
    // 570,000 fen is 5700.00 yuan; the capped living allowance is refused with its code.
    assert!(
        text.contains(r#""amount":{"value":5700.00,"currency":"CNY"}"#),
        "{text}"
    );
    assert!(
        text.contains(
            r#"{"system":"urn:huzhu:fhir:CodeSystem:huzhu-refusal","code":"cap_reached""#
        ),
        "{text}"
    );
    assert!(
        text.contains(r#"{"system":"urn:huzhu:clause","code":"hangzhou-2022 B.cap"}"#),
        "{text}"
    );
}

#[test]
fn json_lines_give_one_decisions_object_per_line_in_order() {
    let input = format!("{SCENARIO}\n\n{SCENARIO}\n");
    let out = cli(
        &["adjudicate", "--policy", "hangzhou-2022", "--lines", "-"],
        &input,
    );
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 2);
}

#[test]
fn an_unknown_field_exits_2_naming_it() {
    let bad = SCENARIO
        .replace("\"rehab", "\"x")
        .replace("\"hospital_grade\":3", "\"hospital_grade\":3,\"colour\":1");
    let out = cli(
        &["adjudicate", "--policy", "hangzhou-2022", "--lines", "-"],
        &bad,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("claims[0]") && err.contains("colour"), "{err}");
}

#[test]
fn two_shares_exit_2_under_hangzhou() {
    let bad = SCENARIO.replacen("\"shares\":1", "\"shares\":2", 1);
    let out = cli(
        &["adjudicate", "--policy", "hangzhou-2022", "--lines", "-"],
        &bad,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("member.enrolments[0].shares"));
}

#[test]
fn policy_check_names_the_line_of_an_error() {
    let text = include_str!("../../../../policies/hangzhou-2022.toml")
        .replace("cap = 15000", "cap = 14000");
    let path =
        std::env::temp_dir().join(format!("huzhu-cli-bad-policy-{}.toml", std::process::id()));
    std::fs::write(&path, &text).unwrap();
    let out = cli(&["policy", "check", path.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(1));
    let line = text.lines().position(|l| l == "amount = 15000").unwrap() + 1;
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains(&format!(":{line}: ")), "{err}");
    let ok = cli(
        &[
            "policy",
            "check",
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../policies/wenzhou-2018.toml"
            ),
        ],
        "",
    );
    assert!(ok.status.success());
}

#[test]
fn policy_new_makes_next_years_policy_whose_diff_shows_only_the_dates() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("hangzhou-2026.toml");
    let out_s = out.to_str().unwrap();
    let made = cli(
        &[
            "policy",
            "new",
            "--from",
            "hangzhou-2022",
            "--cycle",
            "2026",
            "--out",
            out_s,
        ],
        "",
    );
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("id = \"hangzhou-2026\""), "{text}");
    assert!(text.contains("start = 2026-01-01"), "{text}");
    assert!(text.contains("window_start = 2025-10-15"), "{text}");
    assert!(text.contains("deadline = 2027-03-31"), "{text}");
    assert!(text.contains("version = \"2026.1\""), "{text}");
    let check = cli(&["policy", "check", out_s], "");
    assert!(check.status.success());
    let diff = cli(&["policy", "diff", "hangzhou-2022", out_s], "");
    assert!(diff.status.success());
    let diff = String::from_utf8(diff.stdout).unwrap();
    let lines: Vec<&str> = diff.lines().collect();
    assert_eq!(lines.len(), 3, "{diff}");
    assert!(
        lines[0].contains("2022-01-01…2022-12-31 → 2026-01-01…2026-12-31"),
        "{diff}"
    );
    // An existing file is never overwritten; an earlier cycle is refused.
    let again = cli(
        &[
            "policy",
            "new",
            "--from",
            "hangzhou-2022",
            "--cycle",
            "2027",
            "--out",
            out_s,
        ],
        "",
    );
    assert!(!again.status.success());
    assert_eq!(std::fs::read_to_string(&out).unwrap(), text);
    let earlier = cli(
        &[
            "policy",
            "new",
            "--from",
            "hangzhou-2022",
            "--cycle",
            "2020",
        ],
        "",
    );
    assert_eq!(earlier.status.code(), Some(2));
    let err = String::from_utf8(earlier.stderr).unwrap();
    assert!(err.contains("2020") && err.contains("2022"), "{err}");
    // Without --out the policy goes to standard output.
    let shown = cli(
        &["policy", "new", "--from", "linan-2014", "--cycle", "2026"],
        "",
    );
    assert!(shown.status.success());
    assert!(String::from_utf8(shown.stdout)
        .unwrap()
        .contains("start = 2026-"));
}
