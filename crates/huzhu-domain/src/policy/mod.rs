//! Policies 互助保障办法 as data (SPEC section 4): one region's rules for one cycle, read from a
//! versioned TOML file that a union officer can edit. Nothing in the engine names a policy: every
//! amount, list, cap and order below comes from the file (`docs/policy-format.md`).

mod builtin;
mod diff;
mod file;
mod next;
mod rate;

pub use builtin::{builtin, builtin_names, BUILTIN};
pub use diff::{describe, diff};
pub(crate) use file::{english, line_of, syntax_message, Yuan};
pub use file::{PolicyError, PolicyErrors};
pub use next::{move_date, next_cycle, with_enrolment_window, NextCycle, NextCycleError};
pub use rate::{Rate, RateError};

use crate::id_number::Gender;
use crate::member::EmploymentStatus;
use crate::money::Money;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A validated policy. Reached only through [`Policy::from_toml`], which checks it as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub id: String,
    pub name: String,
    /// The English name (`name_en`), for English pages; `None`: they show [`Policy::name`].
    pub name_en: Option<String>,
    pub version: String,
    pub region: String,
    /// Social-security regions under this prefix are "home"; others need the out-of-region documents.
    pub home_region_prefix: String,
    pub cycle: DateRange,
    pub enrolment: Enrolment,
    pub waiting: WaitingPeriod,
    /// 申报截止: claims submitted after it are `late_submission`.
    pub claim_deadline: NaiveDate,
    pub overall_cap: Option<OverallCap>,
    /// Where a diagnosis code in none of the lists is reported as `not_covered`; `None`: a
    /// policy without diagnosis benefits ignores diagnoses.
    pub unlisted_diagnosis: Option<BenefitRef>,
    /// Documents in the order they are listed in decisions.
    pub documents: Vec<Document>,
    /// Documents every hospital stay needs, whatever it claims.
    pub stay_documents: Vec<String>,
    /// Disease code → (list id, name); lists keep their codes sorted.
    pub diseases: BTreeMap<String, DiseaseEntry>,
    pub disease_lists: Vec<DiseaseList>,
    /// Items in evaluation order.
    pub items: Vec<Item>,
    /// Clause identifiers of the general rules, by reason code.
    pub clauses: BTreeMap<String, String>,
    /// Parameters marked `assumed` in the file: dotted key → why.
    pub assumptions: Vec<(String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl DateRange {
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.start <= d && d <= self.end
    }
}

/// Who may enrol and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolment {
    pub window: DateRange,
    /// `unit`: a unit enrols its members, never a member alone.
    pub by: String,
    /// `unit` or `federation` (lucheng's model workers: the federation pays).
    pub paid_by: String,
    pub max_shares: u32,
    pub eligible_status: Vec<EmploymentStatus>,
}

