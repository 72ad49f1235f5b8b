//! 抽查规则 — the federation's rule choosing which computed claims go to expert review.

use crate::api::{route, ApiJson};
use crate::auth::Authenticated;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::Json;
use huzhu_app::access::require;
use huzhu_app::review::{self, ReviewRuleView};
use huzhu_app::AppError;
use huzhu_domain::access::Capability;
use huzhu_store::Repo;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes<S: Repo>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::new()
        .routes(route!(show::<S>))
        .routes(route!(set::<S>))
}

/// 抽查规则 — which claims go to expert review: every flagged one, a random share, those at or
/// above an amount.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRule {
    /// Every flagged claim goes to review.
    pub all_flagged: bool,
    /// A random share of all claims, in basis points (100 = 1%).
    #[schema(minimum = 0, maximum = 10000)]
    pub random_share_bp: u32,
    /// Claims whose payable amount is at or above this many fen; null for none.
    pub amount_threshold_fen: Option<i64>,
    /// Changes the random sample.
    pub seed: u64,
}

impl ReviewRule {
    fn of(r: ReviewRuleView) -> ReviewRule {
        let ReviewRuleView {
            all_flagged,
            random_share_bp,
            amount_threshold_fen,
            seed,
        } = r;
        ReviewRule {
            all_flagged,
            random_share_bp,
            amount_threshold_fen,
            seed,
        }
    }
}

/// Who may read the rule: those who set it, handle the claims it selects, or audit. Its seed
/// predicts the random sample, so it is not for everyone.
fn may_read(actor: &huzhu_domain::access::Actor) -> Result<(), AppError> {
    require(actor, Capability::ConfigureReview)
        .or_else(|_| require(actor, Capability::HandleClaims))
        .or_else(|_| require(actor, Capability::ReadAudit))
}

/// 抽查规则 — the rule in force.
#[utoipa::path(
    get,
    path = "/api/v1/review-rule",
    tag = "claims",
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the rule", body = ReviewRule),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read the rule", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn show<S: Repo>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
) -> Result<Json<ReviewRule>, ApiError> {
    may_read(&actor)?;
    let rule = review::rule(&state.store).await?;
    Ok(Json(ReviewRule::of(ReviewRuleView::from(rule))))
}

/// 设置抽查规则 — replace the rule (recorded in the audit log).
#[utoipa::path(
    put,
    path = "/api/v1/review-rule",
    tag = "claims",
    request_body = ReviewRule,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the rule now in force", body = ReviewRule),
        (status = BAD_REQUEST, description = "malformed body, share or threshold out of range", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not set the rule", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn set<S: Repo>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiJson(req): ApiJson<ReviewRule>,
) -> Result<Json<ReviewRule>, ApiError> {
    let ReviewRule {
        all_flagged,
        random_share_bp,
        amount_threshold_fen,
        seed,
    } = req;
    let rule = ReviewRuleView {
        all_flagged,
        random_share_bp,
        amount_threshold_fen,
        seed,
    };
    let set = review::set_rule(&state.store, state.clock.as_ref(), &actor, rule).await?;
    Ok(Json(ReviewRule::of(set)))
}
