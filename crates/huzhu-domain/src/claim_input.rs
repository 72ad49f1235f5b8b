//! What a claim made through huzhu (the API, the console) must satisfy beyond SPEC 10's format
//! (issue 14): identifiers without invisible or control characters, invoice numbers in one
//! normal form, costs that can be, event dates that can be, and sizes within limits.
//!
//! These checks guard the submission path only. `huzhu adjudicate` reads scenarios as SPEC 10
//! writes them ([`crate::scenario`]) and compares invoice numbers as given, so that a policy
//! maker's what-if and an independent implementation of SPEC 4.1 agree on every scenario; a
//! stored claim is read back by the same parser, so a claim stored before these checks still
//! loads (its invoice numbers are normalised when read, [`normalise_invoices`]).

use crate::money::Money;
use crate::scenario::{Claim, Event, ScenarioError};
use chrono::NaiveDate;
use unicode_general_category::{get_general_category, GeneralCategory};
use unicode_normalization::UnicodeNormalization;

/// At most this many invoice numbers in one claim (a stay of a year has a few dozen).
pub const MAX_INVOICES: usize = 200;
/// At most this many diagnoses in one claim.
pub const MAX_DIAGNOSES: usize = 20;
/// At most this many characters in an identifier: an invoice number (a VAT e-invoice number has
/// 20 digits, a paper invoice's code and number 12 + 8), a disease code, a payment reference.
pub const MAX_IDENTIFIER_CHARS: usize = 64;

/// An invoice number as sent, padding included, is at most this many bytes: room for spaces and
/// full-width characters around [`MAX_IDENTIFIER_CHARS`].
const MAX_RAW_INVOICE_BYTES: usize = 1_024;

/// No event of a claim is dated before this day.
pub fn earliest_event_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// Characters that show nothing or change how text around them shows: format characters
/// (zero-width spaces and joiners, bidi marks and embeddings, the BOM, the soft hyphen, word
/// joiners) and the other default-ignorable code points (Hangul fillers, variation selectors,
/// the combining grapheme joiner, Mongolian selectors).
pub fn is_invisible(c: char) -> bool {
    matches!(get_general_category(c), GeneralCategory::Format)
        || matches!(
            c,
            '\u{034F}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FFA0}'
                | '\u{E0100}'..='\u{E01EF}'
        )
}

/// A character no identifier may hold: a control character (including line and paragraph
/// separators) or an invisible one.
pub fn is_forbidden_in_identifier(c: char) -> bool {
    c.is_control()
        || is_invisible(c)
        || matches!(
            get_general_category(c),
            GeneralCategory::LineSeparator | GeneralCategory::ParagraphSeparator
        )
}

/// An invoice number in the one form huzhu compares and stores: Unicode NFKC (full-width digits
/// and letters become ASCII), whitespace and invisible characters removed, upper case. The same
/// invoice typed with a trailing space, a zero-width space, a right-to-left mark, full-width
/// digits or lower case gives the same number.
pub fn normalise_invoice(raw: &str) -> String {
    raw.chars()
        .filter(|c| !is_invisible(*c))
        .nfkc()
        .filter(|c| !c.is_whitespace() && !is_invisible(*c))
        .flat_map(char::to_uppercase)
        .collect()
}

/// The claim's invoice numbers normalised ([`normalise_invoice`]): how a stored claim is read
/// for duplicate detection, so that numbers stored before normalisation compare alike.
pub fn normalise_invoices(claim: &mut Claim) {
    for i in &mut claim.invoices {
        *i = normalise_invoice(i);
    }
}

fn err(field: String, problem: String) -> ScenarioError {
    ScenarioError { field, problem }
}

/// Refuses an identifier holding a control or invisible character, or longer than
/// [`MAX_IDENTIFIER_CHARS`], naming `field`.
pub fn check_identifier(field: &str, value: &str) -> Result<(), ScenarioError> {
    if let Some(c) = value.chars().find(|c| is_forbidden_in_identifier(*c)) {
        let code = format!("U+{:04X}", u32::from(c));
        return Err(err(
            field.to_string(),
            format!(
                "含有不可见字符或控制字符 {code} (contains an invisible or control character {code})"
            ),
        ));
    }
    let n = value.chars().count();
    if n > MAX_IDENTIFIER_CHARS {
        return Err(err(
            field.to_string(),
            format!(
                "过长：{n} 个字符，最多 {MAX_IDENTIFIER_CHARS} 个 (too long: {n} characters, at most {MAX_IDENTIFIER_CHARS})"
            ),
        ));
    }
    Ok(())
}

