//! 困难职工档案 — households of the hardship-worker archive (SPEC 7.2) and their public notice
//! 公示. Every method is one transaction, reads and writes only inside the scope's subtree (a
//! household outside it is [`crate::StoreError::NotFound`], like a missing one), and writes the
//! household's timeline event and an audit entry in the same transaction.
//!
//! One household, one file: the partial unique indexes of migration `..._archive` keep the head
//! and every person in at most one open record of the city federation; a violation — a race the
//! friendly check before the insert could not see — is [`crate::StoreError::Conflict`] too.

use crate::{MemberId, OrgScope};
use chrono::{DateTime, NaiveDate, Utc};
use huzhu_domain::archive::{ExitReason, HouseholdFacts, HouseholdState, Level, StepKind};
use huzhu_domain::notice::{NoticeWindow, ObjectionOutcome};
use huzhu_domain::org::OrgCode;
use serde::Serialize;
use std::future::Future;

/// The subject kind of a household's notice.
pub const HOUSEHOLD: &str = "household";

/// A household's record as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Household {
    pub id: i64,
    /// The head's unit.
    pub org: OrgCode,
    pub org_name: String,
    pub head: MemberId,
    pub head_name: String,
    /// Whole: the app masks it before anyone sees it.
    pub head_id_number: String,
    pub state: HouseholdState,
    /// `deep`, `relative` or `accident`, as the programme engine computed it; `None` after a
    /// yearly review found the household out of hardship.
    pub category: Option<String>,
    pub per_head_monthly_income_fen: i64,
    /// The engine's answer (JSON), with its arithmetic.
    pub assessment: String,
    pub facts: HouseholdFacts,
    /// The programme and version the record was opened (or last reviewed) under.
    pub programme_id: String,
    pub programme_version: String,
    pub level: Option<Level>,
    pub level_date: Option<NaiveDate>,
    pub opened_by: String,
    pub opened_at: DateTime<Utc>,
    pub opened_on: NaiveDate,
    pub visited_by: Option<String>,
    pub visited_on: Option<NaiveDate>,
    pub admitted_on: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub exit_reason: Option<ExitReason>,
    /// Why it was refused or exited.
    pub reason: Option<String>,
    /// The latest notice, with its objections (only when one record is read).
    pub notice: Option<Notice>,
}

/// A public notice 公示 of any subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub id: i64,
    pub subject_kind: String,
    pub subject_id: i64,
    pub public_name: String,
    pub unit_name: String,
    /// What the page shows beside the name: the category's code for a household.
    pub summary: String,
    pub window: NoticeWindow,
    pub working_days: u32,
    /// `open`, or `concluded` once the decision it announced was taken.
    pub status: String,
    pub objections: Vec<Objection>,
}

/// An objection to a notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Objection {
    pub id: i64,
    pub notice_id: i64,
    pub received_on: NaiveDate,
    /// Who objected, when they gave a name (never public).
    pub from_whom: Option<String>,
    pub content: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    pub outcome: Option<ObjectionOutcome>,
    pub outcome_reason: Option<String>,
    pub settled_by: Option<String>,
    pub settled_at: Option<DateTime<Utc>>,
}

/// A running notice as the public page shows it: no ID, no income.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicNotice {
    pub id: i64,
    pub subject_kind: String,
    pub public_name: String,
    pub unit_name: String,
    pub summary: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// One event of a household's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HouseholdEvent {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The date the step is dated (a visit's date; else the day it was recorded).
    pub on: NaiveDate,
    pub actor: String,
    pub step: StepKind,
    /// The state after the step.
    pub state: HouseholdState,
    pub note: Option<String>,
    /// What the step carried (JSON).
    pub details: String,
}

/// The computed category of a household's facts, from the programme engine.
#[derive(Debug, Clone, Copy)]
pub struct Computed<'a> {
    pub category: Option<&'a str>,
    pub per_head_monthly_income_fen: i64,
    /// The engine's answer as JSON.
    pub assessment: &'a str,
    pub programme_id: &'a str,
    pub programme_version: &'a str,
}

