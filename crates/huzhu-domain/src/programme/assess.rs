//! Deciding one case under one programme (SPEC 11). Pure: the date is the case's `as_of`.
//!
//! Readings (docs/programme-format.md): every failed condition is a refusal; a subject (patient,
//! student) already granted this cycle is refused on its own while the others still pay; the case
//! is eligible when no other refusal stands and something pays (an amount, a gift pack, or for
//! the archive a category). A refused case pays nothing, has no approval and no notice.

use super::case::{err, missing};
use super::text::{apply, short, yuan};
use super::{
    AmountKind, Case, CaseError, Category, ConditionRule, Cycle, Grant, Household, Medical,
    Programme, ProgrammeKind, SchoolLevel, Subject,
};
use crate::money::Money;
use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

/// The answer of SPEC 11, its fields in the order they are printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub programme: String,
    pub version: String,
    pub cycle: String,
    pub eligible: bool,
    /// Archive only: the computed category (`null` when refused).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<Option<Category>>,
    /// Archive only: p, in fen, always computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_head_monthly_income_fen: Option<i64>,
    pub amount_fen: i64,
    /// Campaigns only: 0 or 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gift_packs: Option<u32>,
    pub key: String,
    pub lines: Vec<Line>,
    pub refusals: Vec<Refusal>,
    pub missing_documents: Vec<String>,
    pub approval: Option<String>,
    pub notice: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    pub rule: String,
    /// The subject's key when the line pays a patient or a student.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    pub amount_fen: i64,
    pub clause: String,
    pub explain: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    pub reason: String,
    pub clause: String,
    pub explain: String,
}

impl Assessment {
    /// The answer as one line of JSON, byte-identical for the same case.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Someone a grant is for, with the key it would carry.
struct Paid<'c> {
    key: String,
    id: &'c str,
    level: SchoolLevel,
    /// Already granted this cycle: refused on their own, paid nothing.
    granted: bool,
}

fn refusal(reason: &str, clause: &str, explain: String) -> Refusal {
    Refusal {
        reason: reason.to_string(),
        clause: clause.to_string(),
        explain,
    }
}

/// Whether a grant's key names this cycle and subject: exact `:`-separated segments.
fn names(key: &str, cycle: &str, id: &str) -> bool {
    let mut s = key.split(':');
    s.next() == Some(cycle) && s.next() == Some(id)
}

/// The first and last day of the cycle containing `as_of`.
fn cycle_range(p: &Programme, as_of: NaiveDate) -> (NaiveDate, NaiveDate) {
    let ymd = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(as_of);
    match &p.cycle {
        Cycle::CalendarYear => (ymd(as_of.year(), 1, 1), ymd(as_of.year(), 12, 31)),
        Cycle::AcademicYear => {
            let y = if as_of.month() >= 9 {
                as_of.year()
            } else {
                as_of.year() - 1
            };
            (ymd(y, 9, 1), ymd(y + 1, 8, 31))
        }
        Cycle::Window { start, end, .. } => (*start, *end),
    }
}

fn household<'c>(p: &Programme, c: &'c Case) -> Result<&'c Household, CaseError> {
    c.household
        .as_ref()
        .ok_or_else(|| missing("household", &p.id))
}

fn medical<'c>(p: &Programme, c: &'c Case) -> Result<&'c Medical, CaseError> {
    c.medical.as_ref().ok_or_else(|| missing("medical", &p.id))
}

fn requested(p: &Programme, c: &Case) -> Result<Money, CaseError> {
    c.requested.ok_or_else(|| missing("requested_fen", &p.id))
}

fn overflow(field: &str) -> CaseError {
    err(field, "金额过大 (amount too large)")
}

fn out_of_pocket_words(m: &Medical) -> String {
    format!(
        "自付 {} = {} − {} − {}",
        yuan(m.out_of_pocket()),
        yuan(m.total_cost),
        yuan(m.insurance_paid),
        yuan(m.mutual_aid_paid)
    )
}

