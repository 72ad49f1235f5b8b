//! 数字工匠 — craftsman recognition's calls, nominations, experts and scores (SPEC 7.8). Every
//! method is one transaction with its audit entries. The database enforces what must hold under
//! concurrency: the quota of a nominating union (a counter raised by a conditional upsert that
//! never passes the quota), one live nomination per member and call, one score per expert and
//! nominee; the expert's conflict of interest is checked by the domain inside the transaction
//! that writes the score. The notice 公示 is the shared `notices` table (kind [`NOMINATION`]).

use crate::archive::Notice;
use crate::{MemberId, OrgScope};
use chrono::{DateTime, NaiveDate, Utc};
use huzhu_domain::notice::NoticeWindow;
use huzhu_domain::org::OrgCode;
use huzhu_domain::recognition::{CallState, Facts, NominationState, Refusal, Rules};
use serde::Serialize;
use std::future::Future;

/// The subject kind of a nomination's notice.
pub const NOMINATION: &str = "nomination";

/// A call 评选活动.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Call {
    pub id: i64,
    /// The org that opened it (the city).
    pub org: String,
    pub year: i32,
    pub name: String,
    /// Places per nominating union.
    pub quota: i32,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub rules: Rules,
    /// How many the approved ranking selects.
    pub award_count: Option<i32>,
    pub state: CallState,
    pub created_by: String,
}

/// A call to open (validated by the caller).
#[derive(Debug, Clone)]
pub struct NewCall<'a> {
    pub year: i32,
    pub name: &'a str,
    pub quota: i32,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub rules: Rules,
    pub by: &'a str,
}

/// A nomination 推荐.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Nomination {
    pub id: i64,
    pub call_id: i64,
    pub nominating_org: String,
    pub nominating_org_name: String,
    pub member: MemberId,
    pub member_name: String,
    /// The nominee's unit.
    pub unit: String,
    pub unit_name: String,
    pub field: String,
    pub achievements: String,
    pub facts: Facts,
    pub state: NominationState,
    /// The rules it failed, when refused.
    pub refusals: Vec<Refusal>,
    pub mean_centi: Option<i64>,
    pub place: Option<i32>,
    /// Why it was withdrawn.
    pub reason: Option<String>,
    pub nominated_by: String,
    pub confirmed_by: Option<String>,
    /// How many experts scored.
    pub scores: i64,
    /// The latest notice, with its objections (only when one nomination is read).
    pub notice: Option<Notice>,
}

/// A nomination to record (the rules already applied by the caller: `refusals`).
#[derive(Debug, Clone)]
pub struct NewNomination<'a> {
    pub call: i64,
    /// The nominating union: the member's unit must be in its subtree.
    pub nominating_org: &'a OrgCode,
    pub member: MemberId,
    pub field: &'a str,
    pub achievements: &'a str,
    pub facts: Facts,
    pub refusals: &'a [Refusal],
    pub by: &'a str,
    pub today: NaiveDate,
}

/// An expert 评审专家, with their unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Expert {
    pub id: i64,
    pub org: String,
    pub org_name: String,
    pub name: String,
    pub title: String,
}

/// An expert's score of a nominee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Score {
    pub id: i64,
    pub nomination_id: i64,
    pub expert_id: i64,
    pub expert_name: String,
    pub expert_org: String,
    pub score: i64,
    pub note: Option<String>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