/// A household's application (validated by the caller).
#[derive(Debug, Clone)]
pub struct NewHousehold<'a> {
    pub head: MemberId,
    pub facts: &'a HouseholdFacts,
    pub computed: Computed<'a>,
    pub by: &'a str,
    pub on: NaiveDate,
}

/// A step on an existing record, with what it carries (validated by the caller; the store
/// checks the state machine, the notice and the second person inside the transaction).
#[derive(Debug, Clone)]
pub enum ArchiveChange<'a> {
    Visit {
        on: NaiveDate,
        note: &'a str,
    },
    Review {
        note: &'a str,
    },
    /// `public_name` is the head's name masked for the page; `unit_name` the unit's name.
    StartNotice {
        window: NoticeWindow,
        working_days: u32,
    },
    Admit {
        level: Level,
        level_date: NaiveDate,
        note: &'a str,
    },
    Refuse {
        reason: &'a str,
    },
    YearlyReview {
        facts: &'a HouseholdFacts,
        computed: Computed<'a>,
        note: &'a str,
    },
    Exit {
        reason: ExitReason,
        note: &'a str,
    },
}

/// Which households a list returns (all of them in scope when every part is `None`).
#[derive(Debug, Clone, Default)]
pub struct HouseholdFilter {
    pub state: Option<HouseholdState>,
    pub category: Option<String>,
    pub level: Option<Level>,
    /// Only records whose id is below this one (the next page of a newest-first list).
    pub before: Option<i64>,
    pub limit: u32,
}

/// An objection as recorded (validated by the caller).
#[derive(Debug, Clone)]
pub struct NewObjection<'a> {
    pub received_on: NaiveDate,
    pub from_whom: Option<&'a str>,
    pub content: &'a str,
    pub by: &'a str,
}

