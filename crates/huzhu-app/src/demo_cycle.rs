//! The demo's current cycle (issue 13, "a demo that works today"): beside 2022, the demo holds
//! the cycle of the clock's year and the one before it, both made at load time from
//! `hangzhou-2022` by [`huzhu_domain::policy::next_cycle`] (what `huzhu policy new` does), so
//! that on any day of the year a new user can enrol a member and make a claim that pays.
//!
//! - **Last year's cycle** is `policy new` unchanged. Every unit of the four districts enrolled
//!   in its window and paid, and a few hundred claims were made, decided and paid over the year
//!   (the volume statistics and `huzhu replay` read): varied kinds, items, amounts and hospital
//!   grades, refusals for varied reasons. It is what makes this year's enrolment a renewal 续保,
//!   so this year's cover has no waiting period — without it a claim made in January to March
//!   would be refused as `waiting_period` whatever the demo did.
//! - **This year's cycle** keeps every rule and date of `policy new` but one: its enrolment
//!   window stays open until the cycle's last day (the window `policy new` makes closes on
//!   15 December of the year before, so today would never be in it). The demo chooses this so
//!   that enrolling today is enrolling in the window — cover from 1 January, a renewal — on any
//!   day; a federation's real file closes its window before the cycle. The claim deadline
//!   (31 March of next year) needs no change: today is always before it. Every unit is enrolled
//!   (one bill left unpaid), except four members of `LA-01-001`, left for a new user to enrol,
//!   and claims stand in every state: submitted, returned for documents, computed, under review,
//!   with the medical reviewer, approved, refused, appealed, in a payout batch at the bank, paid.
//!   Their moments lie between 1 January and now, so the demo never holds a future date.
//!
//! `member.demo`'s member has no demo claim in either cycle: their cover is whole. Loading is
//! deterministic (a fixed seed), once per year (a setting records it; a database kept into the
//! next year gains that year's cycle on the next start), and runs the same use cases as the
//! console, with the demo accounts as actors and a clock set to each step's moment.

use crate::demo::{Gen, DEMO_MEMBERS_PER_UNIT};
use crate::demo_claims::{self, DemoClaim, Fate, Payout};
use crate::demo_money::actor;
use crate::enrolment::{enrol_unit, pay_bill, EnrolUnit};
use crate::{policies, AppError, Clock, SettableClock};
use chrono::{DateTime, Datelike, Days, NaiveDate, TimeDelta, Utc};
use huzhu_domain::access::Role;
use huzhu_domain::member::EmploymentStatus;
use huzhu_domain::org::{OrgCode, OrgLevel};
use huzhu_domain::policy::{next_cycle, with_enrolment_window, NextCycle, Policy, BUILTIN};
use huzhu_domain::Gender;
use huzhu_store::{Page, Repo, StoredMember};
use serde_json::json;

/// The policy both demo cycles are made from.
pub const BASE_POLICY: &str = "hangzhou-2022";
/// Claims of last year's cycle.
pub const VOLUME_CLAIMS: usize = 340;
/// Members of `LA-01-001` not enrolled in this year's cycle: a new user enrols them.
pub const LEFT_FOR_THE_USER: usize = 4;
/// The unit whose bill for this year is left unpaid.
const UNPAID_UNIT: &str = "SC-02-003";

const WAITING: &str = "事件发生在等待期内，不予补助 (the event falls in the waiting period)";
const GRADE: &str = "就诊医院为一级医院，不符合补助条件 (a grade-1 hospital is not covered)";
const REHAB: &str = "以康复治疗为主，不予补助 (mainly rehabilitation, not covered)";
const UNLISTED: &str =
    "所患疾病不在本办法补助病种范围内 (the disease is on none of the policy's lists)";
