//! A claim through the browser: a unit officer submits it with photos of the documents (file
//! inputs), the window accepts and reviews it, the city approves it; another unit's officer
//! cannot open it by URL.

use crate::start_at;
use chrono::{TimeZone, Utc};
use huzhu_domain::member::EmploymentStatus;
use huzhu_domain::Gender;
use huzhu_e2e::{Browser, Viewport};
use serde_json::json;

/// A 1×1 PNG.
const PNG: [u8; 69] = [
    0x89, 0x50, 0x4e, 0x47, 0xd, 0xa, 0x1a, 0xa, 0x0, 0x0, 0x0, 0xd, 0x49, 0x48, 0x44, 0x52, 0x0,
    0x0, 0x0, 0x1, 0x0, 0x0, 0x0, 0x1, 0x8, 0x2, 0x0, 0x0, 0x0, 0x90, 0x77, 0x53, 0xde, 0x0, 0x0,
    0x0, 0xc, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xd8, 0x2e, 0x23, 0x3, 0x0, 0x2, 0x7d, 0x0,
    0xf0, 0xf1, 0x58, 0xce, 0x9b, 0x0, 0x0, 0x0, 0x0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60,
    0x82,
];

/// The document kinds a form marks as needed (`*`), read from the select `css`.
async fn needed_kinds(b: &Browser, css: &str) -> Vec<String> {
    let v = b
        .js(
            "return Array.from(document.querySelectorAll(arguments[0] + ' option'))\
             .filter(o => o.text.trim().endsWith('*')).map(o => o.value);",
            vec![json!(css)],
        )
        .await
        .unwrap();
    serde_json::from_value(v).unwrap()
}

async fn set_value(b: &Browser, css: &str, value: &str) {
    b.js(
        "document.querySelector(arguments[0]).value = arguments[1]; return null;",
        vec![json!(css), json!(value)],
    )
    .await
    .unwrap();
}

/// The claim's state code, from its badge.
async fn state(b: &Browser) -> String {
    let class = b
        .find("[data-testid=state]")
        .await
        .unwrap()
        .attr("class")
        .await
        .unwrap()
        .unwrap_or_default();
    class
        .split_whitespace()
        .find_map(|c| c.strip_prefix("state-"))
        .unwrap_or_default()
        .to_string()
}