/// Checks a claim made through huzhu on `today` (its submission date) and returns it with its
/// invoice numbers normalised. Error fields start at `prefix` (`claim.invoices[2]`).
///
/// `total_stated`: whether the request gave `costs_fen.total` (an absent total reads as 0 in
/// SPEC 10, and then no component is compared with it).
pub fn check_claim_input(
    mut claim: Claim,
    total_stated: bool,
    today: NaiveDate,
    prefix: &str,
) -> Result<Claim, ScenarioError> {
    let p = |f: &str| format!("{prefix}.{f}");
    check_identifier(&p("id"), &claim.id)?;
    if let Event::Outpatient { disease, .. } = &claim.event {
        check_identifier(&p("designated_disease"), disease)?;
    }
    if claim.diagnoses.len() > MAX_DIAGNOSES {
        return Err(err(
            p("diagnoses"),
            format!(
                "诊断过多：{} 项，最多 {MAX_DIAGNOSES} 项 (too many diagnoses: {}, at most {MAX_DIAGNOSES})",
                claim.diagnoses.len(),
                claim.diagnoses.len()
            ),
        ));
    }
    for (j, d) in claim.diagnoses.iter().enumerate() {
        check_identifier(&p(&format!("diagnoses[{j}].disease")), &d.disease)?;
    }
    for (j, d) in claim.documents.iter().enumerate() {
        check_identifier(&p(&format!("documents[{j}]")), d)?;
    }
    check_invoices(&mut claim, prefix)?;
    check_costs(&claim, total_stated, prefix)?;
    check_dates(&claim, today, prefix)?;
    Ok(claim)
}

fn check_invoices(claim: &mut Claim, prefix: &str) -> Result<(), ScenarioError> {
    let n = claim.invoices.len();
    if n > MAX_INVOICES {
        return Err(err(
            format!("{prefix}.invoices"),
            format!(
                "发票过多：{n} 张，最多 {MAX_INVOICES} 张 (too many invoices: {n}, at most {MAX_INVOICES})"
            ),
        ));
    }
    for (j, raw) in claim.invoices.iter_mut().enumerate() {
        let field = format!("{prefix}.invoices[{j}]");
        // Judged before normalising, so a megabyte of padding costs nothing to refuse.
        if raw.len() > MAX_RAW_INVOICE_BYTES {
            let n = raw.chars().count();
            return Err(err(
                field,
                format!(
                    "过长：{n} 个字符，最多 {MAX_IDENTIFIER_CHARS} 个 (too long: {n} characters, at most {MAX_IDENTIFIER_CHARS})"
                ),
            ));
        }
        let normal = normalise_invoice(raw);
        if normal.is_empty() {
            return Err(err(
                field,
                "发票号不能为空 (invoice number must not be empty)".into(),
            ));
        }
        check_identifier(&field, &normal)?;
        *raw = normal;
    }
    Ok(())
}

fn check_costs(claim: &Claim, total_stated: bool, prefix: &str) -> Result<(), ScenarioError> {
    if !total_stated {
        return Ok(());
    }
    let c = &claim.costs;
    let yuan = |m: Money| m.yuan_string();
    if c.self_borne > c.total {
        return Err(err(
            format!("{prefix}.costs_fen.self_borne"),
            format!(
                "自负 {} 元超过医疗费总额 {} 元 (self_borne {} is more than the total {})",
                yuan(c.self_borne),
                yuan(c.total),
                yuan(c.self_borne),
                yuan(c.total)
            ),
        ));
    }
    let sum = [
        c.pooled_fund,
        c.personal_account,
        c.self_borne,
        c.self_pay_class_b,
        c.self_pay_excluded,
    ]
    .iter()
    .try_fold(Money::ZERO, |acc, m| acc.checked_add(*m));
    match sum {
        Some(sum) if sum <= c.total => Ok(()),
        sum => {
            let sum = sum.map_or_else(|| "∞".to_string(), yuan);
            Err(err(
                format!("{prefix}.costs_fen.total"),
                format!(
                    "统筹支付、个人账户支付、自负、自理、自费之和 {sum} 元超过医疗费总额 {} 元 \
                     (pooled_fund + personal_account + self_borne + self_pay_class_b + \
                     self_pay_excluded = {sum}, more than the total {})",
                    yuan(c.total),
                    yuan(c.total)
                ),
            ))
        }
    }
}

fn check_dates(claim: &Claim, today: NaiveDate, prefix: &str) -> Result<(), ScenarioError> {
    let mut dates: Vec<(String, NaiveDate)> = Vec::new();
    match &claim.event {
        Event::HospitalStay {
            admitted,
            discharged,
        } => {
            dates.push(("admitted".into(), *admitted));
            dates.push(("discharged".into(), *discharged));
        }
        Event::Outpatient { start, end, .. } => {
            dates.push(("period_start".into(), *start));
            dates.push(("period_end".into(), *end));
        }
        Event::Diagnosis | Event::CarePayment => {}
    }
    for (j, d) in claim.diagnoses.iter().enumerate() {
        dates.push((format!("diagnoses[{j}].date"), d.date));
        if let Some(death) = d.death_date {
            dates.push((format!("diagnoses[{j}].death_date"), death));
        }
    }
    let earliest = earliest_event_date();
    for (f, day) in dates {
        if day < earliest {
            return Err(err(
                format!("{prefix}.{f}"),
                format!("日期 {day} 早于 {earliest} (date {day} is before {earliest})"),
            ));
        }
        if day > today {
            return Err(err(
                format!("{prefix}.{f}"),
                format!(
                    "日期 {day} 晚于提交日期 {today} (date {day} is after the submission date {today})"
                ),
            ));
        }
    }
    Ok(())
}
