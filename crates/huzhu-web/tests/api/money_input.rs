//! Bad input on the money path: each is a JSON 400 (or 413) naming the field, and nothing is
//! stored.

use crate::helpers::{spawn_app, TestApp};
use crate::money::{act, enrol_and_pay, in_service_woman, png, set_day, stay};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{json, Value};

async fn claims_of(app: &TestApp, token: &str) -> Value {
    let (status, page) = app.get_as(token, "/api/v1/claims?org=LA-01-001").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["claims"].clone()
}

#[tokio::test]
async fn bad_input_is_refused_naming_the_field_and_nothing_is_stored() {
    let app = spawn_app().await;
    enrol_and_pay(&app).await;
    let officer = app.login("officer.la01001").await;
    let (_, bills) = app.get_as(&officer, "/api/v1/bills?org=LA-01-001").await;
    let (status, body) = app
        .json_as(
            &officer,
            "POST",
            "/api/v1/enrolments",
            &json!({"unit": "LA-01-001", "policy": "hangzhou-2022",
                    "items": [{"item": "Z", "shares": 1}]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "items");
    let (_, after) = app.get_as(&officer, "/api/v1/bills?org=LA-01-001").await;
    assert_eq!(after, bills, "no bill for a refused enrolment");

    set_day(&app, 2022, 6, 1);
    let officer = app.login("officer.la01001").await;
    let member = in_service_woman(&app, &officer).await;
    let before = claims_of(&app, &officer).await;

    let mut negative = stay();
    negative["costs_fen"]["self_borne"] = json!(-1);
    let mut backwards = stay();
    backwards["discharged"] = json!("2022-04-01");
    for (claim, field) in [
        (negative, "claim.costs_fen.self_borne"),
        (backwards, "claim.discharged"),
    ] {
        let (status, body) = app
            .json_as(
                &officer,
                "POST",
                "/api/v1/claims",
                &json!({"member_id": member, "claim": claim}),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["field"], field, "{body}");
        assert_eq!(body["code"], "HZ-INPUT-0001");
    }
    let (status, body) = app
        .json_as(
            &officer,
            "POST",
            "/api/v1/claims",
            &json!({"member_id": "seven", "claim": stay()}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "member_id");
    for malformed in ["{\"member_id\": 1, ", "not json at all", ""] {
        let (status, body) = app
            .send(
                Request::post("/api/v1/claims")
                    .header("authorization", format!("Bearer {officer}"))
                    .header("content-type", "application/json")
                    .body(Body::from(malformed))
                    .unwrap(),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{malformed:?}");
        assert_eq!(body["code"], "HZ-INPUT-0001", "a JSON error body: {body}");
        assert_eq!(body["field"], "body");
    }
    assert_eq!(
        claims_of(&app, &officer).await,
        before,
        "no claim was stored"
    );

    let (status, claim) = app
        .json_as(
            &officer,
            "POST",
            "/api/v1/claims",
            &json!({"member_id": member, "claim": stay()}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{claim}");
    let id = claim["id"].as_i64().unwrap();
    let city = app.login("city.staff").await;
    for (action, field) in [
        (json!({"action": "pay"}), "action"),
        (json!({"action": "compute"}), "action"),
        (json!({"action": "teleport"}), "action"),
        (json!({"action": "reject"}), "reason"),
        (json!({"action": "return", "missing": []}), "missing"),
        (json!({"action": "accept", "extra": 1}), "extra"),
    ] {
        let (status, body) = act(&app, &city, id, action.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{action}: {body}");
        assert_eq!(body["field"], field, "{action}: {body}");
    }
    let (status, body) = app
        .get_as(&city, "/api/v1/claims?state=computed,nonsense")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["field"], "state");

    let upload = |bytes: Vec<u8>| {
        let token = officer.clone();
        let app = &app;
        async move {
            app.post_bytes_as(
                &token,
                &format!("/api/v1/claims/{id}/documents?kind=invoice&file_name=a.png"),
                bytes,
            )
            .await
        }
    };
    let limit = huzhu_web::api::v1::documents::UPLOAD_BODY_LIMIT;
    let max = huzhu_app::documents::MAX_DOCUMENT_BYTES;
    let mut too_big = png();
    too_big.resize(limit + 1, 0);
    let (status, body) = upload(too_big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["field"], "file");
    let mut just_over = png();
    just_over.resize(max + 1, 0);
    let (status, body) = upload(just_over).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "file");
    let (status, body) = upload(b"MZ\x90\x00 an executable, not an image".to_vec()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "file");
    let (status, body) = upload(Vec::new()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "file");
    let (status, body) = app
        .post_bytes_as(
            &officer,
            &format!("/api/v1/claims/{id}/documents?kind=selfie"),
            png(),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "kind");

    let (_, now) = app.get_as(&officer, &format!("/api/v1/claims/{id}")).await;
    assert_eq!(now["documents"], json!([]), "no document was stored");
    assert_eq!(now["state"], "submitted", "no action was taken");
    assert_eq!(now["events"].as_array().unwrap().len(), 1);
}
