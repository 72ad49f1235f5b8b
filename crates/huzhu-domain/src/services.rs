//! 81890 服务目录 — the service directory (SPEC 7.6, docs/services.md): volunteer teams, the
//! services they offer, and members' requests tracked from request to completion with a
//! satisfaction score. Pure rules: the request's closed set of states and its steps, the score,
//! and the service centre's figures computed from the records.

use std::collections::{BTreeMap, BTreeSet};

/// A request's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RequestState {
    /// 已申请
    Requested,
    /// 已受理 — a team has taken it.
    Accepted,
    /// 已完成
    Completed,
    /// 已取消 — with a reason.
    Cancelled,
}

impl RequestState {
    pub const ALL: [RequestState; 4] = [
        RequestState::Requested,
        RequestState::Accepted,
        RequestState::Completed,
        RequestState::Cancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RequestState::Requested => "requested",
            RequestState::Accepted => "accepted",
            RequestState::Completed => "completed",
            RequestState::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Option<RequestState> {
        RequestState::ALL.into_iter().find(|s| s.code() == raw)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            RequestState::Requested => "已申请",
            RequestState::Accepted => "已受理",
            RequestState::Completed => "已完成",
            RequestState::Cancelled => "已取消",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            RequestState::Requested => "requested",
            RequestState::Accepted => "accepted",
            RequestState::Completed => "completed",
            RequestState::Cancelled => "cancelled",
        }
    }
}

/// A step of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestStep {
    Accept,
    Complete,
    Cancel,
    Score,
}

impl RequestStep {
    pub fn code(self) -> &'static str {
        match self {
            RequestStep::Accept => "accept",
            RequestStep::Complete => "complete",
            RequestStep::Cancel => "cancel",
            RequestStep::Score => "score",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            RequestStep::Accept => "受理",
            RequestStep::Complete => "完成",
            RequestStep::Cancel => "取消",
            RequestStep::Score => "评价",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    #[error("服务申请{}，不能{} (the request is {}: cannot {})", .state.label_zh(), .step.label_zh(), .state.label_en(), .step.code())]
    IllegalStep {
        state: RequestState,
        step: RequestStep,
    },
    #[error("已评价，不能再次评价 (the request is scored already)")]
    AlreadyScored,
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
}

/// The state a step leads to from `from` (scoring keeps `Completed`).
pub fn transition(from: RequestState, step: RequestStep) -> Result<RequestState, ServiceError> {
    use RequestState as S;
    use RequestStep as P;
    match (from, step) {
        (S::Requested, P::Accept) => Ok(S::Accepted),
        (S::Accepted, P::Complete) => Ok(S::Completed),
        (S::Requested | S::Accepted, P::Cancel) => Ok(S::Cancelled),
        (S::Completed, P::Score) => Ok(S::Completed),
        (state, step) => Err(ServiceError::IllegalStep { state, step }),
    }
}

/// A satisfaction score, 1 to 5.
pub fn score(raw: i64) -> Result<i16, ServiceError> {
    if (1..=5).contains(&raw) {
        Ok(raw as i16)
    } else {
        Err(ServiceError::Invalid {
            field: "score",
            message: "满意度评分须为 1 至 5 (score must be 1 to 5)".into(),
        })
    }
}

/// A score of this or more counts as satisfied [choice].
pub const SATISFIED_FROM: i16 = 4;

/// Checks a required text field: trimmed, 1 to `max` characters.
pub fn text(field: &'static str, raw: &str, max: usize) -> Result<String, ServiceError> {
    let t = raw.trim();
    let n = t.chars().count();
    if n == 0 || n > max {
        return Err(ServiceError::Invalid {
            field,
            message: format!("{field} 须为 1 至 {max} 个字 ({field}: 1 to {max} characters)"),
        });
    }
    Ok(t.to_string())
}

/// One request as the figures read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestFact {
    pub org: String,
    /// `YYYY-MM` of the request.
    pub month: String,
    pub member: i64,
    pub state: RequestState,
    pub score: Option<i16>,
}

