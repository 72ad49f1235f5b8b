//! Employment help in the browser (SPEC 7.11, issue 16): district staff organise a fair for
//! today, add a post, record the fair as held, register a member as a job-seeker and place them
//! in the post; the fair's page shows the opening filled and the figures count the placement.

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fair_with_a_post_places_a_registered_member_and_the_figures_show_it() {
    let Some((server, b)) = start("employment_flow", Viewport::DESKTOP).await else {
        return;
    };
    let member = crate::access::members_of(&server.store, "LA-01-001", 3)
        .await
        .remove(2);
    b.sign_in("district.staff").await.unwrap();
    b.goto("/employment").await.unwrap();
    b.type_into("#fair-name", "临安区春风行动现场招聘会")
        .await
        .unwrap();
    // Today, as the browser's date input holds it.
    b.js(
        "const d = new Date(); const p = n => String(n).padStart(2, '0'); \
         document.querySelector('#fair-held-on').value = \
           d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()); \
         document.querySelector('#fair-mode').value = 'on_site'; return null;",
        vec![],
    )
    .await
    .unwrap();
    b.type_into("#fair-venue", "临安区职工服务中心")
        .await
        .unwrap();
    submit(&b, "[data-testid=fair-form]").await;
    let fair = b.path().await.unwrap();
    assert!(fair.starts_with("/employment/fairs/"), "{fair}");
    assert_eq!(b.text("[data-testid=fair-state]").await.unwrap(), "计划中");
    b.type_into("#post-employer", "临安某机械有限公司")
        .await
        .unwrap();
    b.type_into("#post-title", "数控车工").await.unwrap();
    b.type_into("#post-openings", "2").await.unwrap();
    submit(&b, "[data-testid=post-form]").await;
    assert!(b
        .text("[data-testid=posts]")
        .await
        .unwrap()
        .contains("数控车工"));
    submit(&b, "[data-testid=hold-form]").await;
    assert_eq!(b.text("[data-testid=fair-state]").await.unwrap(), "已举办");

    b.goto("/employment").await.unwrap();
    b.type_into("#seeker-member", &member.id.0.to_string())
        .await
        .unwrap();
    b.type_into("#seeker-wanted", "数控、机加工").await.unwrap();
    submit(&b, "[data-testid=seeker-form]").await;
    let seekers = b.text("[data-testid=seekers]").await.unwrap();
    assert!(
        seekers.contains(member.record.name.as_str()) && seekers.contains("已登记"),
        "{seekers}"
    );

    b.goto(&fair).await.unwrap();
    let seeker = b
        .js(
            "const o = [...document.querySelectorAll('#place-seeker option')] \
               .find(o => o.textContent.startsWith(arguments[0])); \
             if (o) { document.querySelector('#place-seeker').value = o.value; return o.value; } \
             return null;",
            vec![serde_json::json!(member.record.name.as_str())],
        )
        .await
        .unwrap();
    assert!(!seeker.is_null(), "the member is offered for placement");
    submit(&b, "[data-testid=place-form]").await;
    assert_eq!(b.text("[data-testid=fair-filled]").await.unwrap(), "1 / 2");
    assert!(b
        .text("[data-testid=placed]")
        .await
        .unwrap()
        .contains(member.record.name.as_str()));

    // The figures: the district's fair, its employer and openings; the unit's registration and
    // placement, in this month's rows.
    b.goto("/employment").await.unwrap();
    let seekers = b.text("[data-testid=seekers]").await.unwrap();
    assert!(
        seekers.contains("已就业") && seekers.contains("数控车工"),
        "{seekers}"
    );
    let total: Vec<String> = serde_json::from_value(
        b.js(
            "const rows = [...document.querySelectorAll('[data-testid=employment-figures] tbody tr')]; \
             const t = rows.find(r => r.querySelector('th').textContent.trim() === '合计'); \
             return t ? [...t.querySelectorAll('td')].map(td => td.textContent.trim()) : [];",
            vec![],
        )
        .await
        .unwrap(),
    )
    .unwrap();
    assert_eq!(
        total,
        ["1", "1", "2", "1", "1", "0", "0", "0"],
        "fairs, employers, posts, registered, placed, courses, trainees, certificates"
    );
    assert!(b
        .exists("[data-testid=employment-figures] canvas")
        .await
        .unwrap());
    b.close().await.unwrap();
}