pub trait RecognitionStore: Send + Sync {
    /// Opens a call of the org of `scope` (else not found).
    fn open_call(
        &self,
        scope: &OrgScope,
        new: &NewCall<'_>,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Call>> + Send;

    /// The calls of the tenant of `scope`'s org, newest first.
    fn calls(&self, scope: &OrgScope) -> impl Future<Output = crate::Result<Vec<Call>>> + Send;

    /// One call of the tenant of `scope`'s org.
    fn call(&self, scope: &OrgScope, id: i64) -> impl Future<Output = crate::Result<Call>> + Send;

    /// Records a nomination: the call open and within its dates, the member in the nominating
    /// union's subtree (and in `scope`), a place of the union's quota taken unless refused by the
    /// rules (a full quota is a conflict), one live nomination per member and call.
    fn nominate(
        &self,
        scope: &OrgScope,
        new: &NewNomination<'_>,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Nomination>> + Send;

    /// The nominations of a call that `scope` sees (nominated by or for its subtree).
    fn nominations(
        &self,
        scope: &OrgScope,
        call: i64,
    ) -> impl Future<Output = crate::Result<Vec<Nomination>>> + Send;

    /// One nomination, with its latest notice.
    fn nomination(
        &self,
        scope: &OrgScope,
        id: i64,
    ) -> impl Future<Output = crate::Result<Nomination>> + Send;

    /// A nomination's scores.
    fn nomination_scores(
        &self,
        scope: &OrgScope,
        id: i64,
    ) -> impl Future<Output = crate::Result<Vec<Score>>> + Send;

    /// An officer confirms the qualification (a call in `scope`).
    fn confirm_nomination(
        &self,
        scope: &OrgScope,
        id: i64,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Nomination>> + Send;

    /// Adds an expert with their unit (an org of the tenant of `scope`).
    fn add_expert(
        &self,
        scope: &OrgScope,
        org: &OrgCode,
        name: &str,
        title: &str,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Expert>> + Send;

    /// The experts of the tenant of `scope`'s org.
    fn experts(&self, scope: &OrgScope) -> impl Future<Output = crate::Result<Vec<Expert>>> + Send;

    /// Records an expert's score of a confirmed nominee of an open call in `scope`: refused when
    /// the expert is of the nominee's unit or nominating union, or scored it already.
    #[allow(clippy::too_many_arguments)]
    fn record_score(
        &self,
        scope: &OrgScope,
        nomination: i64,
        expert: i64,
        score: i64,
        note: Option<&str>,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Score>> + Send;

    /// Ranks the confirmed nominees by mean score and selects the first `award_count`; refused
    /// while one has fewer than three scores.
    fn approve_ranking(
        &self,
        scope: &OrgScope,
        call: i64,
        award_count: i32,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Vec<Nomination>>> + Send;

    /// Starts the notice of every selected nominee.
    fn start_recognition_notice(
        &self,
        scope: &OrgScope,
        call: i64,
        window: NoticeWindow,
        working_days: u32,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Vec<Nomination>>> + Send;

    /// Awards every nominee still in the notice: refused while a notice runs on `today` or an
    /// objection is unsettled.
    fn award(
        &self,
        scope: &OrgScope,
        call: i64,
        today: NaiveDate,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Vec<Nomination>>> + Send;
}

/// Calls of the tenant of the org bound as `$n` (every one when NULL).
pub(crate) fn call_tenant(n: usize) -> String {
    format!(
        "(${n} IS NULL OR c.tenant_id = (SELECT COALESCE(t.tenant_id, t.id) FROM orgs t \
         WHERE t.code = ${n}))"
    )
}

/// Nominations `$n`'s subtree sees: nominated by it or for a unit in it.
pub(crate) fn nomination_scope(n: usize) -> String {
    format!(
        "({} OR {})",
        crate::archive::in_scope("n.nominating_org_id", n),
        crate::archive::in_scope("n.unit_org_id", n)
    )
}

pub(crate) const CALL_COLUMNS: &str = "c.id, o.code AS org_code, c.year, c.name, c.quota, \
     c.opens_on, c.closes_on, c.min_field_years, c.min_city_years, c.exclude_civil_servants, \
     c.exclude_leading_cadres, c.award_count, c.state, c.created_by";

pub(crate) const NOMINATION_COLUMNS: &str = "n.id, n.call_id, no.code AS nominating_org, \
     no.name AS nominating_org_name, n.member_id, m.name AS member_name, uo.code AS unit, \
     uo.name AS unit_name, n.field, n.achievements, n.field_years, n.city_years, \
     n.civil_servant, n.leading_cadre, n.state, n.refusals, n.mean_centi, n.place, n.reason, \
     n.nominated_by, n.confirmed_by, \
     (SELECT COUNT(*) FROM recognition_scores s WHERE s.nomination_id = n.id) AS scores";

pub(crate) const NOMINATION_FROM: &str = "recognition_nominations n \
     JOIN orgs no ON no.id = n.nominating_org_id JOIN orgs uo ON uo.id = n.unit_org_id \
     JOIN members m ON m.tenant_id = n.tenant_id AND m.id = n.member_id";

#[derive(sqlx::FromRow)]
pub(crate) struct CallRow {
    pub id: i64,
    pub org_code: String,
    pub year: i32,
    pub name: String,
    pub quota: i32,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub min_field_years: i32,
    pub min_city_years: i32,
    pub exclude_civil_servants: bool,
    pub exclude_leading_cadres: bool,
    pub award_count: Option<i32>,
    pub state: String,
    pub created_by: String,
}

impl CallRow {
    pub fn into_call(self) -> crate::Result<Call> {
        Ok(Call {
            id: self.id,
            org: self.org_code,
            year: self.year,
            name: self.name,
            quota: self.quota,
            opens_on: self.opens_on,
            closes_on: self.closes_on,
            rules: Rules {
                min_field_years: u32::try_from(self.min_field_years).unwrap_or(0),
                min_city_years: u32::try_from(self.min_city_years).unwrap_or(0),
                exclude_civil_servants: self.exclude_civil_servants,
                exclude_leading_cadres: self.exclude_leading_cadres,
            },
            award_count: self.award_count,
            state: CallState::parse(&self.state).ok_or_else(|| {
                crate::StoreError::Corrupt(format!("recognition call {} state", self.id))
            })?,
            created_by: self.created_by,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct NominationRow {
    pub id: i64,
    pub call_id: i64,
    pub nominating_org: String,
    pub nominating_org_name: String,
    pub member_id: i64,
    pub member_name: String,
    pub unit: String,
    pub unit_name: String,
    pub field: String,
    pub achievements: String,
    pub field_years: i32,
    pub city_years: i32,
    pub civil_servant: bool,
    pub leading_cadre: bool,
    pub state: String,
    pub refusals: String,
    pub mean_centi: Option<i64>,
    pub place: Option<i32>,
    pub reason: Option<String>,
    pub nominated_by: String,
    pub confirmed_by: Option<String>,
    pub scores: i64,
}

impl NominationRow {
    pub fn into_nomination(self) -> crate::Result<Nomination> {
        let corrupt =
            |what: &str| crate::StoreError::Corrupt(format!("nomination {} {what}", self.id));
        Ok(Nomination {
            id: self.id,
            call_id: self.call_id,
            nominating_org: self.nominating_org.clone(),
            nominating_org_name: self.nominating_org_name.clone(),
            member: MemberId(self.member_id),
            member_name: self.member_name.clone(),
            unit: self.unit.clone(),
            unit_name: self.unit_name.clone(),
            field: self.field.clone(),
            achievements: self.achievements.clone(),
            facts: Facts {
                field_years: u32::try_from(self.field_years).unwrap_or(0),
                city_years: u32::try_from(self.city_years).unwrap_or(0),
                civil_servant: self.civil_servant,
                leading_cadre: self.leading_cadre,
            },
            state: NominationState::parse(&self.state).ok_or_else(|| corrupt("state"))?,
            refusals: serde_json::from_str(&self.refusals).map_err(|_| corrupt("refusals"))?,
            mean_centi: self.mean_centi,
            place: self.place,
            reason: self.reason.clone(),
            nominated_by: self.nominated_by.clone(),
            confirmed_by: self.confirmed_by.clone(),
            scores: self.scores,
            notice: None,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ExpertRow {
    pub id: i64,
    pub org_code: String,
    pub org_name: String,
    pub name: String,
    pub title: String,
}

impl ExpertRow {
    pub fn into_expert(self) -> Expert {
        Expert {
            id: self.id,
            org: self.org_code,
            org_name: self.org_name,
            name: self.name,
            title: self.title,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ScoreRow {
    pub id: i64,
    pub nomination_id: i64,
    pub expert_id: i64,
    pub expert_name: String,
    pub expert_org: String,
    pub score: i64,
    pub note: Option<String>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

impl ScoreRow {
    pub fn into_score(self) -> Score {
        Score {
            id: self.id,
            nomination_id: self.nomination_id,
            expert_id: self.expert_id,
            expert_name: self.expert_name,
            expert_org: self.expert_org,
            score: self.score,
            note: self.note,
            recorded_by: self.recorded_by,
            recorded_at: self.recorded_at,
        }
    }
}

pub(crate) const SCORE_SELECT: &str = "SELECT s.id, s.nomination_id, s.expert_id, \
     e.name AS expert_name, eo.code AS expert_org, s.score, s.note, s.recorded_by, s.recorded_at \
     FROM recognition_scores s JOIN recognition_experts e \
     ON e.tenant_id = s.tenant_id AND e.id = s.expert_id \
     JOIN orgs eo ON eo.id = e.org_id";

/// The conflict for a full quota.
pub(crate) fn quota_full(quota: i32) -> crate::StoreError {
    crate::StoreError::Conflict(format!(
        "推荐名额已满（每个推荐单位{quota}名） (the nominating union's quota of {quota} is used up)"
    ))
}

mod sql;
pub(crate) use sql::impl_recognition_store;