/// The service centre's figures for one org and month.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    /// Requests made (受理事项).
    pub items: u64,
    pub completed: u64,
    pub cancelled: u64,
    /// Distinct members whose requests were completed (服务人数).
    pub people_served: u64,
    pub scored: u64,
    pub satisfied: u64,
}

impl Figures {
    /// Completed per 10,000 requests not cancelled (basis points) [choice].
    pub fn completion_bp(&self) -> u64 {
        let base = self.items - self.cancelled.min(self.items);
        (self.completed * 10_000).checked_div(base).unwrap_or(0)
    }

    /// Scores of 4 or 5 per 10,000 scores (basis points).
    pub fn satisfaction_bp(&self) -> u64 {
        (self.satisfied * 10_000)
            .checked_div(self.scored)
            .unwrap_or(0)
    }
}

/// The figures by (org, month), in order.
pub fn figures(facts: &[RequestFact]) -> BTreeMap<(String, String), Figures> {
    let mut out: BTreeMap<(String, String), Figures> = BTreeMap::new();
    let mut served: BTreeMap<(String, String), BTreeSet<i64>> = BTreeMap::new();
    for f in facts {
        let key = (f.org.clone(), f.month.clone());
        let e = out.entry(key.clone()).or_default();
        e.items += 1;
        match f.state {
            RequestState::Completed => {
                e.completed += 1;
                served.entry(key).or_default().insert(f.member);
            }
            RequestState::Cancelled => e.cancelled += 1,
            _ => {}
        }
        if let Some(s) = f.score {
            e.scored += 1;
            if s >= SATISFIED_FROM {
                e.satisfied += 1;
            }
        }
    }
    for (k, members) in served {
        if let Some(e) = out.get_mut(&k) {
            e.people_served = members.len() as u64;
        }
    }
    out
}

/// 85.0% — basis points in words.
pub fn percent(bp: u64) -> String {
    format!("{}.{}%", bp / 100, (bp % 100) / 10)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_request_goes_from_requested_to_completed_and_is_scored_once_completed() {
        use RequestState as S;
        use RequestStep as P;
        assert_eq!(transition(S::Requested, P::Accept), Ok(S::Accepted));
        assert_eq!(transition(S::Accepted, P::Complete), Ok(S::Completed));
        assert_eq!(transition(S::Completed, P::Score), Ok(S::Completed));
        assert!(transition(S::Requested, P::Complete).is_err());
        assert!(transition(S::Requested, P::Score).is_err());
        assert!(transition(S::Completed, P::Cancel).is_err());
        let e = transition(S::Cancelled, P::Accept).unwrap_err().to_string();
        assert!(e.contains("已取消") && e.contains("accept"), "{e}");
        assert!(score(0).is_err() && score(6).is_err() && score(5).is_ok());
    }

    #[test]
    fn figures_count_items_people_completion_and_satisfaction() {
        let f = |m: i64, state, score| RequestFact {
            org: "HZ".into(),
            month: "2026-11".into(),
            member: m,
            state,
            score,
        };
        use RequestState as S;
        let facts = [
            f(1, S::Completed, Some(5)),
            f(1, S::Completed, Some(3)),
            f(2, S::Completed, Some(4)),
            f(3, S::Accepted, None),
            f(4, S::Cancelled, None),
        ];
        let all = figures(&facts);
        let x = &all[&("HZ".to_string(), "2026-11".to_string())];
        assert_eq!(x.items, 5);
        assert_eq!(x.people_served, 2);
        // 3 completed of 4 not cancelled: 75%; 2 of 3 scores ≥ 4: 66.6%.
        assert_eq!(x.completion_bp(), 7_500);
        assert_eq!(x.satisfaction_bp(), 6_666);
        assert_eq!(percent(x.satisfaction_bp()), "66.6%");
    }
}
