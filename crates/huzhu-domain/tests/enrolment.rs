//! Enrolment planning and bills (SPEC 4, 4.1), amounts computed by hand in each case.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use huzhu_domain::enrolment::{
    bill, bill_payer, plan_enrolment, BillLine, EnrolmentCandidate, EnrolmentError,
    EnrolmentRequest, PlannedEnrolment, PreviousEnrolment,
};
use huzhu_domain::member::EmploymentStatus;
use huzhu_domain::policy::{builtin, Policy};
use huzhu_domain::{Gender, Money};
use rstest::rstest;

fn policy(name: &str) -> Policy {
    builtin(name).unwrap().unwrap()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn yuan(y: i64) -> Money {
    Money::from_yuan(y)
}

fn candidate(gender: Gender, previous: &[(&str, &str)]) -> EnrolmentCandidate {
    EnrolmentCandidate {
        status: EmploymentStatus::InService,
        gender,
        previous: previous
            .iter()
            .map(|(item, end)| PreviousEnrolment {
                item: (*item).into(),
                cycle_end: d(end),
            })
            .collect(),
    }
}

fn request(items: &[(&str, u32)]) -> EnrolmentRequest {
    EnrolmentRequest {
        items: items.iter().map(|(i, s)| ((*i).into(), *s)).collect(),
    }
}

fn woman() -> EnrolmentCandidate {
    candidate(Gender::Female, &[])
}

/// hangzhou-2022: window 2021-10-15 … 2021-12-15, cycle 2022. A renewing member (enrolled in A in
/// 2021) asks for A on each date.
#[rstest]
#[case::first_day_of_the_window("2021-10-15", "2022-01-01", true)]
#[case::last_day_of_the_window("2021-12-15", "2022-01-01", true)]
#[case::after_the_window_before_the_cycle("2021-12-16", "2022-01-01", false)]
#[case::late_in_the_cycle("2022-06-10", "2022-06-10", false)]
#[case::last_day_of_the_cycle("2022-12-31", "2022-12-31", false)]
fn the_request_date_sets_the_start_and_whether_it_is_a_renewal(
    #[case] today: &str,
    #[case] start: &str,
    #[case] renewal: bool,
) {
    let p = policy("hangzhou-2022");
    let m = candidate(Gender::Female, &[("A", "2021-12-31")]);
    let plan = plan_enrolment(&p, d(today), &m, &request(&[("A", 1)])).unwrap();
    assert_eq!(
        plan,
        vec![PlannedEnrolment {
            item: "A".into(),
            shares: 1,
            start: d(start),
            renewal,
            // A per-cycle contribution is never prorated.
            contribution: yuan(36),
        }]
    );
}

#[test]
fn a_request_before_the_window_opens_is_refused() {
    let p = policy("hangzhou-2022");
    let e = plan_enrolment(&p, d("2021-10-14"), &woman(), &request(&[("A", 1)])).unwrap_err();
    assert_eq!(
        e,
        EnrolmentError::BeforeWindow {
            today: d("2021-10-14"),
            window_start: d("2021-10-15"),
        }
    );
    assert!(e.to_string().contains("2021-10-15"));
}

#[test]
fn a_request_after_the_cycle_is_refused() {
    let p = policy("hangzhou-2022");
    let e = plan_enrolment(&p, d("2023-01-01"), &woman(), &request(&[("A", 1)])).unwrap_err();
    assert_eq!(
        e,
        EnrolmentError::CycleOver {
            today: d("2023-01-01"),
            cycle_end: d("2022-12-31"),
        }
    );
}

/// Renewal needs the same item in a cycle ending the day before 2022-01-01.
#[rstest]
#[case::same_item_previous_cycle(&[("A", "2021-12-31")], true)]
#[case::a_gap_year(&[("A", "2020-12-31")], false)]
#[case::another_item(&[("B", "2021-12-31")], false)]
#[case::never_enrolled(&[], false)]
fn renewal_is_continuity_in_the_same_item(
    #[case] previous: &[(&str, &str)],
    #[case] renewal: bool,
) {
    let p = policy("hangzhou-2022");
    let m = candidate(Gender::Male, previous);
    let plan = plan_enrolment(&p, d("2021-11-01"), &m, &request(&[("A", 1)])).unwrap();
    assert_eq!(plan[0].renewal, renewal);
    assert_eq!(plan[0].to_enrolment().renewal, renewal);
}

#[rstest]
#[case::zero_shares("hangzhou-2022", "A", 0, EnrolmentError::ZeroShares { item: "A".into() })]
#[case::two_shares_where_one_is_allowed(
    "hangzhou-2022",
    "A",
    2,
    EnrolmentError::TooManyShares { item: "A".into(), shares: 2, max: 1 }
)]
#[case::six_shares_where_five_are_allowed(
    "wenzhou-2018",
    "Z",
    6,
    EnrolmentError::TooManyShares { item: "Z".into(), shares: 6, max: 5 }
)]
fn shares_outside_the_policy_limits_are_refused(
    #[case] name: &str,
    #[case] item: &str,
    #[case] shares: u32,
    #[case] expected: EnrolmentError,
) {
    let p = policy(name);
    let today = p.enrolment.window.start;
    let e = plan_enrolment(&p, today, &woman(), &request(&[(item, shares)])).unwrap_err();
    assert!(e.to_string().contains("shares"), "{e}");
    assert_eq!(e, expected);
}

