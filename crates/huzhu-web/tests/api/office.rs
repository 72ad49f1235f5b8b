//! What an office expects of the console (issue 13): find a claim by the member's name or ID
//! number, export the claim list, see how many rows a paged list holds, member counts and a
//! search on the organisation tree, a review flag's link to the claim it conflicts with, and
//! the bank branch (开户行) from the roster to the member's page.

use crate::console_helpers::Browser;
use crate::helpers::{spawn_app, Raw, TestApp};
use crate::money::{act, enrol_and_pay, in_service_woman, png, set_day, stay, DOCUMENT_KINDS};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use huzhu_domain::org::OrgCode;
use huzhu_store::money::{ClaimFilter, MoneyStore};
use huzhu_store::{MemberId, Store};
use huzhu_web::console::url_encode;
use serde_json::json;

fn code(s: &str) -> OrgCode {
    OrgCode::parse(s).unwrap()
}

/// The console's answer as bytes (a workbook), with the browser's cookies.
async fn get_file(b: &Browser<'_>, uri: &str) -> Raw {
    let cookie = b
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    b.app
        .call(
            Request::get(uri)
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
}

/// The rows of a workbook's first sheet, every cell as text.
fn sheet(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::{Reader, Xlsx};
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

async fn audit_entries(app: &TestApp, action: &str) -> Vec<serde_json::Value> {
    let auditor = app.login("auditor").await;
    let (_, log) = app
        .get_as(
            &auditor,
            &format!("/api/v1/audit?limit=200&action={action}"),
        )
        .await;
    log.as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|e| e["action"] == action)
        .collect()
}

/// A claim of the LA district (made by LA-01-001's officer) and its member.
async fn some_claim(app: &TestApp) -> (i64, huzhu_store::StoredMember) {
    enrol_and_pay(app).await;
    set_day(app, 2022, 6, 1);
    let officer = app.login("officer.la01001").await;
    let member = in_service_woman(app, &officer).await;
    crate::money::claim_with_documents(app, &officer, member).await;
    let claims = app
        .store
        .claims_under(
            &code("LA"),
            &ClaimFilter {
                limit: 1,
                ..ClaimFilter::default()
            },
        )
        .await
        .unwrap();
    let c = claims.first().expect("the demo has claims in LA");
    let m = app.store.member(c.member).await.unwrap();
    (c.id.0, m)
}

#[tokio::test]
async fn a_claim_is_found_by_the_members_name_or_id_number_within_scope_and_an_id_search_is_logged()
{
    let app = spawn_app().await;
    let (id, m) = some_claim(&app).await;
    let name = m.record.name.as_str().to_string();
    let whole = m.record.id_number.as_str().to_string();
    let mut b = Browser::signed_in(&app, "district.staff").await;
    let row = format!("data-claim=\"{id}\"");

    let by_name = b.get(&format!("/claims?q={}", url_encode(&name))).await;
    assert_eq!(by_name.status, StatusCode::OK);
    assert!(by_name.text.contains(&row), "{}", by_name.text);
    let by_tail = b.get(&format!("/claims?q={}", &whole[14..])).await;
    assert!(by_tail.text.contains(&row));
    assert!(
        audit_entries(&app, "claim.search_id_number")
            .await
            .is_empty(),
        "four characters are what a masked number shows: not logged"
    );
    let by_id = b.get(&format!("/claims?q={whole}")).await;
    assert!(by_id.text.contains(&row));
    let log = audit_entries(&app, "claim.search_id_number").await;
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["actor"], "district.staff");
    assert!(!log[0]["subject"].as_str().unwrap().contains(&whole));
    assert!(log[0]["detail"]
        .as_str()
        .unwrap()
        .contains(&format!("#{id}")));
    // Someone else's name finds nothing of this member.
    let nobody = b.get("/claims?q=%E6%97%A0%E6%AD%A4%E4%BA%BA").await;
    assert!(!nobody.text.contains(&row));
    assert!(nobody.text.contains("data-testid=\"no-claims\""));

    // Outside the actor's scope the same search finds nothing, and says so in its count.
    let mut other = Browser::signed_in(&app, "officer.sc01001").await;
    let outside = other.get(&format!("/claims?q={whole}")).await;
    assert_eq!(outside.status, StatusCode::OK);
    assert!(!outside.text.contains(&row));
    assert!(outside.text.contains("共 0 条"), "{}", outside.text);

    // The API searches the same way and says how many there are in all.
    let token = app.login("district.staff").await;
    let (status, page) = app
        .get_as(
            &token,
            &format!("/api/v1/claims?search={}", url_encode(&name)),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let claims = page["claims"].as_array().unwrap();
    assert!(claims.iter().any(|c| c["id"] == id));
    assert!(claims
        .iter()
        .all(|c| c["member_name"].as_str().unwrap().contains(name.as_str())));
    assert_eq!(page["total"].as_u64().unwrap(), claims.len() as u64);
}

#[tokio::test]
async fn the_claim_list_exports_to_excel_as_filtered_masked_and_logged() {
    let app = spawn_app().await;
    some_claim(&app).await;
    let mut b = Browser::signed_in(&app, "district.staff").await;
    let list = b.get("/claims").await;
    assert!(list.text.contains("data-testid=\"export-claims\""));
    let all = app
        .store
        .count_claims_under(&code("LA"), &ClaimFilter::default())
        .await
        .unwrap();
    assert!(all > 0);
    let x = get_file(&b, "/claims/export.xlsx").await;
    assert_eq!(x.status, StatusCode::OK);
    assert!(x.headers["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment;"));
    let rows = sheet(&x.body);
    assert_eq!(rows[0][0], "申请编号");
    assert_eq!(rows[0][2], "身份证号（已遮蔽）");
    assert_eq!(rows.len() as u64, all + 1, "a header and every claim");
    for r in &rows[1..] {
        assert!(r[2].contains("**********"), "masked: {}", r[2]);
        assert!(!r[6].contains('_'), "states in words: {}", r[6]);
    }
    // As filtered: the approved ones only.
    let approved = app
        .store
        .count_claims_under(
            &code("LA"),
            &ClaimFilter {
                states: vec![huzhu_domain::workflow::ClaimState::Approved],
                ..ClaimFilter::default()
            },
        )
        .await
        .unwrap();
    let x = get_file(&b, "/claims/export.xlsx?state=approved").await;
    let rows = sheet(&x.body);
    assert_eq!(rows.len() as u64, approved + 1);
    assert!(rows[1..].iter().all(|r| r[6] == "已审批"), "{rows:?}");
    // Another district's claims are not exported.
    let outside = get_file(&b, "/claims/export.xlsx?org=SC").await;
    assert_eq!(outside.status, StatusCode::NOT_FOUND);
    // A member has nothing to export.
    let member = Browser::signed_in(&app, "member.demo").await;
    assert_eq!(
        get_file(&member, "/claims/export.xlsx").await.status,
        StatusCode::NOT_FOUND
    );
    let log = audit_entries(&app, "claim.export").await;
    assert_eq!(log.len(), 2, "{log:?}");
    assert!(log.iter().all(|e| e["actor"] == "district.staff"));
    assert!(log.iter().any(|e| e["detail"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{all} "))));
    assert!(log.iter().any(|e| {
        let d = e["detail"].as_str().unwrap();
        d.starts_with(&format!("{approved} ")) && d.contains("已审批")
    }));
}

#[tokio::test]
async fn paged_lists_say_how_many_rows_they_hold_in_all() {
    let app = spawn_app().await;
    let mut b = Browser::signed_in(&app, "city.staff").await;
    let members = app.store.count_members_under(&code("LA")).await.unwrap();
    assert!(members > 50, "more than a page");
    let page = b.get("/members?org=LA").await;
    let shown = format!("共 {} 条", group(members));
    assert!(page.text.contains(&shown), "{shown}: {}", page.text);
    // The count follows the filter.
    let retired = app
        .store
        .count_search_members(
            &code("LA"),
            &huzhu_store::MemberFilter {
                status: Some("retired".into()),
                ..huzhu_store::MemberFilter::default()
            },
        )
        .await
        .unwrap();
    assert!(retired < members);
    let page = b.get_htmx("/members?org=LA&status=retired").await;
    assert!(page.text.contains(&format!("共 {} 条", group(retired))));

    let claims = app
        .store
        .count_claims_under(&code("HZ"), &ClaimFilter::default())
        .await
        .unwrap();
    let page = b.get("/claims").await;
    assert!(page.text.contains(&format!("共 {} 条", group(claims))));
    let en = b.get("/lang?to=en&next=/claims").await;
    assert_eq!(en.status, StatusCode::SEE_OTHER);
    let page = b.get("/claims").await;
    assert!(page.text.contains(&format!("{} in all", group(claims))));
    b.get("/lang?to=zh&next=/").await;

    let submitted = app
        .store
        .count_claims_under(
            &code("HZ"),
            &ClaimFilter {
                states: vec![huzhu_domain::workflow::ClaimState::Submitted],
                ..ClaimFilter::default()
            },
        )
        .await
        .unwrap();
    let queues = b.get("/queues").await;
    assert!(
        queues.text.contains(&format!(
            "data-testid=\"total-window\">共 {} 条",
            group(submitted)
        )),
        "{}",
        queues.text
    );
    let mut finance = Browser::signed_in(&app, "finance").await;
    let batches = app.store.batches_under(&code("HZ")).await.unwrap().len();
    let payouts = finance.get("/payouts").await;
    if batches > 0 {
        assert!(payouts.text.contains(&format!("共 {batches} 条")));
    }
}

/// `1234` → `1,234`, as the console writes counts.
fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[tokio::test]
async fn the_org_tree_shows_each_subtrees_members_and_finds_an_org_by_name_or_code() {
    let app = spawn_app().await;
    let mut b = Browser::signed_in(&app, "city.staff").await;
    let tree = b.get("/orgs").await;
    assert_eq!(tree.status, StatusCode::OK);
    for district in ["LA", "SC"] {
        let n = app
            .store
            .count_members_under(&code(district))
            .await
            .unwrap();
        assert!(n > 0);
        let cell = format!("data-testid=\"members-{district}\">{}</a>", group(n));
        assert!(tree.text.contains(&cell), "{cell}: {}", tree.text);
    }
    let all = app.store.count_members_under(&code("HZ")).await.unwrap();
    assert!(tree.text.contains(&format!("会员 {} 人", group(all))));
    // One level down: a street's units, each with its own members.
    let la = b.get("/orgs?under=LA-01").await;
    let unit = app
        .store
        .count_members_under(&code("LA-01-001"))
        .await
        .unwrap();
    assert!(la.text.contains(&format!(
        "data-testid=\"members-LA-01-001\">{}</a>",
        group(unit)
    )));

    // Search by code or name, within scope.
    let found = b.get("/orgs?q=la-01-00").await;
    assert!(found.text.contains("data-testid=\"org-search\""));
    assert!(found.text.contains("href=\"/orgs?under=LA-01-001\""));
    assert!(!found.text.contains("href=\"/orgs?under=SC-01-001\""));
    let la_name = app.store.org(&code("LA")).await.unwrap().name;
    let by_name = b.get(&format!("/orgs?q={}", url_encode(&la_name))).await;
    assert!(by_name.text.contains("href=\"/orgs?under=LA\""));
    let none = b.get("/orgs?q=%E6%97%A0%E6%AD%A4%E7%BB%84%E7%BB%87").await;
    assert!(none.text.contains("没有名称或代码含此文字的组织"));
    // A unit officer finds nothing outside their unit.
    let mut officer = Browser::signed_in(&app, "officer.la01001").await;
    let outside = officer.get("/orgs?q=SC").await;
    assert_eq!(outside.status, StatusCode::OK);
    assert!(!outside.text.contains("href=\"/orgs?under=SC"));
}

/// Two claims of one member with the same invoice: the second is flagged `duplicate_invoice`,
/// and its page links to the first.
#[tokio::test]
async fn a_duplicate_invoice_flag_links_to_the_claim_it_conflicts_with() {
    let app = spawn_app().await;
    enrol_and_pay(&app).await;
    set_day(&app, 2022, 6, 1);
    let officer = app.login("officer.la01001").await;
    let member = in_service_woman(&app, &officer).await;
    let (status, first) = app
        .json_as(
            &officer,
            "POST",
            "/api/v1/claims",
            &json!({"member_id": member, "claim": stay()}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let first = first["id"].as_i64().unwrap();
    let mut again = stay();
    again["admitted"] = json!("2022-05-20");
    again["discharged"] = json!("2022-05-22");
    again["diagnoses"] = json!([]);
    let (status, second) = app
        .json_as(
            &officer,
            "POST",
            "/api/v1/claims",
            &json!({"member_id": member, "claim": again}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    let second = second["id"].as_i64().unwrap();
    for kind in DOCUMENT_KINDS {
        let (status, doc) = app
            .post_bytes_as(
                &officer,
                &format!("/api/v1/claims/{second}/documents?kind={kind}&file_name={kind}.png"),
                png(),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{doc}");
    }
    let city = app.login("city.staff").await;
    let (status, computed) = act(&app, &city, second, json!({"action": "accept"})).await;
    assert_eq!(status, StatusCode::OK, "{computed}");
    assert!(computed["flags"]
        .as_array()
        .unwrap()
        .contains(&json!("duplicate_invoice")));

    let mut b = Browser::signed_in(&app, "district.staff").await;
    let page = b.get(&format!("/claims/{second}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let link = format!("<a href=\"/claims/{first}\" data-conflict=\"{first}\">");
    assert!(page.text.contains(&link), "{}", page.text);
    assert!(!page.text.contains("data-conflict=\"elsewhere\""));
    // The claim without a flag links nowhere.
    let plain = b.get(&format!("/claims/{first}")).await;
    assert!(!plain.text.contains("data-conflict="));
    // The app says the same, and that the actor may open it.
    let actor = huzhu_app::accounts::actor_for_token(&app.store, &app.clock, &city)
        .await
        .unwrap();
    let conflicts = huzhu_app::claim_list::conflicts(
        &app.store,
        &app.clock,
        &actor,
        huzhu_store::money::ClaimId(second),
    )
    .await
    .unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].other, first);
    assert_eq!(
        conflicts[0].flag,
        huzhu_domain::review::ReviewFlag::DuplicateInvoice
    );
    assert!(conflicts[0].seen.is_some());
    let _ = MemberId(member);
}

/// 开户行 from the roster: read under any of its usual headers, stored with the member, shown on
/// the member's page, held with a new account until it is confirmed.
#[tokio::test]
async fn the_bank_branch_comes_from_the_roster_to_the_members_page() {
    let app = spawn_app().await;
    let officer = app.login("officer.la01001").await;
    let member = in_service_woman(&app, &officer).await;
    let m = app
        .store
        .member(huzhu_store::MemberId(member))
        .await
        .unwrap();
    let unit = m.record.org.as_str().to_string();
    let officer = app.login("city.staff").await;
    let account = m
        .record
        .bank_account
        .as_ref()
        .map(|a| a.as_str().to_string())
        .unwrap_or_default();
    let csv = format!(
        "姓名,身份证号,工会代码,在职状态,银行账号,开户银行\n{},{},{unit},{},{account},中国农业银行临安支行\n",
        m.record.name.as_str(),
        m.record.id_number.as_str(),
        m.record.status.label_zh(),
    );
    let raw = crate::console_pages::upload(&app, &officer, "roster.csv", csv.as_bytes()).await;
    assert_eq!(
        raw.status,
        StatusCode::SEE_OTHER,
        "{}",
        String::from_utf8_lossy(&raw.body)
    );
    let html = crate::console_pages::finished_status(
        &app,
        &officer,
        &crate::console_pages::location(&raw),
    )
    .await;
    assert!(html.contains("data-testid=\"count-rejected\">0<"), "{html}");
    let stored = app.store.member(m.id).await.unwrap();
    assert_eq!(
        stored.record.bank_branch.as_ref().map(|b| b.as_str()),
        Some("中国农业银行临安支行")
    );
    let mut b = Browser::signed_in(&app, "city.staff").await;
    let page = b.get(&format!("/members/{}", m.id.0)).await;
    assert!(
        page.text
            .contains("data-testid=\"bank-branch\">中国农业银行临安支行</dd>"),
        "{}",
        page.text
    );
}
