//! What the member's earlier claims in the cycle used (SPEC 4.1 "Only payable benefits count
//! towards later claims"): cumulative eligible amounts, days, once-per-cycle payments, cap use,
//! and every invoice number seen (paid or not).

use super::{fits, Explain, Overflow};
use crate::money::Money;
use crate::policy::{Benefit, Item, Policy};
use std::collections::HashSet;

/// The running state of one member's cycle. Built empty by [`History::new`] and advanced by
/// [`super::adjudicate`], claim after claim.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// First benefit index of each item in the flat per-benefit vectors.
    offsets: Vec<usize>,
    cumulative: Vec<Money>,
    days: Vec<u32>,
    paid_once: Vec<bool>,
    paid_above_zero: Vec<bool>,
    item_used: Vec<Money>,
    overall_used: Money,
    invoices: HashSet<String>,
}

impl History {
    pub fn new(policy: &Policy) -> History {
        let mut offsets = Vec::with_capacity(policy.items.len());
        let mut n = 0;
        for i in &policy.items {
            offsets.push(n);
            n += i.benefits.len();
        }
        History {
            offsets,
            cumulative: vec![Money::ZERO; n],
            days: vec![0; n],
            paid_once: vec![false; n],
            paid_above_zero: vec![false; n],
            item_used: vec![Money::ZERO; policy.items.len()],
            overall_used: Money::ZERO,
            invoices: HashSet::new(),
        }
    }

    pub(super) fn key(&self, item: usize, benefit: usize) -> usize {
        self.offsets[item] + benefit
    }

    pub(super) fn cumulative(&self, key: usize) -> Money {
        self.cumulative[key]
    }

    pub(super) fn add_cumulative(&mut self, key: usize, m: Money) -> Result<(), Overflow> {
        self.cumulative[key] = fits(self.cumulative[key].checked_add(m), "cumulative cost")?;
        Ok(())
    }

    pub(super) fn days(&self, key: usize) -> u32 {
        self.days[key]
    }

    pub(super) fn paid_once(&self, key: usize) -> bool {
        self.paid_once[key]
    }

    pub(super) fn paid_above_zero(&self, policy: &Policy, item: &str, benefit: usize) -> bool {
        policy
            .items
            .iter()
            .position(|i| i.id == item)
            .is_some_and(|ii| self.paid_above_zero[self.key(ii, benefit)])
    }

    pub(super) fn invoice_seen(&self, invoice: &str) -> bool {
        self.invoices.contains(invoice)
    }

    /// What the payable benefits of the cycle have used of item `item` (its index in the policy),
    /// against its cap: what a balance enquiry shows.
    pub fn item_used(&self, item: usize) -> Money {
        self.item_used.get(item).copied().unwrap_or(Money::ZERO)
    }

    /// What the cycle has used of the overall cap.
    pub fn overall_used(&self) -> Money {
        self.overall_used
    }

    /// Notes the invoice numbers of a claim whose benefits do not count (a claim refused by
    /// staff): a later claim bringing the same invoice is still a duplicate (SPEC 4.1).
    pub fn note_invoices(&mut self, claim: &crate::scenario::Claim) {
        for i in &claim.invoices {
            self.add_invoice(i);
        }
    }

    pub(super) fn add_invoice(&mut self, invoice: &str) {
        if !self.invoices.contains(invoice) {
            self.invoices.insert(invoice.to_string());
        }
    }

    /// What is left under the item cap and the overall cap, whichever is tighter, with the
    /// explanation and clause to give when it cuts; `None` when no cap applies.
    pub(super) fn room(
        &self,
        policy: &Policy,
        ii: usize,
        item: &Item,
        shares: i64,
    ) -> Result<Option<(Money, Explain, String)>, Overflow> {
        let mut best: Option<(Money, Explain, String)> = None;
        if let Some(cap) = item.cap {
            let cap = if item.scales_with_shares {
                fits(cap.checked_mul(shares), "cap × shares")?
            } else {
                cap
            };
            let used = self.item_used[ii];
            let left = fits(cap.checked_sub(used), "item cap")?.max(Money::ZERO);
            best = Some((
                left,
                super::explain::item_cap(&item.id, cap, used, left),
                policy.clause(&item.cap_clause),
            ));
        }
        if let Some(oc) = &policy.overall_cap {
            if oc.items.contains(&item.id) {
                let left =
                    fits(oc.amount.checked_sub(self.overall_used), "overall cap")?.max(Money::ZERO);
                if best.as_ref().is_none_or(|(l, _, _)| left < *l) {
                    best = Some((
                        left,
                        super::explain::overall_cap(&oc.items, oc.amount, self.overall_used, left),
                        policy.clause(&oc.clause),
                    ));
                }
            }
        }
        Ok(best)
    }

    /// Counts a paid line (amount may be 0 only for a tiered benefit under its deductible).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn record_paid(
        &mut self,
        policy: &Policy,
        ii: usize,
        key: usize,
        item: &Item,
        b: &Benefit,
        paid: Money,
        days: u32,
    ) -> Result<(), Overflow> {
        if paid > Money::ZERO {
            self.paid_once[key] = true;
            self.paid_above_zero[key] = true;
            self.days[key] = self.days[key].saturating_add(days);
        }
        if b.outside_caps {
            return Ok(());
        }
        self.item_used[ii] = fits(self.item_used[ii].checked_add(paid), "item used")?;
        if policy
            .overall_cap
            .as_ref()
            .is_some_and(|oc| oc.items.contains(&item.id))
        {
            self.overall_used = fits(self.overall_used.checked_add(paid), "overall used")?;
        }
        Ok(())
    }
}
