//! Review 审核 (SPEC 5 "Flags for review"): the signs that a decided claim deserves a second look,
//! and the federation's rule choosing which claims go to review — all flagged ones, a random share
//! (an audit sample, as openIMIS selects claims for review), amounts above a threshold.
//!
//! Pure and deterministic: the population norms and the random seed are passed in; the "random"
//! share is a hand-written stable hash of (seed, claim key), the same on every machine and release.
//! The choices made where SPEC 5 is silent are in `docs/review.md`.

use crate::engine::{Decision, Flag, Reason};
use crate::money::Money;
use crate::policy::CostComponent;
use crate::scenario::{Claim, Event};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// A sign that a claim deserves review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReviewFlag {
    /// 重复发票: an invoice number of the claim is in another claim of the member.
    DuplicateInvoice,
    /// 住院时间重叠: the stay shares a night with another stay of the member.
    OverlappingStay,
    /// 费用异常偏高: the amount is far above the norm for the diagnosis.
    AboveNorm,
    /// 等待期内发生: an event in the waiting period, the pattern of enrolling when already ill.
    WaitingPeriod,
}

impl ReviewFlag {
    pub fn code(self) -> &'static str {
        match self {
            ReviewFlag::DuplicateInvoice => "duplicate_invoice",
            ReviewFlag::OverlappingStay => "overlapping_stay",
            ReviewFlag::AboveNorm => "above_norm",
            ReviewFlag::WaitingPeriod => "waiting_period",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            ReviewFlag::DuplicateInvoice => "重复发票",
            ReviewFlag::OverlappingStay => "住院时间重叠",
            ReviewFlag::AboveNorm => "费用异常偏高",
            ReviewFlag::WaitingPeriod => "等待期内发生",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            ReviewFlag::DuplicateInvoice => "duplicate invoice",
            ReviewFlag::OverlappingStay => "overlapping stay",
            ReviewFlag::AboveNorm => "above the norm",
            ReviewFlag::WaitingPeriod => "in the waiting period",
        }
    }
}

/// One flag with what it rests on. Keeps the facts; the words are rendered on demand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlagNote {
    /// `invoice` is `None` when the engine saw the number in a claim not among those passed.
    DuplicateInvoice {
        invoice: Option<String>,
        other_claim: Option<String>,
    },
    OverlappingStay {
        other_claim: String,
        other_admitted: NaiveDate,
        other_discharged: NaiveDate,
        /// Nights (a same-day stay: its one day) the two stays share.
        shared_nights: u32,
    },
    AboveNorm {
        code: String,
        component: CostComponent,
        amount: Money,
        /// The mean of the samples, rounded half up to the fen (for reading; the test is exact).
        mean: Money,
        samples: u32,
        factor_num: u32,
        factor_den: u32,
    },
    /// The benefits refused as `waiting_period`, as (item, benefit).
    WaitingPeriod { refused: Vec<(String, String)> },
}

impl FlagNote {
    pub fn flag(&self) -> ReviewFlag {
        match self {
            FlagNote::DuplicateInvoice { .. } => ReviewFlag::DuplicateInvoice,
            FlagNote::OverlappingStay { .. } => ReviewFlag::OverlappingStay,
            FlagNote::AboveNorm { .. } => ReviewFlag::AboveNorm,
            FlagNote::WaitingPeriod { .. } => ReviewFlag::WaitingPeriod,
        }
    }

    pub fn other_claim(&self) -> Option<&str> {
        match self {
            FlagNote::DuplicateInvoice { other_claim, .. } => other_claim.as_deref(),
            FlagNote::OverlappingStay { other_claim, .. } => Some(other_claim),
            FlagNote::AboveNorm { .. } | FlagNote::WaitingPeriod { .. } => None,
        }
    }

    /// In Chinese, for the reviewer.
    pub fn detail_zh(&self) -> String {
        match self {
            FlagNote::DuplicateInvoice {
                invoice,
                other_claim,
            } => format!(
                "发票号{}已在申请{}中使用",
                invoice.as_deref().unwrap_or("（未知）"),
                other_claim.as_deref().unwrap_or("（本期以外或未提供）")
            ),
            FlagNote::OverlappingStay {
                other_claim,
                other_admitted,
                other_discharged,
                shared_nights,
            } => format!(
                "与申请{other_claim}的住院（{other_admitted}至{other_discharged}）重叠{shared_nights}天"
            ),
            FlagNote::AboveNorm {
                code,
                component,
                amount,
                mean,
                samples,
                factor_num,
                factor_den,
            } => format!(
                "{code}的{}{amount}元，不低于{samples}例均值{mean}元的{factor_num}/{factor_den}倍",
                component.label_zh()
            ),
            FlagNote::WaitingPeriod { refused } => {
                format!("等待期内发生（{}），需核实是否带病参保", pairs(refused))
            }
        }
    }

