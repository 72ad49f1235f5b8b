//! Issue 15 over HTTP: a relief from application to a paid batch, and a campaign whose second
//! listing is refused naming the first; every answer checked against the OpenAPI document.

use crate::helpers::spawn_app;
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_relief_is_applied_checked_approved_and_paid_in_the_claims_batch() {
    let app = spawn_app().await;
    let officer = app.login("officer.la01001").await;
    let district = app.login("district.staff").await;
    let city = app.login("city.staff").await;
    let finance = app.login("finance").await;
    let cashier = app.login("cashier").await;
    let (s, members) = app
        .get_as(&officer, "/api/v1/members?org=LA-01-001&limit=50")
        .await;
    assert_eq!(s, StatusCode::OK, "{members}");
    let member = members["members"]
        .as_array()
        .and_then(|a| a.iter().find(|m| m["bank_account"].is_string()))
        .map(|m| m["id"].as_i64().unwrap())
        .expect("a member with a bank account");
    let (s, body) = app
        .json_as(
            &finance,
            "POST",
            "/api/v1/funds/hardship/deposits",
            &json!({"amount_fen": 1_000_000, "reference": "2022年帮扶资金"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    assert_eq!(body["balance_fen"], 1_000_000);
    let apply = json!({"programme": "one-off-relief", "member": member,
        "facts": {"requested_fen": 300_000, "documents": ["application_form"]}});
    let (s, body) = app
        .json_as(&officer, "POST", "/api/v1/grants", &apply)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let g = &body[0]["grant"];
    assert_eq!(g["state"], "applied");
    assert_eq!(g["approval_level"], "district");
    assert!(
        g["key"].as_str().unwrap().contains('*'),
        "the key's ID number is masked"
    );
    let id = g["id"].as_i64().unwrap();
    let (s, body) = app
        .json_as(
            &officer,
            "POST",
            &format!("/api/v1/grants/{id}/check"),
            &json!(null),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
    let (s, body) = app
        .json_as(
            &district,
            "POST",
            &format!("/api/v1/grants/{id}/check"),
            &json!(null),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (s, body) = app
        .json_as(
            &city,
            "POST",
            &format!("/api/v1/grants/{id}/approve"),
            &json!(null),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "approved");
    let (s, body) = app
        .get_as(&officer, &format!("/api/v1/grants/{id}/notice"))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(body["lines"][0]["clause"]
        .as_str()
        .unwrap()
        .starts_with("one-off-relief"));
    let (s, body) = app
        .json_as(
            &finance,
            "POST",
            "/api/v1/payout-batches",
            &json!({"org": "HZ"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    assert!(body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["grant"] == id));
    let batch = body["batch"]["id"].as_i64().unwrap();
    let (s, body) = app
        .json_as(
            &cashier,
            "POST",
            &format!("/api/v1/payout-batches/{batch}/settlement"),
            &json!({"failures": []}),
        )
        .await;
    assert!(s.is_success(), "{s} {body}");
    let (s, body) = app.get_as(&officer, &format!("/api/v1/grants/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body["state"], "paid");
    let (s, body) = app.get_as(&finance, "/api/v1/ledger/balances").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body["ok"], true, "{body}");
}

#[tokio::test]
async fn a_campaign_refuses_a_second_listing_naming_the_first() {
    let app = spawn_app().await;
    let city = app.login("city.staff").await;
    let district = app.login("district.staff").await;
    let (s, body) = app
        .json_as(
            &city,
            "POST",
            "/api/v1/campaigns",
            &json!({"programme": "two-festivals-2026",
            "window_start": "2026-01-01", "window_end": "2026-02-28"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let c = body["id"].as_i64().unwrap();
    let (_, members) = app
        .get_as(&district, "/api/v1/members?org=LA&limit=5")
        .await;
    let member = members["members"]
        .as_array()
        .and_then(|a| a.first())
        .map(|m| m["id"].as_i64().unwrap())
        .unwrap();
    let add =
        json!({"member": member, "reason": "突发困难", "cash_fen": 100_000, "gift_pack": true});
    let (s, body) = app
        .json_as(
            &city,
            "POST",
            &format!("/api/v1/campaigns/{c}/recipients"),
            &add,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["added"], 1);
    let (s, body) = app
        .json_as(
            &district,
            "POST",
            &format!("/api/v1/campaigns/{c}/recipients"),
            &add,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["added"], 0);
    assert_eq!(body["already"][0]["org"], "HZ");
    let (s, body) = app
        .json_as(
            &city,
            "POST",
            &format!("/api/v1/campaigns/{c}/grant"),
            &json!(null),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    let (s, body) = app
        .get_as(&district, &format!("/api/v1/campaigns/{c}/recipients"))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn listing_from_the_archive_names_the_first_listing_s_org_over_http() {
    let app = spawn_app().await;
    let city = app.login("city.staff").await;
    let (s, body) = app
        .json_as(
            &city,
            "POST",
            "/api/v1/campaigns",
            &json!({"programme": "two-festivals-2026",
            "window_start": "2026-01-01", "window_end": "2026-02-28"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let c = body["id"].as_i64().unwrap();
    let (s, body) = app
        .json_as(
            &city,
            "POST",
            &format!("/api/v1/campaigns/{c}/recipients/from-archive"),
            &json!(null),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(body["not_eligible"].is_array(), "{body}");
    let (s, body) = app
        .json_as(
            &app.login("member.demo").await,
            "POST",
            &format!("/api/v1/campaigns/{c}/recipients/from-archive"),
            &json!(null),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
}

#[tokio::test]
async fn the_campaign_pages_list_by_hand_and_a_district_s_duplicate_is_refused_naming_the_city() {
    use crate::console_helpers::Browser;
    use huzhu_store::Store;
    let app = spawn_app().await;
    let mut city = Browser::signed_in(&app, "city.staff").await;
    let list = city.get("/campaigns").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    assert!(list.text.contains("campaign-form"), "{}", list.text);
    let opened = city
        .post_form(
            "/campaigns",
            &[
                ("programme", "two-festivals-2026"),
                ("window_start", "2026-01-01"),
                ("window_end", "2026-02-28"),
            ],
        )
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.text);
    let at = opened.location().to_string();
    let head = app
        .store
        .members_under(
            &huzhu_domain::org::OrgCode::parse("LA-01-001").unwrap(),
            huzhu_store::Page {
                after: None,
                limit: 1,
            },
        )
        .await
        .unwrap()
        .remove(0);
    let id_number = head.record.id_number.as_str();
    let fields = [
        ("id_number", id_number),
        ("reason", "突发困难，市总走访"),
        ("cash", "1,000"),
        ("gift_pack", "on"),
    ];
    let added = city.post_form(&format!("{at}/recipients"), &fields).await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.text);
    assert!(added.text.contains("列入名单 1 人"), "{}", added.text);
    assert!(added.text.contains("1,000.00"), "{}", added.text);
    assert!(!added.text.contains(id_number), "the ID number is masked");
    // Before confirming: the count, the total and the fund's balance.
    assert!(added.text.contains("grant-total"), "{}", added.text);
    let mut district = Browser::signed_in(&app, "district.staff").await;
    let refused = district
        .post_form(&format!("{at}/recipients"), &fields)
        .await;
    assert_eq!(refused.status, StatusCode::OK, "{}", refused.text);
    let city_name = app
        .store
        .org(&huzhu_domain::org::OrgCode::parse("HZ").unwrap())
        .await
        .unwrap()
        .name;
    assert!(
        refused.text.contains(&format!("已在{city_name}的名单上")),
        "{}",
        refused.text
    );
    // No reason: refused, nothing listed.
    let no_reason = district
        .post_form(
            &format!("{at}/recipients"),
            &[("id_number", id_number), ("reason", " "), ("cash", "0")],
        )
        .await;
    assert_eq!(
        no_reason.status,
        StatusCode::BAD_REQUEST,
        "{}",
        no_reason.text
    );
    let nav = district.get("/").await;
    assert!(nav.text.contains("href=\"/campaigns\""), "navigation link");
}

/// Issue 15's last gap over HTTP: a relief applied without its required document gets it handed
/// in (`POST /api/v1/grants/{id}/documents`) and is then approved; a file too large or not a
/// JPEG, PNG or PDF, a kind the programme does not list, another district's officer and a
/// decided application are refused, and none of them writes anything.
#[tokio::test]
async fn a_document_handed_in_over_http_lets_the_relief_be_approved() {
    let app = spawn_app().await;
    let officer = app.login("officer.la01001").await;
    let other = app.login("officer.sc01001").await;
    let district = app.login("district.staff").await;
    let finance = app.login("finance").await;
    let (_, members) = app
        .get_as(&officer, "/api/v1/members?org=LA-01-001&limit=5")
        .await;
    let member = members["members"][0]["id"].as_i64().unwrap();
    let (s, body) = app
        .json_as(
            &finance,
            "POST",
            "/api/v1/funds/hardship/deposits",
            &json!({"amount_fen": 1_000_000, "reference": "2022年帮扶资金"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let (s, body) = app
        .json_as(
            &officer,
            "POST",
            "/api/v1/grants",
            &json!({"programme": "one-off-relief", "member": member,
                "facts": {"requested_fen": 100_000}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let id = body[0]["grant"]["id"].as_i64().unwrap();
    assert_eq!(
        body[0]["grant"]["assessment"]["missing_documents"],
        json!(["application_form"])
    );
    let (s, body) = app
        .json_as(
            &district,
            "POST",
            &format!("/api/v1/grants/{id}/check"),
            &json!(null),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (s, body) = app
        .json_as(
            &district,
            "POST",
            &format!("/api/v1/grants/{id}/approve"),
            &json!(null),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    let upload =
        |kind: &str| format!("/api/v1/grants/{id}/documents?kind={kind}&file_name=form.png");
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    png.extend_from_slice(b"the signed form");
    // Refused, each naming what is wrong.
    let (s, body) = app
        .post_bytes_as(&officer, &upload("application_form"), b"GIF89a...".to_vec())
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "file", "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("JPEG, PNG or PDF"),
        "{body}"
    );
    let (s, body) = app
        .post_bytes_as(&officer, &upload("pay_slip"), png.clone())
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "kind", "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("application_form"),
        "{body}"
    );
    let mut big = png.clone();
    big.resize(huzhu_app::documents::MAX_DOCUMENT_BYTES + 1, 0);
    let (s, body) = app
        .post_bytes_as(&officer, &upload("application_form"), big)
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("too large"),
        "{body}"
    );
    let mut huge = png.clone();
    huge.resize(huzhu_web::api::v1::documents::UPLOAD_BODY_LIMIT + 1, 0);
    let (s, body) = app
        .post_bytes_as(&officer, &upload("application_form"), huge)
        .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["field"], "file", "{body}");
    let (s, body) = app
        .post_bytes_as(&other, &upload("application_form"), png.clone())
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{body}");
    // Nothing half-written: no document, the grant as it was.
    let (s, body) = app
        .get_as(&officer, &format!("/api/v1/grants/{id}/documents"))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body, json!([]));
    let (_, g) = app.get_as(&officer, &format!("/api/v1/grants/{id}")).await;
    assert_eq!(
        g["assessment"]["missing_documents"],
        json!(["application_form"])
    );
    // Handed in: nothing missing, the file downloadable, and approval goes through.
    let (s, body) = app
        .post_bytes_as(&officer, &upload("application_form"), png.clone())
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    assert_eq!(body["missing_documents"], json!([]));
    assert_eq!(body["document"]["content_type"], "image/png");
    assert_eq!(body["grant"]["state"], "checked");
    let doc = body["document"]["id"].as_i64().unwrap();
    let file = app
        .get_bytes_as(&officer, &format!("/api/v1/grants/{id}/documents/{doc}"))
        .await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.body.to_vec(), png);
    let (s, _) = app
        .get_as(&other, &format!("/api/v1/grants/{id}/documents"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, body) = app
        .json_as(
            &district,
            "POST",
            &format!("/api/v1/grants/{id}/approve"),
            &json!(null),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "approved");
    // Decided: no more documents.
    let (s, body) = app
        .post_bytes_as(&officer, &upload("application_form"), png.clone())
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("不能再补交材料"),
        "{body}"
    );
    let (_, body) = app
        .get_as(&officer, &format!("/api/v1/grants/{id}/documents"))
        .await;
    assert_eq!(body.as_array().unwrap().len(), 1);
}
