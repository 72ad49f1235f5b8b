//! Issue 14 over HTTP: a roster import cannot take over another unit's member, and a new bank
//! account waits for a second account while the bank file keeps paying the old one.

use crate::console_pages::{finished_status, location, upload};
use crate::helpers::TestApp;
use crate::money::{act, claim_with_documents, enrol_and_pay, in_service_woman, set_day};
use axum::http::StatusCode;
use huzhu_domain::org::OrgCode;
use huzhu_store::{Page, Store, StoredMember};
use serde_json::json;

const NEW_ACCOUNT: &str = "6217999988887777666";

const GENERIC_REFUSAL: &str = "该身份证号无法登记到本单位，请核对或联系上级工会";

async fn first_member_of(app: &TestApp, unit: &str) -> StoredMember {
    let unit = OrgCode::parse(unit).unwrap();
    let page = Page {
        after: None,
        limit: 1,
    };
    app.store
        .members_under(&unit, page)
        .await
        .unwrap()
        .remove(0)
}

/// A one-line roster naming `m` with `unit` and `account`.
fn roster(m: &StoredMember, unit: &str, account: &str) -> String {
    format!(
        "姓名,身份证号,工会代码,在职状态,银行账号\n{},{},{unit},{},{account}\n",
        m.record.name.as_str(),
        m.record.id_number.as_str(),
        m.record.status.label_zh()
    )
}

async fn import(app: &TestApp, token: &str, csv: &str) -> String {
    let raw = upload(app, token, "roster.csv", csv.as_bytes()).await;
    assert_eq!(raw.status, StatusCode::SEE_OTHER);
    finished_status(app, token, &location(&raw)).await
}

#[tokio::test]
async fn an_officer_importing_another_districts_member_with_a_new_account_is_refused_and_nothing_changes(
) {
    let app = crate::helpers::spawn_app().await;
    let theirs = first_member_of(&app, "SC-01-001").await;
    let officer = app.login("officer.la01001").await;
    let html = import(&app, &officer, &roster(&theirs, "LA-01-001", NEW_ACCOUNT)).await;
    assert!(html.contains("data-testid=\"count-rejected\">1<"), "{html}");
    assert!(html.contains("data-testid=\"count-updated\">0<"), "{html}");
    assert!(html.contains(GENERIC_REFUSAL), "{html}");
    assert!(
        !html.contains("SC-01-001"),
        "the refusal does not say where: {html}"
    );

    let after = app
        .store
        .member_by_id_number(theirs.record.id_number.as_str())
        .await
        .unwrap();
    assert_eq!(after.record.org.as_str(), "SC-01-001");
    assert_eq!(after.record.bank_account, theirs.record.bank_account);
    assert_eq!(after.version, theirs.version);
    assert!(app.store.member_history(after.id).await.unwrap().is_empty());
    let sc = app.login("officer.sc01001").await;
    let (status, page) = app
        .get_as(&sc, "/api/v1/members?org=SC-01-001&limit=1")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["members"][0]["id"], after.id.0, "{page}");
    let (_, pending) = app.get_as(&sc, "/api/v1/bank-changes").await;
    assert_eq!(pending, json!([]));
}