    /// In English.
    pub fn detail_en(&self) -> String {
        match self {
            FlagNote::DuplicateInvoice {
                invoice,
                other_claim,
            } => format!(
                "invoice {} is already in claim {}",
                invoice.as_deref().unwrap_or("(unknown)"),
                other_claim
                    .as_deref()
                    .unwrap_or("(outside the cycle or not given)")
            ),
            FlagNote::OverlappingStay {
                other_claim,
                other_admitted,
                other_discharged,
                shared_nights,
            } => format!(
                "shares {shared_nights} night(s) with the stay of claim {other_claim} ({other_admitted} to {other_discharged})"
            ),
            FlagNote::AboveNorm {
                code,
                component,
                amount,
                mean,
                samples,
                factor_num,
                factor_den,
            } => format!(
                "{} {amount} for {code} is at least {factor_num}/{factor_den} × the mean {mean} of {samples} claims",
                component.label_en()
            ),
            FlagNote::WaitingPeriod { refused } => format!(
                "event in the waiting period ({}): check for enrolment when already ill",
                pairs(refused)
            ),
        }
    }
}

fn pairs(refused: &[(String, String)]) -> String {
    refused
        .iter()
        .map(|(i, b)| format!("{i}.{b}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// When an amount is "far above the norm": at least `factor_num / factor_den` × the mean of the
/// known claims of the same code, once at least `min_samples` are known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NormRule {
    pub factor_num: u32,
    pub factor_den: u32,
    pub min_samples: u32,
    /// The settlement-statement component compared.
    pub component: CostComponent,
}

impl Default for NormRule {
    /// 3 × the mean 自负 of at least 30 claims: 自负 is always given on a treatment claim and is
    /// what item A pays on; the total is optional in a claim.
    fn default() -> Self {
        NormRule {
            factor_num: 3,
            factor_den: 1,
            min_samples: 30,
            component: CostComponent::SelfBorne,
        }
    }
}

/// Count and sum (exact, so the mean is exact) of one code's samples.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NormStat {
    pub count: u32,
    pub sum: i128,
}

/// The norms per diagnosis code, built by the caller from the claims it knows (of all members,
/// not including the claim under review).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Norms {
    pub rule: NormRule,
    pub by_code: BTreeMap<String, NormStat>,
}

impl Norms {
    /// From (code, amount) samples, the amounts being the rule's component.
    pub fn from_samples<S: Into<String>>(
        rule: NormRule,
        samples: impl IntoIterator<Item = (S, Money)>,
    ) -> Norms {
        let mut by_code: BTreeMap<String, NormStat> = BTreeMap::new();
        for (code, amount) in samples {
            let s = by_code.entry(code.into()).or_default();
            s.count = s.count.saturating_add(1);
            s.sum = s.sum.saturating_add(i128::from(amount.fen()));
        }
        Norms { rule, by_code }
    }

    /// From claims: each claim with a [`norm_code`] adds its amount of the rule's component.
    pub fn from_claims<'c>(rule: NormRule, claims: impl IntoIterator<Item = &'c Claim>) -> Norms {
        Norms::from_samples(
            rule,
            claims
                .into_iter()
                .filter_map(|c| norm_code(c).map(|code| (code, c.costs.get(rule.component)))),
        )
    }

    /// The note when `amount` is at least the factor × the mean of `code`'s samples. Exact:
    /// amount × count × den ≥ num × sum. An amount of 0 is never above any norm.
    fn above(&self, code: &str, amount: Money) -> Option<FlagNote> {
        let r = self.rule;
        let s = self.by_code.get(code)?;
        if s.count == 0 || s.count < r.min_samples || amount <= Money::ZERO {
            return None;
        }
        let lhs = i128::from(amount.fen())
            .checked_mul(i128::from(s.count))?
            .checked_mul(i128::from(r.factor_den))?;
        let rhs = s.sum.checked_mul(i128::from(r.factor_num))?;
        if lhs < rhs {
            return None;
        }
        let n = i128::from(s.count);
        let mean = (2 * s.sum + n).div_euclid(2 * n);
        Some(FlagNote::AboveNorm {
            code: code.to_string(),
            component: r.component,
            amount,
            mean: Money::from_fen(i64::try_from(mean).unwrap_or(i64::MAX)),
            samples: s.count,
            factor_num: r.factor_num,
            factor_den: r.factor_den,
        })
    }
}

