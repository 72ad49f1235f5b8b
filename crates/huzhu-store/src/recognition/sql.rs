//! [`super::RecognitionStore`] written once, expanded for each backend.

/// Expands [`super::RecognitionStore`] for one backend (after `impl_bank_store!`, whose
/// `audit_in` it uses).
macro_rules! impl_recognition_store {
    ($store:ty) => {
        impl $store {
            async fn recognition_call_in<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                scope: &$crate::OrgScope,
                id: i64,
            ) -> $crate::Result<(i64, i64, $crate::recognition::Call)> {
                let row: Option<(i64, i64)> = sqlx::query_as(&format!(
                    "SELECT c.tenant_id, c.org_id FROM recognition_calls c WHERE c.id = $1 AND {}",
                    $crate::recognition::call_tenant(2)
                ))
                .bind(id)
                .bind(scope.org())
                .fetch_optional(&mut **tx)
                .await?;
                let (tenant_id, org_id) = row.ok_or_else(|| {
                    $crate::StoreError::NotFound(format!("recognition call {id}"))
                })?;
                let call: $crate::recognition::CallRow = sqlx::query_as(&format!(
                    "SELECT {} FROM recognition_calls c JOIN orgs o ON o.id = c.org_id \
                     WHERE c.id = $1",
                    $crate::recognition::CALL_COLUMNS
                ))
                .bind(id)
                .fetch_one(&mut **tx)
                .await?;
                Ok((tenant_id, org_id, call.into_call()?))
            }

            async fn nominations_in<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                call: i64,
            ) -> $crate::Result<Vec<$crate::recognition::Nomination>> {
                use $crate::recognition::{NominationRow, NOMINATION_COLUMNS, NOMINATION_FROM};
                let rows: Vec<NominationRow> = sqlx::query_as(&format!(
                    "SELECT {NOMINATION_COLUMNS} FROM {NOMINATION_FROM} WHERE n.call_id = $1 \
                     ORDER BY n.place IS NULL, n.place, n.id"
                ))
                .bind(call)
                .fetch_all(&mut **tx)
                .await?;
                rows.into_iter().map(|r| r.into_nomination()).collect()
            }

            async fn nomination_in<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                id: i64,
            ) -> $crate::Result<$crate::recognition::Nomination> {
                use $crate::archive::{NoticeRow, ObjectionRow, NOTICE_COLUMNS, OBJECTION_COLUMNS};
                use $crate::recognition::{NominationRow, NOMINATION_COLUMNS, NOMINATION_FROM};
                let row: NominationRow = sqlx::query_as(&format!(
                    "SELECT {NOMINATION_COLUMNS} FROM {NOMINATION_FROM} WHERE n.id = $1"
                ))
                .bind(id)
                .fetch_one(&mut **tx)
                .await?;
                let mut n = row.into_nomination()?;
                let notice: Option<NoticeRow> = sqlx::query_as(&format!(
                    "SELECT {NOTICE_COLUMNS} FROM notices WHERE subject_kind = $1 \
                     AND subject_id = $2 ORDER BY id DESC LIMIT 1"
                ))
                .bind($crate::recognition::NOMINATION)
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?;
                if let Some(notice) = notice {
                    let rows: Vec<ObjectionRow> = sqlx::query_as(&format!(
                        "SELECT {OBJECTION_COLUMNS} FROM notice_objections \
                         WHERE notice_id = $1 ORDER BY id"
                    ))
                    .bind(notice.id)
                    .fetch_all(&mut **tx)
                    .await?;
                    let objections = rows
                        .into_iter()
                        .map(|r| r.into_objection())
                        .collect::<$crate::Result<Vec<_>>>()?;
                    n.notice = Some(notice.into_notice(objections));
                }
                Ok(n)
            }

            #[allow(clippy::too_many_arguments)]
            async fn recognition_audit<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                org_id: i64,
                step: huzhu_domain::recognition::StepKind,
                subject: &str,
                detail: &str,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<()> {
                Self::audit_in(
                    tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor: by,
                        action: &format!("recognition.{}", step.code()),
                        subject,
                        detail: &format!(
                            "数字工匠 (craftsman recognition): {} ({}); {detail}",
                            step.label_zh(),
                            step.label_en()
                        ),
                        org_id: Some(org_id),
                    },
                )
                .await
            }

            /// Moves a call from the state read to the next, guarded by it.
            async fn recognition_call_step<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                call: &$crate::recognition::Call,
                step: huzhu_domain::recognition::StepKind,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<huzhu_domain::recognition::CallState> {
                let to = huzhu_domain::recognition::call_transition(call.state, step)
                    .map_err(|e| $crate::StoreError::Conflict(e.to_string()))?;
                let n = sqlx::query(
                    "UPDATE recognition_calls SET state = $1, updated_at = $2 \
                     WHERE id = $3 AND state = $4",
                )
                .bind(to.code())
                .bind(at)
                .bind(call.id)
                .bind(call.state.code())
                .execute(&mut **tx)
                .await?;
                if n.rows_affected() != 1 {
                    return Err($crate::StoreError::Conflict(
                        "评选已被他人更新，请刷新后重试 (the call was changed meanwhile; reload and try again)"
                            .into(),
                    ));
                }
                Ok(to)
            }
        }

        impl $crate::recognition::RecognitionStore for $store {
            async fn open_call(
                &self,
                scope: &$crate::OrgScope,
                new: &$crate::recognition::NewCall<'_>,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::recognition::Call> {
                use huzhu_domain::recognition::{CallState, StepKind};
                let mut tx = self.write_tx().await?;
                let org: Option<(i64, i64)> = sqlx::query_as(
                    "SELECT o.id, COALESCE(o.tenant_id, o.id) FROM orgs o WHERE o.code = $1",
                )
                .bind(scope.org())
                .fetch_optional(&mut *tx)
                .await?;
                let (org_id, tenant_id) =
                    org.ok_or_else(|| $crate::StoreError::NotFound("org".into()))?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO recognition_calls (tenant_id, org_id, year, name, quota, \
                     opens_on, closes_on, min_field_years, min_city_years, \
                     exclude_civil_servants, exclude_leading_cadres, state, created_by, \
                     created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) \
                     RETURNING id",
                )
                .bind(tenant_id)
                .bind(org_id)
                .bind(new.year)
                .bind(new.name)
                .bind(new.quota)
                .bind(new.opens_on)
                .bind(new.closes_on)
                .bind(i32::try_from(new.rules.min_field_years).unwrap_or(i32::MAX))
                .bind(i32::try_from(new.rules.min_city_years).unwrap_or(i32::MAX))
                .bind(new.rules.exclude_civil_servants)
                .bind(new.rules.exclude_leading_cadres)
                .bind(CallState::Open.code())
                .bind(new.by)
                .bind(at)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| match $crate::StoreError::from(e) {
                    $crate::StoreError::Conflict(_) => $crate::StoreError::Conflict(format!(
                        "{}年已有同名评选“{}” (a call of that name exists for {})",
                        new.year, new.name, new.year
                    )),
                    other => other,
                })?;
                Self::recognition_audit(
                    &mut tx,
                    org_id,
                    StepKind::Nominate,
                    &format!("recognition_call {id}"),
                    &format!(
                        "开启评选 (call opened): {} {}, 每单位名额 (quota) {}",
                        new.year, new.name, new.quota
                    ),
                    new.by,
                    at,
                )
                .await?;
                let (_, _, call) = Self::recognition_call_in(&mut tx, scope, id).await?;
                tx.commit().await?;
                Ok(call)
            }

            async fn calls(
                &self,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<Vec<$crate::recognition::Call>> {
                let rows: Vec<$crate::recognition::CallRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM recognition_calls c JOIN orgs o ON o.id = c.org_id \
                     WHERE {} ORDER BY c.id DESC",
                    $crate::recognition::CALL_COLUMNS,
                    $crate::recognition::call_tenant(1)
                ))
                .bind(scope.org())
                .fetch_all(&self.reader)
                .await?;
                rows.into_iter().map(|r| r.into_call()).collect()
            }

            async fn call(
                &self,
                scope: &$crate::OrgScope,
                id: i64,
            ) -> $crate::Result<$crate::recognition::Call> {
                let mut tx = self.reader.begin().await?;
                let (_, _, call) = Self::recognition_call_in(&mut tx, scope, id).await?;
                tx.commit().await?;
                Ok(call)
            }

            async fn nominate(
                &self,
                scope: &$crate::OrgScope,
                new: &$crate::recognition::NewNomination<'_>,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::recognition::Nomination> {
                use huzhu_domain::recognition::{NominationState, RecognitionError, StepKind};
                let mut tx = self.write_tx().await?;
                let (tenant_id, _, call) =
                    Self::recognition_call_in(&mut tx, scope, new.call).await?;
                huzhu_domain::recognition::call_transition(call.state, StepKind::Nominate)
                    .map_err(|e| $crate::StoreError::Conflict(e.to_string()))?;
                if new.today < call.opens_on || new.today > call.closes_on {
                    return Err($crate::StoreError::Conflict(
                        RecognitionError::OutsideNominationPeriod {
                            opens_on: call.opens_on,
                            closes_on: call.closes_on,
                        }
                        .to_string(),
                    ));
                }
                // The nominating union is in scope, the member's unit under it.
                let nominating: Option<i64> = sqlx::query_scalar(&format!(
                    "SELECT o.id FROM orgs o WHERE o.code = $1 AND {}",
                    $crate::archive::in_scope("o.id", 2)
                ))
                .bind(new.nominating_org.as_str())
                .bind(scope.org())
                .fetch_optional(&mut *tx)
                .await?;
                let nominating_id =
                    nominating.ok_or_else(|| $crate::StoreError::NotFound("org".into()))?;
                let member: Option<i64> = sqlx::query_scalar(
                    "SELECT m.org_id FROM members m WHERE m.id = $1 AND m.tenant_id = $2 \
                     AND m.org_id IN (SELECT descendant_id FROM org_closure \
                     WHERE ancestor_id = $3)",
                )
                .bind(new.member.0)
                .bind(tenant_id)
                .bind(nominating_id)
                .fetch_optional(&mut *tx)
                .await?;
                let unit_id =
                    member.ok_or_else(|| $crate::StoreError::NotFound("member".into()))?;
                let state = if new.refusals.is_empty() {
                    // Take a place of the quota: the upsert never raises `used` past it, so
                    // concurrent nominations of one union get at most `quota` places.
                    let used: Option<i32> = sqlx::query_scalar(
                        "INSERT INTO recognition_quota_use (tenant_id, call_id, org_id, used) \
                         VALUES ($1, $2, $3, 1) \
                         ON CONFLICT (tenant_id, call_id, org_id) DO UPDATE \
                         SET used = recognition_quota_use.used + 1 \
                         WHERE recognition_quota_use.used < $4 RETURNING used",
                    )
                    .bind(tenant_id)
                    .bind(call.id)
                    .bind(nominating_id)
                    .bind(call.quota)
                    .fetch_optional(&mut *tx)
                    .await?;
                    if used.is_none() {
                        return Err($crate::recognition::quota_full(call.quota));
                    }
                    NominationState::Nominated
                } else {
                    NominationState::Refused
                };
                let refusals = serde_json::to_string(new.refusals)
                    .map_err(|e| $crate::StoreError::Corrupt(e.to_string()))?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO recognition_nominations (tenant_id, call_id, nominating_org_id, \
                     member_id, unit_org_id, field, achievements, field_years, city_years, \
                     civil_servant, leading_cadre, state, refusals, nominated_by, nominated_at, \
                     updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
                     $14, $15, $15) RETURNING id",
                )
                .bind(tenant_id)
                .bind(call.id)
                .bind(nominating_id)
                .bind(new.member.0)
                .bind(unit_id)
                .bind(new.field)
                .bind(new.achievements)
                .bind(i32::try_from(new.facts.field_years).unwrap_or(i32::MAX))
                .bind(i32::try_from(new.facts.city_years).unwrap_or(i32::MAX))
                .bind(new.facts.civil_servant)
                .bind(new.facts.leading_cadre)
                .bind(state.code())
                .bind(&refusals)
                .bind(new.by)
                .bind(at)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| match $crate::StoreError::from(e) {
                    $crate::StoreError::Conflict(_) => $crate::StoreError::Conflict(
                        "该会员已被推荐参加本次评选 (the member is nominated to this call already)"
                            .into(),
                    ),
                    other => other,
                })?;
                let why: Vec<String> = new.refusals.iter().map(|r| r.to_string()).collect();
                Self::recognition_audit(
                    &mut tx,
                    nominating_id,
                    StepKind::Nominate,
                    &format!("nomination {id}"),
                    &format!(
                        "{} ({}){}",
                        state.label_zh(),
                        state.label_en(),
                        if why.is_empty() {
                            String::new()
                        } else {
                            format!(": {}", why.join("; "))
                        }
                    ),
                    new.by,
                    at,
                )
                .await?;
                let n = Self::nomination_in(&mut tx, id).await?;
                tx.commit().await?;
                Ok(n)
            }

            async fn nominations(
                &self,
                scope: &$crate::OrgScope,
                call: i64,
            ) -> $crate::Result<Vec<$crate::recognition::Nomination>> {
                use $crate::recognition::{NominationRow, NOMINATION_COLUMNS, NOMINATION_FROM};
                let rows: Vec<NominationRow> = sqlx::query_as(&format!(
                    "SELECT {NOMINATION_COLUMNS} FROM {NOMINATION_FROM} WHERE n.call_id = $1 \
                     AND {} ORDER BY n.place IS NULL, n.place, n.id",
                    $crate::recognition::nomination_scope(2)
                ))
                .bind(call)
                .bind(scope.org())
                .fetch_all(&self.reader)
                .await?;
                rows.into_iter().map(|r| r.into_nomination()).collect()
            }

            async fn nomination(
                &self,
                scope: &$crate::OrgScope,
                id: i64,
            ) -> $crate::Result<$crate::recognition::Nomination> {
                let mut tx = self.reader.begin().await?;
                let found: Option<i64> = sqlx::query_scalar(&format!(
                    "SELECT n.id FROM recognition_nominations n WHERE n.id = $1 AND {}",
                    $crate::recognition::nomination_scope(2)
                ))
                .bind(id)
                .bind(scope.org())
                .fetch_optional(&mut *tx)
                .await?;
                if found.is_none() {
                    return Err($crate::StoreError::NotFound(format!("nomination {id}")));
                }
                let n = Self::nomination_in(&mut tx, id).await?;
                tx.commit().await?;
                Ok(n)
            }

            async fn nomination_scores(
                &self,
                scope: &$crate::OrgScope,
                id: i64,
            ) -> $crate::Result<Vec<$crate::recognition::Score>> {
                let rows: Vec<$crate::recognition::ScoreRow> = sqlx::query_as(&format!(
                    "{} JOIN recognition_nominations n \
                     ON n.tenant_id = s.tenant_id AND n.id = s.nomination_id \
                     WHERE s.nomination_id = $1 AND {} ORDER BY s.id",
                    $crate::recognition::SCORE_SELECT,
                    $crate::recognition::nomination_scope(2)
                ))
                .bind(id)
                .bind(scope.org())
                .fetch_all(&self.reader)
                .await?;
                Ok(rows.into_iter().map(|r| r.into_score()).collect())
            }

            async fn confirm_nomination(
                &self,
                scope: &$crate::OrgScope,
                id: i64,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::recognition::Nomination> {
                use huzhu_domain::recognition::{transition, StepKind};
                let mut tx = self.write_tx().await?;
                let found: Option<i64> = sqlx::query_scalar(
                    "SELECT n.call_id FROM recognition_nominations n WHERE n.id = $1",
                )
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                let call_id =
                    found.ok_or_else(|| $crate::StoreError::NotFound(format!("nomination {id}")))?;
                let (_, org_id, call) = Self::recognition_call_in(&mut tx, scope, call_id)
                    .await
                    .map_err(|_| $crate::StoreError::NotFound(format!("nomination {id}")))?;
                huzhu_domain::recognition::call_transition(call.state, StepKind::Confirm)
                    .map_err(|e| $crate::StoreError::Conflict(e.to_string()))?;
                let current = Self::nomination_in(&mut tx, id).await?;
                let to = transition(current.state, StepKind::Confirm, false, false)
                    .map_err(|e| $crate::StoreError::Conflict(e.to_string()))?;
                let n = sqlx::query(
                    "UPDATE recognition_nominations SET state = $1, confirmed_by = $2, \
                     updated_at = $3 WHERE id = $4 AND state = $5",
                )
                .bind(to.code())
                .bind(by)
                .bind(at)
                .bind(id)
                .bind(current.state.code())
                .execute(&mut *tx)
                .await?;
                if n.rows_affected() != 1 {
                    return Err($crate::StoreError::Conflict(
                        "候选人已被他人更新 (the nomination was changed meanwhile)".into(),
                    ));
                }
                Self::recognition_audit(
                    &mut tx,
                    org_id,
                    StepKind::Confirm,
                    &format!("nomination {id}"),
                    &current.member_name,
                    by,
                    at,
                )
                .await?;
                let n = Self::nomination_in(&mut tx, id).await?;
                tx.commit().await?;
                Ok(n)
            }

            async fn add_expert(
                &self,
                scope: &$crate::OrgScope,
                org: &huzhu_domain::org::OrgCode,
                name: &str,
                title: &str,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::recognition::Expert> {
                let mut tx = self.write_tx().await?;
                // The expert's unit: any org of the actor's tenant.
                let found: Option<(i64, i64)> = sqlx::query_as(
                    "SELECT o.id, COALESCE(o.tenant_id, o.id) FROM orgs o WHERE o.code = $1 \
                     AND ($2 IS NULL OR COALESCE(o.tenant_id, o.id) = (SELECT \
                     COALESCE(t.tenant_id, t.id) FROM orgs t WHERE t.code = $2))",
                )
                .bind(org.as_str())
                .bind(scope.org())
                .fetch_optional(&mut *tx)
                .await?;
                let (org_id, tenant_id) =
                    found.ok_or_else(|| $crate::StoreError::NotFound("org".into()))?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO recognition_experts (tenant_id, org_id, name, title, \
                     created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(tenant_id)
                .bind(org_id)
                .bind(name)
                .bind(title)
                .bind(by)
                .bind(at)
                .fetch_one(&mut *tx)
                .await?;
                Self::recognition_audit(
                    &mut tx,
                    org_id,
                    huzhu_domain::recognition::StepKind::Score,
                    &format!("recognition_expert {id}"),
                    &format!("专家入库 (expert added): {name}, {title}"),
                    by,
                    at,
                )
                .await?;
                let row: $crate::recognition::ExpertRow = sqlx::query_as(
                    "SELECT e.id, o.code AS org_code, o.name AS org_name, e.name, e.title \
                     FROM recognition_experts e JOIN orgs o ON o.id = e.org_id WHERE e.id = $1",
                )
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(row.into_expert())
            }

            async fn experts(
                &self,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<Vec<$crate::recognition::Expert>> {
                let rows: Vec<$crate::recognition::ExpertRow> = sqlx::query_as(
                    "SELECT e.id, o.code AS org_code, o.name AS org_name, e.name, e.title \
                     FROM recognition_experts e JOIN orgs o ON o.id = e.org_id \
                     WHERE $1 IS NULL OR e.tenant_id = (SELECT COALESCE(t.tenant_id, t.id) \
                     FROM orgs t WHERE t.code = $1) ORDER BY e.id",
                )
                .bind(scope.org())
                .fetch_all(&self.reader)
                .await?;
                Ok(rows.into_iter().map(|r| r.into_expert()).collect())
            }

            async fn record_score(
                &self,
                scope: &$crate::OrgScope,
                nomination: i64,
                expert: i64,
                score: i64,
                note: Option<&str>,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::recognition::Score> {
                use huzhu_domain::recognition::{check_conflict, check_score, transition, StepKind};
                let conflict =
                    |e: &dyn std::fmt::Display| $crate::StoreError::Conflict(e.to_string());
                let mut tx = self.write_tx().await?;
                let found: Option<i64> = sqlx::query_scalar(
                    "SELECT n.call_id FROM recognition_nominations n WHERE n.id = $1",
                )
                .bind(nomination)
                .fetch_optional(&mut *tx)
                .await?;
                let call_id = found
                    .ok_or_else(|| $crate::StoreError::NotFound(format!("nomination {nomination}")))?;
                let (tenant_id, org_id, call) =
                    Self::recognition_call_in(&mut tx, scope, call_id)
                        .await
                        .map_err(|_| {
                            $crate::StoreError::NotFound(format!("nomination {nomination}"))
                        })?;
                huzhu_domain::recognition::call_transition(call.state, StepKind::Score)
                    .map_err(|e| conflict(&e))?;
                let current = Self::nomination_in(&mut tx, nomination).await?;
                transition(current.state, StepKind::Score, false, false)
                    .map_err(|e| conflict(&e))?;
                let expert_unit: Option<String> = sqlx::query_scalar(
                    "SELECT o.code FROM recognition_experts e JOIN orgs o ON o.id = e.org_id \
                     WHERE e.id = $1 AND e.tenant_id = $2",
                )
                .bind(expert)
                .bind(tenant_id)
                .fetch_optional(&mut *tx)
                .await?;
                let expert_unit = expert_unit
                    .ok_or_else(|| $crate::StoreError::NotFound(format!("expert {expert}")))?;
                check_conflict(&expert_unit, &current.unit, &current.nominating_org)
                    .map_err(|e| conflict(&e))?;
                check_score(score).map_err(|e| conflict(&e))?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO recognition_scores (tenant_id, nomination_id, expert_id, score, \
                     note, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     RETURNING id",
                )
                .bind(tenant_id)
                .bind(nomination)
                .bind(expert)
                .bind(score)
                .bind(note)
                .bind(by)
                .bind(at)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| match $crate::StoreError::from(e) {
                    $crate::StoreError::Conflict(_) => $crate::StoreError::Conflict(
                        "该专家已为此候选人评分 (the expert has scored this nominee already)".into(),
                    ),
                    other => other,
                })?;
                Self::recognition_audit(
                    &mut tx,
                    org_id,
                    StepKind::Score,
                    &format!("nomination {nomination}"),
                    &format!("expert {expert}: {score}"),
                    by,
                    at,
                )
                .await?;
                let row: $crate::recognition::ScoreRow = sqlx::query_as(&format!(
                    "{} WHERE s.id = $1",
                    $crate::recognition::SCORE_SELECT
                ))
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(row.into_score())
            }

            async fn approve_ranking(
                &self,
                scope: &$crate::OrgScope,
                call_id: i64,
                award_count: i32,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<Vec<$crate::recognition::Nomination>> {
                use huzhu_domain::recognition::{rank, NominationState, StepKind};
                let mut tx = self.write_tx().await?;
                let (_, org_id, call) = Self::recognition_call_in(&mut tx, scope, call_id).await?;
                Self::recognition_call_step(&mut tx, &call, StepKind::ApproveRanking, at).await?;
                let confirmed: Vec<i64> = Self::nominations_in(&mut tx, call_id)
                    .await?
                    .into_iter()
                    .filter(|n| n.state == NominationState::Confirmed)
                    .map(|n| n.id)
                    .collect();
                let mut scored = Vec::with_capacity(confirmed.len());
                for id in confirmed {
                    let scores: Vec<i64> = sqlx::query_scalar(
                        "SELECT score FROM recognition_scores WHERE nomination_id = $1",
                    )
                    .bind(id)
                    .fetch_all(&mut *tx)
                    .await?;
                    scored.push((id, scores));
                }
                let ranking =
                    rank(&scored).map_err(|e| $crate::StoreError::Conflict(e.to_string()))?;
                let count = usize::try_from(award_count).unwrap_or(0);
                for r in &ranking {
                    let to = if r.place <= count {
                        NominationState::Selected
                    } else {
                        NominationState::NotSelected
                    };
                    sqlx::query(
                        "UPDATE recognition_nominations SET state = $1, mean_centi = $2, \
                         place = $3, updated_at = $4 WHERE id = $5 AND state = 'confirmed'",
                    )
                    .bind(to.code())
                    .bind(r.mean_centi)
                    .bind(i32::try_from(r.place).unwrap_or(i32::MAX))
                    .bind(at)
                    .bind(r.nomination)
                    .execute(&mut *tx)
                    .await?;
                }
                sqlx::query("UPDATE recognition_calls SET award_count = $1 WHERE id = $2")
                    .bind(award_count)
                    .bind(call_id)
                    .execute(&mut *tx)
                    .await?;
                let order: Vec<String> = ranking
                    .iter()
                    .map(|r| format!("{}:{}", r.nomination, r.mean_centi))
                    .collect();
                Self::recognition_audit(
                    &mut tx,
                    org_id,
                    StepKind::ApproveRanking,
                    &format!("recognition_call {call_id}"),
                    &format!("授予名额 (to award) {award_count}; 排名 (ranking) {}", order.join(", ")),
                    by,
                    at,
                )
                .await?;
                let list = Self::nominations_in(&mut tx, call_id).await?;
                tx.commit().await?;
                Ok(list)
            }

            async fn start_recognition_notice(
                &self,
                scope: &$crate::OrgScope,
                call_id: i64,
                window: huzhu_domain::notice::NoticeWindow,
                working_days: u32,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<Vec<$crate::recognition::Nomination>> {
                use huzhu_domain::recognition::{NominationState, StepKind};
                let mut tx = self.write_tx().await?;
                let (tenant_id, org_id, call) =
                    Self::recognition_call_in(&mut tx, scope, call_id).await?;
                Self::recognition_call_step(&mut tx, &call, StepKind::StartNotice, at).await?;
                let selected: Vec<_> = Self::nominations_in(&mut tx, call_id)
                    .await?
                    .into_iter()
                    .filter(|n| n.state == NominationState::Selected)
                    .collect();
                for n in &selected {
                    sqlx::query(
                        "UPDATE recognition_nominations SET state = $1, updated_at = $2 \
                         WHERE id = $3 AND state = 'selected'",
                    )
                    .bind(NominationState::InNotice.code())
                    .bind(at)
                    .bind(n.id)
                    .execute(&mut *tx)
                    .await?;
                    let unit_id: i64 = sqlx::query_scalar(
                        "SELECT unit_org_id FROM recognition_nominations WHERE id = $1",
                    )
                    .bind(n.id)
                    .fetch_one(&mut *tx)
                    .await?;
                    sqlx::query(
                        "INSERT INTO notices (tenant_id, org_id, subject_kind, subject_id, \
                         public_name, unit_name, summary, starts_on, ends_on, working_days, \
                         status, created_by, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open', $11, $12)",
                    )
                    .bind(tenant_id)
                    .bind(unit_id)
                    .bind($crate::recognition::NOMINATION)
                    .bind(n.id)
                    .bind(huzhu_domain::notice::public_name(&n.member_name))
                    .bind(&n.unit_name)
                    .bind(format!("{} {}", call.year, call.name))
                    .bind(window.starts_on)
                    .bind(window.ends_on)
                    .bind(i32::try_from(working_days).unwrap_or(i32::MAX))
                    .bind(by)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                }
                Self::recognition_audit(
                    &mut tx,
                    org_id,
                    StepKind::StartNotice,
                    &format!("recognition_call {call_id}"),
                    &format!(
                        "{} – {}, {} 人 (nominees)",
                        window.starts_on,
                        window.ends_on,
                        selected.len()
                    ),
                    by,
                    at,
                )
                .await?;
                let list = Self::nominations_in(&mut tx, call_id).await?;
                tx.commit().await?;
                Ok(list)
            }

            async fn award(
                &self,
                scope: &$crate::OrgScope,
                call_id: i64,
                today: chrono::NaiveDate,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<Vec<$crate::recognition::Nomination>> {
                use huzhu_domain::notice::{NoticeState, ObjectionStatus};
                use huzhu_domain::recognition::{NominationState, StepKind};
                let mut tx = self.write_tx().await?;
                let (_, org_id, call) = Self::recognition_call_in(&mut tx, scope, call_id).await?;
                huzhu_domain::recognition::call_transition(call.state, StepKind::Award)
                    .map_err(|e| $crate::StoreError::Conflict(e.to_string()))?;
                let in_notice: Vec<i64> = Self::nominations_in(&mut tx, call_id)
                    .await?
                    .into_iter()
                    .filter(|n| n.state == NominationState::InNotice)
                    .map(|n| n.id)
                    .collect();
                for id in &in_notice {
                    let n = Self::nomination_in(&mut tx, *id).await?;
                    let Some(notice) = n.notice else { continue };
                    if notice.window.state(today) == NoticeState::Running {
                        return Err($crate::StoreError::Conflict(
                            huzhu_domain::notice::NoticeBlock::StillRunning {
                                ends_on: notice.window.ends_on,
                            }
                            .to_string(),
                        ));
                    }
                    let open: Vec<ObjectionStatus> = notice
                        .objections
                        .iter()
                        .map(|o| ObjectionStatus { outcome: o.outcome })
                        .collect();
                    huzhu_domain::notice::may_conclude(&notice.window, &open, today)
                        .map_err(|e| {
                            $crate::StoreError::Conflict(format!("{} ({}): {e}", n.member_name, n.id))
                        })?;
                }
                Self::recognition_call_step(&mut tx, &call, StepKind::Award, at).await?;
                for id in &in_notice {
                    sqlx::query(
                        "UPDATE recognition_nominations SET state = $1, updated_at = $2 \
                         WHERE id = $3 AND state = 'in_notice'",
                    )
                    .bind(NominationState::Awarded.code())
                    .bind(at)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query(
                        "UPDATE notices SET status = 'concluded', concluded_at = $1 \
                         WHERE subject_kind = $2 AND subject_id = $3 AND status = 'open'",
                    )
                    .bind(at)
                    .bind($crate::recognition::NOMINATION)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
                Self::recognition_audit(
                    &mut tx,
                    org_id,
                    StepKind::Award,
                    &format!("recognition_call {call_id}"),
                    &format!("{} 人 (awarded)", in_notice.len()),
                    by,
                    at,
                )
                .await?;
                let list = Self::nominations_in(&mut tx, call_id).await?;
                tx.commit().await?;
                Ok(list)
            }
        }
    };
}

pub(crate) use impl_recognition_store;
