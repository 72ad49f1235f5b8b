//! 待决事项 — a decision that waits for a second person (ARCHITECTURE.md, "the pending-decision
//! pattern"): a proposal is stored pending; another account confirms it, or refuses it with a
//! reason; its proposer never decides it. A bank account change and a transfer between units are
//! decided this way today; relief approvals and objections will be.
//!
//! What is decided (the member's account, the member's unit) is each module's business; who may
//! decide, what a refusal needs and what a decision records is this module's, once.

use chrono::{DateTime, Utc};
use serde::Serialize;
use thiserror::Error;

/// The longest reason kept, in characters.
pub const REASON_MAX: usize = 200;

/// What the second person decides: 确认 (confirm) or 拒绝 (refuse).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Confirm,
    Refuse,
}

impl Decision {
    /// The state a pending proposal reaches by this decision.
    pub fn state(self) -> DecisionState {
        match self {
            Decision::Confirm => DecisionState::Confirmed,
            Decision::Refuse => DecisionState::Refused,
        }
    }
}

/// Where a proposal stands: 待处理 (pending), 已确认 (confirmed) or 已拒绝 (refused).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionState {
    Pending,
    Confirmed,
    Refused,
}

impl DecisionState {
    /// The word stored and shown in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionState::Pending => "pending",
            DecisionState::Confirmed => "confirmed",
            DecisionState::Refused => "refused",
        }
    }
}

/// A decision taken: its outcome, who took it, when, and (for a refusal) why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decided {
    pub state: DecisionState,
    pub by: String,
    pub at: DateTime<Utc>,
    /// Why it was refused; `None` for a confirmation.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecisionError {
    #[error("须由提出人以外的人确认或拒绝 (it is confirmed or refused by someone other than who proposed it)")]
    Proposer,
    #[error("请填写理由 (a reason is required)")]
    ReasonRequired,
    #[error("理由过长，最多{max}个字符 (the reason is longer than {max} characters)")]
    ReasonTooLong { max: usize },
}

/// A reason as kept: trimmed, not empty, at most [`REASON_MAX`] characters.
pub fn reason(raw: &str) -> Result<String, DecisionError> {
    let r = raw.trim();
    if r.is_empty() {
        return Err(DecisionError::ReasonRequired);
    }
    if r.chars().count() > REASON_MAX {
        return Err(DecisionError::ReasonTooLong { max: REASON_MAX });
    }
    Ok(r.to_string())
}

/// `by` decides a pending proposal made by `proposer` at `at`. The proposer never decides their
/// own proposal; a refusal needs a reason ([`reason`]); a confirmation keeps none.
pub fn decide(
    by: &str,
    proposer: &str,
    decision: Decision,
    why: Option<&str>,
    at: DateTime<Utc>,
) -> Result<Decided, DecisionError> {
    if by == proposer {
        return Err(DecisionError::Proposer);
    }
    let reason = match decision {
        Decision::Confirm => None,
        Decision::Refuse => Some(reason(why.unwrap_or_default())?),
    };
    Ok(Decided {
        state: decision.state(),
        by: by.to_string(),
        at,
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
    }

    #[test]
    fn the_proposer_never_decides_their_own_proposal() {
        for d in [Decision::Confirm, Decision::Refuse] {
            assert_eq!(
                decide("la.officer", "la.officer", d, Some("不同意"), at()),
                Err(DecisionError::Proposer)
            );
        }
    }

    #[test]
    fn a_refusal_needs_a_reason_and_keeps_it_trimmed() {
        for blank in [None, Some(""), Some("   ")] {
            assert_eq!(
                decide("sc.officer", "la.officer", Decision::Refuse, blank, at()),
                Err(DecisionError::ReasonRequired)
            );
        }
        let long = "理".repeat(REASON_MAX + 1);
        assert_eq!(
            decide(
                "sc.officer",
                "la.officer",
                Decision::Refuse,
                Some(&long),
                at()
            ),
            Err(DecisionError::ReasonTooLong { max: REASON_MAX })
        );
        let done = decide(
            "sc.officer",
            "la.officer",
            Decision::Refuse,
            Some(" 查无此人 "),
            at(),
        )
        .unwrap();
        assert_eq!(
            done,
            Decided {
                state: DecisionState::Refused,
                by: "sc.officer".into(),
                at: at(),
                reason: Some("查无此人".into()),
            }
        );
        assert_eq!(done.state.as_str(), "refused");
    }

    #[test]
    fn a_confirmation_by_another_account_keeps_no_reason() {
        let done = decide(
            "sc.officer",
            "la.officer",
            Decision::Confirm,
            Some("ok"),
            at(),
        )
        .unwrap();
        assert_eq!(
            (done.state, done.by.as_str(), done.reason),
            (DecisionState::Confirmed, "sc.officer", None)
        );
        assert_eq!(DecisionState::Confirmed.as_str(), "confirmed");
        assert_eq!(DecisionState::Pending.as_str(), "pending");
    }
}
