//! The ledger's facts behind the public fund report of a mutual-aid cycle (issue 18): per policy
//! of the cycle, the fund account's movements, and every claim payment with its payee and unit.
//! The shaping (items, months, masking, small units) is `huzhu_domain::fund_report`.

use chrono::{DateTime, NaiveDate, Utc};
use huzhu_domain::fund_report::{FundFacts, PaidFact};
use std::future::Future;

/// The fund report's facts. Implemented for both backends by the same SQL.
pub trait FundReportStore: Clone + Send + Sync + 'static {
    /// The facts of the policies whose cycle starts in `year`, read in one transaction. Item
    /// names are left to the caller (it parses the policies' texts).
    fn fund_facts(&self, year: i32) -> impl Future<Output = crate::Result<FundFacts>> + Send;
}

#[derive(sqlx::FromRow)]
pub(crate) struct PaidRow {
    pub at: DateTime<Utc>,
    pub policy_id: String,
    pub claim_id: i64,
    pub member_id: i64,
    pub member_name: String,
    pub id_number: String,
    pub unit_code: String,
    pub unit_name: String,
    pub decision: Option<String>,
    pub fen: i64,
}

impl PaidRow {
    pub(crate) fn fact(self) -> PaidFact {
        let paid_on = match chrono::FixedOffset::east_opt(8 * 3600) {
            Some(tz) => self.at.with_timezone(&tz).date_naive(),
            None => self.at.date_naive(),
        };
        PaidFact {
            paid_on,
            policy_id: self.policy_id,
            claim_id: self.claim_id,
            member_id: self.member_id,
            member_name: self.member_name,
            id_number: self.id_number,
            unit_code: self.unit_code,
            unit_name: self.unit_name,
            decision: self.decision,
            amount_fen: self.fen,
        }
    }
}

/// The first and last day of `year` (the bounds of the cycles that start in it).
pub(crate) fn year_bounds(year: i32) -> crate::Result<(NaiveDate, NaiveDate)> {
    match (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(crate::StoreError::NotFound(format!(
            "年度 {year} (cycle {year})"
        ))),
    }
}

/// Expands [`FundReportStore`] for one backend.
macro_rules! impl_fund_report_store {
    ($store:ty) => {
        impl $crate::fund_report::FundReportStore for $store {
            async fn fund_facts(
                &self,
                year: i32,
            ) -> $crate::Result<huzhu_domain::fund_report::FundFacts> {
                use huzhu_domain::fund_report::{FundFacts, PolicyFigures};
                let (from, to) = $crate::fund_report::year_bounds(year)?;
                let mut tx = self.reader.begin().await?;
                let policies: Vec<(String, String)> = sqlx::query_as(
                    "SELECT id, name FROM policies WHERE cycle_start >= $1 AND cycle_start <= $2 \
                     ORDER BY id",
                )
                .bind(from)
                .bind(to)
                .fetch_all(&mut *tx)
                .await?;
                let mut facts = FundFacts::default();
                for (id, name) in policies {
                    // (kind, whether the entry names a claim, account family, sum)
                    let sums: Vec<(String, bool, String, i64)> = sqlx::query_as(
                        "SELECT e.kind, (e.claim_id IS NOT NULL) AS of_claim, \
                         CASE WHEN p.account = $1 THEN 'fund' ELSE 'receivable' END AS family, \
                         CAST(SUM(p.fen) AS BIGINT) \
                         FROM ledger_postings p \
                         JOIN ledger_entries e ON e.tenant_id = p.tenant_id AND e.id = p.entry_id \
                         WHERE p.account = $1 OR p.account LIKE $2 \
                         GROUP BY e.kind, (e.claim_id IS NOT NULL), \
                         CASE WHEN p.account = $1 THEN 'fund' ELSE 'receivable' END",
                    )
                    .bind(format!("fund:{id}"))
                    .bind(format!("receivable:%:{id}"))
                    .fetch_all(&mut *tx)
                    .await?;
                    let mut f = PolicyFigures {
                        id: id.clone(),
                        name,
                        billed_fen: 0,
                        received_fen: 0,
                        approved_fen: 0,
                        paid_fen: 0,
                        balance_fen: 0,
                    };
                    for (kind, of_claim, family, fen) in sums {
                        match family.as_str() {
                            "fund" => {
                                f.balance_fen -= fen;
                                if kind == "contribution_billed" {
                                    f.billed_fen -= fen;
                                } else if of_claim {
                                    f.approved_fen += fen;
                                }
                            }
                            _ if kind == "contribution_paid" => f.received_fen -= fen,
                            _ => {}
                        }
                    }
                    let paid: Vec<$crate::fund_report::PaidRow> = sqlx::query_as(
                        "SELECT e.at, c.policy_id, c.id AS claim_id, m.id AS member_id, \
                         m.name AS member_name, m.id_number, o.code AS unit_code, \
                         o.name AS unit_name, c.decision, CAST(SUM(p.fen) AS BIGINT) AS fen \
                         FROM ledger_entries e \
                         JOIN ledger_postings p ON p.tenant_id = e.tenant_id AND p.entry_id = e.id \
                         JOIN claims c ON c.tenant_id = e.tenant_id AND c.id = e.claim_id \
                         JOIN members m ON m.tenant_id = c.tenant_id AND m.id = c.member_id \
                         JOIN orgs o ON o.id = c.org_id \
                         WHERE e.kind = 'claim_paid' AND p.account LIKE 'payable:%' \
                         AND c.policy_id = $1 \
                         GROUP BY e.id, e.at, c.policy_id, c.id, m.id, m.name, m.id_number, \
                         o.code, o.name, c.decision \
                         ORDER BY e.id",
                    )
                    .bind(&id)
                    .fetch_all(&mut *tx)
                    .await?;
                    f.paid_fen = paid.iter().map(|p| p.fen).sum();
                    facts.paid.extend(paid.into_iter().map(|p| p.fact()));
                    facts.policies.push(f);
                }
                tx.commit().await?;
                Ok(facts)
            }
        }
    };
}

pub(crate) use impl_fund_report_store;
