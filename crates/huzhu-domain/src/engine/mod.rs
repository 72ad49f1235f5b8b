//! The adjudication engine (SPEC sections 4.1 and 5): a pure, deterministic function of
//! (policy, member, what the member's earlier claims in the cycle used, the claim) → a decision.
//! No I/O, no clock: the same inputs give the same decision, always.
//!
//! Every rule below reads its parameters from the [`Policy`]; the choices made where SPEC 4.1 is
//! silent are written in `docs/adjudication.md`.

mod decision;
mod explain;
mod history;
pub mod stay;
pub mod tiers;

pub use decision::{Decision, Explain, Flag, Line, Reason, Refusal};
pub use history::History;

use crate::money::Money;
use crate::policy::{Benefit, Item, Policy, Rule};
use crate::scenario::{Claim, Diagnosis, Event, Member, Scenario};
use chrono::NaiveDate;
use explain as ex;

/// Why a claim could not be decided: an amount left the range of `i64` fen. Inputs that pass
/// their checks never get there; a wrong running total would be worse than no decision, so the
/// engine says so rather than saturating or wrapping (issue 13). After it, the history is
/// half-advanced: drop it with the scenario.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    #[error("理赔{claim}的金额超出可计算范围 (the amounts of claim {claim} overflow: {what})")]
    Overflow { claim: String, what: &'static str },
}

/// An arithmetic step that overflowed, named for the error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Overflow(pub(crate) &'static str);

/// `Some` or the named overflow.
pub(crate) fn fits(m: Option<Money>, what: &'static str) -> Result<Money, Overflow> {
    m.ok_or(Overflow(what))
}

/// Decides every claim of a scenario in the order listed, each with the earlier ones as history.
pub fn adjudicate_scenario(
    policy: &Policy,
    scenario: &Scenario,
) -> Result<Vec<Decision>, EngineError> {
    let mut history = History::new(policy);
    scenario
        .claims
        .iter()
        .map(|c| adjudicate(policy, &scenario.member, &mut history, c))
        .collect()
}

/// Decides one claim given what the earlier claims of the cycle used, and adds this claim's use
/// to `history` (its invoices, and whatever its payable benefits count for later claims).
pub fn adjudicate(
    policy: &Policy,
    member: &Member,
    history: &mut History,
    claim: &Claim,
) -> Result<Decision, EngineError> {
    let mut run = Run {
        policy,
        member,
        claim,
        h: history,
        decision: Decision {
            claim: claim.id.clone(),
            payable: Money::ZERO,
            lines: Vec::new(),
            not_payable: Vec::new(),
            missing_documents: Vec::new(),
            flags: Vec::new(),
        },
        required_docs: Vec::new(),
        duplicate: None,
    };
    run.duplicate = claim
        .invoices
        .iter()
        .find(|i| run.h.invoice_seen(i))
        .cloned();
    if run.duplicate.is_some() {
        run.decision.flags.push(Flag::DuplicateInvoice);
    }
    if matches!(claim.event, Event::HospitalStay { .. }) {
        run.require(&policy.stay_documents);
    }
    for (ii, item) in policy.items.iter().enumerate() {
        for (bi, benefit) in item.benefits.iter().enumerate() {
            run.benefit(ii, item, bi, benefit)
                .map_err(|Overflow(what)| EngineError::Overflow {
                    claim: claim.id.clone(),
                    what,
                })?;
        }
    }
    Ok(run.finish())
}

/// What one occurrence of a benefit rests on.
enum Basis<'c> {
    /// A stay part or an outpatient period, with its eligible cost.
    Cost {
        eligible: Money,
        part: Option<PartNote>,
    },
    Diagnosis {
        d: &'c Diagnosis,
        /// The code is in none of the policy's lists.
        unlisted: bool,
        /// Matched only through the benefit's `on_death` list.
        via_death: bool,
    },
    Days {
        days: u32,
    },
    After,
}

