//! The demo's employment help (SPEC 7.11, issue 16): the city's online spring fair (held, three
//! employers, their posts), a district's on-site fair (held) and a planned one, members of a
//! grassroots union registered and placed, a 阳光就业 graduate of an admitted archive household
//! registered and placed, one seeker withdrawn and one waiting; an electrician course finished
//! with attendance and certificates (one trainee below 80% without one) and a course still
//! open. The same use cases as the console, with a clock set to each step's moment (dates fixed
//! in 2026 `[choice]`); loads once.

use crate::demo_money::actor;
use crate::employment::{self, CourseInput, FairInput, PostInput, SeekerInput};
use crate::{AppError, Clock, SettableClock};
use chrono::{NaiveDate, TimeZone, Utc};
use huzhu_domain::access::Role;
use huzhu_domain::archive::HouseholdState;
use huzhu_domain::employment::{FairMode, FairStep};
use huzhu_domain::member::EmploymentStatus;
use huzhu_domain::org::{OrgCode, OrgLevel};
use huzhu_store::archive::HouseholdFilter;
use huzhu_store::{OrgScope, Page, Repo, StoredMember};

const SETTING: &str = "demo.employment";
const DISTRICT: &str = "XH";

fn on(clock: &SettableClock, y: i32, m: u32, d: u32) -> Result<NaiveDate, AppError> {
    let at = Utc
        .with_ymd_and_hms(y, m, d, 2, 0, 0)
        .single()
        .ok_or_else(|| AppError::invalid("demo", "no such moment".to_string()))?;
    clock.set(at);
    NaiveDate::from_ymd_opt(y, m, d)
        .ok_or_else(|| AppError::invalid("demo", "no such date".to_string()))
}

/// The last grassroots union of the district with six members in service (the registers' demo
/// takes the first two).
async fn unit<S: Repo>(store: &S) -> Result<(OrgCode, Vec<StoredMember>), AppError> {
    let district = OrgCode::parse(DISTRICT).map_err(|e| AppError::invalid("org", e.to_string()))?;
    let mut found = None;
    for unit in store
        .orgs_under(Some(&district))
        .await?
        .into_iter()
        .filter(|o| o.level == OrgLevel::Grassroots)
    {
        let members: Vec<StoredMember> = store
            .members_under(
                &unit.code,
                Page {
                    after: None,
                    limit: 50,
                },
            )
            .await?
            .into_iter()
            .filter(|m| m.record.status == EmploymentStatus::InService)
            .collect();
        if members.len() >= 6 {
            found = Some((unit.code, members));
        }
    }
    found.ok_or_else(|| {
        AppError::Conflict(
            "演示数据中找不到可用的基层工会 (no unit of the demo is free for employment help)"
                .into(),
        )
    })
}

