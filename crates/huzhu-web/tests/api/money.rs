//! The money path over HTTP (issue 5): a unit enrols and pays, a member claims with documents,
//! the window accepts, staff review, the right level approves, finance pays in a batch and
//! downloads the bank file, and the ledger checks out. The fixtures here serve the other money
//! tests too.

use crate::helpers::{spawn_app, TestApp};
use axum::http::{header, StatusCode};
use chrono::{TimeZone, Utc};
use serde_json::{json, Value};

/// The documents a hospital stay with a major disease needs under `hangzhou-2022`.
pub const DOCUMENT_KINDS: [&str; 7] = [
    "application_form",
    "id_copy",
    "bank_card",
    "settlement_statement",
    "discharge_record",
    "invoice",
    "pathology_report",
];

/// A few bytes that pass for a PNG: files are checked by their first bytes.
pub fn png() -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend_from_slice(b"not really an image, but a test");
    v
}

/// A ten-day stay in May 2022 with major disease md01.
pub fn stay() -> Value {
    json!({
        "kind": "hospital_stay", "admitted": "2022-05-01", "discharged": "2022-05-11",
        "hospital_grade": 3,
        "diagnoses": [{"disease": "md01", "date": "2022-05-01", "first_diagnosis": true}],
        "costs_fen": {"total": 5_000_000, "self_borne": 1_200_000},
        "invoices": ["INV-1"]
    })
}

pub fn set_day(app: &TestApp, y: i32, m: u32, d: u32) {
    app.clock
        .set(Utc.with_ymd_and_hms(y, m, d, 2, 0, 0).unwrap());
}

