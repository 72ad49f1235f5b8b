//! The programme file format (TOML, `docs/programme-format.md`) and its checks. Every error
//! carries its line; every error a file can have is found here, so deciding never fails on the
//! file.

use super::{
    AmountKind, AmountRule, Approval, Band, Category, Condition, ConditionRule, Cycle, Document,
    Fund, Notice, Owner, Programme, ProgrammeKind, SchoolLevel, Subject, Uniqueness,
};
use crate::money::Money;
use crate::policy::{english, line_of, syntax_message, Rate, Yuan};
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;
use toml::Spanned;

/// One problem in a programme file, at a line (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeError {
    pub line: usize,
    pub problem: String,
}

impl fmt::Display for ProgrammeError {
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
pub struct ProgrammeErrors(pub Vec<ProgrammeError>);

impl fmt::Display for ProgrammeErrors {
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

impl std::error::Error for ProgrammeErrors {}

type S<T> = Spanned<T>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProgramme {
    format: S<u32>,
    id: S<String>,
    name: String,
    name_en: Option<String>,
    version: String,
    owner: S<String>,
    fund: S<String>,
    kind: S<String>,
    cycle: RawCycle,
    uniqueness: RawUniqueness,
    notice: RawNotice,
    #[serde(default)]
    documents: Vec<RawDocument>,
    approval: S<Vec<RawApproval>>,
    #[serde(default)]
    condition: Vec<RawRule>,
    amount: S<Vec<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCycle {
    kind: S<String>,
    label: Option<S<String>>,
    start: Option<S<toml::value::Datetime>>,
    end: Option<S<toml::value::Datetime>>,
    clause: Option<S<String>>,
    assumed: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUniqueness {
    subject: S<String>,
    per_cycle: Option<S<u32>>,
    clause: String,
    assumed: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNotice {
    required: S<bool>,
    working_days: Option<S<u32>>,
    assumed: Option<String>,
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
struct RawApproval {
    up_to: Option<S<Yuan>>,
    level: S<String>,
    assumed: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBand {
    from: Yuan,
    to: Option<Yuan>,
    amount: Yuan,
}

/// A `[[condition]]` or `[[amount]]` table: `rule` says which of the other keys apply.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    rule: S<String>,
    clause: S<String>,
    assumed: Option<String>,
    categories: Option<S<Vec<S<String>>>>,
    tag: Option<S<String>>,
    months: Option<S<u32>>,
    from_policy: Option<S<String>>,
    list: Option<S<String>>,
    codes: Option<S<Vec<S<String>>>>,
    amount: Option<S<Yuan>>,
    levels: Option<S<Vec<S<String>>>>,
    min: Option<S<Yuan>>,
    max: Option<S<Yuan>>,
    count: Option<S<u32>>,
    years: Option<S<u32>>,
    bands: Option<S<Vec<S<RawBand>>>>,
    table: Option<S<BTreeMap<String, Yuan>>>,
    category: Option<S<String>>,
    rate: Option<S<String>>,
    cap: Option<S<Yuan>>,
    line: Option<S<Yuan>>,
    relative_multiple: Option<S<u32>>,
    accident_rate: Option<S<String>>,
    tags: Option<S<BTreeMap<String, Yuan>>>,
    gift_pack_tags: Option<S<Vec<S<String>>>>,
    /// `fell_ill` (donation module): the relief programme whose grant means ill.
    relief: Option<S<String>>,
}

impl RawRule {
    fn present(&self) -> Vec<(&'static str, Range<usize>)> {
        fn sp<T>(v: &Option<S<T>>) -> Option<Range<usize>> {
            v.as_ref().map(|s| s.span())
        }
        let all = [
            ("categories", sp(&self.categories)),
            ("tag", sp(&self.tag)),
            ("months", sp(&self.months)),
            ("from_policy", sp(&self.from_policy)),
            ("list", sp(&self.list)),
            ("codes", sp(&self.codes)),
            ("amount", sp(&self.amount)),
            ("levels", sp(&self.levels)),
            ("min", sp(&self.min)),
            ("max", sp(&self.max)),
            ("count", sp(&self.count)),
            ("years", sp(&self.years)),
            ("bands", sp(&self.bands)),
            ("table", sp(&self.table)),
            ("category", sp(&self.category)),
            ("rate", sp(&self.rate)),
            ("cap", sp(&self.cap)),
            ("line", sp(&self.line)),
            ("relative_multiple", sp(&self.relative_multiple)),
            ("accident_rate", sp(&self.accident_rate)),
            ("tags", sp(&self.tags)),
            ("gift_pack_tags", sp(&self.gift_pack_tags)),
            ("relief", sp(&self.relief)),
        ];
        all.into_iter()
            .filter_map(|(k, s)| s.map(|s| (k, s)))
            .collect()
    }
}

struct Ctx<'a> {
    text: &'a str,
    errors: Vec<ProgrammeError>,
}

impl Ctx<'_> {
    fn at(&mut self, span: Range<usize>, problem: impl Into<String>) {
        let line = line_of(self.text, span.start);
        self.errors.push(ProgrammeError {
            line,
            problem: problem.into(),
        });
    }
    fn date(&mut self, s: &S<toml::value::Datetime>, key: &str) -> NaiveDate {
        let v = s.get_ref();
        let d = match (v.date, v.time, v.offset) {
            (Some(d), None, None) => {
                NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
            }
            _ => None,
        };
        d.unwrap_or_else(|| {
            self.at(
                s.span(),
                format!(
                    "“{key}”应为日期，如 2026-01-01 (`{key}` must be a date such as 2026-01-01)"
                ),
            );
            NaiveDate::MIN
        })
    }
    fn rate(&mut self, s: &S<String>) -> Rate {
        Rate::parse(s.get_ref()).unwrap_or_else(|e| {
            self.at(s.span(), e.to_string());
            Rate::ZERO
        })
    }
    fn category(&mut self, s: &S<String>) -> Option<Category> {
        let c = Category::parse(s.get_ref());
        if c.is_none() {
            self.at(
                s.span(),
                format!(
                    "未知的困难类别“{}”，应为 deep、relative 或 accident (unknown category `{}`)",
                    s.get_ref(),
                    s.get_ref()
                ),
            );
        }
        c
    }
    fn level(&mut self, raw: &str, span: Range<usize>) -> Option<SchoolLevel> {
        let l = SchoolLevel::parse(raw).filter(|l| *l != SchoolLevel::None);
        if l.is_none() {
            self.at(
                span,
                format!("未知的学段“{raw}”，应为 postgraduate、undergraduate、junior_college 或 senior_secondary (unknown school level `{raw}`)"),
            );
        }
        l
    }
}

pub(super) fn parse(text: &str) -> Result<Programme, ProgrammeErrors> {
    let raw: RawProgramme = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
        ProgrammeErrors(vec![ProgrammeError {
            line,
            problem: syntax_message(e.message().trim()),
        }])
    })?;
    let mut cx = Ctx {
        text,
        errors: Vec::new(),
    };
    let p = build(&mut cx, raw);
    if cx.errors.is_empty() {
        Ok(p)
    } else {
        cx.errors.sort_by_key(|e| e.line);
        Err(ProgrammeErrors(cx.errors))
    }
}

fn enum_of<T>(
    cx: &mut Ctx,
    s: &S<String>,
    parse: fn(&str) -> Option<T>,
    what: &str,
    allowed: &str,
    default: T,
) -> T {
    parse(s.get_ref()).unwrap_or_else(|| {
        cx.at(
            s.span(),
            format!(
                "未知的{what}“{}”，应为 {allowed} (unknown {what} `{}`: expected {allowed})",
                s.get_ref(),
                s.get_ref()
            ),
        );
        default
    })
}

fn build(cx: &mut Ctx, raw: RawProgramme) -> Programme {
    let mut assumptions: Vec<(String, String)> = Vec::new();
    if *raw.format.get_ref() != 1 {
        let found = *raw.format.get_ref();
        cx.at(
            raw.format.span(),
            format!("不支持的格式版本{found}，应为1 (format {found} is not supported: expected 1)"),
        );
    }
    let id = raw.id.get_ref().trim().to_string();
    if id.is_empty() || id.contains(':') || id.contains(char::is_whitespace) {
        cx.at(
            raw.id.span(),
            "项目编号不能为空，且不含空格或冒号 (id must be non-empty, without spaces or colons)",
        );
    }
    let owner = enum_of(
        cx,
        &raw.owner,
        Owner::parse,
        "主办层级 owner",
        "city, district, street, unit",
        Owner::City,
    );
    let fund = enum_of(
        cx,
        &raw.fund,
        Fund::parse,
        "资金 fund",
        "hardship, spring_breeze, campaign",
        Fund::Hardship,
    );
    let kind = enum_of(
        cx,
        &raw.kind,
        ProgrammeKind::parse,
        "项目类型 kind",
        "archive, relief, campaign",
        ProgrammeKind::Relief,
    );

    // The cycle.
    let c = &raw.cycle;
    let window_keys = [
        ("label", c.label.as_ref().map(|s| s.span())),
        ("start", c.start.as_ref().map(|s| s.span())),
        ("end", c.end.as_ref().map(|s| s.span())),
        ("clause", c.clause.as_ref().map(|s| s.span())),
    ];
    let cycle = match c.kind.get_ref().as_str() {
        "calendar_year" | "academic_year" => {
            for (k, s) in &window_keys {
                if let Some(s) = s {
                    cx.at(
                        s.clone(),
                        format!(
                            "键“{k}”只用于 kind = \"window\" (key `{k}` is for window cycles only)"
                        ),
                    );
                }
            }
            if c.kind.get_ref() == "calendar_year" {
                Cycle::CalendarYear
            } else {
                Cycle::AcademicYear
            }
        }
        "window" => {
            let mut need = |k: &str| {
                cx.at(
                    c.kind.span(),
                    format!("窗口周期缺少键“{k}” (a window cycle needs key `{k}`)"),
                )
            };
            if c.label.is_none() {
                need("label");
            }
            if c.start.is_none() {
                need("start");
            }
            if c.end.is_none() {
                need("end");
            }
            if c.clause.is_none() {
                need("clause");
            }
            let start = c
                .start
                .as_ref()
                .map_or(NaiveDate::MIN, |s| cx.date(s, "cycle.start"));
            let end = c
                .end
                .as_ref()
                .map_or(NaiveDate::MIN, |s| cx.date(s, "cycle.end"));
            if let Some(e) = &c.end {
                if start > end {
                    cx.at(
                        e.span(),
                        format!("窗口开始{start}晚于结束{end} (window start {start} is after its end {end})"),
                    );
                }
            }
            let label = c
                .label
                .as_ref()
                .map(|l| l.get_ref().clone())
                .unwrap_or_default();
            if let Some(l) = &c.label {
                if label.is_empty() || label.contains(':') {
                    cx.at(
                        l.span(),
                        "周期名不能为空或含冒号 (label must be non-empty, without colons)",
                    );
                }
            }
            Cycle::Window {
                label,
                start,
                end,
                clause: c
                    .clause
                    .as_ref()
                    .map(|s| s.get_ref().clone())
                    .unwrap_or_default(),
            }
        }
        other => {
            cx.at(
                c.kind.span(),
                format!("未知的周期“{other}”，应为 calendar_year、academic_year 或 window (unknown cycle kind `{other}`)"),
            );
            Cycle::CalendarYear
        }
    };
    if let Some(a) = &c.assumed {
        assumptions.push(("cycle".into(), a.clone()));
    }

    // Uniqueness.
    let u = &raw.uniqueness;
    let subject = enum_of(
        cx,
        &u.subject,
        Subject::parse,
        "主体 subject",
        "member, patient, student, household",
        Subject::Member,
    );
    let per_cycle = match &u.per_cycle {
        None => 1,
        Some(n) => {
            if *n.get_ref() == 0 {
                cx.at(n.span(), "per_cycle 至少为1 (per_cycle must be at least 1)");
            }
            if *n.get_ref() > 1 && subject != Subject::Member {
                cx.at(
                    n.span(),
                    "每周期多次只用于 subject = \"member\" (several grants per cycle need subject = \"member\")",
                );
            }
            *n.get_ref()
        }
    };
    if let Some(a) = &u.assumed {
        assumptions.push(("uniqueness".into(), a.clone()));
    }
    let uniqueness = Uniqueness {
        subject,
        per_cycle,
        clause: u.clause.clone(),
    };

    // Notice.
    let n = &raw.notice;
    let notice = Notice {
        required: *n.required.get_ref(),
        working_days: n.working_days.as_ref().map_or(0, |d| *d.get_ref()),
    };
    match (&n.working_days, notice.required) {
        (None, true) => cx.at(
            n.required.span(),
            "需要公示时须写 working_days (a required notice needs working_days)",
        ),
        (Some(d), true) if *d.get_ref() == 0 => cx.at(
            d.span(),
            "公示至少1个工作日 (a notice lasts at least one working day)",
        ),
        (Some(d), false) => cx.at(
            d.span(),
            "不需要公示时不写 working_days (working_days is for a required notice only)",
        ),
        _ => {}
    }
    if let Some(a) = &n.assumed {
        assumptions.push(("notice".into(), a.clone()));
    }

    // Documents.
    let mut documents: Vec<Document> = Vec::new();
    for d in &raw.documents {
        let did = d.id.get_ref().trim().to_string();
        if did.is_empty() || documents.iter().any(|x| x.id == did) {
            cx.at(
                d.id.span(),
                format!("材料“{did}”为空或重复 (document `{did}` is empty or listed twice)"),
            );
        }
        documents.push(Document {
            id: did,
            name: d.name.clone(),
            name_en: english(&d.name_en),
        });
    }

    // Approval levels: ascending `up_to`, the last one open.
    let mut approval: Vec<Approval> = Vec::new();
    let count = raw.approval.get_ref().len();
    if count == 0 {
        cx.at(
            raw.approval.span(),
            "至少需要一级审批 (at least one [[approval]] is needed)",
        );
    }
    for (i, a) in raw.approval.get_ref().iter().enumerate() {
        let level = a.level.get_ref().trim().to_string();
        if Owner::parse(&level).is_none() {
            cx.at(
                a.level.span(),
                format!("未知的审批层级“{level}”，应为 city、district、street 或 unit (unknown approval level `{level}`)"),
            );
        }
        let up_to = a.up_to.as_ref().map(|u| u.get_ref().0);
        match (&a.up_to, i + 1 == count) {
            (Some(u), true) => cx.at(
                u.span(),
                "最后一级审批不写 up_to，覆盖以上全部金额 (the last [[approval]] has no up_to)",
            ),
            (None, false) => cx.at(
                a.level.span(),
                "只有最后一级审批可以不写 up_to (only the last [[approval]] may omit up_to)",
            ),
            _ => {}
        }
        if let (Some(u), Some(prev)) = (&a.up_to, approval.last().and_then(|p| p.up_to)) {
            if u.get_ref().0 <= prev {
                cx.at(
                    u.span(),
                    format!(
                        "审批金额应递增：{} 不大于上一级的 {} (up_to must increase)",
                        u.get_ref().0,
                        prev
                    ),
                );
            }
        }
        if let Some(w) = &a.assumed {
            assumptions.push((format!("approval.{level}"), w.clone()));
        }
        approval.push(Approval { up_to, level });
    }

    // Conditions.
    let mut conditions = Vec::new();
    let mut seen_rules = BTreeSet::new();
    for rc in &raw.condition {
        if let Some(rule) = build_condition(cx, rc) {
            if !seen_rules.insert(rule.code()) {
                cx.at(
                    rc.rule.span(),
                    format!(
                        "条件“{}”重复 (condition `{}` is listed twice)",
                        rule.code(),
                        rule.code()
                    ),
                );
            }
            if let Some(a) = &rc.assumed {
                assumptions.push((format!("condition.{}", rule.code()), a.clone()));
            }
            conditions.push(Condition {
                clause: clause_of(cx, &rc.clause),
                rule,
            });
        }
    }

    // Amount rules.
    let mut amounts: Vec<AmountRule> = Vec::new();
    for ra in raw.amount.get_ref() {
        if let Some(rule) = build_amount(cx, ra, &amounts) {
            if let Some(a) = &ra.assumed {
                assumptions.push((format!("amount.{}", rule.code()), a.clone()));
            }
            amounts.push(AmountRule {
                clause: clause_of(cx, &ra.clause),
                rule,
            });
        }
    }
    if raw.amount.get_ref().is_empty() {
        cx.at(
            raw.amount.span(),
            "至少需要一条金额规则 (at least one [[amount]] is needed)",
        );
    }

    cross_checks(cx, &raw, kind, &uniqueness, &conditions, &amounts);

    Programme {
        id,
        name: raw.name,
        name_en: english(&raw.name_en),
        version: raw.version,
        owner,
        fund,
        kind,
        cycle,
        uniqueness,
        notice,
        documents,
        approval,
        conditions,
        amounts,
        assumptions,
    }
}

fn clause_of(cx: &mut Ctx, s: &S<String>) -> String {
    let c = s.get_ref().trim().to_string();
    if c.is_empty() {
        cx.at(s.span(), "条款编号不能为空 (clause must not be empty)");
    }
    c
}

/// Refuses the keys a rule does not take and reports those it needs but lacks.
fn keys(cx: &mut Ctx, r: &RawRule, allowed: &[&str], required: &[&str]) -> bool {
    let present = r.present();
    for (k, span) in &present {
        if !allowed.contains(k) {
            cx.at(
                span.clone(),
                format!(
                    "键“{k}”不适用于规则 {} (key `{k}` does not apply to rule {})",
                    r.rule.get_ref(),
                    r.rule.get_ref()
                ),
            );
        }
    }
    let mut ok = true;
    for k in required {
        if !present.iter().any(|(p, _)| p == k) {
            ok = false;
            cx.at(
                r.rule.span(),
                format!(
                    "规则 {} 缺少键“{k}” (rule {} needs key `{k}`)",
                    r.rule.get_ref(),
                    r.rule.get_ref()
                ),
            );
        }
    }
    ok
}

fn money(v: &Option<S<Yuan>>) -> Money {
    v.as_ref().map_or(Money::ZERO, |y| y.get_ref().0)
}

fn build_condition(cx: &mut Ctx, r: &RawRule) -> Option<ConditionRule> {
    let name = r.rule.get_ref().as_str();
    Some(match name {
        "archive_active" => {
            keys(cx, r, &["categories"], &[]);
            let mut categories = Vec::new();
            if let Some(cs) = &r.categories {
                for c in cs.get_ref() {
                    if let Some(c) = cx.category(c) {
                        categories.push(c);
                    }
                }
            }
            ConditionRule::ArchiveActive { categories }
        }
        "min_employment_months" => {
            keys(cx, r, &["tag", "months"], &["tag", "months"]);
            ConditionRule::MinEmploymentMonths {
                tag: r
                    .tag
                    .as_ref()
                    .map(|t| t.get_ref().clone())
                    .unwrap_or_default(),
                months: r.months.as_ref().map_or(0, |m| *m.get_ref()),
            }
        }
        "diagnosis_in_list" => {
            keys(cx, r, &["from_policy", "list", "codes"], &["from_policy"]);
            diagnosis_list(cx, r)?
        }
        "out_of_pocket_at_least" => {
            keys(cx, r, &["amount"], &["amount"]);
            ConditionRule::OutOfPocketAtLeast {
                amount: money(&r.amount),
            }
        }
        "has_dialysis_patient" => {
            keys(cx, r, &[], &[]);
            ConditionRule::HasDialysisPatient
        }
        "has_student" => {
            keys(cx, r, &["levels"], &["levels"]);
            let mut levels = Vec::new();
            if let Some(ls) = &r.levels {
                for l in ls.get_ref() {
                    if let Some(l) = cx.level(l.get_ref(), l.span()) {
                        levels.push(l);
                    }
                }
                if levels.is_empty() {
                    cx.at(ls.span(), "至少列出一个学段 (list at least one level)");
                }
            }
            ConditionRule::HasStudent { levels }
        }
        "requested_between" => {
            keys(cx, r, &["min", "max"], &["min", "max"]);
            let (min, max) = (money(&r.min), money(&r.max));
            if let Some(m) = &r.max {
                if min > max {
                    cx.at(
                        m.span(),
                        format!("下限{min}大于上限{max} (min is above max)"),
                    );
                }
            }
            ConditionRule::RequestedBetween { min, max }
        }
        "max_grants_per_cycle" => {
            keys(cx, r, &["count"], &["count"]);
            let count = r.count.as_ref().map_or(1, |c| *c.get_ref());
            if let Some(c) = &r.count {
                if count == 0 {
                    cx.at(c.span(), "count 至少为1 (count must be at least 1)");
                }
            }
            ConditionRule::MaxGrantsPerCycle { count }
        }
        "max_amount_per_cycle" => {
            keys(cx, r, &["amount"], &["amount"]);
            ConditionRule::MaxAmountPerCycle {
                amount: money(&r.amount),
            }
        }
        "min_donations" => {
            keys(cx, r, &["count", "years"], &["count", "years"]);
            let years = r.years.as_ref().map_or(1, |y| *y.get_ref());
            if let Some(y) = &r.years {
                if years == 0 || years > 100 {
                    cx.at(y.span(), "years 应在1到100之间 (years must be 1 to 100)");
                }
            }
            ConditionRule::MinDonations {
                count: r.count.as_ref().map_or(0, |c| *c.get_ref()),
                years,
            }
        }
        // donation module (春风反哺): ill in the cycle.
        "fell_ill" => {
            keys(cx, r, &["relief"], &["relief"]);
            ConditionRule::FellIll {
                relief: r
                    .relief
                    .as_ref()
                    .map(|v| v.get_ref().clone())
                    .unwrap_or_default(),
            }
        }
        other => {
            cx.at(
                r.rule.span(),
                format!("未知的条件“{other}” (unknown condition `{other}`): archive_active, min_employment_months, diagnosis_in_list, out_of_pocket_at_least, has_dialysis_patient, has_student, requested_between, max_grants_per_cycle, max_amount_per_cycle, min_donations, fell_ill"),
            );
            return None;
        }
    })
}

/// `from_policy` names a built-in policy; `list` one of its disease lists, or `codes` codes it
/// lists (exactly one of the two).
fn diagnosis_list(cx: &mut Ctx, r: &RawRule) -> Option<ConditionRule> {
    let fp = r.from_policy.as_ref()?;
    let policy = match crate::policy::builtin(fp.get_ref()) {
        Some(Ok(p)) => p,
        _ => {
            cx.at(
                fp.span(),
                format!(
                    "“{}”不是内置政策 (`{}` is not a built-in policy)",
                    fp.get_ref(),
                    fp.get_ref()
                ),
            );
            return None;
        }
    };
    let (list, codes) = match (&r.list, &r.codes) {
        (Some(l), None) => match policy.disease_lists.iter().find(|d| &d.id == l.get_ref()) {
            Some(d) => (d.id.clone(), d.codes.clone()),
            None => {
                cx.at(
                    l.span(),
                    format!(
                        "政策 {} 没有病种清单“{}” (policy {} has no disease list `{}`)",
                        policy.id,
                        l.get_ref(),
                        policy.id,
                        l.get_ref()
                    ),
                );
                return None;
            }
        },
        (None, Some(cs)) => {
            let mut codes = Vec::new();
            for c in cs.get_ref() {
                if policy.diseases.contains_key(c.get_ref()) {
                    codes.push(c.get_ref().clone());
                } else {
                    cx.at(
                        c.span(),
                        format!(
                            "政策 {} 没有病种代码“{}” (policy {} lists no disease `{}`)",
                            policy.id,
                            c.get_ref(),
                            policy.id,
                            c.get_ref()
                        ),
                    );
                }
            }
            if codes.is_empty() {
                cx.at(cs.span(), "至少列出一个病种代码 (list at least one code)");
            }
            (String::new(), codes)
        }
        _ => {
            cx.at(
                r.rule.span(),
                "diagnosis_in_list 须写 list 或 codes 之一 (give exactly one of list and codes)",
            );
            return None;
        }
    };
    Some(ConditionRule::DiagnosisInList {
        policy: policy.id,
        list,
        codes,
    })
}

fn build_amount(cx: &mut Ctx, r: &RawRule, before: &[AmountRule]) -> Option<AmountKind> {
    let name = r.rule.get_ref().as_str();
    Some(match name {
        "category_of_household" => {
            keys(
                cx,
                r,
                &["line", "relative_multiple", "accident_rate"],
                &["line", "relative_multiple", "accident_rate"],
            );
            let line = money(&r.line);
            if let Some(l) = &r.line {
                if line == Money::ZERO {
                    cx.at(l.span(), "低保标准应大于0 (line must be above 0)");
                }
            }
            let relative_multiple = r.relative_multiple.as_ref().map_or(2, |m| *m.get_ref());
            if let Some(m) = &r.relative_multiple {
                if relative_multiple < 1 {
                    cx.at(m.span(), "relative_multiple 至少为1 (must be at least 1)");
                }
            }
            AmountKind::CategoryOfHousehold {
                line,
                relative_multiple,
                accident_rate: r.accident_rate.as_ref().map_or(Rate::ZERO, |a| cx.rate(a)),
            }
        }
        "per_subject_fixed" => {
            keys(cx, r, &["amount"], &["amount"]);
            AmountKind::PerSubjectFixed {
                amount: money(&r.amount),
            }
        }
        "per_student_by_level" => {
            keys(cx, r, &["table"], &["table"]);
            let mut table = Vec::new();
            if let Some(t) = &r.table {
                for (k, v) in t.get_ref() {
                    if let Some(l) = cx.level(k, t.span()) {
                        table.push((l, v.0));
                    }
                }
                if table.is_empty() {
                    cx.at(t.span(), "至少列出一个学段 (list at least one level)");
                }
                table.sort_by_key(|(l, _)| *l);
            }
            AmountKind::PerStudentByLevel { table }
        }
        "band" => {
            keys(cx, r, &["bands"], &["bands"]);
            let mut bands: Vec<Band> = Vec::new();
            if let Some(bs) = &r.bands {
                let n = bs.get_ref().len();
                if n == 0 {
                    cx.at(bs.span(), "至少一个分段 (at least one band)");
                }
                for (i, b) in bs.get_ref().iter().enumerate() {
                    let rb = b.get_ref();
                    let band = Band {
                        from: rb.from.0,
                        to: rb.to.map(|t| t.0),
                        amount: rb.amount.0,
                    };
                    if let Some(prev) = bands.last() {
                        if prev.to != Some(band.from) {
                            cx.at(b.span(), "分段应首尾相接，不重叠也无空缺 (each band starts where the one before ends)");
                        }
                    }
                    match band.to {
                        Some(to) if to <= band.from => {
                            cx.at(b.span(), "分段止点应大于起点 (a band ends after it starts)")
                        }
                        None if i + 1 < n => cx.at(
                            b.span(),
                            "只有最后一段可以不写止点 (only the last band may be open)",
                        ),
                        _ => {}
                    }
                    bands.push(band);
                }
            }
            AmountKind::Band { bands }
        }
        "category_uplift" => {
            keys(
                cx,
                r,
                &["category", "rate", "cap"],
                &["category", "rate", "cap"],
            );
            if before.is_empty() {
                cx.at(
                    r.rule.span(),
                    "category_uplift 须在另一条金额规则之后 (category_uplift adds to an amount rule before it)",
                );
            }
            AmountKind::CategoryUplift {
                category: r
                    .category
                    .as_ref()
                    .and_then(|c| cx.category(c))
                    .unwrap_or(Category::Deep),
                rate: r.rate.as_ref().map_or(Rate::ZERO, |a| cx.rate(a)),
                cap: money(&r.cap),
            }
        }
        "requested" => {
            keys(cx, r, &[], &[]);
            AmountKind::Requested
        }
        "largest_of" => {
            keys(cx, r, &["table", "tags", "gift_pack_tags"], &[]);
            let mut categories = Vec::new();
            if let Some(t) = &r.table {
                for (k, v) in t.get_ref() {
                    match Category::parse(k) {
                        Some(c) => categories.push((c, v.0)),
                        None => cx.at(
                            t.span(),
                            format!("未知的困难类别“{k}”，应为 deep、relative 或 accident (unknown category `{k}`)"),
                        ),
                    }
                }
                categories.sort_by_key(|(c, _)| *c);
            }
            AmountKind::LargestOf {
                categories,
                tags: r
                    .tags
                    .as_ref()
                    .map(|t| t.get_ref().iter().map(|(k, v)| (k.clone(), v.0)).collect())
                    .unwrap_or_default(),
                gift_pack_tags: r
                    .gift_pack_tags
                    .as_ref()
                    .map(|t| t.get_ref().iter().map(|s| s.get_ref().clone()).collect())
                    .unwrap_or_default(),
            }
        }
        other => {
            cx.at(
                r.rule.span(),
                format!("未知的金额规则“{other}” (unknown amount rule `{other}`): category_of_household, per_subject_fixed, per_student_by_level, band, category_uplift, requested, largest_of"),
            );
            return None;
        }
    })
}

/// What must hold between the parts: the subject has its condition, the archive has its
/// category rule, a campaign pays by `largest_of`, several grants a cycle have their limit.
fn cross_checks(
    cx: &mut Ctx,
    raw: &RawProgramme,
    kind: ProgrammeKind,
    u: &Uniqueness,
    conditions: &[Condition],
    amounts: &[AmountRule],
) {
    let has_cond = |code: &str| conditions.iter().any(|c| c.rule.code() == code);
    let has_amount = |code: &str| amounts.iter().any(|a| a.rule.code() == code);
    let subject_span = raw.uniqueness.subject.span();
    match u.subject {
        Subject::Patient if !has_cond("has_dialysis_patient") => cx.at(
            subject_span.clone(),
            "subject = \"patient\" 需要条件 has_dialysis_patient (patients come from has_dialysis_patient)",
        ),
        Subject::Student if !has_cond("has_student") => cx.at(
            subject_span.clone(),
            "subject = \"student\" 需要条件 has_student (students come from has_student)",
        ),
        _ => {}
    }
    if has_amount("per_student_by_level") && u.subject != Subject::Student {
        cx.at(
            subject_span.clone(),
            "per_student_by_level 需要 subject = \"student\" (per_student_by_level pays students)",
        );
    }
    if let Some(pc) = &raw.uniqueness.per_cycle {
        if u.per_cycle > 1 {
            let limit = conditions.iter().find_map(|c| match c.rule {
                ConditionRule::MaxGrantsPerCycle { count } => Some(count),
                _ => None,
            });
            if limit != Some(u.per_cycle) {
                cx.at(
                    pc.span(),
                    "per_cycle > 1 需要同数的 max_grants_per_cycle 条件 (per_cycle > 1 needs a max_grants_per_cycle condition of the same count)",
                );
            }
        }
    }
    let archive_rules = amounts
        .iter()
        .filter(|a| a.rule.code() == "category_of_household")
        .count();
    match kind {
        ProgrammeKind::Archive if archive_rules != 1 || amounts.len() != 1 => cx.at(
            raw.kind.span(),
            "档案项目只有一条 category_of_household 金额规则 (an archive programme has exactly one amount rule, category_of_household)",
        ),
        ProgrammeKind::Campaign if !has_amount("largest_of") => cx.at(
            raw.kind.span(),
            "活动项目须用 largest_of 金额规则 (a campaign pays by largest_of)",
        ),
        _ => {}
    }
    if kind != ProgrammeKind::Archive && archive_rules > 0 {
        cx.at(
            raw.kind.span(),
            "category_of_household 只用于 kind = \"archive\" (category_of_household is for the archive)",
        );
    }
    if kind != ProgrammeKind::Campaign && has_amount("largest_of") {
        cx.at(
            raw.kind.span(),
            "largest_of 只用于 kind = \"campaign\" (largest_of is for campaigns)",
        );
    }
    if has_amount("requested") && !has_cond("requested_between") {
        cx.at(
            raw.amount.span(),
            "requested 需要条件 requested_between (a requested amount needs its range)",
        );
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    const ONE_OFF: &str = include_str!("../../../../programmes/one-off-relief.toml");
    const ILLNESS: &str = include_str!("../../../../programmes/major-illness-relief.toml");

    /// The lines and problems of a broken file.
    fn errors(text: &str) -> Vec<(usize, String)> {
        parse(text)
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| (e.line, e.problem))
            .collect()
    }

    fn line_of_text(text: &str, needle: &str) -> usize {
        text.lines().position(|l| l.contains(needle)).unwrap() + 1
    }

    #[test]
    fn an_unknown_key_is_named_with_its_line() {
        let text = ONE_OFF.replace("min = 500", "min = 500\nminimum = 400");
        let e = errors(&text);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].0, line_of_text(&text, "minimum"));
        assert!(e[0].1.contains("minimum"), "{}", e[0].1);
    }

