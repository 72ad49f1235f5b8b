//! How one claim counts in the statistics (SPEC section 8): the facets a claim is counted under and
//! the amounts it brings to each. Pure, so that the aggregates the store maintains write by write,
//! the recount from the base tables and the full-scan dashboard all count a claim the same way
//! (docs/statistics.md).
//!
//! A claim is counted once under every dimension: `all` (key ""), `state`, `kind`, `month` (the
//! YYYY-MM of its event date), `group` (its disease group, [`disease_group`]), `gender` (the
//! member's) and `item`. Under `item` a claim counts once per item its decision pays something in,
//! with the payable amount of that item's lines; its approved and paid amounts are shared out over
//! those items in proportion (integer fen, remainder to the first item) so that the items always
//! sum to the claim. A claim without a decision, or whose decision pays nothing, counts under item
//! "" (no payable line).

use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The dimensions a claim is counted under, in the order the dashboard shows them.
pub const DIMENSIONS: [&str; 7] = ["all", "state", "kind", "month", "group", "gender", "item"];

/// Counts and amounts (fen) of a set of claims. Sums of claims, so negated for a removal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct ClaimFigures {
    pub claims: i64,
    pub payable_fen: i64,
    pub approved_fen: i64,
    pub paid_fen: i64,
}

impl ClaimFigures {
    pub fn add(&mut self, o: &ClaimFigures, sign: i64) {
        self.claims += sign * o.claims;
        self.payable_fen += sign * o.payable_fen;
        self.approved_fen += sign * o.approved_fen;
        self.paid_fen += sign * o.paid_fen;
    }

    pub fn is_zero(&self) -> bool {
        *self == ClaimFigures::default()
    }
}

/// What the statistics need of a stored claim.
#[derive(Debug, Clone, Copy)]
pub struct ClaimFacts<'a> {
    pub state: &'a str,
    pub kind: &'a str,
    pub event_date: NaiveDate,
    /// The claim as SPEC 10 writes it (JSON).
    pub body: &'a str,
    /// The engine's decision (JSON, the SPEC 10 decision object), when computed.
    pub decision: Option<&'a str>,
    pub payable_fen: Option<i64>,
    pub approved_fen: i64,
    pub paid_fen: i64,
    /// The member's gender code.
    pub gender: &'a str,
}

/// The disease group of a claim: the letters that open the code of the disease it is about — the
/// designated disease of an outpatient claim, otherwise the first listed diagnosis. The policies
/// name their disease lists by these prefixes (`md` 重大疾病 major, `mi` 轻症 mild, `fc` 女职工特殊疾病
/// female special, `od` 规定病种门诊 designated outpatient); "" when the claim names no disease (a
/// hospital stay without diagnoses, a care payment). An unreadable body also counts as "".
pub fn disease_group(body: &str) -> String {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(body) else {
        return String::new();
    };
    let code = v
        .get("designated_disease")
        .and_then(|d| d.as_str())
        .or_else(|| {
            v.get("diagnoses")
                .and_then(|d| d.as_array())
                .and_then(|a| a.first())
                .and_then(|d| d.get("disease"))
                .and_then(|d| d.as_str())
        })
        .unwrap_or("");
    code.chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .take(8)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Payable amount per item over the decision's lines (items with nothing payable left out).
pub fn payable_by_item(decision: Option<&str>) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    let Some(v) = decision.and_then(|d| serde_json::from_str::<serde_json::Value>(d).ok()) else {
        return out;
    };
    for line in v
        .get("lines")
        .and_then(|l| l.as_array())
        .into_iter()
        .flatten()
    {
        let item = line.get("item").and_then(|i| i.as_str()).unwrap_or("");
        let fen = line.get("amount_fen").and_then(|a| a.as_i64()).unwrap_or(0);
        *out.entry(item.to_string()).or_insert(0) += fen;
    }
    out.retain(|_, fen| *fen > 0);
    out
}

/// `total` shared over `weights` in proportion, integer, remainder to the first.
pub fn share_out(total: i64, weights: &[i64]) -> Vec<i64> {
    let sum: i128 = weights.iter().map(|w| i128::from(*w)).sum();
    if sum == 0 {
        return weights.iter().map(|_| 0).collect();
    }
    let mut parts: Vec<i64> = weights
        .iter()
        .map(|w| i64::try_from(i128::from(total) * i128::from(*w) / sum).unwrap_or(0))
        .collect();
    let given: i64 = parts.iter().sum();
    if let Some(first) = parts.first_mut() {
        *first += total - given;
    }
    parts
}

