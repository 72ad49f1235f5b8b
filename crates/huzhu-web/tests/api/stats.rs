//! Statistics over HTTP: the dashboard's tables in scope, the Excel export, and an org outside
//! scope answering exactly like a missing one.

use crate::helpers::spawn_app;
use axum::http::{header, StatusCode};

#[tokio::test]
async fn the_city_sees_its_members_by_status_and_its_districts() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let (status, body) = app.get_as(&admin, "/api/v1/stats?org=HZ").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let tables = body["tables"].as_array().unwrap();
    let members = tables.iter().find(|t| t["id"] == "members").unwrap();
    let total = members["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "total")
        .unwrap();
    assert!(total["values"][2].as_i64().unwrap() > 0);
    let subs = tables.iter().find(|t| t["id"] == "by_sub_org").unwrap();
    assert_eq!(subs["rows"].as_array().unwrap().len(), 4, "four districts");
    for id in [
        "enrolments_by_item",
        "claims_by_item",
        "claims_by_month",
        "claims_by_disease_group",
        "claims_by_gender",
    ] {
        assert!(tables.iter().any(|t| t["id"] == id), "{id}");
    }
}

#[tokio::test]
async fn a_unit_officer_sees_their_unit_and_not_another() {
    let app = spawn_app().await;
    let officer = app.login("officer.la01001").await;
    let (status, body) = app.get_as(&officer, "/api/v1/stats").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["org"], "LA-01-001");
    let (status, body) = app.get_as(&officer, "/api/v1/stats?org=SC-01-001").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, _) = app.get_as(&officer, "/api/v1/stats?org=LA").await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "the district is above the unit"
    );
    let (status, _) = app
        .get_as(&officer, "/api/v1/stats?org=LA-01-001&cycle=no-such-cycle")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let raw = app
        .get_bytes_as(&officer, "/api/v1/stats.xlsx?org=SC-01-001")
        .await;
    assert_eq!(raw.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_excel_export_is_a_workbook() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let raw = app.get_bytes_as(&admin, "/api/v1/stats.xlsx?org=LA").await;
    assert_eq!(raw.status, StatusCode::OK);
    assert_eq!(
        raw.headers[header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(&raw.body[..2], b"PK", "an xlsx is a zip");
}
