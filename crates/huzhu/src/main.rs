//! The `huzhu` command: configuration, logging, choosing the storage backend from the URL, and
//! the subcommands. The only crate that names a concrete backend.

mod backend;
mod cmd;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "huzhu",
    version,
    about = "互助 huzhu — 职工医疗互助保障与帮扶 (employee medical mutual aid and assistance)"
)]
struct Cli {
    /// Database to use: sqlite://path/file.db or postgres://user@host/db. Default: the SQLite
    /// file in the data directory.
    #[arg(long, global = true, env = "HUZHU_DATABASE_URL")]
    database_url: Option<String>,
    /// Directory for the embedded database and uploaded files.
    #[arg(
        long,
        global = true,
        env = "HUZHU_DATA_DIR",
        default_value = "huzhu-data"
    )]
    data_dir: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (health, organisations and members API, console).
    Serve(cmd::serve::ServeArgs),
    /// Import an organisation or member roster (xlsx or csv, UTF-8 or GBK).
    #[command(subcommand)]
    Import(cmd::import::ImportCommand),
    /// List members.
    #[command(subcommand)]
    Members(cmd::members::MembersCommand),
    /// Create and list accounts.
    #[command(subcommand)]
    User(cmd::user::UserCommand),
    /// Load the demo city into the database (once).
    Demo,
    /// Decide claims of a scenario (SPEC section 10) under a policy; prints JSON decisions.
    Adjudicate(cmd::adjudicate::AdjudicateArgs),
    /// Check, list, show and compare policy files.
    Policy(cmd::policy::PolicyArgs),
    /// Assess a case (SPEC section 11) under an assistance programme; prints JSON.
    Assess(cmd::assess::AssessArgs),
    /// Check, list, show and compare assistance programme files.
    Programme(cmd::programme::ProgrammeArgs),
    /// Check the double-entry ledger.
    #[command(subcommand)]
    Ledger(cmd::ledger::LedgerCommand),
    /// Re-decide a stored cycle's claims under another policy, changing nothing.
    Replay(cmd::replay::ReplayArgs),
    /// Reports read from the ledger: `report fund --cycle 2022`, the public fund report.
    #[command(subcommand)]
    Report(cmd::report::ReportCommand),
    /// Write a consistent copy of the running SQLite database to a file (PostgreSQL: pg_dump).
    Backup(cmd::backup::BackupArgs),
    /// Check a backup (integrity, migrations, ledger) and put it in place of the SQLite database.
    Restore(cmd::backup::RestoreArgs),
    /// Exports: `export fhir --cycle 2022`, decided claims as FHIR R4 NDJSON (issue 18).
    #[command(subcommand)]
    Export(cmd::export::ExportCommand),
}

/// mimalloc instead of the system allocator: the server allocates and frees small buffers on
/// many threads (tokio's workers and the database connections' own), where glibc's malloc spent
/// about a quarter of a claim submission's CPU time in the submission benchmark (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let quiet_default = !matches!(cli.command, Command::Serve(_));
    init_tracing(quiet_default);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("错误 (error): cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误 (error): {e:#}");
            ExitCode::from(cmd::exit_code_of(&e))
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // Commands that need no database do not open one.
    let cli = match cli.command {
        Command::Adjudicate(args) => return cmd::adjudicate::run(args),
        Command::Policy(args) => return cmd::policy::run(args),
        Command::Assess(args) => return cmd::assess::run(args),
        Command::Programme(args) => return cmd::programme::run(args),
        command => Cli { command, ..cli },
    };
    let location = backend::Location::resolve(cli.database_url.as_deref(), &cli.data_dir)?;
    // Backup and restore open the file themselves: neither may create or migrate it first.
    let cli = match cli.command {
        Command::Backup(args) => return cmd::backup::backup(&location, args).await,
        Command::Restore(args) => return cmd::backup::restore(&location, args).await,
        command => Cli { command, ..cli },
    };
    let store = backend::AnyStore::open(&location).await?;
    match cli.command {
        Command::Serve(args) => {
            backend::with_store!(store, s => cmd::serve::run(s, &location, args).await)
        }
        Command::Import(args) => backend::with_store!(store, s => cmd::import::run(s, args).await),
        Command::Members(args) => {
            backend::with_store!(store, s => cmd::members::run(s, args).await)
        }
        Command::User(args) => backend::with_store!(store, s => cmd::user::run(s, args).await),
        Command::Demo => backend::with_store!(store, s => cmd::serve::load_demo(&s).await),
        Command::Ledger(args) => backend::with_store!(store, s => cmd::ledger::run(s, args).await),
        Command::Replay(args) => backend::with_store!(store, s => cmd::replay::run(s, args).await),
        Command::Report(args) => backend::with_store!(store, s => cmd::report::run(s, args).await),
        Command::Export(args) => backend::with_store!(store, s => cmd::export::run(s, args).await),
        Command::Adjudicate(_)
        | Command::Backup(_)
        | Command::Restore(_)
        | Command::Policy(_)
        | Command::Assess(_)
        | Command::Programme(_) => Ok(ExitCode::SUCCESS),
    }
}

fn init_tracing(quiet: bool) {
    use tracing_subscriber::EnvFilter;
    let default = if quiet { "warn" } else { "info,sqlx=warn" };
    let filter = EnvFilter::try_from_env("HUZHU_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
