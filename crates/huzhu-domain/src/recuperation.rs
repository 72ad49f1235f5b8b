//! 疗休养 — recuperation bases and the batches of workers sent to them (SPEC 7.9).
//!
//! ```text
//! (admission, discount ≥ 20%) ─► admitted ─renew─► admitted (two more years)
//! admitted ─(its end date passes unrenewed)─► lapsed        (computed from the date)
//! admitted, lapsed ─remove─► removed
//! sign-up: signed_up ─cancel─► cancelled
//! ```
//!
//! A base's lapse is not a step somebody must remember to take: [`BaseState::effective`] computes
//! it from the end date and the day asked about, and a lapsed or removed base takes no new batch
//! and no new sign-up ([`check_base_open`]). The rules here are pure; the store holds the counter
//! row whose conditional UPDATE keeps a batch within its places under concurrency.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// The smallest discount off the list price for a base to be admitted: 20% [seed], in basis
/// points (1/100 of a percent).
pub const MIN_DISCOUNT_BP: u32 = 2_000;

/// How long an admission or a renewal lasts, in years [seed: "for two years"].
pub const TERM_YEARS: u32 = 2;

/// At most one recuperation every this many years per member [assumed], counted between the
/// batches' start dates [choice].
pub const GAP_YEARS: u32 = 2;

/// The most places one batch may offer.
pub const MAX_CAPACITY: i64 = 10_000;

/// The longest name, note or reason kept, in characters.
pub const TEXT_MAX: usize = 200;

/// Where a base stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BaseState {
    /// 已认定: admitted and within its term.
    Admitted,
    /// 已失效: its term ended without a renewal.
    Lapsed,
    /// 已撤销: removed at a review.
    Removed,
}

impl BaseState {
    pub const ALL: [BaseState; 3] = [BaseState::Admitted, BaseState::Lapsed, BaseState::Removed];

    pub fn code(self) -> &'static str {
        match self {
            BaseState::Admitted => "admitted",
            BaseState::Lapsed => "lapsed",
            BaseState::Removed => "removed",
        }
    }

    pub fn parse(raw: &str) -> Option<BaseState> {
        BaseState::ALL.into_iter().find(|s| s.code() == raw.trim())
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            BaseState::Admitted => "已认定",
            BaseState::Lapsed => "已失效",
            BaseState::Removed => "已撤销",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            BaseState::Admitted => "admitted",
            BaseState::Lapsed => "lapsed",
            BaseState::Removed => "removed",
        }
    }

    /// The state on `today` of a base stored as `self` whose term ends on `valid_until`: an
    /// admitted base whose end date has passed is lapsed.
    pub fn effective(self, valid_until: NaiveDate, today: NaiveDate) -> BaseState {
        match self {
            BaseState::Admitted if today > valid_until => BaseState::Lapsed,
            s => s,
        }
    }
}

/// A step of a base's review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BaseStep {
    /// 复审续期: renewed for two more years.
    Renew,
    /// 复审撤销: removed.
    Remove,
}

impl BaseStep {
    pub fn code(self) -> &'static str {
        match self {
            BaseStep::Renew => "renew",
            BaseStep::Remove => "remove",
        }
    }

    pub fn parse(raw: &str) -> Option<BaseStep> {
        [BaseStep::Renew, BaseStep::Remove]
            .into_iter()
            .find(|s| s.code() == raw.trim())
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            BaseStep::Renew => "复审续期",
            BaseStep::Remove => "复审撤销",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            BaseStep::Renew => "renew",
            BaseStep::Remove => "remove",
        }
    }
}

/// Where a sign-up stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignUpState {
    /// 已报名
    SignedUp,
    /// 已取消: the place was freed.
    Cancelled,
}

impl SignUpState {
    pub fn code(self) -> &'static str {
        match self {
            SignUpState::SignedUp => "signed_up",
            SignUpState::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Option<SignUpState> {
        [SignUpState::SignedUp, SignUpState::Cancelled]
            .into_iter()
            .find(|s| s.code() == raw.trim())
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            SignUpState::SignedUp => "已报名",
            SignUpState::Cancelled => "已取消",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            SignUpState::SignedUp => "signed up",
            SignUpState::Cancelled => "cancelled",
        }
    }
}

