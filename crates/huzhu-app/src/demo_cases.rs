//! The demo's legal aid and craftsman recognition (issue 17), called from the programmes' demo
//! with its unit and cast: a panel of two lawyers and cases in every state (closed, handling,
//! assigned, approved, eligible and past its approval deadline, refused, at intake); a 2025
//! recognition call taken through every stage (an objection upheld, its nominee withdrawn, the
//! others awarded) and a 2026 call in its 公示 with an objection waiting to be settled.
//!
//! Dates are fixed in 2025–2026 `[choice]`, like the rest of the programmes' demo, except the
//! 2026 call's notice, which starts on the day the demo loads so that the public page shows it
//! (when that day is on the calendar; a fixed day otherwise).

use crate::demo_money::actor;
use crate::legal_aid::{self, OpenInput};
use crate::recognition::{self, CallInput, NominationInput};
use crate::{AppError, Clock, SettableClock};
use chrono::{NaiveDate, TimeZone, Utc};
use huzhu_domain::access::{Actor, Role};
use huzhu_domain::legal_aid::{ActivityKind, DisputeKind, Outcome};
use huzhu_domain::notice::ObjectionOutcome;
use huzhu_domain::org::{OrgCode, OrgLevel};
use huzhu_domain::recognition::Facts;
use huzhu_store::{MemberId, Repo};

fn on(clock: &SettableClock, y: i32, m: u32, d: u32) -> Result<NaiveDate, AppError> {
    let date = NaiveDate::from_ymd_opt(y, m, d)
        .ok_or_else(|| AppError::invalid("demo", "no such date".to_string()))?;
    let at = Utc
        .with_ymd_and_hms(y, m, d, 2, 0, 0)
        .single()
        .ok_or_else(|| AppError::invalid("demo", "no such moment".to_string()))?;
    clock.set(at);
    Ok(date)
}

/// The actors of the demo's cases.
pub(crate) struct CaseCast {
    pub officer: Actor,
    pub district: Actor,
    pub city: Actor,
}

impl CaseCast {
    pub(crate) fn new(unit: &OrgCode, district: &str) -> Result<CaseCast, AppError> {
        Ok(CaseCast {
            officer: actor(
                "officer",
                Role::UnitOfficer,
                unit.as_str(),
                OrgLevel::Grassroots,
            )?,
            district: actor(
                "district.xh",
                Role::FederationStaff,
                district,
                OrgLevel::District,
            )?,
            city: actor("city.staff", Role::FederationStaff, "HZ", OrgLevel::City)?,
        })
    }
}

/// Loads legal aid (for `in_service` members) and recognition (for `members`) of the
/// programmes' unit.
pub(crate) async fn load<S: Repo>(
    store: &S,
    clock: &SettableClock,
    c: &CaseCast,
    unit: &OrgCode,
    in_service: &[MemberId],
    members: &[MemberId],
) -> Result<(), AppError> {
    let m = |i: usize| -> Result<MemberId, AppError> {
        members
            .get(i)
            .copied()
            .ok_or_else(|| AppError::invalid("demo", "too few members".to_string()))
    };
    // Legal aid is for members in service: a member may have several cases.
    let worker = |i: usize| -> Result<MemberId, AppError> {
        if in_service.is_empty() {
            return Err(AppError::invalid(
                "demo",
                "no member in service".to_string(),
            ));
        }
        Ok(in_service[i % in_service.len()])
    };
    legal_aid_demo(store, clock, c, &worker).await?;
    recognition_demo(store, clock, c, unit, &m).await
}

