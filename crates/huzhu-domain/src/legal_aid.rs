//! 法律援助 — legal aid for members in labour disputes (SPEC 7.7, issue 17): a case's closed set
//! of states, the steps between them, who may take each, and the deadlines (docs/legal-aid.md).
//!
//! ```text
//! intake ─check─► eligible ─approve─► approved ─assign─► assigned ─record─► handling ─close─► closed
//!    │  └─check (not a member in service, kind not covered)─► refused
//!    └──────────┴─refuse (with a reason)─► refused
//! assigned, handling ─assign─► (same state, another lawyer of the panel)
//! handling ─record─► handling (another dated activity)
//! assigned ─close (withdrawn)─► closed
//! ```
//!
//! Deadlines come from the date the caller passes in, never from a clock: the approval is due
//! within [`APPROVAL_WORKING_DAYS`] working days of intake (counted on the
//! [`crate::notice::WorkCalendar`] from the day after intake), and [choice] a case approved but
//! not closed within [`HANDLING_DAYS`] calendar days of approval is overdue. An illegal step is
//! [`LegalAidError::IllegalStep`] (HTTP 409), naming the state and the step.

use crate::archive::coded_enum;
use crate::member::EmploymentStatus;
use crate::notice::{CalendarError, WorkCalendar};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// Working days after intake within which the district approves (SPEC 7.7: 5 [assumed]).
pub const APPROVAL_WORKING_DAYS: u32 = 5;

/// [choice] Calendar days after approval within which a case should be closed; past it, the work
/// queue flags it overdue (supervision 督办).
pub const HANDLING_DAYS: u64 = 90;

/// The longest summary, note or reason kept, in characters.
pub const TEXT_MAX: usize = 1000;

/// The largest amount recovered a case may record: 100,000,000.00 元 in fen.
pub const MAX_RECOVERED_FEN: i64 = 10_000_000_000;

coded_enum! {
    /// Where a legal-aid case stands.
    CaseState {
        /// 已受理: opened for a member, with the dispute.
        Intake = ("intake", "已受理", "intake"),
        /// 符合条件: a member in service, a dispute kind the programme covers.
        Eligible = ("eligible", "符合条件", "eligible"),
        /// 不予援助: refused, with the reason in words.
        Refused = ("refused", "不予援助", "refused"),
        /// 已批准: approved by the district.
        Approved = ("approved", "已批准", "approved"),
        /// 已指派律师: a lawyer of the panel assigned.
        Assigned = ("assigned", "已指派律师", "assigned"),
        /// 办理中: at least one activity recorded.
        Handling = ("handling", "办理中", "handling"),
        /// 已结案: closed with an outcome and the amount recovered.
        Closed = ("closed", "已结案", "closed"),
    }
}

impl CaseState {
    /// Whether the case is finished (refused or closed).
    pub fn is_final(self) -> bool {
        matches!(self, CaseState::Refused | CaseState::Closed)
    }
}

coded_enum! {
    /// 争议类型 — the dispute. `other` is recorded as told and is not covered (refused at the
    /// eligibility check).
    DisputeKind {
        Wages = ("wages", "劳动报酬（欠薪）", "wages"),
        LabourContract = ("labour_contract", "劳动合同", "labour contract"),
        WorkInjury = ("work_injury", "工伤", "work injury"),
        SocialInsurance = ("social_insurance", "社会保险", "social insurance"),
        Dismissal = ("dismissal", "解除劳动关系", "dismissal"),
        Other = ("other", "其他", "other"),
    }
}

impl DisputeKind {
    /// Whether the programme covers the kind (SPEC 7.7).
    pub fn is_covered(self) -> bool {
        self != DisputeKind::Other
    }
}

coded_enum! {
    /// A dated activity of the handling.
    ActivityKind {
        Advice = ("advice", "法律咨询", "advice"),
        Mediation = ("mediation", "调解", "mediation"),
        Arbitration = ("arbitration", "劳动仲裁", "arbitration"),
        Litigation = ("litigation", "诉讼", "litigation"),
    }
}

coded_enum! {
    /// How a case ended.
    Outcome {
        Won = ("won", "胜诉/支持", "won"),
        Mediated = ("mediated", "调解结案", "mediated"),
        Withdrawn = ("withdrawn", "撤回", "withdrawn"),
        Lost = ("lost", "败诉/驳回", "lost"),
    }
}

impl Outcome {
    /// Whether money can have been recovered for the worker ([choice]: won or mediated only).
    pub fn may_recover(self) -> bool {
        matches!(self, Outcome::Won | Outcome::Mediated)
    }
}

