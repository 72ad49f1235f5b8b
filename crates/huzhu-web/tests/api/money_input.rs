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

/// Issue 14: costs that cannot be, dates before 1900 or after the submission, identifiers with
/// invisible or control characters and absurd sizes are a 400 naming the field (a body past the
/// claim route's limit a 413 naming `body`), and nothing is stored.
#[tokio::test]
async fn a_claim_that_cannot_be_is_refused_naming_the_field_and_nothing_is_stored() {
    let app = spawn_app().await;
    enrol_and_pay(&app).await;
    set_day(&app, 2022, 6, 1);
    let officer = app.login("officer.la01001").await;
    let member = in_service_woman(&app, &officer).await;
    let before = claims_of(&app, &officer).await;
    let with = |f: &dyn Fn(&mut Value)| {
        let mut c = stay();
        f(&mut c);
        c
    };
    let cases = [
        (
            with(&|c| c["costs_fen"] = json!({"total": 100_000, "self_borne": 1_200_000})),
            "claim.costs_fen.self_borne",
        ),
        (
            with(&|c| c["costs_fen"]["pooled_fund"] = json!(4_000_000)),
            "claim.costs_fen.total",
        ),
        (
            with(&|c| c["admitted"] = json!("1899-12-31")),
            "claim.admitted",
        ),
        (
            with(&|c| c["discharged"] = json!("2022-06-02")),
            "claim.discharged",
        ),
        (
            with(&|c| c["diagnoses"][0]["disease"] = json!("md01\u{200F}")),
            "claim.diagnoses[0].disease",
        ),
        (
            with(&|c| c["invoices"] = json!(["INV-\u{0007}1"])),
            "claim.invoices[0]",
        ),
        (
            with(&|c| c["invoices"] = json!((0..201).map(|i| format!("I{i}")).collect::<Vec<_>>())),
            "claim.invoices",
        ),
    ];
    for (claim, field) in cases {
        let (status, body) = app
            .json_as(
                &officer,
                "POST",
                "/api/v1/claims",
                &json!({"member_id": member, "claim": claim}),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{field}: {body}");
        assert_eq!(body["field"], field, "{body}");
    }
    // 1.5 MB of invoice number: refused unread.
    let huge = with(&|c| c["invoices"] = json!(["9".repeat(1_500_000)]));
    let (status, body) = app
        .json_as(
            &officer,
            "POST",
            "/api/v1/claims",
            &json!({"member_id": member, "claim": huge}),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["field"], "body");
    assert_eq!(body["code"], "HZ-INPUT-0002");
    assert_eq!(
        claims_of(&app, &officer).await,
        before,
        "no claim was stored"
    );
}

/// Issue 14: an invoice number written again with a trailing space, a zero-width space and
/// full-width digits in lower case is the same invoice: stored normalised, flagged
/// `duplicate_invoice`.
#[tokio::test]
async fn an_invoice_look_alike_is_flagged_as_a_duplicate_invoice() {
    let app = spawn_app().await;
    enrol_and_pay(&app).await;
    set_day(&app, 2022, 6, 1);
    let officer = app.login("officer.la01001").await;
    let member = in_service_woman(&app, &officer).await;
    let (status, first) = app
        .json_as(
            &officer,
            "POST",
            "/api/v1/claims",
            &json!({"member_id": member, "claim": stay()}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let mut again = stay();
    again["admitted"] = json!("2022-05-20");
    again["discharged"] = json!("2022-05-22");
    again["diagnoses"] = json!([]);
    again["invoices"] = json!(["inv\u{200B}-１ "]);
    let (status, second) = app
        .json_as(
            &officer,
            "POST",
            "/api/v1/claims",
            &json!({"member_id": member, "claim": again}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    assert_eq!(second["claim"]["invoices"], json!(["INV-1"]));
    let id = second["id"].as_i64().unwrap();
    for kind in crate::money::DOCUMENT_KINDS {
        let (status, doc) = app
            .post_bytes_as(
                &officer,
                &format!("/api/v1/claims/{id}/documents?kind={kind}&file_name={kind}.png"),
                png(),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{doc}");
    }
    let city = app.login("city.staff").await;
    let (status, computed) = act(&app, &city, id, json!({"action": "accept"})).await;
    assert_eq!(status, StatusCode::OK, "{computed}");
    assert!(
        computed["flags"]
            .as_array()
            .unwrap()
            .contains(&json!("duplicate_invoice")),
        "{computed}"
    );
}

/// Issue 14, four eyes: the federation account that made and submitted a claim may not accept
/// it (409 naming the rule); another account may.
#[tokio::test]
async fn the_account_that_made_a_claim_may_not_accept_it() {
    let app = spawn_app().await;
    enrol_and_pay(&app).await;
    set_day(&app, 2022, 6, 1);
    let city = app.login("city.staff").await;
    let member = in_service_woman(&app, &city).await;
    let (id, _) = crate::money::claim_with_documents(&app, &city, member).await;
    let (status, body) = act(&app, &city, id, json!({"action": "accept"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "HZ-CLAIM-0001");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("四眼原则") && message.contains("four eyes"),
        "{message}"
    );
    let district = app.login("district.staff").await;
    let (status, body) = act(&app, &district, id, json!({"action": "accept"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "computed");
}
