//! The words of a decision: each amount with its arithmetic, each refusal with its reason, in
//! Chinese (what members and officers read) and English.

use super::{Explain, PartNote};
use crate::id_number::Gender;
use crate::member::EmploymentStatus;
use crate::money::Money;
use crate::policy::{Benefit, DateRange, Item, Tier};
use chrono::NaiveDate;

fn e(zh: String, en: String) -> Explain {
    Explain { zh, en }
}

/// `10,000` for whole yuan, `10,000.50` otherwise: tier bounds read as the rules print them.
fn short(m: Money) -> String {
    let s = m.yuan_string();
    match s.strip_suffix(".00") {
        Some(w) => w.to_string(),
        None => s,
    }
}

pub(super) fn late(submitted: NaiveDate, deadline: NaiveDate) -> Explain {
    e(
        format!("申报日期 {submitted} 晚于申报截止日 {deadline}"),
        format!("submitted on {submitted}, after the claim deadline {deadline}"),
    )
}

pub(super) fn not_in_service(s: EmploymentStatus) -> Explain {
    e(
        format!("会员状态为{}，非在职职工", s.label_zh()),
        format!("member is {}, not in service", s.code()),
    )
}

pub(super) fn outside_cycle(ev: NaiveDate, c: DateRange) -> Explain {
    e(
        format!("事件日期 {ev} 不在保障期 {}至{} 内", c.start, c.end),
        format!("event on {ev}, outside the cycle {} to {}", c.start, c.end),
    )
}

pub(super) fn not_enrolled(item: &Item) -> Explain {
    e(
        format!("未参加项目{}（{}）", item.id, item.name),
        format!("not enrolled in item {}", item.id),
    )
}

pub(super) fn before_enrolment(item: &Item, ev: NaiveDate, start: NaiveDate) -> Explain {
    e(
        format!("事件日期 {ev} 早于项目{}参保开始日 {start}", item.id),
        format!(
            "event on {ev}, before the enrolment in item {} started on {start}",
            item.id
        ),
    )
}

pub(super) fn waiting(ev: NaiveDate, start: NaiveDate, end: NaiveDate) -> Explain {
    e(
        format!("新参保（{start}起），等待期至 {end} 前，事件日期 {ev}"),
        format!("new enrolment from {start}: covered from {end}, event on {ev}"),
    )
}

pub(super) fn grade(g: u8, min: u8) -> Explain {
    e(
        format!("医院等级为{g}级，须{min}级及以上"),
        format!("hospital grade {g}, grade {min} or above required"),
    )
}

pub(super) fn rehabilitation() -> Explain {
    e(
        "以康复治疗（针灸、推拿、理疗等）为主的住院不予补助".into(),
        "a stay whose main treatment is rehabilitation is not covered".into(),
    )
}

pub(super) fn gender(item: &Item, g: Gender) -> Explain {
    e(
        format!("项目{}限{}性会员（性别依身份证号）", item.id, g.label_zh()),
        format!(
            "item {} is for {} members only (gender from the ID number)",
            item.id,
            g.code()
        ),
    )
}

pub(super) fn duplicate(inv: &str) -> Explain {
    e(
        format!("发票号 {inv} 已在此前的申请中出现，转人工复核"),
        format!("invoice {inv} appears in an earlier claim: flagged for review"),
    )
}

pub(super) fn not_designated(code: &str) -> Explain {
    e(
        format!("{code} 不是本政策的门诊规定病种"),
        format!("{code} is not a designated outpatient disease of this policy"),
    )
}

pub(super) fn unlisted(code: &str) -> Explain {
    e(
        format!("病种代码 {code} 不在本政策任何病种清单内"),
        format!("disease code {code} is in none of the policy's lists"),
    )
}

pub(super) fn no_death(code: &str, name: Option<&str>) -> Explain {
    e(
        format!(
            "{code} {} 仅在保障期内首次发病并导致身故时按重大疾病补助",
            name.unwrap_or("")
        ),
        format!("{code} is paid only when its first onset causes death inside the cycle"),
    )
}

pub(super) fn nothing_to_follow(requires: &str) -> Explain {
    e(
        format!("本期此前的申请中没有大于0的 {requires} 补助"),
        format!("no earlier claim of the cycle has a {requires} line above 0"),
    )
}

pub(super) fn not_first(code: &str) -> Explain {
    e(
        format!("{code} 非初次确诊"),
        format!("{code} is not a first diagnosis"),
    )
}

pub(super) fn already_paid(b: &Benefit) -> Explain {
    e(
        format!("{}每期限一次，本期已支付", b.name),
        format!("{} is paid once a cycle and was paid already", b.id),
    )
}

