//! Forged requests over every route (issue 18): every operation of the OpenAPI document the app
//! serves, sent by every role — anonymous, a member, unit officers of this and of other units,
//! district and city staff, the reviewer, finance, the auditor, the administrator — naming real
//! objects of a unit outside the sender's subtree, with bodies built from the document's own
//! schemas. The operations and their path parameters are read from the document, so a new route is
//! in the sweep the day it is registered, and fails it until it is classified in [`WHO`] and its
//! parameters in [`KINDS`].
//!
//! What must hold, for every request:
//! - no 5xx, and every JSON answer conforms to the document;
//! - without a session, every operation with `security` answers 401; the public ones never do;
//! - a role that [`WHO`] does not name for the operation gets 403 (capability), never a 2xx;
//! - outside the sender's subtree an object is **indistinguishable from a missing one**: the same
//!   status as the same request naming an id that does not exist (ARCHITECTURE, "Where scope is
//!   enforced"), and never a 2xx. Org codes and member ids in queries and bodies likewise.
//!
//! Positive controls keep the sweep honest: staff and an officer of the objects' own unit reach
//! them (a real id of every kind answers something else than the missing id for someone), so a
//! 404 for the others is scope, not a broken fixture.

use crate::helpers::{spawn_app, TestApp};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use huzhu_domain::access::Role;
use huzhu_store::AccountStore;
use huzhu_web::console::url_encode;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The unit whose objects are forged into other actors' requests, and its district.
const FOREIGN_UNIT: &str = "GS-01-001";
const FOREIGN_DISTRICT: &str = "GS";
/// An id no object has.
const MISSING_ID: i64 = 987_654_321;
/// An org code no org has.
const MISSING_ORG: &str = "ZZ-99-999";
/// The pattern the document gives every org code.
const ORG_CODE_PATTERN: &str = "^[A-Za-z0-9-]{1,32}$";

/// What a forged request names: the objects of the foreign unit (or a missing id), and the org
/// and member that queries and bodies carry.
#[derive(Clone)]
struct Forgery {
    /// Path parameter kind → value.
    objects: BTreeMap<&'static str, String>,
    /// The org code put in `org`, `unit`, `under` and the like.
    org: String,
    /// The member id put in `member` fields.
    member: i64,
}

impl Forgery {
    /// The same request, naming nothing that exists of what is scoped (the unscoped objects, a
    /// city-wide call or batch, stay: the answer must not differ by them).
    fn missing(&self) -> Forgery {
        Forgery {
            objects: self
                .objects
                .iter()
                .map(|(k, v)| {
                    if !is_scoped(k) && *k != "account" && *k != "import_job" {
                        return (*k, v.clone());
                    }
                    let missing = if v.parse::<i64>().is_ok() {
                        MISSING_ID.to_string()
                    } else {
                        format!("{v}X")
                    };
                    (*k, missing)
                })
                .collect(),
            org: MISSING_ORG.to_string(),
            member: MISSING_ID,
        }
    }
}

/// Query and body fields that name an org, and so must be scoped.
fn names_an_org(field: &str) -> bool {
    matches!(field, "org" | "unit" | "under")
}

/// Query and body fields that name a member.
fn names_a_member(field: &str) -> bool {
    matches!(field, "member" | "member_id")
}

/// A value the schema allows, as plain as can be: required properties only, the documented
/// example, the first of an enum, the minimum of a range; fields naming an org or a member carry
/// the forgery's.
fn instance(doc: &Value, schema: &Value, field: &str, f: &Forgery, depth: usize) -> Value {
    let schema = resolve(doc, schema);
    if depth > 12 {
        return Value::Null;
    }
    let org_pattern = schema.get("pattern").and_then(Value::as_str) == Some(ORG_CODE_PATTERN);
    if (names_an_org(field) || org_pattern) && accepts(doc, schema, "string") {
        return json!(f.org);
    }
    if names_a_member(field) && accepts(doc, schema, "integer") {
        return json!(f.member);
    }
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(examples) = schema.get("examples").and_then(Value::as_array) {
        if let Some(first) = examples.first() {
            return first.clone();
        }
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        if let Some(first) = values.iter().find(|v| !v.is_null()) {
            return first.clone();
        }
    }
    if let Some(constant) = schema.get("const") {
        return constant.clone();
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(variants) = schema.get(key).and_then(Value::as_array) {
            let variant = variants
                .iter()
                .find(|v| resolve(doc, v).get("type") != Some(&json!("null")))
                .unwrap_or(&variants[0]);
            return instance(doc, variant, field, f, depth + 1);
        }
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in all {
            match instance(doc, part, field, f, depth + 1) {
                Value::Object(o) => merged.extend(o),
                other => return other,
            }
        }
        return Value::Object(merged);
    }
    let kind = match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null")
            .to_string(),
        _ if schema.get("properties").is_some() => "object".to_string(),
        _ => "null".to_string(),
    };
    match kind.as_str() {
        "object" => {
            let mut out = Map::new();
            let required: BTreeSet<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (name, prop) in props {
                    if required.contains(name.as_str())
                        || names_an_org(name)
                        || names_a_member(name)
                    {
                        out.insert(name.clone(), instance(doc, prop, name, f, depth + 1));
                    }
                }
            }
            Value::Object(out)
        }
        "array" => {
            let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            let item = schema.get("items").cloned().unwrap_or(json!({}));
            Value::Array(
                (0..min.max(1))
                    .map(|_| instance(doc, &item, field, f, depth + 1))
                    .collect(),
            )
        }
        "integer" | "number" => {
            let min = schema.get("minimum").and_then(Value::as_i64);
            let max = schema.get("maximum").and_then(Value::as_i64);
            let v = min.unwrap_or(1).max(1);
            json!(max.map_or(v, |m| v.min(m)))
        }
        "boolean" => json!(false),
        // A choice written as a pattern, `^(a|b|c)$`: the first.
        "string"
            if schema
                .get("pattern")
                .and_then(Value::as_str)
                .is_some_and(|p| p.starts_with("^(") && p.ends_with(")$")) =>
        {
            let p = schema["pattern"].as_str().unwrap();
            json!(p[2..p.len() - 2].split('|').next().unwrap())
        }
        "string" => json!(match schema.get("format").and_then(Value::as_str) {
            Some("date") => "2022-06-01".to_string(),
            Some("date-time") => "2022-06-01T02:00:00Z".to_string(),
            _ => {
                let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(1);
                "测".repeat(min.max(1) as usize)
            }
        }),
        _ => Value::Null,
    }
}

/// Whether `schema` admits values of JSON type `kind` (directly, through a union, or nullable).
fn accepts(doc: &Value, schema: &Value, kind: &str) -> bool {
    let schema = resolve(doc, schema);
    match schema.get("type") {
        Some(Value::String(t)) => t == kind,
        Some(Value::Array(types)) => types.iter().any(|t| t == kind),
        _ => ["oneOf", "anyOf"].iter().any(|key| {
            schema
                .get(*key)
                .and_then(Value::as_array)
                .is_some_and(|vs| vs.iter().any(|v| accepts(doc, v, kind)))
        }),
    }
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve(
            doc,
            doc.pointer(r.trim_start_matches('#'))
                .unwrap_or_else(|| panic!("dangling reference {r}")),
        ),
        None => schema,
    }
}

/// One documented operation, as the sweep sends it.
struct Operation {
    method: Method,
    template: String,
    /// Path parameters: (name, kind from [`KINDS`]).
    path: Vec<(String, &'static str)>,
    /// Query parameters: (name, schema, required).
    query: Vec<(String, Value, bool)>,
    /// The request body's media type and schema.
    body: Option<(String, Value)>,
    /// Needs a session (`security` in the document).
    secured: bool,
}

impl Operation {
    fn label(&self) -> String {
        format!("{} {}", self.method, self.template)
    }

    /// Whether the request names something of the foreign unit: a scoped object in the path, or
    /// an org or member in the query or the body.
    fn names_foreign(&self, doc: &Value) -> bool {
        if !self.secured {
            // A public route's org (the thank-you list of a unit) is public.
            return false;
        }
        self.path.iter().any(|(_, kind)| is_scoped(kind))
            || self.query.iter().any(|(n, _, _)| names_an_org(n))
            || self.body.as_ref().is_some_and(|(_, schema)| {
                let body = instance(doc, schema, "", &Forgery::placeholder(), 0);
                mentions_org_or_member(&body)
            })
    }

