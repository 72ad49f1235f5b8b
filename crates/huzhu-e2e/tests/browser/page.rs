//! What every page offers: the language switch, and the skip link as the first Tab stop.

use crate::start;
use fantoccini::key::Key;
use huzhu_e2e::Viewport;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_switch_goes_to_english_and_back() {
    let Some((_server, b)) = start("page_language", Viewport::PHONE).await else {
        return;
    };
    b.sign_in("city.staff").await.unwrap();
    b.goto("/members").await.unwrap();
    assert_eq!(b.text("main h1").await.unwrap(), "会员");
    let html = b.find("html").await.unwrap();
    assert_eq!(html.attr("lang").await.unwrap().as_deref(), Some("zh-CN"));

    b.click("header a[href^='/lang']").await.unwrap();
    b.wait_until("the page to be in English", || async {
        Ok(b.text("main h1").await? == "Members")
    })
    .await
    .unwrap();
    assert_eq!(
        b.path().await.unwrap(),
        "/members",
        "the switch comes back to the page"
    );
    let html = b.find("html").await.unwrap();
    assert_eq!(html.attr("lang").await.unwrap().as_deref(), Some("en"));
    let nav = b.texts("nav.main a").await.unwrap();
    assert!(nav.iter().any(|n| n == "Members"), "{nav:?}");
    assert!(!nav.iter().any(|n| n == "会员"), "{nav:?}");
    // The choice sticks for the next page.
    b.goto("/orgs").await.unwrap();
    assert!(b
        .text("[data-testid=whoami]")
        .await
        .unwrap()
        .contains("federation staff"));

    b.click("header a[href^='/lang']").await.unwrap();
    b.wait_until("the page to be in Chinese again", || async {
        Ok(b.text("[data-testid=whoami]")
            .await?
            .contains("总工会经办人员"))
    })
    .await
    .unwrap();
    let html = b.find("html").await.unwrap();
    assert_eq!(html.attr("lang").await.unwrap().as_deref(), Some("zh-CN"));
    b.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_skip_link_is_the_first_tab_stop_and_skips_to_the_content() {
    let Some((_server, b)) = start("page_skip_link", Viewport::DESKTOP).await else {
        return;
    };
    b.sign_in("officer.la01001").await.unwrap();
    for path in ["/", "/members"] {
        b.goto(path).await.unwrap();
        b.press(Key::Tab).await.unwrap();
        let focused = b.client.active_element().await.unwrap();
        assert_eq!(
            focused.attr("href").await.unwrap().as_deref(),
            Some("#main"),
            "{path}: the first Tab stop is not the skip link"
        );
        assert_eq!(focused.text().await.unwrap(), "跳到正文");
        // Once focused it is visible (it hides off-screen until then).
        let shown = b
            .js(
                "const r = document.activeElement.getBoundingClientRect(); \
                 return r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0;",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            shown,
            serde_json::json!(true),
            "{path}: the focused skip link is not visible"
        );
        b.press(Key::Enter).await.unwrap();
        let id = b
            .js("return document.activeElement.id;", vec![])
            .await
            .unwrap();
        assert_eq!(
            id,
            serde_json::json!("main"),
            "{path}: Enter did not move to the content"
        );
    }
    b.close().await.unwrap();
}
