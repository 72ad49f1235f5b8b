//! Next year's policy from this year's (issue 13: "next year's policy is made from this year's").
//! The text is edited, not regenerated: every comment, `assumed` note and layout of the officer's
//! file stays, and only what names the cycle changes — every TOML date moves by the same whole
//! number of years (29 February becomes the 28th in a common year), the id and name have the
//! old cycle's year replaced (or the new year added), and the version becomes `<year>.1`. The
//! result is then checked like any file, so `policy diff` between the two shows only the dates.

use super::{Policy, PolicyErrors};
use chrono::{Datelike, NaiveDate};
use toml_edit::visit_mut::{self, VisitMut};
use toml_edit::{DocumentMut, Formatted, Value};

/// Why a next cycle could not be made.
#[derive(Debug, thiserror::Error)]
pub enum NextCycleError {
    #[error("原策略无法解析 (the source policy does not parse):\n{0}")]
    Source(PolicyErrors),
    #[error("原策略无法按 TOML 编辑 (the source cannot be edited as TOML): {0}")]
    NotToml(String),
    #[error(
        "新年度{cycle}与原年度{from}相同或更早 (cycle {cycle} is not after the source's {from})"
    )]
    NotLater { from: i32, cycle: i32 },
    #[error("日期{date}顺延{years}年后超出范围 (date {date} moved {years} years is out of range)")]
    OutOfRange { date: String, years: i32 },
    #[error("生成的策略无法通过检查 (the new policy does not check):\n{0}")]
    Result(PolicyErrors),
}

/// A policy made from another for a later cycle: its text and the parsed policy.
#[derive(Debug, Clone)]
pub struct NextCycle {
    pub text: String,
    pub policy: Policy,
    /// By how many years every date moved.
    pub years: i32,
}

/// The policy `text` moved to the cycle starting in `cycle` (a year): see the module doc.
pub fn next_cycle(text: &str, cycle: i32) -> Result<NextCycle, NextCycleError> {
    let source = Policy::from_toml(text).map_err(NextCycleError::Source)?;
    let from = source.cycle.start.year();
    if cycle <= from {
        return Err(NextCycleError::NotLater { from, cycle });
    }
    let years = cycle - from;
    // The source parsed, so it is TOML; toml_edit reads the same text.
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| NextCycleError::NotToml(e.to_string()))?;
    let mut mover = MoveDates { years, bad: None };
    mover.visit_document_mut(&mut doc);
    if let Some(date) = mover.bad {
        return Err(NextCycleError::OutOfRange { date, years });
    }
    let (old_year, new_year) = (from.to_string(), cycle.to_string());
    let id = if source.id.contains(&old_year) {
        source.id.replace(&old_year, &new_year)
    } else {
        format!("{}-{new_year}", source.id)
    };
    let name = if source.name.contains(&old_year) {
        source.name.replace(&old_year, &new_year)
    } else {
        format!("{}（{new_year}年度）", source.name)
    };
    set_string(&mut doc, "id", &id);
    set_string(&mut doc, "name", &name);
    if let Some(en) = &source.name_en {
        let en = if en.contains(&old_year) {
            en.replace(&old_year, &new_year)
        } else {
            format!("{en} ({new_year})")
        };
        set_string(&mut doc, "name_en", &en);
    }
    set_string(&mut doc, "version", &format!("{new_year}.1"));
    let header = format!(
        "# 由 {} (version {}) 生成：保障期改为 {new_year} 年度，所有日期顺延 {years} 年；以下注释为原文件所写。\n\
         # Made from {} (version {}) for the {new_year} cycle: every date moved {years} years; the \
         comments below are the source's.\n",
        source.id, source.version, source.id, source.version
    );
    let text = format!("{header}{doc}");
    let policy = Policy::from_toml(&text).map_err(NextCycleError::Result)?;
    Ok(NextCycle {
        text,
        policy,
        years,
    })
}

