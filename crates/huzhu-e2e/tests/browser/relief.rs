//! A relief through the browser (issue 15): finance fills the hardship fund, a unit officer
//! applies for the demo member without the application form, the page names it missing, the
//! district checks and cannot approve, the officer hands the form in on the grant's page, the
//! district approves at the level the amount needs, finance builds a payout batch and the cashier settles
//! it, the relief shows paid, and the member finds it with its notice 救助决定书 on a 390 px phone,
//! in Chinese and in English, nothing wider than the phone.

use crate::archive::{codes, overflow};
use crate::start_at;
use chrono::{TimeZone, Utc};
use huzhu_domain::grant::GrantState;
use huzhu_e2e::{Browser, Viewport};
use serde_json::json;

/// Clicks `css`, accepts its confirmation if it asks, and waits for a new page showing `then`.
async fn press(b: &Browser, css: &str, then: &str) {
    b.js("window.__huzhuMark = 1; return null;", vec![])
        .await
        .unwrap();
    b.click(css)
        .await
        .unwrap_or_else(|e| panic!("{css}: {e:#}"));
    if b.client.get_alert_text().await.is_ok() {
        b.client.accept_alert().await.unwrap();
    }
    b.wait_until("the next page", || async {
        Ok(
            b.js("return window.__huzhuMark || null;", vec![]).await? == json!(null)
                && b.exists(then).await?,
        )
    })
    .await
    .unwrap_or_else(|e| panic!("{css}: {e:#}"));
    assert!(
        !b.exists(".error-page, .alert.error:not([data-testid=grant-missing])")
            .await
            .unwrap(),
        "{css} failed: {}",
        b.text("main").await.unwrap()
    );
}

