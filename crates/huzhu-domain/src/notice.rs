//! 公示 — the public notice every programme that needs one shares (SPEC 7): a window of working
//! days counted on China's holiday calendar, names masked for the public page, and objections
//! that must be settled before the decision it announces is final.
//!
//! The calendar is data (`calendars/cn-workdays.toml`, embedded): public holidays and the
//! adjusted working weekend days 调休 of each year the State Council has published, checked when
//! read. A year the file does not hold is never guessed: counting into it is an error.
//!
//! Readings (docs/archive.md): a window of `n` working days starts on its first day; its last
//! day is the `n`-th working day counted from the first day, the first day included when it is a
//! working day. The notice runs up to and including its last day and has ended from the next day.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The calendar file shipped with huzhu.
pub const BUILTIN_CALENDAR: &str = include_str!("../../../calendars/cn-workdays.toml");

/// Working days of the hardship archive's notice (SPEC 7.2: 5 working days [assumed]).
pub const ARCHIVE_NOTICE_DAYS: u32 = 5;

/// What is wrong with a calendar file or a count on it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("节假日文件格式错误 (the calendar file does not parse): {0}")]
    Parse(String),
    #[error("{year}年重复出现 (year {year} appears twice)")]
    DuplicateYear { year: i32 },
    #[error("{date}不在{year}年内 (date {date} is not in year {year})")]
    OutsideYear { year: i32, date: NaiveDate },
    #[error("节假日“{name}”的起止日期颠倒 (holiday '{name}' ends before it starts)")]
    Reversed { name: String },
    #[error("调休上班日{date}不是周末 (adjusted working day {date} is not a Saturday or Sunday)")]
    WorkdayNotWeekend { date: NaiveDate },
    #[error("{date}既是假日又是上班日 (date {date} is both a holiday and a working day)")]
    BothHolidayAndWorkday { date: NaiveDate },
    #[error("节假日文件没有{year}年的安排 (the calendar has no arrangement for {year})")]
    YearNotCovered { year: i32 },
    #[error("公示期须至少1个工作日 (a notice lasts at least one working day)")]
    ZeroDays,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarFile {
    format: u32,
    year: Vec<YearFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct YearFile {
    year: i32,
    source: String,
    #[serde(default)]
    assumed: Option<String>,
    #[serde(default)]
    workdays: Vec<NaiveDate>,
    #[serde(default)]
    holidays: Vec<HolidayFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidayFile {
    name: String,
    from: NaiveDate,
    to: NaiveDate,
}

/// One year's arrangement, as the file gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarYear {
    pub year: i32,
    pub source: String,
    /// Why the year is this project's assumption, when it is.
    pub assumed: Option<String>,
}

/// The working-day calendar: which dates are working days, for the years it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkCalendar {
    years: BTreeMap<i32, CalendarYear>,
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
}

impl WorkCalendar {
    /// Parses and checks a calendar file.
    pub fn from_toml(text: &str) -> Result<WorkCalendar, CalendarError> {
        let file: CalendarFile =
            toml::from_str(text).map_err(|e| CalendarError::Parse(e.to_string()))?;
        if file.format != 1 {
            return Err(CalendarError::Parse(format!(
                "format = {} (expected 1)",
                file.format
            )));
        }
        let mut cal = WorkCalendar {
            years: BTreeMap::new(),
            holidays: BTreeSet::new(),
            workdays: BTreeSet::new(),
        };
        for y in file.year {
            let year = y.year;
            if cal.years.contains_key(&year) {
                return Err(CalendarError::DuplicateYear { year });
            }
            let inside = |date: NaiveDate| {
                if date.year() == year {
                    Ok(())
                } else {
                    Err(CalendarError::OutsideYear { year, date })
                }
            };
            for h in &y.holidays {
                inside(h.from)?;
                inside(h.to)?;
                if h.to < h.from {
                    return Err(CalendarError::Reversed {
                        name: h.name.clone(),
                    });
                }
                let mut d = h.from;
                while d <= h.to {
                    cal.holidays.insert(d);
                    d = d.succ_opt().ok_or(CalendarError::YearNotCovered { year })?;
                }
            }
            for &date in &y.workdays {
                inside(date)?;
                if !is_weekend(date) {
                    return Err(CalendarError::WorkdayNotWeekend { date });
                }
                cal.workdays.insert(date);
            }
            cal.years.insert(
                year,
                CalendarYear {
                    year,
                    source: y.source,
                    assumed: y.assumed,
                },
            );
        }
        if let Some(&date) = cal.holidays.intersection(&cal.workdays).next() {
            return Err(CalendarError::BothHolidayAndWorkday { date });
        }
        Ok(cal)
    }