/// The code a claim's norm is kept under: a stay's first diagnosis, an outpatient period's
/// designated disease. Diagnosis and care-payment claims pay fixed amounts and have no norm.
pub fn norm_code(claim: &Claim) -> Option<&str> {
    match &claim.event {
        Event::HospitalStay { .. } => claim.diagnoses.first().map(|d| d.disease.as_str()),
        Event::Outpatient { disease, .. } => Some(disease),
        Event::Diagnosis | Event::CarePayment => None,
    }
}

/// The nights of a stay as a half-open range of days [admitted, discharged): a stay discharged
/// on day d and one admitted on d share no night. A same-day stay occupies its one day.
fn nights(admitted: NaiveDate, discharged: NaiveDate) -> (NaiveDate, NaiveDate) {
    let end = if discharged > admitted {
        discharged
    } else {
        admitted.succ_opt().unwrap_or(admitted)
    };
    (admitted, end)
}

fn stay(claim: &Claim) -> Option<(NaiveDate, NaiveDate)> {
    match claim.event {
        Event::HospitalStay {
            admitted,
            discharged,
        } => Some((admitted, discharged)),
        _ => None,
    }
}

/// The review flags of a decided claim, in [`ReviewFlag`] order. `others` are the member's other
/// claims of the cycle, in any state (the claim itself, if included, is skipped by id).
pub fn flags(
    claim: &Claim,
    decision: &Decision,
    others: &[&Claim],
    norms: &Norms,
) -> Vec<FlagNote> {
    let others: Vec<&Claim> = others
        .iter()
        .copied()
        .filter(|o| o.id != claim.id)
        .collect();
    let mut notes = Vec::new();
    if decision.flags.contains(&Flag::DuplicateInvoice) {
        let before = notes.len();
        for o in &others {
            if let Some(inv) = claim.invoices.iter().find(|i| o.invoices.contains(i)) {
                notes.push(FlagNote::DuplicateInvoice {
                    invoice: Some(inv.clone()),
                    other_claim: Some(o.id.clone()),
                });
            }
        }
        if notes.len() == before {
            notes.push(FlagNote::DuplicateInvoice {
                invoice: None,
                other_claim: None,
            });
        }
    }
    if let Some((a, d)) = stay(claim) {
        let (a1, e1) = nights(a, d);
        for o in &others {
            let Some((oa, od)) = stay(o) else { continue };
            let (a2, e2) = nights(oa, od);
            let from = a1.max(a2);
            let to = e1.min(e2);
            if from < to {
                let shared = u32::try_from((to - from).num_days()).unwrap_or(u32::MAX);
                notes.push(FlagNote::OverlappingStay {
                    other_claim: o.id.clone(),
                    other_admitted: oa,
                    other_discharged: od,
                    shared_nights: shared,
                });
            }
        }
    }
    if let Some(code) = norm_code(claim) {
        if let Some(n) = norms.above(code, claim.costs.get(norms.rule.component)) {
            notes.push(n);
        }
    }
    let refused: Vec<(String, String)> = decision
        .not_payable
        .iter()
        .filter(|r| r.reason == Reason::WaitingPeriod)
        .map(|r| (r.item.clone(), r.benefit.clone()))
        .collect();
    if !refused.is_empty() {
        notes.push(FlagNote::WaitingPeriod { refused });
    }
    notes
}

/// The federation's rule for sending claims to review. The three tests are independent: a claim
/// can be chosen for several reasons, and all are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewRule {
    /// Every claim with at least one flag.
    pub all_flagged: bool,
    /// A share of all claims, in basis points (0–10,000; more is read as 10,000): an audit sample
    /// drawn whatever the flags.
    pub random_share_bp: u32,
    /// Claims whose payable amount is at or above this.
    pub amount_threshold: Option<Money>,
    /// Changes the sample; the same seed and key always draw the same.
    pub seed: u64,
}

