//! `huzhu programme check FILE`, `huzhu programme list`, `huzhu programme show ID|FILE`,
//! `huzhu programme diff OLD NEW`: assistance programmes as data files (SPEC 7.1).

use anyhow::Context as _;
use clap::{Args, Subcommand};
use huzhu_domain::programme::{self, Programme};
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct ProgrammeArgs {
    #[command(subcommand)]
    pub command: ProgrammeCommand,
}

#[derive(Debug, Subcommand)]
pub enum ProgrammeCommand {
    /// Validate a programme file; each error names its line (exit 1 when there are errors).
    Check {
        /// The programme file (TOML).
        file: String,
    },
    /// Say in words what changed between two versions of a programme.
    Diff {
        /// The older programme: a built-in id or a file.
        old: String,
        /// The newer programme: a built-in id or a file.
        new: String,
    },
    /// List the built-in programmes.
    List,
    /// Summarise a programme and list its assumed parameters.
    Show {
        /// A built-in id or a file.
        programme: String,
    },
}

/// A built-in programme by id, else a programme file by path; the error is the text for stderr.
pub fn load_programme(id_or_path: &str) -> Result<Programme, String> {
    if let Some(parsed) = programme::builtin(id_or_path) {
        return parsed.map_err(|e| format!("built-in programme {id_or_path}:\n{e}"));
    }
    let text = std::fs::read_to_string(id_or_path).map_err(|e| {
        let names: Vec<&str> = programme::builtin_names().collect();
        format!(
            "项目“{id_or_path}”既不是内置项目（{}），也无法读取为文件 (programme `{id_or_path}` is neither a built-in programme nor a readable file): {e}",
            names.join(", ")
        )
    })?;
    Programme::from_toml(&text).map_err(|errors| {
        errors
            .0
            .iter()
            .map(|e| format!("{id_or_path}:{}: {}", e.line, e.problem))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

pub fn run(args: ProgrammeArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        ProgrammeCommand::Check { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("while reading programme file {file}"))?;
            match Programme::from_toml(&text) {
                Ok(p) => {
                    println!(
                        "{file}: ok — {} ({}), {} conditions, {} amount rules, {} assumed parameters",
                        p.id,
                        p.name,
                        p.conditions.len(),
                        p.amounts.len(),
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
        ProgrammeCommand::Diff { old, new } => {
            let (old, new) = match (load_programme(&old), load_programme(&new)) {
                (Ok(o), Ok(n)) => (o, n),
                (Err(e), _) | (_, Err(e)) => {
                    eprintln!("{e}");
                    return Ok(ExitCode::from(2));
                }
            };
            let changes = programme::diff(&old, &new);
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
        ProgrammeCommand::List => {
            for id in programme::builtin_names() {
                match programme::builtin(id) {
                    Some(Ok(p)) => println!("{id}\t{}\t{}", p.version, p.name),
                    _ => println!("{id}\t(invalid)"),
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        ProgrammeCommand::Show { programme: id } => match load_programme(&id) {
            Ok(p) => {
                print!("{}", programme::describe(&p));
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => {
                eprintln!("{e}");
                Ok(ExitCode::from(2))
            }
        },
    }
}
