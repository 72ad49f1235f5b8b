//! 账号管理 in the console (issue 13: only the CLI could): the administrator lists the accounts
//! of the city, creates an officer's account for a unit (its password shown once), changes its
//! role and org, switches it off and on and resets its password — with the session's CSRF token,
//! each change in the audit log. Other roles see no such page.

use crate::console_helpers::{Browser, Page};
use crate::helpers::spawn_app;
use axum::http::StatusCode;
use huzhu_store::AccountStore;

fn new_password(page: &Page) -> String {
    let needle = "data-testid=\"new-password\">";
    let at = page.text.find(needle).expect("the password is shown") + needle.len();
    page.text[at..].split('<').next().unwrap().to_string()
}

#[tokio::test]
async fn an_administrator_creates_changes_switches_off_and_resets_an_account_in_the_console() {
    let app = spawn_app().await;
    let mut admin = Browser::signed_in(&app, "admin").await;
    let list = admin.get("/accounts").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    assert!(
        list.text.contains("href=\"/accounts\""),
        "in the navigation"
    );
    assert!(list.text.contains("data-username=\"officer.sc01001\""));
    assert!(list.text.contains("基层工会干事"), "roles in words");

    // Without the token: refused, nothing made.
    let refused = admin
        .post_raw_form(
            "/accounts",
            &[("username", "x.y.z"), ("role", "auditor"), ("org", "HZ")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // A short password: the form again, naming it, the username kept.
    let short = admin
        .post_form(
            "/accounts",
            &[
                ("username", "officer.la01002"),
                ("display_name", "李干事"),
                ("role", "unit_officer"),
                ("org", "LA-01-002"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST, "{}", short.text);
    assert!(short
        .text
        .contains("data-testid=\"form-error\">密码至少8位"));
    assert!(short.text.contains("value=\"officer.la01002\""));
    assert!(app
        .store
        .user_by_username("officer.la01002")
        .await
        .unwrap()
        .is_none());

    let made = admin
        .post_form(
            "/accounts",
            &[
                ("username", "officer.la01002"),
                ("display_name", "李干事"),
                ("role", "unit_officer"),
                ("org", "LA-01-002"),
                ("password", ""),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.text);
    assert!(made.text.contains("data-testid=\"account-created\""));
    let password = new_password(&made);
    assert!(password.len() >= 8);
    let user = app
        .store
        .user_by_username("officer.la01002")
        .await
        .unwrap()
        .unwrap();
    let mut officer = Browser::new(&app);
    let signed = officer.sign_in("officer.la01002", &password).await;
    assert_eq!(
        signed.status,
        StatusCode::SEE_OTHER,
        "the temporary password signs in"
    );
    let home = officer.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    // The password is shown once: the account's page does not have it.
    let show = admin.get(&format!("/accounts/{}", user.id.0)).await;
    assert_eq!(show.status, StatusCode::OK);
    assert!(!show.text.contains(&password));
    assert!(show.text.contains("data-testid=\"org\">"));

    // Role and org changed: the officer's session ends.
    let changed = admin
        .post_form(
            &format!("/accounts/{}/change", user.id.0),
            &[("role", "federation_staff"), ("org", "LA")],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.text);
    assert_eq!(
        changed.location(),
        format!("/accounts/{}?done=changed", user.id.0)
    );
    let after = admin.get(changed.location()).await;
    assert!(after.text.contains("data-testid=\"done\""));
    assert!(after.text.contains("data-testid=\"role\">总工会经办人员"));
    assert_eq!(
        officer.get("/").await.status,
        StatusCode::SEE_OTHER,
        "to the sign-in page"
    );

    // Off, then on again.
    let off = admin
        .post_form(
            &format!("/accounts/{}/active", user.id.0),
            &[("active", "false")],
        )
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER);
    let mut again = Browser::new(&app);
    assert_ne!(
        again.sign_in("officer.la01002", &password).await.status,
        StatusCode::SEE_OTHER,
        "a switched-off account cannot sign in"
    );
    let on = admin
        .post_form(
            &format!("/accounts/{}/active", user.id.0),
            &[("active", "true")],
        )
        .await;
    assert_eq!(on.status, StatusCode::SEE_OTHER);

    // A new password, chosen by the administrator.
    let reset = admin
        .post_form(
            &format!("/accounts/{}/password", user.id.0),
            &[("password", "chosen-password-1")],
        )
        .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.text);
    assert_eq!(new_password(&reset), "chosen-password-1");
    let mut last = Browser::new(&app);
    assert_eq!(
        last.sign_in("officer.la01002", "chosen-password-1")
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // The administrator's own account offers no changes, and refuses them.
    let me = app.store.user_by_username("admin").await.unwrap().unwrap();
    let own = admin.get(&format!("/accounts/{}", me.id.0)).await;
    assert!(own.text.contains("data-testid=\"own-account\""));
    let refused = admin
        .post_form(
            &format!("/accounts/{}/active", me.id.0),
            &[("active", "false")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);

    // Each change is in the audit log, in words, under the account's org.
    let mut auditor = Browser::signed_in(&app, "auditor").await;
    for action in [
        "user.create",
        "user.change",
        "user.disable",
        "user.enable",
        "user.password_reset",
    ] {
        let log = auditor.get(&format!("/audit?action={action}")).await;
        assert_eq!(
            log.text
                .matches("<td class=\"mono\">officer.la01002</td>")
                .count(),
            1,
            "{action}: {}",
            log.text
        );
    }

    // Other roles: no page, no form.
    let mut staff = Browser::signed_in(&app, "city.staff").await;
    let page = staff.get("/").await;
    assert!(!page.text.contains("href=\"/accounts\""));
    assert_eq!(staff.get("/accounts").await.status, StatusCode::FORBIDDEN);
    let post = staff
        .post_form(
            "/accounts",
            &[
                ("username", "sneaky"),
                ("role", "administrator"),
                ("org", "HZ"),
            ],
        )
        .await;
    assert_eq!(post.status, StatusCode::FORBIDDEN);
    assert!(app
        .store
        .user_by_username("sneaky")
        .await
        .unwrap()
        .is_none());
}
