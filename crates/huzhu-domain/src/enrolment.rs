//! Enrolment 参保 (SPEC 4, 4.1): which items a member of an enrolling unit is enrolled in for a
//! cycle, from when, whether it continues the previous cycle, and what it costs; and the unit's
//! bill 缴费清单 for those enrolments.
//!
//! Pure: the request date is a parameter, the previous cycle's enrolments are passed in. Who pays
//! the bill (`contributions_paid_by`: the unit, or the federation for lucheng's model workers) does
//! not change the amounts; [`bill_payer`] says which organisation owes them.
//!
//! Where SPEC 4.1 is silent (also written under `[enrolment]` in `docs/policy-format.md`):
//! - **Before the window opens**: refused (`BeforeWindow`).
//! - **In the window** (first and last day included): cover starts on the cycle's first day; the
//!   enrolment is a renewal 续保 when the member was enrolled in the same item in a cycle that ended
//!   the day before this cycle starts. Shares may change on renewal; continuity is per item.
//! - **After the window closes, until the cycle's last day: late enrolment** 补保. Cover starts on
//!   the later of the request date and the cycle's first day, and it is **never a renewal** (the
//!   waiting period applies: a member who let the window pass is not continuous). After the
//!   cycle's last day: refused (`CycleOver`).
//! - **Contribution**: a per-cycle contribution is charged in full whenever cover starts (no
//!   proration). A monthly contribution is charged for the **whole months of cover left**: the
//!   number of months m such that start + m months ≤ the day after the cycle ends (a calendar-year
//!   cycle from 1 January: 12; from 15 March: 9 — the part month is not charged; from 1 March: 10).

use crate::id_number::Gender;
use crate::member::EmploymentStatus;
use crate::money::Money;
use crate::org::OrgCode;
use crate::policy::{ContributionPeriod, Item, Policy};
use crate::scenario;
use chrono::{Days, Months, NaiveDate};
use std::collections::BTreeSet;

/// What a unit asks for one member: (item id, shares) pairs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EnrolmentRequest {
    pub items: Vec<(String, u32)>,
}

/// An enrolment of the member in the previous cycle (the shares do not matter for continuity).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousEnrolment {
    pub item: String,
    /// The last day of the cycle it covered.
    pub cycle_end: NaiveDate,
}

/// What enrolment needs to know of a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolmentCandidate {
    /// On the request date.
    pub status: EmploymentStatus,
    /// From the ID number.
    pub gender: Gender,
    pub previous: Vec<PreviousEnrolment>,
}

/// One item the member will be enrolled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedEnrolment {
    pub item: String,
    pub shares: u32,
    /// First day of cover.
    pub start: NaiveDate,
    /// 续保: continuous from the previous cycle (the engine waives the waiting period on it when
    /// the policy says `waived_on_renewal`).
    pub renewal: bool,
    /// For all shares, for the cover from `start` to the cycle's end.
    pub contribution: Money,
}

impl PlannedEnrolment {
    /// The enrolment as the engine reads it.
    pub fn to_enrolment(&self) -> scenario::Enrolment {
        scenario::Enrolment {
            item: self.item.clone(),
            shares: self.shares,
            start: self.start,
            renewal: self.renewal,
        }
    }
}

