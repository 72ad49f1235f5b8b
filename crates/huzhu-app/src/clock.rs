//! Time is a parameter (STYLE: time, order, determinism). Calendar dates are Asia/Shanghai dates.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// China Standard Time, UTC+8 all year (no daylight saving since 1991).
pub fn shanghai() -> FixedOffset {
    match FixedOffset::east_opt(8 * 3600) {
        Some(offset) => offset,
        None => Utc.fix(),
    }
}

use chrono::Offset;

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    /// Today's date in Asia/Shanghai.
    fn today(&self) -> NaiveDate {
        self.now().with_timezone(&shanghai()).date_naive()
    }
}

/// The machine's clock: the only place huzhu reads the time.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock stopped at one instant, for tests and reproducible runs.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// A clock that tests move by hand (sessions expiring, rate limits lifting). Clones share the time.
#[derive(Debug, Clone)]
pub struct SettableClock(std::sync::Arc<std::sync::Mutex<DateTime<Utc>>>);

impl SettableClock {
    pub fn new(at: DateTime<Utc>) -> SettableClock {
        SettableClock(std::sync::Arc::new(std::sync::Mutex::new(at)))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        match self.0.lock() {
            Ok(mut t) => *t = at,
            Err(poisoned) => *poisoned.into_inner() = at,
        }
    }

    pub fn advance(&self, by: chrono::TimeDelta) {
        self.set(self.now() + by);
    }
}

impl Clock for SettableClock {
    fn now(&self) -> DateTime<Utc> {
        match self.0.lock() {
            Ok(t) => *t,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn today_is_the_shanghai_date() {
        // 2022-12-31 20:00 UTC is already 1 January in Shanghai.
        let c = FixedClock(Utc.with_ymd_and_hms(2022, 12, 31, 20, 0, 0).unwrap());
        assert_eq!(c.today(), NaiveDate::from_ymd_opt(2023, 1, 1).unwrap());
    }
}