    /// The request as `f` forges it, with the credentials given.
    fn request(&self, doc: &Value, f: &Forgery, auth: &Auth) -> Request<Body> {
        let mut uri = String::new();
        for segment in self.template.split('/').skip(1) {
            uri.push('/');
            match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => {
                    let (_, kind) = self
                        .path
                        .iter()
                        .find(|(n, _)| n == name)
                        .unwrap_or_else(|| panic!("{}: parameter {name}", self.label()));
                    uri.push_str(&f.objects[kind]);
                }
                None => uri.push_str(segment),
            }
        }
        let mut pairs = Vec::new();
        for (name, schema, required) in &self.query {
            if *required || names_an_org(name) || names_a_member(name) {
                let v = instance(doc, schema, name, f, 0);
                let text = match v {
                    Value::String(s) => s,
                    Value::Null => continue,
                    other => other.to_string(),
                };
                pairs.push(format!("{name}={}", url_encode(&text)));
            }
        }
        if !pairs.is_empty() {
            uri.push('?');
            uri.push_str(&pairs.join("&"));
        }
        let mut request = Request::builder().method(self.method.clone()).uri(uri);
        request = auth.headers(request);
        let body = match &self.body {
            None => Body::empty(),
            Some((media, schema)) => {
                request = request.header(header::CONTENT_TYPE, media.as_str());
                if media.starts_with("application/json") {
                    Body::from(instance(doc, schema, "", f, 0).to_string())
                } else {
                    Body::from(UPLOAD.to_vec())
                }
            }
        };
        request.body(body).unwrap()
    }
}

/// The bytes sent where an operation takes a file: a roster line, which is no document.
const UPLOAD: &[u8] = "姓名,身份证号,工会代码\n王芳,330106199001010000,GS-01-001\n".as_bytes();

impl Forgery {
    fn placeholder() -> Forgery {
        Forgery {
            objects: BTreeMap::new(),
            org: "@org".into(),
            member: -7,
        }
    }
}

fn mentions_org_or_member(v: &Value) -> bool {
    match v {
        Value::String(s) => s == "@org",
        Value::Number(n) => n.as_i64() == Some(-7),
        Value::Array(items) => items.iter().any(mentions_org_or_member),
        Value::Object(o) => o.values().any(mentions_org_or_member),
        _ => false,
    }
}

/// How a request is signed: not at all, or with a session's bearer token.
#[derive(Clone)]
enum Auth {
    Anonymous,
    Bearer(String),
}

impl Auth {
    fn headers(&self, r: axum::http::request::Builder) -> axum::http::request::Builder {
        match self {
            Auth::Anonymous => r,
            Auth::Bearer(token) => r.header(header::AUTHORIZATION, format!("Bearer {token}")),
        }
    }
}

/// The operations of the document, with their parameters classified.
fn operations(doc: &Value) -> Vec<Operation> {
    let mut ops = Vec::new();
    let mut unclassified = Vec::new();
    for (template, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Ok(method) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            if !op.is_object() || op.get("responses").is_none() {
                continue;
            }
            let mut path = Vec::new();
            let mut query = Vec::new();
            for p in op["parameters"].as_array().into_iter().flatten() {
                let p = resolve(doc, p);
                let name = p["name"].as_str().unwrap().to_string();
                match p["in"].as_str() {
                    Some("path") => match kind_of(template, &name) {
                        Some(kind) => path.push((name, kind)),
                        None => unclassified.push(format!("{template} {{{name}}}")),
                    },
                    Some("query") => {
                        // The parameter's own example stands for its schema's.
                        let mut schema = resolve(doc, &p["schema"]).clone();
                        if let (Some(example), Some(o)) = (p.get("example"), schema.as_object_mut())
                        {
                            o.insert("example".into(), example.clone());
                        }
                        query.push((name, schema, p["required"].as_bool().unwrap_or(false)))
                    }
                    _ => {}
                }
            }
            let body = op["requestBody"]["content"]
                .as_object()
                .and_then(|c| c.iter().next())
                .map(|(media, c)| (media.clone(), c["schema"].clone()));
            let secured = op
                .get("security")
                .and_then(Value::as_array)
                .is_some_and(|s| !s.is_empty());
            ops.push(Operation {
                method,
                template: template.clone(),
                path,
                query,
                body,
                secured,
            });
        }
    }
    assert!(
        unclassified.is_empty(),
        "path parameters of no known kind: {unclassified:?}: add them to KINDS with the object \
         the sweep forges"
    );
    ops
}

/// Every path parameter's kind: (the template up to the parameter, kind, scoped). A scoped kind
/// belongs to an org's subtree, and its objects outside the sender's subtree must look missing;
/// an unscoped one (a city-wide fund, the lawyers' panel, a public token) is checked by
/// capability only.
const KINDS: &[(&str, &str, bool)] = &[
    ("/api/v1/archive/households/{id}", "household", true),
    ("/api/v1/archive/notices/{id}", "archive_notice", true),
    ("/api/v1/archive/objections/{id}", "archive_objection", true),
    ("/api/v1/bank-changes/{id}", "bank_change", true),
    ("/api/v1/bills/{id}", "bill", true),
    (
        "/api/v1/campaign-recipients/{id}",
        "campaign_recipient",
        true,
    ),
    ("/api/v1/campaigns/{id}", "campaign", false),
    ("/api/v1/claims/{id}", "claim", true),
    ("/api/v1/claims/{id}/documents/{document}", "document", true),
    ("/api/v1/donations/{id}", "donation", true),
    ("/api/v1/donors/{id}", "donor", false),
    ("/api/v1/employment/courses/{id}", "course", true),
    ("/api/v1/employment/fairs/{id}", "fair", true),
    ("/api/v1/employment/seekers/{id}", "seeker", true),
    ("/api/v1/employment/trainees/{id}", "trainee", true),
    ("/api/v1/funds/{fund}", "fund", false),
    ("/api/v1/grants/{id}", "grant", true),
    (
        "/api/v1/grants/{id}/documents/{document}",
        "grant_document",
        true,
    ),
    ("/api/v1/legal-aid/cases/{id}", "legal_case", true),
    ("/api/v1/legal-aid/lawyers/{id}", "lawyer", true),
    ("/api/v1/members/{id}", "member", true),
    ("/api/v1/pairing/students/{id}", "student", true),
    ("/api/v1/payout-batches/{id}", "payout_batch", false),
    (
        "/api/v1/public/pairing/sponsor/{sponsor_token}",
        "sponsor_token",
        false,
    ),
    ("/api/v1/public/pairing/{token}", "pairing_token", false),
    ("/api/v1/receipts/{id}", "receipt", true),
    ("/api/v1/receipts/{number}", "receipt_number", true),
    ("/api/v1/recognition/calls/{id}", "recognition_call", false),
    ("/api/v1/recognition/nominations/{id}", "nomination", true),
    (
        "/api/v1/recognition/nominations/{id}/objections/{objection}",
        "recognition_objection",
        true,
    ),
    (
        "/api/v1/recognition/notices/{id}",
        "recognition_notice",
        false,
    ),
    (
        "/api/v1/recuperation/bases/{id}",
        "recuperation_base",
        false,
    ),
    (
        "/api/v1/recuperation/batches/{id}",
        "recuperation_batch",
        false,
    ),
    ("/api/v1/recuperation/signups/{id}", "signup", true),
    ("/api/v1/services/requests/{id}", "service_request", true),
    ("/api/v1/statements/lines/{id}", "statement_line", true),
    ("/api/v1/transfers/{id}", "transfer", true),
];

fn kind_of(template: &str, param: &str) -> Option<&'static str> {
    let marker = format!("{{{param}}}");
    let end = template.find(&marker)? + marker.len();
    KINDS
        .iter()
        .find(|(prefix, _, _)| *prefix == &template[..end])
        .map(|(_, kind, _)| *kind)
}

