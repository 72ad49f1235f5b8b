//! One cell of a roster, whether it came from CSV text or a typed xlsx cell, and the readings that
//! every field shares: text, dates, numbers that Excel has mangled.

use chrono::{Datelike, NaiveDate};
use std::borrow::Cow;

/// A cell as the file holds it. CSV gives text only; xlsx gives numbers and dates too.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum CellRef<'a> {
    Empty,
    Text(&'a str),
    Number(f64),
    Date(NaiveDate),
    Bool(bool),
    /// An Excel error value such as `#N/A`.
    Error(&'a str),
}

/// Why a cell cannot be read at all, before any field-specific check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum CellError {
    #[error("单元格是数字格式，Excel只保留15位数字，“{shown}”的后几位已丢失；请把此列设置为“文本”格式后重新录入 (the cell holds a number and Excel keeps only 15 digits, so the last digits of {shown} are lost: format the column as Text and re-enter it)")]
    LostDigits { shown: String },
    #[error("单元格是Excel错误值{value}，请改为实际内容 (the cell holds the Excel error {value})")]
    ExcelError { value: String },
    #[error("日期“{value}”无法识别，请写成2020-01-05的形式 (cannot read the date '{value}': write it as 2020-01-05)")]
    BadDate { value: String },
    #[error("日期“{value}”只有年月，需要完整的年月日 (the date '{value}' has no day)")]
    DateWithoutDay { value: String },
}

/// Numbers at or above this have more digits than Excel keeps (15 significant digits).
const EXCEL_DIGITS_LIMIT: f64 = 1e15;

/// Undoes what exports do to keep a number as text: Excel's formula `="330106…"` and its
/// leading apostrophe `'330106…`, and the `.0` a spreadsheet library adds to a whole number
/// (`13800138000.0`). Anything else is returned as it is.
fn unwrap_kept_text(t: &str) -> &str {
    if let Some(inner) = t.strip_prefix("=\"").and_then(|r| r.strip_suffix('"')) {
        return inner.trim();
    }
    if let Some(rest) = t.strip_prefix('\'').or_else(|| t.strip_prefix('‘')) {
        if rest.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            return rest.trim();
        }
    }
    if let Some((whole, zeros)) = t.split_once('.') {
        if whole.len() >= 7
            && whole.chars().all(|c| c.is_ascii_digit())
            && !zeros.is_empty()
            && zeros.chars().all(|c| c == '0')
        {
            return whole;
        }
    }
    t
}

impl<'a> CellRef<'a> {
    pub fn is_blank(&self) -> bool {
        match self {
            CellRef::Empty => true,
            CellRef::Text(s) => is_blank_text(s),
            _ => false,
        }
    }

    /// The cell as the file holds it, for the error report an officer fixes and imports again:
    /// text untouched, a number in full (even one Excel has cut), a date as 2020-01-05, an Excel
    /// error as its code.
    pub fn raw_text(&self) -> String {
        let mut out = String::new();
        self.write_raw(&mut out);
        out
    }

    /// [`CellRef::raw_text`], appended to `out`.
    pub fn write_raw(&self, out: &mut String) {
        use std::fmt::Write;
        // Writing to a String cannot fail.
        let _ = match *self {
            CellRef::Empty => Ok(()),
            CellRef::Text(s) | CellRef::Error(s) => {
                out.push_str(s);
                Ok(())
            }
            CellRef::Number(f) if f.is_finite() && f.fract() == 0.0 => write!(out, "{f:.0}"),
            CellRef::Number(f) => write!(out, "{f}"),
            CellRef::Date(d) => write!(out, "{}", d.format("%Y-%m-%d")),
            CellRef::Bool(b) => {
                out.push_str(if b { "TRUE" } else { "FALSE" });
                Ok(())
            }
        };
    }