/// How a stay part was cut from its stay, for the explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PartNote {
    nights: u32,
    of_nights: u32,
    whole: Money,
}

struct Run<'a, 'c> {
    policy: &'a Policy,
    member: &'a Member,
    claim: &'c Claim,
    h: &'a mut History,
    decision: Decision,
    required_docs: Vec<String>,
    duplicate: Option<String>,
}

impl<'a, 'c> Run<'a, 'c> {
    fn require(&mut self, docs: &[String]) {
        for d in docs {
            if !self.required_docs.contains(d) {
                self.required_docs.push(d.clone());
            }
        }
    }

    fn out_of_region(&self) -> bool {
        self.member
            .social_security_region
            .is_some_and(|r| !r.starts_with(&self.policy.home_region_prefix))
    }

    /// Every occurrence of one benefit in this claim, in order (SPEC 4.1: item A, then B.1, B.2,
    /// B.3, then C; diagnoses in the order listed).
    fn benefit(
        &mut self,
        ii: usize,
        item: &'a Item,
        bi: usize,
        b: &'a Benefit,
    ) -> Result<(), Overflow> {
        let claim = self.claim;
        match (&b.rule, &claim.event) {
            (
                Rule::CostTiers { costs, .. },
                Event::HospitalStay {
                    admitted,
                    discharged,
                },
            ) => {
                self.require_for(b, false);
                let parts = stay::split(*admitted, *discharged, self.policy.cycle.start);
                let nights: Vec<u32> = parts.iter().map(|p| p.nights).collect();
                let total_nights: u32 = nights.iter().sum();
                let mut per_part = vec![Money::ZERO; parts.len()];
                for c in costs.iter() {
                    let whole = claim.costs.get(*c);
                    for (k, m) in tiers::split_proportionally(whole, &nights)
                        .into_iter()
                        .enumerate()
                    {
                        per_part[k] = fits(per_part[k].checked_add(m), "stay cost")?;
                    }
                }
                let whole = per_part
                    .iter()
                    .try_fold(Money::ZERO, |a, m| fits(a.checked_add(*m), "stay cost"))?;
                for (k, p) in parts.iter().enumerate() {
                    let part = (parts.len() > 1).then_some(PartNote {
                        nights: p.nights,
                        of_nights: total_nights,
                        whole,
                    });
                    self.occurrence(
                        ii,
                        item,
                        bi,
                        b,
                        Some(p.event),
                        Basis::Cost {
                            eligible: per_part[k],
                            part,
                        },
                    )?;
                }
            }
            (
                Rule::CostTiers {
                    costs,
                    outpatient_diseases,
                    ..
                },
                Event::Outpatient { start, .. },
            ) if !outpatient_diseases.is_empty() => {
                self.require_for(b, true);
                let eligible = costs.iter().try_fold(Money::ZERO, |a, c| {
                    fits(a.checked_add(claim.costs.get(*c)), "outpatient cost")
                })?;
                self.occurrence(
                    ii,
                    item,
                    bi,
                    b,
                    Some(*start),
                    Basis::Cost {
                        eligible,
                        part: None,
                    },
                )?;
            }
            (
                Rule::Daily { .. },
                Event::HospitalStay {
                    admitted,
                    discharged,
                },
            ) => {
                self.require_for(b, false);
                for p in stay::split(*admitted, *discharged, self.policy.cycle.start) {
                    self.occurrence(ii, item, bi, b, Some(p.event), Basis::Days { days: p.days })?;
                }
            }
            (
                Rule::Diagnosis {
                    diseases, on_death, ..
                },
                Event::HospitalStay { .. } | Event::Diagnosis,
            ) => {
                let is_target = self
                    .policy
                    .unlisted_diagnosis
                    .as_ref()
                    .is_some_and(|t| t.item == item.id && t.benefit == b.id);
                for d in &claim.diagnoses {
                    let listed = self.policy.diseases.contains_key(&d.disease);
                    let direct = diseases.contains(&d.disease);
                    let via_death = !direct && on_death.contains(&d.disease);
                    // A code paid elsewhere is not reported here through its death list.
                    let death_only = via_death && !self.policy_covers_directly(&d.disease);
                    if direct || death_only || (!listed && is_target) {
                        self.require_for(b, false);
                        self.occurrence(
                            ii,
                            item,
                            bi,
                            b,
                            Some(d.date),
                            Basis::Diagnosis {
                                d,
                                unlisted: !listed,
                                via_death,
                            },
                        )?;
                    }
                }
            }
            (Rule::AfterBenefit { .. }, Event::CarePayment) => {
                self.require_for(b, false);
                self.occurrence(ii, item, bi, b, None, Basis::After)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn policy_covers_directly(&self, code: &str) -> bool {
        self.policy.items.iter().any(|i| {
            i.benefits.iter().any(|b| match &b.rule {
                Rule::Diagnosis { diseases, .. } => diseases.iter().any(|c| c == code),
                _ => false,
            })
        })
    }

    fn require_for(&mut self, b: &Benefit, outpatient: bool) {
        let docs = if outpatient {
            &b.outpatient_documents
        } else {
            &b.documents
        };
        self.require(docs);
        if self.out_of_region() {
            self.require(&b.out_of_region_documents);
        }
    }

    fn refuse(&mut self, item: &Item, b: &Benefit, reason: Reason, clause: String, why: Explain) {
        // "A benefit of an item the member is not enrolled in is reported once as
        // `not_enrolled`" (SPEC 4.1): once per benefit, however many of the claim's diagnoses or
        // stay parts trigger it.
        if reason == Reason::NotEnrolled
            && self
                .decision
                .not_payable
                .iter()
                .any(|r| r.reason == Reason::NotEnrolled && r.item == item.id && r.benefit == b.id)
        {
            return;
        }
        self.decision.not_payable.push(Refusal {
            item: item.id.clone(),
            benefit: b.id.clone(),
            reason,
            clause,
            explain: why,
        });
    }

    fn pay(
        &mut self,
        item: &Item,
        b: &Benefit,
        amount: Money,
        why: Explain,
    ) -> Result<(), Overflow> {
        self.decision.payable = fits(self.decision.payable.checked_add(amount), "payable")?;
        self.decision.lines.push(Line {
            item: item.id.clone(),
            benefit: b.id.clone(),
            amount,
            clause: self.policy.clause(&b.clause),
            explain: why,
        });
        Ok(())
    }

    /// The first reason, in SPEC 4.1's order, that refuses this occurrence before any amount.
    fn check(
        &self,
        item: &Item,
        b: &Benefit,
        event: Option<NaiveDate>,
        basis: &Basis,
    ) -> Option<(Reason, Explain)> {
        let p = self.policy;
        let c = self.claim;
        if c.submitted > p.claim_deadline {
            return Some((
                Reason::LateSubmission,
                ex::late(c.submitted, p.claim_deadline),
            ));
        }
        if !p.enrolment.eligible_status.contains(&self.member.status) {
            return Some((Reason::NotInService, ex::not_in_service(self.member.status)));
        }
        if let Some(ev) = event {
            if !p.cycle.contains(ev) {
                return Some((Reason::OutsideCycle, ex::outside_cycle(ev, p.cycle)));
            }
        }
        let Some(enrolment) = self.member.enrolment(&item.id) else {
            return Some((Reason::NotEnrolled, ex::not_enrolled(item)));
        };
        if let Some(ev) = event {
            if ev < enrolment.start {
                return Some((
                    Reason::NotEnrolled,
                    ex::before_enrolment(item, ev, enrolment.start),
                ));
            }
            if !(enrolment.renewal && p.waiting.waived_on_renewal) {
                let end = enrolment
                    .start
                    .checked_add_days(chrono::Days::new(u64::from(p.waiting.days)))
                    .unwrap_or(NaiveDate::MAX);
                if ev < end {
                    return Some((Reason::WaitingPeriod, ex::waiting(ev, enrolment.start, end)));
                }
            }
        }
        let treatment = matches!(basis, Basis::Cost { .. } | Basis::Days { .. });
        if let (Some(min), true) = (b.min_hospital_grade, treatment) {
            let grade = c.hospital_grade.unwrap_or(0);
            if grade < min {
                return Some((Reason::HospitalGrade, ex::grade(grade, min)));
            }
        }
        if b.excludes_rehabilitation
            && c.rehabilitation
            && matches!(c.event, Event::HospitalStay { .. })
        {
            return Some((Reason::Rehabilitation, ex::rehabilitation()));
        }
        if let Some(g) = item.gender {
            if self.member.gender != g {
                return Some((Reason::Gender, ex::gender(item, g)));
            }
        }
        if let (
            Rule::CostTiers {
                refuse_duplicate_invoice: true,
                ..
            },
            Some(inv),
        ) = (&b.rule, &self.duplicate)
        {
            return Some((Reason::DuplicateInvoice, ex::duplicate(inv)));
        }
        match (&b.rule, basis, &c.event) {
            (
                Rule::CostTiers {
                    outpatient_diseases,
                    ..
                },
                _,
                Event::Outpatient { disease, .. },
            ) if !outpatient_diseases.contains(disease) => {
                return Some((Reason::NotCovered, ex::not_designated(disease)));
            }
            (
                _,
                Basis::Diagnosis {
                    d,
                    unlisted,
                    via_death,
                },
                _,
            ) => {
                if *unlisted {
                    return Some((Reason::NotCovered, ex::unlisted(&d.disease)));
                }
                if *via_death && !d.death_date.is_some_and(|dd| p.cycle.contains(dd)) {
                    return Some((Reason::NotCovered, ex::no_death(&d.disease)));
                }
            }
            (Rule::AfterBenefit { requires, .. }, _, _) => {
                let paid = item
                    .benefits
                    .iter()
                    .position(|x| &x.id == requires)
                    .is_some_and(|ri| self.h.paid_above_zero(p, &item.id, ri));
                if !paid {
                    return Some((Reason::NotCovered, ex::nothing_to_follow(requires)));
                }
            }
            _ => {}
        }
        if let (
            Rule::Diagnosis {
                first_diagnosis: true,
                ..
            },
            Basis::Diagnosis { d, .. },
        ) = (&b.rule, basis)
        {
            if !d.first_diagnosis {
                return Some((Reason::NotFirstDiagnosis, ex::not_first(&d.disease)));
            }
        }
        None
    }

    fn occurrence(
        &mut self,
        ii: usize,
        item: &'a Item,
        bi: usize,
        b: &'a Benefit,
        event: Option<NaiveDate>,
        basis: Basis,
    ) -> Result<(), Overflow> {
        if let Some((reason, why)) = self.check(item, b, event, &basis) {
            let clause = match reason {
                Reason::NotCovered | Reason::NotFirstDiagnosis => self.policy.clause(&b.clause),
                _ => self.policy.rule_clause(reason.code()),
            };
            self.refuse(item, b, reason, clause, why);
            return Ok(());
        }
        let key = self.h.key(ii, bi);
        if b.once_per_cycle && self.h.paid_once(key) {
            let clause = self.policy.clause(&b.clause);
            self.refuse(
                item,
                b,
                Reason::AlreadyPaidThisCycle,
                clause,
                ex::already_paid(b),
            );
            return Ok(());
        }
        let shares = i64::from(
            self.member
                .enrolment(&item.id)
                .map_or(1, |e| e.shares.max(1)),
        );
        let scale = |m: Money| {
            if item.scales_with_shares {
                fits(m.checked_mul(shares), "amount × shares")
            } else {
                Ok(m)
            }
        };
        // The amount before the item and overall caps, its explanation, and any cut by a
        // benefit's own limit (days).
        let (amount, why, own_cut, days_paid) = match (&b.rule, &basis) {
            (Rule::CostTiers { tiers, costs, .. }, Basis::Cost { eligible, part }) => {
                let before = self.h.cumulative(key);
                let after = fits(before.checked_add(*eligible), "cumulative cost")?;
                let fa = tiers::f_rounded(tiers, after);
                let fb = tiers::f_rounded(tiers, before);
                self.h.add_cumulative(key, *eligible)?;
                let delta = fits(fa.checked_sub(fb), "tiered amount")?;
                let why = ex::tiers(tiers, costs, *eligible, before, after, fb, fa, *part, event);
                (delta, why, None, 0)
            }
            (Rule::Diagnosis { amount, .. }, Basis::Diagnosis { d, via_death, .. }) => {
                let why = ex::diagnosis(
                    &d.disease,
                    self.policy.disease_name(&d.disease),
                    d.date,
                    *amount,
                    if item.scales_with_shares { shares } else { 1 },
                    *via_death,
                );
                (scale(*amount)?, why, None, 0)
            }
            (Rule::Daily { per_day, max_days }, Basis::Days { days }) => {
                let used = self.h.days(key);
                let allowed = match max_days {
                    Some(m) => (*days).min(m.saturating_sub(used)),
                    None => *days,
                };
                let amount = scale(fits(
                    per_day.checked_mul(i64::from(allowed)),
                    "amount × days",
                )?)?;
                let why = ex::days(*days, allowed, used, *max_days, *per_day, amount);
                let cut = (allowed < *days).then(|| ex::days_cut(*days - allowed, *max_days));
                if allowed == 0 {
                    let clause = self.policy.clause(&b.clause);
                    self.refuse(item, b, Reason::CapReached, clause, cut.unwrap_or_default());
                    return Ok(());
                }
                (amount, why, cut, allowed)
            }
            (Rule::AfterBenefit { amount, .. }, Basis::After) => {
                (scale(*amount)?, ex::after(*amount), None, 0)
            }
            _ => return Ok(()),
        };
        let room = if b.outside_caps {
            None
        } else {
            self.h.room(self.policy, ii, item, shares)?
        };
        let (paid, cap_cut) = match room {
            Some((left, cap_why, clause)) if amount > left => (left, Some((cap_why, clause))),
            _ => (amount, None),
        };
        if paid == Money::ZERO && amount > Money::ZERO {
            // Cut to 0 by a cap: not paid, counts for nothing.
            let (cap_why, clause) = cap_cut.unwrap_or_default();
            self.refuse(item, b, Reason::CapReached, clause, cap_why);
            return Ok(());
        }
        let why = match &cap_cut {
            Some((cap_why, _)) => why.then(cap_why.clone()),
            None => why,
        };
        self.pay(item, b, paid, why)?;
        let cut = match (own_cut, cap_cut) {
            (Some(o), Some((c, clause))) => Some((o.then(c), clause)),
            (Some(o), None) => Some((o, self.policy.clause(&b.clause))),
            (None, Some((c, clause))) => Some((c, clause)),
            (None, None) => None,
        };
        if let Some((why, clause)) = cut {
            self.refuse(item, b, Reason::CapReached, clause, why);
        }
        self.h
            .record_paid(self.policy, ii, key, item, b, paid, days_paid)
    }

    fn finish(mut self) -> Decision {
        for d in &self.policy.documents {
            if self.required_docs.contains(&d.id) && !self.claim.documents.contains(&d.id) {
                self.decision.missing_documents.push(d.id.clone());
            }
        }
        for inv in &self.claim.invoices {
            self.h.add_invoice(inv);
        }
        self.decision
    }
}