/// Decides a case. `Err` only when the case lacks a fact the programme needs (naming it).
pub fn assess(p: &Programme, c: &Case) -> Result<Assessment, CaseError> {
    let cycle = p.cycle_of(c.as_of);
    let member_id = c.member.id_number.as_str();
    let mut refusals: Vec<Refusal> = Vec::new();

    if let Cycle::Window {
        start, end, clause, ..
    } = &p.cycle
    {
        if c.as_of < *start || c.as_of > *end {
            refusals.push(refusal(
                "outside_window",
                clause,
                format!(
                    "{} 不在活动期 {}…{} 内 ({} is outside the campaign window)",
                    c.as_of, start, end, c.as_of
                ),
            ));
        }
    }

    // Earlier grants of this programme to the member in this cycle.
    let earlier: Vec<&Grant> = c
        .grants
        .iter()
        .filter(|g| g.programme == p.id && names(&g.key, &cycle, member_id))
        .collect();

    // Who the grant is for.
    let student_levels: &[SchoolLevel] = p
        .conditions
        .iter()
        .find_map(|k| match &k.rule {
            ConditionRule::HasStudent { levels } => Some(levels.as_slice()),
            _ => None,
        })
        .unwrap_or(&[]);
    let mut subjects: Vec<Paid> = Vec::new();
    match p.uniqueness.subject {
        Subject::Member | Subject::Household => {
            let key = if p.uniqueness.per_cycle > 1 {
                format!("{cycle}:{member_id}:{}", earlier.len() + 1)
            } else {
                format!("{cycle}:{member_id}")
            };
            subjects.push(Paid {
                key,
                id: member_id,
                level: SchoolLevel::None,
                granted: false,
            });
        }
        Subject::Patient | Subject::Student => {
            let h = household(p, c)?;
            for person in &h.people {
                let is = if p.uniqueness.subject == Subject::Patient {
                    person.dialysis
                } else {
                    student_levels.contains(&person.school_level)
                };
                if is {
                    let id = person.id_number.as_str();
                    subjects.push(Paid {
                        key: format!("{cycle}:{id}"),
                        id,
                        level: person.school_level,
                        granted: false,
                    });
                }
            }
        }
    }
    let keyed_lines = matches!(p.uniqueness.subject, Subject::Patient | Subject::Student);

    // Conditions, in file order.
    for k in &p.conditions {
        let clause = k.clause.as_str();
        match &k.rule {
            ConditionRule::ArchiveActive { categories } => match &c.archive {
                None => refusals.push(refusal(
                    "not_archived",
                    clause,
                    "未建立困难职工档案 (no hardship archive record)".into(),
                )),
                Some(a) if !a.active => refusals.push(refusal(
                    "archive_inactive",
                    clause,
                    "困难职工档案未生效 (the archive record is not active)".into(),
                )),
                Some(a) if !categories.is_empty() && !categories.contains(&a.category) => {
                    let covered: Vec<&str> = categories.iter().map(|c| c.label_zh()).collect();
                    refusals.push(refusal(
                        "category_not_covered",
                        clause,
                        format!(
                            "{}不在本项目范围（{}） (category {} is not covered)",
                            a.category.label_zh(),
                            covered.join("、"),
                            a.category.code()
                        ),
                    ))
                }
                Some(_) => {}
            },
            ConditionRule::MinEmploymentMonths { tag, months } => {
                if c.member.tags.iter().any(|t| t == tag) {
                    let since = c.member.employed_in_city_since.ok_or_else(|| {
                        err(
                            "member.employed_in_city_since",
                            format!("标签 {tag} 需要在本市就业起始日期 (a member tagged {tag} needs the date employment in the city began)"),
                        )
                    })?;
                    let enough = since.checked_add_months(Months::new(*months));
                    if enough.is_none_or(|d| d > c.as_of) {
                        let when = enough.map_or_else(|| "—".to_string(), |d| d.to_string());
                        refusals.push(refusal(
                            "employment_too_short",
                            clause,
                            format!(
                                "{since} 起在本市就业，满{months}个月为 {when}，晚于 {} (employed in the city since {since}: {months} months on {when}, after {})",
                                c.as_of, c.as_of
                            ),
                        ));
                    }
                }
            }
            ConditionRule::DiagnosisInList {
                policy,
                list,
                codes,
            } => {
                let m = medical(p, c)?;
                let (start, end) = cycle_range(p, c.as_of);
                let in_cycle: Vec<&str> = m
                    .diagnoses
                    .iter()
                    .filter(|d| d.date >= start && d.date <= end)
                    .map(|d| d.disease.as_str())
                    .collect();
                if in_cycle.is_empty() {
                    refusals.push(refusal(
                        "no_illness",
                        clause,
                        format!("{start}…{end} 内无诊断 (no diagnosis dated in cycle {cycle})"),
                    ));
                } else if !in_cycle.iter().any(|d| codes.iter().any(|x| x == d)) {
                    let which = if list.is_empty() {
                        policy.clone()
                    } else {
                        format!("{policy} {list}")
                    };
                    refusals.push(refusal(
                        "not_in_list",
                        clause,
                        format!(
                            "{} 不在 {which} 病种清单内 (not in the disease list)",
                            in_cycle.join(", ")
                        ),
                    ));
                }
            }
            ConditionRule::OutOfPocketAtLeast { amount } => {
                let m = medical(p, c)?;
                if m.out_of_pocket() < *amount {
                    refusals.push(refusal(
                        "below_threshold",
                        clause,
                        format!(
                            "{} < {} (out-of-pocket below the threshold)",
                            out_of_pocket_words(m),
                            yuan(*amount)
                        ),
                    ));
                }
            }
            ConditionRule::HasDialysisPatient => {
                household(p, c)?;
                if subjects.is_empty() {
                    refusals.push(refusal(
                        "no_dialysis",
                        clause,
                        "家庭成员中无维持性透析患者 (no household person on dialysis)".into(),
                    ));
                }
            }
            ConditionRule::HasStudent { levels } => {
                household(p, c)?;
                if subjects.is_empty() {
                    let names: Vec<&str> = levels.iter().map(|l| l.label_zh()).collect();
                    refusals.push(refusal(
                        "no_student",
                        clause,
                        format!(
                            "家庭成员中无在读学生（{}） (no student in the household)",
                            names.join("、")
                        ),
                    ));
                }
            }
            ConditionRule::RequestedBetween { min, max } => {
                let r = requested(p, c)?;
                if r < *min || r > *max {
                    refusals.push(refusal(
                        "amount_out_of_range",
                        clause,
                        format!(
                            "申请金额 {} 不在 {} … {} 之间 (requested amount out of range)",
                            yuan(r),
                            yuan(*min),
                            yuan(*max)
                        ),
                    ));
                }
            }
            ConditionRule::MaxGrantsPerCycle { count } => {
                if earlier.len() >= *count as usize {
                    refusals.push(refusal(
                        "too_many_grants",
                        clause,
                        format!(
                            "{cycle} 年度已发放 {} 次，每年至多 {count} 次 ({} grants already in {cycle}, at most {count})",
                            earlier.len(),
                            earlier.len()
                        ),
                    ));
                }
            }
            ConditionRule::MaxAmountPerCycle { amount } => {
                let r = requested(p, c)?;
                let mut sum = Money::ZERO;
                for g in &earlier {
                    sum = sum
                        .checked_add(g.amount)
                        .ok_or_else(|| overflow("grants"))?;
                }
                let total = sum
                    .checked_add(r)
                    .ok_or_else(|| overflow("requested_fen"))?;
                if total > *amount {
                    refusals.push(refusal(
                        "cap_reached",
                        clause,
                        format!(
                            "{cycle} 年度已发 {} + 申请 {} = {} > {} (above the yearly cap; refused, never cut)",
                            yuan(sum),
                            yuan(r),
                            yuan(total),
                            yuan(*amount)
                        ),
                    ));
                }
            }
            ConditionRule::MinDonations { count, years } => {
                let from = c
                    .as_of
                    .checked_sub_months(Months::new(12 * years))
                    .unwrap_or(NaiveDate::MIN);
                let n = c
                    .donations
                    .iter()
                    .filter(|d| d.date > from && d.date <= c.as_of)
                    .count();
                if n < *count as usize {
                    refusals.push(refusal(
                        "too_few_donations",
                        clause,
                        format!(
                            "{from} 之后至 {} 捐赠 {n} 次，少于 {count} 次 ({n} donations in the last {years} years, fewer than {count})",
                            c.as_of
                        ),
                    ));
                }
            }
            ConditionRule::FellIll { relief } => {
                let aid = c
                    .medical
                    .as_ref()
                    .map_or(Money::ZERO, |m| m.mutual_aid_paid);
                let granted = c
                    .grants
                    .iter()
                    .any(|g| g.programme == *relief && names(&g.key, &cycle, member_id));
                if aid.fen() <= 0 && !granted {
                    refusals.push(refusal(
                        "no_illness",
                        clause,
                        format!(
                            "{cycle} 年度无互助保障给付，也无 {relief} 救助 (no mutual aid paid and no {relief} granted in {cycle})"
                        ),
                    ));
                }
            }
        }
    }

    // Uniqueness: a subject granted this cycle is refused on their own.
    if p.uniqueness.per_cycle == 1 {
        for s in &mut subjects {
            if let Some(g) = c
                .grants
                .iter()
                .find(|g| g.programme == p.id && names(&g.key, &cycle, s.id))
            {
                s.granted = true;
                refusals.push(refusal(
                    "already_granted",
                    &p.uniqueness.clause,
                    format!(
                        "已于 {} 发放 {} (already granted on {}: {})",
                        g.date, g.key, g.date, g.key
                    ),
                ));
            }
        }
    }

    // Amount rules, in file order.
    let mut lines: Vec<Line> = Vec::new();
    let mut category: Option<Category> = None;
    let mut per_head: Option<i64> = None;
    let mut gift_packs: u32 = 0;
    let member_pays = !matches!(p.uniqueness.subject, Subject::Patient | Subject::Student)
        && subjects.iter().all(|s| !s.granted);
    for a in &p.amounts {
        let clause = a.clause.as_str();
        match &a.rule {
            AmountKind::CategoryOfHousehold {
                line,
                relative_multiple,
                accident_rate,
            } => {
                let (cat, p_fen, explain) =
                    categorise(p, c, *line, *relative_multiple, *accident_rate)?;
                per_head = Some(p_fen);
                category = cat;
                if cat.is_none() {
                    refusals.push(refusal("income_above_line", clause, explain.clone()));
                }
                lines.push(Line {
                    rule: "category".into(),
                    key: None,
                    amount_fen: 0,
                    clause: clause.into(),
                    explain,
                });
            }
            AmountKind::PerSubjectFixed { amount } => {
                for s in subjects.iter().filter(|s| !s.granted) {
                    let who = match p.uniqueness.subject {
                        Subject::Patient => "透析患者 (dialysis patient)",
                        Subject::Student => "学生 (student)",
                        _ => "会员 (member)",
                    };
                    lines.push(Line {
                        rule: "fixed".into(),
                        key: keyed_lines.then(|| s.key.clone()),
                        amount_fen: amount.fen(),
                        clause: clause.into(),
                        explain: format!("{who}: {}", yuan(*amount)),
                    });
                }
            }
            AmountKind::PerStudentByLevel { table } => {
                for s in subjects.iter().filter(|s| !s.granted) {
                    if let Some((l, amount)) = table.iter().find(|(l, _)| *l == s.level) {
                        lines.push(Line {
                            rule: "by_level".into(),
                            key: Some(s.key.clone()),
                            amount_fen: amount.fen(),
                            clause: clause.into(),
                            explain: format!("{} ({}): {}", l.label_zh(), l.code(), yuan(*amount)),
                        });
                    }
                }
            }
            AmountKind::Band { bands } => {
                let m = medical(p, c)?;
                let x = m.out_of_pocket();
                let band = bands
                    .iter()
                    .find(|b| x >= b.from && b.to.is_none_or(|t| x < t));
                if let (Some(b), true) = (band, member_pays) {
                    let range = match b.to {
                        Some(t) => format!("{} ≤ {} < {}", short(b.from), short(x), short(t)),
                        None => format!("{} ≤ {}", short(b.from), short(x)),
                    };
                    lines.push(Line {
                        rule: "band".into(),
                        key: None,
                        amount_fen: b.amount.fen(),
                        clause: clause.into(),
                        explain: format!("{}; {range}: {}", out_of_pocket_words(m), yuan(b.amount)),
                    });
                }
            }
            AmountKind::CategoryUplift {
                category: cat,
                rate,
                cap,
            } => {
                let qualifies = c
                    .archive
                    .as_ref()
                    .is_some_and(|a| a.active && a.category == *cat);
                let base = lines
                    .iter()
                    .try_fold(Money::ZERO, |s, l| {
                        s.checked_add(Money::from_fen(l.amount_fen))
                    })
                    .ok_or_else(|| overflow("medical"))?;
                if qualifies && base > Money::ZERO {
                    let full = apply(*rate, base).ok_or_else(|| overflow("medical"))?;
                    let room = cap
                        .checked_sub(base)
                        .unwrap_or(Money::ZERO)
                        .max(Money::ZERO);
                    let paid = full.min(room);
                    if paid > Money::ZERO {
                        let mut explain = format!(
                            "{} +{rate}: {} × {rate} = {}",
                            cat.label_zh(),
                            yuan(base),
                            yuan(full)
                        );
                        if paid < full {
                            explain.push_str(&format!(
                                ", 封顶 {} 后为 {} (cut to {} by the cap {})",
                                yuan(*cap),
                                yuan(paid),
                                yuan(paid),
                                yuan(*cap)
                            ));
                        } else {
                            explain.push_str(&format!(" (cap {})", yuan(*cap)));
                        }
                        lines.push(Line {
                            rule: format!("{}_uplift", cat.code()),
                            key: None,
                            amount_fen: paid.fen(),
                            clause: clause.into(),
                            explain,
                        });
                    }
                }
            }
            AmountKind::Requested => {
                let r = requested(p, c)?;
                if member_pays {
                    lines.push(Line {
                        rule: "requested".into(),
                        key: None,
                        amount_fen: r.fen(),
                        clause: clause.into(),
                        explain: format!("经办人核定金额 (amount set by the officer): {}", yuan(r)),
                    });
                }
            }
            AmountKind::LargestOf {
                categories,
                tags,
                gift_pack_tags,
            } => {
                let mut bases: Vec<(String, Money)> = Vec::new();
                if let Some(a) = c.archive.as_ref().filter(|a| a.active) {
                    if let Some((cat, m)) = categories.iter().find(|(k, _)| *k == a.category) {
                        bases.push((format!("{} ({})", cat.label_zh(), cat.code()), *m));
                    }
                }
                for (t, m) in tags {
                    if c.member.tags.iter().any(|x| x == t) {
                        bases.push((format!("标签 {t} (tag)"), *m));
                    }
                }
                let gift = c
                    .member
                    .tags
                    .iter()
                    .any(|t| gift_pack_tags.iter().any(|g| g == t));
                if bases.is_empty() && !gift {
                    let inactive = c.archive.as_ref().is_some_and(|a| !a.active);
                    if inactive {
                        refusals.push(refusal(
                            "archive_inactive",
                            clause,
                            "档案未生效，且无名单标签 (archive record inactive and no listed tag)"
                                .into(),
                        ));
                    } else {
                        refusals.push(refusal(
                            "not_in_list",
                            clause,
                            "既无有效档案，也无名单标签 (neither an active archive record nor a listed tag)".into(),
                        ));
                    }
                }
                if member_pays {
                    if gift {
                        gift_packs = 1;
                    }
                    // The largest cash amount, the first listed on a tie.
                    let mut best: Option<usize> = None;
                    for (i, (_, m)) in bases.iter().enumerate() {
                        if best.is_none_or(|b| *m > bases[b].1) {
                            best = Some(i);
                        }
                    }
                    if let Some(b) = best {
                        let (name, m) = &bases[b];
                        let mut explain = format!("取最高 (largest): {name} {}", yuan(*m));
                        let others: Vec<String> = bases
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| *i != b)
                            .map(|(_, (n, m))| format!("{n} {}", yuan(*m)))
                            .collect();
                        if !others.is_empty() {
                            explain.push_str(&format!("; 其他 (others): {}", others.join(", ")));
                        }
                        if gift {
                            explain.push_str("; 礼包 1 份 (one gift pack)");
                        }
                        lines.push(Line {
                            rule: "largest_of".into(),
                            key: None,
                            amount_fen: m.fen(),
                            clause: clause.into(),
                            explain,
                        });
                    }
                }
            }
        }
    }

    let stopped =
        refusals.iter().any(|r| r.reason != "already_granted") || !member_pays && !keyed_lines;
    let mut amount = Money::ZERO;
    for l in &lines {
        amount = amount
            .checked_add(Money::from_fen(l.amount_fen))
            .ok_or_else(|| overflow("case"))?;
    }
    let pays = amount > Money::ZERO
        || gift_packs > 0
        || (p.kind == ProgrammeKind::Archive && category.is_some());
    let eligible = !stopped && pays;
    if !eligible {
        lines.retain(|l| l.rule == "category");
        amount = Money::ZERO;
        gift_packs = 0;
        category = None;
    }

    let key = lines
        .iter()
        .find(|l| l.amount_fen > 0 && l.key.is_some())
        .and_then(|l| l.key.clone())
        .or_else(|| subjects.first().map(|s| s.key.clone()))
        .unwrap_or_else(|| format!("{cycle}:{member_id}"));
    let missing_documents = match &c.documents {
        None => Vec::new(),
        Some(given) => p
            .documents
            .iter()
            .filter(|d| !given.contains(&d.id))
            .map(|d| d.id.clone())
            .collect(),
    };
    Ok(Assessment {
        programme: p.id.clone(),
        version: p.version.clone(),
        cycle,
        eligible,
        category: (p.kind == ProgrammeKind::Archive).then_some(category),
        per_head_monthly_income_fen: per_head,
        amount_fen: amount.fen(),
        gift_packs: (p.kind == ProgrammeKind::Campaign).then_some(gift_packs),
        key,
        lines,
        refusals,
        missing_documents,
        approval: if eligible {
            p.approval_for(amount).map(str::to_string)
        } else {
            None
        },
        notice: eligible && p.notice.required,
    })
}

