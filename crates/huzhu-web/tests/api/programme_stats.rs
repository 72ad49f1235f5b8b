//! The programmes' statistics over HTTP (issue 15), on the demo's programmes: the figures of a
//! district's subtree, an org outside it answering like a missing one, the workbook opened back
//! holding words (sheet names, rows and columns in Chinese, amounts in 元) and no codes, and the
//! console page.

use crate::console_helpers::Browser;
use crate::helpers::{spawn_app, TestApp};
use axum::http::{header, StatusCode};
use serde_json::Value;

async fn with_programmes() -> TestApp {
    let app = spawn_app().await;
    huzhu_app::demo_programmes::load_programme_demo(&app.store)
        .await
        .unwrap();
    app
}

fn table<'a>(body: &'a Value, id: &str) -> &'a Value {
    body["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .unwrap_or_else(|| panic!("no table {id}: {body}"))
}

fn row(t: &Value, key: &str) -> Vec<i64> {
    t["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == key)
        .map(|r| {
            r["values"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_i64().unwrap())
                .collect()
        })
        .unwrap_or_else(|| panic!("no row {key}: {t}"))
}

#[tokio::test]
async fn a_city_reads_the_programmes_figures_and_a_district_only_its_own() {
    let app = with_programmes().await;
    let city = app.login("city.staff").await;
    let q = "from=2026-01-01&to=2026-11-30";
    let (s, body) = app
        .get_as(&city, &format!("/api/v1/stats/programmes?org=XH&{q}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["policy"], "2026-01-01 – 2026-11-30");
    // Counted by hand from the demo (see the app's demo test): deep 2 (one lapsed), relative 1,
    // accident 1; one retired; reliefs approved 2 for 5,000元, paid 1 for 3,000元.
    let cat = table(&body, "archive_by_category");
    assert_eq!(row(cat, "deep"), [2]);
    assert_eq!(row(cat, "relative"), [1]);
    assert_eq!(row(cat, "accident"), [1]);
    assert_eq!(row(table(&body, "exits_by_reason"), "retired"), [1]);
    assert_eq!(
        row(table(&body, "grants_by_programme"), "one-off-relief"),
        [2, 500_000, 1, 300_000]
    );
    assert_eq!(row(table(&body, "archive_people"), "archived"), [5]);
    // 临安's staff: their own district answers, with nothing of 西湖's; 西湖 is not found.
    let district = app.login("district.staff").await;
    let (s, own) = app
        .get_as(&district, &format!("/api/v1/stats/programmes?{q}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{own}");
    assert_eq!(own["org"], "LA");
    assert!(table(&own, "archive_by_category")["rows"]
        .as_array()
        .unwrap()
        .is_empty());
    let (s, _) = app
        .get_as(&district, &format!("/api/v1/stats/programmes?org=XH&{q}"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let raw = app
        .get_bytes_as(&district, "/api/v1/stats/programmes.xlsx?org=XH")
        .await;
    assert_eq!(raw.status, StatusCode::NOT_FOUND);
    let (s, _) = app
        .get_as(
            &city,
            "/api/v1/stats/programmes?from=2026-12-01&to=2026-01-01",
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = app
        .get_as(&city, "/api/v1/stats/programmes?from=yesterday")
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_programmes_workbook_holds_words_and_yuan_not_codes_and_fen() {
    use calamine::{Data, Reader, Xlsx};
    let app = with_programmes().await;
    let city = app.login("city.staff").await;
    let raw = app
        .get_bytes_as(
            &city,
            "/api/v1/stats/programmes.xlsx?org=XH&from=2026-01-01&to=2026-11-30",
        )
        .await;
    assert_eq!(raw.status, StatusCode::OK);
    assert_eq!(
        raw.headers[header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(raw.body.to_vec())).unwrap();
    let names = wb.sheet_names().to_vec();
    assert!(
        names.contains(&"在档困难户（按类别）".to_string()),
        "{names:?}"
    );
    assert!(
        names.contains(&"救助发放（按项目）".to_string()),
        "{names:?}"
    );
    let mut text = String::new();
    for n in &names {
        let range = wb.worksheet_range(n).unwrap();
        for r in range.rows() {
            for c in r {
                text.push_str(&c.to_string());
                text.push('|');
            }
            text.push('\n');
        }
    }
    for word in [
        "深度困难",
        "相对困难",
        "意外致困",
        "退休",
        "临时救助",
        "市县级",
        "批准金额（元）",
    ] {
        assert!(text.contains(word), "{word} missing:\n{text}");
    }
    for code in [
        "deep",
        "relative",
        "retired",
        "one-off-relief",
        "city_county",
        "_fen",
    ] {
        assert!(!text.contains(code), "code {code} in the workbook:\n{text}");
    }
    // The relief's approved amount, in 元: 5,000.00.
    let range = wb.worksheet_range("救助发放（按项目）").unwrap();
    let relief = range
        .rows()
        .find(|r| {
            r.first()
                .is_some_and(|c| *c == Data::String("临时救助".into()))
        })
        .expect("the relief's row");
    assert_eq!(relief[2], Data::Float(5000.0), "{relief:?}");
}

#[tokio::test]
async fn the_programmes_page_draws_each_table_and_exports_it() {
    let app = with_programmes().await;
    let mut city = Browser::signed_in(&app, "city.staff").await;
    let page = city
        .get("/stats/programmes?org=XH&from=2026-01-01&to=2026-11-30")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text;
    for id in [
        "archive_by_category",
        "archive_by_month",
        "grants_by_programme",
    ] {
        assert!(html.contains(&format!("id=\"chart-{id}\"")), "{id}");
    }
    assert!(html.contains("深度困难") && html.contains("临时救助"));
    // Every series of a month chart is drawn, each named in the legend with its unit (issue 15:
    // only the first column was plotted): the archive's three categories on one count axis,
    // the grants' amounts in 元 and person-times on a second axis.
    let chart = |id: &str| -> serde_json::Value {
        let open = format!("<script type=\"application/json\" id=\"chart-{id}\">");
        let start = html.find(&open).unwrap_or_else(|| panic!("{id}")) + open.len();
        let end = start + html[start..].find("</script>").unwrap();
        serde_json::from_str(&html[start..end]).unwrap()
    };
    let labels = |spec: &serde_json::Value| -> Vec<String> {
        spec["datasets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["label"].as_str().unwrap().to_string())
            .collect()
    };
    let archive = chart("archive_by_month");
    assert_eq!(archive["type"], "line");
    assert_eq!(
        labels(&archive),
        ["深度困难（数量）", "相对困难（数量）", "意外致困（数量）"]
    );
    assert_eq!(archive["axis"], "数目（数量）");
    assert!(archive.get("axis2").is_none(), "{archive}");
    let grants = chart("grants_by_month");
    assert_eq!(
        labels(&grants),
        [
            "批准金额（元）",
            "发放金额（元）",
            "批准人次（数量）",
            "发放人次（数量）"
        ]
    );
    assert_eq!(grants["axis"], "金额（元）");
    assert_eq!(grants["axis2"], "数目（数量）");
    assert_eq!(grants["datasets"][2]["yAxisID"], "y1");
    assert!(grants["datasets"][0].get("yAxisID").is_none());
    for d in grants["datasets"].as_array().unwrap() {
        assert_eq!(
            d["data"].as_array().unwrap().len(),
            grants["labels"].as_array().unwrap().len()
        );
    }
    assert!(
        html.contains("/stats/programmes/export.xlsx?org=XH"),
        "{html}"
    );
    let mut district = Browser::signed_in(&app, "district.staff").await;
    let page = district.get("/stats/programmes?org=XH").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let page = city
        .get("/stats/programmes/export.xlsx?org=XH&table=exits_by_reason")
        .await;
    assert_eq!(page.status, StatusCode::OK);
}