impl Enrolment {
    /// Whether the federation pays the contributions instead of the enrolling unit
    /// (`contributions_paid_by = "federation"`); else `unit`, the only other value a policy file
    /// may give.
    pub fn federation_pays(&self) -> bool {
        self.paid_by.trim() == "federation"
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitingPeriod {
    pub days: u32,
    pub waived_on_renewal: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverallCap {
    pub amount: Money,
    pub items: Vec<String>,
    pub clause: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct BenefitRef {
    pub item: String,
    pub benefit: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub id: String,
    pub name: String,
    /// The English name (`name_en`); `None`: English pages show the Chinese name.
    pub name_en: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiseaseEntry {
    pub list: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiseaseList {
    pub id: String,
    pub name: String,
    /// The English name (`name_en`); `None`: English pages show the Chinese name.
    pub name_en: Option<String>,
    pub codes: Vec<String>,
}

/// Something with a Chinese name and, optionally, an English one (`name_en` in the file).
pub trait Named {
    fn name_zh(&self) -> &str;
    fn name_en(&self) -> Option<&str>;

    /// The English name where there is one, else the Chinese name.
    fn english_name(&self) -> &str {
        self.name_en().unwrap_or_else(|| self.name_zh())
    }
}

macro_rules! named {
    ($($t:ty),*) => {$(
        impl Named for $t {
            fn name_zh(&self) -> &str {
                &self.name
            }
            fn name_en(&self) -> Option<&str> {
                self.name_en.as_deref()
            }
        }
    )*};
}

named!(Policy, Document, DiseaseList, Item, Benefit);

/// How a contribution is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContributionPeriod {
    Cycle,
    Month,
}

/// 保障项目.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub id: String,
    pub name: String,
    /// The English name (`name_en`); `None`: English pages show the Chinese name.
    pub name_en: Option<String>,
    pub contribution: Money,
    pub contribution_period: ContributionPeriod,
    /// Cap per share per cycle; `None`: no item cap.
    pub cap: Option<Money>,
    pub cap_clause: String,
    /// Fixed amounts and caps multiply by the member's shares.
    pub scales_with_shares: bool,
    /// Only members of this gender (from the ID number) are covered (`gender`).
    pub gender: Option<Gender>,
    /// Who approves claims on this item (`city`, `district`, …).
    pub approval: String,
    pub benefits: Vec<Benefit>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Benefit {
    pub id: String,
    pub name: String,
    /// The English name (`name_en`); `None`: English pages show the Chinese name.
    pub name_en: Option<String>,
    pub clause: String,
    pub rule: Rule,
    pub once_per_cycle: bool,
    /// Outside the item cap and the overall cap (hangzhou's care payment).
    pub outside_caps: bool,
    /// Treatment benefits need a hospital of at least this grade (`hospital_grade`).
    pub min_hospital_grade: Option<u8>,
    /// A stay whose main treatment is rehabilitation is refused (`rehabilitation`).
    pub excludes_rehabilitation: bool,
    pub documents: Vec<String>,
    pub outpatient_documents: Vec<String>,
    pub out_of_region_documents: Vec<String>,
}

/// The kinds of rule a benefit can follow. A new policy needing a new kind extends this enum and
/// the file format together, never a policy-specific branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// A share of the cycle's cumulative eligible cost, by bands (hangzhou A.1). Triggered by
    /// stays and, when `outpatient_diseases` is not empty, by outpatient care of those diseases.
    CostTiers {
        costs: Arc<[CostComponent]>,
        tiers: Arc<[Tier]>,
        outpatient_diseases: Vec<String>,
        refuse_duplicate_invoice: bool,
    },
    /// A fixed amount on a diagnosis of a listed disease (B.1, B.2, C).
    Diagnosis {
        diseases: Vec<String>,
        amount: Money,
        first_diagnosis: bool,
        /// Diseases paid by this benefit only when their first onset causes death inside the
        /// cycle (wenzhou-2018: a special disease that kills is paid as a major disease).
        on_death: Vec<String>,
    },
    /// An amount per hospital day, at most `max_days` days a cycle (B.3).
    Daily {
        per_day: Money,
        max_days: Option<u32>,
    },
    /// A fixed amount on request, after a line above 0 of `requires` (same item) in an earlier
    /// claim of the cycle (hangzhou's care payment 关爱慰问金).
    AfterBenefit { requires: String, amount: Money },
}

/// A component of the settlement statement 结算单.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CostComponent {
    Total,
    PooledFund,
    PersonalAccount,
    SelfBorne,
    SelfPayClassB,
    SelfPayExcluded,
}

impl CostComponent {
    pub const ALL: [CostComponent; 6] = [
        CostComponent::Total,
        CostComponent::PooledFund,
        CostComponent::PersonalAccount,
        CostComponent::SelfBorne,
        CostComponent::SelfPayClassB,
        CostComponent::SelfPayExcluded,
    ];
    pub fn code(self) -> &'static str {
        match self {
            CostComponent::Total => "total",
            CostComponent::PooledFund => "pooled_fund",
            CostComponent::PersonalAccount => "personal_account",
            CostComponent::SelfBorne => "self_borne",
            CostComponent::SelfPayClassB => "self_pay_class_b",
            CostComponent::SelfPayExcluded => "self_pay_excluded",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            CostComponent::Total => "医疗费总额",
            CostComponent::PooledFund => "统筹支付",
            CostComponent::PersonalAccount => "个人账户支付",
            CostComponent::SelfBorne => "自负",
            CostComponent::SelfPayClassB => "自理",
            CostComponent::SelfPayExcluded => "自费",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            CostComponent::Total => "total cost",
            CostComponent::PooledFund => "pooled fund",
            CostComponent::PersonalAccount => "personal account",
            CostComponent::SelfBorne => "self-borne",
            CostComponent::SelfPayClassB => "class-B self-pay",
            CostComponent::SelfPayExcluded => "excluded self-pay",
        }
    }
    pub fn parse(raw: &str) -> Option<CostComponent> {
        CostComponent::ALL.into_iter().find(|c| c.code() == raw)
    }
}

/// One band of a tiered benefit: `rate` of the part of x between `from` and `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tier {
    pub from: Money,
    pub to: Option<Money>,
    pub rate: Rate,
}

impl Policy {
    /// Parses and checks a policy file; every error names its line.
    pub fn from_toml(text: &str) -> Result<Policy, PolicyErrors> {
        file::parse(text)
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    /// `hangzhou-2022 A.1`
    pub fn clause(&self, local: &str) -> String {
        format!("{} {}", self.id, local)
    }

    /// The clause of a general rule, by reason code (`late_submission` → `hangzhou-2022 G.4`).
    pub fn rule_clause(&self, reason: &str) -> String {
        match self.clauses.get(reason) {
            Some(c) => self.clause(c),
            None => self.clause(&format!("G.{reason}")),
        }
    }

    pub fn document_name(&self, id: &str) -> Option<&str> {
        self.documents
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.name.as_str())
    }

    pub fn disease_name(&self, code: &str) -> Option<&str> {
        self.diseases.get(code).map(|d| d.name.as_str())
    }
}

impl Policy {
    /// The same policy with every name that has an English one (`name_en`) replaced by it: for
    /// pages shown in English. The rules are untouched.
    pub fn in_english(&self) -> Policy {
        fn en(name: &mut String, english: &Option<String>) {
            if let Some(e) = english {
                name.clone_from(e);
            }
        }
        let mut p = self.clone();
        en(&mut p.name, &self.name_en);
        for d in &mut p.documents {
            let e = d.name_en.clone();
            en(&mut d.name, &e);
        }
        for l in &mut p.disease_lists {
            let e = l.name_en.clone();
            en(&mut l.name, &e);
        }
        for i in &mut p.items {
            let e = i.name_en.clone();
            en(&mut i.name, &e);
            for b in &mut i.benefits {
                let e = b.name_en.clone();
                en(&mut b.name, &e);
            }
        }
        p
    }
}

impl Item {
    pub fn benefit(&self, id: &str) -> Option<&Benefit> {
        self.benefits.iter().find(|b| b.id == id)
    }
}
