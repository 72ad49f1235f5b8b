//! `huzhu import orgs|members FILE [--errors FILE]`.

use super::{EXIT_BAD_INPUT, EXIT_ROWS_REJECTED};
use anyhow::Context;
use huzhu_app::import::{import_members, import_orgs, ImportSink, RosterFile};
use huzhu_app::SystemClock;
use huzhu_import::{FailedRow, Progress, ProgressUnit, ReportEncoding, RowError};
use huzhu_store::{ImportCounts, Store};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum ImportCommand {
    /// Organisations: 组织代码, 组织名称, 上级代码, 层级, 行政区划代码.
    Orgs(ImportArgs),
    /// Members: 姓名, 身份证号, 工会代码, 在职状态, and optional columns.
    Members(ImportArgs),
}

#[derive(clap::Args)]
pub struct ImportArgs {
    /// The roster, .xlsx or .csv.
    file: PathBuf,
    /// Write every refused row to this CSV file, to fix and import again: where and why
    /// (错误行号, 错误列, 错误原因), then the row's cells under the file's own header.
    #[arg(long)]
    errors: Option<PathBuf>,
    /// Who is importing, for the audit trail.
    #[arg(long, default_value = "cli", env = "USER")]
    actor: String,
}

/// Shows bad rows and progress on the terminal and keeps the rows for the report file.
struct CliSink {
    bar: ProgressBar,
    header: Vec<String>,
    failed: Vec<FailedRow>,
    errors: usize,
    shown: usize,
}

const SHOW_AT_MOST: usize = 200;

impl ImportSink for CliSink {
    fn progress(&mut self, p: Progress, counts: &ImportCounts) {
        if p.total > 0 {
            self.bar.set_length(p.total);
        }
        self.bar.set_position(p.done);
        self.bar.set_message(format!(
            "{} 行 ({} 新增, {} 更新, {} 无变化, {} 有误)",
            counts.read, counts.created, counts.updated, counts.unchanged, counts.rejected
        ));
        if p.unit == ProgressUnit::Rows {
            self.bar.set_style(style("行"));
        }
    }

    fn row_error(&mut self, e: &RowError) {
        if self.shown < SHOW_AT_MOST {
            self.bar
                .suspend(|| eprintln!("第{}行 [{}] {}", e.row, e.column, e.reason));
            self.shown += 1;
        }
        self.errors += 1;
    }

    fn header(&mut self, header: &[String]) {
        self.header = header.to_vec();
    }

    fn failed_row(&mut self, row: &FailedRow) {
        for e in &row.errors {
            self.row_error(e);
        }
        self.failed.push(row.clone());
    }
}

fn style(unit: &str) -> ProgressStyle {
    ProgressStyle::with_template(&format!(
        "{{spinner}} [{{bar:30}}] {{percent}}% {unit} {{msg}}"
    ))
    .unwrap_or_else(|_| ProgressStyle::default_bar())
}

pub async fn run<S: Store>(store: S, cmd: ImportCommand) -> anyhow::Result<ExitCode> {
    let (args, what) = match &cmd {
        ImportCommand::Orgs(a) => (a, "组织"),
        ImportCommand::Members(a) => (a, "会员"),
    };
    let file = std::fs::File::open(&args.file)
        .map_err(huzhu_app::AppError::Io)
        .with_context(|| format!("while opening {}", args.file.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let roster = RosterFile {
        reader: std::io::BufReader::new(file),
        file_name: args.file.to_string_lossy().into_owned(),
    };
    let bar = ProgressBar::new(size);
    bar.set_style(style("字节"));
    let mut sink = CliSink {
        bar,
        header: Vec::new(),
        failed: Vec::new(),
        errors: 0,
        shown: 0,
    };
    let clock = SystemClock;
    let report = match &cmd {
        ImportCommand::Orgs(_) => import_orgs(&store, roster, &args.actor, &clock, &mut sink).await,
        ImportCommand::Members(_) => {
            import_members(&store, roster, &args.actor, &clock, &mut sink).await
        }
    }
    .with_context(|| format!("while importing {}", args.file.display()))?;
    sink.bar.finish_and_clear();
    if sink.errors > sink.shown {
        eprintln!(
            "…… 另有 {} 条错误未显示 (more errors not shown)",
            sink.errors - sink.shown
        );
    }
    if let Some(path) = &args.errors {
        let out = std::fs::File::create(path)
            .with_context(|| format!("while creating the error report {}", path.display()))?;
        huzhu_import::write_row_report(
            std::io::BufWriter::new(out),
            &sink.header,
            &sink.failed,
            ReportEncoding::Utf8,
        )
        .with_context(|| format!("while writing the error report {}", path.display()))?;
    }
    let c = report.counts;
    println!(
        "{what}导入完成 (import finished): 共 {} 行, 新增 {}, 更新 {}, 无变化 {}, 有误 {}",
        c.read, c.created, c.updated, c.unchanged, c.rejected
    );
    if c.held > 0 {
        println!(
            "银行账号变更待确认 {} 行：账号未改，须由有权限的另一账号在控制台“银行账号变更”确认 \
             (bank account changes held: {} rows; the account is unchanged until another account \
             confirms it in the console)",
            c.held, c.held
        );
    }
    if !report.ignored_columns.is_empty() {
        println!(
            "未识别、已忽略的列 (ignored columns): {}",
            report.ignored_columns.join("、")
        );
    }
    if let (Some(path), false) = (&args.errors, report.all_good()) {
        println!("错误报告 (error report): {}", path.display());
    }
    let _ = EXIT_BAD_INPUT;
    Ok(if report.all_good() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_ROWS_REJECTED)
    })
}
