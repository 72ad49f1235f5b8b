//! Issue 16: employment help 春风就业 (SPEC 7.11) on both backends — fairs and their steps, a
//! post never filled beyond its openings under concurrency, registrations of members and of
//! 阳光就业 graduates of admitted households, courses with attendance and certificates, scope,
//! audit, and the facts the figures are summed from.

use super::*;
use huzhu_domain::archive::{HouseholdFacts, Level, Person, Relation, SchoolLevel};
use huzhu_domain::employment::{
    self as rules, CourseState, FactKind, FairMode, FairState, FairStep, SeekerKind, SeekerState,
};
use huzhu_domain::notice::NoticeWindow;
use huzhu_store::archive::{ArchiveChange, ArchiveStore, Computed, NewHousehold};
use huzhu_store::employment::{
    EmploymentStore, Fair, NewCourse, NewFair, NewPost, NewSeeker, SeekerWho,
};

fn under(c: &str) -> OrgScope {
    OrgScope::Under(code(c))
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const SURNAMES: [&str; 10] = ["张", "李", "王", "赵", "刘", "陈", "杨", "黄", "周", "吴"];
const GIVEN: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// `n` in-service members of `unit`, serials from `first`.
async fn members<S: Store>(s: &S, unit: &str, first: u32, n: u32) -> Vec<MemberId> {
    let imp = start(s, ImportKind::Members, &format!("e-{unit}-{first}.csv")).await;
    let mut rows = Vec::new();
    for k in first..first + n {
        let name = format!(
            "{}{}{}",
            SURNAMES[(k % 10) as usize],
            GIVEN[((k / 10) % 10) as usize],
            GIVEN[(k % 10) as usize]
        );
        rows.push((u64::from(k) + 1, member(k, &name, unit)));
    }
    s.import_member_batch(imp, &OrgScope::Everything, &rows, at(2))
        .await
        .unwrap();
    let mut ids = Vec::new();
    for k in first..first + n {
        ids.push(s.member_by_id_number(id(k).as_str()).await.unwrap().id);
    }
    ids
}

async fn fair<S: EmploymentStore>(s: &S, org: &str, name: &str, on: &str) -> Fair {
    s.create_fair(&NewFair {
        org: &code(org),
        name,
        mode: FairMode::Online,
        held_on: day(on),
        venue: "https://jobs.example",
        by: "staff",
        at: at(3),
    })
    .await
    .unwrap()
}

async fn register<S: EmploymentStore>(s: &S, scope: &str, m: MemberId) -> i64 {
    s.register_seeker(
        &under(scope),
        &NewSeeker {
            who: SeekerWho::Member(m.0),
            wanted: "仓储",
            registered_on: day("2026-03-02"),
            by: "officer",
            at: at(4),
        },
    )
    .await
    .unwrap()
    .id
}

async fn a_post_is_never_filled_beyond_its_openings_and_a_fair_steps_once<
    S: Store + EmploymentStore,
>(
    s: S,
) {
    tree(&s).await;
    let people = members(&s, "LA-JN-001", 1, 12).await;
    let f = fair(&s, "HZ", "春风网上招聘会", "2026-03-01").await;
    assert_eq!(f.state, FairState::Planned);
    let post = s
        .add_post(
            &under("HZ"),
            &NewPost {
                fair_id: f.id,
                employer: "某物流公司",
                title: "仓储管理员",
                openings: 5,
                by: "staff",
                at: at(3),
            },
        )
        .await
        .unwrap();
    // A district cannot add a post to the city's fair, nor hold it: not found.
    let outside = s
        .add_post(
            &under("LA"),
            &NewPost {
                fair_id: f.id,
                employer: "x",
                title: "y",
                openings: 1,
                by: "la",
                at: at(3),
            },
        )
        .await;
    assert!(
        matches!(outside, Err(StoreError::NotFound(_))),
        "{outside:?}"
    );
    let mut seekers = Vec::new();
    for m in &people {
        seekers.push(register(&s, "LA", *m).await);
    }
    // Not held yet: no placement (a conflict naming the state).
    let early = s
        .place_seeker(
            &under("LA"),
            seekers[0],
            post.id,
            day("2026-03-02"),
            "la",
            at(5),
        )
        .await;
    assert!(
        matches!(&early, Err(StoreError::Conflict(w)) if w.contains("计划中")),
        "{early:?}"
    );
    // Held before its date: refused; on its date: held; twice: an illegal step.
    let soon = s
        .step_fair(
            f.id,
            &under("HZ"),
            FairStep::Hold,
            "",
            day("2026-02-28"),
            "hz",
            at(5),
        )
        .await;
    assert!(
        matches!(&soon, Err(StoreError::Conflict(w)) if w.contains("还不能")),
        "{soon:?}"
    );
    let held = s
        .step_fair(
            f.id,
            &under("HZ"),
            FairStep::Hold,
            "",
            day("2026-03-01"),
            "hz",
            at(5),
        )
        .await
        .unwrap();
    assert_eq!(held.state, FairState::Held);
    let twice = s
        .step_fair(
            f.id,
            &under("HZ"),
            FairStep::Cancel,
            "x",
            day("2026-03-02"),
            "hz",
            at(5),
        )
        .await;
    assert!(
        matches!(&twice, Err(StoreError::Conflict(w)) if w.contains("已举办") && w.contains("取消")),
        "{twice:?}"
    );
    // Twelve concurrent placements for five openings: exactly five.
    let mut tasks = Vec::new();
    for sk in seekers.clone() {
        let s = s.clone();
        let post = post.id;
        tasks.push(tokio::spawn(async move {
            s.place_seeker(&under("LA"), sk, post, day("2026-03-02"), "la", at(6))
                .await
        }));
    }
    let (mut ok, mut full) = (0, 0);
    for t in tasks {
        match t.await.unwrap() {
            Ok(placed) => {
                assert_eq!(placed.state, SeekerState::Placed);
                assert_eq!(placed.post_id, Some(post.id));
                ok += 1;
            }
            Err(StoreError::Conflict(w)) if w.contains("已全部安置") => full += 1,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!((ok, full), (5, 7));
    let read = s.fair(f.id, &under("LA")).await.unwrap();
    assert_eq!((read.filled, read.openings, read.employers), (5, 5, 1));
    assert_eq!(read.posts.len(), 1);
    // A placed seeker is not placed again, nor withdrawn; a refused one stays registered.
    let list = s.seekers(&under("LA")).await.unwrap();
    assert_eq!(list.len(), 12);
    let placed = list
        .iter()
        .find(|x| x.state == SeekerState::Placed)
        .unwrap();
    let again = s
        .withdraw_seeker(&under("LA"), placed.id, "x", "la", at(7))
        .await;
    assert!(
        matches!(&again, Err(StoreError::Conflict(w)) if w.contains("已就业")),
        "{again:?}"
    );
    let waiting = list
        .iter()
        .find(|x| x.state == SeekerState::Registered)
        .unwrap();
    let gone = s
        .withdraw_seeker(&under("LA"), waiting.id, "自行就业", "la", at(7))
        .await
        .unwrap();
    assert_eq!(gone.state, SeekerState::Withdrawn);
    // Another district sees none of LA's seekers.
    assert!(s.seekers(&under("SC")).await.unwrap().is_empty());
    assert!(matches!(
        s.seeker(placed.id, &under("SC")).await,
        Err(StoreError::NotFound(_))
    ));
    let audit = s.audit_log(500).await.unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.action == "employment.place")
            .count(),
        5
    );
    assert!(audit.iter().any(|e| e.action == "employment.fair_hold"));
    assert!(audit.iter().any(|e| e.action == "employment.withdraw"));
}

fn facts(n: u32, name: &str) -> HouseholdFacts {
    let person = |n: u32, name: &str, relation, school_level| Person {
        id_number: id(n).as_str().to_string(),
        name: name.into(),
        relation,
        school_level,
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
            person(n, name, Relation::Head, SchoolLevel::None),
            person(n + 500, "子女", Relation::Child, SchoolLevel::Undergraduate),
        ],
    }
}

