//! `huzhu replay --cycle 2022 --policy NEW`: re-decides every stored claim of a cycle under
//! another policy, changing nothing, and reports what would differ (SPEC 10: "what would last
//! year's claims have been paid under next year's policy?").

use crate::cmd::policy::load_policy;
use huzhu_app::replay::{replay_cycle, Totals};
use huzhu_app::SystemClock;
use huzhu_domain::money::Money;
use huzhu_store::Repo;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct ReplayArgs {
    /// The cycle's year: every stored policy whose cycle starts that year is replayed.
    #[arg(long)]
    cycle: i32,
    /// The policy to try: a built-in name or a policy file.
    #[arg(long)]
    policy: String,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

fn yuan(fen: i64) -> String {
    Money::from_fen(fen).yuan_string()
}

fn line(label: &str, t: &Totals) {
    println!(
        "  {label:<24} {:>7} 件  原 {:>14}  新 {:>14}  差 {:>14}",
        t.claims,
        yuan(t.old_fen),
        yuan(t.new_fen),
        yuan(t.delta_fen())
    );
}

pub async fn run<S: Repo>(store: S, args: ReplayArgs) -> anyhow::Result<ExitCode> {
    let policy = match load_policy(&args.policy) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return Ok(ExitCode::from(crate::cmd::EXIT_BAD_INPUT));
        }
    };
    let report = replay_cycle(&store, &SystemClock, args.cycle, &policy).await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{} 年度 {} → {}：不改变任何数据 (nothing is changed)",
        args.cycle,
        report.old_policies.join(", "),
        report.new_policy
    );
    println!(
        "申请 {} 件，金额变化 {} 件；会员 {} 人，受影响 {} 人 (claims {}, changed {}; members {}, affected {})",
        report.claims,
        report.claims_changed,
        report.members,
        report.members_changed,
        report.claims,
        report.claims_changed,
        report.members,
        report.members_changed
    );
    line("合计 total", &report.total);
    println!("按项目 (by item):");
    for (item, t) in &report.by_item {
        line(item, t);
    }
    println!("按基层工会 (by unit):");
    for (unit, t) in &report.by_unit {
        line(unit, t);
    }
    if !report.largest.is_empty() {
        println!("变化最大的申请 (largest changes):");
        for d in &report.largest {
            println!(
                "  申请 {:<8} 会员 #{:<8} {:<12} 原 {:>12} 新 {:>12}",
                d.claim,
                d.member,
                d.unit,
                yuan(d.old_fen),
                yuan(d.new_fen)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