/// Kinds only the console's paths name (the API takes them in a body or not at all): (kind,
/// scoped), as in [`KINDS`].
const CONSOLE_KINDS: &[(&str, bool)] = &[
    // A service of the public 81890 directory.
    ("service_offer", false),
    // A volunteer team of an org's subtree.
    ("service_team", true),
];

fn is_scoped(kind: &str) -> bool {
    KINDS.iter().any(|(_, k, scoped)| *k == kind && *scoped)
        || CONSOLE_KINDS
            .iter()
            .any(|(k, scoped)| *k == kind && *scoped)
}

/// A sender of forged requests.
struct Sender {
    name: String,
    role: Option<Role>,
    auth: Auth,
    /// Whether the foreign unit lies in its scope (city-wide staff, the unit's own officer and
    /// district staff, the unit's member for their own things).
    inside: bool,
}

/// The letter [`WHO`] uses for a role.
fn letter(role: Role) -> char {
    match role {
        Role::Administrator => 'A',
        Role::FederationStaff => 'S',
        Role::MedicalReviewer => 'R',
        Role::Finance => 'F',
        Role::Auditor => 'U',
        Role::UnitOfficer => 'O',
        Role::Member => 'M',
    }
}

/// What one sender got from one operation: the forged request and the same naming nothing.
struct Answer {
    forged: StatusCode,
    missing: Option<StatusCode>,
}

async fn send(
    app: &TestApp,
    op: &Operation,
    request: Request<Body>,
    problems: &mut Vec<String>,
    who: &str,
) -> StatusCode {
    let uri = request.uri().to_string();
    let raw = app.call(request).await;
    let at = format!("{who}: {} {uri}", op.method);
    if raw.status.is_server_error() {
        problems.push(format!(
            "{at} answered {} {}",
            raw.status,
            String::from_utf8_lossy(&raw.body)
        ));
        return raw.status;
    }
    let content_type = raw
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let doc = &app.doc;
    let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        if raw.body.is_empty() {
            doc.assert_conforms_empty(&op.method, &op.template, raw.status);
        } else if content_type.starts_with("application/json") {
            doc.assert_conforms(&op.method, &op.template, raw.status, &raw.json());
        } else {
            doc.assert_conforms_bytes(&op.method, &op.template, raw.status, &content_type);
        }
    }));
    if let Err(e) = checked {
        let message = e
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        problems.push(format!("{at}: the answer breaks the document: {message}"));
    }
    raw.status
}

/// The demo city with every module's demo data, and accounts inside the foreign unit's scope.
async fn city() -> TestApp {
    let app = spawn_app().await;
    huzhu_app::demo_money::load_money_demo(&app.store)
        .await
        .unwrap();
    huzhu_app::demo_programmes::load_programme_demo(&app.store)
        .await
        .unwrap();
    huzhu_app::demo_programmes::demo_pairing::load_pairing_demo(&app.store)
        .await
        .unwrap();
    // Last year's claims of every district, with their documents, as `serve --demo` loads them.
    let later = huzhu_app::SettableClock::new(
        chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 12, 6, 2, 0, 0).unwrap(),
    );
    huzhu_app::demo_cycle::load_cycle_demo(&app.store, &later)
        .await
        .unwrap();
    // The day after the recognition demo's notice starts: its notice is running.
    app.clock
        .set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 12, 7, 2, 0, 0).unwrap());
    app
}

/// Signs every demo account in, and three accounts of the foreign unit's own: its officer, its
/// district's staff and the member whose things are forged.
async fn senders(app: &TestApp, foreign_unit: &str, foreign_member: i64) -> Vec<Sender> {
    use huzhu_app::accounts::{create_user, UserInput};
    use huzhu_domain::org::OrgCode;
    let own = [
        (
            "officer.foreign",
            Role::UnitOfficer,
            foreign_unit.to_string(),
            None,
        ),
        (
            "staff.foreign",
            Role::FederationStaff,
            foreign_unit.split('-').next().unwrap().to_string(),
            None,
        ),
        (
            "member.foreign",
            Role::Member,
            foreign_unit.to_string(),
            Some(foreign_member),
        ),
    ];
    for (username, role, org, member_id) in &own {
        create_user(
            &app.store,
            &app.clock,
            "test",
            &UserInput {
                username: username.to_string(),
                display_name: None,
                password: huzhu_app::demo::DEMO_PASSWORD.to_string(),
                role: *role,
                org: OrgCode::parse(org).unwrap(),
                member_id: *member_id,
            },
        )
        .await
        .unwrap();
    }
    let mut out = vec![Sender {
        name: "anonymous".into(),
        role: None,
        auth: Auth::Anonymous,
        inside: false,
    }];
    let outside = [
        "officer.la01001",
        "officer.sc01001",
        "district.staff",
        "member.demo",
    ];
    for (username, role, _, _) in huzhu_app::demo::DEMO_ACCOUNTS {
        out.push(Sender {
            name: username.to_string(),
            role: Some(role),
            auth: Auth::Bearer(app.login(username).await),
            inside: !outside.contains(&username),
        });
    }
    for (username, role, _, _) in own {
        out.push(Sender {
            name: username.to_string(),
            role: Some(role),
            auth: Auth::Bearer(app.login(username).await),
            inside: true,
        });
    }
    // Those outside first: the sweep's writes by those inside change the objects' states.
    out.sort_by_key(|s| s.inside);
    out
}

