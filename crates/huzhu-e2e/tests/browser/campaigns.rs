//! A care campaign in the browser (SPEC 7.4, issue 15): city staff open it and list a worker by
//! hand; a district officer adding the same worker sees the refusal naming the city; the visit
//! and the gift pack are recorded (in English); the city grants the cash after seeing the total
//! and the fund's balance; finance finds the grant in a payout batch.

use crate::start;
use huzhu_app::model::Campaign;
use huzhu_domain::access::{Actor, Role};
use huzhu_domain::grant::FundKind;
use huzhu_domain::money::Money;
use huzhu_domain::org::{OrgCode, OrgLevel};
use huzhu_e2e::{Browser, Viewport};
use huzhu_store::campaign::CampaignStore;
use huzhu_store::{GrantStore, OrgScope, Store};

/// Clicks the submit button of `form`, accepts a confirmation if one is asked, and waits for the
/// page that answers (a mark set on this document is gone).
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_is_listed_refused_twice_visited_granted_and_paid_in_a_batch() {
    let Some((server, b)) = start("campaigns_flow", Viewport::DESKTOP).await else {
        return;
    };
    // A worker of LA-01-001 with a bank account, so that the batch pays them.
    let worker = crate::access::members_of(&server.store, "LA-01-001", 64)
        .await
        .into_iter()
        .find(|m| m.record.bank_account.is_some())
        .expect("a member with a bank account in LA-01-001");
    let id_number = worker.record.id_number.as_str().to_string();
    let city_name = server
        .store
        .org(&OrgCode::parse("HZ").unwrap())
        .await
        .unwrap()
        .name;

    // City staff open the campaign (the demo may hold it already: one campaign a programme)
    // and list the worker by hand.
    b.sign_in("city.staff").await.unwrap();
    b.goto("/campaigns").await.unwrap();
    if b.exists("main td a[href^='/campaigns/']").await.unwrap() {
        b.click("main td a[href^='/campaigns/']").await.unwrap();
        b.wait_until("the campaign page", || async {
            b.exists("[data-testid=add-by-hand]").await
        })
        .await
        .unwrap();
    } else {
        submit(&b, "[data-testid=campaign-form]").await;
    }
    let at = b.path().await.unwrap();
    assert!(at.starts_with("/campaigns/"), "{at}");
    b.type_into("#id_number", &id_number).await.unwrap();
    b.type_into("#reason", "突发困难，市总走访").await.unwrap();
    b.find("#cash").await.unwrap().clear().await.unwrap();
    b.type_into("#cash", "1000").await.unwrap();
    b.click("#gift_pack").await.unwrap();
    submit(&b, "[data-testid=add-by-hand]").await;
    let outcome = b.text("[data-testid=outcome]").await.unwrap();
    assert!(outcome.contains("列入名单 1 人"), "{outcome}");
    let row = format!("[data-testid=recipient-{}]", worker.id.0);
    let text = b.text(&row).await.unwrap();
    assert!(text.contains("1,000.00"), "{text}");
    assert!(
        !text.contains(&id_number),
        "the ID number is masked: {text}"
    );
    b.sign_out().await.unwrap();

    // A district officer adds the same worker: refused, naming the city.
    b.sign_in("district.staff").await.unwrap();
    b.goto(&at).await.unwrap();
    b.type_into("#id_number", &id_number).await.unwrap();
    b.type_into("#reason", "区总走访名单").await.unwrap();
    submit(&b, "[data-testid=add-by-hand]").await;
    let outcome = b.text("[data-testid=outcome]").await.unwrap();
    assert!(
        outcome.contains(&format!("已在{city_name}的名单上")),
        "{outcome}"
    );
    // In English: the visit and the gift pack.
    b.click("header a[href^='/lang']").await.unwrap();
    b.goto(&at).await.unwrap();
    assert!(b.text("main").await.unwrap().contains("Recipients"));
    b.type_into(
        &format!("#visitor-{}", recipient_id(&server, &at, worker.id.0).await),
        "王主席",
    )
    .await
    .unwrap();
    submit(&b, &format!("[data-testid=visit-{}]", worker.id.0)).await;
    let rid = recipient_id(&server, &at, worker.id.0).await;
    submit(&b, &format!("form[action='{at}/recipients/{rid}/gift']")).await;
    let text = b.text(&row).await.unwrap();
    assert!(text.contains("handed out"), "{text}");
    let text = b.text(&row).await.unwrap();
    assert!(text.contains("王主席"), "{text}");
    b.click("header a[href^='/lang']").await.unwrap();
    b.sign_out().await.unwrap();

    // Money in the campaign fund, then the city grants: the total and the balance first.
    let finance = Actor {
        user_id: 1,
        username: "finance".into(),
        display_name: "finance".into(),
        role: Role::Finance,
        org: OrgCode::parse("HZ").unwrap(),
        org_level: OrgLevel::City,
        member_id: None,
    };
    // The city grants everyone of its list with cash and no grant yet (the demo's campaign may
    // hold others beside the worker): the page shows that total and the fund's balance first.
    let c = campaign_of(&server, &at).await;
    let waiting: Vec<_> = server
        .store
        .recipients(c.id, &OrgScope::Everything, 0, 100_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.grant.is_none() && r.cash.fen() > 0)
        .collect();
    assert!(waiting.iter().any(|r| r.member == worker.id));
    let total = Money::from_fen(waiting.iter().map(|r| r.cash.fen()).sum());
    let before = server
        .store
        .fund_balances(&OrgCode::parse("HZ").unwrap())
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.fund == FundKind::Campaign)
        .map_or(Money::ZERO, |f| f.balance);
    let deposit = Money::from_fen(total.fen() + 500_000);
    huzhu_app::grant::deposit(
        &server.store,
        &huzhu_app::SystemClock,
        &finance,
        FundKind::Campaign,
        deposit,
        "送温暖经费",
    )
    .await
    .unwrap();
    b.sign_in("city.staff").await.unwrap();
    b.goto(&at).await.unwrap();
    let shown = b.text("[data-testid=grant-total]").await.unwrap();
    assert!(
        shown.contains(&total.yuan_string()),
        "the total before confirming: {shown}, expected {}",
        total.yuan_string()
    );
    let balance = b.text("[data-testid=fund-balance]").await.unwrap();
    let expected = Money::from_fen(before.fen() + deposit.fen()).yuan_string();
    assert!(
        balance.contains(&expected),
        "the fund's balance: {balance}, expected {expected}"
    );
    b.click("#grant-confirm").await.unwrap();
    submit(&b, "[data-testid=grant-form]").await;
    let outcome = b.text("[data-testid=outcome]").await.unwrap();
    assert!(
        outcome.contains(&format!("发放慰问金 {} 人", waiting.len())),
        "{outcome}"
    );
    let grant = campaign_grant(&server, &at, worker.id.0).await;
    b.sign_out().await.unwrap();

    // Finance builds a payout batch: the grant is a line of it.
    b.sign_in("finance").await.unwrap();
    b.goto("/payouts").await.unwrap();
    submit(&b, "form[action='/payouts']").await;
    b.wait_for("[data-testid=batch-status]").await.unwrap();
    assert!(
        b.exists(&format!("a[href='/grants/{grant}']"))
            .await
            .unwrap(),
        "the grant's line in {}",
        b.path().await.unwrap()
    );
    b.close().await.unwrap();
}

async fn campaign_of(server: &huzhu_e2e::DemoServer, at: &str) -> Campaign {
    let id: i64 = at.trim_start_matches("/campaigns/").parse().unwrap();
    server
        .store
        .campaign(id, &OrgScope::Everything)
        .await
        .unwrap()
}

/// The worker's entry on the campaign's list.
async fn recipient_id(server: &huzhu_e2e::DemoServer, at: &str, member: i64) -> i64 {
    let c = campaign_of(server, at).await;
    server
        .store
        .recipients(c.id, &OrgScope::Everything, 0, 100_000)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.member.0 == member)
        .expect("listed")
        .id
}

async fn campaign_grant(server: &huzhu_e2e::DemoServer, at: &str, member: i64) -> i64 {
    let c = campaign_of(server, at).await;
    let r = server
        .store
        .recipients(c.id, &OrgScope::Everything, 0, 100_000)
        .await
        .unwrap();
    r.iter()
        .find(|r| r.member.0 == member)
        .and_then(|r| r.grant)
        .expect("granted")
        .0
}
