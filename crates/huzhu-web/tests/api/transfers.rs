//! Issue 14 over HTTP: a unit officer receives a member from another unit by a transfer request
//! that the giving side confirms; the request's answer never tells whether the person exists.

use crate::console_helpers::Browser;
use crate::helpers::TestApp;
use axum::http::StatusCode;
use huzhu_domain::id_number::check_character;
use huzhu_domain::org::OrgCode;
use huzhu_store::{Page, Store, StoredMember};
use serde_json::{json, Value};

async fn first_member_of(app: &TestApp, unit: &str) -> StoredMember {
    let page = Page {
        after: None,
        limit: 1,
    };
    app.store
        .members_under(&OrgCode::parse(unit).unwrap(), page)
        .await
        .unwrap()
        .remove(0)
}

/// A valid resident ID number that no demo member has (born 1900 in Beijing).
fn nobodys_id() -> String {
    let first17 = "11010119000101999";
    format!("{first17}{}", check_character(first17).unwrap())
}

async fn request(app: &TestApp, token: &str, id_number: &str, name: &str) -> (StatusCode, Value) {
    app.json_as(
        token,
        "POST",
        "/api/v1/transfers",
        &json!({"id_number": id_number, "name": name, "to": "LA-01-001", "reason": "工作调动"}),
    )
    .await
}

/// The answer without what the caller typed and the instant: what could tell requests apart.
fn shape(body: &Value) -> Value {
    let mut b = body.clone();
    for k in ["id", "id_number", "name", "requested_at"] {
        b.as_object_mut().unwrap().remove(k);
    }
    b
}

async fn decide(app: &TestApp, token: &str, id: i64, action: &str) -> (StatusCode, Value) {
    let body = if action == "refuse" {
        json!({"reason": "查无此人"})
    } else {
        json!({})
    };
    app.json_as(
        token,
        "POST",
        &format!("/api/v1/transfers/{id}/{action}"),
        &body,
    )
    .await
}

#[tokio::test]
async fn an_officer_receives_another_districts_member_when_the_giving_unit_confirms() {
    let app = crate::helpers::spawn_app().await;
    let theirs = first_member_of(&app, "SC-01-001").await;
    let la = app.login("officer.la01001").await;

    let (status, asked) = request(
        &app,
        &la,
        theirs.record.id_number.as_str(),
        theirs.record.name.as_str(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{asked}");
    assert_eq!(asked["status"], "pending");
    assert!(asked.get("from").is_none(), "{asked}");
    let id = asked["id"].as_i64().unwrap();

    // The same answer for an ID number nobody has, and for the right number under another name.
    let (status, nobody) = request(&app, &la, &nobodys_id(), "无此人").await;
    assert_eq!(status, StatusCode::CREATED, "{nobody}");
    assert_eq!(shape(&nobody), shape(&asked));
    let (status, misnamed) = request(&app, &la, theirs.record.id_number.as_str(), "无此人").await;
    assert_eq!(status, StatusCode::CREATED, "{misnamed}");
    assert_eq!(shape(&misnamed), shape(&asked));

    // Four eyes, and scope: the requester, the district above only the receiving unit, and
    // the giving unit's officer for a request that matched no one get nothing.
    let (status, body) = decide(&app, &la, id, "confirm").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let district = app.login("district.staff").await;
    let (status, body) = decide(&app, &district, id, "confirm").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let sc = app.login("officer.sc01001").await;
    let nobody_id = nobody["id"].as_i64().unwrap();
    let (status, body) = decide(&app, &sc, nobody_id, "refuse").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

    // The giving unit sees exactly the request for its member, masked, and confirms it.
    let (status, pending) = app.get_as(&sc, "/api/v1/transfers").await;
    assert_eq!(status, StatusCode::OK, "{pending}");
    let pending = pending.as_array().unwrap();
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(pending[0]["id"], id);
    assert_eq!(pending[0]["from"], "SC-01-001");
    assert_eq!(pending[0]["to"], "LA-01-001");
    assert_eq!(pending[0]["requested_by"], "officer.la01001");
    assert_eq!(
        &pending[0]["id_number"].as_str().unwrap()[4..14],
        "**********"
    );
    let (status, done) = decide(&app, &sc, id, "confirm").await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["status"], "confirmed");
    let (status, body) = decide(&app, &sc, id, "confirm").await;
    assert_eq!(status, StatusCode::CONFLICT, "decided already: {body}");

    let moved = app
        .store
        .member_by_id_number(theirs.record.id_number.as_str())
        .await
        .unwrap();
    assert_eq!(moved.record.org.as_str(), "LA-01-001");
    assert_eq!(moved.version, theirs.version + 1);
    let (status, found) = app
        .get_as(
            &la,
            &format!(
                "/api/v1/members?org=LA-01-001&limit=1&after={}",
                moved.id.0 - 1
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["members"][0]["id"], moved.id.0, "{found}");

    // The city refuses what matched no one; the requester sees states, never whom it matched.
    let city = app.login("city.staff").await;
    let (_, for_city) = app.get_as(&city, "/api/v1/transfers").await;
    let ids: Vec<i64> = for_city
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [nobody_id, misnamed["id"].as_i64().unwrap()]);
    assert!(for_city
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["from"].is_null()));
    let (status, body) = decide(&app, &city, nobody_id, "confirm").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, body) = decide(&app, &city, nobody_id, "refuse").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, mine) = app.get_as(&la, "/api/v1/transfers/mine").await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    let states: Vec<(&str, Option<&str>)> = mine
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["status"].as_str().unwrap(), t["decision_reason"].as_str()))
        .collect();
    assert_eq!(
        states,
        [
            ("pending", None),
            ("refused", Some("查无此人")),
            ("confirmed", None)
        ]
    );
    assert!(mine
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t.get("from").is_none()));
}

#[tokio::test]
async fn a_transfer_request_names_the_bad_field_and_another_units_receiver_is_not_found() {
    let app = crate::helpers::spawn_app().await;
    let la = app.login("officer.la01001").await;
    let (status, body) = request(&app, &la, "12345", "张三").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "id_number");
    let (status, body) = app
        .json_as(
            &la,
            "POST",
            "/api/v1/transfers",
            &json!({"id_number": nobodys_id(), "name": "张三", "to": "LA-01-001", "reason": " "}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "reason");
    let (status, body) = app
        .json_as(
            &la,
            "POST",
            "/api/v1/transfers",
            &json!({"id_number": nobodys_id(), "name": "张三", "to": "SC-01-001", "reason": "调动"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}

#[tokio::test]
async fn the_transfers_page_requests_and_lists_in_chinese_with_english() {
    let app = crate::helpers::spawn_app().await;
    let mut la = Browser::signed_in(&app, "officer.la01001").await;
    let home = la.get("/").await;
    assert!(home.text.contains("href=\"/transfers\""), "a nav link");
    let id_number = nobodys_id();
    let sent = la
        .post_form(
            "/transfers",
            &[
                ("id_number", id_number.as_str()),
                ("name", "无此人"),
                ("to", "LA-01-001"),
                ("reason", "工作调动"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text);
    let page = la.get("/transfers").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("会员调动"), "{}", page.text);
    assert!(
        page.text.contains("data-testid=\"my-transfers\""),
        "{}",
        page.text
    );
    assert!(
        page.text.contains("1101**********"),
        "masked: {}",
        page.text
    );
    let mut member = Browser::signed_in(&app, "finance").await;
    let home = member.get("/").await;
    assert!(
        !home.text.contains("href=\"/transfers\""),
        "no link without ManageRoster"
    );
}
