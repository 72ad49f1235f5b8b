//! Choosing claims for expert review (SPEC 5; issue 5: "the federation chooses which claims go to
//! review by rule — all flagged, a random share, amounts above a threshold"). The rule is a
//! setting the federation staff or the administrator change; the norms per diagnosis are the
//! stored claims of the cycle, recomputed at most every [`NORMS_MAX_AGE_MINUTES`] minutes.

use crate::access::require;
use crate::{AppError, Clock};
use chrono::{DateTime, TimeDelta, Utc};
use huzhu_domain::access::{Actor, Capability};
use huzhu_domain::money::Money;
use huzhu_domain::review::{NormRule, Norms, ReviewRule};
use huzhu_domain::scenario::Claim;
use huzhu_domain::workflow::ClaimState;
use huzhu_store::money::ClaimId;
use huzhu_store::Repo;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

const RULE_SETTING: &str = "review.rule";

/// How old the cached norms of a cycle may be.
pub const NORMS_MAX_AGE_MINUTES: i64 = 10;

/// The rule as stored and as the API shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRuleView {
    /// Every flagged claim goes to review.
    pub all_flagged: bool,
    /// A random share of all claims, in basis points (100 = 1%).
    pub random_share_bp: u32,
    /// Claims whose payable amount is at or above this many fen.
    pub amount_threshold_fen: Option<i64>,
    /// Changes the random sample.
    pub seed: u64,
}

impl From<ReviewRule> for ReviewRuleView {
    fn from(r: ReviewRule) -> Self {
        ReviewRuleView {
            all_flagged: r.all_flagged,
            random_share_bp: r.random_share_bp,
            amount_threshold_fen: r.amount_threshold.map(Money::fen),
            seed: r.seed,
        }
    }
}

impl From<ReviewRuleView> for ReviewRule {
    fn from(r: ReviewRuleView) -> Self {
        ReviewRule {
            all_flagged: r.all_flagged,
            random_share_bp: r.random_share_bp,
            amount_threshold: r.amount_threshold_fen.map(Money::from_fen),
            seed: r.seed,
        }
    }
}

/// The rule in force (the default — every flagged claim — until one is set).
pub async fn rule<S: Repo>(store: &S) -> Result<ReviewRule, AppError> {
    Ok(match store.setting(RULE_SETTING).await? {
        Some(text) => serde_json::from_str::<ReviewRuleView>(&text)
            .map(Into::into)
            .unwrap_or_default(),
        None => ReviewRule::default(),
    })
}

/// Sets the rule; recorded in the audit log.
pub async fn set_rule<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    rule: ReviewRuleView,
) -> Result<ReviewRuleView, AppError> {
    require(actor, Capability::ConfigureReview)?;
    if rule.random_share_bp > 10_000 {
        return Err(AppError::invalid(
            "random_share_bp",
            "抽查比例应在0到10000（万分比）之间 (random_share_bp must be 0..=10000)".into(),
        ));
    }
    if rule.amount_threshold_fen.is_some_and(|t| t < 0) {
        return Err(AppError::invalid(
            "amount_threshold_fen",
            "金额不能为负数 (amount must not be negative)".into(),
        ));
    }
    let text =
        serde_json::to_string(&rule).map_err(|e| AppError::invalid("rule", e.to_string()))?;
    store.set_setting(RULE_SETTING, &text).await?;
    store
        .audit(&huzhu_store::AuditEntry {
            at: clock.now(),
            actor: actor.username.clone(),
            action: "review.rule".into(),
            subject: "review rule".into(),
            detail: text,
            org: Some(actor.org.clone()),
        })
        .await?;
    Ok(rule)
}

type NormCache = Mutex<HashMap<String, (DateTime<Utc>, Arc<Norms>)>>;

fn norm_cache() -> &'static NormCache {
    static CACHE: OnceLock<NormCache> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The norms of a policy cycle from its stored claims (submitted or further), cached.
pub async fn norms<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    policy: &str,
) -> Result<Arc<Norms>, AppError> {
    let now = clock.now();
    if let Ok(c) = norm_cache().lock() {
        if let Some((at, n)) = c.get(policy) {
            if now - *at < TimeDelta::minutes(NORMS_MAX_AGE_MINUTES) && *at <= now {
                return Ok(n.clone());
            }
        }
    }
    let mut claims = Vec::new();
    let mut after: Option<ClaimId> = None;
    loop {
        let page = store.claims_of_policy(policy, after, 5_000).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        for c in page {
            if matches!(
                c.fields.state,
                ClaimState::Draft | ClaimState::Returned | ClaimState::Rejected
            ) {
                continue;
            }
            if let Ok(claim) = Claim::from_json(&c.fields.body, "claim") {
                claims.push(claim);
            }
        }
    }
    let n = Arc::new(Norms::from_claims(NormRule::default(), claims.iter()));
    if let Ok(mut c) = norm_cache().lock() {
        c.insert(policy.to_string(), (now, n.clone()));
    }
    Ok(n)
}
