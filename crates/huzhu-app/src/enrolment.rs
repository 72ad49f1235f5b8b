//! Enrolment by unit (SPEC 4: 团体参加 — a unit enrols its members, never a member alone) and the
//! contribution bill it produces; recording the bill's payment; and the member's eligibility and
//! balance enquiry (what they are covered for today, what each cap has left, what a claim needs).

use crate::access::{ensure_member_in_scope, ensure_org_in_scope, not_found, org_chain, require};
use crate::claims::engine_member;
use crate::{policies, AppError, Clock};
use chrono::NaiveDate;
use huzhu_domain::access::{Actor, Capability};
use huzhu_domain::engine::{adjudicate, History};
use huzhu_domain::enrolment::{
    bill, bill_payer, plan_enrolment, EnrolmentCandidate, EnrolmentRequest, PreviousEnrolment,
};
use huzhu_domain::ledger;
use huzhu_domain::money::Money;
use huzhu_domain::org::{OrgCode, OrgLevel};
use huzhu_domain::scenario::{self, Claim, Costs, Event};
use huzhu_domain::workflow::ClaimState;
use huzhu_store::money::{Bill, BillId, NewEnrolment, UnitEnrolment};
use huzhu_store::{MemberId, Page, Repo, StoredMember};
use serde::Serialize;
use std::collections::BTreeSet;

/// A unit's request: which items with how many shares, for which members (all of the unit's
/// members when `members` is None).
#[derive(Debug, Clone)]
pub struct EnrolUnit {
    pub unit: OrgCode,
    pub policy: String,
    pub items: Vec<(String, u32)>,
    pub members: Option<Vec<MemberId>>,
}

/// A member left out of the enrolment, and why.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Refused {
    pub member: i64,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EnrolOutcome {
    pub bill: Bill,
    pub members: u32,
    pub renewals: u32,
    pub new_enrolments: u32,
    pub lines: Vec<BillLineView>,
    pub refused: Vec<Refused>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct BillLineView {
    pub item: String,
    pub members: u32,
    pub shares: u32,
    pub amount_fen: i64,
}

async fn unit_members<S: Repo>(store: &S, unit: &OrgCode) -> Result<Vec<StoredMember>, AppError> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .members_under(unit, Page { after, limit: 1000 })
            .await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        out.extend(page);
    }
    Ok(out)
}

