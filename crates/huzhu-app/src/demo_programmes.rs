//! The demo's assistance programmes (issue 15): in one grassroots union of 西湖区 (the first one
//! with no claim waiting for a payout batch, so that the demo's batch carries grants only),
//! hardship households in every archive state, one-off reliefs in every grant state (one paid in
//! a settled payout batch), the two funds with deposits, and the `two-festivals-2026` campaign
//! under way — its list made from the district's tags plus the archived households added by
//! hand, some recipients visited, some gift packs handed, the cash granted for the unit's street.
//!
//! Like the rest of the demo it runs the same use cases as the console, with the demo's
//! federation accounts as actors and a clock set to each step's moment, and loads once. Its
//! dates are fixed between January 2025 and November 2026 `[choice]`: the archive's notice
//! counts working days on the embedded calendar (2025–2027) and the campaign's window is the
//! programme file's (January–February 2026).

use crate::archive::{self, OpenInput};
use crate::demo_money::actor;
use crate::{campaign, grant, payouts, AppError, Clock, SettableClock};
use chrono::{NaiveDate, TimeZone, Utc};
use huzhu_domain::access::{Actor, Role};
use huzhu_domain::archive::{ExitReason, FactsInput, Level, PersonInput};
use huzhu_domain::grant::FundKind;
use huzhu_domain::member::MemberTag;
use huzhu_domain::money::Money;
use huzhu_domain::notice::ObjectionOutcome;
use huzhu_domain::org::{OrgCode, OrgLevel};
use huzhu_store::money::ClaimFilter;
use huzhu_store::{MemberId, Page, Repo, StoredMember};
use serde_json::json;

// pairing and services (helper K, issue 16)
#[path = "demo_pairing.rs"]
pub mod demo_pairing;

const SETTING: &str = "demo.programmes";
const DISTRICT: &str = "XH";

fn day(y: i32, m: u32, d: u32) -> Result<NaiveDate, AppError> {
    NaiveDate::from_ymd_opt(y, m, d)
        .ok_or_else(|| AppError::invalid("demo", "no such date".to_string()))
}

/// Sets the clock to 10:00 in Beijing on the day, and answers the day.
fn on(clock: &SettableClock, y: i32, m: u32, d: u32) -> Result<NaiveDate, AppError> {
    let date = day(y, m, d)?;
    let at = Utc
        .with_ymd_and_hms(y, m, d, 2, 0, 0)
        .single()
        .ok_or_else(|| AppError::invalid("demo", "no such moment".to_string()))?;
    clock.set(at);
    Ok(date)
}

/// Facts of a household of two: the category follows from the income (deep below 1,250元 a head
/// and month, relative below 2,500元) or, above that, from a disaster loss (accident).
fn facts(annual_income_yuan: i64, disaster_loss_yuan: i64, child: Option<&str>) -> FactsInput {
    FactsInput {
        size: 2,
        annual_income_fen: annual_income_yuan * 100,
        medical_self_paid_fen: 0,
        education_fen: 0,
        education_abroad_self_funded_fen: 0,
        disaster_loss_fen: disaster_loss_yuan * 100,
        people: child
            .map(|id| PersonInput {
                id_number: id.into(),
                name: "李小雨".into(),
                relation: "child".into(),
                school_level: Some("senior_secondary".into()),
                dialysis: false,
            })
            .into_iter()
            .collect(),
    }
}

const DEEP: (i64, i64) = (24_000, 0);
const RELATIVE: (i64, i64) = (48_000, 0);
const ACCIDENT: (i64, i64) = (72_000, 60_000);

fn relief(member: MemberId, yuan: i64) -> grant::ApplyRequest {
    let facts = json!({"requested_fen": yuan * 100, "documents": ["application_form"]});
    grant::ApplyRequest {
        programme: "one-off-relief".into(),
        member,
        facts: facts.as_object().cloned().unwrap_or_default(),
    }
}

struct Cast {
    officer: Actor,
    street: Actor,
    district: Actor,
    city: Actor,
    finance: Actor,
    cashier: Actor,
}

