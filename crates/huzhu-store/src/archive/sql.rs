//! [`super::ArchiveStore`] written once, expanded for each backend.

/// Expands [`super::ArchiveStore`] for one backend (after `impl_bank_store!`, whose `audit_in`
/// it uses).
macro_rules! impl_archive_store {
    ($store:ty) => {
        impl $store {
            async fn household_in<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                id: i64,
            ) -> $crate::Result<$crate::archive::Household> {
                use $crate::archive::{
                    HouseholdRow, NoticeRow, ObjectionRow, HOUSEHOLD, HOUSEHOLD_COLUMNS,
                    HOUSEHOLD_FROM, NOTICE_COLUMNS, OBJECTION_COLUMNS,
                };
                let row: HouseholdRow = sqlx::query_as(&format!(
                    "SELECT {HOUSEHOLD_COLUMNS} FROM {HOUSEHOLD_FROM} WHERE h.id = $1"
                ))
                .bind(id)
                .fetch_one(&mut **tx)
                .await?;
                let mut household = row.into_household()?;
                let notice: Option<NoticeRow> = sqlx::query_as(&format!(
                    "SELECT {NOTICE_COLUMNS} FROM notices WHERE subject_kind = $1 \
                     AND subject_id = $2 ORDER BY id DESC LIMIT 1"
                ))
                .bind(HOUSEHOLD)
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?;
                if let Some(n) = notice {
                    let rows: Vec<ObjectionRow> = sqlx::query_as(&format!(
                        "SELECT {OBJECTION_COLUMNS} FROM notice_objections \
                         WHERE notice_id = $1 ORDER BY id"
                    ))
                    .bind(n.id)
                    .fetch_all(&mut **tx)
                    .await?;
                    let objections = rows
                        .into_iter()
                        .map(|r| r.into_objection())
                        .collect::<$crate::Result<Vec<_>>>()?;
                    household.notice = Some(n.into_notice(objections));
                }
                Ok(household)
            }

            /// The friendly check before the write (the unique indexes are the guard): no
            /// person of `people` in an open record other than `except`.
            async fn archive_people_free<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                tenant_id: i64,
                people: &[huzhu_domain::archive::Person],
                except: Option<i64>,
            ) -> $crate::Result<()> {
                if people.is_empty() {
                    return Ok(());
                }
                let sql = format!(
                    "SELECT household_id, id_number FROM household_people \
                     WHERE tenant_id = $1 AND is_open AND household_id <> $2 \
                     AND id_number IN ({}) ORDER BY household_id LIMIT 1",
                    $crate::sql::placeholders(3, people.len())
                );
                let mut q = sqlx::query_as::<_, (i64, String)>(&sql)
                    .bind(tenant_id)
                    .bind(except.unwrap_or(0));
                for p in people {
                    q = q.bind(&p.id_number);
                }
                if let Some((household, id_number)) = q.fetch_optional(&mut **tx).await? {
                    return Err($crate::archive::already_archived(
                        Some(household),
                        &huzhu_domain::personal::mask_middle(&id_number, 4, 4),
                    ));
                }
                Ok(())
            }

            async fn archive_write_people<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                tenant_id: i64,
                household: i64,
                people: &[huzhu_domain::archive::Person],
                open: bool,
            ) -> $crate::Result<()> {
                for (i, p) in people.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO household_people (tenant_id, household_id, position, \
                         id_number, name, relation, school_level, dialysis, is_open) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    )
                    .bind(tenant_id)
                    .bind(household)
                    .bind(i32::try_from(i).unwrap_or(i32::MAX))
                    .bind(&p.id_number)
                    .bind(&p.name)
                    .bind(p.relation.code())
                    .bind(p.school_level.code())
                    .bind(p.dialysis)
                    .bind(open)
                    .execute(&mut **tx)
                    .await
                    .map_err(|e| match $crate::StoreError::from(e) {
                        $crate::StoreError::Conflict(_) => $crate::archive::already_archived(
                            None,
                            &huzhu_domain::personal::mask_middle(&p.id_number, 4, 4),
                        ),
                        other => other,
                    })?;
                }
                Ok(())
            }

            #[allow(clippy::too_many_arguments)]
            async fn archive_event<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                tenant_id: i64,
                org_id: i64,
                household: i64,
                step: huzhu_domain::archive::StepKind,
                state: huzhu_domain::archive::HouseholdState,
                on: chrono::NaiveDate,
                note: Option<&str>,
                details: &str,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<()> {
                sqlx::query(
                    "INSERT INTO household_events (tenant_id, household_id, at, on_date, actor, \
                     step, state, note, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(tenant_id)
                .bind(household)
                .bind(at)
                .bind(on)
                .bind(by)
                .bind(step.code())
                .bind(state.code())
                .bind(note)
                .bind(details)
                .execute(&mut **tx)
                .await?;
                let detail = format!(
                    "困难职工档案 (hardship archive) {household}: {} ({}) → {} ({}){}",
                    step.label_zh(),
                    step.label_en(),
                    state.label_zh(),
                    state.label_en(),
                    note.map(|n| format!("; {n}")).unwrap_or_default()
                );
                Self::audit_in(
                    tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor: by,
                        action: &format!("archive.{}", step.code()),
                        subject: &format!("household {household}"),
                        detail: &detail,
                        org_id: Some(org_id),
                    },
                )
                .await
            }
        }

        impl $crate::archive::ArchiveStore for $store {
            async fn open_household(
                &self,
                scope: &$crate::OrgScope,
                new: &$crate::archive::NewHousehold<'_>,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::archive::Household> {
                use huzhu_domain::archive::{HouseholdState, StepKind};
                let mut tx = self.write_tx().await?;
                let head: Option<(i64, i64, String)> = sqlx::query_as(&format!(
                    "SELECT m.tenant_id, m.org_id, m.id_number FROM members m \
                     WHERE m.id = $1 AND {}",
                    $crate::archive::in_scope("m.org_id", 2)
                ))
                .bind(new.head.0)
                .bind(scope.org())
                .fetch_optional(&mut *tx)
                .await?;
                let (tenant_id, org_id, head_id) = head
                    .ok_or_else(|| $crate::StoreError::NotFound("member".into()))?;
                let masked = huzhu_domain::personal::mask_middle(&head_id, 4, 4);
                let open: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM households WHERE tenant_id = $1 AND head_member_id = $2 \
                     AND state NOT IN ('refused', 'exited')",
                )
                .bind(tenant_id)
                .bind(new.head.0)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(other) = open {
                    return Err($crate::archive::already_archived(Some(other), &masked));
                }
                Self::archive_people_free(&mut tx, tenant_id, &new.facts.people, None).await?;
                let state = HouseholdState::Applied;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO households (tenant_id, org_id, head_member_id, state, category, \
                     per_head_monthly_income_fen, assessment, facts, programme_id, \
                     programme_version, opened_by, opened_at, opened_on, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $12) \
                     RETURNING id",
                )
                .bind(tenant_id)
                .bind(org_id)
                .bind(new.head.0)
                .bind(state.code())
                .bind(new.computed.category)
                .bind(new.computed.per_head_monthly_income_fen)
                .bind(new.computed.assessment)
                .bind($crate::archive::json(new.facts)?)
                .bind(new.computed.programme_id)
                .bind(new.computed.programme_version)
                .bind(new.by)
                .bind(at)
                .bind(new.on)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| match $crate::StoreError::from(e) {
                    $crate::StoreError::Conflict(_) => {
                        $crate::archive::already_archived(None, &masked)
                    }
                    other => other,
                })?;
                Self::archive_write_people(&mut tx, tenant_id, id, &new.facts.people, true)
                    .await?;
                let details = serde_json::json!({
                    "category": new.computed.category,
                    "per_head_monthly_income_fen": new.computed.per_head_monthly_income_fen,
                    "programme": new.computed.programme_id,
                    "version": new.computed.programme_version,
                    "size": new.facts.size,
                    "people": new.facts.people.len(),
                })
                .to_string();
                Self::archive_event(
                    &mut tx,
                    tenant_id,
                    org_id,
                    id,
                    StepKind::Open,
                    state,
                    new.on,
                    None,
                    &details,
                    new.by,
                    at,
                )
                .await?;
                let household = Self::household_in(&mut tx, id).await?;
                tx.commit().await?;
                Ok(household)
            }

            async fn household(
                &self,
                scope: &$crate::OrgScope,
                id: i64,
            ) -> $crate::Result<$crate::archive::Household> {
                let mut tx = self.reader.begin().await?;
                let found: Option<i64> = sqlx::query_scalar(&format!(
                    "SELECT h.id FROM households h WHERE h.id = $1 AND {}",
                    $crate::archive::in_scope("h.org_id", 2)
                ))
                .bind(id)
                .bind(scope.org())
                .fetch_optional(&mut *tx)
                .await?;
                if found.is_none() {
                    return Err($crate::StoreError::NotFound(format!("household {id}")));
                }
                let household = Self::household_in(&mut tx, id).await?;
                tx.commit().await?;
                Ok(household)
            }

            async fn households(
                &self,
                scope: &$crate::OrgScope,
                filter: &$crate::archive::HouseholdFilter,
            ) -> $crate::Result<Vec<$crate::archive::Household>> {
                use $crate::archive::{HouseholdRow, HOUSEHOLD_COLUMNS, HOUSEHOLD_FROM};
                let rows: Vec<HouseholdRow> = sqlx::query_as(&format!(
                    "SELECT {HOUSEHOLD_COLUMNS} FROM {HOUSEHOLD_FROM} WHERE {} \
                     AND ($2 IS NULL OR h.state = $2) AND ($3 IS NULL OR h.category = $3) \
                     AND ($4 IS NULL OR h.level = $4) AND ($6 IS NULL OR h.id < $6) \
                     ORDER BY h.id DESC LIMIT $5",
                    $crate::archive::in_scope("h.org_id", 1)
                ))
                .bind(scope.org())
                .bind(filter.state.map(|s| s.code()))
                .bind(filter.category.as_deref())
                .bind(filter.level.map(|l| l.code()))
                .bind(i64::from(filter.limit.clamp(1, 1000)))
                .bind(filter.before)
                .fetch_all(&self.reader)
                .await?;
                rows.into_iter().map(|r| r.into_household()).collect()
            }

            async fn household_events(
                &self,
                scope: &$crate::OrgScope,
                id: i64,
            ) -> $crate::Result<Vec<$crate::archive::HouseholdEvent>> {
                let rows: Vec<$crate::archive::EventRow> = sqlx::query_as(&format!(
                    "SELECT e.id, e.at, e.on_date, e.actor, e.step, e.state, e.note, e.details \
                     FROM household_events e JOIN households h \
                     ON h.tenant_id = e.tenant_id AND h.id = e.household_id \
                     WHERE e.household_id = $1 AND {} ORDER BY e.id",
                    $crate::archive::in_scope("h.org_id", 2)
                ))
                .bind(id)
                .bind(scope.org())
                .fetch_all(&self.reader)
                .await?;
                if rows.is_empty() {
                    // Every record has its opening event: none means not found or not in scope.
                    return Err($crate::StoreError::NotFound(format!("household {id}")));
                }
                rows.into_iter().map(|r| r.into_event()).collect()
            }

            async fn archive_step(
                &self,
                scope: &$crate::OrgScope,
                id: i64,
                change: &$crate::archive::ArchiveChange<'_>,
                by: &str,
                today: chrono::NaiveDate,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::archive::Household> {
                use huzhu_domain::archive::{self as domain, Step};
                use huzhu_domain::notice::{may_conclude, public_name, ObjectionStatus};
                use $crate::archive::{note_of, ArchiveChange, HouseholdRow, HOUSEHOLD};
                let conflict = |e: &dyn std::fmt::Display| $crate::StoreError::Conflict(e.to_string());
                let mut tx = self.write_tx().await?;
                let row: Option<HouseholdRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM {} WHERE h.id = $1 AND {}",
                    $crate::archive::HOUSEHOLD_COLUMNS,
                    $crate::archive::HOUSEHOLD_FROM,
                    $crate::archive::in_scope("h.org_id", 2)
                ))
                .bind(id)
                .bind(scope.org())
                .fetch_optional(&mut *tx)
                .await?;
                let row = row
                    .ok_or_else(|| $crate::StoreError::NotFound(format!("household {id}")))?;
                let (tenant_id, org_id) = (row.tenant_id, row.org_id);
                // With its latest notice and objections, read in this transaction.
                let current = Self::household_in(&mut tx, id).await?;
                let step = match change {
                    ArchiveChange::Visit { on, .. } => Step::Visit { on: *on },
                    ArchiveChange::Review { .. } => Step::Review,
                    ArchiveChange::StartNotice { .. } => Step::StartNotice,
                    ArchiveChange::Admit { .. } => Step::Admit,
                    ArchiveChange::Refuse { .. } => Step::Refuse,
                    ArchiveChange::YearlyReview { computed, .. } => Step::YearlyReview {
                        in_hardship: computed.category.is_some(),
                    },
                    ArchiveChange::Exit { reason, .. } => Step::Exit { reason: *reason },
                };
                let to = domain::transition(current.state, &step).map_err(|e| conflict(&e))?;
                let from = current.state.code();
                // Every UPDATE below is guarded by the state read above: a step taken meanwhile
                // by someone else leaves this one nothing to change.
                let guarded = |n: u64| {
                    if n == 1 {
                        Ok(())
                    } else {
                        Err($crate::StoreError::Conflict($crate::archive::CHANGED.into()))
                    }
                };
                let mut on = today;
                let (note, details): (Option<&str>, serde_json::Value) = match change {
                    ArchiveChange::Visit { on: visit_on, note } => {
                        domain::check_visit_date(*visit_on, current.opened_on, today)
                            .map_err(|e| conflict(&e))?;
                        on = *visit_on;
                        let n = sqlx::query(
                            "UPDATE households SET state = $1, visited_by = $2, visited_on = $3, \
                             updated_at = $4 WHERE id = $5 AND state = $6",
                        )
                        .bind(to.code())
                        .bind(by)
                        .bind(visit_on)
                        .bind(at)
                        .bind(id)
                        .bind(from)
                        .execute(&mut *tx)
                        .await?;
                        guarded(n.rows_affected())?;
                        (note_of(note), serde_json::json!({ "visited_on": visit_on }))
                    }
                    ArchiveChange::Review { note } => {
                        domain::check_reviewer(current.visited_by.as_deref(), by)
                            .map_err(|e| conflict(&e))?;
                        let n = sqlx::query(
                            "UPDATE households SET state = $1, updated_at = $2 \
                             WHERE id = $3 AND state = $4",
                        )
                        .bind(to.code())
                        .bind(at)
                        .bind(id)
                        .bind(from)
                        .execute(&mut *tx)
                        .await?;
                        guarded(n.rows_affected())?;
                        (note_of(note), serde_json::json!({}))
                    }
                    ArchiveChange::StartNotice {
                        window,
                        working_days,
                    } => {
                        let n = sqlx::query(
                            "UPDATE households SET state = $1, updated_at = $2 \
                             WHERE id = $3 AND state = $4",
                        )
                        .bind(to.code())
                        .bind(at)
                        .bind(id)
                        .bind(from)
                        .execute(&mut *tx)
                        .await?;
                        guarded(n.rows_affected())?;
                        let name = public_name(&current.head_name);
                        let notice: i64 = sqlx::query_scalar(
                            "INSERT INTO notices (tenant_id, org_id, subject_kind, subject_id, \
                             public_name, unit_name, summary, starts_on, ends_on, working_days, \
                             status, created_by, created_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open', $11, $12) \
                             RETURNING id",
                        )
                        .bind(tenant_id)
                        .bind(org_id)
                        .bind(HOUSEHOLD)
                        .bind(id)
                        .bind(&name)
                        .bind(&current.org_name)
                        .bind(current.category.as_deref().unwrap_or_default())
                        .bind(window.starts_on)
                        .bind(window.ends_on)
                        .bind(i32::try_from(*working_days).unwrap_or(i32::MAX))
                        .bind(by)
                        .bind(at)
                        .fetch_one(&mut *tx)
                        .await?;
                        (
                            None,
                            serde_json::json!({
                                "notice": notice, "starts_on": window.starts_on,
                                "ends_on": window.ends_on, "working_days": working_days,
                                "public_name": name,
                            }),
                        )
                    }
                    ArchiveChange::Admit {
                        level,
                        level_date,
                        note,
                    } => {
                        let notice = current
                            .notice
                            .as_ref()
                            .filter(|n| n.status == "open")
                            .ok_or_else(|| {
                                $crate::StoreError::Conflict(
                                    "没有进行中的公示 (no notice is open)".into(),
                                )
                            })?;
                        // Re-read the objections inside this transaction.
                        let outcomes: Vec<Option<String>> = sqlx::query_scalar(
                            "SELECT outcome FROM notice_objections WHERE notice_id = $1",
                        )
                        .bind(notice.id)
                        .fetch_all(&mut *tx)
                        .await?;
                        let statuses: Vec<ObjectionStatus> = outcomes
                            .iter()
                            .map(|o| ObjectionStatus {
                                outcome: o
                                    .as_deref()
                                    .and_then(huzhu_domain::notice::ObjectionOutcome::parse),
                            })
                            .collect();
                        may_conclude(&notice.window, &statuses, today)
                            .map_err(|e| conflict(&e))?;
                        if *level_date > today {
                            return Err(conflict(&domain::ArchiveError::LevelDateInFuture {
                                on: *level_date,
                            }));
                        }
                        let until = domain::valid_until(today);
                        let n = sqlx::query(
                            "UPDATE households SET state = $1, level = $2, level_date = $3, \
                             admitted_on = $4, valid_until = $5, updated_at = $6 \
                             WHERE id = $7 AND state = $8",
                        )
                        .bind(to.code())
                        .bind(level.code())
                        .bind(level_date)
                        .bind(today)
                        .bind(until)
                        .bind(at)
                        .bind(id)
                        .bind(from)
                        .execute(&mut *tx)
                        .await?;
                        guarded(n.rows_affected())?;
                        let n = sqlx::query(
                            "UPDATE notices SET status = 'concluded', concluded_at = $1 \
                             WHERE id = $2 AND status = 'open'",
                        )
                        .bind(at)
                        .bind(notice.id)
                        .execute(&mut *tx)
                        .await?;
                        guarded(n.rows_affected())?;
                        (
                            note_of(note),
                            serde_json::json!({
                                "level": level.code(), "level_date": level_date,
                                "valid_until": until,
                            }),
                        )
                    }
                    ArchiveChange::Refuse { reason } => {
                        let n = sqlx::query(
                            "UPDATE households SET state = $1, reason = $2, updated_at = $3 \
                             WHERE id = $4 AND state = $5",
                        )
                        .bind(to.code())
                        .bind(reason.trim())
                        .bind(at)
                        .bind(id)
                        .bind(from)
                        .execute(&mut *tx)
                        .await?;
                        guarded(n.rows_affected())?;
                        sqlx::query(
                            "UPDATE notices SET status = 'concluded', concluded_at = $1 \
                             WHERE subject_kind = $2 AND subject_id = $3 AND status = 'open'",
                        )
                        .bind(at)
                        .bind(HOUSEHOLD)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                        sqlx::query(
                            "UPDATE household_people SET is_open = $1 WHERE household_id = $2",
                        )
                        .bind(false)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                        (note_of(reason), serde_json::json!({}))
                    }
                    ArchiveChange::YearlyReview {
                        facts,
                        computed,
                        note,
                    } => {
                        let open = to.is_open();
                        if open {
                            Self::archive_people_free(&mut tx, tenant_id, &facts.people, Some(id))
                                .await?;
                        }
                        let until = domain::renewed_until(
                            current.valid_until.unwrap_or(today),
                            today,
                        );
                        let (valid, exit) = if open {
                            (Some(until), None)
                        } else {
                            (current.valid_until, Some(domain::ExitReason::OutOfHardship.code()))
                        };
                        let n = sqlx::query(
                            "UPDATE households SET state = $1, category = $2, \
                             per_head_monthly_income_fen = $3, assessment = $4, facts = $5, \
                             programme_id = $6, programme_version = $7, valid_until = $8, \
                             exit_reason = $9, updated_at = $10 WHERE id = $11 AND state = $12",
                        )
                        .bind(to.code())
                        .bind(computed.category)
                        .bind(computed.per_head_monthly_income_fen)
                        .bind(computed.assessment)
                        .bind($crate::archive::json(*facts)?)
                        .bind(computed.programme_id)
                        .bind(computed.programme_version)
                        .bind(valid)
                        .bind(exit)
                        .bind(at)
                        .bind(id)
                        .bind(from)
                        .execute(&mut *tx)
                        .await?;
                        guarded(n.rows_affected())?;
                        sqlx::query("DELETE FROM household_people WHERE household_id = $1")
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                        Self::archive_write_people(&mut tx, tenant_id, id, &facts.people, open)
                            .await?;
                        (
                            note_of(note),
                            serde_json::json!({
                                "category": computed.category,
                                "previous_category": current.category,
                                "per_head_monthly_income_fen": computed.per_head_monthly_income_fen,
                                "valid_until": valid, "exit_reason": exit,
                                "programme": computed.programme_id,
                                "version": computed.programme_version,
                            }),
                        )
                    }
                    ArchiveChange::Exit { reason, note } => {
                        let n = sqlx::query(
                            "UPDATE households SET state = $1, exit_reason = $2, reason = $3, \
                             updated_at = $4 WHERE id = $5 AND state = $6",
                        )
                        .bind(to.code())
                        .bind(reason.code())
                        .bind(note_of(note))
                        .bind(at)
                        .bind(id)
                        .bind(from)
                        .execute(&mut *tx)
                        .await?;
                        guarded(n.rows_affected())?;
                        sqlx::query(
                            "UPDATE household_people SET is_open = $1 WHERE household_id = $2",
                        )
                        .bind(false)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                        (note_of(note), serde_json::json!({ "exit_reason": reason.code() }))
                    }
                };
                Self::archive_event(
                    &mut tx,
                    tenant_id,
                    org_id,
                    id,
                    step.kind(),
                    to,
                    on,
                    note,
                    &details.to_string(),
                    by,
                    at,
                )
                .await?;
                let household = Self::household_in(&mut tx, id).await?;
                tx.commit().await?;
                Ok(household)
            }

            async fn lapse_households(
                &self,
                scope: &$crate::OrgScope,
                today: chrono::NaiveDate,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<Vec<i64>> {
                use huzhu_domain::archive::{lapse_cutoff, HouseholdState, StepKind};
                let mut tx = self.write_tx().await?;
                let cutoff = lapse_cutoff(today);
                let due: Vec<(i64, i64, i64, chrono::NaiveDate)> = sqlx::query_as(&format!(
                    "SELECT h.id, h.tenant_id, h.org_id, h.valid_until FROM households h \
                     WHERE h.state = 'admitted' AND h.valid_until < $1 AND {} ORDER BY h.id",
                    $crate::archive::in_scope("h.org_id", 2)
                ))
                .bind(cutoff)
                .bind(scope.org())
                .fetch_all(&mut *tx)
                .await?;
                let mut lapsed = Vec::with_capacity(due.len());
                for (id, tenant_id, org_id, valid_until) in due {
                    let n = sqlx::query(
                        "UPDATE households SET state = 'lapsed', updated_at = $1 \
                         WHERE id = $2 AND state = 'admitted'",
                    )
                    .bind(at)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                    if n.rows_affected() != 1 {
                        continue;
                    }
                    Self::archive_event(
                        &mut tx,
                        tenant_id,
                        org_id,
                        id,
                        StepKind::Lapse,
                        HouseholdState::Lapsed,
                        today,
                        None,
                        &serde_json::json!({ "valid_until": valid_until }).to_string(),
                        by,
                        at,
                    )
                    .await?;
                    lapsed.push(id);
                }
                tx.commit().await?;
                Ok(lapsed)
            }

            async fn record_objection(
                &self,
                scope: &$crate::OrgScope,
                notice_id: i64,
                objection: &$crate::archive::NewObjection<'_>,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::archive::Objection> {
                use huzhu_domain::archive::{HouseholdState, StepKind};
                let mut tx = self.write_tx().await?;
                let notice: Option<(i64, i64, String, i64, String)> = sqlx::query_as(&format!(
                    "SELECT n.tenant_id, n.org_id, n.subject_kind, n.subject_id, n.status \
                     FROM notices n WHERE n.id = $1 AND {}",
                    $crate::archive::in_scope("n.org_id", 2)
                ))
                .bind(notice_id)
                .bind(scope.org())
                .fetch_optional(&mut *tx)
                .await?;
                let (tenant_id, org_id, kind, subject, status) = notice
                    .ok_or_else(|| $crate::StoreError::NotFound(format!("notice {notice_id}")))?;
                if status != "open" {
                    return Err($crate::StoreError::Conflict(
                        "公示已结束，不能再登记异议 (the notice is concluded; no objection can be added)"
                            .into(),
                    ));
                }
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO notice_objections (tenant_id, notice_id, received_on, \
                     from_whom, content, recorded_by, recorded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(tenant_id)
                .bind(notice_id)
                .bind(objection.received_on)
                .bind(objection.from_whom)
                .bind(objection.content)
                .bind(objection.by)
                .bind(at)
                .fetch_one(&mut *tx)
                .await?;
                let details =
                    serde_json::json!({ "notice": notice_id, "objection": id }).to_string();
                if kind == $crate::archive::HOUSEHOLD {
                    let state: String =
                        sqlx::query_scalar("SELECT state FROM households WHERE id = $1")
                            .bind(subject)
                            .fetch_one(&mut *tx)
                            .await?;
                    let state = HouseholdState::parse(&state).ok_or_else(|| {
                        $crate::StoreError::Corrupt(format!("household {subject} state"))
                    })?;
                    Self::archive_event(
                        &mut tx,
                        tenant_id,
                        org_id,
                        subject,
                        StepKind::Objection,
                        state,
                        objection.received_on,
                        Some(objection.content),
                        &details,
                        objection.by,
                        at,
                    )
                    .await?;
                } else {
                    Self::audit_in(
                        &mut tx,
                        &$crate::bank::TxAudit {
                            at,
                            actor: objection.by,
                            action: "notice.objection",
                            subject: &format!("notice {notice_id}"),
                            detail: &details,
                            org_id: Some(org_id),
                        },
                    )
                    .await?;
                }
                let row: $crate::archive::ObjectionRow = sqlx::query_as(&format!(
                    "SELECT {} FROM notice_objections WHERE id = $1",
                    $crate::archive::OBJECTION_COLUMNS
                ))
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                row.into_objection()
            }

            async fn settle_objection(
                &self,
                scope: &$crate::OrgScope,
                id: i64,
                outcome: huzhu_domain::notice::ObjectionOutcome,
                reason: &str,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::archive::Objection> {
                use huzhu_domain::archive::{HouseholdState, StepKind};
                let mut tx = self.write_tx().await?;
                let found: Option<(i64, i64, i64, String, i64, Option<String>)> =
                    sqlx::query_as(&format!(
                        "SELECT n.id, n.tenant_id, n.org_id, n.subject_kind, n.subject_id, \
                         o.outcome FROM notice_objections o JOIN notices n \
                         ON n.tenant_id = o.tenant_id AND n.id = o.notice_id \
                         WHERE o.id = $1 AND {}",
                        $crate::archive::in_scope("n.org_id", 2)
                    ))
                    .bind(id)
                    .bind(scope.org())
                    .fetch_optional(&mut *tx)
                    .await?;
                let (notice_id, tenant_id, org_id, kind, subject, settled) = found
                    .ok_or_else(|| $crate::StoreError::NotFound(format!("objection {id}")))?;
                let already = || {
                    $crate::StoreError::Conflict(
                        "该异议已处理 (this objection has been settled already)".into(),
                    )
                };
                if settled.is_some() {
                    return Err(already());
                }
                let n = sqlx::query(
                    "UPDATE notice_objections SET outcome = $1, outcome_reason = $2, \
                     settled_by = $3, settled_at = $4 WHERE id = $5 AND outcome IS NULL",
                )
                .bind(outcome.code())
                .bind(reason)
                .bind(by)
                .bind(at)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                if n.rows_affected() != 1 {
                    return Err(already());
                }
                let details = serde_json::json!({
                    "notice": notice_id, "objection": id, "outcome": outcome.code(),
                })
                .to_string();
                let note = format!("{} ({}): {reason}", outcome.label_zh(), outcome.label_en());
                if kind == $crate::archive::HOUSEHOLD {
                    let state: String =
                        sqlx::query_scalar("SELECT state FROM households WHERE id = $1")
                            .bind(subject)
                            .fetch_one(&mut *tx)
                            .await?;
                    let state = HouseholdState::parse(&state).ok_or_else(|| {
                        $crate::StoreError::Corrupt(format!("household {subject} state"))
                    })?;
                    Self::archive_event(
                        &mut tx,
                        tenant_id,
                        org_id,
                        subject,
                        StepKind::SettleObjection,
                        state,
                        at.date_naive(),
                        Some(&note),
                        &details,
                        by,
                        at,
                    )
                    .await?;
                } else {
                    // A nomination's notice (issue 17): an upheld objection withdraws the nominee
                    // and ends their notice, in this transaction.
                    if kind == $crate::recognition::NOMINATION
                        && outcome == huzhu_domain::notice::ObjectionOutcome::Upheld
                    {
                        sqlx::query(
                            "UPDATE recognition_nominations SET state = 'withdrawn', reason = $1, \
                             updated_at = $2 WHERE id = $3 AND state = 'in_notice'",
                        )
                        .bind(reason)
                        .bind(at)
                        .bind(subject)
                        .execute(&mut *tx)
                        .await?;
                        sqlx::query(
                            "UPDATE notices SET status = 'concluded', concluded_at = $1 \
                             WHERE id = $2 AND status = 'open'",
                        )
                        .bind(at)
                        .bind(notice_id)
                        .execute(&mut *tx)
                        .await?;
                    }
                    Self::audit_in(
                        &mut tx,
                        &$crate::bank::TxAudit {
                            at,
                            actor: by,
                            action: "notice.objection.settled",
                            subject: &format!("notice {notice_id}"),
                            detail: &note,
                            org_id: Some(org_id),
                        },
                    )
                    .await?;
                }
                let row: $crate::archive::ObjectionRow = sqlx::query_as(&format!(
                    "SELECT {} FROM notice_objections WHERE id = $1",
                    $crate::archive::OBJECTION_COLUMNS
                ))
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                row.into_objection()
            }

            async fn public_notices(
                &self,
                today: chrono::NaiveDate,
            ) -> $crate::Result<Vec<$crate::archive::PublicNotice>> {
                let rows: Vec<(i64, String, String, String, String, chrono::NaiveDate, chrono::NaiveDate)> =
                    sqlx::query_as(
                        "SELECT id, subject_kind, public_name, unit_name, summary, starts_on, \
                         ends_on FROM notices WHERE status = 'open' AND starts_on <= $1 \
                         AND ends_on >= $1 ORDER BY starts_on, id LIMIT 1000",
                    )
                    .bind(today)
                    .fetch_all(&self.reader)
                    .await?;
                Ok(rows
                    .into_iter()
                    .map(|r| $crate::archive::PublicNotice {
                        id: r.0,
                        subject_kind: r.1,
                        public_name: r.2,
                        unit_name: r.3,
                        summary: r.4,
                        starts_on: r.5,
                        ends_on: r.6,
                    })
                    .collect())
            }
        }
    };
}

pub(crate) use impl_archive_store;
