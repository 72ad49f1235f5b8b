//! Bank statements over HTTP (issue 16, SPEC 7.5): finance announces an expected transfer,
//! imports the bank's csv — the matching line receives it with its receipt, the stranger's line
//! is left to settle — the same file again counts nothing twice, the line is settled to a donor
//! or dismissed with a reason, and other roles may not. Checked against the OpenAPI document.

use crate::helpers::spawn_app;
use axum::http::StatusCode;
use huzhu_web::console::url_encode;
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

/// A statement as the bank's Excel export holds it: a real date-time cell, amounts as numbers
/// formatted with separators, the account as text (a 16-digit number would lose digits).
fn statement_xlsx() -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let when = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let money = Format::new().set_num_format("#,##0.00");
    for (c, h) in [
        "记账日期",
        "贷方金额",
        "借方金额",
        "对方户名",
        "对方账号",
        "附言",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let at = |d: &str| ExcelDateTime::parse_from_str(d).unwrap();
    sheet
        .write_datetime_with_format(1, 0, at("2022-02-28T10:15:00"), &when)
        .unwrap();
    sheet
        .write_number_with_format(1, 1, 89_000.0, &money)
        .unwrap();
    sheet.write_string(1, 3, "杭州某旅行社有限公司").unwrap();
    sheet.write_string(1, 4, "6222000011112222").unwrap();
    sheet.write_string(1, 5, "春风行动捐款 春风2022").unwrap();
    sheet
        .write_datetime_with_format(2, 0, at("2022-02-28T16:40:00"), &when)
        .unwrap();
    sheet.write_number_with_format(2, 1, 300.5, &money).unwrap();
    sheet.write_string(2, 3, "李梅").unwrap();
    sheet.write_string(2, 4, "6222999988887777").unwrap();
    sheet.write_string(2, 5, "捐款").unwrap();
    sheet
        .write_datetime_with_format(3, 0, at("2022-02-28T17:00:00"), &when)
        .unwrap();
    sheet.write_number_with_format(3, 2, 56.0, &money).unwrap();
    sheet.write_string(3, 3, "某电信公司").unwrap();
    sheet.write_string(3, 5, "话费").unwrap();
    book.save_to_buffer().unwrap()
}

