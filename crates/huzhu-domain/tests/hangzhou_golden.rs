//! Golden decisions for `hangzhou-2022` (SPEC 4.1). Every expected amount is computed by hand in
//! the comment beside it, never copied from the engine's output.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::json;

const A: &str = "self_borne_subsidy";
const LIVING: &str = "living_allowance";
const MAJOR: &str = "major_disease";
const MILD: &str = "mild_disease";

/// Enrolled in A only: every stay also reports B's living allowance as not enrolled, once.
fn a_only(claims: Vec<serde_json::Value>) -> Vec<Summary> {
    run(member(&["A"]), claims).iter().map(summary).collect()
}

#[test]
fn a_stay_at_the_deductible_is_a_line_of_zero() {
    // x = 1,000.00: nothing up to 1,000.
    let d = a_only(vec![stay("c1", "2022-03-01", "2022-03-05", yuan(1000))]);
    assert_eq!(
        d[0],
        (
            0,
            vec![line("A", A, 0)],
            vec![no("B", LIVING, "not_enrolled")]
        )
    );
}

#[test]
fn one_fen_above_the_deductible_rounds_half_up() {
    // 50% × 0.01 = 0.005 → 0.01
    let d = a_only(vec![stay("c1", "2022-03-01", "2022-03-05", yuan(1000) + 1)]);
    assert_eq!(d[0].1, vec![line("A", A, 1)]);
}

#[test]
fn each_band_boundary_pays_the_bands_below_it() {
    // 10,000: 50% × 9,000 = 4,500.00
    let d = a_only(vec![stay("c1", "2022-03-01", "2022-03-05", yuan(10_000))]);
    assert_eq!(d[0].0, yuan(4_500));
    // 30,000: 4,500 + 60% × 20,000 = 16,500.00
    let d = a_only(vec![stay("c1", "2022-03-01", "2022-03-05", yuan(30_000))]);
    assert_eq!(d[0].0, yuan(16_500));
    // 40,000: 16,500 + 70% × 10,000 = 23,500.00
    let d = a_only(vec![stay("c1", "2022-03-01", "2022-03-05", yuan(40_000))]);
    assert_eq!(d[0].0, yuan(23_500));
    // 12,000: 4,500 + 60% × 2,000 = 5,700.00 (the SPEC 10 example)
    let d = a_only(vec![stay("c1", "2022-03-01", "2022-03-05", yuan(12_000))]);
    assert_eq!(d[0].0, yuan(5_700));
}

#[test]
fn a_claim_above_the_item_cap_pays_the_cap_and_reports_the_rest() {
    // 60,000: 16,500 + 70% × 30,000 = 37,500 > cap 30,200
    let d = a_only(vec![stay("c1", "2022-03-01", "2022-03-05", yuan(60_000))]);
    assert_eq!(
        d[0],
        (
            yuan(30_200),
            vec![line("A", A, yuan(30_200))],
            vec![no("A", A, "cap_reached"), no("B", LIVING, "not_enrolled")]
        )
    );
}

#[test]
fn the_cap_crossed_mid_claim_pays_what_is_left_then_nothing() {
    let d = a_only(vec![
        // f(40,000) = 23,500
        stay("c1", "2022-03-01", "2022-03-05", yuan(40_000)),
        // f(60,000) − f(40,000) = 37,500 − 23,500 = 14,000; left 30,200 − 23,500 = 6,700
        stay("c2", "2022-04-01", "2022-04-05", yuan(20_000)),
        // cap used up
        stay("c3", "2022-05-01", "2022-05-05", yuan(5_000)),
    ]);
    assert_eq!(d[0].0, yuan(23_500));
    assert_eq!(d[1].1, vec![line("A", A, yuan(6_700))]);
    assert_eq!(d[1].2[0], no("A", A, "cap_reached"));
    assert_eq!(d[2].0, 0);
    assert!(d[2].1.is_empty());
    assert_eq!(d[2].2[0], no("A", A, "cap_reached"));
}

#[test]
fn splitting_a_stay_into_two_claims_pays_the_same_total() {
    let d = a_only(vec![
        // f(6,000) = 50% × 5,000 = 2,500
        stay("c1", "2022-03-01", "2022-03-05", yuan(6_000)),
        // f(12,000) − f(6,000) = 5,700 − 2,500 = 3,200
        stay("c2", "2022-03-05", "2022-03-09", yuan(6_000)),
    ]);
    assert_eq!((d[0].0, d[1].0), (yuan(2_500), yuan(3_200)));
}

