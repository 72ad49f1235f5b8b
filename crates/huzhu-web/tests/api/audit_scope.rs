//! The audit log is read within the actor's subtree (SPEC 1–2): the demo city HZ's staff reveals
//! a member's ID number and HZ's accounts sign in; a second city federation WZ's auditor reads
//! the log and finds none of it (nor its actions in the filter), and asking for HZ's orgs answers
//! 404. HZ's auditor sees the reveal, under the member's unit, and nothing of WZ's.

use crate::console_helpers::Browser;
use crate::helpers::TestApp;
use crate::ledger_scope::second_city;
use axum::http::StatusCode;
use huzhu_domain::org::OrgCode;
use huzhu_store::{Page, Store, StoredMember};
use serde_json::Value;

async fn first_member_of(app: &TestApp, unit: &str) -> StoredMember {
    app.store
        .members_under(
            &OrgCode::parse(unit).unwrap(),
            Page {
                after: None,
                limit: 1,
            },
        )
        .await
        .unwrap()
        .remove(0)
}

fn entries(log: &Value) -> &Vec<Value> {
    log.as_array().unwrap()
}

/// Every entry's org, `None` for an entry of no org.
fn orgs(log: &Value) -> Vec<Option<String>> {
    entries(log)
        .iter()
        .map(|e| e["org"].as_str().map(String::from))
        .collect()
}

#[tokio::test]
async fn an_auditor_of_one_city_sees_none_of_another_citys_audit_log() {
    let app = crate::helpers::spawn_app().await;
    second_city(&app).await;
    let member = first_member_of(&app, "LA-01-001").await;
    let mut staff = Browser::signed_in(&app, "city.staff").await;
    let shown = staff
        .post_form(
            &format!("/members/{}/reveal", member.id.0),
            &[("reason", "核对理赔材料")],
        )
        .await;
    assert_eq!(shown.status, StatusCode::OK);
    let masked = member.record.id_number.masked();
    app.login("finance").await;
    let wz_auditor = app.login("wz.auditor").await;
    app.login("wz.officer").await;

    // WZ's auditor: WZ's own accounts and sign-ins, not a line of HZ's.
    let (status, log) = app.get_as(&wz_auditor, "/api/v1/audit?limit=500").await;
    assert_eq!(status, StatusCode::OK, "{log}");
    assert!(!entries(&log).is_empty());
    assert!(
        orgs(&log)
            .iter()
            .all(|o| o.as_deref().is_none_or(|o| o.starts_with("WZ"))),
        "{log}"
    );
    assert!(
        entries(&log)
            .iter()
            .all(|e| e["action"] != "member.reveal_id_number"
                && e["actor"] != "city.staff"
                && e["actor"] != "finance"),
        "{log}"
    );
    assert!(orgs(&log).contains(&Some("WZ-LC-01-001".into())), "{log}");
    for uri in ["/api/v1/audit?org=HZ", "/api/v1/audit?org=LA-01-001"] {
        let (status, body) = app.get_as(&wz_auditor, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}: {body}");
    }
    // The console page and its filter, likewise.
    let mut browser = Browser::signed_in(&app, "wz.auditor").await;
    let page = browser.get("/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text.contains(&masked));
    assert!(!page.text.contains("member.reveal_id_number"));
    assert!(page.text.contains("wz.officer"));

    // HZ's auditor: the reveal, under the member's unit; nothing of WZ's.
    let hz_auditor = app.login("auditor").await;
    let (status, log) = app.get_as(&hz_auditor, "/api/v1/audit?limit=500").await;
    assert_eq!(status, StatusCode::OK, "{log}");
    assert!(
        orgs(&log)
            .iter()
            .all(|o| o.as_deref().is_none_or(|o| !o.starts_with("WZ"))),
        "{log}"
    );
    let reveal = entries(&log)
        .iter()
        .find(|e| e["action"] == "member.reveal_id_number")
        .unwrap();
    assert_eq!(reveal["actor"], "city.staff");
    assert_eq!(reveal["org"], "LA-01-001");
    let (status, body) = app.get_as(&hz_auditor, "/api/v1/audit?org=WZ").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    // A district: its own entries only, and none of no org (it has a parent).
    let (status, la) = app.get_as(&hz_auditor, "/api/v1/audit?org=LA").await;
    assert_eq!(status, StatusCode::OK, "{la}");
    assert!(
        orgs(&la)
            .iter()
            .all(|o| o.as_deref().is_some_and(|o| o.starts_with("LA"))),
        "{la}"
    );
    assert!(entries(&la)
        .iter()
        .any(|e| e["action"] == "member.reveal_id_number"));
    let (_, sc) = app.get_as(&hz_auditor, "/api/v1/audit?org=SC").await;
    assert!(entries(&sc)
        .iter()
        .all(|e| e["action"] != "member.reveal_id_number"));
}

#[tokio::test]
async fn a_failed_sign_in_under_an_unknown_name_shows_in_no_citys_audit_log() {
    let app = crate::helpers::spawn_app().await;
    second_city(&app).await;
    let (status, _, _) = app.try_login("no.such.person", "guess-guess").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = app.try_login("wz.finance", "guess-guess").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let unknown = |log: &Value| {
        entries(log)
            .iter()
            .any(|e| e["subject"] == "no.such.person")
    };
    let known = |log: &Value| {
        entries(log)
            .iter()
            .any(|e| e["action"] == "login.failed" && e["subject"] == "wz.finance")
    };
    for (auditor, sees_wz_failure) in [("auditor", false), ("wz.auditor", true), ("admin", false)] {
        let token = app.login(auditor).await;
        let (status, log) = app.get_as(&token, "/api/v1/audit?limit=500").await;
        assert_eq!(status, StatusCode::OK, "{log}");
        assert!(!unknown(&log), "{auditor}: {log}");
        assert_eq!(known(&log), sees_wz_failure, "{auditor}: {log}");
    }
    let mut browser = Browser::signed_in(&app, "auditor").await;
    let page = browser.get("/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text.contains("no.such.person"));
    // Still recorded, for the operator of the database.
    let all = app.store.audit_log(1000).await.unwrap();
    assert!(all
        .iter()
        .any(|e| e.subject == "no.such.person" && e.org.is_none()));
}
