//! The claims console: the new-claim form with its uploads (multipart, CSRF first), the work
//! queues, the workflow's forms from acceptance to approval, the claim page's decision, the
//! letter, and what must be refused (no CSRF token, a claim of another unit, a bad amount).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::helpers::{spawn_app, Raw, TestApp};
use crate::money::{enrol_and_pay, in_service_woman, set_day};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use huzhu_web::console::i18n::yuan;
use serde_json::Value;

/// The smallest PNG signature the documents use case accepts as a PNG.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

const BOUNDARY: &str = "----huzhu-test-boundary";

enum Part<'a> {
    Text(&'a str, String),
    File(&'a str, &'a str, Vec<u8>),
}

fn multipart(parts: &[Part]) -> Vec<u8> {
    let mut body = Vec::new();
    for p in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match p {
            Part::Text(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                        .as_bytes(),
                );
            }
            Part::File(name, file_name, bytes) => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(bytes);
                body.extend_from_slice(b"\r\n");
            }
        }
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn page(app: &TestApp, token: &str, uri: &str) -> Raw {
    app.call(
        Request::get(uri)
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

fn text(r: &Raw) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

/// The CSRF token in a page's hidden field.
fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"_csrf\" value=\"").expect("a CSRF field") + 20;
    html[at..at + 64].to_string()
}

async fn csrf(app: &TestApp, token: &str) -> String {
    csrf_of(&text(&page(app, token, "/claims").await))
}

