//! The claim workflow (SPEC section 5): draft → submitted → accepted (documents complete) or
//! returned for documents → computed → reviewed → (expert review when flagged) → approved or
//! rejected (with reason) → paid in a payout batch → (appeal).
//!
//! The transitions are a closed set: [`transition`] is the only way from one state to the next,
//! and it checks the actor's role and the guards (documents, expert review, approval level).
//! Scope — whether the actor may see this claim at all — is checked before, by the app.

use crate::access::{Capability, Role};
use crate::org::OrgLevel;
use serde::{Deserialize, Serialize};

/// Where a claim stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimState {
    /// 草稿: saved, not yet sent.
    Draft,
    /// 已提交: waiting at the window.
    Submitted,
    /// 退回补件: returned for named missing documents.
    Returned,
    /// 已受理: documents complete, accepted at the window.
    Accepted,
    /// 已核算: the engine's decision is stored.
    Computed,
    /// 已审核: reviewed by staff (or cleared by the expert).
    Reviewed,
    /// 专家审核中: sent to a medical reviewer.
    ExpertReview,
    /// 已审批: approved, waiting for a payout batch.
    Approved,
    /// 不予补助: rejected with a reason.
    Rejected,
    /// 已支付: paid in a payout batch.
    Paid,
    /// 申诉中: the member appealed the decision.
    Appealed,
}

impl ClaimState {
    pub const ALL: [ClaimState; 11] = [
        ClaimState::Draft,
        ClaimState::Submitted,
        ClaimState::Returned,
        ClaimState::Accepted,
        ClaimState::Computed,
        ClaimState::Reviewed,
        ClaimState::ExpertReview,
        ClaimState::Approved,
        ClaimState::Rejected,
        ClaimState::Paid,
        ClaimState::Appealed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ClaimState::Draft => "draft",
            ClaimState::Submitted => "submitted",
            ClaimState::Returned => "returned",
            ClaimState::Accepted => "accepted",
            ClaimState::Computed => "computed",
            ClaimState::Reviewed => "reviewed",
            ClaimState::ExpertReview => "expert_review",
            ClaimState::Approved => "approved",
            ClaimState::Rejected => "rejected",
            ClaimState::Paid => "paid",
            ClaimState::Appealed => "appealed",
        }
    }

    pub fn parse(raw: &str) -> Option<ClaimState> {
        ClaimState::ALL.into_iter().find(|s| s.code() == raw)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ClaimState::Draft => "草稿",
            ClaimState::Submitted => "已提交",
            ClaimState::Returned => "退回补件",
            ClaimState::Accepted => "已受理",
            ClaimState::Computed => "已核算",
            ClaimState::Reviewed => "已审核",
            ClaimState::ExpertReview => "专家审核中",
            ClaimState::Approved => "已审批",
            ClaimState::Rejected => "不予补助",
            ClaimState::Paid => "已支付",
            ClaimState::Appealed => "申诉中",
        }
    }

    /// Whether the decision may still change (it is recomputed on entering `Computed`).
    pub fn label_en(self) -> &'static str {
        match self {
            ClaimState::Draft => "Draft",
            ClaimState::Submitted => "Submitted",
            ClaimState::Returned => "Returned for documents",
            ClaimState::Accepted => "Accepted",
            ClaimState::Computed => "Computed",
            ClaimState::Reviewed => "Reviewed",
            ClaimState::ExpertReview => "In expert review",
            ClaimState::Approved => "Approved",
            ClaimState::Rejected => "Rejected",
            ClaimState::Paid => "Paid",
            ClaimState::Appealed => "Appealed",
        }
    }

    pub fn is_open(self) -> bool {
        !matches!(
            self,
            ClaimState::Approved | ClaimState::Rejected | ClaimState::Paid
        )
    }
}