#[tokio::test]
async fn every_route_refuses_forged_requests_for_every_role_and_scope() {
    let app = city().await;
    let forgery = discover(&app).await;
    let senders = senders(&app, &forgery.unit, forgery.member).await;
    let doc = &app.doc.json;
    let ops = operations(doc);
    let who: BTreeMap<(&str, &str), &str> = WHO.iter().map(|(m, t, w)| ((*m, *t), *w)).collect();
    let documented: BTreeSet<(String, String)> = ops
        .iter()
        .map(|o| (o.method.to_string(), o.template.clone()))
        .collect();
    let unclassified: Vec<String> = documented
        .iter()
        .filter(|(m, t)| !who.contains_key(&(m.as_str(), t.as_str())))
        .map(|(m, t)| format!("{m} {t}"))
        .collect();
    let stale: Vec<String> = WHO
        .iter()
        .filter(|(m, t, _)| !documented.contains(&(m.to_string(), t.to_string())))
        .map(|(m, t, _)| format!("{m} {t}"))
        .collect();
    let printing = std::env::var_os("HUZHU_PRINT_ROUTE_MATRIX").is_some();
    assert!(
        printing || (unclassified.is_empty() && stale.is_empty()),
        "operations not classified in WHO: {unclassified:?}; WHO entries the document lacks: \
         {stale:?}"
    );

    let forged = forgery.forgery.clone();
    let missing = forged.missing();
    let mut problems: Vec<String> = Vec::new();
    let mut answers: BTreeMap<String, BTreeMap<String, Answer>> = BTreeMap::new();
    let mut requests = 0usize;
    for sender in &senders {
        for op in &ops {
            let label = op.label();
            let mut auth = sender.auth.clone();
            if op.method == Method::DELETE && op.template == "/api/v1/session" {
                // Signing out ends the session: sign out a session of its own.
                if sender.role.is_some() {
                    auth = Auth::Bearer(app.login(&sender.name).await);
                }
            }
            let foreign = op.names_foreign(doc);
            let missing_status = if foreign && sender.role.is_some() {
                requests += 1;
                Some(
                    send(
                        &app,
                        op,
                        op.request(doc, &missing, &auth),
                        &mut problems,
                        &sender.name,
                    )
                    .await,
                )
            } else {
                None
            };
            requests += 1;
            let status = send(
                &app,
                op,
                op.request(doc, &forged, &auth),
                &mut problems,
                &sender.name,
            )
            .await;
            let at = format!("{} {label}", sender.name);
            match sender.role {
                None if op.secured && status != StatusCode::UNAUTHORIZED => {
                    problems.push(format!("{at}: {status} without a session, not 401"))
                }
                // Signing in with a made-up password is 401, the route is open all the same.
                None if !op.secured
                    && (status == StatusCode::FORBIDDEN
                        || status == StatusCode::UNAUTHORIZED
                            && op.template != "/api/v1/session") =>
                {
                    problems.push(format!("{at}: {status}, but the route is public"))
                }
                None => {}
                Some(role) => {
                    let allowed = who
                        .get(&(op.method.as_str(), op.template.as_str()))
                        .is_some_and(|w| w.contains(letter(role)) || *w == "public");
                    if !printing && !allowed && status != StatusCode::FORBIDDEN {
                        problems.push(format!(
                            "{at}: {status}, but the role ({role:?}) may not: 403 expected"
                        ));
                    }
                    if let (false, Some(missing_status)) = (sender.inside, missing_status) {
                        if status.is_success() {
                            problems.push(format!(
                                "{at}: {status} for the objects of {} outside its subtree",
                                forgery.unit
                            ));
                        } else if status != missing_status {
                            problems.push(format!(
                                "{at}: {status} for the objects of {} outside its subtree, but \
                                 {missing_status} for missing ones: scope must look like absence",
                                forgery.unit
                            ));
                        }
                    }
                }
            }
            answers.entry(label).or_default().insert(
                sender.name.clone(),
                Answer {
                    forged: status,
                    missing: missing_status,
                },
            );
        }
    }

    // Positive controls: every scoped kind's object is reached by someone inside.
    let mut reached: BTreeMap<&str, usize> = BTreeMap::new();
    for op in &ops {
        for (_, kind) in op.path.iter().filter(|(_, k)| is_scoped(k)) {
            let n = reached.entry(kind).or_default();
            for sender in senders.iter().filter(|s| s.inside) {
                let a = &answers[&op.label()][&sender.name];
                if a.missing.is_some_and(|m| m != a.forged) {
                    *n += 1;
                }
            }
        }
    }
    let unreached: Vec<&&str> = reached
        .iter()
        .filter(|(k, n)| **n == 0 && !NO_FIXTURE.contains(k))
        .map(|(k, _)| k)
        .collect();

    if printing {
        for op in &ops {
            let a = &answers[&op.label()];
            let mut letters = BTreeSet::new();
            for sender in &senders {
                if let Some(role) = sender.role {
                    if a[&sender.name].forged != StatusCode::FORBIDDEN {
                        letters.insert(letter(role));
                    }
                }
            }
            let w: String = if op.secured {
                letters.into_iter().collect()
            } else {
                "public".into()
            };
            let statuses: Vec<String> = senders
                .iter()
                .map(|s| {
                    let x = &a[&s.name];
                    match x.missing {
                        Some(m) => format!("{}={}/{}", s.name, x.forged.as_u16(), m.as_u16()),
                        None => format!("{}={}", s.name, x.forged.as_u16()),
                    }
                })
                .collect();
            println!(
                "    (\"{}\", \"{}\", \"{w}\"), // {}",
                op.method,
                op.template,
                statuses.join(" ")
            );
        }
    }
    eprintln!(
        "route matrix: {} operations × {} senders, {requests} requests; scoped kinds reached from \
         inside: {reached:?}",
        ops.len(),
        senders.len()
    );
    assert!(
        problems.is_empty(),
        "{} forged requests answered wrongly:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(
        unreached.is_empty(),
        "no one inside reached the forged object of {unreached:?}: the sweep's fixture is not a \
         real object, so its 404s prove nothing"
    );
}

