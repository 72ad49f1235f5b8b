//! The OpenAPI document and Swagger UI: what they serve, that the document and the router list
//! the same routes, and that the conformance check itself bites.

use crate::conformance::{is_docs_path, is_unrouted};
use crate::helpers::spawn_app;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use huzhu_web::api::{BEARER, DOCUMENT_PATH, SESSION_COOKIE, SWAGGER_UI_PATH};
use serde_json::{json, Value};
use std::path::Path;

#[tokio::test]
async fn the_document_is_openapi_3_1_json_with_a_title_and_the_security_schemes() {
    let app = spawn_app().await;
    let raw = app.get_raw(DOCUMENT_PATH).await;
    assert_eq!(raw.status, StatusCode::OK);
    let content_type = raw.headers[header::CONTENT_TYPE].to_str().unwrap();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let doc: Value = serde_json::from_slice(&raw.body).expect("the document is JSON");
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1."),
        "OpenAPI 3.1, whose schemas are JSON Schema 2020-12: {}",
        doc["openapi"]
    );
    assert!(!doc["info"]["title"].as_str().unwrap().is_empty());
    assert!(!doc["info"]["version"].as_str().unwrap().is_empty());
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes[BEARER]["type"], "http");
    assert_eq!(schemes[BEARER]["scheme"], "bearer");
    assert_eq!(schemes[SESSION_COOKIE]["type"], "apiKey");
    assert_eq!(schemes[SESSION_COOKIE]["in"], "cookie");
    assert_eq!(schemes[SESSION_COOKIE]["name"], SESSION_COOKIE);
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
}

