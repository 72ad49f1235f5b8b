//! [`super::LegalAidStore`] written once, expanded for each backend.

/// Expands [`super::LegalAidStore`] for one backend (after `impl_bank_store!`, whose `audit_in`
/// it uses).
macro_rules! impl_legal_aid_store {
    ($store:ty) => {
        impl $store {
            async fn legal_case_in<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                id: i64,
            ) -> $crate::Result<$crate::legal_aid::LegalCase> {
                use $crate::legal_aid::{CaseRow, CASE_COLUMNS, CASE_FROM};
                let row: CaseRow = sqlx::query_as(&format!(
                    "SELECT {CASE_COLUMNS} FROM {CASE_FROM} WHERE c.id = $1"
                ))
                .bind(id)
                .fetch_one(&mut **tx)
                .await?;
                row.into_case()
            }

            async fn lawyer_in<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                id: i64,
            ) -> $crate::Result<$crate::legal_aid::Lawyer> {
                let row: $crate::legal_aid::LawyerRow = sqlx::query_as(&format!(
                    "SELECT {} FROM legal_aid_lawyers l JOIN orgs o ON o.id = l.org_id \
                     WHERE l.id = $1",
                    $crate::legal_aid::LAWYER_COLUMNS
                ))
                .bind(id)
                .fetch_one(&mut **tx)
                .await?;
                row.into_lawyer()
            }

            #[allow(clippy::too_many_arguments)]
            async fn legal_aid_event<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                tenant_id: i64,
                org_id: i64,
                case_id: i64,
                step: huzhu_domain::legal_aid::StepKind,
                state: huzhu_domain::legal_aid::CaseState,
                on: chrono::NaiveDate,
                activity: Option<huzhu_domain::legal_aid::ActivityKind>,
                note: Option<&str>,
                details: &str,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<()> {
                sqlx::query(
                    "INSERT INTO legal_aid_events (tenant_id, case_id, at, on_date, actor, step, \
                     state, activity, note, details) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(tenant_id)
                .bind(case_id)
                .bind(at)
                .bind(on)
                .bind(by)
                .bind(step.code())
                .bind(state.code())
                .bind(activity.map(|a| a.code()))
                .bind(note)
                .bind(details)
                .execute(&mut **tx)
                .await?;
                let detail = format!(
                    "法律援助 (legal aid) {case_id}: {} ({}) → {} ({}){}",
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
                        action: &format!("legal_aid.{}", step.code()),
                        subject: &format!("legal_aid_case {case_id}"),
                        detail: &detail,
                        org_id: Some(org_id),
                    },
                )
                .await
            }
        }

        impl $crate::legal_aid::LegalAidStore for $store {
            async fn add_lawyer(
                &self,
                scope: &$crate::OrgScope,
                new: &$crate::legal_aid::NewLawyer<'_>,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::legal_aid::Lawyer> {
                let mut tx = self.write_tx().await?;
                let org: Option<(i64, Option<i64>)> = sqlx::query_as(&format!(
                    "SELECT o.id, o.tenant_id FROM orgs o WHERE o.code = $1 AND {}",
                    $crate::archive::in_scope("o.id", 2)
                ))
                .bind(new.org.as_str())
                .bind(scope.org())
                .fetch_optional(&mut *tx)
                .await?;
                let (org_id, tenant) =
                    org.ok_or_else(|| $crate::StoreError::NotFound("org".into()))?;
                let tenant_id = tenant.unwrap_or(org_id);
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO legal_aid_lawyers (tenant_id, org_id, name, firm, phone, active, \
                     created_by, created_at) VALUES ($1, $2, $3, $4, $5, TRUE, $6, $7) RETURNING id",
                )
                .bind(tenant_id)
                .bind(org_id)
                .bind(new.name)
                .bind(new.firm)
                .bind(new.phone)
                .bind(new.by)
                .bind(at)
                .fetch_one(&mut *tx)
                .await?;
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor: new.by,
                        action: "legal_aid.add_lawyer",
                        subject: &format!("legal_aid_lawyer {id}"),
                        detail: &format!(
                            "律师库新增 (lawyer added to the panel): {} ({})",
                            new.name, new.firm
                        ),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                let lawyer = Self::lawyer_in(&mut tx, id).await?;
                tx.commit().await?;
                Ok(lawyer)
            }

            async fn set_lawyer_active(
                &self,
                scope: &$crate::OrgScope,
                id: i64,
                active: bool,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::legal_aid::Lawyer> {
                let mut tx = self.write_tx().await?;
                let org: Option<i64> = sqlx::query_scalar(&format!(
                    "SELECT l.org_id FROM legal_aid_lawyers l WHERE l.id = $1 AND {}",
                    $crate::archive::in_scope("l.org_id", 2)
                ))
                .bind(id)
                .bind(scope.org())
                .fetch_optional(&mut *tx)
                .await?;
                let org_id =
                    org.ok_or_else(|| $crate::StoreError::NotFound(format!("lawyer {id}")))?;
                sqlx::query("UPDATE legal_aid_lawyers SET active = $1 WHERE id = $2")
                    .bind(active)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor: by,
                        action: "legal_aid.lawyer_active",
                        subject: &format!("legal_aid_lawyer {id}"),
                        detail: if active {
                            "律师恢复入库 (lawyer back on the panel)"
                        } else {
                            "律师停用 (lawyer taken off the panel)"
                        },
                        org_id: Some(org_id),
                    },
                )
                .await?;
                let lawyer = Self::lawyer_in(&mut tx, id).await?;
                tx.commit().await?;
                Ok(lawyer)
            }

            async fn lawyers(
                &self,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<Vec<$crate::legal_aid::Lawyer>> {
                let rows: Vec<$crate::legal_aid::LawyerRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM legal_aid_lawyers l JOIN orgs o ON o.id = l.org_id \
                     WHERE $1 IS NULL OR l.org_id IN (SELECT c.descendant_id FROM org_closure c \
                     JOIN orgs a ON a.id = c.ancestor_id WHERE a.code = $1) \
                     OR l.org_id IN (SELECT c.ancestor_id FROM org_closure c \
                     JOIN orgs d ON d.id = c.descendant_id WHERE d.code = $1) \
                     ORDER BY l.active DESC, l.id",
                    $crate::legal_aid::LAWYER_COLUMNS
                ))
                .bind(scope.org())
                .fetch_all(&self.reader)
                .await?;
                rows.into_iter().map(|r| r.into_lawyer()).collect()
            }

            async fn open_case(
                &self,
                scope: &$crate::OrgScope,
                new: &$crate::legal_aid::NewCase<'_>,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::legal_aid::LegalCase> {
                use huzhu_domain::legal_aid::{CaseState, StepKind};
                let mut tx = self.write_tx().await?;
                let member: Option<(i64, i64)> = sqlx::query_as(&format!(
                    "SELECT m.tenant_id, m.org_id FROM members m WHERE m.id = $1 AND {}",
                    $crate::archive::in_scope("m.org_id", 2)
                ))
                .bind(new.member.0)
                .bind(scope.org())
                .fetch_optional(&mut *tx)
                .await?;
                let (tenant_id, org_id) =
                    member.ok_or_else(|| $crate::StoreError::NotFound("member".into()))?;
                let state = CaseState::Intake;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO legal_aid_cases (tenant_id, org_id, member_id, kind, summary, \
                     state, opened_by, opened_at, opened_on, approval_due, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $8) RETURNING id",
                )
                .bind(tenant_id)
                .bind(org_id)
                .bind(new.member.0)
                .bind(new.kind.code())
                .bind(new.summary)
                .bind(state.code())
                .bind(new.by)
                .bind(at)
                .bind(new.on)
                .bind(new.approval_due)
                .fetch_one(&mut *tx)
                .await?;
                let details = serde_json::json!({
                    "kind": new.kind.code(), "approval_due": new.approval_due,
                })
                .to_string();
                Self::legal_aid_event(
                    &mut tx,
                    tenant_id,
                    org_id,
                    id,
                    StepKind::Open,
                    state,
                    new.on,
                    None,
                    Some(new.summary),
                    &details,
                    new.by,
                    at,
                )
                .await?;
                let case = Self::legal_case_in(&mut tx, id).await?;
                tx.commit().await?;
                Ok(case)
            }

            async fn legal_case(
                &self,
                vis: &$crate::Visibility,
                id: i64,
            ) -> $crate::Result<$crate::legal_aid::LegalCase> {
                use $crate::legal_aid::{CaseRow, CASE_COLUMNS, CASE_FROM};
                let (org, member) = $crate::legal_aid::vis_binds(vis);
                let row: Option<CaseRow> = sqlx::query_as(&format!(
                    "SELECT {CASE_COLUMNS} FROM {CASE_FROM} WHERE c.id = $1 AND {}",
                    $crate::legal_aid::visible(2)
                ))
                .bind(id)
                .bind(org)
                .bind(member)
                .fetch_optional(&self.reader)
                .await?;
                row.ok_or_else(|| $crate::StoreError::NotFound(format!("legal aid case {id}")))?
                    .into_case()
            }

            async fn legal_cases(
                &self,
                vis: &$crate::Visibility,
                filter: &$crate::legal_aid::CaseFilter,
            ) -> $crate::Result<Vec<$crate::legal_aid::LegalCase>> {
                use $crate::legal_aid::{CaseRow, CASE_COLUMNS, CASE_FROM};
                let (org, member) = $crate::legal_aid::vis_binds(vis);
                let open_only = if filter.open_only { Some(1_i64) } else { None };
                let rows: Vec<CaseRow> = sqlx::query_as(&format!(
                    "SELECT {CASE_COLUMNS} FROM {CASE_FROM} WHERE {} \
                     AND ($3 IS NULL OR c.state = $3) AND ($4 IS NULL OR c.kind = $4) \
                     AND ($5 IS NULL OR c.state NOT IN ('refused', 'closed')) \
                     AND ($6 IS NULL OR c.id < $6) ORDER BY c.id DESC LIMIT $7",
                    $crate::legal_aid::visible(1)
                ))
                .bind(org)
                .bind(member)
                .bind(filter.state.map(|s| s.code()))
                .bind(filter.kind.map(|k| k.code()))
                .bind(open_only)
                .bind(filter.before)
                .bind(i64::from(filter.limit.clamp(1, 1000)))
                .fetch_all(&self.reader)
                .await?;
                rows.into_iter().map(|r| r.into_case()).collect()
            }

            async fn legal_case_events(
                &self,
                vis: &$crate::Visibility,
                id: i64,
            ) -> $crate::Result<Vec<$crate::legal_aid::CaseEvent>> {
                let (org, member) = $crate::legal_aid::vis_binds(vis);
                let rows: Vec<$crate::legal_aid::EventRow> = sqlx::query_as(&format!(
                    "SELECT e.id, e.at, e.on_date, e.actor, e.step, e.state, e.activity, e.note, \
                     e.details FROM legal_aid_events e \
                     JOIN legal_aid_cases c ON c.tenant_id = e.tenant_id AND c.id = e.case_id \
                     WHERE e.case_id = $1 AND {} ORDER BY e.id",
                    $crate::legal_aid::visible(2)
                ))
                .bind(id)
                .bind(org)
                .bind(member)
                .fetch_all(&self.reader)
                .await?;
                if rows.is_empty() {
                    // Every case has its opening event: none means not found or not visible.
                    return Err($crate::StoreError::NotFound(format!("legal aid case {id}")));
                }
                rows.into_iter().map(|r| r.into_event()).collect()
            }

            async fn legal_case_step(
                &self,
                scope: &$crate::OrgScope,
                id: i64,
                change: &$crate::legal_aid::CaseChange<'_>,
                by: &str,
                today: chrono::NaiveDate,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::legal_aid::LegalCase> {
                use huzhu_domain::legal_aid::{self as domain, Step};
                use $crate::legal_aid::CaseChange;
                let conflict =
                    |e: &dyn std::fmt::Display| $crate::StoreError::Conflict(e.to_string());
                let mut tx = self.write_tx().await?;
                let found: Option<(i64, i64)> = sqlx::query_as(&format!(
                    "SELECT c.tenant_id, c.org_id FROM legal_aid_cases c WHERE c.id = $1 AND {}",
                    $crate::archive::in_scope("c.org_id", 2)
                ))
                .bind(id)
                .bind(scope.org())
                .fetch_optional(&mut *tx)
                .await?;
                let (tenant_id, org_id) = found
                    .ok_or_else(|| $crate::StoreError::NotFound(format!("legal aid case {id}")))?;
                let current = Self::legal_case_in(&mut tx, id).await?;
                // The lawyer must be active and on the panel of a federation at or above the
                // case's unit, in the same tenant.
                let mut lawyer_active = true;
                if let CaseChange::Assign { lawyer, .. } = change {
                    let row: Option<bool> = sqlx::query_scalar(
                        "SELECT l.active FROM legal_aid_lawyers l WHERE l.id = $1 \
                         AND l.tenant_id = $2 AND l.org_id IN (SELECT ancestor_id \
                         FROM org_closure WHERE descendant_id = $3)",
                    )
                    .bind(lawyer)
                    .bind(tenant_id)
                    .bind(org_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                    lawyer_active = row.ok_or_else(|| {
                        $crate::StoreError::NotFound(format!("lawyer {lawyer}"))
                    })?;
                }
                let step = match change {
                    CaseChange::Check { eligible, .. } => Step::Check {
                        eligible: *eligible,
                    },
                    CaseChange::Refuse { .. } => Step::Refuse,
                    CaseChange::Approve { .. } => Step::Approve,
                    CaseChange::Assign { .. } => Step::Assign {
                        active: lawyer_active,
                    },
                    CaseChange::Record { .. } => Step::Record,
                    CaseChange::Close {
                        outcome,
                        recovered_fen,
                        ..
                    } => Step::Close {
                        outcome: *outcome,
                        recovered_fen: *recovered_fen,
                    },
                };
                let to = domain::transition(current.state, &step).map_err(|e| conflict(&e))?;
                let from = current.state.code();
                let mut on = today;
                let mut activity = None;
                let (note, details, n): (Option<&str>, serde_json::Value, u64) = match change {
                    CaseChange::Check { eligible, reason } => {
                        let n = sqlx::query(
                            "UPDATE legal_aid_cases SET state = $1, updated_at = $2, reason = $3 \
                             WHERE id = $4 AND state = $5",
                        )
                        .bind(to.code())
                        .bind(at)
                        .bind(*reason)
                        .bind(id)
                        .bind(from)
                        .execute(&mut *tx)
                        .await?;
                        (
                            *reason,
                            serde_json::json!({ "eligible": eligible }),
                            n.rows_affected(),
                        )
                    }
                    CaseChange::Refuse { reason } => {
                        let n = sqlx::query(
                            "UPDATE legal_aid_cases SET state = $1, updated_at = $2, reason = $3 \
                             WHERE id = $4 AND state = $5",
                        )
                        .bind(to.code())
                        .bind(at)
                        .bind(*reason)
                        .bind(id)
                        .bind(from)
                        .execute(&mut *tx)
                        .await?;
                        (Some(*reason), serde_json::json!({}), n.rows_affected())
                    }
                    CaseChange::Approve { handling_due, note } => {
                        let n = sqlx::query(
                            "UPDATE legal_aid_cases SET state = $1, updated_at = $2, \
                             approved_by = $3, approved_on = $4, handling_due = $5 \
                             WHERE id = $6 AND state = $7",
                        )
                        .bind(to.code())
                        .bind(at)
                        .bind(by)
                        .bind(today)
                        .bind(*handling_due)
                        .bind(id)
                        .bind(from)
                        .execute(&mut *tx)
                        .await?;
                        (
                            $crate::archive::note_of(note),
                            serde_json::json!({
                                "handling_due": handling_due,
                                "late": today > current.approval_due,
                            }),
                            n.rows_affected(),
                        )
                    }
                    CaseChange::Assign { lawyer, note } => {
                        let n = sqlx::query(
                            "UPDATE legal_aid_cases SET state = $1, updated_at = $2, \
                             lawyer_id = $3, assigned_on = $4 WHERE id = $5 AND state = $6",
                        )
                        .bind(to.code())
                        .bind(at)
                        .bind(*lawyer)
                        .bind(today)
                        .bind(id)
                        .bind(from)
                        .execute(&mut *tx)
                        .await?;
                        (
                            $crate::archive::note_of(note),
                            serde_json::json!({ "lawyer": lawyer, "previous": current.lawyer_id }),
                            n.rows_affected(),
                        )
                    }
                    CaseChange::Record {
                        on: when,
                        activity: kind,
                        note,
                    } => {
                        let assigned = current.assigned_on.unwrap_or(current.opened_on);
                        domain::check_activity_date(*when, assigned, today)
                            .map_err(|e| conflict(&e))?;
                        on = *when;
                        activity = Some(*kind);
                        let n = sqlx::query(
                            "UPDATE legal_aid_cases SET state = $1, updated_at = $2 \
                             WHERE id = $3 AND state = $4",
                        )
                        .bind(to.code())
                        .bind(at)
                        .bind(id)
                        .bind(from)
                        .execute(&mut *tx)
                        .await?;
                        (
                            Some(*note),
                            serde_json::json!({ "activity": kind.code(), "on": when }),
                            n.rows_affected(),
                        )
                    }
                    CaseChange::Close {
                        outcome,
                        recovered_fen,
                        note,
                    } => {
                        let n = sqlx::query(
                            "UPDATE legal_aid_cases SET state = $1, updated_at = $2, reason = $3, \
                             outcome = $4, recovered_fen = $5, closed_on = $6 \
                             WHERE id = $7 AND state = $8",
                        )
                        .bind(to.code())
                        .bind(at)
                        .bind($crate::archive::note_of(note))
                        .bind(outcome.code())
                        .bind(*recovered_fen)
                        .bind(today)
                        .bind(id)
                        .bind(from)
                        .execute(&mut *tx)
                        .await?;
                        (
                            $crate::archive::note_of(note),
                            serde_json::json!({
                                "outcome": outcome.code(), "recovered_fen": recovered_fen,
                            }),
                            n.rows_affected(),
                        )
                    }
                };
                if n != 1 {
                    return Err($crate::StoreError::Conflict(
                        $crate::legal_aid::CHANGED.into(),
                    ));
                }
                Self::legal_aid_event(
                    &mut tx,
                    tenant_id,
                    org_id,
                    id,
                    step.kind(),
                    to,
                    on,
                    activity,
                    note,
                    &details.to_string(),
                    by,
                    at,
                )
                .await?;
                let case = Self::legal_case_in(&mut tx, id).await?;
                tx.commit().await?;
                Ok(case)
            }

            async fn legal_aid_figures(
                &self,
                scope: &$crate::OrgScope,
                from: chrono::NaiveDate,
                to: chrono::NaiveDate,
            ) -> $crate::Result<Vec<$crate::legal_aid::CaseFigure>> {
                let rows: Vec<$crate::legal_aid::FigureRow> = sqlx::query_as(&format!(
                    "SELECT o.code AS org_code, o.name AS org_name, l.id AS lawyer_id, \
                     l.name AS lawyer, l.firm AS lawyer_firm, c.kind, \
                     c.state, c.outcome, COUNT(*) AS cases, \
                     CAST(COALESCE(SUM(c.recovered_fen), 0) AS BIGINT) AS recovered_fen \
                     FROM legal_aid_cases c JOIN orgs o ON o.id = c.org_id \
                     LEFT JOIN legal_aid_lawyers l \
                     ON l.tenant_id = c.tenant_id AND l.id = c.lawyer_id \
                     WHERE {} AND c.opened_on >= $2 AND c.opened_on <= $3 \
                     GROUP BY o.code, o.name, l.id, l.name, l.firm, c.kind, c.state, c.outcome \
                     ORDER BY o.code, l.id, c.kind, c.state, c.outcome",
                    $crate::archive::in_scope("c.org_id", 1)
                ))
                .bind(scope.org())
                .bind(from)
                .bind(to)
                .fetch_all(&self.reader)
                .await?;
                rows.into_iter().map(|r| r.into_figure()).collect()
            }
        }
    };
}

pub(crate) use impl_legal_aid_store;
