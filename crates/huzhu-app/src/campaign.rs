//! Care campaigns 两节送温暖 (SPEC 7.4; docs/grants.md): federation staff open a campaign of a
//! campaign programme, every office lists the members of its subtree — from their tags, decided
//! by the programme's engine (the largest cash amount once and one gift pack), or by hand with a
//! reason — records visits and gift packs, and grants the cash in one step into the payout
//! batches. A member is on the campaign's list once, whoever listed them: the second listing is
//! refused naming the first; the grant's unique key refuses a second grant anywhere in the city.

use crate::access::{not_found, require};
use crate::{AppError, Clock};
use chrono::NaiveDate;
use huzhu_domain::access::{Actor, Capability};
use huzhu_domain::archive::HouseholdState;
use huzhu_domain::grant::{case_tag, FundKind};
use huzhu_domain::money::Money;
use huzhu_domain::programme::{self, Case, Refusal};
use huzhu_store::archive::{Household, HouseholdFilter};
use huzhu_store::campaign::{
    Campaign, CampaignGranted, Listed, NewCampaign, NewRecipient, Recipient, Visit,
};
use huzhu_store::{MemberFilter, MemberId, OrgScope, Page, Repo};
use serde::Serialize;
use std::collections::BTreeMap;

fn scope(actor: &Actor) -> OrgScope {
    OrgScope::Under(actor.org.clone())
}

/// Campaign work is the offices' (SPEC 7.4): `SubmitClaim`, which members hold for their own
/// claims, and not a member — a member neither reads nor builds anyone's list.
fn require_office(actor: &Actor) -> Result<(), AppError> {
    crate::access::require_office(actor, "Campaigns")
}

fn campaign_not_found(id: i64) -> AppError {
    not_found(&format!("慰问活动 {id} (campaign {id})"))
}

/// 新建活动 — federation staff open a campaign of a campaign programme.
pub async fn create<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    programme_id: &str,
    window: (NaiveDate, NaiveDate),
) -> Result<Campaign, AppError> {
    require(actor, Capability::ApproveClaims)?;
    let p = match programme::builtin(programme_id.trim()) {
        Some(Ok(p)) => p,
        _ => {
            return Err(AppError::invalid(
                "programme",
                format!("未知的帮扶项目“{programme_id}” (unknown programme)"),
            ))
        }
    };
    if p.fund != FundKind::Campaign {
        return Err(AppError::invalid(
            "programme",
            format!("“{}”不是慰问活动项目 (not a campaign programme)", p.id),
        ));
    }
    if window.1 < window.0 {
        return Err(AppError::invalid(
            "window_end",
            "结束日期早于开始日期 (the window ends before it starts)".into(),
        ));
    }
    Ok(store
        .create_campaign(&NewCampaign {
            org: &actor.org,
            programme_id: &p.id,
            programme_version: &p.version,
            name: &p.name,
            cycle: &p.cycle_of(window.0),
            window_start: window.0,
            window_end: window.1,
            by: &actor.username,
            at: clock.now(),
        })
        .await?)
}

/// A campaign of the actor's city federation.
pub async fn get<S: Repo>(store: &S, actor: &Actor, id: i64) -> Result<Campaign, AppError> {
    require_office(actor)?;
    store
        .campaign(id, &scope(actor))
        .await
        .map_err(|_| campaign_not_found(id))
}

pub async fn list<S: Repo>(store: &S, actor: &Actor) -> Result<Vec<Campaign>, AppError> {
    require_office(actor)?;
    Ok(store.campaigns(&scope(actor)).await?)
}

/// The tags a campaign list is built from (SPEC 7.4), as member tags are filtered.
const LIST_TAGS: [&str; 3] = ["model_worker", "new_form", "hardship"];

fn campaign_programme(c: &Campaign) -> Result<programme::Programme, AppError> {
    match programme::builtin(&c.programme_id) {
        Some(Ok(p)) => Ok(p),
        _ => Err(campaign_not_found(c.id)),
    }
}

/// The admitted households 已建档 of `scope`, by their head: the archive side of every case.
async fn admitted_households<S: Repo>(
    store: &S,
    scope: &OrgScope,
) -> Result<BTreeMap<MemberId, Household>, AppError> {
    let mut out = BTreeMap::new();
    let mut before = None;
    loop {
        let page = store
            .households(
                scope,
                &HouseholdFilter {
                    state: Some(HouseholdState::Admitted),
                    before,
                    limit: 1000,
                    ..HouseholdFilter::default()
                },
            )
            .await?;
        let Some(last) = page.last() else { break };
        before = Some(last.id);
        out.extend(page.into_iter().map(|h| (h.head, h)));
    }
    Ok(out)
}