/// The grassroots union the programmes' demo lives in: the first of the district with no claim
/// awaiting payout, and its members who may head a household (not migrant workers, whose
/// employment the archive checks, and with a bank account, for the payouts).
async fn the_unit<S: Repo>(store: &S) -> Result<(OrgCode, Vec<StoredMember>), AppError> {
    let district = OrgCode::parse(DISTRICT).map_err(|e| AppError::invalid("org", e.to_string()))?;
    for unit in store
        .orgs_under(Some(&district))
        .await?
        .into_iter()
        .filter(|o| o.level == OrgLevel::Grassroots)
    {
        let waiting = store
            .claims_under(
                &unit.code,
                &ClaimFilter {
                    awaiting_payout: true,
                    limit: 1,
                    ..Default::default()
                },
            )
            .await?;
        if !waiting.is_empty() {
            continue;
        }
        let members: Vec<StoredMember> = store
            .members_under(
                &unit.code,
                Page {
                    after: None,
                    limit: 200,
                },
            )
            .await?
            .into_iter()
            .filter(|m| {
                !m.record.tags.contains(&MemberTag::Migrant) && m.record.bank_account.is_some()
            })
            .collect();
        if members.len() >= 16 {
            return Ok((unit.code, members));
        }
    }
    Err(AppError::Conflict(
        "演示数据中找不到可用的基层工会 (no unit of the demo is free for the programmes)".into(),
    ))
}

/// Loads the programmes' demo unless it is there, then the registers' (recuperation,
/// procurement). Returns whether it loaded anything.
pub async fn load_programme_demo<S: Repo>(store: &S) -> Result<bool, AppError> {
    let programmes = load_programmes_only(store).await?;
    // recuperation, procurement (helper M)
    let registers = crate::demo_registers::load_registers_demo(store).await?;
    // employment help (helper D, issue 16)
    let employment = crate::demo_employment::load_employment_demo(store).await?;
    Ok(programmes || registers || employment)
}

async fn load_programmes_only<S: Repo>(store: &S) -> Result<bool, AppError> {
    if store.setting(SETTING).await?.is_some() {
        return Ok(false);
    }
    let clock = SettableClock::new(Clock::now(&crate::SystemClock));
    let (unit, members) = the_unit(store).await?;
    let street_code = OrgCode::parse(unit.as_str().rsplit_once('-').map_or("", |(s, _)| s))
        .map_err(|e| AppError::invalid("org", e.to_string()))?;
    let cast = Cast {
        officer: actor(
            "officer",
            Role::UnitOfficer,
            unit.as_str(),
            OrgLevel::Grassroots,
        )?,
        street: actor(
            "street.staff",
            Role::FederationStaff,
            street_code.as_str(),
            OrgLevel::Street,
        )?,
        district: actor(
            "district.xh",
            Role::FederationStaff,
            DISTRICT,
            OrgLevel::District,
        )?,
        city: actor("city.staff", Role::FederationStaff, "HZ", OrgLevel::City)?,
        finance: actor("finance", Role::Finance, "HZ", OrgLevel::City)?,
        cashier: actor("cashier", Role::Finance, "HZ", OrgLevel::City)?,
    };
    let heads: Vec<MemberId> = members.iter().map(|m| m.id).collect();
    let head = |i: usize| -> Result<MemberId, AppError> {
        heads
            .get(i)
            .copied()
            .ok_or_else(|| AppError::invalid("demo", "too few members".to_string()))
    };
    let households = archive_demo(store, &clock, &cast, &head).await?;
    funds(store, &clock, &cast).await?;
    campaign_demo(store, &clock, &cast, &households).await?;
    let d = on(&clock, 2026, 3, 2)?;
    archive::lapse_sweep(store, &clock, &cast.district, d).await?;
    reliefs(store, &clock, &cast, &head, &unit).await?;
    late_archive_steps(store, &clock, &cast, &head, &households).await?;
    // donation module (春风行动, issue 16)
    if let Some(giver) = members.last() {
        crate::demo_donations::load(store, &clock, &cast.city, &cast.finance, &unit, giver).await?;
    }
    // legal aid and recognition (issue 17)
    let cases = crate::demo_cases::CaseCast::new(&unit, DISTRICT)?;
    let in_service: Vec<MemberId> = members
        .iter()
        .filter(|m| m.record.status == huzhu_domain::member::EmploymentStatus::InService)
        .map(|m| m.id)
        .collect();
    crate::demo_cases::load(store, &clock, &cases, &unit, &in_service, &heads).await?;
    store
        .set_setting(SETTING, &Clock::now(&crate::SystemClock).to_rfc3339())
        .await?;
    Ok(true)
}

/// Households admitted in November 2025 (id, head), for the campaign and the exit; the accident
/// household admitted with them is left with nothing this year.
struct Admitted {
    deep: (i64, MemberId),
    relative: (i64, MemberId),
    leaving: (i64, MemberId),
}