/// Opens a household of `head`; admits it when `admit`.
async fn household<S: ArchiveStore>(s: &S, head: MemberId, n: u32, admit: bool) -> i64 {
    let e = OrgScope::Everything;
    let f = facts(n, "户主");
    let h = s
        .open_household(
            &e,
            &NewHousehold {
                head,
                facts: &f,
                computed: Computed {
                    category: Some("deep"),
                    per_head_monthly_income_fen: 83_333,
                    assessment: "{}",
                    programme_id: "hardship-archive",
                    programme_version: "2026.1",
                },
                by: "officer",
                on: day("2026-03-02"),
            },
            at(2),
        )
        .await
        .unwrap();
    if !admit {
        return h.id;
    }
    let steps = [
        (
            ArchiveChange::Visit {
                on: day("2026-03-03"),
                note: "属实",
            },
            "2026-03-04",
        ),
        (ArchiveChange::Review { note: "同意" }, "2026-03-05"),
        (
            ArchiveChange::StartNotice {
                window: NoticeWindow {
                    starts_on: day("2026-03-09"),
                    ends_on: day("2026-03-13"),
                },
                working_days: 5,
            },
            "2026-03-09",
        ),
        (
            ArchiveChange::Admit {
                level: Level::CityCounty,
                level_date: day("2026-03-16"),
                note: "",
            },
            "2026-03-16",
        ),
    ];
    for (i, (change, today)) in steps.into_iter().enumerate() {
        let by = if i == 0 { "street" } else { "district" };
        s.archive_step(&e, h.id, &change, by, day(today), at(3))
            .await
            .unwrap();
    }
    h.id
}