#[test]
fn five_shares_are_allowed_where_the_policy_says_five() {
    // wenzhou-2018's seed member: 2 × Z (30), 2 × F (20), 1 × H (50) = 60 + 40 + 50 = 150 yuan.
    let p = policy("wenzhou-2018");
    let plan = plan_enrolment(
        &p,
        d("2017-11-01"),
        &woman(),
        &request(&[("Z", 2), ("F", 2), ("H", 1)]),
    )
    .unwrap();
    let b = bill(&p, &plan).unwrap();
    assert_eq!(b.total, yuan(150));
    let plan = plan_enrolment(&p, d("2017-11-01"), &woman(), &request(&[("Z", 5)])).unwrap();
    assert_eq!(plan[0].contribution, yuan(150));
}

#[rstest]
#[case::retired(EmploymentStatus::Retired, "离退休")]
#[case::reemployed_retiree(EmploymentStatus::ReemployedRetiree, "退休返聘")]
fn members_not_in_service_are_refused_by_status(
    #[case] status: EmploymentStatus,
    #[case] label: &str,
) {
    let p = policy("hangzhou-2022");
    let mut m = woman();
    m.status = status;
    let e = plan_enrolment(&p, d("2021-11-01"), &m, &request(&[("A", 1)])).unwrap_err();
    assert_eq!(e, EnrolmentError::NotEligible { status });
    let text = e.to_string();
    assert!(
        text.contains(label) && text.contains(status.code()),
        "{text}"
    );
}

#[test]
fn retired_model_workers_are_eligible_where_the_policy_says_so() {
    let p = policy("lucheng-model-workers");
    let mut m = woman();
    m.status = EmploymentStatus::Retired;
    let item = p.items[0].id.clone();
    assert!(plan_enrolment(&p, d("2020-11-01"), &m, &request(&[(&item, 1)])).is_ok());
}

#[test]
fn a_man_cannot_enrol_in_the_womens_item() {
    let p = policy("hangzhou-2022");
    let man = candidate(Gender::Male, &[]);
    let e = plan_enrolment(&p, d("2021-11-01"), &man, &request(&[("A", 1), ("C", 1)])).unwrap_err();
    assert_eq!(
        e,
        EnrolmentError::Gender {
            item: "C".into(),
            only: Gender::Female
        }
    );
    assert!(e.to_string().contains("仅限女性"), "{e}");
}

#[test]
fn an_unknown_item_is_named() {
    let p = policy("hangzhou-2022");
    let e = plan_enrolment(&p, d("2021-11-01"), &woman(), &request(&[("D", 1)])).unwrap_err();
    assert_eq!(
        e,
        EnrolmentError::UnknownItem {
            policy: "hangzhou-2022".into(),
            item: "D".into()
        }
    );
    assert!(e.to_string().contains("`D`"));
}

#[test]
fn an_item_asked_twice_is_refused() {
    let p = policy("hangzhou-2022");
    let e = plan_enrolment(
        &p,
        d("2021-11-01"),
        &woman(),
        &request(&[("A", 1), ("A", 1)]),
    )
    .unwrap_err();
    assert_eq!(e, EnrolmentError::DuplicateItem { item: "A".into() });
}

#[test]
fn the_plan_follows_the_policys_item_order() {
    let p = policy("hangzhou-2022");
    let plan = plan_enrolment(
        &p,
        d("2021-11-01"),
        &woman(),
        &request(&[("C", 1), ("A", 1), ("B", 1)]),
    )
    .unwrap();
    let items: Vec<&str> = plan.iter().map(|e| e.item.as_str()).collect();
    assert_eq!(items, ["A", "B", "C"]);
}