#[test]
fn cumulative_rounding_pays_the_difference_of_rounded_values() {
    let d = a_only(vec![
        // f(1,000.01) = 0.005 → 0.01
        stay("c1", "2022-03-01", "2022-03-05", yuan(1000) + 1),
        // f(1,000.02) = 0.01 → 0.01 − 0.01 = 0
        stay("c2", "2022-04-01", "2022-04-05", 1),
        // f(1,000.03) = 0.015 → 0.02 − 0.01 = 0.01
        stay("c3", "2022-05-01", "2022-05-05", 1),
    ]);
    assert_eq!((d[0].0, d[1].0, d[2].0), (1, 0, 1));
}

#[test]
fn a_claim_under_the_deductible_still_counts_towards_the_next() {
    let d = a_only(vec![
        // f(800) = 0, but x becomes 800
        stay("c1", "2022-03-01", "2022-03-05", yuan(800)),
        // f(2,800) − f(800) = 50% × 1,800 = 900
        stay("c2", "2022-04-01", "2022-04-05", yuan(2_000)),
    ]);
    assert_eq!((d[0].0, d[1].0), (0, yuan(900)));
}

#[test]
fn a_refused_claim_counts_for_nothing() {
    let d = a_only(vec![
        // grade 1: refused, x stays 0
        with(
            stay("c1", "2022-03-01", "2022-03-05", yuan(5_000)),
            "hospital_grade",
            json!(1),
        ),
        // f(3,000) = 1,000
        stay("c2", "2022-04-01", "2022-04-05", yuan(3_000)),
    ]);
    assert_eq!(d[0].2[0], no("A", A, "hospital_grade"));
    assert_eq!(d[1].0, yuan(1_000));
}

#[test]
fn the_waiting_period_ends_on_day_ninety() {
    let m = with(
        member(&["A", "B"]),
        "enrolments",
        json!([
            {"item": "A", "shares": 1, "start": "2022-01-01", "renewal": false},
            {"item": "B", "shares": 1, "start": "2022-01-01", "renewal": false}
        ]),
    );
    // 2022-01-01 + 90 days = 2022-04-01 (31 + 28 + 31 = 90)
    let d = run(
        m,
        vec![
            stay("c1", "2022-03-31", "2022-04-02", yuan(3_000)),
            stay("c2", "2022-04-01", "2022-04-03", yuan(3_000)),
        ],
    );
    assert_eq!(
        summary(&d[0]),
        (
            0,
            vec![],
            vec![
                no("A", A, "waiting_period"),
                no("B", LIVING, "waiting_period")
            ]
        )
    );
    // f(3,000) = 1,000; 2 days × 50 = 100
    assert_eq!(
        summary(&d[1]),
        (
            yuan(1_100),
            vec![line("A", A, yuan(1_000)), line("B", LIVING, yuan(100))],
            vec![]
        )
    );
    assert!(d[0].flags.is_empty());
}

#[test]
fn a_renewal_has_no_waiting_period() {
    // f(3,000) = 1,000 on 2022-01-05, days after a renewal starting 2022-01-01
    let d = a_only(vec![stay("c1", "2022-01-05", "2022-01-06", yuan(3_000))]);
    assert_eq!(d[0].0, yuan(1_000));
}

#[test]
fn an_event_before_the_enrolment_start_is_not_enrolled() {
    let m = with(
        member(&["A"]),
        "enrolments",
        json!([{"item": "A", "shares": 1, "start": "2022-03-01", "renewal": true}]),
    );
    let d = run(m, vec![stay("c1", "2022-02-27", "2022-03-02", yuan(3_000))]);
    assert_eq!(
        summary(&d[0]).2,
        vec![no("A", A, "not_enrolled"), no("B", LIVING, "not_enrolled")]
    );
}

#[test]
fn a_same_day_stay_counts_one_day() {
    let d = run(
        member(&["A", "B"]),
        vec![stay("c1", "2022-06-01", "2022-06-01", yuan(500))],
    );
    // A: f(500) = 0; B.3: 1 day × 50
    assert_eq!(
        summary(&d[0]).1,
        vec![line("A", A, 0), line("B", LIVING, yuan(50))]
    );
}

