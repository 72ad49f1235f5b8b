//! Statistics (SPEC section 8) kept fast at city scale (SPEC section 9): aggregate tables
//! (`stat_members`, `stat_enrolments`, `stat_claims`) maintained in the same transaction as every
//! write that changes the rows they count, one row per organisation at every level holding its
//! whole subtree. See docs/statistics.md.
//!
//! [`StatsStore::stats`] reads them; [`StatsStore::stats_by_scan`] computes the very same
//! [`StatsView`] from the base tables (the benchmark's yardstick and the tests' oracle);
//! [`StatsStore::recount_stats`] rebuilds them after a bulk load and [`StatsStore::check_stats`]
//! says where they drifted.

pub mod programmes;
pub(crate) mod sql;

use crate::Result;
use chrono::NaiveDate;
use huzhu_domain::money::Money;
use huzhu_domain::org::OrgCode;
use huzhu_domain::stats::{facets, ClaimFacts, ClaimFigures};
use serde::Serialize;
use std::collections::BTreeMap;
use std::future::Future;

/// Enrolled members, shares and contributions (fen).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct EnrolFigures {
    pub members: i64,
    pub shares: i64,
    pub contribution_fen: i64,
}

/// A direct child of the org asked about, with its subtree's totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChildFigures {
    pub code: String,
    pub name: String,
    pub members: i64,
    pub enrolled: EnrolFigures,
    pub claims: ClaimFigures,
}

/// The figures of one org's subtree (one policy cycle's, or every cycle's, for enrolments and
/// claims). Entries whose figures are all zero are left out, so the maintained tables and a scan
/// give equal values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatsView {
    /// (gender, status) → members.
    pub members: BTreeMap<(String, String), i64>,
    /// (item, gender) → enrolments.
    pub enrolments: BTreeMap<(String, String), EnrolFigures>,
    /// (dimension, label) → claims; dimensions as in `huzhu_domain::stats::DIMENSIONS`.
    pub claims: BTreeMap<(String, String), ClaimFigures>,
    /// The org's direct children by code.
    pub children: Vec<ChildFigures>,
}

impl StatsView {
    pub(crate) fn drop_zeros(mut self) -> StatsView {
        self.members.retain(|_, n| *n != 0);
        self.enrolments.retain(|_, e| *e != EnrolFigures::default());
        self.claims.retain(|_, c| !c.is_zero());
        self
    }
}

/// Every row of the aggregate tables whose figures are not all zero, keyed by tenant and org id:
/// what [`StatsStore::check_stats`] compares before and after a recount.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatRows {
    pub members: BTreeMap<(i64, i64, String, String), i64>,
    pub enrolments: BTreeMap<(i64, i64, String, String, String), EnrolFigures>,
    pub claims: BTreeMap<(i64, i64, String, String, String), ClaimFigures>,
}

impl StatRows {
    /// One line per key where `self` and `other` disagree (at most `limit`).
    pub fn differences(&self, other: &StatRows, limit: usize) -> Vec<String> {
        fn diff<K: Ord + std::fmt::Debug, V: PartialEq + std::fmt::Debug>(
            what: &str,
            a: &BTreeMap<K, V>,
            b: &BTreeMap<K, V>,
            out: &mut Vec<String>,
        ) {
            for k in a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))) {
                let (x, y) = (a.get(k), b.get(k));
                if x != y {
                    out.push(format!("{what} {k:?}: maintained {x:?}, recounted {y:?}"));
                }
            }
        }
        let mut out = Vec::new();
        diff("stat_members", &self.members, &other.members, &mut out);
        diff(
            "stat_enrolments",
            &self.enrolments,
            &other.enrolments,
            &mut out,
        );
        diff("stat_claims", &self.claims, &other.claims, &mut out);
        out.truncate(limit);
        out
    }
}

/// Sizes of the rebuilt tables.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RecountSummary {
    pub member_rows: u64,
    pub enrolment_rows: u64,
    pub claim_rows: u64,
}

/// The statistics' repository. Implemented for both backends by the same SQL.
pub trait StatsStore: Clone + Send + Sync + 'static {
    /// The figures of the subtree under `org`, from the maintained aggregates.
    fn stats(
        &self,
        org: &OrgCode,
        policy: Option<&str>,
    ) -> impl Future<Output = Result<StatsView>> + Send;

    /// The same figures computed from the base tables (members, enrolments, claims): a full scan
    /// of the subtree.
    fn stats_by_scan(
        &self,
        org: &OrgCode,
        policy: Option<&str>,
    ) -> impl Future<Output = Result<StatsView>> + Send;

    /// Rebuilds the aggregates from the base tables in one transaction (after a bulk load that
    /// bypassed the store's methods, or to repair drift).
    fn recount_stats(&self) -> impl Future<Output = Result<RecountSummary>> + Send;

    /// Recounts inside a transaction that is rolled back, and lists where the maintained
    /// aggregates differ from the recount (at most `limit` lines; empty when exact).
    fn check_stats(&self, limit: usize) -> impl Future<Output = Result<Vec<String>>> + Send;

    /// Every non-zero row of the aggregates.
    fn stat_rows(&self) -> impl Future<Output = Result<StatRows>> + Send;
}

/// Change to `stat_claims` per (tenant, unit, policy, dimension, label), before fan-out to the
/// unit's ancestors.
pub(crate) type ClaimDelta = BTreeMap<(i64, i64, String, &'static str, String), ClaimFigures>;

/// Change to `stat_members` per (tenant, unit, gender, status).
pub(crate) type MemberDelta = BTreeMap<(i64, i64, String, String), i64>;

pub(crate) const CLAIM_STAT_COLUMNS: &str = "c.id, c.tenant_id, c.org_id, c.policy_id, c.kind, \
     c.state, c.event_date, c.body, c.decision, c.payable_fen, c.approved_fen, c.paid_fen, \
     m.gender";

/// What the statistics read of a claim (with its member's gender).
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct ClaimStatRow {
    pub id: i64,
    pub tenant_id: i64,
    pub org_id: i64,
    pub policy_id: String,
    pub kind: String,
    pub state: String,
    pub event_date: NaiveDate,
    pub body: String,
    pub decision: Option<String>,
    pub payable_fen: Option<i64>,
    pub approved_fen: i64,
    pub paid_fen: i64,
    pub gender: String,
}

impl ClaimStatRow {
    /// Adds (sign 1) or removes (sign −1) the claim's facets.
    pub fn add_to(&self, delta: &mut ClaimDelta, sign: i64) {
        let facts = ClaimFacts {
            state: &self.state,
            kind: &self.kind,
            event_date: self.event_date,
            body: &self.body,
            decision: self.decision.as_deref(),
            payable_fen: self.payable_fen,
            approved_fen: self.approved_fen,
            paid_fen: self.paid_fen,
            gender: &self.gender,
        };
        for (dim, label, fig) in facets(&facts) {
            delta
                .entry((
                    self.tenant_id,
                    self.org_id,
                    self.policy_id.clone(),
                    dim,
                    label,
                ))
                .or_default()
                .add(&fig, sign);
        }
    }

    /// The claim as it stands after `f` is written.
    pub fn with_fields(&self, f: &crate::money::ClaimFields) -> ClaimStatRow {
        ClaimStatRow {
            state: f.state.code().to_string(),
            event_date: f.event_date,
            body: f.body.clone(),
            decision: f.decision.clone(),
            payable_fen: f.payable.map(Money::fen),
            approved_fen: f.approved.fen(),
            paid_fen: f.paid.fen(),
            ..self.clone()
        }
    }
}