const STAFF: [&str; 3] = [
    "已由商业保险全额赔付，重复申请 (already paid in full by a commercial insurer)",
    "发票与结算单金额不符 (the invoice and the settlement statement disagree)",
    "住院期间另有单位报销，重复申请 (already reimbursed elsewhere)",
];
const APPEALS: [&str; 2] = [
    "住院天数计算有误，请复核 (the days were miscounted)",
    "已补充说明非康复治疗的费用 (the costs other than rehabilitation are now explained)",
];

fn invalid(e: impl std::fmt::Display) -> AppError {
    AppError::invalid("demo", e.to_string())
}

/// The demo's cycles for `year`: last year's as `huzhu policy new` makes it, and this year's
/// with its enrolment window open until the cycle's last day (see the module doc).
pub fn demo_policies(year: i32) -> Result<(NextCycle, NextCycle), AppError> {
    let base = BUILTIN
        .iter()
        .find(|(n, _)| *n == BASE_POLICY)
        .map(|(_, t)| *t)
        .ok_or_else(|| invalid(format!("no built-in {BASE_POLICY}")))?;
    let previous = next_cycle(base, year - 1).map_err(invalid)?;
    let made = next_cycle(base, year).map_err(invalid)?;
    let window = made.policy.enrolment.window;
    let open =
        with_enrolment_window(&made.text, window.start, made.policy.cycle.end).map_err(invalid)?;
    let text = format!(
        "# 演示数据：参保窗口延至保障期最后一天（{end}），使任何一天参保都在窗口内；正式政策的窗口在保障期开始前关闭。\n\
         # Demo: the enrolment window stays open until the cycle's last day ({end}), so that \
         enrolling on any day is in the window; a real policy's window closes before the cycle.\n{}",
        open.text,
        end = made.policy.cycle.end
    );
    let policy = Policy::from_toml(&text).map_err(invalid)?;
    Ok((
        previous,
        NextCycle {
            text,
            policy,
            years: made.years,
        },
    ))
}

/// `d` at `hour`:00 in Asia/Shanghai.
fn moment(d: NaiveDate, hour: u32) -> DateTime<Utc> {
    d.and_hms_opt(hour, 0, 0)
        .and_then(|t| t.and_local_timezone(crate::clock::shanghai()).single())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn shanghai_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&crate::clock::shanghai()).date_naive()
}

