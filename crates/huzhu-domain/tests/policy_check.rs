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
fn who_enrols_and_who_pays_must_be_unit_or_federation() {
    let text = HANGZHOU.replacen(
        "contributions_paid_by = \"unit\"",
        "contributions_paid_by = \"federaton\"",
        1,
    );
    let e = errors(&text);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].0, line_of(&text, "contributions_paid_by"));
    assert!(e[0].1.contains("federaton") && e[0].1.contains("unit or federation"));
    let text = HANGZHOU.replacen("by = \"unit\"", "by = \"member\"", 1);
    let e = errors(&text);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].0, line_of(&text, "by = \"member\""));
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

#[test]
fn a_diff_says_what_changed_in_words() {
    let next = HANGZHOU
        .replace("\"hangzhou-2022\"", "\"hangzhou-2023\"")
        .replace("cap = 30200", "cap = 32000")
        .replace("rate = \"70%\"", "rate = \"75%\"")
        .replace(
            "od04 = \"重性精神病\"",
            "od04 = \"重性精神病\"\nod05 = \"血友病\"",
        )
        .replace("per_day = 50", "per_day = 60")
        .replace("2022-12-31", "2023-12-31")
        .replace("2022-01-01", "2023-01-01")
        .replace("2023-03-31", "2024-03-31");
    let old = Policy::from_toml(HANGZHOU).unwrap();
    let new = Policy::from_toml(&next).unwrap();
    let d = huzhu_domain::policy::diff(&old, &new);
    let all = d.join("\n");
    assert!(
        all.contains("保障期 cycle: 2022-01-01…2022-12-31 → 2023-01-01…2023-12-31"),
        "{all}"
    );
    assert!(
        all.contains("项目 item A 封顶（每份） cap per share: 30,200.00 → 32,000.00"),
        "{all}"
    );
    assert!(all.contains("70%") && all.contains("75%"), "{all}");
    assert!(
        all.contains("病种清单 list designated 新增 adds: od05"),
        "{all}"
    );
    assert!(
        all.contains("每天 50.00") && all.contains("每天 60.00"),
        "{all}"
    );
    assert!(huzhu_domain::policy::diff(&old, &old).is_empty());
}
