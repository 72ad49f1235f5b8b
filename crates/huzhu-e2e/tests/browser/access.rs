//! Scope in the browser: an id typed into the address bar answers 未找到 when the object is
//! outside the signed-in account's organisation, exactly like one that does not exist.

use crate::start;
use huzhu_domain::org::OrgCode;
use huzhu_e2e::Viewport;
use huzhu_store::{Page, Store, StoredMember};

pub async fn members_of(store: &impl Store, unit: &str, n: u32) -> Vec<StoredMember> {
    store
        .members_under(
            &OrgCode::parse(unit).unwrap(),
            Page {
                after: None,
                limit: n,
            },
        )
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unit_officer_cannot_open_another_units_member_by_url() {
    let Some((server, b)) = start("access_member_url", Viewport::DESKTOP).await else {
        return;
    };
    let other = members_of(&server.store, "SC-01-001", 1).await.remove(0);
    let own = members_of(&server.store, "LA-01-001", 2).await.remove(1);
    b.sign_in("officer.la01001").await.unwrap();

    b.goto(&format!("/members/{}", own.id.0)).await.unwrap();
    assert_eq!(
        b.text("main h1").await.unwrap(),
        format!("{} #{}", own.record.name.as_str(), own.id.0)
    );

    for id in [other.id.0, 999_999_999] {
        b.goto(&format!("/members/{id}")).await.unwrap();
        assert_eq!(b.text("main h1").await.unwrap(), "未找到", "/members/{id}");
        assert!(b.client.title().await.unwrap().starts_with("404"));
        let body = b.text("main").await.unwrap();
        assert!(
            !body.contains(other.record.name.as_str()),
            "/members/{id} shows the name"
        );
    }
    // Nor does the list reach it when asked for the other unit.
    b.goto("/members?org=SC-01-001").await.unwrap();
    let body = b.text("main").await.unwrap();
    assert!(!body.contains(other.record.name.as_str()));
    b.close().await.unwrap();
}
