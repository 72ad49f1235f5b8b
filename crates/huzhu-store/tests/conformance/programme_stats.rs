//! Issue 15: the programmes' statistics (SPEC 7.2–7.4, 8), inside the scope.

use super::*;
use huzhu_domain::archive::{ExitReason, HouseholdFacts, Level, Person, Relation, SchoolLevel};
use huzhu_domain::grant::{self as dg, FundKind, GrantState};
use huzhu_domain::money::Money;
use huzhu_domain::notice::NoticeWindow;
use huzhu_store::archive::{ArchiveChange, Computed, NewHousehold};
use huzhu_store::grant::{Applied, GrantChange, GrantStore, NewDeposit, NewGrant};
use huzhu_store::stats::programmes::{Period, ProgrammeStatsStore};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn facts(n: u32, name: &str, other: u32) -> HouseholdFacts {
    let person = |n: u32, name: &str, relation| Person {
        id_number: id(n).as_str().to_string(),
        name: name.into(),
        relation,
        school_level: SchoolLevel::None,
        dialysis: false,
    };
    HouseholdFacts {
        size: 2,
        annual_income_fen: 2_000_000,
        medical_self_paid_fen: 0,
        education_fen: 0,
        education_abroad_self_funded_fen: 0,
        disaster_loss_fen: 0,
        people: vec![
            person(n, name, Relation::Head),
            person(other, "家属", Relation::Spouse),
        ],
    }
}

/// Opens and admits a `deep` household of `head` on 2026-03-16.
async fn admitted<S: ArchiveStore>(s: &S, head: MemberId, f: &HouseholdFacts) -> i64 {
    let e = OrgScope::Everything;
    let h = s
        .open_household(
            &e,
            &NewHousehold {
                head,
                facts: f,
                computed: Computed {
                    category: Some("deep"),
                    per_head_monthly_income_fen: 83_333,
                    assessment: "{}",
                    programme_id: "hardship-archive",
                    programme_version: "2026.1",
                },
                by: "officer",
                on: d("2026-03-02"),
            },
            at(2),
        )
        .await
        .unwrap();
    let steps = [
        (
            ArchiveChange::Visit {
                on: d("2026-03-03"),
                note: "属实",
            },
            "street",
            "2026-03-04",
        ),
        (
            ArchiveChange::Review { note: "同意" },
            "district",
            "2026-03-05",
        ),
        (
            ArchiveChange::StartNotice {
                window: NoticeWindow {
                    starts_on: d("2026-03-09"),
                    ends_on: d("2026-03-13"),
                },
                working_days: 5,
            },
            "district",
            "2026-03-09",
        ),
        (
            ArchiveChange::Admit {
                level: Level::CityCounty,
                level_date: d("2026-03-16"),
                note: "",
            },
            "district",
            "2026-03-16",
        ),
    ];
    for (change, by, today) in steps {
        s.archive_step(&e, h.id, &change, by, d(today), at(3))
            .await
            .unwrap();
    }
    h.id
}

/// A dialysis grant of 4,500元 for `member`, approved.
async fn granted<S: GrantStore>(s: &S, member: MemberId, n: u32) {
    let subject = id(n).as_str().to_string();
    let key = format!("2026:{subject}");
    let applied = s
        .apply_grant(
            &NewGrant {
                programme_id: "dialysis-relief",
                programme_version: "2026.1",
                cycle: "2026",
                key: &key,
                subject_id_number: &subject,
                member,
                fund: FundKind::Hardship,
                amount: Money::from_yuan(4_500),
                state: GrantState::Applied,
                assessment: "{}",
                case_json: None,
                approval_level: OrgLevel::District,
                reason: None,
                by: "officer",
                at: at(3),
            },
            &OrgScope::Everything,
        )
        .await
        .unwrap();
    let Applied::Recorded(g) = applied else {
        panic!("not recorded: {applied:?}")
    };
    let change = |from, to, version, entry| GrantChange {
        grant: g.id,
        expected_version: version,
        from,
        to,
        action: "step",
        reason: None,
        entry,
        by: "district",
        at: at(4),
    };
    let checked = s
        .change_grant(
            &change(GrantState::Applied, GrantState::Checked, g.version, None),
            &OrgScope::Everything,
        )
        .await
        .unwrap();
    let entry = dg::grant_approved(g.fund, g.member.0, g.id.0, g.amount).unwrap();
    s.change_grant(
        &change(
            GrantState::Checked,
            GrantState::Approved,
            checked.version,
            Some(&entry),
        ),
        &OrgScope::Everything,
    )
    .await
    .unwrap();
}

async fn the_archive_exits_and_grants_are_counted_as_of_a_date_inside_the_scope_only<
    S: Store + ArchiveStore + GrantStore + ProgrammeStatsStore,