/// Loads the employment demo unless it is there. Returns whether it loaded anything.
pub async fn load_employment_demo<S: Repo>(store: &S) -> Result<bool, AppError> {
    if store.setting(SETTING).await?.is_some() {
        return Ok(false);
    }
    let clock = SettableClock::new(Clock::now(&crate::SystemClock));
    let (unit, members) = unit(store).await?;
    let city = actor("city.staff", Role::FederationStaff, "HZ", OrgLevel::City)?;
    let district = actor(
        "district.xh",
        Role::FederationStaff,
        DISTRICT,
        OrgLevel::District,
    )?;
    let officer = actor(
        "officer",
        Role::UnitOfficer,
        unit.as_str(),
        OrgLevel::Grassroots,
    )?;
    let fair = |name: &str, mode, held_on, venue: &str| FairInput {
        name: name.into(),
        mode,
        held_on,
        venue: venue.into(),
    };
    let post = |employer: &str, title: &str, openings| PostInput {
        employer: employer.into(),
        title: title.into(),
        openings,
    };
    // The city's online spring fair, held on 20 February.
    on(&clock, 2026, 2, 1)?;
    let spring = employment::create_fair(
        store,
        &clock,
        &city,
        fair(
            "2026年春风行动网上招聘会",
            FairMode::Online,
            day(2026, 2, 20)?,
            "https://jobs.hzgh.example/spring-2026",
        ),
    )
    .await?;
    let mut posts = Vec::new();
    for (employer, title, n) in [
        ("杭州某物流有限公司", "仓储管理员", 10),
        ("杭州某物流有限公司", "快递分拣员", 30),
        ("西湖某电子科技有限公司", "电子装配工", 20),
        ("某连锁超市杭州分公司", "收银员", 8),
    ] {
        posts.push(
            employment::add_post(store, &clock, &city, spring.id, post(employer, title, n)).await?,
        );
    }
    on(&clock, 2026, 2, 20)?;
    employment::step_fair(store, &clock, &city, spring.id, FairStep::Hold, "").await?;
    // The district's on-site fair in March, held; another planned for the autumn.
    on(&clock, 2026, 3, 1)?;
    let site = employment::create_fair(
        store,
        &clock,
        &district,
        fair(
            "西湖区就业援助月现场招聘会",
            FairMode::OnSite,
            day(2026, 3, 15)?,
            "西湖区职工服务中心",
        ),
    )
    .await?;
    let site_post = employment::add_post(
        store,
        &clock,
        &district,
        site.id,
        post("西湖某物业服务公司", "物业维修电工", 5),
    )
    .await?;
    on(&clock, 2026, 3, 15)?;
    employment::step_fair(store, &clock, &district, site.id, FairStep::Hold, "").await?;
    employment::create_fair(
        store,
        &clock,
        &district,
        fair(
            "西湖区秋季现场招聘会",
            FairMode::OnSite,
            day(2026, 12, 20)?,
            "西湖区文化中心",
        ),
    )
    .await?;
    // Members of the unit registered in February; four placed, one withdrawn, one waiting.
    on(&clock, 2026, 2, 10)?;
    let mut seekers = Vec::new();
    for (m, wanted) in members.iter().take(6).zip([
        "仓储、物流",
        "电子装配",
        "收银、营业员",
        "物业维修（持电工证）",
        "快递分拣",
        "不限",
    ]) {
        seekers.push(
            employment::register(store, &clock, &officer, SeekerInput::Member(m.id.0), wanted)
                .await?,
        );
    }
    on(&clock, 2026, 2, 25)?;
    let place = |i: usize, p: usize| (seekers.get(i).map(|s| s.id), posts.get(p).map(|p| p.id));
    for (s, p) in [place(0, 0), place(1, 2), place(2, 3), place(4, 1)] {
        if let (Some(s), Some(p)) = (s, p) {
            employment::place(store, &clock, &officer, s, p, None).await?;
        }
    }
    on(&clock, 2026, 3, 20)?;
    if let Some(s) = seekers.get(3) {
        employment::place(store, &clock, &officer, s.id, site_post.id, None).await?;
    }
    if let Some(s) = seekers.get(5) {
        employment::withdraw(
            store,
            &clock,
            &officer,
            s.id,
            "已自行找到工作 (found work alone)",
        )
        .await?;
    }
    // 阳光就业: a graduate of an admitted household of the district, registered and placed.
    let admitted = store
        .households(
            &OrgScope::Under(district.org.clone()),
            &HouseholdFilter {
                state: Some(HouseholdState::Admitted),
                category: None,
                level: None,
                before: None,
                limit: 1,
            },
        )
        .await?;
    let graduate = if let Some(h) = admitted.first() {
        on(&clock, 2026, 6, 28)?;
        let g = employment::register(
            store,
            &clock,
            &district,
            SeekerInput::Graduate {
                household: h.id,
                name: format!("{}小明", h.head_name.chars().next().unwrap_or('张')),
            },
            "会计、文员（2026届本科毕业）",
        )
        .await?;
        Some(g)
    } else {
        None
    };
    // The electrician course: five trainees, finished in May, four certified.
    on(&clock, 2026, 4, 1)?;
    let course = employment::create_course(
        store,
        &clock,
        &district,
        CourseInput {
            name: "2026年职工电工技能培训班".into(),
            trade: "低压电工".into(),
            start_on: day(2026, 4, 10)?,
            end_on: day(2026, 5, 20)?,
            sessions: 20,
        },
    )
    .await?;
    let mut trainees = Vec::new();
    for s in seekers.iter().take(5) {
        trainees.push(employment::enrol(store, &clock, &district, course.id, s.id).await?);
    }
    on(&clock, 2026, 5, 20)?;
    for (t, attended) in trainees.iter().zip([20, 18, 16, 20, 12]) {
        employment::attend(store, &clock, &district, t.id, attended).await?;
    }
    employment::finish(store, &clock, &district, course.id).await?;
    on(&clock, 2026, 5, 22)?;
    for t in trainees.iter().take(4) {
        employment::certify(store, &clock, &district, t.id).await?;
    }
    // A course still open, with the graduate enrolled.
    on(&clock, 2026, 7, 1)?;
    let open = employment::create_course(
        store,
        &clock,
        &district,
        CourseInput {
            name: "阳光就业办公技能培训班".into(),
            trade: "办公软件".into(),
            start_on: day(2026, 7, 6)?,
            end_on: day(2026, 8, 14)?,
            sessions: 12,
        },
    )
    .await?;
    if let Some(g) = &graduate {
        employment::enrol(store, &clock, &district, open.id, g.id).await?;
        on(&clock, 2026, 7, 10)?;
        employment::place(store, &clock, &district, g.id, site_post.id, None).await?;
    }
    store
        .set_setting(SETTING, &Clock::now(&crate::SystemClock).to_rfc3339())
        .await?;
    Ok(true)
}

fn day(y: i32, m: u32, d: u32) -> Result<NaiveDate, AppError> {
    NaiveDate::from_ymd_opt(y, m, d)
        .ok_or_else(|| AppError::invalid("demo", "no such date".to_string()))
}
