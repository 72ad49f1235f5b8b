//! `huzhu-bench floor PORT DIR`: the floor under claim submission (bench/submit_floor.sh).
//!
//! A server with nothing of huzhu in it but the stack: axum on tokio, as `huzhu serve` runs it,
//! and SQLite in WAL mode with `synchronous = NORMAL`, as huzhu opens it. Each route answers
//! a small JSON body; the writing ones commit one small row per request before answering:
//!
//! - `GET /noop`: nothing (the baseline, as `/health` is for bench/submit.sh);
//! - `POST /sqlx`: one INSERT on a one-connection sqlx pool, committed alone;
//! - `POST /sqlx-batch`: the same row, but requests that arrive together share one transaction
//!   and one multi-row INSERT (huzhu's group commit, reduced to its bones);
//! - `POST /thread`: the row goes to one thread of our own holding a rusqlite connection, which
//!   writes everything queued in one transaction with a prepared statement, then answers.
//!
//! None of these reads a member, checks a scope, validates a claim, keeps statistics or writes
//! an event: whatever these routes cannot reach, a claim submission cannot either.

use anyhow::Context;
use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::{mpsc, Arc, Mutex};
use tokio::sync::oneshot;

type Job = (String, oneshot::Sender<i64>);

#[derive(Clone)]
struct Floor {
    pool: sqlx::SqlitePool,
    queue: Arc<Mutex<Vec<Job>>>,
    turn: Arc<tokio::sync::Mutex<()>>,
    thread: mpsc::Sender<Job>,
}

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let port: u16 = args
        .first()
        .and_then(|p| p.parse().ok())
        .context("usage: huzhu-bench floor PORT DIR")?;
    let dir = args.get(1).context("usage: huzhu-bench floor PORT DIR")?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(serve(port, Path::new(dir)))
}

async fn serve(port: u16, dir: &Path) -> anyhow::Result<()> {
    use sqlx::sqlite::{
        SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
    };
    let file = dir.join("floor.db");
    let options = SqliteConnectOptions::new()
        .filename(&file)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .test_before_acquire(false)
        .connect_with(options)
        .await?;
    sqlx::query("CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        .execute(&pool)
        .await?;
    let (tx, rx) = mpsc::channel::<Job>();
    let thread_file = file.clone();
    std::thread::Builder::new()
        .name("floor-writer".into())
        .spawn(move || writer_thread(&thread_file, rx))?;
    let state = Floor {
        pool,
        queue: Arc::default(),
        turn: Arc::default(),
        thread: tx,
    };
    let app = Router::new()
        .route("/noop", get(|| async { Json(json!({"ok": true})) }))
        .route("/sqlx", post(sqlx_one))
        .route("/sqlx-batch", post(sqlx_batch))
        .route("/thread", post(thread_one))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    axum::serve(listener, app).await?;
    Ok(())
}

fn answer(id: i64) -> (axum::http::StatusCode, Json<Value>) {
    (axum::http::StatusCode::CREATED, Json(json!({"id": id})))
}

fn failed() -> (axum::http::StatusCode, Json<Value>) {
    (
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        Json(json!({"error": "write failed"})),
    )
}

async fn sqlx_one(
    State(f): State<Floor>,
    Json(body): Json<Value>,
) -> (axum::http::StatusCode, Json<Value>) {
    let r: Result<i64, sqlx::Error> =
        sqlx::query_scalar("INSERT INTO rows (body) VALUES ($1) RETURNING id")
            .bind(body.to_string())
            .fetch_one(&f.pool)
            .await;
    r.map_or_else(|_| failed(), answer)
}

async fn sqlx_batch(
    State(f): State<Floor>,
    Json(body): Json<Value>,
) -> (axum::http::StatusCode, Json<Value>) {
    let (tx, mut rx) = oneshot::channel();
    if let Ok(mut q) = f.queue.lock() {
        q.push((body.to_string(), tx));
    }
    tokio::select! {
        biased;
        r = &mut rx => return r.map_or_else(|_| failed(), answer),
        turn = f.turn.lock() => {
            let jobs = f.queue.lock().map(|mut q| std::mem::take(&mut *q)).unwrap_or_default();
            if !jobs.is_empty() {
                let pool = f.pool.clone();
                let _ = tokio::spawn(async move {
                    if let Ok(ids) = write_batch(&pool, &jobs).await {
                        for ((_, answer), id) in jobs.into_iter().zip(ids) {
                            let _ = answer.send(id);
                        }
                    }
                })
                .await;
            }
            drop(turn);
        }
    }
    rx.await.map_or_else(|_| failed(), answer)
}

async fn write_batch(pool: &sqlx::SqlitePool, jobs: &[Job]) -> Result<Vec<i64>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let first: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM rows")
        .fetch_one(&mut *tx)
        .await?;
    let values = vec!["(?, ?)"; jobs.len()].join(", ");
    let sql = format!("INSERT INTO rows (id, body) VALUES {values}");
    let mut q = sqlx::query(&sql);
    let mut ids = Vec::with_capacity(jobs.len());
    for (i, (body, _)) in jobs.iter().enumerate() {
        let id = first + i as i64;
        ids.push(id);
        q = q.bind(id).bind(body);
    }
    q.execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(ids)
}

async fn thread_one(
    State(f): State<Floor>,
    Json(body): Json<Value>,
) -> (axum::http::StatusCode, Json<Value>) {
    let (tx, rx) = oneshot::channel();
    if f.thread.send((body.to_string(), tx)).is_err() {
        return failed();
    }
    rx.await.map_or_else(|_| failed(), answer)
}

/// Waits for a job, takes every other job already queued, writes them in one transaction with a
/// prepared statement, answers each.
fn writer_thread(file: &Path, rx: mpsc::Receiver<Job>) {
    let Ok(mut conn) = rusqlite::Connection::open(file) else {
        return;
    };
    let _ = conn.pragma_update(None, "synchronous", "NORMAL");
    let _ = conn.busy_timeout(std::time::Duration::from_secs(30));
    while let Ok(first) = rx.recv() {
        let mut jobs = vec![first];
        jobs.extend(rx.try_iter());
        let written = (|| -> rusqlite::Result<Vec<i64>> {
            let tx = conn.transaction()?;
            let mut ids = Vec::with_capacity(jobs.len());
            {
                let mut insert = tx.prepare_cached("INSERT INTO rows (body) VALUES (?1)")?;
                for (body, _) in &jobs {
                    insert.execute([body])?;
                    ids.push(tx.last_insert_rowid());
                }
            }
            tx.commit()?;
            Ok(ids)
        })();
        if let Ok(ids) = written {
            for ((_, answer), id) in jobs.into_iter().zip(ids) {
                let _ = answer.send(id);
            }
        }
    }
}
