//! Employment help over HTTP (issue 16, SPEC 7.11), on the demo city: a fair with a post, the
//! fair held, members registered and one placed (the next refused: the post is full), roles and
//! scope, a course to its certificate, and the figures by org and month as JSON and Excel. Every
//! answer is checked against the OpenAPI document.

use crate::helpers::spawn_app;
use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::in_service_members as members;

/// A course opened by `organiser` from `body`, and a member of LA-01-001 registered and enrolled
/// in it by the unit's officer: the course's id and the trainee's.
async fn course_with_a_trainee(
    app: &crate::helpers::TestApp,
    organiser: &str,
    body: &serde_json::Value,
) -> (i64, i64) {
    let (s, course) = app
        .json_as(organiser, "POST", "/api/v1/employment/courses", body)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{course}");
    let cid = course["id"].as_i64().unwrap();
    let officer = app.login("officer.la01001").await;
    let people = members(app, "LA-01-001").await;
    let (s, sk) = app
        .json_as(
            &officer,
            "POST",
            "/api/v1/employment/seekers",
            &json!({"member": people[0]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{sk}");
    let (s, t) = app
        .json_as(
            &officer,
            "POST",
            &format!("/api/v1/employment/courses/{cid}/trainees"),
            &json!({"seeker": sk["id"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "the unit enrols its seeker: {t}");
    (cid, t["id"].as_i64().unwrap())
}

#[tokio::test]
async fn a_fair_with_a_post_places_a_registered_member_and_the_figures_count_it() {
    let app = spawn_app().await;
    let city = app.login("city.staff").await;
    let (s, bad) = app
        .json_as(
            &city,
            "POST",
            "/api/v1/employment/fairs",
            &json!({"name": "招聘会", "mode": "radio", "held_on": "2022-03-01", "venue": "x"}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}");
    assert_eq!(bad["field"], "mode");
    let (s, fair) = app
        .json_as(
            &city,
            "POST",
            "/api/v1/employment/fairs",
            &json!({"name": "春风行动网上招聘会", "mode": "online", "held_on": "2022-03-01",
                    "venue": "https://jobs.example"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{fair}");
    assert_eq!(fair["state"], "planned");
    let fid = fair["id"].as_i64().unwrap();
    let (s, post) = app
        .json_as(
            &city,
            "POST",
            &format!("/api/v1/employment/fairs/{fid}/posts"),
            &json!({"employer": "杭州某物流有限公司", "title": "仓储管理员", "openings": 1}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{post}");
    let pid = post["id"].as_i64().unwrap();
    // A district's staff cannot hold the city's fair (not found); the city holds it once.
    let district = app.login("district.staff").await;
    let step = format!("/api/v1/employment/fairs/{fid}/step");
    let (s, _) = app
        .json_as(&district, "POST", &step, &json!({"step": "hold"}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let officer = app.login("officer.la01001").await;
    let people = members(&app, "LA-01-001").await;
    let mut seekers = Vec::new();
    for m in &people[..2] {
        let (s, sk) = app
            .json_as(
                &officer,
                "POST",
                "/api/v1/employment/seekers",
                &json!({"member": m, "wanted": "仓储"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{sk}");
        assert_eq!(sk["kind"], "member");
        seekers.push(sk["id"].as_i64().unwrap());
    }
    let place = |id: i64| format!("/api/v1/employment/seekers/{id}/placement");
    let (s, early) = app
        .json_as(&officer, "POST", &place(seekers[0]), &json!({"post": pid}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{early}");
    assert!(
        early["message"].as_str().unwrap().contains("计划中"),
        "{early}"
    );
    let (s, held) = app
        .json_as(&city, "POST", &step, &json!({"step": "hold"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{held}");
    assert_eq!(held["state"], "held");
    let (s, again) = app
        .json_as(&city, "POST", &step, &json!({"step": "hold"}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{again}");
    let (s, placed) = app
        .json_as(&officer, "POST", &place(seekers[0]), &json!({"post": pid}))
        .await;
    assert_eq!(s, StatusCode::OK, "{placed}");
    assert_eq!(placed["state"], "placed");
    assert_eq!(placed["employer"], "杭州某物流有限公司");
    assert_eq!(placed["placed_on"], "2022-03-01");
    let (s, full) = app
        .json_as(&officer, "POST", &place(seekers[1]), &json!({"post": pid}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{full}");
    assert!(
        full["message"].as_str().unwrap().contains("已全部安置"),
        "{full}"
    );
    // Another district's officer does not see LA's seekers; a member account may not register.
    let sc = app.login("officer.sc01001").await;
    let (s, _) = app
        .get_as(&sc, &format!("/api/v1/employment/seekers/{}", seekers[0]))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .json_as(&sc, "POST", &place(seekers[1]), &json!({"post": pid}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let member = app.login("member.demo").await;
    let (s, _) = app
        .json_as(
            &member,
            "POST",
            "/api/v1/employment/seekers",
            &json!({"member": people[2]}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, neither) = app
        .json_as(&officer, "POST", "/api/v1/employment/seekers", &json!({}))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{neither}");
    // The fair as the officer reads it: one opening, filled.
    let (s, read) = app
        .get_as(&officer, &format!("/api/v1/employment/fairs/{fid}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{read}");
    assert_eq!(
        (read["openings"].as_i64(), read["filled"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(read["posts"][0]["filled"], 1);
    let (s, list) = app.get_as(&officer, "/api/v1/employment/fairs").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert!(list.as_array().unwrap().iter().any(|f| f["id"] == fid));
    let (s, list) = app.get_as(&officer, "/api/v1/employment/seekers").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    // The figures: the city's fair in March, the unit's registrations and placement.
    let (s, figures) = app
        .get_as(
            &city,
            "/api/v1/stats/employment?from=2022-01-01&to=2022-12-31",
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{figures}");
    let rows = figures["tables"][0]["rows"].as_array().unwrap();
    let row = |key: &str| {
        rows.iter()
            .find(|r| r["key"] == key)
            .unwrap_or_else(|| panic!("{key} in {figures}"))["values"]
            .clone()
    };
    assert_eq!(row("HZ:2022-03"), json!([1, 1, 1, 0, 0, 0, 0, 0]));
    assert_eq!(row("LA-01-001:2022-03"), json!([0, 0, 0, 2, 1, 0, 0, 0]));
    assert_eq!(row(""), json!([1, 1, 1, 2, 1, 0, 0, 0]));
    let raw = app
        .get_bytes_as(&city, "/api/v1/stats/employment.xlsx?from=2022-01-01")
        .await;
    assert_eq!(raw.status, StatusCode::OK);
    assert!(raw.body.starts_with(b"PK"));
    let (s, _) = app
        .get_as(&officer, "/api/v1/stats/employment?org=SC")
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_course_takes_trainees_to_their_certificates_and_refuses_steps_out_of_turn() {
    let app = spawn_app().await;
    let district = app.login("district.staff").await;
    let (s, bad) = app
        .json_as(
            &district,
            "POST",
            "/api/v1/employment/courses",
            &json!({"name": "电工班", "trade": "电工", "start_on": "2022-03-10",
                    "end_on": "2022-03-01", "sessions": 10}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}");
    assert_eq!(bad["field"], "end_on");
    let course_body = json!({"name": "电工班", "trade": "电工", "start_on": "2022-03-10",
                             "end_on": "2022-04-10", "sessions": 10});
    let (cid, tid) = course_with_a_trainee(&app, &district, &course_body).await;
    let officer = app.login("officer.la01001").await;
    let cert = format!("/api/v1/employment/trainees/{tid}/certificate");
    let (s, open) = app.json_as(&district, "POST", &cert, &json!(null)).await;
    assert_eq!(s, StatusCode::CONFLICT, "{open}");
    let (s, att) = app
        .json_as(
            &district,
            "PUT",
            &format!("/api/v1/employment/trainees/{tid}/attendance"),
            &json!({"attended": 9}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{att}");
    assert_eq!(att["attended"], 9);
    let (s, done) = app
        .json_as(
            &district,
            "POST",
            &format!("/api/v1/employment/courses/{cid}/finish"),
            &json!(null),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{done}");
    assert_eq!(done["state"], "finished");
    let (s, c) = app.json_as(&district, "POST", &cert, &json!(null)).await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["certificate_no"], format!("JN2022-{tid:06}"));
    let (s, twice) = app.json_as(&district, "POST", &cert, &json!(null)).await;
    assert_eq!(s, StatusCode::CONFLICT, "{twice}");
    let (s, read) = app
        .get_as(&officer, &format!("/api/v1/employment/courses/{cid}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{read}");
    assert_eq!(read["certificates"], 1);
    assert_eq!(read["trainees"][0]["certificate_no"], c["certificate_no"]);
    let (s, list) = app.get_as(&officer, "/api/v1/employment/courses").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    // Another district sees nothing of LA's course.
    let sc = app.login("officer.sc01001").await;
    let (s, _) = app
        .get_as(&sc, &format!("/api/v1/employment/courses/{cid}"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

/// A held fair of the city with a post and a placement, and a district course with a trainee:
/// the pages of both, for the every-page test.
pub async fn pages(app: &crate::helpers::TestApp) -> Vec<String> {
    let city = app.login("city.staff").await;
    let district = app.login("district.staff").await;
    let today = huzhu_app::Clock::today(&app.clock).to_string();
    let (s, fair) = app
        .json_as(
            &city,
            "POST",
            "/api/v1/employment/fairs",
            &json!({"name": "现场招聘会", "mode": "on_site", "held_on": today, "venue": "职工服务中心"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{fair}");
    let fid = fair["id"].as_i64().unwrap();
    let (s, post) = app
        .json_as(
            &city,
            "POST",
            &format!("/api/v1/employment/fairs/{fid}/posts"),
            &json!({"employer": "某公司", "title": "电工", "openings": 3}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{post}");
    let (s, _) = app
        .json_as(
            &city,
            "POST",
            &format!("/api/v1/employment/fairs/{fid}/step"),
            &json!({"step": "hold"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let people = members(app, "LA-01-001").await;
    let (s, sk) = app
        .json_as(
            &district,
            "POST",
            "/api/v1/employment/seekers",
            &json!({"member": people[people.len() - 1], "wanted": "电工"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{sk}");
    let (s, _) = app
        .json_as(
            &district,
            "POST",
            &format!("/api/v1/employment/seekers/{}/placement", sk["id"]),
            &json!({"post": post["id"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, course) = app
        .json_as(
            &district,
            "POST",
            "/api/v1/employment/courses",
            &json!({"name": "电工班", "trade": "电工", "start_on": today, "end_on": today, "sessions": 4}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{course}");
    let (s, _) = app
        .json_as(
            &district,
            "POST",
            &format!("/api/v1/employment/courses/{}/trainees", course["id"]),
            &json!({"seeker": sk["id"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    vec![
        format!("/employment/fairs/{fid}"),
        format!("/employment/courses/{}", course["id"]),
    ]
}

/// Who may do what (docs/employment.md): district and city staff organise fairs and courses; a
/// unit officer and a street's staff register, place and enrol but are refused (403) the
/// organiser's steps; an auditor reads and changes nothing; finance does not see employment
/// help. The console offers each role only the forms it may use.
#[tokio::test]
async fn only_district_and_city_staff_organise_and_units_register_and_the_console_shows_as_much() {
    use crate::console_helpers::Browser;
    use huzhu_app::accounts::{create_user, UserInput};
    use huzhu_domain::access::Role;
    let app = spawn_app().await;
    create_user(
        &app.store,
        &app.clock,
        "test",
        &UserInput {
            username: "la01.staff".into(),
            display_name: None,
            password: huzhu_app::demo::DEMO_PASSWORD.into(),
            role: Role::FederationStaff,
            org: huzhu_domain::org::OrgCode::parse("LA-01").unwrap(),
            member_id: None,
        },
    )
    .await
    .unwrap();
    let district = app.login("district.staff").await;
    let fair_body = json!({"name": "临安区招聘会", "mode": "on_site", "held_on": "2022-03-01",
                           "venue": "临安区职工服务中心"});
    let course_body = json!({"name": "电工班", "trade": "电工", "start_on": "2022-03-10",
                             "end_on": "2022-04-10", "sessions": 10});
    let (s, fair) = app
        .json_as(&district, "POST", "/api/v1/employment/fairs", &fair_body)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{fair}");
    let fid = fair["id"].as_i64().unwrap();
    let (cid, tid) = course_with_a_trainee(&app, &district, &course_body).await;
    let officer = app.login("officer.la01001").await;
    let people = members(&app, "LA-01-001").await;

    // The organiser's steps, refused to the unit and to a street, whatever the object.
    let street = app.login("la01.staff").await;
    let steps: Vec<(&str, String, serde_json::Value)> = vec![
        ("POST", "/api/v1/employment/fairs".into(), fair_body.clone()),
        (
            "POST",
            format!("/api/v1/employment/fairs/{fid}/posts"),
            json!({"employer": "某公司", "title": "电工", "openings": 1}),
        ),
        (
            "POST",
            format!("/api/v1/employment/fairs/{fid}/step"),
            json!({"step": "hold"}),
        ),
        (
            "POST",
            "/api/v1/employment/courses".into(),
            course_body.clone(),
        ),
        (
            "PUT",
            format!("/api/v1/employment/trainees/{tid}/attendance"),
            json!({"attended": 9}),
        ),
        (
            "POST",
            format!("/api/v1/employment/courses/{cid}/finish"),
            json!(null),
        ),
        (
            "POST",
            format!("/api/v1/employment/trainees/{tid}/certificate"),
            json!(null),
        ),
    ];
    for who in [&officer, &street] {
        for (method, uri, body) in &steps {
            let (s, e) = app.json_as(who, method, uri, body).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{method} {uri}: {e}");
            assert_eq!(e["code"], "HZ-AUTH-0002", "{method} {uri}: {e}");
        }
    }
    // A street's staff still registers the seekers of its streets.
    let (s, sk2) = app
        .json_as(
            &street,
            "POST",
            "/api/v1/employment/seekers",
            &json!({"member": people[1]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{sk2}");
    // The auditor reads and changes nothing; finance has no part in it.
    let auditor = app.login("auditor").await;
    for uri in [
        "/api/v1/employment/fairs",
        "/api/v1/employment/seekers",
        "/api/v1/employment/courses",
        "/api/v1/stats/employment?from=2022-01-01",
    ] {
        let (s, body) = app.get_as(&auditor, uri).await;
        assert_eq!(s, StatusCode::OK, "{uri}: {body}");
    }
    let (s, _) = app
        .json_as(
            &auditor,
            "POST",
            "/api/v1/employment/seekers",
            &json!({"member": people[2]}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .json_as(&auditor, "POST", "/api/v1/employment/fairs", &fair_body)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let finance = app.login("finance").await;
    let (s, _) = app.get_as(&finance, "/api/v1/employment/fairs").await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The console: each role sees the forms it may use.
    let forms = |text: &str| {
        ["fair-form", "seeker-form", "course-form"]
            .map(|f| text.contains(&format!("data-testid=\"{f}\"")))
    };
    let mut b = Browser::signed_in(&app, "district.staff").await;
    let page = b.get("/employment").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(forms(&page.text), [true, true, true]);
    let fair_page = b.get(&format!("/employment/fairs/{fid}")).await;
    assert!(fair_page.text.contains("data-testid=\"hold-form\""));
    assert!(fair_page.text.contains("data-testid=\"post-form\""));
    let mut b = Browser::signed_in(&app, "officer.la01001").await;
    let page = b.get("/employment").await;
    assert_eq!(forms(&page.text), [false, true, false]);
    let fair_page = b.get(&format!("/employment/fairs/{fid}")).await;
    assert_eq!(fair_page.status, StatusCode::OK);
    assert!(!fair_page.text.contains("data-testid=\"hold-form\""));
    assert!(!fair_page.text.contains("data-testid=\"post-form\""));
    let course_page = b.get(&format!("/employment/courses/{cid}")).await;
    assert!(!course_page.text.contains("data-testid=\"finish-form\""));
    assert!(
        !course_page.text.contains("/attend\""),
        "{}",
        course_page.text
    );
    let mut b = Browser::signed_in(&app, "la01.staff").await;
    let page = b.get("/employment").await;
    assert_eq!(forms(&page.text), [false, true, false]);
    let mut b = Browser::signed_in(&app, "auditor").await;
    let page = b.get("/employment").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains("href=\"/employment\""),
        "in the auditor's menu"
    );
    assert_eq!(forms(&page.text), [false, false, false]);
    let mut b = Browser::signed_in(&app, "finance").await;
    let page = b.get("/").await;
    assert!(
        !page.text.contains("href=\"/employment\""),
        "not in finance's menu"
    );
    assert_eq!(b.get("/employment").await.status, StatusCode::FORBIDDEN);
}
