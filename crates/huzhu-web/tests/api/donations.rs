//! Issue 16 (donation module) over HTTP: a donation recorded at the window with its receipt, a
//! void and reissue, the refusals (bad fields 400, wrong role 403, outside scope 404, a second
//! void 409), the public thank-you list and the printable receipt page; every answer checked
//! against the OpenAPI document.

use crate::console_helpers::Browser;
use crate::helpers::spawn_app;
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_donation_gets_its_receipt_and_a_void_reissues_it_keeping_both() {
    let app = spawn_app().await;
    let city = app.login("city.staff").await;
    let gift = json!({"donor_kind": "person", "donor_name": "张三丰", "consent": true,
                      "channel": "cash", "amount_fen": 100_000, "phone": "13900001234"});
    let (s, d) = app.json_as(&city, "POST", "/api/v1/donations", &gift).await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    assert_eq!(d["receipt"], "CF2022-000001");
    assert_eq!(d["state"], "received");
    assert_eq!(d["receipts"][0]["amount_in_capitals"], "壹仟元整");
    assert_ne!(d["donor"]["phone"], "13900001234", "the phone is masked");
    let id = d["id"].as_i64().unwrap();
    let receipt = d["receipts"][0]["id"].as_i64().unwrap();

    // Bad input names the field; nothing is written (the next number is still 2).
    for (body, field) in [
        (
            json!({"donor_kind": "person", "donor_name": "李四", "channel": "cash", "amount_fen": 0}),
            "amount_fen",
        ),
        (
            json!({"donor_kind": "person", "donor_name": "李四", "channel": "cheque", "amount_fen": 100}),
            "channel",
        ),
        (
            json!({"donor_kind": "person", "channel": "cash", "amount_fen": 100}),
            "donor_name",
        ),
    ] {
        let (s, e) = app.json_as(&city, "POST", "/api/v1/donations", &body).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
        assert_eq!(e["field"], field, "{e}");
    }
    // A unit officer may not record; a district sees nothing of the city's window.
    let officer = app.login("officer.la01001").await;
    let (s, _) = app
        .json_as(&officer, "POST", "/api/v1/donations", &gift)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let district = app.login("district.staff").await;
    let (s, _) = app
        .get_as(&district, &format!("/api/v1/donations/{id}"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let (s, v) = app
        .json_as(
            &city,
            "POST",
            &format!("/api/v1/receipts/{receipt}/void"),
            &json!({"reason": "姓名写错"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["receipts"][0]["state"], "voided");
    assert_eq!(v["receipts"][0]["void_reason"], "姓名写错");
    assert_eq!(v["receipt"], "CF2022-000002");
    assert_eq!(v["receipts"][1]["replaces"], "CF2022-000001");
    let (s, e) = app
        .json_as(
            &city,
            "POST",
            &format!("/api/v1/receipts/{receipt}/void"),
            &json!({"reason": "再次"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert!(e["message"].as_str().unwrap().contains("voided"), "{e}");
    let (s, by_old) = app.get_as(&city, "/api/v1/receipts/CF2022-000001").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(by_old["id"], id);

    // An anonymous gift is never thanked; the consenting person is, masked, without amounts.
    let (s, _) = app
        .json_as(
            &city,
            "POST",
            "/api/v1/donations",
            &json!({"donor_kind": "anonymous", "channel": "cash", "amount_fen": 50_000}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, thanks) = app.get("/api/v1/public/thanks").await;
    assert_eq!(s, StatusCode::OK, "{thanks}");
    let text = thanks.to_string();
    assert!(text.contains("张*丰"), "{text}");
    assert!(!text.contains("张三丰") && !text.contains("匿名") && !text.contains("100000"));

    // The printable receipt shows the number in force; the voided one prints marked voided.
    let mut b = Browser::signed_in(&app, "city.staff").await;
    let page = b.get(&format!("/donations/{id}/receipt")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("CF2022-000002") && page.text.contains("壹仟元整"));
    let old = b
        .get(&format!("/donations/{id}/receipt?number=CF2022-000001"))
        .await;
    assert!(old.text.contains("receipt-voided"));
    // The window's form records and goes straight to the printable receipt.
    let form = b.get("/donations").await;
    assert!(form.text.contains("donation-form"));
    let posted = b
        .post_form(
            "/donations",
            &[
                ("donor_kind", "organisation"),
                ("donor_name", "杭州某旅行社"),
                ("channel", "card"),
                ("amount", "2,000.50"),
            ],
        )
        .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.text);
    assert!(
        posted.location().ends_with("/receipt"),
        "{}",
        posted.location()
    );
    let printed = b.get(posted.location()).await;
    assert!(printed.text.contains("CF2022-000004"), "{}", printed.text);
    assert!(printed.text.contains("贰仟元伍角整"));
}

#[tokio::test]
async fn an_expected_transfer_waits_for_its_money_then_gets_its_receipt() {
    let app = spawn_app().await;
    let finance = app.login("finance").await;
    let (s, d) = app
        .json_as(
            &finance,
            "POST",
            "/api/v1/donations",
            &json!({"donor_kind": "organisation", "donor_name": "杭州某旅行社",
                    "channel": "bank_transfer", "amount_fen": 8_900_000,
                    "programme": "golden-autumn", "reference": "春风2022"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    assert_eq!(d["state"], "expected");
    assert!(d["receipt"].is_null());
    let id = d["id"].as_i64().unwrap();
    let (s, r) = app
        .json_as(
            &finance,
            "POST",
            &format!("/api/v1/donations/{id}/receive"),
            &json!(null),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["receipt"], "CF2022-000001");
    let (s, e) = app
        .json_as(
            &finance,
            "POST",
            &format!("/api/v1/donations/{id}/receive"),
            &json!(null),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    let donor = r["donor"]["id"].as_i64().unwrap();
    let (s, h) = app
        .get_as(&finance, &format!("/api/v1/donors/{donor}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{h}");
    assert_eq!(h["total_fen"], 8_900_000);
    assert_eq!(h["years"][0]["year"], 2022);
    // The ledger check proves the fund and its restricted part.
    let (s, l) = app.get_as(&finance, "/api/v1/ledger/balances").await;
    assert_eq!(s, StatusCode::OK, "{l}");
    assert_eq!(l["ok"], true, "{l}");
}
