//! What a claim made through huzhu must satisfy beyond SPEC 10 (issue 14): invoice look-alikes
//! normalised, identifiers without invisible or control characters, costs and dates that can be,
//! sizes within limits.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use huzhu_domain::claim_input::{
    check_claim_input, check_identifier, normalise_invoice, MAX_IDENTIFIER_CHARS, MAX_INVOICES,
};
use huzhu_domain::scenario::{Claim, ScenarioError};
use rstest::rstest;
use serde_json::{json, Value};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 6, 15).unwrap()
}

fn stay() -> Value {
    json!({
        "id": "new", "kind": "hospital_stay", "submitted": "2022-06-15",
        "admitted": "2022-05-01", "discharged": "2022-05-11", "hospital_grade": 3,
        "diagnoses": [{"disease": "md01", "date": "2022-05-03", "first_diagnosis": true}],
        "costs_fen": {"total": 5_000_000, "pooled_fund": 3_000_000, "personal_account": 200_000,
                      "self_borne": 1_200_000, "self_pay_class_b": 300_000,
                      "self_pay_excluded": 300_000},
        "invoices": ["3301221234567"]
    })
}

fn check(v: &Value) -> Result<Claim, ScenarioError> {
    let claim = Claim::from_json(&v.to_string(), "claim")?;
    let total_stated = v["costs_fen"].get("total").is_some();
    check_claim_input(claim, total_stated, today(), "claim")
}

fn refused(v: &Value) -> ScenarioError {
    check(v).expect_err("refused")
}

#[rstest]
#[case::trailing_space("INV-2022-0001 ")]
#[case::zero_width_space("INV-2022\u{200B}-0001")]
#[case::right_to_left_mark("\u{200F}INV-2022-0001")]
#[case::byte_order_mark("\u{FEFF}INV-2022-0001")]
#[case::soft_hyphen("INV-2022-00\u{00AD}01")]
#[case::full_width_digits("INV-２０２２-０００１")]
#[case::full_width_everything("ＩＮＶ－２０２２－０００１")]
#[case::lower_case("inv-2022-0001")]
#[case::ideographic_space("\u{3000}INV-2022-0001")]
fn an_invoice_look_alike_normalises_to_the_same_number(#[case] look_alike: &str) {
    assert_eq!(
        normalise_invoice(look_alike),
        normalise_invoice("INV-2022-0001")
    );
    assert_eq!(normalise_invoice(look_alike), "INV-2022-0001");
}

#[test]
fn different_invoices_stay_different_after_normalising() {
    assert_ne!(normalise_invoice("INV-1"), normalise_invoice("INV-11"));
    assert_ne!(normalise_invoice("A-1"), normalise_invoice("A1"));
}

#[test]
fn a_submitted_claim_keeps_its_invoice_numbers_normalised() {
    let mut v = stay();
    v["invoices"] = json!([" inv\u{200B}-１ ", "3301221234567"]);
    let claim = check(&v).unwrap();
    assert_eq!(claim.invoices, ["INV-1", "3301221234567"]);
}

#[rstest]
#[case::zero_width_space_in_a_disease_code("diagnoses", json!([{"disease": "md0\u{200B}1", "date": "2022-05-03", "first_diagnosis": true}]), "claim.diagnoses[0].disease")]
#[case::rtl_mark_in_a_designated_disease("designated_disease", json!("od\u{200F}02"), "claim.designated_disease")]
#[case::nul_in_an_invoice("invoices", json!(["INV\u{0000}1"]), "claim.invoices[0]")]
#[case::escape_in_an_invoice("invoices", json!(["ok", "INV\u{001B}[31m"]), "claim.invoices[1]")]
#[case::line_separator_in_a_disease_code("diagnoses", json!([{"disease": "md01\u{2028}", "date": "2022-05-03", "first_diagnosis": true}]), "claim.diagnoses[0].disease")]
fn an_identifier_with_an_invisible_or_control_character_is_refused_naming_the_field(
    #[case] key: &str,
    #[case] value: Value,
    #[case] field: &str,
) {
    let mut v = stay();
    if key == "designated_disease" {
        v = json!({"id": "new", "kind": "outpatient", "submitted": "2022-06-15",
                   "period_start": "2022-05-01", "period_end": "2022-05-31",
                   "hospital_grade": 3, "costs_fen": {"self_borne": 100}});
    }
    v[key] = value;
    let e = refused(&v);
    assert_eq!(e.field, field, "{e}");
    assert!(e.problem.contains("invisible or control character"), "{e}");
}

