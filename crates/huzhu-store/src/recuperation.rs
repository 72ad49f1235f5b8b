//! 疗休养 — recuperation bases, batches and sign-ups (SPEC 7.9; docs/recuperation.md). Every
//! method is one transaction and writes its audit entry inside it.
//!
//! Bases and batches are the federation's offer: an office sees those of its own subtree and of
//! the orgs above it (the city's bases, the district's batches); it changes only those of its
//! subtree. Sign-ups are scoped by the member's unit. The places of a batch hold under
//! concurrency by a conditional UPDATE of the batch's counter row (`taken < capacity`) in the
//! sign-up's transaction — and a unit's quota by the same on its quota row.

use crate::OrgScope;
use chrono::{DateTime, NaiveDate, Utc};
use huzhu_domain::recuperation::{BaseState, BaseStep, SignUpState};
use serde::Serialize;
use std::future::Future;

/// `col` (an org id) lies in the subtree of the org coded `$n`, or above it; any org when `$n`
/// is NULL.
pub(crate) fn in_chain(col: &str, n: usize) -> String {
    format!(
        "(${n} IS NULL OR {col} IN (SELECT c.descendant_id FROM org_closure c \
         JOIN orgs a ON a.id = c.ancestor_id WHERE a.code = ${n}) \
         OR {col} IN (SELECT c.ancestor_id FROM org_closure c \
         JOIN orgs d ON d.id = c.descendant_id WHERE d.code = ${n}))"
    )
}

/// A base as stored. `state` is the decided one; the app shows the state on a day
/// ([`BaseState::effective`]: admitted past its end date is lapsed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Base {
    pub id: i64,
    pub org: String,
    pub org_name: String,
    pub name: String,
    pub region: String,
    /// 对口协作地区
    pub partner_region: bool,
    pub discount_bp: i64,
    pub admitted_on: NaiveDate,
    pub valid_until: NaiveDate,
    pub state: BaseState,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct BaseRow {
    pub id: i64,
    pub org: String,
    pub org_name: String,
    pub name: String,
    pub region: String,
    pub partner_region: bool,
    pub discount_bp: i64,
    pub admitted_on: NaiveDate,
    pub valid_until: NaiveDate,
    pub state: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
}

impl BaseRow {
    pub(crate) fn into_base(self) -> crate::Result<Base> {
        let state = BaseState::parse(&self.state)
            .ok_or_else(|| crate::StoreError::Corrupt(format!("base state {}", self.state)))?;
        Ok(Base {
            id: self.id,
            org: self.org,
            org_name: self.org_name,
            name: self.name,
            region: self.region,
            partner_region: self.partner_region,
            discount_bp: self.discount_bp,
            admitted_on: self.admitted_on,
            valid_until: self.valid_until,
            state,
            created_by: self.created_by,
            created_at: self.created_at,
            reviewed_by: self.reviewed_by,
            reviewed_at: self.reviewed_at,
            reason: self.reason,
        })
    }
}

pub(crate) const BASE_SELECT: &str = "SELECT b.id, o.code AS org, o.name AS org_name, b.name, \
     b.region, b.partner_region, CAST(b.discount_bp AS BIGINT) AS discount_bp, b.admitted_on, \
     b.valid_until, b.state, b.created_by, b.created_at, b.reviewed_by, b.reviewed_at, b.reason \
     FROM recuperation_bases b JOIN orgs o ON o.id = b.org_id";

/// A base to admit (validated by the caller: the discount is at least the floor).
#[derive(Debug, Clone)]
pub struct NewBase<'a> {
    pub org: &'a huzhu_domain::org::OrgCode,
    pub name: &'a str,
    pub region: &'a str,
    pub partner_region: bool,
    pub discount_bp: u32,
    pub admitted_on: NaiveDate,
    pub valid_until: NaiveDate,
    pub by: &'a str,
    pub at: DateTime<Utc>,
}

/// A unit's quota in a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Quota {
    pub org: String,
    pub org_name: String,
    pub quota: i64,
    pub taken: i64,
}

/// A batch with its places and spend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Batch {
    pub id: i64,
    pub org: String,
    pub org_name: String,
    pub base_id: i64,
    pub base_name: String,
    pub name: String,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub capacity: i64,
    /// Live sign-ups.
    pub taken: i64,
    pub lodging_fen: i64,
    pub transport_fen: i64,
    pub purchases_fen: i64,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// Only when one batch is read.
    #[sqlx(skip)]
    pub quotas: Vec<Quota>,
}

pub(crate) const BATCH_SELECT: &str = "SELECT t.id, o.code AS org, o.name AS org_name, \
     t.base_id, b.name AS base_name, t.name, t.start_on, t.end_on, t.capacity, t.taken, \
     t.lodging_fen, t.transport_fen, t.purchases_fen, t.created_by, t.created_at \
     FROM recuperation_batches t JOIN orgs o ON o.id = t.org_id \
     JOIN recuperation_bases b ON b.tenant_id = t.tenant_id AND b.id = t.base_id";

/// A batch to create (validated by the caller against the base it names; the store checks the
/// base again inside the transaction).
#[derive(Debug, Clone)]
pub struct NewBatch<'a> {
    pub org: &'a huzhu_domain::org::OrgCode,
    pub base_id: i64,
    pub name: &'a str,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub capacity: i64,
    /// Unit code and quota.
    pub quotas: &'a [(huzhu_domain::org::OrgCode, i64)],
    pub today: NaiveDate,
    pub by: &'a str,
    pub at: DateTime<Utc>,
}

/// A batch's spend, fen (replaces what was recorded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Spend {
    pub lodging_fen: i64,
    pub transport_fen: i64,
    pub purchases_fen: i64,
}