/// Why a member cannot be enrolled as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnrolmentError {
    #[error("参保窗口{window_start}起才开放，申请日期为{today} (enrolment date {today}: the enrolment window opens on {window_start})")]
    BeforeWindow {
        today: NaiveDate,
        window_start: NaiveDate,
    },
    #[error("互助保障期已于{cycle_end}结束，申请日期为{today} (enrolment date {today}: the cycle ended on {cycle_end})")]
    CycleOver {
        today: NaiveDate,
        cycle_end: NaiveDate,
    },
    #[error("在职状态“{label}”不能参加本办法 (status: {code} is not eligible for this policy)", label = .status.label_zh(), code = .status.code())]
    NotEligible { status: EmploymentStatus },
    #[error("政策 {policy} 没有项目“{item}” (item: policy {policy} has no item `{item}`)")]
    UnknownItem { policy: String, item: String },
    #[error("项目“{item}”重复申请 (item: `{item}` is asked for twice)")]
    DuplicateItem { item: String },
    #[error("项目“{item}”份数至少为1 (shares: item `{item}` needs at least 1 share)")]
    ZeroShares { item: String },
    #[error("项目“{item}”每人最多{max}份，申请{shares}份 (shares: item `{item}` allows at most {max} share(s), asked {shares})")]
    TooManyShares { item: String, shares: u32, max: u32 },
    #[error("项目“{item}”仅限{label}性会员参加 (gender: item `{item}` is for {code} members only)", label = .only.label_zh(), code = .only.code())]
    Gender { item: String, only: Gender },
    #[error("项目“{item}”缴费金额溢出 (contribution: amount overflow on item `{item}`)")]
    Overflow { item: String },
}

/// Plans one member's enrolments for the policy's cycle, in the policy's item order. The rules
/// where SPEC 4.1 is silent are in the module documentation: the window's days are included; a
/// late enrolment starts on the request date and is never a renewal; a monthly contribution is
/// charged for the whole months of cover left.
pub fn plan_enrolment(
    policy: &Policy,
    today: NaiveDate,
    member: &EnrolmentCandidate,
    request: &EnrolmentRequest,
) -> Result<Vec<PlannedEnrolment>, EnrolmentError> {
    let window = policy.enrolment.window;
    let cycle = policy.cycle;
    if today < window.start {
        return Err(EnrolmentError::BeforeWindow {
            today,
            window_start: window.start,
        });
    }
    if today > cycle.end {
        return Err(EnrolmentError::CycleOver {
            today,
            cycle_end: cycle.end,
        });
    }
    let in_window = window.contains(today);
    let start = if in_window {
        cycle.start
    } else {
        today.max(cycle.start)
    };
    if !policy.enrolment.eligible_status.contains(&member.status) {
        return Err(EnrolmentError::NotEligible {
            status: member.status,
        });
    }
    let mut asked = BTreeSet::new();
    let mut planned = Vec::with_capacity(request.items.len());
    for (id, shares) in &request.items {
        let item = policy.item(id).ok_or_else(|| EnrolmentError::UnknownItem {
            policy: policy.id.clone(),
            item: id.clone(),
        })?;
        if !asked.insert(id.as_str()) {
            return Err(EnrolmentError::DuplicateItem { item: id.clone() });
        }
        check_shares(policy, item, *shares)?;
        if let Some(only) = item.gender.filter(|g| *g != member.gender) {
            return Err(EnrolmentError::Gender {
                item: id.clone(),
                only,
            });
        }
        let renewal = in_window && continues(member, &item.id, cycle.start);
        planned.push(PlannedEnrolment {
            item: item.id.clone(),
            shares: *shares,
            start,
            renewal,
            contribution: contribution(item, *shares, start, cycle.end)?,
        });
    }
    planned.sort_by_key(|p| policy.items.iter().position(|i| i.id == p.item));
    Ok(planned)
}

fn check_shares(policy: &Policy, item: &Item, shares: u32) -> Result<(), EnrolmentError> {
    if shares == 0 {
        return Err(EnrolmentError::ZeroShares {
            item: item.id.clone(),
        });
    }
    if shares > policy.enrolment.max_shares {
        return Err(EnrolmentError::TooManyShares {
            item: item.id.clone(),
            shares,
            max: policy.enrolment.max_shares,
        });
    }
    Ok(())
}

/// Enrolled in the item in a cycle that ended the day before this one starts.
fn continues(member: &EnrolmentCandidate, item: &str, cycle_start: NaiveDate) -> bool {
    member
        .previous
        .iter()
        .any(|p| p.item == item && p.cycle_end.checked_add_days(Days::new(1)) == Some(cycle_start))
}

