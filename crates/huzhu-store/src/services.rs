//! 81890 服务目录 — the service directory (SPEC 7.6; docs/services.md): volunteer teams, their
//! services, and members' requests with their steps. A step is a conditional UPDATE from the
//! state the domain allowed (`WHERE state = from`), so two officers completing one request at
//! once give one completion and one conflict; each step is audited in its transaction.

use crate::{MemberId, OrgScope};
use chrono::{DateTime, NaiveDate, Utc};
use huzhu_domain::org::OrgCode;
use huzhu_domain::services::{RequestFact, RequestState, RequestStep};
use std::future::Future;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    pub id: i64,
    pub org: String,
    pub org_name: String,
    pub name: String,
    pub contact: String,
}

/// A service of the directory, with its team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub id: i64,
    pub team: i64,
    pub team_name: String,
    pub org_name: String,
    pub kind: String,
    pub area: String,
    pub hours: String,
    pub contact: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceRequest {
    pub id: i64,
    pub org: String,
    pub org_name: String,
    pub member: MemberId,
    pub member_name: String,
    pub offer: i64,
    pub kind: String,
    pub offer_team: String,
    pub note: String,
    pub state: RequestState,
    pub requested_on: NaiveDate,
    pub requested_by: String,
    pub team: Option<String>,
    pub accepted_by: Option<String>,
    pub completed_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
    pub score: Option<i32>,
}

/// Whose requests a read returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestScope {
    Orgs(OrgScope),
    Member(MemberId),
}

/// A step to take: the domain has allowed `from → to`.
#[derive(Debug, Clone)]
pub struct RequestChange<'a> {
    pub request: i64,
    pub from: RequestState,
    pub to: RequestState,
    pub step: RequestStep,
    pub team: Option<i64>,
    pub reason: Option<&'a str>,
    pub score: Option<i16>,
    pub by: &'a str,
    pub at: DateTime<Utc>,
}

