//! Issue 17: craftsman recognition 数字工匠 (SPEC 7.8) — the quota held by the database under
//! concurrency, the expert's conflict of interest enforced, the ranking, the notice with an
//! objection upheld, and the award only after the window.

use super::*;
use huzhu_domain::notice::{NoticeWindow, ObjectionOutcome};
use huzhu_domain::recognition::{Facts, NominationState, Refusal, Rules};
use huzhu_store::archive::NewObjection;
use huzhu_store::recognition::{Call, NewCall, NewNomination, Nomination};

fn under(c: &str) -> OrgScope {
    OrgScope::Under(code(c))
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

const GOOD: Facts = Facts {
    field_years: 8,
    city_years: 5,
    civil_servant: false,
    leading_cadre: false,
};

/// `tree`, members 1..=n in LA-JN-001 and member 900 in SC-XH-001.
async fn roster<S: Store>(s: &S, n: u32) -> (Vec<MemberId>, MemberId) {
    tree(s).await;
    let imp = start(s, ImportKind::Members, "m.csv").await;
    let mut rows: Vec<(u64, huzhu_domain::member::MemberRecord)> = (1..=n)
        .map(|i| {
            let given: Vec<char> = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳".chars().collect();
            let name = format!("张{}", given[(i as usize) % given.len()]);
            (u64::from(i) + 1, member(i, &name, "LA-JN-001"))
        })
        .collect();
    rows.push((u64::from(n) + 2, member(900, "王五", "SC-XH-001")));
    s.import_member_batch(imp, &OrgScope::Everything, &rows, at(1))
        .await
        .unwrap();
    let mut ids = Vec::new();
    for i in 1..=n {
        ids.push(s.member_by_id_number(id(i).as_str()).await.unwrap().id);
    }
    let wang = s.member_by_id_number(id(900).as_str()).await.unwrap().id;
    (ids, wang)
}

async fn call<S: RecognitionStore>(s: &S, quota: i32) -> Call {
    s.open_call(
        &under("HZ"),
        &NewCall {
            year: 2026,
            name: "数字工匠",
            quota,
            opens_on: d("2026-03-01"),
            closes_on: d("2026-03-31"),
            rules: Rules::default(),
            by: "hz.staff",
        },
        at(2),
    )
    .await
    .unwrap()
}

async fn nominate<S: RecognitionStore>(
    s: &S,
    call: i64,
    by_org: &str,
    m: MemberId,
    refusals: &[Refusal],
) -> Result<Nomination, StoreError> {
    s.nominate(
        &under(by_org),
        &NewNomination {
            call,
            nominating_org: &code(by_org),
            member: m,
            field: "工业互联网",
            achievements: "主持完成数字化产线改造",
            facts: GOOD,
            refusals,
            by: "la.staff",
            today: d("2026-03-10"),
        },
        at(3),
    )
    .await
}

fn conflict<T: std::fmt::Debug>(r: Result<T, StoreError>) -> String {
    match r {
        Err(StoreError::Conflict(m)) => m,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

async fn a_unions_quota_holds_under_concurrent_nominations<S: Store + RecognitionStore>(s: S) {
    let (members, wang) = roster(&s, 12).await;
    let c = call(&s, 3).await;
    let mut tasks = Vec::new();
    for m in members.clone() {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            nominate(&s, c.id, "LA", m, &[]).await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(StoreError::Conflict(m)) => assert!(m.contains("名额已满"), "{m}"),
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(ok, 3, "never more nominations than the quota");
    // A refusal by the rules takes no place; another union has its own quota.
    let refused = nominate(&s, c.id, "LA", members[11], &[Refusal::CivilServant])
        .await
        .unwrap();
    assert_eq!(refused.state, NominationState::Refused);
    assert_eq!(refused.refusals, vec![Refusal::CivilServant]);
    let sc = nominate(&s, c.id, "SC", wang, &[]).await.unwrap();
    assert_eq!(sc.state, NominationState::Nominated);
    // A member outside the nominating union's subtree is not found.
    assert!(matches!(
        nominate(&s, c.id, "SC", members[0], &[]).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(s.nominations(&under("SC"), c.id).await.unwrap().len(), 1);
}

async fn an_expert_never_scores_a_nominee_of_their_own_unit<S: Store + RecognitionStore>(s: S) {
    let (members, _) = roster(&s, 1).await;
    let c = call(&s, 2).await;
    let n = nominate(&s, c.id, "LA", members[0], &[]).await.unwrap();
    let hz = under("HZ");
    let own = s
        .add_expert(
            &hz,
            &code("LA-JN-001"),
            "同厂专家",
            "高级工程师",
            "hz.staff",
            at(3),
        )
        .await
        .unwrap();
    let nominating = s
        .add_expert(&hz, &code("LA"), "区总专家", "教授", "hz.staff", at(3))
        .await
        .unwrap();
    let outside = s
        .add_expert(
            &hz,
            &code("SC-XH-001"),
            "外单位专家",
            "教授",
            "hz.staff",
            at(3),
        )
        .await
        .unwrap();
    // Scoring before confirmation is illegal.
    let m = conflict(
        s.record_score(&hz, n.id, outside.id, 90, None, "hz.staff", at(4))
            .await,
    );
    assert!(m.contains("已推荐"), "{m}");
    s.confirm_nomination(&hz, n.id, "hz.staff", at(4))
        .await
        .unwrap();
    let m = conflict(
        s.record_score(&hz, n.id, own.id, 99, None, "hz.staff", at(4))
            .await,
    );
    assert!(m.contains("利益回避"), "{m}");
    let m = conflict(
        s.record_score(&hz, n.id, nominating.id, 99, None, "hz.staff", at(4))
            .await,
    );
    assert!(m.contains("利益回避"), "{m}");
    s.record_score(&hz, n.id, outside.id, 90, Some("优秀"), "hz.staff", at(4))
        .await
        .unwrap();
    conflict(
        s.record_score(&hz, n.id, outside.id, 80, None, "hz.staff", at(4))
            .await,
    );
    let scores = s.nomination_scores(&hz, n.id).await.unwrap();
    assert_eq!(scores.len(), 1);
    assert_eq!(scores[0].score, 90);
    // Only one score: the ranking is refused.
    let m = conflict(s.approve_ranking(&hz, c.id, 1, "hz.staff", at(5)).await);
    assert!(m.contains("至少需要3位"), "{m}");
}

async fn a_call_runs_through_its_notice_and_an_upheld_objection_withdraws_the_nominee<
    S: Store + RecognitionStore + ArchiveStore,
>(
    s: S,
) {
    let (members, wang) = roster(&s, 2).await;
    let c = call(&s, 2).await;
    let hz = under("HZ");
    let a = nominate(&s, c.id, "LA", members[0], &[]).await.unwrap();
    let b = nominate(&s, c.id, "LA", members[1], &[]).await.unwrap();
    let w = nominate(&s, c.id, "SC", wang, &[]).await.unwrap();
    let mut experts = Vec::new();
    for (i, unit) in ["HZ", "LA-JN-002", "SC-XH"].iter().enumerate() {
        experts.push(
            s.add_expert(
                &hz,
                &code(unit),
                &format!("专家{i}"),
                "教授",
                "hz.staff",
                at(3),
            )
            .await
            .unwrap(),
        );
    }
    let scores = [
        (a.id, [90, 90, 90]),
        (b.id, [80, 85, 90]),
        (w.id, [70, 70, 71]),
    ];
    for (n, ss) in scores {
        s.confirm_nomination(&hz, n, "hz.staff", at(4))
            .await
            .unwrap();
        for (e, v) in experts.iter().zip(ss) {
            s.record_score(&hz, n, e.id, v, None, "hz.staff", at(4))
                .await
                .unwrap();
        }
    }
    let ranked = s
        .approve_ranking(&hz, c.id, 2, "hz.staff", at(5))
        .await
        .unwrap();
    let places: Vec<(i64, Option<i32>, Option<i64>, NominationState)> = ranked
        .iter()
        .map(|n| (n.id, n.place, n.mean_centi, n.state))
        .collect();
    assert_eq!(
        places,
        vec![
            (a.id, Some(1), Some(9000), NominationState::Selected),
            (b.id, Some(2), Some(8500), NominationState::Selected),
            (w.id, Some(3), Some(7033), NominationState::NotSelected),
        ]
    );
    // No nomination after the ranking.
    conflict(nominate(&s, c.id, "SC", wang, &[]).await);
    let window = NoticeWindow {
        starts_on: d("2026-04-01"),
        ends_on: d("2026-04-10"),
    };
    s.start_recognition_notice(&hz, c.id, window, 7, "hz.staff", at(6))
        .await
        .unwrap();
    let public = s.public_notices(d("2026-04-02")).await.unwrap();
    let names: Vec<&str> = public.iter().map(|p| p.public_name.as_str()).collect();
    assert_eq!(names, ["张*", "张*"]);
    assert!(public.iter().all(|p| p.subject_kind == "nomination"));
    let notice_b = s.nomination(&hz, b.id).await.unwrap().notice.unwrap();
    let objection = s
        .record_objection(
            &hz,
            notice_b.id,
            &NewObjection {
                received_on: d("2026-04-03"),
                from_whom: None,
                content: "业绩材料不实",
                by: "hz.staff",
            },
            at(7),
        )
        .await
        .unwrap();
    // Award while the notice runs, and with an objection unsettled: refused.
    let m = conflict(s.award(&hz, c.id, d("2026-04-10"), "hz.staff", at(8)).await);
    assert!(m.contains("公示期未满"), "{m}");
    let m = conflict(s.award(&hz, c.id, d("2026-04-11"), "hz.staff", at(8)).await);
    assert!(m.contains("未处理"), "{m}");
    s.settle_objection(
        &hz,
        objection.id,
        ObjectionOutcome::Upheld,
        "经核实材料不实",
        "hz.staff",
        at(9),
    )
    .await
    .unwrap();
    let b_now = s.nomination(&hz, b.id).await.unwrap();
    assert_eq!(b_now.state, NominationState::Withdrawn);
    assert_eq!(b_now.reason.as_deref(), Some("经核实材料不实"));
    let awarded = s
        .award(&hz, c.id, d("2026-04-11"), "hz.staff", at(10))
        .await
        .unwrap();
    let states: Vec<(i64, NominationState)> = awarded.iter().map(|n| (n.id, n.state)).collect();
    assert!(states.contains(&(a.id, NominationState::Awarded)));
    assert!(states.contains(&(b.id, NominationState::Withdrawn)));
    assert!(states.contains(&(w.id, NominationState::NotSelected)));
    assert!(s.public_notices(d("2026-04-05")).await.unwrap().is_empty());
    conflict(
        s.award(&hz, c.id, d("2026-04-12"), "hz.staff", at(11))
            .await,
    );
}

on_both!(
    a_unions_quota_holds_under_concurrent_nominations,
    an_expert_never_scores_a_nominee_of_their_own_unit,
    a_call_runs_through_its_notice_and_an_upheld_objection_withdraws_the_nominee,
);
