//! Assistance programmes 帮扶项目 as data (SPEC 7.1, 11): eligibility conditions, amount rules, caps,
//! the uniqueness key, documents, approval levels and the 公示, read from a versioned TOML file
//! (`programmes/*.toml`, `docs/programme-format.md`). A small typed vocabulary, not an expression
//! language: every error is found by [`Programme::from_toml`] (`huzhu programme check`), never
//! while deciding. [`assess`] decides one [`Case`] (SPEC 11) purely: no I/O, no clock, no floats.

mod assess;
mod case;
mod diff;
mod file;
mod text;

pub use assess::{assess, Assessment, Line, Refusal};
pub use case::{
    Archive, Case, CaseError, CaseMember, Diagnosis, Donation, Grant, Household, Medical, Person,
    SchoolLevel,
};
pub use diff::{describe, diff};
pub use file::{ProgrammeError, ProgrammeErrors};

use crate::money::Money;
use crate::policy::Rate;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// (id, file text), in the order `huzhu programme list` shows them.
pub const BUILTIN: [(&str, &str); 7] = [
    (
        "hardship-archive",
        include_str!("../../../../programmes/hardship-archive.toml"),
    ),
    (
        "dialysis-relief",
        include_str!("../../../../programmes/dialysis-relief.toml"),
    ),
    (
        "major-illness-relief",
        include_str!("../../../../programmes/major-illness-relief.toml"),
    ),
    (
        "golden-autumn",
        include_str!("../../../../programmes/golden-autumn.toml"),
    ),
    (
        "one-off-relief",
        include_str!("../../../../programmes/one-off-relief.toml"),
    ),
    (
        "two-festivals-2026",
        include_str!("../../../../programmes/two-festivals-2026.toml"),
    ),
    // donation module (春风行动, issue 16)
    (
        "spring-breeze-repay",
        include_str!("../../../../programmes/spring-breeze-repay.toml"),
    ),
];

pub fn builtin_names() -> impl Iterator<Item = &'static str> {
    BUILTIN.iter().map(|(n, _)| *n)
}

/// The built-in programme of that id, parsed; `None` when no built-in has the id.
pub fn builtin(id: &str) -> Option<Result<Programme, ProgrammeErrors>> {
    BUILTIN
        .iter()
        .find(|(n, _)| *n == id)
        .map(|(_, text)| Programme::from_toml(text))
}

/// A validated programme. Reached only through [`Programme::from_toml`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Programme {
    pub id: String,
    pub name: String,
    pub name_en: Option<String>,
    pub version: String,
    pub owner: Owner,
    pub fund: Fund,
    pub kind: ProgrammeKind,
    pub cycle: Cycle,
    pub uniqueness: Uniqueness,
    pub notice: Notice,
    /// Required documents, in the order `missing_documents` lists them.
    pub documents: Vec<Document>,
    /// By amount, ascending; the last has no `up_to`.
    pub approval: Vec<Approval>,
    /// Checked in file order; every failed one is a refusal.
    pub conditions: Vec<Condition>,
    /// Applied in file order; each paying one is a line.
    pub amounts: Vec<AmountRule>,
    /// Parameters marked `assumed` in the file: where → why.
    pub assumptions: Vec<(String, String)>,
}

impl Programme {
    /// Parses and checks a programme file; every error names its line.
    pub fn from_toml(text: &str) -> Result<Programme, ProgrammeErrors> {
        file::parse(text)
    }

    /// The cycle label of a decision date: `"2026"`.
    pub fn cycle_of(&self, as_of: NaiveDate) -> String {
        match &self.cycle {
            Cycle::CalendarYear => as_of.year().to_string(),
            Cycle::AcademicYear => {
                if as_of.month() >= 9 {
                    as_of.year().to_string()
                } else {
                    (as_of.year() - 1).to_string()
                }
            }
            Cycle::Window { label, .. } => label.clone(),
        }
    }

    /// The approving level for a total amount.
    pub fn approval_for(&self, amount: Money) -> Option<&str> {
        self.approval
            .iter()
            .find(|a| a.up_to.is_none_or(|u| amount <= u))
            .map(|a| a.level.as_str())
    }
}

/// The org level that runs a programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    City,
    District,
    Street,
    Unit,
}

impl Owner {
    pub fn parse(raw: &str) -> Option<Owner> {
        Some(match raw {
            "city" => Owner::City,
            "district" => Owner::District,
            "street" => Owner::Street,
            "unit" => Owner::Unit,
            _ => return None,
        })
    }
    pub fn code(self) -> &'static str {
        match self {
            Owner::City => "city",
            Owner::District => "district",
            Owner::Street => "street",
            Owner::Unit => "unit",
        }
    }
}