/// On 2021-11-01 (in the enrolment window) `officer.la01001` enrols `LA-01-001` in A, B and C
/// and `finance` records the payment; the bill's id.
pub async fn enrol_and_pay(app: &TestApp) -> i64 {
    set_day(app, 2021, 11, 1);
    let officer = app.login("officer.la01001").await;
    let (status, out) = app
        .json_as(
            &officer,
            "POST",
            "/api/v1/enrolments",
            &json!({"unit": "LA-01-001", "policy": "hangzhou-2022",
                    "items": [{"item": "A", "shares": 1}, {"item": "B", "shares": 1},
                              {"item": "C", "shares": 1}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{out}");
    let bill = out["bill"]["id"].as_i64().unwrap();
    let total: i64 = out["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["amount_fen"].as_i64().unwrap())
        .sum();
    assert_eq!(out["bill"]["amount_fen"].as_i64().unwrap(), total);
    assert_eq!(out["bill"]["status"], "unpaid");
    let finance = app.login("finance").await;
    let (status, paid) = app
        .json_as(
            &finance,
            "POST",
            &format!("/api/v1/bills/{bill}/payment"),
            &json!({"payment_ref": "BANK-20211101-1"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{paid}");
    assert_eq!(paid["status"], "paid");
    bill
}

/// The first in-service woman of `LA-01-001` with a bank account.
pub async fn in_service_woman(app: &TestApp, token: &str) -> i64 {
    let (status, page) = app
        .get_as(token, "/api/v1/members?org=LA-01-001&limit=100")
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["status"] == "在职" && m["gender"] == "女" && !m["bank_account"].is_null())
        .map(|m| m["id"].as_i64().unwrap())
        .expect("LA-01-001 has an in-service woman with a bank account")
}

/// A submitted claim for `member` made by `token`, with every document uploaded: (claim id,
/// document ids).
pub async fn claim_with_documents(app: &TestApp, token: &str, member: i64) -> (i64, Vec<i64>) {
    let (status, claim) = app
        .json_as(
            token,
            "POST",
            "/api/v1/claims",
            &json!({"member_id": member, "claim": stay()}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{claim}");
    let id = claim["id"].as_i64().unwrap();
    let mut docs = Vec::new();
    for kind in DOCUMENT_KINDS {
        let (status, doc) = app
            .post_bytes_as(
                token,
                &format!("/api/v1/claims/{id}/documents?kind={kind}&file_name={kind}.png"),
                png(),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{kind}: {doc}");
        assert_eq!(doc["content_type"], "image/png");
        docs.push(doc["id"].as_i64().unwrap());
    }
    (id, docs)
}

pub async fn act(app: &TestApp, token: &str, claim: i64, body: Value) -> (StatusCode, Value) {
    app.json_as(
        token,
        "POST",
        &format!("/api/v1/claims/{claim}/actions"),
        &body,
    )
    .await
}

#[tokio::test]
async fn a_claim_goes_from_enrolment_to_a_paid_bank_file_and_a_balanced_ledger() {
    let app = spawn_app().await;
    enrol_and_pay(&app).await;

    // June 2022: past the waiting period.
    set_day(&app, 2022, 6, 1);
    let officer = app.login("officer.la01001").await;
    let member_demo = app.login("member.demo").await;
    let member = in_service_woman(&app, &officer).await;
    let (_, me) = app.get_as(&member_demo, "/api/v1/session").await;
    // The demo's member account claims for itself when it fits; else its officer claims for her.
    let claimant = if me["member_id"].as_i64() == Some(member) {
        member_demo
    } else {
        officer.clone()
    };

    let (status, cover) = app
        .get_as(&claimant, &format!("/api/v1/members/{member}/coverage"))
        .await;
    assert_eq!(status, StatusCode::OK, "{cover}");
    assert_eq!(cover["policy"], "hangzhou-2022");
    let items = cover["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "{cover}");
    assert!(items.iter().all(|i| i["in_waiting_period"] == false));
    assert_eq!(items[0]["left_fen"], 3_020_000);
    assert!(cover["documents"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["kind"] == "hospital_stay"
            && d["documents"]
                .as_array()
                .unwrap()
                .iter()
                .any(|doc| doc["id"] == "discharge_record")));

    let (status, created) = app
        .json_as(
            &claimant,
            "POST",
            "/api/v1/claims",
            &json!({"member_id": member, "claim": stay()}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["state"], "submitted");
    assert_eq!(created["policy"], "hangzhou-2022");
    assert!(created["missing_documents"]
        .as_array()
        .unwrap()
        .contains(&json!("pathology_report")));
    let id = created["id"].as_i64().unwrap();

    let city = app.login("city.staff").await;
    let (status, body) = act(&app, &city, id, json!({"action": "accept"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "documents missing: {body}");
    assert_eq!(body["code"], "HZ-CLAIM-0001");

    for kind in DOCUMENT_KINDS {
        let (status, doc) = app
            .post_bytes_as(
                &claimant,
                &format!("/api/v1/claims/{id}/documents?kind={kind}&file_name={kind}.png"),
                png(),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{kind}: {doc}");
    }
    let (_, queue) = app
        .get_as(&city, "/api/v1/claims?org=LA&state=submitted")
        .await;
    assert!(queue["claims"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == id));

    let (status, computed) = act(&app, &city, id, json!({"action": "accept"})).await;
    assert_eq!(status, StatusCode::OK, "{computed}");
    assert_eq!(computed["state"], "computed");
    // A.1 5,700 + B.1 15,000 (the living allowance is cut by B's cap) = 20,700 yuan.
    assert_eq!(computed["payable_fen"], 2_070_000);
    assert!(computed["decision"].is_object());
    assert_eq!(computed["documents"].as_array().unwrap().len(), 7);
    let (status, reviewed) = act(&app, &city, id, json!({"action": "review"})).await;
    assert_eq!(status, StatusCode::OK, "{reviewed}");
    assert_eq!(reviewed["state"], "reviewed");

    // Item B must be approved at city level: the district cannot.
    let district = app.login("district.staff").await;
    let (status, body) = act(&app, &district, id, json!({"action": "approve"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "HZ-CLAIM-0001");
    let (status, approved) = act(&app, &city, id, json!({"action": "approve"})).await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved["state"], "approved");
    assert_eq!(approved["approved_fen"], 2_070_000);
    let events: Vec<&str> = approved["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        events,
        ["submit", "accept", "compute", "review", "approve"],
        "who did what, in order"
    );

    let finance = app.login("finance").await;
    let (_, queue) = app
        .get_as(&finance, "/api/v1/claims?org=HZ&state=approved")
        .await;
    assert_eq!(queue["claims"].as_array().unwrap().len(), 1, "{queue}");

    let (status, batch) = app
        .json_as(
            &finance,
            "POST",
            "/api/v1/payout-batches",
            &json!({"org": "HZ"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{batch}");
    let batch_id = batch["batch"]["id"].as_i64().unwrap();
    let line = &batch["lines"][0];
    assert_eq!(line["claim"], id);
    assert_eq!(line["amount_fen"], 2_070_000);
    let masked = line["bank_account"].as_str().unwrap();
    assert!(
        masked.contains("****"),
        "accounts are masked in JSON: {masked}"
    );

    let raw = app
        .get_bytes_as(
            &finance,
            &format!("/api/v1/payout-batches/{batch_id}/bank-file?format=csv"),
        )
        .await;
    assert_eq!(raw.status, StatusCode::OK);
    assert_eq!(raw.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert_eq!(
        raw.headers[header::CONTENT_DISPOSITION],
        format!("attachment; filename=\"batch-{batch_id}.csv\"").as_str()
    );
    let csv = String::from_utf8_lossy(&raw.body).to_string();
    assert!(
        csv.contains(",20700.00,"),
        "the amount in yuan, no separator: {csv}"
    );
    assert!(!csv.contains("20,700.00"), "{csv}");
    let last = csv.trim_end().lines().last().unwrap();
    assert!(
        last.starts_with("合计,1笔,,,20700.00,"),
        "a total row closes the file: {last}"
    );
    let tail = &masked[masked.len() - 4..];
    assert!(
        csv.lines().any(|l| l.contains(tail) && !l.contains('*')),
        "the bank file has the whole account: {csv}"
    );

    let raw = app
        .get_bytes_as(
            &finance,
            &format!("/api/v1/payout-batches/{batch_id}/bank-file?format=xlsx"),
        )
        .await;
    assert_eq!(raw.status, StatusCode::OK);
    assert_eq!(
        raw.headers[header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(raw.body.starts_with(b"PK"), "an xlsx is a zip");

    let auditor = app.login("auditor").await;
    let (status, log) = app.get_as(&auditor, "/api/v1/audit?limit=50").await;
    assert_eq!(status, StatusCode::OK, "{log}");
    let downloads = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "payout.bank_file" && e["actor"] == "finance")
        .count();
    assert_eq!(downloads, 2, "every download is audited: {log}");
    let (status, _) = app.get_as(&finance, "/api/v1/audit").await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "finance does not read the audit log"
    );

    // Four eyes: the account that built the batch may not settle it; another finance account
    // does.
    let (status, refused) = app
        .json_as(
            &finance,
            "POST",
            &format!("/api/v1/payout-batches/{batch_id}/settlement"),
            &json!({"failures": []}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert!(
        refused["message"].as_str().unwrap().contains("four eyes"),
        "{refused}"
    );
    let cashier = app.login("cashier").await;
    let (status, settled) = app
        .json_as(
            &cashier,
            "POST",
            &format!("/api/v1/payout-batches/{batch_id}/settlement"),
            &json!({"failures": []}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{settled}");
    assert_eq!(settled["status"], "paid");
    assert_eq!(settled["settled_by"], "cashier");
    let (status, again) = app
        .json_as(
            &cashier,
            "POST",
            &format!("/api/v1/payout-batches/{batch_id}/settlement"),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "settled once: {again}");

    let (status, paid) = app.get_as(&claimant, &format!("/api/v1/claims/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{paid}");
    assert_eq!(paid["state"], "paid");
    assert_eq!(paid["paid_fen"], 2_070_000);

    let (status, report) = app.get_as(&finance, "/api/v1/ledger/balances").await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["ok"], true, "{report}");
    let (status, entries) = app
        .get_as(&finance, "/api/v1/ledger/entries?limit=10")
        .await;
    assert_eq!(status, StatusCode::OK, "{entries}");
    let entries = entries.as_array().unwrap();
    assert!(!entries.is_empty());
    for e in entries {
        let sum: i64 = e["postings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["fen"].as_i64().unwrap())
            .sum();
        assert_eq!(sum, 0, "every entry balances: {e}");
    }
    let (_, batches) = app.get_as(&finance, "/api/v1/payout-batches?org=HZ").await;
    assert_eq!(batches[0]["id"], batch_id);
    let (status, detail) = app
        .get_as(&finance, &format!("/api/v1/payout-batches/{batch_id}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["lines"][0]["status"], "paid");
}

#[tokio::test]
async fn the_review_rule_is_read_and_set_by_staff_and_the_change_is_audited() {
    let app = spawn_app().await;
    let city = app.login("city.staff").await;
    let (status, rule) = app.get_as(&city, "/api/v1/review-rule").await;
    assert_eq!(status, StatusCode::OK, "{rule}");
    assert_eq!(rule["org"], "HZ");
    assert_eq!(rule["set_at"], Value::Null, "no org set one: the default");
    assert_eq!(rule["rule"]["all_flagged"], true);
    let new = json!({"all_flagged": true, "random_share_bp": 500,
                     "amount_threshold_fen": 10_000_000, "seed": 7});
    let (status, set) = app.json_as(&city, "PUT", "/api/v1/review-rule", &new).await;
    assert_eq!(status, StatusCode::OK, "{set}");
    assert_eq!(set["rule"], new);
    assert_eq!(set["set_at"], "HZ");
    let (_, read) = app.get_as(&city, "/api/v1/review-rule").await;
    assert_eq!(read["rule"], new);
    let mut bad = new.clone();
    bad["random_share_bp"] = json!(10_001);
    let (status, body) = app.json_as(&city, "PUT", "/api/v1/review-rule", &bad).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["field"], "random_share_bp");
    let member = app.login("member.demo").await;
    let (status, _) = app.get_as(&member, "/api/v1/review-rule").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .json_as(&member, "PUT", "/api/v1/review-rule", &new)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let admin = app.login("admin").await;
    let (_, log) = app.get_as(&admin, "/api/v1/audit").await;
    let entry = log
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "review.rule" && e["actor"] == "city.staff")
        .expect("the change is in the audit log");
    assert_eq!(entry["org"], "HZ");
    let detail = entry["detail"].as_str().unwrap();
    assert!(detail.contains("old: (none)"), "{detail}");
    assert!(detail.contains("\"random_share_bp\":500"), "{detail}");
}

/// Issue 14: the rule was one global setting that district staff and another city's staff could
/// change for everyone. It belongs to an org now: the city's rule, overridden below by the
/// district's own staff for the district only; nobody changes another org's rule.
#[tokio::test]
async fn the_review_rule_belongs_to_an_org_and_only_that_orgs_own_staff_change_it() {
    let app = spawn_app().await;
    crate::ledger_scope::second_city(&app).await;
    let city = app.login("city.staff").await;
    let district = app.login("district.staff").await;
    let wz = app.login("wz.staff").await;
    let city_rule = json!({"all_flagged": true, "random_share_bp": 500,
                           "amount_threshold_fen": 10_000_000, "seed": 7});
    let la_rule = json!({"all_flagged": false, "random_share_bp": 0,
                         "amount_threshold_fen": 0, "seed": 1});
    let wz_rule = json!({"all_flagged": false, "random_share_bp": 10_000,
                         "amount_threshold_fen": null, "seed": 3});

    let (status, set) = app
        .json_as(&city, "PUT", "/api/v1/review-rule", &city_rule)
        .await;
    assert_eq!(status, StatusCode::OK, "{set}");
    // The district follows the city until it sets its own.
    let (_, at_la) = app.get_as(&district, "/api/v1/review-rule").await;
    assert_eq!(at_la["org"], "LA");
    assert_eq!(at_la["set_at"], "HZ");
    assert_eq!(at_la["rule"], city_rule);

    // Another city's staff reach neither HZ's rule nor anything under it.
    for path in ["/api/v1/review-rule?org=HZ", "/api/v1/review-rule?org=LA"] {
        let (status, body) = app.json_as(&wz, "PUT", path, &wz_rule).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        let (status, _) = app.get_as(&wz, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let (status, set) = app
        .json_as(&wz, "PUT", "/api/v1/review-rule", &wz_rule)
        .await;
    assert_eq!(status, StatusCode::OK, "{set}");
    assert_eq!(set["org"], "WZ");
    let (_, at_hz) = app.get_as(&city, "/api/v1/review-rule").await;
    assert_eq!(at_hz["rule"], city_rule, "WZ's rule is WZ's alone");

    // The district's staff cannot change the city's rule, only set the district's own.
    let (status, body) = app
        .json_as(&district, "PUT", "/api/v1/review-rule?org=HZ", &la_rule)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, set) = app
        .json_as(&district, "PUT", "/api/v1/review-rule", &la_rule)
        .await;
    assert_eq!(status, StatusCode::OK, "{set}");
    assert_eq!(set["set_at"], "LA");
    let (_, at_hz) = app.get_as(&city, "/api/v1/review-rule").await;
    assert_eq!(
        at_hz["rule"], city_rule,
        "the district changed its own rule only"
    );
    let (_, at_unit) = app.get_as(&city, "/api/v1/review-rule?org=LA-01-001").await;
    assert_eq!(at_unit["set_at"], "LA");
    assert_eq!(at_unit["rule"], la_rule);
    let (_, at_sc) = app.get_as(&city, "/api/v1/review-rule?org=SC").await;
    assert_eq!(at_sc["set_at"], "HZ");

    // The city's staff do not overwrite the district's own rule: it is the district's.
    let (status, body) = app
        .json_as(&city, "PUT", "/api/v1/review-rule?org=LA", &city_rule)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = app
        .json_as(&city, "DELETE", "/api/v1/review-rule?org=LA", &json!({}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let officer = app.login("officer.la01001").await;
    let (status, _) = app
        .json_as(&officer, "PUT", "/api/v1/review-rule", &la_rule)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Removing the district's rule gives the city's back.
    let (status, removed) = app
        .json_as(&district, "DELETE", "/api/v1/review-rule", &json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{removed}");
    assert_eq!(removed["set_at"], "HZ");
    assert_eq!(removed["rule"], city_rule);

    // Every change is audited under its org, with the rule it replaced; HZ's auditor sees HZ's
    // changes and none of WZ's.
    let auditor = app.login("auditor").await;
    let (_, log) = app.get_as(&auditor, "/api/v1/audit?limit=200").await;
    let log = log.as_array().unwrap();
    let la: Vec<&Value> = log
        .iter()
        .filter(|e| e["actor"] == "district.staff" && e["action"] != "login")
        .collect();
    assert_eq!(la.len(), 2, "{log:?}");
    assert!(la.iter().all(|e| e["org"] == "LA"));
    assert!(la.iter().any(|e| e["action"] == "review.rule.removed"
        && e["detail"].as_str().unwrap().contains("old: {")));
    assert!(!log.iter().any(|e| e["actor"] == "wz.staff"));
}

/// A claim is selected for expert review by the rule of its unit: the district's own rule while
/// it has one, the city's after it is removed.
#[tokio::test]
async fn a_claim_is_selected_for_review_by_the_rule_of_its_units_district() {
    let app = spawn_app().await;
    enrol_and_pay(&app).await;
    let city = app.login("city.staff").await;
    let district = app.login("district.staff").await;
    // The city sends nothing to review; LA sends every claim (threshold 0 fen).
    let nothing = json!({"all_flagged": false, "random_share_bp": 0,
                         "amount_threshold_fen": null, "seed": 1});
    let everything = json!({"all_flagged": false, "random_share_bp": 0,
                            "amount_threshold_fen": 0, "seed": 1});
    let (status, _) = app
        .json_as(&city, "PUT", "/api/v1/review-rule", &nothing)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .json_as(&district, "PUT", "/api/v1/review-rule", &everything)
        .await;
    assert_eq!(status, StatusCode::OK);

    set_day(&app, 2022, 6, 1);
    let city = app.login("city.staff").await;
    let district = app.login("district.staff").await;
    let officer = app.login("officer.la01001").await;
    let member = in_service_woman(&app, &officer).await;
    let (first, _) = claim_with_documents(&app, &officer, member).await;
    let (status, computed) = act(&app, &city, first, json!({"action": "accept"})).await;
    assert_eq!(status, StatusCode::OK, "{computed}");
    assert!(
        computed["review_reason"].is_string(),
        "LA's rule: {computed}"
    );

    let (status, _) = app
        .json_as(&district, "DELETE", "/api/v1/review-rule", &json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut second = stay();
    second["admitted"] = json!("2022-05-20");
    second["discharged"] = json!("2022-05-25");
    second["diagnoses"][0]["date"] = json!("2022-05-20");
    second["invoices"] = json!(["INV-2"]);
    let (status, claim) = app
        .json_as(
            &officer,
            "POST",
            "/api/v1/claims",
            &json!({"member_id": member, "claim": second}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{claim}");
    let id = claim["id"].as_i64().unwrap();
    for kind in DOCUMENT_KINDS {
        let (status, doc) = app
            .post_bytes_as(
                &officer,
                &format!("/api/v1/claims/{id}/documents?kind={kind}&file_name={kind}.png"),
                png(),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{kind}: {doc}");
    }
    let (status, computed) = act(&app, &city, id, json!({"action": "accept"})).await;
    assert_eq!(status, StatusCode::OK, "{computed}");
    assert_eq!(
        computed["review_reason"],
        Value::Null,
        "the city's rule: {computed}"
    );
}
