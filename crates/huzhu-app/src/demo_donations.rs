//! The demo's 春风行动 donations (donation module, issue 16), loaded with the programmes' demo:
//! a member of the programmes' unit who gave many times since 2017 (linked to the member, so
//! 春风反哺 finds them), a travel agency's large gifts (one a bank transfer still awaiting its
//! money), an anonymous cash gift, a gift restricted to 金秋助学, and a receipt voided and
//! reissued; then a bank statement finance imported in November 2026: one line matched to a
//! transfer announced at the window (received, its receipt issued), a gift by a donor on file
//! and the bank's interest left to settle, a payment out not counted. Same use cases as the
//! window and the statement page, with the demo's federation staff and finance as the actors and
//! the clock set to each day.

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

/// Loads the donations. `staff` records at the window, `finance` imports the bank statement;
/// `giver` is the member who gives often.
pub async fn load<S: Repo>(
    store: &S,
    clock: &SettableClock,
    staff: &Actor,
    finance: &Actor,
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
    statement(store, clock, staff, finance).await
}

/// The bank's export of 5 November 2026 as its Excel sheet saved as CSV (the headers as 工商银行
/// writes them).
const STATEMENT: &str = "交易时间,收入金额,支出金额,对方户名,对方账号,摘要\n\
    2026-11-05 09:12:31,\"5,000.00\",,杭州西子电梯科技有限公司,6222 0212 0201 8888 999,春风捐赠1104 员工捐款\n\
    2026-11-05 11:40:02,300.00,,王丽华,6217 0000 1111 2222,春风行动捐款\n\
    2026-11-05 15:00:00,,56.00,中国电信杭州分公司,,话费\n\
    2026-11-05 23:59:59,0.86,,本行,,结息\n";

/// A transfer announced at the window on 4 November, then the statement of the 5th: the
/// transfer is matched by the reference in the memo; 王丽华's gift (a donor on file) and the
/// interest are left for finance to settle on `/statements`.
async fn statement<S: Repo>(
    store: &S,
    clock: &SettableClock,
    staff: &Actor,
    finance: &Actor,
) -> Result<(), AppError> {
    at(clock, 2026, 11, 4)?;
    donation::record(
        store,
        clock,
        staff,
        &DonationRequest {
            donor_kind: Some("organisation".into()),
            donor_name: Some("杭州西子电梯科技有限公司".into()),
            bank_account: Some("6222021202018888999".into()),
            consent: true,
            channel: "bank_transfer".into(),
            amount_fen: 500_000,
            reference: Some("春风捐赠1104".into()),
            ..Default::default()
        },
    )
    .await?;
    at(clock, 2026, 11, 6)?;
    let r = crate::statement::import(
        store,
        clock,
        finance,
        "工行对账单2026-11-05.csv",
        STATEMENT.as_bytes().to_vec(),
    )
    .await?;
    match r.imported {
        Some(i) if i.matched == 1 && i.unmatched == 2 => Ok(()),
        other => Err(AppError::invalid(
            "demo",
            format!(
                "演示对账单应匹配1行、待处理2行 (the demo statement should match 1 line and leave 2): {other:?} {:?}",
                r.errors
            ),
        )),
    }
}
