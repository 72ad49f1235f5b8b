//! Care campaigns 两节送温暖 / 送清凉 (SPEC 7.4; docs/grants.md): a campaign, its one list of
//! recipients (whoever listed them: a member is on it once — the city's list and a district's are
//! one list, the second listing refused naming the first), their visits and gift packs, and the
//! campaign's cash granted in one transaction through the grants' unique key.
//!
//! A campaign belongs to its tenant: every org of the city federation sees it and lists its own
//! members on it; recipients are read and changed within the actor's subtree (the member's unit).

use crate::grant::GrantId;
use crate::{MemberId, OrgScope};
use chrono::{DateTime, NaiveDate, Utc};
use huzhu_domain::grant::FundKind;
use huzhu_domain::money::Money;
use huzhu_domain::org::OrgCode;
use serde::Serialize;
use std::future::Future;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Campaign {
    pub id: i64,
    pub tenant_id: i64,
    /// The org that runs it.
    pub org: String,
    pub programme_id: String,
    pub programme_version: String,
    pub name: String,
    pub cycle: String,
    pub window_start: NaiveDate,
    pub window_end: NaiveDate,
    pub state: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewCampaign<'a> {
    pub org: &'a OrgCode,
    pub programme_id: &'a str,
    pub programme_version: &'a str,
    pub name: &'a str,
    pub cycle: &'a str,
    pub window_start: NaiveDate,
    pub window_end: NaiveDate,
    pub by: &'a str,
    pub at: DateTime<Utc>,
}

/// One entry of a campaign's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recipient {
    pub id: i64,
    pub campaign: i64,
    pub member: MemberId,
    pub member_name: String,
    /// Whole: the app masks it.
    #[serde(skip)]
    pub id_number: String,
    /// The member's unit now.
    pub unit: String,
    pub unit_name: String,
    /// The org whose list named them.
    pub listed_by_org: String,
    pub listed_by_org_name: String,
    /// `archive`, `tag` or `manual`.
    pub basis: String,
    pub reason: String,
    pub cash: Money,
    pub gift_pack: bool,
    pub gift_handed_at: Option<DateTime<Utc>>,
    pub visit_date: Option<NaiveDate>,
    pub visitor: Option<String>,
    pub photo_sha256: Option<String>,
    /// The campaign's live grant of the member, once granted, and its state.
    pub grant: Option<GrantId>,
    pub grant_state: Option<huzhu_domain::grant::GrantState>,
    pub listed_by: String,
    pub listed_at: DateTime<Utc>,
}

/// A member to put on the list (the app has merged the ways they qualify: the largest cash
/// amount once, one gift pack).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRecipient {
    pub member: MemberId,
    pub basis: String,
    pub reason: String,
    pub cash: Money,
    pub gift_pack: bool,
}

/// A member listed already, with the first listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlreadyListed {
    pub member: MemberId,
    pub first: i64,
    pub org: String,
    pub org_name: String,
    pub listed_by: String,
}

/// What a listing did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Listed {
    pub added: u64,
    pub already: Vec<AlreadyListed>,
    /// Members unknown or outside the actor's subtree.
    pub not_found: Vec<MemberId>,
}

/// A member the campaign's grant refused because the key was taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GrantRefusal {
    pub member: MemberId,
    pub first: GrantId,
    pub first_org: String,
}

/// What granting a campaign's cash did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CampaignGranted {
    pub granted: u64,
    pub total: Money,
    pub refused: Vec<GrantRefusal>,
}

#[derive(Debug, Clone)]
pub struct Visit<'a> {
    pub date: NaiveDate,
    pub visitor: &'a str,
    pub photo_sha256: Option<&'a str>,
}

pub trait CampaignStore: Send + Sync {
    fn create_campaign(
        &self,
        c: &NewCampaign<'_>,
    ) -> impl Future<Output = crate::Result<Campaign>> + Send;

