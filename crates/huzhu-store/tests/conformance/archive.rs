//! Issue 15: the hardship-worker archive and its public notice (SPEC 7.2).

use super::*;
use huzhu_domain::archive::{
    ExitReason, HouseholdFacts, HouseholdState, Level, Person, Relation, SchoolLevel, StepKind,
};
use huzhu_domain::notice::{NoticeWindow, ObjectionOutcome};
use huzhu_store::archive::{ArchiveChange, Computed, HouseholdFilter, NewHousehold, NewObjection};

fn under(c: &str) -> OrgScope {
    OrgScope::Under(code(c))
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn person(n: u32, name: &str, relation: Relation) -> Person {
    Person {
        id_number: id(n).as_str().to_string(),
        name: name.into(),
        relation,
        school_level: SchoolLevel::None,
        dialysis: false,
    }
}

/// Head `n` and one more person `other`.
fn facts(n: u32, name: &str, other: u32) -> HouseholdFacts {
    HouseholdFacts {
        size: 3,
        annual_income_fen: 3_000_000,
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

const DEEP: Computed<'static> = Computed {
    category: Some("deep"),
    per_head_monthly_income_fen: 83_333,
    assessment: "{\"category\":\"deep\"}",
    programme_id: "hardship-archive",
    programme_version: "2026.1",
};

/// `tree` and members 1 (张三, LA-JN-001), 2 (李四, LA-JN-002), 3 (王五, SC-XH-001).
async fn roster<S: Store>(s: &S) -> (MemberId, MemberId, MemberId) {
    tree(s).await;
    let imp = start(s, ImportKind::Members, "m.csv").await;
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
    let m = |n| async move { s.member_by_id_number(id(n).as_str()).await.unwrap().id };
    (m(1).await, m(2).await, m(3).await)
}

async fn open<S: ArchiveStore>(
    s: &S,
    scope: &OrgScope,
    head: MemberId,
    f: &HouseholdFacts,
) -> Result<huzhu_store::archive::Household, StoreError> {
    s.open_household(
        scope,
        &NewHousehold {
            head,
            facts: f,
            computed: DEEP,
            by: "la.officer",
            on: d("2026-03-02"),
        },
        at(2),
    )
    .await
}

fn conflict<T: std::fmt::Debug>(r: Result<T, StoreError>) -> String {
    match r {
        Err(StoreError::Conflict(m)) => m,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

async fn a_household_runs_from_application_to_admission_with_its_timeline_and_audit<
    S: Store + ArchiveStore,
>(
    s: S,
) {
    let (zhang, _, _) = roster(&s).await;
    let h = open(&s, &under("LA-JN-001"), zhang, &facts(1, "张三", 11))
        .await
        .unwrap();
    assert_eq!(h.state, HouseholdState::Applied);
    assert_eq!(h.category.as_deref(), Some("deep"));
    assert_eq!(h.org, code("LA-JN-001"));
    assert_eq!(h.facts.people.len(), 2);
    let la = under("LA");
    let step = |c: ArchiveChange<'static>, by: &'static str, today: &'static str| {
        let s = s.clone();
        let la = la.clone();
        async move { s.archive_step(&la, h.id, &c, by, d(today), at(3)).await }
    };
    // Out of order: a review before the visit.
    let m = conflict(
        step(
            ArchiveChange::Review { note: "" },
            "la.district",
            "2026-03-03",
        )
        .await,
    );
    assert!(m.contains("已申请"), "{m}");
    // A visit dated before the application is refused.
    conflict(
        step(
            ArchiveChange::Visit {
                on: d("2026-03-01"),
                note: "x",
            },
            "jn.street",
            "2026-03-03",
        )
        .await,
    );
    let v = step(
        ArchiveChange::Visit {
            on: d("2026-03-03"),
            note: "家中有病人，属实",
        },
        "jn.street",
        "2026-03-04",
    )
    .await
    .unwrap();
    assert_eq!(v.state, HouseholdState::Visited);
    assert_eq!(v.visited_on, Some(d("2026-03-03")));
    // The visitor does not review their own visit.
    conflict(
        step(
            ArchiveChange::Review { note: "" },
            "jn.street",
            "2026-03-05",
        )
        .await,
    );
    step(
        ArchiveChange::Review { note: "同意" },
        "la.district",
        "2026-03-05",
    )
    .await
    .unwrap();
    let window = NoticeWindow {
        starts_on: d("2026-03-09"),
        ends_on: d("2026-03-13"),
    };
    let n = step(
        ArchiveChange::StartNotice {
            window,
            working_days: 5,
        },
        "la.district",
        "2026-03-09",
    )
    .await
    .unwrap();
    assert_eq!(n.state, HouseholdState::InNotice);
    let notice = n.notice.clone().unwrap();
    assert_eq!(notice.public_name, "张*");
    assert_eq!(notice.unit_name, "LA-JN-001工会");
    assert_eq!(notice.summary, "deep");
    // The public page shows it while it runs, and not before.
    let public = s.public_notices(d("2026-03-10")).await.unwrap();
    assert_eq!(public.len(), 1);
    assert_eq!(public[0].public_name, "张*");
    assert!(s.public_notices(d("2026-03-08")).await.unwrap().is_empty());
    assert!(s.public_notices(d("2026-03-14")).await.unwrap().is_empty());
    let admit = || ArchiveChange::Admit {
        level: Level::CityCounty,
        level_date: d("2026-03-16"),
        note: "",
    };
    // Still running.
    let m = conflict(step(admit(), "la.district", "2026-03-13").await);
    assert!(m.contains("公示期未满"), "{m}");
    let o = s
        .record_objection(
            &la,
            notice.id,
            &NewObjection {
                received_on: d("2026-03-11"),
                from_whom: Some("邻居"),
                content: "该户有经营收入",
                by: "jn.street",
            },
            at(4),
        )
        .await
        .unwrap();
    // Not outside scope.
    assert!(matches!(
        s.record_objection(
            &under("SC"),
            notice.id,
            &NewObjection {
                received_on: d("2026-03-11"),
                from_whom: None,
                content: "x",
                by: "sc.staff",
            },
            at(4),
        )
        .await,
        Err(StoreError::NotFound(_))
    ));
    let m = conflict(step(admit(), "la.district", "2026-03-16").await);
    assert!(m.contains("异议未处理"), "{m}");
    let settled = s
        .settle_objection(
            &la,
            o.id,
            ObjectionOutcome::Dismissed,
            "经核实无经营收入",
            "la.district",
            at(5),
        )
        .await
        .unwrap();
    assert_eq!(settled.outcome, Some(ObjectionOutcome::Dismissed));
    conflict(
        s.settle_objection(
            &la,
            o.id,
            ObjectionOutcome::Upheld,
            "x",
            "la.district",
            at(5),
        )
        .await,
    );
    let a = step(admit(), "la.district", "2026-03-16").await.unwrap();
    assert_eq!(a.state, HouseholdState::Admitted);
    assert_eq!(a.level, Some(Level::CityCounty));
    assert_eq!(a.admitted_on, Some(d("2026-03-16")));
    assert_eq!(a.valid_until, Some(d("2027-03-16")));
    assert_eq!(a.notice.as_ref().unwrap().status, "concluded");
    assert_eq!(a.notice.as_ref().unwrap().objections.len(), 1);
    let events = s.household_events(&la, h.id).await.unwrap();
    let steps: Vec<StepKind> = events.iter().map(|e| e.step).collect();
    assert_eq!(
        steps,
        [
            StepKind::Open,
            StepKind::Visit,
            StepKind::Review,
            StepKind::StartNotice,
            StepKind::Objection,
            StepKind::SettleObjection,
            StepKind::Admit
        ]
    );
    assert_eq!(events[1].on, d("2026-03-03"));
    assert_eq!(events[1].actor, "jn.street");
    assert_eq!(events[1].note.as_deref(), Some("家中有病人，属实"));
    let audited: Vec<String> = s
        .audit_log(50)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action.starts_with("archive."))
        .map(|e| e.action)
        .collect();
    assert_eq!(audited.len(), 7, "{audited:?}");
    assert!(audited.contains(&"archive.admit".to_string()));
}

async fn one_household_one_file_holds_under_concurrency<S: Store + ArchiveStore>(s: S) {
    let (zhang, li, wang) = roster(&s).await;
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            open(&s, &OrgScope::Everything, zhang, &facts(1, "张三", 11)).await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(StoreError::Conflict(m)) => assert!(m.contains("一户一档"), "{m}"),
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(ok, 1, "one open record per head");
    // Two other heads listing the same person 50, concurrently: one record wins.
    let mut tasks = Vec::new();
    for i in 0..8 {
        let s = s.clone();
        let (head, n, name) = if i % 2 == 0 {
            (li, 2, "李四")
        } else {
            (wang, 3, "王五")
        };
        tasks.push(tokio::spawn(async move {
            open(&s, &OrgScope::Everything, head, &facts(n, name, 50)).await
        }));
    }
    let results: Vec<_> = futures_join(tasks).await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    let winner = results.into_iter().find_map(|r| r.ok()).unwrap();
    s.archive_step(
        &OrgScope::Everything,
        winner.id,
        &ArchiveChange::Refuse { reason: "重复" },
        "la.district",
        d("2026-03-03"),
        at(3),
    )
    .await
    .unwrap();
    // Person 11 is in 张三's record: 李四 cannot list them.
    let all = s
        .households(
            &OrgScope::Everything,
            &HouseholdFilter {
                limit: 100,
                ..HouseholdFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    let zhangs = all.iter().find(|h| h.head == zhang).unwrap().id;
    let m = conflict(open(&s, &OrgScope::Everything, li, &facts(2, "李四", 11)).await);
    assert!(m.contains(&format!("档案{zhangs}")), "{m}");
    // Once 张三's record is refused, the spouse is free again.
    s.archive_step(
        &OrgScope::Everything,
        zhangs,
        &ArchiveChange::Refuse {
            reason: "收入超标"
        },
        "la.district",
        d("2026-03-03"),
        at(3),
    )
    .await
    .unwrap();
    open(&s, &OrgScope::Everything, li, &facts(2, "李四", 11))
        .await
        .unwrap();
}

async fn futures_join<T>(tasks: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

async fn records_outside_the_scope_are_not_found_and_lists_stay_inside_it<
    S: Store + ArchiveStore,
>(
    s: S,
) {
    let (zhang, _, wang) = roster(&s).await;
    // A unit officer cannot open a record for another unit's member.
    assert!(matches!(
        open(&s, &under("LA-JN-002"), zhang, &facts(1, "张三", 11)).await,
        Err(StoreError::NotFound(_))
    ));
    let h = open(&s, &under("LA-JN-001"), zhang, &facts(1, "张三", 11))
        .await
        .unwrap();
    open(&s, &under("SC"), wang, &facts(3, "王五", 31))
        .await
        .unwrap();
    let sc = under("SC");
    assert!(matches!(
        s.household(&sc, h.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        s.household_events(&sc, h.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        s.archive_step(
            &sc,
            h.id,
            &ArchiveChange::Refuse { reason: "x" },
            "sc.staff",
            d("2026-03-03"),
            at(3)
        )
        .await,
        Err(StoreError::NotFound(_))
    ));
    let list = |scope: OrgScope, filter: HouseholdFilter| {
        let s = s.clone();
        async move { s.households(&scope, &filter).await.unwrap() }
    };
    let all = HouseholdFilter {
        limit: 50,
        ..HouseholdFilter::default()
    };
    assert_eq!(list(under("LA"), all.clone()).await.len(), 1);
    assert_eq!(list(under("HZ"), all.clone()).await.len(), 2);
    assert_eq!(list(under("LA-JN-002"), all.clone()).await.len(), 0);
    let admitted = HouseholdFilter {
        state: Some(HouseholdState::Admitted),
        ..all.clone()
    };
    assert!(list(under("HZ"), admitted).await.is_empty());
    let relative = HouseholdFilter {
        category: Some("relative".into()),
        ..all
    };
    assert!(list(under("HZ"), relative).await.is_empty());
}

/// Admits 张三's household on 2026-03-16 (valid until 2027-03-16).
async fn admitted<S: Store + ArchiveStore>(s: &S) -> i64 {
    let (zhang, _, _) = roster(s).await;
    let h = open(s, &under("LA"), zhang, &facts(1, "张三", 11))
        .await
        .unwrap();
    let e = OrgScope::Everything;
    let steps = [
        (
            ArchiveChange::Visit {
                on: d("2026-03-03"),
                note: "",
            },
            "street",
        ),
        (ArchiveChange::Review { note: "" }, "district"),
        (
            ArchiveChange::StartNotice {
                window: NoticeWindow {
                    starts_on: d("2026-03-09"),
                    ends_on: d("2026-03-13"),
                },
                working_days: 5,
            },
            "district",
        ),
        (
            ArchiveChange::Admit {
                level: Level::Provincial,
                level_date: d("2026-03-16"),
                note: "",
            },
            "district",
        ),
    ];
    for (c, by) in steps {
        s.archive_step(&e, h.id, &c, by, d("2026-03-16"), at(3))
            .await
            .unwrap();
    }
    h.id
}

async fn an_overdue_record_lapses_a_review_revives_it_and_an_exit_frees_the_household<
    S: Store + ArchiveStore,
>(
    s: S,
) {
    let hid = admitted(&s).await;
    let e = OrgScope::Everything;
    // Day 30 after the anniversary: not yet; day 31: lapsed; outside the scope: untouched.
    assert!(s
        .lapse_households(&e, d("2027-04-15"), "system", at(6))
        .await
        .unwrap()
        .is_empty());
    assert!(s
        .lapse_households(&under("SC"), d("2027-04-16"), "system", at(6))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        s.lapse_households(&e, d("2027-04-16"), "system", at(6))
            .await
            .unwrap(),
        vec![hid]
    );
    assert_eq!(
        s.household(&e, hid).await.unwrap().state,
        HouseholdState::Lapsed
    );
    let relative = Computed {
        category: Some("relative"),
        per_head_monthly_income_fen: 150_000,
        ..DEEP
    };
    let mut newer = facts(1, "张三", 12);
    newer.annual_income_fen = 5_400_000;
    let r = s
        .archive_step(
            &e,
            hid,
            &ArchiveChange::YearlyReview {
                facts: &newer,
                computed: relative,
                note: "收入增加",
            },
            "district",
            d("2027-04-20"),
            at(7),
        )
        .await
        .unwrap();
    assert_eq!(r.state, HouseholdState::Admitted);
    assert_eq!(r.category.as_deref(), Some("relative"));
    assert_eq!(r.valid_until, Some(d("2028-04-20")));
    assert_eq!(r.facts.people[1].id_number, id(12).as_str());
    // Out of hardship at the next review: exited with that reason.
    let out = Computed {
        category: None,
        per_head_monthly_income_fen: 400_000,
        ..DEEP
    };
    let x = s
        .archive_step(
            &e,
            hid,
            &ArchiveChange::YearlyReview {
                facts: &newer,
                computed: out,
                note: "",
            },
            "district",
            d("2028-04-01"),
            at(8),
        )
        .await
        .unwrap();
    assert_eq!(x.state, HouseholdState::Exited);
    assert_eq!(x.exit_reason, Some(ExitReason::OutOfHardship));
    // An exited record takes no step; the household may apply again.
    conflict(
        s.archive_step(
            &e,
            hid,
            &ArchiveChange::Exit {
                reason: ExitReason::Deceased,
                note: "",
            },
            "district",
            d("2028-04-02"),
            at(8),
        )
        .await,
    );
    let zhang = s.member_by_id_number(id(1).as_str()).await.unwrap().id;
    open(&s, &e, zhang, &facts(1, "张三", 12)).await.unwrap();
    let steps: Vec<StepKind> = s
        .household_events(&e, hid)
        .await
        .unwrap()
        .iter()
        .map(|e| e.step)
        .collect();
    assert_eq!(
        &steps[steps.len() - 3..],
        [
            StepKind::Lapse,
            StepKind::YearlyReview,
            StepKind::YearlyReview
        ]
    );
}

async fn an_upheld_objection_blocks_admission_and_the_record_can_only_be_refused<
    S: Store + ArchiveStore,
>(
    s: S,
) {
    let (zhang, _, _) = roster(&s).await;
    let e = OrgScope::Everything;
    let h = open(&s, &e, zhang, &facts(1, "张三", 11)).await.unwrap();
    for (c, by) in [
        (
            ArchiveChange::Visit {
                on: d("2026-03-03"),
                note: "",
            },
            "street",
        ),
        (ArchiveChange::Review { note: "" }, "district"),
        (
            ArchiveChange::StartNotice {
                window: NoticeWindow {
                    starts_on: d("2026-03-09"),
                    ends_on: d("2026-03-13"),
                },
                working_days: 5,
            },
            "district",
        ),
    ] {
        s.archive_step(&e, h.id, &c, by, d("2026-03-09"), at(3))
            .await
            .unwrap();
    }
    let notice = s.household(&e, h.id).await.unwrap().notice.unwrap();
    let o = s
        .record_objection(
            &e,
            notice.id,
            &NewObjection {
                received_on: d("2026-03-10"),
                from_whom: None,
                content: "隐瞒房产",
                by: "street",
            },
            at(4),
        )
        .await
        .unwrap();
    s.settle_objection(
        &e,
        o.id,
        ObjectionOutcome::Upheld,
        "查实有房产两套",
        "district",
        at(5),
    )
    .await
    .unwrap();
    let m = conflict(
        s.archive_step(
            &e,
            h.id,
            &ArchiveChange::Admit {
                level: Level::CityCounty,
                level_date: d("2026-03-16"),
                note: "",
            },
            "district",
            d("2026-03-16"),
            at(6),
        )
        .await,
    );
    assert!(m.contains("异议成立"), "{m}");
    let r = s
        .archive_step(
            &e,
            h.id,
            &ArchiveChange::Refuse {
                reason: "异议成立：有房产两套",
            },
            "district",
            d("2026-03-16"),
            at(6),
        )
        .await
        .unwrap();
    assert_eq!(r.state, HouseholdState::Refused);
    assert_eq!(r.notice.unwrap().status, "concluded");
    assert!(s.public_notices(d("2026-03-12")).await.unwrap().is_empty());
}

on_both!(
    a_household_runs_from_application_to_admission_with_its_timeline_and_audit,
    one_household_one_file_holds_under_concurrency,
    records_outside_the_scope_are_not_found_and_lists_stay_inside_it,
    an_overdue_record_lapses_a_review_revives_it_and_an_exit_frees_the_household,
    an_upheld_objection_blocks_admission_and_the_record_can_only_be_refused,
);
