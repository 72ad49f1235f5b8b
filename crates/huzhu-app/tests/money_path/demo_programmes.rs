//! The demo's assistance programmes (issue 15): after the demo city, the programmes' demo holds
//! households in every archive state, reliefs in every grant state (one paid in a settled
//! batch), the campaign under way; the ledger balances, it loads once, and the programmes'
//! figures of its unit are the ones counted by hand from what the demo does.

use super::*;
use chrono::NaiveDate;
use huzhu_app::programme_stats::{self, Period};
use huzhu_app::{archive, grant};
use huzhu_domain::archive::HouseholdState;
use huzhu_domain::grant::GrantState;
use huzhu_store::grant::GrantFilter;
use std::collections::BTreeMap;

pub async fn the_programme_demo_holds_every_state_and_the_ledger_balances<S: Repo>(s: S) {
    let clock = TestClock::on(2026, 12, 5);
    huzhu_app::demo::load_demo(&s, &clock).await.unwrap();
    assert!(huzhu_app::demo_programmes::load_programme_demo(&s)
        .await
        .unwrap());
    assert!(
        !huzhu_app::demo_programmes::load_programme_demo(&s)
            .await
            .unwrap(),
        "loads once"
    );
    let city = city_staff();
    let households = archive::list(&s, &clock, &city, &archive::ListFilter::default())
        .await
        .unwrap();
    let mut states: BTreeMap<&str, usize> = BTreeMap::new();
    for h in &households {
        *states.entry(h.state.code()).or_default() += 1;
    }
    assert_eq!(
        states,
        BTreeMap::from([
            ("admitted", 3),
            ("applied", 1),
            ("exited", 1),
            ("in_notice", 1),
            ("lapsed", 1),
            ("refused", 1),
            ("reviewed", 1),
            ("visited", 1),
        ])
    );
    let noticed = households
        .iter()
        .find(|h| h.state == HouseholdState::InNotice)
        .unwrap();
    let shown = archive::get(&s, &clock, &city, noticed.id).await.unwrap();
    assert_eq!(shown.notice.unwrap().objections.len(), 1);
    let unit = OrgCode::parse(&noticed.org).unwrap();
    let reliefs = grant::list(
        &s,
        &city,
        &GrantFilter {
            programme: Some("one-off-relief".into()),
            limit: 100,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut grant_states: Vec<GrantState> = reliefs.iter().map(|g| g.state).collect();
    grant_states.sort_by_key(|g| g.code());
    assert_eq!(
        grant_states,
        [
            GrantState::Applied,
            GrantState::Approved,
            GrantState::Checked,
            GrantState::Paid,
            GrantState::Refused
        ]
    );
    let report = ledger::check_store(&s, &LedgerScope::Everything)
        .await
        .unwrap();
    assert!(report.ok, "{:?}", report.problems);
    // Counted by hand from demo_programmes.rs, as of 30 November 2026 for the year: in the
    // archive the deep (with a child: 2 people), relative and accident households admitted in
    // November 2025 and the lapsed deep one of January 2025 (lapsed stays counted); the deep one
    // that retired in June exited; reliefs approved 3,000 (paid) and 2,000 元.
    let period = Period {
        from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        to: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
    };
    let (_, f) = programme_stats::figures(&s, &city, Some(&unit), period)
        .await
        .unwrap();
    let m = |pairs: &[(&str, i64)]| -> BTreeMap<String, i64> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    };
    assert_eq!(
        f.archived_by_category,
        m(&[("accident", 1), ("deep", 2), ("relative", 1)])
    );
    assert_eq!(
        f.archived_by_level,
        m(&[("city_county", 2), ("national", 1), ("provincial", 1)])
    );
    assert_eq!((f.archived_people, f.exited_people), (5, 1));
    assert_eq!(f.exits_by_reason, m(&[("retired", 1)]));
    let relief = f.grants_by_programme["one-off-relief"];
    assert_eq!(
        (
            relief.approved,
            relief.approved_fen,
            relief.paid,
            relief.paid_fen
        ),
        (2, 500_000, 1, 300_000)
    );
    let cash = f.grants_by_programme["two-festivals-2026"];
    assert!(
        cash.paid_fen >= 500_000,
        "{cash:?}: the archived heads' cash was paid"
    );
    assert_eq!(
        f.archived_by_month["2026-05"],
        m(&[("accident", 1), ("deep", 3), ("relative", 1)])
    );
    assert_eq!(
        f.archived_by_month["2026-06"],
        m(&[("accident", 1), ("deep", 2), ("relative", 1)])
    );
    // Another district sees none of it.
    let other = actor("sc", Role::FederationStaff, "SC", OrgLevel::District, None);
    let (_, none) = programme_stats::figures(&s, &other, None, period)
        .await
        .unwrap();
    assert!(none.archived_by_category.is_empty() && none.grants_by_programme.is_empty());
}

pub async fn a_households_whole_support_lists_what_it_was_given_and_flags_double_support_and_gaps<
    S: Repo,
>(
    s: S,
) {
    use huzhu_app::support::{self, FlagKind, SupportKind, SupportSubject};
    let clock = TestClock::on(2026, 12, 5);
    huzhu_app::demo::load_demo(&s, &clock).await.unwrap();
    huzhu_app::demo_programmes::load_programme_demo(&s)
        .await
        .unwrap();
    let city = city_staff();
    let admitted = archive::list(
        &s,
        &clock,
        &city,
        &archive::ListFilter {
            state: Some(HouseholdState::Admitted),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let of = |category: &str| {
        admitted
            .iter()
            .find(|h| h.category.as_deref() == Some(category))
            .unwrap()
            .clone()
    };
    // The deep household: the campaign's 2,000元 and a gift pack in January, a 3,000元 relief
    // in March, both paid: a relief and a campaign's cash in one year is flagged.
    let deep = of("deep");
    let v = support::whole_support(&s, &clock, &city, SupportSubject::Household(deep.id))
        .await
        .unwrap();
    assert_eq!(v.household.as_ref().unwrap().id, deep.id);
    let given: Vec<(SupportKind, &str, i64, i64)> = v
        .lines
        .iter()
        .map(|l| {
            (
                l.line.kind,
                l.line.programme.as_str(),
                l.line.amount_fen,
                l.line.paid_fen,
            )
        })
        .collect();
    assert_eq!(
        given,
        [
            (SupportKind::GiftPack, "two-festivals-2026", 0, 0),
            (SupportKind::Grant, "two-festivals-2026", 200_000, 200_000),
            (SupportKind::Grant, "one-off-relief", 300_000, 300_000),
        ]
    );
    assert_eq!(v.years.len(), 1);
    let y = &v.years[0];
    assert_eq!(
        (
            y.year,
            y.grants,
            y.grants_fen,
            y.grants_paid_fen,
            y.gift_packs
        ),
        (2026, 2, 500_000, 500_000, 1)
    );
    let kinds: Vec<FlagKind> = v.flags.iter().map(|f| f.kind).collect();
    assert_eq!(kinds, [FlagKind::DoubleSupport]);
    assert!(v.flags[0].zh.contains("临时救助"), "{}", v.flags[0].zh);
    // The member's page reads the household they head.
    let by_member = support::whole_support(
        &s,
        &clock,
        &city,
        SupportSubject::Member(deep.head_member_id),
    )
    .await
    .unwrap();
    assert_eq!(by_member.household.map(|h| h.id), Some(deep.id));
    // The accident household: a relief checked, nothing given this year — a gap.
    let accident = of("accident");
    let v = support::whole_support(&s, &clock, &city, SupportSubject::Household(accident.id))
        .await
        .unwrap();
    assert_eq!(v.lines.len(), 1);
    assert_eq!(v.lines[0].line.state, "checked");
    let kinds: Vec<FlagKind> = v.flags.iter().map(|f| f.kind).collect();
    assert_eq!(kinds, [FlagKind::Gap]);
    // Outside the subtree: not found, for the household and for its head.
    let other = actor("sc", Role::FederationStaff, "SC", OrgLevel::District, None);
    for subject in [
        SupportSubject::Household(deep.id),
        SupportSubject::Member(deep.head_member_id),
    ] {
        assert!(matches!(
            support::whole_support(&s, &clock, &other, subject).await,
            Err(AppError::NotFound { .. })
        ));
    }
}
