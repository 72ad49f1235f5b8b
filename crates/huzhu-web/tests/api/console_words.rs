//! Every console page, for every role, in Chinese and in English, says things in words (issue
//! 13): no snake_case codes (`late_submission`, `partly_failed`), no policy ids where the policy's
//! name belongs (`hangzhou-2022`), no "?" for a state, no label codes in parentheses
//! (`(none)`, `(c)`), no amounts in fen, no bare hospital grade digits, no org code standing where
//! the org's name belongs — and on English pages, no Chinese domain words (states, roles, levels,
//! claim kinds, the policy's items and benefits) where an English name exists.
//!
//! The demo city with its 2022 money path is loaded; each page is rendered through the router as
//! each demo account, in each language, and its visible text (not attributes, scripts or styles)
//! is scanned. A page a role may not open (403/404/409) is skipped for that role; every page
//! must be opened by at least one role, so the sweep cannot quietly test nothing.

use crate::helpers::TestApp;
use crate::money::set_day;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use huzhu_domain::access::Role;
use huzhu_domain::org::{OrgCode, OrgLevel};
use huzhu_domain::workflow::ClaimState;
use huzhu_store::money::{ClaimFilter, MoneyStore};
use huzhu_store::{AccountStore, Store};
use std::collections::{BTreeMap, BTreeSet};

/// The visible text of a page: the text between tags, scripts and styles left out, entities
/// decoded; each piece trimmed, empty ones dropped.
fn visible_text(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    let starts = |tag: &str, with: &str| {
        tag.as_bytes()
            .get(..with.len())
            .is_some_and(|b| b.eq_ignore_ascii_case(with.as_bytes()))
    };
    while let Some(open) = rest.find('<') {
        push_text(&mut out, &rest[..open]);
        let tag = &rest[open..];
        let skip_to = if starts(tag, "<script") {
            tag.find("</script>").map(|i| i + "</script>".len())
        } else if starts(tag, "<datalist") {
            // Suggestions for a code field (the policy's disease codes and their names, which
            // the policy format gives in Chinese only), not text of the page.
            tag.find("</datalist>").map(|i| i + "</datalist>".len())
        } else if starts(tag, "<style") {
            tag.find("</style>").map(|i| i + "</style>".len())
        } else if tag.starts_with("<!--") {
            tag.find("-->").map(|i| i + 3)
        } else {
            tag.find('>').map(|i| i + 1)
        };
        match skip_to {
            Some(n) => rest = &tag[n..],
            None => return out,
        }
    }
    push_text(&mut out, rest);
    out
}

fn push_text(out: &mut Vec<String>, raw: &str) {
    let t = raw
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", " ");
    let t = t.trim();
    if !t.is_empty() {
        out.push(t.to_string());
    }
}

/// The words of a piece of text, split at anything but ASCII letters, digits, `_`, `-`, `.`.
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
        .map(|t| t.trim_matches(|c| c == '.' || c == '-'))
        .filter(|t| !t.is_empty())
}

fn is_snake_case(t: &str) -> bool {
    let parts: Vec<&str> = t.split('_').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.')
        })
        && t.chars().any(|c| c.is_ascii_lowercase())
}

/// `hangzhou-2022`, `linan-2014`, `lucheng-model-workers`: a policy id.
fn is_policy_id(t: &str, policy_ids: &BTreeSet<String>) -> bool {
    policy_ids.contains(t)
}

/// What the sweep knows of the city and the policies, to tell codes from words.
struct Known {
    /// Org code → name.
    org_codes: BTreeMap<String, String>,
    policy_ids: BTreeSet<String>,
    /// Chinese words that must not show on an English page (exact piece).
    zh_exact: BTreeSet<String>,
    /// Chinese names that must not show anywhere in an English piece.
    zh_within: BTreeSet<String>,
}