fn tier_terms(tiers: &[Tier], x: Money) -> (String, Money) {
    let mut terms = Vec::new();
    for t in tiers {
        if x <= t.from {
            break;
        }
        if t.rate.num() == 0 {
            continue;
        }
        let top = t.to.map_or(x, |to| x.min(to));
        if t.from == Money::ZERO {
            terms.push(format!("{} × {}", t.rate, short(top)));
        } else {
            terms.push(format!("{} × ({} − {})", t.rate, short(top), short(t.from)));
        }
    }
    let f = super::tiers::f_rounded(tiers, x);
    if terms.is_empty() {
        (format!("{}", f), f)
    } else {
        (format!("{} = {}", terms.join(" + "), f), f)
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn tiers(
    tiers: &[Tier],
    (label, label_en): (&str, &str),
    eligible: Money,
    before: Money,
    after: Money,
    fb: Money,
    fa: Money,
    part: Option<PartNote>,
    event: Option<NaiveDate>,
) -> Explain {
    let (mut zh, mut en) = (String::new(), String::new());
    if let Some(p) = part {
        let from = event.map(|d| d.to_string()).unwrap_or_default();
        zh.push_str(&format!(
            "跨保障期住院按夜数分段，{from}起的一段 {}/{} 夜：{label} {} × {}/{} = {}；",
            p.nights, p.of_nights, p.whole, p.nights, p.of_nights, eligible
        ));
        en.push_str(&format!(
            "stay split across cycles by nights, part from {from} has {} of {} nights: {label_en} {} × {}/{} = {}; ",
            p.nights, p.of_nights, p.whole, p.nights, p.of_nights, eligible
        ));
    }
    let (terms_after, _) = tier_terms(tiers, after);
    let deductible = tiers
        .iter()
        .take_while(|t| t.rate.num() == 0)
        .last()
        .and_then(|t| t.to);
    let under = |x: Money| deductible.is_some_and(|d| x <= d);
    if before == Money::ZERO {
        if under(after) {
            zh.push_str(&format!("{label} {after}，未超过起付线，= 0.00"));
            en.push_str(&format!(
                "{label_en} {after} this cycle, not above the deductible: 0.00"
            ));
        } else {
            zh.push_str(&format!("{label} {after}：{terms_after}"));
            en.push_str(&format!("{label_en} {after} this cycle: {terms_after}"));
        }
    } else {
        let (terms_before, _) = tier_terms(tiers, before);
        let delta = fa.checked_sub(fb).unwrap_or(Money::ZERO);
        zh.push_str(&format!(
            "本期累计{label} {before} + {eligible} = {after}：{terms_after}；此前累计 {before}：{terms_before}；本次 {fa} − {fb} = {delta}"
        ));
        en.push_str(&format!(
            "{label_en} {before} + {eligible} = {after} this cycle: {terms_after}; before this claim {before}: {terms_before}; this claim {fa} − {fb} = {delta}"
        ));
    }
    e(zh, en)
}

pub(super) fn diagnosis(
    code: &str,
    name: Option<&str>,
    date: NaiveDate,
    amount: Money,
    shares: i64,
    scales: bool,
    via_death: bool,
) -> Explain {
    let name = name.unwrap_or("");
    let (total_zh, total_en) = if scales && shares > 1 {
        let t = amount.checked_mul(shares).unwrap_or(amount);
        (
            format!("{amount} × {shares} 份 = {t}"),
            format!("{amount} × {shares} shares = {t}"),
        )
    } else {
        (amount.to_string(), amount.to_string())
    };
    if via_death {
        e(
            format!("{code} {name} 于 {date} 首次发病并在保障期内身故，按重大疾病补助：{total_zh}"),
            format!("first onset of {code} on {date} caused death inside the cycle, paid as a major disease: {total_en}"),
        )
    } else {
        e(
            format!("{code} {name} 于 {date} 确诊，在保障期内：{total_zh}"),
            format!("diagnosis of {code} on {date}, inside the cycle: {total_en}"),
        )
    }
}

pub(super) fn days(
    days: u32,
    allowed: u32,
    used: u32,
    max: Option<u32>,
    per_day: Money,
    amount: Money,
) -> Explain {
    let (mz, me) = match max {
        Some(m) => (
            format!("（本期此前已补 {used} 天，每期最多 {m} 天）"),
            format!(" ({used} days paid before, at most {m} a cycle)"),
        ),
        None => (String::new(), String::new()),
    };
    e(
        format!("住院 {days} 天，补助 {allowed} 天 × {per_day} = {amount}{mz}"),
        format!("{days} hospital days, {allowed} paid × {per_day} = {amount}{me}"),
    )
}

pub(super) fn days_cut(past: u32, max: Option<u32>) -> Explain {
    let m = max.unwrap_or(0);
    e(
        format!("超过每期 {m} 天上限的 {past} 天不予补助"),
        format!("{past} days past the limit of {m} days a cycle"),
    )
}

pub(super) fn after(amount: Money) -> Explain {
    e(
        format!("重大疾病补助后的关爱慰问金：{amount}（不占封顶）"),
        format!("care payment after a major-disease payment: {amount} (outside the caps)"),
    )
}
