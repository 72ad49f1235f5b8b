//! Issue 15 on the console: a relief from the apply form to the district's approval, the
//! member's own page and notice, the funds page with a deposit, 404 for another district's
//! officer, and an approval refused (409) in words while a required document is missing.

use crate::console_helpers::Browser;
use crate::helpers::TestApp;
use axum::http::StatusCode;
use chrono::{TimeZone, Utc};
use huzhu_domain::org::OrgCode;
use huzhu_store::{Page, Store};

fn on(app: &TestApp, y: i32, m: u32, d: u32) {
    app.clock
        .set(Utc.with_ymd_and_hms(y, m, d, 2, 0, 0).unwrap());
}

/// The ID number of the demo member's account (the first member of LA-01-001).
pub async fn demo_member_id_number(app: &TestApp) -> String {
    app.store
        .members_under(
            &OrgCode::parse("LA-01-001").unwrap(),
            Page {
                after: None,
                limit: 1,
            },
        )
        .await
        .unwrap()
        .remove(0)
        .record
        .id_number
        .as_str()
        .to_string()
}

/// The id of the demo member's account (the first member of LA-01-001).
pub async fn demo_member_id(app: &TestApp) -> i64 {
    let id_number = demo_member_id_number(app).await;
    app.store
        .member_by_id_number(&id_number)
        .await
        .unwrap()
        .id
        .0
}

/// Applies through the console for the demo member: a one-off relief of `yuan`, with or without
/// its application form; answers the grant's page path.
pub async fn applied(app: &TestApp, officer: &mut Browser<'_>, yuan: &str, form: bool) -> String {
    let id_number = demo_member_id_number(app).await;
    let mut fields = vec![
        ("programme", "one-off-relief"),
        ("member_id_number", id_number.as_str()),
        ("requested", yuan),
    ];
    if form {
        fields.push(("doc_application_form", "on"));
    }
    let done = officer.post_form("/grants", &fields).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    let at = done.location().to_string();
    assert!(at.starts_with("/grants/"), "{at}");
    at
}

