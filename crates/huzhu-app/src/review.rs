//! Choosing claims for expert review (SPEC 5; issue 5: "the federation chooses which claims go to
//! review by rule — all flagged, a random share, amounts above a threshold"). The rule belongs to
//! an org — a city federation's, optionally overridden below it — and only that org's own staff
//! or administrator change it (issue 14); the norms per diagnosis are the
//! stored claims of the cycle, recomputed at most every [`NORMS_MAX_AGE_MINUTES`] minutes.

use crate::access::{ensure_org_in_scope, org_chain, require};
use crate::{AppError, Clock};
use chrono::{DateTime, TimeDelta, Utc};
use huzhu_domain::access::{Actor, Capability};
use huzhu_domain::money::Money;
use huzhu_domain::org::OrgCode;
use huzhu_domain::review::{NormRule, Norms, ReviewRule};
use huzhu_domain::scenario::Claim;
use huzhu_domain::workflow::ClaimState;
use huzhu_store::money::ClaimId;
use huzhu_store::Repo;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

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

/// The setting that holds an org's own rule. The rule belongs to an org (SPEC 5: "the federation
/// chooses"): a city federation's rule, optionally overridden by a district or street below it.
/// The single global `review.rule` of earlier versions is not read: anyone with the capability in
/// any city could set it for every city (issue 14); a city sets its own again.
fn rule_key(org: &OrgCode) -> String {
    format!("review.rule.{org}")
}

/// The rule that applies at an org, and the org whose setting it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInForce {
    /// The org asked about.
    pub org: OrgCode,
    pub rule: ReviewRule,
    /// The nearest org at or above `org` that set a rule; `None` when none did and the default
    /// (every flagged claim) applies.
    pub set_at: Option<OrgCode>,
}

/// The rule in force at `org` (a claim's unit, or any org): the nearest org at or above it that
/// set one, else the default — every flagged claim.
pub async fn rule_at<S: Repo>(store: &S, org: &OrgCode) -> Result<RuleInForce, AppError> {
    let chain = org_chain(store, org).await?;
    for above in chain.iter().rev() {
        if let Some(text) = store.setting(&rule_key(&above.code)).await? {
            // A stored rule that no longer parses is a corrupt setting, said as such rather than
            // silently replaced by the default.
            let view: ReviewRuleView = serde_json::from_str(&text).map_err(|e| {
                AppError::Store(huzhu_store::StoreError::Corrupt(format!(
                    "review rule of {}: {e}",
                    above.code
                )))
            })?;
            return Ok(RuleInForce {
                org: org.clone(),
                rule: view.into(),
                set_at: Some(above.code.clone()),
            });
        }
    }
    Ok(RuleInForce {
        org: org.clone(),
        rule: ReviewRule::default(),
        set_at: None,
    })
}

/// The rule in force at `org` (default: the actor's own org), which must be in the actor's
/// subtree.
pub async fn rule_for_actor<S: Repo>(
    store: &S,
    actor: &Actor,
    org: Option<&OrgCode>,
) -> Result<RuleInForce, AppError> {
    let org = org.unwrap_or(&actor.org);
    ensure_org_in_scope(store, actor, org).await?;
    rule_at(store, org).await
}

/// Sets (`Some`) or removes (`None`, falling back to the rule above) the rule of `org` (default:
/// the actor's own org). Only that org's own accounts holding `ConfigureReview` change it: an org
/// in the actor's subtree but not the actor's own answers 403, one outside it 404. The change and
/// the rule it replaced are written to the audit log in the same transaction.
pub async fn set_rule<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    org: Option<&OrgCode>,
    rule: Option<ReviewRuleView>,
) -> Result<RuleInForce, AppError> {
    require(actor, Capability::ConfigureReview)?;
    let org = org.unwrap_or(&actor.org);
    ensure_org_in_scope(store, actor, org).await?;
    if org != &actor.org {
        return Err(AppError::Forbidden {
            capability: format!(
                "ConfigureReview：抽查规则只能由{org}本级的管理人员修改 (only {org}'s own \
                 administrators change its review rule)"
            ),
        });
    }
    if let Some(rule) = &rule {
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
    }
    let text = rule
        .map(|r| serde_json::to_string(&r))
        .transpose()
        .map_err(|e| AppError::invalid("rule", e.to_string()))?;
    let (action, subject) = match &text {
        Some(_) => ("review.rule", format!("抽查规则 review rule of {org}")),
        None => (
            "review.rule.removed",
            format!("抽查规则 review rule of {org} removed (the rule above applies)"),
        ),
    };
    // The store appends the rule this one replaces, read in the same transaction.
    let entry = huzhu_store::AuditEntry {
        at: clock.now(),
        actor: actor.username.clone(),
        action: action.into(),
        subject,
        detail: format!("new: {}", text.as_deref().unwrap_or("(none)")),
        org: Some(org.clone()),
    };
    store
        .change_setting(&rule_key(org), text.as_deref(), &entry)
        .await?;
    rule_at(store, org).await
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
