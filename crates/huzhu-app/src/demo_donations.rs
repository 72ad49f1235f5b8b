//! The demo's 春风行动 donations (donation module, issue 16), loaded with the programmes' demo:
//! a member of the programmes' unit who gave many times since 2017 (linked to the member, so
//! 春风反哺 finds them), a travel agency's large gifts (one a bank transfer still awaiting its
//! money), an anonymous cash gift, a gift restricted to 金秋助学, and a receipt voided and
//! reissued. Same use cases as the window, with the demo's federation staff as the actor and
//! the clock set to each gift's day.

use crate::donation::{self, DonationRequest};
use crate::{AppError, SettableClock};
use chrono::{TimeZone, Utc};
use huzhu_domain::access::Actor;
use huzhu_domain::org::OrgCode;
use huzhu_store::{Repo, StoredMember};

fn at(clock: &SettableClock, y: i32, m: u32, d: u32) -> Result<(), AppError> {
    let t = Utc
        .with_ymd_and_hms(y, m, d, 2, 0, 0)
        .single()
        .ok_or_else(|| AppError::invalid("demo", "no such moment".to_string()))?;
    clock.set(t);
    Ok(())
}

fn cash(amount_yuan: i64) -> DonationRequest {
    DonationRequest {
        channel: "cash".into(),
        amount_fen: amount_yuan * 100,
        ..Default::default()
    }
}

/// Loads the donations. `staff` records at the window; `giver` is the member who gives often.
pub async fn load<S: Repo>(
    store: &S,
    clock: &SettableClock,
    staff: &Actor,
    unit: &OrgCode,
    giver: &StoredMember,
) -> Result<(), AppError> {
    // A member who gives every year (SPEC 7.5's worker who gave 85 times): 12 gifts.
    at(clock, 2017, 3, 5)?;
    let first = donation::record(
        store,
        clock,
        staff,
        &DonationRequest {
            org: Some(unit.to_string()),
            donor_kind: Some("person".into()),
            member_id: Some(giver.id.0),
            consent: true,
            ..cash(100)
        },
    )
    .await?;
    for (y, m, yuan) in [
        (2018, 3, 100),
        (2019, 3, 100),
        (2020, 3, 120),
        (2021, 3, 100),
        (2022, 3, 150),
        (2023, 3, 100),
        (2024, 3, 100),
        (2025, 3, 200),
        (2025, 9, 100),
        (2026, 3, 100),
        (2026, 9, 100),
    ] {
        at(clock, y, m, 5)?;
        donation::record(
            store,
            clock,
            staff,
            &DonationRequest {
                org: Some(unit.to_string()),
                donor_id: Some(first.donor.id),
                ..cash(yuan)
            },
        )
        .await?;
    }
    // A travel agency: large gifts by bank transfer, one still awaiting its money.
    at(clock, 2024, 6, 1)?;
    let agency = donation::record(
        store,
        clock,
        staff,
        &DonationRequest {
            donor_kind: Some("organisation".into()),
            donor_name: Some("杭州春风国际旅行社有限公司".into()),
            bank_account: Some("6222021202012345678".into()),
            consent: true,
            channel: "bank_transfer".into(),
            amount_fen: 20_000_000,
            received: Some(true),
            ..Default::default()
        },
    )
    .await?;
    at(clock, 2025, 6, 1)?;
    donation::record(
        store,
        clock,
        staff,
        &DonationRequest {
            donor_id: Some(agency.donor.id),
            channel: "bank_transfer".into(),
            amount_fen: 18_000_000,
            received: Some(true),
            // 定向金秋助学: only student aid may use it.
            programme: Some("golden-autumn".into()),
            ..Default::default()
        },
    )
    .await?;
    at(clock, 2026, 11, 2)?;
    donation::record(
        store,
        clock,
        staff,
        &DonationRequest {
            donor_id: Some(agency.donor.id),
            channel: "bank_transfer".into(),
            amount_fen: 15_000_000,
            reference: Some("春风行动2026".into()),
            ..Default::default()
        },
    )
    .await?;
    // An anonymous cash gift, never listed.
    donation::record(
        store,
        clock,
        staff,
        &DonationRequest {
            donor_kind: Some("anonymous".into()),
            ..cash(500)
        },
    )
    .await?;
    // A receipt written to the wrong name is voided and reissued (both kept).
    let wrong = donation::record(
        store,
        clock,
        staff,
        &DonationRequest {
            donor_kind: Some("person".into()),
            donor_name: Some("王丽华".into()),
            phone: Some("13900001234".into()),
            consent: false,
            channel: "card".into(),
            amount_fen: 30_000,
            ..Default::default()
        },
    )
    .await?;
    if let Some(r) = wrong.receipt() {
        at(clock, 2026, 11, 3)?;
        donation::void(
            store,
            clock,
            staff,
            r.id,
            "收据金额大写书写有误，作废重开 (the capitals were misprinted)",
        )
        .await?;
    }
    Ok(())
}