async fn graduates_of_admitted_households_and_members_register_once_within_scope<
    S: Store + EmploymentStore + ArchiveStore,
>(
    s: S,
) {
    tree(&s).await;
    let m = members(&s, "LA-JN-001", 1, 3).await;
    let sc = members(&s, "SC-XH-001", 60, 1).await;
    let admitted = household(&s, m[0], 1, true).await;
    let applied = household(&s, m[1], 2, false).await;
    let grad = |household, name| NewSeeker {
        who: SeekerWho::Graduate { household, name },
        wanted: "会计",
        registered_on: day("2026-06-28"),
        by: "district",
        at: at(5),
    };
    let g = s
        .register_seeker(&under("LA"), &grad(admitted, "张小明"))
        .await
        .unwrap();
    assert_eq!(g.kind, SeekerKind::Graduate);
    assert_eq!(g.household_id, Some(admitted));
    assert_eq!(g.org, "LA-JN-001");
    let not_yet = s
        .register_seeker(&under("LA"), &grad(applied, "李小红"))
        .await;
    assert!(
        matches!(&not_yet, Err(StoreError::Conflict(w)) if w.contains("不在建档状态")),
        "{not_yet:?}"
    );
    let outside = s
        .register_seeker(&under("SC"), &grad(admitted, "张小明"))
        .await;
    assert!(
        matches!(outside, Err(StoreError::NotFound(_))),
        "{outside:?}"
    );
    // A member: once while registered; another district's member is not found.
    register(&s, "LA-JN", m[2]).await;
    let twice = s
        .register_seeker(
            &under("LA"),
            &NewSeeker {
                who: SeekerWho::Member(m[2].0),
                wanted: "",
                registered_on: day("2026-03-03"),
                by: "la",
                at: at(5),
            },
        )
        .await;
    assert!(
        matches!(&twice, Err(StoreError::Conflict(w)) if w.contains("已有求职登记")),
        "{twice:?}"
    );
    let other = s
        .register_seeker(
            &under("LA"),
            &NewSeeker {
                who: SeekerWho::Member(sc[0].0),
                wanted: "",
                registered_on: day("2026-03-03"),
                by: "la",
                at: at(5),
            },
        )
        .await;
    assert!(matches!(other, Err(StoreError::NotFound(_))), "{other:?}");
}

async fn a_course_certifies_trainees_who_attended_enough_once_and_the_facts_count_it_all<
    S: Store + EmploymentStore,
