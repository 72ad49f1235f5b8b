//! [`super::RecuperationStore`] written once, expanded for each backend.

/// Expands [`super::RecuperationStore`] for one backend (after `impl_bank_store!`, whose
/// `audit_in` it uses, and the money store, whose `money_org` it uses).
macro_rules! impl_recuperation_store {
    ($store:ty) => {
        impl $store {
            async fn recuperation_base_in<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                id: i64,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<$crate::recuperation::Base> {
                use $crate::recuperation::{in_chain, BaseRow, BASE_SELECT};
                let row: Option<BaseRow> = sqlx::query_as(&format!(
                    "{BASE_SELECT} WHERE b.id = $1 AND {}",
                    in_chain("b.org_id", 2)
                ))
                .bind(id)
                .bind(scope.org())
                .fetch_optional(&mut **tx)
                .await?;
                row.ok_or_else(|| $crate::StoreError::NotFound(format!("疗休养基地 {id} (recuperation base {id})")))?
                    .into_base()
            }

            async fn recuperation_batch_in<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                id: i64,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<$crate::recuperation::Batch> {
                use $crate::recuperation::{in_chain, Batch, Quota, BATCH_SELECT};
                let batch: Option<Batch> = sqlx::query_as(&format!(
                    "{BATCH_SELECT} WHERE t.id = $1 AND {}",
                    in_chain("t.org_id", 2)
                ))
                .bind(id)
                .bind(scope.org())
                .fetch_optional(&mut **tx)
                .await?;
                let mut batch = batch.ok_or_else(|| {
                    $crate::StoreError::NotFound(format!("疗休养批次 {id} (recuperation batch {id})"))
                })?;
                let quotas: Vec<Quota> = sqlx::query_as(
                    "SELECT o.code AS org, o.name AS org_name, q.quota, q.taken \
                     FROM recuperation_quotas q JOIN orgs o ON o.id = q.org_id \
                     WHERE q.batch_id = $1 ORDER BY o.code",
                )
                .bind(id)
                .fetch_all(&mut **tx)
                .await?;
                batch.quotas = quotas;
                Ok(batch)
            }

            async fn recuperation_sign_up_in<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                id: i64,
            ) -> $crate::Result<$crate::recuperation::SignUp> {
                use $crate::recuperation::{SignUpRow, SIGNUP_SELECT};
                let row: SignUpRow = sqlx::query_as(&format!("{SIGNUP_SELECT} WHERE s.id = $1"))
                    .bind(id)
                    .fetch_one(&mut **tx)
                    .await?;
                row.into_sign_up()
            }
        }

        impl $crate::recuperation::RecuperationStore for $store {
            async fn admit_base(
                &self,
                new: &$crate::recuperation::NewBase<'_>,
            ) -> $crate::Result<$crate::recuperation::Base> {
                let mut tx = self.write_tx().await?;
                let (org_id, tenant) = Self::money_org(&mut tx, new.org).await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO recuperation_bases (tenant_id, org_id, name, region, \
                     partner_region, discount_bp, admitted_on, valid_until, state, created_by, \
                     created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'admitted', $9, $10) \
                     RETURNING id",
                )
                .bind(tenant)
                .bind(org_id)
                .bind(new.name)
                .bind(new.region)
                .bind(new.partner_region)
                .bind(i32::try_from(new.discount_bp).unwrap_or(i32::MAX))
                .bind(new.admitted_on)
                .bind(new.valid_until)
                .bind(new.by)
                .bind(new.at)
                .fetch_one(&mut *tx)
                .await?;
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at: new.at,
                        actor: new.by,
                        action: "recuperation.admit_base",
                        subject: &format!("recuperation_base {id}"),
                        detail: &format!(
                            "疗休养基地认定 (base admitted): {} ({}), {} off, until {}{}",
                            new.name,
                            new.region,
                            huzhu_domain::recuperation::percent(new.discount_bp),
                            new.valid_until,
                            if new.partner_region { ", 对口协作地区 (partner region)" } else { "" }
                        ),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                let base = Self::recuperation_base_in(&mut tx, id, &$crate::OrgScope::Everything)
                    .await?;
                tx.commit().await?;
                Ok(base)
            }

            async fn recuperation_bases(
                &self,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<Vec<$crate::recuperation::Base>> {
                use $crate::recuperation::{in_chain, BaseRow, BASE_SELECT};
                let rows: Vec<BaseRow> = sqlx::query_as(&format!(
                    "{BASE_SELECT} WHERE {} ORDER BY b.id DESC",
                    in_chain("b.org_id", 1)
                ))
                .bind(scope.org())
                .fetch_all(&self.reader)
                .await?;
                rows.into_iter().map(|r| r.into_base()).collect()
            }

            async fn recuperation_base(
                &self,
                id: i64,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<$crate::recuperation::Base> {
                let mut tx = self.reader.begin().await?;
                let base = Self::recuperation_base_in(&mut tx, id, scope).await?;
                tx.commit().await?;
                Ok(base)
            }

            async fn review_base(
                &self,
                id: i64,
                scope: &$crate::OrgScope,
                step: huzhu_domain::recuperation::BaseStep,
                reason: &str,
                today: chrono::NaiveDate,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::recuperation::Base> {
                use $crate::archive::in_scope;
                let mut tx = self.write_tx().await?;
                let own: Option<(i64, i64)> = sqlx::query_as(&format!(
                    "SELECT b.id, b.org_id FROM recuperation_bases b WHERE b.id = $1 AND {}",
                    in_scope("b.org_id", 2)
                ))
                .bind(id)
                .bind(scope.org())
                .fetch_optional(&mut *tx)
                .await?;
                let Some((_, org_id)) = own else {
                    return Err($crate::StoreError::NotFound(format!(
                        "疗休养基地 {id} (recuperation base {id})"
                    )));
                };
                let base =
                    Self::recuperation_base_in(&mut tx, id, &$crate::OrgScope::Everything).await?;
                let (to, until) = huzhu_domain::recuperation::review(
                    base.state,
                    base.valid_until,
                    today,
                    step,
                )
                .map_err($crate::recuperation::refused)?;
                let from = base.state.effective(base.valid_until, today);
                let changed = sqlx::query(
                    "UPDATE recuperation_bases SET state = $1, valid_until = $2, \
                     reviewed_by = $3, reviewed_at = $4, reason = $5 \
                     WHERE id = $6 AND state = $7 AND valid_until = $8",
                )
                .bind(to.code())
                .bind(until)
                .bind(by)
                .bind(at)
                .bind(reason)
                .bind(id)
                .bind(base.state.code())
                .bind(base.valid_until)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if changed != 1 {
                    return Err($crate::StoreError::Conflict(
                        "基地已被他人修改，请刷新 (the base was changed meanwhile: reload it)".into(),
                    ));
                }
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor: by,
                        action: &format!("recuperation.{}", step.code()),
                        subject: &format!("recuperation_base {id}"),
                        detail: &format!(
                            "疗休养基地 (base) {}: {} ({}) {} ({}) → {} ({}), until {until}; {reason}",
                            base.name,
                            step.label_zh(),
                            step.label_en(),
                            from.label_zh(),
                            from.label_en(),
                            to.label_zh(),
                            to.label_en(),
                        ),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                let base =
                    Self::recuperation_base_in(&mut tx, id, &$crate::OrgScope::Everything).await?;
                tx.commit().await?;
                Ok(base)
            }

            async fn create_recuperation_batch(
                &self,
                scope: &$crate::OrgScope,
                new: &$crate::recuperation::NewBatch<'_>,
            ) -> $crate::Result<$crate::recuperation::Batch> {
                use huzhu_domain::recuperation as rules;
                let mut tx = self.write_tx().await?;
                let (org_id, tenant) = Self::money_org(&mut tx, new.org).await?;
                let base = Self::recuperation_base_in(&mut tx, new.base_id, scope).await?;
                rules::check_base_open(base.state, base.valid_until, new.today)
                    .map_err($crate::recuperation::refused)?;
                rules::check_batch(new.start_on, new.end_on, new.capacity, base.valid_until)
                    .map_err($crate::recuperation::refused)?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO recuperation_batches (tenant_id, org_id, base_id, name, \
                     start_on, end_on, capacity, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                )
                .bind(tenant)
                .bind(org_id)
                .bind(new.base_id)
                .bind(new.name)
                .bind(new.start_on)
                .bind(new.end_on)
                .bind(new.capacity)
                .bind(new.by)
                .bind(new.at)
                .fetch_one(&mut *tx)
                .await?;
                for (unit, quota) in new.quotas {
                    let unit_id: Option<i64> = sqlx::query_scalar(&format!(
                        "SELECT o.id FROM orgs o WHERE o.code = $1 AND {}",
                        $crate::archive::in_scope("o.id", 2)
                    ))
                    .bind(unit.as_str())
                    .bind(scope.org())
                    .fetch_optional(&mut *tx)
                    .await?;
                    let unit_id = unit_id
                        .ok_or_else(|| $crate::StoreError::NotFound(format!("org {unit}")))?;
                    sqlx::query(
                        "INSERT INTO recuperation_quotas (tenant_id, batch_id, org_id, quota) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(tenant)
                    .bind(id)
                    .bind(unit_id)
                    .bind(*quota)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| match $crate::StoreError::from(e) {
                        $crate::StoreError::Conflict(_) => $crate::StoreError::Conflict(format!(
                            "单位 {unit} 的名额重复 (unit {unit} is given a quota twice)"
                        )),
                        other => other,
                    })?;
                }
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at: new.at,
                        actor: new.by,
                        action: "recuperation.create_batch",
                        subject: &format!("recuperation_batch {id}"),
                        detail: &format!(
                            "疗休养批次 (batch) {} at {}: {} – {}, {} places, {} quotas",
                            new.name,
                            base.name,
                            new.start_on,
                            new.end_on,
                            new.capacity,
                            new.quotas.len()
                        ),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                let batch =
                    Self::recuperation_batch_in(&mut tx, id, &$crate::OrgScope::Everything).await?;
                tx.commit().await?;
                Ok(batch)
            }

            async fn recuperation_batches(
                &self,
                scope: &$crate::OrgScope,
                base: Option<i64>,
            ) -> $crate::Result<Vec<$crate::recuperation::Batch>> {
                use $crate::recuperation::{in_chain, Batch, BATCH_SELECT};
                Ok(sqlx::query_as::<_, Batch>(&format!(
                    "{BATCH_SELECT} WHERE {} AND ($2 IS NULL OR t.base_id = $2) \
                     ORDER BY t.start_on DESC, t.id DESC",
                    in_chain("t.org_id", 1)
                ))
                .bind(scope.org())
                .bind(base)
                .fetch_all(&self.reader)
                .await?)
            }

            async fn recuperation_batch(
                &self,
                id: i64,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<$crate::recuperation::Batch> {
                let mut tx = self.reader.begin().await?;
                let batch = Self::recuperation_batch_in(&mut tx, id, scope).await?;
                tx.commit().await?;
                Ok(batch)
            }

            async fn sign_up(
                &self,
                scope: &$crate::OrgScope,
                batch_id: i64,
                member: i64,
                today: chrono::NaiveDate,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::recuperation::SignUp> {
                use huzhu_domain::recuperation::{self as rules, RecuperationError, Taken};
                use $crate::recuperation::refused;
                let mut tx = self.write_tx().await?;
                let batch = Self::recuperation_batch_in(&mut tx, batch_id, scope).await?;
                let base =
                    Self::recuperation_base_in(&mut tx, batch.base_id, &$crate::OrgScope::Everything)
                        .await?;
                rules::check_base_open(base.state, base.valid_until, today).map_err(refused)?;
                if today >= batch.start_on {
                    return Err(refused(RecuperationError::BatchStarted));
                }
                // The member's row is locked (a write that changes nothing) before their other
                // sign-ups are read: on PostgreSQL two sign-ups of one member to two batches
                // otherwise both read "none within two years" and both commit. The second
                // waits here until the first commits, then reads its sign-up. (SQLite's write
                // transaction holds the whole database already.)
                let who: Option<(i64, i64, String, String)> = sqlx::query_as(&format!(
                    "UPDATE members SET version = version \
                     WHERE id = $1 AND {} RETURNING tenant_id, org_id, status, name",
                    $crate::archive::in_scope("members.org_id", 2)
                ))
                .bind(member)
                .bind(scope.org())
                .fetch_optional(&mut *tx)
                .await?;
                let (tenant, unit_id, status, name) =
                    who.ok_or_else(|| $crate::StoreError::NotFound("member".into()))?;
                if status != "in_service" {
                    return Err(refused(RecuperationError::NotInService));
                }
                let same: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM recuperation_signups WHERE batch_id = $1 AND member_id = $2 \
                     AND state = 'signed_up'",
                )
                .bind(batch_id)
                .bind(member)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(other) = same {
                    return Err($crate::StoreError::Conflict(format!(
                        "{name}已报名该批次（报名{other}） ({name} is signed up to this batch already: sign-up {other})"
                    )));
                }
                let others: Vec<(i64, chrono::NaiveDate)> = sqlx::query_as(
                    "SELECT batch_id, start_on FROM recuperation_signups \
                     WHERE member_id = $1 AND state = 'signed_up' ORDER BY start_on",
                )
                .bind(member)
                .fetch_all(&mut *tx)
                .await?;
                let others: Vec<Taken> = others
                    .into_iter()
                    .map(|(batch, start)| Taken { batch, start })
                    .collect();
                rules::check_gap(batch.start_on, &others).map_err(refused)?;
                if !batch.quotas.is_empty() {
                    let left: Option<i64> = sqlx::query_scalar(
                        "UPDATE recuperation_quotas SET taken = taken + 1 \
                         WHERE batch_id = $1 AND org_id = $2 AND taken < quota RETURNING taken",
                    )
                    .bind(batch_id)
                    .bind(unit_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                    if left.is_none() {
                        let quota: Option<i64> = sqlx::query_scalar(
                            "SELECT quota FROM recuperation_quotas \
                             WHERE batch_id = $1 AND org_id = $2",
                        )
                        .bind(batch_id)
                        .bind(unit_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                        return Err($crate::StoreError::Conflict(match quota {
                            Some(q) => format!(
                                "本单位在该批次的{q}个名额已报满 (the unit's {q} places in this batch are all taken)"
                            ),
                            None => "本单位在该批次没有名额 (the unit has no quota in this batch)"
                                .into(),
                        }));
                    }
                }
                // The guard: the counter row moves only while a place is left; concurrent
                // sign-ups wait on its row lock and see the count the winner left.
                let taken: Option<i64> = sqlx::query_scalar(
                    "UPDATE recuperation_batches SET taken = taken + 1 \
                     WHERE id = $1 AND taken < capacity RETURNING taken",
                )
                .bind(batch_id)
                .fetch_optional(&mut *tx)
                .await?;
                if taken.is_none() {
                    return Err($crate::StoreError::Conflict(format!(
                        "批次已满：{}个名额已全部报满 (the batch is full: all {} places are taken)",
                        batch.capacity, batch.capacity
                    )));
                }
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO recuperation_signups (tenant_id, batch_id, member_id, org_id, \
                     start_on, state, signed_by, signed_at) \
                     VALUES ($1, $2, $3, $4, $5, 'signed_up', $6, $7) RETURNING id",
                )
                .bind(tenant)
                .bind(batch_id)
                .bind(member)
                .bind(unit_id)
                .bind(batch.start_on)
                .bind(by)
                .bind(at)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| match $crate::StoreError::from(e) {
                    $crate::StoreError::Conflict(_) => $crate::StoreError::Conflict(format!(
                        "{name}已报名该批次 ({name} is signed up to this batch already)"
                    )),
                    other => other,
                })?;
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor: by,
                        action: "recuperation.sign_up",
                        subject: &format!("recuperation_signup {id}"),
                        detail: &format!(
                            "疗休养报名 (sign-up): member {member} to batch {batch_id} ({}), \
                             {} of {} places",
                            batch.name,
                            taken.unwrap_or_default(),
                            batch.capacity
                        ),
                        org_id: Some(unit_id),
                    },
                )
                .await?;
                let s = Self::recuperation_sign_up_in(&mut tx, id).await?;
                tx.commit().await?;
                Ok(s)
            }

            async fn cancel_sign_up(
                &self,
                scope: &$crate::OrgScope,
                id: i64,
                reason: &str,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::recuperation::SignUp> {
                let mut tx = self.write_tx().await?;
                let seen: Option<(i64, i64, String)> = sqlx::query_as(&format!(
                    "SELECT s.batch_id, s.org_id, s.state FROM recuperation_signups s \
                     WHERE s.id = $1 AND {}",
                    $crate::archive::in_scope("s.org_id", 2)
                ))
                .bind(id)
                .bind(scope.org())
                .fetch_optional(&mut *tx)
                .await?;
                let (batch_id, unit_id, _) = seen.ok_or_else(|| {
                    $crate::StoreError::NotFound(format!("疗休养报名 {id} (sign-up {id})"))
                })?;
                let changed = sqlx::query(
                    "UPDATE recuperation_signups SET state = 'cancelled', cancelled_by = $1, \
                     cancelled_at = $2, reason = $3 WHERE id = $4 AND state = 'signed_up'",
                )
                .bind(by)
                .bind(at)
                .bind(reason)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if changed != 1 {
                    let now: String =
                        sqlx::query_scalar("SELECT state FROM recuperation_signups WHERE id = $1")
                            .bind(id)
                            .fetch_one(&mut *tx)
                            .await?;
                    let from = huzhu_domain::recuperation::SignUpState::parse(&now)
                        .unwrap_or(huzhu_domain::recuperation::SignUpState::Cancelled);
                    huzhu_domain::recuperation::check_cancel(from)
                        .map_err($crate::recuperation::refused)?;
                    return Err($crate::StoreError::Conflict(format!("sign-up {id}")));
                }
                sqlx::query(
                    "UPDATE recuperation_batches SET taken = taken - 1 WHERE id = $1 AND taken > 0",
                )
                .bind(batch_id)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE recuperation_quotas SET taken = taken - 1 \
                     WHERE batch_id = $1 AND org_id = $2 AND taken > 0",
                )
                .bind(batch_id)
                .bind(unit_id)
                .execute(&mut *tx)
                .await?;
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor: by,
                        action: "recuperation.cancel",
                        subject: &format!("recuperation_signup {id}"),
                        detail: &format!(
                            "疗休养报名取消 (sign-up cancelled), batch {batch_id}: {reason}"
                        ),
                        org_id: Some(unit_id),
                    },
                )
                .await?;
                let s = Self::recuperation_sign_up_in(&mut tx, id).await?;
                tx.commit().await?;
                Ok(s)
            }

            async fn sign_ups(
                &self,
                scope: &$crate::OrgScope,
                batch: i64,
            ) -> $crate::Result<Vec<$crate::recuperation::SignUp>> {
                use $crate::recuperation::{SignUpRow, SIGNUP_SELECT};
                let mut tx = self.reader.begin().await?;
                Self::recuperation_batch_in(&mut tx, batch, scope).await?;
                let rows: Vec<SignUpRow> = sqlx::query_as(&format!(
                    "{SIGNUP_SELECT} WHERE s.batch_id = $1 AND {} ORDER BY s.id",
                    $crate::archive::in_scope("s.org_id", 2)
                ))
                .bind(batch)
                .bind(scope.org())
                .fetch_all(&mut *tx)
                .await?;
                tx.commit().await?;
                rows.into_iter().map(|r| r.into_sign_up()).collect()
            }

            async fn record_spend(
                &self,
                scope: &$crate::OrgScope,
                batch: i64,
                spend: $crate::recuperation::Spend,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::recuperation::Batch> {
                let mut tx = self.write_tx().await?;
                let org_id: Option<i64> = sqlx::query_scalar(&format!(
                    "SELECT t.org_id FROM recuperation_batches t WHERE t.id = $1 AND {}",
                    $crate::archive::in_scope("t.org_id", 2)
                ))
                .bind(batch)
                .bind(scope.org())
                .fetch_optional(&mut *tx)
                .await?;
                let org_id = org_id.ok_or_else(|| {
                    $crate::StoreError::NotFound(format!("疗休养批次 {batch} (recuperation batch {batch})"))
                })?;
                let old = Self::recuperation_batch_in(&mut tx, batch, &$crate::OrgScope::Everything)
                    .await?;
                sqlx::query(
                    "UPDATE recuperation_batches SET lodging_fen = $1, transport_fen = $2, \
                     purchases_fen = $3 WHERE id = $4",
                )
                .bind(spend.lodging_fen)
                .bind(spend.transport_fen)
                .bind(spend.purchases_fen)
                .bind(batch)
                .execute(&mut *tx)
                .await?;
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor: by,
                        action: "recuperation.spend",
                        subject: &format!("recuperation_batch {batch}"),
                        detail: &format!(
                            "疗休养支出 (spend) lodging/transport/purchases fen: {}/{}/{}; old: {}/{}/{}",
                            spend.lodging_fen,
                            spend.transport_fen,
                            spend.purchases_fen,
                            old.lodging_fen,
                            old.transport_fen,
                            old.purchases_fen
                        ),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                let b = Self::recuperation_batch_in(&mut tx, batch, &$crate::OrgScope::Everything)
                    .await?;
                tx.commit().await?;
                Ok(b)
            }

            async fn recuperation_figures(
                &self,
                scope: &$crate::OrgScope,
                from: chrono::NaiveDate,
                to: chrono::NaiveDate,
            ) -> $crate::Result<(
                Vec<$crate::recuperation::BatchFigure>,
                Vec<$crate::recuperation::ParticipantFigure>,
            )> {
                use $crate::archive::in_scope;
                let mut tx = self.reader.begin().await?;
                let batches: Vec<$crate::recuperation::BatchFigure> = sqlx::query_as(&format!(
                    "SELECT t.id AS batch_id, t.org_id, t.base_id, b.name AS base_name, \
                     b.partner_region, t.start_on, t.taken AS participants, \
                     t.lodging_fen + t.transport_fen + t.purchases_fen AS spend_fen \
                     FROM recuperation_batches t JOIN recuperation_bases b \
                     ON b.tenant_id = t.tenant_id AND b.id = t.base_id \
                     WHERE t.start_on >= $2 AND t.start_on <= $3 AND {} ORDER BY t.id",
                    in_scope("t.org_id", 1)
                ))
                .bind(scope.org())
                .bind(from)
                .bind(to)
                .fetch_all(&mut *tx)
                .await?;
                let people: Vec<$crate::recuperation::ParticipantFigure> =
                    sqlx::query_as(&format!(
                        "SELECT s.org_id, t.base_id, COUNT(*) AS participants \
                         FROM recuperation_signups s \
                         JOIN recuperation_batches t \
                         ON t.tenant_id = s.tenant_id AND t.id = s.batch_id \
                         WHERE s.state = 'signed_up' AND t.start_on >= $2 AND t.start_on <= $3 \
                         AND {} GROUP BY s.org_id, t.base_id ORDER BY s.org_id, t.base_id",
                        in_scope("s.org_id", 1)
                    ))
                    .bind(scope.org())
                    .bind(from)
                    .bind(to)
                    .fetch_all(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok((batches, people))
            }
        }
    };
}

pub(crate) use impl_recuperation_store;