/// The policy `text` with its enrolment window set to `start`–`end`, every comment and the rest
/// of the file kept, checked like any file (the demo keeps its current cycle's window open:
/// `huzhu_app::demo_cycle`).
pub fn with_enrolment_window(
    text: &str,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<NextCycle, NextCycleError> {
    Policy::from_toml(text).map_err(NextCycleError::Source)?;
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| NextCycleError::NotToml(e.to_string()))?;
    for (key, date) in [("window_start", start), ("window_end", end)] {
        let slot = doc
            .get_mut("enrolment")
            .and_then(|t| t.get_mut(key))
            .and_then(|i| i.as_value_mut());
        let Some(v) = slot else {
            return Err(NextCycleError::NotToml(format!(
                "enrolment.{key} is missing"
            )));
        };
        let bad = || NextCycleError::OutOfRange {
            date: date.to_string(),
            years: 0,
        };
        let new = toml_edit::Datetime {
            date: Some(toml_edit::Date {
                year: u16::try_from(date.year()).map_err(|_| bad())?,
                month: u8::try_from(date.month()).map_err(|_| bad())?,
                day: u8::try_from(date.day()).map_err(|_| bad())?,
            }),
            time: None,
            offset: None,
        };
        let decor = v.decor().clone();
        *v = Value::from(new);
        *v.decor_mut() = decor;
    }
    let text = doc.to_string();
    let policy = Policy::from_toml(&text).map_err(NextCycleError::Result)?;
    Ok(NextCycle {
        text,
        policy,
        years: 0,
    })
}

/// A top-level string key set to `value`, its comments and spacing kept.
fn set_string(doc: &mut DocumentMut, key: &str, value: &str) {
    if let Some(item) = doc.get_mut(key) {
        if let Some(v) = item.as_value_mut() {
            let decor = v.decor().clone();
            *v = Value::from(value);
            *v.decor_mut() = decor;
        }
    }
}

/// The same day `years` later; 29 February becomes the 28th in a common year.
pub fn move_date(date: NaiveDate, years: i32) -> Option<NaiveDate> {
    let year = date.year().checked_add(years)?;
    NaiveDate::from_ymd_opt(year, date.month(), date.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, date.month(), 28))
}

struct MoveDates {
    years: i32,
    /// The first date that could not be moved.
    bad: Option<String>,
}

impl VisitMut for MoveDates {
    fn visit_value_mut(&mut self, node: &mut Value) {
        if let Value::Datetime(f) = node {
            let dt = *f.value();
            if let (Some(d), None) = (dt.date, dt.time) {
                let moved = NaiveDate::from_ymd_opt(
                    i32::from(d.year),
                    u32::from(d.month),
                    u32::from(d.day),
                )
                .and_then(|date| move_date(date, self.years))
                .and_then(|m| {
                    Some(toml_edit::Date {
                        year: u16::try_from(m.year()).ok()?,
                        month: u8::try_from(m.month()).ok()?,
                        day: u8::try_from(m.day()).ok()?,
                    })
                });
                match moved {
                    Some(m) => {
                        let mut new = Formatted::new(toml_edit::Datetime {
                            date: Some(m),
                            time: None,
                            offset: None,
                        });
                        std::mem::swap(new.decor_mut(), f.decor_mut());
                        *f = new;
                    }
                    None => {
                        self.bad.get_or_insert_with(|| dt.to_string());
                    }
                }
            }
        }
        visit_mut::visit_value_mut(self, node);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leap_day_moves_to_the_28th_in_a_common_year() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(move_date(d(2024, 2, 29).unwrap(), 1), d(2025, 2, 28));
        assert_eq!(move_date(d(2024, 2, 29).unwrap(), 4), d(2028, 2, 29));
        assert_eq!(move_date(d(2021, 10, 15).unwrap(), 4), d(2025, 10, 15));
    }

    #[test]
    fn a_window_moved_by_hand_keeps_the_rest_of_the_file() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let text = crate::policy::BUILTIN
            .iter()
            .find(|(n, _)| *n == "hangzhou-2022")
            .map(|(_, t)| *t)
            .unwrap();
        let open = with_enrolment_window(text, d(2021, 10, 15), d(2022, 12, 31)).unwrap();
        assert_eq!(open.policy.enrolment.window.start, d(2021, 10, 15));
        assert_eq!(open.policy.enrolment.window.end, d(2022, 12, 31));
        assert!(
            open.text.contains("window_end = 2022-12-31"),
            "{}",
            open.text
        );
        assert!(open.text.contains("# 团体参加"), "comments are kept");
        let diff = crate::policy::diff(&Policy::from_toml(text).unwrap(), &open.policy);
        assert!(!diff.is_empty());
        // A window that closes before it opens is refused like any file's.
        assert!(with_enrolment_window(text, d(2022, 12, 31), d(2021, 10, 15)).is_err());
    }
}
