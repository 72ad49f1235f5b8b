//! 工作台: the work queues by role — the window (submitted, returned awaiting resubmission),
//! computation and review, the medical reviewer's expert review, approval at the actor's level,
//! and finance's approved claims awaiting a payout batch. Each row links to the claim.

use super::claims::kind_label;
use super::{finish, page, Console, Ctx, PageResult};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use huzhu_app::claims::{self, ClaimQuery, ClaimSummary};
use huzhu_app::model::ClaimId;
use huzhu_app::policies;
use huzhu_app::Backend;
use huzhu_domain::access::Capability;
use huzhu_domain::org::OrgLevel;
use huzhu_domain::workflow::ClaimState;
use std::collections::HashMap;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new().route("/queues", get(index::<S>))
}

/// Rows shown per queue; the rest is one click away in the claim list.
const QUEUE_ROWS: u32 = 50;

/// A claim in a queue.
pub struct QueueRow {
    pub s: ClaimSummary,
    pub kind: String,
    /// Review flags in words.
    pub flags: Vec<String>,
    pub review_reason: Option<String>,
    /// The level that must approve it (approval queue only).
    pub level: Option<OrgLevel>,
}

/// One queue.
pub struct Section {
    pub id: &'static str,
    pub title: String,
    pub note: String,
    pub rows: Vec<QueueRow>,
    /// How many claims are in the queue in all (共 N 条), whatever is shown.
    pub total: u64,
    /// The claim list with the queue's states, for more rows.
    pub more: String,
    pub full: bool,
    /// Claims of the queue the actor's level may not take (approval).
    pub held_above: usize,
    pub link: Option<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "queues/index.html")]
struct QueuesPage<'a> {
    c: &'a Ctx,
    sections: Vec<Section>,
}

pub async fn index<S: Backend>(State(state): State<AppState<S>>, Console(c): Console) -> Response {
    let r = queues_page(&state, &c).await;
    finish(&c, r)
}

fn flag_words(c: &Ctx, codes: &[String]) -> Vec<String> {
    use huzhu_domain::review::ReviewFlag as F;
    let all = [
        F::DuplicateInvoice,
        F::OverlappingStay,
        F::AboveNorm,
        F::WaitingPeriod,
    ];
    codes
        .iter()
        .map(|code| {
            all.iter()
                .find(|f| f.code() == code)
                .map(|f| c.t(f.label_zh(), f.label_en()).to_string())
                .unwrap_or_else(|| code.clone())
        })
        .collect()
}

async fn queues_page<S: Backend>(state: &AppState<S>, c: &Ctx) -> PageResult {
    let actor = c.actor()?;
    let mut wanted: Vec<(&'static str, String, String, Vec<ClaimState>)> = Vec::new();
    if actor.can(Capability::HandleClaims) {
        wanted.push((
            "window",
            c.t("窗口受理", "At the window").into(),
            c.t(
                "已提交、待受理的申请：材料齐全则受理（随即核算），不全则退回补件。",
                "Submitted claims: accept them when the documents are complete (they are computed at once), or return them naming what is missing.",
            )
            .into(),
            vec![ClaimState::Submitted],
        ));
        wanted.push((
            "returned",
            c.t("退回待补件", "Returned, awaiting documents").into(),
            c.t(
                "已退回的申请，等待申请人补交材料后重新提交。",
                "Returned claims waiting for the claimant to add the documents and resubmit.",
            )
            .into(),
            vec![ClaimState::Returned],
        ));
        wanted.push((
            "review",
            c.t("核算与审核", "Compute and review").into(),
            c.t(
                "已受理、已核算或申诉中的申请：核对核算结果后审核，或送专家审核；申诉的申请可重新受理。",
                "Accepted, computed or appealed claims: check the computation and mark it reviewed or send it to expert review; reopen appealed ones.",
            )
            .into(),
            vec![
                ClaimState::Accepted,
                ClaimState::Computed,
                ClaimState::Appealed,
            ],
        ));
    }
    if actor.can(Capability::ExpertReview) {
        wanted.push((
            "expert",
            c.t("专家审核", "Expert review").into(),
            c.t(
                "送医疗顾问审核的申请，附审核标记和送审理由：同意、不同意（须写理由）或要求补充材料。",
                "Claims sent to the medical reviewer, with their flags and the reason they were sent: agree, disagree (with reasons) or ask for documents.",
            )
            .into(),
            vec![ClaimState::ExpertReview],
        ));
    }
    if actor.can(Capability::ApproveClaims) {
        wanted.push((
            "approve",
            c.t("待审批", "To approve").into(),
            c.t(
                "已审核、本级可以审批的申请（按政策各项目的审批层级）。专家意见为不同意的，不能审批：可不予补助或再送专家审核。",
                "Reviewed claims your level may approve (by each policy item's approval level). One the expert disagreed with cannot be approved: reject it or ask another expert.",
            )
            .into(),
            vec![ClaimState::Reviewed],
        ));
    }
    if actor.can(Capability::ManagePayouts) {
        wanted.push((
            "finance",
            c.t("待支付", "Approved, awaiting payout").into(),
            c.t(
                "已审批、等待编入支付批次的申请。",
                "Approved claims waiting for a payout batch.",
            )
            .into(),
            vec![ClaimState::Approved],
        ));
    }
    let mut sections = Vec::new();
    let mut policy_cache = HashMap::new();
    for (id, title, note, states) in wanted {
        let query = ClaimQuery {
            states: states.clone(),
            limit: QUEUE_ROWS,
            ..ClaimQuery::default()
        };
        let rows = claims::list_claims(&state.store, state.clock.as_ref(), actor, &query).await?;
        let total = huzhu_app::claim_list::count_claims(&state.store, actor, &query).await?;
        let full = rows.len() == QUEUE_ROWS as usize;
        let mut shown = Vec::with_capacity(rows.len());
        let mut held_above = 0;
        for s in rows {
            let level = if id == "approve" {
                let policy = match policy_cache.get(&s.policy) {
                    Some(p) => std::sync::Arc::clone(p),
                    None => {
                        let p =
                            policies::policy(&state.store, state.clock.as_ref(), &s.policy).await?;
                        policy_cache.insert(s.policy.clone(), std::sync::Arc::clone(&p));
                        p
                    }
                };
                let stored = claims::visible_claim(&state.store, actor, ClaimId(s.id)).await?;
                let decided = claims::decide(&state.store, &policy, &stored).await?;
                let level = claims::required_level(&policy, &decided.decision);
                if !actor.is_at_or_above(level) {
                    held_above += 1;
                    continue;
                }
                Some(level)
            } else {
                None
            };
            shown.push(QueueRow {
                kind: kind_label(c, &s.kind).to_string(),
                flags: flag_words(c, &s.flags),
                review_reason: s
                    .review_reason
                    .as_deref()
                    .map(|r| super::claims::pick(c, r)),
                level,
                s,
            });
        }
        let more = format!(
            "/claims?state={}",
            states
                .iter()
                .map(|s| s.code())
                .collect::<Vec<_>>()
                .join(",")
        );
        sections.push(Section {
            id,
            title,
            note,
            rows: shown,
            total,
            more,
            full,
            held_above,
            link: (id == "finance").then(|| ("/payouts", c.t("支付批次", "Payout batches").into())),
        });
    }
    page(&QueuesPage { c, sections })
}