/// Who may call each operation: `public`, or the letters of the roles with the capability —
/// A administrator, S federation staff, R medical reviewer, F finance, U auditor, O unit officer,
/// M member. Any other role gets 403. Regenerate the observed table with
/// `HUZHU_PRINT_ROUTE_MATRIX=1 cargo nextest run --workspace --no-capture -E 'test(/route_matrix/)'`
/// and review every letter it adds.
const WHO: &[(&str, &str, &str)] = &[
    ("GET", "/api/v1/archive/households", "OSU"),
    ("POST", "/api/v1/archive/households", "O"),
    ("GET", "/api/v1/archive/households/{id}", "OSU"),
    ("POST", "/api/v1/archive/households/{id}/admit", "S"),
    ("POST", "/api/v1/archive/households/{id}/exit", "S"),
    ("POST", "/api/v1/archive/households/{id}/notice", "S"),
    ("POST", "/api/v1/archive/households/{id}/refuse", "S"),
    ("POST", "/api/v1/archive/households/{id}/review", "S"),
    ("GET", "/api/v1/archive/households/{id}/support", "OSU"),
    ("GET", "/api/v1/archive/households/{id}/timeline", "OSU"),
    ("POST", "/api/v1/archive/households/{id}/visit", "S"),
    ("POST", "/api/v1/archive/households/{id}/yearly-review", "S"),
    ("POST", "/api/v1/archive/lapse", "S"),
    ("POST", "/api/v1/archive/notices/{id}/objections", "S"),
    ("POST", "/api/v1/archive/objections/{id}/settle", "S"),
    ("GET", "/api/v1/audit", "AU"),
    ("GET", "/api/v1/audit/export.xlsx", "AU"),
    ("GET", "/api/v1/bank-changes", "AOS"),
    ("POST", "/api/v1/bank-changes/{id}/confirm", "AOS"),
    ("POST", "/api/v1/bank-changes/{id}/refuse", "AOS"),
    ("GET", "/api/v1/bills", "AFMORSU"),
    ("GET", "/api/v1/bills/{id}", "AFMORSU"),
    ("POST", "/api/v1/bills/{id}/payment", "FOS"),
    ("POST", "/api/v1/campaign-recipients/{id}/gift", "OS"),
    ("POST", "/api/v1/campaign-recipients/{id}/visit", "OS"),
    ("GET", "/api/v1/campaigns", "OS"),
    ("POST", "/api/v1/campaigns", "S"),
    ("GET", "/api/v1/campaigns/{id}", "OS"),
    ("GET", "/api/v1/campaigns/{id}/gift-purchase", "OS"),
    ("PUT", "/api/v1/campaigns/{id}/gift-purchase", "S"),
    ("POST", "/api/v1/campaigns/{id}/grant", "S"),
    ("GET", "/api/v1/campaigns/{id}/recipients", "OS"),
    ("POST", "/api/v1/campaigns/{id}/recipients", "OS"),
    (
        "POST",
        "/api/v1/campaigns/{id}/recipients/from-archive",
        "OS",
    ),
    ("POST", "/api/v1/campaigns/{id}/recipients/from-tags", "OS"),
    ("GET", "/api/v1/claims", "AFMORSU"),
    ("POST", "/api/v1/claims", "MOS"),
    ("GET", "/api/v1/claims/{id}", "AFMORSU"),
    ("POST", "/api/v1/claims/{id}/actions", "S"),
    ("POST", "/api/v1/claims/{id}/documents", "MOS"),
    ("GET", "/api/v1/claims/{id}/documents/{document}", "AFMORSU"),
    ("GET", "/api/v1/claims/{id}/fhir", "AFMORSU"),
    ("GET", "/api/v1/donations", "FSU"),
    ("POST", "/api/v1/donations", "FS"),
    ("GET", "/api/v1/donations/{id}", "FSU"),
    ("POST", "/api/v1/donations/{id}/receive", "FS"),
    ("GET", "/api/v1/donors", "FSU"),
    ("GET", "/api/v1/donors/{id}", "FSU"),
    ("GET", "/api/v1/employment/courses", "OSU"),
    ("POST", "/api/v1/employment/courses", "S"),
    ("GET", "/api/v1/employment/courses/{id}", "OSU"),
    ("POST", "/api/v1/employment/courses/{id}/finish", "S"),
    ("POST", "/api/v1/employment/courses/{id}/trainees", "OS"),
    ("GET", "/api/v1/employment/fairs", "OSU"),
    ("POST", "/api/v1/employment/fairs", "S"),
    ("GET", "/api/v1/employment/fairs/{id}", "OSU"),
    ("POST", "/api/v1/employment/fairs/{id}/posts", "S"),
    ("POST", "/api/v1/employment/fairs/{id}/step", "S"),
    ("GET", "/api/v1/employment/seekers", "OSU"),
    ("POST", "/api/v1/employment/seekers", "OS"),
    ("GET", "/api/v1/employment/seekers/{id}", "OSU"),
    ("POST", "/api/v1/employment/seekers/{id}/placement", "OS"),
    ("POST", "/api/v1/employment/seekers/{id}/withdraw", "OS"),
    ("PUT", "/api/v1/employment/trainees/{id}/attendance", "S"),
    ("POST", "/api/v1/employment/trainees/{id}/certificate", "S"),
    ("POST", "/api/v1/enrolments", "OS"),
    ("GET", "/api/v1/funds", "AFSU"),
    ("POST", "/api/v1/funds/{fund}/deposits", "F"),
    ("GET", "/api/v1/grants", "AFORSU"),
    ("POST", "/api/v1/grants", "OS"),
    ("GET", "/api/v1/grants/{id}", "AFMORSU"),
    ("POST", "/api/v1/grants/{id}/approve", "S"),
    ("POST", "/api/v1/grants/{id}/check", "S"),
    ("GET", "/api/v1/grants/{id}/documents", "AFMORSU"),
    ("POST", "/api/v1/grants/{id}/documents", "OS"),
    ("GET", "/api/v1/grants/{id}/documents/{document}", "AFMORSU"),
    ("GET", "/api/v1/grants/{id}/notice", "AFMORSU"),
    ("POST", "/api/v1/grants/{id}/refuse", "S"),
    ("POST", "/api/v1/grants/{id}/withdraw", "OS"),
    ("GET", "/api/v1/ledger/balances", "AFU"),
    ("GET", "/api/v1/ledger/entries", "AFU"),
    ("GET", "/api/v1/legal-aid/cases", "MOSU"),
    ("POST", "/api/v1/legal-aid/cases", "MOS"),
    ("GET", "/api/v1/legal-aid/cases/{id}", "MOSU"),
    ("POST", "/api/v1/legal-aid/cases/{id}/activities", "S"),
    ("POST", "/api/v1/legal-aid/cases/{id}/approve", "S"),
    ("POST", "/api/v1/legal-aid/cases/{id}/assign", "S"),
    ("POST", "/api/v1/legal-aid/cases/{id}/check", "S"),
    ("POST", "/api/v1/legal-aid/cases/{id}/close", "S"),
    ("GET", "/api/v1/legal-aid/cases/{id}/events", "MOSU"),
    ("POST", "/api/v1/legal-aid/cases/{id}/refuse", "S"),
    ("GET", "/api/v1/legal-aid/lawyers", "OSU"),
    ("POST", "/api/v1/legal-aid/lawyers", "S"),
    ("POST", "/api/v1/legal-aid/lawyers/{id}/active", "S"),
    ("GET", "/api/v1/members", "AFMORSU"),
    ("GET", "/api/v1/members/{id}/coverage", "AFMORSU"),
    ("GET", "/api/v1/members/{id}/grants", "AFMORSU"),
    ("GET", "/api/v1/members/{id}/support", "OSU"),
    ("GET", "/api/v1/orgs", "AFMORSU"),
    ("GET", "/api/v1/pairing/students", "S"),
    ("POST", "/api/v1/pairing/students", "S"),
    ("GET", "/api/v1/pairing/students/{id}", "S"),
    ("POST", "/api/v1/pairing/students/{id}/consent", "S"),
    ("POST", "/api/v1/pairing/students/{id}/payments", "S"),
    ("POST", "/api/v1/pairing/students/{id}/reports", "S"),
    ("POST", "/api/v1/pairing/students/{id}/withdraw", "S"),
    ("GET", "/api/v1/payout-batches", "AFU"),
    ("POST", "/api/v1/payout-batches", "F"),
    ("GET", "/api/v1/payout-batches/{id}", "AFU"),
    ("GET", "/api/v1/payout-batches/{id}/bank-file", "F"),
    ("POST", "/api/v1/payout-batches/{id}/settlement", "F"),
    ("GET", "/api/v1/procurement/catalogue", "OS"),
    ("POST", "/api/v1/procurement/catalogue", "S"),
    ("PUT", "/api/v1/procurement/floors", "S"),
    ("GET", "/api/v1/procurement/purchases", "OS"),
    ("POST", "/api/v1/procurement/purchases", "OS"),
    ("POST", "/api/v1/procurement/purchases/import", "OS"),
    ("GET", "/api/v1/procurement/report", "OS"),
    ("GET", "/api/v1/procurement/report.xlsx", "OS"),
    ("GET", "/api/v1/public/fund-report", "public"),
    ("GET", "/api/v1/public/fund-report.xlsx", "public"),
    ("GET", "/api/v1/public/notices", "public"),
    ("GET", "/api/v1/public/pairing", "public"),
    (
        "GET",
        "/api/v1/public/pairing/sponsor/{sponsor_token}",
        "public",
    ),
    (
        "POST",
        "/api/v1/public/pairing/sponsor/{sponsor_token}/confirm",
        "public",
    ),
    ("GET", "/api/v1/public/pairing/{token}", "public"),
    ("POST", "/api/v1/public/pairing/{token}/claim", "public"),
    ("GET", "/api/v1/public/services", "public"),
    ("GET", "/api/v1/public/thanks", "public"),
    ("POST", "/api/v1/receipts/{id}/void", "FS"),
    ("GET", "/api/v1/receipts/{number}", "FSU"),
    ("GET", "/api/v1/recognition/calls", "SU"),
    ("POST", "/api/v1/recognition/calls", "S"),
    ("GET", "/api/v1/recognition/calls/{id}", "SU"),
    ("POST", "/api/v1/recognition/calls/{id}/award", "S"),
    ("GET", "/api/v1/recognition/calls/{id}/nominations", "SU"),
    ("POST", "/api/v1/recognition/calls/{id}/nominations", "S"),
    ("POST", "/api/v1/recognition/calls/{id}/notice", "S"),
    ("POST", "/api/v1/recognition/calls/{id}/ranking", "S"),
    ("GET", "/api/v1/recognition/experts", "SU"),
    ("POST", "/api/v1/recognition/experts", "S"),
    ("GET", "/api/v1/recognition/nominations/{id}", "SU"),
    ("POST", "/api/v1/recognition/nominations/{id}/confirm", "S"),
    (
        "POST",
        "/api/v1/recognition/nominations/{id}/objections/{objection}/settle",
        "S",
    ),
    ("POST", "/api/v1/recognition/nominations/{id}/scores", "S"),
    ("POST", "/api/v1/recognition/notices/{id}/objections", "S"),
    ("GET", "/api/v1/recuperation/bases", "OS"),
    ("POST", "/api/v1/recuperation/bases", "S"),
    ("GET", "/api/v1/recuperation/bases/{id}", "OS"),
    ("POST", "/api/v1/recuperation/bases/{id}/review", "S"),
    ("GET", "/api/v1/recuperation/batches", "OS"),
    ("POST", "/api/v1/recuperation/batches", "S"),
    ("GET", "/api/v1/recuperation/batches/{id}", "OS"),
    ("GET", "/api/v1/recuperation/batches/{id}/signups", "OS"),
    ("POST", "/api/v1/recuperation/batches/{id}/signups", "OS"),
    ("PUT", "/api/v1/recuperation/batches/{id}/spend", "S"),
    ("POST", "/api/v1/recuperation/signups/{id}/cancel", "OS"),
    ("DELETE", "/api/v1/review-rule", "S"),
    ("GET", "/api/v1/review-rule", "ASU"),
    ("PUT", "/api/v1/review-rule", "S"),
    ("GET", "/api/v1/services/figures", "OS"),
    ("GET", "/api/v1/services/figures.xlsx", "OS"),
    ("POST", "/api/v1/services/offers", "OS"),
    ("GET", "/api/v1/services/requests", "AFMORSU"),
    ("POST", "/api/v1/services/requests", "MOS"),
    ("GET", "/api/v1/services/requests/{id}", "AFMORSU"),
    ("POST", "/api/v1/services/requests/{id}/steps", "OS"),
    ("GET", "/api/v1/services/teams", "AFMORSU"),
    ("POST", "/api/v1/services/teams", "OS"),
    ("DELETE", "/api/v1/session", "AFMORSU"),
    ("GET", "/api/v1/session", "AFMORSU"),
    ("POST", "/api/v1/session", "public"),
    ("GET", "/api/v1/statements", "F"),
    ("POST", "/api/v1/statements/import", "F"),
    ("GET", "/api/v1/statements/lines", "F"),
    ("POST", "/api/v1/statements/lines/{id}/dismiss", "F"),
    ("POST", "/api/v1/statements/lines/{id}/settle", "F"),
    ("GET", "/api/v1/stats", "AFMORSU"),
    ("GET", "/api/v1/stats.xlsx", "AFMORSU"),
    ("GET", "/api/v1/stats/employment", "OSU"),
    ("GET", "/api/v1/stats/employment.xlsx", "OSU"),
    ("GET", "/api/v1/stats/legal-aid", "OSU"),
    ("GET", "/api/v1/stats/legal-aid.xlsx", "OSU"),
    ("GET", "/api/v1/stats/programmes", "OSU"),
    ("GET", "/api/v1/stats/programmes.xlsx", "OSU"),
    ("GET", "/api/v1/stats/recognition", "SU"),
    ("GET", "/api/v1/stats/recognition.xlsx", "SU"),
    ("GET", "/api/v1/stats/recuperation", "OS"),
    ("GET", "/api/v1/stats/recuperation.xlsx", "OS"),
    ("GET", "/api/v1/transfers", "AOS"),
    ("POST", "/api/v1/transfers", "AOS"),
    ("GET", "/api/v1/transfers/mine", "AOS"),
    ("POST", "/api/v1/transfers/{id}/confirm", "AOS"),
    ("POST", "/api/v1/transfers/{id}/refuse", "AOS"),
    ("GET", "/fhir/CodeSystem/huzhu-refusal", "public"),
    ("GET", "/health", "public"),
];

