//! `huzhu user add …` and `huzhu user list [--org CODE]`: accounts from the command line, for the
//! first administrator and for scripts. The password comes from `HUZHU_PASSWORD` or one line of
//! standard input, never from an argument (arguments show in `ps` and shell history).

use anyhow::Context;
use huzhu_app::accounts::{create_user, UserInput};
use huzhu_app::{AppError, Clock, SystemClock};
use huzhu_domain::access::Role;
use huzhu_domain::id_number::IdNumber;
use huzhu_domain::org::{OrgCode, OrgLevel};
use huzhu_store::{AccountStore, Store};
use std::io::{BufRead, Write};
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum UserCommand {
    /// Create an account. Password: $HUZHU_PASSWORD, or typed on standard input.
    Add(AddArgs),
    /// List the accounts under an organisation (all cities when --org is left out).
    List(ListArgs),
}

#[derive(clap::Args)]
pub struct AddArgs {
    #[arg(long)]
    username: String,
    /// member, unit_officer, federation_staff, medical_reviewer, finance, auditor, administrator
    #[arg(long)]
    role: String,
    /// The organisation the account is scoped to (its whole subtree).
    #[arg(long)]
    org: String,
    /// For a member account: the member's ID number.
    #[arg(long)]
    member_id_number: Option<String>,
    /// Display name (default: the username).
    #[arg(long)]
    name: Option<String>,
}

#[derive(clap::Args)]
pub struct ListArgs {
    #[arg(long)]
    org: Option<String>,
}

fn invalid(field: &str, message: String) -> AppError {
    AppError::Invalid {
        field: field.into(),
        message,
    }
}

fn read_password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("HUZHU_PASSWORD") {
        return Ok(p);
    }
    eprint!("密码 (password): ");
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("while reading the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

pub async fn run<S: Store + AccountStore>(store: S, cmd: UserCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        UserCommand::Add(args) => add(&store, args).await,
        UserCommand::List(args) => list(&store, args).await,
    }
}

async fn add<S: Store + AccountStore>(store: &S, args: AddArgs) -> anyhow::Result<ExitCode> {
    let clock = SystemClock;
    let role = Role::parse(&args.role).ok_or_else(|| {
        let all: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
        invalid(
            "--role",
            format!("角色应为 (role must be one of): {}", all.join(", ")),
        )
    })?;
    let org = OrgCode::parse(&args.org).map_err(|e| invalid("--org", e.to_string()))?;
    let member_id = match &args.member_id_number {
        None => None,
        Some(raw) => {
            let id = IdNumber::parse(raw, clock.today())
                .map_err(|e| invalid("--member-id-number", e.to_string()))?;
            let member = store.member_by_id_number(id.as_str()).await.map_err(|_| {
                invalid(
                    "--member-id-number",
                    "未找到该身份证号的会员 (no member with this ID number)".into(),
                )
            })?;
            Some(member.id.0)
        }
    };
    let password = read_password()?;
    let input = UserInput {
        username: args.username.clone(),
        display_name: args.name,
        password,
        role,
        org,
        member_id,
    };
    create_user(store, &clock, "cli", &input)
        .await
        .with_context(|| format!("while creating the account {}", args.username))?;
    println!(
        "已创建账号 {} （{}，{}） (account created)",
        input.username.trim().to_ascii_lowercase(),
        role.label_zh(),
        input.org
    );
    Ok(ExitCode::SUCCESS)
}

async fn list<S: Store + AccountStore>(store: &S, args: ListArgs) -> anyhow::Result<ExitCode> {
    let roots: Vec<OrgCode> = match &args.org {
        Some(c) => vec![OrgCode::parse(c).map_err(|e| invalid("--org", e.to_string()))?],
        None => store
            .orgs_under(None)
            .await?
            .into_iter()
            .filter(|o| o.level == OrgLevel::City)
            .map(|o| o.code)
            .collect(),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    writeln!(out, "用户名\t角色\t组织\t姓名\t状态")?;
    for root in &roots {
        for u in store.list_users_under(root).await? {
            let state = if u.active { "启用" } else { "停用" };
            writeln!(
                out,
                "{}\t{}\t{}\t{}\t{state}",
                u.username,
                u.role.code(),
                u.org,
                u.display_name
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
