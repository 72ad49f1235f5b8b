//! `huzhu export fhir --cycle 2022 [--out FILE]`: every decided claim of a cycle as HL7 FHIR R4
//! NDJSON, one resource per line: each claim's `Claim`, then its `ExplanationOfBenefit`
//! (docs/fhir.md). To stdout, or to a new file (never overwrites one).

use huzhu_app::fund_report::parse_cycle;
use huzhu_app::SystemClock;
use huzhu_store::Repo;
use std::io::Write;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum ExportCommand {
    /// Decided claims of a cycle as FHIR R4 NDJSON (Claim and ExplanationOfBenefit per claim).
    Fhir(FhirArgs),
}

#[derive(clap::Args)]
pub struct FhirArgs {
    /// The cycle's year (the policies whose cycle starts in it).
    #[arg(long, value_name = "YEAR")]
    cycle: String,
    /// Write to this new file instead of stdout (never overwrites an existing file).
    #[arg(long, value_name = "FILE")]
    out: Option<std::path::PathBuf>,
}

pub async fn run<S: Repo>(store: S, cmd: ExportCommand) -> anyhow::Result<ExitCode> {
    let ExportCommand::Fhir(args) = cmd;
    let year = parse_cycle(&args.cycle)?;
    let mut out: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .map_err(|e| {
                    huzhu_app::AppError::Io(std::io::Error::new(
                        e.kind(),
                        format!("{}: {e}", path.display()),
                    ))
                })?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let done = huzhu_app::fhir::export_cycle(&store, &SystemClock, year, |line| {
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")
    })
    .await?;
    out.flush()?;
    eprintln!(
        "已导出 {} 件已核算的申请 ({} resources)；未核算 {} 件未导出 (exported {} decided claims; {} not decided left out)",
        done.claims,
        done.claims * 2,
        done.undecided,
        done.claims,
        done.undecided
    );
    Ok(ExitCode::SUCCESS)
}
