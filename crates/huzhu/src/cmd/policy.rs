//! `huzhu policy check FILE`, `huzhu policy diff OLD NEW`, `huzhu policy list`,
//! `huzhu policy show NAME|FILE`, `huzhu policy new --from NAME|FILE --cycle YEAR`: policies as
//! data files (SPEC section 4).

use anyhow::Context as _;
use clap::{Args, Subcommand};
use huzhu_domain::policy::{self, Policy};
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct PolicyArgs {
    #[command(subcommand)]
    pub command: PolicyCommand,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Validate a policy file; each error names its line (exit 1 when there are errors).
    Check {
        /// The policy file (TOML).
        file: String,
    },
    /// Say in words what changed between two cycles' policies.
    Diff {
        /// The older policy: a built-in name or a file.
        old: String,
        /// The newer policy: a built-in name or a file.
        new: String,
    },
    /// List the built-in policies.
    List,
    /// Summarise a policy and list its assumed parameters.
    Show {
        /// A built-in name or a file.
        policy: String,
    },
    /// Make next cycle's policy from this one's: the same rules, comments and `assumed` notes,
    /// every date moved to the new cycle, the id and name renamed, the version bumped.
    New {
        /// The policy to start from: a built-in name or a file.
        #[arg(long)]
        from: String,
        /// The year the new cycle starts in, e.g. 2026.
        #[arg(long)]
        cycle: i32,
        /// Write the new policy here (never over an existing file); standard output without it.
        #[arg(long)]
        out: Option<String>,
    },
}

/// The text of a built-in policy by name, else of a policy file by path.
fn policy_text(name_or_path: &str) -> Result<String, LoadError> {
    if let Some((_, text)) = policy::BUILTIN.iter().find(|(n, _)| *n == name_or_path) {
        return Ok(text.to_string());
    }
    std::fs::read_to_string(name_or_path).map_err(|e| {
        let names: Vec<&str> = policy::builtin_names().collect();
        LoadError(format!(
            "策略“{name_or_path}”既不是内置策略（{}），也无法读取为文件 (policy `{name_or_path}` is neither a built-in policy nor a readable file): {e}",
            names.join(", ")
        ))
    })
}

/// Why a policy could not be loaded: the text to print on stderr.
#[derive(Debug)]
pub struct LoadError(pub String);

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LoadError {}

/// A built-in policy by name, else a policy file by path.
pub fn load_policy(name_or_path: &str) -> Result<Policy, LoadError> {
    if let Some(parsed) = policy::builtin(name_or_path) {
        return parsed.map_err(|e| LoadError(format!("built-in policy {name_or_path}:\n{e}")));
    }
    let text = std::fs::read_to_string(name_or_path).map_err(|e| {
        let names: Vec<&str> = policy::builtin_names().collect();
        LoadError(format!(
            "策略“{name_or_path}”既不是内置策略（{}），也无法读取为文件 (policy `{name_or_path}` is neither a built-in policy nor a readable file): {e}",
            names.join(", ")
        ))
    })?;
    Policy::from_toml(&text).map_err(|errors| {
        let lines: Vec<String> = errors
            .0
            .iter()
            .map(|e| format!("{name_or_path}:{}: {}", e.line, e.problem))
            .collect();
        LoadError(lines.join("\n"))
    })
}

pub fn run(args: PolicyArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        PolicyCommand::Check { file } => {
            let text = std::fs::read_to_string(Path::new(&file))
                .with_context(|| format!("while reading policy file {file}"))?;
            match Policy::from_toml(&text) {
                Ok(p) => {
                    let benefits: usize = p.items.iter().map(|i| i.benefits.len()).sum();
                    println!(
                        "{file}: ok — {} ({}), {} items, {} benefits, {} assumed parameters",
                        p.id,
                        p.name,
                        p.items.len(),
                        benefits,
                        p.assumptions.len()
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(errors) => {
                    for e in &errors.0 {
                        eprintln!("{file}:{}: {}", e.line, e.problem);
                    }
                    Ok(ExitCode::from(1))
                }
            }
        }
        PolicyCommand::Diff { old, new } => {
            let (old, new) = match (load_policy(&old), load_policy(&new)) {
                (Ok(o), Ok(n)) => (o, n),
                (Err(e), _) | (_, Err(e)) => {
                    eprintln!("{e}");
                    return Ok(ExitCode::from(2));
                }
            };
            let changes = policy::diff(&old, &new);
            if changes.is_empty() {
                println!(
                    "{} 与 {} 的规则相同 (no change in the rules)",
                    old.id, new.id
                );
            }
            for c in changes {
                println!("- {c}");
            }
            Ok(ExitCode::SUCCESS)
        }
        PolicyCommand::List => {
            for name in policy::builtin_names() {
                match policy::builtin(name) {
                    Some(Ok(p)) => println!("{name}\t{}", p.name),
                    _ => println!("{name}\t(invalid)"),
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        PolicyCommand::Show { policy: name } => {
            let p = match load_policy(&name) {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("{e}");
                    return Ok(ExitCode::from(2));
                }
            };
            print!("{}", policy::describe(&p));
            Ok(ExitCode::SUCCESS)
        }
        PolicyCommand::New { from, cycle, out } => {
            let text = match policy_text(&from) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("{e}");
                    return Ok(ExitCode::from(2));
                }
            };
            let next = match policy::next_cycle(&text, cycle) {
                Ok(n) => n,
                Err(e) => {
                    eprintln!("{from}: {e}");
                    return Ok(ExitCode::from(2));
                }
            };
            match out {
                None => print!("{}", next.text),
                Some(path) => {
                    use std::io::Write as _;
                    let mut file = std::fs::OpenOptions::new()
                        .write(true)
                        .create_new(true)
                        .open(&path)
                        .with_context(|| {
                            format!("while creating {path} (an existing file is never overwritten)")
                        })?;
                    file.write_all(next.text.as_bytes())
                        .with_context(|| format!("while writing {path}"))?;
                    eprintln!(
                        "{path}: {} ({})，日期顺延 {} 年 (every date moved {} years); \
                         `huzhu policy diff {from} {path}` shows what changed",
                        next.policy.id, next.policy.name, next.years, next.years
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
