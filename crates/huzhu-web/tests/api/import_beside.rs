//! An import beside the server (issue 13): `huzhu import members` is another process writing to
//! the server's SQLite file — here a second store, with its own connections, on the same file.
//! While it runs, claims are submitted and officers sign in; each write waits its turn and none
//! is answered 5xx ("database is locked" was a 500 for 441 of 30,000 submissions).

use crate::helpers::spawn_app;
use crate::money::{enrol_and_pay, in_service_woman, set_day, stay};
use axum::http::StatusCode;
use huzhu_app::import::{import_members, CollectErrors, RosterFile};
use huzhu_domain::id_number::check_character;
use huzhu_store::{SqliteStore, Store};
use serde_json::json;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Rows of the roster imported beside the server.
const ROWS: u64 = 12_000;

/// A member roster of `n` new people (ID numbers of a region the demo does not use) spread over
/// the demo's grassroots units of LA-01.
fn roster(n: u64) -> Vec<u8> {
    let mut out = String::from("姓名,身份证号,工会代码,在职状态\n");
    for i in 0..n {
        let first17 = format!("33010619{:02}0101{:03}", 50 + i / 1000, i % 1000);
        let check = check_character(&first17).unwrap();
        let unit = format!("LA-01-00{}", 1 + i % 4);
        let name: String = i
            .to_string()
            .chars()
            .map(|d| {
                "甲乙丙丁戊己庚辛壬癸"
                    .chars()
                    .nth(d as usize - '0' as usize)
                    .unwrap()
            })
            .collect();
        out.push_str(&format!("导入{name},{first17}{check},{unit},在职\n"));
    }
    out.into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn claims_submitted_while_another_process_imports_are_never_refused_as_locked() {
    let app = Arc::new(spawn_app().await);
    enrol_and_pay(&app).await;
    set_day(&app, 2022, 6, 1);
    let officer = app.login("officer.la01001").await;
    let member = in_service_woman(&app, &officer).await;

    let importer = SqliteStore::open_file(&app.db_path()).await.unwrap();
    let clock = app.clock.clone();
    let done = Arc::new(AtomicBool::new(false));
    let import_done = done.clone();
    let import = tokio::spawn(async move {
        let file = RosterFile {
            reader: std::io::Cursor::new(roster(ROWS)),
            file_name: "beside.csv".into(),
        };
        let mut errors = CollectErrors::default();
        let report = import_members(&importer, file, "cli", &clock, &mut errors).await;
        import_done.store(true, Ordering::SeqCst);
        (report, errors.0)
    });

    // Four clients submit claims until the import ends; one signs in and out meanwhile.
    let mut clients = Vec::new();
    for _ in 0..4 {
        let (app, officer, import_done) = (app.clone(), officer.clone(), done.clone());
        clients.push(tokio::spawn(async move {
            let mut answers = Vec::new();
            while !import_done.load(Ordering::SeqCst) {
                let started = Instant::now();
                let (status, body) = app
                    .json_as(
                        &officer,
                        "POST",
                        "/api/v1/claims",
                        &json!({"member_id": member, "claim": stay()}),
                    )
                    .await;
                answers.push((status, body, started.elapsed()));
            }
            answers
        }));
    }
    let signer = {
        let (app, import_done) = (app.clone(), done.clone());
        tokio::spawn(async move {
            let mut signed_in = 0;
            while !import_done.load(Ordering::SeqCst) {
                let token = app.login("finance").await;
                assert!(!token.is_empty());
                signed_in += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            signed_in
        })
    };

    let (report, errors) = import.await.unwrap();
    let report = report.unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(report.counts.created, ROWS);
    let mut answers = Vec::new();
    for c in clients {
        answers.extend(c.await.unwrap());
    }
    let signed_in = signer.await.unwrap();
    let refused: Vec<_> = answers
        .iter()
        .filter(|(status, _, _)| *status != StatusCode::CREATED)
        .collect();
    assert!(
        refused.is_empty(),
        "{} of {} submissions refused, first: {:?}",
        refused.len(),
        answers.len(),
        refused.first()
    );
    assert!(
        answers.len() >= 20 && signed_in >= 2,
        "the writes ran beside the import: {} claims, {signed_in} sign-ins",
        answers.len()
    );
    let slowest = answers.iter().map(|(_, _, t)| *t).max().unwrap_or_default();
    assert!(
        slowest < Duration::from_secs(10),
        "a submission waited {slowest:?} for its turn"
    );
    // Both sides' rows are there.
    let stored = app
        .store
        .count_members_under(&huzhu_domain::org::OrgCode::parse("LA-01").unwrap())
        .await;
    assert!(stored.unwrap() >= ROWS + 4 * 64);
}