async fn legal_aid_demo<S: Repo>(
    store: &S,
    clock: &SettableClock,
    c: &CaseCast,
    m: &impl Fn(usize) -> Result<MemberId, AppError>,
) -> Result<(), AppError> {
    on(clock, 2026, 1, 5)?;
    let chen = legal_aid::add_lawyer(
        store,
        clock,
        &c.district,
        None,
        "陈立明",
        "浙江西湖律师事务所",
        Some("0571-87000001"),
    )
    .await?;
    let zhou = legal_aid::add_lawyer(
        store,
        clock,
        &c.district,
        None,
        "周婉清",
        "杭州之江律师事务所",
        None,
    )
    .await?;
    let open = |i: usize, kind: DisputeKind, summary: &'static str| {
        let member = m(i);
        async move {
            legal_aid::open(
                store,
                clock,
                &c.officer,
                &OpenInput {
                    member: Some(member?),
                    kind,
                    summary: summary.into(),
                },
            )
            .await
        }
    };
    // Closed: mediated, 12,000元 recovered.
    on(clock, 2026, 3, 2)?;
    let a = open(0, DisputeKind::Wages, "公司拖欠三个月工资共计12,000元").await?;
    legal_aid::check(store, clock, &c.district, a.id).await?;
    on(clock, 2026, 3, 4)?;
    legal_aid::approve(store, clock, &c.district, a.id, "符合援助条件").await?;
    let d = on(clock, 2026, 3, 5)?;
    legal_aid::assign(store, clock, &c.district, a.id, chen.id, "").await?;
    legal_aid::record(
        store,
        clock,
        &c.district,
        a.id,
        d,
        ActivityKind::Advice,
        "约见职工，梳理证据",
    )
    .await?;
    let d = on(clock, 2026, 3, 20)?;
    legal_aid::record(
        store,
        clock,
        &c.district,
        a.id,
        d,
        ActivityKind::Mediation,
        "劳动争议调解委员会主持调解",
    )
    .await?;
    on(clock, 2026, 3, 25)?;
    legal_aid::close(
        store,
        clock,
        &c.district,
        a.id,
        Outcome::Mediated,
        1_200_000,
        "调解达成协议，工资已付清",
    )
    .await?;
    // Closed: won at arbitration.
    on(clock, 2026, 4, 1)?;
    let b = open(1, DisputeKind::Dismissal, "被违法解除劳动合同，要求赔偿金").await?;
    legal_aid::check(store, clock, &c.district, b.id).await?;
    legal_aid::approve(store, clock, &c.district, b.id, "").await?;
    let d = on(clock, 2026, 4, 3)?;
    legal_aid::assign(store, clock, &c.district, b.id, zhou.id, "").await?;
    legal_aid::record(
        store,
        clock,
        &c.district,
        b.id,
        d,
        ActivityKind::Arbitration,
        "申请劳动仲裁",
    )
    .await?;
    on(clock, 2026, 6, 15)?;
    legal_aid::close(
        store,
        clock,
        &c.district,
        b.id,
        Outcome::Won,
        4_560_000,
        "仲裁支持赔偿金45,600元",
    )
    .await?;
    // Handling, past 90 days: overdue.
    on(clock, 2026, 5, 11)?;
    let h = open(
        2,
        DisputeKind::WorkInjury,
        "工伤认定后单位拒不支付一次性伤残补助金",
    )
    .await?;
    legal_aid::check(store, clock, &c.district, h.id).await?;
    legal_aid::approve(store, clock, &c.district, h.id, "").await?;
    let d = on(clock, 2026, 5, 13)?;
    legal_aid::assign(store, clock, &c.district, h.id, chen.id, "").await?;
    legal_aid::record(
        store,
        clock,
        &c.district,
        h.id,
        d,
        ActivityKind::Litigation,
        "向区人民法院起诉",
    )
    .await?;
    // Assigned.
    on(clock, 2026, 11, 16)?;
    let s = open(3, DisputeKind::SocialInsurance, "单位未足额缴纳社会保险").await?;
    legal_aid::check(store, clock, &c.district, s.id).await?;
    legal_aid::approve(store, clock, &c.district, s.id, "").await?;
    legal_aid::assign(store, clock, &c.district, s.id, zhou.id, "").await?;
    // Eligible, its approval past due: overdue.
    on(clock, 2026, 11, 2)?;
    let e = open(4, DisputeKind::LabourContract, "单位拒绝签订书面劳动合同").await?;
    legal_aid::check(store, clock, &c.district, e.id).await?;
    // Refused: a kind the programme does not cover.
    on(clock, 2026, 11, 20)?;
    let r = open(5, DisputeKind::Other, "邻里房屋纠纷").await?;
    legal_aid::check(store, clock, &c.district, r.id).await?;
    // At intake.
    on(clock, 2026, 12, 1)?;
    open(6, DisputeKind::Wages, "加班费未支付").await?;
    Ok(())
}

fn facts(field_years: u32) -> Facts {
    Facts {
        field_years,
        city_years: 6,
        civil_servant: false,
        leading_cadre: false,
    }
}

