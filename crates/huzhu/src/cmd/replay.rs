//! `huzhu replay --cycle 2022 --policy NEW`: re-decides every stored claim of a cycle under
//! another policy, changing nothing, and reports what would differ (SPEC 10: "what would last
//! year's claims have been paid under next year's policy?"). `huzhu replay --programme FILE
//! --year 2026` does the same for a year's relief applications under another programme file.

use crate::cmd::policy::load_policy;
use crate::cmd::programme::load_programme;
use huzhu_app::replay::{replay_cycle, replay_programme, Totals};
use huzhu_app::SystemClock;
use huzhu_domain::money::Money;
use huzhu_store::Repo;
use std::process::ExitCode;

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("rules").required(true).args(["policy", "programme"])))]
pub struct ReplayArgs {
    /// The year: every stored policy whose cycle starts that year, or every application of the
    /// programme whose cycle is that year (`--year` is the same).
    #[arg(long, visible_alias = "year")]
    cycle: i32,
    /// The policy to try: a built-in name or a policy file.
    #[arg(long)]
    policy: Option<String>,
    /// The programme file to try (a built-in id or a file): its id names the applications.
    #[arg(long)]
    programme: Option<String>,
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
    let Some(policy) = &args.policy else {
        return run_programme(store, &args).await;
    };
    let policy = match load_policy(policy) {
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

async fn run_programme<S: Repo>(store: S, args: &ReplayArgs) -> anyhow::Result<ExitCode> {
    let file = args.programme.as_deref().unwrap_or_default();
    let programme = match load_programme(file) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return Ok(ExitCode::from(crate::cmd::EXIT_BAD_INPUT));
        }
    };
    let r = replay_programme(&store, args.cycle, &programme).await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
        return Ok(ExitCode::SUCCESS);
    }
    let olds = if r.old_versions.is_empty() {
        "—".to_string()
    } else {
        r.old_versions.join(", ")
    };
    println!(
        "{} {} 年度 {} → {}：不改变任何数据 (nothing is changed)",
        r.programme, r.year, olds, r.new_version
    );
    println!(
        "申请 {} 件，结果变化 {} 件（新增符合 {}，新增不符合 {}）；未存案情未重算 {} 件 \
         (applications {}, changed {}: newly eligible {}, newly refused {}; stored without their case {})",
        r.applications,
        r.changed,
        r.newly_eligible,
        r.newly_refused,
        r.without_case,
        r.applications,
        r.changed,
        r.newly_eligible,
        r.newly_refused,
        r.without_case
    );
    line("合计 total", &r.total);
    println!("按基层工会 (by unit):");
    for (unit, t) in &r.by_unit {
        line(unit, t);
    }
    if !r.new_refusals.is_empty() {
        println!("新文件的不予救助原因 (refusals under the new file):");
        for (code, n) in &r.new_refusals {
            println!("  {code:<28} {n:>7} 件");
        }
    }
    if !r.largest.is_empty() {
        println!("变化最大的申请 (largest changes):");
        for d in &r.largest {
            let word = |e: bool| if e { "符合" } else { "不符合" };
            println!(
                "  救助 {:<8} {:<8} {:<20} {:<12} 原 {}{:>12} 新 {}{:>12} {}",
                d.grant,
                d.member_name,
                d.subject,
                d.unit,
                word(d.old_eligible),
                yuan(d.old_fen),
                word(d.new_eligible),
                yuan(d.new_fen),
                d.new_refusals.join(",")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