    /// The cell as trimmed text. Integral numbers print without a decimal point (a phone stored as
    /// a number reads "13800138000"); a number too long for Excel to have kept whole is an error,
    /// never a guessed value.
    pub fn text(&self) -> Result<Cow<'a, str>, CellError> {
        match *self {
            CellRef::Empty => Ok(Cow::Borrowed("")),
            CellRef::Text(s) => {
                let t = unwrap_kept_text(trim(s));
                if looks_like_lost_digits(t) {
                    Err(CellError::LostDigits {
                        shown: t.to_string(),
                    })
                } else {
                    Ok(Cow::Borrowed(t))
                }
            }
            CellRef::Number(f) => number_text(f).map(Cow::Owned),
            CellRef::Date(d) => Ok(Cow::Owned(d.format("%Y-%m-%d").to_string())),
            CellRef::Bool(b) => Ok(Cow::Borrowed(if b { "TRUE" } else { "FALSE" })),
            CellRef::Error(e) => Err(CellError::ExcelError {
                value: e.to_string(),
            }),
        }
    }

    /// The cell as a date, `None` when empty. Accepts real date cells, Excel serial numbers and
    /// the ways officers type dates: `2020-01-05`, `2020/1/5`, `2020.1.5`, `2020年1月5日`,
    /// `20200105`, a trailing time (`2020-01-05 00:00:00`), and year-month forms (`2020-01`,
    /// `2020年1月`, `202001`), which come back as [`DateCell::Month`].
    pub fn date(&self) -> Result<Option<DateCell>, CellError> {
        match *self {
            CellRef::Empty => Ok(None),
            CellRef::Date(d) => Ok(Some(DateCell::Day(d))),
            CellRef::Number(f) => number_date(f).map(Some).ok_or_else(|| CellError::BadDate {
                value: number_text(f).unwrap_or_else(|_| f.to_string()),
            }),
            CellRef::Text(s) => {
                let t = trim(s);
                if t.is_empty() {
                    Ok(None)
                } else {
                    text_date(t).map(Some).ok_or_else(|| CellError::BadDate {
                        value: t.to_string(),
                    })
                }
            }
            CellRef::Bool(_) => Err(CellError::BadDate {
                value: self.text().map(|c| c.into_owned()).unwrap_or_default(),
            }),
            CellRef::Error(e) => Err(CellError::ExcelError {
                value: e.to_string(),
            }),
        }
    }
}

/// A date cell: a whole day, or only a year and month (出生年月 columns often hold just that).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateCell {
    Day(NaiveDate),
    Month { year: i32, month: u32 },
}

impl DateCell {
    /// Whether the cell agrees with a known day, to the precision the cell has.
    pub fn agrees_with(self, day: NaiveDate) -> bool {
        match self {
            DateCell::Day(d) => d == day,
            DateCell::Month { year, month } => day.year() == year && day.month() == month,
        }
    }

    /// A day for fields where a month means its first day (入会年月, 参加工作年月).
    pub fn first_day(self) -> Option<NaiveDate> {
        match self {
            DateCell::Day(d) => Some(d),
            DateCell::Month { year, month } => NaiveDate::from_ymd_opt(year, month, 1),
        }
    }
}

/// Whitespace of every width, BOMs and zero-width spaces that survive copy-paste from web pages.
pub(crate) fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '\u{200b}')
}

/// What officers write in an optional cell that has nothing to say: `无`, `-`, `/`, `N/A` …
pub(crate) fn is_placeholder(s: &str) -> bool {
    matches!(
        trim(s),
        "无" | "暂无"
            | "没有"
            | "空"
            | "-"
            | "--"
            | "—"
            | "——"
            | "/"
            | "／"
            | "\\"
            | "n/a"
            | "N/A"
            | "NA"
            | "null"
            | "NULL"
            | "none"
            | "None"
    )
}

pub(crate) fn is_blank_text(s: &str) -> bool {
    trim(s).is_empty()
}

fn number_text(f: f64) -> Result<String, CellError> {
    if !f.is_finite() {
        return Ok(f.to_string());
    }
    if f.abs() >= EXCEL_DIGITS_LIMIT {
        return Err(CellError::LostDigits {
            shown: format!("{f:.0}"),
        });
    }
    if f.fract() == 0.0 {
        Ok(format!("{f:.0}"))
    } else {
        Ok(f.to_string())
    }
}

/// `3.30106E+17`: how Excel shows, and exports to CSV, a long number in a column not set to Text.
fn looks_like_lost_digits(t: &str) -> bool {
    let Some((mantissa, exp)) = t.split_once(['E', 'e']) else {
        return false;
    };
    let exp = exp.strip_prefix('+').unwrap_or(exp);
    let mut parts = mantissa.splitn(2, '.');
    let int_ok = parts
        .next()
        .is_some_and(|p| p.len() == 1 && p.bytes().all(|b| b.is_ascii_digit()));
    let frac_ok = parts
        .next()
        .is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    int_ok
        && frac_ok
        && !exp.is_empty()
        && exp.bytes().all(|b| b.is_ascii_digit())
        && exp.parse::<u32>().is_ok_and(|e| e >= 5)
}