async fn recognition_demo<S: Repo>(
    store: &S,
    clock: &SettableClock,
    c: &CaseCast,
    unit: &OrgCode,
    m: &impl Fn(usize) -> Result<MemberId, AppError>,
) -> Result<(), AppError> {
    // Experts of three units other than the nominees' unit and the nominating district.
    let others: Vec<OrgCode> = store
        .orgs_under(None)
        .await?
        .into_iter()
        .map(|o| o.code)
        .filter(|o| o != unit && o.as_str() != c.district.org.as_str())
        .take(3)
        .collect();
    on(clock, 2025, 3, 3)?;
    let mut experts = Vec::new();
    for (i, (name, title)) in [
        ("钱振华", "教授级高级工程师"),
        ("孙雅琴", "教授"),
        ("吴国栋", "高级技师"),
    ]
    .into_iter()
    .enumerate()
    {
        let org = others
            .get(i)
            .ok_or_else(|| AppError::invalid("demo", "too few orgs".to_string()))?;
        experts.push(recognition::add_expert(store, clock, &c.city, org, name, title).await?);
    }
    let nominate = |call: i64, i: usize, field: &'static str, years: u32| {
        let member = m(i);
        async move {
            recognition::nominate(
                store,
                clock,
                &c.district,
                &NominationInput {
                    call,
                    member: member?,
                    field: field.into(),
                    achievements: "主持企业数字化改造，获省级技能大赛一等奖".into(),
                    facts: facts(years),
                },
            )
            .await
        }
    };
    let review = |ids: Vec<(i64, [i64; 3])>| {
        let experts = &experts;
        async move {
            for (id, scores) in ids {
                recognition::confirm(store, clock, &c.city, id).await?;
                for (e, s) in experts.iter().zip(scores) {
                    recognition::score(store, clock, &c.city, id, e.id, s, "").await?;
                }
            }
            Ok::<(), AppError>(())
        }
    };
    // 2025: every stage; the objection to the second nominee is upheld.
    let call = recognition::open_call(
        store,
        clock,
        &c.city,
        &CallInput {
            year: 2025,
            name: "杭州数字工匠".into(),
            quota: 3,
            opens_on: NaiveDate::from_ymd_opt(2025, 3, 3).unwrap_or_default(),
            closes_on: NaiveDate::from_ymd_opt(2025, 3, 31).unwrap_or_default(),
            rules: None,
        },
    )
    .await?;
    on(clock, 2025, 3, 10)?;
    let a = nominate(call.id, 7, "工业互联网", 9).await?;
    let b = nominate(call.id, 8, "智能制造", 7).await?;
    let w = nominate(call.id, 9, "数据标注", 6).await?;
    nominate(call.id, 10, "电子商务", 3).await?; // refused: 3 years in the field
    on(clock, 2025, 4, 7)?;
    review(vec![
        (a.id, [92, 90, 95]),
        (b.id, [88, 86, 90]),
        (w.id, [75, 80, 78]),
    ])
    .await?;
    on(clock, 2025, 4, 21)?;
    recognition::approve_ranking(store, clock, &c.city, call.id, 2).await?;
    on(clock, 2025, 4, 22)?;
    recognition::start_notice(store, clock, &c.city, call.id).await?;
    let (nb, _) = recognition::nomination(store, &c.city, b.id).await?;
    let notice = nb
        .notice
        .ok_or_else(|| AppError::Conflict("demo: no notice".into()))?;
    let received = on(clock, 2025, 4, 24)?;
    let o = recognition::record_objection(
        store,
        clock,
        &c.city,
        notice.id,
        received,
        None,
        "反映其获奖作品系团队成果，个人贡献不实",
    )
    .await?;
    on(clock, 2025, 4, 29)?;
    recognition::settle_objection(
        store,
        clock,
        &c.city,
        b.id,
        o.id,
        ObjectionOutcome::Upheld,
        "经核查属实，撤销其候选资格",
    )
    .await?;
    on(clock, 2025, 5, 12)?;
    recognition::award(store, clock, &c.city, call.id).await?;
    // 2026: in its notice, an objection not yet settled.
    on(clock, 2026, 11, 2)?;
    let call = recognition::open_call(
        store,
        clock,
        &c.city,
        &CallInput {
            year: 2026,
            name: "杭州数字工匠".into(),
            quota: 3,
            opens_on: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap_or_default(),
            closes_on: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default(),
            rules: None,
        },
    )
    .await?;
    on(clock, 2026, 11, 9)?;
    let x = nominate(call.id, 11, "工业软件", 8).await?;
    let y = nominate(call.id, 12, "人工智能应用", 6).await?;
    on(clock, 2026, 11, 23)?;
    review(vec![(x.id, [91, 89, 93]), (y.id, [85, 87, 84])]).await?;
    recognition::approve_ranking(store, clock, &c.city, call.id, 2).await?;
    // The notice starts today when the calendar holds today (else a fixed day).
    let now = Clock::now(&crate::SystemClock);
    let today = Clock::today(&crate::SystemClock);
    if today >= NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
        && today <= NaiveDate::from_ymd_opt(2027, 12, 20).unwrap_or_default()
    {
        clock.set(now);
    } else {
        on(clock, 2026, 11, 24)?;
    }
    recognition::start_notice(store, clock, &c.city, call.id).await?;
    let (ny, _) = recognition::nomination(store, &c.city, y.id).await?;
    if let Some(n) = ny.notice {
        recognition::record_objection(
            store,
            clock,
            &c.city,
            n.id,
            clock.today(),
            None,
            "来电反映其在本市全职工作年限不足",
        )
        .await?;
    }
    Ok(())
}