#[test]
fn the_living_allowance_stops_at_the_180th_day() {
    let d = run(
        member(&["B"]),
        vec![
            // 2022-01-01 → 2022-06-20: 31 + 28 + 31 + 30 + 31 + 19 = 170 nights → 8,500
            stay("c1", "2022-01-01", "2022-06-20", 0),
            // 15 nights, 10 left → 500 paid, 5 days cap_reached
            stay("c2", "2022-07-01", "2022-07-16", 0),
            // nothing left
            stay("c3", "2022-08-01", "2022-08-02", 0),
        ],
    );
    assert_eq!(summary(&d[0]).1, vec![line("B", LIVING, yuan(8_500))]);
    assert_eq!(
        summary(&d[1]),
        (
            yuan(500),
            vec![line("B", LIVING, yuan(500))],
            vec![no("A", A, "not_enrolled"), no("B", LIVING, "cap_reached")]
        )
    );
    assert_eq!(
        summary(&d[2]),
        (
            0,
            vec![],
            vec![no("A", A, "not_enrolled"), no("B", LIVING, "cap_reached")]
        )
    );
}

#[test]
fn a_cross_year_stay_pays_only_its_part_in_the_cycle() {
    // 2021-12-28 → 2022-01-03: 4 nights in 2021, 2 in 2022.
    // 2021 part: 12,000 × 4/6 = 8,000 (outside the cycle); 2022 part: 4,000.
    // A: f(4,000) = 50% × 3,000 = 1,500; B.3: 2 days × 50 = 100.
    let d = run(
        member(&["A", "B"]),
        vec![stay("c1", "2021-12-28", "2022-01-03", yuan(12_000))],
    );
    assert_eq!(
        summary(&d[0]),
        (
            yuan(1_600),
            vec![line("A", A, yuan(1_500)), line("B", LIVING, yuan(100))],
            vec![
                no("A", A, "outside_cycle"),
                no("B", LIVING, "outside_cycle")
            ]
        )
    );
}

#[test]
fn a_cross_year_stay_rounds_every_part_but_the_last_half_up() {
    // 2022-12-30 → 2023-01-02: 2 nights in 2022, 1 in 2023.
    // 2022 part: 30,000.01 × 2/3 = 20,000.0066… → 20,000.01 (first part, half up).
    // A: 4,500 + 60% × 10,000.01 = 10,500.006 → 10,500.01; B.3: 2 days → 100.
    let d = run(
        member(&["A", "B"]),
        vec![with(
            stay("c1", "2022-12-30", "2023-01-02", yuan(30_000) + 1),
            "submitted",
            json!("2023-01-10"),
        )],
    );
    assert_eq!(
        summary(&d[0]).1,
        vec![line("A", A, 1_050_001), line("B", LIVING, yuan(100))]
    );
    assert_eq!(
        summary(&d[0]).2,
        vec![
            no("A", A, "outside_cycle"),
            no("B", LIVING, "outside_cycle")
        ]
    );
}

#[test]
fn a_stay_discharged_on_the_first_of_january_lies_wholly_in_the_earlier_cycle() {
    let d = run(
        member(&["A", "B"]),
        vec![stay("c1", "2021-12-30", "2022-01-01", yuan(5_000))],
    );
    assert_eq!(
        summary(&d[0]),
        (
            0,
            vec![],
            vec![
                no("A", A, "outside_cycle"),
                no("B", LIVING, "outside_cycle")
            ]
        )
    );
}

#[test]
fn the_later_part_of_a_cross_year_stay_has_its_own_waiting_period() {
    let m = with(
        member(&["A"]),
        "enrolments",
        json!([{"item": "A", "shares": 1, "start": "2022-01-01", "renewal": false}]),
    );
    let d = run(
        m,
        vec![stay("c1", "2021-12-28", "2022-01-03", yuan(12_000))],
    );
    assert_eq!(
        summary(&d[0]).2,
        // B.3's 2021 part is outside the cycle before it is not enrolled.
        vec![
            no("A", A, "outside_cycle"),
            no("A", A, "waiting_period"),
            no("B", LIVING, "outside_cycle"),
            no("B", LIVING, "not_enrolled")
        ]
    );
}

