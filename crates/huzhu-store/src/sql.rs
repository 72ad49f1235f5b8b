//! The SQL both backends share. `$n` parameters, `ON CONFLICT`, `RETURNING` and the types used
//! here mean the same in SQLite and PostgreSQL, so one text serves both; [`impl_store!`] expands
//! the [`crate::Store`] methods once per backend over its own pool type.

use crate::model::*;
use crate::StoreError;
use chrono::{DateTime, NaiveDate, Utc};
use huzhu_domain::org::{OrgCode, OrgLevel, RegionCode};

pub(crate) const ORG_COLUMNS: &str = "o.id, COALESCE(o.tenant_id, o.id) AS tenant_id, o.code, \
     o.name, p.code AS parent_code, o.level, o.region_code";

pub(crate) const MEMBER_COLUMNS: &str = "m.id, m.tenant_id, m.id_kind, m.id_number, m.name, \
     m.gender, m.birth_date, m.phone, m.org_id, o.code AS org_code, m.status, m.hire_date, \
     m.join_date, m.ss_region, m.tags, m.bank_account, m.bank_branch, m.version, m.updated_at";

#[derive(sqlx::FromRow)]
pub(crate) struct OrgRow {
    pub id: i64,
    pub tenant_id: i64,
    pub code: String,
    pub name: String,
    pub parent_code: Option<String>,
    pub level: i16,
    pub region_code: String,
}