/// What the sweep forges, found in the demo city through the API as city staff and finance see
/// it: objects of the programmes' unit (`XH-01-001`) or, where it has none, of its district or
/// another one — always outside `LA` and `SC-01-001`, the subtrees of the senders outside.
struct Discovered {
    unit: String,
    member: i64,
    forgery: Forgery,
}

/// Kinds the demo holds no object of: their routes are swept with a missing id only.
const NO_FIXTURE: &[&str] = &["bank_change", "transfer", "sponsor_token"];

/// Every object (a JSON object) inside `v`, depth first.
fn objects(v: &Value) -> Vec<&Map<String, Value>> {
    let mut out = Vec::new();
    match v {
        Value::Object(o) => {
            out.push(o);
            for x in o.values() {
                out.extend(objects(x));
            }
        }
        Value::Array(items) => {
            for x in items {
                out.extend(objects(x));
            }
        }
        _ => {}
    }
    out
}

/// The org an object names (`org`, `unit`), if any.
fn org_of(o: &Map<String, Value>) -> Option<&str> {
    o.get("org")
        .or_else(|| o.get("unit"))
        .and_then(Value::as_str)
}

/// The first object of `v` having `key` whose org is `unit`, else one of `district`, else any
/// outside the senders' subtrees, else any.
fn pick<'a>(v: &'a Value, key: &str, unit: &str) -> Option<&'a Map<String, Value>> {
    let candidates: Vec<&Map<String, Value>> = objects(v)
        .into_iter()
        .filter(|o| o.contains_key(key))
        .collect();
    let district = unit.split('-').next().unwrap_or(unit);
    let foreign = |o: &&Map<String, Value>| {
        org_of(o).is_some_and(|org| !org.starts_with("LA") && !org.starts_with("SC-01-001"))
    };
    candidates
        .iter()
        .find(|o| org_of(o) == Some(unit))
        .or_else(|| {
            candidates
                .iter()
                .find(|o| org_of(o).is_some_and(|org| org.starts_with(&format!("{district}-"))))
        })
        .or_else(|| candidates.iter().find(|o| foreign(o)))
        .or_else(|| candidates.first())
        .copied()
}

