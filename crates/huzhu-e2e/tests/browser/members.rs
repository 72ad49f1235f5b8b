//! The member search: typing into the box updates the rows through htmx, without loading a page.

use crate::access::members_of;
use crate::start;
use huzhu_e2e::Viewport;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_a_name_updates_the_rows_without_a_page_load() {
    let Some((server, b)) = start("members_search", Viewport::DESKTOP).await else {
        return;
    };
    // A member of the officer's unit beyond the first page of 50, so not shown before the search.
    let unit = members_of(&server.store, "LA-01-001", 64).await;
    let wanted = &unit[60];
    let name = wanted.record.name.as_str().to_string();
    let part: String = name.chars().skip(1).collect();
    let expected = unit
        .iter()
        .filter(|m| m.record.name.as_str().contains(&part))
        .count();
    assert!(expected < 50, "the part {part:?} matches too many members");

    b.sign_in("officer.la01001").await.unwrap();
    b.goto("/members").await.unwrap();
    let before = b
        .texts("#member-rows tbody tr td:first-child")
        .await
        .unwrap();
    assert_eq!(before.len(), 50, "the first page has 50 rows");
    assert!(!before.contains(&name));
    // A mark on this document: a page load would wipe it.
    b.js("window.__huzhuMark = 1; return null;", vec![])
        .await
        .unwrap();

    b.find("#q").await.unwrap().send_keys(&part).await.unwrap();
    b.wait_until("the rows to show the search's results", || async {
        let rows = b.texts("#member-rows tbody tr td:first-child").await?;
        Ok(rows.len() == expected && rows.iter().all(|r| r.contains(&part)))
    })
    .await
    .unwrap_or_else(|e| panic!("{e:#}: typed {part:?}, expected {expected} rows"));
    let rows = b
        .texts("#member-rows tbody tr td:first-child")
        .await
        .unwrap();
    assert!(rows.contains(&name), "{name} is not among {rows:?}");
    let mark = b
        .js("return window.__huzhuMark || null;", vec![])
        .await
        .unwrap();
    assert_eq!(mark, serde_json::json!(1), "the page was reloaded");
    // htmx pushed the search into the address bar: a reload or a shared link shows the same.
    let path = b.path().await.unwrap();
    assert!(path.starts_with("/members?q="), "{path}");

    // No match: the list says so.
    b.type_into("#q", "无此人名").await.unwrap();
    b.wait_for("[data-testid=no-members]").await.unwrap();
    b.close().await.unwrap();
}