pub trait ArchiveStore: Send + Sync {
    /// Opens the record of the household headed by `new.head`, a member of a unit in `scope`
    /// (else not found). The head or a person already in an open record is a conflict naming it.
    fn open_household(
        &self,
        scope: &OrgScope,
        new: &NewHousehold<'_>,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Household>> + Send;

    /// One record in scope, with its latest notice.
    fn household(
        &self,
        scope: &OrgScope,
        id: i64,
    ) -> impl Future<Output = crate::Result<Household>> + Send;

    /// Records in scope matching `filter`, newest first.
    fn households(
        &self,
        scope: &OrgScope,
        filter: &HouseholdFilter,
    ) -> impl Future<Output = crate::Result<Vec<Household>>> + Send;

    /// The timeline of a record in scope, oldest first.
    fn household_events(
        &self,
        scope: &OrgScope,
        id: i64,
    ) -> impl Future<Output = crate::Result<Vec<HouseholdEvent>>> + Send;

    /// Takes a step on record `id` dated `today`. An illegal step, a review by the visitor, an
    /// admission the notice does not allow yet, a record changed meanwhile: conflicts.
    fn archive_step(
        &self,
        scope: &OrgScope,
        id: i64,
        change: &ArchiveChange<'_>,
        by: &str,
        today: NaiveDate,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Household>> + Send;

    /// Marks lapsed every admitted record in scope whose anniversary is more than 30 days
    /// before `today`; answers their ids.
    fn lapse_households(
        &self,
        scope: &OrgScope,
        today: NaiveDate,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Vec<i64>>> + Send;

    /// Records an objection to open notice `notice_id` in scope.
    fn record_objection(
        &self,
        scope: &OrgScope,
        notice_id: i64,
        objection: &NewObjection<'_>,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Objection>> + Send;

    /// Settles objection `id` (of a notice in scope) once.
    fn settle_objection(
        &self,
        scope: &OrgScope,
        id: i64,
        outcome: ObjectionOutcome,
        reason: &str,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Objection>> + Send;

    /// The notices running on `today`, for the public page (no sign-in), oldest first.
    fn public_notices(
        &self,
        today: NaiveDate,
    ) -> impl Future<Output = crate::Result<Vec<PublicNotice>>> + Send;
}

/// `col` lies in the subtree of the org whose code is bound as `$n` (everything when NULL).
pub(crate) fn in_scope(col: &str, n: usize) -> String {
    format!(
        "(${n} IS NULL OR {col} IN (SELECT c.descendant_id FROM org_closure c \
         JOIN orgs a ON a.id = c.ancestor_id WHERE a.code = ${n}))"
    )
}

pub(crate) const HOUSEHOLD_COLUMNS: &str = "h.id, h.tenant_id, h.org_id, o.code AS org_code, \
     o.name AS org_name, h.head_member_id, m.name AS head_name, m.id_number AS head_id_number, \
     h.state, h.category, h.per_head_monthly_income_fen, h.assessment, h.facts, h.programme_id, \
     h.programme_version, h.level, h.level_date, h.opened_by, h.opened_at, h.opened_on, \
     h.visited_by, h.visited_on, h.admitted_on, h.valid_until, h.exit_reason, h.reason";

pub(crate) const HOUSEHOLD_FROM: &str = "households h JOIN orgs o ON o.id = h.org_id \
     JOIN members m ON m.tenant_id = h.tenant_id AND m.id = h.head_member_id";

pub(crate) const NOTICE_COLUMNS: &str = "id, subject_kind, subject_id, public_name, unit_name, \
     summary, starts_on, ends_on, working_days, status";

pub(crate) const OBJECTION_COLUMNS: &str = "id, notice_id, received_on, from_whom, content, \
     recorded_by, recorded_at, outcome, outcome_reason, settled_by, settled_at";

#[derive(sqlx::FromRow)]
pub(crate) struct HouseholdRow {
    pub id: i64,
    pub tenant_id: i64,
    pub org_id: i64,
    pub org_code: String,
    pub org_name: String,
    pub head_member_id: i64,
    pub head_name: String,
    pub head_id_number: String,
    pub state: String,
    pub category: Option<String>,
    pub per_head_monthly_income_fen: i64,
    pub assessment: String,
    pub facts: String,
    pub programme_id: String,
    pub programme_version: String,
    pub level: Option<String>,
    pub level_date: Option<NaiveDate>,
    pub opened_by: String,
    pub opened_at: DateTime<Utc>,
    pub opened_on: NaiveDate,
    pub visited_by: Option<String>,
    pub visited_on: Option<NaiveDate>,
    pub admitted_on: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub exit_reason: Option<String>,
    pub reason: Option<String>,
}

impl HouseholdRow {
    pub fn into_household(self) -> crate::Result<Household> {
        let corrupt =
            |what: &str| crate::StoreError::Corrupt(format!("household {} {what}", self.id));
        Ok(Household {
            id: self.id,
            org: OrgCode::parse(&self.org_code).map_err(|_| corrupt("org"))?,
            org_name: self.org_name.clone(),
            head: MemberId(self.head_member_id),
            head_name: self.head_name.clone(),
            head_id_number: self.head_id_number.clone(),
            state: HouseholdState::parse(&self.state).ok_or_else(|| corrupt("state"))?,
            category: self.category.clone(),
            per_head_monthly_income_fen: self.per_head_monthly_income_fen,
            assessment: self.assessment.clone(),
            facts: serde_json::from_str(&self.facts).map_err(|_| corrupt("facts"))?,
            programme_id: self.programme_id.clone(),
            programme_version: self.programme_version.clone(),
            level: match &self.level {
                Some(l) => Some(Level::parse(l).ok_or_else(|| corrupt("level"))?),
                None => None,
            },
            level_date: self.level_date,
            opened_by: self.opened_by.clone(),
            opened_at: self.opened_at,
            opened_on: self.opened_on,
            visited_by: self.visited_by.clone(),
            visited_on: self.visited_on,
            admitted_on: self.admitted_on,
            valid_until: self.valid_until,
            exit_reason: match &self.exit_reason {
                Some(r) => Some(ExitReason::parse(r).ok_or_else(|| corrupt("exit_reason"))?),
                None => None,
            },
            reason: self.reason.clone(),
            notice: None,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct NoticeRow {
    pub id: i64,
    pub subject_kind: String,
    pub subject_id: i64,
    pub public_name: String,
    pub unit_name: String,
    pub summary: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub working_days: i32,
    pub status: String,
}

impl NoticeRow {
    pub fn into_notice(self, objections: Vec<Objection>) -> Notice {
        Notice {
            id: self.id,
            subject_kind: self.subject_kind,
            subject_id: self.subject_id,
            public_name: self.public_name,
            unit_name: self.unit_name,
            summary: self.summary,
            window: NoticeWindow {
                starts_on: self.starts_on,
                ends_on: self.ends_on,
            },
            working_days: u32::try_from(self.working_days).unwrap_or(0),
            status: self.status,
            objections,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ObjectionRow {
    pub id: i64,
    pub notice_id: i64,
    pub received_on: NaiveDate,
    pub from_whom: Option<String>,
    pub content: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    pub outcome: Option<String>,
    pub outcome_reason: Option<String>,
    pub settled_by: Option<String>,
    pub settled_at: Option<DateTime<Utc>>,
}

impl ObjectionRow {
    pub fn into_objection(self) -> crate::Result<Objection> {
        Ok(Objection {
            id: self.id,
            notice_id: self.notice_id,
            received_on: self.received_on,
            from_whom: self.from_whom,
            content: self.content,
            recorded_by: self.recorded_by,
            recorded_at: self.recorded_at,
            outcome: match &self.outcome {
                Some(o) => Some(ObjectionOutcome::parse(o).ok_or_else(|| {
                    crate::StoreError::Corrupt(format!("objection {} outcome", self.id))
                })?),
                None => None,
            },
            outcome_reason: self.outcome_reason,
            settled_by: self.settled_by,
            settled_at: self.settled_at,
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
    pub note: Option<String>,
    pub details: String,
}

impl EventRow {
    pub fn into_event(self) -> crate::Result<HouseholdEvent> {
        let corrupt = |what: &str| crate::StoreError::Corrupt(format!("event {} {what}", self.id));
        Ok(HouseholdEvent {
            id: self.id,
            at: self.at,
            on: self.on_date,
            actor: self.actor.clone(),
            step: StepKind::parse(&self.step).ok_or_else(|| corrupt("step"))?,
            state: HouseholdState::parse(&self.state).ok_or_else(|| corrupt("state"))?,
            note: self.note.clone(),
            details: self.details.clone(),
        })
    }
}

/// The conflict for a head or person already in an open record.
pub(crate) fn already_archived(household: Option<i64>, masked_id: &str) -> crate::StoreError {
    crate::StoreError::Conflict(match household {
        Some(h) => format!(
            "一户一档：{masked_id}已在档案{h}中 (one household, one file: {masked_id} is in open \
             record {h} already)"
        ),
        None => format!(
            "一户一档：{masked_id}已在另一份档案中 (one household, one file: {masked_id} is in \
             another open record already)"
        ),
    })
}

/// The conflict for a record another step changed meanwhile.
pub const CHANGED: &str =
    "档案已被他人更新，请刷新后重试 (the record was changed meanwhile; reload and try again)";

/// Text kept for a note: `None` when blank.
pub(crate) fn note_of(note: &str) -> Option<&str> {
    let n = note.trim();
    (!n.is_empty()).then_some(n)
}

pub(crate) fn json<T: Serialize>(v: &T) -> crate::Result<String> {
    serde_json::to_string(v).map_err(|e| crate::StoreError::Corrupt(e.to_string()))
}

mod sql;
pub(crate) use sql::impl_archive_store;
