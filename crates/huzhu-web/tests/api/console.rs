//! The console's frame: sign-in and sign-out, CSRF, security and cache headers, the language
//! switch, the member pages and their scope.

use crate::console_helpers::Browser;
use crate::helpers::spawn_app;
use axum::http::StatusCode;
use huzhu_store::Store;
use huzhu_web::console::url_encode;

#[tokio::test]
async fn signing_in_through_the_form_reaches_the_page_asked_for_and_signing_out_ends_it() {
    let app = spawn_app().await;
    let mut b = Browser::new(&app);
    let first = b.get("/members").await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(first.location(), "/login?next=/members");
    let form = b.get("/login?next=/members").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains("<label for=\"username\">用户名</label>"));
    let token = form.csrf_field().unwrap();
    let bad = b
        .post_raw_form(
            "/login",
            &[
                ("_csrf", &token),
                ("username", "city.staff"),
                ("password", "wrong"),
                ("next", "/members"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    assert!(bad.text.contains("用户名或密码错误"), "{}", bad.text);
    let ok = b
        .post_raw_form(
            "/login",
            &[
                ("_csrf", &token),
                ("username", "city.staff"),
                ("password", "huzhu-demo-2022"),
                ("next", "/members"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text);
    assert_eq!(ok.location(), "/members");
    let cookie = ok
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("huzhu_session="))
        .unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let members = b.get("/members").await;
    assert_eq!(members.status, StatusCode::OK);
    assert!(members.text.contains("data-testid=\"whoami\""));
    // An open redirect is refused: `next` must be a local path.
    let mut other = Browser::new(&app);
    let form = other.get("/login").await;
    let t = form.csrf_field().unwrap();
    let r = other
        .post_raw_form(
            "/login",
            &[
                ("_csrf", &t),
                ("username", "city.staff"),
                ("password", "huzhu-demo-2022"),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(r.location(), "/");
    // Signing out needs the token too, and then the session is gone.
    assert_eq!(
        b.post_raw_form("/logout", &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let out = b.post_form("/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(b.get("/members").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_sign_in_form_needs_its_own_cookie_token_and_failures_are_rate_limited() {
    let app = spawn_app().await;
    let mut b = Browser::new(&app);
    // No token cookie: a forged cross-site sign-in form is refused.
    let forged = b
        .post_raw_form(
            "/login",
            &[("username", "city.staff"), ("password", "huzhu-demo-2022")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    for _ in 0..5 {
        assert_eq!(
            b.sign_in("finance", "nope").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let limited = b.sign_in("finance", "huzhu-demo-2022").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.text.contains("5分钟"));
}

#[tokio::test]
async fn posts_without_the_token_or_from_another_site_are_refused_and_nothing_happens() {
    let app = spawn_app().await;
    let mut b = Browser::signed_in(&app, "city.staff").await;
    let before = app.store.audit_log(1000).await.unwrap().len();
    let no_token = b
        .post_raw_form("/members/1/reveal", &[("reason", "x")])
        .await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    let wrong = b
        .post_raw_form("/members/1/reveal", &[("_csrf", "00"), ("reason", "x")])
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let token = b.csrf();
    let req = axum::http::Request::post("/members/1/reveal")
        .header(
            "cookie",
            format!("huzhu_session={}", b.cookies["huzhu_session"]),
        )
        .header("origin", "https://evil.example")
        .header("host", "huzhu.local")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(format!("_csrf={token}&reason=x")))
        .unwrap();
    assert_eq!(app.call(req).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.store.audit_log(1000).await.unwrap().len(), before);
}

#[tokio::test]
async fn pages_carry_security_headers_and_assets_are_cached_by_content() {
    let app = spawn_app().await;
    let mut b = Browser::signed_in(&app, "admin").await;
    let home = b.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    let csp = home.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"));
    assert_eq!(home.headers["x-frame-options"], "DENY");
    assert_eq!(home.headers["cache-control"], "no-store");
    assert!(home.headers["vary"]
        .to_str()
        .unwrap()
        .contains("HX-Request"));
    assert!(!home.text.contains("<script>"), "no inline scripts");
    let htmx_url = home
        .text
        .split('"')
        .find(|s| s.starts_with("/static/htmx.min.js?v="))
        .unwrap()
        .to_string();
    let js = b.get(&htmx_url).await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.headers["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert!(js.text.contains("htmx"));
    let etag = js.headers["etag"].to_str().unwrap().to_string();
    let req = axum::http::Request::get(&htmx_url)
        .header("if-none-match", &etag)
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(app.call(req).await.status, StatusCode::NOT_MODIFIED);
    assert_eq!(b.get("/static/nope.js").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_language_switch_turns_the_pages_english_and_back() {
    let app = spawn_app().await;
    let mut b = Browser::signed_in(&app, "city.staff").await;
    assert!(b.get("/orgs").await.text.contains("<h1>组织</h1>"));
    let sw = b.get("/lang?to=en&next=/orgs").await;
    assert_eq!(sw.status, StatusCode::SEE_OTHER);
    assert_eq!(sw.location(), "/orgs");
    let en = b.get("/orgs").await;
    assert!(en.text.contains("<h1>Organisations</h1>"), "{}", en.text);
    assert!(en.text.contains("lang=\"en\""));
    // Labels the use cases give in Chinese are shown in English too.
    let members = b.get("/members").await;
    assert!(
        members.text.contains("<td>In service</td>"),
        "{}",
        members.text
    );
    assert!(!members.text.contains("<td>在职</td>"));
    b.get("/lang?to=zh&next=/").await;
    assert!(b.get("/orgs").await.text.contains("<h1>组织</h1>"));
    // `next` elsewhere is refused.
    assert_eq!(
        b.get("/lang?to=en&next=https://evil.example")
            .await
            .location(),
        "/"
    );
}

#[tokio::test]
async fn members_are_searched_by_name_id_tail_and_filters_and_paged() {
    let app = spawn_app().await;
    let mut b = Browser::signed_in(&app, "district.staff").await;
    let all = b.get("/members").await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(all.text.matches("<tr><td><a href=\"/members/").count(), 50);
    assert!(all.text.contains("rel=\"next\""));
    // A member of LA by name and by the last four digits of the ID number.
    let m = app
        .store
        .members_under(
            &huzhu_domain::org::OrgCode::parse("LA-02-003").unwrap(),
            huzhu_store::Page {
                after: None,
                limit: 1,
            },
        )
        .await
        .unwrap()
        .remove(0);
    let name = m.record.name.as_str().to_string();
    let tail = &m.record.id_number.as_str()[14..];
    let by_name = b.get(&format!("/members?q={}", url_encode(&name))).await;
    assert!(by_name.text.contains(&format!("/members/{}\"", m.id.0)));
    let by_tail = b.get_htmx(&format!("/members?q={tail}")).await;
    assert!(by_tail.text.contains(&format!("/members/{}\"", m.id.0)));
    assert!(!by_tail.text.contains("<html"), "htmx gets the rows only");
    // Whole ID numbers never appear in the list.
    assert!(!by_tail.text.contains(m.record.id_number.as_str()));
    let retired = b.get("/members?status=retired").await;
    assert!(retired.text.contains("离退休") || retired.text.contains("没有符合条件的会员"));
    assert!(!retired.text.contains("<td>在职</td>"));
    // Another district's unit is outside the scope: not found.
    assert_eq!(
        b.get("/members?org=SC-01").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_unit_officer_cannot_open_another_units_member_and_revealing_an_id_is_logged() {
    let app = spawn_app().await;
    let first_of = |code: &'static str| {
        let store = app.store.clone();
        async move {
            use huzhu_store::Store;
            store
                .members_under(
                    &huzhu_domain::org::OrgCode::parse(code).unwrap(),
                    huzhu_store::Page {
                        after: None,
                        limit: 1,
                    },
                )
                .await
                .unwrap()
                .remove(0)
        }
    };
    let own = first_of("LA-01-001").await;
    let other = first_of("SC-01-001").await;
    let mut officer = Browser::signed_in(&app, "officer.la01001").await;
    let page = officer.get(&format!("/members/{}", own.id.0)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains(&own.record.id_number.masked()));
    let forged = officer.get(&format!("/members/{}", other.id.0)).await;
    assert_eq!(forged.status, StatusCode::NOT_FOUND);
    assert!(!forged.text.contains(other.record.name.as_str()));
    assert_eq!(
        officer.get("/members/999999").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        officer.get("/members/abc").await.status,
        StatusCode::NOT_FOUND
    );
    // Officers may not see whole ID numbers; staff may, for a reason, and it is logged.
    assert!(!page.text.contains("/reveal"));
    let refused = officer
        .post_form(&format!("/members/{}/reveal", own.id.0), &[("reason", "x")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let mut staff = Browser::signed_in(&app, "city.staff").await;
    let no_reason = staff
        .post_form(&format!("/members/{}/reveal", own.id.0), &[("reason", " ")])
        .await;
    assert_eq!(no_reason.status, StatusCode::BAD_REQUEST);
    let shown = staff
        .post_form(
            &format!("/members/{}/reveal", own.id.0),
            &[("reason", "核对理赔材料")],
        )
        .await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.text.contains(own.record.id_number.as_str()));
    let log = app.store.audit_log(50).await.unwrap();
    let entry = log
        .iter()
        .find(|e| e.action == "member.reveal_id_number")
        .unwrap();
    assert_eq!(entry.actor, "city.staff");
    assert_eq!(entry.detail, "核对理赔材料");
}

#[tokio::test]
async fn the_tree_shows_one_level_within_scope() {
    let app = spawn_app().await;
    let mut b = Browser::signed_in(&app, "district.staff").await;
    let la = b.get("/orgs").await;
    assert_eq!(la.status, StatusCode::OK);
    assert!(la.text.contains("/orgs?under=LA-01"));
    assert!(!la.text.contains("LA-01-001"), "one level at a time");
    let street = b.get("/orgs?under=LA-01").await;
    assert!(street.text.contains("LA-01-001"));
    assert_eq!(b.get("/orgs?under=SC").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        b.get("/orgs?under=a/b").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn an_upload_form_must_carry_the_token_as_its_first_part() {
    let app = spawn_app().await;
    let mut b = Browser::signed_in(&app, "city.staff").await;
    // A multipart form whose first part is the right token goes through (here: signing out,
    // which reads no body, so the whole body must still reach it intact).
    let file = vec![0x89u8, b'P', b'N', b'G'];
    let wrong = Browser::signed_in(&app, "finance").await;
    // The token of another session: refused.
    let their_token = b.csrf();
    let req = {
        let boundary = "XyZ";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{their_token}\r\n--{boundary}--\r\n"
        );
        axum::http::Request::post("/logout")
            .header(
                "cookie",
                format!("huzhu_session={}", wrong.cookies["huzhu_session"]),
            )
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(axum::body::Body::from(body))
            .unwrap()
    };
    assert_eq!(app.call(req).await.status, StatusCode::FORBIDDEN);
    // The token not first: refused.
    let req = {
        let boundary = "XyZ";
        let token = wrong.csrf();
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n--{boundary}--\r\n"
        );
        axum::http::Request::post("/logout")
            .header(
                "cookie",
                format!("huzhu_session={}", wrong.cookies["huzhu_session"]),
            )
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(axum::body::Body::from(body))
            .unwrap()
    };
    assert_eq!(app.call(req).await.status, StatusCode::FORBIDDEN);
    let ok = b
        .post_multipart(
            "/logout",
            &[("note", "x")],
            &[("file", "a.png", "image/png", file)],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(b.get("/").await.status, StatusCode::SEE_OTHER, "signed out");
}

#[tokio::test]
async fn the_statistics_page_shows_tables_with_charts_and_exports_them_within_scope() {
    let app = spawn_app().await;
    huzhu_app::demo_money::load_money_demo(&app.store)
        .await
        .unwrap();
    let mut b = Browser::signed_in(&app, "district.staff").await;
    let page = b.get("/stats?org=LA&cycle=hangzhou-2022").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    for id in [
        "members",
        "enrolments_by_item",
        "by_sub_org",
        "claims_by_item",
        "claims_by_month",
        "claims_by_disease_group",
        "claims_by_gender",
    ] {
        assert!(page.text.contains(&format!("id=\"table-{id}\"")), "{id}");
        assert!(
            page.text.contains(&format!("table={id}")),
            "{id} has its own export"
        );
    }
    // Charts are drawn by the vendored Chart.js from JSON blocks, with no inline script.
    assert!(page.text.contains("/static/chart.umd.min.js?v="));
    assert!(page.text.contains("data-chart=\"chart-claims_by_month\""));
    let json_start = page
        .text
        .find("<script type=\"application/json\" id=\"chart-claims_by_item\">")
        .unwrap();
    let rest = &page.text[json_start..];
    let json = &rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()];
    let spec: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(spec["type"], "bar");
    assert!(!spec["labels"].as_array().unwrap().is_empty());
    // Row labels carry no codes (issue 13: "(none)", "(md)" on the Chinese page).
    for code in [" (none)", " (md)", " (mi)", " (hospital_stay)"] {
        assert!(!page.text.contains(code), "{code} on the statistics page");
    }
    // A chart says what it plots and in what unit (issue 13: 参保人数与份数 plotted 元 unlabelled).
    let axis = spec["axis"].as_str().unwrap();
    assert!(
        axis.ends_with("（元）") || axis.ends_with("（数量）"),
        "{axis}"
    );
    assert_eq!(
        spec["datasets"][0]["label"]
            .as_str()
            .unwrap()
            .ends_with("（元）"),
        axis.ends_with("（元）")
    );
    // The figures on the page are the dashboard's own.
    let actor =
        huzhu_app::accounts::login(&app.store, &app.clock, "district.staff", "huzhu-demo-2022")
            .await
            .unwrap()
            .1;
    let d = huzhu_app::stats::dashboard(
        &app.store,
        &actor,
        &huzhu_domain::org::OrgCode::parse("LA").unwrap(),
        Some("hangzhou-2022"),
    )
    .await
    .unwrap();
    let members = d.tables.iter().find(|t| t.id == "members").unwrap();
    let total = members.rows.last().unwrap().values[2];
    assert!(total > 0);
    assert!(page.text.contains(&huzhu_web::console::i18n::count(total)));
    let all = b.get("/stats/export.xlsx?org=LA&cycle=hangzhou-2022").await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.headers["content-type"]
        .to_str()
        .unwrap()
        .contains("spreadsheetml"));
    let one = b
        .get("/stats/export.xlsx?org=LA&cycle=hangzhou-2022&table=claims_by_item")
        .await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(
        b.get("/stats/export.xlsx?org=LA&table=nope").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(b.get("/stats?org=SC").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        b.get("/stats?org=LA&cycle=no-such-cycle").await.status,
        StatusCode::NOT_FOUND
    );
    let mut officer = Browser::signed_in(&app, "officer.la01001").await;
    assert_eq!(
        officer.get("/stats?org=LA").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(officer.get("/stats").await.status, StatusCode::OK);
}

/// The forms a birth date takes in a page, for a member's whole ID number.
fn birth_date_forms(id_number: &str) -> Vec<String> {
    let (y, m, d) = (&id_number[6..10], &id_number[10..12], &id_number[12..14]);
    vec![
        format!("{y}{m}{d}"),
        format!("{y}-{m}-{d}"),
        format!("{y}/{m}/{d}"),
        format!(
            "{y}年{}月{}日",
            m.trim_start_matches('0'),
            d.trim_start_matches('0')
        ),
    ]
}

/// Issue 14: the first and last four characters of an ID number beside the birth date and the
/// unit's region code gave the whole number back. No list, page or API answer shows the birth
/// date beside a masked number any more: the year only.
#[tokio::test]
async fn no_page_shows_a_birth_date_beside_a_masked_id_number() {
    let app = spawn_app().await;
    let unit = huzhu_domain::org::OrgCode::parse("LA-01-001").unwrap();
    let members = app
        .store
        .members_under(
            &unit,
            huzhu_store::Page {
                after: None,
                limit: 100,
            },
        )
        .await
        .unwrap();
    assert!(members.len() > 10);
    let officer = app.login("officer.la01001").await;
    let (status, page) = app
        .get_as(&officer, "/api/v1/members?org=LA-01-001&limit=100")
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let api = page.to_string();
    let mut b = Browser::signed_in(&app, "city.staff").await;
    let list = b.get("/members?org=LA-01-001").await;
    assert_eq!(list.status, StatusCode::OK);
    for m in &members {
        let whole = m.record.id_number.as_str();
        let shown = b.get(&format!("/members/{}", m.id.0)).await;
        assert_eq!(shown.status, StatusCode::OK);
        assert!(shown.text.contains(&m.record.id_number.masked()));
        assert!(shown.text.contains(&whole[6..10]), "the year is shown");
        for form in birth_date_forms(whole) {
            assert!(
                !api.contains(&form),
                "API: {form} beside {}",
                m.record.id_number.masked()
            );
            assert!(!list.text.contains(&form), "list: {form}");
            assert!(!shown.text.contains(&form), "member page: {form}");
        }
    }
    let first = &page["members"][0];
    assert!(first.get("birth_date").is_none(), "{first}");
    assert!(first["birth_year"].is_i64(), "{first}");
}

/// A search by a whole ID number (or more of one than a masked number shows) confirms a guess:
/// it is written to the audit log like a reveal, for a role without the right to reveal too,
/// without the number itself. The last four characters, which every list shows, are not logged.
#[tokio::test]
async fn searching_by_a_whole_id_number_is_a_logged_reveal() {
    let app = spawn_app().await;
    let unit = huzhu_domain::org::OrgCode::parse("LA-01-001").unwrap();
    let m = app
        .store
        .members_under(
            &unit,
            huzhu_store::Page {
                after: None,
                limit: 1,
            },
        )
        .await
        .unwrap()
        .remove(0);
    let whole = m.record.id_number.as_str().to_string();
    let mut b = Browser::signed_in(&app, "officer.la01001").await;
    let by_tail = b.get(&format!("/members?q={}", &whole[14..])).await;
    assert!(by_tail.text.contains(&format!("/members/{}\"", m.id.0)));
    let found = b.get(&format!("/members?q={whole}")).await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(found.text.contains(&format!("/members/{}\"", m.id.0)));
    // What was typed comes back in the search box (and the language link); the rows stay masked.
    let table = &found.text[found.text.find("<table").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert!(table.contains(&m.record.id_number.masked()), "{table}");
    assert!(!table.contains(&whole), "{table}");
    let guess = format!("{}0000", &whole[..14]);
    b.get(&format!("/members?q={guess}")).await;

    let auditor = app.login("auditor").await;
    let (_, log) = app.get_as(&auditor, "/api/v1/audit?limit=200").await;
    let searches: Vec<&serde_json::Value> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "member.search_id_number")
        .collect();
    assert_eq!(
        searches.len(),
        2,
        "the whole number and the guess, not the tail: {log}"
    );
    assert!(searches.iter().all(|e| e["actor"] == "officer.la01001"));
    assert!(searches.iter().all(|e| e["org"] == "LA-01-001"));
    let text = serde_json::to_string(&searches).unwrap();
    assert!(
        !text.contains(&whole),
        "the log masks the number searched: {text}"
    );
    assert!(text.contains(&format!("1 found: #{}", m.id.0)), "{text}");
    assert!(text.contains("0 found"), "{text}");
}

/// Issue 13: an office could not export the member list. The list exports as it is filtered,
/// masked as on the page, within the actor's scope, and the export is in the audit log.
#[tokio::test]
async fn the_member_list_exports_to_excel_masked_within_scope_and_logged() {
    let app = spawn_app().await;
    let mut b = Browser::signed_in(&app, "officer.la01001").await;
    let list = b.get("/members").await;
    assert!(list.text.contains("data-testid=\"export-members\""));
    let x = b.get("/members/export.xlsx?org=LA-01-001").await;
    assert_eq!(x.status, StatusCode::OK);
    assert!(x.headers["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment;"));
    assert!(x.text.starts_with("PK"), "a workbook");
    let unit = huzhu_domain::org::OrgCode::parse("LA-01-001").unwrap();
    let n = app.store.count_members_under(&unit).await.unwrap();
    assert!(n > 10);
    // Another unit's list is not exported.
    let other = b.get("/members/export.xlsx?org=LA-01-002").await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    let auditor = app.login("auditor").await;
    let (_, log) = app.get_as(&auditor, "/api/v1/audit?limit=50").await;
    assert!(log
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "member.export"
            && e["actor"] == "officer.la01001"
            && e["detail"].as_str().unwrap().starts_with(&format!("{n} "))));
}
