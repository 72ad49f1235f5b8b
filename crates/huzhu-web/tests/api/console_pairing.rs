//! Issue 16's console pages, driven as a browser would: cloud pairing from the staff's
//! publication through the public list, a claim and its hold, to the pledge, payments and a
//! progress report on the sponsor's link; the 81890 directory, a member's request taken to
//! completion and scored, and the figures that count it. Every public page (and the public API
//! beside it) is read for what must never leave the server.

use crate::console_pages::{get_page, location, post_form};
use crate::helpers::{Raw, TestApp};
use crate::pairing::assert_private;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use chrono::TimeZone;

async fn demo() -> TestApp {
    let app = crate::helpers::spawn_app().await;
    huzhu_app::demo_programmes::load_programme_demo(&app.store)
        .await
        .unwrap();
    huzhu_app::demo_programmes::demo_pairing::load_pairing_demo(&app.store)
        .await
        .unwrap();
    app
}

/// A public page, no session.
async fn visit(app: &TestApp, uri: &str) -> (StatusCode, String) {
    let raw = app
        .call(Request::get(uri).body(Body::empty()).unwrap())
        .await;
    (raw.status, String::from_utf8_lossy(&raw.body).into_owned())
}

/// A public form, no session (nothing to forge: the form check asks a token of sessions only).
async fn send_form(app: &TestApp, uri: &str, fields: &[(&str, &str)]) -> Raw {
    app.call(
        Request::post(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(serde_urlencoded::to_string(fields).unwrap()))
            .unwrap(),
    )
    .await
}