/// Opens a household for `head` and takes it through the visit, the review and the notice.
async fn to_notice<S: Repo>(
    store: &S,
    clock: &SettableClock,
    c: &Cast,
    head: MemberId,
    f: FactsInput,
    visit_on: NaiveDate,
) -> Result<i64, AppError> {
    let h = archive::open(store, clock, &c.officer, &OpenInput { head, facts: f }).await?;
    archive::visit(
        store,
        clock,
        &c.district,
        h.id,
        visit_on,
        "入户核查：家庭情况属实",
    )
    .await?;
    archive::review(store, clock, &c.city, h.id, "材料齐全，同意公示").await?;
    archive::start_notice(store, clock, &c.city, h.id).await?;
    Ok(h.id)
}

async fn archive_demo<S: Repo>(
    store: &S,
    clock: &SettableClock,
    c: &Cast,
    head: &impl Fn(usize) -> Result<MemberId, AppError>,
) -> Result<Admitted, AppError> {
    // January 2025: a household admitted, never reviewed a year on: it lapses (see below).
    let d = on(clock, 2025, 1, 6)?;
    let lapsing = to_notice(store, clock, c, head(7)?, facts(DEEP.0, DEEP.1, None), d).await?;
    let d = on(clock, 2025, 1, 13)?;
    archive::admit(store, clock, &c.city, lapsing, Level::CityCounty, d, "").await?;
    // November 2025: four admitted at each level, one refused; an objection dismissed.
    let d = on(clock, 2025, 11, 3)?;
    let mut ids = Vec::new();
    for (i, (income, loss), child) in [
        (4, DEEP, Some("33010620110315002X")),
        (5, RELATIVE, None),
        (6, ACCIDENT, None),
        (8, DEEP, None),
        (9, RELATIVE, None),
    ] {
        ids.push(to_notice(store, clock, c, head(i)?, facts(income, loss, child), d).await?);
    }
    let relative = archive::get(store, clock, &c.city, ids[1]).await?;
    on(clock, 2025, 11, 6)?;
    if let Some(n) = relative.notice {
        let o = archive::record_objection(
            store,
            clock,
            &c.street,
            n.id,
            day(2025, 11, 6)?,
            None,
            "反映该户有经营收入",
        )
        .await?;
        archive::settle_objection(
            store,
            clock,
            &c.district,
            o.id,
            ObjectionOutcome::Dismissed,
            "经核实，经营已于去年停止，收入证明属实",
        )
        .await?;
    }
    let d = on(clock, 2025, 11, 12)?;
    for (id, level) in [
        (ids[0], Level::National),
        (ids[1], Level::Provincial),
        (ids[2], Level::CityCounty),
        (ids[3], Level::CityCounty),
    ] {
        archive::admit(store, clock, &c.city, id, level, d, "").await?;
    }
    archive::refuse(store, clock, &c.city, ids[4], "家庭人均收入核实后高于标准").await?;
    Ok(Admitted {
        deep: (ids[0], head(4)?),
        relative: (ids[1], head(5)?),
        leaving: (ids[3], head(8)?),
    })
}

async fn funds<S: Repo>(store: &S, clock: &SettableClock, c: &Cast) -> Result<(), AppError> {
    on(clock, 2025, 12, 1)?;
    for (fund, yuan, reference) in [
        (FundKind::Hardship, 200_000, "2026年帮扶资金（市财政拨款）"),
        (FundKind::Campaign, 300_000, "2026年两节送温暖经费"),
    ] {
        grant::deposit(
            store,
            clock,
            &c.finance,
            fund,
            Money::from_yuan(yuan),
            reference,
        )
        .await?;
    }
    Ok(())
}

/// The campaign: the district's tagged members listed, the archived households added by hand
/// (all but the accident household, which is left with nothing this year), a few visited and
/// handed their gift packs, the cash granted for the unit's street only.
async fn campaign_demo<S: Repo>(
    store: &S,
    clock: &SettableClock,
    c: &Cast,
    a: &Admitted,
) -> Result<(), AppError> {
    on(clock, 2026, 1, 5)?;
    let window = (day(2026, 1, 1)?, day(2026, 2, 28)?);
    let camp = campaign::create(store, clock, &c.city, "two-festivals-2026", window).await?;
    campaign::list_from_tags(store, clock, &c.district, camp.id).await?;
    for ((_, member), yuan) in [(a.deep, 2_000), (a.relative, 1_000), (a.leaving, 2_000)] {
        campaign::add_by_hand(
            store,
            clock,
            &c.district,
            camp.id,
            campaign::ByHand {
                member,
                reason: "建档困难职工",
                cash: Money::from_yuan(yuan),
                gift_pack: true,
            },
        )
        .await?;
    }
    on(clock, 2026, 1, 20)?;
    let listed = campaign::recipients(store, &c.street, camp.id, 0, 1000).await?;
    for (i, r) in listed.iter().enumerate().filter(|(i, _)| i % 2 == 0) {
        campaign::record_visit(
            store,
            clock,
            &c.street,
            r.id,
            day(2026, 1, 20)?,
            "街道工会 王敏",
        )
        .await?;
        if r.gift_pack && i % 4 == 0 {
            campaign::hand_gift(store, clock, &c.street, r.id).await?;
        }
    }
    on(clock, 2026, 1, 26)?;
    campaign::grant(store, clock, &c.street, camp.id).await?;
    Ok(())
}

