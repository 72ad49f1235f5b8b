//! The JSON API's contract. The OpenAPI document is assembled from the handlers'
//! `#[utoipa::path]` annotations at the moment they are registered, so a route exists in the
//! router if and only if its operation exists in the document; it is served at
//! [`DOCUMENT_PATH`], with Swagger UI at [`SWAGGER_UI_PATH`] (files embedded in the binary).

pub mod session;
pub mod v1;

use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::handler::Handler;
use axum::http::request::Parts;
use axum::routing::MethodRouter;
use axum::Router;
use serde::de::DeserializeOwned;
use utoipa::openapi::path::{HttpMethod, Paths};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::OpenApi as Document;
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::UtoipaMethodRouter;
use utoipa_axum::PathItemExt;
use utoipa_swagger_ui::SwaggerUi;

/// Where the OpenAPI document is served, as JSON.
pub const DOCUMENT_PATH: &str = "/api/openapi.json";
/// Where Swagger UI is served (`/api/docs` redirects to `/api/docs/`).
pub const SWAGGER_UI_PATH: &str = "/api/docs";

/// Security scheme for `Authorization: Bearer <token>`: put `security(("bearer" = []),
/// ("huzhu_session" = []))` on an authenticated route's `#[utoipa::path]`.
pub const BEARER: &str = "bearer";
/// Security scheme for the browser's session cookie.
pub const SESSION_COOKIE: &str = "huzhu_session";

/// What the document says before any route is registered: title, tags, security schemes and the
/// error body every route refers to.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "互助 huzhu API",
        description = "职工医疗互助保障系统的 JSON 接口 (the JSON API of huzhu, employee medical \
                       mutual aid). Errors are `ErrorBody` objects with a stable `code`."
    ),
    tags(
        (name = "system", description = "运行状态 (server status)"),
        (name = "orgs", description = "组织 (trade-union organisations)"),
        (name = "session", description = "登录与会话 (sign-in and sessions)"),
        (name = "members", description = "会员 (members; personal data masked)"),
        (name = "enrolment", description = "参保与缴费 (enrolment by unit, contribution bills, cover)"),
        (name = "claims", description = "理赔申请、材料与审批流程 (claims, their documents and the workflow)"),
        (name = "payouts", description = "支付批次与银行文件 (payout batches and bank files)"),
        (name = "grants", description = "帮扶救助与资金 (reliefs, grants and their funds)"),
        (name = "campaigns", description = "送温暖活动 (care campaigns)"),
        (name = "ledger", description = "账簿 (the double-entry ledger)"),
        (name = "audit", description = "审计日志 (the audit log)"),
        (name = "stats", description = "统计 (figures of an org's subtree, JSON or Excel)"),
        (name = "archive", description = "困难职工档案与公示 (the hardship-worker archive and its public notice)"),
        // recuperation, procurement (helper M)
        (name = "recuperation", description = "疗休养基地、批次与报名 (recuperation bases, batches and sign-ups)"),
        (name = "procurement", description = "消费帮扶采购 (consumption-poverty procurement)"),
        // donation module (春风行动, issue 16)
        (name = "donations", description = "春风行动捐赠、收据与捐赠人 (spring-breeze donations, receipts and donors)"),
        // legal aid and recognition (issue 17)
        (name = "legal_aid", description = "法律援助 (legal aid: cases, the panel of lawyers)"),
        (name = "recognition", description = "数字工匠评选与公示 (craftsman recognition and its public notice)"),
        // pairing and services (helper K, issue 16)
        (name = "pairing", description = "云结对：发布、认领、结对与资助 (cloud pairing: publication, claims, pledges)"),
        (name = "services", description = "81890 服务目录与服务申请 (the 81890 service directory and requests)"),
        // employment help (helper D, issue 16)
        (name = "employment", description = "春风就业：招聘会、求职登记、安置与技能培训 (employment help: job fairs, job-seekers, placements and skills courses)"),
    ),
    components(schemas(crate::error::ErrorBody)),
    modifiers(&SecuritySchemes)
)]
pub(crate) struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "会话令牌 (a session token from `POST /api/v1/session`)",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            SESSION_COOKIE,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                SESSION_COOKIE,
                "浏览器会话 (the console's session cookie)",
            ))),
        );
    }
}

