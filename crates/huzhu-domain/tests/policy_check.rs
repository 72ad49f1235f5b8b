//! `huzhu policy check`: every error names its line.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use huzhu_domain::policy::{builtin, builtin_names, Policy};

const HANGZHOU: &str = include_str!("../../../policies/hangzhou-2022.toml");

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

fn errors(text: &str) -> Vec<(usize, String)> {
    match Policy::from_toml(text) {
        Ok(_) => vec![],
        Err(e) => {
            e.0.iter()
                .map(|e| (e.line, e.problem.to_string()))
                .collect()
        }
    }
}

#[test]
fn every_built_in_policy_loads() {
    for name in builtin_names() {
        let p = builtin(name).unwrap();
        assert!(p.is_ok(), "{name}: {}", p.err().unwrap());
    }
}

#[test]
fn an_unknown_key_is_named_with_its_line() {
    let text = HANGZHOU.replacen("max_days = 180", "max_days = 180\ncolour = \"red\"", 1);
    let e = errors(&text);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].0, line_of(&text, "colour"));
    assert!(e[0].1.contains("colour"));
}

#[test]
fn overlapping_tiers_a_small_cap_and_an_unlisted_code_are_each_named() {
    let text = HANGZHOU
        .replace(
            "{ from = 10000, to = 30000, rate = \"60%\" }",
            "{ from = 9000, to = 30000, rate = \"60%\" }",
        )
        .replace("cap = 15000", "cap = 14000")
        .replace("diseases = [\"fc07\"]", "diseases = [\"fc09\"]");
    let e = errors(&text);
    let lines: Vec<usize> = e.iter().map(|(l, _)| *l).collect();
    assert_eq!(
        lines,
        vec![
            line_of(&text, "from = 9000"),
            line_of(&text, "amount = 15000"),
            line_of(&text, "\"fc09\""),
        ],
        "{e:?}"
    );
    assert!(e[0].1.contains("overlapping tiers"));
    assert!(e[1].1.contains("cap 14,000.00 is smaller"));
    assert!(e[2].1.contains("fc09"));
}

#[test]
fn a_float_amount_and_a_bad_rate_are_refused() {
    let text = HANGZHOU.replace("per_day = 50", "per_day = 50.5");
    let e = errors(&text);
    assert_eq!(e[0].0, line_of(&text, "per_day = 50.5"));
    let text = HANGZHOU.replace("rate = \"70%\"", "rate = \"0.7\"");
    let e = errors(&text);
    assert_eq!(e[0].0, line_of(&text, "rate = \"0.7\""));
}

#[test]
fn a_key_of_another_rule_is_refused() {
    let text = HANGZHOU.replace("per_day = 50", "per_day = 50\nfirst_diagnosis = true");
    let e = errors(&text);
    assert_eq!(e[0].0, line_of(&text, "per_day = 50") + 1);
}
