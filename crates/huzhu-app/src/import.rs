//! Roster import (issue: foundation): a file is parsed on a thread of its own by `huzhu-import`
//! and stored in batches, each batch one transaction of the store. Memory stays flat: a bounded
//! channel holds at most a few batches, and bad rows go straight to the caller's sink.
//!
//! Killing the process at any moment leaves the database as it was after some batch; running the
//! same import again completes it, because storing a row is idempotent (unchanged rows are left
//! alone, the store remembers what this run has seen to tell in-file duplicates).

use crate::{AppError, Clock};
use huzhu_domain::org::NewOrg;
use huzhu_import::{FileError, Progress, Roster, Row, RowError};
use huzhu_store::{
    ImportCounts, ImportId, ImportKind, ImportStart, MemberOutcome, OrgOutcome, Store,
};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::{Read, Seek, SeekFrom};
use tokio::sync::mpsc;

/// Rows per transaction.
pub const BATCH_ROWS: usize = 500;

/// Where progress and bad rows go as the import runs (a progress bar and an error file in the
/// CLI; a job record in the web console).
pub trait ImportSink: Send {
    fn progress(&mut self, _progress: Progress, _counts: &ImportCounts) {}
    fn row_error(&mut self, error: &RowError);
}

/// A sink that keeps the errors in memory: for tests and small files.
#[derive(Debug, Default)]
pub struct CollectErrors(pub Vec<RowError>);

impl ImportSink for CollectErrors {
    fn row_error(&mut self, error: &RowError) {
        self.0.push(error.clone());
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub import: ImportId,
    pub counts: ImportCounts,
    /// Columns of the file that were not recognised and were ignored.
    pub ignored_columns: Vec<String>,
}

impl ImportReport {
    pub fn all_good(&self) -> bool {
        self.counts.rejected == 0
    }
}

/// A file to import: any seekable reader and its name (the name helps tell CSV from xlsx).
pub struct RosterFile<R> {
    pub reader: R,
    pub file_name: String,
}

enum Msg<T> {
    Start {
        digest: String,
        columns: Vec<(String, &'static str)>,
        ignored: Vec<String>,
    },
    Rows {
        good: Vec<(u64, T)>,
        bad: Vec<RowError>,
        progress: Progress,
    },
    Failed(FileError),
}

fn digest<R: Read + Seek>(reader: &mut R) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    reader.seek(SeekFrom::Start(0))?;
    Ok(crate::digest::hex(&hasher.finalize()))
}

/// Parses on a blocking thread, sending batches; returns the receiving end.
fn spawn_parser<R, T, F>(file: RosterFile<R>, open_rows: F) -> mpsc::Receiver<Msg<T>>
where
    R: Read + Seek + Send + 'static,
    T: Send + 'static,
    F: for<'a> FnOnce(&'a mut Roster<R>) -> Result<huzhu_import::Rows<'a, T>, FileError>
        + Send
        + 'static,
{
    let (tx, rx) = mpsc::channel(4);
    std::thread::spawn(move || {
        let RosterFile {
            mut reader,
            file_name,
        } = file;
        let run = || -> Result<(), FileError> {
            let digest = digest(&mut reader)?;
            let mut roster = Roster::open_detect(reader, &file_name)?;
            let mut rows = open_rows(&mut roster)?;
            let start = Msg::Start {
                digest,
                columns: rows.columns().to_vec(),
                ignored: rows.ignored_columns().to_vec(),
            };
            if tx.blocking_send(start).is_err() {
                return Ok(());
            }
            let mut good = Vec::with_capacity(BATCH_ROWS);
            let mut bad = Vec::new();
            loop {
                let next = rows.next().transpose()?;
                let end = next.is_none();
                match next {
                    Some(Row::Good { row, value }) => good.push((row, value)),
                    Some(Row::Bad { errors, .. }) => bad.extend(errors),
                    None => {}
                }
                if end || good.len() >= BATCH_ROWS || bad.len() >= BATCH_ROWS {
                    let msg = Msg::Rows {
                        good: std::mem::take(&mut good),
                        bad: std::mem::take(&mut bad),
                        progress: rows.progress(),
                    };
                    if tx.blocking_send(msg).is_err() || end {
                        return Ok(());
                    }
                }
            }
        };
        if let Err(e) = run() {
            let _ = tx.blocking_send(Msg::Failed(e));
        }
    });
    rx
}

