//! 困难职工档案 through the browser (issue 15): a unit officer opens a household's file, the
//! district visits, the city reviews and starts the 公示, the public notice page shows the name
//! masked to anyone without signing in, and after the notice the household is admitted. Every
//! archive page fits a 390 px phone in Chinese and in English.

use crate::access::members_of;
use crate::start_at;
use chrono::{TimeZone, Utc};
use huzhu_domain::archive::HouseholdState;
use huzhu_e2e::{Browser, Viewport};
use serde_json::json;

async fn set_value(b: &Browser, css: &str, value: &str) {
    b.js(
        "document.querySelector(arguments[0]).value = arguments[1]; return null;",
        vec![json!(css), json!(value)],
    )
    .await
    .unwrap();
}

/// Submits the step form `step` of the record's page the browser is on (its fields filled in)
/// and waits for the page to come back.
async fn step(b: &Browser, at: &str, step: &str) {
    b.js("window.__huzhuMark = 1; return null;", vec![])
        .await
        .unwrap();
    b.click(&format!("[data-testid=step-{step}] button[type=submit]"))
        .await
        .unwrap_or_else(|e| panic!("{step} on {at}: {e:#}"));
    if b.client.get_alert_text().await.is_ok() {
        b.client.accept_alert().await.unwrap();
    }
    b.wait_until("the record's page after the step", || async {
        Ok(
            b.js("return window.__huzhuMark || null;", vec![]).await? == json!(null)
                && b.exists("[data-testid=household-state]").await?,
        )
    })
    .await
    .unwrap_or_else(|e| panic!("{step} on {at}: {e:#}"));
}

async fn state(b: &Browser) -> String {
    b.text("[data-testid=household-state]").await.unwrap()
}

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

/// snake_case codes in what `main` shows.
pub async fn codes(b: &Browser) -> Vec<String> {
    serde_json::from_value(
        b.js(
            "return Array.from(new Set((document.querySelector('main').innerText.match(/\\b[a-z]+(?:_[a-z]+)+\\b/g) || [])));",
            vec![],
        )
        .await
        .unwrap(),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_household_goes_from_application_to_admission_and_the_notice_is_public_and_masked() {
    // A year of its own (the demo's households are of other years): Monday 1 March 2027.
    let clock = huzhu_app::SettableClock::new(Utc.with_ymd_and_hms(2027, 3, 1, 2, 0, 0).unwrap());
    let Some((server, b)) = start_at("archive_flow", Viewport::PHONE, clock.clone()).await else {
        return;
    };
    // A member deep in the unit's list, whom the demo does not archive.
    let head = members_of(&server.store, "LA-01-001", 64).await.remove(57);
    let name = head.record.name.as_str().to_string();

    b.sign_in("officer.la01001").await.unwrap();
    b.goto("/archive/new").await.unwrap();
    b.type_into("#head_id_number", head.record.id_number.as_str())
        .await
        .unwrap();
    b.type_into("#size", "2").await.unwrap();
    b.type_into("#annual_income", "24,000").await.unwrap();
    b.type_into("#p0_id_number", "110105201407070048")
        .await
        .unwrap();
    b.type_into("#p0_name", "小宇").await.unwrap();
    b.find("#p0_relation")
        .await
        .unwrap()
        .select_by_value("child")
        .await
        .unwrap();
    b.click("form[action='/archive'] button[type=submit]")
        .await
        .unwrap();
    b.wait_for("[data-testid=household-state]").await.unwrap();
    let at = b.path().await.unwrap();
    assert!(at.starts_with("/archive/"), "{at}");
    assert_eq!(state(&b).await, HouseholdState::Applied.label_zh());
    // 24,000 ÷ 12 ÷ 2 = 1,000.00 a head a month, below 1,250: deep hardship, with its arithmetic.
    assert_eq!(
        b.text("[data-testid=household-category]").await.unwrap(),
        "深度困难"
    );
    assert!(b
        .text("[data-testid=per-head]")
        .await
        .unwrap()
        .contains("1,000.00"));
    assert!(
        !b.exists("[data-testid=steps]").await.unwrap(),
        "no step for the unit"
    );
    b.sign_out().await.unwrap();

    b.sign_in("district.staff").await.unwrap();
    b.goto(&at).await.unwrap();
    b.type_into("#visit-note", "入户核实，情况属实")
        .await
        .unwrap();
    step(&b, &at, "visit").await;
    assert_eq!(state(&b).await, HouseholdState::Visited.label_zh());
    assert!(
        !b.exists("[data-testid=step-review]").await.unwrap(),
        "who visited does not review"
    );
    b.sign_out().await.unwrap();

    b.sign_in("city.staff").await.unwrap();
    b.goto(&at).await.unwrap();
    step(&b, &at, "review").await;
    assert_eq!(state(&b).await, HouseholdState::Reviewed.label_zh());
    step(&b, &at, "notice").await;
    assert_eq!(state(&b).await, HouseholdState::InNotice.label_zh());
    assert!(b.exists("[data-testid=notice]").await.unwrap());
    b.sign_out().await.unwrap();

    // The public notice, without signing in: the name masked, no ID number.
    b.goto("/notices").await.unwrap();
    let public = b.text("main").await.unwrap();
    let masked = huzhu_domain::notice::public_name(&name);
    assert!(
        masked.ends_with('*') && public.contains(&masked),
        "{masked}: {public}"
    );
    assert!(!public.contains(&name), "the whole name is shown: {public}");
    assert!(!public.contains(head.record.id_number.as_str()));
    assert!(public.contains("深度困难"), "{public}");
    assert_eq!(overflow(&b).await, 0, "the public notice scrolls sideways");

    // After the 5 working days: admitted, with its level.
    clock.set(Utc.with_ymd_and_hms(2027, 3, 15, 2, 0, 0).unwrap());
    b.sign_in("city.staff").await.unwrap();
    b.goto(&at).await.unwrap();
    b.find("#level")
        .await
        .unwrap()
        .select_by_index(0)
        .await
        .unwrap();
    set_value(&b, "#level_date", "2027-03-15").await;
    step(&b, &at, "admit").await;
    assert_eq!(state(&b).await, HouseholdState::Admitted.label_zh());
    let timeline = b.texts("[data-testid=timeline] li").await.unwrap();
    assert!(timeline.len() >= 5, "the whole history: {timeline:?}");

    // Every archive page at 390 px, in both languages: words, not codes; nothing sideways.
    for lang in ["zh", "en"] {
        b.goto(&format!("/lang?to={lang}&next=/")).await.unwrap();
        for page in ["/archive", "/archive/new", at.as_str(), "/notices"] {
            b.goto(page).await.unwrap();
            assert_eq!(
                overflow(&b).await,
                0,
                "{lang} {page} is wider than the phone"
            );
            assert!(
                codes(&b).await.is_empty(),
                "{lang} {page}: {:?}",
                codes(&b).await
            );
        }
        if lang == "en" {
            b.goto(&at).await.unwrap();
            assert_eq!(state(&b).await, HouseholdState::Admitted.label_en());
        }
    }
    b.goto("/lang?to=zh&next=/").await.unwrap();
    b.close().await.unwrap();
}