/// Enrols a unit's members for a policy cycle, in one transaction with its bill and the bill's
/// ledger entry. Members who cannot be enrolled (not in service, already enrolled, …) are listed
/// with the reason and the others go ahead; an item restricted to one gender is skipped for the
/// others (item C for men) rather than refusing them.
pub async fn enrol_unit<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    req: &EnrolUnit,
) -> Result<EnrolOutcome, AppError> {
    require(actor, Capability::Enrol)?;
    ensure_org_in_scope(store, actor, &req.unit).await?;
    let org = store.org(&req.unit).await?;
    if org.level != OrgLevel::Grassroots {
        return Err(AppError::invalid(
            "unit",
            format!(
                "{} 不是基层工会：参保按基层工会办理 ({} is not a grassroots union: enrolment is by unit)",
                req.unit, req.unit
            ),
        ));
    }
    let policy = policies::policy(store, clock, &req.policy).await?;
    // `by = "federation"`: the federation enrols the units' members (劳模 are enrolled by the
    // federation as a whole), so a unit's own officer may not.
    if policy.enrolment.by == "federation" && actor.org_level == OrgLevel::Grassroots {
        return Err(AppError::Forbidden {
            capability: format!(
                "政策 {} 由总工会统一参保，基层工会不能自行参保 \
                 (policy {} is enrolled by the federation, not by the unit)",
                policy.id, policy.id
            ),
        });
    }
    if req.items.is_empty() {
        return Err(AppError::invalid(
            "items",
            "至少选择一个保障项目 (choose at least one item)".into(),
        ));
    }
    for (item, _) in &req.items {
        if policy.item(item).is_none() {
            return Err(AppError::invalid(
                "items",
                format!(
                    "政策 {} 没有项目“{item}” (policy has no item `{item}`)",
                    policy.id
                ),
            ));
        }
    }
    let all = unit_members(store, &req.unit).await?;
    let chosen: Vec<&StoredMember> = match &req.members {
        None => all.iter().collect(),
        Some(ids) => {
            let mut v = Vec::new();
            for id in ids {
                match all.iter().find(|m| m.id == *id) {
                    Some(m) => v.push(m),
                    None => {
                        return Err(AppError::invalid(
                            "members",
                            format!(
                                "会员 #{} 不属于 {} (member #{} is not in this unit)",
                                id.0, req.unit, id.0
                            ),
                        ))
                    }
                }
            }
            v
        }
    };
    let already: BTreeSet<(i64, String)> = store
        .unit_enrolments(&req.unit, &policy.id)
        .await?
        .into_iter()
        .map(|e| (e.member.0, e.item))
        .collect();
    let today = clock.today();
    let mut planned_all = Vec::new();
    let mut lines = Vec::new();
    let mut refused = Vec::new();
    let (mut members, mut renewals, mut news) = (0u32, 0u32, 0u32);
    for m in chosen {
        let items: Vec<(String, u32)> = req
            .items
            .iter()
            .filter(|(i, _)| {
                policy
                    .item(i)
                    .is_some_and(|it| it.gender.is_none_or(|g| g == m.record.gender))
            })
            .filter(|(i, _)| !already.contains(&(m.id.0, i.clone())))
            .cloned()
            .collect();
        if items.is_empty() {
            refused.push(Refused {
                member: m.id.0,
                reason: "已参保或无适用项目 (already enrolled, or no item applies)".into(),
            });
            continue;
        }
        let previous = store
            .member_enrolments(m.id)
            .await?
            .into_iter()
            .filter(|e| e.policy != policy.id)
            .map(|e| PreviousEnrolment {
                item: e.item,
                cycle_end: e.cycle_end,
            })
            .collect();
        let candidate = EnrolmentCandidate {
            status: m.record.status,
            gender: m.record.gender,
            previous,
        };
        match plan_enrolment(&policy, today, &candidate, &EnrolmentRequest { items }) {
            Ok(planned) => {
                members += 1;
                for p in &planned {
                    if p.renewal {
                        renewals += 1;
                    } else {
                        news += 1;
                    }
                    lines.push(NewEnrolment {
                        member: m.id,
                        item: p.item.clone(),
                        shares: p.shares,
                        start: p.start,
                        renewal: p.renewal,
                        contribution: p.contribution,
                    });
                }
                planned_all.extend(planned);
            }
            Err(e) => refused.push(Refused {
                member: m.id.0,
                reason: e.to_string(),
            }),
        }
    }
    if lines.is_empty() {
        return Err(AppError::Conflict(format!(
            "没有可参保的会员 (no member of {} can be enrolled): {}",
            req.unit,
            refused
                .first()
                .map(|r| r.reason.clone())
                .unwrap_or_default()
        )));
    }
    let b = bill(&policy, &planned_all).map_err(|e| AppError::invalid("items", e.to_string()))?;
    let chain: Vec<(OrgCode, String)> = org_chain(store, &req.unit)
        .await?
        .into_iter()
        .map(|o| (o.code, o.region.to_string()))
        .collect();
    let payer = bill_payer(&policy, &chain).cloned().ok_or_else(|| {
        AppError::invalid(
            "unit",
            format!(
                "{} 之上没有总工会，无法由总工会缴费 ({} has no federation above it to pay)",
                req.unit, req.unit
            ),
        )
    })?;
    let entry = if b.total.fen() > 0 {
        Some(
            ledger::contribution_billed(&payer, &policy.id, b.total)
                .map_err(|e| AppError::invalid("items", e.to_string()))?,
        )
    } else {
        None
    };
    let id = store
        .enrol_unit(&UnitEnrolment {
            unit: &req.unit,
            payer: Some(&payer),
            policy: &policy.id,
            lines: &lines,
            members,
            total: b.total,
            entry: entry.as_ref(),
            actor: &actor.username,
            at: clock.now(),
        })
        .await?;
    Ok(EnrolOutcome {
        bill: store.bill(id).await?,
        members,
        renewals,
        new_enrolments: news,
        lines: b
            .lines
            .iter()
            .map(|l| BillLineView {
                item: l.item.clone(),
                members: l.members,
                shares: l.shares,
                amount_fen: l.amount.fen(),
            })
            .collect(),
        refused,
    })
}

/// A bill visible to the actor: the bills of the units in the actor's subtree, whoever pays them
/// (a unit officer sees the bill the federation pays for the unit, and cannot pay it).
pub async fn get_bill<S: Repo>(store: &S, actor: &Actor, id: BillId) -> Result<Bill, AppError> {
    let missing = || not_found(&format!("账单 {} (bill {})", id.0, id.0));
    let Some(huzhu_store::Visibility::Orgs(scope)) = crate::access::visibility(actor) else {
        return Err(missing()); // a member account sees no bill
    };
    match store.bill_under(id, &scope).await {
        Ok(b) => Ok(b),
        Err(huzhu_store::StoreError::NotFound(_)) => Err(missing()),
        Err(e) => Err(e.into()),
    }
}

