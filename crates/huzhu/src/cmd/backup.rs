//! `huzhu backup FILE` and `huzhu restore FILE` (issue 18): a consistent copy of a running SQLite
//! database, and putting one back after checking it. PostgreSQL has its own tools
//! (`pg_dump`/`pg_restore`, docs/backup.md); these commands say so rather than half-do it.

use crate::backend::Location;
use anyhow::{bail, Context};
use huzhu_app::ledger::check_store;
use huzhu_store::money::LedgerScope;
use huzhu_store::SqliteStore;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct BackupArgs {
    /// The file to write the copy to; it must not exist.
    file: PathBuf,
}

#[derive(clap::Args)]
pub struct RestoreArgs {
    /// A file `huzhu backup` wrote.
    file: PathBuf,
}

const POSTGRES: &str = "PostgreSQL 的备份与恢复用 pg_dump / pg_restore，见 docs/backup.md \
     (on PostgreSQL back up with pg_dump --format=custom and restore with pg_restore: docs/backup.md)";

/// The database file a SQLite location names (the data directory's `huzhu.db`, or the path of
/// a `sqlite://PATH?…` URL).
fn sqlite_file(location: &Location) -> anyhow::Result<PathBuf> {
    match location {
        Location::Sqlite { file: Some(f), .. } => Ok(f.clone()),
        Location::Sqlite { url, .. } => {
            let rest = url
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:");
            let path = rest.split('?').next().unwrap_or_default();
            if path.is_empty() || path.contains(":memory:") {
                bail!("{url} 不是数据库文件 (is not a database file)");
            }
            Ok(PathBuf::from(path))
        }
        Location::Postgres { .. } => bail!("{POSTGRES}"),
    }
}

fn bad_input(message: impl std::fmt::Display) -> anyhow::Result<ExitCode> {
    eprintln!("错误 (error): {message}");
    Ok(ExitCode::from(crate::cmd::EXIT_BAD_INPUT))
}

pub async fn backup(location: &Location, args: BackupArgs) -> anyhow::Result<ExitCode> {
    if matches!(location, Location::Postgres { .. }) {
        return bad_input(POSTGRES);
    }
    let db = sqlite_file(location)?;
    if !db.exists() {
        return bad_input(format!("没有数据库 {} (no database there)", db.display()));
    }
    if args.file.exists() {
        return bad_input(format!(
            "{} 已存在，不覆盖 (exists; a backup never overwrites a file)",
            args.file.display()
        ));
    }
    let store = SqliteStore::open_file(&db)
        .await
        .with_context(|| format!("while opening {}", db.display()))?;
    let started = std::time::Instant::now();
    let done = store.backup_into(&args.file).await;
    store.close().await;
    done.with_context(|| format!("while writing {}", args.file.display()))?;
    let size = std::fs::metadata(&args.file)?.len();
    println!(
        "已备份 {} → {}（{} 字节，{:.1} 秒；备份时其他读写照常）(backed up: {} bytes, a consistent copy as of one commit)",
        db.display(),
        args.file.display(),
        size,
        started.elapsed().as_secs_f64(),
        size
    );
    Ok(ExitCode::SUCCESS)
}

/// Checks a copy: SQLite's integrity check, huzhu's migrations (a copy from a newer huzhu is
/// refused; an older one is brought up to date), and the ledger. Returns what it found.
async fn check_copy(path: &Path) -> anyhow::Result<String> {
    let store = SqliteStore::open_file(path).await?;
    let result = async {
        let problems = store.integrity_problems().await?;
        if !problems.is_empty() {
            bail!(
                "文件已损坏 (the file is damaged): {}",
                problems.join("; ")
            );
        }
        if !store.is_huzhu_database().await? {
            bail!("不是 huzhu 的数据库 (not a huzhu database)");
        }
        huzhu_store::Store::migrate(&store).await.context(
            "不是 huzhu 的备份，或来自更新版本的 huzhu (not a huzhu backup, or one from a newer huzhu)",
        )?;
        let ledger = check_store(&store, &LedgerScope::Everything).await?;
        if !ledger.ok {
            bail!(
                "备份中的账不平 (the backup's ledger does not check out): {}",
                ledger.problems.join("; ")
            );
        }
        // Every commit into the file itself before it is moved.
        store.checkpoint_truncate().await?;
        Ok(format!(
            "分录 {} 条，账平 (entries {}, the ledger checks out)",
            ledger.entries, ledger.entries
        ))
    }
    .await;
    store.close().await;
    result
}

pub async fn restore(location: &Location, args: RestoreArgs) -> anyhow::Result<ExitCode> {
    if matches!(location, Location::Postgres { .. }) {
        return bad_input(POSTGRES);
    }
    let db = sqlite_file(location)?;
    if !args.file.is_file() {
        return bad_input(format!("没有文件 {} (no such file)", args.file.display()));
    }
    // The copy is checked where it will live (same directory: the final rename is atomic).
    let dir = db.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let staged = db.with_extension("db.restoring");
    let _ = std::fs::remove_file(&staged);
    std::fs::copy(&args.file, &staged)
        .with_context(|| format!("while copying {}", args.file.display()))?;
    let checked = match check_copy(&staged).await {
        Ok(c) => c,
        Err(e) => {
            discard(&staged);
            return bad_input(format!(
                "{} 未恢复，现有数据未动 (not restored; nothing was changed): {e:#}",
                args.file.display()
            ));
        }
    };
    remove_wal(&staged);
    let mut kept = None;
    if db.exists() {
        // Every commit into the file itself, then the file set aside (never deleted).
        let current = SqliteStore::open_file(&db).await?;
        let flushed = current.checkpoint_truncate().await;
        current.close().await;
        if let Err(e) = flushed {
            discard(&staged);
            return bad_input(format!("未恢复 (not restored): {e}"));
        }
        let stamp = huzhu_app::Clock::now(&huzhu_app::SystemClock).format("%Y%m%dT%H%M%SZ");
        let aside = PathBuf::from(format!("{}.before-restore-{stamp}", db.display()));
        std::fs::rename(&db, &aside)
            .with_context(|| format!("while setting {} aside", db.display()))?;
        remove_wal(&db);
        kept = Some(aside);
    }
    std::fs::rename(&staged, &db)
        .with_context(|| format!("while putting {} in place", db.display()))?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    println!(
        "已恢复 {} → {}；{checked} (restored)",
        args.file.display(),
        db.display()
    );
    if let Some(aside) = kept {
        println!(
            "原数据库保留为 {} (the database it replaced is kept there)",
            aside.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The `-wal` and `-shm` files beside a database that has been checkpointed and closed.
fn remove_wal(db: &Path) {
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
}

fn discard(staged: &Path) {
    let _ = std::fs::remove_file(staged);
    remove_wal(staged);
}
