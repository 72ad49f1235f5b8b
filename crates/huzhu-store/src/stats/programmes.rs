//! Statistics of the assistance programmes (SPEC 7.2–7.4 and 8, issue 15): the hardship archive
//! as of a date and month by month, exits by reason, the people of archived households, grants by
//! programme, org and month (approved and paid, amounts and person-times) and the campaigns'
//! progress — always inside one org scope, read in one transaction. See docs/statistics.md.
//!
//! The base tables are read row by row within the scope and folded here, in plain code: an
//! archive or a grant list is a few ten thousand rows a city, far below the claim tables that
//! need maintained aggregates.

use crate::OrgScope;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use std::future::Future;

/// The period asked about: exits and grants dated `from..=to`; the archive as of `to`, and at
/// the end of each month of the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Approved and paid grants: person-times (grants) and amounts in fen. A grant counts as
/// approved once approved (approved, in a batch or paid); as paid for what was paid out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct GrantFigures {
    pub approved: i64,
    pub approved_fen: i64,
    pub paid: i64,
    pub paid_fen: i64,
}

impl GrantFigures {
    fn add(&mut self, other: &GrantFigures) {
        self.approved += other.approved;
        self.approved_fen += other.approved_fen;
        self.paid += other.paid;
        self.paid_fen += other.paid_fen;
    }
}

/// One campaign's progress within the scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CampaignProgress {
    pub campaign_id: i64,
    pub programme_id: String,
    pub name: String,
    /// People on the list (named by an org in the scope).
    pub listed: i64,
    /// Of them, visited.
    pub visited: i64,
    /// Cash granted to them (approved, in a batch or paid), fen.
    pub cash_granted_fen: i64,
    /// Gift packs due to them, and handed out.
    pub gift_packs: i64,
    pub gift_packs_handed: i64,
}

/// The figures of the programmes within one scope for one period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProgrammeStats {
    /// Archived households as of the period's end, by category (`deep`, `relative`,
    /// `accident`).
    pub archived_by_category: BTreeMap<String, i64>,
    /// The same households by level (`national`, `provincial`, `city_county`, `none`).
    pub archived_by_level: BTreeMap<String, i64>,
    /// People of those households (the head included): 供养人口.
    pub archived_people: i64,
    /// Month (`YYYY-MM`) → category → households archived at the month's end (or the period's
    /// end, for its last month).
    pub archived_by_month: BTreeMap<String, BTreeMap<String, i64>>,
    /// Households that exited within the period, by reason.
    pub exits_by_reason: BTreeMap<String, i64>,
    /// People of the households that exited within the period (dependants lifted out).
    pub exited_people: i64,
    /// Programme → figures.
    pub grants_by_programme: BTreeMap<String, GrantFigures>,
    /// (org code, org name) of the grant's unit → figures.
    pub grants_by_org: BTreeMap<(String, String), GrantFigures>,
    /// Month (`YYYY-MM`, Beijing time of the application) → figures.
    pub grants_by_month: BTreeMap<String, GrantFigures>,
    pub campaigns: Vec<CampaignProgress>,
}

/// A household as the statistics read it: when it was admitted and when it left.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct ArchiveStatRow {
    pub category: Option<String>,
    pub level: Option<String>,
    pub admitted_on: Option<NaiveDate>,
    pub exit_reason: Option<String>,
    pub exited_on: Option<NaiveDate>,
    pub people: i64,
}

