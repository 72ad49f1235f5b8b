//! 会员名册 — the member registry (`members`, `member_history`): imported batch by batch with
//! history, listed and searched by subtree, read by ID number.

use crate::model::*;
use crate::StoreError;
use chrono::{DateTime, NaiveDate, Utc};

pub(crate) const MEMBER_COLUMNS: &str = "m.id, m.tenant_id, m.id_kind, m.id_number, m.name, \
     m.gender, m.birth_date, m.phone, m.org_id, o.code AS org_code, m.status, m.hire_date, \
     m.join_date, m.ss_region, m.tags, m.bank_account, m.bank_branch, m.version, m.updated_at";

#[derive(Clone, sqlx::FromRow)]
pub(crate) struct MemberRow {
    pub id: i64,
    pub tenant_id: i64,
    pub id_kind: String,
    pub id_number: String,
    pub name: String,
    pub gender: String,
    pub birth_date: NaiveDate,
    pub phone: Option<String>,
    pub org_id: i64,
    pub org_code: String,
    pub status: String,
    pub hire_date: Option<NaiveDate>,
    pub join_date: Option<NaiveDate>,
    pub ss_region: Option<String>,
    pub tags: String,
    pub bank_account: Option<String>,
    pub bank_branch: Option<String>,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

impl MemberRow {
    pub fn snapshot(&self) -> MemberSnapshot {
        MemberSnapshot {
            id_kind: self.id_kind.clone(),
            id_number: self.id_number.clone(),
            name: self.name.clone(),
            gender: self.gender.clone(),
            birth_date: self.birth_date,
            phone: self.phone.clone(),
            org: self.org_code.clone(),
            status: self.status.clone(),
            hire_date: self.hire_date,
            join_date: self.join_date,
            ss_region: self.ss_region.clone(),
            tags: self.tags.clone(),
            bank_account: self.bank_account.clone(),
            bank_branch: self.bank_branch.clone(),
        }
    }

    /// The row as it stands after `snapshot` was written with these keys.
    pub fn from_snapshot(
        id: i64,
        tenant_id: i64,
        org_id: i64,
        version: i32,
        updated_at: DateTime<Utc>,
        s: &MemberSnapshot,
    ) -> MemberRow {
        MemberRow {
            id,
            tenant_id,
            id_kind: s.id_kind.clone(),
            id_number: s.id_number.clone(),
            name: s.name.clone(),
            gender: s.gender.clone(),
            birth_date: s.birth_date,
            phone: s.phone.clone(),
            org_id,
            org_code: s.org.clone(),
            status: s.status.clone(),
            hire_date: s.hire_date,
            join_date: s.join_date,
            ss_region: s.ss_region.clone(),
            tags: s.tags.clone(),
            bank_account: s.bank_account.clone(),
            bank_branch: s.bank_branch.clone(),
            version,
            updated_at,
        }
    }

