//! The words of a decision: each amount with its arithmetic, each refusal with its reason, in
//! Chinese (what members and officers read) and English.
//!
//! An [`Explain`] keeps the numbers, not the text: it is rendered when asked for
//! ([`Explain::zh`], [`Explain::en`]), so deciding a million claims does not format a million
//! sentences nobody reads. The same explanation always renders to the same text.

use super::PartNote;
use crate::id_number::Gender;
use crate::member::EmploymentStatus;
use crate::money::Money;
use crate::policy::{Benefit, CostComponent, DateRange, Item, Tier};
use chrono::NaiveDate;
use std::fmt::Write as _;
use std::sync::Arc;

/// Why an amount is what it is, or why it is not paid: one or more sentences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explain {
    first: Why,
    more: Vec<Why>,
}

impl Default for Explain {
    fn default() -> Self {
        Explain {
            first: Why::Nothing,
            more: Vec::new(),
        }
    }
}

impl Explain {
    fn of(first: Why) -> Explain {
        Explain {
            first,
            more: Vec::new(),
        }
    }

    /// Adds the sentences of `other` after these.
    pub(super) fn then(mut self, other: Explain) -> Explain {
        self.more.push(other.first);
        self.more.extend(other.more);
        self
    }

    fn render(&self, zh: bool) -> String {
        let mut out = String::with_capacity(96);
        self.first.render(zh, &mut out);
        for w in &self.more {
            out.push_str(if zh { "；" } else { "; " });
            w.render(zh, &mut out);
        }
        out
    }

    /// In Chinese, as members and officers read it.
    pub fn zh(&self) -> String {
        self.render(true)
    }

    /// In English.
    pub fn en(&self) -> String {
        self.render(false)
    }

    /// The single `explain` string of the CLI JSON: Chinese, then ` | `, then English.
    pub fn joined(&self) -> String {
        let mut s = self.zh();
        s.push_str(" | ");
        s.push_str(&self.en());
        s
    }
}

/// How tiers were applied to a cumulative amount.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TierCalc {
    tiers: Arc<[Tier]>,
    costs: Arc<[CostComponent]>,
    eligible: Money,
    before: Money,
    after: Money,
    fb: Money,
    fa: Money,
    part: Option<PartNote>,
    event: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Why {
    Nothing,
    Late(NaiveDate, NaiveDate),
    NotInService(EmploymentStatus),
    OutsideCycle(NaiveDate, DateRange),
    NotEnrolled {
        item: String,
        name: String,
    },
    BeforeEnrolment {
        item: String,
        ev: NaiveDate,
        start: NaiveDate,
    },
    Waiting {
        ev: NaiveDate,
        start: NaiveDate,
        end: NaiveDate,
    },
    Grade(u8, u8),
    Rehabilitation,
    Gender {
        item: String,
        gender: Gender,
    },
    Duplicate(String),
    NotDesignated(String),
    Unlisted(String),
    NoDeath(String),
    NothingToFollow(String),
    NotFirst(String),
    AlreadyPaid {
        id: String,
        name: String,
    },
    Tiers(Box<TierCalc>),
    Diagnosis {
        code: String,
        name: String,
        date: NaiveDate,
        amount: Money,
        shares: i64,
        via_death: bool,
    },
    Days {
        days: u32,
        allowed: u32,
        used: u32,
        max: Option<u32>,
        per_day: Money,
        amount: Money,
    },
    DaysCut {
        past: u32,
        max: u32,
    },
    After(Money),
    /// `scope`: an item id, or the items of the overall cap joined by `+` when `overall`.
    Cap {
        overall: bool,
        scope: String,
        cap: Money,
        used: Money,
        left: Money,
    },
}

/// `10,000` for whole yuan, `10,000.50` otherwise: tier bounds read as the rules print them.
fn short(out: &mut String, m: Money) {
    let s = m.yuan_string();
    out.push_str(s.strip_suffix(".00").unwrap_or(&s));
}

fn tier_terms(out: &mut String, tiers: &[Tier], x: Money) {
    let mut any = false;
    for t in tiers {
        if x <= t.from {
            break;
        }
        if t.rate.num() == 0 {
            continue;
        }
        if any {
            out.push_str(" + ");
        }
        any = true;
        let top = t.to.map_or(x, |to| x.min(to));
        let _ = write!(out, "{} × ", t.rate);
        if t.from == Money::ZERO {
            short(out, top);
        } else {
            out.push('(');
            short(out, top);
            out.push_str(" − ");
            short(out, t.from);
            out.push(')');
        }
    }
    let f = super::tiers::f_rounded(tiers, x);
    if any {
        out.push_str(" = ");
    }
    let _ = write!(out, "{f}");
}