async fn known(app: &TestApp) -> Known {
    let orgs = app.store.orgs_under(None).await.unwrap();
    let org_codes = orgs
        .iter()
        .map(|o| (o.code.to_string(), o.name.clone()))
        .collect();
    let mut policy_ids = BTreeSet::new();
    let mut zh_within = BTreeSet::new();
    for name in huzhu_domain::policy::builtin_names() {
        policy_ids.insert(name.to_string());
        let p = huzhu_domain::policy::builtin(name).unwrap().unwrap();
        policy_ids.insert(p.id.clone());
        if name != "hangzhou-2022" {
            continue;
        }
        for item in &p.items {
            zh_within.insert(item.name.clone());
            for b in &item.benefits {
                zh_within.insert(b.name.clone());
            }
        }
        for d in &p.documents {
            zh_within.insert(d.name.clone());
        }
    }
    let mut zh_exact: BTreeSet<String> = BTreeSet::new();
    for s in ClaimState::ALL {
        zh_within.insert(s.label_zh().to_string());
    }
    for r in Role::ALL {
        zh_exact.insert(r.label_zh().to_string());
    }
    for l in [
        OrgLevel::City,
        OrgLevel::District,
        OrgLevel::Street,
        OrgLevel::Grassroots,
    ] {
        zh_exact.insert(l.label_zh().to_string());
    }
    for w in [
        "住院",
        "特定病种门诊",
        "疾病确诊",
        "关爱金",
        "在职",
        "男",
        "女",
    ] {
        zh_exact.insert(w.to_string());
    }
    Known {
        org_codes,
        policy_ids,
        zh_exact,
        zh_within,
    }
}

/// Every raw code on a page, described.
fn raw_codes(html: &str, en: bool, k: &Known) -> Vec<String> {
    let text = visible_text(html);
    let mut found = Vec::new();
    let mut previous = "";
    for piece in &text {
        let p = piece.as_str();
        if p == "?" || p == "？" {
            found.push(format!("\"?\" for a state: after {previous:?}"));
        }
        for t in tokens(p) {
            // A file's name is the uploader's (`bank_card.png`), not a code of huzhu's.
            let file_name = [".png", ".jpg", ".jpeg", ".pdf", ".csv", ".xlsx"]
                .iter()
                .any(|ext| t.ends_with(ext));
            if is_snake_case(t) && !file_name {
                found.push(format!("snake_case `{t}` in {p:?}"));
            }
            if is_policy_id(t, &k.policy_ids) {
                found.push(format!("policy id `{t}` in {p:?}"));
            }
        }
        // A code beside its org's name (the org tree) is fine; alone, where the name belongs, not.
        if k.org_codes.get(p).is_some_and(|name| name != previous) {
            found.push(format!(
                "org code {p:?} where its name belongs (after {previous:?})"
            ));
        }
        for code in ["(none)", "(c)", "(i)", "(md)", "(ms)", "(fs)"] {
            if p.contains(code) {
                found.push(format!("label code {code} in {p:?}"));
            }
        }
        if p.split(|c: char| c.is_whitespace())
            .collect::<Vec<_>>()
            .windows(2)
            .any(|w| w[1] == "fen" && w[0].chars().all(|c| c.is_ascii_digit()))
        {
            found.push(format!("an amount in fen: {p:?}"));
        }
        let grade_label = ["医院等级", "Hospital grade", "hospital grade"]
            .iter()
            .any(|l| previous.trim_end_matches([':', '：']).ends_with(l));
        if grade_label && p.len() == 1 && p.chars().all(|c| c.is_ascii_digit()) {
            found.push(format!("a bare hospital grade {p:?}"));
        }
        if en {
            if k.zh_exact.contains(p) {
                found.push(format!("Chinese word {p:?} on an English page"));
            }
            for w in &k.zh_within {
                if p.contains(w.as_str()) {
                    found.push(format!("Chinese name {w:?} on an English page, in {p:?}"));
                }
            }
        }
        previous = p;
    }
    found
}

