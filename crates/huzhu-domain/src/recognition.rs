//! 数字工匠 — craftsman recognition (SPEC 7.8, issue 17; docs/recognition.md): a call with its
//! quota and qualification rules, nominations and their closed set of states, the experts'
//! conflict of interest, the ranking by mean score, and the steps of the call.
//!
//! ```text
//! call:        open ─approve_ranking─► ranked ─start_notice─► in_notice ─award─► awarded
//! nomination:  nominated ─confirm─► confirmed ─(ranking approved)─► selected | not_selected
//!              (the rules refuse at nomination) ─► refused
//!              selected ─(notice)─► in_notice ─award─► awarded
//!              in_notice ─objection upheld─► withdrawn
//! ```
//!
//! An expert never scores a nominee of their own unit ([`check_conflict`]); each confirmed
//! nominee needs [`MIN_SCORES`] scores before a ranking can be approved; the ranking is by mean
//! score in integer arithmetic (hundredths), ties broken by more scores, then the earlier
//! nomination ([choice]).

use crate::archive::coded_enum;
use serde::{Deserialize, Serialize};

/// Scores a nominee needs before the ranking (SPEC 7.8: at least 3 experts).
pub const MIN_SCORES: usize = 3;

/// The highest score an expert gives.
pub const MAX_SCORE: i64 = 100;

/// Days of the notice 公示 (SPEC 7.8: 7 days [assumed]); [choice] working days, like every notice
/// of SPEC 7 ("a window of working days"), counted on the shared calendar.
pub const NOTICE_WORKING_DAYS: u32 = 7;

/// Years in the field a nominee needs (SPEC 7.8 [seed]).
pub const DEFAULT_MIN_FIELD_YEARS: u32 = 5;

/// Years full-time in the city a nominee needs (SPEC 7.8 [seed]).
pub const DEFAULT_MIN_CITY_YEARS: u32 = 2;

coded_enum! {
    /// Where a call stands.
    CallState {
        /// 申报中: nominations, confirmation and scoring.
        Open = ("open", "申报评审中", "open"),
        /// 已审定: the ranking is approved.
        Ranked = ("ranked", "评审结果已审定", "ranking approved"),
        /// 公示中.
        InNotice = ("in_notice", "公示中", "in notice"),
        /// 已授予.
        Awarded = ("awarded", "已授予", "awarded"),
    }
}

coded_enum! {
    /// Where a nomination stands.
    NominationState {
        /// 已推荐: the rules passed; waiting for an officer's confirmation.
        Nominated = ("nominated", "已推荐", "nominated"),
        /// 不符合条件: refused by the rules, each reason kept.
        Refused = ("refused", "不符合条件", "refused"),
        /// 资格已确认: an officer confirmed the qualification; experts score.
        Confirmed = ("confirmed", "资格已确认", "confirmed"),
        /// 拟授予: in the approved ranking, within the number to award.
        Selected = ("selected", "拟授予", "selected"),
        /// 未入选.
        NotSelected = ("not_selected", "未入选", "not selected"),
        /// 公示中.
        InNotice = ("in_notice", "公示中", "in notice"),
        /// 已撤销: an objection to the notice was upheld.
        Withdrawn = ("withdrawn", "已撤销", "withdrawn"),
        /// 已授予.
        Awarded = ("awarded", "已授予", "awarded"),
    }
}

impl NominationState {
    /// Whether the nomination takes a place of its union's quota: every state but refused and
    /// withdrawn ([choice]: a refused nomination frees its place).
    pub fn holds_quota(self) -> bool {
        !matches!(self, NominationState::Refused | NominationState::Withdrawn)
    }
}

coded_enum! {
    /// A step: the vocabulary of the audit log and the errors.
    StepKind {
        Nominate = ("nominate", "推荐", "nomination"),
        Confirm = ("confirm", "确认资格", "confirmation"),
        Score = ("score", "专家评分", "expert score"),
        ApproveRanking = ("approve_ranking", "审定评审结果", "ranking approval"),
        StartNotice = ("start_notice", "开始公示", "notice started"),
        Objection = ("objection", "登记异议", "objection"),
        SettleObjection = ("settle_objection", "处理异议", "objection settled"),
        Award = ("award", "授予", "award"),
    }
}

