//! `huzhu report fund --cycle 2022`: the public fund report of a mutual-aid cycle, read from the
//! ledger exactly as the public page `/fund-report?cycle=2022` shows it (issue 18). Text by
//! default, `--json` for the whole report, `--xlsx FILE` for the workbook the page offers.

use huzhu_app::fund_report::{parse_cycle, report, report_xlsx};
use huzhu_app::SystemClock;
use huzhu_domain::money::Money;
use huzhu_store::Repo;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum ReportCommand {
    /// The public fund report 公示 of a cycle: contributions, claims paid, balance, payees (masked).
    Fund(FundArgs),
}

#[derive(clap::Args)]
pub struct FundArgs {
    /// The cycle's year (the policies whose cycle starts in it).
    #[arg(long, value_name = "YEAR")]
    cycle: String,
    /// Print the whole report as JSON.
    #[arg(long)]
    json: bool,
    /// Also write the report as a workbook to this file (never overwrites an existing file).
    #[arg(long, value_name = "FILE")]
    xlsx: Option<std::path::PathBuf>,
}

fn yuan(fen: i64) -> String {
    Money::from_fen(fen).yuan_string()
}

pub async fn run<S: Repo>(store: S, cmd: ReportCommand) -> anyhow::Result<ExitCode> {
    let ReportCommand::Fund(args) = cmd;
    let year = parse_cycle(&args.cycle)?;
    let r = report(&store, &SystemClock, year).await?;
    if let Some(path) = &args.xlsx {
        let bytes = report_xlsx(&r)?;
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|e| {
                huzhu_app::AppError::Io(std::io::Error::new(
                    e.kind(),
                    format!("{}: {e}", path.display()),
                ))
            })?;
        f.write_all(&bytes)?;
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{} 年度互助保障基金公示 (fund report, cycle {})",
        r.cycle, r.cycle
    );
    if r.policies.is_empty() {
        println!(
            "本年度没有互助保障政策 (no policy cycle starts in {})",
            r.cycle
        );
    }
    for p in &r.policies {
        println!("政策 {} {}", p.id, p.name);
        println!("  应收会费 (billed)      {:>16}", yuan(p.billed_fen));
        println!("  实收会费 (received)    {:>16}", yuan(p.received_fen));
        println!("  审批补助 (approved)    {:>16}", yuan(p.approved_fen));
        println!("  已付补助 (paid)        {:>16}", yuan(p.paid_fen));
        println!("  基金余额 (balance)     {:>16}", yuan(p.balance_fen));
    }
    println!("受助人数 (payees) {}", r.payees);
    println!("按项目 (by item):");
    for i in &r.by_item {
        println!(
            "  {:<12} {:<24} {:>6} 件 {:>16}",
            i.policy_id,
            i.name,
            i.claims,
            yuan(i.paid_fen)
        );
    }
    println!("按月份 (by month):");
    for m in &r.by_month {
        println!("  {} {:>6} 人 {:>16}", m.month, m.payees, yuan(m.paid_fen));
    }
    println!(
        "名单 (payees listed) {} 人；不足 5 人的单位 (units shown by totals) {} 个",
        r.listed.len(),
        r.small_units.len()
    );
    Ok(ExitCode::SUCCESS)
}
