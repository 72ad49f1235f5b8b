//! 抽查规则 — the rule choosing which computed claims go to expert review. It belongs to an org:
//! a city federation's rule, optionally overridden by an org below it; a claim follows the rule
//! of the nearest org at or above its unit. Only the org's own staff change it (issue 14).

use crate::api::{route, ApiJson, ApiQuery};
use crate::auth::Authenticated;
use crate::error::ErrorBody;
use crate::{org_code, ApiError, AppState};
use axum::extract::State;
use axum::Json;
use huzhu_app::access::require;
use huzhu_app::review::{self, ReviewRuleView, RuleInForce};
use huzhu_app::AppError;
use huzhu_app::Backend;
use huzhu_domain::access::Capability;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes<S: Backend>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::new()
        .routes(route!(show::<S>))
        .routes(route!(set::<S>))
        .routes(route!(remove::<S>))
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
    #[schema(minimum = 0)]
    pub amount_threshold_fen: Option<i64>,
    /// Changes the random sample: 0 to 2^63 − 1 (a signed 64-bit integer's range, which every
    /// client can write).
    #[schema(minimum = 0, maximum = 9_223_372_036_854_775_807_i64)]
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

/// 抽查规则（生效中） — the rule in force at an org and where it was set.
#[derive(Serialize, ToSchema)]
pub struct ReviewRuleAt {
    /// 组织代码 — the org asked about.
    pub org: String,
    /// The org at or above `org` whose rule this is; null when none set one and the default
    /// (every flagged claim) applies.
    pub set_at: Option<String>,
    pub rule: ReviewRule,
}

impl ReviewRuleAt {
    fn of(r: RuleInForce) -> ReviewRuleAt {
        let RuleInForce { org, rule, set_at } = r;
        ReviewRuleAt {
            org: org.to_string(),
            set_at: set_at.map(|o| o.to_string()),
            rule: ReviewRule::of(ReviewRuleView::from(rule)),
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct RuleQuery {
    /// 组织代码 — the org whose rule is read or set; the actor's own org when absent.
    #[param(example = "HZ", pattern = "^[A-Za-z0-9-]{1,32}$")]
    org: Option<String>,
}

/// Who may read the rule: those who set it, handle the claims it selects, or audit. Its seed
/// predicts the random sample, so it is not for everyone.
fn may_read(actor: &huzhu_domain::access::Actor) -> Result<(), AppError> {
    require(actor, Capability::ConfigureReview)
        .or_else(|_| require(actor, Capability::HandleClaims))
        .or_else(|_| require(actor, Capability::ReadAudit))
}

/// 抽查规则 — the rule in force at an org.
#[utoipa::path(
    get,
    path = "/api/v1/review-rule",
    tag = "claims",
    params(RuleQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the rule in force and the org that set it", body = ReviewRuleAt),
        (status = BAD_REQUEST, description = "bad `org`", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read the rule", body = ErrorBody),
        (status = NOT_FOUND, description = "no organisation `org` in the actor's subtree", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn show<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<RuleQuery>,
) -> Result<Json<ReviewRuleAt>, ApiError> {
    may_read(&actor)?;
    let org = q.org.as_deref().map(|c| org_code("org", c)).transpose()?;
    let rule = review::rule_for_actor(&state.store, &actor, org.as_ref()).await?;
    Ok(Json(ReviewRuleAt::of(rule)))
}

/// 设置抽查规则 — set the org's own rule (recorded in the audit log with the rule it replaces).
/// Only the org's own accounts that configure review may: an org below the actor's answers 403.
#[utoipa::path(
    put,
    path = "/api/v1/review-rule",
    tag = "claims",
    params(RuleQuery),
    request_body = ReviewRule,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the rule now in force at the org", body = ReviewRuleAt),
        (status = BAD_REQUEST, description = "malformed body, share or threshold out of range, bad `org`", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not set rules, or `org` is not the actor's own org", body = ErrorBody),
        (status = NOT_FOUND, description = "no organisation `org` in the actor's subtree", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn set<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<RuleQuery>,
    ApiJson(req): ApiJson<ReviewRule>,
) -> Result<Json<ReviewRuleAt>, ApiError> {
    let org = q.org.as_deref().map(|c| org_code("org", c)).transpose()?;
    let ReviewRule {
        all_flagged,
        random_share_bp,
        amount_threshold_fen,
        seed,
    } = req;
    if i64::try_from(seed).is_err() {
        return Err(ApiError::invalid(
            "seed",
            format!(
                "随机种子应在0到{}之间 (seed must be 0..={})",
                i64::MAX,
                i64::MAX
            ),
        ));
    }
    let rule = ReviewRuleView {
        all_flagged,
        random_share_bp,
        amount_threshold_fen,
        seed,
    };
    let set = review::set_rule(
        &state.store,
        state.clock.as_ref(),
        &actor,
        org.as_ref(),
        Some(rule),
    )
    .await?;
    Ok(Json(ReviewRuleAt::of(set)))
}

/// 取消本级抽查规则 — remove the org's own rule, so that the rule above it applies again
/// (recorded in the audit log).
#[utoipa::path(
    delete,
    path = "/api/v1/review-rule",
    tag = "claims",
    params(RuleQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the rule now in force at the org", body = ReviewRuleAt),
        (status = BAD_REQUEST, description = "bad `org`", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not set rules, or `org` is not the actor's own org", body = ErrorBody),
        (status = NOT_FOUND, description = "no organisation `org` in the actor's subtree", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn remove<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<RuleQuery>,
) -> Result<Json<ReviewRuleAt>, ApiError> {
    let org = q.org.as_deref().map(|c| org_code("org", c)).transpose()?;
    let set = review::set_rule(
        &state.store,
        state.clock.as_ref(),
        &actor,
        org.as_ref(),
        None,
    )
    .await?;
    Ok(Json(ReviewRuleAt::of(set)))
}
