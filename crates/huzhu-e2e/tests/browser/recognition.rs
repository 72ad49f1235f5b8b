//! A craftsman recognition call in the browser (SPEC 7.8, issue 17): the city opens it and keeps
//! three experts; the district nominates two members; the city confirms, scores, approves the
//! ranking and starts the 公示 (masked names on the public page); an objection to the second
//! nominee is upheld and withdraws them; after the window the first is awarded and a certificate
//! prints.

use crate::start_at;
use chrono::{Duration, TimeZone, Utc};
use huzhu_app::{Clock, SettableClock};
use huzhu_e2e::{Browser, Viewport};

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

async fn set(b: &Browser, css: &str, value: &str) {
    b.js(
        &format!("document.querySelector({css:?}).value = {value:?}; return null;"),
        vec![],
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recognition_call_runs_through_its_notice_with_an_objection_upheld() {
    let clock = SettableClock::new(Utc.with_ymd_and_hms(2026, 12, 7, 2, 0, 0).unwrap());
    let Some((server, b)) = start_at("recognition_flow", Viewport::DESKTOP, clock.clone()).await
    else {
        return;
    };
    let members = crate::access::members_of(&server.store, "LA-01-001", 2).await;

    b.sign_in("city.staff").await.unwrap();
    b.goto("/recognition").await.unwrap();
    set(&b, "#name", "浏览器测试工匠").await;
    submit(&b, "[data-testid=call-form]").await;
    let call = b.path().await.unwrap();
    assert!(call.starts_with("/recognition/"), "{call}");
    let mut experts = Vec::new();
    for (i, unit) in ["HZ", "SC-01-001", "GS"].iter().enumerate() {
        b.goto("/recognition/experts").await.unwrap();
        b.type_into("#name", &format!("专家{}", ["甲", "乙", "丙"][i]))
            .await
            .unwrap();
        b.type_into("#org", unit).await.unwrap();
        submit(&b, "[data-testid=expert-form]").await;
        let id = b
            .js(
                "const rows = document.querySelectorAll('[data-testid=experts] tbody tr'); \
                 return rows[rows.length - 1].cells[0].textContent.trim();",
                vec![],
            )
            .await
            .unwrap();
        experts.push(id.as_str().unwrap().to_string());
    }
    b.sign_out().await.unwrap();

    b.sign_in("district.staff").await.unwrap();
    let mut nominations = Vec::new();
    for m in &members {
        b.goto(&call).await.unwrap();
        b.type_into("#member_id", &m.id.0.to_string())
            .await
            .unwrap();
        b.type_into("#field", "工业互联网").await.unwrap();
        b.type_into("#achievements", "主持数字化产线改造")
            .await
            .unwrap();
        b.type_into("#field_years", "8").await.unwrap();
        b.type_into("#city_years", "5").await.unwrap();
        submit(&b, "[data-testid=nominate-form]").await;
        nominations.push(b.path().await.unwrap());
    }
    b.sign_out().await.unwrap();

    b.sign_in("city.staff").await.unwrap();
    for (n, scores) in nominations
        .iter()
        .zip([["92", "90", "94"], ["85", "86", "84"]])
    {
        b.goto(n).await.unwrap();
        submit(&b, "[data-testid=confirm-form]").await;
        for (e, s) in experts.iter().zip(scores) {
            set(&b, "#expert_id", e).await;
            b.type_into("#score", s).await.unwrap();
            submit(&b, "[data-testid=score-form]").await;
        }
    }
    b.goto(&call).await.unwrap();
    set(&b, "#award_count", "2").await;
    submit(&b, "[data-testid=ranking-form]").await;
    submit(&b, "[data-testid=notice-form]").await;
    assert_eq!(b.text("[data-testid=call-state]").await.unwrap(), "公示中");
    // The public page: masked names only.
    b.goto("/notices").await.unwrap();
    let public = b.text("[data-testid=public-nominations]").await.unwrap();
    for m in &members {
        assert!(!public.contains(m.record.name.as_str()), "{public}");
    }
    assert!(public.contains('*'), "{public}");
    // An objection to the second nominee, upheld: withdrawn.
    b.goto(&nominations[1]).await.unwrap();
    b.type_into("#content", "反映业绩材料不实").await.unwrap();
    submit(&b, "[data-testid=objection-form]").await;
    let form = b
        .js(
            "return document.querySelector('[data-testid^=settle-form-]').dataset.testid;",
            vec![],
        )
        .await
        .unwrap();
    let form = format!("[data-testid={}]", form.as_str().unwrap());
    b.type_into(&format!("{form} input[name=reason]"), "经核查属实")
        .await
        .unwrap();
    submit(&b, &form).await;
    assert_eq!(
        b.text("[data-testid=nomination-state]").await.unwrap(),
        "已撤销"
    );
    // After the window: the award.
    clock.set(Clock::now(&clock) + Duration::days(20));
    // Twenty days on, the session has expired: sign in again.
    b.sign_in("city.staff").await.unwrap();
    b.goto(&call).await.unwrap();
    submit(&b, "[data-testid=award-form]").await;
    assert_eq!(b.text("[data-testid=call-state]").await.unwrap(), "已授予");
    b.click("[data-testid=certificates]").await.unwrap();
    b.wait_for(".certificate").await.unwrap();
    let certs = b.texts(".certificate").await.unwrap();
    assert_eq!(certs.len(), 1, "{certs:?}");
    assert!(certs[0].contains(members[0].record.name.as_str()));
    b.close().await.unwrap();
}