impl TierCalc {
    fn render(&self, zh: bool, out: &mut String) {
        let label = self
            .costs
            .iter()
            .map(|c| if zh { c.label_zh() } else { c.label_en() })
            .collect::<Vec<_>>()
            .join(if zh { "+" } else { " + " });
        let (eligible, before, after) = (self.eligible, self.before, self.after);
        if let Some(p) = self.part {
            let from = self.event.map(|d| d.to_string()).unwrap_or_default();
            let (n, of, whole) = (p.nights, p.of_nights, p.whole);
            let _ = if zh {
                write!(out, "跨保障期住院按夜数分段，{from}起的一段 {n}/{of} 夜：{label} {whole} × {n}/{of} = {eligible}；")
            } else {
                write!(out, "stay split across cycles by nights, part from {from} has {n} of {of} nights: {label} {whole} × {n}/{of} = {eligible}; ")
            };
        }
        let deductible = self
            .tiers
            .iter()
            .take_while(|t| t.rate.num() == 0)
            .last()
            .and_then(|t| t.to);
        if before == Money::ZERO {
            if deductible.is_some_and(|d| after <= d) {
                let _ = if zh {
                    write!(out, "{label} {after}，未超过起付线，= 0.00")
                } else {
                    write!(
                        out,
                        "{label} {after} this cycle, not above the deductible: 0.00"
                    )
                };
            } else {
                let _ = if zh {
                    write!(out, "{label} {after}：")
                } else {
                    write!(out, "{label} {after} this cycle: ")
                };
                tier_terms(out, &self.tiers, after);
            }
        } else {
            let (fa, fb) = (self.fa, self.fb);
            let delta = fa.checked_sub(fb).unwrap_or(Money::ZERO);
            let _ = if zh {
                write!(out, "本期累计{label} {before} + {eligible} = {after}：")
            } else {
                write!(out, "{label} {before} + {eligible} = {after} this cycle: ")
            };
            tier_terms(out, &self.tiers, after);
            out.push_str(if zh {
                "；此前累计 "
            } else {
                "; before this claim "
            });
            let _ = write!(out, "{before}{}", if zh { "：" } else { ": " });
            tier_terms(out, &self.tiers, before);
            let _ = if zh {
                write!(out, "；本次 {fa} − {fb} = {delta}")
            } else {
                write!(out, "; this claim {fa} − {fb} = {delta}")
            };
        }
    }
}

