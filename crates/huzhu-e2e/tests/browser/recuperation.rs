//! A recuperation batch in the browser (SPEC 7.9, issue 17): city staff admit a base and
//! schedule a batch of two places on the page; a unit officer signs two members up and the third
//! is refused with the reason shown (the batch is full); the spend is recorded; the figures by
//! region and base count the batch, draw their charts and export to Excel.

use crate::start_at;
use chrono::{Days, TimeZone, Utc};
use huzhu_app::{Clock, SettableClock};
use huzhu_domain::member::EmploymentStatus;
use huzhu_e2e::{Browser, Viewport};

/// Clicks the submit button of `form`, accepts its confirmation if it asks, and waits for the
/// page that answers.
async fn send(b: &Browser, form: &str) {
    b.js("window.__huzhuMark = 1; return null;", vec![])
        .await
        .unwrap();
    b.click(&format!("{form} button[type=submit]"))
        .await
        .unwrap_or_else(|e| panic!("{form}: {e:#}"));
    if b.client.get_alert_text().await.is_ok() {
        b.client.accept_alert().await.unwrap();
    }
    b.wait_until("the page after the form", || async {
        Ok(b.js("return window.__huzhuMark || null;", vec![]).await? == serde_json::json!(null))
    })
    .await
    .unwrap_or_else(|e| panic!("{form}: {e:#}"));
}

/// [`send`], and the answer is no error.
async fn submit(b: &Browser, form: &str) {
    send(b, form).await;
    assert!(
        !b.exists(".error-page, .alert.error").await.unwrap(),
        "{form} failed: {}",
        b.text("main").await.unwrap()
    );
}

