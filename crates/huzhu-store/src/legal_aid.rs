//! 法律援助 — legal-aid cases, their timeline and the federation's panel of lawyers (SPEC 7.7).
//! Every method is one transaction; reads and writes filter by the scope handed in (a case
//! outside it is [`crate::StoreError::NotFound`], like a missing one); every step writes the
//! case's timeline event and an audit entry in the same transaction, and changes the state by an
//! UPDATE guarded by the state it read, after [`huzhu_domain::legal_aid::transition`] allowed it.

use crate::{MemberId, OrgScope, Visibility};
use chrono::{DateTime, NaiveDate, Utc};
use huzhu_domain::legal_aid::{ActivityKind, CaseState, DisputeKind, Outcome, StepKind};
use huzhu_domain::member::EmploymentStatus;
use huzhu_domain::org::OrgCode;
use serde::Serialize;
use std::future::Future;

/// A lawyer of a federation's panel 律师库.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lawyer {
    pub id: i64,
    /// The federation whose panel the lawyer is on.
    pub org: OrgCode,
    pub org_name: String,
    pub name: String,
    pub firm: String,
    pub phone: Option<String>,
    pub active: bool,
}

/// A lawyer to add (validated by the caller).
#[derive(Debug, Clone)]
pub struct NewLawyer<'a> {
    pub org: &'a OrgCode,
    pub name: &'a str,
    pub firm: &'a str,
    pub phone: Option<&'a str>,
    pub by: &'a str,
}

/// A legal-aid case as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LegalCase {
    pub id: i64,
    /// The member's unit.
    pub org: OrgCode,
    pub org_name: String,
    pub member: MemberId,
    pub member_name: String,
    /// Whole: the app masks it before anyone sees it.
    pub member_id_number: String,
    pub member_status: EmploymentStatus,
    pub kind: DisputeKind,
    pub summary: String,
    pub state: CaseState,
    pub opened_by: String,
    pub opened_at: DateTime<Utc>,
    pub opened_on: NaiveDate,
    pub approval_due: NaiveDate,
    pub approved_by: Option<String>,
    pub approved_on: Option<NaiveDate>,
    pub handling_due: Option<NaiveDate>,
    pub lawyer_id: Option<i64>,
    pub lawyer_name: Option<String>,
    pub lawyer_firm: Option<String>,
    pub assigned_on: Option<NaiveDate>,
    pub outcome: Option<Outcome>,
    pub recovered_fen: i64,
    pub closed_on: Option<NaiveDate>,
    /// Why it was refused, or the closing note.
    pub reason: Option<String>,
}

/// One event of a case's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseEvent {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The date the step is dated (an activity's date; else the day it was recorded).
    pub on: NaiveDate,
    pub actor: String,
    pub step: StepKind,
    /// The state after the step.
    pub state: CaseState,
    pub activity: Option<ActivityKind>,
    pub note: Option<String>,
    /// What the step carried (JSON).
    pub details: String,
}

/// A case to open (validated by the caller).
#[derive(Debug, Clone)]
pub struct NewCase<'a> {
    pub member: MemberId,
    pub kind: DisputeKind,
    pub summary: &'a str,
    pub approval_due: NaiveDate,
    pub by: &'a str,
    pub on: NaiveDate,
}

/// A step on a case, with what it carries (validated by the caller; the store checks the state
/// machine inside the transaction).
#[derive(Debug, Clone)]
pub enum CaseChange<'a> {
    /// The eligibility check's answer: `reason` is the refusal in words when not eligible.
    Check {
        eligible: bool,
        reason: Option<&'a str>,
    },
    Refuse {
        reason: &'a str,
    },
    Approve {
        handling_due: NaiveDate,
        note: &'a str,
    },
    Assign {
        lawyer: i64,
        note: &'a str,
    },
    Record {
        on: NaiveDate,
        activity: ActivityKind,
        note: &'a str,
    },
    Close {
        outcome: Outcome,
        recovered_fen: i64,
        note: &'a str,
    },
}

/// Which cases a list returns.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub state: Option<CaseState>,
    pub kind: Option<DisputeKind>,
    /// Only the cases still open (not refused, not closed): the work queue.
    pub open_only: bool,
    /// Only cases whose id is below this one (the next page of a newest-first list).
    pub before: Option<i64>,
    pub limit: u32,
}

/// One group of the figures: cases of a unit, a lawyer (or none), a kind, a state and an
/// outcome, counted, with the money recovered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseFigure {
    pub org: String,
    pub org_name: String,
    /// The lawyer assigned: figures group by this id (two lawyers may share a name).
    pub lawyer_id: Option<i64>,
    pub lawyer: Option<String>,
    pub lawyer_firm: Option<String>,
    pub kind: DisputeKind,
    pub state: CaseState,
    pub outcome: Option<Outcome>,
    pub cases: i64,
    pub recovered_fen: i64,
}

