//! What changed between two cycles' policies, in words (`huzhu policy diff OLD NEW`), and a
//! policy's summary (`huzhu policy show`).

use super::{Benefit, ContributionPeriod, Item, Policy, Rule, Tier};
use crate::money::Money;
use std::collections::BTreeSet;
use std::fmt::Write as _;

fn tiers_text(tiers: &[Tier]) -> String {
    tiers
        .iter()
        .map(|t| match t.to {
            Some(to) => format!("{}–{}: {}", t.from, to, t.rate),
            None => format!("{}以上 above: {}", t.from, t.rate),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn period(p: ContributionPeriod) -> &'static str {
    match p {
        ContributionPeriod::Cycle => "每期 a cycle",
        ContributionPeriod::Month => "每月 a month",
    }
}

fn opt_money(m: Option<Money>) -> String {
    m.map_or_else(|| "无 none".to_string(), |m| m.to_string())
}

fn rule_text(r: &Rule) -> String {
    match r {
        Rule::CostTiers {
            costs,
            tiers,
            outpatient_diseases,
            refuse_duplicate_invoice,
        } => format!(
            "按累计{}分段补助 tiers on cumulative {}: {}; 门诊规定病种 outpatient diseases: {}; 重复发票拒付 duplicate invoices refused: {}",
            costs.iter().map(|c| c.label_zh()).collect::<Vec<_>>().join("+"),
            costs.iter().map(|c| c.code()).collect::<Vec<_>>().join("+"),
            tiers_text(tiers),
            if outpatient_diseases.is_empty() { "-".to_string() } else { outpatient_diseases.join(",") },
            refuse_duplicate_invoice
        ),
        Rule::Diagnosis {
            diseases,
            amount,
            first_diagnosis,
            on_death,
        } => format!(
            "确诊补助 {amount} on diagnosis of {}{}{}",
            diseases.join(","),
            if *first_diagnosis { "（须初次确诊 first diagnosis）" } else { "" },
            if on_death.is_empty() { String::new() } else { format!("；首次发病身故 on death: {}", on_death.join(",")) }
        ),
        Rule::Daily { per_day, max_days } => format!(
            "每天 {per_day} a day, 每期最多 at most {} 天 days",
            max_days.map_or("∞".to_string(), |d| d.to_string())
        ),
        Rule::AfterBenefit { requires, amount } => {
            format!("在 {requires} 之后 after {requires}: {amount}")
        }
    }
}

fn benefit_changes(out: &mut Vec<String>, item: &str, old: &Benefit, new: &Benefit) {
    let name = format!("{item}.{}", new.id);
    let mut say = |what: &str, o: String, n: String| {
        if o != n {
            out.push(format!("{name} {what}: {o} → {n}"));
        }
    };
    say("规则 rule", rule_text(&old.rule), rule_text(&new.rule));
    say(
        "每期一次 once per cycle",
        old.once_per_cycle.to_string(),
        new.once_per_cycle.to_string(),
    );
    say(
        "不占封顶 outside caps",
        old.outside_caps.to_string(),
        new.outside_caps.to_string(),
    );
    say(
        "医院等级 minimum hospital grade",
        format!("{:?}", old.min_hospital_grade),
        format!("{:?}", new.min_hospital_grade),
    );
    say(
        "排除康复 excludes rehabilitation",
        old.excludes_rehabilitation.to_string(),
        new.excludes_rehabilitation.to_string(),
    );
    say(
        "所需材料 documents",
        old.documents.join(","),
        new.documents.join(","),
    );
    say(
        "门诊材料 outpatient documents",
        old.outpatient_documents.join(","),
        new.outpatient_documents.join(","),
    );
    say("条款 clause", old.clause.clone(), new.clause.clone());
}

fn item_changes(out: &mut Vec<String>, old: &Item, new: &Item) {
    let id = &new.id;
    let mut say = |what: &str, o: String, n: String| {
        if o != n {
            out.push(format!("项目 item {id} {what}: {o} → {n}"));
        }
    };
    say(
        "每份缴费 contribution per share",
        format!("{} {}", old.contribution, period(old.contribution_period)),
        format!("{} {}", new.contribution, period(new.contribution_period)),
    );
    say(
        "封顶（每份） cap per share",
        opt_money(old.cap),
        opt_money(new.cap),
    );
    say(
        "按份数计 scales with shares",
        old.scales_with_shares.to_string(),
        new.scales_with_shares.to_string(),
    );
    say(
        "性别 gender",
        format!("{:?}", old.gender),
        format!("{:?}", new.gender),
    );
    say("审批 approval", old.approval.clone(), new.approval.clone());
    let old_ids: Vec<&str> = old.benefits.iter().map(|b| b.id.as_str()).collect();
    let new_ids: Vec<&str> = new.benefits.iter().map(|b| b.id.as_str()).collect();
    for b in &new.benefits {
        match old.benefit(&b.id) {
            None => out.push(format!(
                "新增补助 new benefit {id}.{} {}：{}",
                b.id,
                b.name,
                rule_text(&b.rule)
            )),
            Some(ob) => benefit_changes(out, id, ob, b),
        }
    }
    for b in &old.benefits {
        if new.benefit(&b.id).is_none() {
            out.push(format!(
                "取消补助 benefit removed: {id}.{} {}",
                b.id, b.name
            ));
        }
    }
    let common_old: Vec<&&str> = old_ids.iter().filter(|b| new_ids.contains(b)).collect();
    let common_new: Vec<&&str> = new_ids.iter().filter(|b| old_ids.contains(b)).collect();
    if common_old != common_new {
        out.push(format!(
            "项目 item {id} 补助计算顺序 evaluation order: {} → {}",
            old_ids.join(","),
            new_ids.join(",")
        ));
    }
}

/// One sentence per change, Chinese and English, in the order of the file.
pub fn diff(old: &Policy, new: &Policy) -> Vec<String> {
    let mut out = Vec::new();
    let mut say = |what: &str, o: String, n: String| {
        if o != n {
            out.push(format!("{what}: {o} → {n}"));
        }
    };
    say(
        "保障期 cycle",
        format!("{}…{}", old.cycle.start, old.cycle.end),
        format!("{}…{}", new.cycle.start, new.cycle.end),
    );
    say(
        "参保窗口 enrolment window",
        format!(
            "{}…{}",
            old.enrolment.window.start, old.enrolment.window.end
        ),
        format!(
            "{}…{}",
            new.enrolment.window.start, new.enrolment.window.end
        ),
    );
    say(
        "申报截止 claim deadline",
        old.claim_deadline.to_string(),
        new.claim_deadline.to_string(),
    );
    say(
        "等待期 waiting period (days)",
        old.waiting.days.to_string(),
        new.waiting.days.to_string(),
    );
    say(
        "续保免等待期 no waiting period on renewal",
        old.waiting.waived_on_renewal.to_string(),
        new.waiting.waived_on_renewal.to_string(),
    );
    say(
        "每项目最多份数 max shares per item",
        old.enrolment.max_shares.to_string(),
        new.enrolment.max_shares.to_string(),
    );
    say(
        "缴费方 contributions paid by",
        old.enrolment.paid_by.clone(),
        new.enrolment.paid_by.clone(),
    );
    let cap = |p: &Policy| {
        p.overall_cap.as_ref().map_or("无 none".to_string(), |c| {
            format!("{} ({})", c.amount, c.items.join("+"))
        })
    };
    say("总封顶 overall cap", cap(old), cap(new));
    for list in &new.disease_lists {
        match old.disease_lists.iter().find(|l| l.id == list.id) {
            None => out.push(format!(
                "新增病种清单 new disease list {}（{} 种 codes）",
                list.id,
                list.codes.len()
            )),
            Some(ol) => {
                let o: BTreeSet<&String> = ol.codes.iter().collect();
                let n: BTreeSet<&String> = list.codes.iter().collect();
                let added: Vec<&str> = n.difference(&o).map(|s| s.as_str()).collect();
                let removed: Vec<&str> = o.difference(&n).map(|s| s.as_str()).collect();
                if !added.is_empty() {
                    out.push(format!(
                        "病种清单 list {} 新增 adds: {}",
                        list.id,
                        added.join(", ")
                    ));
                }
                if !removed.is_empty() {
                    out.push(format!(
                        "病种清单 list {} 删除 removes: {}",
                        list.id,
                        removed.join(", ")
                    ));
                }
            }
        }
    }
    for list in &old.disease_lists {
        if !new.disease_lists.iter().any(|l| l.id == list.id) {
            out.push(format!("取消病种清单 disease list removed: {}", list.id));
        }
    }
    for item in &new.items {
        match old.item(&item.id) {
            None => out.push(format!(
                "新增项目 new item {} {}（每份 {}，封顶 {}）",
                item.id,
                item.name,
                item.contribution,
                opt_money(item.cap)
            )),
            Some(oi) => item_changes(&mut out, oi, item),
        }
    }
    for item in &old.items {
        if new.item(&item.id).is_none() {
            out.push(format!("取消项目 item removed: {} {}", item.id, item.name));
        }
    }
    out
}

/// A plain-text summary of a policy for `huzhu policy show`.
pub fn describe(p: &Policy) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{} — {} (version {})", p.id, p.name, p.version);
    let _ = writeln!(
        s,
        "保障期 cycle {}…{}; 参保窗口 enrolment {}…{}; 申报截止 deadline {}",
        p.cycle.start,
        p.cycle.end,
        p.enrolment.window.start,
        p.enrolment.window.end,
        p.claim_deadline
    );
    let _ = writeln!(
        s,
        "等待期 waiting period {} days (renewal waives: {}); max shares {}; paid by {}",
        p.waiting.days, p.waiting.waived_on_renewal, p.enrolment.max_shares, p.enrolment.paid_by
    );
    if let Some(c) = &p.overall_cap {
        let _ = writeln!(
            s,
            "总封顶 overall cap {} over {}",
            c.amount,
            c.items.join("+")
        );
    }
    for i in &p.items {
        let _ = writeln!(
            s,
            "项目 {} {}: 每份 {} per share {}, 封顶 cap {}",
            i.id,
            i.name,
            i.contribution,
            period(i.contribution_period),
            opt_money(i.cap)
        );
        for b in &i.benefits {
            let _ = writeln!(
                s,
                "  {} {} [{}]: {}",
                b.id,
                b.name,
                b.clause,
                rule_text(&b.rule)
            );
        }
    }
    if !p.assumptions.is_empty() {
        let _ = writeln!(s, "假设参数 assumed parameters:");
        for (k, why) in &p.assumptions {
            let _ = writeln!(s, "  {k}: {why}");
        }
    }
    s
}
