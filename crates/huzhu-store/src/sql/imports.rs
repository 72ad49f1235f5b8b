//! 导入批次 — an import run (`imports`): begun, counted batch by batch, audited, finished. The
//! rows themselves are written by the org and member batches ([`super::orgs`], [`super::members`]).

use crate::model::*;
use chrono::{DateTime, Utc};

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

/// Expands the import runs' part of [`crate::Store`] for one backend. `store`: its methods, inside
/// `impl Store`; `helpers`: the transaction helpers it (and others) use.
macro_rules! store_imports {
    (store $store:ty) => {
        async fn begin_import(
            &self,
            start: &$crate::ImportStart,
            at: chrono::DateTime<chrono::Utc>,
        ) -> $crate::Result<$crate::ImportId> {
            let mut tx = self.write_tx().await?;
            let interrupted: Vec<i64> = sqlx::query_scalar(
                "UPDATE imports SET status = 'interrupted' \
                 WHERE status = 'running' AND file_sha256 = $1 RETURNING id",
            )
            .bind(&start.file_sha256)
            .fetch_all(&mut *tx)
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
            // What an interrupted run of this file in this process had seen is forgotten; the
            // new run starts with nothing seen (`import_seen.rs`).
            for run in interrupted {
                self.seen.forget(run);
            }
            self.seen.reset(id);
            Ok($crate::ImportId(id))
        }

        async fn finish_import(
            &self,
            import: $crate::ImportId,
            counts: &$crate::ImportCounts,
            at: chrono::DateTime<chrono::Utc>,
        ) -> $crate::Result<()> {
            use $crate::sql::i64_of;
            self.seen.forget(import.0);
            let mut tx = self.write_tx().await?;
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
    };
    (helpers $store:ty) => {
        impl $store {
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
        }
    };
}

pub(crate) use store_imports;