impl Why {
    fn render(&self, zh: bool, out: &mut String) {
        let _ = match self {
            Why::Nothing => Ok(()),
            Why::Late(s, d) => match zh {
                true => write!(out, "申报日期 {s} 晚于申报截止日 {d}"),
                false => write!(out, "submitted on {s}, after the claim deadline {d}"),
            },
            Why::NotInService(s) => match zh {
                true => write!(out, "会员状态为{}，非在职职工", s.label_zh()),
                false => write!(out, "member is {}, not in service", s.code()),
            },
            Why::OutsideCycle(ev, c) => match zh {
                true => write!(out, "事件日期 {ev} 不在保障期 {}至{} 内", c.start, c.end),
                false => write!(
                    out,
                    "event on {ev}, outside the cycle {} to {}",
                    c.start, c.end
                ),
            },
            Why::NotEnrolled { item, name } => match zh {
                true => write!(out, "未参加项目{item}（{name}）"),
                false => write!(out, "not enrolled in item {item}"),
            },
            Why::BeforeEnrolment { item, ev, start } => match zh {
                true => write!(out, "事件日期 {ev} 早于项目{item}参保开始日 {start}"),
                false => write!(
                    out,
                    "event on {ev}, before the enrolment in item {item} started on {start}"
                ),
            },
            Why::Waiting { ev, start, end } => match zh {
                true => write!(out, "新参保（{start}起），等待期至 {end} 前，事件日期 {ev}"),
                false => write!(
                    out,
                    "new enrolment from {start}: covered from {end}, event on {ev}"
                ),
            },
            Why::Grade(g, min) => match zh {
                true => write!(out, "医院等级为{g}级，须{min}级及以上"),
                false => write!(out, "hospital grade {g}, grade {min} or above required"),
            },
            Why::Rehabilitation => match zh {
                true => write!(out, "以康复治疗（针灸、推拿、理疗等）为主的住院不予补助"),
                false => write!(
                    out,
                    "a stay whose main treatment is rehabilitation is not covered"
                ),
            },
            Why::Gender { item, gender } => match zh {
                true => write!(
                    out,
                    "项目{item}限{}性会员（性别依身份证号）",
                    gender.label_zh()
                ),
                false => write!(
                    out,
                    "item {item} is for {} members only (gender from the ID number)",
                    gender.code()
                ),
            },
            Why::Duplicate(inv) => match zh {
                true => write!(out, "发票号 {inv} 已在此前的申请中出现，转人工复核"),
                false => write!(
                    out,
                    "invoice {inv} appears in an earlier claim: flagged for review"
                ),
            },
            Why::NotDesignated(code) => match zh {
                true => write!(out, "{code} 不是本政策的门诊规定病种"),
                false => write!(
                    out,
                    "{code} is not a designated outpatient disease of this policy"
                ),
            },
            Why::Unlisted(code) => match zh {
                true => write!(out, "病种代码 {code} 不在本政策任何病种清单内"),
                false => write!(out, "disease code {code} is in none of the policy's lists"),
            },
            Why::NoDeath(code) => match zh {
                true => write!(out, "{code} 仅在保障期内首次发病并导致身故时按重大疾病补助"),
                false => write!(
                    out,
                    "{code} is paid only when its first onset causes death inside the cycle"
                ),
            },
            Why::NothingToFollow(r) => match zh {
                true => write!(out, "本期此前的申请中没有大于0的 {r} 补助"),
                false => write!(out, "no earlier claim of the cycle has a {r} line above 0"),
            },
            Why::NotFirst(code) => match zh {
                true => write!(out, "{code} 非初次确诊"),
                false => write!(out, "{code} is not a first diagnosis"),
            },
            Why::AlreadyPaid { id, name } => match zh {
                true => write!(out, "{name}每期限一次，本期已支付"),
                false => write!(out, "{id} is paid once a cycle and was paid already"),
            },
            Why::Tiers(t) => {
                t.render(zh, out);
                Ok(())
            }
            Why::Diagnosis {
                code,
                name,
                date,
                amount,
                shares,
                via_death,
            } => {
                let r = match (zh, via_death) {
                    (true, true) => write!(
                        out,
                        "{code} {name} 于 {date} 首次发病并在保障期内身故，按重大疾病补助："
                    ),
                    (true, false) => write!(out, "{code} {name} 于 {date} 确诊，在保障期内："),
                    (false, true) => write!(out, "first onset of {code} on {date} caused death inside the cycle, paid as a major disease: "),
                    (false, false) => {
                        write!(out, "diagnosis of {code} on {date}, inside the cycle: ")
                    }
                };
                if *shares > 1 {
                    let t = amount.checked_mul(*shares).unwrap_or(*amount);
                    let unit = if zh { "份" } else { "shares" };
                    let _ = write!(out, "{amount} × {shares} {unit} = {t}");
                } else {
                    let _ = write!(out, "{amount}");
                }
                r
            }
            Why::Days {
                days,
                allowed,
                used,
                max,
                per_day,
                amount,
            } => {
                let r = match zh {
                    true => write!(
                        out,
                        "住院 {days} 天，补助 {allowed} 天 × {per_day} = {amount}"
                    ),
                    false => write!(
                        out,
                        "{days} hospital days, {allowed} paid × {per_day} = {amount}"
                    ),
                };
                if let Some(m) = max {
                    let _ = match zh {
                        true => write!(out, "（本期此前已补 {used} 天，每期最多 {m} 天）"),
                        false => write!(out, " ({used} days paid before, at most {m} a cycle)"),
                    };
                }
                r
            }
            Why::DaysCut { past, max } => match zh {
                true => write!(out, "超过每期 {max} 天上限的 {past} 天不予补助"),
                false => write!(out, "{past} days past the limit of {max} days a cycle"),
            },
            Why::After(amount) => match zh {
                true => write!(out, "重大疾病补助后的关爱慰问金：{amount}（不占封顶）"),
                false => write!(
                    out,
                    "care payment after a major-disease payment: {amount} (outside the caps)"
                ),
            },
            Why::Cap {
                overall,
                scope,
                cap,
                used,
                left,
            } => match (zh, overall) {
                (true, false) => write!(out, "项目{scope}封顶 {cap}，此前已用 {used}，余 {left}"),
                (false, false) => write!(
                    out,
                    "item {scope} cap {cap}, {used} used before, {left} left"
                ),
                (true, true) => write!(
                    out,
                    "每人每期总封顶 {cap}（{scope}），此前已用 {used}，余 {left}"
                ),
                (false, true) => write!(
                    out,
                    "overall cap {cap} over {scope}, {used} used before, {left} left"
                ),
            },
        };
    }
}

