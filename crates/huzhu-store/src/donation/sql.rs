//! The SQL of [`super::DonationStore`], written once and expanded per backend.

/// Expands [`crate::donation::DonationStore`] for one backend (after `impl_grant_store!`, whose
/// `grant_post` it uses, and `impl_bank_store!` for `audit_in`).
macro_rules! impl_donation_store {
    ($store:ty) => {
        impl $store {
            async fn donation_in<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                id: i64,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<$crate::donation::Donation> {
                let row: Option<$crate::donation::DonationRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM {} WHERE d.id = $1 AND {}",
                    $crate::donation::DONATION_COLUMNS,
                    $crate::donation::DONATION_FROM,
                    $crate::donation::in_scope(2)
                ))
                .bind(id)
                .bind(scope.org())
                .fetch_optional(&mut **tx)
                .await?;
                let row = row
                    .ok_or_else(|| $crate::StoreError::NotFound(format!("donation {id}")))?;
                let receipts: Vec<$crate::donation::ReceiptRow> = sqlx::query_as(&format!(
                    "{} WHERE c.donation_id = $1 ORDER BY c.id",
                    $crate::donation::RECEIPT_SELECT
                ))
                .bind(id)
                .fetch_all(&mut **tx)
                .await?;
                let receipts = receipts
                    .into_iter()
                    .map(|r| r.into_receipt())
                    .collect::<$crate::Result<Vec<_>>>()?;
                row.into_donation(receipts)
            }

            /// The next receipt number of the federation and year, taken inside `tx`: the
            /// counter row stays locked until the transaction ends, and a rollback returns it.
            async fn receipt_next<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                tenant: i64,
                year: i32,
            ) -> $crate::Result<i64> {
                Ok(sqlx::query_scalar(
                    "INSERT INTO receipt_counters (tenant_id, year, last_seq) VALUES ($1, $2, 1) \
                     ON CONFLICT (tenant_id, year) DO UPDATE \
                     SET last_seq = receipt_counters.last_seq + 1 RETURNING last_seq",
                )
                .bind(tenant)
                .bind(year)
                .fetch_one(&mut **tx)
                .await?)
            }

            #[allow(clippy::too_many_arguments)]
            async fn receipt_insert<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                tenant: i64,
                donation: i64,
                year: i32,
                seq: i64,
                amount: i64,
                replaces: Option<i64>,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<String> {
                let number = huzhu_domain::donation::receipt_number(year, seq);
                sqlx::query(
                    "INSERT INTO receipts (tenant_id, donation_id, year, seq, number, amount_fen, \
                     state, replaces_id, issued_by, issued_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, 'issued', $7, $8, $9)",
                )
                .bind(tenant)
                .bind(donation)
                .bind(year)
                .bind(seq)
                .bind(&number)
                .bind(amount)
                .bind(replaces)
                .bind(by)
                .bind(at)
                .execute(&mut **tx)
                .await?;
                Ok(number)
            }

            /// The money of a received donation into the fund (and its restricted part), with
            /// its ledger entry, inside `tx`.
            #[allow(clippy::too_many_arguments)]
            async fn donation_credit<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                tenant: i64,
                org_id: i64,
                donation: i64,
                amount: huzhu_domain::money::Money,
                programme: Option<&str>,
                number: &str,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<()> {
                let fund = huzhu_domain::donation::FUND;
                let deposit: i64 = sqlx::query_scalar(
                    "INSERT INTO fund_deposits (tenant_id, org_id, fund, amount_fen, reference, \
                     created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(tenant)
                .bind(org_id)
                .bind(fund.code())
                .bind(amount.fen())
                .bind(format!("捐赠收据 {number}"))
                .bind(by)
                .bind(at)
                .fetch_one(&mut **tx)
                .await?;
                sqlx::query(
                    "INSERT INTO programme_funds (tenant_id, fund, balance_fen) VALUES ($1, $2, $3) \
                     ON CONFLICT (tenant_id, fund) DO UPDATE \
                     SET balance_fen = programme_funds.balance_fen + excluded.balance_fen",
                )
                .bind(tenant)
                .bind(fund.code())
                .bind(amount.fen())
                .execute(&mut **tx)
                .await?;
                if let Some(p) = programme {
                    sqlx::query(
                        "INSERT INTO fund_parts (tenant_id, fund, programme_id, balance_fen) \
                         VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, fund, programme_id) \
                         DO UPDATE SET balance_fen = fund_parts.balance_fen + excluded.balance_fen",
                    )
                    .bind(tenant)
                    .bind(fund.code())
                    .bind(p)
                    .bind(amount.fen())
                    .execute(&mut **tx)
                    .await?;
                }
                let entry = huzhu_domain::donation::received_entry(number, programme, amount)
                    .map_err(|e| $crate::StoreError::Conflict(e.to_string()))?;
                Self::grant_post(tx, tenant, &entry, None, Some(deposit), by, at).await?;
                sqlx::query("UPDATE donations SET deposit_id = $1 WHERE id = $2")
                    .bind(deposit)
                    .bind(donation)
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            }

            /// After a grant of `programme` took `amount` from `fund` (whose row `tx` holds
            /// locked): the money restricted to other programmes may not pay it, the part
            /// restricted to its own programme pays first (and hands it over in the ledger).
            /// Refused `fund_exhausted` when what may pay it is short.
            #[allow(clippy::too_many_arguments)]
            pub(crate) async fn fund_take_restricted<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                tenant: i64,
                fund: huzhu_domain::grant::FundKind,
                programme: &str,
                grant: i64,
                amount: huzhu_domain::money::Money,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<()> {
                let parts: Vec<(String, i64)> = sqlx::query_as(
                    "SELECT programme_id, balance_fen FROM fund_parts \
                     WHERE tenant_id = $1 AND fund = $2 AND balance_fen > 0",
                )
                .bind(tenant)
                .bind(fund.code())
                .fetch_all(&mut **tx)
                .await?;
                if parts.is_empty() || amount.fen() == 0 {
                    return Ok(());
                }
                let left: i64 = sqlx::query_scalar(
                    "SELECT balance_fen FROM programme_funds WHERE tenant_id = $1 AND fund = $2",
                )
                .bind(tenant)
                .bind(fund.code())
                .fetch_one(&mut **tx)
                .await?;
                let here: i64 = parts
                    .iter()
                    .filter(|(p, _)| p == programme)
                    .map(|(_, b)| *b)
                    .sum();
                let elsewhere: i64 = parts
                    .iter()
                    .filter(|(p, _)| p != programme)
                    .map(|(_, b)| *b)
                    .sum();
                let (from_part, _) = huzhu_domain::donation::split_grant(
                    amount.fen(),
                    left + amount.fen(),
                    here,
                    elsewhere,
                )
                .ok_or_else(|| {
                    $crate::StoreError::Conflict($crate::grant::fund_exhausted_reason(fund, amount))
                })?;
                if from_part > 0 {
                    sqlx::query(
                        "UPDATE fund_parts SET balance_fen = balance_fen - $1 \
                         WHERE tenant_id = $2 AND fund = $3 AND programme_id = $4",
                    )
                    .bind(from_part)
                    .bind(tenant)
                    .bind(fund.code())
                    .bind(programme)
                    .execute(&mut **tx)
                    .await?;
                    let entry = huzhu_domain::donation::restriction_released(
                        fund,
                        programme,
                        grant,
                        huzhu_domain::money::Money::from_fen(from_part),
                    )
                    .map_err(|e| $crate::StoreError::Conflict(e.to_string()))?;
                    Self::grant_post(tx, tenant, &entry, Some(grant), None, by, at).await?;
                }
                Ok(())
            }
        }

        impl $crate::donation::DonationStore for $store {
            async fn record_donation(
                &self,
                d: &$crate::donation::NewDonation<'_>,
            ) -> $crate::Result<$crate::donation::Donation> {
                use $crate::donation::DonorRef;
                let mut tx = self.write_tx().await?;
                let (org_id, tenant) = Self::money_org(&mut tx, d.org).await?;
                let donor_id: i64 = match &d.donor {
                    DonorRef::Existing(id) => sqlx::query_scalar(
                        "SELECT id FROM donors WHERE id = $1 AND tenant_id = $2",
                    )
                    .bind(id)
                    .bind(tenant)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| $crate::StoreError::NotFound(format!("donor {id}")))?,
                    DonorRef::New(n) => {
                        let known: Option<i64> = match n.member_id {
                            Some(m) => {
                                sqlx::query_scalar(
                                    "SELECT id FROM donors WHERE tenant_id = $1 AND member_id = $2",
                                )
                                .bind(tenant)
                                .bind(m)
                                .fetch_optional(&mut *tx)
                                .await?
                            }
                            None => None,
                        };
                        match known {
                            Some(id) => id,
                            None => {
                                sqlx::query_scalar(
                                    "INSERT INTO donors (tenant_id, kind, name, member_id, phone, \
                                     bank_account, consent, created_by, created_at) \
                                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                                )
                                .bind(tenant)
                                .bind(n.kind.code())
                                .bind(n.name)
                                .bind(n.member_id)
                                .bind(n.phone)
                                .bind(n.bank_account)
                                .bind(n.consent)
                                .bind(d.by)
                                .bind(d.at)
                                .fetch_one(&mut *tx)
                                .await?
                            }
                        }
                    }
                };
                // The number first: a donation that then fails gives it back with the rollback.
                let year = $crate::donation::year_of(d.on);
                let seq = if d.received {
                    Some(Self::receipt_next(&mut tx, tenant, year).await?)
                } else {
                    None
                };
                let state = if d.received { "received" } else { "expected" };
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO donations (tenant_id, org_id, donor_id, channel, amount_fen, \
                     donated_on, programme_id, state, reference, note, recorded_by, recorded_at, \
                     received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
                     RETURNING id",
                )
                .bind(tenant)
                .bind(org_id)
                .bind(donor_id)
                .bind(d.channel.code())
                .bind(d.amount.fen())
                .bind(d.on)
                .bind(d.programme)
                .bind(state)
                .bind(d.reference)
                .bind(d.note)
                .bind(d.by)
                .bind(d.at)
                .bind(d.received.then_some(d.at))
                .fetch_one(&mut *tx)
                .await?;
                let mut detail = format!(
                    "{} {} {}",
                    d.channel.words().0,
                    d.amount,
                    d.programme.map(|p| format!("定向 {p}")).unwrap_or_default()
                );
                if let Some(seq) = seq {
                    let number = Self::receipt_insert(
                        &mut tx,
                        tenant,
                        id,
                        year,
                        seq,
                        d.amount.fen(),
                        None,
                        d.by,
                        d.at,
                    )
                    .await?;
                    Self::donation_credit(
                        &mut tx,
                        tenant,
                        org_id,
                        id,
                        d.amount,
                        d.programme,
                        &number,
                        d.by,
                        d.at,
                    )
                    .await?;
                    detail.push_str(&format!(" 收据 {number}"));
                }
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at: d.at,
                        actor: d.by,
                        action: "donation.record",
                        subject: &format!("donation {id}"),
                        detail: detail.trim(),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                let out = Self::donation_in(&mut tx, id, &$crate::OrgScope::Everything).await?;
                tx.commit().await?;
                Ok(out)
            }

            async fn receive_donation(
                &self,
                id: i64,
                scope: &$crate::OrgScope,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::donation::Donation> {
                let mut tx = self.write_tx().await?;
                let d = Self::donation_in(&mut tx, id, scope).await?;
                huzhu_domain::donation::receive(d.state)
                    .map_err(|e| $crate::StoreError::Conflict(e.to_string()))?;
                let (org_id, tenant) = Self::money_org(&mut tx, &d.org).await?;
                let year = $crate::donation::year_of(d.on);
                let seq = Self::receipt_next(&mut tx, tenant, year).await?;
                let moved = sqlx::query(
                    "UPDATE donations SET state = 'received', received_at = $1 \
                     WHERE id = $2 AND state = 'expected'",
                )
                .bind(at)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                if moved.rows_affected() != 1 {
                    return Err($crate::StoreError::Conflict(format!(
                        "捐赠 {id} 已被他人确认到账 (donation {id} was received meanwhile)"
                    )));
                }
                let number = Self::receipt_insert(
                    &mut tx,
                    tenant,
                    id,
                    year,
                    seq,
                    d.amount.fen(),
                    None,
                    by,
                    at,
                )
                .await?;
                Self::donation_credit(
                    &mut tx,
                    tenant,
                    org_id,
                    id,
                    d.amount,
                    d.programme.as_deref(),
                    &number,
                    by,
                    at,
                )
                .await?;
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor: by,
                        action: "donation.receive",
                        subject: &format!("donation {id}"),
                        detail: &format!("待到账 → 已到账 收据 {number}"),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                let out = Self::donation_in(&mut tx, id, &$crate::OrgScope::Everything).await?;
                tx.commit().await?;
                Ok(out)
            }

            async fn void_receipt(
                &self,
                receipt: i64,
                reason: &str,
                scope: &$crate::OrgScope,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::donation::Donation> {
                let mut tx = self.write_tx().await?;
                let found: Option<(i64, String, String)> = sqlx::query_as(
                    "SELECT donation_id, state, number FROM receipts WHERE id = $1",
                )
                .bind(receipt)
                .fetch_optional(&mut *tx)
                .await?;
                let (donation_id, state, number) = found
                    .ok_or_else(|| $crate::StoreError::NotFound(format!("receipt {receipt}")))?;
                // Outside scope is the same as missing.
                let d = Self::donation_in(&mut tx, donation_id, scope)
                    .await
                    .map_err(|_| $crate::StoreError::NotFound(format!("receipt {receipt}")))?;
                let state = huzhu_domain::donation::ReceiptState::parse(&state).ok_or_else(
                    || $crate::StoreError::Corrupt(format!("receipt {receipt} state")),
                )?;
                huzhu_domain::donation::void(state, reason)
                    .map_err(|e| $crate::StoreError::Conflict(e.to_string()))?;
                let voided = sqlx::query(
                    "UPDATE receipts SET state = 'voided', void_reason = $1, voided_by = $2, \
                     voided_at = $3 WHERE id = $4 AND state = 'issued'",
                )
                .bind(reason)
                .bind(by)
                .bind(at)
                .bind(receipt)
                .execute(&mut *tx)
                .await?;
                if voided.rows_affected() != 1 {
                    return Err($crate::StoreError::Conflict(format!(
                        "收据 {number} 已被他人作废 (receipt {number} was voided meanwhile)"
                    )));
                }
                let (org_id, tenant) = Self::money_org(&mut tx, &d.org).await?;
                // [choice] The reissue takes the next number of the year it is made in.
                let year = $crate::donation::year_of($crate::support::beijing_day(at));
                let seq = Self::receipt_next(&mut tx, tenant, year).await?;
                let new_number = Self::receipt_insert(
                    &mut tx,
                    tenant,
                    donation_id,
                    year,
                    seq,
                    d.amount.fen(),
                    Some(receipt),
                    by,
                    at,
                )
                .await?;
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor: by,
                        action: "receipt.void",
                        subject: &format!("donation {donation_id}"),
                        detail: &format!(
                            "收据 {number} 作废，重开 {new_number} (receipt {number} voided, \
                             reissued as {new_number})：{reason}"
                        ),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                let out =
                    Self::donation_in(&mut tx, donation_id, &$crate::OrgScope::Everything).await?;
                tx.commit().await?;
                Ok(out)
            }

            async fn donation(
                &self,
                id: i64,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<$crate::donation::Donation> {
                let mut tx = self.reader.begin().await?;
                let out = Self::donation_in(&mut tx, id, scope).await?;
                tx.commit().await?;
                Ok(out)
            }

            async fn donation_by_receipt(
                &self,
                number: &str,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<$crate::donation::Donation> {
                let mut tx = self.reader.begin().await?;
                let id: Option<i64> =
                    sqlx::query_scalar("SELECT donation_id FROM receipts WHERE number = $1")
                        .bind(number)
                        .fetch_optional(&mut *tx)
                        .await?;
                let id =
                    id.ok_or_else(|| $crate::StoreError::NotFound(format!("receipt {number}")))?;
                let out = Self::donation_in(&mut tx, id, scope).await?;
                tx.commit().await?;
                Ok(out)
            }

            async fn donations(
                &self,
                filter: &$crate::donation::DonationFilter,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<Vec<$crate::donation::Donation>> {
                let mut tx = self.reader.begin().await?;
                let rows: Vec<$crate::donation::DonationRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM {} WHERE {} AND ($2 IS NULL OR d.donor_id = $2) \
                     AND ($3 IS NULL OR d.state = $3) ORDER BY d.id DESC LIMIT $4",
                    $crate::donation::DONATION_COLUMNS,
                    $crate::donation::DONATION_FROM,
                    $crate::donation::in_scope(1)
                ))
                .bind(scope.org())
                .bind(filter.donor)
                .bind(filter.state.map(|s| s.code()))
                .bind(i64::from(filter.limit.clamp(1, 1000)))
                .fetch_all(&mut *tx)
                .await?;
                let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
                let mut receipts: std::collections::BTreeMap<i64, Vec<$crate::donation::Receipt>> =
                    std::collections::BTreeMap::new();
                if let (Some(lo), Some(hi)) = (ids.iter().min(), ids.iter().max()) {
                    let rs: Vec<$crate::donation::ReceiptRow> = sqlx::query_as(&format!(
                        "{} JOIN donations d ON d.tenant_id = c.tenant_id AND d.id = c.donation_id \
                         WHERE c.donation_id BETWEEN $2 AND $3 AND {} ORDER BY c.id",
                        $crate::donation::RECEIPT_SELECT,
                        $crate::donation::in_scope(1)
                    ))
                    .bind(scope.org())
                    .bind(lo)
                    .bind(hi)
                    .fetch_all(&mut *tx)
                    .await?;
                    for r in rs {
                        let r = r.into_receipt()?;
                        receipts.entry(r.donation_id).or_default().push(r);
                    }
                }
                tx.commit().await?;
                rows.into_iter()
                    .map(|r| {
                        let rs = receipts.remove(&r.id).unwrap_or_default();
                        r.into_donation(rs)
                    })
                    .collect()
            }

            async fn donors(
                &self,
                query: &str,
                limit: u32,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<Vec<$crate::donation::DonorSummary>> {
                #[derive(sqlx::FromRow)]
                struct Row {
                    #[sqlx(flatten)]
                    donor: $crate::donation::DonorRow,
                    gifts: i64,
                    total: i64,
                    last_on: Option<chrono::NaiveDate>,
                }
                let like = format!("%{}%", query.trim());
                let rows: Vec<Row> = sqlx::query_as(&format!(
                    "SELECT {}, CAST(COUNT(d.id) AS BIGINT) AS gifts, \
                     CAST(COALESCE(SUM(CASE WHEN d.state = 'received' THEN d.amount_fen ELSE 0 END), 0) AS BIGINT) AS total, \
                     MAX(d.donated_on) AS last_on \
                     FROM donors r JOIN donations d \
                     ON d.tenant_id = r.tenant_id AND d.donor_id = r.id \
                     WHERE {} AND ($2 = '%%' OR r.name LIKE $2 OR r.phone LIKE $2 \
                     OR r.bank_account LIKE $2 OR CAST(r.id AS TEXT) = $4) \
                     GROUP BY {} ORDER BY MAX(d.id) DESC LIMIT $3",
                    $crate::donation::DONOR_COLUMNS,
                    $crate::donation::in_scope(1),
                    $crate::donation::DONOR_COLUMNS
                ))
                .bind(scope.org())
                .bind(like)
                .bind(i64::from(limit.clamp(1, 500)))
                // A donor's number, as the window reads it out.
                .bind(query.trim())
                .fetch_all(&self.reader)
                .await?;
                rows.into_iter()
                    .map(|r| {
                        Ok($crate::donation::DonorSummary {
                            donor: r.donor.into_donor()?,
                            gifts: r.gifts,
                            total: huzhu_domain::money::Money::from_fen(r.total),
                            last_on: r.last_on,
                        })
                    })
                    .collect()
            }

            async fn donor(
                &self,
                id: i64,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<$crate::donation::Donor> {
                let row: Option<$crate::donation::DonorRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM donors r WHERE r.id = $2 AND EXISTS (SELECT 1 FROM donations d \
                     WHERE d.donor_id = r.id AND {})",
                    $crate::donation::DONOR_COLUMNS,
                    $crate::donation::in_scope(1)
                ))
                .bind(scope.org())
                .bind(id)
                .fetch_optional(&self.reader)
                .await?;
                row.ok_or_else(|| $crate::StoreError::NotFound(format!("donor {id}")))?
                    .into_donor()
            }

            async fn donor_of_member(
                &self,
                member: i64,
            ) -> $crate::Result<Option<$crate::donation::Donor>> {
                let row: Option<$crate::donation::DonorRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM donors r JOIN members m ON m.id = r.member_id \
                     AND m.tenant_id = r.tenant_id WHERE r.member_id = $1",
                    $crate::donation::DONOR_COLUMNS
                ))
                .bind(member)
                .fetch_optional(&self.reader)
                .await?;
                row.map(|r| r.into_donor()).transpose()
            }

            async fn donor_gifts(
                &self,
                donor: i64,
            ) -> $crate::Result<Vec<(chrono::NaiveDate, huzhu_domain::money::Money)>> {
                let rows: Vec<(chrono::NaiveDate, i64)> = sqlx::query_as(
                    "SELECT donated_on, amount_fen FROM donations \
                     WHERE donor_id = $1 AND state = 'received' ORDER BY donated_on, id",
                )
                .bind(donor)
                .fetch_all(&self.reader)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(on, fen)| (on, huzhu_domain::money::Money::from_fen(fen)))
                    .collect())
            }

            async fn thanks(
                &self,
                org: Option<&huzhu_domain::org::OrgCode>,
            ) -> $crate::Result<Vec<$crate::donation::ThanksRow>> {
                let rows: Vec<(String, String, chrono::NaiveDate, i64)> = sqlx::query_as(
                    "SELECT r.kind, r.name, MIN(d.donated_on), CAST(COUNT(d.id) AS BIGINT) \
                     FROM donors r \
                     JOIN donations d \
                     ON d.tenant_id = r.tenant_id AND d.donor_id = r.id AND d.state = 'received' \
                     WHERE ($1 IS NULL OR r.tenant_id = (SELECT COALESCE(o.tenant_id, o.id) \
                     FROM orgs o WHERE o.code = $1)) AND r.consent AND r.kind <> 'anonymous' \
                     GROUP BY r.id, r.kind, r.name ORDER BY MIN(d.donated_on), r.id",
                )
                .bind(org.map(|o| o.as_str()))
                .fetch_all(&self.reader)
                .await?;
                rows.into_iter()
                    .map(|(kind, name, first_on, gifts)| {
                        Ok($crate::donation::ThanksRow {
                            kind: huzhu_domain::donation::DonorKind::parse(&kind).ok_or_else(
                                || $crate::StoreError::Corrupt(format!("donor kind {kind}")),
                            )?,
                            name,
                            first_on,
                            gifts,
                        })
                    })
                    .collect()
            }

            async fn receipt_seqs(
                &self,
                org: &huzhu_domain::org::OrgCode,
                year: i32,
            ) -> $crate::Result<Vec<i64>> {
                Ok(sqlx::query_scalar(
                    "SELECT c.seq FROM orgs o JOIN receipts c \
                     ON c.tenant_id = COALESCE(o.tenant_id, o.id) \
                     WHERE o.code = $1 AND c.year = $2 ORDER BY c.seq",
                )
                .bind(org.as_str())
                .bind(year)
                .fetch_all(&self.reader)
                .await?)
            }

            async fn fund_parts(
                &self,
                org: &huzhu_domain::org::OrgCode,
            ) -> $crate::Result<Vec<$crate::donation::FundPart>> {
                let rows: Vec<(String, String, i64)> = sqlx::query_as(
                    "SELECT f.fund, f.programme_id, f.balance_fen FROM orgs o JOIN fund_parts f \
                     ON f.tenant_id = COALESCE(o.tenant_id, o.id) WHERE o.code = $1 \
                     ORDER BY f.fund, f.programme_id",
                )
                .bind(org.as_str())
                .fetch_all(&self.reader)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(fund, programme, b)| $crate::donation::FundPart {
                        fund,
                        programme,
                        balance: huzhu_domain::money::Money::from_fen(b),
                    })
                    .collect())
            }
        }
    };
}

pub(crate) use impl_donation_store;
