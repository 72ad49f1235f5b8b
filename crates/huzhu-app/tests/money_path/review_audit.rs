//! Expert review outcomes, the appeal deadline and the audit trail of the money path (issue 13),
//! through the use cases on both backends.

use super::*;
use huzhu_app::audit::{self, AuditFilter};

fn reviewer() -> Actor {
    actor(
        "reviewer",
        Role::MedicalReviewer,
        "HZ",
        OrgLevel::City,
        None,
    )
}

fn auditor() -> Actor {
    actor("auditor", Role::Auditor, "HZ", OrgLevel::City, None)
}

/// A member's claim for a stay, documents uploaded, accepted and computed, then sent to the
/// medical reviewer.
async fn at_the_expert<S: Repo>(
    s: &S,
    clock: &TestClock,
    staff: &Actor,
    me: &Actor,
    member: MemberId,
    (admitted, discharged, invoice): (&str, &str, &str),
) -> ClaimId {
    let c = create_claim(
        s,
        clock,
        me,
        &ClaimRequest {
            member,
            policy: None,
            claim: stay(admitted, discharged, invoice, None),
            submit: false,
        },
    )
    .await
    .unwrap();
    let id = ClaimId(c.id);
    upload_all(s, clock, me, id).await;
    act(s, clock, me, id, Action::Submit).await.unwrap();
    let c = act(s, clock, staff, id, Action::Accept).await.unwrap();
    assert_eq!(c.state, "computed");
    act(
        s,
        clock,
        staff,
        id,
        Action::SendToExpert {
            reason: "住院天数偏长".into(),
        },
    )
    .await
    .unwrap();
    id
}

/// The latest entries of one action, the whole log's (newest first).
async fn of_action<S: Repo>(s: &S, action: &str) -> Vec<huzhu_store::AuditEntry> {
    s.audit_page(&huzhu_store::AuditQuery {
        scope: huzhu_store::AuditScope::Everything,
        before: None,
        action: Some(action.into()),
        actor: None,
        from: None,
        until: None,
        limit: 500,
    })
    .await
    .unwrap()
    .into_iter()
    .map(|r| r.entry)
    .collect()
}

/// The entries of one action about one claim.
async fn entries_of<S: Repo>(s: &S, action: &str, claim: ClaimId) -> Vec<huzhu_store::AuditEntry> {
    of_action(s, action)
        .await
        .into_iter()
        .filter(|e| e.subject.contains(&format!("申请 {} ", claim.0)))
        .collect()
}

