//! 待决事项 — the use cases' half of the pending-decision pattern (ARCHITECTURE.md;
//! [`huzhu_domain::decision`]): the reason a decision carries, checked before the store is asked,
//! and the part of every pending-decision view that is the decision. Bank account changes and
//! transfers use both; the store checks the second person in the deciding transaction.

use crate::AppError;
use chrono::{DateTime, Utc};
use huzhu_domain::decision::{self, Decision};
use serde::Serialize;
use utoipa::ToSchema;

/// The reason a `decision` keeps: none for a confirmation; for a refusal, `raw` trimmed, not
/// empty and at most [`decision::REASON_MAX`] characters, else invalid (`reason`).
pub fn reason(decision: Decision, raw: Option<&str>) -> Result<Option<String>, AppError> {
    match decision {
        Decision::Confirm => Ok(None),
        Decision::Refuse => decision::reason(raw.unwrap_or_default())
            .map(Some)
            .map_err(|e| AppError::invalid("reason", e.to_string())),
    }
}

/// 处理结果 — where a proposal stands and who decided it, when and why (flattened into the
/// view of what was proposed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DecisionView {
    /// `pending`, `confirmed` or `refused` (a bank account change says `rejected`, or
    /// `superseded` when a newer proposal replaced it).
    pub status: String,
    /// Who confirmed or refused it.
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// Why it was refused.
    pub decision_reason: Option<String>,
}

impl DecisionView {
    pub fn of(
        status: &str,
        decided_by: Option<&str>,
        decided_at: Option<DateTime<Utc>>,
        decision_reason: Option<&str>,
    ) -> DecisionView {
        DecisionView {
            status: status.to_string(),
            decided_by: decided_by.map(str::to_string),
            decided_at,
            decision_reason: decision_reason.map(str::to_string),
        }
    }

    /// Still waiting for the second person.
    pub fn is_pending(&self) -> bool {
        self.status == decision::DecisionState::Pending.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_without_a_reason_is_invalid_and_a_confirmation_keeps_none() {
        assert!(matches!(
            reason(Decision::Refuse, None),
            Err(AppError::Invalid { .. })
        ));
        assert!(matches!(
            reason(Decision::Refuse, Some("  ")),
            Err(AppError::Invalid { .. })
        ));
        assert_eq!(
            reason(Decision::Refuse, Some(" 查无此人 ")).unwrap(),
            Some("查无此人".to_string())
        );
        assert_eq!(reason(Decision::Confirm, Some("x")).unwrap(), None);
    }
}
