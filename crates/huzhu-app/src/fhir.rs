//! FHIR R4 export of decided claims (issue 18): one claim as a Bundle of its `Claim` and its
//! `ExplanationOfBenefit` (the API, scoped like the claim), every decided claim of a cycle as
//! NDJSON (`huzhu export fhir --cycle 2022`), and the refusal `CodeSystem`. The mapping itself
//! is pure, in [`huzhu_domain::fhir`]; this module reads the stored claim, its stored decision
//! and its policy. docs/fhir.md.

use crate::claims::{stored_body, visible_claim};
use crate::clock::shanghai;
use crate::{policies, AppError, Clock};
use huzhu_domain::access::Actor;
use huzhu_domain::fhir::{self, DecidedClaim, DecisionFacts, Json, Party, Standing};
use huzhu_domain::policy::Policy;
use huzhu_store::money::{ClaimId, StoredClaim};
use huzhu_store::{Repo, StoreError};

/// huzhu's version, written as the code system's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The refusal code system as JSON text (public: it names no one).
pub fn refusal_code_system() -> String {
    fhir::refusal_code_system(VERSION).to_text()
}

/// The two resources of a decided claim: `[Claim, ExplanationOfBenefit]`.
pub async fn resources<S: Repo>(
    store: &S,
    policy: &Policy,
    c: &StoredClaim,
) -> Result<[Json; 2], AppError> {
    let not_decided = || {
        AppError::Conflict(format!(
            "申请 {id} 尚未核算，没有补助决定可导出 (claim {id} is not decided yet: nothing to export)",
            id = c.id.0
        ))
    };
    let stored = match &c.fields.decision {
        Some(d) if fhir::is_decided(c.fields.state) => d,
        _ => return Err(not_decided()),
    };
    let decision = DecisionFacts::from_json(stored)
        .map_err(|e| AppError::Store(StoreError::Corrupt(format!("claim {}: {e}", c.id.0))))?;
    let body = stored_body(c, Vec::new())?;
    let events = store.claim_events(c.id).await?;
    let decided_on = events
        .iter()
        .rev()
        .find(|e| e.action == "compute")
        .map(|e| e.at.with_timezone(&shanghai()).date_naive());
    let id = c.id.0.to_string();
    let decided = DecidedClaim {
        id: &id,
        patient: Party::Identified {
            system: fhir::MEMBER_SYSTEM,
            value: c.member.0.to_string(),
            display: None,
        },
        provider: Party::Identified {
            system: fhir::ORG_SYSTEM,
            value: c.unit.clone(),
            display: None,
        },
        policy,
        claim: &body,
        decision: &decision,
        standing: Standing {
            state: Some(c.fields.state),
            paid: c.fields.paid,
            decided_on,
        },
    };
    Ok([decided.claim_resource(), decided.explanation_of_benefit()])
}

/// One claim the actor may see, as a `collection` Bundle of its `Claim` and its
/// `ExplanationOfBenefit`, JSON text. Outside the actor's scope: not found, like a missing id;
/// not decided yet: a conflict naming the claim.
pub async fn claim_bundle<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: ClaimId,
) -> Result<String, AppError> {
    let c = visible_claim(store, actor, id).await?;
    let policy = policies::policy(store, clock, &c.policy).await?;
    let [claim, eob] = resources(store, &policy, &c).await?;
    Ok(fhir::bundle(vec![claim, eob]).to_text())
}

/// What a bulk export wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Exported {
    /// Decided claims exported (each as two lines).
    pub claims: u64,
    /// Claims of the cycle left out as not decided (drafts, waiting at the window).
    pub undecided: u64,
}

/// Every decided claim of the policies whose cycle starts in `year`, in policy and claim id
/// order, each as two NDJSON lines (its `Claim`, then its `ExplanationOfBenefit`) handed to
/// `line`. For the operator of the database (the CLI): not scoped to an org.
pub async fn export_cycle<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    year: i32,
    mut line: impl FnMut(&str) -> std::io::Result<()>,
) -> Result<Exported, AppError> {
    use chrono::Datelike;
    let ids: Vec<String> = store
        .policy_records()
        .await?
        .into_iter()
        .filter(|p| p.cycle_start.year() == year)
        .map(|p| p.id)
        .collect();
    if ids.is_empty() {
        return Err(AppError::NotFound {
            what: format!("{year} 年度的互助保障政策 (a policy cycle of {year})"),
        });
    }
    let mut done = Exported::default();
    for id in &ids {
        let policy = policies::policy(store, clock, id).await?;
        let mut after: Option<ClaimId> = None;
        loop {
            let page = store.claims_of_policy(id, after, 1_000).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            for c in &page {
                if c.fields.decision.is_none() || !fhir::is_decided(c.fields.state) {
                    done.undecided += 1;
                    continue;
                }
                let [claim, eob] = resources(store, &policy, c).await?;
                line(&claim.to_text())?;
                line(&eob.to_text())?;
                done.claims += 1;
            }
        }
    }
    Ok(done)
}
