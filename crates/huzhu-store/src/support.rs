//! A household's whole support (issue 15, "beyond what the anchors do"): everything the
//! federation gave the people of one archived household — mutual-aid payouts (claims paid),
//! reliefs and campaign cash (grants of every programme, in every state), campaign gift packs —
//! read in one transaction within the actor's scope. The app folds it into totals per year and
//! flags (docs/archive.md, "The whole-support page").

use crate::OrgScope;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::future::Future;

/// Whose support: a household, or a member (and then the household they head or belong to, the
/// latest one not refused, when there is one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupportSubject {
    Household(i64),
    Member(i64),
}

/// The household the support is read for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct SupportHousehold {
    pub id: i64,
    pub org_code: String,
    pub org_name: String,
    pub head_member_id: i64,
    pub state: String,
    pub category: Option<String>,
    pub level: Option<String>,
    pub admitted_on: Option<NaiveDate>,
}

/// A member whose support is listed: the head, and the household's people who are members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct SupportMember {
    pub id: i64,
    pub name: String,
    pub org_code: String,
}

/// What one line records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SupportKind {
    /// 互助保障 — a mutual-aid claim with something paid.
    Claim,
    /// 救助 / 慰问金 — a grant of an assistance programme (a campaign's cash has a campaign).
    Grant,
    /// 慰问品 — a campaign gift pack.
    GiftPack,
}

/// One thing given (or asked for: grants are listed in every state).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SupportLine {
    pub kind: SupportKind,
    /// The claim's, grant's or recipient's id.
    pub id: i64,
    pub member_id: i64,
    /// The policy of a claim, the programme of a grant or gift pack.
    pub programme: String,
    /// The grant's cycle (`2026`), the claim's policy, the campaign's cycle.
    pub cycle: String,
    /// The claim's or grant's state code; `handed` or `due` for a gift pack.
    pub state: String,
    /// Approved (claim), granted (grant) amount, fen; 0 for a gift pack.
    pub amount_fen: i64,
    pub paid_fen: i64,
    /// The day the line is dated by: a claim's event date, a grant's application day and a gift
    /// pack's listing day (Beijing).
    pub on: NaiveDate,
    pub campaign_id: Option<i64>,
}

