//! Issue 15 over HTTP: the hardship-worker archive from application to admission, its public
//! notice without sign-in, 404 outside the subtree, 403 for a role without the step, 409 for an
//! illegal step.

use crate::console_helpers::Browser;
use crate::helpers::TestApp;
use axum::http::StatusCode;
use chrono::{TimeZone, Utc};
use huzhu_domain::org::OrgCode;
use huzhu_store::{Page, Store};
use serde_json::{json, Value};

fn on(app: &TestApp, y: i32, m: u32, d: u32) {
    app.clock
        .set(Utc.with_ymd_and_hms(y, m, d, 2, 0, 0).unwrap());
}

async fn head_of(app: &TestApp, unit: &str) -> i64 {
    let page = Page {
        after: None,
        limit: 1,
    };
    app.store
        .members_under(&OrgCode::parse(unit).unwrap(), page)
        .await
        .unwrap()
        .remove(0)
        .id
        .0
}

async fn step(app: &TestApp, token: &str, id: i64, what: &str, body: Value) -> (StatusCode, Value) {
    app.json_as(
        token,
        "POST",
        &format!("/api/v1/archive/households/{id}/{what}"),
        &body,
    )
    .await
}

/// Opens a deep household for the first member of LA-01-001 as `officer`; answers its id.
pub async fn opened(app: &TestApp, officer: &str) -> i64 {
    let head = head_of(app, "LA-01-001").await;
    let (status, h) = app
        .json_as(
            officer,
            "POST",
            "/api/v1/archive/households",
            &json!({"head_member_id": head, "facts": {"size": 2, "annual_income_fen": 2_400_000,
                "medical_self_paid_fen": 0, "people": [{"id_number": "110105201009010015",
                "name": "小明", "relation": "child", "school_level": "senior_secondary"}]}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{h}");
    h["id"].as_i64().unwrap()
}

#[tokio::test]
async fn the_archive_pages_take_a_household_from_the_form_to_the_visit_and_the_notice_is_public() {
    let app = crate::helpers::spawn_app().await;
    on(&app, 2026, 3, 2);
    let head = app
        .store
        .members_under(
            &OrgCode::parse("LA-01-001").unwrap(),
            Page {
                after: None,
                limit: 1,
            },
        )
        .await
        .unwrap()
        .remove(0);
    let mut officer = Browser::signed_in(&app, "officer.la01001").await;
    let form = officer.get("/archive/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains("家庭成员"), "{}", form.text);
    let done = officer
        .post_form(
            "/archive",
            &[
                ("head_id_number", head.record.id_number.as_str()),
                ("size", "2"),
                ("annual_income", "24,000"),
                ("medical_self_paid", ""),
                ("p0_id_number", "110105201009010015"),
                ("p0_name", "小明"),
                ("p0_relation", "child"),
                ("p0_school_level", "senior_secondary"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    let at = done.location().to_string();
    assert!(at.starts_with("/archive/"), "{at}");
    let page = officer.get(&at).await;
    assert!(page.text.contains("深度困难"), "{}", page.text);
    assert!(page.text.contains("1,000.00"), "per head: {}", page.text);
    assert!(
        !page.text.contains("step-visit"),
        "a unit officer gets no step"
    );
    let mut district = Browser::signed_in(&app, "district.staff").await;
    let page = district.get(&at).await;
    assert!(page.text.contains("step-visit"), "{}", page.text);
    let visited = district
        .post_form(
            &format!("{at}/step/visit"),
            &[("on", "2026-03-02"), ("note", "入户核实")],
        )
        .await;
    assert_eq!(visited.status, StatusCode::SEE_OTHER, "{}", visited.text);
    let page = district.get(&at).await;
    assert!(page.text.contains("已入户核查"), "{}", page.text);
    assert!(
        !page.text.contains("step-review"),
        "the visitor does not review"
    );
    let mut city = Browser::signed_in(&app, "city.staff").await;
    let r = city
        .post_form(&format!("{at}/step/review"), &[("note", "同意")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let n = city.post_form(&format!("{at}/step/notice"), &[]).await;
    assert_eq!(n.status, StatusCode::SEE_OTHER, "{}", n.text);
    // The public page, without signing in.
    let public = Browser::new(&app).get("/notices").await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(
        public.text.contains('*') && public.text.contains("深度困难"),
        "{}",
        public.text
    );
    assert!(!public.text.contains(head.record.id_number.as_str()));
    let nav = officer.get("/").await;
    assert!(nav.text.contains("href=\"/archive\""), "navigation link");
}

#[tokio::test]
async fn a_household_is_archived_over_http_and_its_notice_is_public_and_masked() {
    let app = crate::helpers::spawn_app().await;
    on(&app, 2026, 3, 2);
    let head = head_of(&app, "LA-01-001").await;
    let officer = app.login("officer.la01001").await;
    let district = app.login("district.staff").await;
    let city = app.login("city.staff").await;
    let other = app.login("officer.sc01001").await;
    let facts = json!({"size": 2, "annual_income_fen": 2_400_000, "medical_self_paid_fen": 0,
        "people": [{"id_number": "110105201009010015", "name": "小明", "relation": "child",
                    "school_level": "senior_secondary"}]});
    let (status, h) = app
        .json_as(
            &officer,
            "POST",
            "/api/v1/archive/households",
            &json!({"head_member_id": head, "facts": facts}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{h}");
    // 24,000.00 a year for 2: p = 100,000 fen < 125,000: deep, with its arithmetic.
    assert_eq!(h["category"], "deep");
    assert_eq!(h["per_head_monthly_income_fen"], 100_000);
    assert!(!h["reasoning"].as_array().unwrap().is_empty(), "{h}");
    assert!(h["head_id_number"].as_str().unwrap().contains('*'));
    let id = h["id"].as_i64().unwrap();
    let (status, again) = app
        .json_as(
            &officer,
            "POST",
            "/api/v1/archive/households",
            &json!({"head_member_id": head, "facts": facts}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");
    let (status, _) = app
        .get_as(&other, &format!("/api/v1/archive/households/{id}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = step(
        &app,
        &officer,
        id,
        "visit",
        json!({"on": "2026-03-02", "note": "x"}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = step(&app, &district, id, "review", json!({})).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a review before the visit: {body}"
    );
    let (status, body) = step(
        &app,
        &district,
        id,
        "visit",
        json!({"on": "2026-03-02", "note": "入户核实"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = step(&app, &district, id, "review", json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "the visitor does not review");
    let (status, _) = step(&app, &city, id, "review", json!({"note": "同意"})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, n) = app
        .json_as(
            &city,
            "POST",
            &format!("/api/v1/archive/households/{id}/notice"),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{n}");
    assert_eq!(n["notice"]["ends_on"], "2026-03-06");
    // Public, without signing in: masked name, unit, category; nothing else personal.
    let (status, public) = app.get("/api/v1/public/notices").await;
    assert_eq!(status, StatusCode::OK, "{public}");
    let first = &public.as_array().unwrap()[0];
    assert!(first["public_name"].as_str().unwrap().ends_with('*'));
    assert_eq!(first["summary"], "deep");
    let text = public.to_string();
    assert!(
        !text.contains("id_number") && !text.contains("income"),
        "{text}"
    );
    let admit = json!({"level": "city_county", "level_date": "2026-03-09"});
    let (status, _) = step(&app, &city, id, "admit", admit.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "the notice still runs");
    on(&app, 2026, 3, 9);
    // A week on, the sessions have expired: sign in again.
    let city = app.login("city.staff").await;
    let district = app.login("district.staff").await;
    let (status, a) = step(&app, &city, id, "admit", admit).await;
    assert_eq!(status, StatusCode::OK, "{a}");
    assert_eq!(a["state"], "admitted");
    assert_eq!(a["level"], "city_county");
    let (status, t) = app
        .get_as(
            &district,
            &format!("/api/v1/archive/households/{id}/timeline"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(t.as_array().unwrap().len(), 5, "{t}");
    let (status, list) = app
        .get_as(
            &district,
            "/api/v1/archive/households?state=admitted&category=deep",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 1);
    let (status, _) = app
        .get_as(&district, "/api/v1/archive/households?category=rich")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
