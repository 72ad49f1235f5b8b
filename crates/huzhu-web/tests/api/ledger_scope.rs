//! The ledger is read within the actor's subtree (SPEC 1–2): the demo city HZ's unit LA-01-001
//! and a second city federation WZ's unit each enrol and pay their bill; finance and the auditor of each city see
//! their own entries and balances only, and asking for the other city's org answers 404.

use crate::helpers::TestApp;
use crate::money::{enrol_and_pay, set_day};
use axum::http::StatusCode;
use huzhu_app::accounts::{create_user, UserInput};
use huzhu_app::import::{import_members, import_orgs, CollectErrors, RosterFile};
use huzhu_domain::access::Role;
use huzhu_domain::org::OrgCode;
use serde_json::{json, Value};
use std::io::Cursor;

const ORGS: &str = "组织代码,组织名称,上级代码,层级,行政区划代码\n\
    WZ,温州市总工会,,1,330300\n\
    WZ-LC,鹿城区总工会,WZ,2,330302\n\
    WZ-LC-01,五马街道总工会,WZ-LC,3,330302\n\
    WZ-LC-01-001,五马街道某公司工会,WZ-LC-01,4,330302\n";

const MEMBERS: &str =
    "姓名,身份证号,工会代码,在职状态\n王芳,330106198503150024,WZ-LC-01-001,在职\n";

fn csv(text: &str, name: &str) -> RosterFile<Cursor<Vec<u8>>> {
    RosterFile {
        reader: Cursor::new(text.as_bytes().to_vec()),
        file_name: name.into(),
    }
}

/// A second city federation WZ with one unit, one member and three accounts: `wz.finance`,
/// `wz.auditor` (at WZ) and `wz.officer` (at the unit), all with the demo password.
pub async fn second_city(app: &TestApp) {
    let mut errors = CollectErrors(Vec::new());
    let r = import_orgs(
        &app.store,
        csv(ORGS, "wz.csv"),
        "test",
        &app.clock,
        &mut errors,
    )
    .await
    .unwrap();
    assert!(r.all_good(), "{:?}", errors.0);
    let r = import_members(
        &app.store,
        csv(MEMBERS, "wz-members.csv"),
        "test",
        &app.clock,
        &mut errors,
    )
    .await
    .unwrap();
    assert!(r.all_good(), "{:?}", errors.0);
    for (username, role, org) in [
        ("wz.finance", Role::Finance, "WZ"),
        ("wz.auditor", Role::Auditor, "WZ"),
        ("wz.officer", Role::UnitOfficer, "WZ-LC-01-001"),
        ("wz.staff", Role::FederationStaff, "WZ"),
    ] {
        let input = UserInput {
            username: username.into(),
            display_name: None,
            password: huzhu_app::demo::DEMO_PASSWORD.into(),
            role,
            org: OrgCode::parse(org).unwrap(),
            member_id: None,
        };
        create_user(&app.store, &app.clock, "test", &input)
            .await
            .unwrap();
    }
}

