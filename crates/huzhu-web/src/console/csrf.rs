//! Cross-site request forgery: every console POST must prove it comes from a page huzhu served.
//!
//! - Signed in, the token is derived from the session token (`SHA-256("huzhu-csrf:" + token)`):
//!   a page has it, a cross-site page cannot compute it (the session cookie is `HttpOnly`,
//!   `SameSite=Strict`). It arrives as the `_csrf` form field or the `X-CSRF-Token` header.
//! - The sign-in form itself carries a random token kept in a cookie, which must equal the
//!   form's field: a double-submit cookie, so that a forged form cannot sign a browser in as the
//!   forger. It is used whether or not the browser still sends a session cookie, so that a dead
//!   session cookie never blocks signing in.
//! - A request whose `Origin` names another site is refused whatever it carries.
//!
//! Forms that upload files (`multipart/form-data`) are checked the same way: the middleware
//! reads the `_csrf` part, which the form puts first, without buffering the file.

use super::i18n::cookie;
use crate::auth::session_token;
use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{CONTENT_TYPE, HOST, ORIGIN};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;

pub const FIELD: &str = "_csrf";
pub const HEADER: &str = "X-CSRF-Token";
/// The pre-session token's cookie.
pub const LOGIN_COOKIE: &str = "huzhu_csrf";
/// Urlencoded forms above this are refused (uploads are multipart).
const FORM_LIMIT: usize = 1 << 20;

/// The CSRF token of a session.
pub fn token_for_session(session_token: &str) -> String {
    huzhu_app::digest::sha256_hex(format!("huzhu-csrf:{session_token}").as_bytes())
}

/// A fresh random token for the sign-in form.
pub fn fresh_token() -> String {
    use rand_core::{OsRng, RngCore};
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    huzhu_app::digest::hex(&bytes)
}

fn refuse(why: &str) -> Response {
    (
        StatusCode::FORBIDDEN,
        format!("请求来源校验失败，请刷新页面后重试 (CSRF check failed: {why}; reload the page and try again)"),
    )
        .into_response()
}

/// Constant-time comparison of two tokens.
pub(crate) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Whether the request's `Origin` names the site of its `Host`: `None` without both headers
/// (or with `Origin: null`, which says nothing).
pub(crate) fn origin_is_same_site(headers: &HeaderMap) -> Option<bool> {
    let origin = headers.get(ORIGIN).and_then(|v| v.to_str().ok())?;
    let host = headers.get(HOST).and_then(|v| v.to_str().ok())?;
    if origin == "null" {
        return None;
    }
    let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or(origin);
    Some(origin_host == host)
}

/// The middleware: lets GET and HEAD through, checks every other method.
pub async fn check(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let headers = req.headers();
    if origin_is_same_site(headers) == Some(false) {
        return refuse("cross-site origin");
    }
    // The sign-in form always carries the pre-session token, whatever session cookie the browser
    // still holds: a dead (or another) session must never make signing in impossible.
    let expected = if req.uri().path() == "/login" {
        match cookie(headers, LOGIN_COOKIE) {
            Some(c) => c,
            None => return refuse("no sign-in cookie"),
        }
    } else {
        match session_token(headers) {
            Some(t) => token_for_session(&t),
            // No session: the handler will send the browser to sign in; nothing to protect.
            None => return next.run(req).await,
        }
    };
    if let Some(h) = headers.get(HEADER).and_then(|v| v.to_str().ok()) {
        return if same(h, &expected) {
            next.run(req).await
        } else {
            refuse("bad header token")
        };
    }
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let (parts, body) = req.into_parts();
        let bytes = match axum::body::to_bytes(body, FORM_LIMIT).await {
            Ok(b) => b,
            Err(_) => {
                return (StatusCode::PAYLOAD_TOO_LARGE, "表单过大 (form too large)").into_response()
            }
        };
        let token = form_urlencoded_value(&bytes, FIELD);
        if !token.is_some_and(|t| same(&t, &expected)) {
            return refuse("missing or bad form token");
        }
        return next
            .run(Request::from_parts(parts, Body::from(bytes)))
            .await;
    }
    if let Some(boundary) = content_type
        .strip_prefix("multipart/form-data")
        .and_then(|rest| {
            rest.split(';')
                .find_map(|p| p.trim().strip_prefix("boundary="))
        })
        .map(|b| b.trim_matches('"').to_string())
    {
        let (parts, body) = req.into_parts();
        let (head, rest) = match first_part(body, &boundary).await {
            Ok(x) => x,
            Err(why) => return refuse(why),
        };
        if !first_field_value(&head, &boundary).is_some_and(|t| same(&t, &expected)) {
            return refuse("the form's first field must be the token");
        }
        return next
            .run(Request::from_parts(parts, replay(head, rest)))
            .await;
    }
    refuse("no token")
}

/// The value of `name` in an urlencoded body.
fn form_urlencoded_value(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded_pairs(body)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn serde_urlencoded_pairs(body: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).unwrap_or_default()
}

/// Reads the body until the first part is complete (its head and value), at most 64 KiB.
async fn first_part(body: Body, boundary: &str) -> Result<(Vec<u8>, Body), &'static str> {
    let mut body = body;
    let mut head = Vec::new();
    let closing = format!("\r\n--{boundary}");
    loop {
        // The first part ends at the second boundary line.
        let start = head
            .windows(boundary.len() + 2)
            .position(|w| w == format!("--{boundary}").as_bytes());
        if let Some(s) = start {
            let after = s + boundary.len() + 2;
            if head.len() > after
                && head[after..]
                    .windows(closing.len())
                    .any(|w| w == closing.as_bytes())
            {
                return Ok((head, body));
            }
        }
        if head.len() > 64 * 1024 {
            return Err("the token field is too far into the form");
        }
        match body.frame().await {
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    head.extend_from_slice(&data);
                }
            }
            Some(Err(_)) => return Err("the form could not be read"),
            None => return Ok((head, Body::empty())),
        }
    }
}

/// The value of the first part of a multipart body, if it is the `_csrf` field.
fn first_field_value(head: &[u8], boundary: &str) -> Option<String> {
    let text = String::from_utf8_lossy(head);
    let delim = format!("--{boundary}");
    let first = text.split(&delim).nth(1)?;
    let (headers, value) = first.split_once("\r\n\r\n")?;
    let named = headers
        .to_ascii_lowercase()
        .contains(&format!("name=\"{FIELD}\""));
    if !named {
        return None;
    }
    Some(value.trim_end_matches("\r\n").trim().to_string())
}

/// The body again: the bytes already read, then the rest.
fn replay(head: Vec<u8>, rest: Body) -> Body {
    use futures_util::StreamExt;
    let first =
        futures_util::stream::once(
            async move { Ok::<_, axum::Error>(axum::body::Bytes::from(head)) },
        );
    Body::from_stream(first.chain(rest.into_data_stream()))
}
