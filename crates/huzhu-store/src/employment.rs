//! 春风就业 — employment help (SPEC 7.11; docs/employment.md): job fairs with their employers and
//! posts, job-seekers' registrations and placements, skills courses with trainees, attendance and
//! certificates, and the dated facts the figures are summed from. Every method is one
//! transaction and writes its audit entry inside it.
//!
//! Fairs and courses are an org's offer: an office sees those of its own subtree and of the orgs
//! above it (the city's fair, the district's course) and changes only those of its subtree.
//! Registrations are scoped by the unit that made them. A post stays within its openings under
//! concurrency by a conditional UPDATE of its counter (`filled < openings`) in the placement's
//! transaction.

use crate::OrgScope;
use chrono::{DateTime, NaiveDate, Utc};
use huzhu_domain::employment::{
    CourseState, Fact, FairMode, FairState, FairStep, SeekerKind, SeekerState,
};
use serde::Serialize;
use std::future::Future;

/// A job fair 招聘会 with its posts (the posts only when one fair is read).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Fair {
    pub id: i64,
    /// The org that organises it.
    pub org: String,
    pub org_name: String,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub mode: FairMode,
    pub held_on: NaiveDate,
    pub venue: String,
    #[sqlx(try_from = "String")]
    pub state: FairState,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub reason: Option<String>,
    /// Employers taking part.
    pub employers: i64,
    /// Openings of all its posts.
    pub openings: i64,
    /// Placements in its posts.
    pub filled: i64,
    #[sqlx(skip)]
    pub posts: Vec<Post>,
}

pub(crate) const FAIR_SELECT: &str = "SELECT f.id, o.code AS org, o.name AS org_name, f.name, \
     f.mode, f.held_on, f.venue, f.state, f.created_by, f.created_at, f.reason, \
     (SELECT COUNT(*) FROM employment_employers e WHERE e.fair_id = f.id) AS employers, \
     CAST(COALESCE((SELECT SUM(p.openings) FROM employment_posts p WHERE p.fair_id = f.id), 0) \
     AS BIGINT) AS openings, \
     CAST(COALESCE((SELECT SUM(p.filled) FROM employment_posts p WHERE p.fair_id = f.id), 0) \
     AS BIGINT) AS filled \
     FROM employment_fairs f JOIN orgs o ON o.id = f.org_id";

/// A post 岗位 offered by an employer at a fair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Post {
    pub id: i64,
    pub fair_id: i64,
    pub employer: String,
    pub title: String,
    pub openings: i64,
    /// Placements made in it.
    pub filled: i64,
}

pub(crate) const POST_SELECT: &str = "SELECT p.id, p.fair_id, e.name AS employer, p.title, \
     p.openings, p.filled FROM employment_posts p \
     JOIN employment_employers e ON e.tenant_id = p.tenant_id AND e.id = p.employer_id";

/// A fair to create (validated by the caller).
#[derive(Debug, Clone)]
pub struct NewFair<'a> {
    pub org: &'a huzhu_domain::org::OrgCode,
    pub name: &'a str,
    pub mode: FairMode,
    pub held_on: NaiveDate,
    pub venue: &'a str,
    pub by: &'a str,
    pub at: DateTime<Utc>,
}

/// A post to add: the employer by name (added to the fair when new).
#[derive(Debug, Clone)]
pub struct NewPost<'a> {
    pub fair_id: i64,
    pub employer: &'a str,
    pub title: &'a str,
    pub openings: i64,
    pub by: &'a str,
    pub at: DateTime<Utc>,
}

/// Who a registration is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeekerWho<'a> {
    /// A member of the scope.
    Member(i64),
    /// A graduate of an admitted household of the scope (阳光就业), by name.
    Graduate { household: i64, name: &'a str },
}

/// A registration to make.
#[derive(Debug, Clone)]
pub struct NewSeeker<'a> {
    pub who: SeekerWho<'a>,
    /// The work wanted (trade, area).
    pub wanted: &'a str,
    pub registered_on: NaiveDate,
    pub by: &'a str,
    pub at: DateTime<Utc>,
}