/// Loads this year's demo cycle (and last year's, with the volume) unless it is there. Returns
/// the id of the cycle loaded now. A clock before 2024 loads nothing: 2022 is then this year's
/// or last year's cycle, and the 2022 demo stands for it.
pub async fn load_cycle_demo<S: Repo>(
    store: &S,
    clock: &dyn Clock,
) -> Result<Option<String>, AppError> {
    let year = clock.today().year();
    if year - 1 <= 2022 {
        return Ok(None);
    }
    let done = format!("demo.cycle.{year}");
    let started = format!("{done}.started");
    if store.setting(&done).await?.is_some() {
        return Ok(None);
    }
    if let Some(at) = store.setting(&started).await? {
        return Err(AppError::Conflict(format!(
            "演示的 {year} 年度数据曾于 {at} 开始载入但未完成（可能被中断），无法续载：\
             请删除数据目录或数据库后重新运行 serve --demo \
             (loading the demo's {year} cycle began at {at} and did not finish, perhaps \
             interrupted; it cannot resume: delete the data directory or database and run \
             serve --demo again)"
        )));
    }
    store
        .set_setting(&started, &clock.now().to_rfc3339())
        .await?;
    let (previous, current) = demo_policies(year)?;
    let sclock = SettableClock::new(moment(previous.policy.enrolment.window.start, 10));
    let previous = stored_or_loaded(store, &sclock, &previous).await?;
    let current = stored_or_loaded(store, &sclock, &current).await?;
    let units: Vec<OrgCode> = store
        .orgs_under(None)
        .await?
        .into_iter()
        .filter(|o| o.level == OrgLevel::Grassroots)
        .map(|o| o.code)
        .collect();
    let mut pools = Vec::new();
    for unit in &units {
        let members = store
            .members_under(
                unit,
                Page {
                    after: None,
                    limit: DEMO_MEMBERS_PER_UNIT,
                },
            )
            .await?;
        pools.push((unit.clone(), members));
    }
    let user_unit = OrgCode::parse("LA-01-001").map_err(invalid)?;
    let user_member = pools
        .iter()
        .find(|(u, _)| *u == user_unit)
        .and_then(|(_, m)| m.first())
        .map(|m| m.id);
    let left: Vec<_> = pools
        .iter()
        .find(|(u, _)| *u == user_unit)
        .map(|(_, m)| {
            m.iter()
                .rev()
                .take(LEFT_FOR_THE_USER)
                .map(|m| m.id)
                .collect()
        })
        .unwrap_or_default();
    let fresh = enrol_all(store, &sclock, &previous, &pools, &[], None).await?;
    enrol_all(
        store,
        &sclock,
        &current,
        &pools,
        &left,
        OrgCode::parse(UNPAID_UNIT).ok(),
    )
    .await?;
    // Claimants: in service, with a bank account, never member.demo's own member.
    let claimants: Vec<(OrgCode, Vec<StoredMember>)> = pools
        .into_iter()
        .map(|(u, ms)| {
            let ms = ms
                .into_iter()
                .filter(|m| {
                    m.record.status == EmploymentStatus::InService
                        && m.record.bank_account.is_some()
                        && Some(m.id) != user_member
                        && !left.contains(&m.id)
                })
                .collect::<Vec<_>>();
            (u, ms)
        })
        .filter(|(_, ms)| !ms.is_empty())
        .collect();
    let own = [previous.id.as_str(), current.id.as_str()];
    let mut g = Gen(0x5DEE_CE66_D1CE_4E5B ^ u64::from(year.unsigned_abs()));
    if fresh {
        let (claims, payouts) = volume(&mut g, &claimants, &previous);
        demo_claims::run(store, &sclock, &claims, &payouts, &own).await?;
    }
    let (claims, payouts) = this_year(&mut g, &claimants, &current, clock.now());
    demo_claims::run(store, &sclock, &claims, &payouts, &own).await?;
    store.set_setting(&done, &clock.now().to_rfc3339()).await?;
    Ok(Some(current.id.clone()))
}