#[tokio::test]
async fn a_relief_goes_from_the_console_form_to_the_districts_approval_and_the_member_sees_it() {
    let app = crate::helpers::spawn_app().await;
    on(&app, 2026, 3, 2);
    let mut finance = Browser::signed_in(&app, "finance").await;
    let d = finance
        .post_form(
            "/funds/hardship/deposits",
            &[("amount", "10,000"), ("reference", "2026年帮扶资金")],
        )
        .await;
    assert_eq!(d.status, StatusCode::SEE_OTHER, "{}", d.text);
    let funds = finance.get("/funds").await;
    assert!(funds.text.contains("10,000.00"), "{}", funds.text);
    assert!(
        funds.text.contains("2026年帮扶资金"),
        "the deposit is listed"
    );

    let mut officer = Browser::signed_in(&app, "officer.la01001").await;
    let nav = officer.get("/").await;
    assert!(nav.text.contains("href=\"/grants\""), "navigation link");
    let form = officer.get("/grants/new?programme=golden-autumn").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains("录取通知书或在读证明"), "the documents");
    assert!(
        form.text.contains("p0_school_level"),
        "the household's people"
    );
    let form = officer.get("/grants/new?programme=one-off-relief").await;
    assert!(form.text.contains("申请金额"), "{}", form.text);
    let at = applied(&app, &mut officer, "3,000", true).await;
    let page = officer.get(&at).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("临时救助"), "the programme's name");
    assert!(page.text.contains("3,000.00"), "{}", page.text);
    assert!(page.text.contains("区县级或以上"), "the approval level");
    assert!(
        !page.text.contains("grant-check"),
        "the applicant does not check"
    );

    // Another district's officer: as if it did not exist.
    let mut other = Browser::signed_in(&app, "officer.sc01001").await;
    assert_eq!(other.get(&at).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        other.get(&format!("{at}/notice")).await.status,
        StatusCode::NOT_FOUND
    );
    let listed = other.get("/grants").await;
    assert!(!listed.text.contains(&format!("href=\"{at}\"")));

    let mut district = Browser::signed_in(&app, "district.staff").await;
    let page = district.get(&at).await;
    assert!(page.text.contains("grant-check"), "{}", page.text);
    let r = district.post_form(&format!("{at}/check"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = district.get(&at).await;
    assert!(page.text.contains("街道已审核"), "{}", page.text);
    assert!(
        page.text.contains(&format!("{at}/confirm")),
        "approve button"
    );
    let r = district.post_form(&format!("{at}/confirm"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = district.get(&at).await;
    assert!(page.text.contains("已批准"), "{}", page.text);
    let listed = district.get("/grants?state=approved&org=LA-01-001").await;
    assert!(
        listed.text.contains(&format!("href=\"{at}\"")),
        "{}",
        listed.text
    );
    let funds = finance.get("/funds").await;
    assert!(funds.text.contains("7,000.00"), "{}", funds.text);

    let mut member = Browser::signed_in(&app, "member.demo").await;
    let home = member.get("/").await;
    assert!(
        home.text.contains("href=\"/my-grants\""),
        "reachable from home"
    );
    let mine = member.get("/my-grants").await;
    assert!(mine.text.contains("临时救助"), "{}", mine.text);
    assert!(mine.text.contains(&format!("{at}/notice")), "{}", mine.text);
    let notice = member.get(&format!("{at}/notice")).await;
    assert_eq!(notice.status, StatusCode::OK);
    assert!(notice.text.contains("救助决定书"), "{}", notice.text);
    assert!(notice.text.contains("3,000.00"), "{}", notice.text);
    assert_eq!(member.get(&at).await.status, StatusCode::OK, "own grant");
    assert_eq!(member.get("/grants").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_approval_without_the_required_document_is_refused_in_words() {
    let app = crate::helpers::spawn_app().await;
    on(&app, 2026, 3, 2);
    let mut finance = Browser::signed_in(&app, "finance").await;
    finance
        .post_form(
            "/funds/hardship/deposits",
            &[("amount", "10000"), ("reference", "拨款")],
        )
        .await;
    let mut officer = Browser::signed_in(&app, "officer.la01001").await;
    let at = applied(&app, &mut officer, "1000", false).await;
    let page = officer.get(&at).await;
    assert!(page.text.contains("grant-missing"), "{}", page.text);
    assert!(page.text.contains("临时救助申请表"), "{}", page.text);
    let mut district = Browser::signed_in(&app, "district.staff").await;
    district.post_form(&format!("{at}/check"), &[]).await;
    let r = district.post_form(&format!("{at}/confirm"), &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(r.text.contains("缺少材料"), "{}", r.text);
    assert!(r.text.contains("临时救助申请表"), "{}", r.text);
    // Refused with a reason from the same form instead.
    let r = district
        .post_form(&format!("{at}/refuse"), &[("reason", "缺少申请表")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = district.get(&at).await;
    assert!(page.text.contains("不予救助"), "{}", page.text);
    assert!(page.text.contains("缺少申请表"), "{}", page.text);
}

/// Issue 15's last gap on the console: the grant's page lists the missing document by name in
/// its hand-in form; a file that is not a JPEG, PNG or PDF is refused naming the file, and once
/// the form is handed in the page says so and the district approves.
#[tokio::test]
async fn a_missing_document_is_handed_in_on_the_grants_page_and_the_relief_approved() {
    let app = crate::helpers::spawn_app().await;
    on(&app, 2026, 3, 2);
    let mut finance = Browser::signed_in(&app, "finance").await;
    finance
        .post_form(
            "/funds/hardship/deposits",
            &[("amount", "10000"), ("reference", "拨款")],
        )
        .await;
    let mut officer = Browser::signed_in(&app, "officer.la01001").await;
    let at = applied(&app, &mut officer, "1000", false).await;
    let page = officer.get(&at).await;
    assert!(page.text.contains("grant-document-form"), "{}", page.text);
    assert!(
        page.text
            .contains("<option value=\"application_form\">临时救助申请表（含书面理由） *</option>"),
        "{}",
        page.text
    );
    let upload = format!("{at}/documents");
    let r = officer
        .post_multipart(
            &upload,
            &[("kind", "application_form")],
            &[("file", "form.gif", "image/gif", b"GIF89a......".to_vec())],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert!(r.text.contains("只接受 JPG、PNG 或 PDF 文件"), "{}", r.text);
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    png.extend_from_slice(b"the signed form");
    let r = officer
        .post_multipart(
            &upload,
            &[("kind", "application_form")],
            &[("file", "申请表.png", "image/png", png)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = officer.get(r.location()).await;
    assert!(page.text.contains("grant-document-added"), "{}", page.text);
    assert!(page.text.contains("材料已齐"), "{}", page.text);
    assert!(!page.text.contains("grant-missing"), "{}", page.text);
    assert!(page.text.contains("申请表.png"), "{}", page.text);
    // Another district's officer: as if there were no such grant.
    let mut other = Browser::signed_in(&app, "officer.sc01001").await;
    let r = other.get(&format!("{at}/documents/1")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let mut district = Browser::signed_in(&app, "district.staff").await;
    district.post_form(&format!("{at}/check"), &[]).await;
    let r = district.post_form(&format!("{at}/confirm"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = district.get(&at).await;
    assert!(page.text.contains("已批准"), "{}", page.text);
    // Decided: the form is gone, and a post is refused in words.
    assert!(!page.text.contains("grant-document-form"), "{}", page.text);
    let r = officer
        .post_multipart(
            &upload,
            &[("kind", "application_form")],
            &[(
                "file",
                "again.pdf",
                "application/pdf",
                b"%PDF-1.4 x".to_vec(),
            )],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(r.text.contains("不能再补交材料"), "{}", r.text);
}