    pub fn into_stored(self) -> Result<StoredMember, StoreError> {
        Ok(StoredMember {
            id: MemberId(self.id),
            record: self.snapshot().to_record()?,
            version: self.version,
            updated_at: self.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct HistoryRow {
    pub version: i32,
    pub snapshot: String,
    pub changed: String,
    pub import_id: Option<i64>,
    pub changed_at: DateTime<Utc>,
}

/// Expands the member registry's part of [`crate::Store`] for one backend. `store`: its methods, inside
/// `impl Store`.
macro_rules! store_members {
    (store $store:ty) => {
        async fn import_member_batch(
            &self,
            import: $crate::ImportId,
            scope: &$crate::OrgScope,
            rows: &[(u64, huzhu_domain::member::MemberRecord)],
            at: chrono::DateTime<chrono::Utc>,
        ) -> $crate::Result<Vec<(u64, $crate::MemberOutcome)>> {
            use $crate::sql::{HasDb, MemberRow, MEMBER_COLUMNS};
            use $crate::{MemberOutcome, MemberRejection, MemberSnapshot};
            use std::collections::HashMap;
            if rows.is_empty() {
                return Ok(Vec::new());
            }
            let mut tx = self.write_tx().await?;
            if let Some(setup) = <$store as $crate::sql::HasDb>::IMPORT_BATCH_SETUP {
                sqlx::query(setup).execute(&mut *tx).await?;
            }

            // Organisations named by the batch, and the ones the importer may touch: read in
            // this transaction, so scope is judged on what the writes see (issue 14).
            let mut codes: Vec<&str> = rows.iter().map(|(_, m)| m.org.as_str()).collect();
            codes.sort_unstable();
            codes.dedup();
            let found: String = sqlx::query_scalar(<$store as HasDb>::IMPORT_BATCH_ORGS)
                .bind(<$store as HasDb>::text_list(&codes))
                .fetch_one(&mut *tx)
                .await?;
            let found: Vec<(i64, i64, i16, String)> = serde_json::from_str(&found)
                .map_err(|e| $crate::StoreError::Corrupt(format!("import batch orgs: {e}")))?;
            let orgs: HashMap<String, (i64, i64, i16)> = found
                .into_iter()
                .map(|(id, tenant, level, code)| (code, (id, tenant, level)))
                .collect();
            let within = Self::subtree_ids(&mut tx, scope).await?;
            let in_scope = |org_id: i64| within.as_ref().is_none_or(|w| w.contains(&org_id));

            // Each row's unit, or why it has none.
            let units: Vec<Result<(i64, i64), MemberRejection>> = rows
                .iter()
                .map(|(_, member)| match orgs.get(member.org.as_str()) {
                    Some(&(org_id, _, _)) if !in_scope(org_id) => {
                        Err(MemberRejection::OrgOutOfScope(member.org.clone()))
                    }
                    None if within.is_some() => {
                        Err(MemberRejection::OrgOutOfScope(member.org.clone()))
                    }
                    None => Err(MemberRejection::UnknownOrg(member.org.clone())),
                    Some(&(_, _, level))
                        if i64::from(level)
                            != huzhu_domain::org::OrgLevel::Grassroots.number() =>
                    {
                        Err(MemberRejection::NotGrassroots {
                            org: member.org.clone(),
                        })
                    }
                    Some(&(org_id, tenant_id, _)) => Ok((org_id, tenant_id)),
                })
                .collect();

            // Members already stored.
            let mut ids: Vec<&str> =
                rows.iter().map(|(_, m)| m.id_number.as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            let sql = format!(
                "SELECT {MEMBER_COLUMNS} FROM members m JOIN orgs o ON o.id = m.org_id \
                 WHERE m.id_number {}",
                <$store as HasDb>::TEXT_IN
            );
            let mut stored: HashMap<String, MemberRow> = sqlx::query_as::<_, MemberRow>(&sql)
                .bind(<$store as HasDb>::text_list(&ids))
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .map(|r| (r.id_number.clone(), r))
                .collect();

            // ID numbers this import run has seen, with the row and name that first gave
            // each: the run's set in memory (`import_seen.rs`), then the batch's own rows with a
            // unit, in file order. What the batch adds is recorded in the run's set once it has
            // committed.
            let fresh: Vec<&(u64, huzhu_domain::member::MemberRecord)> = rows
                .iter()
                .zip(&units)
                .filter(|(_, u)| u.is_ok())
                .map(|(r, _)| r)
                .collect();
            let earlier: HashMap<String, (String, u64)> = self
                .seen
                .lookup(import.0, fresh.iter().map(|(_, m)| m.id_number.as_str()));
            let mut seen: HashMap<&str, (&str, u64)> = earlier
                .iter()
                .map(|(id, (name, row))| (id.as_str(), (name.as_str(), *row)))
                .collect();
            seen.reserve(fresh.len());
            let mut first_seen: Vec<(&str, u64, &str)> = Vec::with_capacity(fresh.len());
            for (row, member) in &fresh {
                let id = member.id_number.as_str();
                if let std::collections::hash_map::Entry::Vacant(e) = seen.entry(id) {
                    e.insert((member.name.as_str(), *row));
                    first_seen.push((id, *row, member.name.as_str()));
                }
            }

            let mut out = Vec::with_capacity(rows.len());
            let mut counts = $crate::ImportCounts::default();
            // The statistics move in this transaction too (docs/statistics.md).
            let mut stat_delta = $crate::stats::MemberDelta::new();
            let mut regendered: Vec<(i64, String, String)> = Vec::new();
            // New members, written after the loop in multi-row INSERTs. No later row of the
            // batch needs their ids: another row with the same number is a repeat (above).
            let mut created: Vec<(i64, i64, MemberSnapshot)> = Vec::new();
            // Who runs the import, read once and only for an audit entry.
            let mut actor: Option<String> = None;
            for ((row, member), unit) in rows.iter().zip(units) {
                counts.read += 1;
                let id_number = member.id_number.as_str();
                let reject = |r: MemberRejection| MemberOutcome::Rejected(r);
                let outcome = 'row: {
                    let (org_id, tenant_id) = match unit {
                        Ok(unit) => unit,
                        Err(why) => break 'row reject(why),
                    };
                    if let Some((first_name, first_row)) = seen.get(id_number) {
                        // The same row again is an interrupted import run once more; any
                        // other row with the number is a second entry for one person,
                        // reported rather than applied over the first.
                        if *first_name != member.name.as_str() {
                            break 'row reject(MemberRejection::DuplicateInFile {
                                first_row: *first_row,
                                first_name: first_name.to_string(),
                            });
                        }
                        if first_row != row {
                            break 'row reject(MemberRejection::RepeatedInFile {
                                first_row: *first_row,
                            });
                        }
                    }
                    let new = MemberSnapshot::from_record(member);
                    match stored.get(id_number) {
                        // Another city's member, or one whose unit the importer does not
                        // manage: one answer for both (issue 14).
                        Some(old) if old.tenant_id != tenant_id || !in_scope(old.org_id) => {
                            reject(MemberRejection::NotRegistrable)
                        }
                        Some(old) => {
                            let before = old.snapshot();
                            let mut after = before.merged_with(&new);
                            // Another bank account waits for a second person; the one
                            // payouts use stays (issue 14).
                            let proposed = if after.bank_account != before.bank_account {
                                std::mem::replace(
                                    &mut after.bank_account,
                                    before.bank_account.clone(),
                                )
                            } else {
                                None
                            };
                            // The branch of a held account is held with it (issue 13).
                            let proposed_branch = if proposed.is_some()
                                && after.bank_branch != before.bank_branch
                            {
                                std::mem::replace(
                                    &mut after.bank_branch,
                                    before.bank_branch.clone(),
                                )
                            } else {
                                None
                            };
                            let changed = before.changed_fields(&after);
                            if actor.is_none() && (proposed.is_some() || old.org_id != org_id)
                            {
                                actor = Some(
                                    sqlx::query_scalar(
                                        "SELECT actor FROM imports WHERE id = $1",
                                    )
                                    .bind(import.0)
                                    .fetch_one(&mut *tx)
                                    .await?,
                                );
                            }
                            let by = actor.clone().unwrap_or_default();
                            let held = match &proposed {
                                Some(account) => {
                                    Self::bank_propose(
                                        &mut tx,
                                        &$crate::bank::Proposal {
                                            tenant_id: old.tenant_id,
                                            member_id: old.id,
                                            org_id,
                                            old_account: before.bank_account.as_deref(),
                                            new_account: account,
                                            new_branch: proposed_branch.as_deref(),
                                            by: &by,
                                            import: Some(import),
                                            at,
                                        },
                                    )
                                    .await?
                                }
                                None => false,
                            };
                            if changed.is_empty() {
                                break 'row if held {
                                    MemberOutcome::Held { changed }
                                } else {
                                    MemberOutcome::Unchanged
                                };
                            }
                            let snapshot = serde_json::to_string(&before).map_err(|e| {
                                $crate::StoreError::Corrupt(e.to_string())
                            })?;
                            let changed_json = serde_json::to_string(&changed).map_err(
                                |e| $crate::StoreError::Corrupt(e.to_string()),
                            )?;
                            sqlx::query(
                                "INSERT INTO member_history (tenant_id, member_id, version, \
                                 org_id, snapshot, changed, import_id, changed_at) \
                                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                            )
                            .bind(old.tenant_id)
                            .bind(old.id)
                            .bind(old.version)
                            .bind(old.org_id)
                            .bind(snapshot)
                            .bind(changed_json)
                            .bind(import.0)
                            .bind(at)
                            .execute(&mut *tx)
                            .await?;
                            let version = old.version + 1;
                            sqlx::query(
                                "UPDATE members SET id_kind = $1, name = $2, gender = $3, \
                                 birth_date = $4, phone = $5, org_id = $6, status = $7, \
                                 hire_date = $8, join_date = $9, ss_region = $10, tags = $11, \
                                 bank_account = $12, version = $13, updated_at = $14, \
                                 bank_branch = $17 WHERE tenant_id = $15 AND id = $16",
                            )
                            .bind(&after.id_kind)
                            .bind(&after.name)
                            .bind(&after.gender)
                            .bind(after.birth_date)
                            .bind(&after.phone)
                            .bind(org_id)
                            .bind(&after.status)
                            .bind(after.hire_date)
                            .bind(after.join_date)
                            .bind(&after.ss_region)
                            .bind(&after.tags)
                            .bind(&after.bank_account)
                            .bind(version)
                            .bind(at)
                            .bind(old.tenant_id)
                            .bind(old.id)
                            .bind(&after.bank_branch)
                            .execute(&mut *tx)
                            .await?;
                            if old.org_id != org_id {
                                // A transfer between units, by an importer whose scope
                                // holds both (the federation above both confirms by
                                // importing it): seen by the giving and the receiving side.
                                let detail = format!(
                                    "调出 {} → 调入 {} (transfer from {} to {}), 导入 import {}",
                                    before.org, after.org, before.org, after.org, import.0
                                );
                                for unit in [old.org_id, org_id] {
                                    Self::audit_in(
                                        &mut tx,
                                        &$crate::bank::TxAudit {
                                            at,
                                            actor: &by,
                                            action: "member.transfer",
                                            subject: &format!("member {}", old.id),
                                            detail: &detail,
                                            org_id: Some(unit),
                                        },
                                    )
                                    .await?;
                                }
                            }
                            *stat_delta
                                .entry((old.tenant_id, old.org_id, before.gender.clone(),
                                    before.status.clone()))
                                .or_insert(0) -= 1;
                            *stat_delta
                                .entry((old.tenant_id, org_id, after.gender.clone(),
                                    after.status.clone()))
                                .or_insert(0) += 1;
                            if before.gender != after.gender {
                                regendered.push((old.id, before.gender.clone(),
                                    after.gender.clone()));
                            }
                            let row = MemberRow::from_snapshot(
                                old.id, old.tenant_id, org_id, version, at, &after,
                            );
                            stored.insert(id_number.to_string(), row);
                            if held {
                                MemberOutcome::Held { changed }
                            } else {
                                MemberOutcome::Updated { changed }
                            }
                        }
                        None => {
                            *stat_delta
                                .entry((tenant_id, org_id, new.gender.clone(),
                                    new.status.clone()))
                                .or_insert(0) += 1;
                            created.push((tenant_id, org_id, new));
                            MemberOutcome::Created
                        }
                    }
                };
                match &outcome {
                    MemberOutcome::Created => counts.created += 1,
                    MemberOutcome::Updated { .. } => counts.updated += 1,
                    MemberOutcome::Held { .. } => counts.held += 1,
                    MemberOutcome::Unchanged => counts.unchanged += 1,
                    MemberOutcome::Rejected(_) => counts.rejected += 1,
                }
                out.push((*row, outcome));
            }
            Self::insert_new_members(&mut tx, &created, at).await?;
            Self::stat_apply_members(&mut tx, &stat_delta).await?;
            for (member, old, new) in &regendered {
                Self::stat_regender(&mut tx, *member, old, new).await?;
            }
            Self::add_counts(&mut tx, import, &counts).await?;
            // Under the importer's org; an import by the command line under the batch's
            // first unit.
            let org = scope.org().or(rows.first().map(|(_, m)| m.org.as_str()));
            Self::audit_import_batch(&mut tx, import, "import.members", org, &counts, at)
                .await?;
            tx.commit().await?;
            self.seen.record(import.0, first_seen.into_iter());
            Ok(out)
        }

        async fn members_under(
            &self,
            under: &huzhu_domain::org::OrgCode,
            page: $crate::Page,
        ) -> $crate::Result<Vec<$crate::StoredMember>> {
            use $crate::sql::{MemberRow, MEMBER_COLUMNS};
            let top = self.org(under).await?;
            let rows: Vec<MemberRow> = sqlx::query_as(&format!(
                "SELECT {MEMBER_COLUMNS} FROM org_closure c \
                 JOIN members m ON m.org_id = c.descendant_id \
                 JOIN orgs o ON o.id = m.org_id \
                 WHERE c.ancestor_id = $1 AND m.id > $2 ORDER BY m.id LIMIT $3"
            ))
            .bind(top.id)
            .bind(page.after.map(|m| m.0).unwrap_or(0))
            .bind(i64::from(page.limit))
            .fetch_all(&self.reader)
            .await?;
            rows.into_iter().map(MemberRow::into_stored).collect()
        }

        async fn search_members(
            &self,
            under: &huzhu_domain::org::OrgCode,
            filter: &$crate::MemberFilter,
            page: $crate::Page,
        ) -> $crate::Result<Vec<$crate::StoredMember>> {
            use $crate::sql::{MemberRow, MEMBER_COLUMNS};
            let top = self.org(under).await?;
            let (extra, binds) = filter.conditions(4);
            let sql = format!(
                "SELECT {MEMBER_COLUMNS} FROM org_closure c \
                 JOIN members m ON m.org_id = c.descendant_id \
                 JOIN orgs o ON o.id = m.org_id \
                 WHERE c.ancestor_id = $1 AND m.id > $2{extra} ORDER BY m.id LIMIT $3"
            );
            let mut q = sqlx::query_as::<_, MemberRow>(&sql)
                .bind(top.id)
                .bind(page.after.map(|m| m.0).unwrap_or(0))
                .bind(i64::from(page.limit));
            for b in binds {
                q = q.bind(b);
            }
            let rows = q.fetch_all(&self.reader).await?;
            rows.into_iter().map(MemberRow::into_stored).collect()
        }

        async fn count_search_members(
            &self,
            under: &huzhu_domain::org::OrgCode,
            filter: &$crate::MemberFilter,
        ) -> $crate::Result<u64> {
            let top = self.org(under).await?;
            let (extra, binds) = filter.conditions(2);
            let sql = format!(
                "SELECT COUNT(*) FROM org_closure c \
                 JOIN members m ON m.org_id = c.descendant_id \
                 WHERE c.ancestor_id = $1{extra}"
            );
            let mut q = sqlx::query_scalar::<_, i64>(&sql).bind(top.id);
            for b in binds {
                q = q.bind(b);
            }
            let n = q.fetch_one(&self.reader).await?;
            Ok(u64::try_from(n).unwrap_or(0))
        }

        async fn count_members_under(
            &self,
            under: &huzhu_domain::org::OrgCode,
        ) -> $crate::Result<u64> {
            let top = self.org(under).await?;
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM org_closure c JOIN members m \
                 ON m.org_id = c.descendant_id WHERE c.ancestor_id = $1",
            )
            .bind(top.id)
            .fetch_one(&self.reader)
            .await?;
            Ok(u64::try_from(n).unwrap_or(0))
        }