/// Presses an action's button on the claim page (writing `reason` first when given), accepts
/// its confirmation if it asks, and waits for the page to come back.
async fn act(b: &Browser, id: i64, action: &str, reason: Option<&str>) {
    b.goto(&format!("/claims/{id}")).await.unwrap();
    let form = format!("form.action-{action}");
    if let Some(r) = reason {
        b.type_into(&format!("{form} textarea[name=reason]"), r)
            .await
            .unwrap();
    }
    b.js("window.__huzhuMark = 1; return null;", vec![])
        .await
        .unwrap();
    b.click(&format!("{form} button[type=submit]"))
        .await
        .unwrap_or_else(|e| panic!("{action} on claim {id}: {e:#}"));
    if b.client.get_alert_text().await.is_ok() {
        b.client.accept_alert().await.unwrap();
    }
    b.wait_until("the claim page after the action", || async {
        Ok(
            b.js("return window.__huzhuMark || null;", vec![]).await? == json!(null)
                && b.exists("[data-testid=state]").await?,
        )
    })
    .await
    .unwrap_or_else(|e| panic!("{action} on claim {id}: {e:#}"));
    assert!(
        !b.exists(".error-page, .alert.error").await.unwrap(),
        "{action} on claim {id} failed: {}",
        b.text("main").await.unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_submits_with_photos_and_the_claim_is_walked_to_payment() {
    // In the demo cycle's year: a 2022 claim is submitted in 2022.
    let clock = huzhu_app::SettableClock::new(Utc.with_ymd_and_hms(2022, 7, 15, 2, 0, 0).unwrap());
    let Some((server, b)) = start_at("claims_flow", Viewport::DESKTOP, clock).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("申请材料.png");
    std::fs::write(&png, PNG).unwrap();
    // An in-service woman of the officer's unit with a bank account, not the demo's claimant.
    let member = crate::access::members_of(&server.store, "LA-01-001", 64)
        .await
        .into_iter()
        .filter(|m| {
            m.record.status == EmploymentStatus::InService
                && m.record.gender == Gender::Female
                && m.record.bank_account.is_some()
        })
        .nth(1)
        .expect("a second in-service woman with a bank account in LA-01-001");

    b.sign_in("officer.la01001").await.unwrap();
    b.goto(&format!(
        "/claims/new?member={}&kind=hospital_stay",
        member.id.0
    ))
    .await
    .unwrap();
    set_value(&b, "#admitted", "2022-06-20").await;
    set_value(&b, "#discharged", "2022-06-30").await;
    b.type_into("#diag_disease_0", "md01").await.unwrap();
    set_value(&b, "#diag_date_0", "2022-06-20").await;
    let first = b.find("#diag_first_0").await.unwrap();
    if first.prop("checked").await.unwrap().as_deref() != Some("true") {
        first.click().await.unwrap();
    }
    b.type_into("#total", "50,000.00").await.unwrap();
    b.type_into("#self_borne", "12,000.00").await.unwrap();
    b.type_into("#invoices", "INV-BROWSER-1").await.unwrap();
    let needed = needed_kinds(&b, "#doc_kind_0").await;
    assert!(
        !needed.is_empty(),
        "the form names the documents a stay needs"
    );
    let mut uploaded = Vec::new();
    for (row, kind) in needed.iter().take(4).enumerate() {
        b.find(&format!("#doc_kind_{row}"))
            .await
            .unwrap()
            .select_by_value(kind)
            .await
            .unwrap();
        b.find(&format!("#doc_file_{row}"))
            .await
            .unwrap()
            .send_keys(png.to_str().unwrap())
            .await
            .unwrap();
        uploaded.push(kind.clone());
    }
    b.click("form.claim-form button[type=submit]")
        .await
        .unwrap();
    b.wait_for("[data-testid=state]").await.unwrap();
    let path = b.path().await.unwrap();
    let id: i64 = path
        .strip_prefix("/claims/")
        .map(|p| p.split('?').next().unwrap_or(p))
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("after submitting, the browser is on {path}"));
    assert_eq!(state(&b).await, "submitted");
    assert!(
        b.text("[data-testid=done]")
            .await
            .unwrap()
            .contains("申请已提交"),
        "the page says the claim was submitted"
    );
    let kinds = b.texts("tr[data-kind]").await.unwrap();
    assert_eq!(kinds.len(), uploaded.len(), "documents listed: {kinds:?}");
    assert!(b.text("main").await.unwrap().contains("申请材料.png"));

    // The rest of the documents (the claim's page knows what its diagnosis needs too), one
    // upload at a time.
    let listed: Vec<String> = serde_json::from_value(
        b.js(
            "return Array.from(document.querySelectorAll('tr[data-kind]')).map(t => t.dataset.kind);",
            vec![],
        )
        .await
        .unwrap(),
    )
    .unwrap();
    assert_eq!(listed, uploaded);
    let missing: Vec<String> = needed_kinds(&b, "form.upload-form #doc_kind_0")
        .await
        .into_iter()
        .filter(|k| !listed.contains(k))
        .collect();
    assert!(!missing.is_empty(), "more than four kinds are needed");
    for kind in &missing {
        b.find("form.upload-form #doc_kind_0")
            .await
            .unwrap()
            .select_by_value(kind)
            .await
            .unwrap();
        b.find("form.upload-form #doc_file_0")
            .await
            .unwrap()
            .send_keys(png.to_str().unwrap())
            .await
            .unwrap();
        b.click("form.upload-form button[type=submit]")
            .await
            .unwrap();
        b.wait_until("the upload to be listed", || async {
            b.exists(&format!("tr[data-kind='{kind}']")).await
        })
        .await
        .unwrap();
    }

    // Another unit's officer cannot open it by URL: 未找到, like a claim that does not exist.
    b.sign_out().await.unwrap();
    b.sign_in("officer.sc01001").await.unwrap();
    for path in [format!("/claims/{id}"), format!("/claims/{id}/letter")] {
        b.goto(&path).await.unwrap();
        assert_eq!(b.text("main h1").await.unwrap(), "未找到", "{path}");
        assert!(!b.exists("[data-testid=state]").await.unwrap());
    }
    b.sign_out().await.unwrap();

    // The district window accepts (which computes) and reviews it.
    b.sign_in("district.staff").await.unwrap();
    act(&b, id, "accept", None).await;
    assert_eq!(state(&b).await, "computed");
    let payable = b.text("[data-testid=payable]").await.unwrap();
    assert!(payable.starts_with('¥') && payable != "¥0.00", "{payable}");
    act(&b, id, "review", None).await;
    if state(&b).await != "reviewed" {
        // Selected for expert review: the medical reviewer clears it.
        act(&b, id, "send_to_expert", Some("抽查")).await;
        assert_eq!(state(&b).await, "expert_review");
        b.sign_out().await.unwrap();
        b.sign_in("reviewer").await.unwrap();
        act(&b, id, "expert_clear", Some("诊断与病种相符")).await;
        b.sign_out().await.unwrap();
        b.sign_in("district.staff").await.unwrap();
        b.goto(&format!("/claims/{id}")).await.unwrap();
    }
    assert_eq!(state(&b).await, "reviewed");
    // Item B (a major disease) is approved by the city: the district is refused, if offered.
    if b.exists("form.action-approve").await.unwrap() {
        b.click("form.action-approve button[type=submit]")
            .await
            .unwrap();
        if b.client.get_alert_text().await.is_ok() {
            b.client.accept_alert().await.unwrap();
        }
        b.wait_for(".error-page, .alert.error").await.unwrap();
        b.goto(&format!("/claims/{id}")).await.unwrap();
        assert_eq!(state(&b).await, "reviewed");
    }
    b.sign_out().await.unwrap();

    b.sign_in("city.staff").await.unwrap();
    act(&b, id, "approve", None).await;
    assert_eq!(state(&b).await, "approved");
    assert_eq!(b.text("[data-testid=state]").await.unwrap(), "已审批");
    assert_eq!(b.text("[data-testid=approved]").await.unwrap(), payable);
    b.sign_out().await.unwrap();

    // Finance builds a payout batch for 临安区; the cashier settles it as paid (four eyes: the
    // account that built a batch does not settle it).
    b.sign_in("finance").await.unwrap();
    b.goto("/payouts").await.unwrap();
    b.find("#org")
        .await
        .unwrap()
        .select_by_value("LA")
        .await
        .unwrap();
    b.click("form[action='/payouts'] button[type=submit]")
        .await
        .unwrap();
    if b.client.get_alert_text().await.is_ok() {
        b.client.accept_alert().await.unwrap();
    }
    b.wait_for("[data-testid=batch-status]").await.unwrap();
    let batch = b.path().await.unwrap();
    assert!(
        b.text("main").await.unwrap().contains(&format!("{id}")),
        "{batch}"
    );
    let settle = b
        .js(
            "return document.querySelector(\"form[action$='/settle']\").getAttribute('action')",
            vec![],
        )
        .await
        .unwrap();
    let batch_page = settle
        .as_str()
        .unwrap()
        .trim_end_matches("/settle")
        .to_string();
    b.sign_out().await.unwrap();
    b.sign_in("cashier").await.unwrap();
    b.goto(&batch_page).await.unwrap();
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
    b.goto(&format!("/claims/{id}")).await.unwrap();
    assert_eq!(state(&b).await, "paid", "after settling {batch}");
    assert_eq!(b.text("[data-testid=state]").await.unwrap(), "已支付");
    b.close().await.unwrap();
}
