//! Roster import (issue: foundation): a file is parsed on a thread of its own by `huzhu-import`
//! and stored in batches, each batch one transaction of the store. Memory stays flat: a bounded
//! channel holds at most a few batches, and bad rows go straight to the caller's sink.
//!
//! Killing the process at any moment leaves the database as it was after some batch; running the
//! same import again completes it, because storing a row is idempotent (unchanged rows are left
//! alone, the store remembers what this run has seen to tell in-file duplicates).

use crate::access::{read_scope, require};
use crate::{AppError, Clock};
use huzhu_domain::access::{Actor, Capability};
use huzhu_domain::org::NewOrg;
pub use huzhu_import::{FailedRow, Progress, ProgressUnit, RowError, TEMPLATE_EXAMPLE_ID};
use huzhu_import::{FileError, PackedCells, Roster, Row};
use huzhu_store::AccountStore;
use huzhu_store::{
    ImportCounts, ImportId, ImportKind, ImportStart, MemberOutcome, OrgOutcome, OrgScope, Store,
};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::{Read, Seek, SeekFrom};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::mpsc;

/// Rows of a batch at the start of an import, and of every org batch: fewer, larger commits
/// (issue 13; 500 before) while a batch still holds the SQLite write lock for well under the
/// 300 ms a waiting write may take.
pub const BATCH_ROWS: usize = 1_000;

/// The most rows of a member batch: it bounds what the parser's queue of four batches holds
/// (rows and their cells, a few hundred bytes each). Its ID numbers are one bound list
/// (`HasDb::TEXT_IN`), so no statement's parameter limit bounds it.
pub const MAX_BATCH_ROWS: usize = 16_000;

/// How long a member batch's transaction should take on SQLite. Batches grow from
/// [`BATCH_ROWS`] to this much of the rate the store has shown (issue 13): a commit rewrites
/// every index page the batch touched, so at 1,000 rows a batch the commits wrote each page many
/// times over; and a write waiting for its turn beside the import (SQLite has one writer) still
/// waits at most about this long.
pub const BATCH_TIME: std::time::Duration = std::time::Duration::from_millis(80);

/// The same on PostgreSQL, which locks rows, not the database: a batch holds only its own new
/// rows and its units' member statistics, which no claim, enrolment or page waits for; a batch
/// and its statistics' upsert cost about the same whatever its size, so batches are larger.
pub const BATCH_TIME_POSTGRES: std::time::Duration = std::time::Duration::from_millis(250);

/// The batch size the writer asks the parser for, from the rows and time of its last batch and
/// the time a batch should take.
fn next_batch_rows(rows: usize, took: std::time::Duration, target: std::time::Duration) -> usize {
    let micros = took.as_micros().max(1);
    let fit = (rows as u128 * target.as_micros() / micros) as usize;
    // Grow by at most half at a time: one fast batch does not make a huge next one.
    fit.clamp(BATCH_ROWS, MAX_BATCH_ROWS)
        .min(rows.max(BATCH_ROWS) * 3 / 2)
}

