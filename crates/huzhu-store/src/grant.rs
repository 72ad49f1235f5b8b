//! Grants of the assistance programmes and their funds (SPEC 7.1, 7.3; docs/grants.md).
//!
//! Each method is one transaction with its audit entry. The uniqueness of SPEC 7.1 is the partial
//! unique index `grants_key_live` (one live grant per tenant, programme and key): an application
//! whose key is taken is written `refused` with `already_granted`, naming the first grant and its
//! org, by an `INSERT … ON CONFLICT DO NOTHING` — never a read then a write. A fund's balance is
//! taken by a conditional UPDATE (`balance_fen >= amount`), so concurrent approvals never drive it
//! below zero; the refusal is `fund_exhausted`.

use crate::{MemberId, OrgScope};
use chrono::{DateTime, Utc};
use huzhu_domain::grant::{FundKind, GrantState};
use huzhu_domain::ledger::Entry;
use huzhu_domain::money::Money;
use huzhu_domain::org::{OrgCode, OrgLevel};
use serde::Serialize;
use std::future::Future;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct GrantId(pub i64);

/// A grant as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub id: GrantId,
    pub tenant_id: i64,
    pub programme_id: String,
    pub programme_version: String,
    pub cycle: String,
    pub key: String,
    /// The person the key names (the member, a patient, a student), whole: masked by the app.
    pub subject_id_number: String,
    pub member: MemberId,
    pub member_name: String,
    /// The member's unit when the application was made.
    pub org: OrgCode,
    pub fund: FundKind,
    pub amount: Money,
    pub paid: Money,
    pub state: GrantState,
    /// The engine's assessment, JSON.
    pub assessment: String,
    pub approval_level: OrgLevel,
    pub campaign: Option<i64>,
    pub reason: Option<String>,
    pub applied_by: String,
    pub applied_at: DateTime<Utc>,
    pub checked_by: Option<String>,
    pub checked_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub version: i32,
}

/// An application as the app built it from the assessment.
#[derive(Debug, Clone)]
pub struct NewGrant<'a> {
    pub programme_id: &'a str,
    pub programme_version: &'a str,
    pub cycle: &'a str,
    pub key: &'a str,
    pub subject_id_number: &'a str,
    pub member: MemberId,
    pub fund: FundKind,
    pub amount: Money,
    /// `Applied`, or `Refused` when the programme refused the case.
    pub state: GrantState,
    pub assessment: &'a str,
    /// The case the engine decided on (SPEC 11 JSON), kept for `huzhu replay --programme`.
    pub case_json: Option<&'a str>,
    pub approval_level: OrgLevel,
    pub reason: Option<&'a str>,
    pub by: &'a str,
    pub at: DateTime<Utc>,
}

/// What became of an application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// Recorded as asked (applied, or refused by the programme).
    Recorded(Grant),
    /// The key was taken: recorded refused `already_granted`, naming `first`.
    AlreadyGranted { refused: Grant, first: Box<Grant> },
}

/// A step of a grant's workflow, computed by the domain from `expected_version`.
#[derive(Debug, Clone)]
pub struct GrantChange<'a> {
    pub grant: GrantId,
    pub expected_version: i32,
    pub from: GrantState,
    pub to: GrantState,
    pub action: &'a str,
    pub reason: Option<&'a str>,
    /// The approval's entry (fund → payable), taken from the fund in the same transaction.
    pub entry: Option<&'a Entry>,
    pub by: &'a str,
    pub at: DateTime<Utc>,
}

/// A document handed in to a pending application (docs/grants.md): the file, checked and named
/// by the app, and what the audit entry says.
#[derive(Debug, Clone)]
pub struct NewGrantDocument<'a> {
    pub grant: GrantId,
    /// The grant's version the app read: a grant moved since is a conflict, nothing written.
    pub expected_version: i32,
    /// The programme file's document id.
    pub kind: &'a str,
    pub sha256: &'a str,
    pub file_name: &'a str,
    /// Sniffed from the bytes: `image/jpeg`, `image/png` or `application/pdf`.
    pub content_type: &'a str,
    pub bytes: &'a [u8],
    /// The audit entry's words (the document by name, what is still missing).
    pub audit_detail: &'a str,
    pub by: &'a str,
    pub at: DateTime<Utc>,
}

