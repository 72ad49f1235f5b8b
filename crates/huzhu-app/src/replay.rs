//! "What would last year's claims have been paid under next year's rules?" (SPEC 10): re-decides
//! every stored claim of a cycle under another policy, changing nothing, and reports what would
//! differ — by item, by organisation, and the largest individual changes.
//!
//! Both sides are decided afresh from the stored claims, the old side under the policy text
//! stored with them, so the comparison is like for like. Each member's claims are decided in the
//! order they were made, drafts and returned claims left out; a claim rejected by staff leaves
//! only its invoice numbers on both sides. Enrolments carry over by item id: an item the new
//! policy does not have is `not_enrolled` under it.

use crate::claims::engine_member;
use crate::{policies, AppError, Clock};
use huzhu_domain::engine::{adjudicate, Decision, History};
use huzhu_domain::policy::Policy;
use huzhu_domain::scenario::Claim;
use huzhu_domain::workflow::ClaimState;
use huzhu_store::money::{ClaimId, StoredClaim};
use huzhu_store::{MemberId, Repo};
use serde::Serialize;
use std::collections::BTreeMap;

/// Old and new totals of one group, in fen.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Totals {
    pub claims: u64,
    pub old_fen: i64,
    pub new_fen: i64,
}

impl Totals {
    fn add(&mut self, old: i64, new: i64) {
        self.claims += 1;
        self.old_fen += old;
        self.new_fen += new;
    }

    pub fn delta_fen(&self) -> i64 {
        self.new_fen - self.old_fen
    }
}

/// One claim whose amount would change.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ClaimDiff {
    pub claim: i64,
    pub member: i64,
    pub unit: String,
    pub old_fen: i64,
    pub new_fen: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ReplayReport {
    pub old_policies: Vec<String>,
    pub new_policy: String,
    pub claims: u64,
    pub claims_changed: u64,
    pub members: u64,
    pub members_changed: u64,
    pub total: Totals,
    /// Per item id (both policies' items).
    pub by_item: BTreeMap<String, Totals>,
    /// Per grassroots union.
    pub by_unit: BTreeMap<String, Totals>,
    /// The largest changes, by size of the difference.
    pub largest: Vec<ClaimDiff>,
}

/// How many individual changes the report lists.
pub const LARGEST: usize = 20;

/// Re-decides the claims of every stored policy whose cycle starts in `year` under `new`.
pub async fn replay_cycle<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    year: i32,
    new: &Policy,
) -> Result<ReplayReport, AppError> {
    use chrono::Datelike;
    let olds: Vec<String> = store
        .policy_records()
        .await?
        .into_iter()
        .filter(|p| p.cycle_start.year() == year)
        .map(|p| p.id)
        .collect();
    if olds.is_empty() {
        return Err(AppError::NotFound {
            what: format!("{year} 年度的互助保障政策 (a policy cycle of {year})"),
        });
    }
    let mut report = ReplayReport {
        old_policies: olds.clone(),
        new_policy: new.id.clone(),
        claims: 0,
        claims_changed: 0,
        members: 0,
        members_changed: 0,
        total: Totals::default(),
        by_item: BTreeMap::new(),
        by_unit: BTreeMap::new(),
        largest: Vec::new(),
    };
    for old_id in &olds {
        let old = policies::policy(store, clock, old_id).await?;
        // Claims come in id order; gather each member's, then decide member by member.
        let mut by_member: BTreeMap<MemberId, Vec<StoredClaim>> = BTreeMap::new();
        let mut after: Option<ClaimId> = None;
        loop {
            let page = store.claims_of_policy(old_id, after, 5_000).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            for c in page {
                by_member.entry(c.member).or_default().push(c);
            }
        }
        for (member, claims) in by_member {
            replay_member(store, &old, new, member, &claims, &mut report).await?;
        }
    }
    report
        .largest
        .sort_by_key(|d| (std::cmp::Reverse((d.new_fen - d.old_fen).abs()), d.claim));
    report.largest.truncate(LARGEST);
    Ok(report)
}

async fn replay_member<S: Repo>(
    store: &S,
    old: &Policy,
    new: &Policy,
    member: MemberId,
    claims: &[StoredClaim],
    report: &mut ReplayReport,
) -> Result<(), AppError> {
    let stored = store.member(member).await?;
    let m = engine_member(store, &stored, &old.id).await?;
    let (mut h_old, mut h_new) = (History::new(old), History::new(new));
    let mut changed = false;
    report.members += 1;
    for c in claims {
        if matches!(c.fields.state, ClaimState::Draft | ClaimState::Returned) {
            continue;
        }
        let mut claim = Claim::from_json(&c.fields.body, "claim").map_err(|e| {
            AppError::Store(huzhu_store::StoreError::Corrupt(format!(
                "claim {}: {e}",
                c.id.0
            )))
        })?;
        claim.id = c.id.0.to_string();
        huzhu_domain::claim_input::normalise_invoices(&mut claim);
        if c.fields.state == ClaimState::Rejected {
            h_old.note_invoices(&claim);
            h_new.note_invoices(&claim);
            continue;
        }
        let a = adjudicate(old, &m, &mut h_old, &claim)?;
        let b = adjudicate(new, &m, &mut h_new, &claim)?;
        report.claims += 1;
        let (old_fen, new_fen) = (a.payable.fen(), b.payable.fen());
        report.total.add(old_fen, new_fen);
        report
            .by_unit
            .entry(c.unit.clone())
            .or_default()
            .add(old_fen, new_fen);
        for (item, (o, n)) in per_item(&a, &b) {
            report.by_item.entry(item).or_default().add(o, n);
        }
        if old_fen != new_fen {
            changed = true;
            report.claims_changed += 1;
            report.largest.push(ClaimDiff {
                claim: c.id.0,
                member: member.0,
                unit: c.unit.clone(),
                old_fen,
                new_fen,
            });
        }
    }
    if changed {
        report.members_changed += 1;
    }
    Ok(())
}

/// Amounts per item on each side.
fn per_item(a: &Decision, b: &Decision) -> BTreeMap<String, (i64, i64)> {
    let mut out: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for l in &a.lines {
        out.entry(l.item.clone()).or_default().0 += l.amount.fen();
    }
    for l in &b.lines {
        out.entry(l.item.clone()).or_default().1 += l.amount.fen();
    }
    out
}
