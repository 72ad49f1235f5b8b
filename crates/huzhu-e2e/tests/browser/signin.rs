//! Signing in through the form as every demo role, what each role's navigation offers, signing
//! out, and a wrong password.

use crate::start;
use huzhu_app::demo::DEMO_ACCOUNTS;
use huzhu_e2e::Viewport;

/// Per account: navigation entries it must have, and entries it must not.
const NAV: [(&str, &[&str], &[&str]); 10] = [
    (
        "admin",
        &["会员", "名册导入", "账簿", "审计日志"],
        &["工作台", "支付批次", "参保缴费"],
    ),
    (
        "city.staff",
        &[
            "组织",
            "会员",
            "名册导入",
            "参保缴费",
            "理赔",
            "工作台",
            "统计",
        ],
        &["支付批次", "账簿", "审计日志"],
    ),
    (
        "district.staff",
        &["会员", "参保缴费", "工作台"],
        &["支付批次", "账簿", "审计日志"],
    ),
    (
        "reviewer",
        &["会员", "理赔", "工作台"],
        &["名册导入", "支付批次", "参保缴费", "审计日志"],
    ),
    (
        "finance",
        &["会员", "支付批次", "账簿"],
        &["工作台", "名册导入", "审计日志"],
    ),
    (
        "cashier",
        &["会员", "支付批次", "账簿"],
        &["工作台", "名册导入", "审计日志"],
    ),
    (
        "auditor",
        &["会员", "账簿", "审计日志"],
        &["工作台", "支付批次", "名册导入"],
    ),
    (
        "officer.la01001",
        &["会员", "名册导入", "参保缴费", "理赔"],
        &["工作台", "支付批次", "账簿", "审计日志"],
    ),
    (
        "officer.sc01001",
        &["会员", "名册导入", "参保缴费"],
        &["工作台", "支付批次", "账簿"],
    ),
    (
        "member.demo",
        &["我的理赔", "申请理赔"],
        &["会员", "组织", "工作台", "支付批次", "名册导入"],
    ),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_demo_role_signs_in_sees_its_navigation_and_signs_out() {
    let Some((_server, b)) = start("signin_each_role", Viewport::DESKTOP).await else {
        return;
    };
    assert_eq!(
        NAV.len(),
        DEMO_ACCOUNTS.len(),
        "a demo account has no row here"
    );
    for (username, role, org, _) in DEMO_ACCOUNTS {
        let (_, must, must_not) = NAV
            .iter()
            .find(|(u, _, _)| *u == username)
            .unwrap_or_else(|| panic!("{username} has no row in NAV"));
        b.sign_in(username).await.unwrap();
        assert_eq!(
            b.path().await.unwrap(),
            "/",
            "{username} lands on the home page"
        );
        let who = b.text("[data-testid=whoami]").await.unwrap();
        // The header names the account's org, not its code (issue 13).
        assert!(
            who.contains(role.label_zh()) && who.contains("工会") && !who.contains(org),
            "{username}: the header says {who:?}"
        );
        let nav = b.texts("nav.main a").await.unwrap();
        for item in must.iter() {
            assert!(
                nav.iter().any(|n| n == item),
                "{username} should be offered {item}: {nav:?}"
            );
        }
        for item in must_not.iter() {
            assert!(
                !nav.iter().any(|n| n == item),
                "{username} must not be offered {item}: {nav:?}"
            );
        }
        b.sign_out().await.unwrap();
        assert!(b.path().await.unwrap().starts_with("/login"));
        assert!(!b.exists("[data-testid=whoami]").await.unwrap());
        // The session is gone: a console page sends the browser back to the form.
        b.goto("/members").await.unwrap();
        assert_eq!(
            b.path().await.unwrap(),
            "/login?next=/members",
            "{username}: still signed in after signing out"
        );
    }
    b.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_shows_the_error_and_signs_nobody_in() {
    let Some((_server, b)) = start("signin_wrong_password", Viewport::PHONE).await else {
        return;
    };
    b.submit_sign_in("city.staff", "not-the-password")
        .await
        .unwrap();
    let alert = b.wait_for(".alert.error[role=alert]").await.unwrap();
    assert_eq!(alert.text().await.unwrap(), "用户名或密码错误。");
    assert!(!b.exists("[data-testid=whoami]").await.unwrap());
    assert!(!b.exists("nav.main").await.unwrap());
    // The username stays in the form, the password does not.
    let user = b.find("#username").await.unwrap();
    assert_eq!(
        user.prop("value").await.unwrap().as_deref(),
        Some("city.staff")
    );
    let pass = b.find("#password").await.unwrap();
    assert_eq!(pass.prop("value").await.unwrap().as_deref(), Some(""));
    b.goto("/").await.unwrap();
    assert!(b.path().await.unwrap().starts_with("/login"));
    b.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_goes_back_to_the_page_asked_for() {
    let Some((_server, b)) = start("signin_next", Viewport::DESKTOP).await else {
        return;
    };
    b.goto("/orgs").await.unwrap();
    assert_eq!(b.path().await.unwrap(), "/login?next=/orgs");
    b.type_into("#username", "district.staff").await.unwrap();
    b.type_into("#password", huzhu_e2e::PASSWORD).await.unwrap();
    b.click("form[action='/login'] button[type=submit]")
        .await
        .unwrap();
    b.wait_for("[data-testid=whoami]").await.unwrap();
    assert_eq!(b.path().await.unwrap(), "/orgs");
    b.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_session_cookie_does_not_stand_in_the_way_of_signing_in() {
    let Some((_server, b)) = start("signin_dead_cookie", Viewport::DESKTOP).await else {
        return;
    };
    // A session cookie the server no longer knows (signed out elsewhere, expired, a new database).
    b.cdp(
        "Network.setCookie",
        serde_json::json!({
            "name": "huzhu_session",
            "value": "0".repeat(64),
            "url": b.url("/"),
            "httpOnly": true,
            "sameSite": "Strict",
        }),
    )
    .await
    .unwrap();
    b.goto("/orgs").await.unwrap();
    assert!(b.path().await.unwrap().starts_with("/login"));
    b.sign_in("city.staff").await.unwrap();
    b.goto("/orgs").await.unwrap();
    assert_eq!(b.path().await.unwrap(), "/orgs");
    b.close().await.unwrap();
}

/// 账号管理 in a real browser: the administrator creates an officer's account through the form,
/// reads its temporary password off the page, and the new account signs in with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_creates_an_account_that_then_signs_in() {
    let Some((_server, b)) = start("accounts_create", Viewport::DESKTOP).await else {
        return;
    };
    b.sign_in("admin").await.unwrap();
    b.click("nav.main a[href='/accounts']").await.unwrap();
    b.wait_for("[data-testid=account-form]").await.unwrap();
    b.type_into("#username", "officer.la01002").await.unwrap();
    b.type_into("#display_name", "李干事").await.unwrap();
    b.js(
        "document.querySelector('#role').value = 'unit_officer';\
         document.querySelector('#org').value = 'LA-01-002';",
        vec![],
    )
    .await
    .unwrap();
    b.click("[data-testid=account-form] button[type=submit]")
        .await
        .unwrap();
    let password = b
        .wait_for("[data-testid=new-password]")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(password.len() >= 8, "{password}");
    let row = b.text("tr[data-username='officer.la01002']").await.unwrap();
    assert!(
        row.contains("基层工会干事") && !row.contains("LA-01-002"),
        "{row}"
    );
    b.sign_out().await.unwrap();
    b.submit_sign_in("officer.la01002", &password)
        .await
        .unwrap();
    b.wait_for("[data-testid=whoami]").await.unwrap();
    assert_eq!(b.path().await.unwrap(), "/");
    b.close().await.unwrap();
}