pub(super) fn late(submitted: NaiveDate, deadline: NaiveDate) -> Explain {
    Explain::of(Why::Late(submitted, deadline))
}

pub(super) fn not_in_service(s: EmploymentStatus) -> Explain {
    Explain::of(Why::NotInService(s))
}

pub(super) fn outside_cycle(ev: NaiveDate, c: DateRange) -> Explain {
    Explain::of(Why::OutsideCycle(ev, c))
}

pub(super) fn not_enrolled(item: &Item) -> Explain {
    Explain::of(Why::NotEnrolled {
        item: item.id.clone(),
        name: item.name.clone(),
    })
}

pub(super) fn before_enrolment(item: &Item, ev: NaiveDate, start: NaiveDate) -> Explain {
    Explain::of(Why::BeforeEnrolment {
        item: item.id.clone(),
        ev,
        start,
    })
}

pub(super) fn waiting(ev: NaiveDate, start: NaiveDate, end: NaiveDate) -> Explain {
    Explain::of(Why::Waiting { ev, start, end })
}

pub(super) fn grade(g: u8, min: u8) -> Explain {
    Explain::of(Why::Grade(g, min))
}

pub(super) fn rehabilitation() -> Explain {
    Explain::of(Why::Rehabilitation)
}

pub(super) fn gender(item: &Item, gender: Gender) -> Explain {
    Explain::of(Why::Gender {
        item: item.id.clone(),
        gender,
    })
}

pub(super) fn duplicate(inv: &str) -> Explain {
    Explain::of(Why::Duplicate(inv.to_string()))
}

pub(super) fn not_designated(code: &str) -> Explain {
    Explain::of(Why::NotDesignated(code.to_string()))
}

pub(super) fn unlisted(code: &str) -> Explain {
    Explain::of(Why::Unlisted(code.to_string()))
}

pub(super) fn no_death(code: &str) -> Explain {
    Explain::of(Why::NoDeath(code.to_string()))
}

pub(super) fn nothing_to_follow(requires: &str) -> Explain {
    Explain::of(Why::NothingToFollow(requires.to_string()))
}

pub(super) fn not_first(code: &str) -> Explain {
    Explain::of(Why::NotFirst(code.to_string()))
}

pub(super) fn already_paid(b: &Benefit) -> Explain {
    Explain::of(Why::AlreadyPaid {
        id: b.id.clone(),
        name: b.name.clone(),
    })
}

#[allow(clippy::too_many_arguments)]
pub(super) fn tiers(
    tiers: &Arc<[Tier]>,
    costs: &Arc<[CostComponent]>,
    eligible: Money,
    before: Money,
    after: Money,
    fb: Money,
    fa: Money,
    part: Option<PartNote>,
    event: Option<NaiveDate>,
) -> Explain {
    Explain::of(Why::Tiers(Box::new(TierCalc {
        tiers: Arc::clone(tiers),
        costs: Arc::clone(costs),
        eligible,
        before,
        after,
        fb,
        fa,
        part,
        event,
    })))
}

pub(super) fn diagnosis(
    code: &str,
    name: Option<&str>,
    date: NaiveDate,
    amount: Money,
    shares: i64,
    via_death: bool,
) -> Explain {
    Explain::of(Why::Diagnosis {
        code: code.to_string(),
        name: name.unwrap_or("").to_string(),
        date,
        amount,
        shares,
        via_death,
    })
}

pub(super) fn days(
    days: u32,
    allowed: u32,
    used: u32,
    max: Option<u32>,
    per_day: Money,
    amount: Money,
) -> Explain {
    Explain::of(Why::Days {
        days,
        allowed,
        used,
        max,
        per_day,
        amount,
    })
}

pub(super) fn days_cut(past: u32, max: Option<u32>) -> Explain {
    Explain::of(Why::DaysCut {
        past,
        max: max.unwrap_or(0),
    })
}

pub(super) fn after(amount: Money) -> Explain {
    Explain::of(Why::After(amount))
}

pub(super) fn item_cap(item: &str, cap: Money, used: Money, left: Money) -> Explain {
    Explain::of(Why::Cap {
        overall: false,
        scope: item.to_string(),
        cap,
        used,
        left,
    })
}

pub(super) fn overall_cap(items: &[String], cap: Money, used: Money, left: Money) -> Explain {
    Explain::of(Why::Cap {
        overall: true,
        scope: items.join("+"),
        cap,
        used,
        left,
    })
}