#[tokio::test]
async fn a_bank_account_change_waits_for_another_account_and_the_bank_file_pays_the_old_one() {
    let app = crate::helpers::spawn_app().await;
    enrol_and_pay(&app).await;
    set_day(&app, 2022, 6, 1);
    let officer = app.login("officer.la01001").await;
    let member = in_service_woman(&app, &officer).await;
    let stored = app
        .store
        .member_by_id_number(
            app.store
                .members_under(
                    &OrgCode::parse("LA-01-001").unwrap(),
                    Page {
                        after: Some(huzhu_store::MemberId(member - 1)),
                        limit: 1,
                    },
                )
                .await
                .unwrap()[0]
                .record
                .id_number
                .as_str(),
        )
        .await
        .unwrap();
    assert_eq!(stored.id.0, member);
    let old_account = stored.record.bank_account.clone().unwrap();

    // The unit's own officer names a new account: held, not applied.
    let html = import(&app, &officer, &roster(&stored, "LA-01-001", NEW_ACCOUNT)).await;
    assert!(html.contains("data-testid=\"count-held\">"), "{html}");
    assert!(html.contains("data-testid=\"count-rejected\">0<"), "{html}");
    let (status, pending) = app.get_as(&officer, "/api/v1/bank-changes").await;
    assert_eq!(status, StatusCode::OK, "{pending}");
    let change = pending[0]["id"].as_i64().unwrap();
    assert_eq!(pending[0]["member_id"], member);
    assert_eq!(pending[0]["new_account"], "6217***********7666");
    assert_eq!(pending[0]["status"], "pending");
    let (status, body) = app
        .json_as(
            &officer,
            "POST",
            &format!("/api/v1/bank-changes/{change}/confirm"),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "not by its proposer: {body}");
    let other = app.login("officer.sc01001").await;
    let (status, _) = app
        .json_as(
            &other,
            "POST",
            &format!("/api/v1/bank-changes/{change}/confirm"),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not from another district");

    // A claim approved and paid meanwhile goes to the old account.
    let (claim, _) = claim_with_documents(&app, &officer, member).await;
    let city = app.login("city.staff").await;
    for action in ["accept", "review", "approve"] {
        let (status, body) = act(&app, &city, claim, json!({"action": action})).await;
        assert_eq!(status, StatusCode::OK, "{action}: {body}");
    }
    let finance = app.login("finance").await;
    let (status, batch) = app
        .json_as(
            &finance,
            "POST",
            "/api/v1/payout-batches",
            &json!({"org": "HZ"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{batch}");
    let batch_id = batch["batch"]["id"].as_i64().unwrap();
    let raw = app
        .get_bytes_as(
            &finance,
            &format!("/api/v1/payout-batches/{batch_id}/bank-file?format=csv"),
        )
        .await;
    assert_eq!(raw.status, StatusCode::OK);
    let csv = String::from_utf8_lossy(&raw.body).to_string();
    assert!(csv.contains(old_account.as_str()), "{csv}");
    assert!(!csv.contains(NEW_ACCOUNT), "{csv}");

    // The district's staff confirms: the member's account is the new one from now on.
    let district = app.login("district.staff").await;
    let (status, done) = app
        .json_as(
            &district,
            "POST",
            &format!("/api/v1/bank-changes/{change}/confirm"),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["status"], "confirmed");
    assert_eq!(done["decided_by"], "district.staff");
    let now = app
        .store
        .member_by_id_number(stored.record.id_number.as_str())
        .await
        .unwrap();
    assert_eq!(now.record.bank_account.unwrap().as_str(), NEW_ACCOUNT);
    let log = app.store.audit_log(50).await.unwrap();
    let confirmed = log
        .iter()
        .find(|e| e.action == "member.bank_change.confirmed")
        .unwrap();
    assert_eq!(confirmed.actor, "district.staff");
    assert!(
        !confirmed.detail.contains(NEW_ACCOUNT),
        "{}",
        confirmed.detail
    );
    assert!(
        !confirmed.detail.contains(old_account.as_str()),
        "{}",
        confirmed.detail
    );
}

#[tokio::test]
async fn the_console_lists_a_held_bank_account_change_and_another_account_confirms_it() {
    use crate::console_pages::{get_page, post_form};
    let app = crate::helpers::spawn_app().await;
    let mine = first_member_of(&app, "LA-01-001").await;
    let officer = app.login("officer.la01001").await;
    let html = import(&app, &officer, &roster(&mine, "LA-01-001", NEW_ACCOUNT)).await;
    assert!(html.contains("href=\"/bank-changes\">1<"), "{html}");

    let (status, own) = get_page(&app, &officer, "/bank-changes").await;
    assert_eq!(status, StatusCode::OK);
    assert!(own.contains("6217***********7666"), "{own}");
    assert!(!own.contains(NEW_ACCOUNT), "masked: {own}");
    assert!(
        !own.contains("/confirm\""),
        "no buttons for the proposer: {own}"
    );

    let district = app.login("district.staff").await;
    let (_, theirs) = get_page(&app, &district, "/bank-changes").await;
    let at = theirs.find("action=\"/bank-changes/").unwrap() + "action=\"".len();
    let confirm = &theirs[at..at + theirs[at..].find('"').unwrap()];
    assert!(confirm.ends_with("/confirm"), "{confirm}");
    let raw = post_form(&app, &district, confirm, &[]).await;
    assert_eq!(raw.status, StatusCode::SEE_OTHER);
    let now = app
        .store
        .member_by_id_number(mine.record.id_number.as_str())
        .await
        .unwrap();
    assert_eq!(now.record.bank_account.unwrap().as_str(), NEW_ACCOUNT);
    let (_, after) = get_page(&app, &district, "/bank-changes").await;
    assert!(after.contains("data-testid=\"no-bank-changes\""), "{after}");
}

#[tokio::test]
async fn a_bank_account_change_is_refused_with_a_reason_through_the_same_shape_as_a_transfer() {
    use crate::console_pages::{get_page, post_form};
    let app = crate::helpers::spawn_app().await;
    let mine = first_member_of(&app, "LA-01-001").await;
    let officer = app.login("officer.la01001").await;
    import(&app, &officer, &roster(&mine, "LA-01-001", NEW_ACCOUNT)).await;
    let district = app.login("district.staff").await;
    let (_, pending) = app.get_as(&district, "/api/v1/bank-changes").await;
    let change = pending[0]["id"].as_i64().unwrap();
    let refuse = format!("/api/v1/bank-changes/{change}/refuse");

    // The console offers the one confirm/refuse form, the reason required.
    let (_, page) = get_page(&app, &district, "/bank-changes").await;
    assert!(
        page.contains(&format!("action=\"/bank-changes/{change}/refuse\"")),
        "{page}"
    );
    assert!(page.contains(&format!("id=\"refuse-{change}\"")), "{page}");
    let raw = post_form(
        &app,
        &district,
        &format!("/bank-changes/{change}/refuse"),
        &[("reason", " ".to_string())],
    )
    .await;
    assert_eq!(raw.status, StatusCode::BAD_REQUEST);

    let (status, body) = app.json_as(&district, "POST", &refuse, &json!({})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "no reason: {body}");
    let (status, body) = app
        .json_as(&district, "POST", &refuse, &json!({"reason": "  "}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a blank reason: {body}");
    assert_eq!(body["field"], "reason", "{body}");
    let (status, body) = app
        .json_as(&officer, "POST", &refuse, &json!({"reason": "填错了"}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "not by its proposer: {body}");

    let (status, done) = app
        .json_as(
            &district,
            "POST",
            &refuse,
            &json!({"reason": " 账号与本人不符 "}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(
        (
            &done["status"],
            &done["decided_by"],
            &done["decision_reason"]
        ),
        (
            &json!("rejected"),
            &json!("district.staff"),
            &json!("账号与本人不符")
        )
    );
    let now = app
        .store
        .member_by_id_number(mine.record.id_number.as_str())
        .await
        .unwrap();
    assert_eq!(now.record.bank_account, mine.record.bank_account);
    let log = app.store.audit_log(50).await.unwrap();
    let rejected = log
        .iter()
        .find(|e| e.action == "member.bank_change.rejected")
        .unwrap();
    assert!(
        rejected.detail.contains("账号与本人不符"),
        "{}",
        rejected.detail
    );
}