#[tokio::test]
async fn every_documented_operation_is_served_by_the_router() {
    let app = spawn_app().await;
    let operations = app.doc.operations();
    assert!(
        operations.len() >= 3,
        "health, orgs and members at least: {operations:?}"
    );
    for (method, template) in operations {
        let uri = template
            .split('/')
            .map(|s| if s.starts_with('{') { "1" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        let request = Request::builder()
            .method(method.clone())
            .uri(&uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .unwrap();
        let raw = app.call(request).await;
        assert!(
            !is_unrouted(&raw),
            "{method} {template} is in the document but the router does not serve {method} {uri} \
             ({})",
            raw.status
        );
    }
}

/// Every `"/api/..."` string in the crate's source is a documented path (or one of the routes
/// serving the document), so a route added with plain `.route("/api/...", ...)` instead of
/// `.routes(route!(...))`, or a handler annotated but never registered, fails here.
#[tokio::test]
async fn every_api_path_in_the_source_is_in_the_document() {
    let app = spawn_app().await;
    let documented: Vec<&String> = app.doc.json["paths"].as_object().unwrap().keys().collect();
    let mut literals = Vec::new();
    api_literals(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut literals,
    );
    assert!(
        literals.iter().any(|(_, p)| p == "/api/v1/members"),
        "the scan finds the routes: {literals:?}"
    );
    let missing: Vec<String> = literals
        .iter()
        .filter(|(_, path)| !is_docs_path(path) && !documented.contains(&path))
        .map(|(file, path)| format!("{path} ({file})"))
        .collect();
    assert!(
        missing.is_empty(),
        "API paths in the source but not in the OpenAPI document: {missing:?}; register their \
         handlers with `.routes(route!(handler::<S>))` and give `#[utoipa::path]` the full path"
    );
}

fn api_literals(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            api_literals(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            // Comments (the examples in doc comments) serve nothing.
            for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
                for (start, _) in line.match_indices("\"/api/") {
                    let rest = &line[start + 1..];
                    let end = rest.find('"').unwrap_or(rest.len());
                    out.push((path.display().to_string(), rest[..end].to_string()));
                }
            }
        }
    }
}

/// The house rules for an operation: a tag and a summary for Swagger UI, every error response
/// an `ErrorBody`, and only declared security schemes.
#[tokio::test]
async fn every_operation_has_a_tag_a_summary_and_error_bodies() {
    let app = spawn_app().await;
    let doc = &app.doc.json;
    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    for (method, template) in app.doc.operations() {
        let op = &doc["paths"][&template][method.as_str().to_lowercase()];
        let at = format!("{method} {template}");
        assert!(
            op["tags"].as_array().is_some_and(|t| !t.is_empty()),
            "{at} has no tag"
        );
        assert!(
            op["summary"].as_str().is_some_and(|s| !s.is_empty()),
            "{at} has no summary (the handler's doc comment)"
        );
        for (status, response) in op["responses"].as_object().unwrap() {
            if status.starts_with('4') || status.starts_with('5') {
                assert_eq!(
                    response["content"]["application/json"]["schema"]["$ref"],
                    "#/components/schemas/ErrorBody",
                    "{at} {status}: error responses are `body = ErrorBody`"
                );
            }
        }
        for requirement in op["security"].as_array().into_iter().flatten() {
            for name in requirement.as_object().unwrap().keys() {
                assert!(
                    schemes.contains_key(name),
                    "{at}: unknown security scheme {name}"
                );
            }
        }
    }
}

#[tokio::test]
async fn swagger_ui_is_served_with_its_own_files() {
    let app = spawn_app().await;
    let raw = app.get_raw(SWAGGER_UI_PATH).await;
    assert!(raw.status.is_redirection(), "{}", raw.status);
    let page = format!("{SWAGGER_UI_PATH}/");
    assert_eq!(raw.headers[header::LOCATION], page.as_str());

    let raw = app.get_raw(&page).await;
    assert_eq!(raw.status, StatusCode::OK);
    assert!(raw.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = String::from_utf8(raw.body.to_vec()).unwrap();
    let mut assets = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        for (start, _) in html.match_indices(attribute) {
            let rest = &html[start + attribute.len()..];
            assets.push(rest[..rest.find('"').unwrap()].to_string());
        }
    }
    assert!(
        assets.iter().any(|a| a.ends_with(".js")) && assets.iter().any(|a| a.ends_with(".css")),
        "the page loads scripts and styles: {assets:?}"
    );
    for asset in &assets {
        assert!(
            !asset.contains("//"),
            "{asset}: Swagger UI's files are served by huzhu itself, never from elsewhere"
        );
        let uri = match asset.strip_prefix("./") {
            Some(file) => format!("{page}{file}"),
            None if asset.starts_with('/') => asset.clone(),
            None => format!("{page}{asset}"),
        };
        let raw = app.get_raw(&uri).await;
        assert_eq!(raw.status, StatusCode::OK, "{uri}");
        assert!(!raw.body.is_empty(), "{uri}");
    }

    let raw = app.get_raw(&format!("{page}swagger-initializer.js")).await;
    assert_eq!(raw.status, StatusCode::OK);
    let script = String::from_utf8(raw.body.to_vec()).unwrap();
    assert!(
        script.contains(DOCUMENT_PATH),
        "Swagger UI loads our document"
    );
}

/// The check that every other test leans on must fail when it should, and say why.
#[tokio::test]
async fn the_conformance_check_rejects_what_the_document_does_not_allow() {
    let app = spawn_app().await;
    let doc = &app.doc;
    let get = Method::GET;
    let admin = app.login("admin").await;
    let (_, page) = app
        .get_as(&admin, "/api/v1/members?org=LA-01&limit=2")
        .await;
    doc.assert_conforms(&get, "/api/v1/members", StatusCode::OK, &page);

    let fails = |status: StatusCode, body: Value| -> String {
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            doc.assert_conforms(&get, "/api/v1/members", status, &body)
        }));
        match caught {
            Ok(()) => panic!("{status} {body} passed the conformance check"),
            Err(e) => e
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_else(|| format!("{e:?}")),
        }
    };

    let mut missing = page.clone();
    missing["members"][0]
        .as_object_mut()
        .unwrap()
        .remove("name");
    let message = fails(StatusCode::OK, missing);
    assert!(
        message.contains("/members/0") && message.contains("name"),
        "{message}"
    );

    let mut mistyped = page.clone();
    mistyped["members"][1]["id"] = json!("7");
    assert!(fails(StatusCode::OK, mistyped).contains("/members/1/id"));

    let mut bad_year = page.clone();
    bad_year["members"][0]["birth_year"] = json!("1980");
    assert!(fails(StatusCode::OK, bad_year).contains("birth_year"));

    let mut bad_date = page.clone();
    bad_date["members"][0]["join_date"] = json!("1 March 1980");
    assert!(fails(StatusCode::OK, bad_date).contains("join_date"));

    let mut extra = page.clone();
    extra["members"][0]["id_number_unmasked"] = json!("330106198001011234");
    assert!(fails(StatusCode::OK, extra).contains("id_number_unmasked"));

    let message = fails(StatusCode::IM_A_TEAPOT, json!({}));
    assert!(message.contains("does not list"), "{message}");

    let message = fails(StatusCode::NOT_FOUND, json!({"message": "未找到"}));
    assert!(message.contains("code"), "{message}");
}