/// The routes serving the document and Swagger UI. They are not in the document themselves.
pub(crate) fn docs<S: Clone + Send + Sync + 'static>(doc: Document) -> Router<S> {
    SwaggerUi::new(SWAGGER_UI_PATH)
        .url(DOCUMENT_PATH, doc)
        .into()
}

/// One documented operation for [`utoipa_axum::router::OpenApiRouter::routes`]: the handler at
/// the path and methods that `P` (the `__path_<handler>` type written by `#[utoipa::path]`)
/// declares, with its operation and the schemas it names. It does what `utoipa_axum::routes!`
/// does, for handlers with type parameters (ours are generic over the store), which that macro
/// cannot parse. Called through [`route!`].
pub(crate) fn operation<P, H, T, S>(handler: H) -> UtoipaMethodRouter<S>
where
    P: utoipa::Path + utoipa::__dev::SchemaReferences + for<'t> utoipa::__dev::Tags<'t>,
    H: Handler<T, S>,
    T: 'static,
    S: Clone + Send + Sync + 'static,
{
    let mut schemas = Vec::new();
    P::schemas(&mut schemas);
    let methods = P::methods();
    let mut operation = P::operation();
    let tags = P::tags();
    if !tags.is_empty() {
        operation
            .tags
            .get_or_insert_with(Vec::new)
            .extend(tags.iter().map(ToString::to_string));
    }
    let method_router = methods.iter().fold(MethodRouter::new(), |router, method| {
        router.on(method.to_method_filter(), handler.clone())
    });
    let writes = methods
        .iter()
        .any(|m| !matches!(m, HttpMethod::Get | HttpMethod::Head | HttpMethod::Options));
    if writes && operation.security.is_some() {
        document_cross_site_refusal(&mut operation);
    }
    document_malformed_request(&mut operation);
    let mut paths = Paths::new();
    paths.add_path_operation(P::path(), methods, operation);
    (schemas, paths, method_router)
}

/// A write that needs a session may be refused by [`crate::auth::api_write_guard`] (403
/// `HZ-AUTH-0004`); every such operation says so, whatever else it may answer 403 for.
fn document_cross_site_refusal(operation: &mut utoipa::openapi::path::Operation) {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    const WHY: &str = "a write with only the session cookie, without `X-CSRF-Token` or a \
                       same-site `Origin` (`HZ-AUTH-0004`)";
    let responses = &mut operation.responses.responses;
    match responses.get_mut("403") {
        Some(RefOr::T(r)) => {
            if !r.description.contains("HZ-AUTH-0004") {
                r.description = format!("{}; or {WHY}", r.description);
            }
        }
        Some(RefOr::Ref(_)) => {}
        None => {
            let body = ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build();
            responses.insert(
                "403".to_string(),
                RefOr::T(
                    ResponseBuilder::new()
                        .description(WHY)
                        .content("application/json", body)
                        .build(),
                ),
            );
        }
    }
}

/// An operation that reads path or query parameters or a body answers 400 when they cannot be
/// read ([`ApiPath`], [`ApiQuery`], [`ApiJson`]: an id past `i64`, a body cut short), whatever
/// else its own validation answers 400 for; every such operation says so.
fn document_malformed_request(operation: &mut utoipa::openapi::path::Operation) {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let reads = operation.request_body.is_some()
        || operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
    let responses = &mut operation.responses.responses;
    if !reads || responses.contains_key("400") {
        return;
    }
    let body = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("ErrorBody")))
        .build();
    responses.insert(
        "400".to_string(),
        RefOr::T(
            ResponseBuilder::new()
                .description("a parameter or the body cannot be read; `field` names it")
                .content("application/json", body)
                .build(),
        ),
    );
}