async fn set(b: &Browser, css: &str, value: &str) {
    b.js(
        &format!("document.querySelector({css:?}).value = {value:?}; return null;"),
        vec![],
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_filled_to_its_places_refuses_the_next_sign_up_with_the_reason() {
    let clock = SettableClock::new(Utc.with_ymd_and_hms(2026, 12, 7, 2, 0, 0).unwrap());
    let Some((server, b)) = start_at("recuperation_flow", Viewport::DESKTOP, clock.clone()).await
    else {
        return;
    };
    let today = clock.today();
    let start_on = today + Days::new(30);
    let members: Vec<_> = crate::access::members_of(&server.store, "LA-01-001", 50)
        .await
        .into_iter()
        .filter(|m| m.record.status == EmploymentStatus::InService)
        .take(3)
        .collect();
    assert_eq!(members.len(), 3, "three members in service in LA-01-001");

    // City staff admit a base and schedule a batch of two places there.
    b.sign_in("city.staff").await.unwrap();
    b.goto("/recuperation").await.unwrap();
    b.type_into("#base-name", "浏览器测试疗休养基地")
        .await
        .unwrap();
    b.type_into("#base-region", "桐庐").await.unwrap();
    set(&b, "#base-discount", "25").await;
    submit(&b, "[data-testid=base-form]").await;
    let bases = b.text("[data-testid=bases]").await.unwrap();
    assert!(
        bases.contains("浏览器测试疗休养基地") && bases.contains("25%"),
        "{bases}"
    );
    let picked = b
        .js(
            "const s = document.querySelector('#batch-base'); \
             const o = Array.from(s.options).find(o => o.text.includes('浏览器测试疗休养基地')); \
             if (!o) return null; s.value = o.value; return o.value;",
            vec![],
        )
        .await
        .unwrap();
    assert!(picked.is_string(), "the new base is not offered: {picked}");
    b.type_into("#batch-name", "浏览器测试批次").await.unwrap();
    set(&b, "#batch-start", &start_on.to_string()).await;
    set(&b, "#batch-end", &(start_on + Days::new(4)).to_string()).await;
    set(&b, "#batch-capacity", "2").await;
    submit(&b, "[data-testid=batch-form]").await;
    let batch = b.path().await.unwrap();
    assert!(batch.starts_with("/recuperation/batches/"), "{batch}");
    assert_eq!(b.text("[data-testid=batch-taken]").await.unwrap(), "0 / 2");
    b.sign_out().await.unwrap();

    // The unit's officer fills the two places; the third member is refused, with the reason.
    b.sign_in("officer.la01001").await.unwrap();
    for m in &members[..2] {
        b.goto(&batch).await.unwrap();
        b.type_into("#member_id", &m.id.0.to_string())
            .await
            .unwrap();
        submit(&b, "[data-testid=sign-up-form]").await;
    }
    let taken = b.text("[data-testid=batch-taken]").await.unwrap();
    assert!(
        taken.starts_with("2 / 2") && taken.contains("已满"),
        "{taken}"
    );
    let list = b.text("[data-testid=sign-ups]").await.unwrap();
    for m in &members[..2] {
        assert!(list.contains(m.record.name.as_str()), "{list}");
    }
    b.goto(&batch).await.unwrap();
    b.type_into("#member_id", &members[2].id.0.to_string())
        .await
        .unwrap();
    send(&b, "[data-testid=sign-up-form]").await;
    assert!(b.exists(".error-page").await.unwrap());
    assert_eq!(b.text("main h1").await.unwrap(), "无法执行");
    let why = b.text(".error-page p.error").await.unwrap();
    assert!(
        why.contains("批次已满") && why.contains("2个名额已全部报满"),
        "{why}"
    );
    b.goto(&batch).await.unwrap();
    let list = b.text("[data-testid=sign-ups]").await.unwrap();
    assert!(!list.contains(members[2].record.name.as_str()), "{list}");
    assert!(b
        .text("[data-testid=batch-taken]")
        .await
        .unwrap()
        .starts_with("2 / 2"));
    b.sign_out().await.unwrap();

    // City staff record the spend; the figures by region and base count the batch.
    b.sign_in("city.staff").await.unwrap();
    b.goto(&batch).await.unwrap();
    set(&b, "#lodging", "1600").await;
    set(&b, "#transport", "400.50").await;
    set(&b, "#purchases", "0").await;
    submit(&b, "[data-testid=spend-form]").await;
    let spend = b.text("[data-testid=batch-spend]").await.unwrap();
    assert!(spend.contains("2,000.50"), "{spend}");
    let (from, to) = (today, start_on + Days::new(10));
    b.goto(&format!("/recuperation?from={from}&to={to}"))
        .await
        .unwrap();
    let by_base = b.text("#table-recuperation_by_base table").await.unwrap();
    let line = by_base
        .lines()
        .find(|l| l.contains("浏览器测试疗休养基地"))
        .unwrap_or_else(|| panic!("the base is not in the figures: {by_base}"))
        .to_string();
    assert!(line.contains("2,000.50"), "{line}");
    let by_region = b.text("#table-recuperation_by_region table").await.unwrap();
    assert!(by_region.contains("合计"), "{by_region}");
    b.wait_until("the charts are drawn", || async {
        Ok(b.js(
            "const cs = Array.from(document.querySelectorAll('canvas[data-chart]')); \
             return cs.length >= 2 && cs.every(c => window.Chart && window.Chart.getChart(c));",
            vec![],
        )
        .await?
            == serde_json::json!(true))
    })
    .await
    .unwrap();
    let workbook = b
        .js(
            "const a = document.querySelector('[data-testid=export-all]'); \
             return fetch(a.href).then(r => r.arrayBuffer().then(ab => { \
             const buf = new Uint8Array(ab); \
             return [r.status, r.headers.get('content-type'), buf.length, buf[0], buf[1]]; }));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(workbook[0], serde_json::json!(200), "{workbook}");
    assert!(
        workbook[1].as_str().unwrap().contains("spreadsheetml"),
        "{workbook}"
    );
    // An xlsx is a zip: it starts with PK.
    assert_eq!(
        (workbook[3].as_i64(), workbook[4].as_i64()),
        (Some(80), Some(75))
    );
    b.close().await.unwrap();
}
