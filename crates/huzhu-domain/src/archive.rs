//! 困难职工档案 — the hardship-worker archive (SPEC 7.2): a household's record, its closed set of
//! states and the steps between them, and the household's facts, validated here.
//!
//! ```text
//! applied ─visit─► visited ─review─► reviewed ─start_notice─► in_notice ─admit─► admitted
//!    └──────────────┴──────────────────┴───────────────────────┴─refuse─► refused
//! admitted ─yearly_review─► admitted (still in hardship) | exited (out_of_hardship)
//! admitted ─lapse─► lapsed (not reviewed within 30 days after the anniversary)
//! lapsed ─yearly_review─► admitted | exited
//! admitted, lapsed ─exit─► exited (retired, moved_away, deceased, by_request, out_of_hardship)
//! ```
//!
//! The category is never typed in: the programme engine computes it from the facts
//! (`programme::assess` on the built-in `hardship-archive`); this module only says which step
//! may follow which. An illegal step is [`ArchiveError::IllegalStep`] (HTTP 409).

use crate::id_number::IdNumber;
use crate::personal::PersonName;
use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Days after its anniversary within which an admitted record must be reviewed (SPEC 7.2).
pub const REVIEW_GRACE_DAYS: u64 = 30;

/// The most people listed in one household, and the largest size.
pub const MAX_HOUSEHOLD: usize = 30;

/// The largest amount a household fact may hold: 100,000,000.00 元 in fen.
pub const MAX_FACT_FEN: i64 = 10_000_000_000;

/// The longest note or reason kept, in characters.
pub const NOTE_MAX: usize = 500;

macro_rules! coded_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = ($code:literal, $zh:literal, $en:literal)),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $v),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$v => $code),+ }
            }

            pub fn parse(raw: &str) -> Option<$name> {
                let raw = raw.trim();
                $name::ALL.iter().copied().find(|x| x.code() == raw)
            }

            pub fn label_zh(self) -> &'static str {
                match self { $($name::$v => $zh),+ }
            }

            pub fn label_en(self) -> &'static str {
                match self { $($name::$v => $en),+ }
            }
        }
    };
}

pub(crate) use coded_enum;

coded_enum! {
    /// Where a household's record stands.
    HouseholdState {
        /// 已申请: opened by the unit with the household's facts.
        Applied = ("applied", "已申请", "applied"),
        /// 已入户核查: the street has visited.
        Visited = ("visited", "已入户核查", "visited"),
        /// 已审核: the district has reviewed.
        Reviewed = ("reviewed", "区级已审核", "reviewed"),
        /// 公示中: the public notice runs.
        InNotice = ("in_notice", "公示中", "in notice"),
        /// 已建档: admitted to the archive.
        Admitted = ("admitted", "已建档", "admitted"),
        /// 已逾期: not reviewed within 30 days after the anniversary.
        Lapsed = ("lapsed", "逾期未复核", "lapsed"),
        /// 未通过: refused before admission, with a reason.
        Refused = ("refused", "未通过", "refused"),
        /// 已脱困/退出: left the archive, with a reason.
        Exited = ("exited", "已退出", "exited"),
    }
}

impl HouseholdState {
    /// Whether the record is the household's one file 一户一档 (every state but refused and
    /// exited): while it is, neither the head nor any of its people can be in another.
    pub fn is_open(self) -> bool {
        !matches!(self, HouseholdState::Refused | HouseholdState::Exited)
    }

    /// Whether the household counts as archived for the programmes (SPEC 11 `archive.active`):
    /// admitted only — a lapsed record is not active until it is reviewed.
    pub fn is_active(self) -> bool {
        self == HouseholdState::Admitted
    }

    /// The states a record may be in, as SQL text for the partial unique index and queries.
    pub fn closed_codes() -> [&'static str; 2] {
        [
            HouseholdState::Refused.code(),
            HouseholdState::Exited.code(),
        ]
    }
}

coded_enum! {
    /// 档案级别 — recorded as given by the federation, with its date.
    Level {
        National = ("national", "全国级", "national"),
        Provincial = ("provincial", "省级", "provincial"),
        CityCounty = ("city_county", "市县级", "city/county"),
    }
}

