//! A programme in words (`huzhu programme show`) and what changed between two versions
//! (`huzhu programme diff`), one sentence per change, Chinese and English.

use super::{AmountKind, Approval, ConditionRule, Cycle, Programme};
use std::fmt::Write as _;

fn cycle_words(c: &Cycle) -> String {
    match c {
        Cycle::CalendarYear => "自然年 calendar year".into(),
        Cycle::AcademicYear => "学年（9月1日起） academic year from 1 September".into(),
        Cycle::Window {
            label, start, end, ..
        } => format!("活动期 window {label}: {start}…{end}"),
    }
}

fn approval_words(a: &[Approval]) -> String {
    a.iter()
        .map(|x| match x.up_to {
            Some(u) => format!("≤ {u} {}", x.level),
            None => format!("其余 otherwise {}", x.level),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A condition in words, with its parameters.
pub fn condition_words(r: &ConditionRule) -> String {
    match r {
        ConditionRule::ArchiveActive { categories } if categories.is_empty() => {
            "archive_active (any category)".into()
        }
        ConditionRule::ArchiveActive { categories } => format!(
            "archive_active ({})",
            categories
                .iter()
                .map(|c| c.code())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ConditionRule::MinEmploymentMonths { tag, months } => {
            format!("min_employment_months ({tag}: {months} months)")
        }
        ConditionRule::DiagnosisInList {
            policy,
            list,
            codes,
        } => format!("diagnosis_in_list ({policy} {list}: {} codes)", codes.len()),
        ConditionRule::OutOfPocketAtLeast { amount } => {
            format!("out_of_pocket_at_least ({amount})")
        }
        ConditionRule::HasDialysisPatient => "has_dialysis_patient".into(),
        ConditionRule::HasStudent { levels } => format!(
            "has_student ({})",
            levels
                .iter()
                .map(|l| l.code())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ConditionRule::RequestedBetween { min, max } => {
            format!("requested_between ({min} … {max})")
        }
        ConditionRule::MaxGrantsPerCycle { count } => format!("max_grants_per_cycle ({count})"),
        ConditionRule::MaxAmountPerCycle { amount } => {
            format!("max_amount_per_cycle ({amount})")
        }
        ConditionRule::MinDonations { count, years } => {
            format!("min_donations ({count} in {years} years)")
        }
        ConditionRule::FellIll { relief } => format!("fell_ill (mutual aid or {relief})"),
    }
}

/// An amount rule in words, with its parameters.
pub fn amount_words(r: &AmountKind) -> String {
    match r {
        AmountKind::CategoryOfHousehold {
            line,
            relative_multiple,
            accident_rate,
        } => format!(
            "category_of_household (L {line}, relative < {relative_multiple}L, accident > {accident_rate})"
        ),
        AmountKind::PerSubjectFixed { amount } => format!("per_subject_fixed ({amount})"),
        AmountKind::PerStudentByLevel { table } => format!(
            "per_student_by_level ({})",
            table
                .iter()
                .map(|(l, m)| format!("{} {m}", l.code()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        AmountKind::Band { bands } => format!(
            "band ({})",
            bands
                .iter()
                .map(|b| match b.to {
                    Some(t) => format!("[{}, {t}) {}", b.from, b.amount),
                    None => format!("≥ {} {}", b.from, b.amount),
                })
                .collect::<Vec<_>>()
                .join(", ")
        ),
        AmountKind::CategoryUplift {
            category,
            rate,
            cap,
        } => format!("category_uplift ({} +{rate}, cap {cap})", category.code()),
        AmountKind::Requested => "requested".into(),
        AmountKind::LargestOf {
            categories,
            tags,
            gift_pack_tags,
        } => format!(
            "largest_of ({}; tags {}; gift packs {})",
            categories
                .iter()
                .map(|(c, m)| format!("{} {m}", c.code()))
                .collect::<Vec<_>>()
                .join(", "),
            tags.iter()
                .map(|(t, m)| format!("{t} {m}"))
                .collect::<Vec<_>>()
                .join(", "),
            gift_pack_tags.join(", ")
        ),
    }
}

/// One sentence per change, in the order of the file.
pub fn diff(old: &Programme, new: &Programme) -> Vec<String> {
    let mut out = Vec::new();
    let mut say = |what: &str, o: String, n: String| {
        if o != n {
            out.push(format!("{what}: {o} → {n}"));
        }
    };
    say("编号 id", old.id.clone(), new.id.clone());
    say("版本 version", old.version.clone(), new.version.clone());
    say(
        "主办 owner",
        old.owner.code().into(),
        new.owner.code().into(),
    );
    say("资金 fund", old.fund.code().into(), new.fund.code().into());
    say("类型 kind", old.kind.code().into(), new.kind.code().into());
    say(
        "周期 cycle",
        cycle_words(&old.cycle),
        cycle_words(&new.cycle),
    );
    say(
        "唯一键 uniqueness",
        format!(
            "{} ×{}",
            old.uniqueness.subject.code(),
            old.uniqueness.per_cycle
        ),
        format!(
            "{} ×{}",
            new.uniqueness.subject.code(),
            new.uniqueness.per_cycle
        ),
    );
    let notice = |p: &Programme| {
        if p.notice.required {
            format!("{} 个工作日 working days", p.notice.working_days)
        } else {
            "无 none".into()
        }
    };
    say("公示 notice", notice(old), notice(new));
    say(
        "审批 approval",
        approval_words(&old.approval),
        approval_words(&new.approval),
    );
    let docs = |p: &Programme| {
        p.documents
            .iter()
            .map(|d| d.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    say("材料 documents", docs(old), docs(new));
    for c in &new.conditions {
        match old
            .conditions
            .iter()
            .find(|o| o.rule.code() == c.rule.code())
        {
            None => out.push(format!(
                "新增条件 new condition: {} [{}]",
                condition_words(&c.rule),
                c.clause
            )),
            Some(o) => {
                let (ow, nw) = (condition_words(&o.rule), condition_words(&c.rule));
                if ow != nw || o.clause != c.clause {
                    out.push(format!(
                        "条件 condition {}: {ow} [{}] → {nw} [{}]",
                        c.rule.code(),
                        o.clause,
                        c.clause
                    ));
                }
            }
        }
    }
    for o in &old.conditions {
        if !new
            .conditions
            .iter()
            .any(|c| c.rule.code() == o.rule.code())
        {
            out.push(format!(
                "删除条件 condition removed: {}",
                condition_words(&o.rule)
            ));
        }
    }
    let rules = |p: &Programme| {
        p.amounts
            .iter()
            .map(|a| format!("{} [{}]", amount_words(&a.rule), a.clause))
            .collect::<Vec<_>>()
    };
    let (o, n) = (rules(old), rules(new));
    for r in &n {
        if !o.contains(r) {
            out.push(format!("新的金额规则 amount rule now: {r}"));
        }
    }
    for r in &o {
        if !n.contains(r) {
            out.push(format!("原金额规则 amount rule was: {r}"));
        }
    }
    out
}

/// A summary of a programme and its assumed parameters.
pub fn describe(p: &Programme) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{} — {} ({})", p.id, p.name, p.version);
    if let Some(en) = &p.name_en {
        let _ = writeln!(s, "  {en}");
    }
    let _ = writeln!(
        s,
        "主办 owner: {}; 资金 fund: {}; 类型 kind: {}",
        p.owner.code(),
        p.fund.code(),
        p.kind.code()
    );
    let _ = writeln!(s, "周期 cycle: {}", cycle_words(&p.cycle));
    let _ = writeln!(
        s,
        "唯一键 key: CYCLE:{}{} [{}]",
        p.uniqueness.subject.code(),
        if p.uniqueness.per_cycle > 1 {
            format!(":N (N ≤ {})", p.uniqueness.per_cycle)
        } else {
            String::new()
        },
        p.uniqueness.clause
    );
    let _ = writeln!(
        s,
        "公示 notice: {}",
        if p.notice.required {
            format!("{} 个工作日 (working days)", p.notice.working_days)
        } else {
            "无 (none)".into()
        }
    );
    let _ = writeln!(s, "审批 approval: {}", approval_words(&p.approval));
    let _ = writeln!(s, "条件 conditions:");
    for c in &p.conditions {
        let _ = writeln!(s, "  - {} [{}]", condition_words(&c.rule), c.clause);
    }
    let _ = writeln!(s, "金额 amounts:");
    for a in &p.amounts {
        let _ = writeln!(s, "  - {} [{}]", amount_words(&a.rule), a.clause);
    }
    let _ = writeln!(s, "材料 documents:");
    for d in &p.documents {
        let _ = writeln!(s, "  - {} {}", d.id, d.name);
    }
    let _ = writeln!(s, "假定参数 assumed parameters ({}):", p.assumptions.len());
    for (k, why) in &p.assumptions {
        let _ = writeln!(s, "  - {k}: {why}");
    }
    s
}