/// Records that a bill was paid (the bank received it). A bill the federation owes (a
/// federation-paid policy) is paid by the federation: recorded by finance whose subtree holds the
/// federation, never by the unit (403 otherwise, since the bill itself is visible to them).
pub async fn pay_bill<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: BillId,
    payment_ref: &str,
) -> Result<Bill, AppError> {
    require(actor, Capability::RecordPayment)?;
    let b = get_bill(store, actor, id).await?;
    if payment_ref.trim().is_empty() {
        return Err(AppError::invalid(
            "payment_ref",
            "须填写付款凭证号 (a payment reference is required)".into(),
        ));
    }
    huzhu_domain::claim_input::check_identifier("payment_ref", payment_ref.trim())
        .map_err(|e| AppError::invalid(&e.field, e.problem))?;
    let payer = OrgCode::parse(&b.payer).map_err(|_| not_found("bill"))?;
    if b.payer != b.unit {
        let forbidden = || AppError::Forbidden {
            capability: format!("{:?}", Capability::RecordFederationPayment),
        };
        require(actor, Capability::RecordFederationPayment)?;
        ensure_org_in_scope(store, actor, &payer)
            .await
            .map_err(|_| forbidden())?;
    }
    let entry = ledger::contribution_paid(&payer, &b.policy, b.amount)
        .map_err(|e| AppError::invalid("amount", e.to_string()))?;
    Ok(store
        .pay_bill(id, payment_ref.trim(), &entry, &actor.username, clock.now())
        .await?)
}

/// One item of a member's cover.
#[derive(Debug, Clone, Serialize)]
pub struct ItemCover {
    pub item: String,
    pub name: String,
    /// The policy's English name of the item (`name_en`), if it has one.
    pub name_en: Option<String>,
    pub shares: u32,
    pub start: NaiveDate,
    pub renewal: bool,
    /// The first day events are covered (after the waiting period, for a new enrolment).
    pub covered_from: NaiveDate,
    pub in_waiting_period: bool,
    pub cap_fen: Option<i64>,
    pub used_fen: i64,
    pub left_fen: Option<i64>,
}

/// What a claim of each kind will need, by document id and name.
#[derive(Debug, Clone, Serialize)]
pub struct NeededDocuments {
    pub kind: &'static str,
    pub documents: Vec<(String, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub member: i64,
    pub policy: String,
    pub policy_name: String,
    /// The policy's English name (`name_en`), if it has one.
    pub policy_name_en: Option<String>,
    pub on: NaiveDate,
    pub eligible_status: bool,
    pub items: Vec<ItemCover>,
    pub overall_cap_fen: Option<i64>,
    pub overall_used_fen: i64,
    pub documents: Vec<NeededDocuments>,
    /// Every span of the member's cover, in any cycle: from the first day of cover to the
    /// cycle's last day (waiting periods included: the form warns of those apart). The claim
    /// form warns, before submitting, of an event on none of these days (issue 13: "outside
    /// cover").
    pub covered: Vec<(NaiveDate, NaiveDate)>,
}

/// The member's cover on `today` under the cycle that contains it (or the latest they enrolled
/// in), with what the cycle's claims have used of each cap.
pub async fn coverage<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    member: MemberId,
) -> Result<Coverage, AppError> {
    ensure_member_in_scope(store, actor, member.0).await?;
    let today = clock.today();
    let enrolled = store.member_enrolments(member).await?;
    let Some(policy_id) = enrolled
        .iter()
        .find(|e| e.cycle_start <= today && today <= e.cycle_end)
        .or(enrolled.last())
        .map(|e| e.policy.clone())
    else {
        return Err(not_found(&format!(
            "会员 #{} 的参保记录 (enrolments of member #{})",
            member.0, member.0
        )));
    };
    let policy = policies::policy(store, clock, &policy_id).await?;
    let m = store.member(member).await?;
    let em = engine_member(store, &m, &policy.id).await?;
    let mut history = History::new(&policy);
    for c in store.member_claims(member, &policy.id).await? {
        if matches!(
            c.fields.state,
            ClaimState::Draft | ClaimState::Returned | ClaimState::Rejected
        ) {
            continue;
        }
        if let Ok(claim) = crate::claims::stored_body(&c, Vec::new()) {
            adjudicate(&policy, &em, &mut history, &claim)?;
        }
    }
    let mut items = Vec::new();
    for (ii, item) in policy.items.iter().enumerate() {
        let Some(e) = em.enrolment(&item.id) else {
            continue;
        };
        let waived = e.renewal && policy.waiting.waived_on_renewal;
        let covered_from = if waived {
            e.start
        } else {
            e.start
                .checked_add_days(chrono::Days::new(u64::from(policy.waiting.days)))
                .unwrap_or(e.start)
        };
        let cap = item
            .cap
            .and_then(|c| {
                if item.scales_with_shares {
                    c.checked_mul(i64::from(e.shares))
                } else {
                    Some(c)
                }
            })
            .map(Money::fen);
        let used = history.item_used(ii).fen();
        items.push(ItemCover {
            item: item.id.clone(),
            name: item.name.clone(),
            name_en: item.name_en.clone(),
            shares: e.shares,
            start: e.start,
            renewal: e.renewal,
            covered_from,
            in_waiting_period: today < covered_from,
            cap_fen: cap,
            used_fen: used,
            left_fen: cap.map(|c| (c - used).max(0)),
        });
    }
    Ok(Coverage {
        member: member.0,
        policy: policy.id.clone(),
        policy_name: policy.name.clone(),
        policy_name_en: policy.name_en.clone(),
        on: today,
        eligible_status: policy.enrolment.eligible_status.contains(&m.record.status),
        items,
        overall_cap_fen: policy.overall_cap.as_ref().map(|c| c.amount.fen()),
        overall_used_fen: history.overall_used().fen(),
        documents: needed_documents(&policy, &em, today)?,
        covered: cover_spans(&enrolled),
    })
}