/// What an actor does to a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Send a draft (or a returned claim with its documents added) to the window.
    Submit,
    /// The window accepts: documents are complete.
    Accept,
    /// The window returns the claim, naming the documents still missing.
    Return { missing: Vec<String> },
    /// The engine's decision is stored (done by the system right after acceptance or reopening).
    Compute,
    /// Staff have checked the decision.
    Review,
    /// Staff send the claim to a medical reviewer.
    SendToExpert { reason: String },
    /// 专家同意 — the medical reviewer agrees with the computation: the claim goes on to approval.
    ExpertClear { opinion: String },
    /// 专家不同意 — the medical reviewer advises against paying, with reasons: the claim goes back
    /// to the approver, who may refuse it (the expert's reasons shown) or ask another expert, but
    /// may not approve it on this opinion (docs/review.md).
    ExpertDisagree { reasons: String },
    /// 需补充材料 — the medical reviewer needs more documents, named: the claim is returned for
    /// them, as the window returns one.
    ExpertMoreDocuments { documents: Vec<String> },
    /// Approve the computed amounts.
    Approve,
    /// Refuse the claim, with a reason.
    Reject { reason: String },
    /// Paid in a payout batch (system, on the batch being marked paid).
    Pay,
    /// The member (or their officer) contests a rejection or a paid amount.
    Appeal { reason: String },
    /// Staff reopen an appealed claim: it is recomputed and goes through review again.
    Reopen,
}

impl Action {
    pub fn code(&self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Accept => "accept",
            Action::Return { .. } => "return",
            Action::Compute => "compute",
            Action::Review => "review",
            Action::SendToExpert { .. } => "send_to_expert",
            Action::ExpertClear { .. } => "expert_clear",
            Action::ExpertDisagree { .. } => "expert_disagree",
            Action::ExpertMoreDocuments { .. } => "expert_more_documents",
            Action::Approve => "approve",
            Action::Reject { .. } => "reject",
            Action::Pay => "pay",
            Action::Appeal { .. } => "appeal",
            Action::Reopen => "reopen",
        }
    }

    /// The capability an actor needs for this action.
    pub fn capability(&self) -> Capability {
        match self {
            Action::Submit | Action::Appeal { .. } => Capability::SubmitClaim,
            Action::Accept
            | Action::Return { .. }
            | Action::Compute
            | Action::Review
            | Action::SendToExpert { .. }
            | Action::Reopen => Capability::HandleClaims,
            Action::ExpertClear { .. }
            | Action::ExpertDisagree { .. }
            | Action::ExpertMoreDocuments { .. } => Capability::ExpertReview,
            Action::Approve | Action::Reject { .. } => Capability::ApproveClaims,
            Action::Pay => Capability::ManagePayouts,
        }
    }

    /// The reason or opinion given with the action, if any.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Action::SendToExpert { reason }
            | Action::Reject { reason }
            | Action::Appeal { reason }
            | Action::ExpertDisagree { reasons: reason } => Some(reason),
            Action::ExpertClear { opinion } => Some(opinion),
            _ => None,
        }
    }
}