/// `route!(handler::<S>)`: a handler annotated with `#[utoipa::path]`, ready for
/// `OpenApiRouter::routes`. Use it in the module that defines the handler.
macro_rules! route {
    ($handler:ident :: < $($generic:ty),+ $(,)? >) => {
        $crate::api::operation::<::paste::paste!([<__path_ $handler>]), _, _, _>(
            $handler::<$($generic),+>,
        )
    };
    ($handler:ident) => {
        $crate::api::operation::<::paste::paste!([<__path_ $handler>]), _, _, _>($handler)
    };
}
pub(crate) use route;

/// A page size as a list's `limit` documents it (`minimum = 1, maximum = max, default = 100`):
/// outside that range the request is refused, never clamped, so that the document is the rule.
pub(crate) fn page_limit(limit: Option<u32>, max: u32) -> Result<u32, ApiError> {
    let limit = limit.unwrap_or(100);
    if (1..=max).contains(&limit) {
        Ok(limit)
    } else {
        Err(ApiError::invalid(
            "limit",
            format!("limit 应在1到{max}之间 (limit must be 1..={max})"),
        ))
    }
}

/// A query string, as axum's [`Query`], whose rejection is an [`ApiError`] (a documented JSON
/// 400) rather than axum's plain-text one.
pub(crate) struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(q)) => Ok(ApiQuery(q)),
            Err(e) => Err(ApiError::invalid(
                "query",
                format!("查询参数无效 (invalid query string): {}", e.body_text()),
            )),
        }
    }
}

/// A JSON request body, as axum's `Json`, whose rejection is an [`ApiError`] naming the field
/// where the body went wrong (`items[0].shares`; `body` when it is not JSON at all) — a
/// documented JSON 400 rather than axum's plain-text one. The content type is not checked: the
/// body is JSON or it is refused.
pub(crate) struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                return ApiError::TooLarge {
                    field: "body".into(),
                    message: "请求体过大 (request body too large)".into(),
                };
            }
            ApiError::invalid(
                "body",
                format!("请求体无法读取 (cannot read the body): {}", e.body_text()),
            )
        })?;
        // Read as JSON first: a number written `76810.0` is an integer to JSON Schema (and so
        // to the document), and is taken as one here too.
        let mut json: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
            ApiError::invalid("body", format!("请求体无效 (invalid JSON body): {e}"))
        })?;
        integral_numbers(&mut json);
        let value = serde_path_to_error::deserialize(json).map_err(|e| {
            let message = e.inner().to_string();
            let mut field = match e.path().to_string() {
                // The root, or a key not yet read (a body cut short).
                p if p.is_empty() || p == "." || p == "?" => String::new(),
                p => p,
            };
            // serde reports a missing field at the object holding it: name the field itself.
            if let Some(missing) = message
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split('`').next())
            {
                field = if field.is_empty() {
                    missing.to_string()
                } else {
                    format!("{field}.{missing}")
                };
            }
            if field.is_empty() {
                field = "body".into();
            }
            ApiError::invalid(&field, format!("请求体无效 (invalid JSON body): {message}"))
        })?;
        Ok(ApiJson(value))
    }
}

/// Numbers with no fractional part (`76810.0`) become integers, within the range a double holds
/// exactly; any other number is left as it came, for the field's own type to accept or refuse.
fn integral_numbers(v: &mut serde_json::Value) {
    use serde_json::Value;
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    match v {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64() {
                if f.fract() == 0.0 && f.abs() < EXACT {
                    *v = Value::from(f as i64);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        Value::Object(fields) => fields.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

/// Path parameters, as axum's [`Path`], whose rejection is an [`ApiError`] naming `path`.
pub(crate) struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(p)) => Ok(ApiPath(p)),
            Err(e) => Err(ApiError::invalid(
                "path",
                format!("路径参数无效 (invalid path): {}", e.body_text()),
            )),
        }
    }
}