coded_enum! {
    /// Why a household left the archive (脱困 or otherwise).
    ExitReason {
        OutOfHardship = ("out_of_hardship", "脱困", "out of hardship"),
        Retired = ("retired", "退休", "retired"),
        MovedAway = ("moved_away", "迁离", "moved away"),
        Deceased = ("deceased", "去世", "deceased"),
        ByRequest = ("by_request", "本人申请退出", "by request"),
    }
}

coded_enum! {
    /// A person's relation to the head of the household.
    Relation {
        /// The head (the member) themselves.
        #[serde(rename = "self")]
        Head = ("self", "本人", "self"),
        Spouse = ("spouse", "配偶", "spouse"),
        Child = ("child", "子女", "child"),
        Parent = ("parent", "父母", "parent"),
        Sibling = ("sibling", "兄弟姐妹", "sibling"),
        Grandchild = ("grandchild", "孙子女", "grandchild"),
        Grandparent = ("grandparent", "祖父母", "grandparent"),
        Other = ("other", "其他", "other"),
    }
}

pub use crate::programme::SchoolLevel;

coded_enum! {
    /// A step in a record's life: the timeline's vocabulary.
    StepKind {
        Open = ("open", "提交申请", "application"),
        Visit = ("visit", "入户核查", "home visit"),
        Review = ("review", "区级审核", "district review"),
        StartNotice = ("start_notice", "开始公示", "notice started"),
        Admit = ("admit", "建档", "admission"),
        Refuse = ("refuse", "不予建档", "refusal"),
        YearlyReview = ("yearly_review", "年度复核", "yearly review"),
        Lapse = ("lapse", "逾期未复核", "lapse"),
        Exit = ("exit", "退出档案", "exit"),
        Objection = ("objection", "收到异议", "objection received"),
        SettleObjection = ("settle_objection", "异议处理", "objection settled"),
    }
}

/// Why a step is not allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveError {
    #[error("档案状态为“{}”，不能进行“{}” (a record that is {} cannot take the step '{}')",
        .from.label_zh(), .step.label_zh(), .from.label_en(), .step.label_en())]
    IllegalStep {
        from: HouseholdState,
        step: StepKind,
    },
    #[error("区级审核须由入户核查人以外的人进行 (the district review is made by someone other than who visited)")]
    SameReviewer,
    #[error(
        "核查日期{on}早于申请日期{opened} (the visit date {on} is before the application {opened})"
    )]
    VisitBeforeApplication { on: NaiveDate, opened: NaiveDate },
    #[error("核查日期{on}晚于今天 (the visit date {on} is in the future)")]
    VisitInFuture { on: NaiveDate },
    #[error("级别日期{on}晚于今天 (the level's date {on} is in the future)")]
    LevelDateInFuture { on: NaiveDate },
    #[error("复核时仍在困难的档案不能以“脱困”退出，请进行年度复核 (leaving as out of hardship follows from a yearly review)")]
    OutOfHardshipWithoutReview,
}

/// A step asked for, with what it carries that the state machine judges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Visit {
        on: NaiveDate,
    },
    Review,
    StartNotice,
    Admit,
    Refuse,
    /// The category recomputed from new facts: `in_hardship` when the engine gave one.
    YearlyReview {
        in_hardship: bool,
    },
    Lapse,
    Exit {
        reason: ExitReason,
    },
}

impl Step {
    pub fn kind(&self) -> StepKind {
        match self {
            Step::Visit { .. } => StepKind::Visit,
            Step::Review => StepKind::Review,
            Step::StartNotice => StepKind::StartNotice,
            Step::Admit => StepKind::Admit,
            Step::Refuse => StepKind::Refuse,
            Step::YearlyReview { .. } => StepKind::YearlyReview,
            Step::Lapse => StepKind::Lapse,
            Step::Exit { .. } => StepKind::Exit,
        }
    }
}

