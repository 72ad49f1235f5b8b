//! Scope on the money path: every demo account against claims, documents, workflow actions,
//! bills and cover of `LA-01-001`, and the same requests with forged identifiers (another unit's
//! id, an id that does not exist). Out of scope looks exactly like missing; a role without the
//! capability is told so (403), which says nothing about the object.

use crate::helpers::{spawn_app, TestApp};
use crate::money::{act, claim_with_documents, enrol_and_pay, in_service_woman, set_day};
use axum::http::StatusCode;
use serde_json::{json, Value};

const NONE: i64 = 999_999;

/// For each account: the expected status for [the `LA-01-001` object, the `SC-01-001` one, a
/// nonexistent id].
type Row = (&'static str, [u16; 3]);

const READ_CLAIM: [Row; 9] = [
    ("admin", [200, 200, 404]),
    ("city.staff", [200, 200, 404]),
    ("district.staff", [200, 404, 404]),
    ("reviewer", [200, 200, 404]),
    ("finance", [200, 200, 404]),
    ("auditor", [200, 200, 404]),
    ("officer.la01001", [200, 404, 404]),
    ("officer.sc01001", [404, 200, 404]),
    // The claim of LA-01-001 is member.demo's own.
    ("member.demo", [200, 404, 404]),
];

/// `review`: only federation staff handle claims; the SC claim waits at the window (409).
const REVIEW: [Row; 9] = [
    ("admin", [403, 403, 403]),
    ("city.staff", [200, 409, 404]),
    ("district.staff", [200, 404, 404]),
    ("reviewer", [403, 403, 403]),
    ("finance", [403, 403, 403]),
    ("auditor", [403, 403, 403]),
    ("officer.la01001", [403, 403, 403]),
    ("officer.sc01001", [403, 403, 403]),
    ("member.demo", [403, 403, 403]),
];

/// Making a claim for [member.demo (of `LA-01-001`), a member of `SC-01-001`, no such member]:
/// federation staff for their subtree, an officer for their unit, a member for themselves.
const CREATE_CLAIM: [Row; 9] = [
    ("admin", [403, 403, 403]),
    ("city.staff", [201, 201, 404]),
    ("district.staff", [201, 404, 404]),
    ("reviewer", [403, 403, 403]),
    ("finance", [403, 403, 403]),
    ("auditor", [403, 403, 403]),
    ("officer.la01001", [201, 404, 404]),
    ("officer.sc01001", [404, 201, 404]),
    ("member.demo", [201, 404, 404]),
];

/// Bills belong to units: a member account sees none.
const READ_BILL: [Row; 9] = [
    ("admin", [200, 200, 404]),
    ("city.staff", [200, 200, 404]),
    ("district.staff", [200, 404, 404]),
    ("reviewer", [200, 200, 404]),
    ("finance", [200, 200, 404]),
    ("auditor", [200, 200, 404]),
    ("officer.la01001", [200, 404, 404]),
    ("officer.sc01001", [404, 200, 404]),
    ("member.demo", [404, 404, 404]),
];

/// Lists by org code (the third is a code that does not exist). A member's list is always their
/// own claims, whatever `org` says.
const LIST_CLAIMS: [Row; 9] = [
    ("admin", [200, 200, 404]),
    ("city.staff", [200, 200, 404]),
    ("district.staff", [200, 404, 404]),
    ("reviewer", [200, 200, 404]),
    ("finance", [200, 200, 404]),
    ("auditor", [200, 200, 404]),
    ("officer.la01001", [200, 404, 404]),
    ("officer.sc01001", [404, 200, 404]),
    ("member.demo", [200, 200, 200]),
];

struct Fixture {
    /// member.demo's member, and a member of SC-01-001; both enrolled.
    mine: i64,
    sc_member: i64,
    /// member.demo's claim (made by the officer) and one of SC-01-001, each with documents.
    la_claim: i64,
    la_doc: i64,
    sc_claim: i64,
    sc_doc: i64,
    la_bill: i64,
    sc_bill: i64,
    /// A computed claim of another member of LA-01-001, the target of refused reviews.
    computed: i64,
}

async fn fixture(app: &TestApp) -> Fixture {
    let la_bill = enrol_and_pay(app).await;
    let sc_officer = app.login("officer.sc01001").await;
    let (status, out) = app
        .json_as(
            &sc_officer,
            "POST",
            "/api/v1/enrolments",
            &json!({"unit": "SC-01-001", "policy": "hangzhou-2022",
                    "items": [{"item": "A", "shares": 1}, {"item": "B", "shares": 1}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{out}");
    let sc_bill = out["bill"]["id"].as_i64().unwrap();

    set_day(app, 2022, 6, 1);
    let officer = app.login("officer.la01001").await;
    let sc_officer = app.login("officer.sc01001").await;
    let (_, me) = app
        .get_as(&app.login("member.demo").await, "/api/v1/session")
        .await;
    let mine = me["member_id"].as_i64().unwrap();
    let (_, sc_members) = app
        .get_as(&sc_officer, "/api/v1/members?org=SC-01-001&limit=100")
        .await;
    let sc_member = sc_members["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["status"] == "在职")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (la_claim, la_docs) = claim_with_documents(app, &officer, mine).await;
    let (sc_claim, sc_docs) = claim_with_documents(app, &sc_officer, sc_member).await;
    let computed = computed_claim(app).await;
    Fixture {
        mine,
        sc_member,
        la_claim,
        la_doc: la_docs[0],
        sc_claim,
        sc_doc: sc_docs[0],
        la_bill,
        sc_bill,
        computed,
    }
}

/// A hospital stay of the cycle, with no documents.
fn small_stay() -> Value {
    json!({"kind": "hospital_stay", "admitted": "2022-05-01", "discharged": "2022-05-03",
           "hospital_grade": 3, "costs_fen": {"total": 300000, "self_borne": 120000},
           "invoices": ["SCOPE-1"]})
}

/// How many claims these members have, as the city sees them.
async fn claim_count(app: &TestApp, members: &[i64]) -> usize {
    let city = app.login("city.staff").await;
    let mut n = 0;
    for m in members {
        let (status, list) = app
            .get_as(&city, &format!("/api/v1/claims?member={m}&limit=500"))
            .await;
        assert_eq!(status, StatusCode::OK, "{list}");
        n += list["claims"].as_array().unwrap().len();
    }
    n
}

/// A new claim of an in-service woman of LA-01-001, accepted and so computed.
async fn computed_claim(app: &TestApp) -> i64 {
    let officer = app.login("officer.la01001").await;
    let woman = in_service_woman(app, &officer).await;
    let (id, _) = claim_with_documents(app, &officer, woman).await;
    let city = app.login("city.staff").await;
    let (status, c) = act(app, &city, id, json!({"action": "accept"})).await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(c["state"], "computed");
    id
}

/// Checks `rows` for one route: `uris` are the requests for [LA, SC, nonexistent], `missing` the
/// body of a request for something that does not exist.
async fn check(
    app: &TestApp,
    route: &str,
    rows: &[Row],
    send: impl AsyncFn(&str, usize) -> (StatusCode, Value),
    missing: &Value,
) {
    for (account, expected) in rows {
        for (i, want) in expected.iter().enumerate() {
            let token = app.login(account).await;
            let (status, body) = send(&token, i).await;
            assert_eq!(
                status.as_u16(),
                *want,
                "{route} as {account}, target {i}: {body}"
            );
            if *want == 404 {
                assert_eq!(
                    &body, missing,
                    "{route} as {account}, target {i}: out of scope looks missing"
                );
            }
        }
    }
}

#[tokio::test]
async fn every_account_sees_the_money_path_in_its_scope_and_forged_ids_look_missing() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let admin = app.login("admin").await;
    let (status, missing) = app.get_as(&admin, &format!("/api/v1/claims/{NONE}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let claims = [f.la_claim, f.sc_claim, NONE];
    check(
        &app,
        "GET claim",
        &READ_CLAIM,
        async |t: &str, i: usize| {
            app.get_as(t, &format!("/api/v1/claims/{}", claims[i]))
                .await
        },
        &missing,
    )
    .await;

    let docs = [
        (f.la_claim, f.la_doc),
        (f.sc_claim, f.sc_doc),
        (f.la_claim, NONE),
    ];
    let read_doc = READ_CLAIM.map(|(a, [la, sc, _])| (a, [la, sc, 404]));
    check(
        &app,
        "GET document",
        &read_doc,
        async |t: &str, i: usize| {
            let (claim, doc) = docs[i];
            let raw = app
                .get_bytes_as(t, &format!("/api/v1/claims/{claim}/documents/{doc}"))
                .await;
            (raw.status, raw.json())
        },
        &missing,
    )
    .await;
    // Another claim's document through a claim one may see: missing, for everyone.
    for (account, _) in READ_CLAIM {
        let token = app.login(account).await;
        let raw = app
            .get_bytes_as(
                &token,
                &format!("/api/v1/claims/{}/documents/{}", f.la_claim, f.sc_doc),
            )
            .await;
        assert_eq!(raw.status, StatusCode::NOT_FOUND, "{account}");
        assert_eq!(raw.json(), missing, "{account}");
    }

    for (account, expected) in REVIEW {
        for (i, want) in expected.iter().enumerate() {
            // A review that succeeds moves its claim on: give each one a claim of its own.
            let target = match i {
                0 if *want == 200 => computed_claim(&app).await,
                0 => f.computed,
                1 => f.sc_claim,
                _ => NONE,
            };
            let token = app.login(account).await;
            let (status, body) = act(&app, &token, target, json!({"action": "review"})).await;
            assert_eq!(
                status.as_u16(),
                *want,
                "review as {account}, target {i}: {body}"
            );
            match *want {
                404 => assert_eq!(body, missing, "review as {account}, target {i}"),
                403 => assert_eq!(body["code"], "HZ-AUTH-0002"),
                409 => assert_eq!(body["code"], "HZ-CLAIM-0001"),
                _ => assert_eq!(body["state"], "reviewed"),
            }
        }
    }

    // A claim for a member out of scope is refused as if the member did not exist, and nothing
    // is written: whether the claim names its policy (the scope is checked by the write) or
    // not (the member is read first, to find the policy).
    let city = app.login("city.staff").await;
    let (status, no_member) = app
        .json_as(
            &city,
            "POST",
            "/api/v1/claims",
            &json!({"member_id": NONE, "policy": "hangzhou-2022", "claim": small_stay()}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{no_member}");
    let targets = [f.mine, f.sc_member, NONE];
    for named in [true, false] {
        let before = claim_count(&app, &[f.mine, f.sc_member]).await;
        let mut made = 0;
        for (_, expected) in CREATE_CLAIM {
            made += expected.iter().filter(|s| **s == 201).count();
        }
        check(
            &app,
            if named {
                "POST claim (policy named)"
            } else {
                "POST claim"
            },
            &CREATE_CLAIM,
            async |t: &str, i: usize| {
                let mut body = json!({"member_id": targets[i], "claim": small_stay()});
                if named {
                    body["policy"] = json!("hangzhou-2022");
                }
                let (status, out) = app.json_as(t, "POST", "/api/v1/claims", &body).await;
                if status == StatusCode::CREATED {
                    assert_eq!(out["member"], targets[i], "{out}");
                }
                (status, out)
            },
            &no_member,
        )
        .await;
        assert_eq!(
            claim_count(&app, &[f.mine, f.sc_member]).await,
            before + made,
            "only the accepted requests wrote a claim"
        );
    }

    let bills = [f.la_bill, f.sc_bill, NONE];
    check(
        &app,
        "GET bill",
        &READ_BILL,
        async |t: &str, i: usize| app.get_as(t, &format!("/api/v1/bills/{}", bills[i])).await,
        &missing,
    )
    .await;

    let members = [f.mine, f.sc_member, NONE];
    check(
        &app,
        "GET coverage",
        &READ_CLAIM,
        async |t: &str, i: usize| {
            app.get_as(t, &format!("/api/v1/members/{}/coverage", members[i]))
                .await
        },
        &missing,
    )
    .await;

    let orgs = ["LA-01-001", "SC-01-001", "ZZ-99-999"];
    let (_, missing_org) = app.get_as(&admin, "/api/v1/claims?org=ZZ-99-999").await;
    check(
        &app,
        "GET claims",
        &LIST_CLAIMS,
        async |t: &str, i: usize| {
            app.get_as(t, &format!("/api/v1/claims?org={}", orgs[i]))
                .await
        },
        &missing_org,
    )
    .await;

    // A member sees their own claims only, and anyone else's claim is missing for them.
    let member = app.login("member.demo").await;
    let (_, own) = app.get_as(&member, "/api/v1/claims?org=SC-01-001").await;
    let own = own["claims"].as_array().unwrap();
    assert!(!own.is_empty());
    assert!(own.iter().all(|c| c["member"] == f.mine), "{own:?}");
    let (status, body) = app
        .get_as(&member, &format!("/api/v1/claims/{}", f.computed))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, missing);
}