/// Every (dimension, key) the claim counts under, with what it brings there.
pub fn facets(c: &ClaimFacts<'_>) -> Vec<(&'static str, String, ClaimFigures)> {
    let whole = ClaimFigures {
        claims: 1,
        payable_fen: c.payable_fen.unwrap_or(0),
        approved_fen: c.approved_fen,
        paid_fen: c.paid_fen,
    };
    let mut out = vec![
        ("all", String::new(), whole),
        ("state", c.state.to_string(), whole),
        ("kind", c.kind.to_string(), whole),
        ("month", c.event_date.format("%Y-%m").to_string(), whole),
        ("group", disease_group(c.body), whole),
        ("gender", c.gender.to_string(), whole),
    ];
    let items = payable_by_item(c.decision);
    if items.is_empty() {
        out.push(("item", String::new(), whole));
    } else {
        let weights: Vec<i64> = items.values().copied().collect();
        let approved = share_out(c.approved_fen, &weights);
        let paid = share_out(c.paid_fen, &weights);
        for (i, (item, payable)) in items.into_iter().enumerate() {
            out.push((
                "item",
                item,
                ClaimFigures {
                    claims: 1,
                    payable_fen: payable,
                    approved_fen: approved.get(i).copied().unwrap_or(0),
                    paid_fen: paid.get(i).copied().unwrap_or(0),
                },
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(body: &'a str, decision: Option<&'a str>) -> ClaimFacts<'a> {
        ClaimFacts {
            state: "approved",
            kind: "hospital_stay",
            event_date: NaiveDate::from_ymd_opt(2022, 2, 1).unwrap_or_default(),
            body,
            decision,
            payable_fen: Some(2_070_000),
            approved_fen: 2_070_000,
            paid_fen: 1_000_000,
            gender: "female",
        }
    }

    #[test]
    fn the_disease_group_is_the_prefix_of_the_designated_disease_or_first_diagnosis() {
        assert_eq!(disease_group(r#"{"designated_disease":"od02"}"#), "od");
        assert_eq!(
            disease_group(r#"{"diagnoses":[{"disease":"md01"},{"disease":"mi02"}]}"#),
            "md"
        );
        assert_eq!(disease_group(r#"{"diagnoses":[]}"#), "");
        assert_eq!(disease_group("not json"), "");
    }

    #[test]
    fn item_amounts_sum_to_the_claim_and_every_other_dimension_counts_it_once() {
        let decision = r#"{"payable_fen":2070000,"lines":[
            {"item":"A","amount_fen":570000},{"item":"B","amount_fen":1500000},
            {"item":"B","amount_fen":0}]}"#;
        let f = facets(&facts(
            r#"{"diagnoses":[{"disease":"md01"}]}"#,
            Some(decision),
        ));
        let items: Vec<_> = f.iter().filter(|(d, _, _)| *d == "item").collect();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].2.payable_fen, 570_000);
        assert_eq!(items[1].2.payable_fen, 1_500_000);
        // 1,000,000 paid shared 570:1500 — 275,362 and 724,637, the remainder to the first item.
        assert_eq!(items[1].2.paid_fen, 724_637);
        assert_eq!(items[0].2.paid_fen, 1_000_000 - 724_637);
        assert_eq!(
            items.iter().map(|i| i.2.approved_fen).sum::<i64>(),
            2_070_000
        );
        for d in DIMENSIONS.iter().filter(|d| **d != "item") {
            assert_eq!(f.iter().filter(|(x, _, _)| x == d).count(), 1, "{d}");
        }
        assert!(f.contains(&("month", "2022-02".into(), f[0].2)));
        assert!(f.contains(&("group", "md".into(), f[0].2)));
    }

    #[test]
    fn a_claim_without_a_decision_counts_under_no_item() {
        let f = facets(&facts("{}", None));
        let items: Vec<_> = f.iter().filter(|(d, _, _)| *d == "item").collect();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].1, "");
        assert_eq!(items[0].2.claims, 1);
    }
}
