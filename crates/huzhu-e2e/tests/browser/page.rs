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

/// How far the page is wider than the window (0 when it fits).
async fn overflow(b: &huzhu_e2e::Browser) -> i64 {
    b.js(
        "return document.documentElement.scrollWidth - window.innerWidth;",
        vec![],
    )
    .await
    .unwrap()
    .as_i64()
    .unwrap()
}

/// Header and navigation links or buttons shorter than 40 px: (text, height).
async fn small_targets(b: &huzhu_e2e::Browser) -> serde_json::Value {
    b.js(
        "return Array.from(document.querySelectorAll('header a, header button, nav.main a'))\
         .filter(e => e.offsetParent !== null)\
         .map(e => [e.textContent.trim(), Math.round(e.getBoundingClientRect().height)])\
         .filter(x => x[1] < 40);",
        vec![],
    )
    .await
    .unwrap()
}

/// Whether the column headed `title` is on screen (its right edge inside the window).
async fn column_on_screen(b: &huzhu_e2e::Browser, title: &str) -> bool {
    b.js(
        "const th = Array.from(document.querySelectorAll('th')).find(t => t.textContent.trim() === arguments[0]);\
         if (!th) return false; const r = th.getBoundingClientRect();\
         return r.width > 0 && r.right <= window.innerWidth;",
        vec![serde_json::json!(title)],
    )
    .await
    .unwrap()
    .as_bool()
    .unwrap()
}

/// Issue 13: on a 390 px phone the member's cover hid 剩余额度, the claim list hid its status, the
/// letter overflowed and header links were 25 px tall. A member's pages fit the phone now.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_members_pages_fit_a_phone_and_their_tap_targets_are_40_px() {
    let Some((_server, b)) = start("page_phone_member", Viewport::PHONE).await else {
        return;
    };
    b.sign_in("member.demo").await.unwrap();
    b.goto("/").await.unwrap();
    assert_eq!(overflow(&b).await, 0, "the home page scrolls sideways");
    assert_eq!(small_targets(&b).await, serde_json::json!([]));
    if b.exists("table.cover").await.unwrap() {
        assert!(
            column_on_screen(&b, "剩余额度").await,
            "剩余额度 is on screen"
        );
    }
    b.goto("/claims").await.unwrap();
    assert_eq!(overflow(&b).await, 0, "the claim list scrolls sideways");
    assert_eq!(small_targets(&b).await, serde_json::json!([]));
    let first = b
        .js(
            "const a = document.querySelector('tr[data-claim] a'); return a ? a.getAttribute('href') : null;",
            vec![],
        )
        .await
        .unwrap();
    if let Some(claim) = first.as_str() {
        assert!(column_on_screen(&b, "状态").await, "状态 is on screen");
        b.goto(&format!("{claim}/letter")).await.unwrap();
        assert_eq!(overflow(&b).await, 0, "the letter scrolls sideways");
    }
    b.close().await.unwrap();
}

/// Codes (`late_submission`, `partly_failed`) in what a page shows, and how far it is wider than
/// the window.
async fn raw_codes_and_overflow(b: &huzhu_e2e::Browser) -> (Vec<String>, i64) {
    let codes: Vec<String> = serde_json::from_value(
        b.js(
            "return Array.from(new Set((document.querySelector('main').innerText.match(/\\b[a-z]+(?:_[a-z]+)+\\b/g) || [])));",
            vec![],
        )
        .await
        .unwrap(),
    )
    .unwrap();
    (codes, overflow(b).await)
}