/// Days since 1899-12-30, Excel's serial dates (1900 system; serials below 61 predate Excel's
/// phantom 1900-02-29 and are never birth or join dates of living members).
pub(crate) fn excel_serial(days: i64) -> Option<NaiveDate> {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    epoch.checked_add_signed(chrono::TimeDelta::try_days(days)?)
}

fn number_date(f: f64) -> Option<DateCell> {
    if !f.is_finite() || f < 1.0 {
        return None;
    }
    let whole = f.trunc();
    // Typed as a number: 20200105 or 202001.
    if f.fract() == 0.0 && (1_000_000.0..100_000_000.0).contains(&whole) {
        return digits_date(&format!("{whole:.0}"));
    }
    if f.fract() == 0.0 && (100_000.0..1_000_000.0).contains(&whole) {
        return digits_date(&format!("{whole:.0}"));
    }
    // Excel serial, a time of day possibly attached.
    if whole < 100_000.0 {
        return excel_serial(whole as i64).map(DateCell::Day);
    }
    None
}

fn digits_date(d: &str) -> Option<DateCell> {
    let num = |r: std::ops::Range<usize>| d.get(r)?.parse::<u32>().ok();
    match d.len() {
        8 => ymd(num(0..4)? as i32, num(4..6)?, Some(num(6..8)?)),
        6 => ymd(num(0..4)? as i32, num(4..6)?, None),
        5 => {
            let serial: i64 = d.parse().ok()?;
            (serial >= 10_000)
                .then(|| excel_serial(serial))
                .flatten()
                .map(DateCell::Day)
        }
        _ => None,
    }
}

fn ymd(year: i32, month: u32, day: Option<u32>) -> Option<DateCell> {
    if !(1800..=2999).contains(&year) {
        return None;
    }
    match day {
        Some(d) => NaiveDate::from_ymd_opt(year, month, d).map(DateCell::Day),
        None => (1..=12)
            .contains(&month)
            .then_some(DateCell::Month { year, month }),
    }
}

