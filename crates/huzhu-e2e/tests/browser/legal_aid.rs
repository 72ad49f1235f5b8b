//! A legal-aid case in the browser (SPEC 7.7, issue 17): a unit officer opens it for a member;
//! district staff add a lawyer to the panel, check the eligibility, approve, assign, record a
//! mediation and close it with the amount recovered; the timeline shows every step.

use crate::start;
use huzhu_e2e::{Browser, Viewport};

/// Clicks the submit button of `form` and waits for the page that answers.
async fn submit(b: &Browser, form: &str) {
    b.js("window.__huzhuMark = 1; return null;", vec![])
        .await
        .unwrap();
    b.click(&format!("{form} button[type=submit]"))
        .await
        .unwrap_or_else(|e| panic!("{form}: {e:#}"));
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

async fn state(b: &Browser) -> String {
    b.text("[data-testid=case-state]").await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_legal_aid_case_runs_from_intake_to_closing() {
    let Some((server, b)) = start("legal_aid_flow", Viewport::DESKTOP).await else {
        return;
    };
    let member = crate::access::members_of(&server.store, "LA-01-001", 1)
        .await
        .remove(0);

    b.sign_in("officer.la01001").await.unwrap();
    b.goto("/legal-aid").await.unwrap();
    b.type_into("#member_id", &member.id.0.to_string())
        .await
        .unwrap();
    b.type_into("#summary", "公司拖欠两个月工资").await.unwrap();
    submit(&b, "[data-testid=legal-aid-form]").await;
    let case = b.path().await.unwrap();
    assert!(case.starts_with("/legal-aid/"), "{case}");
    assert_eq!(state(&b).await, "已受理");
    b.sign_out().await.unwrap();

    b.sign_in("district.staff").await.unwrap();
    b.goto("/legal-aid/lawyers").await.unwrap();
    b.type_into("#name", "陈立明").await.unwrap();
    b.type_into("#firm", "临安某律师事务所").await.unwrap();
    submit(&b, "[data-testid=lawyer-form]").await;
    // The work queue lists the case.
    b.goto("/legal-aid").await.unwrap();
    let id = case.trim_start_matches("/legal-aid/");
    assert!(b.exists(&format!("[data-testid=case-{id}]")).await.unwrap());
    b.goto(&case).await.unwrap();
    submit(&b, "[data-testid=check-form]").await;
    assert_eq!(state(&b).await, "符合条件");
    b.type_into("#approve-note", "符合援助条件").await.unwrap();
    submit(&b, "[data-testid=approve-form]").await;
    assert_eq!(state(&b).await, "已批准");
    submit(&b, "[data-testid=assign-form]").await;
    assert_eq!(state(&b).await, "已指派律师");
    assert!(b
        .text("[data-testid=case-lawyer]")
        .await
        .unwrap()
        .contains("陈立明"));
    b.js(
        "document.querySelector('#activity').value = 'mediation'; return null;",
        vec![],
    )
    .await
    .unwrap();
    b.type_into("#record-note", "组织双方调解").await.unwrap();
    submit(&b, "[data-testid=record-form]").await;
    assert_eq!(state(&b).await, "办理中");
    b.js(
        "document.querySelector('#outcome').value = 'mediated'; \
         document.querySelector('#recovered').value = '8000'; return null;",
        vec![],
    )
    .await
    .unwrap();
    b.type_into("#close-note", "调解结案").await.unwrap();
    submit(&b, "[data-testid=close-form]").await;
    assert_eq!(state(&b).await, "已结案");
    let recovered = b.text("[data-testid=case-recovered]").await.unwrap();
    assert!(recovered.contains("8,000.00"), "{recovered}");
    let timeline = b.text("[data-testid=case-timeline]").await.unwrap();
    for step in [
        "受理",
        "资格审查",
        "区级批准",
        "指派律师",
        "记录办理",
        "结案",
    ] {
        assert!(timeline.contains(step), "{step} missing: {timeline}");
    }
    b.close().await.unwrap();
}
