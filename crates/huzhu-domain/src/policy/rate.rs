//! Exact rates: a ratio of integers, written `50%`, `12.5%` or `1/3` in policy files. Never a float.

use std::fmt;

/// `numerator / denominator`, reduced, with `denominator > 0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rate {
    num: u64,
    den: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateError {
    #[error("比例“{raw}”格式不正确，应写作 \"50%\"、\"12.5%\" 或 \"1/3\" (rate '{raw}' must be written \"50%\", \"12.5%\" or \"1/3\")")]
    Malformed { raw: String },
    #[error("比例“{raw}”不能超过100% (rate '{raw}' is above 100%)")]
    AboveOne { raw: String },
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

impl Rate {
    pub const ZERO: Rate = Rate { num: 0, den: 1 };

    pub fn new(num: u64, den: u64) -> Option<Rate> {
        if den == 0 {
            return None;
        }
        let g = gcd(num, den).max(1);
        Some(Rate {
            num: num / g,
            den: den / g,
        })
    }

    pub fn num(self) -> u64 {
        self.num
    }

    pub fn den(self) -> u64 {
        self.den
    }

    pub fn parse(raw: &str) -> Result<Rate, RateError> {
        let malformed = || RateError::Malformed {
            raw: raw.to_string(),
        };
        let t = raw.trim();
        let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
        let rate = if let Some(p) = t.strip_suffix('%') {
            let (whole, frac) = p.trim().split_once('.').unwrap_or((p.trim(), ""));
            if !digits(whole) || !(frac.is_empty() || digits(frac)) || frac.len() > 6 {
                return Err(malformed());
            }
            let scale = 10u64.pow(frac.len() as u32);
            let w: u64 = whole.parse().map_err(|_| malformed())?;
            let f: u64 = if frac.is_empty() {
                0
            } else {
                frac.parse().map_err(|_| malformed())?
            };
            Rate::new(w * scale + f, 100 * scale).ok_or_else(malformed)?
        } else if let Some((n, d)) = t.split_once('/') {
            let (n, d) = (n.trim(), d.trim());
            if !digits(n) || !digits(d) {
                return Err(malformed());
            }
            let n: u64 = n.parse().map_err(|_| malformed())?;
            let d: u64 = d.parse().map_err(|_| malformed())?;
            Rate::new(n, d).ok_or_else(malformed)?
        } else if t == "0" {
            Rate::ZERO
        } else {
            return Err(malformed());
        };
        if rate.num > rate.den {
            return Err(RateError::AboveOne {
                raw: raw.to_string(),
            });
        }
        Ok(rate)
    }
}

impl fmt::Display for Rate {
    /// `50%` when the rate is a whole or decimal percentage, `1/3` otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut scale = 1u64;
        for _ in 0..7 {
            let hundredfold = self.num * 100 * scale;
            if hundredfold.is_multiple_of(self.den) {
                let v = hundredfold / self.den;
                let (w, r) = (v / scale, v % scale);
                return if scale == 1 {
                    write!(f, "{w}%")
                } else {
                    let digits = scale.trailing_zeros_in_base10();
                    let frac = format!("{r:0digits$}");
                    write!(f, "{w}.{}%", frac.trim_end_matches('0'))
                };
            }
            scale *= 10;
        }
        write!(f, "{}/{}", self.num, self.den)
    }
}

trait Base10 {
    fn trailing_zeros_in_base10(self) -> usize;
}

impl Base10 for u64 {
    fn trailing_zeros_in_base10(self) -> usize {
        let mut n = self;
        let mut k = 0;
        while n >= 10 {
            n /= 10;
            k += 1;
        }
        k
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_exact_ratios() {
        assert_eq!(Rate::parse("50%").unwrap(), Rate::new(1, 2).unwrap());
        assert_eq!(Rate::parse("12.5%").unwrap(), Rate::new(1, 8).unwrap());
        assert_eq!(Rate::parse("1/3").unwrap().to_string(), "1/3");
        assert_eq!(Rate::parse("12.5%").unwrap().to_string(), "12.5%");
        assert_eq!(Rate::parse("0%").unwrap().to_string(), "0%");
        assert_eq!(Rate::parse("70%").unwrap().to_string(), "70%");
        assert!(Rate::parse("0.5").is_err());
        assert!(Rate::parse("120%").is_err());
    }
}
