//! Issue 17 over HTTP: a legal-aid case from intake to closing (the member's own view, 404 in
//! another district, 403 for an officer's approval, 409 for an illegal step), and a recognition
//! call through its notice with an objection upheld, the expert's conflict refused.

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

async fn members_of(app: &TestApp, unit: &str, n: u32) -> Vec<i64> {
    app.store
        .members_under(
            &OrgCode::parse(unit).unwrap(),
            Page {
                after: None,
                limit: n,
            },
        )
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id.0)
        .collect()
}

async fn post(app: &TestApp, token: &str, uri: &str, body: Value) -> (StatusCode, Value) {
    app.json_as(token, "POST", uri, &body).await
}

#[tokio::test]
async fn a_legal_aid_case_runs_from_intake_to_closing_within_scope() {
    let app = crate::helpers::spawn_app().await;
    on(&app, 2026, 3, 2);
    let officer = app.login("officer.la01001").await;
    let district = app.login("district.staff").await;
    let member = app.login("member.demo").await;
    let other = app.login("officer.sc01001").await;
    let city = app.login("city.staff").await;
    let m = members_of(&app, "LA-01-001", 1).await[0];
    let (status, case) = post(
        &app,
        &officer,
        "/api/v1/legal-aid/cases",
        json!({"member_id": m, "kind": "wages", "summary": "拖欠工资"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    assert_eq!(case["state"], "intake");
    assert_eq!(case["approval_due"], "2026-03-09");
    let id = case["id"].as_i64().unwrap();
    let uri = |s: &str| format!("/api/v1/legal-aid/cases/{id}/{s}");
    // A bad kind names the field.
    let (status, body) = post(
        &app,
        &officer,
        "/api/v1/legal-aid/cases",
        json!({"member_id": m, "kind": "divorce", "summary": "x"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "kind");
    // Another district's officer: 404, as if missing.
    let (status, _) = app
        .get_as(&other, &format!("/api/v1/legal-aid/cases/{id}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The member sees their own case.
    let (status, mine) = app.get_as(&member, "/api/v1/legal-aid/cases").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
    // An officer may not approve; an approval before the check is 409.
    let (status, _) = post(&app, &officer, &uri("approve"), json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = post(&app, &district, &uri("approve"), json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("已受理"),
        "{body}"
    );
    let (status, body) = post(&app, &district, &uri("check"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "eligible");
    let (status, body) = post(&app, &district, &uri("approve"), json!({"note": "同意"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, lawyer) = post(
        &app,
        &district,
        "/api/v1/legal-aid/lawyers",
        json!({"name": "陈律师", "firm": "某律师事务所"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{lawyer}");
    let (status, body) = post(
        &app,
        &district,
        &uri("assign"),
        json!({"lawyer_id": lawyer["id"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["lawyer_name"], "陈律师");
    let (status, body) = post(
        &app,
        &district,
        &uri("activities"),
        json!({"on": "2026-03-02", "activity": "mediation", "note": "调解"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = post(
        &app,
        &district,
        &uri("close"),
        json!({"outcome": "mediated", "recovered_fen": 800_000}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "closed");
    let (status, events) = app.get_as(&member, &uri("events")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(events.as_array().unwrap().len(), 6, "{events}");
    let (status, f) = app
        .get_as(
            &city,
            "/api/v1/stats/legal-aid?from=2026-01-01&to=2026-12-31",
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{f}");
    assert_eq!(f["total"]["cases"], 1);
    assert_eq!(f["total"]["recovered_fen"], 800_000);
    assert_eq!(f["total"]["mediation_rate_bp"], 10_000);
    // By lawyer: keyed by the lawyer's id, named with the firm.
    assert_eq!(f["by_lawyer"][0]["key"], lawyer["id"].to_string(), "{f}");
    assert_eq!(f["by_lawyer"][0]["label"], "陈律师（某律师事务所）", "{f}");
    // The console's work queue and the case's page render.
    let mut browser = crate::console_helpers::Browser::signed_in(&app, "district.staff").await;
    let page = browser.get("/legal-aid?show=all").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("已结案"), "{}", page.text);
    let page = browser.get(&format!("/legal-aid/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("陈律师"), "{}", page.text);
    let page = browser.get("/stats/legal-aid").await;
    assert_eq!(page.status, StatusCode::OK);
}

#[tokio::test]
async fn a_recognition_call_runs_through_its_notice_and_an_upheld_objection_withdraws_the_nominee()
{
    let app = crate::helpers::spawn_app().await;
    on(&app, 2026, 3, 2);
    let city = app.login("city.staff").await;
    let district = app.login("district.staff").await;
    let (status, call) = post(
        &app,
        &city,
        "/api/v1/recognition/calls",
        json!({"year": 2026, "name": "数字工匠", "quota": 2,
            "opens_on": "2026-03-01", "closes_on": "2026-03-31"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{call}");
    let cid = call["id"].as_i64().unwrap();
    // A district may not open a call.
    let (status, _) = post(
        &app,
        &district,
        "/api/v1/recognition/calls",
        json!({"year": 2026, "name": "x", "quota": 1,
            "opens_on": "2026-03-01", "closes_on": "2026-03-31"}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let ms = members_of(&app, "LA-01-001", 3).await;
    let nominate = |m: i64, years: u32| {
        let (app, district) = (&app, &district);
        async move {
            post(
                app,
                district,
                &format!("/api/v1/recognition/calls/{cid}/nominations"),
                json!({"member_id": m, "field": "工业互联网", "achievements": "改造产线",
                    "field_years": years, "city_years": 5}),
            )
            .await
        }
    };
    let (status, a) = nominate(ms[0], 8).await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    let (status, b) = nominate(ms[1], 6).await;
    assert_eq!(status, StatusCode::CREATED, "{b}");
    let (status, r) = nominate(ms[2], 3).await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    assert_eq!(r["state"], "refused");
    assert!(
        r["refusals"][0].as_str().unwrap().contains("不足5年"),
        "{r}"
    );
    // The quota of 2 is used up.
    let (status, body) = nominate(ms[2], 9).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (a, b) = (a["id"].as_i64().unwrap(), b["id"].as_i64().unwrap());
    let mut experts = Vec::new();
    for unit in ["HZ", "SC", "GS", "LA-01-001"] {
        let (status, e) = post(
            &app,
            &city,
            "/api/v1/recognition/experts",
            json!({"org": unit, "name": format!("专家{unit}"), "title": "教授"}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{e}");
        experts.push(e["id"].as_i64().unwrap());
    }
    for (n, scores) in [(a, [90, 91, 92]), (b, [80, 81, 82])] {
        let (status, body) = post(
            &app,
            &city,
            &format!("/api/v1/recognition/nominations/{n}/confirm"),
            json!({}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        for (e, s) in experts.iter().zip(scores) {
            let (status, body) = post(
                &app,
                &city,
                &format!("/api/v1/recognition/nominations/{n}/scores"),
                json!({"expert_id": e, "score": s}),
            )
            .await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
    }
    // The expert of the nominees' own unit is refused.
    let (status, body) = post(
        &app,
        &city,
        &format!("/api/v1/recognition/nominations/{a}/scores"),
        json!({"expert_id": experts[3], "score": 99}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("利益回避"),
        "{body}"
    );
    let (status, ranked) = post(
        &app,
        &city,
        &format!("/api/v1/recognition/calls/{cid}/ranking"),
        json!({"award_count": 2}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{ranked}");
    let (status, _) = post(
        &app,
        &city,
        &format!("/api/v1/recognition/calls/{cid}/notice"),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, public) = app.get("/api/v1/public/notices").await;
    let names: Vec<&str> = public
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["subject_kind"] == "nomination")
        .map(|n| n["public_name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{public}");
    assert!(names.iter().all(|n| n.ends_with('*')), "{public}");
    let (_, detail) = app
        .get_as(&city, &format!("/api/v1/recognition/nominations/{b}"))
        .await;
    let notice = detail["nomination"]["notice_id"].as_i64().unwrap();
    let (status, o) = post(
        &app,
        &city,
        &format!("/api/v1/recognition/notices/{notice}/objections"),
        json!({"received_on": "2026-03-02", "content": "材料不实"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{o}");
    // The public objects on the 公示 page without signing in: received, then listed for the
    // city staff. A notice not running, an empty or an overlong text is
    // refused; the sixth try from one address within the hour is 429.
    let mut public = crate::console_helpers::Browser::new(&app);
    let uri = format!("/notices/{notice}/objection");
    let sent = public
        .post_raw_form(&uri, &[("content", "公众反映：作品非本人完成")])
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text);
    assert!(
        sent.location().starts_with("/notices?objection=received"),
        "{}",
        sent.location()
    );
    let long = "长".repeat(501);
    for (to, content, status) in [
        (
            "/notices/999999/objection".to_string(),
            "x",
            StatusCode::NOT_FOUND,
        ),
        (uri.clone(), "  ", StatusCode::BAD_REQUEST),
        (uri.clone(), long.as_str(), StatusCode::BAD_REQUEST),
    ] {
        let page = public.post_raw_form(&to, &[("content", content)]).await;
        assert_eq!(page.status, status, "{to}: {}", page.text);
    }
    let fifth = public
        .post_raw_form(&uri, &[("content", "公众反映：再次反映")])
        .await;
    assert_eq!(fifth.status, StatusCode::SEE_OTHER, "{}", fifth.text);
    let sixth = public
        .post_raw_form(&uri, &[("content", "公众反映：第三次")])
        .await;
    assert_eq!(
        sixth.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        sixth.text
    );
    let received = public.get("/notices?objection=received").await;
    assert!(
        received.text.contains("您的异议已收到"),
        "{}",
        received.text
    );
    let (_, detail) = app
        .get_as(&city, &format!("/api/v1/recognition/nominations/{b}"))
        .await;
    let from_public: Vec<&Value> = detail["nomination"]["objections"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["content"].as_str().unwrap().starts_with("公众反映"))
        .collect();
    assert_eq!(from_public.len(), 2, "{detail}");
    for x in from_public {
        assert_eq!(x["recorded_by"], "public", "{x}");
        let (status, body) = post(
            &app,
            &city,
            &format!(
                "/api/v1/recognition/nominations/{b}/objections/{}/settle",
                x["id"]
            ),
            json!({"outcome": "dismissed", "reason": "经核实不属实"}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    // Award while the notice runs: 409.
    let (status, body) = post(
        &app,
        &city,
        &format!("/api/v1/recognition/calls/{cid}/award"),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    // The objection to b settled as if it were a's, over HTTP or on the page: 404, unsettled.
    let (status, body) = post(
        &app,
        &city,
        &format!(
            "/api/v1/recognition/nominations/{a}/objections/{}/settle",
            o["id"]
        ),
        json!({"outcome": "upheld", "reason": "经核实不实"}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let mut page = crate::console_helpers::Browser::signed_in(&app, "city.staff").await;
    let wrong = page
        .post_form(
            &format!("/recognition/nominations/{a}/settle"),
            &[
                ("objection_id", &o["id"].to_string()),
                ("outcome", "upheld"),
                ("reason", "经核实不实"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND, "{}", wrong.text);
    let (status, body) = post(
        &app,
        &city,
        &format!(
            "/api/v1/recognition/nominations/{b}/objections/{}/settle",
            o["id"]
        ),
        json!({"outcome": "upheld", "reason": "经核实不实"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["outcome"], "upheld", "{body}");
    on(&app, 2026, 3, 20);
    // A new session: the old one has expired over the window.
    let city = app.login("city.staff").await;
    let (status, done) = post(
        &app,
        &city,
        &format!("/api/v1/recognition/calls/{cid}/award"),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    let states: Vec<(i64, &str)> = done
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_i64().unwrap(), n["state"].as_str().unwrap()))
        .collect();
    assert!(states.contains(&(a, "awarded")), "{done}");
    assert!(states.contains(&(b, "withdrawn")), "{done}");
    let mut browser = crate::console_helpers::Browser::signed_in(&app, "city.staff").await;
    let page = browser
        .get(&format!("/recognition/{cid}/certificates"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("荣誉证书"), "{}", page.text);
    let page = browser.get(&format!("/recognition/{cid}")).await;
    assert_eq!(page.status, StatusCode::OK);
    // The figures: by nominating union and by field, three nominated, one refused, one
    // awarded, one withdrawn; the workbook downloads.
    let page = browser.get("/stats/recognition?year=2026").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("工业互联网"), "{}", page.text);
    assert!(page.text.contains("recognition_by_union"), "{}", page.text);
    let xlsx = browser
        .get("/stats/recognition/export.xlsx?year=2026")
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    // The same figures over the API (checked against the OpenAPI document by `get_as`).
    let (status, figures) = app
        .get_as(&city, "/api/v1/stats/recognition?year=2026")
        .await;
    assert_eq!(status, StatusCode::OK, "{figures}");
    let tables = figures["tables"].as_array().unwrap();
    let by_union = tables
        .iter()
        .find(|t| t["id"] == "recognition_by_union")
        .unwrap_or_else(|| panic!("no recognition_by_union: {figures}"));
    assert!(
        !by_union["rows"].as_array().unwrap().is_empty(),
        "{figures}"
    );
    assert!(figures.to_string().contains("工业互联网"), "{figures}");
    let (status, body) = app
        .get_as(&city, "/api/v1/stats/recognition?year=1999")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.to_string().contains("year"), "{body}");
    let (status, none) = app
        .get_as(&city, "/api/v1/stats/recognition?year=2025")
        .await;
    assert_eq!(status, StatusCode::OK, "{none}");
    assert!(!none.to_string().contains("工业互联网"), "{none}");
}