/// What the guards of a transition look at, gathered by the caller from the stored claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guards {
    /// Documents the policy requires that the claim does not have yet.
    pub missing_documents: Vec<String>,
    /// The claim was selected for expert review (flagged, sampled or above the threshold).
    pub selected_for_review: bool,
    /// A medical reviewer has cleared it since it was last computed.
    pub expert_cleared: bool,
    /// The last opinion of a medical reviewer since it was last computed was 不同意 (disagree).
    pub expert_disagreed: bool,
    /// The last day an appeal may be made (the decision's date + [`APPEAL_WINDOW_DAYS`]), and
    /// today; None when the claim has no decision to appeal.
    pub appeal_window: Option<AppealWindow>,
    /// The highest level at which an item with a payable line must be approved (City is highest).
    pub approval_level: OrgLevel,
    /// The level of the acting user's organisation.
    pub actor_level: OrgLevel,
    /// The acting account created or submitted the claim: 四眼原则 (four eyes), it may not
    /// accept or approve it too.
    pub by_its_maker: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("状态为“{state_zh}”的申请不能执行“{action}” (a claim in state {state} cannot {action})", state_zh = .from.label_zh(), state = .from.code())]
    NotAllowed {
        from: ClaimState,
        action: &'static str,
    },
    #[error("角色“{role_zh}”不能执行“{action}” (role {role} may not {action})", role_zh = .role.label_zh(), role = .role.code())]
    RoleMayNot { role: Role, action: &'static str },
    #[error("材料不全，不能{action}：缺少 {} (documents missing: {})", .missing.join("、"), .missing.join(", "))]
    DocumentsMissing {
        action: &'static str,
        missing: Vec<String>,
    },
    #[error("退回补件须列明所缺材料 (a return must name the missing documents)")]
    NothingMissingNamed,
    #[error("须填写理由 (a reason is required)")]
    ReasonRequired,
    #[error("该申请已被抽中专家审核，须经医疗顾问审核后方可审批 (selected for expert review: a medical reviewer must clear it before approval)")]
    ExpertReviewPending,
    #[error("医疗顾问意见为不同意，不能审批；可作出不予补助的决定，或再送专家审核 (the medical reviewer advised against it: it cannot be approved; reject it or ask another expert)")]
    ExpertDisagreed,
    #[error("专家须列明需补充的材料 (the expert must name the documents needed)")]
    NoDocumentsNamed,
    #[error("申诉期限已过：须在 {deadline} 前提出 (the appeal deadline, {deadline}, has passed)")]
    AppealTooLate { deadline: chrono::NaiveDate },
    #[error("四眼原则：创建或提交申请的账号不能{action_zh}该申请，须由另一账号办理 (four eyes: the account that created or submitted a claim may not {action} it; another account must)", action_zh = action_zh(.action))]
    FourEyes { action: &'static str },
    #[error("该申请须由{required_zh}级及以上工会审批 (must be approved at {required} level or above)", required_zh = .required.label_zh(), required = .required.code())]
    ApprovalLevel { required: OrgLevel },
}

fn action_zh(code: &str) -> &'static str {
    match code {
        "accept" => "受理",
        "approve" => "审批",
        _ => "办理",
    }
}

/// The next state of a claim in `from` when an actor with `role` does `action`, or why not.
pub fn transition(
    from: ClaimState,
    action: &Action,
    role: Role,
    guards: &Guards,
) -> Result<ClaimState, TransitionError> {
    use ClaimState as S;
    let name = action.code();
    if !role.can(action.capability()) {
        return Err(TransitionError::RoleMayNot { role, action: name });
    }
    if let Some(r) = action.reason() {
        if r.trim().is_empty() {
            return Err(TransitionError::ReasonRequired);
        }
    }
    let not_allowed = || TransitionError::NotAllowed { from, action: name };
    let to = match (from, action) {
        (S::Draft | S::Returned, Action::Submit) => S::Submitted,
        (S::Submitted, Action::Accept) => {
            if guards.by_its_maker {
                return Err(TransitionError::FourEyes { action: name });
            }
            if !guards.missing_documents.is_empty() {
                return Err(TransitionError::DocumentsMissing {
                    action: name,
                    missing: guards.missing_documents.clone(),
                });
            }
            S::Accepted
        }
        (S::Submitted, Action::Return { missing }) => {
            if missing.iter().all(|m| m.trim().is_empty()) {
                return Err(TransitionError::NothingMissingNamed);
            }
            S::Returned
        }
        (S::Accepted, Action::Compute) => S::Computed,
        (S::Computed, Action::Review) => S::Reviewed,
        (S::Computed | S::Reviewed, Action::SendToExpert { .. }) => S::ExpertReview,
        (S::ExpertReview, Action::ExpertClear { .. } | Action::ExpertDisagree { .. }) => {
            S::Reviewed
        }
        (S::ExpertReview, Action::ExpertMoreDocuments { documents }) => {
            if documents.iter().all(|d| d.trim().is_empty()) {
                return Err(TransitionError::NoDocumentsNamed);
            }
            S::Returned
        }
        (S::Reviewed, Action::Approve) => {
            if guards.by_its_maker {
                return Err(TransitionError::FourEyes { action: name });
            }
            if !guards.missing_documents.is_empty() {
                return Err(TransitionError::DocumentsMissing {
                    action: name,
                    missing: guards.missing_documents.clone(),
                });
            }
            if guards.expert_disagreed {
                return Err(TransitionError::ExpertDisagreed);
            }
            if guards.selected_for_review && !guards.expert_cleared {
                return Err(TransitionError::ExpertReviewPending);
            }
            if guards.actor_level > guards.approval_level {
                return Err(TransitionError::ApprovalLevel {
                    required: guards.approval_level,
                });
            }
            S::Approved
        }
        (S::Computed | S::Reviewed | S::ExpertReview, Action::Reject { .. }) => {
            if guards.actor_level > guards.approval_level {
                return Err(TransitionError::ApprovalLevel {
                    required: guards.approval_level,
                });
            }
            S::Rejected
        }
        (S::Approved, Action::Pay) => S::Paid,
        (S::Rejected | S::Paid, Action::Appeal { .. }) => {
            if let Some(w) = guards.appeal_window {
                if w.today > w.deadline {
                    return Err(TransitionError::AppealTooLate {
                        deadline: w.deadline,
                    });
                }
            }
            S::Appealed
        }
        (S::Appealed, Action::Reopen) => S::Accepted,
        _ => return Err(not_allowed()),
    };
    Ok(to)
}

