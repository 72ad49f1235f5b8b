//! `huzhu ledger check`: proves that every entry balances, that the ledger sums to zero, and that
//! each account agrees with the bills and claims it mirrors (SPEC 6). Exit 0 when it does, 1 with
//! every disagreement listed when it does not. The whole database by default (every tenant);
//! `--org CODE` checks the entries, bills and claims of one subtree, as finance there sees them.

use anyhow::Context;
use huzhu_app::ledger::check_store;
use huzhu_domain::money::Money;
use huzhu_domain::org::OrgCode;
use huzhu_store::money::LedgerScope;
use huzhu_store::Repo;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum LedgerCommand {
    /// Check the ledger against itself, the bills and the claims.
    Check(CheckArgs),
}

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Check only the subtree under this organisation (its claims', bills' and batches' entries).
    #[arg(long, value_name = "CODE")]
    org: Option<String>,
}

pub async fn run<S: Repo>(store: S, cmd: LedgerCommand) -> anyhow::Result<ExitCode> {
    let LedgerCommand::Check(args) = cmd;
    let scope = match &args.org {
        None => LedgerScope::Everything,
        Some(raw) => {
            let org = OrgCode::parse(raw).with_context(|| format!("--org {raw}"))?;
            // An unknown code is an error, not an empty (and so balanced) ledger.
            store
                .org(&org)
                .await
                .with_context(|| format!("while looking up organisation {org}"))?;
            LedgerScope::Under(org)
        }
    };
    let report = check_store(&store, &scope).await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "分录 {} 条，分录行 {} 条 (entries {}, postings {})",
            report.entries, report.postings, report.entries, report.postings
        );
        for (account, fen) in &report.balances {
            println!(
                "  {account:<40} {:>16}",
                Money::from_fen(*fen).yuan_string()
            );
        }
        if report.ok {
            println!("账平：每笔分录借贷相等，各账户与账单、补助一致 (the ledger balances and agrees with bills and claims)");
        } else {
            for p in &report.problems {
                println!("不符 (problem): {p}");
            }
        }
    }
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
