//! Hand-computed cases for every reference programme and every refusal code of SPEC 11, with the
//! boundaries the readings draw (docs/programme-format.md), and property tests of the invariants.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use huzhu_domain::programme::{self, assess, Assessment, Case, Programme};
use proptest::prelude::*;
use serde_json::{json, Value};

const M: &str = "330106198503150024";
const C1: &str = "330106201009010012";
const C2: &str = "330106200506010027";
const C3: &str = "330106200803010031";
const P1: &str = "330106196001010049";
const P2: &str = "330106196502020050";

fn prog(id: &str) -> Programme {
    programme::builtin(id).unwrap().unwrap()
}

fn run(id: &str, case: &Value) -> Assessment {
    let c = Case::from_json(&case.to_string()).unwrap();
    assess(&prog(id), &c).unwrap()
}

fn reasons(a: &Assessment) -> Vec<&str> {
    a.refusals.iter().map(|r| r.reason.as_str()).collect()
}

/// The SPEC 11 example case.
fn spec_case() -> Value {
    json!({
      "as_of": "2026-06-30",
      "member": {"id_number": M, "status": "in_service", "tags": ["migrant_worker"],
                 "employed_in_city_since": "2019-03-01"},
      "household": {
        "size": 3, "annual_income_fen": 4200000, "medical_self_paid_fen": 2600000,
        "education_fen": 800000, "education_abroad_self_funded_fen": 0, "disaster_loss_fen": 0,
        "people": [{"id_number": C1, "relation": "child", "school_level": "undergraduate",
                    "dialysis": false}]
      },
      "archive": {"category": "deep", "active": true, "since": "2024-03-01"},
      "medical": {"diagnoses": [{"disease": "md05", "date": "2026-02-01"}],
                  "total_cost_fen": 16000000, "insurance_paid_fen": 9000000,
                  "mutual_aid_paid_fen": 1500000},
      "donations": [{"date": "2019-05-01", "amount_fen": 10000}],
      "requested_fen": null,
      "grants": [{"programme": "one-off-relief", "key": "2026:330106198503150024:1",
                  "amount_fen": 100000, "date": "2026-03-01"}]
    })
}

#[test]
fn every_builtin_programme_passes_its_check() {
    for id in programme::builtin_names() {
        let p = programme::builtin(id).unwrap();
        assert!(p.is_ok(), "{id}: {}", p.unwrap_err());
        assert_eq!(p.unwrap().id, id);
    }
}

#[test]
fn the_spec_example_gives_exactly_the_spec_answer() {
    let a = run("major-illness-relief", &spec_case());
    assert_eq!(
        a.to_json(),
        r#"{"programme":"major-illness-relief","version":"2026.1","cycle":"2026","eligible":true,"amount_fen":1500000,"key":"2026:330106198503150024","lines":[{"rule":"band","amount_fen":1000000,"clause":"major-illness-relief 3.2","explain":"自付 55,000.00 = 160,000.00 − 90,000.00 − 15,000.00; 50,000 ≤ 55,000 < 100,000: 10,000.00"},{"rule":"deep_uplift","amount_fen":500000,"clause":"major-illness-relief 3.3","explain":"深度困难 +50%: 10,000.00 × 50% = 5,000.00 (cap 20,000.00)"}],"refusals":[],"missing_documents":[],"approval":"city","notice":false}"#
    );
}

// ---------------------------------------------------------------- hardship-archive

fn household_case(size: u32, income: i64, medical: i64, education: i64) -> Value {
    json!({
      "as_of": "2026-06-30",
      "member": {"id_number": M},
      "household": {"size": size, "annual_income_fen": income,
                    "medical_self_paid_fen": medical, "education_fen": education}
    })
}