coded_enum! {
    /// A step in a case's life: the timeline's vocabulary.
    StepKind {
        Open = ("open", "受理", "intake"),
        Check = ("check", "资格审查", "eligibility check"),
        Refuse = ("refuse", "不予援助", "refusal"),
        Approve = ("approve", "区级批准", "district approval"),
        Assign = ("assign", "指派律师", "lawyer assigned"),
        Record = ("record", "记录办理", "activity recorded"),
        Close = ("close", "结案", "closing"),
    }
}

/// What the eligibility check reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applicant {
    pub status: EmploymentStatus,
    pub kind: DisputeKind,
}

/// Why an applicant is not eligible, in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum Ineligible {
    #[error("申请人不是在职会员（{}） (the applicant is not a member in service: {})", .0.label_zh(), .0.code())]
    NotInService(EmploymentStatus),
    #[error("争议类型“{}”不在法律援助范围内 (the dispute kind '{}' is not covered)", .0.label_zh(), .0.label_en())]
    KindNotCovered(DisputeKind),
}

/// [choice] Legal aid is for members in service (re-employed retirees and retirees have no
/// labour relation the programme covers) with a dispute of a covered kind.
pub fn check_eligibility(a: &Applicant) -> Result<(), Ineligible> {
    if a.status != EmploymentStatus::InService {
        return Err(Ineligible::NotInService(a.status));
    }
    if !a.kind.is_covered() {
        return Err(Ineligible::KindNotCovered(a.kind));
    }
    Ok(())
}

/// Why a step is not allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LegalAidError {
    #[error("法律援助案件状态为“{}”，不能进行“{}” (a case that is {} cannot take the step '{}')",
        .from.label_zh(), .step.label_zh(), .from.label_en(), .step.label_en())]
    IllegalStep { from: CaseState, step: StepKind },
    #[error("只有“胜诉”或“调解结案”才能有追回金额 (only a case won or mediated recovers money)")]
    RecoveredWithoutWinning,
    #[error("追回金额须在0至100,000,000.00元之间 (the amount recovered must be between 0 and 100,000,000.00 yuan)")]
    RecoveredOutOfRange,
    #[error("活动日期{on}早于指派日期{assigned} (the activity on {on} is before the assignment on {assigned})")]
    ActivityBeforeAssignment { on: NaiveDate, assigned: NaiveDate },
    #[error("日期{on}晚于今天 (the date {on} is in the future)")]
    InFuture { on: NaiveDate },
    #[error("律师已停用，不能指派 (the lawyer is no longer on the panel)")]
    LawyerInactive,
}

/// A step asked for, with what the state machine judges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The eligibility check, with its answer.
    Check {
        eligible: bool,
    },
    Refuse,
    Approve,
    /// `active`: whether the lawyer is on the panel.
    Assign {
        active: bool,
    },
    Record,
    Close {
        outcome: Outcome,
        recovered_fen: i64,
    },
}

impl Step {
    pub fn kind(&self) -> StepKind {
        match self {
            Step::Check { .. } => StepKind::Check,
            Step::Refuse => StepKind::Refuse,
            Step::Approve => StepKind::Approve,
            Step::Assign { .. } => StepKind::Assign,
            Step::Record => StepKind::Record,
            Step::Close { .. } => StepKind::Close,
        }
    }
}

/// The state a step leads to from `from`, or why it may not be taken.
pub fn transition(from: CaseState, step: &Step) -> Result<CaseState, LegalAidError> {
    use CaseState as S;
    let illegal = || LegalAidError::IllegalStep {
        from,
        step: step.kind(),
    };
    let to = match (from, step) {
        (S::Intake, Step::Check { eligible: true }) => S::Eligible,
        (S::Intake, Step::Check { eligible: false }) => S::Refused,
        (S::Intake | S::Eligible, Step::Refuse) => S::Refused,
        (S::Eligible, Step::Approve) => S::Approved,
        (S::Approved | S::Assigned | S::Handling, Step::Assign { active }) => {
            if !active {
                return Err(LegalAidError::LawyerInactive);
            }
            if from == S::Approved {
                S::Assigned
            } else {
                from
            }
        }
        (S::Assigned | S::Handling, Step::Record) => S::Handling,
        (
            S::Assigned | S::Handling,
            Step::Close {
                outcome,
                recovered_fen,
            },
        ) => {
            if from == S::Assigned && *outcome != Outcome::Withdrawn {
                return Err(illegal());
            }
            if !(0..=MAX_RECOVERED_FEN).contains(recovered_fen) {
                return Err(LegalAidError::RecoveredOutOfRange);
            }
            if *recovered_fen > 0 && !outcome.may_recover() {
                return Err(LegalAidError::RecoveredWithoutWinning);
            }
            S::Closed
        }
        _ => return Err(illegal()),
    };
    Ok(to)
}

