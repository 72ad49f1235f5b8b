//! Issue 16 over HTTP: cloud pairing from publication to a confirmed pledge, and the 81890
//! request to a score, on the demo; every public answer is read for what must never leave the
//! server (ID numbers, school names, the students' full names). On SQLite and on PostgreSQL
//! (when `HUZHU_TEST_POSTGRES_URL` is set): the hold that keeps a student claimed once is a
//! conditional write each backend must honour.

use crate::helpers::{on_both_backends, TestApp};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use huzhu_app::demo_programmes::demo_pairing::STUDENTS;
use huzhu_app::Backend;
use serde_json::{json, Value};

/// A run of 17 digits and a digit or X: an ID number's shape.
fn has_id_number(text: &str) -> bool {
    let b = text.as_bytes();
    let mut run = 0;
    for (i, c) in b.iter().enumerate() {
        if c.is_ascii_digit() {
            run += 1;
            if run >= 17
                && b.get(i + 1)
                    .is_some_and(|n| n.is_ascii_digit() || *n == b'X' || *n == b'x')
            {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

pub(crate) fn assert_private(what: &str, text: &str) {
    assert!(!has_id_number(text), "{what}: an ID number in {text}");
    for school in ["大学", "中学", "学院", "学校"] {
        assert!(!text.contains(school), "{what}: a school name in {text}");
    }
    for name in STUDENTS {
        assert!(!text.contains(name), "{what}: {name} in {text}");
    }
}

async fn public_post<S>(app: &TestApp<S>, uri: &str, body: &Value) -> (StatusCode, Value) {
    app.send(
        Request::post(uri)
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await
}

async fn a_student_is_published_claimed_once_and_pledged_and_no_public_answer_names_them<
    S: Backend,
>(
    app: TestApp<S>,
) {
    huzhu_app::demo_programmes::load_programme_demo(&app.store)
        .await
        .unwrap();
    huzhu_app::demo_programmes::demo_pairing::load_pairing_demo(&app.store)
        .await
        .unwrap();
    let city = app.login("city.staff").await;
    let (s, staff) = app.get_as(&city, "/api/v1/pairing/students").await;
    assert_eq!(s, StatusCode::OK, "{staff}");
    let students = staff.as_array().unwrap();
    assert_eq!(students.len(), 3, "{staff}");
    let states: Vec<&str> = students
        .iter()
        .map(|x| x["public"]["state"].as_str().unwrap())
        .collect();
    for st in ["published", "pledged"] {
        assert!(states.contains(&st), "{states:?}");
    }
    let pledged = students
        .iter()
        .find(|x| x["public"]["state"] == "pledged")
        .unwrap();
    assert_eq!(pledged["sponsor"]["paid_fen"], 300_000);
    assert_eq!(pledged["sponsor"]["pledged_fen"], 1_800_000);
    assert!(pledged["sponsor"]["phone"].as_str().unwrap().contains('*'));
    // Tokens: 128 bits in hex, all different.
    let tokens: Vec<String> = students
        .iter()
        .map(|x| x["public"]["token"].as_str().unwrap().to_string())
        .collect();
    for t in &tokens {
        assert_eq!(t.len(), 32);
        assert!(t.bytes().all(|b| b.is_ascii_hexdigit()));
    }
    assert_ne!(tokens[0], tokens[1]);
    let mut public: Vec<(String, String)> = Vec::new();
    let (s, list) = app.get("/api/v1/public/pairing").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    public.push(("list".into(), list.to_string()));
    let listed = list
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["state"] == "published")
        .map(|x| x["token"].as_str().unwrap().to_string())
        .expect("a listed student");
    assert!(list[0]["public_name"].as_str().unwrap().ends_with("同学"));
    for t in &tokens {
        let (s, one) = app.get(&format!("/api/v1/public/pairing/{t}")).await;
        assert_eq!(s, StatusCode::OK, "{one}");
        public.push((format!("detail {t}"), one.to_string()));
    }
    // Unknown and malformed tokens: 404.
    for t in ["0123456789abcdef0123456789abcdef", "x", "ZZ"] {
        let (s, body) = app.get(&format!("/api/v1/public/pairing/{t}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{body}");
    }
    // A claim with a bad phone names the field.
    let (s, body) = public_post(
        &app,
        &format!("/api/v1/public/pairing/{listed}/claim"),
        &json!({"kind": "person", "name": "李先生", "phone": "123"}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.to_string().contains("phone"), "{body}");
    // The claim wins; a second loses in words; the sponsor confirms with the token.
    let claim = json!({"kind": "person", "name": "李先生", "phone": "13900139000"});
    let uri = format!("/api/v1/public/pairing/{listed}/claim");
    let (s, won) = public_post(&app, &uri, &claim).await;
    assert_eq!(s, StatusCode::CREATED, "{won}");
    public.push(("claim".into(), won.to_string()));
    let sponsor = won["sponsor_token"].as_str().unwrap().to_string();
    assert_eq!(sponsor.len(), 32);
    let (s, lost) = public_post(&app, &uri, &claim).await;
    assert_eq!(s, StatusCode::CONFLICT, "{lost}");
    assert!(lost.to_string().contains("认领中"), "{lost}");
    public.push(("lost".into(), lost.to_string()));
    let (s, body) = public_post(
        &app,
        &format!("/api/v1/public/pairing/sponsor/{sponsor}/confirm"),
        &json!({"amount_per_year_fen": 500_000, "years": 11}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    let (s, confirmed) = public_post(
        &app,
        &format!("/api/v1/public/pairing/sponsor/{sponsor}/confirm"),
        &json!({"amount_per_year_fen": 500_000, "years": 2}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{confirmed}");
    assert_eq!(confirmed["student"]["state"], "pledged");
    assert_eq!(confirmed["sponsor"]["pledged_fen"], 1_000_000);
    public.push(("confirm".into(), confirmed.to_string()));
    let (s, view) = app
        .get(&format!("/api/v1/public/pairing/sponsor/{sponsor}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{view}");
    assert!(view["identity"].is_null());
    public.push(("sponsor".into(), view.to_string()));
    let (s, again) = public_post(&app, &uri, &claim).await;
    assert_eq!(s, StatusCode::CONFLICT, "{again}");
    assert!(again.to_string().contains("已结对"), "{again}");
    let (s, body) = app
        .get("/api/v1/public/pairing/sponsor/0123456789abcdef0123456789abcdef")
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{body}");
    let (s, dir) = app.get("/api/v1/public/services?q=维修").await;
    assert_eq!(s, StatusCode::OK, "{dir}");
    assert_eq!(dir.as_array().unwrap().len(), 1, "{dir}");
    public.push(("services".into(), dir.to_string()));
    for (what, text) in &public {
        assert_private(what, text);
    }
    // A unit officer may not publish; the list is staff's.
    let officer = app.login("officer.la01001").await;
    let (s, body) = app.get_as(&officer, "/api/v1/pairing/students").await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
}

async fn a_service_request_is_tracked_to_completion_and_scored_and_the_figures_count_it<
    S: Backend,
>(
    app: TestApp<S>,
) {
    huzhu_app::demo_programmes::load_programme_demo(&app.store)
        .await
        .unwrap();
    huzhu_app::demo_programmes::demo_pairing::load_pairing_demo(&app.store)
        .await
        .unwrap();
    let city = app.login("city.staff").await;
    let (s, reqs) = app.get_as(&city, "/api/v1/services/requests").await;
    assert_eq!(s, StatusCode::OK, "{reqs}");
    let states: Vec<&str> = reqs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["state"].as_str().unwrap())
        .collect();
    for st in ["requested", "accepted", "completed", "cancelled"] {
        assert!(states.contains(&st), "{states:?}");
    }
    let requested = reqs
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["state"] == "requested")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let uri = format!("/api/v1/services/requests/{requested}/steps");
    let (s, body) = app
        .json_as(&city, "POST", &uri, &json!({"step": "complete"}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert!(body.to_string().contains("已申请"), "{body}");
    let (s, teams) = app.get_as(&city, "/api/v1/services/teams").await;
    assert_eq!(s, StatusCode::OK, "{teams}");
    let team = teams[0]["id"].as_i64().unwrap();
    let (s, body) = app
        .json_as(
            &city,
            "POST",
            &uri,
            &json!({"step": "accept", "team": team}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (s, body) = app
        .json_as(&city, "POST", &uri, &json!({"step": "complete"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "completed");
    // Staff may not score; the figures count what the demo completed.
    let (s, body) = app
        .json_as(&city, "POST", &uri, &json!({"step": "score", "score": 5}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
    let (s, figures) = app
        .get_as(
            &city,
            "/api/v1/services/figures?from=2026-11-01&to=2026-11-30",
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{figures}");
    let items: u64 = figures
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["items"].as_u64().unwrap())
        .sum();
    assert_eq!(items, 5, "{figures}");
    let raw = app
        .get_bytes_as(
            &city,
            "/api/v1/services/figures.xlsx?from=2026-11-01&to=2026-11-30",
        )
        .await;
    assert_eq!(raw.status, StatusCode::OK);
    assert!(raw.body.starts_with(b"PK"));
}

on_both_backends!(
    a_student_is_published_claimed_once_and_pledged_and_no_public_answer_names_them,
    a_service_request_is_tracked_to_completion_and_scored_and_the_figures_count_it,
);