/// Where progress and bad rows go as the import runs (a progress bar and an error file in the
/// CLI; a job record in the web console).
pub trait ImportSink: Send {
    fn progress(&mut self, _progress: Progress, _counts: &ImportCounts) {}
    fn row_error(&mut self, error: &RowError);
    /// The file's header as written, once, before any row: the error report repeats it.
    fn header(&mut self, _header: &[String]) {}
    /// A refused row with its cells as read, in file order within each batch; by default its
    /// errors one by one.
    fn failed_row(&mut self, row: &FailedRow) {
        for e in &row.errors {
            self.row_error(e);
        }
    }
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
        header: Vec<String>,
    },
    Rows {
        good: Vec<(u64, T)>,
        /// The cells of each good row, as read, in case the store refuses it.
        cells: PackedCells,
        bad: Vec<FailedRow>,
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

/// Parses on a blocking thread, sending batches of `batch` rows (the writer may change it as
/// it goes); returns the receiving end.
fn spawn_parser<R, T, F>(
    file: RosterFile<R>,
    batch: Arc<AtomicUsize>,
    open_rows: F,
) -> mpsc::Receiver<Msg<T>>
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
                header: rows.header().to_vec(),
            };
            if tx.blocking_send(start).is_err() {
                return Ok(());
            }
            let mut good = Vec::with_capacity(BATCH_ROWS);
            let mut cells = PackedCells::new();
            let mut bad = Vec::new();
            loop {
                let next = rows.next().transpose()?;
                let end = next.is_none();
                match next {
                    Some(Row::Good { row, value }) => {
                        good.push((row, value));
                        rows.push_cells(&mut cells);
                    }
                    Some(Row::Bad { row, errors }) => bad.push(FailedRow {
                        row,
                        cells: rows.cells(),
                        errors,
                    }),
                    None => {}
                }
                if end || good.len() >= batch.load(Ordering::Relaxed) || bad.len() >= BATCH_ROWS {
                    let msg = Msg::Rows {
                        good: std::mem::take(&mut good),
                        cells: std::mem::take(&mut cells),
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

/// Imports a member roster (SPEC section 3) with no limit of scope: for the CLI, run by whoever
/// holds the database.
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
    import_members_within(store, file, actor, &OrgScope::Everything, clock, sink).await
}

/// Imports a member roster for a signed-in actor (the console): the actor must hold
/// `ManageRoster`. The store judges each row within the actor's subtree, in the batch's own
/// transaction (issue 14): a row for a unit outside it is rejected worded like a unit that does
/// not exist (scope never tells what exists outside it), a row naming a member whose current
/// unit is outside it (or who is registered in another city) gets one generic refusal, and a
/// change of unit inside it is a transfer, audited.
pub async fn import_members_as<S, R>(
    store: &S,
    file: RosterFile<R>,
    actor: &Actor,
    clock: &dyn Clock,
    sink: &mut dyn ImportSink,
) -> Result<ImportReport, AppError>
where
    S: Store + AccountStore,
    R: Read + Seek + Send + 'static,
{
    require(actor, Capability::ManageRoster)?;
    let scope = read_scope(store, actor, Capability::ManageRoster, None).await?;
    import_members_within(store, file, &actor.username, &scope, clock, sink).await
}

async fn import_members_within<S, R>(
    store: &S,
    file: RosterFile<R>,
    actor: &str,
    scope: &OrgScope,
    clock: &dyn Clock,
    sink: &mut dyn ImportSink,
) -> Result<ImportReport, AppError>
where
    S: Store,
    R: Read + Seek + Send + 'static,
{
    let file_name = file.file_name.clone();
    let today = clock.today();
    let batch = Arc::new(AtomicUsize::new(BATCH_ROWS));
    let mut rx = spawn_parser(file, batch.clone(), move |roster: &mut Roster<R>| {
        roster.members(today)
    });
    let mut give_way = GiveWay::new(store);
    let batch_time = match store.backend() {
        huzhu_store::Backend::Sqlite => BATCH_TIME,
        huzhu_store::Backend::Postgres => BATCH_TIME_POSTGRES,
    };
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
                header,
            } => {
                import = Some(
                    begin(store, ImportKind::Members, &file_name, digest, actor, clock).await?,
                );
                columns = c;
                ignored_columns = ignored;
                sink.header(&header);
            }
            Msg::Rows {
                good,
                cells,
                bad,
                progress,
            } => {
                let Some(id) = import else { continue };
                counts.read += good.len() as u64 + bad.len() as u64;
                counts.rejected += bad.len() as u64;
                let mut failed = bad;
                let started = std::time::Instant::now();
                let outcomes = store
                    .import_member_batch(id, scope, &good, clock.now())
                    .await?;
                if !good.is_empty() {
                    batch.store(
                        next_batch_rows(good.len(), started.elapsed(), batch_time),
                        Ordering::Relaxed,
                    );
                }
                for (i, (row, outcome)) in outcomes.into_iter().enumerate() {
                    if let Some(error) = tally_member(&mut counts, &columns, row, outcome) {
                        failed.push(FailedRow {
                            row,
                            cells: cells.row(i),
                            errors: vec![error],
                        });
                    }
                }
                failed.sort_by_key(|f| f.row);
                for f in &failed {
                    sink.failed_row(f);
                }
                sink.progress(progress, &counts);
                give_way.after_batch().await;
            }
        }
    }
    finish(store, import, counts, ignored_columns, clock).await
}

