//! Holds live answers to the OpenAPI document: the status must be one the operation lists and the
//! JSON body must validate against that response's schema (OpenAPI 3.1 schemas are JSON Schema
//! 2020-12; `$ref`s resolve within the document's components).
//!
//! Stricter than the document on one point: an object schema that lists its `properties` is
//! closed (`additionalProperties: false`) unless it says otherwise, so a field the server sends
//! but the document does not declare is a failure, not a silent extra.

use crate::helpers::{call, Raw};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{json, Map, Value};

/// The routes that serve the document and Swagger UI, not themselves in the document.
pub fn is_docs_path(path: &str) -> bool {
    path == huzhu_web::api::DOCUMENT_PATH
        || path == huzhu_web::api::SWAGGER_UI_PATH
        || path.starts_with(&format!("{}/", huzhu_web::api::SWAGGER_UI_PATH))
}

pub struct Document {
    pub json: Value,
}

impl Document {
    /// The document `router` serves.
    pub async fn fetch(router: &axum::Router) -> Document {
        let raw = call(
            router,
            Request::get(huzhu_web::api::DOCUMENT_PATH)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(raw.status, StatusCode::OK, "the OpenAPI document is served");
        Document {
            json: serde_json::from_slice(&raw.body).expect("the OpenAPI document is JSON"),
        }
    }

    /// Every documented operation: (method, path template).
    pub fn operations(&self) -> Vec<(Method, String)> {
        let mut ops = Vec::new();
        for (template, item) in self.paths() {
            for method in [
                "get", "put", "post", "delete", "options", "head", "patch", "trace",
            ] {
                if item.get(method).is_some() {
                    ops.push((method.to_uppercase().parse().unwrap(), template.clone()));
                }
            }
        }
        ops
    }

    fn paths(&self) -> &Map<String, Value> {
        self.json["paths"]
            .as_object()
            .expect("the document has `paths`")
    }

    /// The template of the documented operation that serves `method path`, if any: a `{param}`
    /// segment matches any one segment, and literal segments win over parameters, as in axum.
    pub fn template_for(&self, method: &Method, path: &str) -> Option<String> {
        let method = method.as_str().to_lowercase();
        let segments: Vec<&str> = path.split('/').collect();
        self.paths()
            .iter()
            .filter(|(_, item)| item.get(&method).is_some())
            .filter_map(|(template, _)| {
                let parts: Vec<&str> = template.split('/').collect();
                if parts.len() != segments.len() {
                    return None;
                }
                let mut literal = 0;
                for (part, segment) in parts.iter().zip(&segments) {
                    if part.starts_with('{') && part.ends_with('}') {
                        if segment.is_empty() {
                            return None;
                        }
                    } else if part == segment {
                        literal += 1;
                    } else {
                        return None;
                    }
                }
                Some((literal, template.clone()))
            })
            .max_by_key(|(literal, _)| *literal)
            .map(|(_, template)| template)
    }

    /// The response object `method template` documents for `status`, `$ref` resolved.
    fn response(&self, method: &Method, template: &str, status: StatusCode) -> &Value {
        let op = &self.json["paths"][template][method.as_str().to_lowercase()];
        assert!(
            op.is_object(),
            "{method} {template} is not in the OpenAPI document"
        );
        let responses = &op["responses"];
        let range = format!("{}XX", status.as_u16() / 100);
        let response = [status.as_str(), range.as_str(), "default"]
            .iter()
            .find_map(|key| responses.get(*key))
            .unwrap_or_else(|| {
                let listed: Vec<&String> = responses
                    .as_object()
                    .map(|r| r.keys().collect())
                    .unwrap_or_default();
                panic!(
                    "{method} {template} answered {status}, which the OpenAPI document does not \
                     list (it lists {listed:?}): add it to the handler's `responses(...)`"
                )
            });
        self.resolve(response)
    }

    fn resolve<'a>(&'a self, value: &'a Value) -> &'a Value {
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let pointer = reference
                    .strip_prefix('#')
                    .unwrap_or_else(|| panic!("only local references are supported: {reference}"));
                self.resolve(
                    self.json
                        .pointer(pointer)
                        .unwrap_or_else(|| panic!("dangling reference {reference}")),
                )
            }
            None => value,
        }
    }

    /// Asserts that `body`, answered with `status` by `method template`, is what the document
    /// says: the status is listed and the body validates against its JSON schema. Fails with
    /// every violation and where in the body it is.
    pub fn assert_conforms(
        &self,
        method: &Method,
        template: &str,
        status: StatusCode,
        body: &Value,
    ) {
        let response = self.response(method, template, status);
        let Some(schema) = response.pointer("/content/application~1json/schema") else {
            panic!(
                "{method} {template} answered {status} with a JSON body, but the OpenAPI document \
                 gives that response no `application/json` content; body: {body}"
            )
        };
        let root = self.schema_root(schema);
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&root)
            .unwrap_or_else(|e| {
                panic!(
                    "the document's schema for {method} {template} {status} does not compile: {e}"
                )
            });
        let violations: Vec<String> = validator
            .iter_errors(body)
            .map(|e| {
                let at = e.instance_path().to_string();
                let at = if at.is_empty() { "/".to_string() } else { at };
                format!("  at {at}: {e}")
            })
            .collect();
        if !violations.is_empty() {
            let mut shown = serde_json::to_string_pretty(body).unwrap();
            if shown.len() > 2000 {
                let mut cut = 2000;
                while !shown.is_char_boundary(cut) {
                    cut -= 1;
                }
                shown.truncate(cut);
                shown.push_str("\n…");
            }
            panic!(
                "{method} {template} answered {status} with a body that does not conform to the \
                 OpenAPI document:\n{}\nschema: {schema}\nbody: {shown}",
                violations.join("\n")
            );
        }
    }

    /// Asserts that a non-JSON answer (a file) is what the document says: the status is listed
    /// with content of the answer's media type (parameters such as `charset` aside).
    pub fn assert_conforms_bytes(
        &self,
        method: &Method,
        template: &str,
        status: StatusCode,
        content_type: &str,
    ) {
        let response = self.response(method, template, status);
        let media = content_type.split(';').next().unwrap_or_default().trim();
        let listed: Vec<&String> = response["content"]
            .as_object()
            .map(|c| c.keys().collect())
            .unwrap_or_default();
        assert!(
            listed.iter().any(|k| k.as_str() == media),
            "{method} {template} answered {status} with `{content_type}`, which the OpenAPI \
             document does not list for it (it lists {listed:?})"
        );
    }

    /// Asserts that an empty answer is what the document says for `status`: listed, and with
    /// no JSON body promised.
    pub fn assert_conforms_empty(&self, method: &Method, template: &str, status: StatusCode) {
        let response = self.response(method, template, status);
        assert!(
            response.pointer("/content/application~1json").is_none(),
            "{method} {template} answered {status} with an empty body, but the OpenAPI document \
             promises a JSON one"
        );
    }

    /// Asserts that the router did not serve `method path`, which the document does not list:
    /// under `/api/` an undocumented request may only meet axum's own empty 404 or 405.
    pub fn assert_not_served_undocumented(&self, method: &Method, path: &str, raw: &Raw) {
        if !path.starts_with("/api/") || is_docs_path(path) {
            return;
        }
        assert!(
            is_unrouted(raw),
            "{method} {path} is not in the OpenAPI document, yet the router answered {}: annotate \
             its handler with `#[utoipa::path]` and register it with `.routes(route!(...))`",
            raw.status
        );
    }

    /// A self-contained JSON Schema for `schema`: the document's component schemas alongside
    /// (so `#/components/schemas/...` resolves), objects closed as the module says.
    fn schema_root(&self, schema: &Value) -> Value {
        let mut components = self.json["components"]["schemas"].clone();
        let mut open = Vec::new();
        collect_all_of_refs(&components, &mut open);
        collect_all_of_refs(schema, &mut open);
        if let Some(schemas) = components.as_object_mut() {
            for (name, s) in schemas.iter_mut() {
                if !open.contains(&format!("#/components/schemas/{name}")) {
                    close_objects(s, false);
                }
            }
        }
        let mut root = schema.clone();
        close_objects(&mut root, false);
        let mut root = match root {
            Value::Object(map) => map,
            other => {
                let mut map = Map::new();
                map.insert("allOf".into(), json!([other]));
                map
            }
        };
        root.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        root.insert("components".into(), json!({ "schemas": components }));
        Value::Object(root)
    }
}