async fn grant_state(b: &Browser) -> String {
    b.text("[data-testid=grant-state]").await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relief_goes_from_application_to_a_paid_batch_and_the_member_sees_it_on_a_phone() {
    // A year of its own, so that no demo relief counts against the member's yearly cap.
    let clock = huzhu_app::SettableClock::new(Utc.with_ymd_and_hms(2027, 1, 15, 2, 0, 0).unwrap());
    let Some((server, b)) = start_at("relief_flow", Viewport::DESKTOP, clock).await else {
        return;
    };
    // The demo member's account belongs to the first member of LA-01-001.
    let member = crate::access::members_of(&server.store, "LA-01-001", 1)
        .await
        .remove(0);

    b.sign_in("finance").await.unwrap();
    b.goto("/funds").await.unwrap();
    b.type_into("#amount-hardship", "20,000").await.unwrap();
    b.type_into("#reference-hardship", "2027年帮扶资金")
        .await
        .unwrap();
    press(
        &b,
        "[data-testid=deposit-hardship] button[type=submit]",
        "[data-testid=deposits]",
    )
    .await;
    assert!(b
        .text("[data-testid=deposits]")
        .await
        .unwrap()
        .contains("2027年帮扶资金"));
    let before = b.text("[data-testid=fund-hardship]").await.unwrap();
    b.sign_out().await.unwrap();

    b.sign_in("officer.la01001").await.unwrap();
    b.goto("/grants/new?programme=one-off-relief")
        .await
        .unwrap();
    b.type_into("#member_id_number", member.record.id_number.as_str())
        .await
        .unwrap();
    b.type_into("#requested", "3,000").await.unwrap();
    // The application form is not handed in with the application: it follows on the page.
    press(
        &b,
        "[data-testid=grant-apply] button[type=submit]",
        "[data-testid=grant-state]",
    )
    .await;
    let at = b.path().await.unwrap();
    assert!(at.starts_with("/grants/"), "{at}");
    assert_eq!(grant_state(&b).await, GrantState::Applied.words().0);
    // 3,000元 is above the street's 2,000: the district approves.
    assert_eq!(
        b.text("[data-testid=grant-level]").await.unwrap(),
        "区县级或以上"
    );
    let lines = b.text("[data-testid=grant-lines]").await.unwrap();
    assert!(lines.contains("3,000.00"), "{lines}");
    assert!(
        !b.exists("[data-testid=grant-check]").await.unwrap(),
        "four eyes"
    );
    let missing = b.text("[data-testid=grant-missing]").await.unwrap();
    assert!(missing.contains("临时救助申请表"), "{missing}");
    b.sign_out().await.unwrap();

    b.sign_in("district.staff").await.unwrap();
    b.goto(&at).await.unwrap();
    press(
        &b,
        "[data-testid=grant-check]",
        "[data-testid=grant-decision]",
    )
    .await;
    assert_eq!(grant_state(&b).await, GrantState::Checked.words().0);
    // Approval waits for the form: refused in words, nothing moves.
    b.click("[data-testid=grant-decision] form[action$='/confirm'] button[type=submit]")
        .await
        .unwrap();
    if b.client.get_alert_text().await.is_ok() {
        b.client.accept_alert().await.unwrap();
    }
    b.wait_until("the refusal", || async {
        Ok(b.text("main").await?.contains("缺少材料"))
    })
    .await
    .unwrap();
    b.goto(&at).await.unwrap();
    assert_eq!(grant_state(&b).await, GrantState::Checked.words().0);
    b.sign_out().await.unwrap();

    // The officer hands the form in on the grant's page: the missing one is offered first.
    let dir = tempfile::tempdir().unwrap();
    let form = dir.path().join("临时救助申请表.png");
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    png.extend_from_slice(b"signed application form");
    std::fs::write(&form, png).unwrap();
    b.sign_in("officer.la01001").await.unwrap();
    b.goto(&at).await.unwrap();
    let offered = b
        .text("[data-testid=grant-document-form] select option:first-child")
        .await
        .unwrap();
    assert!(
        offered.contains("临时救助申请表") && offered.ends_with('*'),
        "{offered}"
    );
    b.find("[data-testid=grant-document-form] input[type=file]")
        .await
        .unwrap()
        .send_keys(form.to_str().unwrap())
        .await
        .unwrap();
    press(
        &b,
        "[data-testid=grant-document-submit]",
        "[data-testid=grant-document-added]",
    )
    .await;
    assert!(!b.exists("[data-testid=grant-missing]").await.unwrap());
    let listed = b.text("[data-testid=grant-documents]").await.unwrap();
    assert!(listed.contains("临时救助申请表.png"), "{listed}");
    b.sign_out().await.unwrap();

    b.sign_in("district.staff").await.unwrap();
    b.goto(&at).await.unwrap();
    press(
        &b,
        "[data-testid=grant-decision] form[action$='/confirm'] button[type=submit]",
        "[data-testid=grant-state]",
    )
    .await;
    assert_eq!(grant_state(&b).await, GrantState::Approved.words().0);
    b.sign_out().await.unwrap();

    // Finance builds the batch for 临安区 (with the claims); the cashier settles it.
    b.sign_in("finance").await.unwrap();
    b.goto("/funds").await.unwrap();
    assert_ne!(
        b.text("[data-testid=fund-hardship]").await.unwrap(),
        before,
        "taken at approval"
    );
    b.goto("/payouts").await.unwrap();
    b.find("#org")
        .await
        .unwrap()
        .select_by_value("LA")
        .await
        .unwrap();
    press(
        &b,
        "form[action='/payouts'] button[type=submit]",
        "[data-testid=batch-status]",
    )
    .await;
    let settle = b
        .js(
            "return document.querySelector(\"form[action$='/settle']\").getAttribute('action')",
            vec![],
        )
        .await
        .unwrap();
    let batch = settle
        .as_str()
        .unwrap()
        .trim_end_matches("/settle")
        .to_string();
    b.sign_out().await.unwrap();
    b.sign_in("cashier").await.unwrap();
    b.goto(&batch).await.unwrap();
    b.click("form[action$='/settle'] button[type=submit]")
        .await
        .unwrap();
    if b.client.get_alert_text().await.is_ok() {
        b.client.accept_alert().await.unwrap();
    }
    b.wait_until("the batch to be settled", || async {
        Ok(!b.exists("form[action$='/settle']").await?
            && b.exists("[data-testid=batch-status]").await?)
    })
    .await
    .unwrap();
    b.goto(&at).await.unwrap();
    assert_eq!(
        grant_state(&b).await,
        GrantState::Paid.words().0,
        "after {batch}"
    );
    b.sign_out().await.unwrap();

    // The member, on a phone: from home to their reliefs and the notice, in both languages.
    b.resize(Viewport::PHONE).await.unwrap();
    b.sign_in("member.demo").await.unwrap();
    for lang in ["zh", "en"] {
        b.goto(&format!("/lang?to={lang}&next=/")).await.unwrap();
        b.goto("/").await.unwrap();
        press(
            &b,
            "[data-testid=home-my-grants]",
            "[data-testid=my-grants]",
        )
        .await;
        assert_eq!(
            overflow(&b).await,
            0,
            "{lang} /my-grants is wider than the phone"
        );
        assert!(codes(&b).await.is_empty(), "{lang}: {:?}", codes(&b).await);
        let paid = if lang == "zh" {
            GrantState::Paid.words().0
        } else {
            GrantState::Paid.words().1
        };
        let mine = b.text("[data-testid=my-grants]").await.unwrap();
        assert!(mine.contains(paid) && mine.contains("3,000.00"), "{mine}");
        let notice = format!("{at}/notice");
        press(
            &b,
            &format!("a[href='{notice}']"),
            "[data-testid=grant-notice]",
        )
        .await;
        assert_eq!(
            overflow(&b).await,
            0,
            "{lang} the notice is wider than the phone"
        );
        assert!(codes(&b).await.is_empty(), "{lang}: {:?}", codes(&b).await);
        assert!(b
            .text("[data-testid=notice-total]")
            .await
            .unwrap()
            .contains("3,000.00"));
    }
    b.goto("/lang?to=zh&next=/").await.unwrap();
    b.close().await.unwrap();
}