async fn post_multipart(app: &TestApp, token: &str, uri: &str, parts: &[Part<'_>]) -> Raw {
    app.call(
        Request::post(uri)
            .header("authorization", format!("Bearer {token}"))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(Body::from(multipart(parts)))
            .unwrap(),
    )
    .await
}

async fn post_form(app: &TestApp, token: &str, uri: &str, fields: &[(&str, &str)]) -> Raw {
    let body = serde_urlencoded::to_string(fields).unwrap();
    app.call(
        Request::post(uri)
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

/// A workflow step through the claim page's form; the answer.
async fn act(app: &TestApp, token: &str, claim: i64, fields: &[(&str, &str)]) -> Raw {
    let token_field = csrf(app, token).await;
    let mut all = vec![("_csrf", token_field.as_str())];
    all.extend_from_slice(fields);
    post_form(app, token, &format!("/claims/{claim}/act"), &all).await
}

async fn claim_json(app: &TestApp, token: &str, id: i64) -> Value {
    let (status, body) = app.get_as(token, &format!("/api/v1/claims/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// The `n`th member of the officer's unit (the first is the demo's `member.demo`).
async fn nth_member(app: &TestApp, officer: &str, n: usize) -> i64 {
    let (status, body) = app
        .get_as(officer, "/api/v1/members?org=LA-01-001&limit=5")
        .await;
    assert_eq!(status, StatusCode::OK);
    body["members"][n]["id"].as_i64().unwrap()
}

/// The demo city with `LA-01-001` enrolled in A, B and C and paid, on 2022-06-01.
async fn enrolled_app() -> TestApp {
    let app = spawn_app().await;
    enrol_and_pay(&app).await;
    set_day(&app, 2022, 6, 1);
    app
}

async fn claims_of(app: &TestApp, token: &str, member: i64) -> usize {
    let (status, body) = app
        .get_as(token, &format!("/api/v1/claims?member={member}&limit=500"))
        .await;
    assert_eq!(status, StatusCode::OK);
    body["claims"].as_array().unwrap().len()
}

/// A hospital stay as the form sends it, CSRF first, with the given self-borne amount and files.
fn stay_form<'a>(
    csrf: String,
    member: i64,
    self_borne: &str,
    files: Vec<Part<'a>>,
) -> Vec<Part<'a>> {
    let mut parts = vec![
        Part::Text("_csrf", csrf),
        Part::Text("member", member.to_string()),
        Part::Text("kind", "hospital_stay".into()),
        Part::Text("admitted", "2022-05-01".into()),
        Part::Text("discharged", "2022-05-11".into()),
        Part::Text("hospital_grade", "3".into()),
        Part::Text("diag_disease_0", "md01".into()),
        Part::Text("diag_date_0", "2022-05-01".into()),
        Part::Text("diag_first_0", "1".into()),
        Part::Text("total", "50,000.00".into()),
        Part::Text("self_borne", self_borne.into()),
        Part::Text("invoices", "INV-CONSOLE-1".into()),
    ];
    parts.extend(files);
    parts
}

fn location(r: &Raw) -> String {
    r.headers
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// The rows of one queue's table on the queues page.
fn queue_rows(html: &str, queue: &str) -> String {
    let start = html
        .find(&format!("data-queue=\"{queue}\""))
        .unwrap_or_else(|| panic!("no {queue} queue in the page"));
    let end = html[start..].find("</table>").unwrap() + start;
    html[start..end].to_string()
}

/// Submits a stay with one PNG through the form; the new claim's id.
async fn submit_with_a_photo(app: &TestApp, officer: &str, member: i64) -> i64 {
    let form = text(
        &page(
            app,
            officer,
            &format!("/claims/new?member={member}&kind=hospital_stay"),
        )
        .await,
    );
    assert!(form.contains("capture=\"environment\""), "a camera upload");
    let files = vec![
        Part::Text("doc_kind_0", "application_form".into()),
        Part::File("doc_file_0", "申请表.png", PNG.to_vec()),
    ];
    let r = post_multipart(
        app,
        officer,
        "/claims/new",
        &stay_form(csrf_of(&form), member, "12,000.00", files),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", text(&r));
    let to = location(&r);
    // The claim's page, saying that the claim was submitted (issue 13: no word after an action).
    let (path, done) = to.split_once("?done=").unwrap();
    assert_eq!(done, "submitted");
    let shown = text(&page(app, officer, &to).await);
    assert!(shown.contains("data-testid=\"done\">申请已提交"), "{shown}");
    path.strip_prefix("/claims/").unwrap().parse().unwrap()
}

#[tokio::test]
async fn an_officer_submits_with_a_photo_and_the_window_takes_the_claim_to_approval() {
    let app = enrolled_app().await;
    let officer = app.login("officer.la01001").await;
    let id = submit_with_a_photo(&app, &officer, in_service_woman(&app, &officer).await).await;
    // The hospital's grade in words, not "3" (issue 13).
    let shown = text(&page(&app, &officer, &format!("/claims/{id}")).await);
    assert!(
        shown.contains("data-testid=\"hospital-grade\">三级医院"),
        "{shown}"
    );
    assert!(
        shown.contains("data-testid=\"policy\">杭州市在职职工医疗互助保障"),
        "the policy by its name: {shown}"
    );
    let c = claim_json(&app, &officer, id).await;
    assert_eq!(c["state"], "submitted");
    assert_eq!(
        c["claim"]["costs_fen"]["self_borne"], 1_200_000,
        "yuan read as exact fen"
    );
    assert_eq!(c["documents"].as_array().unwrap().len(), 1);
    assert_eq!(c["documents"][0]["content_type"], "image/png");

    // The window sees it; the document downloads through the console.
    let staff = app.login("city.staff").await;
    let queues = text(&page(&app, &staff, "/queues").await);
    assert!(queue_rows(&queues, "window").contains(&format!("data-claim=\"{id}\"")));
    let doc = c["documents"][0]["id"].as_i64().unwrap();
    let file = page(&app, &staff, &format!("/claims/{id}/documents/{doc}")).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(&file.body[..], PNG);
    // A photo opens in the browser; `?download=1` saves it (issue 13).
    let disposition = |r: &Raw| {
        r.headers[axum::http::header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .to_string()
    };
    assert!(
        disposition(&file).starts_with("inline;"),
        "{}",
        disposition(&file)
    );
    assert_eq!(file.headers["x-content-type-options"], "nosniff");
    let saved = page(
        &app,
        &staff,
        &format!("/claims/{id}/documents/{doc}?download=1"),
    )
    .await;
    assert!(
        disposition(&saved).starts_with("attachment;"),
        "{}",
        disposition(&saved)
    );

    // Documents are missing: acceptance is refused in the page with the use case's 409.
    let r = act(&app, &staff, id, &[("action", "accept")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(text(&r).contains("data-status=\"409\""));
    assert_eq!(claim_json(&app, &staff, id).await["state"], "submitted");

    // The officer adds the rest on the claim's page, one upload form at a time.
    let missing: Vec<String> = claim_json(&app, &officer, id).await["missing_documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap().to_string())
        .collect();
    assert!(!missing.is_empty());
    for kind in &missing {
        let token = csrf(&app, &officer).await;
        let r = post_multipart(
            &app,
            &officer,
            &format!("/claims/{id}/documents"),
            &[
                Part::Text("_csrf", token),
                Part::Text("doc_kind_0", kind.clone()),
                Part::File("doc_file_0", "scan.png", PNG.to_vec()),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{kind}: {}", text(&r));
    }

    // A reject without a reason is a 400 shown in the page, and changes nothing.
    let r = act(&app, &staff, id, &[("action", "accept")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", text(&r));
    assert_eq!(claim_json(&app, &staff, id).await["state"], "computed");
    // Reasons not to pay read in words, never as their codes (issue 13).
    let shown = text(&page(&app, &staff, &format!("/claims/{id}")).await);
    for (i, _) in shown.match_indices("data-reason=\"") {
        let rest = &shown[i + "data-reason=\"".len()..];
        let code = &rest[..rest.find('"').unwrap()];
        let cell = &rest[rest.find('>').unwrap() + 1..rest.find("</td>").unwrap()];
        assert_ne!(cell, code, "{shown}");
        assert!(!cell.is_ascii(), "a Chinese label for {code}: {cell}");
    }
    let r = act(&app, &staff, id, &[("action", "reject"), ("reason", " ")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(text(&r).contains("data-status=\"400\""));
    // A unit officer may not review: 403 in the page.
    let r = act(&app, &officer, id, &[("action", "review")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let r = act(&app, &staff, id, &[("action", "review")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", text(&r));
    if !claim_json(&app, &staff, id).await["review_reason"].is_null() {
        // Selected for expert review: the medical reviewer clears it from their queue.
        let r = act(
            &app,
            &staff,
            id,
            &[("action", "send_to_expert"), ("reason", "抽查")],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", text(&r));
        let reviewer = app.login("reviewer").await;
        let queues = text(&page(&app, &reviewer, "/queues").await);
        assert!(queue_rows(&queues, "expert").contains(&format!("data-claim=\"{id}\"")));
        let r = act(
            &app,
            &reviewer,
            id,
            &[("action", "expert_clear"), ("reason", "诊断与病种相符")],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", text(&r));
    }
    let c = claim_json(&app, &staff, id).await;
    assert_eq!(c["state"], "reviewed");
    let payable = c["payable_fen"].as_i64().unwrap();
    assert!(payable > 0);
    let items: Vec<&str> = c["decision"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["amount_fen"].as_i64().unwrap() > 0)
        .map(|l| l["item"].as_str().unwrap())
        .collect();

    // Item B (the major disease md01) is approved at city level: a district cannot.
    assert!(items.contains(&"B"), "{items:?}");
    let district = app.login("district.staff").await;
    let r = act(&app, &district, id, &[("action", "approve")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", text(&r));
    assert_eq!(claim_json(&app, &staff, id).await["state"], "reviewed");
    let queues = text(&page(&app, &staff, "/queues").await);
    assert!(queue_rows(&queues, "approve").contains(&format!("data-claim=\"{id}\"")));
    let r = act(&app, &staff, id, &[("action", "approve")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", text(&r));
    let c = claim_json(&app, &staff, id).await;
    assert_eq!(c["state"], "approved");
    assert_eq!(c["approved_fen"].as_i64().unwrap(), payable);

    // The claim page shows every line's amount and the totals.
    let html = text(&page(&app, &officer, &format!("/claims/{id}")).await);
    assert!(html.contains(&format!(
        "data-testid=\"payable\"><strong>{}",
        yuan(payable)
    )));
    assert!(html.contains(&format!("data-testid=\"approved\">{}", yuan(payable))));
    for l in c["decision"]["lines"].as_array().unwrap() {
        assert!(html.contains(&yuan(l["amount_fen"].as_i64().unwrap())));
    }
    // Finance finds it waiting for a payout.
    let finance = app.login("finance").await;
    let queues = text(&page(&app, &finance, "/queues").await);
    assert!(queue_rows(&queues, "finance").contains(&format!("data-claim=\"{id}\"")));
    assert!(queues.contains("href=\"/payouts\""));

    // The letter: the federation's name, each amount with its clause, the total.
    let r = page(&app, &officer, &format!("/claims/{id}/letter")).await;
    assert_eq!(r.status, StatusCode::OK);
    let letter = text(&r);
    assert!(
        letter.contains("杭州市总工会"),
        "the city federation heads it"
    );
    assert!(letter.contains("class=\"js-print"));
    for l in c["decision"]["lines"].as_array().unwrap() {
        // `hangzhou-2022 A.1`: the letter names the policy and cites `A.1`, never the file id.
        let clause = l["clause"].as_str().unwrap();
        let (_, local) = clause.split_once(' ').unwrap();
        assert!(letter.contains(&format!(">{local}<")), "{clause}");
        assert!(letter.contains(&yuan(l["amount_fen"].as_i64().unwrap())));
    }
    assert!(letter.contains(&format!(
        "data-testid=\"letter-total\"><strong>{}",
        yuan(payable)
    )));
    assert!(
        letter.contains("data-testid=\"letter-payment\""),
        "a paid claim says how"
    );
}

#[tokio::test]
async fn a_form_without_the_csrf_token_is_refused_and_stores_nothing() {
    let app = enrolled_app().await;
    let officer = app.login("officer.la01001").await;
    let member = nth_member(&app, &officer, 0).await;
    let id = submit_with_a_photo(&app, &officer, member).await;
    let before = claims_of(&app, &officer, member).await;
    // The token not first: the middleware reads only the first part.
    let mut parts = stay_form(String::new(), member, "100", Vec::new());
    parts.remove(0);
    let r = post_multipart(&app, &officer, "/claims/new", &parts).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post_multipart(
        &app,
        &officer,
        "/claims/new",
        &stay_form("0".repeat(64), member, "100", Vec::new()),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "a wrong token");
    assert_eq!(claims_of(&app, &officer, member).await, before);
    // An action without the token.
    let staff = app.login("city.staff").await;
    let r = post_form(
        &app,
        &staff,
        &format!("/claims/{id}/act"),
        &[("action", "return"), ("missing", "id_copy")],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(claim_json(&app, &staff, id).await["state"], "submitted");
}

#[tokio::test]
async fn a_claim_of_another_unit_is_not_found_for_a_unit_officer() {
    let app = enrolled_app().await;
    let officer = app.login("officer.la01001").await;
    let id = submit_with_a_photo(&app, &officer, nth_member(&app, &officer, 0).await).await;
    let theirs = submit_with_a_photo(&app, &officer, nth_member(&app, &officer, 1).await).await;
    let doc = claim_json(&app, &officer, id).await["documents"][0]["id"]
        .as_i64()
        .unwrap();
    let other = app.login("officer.sc01001").await;
    for uri in [
        format!("/claims/{id}"),
        format!("/claims/{id}/letter"),
        format!("/claims/{id}/documents/{doc}"),
    ] {
        let r = page(&app, &other, &uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(!text(&r).contains("INV-CONSOLE-1"));
    }
    let r = act(&app, &other, id, &[("action", "appeal"), ("reason", "x")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Their list does not show it either.
    let list = text(&page(&app, &other, "/claims").await);
    assert!(!list.contains(&format!("href=\"/claims/{id}\"")));
    // And the member sees only their own claims.
    let me = app.login("member.demo").await;
    let list = text(&page(&app, &me, "/claims?state=submitted,returned").await);
    assert!(list.contains(&format!("href=\"/claims/{id}\"")));
    assert!(
        !list.contains(&format!("href=\"/claims/{theirs}\"")),
        "another member's claim"
    );
    assert_eq!(
        page(&app, &me, &format!("/claims/{theirs}")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_bad_amount_or_file_shows_the_form_again_naming_the_field_and_stores_nothing() {
    let app = enrolled_app().await;
    let officer = app.login("officer.la01001").await;
    let member = nth_member(&app, &officer, 0).await;
    let before = claims_of(&app, &officer, member).await;
    let png = || {
        vec![
            Part::Text("doc_kind_0", "application_form".into()),
            Part::File("doc_file_0", "a.png", PNG.to_vec()),
        ]
    };
    for (amount, field) in [
        ("-5", "self_borne"),
        ("12.345", "self_borne"),
        ("abc", "self_borne"),
    ] {
        let token = csrf(&app, &officer).await;
        let r = post_multipart(
            &app,
            &officer,
            "/claims/new",
            &stay_form(token, member, amount, png()),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{amount}");
        let html = text(&r);
        assert!(
            html.contains(&format!("data-field=\"{field}\"")),
            "{amount}"
        );
        assert!(
            html.contains("value=\"INV-CONSOLE-1\""),
            "the input is kept"
        );
        assert!(html.contains("value=\"2022-05-11\""));
    }
    // Dates out of order name the discharge.
    let token = csrf(&app, &officer).await;
    let mut parts = stay_form(token, member, "100", png());
    parts[4] = Part::Text("discharged", "2022-04-15".into());
    let r = post_multipart(&app, &officer, "/claims/new", &parts).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(text(&r).contains("data-field=\"discharged\""));
    // A file that is no image or PDF, and one over 10 MiB.
    for (bytes, what) in [
        (b"just text".to_vec(), "text"),
        (
            [PNG, &vec![0u8; 10 * 1024 * 1024]].concat(),
            "an oversized PNG",
        ),
    ] {
        let token = csrf(&app, &officer).await;
        let r = post_multipart(
            &app,
            &officer,
            "/claims/new",
            &stay_form(
                token,
                member,
                "100",
                vec![
                    Part::Text("doc_kind_0", "application_form".into()),
                    Part::File("doc_file_0", "x.png", bytes),
                ],
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{what}");
        assert!(text(&r).contains("data-field=\"doc_file_0\""), "{what}");
    }
    assert_eq!(
        claims_of(&app, &officer, member).await,
        before,
        "nothing stored"
    );
}

/// Issue 13: the form had four upload rows for a stay's seven documents, and 首次确诊 ticked on
/// every diagnosis row. Now a fresh form has a row for each needed document with its kind
/// chosen (and spare rows), and no diagnosis is said to be a first diagnosis for the claimant.
#[tokio::test]
async fn a_fresh_claim_form_has_a_row_per_needed_document_and_nothing_ticked_for_the_claimant() {
    let app = enrolled_app().await;
    let officer = app.login("officer.la01001").await;
    let member = nth_member(&app, &officer, 0).await;
    let form = text(
        &page(
            &app,
            &officer,
            &format!("/claims/new?member={member}&kind=hospital_stay"),
        )
        .await,
    );
    let rows = form.matches("name=\"doc_file_").count();
    let needed: Vec<&str> = form
        .split("<option value=\"")
        .skip(1)
        .filter(|o| o.contains(" *</option>"))
        .collect();
    assert!(!needed.is_empty());
    let needed_kinds = form.matches(" selected>").count();
    assert!(rows >= 7, "{rows} upload rows");
    assert!(
        needed_kinds >= 7,
        "each needed kind is chosen in its row: {needed_kinds}"
    );
    assert!(
        !form.contains("name=\"diag_first_0\" value=\"1\" checked"),
        "{form}"
    );
    assert!(!form.contains("name=\"diag_first_1\" value=\"1\" checked"));
}

/// Issue 13: the claim form said a claim was late only after it was submitted. It says before:
/// the cycle and its deadline always, and a warning once the deadline has passed.
#[tokio::test]
async fn the_claim_form_warns_before_a_late_claim_is_made() {
    let app = enrolled_app().await;
    let officer = app.login("officer.la01001").await;
    let member = nth_member(&app, &officer, 0).await;
    let uri = format!("/claims/new?member={member}&kind=hospital_stay");
    let in_time = text(&page(&app, &officer, &uri).await);
    assert!(
        in_time.contains("申报截止 2023年3月31日"),
        "the deadline is shown: {in_time}"
    );
    assert!(!in_time.contains("data-testid=\"late-warning\""));
    // 2023-04-02: past hangzhou-2022's deadline (2023-03-31).
    set_day(&app, 2023, 4, 2);
    let officer = app.login("officer.la01001").await;
    let late = text(&page(&app, &officer, &uri).await);
    assert!(late.contains("data-testid=\"late-warning\""), "{late}");
}

/// Issue 13: the claim form warns before submitting when the event's date is outside the
/// member's cover. The page carries the member's spans of cover (the browser compares the date
/// as it is typed) and the warning, hidden until a date falls outside them.
#[tokio::test]
async fn the_claim_form_carries_the_cover_to_warn_of_an_event_outside_it() {
    let app = enrolled_app().await;
    let officer = app.login("officer.la01001").await;
    let member = nth_member(&app, &officer, 0).await;
    let uri = format!("/claims/new?member={member}&kind=hospital_stay");
    let html = text(&page(&app, &officer, &uri).await);
    assert!(
        html.contains("data-testid=\"outside-cover-warning\""),
        "{html}"
    );
    // Enrolled in the window: covered from the cycle's first day to its last.
    assert!(
        html.contains("data-cover=\"2022-01-01/2022-12-31 \""),
        "{html}"
    );
    let warning = html
        .split("data-testid=\"outside-cover-warning\"")
        .nth(1)
        .unwrap();
    assert!(warning.split('>').next().unwrap().contains(" hidden"));
    assert!(html.contains("所填事件日期不在该会员的保障期内"));
}
