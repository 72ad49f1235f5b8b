//! The demo's cloud pairing 云结对 and 81890 directory (issue 16), a child of the programmes'
//! demo (it uses its cast and steps): three households admitted in November 2026 with a student
//! each, their golden-autumn applications, the students published — one listed, one pledged with
//! a payment and a progress report, one held (claimed at start-up, so the hold runs for half an
//! hour after `serve --demo` starts) — and two volunteer teams, three services and requests in
//! every state.

use super::{on, the_unit, to_notice, Cast, DEEP};
use crate::demo_money::actor;
use crate::pairing::{self, ClaimInput, PublishInput};
use crate::services::{self, OfferInput, StepInput};
use crate::{grant, AppError, Clock, SettableClock};
use huzhu_domain::access::{Actor, Role};
use huzhu_domain::archive::{FactsInput, Level, PersonInput};
use huzhu_domain::id_number::check_character;
use huzhu_domain::org::OrgCode;
use huzhu_domain::org::OrgLevel;
use huzhu_domain::services::RequestStep;
use huzhu_store::{MemberId, Repo};
use serde_json::json;

fn student_id(n: u32) -> String {
    let first17 = format!("3301062007090100{n}");
    let check = check_character(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

fn household(name: &str, id_number: String, level: &str) -> FactsInput {
    FactsInput {
        size: 2,
        annual_income_fen: DEEP.0 * 100,
        medical_self_paid_fen: 0,
        education_fen: 0,
        education_abroad_self_funded_fen: 0,
        disaster_loss_fen: 0,
        people: vec![PersonInput {
            id_number,
            name: name.into(),
            relation: "child".into(),
            school_level: Some(level.into()),
            dialysis: false,
        }],
    }
}

/// The demo students' full names: never on a public page (the API tests check). The fourth's
/// golden-autumn grant waits to be published (the console's publication form has one to take).
pub const STUDENTS: [&str; 4] = ["王小明", "陈思远", "欧阳娜娜", "李晓雯"];

/// Loads the pairing and 81890 demo (after the programmes' demo) unless it is there.
pub async fn load_pairing_demo<S: Repo>(store: &S) -> Result<bool, AppError> {
    const SETTING: &str = "demo.pairing";
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
            super::DISTRICT,
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
    pairing_demo(store, &clock, &cast, &head).await?;
    store
        .set_setting(SETTING, &Clock::now(&crate::SystemClock).to_rfc3339())
        .await?;
    Ok(true)
}

async fn pairing_demo<S: Repo>(
    store: &S,
    clock: &SettableClock,
    c: &Cast,
    head: &impl Fn(usize) -> Result<MemberId, AppError>,
) -> Result<(), AppError> {
    let d = on(clock, 2026, 11, 16)?;
    let mut households = Vec::new();
    for (i, (n, level)) in [
        (13, "undergraduate"),
        (14, "senior_secondary"),
        (15, "junior_college"),
        (16, "senior_secondary"),
    ]
    .into_iter()
    .enumerate()
    {
        let name = STUDENTS.get(i).copied().unwrap_or("学生");
        let f = household(name, student_id(i as u32 + 1), level);
        let case = grant::household_case(&f);
        households.push((
            head(n)?,
            to_notice(store, clock, c, head(n)?, f, d).await?,
            case,
        ));
    }
    let d = on(clock, 2026, 11, 24)?;
    for (_, h, _) in &households {
        crate::archive::admit(store, clock, &c.city, *h, Level::CityCounty, d, "").await?;
    }
    on(clock, 2026, 11, 25)?;
    let mut published = Vec::new();
    for (i, (member, _, case)) in households.iter().enumerate() {
        let facts = json!({"documents": ["application_form", "admission_notice"], "household": case,
            "archive": {"category": "deep", "active": true, "since": "2026-11-24"}});
        let out = grant::apply(
            store,
            clock,
            &c.officer,
            grant::ApplyRequest {
                programme: pairing::PROGRAMME.into(),
                member: *member,
                facts: facts.as_object().cloned().unwrap_or_default(),
            },
        )
        .await?;
        let Some(a) = out.first() else { continue };
        if !a.grant().state.is_live() {
            return Err(AppError::Conflict(format!(
                "演示的金秋助学申请被拒 (the demo golden-autumn application was refused): {}",
                a.grant().reason.clone().unwrap_or_default()
            )));
        }
        // The fourth stays unpublished.
        let Some((grade, need_yuan)) = [(2, 6_000), (3, 3_000), (1, 5_000)].get(i).copied() else {
            continue;
        };
        let s = pairing::publish(
            store,
            clock,
            &c.city,
            &PublishInput {
                grant: a.grant().id,
                grade,
                need_fen: need_yuan * 100,
                school_level: None,
            },
        )
        .await?;
        published.push(s);
    }
    // 王同学: claimed, pledged, a payment and a progress report.
    on(clock, 2026, 11, 26)?;
    if let Some(s) = published.first() {
        let claimed = pairing::claim(
            store,
            clock,
            &s.listing.token,
            &ClaimInput {
                kind: "unit".into(),
                name: "杭州某旅行社有限公司".into(),
                phone: "13857100001".into(),
            },
        )
        .await?;
        pairing::confirm(store, clock, &claimed.sponsor_token, 600_000, 3).await?;
        on(clock, 2026, 11, 30)?;
        pairing::record_payment(
            store,
            clock,
            &c.city,
            s.id,
            300_000,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default(),
            "银行转账 2026-11-30",
        )
        .await?;
        on(clock, 2026, 12, 1)?;
        pairing::write_report(
            store,
            clock,
            &c.city,
            s.id,
            "期中考试成绩优良，担任班级学习委员；感谢资助人的关心。",
        )
        .await?;
    }
    services_demo(store, clock, c, head).await?;
    // 欧阳同学: held now, for half an hour after start-up.
    clock.set(Clock::now(&crate::SystemClock));
    if let Some(s) = published.get(2) {
        pairing::claim(
            store,
            clock,
            &s.listing.token,
            &ClaimInput {
                kind: "person".into(),
                name: "周女士".into(),
                phone: "13905710002".into(),
            },
        )
        .await?;
    }
    Ok(())
}

async fn services_demo<S: Repo>(
    store: &S,
    clock: &SettableClock,
    c: &Cast,
    head: &impl Fn(usize) -> Result<MemberId, AppError>,
) -> Result<(), AppError> {
    on(clock, 2026, 11, 2)?;
    let repair = services::create_team(
        store,
        clock,
        &c.district,
        None,
        "西湖区职工志愿服务队",
        "0571-81890 转 1",
    )
    .await?;
    let legal = services::create_team(
        store,
        clock,
        &c.district,
        None,
        "西湖区工会法律服务队",
        "0571-81890 转 2",
    )
    .await?;
    let mut offers = Vec::new();
    for (team, kind, area, hours) in [
        (repair.id, "家电维修", "西湖区", "周一至周六 9:00–17:00"),
        (repair.id, "助老陪护", "西湖区北山街道", "每天 8:00–20:00"),
        (legal.id, "法律咨询", "西湖区全域", "工作日 9:00–17:00"),
    ] {
        offers.push(
            services::add_offer(
                store,
                clock,
                &c.district,
                &OfferInput {
                    team,
                    kind: kind.into(),
                    area: area.into(),
                    hours: hours.into(),
                    contact: "0571-81890".into(),
                },
            )
            .await?,
        );
    }
    let offer = |i: usize| offers.get(i).map(|o| o.id).unwrap_or_default();
    // Requests by the unit officer for members: one in each state; two completed and scored.
    on(clock, 2026, 11, 5)?;
    let mut ids = Vec::new();
    for (n, o, note) in [
        (13, 0, "冰箱不制冷"),
        (14, 1, "老人术后需陪护三天"),
        (15, 2, "劳动合同纠纷咨询"),
        (13, 2, "工伤认定咨询"),
        (14, 0, "洗衣机漏水"),
    ] {
        let r = services::request(store, clock, &c.officer, Some(head(n)?), offer(o), note).await?;
        ids.push((r.id, head(n)?, if o == 2 { legal.id } else { repair.id }));
    }
    on(clock, 2026, 11, 6)?;
    for (id, _, team) in ids.iter().skip(1) {
        services::step(
            store,
            clock,
            &c.district,
            *id,
            RequestStep::Accept,
            &StepInput {
                team: Some(*team),
                ..Default::default()
            },
        )
        .await?;
    }
    on(clock, 2026, 11, 9)?;
    for (id, member, _) in ids.iter().skip(2).take(2) {
        services::step(
            store,
            clock,
            &c.district,
            *id,
            RequestStep::Complete,
            &StepInput::default(),
        )
        .await?;
        let me = Actor {
            user_id: 0,
            username: format!("member.{}", member.0),
            display_name: "会员".into(),
            role: Role::Member,
            org: c.officer.org.clone(),
            org_level: OrgLevel::Grassroots,
            member_id: Some(member.0),
        };
        let score = if member.0 % 2 == 0 { 5 } else { 4 };
        services::step(
            store,
            clock,
            &me,
            *id,
            RequestStep::Score,
            &StepInput {
                score: Some(score),
                ..Default::default()
            },
        )
        .await?;
    }
    if let Some((id, _, _)) = ids.get(4) {
        services::step(
            store,
            clock,
            &c.district,
            *id,
            RequestStep::Cancel,
            &StepInput {
                reason: Some("会员已自行修好，撤回申请".into()),
                ..Default::default()
            },
        )
        .await?;
    }
    Ok(())
}
