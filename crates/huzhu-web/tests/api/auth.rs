//! Sign-in, sessions and scope through the API: every demo account against the scoped routes,
//! and the ways a session ends.

use super::{spawn_app, TestApp};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::TimeDelta;
use huzhu_store::Store;
use serde_json::Value;

const FORGED: &str = "ZZ-99-999";

/// (account, [own unit, own district, another district], expected status for each of those
/// three and for a forged code).
const MATRIX: [(&str, [&str; 3], [u16; 4]); 9] = [
    ("admin", ["LA-01-001", "LA", "SC"], [200, 200, 200, 404]),
    (
        "city.staff",
        ["LA-01-001", "LA", "SC"],
        [200, 200, 200, 404],
    ),
    ("reviewer", ["LA-01-001", "LA", "SC"], [200, 200, 200, 404]),
    ("finance", ["LA-01-001", "LA", "SC"], [200, 200, 200, 404]),
    ("auditor", ["LA-01-001", "LA", "SC"], [200, 200, 200, 404]),
    (
        "district.staff",
        ["LA-01-001", "LA", "SC"],
        [200, 200, 404, 404],
    ),
    (
        "officer.la01001",
        ["LA-01-001", "LA", "SC"],
        [200, 404, 404, 404],
    ),
    (
        "officer.sc01001",
        ["SC-01-001", "SC", "LA"],
        [200, 404, 404, 404],
    ),
    // A member sees the orgs of their own chain and, under them, only themselves.
    (
        "member.demo",
        ["LA-01-001", "LA", "SC"],
        [200, 200, 404, 404],
    ),
];

#[tokio::test]
async fn every_demo_account_sees_its_scope_and_nothing_else_looks_any_different_from_missing() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let (_, missing) = app
        .get_as(&admin, &format!("/api/v1/orgs?under={FORGED}"))
        .await;
    for (account, [unit, district, other], expected) in MATRIX {
        let token = app.login(account).await;
        let codes = [unit, district, other, FORGED];
        for (code, want) in codes.iter().zip(expected) {
            for uri in [
                format!("/api/v1/orgs?under={code}"),
                format!("/api/v1/members?org={code}&limit=1000"),
            ] {
                let (status, body) = app.get_as(&token, &uri).await;
                assert_eq!(status.as_u16(), want, "{account} {uri}: {body}");
                if want == 404 {
                    assert_eq!(body, missing, "{account} {uri}: out of scope looks missing");
                }
            }
        }
    }
}

#[tokio::test]
async fn lists_without_a_code_and_a_member_s_lists_stay_in_scope() {
    let app = spawn_app().await;
    let names = |body: &Value| -> Vec<String> {
        body.as_array()
            .unwrap()
            .iter()
            .map(|o| o["code"].as_str().unwrap().to_string())
            .collect()
    };
    let officer = app.login("officer.la01001").await;
    let (_, orgs) = app.get_as(&officer, "/api/v1/orgs").await;
    assert_eq!(names(&orgs), ["LA-01-001"]);
    let district = app.login("district.staff").await;
    let (_, orgs) = app.get_as(&district, "/api/v1/orgs").await;
    assert_eq!(orgs.as_array().unwrap().len(), 1 + 3 + 12);
    let (_, page) = app
        .get_as(&officer, "/api/v1/members?org=LA-01-001&limit=1000")
        .await;
    assert_eq!(page["members"].as_array().unwrap().len(), 64);

    let member = app.login("member.demo").await;
    let (_, me) = app.get_as(&member, "/api/v1/session").await;
    let my_id = me["member_id"].as_i64().unwrap();
    let (_, orgs) = app.get_as(&member, "/api/v1/orgs").await;
    assert_eq!(names(&orgs), ["HZ", "LA", "LA-01", "LA-01-001"]);
    let (_, orgs) = app.get_as(&member, "/api/v1/orgs?under=LA-01").await;
    assert_eq!(names(&orgs), ["LA-01", "LA-01-001"]);
    for org in ["LA-01-001", "LA", "HZ"] {
        let (status, page) = app
            .get_as(&member, &format!("/api/v1/members?org={org}"))
            .await;
        assert_eq!(status, StatusCode::OK);
        let ids: Vec<i64> = page["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, [my_id], "a member sees only themselves under {org}");
    }
    let (status, _) = app.get_as(&member, "/api/v1/orgs?under=LA-02").await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a sibling street is not in the chain"
    );
}

