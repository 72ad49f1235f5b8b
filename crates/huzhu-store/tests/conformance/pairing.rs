//! Issue 16: cloud pairing 云结对 — a student is claimed once, holds end by the clock passed in,
//! pledges, payments and reports; and the 81890 requests' steps.

use super::*;
use huzhu_domain::grant::{FundKind, GrantState};
use huzhu_domain::money::Money;
use huzhu_domain::pairing::{PairingState, Pledge};
use huzhu_domain::services::{RequestState, RequestStep};
use huzhu_store::grant::{Applied, GrantId, GrantStore, NewGrant};
use huzhu_store::pairing::{NewClaim, NewPublication, PairingStore};
use huzhu_store::services::{RequestChange, RequestScope, ServiceStore};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 9, 10, 2, 0, 0).unwrap()
}

fn minutes(m: i64) -> DateTime<Utc> {
    t0() + chrono::Duration::minutes(m)
}

/// The tree and one member in LA-JN-001 and one in SC-XH-001.
async fn members<S: Store>(s: &S) -> (MemberId, MemberId) {
    tree(s).await;
    let imp = start(s, ImportKind::Members, "m.csv").await;
    s.import_member_batch(
        imp,
        &OrgScope::Everything,
        &[
            (2, member(1, "张三", "LA-JN-001")),
            (3, member(2, "赵六", "SC-XH-001")),
        ],
        at(2),
    )
    .await
    .unwrap();
    (
        s.member_by_id_number(id(1).as_str()).await.unwrap().id,
        s.member_by_id_number(id(2).as_str()).await.unwrap().id,
    )
}

/// `n` golden-autumn grants of the member, one student each.
async fn grants<S: GrantStore>(s: &S, m: MemberId, n: usize) -> Vec<GrantId> {
    let mut out = Vec::new();
    for i in 0..n {
        let subject = format!("33011220080901{i:04}");
        let key = format!("2026:{subject}");
        let a = s
            .apply_grant(
                &NewGrant {
                    programme_id: "golden-autumn",
                    programme_version: "2026.1",
                    cycle: "2026",
                    key: &key,
                    subject_id_number: &subject,
                    member: m,
                    fund: FundKind::Hardship,
                    amount: Money::from_yuan(5000),
                    state: GrantState::Applied,
                    assessment: "{\"eligible\":true}",
                    case_json: None,
                    approval_level: OrgLevel::District,
                    reason: None,
                    by: "la.officer",
                    at: at(3),
                },
                &OrgScope::Everything,
            )
            .await
            .unwrap();
        match a {
            Applied::Recorded(g) => out.push(g.id),
            other => panic!("{other:?}"),
        }
    }
    out
}

fn token(i: usize) -> String {
    format!("{i:032x}")
}

async fn publish<S: PairingStore>(s: &S, grant: GrantId, i: usize) -> i64 {
    s.publish_student(
        &NewPublication {
            grant,
            token: &token(i),
            public_name: "张同学",
            grade: 2,
            school_level: "undergraduate",
            district: "LA工会",
            need: Money::from_yuan(6000),
            academic_year: "2026",
            by: "hz.staff",
            at: t0(),
        },
        &OrgScope::Everything,
    )
    .await
    .unwrap()
    .id
}

fn claim<'a>(student: &'a str, sponsor: &'a str, now: DateTime<Utc>) -> NewClaim<'a> {
    NewClaim {
        token: student,
        sponsor_token_sha256: sponsor,
        kind: "person",
        name: "李先生",
        phone: "13900139000",
        now,
        hold_until: now + chrono::Duration::minutes(30),
    }
}

async fn two_hundred_concurrent_claims_on_twenty_students_give_exactly_twenty_holds<
    S: Store + GrantStore + PairingStore,