/// One-off reliefs of the unit in every state: paid in a settled batch, approved after it,
/// checked, applied, refused.
async fn reliefs<S: Repo>(
    store: &S,
    clock: &SettableClock,
    c: &Cast,
    head: &impl Fn(usize) -> Result<MemberId, AppError>,
    unit: &OrgCode,
) -> Result<(), AppError> {
    on(clock, 2026, 3, 9)?;
    let mut applied = Vec::new();
    // The deep household's head (also granted the campaign's cash: double support), the
    // accident household's head (checked only: nothing given yet), three members outside the
    // archive.
    for (i, yuan) in [(4, 3_000), (6, 1_500), (10, 2_000), (11, 1_000), (12, 800)] {
        let out = grant::apply(store, clock, &c.officer, relief(head(i)?, yuan)).await?;
        if let Some(a) = out.first() {
            applied.push(a.grant().id);
        }
    }
    let [paid, checked, approved, refused, _waiting] = applied[..] else {
        return Err(AppError::invalid(
            "demo",
            "a relief was not recorded".to_string(),
        ));
    };
    on(clock, 2026, 3, 11)?;
    for id in [paid, checked, approved] {
        grant::check(store, clock, &c.street, id).await?;
    }
    grant::refuse(
        store,
        clock,
        &c.street,
        refused,
        "家庭收入已恢复，不符合临时救助条件",
    )
    .await?;
    on(clock, 2026, 3, 16)?;
    grant::approve(store, clock, &c.district, paid).await?;
    on(clock, 2026, 4, 1)?;
    let batch = payouts::build_batch(store, clock, &c.finance, unit).await?;
    on(clock, 2026, 4, 3)?;
    payouts::settle_batch(store, clock, &c.cashier, batch.batch.id, &[]).await?;
    on(clock, 2026, 4, 10)?;
    grant::approve(store, clock, &c.district, approved).await?;
    Ok(())
}

/// An exit, and the households still on their way in November 2026: applied,
/// visited, reviewed, and in the notice with an objection not yet settled.
async fn late_archive_steps<S: Repo>(
    store: &S,
    clock: &SettableClock,
    c: &Cast,
    head: &impl Fn(usize) -> Result<MemberId, AppError>,
    a: &Admitted,
) -> Result<(), AppError> {
    on(clock, 2026, 6, 15)?;
    archive::exit(
        store,
        clock,
        &c.district,
        a.leaving.0,
        ExitReason::Retired,
        "6月起办理退休",
    )
    .await?;
    let d = on(clock, 2026, 11, 2)?;
    archive::open(
        store,
        clock,
        &c.officer,
        &OpenInput {
            head: head(0)?,
            facts: facts(DEEP.0, DEEP.1, None),
        },
    )
    .await?;
    let visited = archive::open(
        store,
        clock,
        &c.officer,
        &OpenInput {
            head: head(1)?,
            facts: facts(RELATIVE.0, RELATIVE.1, None),
        },
    )
    .await?;
    archive::visit(
        store,
        clock,
        &c.district,
        visited.id,
        d,
        "入户核查：待补收入证明",
    )
    .await?;
    let reviewed = archive::open(
        store,
        clock,
        &c.officer,
        &OpenInput {
            head: head(2)?,
            facts: facts(DEEP.0, DEEP.1, None),
        },
    )
    .await?;
    archive::visit(
        store,
        clock,
        &c.district,
        reviewed.id,
        d,
        "入户核查：家庭情况属实",
    )
    .await?;
    archive::review(store, clock, &c.city, reviewed.id, "同意，待公示").await?;
    let noticed = to_notice(
        store,
        clock,
        c,
        head(3)?,
        facts(ACCIDENT.0, ACCIDENT.1, None),
        d,
    )
    .await?;
    let h = archive::get(store, clock, &c.city, noticed).await?;
    on(clock, 2026, 11, 4)?;
    if let Some(n) = h.notice {
        archive::record_objection(
            store,
            clock,
            &c.street,
            n.id,
            day(2026, 11, 4)?,
            Some("同单位职工"),
            "反映该户损失已获保险赔付",
        )
        .await?;
    }
    Ok(())
}
