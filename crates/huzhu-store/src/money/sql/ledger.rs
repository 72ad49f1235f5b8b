//! 台账 — the ledger (`ledger_entries`): postings written with the change they record, read by
//! scope and as statistics facts.

/// Expands the ledger for one backend. `store`: its methods, inside
/// `impl MoneyStore`; `helpers`: the transaction helpers it (and others) use.
macro_rules! money_ledger {
    (store $store:ty) => {
        async fn ledger_entries(
            &self,
            scope: &$crate::money::LedgerScope,
            before: Option<i64>,
            limit: u32,
        ) -> $crate::Result<Vec<$crate::money::LedgerEntryView>> {
            use $crate::money::rows::EntryRow;
            use $crate::sql::placeholders;
            let n = scope.next_param();
            let sql = format!(
                "SELECT id, kind, memo, claim_id, bill_id, batch_id, reverses, actor, at \
                 FROM ({}) s WHERE id < ${n} ORDER BY id DESC LIMIT ${}",
                scope.entries(
                    "e.id, e.kind, e.memo, e.claim_id, e.bill_id, e.batch_id, e.reverses, \
                     e.actor, e.at"
                ),
                n + 1
            );
            let mut q = sqlx::query_as::<_, EntryRow>(&sql);
            if let Some(org) = scope.org() {
                q = q.bind(org);
            }
            let rows = q
                .bind(before.unwrap_or(i64::MAX))
                .bind(i64::from(limit))
                .fetch_all(&self.reader)
                .await?;
            // The postings of the whole page in one query.
            let mut postings: std::collections::HashMap<i64, Vec<(String, i64)>> =
                std::collections::HashMap::new();
            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            for chunk in ids.chunks($crate::money::sql::IN_CHUNK) {
                let sql = format!(
                    "SELECT entry_id, account, fen FROM ledger_postings \
                     WHERE entry_id IN ({}) ORDER BY id",
                    placeholders(1, chunk.len())
                );
                let mut q = sqlx::query_as::<_, (i64, String, i64)>(&sql);
                for id in chunk {
                    q = q.bind(*id);
                }
                for (entry, account, fen) in q.fetch_all(&self.reader).await? {
                    postings.entry(entry).or_default().push((account, fen));
                }
            }
            Ok(rows
                .into_iter()
                .map(|r| $crate::money::LedgerEntryView {
                    postings: postings.remove(&r.id).unwrap_or_default(),
                    id: r.id,
                    kind: r.kind,
                    memo: r.memo,
                    claim: r.claim_id,
                    bill: r.bill_id,
                    batch: r.batch_id,
                    reverses: r.reverses,
                    actor: r.actor,
                    at: r.at,
                })
                .collect())
        }

        async fn ledger_facts(
            &self,
            scope: &$crate::money::LedgerScope,
        ) -> $crate::Result<$crate::money::LedgerFacts> {
            /// Binds the scope's org as `$1` when it has one.
            macro_rules! scoped {
                ($sql:expr) => {{
                    let q = sqlx::query_as($sql);
                    match scope.org() {
                        Some(org) => q.bind(org),
                        None => q,
                    }
                }};
            }
            let mut f = $crate::money::LedgerFacts::default();
            let ids = scope.entries("e.tenant_id, e.id");
            let counts_sql = format!(
                "SELECT (SELECT COUNT(*) FROM ({ids}) s), \
                 (SELECT COUNT(*) FROM ({ids}) s JOIN ledger_postings p \
                 ON p.tenant_id = s.tenant_id AND p.entry_id = s.id)"
            );
            let (entries, postings): (i64, i64) = scoped!(&counts_sql)
                .fetch_one(&self.reader)
                .await?;
            f.entries = u64::try_from(entries).unwrap_or(0);
            f.postings = u64::try_from(postings).unwrap_or(0);
            let unbalanced_sql = format!(
                "SELECT s.id, CAST(COALESCE(SUM(p.fen), 0) AS BIGINT) FROM ({ids}) s \
                 LEFT JOIN ledger_postings p ON p.tenant_id = s.tenant_id AND p.entry_id = s.id \
                 GROUP BY s.id \
                 HAVING COALESCE(SUM(p.fen), 0) <> 0 OR COUNT(p.id) < 2 ORDER BY s.id"
            );
            f.unbalanced = scoped!(&unbalanced_sql)
                .fetch_all(&self.reader)
                .await?;
            let balances_sql = format!(
                "SELECT p.account, CAST(SUM(p.fen) AS BIGINT) FROM ({ids}) s \
                 JOIN ledger_postings p ON p.tenant_id = s.tenant_id AND p.entry_id = s.id \
                 GROUP BY p.account ORDER BY p.account"
            );
            let balances: Vec<(String, i64)> = scoped!(&balances_sql)
                .fetch_all(&self.reader)
                .await?;
            f.balances = balances.into_iter().collect();
            let bills = scope.bills();
            let billed_sql = format!(
                "SELECT b.policy_id, CAST(SUM(b.amount_fen) AS BIGINT), \
                 CAST(SUM(CASE WHEN b.status = 'paid' THEN b.amount_fen ELSE 0 END) \
                 AS BIGINT) {bills} GROUP BY b.policy_id"
            );
            let billed: Vec<(String, i64, i64)> = scoped!(&billed_sql)
                .fetch_all(&self.reader)
                .await?;
            f.bills = billed.into_iter().map(|(p, a, b)| (p, (a, b))).collect();
            let unpaid_sql = format!(
                "SELECT bo.code, b.policy_id, CAST(SUM(b.amount_fen) AS BIGINT) {bills} \
                 AND b.status = 'unpaid' GROUP BY bo.code, b.policy_id"
            );
            let unpaid: Vec<(String, String, i64)> = scoped!(&unpaid_sql)
                .fetch_all(&self.reader)
                .await?;
            f.unpaid_by_unit = unpaid.into_iter().map(|(u, p, a)| ((u, p), a)).collect();
            let claims = scope.claims();
            let approved_sql = format!(
                "SELECT c.policy_id, CAST(SUM(c.approved_fen) AS BIGINT), \
                 CAST(SUM(c.paid_fen) AS BIGINT) {claims} GROUP BY c.policy_id"
            );
            let approved: Vec<(String, i64, i64)> = scoped!(&approved_sql)
                .fetch_all(&self.reader)
                .await?;
            f.claims = approved.into_iter().map(|(p, a, b)| (p, (a, b))).collect();
            let owed_sql = format!(
                "SELECT c.member_id, CAST(SUM(c.approved_fen - c.paid_fen) AS BIGINT) \
                 {claims} GROUP BY c.member_id HAVING SUM(c.approved_fen - c.paid_fen) <> 0"
            );
            let owed: Vec<(i64, i64)> = scoped!(&owed_sql)
                .fetch_all(&self.reader)
                .await?;
            f.owed_to_members = owed.into_iter().collect();
            // Grants and funds (docs/grants.md): what each fund received and paid out, and
            // what the members are owed by grants approved and not yet paid.
            let grants = scope.grants();
            let granted_sql = format!(
                "SELECT g.fund, CAST(SUM(CASE WHEN g.state IN ('approved', 'in_batch', 'paid') \
                 THEN g.amount_fen ELSE 0 END) AS BIGINT), CAST(SUM(g.paid_fen) AS BIGINT) \
                 {grants} GROUP BY g.fund"
            );
            let granted: Vec<(String, i64, i64)> = scoped!(&granted_sql)
                .fetch_all(&self.reader)
                .await?;
            for (fund, approved, paid) in granted {
                let e = f.funds.entry(fund).or_insert((0, 0, 0));
                e.1 += approved;
                e.2 += paid;
            }
            let deposits = scope.deposits();
            let deposited_sql = format!(
                "SELECT d.fund, CAST(SUM(d.amount_fen) AS BIGINT) {deposits} GROUP BY d.fund"
            );
            let deposited: Vec<(String, i64)> = scoped!(&deposited_sql)
                .fetch_all(&self.reader)
                .await?;
            for (fund, amount) in deposited {
                f.funds.entry(fund).or_insert((0, 0, 0)).0 += amount;
            }
            let grant_owed_sql = format!(
                "SELECT g.member_id, CAST(SUM(g.amount_fen - g.paid_fen) AS BIGINT) {grants} \
                 AND g.state IN ('approved', 'in_batch', 'paid') GROUP BY g.member_id \
                 HAVING SUM(g.amount_fen - g.paid_fen) <> 0"
            );
            let grant_owed: Vec<(i64, i64)> = scoped!(&grant_owed_sql)
                .fetch_all(&self.reader)
                .await?;
            for (member, owed) in grant_owed {
                let e = f.owed_to_members.entry(member).or_insert(0);
                *e += owed;
                if *e == 0 {
                    f.owed_to_members.remove(&member);
                }
            }
            if let $crate::OrgScope::Everything = scope {
                let table: Vec<(String, i64)> = sqlx::query_as(
                    "SELECT fund, CAST(SUM(balance_fen) AS BIGINT) FROM programme_funds \
                     GROUP BY fund",
                )
                .fetch_all(&self.reader)
                .await?;
                f.fund_table = table.into_iter().collect();
                // donation module: the restricted parts of the funds.
                let parts: Vec<(String, String, i64)> = sqlx::query_as(
                    "SELECT fund, programme_id, CAST(SUM(balance_fen) AS BIGINT) FROM fund_parts \
                     GROUP BY fund, programme_id",
                )
                .fetch_all(&self.reader)
                .await?;
                f.fund_parts = parts
                    .into_iter()
                    .map(|(fund, p, b)| (format!("programme_fund:{fund}:{p}"), b))
                    .collect();
            }
            Ok(f)
        }
    };
    (helpers $store:ty) => {
        impl $store {
            /// Writes one ledger entry and its postings inside `tx`.
            async fn money_post<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                tenant: i64,
                entry: &huzhu_domain::ledger::Entry,
                refs: $crate::money::EntryRefs,
                reverses: Option<i64>,
                actor: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<i64> {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO ledger_entries (tenant_id, kind, memo, claim_id, bill_id, \
                     batch_id, reverses, actor, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                     RETURNING id",
                )
                .bind(tenant)
                .bind(entry.kind().code())
                .bind(entry.memo())
                .bind(refs.claim.map(|c| c.0))
                .bind(refs.bill.map(|b| b.0))
                .bind(refs.batch.map(|b| b.0))
                .bind(reverses)
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

pub(crate) use money_ledger;