/// The SPEC 11 case of a member for the campaign: their tags and, when they head an admitted
/// household, its record (active, with its category), so a member qualifying several ways gets
/// the largest amount once and one gift pack whichever list names them first.
fn campaign_case(
    c: &Campaign,
    member: &huzhu_domain::member::MemberRecord,
    household: Option<&Household>,
) -> Result<Case, AppError> {
    let mut case = serde_json::json!({
        "as_of": c.window_start,
        "member": {
            "id_number": member.id_number.as_str(),
            "status": member.status.code(),
            "tags": member.tags.iter().map(case_tag).collect::<Vec<_>>(),
        },
    });
    if let (Some(h), Some(o)) = (household, case.as_object_mut()) {
        if let Some(category) = &h.category {
            o.insert(
                "archive".into(),
                serde_json::json!({"category": category, "active": true, "since": h.admitted_on}),
            );
        }
    }
    Case::from_json(&case.to_string()).map_err(|e| AppError::invalid(&e.field, e.problem))
}

/// The list entry the engine's answer makes, or the refusals when it grants nothing.
fn entry_of(
    p: &programme::Programme,
    case: &Case,
    member: MemberId,
    basis: &str,
) -> Result<NewRecipient, Vec<Refusal>> {
    let a = match programme::assess(p, case) {
        Ok(a) => a,
        Err(e) => {
            return Err(vec![Refusal {
                reason: "missing_fact".into(),
                clause: p.id.clone(),
                explain: e.to_string(),
            }])
        }
    };
    let gift = a.gift_packs.unwrap_or(0) > 0;
    if !a.eligible || (a.amount_fen == 0 && !gift) {
        return Err(a.refusals);
    }
    Ok(NewRecipient {
        member,
        basis: basis.into(),
        reason: a
            .lines
            .iter()
            .map(|l| format!("{} {}", l.clause, l.explain))
            .collect::<Vec<_>>()
            .join("; "),
        cash: Money::from_fen(a.amount_fen),
        gift_pack: gift,
    })
}

/// 按标签生成名单 — lists the members of the actor's subtree whom the campaign's programme grants
/// something for their tags: each decided by the engine once, with all their tags and their
/// household's archive record.
pub async fn list_from_tags<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
) -> Result<Listed, AppError> {
    require_office(actor)?;
    let c = get(store, actor, id).await?;
    let p = campaign_programme(&c)?;
    let archive = admitted_households(store, &scope(actor)).await?;
    let mut seen = std::collections::BTreeSet::new();
    let mut entries = Vec::new();
    for tag in LIST_TAGS {
        let mut after = None;
        loop {
            let page = store
                .search_members(
                    &actor.org,
                    &MemberFilter {
                        tag: Some(tag.into()),
                        ..Default::default()
                    },
                    Page { after, limit: 1000 },
                )
                .await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            for m in page {
                if !seen.insert(m.id) {
                    continue;
                }
                let Ok(case) = campaign_case(&c, &m.record, archive.get(&m.id)) else {
                    continue;
                };
                if let Ok(e) = entry_of(&p, &case, m.id, "tag") {
                    entries.push(e);
                }
            }
        }
    }
    Ok(store
        .list_recipients(
            id,
            &scope(actor),
            &actor.org,
            &entries,
            &actor.username,
            clock.now(),
        )
        .await?)
}

/// An admitted household whose head the campaign's programme grants nothing, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotEligible {
    pub member: MemberId,
    pub household: i64,
    /// The engine's refusals (`category_not_covered`, `outside_window`, …) with their clauses.
    pub refusals: Vec<Refusal>,
}

/// What listing from the archive did: the listing (added, listed already naming the first
/// listing's org) and the households the programme grants nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ArchiveListed {
    pub listed: Listed,
    pub not_eligible: Vec<NotEligible>,
}

/// 按档案生成名单 — lists the head of every admitted household of the actor's subtree whom the
/// campaign's programme grants something (SPEC 7.4: by category; issue 15), decided by the engine
/// from the archive record and the head's tags, so the amount comes from the rule with its
/// clause. The list is written in one transaction; a member listed already (from tags, by hand,
/// by another org) is not listed twice and the answer names the first listing's org.
pub async fn list_from_archive<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
) -> Result<ArchiveListed, AppError> {
    require_office(actor)?;
    let c = get(store, actor, id).await?;
    let p = campaign_programme(&c)?;
    let archive = admitted_households(store, &scope(actor)).await?;
    let mut entries = Vec::new();
    let mut not_eligible = Vec::new();
    // The heads in one read (per 1,000), not one read each.
    let ids: Vec<MemberId> = archive.keys().copied().collect();
    let heads: BTreeMap<MemberId, huzhu_store::StoredMember> = store
        .members(&ids)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    for (member, h) in &archive {
        let head = heads
            .get(member)
            .ok_or_else(|| not_found(&format!("会员 {} (member {})", member.0, member.0)))?;
        let case = campaign_case(&c, &head.record, Some(h))?;
        match entry_of(&p, &case, *member, "archive") {
            Ok(e) => entries.push(e),
            Err(refusals) => not_eligible.push(NotEligible {
                member: *member,
                household: h.id,
                refusals,
            }),
        }
    }
    let listed = store
        .list_recipients(
            id,
            &scope(actor),
            &actor.org,
            &entries,
            &actor.username,
            clock.now(),
        )
        .await?;
    Ok(ArchiveListed {
        listed,
        not_eligible,
    })
}