/// Why a recuperation step or value is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecuperationError {
    #[error("基地状态为“{}”，不能进行“{}” (a base that is {} cannot take the step '{}')",
        .from.label_zh(), .step.label_zh(), .from.label_en(), .step.label_en())]
    IllegalStep { from: BaseState, step: BaseStep },
    #[error("折扣{}低于认定标准{} (a discount of {} is below the {} required)",
        percent(*.given), percent(MIN_DISCOUNT_BP), percent(*.given), percent(MIN_DISCOUNT_BP))]
    DiscountTooSmall { given: u32 },
    #[error("折扣不能超过100% (a discount cannot exceed 100%)")]
    DiscountTooLarge,
    #[error("基地状态为“{}”，不能安排新批次或报名 (a base that is {} takes no new batch or sign-up)",
        .state.label_zh(), .state.label_en())]
    BaseClosed { state: BaseState },
    #[error("批次结束日期{end}早于开始日期{start} (the batch ends before it starts)")]
    BatchDates { start: NaiveDate, end: NaiveDate },
    #[error("批次日期{start}至{end}超出基地有效期（至{valid_until}） (the batch runs past the base's term ending {valid_until})")]
    BatchPastTerm {
        start: NaiveDate,
        end: NaiveDate,
        valid_until: NaiveDate,
    },
    #[error("名额须在1至{MAX_CAPACITY}之间 (the capacity must be between 1 and {MAX_CAPACITY})")]
    Capacity,
    #[error("报名状态为“{}”，不能取消 (a sign-up that is {} cannot be cancelled)",
        .from.label_zh(), .from.label_en())]
    NotSignedUp { from: SignUpState },
    #[error("该会员不在职，不能参加疗休养 (only members in service take part)")]
    NotInService,
    #[error("该会员两年内已参加疗休养（批次{batch}，{start}开始） (the member took part within two years: batch {batch} starting {start})")]
    TooSoon { batch: i64, start: NaiveDate },
    #[error("批次已开始，不能再报名 (the batch has started: no more sign-ups)")]
    BatchStarted,
}

/// `bp` basis points as a percentage: 2000 → `20%`, 2050 → `20.5%`.
pub fn percent(bp: u32) -> String {
    let whole = bp / 100;
    let rest = bp % 100;
    if rest == 0 {
        format!("{whole}%")
    } else if rest.is_multiple_of(10) {
        format!("{whole}.{}%", rest / 10)
    } else {
        format!("{whole}.{rest:02}%")
    }
}

/// A base is admitted when it gives at least [`MIN_DISCOUNT_BP`] off its list price.
pub fn check_discount(bp: u32) -> Result<(), RecuperationError> {
    if bp > 10_000 {
        return Err(RecuperationError::DiscountTooLarge);
    }
    if bp < MIN_DISCOUNT_BP {
        return Err(RecuperationError::DiscountTooSmall { given: bp });
    }
    Ok(())
}

/// The last day of a term of [`TERM_YEARS`] starting on `from`: the day before the same date
/// two years on (a term from 29 February ends on 28 February).
pub fn term_end(from: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    let year = from.year() + TERM_YEARS as i32;
    let anniversary = from
        .with_year(year)
        .or_else(|| NaiveDate::from_ymd_opt(year, 3, 1))
        .unwrap_or(NaiveDate::MAX);
    anniversary.pred_opt().unwrap_or(anniversary)
}

/// What a review does to a base stored in `stored` with the term ending `valid_until`, on
/// `today`: the new state and the new end date. A renewal adds [`TERM_YEARS`] to the end date
/// and is taken only within the term (a lapsed base is removed, or admitted anew) [choice].
pub fn review(
    stored: BaseState,
    valid_until: NaiveDate,
    today: NaiveDate,
    step: BaseStep,
) -> Result<(BaseState, NaiveDate), RecuperationError> {
    let from = stored.effective(valid_until, today);
    match (from, step) {
        (BaseState::Admitted, BaseStep::Renew) => {
            let next = valid_until.succ_opt().map(term_end).unwrap_or(valid_until);
            Ok((BaseState::Admitted, next))
        }
        (BaseState::Admitted | BaseState::Lapsed, BaseStep::Remove) => {
            Ok((BaseState::Removed, valid_until))
        }
        _ => Err(RecuperationError::IllegalStep { from, step }),
    }
}

/// A base takes a new batch or sign-up only while admitted on `today`.
pub fn check_base_open(
    stored: BaseState,
    valid_until: NaiveDate,
    today: NaiveDate,
) -> Result<(), RecuperationError> {
    match stored.effective(valid_until, today) {
        BaseState::Admitted => Ok(()),
        state => Err(RecuperationError::BaseClosed { state }),
    }
}

/// A batch's dates and places, checked against its base's term.
pub fn check_batch(
    start: NaiveDate,
    end: NaiveDate,
    capacity: i64,
    valid_until: NaiveDate,
) -> Result<(), RecuperationError> {
    if end < start {
        return Err(RecuperationError::BatchDates { start, end });
    }
    if end > valid_until {
        return Err(RecuperationError::BatchPastTerm {
            start,
            end,
            valid_until,
        });
    }
    if !(1..=MAX_CAPACITY).contains(&capacity) {
        return Err(RecuperationError::Capacity);
    }
    Ok(())
}