/// Between batches on SQLite, the import leaves the write lock free for a moment now and then,
/// so that a server writing to the same file from another process gets its turn: its writes try
/// again every millisecond (`SqliteStore::write_tx`), while the import, left alone, takes the
/// lock again within microseconds of each commit and would keep it for the whole file (issue 13).
/// The pause comes once the import has written for [`GIVE_WAY_EVERY`], so a waiting write waits
/// about that long and the import loses a few percent. PostgreSQL locks rows, not the database:
/// no pause.
struct GiveWay {
    sqlite: bool,
    since: std::time::Instant,
}

/// How long the import writes before it pauses.
const GIVE_WAY_EVERY: std::time::Duration = std::time::Duration::from_millis(40);
/// How long it pauses: a few of a waiting writer's retries.
const GIVE_WAY_FOR: std::time::Duration = std::time::Duration::from_millis(3);

impl GiveWay {
    fn new<S: Store>(store: &S) -> GiveWay {
        GiveWay {
            sqlite: store.backend() == huzhu_store::Backend::Sqlite,
            since: std::time::Instant::now(),
        }
    }

    async fn after_batch(&mut self) {
        if self.sqlite && self.since.elapsed() >= GIVE_WAY_EVERY {
            tokio::time::sleep(GIVE_WAY_FOR).await;
            self.since = std::time::Instant::now();
        }
    }
}

