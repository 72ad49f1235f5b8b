//! A bank statement in the browser (issue 16, SPEC 7.5): finance chooses the bank's CSV in the
//! upload form; the line paying the transfer the demo's travel agency announced is matched and
//! shows its receipt; the gift of a donor on file is found by the line's donor search and
//! settled to her with one button (its receipt shown); the bank's interest is dismissed with a
//! reason. Nothing on the page shows the donor's phone or account whole.

use crate::start;
use huzhu_e2e::{Browser, Viewport};

/// The `data-testid` of the statement line whose row contains `text`.
async fn line_with(b: &Browser, text: &str) -> String {
    let id = b
        .js(
            "const r = Array.from(document.querySelectorAll('[data-testid=statement-lines] tbody tr'))\
             .find(r => r.innerText.includes(arguments[0])); return r ? r.dataset.testid : null;",
            vec![serde_json::json!(text)],
        )
        .await
        .unwrap();
    id.as_str()
        .unwrap_or_else(|| panic!("no statement line shows {text}"))
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finance_uploads_a_statement_settles_a_line_to_a_donor_found_and_dismisses_the_interest() {
    let Some((_server, b)) = start("statements_flow", Viewport::DESKTOP).await else {
        return;
    };
    // Yesterday: a statement never lists tomorrow's money.
    let today = huzhu_app::Clock::today(&huzhu_app::SystemClock);
    let day = (today - chrono::Days::new(1)).to_string();
    let csv = format!(
        "交易日期,金额,对方户名,对方账号,附言\n\
         {day},\"150,000.00\",杭州春风国际旅行社有限公司,6222021202012345678,春风行动2026 捐款\n\
         {day},200.00,王丽华,,春风行动捐款 浏览器\n\
         {day},1.23,本行,,结息\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("对账单.csv");
    std::fs::write(&file, csv).unwrap();

    b.sign_in("finance").await.unwrap();
    b.goto("/statements").await.unwrap();
    b.find("#file")
        .await
        .unwrap()
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    b.click("[data-testid=statement-form] button[type=submit]")
        .await
        .unwrap();
    b.wait_for("[data-testid=statement-outcome]").await.unwrap();
    let outcome = b.text("[data-testid=statement-outcome]").await.unwrap();
    assert!(
        outcome.contains("3行收入") && outcome.contains("1行已匹配并开具收据"),
        "{outcome}"
    );
    // The agency's transfer: matched by the reference in the memo, its receipt on the line.
    let agency = line_with(&b, "杭州春风国际旅行社").await;
    let row = b.text(&format!("[data-testid={agency}]")).await.unwrap();
    assert!(
        row.contains("已匹配") && row.contains("附言含转账编号") && row.contains("CF2026-"),
        "{row}"
    );

    // 王丽华's gift: the line's search, filled with her name, finds her on file.
    let gift = line_with(&b, "浏览器").await;
    let id = gift.trim_start_matches("line-");
    b.click(&format!(
        "[data-testid=donor-search-{id}] button[type=submit]"
    ))
    .await
    .unwrap();
    b.wait_for("[data-testid=donors-found]").await.unwrap();
    let found = b
        .texts("[data-testid=donors-found] tbody tr")
        .await
        .unwrap();
    assert!(
        !found.is_empty() && found.iter().all(|r| r.contains("王丽华")),
        "{found:?}"
    );
    assert!(
        found.iter().all(|r| !r.contains("13900001234")),
        "the phone is masked: {found:?}"
    );
    b.click("[data-testid=donors-found] tbody tr button[type=submit]")
        .await
        .unwrap();
    b.wait_until("the line settled to the donor", || async {
        let row = b.text(&format!("[data-testid={gift}]")).await?;
        Ok(row.contains("已手工匹配") && row.contains("CF2026-") && row.contains("王丽华"))
    })
    .await
    .unwrap();

    // The interest: not a donation, with the reason.
    let interest = line_with(&b, "结息").await;
    let id = interest.trim_start_matches("line-");
    b.type_into(&format!("#reason-{id}"), "银行结息，非捐赠")
        .await
        .unwrap();
    b.click(&format!(
        "form[action='/statements/lines/{id}/dismiss'] button[type=submit]"
    ))
    .await
    .unwrap();
    b.wait_until("the interest dismissed", || async {
        let row = b.text(&format!("[data-testid={interest}]")).await?;
        Ok(row.contains("非捐赠") && row.contains("银行结息"))
    })
    .await
    .unwrap();
    // The statement is settled: nothing of it is left to settle.
    let listed = b.texts("[data-testid=statements] tbody tr").await.unwrap();
    assert!(
        listed
            .iter()
            .any(|r| r.contains("对账单.csv") && r.ends_with('0')),
        "{listed:?}"
    );
}
