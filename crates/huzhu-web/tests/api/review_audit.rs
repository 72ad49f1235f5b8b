//! Expert review outcomes, the refusal letter's appeal deadline and the audit log's filters and
//! export, through the API and the console (issue 13).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::helpers::{spawn_app, TestApp};
use crate::money::{act, claim_with_documents, enrol_and_pay, in_service_woman, set_day};
use axum::http::StatusCode;
use serde_json::{json, Value};

/// A claim of `LA-01-001`'s member, accepted (so computed) and sent to the medical reviewer.
async fn at_the_expert(app: &TestApp) -> i64 {
    enrol_and_pay(app).await;
    set_day(app, 2022, 6, 1);
    let officer = app.login("officer.la01001").await;
    let member = in_service_woman(app, &officer).await;
    let (id, _) = claim_with_documents(app, &officer, member).await;
    let staff = app.login("city.staff").await;
    let (status, c) = act(app, &staff, id, json!({"action": "accept"})).await;
    assert_eq!(status, StatusCode::OK, "{c}");
    let (status, c) = act(
        app,
        &staff,
        id,
        json!({"action": "send_to_expert", "reason": "抽查"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(c["state"], "expert_review");
    id
}

fn html(r: &crate::helpers::Raw) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

/// A console page (or file), as the browser gets it.
async fn console(app: &TestApp, token: &str, uri: &str) -> crate::helpers::Raw {
    app.call(
        axum::http::Request::get(uri)
            .header("authorization", format!("Bearer {token}"))
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn an_expert_who_disagrees_sends_the_claim_to_refusal_and_the_letter_gives_the_appeal_deadline(
) {
    let app = spawn_app().await;
    let id = at_the_expert(&app).await;
    let reviewer = app.login("reviewer").await;
    // The claim's page offers the three opinions to the medical reviewer.
    let page = html(&console(&app, &reviewer, &format!("/claims/{id}")).await);
    for action in ["expert_clear", "expert_disagree", "expert_more_documents"] {
        assert!(
            page.contains(&format!("value=\"{action}\"")),
            "{action}: {page}"
        );
    }
    // Disagreeing needs reasons.
    let (status, body) = act(&app, &reviewer, id, json!({"action": "expert_disagree"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "reason");
    let (status, c) = act(
        &app,
        &reviewer,
        id,
        json!({"action": "expert_disagree", "reason": "病理报告与诊断不符"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(c["state"], "reviewed");
    assert_eq!(c["expert_opinion"]["verdict"], "disagree");
    assert_eq!(c["expert_opinion"]["verdict_label"], "不同意");
    assert_eq!(c["expert_opinion"]["text"], "病理报告与诊断不符");
    assert_eq!(c["expert_opinion"]["by"], "reviewer");

    // The approver cannot approve it: 409 naming the expert.
    let staff = app.login("city.staff").await;
    let (status, body) = act(&app, &staff, id, json!({"action": "approve"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("不同意"),
        "{body}"
    );
    // Their page shows the opinion, offers no approval and starts the refusal from it.
    let page = html(&console(&app, &staff, &format!("/claims/{id}")).await);
    assert!(page.contains("data-verdict=\"disagree\""), "{page}");
    assert!(page.contains("病理报告与诊断不符"));
    assert!(!page.contains("value=\"approve\""), "{page}");
    assert!(
        page.contains("专家意见：病理报告与诊断不符</textarea>"),
        "{page}"
    );

    let (status, c) = act(
        &app,
        &staff,
        id,
        json!({"action": "reject", "reason": "专家意见：病理报告与诊断不符"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(c["state"], "rejected");
    assert_eq!(c["appeal_deadline"], "2022-07-31");

    // The refusal letter: the appeal deadline, and no word of a bank transfer.
    let officer = app.login("officer.la01001").await;
    let letter = html(&console(&app, &officer, &format!("/claims/{id}/letter")).await);
    assert!(letter.contains("不予补助通知书"), "{letter}");
    assert!(letter.contains("data-testid=\"letter-appeal\""), "{letter}");
    assert!(
        letter.contains("2022-07-31") || letter.contains("2022年7月31日"),
        "{letter}"
    );
    assert!(
        !letter.contains("data-testid=\"letter-payment\""),
        "{letter}"
    );
    assert!(
        !letter.contains("补助金将通过银行转入"),
        "a refusal never speaks of the bank: {letter}"
    );

    // Past the deadline an appeal is refused.
    set_day(&app, 2022, 8, 1);
    let officer = app.login("officer.la01001").await;
    let (status, body) = act(
        &app,
        &officer,
        id,
        json!({"action": "appeal", "reason": "不服"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("申诉期限"),
        "{body}"
    );
}

#[tokio::test]
async fn an_expert_who_needs_documents_returns_the_claim_naming_them() {
    let app = spawn_app().await;
    let id = at_the_expert(&app).await;
    let reviewer = app.login("reviewer").await;
    let (status, body) = act(
        &app,
        &reviewer,
        id,
        json!({"action": "expert_more_documents", "missing": [" "]}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "missing");
    let (status, c) = act(
        &app,
        &reviewer,
        id,
        json!({"action": "expert_more_documents", "missing": ["pathology_report", "既往病历"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(c["state"], "returned");
    assert_eq!(c["returned_for"], json!(["pathology_report", "既往病历"]));
    assert_eq!(c["expert_opinion"]["verdict"], "more_documents");
    // The officer sees what is asked for, by name.
    let officer = app.login("officer.la01001").await;
    let page = html(&console(&app, &officer, &format!("/claims/{id}")).await);
    assert!(page.contains("退回时要求补交："), "{page}");
    assert!(page.contains("既往病历"), "{page}");
    assert!(
        page.contains("病理"),
        "the policy's document by its name: {page}"
    );
}

/// The entries an audit read answers (200 expected).
async fn audit(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let uri = format!("/api/v1/audit?{query}");
    let (status, body) = app.get_as(token, &uri).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    body.as_array().unwrap().clone()
}

/// Of `entries`, those about claim `id` (other claims' steps left out: the demo may have some).
fn about(entries: Vec<Value>, id: i64) -> Vec<Value> {
    entries
        .into_iter()
        .filter(|e| {
            !e["action"].as_str().unwrap().starts_with("claim.")
                || e["subject"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("申请 {id} "))
        })
        .collect()
}

#[tokio::test]
async fn the_audit_log_is_filtered_by_day_actor_org_and_action_and_exported() {
    let app = spawn_app().await;
    let id = at_the_expert(&app).await;
    let auditor = app.login("auditor").await;
    // The enrolment, the bill's payment and each step of the claim are in it, amounts in 元.
    for a in [
        "enrolment",
        "bill.paid",
        "claim.submit",
        "claim.accept",
        "claim.compute",
        "claim.send_to_expert",
    ] {
        let found = about(
            audit(&app, &auditor, &format!("action={a}&limit=500")).await,
            id,
        );
        assert!(!found.is_empty(), "{a}");
        for e in &found {
            let d = e["detail"].as_str().unwrap();
            assert!(!d.contains("fen"), "amounts read in 元: {d}");
        }
    }
    let enrolment = &audit(&app, &auditor, "action=enrolment").await[0];
    assert!(
        enrolment["detail"].as_str().unwrap().contains(" 元"),
        "{enrolment}"
    );
    assert_eq!(enrolment["action_label"], "单位参保");

    let accepted = about(audit(&app, &auditor, "action=claim.accept").await, id);
    assert_eq!(accepted.len(), 1);
    assert_eq!(accepted[0]["actor"], "city.staff");
    assert_eq!(accepted[0]["org"], "LA-01-001");
    assert!(accepted[0]["detail"]
        .as_str()
        .unwrap()
        .starts_with("已提交 → 已受理"));
    // By day (China's date): the claim was accepted on 2022-06-01; by org.
    for (q, n) in [
        ("from=2022-06-01&to=2022-06-01", 1),
        ("to=2022-05-31", 0),
        ("from=2022-06-02", 0),
        ("org=SC", 0),
        ("org=LA-01", 1),
    ] {
        let found = about(
            audit(&app, &auditor, &format!("action=claim.accept&{q}")).await,
            id,
        );
        assert_eq!(found.len(), n, "{q}");
    }
    // By actor.
    let by_finance = audit(&app, &auditor, "actor=finance").await;
    assert!(!by_finance.is_empty());
    assert!(by_finance.iter().all(|e| e["actor"] == "finance"));
    // A bad day is a 400 naming the field.
    let (status, body) = app.get_as(&auditor, "/api/v1/audit?from=June").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["field"], "from");

    // The export: a workbook of what the filter finds, itself in the log.
    let raw = app
        .get_bytes_as(
            &auditor,
            "/api/v1/audit/export.xlsx?action=claim.accept&actor=city.staff&from=2022-06-01",
        )
        .await;
    assert_eq!(raw.status, StatusCode::OK);
    assert!(raw.body.starts_with(b"PK"));
    let file = console(
        &app,
        &auditor,
        "/audit/export.xlsx?from=2022-06-01&actor=city.staff",
    )
    .await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(file.body.starts_with(b"PK"));
    let exports = audit(&app, &auditor, "action=audit.export").await;
    assert_eq!(exports.len(), 2);
    assert!(exports.iter().all(|e| e["actor"] == "auditor"));
    assert!(
        exports[1]["detail"].as_str().unwrap().starts_with("1 条"),
        "{}",
        exports[1]
    );
    // A member may not export it.
    let member = app.login("member.demo").await;
    let (status, _) = app.get_as(&member, "/api/v1/audit/export.xlsx").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The console page filters the same way and links the export as filtered.
    let page = html(
        &console(
            &app,
            &auditor,
            "/audit?action=claim.accept&actor=city.staff&from=2022-06-01&to=2022-06-30",
        )
        .await,
    );
    assert_eq!(
        page.matches("data-action=\"claim.accept\"").count(),
        1,
        "{page}"
    );
    assert!(!page.contains("data-action=\"enrolment\""), "{page}");
    assert!(page.contains("受理申请"), "the action in words: {page}");
    assert!(
        page.contains("/audit/export.xlsx?from=2022-06-01&#38;to=2022-06-30&#38;actor=city.staff"),
        "{page}"
    );
}