/// WZ's unit enrols in item A of `hangzhou-2022` on 2021-11-01 and WZ's finance pays: the bill.
async fn wz_enrols_and_pays(app: &TestApp) -> Value {
    set_day(app, 2021, 11, 1);
    let officer = app.login("wz.officer").await;
    let (status, out) = app
        .json_as(
            &officer,
            "POST",
            "/api/v1/enrolments",
            &json!({"unit": "WZ-LC-01-001", "policy": "hangzhou-2022",
                    "items": [{"item": "A", "shares": 1}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{out}");
    let bill = out["bill"]["id"].as_i64().unwrap();
    let finance = app.login("wz.finance").await;
    let (status, paid) = app
        .json_as(
            &finance,
            "POST",
            &format!("/api/v1/bills/{bill}/payment"),
            &json!({"payment_ref": "WZ-BANK-1"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{paid}");
    paid
}

fn bills_of(entries: &Value) -> Vec<i64> {
    entries
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["bill"].as_i64())
        .collect()
}

#[tokio::test]
async fn finance_and_auditors_of_one_city_see_none_of_another_citys_ledger() {
    let app = crate::helpers::spawn_app().await;
    let hz_bill = enrol_and_pay(&app).await;
    let finance = app.login("finance").await;
    let (_, hz_before) = app.get_as(&finance, "/api/v1/ledger/balances").await;
    second_city(&app).await;
    let bill = wz_enrols_and_pays(&app).await;
    let (id, amount) = (
        bill["id"].as_i64().unwrap(),
        bill["amount_fen"].as_i64().unwrap(),
    );

    // WZ's finance and auditor: WZ's two entries, its bank and fund, and the check holds.
    for user in ["wz.finance", "wz.auditor"] {
        let token = app.login(user).await;
        let (status, report) = app.get_as(&token, "/api/v1/ledger/balances").await;
        assert_eq!(status, StatusCode::OK, "{user}: {report}");
        assert_eq!(report["ok"], true, "{user}: {report}");
        assert_eq!(report["entries"], 2, "{user}: {report}");
        assert_eq!(
            report["balances"],
            json!({"bank": amount, "fund:hangzhou-2022": -amount,
                   "receivable:WZ-LC-01-001:hangzhou-2022": 0}),
            "{user}"
        );
        let (status, entries) = app.get_as(&token, "/api/v1/ledger/entries").await;
        assert_eq!(status, StatusCode::OK, "{user}: {entries}");
        assert_eq!(bills_of(&entries), [id, id], "{user}");
        // HZ's subtree, or a part of it, is not there for them.
        for uri in [
            "/api/v1/ledger/balances?org=HZ",
            "/api/v1/ledger/balances?org=LA-01-001",
            "/api/v1/ledger/entries?org=LA",
        ] {
            let (status, body) = app.get_as(&token, uri).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{user} {uri}: {body}");
        }
    }

    // HZ's finance and auditor: the demo's ledger, without a fen of WZ's.
    for user in ["finance", "auditor"] {
        let token = app.login(user).await;
        let (status, report) = app.get_as(&token, "/api/v1/ledger/balances").await;
        assert_eq!(status, StatusCode::OK, "{user}: {report}");
        assert_eq!(report["ok"], true, "{user}: {report}");
        let balances = report["balances"].as_object().unwrap();
        assert!(
            balances.keys().all(|k| !k.contains("WZ-")),
            "{user}: {report}"
        );
        let (status, entries) = app.get_as(&token, "/api/v1/ledger/entries?limit=500").await;
        assert_eq!(status, StatusCode::OK, "{user}");
        assert_eq!(bills_of(&entries), [hz_bill, hz_bill], "{user}");
        for uri in [
            "/api/v1/ledger/balances?org=WZ",
            "/api/v1/ledger/entries?org=WZ-LC-01-001",
        ] {
            let (status, body) = app.get_as(&token, uri).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{user} {uri}: {body}");
        }
        // A district of its own city: a smaller ledger that still checks out.
        let (status, la) = app.get_as(&token, "/api/v1/ledger/balances?org=LA").await;
        assert_eq!(status, StatusCode::OK, "{user}: {la}");
        assert_eq!(la["ok"], true, "{user}: {la}");
        assert_eq!(la["entries"], 2, "{user}: {la}");
        let (_, sc) = app.get_as(&token, "/api/v1/ledger/balances?org=SC").await;
        assert_eq!(sc["entries"], 0, "{user}: {sc}");
    }

    // HZ's balances are exactly what they were before WZ enrolled and paid.
    let (_, hz_after) = app.get_as(&finance, "/api/v1/ledger/balances").await;
    assert_eq!(hz_after, hz_before);
    let (status, _) = app
        .get_as(&finance, "/api/v1/ledger/balances?org=NOPE")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// `lucheng-model-workers` (region 330302) is paid by the federation: in WZ the district
/// federation WZ-LC is in that region, so it owes the bill of its unit. The unit's officer sees the
/// bill as the federation's and cannot pay it; WZ's finance records the payment, and the ledger of
/// the district holds the receivable.
#[tokio::test]
async fn a_federation_paid_bill_is_owed_and_paid_by_the_federation() {
    let app = crate::helpers::spawn_app().await;
    second_city(&app).await;
    set_day(&app, 2020, 11, 2);
    let officer = app.login("wz.officer").await;
    let enrol = json!({"unit": "WZ-LC-01-001", "policy": "lucheng-model-workers",
                       "items": [{"item": "D", "shares": 1}]});
    // The policy is enrolled by the federation: the unit's officer may not.
    let (status, out) = app
        .json_as(&officer, "POST", "/api/v1/enrolments", &enrol)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{out}");
    let staff = app.login("wz.staff").await;
    let (status, out) = app
        .json_as(&staff, "POST", "/api/v1/enrolments", &enrol)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{out}");
    let bill = &out["bill"];
    assert_eq!(bill["unit"], "WZ-LC-01-001");
    assert_eq!(bill["payer"], "WZ-LC");
    assert_eq!(bill["federation_pays"], true);
    assert_eq!(bill["amount_fen"], 12_000);
    let id = bill["id"].as_i64().unwrap();

    let (status, listed) = app.get_as(&officer, "/api/v1/bills").await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    assert_eq!(listed[0]["payer"], "WZ-LC");
    let pay = format!("/api/v1/bills/{id}/payment");
    let (status, body) = app
        .json_as(&officer, "POST", &pay, &json!({"payment_ref": "UNIT-1"}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

    let finance = app.login("wz.finance").await;
    let (status, report) = app
        .get_as(&finance, "/api/v1/ledger/balances?org=WZ-LC")
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(
        report["balances"]["receivable:WZ-LC:lucheng-model-workers"],
        12_000
    );
    let (_, unit) = app
        .get_as(&finance, "/api/v1/ledger/balances?org=WZ-LC-01-001")
        .await;
    assert_eq!(unit["entries"], 0, "{unit}");
    let (status, paid) = app
        .json_as(&finance, "POST", &pay, &json!({"payment_ref": "WZ-BANK-2"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{paid}");
    assert_eq!(paid["status"], "paid");
    let (_, report) = app.get_as(&finance, "/api/v1/ledger/balances").await;
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(
        report["balances"],
        json!({"bank": 12_000, "fund:lucheng-model-workers": -12_000,
               "receivable:WZ-LC:lucheng-model-workers": 0})
    );
}