impl Default for ReviewRule {
    fn default() -> Self {
        ReviewRule {
            all_flagged: true,
            random_share_bp: 0,
            amount_threshold: None,
            seed: 0,
        }
    }
}

/// Why a claim was chosen for review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectionReason {
    /// Its flags, in order, each once.
    Flagged(Vec<ReviewFlag>),
    AboveThreshold {
        payable: Money,
        threshold: Money,
    },
    /// Drawn in the audit sample: `draw` (0–9,999) < `share_bp`.
    Random {
        draw: u32,
        share_bp: u32,
    },
}

impl SelectionReason {
    pub fn zh(&self) -> String {
        match self {
            SelectionReason::Flagged(f) => format!(
                "存在审核标记：{}",
                f.iter()
                    .map(|f| f.label_zh())
                    .collect::<Vec<_>>()
                    .join("、")
            ),
            SelectionReason::AboveThreshold { payable, threshold } => {
                format!("应付{payable}元，不低于抽审金额{threshold}元")
            }
            SelectionReason::Random { share_bp, .. } => {
                format!("随机抽审（抽样比例{}）", percent(*share_bp))
            }
        }
    }
    pub fn en(&self) -> String {
        match self {
            SelectionReason::Flagged(f) => format!(
                "flagged: {}",
                f.iter()
                    .map(|f| f.label_en())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            SelectionReason::AboveThreshold { payable, threshold } => {
                format!("payable {payable} is at or above the review threshold {threshold}")
            }
            SelectionReason::Random { share_bp, .. } => {
                format!("random audit sample ({} of claims)", percent(*share_bp))
            }
        }
    }
}

/// `12.5%` from basis points.
fn percent(bp: u32) -> String {
    let bp = bp.min(10_000);
    match bp % 100 {
        0 => format!("{}%", bp / 100),
        r if r % 10 == 0 => format!("{}.{}%", bp / 100, r / 10),
        r => format!("{}.{:02}%", bp / 100, r),
    }
}

/// A claim chosen for review, with every reason that chose it (flags, threshold, sample).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewSelection {
    pub reasons: Vec<SelectionReason>,
}

impl ReviewSelection {
    pub fn zh(&self) -> String {
        self.reasons
            .iter()
            .map(SelectionReason::zh)
            .collect::<Vec<_>>()
            .join("；")
    }
    pub fn en(&self) -> String {
        self.reasons
            .iter()
            .map(SelectionReason::en)
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Whether a claim goes to review under `rule`, and why. `claim_key` identifies the claim stably
/// (its id in the store); the random draw depends only on (seed, key).
pub fn select_for_review(
    rule: &ReviewRule,
    claim_key: &str,
    payable: Money,
    flags: &[FlagNote],
) -> Option<ReviewSelection> {
    let mut reasons = Vec::new();
    if rule.all_flagged && !flags.is_empty() {
        let mut f: Vec<ReviewFlag> = flags.iter().map(FlagNote::flag).collect();
        f.sort();
        f.dedup();
        reasons.push(SelectionReason::Flagged(f));
    }
    if let Some(threshold) = rule.amount_threshold.filter(|t| payable >= *t) {
        reasons.push(SelectionReason::AboveThreshold { payable, threshold });
    }
    let draw = review_draw(rule.seed, claim_key);
    if draw < rule.random_share_bp {
        reasons.push(SelectionReason::Random {
            draw,
            share_bp: rule.random_share_bp,
        });
    }
    (!reasons.is_empty()).then_some(ReviewSelection { reasons })
}

/// The claim's draw in 0..10,000: FNV-1a 64 over the seed (little-endian) and the key's UTF-8
/// bytes, mixed by SplitMix64's finaliser, modulo 10,000. Stable across machines and releases
/// (unlike `std::hash`), so a sample can be re-drawn and audited years later.
pub fn review_draw(seed: u64, claim_key: &str) -> u32 {
    let h = fnv1a64(seed.to_le_bytes().iter().chain(claim_key.as_bytes()));
    // Below 10,000: the cast cannot truncate.
    (splitmix64_mix(h) % 10_000) as u32
}

fn fnv1a64<'a>(bytes: impl IntoIterator<Item = &'a u8>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn splitmix64_mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_matches_the_published_test_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn percent_prints_basis_points() {
        assert_eq!(percent(500), "5%");
        assert_eq!(percent(1250), "12.5%");
        assert_eq!(percent(1), "0.01%");
        assert_eq!(percent(20_000), "100%");
    }
}
