//! The demo's registers (issue 17): recuperation bases in every state — admitted, admitted in a
//! partner region, lapsed (admitted in 2024 and never renewed), removed at review — a batch
//! filled to its places with its spend, another with room; the procurement catalogue, purchases
//! of two units of 西湖区 (one below the 20% floor: 480 boxes of apples from 泸定 among other
//! gifts) and the campaign's gift packs valued at a purchase. The same use cases as the
//! console, with a clock set to each step's moment (dates fixed in 2024–2026 `[choice]`); loads
//! once.

use crate::demo_money::actor;
use crate::{procurement, recuperation, AppError, Clock, SettableClock};
use chrono::{NaiveDate, TimeZone, Utc};
use huzhu_domain::access::Role;
use huzhu_domain::member::EmploymentStatus;
use huzhu_domain::org::{OrgCode, OrgLevel};
use huzhu_domain::recuperation::BaseStep;
use huzhu_store::recuperation::Spend;
use huzhu_store::{Page, Repo, StoredMember};

const SETTING: &str = "demo.registers";
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

/// Two grassroots unions of the district with enough members in service.
async fn units<S: Repo>(store: &S) -> Result<Vec<(OrgCode, Vec<StoredMember>)>, AppError> {
    let district = OrgCode::parse(DISTRICT).map_err(|e| AppError::invalid("org", e.to_string()))?;
    let mut out = Vec::new();
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
                    limit: 100,
                },
            )
            .await?
            .into_iter()
            .filter(|m| m.record.status == EmploymentStatus::InService)
            .collect();
        if members.len() >= 8 {
            out.push((unit.code, members));
        }
        if out.len() == 2 {
            return Ok(out);
        }
    }
    Err(AppError::Conflict(
        "演示数据中找不到可用的基层工会 (no unit of the demo is free for the registers)".into(),
    ))
}

/// Loads the registers' demo unless it is there. Returns whether it loaded anything.
pub async fn load_registers_demo<S: Repo>(store: &S) -> Result<bool, AppError> {
    if store.setting(SETTING).await?.is_some() {
        return Ok(false);
    }
    let clock = SettableClock::new(Clock::now(&crate::SystemClock));
    let units = units(store).await?;
    let city = actor("city.staff", Role::FederationStaff, "HZ", OrgLevel::City)?;
    let base =
        |name: &str, region: &str, partner: bool, bp: u32, on: NaiveDate| recuperation::AdmitBase {
            name: name.into(),
            region: region.into(),
            partner_region: partner,
            discount_bp: bp,
            admitted_on: Some(on),
        };
    // A base admitted in 2024 and never renewed: lapsed since June 2026.
    let d = on(&clock, 2024, 6, 1)?;
    recuperation::admit_base(
        store,
        &clock,
        &city,
        base("莫干山职工疗休养基地", "德清", false, 2_200, d),
    )
    .await?;
    let d = on(&clock, 2025, 1, 5)?;
    let removed = recuperation::admit_base(
        store,
        &clock,
        &city,
        base("西湖湖滨疗休养点", "西湖", false, 2_000, d),
    )
    .await?;
    let d = on(&clock, 2025, 3, 1)?;
    let lake = recuperation::admit_base(
        store,
        &clock,
        &city,
        base("千岛湖职工疗休养基地", "淳安", false, 2_500, d),
    )
    .await?;
    let d = on(&clock, 2026, 1, 10)?;
    let partner = recuperation::admit_base(
        store,
        &clock,
        &city,
        base("泸定对口协作疗休养基地", "四川泸定", true, 3_000, d),
    )
    .await?;
    on(&clock, 2026, 1, 12)?;
    recuperation::review_base(
        store,
        &clock,
        &city,
        removed.id,
        BaseStep::Remove,
        "游客投诉，复审不合格 (complaints; failed the review)",
    )
    .await?;
    // A batch filled to its five places, with its spend; another with room.
    let batch = |base: i64, name: &str, start: NaiveDate, days: u64, capacity: i64| {
        recuperation::NewBatchInput {
            base_id: base,
            name: name.into(),
            start_on: start,
            end_on: start + chrono::Days::new(days),
            capacity,
            quotas: Vec::new(),
        }
    };
    on(&clock, 2026, 4, 1)?;
    let full = recuperation::create_batch(
        store,
        &clock,
        &city,
        batch(lake.id, "2026年劳模疗休养第一批", day(2026, 5, 10)?, 4, 5),
    )
    .await?;
    let room = recuperation::create_batch(
        store,
        &clock,
        &city,
        batch(partner.id, "2026年对口协作疗休养", day(2026, 6, 15)?, 5, 20),
    )
    .await?;
    on(&clock, 2026, 4, 20)?;
    let (first_unit, first_members) = &units[0];
    let officer = actor(
        "officer",
        Role::UnitOfficer,
        first_unit.as_str(),
        OrgLevel::Grassroots,
    )?;
    for m in first_members.iter().take(5) {
        recuperation::sign_up(store, &clock, &officer, full.id, m.id.0).await?;
    }
    for m in first_members.iter().skip(5).take(3) {
        recuperation::sign_up(store, &clock, &officer, room.id, m.id.0).await?;
    }
    on(&clock, 2026, 5, 20)?;
    recuperation::record_spend(
        store,
        &clock,
        &city,
        full.id,
        Spend {
            lodging_fen: 1_200_000,
            transport_fen: 250_000,
            purchases_fen: 80_000,
        },
    )
    .await?;
    // Procurement: the catalogue, purchases of two units (the first below the floor).
    on(&clock, 2026, 1, 5)?;
    procurement::add_catalogue_entry(store, &clock, &city, "四川泸定", "泸定县果业合作社", "苹果")
        .await?;
    procurement::add_catalogue_entry(store, &clock, &city, "贵州黔东南", "黔东南茶业公司", "茶叶")
        .await?;
    procurement::set_floor(store, &clock, &city, None, 2026, 2_000).await?;
    let jan15 = on(&clock, 2026, 1, 15)?;
    let purchase = |org: &OrgCode, supplier: &str, product: &str, q: i64, yuan: i64| {
        procurement::PurchaseInput {
            org: Some(org.to_string()),
            supplier: supplier.into(),
            product: product.into(),
            quantity: q,
            amount_fen: yuan * 100,
            purchased_on: jan15,
        }
    };
    let apples = procurement::record_purchase(
        store,
        &clock,
        &city,
        purchase(first_unit, "泸定县果业合作社", "苹果", 480, 48_000),
    )
    .await?;
    procurement::record_purchase(
        store,
        &clock,
        &city,
        purchase(first_unit, "本地商贸公司", "年货礼盒", 840, 252_000),
    )
    .await?;
    if let Some((second, _)) = units.get(1) {
        procurement::record_purchase(
            store,
            &clock,
            &city,
            purchase(second, "黔东南茶业公司", "茶叶", 300, 36_000),
        )
        .await?;
        procurement::record_purchase(
            store,
            &clock,
            &city,
            purchase(second, "本地商贸公司", "年货礼盒", 200, 60_000),
        )
        .await?;
    }
    // The campaign's gift packs counted at the apples' unit price (100元 a box).
    if let Some(c) = crate::campaign::list(store, &city).await?.first() {
        procurement::link_gift_purchase(store, &clock, &city, c.id, apples.id).await?;
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