/// Whole months m with start + m months ≤ the day after `end`.
fn whole_months(start: NaiveDate, end: NaiveDate) -> u32 {
    let Some(after) = end.checked_add_days(Days::new(1)) else {
        return 0;
    };
    let mut m = 0;
    while start
        .checked_add_months(Months::new(m + 1))
        .is_some_and(|d| d <= after)
    {
        m += 1;
    }
    m
}

/// The contribution for all shares of an item, for cover from `start` to `end`.
fn contribution(
    item: &Item,
    shares: u32,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<Money, EnrolmentError> {
    let periods = match item.contribution_period {
        ContributionPeriod::Cycle => 1,
        ContributionPeriod::Month => whole_months(start, end),
    };
    item.contribution
        .checked_mul(i64::from(shares))
        .and_then(|m| m.checked_mul(i64::from(periods)))
        .ok_or_else(|| EnrolmentError::Overflow {
            item: item.id.clone(),
        })
}

/// One line of a unit's bill: an item, how many members and shares, and their contributions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillLine {
    pub item: String,
    pub members: u32,
    pub shares: u32,
    pub amount: Money,
}

/// A unit's bill 缴费清单 for a set of planned enrolments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bill {
    /// In the policy's item order; an item nobody enrolled in has no line.
    pub lines: Vec<BillLine>,
    pub total: Money,
}

/// Totals planned enrolments (of any number of members) by item. The amounts are the planned
/// contributions as they are: a late enrolment's reduced monthly contribution stays reduced.
/// A planned enrolment of an item the policy does not have is an error, as is an overflow.
pub fn bill(policy: &Policy, planned: &[PlannedEnrolment]) -> Result<Bill, EnrolmentError> {
    if let Some(p) = planned.iter().find(|p| policy.item(&p.item).is_none()) {
        return Err(EnrolmentError::UnknownItem {
            policy: policy.id.clone(),
            item: p.item.clone(),
        });
    }
    let mut lines = Vec::new();
    let mut total = Money::ZERO;
    for item in &policy.items {
        let overflow = || EnrolmentError::Overflow {
            item: item.id.clone(),
        };
        let mut line = BillLine {
            item: item.id.clone(),
            members: 0,
            shares: 0,
            amount: Money::ZERO,
        };
        for p in planned.iter().filter(|p| p.item == item.id) {
            line.members = line.members.checked_add(1).ok_or_else(overflow)?;
            line.shares = line.shares.checked_add(p.shares).ok_or_else(overflow)?;
            line.amount = line
                .amount
                .checked_add(p.contribution)
                .ok_or_else(overflow)?;
        }
        if line.members > 0 {
            total = total.checked_add(line.amount).ok_or_else(overflow)?;
            lines.push(line);
        }
    }
    Ok(Bill { lines, total })
}

/// The organisation that owes a unit's bill, given the unit's chain of organisations from the
/// city federation down to the unit itself (its last element), each with its region code.
///
/// A unit-paid policy bills the unit. A federation-paid one (`contributions_paid_by =
/// "federation"`, SPEC 4.2: lucheng's model workers, "总工会为劳模统一参保") bills the federation
/// that publishes the policy: the highest organisation above the unit whose region is the
/// policy's `region` (鹿城区总工会 for `region = "330302"`), or, when none above the unit is in
/// that region, the city federation at the top of the chain. Either way the payer is the unit or
/// an organisation above it, so whoever sees the payer's subtree sees the unit too. None for an
/// empty chain, or a federation-paid policy with no organisation above the unit.
pub fn bill_payer<'a>(policy: &Policy, chain: &'a [(OrgCode, String)]) -> Option<&'a OrgCode> {
    let ((unit, _), above) = chain.split_last()?;
    if !policy.enrolment.federation_pays() {
        return Some(unit);
    }
    above
        .iter()
        .find(|(_, region)| *region == policy.region)
        .or(above.first())
        .map(|(code, _)| code)
}