/// The day the district's approval is due: the [`APPROVAL_WORKING_DAYS`]-th working day after
/// the day of intake ([choice]: the intake day itself is not counted).
pub fn approval_due(
    calendar: &WorkCalendar,
    opened_on: NaiveDate,
) -> Result<NaiveDate, CalendarError> {
    let next = opened_on
        .succ_opt()
        .ok_or(CalendarError::YearNotCovered { year: 9999 })?;
    calendar.end_after_working_days(next, APPROVAL_WORKING_DAYS)
}

/// The day by which an approved case should be closed.
pub fn handling_due(approved_on: NaiveDate) -> NaiveDate {
    approved_on
        .checked_add_days(Days::new(HANDLING_DAYS))
        .unwrap_or(approved_on)
}

/// Why a case is overdue on a day, if it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Overdue {
    /// 审批超期: not approved by its due day.
    Approval,
    /// 办理超期: approved, not closed within [`HANDLING_DAYS`].
    Handling,
}

impl Overdue {
    pub fn code(self) -> &'static str {
        match self {
            Overdue::Approval => "approval",
            Overdue::Handling => "handling",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Overdue::Approval => "审批超期",
            Overdue::Handling => "办理超期",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Overdue::Approval => "approval overdue",
            Overdue::Handling => "handling overdue",
        }
    }
}