/// One span per cycle: its earliest first day of cover to the cycle's end, oldest first.
fn cover_spans(enrolled: &[huzhu_store::money::StoredEnrolment]) -> Vec<(NaiveDate, NaiveDate)> {
    let mut spans: std::collections::BTreeMap<(NaiveDate, &str), (NaiveDate, NaiveDate)> =
        std::collections::BTreeMap::new();
    for e in enrolled {
        let span = spans
            .entry((e.cycle_start, e.policy.as_str()))
            .or_insert((e.start, e.cycle_end));
        span.0 = span.0.min(e.start);
    }
    spans.into_values().collect()
}

/// The documents a claim of each kind would need, found by asking the engine about an empty
/// claim of that kind (so the answer follows the policy file, never a list kept here).
fn needed_documents(
    policy: &huzhu_domain::policy::Policy,
    member: &scenario::Member,
    today: NaiveDate,
) -> Result<Vec<NeededDocuments>, AppError> {
    let day = today.max(policy.cycle.start).min(policy.cycle.end);
    let designated = policy
        .disease_lists
        .iter()
        .flat_map(|l| l.codes.iter())
        .find(|c| c.starts_with("od"))
        .cloned()
        .unwrap_or_default();
    let first_code = policy.diseases.keys().next().cloned().unwrap_or_default();
    let base = Claim {
        id: "enquiry".into(),
        submitted: day,
        event: Event::CarePayment,
        hospital_grade: Some(3),
        rehabilitation: false,
        diagnoses: Vec::new(),
        costs: Costs {
            self_borne: Money::from_yuan(1),
            ..Costs::default()
        },
        invoices: Vec::new(),
        documents: Vec::new(),
    };
    let kinds: [(&'static str, Claim); 3] = [
        (
            "hospital_stay",
            Claim {
                event: Event::HospitalStay {
                    admitted: day,
                    discharged: day,
                },
                ..base.clone()
            },
        ),
        (
            "outpatient",
            Claim {
                event: Event::Outpatient {
                    start: day,
                    end: day,
                    disease: designated,
                },
                ..base.clone()
            },
        ),
        (
            "diagnosis",
            Claim {
                event: Event::Diagnosis,
                diagnoses: vec![scenario::Diagnosis {
                    disease: first_code,
                    date: day,
                    first_diagnosis: true,
                    death_date: None,
                }],
                ..base
            },
        ),
    ];
    kinds
        .into_iter()
        .map(|(kind, claim)| {
            let mut h = History::new(policy);
            let d = adjudicate(policy, member, &mut h, &claim)?;
            Ok(NeededDocuments {
                kind,
                documents: d
                    .missing_documents
                    .iter()
                    .map(|id| {
                        (
                            id.clone(),
                            policy.document_name(id).unwrap_or(id).to_string(),
                        )
                    })
                    .collect(),
            })
        })
        .collect()
}

/// Bills of the units under `org` (default: the actor's organisation), newest first.
pub async fn list_bills<S: Repo>(
    store: &S,
    actor: &Actor,
    org: Option<&OrgCode>,
) -> Result<Vec<Bill>, AppError> {
    let org = org.cloned().unwrap_or_else(|| actor.org.clone());
    ensure_org_in_scope(store, actor, &org).await?;
    Ok(store.bills_under(&org).await?)
}

/// The enrolments of a unit in the actor's subtree under `policy` (any member, any item).
pub async fn unit_enrolments<S: Repo>(
    store: &S,
    actor: &Actor,
    unit: &OrgCode,
    policy: &str,
) -> Result<Vec<huzhu_store::money::StoredEnrolment>, AppError> {
    ensure_org_in_scope(store, actor, unit).await?;
    Ok(store.unit_enrolments(unit, policy).await?)
}