/// The state a step leads to from `from`, or why it may not be taken. Whether a notice may end
/// in admission is [`crate::notice::may_conclude`]'s, checked by the caller beside this.
pub fn transition(from: HouseholdState, step: &Step) -> Result<HouseholdState, ArchiveError> {
    use HouseholdState as S;
    let to = match (from, step) {
        (S::Applied, Step::Visit { .. }) => S::Visited,
        (S::Visited, Step::Review) => S::Reviewed,
        (S::Reviewed, Step::StartNotice) => S::InNotice,
        (S::InNotice, Step::Admit) => S::Admitted,
        (S::Applied | S::Visited | S::Reviewed | S::InNotice, Step::Refuse) => S::Refused,
        (S::Admitted | S::Lapsed, Step::YearlyReview { in_hardship: true }) => S::Admitted,
        (S::Admitted | S::Lapsed, Step::YearlyReview { in_hardship: false }) => S::Exited,
        (S::Admitted, Step::Lapse) => S::Lapsed,
        (S::Admitted | S::Lapsed, Step::Exit { reason }) => {
            if *reason == ExitReason::OutOfHardship {
                return Err(ArchiveError::OutOfHardshipWithoutReview);
            }
            S::Exited
        }
        _ => {
            return Err(ArchiveError::IllegalStep {
                from,
                step: step.kind(),
            })
        }
    };
    Ok(to)
}

/// A visit is dated on or after the application and not after today.
pub fn check_visit_date(
    on: NaiveDate,
    opened: NaiveDate,
    today: NaiveDate,
) -> Result<(), ArchiveError> {
    if on < opened {
        return Err(ArchiveError::VisitBeforeApplication { on, opened });
    }
    if on > today {
        return Err(ArchiveError::VisitInFuture { on });
    }
    Ok(())
}

/// The review is made by someone other than who visited (the second-person rule of ARCHITECTURE).
pub fn check_reviewer(visited_by: Option<&str>, by: &str) -> Result<(), ArchiveError> {
    if visited_by == Some(by) {
        Err(ArchiveError::SameReviewer)
    } else {
        Ok(())
    }
}

/// A record is valid for one year: the anniversary of `from` (29 February → 28 February).
pub fn valid_until(from: NaiveDate) -> NaiveDate {
    from.checked_add_months(Months::new(12)).unwrap_or(from)
}

/// The new validity after a yearly review on `on`: a year from the old anniversary when reviewed
/// by then, else a year from the review.
pub fn renewed_until(old_valid_until: NaiveDate, on: NaiveDate) -> NaiveDate {
    valid_until(old_valid_until.max(on))
}

/// Whether a record valid until `valid_until` has lapsed on `today`: not reviewed within 30 days
/// after its anniversary, so the 31st day after it is the first lapsed day.
pub fn lapse_due(valid_until: NaiveDate, today: NaiveDate) -> bool {
    valid_until
        .checked_add_days(Days::new(REVIEW_GRACE_DAYS))
        .is_some_and(|last| today > last)
}

/// The anniversaries that have lapsed on `today`: those before this date.
pub fn lapse_cutoff(today: NaiveDate) -> NaiveDate {
    today
        .checked_sub_days(Days::new(REVIEW_GRACE_DAYS))
        .unwrap_or(today)
}

/// A person of the household, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Normalised and checked (SPEC 3).
    pub id_number: String,
    pub name: String,
    pub relation: Relation,
    pub school_level: SchoolLevel,
    /// Receives dialysis (爱心透析).
    pub dialysis: bool,
}

/// The household's facts: what the category is computed from (SPEC 7.2, SPEC 11 `household`).
/// Money in fen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdFacts {
    /// Persons in the household; at least those listed (a person without an ID number yet, a
    /// newborn say, counts here without a row).
    pub size: u32,
    pub annual_income_fen: i64,
    /// Medical costs the household paid itself, after basic insurance and mutual aid.
    pub medical_self_paid_fen: i64,
    pub education_fen: i64,
    /// Study abroad at own expense: recorded, counted as 0 (SPEC 7.2).
    pub education_abroad_self_funded_fen: i64,
    pub disaster_loss_fen: i64,
    /// The head first (relation `self`), then the others as given.
    pub people: Vec<Person>,
}

/// A person as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonInput {
    pub id_number: String,
    pub name: String,
    pub relation: String,
    #[serde(default)]
    pub school_level: Option<String>,
    #[serde(default)]
    pub dialysis: bool,
}

