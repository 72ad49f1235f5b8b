//! 名册导入: roster import from the browser. The officer downloads the Excel template, uploads a
//! CSV or XLSX file, and the import runs in a background task while the status page polls
//! (htmx, every second while running) for rows read, created, updated, unchanged and rejected;
//! when it ends, the per-row error report is shown and can be downloaded as CSV or XLSX.
//!
//! The import is the use case [`import::import_members_as`]: it checks `ManageRoster` and
//! rejects, row by row, members of units outside the actor's subtree (an officer imports into
//! their own unit only). A job's progress lives in this process's memory (the store keeps the
//! run's final counts): a job is seen only by whoever started it, and a restart forgets it.

use super::{csrf, download, finish, page, redirect, Console, Ctx, PageError, PageResult, XLSX};
use crate::{ApiError, AppState};
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Utc};
use huzhu_app::access::{not_found, require};
use huzhu_app::import::{self, FailedRow, ImportSink, Progress, RosterFile, RowError};
use huzhu_app::model::ImportCounts;
use huzhu_app::AppError;
use huzhu_app::Backend;
use huzhu_domain::access::Capability;
use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

/// The largest roster accepted from the browser (a city-wide roster goes through the CLI).
pub const UPLOAD_LIMIT: usize = 20 * 1024 * 1024;
/// Errors kept per job for the report; beyond this they are counted only.
const MAX_ERRORS: usize = 50_000;
/// Errors shown on the page; the download has all that were kept.
const SHOWN_ERRORS: usize = 500;
/// Jobs remembered; the oldest finished ones are forgotten first.
const MAX_JOBS: usize = 200;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new()
        .route(
            "/import",
            get(form)
                .post(upload::<S>)
                .layer(DefaultBodyLimit::max(UPLOAD_LIMIT + 64 * 1024)),
        )
        .route("/import/template.xlsx", get(template))
        .route("/import/{job}", get(status))
        .route("/import/{job}/errors.csv", get(errors_csv))
        .route("/import/{job}/errors.xlsx", get(errors_xlsx))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobState {
    Running,
    Finished,
    Failed(String),
}

/// One upload being imported, or imported.
#[derive(Debug, Clone)]
pub struct Job {
    pub key: String,
    pub owner: String,
    pub file_name: String,
    pub started_at: DateTime<Utc>,
    pub state: JobState,
    pub counts: ImportCounts,
    pub progress: Option<Progress>,
    pub errors: Vec<RowError>,
    /// Errors beyond [`MAX_ERRORS`], counted but not kept.
    pub errors_dropped: u64,
    /// The file's header as written, for the error report.
    pub header: Vec<String>,
    /// Refused rows with their cells as read (at most [`MAX_ERRORS`]), for the error report.
    pub failed: Vec<FailedRow>,
    /// The store's record of the run, once finished.
    pub import: Option<i64>,
    pub ignored_columns: Vec<String>,
}

impl Job {
    pub fn running(&self) -> bool {
        self.state == JobState::Running
    }

    /// How far the reader is, in percent (0 when the file does not say).
    pub fn percent(&self) -> u64 {
        match self.progress {
            _ if !self.running() => 100,
            Some(p) if p.total > 0 => (p.done.saturating_mul(100) / p.total).min(100),
            _ => 0,
        }
    }

    pub fn shown_errors(&self) -> &[RowError] {
        &self.errors[..self.errors.len().min(SHOWN_ERRORS)]
    }
}

fn jobs() -> &'static Mutex<BTreeMap<String, Job>> {
    static JOBS: OnceLock<Mutex<BTreeMap<String, Job>>> = OnceLock::new();
    JOBS.get_or_init(|| Mutex::new(BTreeMap::new()))
}

fn with_job<T>(key: &str, f: impl FnOnce(&mut Job) -> T) -> Option<T> {
    let mut map = jobs().lock().ok()?;
    map.get_mut(key).map(f)
}