#[test]
fn an_outpatient_period_is_never_split() {
    // 2022-12-01 → 2023-01-31 belongs to 2022: f(3,000) = 1,000
    let d = a_only(vec![outpatient(
        "c1",
        "2022-12-01",
        "2023-01-31",
        "od02",
        yuan(3_000),
    )]);
    assert_eq!(d[0], (yuan(1_000), vec![line("A", A, yuan(1_000))], vec![]));
}

#[test]
fn an_outpatient_disease_off_the_list_is_not_covered() {
    let d = a_only(vec![outpatient(
        "c1",
        "2022-03-01",
        "2022-03-31",
        "od09",
        yuan(3_000),
    )]);
    assert_eq!(d[0], (0, vec![], vec![no("A", A, "not_covered")]));
}

#[test]
fn a_duplicate_invoice_refuses_item_a_and_flags_the_claim() {
    let first = stay("c1", "2022-03-01", "2022-03-05", yuan(3_000));
    let second = with(
        stay("c2", "2022-04-01", "2022-04-05", yuan(3_000)),
        "invoices",
        json!(["inv-c1"]),
    );
    let d = run(member(&["A", "B"]), vec![first, second]);
    // B.3 is still paid: 4 days × 50 = 200
    assert_eq!(
        summary(&d[1]),
        (
            yuan(200),
            vec![line("B", LIVING, yuan(200))],
            vec![no("A", A, "duplicate_invoice")]
        )
    );
    assert_eq!(d[1].flags.len(), 1);
    assert_eq!(d[1].flags[0].code(), "duplicate_invoice");
    assert!(d[0].flags.is_empty());
}

#[test]
fn a_duplicate_of_an_unpaid_earlier_claim_is_still_a_duplicate() {
    let late = with(
        stay("c1", "2022-03-01", "2022-03-05", yuan(3_000)),
        "submitted",
        json!("2023-04-01"),
    );
    let again = with(
        stay("c2", "2022-03-01", "2022-03-05", yuan(3_000)),
        "invoices",
        json!(["inv-c1"]),
    );
    let d = a_only(vec![late, again]);
    assert_eq!(
        d[0].2,
        vec![
            no("A", A, "late_submission"),
            no("B", LIVING, "late_submission")
        ]
    );
    assert_eq!(d[1].2[0], no("A", A, "duplicate_invoice"));
}

#[test]
fn item_c_is_for_women_only() {
    let m = with(member(&["C"]), "id_number", json!(MAN));
    let d = run(m, vec![diagnosis("c1", "fc01", "2022-05-01", true)]);
    assert_eq!(
        summary(&d[0]),
        (0, vec![], vec![no("C", "female_cancer", "gender")])
    );
}

#[test]
fn item_c_pays_each_benefit_once_within_its_cap() {
    let d = run(
        member(&["C"]),
        vec![
            diagnosis("c1", "fc01", "2022-05-01", true), // 20,000
            diagnosis("c2", "fc02", "2022-06-01", true), // second cancer: once per cycle
            diagnosis("c3", "fc07", "2022-07-01", true), // 5,000 but cap 20,000 used
        ],
    );
    assert_eq!(
        summary(&d[0]).1,
        vec![line("C", "female_cancer", yuan(20_000))]
    );
    assert_eq!(
        summary(&d[1]).2,
        vec![no("C", "female_cancer", "already_paid_this_cycle")]
    );
    assert_eq!(
        summary(&d[2]).2,
        vec![no("C", "female_in_situ", "cap_reached")]
    );
}

#[test]
fn a_hysterectomy_needs_no_first_diagnosis() {
    let d = run(
        member(&["C"]),
        vec![diagnosis("c1", "fc08", "2022-05-01", false)],
    );
    assert_eq!(
        summary(&d[0]).1,
        vec![line("C", "hysterectomy", yuan(3_000))]
    );
}

#[test]
fn a_late_claim_is_refused_whatever_else_applies() {
    let d = run(
        member(&["A", "B"]),
        vec![with(
            diagnosis("c1", "md01", "2022-05-01", false),
            "submitted",
            json!("2023-04-01"),
        )],
    );
    assert_eq!(summary(&d[0]).2, vec![no("B", MAJOR, "late_submission")]);
    // The deadline day itself is in time.
    let d = run(
        member(&["B"]),
        vec![with(
            diagnosis("c1", "md01", "2022-05-01", true),
            "submitted",
            json!("2023-03-31"),
        )],
    );
    assert_eq!(summary(&d[0]).0, yuan(15_000));
}