/// Counts the store's outcome for a row; the row's error when it was refused.
fn tally_member(
    counts: &mut ImportCounts,
    columns: &[(String, &'static str)],
    row: u64,
    outcome: MemberOutcome,
) -> Option<RowError> {
    match outcome {
        MemberOutcome::Created => counts.created += 1,
        MemberOutcome::Updated { .. } => counts.updated += 1,
        MemberOutcome::Held { .. } => counts.held += 1,
        MemberOutcome::Unchanged => counts.unchanged += 1,
        MemberOutcome::Rejected(why) => {
            counts.rejected += 1;
            let label = match why.field() {
                "org" => "工会代码",
                _ => "身份证号",
            };
            return Some(RowError {
                row,
                column: column_for(columns, label),
                reason: why.to_string(),
            });
        }
    }
    None
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
    let batch = Arc::new(AtomicUsize::new(BATCH_ROWS));
    let mut rx = spawn_parser(file, batch, |roster: &mut Roster<R>| roster.orgs());
    let mut counts = ImportCounts::default();
    let mut import = None;
    let mut columns = Vec::new();
    let mut ignored_columns = Vec::new();
    let mut good: Vec<(u64, NewOrg)> = Vec::new();
    let mut good_cells: std::collections::HashMap<u64, Vec<String>> = Default::default();
    let mut failed: Vec<FailedRow> = Vec::new();
    let mut last_progress = None;
    while let Some(msg) = rx.recv().await {
        match msg {
            Msg::Failed(e) => return Err(e.into()),
            Msg::Start {
                digest,
                columns: c,
                ignored,
                header,
            } => {
                import =
                    Some(begin(store, ImportKind::Orgs, &file_name, digest, actor, clock).await?);
                columns = c;
                ignored_columns = ignored;
                sink.header(&header);
            }
            Msg::Rows {
                good: g,
                cells,
                bad,
                progress,
            } => {
                counts.read += g.len() as u64 + bad.len() as u64;
                counts.rejected += bad.len() as u64;
                good_cells.extend(
                    g.iter()
                        .enumerate()
                        .map(|(i, (row, _))| (*row, cells.row(i))),
                );
                good.extend(g);
                failed.extend(bad);
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
            let mut refuse = |error: RowError| {
                failed.push(FailedRow {
                    row,
                    cells: good_cells.remove(&row).unwrap_or_default(),
                    errors: vec![error],
                })
            };
            match outcome {
                OrgOutcome::Created => counts.created += 1,
                OrgOutcome::Updated => counts.updated += 1,
                OrgOutcome::Unchanged => counts.unchanged += 1,
                OrgOutcome::UnknownParent(code) => {
                    counts.rejected += 1;
                    refuse(RowError {
                        row,
                        column: column_for(&columns, "上级代码"),
                        reason: format!(
                            "上级组织{code}不存在，请先导入或在本文件中列出 (parent {code} is neither stored nor in this file)"
                        ),
                    });
                }
                OrgOutcome::Rejected(reason) => {
                    counts.rejected += 1;
                    refuse(RowError {
                        row,
                        column: column_for(&columns, "上级代码"),
                        reason,
                    });
                }
            }
        }
    }
    failed.sort_by_key(|f| f.row);
    for f in &failed {
        sink.failed_row(f);
    }
    if let Some(p) = last_progress {
        sink.progress(p, &counts);
    }
    finish(store, Some(id), counts, ignored_columns, clock).await
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> AppError {
    AppError::Io(std::io::Error::other(e.to_string()))
}

/// The member roster template as a workbook: the header the importer reads (required columns
/// starred), one example row, every cell text so that Excel keeps ID numbers whole, and a
/// notes sheet explaining each column.
pub fn member_template_xlsx() -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let header = huzhu_import::member_template_csv();
    let columns: Vec<&str> = header.trim_end().split(',').collect();
    let example = |label: &str| match label.trim_start_matches('*') {
        "姓名" => "张三",
        "身份证号" => TEMPLATE_EXAMPLE_ID,
        "证件类型" => "居民身份证",
        "性别" => "男",
        "出生日期" => "1990-01-01",
        "手机号" => "13800138000",
        "工会代码" => "LA-01-001",
        "在职状态" => "在职",
        "社保统筹地" => "330100",
        "入会日期" => "2015-07-01",
        "参加工作日期" => "2008-07-01",
        "标签" => "劳模",
        "银行账号" => "6222020200112233445",
        "开户行" => "中国工商银行杭州临安支行",
        _ => "",
    };
    let mut wb = Workbook::new();
    let text = Format::new().set_num_format("@");
    let bold = Format::new().set_bold().set_num_format("@");
    let ws = wb.add_worksheet();
    ws.set_name("会员名册").map_err(xlsx_error)?;
    for (c, label) in columns.iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        ws.set_column_format(c, &text).map_err(xlsx_error)?;
        ws.set_column_width(c, 18).map_err(xlsx_error)?;
        ws.write_string_with_format(0, c, *label, &bold)
            .map_err(xlsx_error)?;
        ws.write_string_with_format(1, c, example(label), &text)
            .map_err(xlsx_error)?;
    }
    let notes = wb.add_worksheet();
    notes.set_name("填写说明").map_err(xlsx_error)?;
    notes.set_column_width(0, 16).map_err(xlsx_error)?;
    notes.set_column_width(1, 90).map_err(xlsx_error)?;
    let lines: [(&str, &str); 9] = [
        ("说明 Notes", "带 * 的列必填；第2行是示例（张三），导入前请删除，未删除时该行会被拒绝。Columns marked * are required; row 2 is an example (张三): delete it before importing, or that row is refused."),
        ("身份证号", "18位居民身份证号，末位校验码须正确；请以文本格式填写，避免被 Excel 改成科学计数法。18-digit resident ID with a valid check digit, entered as text."),
        ("工会代码", "会员所属基层工会的代码，如 LA-01-001；单位经办人只能导入本单位的会员。The member's grassroots union code; an officer imports their own unit only."),
        ("在职状态", "在职 / 离退休 / 退休返聘。In service / retired / re-employed retiree."),
        ("性别", "男 / 女；可留空，按身份证号推断。Male / female; may be left blank (read from the ID number)."),
        ("日期", "出生日期、入会日期、参加工作日期写作 2022-03-02。Dates as 2022-03-02."),
        ("标签", "可填 困难职工、劳模、外来务工、新就业形态、工匠，多个用顿号分隔。Tags, separated by 、."),
        ("银行账号", "用于理赔款发放，请以文本格式填写。For claim payouts, as text."),
        ("文件", "可上传本模板（xlsx）或同样表头的 CSV（UTF-8 或 GBK）。Upload this workbook or a CSV with the same header (UTF-8 or GBK)."),
    ];
    for (r, (k, v)) in lines.iter().enumerate() {
        let r = u32::try_from(r).unwrap_or(u32::MAX);
        notes.write_string(r, 0, *k).map_err(xlsx_error)?;
        notes.write_string(r, 1, *v).map_err(xlsx_error)?;
    }
    wb.save_to_buffer().map_err(xlsx_error)
}

/// The error report as a workbook: where and why each row was refused, then its cells as read
/// under the file's own header ([`huzhu_import::report_records`]), every cell text (so Excel keeps
/// ID numbers whole): an officer fixes the cells and imports the workbook again.
pub fn error_report_xlsx(header: &[String], rows: &[FailedRow]) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let text = Format::new().set_num_format("@");
    let ws = wb.add_worksheet();
    ws.set_name("导入错误").map_err(xlsx_error)?;
    let width = huzhu_import::REPORT_COLUMNS.len() + header.len();
    for c in 0..width {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        ws.set_column_format(c, &text).map_err(xlsx_error)?;
        ws.set_column_width(c, if c == 2 { 60 } else { 16 })
            .map_err(xlsx_error)?;
    }
    for (r, record) in huzhu_import::report_records(header, rows).enumerate() {
        let r = u32::try_from(r).unwrap_or(u32::MAX);
        for (c, cell) in record.iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            ws.write_string_with_format(r, c, cell, &text)
                .map_err(xlsx_error)?;
        }
    }
    wb.save_to_buffer().map_err(xlsx_error)
}

