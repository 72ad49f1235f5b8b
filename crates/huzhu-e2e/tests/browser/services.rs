//! The 81890 directory in the browser (issue 16): on a 390 px phone a visitor searches the
//! directory; a member signs in and requests a service; staff accept it for a team and complete
//! it; the member scores it; the service centre's figures count it, satisfaction included.

use crate::pairing::fits_a_phone;
use crate::start;
use chrono::Datelike;
use huzhu_app::Clock;
use huzhu_e2e::Viewport;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_request_goes_to_completion_and_its_score_shows_in_the_figures() {
    let Some((server, b)) = start("services_flow", Viewport::PHONE).await else {
        return;
    };
    huzhu_app::demo_programmes::demo_pairing::load_pairing_demo(&server.store)
        .await
        .unwrap();
    b.goto("/services").await.unwrap();
    fits_a_phone(&b, "the directory").await;
    b.type_into("#q", "维修").await.unwrap();
    b.click("form.search button[type=submit]").await.unwrap();
    b.wait_until("the search's answer", || async {
        Ok(b.texts("[data-testid=service-card] h2").await? == vec!["家电维修".to_string()])
    })
    .await
    .unwrap();
    fits_a_phone(&b, "the directory searched").await;

    // A member requests it.
    b.sign_in("member.demo").await.unwrap();
    b.goto("/services?q=维修").await.unwrap();
    b.click("[data-testid=request-link]").await.unwrap();
    b.wait_for("[data-testid=request-form]").await.unwrap();
    fits_a_phone(&b, "the request form").await;
    b.type_into("#note", "洗衣机不脱水").await.unwrap();
    b.click("[data-testid=request-form] button[type=submit]")
        .await
        .unwrap();
    b.wait_for("[data-testid=request-state]").await.unwrap();
    assert_eq!(
        b.text("[data-testid=request-state]").await.unwrap(),
        "已申请"
    );
    let request = b.path().await.unwrap();
    assert!(request.starts_with("/services/requests/"), "{request}");
    b.sign_out().await.unwrap();

    // Staff accept it for a team and complete it.
    b.resize(Viewport::DESKTOP).await.unwrap();
    b.sign_in("city.staff").await.unwrap();
    b.goto(&request).await.unwrap();
    b.click("[data-testid=accept-form] button[type=submit]")
        .await
        .unwrap();
    b.wait_until("accepted", || async {
        Ok(b.text("[data-testid=request-state]").await? == "已受理")
    })
    .await
    .unwrap();
    b.click("[data-testid=complete-form] button[type=submit]")
        .await
        .unwrap();
    b.wait_until("completed", || async {
        Ok(b.text("[data-testid=request-state]").await? == "已完成")
    })
    .await
    .unwrap();
    b.sign_out().await.unwrap();

    // The member scores it 4 on the phone.
    b.resize(Viewport::PHONE).await.unwrap();
    b.sign_in("member.demo").await.unwrap();
    b.goto(&request).await.unwrap();
    b.click("#score-4").await.unwrap();
    b.click("[data-testid=score-form] button[type=submit]")
        .await
        .unwrap();
    b.wait_until("the score", || async {
        Ok(b.text("[data-testid=request-score]").await? == "4 / 5")
    })
    .await
    .unwrap();
    fits_a_phone(&b, "the scored request").await;
    b.sign_out().await.unwrap();

    // The figures of this month: the member's unit, one item, completed and satisfied.
    b.resize(Viewport::DESKTOP).await.unwrap();
    b.sign_in("city.staff").await.unwrap();
    let today = huzhu_app::SystemClock.today();
    let month = format!("{}-{:02}", today.year(), today.month());
    b.goto(&format!("/stats/services?from={month}-01&to={today}"))
        .await
        .unwrap();
    let row = b
        .js(
            "const th = Array.from(document.querySelectorAll('th[scope=row]'))\
             .find(t => t.textContent.trim().endsWith(arguments[0]));\
             return th ? Array.from(th.parentElement.querySelectorAll('td')).map(td => td.textContent.trim()) : null;",
            vec![serde_json::json!(month)],
        )
        .await
        .unwrap();
    assert_eq!(
        row,
        serde_json::json!(["1", "1", "1", "100", "1", "100"]),
        "items, people, completed, completion %, scores, satisfaction %"
    );
    b.wait_until("the chart drawn", || async {
        Ok(b
            .js(
                "const c = document.querySelector('canvas[data-chart]'); return !!(c && window.Chart && window.Chart.getChart(c));",
                vec![],
            )
            .await?
            == serde_json::json!(true))
    })
    .await
    .unwrap();
    assert!(b.exists("[data-testid=export-all]").await.unwrap());
    b.close().await.unwrap();
}