/// A document handed in to an application, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GrantDocument {
    pub id: i64,
    pub grant: GrantId,
    /// The programme file's document id.
    pub kind: String,
    pub sha256: String,
    pub file_name: String,
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct GrantDocumentRow {
    pub id: i64,
    pub grant_id: i64,
    pub kind: String,
    pub sha256: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

impl From<GrantDocumentRow> for GrantDocument {
    fn from(r: GrantDocumentRow) -> GrantDocument {
        GrantDocument {
            id: r.id,
            grant: GrantId(r.grant_id),
            kind: r.kind,
            sha256: r.sha256,
            file_name: r.file_name,
            content_type: r.content_type,
            size: r.size,
            uploaded_by: r.uploaded_by,
            uploaded_at: r.uploaded_at,
        }
    }
}

/// Which grants to list.
#[derive(Debug, Clone, Default)]
pub struct GrantFilter {
    pub states: Vec<GrantState>,
    pub member: Option<MemberId>,
    pub programme: Option<String>,
    pub campaign: Option<i64>,
    /// Only approved grants with something left to pay and no pending payout line.
    pub awaiting_payout: bool,
    pub after: Option<GrantId>,
    pub limit: u32,
}

/// One fund's balance in a city federation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FundBalance {
    #[serde(serialize_with = "fund_code")]
    pub fund: FundKind,
    pub balance: Money,
}

fn fund_code<S: serde::Serializer>(f: &FundKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(f.code())
}

/// An appropriation into a fund (bank → fund).
#[derive(Debug, Clone)]
pub struct NewDeposit<'a> {
    pub org: &'a OrgCode,
    pub fund: FundKind,
    pub amount: Money,
    pub reference: &'a str,
    pub entry: &'a Entry,
    pub by: &'a str,
    pub at: DateTime<Utc>,
}

/// The words of a refusal for a taken key (SPEC 7.1), naming the first grant by its number and
/// its org — never by the key, which holds the subject's ID number (issue 15): the page links
/// the first grant, whose key is shown masked.
pub fn already_granted_reason(first: &Grant) -> String {
    format!(
        "already_granted: 已有同一键的救助 {} ({}) (already granted: grant {} of {})",
        first.id.0, first.org, first.id.0, first.org
    )
}

/// The audit line of an application, in words: the programme's name, the key and reasons with
/// the ID numbers masked, the refusal codes left out (their words follow them).
pub fn apply_audit_detail(g: &Grant) -> String {
    let name = match huzhu_domain::programme::builtin(&g.programme_id) {
        Some(Ok(p)) => p.name,
        _ => g.programme_id.clone(),
    };
    let reason = g
        .reason
        .as_deref()
        .unwrap_or_default()
        .split("; ")
        .map(|part| match part.split_once(": ") {
            Some((code, rest)) if code.chars().all(|c| c.is_ascii_lowercase() || c == '_') => rest,
            _ => part,
        })
        .collect::<Vec<_>>()
        .join("；");
    let line = format!(
        "{name} {} {}：{}{}",
        g.key,
        g.amount,
        g.state.words().0,
        if reason.is_empty() {
            String::new()
        } else {
            format!("（{reason}）")
        }
    );
    huzhu_domain::personal::mask_id_numbers_in(&line)
}

/// The words of an approval beyond what is left in the fund.
pub fn fund_exhausted_reason(fund: FundKind, amount: Money) -> String {
    let (zh, en) = fund.words();
    format!(
        "fund_exhausted: {zh}余额不足以支付 {} (the {en} holds less than {})",
        amount, amount
    )
}

