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

/// One application whose outcome would change under the other programme file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ApplicationDiff {
    /// The first grant of the application (one grant per subject key).
    pub grant: i64,
    pub member: i64,
    pub member_name: String,
    /// The subject's ID number, masked.
    pub subject: String,
    pub unit: String,
    pub old_eligible: bool,
    pub new_eligible: bool,
    pub old_fen: i64,
    pub new_fen: i64,
    /// The new file's refusal codes, when it refuses.
    pub new_refusals: Vec<String>,
}

/// `huzhu replay --programme FILE --year Y`: a year's relief applications re-decided.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ProgrammeReplayReport {
    pub programme: String,
    /// The versions the applications were decided under.
    pub old_versions: Vec<String>,
    pub new_version: String,
    pub year: i32,
    /// Applications re-decided (one per case: a household's several subjects are one).
    pub applications: u64,
    /// Applications stored without their case (before cases were kept): not re-decided.
    pub without_case: u64,
    pub changed: u64,
    pub newly_eligible: u64,
    pub newly_refused: u64,
    /// Old and new amounts (`claims` counts applications).
    pub total: Totals,
    /// Per grassroots union.
    pub by_unit: BTreeMap<String, Totals>,
    /// How many applications the new file refuses, per refusal code.
    pub new_refusals: BTreeMap<String, u64>,
    /// The largest changes, by size of the difference (then refusals that appear or vanish).
    pub largest: Vec<ApplicationDiff>,
}

/// Re-decides every stored application of `new`'s programme whose cycle lies in `year` under
/// `new`, changing nothing. The old side is the assessment stored with the application (the
/// engine's own answer when it was made; what staff did later — a refusal, a withdrawal — is not
/// the rule's and is left out); the new side is `new`'s engine on the same stored case, including
/// the grants the member had then. A household's several grants share one case: one application.
pub async fn replay_programme<S: Repo>(
    store: &S,
    year: i32,
    new: &huzhu_domain::programme::Programme,
) -> Result<ProgrammeReplayReport, AppError> {
    use huzhu_domain::programme::{assess, Case};
    let rows = store
        .grant_cases(&new.id, year, &huzhu_store::OrgScope::Everything)
        .await?;
    let mut report = ProgrammeReplayReport {
        programme: new.id.clone(),
        old_versions: Vec::new(),
        new_version: new.version.clone(),
        year,
        applications: 0,
        without_case: 0,
        changed: 0,
        newly_eligible: 0,
        newly_refused: 0,
        total: Totals::default(),
        by_unit: BTreeMap::new(),
        new_refusals: BTreeMap::new(),
        largest: Vec::new(),
    };
    let mut seen: std::collections::BTreeSet<(i64, String)> = Default::default();
    for (g, case_json) in rows {
        if !report.old_versions.contains(&g.programme_version) {
            report.old_versions.push(g.programme_version.clone());
        }
        let Some(case_json) = case_json else {
            report.without_case += 1;
            continue;
        };
        if !seen.insert((g.member.0, case_json.clone())) {
            continue; // another subject of an application already replayed
        }
        let corrupt = |what: String| {
            AppError::Store(huzhu_store::StoreError::Corrupt(format!(
                "grant {}: {what}",
                g.id.0
            )))
        };
        let old: serde_json::Value =
            serde_json::from_str(&g.assessment).map_err(|e| corrupt(e.to_string()))?;
        let old_eligible = old["eligible"].as_bool().unwrap_or(false);
        let old_fen = if old_eligible {
            old["amount_fen"].as_i64().unwrap_or(0)
        } else {
            0
        };
        let case = Case::from_json(&case_json).map_err(|e| corrupt(e.to_string()))?;
        let b = assess(new, &case).map_err(|e| corrupt(e.to_string()))?;
        let new_fen = if b.eligible { b.amount_fen } else { 0 };
        report.applications += 1;
        report.total.add(old_fen, new_fen);
        report
            .by_unit
            .entry(g.org.as_str().to_string())
            .or_default()
            .add(old_fen, new_fen);
        let refusals: Vec<String> = b.refusals.iter().map(|r| r.reason.clone()).collect();
        for r in &refusals {
            *report.new_refusals.entry(r.clone()).or_default() += 1;
        }
        if old_eligible != b.eligible || old_fen != new_fen {
            report.changed += 1;
            match (old_eligible, b.eligible) {
                (false, true) => report.newly_eligible += 1,
                (true, false) => report.newly_refused += 1,
                _ => {}
            }
            report.largest.push(ApplicationDiff {
                grant: g.id.0,
                member: g.member.0,
                member_name: g.member_name.clone(),
                subject: huzhu_domain::personal::mask_middle(&g.subject_id_number, 4, 4),
                unit: g.org.as_str().to_string(),
                old_eligible,
                new_eligible: b.eligible,
                old_fen,
                new_fen,
                new_refusals: refusals,
            });
        }
    }
    report.largest.sort_by_key(|d| {
        (
            std::cmp::Reverse((d.new_fen - d.old_fen).abs()),
            d.old_eligible == d.new_eligible,
            d.grant,
        )
    });
    report.largest.truncate(LARGEST);
    Ok(report)
}
