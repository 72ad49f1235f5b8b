//! Consumption-poverty procurement in the browser (SPEC 7.10, issue 17): city staff see a unit
//! of the demo below the 20% floor, record a designated purchase for it from the catalogue on
//! the page, and the unit leaves the below-floor list; its standing reads 达标.

use crate::start_at;
use chrono::{TimeZone, Utc};
use huzhu_app::SettableClock;
use huzhu_e2e::{Browser, Viewport};

async fn submit(b: &Browser, form: &str) {
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
async fn a_designated_purchase_takes_a_unit_off_the_below_floor_list() {
    // The demo's purchases are of January 2026: the page shows 2026.
    let clock = SettableClock::new(Utc.with_ymd_and_hms(2026, 12, 7, 2, 0, 0).unwrap());
    let Some((_server, b)) = start_at("procurement_flow", Viewport::DESKTOP, clock).await else {
        return;
    };
    b.sign_in("city.staff").await.unwrap();
    b.goto("/procurement").await.unwrap();
    let below = b
        .js(
            "const r = document.querySelector('[data-testid=below] tr[data-org]'); \
             return r ? [r.dataset.org, Number(r.dataset.totalFen)] : null;",
            vec![],
        )
        .await
        .unwrap();
    let unit = below[0]
        .as_str()
        .unwrap_or_else(|| panic!("the demo has a unit below the floor: {below}"))
        .to_string();
    let total_fen = below[1].as_i64().unwrap();
    assert!(total_fen > 0, "{below}");
    let (supplier, product) = (
        b.text("[data-testid=catalogue] tbody tr td.supplier")
            .await
            .unwrap(),
        b.text("[data-testid=catalogue] tbody tr td.product")
            .await
            .unwrap(),
    );
    // As much again from the catalogue: the unit's share is then at least half.
    set(&b, "#purchase-org", &unit).await;
    set(&b, "#supplier", &supplier).await;
    set(&b, "#product", &product).await;
    set(&b, "#quantity", "100").await;
    set(
        &b,
        "#amount",
        &format!("{}.{:02}", total_fen / 100, total_fen % 100),
    )
    .await;
    submit(&b, "[data-testid=purchase-form]").await;
    let still = b
        .js(
            &format!(
                "return !!document.querySelector('[data-testid=below] tr[data-org=\"{unit}\"]');"
            ),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(still, serde_json::json!(false), "{unit} is still below");
    let standing = b
        .js(
            &format!(
                "return document.querySelector('[data-testid=shares] tr[data-org=\"{unit}\"] \
                 [data-standing]').dataset.standing;"
            ),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(standing, serde_json::json!("met"), "{unit}");
    let purchases = b.text("[data-testid=purchases]").await.unwrap();
    assert!(purchases.contains(&product), "{purchases}");
    b.close().await.unwrap();
}
