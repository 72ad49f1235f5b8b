//! The demo's claims as a timetable (issue 13): each claim is made, handled and perhaps appealed
//! at its own moment, payout batches are built (and settled) at theirs, and everything runs in
//! time order through the same use cases as the console — so the ledger, the statistics and the
//! audit log hold exactly what real use would have written. Used by [`crate::demo_cycle`] for
//! last year's full cycle (the volume) and for the current cycle (a claim in every state).

use crate::claims::{act, create_claim, ClaimRequest, ClaimView};
use crate::demo_money::{actor, png};
use crate::{documents, payouts, AppError, SettableClock};
use chrono::{DateTime, Utc};
use huzhu_domain::access::{Actor, Role};
use huzhu_domain::org::{OrgCode, OrgLevel};
use huzhu_domain::workflow::Action;
use huzhu_store::money::{ClaimFilter, ClaimId};
use huzhu_store::{MemberId, Repo};

/// Where a demo claim is left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    Draft,
    /// Submitted with its documents, waiting for the window.
    Submitted,
    /// Returned for documents 退回补件.
    Returned,
    /// Accepted and computed, waiting for a reviewer.
    Computed,
    Reviewed,
    /// Sent to the medical reviewer, who has not answered.
    Expert,
    /// Approved (paid by whichever payout comes next); refused with a general reason when the
    /// engine finds nothing payable.
    Approve,
    /// Refused with this reason.
    Reject(&'static str),
    /// Refused with the first reason, then appealed by the unit with the second.
    Appeal(&'static str, &'static str),
}

/// One demo claim: who, what, and when it is made and handled.
#[derive(Debug, Clone)]
pub struct DemoClaim {
    pub unit: OrgCode,
    pub member: MemberId,
    pub policy: String,
    pub claim: serde_json::Value,
    pub fate: Fate,
    pub made: DateTime<Utc>,
    pub handled: DateTime<Utc>,
}

/// A payout round: batches of everything approved so far, settled or left at the bank.
#[derive(Debug, Clone, Copy)]
pub struct Payout {
    pub at: DateTime<Utc>,
    pub settle: bool,
}

/// Said when the engine finds nothing payable on a claim meant to be approved.
pub const NOTHING_PAYABLE: &str =
    "经核算本次无可补助金额 (nothing is payable on this claim under the policy)";

enum Step {
    Make(usize),
    Handle(usize),
    Appeal(usize),
    Payout(bool),
}

fn city_actors() -> Result<(Actor, Actor, Actor, Actor), AppError> {
    Ok((
        actor("city.staff", Role::FederationStaff, "HZ", OrgLevel::City)?,
        actor("reviewer", Role::MedicalReviewer, "HZ", OrgLevel::City)?,
        actor("finance", Role::Finance, "HZ", OrgLevel::City)?,
        actor("cashier", Role::Finance, "HZ", OrgLevel::City)?,
    ))
}

/// The unit's officer (`officer.la01001` for `LA-01-001`).
pub fn officer_of(unit: &OrgCode) -> Result<Actor, AppError> {
    Ok(Actor {
        username: format!("officer.{}", unit.as_str().replace('-', "").to_lowercase()),
        org: unit.clone(),
        org_level: OrgLevel::Grassroots,
        ..actor("officer", Role::UnitOfficer, "HZ", OrgLevel::City)?
    })
}

/// Runs the claims and payouts in time order (a step's moment, then its place in the lists).
/// Returns the claims' ids, in the order given.
pub async fn run<S: Repo>(
    store: &S,
    clock: &SettableClock,
    claims: &[DemoClaim],
    payouts_at: &[Payout],
    own_policies: &[&str],
) -> Result<Vec<ClaimId>, AppError> {
    let mut steps: Vec<(DateTime<Utc>, usize, Step)> = Vec::new();
    for (i, c) in claims.iter().enumerate() {
        steps.push((c.made, steps.len(), Step::Make(i)));
        if !matches!(c.fate, Fate::Draft | Fate::Submitted) {
            steps.push((c.handled, steps.len(), Step::Handle(i)));
        }
        if matches!(c.fate, Fate::Appeal(..)) {
            let later = c.handled + (c.handled - c.made).max(chrono::TimeDelta::hours(1)) / 2;
            steps.push((later, steps.len(), Step::Appeal(i)));
        }
    }
    for p in payouts_at {
        steps.push((p.at, steps.len(), Step::Payout(p.settle)));
    }
    steps.sort_by_key(|(at, n, _)| (*at, *n));
    let (city, reviewer, finance, cashier) = city_actors()?;
    let mut ids: Vec<Option<ClaimId>> = vec![None; claims.len()];
    for (at, _, step) in steps {
        clock.set(at);
        match step {
            Step::Make(i) => ids[i] = Some(make(store, clock, &claims[i]).await?),
            Step::Handle(i) => {
                if let Some(id) = ids[i] {
                    handle(store, clock, &city, &reviewer, id, claims[i].fate).await?;
                }
            }
            Step::Appeal(i) => {
                if let (Some(id), Fate::Appeal(_, why)) = (ids[i], claims[i].fate) {
                    let officer = officer_of(&claims[i].unit)?;
                    let c = crate::claims::get_claim(store, clock, &officer, id).await?;
                    if c.state == "rejected" {
                        act(
                            store,
                            clock,
                            &officer,
                            id,
                            Action::Appeal { reason: why.into() },
                        )
                        .await?;
                    }
                }
            }
            Step::Payout(settle) => {
                pay_out(store, clock, &finance, &cashier, settle, own_policies).await?;
            }
        }
    }
    Ok(ids.into_iter().flatten().collect())
}