#[tokio::test]
async fn an_xlsx_statement_with_typed_cells_is_read_and_matched_like_the_csv() {
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
    let bytes = statement_xlsx();
    assert!(bytes.starts_with(b"PK"), "a real workbook");
    let (s, r) = app
        .post_bytes_as(
            &finance,
            "/api/v1/statements/import?file_name=%E5%AF%B9%E8%B4%A6%E5%8D%95.xlsx",
            bytes,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        (r["rows"].as_u64(), r["debits"].as_u64()),
        (Some(3), Some(1)),
        "{r}"
    );
    assert_eq!(
        (r["matched"].as_i64(), r["unmatched"].as_i64()),
        (Some(1), Some(1)),
        "{r}"
    );
    let (s, got) = app
        .get_as(&finance, &format!("/api/v1/donations/{}", d["id"]))
        .await;
    assert_eq!(s, StatusCode::OK, "{got}");
    assert_eq!(got["receipt"], "CF2022-000001");
    let (s, lines) = app
        .get_as(
            &finance,
            &format!(
                "/api/v1/statements/lines?statement={}",
                r["statement"]["id"]
            ),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{lines}");
    let lines = lines.as_array().unwrap();
    assert_eq!(lines.len(), 2, "{lines:?}");
    let li = lines.iter().find(|l| l["name"] == "李梅").unwrap();
    // The date-time cell is the day; 300.5 as a number is 300.50元.
    assert_eq!(li["booked_on"], "2022-02-28");
    assert_eq!(li["amount_fen"], 30_050);
    assert_eq!(li["account"], "************7777");
    let agency = lines.iter().find(|l| l["state"] == "matched").unwrap();
    assert_eq!(agency["receipt"], "CF2022-000001");
    assert_eq!(agency["amount_fen"], 8_900_000);
}

async fn upload(
    b: &mut crate::console_helpers::Browser<'_>,
    name: &str,
    bytes: &[u8],
) -> crate::console_helpers::Page {
    b.post_multipart(
        "/statements",
        &[],
        &[("file", name, "text/csv", bytes.to_vec())],
    )
    .await
}

/// The console's upload form, through its own route as the browser posts it (multipart with the
/// CSRF token): errors come back in words on the page, a good file shows what it did and its
/// lines, the same file again is refused naming why, and the settle forms refuse bad input in
/// words.
#[tokio::test]
async fn the_console_upload_form_imports_a_statement_and_says_what_went_wrong_in_words() {
    use crate::console_helpers::Browser;
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
    let mut b = Browser::signed_in(&app, "finance").await;
    let page = b.get("/statements").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("statement-form"), "{}", page.text);
    // An empty file, and no file at all.
    let empty = upload(&mut b, "empty.csv", b"").await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST, "{}", empty.text);
    assert!(empty.text.contains("文件为空"), "{}", empty.text);
    let none = b.post_multipart("/statements", &[("note", "x")], &[]).await;
    assert_eq!(none.status, StatusCode::BAD_REQUEST, "{}", none.text);
    assert!(none.text.contains("请选择要上传的文件"), "{}", none.text);
    // A statement without the columns a statement needs names the missing one.
    let headless = upload(&mut b, "s.csv", "日期,付款人\n2022-02-28,王强\n".as_bytes()).await;
    assert_eq!(
        headless.status,
        StatusCode::BAD_REQUEST,
        "{}",
        headless.text
    );
    assert!(
        headless.text.contains("缺少必填列：金额"),
        "{}",
        headless.text
    );
    assert!(
        !headless.text.contains("服务器内部错误"),
        "{}",
        headless.text
    );
    // A bad row: nothing imported, the row and the column named.
    let bad = "日期,金额,付款人,附言\n2022-02-28,12.5x,王强,捐款\n2022-02-28,10.00,李梅,捐款\n";
    let rows = upload(&mut b, "bad.csv", bad.as_bytes()).await;
    assert_eq!(rows.status, StatusCode::OK, "{}", rows.text);
    assert!(rows.text.contains("对账单有错误，未导入"), "{}", rows.text);
    assert!(rows.text.contains("第2行 · 金额"), "{}", rows.text);
    assert!(rows.text.contains("12.5x"), "{}", rows.text);

    // The good file: what it did, in words, and its lines with the receipt.
    let good = upload(&mut b, "statement.csv", CSV.as_bytes()).await;
    assert_eq!(good.status, StatusCode::OK, "{}", good.text);
    assert!(
        good.text.contains("已导入statement.csv：3行收入，1行已匹配并开具收据，2行待处理，0行以前已导入，1行支出未计。"),
        "{}",
        good.text
    );
    assert!(good.text.contains("CF2022-000001"), "{}", good.text);
    assert!(good.text.contains("杭州某旅行社"), "{}", good.text);
    // The same file again is refused, saying it was imported before.
    let again = upload(&mut b, "statement-copy.csv", CSV.as_bytes()).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.text);
    assert!(again.text.contains("不再重复入账"), "{}", again.text);

    // Settling by hand: a donor that is not a number, a reason left empty, in words.
    let (_, open) = app.get_as(&finance, "/api/v1/statements/lines").await;
    let li = open
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == "李梅")
        .unwrap()
        .clone();
    let interest = open
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["memo"] == "利息")
        .unwrap()
        .clone();
    let r = b
        .post_form(
            &format!("/statements/lines/{}/settle", li["id"]),
            &[("donor", "旅行社")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert!(r.text.contains("捐赠人编号应为数字"), "{}", r.text);
    let r = b
        .post_form(
            &format!("/statements/lines/{}/dismiss", interest["id"]),
            &[("reason", "  ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert!(r.text.contains("须写明原因"), "{}", r.text);
    let r = b
        .post_form(
            &format!("/statements/lines/{}/dismiss", interest["id"]),
            &[("reason", "银行结息")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = b.get("/statements").await;
    assert!(
        !page.text.contains("利息"),
        "settled lines leave the list: {}",
        page.text
    );
    assert!(page.text.contains("李梅"), "{}", page.text);

    // An officer may not open the page.
    let mut officer = Browser::signed_in(&app, "officer.la01001").await;
    let page = officer.get("/statements").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.text);
}

/// Settling by hand without knowing the donor's number: the line's search finds the donor on
/// file by name, by number or by the tail of the account, masked, within the actor's subtree;
/// the donor's own button settles the line, and the page goes back to the statement showing
/// the receipt.
#[tokio::test]
async fn a_line_is_settled_to_a_donor_found_on_the_page_by_name_number_or_account_tail() {
    use crate::console_helpers::Browser;
    let app = spawn_app().await;
    let finance = app.login("finance").await;
    let (s, d) = app
        .json_as(
            &finance,
            "POST",
            "/api/v1/donations",
            &json!({"donor_kind": "person", "donor_name": "李梅", "phone": "13905712345",
                    "bank_account": "6222999988887777",
                    "channel": "cash", "amount_fen": 10_000}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let donor = d["donor"]["id"].as_i64().unwrap();
    let mut b = Browser::signed_in(&app, "finance").await;
    let good = upload(&mut b, "statement.csv", CSV.as_bytes()).await;
    assert_eq!(good.status, StatusCode::OK, "{}", good.text);
    let (_, open) = app.get_as(&finance, "/api/v1/statements/lines").await;
    let line = open
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == "李梅")
        .unwrap()
        .clone();
    let (id, statement) = (
        line["id"].as_i64().unwrap(),
        line["statement"].as_i64().unwrap(),
    );
    // The search box of the line is filled with the line's counterparty.
    let page = b.get(&format!("/statements?statement={statement}")).await;
    assert!(
        page.text
            .contains(&format!("data-testid=\"donor-search-{id}\"")),
        "{}",
        page.text
    );
    for q in ["李梅", &donor.to_string(), "7777", "2345"] {
        let found = b
            .get(&format!(
                "/statements?statement={statement}&line={id}&q={}",
                url_encode(q)
            ))
            .await;
        assert_eq!(found.status, StatusCode::OK, "{q}: {}", found.text);
        assert!(
            found
                .text
                .contains(&format!("data-testid=\"donor-{donor}\"")),
            "{q}: {}",
            found.text
        );
        // Masked, never whole: no audit entry is needed to show them.
        assert!(!found.text.contains("13905712345"), "{}", found.text);
        assert!(!found.text.contains("6222999988887777"), "{}", found.text);
    }
    let none = b
        .get(&format!("/statements?line={id}&q={}", url_encode("无此人")))
        .await;
    assert!(
        none.text.contains("data-testid=\"no-donors\""),
        "{}",
        none.text
    );
    let blank = b.get(&format!("/statements?line={id}&q=")).await;
    assert_eq!(blank.status, StatusCode::BAD_REQUEST, "{}", blank.text);
    assert!(blank.text.contains("请输入捐赠人姓名"), "{}", blank.text);
    // Another district's officer or a unit never reaches the search: it is finance's page.
    let mut officer = Browser::signed_in(&app, "officer.la01001").await;
    let page = officer
        .get(&format!("/statements?line={id}&q={}", url_encode("李梅")))
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.text);

    // The donor's button settles the line; back on the statement, the line shows its receipt.
    let settled = b
        .post_form(
            &format!("/statements/lines/{id}/settle"),
            &[("donor", &donor.to_string())],
        )
        .await;
    assert_eq!(settled.status, StatusCode::SEE_OTHER, "{}", settled.text);
    assert_eq!(
        settled.location(),
        format!("/statements?statement={statement}")
    );
    let page = b.get(settled.location()).await;
    assert!(page.text.contains("CF2022-000002"), "{}", page.text);
    let (_, donation) = app
        .get_as(&finance, &format!("/api/v1/donors/{donor}"))
        .await;
    assert_eq!(
        donation["gifts"].as_array().map(Vec::len),
        Some(2),
        "{donation}"
    );
}
