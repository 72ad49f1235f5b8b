//! A preview of `huzhu adjudicate` and `huzhu policy`, compiled from the very files the `huzhu`
//! binary uses, so they can be tried and tested before (and apart from) the main binary.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

// At the crate root, so that `super::policy` inside adjudicate.rs resolves as in `huzhu::cmd`.
#[path = "../../../huzhu/src/cmd/adjudicate.rs"]
pub mod adjudicate;
#[path = "../../../huzhu/src/cmd/policy.rs"]
pub mod policy;

mod cmd {
    pub use super::{adjudicate, policy};
}

#[derive(Parser)]
#[command(name = "engine-cli")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Decide a scenario's claims under a policy (SPEC 10).
    Adjudicate(cmd::adjudicate::AdjudicateArgs),
    /// Check, compare, list and show policies.
    Policy(cmd::policy::PolicyArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Adjudicate(a) => cmd::adjudicate::run(a),
        Command::Policy(p) => cmd::policy::run(p),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