/// The pages this round added or changed (transfers, bank account changes, the member list with
/// its export, enrolment, the claim form), in Chinese and in English on a 390 px phone: no code
/// where a word belongs, nothing wider than the phone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_pages_show_words_not_codes_in_both_languages_on_a_phone() {
    let Some((_server, b)) = start("page_phone_new_pages", Viewport::PHONE).await else {
        return;
    };
    for (user, pages) in [
        (
            "officer.la01001",
            &[
                "/transfers",
                "/bank-changes",
                "/members",
                "/enrolment",
                "/claims",
            ][..],
        ),
        (
            "district.staff",
            &["/transfers", "/bank-changes", "/claims"][..],
        ),
        ("finance", &["/payouts"][..]),
    ] {
        b.sign_in(user).await.unwrap();
        for lang in ["zh", "en"] {
            b.goto(&format!("/lang?to={lang}&next=/")).await.unwrap();
            for page in pages {
                b.goto(page).await.unwrap();
                let html = b.find("html").await.unwrap();
                let want = if lang == "zh" { "zh-CN" } else { "en" };
                assert_eq!(html.attr("lang").await.unwrap().as_deref(), Some(want));
                let (codes, wider) = raw_codes_and_overflow(&b).await;
                assert!(codes.is_empty(), "{user} {lang} {page}: {codes:?}");
                assert_eq!(wider, 0, "{user} {lang} {page} is wider than the phone");
            }
        }
        b.goto("/lang?to=zh&next=/").await.unwrap();
        b.sign_out().await.unwrap();
    }
    b.close().await.unwrap();
}

/// Issue 13, statistics at 1366 px: the two-column layout cut off the 已付金额 column, and the
/// chart titled 参保人数与份数 plotted 元 without an axis unit. Every 已付金额 header is on screen,
/// nothing scrolls sideways, and every chart with axes titles its axis with a unit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_statistics_fit_1366_px_and_every_charts_axis_names_its_unit() {
    let Some((_server, b)) = start("page_stats_desktop", Viewport::DESKTOP).await else {
        return;
    };
    b.sign_in("district.staff").await.unwrap();
    b.goto("/stats").await.unwrap();
    // Negative when a vertical scroll bar takes its width: no sideways scroll either way.
    let wider = overflow(&b).await;
    assert!(wider <= 0, "the statistics scroll sideways by {wider} px");
    let cut = b
        .js(
            "const ths = Array.from(document.querySelectorAll('th'))\
             .filter(t => t.textContent.trim() === '已付金额');\
             return [ths.length, ths.filter(t => { const r = t.getBoundingClientRect(); \
             return !(r.width > 0 && r.right <= window.innerWidth); }).length];",
            vec![],
        )
        .await
        .unwrap();
    assert!(cut[0].as_i64().unwrap() > 0, "no 已付金额 column: {cut}");
    assert_eq!(cut[1], serde_json::json!(0), "已付金额 cut off: {cut}");
    let axes = b
        .js(
            "return Array.from(document.querySelectorAll('canvas[data-chart]')).map(c => {\
             const ch = window.Chart && window.Chart.getChart(c); if (!ch) return 'not drawn';\
             if (ch.config.type === 'pie') return 'pie';\
             return ch.options.scales.y.title.display ? ch.options.scales.y.title.text : 'untitled'; });",
            vec![],
        )
        .await
        .unwrap();
    let axes = axes.as_array().unwrap();
    assert!(!axes.is_empty());
    for a in axes {
        let a = a.as_str().unwrap();
        assert!(
            a == "pie" || a.ends_with("（元）") || a.ends_with("（数量）"),
            "a chart's axis without its unit: {a} ({axes:?})"
        );
    }
    b.close().await.unwrap();
}

/// Issue 13, what an office expects, on a 390 px phone in both languages: the claim search and
/// its total, the organisation tree with member counts and its search box, nothing wider than
/// the phone and no code where a word belongs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_pages_fit_a_phone_in_both_languages() {
    let Some((_server, b)) = start("page_office_phone", Viewport::PHONE).await else {
        return;
    };
    b.sign_in("district.staff").await.unwrap();
    for lang in ["zh", "en"] {
        b.goto(&format!("/lang?to={lang}&next=/")).await.unwrap();
        for page in [
            "/claims?q=1234",
            "/orgs",
            "/orgs?q=LA-01",
            "/members",
            "/queues",
        ] {
            b.goto(page).await.unwrap();
            if page != "/orgs" {
                let total = b.text("p.total").await.unwrap();
                assert!(
                    total.contains(if lang == "zh" { "共" } else { "in all" }),
                    "{lang} {page}: {total}"
                );
            }
            let (codes, wider) = raw_codes_and_overflow(&b).await;
            assert!(codes.is_empty(), "{lang} {page}: {codes:?}");
            assert_eq!(wider, 0, "{lang} {page} is wider than the phone");
        }
    }
    b.goto("/lang?to=zh&next=/").await.unwrap();
    b.close().await.unwrap();
}