#[test]
fn a_retired_member_is_not_in_service() {
    let m = with(member(&["B"]), "status", json!("retired"));
    let d = run(m, vec![diagnosis("c1", "md01", "2022-05-01", true)]);
    assert_eq!(summary(&d[0]).2, vec![no("B", MAJOR, "not_in_service")]);
}

#[test]
fn a_low_grade_or_rehabilitation_stay_refuses_a_and_b3_but_judges_its_diagnoses() {
    let low = with_diagnoses(
        with(
            stay("c1", "2022-03-01", "2022-03-05", yuan(3_000)),
            "hospital_grade",
            json!(1),
        ),
        &[("md03", "2022-03-02", true)],
    );
    let d = run(member(&["A", "B"]), vec![low]);
    assert_eq!(
        summary(&d[0]),
        (
            yuan(15_000),
            vec![line("B", MAJOR, yuan(15_000))],
            vec![
                no("A", A, "hospital_grade"),
                no("B", LIVING, "hospital_grade")
            ]
        )
    );
    let rehab = with(
        stay("c1", "2022-03-01", "2022-03-05", yuan(3_000)),
        "rehabilitation",
        json!(true),
    );
    let d = run(member(&["A", "B"]), vec![rehab]);
    assert_eq!(
        summary(&d[0]).2,
        vec![
            no("A", A, "rehabilitation"),
            no("B", LIVING, "rehabilitation")
        ]
    );
}

#[test]
fn b_pays_major_then_mild_then_living_allowance_within_its_cap() {
    let s = with_diagnoses(
        stay("c1", "2022-03-01", "2022-03-11", 0),
        &[("mi01", "2022-03-02", true), ("md01", "2022-03-03", true)],
    );
    let d = run(member(&["B"]), vec![s]);
    // B.1 15,000 fills the cap; B.2 and B.3 reach it.
    assert_eq!(
        summary(&d[0]),
        (
            yuan(15_000),
            vec![line("B", MAJOR, yuan(15_000))],
            vec![
                no("A", A, "not_enrolled"),
                no("B", MILD, "cap_reached"),
                no("B", LIVING, "cap_reached")
            ]
        )
    );
}

#[test]
fn a_major_disease_after_a_mild_one_pays_what_is_left_of_the_cap() {
    let d = run(
        member(&["B"]),
        vec![
            diagnosis("c1", "mi02", "2022-03-01", true), // 5,000
            diagnosis("c2", "md01", "2022-06-01", true), // 15,000 → 10,000 left
        ],
    );
    assert_eq!(summary(&d[0]).0, yuan(5_000));
    assert_eq!(
        summary(&d[1]),
        (
            yuan(10_000),
            vec![line("B", MAJOR, yuan(10_000))],
            vec![no("B", MAJOR, "cap_reached")]
        )
    );
}

#[test]
fn a_second_major_disease_or_a_non_first_diagnosis_is_refused() {
    let d = run(
        member(&["B"]),
        vec![
            diagnosis("c1", "md05", "2022-03-01", false),
            diagnosis("c2", "md01", "2022-04-01", true),
            diagnosis("c3", "md02", "2022-05-01", true),
        ],
    );
    assert_eq!(
        summary(&d[0]).2,
        vec![no("B", MAJOR, "not_first_diagnosis")]
    );
    assert_eq!(summary(&d[1]).0, yuan(15_000));
    assert_eq!(
        summary(&d[2]).2,
        vec![no("B", MAJOR, "already_paid_this_cycle")]
    );
}

#[test]
fn an_unknown_disease_code_is_not_covered() {
    let d = run(
        member(&["B"]),
        vec![diagnosis("c1", "md29", "2022-03-01", true)],
    );
    assert_eq!(summary(&d[0]).2, vec![no("B", MAJOR, "not_covered")]);
}

#[test]
fn the_care_payment_follows_a_major_disease_outside_the_caps() {
    let d = run(
        member(&["B"]),
        vec![
            care("c0"), // nothing to follow yet
            diagnosis("c1", "md01", "2022-03-01", true),
            care("c2"), // 1,000 though the cap is full
            care("c3"), // once a cycle
        ],
    );
    assert_eq!(
        summary(&d[0]).2,
        vec![no("B", "care_payment", "not_covered")]
    );
    assert_eq!(
        summary(&d[2]),
        (
            yuan(1_000),
            vec![line("B", "care_payment", yuan(1_000))],
            vec![]
        )
    );
    assert_eq!(
        summary(&d[3]).2,
        vec![no("B", "care_payment", "already_paid_this_cycle")]
    );
}