fn add_job(job: Job) {
    if let Ok(mut map) = jobs().lock() {
        while map.len() >= MAX_JOBS {
            let oldest = map
                .values()
                .filter(|j| !j.running())
                .min_by_key(|j| j.started_at)
                .map(|j| j.key.clone());
            match oldest {
                Some(k) => map.remove(&k),
                None => break,
            };
        }
        map.insert(job.key.clone(), job);
    }
}

/// The job `key` if `owner` started it; anyone else gets the same 404 as for no job.
fn job_of(key: &str, owner: &str) -> Result<Job, PageError> {
    jobs()
        .lock()
        .ok()
        .and_then(|m| m.get(key).filter(|j| j.owner == owner).cloned())
        .ok_or_else(|| not_found("导入任务 (import job)").into())
}

/// Feeds the job record as the import runs.
struct JobSink {
    key: String,
}

impl ImportSink for JobSink {
    fn progress(&mut self, progress: Progress, counts: &ImportCounts) {
        with_job(&self.key, |j| {
            j.progress = Some(progress);
            j.counts = *counts;
        });
    }

    fn row_error(&mut self, error: &RowError) {
        with_job(&self.key, |j| {
            if j.errors.len() < MAX_ERRORS {
                j.errors.push(error.clone());
            } else {
                j.errors_dropped += 1;
            }
        });
    }

    fn header(&mut self, header: &[String]) {
        with_job(&self.key, |j| j.header = header.to_vec());
    }

    fn failed_row(&mut self, row: &FailedRow) {
        for e in &row.errors {
            self.row_error(e);
        }
        with_job(&self.key, |j| {
            if j.failed.len() < MAX_ERRORS {
                j.failed.push(row.clone());
            }
        });
    }
}

#[derive(Template)]
#[template(path = "import/form.html")]
struct FormPage<'a> {
    c: &'a Ctx,
    jobs: Vec<Job>,
    limit_mb: usize,
}