>(
    s: S,
) {
    let (m, _) = members(&s).await;
    let gs = grants(&s, m, 20).await;
    for (i, g) in gs.iter().enumerate() {
        publish(&s, *g, i).await;
    }
    let mut tasks = Vec::new();
    for k in 0..200 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let student = token(k % 20);
            let sponsor = format!("sponsor-{k}");
            s.claim_pairing(&claim(&student, &sponsor, minutes(1)))
                .await
        }));
    }
    let (mut won, mut lost) = (0, 0);
    for t in tasks {
        match t.await.unwrap() {
            Ok(l) => {
                assert_eq!(l.state, PairingState::Held);
                won += 1;
            }
            Err(StoreError::Conflict(msg)) => {
                assert!(msg.contains("认领中") && msg.contains("held"), "{msg}");
                lost += 1;
            }
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!((won, lost), (20, 180));
    let all = s
        .pairing_students(&OrgScope::Everything, minutes(2))
        .await
        .unwrap();
    assert_eq!(all.len(), 20);
    assert!(all
        .iter()
        .all(|p| p.listing.state == PairingState::Held && p.sponsor.is_some()));
    assert!(s.public_pairing(minutes(2), 100).await.unwrap().is_empty());
}

async fn a_hold_ends_by_the_clock_and_the_student_is_listed_and_claimed_again<
    S: Store + GrantStore + PairingStore,
>(
    s: S,
) {
    let (m, _) = members(&s).await;
    let g = grants(&s, m, 1).await[0];
    let id = publish(&s, g, 7).await;
    let t = token(7);
    assert_eq!(s.public_pairing(minutes(0), 10).await.unwrap().len(), 1);
    s.claim_pairing(&claim(&t, "first", minutes(0)))
        .await
        .unwrap();
    // Held: off the list until the hold's end, by the clock passed in.
    assert!(s.public_pairing(minutes(29), 10).await.unwrap().is_empty());
    let still = s.public_pairing_student(&t, minutes(29)).await.unwrap();
    assert_eq!(still.state, PairingState::Held);
    let back = s.public_pairing(minutes(30), 10).await.unwrap();
    assert_eq!(back.len(), 1);
    assert_eq!(back[0].state, PairingState::Published);
    // A claim on the lapsed hold wins; the first sponsor can no longer confirm.
    s.claim_pairing(&claim(&t, "second", minutes(31)))
        .await
        .unwrap();
    let pledge = Pledge {
        per_year: Money::from_yuan(3000),
        years: 3,
    };
    let late = s
        .confirm_pairing("first", pledge, minutes(32), today())
        .await;
    assert!(
        matches!(&late, Err(StoreError::Conflict(m)) if m.contains("过期")),
        "{late:?}"
    );
    let first = s.sponsor_view("first", minutes(32)).await.unwrap();
    assert!(!first.current);
    let v = s
        .confirm_pairing("second", pledge, minutes(40), today())
        .await
        .unwrap();
    assert_eq!(v.listing.state, PairingState::Pledged);
    assert!(v.current && v.identity.is_none());
    // Pledged: nobody claims again, not even after the hold's end.
    let again = s.claim_pairing(&claim(&t, "third", minutes(600))).await;
    assert!(
        matches!(&again, Err(StoreError::Conflict(m)) if m.contains("已结对")),
        "{again:?}"
    );
    assert!(matches!(
        s.confirm_pairing("second", pledge, minutes(41), today())
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        s.confirm_pairing("nobody", pledge, minutes(41), today())
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        s.public_pairing_student(&token(99), minutes(41)).await,
        Err(StoreError::NotFound(_))
    ));
    // Payments and reports, read by the sponsor; outside the scope, not found.
    let on = NaiveDate::from_ymd_opt(2026, 9, 15).unwrap();
    s.record_pairing_payment(
        id,
        &OrgScope::Under(code("LA")),
        Money::from_yuan(1500),
        on,
        "转账 001",
        "la.staff",
        minutes(50),
    )
    .await
    .unwrap();
    assert!(matches!(
        s.record_pairing_payment(
            id,
            &OrgScope::Under(code("SC")),
            Money::from_yuan(1),
            on,
            "",
            "sc.staff",
            minutes(50)
        )
        .await,
        Err(StoreError::NotFound(_))
    ));
    s.write_pairing_report(
        id,
        &OrgScope::Under(code("LA")),
        on,
        "本学期成绩优良",
        "la.staff",
        minutes(51),
    )
    .await
    .unwrap();
    let v = s.sponsor_view("second", minutes(52)).await.unwrap();
    assert_eq!(v.sponsor.paid, Money::from_yuan(1500));
    assert_eq!(v.reports.len(), 1);
    assert_eq!(v.payments.len(), 1);
    assert!(v.identity.is_none());
    // With the household's consent the sponsor learns the name (here the member's own, as no
    // household record names the student: none, so still nothing).
    let staff = s
        .set_pairing_consent(id, &OrgScope::Everything, true, "hz.staff", minutes(53))
        .await
        .unwrap();
    assert!(staff.consent);
    assert_eq!(staff.listing.state, PairingState::Pledged);
    // Withdrawing a pledged student is refused naming the state.
    assert!(matches!(
        s.withdraw_pairing(id, &OrgScope::Everything, "hz.staff", minutes(54)).await,
        Err(StoreError::Conflict(m)) if m.contains("已结对")
    ));
    let audit = s.audit_log(50).await.unwrap();
    for action in [
        "pairing.publish",
        "pairing.claim",
        "pairing.confirm",
        "pairing.payment",
        "pairing.report",
        "pairing.consent",
    ] {
        assert!(audit.iter().any(|e| e.action == action), "{action}");
    }
}

async fn a_service_request_goes_to_completion_once_and_is_scored_once<S: Store + ServiceStore>(
    s: S,
) {
    let (m, other) = members(&s).await;
    let team = s
        .create_team(
            &code("LA"),
            &OrgScope::Under(code("LA")),
            "西湖志愿队",
            "0571-81890",
            "la.staff",
            minutes(0),
        )
        .await
        .unwrap();
    assert!(matches!(
        s.create_team(
            &code("SC"),
            &OrgScope::Under(code("LA")),
            "x",
            "y",
            "la",
            minutes(0)
        )
        .await,
        Err(StoreError::NotFound(_))
    ));
    let offer = s
        .add_offer(
            team.id,
            &OrgScope::Everything,
            "家电维修",
            "西湖区",
            "周一至周五 9:00-17:00",
            "0571-81890",
            "la.staff",
            minutes(1),
        )
        .await
        .unwrap();
    assert_eq!(s.search_offers("家电", 10).await.unwrap().len(), 1);
    assert_eq!(s.search_offers("西湖志愿", 10).await.unwrap().len(), 1);
    assert!(s.search_offers("法律", 10).await.unwrap().is_empty());
    let r = s
        .request_service(
            m,
            &OrgScope::Under(code("LA")),
            offer.id,
            "冰箱坏了",
            today(),
            "zs",
            minutes(2),
        )
        .await
        .unwrap();
    assert_eq!(r.state, RequestState::Requested);
    assert!(matches!(
        s.request_service(
            other,
            &OrgScope::Under(code("LA")),
            offer.id,
            "",
            today(),
            "x",
            minutes(2)
        )
        .await,
        Err(StoreError::NotFound(_))
    ));
    let change = |step, from, to| RequestChange {
        request: r.id,
        from,
        to,
        step,
        team: Some(team.id),
        reason: None,
        score: Some(5),
        by: "la.staff",
        at: minutes(3),
    };
    let la = RequestScope::Orgs(OrgScope::Under(code("LA")));
    use RequestState as St;
    s.change_request(
        &change(RequestStep::Accept, St::Requested, St::Accepted),
        &la,
    )
    .await
    .unwrap();
    // Two completions at once: one wins, the other is a conflict naming the state.
    let (c1, c2) = (
        change(RequestStep::Complete, St::Accepted, St::Completed),
        change(RequestStep::Complete, St::Accepted, St::Completed),
    );
    let (a, b) = tokio::join!(s.change_request(&c1, &la), s.change_request(&c2, &la));
    assert_eq!(u8::from(a.is_ok()) + u8::from(b.is_ok()), 1, "{a:?} {b:?}");
    let sc = RequestScope::Orgs(OrgScope::Under(code("SC")));
    assert!(matches!(
        s.service_request(r.id, &sc).await,
        Err(StoreError::NotFound(_))
    ));
    let own = RequestScope::Member(m);
    let scored = s
        .change_request(
            &change(RequestStep::Score, St::Completed, St::Completed),
            &own,
        )
        .await
        .unwrap();
    assert_eq!(scored.score, Some(5));
    let twice = s
        .change_request(
            &change(RequestStep::Score, St::Completed, St::Completed),
            &own,
        )
        .await;
    assert!(matches!(twice, Err(StoreError::Conflict(_))), "{twice:?}");
    let facts = s
        .service_facts(&OrgScope::Under(code("LA")), today(), today())
        .await
        .unwrap();
    assert_eq!(facts.len(), 1);
    assert_eq!(facts[0].state, RequestState::Completed);
    assert_eq!(facts[0].score, Some(5));
}

on_both!(
    two_hundred_concurrent_claims_on_twenty_students_give_exactly_twenty_holds,
    a_hold_ends_by_the_clock_and_the_student_is_listed_and_claimed_again,
    a_service_request_goes_to_completion_once_and_is_scored_once,
);
