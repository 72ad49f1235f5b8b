//! The tiered benefit f(x) of SPEC 4.1 item A, exact: rates are integer ratios, f(x) a rational
//! number of fen, rounded half up to the fen only at the end.

use crate::money::Money;
use crate::policy::Tier;

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 {
        a.abs()
    } else {
        gcd(b, a % b)
    }
}

/// f(x) as an exact fraction (numerator, denominator) of fen.
fn f_exact(tiers: &[Tier], x: Money) -> (i128, i128) {
    let x = i128::from(x.fen());
    let (mut n, mut d) = (0i128, 1i128);
    for t in tiers {
        let from = i128::from(t.from.fen());
        if x <= from {
            break;
        }
        let top = t.to.map_or(x, |to| x.min(i128::from(to.fen())));
        let part = top - from;
        let (rn, rd) = (i128::from(t.rate.num()), i128::from(t.rate.den()));
        // n/d + part·rn/rd
        n = n * rd + part * rn * d;
        d *= rd;
        let g = gcd(n, d).max(1);
        n /= g;
        d /= g;
    }
    (n, d)
}

/// round(f(x)), half up to the fen (SPEC 4.1).
pub fn f_rounded(tiers: &[Tier], x: Money) -> Money {
    let (n, d) = f_exact(tiers, x);
    let fen = (2 * n + d).div_euclid(2 * d);
    Money::from_fen(i64::try_from(fen).unwrap_or(i64::MAX))
}

/// Splits `amount` in proportion to `weights`: every part but the last rounded half up to the fen,
/// the last gets the rest, so the parts always add up to `amount` (SPEC 4.1 cross-cycle stays).
pub fn split_proportionally(amount: Money, weights: &[u32]) -> Vec<Money> {
    let total: i128 = weights.iter().map(|w| i128::from(*w)).sum();
    let mut out = Vec::with_capacity(weights.len());
    let mut given = 0i64;
    for (i, w) in weights.iter().enumerate() {
        if i + 1 == weights.len() || total == 0 {
            out.push(Money::from_fen(amount.fen() - given));
            given = amount.fen();
        } else {
            let num = i128::from(amount.fen()) * i128::from(*w);
            let part = (2 * num + total).div_euclid(2 * total);
            let part = i64::try_from(part).unwrap_or(0);
            out.push(Money::from_fen(part));
            given += part;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Rate;

    fn hz() -> Vec<Tier> {
        let t = |from: i64, to: Option<i64>, r: &str| Tier {
            from: Money::from_yuan(from),
            to: to.map(Money::from_yuan),
            rate: Rate::parse(r).unwrap(),
        };
        vec![
            t(0, Some(1000), "0%"),
            t(1000, Some(10000), "50%"),
            t(10000, Some(30000), "60%"),
            t(30000, None, "70%"),
        ]
    }

    #[test]
    fn f_follows_the_bands_and_rounds_half_up() {
        assert_eq!(f_rounded(&hz(), Money::from_yuan(1000)).fen(), 0);
        // 50% × 0.01 = 0.005 → 0.01
        assert_eq!(f_rounded(&hz(), Money::from_fen(100_001)).fen(), 1);
        assert_eq!(f_rounded(&hz(), Money::from_yuan(12000)).fen(), 570_000);
        // 4,500 + 12,000 + 70% × 0.01 = 16,500.007 → 16,500.01
        assert_eq!(
            f_rounded(&hz(), Money::from_fen(3_000_001)).fen(),
            1_650_001
        );
    }

    #[test]
    fn proportional_parts_add_up() {
        let p = split_proportionally(Money::from_fen(100), &[1, 2]);
        assert_eq!(p, vec![Money::from_fen(33), Money::from_fen(67)]);
        let p = split_proportionally(Money::from_fen(1), &[1, 1]);
        assert_eq!(p, vec![Money::from_fen(1), Money::from_fen(0)]);
    }
}
