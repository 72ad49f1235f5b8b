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
use huzhu_domain::grant::{case_tag, FundKind};
use huzhu_domain::money::Money;
use huzhu_domain::programme::{self, Case};
use huzhu_store::campaign::{
    Campaign, CampaignGranted, Listed, NewCampaign, NewRecipient, Recipient, Visit,
};
use huzhu_store::{MemberFilter, MemberId, OrgScope, Page, Repo};

fn scope(actor: &Actor) -> OrgScope {
    OrgScope::Under(actor.org.clone())
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
    require(actor, Capability::SubmitClaim)?;
    store
        .campaign(id, &scope(actor))
        .await
        .map_err(|_| campaign_not_found(id))
}

pub async fn list<S: Repo>(store: &S, actor: &Actor) -> Result<Vec<Campaign>, AppError> {
    require(actor, Capability::SubmitClaim)?;
    Ok(store.campaigns(&scope(actor)).await?)
}

/// The tags a campaign list is built from (SPEC 7.4), as member tags are filtered.
const LIST_TAGS: [&str; 3] = ["model_worker", "new_form", "hardship"];

/// 按标签生成名单 — lists the members of the actor's subtree whom the campaign's programme grants
/// something for their tags: each decided by the engine once, with all their tags.
pub async fn list_from_tags<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
) -> Result<Listed, AppError> {
    require(actor, Capability::SubmitClaim)?;
    let c = get(store, actor, id).await?;
    let p = match programme::builtin(&c.programme_id) {
        Some(Ok(p)) => p,
        _ => return Err(campaign_not_found(id)),
    };
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
                let r = &m.record;
                let case = serde_json::json!({
                    "as_of": c.window_start,
                    "member": {
                        "id_number": r.id_number.as_str(),
                        "status": r.status.code(),
                        "tags": r.tags.iter().map(case_tag).collect::<Vec<_>>(),
                    },
                });
                let Ok(case) = Case::from_json(&case.to_string()) else {
                    continue;
                };
                let Ok(a) = programme::assess(&p, &case) else {
                    continue;
                };
                let gift = a.gift_packs.unwrap_or(0) > 0;
                if !a.eligible || (a.amount_fen == 0 && !gift) {
                    continue;
                }
                entries.push(NewRecipient {
                    member: m.id,
                    basis: "tag".into(),
                    reason: a
                        .lines
                        .iter()
                        .map(|l| format!("{} {}", l.clause, l.explain))
                        .collect::<Vec<_>>()
                        .join("; "),
                    cash: Money::from_fen(a.amount_fen),
                    gift_pack: gift,
                });
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

/// 手工添加 — a member added by hand, with the reason, the cash amount and whether a gift pack.
pub async fn add_by_hand<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    member: MemberId,
    reason: &str,
    cash: Money,
    gift_pack: bool,
) -> Result<Listed, AppError> {
    require(actor, Capability::SubmitClaim)?;
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
    require(actor, Capability::SubmitClaim)?;
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
    require(actor, Capability::SubmitClaim)?;
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