/// Why a step is not allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecognitionError {
    #[error("评选状态为“{}”，不能进行“{}” (a call that is {} cannot take the step '{}')",
        .from.label_zh(), .step.label_zh(), .from.label_en(), .step.label_en())]
    IllegalCallStep { from: CallState, step: StepKind },
    #[error("候选人状态为“{}”，不能进行“{}” (a nomination that is {} cannot take the step '{}')",
        .from.label_zh(), .step.label_zh(), .from.label_en(), .step.label_en())]
    IllegalStep {
        from: NominationState,
        step: StepKind,
    },
    #[error("利益回避：专家与候选人同属“{unit}”，不能评分 (conflict of interest: the expert and the nominee are both of '{unit}'; the expert may not score)")]
    ConflictOfInterest { unit: String },
    #[error("评分须在0至{MAX_SCORE}之间 (a score is between 0 and {MAX_SCORE})")]
    ScoreOutOfRange,
    #[error("候选人{nomination}只有{scores}位专家评分，至少需要{MIN_SCORES}位 (nominee {nomination} has {scores} score(s); at least {MIN_SCORES} are needed)")]
    TooFewScores { nomination: i64, scores: usize },
    #[error(
        "推荐期为{opens_on}至{closes_on} (nominations are taken from {opens_on} to {closes_on})"
    )]
    OutsideNominationPeriod {
        opens_on: chrono::NaiveDate,
        closes_on: chrono::NaiveDate,
    },
}

/// The qualification rules of a call: data, given when the call is opened (SPEC 7.8 [seed]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    pub min_field_years: u32,
    pub min_city_years: u32,
    pub exclude_civil_servants: bool,
    pub exclude_leading_cadres: bool,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            min_field_years: DEFAULT_MIN_FIELD_YEARS,
            min_city_years: DEFAULT_MIN_CITY_YEARS,
            exclude_civil_servants: true,
            exclude_leading_cadres: true,
        }
    }
}

/// The facts on a nomination the rules read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// 从事本领域年限
    pub field_years: u32,
    /// 在本市全职工作年限
    pub city_years: u32,
    /// 公务员
    pub civil_servant: bool,
    /// 领导干部
    pub leading_cadre: bool,
}

/// One rule a nominee fails, in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum Refusal {
    #[error("从事本领域{has}年，不足{needs}年 (in the field {has} year(s), fewer than {needs})")]
    FieldYears { has: u32, needs: u32 },
    #[error("在本市全职工作{has}年，不足{needs}年 (full-time in the city {has} year(s), fewer than {needs})")]
    CityYears { has: u32, needs: u32 },
    #[error("公务员不参加评选 (civil servants are excluded)")]
    CivilServant,
    #[error("领导干部不参加评选 (leading cadres are excluded)")]
    LeadingCadre,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::FieldYears { .. } => "field_years",
            Refusal::CityYears { .. } => "city_years",
            Refusal::CivilServant => "civil_servant",
            Refusal::LeadingCadre => "leading_cadre",
        }
    }
}

/// Every rule the facts fail (empty: qualified), in the rules' order.
pub fn qualify(rules: &Rules, facts: &Facts) -> Vec<Refusal> {
    let mut out = Vec::new();
    if facts.field_years < rules.min_field_years {
        out.push(Refusal::FieldYears {
            has: facts.field_years,
            needs: rules.min_field_years,
        });
    }
    if facts.city_years < rules.min_city_years {
        out.push(Refusal::CityYears {
            has: facts.city_years,
            needs: rules.min_city_years,
        });
    }
    if rules.exclude_civil_servants && facts.civil_servant {
        out.push(Refusal::CivilServant);
    }
    if rules.exclude_leading_cadres && facts.leading_cadre {
        out.push(Refusal::LeadingCadre);
    }
    out
}

/// An expert never scores a nominee of their own unit: `expert_unit` is the expert's org code,
/// `nominee_unit` the nominee's unit (its grassroots union) and `nominating` the union that put
/// them forward ([choice]: an expert of the nominating union is in conflict too).
pub fn check_conflict(
    expert_unit: &str,
    nominee_unit: &str,
    nominating: &str,
) -> Result<(), RecognitionError> {
    if expert_unit == nominee_unit || expert_unit == nominating {
        return Err(RecognitionError::ConflictOfInterest {
            unit: expert_unit.to_string(),
        });
    }
    Ok(())
}

/// A score in range.
pub fn check_score(score: i64) -> Result<(), RecognitionError> {
    if (0..=MAX_SCORE).contains(&score) {
        Ok(())
    } else {
        Err(RecognitionError::ScoreOutOfRange)
    }
}

