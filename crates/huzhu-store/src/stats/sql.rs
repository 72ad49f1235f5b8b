//! The statistics' SQL, shared by both backends like `crate::sql`. Deltas are applied with one
//! `INSERT … SELECT … FROM org_closure … ON CONFLICT DO UPDATE` per changed key: the unit's row and
//! every ancestor's move together.

/// Claims read per page by the recount and the full scan.
pub(crate) const SCAN_PAGE: i64 = 10_000;

/// Rows per multi-row `INSERT` of the recount (nine parameters each).
pub(crate) const INSERT_CHUNK: usize = 500;

macro_rules! impl_stats_store {
    ($store:ty) => {
        impl $crate::stats::StatsStore for $store {
            async fn stats(
                &self,
                org: &huzhu_domain::org::OrgCode,
                policy: Option<&str>,
            ) -> $crate::Result<$crate::stats::StatsView> {
                use $crate::stats::{ChildFigures, EnrolFigures, StatsView};
                use huzhu_domain::stats::ClaimFigures;
                let (org_id, tenant) = self.stat_org(org).await?;
                let p = policy.unwrap_or("");
                let all = policy.is_none();
                let mut view = StatsView::default();
                let rows: Vec<(String, String, i64)> = sqlx::query_as(
                    "SELECT gender, status, members FROM stat_members \
                     WHERE tenant_id = $1 AND org_id = $2",
                )
                .bind(tenant)
                .bind(org_id)
                .fetch_all(&self.reader)
                .await?;
                for (g, s, n) in rows {
                    view.members.insert((g, s), n);
                }
                let rows: Vec<(String, String, i64, i64, i64)> = sqlx::query_as(
                    "SELECT item, gender, CAST(SUM(members) AS BIGINT), \
                     CAST(SUM(shares) AS BIGINT), CAST(SUM(contribution_fen) AS BIGINT) \
                     FROM stat_enrolments WHERE tenant_id = $1 AND org_id = $2 \
                     AND (policy_id = $3 OR $4) GROUP BY item, gender",
                )
                .bind(tenant)
                .bind(org_id)
                .bind(p)
                .bind(all)
                .fetch_all(&self.reader)
                .await?;
                for (item, g, members, shares, contribution_fen) in rows {
                    view.enrolments.insert(
                        (item, g),
                        EnrolFigures {
                            members,
                            shares,
                            contribution_fen,
                        },
                    );
                }
                let rows: Vec<(String, String, i64, i64, i64, i64)> = sqlx::query_as(
                    "SELECT dimension, label, CAST(SUM(claims) AS BIGINT), \
                     CAST(SUM(payable_fen) AS BIGINT), CAST(SUM(approved_fen) AS BIGINT), \
                     CAST(SUM(paid_fen) AS BIGINT) FROM stat_claims \
                     WHERE tenant_id = $1 AND org_id = $2 AND (policy_id = $3 OR $4) \
                     GROUP BY dimension, label",
                )
                .bind(tenant)
                .bind(org_id)
                .bind(p)
                .bind(all)
                .fetch_all(&self.reader)
                .await?;
                for (d, l, claims, payable_fen, approved_fen, paid_fen) in rows {
                    view.claims.insert(
                        (d, l),
                        ClaimFigures {
                            claims,
                            payable_fen,
                            approved_fen,
                            paid_fen,
                        },
                    );
                }
                // The direct children, each row holding its subtree already.
                let kids: Vec<(i64, String, String)> = sqlx::query_as(
                    "SELECT id, code, name FROM orgs WHERE parent_id = $1 ORDER BY code",
                )
                .bind(org_id)
                .fetch_all(&self.reader)
                .await?;
                let members: std::collections::HashMap<i64, i64> = sqlx::query_as(
                    "SELECT s.org_id, CAST(SUM(s.members) AS BIGINT) FROM orgs o \
                     JOIN stat_members s ON s.tenant_id = $1 AND s.org_id = o.id \
                     WHERE o.parent_id = $2 GROUP BY s.org_id",
                )
                .bind(tenant)
                .bind(org_id)
                .fetch_all(&self.reader)
                .await?
                .into_iter()
                .collect();
                let enrolled: std::collections::HashMap<i64, (i64, i64, i64)> =
                    sqlx::query_as::<_, (i64, i64, i64, i64)>(
                        "SELECT s.org_id, CAST(SUM(s.members) AS BIGINT), \
                         CAST(SUM(s.shares) AS BIGINT), CAST(SUM(s.contribution_fen) AS BIGINT) \
                         FROM orgs o JOIN stat_enrolments s ON s.tenant_id = $1 \
                         AND s.org_id = o.id WHERE o.parent_id = $2 \
                         AND (s.policy_id = $3 OR $4) GROUP BY s.org_id",
                    )
                    .bind(tenant)
                    .bind(org_id)
                    .bind(p)
                    .bind(all)
                    .fetch_all(&self.reader)
                    .await?
                    .into_iter()
                    .map(|(o, m, s, c)| (o, (m, s, c)))
                    .collect();
                let claims: std::collections::HashMap<i64, (i64, i64, i64, i64)> =
                    sqlx::query_as::<_, (i64, i64, i64, i64, i64)>(
                        "SELECT s.org_id, CAST(SUM(s.claims) AS BIGINT), \
                         CAST(SUM(s.payable_fen) AS BIGINT), CAST(SUM(s.approved_fen) AS BIGINT), \
                         CAST(SUM(s.paid_fen) AS BIGINT) FROM orgs o \
                         JOIN stat_claims s ON s.tenant_id = $1 AND s.org_id = o.id \
                         WHERE o.parent_id = $2 AND s.dimension = 'all' \
                         AND (s.policy_id = $3 OR $4) GROUP BY s.org_id",
                    )
                    .bind(tenant)
                    .bind(org_id)
                    .bind(p)
                    .bind(all)
                    .fetch_all(&self.reader)
                    .await?
                    .into_iter()
                    .map(|(o, a, b, c, d)| (o, (a, b, c, d)))
                    .collect();
                for (id, code, name) in kids {
                    let e = enrolled.get(&id).copied().unwrap_or_default();
                    let c = claims.get(&id).copied().unwrap_or_default();
                    view.children.push(ChildFigures {
                        code,
                        name,
                        members: members.get(&id).copied().unwrap_or(0),
                        enrolled: EnrolFigures {
                            members: e.0,
                            shares: e.1,
                            contribution_fen: e.2,
                        },
                        claims: ClaimFigures {
                            claims: c.0,
                            payable_fen: c.1,
                            approved_fen: c.2,
                            paid_fen: c.3,
                        },
                    });
                }
                Ok(view.drop_zeros())
            }

            async fn stats_by_scan(
                &self,
                org: &huzhu_domain::org::OrgCode,
                policy: Option<&str>,
            ) -> $crate::Result<$crate::stats::StatsView> {
                use $crate::stats::{ChildFigures, ClaimStatRow, EnrolFigures, StatsView,
                    CLAIM_STAT_COLUMNS};
                use huzhu_domain::stats::ClaimFigures;
                let (org_id, _tenant) = self.stat_org(org).await?;
                let p = policy.unwrap_or("");
                let all = policy.is_none();
                let mut view = StatsView::default();
                let rows: Vec<(String, String, i64)> = sqlx::query_as(
                    "SELECT m.gender, m.status, COUNT(*) FROM org_closure oc \
                     JOIN members m ON m.org_id = oc.descendant_id WHERE oc.ancestor_id = $1 \
                     GROUP BY m.gender, m.status",
                )
                .bind(org_id)
                .fetch_all(&self.reader)
                .await?;
                for (g, s, n) in rows {
                    view.members.insert((g, s), n);
                }
                let rows: Vec<(String, String, i64, i64, i64)> = sqlx::query_as(
                    "SELECT e.item, m.gender, COUNT(*), CAST(SUM(e.shares) AS BIGINT), \
                     CAST(SUM(e.contribution_fen) AS BIGINT) FROM org_closure oc \
                     JOIN enrolments e ON e.org_id = oc.descendant_id \
                     JOIN members m ON m.tenant_id = e.tenant_id AND m.id = e.member_id \
                     WHERE oc.ancestor_id = $1 AND (e.policy_id = $2 OR $3) \
                     GROUP BY e.item, m.gender",
                )
                .bind(org_id)
                .bind(p)
                .bind(all)
                .fetch_all(&self.reader)
                .await?;
                for (item, g, members, shares, contribution_fen) in rows {
                    view.enrolments.insert(
                        (item, g),
                        EnrolFigures {
                            members,
                            shares,
                            contribution_fen,
                        },
                    );
                }
                // Claims: every claim of the subtree read whole, its facets computed as the
                // maintained path computes them.
                let mut delta = $crate::stats::ClaimDelta::new();
                let mut after = 0i64;
                loop {
                    let page: Vec<ClaimStatRow> = sqlx::query_as(&format!(
                        "SELECT {CLAIM_STAT_COLUMNS} FROM claims c \
                         JOIN members m ON m.tenant_id = c.tenant_id AND m.id = c.member_id \
                         WHERE c.id > $1 AND (c.policy_id = $2 OR $3) AND c.org_id IN \
                         (SELECT descendant_id FROM org_closure WHERE ancestor_id = $4) \
                         ORDER BY c.id LIMIT $5"
                    ))
                    .bind(after)
                    .bind(p)
                    .bind(all)
                    .bind(org_id)
                    .bind($crate::stats::sql::SCAN_PAGE)
                    .fetch_all(&self.reader)
                    .await?;
                    let Some(last) = page.last() else { break };
                    after = last.id;
                    for r in &page {
                        r.add_to(&mut delta, 1);
                    }
                }
                for ((_, _, _, dim, label), fig) in delta {
                    view.claims
                        .entry((dim.to_string(), label))
                        .or_default()
                        .add(&fig, 1);
                }
                let kids: Vec<(i64, String, String)> = sqlx::query_as(
                    "SELECT id, code, name FROM orgs WHERE parent_id = $1 ORDER BY code",
                )
                .bind(org_id)
                .fetch_all(&self.reader)
                .await?;
                for (id, code, name) in kids {
                    let members: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM org_closure oc \
                         JOIN members m ON m.org_id = oc.descendant_id WHERE oc.ancestor_id = $1",
                    )
                    .bind(id)
                    .fetch_one(&self.reader)
                    .await?;
                    let (em, es, ec): (i64, i64, i64) = sqlx::query_as(
                        "SELECT COUNT(*), CAST(COALESCE(SUM(e.shares), 0) AS BIGINT), \
                         CAST(COALESCE(SUM(e.contribution_fen), 0) AS BIGINT) \
                         FROM org_closure oc JOIN enrolments e ON e.org_id = oc.descendant_id \
                         WHERE oc.ancestor_id = $1 AND (e.policy_id = $2 OR $3)",
                    )
                    .bind(id)
                    .bind(p)
                    .bind(all)
                    .fetch_one(&self.reader)
                    .await?;
                    let (cn, cp, ca, cd): (i64, i64, i64, i64) = sqlx::query_as(
                        "SELECT COUNT(*), CAST(COALESCE(SUM(c.payable_fen), 0) AS BIGINT), \
                         CAST(COALESCE(SUM(c.approved_fen), 0) AS BIGINT), \
                         CAST(COALESCE(SUM(c.paid_fen), 0) AS BIGINT) \
                         FROM org_closure oc JOIN claims c ON c.org_id = oc.descendant_id \
                         WHERE oc.ancestor_id = $1 AND (c.policy_id = $2 OR $3)",
                    )
                    .bind(id)
                    .bind(p)
                    .bind(all)
                    .fetch_one(&self.reader)
                    .await?;
                    view.children.push(ChildFigures {
                        code,
                        name,
                        members,
                        enrolled: EnrolFigures {
                            members: em,
                            shares: es,
                            contribution_fen: ec,
                        },
                        claims: ClaimFigures {
                            claims: cn,
                            payable_fen: cp,
                            approved_fen: ca,
                            paid_fen: cd,
                        },
                    });
                }
                Ok(view.drop_zeros())
            }

            async fn recount_stats(&self) -> $crate::Result<$crate::stats::RecountSummary> {
                let mut tx = self.write_tx().await?;
                let summary = Self::stat_recount(&mut tx).await?;
                tx.commit().await?;
                Ok(summary)
            }

            async fn check_stats(&self, limit: usize) -> $crate::Result<Vec<String>> {
                let mut tx = self.write_tx().await?;
                let maintained = Self::stat_dump(&mut tx).await?;
                Self::stat_recount(&mut tx).await?;
                let recounted = Self::stat_dump(&mut tx).await?;
                tx.rollback().await?;
                Ok(maintained.differences(&recounted, limit))
            }

            async fn stat_rows(&self) -> $crate::Result<$crate::stats::StatRows> {
                let mut tx = self.write_tx().await?;
                let rows = Self::stat_dump(&mut tx).await?;
                tx.rollback().await?;
                Ok(rows)
            }
        }

        impl $store {
            /// An org's id and tenant, by code.
            async fn stat_org(
                &self,
                org: &huzhu_domain::org::OrgCode,
            ) -> $crate::Result<(i64, i64)> {
                sqlx::query_as("SELECT id, COALESCE(tenant_id, id) FROM orgs WHERE code = $1")
                    .bind(org.as_str())
                    .fetch_optional(&self.reader)
                    .await?
                    .ok_or_else(|| $crate::StoreError::NotFound(format!("org {org}")))
            }

            /// The statistics' view of the claims named, inside `tx`.
            async fn stat_claim_rows<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                ids: &[i64],
            ) -> $crate::Result<Vec<$crate::stats::ClaimStatRow>> {
                use $crate::stats::CLAIM_STAT_COLUMNS;
                let mut out = Vec::with_capacity(ids.len());
                for chunk in ids.chunks($crate::money::sql::IN_CHUNK) {
                    let sql = format!(
                        "SELECT {CLAIM_STAT_COLUMNS} FROM claims c \
                         JOIN members m ON m.tenant_id = c.tenant_id AND m.id = c.member_id \
                         WHERE c.id IN ({})",
                        $crate::sql::placeholders(1, chunk.len())
                    );
                    let mut q = sqlx::query_as::<_, $crate::stats::ClaimStatRow>(&sql);
                    for id in chunk {
                        q = q.bind(*id);
                    }
                    out.extend(q.fetch_all(&mut **tx).await?);
                }
                Ok(out)
            }

            /// Applies a change of claim figures to the units' rows and their ancestors'.
            async fn stat_apply_claims<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                delta: &$crate::stats::ClaimDelta,
            ) -> $crate::Result<()> {
                // One statement for many rows: each row of the delta is added to its unit's
                // figures and its ancestors', summed per ancestor first (two units of one
                // district both count there, and PostgreSQL lets one statement touch a row once).
                const COLS: usize = 9;
                let rows: Vec<_> = delta.iter().filter(|(_, f)| !f.is_zero()).collect();
                for chunk in rows.chunks($crate::sql::PARAMS_PER_STATEMENT / COLS) {
                    let sql = format!(
                        "INSERT INTO stat_claims (tenant_id, org_id, policy_id, dimension, label, \
                         claims, payable_fen, approved_fen, paid_fen) \
                         SELECT v.column1, oc.ancestor_id, v.column2, v.column3, v.column4, \
                         CAST(SUM(v.column6) AS BIGINT), CAST(SUM(v.column7) AS BIGINT), \
                         CAST(SUM(v.column8) AS BIGINT), CAST(SUM(v.column9) AS BIGINT) \
                         FROM (VALUES {}) AS v \
                         JOIN org_closure oc ON oc.descendant_id = v.column5 WHERE true \
                         GROUP BY v.column1, oc.ancestor_id, v.column2, v.column3, v.column4 \
                         ON CONFLICT (tenant_id, org_id, policy_id, dimension, label) DO UPDATE \
                         SET claims = stat_claims.claims + excluded.claims, \
                         payable_fen = stat_claims.payable_fen + excluded.payable_fen, \
                         approved_fen = stat_claims.approved_fen + excluded.approved_fen, \
                         paid_fen = stat_claims.paid_fen + excluded.paid_fen",
                        $crate::sql::value_rows::<$store>(1, chunk.len(), COLS)
                    );
                    let mut q = sqlx::query(&sql);
                    for ((tenant, unit, policy, dim, label), f) in chunk {
                        q = q
                            .bind(*tenant)
                            .bind(policy)
                            .bind(*dim)
                            .bind(label)
                            .bind(*unit)
                            .bind(f.claims)
                            .bind(f.payable_fen)
                            .bind(f.approved_fen)
                            .bind(f.paid_fen);
                    }
                    q.execute(&mut **tx).await?;
                }
                Ok(())
            }

            /// Applies a change of member counts to the units' rows and their ancestors': one
            /// statement for many units, summed per ancestor as for claims (an import batch
            /// touches hundreds of units; a statement each was as many round trips as rows).
            async fn stat_apply_members<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                delta: &$crate::stats::MemberDelta,
            ) -> $crate::Result<()> {
                const COLS: usize = 5;
                let rows: Vec<_> = delta.iter().filter(|(_, n)| **n != 0).collect();
                for chunk in rows.chunks($crate::sql::PARAMS_PER_STATEMENT / COLS) {
                    let sql = format!(
                        "INSERT INTO stat_members (tenant_id, org_id, gender, status, members) \
                         SELECT v.column1, oc.ancestor_id, v.column2, v.column3, \
                         CAST(SUM(v.column4) AS BIGINT) FROM (VALUES {}) AS v \
                         JOIN org_closure oc ON oc.descendant_id = v.column5 WHERE true \
                         GROUP BY v.column1, oc.ancestor_id, v.column2, v.column3 \
                         ON CONFLICT (tenant_id, org_id, gender, status) DO UPDATE \
                         SET members = stat_members.members + excluded.members",
                        $crate::sql::value_rows::<$store>(1, chunk.len(), COLS)
                    );
                    let mut q = sqlx::query(&sql);
                    for ((tenant, unit, gender, status), n) in chunk {
                        q = q.bind(*tenant).bind(gender).bind(status).bind(**n).bind(*unit);
                    }
                    q.execute(&mut **tx).await?;
                }
                Ok(())
            }

            /// Adds (sign 1) or removes (sign −1) the enrolments selected by `filter` (a condition
            /// on `e`, binding $1), counted under `gender` when given, else the member's.
            async fn stat_apply_enrolments<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                filter: &str,
                key: i64,
                gender: Option<&str>,
                sign: i64,
            ) -> $crate::Result<()> {
                sqlx::query(&format!(
                    "INSERT INTO stat_enrolments (tenant_id, org_id, policy_id, item, gender, \
                     members, shares, contribution_fen) \
                     SELECT e.tenant_id, oc.ancestor_id, e.policy_id, e.item, \
                     COALESCE($2, m.gender), $3 * COUNT(*), $3 * SUM(e.shares), \
                     $3 * SUM(e.contribution_fen) FROM enrolments e \
                     JOIN members m ON m.tenant_id = e.tenant_id AND m.id = e.member_id \
                     JOIN org_closure oc ON oc.descendant_id = e.org_id WHERE {filter} \
                     GROUP BY e.tenant_id, oc.ancestor_id, e.policy_id, e.item, \
                     COALESCE($2, m.gender) \
                     ON CONFLICT (tenant_id, org_id, policy_id, item, gender) DO UPDATE \
                     SET members = stat_enrolments.members + excluded.members, \
                     shares = stat_enrolments.shares + excluded.shares, \
                     contribution_fen = stat_enrolments.contribution_fen + excluded.contribution_fen"
                ))
                .bind(key)
                .bind(gender)
                .bind(sign)
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            /// A member's gender changed: their enrolments and claims move between genders.
            async fn stat_regender<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                member: i64,
                old: &str,
                new: &str,
            ) -> $crate::Result<()> {
                Self::stat_apply_enrolments(tx, "e.member_id = $1", member, Some(old), -1).await?;
                Self::stat_apply_enrolments(tx, "e.member_id = $1", member, Some(new), 1).await?;
                let ids: Vec<i64> =
                    sqlx::query_scalar("SELECT id FROM claims WHERE member_id = $1")
                        .bind(member)
                        .fetch_all(&mut **tx)
                        .await?;
                let rows = Self::stat_claim_rows(tx, &ids).await?;
                let mut delta = $crate::stats::ClaimDelta::new();
                for r in rows {
                    let mut before = r.clone();
                    before.gender = old.to_string();
                    before.add_to(&mut delta, -1);
                    let mut after = r;
                    after.gender = new.to_string();
                    after.add_to(&mut delta, 1);
                }
                Self::stat_apply_claims(tx, &delta).await
            }

            /// Takes (sign −1) or gives back (sign 1) the figures of `org`'s subtree from or to
            /// its strict ancestors: around a move in the closure table.
            async fn stat_move_subtree<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                org: i64,
                sign: i64,
            ) -> $crate::Result<()> {
                let statements = [
                    "INSERT INTO stat_members (tenant_id, org_id, gender, status, members) \
                     SELECT s.tenant_id, oc.ancestor_id, s.gender, s.status, $2 * s.members \
                     FROM stat_members s JOIN org_closure oc ON oc.descendant_id = s.org_id \
                     WHERE s.org_id = $1 AND oc.depth > 0 \
                     ON CONFLICT (tenant_id, org_id, gender, status) DO UPDATE \
                     SET members = stat_members.members + excluded.members",
                    "INSERT INTO stat_enrolments (tenant_id, org_id, policy_id, item, gender, \
                     members, shares, contribution_fen) \
                     SELECT s.tenant_id, oc.ancestor_id, s.policy_id, s.item, s.gender, \
                     $2 * s.members, $2 * s.shares, $2 * s.contribution_fen \
                     FROM stat_enrolments s JOIN org_closure oc ON oc.descendant_id = s.org_id \
                     WHERE s.org_id = $1 AND oc.depth > 0 \
                     ON CONFLICT (tenant_id, org_id, policy_id, item, gender) DO UPDATE \
                     SET members = stat_enrolments.members + excluded.members, \
                     shares = stat_enrolments.shares + excluded.shares, \
                     contribution_fen = stat_enrolments.contribution_fen + excluded.contribution_fen",
                    "INSERT INTO stat_claims (tenant_id, org_id, policy_id, dimension, label, \
                     claims, payable_fen, approved_fen, paid_fen) \
                     SELECT s.tenant_id, oc.ancestor_id, s.policy_id, s.dimension, s.label, \
                     $2 * s.claims, $2 * s.payable_fen, $2 * s.approved_fen, $2 * s.paid_fen \
                     FROM stat_claims s JOIN org_closure oc ON oc.descendant_id = s.org_id \
                     WHERE s.org_id = $1 AND oc.depth > 0 \
                     ON CONFLICT (tenant_id, org_id, policy_id, dimension, label) DO UPDATE \
                     SET claims = stat_claims.claims + excluded.claims, \
                     payable_fen = stat_claims.payable_fen + excluded.payable_fen, \
                     approved_fen = stat_claims.approved_fen + excluded.approved_fen, \
                     paid_fen = stat_claims.paid_fen + excluded.paid_fen",
                ];
                for sql in statements {
                    sqlx::query(sql).bind(org).bind(sign).execute(&mut **tx).await?;
                }
                Ok(())
            }

            /// Rebuilds the three tables from the base tables inside `tx`.
            async fn stat_recount<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
            ) -> $crate::Result<$crate::stats::RecountSummary> {
                use $crate::stats::{ClaimStatRow, CLAIM_STAT_COLUMNS};
                use huzhu_domain::stats::ClaimFigures;
                use std::collections::{BTreeMap, HashMap};
                for t in ["stat_members", "stat_enrolments", "stat_claims"] {
                    sqlx::query(&format!("DELETE FROM {t}")).execute(&mut **tx).await?;
                }
                let member_rows = sqlx::query(
                    "INSERT INTO stat_members (tenant_id, org_id, gender, status, members) \
                     SELECT m.tenant_id, oc.ancestor_id, m.gender, m.status, COUNT(*) \
                     FROM members m JOIN org_closure oc ON oc.descendant_id = m.org_id \
                     GROUP BY m.tenant_id, oc.ancestor_id, m.gender, m.status",
                )
                .execute(&mut **tx)
                .await?
                .rows_affected();
                let enrolment_rows = sqlx::query(
                    "INSERT INTO stat_enrolments (tenant_id, org_id, policy_id, item, gender, \
                     members, shares, contribution_fen) \
                     SELECT e.tenant_id, oc.ancestor_id, e.policy_id, e.item, m.gender, \
                     COUNT(*), SUM(e.shares), SUM(e.contribution_fen) FROM enrolments e \
                     JOIN members m ON m.tenant_id = e.tenant_id AND m.id = e.member_id \
                     JOIN org_closure oc ON oc.descendant_id = e.org_id \
                     GROUP BY e.tenant_id, oc.ancestor_id, e.policy_id, e.item, m.gender",
                )
                .execute(&mut **tx)
                .await?
                .rows_affected();
                // Claims: facets per unit computed page by page, then fanned out to ancestors.
                let mut by_unit = $crate::stats::ClaimDelta::new();
                let mut after = 0i64;
                loop {
                    let page: Vec<ClaimStatRow> = sqlx::query_as(&format!(
                        "SELECT {CLAIM_STAT_COLUMNS} FROM claims c \
                         JOIN members m ON m.tenant_id = c.tenant_id AND m.id = c.member_id \
                         WHERE c.id > $1 \
                         ORDER BY c.id LIMIT $2"
                    ))
                    .bind(after)
                    .bind($crate::stats::sql::SCAN_PAGE)
                    .fetch_all(&mut **tx)
                    .await?;
                    let Some(last) = page.last() else { break };
                    after = last.id;
                    for r in &page {
                        r.add_to(&mut by_unit, 1);
                    }
                }
                let mut ancestors: HashMap<i64, Vec<i64>> = HashMap::new();
                let links: Vec<(i64, i64)> =
                    sqlx::query_as("SELECT descendant_id, ancestor_id FROM org_closure")
                        .fetch_all(&mut **tx)
                        .await?;
                for (d, a) in links {
                    ancestors.entry(d).or_default().push(a);
                }
                let mut rows: BTreeMap<(i64, i64, String, &'static str, String), ClaimFigures> =
                    BTreeMap::new();
                for ((tenant, unit, policy, dim, label), fig) in by_unit {
                    for a in ancestors.get(&unit).into_iter().flatten() {
                        rows.entry((tenant, *a, policy.clone(), dim, label.clone()))
                            .or_default()
                            .add(&fig, 1);
                    }
                }
                let rows: Vec<_> = rows.into_iter().filter(|(_, f)| !f.is_zero()).collect();
                for chunk in rows.chunks($crate::stats::sql::INSERT_CHUNK) {
                    let values = (0..chunk.len())
                        .map(|i| {
                            let b = 9 * i;
                            format!(
                                "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                                b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7, b + 8, b + 9
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(", ");
                    let sql = format!(
                        "INSERT INTO stat_claims (tenant_id, org_id, policy_id, dimension, label, \
                         claims, payable_fen, approved_fen, paid_fen) VALUES {values}"
                    );
                    let mut q = sqlx::query(&sql);
                    for ((tenant, org, policy, dim, label), f) in chunk {
                        q = q
                            .bind(*tenant)
                            .bind(*org)
                            .bind(policy.as_str())
                            .bind(*dim)
                            .bind(label.as_str())
                            .bind(f.claims)
                            .bind(f.payable_fen)
                            .bind(f.approved_fen)
                            .bind(f.paid_fen);
                    }
                    q.execute(&mut **tx).await?;
                }
                Ok($crate::stats::RecountSummary {
                    member_rows,
                    enrolment_rows,
                    claim_rows: rows.len() as u64,
                })
            }

            /// Every non-zero row of the three tables, inside `tx`.
            async fn stat_dump<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
            ) -> $crate::Result<$crate::stats::StatRows> {
                use $crate::stats::{EnrolFigures, StatRows};
                use huzhu_domain::stats::ClaimFigures;
                let mut out = StatRows::default();
                let rows: Vec<(i64, i64, String, String, i64)> = sqlx::query_as(
                    "SELECT tenant_id, org_id, gender, status, members FROM stat_members \
                     WHERE members <> 0",
                )
                .fetch_all(&mut **tx)
                .await?;
                for (t, o, g, s, n) in rows {
                    out.members.insert((t, o, g, s), n);
                }
                let rows: Vec<(i64, i64, String, String, String, i64, i64, i64)> =
                    sqlx::query_as(
                        "SELECT tenant_id, org_id, policy_id, item, gender, members, shares, \
                         contribution_fen FROM stat_enrolments \
                         WHERE members <> 0 OR shares <> 0 OR contribution_fen <> 0",
                    )
                    .fetch_all(&mut **tx)
                    .await?;
                for (t, o, p, i, g, members, shares, contribution_fen) in rows {
                    out.enrolments.insert(
                        (t, o, p, i, g),
                        EnrolFigures {
                            members,
                            shares,
                            contribution_fen,
                        },
                    );
                }
                let rows: Vec<(i64, i64, String, String, String, i64, i64, i64, i64)> =
                    sqlx::query_as(
                        "SELECT tenant_id, org_id, policy_id, dimension, label, claims, \
                         payable_fen, approved_fen, paid_fen FROM stat_claims \
                         WHERE claims <> 0 OR payable_fen <> 0 OR approved_fen <> 0 \
                         OR paid_fen <> 0",
                    )
                    .fetch_all(&mut **tx)
                    .await?;
                for (t, o, p, d, l, claims, payable_fen, approved_fen, paid_fen) in rows {
                    out.claims.insert(
                        (t, o, p, d, l),
                        ClaimFigures {
                            claims,
                            payable_fen,
                            approved_fen,
                            paid_fen,
                        },
                    );
                }
                Ok(out)
            }
        }
    };
}

pub(crate) use impl_stats_store;