/// 申诉期限 — days after the date of a decision (approval or refusal) within which the member
/// may appeal it. SPEC 5 names the appeal but no window: 60 days **[assumed]**, the period the
/// Administrative Reconsideration Law gives against a decision, written on the letter.
pub const APPEAL_WINDOW_DAYS: u64 = 60;

/// The last day of the appeal window of a decision made on `decided_on`.
pub fn appeal_deadline(decided_on: chrono::NaiveDate) -> chrono::NaiveDate {
    decided_on
        .checked_add_days(chrono::Days::new(APPEAL_WINDOW_DAYS))
        .unwrap_or(chrono::NaiveDate::MAX)
}

/// When an appeal is made, against which deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppealWindow {
    pub deadline: chrono::NaiveDate,
    pub today: chrono::NaiveDate,
}

/// Where an approval leaves a claim: `approved`, waiting for a payout batch, while the fund still
/// owes the member something; `paid` at once when a re-approval after an appeal leaves nothing
/// more to pay (what was paid before covers it, and huzhu never claws money back).
pub fn after_approval(approved: crate::money::Money, paid: crate::money::Money) -> ClaimState {
    if paid.fen() > 0 && approved.fen() <= paid.fen() {
        ClaimState::Paid
    } else {
        ClaimState::Approved
    }
}