/// A member's earlier (or later) recuperation: its batch and start date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Taken {
    pub batch: i64,
    pub start: NaiveDate,
}

/// At most one recuperation every [`GAP_YEARS`] years: another live sign-up whose batch starts
/// less than two years before or after this batch's start refuses it.
pub fn check_gap(start: NaiveDate, others: &[Taken]) -> Result<(), RecuperationError> {
    for t in others {
        let (early, late) = if t.start <= start {
            (t.start, start)
        } else {
            (start, t.start)
        };
        let gap_end = early
            .checked_add_months(Months::new(12 * GAP_YEARS))
            .unwrap_or(NaiveDate::MAX);
        if late < gap_end {
            return Err(RecuperationError::TooSoon {
                batch: t.batch,
                start: t.start,
            });
        }
    }
    Ok(())
}

/// Whether a sign-up may be cancelled.
pub fn check_cancel(from: SignUpState) -> Result<(), RecuperationError> {
    match from {
        SignUpState::SignedUp => Ok(()),
        other => Err(RecuperationError::NotSignedUp { from: other }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_discount_below_twenty_percent_is_refused_with_its_figure() {
        assert!(check_discount(2_000).is_ok());
        let e = check_discount(1_950).unwrap_err();
        assert_eq!(e, RecuperationError::DiscountTooSmall { given: 1_950 });
        assert!(e.to_string().contains("19.5%"), "{e}");
        assert_eq!(
            check_discount(10_001),
            Err(RecuperationError::DiscountTooLarge)
        );
    }

    #[test]
    fn a_term_is_two_years_less_a_day() {
        assert_eq!(term_end(d("2026-03-01")), d("2028-02-29"));
        assert_eq!(term_end(d("2024-02-29")), d("2026-02-28"));
    }

    #[test]
    fn a_base_past_its_end_date_is_lapsed_and_takes_nothing_new() {
        let until = d("2026-12-31");
        assert_eq!(
            BaseState::Admitted.effective(until, d("2026-12-31")),
            BaseState::Admitted
        );
        assert_eq!(
            BaseState::Admitted.effective(until, d("2027-01-01")),
            BaseState::Lapsed
        );
        assert_eq!(
            check_base_open(BaseState::Admitted, until, d("2027-01-01")),
            Err(RecuperationError::BaseClosed {
                state: BaseState::Lapsed
            })
        );
        assert!(check_base_open(BaseState::Removed, until, d("2026-01-01")).is_err());
    }

    #[test]
    fn review_renews_an_admitted_base_and_refuses_illegal_steps() {
        let until = d("2026-12-31");
        assert_eq!(
            review(BaseState::Admitted, until, d("2026-06-01"), BaseStep::Renew),
            Ok((BaseState::Admitted, d("2028-12-31")))
        );
        assert_eq!(
            review(BaseState::Admitted, until, d("2027-02-01"), BaseStep::Renew),
            Err(RecuperationError::IllegalStep {
                from: BaseState::Lapsed,
                step: BaseStep::Renew
            })
        );
        assert_eq!(
            review(
                BaseState::Admitted,
                until,
                d("2027-02-01"),
                BaseStep::Remove
            ),
            Ok((BaseState::Removed, until))
        );
        assert!(review(BaseState::Removed, until, d("2026-01-01"), BaseStep::Remove).is_err());
    }

    #[test]
    fn one_recuperation_in_two_years_counted_between_start_dates() {
        let taken = [Taken {
            batch: 7,
            start: d("2025-05-10"),
        }];
        assert!(check_gap(d("2027-05-09"), &taken).is_err());
        assert!(check_gap(d("2027-05-10"), &taken).is_ok());
        assert!(check_gap(d("2023-05-11"), &taken).is_err());
        assert!(check_gap(d("2023-05-10"), &taken).is_ok());
    }

    #[test]
    fn a_batch_stays_within_its_base_term_and_places() {
        let until = d("2026-12-31");
        assert!(check_batch(d("2026-05-01"), d("2026-05-05"), 30, until).is_ok());
        assert!(check_batch(d("2026-05-05"), d("2026-05-01"), 30, until).is_err());
        assert!(check_batch(d("2026-12-30"), d("2027-01-02"), 30, until).is_err());
        assert!(check_batch(d("2026-05-01"), d("2026-05-05"), 0, until).is_err());
    }
}