pub trait GrantStore: Send + Sync {
    /// Records the grants of one application (one per subject: a household's several patients
    /// or students) in **one transaction**, all or nothing, for members in `scope` (else
    /// [`crate::StoreError::NotFound`]), under each member's unit of now. A live grant whose key
    /// is taken is recorded refused `already_granted` instead ([`Applied::AlreadyGranted`]); the
    /// others are still recorded. The answers are in the order of `gs`.
    fn apply_grants(
        &self,
        gs: &[NewGrant<'_>],
        scope: &OrgScope,
    ) -> impl Future<Output = crate::Result<Vec<Applied>>> + Send;

    /// One application with one subject ([`GrantStore::apply_grants`] with one grant).
    fn apply_grant(
        &self,
        g: &NewGrant<'_>,
        scope: &OrgScope,
    ) -> impl Future<Output = crate::Result<Applied>> + Send {
        async move {
            self.apply_grants(std::slice::from_ref(g), scope)
                .await?
                .pop()
                .ok_or_else(|| crate::StoreError::Corrupt("no grant recorded".into()))
        }
    }

    /// A grant whose org lies in `scope`; any other is [`crate::StoreError::NotFound`].
    fn grant(
        &self,
        id: GrantId,
        scope: &OrgScope,
    ) -> impl Future<Output = crate::Result<Grant>> + Send;

    /// Grants of `scope` matching the filter, by id.
    fn grants_under(
        &self,
        scope: &OrgScope,
        filter: &GrantFilter,
    ) -> impl Future<Output = crate::Result<Vec<Grant>>> + Send;

    /// The applications of a programme in `scope` whose cycle label begins with `year` (a
    /// calendar or academic year `2026`, a window `2026春节`), by id, each with the case it was
    /// decided on (`None` for grants made before cases were kept, and campaign grants).
    fn grant_cases(
        &self,
        programme_id: &str,
        year: i32,
        scope: &OrgScope,
    ) -> impl Future<Output = crate::Result<Vec<(Grant, Option<String>)>>> + Send;

    /// Moves a grant in `scope` one step; a grant that moved since `expected_version` is a
    /// conflict. An approval with an entry takes its amount from the fund first: a fund holding
    /// less is a conflict naming `fund_exhausted`, and nothing is written.
    fn change_grant(
        &self,
        c: &GrantChange<'_>,
        scope: &OrgScope,
    ) -> impl Future<Output = crate::Result<Grant>> + Send;

    /// Hands a document in to a grant in `scope` (else [`crate::StoreError::NotFound`]) that is
    /// still applied or checked and at `expected_version` (else a conflict), in one transaction:
    /// the file (stored once by its hash), the document row, the pinned assessment's
    /// `missing_documents` and the kept case's `documents` re-read with it
    /// ([`huzhu_domain::grant::hand_in`]), the grant's version moved on, and the audit entry.
    /// Nothing is written when any of it fails.
    fn add_grant_document(
        &self,
        d: &NewGrantDocument<'_>,
        scope: &OrgScope,
    ) -> impl Future<Output = crate::Result<(Grant, GrantDocument)>> + Send;

    /// The documents handed in to a grant in `scope`, in upload order.
    fn grant_documents(
        &self,
        id: GrantId,
        scope: &OrgScope,
    ) -> impl Future<Output = crate::Result<Vec<GrantDocument>>> + Send;

    /// Puts money into a fund of the org's city federation, with its entry and audit.
    fn deposit_fund(
        &self,
        d: &NewDeposit<'_>,
    ) -> impl Future<Output = crate::Result<FundBalance>> + Send;

    /// The funds of the city federation `org` belongs to (every fund, zero when never filled).
    fn fund_balances(
        &self,
        org: &OrgCode,
    ) -> impl Future<Output = crate::Result<Vec<FundBalance>>> + Send;

    /// The appropriations into the funds of the city federation `org` belongs to, newest first,
    /// at most `limit`.
    fn fund_deposits(
        &self,
        org: &OrgCode,
        limit: u32,
    ) -> impl Future<Output = crate::Result<Vec<FundDeposit>>> + Send;
}

/// An appropriation as stored (资金拨入).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundDeposit {
    pub id: i64,
    #[serde(serialize_with = "fund_code")]
    pub fund: FundKind,
    pub amount: Money,
    pub reference: String,
    /// The depositing org.
    pub org: OrgCode,
    pub by: String,
    pub at: DateTime<Utc>,
}

pub(crate) const GRANT_COLUMNS: &str = "g.id, g.tenant_id, g.programme_id, g.programme_version, \
     g.cycle, g.grant_key, g.subject_id_number, g.member_id, m.name AS member_name, \
     o.code AS org_code, g.fund, g.amount_fen, g.paid_fen, g.state, g.assessment, \
     g.approval_level, g.campaign_id, g.reason, g.applied_by, g.applied_at, g.checked_by, \
     g.checked_at, g.decided_by, g.decided_at, g.version";

pub(crate) const GRANT_FROM: &str = "grants g JOIN members m ON m.id = g.member_id \
     AND m.tenant_id = g.tenant_id JOIN orgs o ON o.id = g.org_id";

/// `g.org_id` lies under the org whose code is bound as `$n` (every org when it is NULL).
pub(crate) fn in_scope(n: usize) -> String {
    format!(
        "(${n} IS NULL OR g.org_id IN (SELECT c.descendant_id FROM org_closure c \
         JOIN orgs a ON a.id = c.ancestor_id WHERE a.code = ${n}))"
    )
}

#[derive(sqlx::FromRow)]
pub(crate) struct GrantRow {
    pub id: i64,
    pub tenant_id: i64,
    pub programme_id: String,
    pub programme_version: String,
    pub cycle: String,
    pub grant_key: String,
    pub subject_id_number: String,
    pub member_id: i64,
    pub member_name: String,
    pub org_code: String,
    pub fund: String,
    pub amount_fen: i64,
    pub paid_fen: i64,
    pub state: String,
    pub assessment: String,
    pub approval_level: i64,
    pub campaign_id: Option<i64>,
    pub reason: Option<String>,
    pub applied_by: String,
    pub applied_at: DateTime<Utc>,
    pub checked_by: Option<String>,
    pub checked_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub version: i32,
}