fn id_of(o: Option<&Map<String, Value>>, key: &str) -> Option<String> {
    o.and_then(|o| o.get(key)).map(|v| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

async fn discover(app: &TestApp) -> Discovered {
    let staff = app.login("city.staff").await;
    let finance = app.login("finance").await;
    let get = |token: &str, uri: &str| {
        let token = token.to_string();
        let uri = uri.to_string();
        async move {
            let (status, body) = app.get_as(&token, &uri).await;
            assert_eq!(status, StatusCode::OK, "{uri}: {body}");
            body
        }
    };
    let households = get(&staff, "/api/v1/archive/households").await;
    let unit = org_of(pick(&households, "head_member_id", FOREIGN_UNIT).unwrap())
        .unwrap()
        .to_string();
    let mut o: BTreeMap<&'static str, String> = BTreeMap::new();
    // The household in notice, its notice and an objection to any household's notice.
    let in_notice = objects(&households)
        .into_iter()
        .find(|h| h.get("state") == Some(&json!("in_notice")) && org_of(h) == Some(unit.as_str()));
    o.insert("household", id_of(in_notice, "id").unwrap());
    let detail = get(
        &staff,
        &format!("/api/v1/archive/households/{}", o["household"]),
    )
    .await;
    o.insert(
        "archive_notice",
        id_of(pick(&detail, "working_days", &unit), "id").unwrap(),
    );
    for h in objects(&households)
        .into_iter()
        .filter(|h| h.contains_key("head_member_id"))
    {
        let d = get(&staff, &format!("/api/v1/archive/households/{}", h["id"])).await;
        if let Some(id) = id_of(pick(&d, "notice_id", &unit), "id") {
            o.insert("archive_objection", id);
            break;
        }
    }
    let grants = get(&staff, "/api/v1/grants").await;
    let grant = pick(&grants, "fund", &unit);
    o.insert("grant", id_of(grant, "id").unwrap());
    let member: i64 = id_of(grant, "member").unwrap().parse().unwrap();
    o.insert("member", member.to_string());
    let claims = get(
        &staff,
        &format!("/api/v1/claims?org={FOREIGN_DISTRICT}&limit=100"),
    )
    .await;
    for c in claims["claims"].as_array().unwrap() {
        let d = get(&staff, &format!("/api/v1/claims/{}", c["id"])).await;
        if let Some(doc) = id_of(pick(&d, "sha256", &unit), "id") {
            o.insert("claim", c["id"].to_string());
            o.insert("document", doc);
            break;
        }
    }
    let bills = get(&staff, "/api/v1/bills").await;
    o.insert("bill", id_of(pick(&bills, "payer", &unit), "id").unwrap());
    let campaigns = get(&staff, "/api/v1/campaigns").await;
    o.insert(
        "campaign",
        id_of(pick(&campaigns, "window_start", &unit), "id").unwrap(),
    );
    let recipients = get(
        &staff,
        &format!("/api/v1/campaigns/{}/recipients", o["campaign"]),
    )
    .await;
    o.insert(
        "campaign_recipient",
        id_of(pick(&recipients, "gift_pack", &unit), "id").unwrap(),
    );
    let donations = get(&staff, "/api/v1/donations").await;
    let donation = pick(&donations, "channel", &unit);
    o.insert("donation", id_of(donation, "id").unwrap());
    let receipt = objects(&donations)
        .into_iter()
        .find(|r| r.contains_key("amount_in_capitals") && r.get("state") == Some(&json!("issued")));
    o.insert("receipt", id_of(receipt, "id").unwrap());
    o.insert("receipt_number", id_of(receipt, "number").unwrap());
    let donors = get(&staff, "/api/v1/donors").await;
    o.insert("donor", id_of(pick(&donors, "kind", &unit), "id").unwrap());
    let funds = get(&staff, "/api/v1/funds").await;
    o.insert(
        "fund",
        id_of(pick(&funds, "balance_fen", &unit), "fund").unwrap(),
    );
    let cases = get(&staff, "/api/v1/legal-aid/cases").await;
    o.insert(
        "legal_case",
        id_of(pick(&cases, "summary", &unit), "id").unwrap(),
    );
    let lawyers = get(&staff, "/api/v1/legal-aid/lawyers").await;
    o.insert(
        "lawyer",
        id_of(pick(&lawyers, "firm", &unit), "id").unwrap(),
    );
    let students = get(&staff, "/api/v1/pairing/students").await;
    o.insert(
        "student",
        id_of(pick(&students, "consent", &unit), "id").unwrap(),
    );
    let public = get(&staff, "/api/v1/public/pairing").await;
    o.insert(
        "pairing_token",
        id_of(pick(&public, "token", &unit), "token").unwrap(),
    );
    let batches = get(&finance, "/api/v1/payout-batches").await;
    o.insert(
        "payout_batch",
        id_of(pick(&batches, "id", &unit), "id").unwrap(),
    );
    let calls = get(&staff, "/api/v1/recognition/calls").await;
    o.insert(
        "recognition_call",
        id_of(pick(&calls, "quota", &unit), "id").unwrap(),
    );
    let nominations = get(
        &staff,
        &format!(
            "/api/v1/recognition/calls/{}/nominations",
            o["recognition_call"]
        ),
    )
    .await;
    o.insert(
        "nomination",
        id_of(pick(&nominations, "achievements", &unit), "id").unwrap(),
    );
    let notice = objects(&nominations)
        .into_iter()
        .find(|x| x.get("notice_id").is_some_and(|n| !n.is_null()));
    if let Some(id) = id_of(notice, "notice_id") {
        o.insert("recognition_notice", id);
    } else {
        let notices = get(&staff, "/api/v1/public/notices").await;
        let notice = objects(&notices)
            .into_iter()
            .find(|n| n.get("subject_kind") == Some(&json!("nomination")));
        if let Some(id) = id_of(notice, "id") {
            o.insert("recognition_notice", id);
        }
    }
    for call in objects(&calls)
        .into_iter()
        .filter(|c| c.contains_key("quota"))
    {
        let n = get(
            &staff,
            &format!("/api/v1/recognition/calls/{}/nominations", call["id"]),
        )
        .await;
        let objection = objects(&n)
            .into_iter()
            .find(|x| x.contains_key("received_on") && x.contains_key("notice_id"));
        if let Some(id) = id_of(objection, "id") {
            o.insert("recognition_objection", id);
            break;
        }
    }
    if !o.contains_key("recognition_objection") {
        if let Some(notice) = o.get("recognition_notice") {
            let (status, body) = app
                .json_as(
                    &staff,
                    "POST",
                    &format!("/api/v1/recognition/notices/{notice}/objections"),
                    &json!({"received_on": "2026-12-07", "content": "反映其获奖材料有误"}),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
            o.insert("recognition_objection", body["id"].to_string());
        }
    }
    let bases = get(&staff, "/api/v1/recuperation/bases").await;
    o.insert(
        "recuperation_base",
        id_of(pick(&bases, "discount_bp", &unit), "id").unwrap(),
    );
    let rbatches = get(&staff, "/api/v1/recuperation/batches").await;
    o.insert(
        "recuperation_batch",
        id_of(pick(&rbatches, "capacity", &unit), "id").unwrap(),
    );
    for b in objects(&rbatches)
        .into_iter()
        .filter(|b| b.contains_key("capacity"))
    {
        let s = get(
            &staff,
            &format!("/api/v1/recuperation/batches/{}/signups", b["id"]),
        )
        .await;
        if let Some(id) = id_of(pick(&s, "signed_by", &unit), "id") {
            o.insert("signup", id);
            break;
        }
    }
    let requests = get(&staff, "/api/v1/services/requests").await;
    o.insert(
        "service_request",
        id_of(pick(&requests, "offer_team", &unit), "id").unwrap(),
    );
    let offers = get(&staff, "/api/v1/public/services").await;
    o.insert(
        "service_offer",
        id_of(
            objects(&offers)
                .into_iter()
                .find(|x| x.contains_key("team_name")),
            "id",
        )
        .unwrap(),
    );
    let teams = get(&staff, "/api/v1/services/teams").await;
    o.insert(
        "service_team",
        id_of(pick(&teams, "contact", &unit), "id").unwrap(),
    );
    // Employment help: the district's fair still planned and its open course (a fair or course of
    // the city above is everyone's to read), a registration of its units, a trainee.
    let district = unit.split('-').next().unwrap_or(&unit).to_string();
    let of_district = |v: &Value, state: &str| -> Option<String> {
        let found = objects(v)
            .into_iter()
            .filter(|x| org_of(x) == Some(district.as_str()) && x.contains_key("state_label"))
            .collect::<Vec<_>>();
        id_of(
            found
                .iter()
                .find(|x| x.get("state") == Some(&json!(state)))
                .or(found.first())
                .copied(),
            "id",
        )
    };
    let fairs = get(&staff, "/api/v1/employment/fairs").await;
    o.insert("fair", of_district(&fairs, "planned").unwrap());
    let courses = get(&staff, "/api/v1/employment/courses").await;
    o.insert("course", of_district(&courses, "open").unwrap());
    let course = get(
        &staff,
        &format!("/api/v1/employment/courses/{}", o["course"]),
    )
    .await;
    o.insert(
        "trainee",
        id_of(
            course["trainees"]
                .as_array()
                .unwrap()
                .first()
                .and_then(Value::as_object),
            "id",
        )
        .unwrap(),
    );
    let seekers = get(&staff, "/api/v1/employment/seekers").await;
    let registered: Value = seekers
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["state"] == "registered")
        .cloned()
        .collect();
    o.insert(
        "seeker",
        id_of(
            pick(&registered, "wanted", &unit).or_else(|| pick(&seekers, "wanted", &unit)),
            "id",
        )
        .unwrap(),
    );
    // A document handed in to a relief of the unit still waiting for it.
    let (status, applied) = app
        .json_as(
            &staff,
            "POST",
            "/api/v1/grants",
            &json!({"programme": "one-off-relief", "member": member,
                "facts": {"requested_fen": 100_000}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{applied}");
    let pending = applied[0]["grant"]["id"].as_i64().unwrap();
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    png.extend_from_slice(b"the signed form");
    let (status, handed) = app
        .post_bytes_as(
            &staff,
            &format!("/api/v1/grants/{pending}/documents?kind=application_form&file_name=form.png"),
            png,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{handed}");
    o.insert("grant_document", handed["document"]["id"].to_string());
    // The grant forged is this one, waiting: its documents are reached through it.
    o.insert("grant", pending.to_string());
    // A line of a bank statement finance imported, still to settle.
    let (status, imported) = app
        .post_bytes_as(
            &finance,
            "/api/v1/statements/import?file_name=statement.csv",
            "交易时间,收入金额,支出金额,对方户名,对方账号,摘要\n\
             2026-12-01,300.00,,李梅,6222999988887777,捐款\n"
                .as_bytes()
                .to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{imported}");
    let lines = get(&finance, "/api/v1/statements/lines").await;
    o.insert(
        "statement_line",
        id_of(
            lines.as_array().unwrap().first().and_then(Value::as_object),
            "id",
        )
        .unwrap(),
    );
    for kind in NO_FIXTURE {
        o.insert(
            kind,
            if *kind == "sponsor_token" {
                "0123456789abcdef0123456789abcdef".into()
            } else {
                MISSING_ID.to_string()
            },
        );
    }
    let absent: Vec<&str> = KINDS
        .iter()
        .map(|(_, k, _)| *k)
        .chain(CONSOLE_KINDS.iter().map(|(k, _)| *k))
        .filter(|k| !o.contains_key(k))
        .collect();
    assert!(
        absent.is_empty(),
        "the demo has no object of {absent:?} to forge"
    );
    Discovered {
        forgery: Forgery {
            objects: o,
            org: unit.clone(),
            member,
        },
        unit,
        member,
    }
}

/// Every console route in the source (`.route("...", get(..).post(..))` in `src/console/`):
/// (path, methods). Read from the source, so a new page is swept without being listed.
fn console_routes() -> Vec<(String, Vec<Method>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/console");
    let mut out = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for part in text.split(".route(").skip(1) {
            let Some(path) = part
                .trim_start()
                .strip_prefix('"')
                .and_then(|p| p.split('"').next())
            else {
                continue;
            };
            let call = [".route(", ".merge(", ".layer(", ".nest("]
                .iter()
                .filter_map(|end| part.find(end))
                .min()
                .map_or(part, |end| &part[..end]);
            let mut methods = Vec::new();
            for (word, method) in [("get(", Method::GET), ("post(", Method::POST)] {
                if call.match_indices(word).any(|(i, _)| {
                    i == 0
                        || !call.as_bytes()[i - 1].is_ascii_alphanumeric()
                            && call.as_bytes()[i - 1] != b'_'
                }) {
                    methods.push(method);
                }
            }
            out.push((path.to_string(), methods));
        }
    }
    out
}

/// The console's path parameters: (the path up to the parameter, what it names). A kind of
/// [`KINDS`], or `=value` for a fixed word (a step's name, a static file).
const CONSOLE_PARAMS: &[(&str, &str)] = &[
    ("/accounts/{id}", "account"),
    ("/archive/{id}", "household"),
    ("/archive/{id}/step/{step}", "=visit"),
    ("/archive/notices/{id}", "archive_notice"),
    ("/archive/objections/{id}", "archive_objection"),
    ("/bank-changes/{id}", "bank_change"),
    ("/campaigns/{id}", "campaign"),
    (
        "/campaigns/{id}/recipients/{recipient}",
        "campaign_recipient",
    ),
    ("/campaigns/{id}/recipients/{recipient}/{step}", "=visit"),
    ("/claims/{id}", "claim"),
    ("/claims/{id}/documents/{doc}", "document"),
    ("/donations/{id}", "donation"),
    ("/receipts/{id}", "receipt"),
    ("/donors/{id}", "donor"),
    ("/employment/courses/{id}", "course"),
    ("/employment/courses/{id}/{step}", "=finish"),
    ("/employment/fairs/{id}", "fair"),
    ("/employment/seekers/{id}", "seeker"),
    ("/enrolment/bills/{id}", "bill"),
    ("/grants/{id}", "grant"),
    ("/grants/{id}/{step}", "=check"),
    ("/grants/{id}/documents/{doc}", "grant_document"),
    ("/funds/{fund}", "fund"),
    ("/import/{job}", "import_job"),
    ("/legal-aid/{id}", "legal_case"),
    ("/legal-aid/{id}/{step}", "=check"),
    ("/members/{id}", "member"),
    ("/notices/{id}", "recognition_notice"),
    ("/pairing/students/{id}", "student"),
    ("/pairing/students/{id}/{action}", "=consent"),
    ("/pairing/sponsor/{token}", "sponsor_token"),
    ("/pairing/{token}", "pairing_token"),
    ("/static/{name}", "=huzhu.css"),
    ("/payouts/{id}", "payout_batch"),
    ("/recognition/{id}", "recognition_call"),
    ("/recognition/{id}/step/{step}", "=notice"),
    ("/recognition/nominations/{id}", "nomination"),
    ("/recognition/nominations/{id}/{step}", "=confirm"),
    ("/recuperation/bases/{id}", "recuperation_base"),
    ("/recuperation/batches/{id}", "recuperation_batch"),
    ("/recuperation/sign-ups/{id}", "signup"),
    ("/services/offers/{id}", "service_offer"),
    ("/services/requests/{id}", "service_request"),
    ("/services/requests/{id}/{step}", "=accept"),
    ("/services/teams/{id}", "service_team"),
    ("/statements/lines/{id}", "statement_line"),
    ("/statements/lines/{id}/{step}", "=dismiss"),
    ("/transfers/{id}", "transfer"),
];

/// Console pages anyone may open without signing in.
const CONSOLE_PUBLIC: &[&str] = &[
    "/",
    "/lang",
    "/login",
    "/static/{name}",
    "/fund-report",
    "/fund-report.xlsx",
    "/notices",
    "/thanks",
    // The 81890 directory, and an objection to a craftsman's notice from the public page.
    "/services",
    "/notices/{id}/objection",
    // Cloud pairing's public board, a student's page and claim, the sponsor's own link.
    "/pairing",
    "/pairing/{token}",
    "/pairing/{token}/claim",
    "/pairing/sponsor/{token}",
    "/pairing/sponsor/{token}/confirm",
];

fn console_uri(path: &str, objects: &BTreeMap<&'static str, String>) -> Option<(String, bool)> {
    let mut uri = String::new();
    let mut scoped = false;
    let mut at = 0;
    while let Some(open) = path[at..].find('{') {
        let open = at + open;
        let close = open + path[open..].find('}')?;
        uri.push_str(&path[at..open]);
        let prefix = &path[..=close];
        let (_, what) = CONSOLE_PARAMS.iter().find(|(p, _)| *p == prefix)?;
        match what.strip_prefix('=') {
            Some(word) => uri.push_str(word),
            None => {
                scoped |= is_scoped(what) || *what == "account";
                uri.push_str(objects.get(what)?);
            }
        }
        at = close + 1;
    }
    uri.push_str(&path[at..]);
    Some((uri, scoped))
}

#[tokio::test]
async fn every_console_route_refuses_forged_objects_and_strangers() {
    let app = city().await;
    let found = discover(&app).await;
    let senders = senders(&app, &found.unit, found.member).await;
    let mut objects = found.forgery.objects.clone();
    // The foreign unit's officer's account, and an import job no one has.
    let officer = app
        .store
        .user_by_username("officer.foreign")
        .await
        .unwrap()
        .unwrap();
    objects.insert("account", officer.id.0.to_string());
    objects.insert("import_job", MISSING_ID.to_string());
    let missing: BTreeMap<&'static str, String> = Forgery {
        objects: objects.clone(),
        org: String::new(),
        member: 0,
    }
    .missing()
    .objects;

    let routes = console_routes();
    assert!(
        routes.len() > 90 && routes.iter().any(|(p, _)| p == "/claims/{id}"),
        "the scan finds the console's routes: {routes:?}"
    );
    let mut problems = Vec::new();
    let mut reached: BTreeMap<String, usize> = BTreeMap::new();
    let mut requests = 0usize;
    for sender in &senders {
        for (path, methods) in &routes {
            let Some((uri, scoped)) = console_uri(path, &objects) else {
                problems.push(format!(
                    "{path}: a parameter of no known kind: add it to CONSOLE_PARAMS"
                ));
                continue;
            };
            let (missing_uri, _) = console_uri(path, &missing).unwrap();
            for method in methods {
                let at = format!("{} {method} {uri}", sender.name);
                let send = |uri: String| {
                    let mut r = Request::builder().method(method.clone()).uri(uri);
                    if let Auth::Bearer(token) = &sender.auth {
                        r = r
                            .header(header::AUTHORIZATION, format!("Bearer {token}"))
                            .header(
                                huzhu_web::console::csrf::HEADER,
                                huzhu_web::console::csrf::token_for_session(token),
                            );
                    }
                    let r = r
                        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                        .body(Body::from(""))
                        .unwrap();
                    app.call(r)
                };
                requests += 2;
                let m = send(missing_uri.clone()).await.status;
                let f = send(uri.clone()).await.status;
                if f.is_server_error() || m.is_server_error() {
                    problems.push(format!("{at}: {f} (missing: {m})"));
                }
                let public = CONSOLE_PUBLIC.contains(&path.as_str());
                match sender.role {
                    None if !public && f.is_success() => {
                        problems.push(format!("{at}: {f} without a session"))
                    }
                    None => {}
                    Some(_) if scoped && !sender.inside => {
                        if f.is_success() {
                            problems.push(format!("{at}: {f} for another unit's object"));
                        } else if f != m {
                            problems.push(format!(
                                "{at}: {f} for another unit's object but {m} for a missing \
                                 one: scope must look like absence"
                            ));
                        }
                    }
                    Some(_) if scoped && f != m => {
                        *reached.entry(path.clone()).or_default() += 1;
                    }
                    Some(_) => {}
                }
            }
        }
    }
    eprintln!(
        "console matrix: {} routes × {} senders, {requests} requests; object routes reached from \
         inside: {}",
        routes.len(),
        senders.len(),
        reached.len()
    );
    assert!(
        problems.is_empty(),
        "{} console requests answered wrongly:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(
        reached.len() >= 10,
        "too few object pages were reached from inside ({reached:?}): the fixtures are not real"
    );
}