async fn make<S: Repo>(
    store: &S,
    clock: &SettableClock,
    c: &DemoClaim,
) -> Result<ClaimId, AppError> {
    let officer = officer_of(&c.unit)?;
    let view = create_claim(
        store,
        clock,
        &officer,
        &ClaimRequest {
            member: c.member,
            policy: Some(c.policy.clone()),
            claim: c.claim.clone(),
            submit: c.fate != Fate::Draft,
        },
    )
    .await?;
    let id = ClaimId(view.id);
    if !matches!(c.fate, Fate::Draft | Fate::Returned) {
        for kind in &view.missing_documents {
            documents::upload(
                store,
                clock,
                &officer,
                id,
                kind,
                &format!("{kind}.png"),
                png(kind),
            )
            .await?;
        }
    }
    Ok(id)
}

async fn handle<S: Repo>(
    store: &S,
    clock: &SettableClock,
    city: &Actor,
    reviewer: &Actor,
    id: ClaimId,
    fate: Fate,
) -> Result<(), AppError> {
    let go = |action: Action| act(store, clock, city, id, action);
    if fate == Fate::Returned {
        let c = crate::claims::get_claim(store, clock, city, id).await?;
        let mut missing: Vec<String> = c.missing_documents.into_iter().take(2).collect();
        if missing.is_empty() {
            missing.push("discharge_record".into());
        }
        go(Action::Return { missing }).await?;
        return Ok(());
    }
    let computed: ClaimView = go(Action::Accept).await?;
    match fate {
        Fate::Computed => {}
        Fate::Reviewed => {
            go(Action::Review).await?;
        }
        Fate::Expert => {
            go(Action::Review).await?;
            go(Action::SendToExpert {
                reason: "诊断与住院天数需医疗顾问核实 (the diagnosis and the days need a medical adviser)"
                    .into(),
            })
            .await?;
        }
        Fate::Approve => {
            go(Action::Review).await?;
            if computed.payable_fen.unwrap_or(0) <= 0 {
                go(Action::Reject {
                    reason: NOTHING_PAYABLE.into(),
                })
                .await?;
                return Ok(());
            }
            if computed.review_reason.is_some() {
                go(Action::SendToExpert {
                    reason: "抽查 (sampled for review)".into(),
                })
                .await?;
                act(
                    store,
                    clock,
                    reviewer,
                    id,
                    Action::ExpertClear {
                        opinion: "材料齐全，诊断属实 (documents complete, diagnosis confirmed)"
                            .into(),
                    },
                )
                .await?;
            }
            go(Action::Approve).await?;
        }
        Fate::Reject(reason) | Fate::Appeal(reason, _) => {
            go(Action::Review).await?;
            go(Action::Reject {
                reason: reason.into(),
            })
            .await?;
        }
        Fate::Draft | Fate::Submitted | Fate::Returned => {}
    }
    Ok(())
}

/// Batches of the approved claims awaiting payment, one per district — or per unit where a
/// district also holds approved claims of a cycle this timetable does not own (the 2022 demo
/// leaves two), so that those stay as they are.
async fn pay_out<S: Repo>(
    store: &S,
    clock: &SettableClock,
    finance: &Actor,
    cashier: &Actor,
    settle: bool,
    own: &[&str],
) -> Result<(), AppError> {
    let awaiting = |org: OrgCode| async move {
        let claims = store
            .claims_under(
                &org,
                &ClaimFilter {
                    awaiting_payout: true,
                    limit: 10_000,
                    ..Default::default()
                },
            )
            .await?;
        Ok::<_, AppError>((org, claims))
    };
    let mut orgs = Vec::new();
    for district in store
        .orgs_under(None)
        .await?
        .into_iter()
        .filter(|o| o.level == OrgLevel::District)
    {
        let (org, claims) = awaiting(district.code.clone()).await?;
        if claims.is_empty() {
            continue;
        }
        if claims.iter().all(|c| own.contains(&c.policy.as_str())) {
            orgs.push(org);
            continue;
        }
        for unit in store
            .orgs_under(Some(&district.code))
            .await?
            .into_iter()
            .filter(|o| o.level == OrgLevel::Grassroots)
        {
            let (org, claims) = awaiting(unit.code).await?;
            if !claims.is_empty() && claims.iter().all(|c| own.contains(&c.policy.as_str())) {
                orgs.push(org);
            }
        }
    }
    for org in orgs {
        let batch = payouts::build_batch(store, clock, finance, &org).await?;
        if settle {
            payouts::settle_batch(store, clock, cashier, batch.batch.id, &[]).await?;
        }
    }
    Ok(())
}
