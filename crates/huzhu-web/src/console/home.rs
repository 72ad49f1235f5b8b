//! The first page after sign-in: for a member, their cover and claims; for staff, what waits
//! for them in their subtree.

use super::{finish, page, Console, Ctx, PageResult};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use huzhu_app::claims::{list_claims, ClaimQuery, ClaimSummary};
use huzhu_app::enrolment::{coverage, Coverage};
use huzhu_app::model::MemberId;
use huzhu_app::AppError;
use huzhu_app::Backend;
use huzhu_domain::access::{Capability, Role};
use huzhu_domain::workflow::ClaimState;

/// A count shown on a card: every claim of the queue, counted (no longer "500+").
pub struct Card {
    pub label: String,
    pub count: u64,
    pub href: String,
}

impl Card {
    pub fn shown(&self) -> String {
        super::i18n::count(i64::try_from(self.count).unwrap_or(i64::MAX))
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    c: &'a Ctx,
    cards: Vec<Card>,
    cover: Option<Coverage>,
    claims: Vec<ClaimSummary>,
}

pub async fn home<S: Backend>(State(state): State<AppState<S>>, Console(c): Console) -> Response {
    let r = home_page(&state, &c).await;
    finish(&c, r)
}

async fn home_page<S: Backend>(state: &AppState<S>, c: &Ctx) -> PageResult {
    let actor = c.actor()?;
    let mut cards = Vec::new();
    let mut cover = None;
    let mut claims = Vec::new();
    if actor.role == Role::Member {
        if let Some(me) = actor.member_id {
            cover = match coverage(&state.store, state.clock.as_ref(), actor, MemberId(me)).await {
                Ok(cv) => Some(cv),
                Err(AppError::NotFound { .. }) => None,
                Err(e) => return Err(e.into()),
            };
        }
        claims = list_claims(
            &state.store,
            state.clock.as_ref(),
            actor,
            &ClaimQuery {
                limit: 20,
                ..ClaimQuery::default()
            },
        )
        .await?;
    } else {
        let queue = |zh: &str, en: &str, states: &[ClaimState]| {
            (
                c.t(zh, en).to_string(),
                states.to_vec(),
                format!(
                    "/claims?state={}",
                    states
                        .iter()
                        .map(|s| s.code())
                        .collect::<Vec<_>>()
                        .join(",")
                ),
            )
        };
        let mut wanted = Vec::new();
        if actor.can(Capability::HandleClaims) {
            wanted.push(queue(
                "待受理",
                "Waiting at the window",
                &[ClaimState::Submitted],
            ));
            wanted.push(queue(
                "待核算与审核",
                "To compute and review",
                &[
                    ClaimState::Accepted,
                    ClaimState::Computed,
                    ClaimState::Appealed,
                ],
            ));
        }
        if actor.can(Capability::ExpertReview) {
            wanted.push(queue(
                "专家审核",
                "Expert review",
                &[ClaimState::ExpertReview],
            ));
        }
        if actor.can(Capability::ApproveClaims) {
            wanted.push(queue("待审批", "To approve", &[ClaimState::Reviewed]));
        }
        if actor.can(Capability::ManagePayouts) {
            wanted.push(queue("待支付", "Approved, to pay", &[ClaimState::Approved]));
        }
        if actor.role == Role::UnitOfficer {
            wanted.push(queue(
                "退回补件",
                "Returned for documents",
                &[ClaimState::Returned],
            ));
            wanted.push(queue(
                "办理中",
                "In progress",
                &[
                    ClaimState::Submitted,
                    ClaimState::Accepted,
                    ClaimState::Computed,
                    ClaimState::Reviewed,
                    ClaimState::ExpertReview,
                ],
            ));
        }
        for (label, states, href) in wanted {
            let n = huzhu_app::claim_list::count_claims(
                &state.store,
                actor,
                &ClaimQuery {
                    states,
                    ..ClaimQuery::default()
                },
            )
            .await?;
            cards.push(Card {
                label,
                count: n,
                href,
            });
        }
    }
    page(&HomePage {
        c,
        cards,
        cover,
        claims,
    })
}