#[test]
fn a_unit_of_three_women_pays_348_yuan_under_hangzhou() {
    // Each woman: A 36 + B 60 + C 20 = 116 yuan; three of them: 3 × 116 = 348 yuan.
    let p = policy("hangzhou-2022");
    let abc = request(&[("A", 1), ("B", 1), ("C", 1)]);
    let planned: Vec<PlannedEnrolment> = (0..3)
        .flat_map(|_| plan_enrolment(&p, d("2021-11-01"), &woman(), &abc).unwrap())
        .collect();
    let b = bill(&p, &planned).unwrap();
    assert_eq!(
        b.lines,
        vec![
            BillLine {
                item: "A".into(),
                members: 3,
                shares: 3,
                amount: yuan(108)
            },
            BillLine {
                item: "B".into(),
                members: 3,
                shares: 3,
                amount: yuan(180)
            },
            BillLine {
                item: "C".into(),
                members: 3,
                shares: 3,
                amount: yuan(60)
            },
        ]
    );
    assert_eq!(b.total, yuan(348));
}

#[test]
fn a_mixed_unit_pays_c_for_its_women_only() {
    // Two women in A, B, C (2 × 116 = 232) and a man in A and B (36 + 60 = 96): 328 yuan.
    let p = policy("hangzhou-2022");
    let man = candidate(Gender::Male, &[]);
    let mut planned =
        plan_enrolment(&p, d("2021-11-01"), &man, &request(&[("B", 1), ("A", 1)])).unwrap();
    for _ in 0..2 {
        planned.extend(
            plan_enrolment(
                &p,
                d("2021-11-01"),
                &woman(),
                &request(&[("A", 1), ("B", 1), ("C", 1)]),
            )
            .unwrap(),
        );
    }
    let b = bill(&p, &planned).unwrap();
    let c = b.lines.iter().find(|l| l.item == "C").unwrap();
    assert_eq!((c.members, c.amount), (2, yuan(40)));
    assert_eq!(b.total, yuan(328));
}

#[test]
fn nobody_enrolled_is_an_empty_bill() {
    let b = bill(&policy("hangzhou-2022"), &[]).unwrap();
    assert!(b.lines.is_empty());
    assert_eq!(b.total, Money::ZERO);
}

#[test]
fn a_planned_item_the_policy_lacks_is_refused_on_the_bill() {
    let p = policy("hangzhou-2022");
    let stray = PlannedEnrolment {
        item: "H".into(),
        shares: 1,
        start: d("2022-01-01"),
        renewal: false,
        contribution: yuan(36),
    };
    assert!(matches!(
        bill(&p, &[stray]),
        Err(EnrolmentError::UnknownItem { item, .. }) if item == "H"
    ));
}

/// linan-2014: item H costs 3 yuan a month, item K nothing; window 2013-11-01 … 2013-12-31.
#[rstest]
#[case::in_the_window("2013-11-01", "2014-01-01", 36)] // 12 months × 3
#[case::late_on_the_first_of_a_month("2014-03-01", "2014-03-01", 30)] // March … December: 10 × 3
#[case::late_mid_month("2014-03-15", "2014-03-15", 27)] // whole months left: 9 × 3
#[case::late_in_the_last_month("2014-12-02", "2014-12-02", 0)] // no whole month left
#[case::late_on_the_first_of_the_last_month("2014-12-01", "2014-12-01", 3)]
fn a_monthly_contribution_is_charged_for_the_whole_months_of_cover(
    #[case] today: &str,
    #[case] start: &str,
    #[case] yuan_h: i64,
) {
    let p = policy("linan-2014");
    let plan = plan_enrolment(&p, d(today), &woman(), &request(&[("H", 1), ("K", 1)])).unwrap();
    assert_eq!(plan[0].start, d(start));
    assert_eq!(plan[0].contribution, yuan(yuan_h));
    assert_eq!(plan[1].contribution, Money::ZERO);
}