>(
    s: S,
) {
    tree(&s).await;
    let imp = start(&s, ImportKind::Members, "m.csv").await;
    s.import_member_batch(
        imp,
        &OrgScope::Everything,
        &[
            (2, member(1, "张三", "LA-JN-001")),
            (3, member(2, "李四", "LA-JN-002")),
            (4, member(3, "王五", "SC-XH-001")),
        ],
        at(1),
    )
    .await
    .unwrap();
    let m = |n: u32| {
        let s = s.clone();
        async move { s.member_by_id_number(id(n).as_str()).await.unwrap().id }
    };
    let (zhang, li, wang) = (m(1).await, m(2).await, m(3).await);
    admitted(&s, zhang, &facts(1, "张三", 11)).await;
    let li_household = admitted(&s, li, &facts(2, "李四", 12)).await;
    admitted(&s, wang, &facts(3, "王五", 13)).await;
    // 李四 retires on 10 June: in the archive before, among the exits after.
    s.archive_step(
        &OrgScope::Everything,
        li_household,
        &ArchiveChange::Exit {
            reason: ExitReason::Retired,
            note: "退休",
        },
        "district",
        d("2026-06-10"),
        at(5),
    )
    .await
    .unwrap();
    let entry = dg::fund_deposited(FundKind::Hardship, Money::from_yuan(100_000), "拨款").unwrap();
    s.deposit_fund(&NewDeposit {
        org: &code("HZ"),
        fund: FundKind::Hardship,
        amount: Money::from_yuan(100_000),
        reference: "拨款",
        entry: &entry,
        by: "finance",
        at: at(3),
    })
    .await
    .unwrap();
    granted(&s, zhang, 1).await;
    granted(&s, wang, 3).await;

    let year = Period {
        from: d("2026-01-01"),
        to: d("2026-12-31"),
    };
    let la = s
        .programme_stats(&OrgScope::Under(code("LA")), year)
        .await
        .unwrap();
    assert_eq!(la.archived_by_category.get("deep"), Some(&1), "{la:?}");
    assert_eq!(la.archived_by_level.get("city_county"), Some(&1));
    assert_eq!(la.archived_people, 2);
    assert_eq!(la.exits_by_reason.get("retired"), Some(&1));
    assert_eq!(la.exited_people, 2);
    assert_eq!(la.archived_by_month["2026-02"].get("deep"), None);
    assert_eq!(la.archived_by_month["2026-03"].get("deep"), Some(&2));
    assert_eq!(la.archived_by_month["2026-05"].get("deep"), Some(&2));
    assert_eq!(la.archived_by_month["2026-06"].get("deep"), Some(&1));
    assert_eq!(la.archived_by_month.len(), 12);
    // Only LA's grant: 王五's in SC is not counted.
    let dialysis = la.grants_by_programme["dialysis-relief"];
    assert_eq!((dialysis.approved, dialysis.approved_fen), (1, 450_000));
    assert_eq!((dialysis.paid, dialysis.paid_fen), (0, 0));
    assert_eq!(la.grants_by_org.len(), 1);
    assert!(la
        .grants_by_org
        .contains_key(&("LA-JN-001".to_string(), "LA-JN-001工会".to_string())));
    assert_eq!(la.grants_by_month["2026-11"].approved_fen, 450_000);

    // As of 1 June the exit has not happened yet.
    let june = s
        .programme_stats(
            &OrgScope::Under(code("LA")),
            Period {
                from: d("2026-01-01"),
                to: d("2026-06-01"),
            },
        )
        .await
        .unwrap();
    assert_eq!(june.archived_by_category.get("deep"), Some(&2));
    assert!(june.exits_by_reason.is_empty());
    // Before the admissions nothing is archived.
    let feb = s
        .programme_stats(
            &OrgScope::Everything,
            Period {
                from: d("2026-01-01"),
                to: d("2026-02-28"),
            },
        )
        .await
        .unwrap();
    assert!(feb.archived_by_category.is_empty());
    // The whole city: both remaining households and both grants.
    let all = s
        .programme_stats(&OrgScope::Everything, year)
        .await
        .unwrap();
    assert_eq!(all.archived_by_category.get("deep"), Some(&2));
    assert_eq!(
        all.grants_by_programme["dialysis-relief"].approved_fen,
        900_000
    );
    let sc = s
        .programme_stats(&OrgScope::Under(code("SC")), year)
        .await
        .unwrap();
    assert_eq!(sc.archived_by_category.get("deep"), Some(&1));
    assert!(sc.exits_by_reason.is_empty());
    assert_eq!(sc.grants_by_programme["dialysis-relief"].approved, 1);
}

on_both!(the_archive_exits_and_grants_are_counted_as_of_a_date_inside_the_scope_only,);
