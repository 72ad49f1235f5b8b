//! Money as the explanations print it: `55,000.00`, and `50,000` for band bounds and compared
//! figures (as SPEC 11's example writes them).

use crate::money::Money;
use crate::policy::Rate;

pub(super) fn yuan(m: Money) -> String {
    m.yuan_string()
}

/// `10,000` for whole yuan, `10,000.50` otherwise.
pub(super) fn short(m: Money) -> String {
    let s = m.yuan_string();
    match s.strip_suffix(".00") {
        Some(t) => t.to_string(),
        None => s,
    }
}

/// `rate × m`, rounded down to the fen; `None` on overflow.
pub(super) fn apply(rate: Rate, m: Money) -> Option<Money> {
    let num = i128::from(m.fen()) * i128::from(rate.num());
    let v = num.div_euclid(i128::from(rate.den()));
    i64::try_from(v).ok().map(Money::from_fen)
}
