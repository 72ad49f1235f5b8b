//! An in-process huzhu server over a copy of the prepared demo database.

use anyhow::{bail, Context, Result};
use huzhu_app::{Clock, SystemClock};
use huzhu_store::{SqliteStore, Store};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tempfile::TempDir;

/// huzhu serving the demo on `127.0.0.1:PORT`, until dropped.
pub struct DemoServer {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub url: String,
    /// The server's own store: tests look things up (a member of another unit) and check what a
    /// page changed.
    pub store: SqliteStore,
    task: tokio::task::JoinHandle<()>,
    _dir: TempDir,
}

impl DemoServer {
    /// Starts a server on the system clock over a fresh copy of the demo database. `cache` is
    /// where the prepared database is kept between processes (none: prepare it here, for this
    /// server alone).
    pub async fn start(cache: Option<&Path>) -> Result<DemoServer> {
        Self::start_with_clock(cache, Arc::new(SystemClock)).await
    }

    /// [`DemoServer::start`] with the server's clock (a [`huzhu_app::SettableClock`] reaches
    /// the demo cycle's dates: a claim of 2022 can only be submitted in 2022).
    pub async fn start_with_clock(
        cache: Option<&Path>,
        clock: Arc<dyn Clock + Send + Sync>,
    ) -> Result<DemoServer> {
        let dir = tempfile::tempdir().context("while making the server's folder")?;
        let db = dir.path().join("huzhu.db");
        match cache {
            Some(cache) => {
                let prepared = prepared_demo(cache).await?;
                copy_db(&prepared, &db)?;
            }
            None => build_demo(&db).await?,
        }
        let store = SqliteStore::open_file(&db)
            .await
            .context("while opening the demo database")?;
        store.migrate().await.context("while migrating")?;
        let mut state = huzhu_web::AppState::new(store.clone(), clock);
        // The demo city, served as `huzhu serve --demo` serves it.
        state.demo = true;
        let app = huzhu_web::router_with(state).into_make_service_with_connect_info::<SocketAddr>();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .context("while listening")?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                eprintln!("huzhu test server stopped: {e}");
            }
        });
        Ok(DemoServer {
            url: format!("http://{addr}"),
            store,
            task,
            _dir: dir,
        })
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Loads the demo city and its money cycle into a new database at `db`, and closes it.
async fn build_demo(db: &Path) -> Result<()> {
    let store = SqliteStore::open_file(db)
        .await
        .context("while creating the demo database")?;
    store.migrate().await.context("while migrating")?;
    huzhu_app::demo::load_demo(&store, &SystemClock)
        .await
        .context("while loading the demo city")?;
    huzhu_app::demo_money::load_money_demo(&store)
        .await
        .context("while loading the demo's 2022 cycle")?;
    huzhu_app::demo_cycle::load_cycle_demo(&store, &SystemClock)
        .await
        .context("while loading the demo's current cycle")?;
    huzhu_app::demo_programmes::load_programme_demo(&store)
        .await
        .context("while loading the demo's assistance programmes")?;
    // Closing the last connection checkpoints the write-ahead log into the file.
    store.close().await;
    Ok(())
}

fn sidecar(db: &Path, suffix: &str) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Copies a closed SQLite database (and its write-ahead log, if one was left).
fn copy_db(from: &Path, to: &Path) -> Result<()> {
    std::fs::copy(from, to)
        .with_context(|| format!("while copying {} to {}", from.display(), to.display()))?;
    let wal = sidecar(from, "-wal");
    if wal.exists() {
        std::fs::copy(&wal, sidecar(to, "-wal")).context("while copying the WAL")?;
    }
    Ok(())
}

/// The prepared demo database in `cache`, made once per build of the running binary: its name
/// carries the binary's name, size and modification time, so a rebuilt binary (a changed demo
/// or migration) prepares a new one. Processes running at once wait for the one preparing it.
async fn prepared_demo(cache: &Path) -> Result<PathBuf> {
    let exe = std::env::current_exe().context("while finding the test binary")?;
    let meta = std::fs::metadata(&exe)?;
    let stamp = meta
        .modified()?
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    let stem = exe
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "huzhu".into());
    let prefix = format!("demo-{stem}-");
    let name = format!("{prefix}{stamp:x}-{:x}.db", meta.len());
    let path = cache.join(&name);
    if path.exists() {
        return Ok(path);
    }
    std::fs::create_dir_all(cache)
        .with_context(|| format!("while creating {}", cache.display()))?;
    let lock = cache.join(format!("{name}.lock"));
    let started = SystemTime::now();
    loop {
        match std::fs::create_dir(&lock) {
            Ok(()) => break,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                if path.exists() {
                    return Ok(path);
                }
                let age = std::fs::metadata(&lock)
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .unwrap_or_default();
                if age > Duration::from_secs(600) {
                    // Left by a process that died while preparing.
                    let _ = std::fs::remove_dir_all(&lock);
                    continue;
                }
                if started.elapsed().unwrap_or_default() > Duration::from_secs(900) {
                    bail!("waited too long for {} to be prepared", path.display());
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            Err(e) => return Err(e).context("while taking the demo preparation lock"),
        }
    }
    let result = async {
        if path.exists() {
            return Ok(());
        }
        let work = tempfile::tempdir_in(cache)?;
        let db = work.path().join("huzhu.db");
        build_demo(&db).await?;
        let wal = sidecar(&db, "-wal");
        if wal.exists() {
            std::fs::rename(&wal, sidecar(&path, "-wal"))?;
        }
        std::fs::rename(&db, &path)?;
        anyhow::Ok(())
    }
    .await;
    let _ = std::fs::remove_dir(&lock);
    result?;
    // Databases prepared by earlier builds of this binary are of no more use.
    if let Ok(entries) = std::fs::read_dir(cache) {
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with(&prefix) && !n.starts_with(&name) && !n.ends_with(".lock") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    Ok(path)
}
