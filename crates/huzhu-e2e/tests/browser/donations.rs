//! A 春风行动 donation in the browser (issue 16, donation module): window staff record a gift and
//! land on its printable receipt (the number shown), then void it with a reason and see the
//! reissue, which names the voided number.

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