        async fn member_by_id_number(
            &self,
            id_number: &str,
        ) -> $crate::Result<$crate::StoredMember> {
            use $crate::sql::{MemberRow, MEMBER_COLUMNS};
            let row: Option<MemberRow> = sqlx::query_as(&format!(
                "SELECT {MEMBER_COLUMNS} FROM members m JOIN orgs o ON o.id = m.org_id \
                 WHERE m.id_number = $1"
            ))
            .bind(id_number)
            .fetch_optional(&self.reader)
            .await?;
            row.ok_or_else(|| $crate::StoreError::NotFound("member".into()))?
                .into_stored()
        }

        async fn member_history(
            &self,
            member: $crate::MemberId,
        ) -> $crate::Result<Vec<$crate::HistoryEntry>> {
            let rows: Vec<$crate::sql::HistoryRow> = sqlx::query_as(
                "SELECT version, snapshot, changed, import_id, changed_at \
                 FROM member_history WHERE member_id = $1 ORDER BY version",
            )
            .bind(member.0)
            .fetch_all(&self.reader)
            .await?;
            rows.into_iter()
                .map(|r| {
                    let corrupt = |e: serde_json::Error| {
                        $crate::StoreError::Corrupt(format!("member history: {e}"))
                    };
                    Ok($crate::HistoryEntry {
                        version: r.version,
                        snapshot: serde_json::from_str(&r.snapshot).map_err(corrupt)?,
                        changed: serde_json::from_str(&r.changed).map_err(corrupt)?,
                        import: r.import_id.map($crate::ImportId),
                        changed_at: r.changed_at,
                    })
                })
                .collect()
        }
    };
}

pub(crate) use store_members;