/// The fund a programme pays from (SPEC 7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fund {
    /// 帮扶资金
    Hardship,
    /// 春风基金
    SpringBreeze,
    /// 送温暖经费
    Campaign,
}

impl Fund {
    pub fn parse(raw: &str) -> Option<Fund> {
        Some(match raw {
            "hardship" => Fund::Hardship,
            "spring_breeze" => Fund::SpringBreeze,
            "campaign" => Fund::Campaign,
            _ => return None,
        })
    }
    pub fn code(self) -> &'static str {
        match self {
            Fund::Hardship => "hardship",
            Fund::SpringBreeze => "spring_breeze",
            Fund::Campaign => "campaign",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgrammeKind {
    /// The hardship archive: answers a category.
    Archive,
    /// Cash reliefs.
    Relief,
    /// Care campaigns: cash and gift packs.
    Campaign,
}

impl ProgrammeKind {
    pub fn parse(raw: &str) -> Option<ProgrammeKind> {
        Some(match raw {
            "archive" => ProgrammeKind::Archive,
            "relief" => ProgrammeKind::Relief,
            "campaign" => ProgrammeKind::Campaign,
            _ => return None,
        })
    }
    pub fn code(self) -> &'static str {
        match self {
            ProgrammeKind::Archive => "archive",
            ProgrammeKind::Relief => "relief",
            ProgrammeKind::Campaign => "campaign",
        }
    }
}

/// The hardship category of a household (SPEC 7.2), computed from facts, never typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 深度困难
    Deep,
    /// 相对困难
    Relative,
    /// 意外致困
    Accident,
}

impl Category {
    pub const ALL: [Category; 3] = [Category::Deep, Category::Relative, Category::Accident];
    pub fn parse(raw: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.code() == raw)
    }
    pub fn code(self) -> &'static str {
        match self {
            Category::Deep => "deep",
            Category::Relative => "relative",
            Category::Accident => "accident",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Category::Deep => "深度困难",
            Category::Relative => "相对困难",
            Category::Accident => "意外致困",
        }
    }
}

/// How the cycle label follows from `as_of`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cycle {
    /// The calendar year of `as_of`.
    CalendarYear,
    /// The academic year containing `as_of`, from 1 September, named by its first year.
    AcademicYear,
    /// A campaign window: one label; `as_of` outside it is refused `outside_window`.
    Window {
        label: String,
        start: NaiveDate,
        end: NaiveDate,
        clause: String,
    },
}

/// Whose key a grant carries (SPEC 7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Member,
    Patient,
    Student,
    /// The household, keyed by its head (the member).
    Household,
}

impl Subject {
    pub fn parse(raw: &str) -> Option<Subject> {
        Some(match raw {
            "member" => Subject::Member,
            "patient" => Subject::Patient,
            "student" => Subject::Student,
            "household" => Subject::Household,
            _ => return None,
        })
    }
    pub fn code(self) -> &'static str {
        match self {
            Subject::Member => "member",
            Subject::Patient => "patient",
            Subject::Student => "student",
            Subject::Household => "household",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uniqueness {
    pub subject: Subject,
    /// 1: once per subject and cycle (`already_granted`); N > 1: the key ends in `:n`, the n-th
    /// grant of the cycle, and a `max_grants_per_cycle` condition of N refuses more.
    pub per_cycle: u32,
    pub clause: String,
}

/// 公示: whether an admission waits for a public notice, and for how many working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Notice {
    pub required: bool,
    pub working_days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub id: String,
    pub name: String,
    pub name_en: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    /// Amounts up to and including this total; `None`: any amount.
    pub up_to: Option<Money>,
    pub level: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub clause: String,
    pub rule: ConditionRule,
}

/// The conditions a programme may set. A new programme needing a new kind extends this enum and
/// the file format together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConditionRule {
    /// An archive record, `active: true`, with one of `categories` (empty: any):
    /// `not_archived`, `archive_inactive`, `category_not_covered`.
    ArchiveActive { categories: Vec<Category> },
    /// A member with `tag` needs `months` of employment in the city by `as_of`:
    /// `employment_too_short`.
    MinEmploymentMonths { tag: String, months: u32 },
    /// A diagnosis dated in the cycle (`no_illness`) with a code of the list (`not_in_list`).
    DiagnosisInList {
        policy: String,
        list: String,
        codes: Vec<String>,
    },
    /// Out-of-pocket = total − insurance − mutual aid ≥ amount: `below_threshold`.
    OutOfPocketAtLeast { amount: Money },
    /// A household person on dialysis: `no_dialysis`. The patients are the subjects.
    HasDialysisPatient,
    /// A household person at one of `levels`: `no_student`. The students are the subjects.
    HasStudent { levels: Vec<SchoolLevel> },
    /// The officer's amount within `min..=max`: `amount_out_of_range`.
    RequestedBetween { min: Money, max: Money },
    /// Fewer than `count` earlier grants of the member in the cycle: `too_many_grants`.
    MaxGrantsPerCycle { count: u32 },
    /// Earlier grants of the member in the cycle plus this one ≤ amount: `cap_reached`.
    MaxAmountPerCycle { amount: Money },
    /// At least `count` donations in the `years` years up to `as_of`: `too_few_donations`.
    MinDonations { count: u32, years: u32 },
    /// 春风反哺 (donation module): ill in the cycle — mutual aid paid to the member
    /// (`medical.mutual_aid_paid_fen > 0`, a missing `medical` reads as none) or a grant of
    /// `relief` whose key names the cycle and the member: else `no_illness`.
    FellIll { relief: String },
}