/// Whether a case in `state` is overdue on `today`: still waiting for approval after its due
/// day, or approved and not closed after its handling due day.
pub fn overdue(
    state: CaseState,
    approval_due: NaiveDate,
    handling_due: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<Overdue> {
    match state {
        CaseState::Intake | CaseState::Eligible if today > approval_due => Some(Overdue::Approval),
        CaseState::Approved | CaseState::Assigned | CaseState::Handling => match handling_due {
            Some(due) if today > due => Some(Overdue::Handling),
            _ => None,
        },
        _ => None,
    }
}

/// An activity's date: not before the assignment, not in the future.
pub fn check_activity_date(
    on: NaiveDate,
    assigned_on: NaiveDate,
    today: NaiveDate,
) -> Result<(), LegalAidError> {
    if on < assigned_on {
        return Err(LegalAidError::ActivityBeforeAssignment {
            on,
            assigned: assigned_on,
        });
    }
    if on > today {
        return Err(LegalAidError::InFuture { on });
    }
    Ok(())
}

/// A rate in basis points (1/100 of a percent), rounded down; 0 of 0 is 0.
pub fn rate_bp(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        0
    } else {
        part.saturating_mul(10_000) / whole
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseState as S;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn close(outcome: Outcome, recovered_fen: i64) -> Step {
        Step::Close {
            outcome,
            recovered_fen,
        }
    }

    #[test]
    fn every_legal_step_leads_where_the_diagram_says() {
        let table: Vec<(CaseState, Step, CaseState)> = vec![
            (S::Intake, Step::Check { eligible: true }, S::Eligible),
            (S::Intake, Step::Check { eligible: false }, S::Refused),
            (S::Intake, Step::Refuse, S::Refused),
            (S::Eligible, Step::Refuse, S::Refused),
            (S::Eligible, Step::Approve, S::Approved),
            (S::Approved, Step::Assign { active: true }, S::Assigned),
            (S::Assigned, Step::Assign { active: true }, S::Assigned),
            (S::Handling, Step::Assign { active: true }, S::Handling),
            (S::Assigned, Step::Record, S::Handling),
            (S::Handling, Step::Record, S::Handling),
            (S::Handling, close(Outcome::Won, 1_234_500), S::Closed),
            (S::Handling, close(Outcome::Mediated, 800_000), S::Closed),
            (S::Handling, close(Outcome::Lost, 0), S::Closed),
            (S::Handling, close(Outcome::Withdrawn, 0), S::Closed),
            (S::Assigned, close(Outcome::Withdrawn, 0), S::Closed),
        ];
        for (from, step, to) in table {
            assert_eq!(transition(from, &step), Ok(to), "{from:?} {step:?}");
        }
    }

    #[test]
    fn every_other_step_is_illegal_and_names_the_state_and_the_step() {
        let steps = [
            Step::Check { eligible: true },
            Step::Refuse,
            Step::Approve,
            Step::Assign { active: true },
            Step::Record,
            close(Outcome::Won, 0),
        ];
        let legal = |from: CaseState, step: &Step| {
            matches!(
                (from, step),
                (S::Intake, Step::Check { .. })
                    | (S::Intake | S::Eligible, Step::Refuse)
                    | (S::Eligible, Step::Approve)
                    | (S::Approved | S::Assigned | S::Handling, Step::Assign { .. })
                    | (S::Assigned | S::Handling, Step::Record)
                    | (S::Handling, Step::Close { .. })
            )
        };
        for &from in CaseState::ALL {
            for step in &steps {
                if legal(from, step) {
                    continue;
                }
                let err = transition(from, step).unwrap_err();
                assert_eq!(
                    err,
                    LegalAidError::IllegalStep {
                        from,
                        step: step.kind()
                    }
                );
                let text = err.to_string();
                assert!(text.contains(from.label_zh()) && text.contains(from.label_en()));
            }
        }
        // Closing before any activity is only a withdrawal.
        assert!(matches!(
            transition(S::Assigned, &close(Outcome::Won, 0)),
            Err(LegalAidError::IllegalStep { .. })
        ));
    }

    #[test]
    fn money_is_recovered_only_when_won_or_mediated_and_never_negative() {
        assert_eq!(
            transition(S::Handling, &close(Outcome::Lost, 1)),
            Err(LegalAidError::RecoveredWithoutWinning)
        );
        assert_eq!(
            transition(S::Handling, &close(Outcome::Won, -1)),
            Err(LegalAidError::RecoveredOutOfRange)
        );
        assert_eq!(
            transition(S::Approved, &Step::Assign { active: false }),
            Err(LegalAidError::LawyerInactive)
        );
    }

    #[test]
    fn eligibility_needs_a_member_in_service_and_a_covered_dispute() {
        let ok = Applicant {
            status: EmploymentStatus::InService,
            kind: DisputeKind::Wages,
        };
        assert_eq!(check_eligibility(&ok), Ok(()));
        let retired = Applicant {
            status: EmploymentStatus::Retired,
            ..ok
        };
        assert_eq!(
            check_eligibility(&retired),
            Err(Ineligible::NotInService(EmploymentStatus::Retired))
        );
        let other = Applicant {
            kind: DisputeKind::Other,
            ..ok
        };
        let err = check_eligibility(&other).unwrap_err();
        assert!(err.to_string().contains("不在法律援助范围内"));
    }

    #[test]
    fn approval_is_due_five_working_days_after_intake_on_the_holiday_calendar() {
        let cal = WorkCalendar::builtin().unwrap();
        // Intake Mon 2 Mar 2026: Tue 3 (1) … Mon 9 Mar (5).
        assert_eq!(
            approval_due(&cal, d("2026-03-02")).unwrap(),
            d("2026-03-09")
        );
        // Intake Thu 24 Sep 2026: 25–27 Sep 中秋 off; Mon 28 (1), Tue 29 (2), Wed 30 (3);
        // 1–7 Oct off; Thu 8 (4), Fri 9 (5).
        assert_eq!(
            approval_due(&cal, d("2026-09-24")).unwrap(),
            d("2026-10-09")
        );
    }

    #[test]
    fn overdue_cases_are_flagged_by_approval_then_by_handling() {
        let due = d("2026-03-09");
        assert_eq!(overdue(S::Intake, due, None, d("2026-03-09")), None);
        assert_eq!(
            overdue(S::Eligible, due, None, d("2026-03-10")),
            Some(Overdue::Approval)
        );
        let h = handling_due(d("2026-03-05"));
        assert_eq!(h, d("2026-06-03"));
        assert_eq!(overdue(S::Handling, due, Some(h), d("2026-06-03")), None);
        assert_eq!(
            overdue(S::Handling, due, Some(h), d("2026-06-04")),
            Some(Overdue::Handling)
        );
        assert_eq!(overdue(S::Closed, due, Some(h), d("2027-01-01")), None);
        assert_eq!(overdue(S::Refused, due, None, d("2027-01-01")), None);
    }

    #[test]
    fn activity_dates_lie_between_the_assignment_and_today() {
        let a = d("2026-03-10");
        assert!(check_activity_date(d("2026-03-10"), a, d("2026-03-12")).is_ok());
        assert!(check_activity_date(d("2026-03-09"), a, d("2026-03-12")).is_err());
        assert!(check_activity_date(d("2026-03-13"), a, d("2026-03-12")).is_err());
    }

    #[test]
    fn rates_are_basis_points_rounded_down() {
        assert_eq!(rate_bp(1, 3), 3333);
        assert_eq!(rate_bp(0, 0), 0);
        assert_eq!(rate_bp(2, 2), 10_000);
    }
}
