//! [`super::StatementStore`] written once, expanded for each backend.

/// Expands [`super::StatementStore`] for one backend (after `impl_donation_store!`, whose
/// receipt and credit helpers it uses, `impl_bank_store!` for `audit_in` and the money store for
/// `money_org`).
macro_rules! impl_statement_store {
    ($store:ty) => {
        impl $store {
            async fn statement_line_in<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                id: i64,
            ) -> $crate::Result<$crate::statement::StatementLine> {
                Ok(sqlx::query_as(&format!(
                    "{} WHERE l.id = $1",
                    $crate::statement::LINE_SELECT
                ))
                .bind(id)
                .fetch_one(&mut **tx)
                .await?)
            }

            /// Receives an expected donation inside `tx` (as the window's `receive_donation`
            /// does): the next receipt number, the state, the receipt, the fund's credit. Its
            /// receipt number.
            async fn statement_receive<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                donation: i64,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<String> {
                let d =
                    Self::donation_in(tx, donation, &$crate::OrgScope::Everything).await?;
                huzhu_domain::donation::receive(d.state)
                    .map_err(|e| $crate::StoreError::Conflict(e.to_string()))?;
                let (org_id, tenant) = Self::money_org(tx, &d.org).await?;
                let year = $crate::donation::year_of(d.on);
                let seq = Self::receipt_next(tx, tenant, year).await?;
                let moved = sqlx::query(
                    "UPDATE donations SET state = 'received', received_at = $1 \
                     WHERE id = $2 AND state = 'expected'",
                )
                .bind(at)
                .bind(donation)
                .execute(&mut **tx)
                .await?;
                if moved.rows_affected() != 1 {
                    return Err($crate::StoreError::Conflict(format!(
                        "捐赠 {donation} 已被他人确认到账 (donation {donation} was received meanwhile)"
                    )));
                }
                let number = Self::receipt_insert(
                    tx,
                    tenant,
                    donation,
                    year,
                    seq,
                    d.amount.fen(),
                    None,
                    by,
                    at,
                )
                .await?;
                Self::donation_credit(
                    tx,
                    tenant,
                    org_id,
                    donation,
                    d.amount,
                    d.programme.as_deref(),
                    &number,
                    by,
                    at,
                )
                .await?;
                Ok(number)
            }

            /// A line to settle of the scope: its tenant, org id, state.
            async fn statement_open_line<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                id: i64,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<(i64, i64)> {
                let row: Option<(i64, i64, String)> = sqlx::query_as(&format!(
                    "SELECT l.tenant_id, l.org_id, l.state FROM statement_lines l \
                     WHERE l.id = $1 AND {}",
                    $crate::archive::in_scope("l.org_id", 2)
                ))
                .bind(id)
                .bind(scope.org())
                .fetch_optional(&mut **tx)
                .await?;
                let (tenant, org_id, state) = row.ok_or_else(|| {
                    $crate::StoreError::NotFound(format!("对账单行 {id} (statement line {id})"))
                })?;
                let state = huzhu_domain::statement::LineState::parse(&state)
                    .ok_or_else(|| $crate::StoreError::Corrupt(format!("line state {state}")))?;
                huzhu_domain::statement::check_settle(state)
                    .map_err(|e| $crate::StoreError::Conflict(e.to_string()))?;
                Ok((tenant, org_id))
            }
        }

        impl $crate::statement::StatementStore for $store {
            async fn import_statement(
                &self,
                scope: &$crate::OrgScope,
                new: &$crate::statement::NewStatement<'_>,
            ) -> $crate::Result<$crate::statement::Imported> {
                use huzhu_domain::statement::{self as rules, Expected};
                let mut tx = self.write_tx().await?;
                let (org_id, tenant) = Self::money_org(&mut tx, new.org).await?;
                let before: Option<(String, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
                    "SELECT file_name, imported_at FROM bank_statements \
                     WHERE tenant_id = $1 AND file_sha256 = $2",
                )
                .bind(tenant)
                .bind(new.file_sha256)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some((name, when)) = before {
                    return Err($crate::StoreError::Conflict(format!(
                        "该对账单已于{}导入（{name}），不再重复入账 (this statement was imported at {when} as {name}: nothing is counted twice)",
                        when.format("%Y-%m-%d %H:%M")
                    )));
                }
                let statement: i64 = sqlx::query_scalar(
                    "INSERT INTO bank_statements (tenant_id, org_id, file_name, file_sha256, \
                     imported_by, imported_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(tenant)
                .bind(org_id)
                .bind(new.file_name)
                .bind(new.file_sha256)
                .bind(new.by)
                .bind(new.at)
                .fetch_one(&mut *tx)
                .await?;
                // Lines imported before (from another file) are skipped.
                let prints = rules::fingerprints(new.lines);
                let mut fresh = Vec::new();
                let mut fresh_prints = Vec::new();
                let mut duplicates = 0i64;
                for (line, print) in new.lines.iter().zip(&prints) {
                    let seen: Option<i64> = sqlx::query_scalar(
                        "SELECT id FROM statement_lines WHERE tenant_id = $1 AND fingerprint = $2",
                    )
                    .bind(tenant)
                    .bind(print)
                    .fetch_optional(&mut *tx)
                    .await?;
                    if seen.is_some() {
                        duplicates += 1;
                    } else {
                        fresh.push(line.clone());
                        fresh_prints.push(print.clone());
                    }
                }
                let expected: Vec<(i64, i64, Option<String>, String, Option<String>)> =
                    sqlx::query_as(&format!(
                        "SELECT d.id, d.amount_fen, d.reference, r.name, r.bank_account \
                         FROM donations d JOIN donors r \
                         ON r.tenant_id = d.tenant_id AND r.id = d.donor_id \
                         WHERE d.state = 'expected' AND d.channel = 'bank_transfer' \
                         AND d.tenant_id = $2 AND {} ORDER BY d.id",
                        $crate::donation::in_scope(1)
                    ))
                    .bind(scope.org())
                    .bind(tenant)
                    .fetch_all(&mut *tx)
                    .await?;
                let expected: Vec<Expected> = expected
                    .into_iter()
                    .map(|(donation, amount_fen, reference, donor_name, donor_account)| Expected {
                        donation,
                        amount_fen,
                        reference,
                        donor_name,
                        donor_account,
                    })
                    .collect();
                let matches = rules::match_lines(&fresh, &expected);
                let (mut matched, mut unmatched) = (0i64, 0i64);
                for ((line, print), m) in fresh.iter().zip(&fresh_prints).zip(&matches) {
                    let (state, how, donation) = match m {
                        Some((i, how)) => {
                            let donation = expected[*i].donation;
                            let number =
                                Self::statement_receive(&mut tx, donation, new.by, new.at).await?;
                            Self::audit_in(
                                &mut tx,
                                &$crate::bank::TxAudit {
                                    at: new.at,
                                    actor: new.by,
                                    action: "donation.receive",
                                    subject: &format!("donation {donation}"),
                                    detail: &format!(
                                        "待到账 → 已到账 收据 {number}；对账单 {statement} 第{}行 ({}) (bank statement line, {})",
                                        line.row,
                                        how.label_zh(),
                                        how.label_en()
                                    ),
                                    org_id: Some(org_id),
                                },
                            )
                            .await?;
                            matched += 1;
                            ("matched", Some(how.code()), Some(donation))
                        }
                        None => {
                            unmatched += 1;
                            ("unmatched", None, None)
                        }
                    };
                    sqlx::query(
                        "INSERT INTO statement_lines (tenant_id, statement_id, org_id, row_no, \
                         booked_on, amount_fen, name, account, memo, fingerprint, state, \
                         matched_by, donation_id) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                    )
                    .bind(tenant)
                    .bind(statement)
                    .bind(org_id)
                    .bind(i64::try_from(line.row).unwrap_or(i64::MAX))
                    .bind(line.on)
                    .bind(line.amount_fen)
                    .bind(&line.name)
                    .bind(&line.account)
                    .bind(&line.memo)
                    .bind(print)
                    .bind(state)
                    .bind(how)
                    .bind(donation)
                    .execute(&mut *tx)
                    .await?;
                }
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at: new.at,
                        actor: new.by,
                        action: "statement.import",
                        subject: &format!("bank statement {statement}"),
                        detail: &format!(
                            "银行对账单导入 (bank statement) {}: {} lines, {matched} matched, \
                             {unmatched} to settle, {duplicates} imported before",
                            new.file_name,
                            new.lines.len()
                        ),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                let statement: $crate::statement::Statement = sqlx::query_as(&format!(
                    "{} WHERE s.id = $1",
                    $crate::statement::STATEMENT_SELECT
                ))
                .bind(statement)
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok($crate::statement::Imported {
                    statement,
                    matched,
                    unmatched,
                    duplicates,
                })
            }

            async fn statements(
                &self,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<Vec<$crate::statement::Statement>> {
                Ok(sqlx::query_as(&format!(
                    "{} WHERE {} ORDER BY s.id DESC",
                    $crate::statement::STATEMENT_SELECT,
                    $crate::archive::in_scope("s.org_id", 1)
                ))
                .bind(scope.org())
                .fetch_all(&self.reader)
                .await?)
            }

            async fn statement_lines(
                &self,
                scope: &$crate::OrgScope,
                statement: Option<i64>,
            ) -> $crate::Result<Vec<$crate::statement::StatementLine>> {
                Ok(sqlx::query_as(&format!(
                    "{} WHERE {} AND (($2 IS NULL AND l.state = 'unmatched') \
                     OR l.statement_id = $2) ORDER BY l.statement_id, l.row_no, l.id",
                    $crate::statement::LINE_SELECT,
                    $crate::archive::in_scope("l.org_id", 1)
                ))
                .bind(scope.org())
                .bind(statement)
                .fetch_all(&self.reader)
                .await?)
            }

            async fn settle_line(
                &self,
                scope: &$crate::OrgScope,
                line: i64,
                donor: i64,
                programme: Option<&str>,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::statement::StatementLine> {
                let mut tx = self.write_tx().await?;
                let (tenant, org_id) = Self::statement_open_line(&mut tx, line, scope).await?;
                let donor_name: Option<String> = sqlx::query_scalar(
                    "SELECT name FROM donors WHERE id = $1 AND tenant_id = $2",
                )
                .bind(donor)
                .bind(tenant)
                .fetch_optional(&mut *tx)
                .await?;
                let donor_name = donor_name.ok_or_else(|| {
                    $crate::StoreError::NotFound(format!("捐赠人 {donor} (donor {donor})"))
                })?;
                let (on, amount, memo): (chrono::NaiveDate, i64, String) = sqlx::query_as(
                    "SELECT booked_on, amount_fen, memo FROM statement_lines WHERE id = $1",
                )
                .bind(line)
                .fetch_one(&mut *tx)
                .await?;
                let year = $crate::donation::year_of(on);
                let seq = Self::receipt_next(&mut tx, tenant, year).await?;
                let donation: i64 = sqlx::query_scalar(
                    "INSERT INTO donations (tenant_id, org_id, donor_id, channel, amount_fen, \
                     donated_on, programme_id, state, reference, note, recorded_by, recorded_at, \
                     received_at) VALUES ($1, $2, $3, 'bank_transfer', $4, $5, $6, 'received', \
                     $7, $8, $9, $10, $10) RETURNING id",
                )
                .bind(tenant)
                .bind(org_id)
                .bind(donor)
                .bind(amount)
                .bind(on)
                .bind(programme)
                .bind(memo.trim().chars().take(100).collect::<String>())
                .bind(format!("银行对账单行 {line} (statement line {line})"))
                .bind(by)
                .bind(at)
                .fetch_one(&mut *tx)
                .await?;
                let number = Self::receipt_insert(
                    &mut tx, tenant, donation, year, seq, amount, None, by, at,
                )
                .await?;
                let money = huzhu_domain::money::Money::from_fen(amount);
                Self::donation_credit(
                    &mut tx, tenant, org_id, donation, money, programme, &number, by, at,
                )
                .await?;
                let changed = sqlx::query(
                    "UPDATE statement_lines SET state = 'settled', donation_id = $1, \
                     settled_by = $2, settled_at = $3 WHERE id = $4 AND state = 'unmatched'",
                )
                .bind(donation)
                .bind(by)
                .bind(at)
                .bind(line)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if changed != 1 {
                    return Err($crate::StoreError::Conflict(
                        "对账单行已被他人处理，请刷新 (the line was settled meanwhile: reload it)"
                            .into(),
                    ));
                }
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor: by,
                        action: "statement.settle",
                        subject: &format!("statement line {line}"),
                        detail: &format!(
                            "对账单行手工匹配 (settled by hand) to donor {donor} ({donor_name}): \
                             donation {donation}, {money}, 收据 {number}"
                        ),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                let out = Self::statement_line_in(&mut tx, line).await?;
                tx.commit().await?;
                Ok(out)
            }

            async fn dismiss_line(
                &self,
                scope: &$crate::OrgScope,
                line: i64,
                reason: &str,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::statement::StatementLine> {
                let mut tx = self.write_tx().await?;
                let (_, org_id) = Self::statement_open_line(&mut tx, line, scope).await?;
                let changed = sqlx::query(
                    "UPDATE statement_lines SET state = 'dismissed', reason = $1, \
                     settled_by = $2, settled_at = $3 WHERE id = $4 AND state = 'unmatched'",
                )
                .bind(reason)
                .bind(by)
                .bind(at)
                .bind(line)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if changed != 1 {
                    return Err($crate::StoreError::Conflict(
                        "对账单行已被他人处理，请刷新 (the line was settled meanwhile: reload it)"
                            .into(),
                    ));
                }
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor: by,
                        action: "statement.dismiss",
                        subject: &format!("statement line {line}"),
                        detail: &format!("非捐赠 (not a donation): {reason}"),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                let out = Self::statement_line_in(&mut tx, line).await?;
                tx.commit().await?;
                Ok(out)
            }
        }
    };
}

pub(crate) use impl_statement_store;