/// Everything read for one subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Support {
    pub household: Option<SupportHousehold>,
    pub members: Vec<SupportMember>,
    pub lines: Vec<SupportLine>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct ClaimLineRow {
    pub id: i64,
    pub member_id: i64,
    pub policy_id: String,
    pub state: String,
    pub approved_fen: i64,
    pub paid_fen: i64,
    pub event_date: NaiveDate,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct GrantLineRow {
    pub id: i64,
    pub member_id: i64,
    pub programme_id: String,
    pub cycle: String,
    pub state: String,
    pub amount_fen: i64,
    pub paid_fen: i64,
    pub applied_at: DateTime<Utc>,
    pub campaign_id: Option<i64>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct GiftLineRow {
    pub id: i64,
    pub member_id: i64,
    pub programme_id: String,
    pub cycle: String,
    pub handed: bool,
    pub listed_at: DateTime<Utc>,
    pub campaign_id: i64,
}

/// The Beijing calendar day of an instant.
pub(crate) fn beijing_day(t: DateTime<Utc>) -> NaiveDate {
    match chrono::FixedOffset::east_opt(8 * 3600) {
        Some(tz) => t.with_timezone(&tz).date_naive(),
        None => t.date_naive(),
    }
}

/// The lines of the rows, oldest first (by day, then kind and id).
pub(crate) fn lines(
    claims: Vec<ClaimLineRow>,
    grants: Vec<GrantLineRow>,
    gifts: Vec<GiftLineRow>,
) -> Vec<SupportLine> {
    let mut out: Vec<SupportLine> = claims
        .into_iter()
        .map(|c| SupportLine {
            kind: SupportKind::Claim,
            id: c.id,
            member_id: c.member_id,
            cycle: c.policy_id.clone(),
            programme: c.policy_id,
            state: c.state,
            amount_fen: c.approved_fen,
            paid_fen: c.paid_fen,
            on: c.event_date,
            campaign_id: None,
        })
        .chain(grants.into_iter().map(|g| SupportLine {
            kind: SupportKind::Grant,
            id: g.id,
            member_id: g.member_id,
            programme: g.programme_id,
            cycle: g.cycle,
            state: g.state,
            amount_fen: g.amount_fen,
            paid_fen: g.paid_fen,
            on: beijing_day(g.applied_at),
            campaign_id: g.campaign_id,
        }))
        .chain(gifts.into_iter().map(|g| SupportLine {
            kind: SupportKind::GiftPack,
            id: g.id,
            member_id: g.member_id,
            programme: g.programme_id,
            cycle: g.cycle,
            state: if g.handed { "handed" } else { "due" }.into(),
            amount_fen: 0,
            paid_fen: 0,
            on: beijing_day(g.listed_at),
            campaign_id: Some(g.campaign_id),
        }))
        .collect();
    out.sort_by_key(|l| (l.on, l.kind as u8, l.id));
    out
}

/// The whole support of a household or member.
pub trait SupportStore: Clone + Send + Sync + 'static {
    /// The subject's household (if any), its members and every line, in one read transaction.
    /// A household or member outside `scope` (or missing) is not found.
    fn support(
        &self,
        scope: &OrgScope,
        subject: SupportSubject,
    ) -> impl Future<Output = crate::Result<Support>> + Send;
}

/// Expands [`SupportStore`] for one backend.
macro_rules! impl_support_store {
    ($store:ty) => {
        impl $crate::support::SupportStore for $store {
            async fn support(
                &self,
                scope: &$crate::OrgScope,
                subject: $crate::support::SupportSubject,
            ) -> $crate::Result<$crate::support::Support> {
                use $crate::archive::in_scope;
                use $crate::support::{
                    ClaimLineRow, GiftLineRow, GrantLineRow, SupportHousehold, SupportMember,
                    SupportSubject,
                };
                const HOUSEHOLD: &str = "SELECT h.id, o.code AS org_code, o.name AS org_name, \
                     h.head_member_id, h.state, h.category, h.level, h.admitted_on \
                     FROM households h JOIN orgs o ON o.id = h.org_id";
                const MEMBER: &str = "SELECT m.id, m.name, o.code AS org_code \
                     FROM members m JOIN orgs o ON o.id = m.org_id";
                let mut tx = self.reader.begin().await?;
                let household: Option<SupportHousehold> = match subject {
                    SupportSubject::Household(id) => Some(
                        sqlx::query_as(&format!(
                            "{HOUSEHOLD} WHERE h.id = $1 AND {}",
                            in_scope("h.org_id", 2)
                        ))
                        .bind(id)
                        .bind(scope.org())
                        .fetch_optional(&mut *tx)
                        .await?
                        .ok_or_else(|| $crate::StoreError::NotFound(format!("household {id}")))?,
                    ),
                    SupportSubject::Member(id) => {
                        let seen: Option<SupportMember> = sqlx::query_as(&format!(
                            "{MEMBER} WHERE m.id = $1 AND {}",
                            in_scope("m.org_id", 2)
                        ))
                        .bind(id)
                        .bind(scope.org())
                        .fetch_optional(&mut *tx)
                        .await?;
                        if seen.is_none() {
                            return Err($crate::StoreError::NotFound(format!("member {id}")));
                        }
                        sqlx::query_as(&format!(
                            "{HOUSEHOLD} WHERE h.state <> 'refused' AND (h.head_member_id = $1 \
                             OR h.id IN (SELECT p.household_id FROM household_people p \
                             JOIN members pm ON pm.tenant_id = p.tenant_id \
                               AND pm.id_number = p.id_number WHERE pm.id = $1)) \
                             ORDER BY h.id DESC LIMIT 1"
                        ))
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await?
                    }
                };
                let members: Vec<SupportMember> = match (&household, subject) {
                    (Some(h), _) => {
                        sqlx::query_as(&format!(
                            "{MEMBER} WHERE m.id = $1 OR m.id IN (SELECT pm.id \
                             FROM household_people p JOIN members pm \
                               ON pm.tenant_id = p.tenant_id AND pm.id_number = p.id_number \
                             WHERE p.household_id = $2) ORDER BY m.id"
                        ))
                        .bind(h.head_member_id)
                        .bind(h.id)
                        .fetch_all(&mut *tx)
                        .await?
                    }
                    (None, SupportSubject::Member(id)) => {
                        sqlx::query_as(&format!("{MEMBER} WHERE m.id = $1"))
                            .bind(id)
                            .fetch_all(&mut *tx)
                            .await?
                    }
                    (None, SupportSubject::Household(_)) => Vec::new(),
                };
                let (mut claims, mut grants, mut gifts) = (Vec::new(), Vec::new(), Vec::new());
                for m in &members {
                    let c: Vec<ClaimLineRow> = sqlx::query_as(
                        "SELECT id, member_id, policy_id, state, approved_fen, paid_fen, \
                         event_date FROM claims WHERE member_id = $1 AND paid_fen > 0 \
                         ORDER BY id",
                    )
                    .bind(m.id)
                    .fetch_all(&mut *tx)
                    .await?;
                    claims.extend(c);
                    let g: Vec<GrantLineRow> = sqlx::query_as(
                        "SELECT id, member_id, programme_id, cycle, state, amount_fen, paid_fen, \
                         applied_at, campaign_id FROM grants WHERE member_id = $1 ORDER BY id",
                    )
                    .bind(m.id)
                    .fetch_all(&mut *tx)
                    .await?;
                    grants.extend(g);
                    let p: Vec<GiftLineRow> = sqlx::query_as(
                        "SELECT r.id, r.member_id, c.programme_id, c.cycle, \
                         (r.gift_handed_at IS NOT NULL) AS handed, r.listed_at, \
                         r.campaign_id FROM campaign_recipients r \
                         JOIN campaigns c ON c.tenant_id = r.tenant_id AND c.id = r.campaign_id \
                         WHERE r.member_id = $1 AND r.gift_pack ORDER BY r.id",
                    )
                    .bind(m.id)
                    .fetch_all(&mut *tx)
                    .await?;
                    gifts.extend(p);
                }
                tx.commit().await?;
                Ok($crate::support::Support {
                    household,
                    members,
                    lines: $crate::support::lines(claims, grants, gifts),
                })
            }
        }
    };
}

pub(crate) use impl_support_store;
