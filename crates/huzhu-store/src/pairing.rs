//! 云结对 — cloud pairing (SPEC 7.6; docs/pairing.md): students published from golden-autumn
//! grants, the sponsors' holds and pledges, the payments made under a pledge and the progress
//! reports. A student is claimed once: the hold is one conditional UPDATE (`state = 'published'`
//! or a hold that has ended), and the one row it touches makes the winner, on both backends.
//!
//! Public reads take the token and the instant; staff reads and writes take the scope (the
//! student's org, that of the grant, lies in the subtree; outside is not found).

use crate::grant::GrantId;
use crate::OrgScope;
use chrono::{DateTime, NaiveDate, Utc};
use huzhu_domain::money::Money;
use huzhu_domain::pairing::{effective, PairingState, Pledge};
use std::future::Future;

/// What a golden-autumn grant gives a publication: read within the scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairingSource {
    pub grant: GrantId,
    pub programme_id: String,
    pub grant_state: String,
    pub cycle: String,
    /// Whole: the domain keeps the surname only.
    pub student_name: String,
    /// The household record's school level of the student, when there is one.
    pub school_level: Option<String>,
    /// The district the grant's org lies in (its own name above district level).
    pub district: String,
}

#[derive(Debug, Clone)]
pub struct NewPublication<'a> {
    pub grant: GrantId,
    pub token: &'a str,
    pub public_name: &'a str,
    pub grade: u8,
    pub school_level: &'a str,
    pub district: &'a str,
    pub need: Money,
    pub academic_year: &'a str,
    pub by: &'a str,
    pub at: DateTime<Utc>,
}

/// What anyone with the link sees: SPEC 7.6's fields and the state, nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicListing {
    pub token: String,
    pub public_name: String,
    pub grade: i32,
    pub school_level: String,
    pub district: String,
    pub need: Money,
    pub academic_year: String,
    /// Effective at the instant of the read.
    pub state: PairingState,
    pub hold_until: Option<DateTime<Utc>>,
}

/// A sponsor's claim and pledge, for staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SponsorRecord {
    pub id: i64,
    pub kind: String,
    pub name: String,
    /// Whole: the app masks it.
    pub phone: String,
    pub claimed_at: DateTime<Utc>,
    pub hold_until: DateTime<Utc>,
    pub confirmed_on: Option<NaiveDate>,
    pub pledge: Option<Pledge>,
    pub paid: Money,
}

/// A published student, for staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairingStudent {
    pub id: i64,
    pub org: String,
    pub org_name: String,
    pub grant: GrantId,
    pub listing: PublicListing,
    pub consent: bool,
    pub published_by: String,
    pub published_at: DateTime<Utc>,
    /// The current holder (while the hold runs) or the pledge.
    pub sponsor: Option<SponsorRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairingPayment {
    pub id: i64,
    pub amount: Money,
    pub paid_on: NaiveDate,
    pub reference: String,
    pub recorded_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairingReport {
    pub id: i64,
    pub written_on: NaiveDate,
    pub body: String,
}

/// What a sponsor reads with their secret token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SponsorView {
    pub listing: PublicListing,
    pub sponsor: SponsorRecord,
    /// Whether this sponsor's claim is the one holding or pledged (false once lapsed or
    /// overtaken).
    pub current: bool,
    pub payments: Vec<PairingPayment>,
    pub reports: Vec<PairingReport>,
    /// The student's full name, only when the household consented and the pledge is confirmed.
    pub identity: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewClaim<'a> {
    pub token: &'a str,
    pub sponsor_token_sha256: &'a str,
    pub kind: &'a str,
    pub name: &'a str,
    pub phone: &'a str,
    pub now: DateTime<Utc>,
    pub hold_until: DateTime<Utc>,
}

pub trait PairingStore: Send + Sync {
    /// The golden-autumn grant `grant` of `scope`, with what a publication needs.
    fn pairing_source(
        &self,
        grant: GrantId,
        scope: &OrgScope,
    ) -> impl Future<Output = crate::Result<PairingSource>> + Send;

    /// Publishes a student (once per grant: a second is a conflict), audited.
    fn publish_student(
        &self,
        p: &NewPublication<'_>,
        scope: &OrgScope,
    ) -> impl Future<Output = crate::Result<PairingStudent>> + Send;