    /// The calendar shipped with huzhu. Its file is checked by a test, so this never fails in a
    /// released build; the error is still handed back rather than hidden.
    pub fn builtin() -> Result<WorkCalendar, CalendarError> {
        WorkCalendar::from_toml(BUILTIN_CALENDAR)
    }

    /// The years covered, in order.
    pub fn years(&self) -> impl Iterator<Item = &CalendarYear> {
        self.years.values()
    }

    /// Whether `date` is a working day; an error for a year the calendar does not cover.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        if !self.years.contains_key(&date.year()) {
            return Err(CalendarError::YearNotCovered { year: date.year() });
        }
        Ok(if self.workdays.contains(&date) {
            true
        } else {
            !is_weekend(date) && !self.holidays.contains(&date)
        })
    }

    /// The last day of a window of `n` working days starting on `start`: the `n`-th working day
    /// counted from `start`, `start` included when it is a working day.
    pub fn end_after_working_days(
        &self,
        start: NaiveDate,
        n: u32,
    ) -> Result<NaiveDate, CalendarError> {
        if n == 0 {
            return Err(CalendarError::ZeroDays);
        }
        let mut left = n;
        let mut day = start;
        loop {
            if self.is_working_day(day)? {
                left -= 1;
                if left == 0 {
                    return Ok(day);
                }
            }
            day = day
                .succ_opt()
                .ok_or(CalendarError::YearNotCovered { year: day.year() })?;
        }
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Two-character surnames 复姓 kept whole when a name is masked.
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文",
    "司徒", "司空", "夏侯", "轩辕", "端木", "独孤", "南宫", "西门", "百里", "呼延", "澹台", "公冶",
    "太史", "申屠", "闻人", "万俟", "赫连", "钟离", "宗政", "濮阳", "淳于", "单于", "太叔", "仲孙",
    "东郭", "拓跋", "第五", "左丘", "谷梁", "梁丘", "羊舌", "微生", "公羊", "巫马", "段干", "漆雕",
];

/// A name for a public page: the surname and one star (张* for 张三 and 张三丰, 欧阳* for
/// 欧阳修) — one star whatever the length, so the page does not tell it. The surname is the
/// first character, or the first two for a known compound surname. A name of one character is
/// a single star.
pub fn public_name(name: &str) -> String {
    let name = name.trim();
    let chars: Vec<char> = name.chars().collect();
    if chars.len() <= 1 {
        return "*".to_string();
    }
    let two: String = chars.iter().take(2).collect();
    if chars.len() > 2 && COMPOUND_SURNAMES.contains(&two.as_str()) {
        format!("{two}*")
    } else {
        format!("{}*", chars[0])
    }
}

/// Where a notice's window stands on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeState {
    /// 公示中: on or before its last day.
    Running,
    /// 公示期满: after its last day.
    Ended,
}

impl NoticeState {
    pub fn code(self) -> &'static str {
        match self {
            NoticeState::Running => "running",
            NoticeState::Ended => "ended",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            NoticeState::Running => "公示中",
            NoticeState::Ended => "公示期满",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            NoticeState::Running => "running",
            NoticeState::Ended => "ended",
        }
    }
}

/// A notice's window: its first and last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeWindow {
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

impl NoticeWindow {
    /// The window of `days` working days from `start`.
    pub fn open(
        calendar: &WorkCalendar,
        start: NaiveDate,
        days: u32,
    ) -> Result<NoticeWindow, CalendarError> {
        Ok(NoticeWindow {
            starts_on: start,
            ends_on: calendar.end_after_working_days(start, days)?,
        })
    }

    pub fn state(&self, today: NaiveDate) -> NoticeState {
        if today <= self.ends_on {
            NoticeState::Running
        } else {
            NoticeState::Ended
        }
    }
}

/// How an objection was settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectionOutcome {
    /// 异议成立: the objection holds; the decision announced cannot stand.
    Upheld,
    /// 异议不成立: dismissed, with the reason.
    Dismissed,
}

impl ObjectionOutcome {
    pub const ALL: [ObjectionOutcome; 2] = [ObjectionOutcome::Upheld, ObjectionOutcome::Dismissed];