/// The error report as CSV with a BOM, for officers who open it in Excel.
pub fn error_report_csv(header: &[String], rows: &[FailedRow]) -> Result<Vec<u8>, AppError> {
    let mut out = Vec::new();
    huzhu_import::write_row_report(
        &mut out,
        header,
        rows,
        huzhu_import::ReportEncoding::Utf8WithBom,
    )
    .map_err(|e| AppError::Io(std::io::Error::other(e.to_string())))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn batches_grow_by_half_at_most_to_the_time_and_size_bounds() {
        let ms = Duration::from_millis;
        let cases = [
            // 1,000 rows in 10 ms: 8,000 would fit in 80 ms, but one step grows by half.
            (1_000, ms(10), BATCH_TIME, 1_500),
            // Fast and large: capped.
            (15_000, ms(1), BATCH_TIME, MAX_BATCH_ROWS),
            // Slow: shrinks to what fits, never under the first size.
            (10_000, ms(160), BATCH_TIME, 5_000),
            (1_000, Duration::from_secs(2), BATCH_TIME, BATCH_ROWS),
            // A zero-length timing does not divide by zero.
            (2_000, Duration::ZERO, BATCH_TIME, 3_000),
            // PostgreSQL's longer batches: 4,000 rows in 100 ms fit 10,000 in 250 ms; by half.
            (4_000, ms(100), BATCH_TIME_POSTGRES, 6_000),
            (8_000, ms(200), BATCH_TIME_POSTGRES, 10_000),
        ];
        for (rows, took, target, expected) in cases {
            assert_eq!(
                next_batch_rows(rows, took, target),
                expected,
                "{rows} rows in {took:?}, aiming at {target:?}"
            );
        }
    }
}
