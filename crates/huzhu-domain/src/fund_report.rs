//! The public fund report 公示 of a mutual-aid cycle (issue 18): what came in, what went out and to
//! whom, as anyone may read it. Pure: the store reads the ledger's facts ([`FundFacts`]), this
//! module shapes them, so the web page, the workbook and `huzhu report fund` print the very same
//! figures.
//!
//! Readings ([choice], docs/fund-report.md):
//! - A cycle is a year: the policies whose cycle starts in it.
//! - Contributions received are the credits to units' receivables in `contribution_paid` entries;
//!   claims paid are the debits to members' payables in `claim_paid` entries, net of reversals,
//!   dated by the entry (Asia/Shanghai); the fund balance is the `fund:<policy>` account's.
//! - A paid amount is shared over the items its claim's decision paid, in proportion to the
//!   payable amounts (integer fen, remainder to the first), as the statistics do.
//! - Payees are listed with masked names (张*) and masked ID numbers, one row a payee and unit;
//!   a unit with fewer than [`SMALL_UNIT`] payees in the cycle shows only its totals.

use crate::notice::public_name;
use crate::personal::mask_middle;
use crate::stats::{payable_by_item, share_out};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Units with fewer payees than this are shown only in totals.
pub const SMALL_UNIT: usize = 5;

/// One policy of the cycle, as its ledger accounts stand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PolicyFigures {
    pub id: String,
    pub name: String,
    /// Contributions billed to units (credited to the fund).
    pub billed_fen: i64,
    /// Contributions received in the bank.
    pub received_fen: i64,
    /// Claims approved (charged to the fund), net of reversals.
    pub approved_fen: i64,
    /// Claims paid out of the bank, net of reversals.
    pub paid_fen: i64,
    /// The fund account's balance: billed − approved.
    pub balance_fen: i64,
}

/// One posting of a claim payment, with what the report needs to place it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidFact {
    pub paid_on: NaiveDate,
    pub policy_id: String,
    pub claim_id: i64,
    pub member_id: i64,
    pub member_name: String,
    pub id_number: String,
    pub unit_code: String,
    pub unit_name: String,
    /// The engine's decision (JSON), for the items it paid.
    pub decision: Option<String>,
    /// Positive for a payment, negative for its reversal.
    pub amount_fen: i64,
}

/// What the store reads for a cycle.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FundFacts {
    pub policies: Vec<PolicyFigures>,
    pub paid: Vec<PaidFact>,
    /// Item code → name, per policy.
    pub item_names: BTreeMap<(String, String), String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemFigures {
    pub policy_id: String,
    pub item: String,
    pub name: String,
    pub claims: u64,
    pub paid_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthFigures {
    /// `YYYY-MM`.
    pub month: String,
    pub payees: u64,
    pub paid_fen: i64,
}

/// A payee as the public sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicPayee {
    pub unit_name: String,
    pub name: String,
    pub id_number: String,
    pub claims: u64,
    pub paid_fen: i64,
}

/// A unit shown by totals only (fewer than [`SMALL_UNIT`] payees).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitTotal {
    pub unit_name: String,
    pub payees: u64,
    pub paid_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FundReport {
    pub cycle: i32,
    pub policies: Vec<PolicyFigures>,
    pub billed_fen: i64,
    pub received_fen: i64,
    pub approved_fen: i64,
    pub paid_fen: i64,
    pub balance_fen: i64,
    pub payees: u64,
    pub by_item: Vec<ItemFigures>,
    pub by_month: Vec<MonthFigures>,
    /// Payees of units with at least [`SMALL_UNIT`] payees, by unit then masked name.
    pub listed: Vec<PublicPayee>,
    /// Units with fewer payees, by totals only.
    pub small_units: Vec<UnitTotal>,
}