impl GrantRow {
    pub fn into_grant(self) -> crate::Result<Grant> {
        let corrupt = |what: &str| crate::StoreError::Corrupt(format!("grant {} {what}", self.id));
        Ok(Grant {
            id: GrantId(self.id),
            tenant_id: self.tenant_id,
            org: OrgCode::parse(&self.org_code).map_err(|_| corrupt("org"))?,
            fund: FundKind::parse(&self.fund).ok_or_else(|| corrupt("fund"))?,
            state: GrantState::parse(&self.state).ok_or_else(|| corrupt("state"))?,
            approval_level: OrgLevel::from_number(self.approval_level)
                .ok_or_else(|| corrupt("approval level"))?,
            programme_id: self.programme_id,
            programme_version: self.programme_version,
            cycle: self.cycle,
            key: self.grant_key,
            subject_id_number: self.subject_id_number,
            member: MemberId(self.member_id),
            member_name: self.member_name,
            amount: Money::from_fen(self.amount_fen),
            paid: Money::from_fen(self.paid_fen),
            assessment: self.assessment,
            campaign: self.campaign_id,
            reason: self.reason,
            applied_by: self.applied_by,
            applied_at: self.applied_at,
            checked_by: self.checked_by,
            checked_at: self.checked_at,
            decided_by: self.decided_by,
            decided_at: self.decided_at,
            version: self.version,
        })
    }
}