#[tokio::test]
async fn no_or_a_made_up_token_is_401_and_public_routes_stay_public() {
    let app = spawn_app().await;
    for uri in ["/api/v1/orgs", "/api/v1/members?org=LA", "/api/v1/session"] {
        let (status, body) = app.get(uri).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri}");
        assert_eq!(body["code"], "HZ-AUTH-0001");
        let (status, _) = app.get_as("deadbeef", uri).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri}");
    }
    assert_eq!(app.get("/health").await.0, StatusCode::OK);
    // The console's pages send a visitor without a session to sign in; the sign-in page is public.
    let home = app.get_raw("/").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.headers["location"], "/login?next=/");
    assert_eq!(app.get_raw("/login").await.status, StatusCode::OK);
}

#[tokio::test]
async fn signing_in_sets_a_strict_http_only_cookie_that_works_like_the_token() {
    let app = spawn_app().await;
    let (status, headers, body) = app
        .try_login("City.Staff", huzhu_app::demo::DEMO_PASSWORD)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["actor"]["username"], "city.staff");
    assert_eq!(body["actor"]["role"], "federation_staff");
    assert_eq!(body["actor"]["role_label"], "总工会经办人员");
    assert_eq!(body["actor"]["org"], "HZ");
    let token = body["token"].as_str().unwrap();
    assert_eq!(token.len(), 64, "32 random bytes in hex");
    let cookie = headers["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with(&format!("huzhu_session={token};")),
        "{cookie}"
    );
    for part in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(part), "{cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP unless secure_cookies is set"
    );
    let (status, me) = app
        .send(
            Request::get("/api/v1/session")
                .header("cookie", format!("theme=dark; huzhu_session={token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["username"], "city.staff");
    let stored = app.store.audit_log(10).await.unwrap();
    assert!(
        stored
            .iter()
            .any(|e| e.action == "login" && e.subject == "city.staff"),
        "{stored:?}"
    );
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_answer() {
    let app = spawn_app().await;
    let (wrong, _, wrong_body) = app.try_login("admin", "not-the-password").await;
    let (unknown, _, unknown_body) = app.try_login("nobody", "not-the-password").await;
    assert_eq!(wrong, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_body, unknown_body);
    assert_eq!(wrong_body["code"], "HZ-AUTH-0001");
    let log = app.store.audit_log(10).await.unwrap();
    let failed: Vec<_> = log.iter().filter(|e| e.action == "login.failed").collect();
    assert_eq!(failed.len(), 2, "{log:?}");
    assert!(log.iter().all(|e| !e.detail.contains("not-the-password")));
}

#[tokio::test]
async fn the_sixth_failed_sign_in_is_refused_until_the_window_passes() {
    let app = spawn_app().await;
    for i in 0..5 {
        let (status, _, _) = app.try_login("finance", "guess-guess").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {}", i + 1);
    }
    let (status, _, body) = app.try_login("finance", "guess-guess").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["code"], "HZ-AUTH-0003");
    let (status, _, _) = app
        .try_login("finance", huzhu_app::demo::DEMO_PASSWORD)
        .await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    app.clock.advance(TimeDelta::minutes(5));
    app.login("finance").await;
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = spawn_app().await;
    let token = app.login("auditor").await;
    let (status, headers, _) = app
        .send_full(
            Request::delete("/api/v1/session")
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(headers["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    let (status, _) = app.get_as(&token, "/api/v1/session").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let log = app.store.audit_log(5).await.unwrap();
    assert_eq!(log[0].action, "logout");
}

async fn alive(app: &TestApp, token: &str) -> bool {
    app.get_as(token, "/api/v1/session").await.0 == StatusCode::OK
}

#[tokio::test]
async fn a_session_ends_after_eight_idle_hours_or_seven_days_in_all() {
    let app = spawn_app().await;
    let idle = app.login("reviewer").await;
    app.clock.advance(TimeDelta::hours(8));
    assert!(!alive(&app, &idle).await, "8 hours idle");

    let busy = app.login("reviewer").await;
    // Used every 7 hours: never idle for 8, yet over after 7 days.
    for _ in 0..23 {
        app.clock.advance(TimeDelta::hours(7));
        assert!(alive(&app, &busy).await);
    }
    app.clock.advance(TimeDelta::hours(7));
    assert!(!alive(&app, &busy).await, "7 days after sign-in");
}
