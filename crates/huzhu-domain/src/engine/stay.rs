//! Cross-cycle stays (SPEC 4.1 分段计算): a stay is split at each cycle boundary it crosses; the
//! night from day d to d+1 belongs to d's cycle; a part with no night does not exist, so a stay
//! discharged on the boundary lies wholly in the earlier cycle.

use chrono::{Datelike, NaiveDate};

/// One part of a stay, inside one cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StayPart {
    /// The admission date for the first part, the boundary (1 January) for the later ones.
    pub event: NaiveDate,
    pub nights: u32,
    /// Hospital days for the living allowance: the nights, and 1 for a same-day stay.
    pub days: u32,
}

/// Splits a stay at every anniversary of `cycle_start` (1 January for calendar cycles) strictly
/// between admission and discharge.
pub fn split(admitted: NaiveDate, discharged: NaiveDate, cycle_start: NaiveDate) -> Vec<StayPart> {
    let nights = u32::try_from((discharged - admitted).num_days()).unwrap_or(0);
    if nights == 0 {
        return vec![StayPart {
            event: admitted,
            nights: 0,
            days: 1,
        }];
    }
    let mut parts = Vec::with_capacity(2);
    let mut from = admitted;
    for year in admitted.year()..=discharged.year() {
        let Some(b) = NaiveDate::from_ymd_opt(year, cycle_start.month(), cycle_start.day()) else {
            continue;
        };
        if admitted < b && b < discharged {
            let n = u32::try_from((b - from).num_days()).unwrap_or(0);
            parts.push(StayPart {
                event: from,
                nights: n,
                days: n,
            });
            from = b;
        }
    }
    let n = u32::try_from((discharged - from).num_days()).unwrap_or(0);
    parts.push(StayPart {
        event: from,
        nights: n,
        days: n,
    });
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_stay_discharged_on_the_first_of_january_lies_in_the_earlier_cycle() {
        let p = split(d("2021-12-30"), d("2022-01-01"), d("2022-01-01"));
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].nights, 2);
    }

    #[test]
    fn a_cross_year_stay_is_split_by_nights() {
        let p = split(d("2021-12-28"), d("2022-01-03"), d("2022-01-01"));
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].event, p[0].nights), (d("2021-12-28"), 4));
        assert_eq!((p[1].event, p[1].nights), (d("2022-01-01"), 2));
    }

    #[test]
    fn a_same_day_stay_counts_one_day() {
        let p = split(d("2022-05-05"), d("2022-05-05"), d("2022-01-01"));
        assert_eq!((p[0].nights, p[0].days), (0, 1));
    }
}