#[test]
fn a_linan_unit_of_four_pays_144_yuan_for_the_cycle() {
    // 4 members × 12 months × 3 yuan = 144 yuan, all on item H; item K costs nothing.
    let p = policy("linan-2014");
    let hk = request(&[("H", 1), ("K", 1)]);
    let planned: Vec<PlannedEnrolment> = (0..4)
        .flat_map(|_| plan_enrolment(&p, d("2013-12-31"), &woman(), &hk).unwrap())
        .collect();
    let b = bill(&p, &planned).unwrap();
    assert_eq!(
        b.lines,
        vec![
            BillLine {
                item: "H".into(),
                members: 4,
                shares: 4,
                amount: yuan(144)
            },
            BillLine {
                item: "K".into(),
                members: 4,
                shares: 4,
                amount: Money::ZERO
            },
        ]
    );
    assert_eq!(b.total, yuan(144));
}

#[test]
fn the_engine_reads_a_plan_late_enrolments_wait_and_renewals_do_not() {
    use huzhu_domain::engine::{adjudicate_scenario, Reason};
    use huzhu_domain::scenario::{Member, Scenario};
    use huzhu_domain::IdNumber;

    let p = policy("hangzhou-2022");
    let stay = |enrolments: Vec<PlannedEnrolment>, admitted: &str| {
        let text = serde_json::json!({
            "member": {"id_number": "330106198503150024", "status": "in_service", "enrolments": []},
            "claims": [{"id": "c1", "kind": "hospital_stay", "submitted": "2022-12-31",
                        "admitted": admitted, "discharged": admitted, "hospital_grade": 3,
                        "costs_fen": {"self_borne": 500_000}}],
        })
        .to_string();
        let mut s = Scenario::from_json(&text).unwrap();
        s.member = Member {
            id_number: IdNumber::parse("330106198503150024", d("2022-12-31")).unwrap(),
            enrolments: enrolments
                .iter()
                .map(PlannedEnrolment::to_enrolment)
                .collect(),
            ..s.member
        };
        adjudicate_scenario(&p, &s).unwrap().remove(0)
    };
    let renewing = candidate(Gender::Female, &[("A", "2021-12-31")]);
    let renewal = plan_enrolment(&p, d("2021-11-01"), &renewing, &request(&[("A", 1)])).unwrap();
    assert_eq!(
        stay(renewal, "2022-01-05").payable,
        Money::from_fen(200_000)
    ); // 50% × 4,000
       // Late on 2022-03-01: covered from 2022-03-01 + 90 days = 2022-05-30.
    let late = plan_enrolment(&p, d("2022-03-01"), &renewing, &request(&[("A", 1)])).unwrap();
    let refused = stay(late.clone(), "2022-05-29");
    assert_eq!(refused.not_payable[0].reason, Reason::WaitingPeriod);
    assert_eq!(stay(late, "2022-05-30").payable, Money::from_fen(200_000));
}

fn chain(orgs: &[(&str, &str)]) -> Vec<(huzhu_domain::org::OrgCode, String)> {
    orgs.iter()
        .map(|(c, r)| {
            (
                huzhu_domain::org::OrgCode::parse(c).unwrap(),
                (*r).to_string(),
            )
        })
        .collect()
}

#[rstest]
// A unit-paid policy bills the unit, wherever it is.
#[case("hangzhou-2022", &[("HZ", "330100"), ("LA", "330112"), ("LA-01", "330112"), ("LA-01-001", "330112")], "LA-01-001")]
// Lucheng's model workers: the highest org above the unit in the policy's region 330302 pays —
// the district federation, not the street below it nor the unit.
#[case("lucheng-model-workers", &[("WZ", "330300"), ("LC", "330302"), ("LC-01", "330302"), ("LC-01-001", "330302")], "LC")]
// No org above the unit in the policy's region: the city federation at the top pays.
#[case("lucheng-model-workers", &[("HZ", "330100"), ("LA", "330112"), ("LA-01", "330112"), ("LA-01-001", "330302")], "HZ")]
fn a_federation_paid_policy_bills_the_federation_that_publishes_it(
    #[case] name: &str,
    #[case] orgs: &[(&str, &str)],
    #[case] payer: &str,
) {
    let c = chain(orgs);
    assert_eq!(bill_payer(&policy(name), &c).unwrap().as_str(), payer);
}

#[test]
fn a_federation_paid_policy_needs_an_org_above_the_unit() {
    let alone = chain(&[("LC-01-001", "330302")]);
    assert_eq!(bill_payer(&policy("lucheng-model-workers"), &alone), None);
    assert_eq!(
        bill_payer(&policy("hangzhou-2022"), &alone)
            .unwrap()
            .as_str(),
        "LC-01-001"
    );
    assert_eq!(bill_payer(&policy("hangzhou-2022"), &[]), None);
}