/// Shapes a cycle's facts into its public report.
pub fn build(cycle: i32, facts: &FundFacts) -> FundReport {
    let sum = |f: fn(&PolicyFigures) -> i64| facts.policies.iter().map(f).sum::<i64>();

    // Items: each payment shared over the items its decision paid.
    let mut items: BTreeMap<(String, String), (BTreeSet<i64>, i64)> = BTreeMap::new();
    for p in &facts.paid {
        let payable = payable_by_item(p.decision.as_deref());
        let parts: Vec<(String, i64)> = if payable.is_empty() {
            vec![(String::new(), p.amount_fen)]
        } else {
            let weights: Vec<i64> = payable.values().copied().collect();
            payable
                .keys()
                .cloned()
                .zip(share_out(p.amount_fen, &weights))
                .collect()
        };
        for (item, fen) in parts {
            let e = items.entry((p.policy_id.clone(), item)).or_default();
            e.0.insert(p.claim_id);
            e.1 += fen;
        }
    }
    let by_item = items
        .into_iter()
        .map(|((policy_id, item), (claims, paid_fen))| ItemFigures {
            name: facts
                .item_names
                .get(&(policy_id.clone(), item.clone()))
                .cloned()
                .unwrap_or_else(|| {
                    if item.is_empty() {
                        "未分项 (no item)".to_string()
                    } else {
                        item.clone()
                    }
                }),
            policy_id,
            item,
            claims: claims.len() as u64,
            paid_fen,
        })
        .collect();

    let mut months: BTreeMap<String, (BTreeSet<i64>, i64)> = BTreeMap::new();
    for p in &facts.paid {
        let e = months
            .entry(p.paid_on.format("%Y-%m").to_string())
            .or_default();
        e.0.insert(p.member_id);
        e.1 += p.amount_fen;
    }
    let by_month = months
        .into_iter()
        .map(|(month, (payees, paid_fen))| MonthFigures {
            month,
            payees: payees.len() as u64,
            paid_fen,
        })
        .collect();

    // Payees by unit: (unit code) → member → (name, id, claims, fen).
    type Payee = (String, String, BTreeSet<i64>, i64);
    let mut units: BTreeMap<(String, String), BTreeMap<i64, Payee>> = BTreeMap::new();
    for p in &facts.paid {
        let e = units
            .entry((p.unit_code.clone(), p.unit_name.clone()))
            .or_default()
            .entry(p.member_id)
            .or_insert_with(|| {
                (
                    p.member_name.clone(),
                    p.id_number.clone(),
                    BTreeSet::new(),
                    0,
                )
            });
        e.2.insert(p.claim_id);
        e.3 += p.amount_fen;
    }
    let mut listed = Vec::new();
    let mut small_units = Vec::new();
    let mut all_payees = BTreeSet::new();
    for ((_, unit_name), payees) in units {
        // A payee whose payments were all reversed received nothing: not a payee.
        let payees: Vec<(i64, Payee)> = payees.into_iter().filter(|(_, p)| p.3 != 0).collect();
        if payees.is_empty() {
            continue;
        }
        all_payees.extend(payees.iter().map(|(id, _)| *id));
        if payees.len() < SMALL_UNIT {
            small_units.push(UnitTotal {
                unit_name,
                payees: payees.len() as u64,
                paid_fen: payees.iter().map(|(_, p)| p.3).sum(),
            });
            continue;
        }
        let mut rows: Vec<PublicPayee> = payees
            .into_iter()
            .map(|(_, (name, id, claims, fen))| PublicPayee {
                unit_name: unit_name.clone(),
                name: public_name(&name),
                id_number: mask_middle(&id, 4, 4),
                claims: claims.len() as u64,
                paid_fen: fen,
            })
            .collect();
        rows.sort_by(|a, b| (&a.name, &a.id_number).cmp(&(&b.name, &b.id_number)));
        listed.extend(rows);
    }

    FundReport {
        cycle,
        policies: facts.policies.clone(),
        billed_fen: sum(|p| p.billed_fen),
        received_fen: sum(|p| p.received_fen),
        approved_fen: sum(|p| p.approved_fen),
        paid_fen: sum(|p| p.paid_fen),
        balance_fen: sum(|p| p.balance_fen),
        payees: all_payees.len() as u64,
        by_item,
        by_month,
        listed,
        small_units,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paid(member: i64, unit: &str, fen: i64, decision: Option<&str>) -> PaidFact {
        PaidFact {
            paid_on: NaiveDate::from_ymd_opt(2022, 3, 5).unwrap_or_default(),
            policy_id: "hangzhou-2022".into(),
            claim_id: member * 10,
            member_id: member,
            member_name: format!("张三{member}"),
            id_number: "330106198503150024".into(),
            unit_code: unit.into(),
            unit_name: format!("单位{unit}"),
            decision: decision.map(str::to_string),
            amount_fen: fen,
        }
    }

    #[test]
    fn small_units_show_only_totals_and_names_and_ids_are_masked() {
        let mut facts = FundFacts::default();
        for m in 1..=5 {
            facts.paid.push(paid(m, "U1", 1000, None));
        }
        for m in 6..=9 {
            facts.paid.push(paid(m, "U2", 500, None));
        }
        let r = build(2022, &facts);
        assert_eq!(r.listed.len(), 5);
        assert!(r.listed.iter().all(|p| p.unit_name == "单位U1"));
        assert!(r.listed.iter().all(|p| p.name == "张*"));
        assert!(r.listed.iter().all(|p| p.id_number == "3301**********0024"));
        assert_eq!(
            r.small_units,
            vec![UnitTotal {
                unit_name: "单位U2".into(),
                payees: 4,
                paid_fen: 2000
            }]
        );
        assert_eq!(r.payees, 9);
        let text = serde_json::to_string(&r).unwrap_or_default();
        assert!(!text.contains("330106198503150024"));
        assert!(!text.contains("张三"));
    }

    #[test]
    fn items_share_a_payment_and_sum_to_it() {
        let d = r#"{"lines":[{"item":"A","amount_fen":300},{"item":"B","amount_fen":100}]}"#;
        let facts = FundFacts {
            paid: vec![paid(1, "U1", 1001, Some(d)), paid(1, "U1", -1001, Some(d))],
            ..FundFacts::default()
        };
        let r = build(2022, &facts);
        let total: i64 = r.by_item.iter().map(|i| i.paid_fen).sum();
        assert_eq!(total, 0);
        // A payment reversed in full leaves no payee.
        assert_eq!(r.payees, 0);
        let facts = FundFacts {
            paid: vec![paid(1, "U1", 1001, Some(d))],
            ..FundFacts::default()
        };
        let r = build(2022, &facts);
        let a: Vec<i64> = r.by_item.iter().map(|i| i.paid_fen).collect();
        assert_eq!(a, vec![751, 250]);
        assert_eq!(r.by_month[0].month, "2022-03");
        assert_eq!(r.by_month[0].paid_fen, 1001);
    }
}