/// A member an officer adds to a campaign's list by hand.
#[derive(Debug, Clone, Copy)]
pub struct ByHand<'a> {
    pub member: MemberId,
    /// Why (required).
    pub reason: &'a str,
    pub cash: Money,
    pub gift_pack: bool,
}

/// 手工添加 — a member added by hand, with the reason, the cash amount and whether a gift pack.
pub async fn add_by_hand<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    added: ByHand<'_>,
) -> Result<Listed, AppError> {
    let ByHand {
        member,
        reason,
        cash,
        gift_pack,
    } = added;
    require_office(actor)?;
    get(store, actor, id).await?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid(
            "reason",
            "手工添加须写明理由 (adding by hand needs a reason)".into(),
        ));
    }
    // The largest amount the reference campaign pays anyone [assumed]: a typo of a zero more is
    // refused rather than paid.
    if cash.fen() < 0 || cash > Money::from_yuan(2_000) {
        return Err(AppError::invalid(
            "cash_fen",
            "慰问金须在 0 至 2,000 元之间 (cash between 0 and 2,000 yuan)".into(),
        ));
    }
    let listed = store
        .list_recipients(
            id,
            &scope(actor),
            &actor.org,
            &[NewRecipient {
                member,
                basis: "manual".into(),
                reason: reason.to_string(),
                cash,
                gift_pack,
            }],
            &actor.username,
            clock.now(),
        )
        .await?;
    if !listed.not_found.is_empty() {
        return Err(not_found(&format!(
            "会员 {} (member {})",
            member.0, member.0
        )));
    }
    Ok(listed)
}

/// The campaign's recipients in the actor's subtree.
pub async fn recipients<S: Repo>(
    store: &S,
    actor: &Actor,
    id: i64,
    after: i64,
    limit: u32,
) -> Result<Vec<Recipient>, AppError> {
    get(store, actor, id).await?;
    Ok(store
        .recipients(id, &scope(actor), after, limit.clamp(1, 1000))
        .await?)
}

/// 走访 — records the visit of a recipient in the actor's subtree.
pub async fn record_visit<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    recipient: i64,
    date: NaiveDate,
    visitor: &str,
) -> Result<Recipient, AppError> {
    require_office(actor)?;
    let visitor = visitor.trim();
    if visitor.is_empty() {
        return Err(AppError::invalid(
            "visitor",
            "须写明走访人 (name who visited)".into(),
        ));
    }
    if date > clock.today() {
        return Err(AppError::invalid(
            "date",
            format!("走访日期 {date} 晚于今天 (the visit date {date} is in the future)"),
        ));
    }
    Ok(store
        .record_visit(
            recipient,
            &scope(actor),
            &Visit {
                date,
                visitor,
                photo_sha256: None,
            },
            &actor.username,
            clock.now(),
        )
        .await?)
}

/// 慰问品发放 — the recipient's gift pack handed out.
pub async fn hand_gift<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    recipient: i64,
) -> Result<Recipient, AppError> {
    require_office(actor)?;
    Ok(store
        .hand_gift(recipient, &scope(actor), &actor.username, clock.now())
        .await?)
}

/// 发放慰问金 — grants the cash of every recipient of the actor's subtree not granted yet, from
/// the campaign fund; the grants go into the next payout batch.
pub async fn grant<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
) -> Result<CampaignGranted, AppError> {
    require(actor, Capability::ApproveClaims)?;
    get(store, actor, id).await?;
    Ok(store
        .grant_campaign(
            id,
            &scope(actor),
            FundKind::Campaign,
            &actor.username,
            clock.now(),
        )
        .await?)
}

/// The member a form names by ID number, in the actor's subtree (else not found).
pub async fn member_by_id_number<S: Repo>(
    store: &S,
    actor: &Actor,
    id_number: &str,
) -> Result<MemberId, AppError> {
    require_office(actor)?;
    crate::access::member_by_id_number(store, actor, id_number).await
}

/// What granting the cash would do, shown before confirming: the recipients of the actor's
/// subtree with cash and no grant yet, their total, and what the campaign fund holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GrantPreview {
    pub due: u64,
    pub total: Money,
    pub fund_balance: Money,
}

pub async fn grant_preview<S: Repo>(
    store: &S,
    actor: &Actor,
    id: i64,
) -> Result<GrantPreview, AppError> {
    require(actor, Capability::ApproveClaims)?;
    get(store, actor, id).await?;
    let (mut due, mut total, mut after) = (0u64, 0i64, 0i64);
    loop {
        let page = store.recipients(id, &scope(actor), after, 1000).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for r in page
            .iter()
            .filter(|r| r.grant.is_none() && r.cash.fen() > 0)
        {
            due += 1;
            total += r.cash.fen();
        }
    }
    let fund_balance = store
        .fund_balances(&actor.org)
        .await?
        .into_iter()
        .find(|f| f.fund == FundKind::Campaign)
        .map(|f| f.balance)
        .unwrap_or(Money::ZERO);
    Ok(GrantPreview {
        due,
        total: Money::from_fen(total),
        fund_balance,
    })
}