pub async fn an_expert_s_opinion_decides_the_claim_s_next_step<S: Repo>(s: S) {
    let clock = TestClock::on(2021, 11, 1);
    let member = an_enrolled_member(&s, &clock).await;
    let me = actor(
        "me",
        Role::Member,
        "LA-01-001",
        OrgLevel::Grassroots,
        Some(member.0),
    );

    // Agree: the claim goes on to approval.
    let agreed = at_the_expert(
        &s,
        &clock,
        &city_staff(),
        &me,
        member,
        ("2022-05-01", "2022-05-03", "E-1"),
    )
    .await;
    let v = act(
        &s,
        &clock,
        &reviewer(),
        agreed,
        Action::ExpertClear {
            opinion: "符合".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(v.state, "reviewed");
    assert_eq!(v.expert_opinion.as_ref().unwrap().verdict, "agree");
    let v = act(&s, &clock, &city_staff(), agreed, Action::Approve)
        .await
        .unwrap();
    assert_eq!(v.state, "approved");

    // Disagree: back to the approver, who cannot approve it but may refuse it.
    let refused = at_the_expert(
        &s,
        &clock,
        &city_staff(),
        &me,
        member,
        ("2022-05-05", "2022-05-07", "E-2"),
    )
    .await;
    assert!(matches!(
        act(
            &s,
            &clock,
            &reviewer(),
            refused,
            Action::ExpertDisagree {
                reasons: " ".into()
            }
        )
        .await,
        Err(AppError::Transition(_))
    ));
    let v = act(
        &s,
        &clock,
        &reviewer(),
        refused,
        Action::ExpertDisagree {
            reasons: "入院指征不足".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(v.state, "reviewed");
    let o = v.expert_opinion.clone().unwrap();
    assert_eq!((o.verdict, o.text.as_str()), ("disagree", "入院指征不足"));
    match act(&s, &clock, &city_staff(), refused, Action::Approve).await {
        Err(AppError::Transition(e)) => assert!(e.to_string().contains("不同意"), "{e}"),
        other => panic!("an approval against the expert must be refused: {other:?}"),
    }
    let v = act(
        &s,
        &clock,
        &city_staff(),
        refused,
        Action::Reject {
            reason: "专家意见：入院指征不足".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(v.state, "rejected");
    assert_eq!(v.approved_fen, 0);

    // More documents: returned for them; once they are in, an expert must see it again.
    let more = at_the_expert(
        &s,
        &clock,
        &city_staff(),
        &me,
        member,
        ("2022-05-10", "2022-05-12", "E-3"),
    )
    .await;
    let v = act(
        &s,
        &clock,
        &reviewer(),
        more,
        Action::ExpertMoreDocuments {
            documents: vec!["pathology_report".into(), "检查报告".into()],
        },
    )
    .await
    .unwrap();
    assert_eq!(v.state, "returned");
    assert_eq!(v.returned_for, ["pathology_report", "检查报告"]);
    assert_eq!(v.expert_opinion.as_ref().unwrap().verdict, "more_documents");
    act(&s, &clock, &me, more, Action::Submit).await.unwrap();
    let v = act(&s, &clock, &city_staff(), more, Action::Accept)
        .await
        .unwrap();
    assert_eq!(v.state, "computed");
    assert!(v.review_reason.is_some(), "selected for the expert again");
    act(&s, &clock, &city_staff(), more, Action::Review)
        .await
        .unwrap();
    assert!(matches!(
        act(&s, &clock, &city_staff(), more, Action::Approve).await,
        Err(AppError::Transition(_))
    ));

    // Each opinion is one audit entry, with its words.
    let e = entries_of(&s, "claim.expert_disagree", refused).await;
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].detail.contains("入院指征不足"), "{}", e[0].detail);
    assert_eq!(e[0].org, Some(code("LA-01-001")));
    assert_eq!(
        entries_of(&s, "claim.expert_more_documents", more)
            .await
            .len(),
        1
    );
}

pub async fn an_appeal_is_taken_until_the_deadline_the_letter_gives<S: Repo>(s: S) {
    let clock = TestClock::on(2021, 11, 1);
    let member = an_enrolled_member(&s, &clock).await;
    let me = actor(
        "me",
        Role::Member,
        "LA-01-001",
        OrgLevel::Grassroots,
        Some(member.0),
    );
    let id = at_the_expert(
        &s,
        &clock,
        &city_staff(),
        &me,
        member,
        ("2022-05-01", "2022-05-05", "A-1"),
    )
    .await;
    let v = act(
        &s,
        &clock,
        &city_staff(),
        id,
        Action::Reject {
            reason: "不符合".into(),
        },
    )
    .await
    .unwrap();
    // Rejected on 2022-06-01: 60 days to appeal.
    let deadline = chrono::NaiveDate::from_ymd_opt(2022, 7, 31).unwrap();
    assert_eq!(v.appeal_deadline, Some(deadline));
    clock.set(2022, 8, 1);
    match act(
        &s,
        &clock,
        &me,
        id,
        Action::Appeal {
            reason: "不服".into(),
        },
    )
    .await
    {
        Err(AppError::Transition(e)) => assert!(e.to_string().contains("2022-07-31"), "{e}"),
        other => panic!("a late appeal must be refused: {other:?}"),
    }
    assert!(entries_of(&s, "claim.appeal", id).await.is_empty());
    clock.set(2022, 7, 31);
    let v = act(
        &s,
        &clock,
        &me,
        id,
        Action::Appeal {
            reason: "不服".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(v.state, "appealed");
    assert_eq!(entries_of(&s, "claim.appeal", id).await.len(), 1);
}

pub async fn every_change_of_money_writes_one_audit_entry_that_reads_in_yuan<S: Repo>(s: S) {
    let clock = TestClock::on(2021, 11, 1);
    huzhu_app::demo::load_demo(&s, &clock).await.unwrap();
    let count = |action: &'static str| {
        let s = s.clone();
        async move { of_action(&s, action).await.len() }
    };
    let enrolments = count("enrolment").await;
    let out = enrol_unit(
        &s,
        &clock,
        &officer(),
        &EnrolUnit {
            unit: code("LA-01-001"),
            policy: "hangzhou-2022".into(),
            items: vec![("A".into(), 1)],
            members: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(count("enrolment").await, enrolments + 1);
    // Enrolling again is refused and leaves no entry (the bill and its entry roll back).
    assert!(enrol_unit(
        &s,
        &clock,
        &officer(),
        &EnrolUnit {
            unit: code("LA-01-001"),
            policy: "hangzhou-2022".into(),
            items: vec![("A".into(), 1)],
            members: None,
        },
    )
    .await
    .is_err());
    assert_eq!(count("enrolment").await, enrolments + 1);
    let log = of_action(&s, "enrolment").await;
    let e = &log[0];
    assert!(
        e.detail
            .contains(&format!("应缴 {} 元", out.bill.amount.yuan_string())),
        "{}",
        e.detail
    );
    assert_eq!(e.org, Some(code("LA-01-001")));

    let paid = count("bill.paid").await;
    pay_bill(&s, &clock, &finance(), out.bill.id, "BANK-1")
        .await
        .unwrap();
    assert!(pay_bill(&s, &clock, &finance(), out.bill.id, "BANK-1")
        .await
        .is_err());
    assert_eq!(count("bill.paid").await, paid + 1);

    // A claim: each step one entry, approval in 元.
    clock.set(2022, 6, 1);
    let member = a_member(&s).await;
    let me = actor(
        "me",
        Role::Member,
        "LA-01-001",
        OrgLevel::Grassroots,
        Some(member.0),
    );
    let c = create_claim(
        &s,
        &clock,
        &me,
        &ClaimRequest {
            member,
            policy: None,
            claim: stay("2022-05-01", "2022-05-11", "AU-1", None),
            submit: true,
        },
    )
    .await
    .unwrap();
    let id = ClaimId(c.id);
    assert_eq!(entries_of(&s, "claim.submit", id).await.len(), 1);
    upload_all(&s, &clock, &me, id).await;
    act(&s, &clock, &city_staff(), id, Action::Accept)
        .await
        .unwrap();
    act(&s, &clock, &city_staff(), id, Action::Review)
        .await
        .unwrap();
    let v = act(&s, &clock, &city_staff(), id, Action::Approve)
        .await
        .unwrap();
    for action in [
        "claim.accept",
        "claim.compute",
        "claim.review",
        "claim.approve",
    ] {
        assert_eq!(entries_of(&s, action, id).await.len(), 1, "{action}");
    }
    let approve = &entries_of(&s, "claim.approve", id).await[0];
    let yuan = huzhu_domain::money::Money::from_fen(v.approved_fen).yuan_string();
    assert!(
        approve.detail.contains(&format!("核准 {yuan} 元")),
        "{}",
        approve.detail
    );
    assert!(
        approve.detail.contains("已审核 → 已审批"),
        "{}",
        approve.detail
    );
    assert!(!approve.detail.contains("fen"), "{}", approve.detail);
    assert_eq!(approve.actor, "city");

    // A stale change (the claim moved meanwhile) writes nothing, no entry either.
    let stale = s.claim(id).await.unwrap();
    let before = s.audit_log(1).await.unwrap();
    let change = huzhu_store::money::ClaimChange {
        claim: id,
        expected_version: stale.version - 1,
        fields: stale.fields.clone(),
        event: huzhu_store::money::ClaimEvent {
            action: "review".into(),
            from: Some(State::Approved),
            to: State::Approved,
            actor: "x".into(),
            actor_role: "federation_staff".into(),
            reason: String::new(),
            at: clock.now(),
        },
        entries: vec![],
    };
    assert!(s.change_claim(&change).await.is_err());
    assert_eq!(
        s.audit_log(1).await.unwrap(),
        before,
        "the newest entry is unchanged"
    );
}

pub async fn the_audit_log_is_filtered_and_exported_and_the_export_is_logged<S: Repo>(s: S) {
    let clock = TestClock::on(2021, 11, 1);
    let member = an_enrolled_member(&s, &clock).await;
    let me = actor(
        "me",
        Role::Member,
        "LA-01-001",
        OrgLevel::Grassroots,
        Some(member.0),
    );
    // 2022-06-01: one claim accepted; 2022-06-03: another, by an account of this test's own.
    let staff = actor(
        "au.staff",
        Role::FederationStaff,
        "HZ",
        OrgLevel::City,
        None,
    );
    let first = at_the_expert(
        &s,
        &clock,
        &staff,
        &me,
        member,
        ("2022-05-01", "2022-05-05", "F-1"),
    )
    .await;
    clock.set(2022, 6, 3);
    let second = at_the_expert(
        &s,
        &clock,
        &staff,
        &me,
        member,
        ("2022-05-10", "2022-05-12", "F-2"),
    )
    .await;
    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2022, 6, d);
    let read = |f: AuditFilter, org: Option<OrgCode>| {
        let s = s.clone();
        async move {
            audit::log(&s, &auditor(), org.as_ref(), None, &f, 500)
                .await
                .unwrap()
        }
    };
    let by_action = AuditFilter {
        action: Some("claim.accept".into()),
        actor: Some("au.staff".into()),
        ..Default::default()
    };
    assert_eq!(read(by_action.clone(), None).await.len(), 2);
    let on_the_first = read(
        AuditFilter {
            from: day(1),
            to: day(1),
            ..by_action.clone()
        },
        None,
    )
    .await;
    assert_eq!(on_the_first.len(), 1);
    assert!(on_the_first[0]
        .entry
        .subject
        .contains(&format!("申请 {} ", first.0)));
    let from_the_second = read(
        AuditFilter {
            from: day(2),
            ..by_action.clone()
        },
        None,
    )
    .await;
    assert_eq!(from_the_second.len(), 1);
    assert!(from_the_second[0]
        .entry
        .subject
        .contains(&format!("申请 {} ", second.0)));
    let by_me = read(
        AuditFilter {
            actor: Some("me".into()),
            ..Default::default()
        },
        None,
    )
    .await;
    assert!(!by_me.is_empty());
    assert!(by_me.iter().all(|r| r.entry.actor == "me"));
    // Two claims created and submitted by the member, in words.
    assert_eq!(
        by_me
            .iter()
            .filter(|r| r.entry.action == "claim.submit")
            .count(),
        2
    );
    // Another district's subtree holds none of these claims.
    assert!(read(by_action.clone(), Some(code("SC"))).await.is_empty());
    assert_eq!(read(by_action.clone(), Some(code("LA"))).await.len(), 2);
    // A first day after the last is refused.
    assert!(matches!(
        audit::log(
            &s,
            &auditor(),
            None,
            None,
            &AuditFilter {
                from: day(3),
                to: day(1),
                ..Default::default()
            },
            10
        )
        .await,
        Err(AppError::Invalid { .. })
    ));
    // A member may not read it.
    assert!(audit::log(&s, &me, None, None, &AuditFilter::default(), 10)
        .await
        .is_err());

    let xlsx = audit::export_xlsx(&s, &clock, &auditor(), None, &by_action)
        .await
        .unwrap();
    assert!(xlsx.starts_with(b"PK"), "an xlsx is a zip");
    let exports = read(
        AuditFilter {
            action: Some("audit.export".into()),
            ..Default::default()
        },
        None,
    )
    .await;
    assert_eq!(exports.len(), 1);
    assert_eq!(exports[0].entry.actor, "auditor");
    assert!(
        exports[0].entry.detail.starts_with("2 条"),
        "{}",
        exports[0].entry.detail
    );
    assert!(exports[0].entry.detail.contains("claim.accept"));
}