#[test]
fn the_care_payment_needs_enrolment_in_item_b() {
    let d = run(member(&["A"]), vec![care("c1")]);
    assert_eq!(
        summary(&d[0]).2,
        vec![no("B", "care_payment", "not_enrolled")]
    );
}

/// "A benefit of an item the member is not enrolled in is reported once as `not_enrolled`": each
/// benefit the claim triggers, once however many diagnoses trigger it.
#[test]
fn a_benefit_of_an_item_not_enrolled_is_reported_once() {
    let s = with_diagnoses(
        stay("c1", "2022-03-01", "2022-03-05", yuan(3_000)),
        &[
            ("md01", "2022-03-02", true),
            ("md02", "2022-03-02", true),
            ("mi01", "2022-03-02", true),
            ("fc01", "2022-03-02", true),
            ("fc02", "2022-03-02", true),
        ],
    );
    let d = run(member(&["A"]), vec![s]);
    assert_eq!(
        summary(&d[0]),
        (
            yuan(1_000),
            vec![line("A", A, yuan(1_000))],
            vec![
                no("B", MAJOR, "not_enrolled"),
                no("B", "mild_disease", "not_enrolled"),
                no("B", "living_allowance", "not_enrolled"),
                no("C", "female_cancer", "not_enrolled")
            ]
        )
    );
}

#[test]
fn claims_are_decided_in_the_listed_order_whatever_their_submission_dates() {
    let d = a_only(vec![
        with(
            stay("c1", "2022-06-01", "2022-06-05", yuan(6_000)),
            "submitted",
            json!("2022-12-01"),
        ),
        with(
            stay("c2", "2022-03-01", "2022-03-05", yuan(6_000)),
            "submitted",
            json!("2022-04-01"),
        ),
    ]);
    // c1 first: f(6,000) = 2,500; then c2: 5,700 − 2,500 = 3,200
    assert_eq!((d[0].0, d[1].0), (yuan(2_500), yuan(3_200)));
}

#[test]
fn missing_documents_are_listed_in_the_policy_order_without_changing_amounts() {
    let s = with_diagnoses(
        with(
            stay("c1", "2022-03-01", "2022-03-05", yuan(3_000)),
            "documents",
            json!(["invoice", "selfie"]),
        ),
        &[("md01", "2022-03-02", true)],
    );
    let d = run(member(&["A", "B"]), vec![s]);
    assert_eq!(d[0].payable.fen(), yuan(1_000 + 15_000));
    assert_eq!(
        d[0].missing_documents,
        vec![
            "application_form",
            "id_copy",
            "bank_card",
            "settlement_statement",
            "discharge_record",
            "pathology_report"
        ]
    );
}

#[test]
fn a_member_coordinated_outside_hangzhou_needs_the_split_statement() {
    let m = with(member(&["A"]), "social_security_region", json!("330500"));
    let o = with(
        outpatient("c1", "2022-03-01", "2022-03-31", "od01", yuan(3_000)),
        "documents",
        json!([]),
    );
    let d = run(m, vec![o]);
    assert_eq!(
        d[0].missing_documents,
        vec![
            "application_form",
            "id_copy",
            "bank_card",
            "invoice",
            "split_statement",
            "personal_cost_statement",
            "disease_record_book"
        ]
    );
}

#[test]
fn explanations_show_the_arithmetic_in_chinese_and_english() {
    let d = a_only(vec![stay("c1", "2022-03-01", "2022-03-05", yuan(12_000))]);
    let _ = d;
    let d = run(
        member(&["A"]),
        vec![stay("c1", "2022-03-01", "2022-03-05", yuan(12_000))],
    );
    assert_eq!(
        d[0].lines[0].explain.zh(),
        "自负 12,000.00：50% × (10,000 − 1,000) + 60% × (12,000 − 10,000) = 5,700.00"
    );
    assert!(d[0].lines[0]
        .explain
        .en()
        .starts_with("self-borne 12,000.00 this cycle: 50%"));
}