pub trait ServiceStore: Send + Sync {
    fn create_team(
        &self,
        org: &OrgCode,
        scope: &OrgScope,
        name: &str,
        contact: &str,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Team>> + Send;

    #[allow(clippy::too_many_arguments)]
    fn add_offer(
        &self,
        team: i64,
        scope: &OrgScope,
        kind: &str,
        area: &str,
        hours: &str,
        contact: &str,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Offer>> + Send;

    /// Teams of `scope`, by name.
    fn teams(&self, scope: &OrgScope) -> impl Future<Output = crate::Result<Vec<Team>>> + Send;

    /// Services whose kind, area or team contains `q` (all for an empty `q`), by kind.
    fn search_offers(
        &self,
        q: &str,
        limit: u32,
    ) -> impl Future<Output = crate::Result<Vec<Offer>>> + Send;

    fn offer(&self, id: i64) -> impl Future<Output = crate::Result<Offer>> + Send;

    /// A request for `member` (their unit in `scope`), audited.
    #[allow(clippy::too_many_arguments)]
    fn request_service(
        &self,
        member: MemberId,
        scope: &OrgScope,
        offer: i64,
        note: &str,
        on: NaiveDate,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<ServiceRequest>> + Send;

    fn service_request(
        &self,
        id: i64,
        scope: &RequestScope,
    ) -> impl Future<Output = crate::Result<ServiceRequest>> + Send;

    /// Requests of the scope, newest first.
    fn service_requests(
        &self,
        scope: &RequestScope,
        limit: u32,
    ) -> impl Future<Output = crate::Result<Vec<ServiceRequest>>> + Send;

    /// Takes a step from `change.from` (a request no longer in it is a conflict), audited.
    fn change_request(
        &self,
        change: &RequestChange<'_>,
        scope: &RequestScope,
    ) -> impl Future<Output = crate::Result<ServiceRequest>> + Send;

    /// The requests of `scope` made in `[from, to]`, as the figures read them.
    fn service_facts(
        &self,
        scope: &OrgScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> impl Future<Output = crate::Result<Vec<RequestFact>>> + Send;
}

pub(crate) const REQUEST_COLUMNS: &str = "r.id, o.code AS org_code, o.name AS org_name, \
     r.member_id, m.name AS member_name, r.offer_id, f.kind, ft.name AS offer_team, r.note, \
     r.state, r.requested_on, r.requested_by, t.name AS team_name, r.accepted_by, \
     r.completed_at, r.cancel_reason, CAST(r.score AS INTEGER) AS score";

pub(crate) const REQUEST_FROM: &str = "service_requests r JOIN orgs o ON o.id = r.org_id \
     JOIN members m ON m.id = r.member_id AND m.tenant_id = r.tenant_id \
     JOIN service_offers f ON f.tenant_id = r.tenant_id AND f.id = r.offer_id \
     JOIN service_teams ft ON ft.tenant_id = f.tenant_id AND ft.id = f.team_id \
     LEFT JOIN service_teams t ON t.tenant_id = r.tenant_id AND t.id = r.team_id";

/// `r` lies in the subtree of the org bound as `$n` (all when NULL) and, when `$n+1` is not
/// NULL, belongs to that member.
pub(crate) fn request_in_scope(n: usize) -> String {
    let m = n + 1;
    format!(
        "(${n} IS NULL OR r.org_id IN (SELECT c.descendant_id FROM org_closure c \
         JOIN orgs a ON a.id = c.ancestor_id WHERE a.code = ${n})) \
         AND (${m} IS NULL OR r.member_id = ${m})"
    )
}

impl RequestScope {
    pub(crate) fn binds(&self) -> (Option<String>, Option<i64>) {
        match self {
            RequestScope::Orgs(s) => (s.org().map(str::to_string), None),
            RequestScope::Member(m) => (None, Some(m.0)),
        }
    }
}

pub(crate) const OFFER_COLUMNS: &str = "f.id, f.team_id, t.name AS team_name, \
     o.name AS org_name, f.kind, f.area, f.hours, f.contact";

#[derive(sqlx::FromRow)]
pub(crate) struct OfferRow {
    pub id: i64,
    pub team_id: i64,
    pub team_name: String,
    pub org_name: String,
    pub kind: String,
    pub area: String,
    pub hours: String,
    pub contact: String,
}

impl From<OfferRow> for Offer {
    fn from(r: OfferRow) -> Offer {
        Offer {
            id: r.id,
            team: r.team_id,
            team_name: r.team_name,
            org_name: r.org_name,
            kind: r.kind,
            area: r.area,
            hours: r.hours,
            contact: r.contact,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct RequestRow {
    pub id: i64,
    pub org_code: String,
    pub org_name: String,
    pub member_id: i64,
    pub member_name: String,
    pub offer_id: i64,
    pub kind: String,
    pub offer_team: String,
    pub note: String,
    pub state: String,
    pub requested_on: NaiveDate,
    pub requested_by: String,
    pub team_name: Option<String>,
    pub accepted_by: Option<String>,
    pub completed_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
    pub score: Option<i32>,
}

impl From<RequestRow> for ServiceRequest {
    fn from(r: RequestRow) -> ServiceRequest {
        ServiceRequest {
            id: r.id,
            org: r.org_code,
            org_name: r.org_name,
            member: MemberId(r.member_id),
            member_name: r.member_name,
            offer: r.offer_id,
            kind: r.kind,
            offer_team: r.offer_team,
            note: r.note,
            state: RequestState::parse(&r.state).unwrap_or(RequestState::Cancelled),
            requested_on: r.requested_on,
            requested_by: r.requested_by,
            team: r.team_name,
            accepted_by: r.accepted_by,
            completed_at: r.completed_at,
            cancel_reason: r.cancel_reason,
            score: r.score,
        }
    }
}

/// Expands [`ServiceStore`] for one backend (after `impl_bank_store!`).
macro_rules! impl_service_store {
    ($store:ty) => {
        impl $store {
            async fn service_request_in(
                conn: &mut <<$store as $crate::sql::HasDb>::Db as sqlx::Database>::Connection,
                id: i64,
                scope: &$crate::services::RequestScope,
            ) -> $crate::Result<$crate::services::ServiceRequest> {
                let (org, member) = scope.binds();
                let row: Option<$crate::services::RequestRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM {} WHERE r.id = $1 AND {}",
                    $crate::services::REQUEST_COLUMNS,
                    $crate::services::REQUEST_FROM,
                    $crate::services::request_in_scope(2)
                ))
                .bind(id)
                .bind(org)
                .bind(member)
                .fetch_optional(&mut *conn)
                .await?;
                row.map(Into::into)
                    .ok_or_else(|| $crate::StoreError::NotFound(format!("service request {id}")))
            }

            async fn offer_in(
                conn: &mut <<$store as $crate::sql::HasDb>::Db as sqlx::Database>::Connection,
                id: i64,
            ) -> $crate::Result<$crate::services::Offer> {
                let row: Option<$crate::services::OfferRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM service_offers f JOIN service_teams t \
                     ON t.tenant_id = f.tenant_id AND t.id = f.team_id \
                     JOIN orgs o ON o.id = t.org_id WHERE f.id = $1",
                    $crate::services::OFFER_COLUMNS
                ))
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
                row.map(Into::into)
                    .ok_or_else(|| $crate::StoreError::NotFound(format!("service {id}")))
            }
        }

        impl $crate::services::ServiceStore for $store {
            async fn create_team(
                &self,
                org: &huzhu_domain::org::OrgCode,
                scope: &$crate::OrgScope,
                name: &str,
                contact: &str,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::services::Team> {
                let mut tx = self.write_tx().await?;
                let found: Option<(i64, i64, String)> = sqlx::query_as(
                    "SELECT o.id, COALESCE(o.tenant_id, o.id), o.name FROM orgs o \
                     WHERE o.code = $1 AND ($2 IS NULL OR o.id IN (SELECT c.descendant_id \
                     FROM org_closure c JOIN orgs a ON a.id = c.ancestor_id WHERE a.code = $2))",
                )
                .bind(org.as_str())
                .bind(scope.org())
                .fetch_optional(&mut *tx)
                .await?;
                let (org_id, tenant, org_name) =
                    found.ok_or_else(|| $crate::StoreError::NotFound(format!("org {org}")))?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO service_teams (tenant_id, org_id, name, contact, created_by, \
                     created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(tenant)
                .bind(org_id)
                .bind(name)
                .bind(contact)
                .bind(by)
                .bind(at)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| match $crate::StoreError::from(e) {
                    $crate::StoreError::Conflict(_) => $crate::StoreError::Conflict(format!(
                        "已有同名服务队 {name} (a team named {name} exists already)"
                    )),
                    other => other,
                })?;
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor: by,
                        action: "services.team",
                        subject: &format!("service team {id}"),
                        detail: &format!("服务队 {name} (team registered)"),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                tx.commit().await?;
                Ok($crate::services::Team {
                    id,
                    org: org.to_string(),
                    org_name,
                    name: name.to_string(),
                    contact: contact.to_string(),
                })
            }

            async fn add_offer(
                &self,
                team: i64,
                scope: &$crate::OrgScope,
                kind: &str,
                area: &str,
                hours: &str,
                contact: &str,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::services::Offer> {
                let mut tx = self.write_tx().await?;
                let found: Option<(i64, i64)> = sqlx::query_as(
                    "SELECT t.tenant_id, t.org_id FROM service_teams t WHERE t.id = $1 \
                     AND ($2 IS NULL OR t.org_id IN (SELECT c.descendant_id \
                     FROM org_closure c JOIN orgs a ON a.id = c.ancestor_id WHERE a.code = $2))",
                )
                .bind(team)
                .bind(scope.org())
                .fetch_optional(&mut *tx)
                .await?;
                let (tenant, org_id) = found
                    .ok_or_else(|| $crate::StoreError::NotFound(format!("service team {team}")))?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO service_offers (tenant_id, team_id, kind, area, hours, contact, \
                     created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                )
                .bind(tenant)
                .bind(team)
                .bind(kind)
                .bind(area)
                .bind(hours)
                .bind(contact)
                .bind(by)
                .bind(at)
                .fetch_one(&mut *tx)
                .await?;
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor: by,
                        action: "services.offer",
                        subject: &format!("service {id}"),
                        detail: &format!("服务 {kind} {area} (service offered)"),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                let o = Self::offer_in(&mut *tx, id).await;
                let o = match o {
                    Ok(o) => o,
                    Err(e) => return Err(e),
                };
                tx.commit().await?;
                Ok(o)
            }

            async fn teams(
                &self,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<Vec<$crate::services::Team>> {
                let rows: Vec<(i64, String, String, String, String)> = sqlx::query_as(
                    "SELECT t.id, o.code, o.name, t.name, t.contact FROM service_teams t \
                     JOIN orgs o ON o.id = t.org_id WHERE ($1 IS NULL OR t.org_id IN \
                     (SELECT c.descendant_id FROM org_closure c JOIN orgs a \
                     ON a.id = c.ancestor_id WHERE a.code = $1)) ORDER BY t.name, t.id",
                )
                .bind(scope.org())
                .fetch_all(&self.reader)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, org, org_name, name, contact)| $crate::services::Team {
                        id,
                        org,
                        org_name,
                        name,
                        contact,
                    })
                    .collect())
            }

            async fn search_offers(
                &self,
                q: &str,
                limit: u32,
            ) -> $crate::Result<Vec<$crate::services::Offer>> {
                let pattern = format!(
                    "%{}%",
                    q.trim().replace('\\', "").replace('%', "").replace('_', "")
                );
                let rows: Vec<$crate::services::OfferRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM service_offers f JOIN service_teams t \
                     ON t.tenant_id = f.tenant_id AND t.id = f.team_id \
                     JOIN orgs o ON o.id = t.org_id WHERE f.kind LIKE $1 OR f.area LIKE $1 \
                     OR t.name LIKE $1 ORDER BY f.kind, f.id LIMIT $2",
                    $crate::services::OFFER_COLUMNS
                ))
                .bind(pattern)
                .bind(i64::from(limit.max(1)))
                .fetch_all(&self.reader)
                .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn offer(&self, id: i64) -> $crate::Result<$crate::services::Offer> {
                let mut conn = self.reader.acquire().await?;
                Self::offer_in(&mut conn, id).await
            }

            async fn request_service(
                &self,
                member: $crate::MemberId,
                scope: &$crate::OrgScope,
                offer: i64,
                note: &str,
                on: chrono::NaiveDate,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::services::ServiceRequest> {
                let mut tx = self.write_tx().await?;
                let found: Option<(i64, i64)> = sqlx::query_as(
                    "SELECT m.tenant_id, m.org_id FROM members m WHERE m.id = $1 \
                     AND ($2 IS NULL OR m.org_id IN (SELECT c.descendant_id \
                     FROM org_closure c JOIN orgs a ON a.id = c.ancestor_id WHERE a.code = $2))",
                )
                .bind(member.0)
                .bind(scope.org())
                .fetch_optional(&mut *tx)
                .await?;
                let (tenant, org_id) = found
                    .ok_or_else(|| $crate::StoreError::NotFound(format!("member {}", member.0)))?;
                let exists: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM service_offers WHERE id = $1")
                        .bind(offer)
                        .fetch_optional(&mut *tx)
                        .await?;
                exists.ok_or_else(|| $crate::StoreError::NotFound(format!("service {offer}")))?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO service_requests (tenant_id, org_id, member_id, offer_id, note, \
                     state, requested_on, requested_by, requested_at) VALUES ($1, $2, $3, $4, \
                     $5, 'requested', $6, $7, $8) RETURNING id",
                )
                .bind(tenant)
                .bind(org_id)
                .bind(member.0)
                .bind(offer)
                .bind(note)
                .bind(on)
                .bind(by)
                .bind(at)
                .fetch_one(&mut *tx)
                .await?;
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor: by,
                        action: "services.request",
                        subject: &format!("service request {id}"),
                        detail: &format!("申请服务 {offer} (service requested)"),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                let r = Self::service_request_in(
                    &mut *tx,
                    id,
                    &$crate::services::RequestScope::Orgs($crate::OrgScope::Everything),
                )
                .await;
                let r = match r {
                    Ok(r) => r,
                    Err(e) => return Err(e),
                };
                tx.commit().await?;
                Ok(r)
            }

            async fn service_request(
                &self,
                id: i64,
                scope: &$crate::services::RequestScope,
            ) -> $crate::Result<$crate::services::ServiceRequest> {
                let mut conn = self.reader.acquire().await?;
                Self::service_request_in(&mut conn, id, scope).await
            }

            async fn service_requests(
                &self,
                scope: &$crate::services::RequestScope,
                limit: u32,
            ) -> $crate::Result<Vec<$crate::services::ServiceRequest>> {
                let (org, member) = scope.binds();
                let rows: Vec<$crate::services::RequestRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM {} WHERE {} ORDER BY r.id DESC LIMIT $3",
                    $crate::services::REQUEST_COLUMNS,
                    $crate::services::REQUEST_FROM,
                    $crate::services::request_in_scope(1)
                ))
                .bind(org)
                .bind(member)
                .bind(i64::from(limit.max(1)))
                .fetch_all(&self.reader)
                .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn change_request(
                &self,
                c: &$crate::services::RequestChange<'_>,
                scope: &$crate::services::RequestScope,
            ) -> $crate::Result<$crate::services::ServiceRequest> {
                use huzhu_domain::services::RequestStep as P;
                let mut tx = self.write_tx().await?;
                let (org, member) = scope.binds();
                let org_id: Option<i64> = sqlx::query_scalar(&format!(
                    "SELECT r.org_id FROM service_requests r WHERE r.id = $1 AND {}",
                    $crate::services::request_in_scope(2)
                ))
                .bind(c.request)
                .bind(org)
                .bind(member)
                .fetch_optional(&mut *tx)
                .await?;
                let org_id = org_id.ok_or_else(|| {
                    $crate::StoreError::NotFound(format!("service request {}", c.request))
                })?;
                let (q, detail) = match c.step {
                    P::Accept => (
                        sqlx::query(
                            "UPDATE service_requests SET state = $1, team_id = $2, \
                             accepted_by = $3, accepted_at = $4 WHERE id = $5 AND state = $6",
                        )
                        .bind(c.to.code())
                        .bind(c.team)
                        .bind(c.by)
                        .bind(c.at),
                        format!("受理 (accepted by team {})", c.team.unwrap_or_default()),
                    ),
                    P::Complete => (
                        sqlx::query(
                            "UPDATE service_requests SET state = $1, completed_by = $2, \
                             completed_at = $3 WHERE id = $4 AND state = $5",
                        )
                        .bind(c.to.code())
                        .bind(c.by)
                        .bind(c.at),
                        "完成 (completed)".to_string(),
                    ),
                    P::Cancel => (
                        sqlx::query(
                            "UPDATE service_requests SET state = $1, cancelled_by = $2, \
                             cancelled_at = $3, cancel_reason = $4 WHERE id = $5 AND state = $6",
                        )
                        .bind(c.to.code())
                        .bind(c.by)
                        .bind(c.at)
                        .bind(c.reason),
                        format!("取消：{} (cancelled)", c.reason.unwrap_or_default()),
                    ),
                    P::Score => (
                        sqlx::query(
                            "UPDATE service_requests SET score = $1, scored_at = $2 \
                             WHERE id = $3 AND state = $4 AND score IS NULL",
                        )
                        .bind(c.score.map(i32::from))
                        .bind(c.at),
                        format!("评价 {} 分 (scored)", c.score.unwrap_or_default()),
                    ),
                };
                let q = q.bind(c.request).bind(c.from.code());
                let done = q.execute(&mut *tx).await?;
                if done.rows_affected() != 1 {
                    let now: Option<(String, Option<i32>)> = sqlx::query_as(
                        "SELECT state, CAST(score AS INTEGER) FROM service_requests WHERE id = $1",
                    )
                    .bind(c.request)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let msg = match now {
                        Some((_, Some(_))) if c.step == P::Score => {
                            huzhu_domain::services::ServiceError::AlreadyScored.to_string()
                        }
                        Some((s, _)) => {
                            let st = huzhu_domain::services::RequestState::parse(&s)
                                .unwrap_or(c.from);
                            huzhu_domain::services::transition(st, c.step)
                                .err()
                                .map(|e| e.to_string())
                                .unwrap_or_else(|| {
                                    "服务申请已被他人处理 (the request was changed meanwhile)"
                                        .to_string()
                                })
                        }
                        None => "服务申请不存在 (no such request)".to_string(),
                    };
                    return Err($crate::StoreError::Conflict(msg));
                }
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at: c.at,
                        actor: c.by,
                        action: &format!("services.{}", c.step.code()),
                        subject: &format!("service request {}", c.request),
                        detail: &detail,
                        org_id: Some(org_id),
                    },
                )
                .await?;
                let r = Self::service_request_in(
                    &mut *tx,
                    c.request,
                    &$crate::services::RequestScope::Orgs($crate::OrgScope::Everything),
                )
                .await;
                let r = match r {
                    Ok(r) => r,
                    Err(e) => return Err(e),
                };
                tx.commit().await?;
                Ok(r)
            }

            async fn service_facts(
                &self,
                scope: &$crate::OrgScope,
                from: chrono::NaiveDate,
                to: chrono::NaiveDate,
            ) -> $crate::Result<Vec<huzhu_domain::services::RequestFact>> {
                let rows: Vec<(String, chrono::NaiveDate, i64, String, Option<i32>)> =
                    sqlx::query_as(
                        "SELECT o.code, r.requested_on, r.member_id, r.state, \
                         CAST(r.score AS INTEGER) FROM service_requests r \
                         JOIN orgs o ON o.id = r.org_id WHERE r.requested_on >= $1 \
                         AND r.requested_on <= $2 AND ($3 IS NULL OR r.org_id IN \
                         (SELECT c.descendant_id FROM org_closure c JOIN orgs a \
                         ON a.id = c.ancestor_id WHERE a.code = $3)) ORDER BY r.id",
                    )
                    .bind(from)
                    .bind(to)
                    .bind(scope.org())
                    .fetch_all(&self.reader)
                    .await?;
                Ok(rows
                    .into_iter()
                    .map(|(org, on, member, state, score)| huzhu_domain::services::RequestFact {
                        org,
                        month: on.format("%Y-%m").to_string(),
                        member,
                        state: huzhu_domain::services::RequestState::parse(&state)
                            .unwrap_or(huzhu_domain::services::RequestState::Cancelled),
                        score: score.and_then(|s| i16::try_from(s).ok()),
                    })
                    .collect())
            }
        }
    };
}

pub(crate) use impl_service_store;
