//! A 春风行动 donation in the browser (issue 16, donation module): window staff record a gift and
//! land on its printable receipt (the number shown), print it (the print button opens the
//! browser's printing; printed, the page is the receipt alone, on one page), then void it with a
//! reason and see the reissue, which names the voided number.

use crate::start;
use huzhu_e2e::Viewport;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_donation_is_recorded_with_its_receipt_printed_then_voided_and_reissued() {
    let Some((_server, b)) = start("donations_flow", Viewport::DESKTOP).await else {
        return;
    };
    b.sign_in("city.staff").await.unwrap();
    b.goto("/donations").await.unwrap();
    b.js(
        "document.querySelector('#donor_kind').value = 'organisation'; return null;",
        vec![],
    )
    .await
    .unwrap();
    b.type_into("#donor_name", "杭州某旅行社").await.unwrap();
    b.type_into("#amount", "1234.50").await.unwrap();
    b.click("[data-testid=donation-form] button[type=submit]")
        .await
        .unwrap();
    b.wait_until("the printable receipt", || async {
        b.exists("[data-testid=receipt-number]").await
    })
    .await
    .unwrap();
    let first = b.text("[data-testid=receipt-number]").await.unwrap();
    assert!(
        first.starts_with("CF") && first.len() == "CF2026-000001".len(),
        "{first}"
    );
    assert!(b
        .text("[data-testid=receipt-capitals]")
        .await
        .unwrap()
        .contains("壹仟贰佰叁拾肆元伍角整"));
    assert!(b.exists("button.js-print").await.unwrap());
    print_the_receipt(&b, &first).await;
    let receipt_path = b.path().await.unwrap();
    let donation = receipt_path.trim_end_matches("/receipt").to_string();

    // Void and reissue from the donation's page.
    b.goto(&donation).await.unwrap();
    b.type_into("#reason", "单位名称写错").await.unwrap();
    b.click("[data-testid=void] button[type=submit]")
        .await
        .unwrap();
    b.wait_until("the reissued receipt", || async {
        b.exists("[data-testid=receipt-replaces]").await
    })
    .await
    .unwrap();
    let second = b.text("[data-testid=receipt-number]").await.unwrap();
    assert_ne!(second, first);
    assert!(b
        .text("[data-testid=receipt-replaces]")
        .await
        .unwrap()
        .contains(&first));
    // Both are listed on the donation's page, the first marked voided.
    b.goto(&donation).await.unwrap();
    let receipts = b.text("[data-testid=receipts]").await.unwrap();
    assert!(
        receipts.contains(&first) && receipts.contains(&second),
        "{receipts}"
    );
    assert!(receipts.contains("已作废"), "{receipts}");
}

/// Prints the receipt on screen: the button calls the browser's printing, and the page as
/// printed (Chromium's own PDF of it, print styles applied) is one page holding the receipt and
/// nothing of the console around it.
async fn print_the_receipt(b: &huzhu_e2e::Browser, number: &str) {
    // The print dialog cannot be driven headless: count the calls the button makes.
    b.js(
        "window.__printed = 0; window.print = function () { window.__printed += 1; }; return null;",
        vec![],
    )
    .await
    .unwrap();
    b.click("button.js-print").await.unwrap();
    assert_eq!(
        b.js("return window.__printed;", vec![]).await.unwrap(),
        serde_json::json!(1),
        "the print button did not print"
    );
    // As printed: the receipt shows, the header, navigation and buttons do not.
    b.cdp(
        "Emulation.setEmulatedMedia",
        serde_json::json!({"media": "print"}),
    )
    .await
    .unwrap();
    let shown = b
        .js(
            "const seen = s => { const e = document.querySelector(s); return !!e && e.offsetParent !== null \
             && getComputedStyle(e).display !== 'none'; };\
             return [seen('[data-testid=receipt]'), seen('[data-testid=receipt-number]'), \
             seen('header.top'), seen('nav.main'), seen('button.js-print')];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        shown,
        serde_json::json!([true, true, false, false, false]),
        "printed: the receipt and its number, no header, navigation or print button"
    );
    b.cdp(
        "Emulation.setEmulatedMedia",
        serde_json::json!({"media": ""}),
    )
    .await
    .unwrap();
    let pdf = b
        .cdp(
            "Page.printToPDF",
            serde_json::json!({"paperWidth": 8.27, "paperHeight": 11.69}),
        )
        .await
        .unwrap();
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(pdf["data"].as_str().unwrap())
        .unwrap();
    assert!(bytes.starts_with(b"%PDF"), "not a PDF");
    let pages = bytes
        .windows(b"/Type /Page".len() + 1)
        .filter(|w| w.starts_with(b"/Type /Page") && w[w.len() - 1] != b's')
        .count();
    assert_eq!(pages, 1, "the receipt {number} prints on one A4 page");
}