/// The `/pairing/{token}` links of a page, in order.
fn student_links(html: &str) -> Vec<String> {
    html.match_indices("href=\"/pairing/")
        .map(|(i, _)| {
            let rest = &html[i + "href=\"".len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .filter(|l| {
            let t = l.trim_start_matches("/pairing/");
            t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit())
        })
        .collect()
}

#[tokio::test]
async fn a_student_goes_from_publication_through_a_lapsed_hold_to_a_pledge_and_no_public_page_names_them(
) {
    let app = demo().await;
    let mut public: Vec<(String, String)> = Vec::new();
    // Staff: three published, the fourth golden-autumn grant waiting with the form.
    let city = app.login("city.staff").await;
    let (s, html) = get_page(&app, &city, "/pairing/students").await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("data-testid=\"candidates\""), "{html}");
    let grant = {
        let i = html
            .find("<select id=\"grant\" name=\"grant\"><option value=\"")
            .unwrap();
        let rest = &html[i..];
        let v = rest.find("value=\"").unwrap() + "value=\"".len();
        rest[v..v + rest[v..].find('"').unwrap()].to_string()
    };
    let raw = post_form(
        &app,
        &city,
        "/pairing/students",
        &[
            ("grant", grant.clone()),
            ("school_level", String::new()),
            ("grade", "2".into()),
            ("need", "4000".into()),
        ],
    )
    .await;
    assert_eq!(
        raw.status,
        StatusCode::SEE_OTHER,
        "{}",
        String::from_utf8_lossy(&raw.body)
    );
    let student = location(&raw);
    assert!(student.starts_with("/pairing/students/"), "{student}");
    let (_, page) = get_page(&app, &city, &student).await;
    assert!(page.contains("李同学") && page.contains("高中"), "{page}");
    // Publishing the same grant again is refused and says so.
    let raw = post_form(
        &app,
        &city,
        "/pairing/students",
        &[
            ("grant", grant),
            ("grade", "2".into()),
            ("need", "4000".into()),
        ],
    )
    .await;
    assert_eq!(raw.status, StatusCode::CONFLICT);

    // The public list at the server's day: the new student and 陈同学; 欧阳同学 is held (since
    // the demo started) and 王同学 pledged, so neither is listed.
    let (s, list) = visit(&app, "/pairing").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    public.push(("/pairing".into(), list.clone()));
    assert!(list.contains("李同学") && list.contains("陈同学"), "{list}");
    assert!(
        !list.contains("欧阳同学") && !list.contains("王同学"),
        "{list}"
    );
    // Past every hold's end the held student is listed again: holds lapse by the clock.
    app.clock
        .set(chrono::Utc.with_ymd_and_hms(2027, 1, 4, 2, 0, 0).unwrap());
    let (_, list) = visit(&app, "/pairing").await;
    public.push(("/pairing later".into(), list.clone()));
    assert!(list.contains("欧阳同学"), "{list}");
    let links = student_links(&list);
    assert_eq!(links.len(), 3, "{list}");
    let mut ouyang = String::new();
    for l in &links {
        let (s, one) = visit(&app, l).await;
        assert_eq!(s, StatusCode::OK, "{one}");
        if one.contains("欧阳同学") {
            ouyang = l.clone();
        }
        public.push((l.clone(), one));
    }
    assert!(!ouyang.is_empty(), "{links:?}");
    // A claim with a wrong phone names the field; a good one goes to the sponsor's own link.
    let claim = format!("{ouyang}/claim");
    let raw = send_form(
        &app,
        &claim,
        &[("kind", "person"), ("name", "赵先生"), ("phone", "12345")],
    )
    .await;
    assert_eq!(raw.status, StatusCode::BAD_REQUEST);
    public.push((
        "bad claim".into(),
        String::from_utf8_lossy(&raw.body).into(),
    ));
    let raw = send_form(
        &app,
        &claim,
        &[
            ("kind", "person"),
            ("name", "赵先生"),
            ("phone", "13600136000"),
        ],
    )
    .await;
    assert_eq!(raw.status, StatusCode::SEE_OTHER);
    let sponsor = location(&raw);
    assert!(sponsor.starts_with("/pairing/sponsor/"), "{sponsor}");
    assert_eq!(sponsor.len(), "/pairing/sponsor/".len() + 32);
    let (s, held) = visit(&app, &sponsor).await;
    assert_eq!(s, StatusCode::OK, "{held}");
    // The hold ends 30 minutes after the claim: 10:00 in Shanghai → 10:30.
    assert!(
        held.contains("data-testid=\"hold-until\">2027年1月4日 10:30<"),
        "{held}"
    );
    assert!(held.contains("136****6000"), "the phone is masked: {held}");
    public.push(("sponsor held".into(), held));
    // A second sponsor loses, in words; the list no longer shows the student.
    let raw = send_form(
        &app,
        &claim,
        &[
            ("kind", "unit"),
            ("name", "某公司"),
            ("phone", "13700137000"),
        ],
    )
    .await;
    assert_eq!(raw.status, StatusCode::CONFLICT);
    let lost = String::from_utf8_lossy(&raw.body).into_owned();
    assert!(lost.contains("认领中"), "{lost}");
    public.push(("lost claim".into(), lost));
    let (_, list) = visit(&app, "/pairing").await;
    assert!(!list.contains("欧阳同学"), "{list}");
    // The pledge: 11 years is refused naming the field, 2 years of 5,000元 confirmed.
    let confirm = format!("{sponsor}/confirm");
    let raw = send_form(&app, &confirm, &[("per_year", "5000"), ("years", "11")]).await;
    assert_eq!(raw.status, StatusCode::BAD_REQUEST);
    let raw = send_form(&app, &confirm, &[("per_year", "5000"), ("years", "2")]).await;
    assert_eq!(raw.status, StatusCode::SEE_OTHER);
    let (_, pledged) = visit(&app, &sponsor).await;
    assert!(
        pledged.contains("data-testid=\"pledged\">¥10,000.00<"),
        "{pledged}"
    );
    public.push(("sponsor pledged".into(), pledged));

    // Staff (signed in again: the clock outran the first session) record a payment and a
    // progress report; the sponsor reads both.
    let city = app.login("city.staff").await;
    let (_, staff) = get_page(&app, &city, "/pairing/students").await;
    let id = staff
        .match_indices("data-student=\"")
        .map(|(i, _)| {
            let rest = &staff[i + "data-student=\"".len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .find(|id| {
            let row = &staff[staff.find(&format!("data-student=\"{id}\"")).unwrap()..];
            row[..row.find("</tr>").unwrap()].contains("欧阳同学")
        })
        .unwrap();
    let base = format!("/pairing/students/{id}");
    let raw = post_form(
        &app,
        &city,
        &format!("{base}/payments"),
        &[
            ("amount", "2500".into()),
            ("paid_on", "2027-01-05".into()),
            ("reference", "转账 0105".into()),
        ],
    )
    .await;
    assert_eq!(raw.status, StatusCode::SEE_OTHER);
    let raw = post_form(
        &app,
        &city,
        &format!("{base}/reports"),
        &[("body", "期末成绩进步明显。".into())],
    )
    .await;
    assert_eq!(raw.status, StatusCode::SEE_OTHER);
    let (_, page) = get_page(&app, &city, &base).await;
    assert!(
        page.contains("data-testid=\"staff-paid\">¥2,500.00<"),
        "{page}"
    );
    let (_, read) = visit(&app, &sponsor).await;
    assert!(read.contains("data-testid=\"paid\">¥2,500.00<"), "{read}");
    assert!(read.contains("期末成绩进步明显"), "{read}");
    assert!(!read.contains("data-testid=\"identity\""), "{read}");
    public.push(("sponsor reads".into(), read));
    // Unknown links are not found.
    for uri in [
        "/pairing/0123456789abcdef0123456789abcdef",
        "/pairing/sponsor/0123456789abcdef0123456789abcdef",
        "/pairing/nonsense",
    ] {
        let (s, body) = visit(&app, uri).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{uri}");
        public.push((uri.into(), body));
    }
    // The directory and its search.
    for uri in ["/services", "/services?q=维修", "/services?q=西湖"] {
        let (s, body) = visit(&app, uri).await;
        assert_eq!(s, StatusCode::OK, "{uri}");
        public.push((uri.into(), body));
    }
    // And the public API beside the pages.
    for uri in [
        "/api/v1/public/pairing".to_string(),
        format!("/api/v1/public{}", ouyang),
        format!("/api/v1/public{}", sponsor),
        "/api/v1/public/services".to_string(),
    ] {
        let (s, body) = app.get(&uri).await;
        assert_eq!(s, StatusCode::OK, "{uri} {body}");
        public.push((uri, body.to_string()));
    }
    for (what, text) in &public {
        assert_private(what, text);
    }
}

#[tokio::test]
async fn a_member_requests_a_service_from_the_directory_staff_complete_it_and_the_score_counts() {
    let app = demo().await;
    app.clock
        .set(chrono::Utc.with_ymd_and_hms(2027, 2, 10, 2, 0, 0).unwrap());
    // Search on the public page: one repair service, with a tap-to-call contact.
    let (s, dir) = visit(&app, "/services?q=维修").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        dir.matches("data-testid=\"service-card\"").count(),
        1,
        "{dir}"
    );
    assert!(dir.contains("href=\"tel:0571-81890\""), "{dir}");
    assert!(dir.contains("/login?next=/services/offers/"), "{dir}");
    let offer = {
        let i = dir.find("/services/offers/").unwrap() + "/services/offers/".len();
        dir[i..i + dir[i..].find('/').unwrap()].to_string()
    };
    // Signed in, the member requests it for themselves.
    let member = app.login("member.demo").await;
    let (s, dir) = get_page(&app, &member, "/services?q=维修").await;
    assert_eq!(s, StatusCode::OK);
    assert!(dir.contains("data-testid=\"request-link\""), "{dir}");
    let form = format!("/services/offers/{offer}/request");
    let (s, page) = get_page(&app, &member, &form).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert!(
        !page.contains("name=\"member\""),
        "a member asks for themselves"
    );
    let raw = post_form(&app, &member, &form, &[("note", "热水器不出热水".into())]).await;
    assert_eq!(raw.status, StatusCode::SEE_OTHER);
    let request = location(&raw);
    let (_, mine) = get_page(&app, &member, "/services/requests").await;
    assert!(mine.contains(&format!("href=\"{request}\"")), "{mine}");
    // Staff: complete before accepting is refused in words; accept with a team, complete.
    let city = app.login("city.staff").await;
    let raw = post_form(&app, &city, &format!("{request}/complete"), &[]).await;
    assert_eq!(raw.status, StatusCode::CONFLICT);
    assert!(String::from_utf8_lossy(&raw.body).contains("已申请"));
    let (_, page) = get_page(&app, &city, &request).await;
    let team = {
        let i = page
            .find("<select id=\"team\" name=\"team\"><option value=\"")
            .unwrap();
        let rest = &page[i..];
        let v = rest.find("value=\"").unwrap() + "value=\"".len();
        rest[v..v + rest[v..].find('"').unwrap()].to_string()
    };
    let raw = post_form(&app, &city, &format!("{request}/accept"), &[("team", team)]).await;
    assert_eq!(raw.status, StatusCode::SEE_OTHER);
    let raw = post_form(&app, &city, &format!("{request}/complete"), &[]).await;
    assert_eq!(raw.status, StatusCode::SEE_OTHER);
    let (_, page) = get_page(&app, &city, &request).await;
    assert!(
        page.contains("data-testid=\"request-state\">已完成<"),
        "{page}"
    );
    assert!(!page.contains("score-form"), "staff do not score");
    // The member scores 2 (dissatisfied); a second score is refused.
    let (_, page) = get_page(&app, &member, &request).await;
    assert!(page.contains("score-form"), "{page}");
    let raw = post_form(
        &app,
        &member,
        &format!("{request}/score"),
        &[("score", "2".into())],
    )
    .await;
    assert_eq!(raw.status, StatusCode::SEE_OTHER);
    let raw = post_form(
        &app,
        &member,
        &format!("{request}/score"),
        &[("score", "5".into())],
    )
    .await;
    assert_eq!(raw.status, StatusCode::CONFLICT);
    let (_, page) = get_page(&app, &member, &request).await;
    assert!(
        page.contains("data-testid=\"request-score\">2 / 5<"),
        "{page}"
    );
    // Another member's request is not found for this member.
    let (_, all) = get_page(&app, &city, "/services/requests").await;
    let other = all
        .match_indices("data-request=\"")
        .map(|(i, _)| {
            let rest = &all[i + "data-request=\"".len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .find(|id| !request.ends_with(&format!("/{id}")))
        .unwrap();
    let (s, _) = get_page(&app, &member, &format!("/services/requests/{other}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // February 2027: one item, one person served, 100% completed, 0% satisfied.
    let (s, fig) = get_page(&app, &city, "/stats/services?from=2027-02-01&to=2027-02-28").await;
    assert_eq!(s, StatusCode::OK, "{fig}");
    let row = &fig[fig.find("2027-02</th>").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    let cells: Vec<&str> = row
        .split("<td class=\"num\">")
        .skip(1)
        .map(|c| &c[..c.find('<').unwrap()])
        .collect();
    assert_eq!(cells, ["1", "1", "1", "100", "1", "0"], "{row}");
    assert!(fig.contains("data-chart="), "the figures are charted");
    let raw = crate::console_pages::get_page(
        &app,
        &city,
        "/stats/services/export.xlsx?from=2027-02-01&to=2027-02-28",
    )
    .await;
    assert_eq!(raw.0, StatusCode::OK);
    assert!(raw.1.starts_with("PK"), "an xlsx workbook");
    // A unit officer may not read the pairing staff pages.
    let officer = app.login("officer.la01001").await;
    let (s, _) = get_page(&app, &officer, "/pairing/students").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
