//! A household's whole support over HTTP and in the console (issue 15), on the demo's
//! programmes: the lines and flags of the deep household, its page linked from the record,
//! 404 outside the subtree.

use crate::console_helpers::Browser;
use crate::helpers::spawn_app;
use axum::http::StatusCode;

#[tokio::test]
async fn a_households_whole_support_is_read_in_scope_and_shown_in_words() {
    let app = spawn_app().await;
    huzhu_app::demo_programmes::load_programme_demo(&app.store)
        .await
        .unwrap();
    let city = app.login("city.staff").await;
    let (s, list) = app
        .get_as(
            &city,
            "/api/v1/archive/households?state=admitted&category=deep",
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let h = &list.as_array().unwrap()[0];
    let (id, head) = (
        h["id"].as_i64().unwrap(),
        h["head_member_id"].as_i64().unwrap(),
    );
    let (s, body) = app
        .get_as(&city, &format!("/api/v1/archive/households/{id}/support"))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["household"]["id"], id);
    let kinds: Vec<&str> = body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["gift_pack", "grant", "grant"]);
    assert_eq!(body["years"][0]["grants_paid_fen"], 500_000);
    assert_eq!(body["flags"][0]["kind"], "double_support");
    let (s, mine) = app
        .get_as(&city, &format!("/api/v1/members/{head}/support"))
        .await;
    assert_eq!(s, StatusCode::OK, "{mine}");
    assert_eq!(mine["household"]["id"], id);
    // 临安's staff do not see 西湖's household or its head.
    let district = app.login("district.staff").await;
    for uri in [
        format!("/api/v1/archive/households/{id}/support"),
        format!("/api/v1/members/{head}/support"),
    ] {
        let (s, _) = app.get_as(&district, &uri).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{uri}");
    }
    // The console: linked from the record, the flag and the amounts in words and 元.
    let mut b = Browser::signed_in(&app, "city.staff").await;
    let record = b.get(&format!("/archive/{id}")).await;
    assert!(record.text.contains(&format!("/archive/{id}/support")));
    let page = b.get(&format!("/archive/{id}/support")).await;
    assert_eq!(page.status, StatusCode::OK);
    for words in [
        "重复救助",
        "临时救助",
        "慰问品",
        "3,000.00",
        "2026年两节送温暖",
    ] {
        assert!(page.text.contains(words), "{words} missing");
    }
    let member = b.get(&format!("/members/{head}")).await;
    assert!(member.text.contains(&format!("/members/{head}/support")));
    let mut other = Browser::signed_in(&app, "district.staff").await;
    let page = other.get(&format!("/archive/{id}/support")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}