/// A nominee's place in the ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ranked {
    pub nomination: i64,
    /// The mean score in hundredths, rounded down (87.33 is 8733).
    pub mean_centi: i64,
    pub scores: usize,
    /// 1-based; tied nominees get consecutive places in the tie-break order.
    pub place: usize,
}

/// The mean of `scores` in hundredths, rounded down; 0 for none.
pub fn mean_centi(scores: &[i64]) -> i64 {
    let n = i64::try_from(scores.len()).unwrap_or(i64::MAX);
    if n == 0 {
        return 0;
    }
    scores.iter().sum::<i64>().saturating_mul(100) / n
}

/// Ranks the confirmed nominees by their scores: mean first (higher first), then more scores,
/// then the earlier nomination. Refused when one has fewer than [`MIN_SCORES`] scores.
pub fn rank(nominees: &[(i64, Vec<i64>)]) -> Result<Vec<Ranked>, RecognitionError> {
    let mut out = Vec::with_capacity(nominees.len());
    for (id, scores) in nominees {
        if scores.len() < MIN_SCORES {
            return Err(RecognitionError::TooFewScores {
                nomination: *id,
                scores: scores.len(),
            });
        }
        out.push(Ranked {
            nomination: *id,
            mean_centi: mean_centi(scores),
            scores: scores.len(),
            place: 0,
        });
    }
    out.sort_by(|a, b| {
        b.mean_centi
            .cmp(&a.mean_centi)
            .then(b.scores.cmp(&a.scores))
            .then(a.nomination.cmp(&b.nomination))
    });
    for (i, r) in out.iter_mut().enumerate() {
        r.place = i + 1;
    }
    Ok(out)
}

/// The state a call's step leads to.
pub fn call_transition(from: CallState, step: StepKind) -> Result<CallState, RecognitionError> {
    use CallState as C;
    match (from, step) {
        (C::Open, StepKind::Nominate | StepKind::Confirm | StepKind::Score) => Ok(C::Open),
        (C::Open, StepKind::ApproveRanking) => Ok(C::Ranked),
        (C::Ranked, StepKind::StartNotice) => Ok(C::InNotice),
        (C::InNotice, StepKind::Objection | StepKind::SettleObjection) => Ok(C::InNotice),
        (C::InNotice, StepKind::Award) => Ok(C::Awarded),
        _ => Err(RecognitionError::IllegalCallStep { from, step }),
    }
}