/// SPEC 7.2: p = (annual income − rigid expenses) / 12 / size, in fen, rounded down (toward −∞);
/// rigid = medical self-paid + education; study abroad at own expense counts 0.
fn categorise(
    p: &Programme,
    c: &Case,
    line: Money,
    multiple: u32,
    accident_rate: crate::policy::Rate,
) -> Result<(Option<Category>, i64, String), CaseError> {
    let h = household(p, c)?;
    let size = h.size.ok_or_else(|| missing("household.size", &p.id))?;
    let income = h
        .annual_income
        .ok_or_else(|| missing("household.annual_income_fen", &p.id))?;
    let medical = h
        .medical_self_paid
        .ok_or_else(|| missing("household.medical_self_paid_fen", &p.id))?;
    let net = i128::from(income.fen()) - i128::from(medical.fen()) - i128::from(h.education.fen());
    let per_head = net.div_euclid(12 * i128::from(size));
    let per_head = i64::try_from(per_head).map_err(|_| overflow("household.annual_income_fen"))?;
    let pm = Money::from_fen(per_head);
    let mut words = format!(
        "人均月收入 p = ({} − {} − {}) ÷ 12 ÷ {size} = {}",
        yuan(income),
        yuan(medical),
        yuan(h.education),
        yuan(pm)
    );
    if h.education_abroad_self_funded > Money::ZERO {
        words.push_str(&format!(
            "（出国自费留学 {} 不计 (study abroad at own expense counts 0)）",
            yuan(h.education_abroad_self_funded)
        ));
    }
    let upper = line
        .checked_mul(i64::from(multiple))
        .ok_or_else(|| overflow("household"))?;
    if pm < line {
        words.push_str(&format!("; p < {}: 深度困难 (deep)", yuan(line)));
        return Ok((Some(Category::Deep), per_head, words));
    }
    if pm < upper {
        words.push_str(&format!(
            "; {} ≤ p < {}: 相对困难 (relative)",
            yuan(line),
            yuan(upper)
        ));
        return Ok((Some(Category::Relative), per_head, words));
    }
    // "Exceed 80%" is strict: (medical + loss) × den > income × num.
    let loss = i128::from(medical.fen()) + i128::from(h.disaster_loss.fen());
    let exceeds = loss * i128::from(accident_rate.den())
        > i128::from(income.fen()) * i128::from(accident_rate.num());
    let share = apply(accident_rate, income).unwrap_or(Money::ZERO);
    let loss_m = Money::from_fen(i64::try_from(loss).unwrap_or(i64::MAX));
    words.push_str(&format!(
        "; p ≥ {}; 医疗自付 + 灾害损失 = {} + {} = {}",
        yuan(upper),
        yuan(medical),
        yuan(h.disaster_loss),
        yuan(loss_m)
    ));
    if exceeds {
        words.push_str(&format!(
            " > {accident_rate} × {} = {}: 意外致困 (accident)",
            yuan(income),
            yuan(share)
        ));
        Ok((Some(Category::Accident), per_head, words))
    } else {
        words.push_str(&format!(
            " ≤ {accident_rate} × {} = {}: 不符合建档条件 (income above the line)",
            yuan(income),
            yuan(share)
        ));
        Ok((None, per_head, words))
    }
}