#[tokio::test]
async fn an_undocumented_api_route_only_meets_the_router_fallback() {
    let app = spawn_app().await;
    let raw = app.get_raw("/api/v1/no-such-thing").await;
    assert!(is_unrouted(&raw), "{}", raw.status);
    let raw = app
        .call(Request::delete("/api/v1/orgs").body(Body::empty()).unwrap())
        .await;
    assert!(is_unrouted(&raw), "{}", raw.status);
}

/// Two types deriving `ToSchema` under one name are one component in the document, and the
/// second silently replaces the first: an operation then documents the other type's body
/// (issue 18 found `SettleRequest`, `PaymentRequest` and `ReportBody` twice each). Every
/// schema's name — the type's, or its `#[schema(as = ...)]` — is unique across the crates the
/// document draws on.
#[test]
fn every_schema_name_in_the_document_belongs_to_one_type() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut names: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for krate in ["huzhu-web", "huzhu-app", "huzhu-domain"] {
        schema_names(&root.join(krate).join("src"), &mut names);
    }
    assert!(
        names.contains_key("MemberView") && names.contains_key("ErrorBody"),
        "the scan finds the schemas: {:?}",
        names.keys().take(10).collect::<Vec<_>>()
    );
    let twice: Vec<String> = names
        .iter()
        .filter(|(_, at)| at.len() > 1)
        .map(|(name, at)| format!("{name}: {at:?}"))
        .collect();
    assert!(
        twice.is_empty(),
        "schema names used by more than one type (give one `#[schema(as = OtherName)]`): {twice:?}"
    );
}

fn schema_names(dir: &Path, out: &mut std::collections::BTreeMap<String, Vec<String>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            schema_names(&path, out);
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if !(line.trim_start().starts_with("#[derive(") && line.contains("ToSchema")) {
                continue;
            }
            // The attributes after the derive, up to the item they annotate.
            let mut alias = None;
            for next in lines.iter().skip(i + 1) {
                let t = next.trim_start();
                if let Some(rest) = t.strip_prefix("#[schema(as = ") {
                    alias = rest.split([')', ',']).next().map(|s| s.trim().to_string());
                }
                if t.starts_with("#[") || t.starts_with("///") {
                    continue;
                }
                let item = t
                    .trim_start_matches("pub(crate) ")
                    .trim_start_matches("pub ");
                if let Some(rest) = item
                    .strip_prefix("struct ")
                    .or_else(|| item.strip_prefix("enum "))
                {
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    let name = alias.clone().unwrap_or(name);
                    out.entry(name)
                        .or_default()
                        .push(format!("{}:{}", path.display(), i + 1));
                }
                break;
            }
        }
    }
}