#[test]
fn the_claim_id_with_a_control_character_is_refused() {
    let e = check_identifier("claim.id", "c\u{0007}1").unwrap_err();
    assert_eq!(e.field, "claim.id");
    assert!(e.problem.contains("U+0007"), "{e}");
}

#[test]
fn an_invoice_of_only_invisible_characters_is_refused_as_empty() {
    let mut v = stay();
    v["invoices"] = json!(["\u{200B} \u{FEFF}"]);
    let e = refused(&v);
    assert_eq!(e.field, "claim.invoices[0]");
    assert!(e.problem.contains("must not be empty"), "{e}");
}

#[test]
fn self_borne_above_the_total_is_refused_naming_self_borne() {
    let mut v = stay();
    v["costs_fen"] = json!({"total": 100_000, "self_borne": 1_200_000});
    let e = refused(&v);
    assert_eq!(e.field, "claim.costs_fen.self_borne");
    assert!(
        e.problem.contains("12000.00") || e.problem.contains("12,000.00"),
        "{e}"
    );
}

#[test]
fn components_adding_up_above_the_total_are_refused_naming_the_total() {
    let mut v = stay();
    v["costs_fen"]["pooled_fund"] = json!(3_000_001);
    let e = refused(&v);
    assert_eq!(e.field, "claim.costs_fen.total");
    // Each alone is below the total: only the sum is wrong.
    let mut v = stay();
    v["costs_fen"] = json!({"total": 100, "pooled_fund": 60, "self_borne": 60});
    assert_eq!(refused(&v).field, "claim.costs_fen.total");
}

#[test]
fn components_adding_up_to_exactly_the_total_are_accepted() {
    check(&stay()).unwrap();
}

#[test]
fn costs_without_a_total_are_not_compared() {
    let mut v = stay();
    v["costs_fen"] = json!({"self_borne": 1_200_000});
    check(&v).unwrap();
}

#[rstest]
#[case::admitted_before_1900("admitted", "1899-12-31", "before 1900-01-01")]
#[case::discharged_after_submission("discharged", "2022-06-16", "after the submission date")]
#[case::diagnosis_after_submission("diagnoses", "2023-01-01", "after the submission date")]
fn an_event_date_that_cannot_be_is_refused_naming_the_field(
    #[case] key: &str,
    #[case] day: &str,
    #[case] says: &str,
) {
    let mut v = stay();
    let field = if key == "diagnoses" {
        v["diagnoses"][0]["date"] = json!(day);
        "claim.diagnoses[0].date".to_string()
    } else {
        if key == "admitted" {
            v["admitted"] = json!(day);
        } else {
            v["discharged"] = json!(day);
        }
        format!("claim.{key}")
    };
    let e = refused(&v);
    assert_eq!(e.field, field, "{e}");
    assert!(e.problem.contains(says), "{e}");
}

#[test]
fn an_event_on_the_submission_day_is_accepted() {
    let mut v = stay();
    v["discharged"] = json!("2022-06-15");
    check(&v).unwrap();
}

#[test]
fn too_many_invoices_are_refused_with_the_limit() {
    let mut v = stay();
    v["invoices"] = json!((0..=MAX_INVOICES)
        .map(|i| format!("INV{i}"))
        .collect::<Vec<_>>());
    let e = refused(&v);
    assert_eq!(e.field, "claim.invoices");
    assert!(e.problem.contains(&MAX_INVOICES.to_string()), "{e}");
    let mut v = stay();
    v["invoices"] = json!((0..20_000).map(|i| format!("INV{i}")).collect::<Vec<_>>());
    assert_eq!(refused(&v).field, "claim.invoices");
}

#[test]
fn an_overlong_invoice_number_is_refused_with_the_limit() {
    let mut v = stay();
    v["invoices"] = json!(["9".repeat(MAX_IDENTIFIER_CHARS + 1)]);
    let e = refused(&v);
    assert_eq!(e.field, "claim.invoices[0]");
    assert!(e.problem.contains("at most 64"), "{e}");
    let mut v = stay();
    v["invoices"] = json!(["9".repeat(1_500_000)]);
    assert_eq!(refused(&v).field, "claim.invoices[0]");
    let mut v = stay();
    v["invoices"] = json!(["9".repeat(MAX_IDENTIFIER_CHARS)]);
    check(&v).unwrap();
}