fn column_for(columns: &[(String, &'static str)], field_label: &str) -> String {
    columns
        .iter()
        .find(|(_, label)| *label == field_label)
        .map(|(header, _)| header.clone())
        .unwrap_or_else(|| field_label.to_string())
}

async fn begin<S: Store>(
    store: &S,
    kind: ImportKind,
    file_name: &str,
    digest: String,
    actor: &str,
    clock: &dyn Clock,
) -> Result<ImportId, AppError> {
    Ok(store
        .begin_import(
            &ImportStart {
                kind,
                file_name: file_name.to_string(),
                file_sha256: digest,
                actor: actor.to_string(),
            },
            clock.now(),
        )
        .await?)
}

/// Imports a member roster (SPEC section 3).
pub async fn import_members<S, R>(
    store: &S,
    file: RosterFile<R>,
    actor: &str,
    clock: &dyn Clock,
    sink: &mut dyn ImportSink,
) -> Result<ImportReport, AppError>
where
    S: Store,
    R: Read + Seek + Send + 'static,
{
    let file_name = file.file_name.clone();
    let today = clock.today();
    let mut rx = spawn_parser(file, move |roster: &mut Roster<R>| roster.members(today));
    let mut counts = ImportCounts::default();
    let mut import = None;
    let mut columns = Vec::new();
    let mut ignored_columns = Vec::new();
    while let Some(msg) = rx.recv().await {
        match msg {
            Msg::Failed(e) => return Err(e.into()),
            Msg::Start {
                digest,
                columns: c,
                ignored,
            } => {
                import = Some(
                    begin(store, ImportKind::Members, &file_name, digest, actor, clock).await?,
                );
                columns = c;
                ignored_columns = ignored;
            }
            Msg::Rows {
                good,
                bad,
                progress,
            } => {
                let Some(id) = import else { continue };
                let bad_rows: std::collections::BTreeSet<u64> = bad.iter().map(|e| e.row).collect();
                counts.read += good.len() as u64 + bad_rows.len() as u64;
                counts.rejected += bad_rows.len() as u64;
                let mut errors = bad;
                let outcomes = store.import_member_batch(id, &good, clock.now()).await?;
                for (row, outcome) in outcomes {
                    tally_member(&mut counts, &mut errors, &columns, row, outcome);
                }
                errors.sort_by_key(|e| e.row);
                for e in &errors {
                    sink.row_error(e);
                }
                sink.progress(progress, &counts);
            }
        }
    }
    finish(store, import, counts, ignored_columns, clock).await
}

fn tally_member(
    counts: &mut ImportCounts,
    errors: &mut Vec<RowError>,
    columns: &[(String, &'static str)],
    row: u64,
    outcome: MemberOutcome,
) {
    match outcome {
        MemberOutcome::Created => counts.created += 1,
        MemberOutcome::Updated { .. } => counts.updated += 1,
        MemberOutcome::Unchanged => counts.unchanged += 1,
        MemberOutcome::Rejected(why) => {
            counts.rejected += 1;
            let label = match why.field() {
                "org" => "工会代码",
                _ => "身份证号",
            };
            errors.push(RowError {
                row,
                column: column_for(columns, label),
                reason: why.to_string(),
            });
        }
    }
}

async fn finish<S: Store>(
    store: &S,
    import: Option<ImportId>,
    counts: ImportCounts,
    ignored_columns: Vec<String>,
    clock: &dyn Clock,
) -> Result<ImportReport, AppError> {
    let import = import.ok_or_else(|| AppError::Invalid {
        field: "file".into(),
        message: "文件为空 (the file is empty)".into(),
    })?;
    store.finish_import(import, &counts, clock.now()).await?;
    Ok(ImportReport {
        import,
        counts,
        ignored_columns,
    })
}

/// Imports an organisation roster. The file is small (a city has tens of thousands of orgs at
/// most), so its good rows are gathered and ordered parents first before they are stored: a
/// file may list a unit above its street.
pub async fn import_orgs<S, R>(
    store: &S,
    file: RosterFile<R>,
    actor: &str,
    clock: &dyn Clock,
    sink: &mut dyn ImportSink,
) -> Result<ImportReport, AppError>
where
    S: Store,
    R: Read + Seek + Send + 'static,
{
    let file_name = file.file_name.clone();
    let mut rx = spawn_parser(file, |roster: &mut Roster<R>| roster.orgs());
    let mut counts = ImportCounts::default();
    let mut import = None;
    let mut columns = Vec::new();
    let mut ignored_columns = Vec::new();
    let mut good: Vec<(u64, NewOrg)> = Vec::new();
    let mut errors: Vec<RowError> = Vec::new();
    let mut last_progress = None;
    while let Some(msg) = rx.recv().await {
        match msg {
            Msg::Failed(e) => return Err(e.into()),
            Msg::Start {
                digest,
                columns: c,
                ignored,
            } => {
                import =
                    Some(begin(store, ImportKind::Orgs, &file_name, digest, actor, clock).await?);
                columns = c;
                ignored_columns = ignored;
            }
            Msg::Rows {
                good: g,
                bad,
                progress,
            } => {
                let bad_rows: std::collections::BTreeSet<u64> = bad.iter().map(|e| e.row).collect();
                counts.read += g.len() as u64 + bad_rows.len() as u64;
                counts.rejected += bad_rows.len() as u64;
                good.extend(g);
                errors.extend(bad);
                last_progress = Some(progress);
            }
        }
    }
    let Some(id) = import else {
        return finish(store, None, counts, ignored_columns, clock).await;
    };
    let ordered = huzhu_import::order_parents_first(good);
    for batch in ordered.chunks(BATCH_ROWS) {
        for (row, outcome) in store.import_org_batch(id, batch, clock.now()).await? {
            match outcome {
                OrgOutcome::Created => counts.created += 1,
                OrgOutcome::Updated => counts.updated += 1,
                OrgOutcome::Unchanged => counts.unchanged += 1,
                OrgOutcome::UnknownParent(code) => {
                    counts.rejected += 1;
                    errors.push(RowError {
                        row,
                        column: column_for(&columns, "上级代码"),
                        reason: format!(
                            "上级组织{code}不存在，请先导入或在本文件中列出 (parent {code} is neither stored nor in this file)"
                        ),
                    });
                }
                OrgOutcome::Rejected(reason) => {
                    counts.rejected += 1;
                    errors.push(RowError {
                        row,
                        column: column_for(&columns, "上级代码"),
                        reason,
                    });
                }
            }
        }
    }
    errors.sort_by_key(|e| e.row);
    for e in &errors {
        sink.row_error(e);
    }
    if let Some(p) = last_progress {
        sink.progress(p, &counts);
    }
    finish(store, Some(id), counts, ignored_columns, clock).await
}