/// The facts as typed (amounts already in fen).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactsInput {
    pub size: u32,
    pub annual_income_fen: i64,
    pub medical_self_paid_fen: i64,
    #[serde(default)]
    pub education_fen: i64,
    #[serde(default)]
    pub education_abroad_self_funded_fen: i64,
    #[serde(default)]
    pub disaster_loss_fen: i64,
    /// The people other than the head, or all of them with the head as `self`.
    #[serde(default)]
    pub people: Vec<PersonInput>,
}

/// A fact that is not acceptable, naming the field (`people[1].id_number`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FactsError {
    pub field: String,
    pub message: String,
}

fn fact_error(field: impl Into<String>, message: impl Into<String>) -> FactsError {
    FactsError {
        field: field.into(),
        message: message.into(),
    }
}

fn amount(field: &str, v: i64) -> Result<i64, FactsError> {
    if !(0..=MAX_FACT_FEN).contains(&v) {
        return Err(fact_error(
            field,
            "金额须在0至100,000,000.00元之间 (the amount must be between 0 and 100,000,000.00 yuan)",
        ));
    }
    Ok(v)
}

impl FactsInput {
    /// Validates the facts of the household whose head is `head_id` named `head_name`. The head
    /// is added as `self` when the list leaves them out; a `self` row must be the head. ID numbers
    /// are checked and normalised and may appear once; the size is at least the people listed.
    pub fn validate(
        &self,
        head_id: &str,
        head_name: &str,
        today: NaiveDate,
    ) -> Result<HouseholdFacts, FactsError> {
        let mut people = Vec::with_capacity(self.people.len() + 1);
        if self.people.len() > MAX_HOUSEHOLD {
            return Err(fact_error(
                "people",
                format!("家庭成员最多{MAX_HOUSEHOLD}人 (at most {MAX_HOUSEHOLD} people)"),
            ));
        }
        let mut seen = BTreeSet::new();
        let mut head_listed = false;
        for (i, p) in self.people.iter().enumerate() {
            let f = |name: &str| format!("people[{i}].{name}");
            let id = IdNumber::parse(&p.id_number, today)
                .map_err(|e| fact_error(f("id_number"), e.to_string()))?;
            let name =
                PersonName::parse(&p.name).map_err(|e| fact_error(f("name"), e.to_string()))?;
            let relation = Relation::parse(&p.relation).ok_or_else(|| {
                fact_error(
                    f("relation"),
                    format!(
                        "与户主关系“{}”无效 (unknown relation '{}')",
                        p.relation, p.relation
                    ),
                )
            })?;
            let school_level = match p.school_level.as_deref().map(str::trim) {
                None | Some("") => SchoolLevel::None,
                Some(raw) => SchoolLevel::parse(raw).ok_or_else(|| {
                    fact_error(
                        f("school_level"),
                        format!("在学阶段“{raw}”无效 (unknown school level '{raw}')"),
                    )
                })?,
            };
            if relation == Relation::Head {
                if id.as_str() != head_id || head_listed {
                    return Err(fact_error(
                        f("relation"),
                        "“本人”只能是户主 (only the head is 'self')",
                    ));
                }
                head_listed = true;
            } else if id.as_str() == head_id {
                return Err(fact_error(
                    f("relation"),
                    "户主的关系应为“本人” (the head's relation is 'self')",
                ));
            }
            if !seen.insert(id.as_str().to_string()) {
                return Err(fact_error(
                    f("id_number"),
                    "同一身份证号在本户出现两次 (the same ID number appears twice)",
                ));
            }
            people.push(Person {
                id_number: id.as_str().to_string(),
                name: name.as_str().to_string(),
                relation,
                school_level,
                dialysis: p.dialysis,
            });
        }
        if !head_listed {
            people.insert(
                0,
                Person {
                    id_number: head_id.to_string(),
                    name: head_name.to_string(),
                    relation: Relation::Head,
                    school_level: SchoolLevel::None,
                    dialysis: false,
                },
            );
        } else {
            people.sort_by_key(|p| p.relation != Relation::Head);
        }
        if self.size == 0 || self.size as usize > MAX_HOUSEHOLD {
            return Err(fact_error(
                "size",
                format!("家庭人口须为1至{MAX_HOUSEHOLD}人 (household size must be 1 to {MAX_HOUSEHOLD})"),
            ));
        }
        if (self.size as usize) < people.len() {
            return Err(fact_error(
                "size",
                format!(
                    "家庭人口{}少于所列成员{}人 (size {} is less than the {} people listed)",
                    self.size,
                    people.len(),
                    self.size,
                    people.len()
                ),
            ));
        }
        Ok(HouseholdFacts {
            size: self.size,
            annual_income_fen: amount("annual_income_fen", self.annual_income_fen)?,
            medical_self_paid_fen: amount("medical_self_paid_fen", self.medical_self_paid_fen)?,
            education_fen: amount("education_fen", self.education_fen)?,
            education_abroad_self_funded_fen: amount(
                "education_abroad_self_funded_fen",
                self.education_abroad_self_funded_fen,
            )?,
            disaster_loss_fen: amount("disaster_loss_fen", self.disaster_loss_fen)?,
            people,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use HouseholdState as S;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_happy_path_runs_from_application_to_admission() {
        let mut s = S::Applied;
        for step in [
            Step::Visit {
                on: d("2026-03-02"),
            },
            Step::Review,
            Step::StartNotice,
            Step::Admit,
        ] {
            s = transition(s, &step).unwrap();
        }
        assert_eq!(s, S::Admitted);
    }

    #[test]
    fn steps_out_of_order_are_illegal() {
        assert_eq!(
            transition(S::Applied, &Step::Review),
            Err(ArchiveError::IllegalStep {
                from: S::Applied,
                step: StepKind::Review
            })
        );
        assert!(transition(S::Visited, &Step::StartNotice).is_err());
        assert!(transition(S::Reviewed, &Step::Admit).is_err());
        assert!(transition(S::Applied, &Step::Lapse).is_err());
        assert!(transition(S::Admitted, &Step::Refuse).is_err());
        assert!(transition(
            S::Refused,
            &Step::Visit {
                on: d("2026-03-02")
            }
        )
        .is_err());
        assert!(transition(S::Exited, &Step::YearlyReview { in_hardship: true }).is_err());
        assert!(transition(S::Lapsed, &Step::Lapse).is_err());
    }

    #[test]
    fn every_state_before_admission_may_be_refused_and_none_after() {
        for s in HouseholdState::ALL {
            let refused = transition(*s, &Step::Refuse).is_ok();
            let before = matches!(s, S::Applied | S::Visited | S::Reviewed | S::InNotice);
            assert_eq!(refused, before, "{s:?}");
        }
    }

    #[test]
    fn a_yearly_review_keeps_or_ends_the_record_by_the_recomputed_category() {
        assert_eq!(
            transition(S::Admitted, &Step::YearlyReview { in_hardship: true }),
            Ok(S::Admitted)
        );
        assert_eq!(
            transition(S::Lapsed, &Step::YearlyReview { in_hardship: true }),
            Ok(S::Admitted)
        );
        assert_eq!(
            transition(S::Admitted, &Step::YearlyReview { in_hardship: false }),
            Ok(S::Exited)
        );
        assert_eq!(
            transition(
                S::Admitted,
                &Step::Exit {
                    reason: ExitReason::OutOfHardship
                }
            ),
            Err(ArchiveError::OutOfHardshipWithoutReview)
        );
        assert_eq!(
            transition(
                S::Lapsed,
                &Step::Exit {
                    reason: ExitReason::Deceased
                }
            ),
            Ok(S::Exited)
        );
    }

    #[test]
    fn only_refused_and_exited_records_free_the_household() {
        let open: Vec<_> = HouseholdState::ALL
            .iter()
            .filter(|s| !s.is_open())
            .collect();
        assert_eq!(open, vec![&S::Refused, &S::Exited]);
        assert!(S::Admitted.is_active());
        assert!(!S::Lapsed.is_active());
    }

    #[test]
    fn a_record_lapses_on_the_thirty_first_day_after_its_anniversary() {
        let admitted = d("2025-03-10");
        let until = valid_until(admitted);
        assert_eq!(until, d("2026-03-10"));
        assert!(!lapse_due(until, d("2026-04-09")));
        assert!(lapse_due(until, d("2026-04-10")));
        assert!(d("2026-03-10") < lapse_cutoff(d("2026-04-10")));
        assert!(d("2026-03-10") >= lapse_cutoff(d("2026-04-09")));
        assert_eq!(valid_until(d("2024-02-29")), d("2025-02-28"));
        assert_eq!(renewed_until(until, d("2026-02-20")), d("2027-03-10"));
        assert_eq!(renewed_until(until, d("2026-05-01")), d("2027-05-01"));
    }

    #[test]
    fn visits_and_reviews_follow_their_rules() {
        assert!(check_visit_date(d("2026-03-02"), d("2026-03-01"), d("2026-03-05")).is_ok());
        assert!(check_visit_date(d("2026-02-28"), d("2026-03-01"), d("2026-03-05")).is_err());
        assert!(check_visit_date(d("2026-03-06"), d("2026-03-01"), d("2026-03-05")).is_err());
        assert_eq!(
            check_reviewer(Some("street1"), "street1"),
            Err(ArchiveError::SameReviewer)
        );
        assert!(check_reviewer(Some("street1"), "district1").is_ok());
    }

    const HEAD: &str = "330106198503150024";

    fn facts() -> FactsInput {
        FactsInput {
            size: 3,
            annual_income_fen: 4_200_000,
            medical_self_paid_fen: 2_600_000,
            education_fen: 800_000,
            people: vec![PersonInput {
                id_number: "11010519491231002x".into(),
                name: "李四".into(),
                relation: "parent".into(),
                school_level: None,
                dialysis: true,
            }],
            ..FactsInput::default()
        }
    }

    #[test]
    fn facts_add_the_head_and_normalise_id_numbers() {
        let f = facts().validate(HEAD, "张三", d("2026-03-01")).unwrap();
        assert_eq!(f.people.len(), 2);
        assert_eq!(f.people[0].relation, Relation::Head);
        assert_eq!(f.people[0].id_number, HEAD);
        assert_eq!(f.people[1].id_number, "11010519491231002X");
        assert!(f.people[1].dialysis);
        assert_eq!(f.people[1].school_level, SchoolLevel::None);
    }

    #[test]
    fn bad_facts_name_their_field() {
        let field = |f: FactsInput| f.validate(HEAD, "张三", d("2026-03-01")).unwrap_err().field;
        let mut f = facts();
        f.people[0].id_number = "110105194912310021".into();
        assert_eq!(field(f), "people[0].id_number");
        let mut f = facts();
        f.people[0].relation = "cousin".into();
        assert_eq!(field(f), "people[0].relation");
        let mut f = facts();
        f.people[0].school_level = Some("kindergarten".into());
        assert_eq!(field(f), "people[0].school_level");
        let mut f = facts();
        f.people.push(f.people[0].clone());
        assert_eq!(field(f), "people[1].id_number");
        let mut f = facts();
        f.people[0].id_number = HEAD.into();
        assert_eq!(field(f), "people[0].relation");
        let mut f = facts();
        f.size = 1;
        assert_eq!(field(f), "size");
        let mut f = facts();
        f.annual_income_fen = -1;
        assert_eq!(field(f), "annual_income_fen");
        let mut f = facts();
        f.disaster_loss_fen = MAX_FACT_FEN + 1;
        assert_eq!(field(f), "disaster_loss_fen");
    }

    #[test]
    fn every_code_parses_back() {
        for s in HouseholdState::ALL {
            assert_eq!(HouseholdState::parse(s.code()), Some(*s));
        }
        for l in Level::ALL {
            assert_eq!(Level::parse(l.code()), Some(*l));
        }
        for r in ExitReason::ALL {
            assert_eq!(ExitReason::parse(r.code()), Some(*r));
        }
        assert_eq!(Relation::parse("self"), Some(Relation::Head));
        assert_eq!(
            SchoolLevel::parse("junior_college"),
            Some(SchoolLevel::JuniorCollege)
        );
    }
}
