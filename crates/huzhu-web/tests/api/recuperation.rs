//! Recuperation and procurement over HTTP (issue 17), on the demo city: a base refused below
//! 20%, a batch filled to its places (the last sign-up refused in words), scope and roles, a
//! removed base refusing sign-ups, the figures; the procurement catalogue, a designated purchase
//! and the unit below the floor. Every answer is checked against the OpenAPI document.

use crate::helpers::spawn_app;
use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::in_service_members as members;

#[tokio::test]
async fn a_batch_fills_to_its_places_and_a_removed_base_takes_no_sign_up() {
    let app = spawn_app().await;
    let city = app.login("city.staff").await;
    let (s, body) = app
        .json_as(
            &city,
            "POST",
            "/api/v1/recuperation/bases",
            &json!({"name": "低价基地", "region": "淳安", "discount_bp": 1500}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "discount_bp");
    assert!(body["message"].as_str().unwrap().contains("20%"), "{body}");
    let (s, base) = app
        .json_as(
            &city,
            "POST",
            "/api/v1/recuperation/bases",
            &json!({"name": "千岛湖基地", "region": "淳安", "partner_region": true, "discount_bp": 2500}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{base}");
    assert_eq!(base["state"], "admitted");
    assert_eq!(base["valid_until"], "2024-02-29");
    let (s, batch) = app
        .json_as(
            &city,
            "POST",
            "/api/v1/recuperation/batches",
            &json!({"base": base["id"], "name": "第一批", "start_on": "2022-04-10",
                    "end_on": "2022-04-14", "capacity": 2}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{batch}");
    let bid = batch["id"].as_i64().unwrap();
    let officer = app.login("officer.la01001").await;
    let people = members(&app, "LA-01-001").await;
    assert!(people.len() >= 4, "{people:?}");
    let uri = format!("/api/v1/recuperation/batches/{bid}/signups");
    for m in &people[..2] {
        let (s, su) = app
            .json_as(&officer, "POST", &uri, &json!({"member": m}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{su}");
    }
    let (s, full) = app
        .json_as(&officer, "POST", &uri, &json!({"member": people[2]}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{full}");
    assert!(
        full["message"].as_str().unwrap().contains("批次已满"),
        "{full}"
    );
    // Another district's officer does not see LA's member; a member account may not sign up.
    let sc = app.login("officer.sc01001").await;
    let (s, _) = app
        .json_as(&sc, "POST", &uri, &json!({"member": people[3]}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let member = app.login("member.demo").await;
    let (s, _) = app
        .json_as(&member, "POST", &uri, &json!({"member": people[3]}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // A cancellation frees a place.
    let (s, list) = app.get_as(&officer, &uri).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let first = list[0]["id"].as_i64().unwrap();
    let (s, c) = app
        .json_as(
            &officer,
            "POST",
            &format!("/api/v1/recuperation/signups/{first}/cancel"),
            &json!({"reason": "家中有事"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["state"], "cancelled");
    // Removed at review: no new sign-up, in words; a second removal is an illegal step.
    let review = format!("/api/v1/recuperation/bases/{}/review", base["id"]);
    let (s, r) = app
        .json_as(
            &city,
            "POST",
            &review,
            &json!({"step": "remove", "reason": "投诉"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["state"], "removed");
    let (s, again) = app
        .json_as(
            &city,
            "POST",
            &review,
            &json!({"step": "remove", "reason": "再次"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{again}");
    let (s, refused) = app
        .json_as(&officer, "POST", &uri, &json!({"member": people[2]}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{refused}");
    assert!(
        refused["message"].as_str().unwrap().contains("已撤销"),
        "{refused}"
    );
    // Spend and figures.
    let (s, spent) = app
        .json_as(
            &city,
            "PUT",
            &format!("/api/v1/recuperation/batches/{bid}/spend"),
            &json!({"lodging_fen": 200000, "transport_fen": 30000, "purchases_fen": 5000}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{spent}");
    let (s, figures) = app
        .get_as(
            &city,
            "/api/v1/stats/recuperation?from=2022-01-01&to=2022-12-31",
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{figures}");
    let by_base = &figures["tables"][1]["rows"][0];
    assert_eq!(by_base["values"], json!([1, 1, 235000]), "{figures}");
    let raw = app
        .get_bytes_as(&city, "/api/v1/stats/recuperation.xlsx?from=2022-01-01")
        .await;
    assert_eq!(raw.status, StatusCode::OK);
}

#[tokio::test]
async fn purchases_are_designated_from_the_catalogue_and_a_unit_below_the_floor_is_listed() {
    let app = spawn_app().await;
    let city = app.login("city.staff").await;
    let (s, e) = app
        .json_as(
            &city,
            "POST",
            "/api/v1/procurement/catalogue",
            &json!({"region": "四川泸定", "supplier": "泸定果业", "product": "苹果"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    let officer = app.login("officer.la01001").await;
    let (s, p) = app
        .json_as(
            &officer,
            "POST",
            "/api/v1/procurement/purchases",
            &json!({"supplier": "泸定果业", "product": "苹果", "quantity": 480,
                    "amount_fen": 4800000, "purchased_on": "2022-01-15"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["designated"], true);
    let (s, q) = app
        .json_as(
            &officer,
            "POST",
            "/api/v1/procurement/purchases",
            &json!({"supplier": "本地超市", "product": "礼盒", "quantity": 3,
                    "amount_fen": 25200000, "purchased_on": "2022-01-16"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{q}");
    assert_eq!(q["designated"], false);
    let (s, bad) = app
        .json_as(
            &officer,
            "POST",
            "/api/v1/procurement/purchases",
            &json!({"supplier": "x", "product": "y", "quantity": 0,
                    "amount_fen": 1, "purchased_on": "2022-01-16"}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}");
    assert_eq!(bad["field"], "quantity");
    let (s, report) = app
        .get_as(&city, "/api/v1/procurement/report?year=2022")
        .await;
    assert_eq!(s, StatusCode::OK, "{report}");
    let below = report["below"].as_array().unwrap();
    assert_eq!(below.len(), 1, "{report}");
    assert_eq!(below[0]["share_bp"], 1600);
    assert_eq!(below[0]["floor_bp"], 2000);
    let raw = app
        .get_bytes_as(&city, "/api/v1/procurement/report.xlsx?year=2022")
        .await;
    assert_eq!(raw.status, StatusCode::OK);
    // A unit officer may not set the floor; the city may.
    let (s, _) = app
        .json_as(
            &officer,
            "PUT",
            "/api/v1/procurement/floors",
            &json!({"year": 2022, "floor_bp": 1500}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, f) = app
        .json_as(
            &city,
            "PUT",
            "/api/v1/procurement/floors",
            &json!({"year": 2022, "floor_bp": 1500}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{f}");
    let (_, report) = app
        .get_as(&city, "/api/v1/procurement/report?year=2022")
        .await;
    assert!(report["below"].as_array().unwrap().is_empty(), "{report}");
}

/// The console's upload (issue 17): a purchase list with one bad row records nothing and names
/// the row (422); the list fixed records every row, the catalogue's product designated.
#[tokio::test]
async fn a_purchase_list_uploaded_on_the_page_is_recorded_whole_or_not_at_all() {
    let app = spawn_app().await;
    let city = app.login("city.staff").await;
    let (s, e) = app
        .json_as(
            &city,
            "POST",
            "/api/v1/procurement/catalogue",
            &json!({"region": "四川泸定", "supplier": "泸定果业", "product": "苹果"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    let officer = app.login("officer.la01001").await;
    let count = || async {
        let (s, list) = app
            .get_as(&officer, "/api/v1/procurement/purchases?year=2022")
            .await;
        assert_eq!(s, StatusCode::OK, "{list}");
        list.as_array().unwrap().len()
    };
    let mut page = crate::console_helpers::Browser::signed_in(&app, "officer.la01001").await;
    let form = page.get("/procurement?year=2022").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains("purchase-import-form"), "{}", form.text);
    let header = "供应商,产品,数量,金额,采购日期\n";
    let bad = format!("{header}泸定果业,苹果,10,1000,2022-01-15\n本地超市,礼盒,0,500,2022-01-16\n");
    let refused = page
        .post_multipart(
            "/procurement/purchases/import",
            &[("org", "")],
            &[("file", "gifts.csv", "text/csv", bad.into_bytes())],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text
    );
    assert!(refused.text.contains("import-refused"), "{}", refused.text);
    assert!(
        refused
            .text
            .contains("<td class=\"num\">3</td><td>数量</td>"),
        "{}",
        refused.text
    );
    assert_eq!(count().await, 0, "nothing is half-written");
    let good =
        format!("{header}泸定果业,苹果,10,1000,2022-01-15\n本地超市,礼盒,2,500,2022-01-16\n");
    let done = page
        .post_multipart(
            "/procurement/purchases/import",
            &[("org", "LA-01-001")],
            &[("file", "gifts.csv", "text/csv", good.into_bytes())],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert!(done.text.contains("import-recorded"), "{}", done.text);
    assert_eq!(count().await, 2);
    // By hand on the page: a purchase from the catalogue, designated.
    let hand = page
        .post_form(
            "/procurement/purchases",
            &[
                ("org", ""),
                ("supplier", "泸定果业"),
                ("product", "苹果"),
                ("quantity", "5"),
                ("amount", "250.50"),
                ("purchased_on", "2022-02-01"),
            ],
        )
        .await;
    assert_eq!(hand.status, StatusCode::SEE_OTHER, "{}", hand.text);
    let (_, list) = app
        .get_as(&officer, "/api/v1/procurement/purchases?year=2022")
        .await;
    let last = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["amount_fen"] == 25_050)
        .unwrap_or_else(|| panic!("{list}"));
    assert_eq!(last["designated"], true, "{last}");
    assert_eq!(last["source"], "hand", "{last}");
}
