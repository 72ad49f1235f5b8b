//! `huzhu members list [--org CODE] [--format table|csv|json]`: masked personal data always.

use anyhow::Context;
use huzhu_app::members::{for_each_member_under, MemberSummary};
use huzhu_app::AppError;
use huzhu_domain::org::{OrgCode, OrgLevel};
use huzhu_store::Store;
use std::io::Write;
use std::process::ExitCode;
use unicode_width::UnicodeWidthStr;

#[derive(clap::Subcommand)]
pub enum MembersCommand {
    /// List the members under an organisation (all cities when --org is left out).
    List(ListArgs),
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

#[derive(clap::Args)]
pub struct ListArgs {
    /// Organisation code: the members of its whole subtree are listed.
    #[arg(long)]
    org: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

const HEADERS: [&str; 10] = [
    "姓名",
    "身份证号",
    "性别",
    "出生年份",
    "手机号",
    "工会代码",
    "在职状态",
    "社保统筹地",
    "入会日期",
    "标签",
];

fn cells(m: &MemberSummary) -> [String; 10] {
    [
        m.name.clone(),
        m.id_number.clone(),
        m.gender.clone(),
        m.birth_year.to_string(),
        m.phone.clone().unwrap_or_default(),
        m.org.clone(),
        m.status.clone(),
        m.social_security_region.clone().unwrap_or_default(),
        m.join_date.map(|d| d.to_string()).unwrap_or_default(),
        m.tags.join("、"),
    ]
}

/// One CSV record, quoted as needed.
fn csv_line<T: AsRef<[u8]>>(fields: &[T]) -> Result<Vec<u8>, AppError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(fields).map_err(|e| AppError::Io(e.into()))?;
    w.into_inner().map_err(|e| AppError::Io(e.into_error()))
}

fn pad(s: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

pub async fn run<S: Store>(store: S, cmd: MembersCommand) -> anyhow::Result<ExitCode> {
    let MembersCommand::List(args) = cmd;
    let roots: Vec<OrgCode> = match &args.org {
        Some(c) => vec![OrgCode::parse(c).map_err(|e| AppError::Invalid {
            field: "--org".into(),
            message: e.to_string(),
        })?],
        None => store
            .orgs_under(None)
            .await?
            .into_iter()
            .filter(|o| o.level == OrgLevel::City)
            .map(|o| o.code)
            .collect(),
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let widths = [10, 20, 4, 10, 13, 14, 8, 10, 10, 10];
    let mut first = true;
    match args.format {
        Format::Table => {
            let line: Vec<String> = HEADERS.iter().zip(widths).map(|(h, w)| pad(h, w)).collect();
            writeln!(out, "{}", line.join(" "))?;
        }
        Format::Csv => out.write_all(&csv_line(&HEADERS)?)?,
        Format::Json => write!(out, "[")?,
    }
    let mut total = 0;
    for root in &roots {
        total += for_each_member_under(&store, root, 1000, |m| {
            let io = |e: std::io::Error| AppError::Io(e);
            match args.format {
                Format::Table => {
                    let line: Vec<String> = cells(&m)
                        .iter()
                        .zip(widths)
                        .map(|(c, w)| pad(c, w))
                        .collect();
                    writeln!(out, "{}", line.join(" ").trim_end()).map_err(io)?;
                }
                Format::Csv => {
                    out.write_all(&csv_line(&cells(&m))?).map_err(io)?;
                }
                Format::Json => {
                    let sep = if first { "\n" } else { ",\n" };
                    first = false;
                    let json = serde_json::to_string(&m).map_err(|e| AppError::Io(e.into()))?;
                    write!(out, "{sep}{json}").map_err(io)?;
                }
            }
            Ok(())
        })
        .await
        .with_context(|| format!("while listing the members under {root}"))?;
    }
    match args.format {
        Format::Json => writeln!(out, "{}]", if first { "" } else { "\n" })?,
        Format::Csv | Format::Table => {}
    }
    out.flush()?;
    if matches!(args.format, Format::Table) {
        eprintln!("共 {total} 人 (members)");
    }
    Ok(ExitCode::SUCCESS)
}