/// A job-seeker's registration, with the placement when placed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Seeker {
    pub id: i64,
    /// The unit that registered them.
    pub org: String,
    pub org_name: String,
    #[sqlx(try_from = "String")]
    pub kind: SeekerKind,
    pub member_id: Option<i64>,
    /// 阳光就业: the archived household.
    pub household_id: Option<i64>,
    pub name: String,
    pub wanted: String,
    pub registered_on: NaiveDate,
    #[sqlx(try_from = "String")]
    pub state: SeekerState,
    pub reason: Option<String>,
    pub post_id: Option<i64>,
    pub post_title: Option<String>,
    pub employer: Option<String>,
    pub fair_id: Option<i64>,
    pub placed_on: Option<NaiveDate>,
}

pub(crate) const SEEKER_SELECT: &str = "SELECT s.id, o.code AS org, o.name AS org_name, s.kind, \
     s.member_id, s.household_id, s.name, s.wanted, s.registered_on, s.state, s.reason, \
     pl.post_id, p.title AS post_title, e.name AS employer, p.fair_id, pl.placed_on \
     FROM employment_seekers s JOIN orgs o ON o.id = s.org_id \
     LEFT JOIN employment_placements pl ON pl.tenant_id = s.tenant_id AND pl.seeker_id = s.id \
     LEFT JOIN employment_posts p ON p.tenant_id = pl.tenant_id AND p.id = pl.post_id \
     LEFT JOIN employment_employers e ON e.tenant_id = p.tenant_id AND e.id = p.employer_id";

/// A skills course 技能培训班 with its trainees (the trainees only when one course is read).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Course {
    pub id: i64,
    pub org: String,
    pub org_name: String,
    pub name: String,
    /// The trade taught.
    pub trade: String,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub sessions: i64,
    #[sqlx(try_from = "String")]
    pub state: CourseState,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub trainee_count: i64,
    pub certificates: i64,
    #[sqlx(skip)]
    pub trainees: Vec<Trainee>,
}

pub(crate) const COURSE_SELECT: &str = "SELECT c.id, o.code AS org, o.name AS org_name, c.name, \
     c.trade, c.start_on, c.end_on, c.sessions, c.state, c.created_by, c.created_at, \
     (SELECT COUNT(*) FROM employment_trainees t WHERE t.course_id = c.id) AS trainee_count, \
     (SELECT COUNT(*) FROM employment_trainees t WHERE t.course_id = c.id \
      AND t.certificate_no IS NOT NULL) AS certificates \
     FROM employment_courses c JOIN orgs o ON o.id = c.org_id";

/// A course to create (validated by the caller).
#[derive(Debug, Clone)]
pub struct NewCourse<'a> {
    pub org: &'a huzhu_domain::org::OrgCode,
    pub name: &'a str,
    pub trade: &'a str,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub sessions: i64,
    pub by: &'a str,
    pub at: DateTime<Utc>,
}

/// A trainee of a course: a registered job-seeker, the sessions attended, the certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Trainee {
    pub id: i64,
    pub course_id: i64,
    pub seeker_id: i64,
    pub name: String,
    /// The seeker's unit.
    pub org: String,
    pub attended: i64,
    pub certificate_no: Option<String>,
    pub certified_on: Option<NaiveDate>,
}

pub(crate) const TRAINEE_SELECT: &str = "SELECT t.id, t.course_id, t.seeker_id, s.name, \
     o.code AS org, t.attended, t.certificate_no, t.certified_on FROM employment_trainees t \
     JOIN employment_seekers s ON s.tenant_id = t.tenant_id AND s.id = t.seeker_id JOIN orgs o \
     ON o.id = t.org_id";