pub trait LegalAidStore: Send + Sync {
    /// Adds a lawyer to the panel of `new.org`, an org in `scope` (else not found).
    fn add_lawyer(
        &self,
        scope: &OrgScope,
        new: &NewLawyer<'_>,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Lawyer>> + Send;

    /// Takes a lawyer off the panel or back on (a lawyer whose org is in `scope`).
    fn set_lawyer_active(
        &self,
        scope: &OrgScope,
        id: i64,
        active: bool,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Lawyer>> + Send;

    /// The lawyers an actor of `scope`'s org may see and assign: the panels of its subtree and
    /// of the federations above it.
    fn lawyers(&self, scope: &OrgScope) -> impl Future<Output = crate::Result<Vec<Lawyer>>> + Send;

    /// Opens a case for `new.member`, a member of a unit in `scope` (else not found).
    fn open_case(
        &self,
        scope: &OrgScope,
        new: &NewCase<'_>,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<LegalCase>> + Send;

    /// One case, if visible.
    fn legal_case(
        &self,
        vis: &Visibility,
        id: i64,
    ) -> impl Future<Output = crate::Result<LegalCase>> + Send;

    /// Visible cases, newest first.
    fn legal_cases(
        &self,
        vis: &Visibility,
        filter: &CaseFilter,
    ) -> impl Future<Output = crate::Result<Vec<LegalCase>>> + Send;

    /// A visible case's timeline, oldest first.
    fn legal_case_events(
        &self,
        vis: &Visibility,
        id: i64,
    ) -> impl Future<Output = crate::Result<Vec<CaseEvent>>> + Send;

    /// Takes a step on a case in `scope`: the state machine, the lawyer's panel, the activity's
    /// date are checked in the transaction; a step taken meanwhile by someone else is a conflict.
    fn legal_case_step(
        &self,
        scope: &OrgScope,
        id: i64,
        change: &CaseChange<'_>,
        by: &str,
        today: NaiveDate,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<LegalCase>> + Send;

    /// The figures of the cases in `scope` opened within `from..=to`, grouped.
    fn legal_aid_figures(
        &self,
        scope: &OrgScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> impl Future<Output = crate::Result<Vec<CaseFigure>>> + Send;
}

pub(crate) const CASE_COLUMNS: &str = "c.id, c.tenant_id, c.org_id, o.code AS org_code, \
     o.name AS org_name, c.member_id, m.name AS member_name, m.id_number AS member_id_number, \
     m.status AS member_status, c.kind, c.summary, c.state, c.opened_by, c.opened_at, c.opened_on, \
     c.approval_due, c.approved_by, c.approved_on, c.handling_due, c.lawyer_id, \
     l.name AS lawyer_name, l.firm AS lawyer_firm, c.assigned_on, c.outcome, c.recovered_fen, \
     c.closed_on, c.reason";

pub(crate) const CASE_FROM: &str = "legal_aid_cases c JOIN orgs o ON o.id = c.org_id \
     JOIN members m ON m.tenant_id = c.tenant_id AND m.id = c.member_id \
     LEFT JOIN legal_aid_lawyers l ON l.tenant_id = c.tenant_id AND l.id = c.lawyer_id";

pub(crate) const LAWYER_COLUMNS: &str = "l.id, o.code AS org_code, o.name AS org_name, l.name, \
     l.firm, l.phone, l.active";

/// The conflict for a case another step changed meanwhile.
pub const CHANGED: &str =
    "案件已被他人更新，请刷新后重试 (the case was changed meanwhile; reload and try again)";

/// The visibility as the two values the SQL binds: an org code (subtree) and a member id.
pub(crate) fn vis_binds(vis: &Visibility) -> (Option<&str>, Option<i64>) {
    match vis {
        Visibility::Orgs(scope) => (scope.org(), None),
        Visibility::Member(m) => (Some(""), Some(m.0)),
    }
}

/// The visibility filter on `c` with parameters `$n` (org code) and `$n+1` (member id). A member
/// binds an empty org code, which names no org: the member's own cases only.
pub(crate) fn visible(n: usize) -> String {
    let m = n + 1;
    format!(
        "((${m} IS NOT NULL AND c.member_id = ${m}) OR (${m} IS NULL AND {}))",
        crate::archive::in_scope("c.org_id", n)
    )
}

#[derive(sqlx::FromRow)]
pub(crate) struct CaseRow {
    pub id: i64,
    pub org_code: String,
    pub org_name: String,
    pub member_id: i64,
    pub member_name: String,
    pub member_id_number: String,
    pub member_status: String,
    pub kind: String,
    pub summary: String,
    pub state: String,
    pub opened_by: String,
    pub opened_at: DateTime<Utc>,
    pub opened_on: NaiveDate,
    pub approval_due: NaiveDate,
    pub approved_by: Option<String>,
    pub approved_on: Option<NaiveDate>,
    pub handling_due: Option<NaiveDate>,
    pub lawyer_id: Option<i64>,
    pub lawyer_name: Option<String>,
    pub lawyer_firm: Option<String>,
    pub assigned_on: Option<NaiveDate>,
    pub outcome: Option<String>,
    pub recovered_fen: i64,
    pub closed_on: Option<NaiveDate>,
    pub reason: Option<String>,
}

impl CaseRow {
    pub fn into_case(self) -> crate::Result<LegalCase> {
        let id = self.id;
        let corrupt =
            |what: &str| crate::StoreError::Corrupt(format!("legal aid case {id} {what}"));
        Ok(LegalCase {
            id,
            org: OrgCode::parse(&self.org_code).map_err(|_| corrupt("org"))?,
            org_name: self.org_name,
            member: MemberId(self.member_id),
            member_name: self.member_name,
            member_id_number: self.member_id_number,
            member_status: EmploymentStatus::parse(&self.member_status)
                .ok_or_else(|| corrupt("member status"))?,
            kind: DisputeKind::parse(&self.kind).ok_or_else(|| corrupt("kind"))?,
            summary: self.summary,
            state: CaseState::parse(&self.state).ok_or_else(|| corrupt("state"))?,
            opened_by: self.opened_by,
            opened_at: self.opened_at,
            opened_on: self.opened_on,
            approval_due: self.approval_due,
            approved_by: self.approved_by,
            approved_on: self.approved_on,
            handling_due: self.handling_due,
            lawyer_id: self.lawyer_id,
            lawyer_name: self.lawyer_name,
            lawyer_firm: self.lawyer_firm,
            assigned_on: self.assigned_on,
            outcome: match &self.outcome {
                Some(o) => Some(Outcome::parse(o).ok_or_else(|| corrupt("outcome"))?),
                None => None,
            },
            recovered_fen: self.recovered_fen,
            closed_on: self.closed_on,
            reason: self.reason,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct LawyerRow {
    pub id: i64,
    pub org_code: String,
    pub org_name: String,
    pub name: String,
    pub firm: String,
    pub phone: Option<String>,
    pub active: bool,
}

impl LawyerRow {
    pub fn into_lawyer(self) -> crate::Result<Lawyer> {
        Ok(Lawyer {
            id: self.id,
            org: OrgCode::parse(&self.org_code)
                .map_err(|_| crate::StoreError::Corrupt(format!("lawyer {} org", self.id)))?,
            org_name: self.org_name,
            name: self.name,
            firm: self.firm,
            phone: self.phone,
            active: self.active,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct EventRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub on_date: NaiveDate,
    pub actor: String,
    pub step: String,
    pub state: String,
    pub activity: Option<String>,
    pub note: Option<String>,
    pub details: String,
}

impl EventRow {
    pub fn into_event(self) -> crate::Result<CaseEvent> {
        let corrupt =
            |what: &str| crate::StoreError::Corrupt(format!("legal aid event {} {what}", self.id));
        Ok(CaseEvent {
            id: self.id,
            at: self.at,
            on: self.on_date,
            actor: self.actor.clone(),
            step: StepKind::parse(&self.step).ok_or_else(|| corrupt("step"))?,
            state: CaseState::parse(&self.state).ok_or_else(|| corrupt("state"))?,
            activity: match &self.activity {
                Some(a) => Some(ActivityKind::parse(a).ok_or_else(|| corrupt("activity"))?),
                None => None,
            },
            note: self.note.clone(),
            details: self.details.clone(),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct FigureRow {
    pub org_code: String,
    pub org_name: String,
    pub lawyer_id: Option<i64>,
    pub lawyer: Option<String>,
    pub lawyer_firm: Option<String>,
    pub kind: String,
    pub state: String,
    pub outcome: Option<String>,
    pub cases: i64,
    pub recovered_fen: i64,
}

impl FigureRow {
    pub fn into_figure(self) -> crate::Result<CaseFigure> {
        let corrupt = |what: &str| crate::StoreError::Corrupt(format!("legal aid figure {what}"));
        Ok(CaseFigure {
            org: self.org_code,
            org_name: self.org_name,
            lawyer_id: self.lawyer_id,
            lawyer: self.lawyer,
            lawyer_firm: self.lawyer_firm,
            kind: DisputeKind::parse(&self.kind).ok_or_else(|| corrupt("kind"))?,
            state: CaseState::parse(&self.state).ok_or_else(|| corrupt("state"))?,
            outcome: match &self.outcome {
                Some(o) => Some(Outcome::parse(o).ok_or_else(|| corrupt("outcome"))?),
                None => None,
            },
            cases: self.cases,
            recovered_fen: self.recovered_fen,
        })
    }
}

mod sql;
pub(crate) use sql::impl_legal_aid_store;