/// The level an item's `approval` setting names (`city`, `district`, `street`, `grassroots`);
/// unknown or empty settings mean the highest, city, so a typo never lowers the bar.
pub fn approval_level(setting: &str) -> OrgLevel {
    match setting.trim() {
        "district" => OrgLevel::District,
        "street" => OrgLevel::Street,
        "grassroots" | "unit" => OrgLevel::Grassroots,
        _ => OrgLevel::City,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open() -> Guards {
        Guards {
            missing_documents: vec![],
            selected_for_review: false,
            expert_cleared: false,
            expert_disagreed: false,
            appeal_window: None,
            approval_level: OrgLevel::District,
            actor_level: OrgLevel::City,
            by_its_maker: false,
        }
    }

    #[test]
    fn the_account_that_made_a_claim_cannot_accept_or_approve_it() {
        let g = Guards {
            by_its_maker: true,
            ..open()
        };
        for (from, action, code) in [
            (ClaimState::Submitted, Action::Accept, "accept"),
            (ClaimState::Reviewed, Action::Approve, "approve"),
        ] {
            let e = transition(from, &action, Role::FederationStaff, &g).unwrap_err();
            assert_eq!(e, TransitionError::FourEyes { action: code });
            assert!(e.to_string().contains("four eyes"), "{e}");
            assert!(e.to_string().contains("四眼原则"), "{e}");
        }
        // Everything else the maker may still do: review, send to the expert, reject.
        assert_eq!(
            transition(
                ClaimState::Computed,
                &Action::Review,
                Role::FederationStaff,
                &g
            ),
            Ok(ClaimState::Reviewed)
        );
    }

    #[test]
    fn the_happy_path_runs_from_draft_to_paid() {
        let g = open();
        let mut s = ClaimState::Draft;
        for (action, role) in [
            (Action::Submit, Role::Member),
            (Action::Accept, Role::FederationStaff),
            (Action::Compute, Role::FederationStaff),
            (Action::Review, Role::FederationStaff),
            (Action::Approve, Role::FederationStaff),
            (Action::Pay, Role::Finance),
        ] {
            s = transition(s, &action, role, &g).unwrap_or_else(|e| unreachable!("{e}"));
        }
        assert_eq!(s, ClaimState::Paid);
    }

    #[test]
    fn a_member_cannot_approve_their_own_claim() {
        let e = transition(
            ClaimState::Reviewed,
            &Action::Approve,
            Role::Member,
            &open(),
        );
        assert!(matches!(e, Err(TransitionError::RoleMayNot { .. })));
    }

    #[test]
    fn a_district_cannot_approve_a_city_level_item() {
        let g = Guards {
            approval_level: OrgLevel::City,
            actor_level: OrgLevel::District,
            ..open()
        };
        let e = transition(
            ClaimState::Reviewed,
            &Action::Approve,
            Role::FederationStaff,
            &g,
        );
        assert_eq!(
            e,
            Err(TransitionError::ApprovalLevel {
                required: OrgLevel::City
            })
        );
    }

    #[test]
    fn acceptance_and_approval_wait_for_documents() {
        let g = Guards {
            missing_documents: vec!["pathology_report".into()],
            ..open()
        };
        for from in [ClaimState::Submitted, ClaimState::Reviewed] {
            let action = if from == ClaimState::Submitted {
                Action::Accept
            } else {
                Action::Approve
            };
            assert!(matches!(
                transition(from, &action, Role::FederationStaff, &g),
                Err(TransitionError::DocumentsMissing { .. })
            ));
        }
    }

    #[test]
    fn a_selected_claim_needs_the_expert_before_approval() {
        let g = Guards {
            selected_for_review: true,
            ..open()
        };
        assert_eq!(
            transition(
                ClaimState::Reviewed,
                &Action::Approve,
                Role::FederationStaff,
                &g
            ),
            Err(TransitionError::ExpertReviewPending)
        );
        let cleared = Guards {
            expert_cleared: true,
            ..g
        };
        assert_eq!(
            transition(
                ClaimState::Reviewed,
                &Action::Approve,
                Role::FederationStaff,
                &cleared
            ),
            Ok(ClaimState::Approved)
        );
    }

    #[test]
    fn every_pair_outside_the_table_is_refused() {
        // Paid is final but for an appeal; a draft cannot be approved.
        let g = open();
        let admin_like = Role::FederationStaff;
        assert!(transition(ClaimState::Paid, &Action::Approve, admin_like, &g).is_err());
        assert!(transition(ClaimState::Draft, &Action::Accept, admin_like, &g).is_err());
        assert!(transition(ClaimState::Approved, &Action::Approve, admin_like, &g).is_err());
        assert!(transition(ClaimState::Returned, &Action::Accept, admin_like, &g).is_err());
    }

    #[test]
    fn a_reject_or_appeal_without_a_reason_is_refused() {
        let g = open();
        let e = transition(
            ClaimState::Reviewed,
            &Action::Reject { reason: " ".into() },
            Role::FederationStaff,
            &g,
        );
        assert_eq!(e, Err(TransitionError::ReasonRequired));
    }

    #[test]
    fn a_re_approval_with_nothing_more_to_pay_is_paid_at_once() {
        use crate::money::Money;
        let y = Money::from_yuan;
        assert_eq!(after_approval(y(100), Money::ZERO), ClaimState::Approved);
        assert_eq!(after_approval(y(150), y(100)), ClaimState::Approved);
        assert_eq!(after_approval(y(100), y(100)), ClaimState::Paid);
        assert_eq!(after_approval(y(80), y(100)), ClaimState::Paid);
        assert_eq!(
            after_approval(Money::ZERO, Money::ZERO),
            ClaimState::Approved
        );
    }

    #[test]
    fn the_expert_s_opinion_decides_the_next_step() {
        let g = Guards {
            selected_for_review: true,
            ..open()
        };
        let expert =
            |a: Action| transition(ClaimState::ExpertReview, &a, Role::MedicalReviewer, &g);
        assert_eq!(
            expert(Action::ExpertClear {
                opinion: "符合".into()
            }),
            Ok(ClaimState::Reviewed)
        );
        assert_eq!(
            expert(Action::ExpertDisagree {
                reasons: "既往病史".into()
            }),
            Ok(ClaimState::Reviewed)
        );
        assert_eq!(
            expert(Action::ExpertMoreDocuments {
                documents: vec!["pathology_report".into()]
            }),
            Ok(ClaimState::Returned)
        );
        // Disagreeing needs reasons; more documents must name them.
        assert_eq!(
            expert(Action::ExpertDisagree {
                reasons: "  ".into()
            }),
            Err(TransitionError::ReasonRequired)
        );
        assert_eq!(
            expert(Action::ExpertMoreDocuments {
                documents: vec![" ".into()]
            }),
            Err(TransitionError::NoDocumentsNamed)
        );
        // Only a medical reviewer gives an opinion.
        assert!(matches!(
            transition(
                ClaimState::ExpertReview,
                &Action::ExpertDisagree {
                    reasons: "x".into()
                },
                Role::FederationStaff,
                &g
            ),
            Err(TransitionError::RoleMayNot { .. })
        ));
    }

    #[test]
    fn a_claim_the_expert_disagreed_with_cannot_be_approved_but_can_be_rejected() {
        let g = Guards {
            selected_for_review: true,
            expert_disagreed: true,
            ..open()
        };
        assert_eq!(
            transition(
                ClaimState::Reviewed,
                &Action::Approve,
                Role::FederationStaff,
                &g
            ),
            Err(TransitionError::ExpertDisagreed)
        );
        assert_eq!(
            transition(
                ClaimState::Reviewed,
                &Action::Reject {
                    reason: "专家意见".into()
                },
                Role::FederationStaff,
                &g
            ),
            Ok(ClaimState::Rejected)
        );
        // Another expert may be asked.
        assert_eq!(
            transition(
                ClaimState::Reviewed,
                &Action::SendToExpert {
                    reason: "复议".into()
                },
                Role::FederationStaff,
                &g
            ),
            Ok(ClaimState::ExpertReview)
        );
    }

    #[test]
    fn an_appeal_after_the_deadline_is_refused() {
        let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap_or_default();
        assert_eq!(appeal_deadline(d("2026-03-01")), d("2026-04-30"));
        let at = |today: &str| Guards {
            appeal_window: Some(AppealWindow {
                deadline: d("2026-04-30"),
                today: d(today),
            }),
            ..open()
        };
        let appeal = Action::Appeal {
            reason: "不服".into(),
        };
        assert_eq!(
            transition(
                ClaimState::Rejected,
                &appeal,
                Role::Member,
                &at("2026-04-30")
            ),
            Ok(ClaimState::Appealed)
        );
        assert_eq!(
            transition(
                ClaimState::Rejected,
                &appeal,
                Role::Member,
                &at("2026-05-01")
            ),
            Err(TransitionError::AppealTooLate {
                deadline: d("2026-04-30")
            })
        );
    }

    #[test]
    fn unknown_approval_settings_mean_city() {
        assert_eq!(approval_level("district"), OrgLevel::District);
        assert_eq!(approval_level("citty"), OrgLevel::City);
    }
}