    /// Published students of `scope`, newest first, states as at `now`.
    fn pairing_students(
        &self,
        scope: &OrgScope,
        now: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Vec<PairingStudent>>> + Send;

    fn pairing_student(
        &self,
        id: i64,
        scope: &OrgScope,
        now: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<PairingStudent>> + Send;

    /// Students free to claim at `now` (listed, or held past the hold's end), oldest first.
    fn public_pairing(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> impl Future<Output = crate::Result<Vec<PublicListing>>> + Send;

    /// One student by their public token (withdrawn ones are not found).
    fn public_pairing_student(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<PublicListing>> + Send;

    /// Holds the student for the sponsor, or answers Conflict naming the state: one conditional
    /// UPDATE decides (free at `now`), the sponsor's row and the audit entry in the same
    /// transaction. Answers the hold's end.
    fn claim_pairing(
        &self,
        c: &NewClaim<'_>,
    ) -> impl Future<Output = crate::Result<PublicListing>> + Send;

    /// Confirms the pledge of the sponsor whose token hashes to `sponsor_token_sha256` while
    /// their hold runs at `now`; a lapsed or overtaken hold is a conflict.
    fn confirm_pairing(
        &self,
        sponsor_token_sha256: &str,
        pledge: Pledge,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> impl Future<Output = crate::Result<SponsorView>> + Send;

    fn sponsor_view(
        &self,
        sponsor_token_sha256: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<SponsorView>> + Send;

    /// Records a payment under the student's confirmed pledge (none: conflict).
    #[allow(clippy::too_many_arguments)]
    fn record_pairing_payment(
        &self,
        student: i64,
        scope: &OrgScope,
        amount: Money,
        paid_on: NaiveDate,
        reference: &str,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<PairingPayment>> + Send;

    fn write_pairing_report(
        &self,
        student: i64,
        scope: &OrgScope,
        written_on: NaiveDate,
        body: &str,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<PairingReport>> + Send;

    fn pairing_reports(
        &self,
        student: i64,
        scope: &OrgScope,
    ) -> impl Future<Output = crate::Result<Vec<PairingReport>>> + Send;

    fn pairing_payments(
        &self,
        student: i64,
        scope: &OrgScope,
    ) -> impl Future<Output = crate::Result<Vec<PairingPayment>>> + Send;

    /// Sets whether the household lets the sponsor know the student, audited.
    fn set_pairing_consent(
        &self,
        student: i64,
        scope: &OrgScope,
        consent: bool,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<PairingStudent>> + Send;

    /// Takes a listed (or lapsed-hold) student off the list; a running hold or a pledge is a
    /// conflict.
    fn withdraw_pairing(
        &self,
        student: i64,
        scope: &OrgScope,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<PairingStudent>> + Send;
}

pub(crate) fn ms(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

pub(crate) fn from_ms(ms: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default()
}

pub(crate) const LISTING_COLUMNS: &str =
    "p.token, p.public_name, CAST(p.grade AS INTEGER) AS grade, \
     p.school_level, p.district, p.need_fen, p.academic_year, p.state, p.hold_until_ms";

pub(crate) const STUDENT_COLUMNS: &str = "p.id, o.code AS org_code, o.name AS org_name, \
     p.grant_id, p.consent, p.published_by, p.published_at, p.sponsor_id";

pub(crate) const SPONSOR_COLUMNS: &str = "s.id, s.kind, s.name, s.phone, s.claimed_at, \
     s.hold_until_ms, s.confirmed_on, s.per_year_fen, CAST(s.years AS INTEGER) AS years, \
     CAST((SELECT COALESCE(SUM(x.amount_fen), 0) FROM pairing_payments x \
     WHERE x.sponsor_id = s.id) AS BIGINT) \
     AS paid_fen";

/// The student's org lies under the org bound as `$n` (every one when NULL).
pub(crate) fn student_in_scope(n: usize) -> String {
    format!(
        "(${n} IS NULL OR p.org_id IN (SELECT c.descendant_id FROM org_closure c \
         JOIN orgs a ON a.id = c.ancestor_id WHERE a.code = ${n}))"
    )
}

#[derive(sqlx::FromRow)]
pub(crate) struct ListingRow {
    pub token: String,
    pub public_name: String,
    pub grade: i32,
    pub school_level: String,
    pub district: String,
    pub need_fen: i64,
    pub academic_year: String,
    pub state: String,
    pub hold_until_ms: Option<i64>,
}

impl ListingRow {
    pub(crate) fn at(self, now: DateTime<Utc>) -> PublicListing {
        let stored = PairingState::parse(&self.state).unwrap_or(PairingState::Withdrawn);
        let hold = self.hold_until_ms.map(from_ms);
        let state = effective(stored, hold, now);
        PublicListing {
            token: self.token,
            public_name: self.public_name,
            grade: self.grade,
            school_level: self.school_level,
            district: self.district,
            need: Money::from_fen(self.need_fen),
            academic_year: self.academic_year,
            state,
            hold_until: if state == PairingState::Held {
                hold
            } else {
                None
            },
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct StudentRow {
    pub id: i64,
    pub org_code: String,
    pub org_name: String,
    pub grant_id: i64,
    pub consent: bool,
    pub published_by: String,
    pub published_at: DateTime<Utc>,
    pub sponsor_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct SponsorRow {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub phone: String,
    pub claimed_at: DateTime<Utc>,
    pub hold_until_ms: i64,
    pub confirmed_on: Option<NaiveDate>,
    pub per_year_fen: Option<i64>,
    pub years: Option<i32>,
    pub paid_fen: i64,
}

impl From<SponsorRow> for SponsorRecord {
    fn from(r: SponsorRow) -> SponsorRecord {
        SponsorRecord {
            id: r.id,
            kind: r.kind,
            name: r.name,
            phone: r.phone,
            claimed_at: r.claimed_at,
            hold_until: from_ms(r.hold_until_ms),
            confirmed_on: r.confirmed_on,
            pledge: match (r.per_year_fen, r.years) {
                (Some(f), Some(y)) => Some(Pledge {
                    per_year: Money::from_fen(f),
                    years: i64::from(y),
                }),
                _ => None,
            },
            paid: Money::from_fen(r.paid_fen),
        }
    }
}

/// Expands [`PairingStore`] for one backend (after `impl_bank_store!`, whose `audit_in` it uses).
macro_rules! impl_pairing_store {
    ($store:ty) => {
        impl $store {
            async fn pairing_student_in(
                ex: &mut <<$store as $crate::sql::HasDb>::Db as sqlx::Database>::Connection,
                id: i64,
                scope: Option<&str>,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::pairing::PairingStudent> {
                let srow: Option<$crate::pairing::StudentRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM pairing_students p JOIN orgs o ON o.id = p.org_id \
                     WHERE p.id = $1 AND {}",
                    $crate::pairing::STUDENT_COLUMNS,
                    $crate::pairing::student_in_scope(2)
                ))
                .bind(id)
                .bind(scope)
                .fetch_optional(&mut *ex)
                .await?;
                let srow = srow.ok_or_else(|| {
                    $crate::StoreError::NotFound(format!("pairing student {id}"))
                })?;
                let listing: $crate::pairing::ListingRow = sqlx::query_as(&format!(
                    "SELECT {} FROM pairing_students p WHERE p.id = $1",
                    $crate::pairing::LISTING_COLUMNS
                ))
                .bind(id)
                .fetch_one(&mut *ex)
                .await?;
                let listing = listing.at(now);
                let sponsor = match srow.sponsor_id {
                    None => None,
                    Some(sid) => {
                        let s: $crate::pairing::SponsorRow = sqlx::query_as(&format!(
                            "SELECT {} FROM pairing_sponsors s WHERE s.id = $1",
                            $crate::pairing::SPONSOR_COLUMNS
                        ))
                        .bind(sid)
                        .fetch_one(&mut *ex)
                        .await?;
                        // A lapsed hold names nobody.
                        if listing.state == huzhu_domain::pairing::PairingState::Published {
                            None
                        } else {
                            Some(s.into())
                        }
                    }
                };
                Ok($crate::pairing::PairingStudent {
                    id: srow.id,
                    org: srow.org_code,
                    org_name: srow.org_name,
                    grant: $crate::grant::GrantId(srow.grant_id),
                    listing,
                    consent: srow.consent,
                    published_by: srow.published_by,
                    published_at: srow.published_at,
                    sponsor,
                })
            }

            async fn pairing_sponsor_view_in(
                ex: &mut <<$store as $crate::sql::HasDb>::Db as sqlx::Database>::Connection,
                token_sha256: &str,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::pairing::SponsorView> {
                let found: Option<(i64, i64)> = sqlx::query_as(
                    "SELECT id, student_id FROM pairing_sponsors WHERE token_sha256 = $1",
                )
                .bind(token_sha256)
                .fetch_optional(&mut *ex)
                .await?;
                let (sid, student) = found
                    .ok_or_else(|| $crate::StoreError::NotFound("sponsor token".into()))?;
                let s: $crate::pairing::SponsorRow = sqlx::query_as(&format!(
                    "SELECT {} FROM pairing_sponsors s WHERE s.id = $1",
                    $crate::pairing::SPONSOR_COLUMNS
                ))
                .bind(sid)
                .fetch_one(&mut *ex)
                .await?;
                let listing: $crate::pairing::ListingRow = sqlx::query_as(&format!(
                    "SELECT {} FROM pairing_students p WHERE p.id = $1",
                    $crate::pairing::LISTING_COLUMNS
                ))
                .bind(student)
                .fetch_one(&mut *ex)
                .await?;
                let listing = listing.at(now);
                let (holder, consent): (Option<i64>, bool) = sqlx::query_as(
                    "SELECT sponsor_id, consent FROM pairing_students WHERE id = $1",
                )
                .bind(student)
                .fetch_one(&mut *ex)
                .await?;
                use huzhu_domain::pairing::PairingState as St;
                let current = holder == Some(sid)
                    && matches!(listing.state, St::Held | St::Pledged);
                let pledged = current && listing.state == St::Pledged;
                let (payments, reports, identity) = if pledged {
                    let payments: Vec<(i64, i64, chrono::NaiveDate, String, String)> =
                        sqlx::query_as(
                            "SELECT id, amount_fen, paid_on, reference, recorded_by \
                             FROM pairing_payments WHERE sponsor_id = $1 ORDER BY paid_on, id",
                        )
                        .bind(sid)
                        .fetch_all(&mut *ex)
                        .await?;
                    let reports: Vec<(i64, chrono::NaiveDate, String)> = sqlx::query_as(
                        "SELECT id, written_on, body FROM pairing_reports \
                         WHERE student_id = $1 ORDER BY written_on, id",
                    )
                    .bind(student)
                    .fetch_all(&mut *ex)
                    .await?;
                    let identity: Option<String> = if consent {
                        sqlx::query_scalar(&format!(
                            "SELECT {} FROM pairing_students p JOIN grants g \
                             ON g.tenant_id = p.tenant_id AND g.id = p.grant_id \
                             WHERE p.id = $1",
                            $crate::pairing::STUDENT_NAME
                        ))
                        .bind(student)
                        .fetch_optional(&mut *ex)
                        .await?
                        .flatten()
                    } else {
                        None
                    };
                    (
                        payments
                            .into_iter()
                            .map(|(id, f, on, r, by)| $crate::pairing::PairingPayment {
                                id,
                                amount: huzhu_domain::money::Money::from_fen(f),
                                paid_on: on,
                                reference: r,
                                recorded_by: by,
                            })
                            .collect(),
                        reports
                            .into_iter()
                            .map(|(id, on, body)| $crate::pairing::PairingReport {
                                id,
                                written_on: on,
                                body,
                            })
                            .collect(),
                        identity,
                    )
                } else {
                    (Vec::new(), Vec::new(), None)
                };
                Ok($crate::pairing::SponsorView {
                    listing,
                    sponsor: s.into(),
                    current,
                    payments,
                    reports,
                    identity,
                })
            }

            /// The student's id and org when they lie in scope.
            async fn pairing_scope<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                id: i64,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<(i64, i64)> {
                let found: Option<(i64, i64)> = sqlx::query_as(&format!(
                    "SELECT p.org_id, p.tenant_id FROM pairing_students p WHERE p.id = $1 AND {}",
                    $crate::pairing::student_in_scope(2)
                ))
                .bind(id)
                .bind(scope.org())
                .fetch_optional(&mut **tx)
                .await?;
                found.ok_or_else(|| $crate::StoreError::NotFound(format!("pairing student {id}")))
            }
        }

        impl $crate::pairing::PairingStore for $store {
            async fn pairing_source(
                &self,
                grant: $crate::grant::GrantId,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<$crate::pairing::PairingSource> {
                let row: Option<(i64, String, String, String, Option<String>, Option<String>, String)> =
                    sqlx::query_as(&format!(
                        "SELECT g.id, g.programme_id, g.state, g.cycle, {}, \
                         (SELECT hp.school_level FROM household_people hp \
                          WHERE hp.tenant_id = g.tenant_id AND hp.id_number = g.subject_id_number \
                          ORDER BY hp.id DESC LIMIT 1), \
                         COALESCE((SELECT a.name FROM org_closure c JOIN orgs a \
                          ON a.id = c.ancestor_id WHERE c.descendant_id = g.org_id \
                          AND a.level = 2 LIMIT 1), o.name) \
                         FROM grants g JOIN orgs o ON o.id = g.org_id WHERE g.id = $1 \
                         AND ($2 IS NULL OR g.org_id IN (SELECT c.descendant_id \
                         FROM org_closure c JOIN orgs a ON a.id = c.ancestor_id \
                         WHERE a.code = $2))",
                        $crate::pairing::STUDENT_NAME
                    ))
                    .bind(grant.0)
                    .bind(scope.org())
                    .fetch_optional(&self.reader)
                    .await?;
                let (id, programme_id, grant_state, cycle, name, level, district) = row
                    .ok_or_else(|| $crate::StoreError::NotFound(format!("grant {}", grant.0)))?;
                Ok($crate::pairing::PairingSource {
                    grant: $crate::grant::GrantId(id),
                    programme_id,
                    grant_state,
                    cycle,
                    student_name: name.unwrap_or_default(),
                    school_level: level,
                    district,
                })
            }

            async fn publish_student(
                &self,
                p: &$crate::pairing::NewPublication<'_>,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<$crate::pairing::PairingStudent> {
                let mut tx = self.write_tx().await?;
                let g: Option<(i64, i64)> = sqlx::query_as(
                    "SELECT g.tenant_id, g.org_id FROM grants g WHERE g.id = $1 \
                     AND ($2 IS NULL OR g.org_id IN (SELECT c.descendant_id \
                     FROM org_closure c JOIN orgs a ON a.id = c.ancestor_id WHERE a.code = $2))",
                )
                .bind(p.grant.0)
                .bind(scope.org())
                .fetch_optional(&mut *tx)
                .await?;
                let (tenant, org_id) = g.ok_or_else(|| {
                    $crate::StoreError::NotFound(format!("grant {}", p.grant.0))
                })?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO pairing_students (tenant_id, org_id, grant_id, token, \
                     public_name, grade, school_level, district, need_fen, academic_year, state, \
                     consent, published_by, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7, \
                     $8, $9, $10, 'published', FALSE, $11, $12) RETURNING id",
                )
                .bind(tenant)
                .bind(org_id)
                .bind(p.grant.0)
                .bind(p.token)
                .bind(p.public_name)
                .bind(i32::from(p.grade))
                .bind(p.school_level)
                .bind(p.district)
                .bind(p.need.fen())
                .bind(p.academic_year)
                .bind(p.by)
                .bind(p.at)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| match $crate::StoreError::from(e) {
                    $crate::StoreError::Conflict(_) => $crate::StoreError::Conflict(format!(
                        "救助 {} 的学生已发布结对 (the student of grant {} is published already)",
                        p.grant.0, p.grant.0
                    )),
                    other => other,
                })?;
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at: p.at,
                        actor: p.by,
                        action: "pairing.publish",
                        subject: &format!("pairing {id}"),
                        detail: &format!(
                            "发布结对 {} {} (published for pairing, grant {})",
                            p.public_name, p.need, p.grant.0
                        ),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                let s = Self::pairing_student_in(&mut *tx, id, None, p.at).await;
                let s = match s {
                    Ok(s) => s,
                    Err(e) => return Err(e),
                };
                tx.commit().await?;
                Ok(s)
            }

            async fn pairing_students(
                &self,
                scope: &$crate::OrgScope,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<Vec<$crate::pairing::PairingStudent>> {
                let ids: Vec<i64> = sqlx::query_scalar(&format!(
                    "SELECT p.id FROM pairing_students p WHERE {} ORDER BY p.id DESC LIMIT 1000",
                    $crate::pairing::student_in_scope(1)
                ))
                .bind(scope.org())
                .fetch_all(&self.reader)
                .await?;
                let mut out = Vec::with_capacity(ids.len());
                let mut conn = self.reader.acquire().await?;
                for id in ids {
                    out.push(Self::pairing_student_in(&mut conn, id, None, now).await?);
                }
                Ok(out)
            }

            async fn pairing_student(
                &self,
                id: i64,
                scope: &$crate::OrgScope,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::pairing::PairingStudent> {
                let mut conn = self.reader.acquire().await?;
                Self::pairing_student_in(&mut conn, id, scope.org(), now).await
            }

            async fn public_pairing(
                &self,
                now: chrono::DateTime<chrono::Utc>,
                limit: u32,
            ) -> $crate::Result<Vec<$crate::pairing::PublicListing>> {
                let rows: Vec<$crate::pairing::ListingRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM pairing_students p WHERE p.state = 'published' \
                     OR (p.state = 'held' AND p.hold_until_ms <= $1) ORDER BY p.id LIMIT $2",
                    $crate::pairing::LISTING_COLUMNS
                ))
                .bind($crate::pairing::ms(now))
                .bind(i64::from(limit.max(1)))
                .fetch_all(&self.reader)
                .await?;
                Ok(rows.into_iter().map(|r| r.at(now)).collect())
            }

            async fn public_pairing_student(
                &self,
                token: &str,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::pairing::PublicListing> {
                let row: Option<$crate::pairing::ListingRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM pairing_students p WHERE p.token = $1 \
                     AND p.state <> 'withdrawn'",
                    $crate::pairing::LISTING_COLUMNS
                ))
                .bind(token)
                .fetch_optional(&self.reader)
                .await?;
                row.map(|r| r.at(now))
                    .ok_or_else(|| $crate::StoreError::NotFound("pairing token".into()))
            }

            async fn claim_pairing(
                &self,
                c: &$crate::pairing::NewClaim<'_>,
            ) -> $crate::Result<$crate::pairing::PublicListing> {
                use huzhu_domain::pairing::{effective, transition, PairingState, PairingStep};
                let mut tx = self.write_tx().await?;
                let now_ms = $crate::pairing::ms(c.now);
                // SPEC 7.6: a student is claimed once. One conditional UPDATE: the row it
                // touches is the winner; a concurrent claim waits on the row and then finds it
                // held (PostgreSQL re-reads the row; SQLite has one writer).
                let won: Option<(i64, i64, i64)> = sqlx::query_as(
                    "UPDATE pairing_students SET state = 'held', hold_until_ms = $1, \
                     sponsor_id = NULL WHERE token = $2 AND (state = 'published' \
                     OR (state = 'held' AND hold_until_ms <= $3)) \
                     RETURNING id, tenant_id, org_id",
                )
                .bind($crate::pairing::ms(c.hold_until))
                .bind(c.token)
                .bind(now_ms)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((student, tenant, org_id)) = won else {
                    let st: Option<(String, Option<i64>)> = sqlx::query_as(
                        "SELECT state, hold_until_ms FROM pairing_students WHERE token = $1",
                    )
                    .bind(c.token)
                    .fetch_optional(&mut *tx)
                    .await?;
                    return Err(match st {
                        None => $crate::StoreError::NotFound("pairing token".into()),
                        Some((s, _)) if s == "withdrawn" => {
                            $crate::StoreError::NotFound("pairing token".into())
                        }
                        Some((s, hold)) => {
                            let stored =
                                PairingState::parse(&s).unwrap_or(PairingState::Withdrawn);
                            let eff = effective(
                                stored,
                                hold.map($crate::pairing::from_ms),
                                c.now,
                            );
                            $crate::StoreError::Conflict(match transition(eff, PairingStep::Claim) {
                                Err(e) => e.to_string(),
                                Ok(_) => "该学生已被认领 (the student is claimed already)".into(),
                            })
                        }
                    });
                };
                let sid: i64 = sqlx::query_scalar(
                    "INSERT INTO pairing_sponsors (tenant_id, student_id, token_sha256, kind, \
                     name, phone, claimed_at, hold_until_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, \
                     $8) RETURNING id",
                )
                .bind(tenant)
                .bind(student)
                .bind(c.sponsor_token_sha256)
                .bind(c.kind)
                .bind(c.name)
                .bind(c.phone)
                .bind(c.now)
                .bind($crate::pairing::ms(c.hold_until))
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query("UPDATE pairing_students SET sponsor_id = $1 WHERE id = $2")
                    .bind(sid)
                    .bind(student)
                    .execute(&mut *tx)
                    .await?;
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at: c.now,
                        actor: &format!("sponsor {sid}"),
                        action: "pairing.claim",
                        subject: &format!("pairing {student}"),
                        detail: &format!(
                            "认领至 {} ({} {}) (held until then)",
                            c.hold_until.format("%Y-%m-%d %H:%M:%S UTC"),
                            c.kind,
                            c.name
                        ),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                let listing: $crate::pairing::ListingRow = sqlx::query_as(&format!(
                    "SELECT {} FROM pairing_students p WHERE p.id = $1",
                    $crate::pairing::LISTING_COLUMNS
                ))
                .bind(student)
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(listing.at(c.now))
            }

            async fn confirm_pairing(
                &self,
                sponsor_token_sha256: &str,
                pledge: huzhu_domain::pairing::Pledge,
                now: chrono::DateTime<chrono::Utc>,
                today: chrono::NaiveDate,
            ) -> $crate::Result<$crate::pairing::SponsorView> {
                use huzhu_domain::pairing::{effective, transition, PairingState, PairingStep};
                let mut tx = self.write_tx().await?;
                let found: Option<(i64, i64, Option<chrono::NaiveDate>)> = sqlx::query_as(
                    "SELECT id, student_id, confirmed_on FROM pairing_sponsors \
                     WHERE token_sha256 = $1",
                )
                .bind(sponsor_token_sha256)
                .fetch_optional(&mut *tx)
                .await?;
                let (sid, student, confirmed) = found
                    .ok_or_else(|| $crate::StoreError::NotFound("sponsor token".into()))?;
                if confirmed.is_some() {
                    return Err($crate::StoreError::Conflict(
                        transition(PairingState::Pledged, PairingStep::Confirm)
                            .err()
                            .map(|e| e.to_string())
                            .unwrap_or_default(),
                    ));
                }
                let done = sqlx::query(
                    "UPDATE pairing_students SET state = 'pledged' WHERE id = $1 \
                     AND state = 'held' AND sponsor_id = $2 AND hold_until_ms > $3",
                )
                .bind(student)
                .bind(sid)
                .bind($crate::pairing::ms(now))
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() != 1 {
                    let (s, hold, holder): (String, Option<i64>, Option<i64>) = sqlx::query_as(
                        "SELECT state, hold_until_ms, sponsor_id FROM pairing_students \
                         WHERE id = $1",
                    )
                    .bind(student)
                    .fetch_one(&mut *tx)
                    .await?;
                    let stored = PairingState::parse(&s).unwrap_or(PairingState::Withdrawn);
                    let eff = effective(stored, hold.map($crate::pairing::from_ms), now);
                    let msg = if holder != Some(sid) || eff == PairingState::Published {
                        huzhu_domain::pairing::PairingError::HoldEnded.to_string()
                    } else {
                        transition(eff, PairingStep::Confirm)
                            .err()
                            .map(|e| e.to_string())
                            .unwrap_or_default()
                    };
                    return Err($crate::StoreError::Conflict(msg));
                }
                sqlx::query(
                    "UPDATE pairing_sponsors SET confirmed_at = $1, confirmed_on = $2, \
                     per_year_fen = $3, years = $4 WHERE id = $5",
                )
                .bind(now)
                .bind(today)
                .bind(pledge.per_year.fen())
                .bind(pledge.years as i32)
                .bind(sid)
                .execute(&mut *tx)
                .await?;
                let org_id: i64 =
                    sqlx::query_scalar("SELECT org_id FROM pairing_students WHERE id = $1")
                        .bind(student)
                        .fetch_one(&mut *tx)
                        .await?;
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at: now,
                        actor: &format!("sponsor {sid}"),
                        action: "pairing.confirm",
                        subject: &format!("pairing {student}"),
                        detail: &format!(
                            "确认结对：每年 {}，{} 年 (pledged {} a year for {} years)",
                            pledge.per_year, pledge.years, pledge.per_year, pledge.years
                        ),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                let v = Self::pairing_sponsor_view_in(&mut *tx, sponsor_token_sha256, now).await;
                let v = match v {
                    Ok(v) => v,
                    Err(e) => return Err(e),
                };
                tx.commit().await?;
                Ok(v)
            }

            async fn sponsor_view(
                &self,
                sponsor_token_sha256: &str,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::pairing::SponsorView> {
                let mut conn = self.reader.acquire().await?;
                Self::pairing_sponsor_view_in(&mut conn, sponsor_token_sha256, now).await
            }

            async fn record_pairing_payment(
                &self,
                student: i64,
                scope: &$crate::OrgScope,
                amount: huzhu_domain::money::Money,
                paid_on: chrono::NaiveDate,
                reference: &str,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::pairing::PairingPayment> {
                let mut tx = self.write_tx().await?;
                let (org_id, tenant) = Self::pairing_scope(&mut tx, student, scope).await?;
                let sid: Option<i64> = sqlx::query_scalar(
                    "SELECT s.id FROM pairing_students p JOIN pairing_sponsors s \
                     ON s.tenant_id = p.tenant_id AND s.id = p.sponsor_id \
                     WHERE p.id = $1 AND p.state = 'pledged'",
                )
                .bind(student)
                .fetch_optional(&mut *tx)
                .await?;
                let sid = sid.ok_or_else(|| {
                    $crate::StoreError::Conflict(
                        "该学生尚未结对，不能登记资助款 (no confirmed pledge: cannot record a payment)"
                            .into(),
                    )
                })?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO pairing_payments (tenant_id, sponsor_id, amount_fen, paid_on, \
                     reference, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     RETURNING id",
                )
                .bind(tenant)
                .bind(sid)
                .bind(amount.fen())
                .bind(paid_on)
                .bind(reference)
                .bind(by)
                .bind(at)
                .fetch_one(&mut *tx)
                .await?;
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor: by,
                        action: "pairing.payment",
                        subject: &format!("pairing {student}"),
                        detail: &format!("资助款 {amount} {paid_on} {reference} (payment recorded)"),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                tx.commit().await?;
                Ok($crate::pairing::PairingPayment {
                    id,
                    amount,
                    paid_on,
                    reference: reference.to_string(),
                    recorded_by: by.to_string(),
                })
            }

            async fn write_pairing_report(
                &self,
                student: i64,
                scope: &$crate::OrgScope,
                written_on: chrono::NaiveDate,
                body: &str,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::pairing::PairingReport> {
                let mut tx = self.write_tx().await?;
                let (org_id, tenant) = Self::pairing_scope(&mut tx, student, scope).await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO pairing_reports (tenant_id, student_id, written_on, body, \
                     written_by, written_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(tenant)
                .bind(student)
                .bind(written_on)
                .bind(body)
                .bind(by)
                .bind(at)
                .fetch_one(&mut *tx)
                .await?;
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor: by,
                        action: "pairing.report",
                        subject: &format!("pairing {student}"),
                        detail: &format!("成长报告 {written_on} (progress report written)"),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                tx.commit().await?;
                Ok($crate::pairing::PairingReport {
                    id,
                    written_on,
                    body: body.to_string(),
                })
            }

            async fn pairing_reports(
                &self,
                student: i64,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<Vec<$crate::pairing::PairingReport>> {
                let rows: Vec<(i64, chrono::NaiveDate, String)> = sqlx::query_as(&format!(
                    "SELECT r.id, r.written_on, r.body FROM pairing_reports r \
                     JOIN pairing_students p ON p.tenant_id = r.tenant_id AND p.id = r.student_id \
                     WHERE r.student_id = $1 \
                     AND {} ORDER BY r.written_on, r.id",
                    $crate::pairing::student_in_scope(2)
                ))
                .bind(student)
                .bind(scope.org())
                .fetch_all(&self.reader)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, written_on, body)| $crate::pairing::PairingReport {
                        id,
                        written_on,
                        body,
                    })
                    .collect())
            }

            async fn pairing_payments(
                &self,
                student: i64,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<Vec<$crate::pairing::PairingPayment>> {
                let rows: Vec<(i64, i64, chrono::NaiveDate, String, String)> =
                    sqlx::query_as(&format!(
                        "SELECT x.id, x.amount_fen, x.paid_on, x.reference, x.recorded_by \
                         FROM pairing_payments x JOIN pairing_sponsors s \
                         ON s.tenant_id = x.tenant_id AND s.id = x.sponsor_id \
                         JOIN pairing_students p \
                         ON p.tenant_id = s.tenant_id AND p.id = s.student_id \
                         WHERE p.id = $1 AND {} \
                         ORDER BY x.paid_on, x.id",
                        $crate::pairing::student_in_scope(2)
                    ))
                    .bind(student)
                    .bind(scope.org())
                    .fetch_all(&self.reader)
                    .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, f, paid_on, reference, recorded_by)| {
                        $crate::pairing::PairingPayment {
                            id,
                            amount: huzhu_domain::money::Money::from_fen(f),
                            paid_on,
                            reference,
                            recorded_by,
                        }
                    })
                    .collect())
            }

            async fn set_pairing_consent(
                &self,
                student: i64,
                scope: &$crate::OrgScope,
                consent: bool,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::pairing::PairingStudent> {
                let mut tx = self.write_tx().await?;
                let (org_id, _) = Self::pairing_scope(&mut tx, student, scope).await?;
                sqlx::query("UPDATE pairing_students SET consent = $1 WHERE id = $2")
                    .bind(consent)
                    .bind(student)
                    .execute(&mut *tx)
                    .await?;
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor: by,
                        action: "pairing.consent",
                        subject: &format!("pairing {student}"),
                        detail: if consent {
                            "家庭同意向资助人公开身份 (the household consents to be known)"
                        } else {
                            "家庭不同意公开身份 (no consent to be known)"
                        },
                        org_id: Some(org_id),
                    },
                )
                .await?;
                let s = Self::pairing_student_in(&mut *tx, student, None, at).await;
                let s = match s {
                    Ok(s) => s,
                    Err(e) => return Err(e),
                };
                tx.commit().await?;
                Ok(s)
            }

            async fn withdraw_pairing(
                &self,
                student: i64,
                scope: &$crate::OrgScope,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::pairing::PairingStudent> {
                use huzhu_domain::pairing::{effective, transition, PairingState, PairingStep};
                let mut tx = self.write_tx().await?;
                let (org_id, _) = Self::pairing_scope(&mut tx, student, scope).await?;
                let done = sqlx::query(
                    "UPDATE pairing_students SET state = 'withdrawn' WHERE id = $1 \
                     AND (state = 'published' OR (state = 'held' AND hold_until_ms <= $2))",
                )
                .bind(student)
                .bind($crate::pairing::ms(at))
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() != 1 {
                    let (s, hold): (String, Option<i64>) = sqlx::query_as(
                        "SELECT state, hold_until_ms FROM pairing_students WHERE id = $1",
                    )
                    .bind(student)
                    .fetch_one(&mut *tx)
                    .await?;
                    let stored = PairingState::parse(&s).unwrap_or(PairingState::Withdrawn);
                    let eff = effective(stored, hold.map($crate::pairing::from_ms), at);
                    return Err($crate::StoreError::Conflict(
                        transition(eff, PairingStep::Withdraw)
                            .err()
                            .map(|e| e.to_string())
                            .unwrap_or_default(),
                    ));
                }
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor: by,
                        action: "pairing.withdraw",
                        subject: &format!("pairing {student}"),
                        detail: "撤回结对发布 (taken off the list)",
                        org_id: Some(org_id),
                    },
                )
                .await?;
                let s = Self::pairing_student_in(&mut *tx, student, None, at).await;
                let s = match s {
                    Ok(s) => s,
                    Err(e) => return Err(e),
                };
                tx.commit().await?;
                Ok(s)
            }
        }
    };
}

pub(crate) use impl_pairing_store;

/// The student's full name from the grant `g`: the household record's person, else the member.
pub(crate) const STUDENT_NAME: &str = "COALESCE((SELECT hp.name FROM household_people hp \
     WHERE hp.tenant_id = g.tenant_id AND hp.id_number = g.subject_id_number \
     ORDER BY hp.id DESC LIMIT 1), (SELECT m.name FROM members m \
     WHERE m.tenant_id = g.tenant_id AND m.id_number = g.subject_id_number LIMIT 1))";
