//! The public fund report (issue 18): anyone reads it without signing in, as JSON, as a page and
//! as a workbook; its figures are the ledger's, and nothing on it names a person whole.

use crate::console_helpers::Browser;
use crate::helpers::spawn_app;
use axum::http::StatusCode;

/// Every run of 15 to 18 digits (an ID number's shape) in `text`.
fn whole_ids(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut run = String::new();
    for ch in text.chars().chain(std::iter::once(' ')) {
        if ch.is_ascii_digit() || (ch == 'X' && run.len() == 17) {
            run.push(ch);
        } else {
            if run.len() >= 15 {
                out.push(run.clone());
            }
            run.clear();
        }
    }
    out
}

#[tokio::test]
async fn the_fund_report_is_public_masked_and_agrees_with_the_ledger() {
    let app = spawn_app().await;
    huzhu_app::demo_money::load_money_demo(&app.store)
        .await
        .unwrap();

    // JSON, no session; checked against the OpenAPI document by the helper.
    let (status, r) = app.get("/api/v1/public/fund-report?cycle=2022").await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["cycle"], 2022);
    let paid = r["paid_fen"].as_i64().unwrap();
    assert!(paid > 0, "the demo pays claims in 2022: {r}");
    let by_item: i64 = r["by_item"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["paid_fen"].as_i64().unwrap())
        .sum();
    assert_eq!(by_item, paid);
    let listed: i64 = r["listed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["paid_fen"].as_i64().unwrap())
        .sum();
    let small: i64 = r["small_units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["paid_fen"].as_i64().unwrap())
        .sum();
    assert_eq!(
        listed + small,
        paid,
        "every payment is listed or in a total"
    );
    for p in r["listed"].as_array().unwrap() {
        assert!(p["name"].as_str().unwrap().ends_with('*'), "{p}");
        assert!(
            p["id_number"].as_str().unwrap().contains("**********"),
            "{p}"
        );
    }
    let text = r.to_string();
    assert!(whole_ids(&text).is_empty(), "{:?}", whole_ids(&text));

    // The fund balance is the ledger's fund account (credit-normal).
    let ledger =
        huzhu_app::ledger::check_store(&app.store, &huzhu_store::money::LedgerScope::Everything)
            .await
            .unwrap();
    assert_eq!(
        r["balance_fen"].as_i64().unwrap(),
        -ledger.balances["fund:hangzhou-2022"]
    );

    // Bad cycles are told, not answered with an empty fund.
    let (status, e) = app.get("/api/v1/public/fund-report?cycle=22").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
    assert!(e.to_string().contains("cycle"), "{e}");

    // The page and the workbook, without signing in.
    let mut b = Browser::new(&app);
    let page = b.get("/fund-report?cycle=2022").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("基金公示"));
    assert!(page.text.contains("data-testid=\"fund-by-item\""));
    assert!(
        whole_ids(&page.text).is_empty(),
        "{:?}",
        whole_ids(&page.text)
    );
    // Without a cycle: the newest stored one.
    let page = b.get("/fund-report").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("2022"));
    let xlsx = app.get_raw("/fund-report.xlsx?cycle=2022").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.body.starts_with(b"PK"), "a workbook is a zip");
    let xlsx = app
        .get_raw("/api/v1/public/fund-report.xlsx?cycle=2022")
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
}