/// A member's sign-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignUp {
    pub id: i64,
    pub batch_id: i64,
    pub member_id: i64,
    pub member_name: String,
    pub org: String,
    pub org_name: String,
    pub start_on: NaiveDate,
    pub state: SignUpState,
    pub signed_by: String,
    pub signed_at: DateTime<Utc>,
    pub cancelled_by: Option<String>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct SignUpRow {
    pub id: i64,
    pub batch_id: i64,
    pub member_id: i64,
    pub member_name: String,
    pub org: String,
    pub org_name: String,
    pub start_on: NaiveDate,
    pub state: String,
    pub signed_by: String,
    pub signed_at: DateTime<Utc>,
    pub cancelled_by: Option<String>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
}

impl SignUpRow {
    pub(crate) fn into_sign_up(self) -> crate::Result<SignUp> {
        let state = SignUpState::parse(&self.state)
            .ok_or_else(|| crate::StoreError::Corrupt(format!("sign-up state {}", self.state)))?;
        Ok(SignUp {
            id: self.id,
            batch_id: self.batch_id,
            member_id: self.member_id,
            member_name: self.member_name,
            org: self.org,
            org_name: self.org_name,
            start_on: self.start_on,
            state,
            signed_by: self.signed_by,
            signed_at: self.signed_at,
            cancelled_by: self.cancelled_by,
            cancelled_at: self.cancelled_at,
            reason: self.reason,
        })
    }
}

pub(crate) const SIGNUP_SELECT: &str = "SELECT s.id, s.batch_id, s.member_id, \
     m.name AS member_name, o.code AS org, o.name AS org_name, s.start_on, s.state, s.signed_by, \
     s.signed_at, s.cancelled_by, s.cancelled_at, s.reason FROM recuperation_signups s \
     JOIN members m ON m.tenant_id = s.tenant_id AND m.id = s.member_id JOIN orgs o \
     ON o.id = s.org_id";

/// One line of the figures: a batch with its organiser, base and spend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct BatchFigure {
    pub batch_id: i64,
    pub org_id: i64,
    pub base_id: i64,
    pub base_name: String,
    pub partner_region: bool,
    pub start_on: NaiveDate,
    pub participants: i64,
    pub spend_fen: i64,
}

/// Live participants counted by the unit they signed up from, for the figures by region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ParticipantFigure {
    pub org_id: i64,
    pub base_id: i64,
    pub participants: i64,
}

pub trait RecuperationStore: Send + Sync {
    /// Admits a base for the org `new.org`.
    fn admit_base(&self, new: &NewBase<'_>) -> impl Future<Output = crate::Result<Base>> + Send;

    /// The bases of the scope's subtree and of the orgs above it, newest first.
    fn recuperation_bases(
        &self,
        scope: &OrgScope,
    ) -> impl Future<Output = crate::Result<Vec<Base>>> + Send;

    /// One base the scope sees (else not found).
    fn recuperation_base(
        &self,
        id: i64,
        scope: &OrgScope,
    ) -> impl Future<Output = crate::Result<Base>> + Send;

    /// A review's step on a base of the scope's subtree, judged by the domain on `today` inside
    /// the transaction (an illegal step is a conflict naming the state and the step).
    #[allow(clippy::too_many_arguments)]
    fn review_base(
        &self,
        id: i64,
        scope: &OrgScope,
        step: BaseStep,
        reason: &str,
        today: NaiveDate,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Base>> + Send;

    /// Creates a batch at a base the scope sees, which must be admitted on `new.today`.
    fn create_recuperation_batch(
        &self,
        scope: &OrgScope,
        new: &NewBatch<'_>,
    ) -> impl Future<Output = crate::Result<Batch>> + Send;

    /// The batches the scope sees (of one base when named), newest start first.
    fn recuperation_batches(
        &self,
        scope: &OrgScope,
        base: Option<i64>,
    ) -> impl Future<Output = crate::Result<Vec<Batch>>> + Send;

    /// One batch the scope sees, with its quotas.
    fn recuperation_batch(
        &self,
        id: i64,
        scope: &OrgScope,
    ) -> impl Future<Output = crate::Result<Batch>> + Send;

    /// Signs a member of the scope up to a batch the scope sees: the base admitted on `today`,
    /// the batch not started, the member in service, no other recuperation within two years,
    /// within the unit's quota and the batch's places — the last two by conditional UPDATEs.
    fn sign_up(
        &self,
        scope: &OrgScope,
        batch: i64,
        member: i64,
        today: NaiveDate,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<SignUp>> + Send;

    /// Cancels a sign-up of the scope, freeing its place (and its unit's quota).
    fn cancel_sign_up(
        &self,
        scope: &OrgScope,
        id: i64,
        reason: &str,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<SignUp>> + Send;

    /// The sign-ups of a batch whose unit lies in the scope, by id.
    fn sign_ups(
        &self,
        scope: &OrgScope,
        batch: i64,
    ) -> impl Future<Output = crate::Result<Vec<SignUp>>> + Send;

    /// Records a batch's spend (a batch of the scope's subtree).
    fn record_spend(
        &self,
        scope: &OrgScope,
        batch: i64,
        spend: Spend,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Batch>> + Send;

    /// The batches organised in the scope's subtree starting within `from..=to`, and their
    /// live participants by unit (units of the scope's subtree).
    fn recuperation_figures(
        &self,
        scope: &OrgScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> impl Future<Output = crate::Result<(Vec<BatchFigure>, Vec<ParticipantFigure>)>> + Send;
}

/// A refusal of the domain, as the conflict it is.
pub(crate) fn refused(e: huzhu_domain::recuperation::RecuperationError) -> crate::StoreError {
    crate::StoreError::Conflict(e.to_string())
}

mod sql;
pub(crate) use sql::impl_recuperation_store;