/// The policy stored under the made policy's id — a database kept from last year holds last
/// year's cycle as it was loaded then, with its window open — else the made one, stored now.
async fn stored_or_loaded<S: Repo>(
    store: &S,
    clock: &SettableClock,
    made: &NextCycle,
) -> Result<std::sync::Arc<Policy>, AppError> {
    match store.policy_record(&made.policy.id).await {
        Ok(_) => policies::policy(store, clock, &made.policy.id).await,
        Err(huzhu_store::StoreError::NotFound(_)) => {
            policies::load_policy_text(store, clock, &made.text).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Enrols every unit not yet enrolled in `policy` (in A, B and C) at the window's opening, all
/// its members but `leave_out`, and pays every bill but `unpaid`'s. Returns whether it enrolled
/// any unit.
async fn enrol_all<S: Repo>(
    store: &S,
    clock: &SettableClock,
    policy: &Policy,
    pools: &[(OrgCode, Vec<StoredMember>)],
    leave_out: &[huzhu_store::MemberId],
    unpaid: Option<OrgCode>,
) -> Result<bool, AppError> {
    let opens = policy.enrolment.window.start;
    let finance = actor("finance", Role::Finance, "HZ", OrgLevel::City)?;
    let mut bills = Vec::new();
    for (unit, members) in pools {
        if !store.unit_enrolments(unit, &policy.id).await?.is_empty() {
            continue;
        }
        clock.set(moment(
            opens.checked_add_days(Days::new(18)).unwrap_or(opens),
            10,
        ));
        let chosen: Vec<_> = members
            .iter()
            .map(|m| m.id)
            .filter(|id| !leave_out.contains(id))
            .collect();
        let out = enrol_unit(
            store,
            clock,
            &demo_claims::officer_of(unit)?,
            &EnrolUnit {
                unit: unit.clone(),
                policy: policy.id.clone(),
                items: vec![("A".into(), 1), ("B".into(), 1), ("C".into(), 1)],
                members: (chosen.len() < members.len()).then_some(chosen),
            },
        )
        .await?;
        if Some(unit) != unpaid.as_ref() {
            bills.push(out.bill.id);
        }
    }
    let enrolled = !bills.is_empty();
    clock.set(moment(
        opens.checked_add_days(Days::new(36)).unwrap_or(opens),
        10,
    ));
    for (n, bill) in bills.into_iter().enumerate() {
        pay_bill(
            store,
            clock,
            &finance,
            bill,
            &format!("DEMO-{}-{:03}", opens.year(), n + 1),
        )
        .await?;
    }
    Ok(enrolled)
}

/// The costs of a settlement statement whose 自负 is `yuan`.
fn costs(yuan: i64) -> serde_json::Value {
    json!({"total": yuan * 400, "pooled_fund": yuan * 250, "personal_account": yuan * 30,
           "self_borne": yuan * 100, "self_pay_class_b": yuan * 10, "self_pay_excluded": yuan * 10})
}

/// A 自负 in yuan as offices see them: mostly a few thousand, some under the deductible, a few
/// tens of thousands.
fn self_borne(g: &mut Gen) -> i64 {
    let yuan = match g.below(100) {
        0..=17 => 300 + g.below(900),
        18..=69 => 1_500 + g.below(6_500),
        70..=93 => 8_000 + g.below(22_000),
        _ => 30_000 + g.below(50_000),
    };
    i64::try_from(yuan).unwrap_or(1_000)
}

const MAJOR: [&str; 10] = [
    "md01", "md02", "md03", "md05", "md06", "md09", "md16", "md18", "md24", "md25",
];
const MILD: [&str; 4] = ["mi01", "mi02", "mi03", "mi04"];
const FEMALE: [&str; 5] = ["fc01", "fc02", "fc04", "fc07", "fc08"];
/// ICD-10 codes on none of the policy's lists (`not_covered`).
const UNLISTED_CODES: [&str; 3] = ["J18", "K35", "I10"];

/// What a claim says and how it ends, drawn for one member and event date.
struct Drawn {
    claim: serde_json::Value,
    reject: Option<&'static str>,
    /// The last day of the event (a stay's discharge).
    ends: NaiveDate,
}

fn draw_claim(
    g: &mut Gen,
    member: &StoredMember,
    event: NaiveDate,
    last: NaiveDate,
    invoice: &str,
) -> Drawn {
    let grade = match g.below(100) {
        0..=6 => 1,
        7..=39 => 2,
        _ => 3,
    };
    let days = |g: &mut Gen, most: u64| {
        let end = event
            .checked_add_days(Days::new(g.below(most)))
            .unwrap_or(event);
        end.min(last).max(event)
    };
    match g.below(100) {
        0..=69 => {
            let ends = days(g, 15);
            let rehab = g.below(100) < 4;
            let mut claim = json!({
                "kind": "hospital_stay", "admitted": event.to_string(), "discharged": ends.to_string(),
                "hospital_grade": grade, "rehabilitation": rehab,
                "costs_fen": costs(self_borne(g)), "invoices": [invoice]
            });
            let mut reject = None;
            if g.below(100) < 12 {
                let code = g.pick(&MAJOR);
                claim["diagnoses"] =
                    json!([{"disease": code, "date": event.to_string(), "first_diagnosis": true}]);
            }
            if rehab {
                reject = Some(REHAB);
            } else if grade == 1 && claim.get("diagnoses").is_none() {
                reject = Some(GRADE);
            }
            Drawn {
                claim,
                reject,
                ends,
            }
        }
        70..=84 => {
            let ends = days(g, 28);
            let claim = json!({
                "kind": "outpatient", "period_start": event.to_string(), "period_end": ends.to_string(),
                "designated_disease": format!("od0{}", 1 + g.below(4)), "hospital_grade": grade.max(2),
                "costs_fen": costs(self_borne(g)), "invoices": [invoice]
            });
            Drawn {
                claim,
                reject: None,
                ends,
            }
        }
        _ => {
            let roll = g.below(100);
            let (code, reject) = if roll < 15 {
                (g.pick(&UNLISTED_CODES), Some(UNLISTED))
            } else if roll < 45 && member.record.gender == Gender::Female {
                (g.pick(&FEMALE), None)
            } else if roll < 70 {
                (g.pick(&MILD), None)
            } else {
                (g.pick(&MAJOR), None)
            };
            let claim = json!({
                "kind": "diagnosis",
                "diagnoses": [{"disease": code, "date": event.to_string(), "first_diagnosis": true}]
            });
            Drawn {
                claim,
                reject,
                ends: event,
            }
        }
    }
}

fn pick_member<'a>(
    g: &mut Gen,
    claimants: &'a [(OrgCode, Vec<StoredMember>)],
) -> (&'a OrgCode, &'a StoredMember) {
    let (unit, ms) = &claimants[g.below(claimants.len() as u64) as usize];
    (unit, &ms[g.below(ms.len() as u64) as usize])
}

/// Last year's claims: events over the year, each made within a few weeks and decided within
/// two, paid in monthly batches.
fn volume(
    g: &mut Gen,
    claimants: &[(OrgCode, Vec<StoredMember>)],
    policy: &Policy,
) -> (Vec<DemoClaim>, Vec<Payout>) {
    let start = policy.cycle.start;
    let waiting_ends = start
        .checked_add_days(Days::new(u64::from(policy.waiting.days)))
        .unwrap_or(start);
    let year = start.year();
    let mut out = Vec::with_capacity(VOLUME_CLAIMS);
    for n in 0..VOLUME_CLAIMS {
        let (unit, member) = pick_member(g, claimants);
        // One event in ten falls in the waiting period (nobody renewed into this cycle).
        let day = if g.below(10) == 0 {
            10 + g.below(80)
        } else {
            95 + g.below(205)
        };
        let event = start.checked_add_days(Days::new(day)).unwrap_or(start);
        let invoice = format!("3301{year}{n:06}");
        let d = draw_claim(g, member, event, event + TimeDelta::days(14), &invoice);
        let made = d.ends + TimeDelta::days(3 + g.below(22) as i64);
        let handled = made + TimeDelta::days(2 + g.below(9) as i64);
        let fate = if event < waiting_ends {
            Fate::Reject(WAITING)
        } else if let Some(r) = d.reject {
            Fate::Reject(r)
        } else if g.below(100) < 4 {
            Fate::Reject(g.pick(&STAFF))
        } else {
            Fate::Approve
        };
        out.push(DemoClaim {
            unit: unit.clone(),
            member: member.id,
            policy: policy.id.clone(),
            claim: d.claim,
            fate,
            made: moment(made, 9 + (n % 8) as u32),
            handled: moment(handled, 14 + (n % 4) as u32),
        });
    }
    let payouts = (5..=12)
        .filter_map(|m| NaiveDate::from_ymd_opt(year, m, 25))
        .map(|d| Payout {
            at: moment(d, 10),
            settle: true,
        })
        .collect();
    (out, payouts)
}

/// This year's claims, in every state, between 1 January and `now` (per mille of that span, so
/// that in early January they all fit in the days there are).
fn this_year(
    g: &mut Gen,
    claimants: &[(OrgCode, Vec<StoredMember>)],
    policy: &Policy,
    now: DateTime<Utc>,
) -> (Vec<DemoClaim>, Vec<Payout>) {
    let start = moment(policy.cycle.start, 0);
    let span = (now - start).num_seconds().max(0);
    let at = |pm: i64| start + TimeDelta::seconds(span * pm / 1000);
    // (fate, made, handled), per mille of the span.
    let mut plan: Vec<(Fate, i64, i64)> = Vec::new();
    let mut add = |fate: Fate, n: usize, made: i64, handled: i64| {
        for _ in 0..n {
            plan.push((fate, made, handled));
        }
    };
    add(Fate::Approve, 6, 300, 500); // paid at 700
    add(Fate::Appeal(GRADE, APPEALS[0]), 1, 300, 500);
    add(Fate::Appeal(REHAB, APPEALS[1]), 1, 320, 520);
    add(Fate::Reject(STAFF[0]), 1, 400, 600);
    add(Fate::Reject(GRADE), 1, 400, 600);
    add(Fate::Reject(STAFF[1]), 1, 410, 610);
    add(Fate::Approve, 3, 450, 750); // in the batch built at 800
    add(Fate::Returned, 2, 500, 600);
    add(Fate::Draft, 1, 500, 500);
    add(Fate::Computed, 2, 600, 900);
    add(Fate::Reviewed, 2, 600, 900);
    add(Fate::Expert, 2, 600, 900);
    add(Fate::Approve, 3, 600, 850); // approved, awaiting the next batch
    add(Fate::Submitted, 3, 900, 950);
    let year = policy.cycle.start.year();
    let mut out = Vec::with_capacity(plan.len());
    for (n, (fate, made_pm, handled_pm)) in plan.into_iter().enumerate() {
        let (unit, member) = pick_member(g, claimants);
        let made = at(made_pm + i64::try_from(g.below(40)).unwrap_or(0));
        let event_pm =
            i64::try_from(g.below(u64::try_from(made_pm * 2 / 3).unwrap_or(1))).unwrap_or(0);
        let event = shanghai_date(at(event_pm));
        let made_on = shanghai_date(made);
        let invoice = format!("3301{year}9{n:05}");
        let mut d = draw_claim(g, member, event, made_on, &invoice);
        // The refusals and appeals say why: their claims are drawn to match.
        match fate {
            Fate::Reject(GRADE) | Fate::Appeal(GRADE, _) => {
                d.claim = json!({"kind": "hospital_stay", "admitted": event.to_string(),
                    "discharged": made_on.min(event + TimeDelta::days(4)).to_string(),
                    "hospital_grade": 1, "costs_fen": costs(2_600), "invoices": [invoice]});
            }
            Fate::Appeal(REHAB, _) => {
                d.claim = json!({"kind": "hospital_stay", "admitted": event.to_string(),
                    "discharged": made_on.min(event + TimeDelta::days(9)).to_string(),
                    "hospital_grade": 3, "rehabilitation": true, "costs_fen": costs(6_800),
                    "invoices": [invoice]});
            }
            Fate::Expert => {
                d.claim = json!({"kind": "diagnosis", "diagnoses":
                    [{"disease": "mi01", "date": event.to_string(), "first_diagnosis": true}]});
            }
            _ if d.reject.is_some() || d.claim["kind"] == "diagnosis" => {
                // Meant to go ahead: an ordinary stay instead of one the engine refuses.
                d.claim = json!({"kind": "hospital_stay", "admitted": event.to_string(),
                    "discharged": made_on.min(event + TimeDelta::days(6)).to_string(),
                    "hospital_grade": 3, "costs_fen": costs(self_borne(g)), "invoices": [invoice]});
            }
            _ => {}
        }
        let handled = at(handled_pm + i64::try_from(g.below(40)).unwrap_or(0)).max(made);
        out.push(DemoClaim {
            unit: unit.clone(),
            member: member.id,
            policy: policy.id.clone(),
            claim: d.claim,
            fate,
            made,
            handled,
        });
    }
    let payouts = vec![
        Payout {
            at: at(700),
            settle: true,
        },
        Payout {
            at: at(800),
            settle: false,
        },
    ];
    (out, payouts)
}