pub trait EmploymentStore: Send + Sync {
    /// Creates a fair of the org `new.org`, planned.
    fn create_fair(&self, new: &NewFair<'_>) -> impl Future<Output = crate::Result<Fair>> + Send;

    /// The fairs of the scope's subtree and of the orgs above it, latest date first.
    fn fairs(&self, scope: &OrgScope) -> impl Future<Output = crate::Result<Vec<Fair>>> + Send;

    /// One fair the scope sees, with its posts.
    fn fair(&self, id: i64, scope: &OrgScope) -> impl Future<Output = crate::Result<Fair>> + Send;

    /// Holds or cancels a fair of the scope's subtree, judged by the domain on `today`.
    #[allow(clippy::too_many_arguments)]
    fn step_fair(
        &self,
        id: i64,
        scope: &OrgScope,
        step: FairStep,
        reason: &str,
        today: NaiveDate,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Fair>> + Send;

    /// Adds a post (and its employer, when new to the fair) to a fair of the scope's subtree.
    fn add_post(
        &self,
        scope: &OrgScope,
        new: &NewPost<'_>,
    ) -> impl Future<Output = crate::Result<Post>> + Send;

    /// Registers a job-seeker of the scope: a member (one live registration each), or a graduate
    /// of an admitted household (阳光就业).
    fn register_seeker(
        &self,
        scope: &OrgScope,
        new: &NewSeeker<'_>,
    ) -> impl Future<Output = crate::Result<Seeker>> + Send;

    /// The registrations of the scope's subtree, newest first.
    fn seekers(&self, scope: &OrgScope) -> impl Future<Output = crate::Result<Vec<Seeker>>> + Send;

    /// One registration of the scope's subtree.
    fn seeker(
        &self,
        id: i64,
        scope: &OrgScope,
    ) -> impl Future<Output = crate::Result<Seeker>> + Send;

    /// Places a registered seeker of the scope in a post of a held fair the scope sees, within
    /// the post's openings (a conditional UPDATE).
    #[allow(clippy::too_many_arguments)]
    fn place_seeker(
        &self,
        scope: &OrgScope,
        seeker: i64,
        post: i64,
        placed_on: NaiveDate,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Seeker>> + Send;

    /// Withdraws a registered seeker of the scope, with the reason.
    fn withdraw_seeker(
        &self,
        scope: &OrgScope,
        seeker: i64,
        reason: &str,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Seeker>> + Send;

    /// Creates a course of the org `new.org`, open.
    fn create_course(
        &self,
        new: &NewCourse<'_>,
    ) -> impl Future<Output = crate::Result<Course>> + Send;

    /// The courses of the scope's subtree and of the orgs above it, latest start first.
    fn courses(&self, scope: &OrgScope) -> impl Future<Output = crate::Result<Vec<Course>>> + Send;

    /// One course the scope sees, with its trainees of the scope's subtree (all of them for the
    /// course's own org and those above it).
    fn course(
        &self,
        id: i64,
        scope: &OrgScope,
    ) -> impl Future<Output = crate::Result<Course>> + Send;

    /// Enrols a registered seeker of the scope in an open course the scope sees.
    fn enrol_trainee(
        &self,
        scope: &OrgScope,
        course: i64,
        seeker: i64,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Trainee>> + Send;

    /// Records the sessions a trainee attended (a course of the scope's subtree, open).
    fn record_attendance(
        &self,
        scope: &OrgScope,
        trainee: i64,
        attended: i64,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Trainee>> + Send;

    /// Finishes an open course of the scope's subtree.
    fn finish_course(
        &self,
        scope: &OrgScope,
        course: i64,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Course>> + Send;

    /// Issues a trainee's certificate (a finished course of the scope's subtree, 80% attended,
    /// once).
    fn certify_trainee(
        &self,
        scope: &OrgScope,
        trainee: i64,
        today: NaiveDate,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Trainee>> + Send;

    /// The dated facts of the scope's subtree within `from..=to`, for the figures.
    fn employment_facts(
        &self,
        scope: &OrgScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> impl Future<Output = crate::Result<Vec<Fact>>> + Send;
}

/// A refusal of the domain, as the conflict it is.
pub(crate) fn refused(e: huzhu_domain::employment::EmploymentError) -> crate::StoreError {
    crate::StoreError::Conflict(e.to_string())
}

mod sql;
pub(crate) use sql::impl_employment_store;
