//! The policy file format (TOML, `docs/policy-format.md`) and its checks. Every error carries the
//! line it is about, so `huzhu policy check FILE` can point an officer at it.

use super::{
    Benefit, BenefitRef, ContributionPeriod, CostComponent, DateRange, DiseaseEntry, DiseaseList,
    Document, Enrolment, Item, OverallCap, Policy, Rate, RateError, Rule, Tier, WaitingPeriod,
};
use crate::id_number::Gender;
use crate::member::EmploymentStatus;
use crate::money::Money;
use chrono::NaiveDate;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use toml::Spanned;

/// One problem in a policy file, at a line (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub line: usize,
    pub problem: Problem,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "第{}行 (line {}): {}",
            self.line, self.line, self.problem
        )
    }
}

/// Every problem found in a file, in line order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyErrors(pub Vec<PolicyError>);

impl fmt::Display for PolicyErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for PolicyErrors {}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("{message}")]
    Syntax { message: String },
    #[error("不支持的格式版本{found}，应为1 (format {found} is not supported: expected 1)")]
    Format { found: u32 },
    #[error("“{key}”应为日期，如 2022-01-01 (key `{key}` must be a date such as 2022-01-01)")]
    NotADate { key: &'static str },
    #[error("{what}：开始{start}晚于结束{end} ({what}: start {start} is after end {end})")]
    EmptyRange {
        what: &'static str,
        start: NaiveDate,
        end: NaiveDate,
    },
    #[error(
        "申报截止日{deadline}早于保障期结束 (claim deadline {deadline} is before the cycle ends)"
    )]
    DeadlineBeforeCycleEnd { deadline: NaiveDate },
    #[error("{0}")]
    Rate(RateError),
    #[error("分段应从0元开始 (the first tier must start at 0)")]
    TiersNotFromZero,
    #[error("分段重叠：{from}元起的一段与上一段（止于{previous_to}元）重叠 (overlapping tiers: the tier from {from} overlaps the one ending at {previous_to})")]
    OverlappingTiers { from: Money, previous_to: Money },
    #[error("分段有空缺：{previous_to}元至{from}元未定义 (gap between tiers: {previous_to} to {from} is not covered)")]
    TierGap { from: Money, previous_to: Money },
    #[error("分段止点{to}元不大于起点{from}元 (tier ends at {to}, not after its start {from})")]
    EmptyTier { from: Money, to: Money },
    #[error("只有最后一段可以不写止点 (only the last tier may be open-ended)")]
    OpenTierNotLast,
    #[error("最后一段应不写止点，覆盖以上全部金额 (the last tier must be open-ended)")]
    LastTierClosed,
    #[error("项目{item}封顶{cap}元小于其补助{benefit}的金额{amount}元 (item {item} cap {cap} is smaller than benefit {benefit} amount {amount})")]
    CapBelowBenefit {
        item: String,
        benefit: String,
        cap: Money,
        amount: Money,
    },
    #[error("病种代码或清单“{code}”已使用但未在 disease_list 中列出 (disease code or list `{code}` is used but not listed)")]
    UnknownDisease { code: String },
    #[error("病种代码“{code}”重复，第{first_line}行已列出 (disease code `{code}` is listed twice, first at line {first_line})")]
    DuplicateDisease { code: String, first_line: usize },
    #[error("材料“{id}”未在 documents 中列出 (document `{id}` is used but not listed)")]
    UnknownDocument { id: String },
    #[error("{what}“{id}”重复 (duplicate {what} `{id}`)")]
    Duplicate { what: &'static str, id: String },
    #[error("未知的规则“{rule}”，应为 cost_tiers、diagnosis、daily 或 after_benefit (unknown rule `{rule}`)")]
    UnknownRule { rule: String },
    #[error("键“{key}”不适用于规则 {rule} (key `{key}` does not apply to rule {rule})")]
    KeyNotForRule { key: &'static str, rule: String },
    #[error("规则 {rule} 缺少键“{key}” (rule {rule} needs key `{key}`)")]
    MissingKey { key: &'static str, rule: String },
    #[error("未知的费用项“{raw}” (unknown cost component `{raw}`)")]
    UnknownCost { raw: String },
    #[error("未知的在职状态“{raw}” (unknown employment status `{raw}`)")]
    UnknownStatus { raw: String },
    #[error("未知的性别“{raw}”，应为 female 或 male (unknown gender `{raw}`)")]
    UnknownGender { raw: String },
    #[error("未知的项目“{id}” (unknown item `{id}`)")]
    UnknownItem { id: String },
    #[error("项目{item}没有补助“{benefit}” (item {item} has no benefit `{benefit}`)")]
    UnknownBenefit { item: String, benefit: String },
    #[error("“{key}”应为 cycle 或 month (key `{key}` must be cycle or month)")]
    UnknownPeriod { key: &'static str },
    #[error("医院等级应为1、2或3 (hospital grade must be 1, 2 or 3)")]
    BadGrade,
    #[error("份数上限至少为1 (max_shares must be at least 1)")]
    NoShares,
    #[error("“{key}”应为 unit 或 federation，而不是“{raw}” (`{key}` must be unit or federation, not `{raw}`)")]
    UnknownParty { key: &'static str, raw: String },
}

/// Puts the Chinese name of the common problems before the parser's English message.
pub(crate) fn syntax_message(m: &str) -> String {
    if m.starts_with("unknown field") {
        format!("未知的键 (unknown key): {m}")
    } else if m.starts_with("missing field") {
        format!("缺少键 (missing key): {m}")
    } else if m.starts_with("invalid type") {
        format!("值的类型不对 (wrong type): {m}")
    } else {
        format!("格式错误 (syntax): {m}")
    }
}

pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()
        .iter()
        .take(offset)
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Yuan as an officer writes them: `36`, `"12.50"`. Floats are refused (they are not exact).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Yuan(pub(crate) Money);

impl<'de> Deserialize<'de> for Yuan {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Yuan, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Yuan;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an amount in yuan: a whole number, or a string such as \"12.50\"")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Yuan, E> {
                if v < 0 {
                    return Err(E::custom("金额不能为负数 (amount must not be negative)"));
                }
                Money::from_yuan(1)
                    .checked_mul(v)
                    .map(Yuan)
                    .ok_or_else(|| E::custom("金额溢出 (amount overflow)"))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Yuan, E> {
                let v = i64::try_from(v).map_err(|_| E::custom("金额溢出 (amount overflow)"))?;
                self.visit_i64(v)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Yuan, E> {
                Err(E::custom(
                    "金额不能写成小数，请写成字符串如 \"12.50\" (write decimals as a string such as \"12.50\", never a float)",
                ))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Yuan, E> {
                Money::parse_yuan(v).map(Yuan).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

type S<T> = Spanned<T>;

/// An optional English name (`name_en`): blank is the same as absent.
pub(crate) fn english(raw: &Option<String>) -> Option<String> {
    raw.as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    format: S<u32>,
    id: String,
    name: String,
    name_en: Option<String>,
    version: String,
    region: String,
    home_region_prefix: String,
    #[serde(default)]
    stay_documents: Vec<S<String>>,
    cycle: RawCycle,
    enrolment: RawEnrolment,
    waiting_period: RawWaiting,
    claims: RawClaims,
    overall_cap: Option<RawOverallCap>,
    unlisted_diagnosis: Option<S<RawBenefitRef>>,
    #[serde(default)]
    clauses: BTreeMap<String, String>,
    documents: Vec<RawDocument>,
    #[serde(default)]
    disease_list: Vec<RawDiseaseList>,
    item: Vec<RawItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCycle {
    start: S<toml::value::Datetime>,
    end: S<toml::value::Datetime>,
    assumed: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEnrolment {
    window_start: S<toml::value::Datetime>,
    window_end: S<toml::value::Datetime>,
    by: S<String>,
    contributions_paid_by: S<String>,
    max_shares: S<u32>,
    eligible_status: Vec<S<String>>,
    assumed: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiting {
    days: u32,
    waived_on_renewal: bool,
    assumed: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClaims {
    deadline: S<toml::value::Datetime>,
    assumed: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverallCap {
    amount: Yuan,
    items: Vec<S<String>>,
    clause: String,
    assumed: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBenefitRef {
    item: String,
    benefit: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDocument {
    id: S<String>,
    name: String,
    name_en: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDiseaseList {
    id: S<String>,
    name: String,
    name_en: Option<String>,
    codes: BTreeMap<String, S<String>>,
    assumed: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: S<String>,
    name: String,
    name_en: Option<String>,
    contribution: Yuan,
    contribution_period: Option<S<String>>,
    cap: Option<S<Yuan>>,
    cap_clause: Option<String>,
    #[serde(default)]
    scales_with_shares: bool,
    gender: Option<S<String>>,
    approval: String,
    assumed: Option<String>,
    benefit: Vec<RawBenefit>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBenefit {
    id: S<String>,
    name: String,
    name_en: Option<String>,
    clause: String,
    rule: S<String>,
    #[serde(default)]
    once_per_cycle: bool,
    #[serde(default)]
    outside_caps: bool,
    min_hospital_grade: Option<S<u8>>,
    #[serde(default)]
    excludes_rehabilitation: bool,
    #[serde(default)]
    documents: Vec<S<String>>,
    #[serde(default)]
    outpatient_documents: Vec<S<String>>,
    #[serde(default)]
    out_of_region_documents: Vec<S<String>>,
    assumed: Option<String>,
    // cost_tiers
    costs: Option<S<Vec<S<String>>>>,
    tiers: Option<S<Vec<S<RawTier>>>>,
    outpatient_diseases: Option<S<Vec<S<String>>>>,
    refuse_duplicate_invoice: Option<S<bool>>,
    // diagnosis
    diseases: Option<S<Vec<S<String>>>>,
    amount: Option<S<Yuan>>,
    first_diagnosis: Option<S<bool>>,
    on_death: Option<S<Vec<S<String>>>>,
    // daily
    per_day: Option<S<Yuan>>,
    max_days: Option<S<u32>>,
    // after_benefit
    requires: Option<S<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTier {
    from: Yuan,
    to: Option<Yuan>,
    rate: String,
}

/// Collects problems while building, so one run reports them all.
struct Ctx<'a> {
    text: &'a str,
    errors: Vec<PolicyError>,
}

impl Ctx<'_> {
    fn at<T>(&mut self, s: &S<T>, problem: Problem) {
        let line = line_of(self.text, s.span().start);
        self.errors.push(PolicyError { line, problem });
    }
    fn at_span(&mut self, span: std::ops::Range<usize>, problem: Problem) {
        let line = line_of(self.text, span.start);
        self.errors.push(PolicyError { line, problem });
    }
    fn date(&mut self, s: &S<toml::value::Datetime>, key: &'static str) -> NaiveDate {
        let v = s.get_ref();
        let d = match (v.date, v.time, v.offset) {
            (Some(d), None, None) => {
                NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
            }
            _ => None,
        };
        match d {
            Some(d) => d,
            None => {
                self.at(s, Problem::NotADate { key });
                NaiveDate::MIN
            }
        }
    }
}

pub(super) fn parse(text: &str) -> Result<Policy, PolicyErrors> {
    let raw: RawPolicy = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
        PolicyErrors(vec![PolicyError {
            line,
            problem: Problem::Syntax {
                message: syntax_message(e.message().trim()),
            },
        }])
    })?;
    let mut cx = Ctx {
        text,
        errors: Vec::new(),
    };
    let policy = build(&mut cx, raw);
    if cx.errors.is_empty() {
        Ok(policy)
    } else {
        cx.errors.sort_by_key(|e| e.line);
        Err(PolicyErrors(cx.errors))
    }
}

fn build(cx: &mut Ctx, raw: RawPolicy) -> Policy {
    let mut assumptions = Vec::new();
    let mut assume = |key: String, why: &Option<String>| {
        if let Some(w) = why {
            assumptions.push((key, w.clone()));
        }
    };
    if *raw.format.get_ref() != 1 {
        let found = *raw.format.get_ref();
        cx.at(&raw.format, Problem::Format { found });
    }

    let cycle = DateRange {
        start: cx.date(&raw.cycle.start, "cycle.start"),
        end: cx.date(&raw.cycle.end, "cycle.end"),
    };
    if cycle.start > cycle.end {
        cx.at(
            &raw.cycle.end,
            Problem::EmptyRange {
                what: "互助保障期 cycle",
                start: cycle.start,
                end: cycle.end,
            },
        );
    }
    assume("cycle".into(), &raw.cycle.assumed);

    let e = &raw.enrolment;
    let window = DateRange {
        start: cx.date(&e.window_start, "enrolment.window_start"),
        end: cx.date(&e.window_end, "enrolment.window_end"),
    };
    if window.start > window.end {
        cx.at(
            &e.window_end,
            Problem::EmptyRange {
                what: "参保窗口 enrolment window",
                start: window.start,
                end: window.end,
            },
        );
    }
    if *e.max_shares.get_ref() == 0 {
        cx.at(&e.max_shares, Problem::NoShares);
    }
    let mut eligible_status = Vec::new();
    for s in &e.eligible_status {
        match EmploymentStatus::parse(s.get_ref()) {
            Some(st) => eligible_status.push(st),
            None => cx.at(
                s,
                Problem::UnknownStatus {
                    raw: s.get_ref().clone(),
                },
            ),
        }
    }
    assume("enrolment".into(), &e.assumed);
    // Who enrols and who pays: a unit or the federation, nothing else (a misspelt payer would
    // silently bill the units).
    for (key, v) in [
        ("enrolment.by", &e.by),
        ("enrolment.contributions_paid_by", &e.contributions_paid_by),
    ] {
        if !matches!(v.get_ref().trim(), "unit" | "federation") {
            cx.at(
                v,
                Problem::UnknownParty {
                    key,
                    raw: v.get_ref().clone(),
                },
            );
        }
    }
    let enrolment = Enrolment {
        window,
        by: e.by.get_ref().trim().to_string(),
        paid_by: e.contributions_paid_by.get_ref().trim().to_string(),
        max_shares: *e.max_shares.get_ref(),
        eligible_status,
    };
    assume("waiting_period".into(), &raw.waiting_period.assumed);
    let waiting = WaitingPeriod {
        days: raw.waiting_period.days,
        waived_on_renewal: raw.waiting_period.waived_on_renewal,
    };
    let claim_deadline = cx.date(&raw.claims.deadline, "claims.deadline");
    if claim_deadline < cycle.end {
        cx.at(
            &raw.claims.deadline,
            Problem::DeadlineBeforeCycleEnd {
                deadline: claim_deadline,
            },
        );
    }
    assume("claims".into(), &raw.claims.assumed);

    // Documents and diseases first: items refer to them.
    let mut documents = Vec::new();
    let mut doc_ids = BTreeSet::new();
    for d in &raw.documents {
        if !doc_ids.insert(d.id.get_ref().clone()) {
            cx.at(
                &d.id,
                Problem::Duplicate {
                    what: "材料 document",
                    id: d.id.get_ref().clone(),
                },
            );
        }
        documents.push(Document {
            id: d.id.get_ref().clone(),
            name: d.name.clone(),
            name_en: english(&d.name_en),
        });
    }
    let stay_documents = check_documents(cx, &doc_ids, &raw.stay_documents);

    let mut diseases: BTreeMap<String, DiseaseEntry> = BTreeMap::new();
    let mut disease_lines: BTreeMap<String, usize> = BTreeMap::new();
    let mut disease_lists = Vec::new();
    for l in &raw.disease_list {
        let list_id = l.id.get_ref().clone();
        if disease_lists.iter().any(|d: &DiseaseList| d.id == list_id) {
            cx.at(
                &l.id,
                Problem::Duplicate {
                    what: "病种清单 disease list",
                    id: list_id.clone(),
                },
            );
        }
        for (code, name) in &l.codes {
            let line = line_of(cx.text, name.span().start);
            if let Some(first_line) = disease_lines.get(code) {
                cx.at(
                    name,
                    Problem::DuplicateDisease {
                        code: code.clone(),
                        first_line: *first_line,
                    },
                );
                continue;
            }
            disease_lines.insert(code.clone(), line);
            diseases.insert(
                code.clone(),
                DiseaseEntry {
                    list: list_id.clone(),
                    name: name.get_ref().clone(),
                },
            );
        }
        assume(format!("disease_list.{list_id}"), &l.assumed);
        disease_lists.push(DiseaseList {
            id: list_id,
            name: l.name.clone(),
            name_en: english(&l.name_en),
            codes: l.codes.keys().cloned().collect(),
        });
    }

    let mut items: Vec<Item> = Vec::new();
    for ri in &raw.item {
        let id = ri.id.get_ref().clone();
        if items.iter().any(|i| i.id == id) {
            cx.at(
                &ri.id,
                Problem::Duplicate {
                    what: "项目 item",
                    id: id.clone(),
                },
            );
        }
        assume(format!("item.{id}"), &ri.assumed);
        let contribution_period = match ri.contribution_period.as_ref() {
            None => ContributionPeriod::Cycle,
            Some(p) => match p.get_ref().as_str() {
                "cycle" => ContributionPeriod::Cycle,
                "month" => ContributionPeriod::Month,
                _ => {
                    cx.at(
                        p,
                        Problem::UnknownPeriod {
                            key: "contribution_period",
                        },
                    );
                    ContributionPeriod::Cycle
                }
            },
        };
        let gender = ri.gender.as_ref().and_then(|g| match g.get_ref().as_str() {
            "female" => Some(Gender::Female),
            "male" => Some(Gender::Male),
            other => {
                let raw = other.to_string();
                cx.at(g, Problem::UnknownGender { raw });
                None
            }
        });
        let mut benefits: Vec<Benefit> = Vec::new();
        for rb in &ri.benefit {
            let b = build_benefit(cx, &doc_ids, &diseases, &disease_lists, rb);
            if benefits.iter().any(|x| x.id == b.id) {
                cx.at(
                    &rb.id,
                    Problem::Duplicate {
                        what: "补助 benefit",
                        id: b.id.clone(),
                    },
                );
            }
            assume(format!("item.{id}.benefit.{}", b.id), &rb.assumed);
            if let (Some(cap), Some(amount)) = (ri.cap.as_ref(), fixed_amount(&b.rule)) {
                if !b.outside_caps && amount > cap.get_ref().0 {
                    let span = rb
                        .amount
                        .as_ref()
                        .map(|a| a.span())
                        .or_else(|| rb.per_day.as_ref().map(|a| a.span()))
                        .unwrap_or_else(|| rb.id.span());
                    cx.at_span(
                        span,
                        Problem::CapBelowBenefit {
                            item: id.clone(),
                            benefit: b.id.clone(),
                            cap: cap.get_ref().0,
                            amount,
                        },
                    );
                }
            }
            benefits.push(b);
        }
        items.push(Item {
            id: id.clone(),
            name: ri.name.clone(),
            name_en: english(&ri.name_en),
            contribution: ri.contribution.0,
            contribution_period,
            cap: ri.cap.as_ref().map(|c| c.get_ref().0),
            cap_clause: ri.cap_clause.clone().unwrap_or_else(|| format!("{id}.cap")),
            scales_with_shares: ri.scales_with_shares,
            gender,
            approval: ri.approval.clone(),
            benefits,
        });
    }
    // `requires` of an after-benefit rule names a benefit of the same item.
    for (ri, item) in raw.item.iter().zip(&items) {
        for (rb, b) in ri.benefit.iter().zip(&item.benefits) {
            if let (Rule::AfterBenefit { requires, .. }, Some(span)) = (&b.rule, &rb.requires) {
                if item.benefit(requires).is_none() {
                    cx.at(
                        span,
                        Problem::UnknownBenefit {
                            item: item.id.clone(),
                            benefit: requires.clone(),
                        },
                    );
                }
            }
        }
    }

    let overall_cap = raw.overall_cap.as_ref().map(|oc| {
        for it in &oc.items {
            if !items.iter().any(|i| &i.id == it.get_ref()) {
                cx.at(
                    it,
                    Problem::UnknownItem {
                        id: it.get_ref().clone(),
                    },
                );
            }
        }
        assume("overall_cap".into(), &oc.assumed);
        OverallCap {
            amount: oc.amount.0,
            items: oc.items.iter().map(|i| i.get_ref().clone()).collect(),
            clause: oc.clause.clone(),
        }
    });
    if let Some(ud) = &raw.unlisted_diagnosis {
        let u = ud.get_ref();
        match items.iter().find(|i| i.id == u.item) {
            None => cx.at(ud, Problem::UnknownItem { id: u.item.clone() }),
            Some(i) if i.benefit(&u.benefit).is_none() => cx.at(
                ud,
                Problem::UnknownBenefit {
                    item: u.item.clone(),
                    benefit: u.benefit.clone(),
                },
            ),
            Some(_) => {}
        }
    }
    let unlisted_diagnosis = raw.unlisted_diagnosis.as_ref().map(|ud| BenefitRef {
        item: ud.get_ref().item.clone(),
        benefit: ud.get_ref().benefit.clone(),
    });

    Policy {
        id: raw.id,
        name: raw.name,
        name_en: english(&raw.name_en),
        version: raw.version,
        region: raw.region,
        home_region_prefix: raw.home_region_prefix,
        cycle,
        enrolment,
        waiting,
        claim_deadline,
        overall_cap,
        unlisted_diagnosis,
        documents,
        stay_documents,
        diseases,
        disease_lists,
        items,
        clauses: raw.clauses,
        assumptions,
    }
}

fn fixed_amount(rule: &Rule) -> Option<Money> {
    match rule {
        Rule::Diagnosis { amount, .. } | Rule::AfterBenefit { amount, .. } => Some(*amount),
        Rule::Daily { per_day, .. } => Some(*per_day),
        Rule::CostTiers { .. } => None,
    }
}

fn check_documents(cx: &mut Ctx, known: &BTreeSet<String>, ids: &[S<String>]) -> Vec<String> {
    for d in ids {
        if !known.contains(d.get_ref()) {
            cx.at(
                d,
                Problem::UnknownDocument {
                    id: d.get_ref().clone(),
                },
            );
        }
    }
    ids.iter().map(|d| d.get_ref().clone()).collect()
}

/// Expands list ids to their codes; every name must be a list or a listed code.
fn disease_codes(
    cx: &mut Ctx,
    diseases: &BTreeMap<String, DiseaseEntry>,
    lists: &[DiseaseList],
    names: &[S<String>],
) -> Vec<String> {
    let mut out = Vec::new();
    for n in names {
        if let Some(l) = lists.iter().find(|l| &l.id == n.get_ref()) {
            out.extend(l.codes.iter().cloned());
        } else if diseases.contains_key(n.get_ref()) {
            out.push(n.get_ref().clone());
        } else {
            cx.at(
                n,
                Problem::UnknownDisease {
                    code: n.get_ref().clone(),
                },
            );
        }
    }
    out
}

fn build_benefit(
    cx: &mut Ctx,
    doc_ids: &BTreeSet<String>,
    diseases: &BTreeMap<String, DiseaseEntry>,
    lists: &[DiseaseList],
    rb: &RawBenefit,
) -> Benefit {
    let rule_name = rb.rule.get_ref().clone();
    // Which rule-specific keys are present, with their spans, to refuse those that do not apply.
    let present: [(&'static str, Option<std::ops::Range<usize>>); 10] = [
        ("costs", rb.costs.as_ref().map(|s| s.span())),
        ("tiers", rb.tiers.as_ref().map(|s| s.span())),
        (
            "outpatient_diseases",
            rb.outpatient_diseases.as_ref().map(|s| s.span()),
        ),
        (
            "refuse_duplicate_invoice",
            rb.refuse_duplicate_invoice.as_ref().map(|s| s.span()),
        ),
        ("diseases", rb.diseases.as_ref().map(|s| s.span())),
        ("amount", rb.amount.as_ref().map(|s| s.span())),
        (
            "first_diagnosis",
            rb.first_diagnosis.as_ref().map(|s| s.span()),
        ),
        ("on_death", rb.on_death.as_ref().map(|s| s.span())),
        ("per_day", rb.per_day.as_ref().map(|s| s.span())),
        ("max_days", rb.max_days.as_ref().map(|s| s.span())),
    ];
    let allowed: &[&str] = match rule_name.as_str() {
        "cost_tiers" => &[
            "costs",
            "tiers",
            "outpatient_diseases",
            "refuse_duplicate_invoice",
        ],
        "diagnosis" => &["diseases", "amount", "first_diagnosis", "on_death"],
        "daily" => &["per_day", "max_days"],
        "after_benefit" => &["amount"],
        _ => {
            cx.at(
                &rb.rule,
                Problem::UnknownRule {
                    rule: rule_name.clone(),
                },
            );
            &[]
        }
    };
    for (key, span) in &present {
        if let Some(span) = span {
            if !allowed.contains(key) && !allowed.is_empty() {
                let line = line_of(cx.text, span.start);
                cx.errors.push(PolicyError {
                    line,
                    problem: Problem::KeyNotForRule {
                        key,
                        rule: rule_name.clone(),
                    },
                });
            }
        }
    }
    if rule_name != "after_benefit" {
        if let Some(r) = &rb.requires {
            cx.at(
                r,
                Problem::KeyNotForRule {
                    key: "requires",
                    rule: rule_name.clone(),
                },
            );
        }
    }
    let mut missing = |cx: &mut Ctx, key: &'static str| {
        cx.at(
            &rb.rule,
            Problem::MissingKey {
                key,
                rule: rule_name.clone(),
            },
        )
    };
    let amount_of = |cx: &mut Ctx,
                     v: &Option<S<Yuan>>,
                     key,
                     missing: &mut dyn FnMut(&mut Ctx, &'static str)| match v {
        Some(a) => a.get_ref().0,
        None => {
            missing(cx, key);
            Money::ZERO
        }
    };
    let rule = match rule_name.as_str() {
        "cost_tiers" => {
            let mut costs = Vec::new();
            match &rb.costs {
                Some(cs) => {
                    for c in cs.get_ref() {
                        match CostComponent::parse(c.get_ref()) {
                            Some(cc) => costs.push(cc),
                            None => cx.at(
                                c,
                                Problem::UnknownCost {
                                    raw: c.get_ref().clone(),
                                },
                            ),
                        }
                    }
                }
                None => missing(cx, "costs"),
            }
            let tiers = match &rb.tiers {
                Some(t) => build_tiers(cx, t),
                None => {
                    missing(cx, "tiers");
                    Vec::new()
                }
            };
            let outpatient_diseases = rb
                .outpatient_diseases
                .as_ref()
                .map(|o| disease_codes(cx, diseases, lists, o.get_ref()))
                .unwrap_or_default();
            Rule::CostTiers {
                costs: costs.into(),
                tiers: tiers.into(),
                outpatient_diseases,
                refuse_duplicate_invoice: rb
                    .refuse_duplicate_invoice
                    .as_ref()
                    .is_some_and(|b| *b.get_ref()),
            }
        }
        "diagnosis" => {
            let codes = match &rb.diseases {
                Some(d) => disease_codes(cx, diseases, lists, d.get_ref()),
                None => {
                    missing(cx, "diseases");
                    Vec::new()
                }
            };
            let on_death = rb
                .on_death
                .as_ref()
                .map(|o| disease_codes(cx, diseases, lists, o.get_ref()))
                .unwrap_or_default();
            Rule::Diagnosis {
                diseases: codes,
                amount: amount_of(cx, &rb.amount, "amount", &mut missing),
                first_diagnosis: rb.first_diagnosis.as_ref().is_none_or(|b| *b.get_ref()),
                on_death,
            }
        }
        "daily" => Rule::Daily {
            per_day: amount_of(cx, &rb.per_day, "per_day", &mut missing),
            max_days: rb.max_days.as_ref().map(|m| *m.get_ref()),
        },
        _ => {
            let requires = match &rb.requires {
                Some(r) => r.get_ref().clone(),
                None => {
                    if rule_name == "after_benefit" {
                        missing(cx, "requires");
                    }
                    String::new()
                }
            };
            Rule::AfterBenefit {
                requires,
                amount: amount_of(cx, &rb.amount, "amount", &mut missing),
            }
        }
    };
    let min_hospital_grade = rb.min_hospital_grade.as_ref().map(|g| {
        if !(1..=3).contains(g.get_ref()) {
            cx.at(g, Problem::BadGrade);
        }
        *g.get_ref()
    });
    Benefit {
        id: rb.id.get_ref().clone(),
        name: rb.name.clone(),
        name_en: english(&rb.name_en),
        clause: rb.clause.clone(),
        rule,
        once_per_cycle: rb.once_per_cycle,
        outside_caps: rb.outside_caps,
        min_hospital_grade,
        excludes_rehabilitation: rb.excludes_rehabilitation,
        documents: check_documents(cx, doc_ids, &rb.documents),
        outpatient_documents: check_documents(cx, doc_ids, &rb.outpatient_documents),
        out_of_region_documents: check_documents(cx, doc_ids, &rb.out_of_region_documents),
    }
}

/// Tiers must start at 0, follow each other without gap or overlap, and end open.
fn build_tiers(cx: &mut Ctx, raw: &S<Vec<S<RawTier>>>) -> Vec<Tier> {
    let mut tiers: Vec<Tier> = Vec::new();
    let n = raw.get_ref().len();
    for (i, t) in raw.get_ref().iter().enumerate() {
        let rt = t.get_ref();
        let rate = match Rate::parse(&rt.rate) {
            Ok(r) => r,
            Err(e) => {
                cx.at(t, Problem::Rate(e));
                Rate::ZERO
            }
        };
        let from = rt.from.0;
        let to = rt.to.map(|y| y.0);
        match tiers.last() {
            None if from != Money::ZERO => cx.at(t, Problem::TiersNotFromZero),
            Some(prev) => match prev.to {
                None => cx.at(t, Problem::OpenTierNotLast),
                Some(pt) if from < pt => cx.at(
                    t,
                    Problem::OverlappingTiers {
                        from,
                        previous_to: pt,
                    },
                ),
                Some(pt) if from > pt => cx.at(
                    t,
                    Problem::TierGap {
                        from,
                        previous_to: pt,
                    },
                ),
                _ => {}
            },
            _ => {}
        }
        if let Some(to) = to {
            if to <= from {
                cx.at(t, Problem::EmptyTier { from, to });
            }
            if i + 1 == n {
                cx.at(t, Problem::LastTierClosed);
            }
        }
        tiers.push(Tier { from, to, rate });
    }
    if n == 0 {
        cx.at(raw, Problem::LastTierClosed);
    }
    tiers
}