impl OrgRow {
    pub fn into_org(self) -> Result<Org, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("org {} {what}", self.code));
        Ok(Org {
            id: self.id,
            tenant_id: self.tenant_id,
            code: OrgCode::parse(&self.code).map_err(|_| corrupt("code"))?,
            parent: self
                .parent_code
                .as_deref()
                .map(OrgCode::parse)
                .transpose()
                .map_err(|_| corrupt("parent"))?,
            level: OrgLevel::from_number(i64::from(self.level)).ok_or_else(|| corrupt("level"))?,
            region: RegionCode::parse(&self.region_code).map_err(|_| corrupt("region"))?,
            name: self.name,
        })
    }
}

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
pub(crate) struct ImportRow {
    pub id: i64,
    pub kind: String,
    pub file_name: String,
    pub status: String,
    pub rows_read: i64,
    pub rows_created: i64,
    pub rows_updated: i64,
    pub rows_unchanged: i64,
    pub rows_rejected: i64,
    pub rows_held: i64,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl ImportRow {
    pub fn into_run(self) -> ImportRun {
        let n = |v: i64| u64::try_from(v).unwrap_or(0);
        ImportRun {
            id: ImportId(self.id),
            kind: self.kind,
            file_name: self.file_name,
            status: self.status,
            counts: ImportCounts {
                read: n(self.rows_read),
                created: n(self.rows_created),
                updated: n(self.rows_updated),
                unchanged: n(self.rows_unchanged),
                rejected: n(self.rows_rejected),
                held: n(self.rows_held),
            },
            started_at: self.started_at,
            finished_at: self.finished_at,
        }
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

#[derive(sqlx::FromRow)]
pub(crate) struct AuditPageRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
    pub org: Option<String>,
}

impl AuditPageRow {
    pub(crate) fn into_record(self) -> crate::Result<crate::AuditRecord> {
        let org = self
            .org
            .as_deref()
            .map(OrgCode::parse)
            .transpose()
            .map_err(|_| StoreError::Corrupt(format!("audit entry {}: org", self.id)))?;
        Ok(crate::AuditRecord {
            id: self.id,
            entry: crate::AuditEntry {
                at: self.at,
                actor: self.actor,
                action: self.action,
                subject: self.subject,
                detail: self.detail,
                org,
            },
        })
    }
}

/// The audit entries (alias `a`) within the scope bound as `$3` (an org code; NULL: everything):
/// those whose org lies in the subtree of `$3` (org_closure, then the `(org_id, id)` index).
/// An entry of no org belongs to no tenant (a sign-in under an unknown name could be anyone's),
/// so only the unscoped read sees it, never an org's — not even a tenant's root (issue 14).
pub(crate) const AUDIT_IN_SCOPE: &str = "($3 IS NULL \
     OR a.org_id IN (SELECT cl.descendant_id FROM orgs top \
        JOIN org_closure cl ON cl.ancestor_id = top.id WHERE top.code = $3))";

/// `$first, $first+1, …` for an IN list of `n` values.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `($first, …), (…), …`: a VALUES list of `rows` rows of `cols` parameters each, numbered
/// from `first` row by row. Its columns are `column1`, `column2`, … on both backends.
///
/// On SQLite the parameters are written `?` (bound in order, which is what they are here):
/// sqlx looks each numbered parameter up by name, and SQLite's look-up is a walk along the
/// statement's parameters, which for a statement of thousands costs more than running it.
pub(crate) fn value_rows<S: HasDb>(first: usize, rows: usize, cols: usize) -> String {
    let mut out = String::with_capacity(rows * cols * 6);
    for r in 0..rows {
        out.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..cols {
            if c > 0 {
                out.push_str(", ");
            }
            if S::ANONYMOUS_PARAMS {
                out.push('?');
            } else {
                out.push_str(&format!("${}", first + r * cols + c));
            }
        }
        out.push(')');
    }
    out
}

/// Parameter `n` of a statement that also holds a [`value_rows`] list: `?` on SQLite, so every
/// parameter is bound in the order it appears (each must appear once, in the order bound).
pub(crate) fn param<S: HasDb>(n: usize) -> String {
    if S::ANONYMOUS_PARAMS {
        "?".into()
    } else {
        format!("${n}")
    }
}

/// How many parameters one multi-row statement binds at most (both backends allow many more;
/// this keeps statements small enough to prepare quickly).
pub(crate) const PARAMS_PER_STATEMENT: usize = 2_000;

pub(crate) fn i64_of(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Expands the whole `Store` implementation for one backend. `$store` has a field `pool` of the
/// backend's pool type.
macro_rules! impl_store {
    ($store:ty, $backend:expr) => {
        impl $crate::Store for $store {
            fn backend(&self) -> $crate::Backend {
                $backend
            }

            async fn migrate(&self) -> $crate::Result<()> {
                self.run_migrations().await
            }

            async fn begin_import(
                &self,
                start: &$crate::ImportStart,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::ImportId> {
                let mut tx = self.write_tx().await?;
                sqlx::query(
                    "DELETE FROM import_seen WHERE import_id IN \
                     (SELECT id FROM imports WHERE status = 'running' AND file_sha256 = $1)",
                )
                .bind(&start.file_sha256)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE imports SET status = 'interrupted' \
                     WHERE status = 'running' AND file_sha256 = $1",
                )
                .bind(&start.file_sha256)
                .execute(&mut *tx)
                .await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO imports (kind, file_name, file_sha256, actor, status, started_at) \
                     VALUES ($1, $2, $3, $4, 'running', $5) RETURNING id",
                )
                .bind(start.kind.code())
                .bind(&start.file_name)
                .bind(&start.file_sha256)
                .bind(&start.actor)
                .bind(at)
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok($crate::ImportId(id))
            }

            async fn import_org_batch(
                &self,
                import: $crate::ImportId,
                rows: &[(u64, huzhu_domain::org::NewOrg)],
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<Vec<(u64, $crate::OrgOutcome)>> {
                use $crate::sql::{OrgRow, ORG_COLUMNS};
                use $crate::OrgOutcome;
                let mut tx = self.write_tx().await?;
                let mut out = Vec::with_capacity(rows.len());
                let mut counts = $crate::ImportCounts::default();
                for (row, org) in rows {
                    counts.read += 1;
                    let existing: Option<OrgRow> = sqlx::query_as(&format!(
                        "SELECT {ORG_COLUMNS} FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id \
                         WHERE o.code = $1"
                    ))
                    .bind(org.code.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
                    let parent: Option<OrgRow> = match &org.parent {
                        None => None,
                        Some(code) => {
                            let p: Option<OrgRow> = sqlx::query_as(&format!(
                                "SELECT {ORG_COLUMNS} FROM orgs o \
                                 LEFT JOIN orgs p ON p.id = o.parent_id WHERE o.code = $1"
                            ))
                            .bind(code.as_str())
                            .fetch_optional(&mut *tx)
                            .await?;
                            match p {
                                Some(p) => Some(p),
                                None => {
                                    counts.rejected += 1;
                                    out.push((*row, OrgOutcome::UnknownParent(code.clone())));
                                    continue;
                                }
                            }
                        }
                    };
                    if let Some(p) = &parent {
                        let level = huzhu_domain::org::OrgLevel::from_number(i64::from(p.level))
                            .unwrap_or(huzhu_domain::org::OrgLevel::Grassroots);
                        if let Err(e) = org.check_parent_level(level) {
                            counts.rejected += 1;
                            out.push((*row, OrgOutcome::Rejected(e.to_string())));
                            continue;
                        }
                    }
                    let outcome = match existing {
                        None => {
                            let id: i64 = sqlx::query_scalar(
                                "INSERT INTO orgs (tenant_id, code, name, parent_id, level, \
                                 region_code, created_at, updated_at) \
                                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
                            )
                            .bind(parent.as_ref().map(|p| p.tenant_id))
                            .bind(org.code.as_str())
                            .bind(&org.name)
                            .bind(parent.as_ref().map(|p| p.id))
                            .bind(org.level.number() as i16)
                            .bind(org.region.to_string())
                            .bind(at)
                            .fetch_one(&mut *tx)
                            .await?;
                            if parent.is_none() {
                                sqlx::query("UPDATE orgs SET tenant_id = id WHERE id = $1")
                                    .bind(id)
                                    .execute(&mut *tx)
                                    .await?;
                            }
                            sqlx::query(
                                "INSERT INTO org_closure (ancestor_id, descendant_id, depth) \
                                 SELECT ancestor_id, $1, depth + 1 FROM org_closure \
                                 WHERE descendant_id = $2 \
                                 UNION ALL SELECT $1, $1, 0",
                            )
                            .bind(id)
                            .bind(parent.as_ref().map(|p| p.id).unwrap_or(-1))
                            .execute(&mut *tx)
                            .await?;
                            counts.created += 1;
                            OrgOutcome::Created
                        }
                        Some(old) => {
                            let same_parent = old.parent_code.as_deref()
                                == org.parent.as_ref().map(|c| c.as_str());
                            let same = same_parent
                                && old.name == org.name
                                && i64::from(old.level) == org.level.number()
                                && old.region_code == org.region.to_string();
                            if same {
                                counts.unchanged += 1;
                                OrgOutcome::Unchanged
                            } else if let Some(reason) =
                                Self::check_move(&mut tx, &old, parent.as_ref(), org).await?
                            {
                                counts.rejected += 1;
                                OrgOutcome::Rejected(reason)
                            } else {
                                sqlx::query(
                                    "UPDATE orgs SET name = $1, level = $2, region_code = $3, \
                                     parent_id = $4, updated_at = $5 WHERE id = $6",
                                )
                                .bind(&org.name)
                                .bind(org.level.number() as i16)
                                .bind(org.region.to_string())
                                .bind(parent.as_ref().map(|p| p.id))
                                .bind(at)
                                .bind(old.id)
                                .execute(&mut *tx)
                                .await?;
                                if !same_parent {
                                    // The subtree's figures leave the old ancestors' rows and
                                    // join the new ones'.
                                    Self::stat_move_subtree(&mut tx, old.id, -1).await?;
                                    Self::reparent(&mut tx, old.id, parent.as_ref().map(|p| p.id))
                                        .await?;
                                    Self::stat_move_subtree(&mut tx, old.id, 1).await?;
                                }
                                counts.updated += 1;
                                OrgOutcome::Updated
                            }
                        }
                    };
                    out.push((*row, outcome));
                }
                Self::add_counts(&mut tx, import, &counts).await?;
                tx.commit().await?;
                Ok(out)
            }

            async fn import_member_batch(
                &self,
                import: $crate::ImportId,
                scope: &$crate::OrgScope,
                rows: &[(u64, huzhu_domain::member::MemberRecord)],
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<Vec<(u64, $crate::MemberOutcome)>> {
                use $crate::sql::{placeholders, value_rows, MemberRow, MEMBER_COLUMNS};
                use $crate::{MemberOutcome, MemberRejection, MemberSnapshot};
                use std::collections::HashMap;
                if rows.is_empty() {
                    return Ok(Vec::new());
                }
                let mut tx = self.write_tx().await?;

                // Organisations named by the batch, and the ones the importer may touch: read in
                // this transaction, so scope is judged on what the writes see (issue 14).
                let mut codes: Vec<&str> = rows.iter().map(|(_, m)| m.org.as_str()).collect();
                codes.sort_unstable();
                codes.dedup();
                let sql = format!(
                    "SELECT id, COALESCE(tenant_id, id), level, code FROM orgs WHERE code IN ({})",
                    placeholders(1, codes.len())
                );
                let mut q = sqlx::query_as::<_, (i64, i64, i16, String)>(&sql);
                for c in &codes {
                    q = q.bind(*c);
                }
                let orgs: HashMap<String, (i64, i64, i16)> = q
                    .fetch_all(&mut *tx)
                    .await?
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
                     WHERE m.id_number IN ({})",
                    placeholders(1, ids.len())
                );
                let mut q = sqlx::query_as::<_, MemberRow>(&sql);
                for id in &ids {
                    q = q.bind(*id);
                }
                let mut stored: HashMap<String, MemberRow> = q
                    .fetch_all(&mut *tx)
                    .await?
                    .into_iter()
                    .map(|r| (r.id_number.clone(), r))
                    .collect();

                // ID numbers this import has seen: the rows with a unit are recorded first, one
                // multi-row INSERT that skips numbers already recorded; only those skipped are
                // read back. (Reading every number of the batch from the growing table was the
                // query a PostgreSQL generic plan made quadratic: docs/import.md.)
                let mut seen: HashMap<String, (String, u64)> = HashMap::new();
                let fresh: Vec<&(u64, huzhu_domain::member::MemberRecord)> = rows
                    .iter()
                    .zip(&units)
                    .filter(|(_, u)| u.is_ok())
                    .map(|(r, _)| r)
                    .collect();
                for chunk in fresh.chunks($crate::sql::PARAMS_PER_STATEMENT / 4) {
                    let sql = format!(
                        "INSERT INTO import_seen (import_id, id_number, name, row_no) VALUES {} \
                         ON CONFLICT (import_id, id_number) DO NOTHING \
                         RETURNING id_number, name, row_no",
                        value_rows::<$store>(1, chunk.len(), 4)
                    );
                    let mut q = sqlx::query_as::<_, (String, String, i64)>(&sql);
                    for (row, member) in chunk {
                        q = q
                            .bind(import.0)
                            .bind(member.id_number.as_str())
                            .bind(member.name.as_str())
                            .bind($crate::sql::i64_of(*row));
                    }
                    for (id, name, row) in q.fetch_all(&mut *tx).await? {
                        seen.insert(id, (name, u64::try_from(row).unwrap_or(0)));
                    }
                }
                let mut earlier: Vec<&str> = fresh
                    .iter()
                    .map(|(_, m)| m.id_number.as_str())
                    .filter(|id| !seen.contains_key(*id))
                    .collect();
                earlier.sort_unstable();
                earlier.dedup();
                for chunk in earlier.chunks($crate::sql::PARAMS_PER_STATEMENT) {
                    let sql = format!(
                        "SELECT id_number, name, row_no FROM import_seen WHERE import_id = $1 \
                         AND id_number IN ({})",
                        placeholders(2, chunk.len())
                    );
                    // Not prepared: planned with its values, never with a generic plan.
                    let mut q = sqlx::query_as::<_, (String, String, i64)>(&sql)
                        .persistent(false)
                        .bind(import.0);
                    for id in chunk {
                        q = q.bind(*id);
                    }
                    for (id, name, row) in q.fetch_all(&mut *tx).await? {
                        seen.insert(id, (name, u64::try_from(row).unwrap_or(0)));
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
                            if first_name != member.name.as_str() {
                                break 'row reject(MemberRejection::DuplicateInFile {
                                    first_row: *first_row,
                                    first_name: first_name.clone(),
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
                const MEMBER_COLS: usize = 18;
                for chunk in created.chunks($crate::sql::PARAMS_PER_STATEMENT / MEMBER_COLS) {
                    let sql = format!(
                        "INSERT INTO members (tenant_id, id_kind, id_number, name, gender, \
                         birth_date, phone, org_id, status, hire_date, join_date, ss_region, \
                         tags, bank_account, version, created_at, updated_at, bank_branch) \
                         VALUES {}",
                        value_rows::<$store>(1, chunk.len(), MEMBER_COLS)
                    );
                    let mut q = sqlx::query(&sql);
                    for (tenant_id, org_id, new) in chunk {
                        q = q
                            .bind(*tenant_id)
                            .bind(&new.id_kind)
                            .bind(&new.id_number)
                            .bind(&new.name)
                            .bind(&new.gender)
                            .bind(new.birth_date)
                            .bind(&new.phone)
                            .bind(*org_id)
                            .bind(&new.status)
                            .bind(new.hire_date)
                            .bind(new.join_date)
                            .bind(&new.ss_region)
                            .bind(&new.tags)
                            .bind(&new.bank_account)
                            .bind(1_i32)
                            .bind(at)
                            .bind(at)
                            .bind(&new.bank_branch);
                    }
                    q.execute(&mut *tx).await?;
                }
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
                Ok(out)
            }

            async fn finish_import(
                &self,
                import: $crate::ImportId,
                counts: &$crate::ImportCounts,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<()> {
                use $crate::sql::i64_of;
                let mut tx = self.write_tx().await?;
                sqlx::query("DELETE FROM import_seen WHERE import_id = $1")
                    .bind(import.0)
                    .execute(&mut *tx)
                    .await?;
                // File-level rejections (rows that never reached the store) are added here.
                sqlx::query(
                    "UPDATE imports SET status = 'finished', finished_at = $1, rows_read = $2, \
                     rows_rejected = $3 WHERE id = $4",
                )
                .bind(at)
                .bind(i64_of(counts.read))
                .bind(i64_of(counts.rejected))
                .bind(import.0)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn import_run(&self, import: $crate::ImportId) -> $crate::Result<$crate::ImportRun> {
                let row: Option<$crate::sql::ImportRow> = sqlx::query_as(
                    "SELECT id, kind, file_name, status, rows_read, rows_created, rows_updated, \
                     rows_unchanged, rows_rejected, rows_held, started_at, finished_at FROM imports \
                     WHERE id = $1",
                )
                .bind(import.0)
                .fetch_optional(&self.reader)
                .await?;
                row.map(|r| r.into_run())
                    .ok_or_else(|| $crate::StoreError::NotFound(format!("import {}", import.0)))
            }

            async fn org(&self, code: &huzhu_domain::org::OrgCode) -> $crate::Result<$crate::Org> {
                use $crate::sql::{OrgRow, ORG_COLUMNS};
                let row: Option<OrgRow> = sqlx::query_as(&format!(
                    "SELECT {ORG_COLUMNS} FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id \
                     WHERE o.code = $1"
                ))
                .bind(code.as_str())
                .fetch_optional(&self.reader)
                .await?;
                row.ok_or_else(|| $crate::StoreError::NotFound(format!("org {code}")))?
                    .into_org()
            }

            async fn orgs_under(
                &self,
                under: Option<&huzhu_domain::org::OrgCode>,
            ) -> $crate::Result<Vec<$crate::Org>> {
                use $crate::sql::{OrgRow, ORG_COLUMNS};
                let rows: Vec<OrgRow> = match under {
                    None => {
                        sqlx::query_as(&format!(
                            "SELECT {ORG_COLUMNS} FROM orgs o \
                             LEFT JOIN orgs p ON p.id = o.parent_id ORDER BY o.level, o.code"
                        ))
                        .fetch_all(&self.reader)
                        .await?
                    }
                    Some(code) => {
                        let top = self.org(code).await?;
                        sqlx::query_as(&format!(
                            "SELECT {ORG_COLUMNS} FROM org_closure c \
                             JOIN orgs o ON o.id = c.descendant_id \
                             LEFT JOIN orgs p ON p.id = o.parent_id \
                             WHERE c.ancestor_id = $1 ORDER BY o.level, o.code"
                        ))
                        .bind(top.id)
                        .fetch_all(&self.reader)
                        .await?
                    }
                };
                rows.into_iter().map(OrgRow::into_org).collect()
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

            async fn audit(&self, entry: &$crate::AuditEntry) -> $crate::Result<()> {
                let mut tx = self.write_tx().await?;
                Self::insert_audit(&mut *tx, entry).await?;
                Ok(tx.commit().await?)
            }

            async fn audit_log(&self, limit: u32) -> $crate::Result<Vec<$crate::AuditEntry>> {
                let rows: Vec<$crate::sql::AuditPageRow> = sqlx::query_as(
                    "SELECT a.id, a.at, a.actor, a.action, a.subject, a.detail, o.code AS org \
                     FROM audit_log a LEFT JOIN orgs o ON o.id = a.org_id \
                     ORDER BY a.id DESC LIMIT $1",
                )
                .bind(i64::from(limit))
                .fetch_all(&self.reader)
                .await?;
                rows.into_iter()
                    .map(|r| r.into_record().map(|r| r.entry))
                    .collect()
            }

            async fn audit_page(
                &self,
                query: &$crate::AuditQuery,
            ) -> $crate::Result<Vec<$crate::AuditRecord>> {
                let rows: Vec<$crate::sql::AuditPageRow> = sqlx::query_as(&format!(
                    "SELECT a.id, a.at, a.actor, a.action, a.subject, a.detail, o.code AS org \
                     FROM audit_log a LEFT JOIN orgs o ON o.id = a.org_id \
                     WHERE ($1 IS NULL OR a.id < $1) AND ($2 IS NULL OR a.action = $2) \
                     AND ($5 IS NULL OR a.actor = $5) AND ($6 IS NULL OR a.at >= $6) \
                     AND ($7 IS NULL OR a.at < $7) \
                     AND {} ORDER BY a.id DESC LIMIT $4",
                    $crate::sql::AUDIT_IN_SCOPE
                ))
                .bind(query.before)
                .bind(query.action.as_deref())
                .bind(query.scope.org())
                .bind(i64::from(query.limit))
                .bind(query.actor.as_deref())
                .bind(query.from)
                .bind(query.until)
                .fetch_all(&self.reader)
                .await?;
                rows.into_iter().map($crate::sql::AuditPageRow::into_record).collect()
            }

            async fn audit_actions(
                &self,
                scope: &$crate::AuditScope,
            ) -> $crate::Result<Vec<String>> {
                Ok(sqlx::query_scalar(&format!(
                    "SELECT DISTINCT a.action FROM audit_log a WHERE {} ORDER BY a.action",
                    $crate::sql::AUDIT_IN_SCOPE.replace("$3", "$1")
                ))
                .bind(scope.org())
                .fetch_all(&self.reader)
                .await?)
            }

            async fn setting(&self, key: &str) -> $crate::Result<Option<String>> {
                Ok(sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                    .bind(key)
                    .fetch_optional(&self.reader)
                    .await?)
            }

            async fn set_setting(&self, key: &str, value: &str) -> $crate::Result<()> {
                let mut tx = self.write_tx().await?;
                sqlx::query(
                    "INSERT INTO settings (key, value) VALUES ($1, $2) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )
                .bind(key)
                .bind(value)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn change_setting(
                &self,
                key: &str,
                value: Option<&str>,
                entry: &$crate::AuditEntry,
            ) -> $crate::Result<Option<String>> {
                let mut tx = self.write_tx().await?;
                let old: Option<String> =
                    sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                        .bind(key)
                        .fetch_optional(&mut *tx)
                        .await?;
                match value {
                    Some(value) => {
                        sqlx::query(
                            "INSERT INTO settings (key, value) VALUES ($1, $2) \
                             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        )
                        .bind(key)
                        .bind(value)
                        .execute(&mut *tx)
                        .await?;
                    }
                    None => {
                        sqlx::query("DELETE FROM settings WHERE key = $1")
                            .bind(key)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                let entry = $crate::AuditEntry {
                    detail: format!(
                        "{}; old: {}",
                        entry.detail,
                        old.as_deref().unwrap_or("(none)")
                    ),
                    ..entry.clone()
                };
                Self::insert_audit(&mut *tx, &entry).await?;
                tx.commit().await?;
                Ok(old)
            }
        }

        impl $store {
            /// Writes one audit entry through `ex`: the pool, or a transaction's connection when
            /// the entry must commit with the change it records. The org is named by its code.
            async fn insert_audit<'e, E>(ex: E, entry: &$crate::AuditEntry) -> $crate::Result<()>
            where
                E: sqlx::Executor<'e, Database = <$store as $crate::sql::HasDb>::Db>,
            {
                sqlx::query(
                    "INSERT INTO audit_log (at, actor, action, subject, detail, org_id) \
                     VALUES ($1, $2, $3, $4, $5, (SELECT id FROM orgs WHERE code = $6))",
                )
                .bind(entry.at)
                .bind(&entry.actor)
                .bind(&entry.action)
                .bind(&entry.subject)
                .bind(&entry.detail)
                .bind(entry.org.as_ref().map(|o| o.as_str()))
                .execute(ex)
                .await?;
                Ok(())
            }

            /// The audit entry of an import batch that changed anything (created, updated or
            /// held rows), in the batch's transaction: who ran the import (its run's actor), the
            /// file, and the batch's counts. A batch that changed nothing writes none.
            async fn audit_import_batch<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                import: $crate::ImportId,
                action: &str,
                org: Option<&str>,
                c: &$crate::ImportCounts,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<()> {
                if c.created + c.updated + c.held == 0 {
                    return Ok(());
                }
                let detail = format!(
                    "新增 {cr}，更新 {up}，待确认 {he}，未变 {un}，拒绝 {re} \
                     ({cr} created, {up} updated, {he} held, {un} unchanged, {re} rejected)",
                    cr = c.created,
                    up = c.updated,
                    he = c.held,
                    un = c.unchanged,
                    re = c.rejected
                );
                sqlx::query(
                    "INSERT INTO audit_log (at, actor, action, subject, detail, org_id) \
                     SELECT $1, i.actor, $2, CAST($3 AS TEXT) || i.file_name, $4, \
                     (SELECT id FROM orgs WHERE code = $5) FROM imports i WHERE i.id = $6",
                )
                .bind(at)
                .bind(action)
                .bind(format!("导入 import {}：", import.0))
                .bind(detail)
                .bind(org)
                .bind(import.0)
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            async fn add_counts<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                import: $crate::ImportId,
                c: &$crate::ImportCounts,
            ) -> $crate::Result<()> {
                use $crate::sql::i64_of;
                sqlx::query(
                    "UPDATE imports SET rows_read = rows_read + $1, \
                     rows_created = rows_created + $2, rows_updated = rows_updated + $3, \
                     rows_unchanged = rows_unchanged + $4, rows_rejected = rows_rejected + $5, \
                     rows_held = rows_held + $7 WHERE id = $6",
                )
                .bind(i64_of(c.read))
                .bind(i64_of(c.created))
                .bind(i64_of(c.updated))
                .bind(i64_of(c.unchanged))
                .bind(i64_of(c.rejected))
                .bind(import.0)
                .bind(i64_of(c.held))
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            /// Whether `old` may move under `parent` with the values of `org`: not under itself
            /// or its own subtree, not to another city, children still deeper than it.
            async fn check_move<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                old: &$crate::sql::OrgRow,
                parent: Option<&$crate::sql::OrgRow>,
                org: &huzhu_domain::org::NewOrg,
            ) -> $crate::Result<Option<String>> {
                if let Some(p) = parent {
                    let inside: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM org_closure WHERE ancestor_id = $1 \
                         AND descendant_id = $2",
                    )
                    .bind(old.id)
                    .bind(p.id)
                    .fetch_one(&mut **tx)
                    .await?;
                    if inside > 0 {
                        return Ok(Some(format!(
                            "上级组织{}在本组织之下，不能形成环 ({} is inside this org's own subtree)",
                            p.code, p.code
                        )));
                    }
                    if p.tenant_id != old.tenant_id {
                        return Ok(Some(
                            "不能把组织移到另一个市总工会之下 (an org cannot move to another city federation)"
                                .to_string(),
                        ));
                    }
                } else if old.parent_code.is_some() {
                    return Ok(Some(
                        "已有上级的组织不能改为市级 (an org with a parent cannot become a city federation)"
                            .to_string(),
                    ));
                }
                let deepest_child: Option<i16> = sqlx::query_scalar(
                    "SELECT MIN(level) FROM orgs WHERE parent_id = $1",
                )
                .bind(old.id)
                .fetch_one(&mut **tx)
                .await?;
                if let Some(child) = deepest_child {
                    if i64::from(child) <= org.level.number() {
                        return Ok(Some(format!(
                            "下级组织的层级必须低于本组织 (children at level {child} must sit below level {})",
                            org.level.number()
                        )));
                    }
                }
                let members: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM members WHERE org_id = $1")
                        .bind(old.id)
                        .fetch_one(&mut **tx)
                        .await?;
                if members > 0 && org.level != huzhu_domain::org::OrgLevel::Grassroots {
                    return Ok(Some(
                        "已有会员的基层工会不能改为其他层级 (a grassroots union with members must stay grassroots)"
                            .to_string(),
                    ));
                }
                Ok(None)
            }

            /// Moves the subtree of `org` under `parent` in the closure table.
            async fn reparent<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                org: i64,
                parent: Option<i64>,
            ) -> $crate::Result<()> {
                sqlx::query(
                    "DELETE FROM org_closure WHERE descendant_id IN \
                     (SELECT descendant_id FROM org_closure WHERE ancestor_id = $1) \
                     AND ancestor_id NOT IN \
                     (SELECT descendant_id FROM org_closure WHERE ancestor_id = $1)",
                )
                .bind(org)
                .execute(&mut **tx)
                .await?;
                if let Some(parent) = parent {
                    sqlx::query(
                        "INSERT INTO org_closure (ancestor_id, descendant_id, depth) \
                         SELECT a.ancestor_id, d.descendant_id, a.depth + d.depth + 1 \
                         FROM org_closure a, org_closure d \
                         WHERE a.descendant_id = $1 AND d.ancestor_id = $2",
                    )
                    .bind(parent)
                    .bind(org)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(())
            }
        }
    };
}

pub(crate) use impl_store;

/// Names the sqlx database type of a store, for the transaction helpers the macro writes.
pub(crate) trait HasDb {
    type Db: sqlx::Database;
    /// A query giving `$1` new claim ids, one a row, for a batch that writes claims with their
    /// ids (see `money_claims_in_one`): ids from the claims' own sequence on PostgreSQL; on
    /// SQLite, whose one writer holds the transaction, the ids after the largest.
    const NEW_CLAIM_IDS: &'static str;
    /// Whether parameters bound in order are better written `?` than `$n` (see [`value_rows`]);
    /// a statement using them must have no other parameters.
    const ANONYMOUS_PARAMS: bool;
}