>(
    s: S,
) {
    tree(&s).await;
    let m = members(&s, "LA-JN-001", 1, 3).await;
    let seekers = [
        register(&s, "LA", m[0]).await,
        register(&s, "LA", m[1]).await,
        register(&s, "LA", m[2]).await,
    ];
    let course = s
        .create_course(&NewCourse {
            org: &code("LA"),
            name: "电工培训班",
            trade: "低压电工",
            start_on: day("2026-04-10"),
            end_on: day("2026-05-20"),
            sessions: 10,
            by: "la",
            at: at(5),
        })
        .await
        .unwrap();
    assert_eq!(course.state, CourseState::Open);
    let mut trainees = Vec::new();
    for sk in seekers {
        trainees.push(
            s.enrol_trainee(&under("LA-JN-001"), course.id, sk, "officer", at(5))
                .await
                .unwrap(),
        );
    }
    let again = s
        .enrol_trainee(&under("LA"), course.id, seekers[0], "la", at(5))
        .await;
    assert!(
        matches!(&again, Err(StoreError::Conflict(w)) if w.contains("已报名")),
        "{again:?}"
    );
    // The unit enrols but does not keep the register: attendance is the organiser's.
    let by_unit = s
        .record_attendance(&under("LA-JN-001"), trainees[0].id, 9, "officer", at(6))
        .await;
    assert!(
        matches!(by_unit, Err(StoreError::NotFound(_))),
        "{by_unit:?}"
    );
    let too_many = s
        .record_attendance(&under("LA"), trainees[0].id, 11, "la", at(6))
        .await;
    assert!(
        matches!(&too_many, Err(StoreError::Conflict(w)) if w.contains("超过")),
        "{too_many:?}"
    );
    for (t, n) in trainees.iter().zip([10, 8, 7]) {
        s.record_attendance(&under("LA"), t.id, n, "la", at(6))
            .await
            .unwrap();
    }
    // Before the finish: no certificate. After it: 80% or more, once.
    let open = s
        .certify_trainee(&under("LA"), trainees[0].id, day("2026-05-21"), "la", at(7))
        .await;
    assert!(
        matches!(&open, Err(StoreError::Conflict(w)) if w.contains("开班中")),
        "{open:?}"
    );
    let done = s
        .finish_course(&under("LA"), course.id, "la", at(7))
        .await
        .unwrap();
    assert_eq!(done.state, CourseState::Finished);
    assert!(s
        .finish_course(&under("LA"), course.id, "la", at(7))
        .await
        .is_err());
    let late = s
        .enrol_trainee(&under("LA"), course.id, seekers[0], "la", at(7))
        .await;
    assert!(matches!(late, Err(StoreError::Conflict(_))), "{late:?}");
    let cert = s
        .certify_trainee(&under("LA"), trainees[0].id, day("2026-05-21"), "la", at(7))
        .await
        .unwrap();
    assert_eq!(
        cert.certificate_no.as_deref(),
        Some(rules::certificate_number(day("2026-05-21"), trainees[0].id).as_str())
    );
    let twice = s
        .certify_trainee(&under("LA"), trainees[0].id, day("2026-05-21"), "la", at(7))
        .await;
    assert!(
        matches!(&twice, Err(StoreError::Conflict(w)) if w.contains("不能重复")),
        "{twice:?}"
    );
    s.certify_trainee(&under("LA"), trainees[1].id, day("2026-05-22"), "la", at(7))
        .await
        .unwrap();
    let few = s
        .certify_trainee(&under("LA"), trainees[2].id, day("2026-05-22"), "la", at(7))
        .await;
    assert!(
        matches!(&few, Err(StoreError::Conflict(w)) if w.contains("未达到")),
        "{few:?}"
    );
    let read = s.course(course.id, &under("LA-JN-001")).await.unwrap();
    assert_eq!((read.trainee_count, read.certificates), (3, 2));
    assert_eq!(read.trainees.len(), 3);
    // The facts: a held fair with two employers and 7 openings, a placement, the course.
    let f = fair(&s, "LA", "区现场招聘会", "2026-03-01").await;
    for (employer, n) in [("甲公司", 3), ("乙公司", 4)] {
        s.add_post(
            &under("LA"),
            &NewPost {
                fair_id: f.id,
                employer,
                title: "普工",
                openings: n,
                by: "la",
                at: at(3),
            },
        )
        .await
        .unwrap();
    }
    s.step_fair(
        f.id,
        &under("LA"),
        FairStep::Hold,
        "",
        day("2026-03-01"),
        "la",
        at(4),
    )
    .await
    .unwrap();
    let post = s.fair(f.id, &under("LA")).await.unwrap().posts[0].id;
    s.place_seeker(
        &under("LA"),
        seekers[0],
        post,
        day("2026-03-05"),
        "la",
        at(5),
    )
    .await
    .unwrap();
    let all = s
        .employment_facts(&under("LA"), day("2026-01-01"), day("2026-12-31"))
        .await
        .unwrap();
    let sum = |k: FactKind| all.iter().filter(|f| f.kind == k).map(|f| f.n).sum::<i64>();
    assert_eq!(sum(FactKind::FairHeld), 1);
    assert_eq!(sum(FactKind::Employer), 2);
    assert_eq!(sum(FactKind::PostsOffered), 7);
    assert_eq!(sum(FactKind::Registered), 3);
    assert_eq!(sum(FactKind::Placed), 1);
    assert_eq!(sum(FactKind::Course), 1);
    assert_eq!(sum(FactKind::Trainee), 3);
    assert_eq!(sum(FactKind::Certificate), 2);
    let by = rules::figures(&all);
    assert_eq!(by[&("LA".to_string(), "2026-03".to_string())].fairs_held, 1);
    assert_eq!(
        by[&("LA-JN-001".to_string(), "2026-03".to_string())].placed,
        1
    );
    // Another district's facts are empty; a period that holds nothing is empty.
    assert!(s
        .employment_facts(&under("SC"), day("2026-01-01"), day("2026-12-31"))
        .await
        .unwrap()
        .is_empty());
    assert!(s
        .employment_facts(&under("LA"), day("2025-01-01"), day("2025-12-31"))
        .await
        .unwrap()
        .is_empty());
    let audit = s.audit_log(500).await.unwrap();
    for action in [
        "employment.create_course",
        "employment.enrol",
        "employment.attend",
        "employment.finish_course",
        "employment.certify",
        "employment.add_post",
        "employment.register",
    ] {
        assert!(audit.iter().any(|e| e.action == action), "{action}");
    }
}

on_both!(
    a_post_is_never_filled_beyond_its_openings_and_a_fair_steps_once,
    graduates_of_admitted_households_and_members_register_once_within_scope,
    a_course_certifies_trainees_who_attended_enough_once_and_the_facts_count_it_all,
);
