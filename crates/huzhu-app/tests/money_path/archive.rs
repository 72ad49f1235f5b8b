//! The hardship-worker archive through the use cases (SPEC 7.2, issue 15), on both backends: a
//! unit opens a household's record, the street visits, the district reviews, the notice runs on
//! working days with an objection settled, the household is admitted; outside the subtree it is
//! not found, and a role without the step is forbidden.

use super::*;
use huzhu_app::archive::{self, ListFilter, OpenInput};
use huzhu_domain::archive::{FactsInput, HouseholdState, Level, PersonInput};
use huzhu_domain::notice::ObjectionOutcome;

fn street_staff() -> Actor {
    actor(
        "street",
        Role::FederationStaff,
        "LA-01",
        OrgLevel::Street,
        None,
    )
}

fn day(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

fn facts(income_fen: i64) -> FactsInput {
    FactsInput {
        size: 3,
        annual_income_fen: income_fen,
        medical_self_paid_fen: 0,
        people: vec![PersonInput {
            id_number: "110105201009010015".into(),
            name: "小明".into(),
            relation: "child".into(),
            school_level: Some("senior_secondary".into()),
            dialysis: false,
        }],
        ..FactsInput::default()
    }
}

pub(super) async fn a_household_is_archived_from_application_to_admission_through_the_use_cases<
    S: Repo,
>(
    s: S,
) {
    let clock = TestClock::on(2026, 3, 2);
    huzhu_app::demo::load_demo(&s, &clock).await.unwrap();
    let head = a_member(&s).await;
    // 30,000.00 a year for 3: p = 3,000,000 / 12 / 3 = 83,333 fen < 125,000: deep.
    let h = archive::open(
        &s,
        &clock,
        &officer(),
        &OpenInput {
            head,
            facts: facts(3_000_000),
        },
    )
    .await
    .unwrap();
    assert_eq!(h.state, HouseholdState::Applied);
    assert_eq!(h.category.as_deref(), Some("deep"));
    assert_eq!(h.per_head_monthly_income_fen, 83_333);
    assert!(!h.reasoning.is_empty());
    assert!(h.reasoning[0].explain.contains("83"), "{:?}", h.reasoning);
    assert_eq!(h.people.len(), 2, "the head is added as self");
    assert!(h.head_id_number.contains('*'), "masked");
    assert_eq!(h.programme, "hardship-archive");
    // A second application for the same head: one household, one file.
    let again = archive::open(
        &s,
        &clock,
        &officer(),
        &OpenInput {
            head,
            facts: facts(3_000_000),
        },
    )
    .await;
    assert!(
        matches!(again, Err(AppError::Conflict(ref m)) if m.contains("一户一档")),
        "{again:?}"
    );
    // Outside the subtree: not found; a unit officer takes no federation step.
    assert!(matches!(
        archive::get(&s, &clock, &other_officer(), h.id).await,
        Err(AppError::NotFound { .. })
    ));
    assert!(
        archive::list(&s, &clock, &other_officer(), &ListFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        archive::visit(&s, &clock, &officer(), h.id, day("2026-03-02"), "x").await,
        Err(AppError::Forbidden { .. })
    ));
    // The street may visit but not review.
    assert!(matches!(
        archive::review(&s, &clock, &street_staff(), h.id, "").await,
        Err(AppError::Forbidden { .. })
    ));
    clock.set(2026, 3, 3);
    archive::visit(
        &s,
        &clock,
        &street_staff(),
        h.id,
        day("2026-03-03"),
        "入户核实，情况属实",
    )
    .await
    .unwrap();
    archive::review(&s, &clock, &district_staff(), h.id, "同意公示")
        .await
        .unwrap();
    // Wednesday 4 March: 5 working days end on Tuesday 10 March.
    clock.set(2026, 3, 4);
    let n = archive::start_notice(&s, &clock, &district_staff(), h.id)
        .await
        .unwrap();
    let notice = n.notice.clone().unwrap();
    assert_eq!(n.state, HouseholdState::InNotice);
    assert_eq!(
        (notice.starts_on, notice.ends_on),
        (day("2026-03-04"), day("2026-03-10"))
    );
    assert_eq!(notice.state, "running");
    let public = archive::public_notices(&s, &clock).await.unwrap();
    assert_eq!(public.len(), 1);
    assert!(public[0].public_name.ends_with('*'));
    assert_eq!(public[0].summary, "deep");
    let shown = serde_json::to_string(&public).unwrap();
    assert!(
        !shown.contains("3000000") && !shown.contains("income"),
        "{shown}"
    );
    clock.set(2026, 3, 5);
    let o = archive::record_objection(
        &s,
        &clock,
        &street_staff(),
        notice.id,
        day("2026-03-05"),
        Some("匿名来电"),
        "该户有出租房屋收入",
    )
    .await
    .unwrap();
    clock.set(2026, 3, 11);
    let blocked = archive::admit(
        &s,
        &clock,
        &district_staff(),
        h.id,
        Level::CityCounty,
        day("2026-03-11"),
        "",
    )
    .await;
    assert!(
        matches!(blocked, Err(AppError::Conflict(ref m)) if m.contains("异议")),
        "{blocked:?}"
    );
    archive::settle_objection(
        &s,
        &clock,
        &district_staff(),
        o.id,
        ObjectionOutcome::Dismissed,
        "经核实房屋为自住",
    )
    .await
    .unwrap();
    let a = archive::admit(
        &s,
        &clock,
        &district_staff(),
        h.id,
        Level::CityCounty,
        day("2026-03-11"),
        "",
    )
    .await
    .unwrap();
    assert_eq!(a.state, HouseholdState::Admitted);
    assert_eq!(a.valid_until, Some(day("2027-03-11")));
    let steps: Vec<&str> = archive::timeline(&s, &district_staff(), h.id)
        .await
        .unwrap()
        .iter()
        .map(|e| e.step.code())
        .collect();
    assert_eq!(
        steps,
        [
            "open",
            "visit",
            "review",
            "start_notice",
            "objection",
            "settle_objection",
            "admit"
        ]
    );
    let admitted = archive::list(
        &s,
        &clock,
        &city_staff(),
        &ListFilter {
            state: Some(HouseholdState::Admitted),
            ..ListFilter::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(admitted.len(), 1);
    // The lapse sweep: nothing due now; 31 days after the anniversary it lapses.
    assert!(
        archive::lapse_sweep(&s, &clock, &district_staff(), day("2027-04-10"))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        archive::lapse_sweep(&s, &clock, &district_staff(), day("2027-04-11"))
            .await
            .unwrap(),
        vec![h.id]
    );
}

pub(super) async fn a_household_above_the_line_is_not_opened_and_its_arithmetic_says_why<
    S: Repo,
>(
    s: S,
) {
    let clock = TestClock::on(2026, 3, 2);
    huzhu_app::demo::load_demo(&s, &clock).await.unwrap();
    let head = a_member(&s).await;
    // p = 12,000,000 / 12 / 3 = 333,333 fen ≥ 2L: above the line.
    let r = archive::open(
        &s,
        &clock,
        &officer(),
        &OpenInput {
            head,
            facts: facts(12_000_000),
        },
    )
    .await;
    match r {
        Err(AppError::Invalid { field, message }) => {
            assert_eq!(field, "facts");
            assert!(message.contains("333"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let mut bad = facts(3_000_000);
    bad.people[0].id_number = "110105201009010011".into();
    assert!(matches!(
        archive::open(&s, &clock, &officer(), &OpenInput { head, facts: bad }).await,
        Err(AppError::Invalid { ref field, .. }) if field == "people[0].id_number"
    ));
    assert!(
        archive::list(&s, &clock, &officer(), &ListFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
}