/// axum's own answer to a request no route matches: 404 or 405 with an empty body (a handler's
/// "not found" is a JSON [`huzhu_web::ErrorBody`]).
pub fn is_unrouted(raw: &Raw) -> bool {
    matches!(
        raw.status,
        StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED
    ) && raw.body.is_empty()
}

/// Sets `additionalProperties: false` on object schemas with `properties` — except the members
/// of an `allOf`, whose properties are spread over several schemas.
fn close_objects(schema: &mut Value, in_all_of: bool) {
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    let composite = ["allOf", "anyOf", "oneOf"]
        .iter()
        .any(|k| map.contains_key(*k));
    if map.contains_key("properties")
        && !map.contains_key("additionalProperties")
        && !map.contains_key("unevaluatedProperties")
        && !composite
        && !in_all_of
    {
        map.insert("additionalProperties".into(), Value::Bool(false));
    }
    for (key, value) in map.iter_mut() {
        match key.as_str() {
            "properties" | "$defs" | "patternProperties" => {
                if let Some(props) = value.as_object_mut() {
                    for p in props.values_mut() {
                        close_objects(p, false);
                    }
                }
            }
            "items" | "additionalProperties" | "not" | "contains" => close_objects(value, false),
            "anyOf" | "oneOf" | "prefixItems" | "allOf" => {
                if let Some(items) = value.as_array_mut() {
                    for s in items {
                        close_objects(s, key == "allOf");
                    }
                }
            }
            _ => {}
        }
    }
}

fn collect_all_of_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(members) = map.get("allOf").and_then(Value::as_array) {
                out.extend(
                    members
                        .iter()
                        .filter_map(|m| m.get("$ref").and_then(Value::as_str))
                        .map(str::to_string),
                );
            }
            map.values().for_each(|v| collect_all_of_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_all_of_refs(v, out)),
        _ => {}
    }
}
