//! Bank statements over HTTP (issue 16, SPEC 7.5): finance announces an expected transfer,
//! imports the bank's csv — the matching line receives it with its receipt, the stranger's line
//! is left to settle — the same file again counts nothing twice, the line is settled to a donor
//! or dismissed with a reason, and other roles may not. Checked against the OpenAPI document.

use crate::helpers::spawn_app;
use axum::http::StatusCode;
use serde_json::json;

const CSV: &str = "交易时间,收入金额,支出金额,对方户名,对方账号,摘要\n\
    2022-02-28 10:15:00,\"89,000.00\",,杭州某旅行社有限公司,6222000011112222,春风行动捐款 春风2022\n\
    2022-02-28,300.00,,李梅,6222999988887777,捐款\n\
    2022-02-28,,56.00,某电信公司,,话费\n\
    2022-02-28,0.35,,本行,,利息\n";

#[tokio::test]
async fn a_statement_receives_the_expected_transfer_and_leaves_the_rest_to_settle() {
    let app = spawn_app().await;
    let finance = app.login("finance").await;
    let (s, d) = app
        .json_as(
            &finance,
            "POST",
            "/api/v1/donations",
            &json!({"donor_kind": "organisation", "donor_name": "杭州某旅行社",
                    "channel": "bank_transfer", "amount_fen": 8_900_000,
                    "reference": "春风2022"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let donation = d["id"].as_i64().unwrap();
    let uri = "/api/v1/statements/import?file_name=statement.csv";
    let (s, r) = app
        .post_bytes_as(&finance, uri, CSV.as_bytes().to_vec())
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        (r["rows"].as_u64(), r["debits"].as_u64()),
        (Some(4), Some(1)),
        "{r}"
    );
    assert_eq!(
        (r["matched"].as_i64(), r["unmatched"].as_i64()),
        (Some(1), Some(2)),
        "{r}"
    );
    let (s, got) = app
        .get_as(&finance, &format!("/api/v1/donations/{donation}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{got}");
    assert_eq!(got["state"], "received");
    assert_eq!(got["receipt"], "CF2022-000001");
    // The same file again: refused, nothing counted twice.
    let (s, again) = app
        .post_bytes_as(&finance, uri, CSV.as_bytes().to_vec())
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{again}");
    // The lines to settle: the stranger and the interest; accounts masked.
    let (s, open) = app.get_as(&finance, "/api/v1/statements/lines").await;
    assert_eq!(s, StatusCode::OK, "{open}");
    let open = open.as_array().unwrap().clone();
    assert_eq!(open.len(), 2, "{open:?}");
    let li = open.iter().find(|l| l["name"] == "李梅").unwrap();
    assert_eq!(li["account"], "************7777");
    let interest = open.iter().find(|l| l["memo"] == "利息").unwrap();
    let (s, e) = app
        .json_as(
            &finance,
            "POST",
            &format!("/api/v1/statements/lines/{}/dismiss", interest["id"]),
            &json!({"reason": " "}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    let (s, gone) = app
        .json_as(
            &finance,
            "POST",
            &format!("/api/v1/statements/lines/{}/dismiss", interest["id"]),
            &json!({"reason": "银行结息，非捐赠"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{gone}");
    assert_eq!(gone["state"], "dismissed");
    // Settled to the travel agency on file: a received donation with the next receipt.
    let donor = got["donor"]["id"].as_i64().unwrap();
    let settle = format!("/api/v1/statements/lines/{}/settle", li["id"]);
    let (s, missing) = app
        .json_as(&finance, "POST", &settle, &json!({"donor": 999_999}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{missing}");
    let (s, done) = app
        .json_as(&finance, "POST", &settle, &json!({"donor": donor}))
        .await;
    assert_eq!(s, StatusCode::OK, "{done}");
    assert_eq!(done["state"], "settled");
    assert_eq!(done["receipt"], "CF2022-000002");
    let (s, twice) = app
        .json_as(&finance, "POST", &settle, &json!({"donor": donor}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{twice}");
    let (s, list) = app.get_as(&finance, "/api/v1/statements").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert_eq!(list[0]["open"], 0);
    assert_eq!(list[0]["matched"], 1);
    let (s, lines) = app
        .get_as(
            &finance,
            &format!("/api/v1/statements/lines?statement={}", list[0]["id"]),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{lines}");
    assert_eq!(lines.as_array().unwrap().len(), 3);
    // An officer may not import statements.
    let officer = app.login("officer.la01001").await;
    let (s, _) = app
        .post_bytes_as(
            &officer,
            "/api/v1/statements/import?file_name=b.csv",
            CSV.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_statement_with_a_bad_row_imports_nothing_and_names_the_row() {
    let app = spawn_app().await;
    let finance = app.login("finance").await;
    let csv = "日期,金额,付款人,附言\n2022-02-28,12.5x,王强,捐款\n2022-02-28,10.00,李梅,捐款\n";
    let (s, r) = app
        .post_bytes_as(
            &finance,
            "/api/v1/statements/import?file_name=s.csv",
            csv.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert!(r["statement"].is_null(), "{r}");
    assert_eq!(r["errors"][0]["row"], 2);
    assert_eq!(r["errors"][0]["column"], "金额");
    let (s, open) = app.get_as(&finance, "/api/v1/statements/lines").await;
    assert_eq!(s, StatusCode::OK);
    assert!(open.as_array().unwrap().is_empty());
    let (s, e) = app
        .post_bytes_as(
            &finance,
            "/api/v1/statements/import?file_name=s.csv",
            "日期,姓名\n".as_bytes().to_vec(),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
}