pub async fn form(Console(c): Console) -> Response {
    let r = async {
        let actor = c.actor()?;
        require(actor, Capability::ManageRoster)?;
        let mut mine: Vec<Job> = jobs()
            .lock()
            .map(|m| {
                m.values()
                    .filter(|j| j.owner == actor.username)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        mine.sort_by_key(|j| std::cmp::Reverse(j.started_at));
        mine.truncate(20);
        page(&FormPage {
            c: &c,
            jobs: mine,
            limit_mb: UPLOAD_LIMIT / (1024 * 1024),
        })
    }
    .await;
    finish(&c, r)
}

pub async fn template(Console(c): Console) -> Response {
    let r = async {
        require(c.actor()?, Capability::ManageRoster)?;
        Ok(download(
            import::member_template_xlsx()?,
            XLSX,
            "会员名册导入模板.xlsx",
        ))
    }
    .await;
    finish(&c, r)
}

fn too_large() -> PageError {
    PageError::Api(ApiError::TooLarge {
        field: "file".into(),
        message: format!(
            "文件超过 {} MB，请拆分后分批上传，或用命令行导入 (the file is larger than {} MB: split it, or import it with the CLI)",
            UPLOAD_LIMIT / (1024 * 1024),
            UPLOAD_LIMIT / (1024 * 1024)
        ),
    })
}

/// Reads the uploaded file (the form's `file` part), refusing more than [`UPLOAD_LIMIT`].
pub(super) async fn read_upload(mut mp: Multipart) -> Result<(String, Vec<u8>), PageError> {
    let bad = |m: String| PageError::invalid("file", m);
    while let Some(mut field) = mp
        .next_field()
        .await
        .map_err(|e| bad(format!("上传内容无法读取 (unreadable upload): {e}")))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or_default().to_string();
        let mut bytes = Vec::new();
        loop {
            let chunk = match field.chunk().await {
                Ok(Some(c)) => c,
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
                Err(e) => return Err(bad(format!("上传中断 (the upload broke off): {e}"))),
            };
            if bytes.len() + chunk.len() > UPLOAD_LIMIT {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok((name, bytes));
    }
    Err(bad("请选择要上传的文件 (choose a file to upload)".into()))
}

/// Takes the upload, starts the import in the background and sends the browser to its status.
pub async fn upload<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    mp: Multipart,
) -> Response {
    let r = async {
        let actor = c.actor()?.clone();
        require(&actor, Capability::ManageRoster)?;
        let (file_name, bytes) = read_upload(mp).await?;
        let lower = file_name.to_lowercase();
        if !(lower.ends_with(".csv") || lower.ends_with(".xlsx")) {
            return Err(PageError::invalid(
                "file",
                "只接受 .csv 或 .xlsx 文件（旧版 .xls 请先另存为 .xlsx） (only .csv or .xlsx files; save an .xls as .xlsx first)",
            ));
        }
        if bytes.is_empty() {
            return Err(PageError::invalid("file", "文件为空 (the file is empty)"));
        }
        let key = csrf::fresh_token();
        add_job(Job {
            key: key.clone(),
            owner: actor.username.clone(),
            file_name: file_name.clone(),
            started_at: state.clock.now(),
            state: JobState::Running,
            counts: ImportCounts::default(),
            progress: None,
            errors: Vec::new(),
            errors_dropped: 0,
            header: Vec::new(),
            failed: Vec::new(),
            import: None,
            ignored_columns: Vec::new(),
        });
        let task_key = key.clone();
        tokio::spawn(async move {
            let mut sink = JobSink {
                key: task_key.clone(),
            };
            let file = RosterFile {
                reader: std::io::Cursor::new(bytes),
                file_name,
            };
            let result = import::import_members_as(
                &state.store,
                file,
                &actor,
                state.clock.as_ref(),
                &mut sink,
            )
            .await;
            with_job(&task_key, |j| match result {
                Ok(report) => {
                    j.counts = report.counts;
                    j.import = Some(report.import.0);
                    j.ignored_columns = report.ignored_columns;
                    j.state = JobState::Finished;
                }
                Err(e) => j.state = JobState::Failed(failure_message(e)),
            });
        });
        Ok(redirect(&format!("/import/{key}")))
    }
    .await;
    finish(&c, r)
}

/// What the officer is told when the whole file failed (a 5xx shows only its reference).
fn failure_message(e: AppError) -> String {
    let (_, body) = ApiError::App(e).parts();
    body.message
}

#[derive(Template)]
#[template(path = "import/status.html")]
struct StatusPage<'a> {
    c: &'a Ctx,
    job: Job,
}

#[derive(Template)]
#[template(path = "import/status_partial.html")]
struct StatusPartial<'a> {
    c: &'a Ctx,
    job: Job,
}

pub async fn status(Console(c): Console, Path(key): Path<String>) -> Response {
    let r = async {
        let actor = c.actor()?;
        let job = job_of(&key, &actor.username)?;
        if c.htmx {
            page(&StatusPartial { c: &c, job })
        } else {
            page(&StatusPage { c: &c, job })
        }
    }
    .await;
    finish(&c, r)
}

fn finished_job(c: &Ctx, key: &str) -> Result<Job, PageError> {
    let job = job_of(key, &c.actor()?.username)?;
    if job.running() {
        return Err(AppError::Conflict(
            "导入尚未完成，完成后才能下载错误报告 (the import is still running)".into(),
        )
        .into());
    }
    Ok(job)
}

pub async fn errors_csv(Console(c): Console, Path(key): Path<String>) -> Response {
    let r: PageResult = async {
        let job = finished_job(&c, &key)?;
        Ok(download(
            import::error_report_csv(&job.header, &job.failed)?,
            "text/csv; charset=utf-8",
            &format!("导入错误报告-{}.csv", job.file_name),
        ))
    }
    .await;
    finish(&c, r)
}

pub async fn errors_xlsx(Console(c): Console, Path(key): Path<String>) -> Response {
    let r: PageResult = async {
        let job = finished_job(&c, &key)?;
        Ok(download(
            import::error_report_xlsx(&job.header, &job.failed)?,
            XLSX,
            &format!("导入错误报告-{}.xlsx", job.file_name),
        ))
    }
    .await;
    finish(&c, r)
}
