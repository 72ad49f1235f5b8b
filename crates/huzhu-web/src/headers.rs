//! The security headers every answer carries — console pages, the JSON API, its document and
//! Swagger UI alike: a Content-Security-Policy, no framing, no MIME sniffing, same-origin
//! referrers. What is not a static file is also `Cache-Control: no-store` (pages and API answers
//! hold personal data: no browser or proxy keeps a copy) unless the handler set its own.

use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, VARY};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// The console's pages: scripts and styles from `/static` only.
const CONSOLE_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data: blob:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; \
     form-action 'self'";

/// JSON answers load nothing.
const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; \
     form-action 'none'";

/// Swagger UI: its own (embedded) scripts only; it sets styles on its elements.
const DOCS_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; \
     form-action 'self'";

fn protect(h: &mut HeaderMap, csp: &'static str) {
    h.insert("Content-Security-Policy", HeaderValue::from_static(csp));
    h.insert(
        "X-Content-Type-Options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("X-Frame-Options", HeaderValue::from_static("DENY"));
    h.insert("Referrer-Policy", HeaderValue::from_static("same-origin"));
}

fn no_store(h: &mut HeaderMap) {
    if !h.contains_key(CACHE_CONTROL) {
        h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// Headers on every console answer; pages vary by htmx and by session.
pub async fn console(req: Request, next: Next) -> Response {
    let is_static = req.uri().path().starts_with("/static/");
    let mut r = next.run(req).await;
    let h = r.headers_mut();
    protect(h, CONSOLE_CSP);
    if !is_static {
        h.insert(VARY, HeaderValue::from_static("HX-Request, Cookie"));
        no_store(h);
    }
    r
}

/// Headers on every answer of the JSON API (and `/health`): none is kept by a cache.
pub async fn api(req: Request, next: Next) -> Response {
    let mut r = next.run(req).await;
    let h = r.headers_mut();
    protect(h, API_CSP);
    no_store(h);
    r
}

/// Headers on the OpenAPI document and Swagger UI (public, cacheable: no personal data).
pub async fn docs(req: Request, next: Next) -> Response {
    let mut r = next.run(req).await;
    protect(r.headers_mut(), DOCS_CSP);
    r
}