    /// A campaign of the tenant `scope`'s org belongs to (every tenant's for Everything).
    fn campaign(
        &self,
        id: i64,
        scope: &OrgScope,
    ) -> impl Future<Output = crate::Result<Campaign>> + Send;

    fn campaigns(
        &self,
        scope: &OrgScope,
    ) -> impl Future<Output = crate::Result<Vec<Campaign>>> + Send;

    /// Lists members of `scope` on the campaign as `org`'s list, in one transaction; a member
    /// listed already (by anyone) is refused naming the first listing.
    fn list_recipients(
        &self,
        campaign: i64,
        scope: &OrgScope,
        org: &OrgCode,
        entries: &[NewRecipient],
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Listed>> + Send;

    /// Recipients whose unit lies in `scope`, by id after `after`.
    fn recipients(
        &self,
        campaign: i64,
        scope: &OrgScope,
        after: i64,
        limit: u32,
    ) -> impl Future<Output = crate::Result<Vec<Recipient>>> + Send;

    fn record_visit(
        &self,
        recipient: i64,
        scope: &OrgScope,
        visit: &Visit<'_>,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Recipient>> + Send;

    /// Marks the recipient's gift pack handed out; one already handed out is a conflict.
    fn hand_gift(
        &self,
        recipient: i64,
        scope: &OrgScope,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Recipient>> + Send;

    /// Grants the cash of every recipient of `scope` not granted yet, `approved` at once, from
    /// `fund`: the grants (key `CYCLE:ID-NUMBER`, unique in the tenant), their ledger entries
    /// and the fund, in one transaction. A recipient whose key is taken is refused naming the
    /// first grant; a fund holding less than the total refuses the whole (`fund_exhausted`).
    fn grant_campaign(
        &self,
        campaign: i64,
        scope: &OrgScope,
        fund: FundKind,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<CampaignGranted>> + Send;
}

pub(crate) const CAMPAIGN_COLUMNS: &str = "c.id, c.tenant_id, o.code AS org_code, \
     c.programme_id, c.programme_version, c.name, c.cycle, c.window_start, c.window_end, \
     c.state, c.created_by, c.created_at";

/// Campaigns of the tenant of the org bound as `$n` (every one when NULL).
pub(crate) fn campaign_tenant(n: usize) -> String {
    format!(
        "(${n} IS NULL OR c.tenant_id = (SELECT COALESCE(t.tenant_id, t.id) FROM orgs t \
         WHERE t.code = ${n}))"
    )
}

pub(crate) const RECIPIENT_COLUMNS: &str = "r.id, r.campaign_id, r.member_id, \
     m.name AS member_name, m.id_number, mo.code AS unit_code, mo.name AS unit_name, \
     lo.code AS listed_org, lo.name AS listed_org_name, r.basis, \
     r.reason, r.cash_fen, r.gift_pack, r.gift_handed_at, r.visit_date, r.visitor, \
     r.photo_sha256, (SELECT g.id FROM grants g WHERE g.campaign_id = r.campaign_id \
     AND g.member_id = r.member_id AND g.state NOT IN ('refused', 'withdrawn')) AS grant_id, \
     (SELECT g.state FROM grants g WHERE g.campaign_id = r.campaign_id \
     AND g.member_id = r.member_id AND g.state NOT IN ('refused', 'withdrawn')) AS grant_state, \
     r.listed_by, r.listed_at";

pub(crate) const RECIPIENT_FROM: &str = "campaign_recipients r JOIN members m \
     ON m.id = r.member_id AND m.tenant_id = r.tenant_id JOIN orgs mo ON mo.id = m.org_id \
     JOIN orgs lo ON lo.id = r.org_id";

/// The recipient's member lies under the org bound as `$n` (every one when NULL).
pub(crate) fn recipient_in_scope(n: usize) -> String {
    format!(
        "(${n} IS NULL OR m.org_id IN (SELECT c.descendant_id FROM org_closure c \
         JOIN orgs a ON a.id = c.ancestor_id WHERE a.code = ${n}))"
    )
}

#[derive(sqlx::FromRow)]
pub(crate) struct CampaignRow {
    pub id: i64,
    pub tenant_id: i64,
    pub org_code: String,
    pub programme_id: String,
    pub programme_version: String,
    pub name: String,
    pub cycle: String,
    pub window_start: NaiveDate,
    pub window_end: NaiveDate,
    pub state: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl From<CampaignRow> for Campaign {
    fn from(r: CampaignRow) -> Campaign {
        Campaign {
            id: r.id,
            tenant_id: r.tenant_id,
            org: r.org_code,
            programme_id: r.programme_id,
            programme_version: r.programme_version,
            name: r.name,
            cycle: r.cycle,
            window_start: r.window_start,
            window_end: r.window_end,
            state: r.state,
            created_by: r.created_by,
            created_at: r.created_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct RecipientRow {
    pub id: i64,
    pub campaign_id: i64,
    pub member_id: i64,
    pub member_name: String,
    pub id_number: String,
    pub unit_code: String,
    pub unit_name: String,
    pub listed_org: String,
    pub listed_org_name: String,
    pub basis: String,
    pub reason: String,
    pub cash_fen: i64,
    pub gift_pack: bool,
    pub gift_handed_at: Option<DateTime<Utc>>,
    pub visit_date: Option<NaiveDate>,
    pub visitor: Option<String>,
    pub photo_sha256: Option<String>,
    pub grant_id: Option<i64>,
    pub grant_state: Option<String>,
    pub listed_by: String,
    pub listed_at: DateTime<Utc>,
}

impl From<RecipientRow> for Recipient {
    fn from(r: RecipientRow) -> Recipient {
        Recipient {
            id: r.id,
            campaign: r.campaign_id,
            member: MemberId(r.member_id),
            member_name: r.member_name,
            id_number: r.id_number,
            unit: r.unit_code,
            unit_name: r.unit_name,
            listed_by_org: r.listed_org,
            listed_by_org_name: r.listed_org_name,
            basis: r.basis,
            reason: r.reason,
            cash: Money::from_fen(r.cash_fen),
            gift_pack: r.gift_pack,
            gift_handed_at: r.gift_handed_at,
            visit_date: r.visit_date,
            visitor: r.visitor,
            photo_sha256: r.photo_sha256,
            grant: r.grant_id.map(GrantId),
            grant_state: r
                .grant_state
                .as_deref()
                .and_then(huzhu_domain::grant::GrantState::parse),
            listed_by: r.listed_by,
            listed_at: r.listed_at,
        }
    }
}

/// Rows a campaign's grant writes to one statement (its parameters stay far below both
/// backends' limits: 6 a row).
pub(crate) const GRANT_ROWS_PER_STATEMENT: usize = 1_000;

/// Expands [`CampaignStore`] for one backend (after `impl_grant_store!`).
macro_rules! impl_campaign_store {
    ($store:ty) => {
        impl $store {
            async fn recipient_in<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                id: i64,
            ) -> $crate::Result<$crate::campaign::Recipient> {
                let row: $crate::campaign::RecipientRow = sqlx::query_as(&format!(
                    "SELECT {} FROM {} WHERE r.id = $1",
                    $crate::campaign::RECIPIENT_COLUMNS,
                    $crate::campaign::RECIPIENT_FROM
                ))
                .bind(id)
                .fetch_one(&mut **tx)
                .await?;
                Ok(row.into())
            }

            /// The recipient's org and tenant when its member lies in `scope`.
            async fn recipient_scope<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                id: i64,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<i64> {
                let org: Option<i64> = sqlx::query_scalar(&format!(
                    "SELECT m.org_id FROM {} WHERE r.id = $1 AND {}",
                    $crate::campaign::RECIPIENT_FROM,
                    $crate::campaign::recipient_in_scope(2)
                ))
                .bind(id)
                .bind(scope.org())
                .fetch_optional(&mut **tx)
                .await?;
                org.ok_or_else(|| $crate::StoreError::NotFound(format!("recipient {id}")))
            }
        }

        impl $crate::campaign::CampaignStore for $store {
            async fn create_campaign(
                &self,
                c: &$crate::campaign::NewCampaign<'_>,
            ) -> $crate::Result<$crate::campaign::Campaign> {
                let mut tx = self.write_tx().await?;
                let (org_id, tenant) = Self::money_org(&mut tx, c.org).await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO campaigns (tenant_id, org_id, programme_id, programme_version, \
                     name, cycle, window_start, window_end, state, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $10) RETURNING id",
                )
                .bind(tenant)
                .bind(org_id)
                .bind(c.programme_id)
                .bind(c.programme_version)
                .bind(c.name)
                .bind(c.cycle)
                .bind(c.window_start)
                .bind(c.window_end)
                .bind(c.by)
                .bind(c.at)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| match $crate::StoreError::from(e) {
                    $crate::StoreError::Conflict(_) => $crate::StoreError::Conflict(format!(
                        "项目 {} 已有活动 (programme {} has a campaign already)",
                        c.programme_id, c.programme_id
                    )),
                    other => other,
                })?;
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at: c.at,
                        actor: c.by,
                        action: "campaign.create",
                        subject: &format!("campaign {id}"),
                        detail: &format!("{} ({})", c.name, c.programme_id),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                let row: $crate::campaign::CampaignRow = sqlx::query_as(&format!(
                    "SELECT {} FROM campaigns c JOIN orgs o ON o.id = c.org_id WHERE c.id = $1",
                    $crate::campaign::CAMPAIGN_COLUMNS
                ))
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(row.into())
            }

            async fn campaign(
                &self,
                id: i64,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<$crate::campaign::Campaign> {
                let row: Option<$crate::campaign::CampaignRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM campaigns c JOIN orgs o ON o.id = c.org_id \
                     WHERE c.id = $1 AND {}",
                    $crate::campaign::CAMPAIGN_COLUMNS,
                    $crate::campaign::campaign_tenant(2)
                ))
                .bind(id)
                .bind(scope.org())
                .fetch_optional(&self.reader)
                .await?;
                row.map(Into::into)
                    .ok_or_else(|| $crate::StoreError::NotFound(format!("campaign {id}")))
            }

            async fn campaigns(
                &self,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<Vec<$crate::campaign::Campaign>> {
                let rows: Vec<$crate::campaign::CampaignRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM campaigns c JOIN orgs o ON o.id = c.org_id WHERE {} \
                     ORDER BY c.id DESC",
                    $crate::campaign::CAMPAIGN_COLUMNS,
                    $crate::campaign::campaign_tenant(1)
                ))
                .bind(scope.org())
                .fetch_all(&self.reader)
                .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn list_recipients(
                &self,
                campaign: i64,
                scope: &$crate::OrgScope,
                org: &huzhu_domain::org::OrgCode,
                entries: &[$crate::campaign::NewRecipient],
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::campaign::Listed> {
                use $crate::sql::value_rows;
                let mut tx = self.write_tx().await?;
                let (org_id, tenant) = Self::money_org(&mut tx, org).await?;
                let found: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM campaigns WHERE id = $1 AND tenant_id = $2",
                )
                .bind(campaign)
                .bind(tenant)
                .fetch_optional(&mut *tx)
                .await?;
                found.ok_or_else(|| {
                    $crate::StoreError::NotFound(format!("campaign {campaign}"))
                })?;
                let mut added = std::collections::HashSet::new();
                const COLS: usize = 5;
                for chunk in entries.chunks($crate::sql::PARAMS_PER_STATEMENT / COLS) {
                    let p = |n: usize| $crate::sql::param::<$store>(n);
                    let after = 5 + chunk.len() * COLS;
                    let sql = format!(
                        "INSERT INTO campaign_recipients (tenant_id, campaign_id, member_id, \
                         org_id, basis, reason, cash_fen, gift_pack, listed_by, listed_at) \
                         SELECT m.tenant_id, {}, m.id, {}, v.column2, v.column3, v.column4, \
                         v.column5, {}, {} FROM (VALUES {}) AS v \
                         JOIN members m ON m.id = v.column1 AND m.tenant_id = {} \
                         WHERE ({} IS NULL OR m.org_id IN (SELECT c.descendant_id \
                         FROM org_closure c JOIN orgs a ON a.id = c.ancestor_id \
                         WHERE a.code = {})) \
                         ON CONFLICT (tenant_id, campaign_id, member_id) DO NOTHING \
                         RETURNING member_id",
                        p(1),
                        p(2),
                        p(3),
                        p(4),
                        value_rows::<$store>(5, chunk.len(), COLS),
                        p(after),
                        p(after + 1),
                        p(after + 2)
                    );
                    let mut q = sqlx::query_scalar::<_, i64>(&sql)
                        .bind(campaign)
                        .bind(org_id)
                        .bind(by)
                        .bind(at);
                    for e in chunk {
                        q = q
                            .bind(e.member.0)
                            .bind(&e.basis)
                            .bind(&e.reason)
                            .bind(e.cash.fen())
                            .bind(e.gift_pack);
                    }
                    let q = q.bind(tenant).bind(scope.org()).bind(scope.org());
                    added.extend(q.fetch_all(&mut *tx).await?);
                }
                let mut out = $crate::campaign::Listed {
                    added: added.len() as u64,
                    ..Default::default()
                };
                let rest: Vec<i64> = entries
                    .iter()
                    .map(|e| e.member.0)
                    .filter(|m| !added.contains(m))
                    .collect();
                for chunk in rest.chunks($crate::money::sql::IN_CHUNK) {
                    // Only members in the actor's subtree: another unit's listing (its org,
                    // who listed it) is as unknown as a missing member.
                    let sql = format!(
                        "SELECT r.member_id, r.id, o.code, o.name, r.listed_by FROM campaign_recipients r \
                         JOIN orgs o ON o.id = r.org_id \
                         JOIN members m ON m.id = r.member_id AND m.tenant_id = r.tenant_id \
                         WHERE r.campaign_id = $1 \
                         AND ($2 IS NULL OR m.org_id IN (SELECT c.descendant_id \
                         FROM org_closure c JOIN orgs a ON a.id = c.ancestor_id WHERE a.code = $3)) \
                         AND r.member_id IN ({})",
                        $crate::sql::placeholders(4, chunk.len())
                    );
                    let mut q = sqlx::query_as::<_, (i64, i64, String, String, String)>(&sql)
                        .bind(campaign)
                        .bind(scope.org())
                        .bind(scope.org());
                    for m in chunk {
                        q = q.bind(*m);
                    }
                    for (member, first, org, org_name, listed_by) in q.fetch_all(&mut *tx).await? {
                        out.already.push($crate::campaign::AlreadyListed {
                            member: $crate::MemberId(member),
                            first,
                            org,
                            org_name,
                            listed_by,
                        });
                    }
                }
                for m in rest {
                    if !out.already.iter().any(|a| a.member.0 == m) {
                        out.not_found.push($crate::MemberId(m));
                    }
                }
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor: by,
                        action: "campaign.list",
                        subject: &format!("campaign {campaign}"),
                        detail: &format!(
                            "列入 {} 人，已在名单 {} 人 ({} listed, {} already listed)",
                            out.added,
                            out.already.len(),
                            out.added,
                            out.already.len()
                        ),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                tx.commit().await?;
                Ok(out)
            }

            async fn recipients(
                &self,
                campaign: i64,
                scope: &$crate::OrgScope,
                after: i64,
                limit: u32,
            ) -> $crate::Result<Vec<$crate::campaign::Recipient>> {
                let rows: Vec<$crate::campaign::RecipientRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM {} WHERE r.campaign_id = $1 AND r.id > $3 AND {} \
                     ORDER BY r.id LIMIT $4",
                    $crate::campaign::RECIPIENT_COLUMNS,
                    $crate::campaign::RECIPIENT_FROM,
                    $crate::campaign::recipient_in_scope(2)
                ))
                .bind(campaign)
                .bind(scope.org())
                .bind(after)
                .bind(i64::from(limit.max(1)))
                .fetch_all(&self.reader)
                .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn record_visit(
                &self,
                recipient: i64,
                scope: &$crate::OrgScope,
                visit: &$crate::campaign::Visit<'_>,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::campaign::Recipient> {
                let mut tx = self.write_tx().await?;
                let org_id = Self::recipient_scope(&mut tx, recipient, scope).await?;
                sqlx::query(
                    "UPDATE campaign_recipients SET visit_date = $1, visitor = $2, \
                     photo_sha256 = $3 WHERE id = $4",
                )
                .bind(visit.date)
                .bind(visit.visitor)
                .bind(visit.photo_sha256)
                .bind(recipient)
                .execute(&mut *tx)
                .await?;
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor: by,
                        action: "campaign.visit",
                        subject: &format!("recipient {recipient}"),
                        detail: &format!("走访 {} {} (visited)", visit.date, visit.visitor),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                let r = Self::recipient_in(&mut tx, recipient).await?;
                tx.commit().await?;
                Ok(r)
            }

            async fn hand_gift(
                &self,
                recipient: i64,
                scope: &$crate::OrgScope,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::campaign::Recipient> {
                let mut tx = self.write_tx().await?;
                let org_id = Self::recipient_scope(&mut tx, recipient, scope).await?;
                let done = sqlx::query(
                    "UPDATE campaign_recipients SET gift_handed_at = $1 \
                     WHERE id = $2 AND gift_pack AND gift_handed_at IS NULL",
                )
                .bind(at)
                .bind(recipient)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() != 1 {
                    return Err($crate::StoreError::Conflict(
                        "该人员没有慰问品或已发放 (no gift pack is due to this recipient)".into(),
                    ));
                }
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor: by,
                        action: "campaign.gift",
                        subject: &format!("recipient {recipient}"),
                        detail: "慰问品已发放 (gift pack handed out)",
                        org_id: Some(org_id),
                    },
                )
                .await?;
                let r = Self::recipient_in(&mut tx, recipient).await?;
                tx.commit().await?;
                Ok(r)
            }

            async fn grant_campaign(
                &self,
                campaign: i64,
                scope: &$crate::OrgScope,
                fund: huzhu_domain::grant::FundKind,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::campaign::CampaignGranted> {
                use $crate::sql::value_rows;
                use huzhu_domain::money::Money;
                let mut tx = self.write_tx().await?;
                let c: Option<(i64, i64, String, String, String, i64)> = sqlx::query_as(&format!(
                    "SELECT c.tenant_id, c.org_id, c.programme_id, c.programme_version, c.cycle, \
                     CAST(o.level AS BIGINT) FROM campaigns c JOIN orgs o ON o.id = c.org_id \
                     WHERE c.id = $1 AND {}",
                    $crate::campaign::campaign_tenant(2)
                ))
                .bind(campaign)
                .bind(scope.org())
                .fetch_optional(&mut *tx)
                .await?;
                let (tenant, campaign_org, programme, version, cycle, level) = c.ok_or_else(|| {
                    $crate::StoreError::NotFound(format!("campaign {campaign}"))
                })?;
                // Everyone of the scope on the list with cash and no live grant of the campaign.
                let due: Vec<(i64, String, i64, i64, String, String)> = sqlx::query_as(&format!(
                    "SELECT m.id, m.id_number, m.org_id, r.cash_fen, r.basis, r.reason \
                     FROM {} WHERE r.campaign_id = $1 AND r.cash_fen > 0 AND {} \
                     AND NOT EXISTS (SELECT 1 FROM grants g WHERE g.campaign_id = r.campaign_id \
                     AND g.member_id = r.member_id AND g.state NOT IN ('refused', 'withdrawn')) \
                     ORDER BY r.id",
                    $crate::campaign::RECIPIENT_FROM,
                    $crate::campaign::recipient_in_scope(2)
                ))
                .bind(campaign)
                .bind(scope.org())
                .fetch_all(&mut *tx)
                .await?;
                let mut out = $crate::campaign::CampaignGranted::default();
                let keyed: Vec<(String, &(i64, String, i64, i64, String, String))> = due
                    .iter()
                    .map(|d| (huzhu_domain::grant::subject_key(&cycle, &d.1), d))
                    .collect();
                let mut granted: Vec<(i64, i64, i64)> = Vec::with_capacity(due.len());
                const COLS: usize = 6;
                for chunk in keyed.chunks($crate::campaign::GRANT_ROWS_PER_STATEMENT) {
                    let p = |n: usize| $crate::sql::param::<$store>(n);
                    let prefix: Vec<String> = (1..=11).map(p).collect();
                    let sql = format!(
                        "INSERT INTO grants (tenant_id, programme_id, programme_version, cycle, \
                         fund, approval_level, campaign_id, applied_by, applied_at, decided_by, \
                         decided_at, state, grant_key, subject_id_number, member_id, org_id, \
                         amount_fen, assessment) \
                         SELECT {}, 'approved', \
                         v.column1, v.column2, v.column3, v.column4, v.column5, v.column6 \
                         FROM (VALUES {}) AS v WHERE 1 = 1 \
                         ON CONFLICT (tenant_id, programme_id, grant_key) \
                         WHERE state NOT IN ('refused', 'withdrawn') DO NOTHING \
                         RETURNING id, member_id, amount_fen",
                        prefix.join(", "),
                        value_rows::<$store>(12, chunk.len(), COLS)
                    );
                    let mut q = sqlx::query_as::<_, (i64, i64, i64)>(&sql)
                        .bind(tenant)
                        .bind(&programme)
                        .bind(&version)
                        .bind(&cycle)
                        .bind(fund.code())
                        .bind(level)
                        .bind(campaign)
                        .bind(by)
                        .bind(at)
                        .bind(by)
                        .bind(at);
                    for (key, d) in chunk {
                        let assessment = serde_json::json!({
                            "programme": programme, "version": version, "cycle": cycle,
                            "campaign": campaign, "basis": d.4, "reason": d.5,
                            "amount_fen": d.3, "key": key,
                        })
                        .to_string();
                        q = q
                            .bind(key.clone())
                            .bind(d.1.clone())
                            .bind(d.0)
                            .bind(d.2)
                            .bind(d.3)
                            .bind(assessment);
                    }
                    granted.extend(q.fetch_all(&mut *tx).await?);
                }
                let total: i64 = granted.iter().map(|g| g.2).sum();
                Self::grant_take_from_fund(&mut tx, tenant, fund, Money::from_fen(total)).await?;
                // The ledger: one entry of two postings per grant, from the domain.
                let mut entries = Vec::with_capacity(granted.len());
                for (grant, member, amount) in &granted {
                    let e = huzhu_domain::grant::grant_approved(
                        fund,
                        *member,
                        *grant,
                        Money::from_fen(*amount),
                    )
                    .map_err(|e| $crate::StoreError::Corrupt(e.to_string()))?;
                    entries.push((*grant, e));
                }
                Self::grant_post_many(&mut tx, tenant, &entries, by, at).await?;
                // Who was refused: their keys are held by another grant.
                let took: std::collections::HashSet<i64> =
                    granted.iter().map(|g| g.1).collect();
                let refused: Vec<&String> = keyed
                    .iter()
                    .filter(|(_, d)| !took.contains(&d.0))
                    .map(|(k, _)| k)
                    .collect();
                for chunk in refused.chunks($crate::money::sql::IN_CHUNK) {
                    let sql = format!(
                        "SELECT g.member_id, g.id, o.code FROM grants g \
                         JOIN orgs o ON o.id = g.org_id WHERE g.tenant_id = $1 \
                         AND g.programme_id = $2 AND g.state NOT IN ('refused', 'withdrawn') \
                         AND g.grant_key IN ({})",
                        $crate::sql::placeholders(3, chunk.len())
                    );
                    let mut q = sqlx::query_as::<_, (i64, i64, String)>(&sql)
                        .bind(tenant)
                        .bind(&programme);
                    for k in chunk {
                        q = q.bind(k.as_str());
                    }
                    for (member, first, org) in q.fetch_all(&mut *tx).await? {
                        out.refused.push($crate::campaign::GrantRefusal {
                            member: $crate::MemberId(member),
                            first: $crate::grant::GrantId(first),
                            first_org: org,
                        });
                    }
                }
                out.granted = granted.len() as u64;
                out.total = Money::from_fen(total);
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor: by,
                        action: "campaign.grant",
                        subject: &format!("campaign {campaign}"),
                        detail: &format!(
                            "发放 {} 人，合计 {}；已领取而拒绝 {} 人 ({} granted, {} in all; {} refused as already granted)",
                            out.granted,
                            out.total,
                            out.refused.len(),
                            out.granted,
                            out.total,
                            out.refused.len()
                        ),
                        org_id: Some(campaign_org),
                    },
                )
                .await?;
                tx.commit().await?;
                Ok(out)
            }
        }

        impl $store {
            /// Writes many grant entries `(grant id, entry)` and their postings inside `tx`, a
            /// thousand to a statement; entries are matched to their postings by grant id.
            pub(crate) async fn grant_post_many<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                tenant: i64,
                entries: &[(i64, huzhu_domain::ledger::Entry)],
                actor: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<()> {
                use $crate::sql::value_rows;
                for chunk in entries.chunks($crate::campaign::GRANT_ROWS_PER_STATEMENT) {
                    let p = |n: usize| $crate::sql::param::<$store>(n);
                    let sql = format!(
                        "INSERT INTO ledger_entries (tenant_id, actor, at, kind, memo, grant_id) \
                         SELECT {}, {}, {}, v.column1, v.column2, v.column3 \
                         FROM (VALUES {}) AS v RETURNING id, grant_id",
                        p(1),
                        p(2),
                        p(3),
                        value_rows::<$store>(4, chunk.len(), 3)
                    );
                    let mut q = sqlx::query_as::<_, (i64, i64)>(&sql)
                        .bind(tenant)
                        .bind(actor)
                        .bind(at);
                    for (grant, e) in chunk {
                        q = q.bind(e.kind().code()).bind(e.memo()).bind(*grant);
                    }
                    let ids: std::collections::HashMap<i64, i64> = q
                        .fetch_all(&mut **tx)
                        .await?
                        .into_iter()
                        .map(|(id, grant)| (grant, id))
                        .collect();
                    let postings: Vec<(i64, String, i64)> = chunk
                        .iter()
                        .flat_map(|(grant, e)| {
                            let id = ids.get(grant).copied().unwrap_or(0);
                            e.postings()
                                .iter()
                                .map(move |p| (id, p.account.key(), p.fen))
                        })
                        .collect();
                    for part in postings.chunks($crate::campaign::GRANT_ROWS_PER_STATEMENT * 2) {
                        let sql = format!(
                            "INSERT INTO ledger_postings (tenant_id, entry_id, account, fen) \
                             SELECT {}, v.column1, v.column2, v.column3 FROM (VALUES {}) AS v",
                            $crate::sql::param::<$store>(1),
                            value_rows::<$store>(2, part.len(), 3)
                        );
                        let mut q = sqlx::query(&sql).bind(tenant);
                        for (id, account, fen) in part {
                            q = q.bind(*id).bind(account.as_str()).bind(*fen);
                        }
                        q.execute(&mut **tx).await?;
                    }
                }
                Ok(())
            }
        }
    };
}

pub(crate) use impl_campaign_store;