/// The state a nomination's step leads to. `selected` says, for the ranking's approval, whether
/// the nominee is within the number to award; `upheld` says, for an objection settled, whether
/// it was upheld.
pub fn transition(
    from: NominationState,
    step: StepKind,
    selected: bool,
    upheld: bool,
) -> Result<NominationState, RecognitionError> {
    use NominationState as N;
    match (from, step) {
        (N::Nominated, StepKind::Confirm) => Ok(N::Confirmed),
        (N::Confirmed, StepKind::Score) => Ok(N::Confirmed),
        (N::Confirmed, StepKind::ApproveRanking) => Ok(if selected {
            N::Selected
        } else {
            N::NotSelected
        }),
        (N::Selected, StepKind::StartNotice) => Ok(N::InNotice),
        (N::InNotice, StepKind::Objection) => Ok(N::InNotice),
        (N::InNotice, StepKind::SettleObjection) => {
            Ok(if upheld { N::Withdrawn } else { N::InNotice })
        }
        (N::InNotice, StepKind::Award) => Ok(N::Awarded),
        _ => Err(RecognitionError::IllegalStep { from, step }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use NominationState as N;

    #[test]
    fn the_rules_refuse_each_failed_condition_with_its_reason() {
        let rules = Rules::default();
        let ok = Facts {
            field_years: 5,
            city_years: 2,
            civil_servant: false,
            leading_cadre: false,
        };
        assert!(qualify(&rules, &ok).is_empty());
        let bad = Facts {
            field_years: 4,
            city_years: 1,
            civil_servant: true,
            leading_cadre: true,
        };
        let r = qualify(&rules, &bad);
        assert_eq!(
            r,
            vec![
                Refusal::FieldYears { has: 4, needs: 5 },
                Refusal::CityYears { has: 1, needs: 2 },
                Refusal::CivilServant,
                Refusal::LeadingCadre,
            ]
        );
        assert!(r[0].to_string().contains("不足5年"));
        // The rules are data: a call may ask for 8 years.
        let strict = Rules {
            min_field_years: 8,
            ..rules
        };
        assert_eq!(
            qualify(&strict, &ok),
            vec![Refusal::FieldYears { has: 5, needs: 8 }]
        );
    }

    #[test]
    fn an_expert_never_scores_a_nominee_of_their_own_unit_or_nominating_union() {
        assert!(check_conflict("U1", "U2", "D1").is_ok());
        let e = check_conflict("U1", "U1", "D1").unwrap_err();
        assert_eq!(
            e,
            RecognitionError::ConflictOfInterest { unit: "U1".into() }
        );
        assert!(e.to_string().contains("利益回避"));
        assert!(check_conflict("D1", "U1", "D1").is_err());
    }

    #[test]
    fn ranking_needs_three_scores_and_orders_by_mean_then_count_then_nomination() {
        assert_eq!(
            rank(&[(1, vec![90, 80])]),
            Err(RecognitionError::TooFewScores {
                nomination: 1,
                scores: 2
            })
        );
        // 1: (90+80+70)/3 = 80.00; 2: (81+80+80)/3 = 80.33; 3: 80.00 with four scores;
        // 4: 80.00 with three scores, nominated after 1.
        let r = rank(&[
            (1, vec![90, 80, 70]),
            (2, vec![81, 80, 80]),
            (3, vec![80, 80, 80, 80]),
            (4, vec![80, 80, 80]),
        ])
        .unwrap();
        let order: Vec<(i64, i64, usize)> = r
            .iter()
            .map(|x| (x.nomination, x.mean_centi, x.place))
            .collect();
        assert_eq!(
            order,
            vec![(2, 8033, 1), (3, 8000, 2), (1, 8000, 3), (4, 8000, 4)]
        );
        assert_eq!(mean_centi(&[100, 99, 99]), 9933);
        assert!(check_score(101).is_err());
        assert!(check_score(-1).is_err());
        assert!(check_score(0).is_ok());
    }

    #[test]
    fn nomination_steps_follow_the_diagram_and_others_are_illegal() {
        use StepKind as K;
        let legal = [
            (N::Nominated, K::Confirm, false, false, N::Confirmed),
            (N::Confirmed, K::Score, false, false, N::Confirmed),
            (N::Confirmed, K::ApproveRanking, true, false, N::Selected),
            (
                N::Confirmed,
                K::ApproveRanking,
                false,
                false,
                N::NotSelected,
            ),
            (N::Selected, K::StartNotice, false, false, N::InNotice),
            (N::InNotice, K::Objection, false, false, N::InNotice),
            (N::InNotice, K::SettleObjection, false, true, N::Withdrawn),
            (N::InNotice, K::SettleObjection, false, false, N::InNotice),
            (N::InNotice, K::Award, false, false, N::Awarded),
        ];
        for (from, step, sel, up, to) in legal {
            assert_eq!(transition(from, step, sel, up), Ok(to));
        }
        for &from in NominationState::ALL {
            for &step in StepKind::ALL {
                let is_legal = legal.iter().any(|l| l.0 == from && l.1 == step);
                if !is_legal {
                    assert_eq!(
                        transition(from, step, false, false),
                        Err(RecognitionError::IllegalStep { from, step })
                    );
                }
            }
        }
        let e = transition(N::Refused, K::Score, false, false).unwrap_err();
        assert!(e.to_string().contains("不符合条件") && e.to_string().contains("expert score"));
    }

    #[test]
    fn call_steps_follow_the_diagram() {
        use CallState as C;
        assert_eq!(
            call_transition(C::Open, StepKind::ApproveRanking),
            Ok(C::Ranked)
        );
        assert_eq!(
            call_transition(C::Ranked, StepKind::StartNotice),
            Ok(C::InNotice)
        );
        assert_eq!(
            call_transition(C::InNotice, StepKind::Award),
            Ok(C::Awarded)
        );
        assert!(call_transition(C::Open, StepKind::Award).is_err());
        assert!(call_transition(C::Ranked, StepKind::Nominate).is_err());
        assert!(call_transition(C::Awarded, StepKind::StartNotice).is_err());
        assert!(NominationState::Confirmed.holds_quota());
        assert!(!NominationState::Refused.holds_quota());
    }
}