#[test]
fn the_spec_household_is_deep_with_its_arithmetic() {
    let a = run("hardship-archive", &spec_case());
    // (4,200,000 − 2,600,000 − 800,000) / 36 = 22,222.2 → 22,222 fen
    assert_eq!(a.per_head_monthly_income_fen, Some(22_222));
    assert_eq!(a.category, Some(Some(programme::Category::Deep)));
    assert!(a.eligible);
    assert_eq!(a.amount_fen, 0);
    assert_eq!(a.approval.as_deref(), Some("district"));
    assert!(a.notice);
    assert_eq!(a.key, format!("2026:{M}"));
    assert_eq!(a.lines.len(), 1);
    assert_eq!(
        a.lines[0].explain,
        "人均月收入 p = (42,000.00 − 26,000.00 − 8,000.00) ÷ 12 ÷ 3 = 222.22; p < 1,250.00: 深度困难 (deep)"
    );
    assert!(a
        .to_json()
        .contains(r#""category":"deep","per_head_monthly_income_fen":22222,"amount_fen":0"#));
}

#[test]
fn the_line_boundaries_fall_where_the_reading_puts_them() {
    // size 1, no rigid expenses: p = income / 12.
    let cat = |p: i64| {
        let a = run("hardship-archive", &household_case(1, p * 12, 0, 0));
        assert_eq!(a.per_head_monthly_income_fen, Some(p));
        a.category.unwrap().map(|c| c.code())
    };
    assert_eq!(cat(124_999), Some("deep"));
    assert_eq!(cat(125_000), Some("relative"));
    assert_eq!(cat(249_999), Some("relative"));
    assert_eq!(cat(250_000), None);
}

#[test]
fn above_the_line_is_refused_with_category_null_and_the_arithmetic_kept() {
    let a = run("hardship-archive", &household_case(1, 3_000_000, 0, 0));
    assert!(!a.eligible);
    assert_eq!(reasons(&a), ["income_above_line"]);
    assert_eq!(a.refusals[0].clause, "hardship-archive 2.1");
    assert_eq!(a.lines.len(), 1);
    assert_eq!(a.lines[0].rule, "category");
    assert_eq!(a.approval, None);
    assert!(!a.notice);
    assert!(a
        .to_json()
        .contains(r#""category":null,"per_head_monthly_income_fen":250000"#));
}

#[test]
fn accident_needs_strictly_more_than_80_percent() {
    let mut c = household_case(1, 10_000_000, 0, 0);
    c["household"]["disaster_loss_fen"] = json!(8_000_000);
    let a = run("hardship-archive", &c);
    assert_eq!(reasons(&a), ["income_above_line"]);
    c["household"]["disaster_loss_fen"] = json!(8_000_001);
    let a = run("hardship-archive", &c);
    assert_eq!(a.category, Some(Some(programme::Category::Accident)));
    assert!(a.eligible);
}

#[test]
fn a_negative_per_head_income_rounds_toward_minus_infinity() {
    let a = run(
        "hardship-archive",
        &household_case(1, 1_000_000, 2_000_000, 0),
    );
    // −1,000,000 / 12 = −83,333.3 → −83,334
    assert_eq!(a.per_head_monthly_income_fen, Some(-83_334));
    assert_eq!(a.category, Some(Some(programme::Category::Deep)));
}

#[test]
fn study_abroad_at_own_expense_is_neither_added_nor_subtracted() {
    let mut c = household_case(1, 3_600_000, 0, 0);
    c["household"]["education_abroad_self_funded_fen"] = json!(3_000_000);
    let a = run("hardship-archive", &c);
    assert_eq!(a.per_head_monthly_income_fen, Some(300_000));
    assert_eq!(reasons(&a), ["income_above_line"]);
}

#[test]
fn a_migrant_worker_needs_twelve_months_in_the_city() {
    let mut c = household_case(3, 4_200_000, 2_600_000, 800_000);
    c["member"]["tags"] = json!(["migrant_worker"]);
    c["member"]["employed_in_city_since"] = json!("2025-06-30");
    assert!(run("hardship-archive", &c).eligible);
    c["member"]["employed_in_city_since"] = json!("2025-07-01");
    let a = run("hardship-archive", &c);
    assert!(!a.eligible);
    assert_eq!(reasons(&a), ["employment_too_short"]);
    assert_eq!(a.category, Some(None));
}

#[test]
fn twelve_months_from_29_february_end_on_28_february() {
    let mut c = household_case(3, 4_200_000, 2_600_000, 800_000);
    c["member"]["tags"] = json!(["migrant_worker"]);
    c["member"]["employed_in_city_since"] = json!("2024-02-29");
    c["as_of"] = json!("2025-02-28");
    assert!(run("hardship-archive", &c).eligible);
    c["as_of"] = json!("2025-02-27");
    assert_eq!(
        reasons(&run("hardship-archive", &c)),
        ["employment_too_short"]
    );
}

#[test]
fn every_failed_archive_condition_is_listed() {
    let mut c = household_case(1, 3_000_000, 0, 0);
    c["member"]["tags"] = json!(["migrant_worker"]);
    c["member"]["employed_in_city_since"] = json!("2026-01-01");
    let a = run("hardship-archive", &c);
    assert_eq!(reasons(&a), ["employment_too_short", "income_above_line"]);
}

#[test]
fn missing_archive_facts_are_input_errors_naming_them() {
    let p = prog("hardship-archive");
    let mut c = household_case(1, 3_000_000, 0, 0);
    c["member"]["tags"] = json!(["migrant_worker"]);
    let e = assess(&p, &Case::from_json(&c.to_string()).unwrap()).unwrap_err();
    assert_eq!(e.field, "member.employed_in_city_since");
    let c = json!({"as_of": "2026-06-30", "member": {"id_number": M},
                   "household": {"size": 1, "annual_income_fen": 1}});
    let e = assess(&p, &Case::from_json(&c.to_string()).unwrap()).unwrap_err();
    assert_eq!(e.field, "household.medical_self_paid_fen");
    let c = json!({"as_of": "2026-06-30", "member": {"id_number": M}});
    let e = assess(&p, &Case::from_json(&c.to_string()).unwrap()).unwrap_err();
    assert_eq!(e.field, "household");
}

// ---------------------------------------------------------------- dialysis-relief

fn dialysis_case(patients: &[&str]) -> Value {
    let mut people: Vec<Value> = patients
        .iter()
        .map(|p| json!({"id_number": p, "relation": "spouse", "dialysis": true}))
        .collect();
    people.push(json!({"id_number": C1, "relation": "child"}));
    json!({
      "as_of": "2026-05-01",
      "member": {"id_number": M},
      "household": {"people": people},
      "archive": {"category": "relative", "active": true}
    })
}

#[test]
fn each_dialysis_patient_gets_a_line_and_a_key() {
    let a = run("dialysis-relief", &dialysis_case(&[P1, P2]));
    assert!(a.eligible);
    assert_eq!(a.amount_fen, 900_000);
    assert_eq!(a.lines.len(), 2);
    assert_eq!(a.lines[0].key.as_deref(), Some(&*format!("2026:{P1}")));
    assert_eq!(a.lines[1].key.as_deref(), Some(&*format!("2026:{P2}")));
    assert_eq!(a.lines[1].amount_fen, 450_000);
    assert_eq!(a.key, format!("2026:{P1}"));
    assert_eq!(a.approval.as_deref(), Some("district"));
    let a = run("dialysis-relief", &dialysis_case(&[P1, P2, C2]));
    assert_eq!(a.amount_fen, 1_350_000);
    assert_eq!(a.approval.as_deref(), Some("city"));
}

#[test]
fn a_patient_granted_this_year_is_refused_and_the_other_still_paid() {
    let mut c = dialysis_case(&[P1, P2]);
    c["grants"] = json!([{"programme": "dialysis-relief", "key": format!("2026:{P1}"),
                          "amount_fen": 450000, "date": "2026-02-01"}]);
    let a = run("dialysis-relief", &c);
    assert!(a.eligible);
    assert_eq!(a.amount_fen, 450_000);
    assert_eq!(reasons(&a), ["already_granted"]);
    assert!(a.refusals[0].explain.contains(&format!("2026:{P1}")));
    assert!(a.refusals[0].explain.contains("2026-02-01"));
    assert_eq!(a.key, format!("2026:{P2}"));
    // Last year's grant does not count.
    c["grants"][0]["key"] = json!(format!("2025:{P1}"));
    assert_eq!(run("dialysis-relief", &c).amount_fen, 900_000);
}

#[test]
fn dialysis_needs_an_active_archive_and_a_patient() {
    let mut c = dialysis_case(&[]);
    c["archive"] = Value::Null;
    let a = run("dialysis-relief", &c);
    assert!(!a.eligible);
    assert_eq!(reasons(&a), ["not_archived", "no_dialysis"]);
    assert_eq!(a.key, format!("2026:{M}"));
    assert!(a.lines.is_empty() && a.approval.is_none());
    let mut c = dialysis_case(&[P1]);
    c["archive"]["active"] = json!(false);
    assert_eq!(reasons(&run("dialysis-relief", &c)), ["archive_inactive"]);
}

// ---------------------------------------------------------------- major-illness-relief

fn illness_case(oop: i64, deep: bool) -> Value {
    let mut c = json!({
      "as_of": "2026-06-30",
      "member": {"id_number": M},
      "medical": {"diagnoses": [{"disease": "md01", "date": "2026-01-10"}],
                  "total_cost_fen": oop + 1000000, "insurance_paid_fen": 1000000}
    });
    if deep {
        c["archive"] = json!({"category": "deep", "active": true});
    }
    c
}

#[test]
fn out_of_pocket_19_999_99_is_below_the_threshold_and_20_000_pays() {
    let a = run("major-illness-relief", &illness_case(1_999_999, false));
    assert_eq!(reasons(&a), ["below_threshold"]);
    assert!(!a.eligible && a.lines.is_empty());
    let a = run("major-illness-relief", &illness_case(2_000_000, false));
    assert!(a.eligible);
    assert_eq!(a.amount_fen, 500_000);
    assert_eq!(a.approval.as_deref(), Some("district"));
    let a = run("major-illness-relief", &illness_case(2_000_000, true));
    assert_eq!(a.amount_fen, 750_000);
}

#[test]
fn the_deep_uplift_never_takes_the_total_above_20_000() {
    let a = run("major-illness-relief", &illness_case(10_000_000, true));
    assert_eq!(a.amount_fen, 2_000_000);
    assert_eq!(a.lines.len(), 1, "an uplift cut to 0 is no line");
    assert_eq!(
        a.lines[0].explain,
        "自付 100,000.00 = 110,000.00 − 10,000.00 − 0.00; 100,000 ≤ 100,000: 20,000.00"
    );
    assert_eq!(a.approval.as_deref(), Some("city"));
}

#[test]
fn an_uplift_partly_cut_says_so() {
    let text = programme::BUILTIN
        .iter()
        .find(|(n, _)| *n == "major-illness-relief")
        .unwrap()
        .1
        .replace("cap = 20000", "cap = 12000");
    let p = Programme::from_toml(&text).unwrap();
    let c = Case::from_json(&illness_case(6_000_000, true).to_string()).unwrap();
    let a = assess(&p, &c).unwrap();
    assert_eq!(a.amount_fen, 1_200_000);
    assert_eq!(a.lines[1].amount_fen, 200_000);
    assert!(
        a.lines[1]
            .explain
            .contains("cut to 2,000.00 by the cap 12,000.00"),
        "{}",
        a.lines[1].explain
    );
}

#[test]
fn no_diagnosis_in_the_year_is_no_illness_and_an_unlisted_one_not_in_list() {
    let mut c = illness_case(5_000_000, false);
    c["medical"]["diagnoses"][0]["date"] = json!("2025-12-31");
    assert_eq!(reasons(&run("major-illness-relief", &c)), ["no_illness"]);
    c["medical"]["diagnoses"][0] = json!({"disease": "od02", "date": "2026-01-01"});
    assert_eq!(reasons(&run("major-illness-relief", &c)), ["not_in_list"]);
    c["medical"]["diagnoses"][0]["disease"] = json!("md28");
    assert!(run("major-illness-relief", &c).eligible);
}

#[test]
fn major_illness_is_once_a_member_a_year_by_exact_key_segments() {
    let mut c = illness_case(5_000_000, false);
    c["grants"] = json!([{"programme": "major-illness-relief", "key": format!("2026:{M}1"),
                          "amount_fen": 1, "date": "2026-01-02"}]);
    assert!(
        run("major-illness-relief", &c).eligible,
        "a longer id is another person"
    );
    c["grants"][0]["key"] = json!(format!("2026:{M}"));
    let a = run("major-illness-relief", &c);
    assert!(!a.eligible);
    assert_eq!(reasons(&a), ["already_granted"]);
    assert_eq!(a.refusals[0].clause, "major-illness-relief 1.3");
}

#[test]
fn major_illness_without_medical_is_an_input_error() {
    let c = json!({"as_of": "2026-06-30", "member": {"id_number": M}});
    let e = assess(
        &prog("major-illness-relief"),
        &Case::from_json(&c.to_string()).unwrap(),
    )
    .unwrap_err();
    assert_eq!(e.field, "medical");
}

#[test]
fn missing_documents_are_listed_in_file_order_when_documents_are_given() {
    let mut c = illness_case(5_000_000, false);
    c["documents"] = json!(["application_form"]);
    let a = run("major-illness-relief", &c);
    assert_eq!(
        a.missing_documents,
        ["diagnosis_certificate", "settlement_statement"]
    );
    assert_eq!(a.amount_fen, 1_000_000, "documents never change the amount");
}

// ---------------------------------------------------------------- golden-autumn

fn students_case(as_of: &str, category: &str) -> Value {
    json!({
      "as_of": as_of,
      "member": {"id_number": M},
      "household": {"people": [
        {"id_number": C1, "relation": "child", "school_level": "undergraduate"},
        {"id_number": C2, "relation": "child", "school_level": "senior_secondary"},
        {"id_number": C3, "relation": "child", "school_level": "none"},
        {"id_number": M, "relation": "self", "school_level": "junior_college"}
      ]},
      "archive": {"category": category, "active": true}
    })
}

#[test]
fn each_student_is_paid_by_level_in_the_academic_year() {
    let a = run("golden-autumn", &students_case("2026-09-01", "relative"));
    assert_eq!(a.cycle, "2026");
    assert!(a.eligible);
    let amounts: Vec<i64> = a.lines.iter().map(|l| l.amount_fen).collect();
    assert_eq!(amounts, [500_000, 200_000, 400_000]);
    assert_eq!(a.amount_fen, 1_100_000);
    assert_eq!(a.approval.as_deref(), Some("city"));
    assert_eq!(a.lines[2].key.as_deref(), Some(&*format!("2026:{M}")));
    let a = run("golden-autumn", &students_case("2026-08-31", "deep"));
    assert_eq!(a.cycle, "2025");
    assert_eq!(a.key, format!("2025:{C1}"));
}

#[test]
fn golden_autumn_refusals() {
    let a = run("golden-autumn", &students_case("2026-09-01", "accident"));
    assert_eq!(reasons(&a), ["category_not_covered"]);
    let mut c = students_case("2026-09-01", "deep");
    c["household"]["people"] = json!([{"id_number": C3, "relation": "child"}]);
    assert_eq!(reasons(&run("golden-autumn", &c)), ["no_student"]);
    let mut c = students_case("2026-09-01", "deep");
    c["grants"] = json!([{"programme": "golden-autumn", "key": format!("2026:{C1}"),
                          "amount_fen": 500000, "date": "2026-09-01"}]);
    let a = run("golden-autumn", &c);
    assert!(a.eligible);
    assert_eq!(reasons(&a), ["already_granted"]);
    assert_eq!(a.amount_fen, 600_000);
    assert_eq!(a.key, format!("2026:{C2}"));
}

// ---------------------------------------------------------------- one-off-relief

fn one_off(requested: Value, earlier: &[i64]) -> Value {
    let grants: Vec<Value> = earlier
        .iter()
        .enumerate()
        .map(|(i, a)| {
            json!({"programme": "one-off-relief", "key": format!("2026:{M}:{}", i + 1),
                             "amount_fen": a, "date": "2026-02-01"})
        })
        .collect();
    json!({"as_of": "2026-06-30", "member": {"id_number": M}, "requested_fen": requested,
           "grants": grants})
}

#[test]
fn one_off_amounts_from_500_to_5000_yuan() {
    let a = run("one-off-relief", &one_off(json!(50_000), &[]));
    assert!(a.eligible);
    assert_eq!(a.key, format!("2026:{M}:1"));
    assert_eq!(a.approval.as_deref(), Some("street"));
    assert_eq!(
        run("one-off-relief", &one_off(json!(200_000), &[]))
            .approval
            .as_deref(),
        Some("street")
    );
    assert_eq!(
        run("one-off-relief", &one_off(json!(200_001), &[]))
            .approval
            .as_deref(),
        Some("district")
    );
    assert!(run("one-off-relief", &one_off(json!(500_000), &[])).eligible);
    let a = run("one-off-relief", &one_off(json!(49_999), &[]));
    assert_eq!(reasons(&a), ["amount_out_of_range"]);
    // 5,000.01 is out of range and, alone, above the yearly 5,000: both failed conditions listed.
    let a = run("one-off-relief", &one_off(json!(500_001), &[]));
    assert_eq!(reasons(&a), ["amount_out_of_range", "cap_reached"]);
}

#[test]
fn one_off_caps_are_refused_never_cut() {
    let a = run("one-off-relief", &one_off(json!(400_000), &[100_000]));
    assert!(a.eligible);
    assert_eq!(a.key, format!("2026:{M}:2"));
    assert_eq!(a.amount_fen, 400_000);
    let a = run("one-off-relief", &one_off(json!(400_001), &[100_000]));
    assert_eq!(reasons(&a), ["cap_reached"]);
    assert_eq!(a.amount_fen, 0);
    let a = run("one-off-relief", &one_off(json!(50_000), &[50_000, 50_000]));
    assert_eq!(reasons(&a), ["too_many_grants"]);
    assert_eq!(a.key, format!("2026:{M}:3"));
}

#[test]
fn one_off_without_an_amount_is_an_input_error() {
    let c = one_off(Value::Null, &[]);
    let e = assess(
        &prog("one-off-relief"),
        &Case::from_json(&c.to_string()).unwrap(),
    )
    .unwrap_err();
    assert_eq!(e.field, "requested_fen");
}

// ---------------------------------------------------------------- two-festivals-2026

fn campaign(tags: &[&str], archive: Value) -> Value {
    json!({"as_of": "2026-01-15", "member": {"id_number": M, "tags": tags}, "archive": archive})
}

#[test]
fn the_campaign_pays_the_largest_amount_once_and_one_gift_pack() {
    let deep = json!({"category": "deep", "active": true});
    let a = run(
        "two-festivals-2026",
        &campaign(&["model_worker", "frontline"], deep),
    );
    assert!(a.eligible);
    assert_eq!(a.amount_fen, 200_000);
    assert_eq!(a.gift_packs, Some(1));
    assert_eq!(a.lines.len(), 1);
    assert!(a.lines[0].explain.contains("model_worker"));
    assert_eq!(a.approval.as_deref(), Some("street"));
    assert!(a
        .to_json()
        .contains(r#""amount_fen":200000,"gift_packs":1,"key":"2026:"#));
    let a = run(
        "two-festivals-2026",
        &campaign(&["model_worker"], Value::Null),
    );
    assert_eq!((a.amount_fen, a.gift_packs), (50_000, Some(1)));
    let acc = json!({"category": "accident", "active": true});
    assert_eq!(
        run("two-festivals-2026", &campaign(&[], acc)).amount_fen,
        150_000
    );
}

#[test]
fn a_gift_pack_only_member_is_eligible_with_amount_0() {
    let a = run(
        "two-festivals-2026",
        &campaign(&["new_form_worker"], Value::Null),
    );
    assert!(a.eligible);
    assert_eq!((a.amount_fen, a.gift_packs), (0, Some(1)));
    assert!(a.lines.is_empty());
    assert_eq!(a.approval.as_deref(), Some("street"));
}

#[test]
fn campaign_refusals() {
    let inactive = json!({"category": "deep", "active": false});
    let a = run("two-festivals-2026", &campaign(&[], inactive));
    assert_eq!(reasons(&a), ["archive_inactive"]);
    assert_eq!(a.gift_packs, Some(0));
    assert_eq!(
        reasons(&run(
            "two-festivals-2026",
            &campaign(&["rider"], Value::Null)
        )),
        ["not_in_list"]
    );
    let mut c = campaign(&["frontline"], Value::Null);
    c["as_of"] = json!("2026-03-01");
    let a = run("two-festivals-2026", &c);
    assert_eq!(a.cycle, "2026");
    assert_eq!(reasons(&a), ["outside_window"]);
    assert_eq!(a.gift_packs, Some(0));
    let mut c = campaign(&["frontline"], Value::Null);
    c["grants"] = json!([{"programme": "two-festivals-2026", "key": format!("2026:{M}"),
                          "amount_fen": 0, "date": "2026-01-05"}]);
    let a = run("two-festivals-2026", &c);
    assert!(!a.eligible);
    assert_eq!(reasons(&a), ["already_granted"]);
}

#[test]
fn a_spring_breeze_programme_refuses_too_few_donations() {
    let text = r#"
format = 1
id = "spring-breeze-repay"
name = "春风反哺"
version = "2026.1"
owner = "city"
fund = "spring_breeze"
kind = "relief"
[cycle]
kind = "calendar_year"
[uniqueness]
subject = "member"
clause = "sbr 1"
[notice]
required = false
[[approval]]
level = "city"
[[condition]]
rule = "min_donations"
count = 5
years = 10
clause = "sbr 2"
[[amount]]
rule = "per_subject_fixed"
amount = 2000
clause = "sbr 3"
"#;
    let p = Programme::from_toml(text).unwrap();
    let mut c = spec_case();
    let a = assess(&p, &Case::from_json(&c.to_string()).unwrap()).unwrap();
    assert_eq!(reasons(&a), ["too_few_donations"]);
    c["donations"] = json!((0..5)
        .map(|i| json!({"date": format!("202{i}-05-01"), "amount_fen": 100}))
        .collect::<Vec<_>>());
    let a = assess(&p, &Case::from_json(&c.to_string()).unwrap()).unwrap();
    assert!(a.eligible);
    assert_eq!(a.amount_fen, 200_000);
}

// ---------------------------------------------------------------- case parsing

#[test]
fn malformed_cases_name_the_field() {
    let mut c = spec_case();
    c["household"]["people"][0]["school_level"] = json!("kindergarten");
    let e = Case::from_json(&c.to_string()).unwrap_err();
    assert_eq!(e.field, "household.people[0].school_level");
    let mut c = spec_case();
    c["household"]["people"][0]["id_number"] = json!("330106201009010013");
    let e = Case::from_json(&c.to_string()).unwrap_err();
    assert_eq!(e.field, "household.people[0].id_number");
    let mut c = spec_case();
    c["medical"]["colour"] = json!(1);
    let e = Case::from_json(&c.to_string()).unwrap_err();
    assert!(
        e.field.starts_with("medical") && e.problem.contains("colour"),
        "{e}"
    );
    let mut c = spec_case();
    c["household"]["size"] = json!(0);
    assert_eq!(
        Case::from_json(&c.to_string()).unwrap_err().field,
        "household.size"
    );
    let mut c = spec_case();
    c["medical"]["total_cost_fen"] = json!(-1);
    assert_eq!(
        Case::from_json(&c.to_string()).unwrap_err().field,
        "medical.total_cost_fen"
    );
}

// ---------------------------------------------------------------- properties

// ---------------------------------------------------------------- spring-breeze-repay (issue 16)

fn repay_case(gifts: &[&str], aid: Option<i64>, grants: Value) -> Value {
    let mut c = json!({
      "as_of": "2026-06-30",
      "member": {"id_number": M, "status": "in_service", "tags": []},
      "donations": gifts.iter().map(|d| json!({"date": d, "amount_fen": 10000})).collect::<Vec<_>>(),
      "grants": grants,
    });
    if let Some(fen) = aid {
        c["medical"] = json!({"diagnoses": [], "total_cost_fen": 0, "insurance_paid_fen": 0,
                              "mutual_aid_paid_fen": fen});
    }
    c
}

const FIVE: [&str; 5] = [
    "2017-01-01",
    "2019-05-01",
    "2021-05-01",
    "2023-05-01",
    "2025-05-01",
];

#[test]
fn a_donor_of_five_gifts_who_had_mutual_aid_this_year_gets_2_000() {
    let a = run(
        "spring-breeze-repay",
        &repay_case(&FIVE, Some(1), json!([])),
    );
    assert!(a.eligible, "{:?}", a.refusals);
    assert_eq!(a.amount_fen, 200_000);
    assert_eq!(a.key, format!("2026:{M}"));
    assert_eq!(a.cycle, "2026");
}

#[test]
fn a_major_illness_relief_of_the_year_counts_as_ill_but_not_last_years() {
    let this_year = json!([{"programme": "major-illness-relief", "key": format!("2026:{M}"),
                            "amount_fen": 500000, "date": "2026-03-01"}]);
    assert!(run("spring-breeze-repay", &repay_case(&FIVE, None, this_year)).eligible);
    let last_year = json!([{"programme": "major-illness-relief", "key": format!("2025:{M}"),
                            "amount_fen": 500000, "date": "2025-03-01"}]);
    let a = run(
        "spring-breeze-repay",
        &repay_case(&FIVE, Some(0), last_year),
    );
    assert_eq!(reasons(&a), ["no_illness"]);
    assert_eq!(a.amount_fen, 0);
}

#[test]
fn four_gifts_or_gifts_older_than_ten_years_are_too_few() {
    let a = run(
        "spring-breeze-repay",
        &repay_case(&FIVE[1..], Some(1), json!([])),
    );
    assert_eq!(reasons(&a), ["too_few_donations"]);
    // 2016-06-30 is exactly ten years before as_of: not counted (after, not on).
    let old = [
        "2016-06-30",
        "2019-05-01",
        "2021-05-01",
        "2023-05-01",
        "2025-05-01",
    ];
    let a = run("spring-breeze-repay", &repay_case(&old, None, json!([])));
    assert_eq!(reasons(&a), ["too_few_donations", "no_illness"]);
}

#[test]
fn spring_breeze_repay_is_once_a_member_a_year() {
    let granted = json!([{"programme": "spring-breeze-repay", "key": format!("2026:{M}"),
                          "amount_fen": 200000, "date": "2026-02-01"}]);
    let a = run("spring-breeze-repay", &repay_case(&FIVE, Some(1), granted));
    assert_eq!(reasons(&a), ["already_granted"]);
}

proptest! {
    #[test]
    fn no_grant_is_above_its_cap(oop in -1_000_000i64..30_000_000, deep in any::<bool>(),
                                  req in 0i64..700_000, earlier in prop::collection::vec(0i64..300_000, 0..3)) {
        let a = run("major-illness-relief", &illness_case(oop, deep));
        prop_assert!(a.amount_fen <= 2_000_000);
        let a = run("one-off-relief", &one_off(json!(req), &earlier));
        if a.eligible {
            prop_assert!(earlier.iter().sum::<i64>() + a.amount_fen <= 500_000);
            prop_assert!((50_000..=500_000).contains(&a.amount_fen));
            prop_assert!(earlier.len() < 2);
        } else {
            prop_assert_eq!(a.amount_fen, 0);
        }
    }

    #[test]
    fn the_same_case_gives_the_same_bytes(size in 1u32..8, income in 0i64..20_000_000,
                                          medical in 0i64..10_000_000) {
        let c = household_case(size, income, medical, 0);
        for id in programme::builtin_names() {
            let p = prog(id);
            let case = Case::from_json(&c.to_string()).unwrap();
            if let Ok(a) = assess(&p, &case) {
                prop_assert_eq!(a.to_json(), assess(&p, &case).unwrap().to_json());
            }
        }
    }

    #[test]
    fn the_category_comes_from_facts_never_from_the_typed_one(
        size in 1u32..8, income in 0i64..20_000_000, medical in 0i64..10_000_000,
        typed in prop::sample::select(vec!["deep", "relative", "accident"]), active in any::<bool>()) {
        let bare = run("hardship-archive", &household_case(size, income, medical, 0));
        let mut c = household_case(size, income, medical, 0);
        c["archive"] = json!({"category": typed, "active": active});
        prop_assert_eq!(bare.to_json(), run("hardship-archive", &c).to_json());
    }
}