async fn get(app: &TestApp, token: &str, lang: &str, uri: &str) -> (StatusCode, String) {
    let raw = app
        .call(
            Request::get(uri)
                .header("authorization", format!("Bearer {token}"))
                .header(header::COOKIE, format!("huzhu_lang={lang}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    (raw.status, String::from_utf8_lossy(&raw.body).into_owned())
}

/// The pages to visit: every console page, with the demo's objects — a claim of each state and
/// kind, its member and letter, bills, batches, an account, an import.
async fn pages(app: &TestApp) -> Vec<String> {
    let hz = OrgCode::parse("HZ").unwrap();
    let mut uris: Vec<String> = [
        "/",
        "/orgs",
        "/members",
        "/members?org=LA-01-001",
        "/claims",
        "/claims/new",
        "/queues",
        "/enrolment",
        "/enrolment?unit=LA-01-001&policy=hangzhou-2022",
        "/ledger",
        "/payouts",
        "/stats",
        "/stats/programmes",
        "/audit",
        "/import",
        "/transfers",
        "/archive",
        "/archive/new",
        "/archive?state=applied&category=deep",
        "/campaigns",
        "/notices",
        "/bank-changes",
        "/accounts",
        "/grants",
        "/grants?state=refused&programme=one-off-relief&org=LA-01-001",
        "/grants/new",
        "/grants/new?programme=golden-autumn",
        "/grants/new?programme=dialysis-relief",
        "/grants/new?programme=major-illness-relief",
        "/funds",
        "/my-grants",
        // recuperation, procurement (helper M)
        "/recuperation",
        "/procurement",
        // donation module (春风行动, issue 16)
        "/donations",
        "/donations?state=expected",
        "/donors",
        "/thanks",
        // legal aid and recognition (issue 17)
        "/legal-aid",
        "/legal-aid?show=all",
        "/legal-aid/lawyers",
        "/stats/legal-aid",
        "/recognition",
        "/recognition/experts",
        // recognition's figures (issue 17, helper B)
        "/stats/recognition",
        // cloud pairing and the 81890 directory (issue 16)
        "/pairing",
        "/pairing/students",
        "/services",
        "/services?q=维修",
        "/services/requests",
        "/services/teams",
        "/stats/services?from=2026-11-01&to=2026-11-30",
        // employment help (helper D, issue 16)
        "/employment",
        // bank statements (helper D, issue 16)
        "/statements",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let claims = app
        .store
        .claims_under(
            &hz,
            &ClaimFilter {
                states: Vec::new(),
                member: None,
                policy: None,
                awaiting_payout: false,
                member_name: None,
                id_tail: None,
                after: None,
                limit: 10_000,
            },
        )
        .await
        .unwrap();
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    let mut members = BTreeSet::new();
    for c in &claims {
        let state = c.fields.state.code().to_string();
        if seen.insert((state.clone(), String::new()))
            | seen.insert((String::new(), c.kind.clone()))
        {
            uris.push(format!("/claims/{}", c.id.0));
            uris.push(format!("/claims/{}/letter", c.id.0));
            members.insert(c.member.0);
        }
    }
    for m in members.iter().take(6) {
        uris.push(format!("/members/{m}"));
        uris.push(format!("/members/{m}/support"));
        uris.push(format!("/claims/new?member={m}"));
    }
    for b in app.store.bills_under(&hz).await.unwrap().iter().take(3) {
        uris.push(format!("/enrolment/bills/{}", b.id.0));
    }
    for b in app.store.batches_under(&hz).await.unwrap() {
        uris.push(format!("/payouts/{}", b.id.0));
    }
    let officer = app
        .store
        .user_by_username("officer.la01001")
        .await
        .unwrap()
        .unwrap();
    uris.push(format!("/accounts/{}", officer.id.0));
    uris
}

/// Cloud pairing's and the 81890 directory's pages with the demo's objects (issue 16): each
/// published student (staff's page and the public link), a sponsor's link once claimed and once
/// pledged, each service request and a service's request form.
async fn pairing_pages(app: &TestApp) -> Vec<String> {
    use huzhu_app::Clock;
    use huzhu_store::pairing::PairingStore;
    use huzhu_store::services::{RequestScope, ServiceStore};
    use huzhu_store::OrgScope;
    let mut uris = Vec::new();
    let students = app
        .store
        .pairing_students(&OrgScope::Everything, app.clock.now())
        .await
        .unwrap();
    assert!(!students.is_empty(), "the pairing demo is loaded");
    for s in &students {
        uris.push(format!("/pairing/students/{}", s.id));
        uris.push(format!("/pairing/{}", s.listing.token));
    }
    let free = students
        .iter()
        .find(|s| s.listing.state == huzhu_domain::pairing::PairingState::Published)
        .unwrap();
    let (status, won) = app
        .send(
            Request::post(format!(
                "/api/v1/public/pairing/{}/claim",
                free.listing.token
            ))
            .header("content-type", "application/json")
            .body(Body::from(
                serde_json::json!({"kind": "person", "name": "赵先生", "phone": "13600136000"})
                    .to_string(),
            ))
            .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{won}");
    let sponsor = won["sponsor_token"].as_str().unwrap().to_string();
    uris.push(format!("/pairing/sponsor/{sponsor}"));
    for r in app
        .store
        .service_requests(&RequestScope::Orgs(OrgScope::Everything), 50)
        .await
        .unwrap()
    {
        uris.push(format!("/services/requests/{}", r.id));
        uris.push(format!("/services/offers/{}/request", r.offer));
    }
    uris.sort();
    uris.dedup();
    uris
}

#[tokio::test]
async fn every_console_page_shows_words_not_codes_for_every_role_in_both_languages() {
    let app = crate::helpers::spawn_app().await;
    huzhu_app::demo_money::load_money_demo(&app.store)
        .await
        .unwrap();
    set_day(&app, 2022, 7, 15);
    let k = known(&app).await;
    let uris = pages(&app).await;
    // An import of the officer's, so that its status page is visited too.
    let officer = app.login("officer.la01001").await;
    let raw = crate::console_pages::upload(
        &app,
        &officer,
        "roster.csv",
        "姓名,身份证号,工会代码,在职状态\n王芳,330106199001010000,LA-01-001,在职\n".as_bytes(),
    )
    .await;
    let import = crate::console_pages::location(&raw);
    assert!(import.starts_with("/import/"), "{import}");
    // A household's record, so that its page (people, arithmetic, timeline) is visited too.
    let household = crate::archive::opened(&app, &officer).await;
    let mut uris = uris;
    uris.push(format!("/archive/{household}"));
    // A campaign with a recipient listed by hand and one from the archive's tags, so that its
    // page (recipients, grant preview, buttons) is visited too.
    uris.push(format!(
        "/campaigns/{}",
        campaign_with_a_recipient(&app).await
    ));
    // Reliefs of the demo member: one applied, one refused by the programme, with their pages
    // and notices.
    for (yuan, docs) in [(3_000, true), (10, false)] {
        let member = crate::console_grants::demo_member_id(&app).await;
        let facts = if docs {
            serde_json::json!({"requested_fen": yuan * 100, "documents": ["application_form"]})
        } else {
            serde_json::json!({"requested_fen": yuan * 100})
        };
        let (status, body) = app
            .json_as(
                &officer,
                "POST",
                "/api/v1/grants",
                &serde_json::json!({"programme": "one-off-relief", "member": member, "facts": facts}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let id = body[0]["grant"]["id"].as_i64().unwrap();
        uris.push(format!("/grants/{id}"));
        uris.push(format!("/grants/{id}/notice"));
    }
    uris.push(format!("/archive/{household}/support"));
    // employment help (helper D, issue 16): a held fair with a placement, a course with a
    // trainee, and their pages.
    uris.extend(crate::employment::pages(&app).await);

    let mut opened: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut problems: Vec<String> = Vec::new();
    for (username, _, _, _) in huzhu_app::demo::DEMO_ACCOUNTS {
        let token = app.login(username).await;
        let mut mine = uris.clone();
        if username == "officer.la01001" {
            mine.push(import.clone());
        }
        for lang in ["zh", "en"] {
            for uri in &mine {
                let (status, html) = get(&app, &token, lang, uri).await;
                match status {
                    StatusCode::OK => {}
                    StatusCode::FORBIDDEN | StatusCode::NOT_FOUND | StatusCode::CONFLICT => {
                        continue
                    }
                    other => panic!("{username} {lang} {uri}: {other}\n{html}"),
                }
                opened
                    .entry(uri.clone())
                    .or_default()
                    .push(format!("{username}/{lang}"));
                for p in raw_codes(&html, lang == "en", &k) {
                    problems.push(format!("{username} {lang} {uri}: {p}"));
                }
            }
        }
    }
    // A letter exists once a claim is decided: not every claim has one, but some must.
    for uri in uris.iter().chain([&import]) {
        assert!(
            opened.contains_key(uri) || uri.ends_with("/letter"),
            "no role could open {uri}: the sweep would not test it"
        );
    }
    assert!(
        opened.keys().any(|u| u.ends_with("/letter")),
        "no letter was opened"
    );
    problems.sort();
    problems.dedup();
    assert!(
        problems.is_empty(),
        "{} raw codes on console pages:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// A campaign opened by city staff, with a member of LA-01-001 listed by hand and the demo's
/// tagged members listed from their tags.
async fn campaign_with_a_recipient(app: &TestApp) -> i64 {
    let city = app.login("city.staff").await;
    let (s, body) = app
        .json_as(
            &city,
            "POST",
            "/api/v1/campaigns",
            &serde_json::json!({"programme": "two-festivals-2026",
                "window_start": "2026-01-01", "window_end": "2026-02-28"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let c = body["id"].as_i64().unwrap();
    let member = app
        .store
        .members_under(
            &OrgCode::parse("LA-01-001").unwrap(),
            huzhu_store::Page {
                after: None,
                limit: 1,
            },
        )
        .await
        .unwrap()[0]
        .id;
    let (s, body) = app
        .json_as(
            &city,
            "POST",
            &format!("/api/v1/campaigns/{c}/recipients"),
            &serde_json::json!({"member": member.0, "reason": "突发困难", "cash_fen": 50_000,
                "gift_pack": true}),
        )
        .await;
    assert_eq!(
        (s, body["added"].as_i64()),
        (StatusCode::OK, Some(1)),
        "{body}"
    );
    let (s, body) = app
        .json_as(
            &city,
            "POST",
            &format!("/api/v1/campaigns/{c}/recipients/from-tags"),
            &serde_json::json!(null),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    c
}

#[test]
fn the_scanner_finds_codes_in_text_but_not_in_attributes() {
    let k = Known {
        org_codes: [("LA-01-001".to_string(), "一单位".to_string())].into(),
        policy_ids: ["hangzhou-2022".to_string()].into(),
        zh_exact: ["已提交".to_string()].into(),
        zh_within: ["住院生活补助".to_string()].into(),
    };
    let clean =
        "<a href=\"/claims?state=late_submission\" data-x=\"hangzhou-2022\">超过申报期限</a>\
                 <script>var a_b = 1;</script><td>临安区</td><td>一单位</td><td>LA-01-001</td>\
                 <td>bank_card.png</td>";
    assert!(raw_codes(clean, false, &k).is_empty());
    for (html, en) in [
        ("<td>late_submission</td>", false),
        ("<td>hangzhou-2022</td>", false),
        ("<td>?</td>", false),
        ("<td>其他 (c)</td>", false),
        ("<td>1665000 fen</td>", false),
        ("<dt>医院等级</dt><dd>3</dd>", false),
        ("<td>LA-01-001</td>", false),
        ("<td>已提交</td>", true),
        ("<td>住院生活补助 ¥1.00</td>", true),
    ] {
        assert_eq!(raw_codes(html, en, &k).len(), 1, "{html}");
    }
    assert!(raw_codes("<td>已提交</td>", false, &k).is_empty());
}

/// Cloud pairing's and the 81890 directory's pages (issue 16) with their demo, which stands on the
/// programmes' demo (its campaign would clash with the sweep above, hence a sweep of its own with
/// the same scanner): every role, both languages, words not codes; every page opened by a role.
#[tokio::test]
async fn every_pairing_and_service_page_shows_words_not_codes_for_every_role_in_both_languages() {
    let app = crate::helpers::spawn_app().await;
    huzhu_app::demo_programmes::load_programme_demo(&app.store)
        .await
        .unwrap();
    huzhu_app::demo_programmes::demo_pairing::load_pairing_demo(&app.store)
        .await
        .unwrap();
    set_day(&app, 2026, 12, 7);
    let k = known(&app).await;
    let mut uris: Vec<String> = [
        "/pairing",
        "/pairing/students",
        "/services",
        "/services?q=维修",
        "/services/requests",
        "/services/teams",
        "/stats/services?from=2026-11-01&to=2026-11-30",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    uris.extend(pairing_pages(&app).await);
    let mut opened: BTreeSet<String> = BTreeSet::new();
    let mut problems: Vec<String> = Vec::new();
    for (username, _, _, _) in huzhu_app::demo::DEMO_ACCOUNTS {
        let token = app.login(username).await;
        for lang in ["zh", "en"] {
            for uri in &uris {
                let (status, html) = get(&app, &token, lang, uri).await;
                match status {
                    StatusCode::OK => {}
                    StatusCode::FORBIDDEN | StatusCode::NOT_FOUND | StatusCode::CONFLICT => {
                        continue
                    }
                    other => panic!("{username} {lang} {uri}: {other}\n{html}"),
                }
                opened.insert(uri.clone());
                for p in raw_codes(&html, lang == "en", &k) {
                    problems.push(format!("{username} {lang} {uri}: {p}"));
                }
            }
        }
    }
    for uri in &uris {
        assert!(opened.contains(uri), "no role could open {uri}");
    }
    problems.sort();
    problems.dedup();
    assert!(
        problems.is_empty(),
        "{} raw codes on pairing and service pages:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