    #[test]
    fn an_unknown_rule_a_key_that_does_not_apply_and_a_missing_key_are_all_reported() {
        let text = ONE_OFF
            .replace("rule = \"requested\"", "rule = \"requestd\"")
            .replace("count = 2\n", "count = 2\namount = 3\n")
            .replace("amount = 5000\n", "");
        let e = errors(&text);
        let lines: Vec<usize> = e.iter().map(|(l, _)| *l).collect();
        assert!(lines.contains(&line_of_text(&text, "requestd")), "{e:?}");
        assert!(lines.contains(&line_of_text(&text, "amount = 3")), "{e:?}");
        assert!(
            e.iter()
                .any(|(_, p)| p.contains("max_amount_per_cycle") && p.contains("amount")),
            "{e:?}"
        );
    }

    #[test]
    fn a_disease_code_not_in_the_policy_is_an_error_at_its_line() {
        let text = ILLNESS.replace("list = \"major\"", "codes = [\"md01\", \"md99\"]");
        let e = errors(&text);
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].0, line_of_text(&text, "md99"));
        let text = ILLNESS.replace(
            "from_policy = \"hangzhou-2022\"",
            "from_policy = \"nowhere\"",
        );
        assert_eq!(errors(&text)[0].0, line_of_text(&text, "nowhere"));
    }

    #[test]
    fn bands_with_a_gap_and_approvals_out_of_order_are_reported() {
        let text = ILLNESS.replace("{ from = 50000, to = 100000", "{ from = 60000, to = 100000");
        let e = errors(&text);
        assert_eq!(e[0].0, line_of_text(&text, "from = 60000"));
        let text = ONE_OFF.replace("up_to = 2000\nlevel = \"street\"", "level = \"street\"");
        assert!(!errors(&text).is_empty());
        let text = ONE_OFF.replace("level = \"district\"", "level = \"province\"");
        assert_eq!(errors(&text)[0].0, line_of_text(&text, "province"));
    }

    #[test]
    fn several_grants_a_cycle_need_their_limit() {
        let text = ONE_OFF.replace("count = 2", "count = 3");
        let e = errors(&text);
        assert_eq!(e[0].0, line_of_text(&text, "per_cycle"));
    }

    #[test]
    fn a_bad_enum_a_bad_rate_and_a_bad_format_are_each_reported() {
        let text = ILLNESS
            .replace("fund = \"hardship\"", "fund = \"lottery\"")
            .replace("rate = \"50%\"", "rate = \"0.5\"")
            .replace("format = 1", "format = 2");
        let e = errors(&text);
        let lines: Vec<usize> = e.iter().map(|(l, _)| *l).collect();
        assert_eq!(
            lines,
            [
                line_of_text(&text, "format = 2"),
                line_of_text(&text, "lottery"),
                line_of_text(&text, "rate = \"0.5\"")
            ]
        );
    }

    #[test]
    fn a_window_cycle_needs_its_dates_and_a_year_cycle_takes_none() {
        let text = ONE_OFF.replace(
            "kind = \"calendar_year\"",
            "kind = \"window\"\nlabel = \"2026\"",
        );
        let e = errors(&text);
        assert!(e.iter().any(|(_, p)| p.contains("start")), "{e:?}");
        let text = ONE_OFF.replace(
            "kind = \"calendar_year\"",
            "kind = \"calendar_year\"\nstart = 2026-01-01",
        );
        assert_eq!(errors(&text)[0].0, line_of_text(&text, "start = 2026"));
    }
}