fn text_date(t: &str) -> Option<DateCell> {
    let t: String = t
        .chars()
        .map(|c| match c {
            '\u{ff10}'..='\u{ff19}' | '\u{ff0d}' | '\u{ff0e}' | '\u{ff0f}' => {
                char::from_u32(c as u32 - 0xfee0).unwrap_or(c)
            }
            _ => c,
        })
        .collect();
    // Drop a time of day: "2020-01-05 00:00:00", "2020/1/5 0:00", "2020-01-05T00:00:00".
    let date_part = t
        .split(|c: char| c.is_whitespace() || c == 'T')
        .next()
        .unwrap_or("");
    if date_part.bytes().all(|b| b.is_ascii_digit()) {
        if let Some(d) = digits_date(date_part) {
            return Some(d);
        }
        // An Excel serial with a fraction exported to CSV: "43835.5".
        return None;
    }
    if let Some((int, frac)) = date_part.split_once('.') {
        if int.len() == 5
            && int.bytes().all(|b| b.is_ascii_digit())
            && frac.bytes().all(|b| b.is_ascii_digit())
        {
            return digits_date(int);
        }
    }
    let mut groups = Vec::with_capacity(3);
    let mut current = String::new();
    for c in date_part.chars() {
        if c.is_ascii_digit() {
            current.push(c);
        } else if matches!(c, '-' | '/' | '.' | '年' | '月' | '日' | '号') {
            if current.is_empty() {
                return None;
            }
            groups.push(std::mem::take(&mut current));
        } else {
            return None;
        }
    }
    if !current.is_empty() {
        groups.push(current);
    }
    if groups.first().is_none_or(|y| y.len() != 4)
        || groups.iter().any(|g| g.len() > 2 && g != &groups[0])
    {
        return None;
    }
    let n = |i: usize| groups.get(i).and_then(|g| g.parse::<u32>().ok());
    match groups.len() {
        3 => ymd(n(0)? as i32, n(1)?, Some(n(2)?)),
        2 => ymd(n(0)? as i32, n(1)?, None),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn day(y: i32, m: u32, d: u32) -> Option<DateCell> {
        Some(DateCell::Day(NaiveDate::from_ymd_opt(y, m, d).unwrap()))
    }

    #[rstest]
    #[case("=\"330106198503150024\"", "330106198503150024")]
    #[case(" ='33010619850315002X' ", "='33010619850315002X'")]
    #[case("'330106198503150024", "330106198503150024")]
    #[case("330106198503150024.0", "330106198503150024")]
    #[case("13800138000.00", "13800138000")]
    #[case("O'Brien", "O'Brien")]
    #[case("2020.1.5", "2020.1.5")]
    #[case("12.0", "12.0")]
    fn text_kept_as_text_by_an_export_is_unwrapped(#[case] raw: &str, #[case] text: &str) {
        assert_eq!(CellRef::Text(raw).text().unwrap(), text);
    }

    #[rstest]
    #[case("2020-01-05", day(2020, 1, 5))]
    #[case("2020/1/5", day(2020, 1, 5))]
    #[case("2020.1.5", day(2020, 1, 5))]
    #[case("2020年1月5日", day(2020, 1, 5))]
    #[case("2020年01月05号", day(2020, 1, 5))]
    #[case("20200105", day(2020, 1, 5))]
    #[case(" 2020-01-05 00:00:00 ", day(2020, 1, 5))]
    #[case("2020/1/5 0:00", day(2020, 1, 5))]
    #[case("2020-01-05T00:00:00", day(2020, 1, 5))]
    #[case("２０２０－０１－０５", day(2020, 1, 5))]
    #[case("43835", day(2020, 1, 5))]
    #[case("43835.5", day(2020, 1, 5))]
    #[case("2020-01", Some(DateCell::Month { year: 2020, month: 1 }))]
    #[case("2020年1月", Some(DateCell::Month { year: 2020, month: 1 }))]
    #[case("198503", Some(DateCell::Month { year: 1985, month: 3 }))]
    #[case("", None)]
    fn dates_are_read_in_the_forms_officers_type(
        #[case] raw: &str,
        #[case] want: Option<DateCell>,
    ) {
        assert_eq!(CellRef::Text(raw).date(), Ok(want));
    }

    #[rstest]
    #[case("2020-02-30")]
    #[case("05/01/2020")]
    #[case("2020")]
    #[case("yesterday")]
    #[case("2020-13-01")]
    #[case("1985")]
    fn impossible_or_ambiguous_dates_are_errors(#[case] raw: &str) {
        assert!(matches!(
            CellRef::Text(raw).date(),
            Err(CellError::BadDate { .. })
        ));
    }

    #[rstest]
    #[case(43835.0, day(2020, 1, 5))]
    #[case(43835.75, day(2020, 1, 5))]
    #[case(20200105.0, day(2020, 1, 5))]
    #[case(198503.0, Some(DateCell::Month { year: 1985, month: 3 }))]
    fn numeric_date_cells_are_serials_or_typed_digits(
        #[case] f: f64,
        #[case] want: Option<DateCell>,
    ) {
        assert_eq!(CellRef::Number(f).date(), Ok(want));
    }

    #[rstest]
    #[case(CellRef::Number(13800138000.0), "13800138000")]
    #[case(CellRef::Number(4.0), "4")]
    #[case(CellRef::Number(1.5), "1.5")]
    #[case(CellRef::Text("  王芳\u{3000}"), "王芳")]
    #[case(CellRef::Empty, "")]
    fn cells_read_as_text_without_float_noise(#[case] cell: CellRef<'_>, #[case] want: &str) {
        assert_eq!(cell.text().unwrap(), want);
    }

    #[rstest]
    #[case(CellRef::Number(330106198503150000.0))]
    #[case(CellRef::Text("3.30106E+17"))]
    #[case(CellRef::Text("3.30106198503150E+17"))]
    #[case(CellRef::Text("1.38001E+10"))]
    fn long_numbers_mangled_by_excel_are_reported_not_guessed(#[case] cell: CellRef<'_>) {
        let err = cell.text().unwrap_err();
        assert!(matches!(err, CellError::LostDigits { .. }));
        assert!(err.to_string().contains("文本"));
    }

    #[test]
    fn a_month_only_birth_cell_agrees_with_any_day_of_that_month() {
        let d = NaiveDate::from_ymd_opt(1985, 3, 15).unwrap();
        assert!(DateCell::Month {
            year: 1985,
            month: 3
        }
        .agrees_with(d));
        assert!(!DateCell::Month {
            year: 1985,
            month: 4
        }
        .agrees_with(d));
    }
}