    pub fn code(self) -> &'static str {
        match self {
            ObjectionOutcome::Upheld => "upheld",
            ObjectionOutcome::Dismissed => "dismissed",
        }
    }

    pub fn parse(raw: &str) -> Option<ObjectionOutcome> {
        ObjectionOutcome::ALL
            .into_iter()
            .find(|o| o.code() == raw.trim())
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ObjectionOutcome::Upheld => "异议成立",
            ObjectionOutcome::Dismissed => "异议不成立",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ObjectionOutcome::Upheld => "upheld",
            ObjectionOutcome::Dismissed => "dismissed",
        }
    }
}

/// An objection as far as the decision needs it: settled or not, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectionStatus {
    pub outcome: Option<ObjectionOutcome>,
}

/// Why a notice cannot end in the decision it announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NoticeBlock {
    #[error("公示期未满（至{ends_on}） (the notice runs until {ends_on})")]
    StillRunning { ends_on: NaiveDate },
    #[error("尚有{count}条异议未处理 ({count} objection(s) not yet settled)")]
    UnsettledObjections { count: usize },
    #[error("异议成立，不能按公示内容决定 (an objection was upheld; the decision announced cannot stand)")]
    ObjectionUpheld,
}

/// Whether the notice allows the decision it announced on `today`: its window has ended, every
/// objection is settled, and none was upheld.
pub fn may_conclude(
    window: &NoticeWindow,
    objections: &[ObjectionStatus],
    today: NaiveDate,
) -> Result<(), NoticeBlock> {
    if window.state(today) == NoticeState::Running {
        return Err(NoticeBlock::StillRunning {
            ends_on: window.ends_on,
        });
    }
    let count = objections.iter().filter(|o| o.outcome.is_none()).count();
    if count > 0 {
        return Err(NoticeBlock::UnsettledObjections { count });
    }
    if objections
        .iter()
        .any(|o| o.outcome == Some(ObjectionOutcome::Upheld))
    {
        return Err(NoticeBlock::ObjectionUpheld);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn cal() -> WorkCalendar {
        WorkCalendar::builtin().unwrap()
    }

    #[test]
    fn the_shipped_calendar_parses_and_marks_2027_assumed() {
        let c = cal();
        let years: Vec<_> = c.years().map(|y| (y.year, y.assumed.is_some())).collect();
        assert_eq!(years, vec![(2025, false), (2026, false), (2027, true)]);
    }

    #[test]
    fn holidays_and_adjusted_weekends_follow_the_state_council_notice() {
        let c = cal();
        // 2026 春节 15–23 Feb off; Sat 14 Feb and Sat 28 Feb are working days.
        assert!(!c.is_working_day(d("2026-02-16")).unwrap());
        assert!(!c.is_working_day(d("2026-02-23")).unwrap());
        assert!(c.is_working_day(d("2026-02-14")).unwrap());
        assert!(c.is_working_day(d("2026-02-28")).unwrap());
        assert!(c.is_working_day(d("2026-02-24")).unwrap());
        // An ordinary Saturday is not.
        assert!(!c.is_working_day(d("2026-03-07")).unwrap());
        // 2025 国庆 and 中秋 together, 1–8 Oct; Sat 11 Oct works.
        assert!(!c.is_working_day(d("2025-10-08")).unwrap());
        assert!(c.is_working_day(d("2025-10-11")).unwrap());
    }

    #[test]
    fn five_working_days_from_a_monday_end_on_friday() {
        let c = cal();
        assert_eq!(
            c.end_after_working_days(d("2026-03-02"), 5).unwrap(),
            d("2026-03-06")
        );
        // From a Saturday: counting starts on Monday.
        assert_eq!(
            c.end_after_working_days(d("2026-03-07"), 5).unwrap(),
            d("2026-03-13")
        );
    }

    #[test]
    fn a_notice_across_the_national_day_skips_the_holiday_and_counts_the_adjusted_saturday() {
        let c = cal();
        // Mon 28 Sep, Tue 29, Wed 30 (3 days); 1–7 Oct off; Thu 8 Oct (4), Fri 9 Oct (5).
        assert_eq!(
            c.end_after_working_days(d("2026-09-28"), 5).unwrap(),
            d("2026-10-09")
        );
        // Fri 9 Oct (1), Sat 10 Oct adjusted (2), Mon 12 (3), Tue 13 (4), Wed 14 (5).
        assert_eq!(
            c.end_after_working_days(d("2026-10-09"), 5).unwrap(),
            d("2026-10-14")
        );
    }

    #[test]
    fn a_notice_across_the_spring_festival_skips_nine_days() {
        let c = cal();
        // Thu 12 Feb (1), Fri 13 (2), Sat 14 adjusted (3); 15–23 off; Tue 24 (4), Wed 25 (5).
        assert_eq!(
            c.end_after_working_days(d("2026-02-12"), 5).unwrap(),
            d("2026-02-25")
        );
    }

    #[test]
    fn counting_into_a_year_not_in_the_file_is_an_error() {
        let c = cal();
        assert_eq!(
            c.end_after_working_days(d("2027-12-27"), 10),
            Err(CalendarError::YearNotCovered { year: 2028 })
        );
        assert_eq!(
            c.end_after_working_days(d("2026-03-02"), 0),
            Err(CalendarError::ZeroDays)
        );
    }

    #[test]
    fn a_broken_calendar_is_refused_naming_what_is_wrong() {
        let weekday_as_workday = "format = 1\n[[year]]\nyear = 2026\nsource = \"x\"\n\
             workdays = [\"2026-03-02\"]\n";
        assert_eq!(
            WorkCalendar::from_toml(weekday_as_workday),
            Err(CalendarError::WorkdayNotWeekend {
                date: d("2026-03-02")
            })
        );
        let both = "format = 1\n[[year]]\nyear = 2026\nsource = \"x\"\n\
             workdays = [\"2026-03-07\"]\n\
             holidays = [{ name = \"x\", from = \"2026-03-07\", to = \"2026-03-08\" }]\n";
        assert_eq!(
            WorkCalendar::from_toml(both),
            Err(CalendarError::BothHolidayAndWorkday {
                date: d("2026-03-07")
            })
        );
        let outside = "format = 1\n[[year]]\nyear = 2026\nsource = \"x\"\n\
             holidays = [{ name = \"x\", from = \"2025-12-31\", to = \"2026-01-01\" }]\n";
        assert!(matches!(
            WorkCalendar::from_toml(outside),
            Err(CalendarError::OutsideYear { year: 2026, .. })
        ));
        let twice = "format = 1\n[[year]]\nyear = 2026\nsource = \"x\"\n\
             [[year]]\nyear = 2026\nsource = \"y\"\n";
        assert_eq!(
            WorkCalendar::from_toml(twice),
            Err(CalendarError::DuplicateYear { year: 2026 })
        );
        assert!(matches!(
            WorkCalendar::from_toml("format = 1\nyear = []\nextra = 1\n"),
            Err(CalendarError::Parse(_))
        ));
    }

    #[test]
    fn public_names_keep_the_surname_only() {
        assert_eq!(public_name("张三"), "张*");
        assert_eq!(public_name("张三丰"), "张*");
        assert_eq!(public_name("欧阳修"), "欧阳*");
        assert_eq!(public_name("司马相如"), "司马*");
        // 欧阳 as a two-character name is surname 欧 and given name 阳.
        assert_eq!(public_name("欧阳"), "欧*");
        assert_eq!(public_name("买买提·艾力"), "买*");
        assert_eq!(public_name("王"), "*");
    }

    #[test]
    fn a_notice_concludes_only_after_its_window_with_every_objection_settled_and_none_upheld() {
        let w = NoticeWindow::open(&cal(), d("2026-03-02"), 5).unwrap();
        assert_eq!(w.state(d("2026-03-06")), NoticeState::Running);
        assert_eq!(w.state(d("2026-03-07")), NoticeState::Ended);
        assert_eq!(
            may_conclude(&w, &[], d("2026-03-06")),
            Err(NoticeBlock::StillRunning {
                ends_on: d("2026-03-06")
            })
        );
        assert_eq!(may_conclude(&w, &[], d("2026-03-09")), Ok(()));
        let open = ObjectionStatus { outcome: None };
        let dismissed = ObjectionStatus {
            outcome: Some(ObjectionOutcome::Dismissed),
        };
        let upheld = ObjectionStatus {
            outcome: Some(ObjectionOutcome::Upheld),
        };
        assert_eq!(
            may_conclude(&w, &[dismissed, open], d("2026-03-09")),
            Err(NoticeBlock::UnsettledObjections { count: 1 })
        );
        assert_eq!(may_conclude(&w, &[dismissed], d("2026-03-09")), Ok(()));
        assert_eq!(
            may_conclude(&w, &[dismissed, upheld], d("2026-03-09")),
            Err(NoticeBlock::ObjectionUpheld)
        );
    }
}