impl ConditionRule {
    pub fn code(&self) -> &'static str {
        match self {
            ConditionRule::ArchiveActive { .. } => "archive_active",
            ConditionRule::MinEmploymentMonths { .. } => "min_employment_months",
            ConditionRule::DiagnosisInList { .. } => "diagnosis_in_list",
            ConditionRule::OutOfPocketAtLeast { .. } => "out_of_pocket_at_least",
            ConditionRule::HasDialysisPatient => "has_dialysis_patient",
            ConditionRule::HasStudent { .. } => "has_student",
            ConditionRule::RequestedBetween { .. } => "requested_between",
            ConditionRule::MaxGrantsPerCycle { .. } => "max_grants_per_cycle",
            ConditionRule::MaxAmountPerCycle { .. } => "max_amount_per_cycle",
            ConditionRule::MinDonations { .. } => "min_donations",
            ConditionRule::FellIll { .. } => "fell_ill",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmountRule {
    pub clause: String,
    pub rule: AmountKind,
}

/// One band of an amount by bands: `from ≤ x < to` pays `amount`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Band {
    pub from: Money,
    pub to: Option<Money>,
    pub amount: Money,
}

/// The amount rules a programme may use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AmountKind {
    /// The archive category from the household's facts (SPEC 7.2); line `category`, amount 0;
    /// none of the three: `income_above_line`.
    CategoryOfHousehold {
        /// L, the minimum-living line per person and month.
        line: Money,
        /// `relative`: p < multiple × L.
        relative_multiple: u32,
        /// `accident`: (medical self-paid + disaster loss) > rate × annual income.
        accident_rate: Rate,
    },
    /// A fixed amount per subject (each patient, each student or the member): line `fixed`.
    PerSubjectFixed { amount: Money },
    /// By the student's school level: line `by_level`, one per student.
    PerStudentByLevel { table: Vec<(SchoolLevel, Money)> },
    /// By the out-of-pocket band: line `band`.
    Band { bands: Vec<Band> },
    /// `rate` more of the lines before it for an active archive record of `category`, the total
    /// never above `cap`: line `<category>_uplift`.
    CategoryUplift {
        category: Category,
        rate: Rate,
        cap: Money,
    },
    /// The officer's requested amount: line `requested`.
    Requested,
    /// The largest cash amount of the member's bases, once, and at most one gift pack: line
    /// `largest_of`. No basis: `archive_inactive` or `not_in_list`.
    LargestOf {
        categories: Vec<(Category, Money)>,
        tags: Vec<(String, Money)>,
        gift_pack_tags: Vec<String>,
    },
}

impl AmountKind {
    pub fn code(&self) -> &'static str {
        match self {
            AmountKind::CategoryOfHousehold { .. } => "category_of_household",
            AmountKind::PerSubjectFixed { .. } => "per_subject_fixed",
            AmountKind::PerStudentByLevel { .. } => "per_student_by_level",
            AmountKind::Band { .. } => "band",
            AmountKind::CategoryUplift { .. } => "category_uplift",
            AmountKind::Requested => "requested",
            AmountKind::LargestOf { .. } => "largest_of",
        }
    }
}
