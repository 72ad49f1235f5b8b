//! Money as integer fen (分). No floats anywhere money is computed (SPEC section 6).

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount in fen. Arithmetic is checked: an overflow is an error, never a wrap.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("金额溢出 (amount overflow)")]
    Overflow,
    #[error("金额“{raw}”格式不正确，应为元，最多两位小数 (amount '{raw}' is not yuan with at most two decimals)")]
    Malformed { raw: String },
    #[error("金额不能为负数：{raw} (amount must not be negative)")]
    Negative { raw: String },
}

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_fen(fen: i64) -> Money {
        Money(fen)
    }

    pub const fn from_yuan(yuan: i64) -> Money {
        Money(yuan * 100)
    }

    pub const fn fen(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }

    pub fn checked_mul(self, factor: i64) -> Option<Money> {
        self.0.checked_mul(factor).map(Money)
    }

    /// Parses yuan as written in rosters and forms: `12345.67`, `12,345.6`, `¥100`, `100元`.
    pub fn parse_yuan(raw: &str) -> Result<Money, MoneyError> {
        let malformed = || MoneyError::Malformed {
            raw: raw.to_string(),
        };
        let t: String = raw
            .trim()
            .trim_start_matches(['¥', '￥'])
            .trim_end_matches('元')
            .chars()
            .filter(|c| *c != ',' && *c != '，' && !c.is_whitespace())
            .collect();
        if t.starts_with('-') {
            return Err(MoneyError::Negative {
                raw: raw.to_string(),
            });
        }
        let (whole, frac) = match t.split_once('.') {
            Some((w, f)) => (w, f),
            None => (t.as_str(), ""),
        };
        if whole.is_empty() && frac.is_empty()
            || frac.len() > 2
            || !whole.chars().all(|c| c.is_ascii_digit())
            || !frac.chars().all(|c| c.is_ascii_digit())
        {
            return Err(malformed());
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| MoneyError::Overflow)?
        };
        let mut frac_fen: i64 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| malformed())?
        };
        if frac.len() == 1 {
            frac_fen *= 10;
        }
        whole
            .checked_mul(100)
            .and_then(|f| f.checked_add(frac_fen))
            .map(Money)
            .ok_or(MoneyError::Overflow)
    }

    /// `12,345.67` — yuan with thousands separators, as the explanations and letters print them.
    pub fn yuan_string(self) -> String {
        let neg = self.0 < 0;
        let abs = self.0.unsigned_abs();
        let whole = (abs / 100).to_string();
        let mut grouped = String::with_capacity(whole.len() + whole.len() / 3 + 4);
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        format!("{}{}.{:02}", if neg { "-" } else { "" }, grouped, abs % 100)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.yuan_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_yuan_with_separators() {
        assert_eq!(Money::from_fen(1_234_567).to_string(), "12,345.67");
        assert_eq!(Money::from_fen(5).to_string(), "0.05");
        assert_eq!(Money::from_fen(-100_000).to_string(), "-1,000.00");
        assert_eq!(Money::from_yuan(65_200).to_string(), "65,200.00");
    }

    #[test]
    fn parses_yuan_exactly() {
        assert_eq!(Money::parse_yuan("12,345.6").unwrap().fen(), 1_234_560);
        assert_eq!(Money::parse_yuan("¥36").unwrap().fen(), 3600);
        assert_eq!(Money::parse_yuan("0.07元").unwrap().fen(), 7);
        assert!(Money::parse_yuan("1.234").is_err());
        assert!(matches!(
            Money::parse_yuan("-5"),
            Err(MoneyError::Negative { .. })
        ));
        assert!(Money::parse_yuan("abc").is_err());
    }
}