/// Expands [`GrantStore`] for one backend (after `impl_bank_store!` and `impl_money_store!`,
/// whose `audit_in` and `money_post` it uses).
macro_rules! impl_grant_store {
    ($store:ty) => {
        impl $store {
            async fn grant_in<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                id: i64,
            ) -> $crate::Result<$crate::grant::Grant> {
                let row: $crate::grant::GrantRow = sqlx::query_as(&format!(
                    "SELECT {} FROM {} WHERE g.id = $1",
                    $crate::grant::GRANT_COLUMNS,
                    $crate::grant::GRANT_FROM
                ))
                .bind(id)
                .fetch_one(&mut **tx)
                .await?;
                row.into_grant()
            }

            /// Takes `amount` from a fund inside `tx`, or refuses `fund_exhausted`.
            pub(crate) async fn grant_take_from_fund<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                tenant: i64,
                fund: huzhu_domain::grant::FundKind,
                amount: huzhu_domain::money::Money,
            ) -> $crate::Result<()> {
                if amount.fen() == 0 {
                    return Ok(());
                }
                let taken = sqlx::query(
                    "UPDATE programme_funds SET balance_fen = balance_fen - $1 \
                     WHERE tenant_id = $2 AND fund = $3 AND balance_fen >= $1",
                )
                .bind(amount.fen())
                .bind(tenant)
                .bind(fund.code())
                .execute(&mut **tx)
                .await?;
                if taken.rows_affected() != 1 {
                    return Err($crate::StoreError::Conflict(
                        $crate::grant::fund_exhausted_reason(fund, amount),
                    ));
                }
                Ok(())
            }
        }

        impl $crate::grant::GrantStore for $store {
            async fn apply_grants(
                &self,
                gs: &[$crate::grant::NewGrant<'_>],
                scope: &$crate::OrgScope,
            ) -> $crate::Result<Vec<$crate::grant::Applied>> {
                use $crate::grant::Applied;
                let mut tx = self.write_tx().await?;
                let mut out = Vec::with_capacity(gs.len());
                for g in gs {
                let member: Option<(i64, i64)> = sqlx::query_as(
                    "SELECT m.tenant_id, m.org_id FROM members m WHERE m.id = $1 AND ($2 IS NULL \
                     OR m.org_id IN (SELECT c.descendant_id FROM org_closure c \
                     JOIN orgs a ON a.id = c.ancestor_id WHERE a.code = $2))",
                )
                .bind(g.member.0)
                .bind(scope.org())
                .fetch_optional(&mut *tx)
                .await?;
                let (tenant, org_id) = member.ok_or_else(|| {
                    $crate::StoreError::NotFound(format!("member {}", g.member.0))
                })?;
                let insert = |state: &str| {
                    format!(
                        "INSERT INTO grants (tenant_id, programme_id, programme_version, cycle, \
                         grant_key, subject_id_number, member_id, org_id, fund, amount_fen, \
                         state, assessment, approval_level, reason, applied_by, applied_at, \
                         case_json) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '{state}', $11, $12, \
                         $13, $14, $15, $16) {}RETURNING id",
                        if huzhu_domain::grant::GrantState::parse(state)
                            .is_some_and(|s| s.is_live())
                        {
                            "ON CONFLICT (tenant_id, programme_id, grant_key) \
                             WHERE state NOT IN ('refused', 'withdrawn') DO NOTHING "
                        } else {
                            ""
                        }
                    )
                };
                macro_rules! bind {
                    ($sql:expr, $reason:expr) => {
                        sqlx::query_scalar::<_, i64>($sql)
                            .bind(tenant)
                            .bind(g.programme_id)
                            .bind(g.programme_version)
                            .bind(g.cycle)
                            .bind(g.key)
                            .bind(g.subject_id_number)
                            .bind(g.member.0)
                            .bind(org_id)
                            .bind(g.fund.code())
                            .bind(g.amount.fen())
                            .bind(g.assessment)
                            .bind(g.approval_level.number())
                            .bind($reason)
                            .bind(g.by)
                            .bind(g.at)
                            .bind(g.case_json)
                    };
                }
                let sql = insert(g.state.code());
                let id: Option<i64> = bind!(&sql, g.reason)
                    .fetch_optional(&mut *tx)
                    .await?;
                let (outcome, id) = match id {
                    Some(id) => (None, id),
                    None => {
                        // The key is taken: the first live grant, read after the conflict.
                        let first_id: i64 = sqlx::query_scalar(
                            "SELECT id FROM grants WHERE tenant_id = $1 AND programme_id = $2 \
                             AND grant_key = $3 AND state NOT IN ('refused', 'withdrawn')",
                        )
                        .bind(tenant)
                        .bind(g.programme_id)
                        .bind(g.key)
                        .fetch_one(&mut *tx)
                        .await?;
                        let first = Self::grant_in(&mut tx, first_id).await?;
                        let reason = $crate::grant::already_granted_reason(&first);
                        let sql = insert("refused");
                        let id: i64 = bind!(&sql, Some(reason.as_str()))
                            .fetch_one(&mut *tx)
                            .await?;
                        (Some(first), id)
                    }
                };
                let grant = Self::grant_in(&mut tx, id).await?;
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at: g.at,
                        actor: g.by,
                        action: "grant.apply",
                        subject: &format!("grant {id}"),
                        detail: &$crate::grant::apply_audit_detail(&grant),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                out.push(match outcome {
                    None => Applied::Recorded(grant),
                    Some(first) => Applied::AlreadyGranted {
                        refused: grant,
                        first: Box::new(first),
                    },
                });
                }
                tx.commit().await?;
                Ok(out)
            }

            async fn grant(
                &self,
                id: $crate::grant::GrantId,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<$crate::grant::Grant> {
                let row: Option<$crate::grant::GrantRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM {} WHERE g.id = $1 AND {}",
                    $crate::grant::GRANT_COLUMNS,
                    $crate::grant::GRANT_FROM,
                    $crate::grant::in_scope(2)
                ))
                .bind(id.0)
                .bind(scope.org())
                .fetch_optional(&self.reader)
                .await?;
                row.ok_or_else(|| $crate::StoreError::NotFound(format!("grant {}", id.0)))?
                    .into_grant()
            }

            async fn grant_cases(
                &self,
                programme_id: &str,
                year: i32,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<Vec<($crate::grant::Grant, Option<String>)>> {
                #[derive(sqlx::FromRow)]
                struct Row {
                    #[sqlx(flatten)]
                    grant: $crate::grant::GrantRow,
                    case_json: Option<String>,
                }
                let rows: Vec<Row> = sqlx::query_as(&format!(
                    "SELECT {}, g.case_json FROM {} WHERE {} AND g.programme_id = $2 \
                     AND g.cycle LIKE $3 ORDER BY g.id",
                    $crate::grant::GRANT_COLUMNS,
                    $crate::grant::GRANT_FROM,
                    $crate::grant::in_scope(1)
                ))
                .bind(scope.org())
                .bind(programme_id)
                .bind(format!("{year}%"))
                .fetch_all(&self.reader)
                .await?;
                rows.into_iter()
                    .map(|r| Ok((r.grant.into_grant()?, r.case_json)))
                    .collect()
            }

            async fn grants_under(
                &self,
                scope: &$crate::OrgScope,
                filter: &$crate::grant::GrantFilter,
            ) -> $crate::Result<Vec<$crate::grant::Grant>> {
                let mut sql = format!(
                    "SELECT {} FROM {} WHERE {} AND g.id > $2",
                    $crate::grant::GRANT_COLUMNS,
                    $crate::grant::GRANT_FROM,
                    $crate::grant::in_scope(1)
                );
                let mut n = 3;
                let mut texts: Vec<String> = Vec::new();
                let mut ints: Vec<i64> = Vec::new();
                if let Some(m) = filter.member {
                    sql.push_str(&format!(" AND g.member_id = ${n}"));
                    ints.push(m.0);
                    n += 1;
                }
                if let Some(c) = filter.campaign {
                    sql.push_str(&format!(" AND g.campaign_id = ${n}"));
                    ints.push(c);
                    n += 1;
                }
                if let Some(p) = &filter.programme {
                    sql.push_str(&format!(" AND g.programme_id = ${n}"));
                    texts.push(p.clone());
                    n += 1;
                }
                if !filter.states.is_empty() {
                    let ps: Vec<String> = filter
                        .states
                        .iter()
                        .map(|s| {
                            texts.push(s.code().to_string());
                            n += 1;
                            format!("${}", n - 1)
                        })
                        .collect();
                    sql.push_str(&format!(" AND g.state IN ({})", ps.join(", ")));
                }
                if filter.awaiting_payout {
                    sql.push_str(
                        " AND g.state = 'approved' AND g.amount_fen > g.paid_fen \
                         AND NOT EXISTS (SELECT 1 FROM payout_lines l \
                         WHERE l.grant_id = g.id AND l.status = 'pending')",
                    );
                }
                sql.push_str(&format!(" ORDER BY g.id LIMIT ${n}"));
                let mut q = sqlx::query_as::<_, $crate::grant::GrantRow>(&sql)
                    .bind(scope.org())
                    .bind(filter.after.map_or(0, |a| a.0));
                for i in ints {
                    q = q.bind(i);
                }
                for t in texts {
                    q = q.bind(t);
                }
                let rows = q
                    .bind(i64::from(filter.limit.max(1)))
                    .fetch_all(&self.reader)
                    .await?;
                rows.into_iter().map(|r| r.into_grant()).collect()
            }

            async fn change_grant(
                &self,
                c: &$crate::grant::GrantChange<'_>,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<$crate::grant::Grant> {
                use huzhu_domain::grant::GrantState;
                let mut tx = self.write_tx().await?;
                let row: Option<(i64, i64, String, i64, String)> = sqlx::query_as(&format!(
                    "SELECT g.tenant_id, g.org_id, g.fund, g.amount_fen, g.programme_id \
                     FROM grants g \
                     WHERE g.id = $1 AND {}",
                    $crate::grant::in_scope(2)
                ))
                .bind(c.grant.0)
                .bind(scope.org())
                .fetch_optional(&mut *tx)
                .await?;
                let (tenant, org_id, fund, amount, programme) = row.ok_or_else(|| {
                    $crate::StoreError::NotFound(format!("grant {}", c.grant.0))
                })?;
                let who = match c.to {
                    GrantState::Checked => "checked",
                    _ => "decided",
                };
                let moved = sqlx::query(&format!(
                    "UPDATE grants SET state = $1, reason = COALESCE($2, reason), \
                     {who}_by = $3, {who}_at = $4, version = version + 1 \
                     WHERE id = $5 AND version = $6 AND state = $7"
                ))
                .bind(c.to.code())
                .bind(c.reason)
                .bind(c.by)
                .bind(c.at)
                .bind(c.grant.0)
                .bind(c.expected_version)
                .bind(c.from.code())
                .execute(&mut *tx)
                .await?;
                if moved.rows_affected() != 1 {
                    return Err($crate::StoreError::Conflict(format!(
                        "救助申请 {} 已被他人处理，请刷新后重试 (grant {} has moved; reload it)",
                        c.grant.0, c.grant.0
                    )));
                }
                if let Some(entry) = c.entry {
                    let fund = huzhu_domain::grant::FundKind::parse(&fund).ok_or_else(|| {
                        $crate::StoreError::Corrupt(format!("grant {} fund", c.grant.0))
                    })?;
                    Self::grant_take_from_fund(
                        &mut tx,
                        tenant,
                        fund,
                        huzhu_domain::money::Money::from_fen(amount),
                    )
                    .await?;
                    // Restricted donations (donation module): only their programme's grants.
                    Self::fund_take_restricted(
                        &mut tx,
                        tenant,
                        fund,
                        &programme,
                        c.grant.0,
                        huzhu_domain::money::Money::from_fen(amount),
                        c.by,
                        c.at,
                    )
                    .await?;
                    Self::grant_post(&mut tx, tenant, entry, Some(c.grant.0), None, c.by, c.at)
                        .await?;
                }
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at: c.at,
                        actor: c.by,
                        action: &format!("grant.{}", c.action),
                        subject: &format!("grant {}", c.grant.0),
                        detail: &format!(
                            "{} → {} {}",
                            c.from.words().0,
                            c.to.words().0,
                            c.reason.unwrap_or_default()
                        ),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                let grant = Self::grant_in(&mut tx, c.grant.0).await?;
                tx.commit().await?;
                Ok(grant)
            }

            async fn add_grant_document(
                &self,
                d: &$crate::grant::NewGrantDocument<'_>,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<($crate::grant::Grant, $crate::grant::GrantDocument)> {
                let mut tx = self.write_tx().await?;
                let row: Option<(i64, i64, String, Option<String>)> = sqlx::query_as(&format!(
                    "SELECT g.tenant_id, g.org_id, g.assessment, g.case_json FROM grants g \
                     WHERE g.id = $1 AND {}",
                    $crate::grant::in_scope(2)
                ))
                .bind(d.grant.0)
                .bind(scope.org())
                .fetch_optional(&mut *tx)
                .await?;
                let (tenant, org_id, assessment, case_json) = row.ok_or_else(|| {
                    $crate::StoreError::NotFound(format!("grant {}", d.grant.0))
                })?;
                let (assessment, case_json) =
                    huzhu_domain::grant::hand_in(&assessment, case_json.as_deref(), d.kind)
                        .map_err(|e| {
                            $crate::StoreError::Corrupt(format!(
                                "grant {} assessment: {e}",
                                d.grant.0
                            ))
                        })?;
                let moved = sqlx::query(
                    "UPDATE grants SET assessment = $1, case_json = $2, version = version + 1 \
                     WHERE id = $3 AND version = $4 AND state IN ('applied', 'checked')",
                )
                .bind(assessment.as_str())
                .bind(case_json.as_deref())
                .bind(d.grant.0)
                .bind(d.expected_version)
                .execute(&mut *tx)
                .await?;
                if moved.rows_affected() != 1 {
                    return Err($crate::StoreError::Conflict(format!(
                        "救助申请 {} 已被他人处理，请刷新后重试 (grant {} has moved; reload it)",
                        d.grant.0, d.grant.0
                    )));
                }
                let size = i64::try_from(d.bytes.len()).unwrap_or(i64::MAX);
                sqlx::query(
                    "INSERT INTO blobs (sha256, content_type, size, bytes, created_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING",
                )
                .bind(d.sha256)
                .bind(d.content_type)
                .bind(size)
                .bind(d.bytes)
                .bind(d.at)
                .execute(&mut *tx)
                .await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO grant_documents (tenant_id, grant_id, kind, sha256, file_name, \
                     content_type, size, uploaded_by, uploaded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                )
                .bind(tenant)
                .bind(d.grant.0)
                .bind(d.kind)
                .bind(d.sha256)
                .bind(d.file_name)
                .bind(d.content_type)
                .bind(size)
                .bind(d.by)
                .bind(d.at)
                .fetch_one(&mut *tx)
                .await?;
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at: d.at,
                        actor: d.by,
                        action: "grant.document",
                        subject: &format!("grant {}", d.grant.0),
                        detail: d.audit_detail,
                        org_id: Some(org_id),
                    },
                )
                .await?;
                let grant = Self::grant_in(&mut tx, d.grant.0).await?;
                tx.commit().await?;
                Ok((
                    grant,
                    $crate::grant::GrantDocument {
                        id,
                        grant: d.grant,
                        kind: d.kind.to_string(),
                        sha256: d.sha256.to_string(),
                        file_name: d.file_name.to_string(),
                        content_type: d.content_type.to_string(),
                        size,
                        uploaded_by: d.by.to_string(),
                        uploaded_at: d.at,
                    },
                ))
            }

            async fn grant_documents(
                &self,
                id: $crate::grant::GrantId,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<Vec<$crate::grant::GrantDocument>> {
                let rows: Vec<$crate::grant::GrantDocumentRow> = sqlx::query_as(&format!(
                    "SELECT d.id, d.grant_id, d.kind, d.sha256, d.file_name, d.content_type, \
                     d.size, d.uploaded_by, d.uploaded_at FROM grant_documents d \
                     JOIN grants g ON g.id = d.grant_id AND g.tenant_id = d.tenant_id \
                     WHERE d.grant_id = $1 AND {} ORDER BY d.id",
                    $crate::grant::in_scope(2)
                ))
                .bind(id.0)
                .bind(scope.org())
                .fetch_all(&self.reader)
                .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn deposit_fund(
                &self,
                d: &$crate::grant::NewDeposit<'_>,
            ) -> $crate::Result<$crate::grant::FundBalance> {
                let mut tx = self.write_tx().await?;
                let (org_id, tenant) = Self::money_org(&mut tx, d.org).await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO fund_deposits (tenant_id, org_id, fund, amount_fen, reference, \
                     created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(tenant)
                .bind(org_id)
                .bind(d.fund.code())
                .bind(d.amount.fen())
                .bind(d.reference)
                .bind(d.by)
                .bind(d.at)
                .fetch_one(&mut *tx)
                .await?;
                let balance: i64 = sqlx::query_scalar(
                    "INSERT INTO programme_funds (tenant_id, fund, balance_fen) VALUES ($1, $2, $3) \
                     ON CONFLICT (tenant_id, fund) DO UPDATE \
                     SET balance_fen = programme_funds.balance_fen + excluded.balance_fen \
                     RETURNING balance_fen",
                )
                .bind(tenant)
                .bind(d.fund.code())
                .bind(d.amount.fen())
                .fetch_one(&mut *tx)
                .await?;
                Self::grant_post(&mut tx, tenant, d.entry, None, Some(id), d.by, d.at).await?;
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at: d.at,
                        actor: d.by,
                        action: "fund.deposit",
                        subject: &format!("deposit {id}"),
                        detail: &format!(
                            "{} 拨入 {}，余额 {} ({} deposit {}, balance {})：{}",
                            d.fund.words().0,
                            d.amount,
                            huzhu_domain::money::Money::from_fen(balance),
                            d.fund.words().1,
                            d.amount,
                            huzhu_domain::money::Money::from_fen(balance),
                            d.reference
                        ),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                tx.commit().await?;
                Ok($crate::grant::FundBalance {
                    fund: d.fund,
                    balance: huzhu_domain::money::Money::from_fen(balance),
                })
            }

            async fn fund_deposits(
                &self,
                org: &huzhu_domain::org::OrgCode,
                limit: u32,
            ) -> $crate::Result<Vec<$crate::grant::FundDeposit>> {
                let rows: Vec<(i64, String, i64, String, String, String, chrono::DateTime<chrono::Utc>)> =
                    sqlx::query_as(
                        "SELECT d.id, d.fund, d.amount_fen, d.reference, w.code, d.created_by, \
                         d.created_at FROM orgs o JOIN fund_deposits d \
                         ON d.tenant_id = COALESCE(o.tenant_id, o.id) \
                         JOIN orgs w ON w.id = d.org_id WHERE o.code = $1 \
                         ORDER BY d.id DESC LIMIT $2",
                    )
                    .bind(org.as_str())
                    .bind(i64::from(limit))
                    .fetch_all(&self.reader)
                    .await?;
                rows.into_iter()
                    .map(|(id, fund, amount, reference, code, by, at)| {
                        let corrupt =
                            || $crate::StoreError::Corrupt(format!("deposit {id}"));
                        Ok($crate::grant::FundDeposit {
                            id,
                            fund: huzhu_domain::grant::FundKind::parse(&fund)
                                .ok_or_else(corrupt)?,
                            amount: huzhu_domain::money::Money::from_fen(amount),
                            reference,
                            org: huzhu_domain::org::OrgCode::parse(&code)
                                .map_err(|_| corrupt())?,
                            by,
                            at,
                        })
                    })
                    .collect()
            }

            async fn fund_balances(
                &self,
                org: &huzhu_domain::org::OrgCode,
            ) -> $crate::Result<Vec<$crate::grant::FundBalance>> {
                let rows: Vec<(String, i64)> = sqlx::query_as(
                    "SELECT f.fund, f.balance_fen FROM orgs o JOIN programme_funds f \
                     ON f.tenant_id = COALESCE(o.tenant_id, o.id) WHERE o.code = $1",
                )
                .bind(org.as_str())
                .fetch_all(&self.reader)
                .await?;
                Ok(huzhu_domain::grant::FundKind::ALL
                    .into_iter()
                    .map(|fund| $crate::grant::FundBalance {
                        fund,
                        balance: huzhu_domain::money::Money::from_fen(
                            rows.iter()
                                .find(|(f, _)| f == fund.code())
                                .map_or(0, |(_, b)| *b),
                        ),
                    })
                    .collect())
            }
        }

        impl $store {
            /// Writes one ledger entry of a grant or a deposit and its postings inside `tx`.
            pub(crate) async fn grant_post<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                tenant: i64,
                entry: &huzhu_domain::ledger::Entry,
                grant: Option<i64>,
                deposit: Option<i64>,
                actor: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<i64> {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO ledger_entries (tenant_id, kind, memo, grant_id, deposit_id, \
                     actor, at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(tenant)
                .bind(entry.kind().code())
                .bind(entry.memo())
                .bind(grant)
                .bind(deposit)
                .bind(actor)
                .bind(at)
                .fetch_one(&mut **tx)
                .await?;
                for p in entry.postings() {
                    sqlx::query(
                        "INSERT INTO ledger_postings (tenant_id, entry_id, account, fen) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(tenant)
                    .bind(id)
                    .bind(p.account.key())
                    .bind(p.fen)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(id)
            }
        }
    };
}

pub(crate) use impl_grant_store;
