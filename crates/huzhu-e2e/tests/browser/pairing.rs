//! Cloud pairing in the browser (issue 16): staff publish a golden-autumn student, then on a
//! 390 px phone, signed out, a sponsor finds them on the public page (nothing wider than the
//! phone, every tap target at least 40 px), claims them, sees the 30-minute hold with its end
//! on their own link, and confirms a pledge; the student leaves the public list.

use crate::start;
use huzhu_e2e::{Browser, Viewport};

/// How far the page is wider than the window (0 when it fits).
pub async fn overflow(b: &Browser) -> i64 {
    b.js(
        "return document.documentElement.scrollWidth - window.innerWidth;",
        vec![],
    )
    .await
    .unwrap()
    .as_i64()
    .unwrap()
}

/// Links, buttons and fields of the header and the page shorter than 40 px: (text, height).
pub async fn small_targets(b: &Browser) -> serde_json::Value {
    b.js(
        "return Array.from(document.querySelectorAll('header a, header button, main a, main button, \
         main input:not([type=hidden]), main select, main textarea'))\
         .filter(e => e.offsetParent !== null)\
         .map(e => [(e.textContent || e.name || e.id).trim(), Math.round(e.getBoundingClientRect().height)])\
         .filter(x => x[1] < 40);",
        vec![],
    )
    .await
    .unwrap()
}

/// What a phone page must be: as wide as the phone, tap targets of 40 px.
pub async fn fits_a_phone(b: &Browser, what: &str) {
    assert_eq!(overflow(b).await, 0, "{what} scrolls sideways at 390 px");
    assert_eq!(
        small_targets(b).await,
        serde_json::json!([]),
        "{what}: tap targets under 40 px"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_student_is_published_claimed_on_a_phone_and_pledged() {
    let Some((server, b)) = start("pairing_flow", Viewport::DESKTOP).await else {
        return;
    };
    huzhu_app::demo_programmes::demo_pairing::load_pairing_demo(&server.store)
        .await
        .unwrap();
    // Staff publish the golden-autumn student waiting for it.
    b.sign_in("city.staff").await.unwrap();
    b.goto("/pairing/students").await.unwrap();
    assert!(b.exists("[data-testid=candidates]").await.unwrap());
    b.type_into("#grade", "2").await.unwrap();
    b.type_into("#need", "4000").await.unwrap();
    b.click("[data-testid=publish-form] button[type=submit]")
        .await
        .unwrap();
    b.wait_for("[data-testid=public-link]").await.unwrap();
    let link = b
        .find("[data-testid=public-link]")
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert!(link.starts_with("/pairing/") && link.len() == "/pairing/".len() + 32);
    assert!(b.text("main h1").await.unwrap().contains("李同学"));
    b.sign_out().await.unwrap();

    // A sponsor on a phone, not signed in.
    b.resize(Viewport::PHONE).await.unwrap();
    b.goto("/pairing").await.unwrap();
    let names = b.texts("[data-testid=public-name]").await.unwrap();
    assert!(names.iter().any(|n| n == "李同学"), "{names:?}");
    assert!(names.iter().all(|n| n.ends_with("同学")), "{names:?}");
    fits_a_phone(&b, "the public list").await;
    b.click(&format!("a[href='{link}']")).await.unwrap();
    b.wait_for("[data-testid=claim-form]").await.unwrap();
    fits_a_phone(&b, "a student's page").await;
    let facts = b.text("main").await.unwrap();
    assert!(
        facts.contains("高中") && facts.contains("4,000.00"),
        "{facts}"
    );
    b.type_into("#name", "钱女士").await.unwrap();
    b.type_into("#phone", "13588880000").await.unwrap();
    b.click("[data-testid=claim-form] button[type=submit]")
        .await
        .unwrap();
    b.wait_for("[data-testid=hold-until]").await.unwrap();
    let sponsor = b.path().await.unwrap();
    assert!(sponsor.starts_with("/pairing/sponsor/"), "{sponsor}");
    let until = b.text("[data-testid=hold-until]").await.unwrap();
    assert!(until.contains('年') && until.contains(':'), "{until}");
    assert!(b.text("main").await.unwrap().contains("135****0000"));
    fits_a_phone(&b, "the sponsor's link while held").await;
    // The student is off the public list while held.
    b.goto("/pairing").await.unwrap();
    assert!(!b.exists(&format!("a[href='{link}']")).await.unwrap());
    // Back on the sponsor's link: a pledge of 4,000元 a year for three years.
    b.goto(&sponsor).await.unwrap();
    b.type_into("#per_year", "4000").await.unwrap();
    b.type_into("#years", "3").await.unwrap();
    b.click("[data-testid=confirm-form] button[type=submit]")
        .await
        .unwrap();
    b.wait_for("[data-testid=pledged]").await.unwrap();
    assert_eq!(b.text("[data-testid=pledged]").await.unwrap(), "¥12,000.00");
    fits_a_phone(&b, "the sponsor's link once pledged").await;
    // The same in English: words, not codes.
    b.goto(&format!("/lang?to=en&next={sponsor}"))
        .await
        .unwrap();
    b.wait_until("the page in English", || async {
        Ok(b.text("main h1").await?.starts_with("My pairing"))
    })
    .await
    .unwrap();
    let text = b.text("main").await.unwrap();
    assert!(
        text.contains("Pledged") && text.contains("senior secondary"),
        "{text}"
    );
    fits_a_phone(&b, "the sponsor's link in English").await;
    b.goto("/pairing").await.unwrap();
    fits_a_phone(&b, "the public list in English").await;
    b.goto("/lang?to=zh&next=/").await.unwrap();
    b.close().await.unwrap();
}
