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

/// Issue 13: next year's policy is made from this year's. Every built-in moves to a later cycle
/// with the same rules: `diff` names only the dates, every date moved by the same years, the
/// id, name and version renamed, every `assumed` note kept, every comment kept.
#[test]
fn next_years_policy_has_the_same_rules_with_every_date_moved() {
    use huzhu_domain::policy::{builtin_names, diff, move_date, next_cycle, BUILTIN};
    for name in builtin_names() {
        let text = BUILTIN.iter().find(|(n, _)| *n == name).unwrap().1;
        let old = huzhu_domain::policy::Policy::from_toml(text).unwrap();
        let year = chrono::Datelike::year(&old.cycle.start);
        let next = next_cycle(text, 2026).unwrap_or_else(|e| panic!("{name}: {e}"));
        let years = 2026 - year;
        assert_eq!(next.years, years);
        let new = &next.policy;
        assert_eq!(chrono::Datelike::year(&new.cycle.start), 2026, "{name}");
        let mv = |d| move_date(d, years).unwrap();
        assert_eq!(new.cycle.start, mv(old.cycle.start));
        assert_eq!(new.cycle.end, mv(old.cycle.end));
        assert_eq!(new.enrolment.window.start, mv(old.enrolment.window.start));
        assert_eq!(new.enrolment.window.end, mv(old.enrolment.window.end));
        assert_eq!(new.claim_deadline, mv(old.claim_deadline));
        assert_eq!(new.version, "2026.1");
        assert_ne!(new.id, old.id, "{name}");
        assert!(
            new.id.contains("2026") && new.name.contains("2026"),
            "{}",
            new.name
        );
        assert_eq!(new.assumptions, old.assumptions, "{name}: [assumed] kept");
        assert_eq!(new.items, old.items, "{name}: the same rules");
        for change in diff(&old, new) {
            assert!(
                ["保障期", "参保窗口", "申报截止"]
                    .iter()
                    .any(|d| change.starts_with(d)),
                "{name}: only dates change: {change}"
            );
        }
        for line in text.lines().filter(|l| l.trim_start().starts_with('#')) {
            assert!(next.text.contains(line), "{name}: comment kept: {line}");
        }
    }
}

#[test]
fn a_next_cycle_must_be_later_and_its_dates_in_range() {
    use huzhu_domain::policy::{next_cycle, NextCycleError, BUILTIN};
    let text = BUILTIN[0].1;
    assert!(matches!(
        next_cycle(text, 2022),
        Err(NextCycleError::NotLater {
            from: 2022,
            cycle: 2022
        })
    ));
    assert!(matches!(
        next_cycle(text, 2021),
        Err(NextCycleError::NotLater { .. })
    ));
    assert!(matches!(
        next_cycle("not = [toml", 2030),
        Err(NextCycleError::Source(_))
    ));
}