impl ArchiveStatRow {
    /// In the archive on `day`: admitted on or before it and not exited on or before it.
    fn archived_on(&self, day: NaiveDate) -> bool {
        self.admitted_on.is_some_and(|a| a <= day) && self.exited_on.is_none_or(|e| e > day)
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct GrantStatRow {
    pub programme_id: String,
    pub org_code: String,
    pub org_name: String,
    pub state: String,
    pub amount_fen: i64,
    pub paid_fen: i64,
    pub applied_at: DateTime<Utc>,
}

impl GrantStatRow {
    fn figures(&self) -> GrantFigures {
        let approved = matches!(self.state.as_str(), "approved" | "in_batch" | "paid");
        let paid = self.paid_fen > 0;
        GrantFigures {
            approved: i64::from(approved),
            approved_fen: if approved { self.amount_fen } else { 0 },
            paid: i64::from(paid),
            paid_fen: self.paid_fen,
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct CampaignStatRow {
    pub campaign_id: i64,
    pub programme_id: String,
    pub name: String,
    pub listed: i64,
    pub visited: i64,
    pub gift_packs: i64,
    pub gift_packs_handed: i64,
    pub cash_granted_fen: i64,
}

/// `YYYY-MM` of a date.
pub(crate) fn month(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

/// The last day of each month of the period (the period's end for the last).
fn month_ends(p: Period) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut first = p.from.with_day(1).unwrap_or(p.from);
    while first <= p.to {
        let next = first
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(p.to);
        let end = next.pred_opt().unwrap_or(next).min(p.to);
        out.push(end);
        if next <= first {
            break;
        }
        first = next;
    }
    out
}

/// Folds the rows into the figures.
pub(crate) fn fold(
    p: Period,
    households: &[ArchiveStatRow],
    grants: &[GrantStatRow],
    campaigns: Vec<CampaignStatRow>,
) -> ProgrammeStats {
    let mut s = ProgrammeStats::default();
    for h in households {
        let category = h.category.clone().unwrap_or_else(|| "none".into());
        if h.archived_on(p.to) {
            *s.archived_by_category.entry(category.clone()).or_default() += 1;
            let level = h.level.clone().unwrap_or_else(|| "none".into());
            *s.archived_by_level.entry(level).or_default() += 1;
            s.archived_people += h.people;
        }
        if let (Some(e), Some(reason)) = (h.exited_on, &h.exit_reason) {
            if p.from <= e && e <= p.to && h.admitted_on.is_some() {
                *s.exits_by_reason.entry(reason.clone()).or_default() += 1;
                s.exited_people += h.people;
            }
        }
    }
    for end in month_ends(p) {
        let counts = s.archived_by_month.entry(month(end)).or_default();
        for h in households.iter().filter(|h| h.archived_on(end)) {
            let category = h.category.clone().unwrap_or_else(|| "none".into());
            *counts.entry(category).or_default() += 1;
        }
    }
    let beijing = FixedOffset::east_opt(8 * 3600);
    for g in grants {
        let day = match beijing {
            Some(tz) => g.applied_at.with_timezone(&tz).date_naive(),
            None => g.applied_at.date_naive(),
        };
        if day < p.from || day > p.to {
            continue;
        }
        let f = g.figures();
        s.grants_by_programme
            .entry(g.programme_id.clone())
            .or_default()
            .add(&f);
        s.grants_by_org
            .entry((g.org_code.clone(), g.org_name.clone()))
            .or_default()
            .add(&f);
        s.grants_by_month.entry(month(day)).or_default().add(&f);
    }
    s.campaigns = campaigns
        .into_iter()
        .map(|c| CampaignProgress {
            campaign_id: c.campaign_id,
            programme_id: c.programme_id,
            name: c.name,
            listed: c.listed,
            visited: c.visited,
            cash_granted_fen: c.cash_granted_fen,
            gift_packs: c.gift_packs,
            gift_packs_handed: c.gift_packs_handed,
        })
        .collect();
    s
}

/// The programmes' statistics. Implemented for both backends by the same SQL.
pub trait ProgrammeStatsStore: Clone + Send + Sync + 'static {
    /// The figures of `scope` for `period` (see [`ProgrammeStats`]).
    fn programme_stats(
        &self,
        scope: &OrgScope,
        period: Period,
    ) -> impl Future<Output = crate::Result<ProgrammeStats>> + Send;
}

/// Expands [`ProgrammeStatsStore`] for one backend.
macro_rules! impl_programme_stats_store {
    ($store:ty) => {
        impl $crate::stats::programmes::ProgrammeStatsStore for $store {
            async fn programme_stats(
                &self,
                scope: &$crate::OrgScope,
                period: $crate::stats::programmes::Period,
            ) -> $crate::Result<$crate::stats::programmes::ProgrammeStats> {
                use $crate::archive::in_scope;
                use $crate::stats::programmes::{ArchiveStatRow, CampaignStatRow, GrantStatRow};
                let mut tx = self.reader.begin().await?;
                // A household's exit date is the date of its exit step on the timeline.
                let households: Vec<ArchiveStatRow> = sqlx::query_as(&format!(
                    "SELECT h.category, h.level, h.admitted_on, h.exit_reason, \
                     (SELECT MIN(e.on_date) FROM household_events e \
                      WHERE e.household_id = h.id AND e.state = 'exited') AS exited_on, \
                     (SELECT CAST(COUNT(*) AS BIGINT) FROM household_people p \
                      WHERE p.household_id = h.id) AS people \
                     FROM households h WHERE h.admitted_on IS NOT NULL AND h.admitted_on <= $2 \
                     AND {}",
                    in_scope("h.org_id", 1)
                ))
                .bind(scope.org())
                .bind(period.to)
                .fetch_all(&mut *tx)
                .await?;
                let grants: Vec<GrantStatRow> = sqlx::query_as(&format!(
                    "SELECT g.programme_id, o.code AS org_code, o.name AS org_name, g.state, \
                     g.amount_fen, g.paid_fen, g.applied_at \
                     FROM grants g JOIN orgs o ON o.id = g.org_id WHERE {}",
                    in_scope("g.org_id", 1)
                ))
                .bind(scope.org())
                .fetch_all(&mut *tx)
                .await?;
                let campaigns: Vec<CampaignStatRow> = sqlx::query_as(&format!(
                    "SELECT c.id AS campaign_id, c.programme_id, c.name, \
                     CAST(COUNT(*) AS BIGINT) AS listed, \
                     CAST(SUM(CASE WHEN r.visit_date IS NULL THEN 0 ELSE 1 END) AS BIGINT) \
                       AS visited, \
                     CAST(SUM(CASE WHEN r.gift_pack THEN 1 ELSE 0 END) AS BIGINT) AS gift_packs, \
                     CAST(SUM(CASE WHEN r.gift_handed_at IS NULL THEN 0 ELSE 1 END) AS BIGINT) \
                       AS gift_packs_handed, \
                     CAST(COALESCE(SUM(g.amount_fen), 0) AS BIGINT) AS cash_granted_fen \
                     FROM campaign_recipients r JOIN campaigns c \
                     ON c.tenant_id = r.tenant_id AND c.id = r.campaign_id \
                     LEFT JOIN grants g \
                     ON g.tenant_id = c.tenant_id AND g.campaign_id = c.id \
                     AND g.member_id = r.member_id \
                       AND g.state IN ('approved', 'in_batch', 'paid') \
                     WHERE {} GROUP BY c.id, c.programme_id, c.name ORDER BY c.id",
                    in_scope("r.org_id", 1)
                ))
                .bind(scope.org())
                .fetch_all(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok($crate::stats::programmes::fold(
                    period,
                    &households,
                    &grants,
                    campaigns,
                ))
            }
        }
    };
}

pub(crate) use impl_programme_stats_store;

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn the_months_of_a_period_end_on_their_last_day_and_the_last_on_the_periods_end() {
        let ends = month_ends(Period {
            from: d("2026-01-15"),
            to: d("2026-03-10"),
        });
        assert_eq!(ends, [d("2026-01-31"), d("2026-02-28"), d("2026-03-10")]);
    }
}
