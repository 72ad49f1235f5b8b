//! Sign-in, sign-out and the language switch.

use super::csrf::{self, LOGIN_COOKIE};
use super::i18n::{cookie, LANG_COOKIE};
use super::{page, redirect, safe_next, Ctx, Lang, PageError, Visitor};
use crate::api::session::cookie as session_cookie;
use crate::auth::{cookie_token, session_token, sign_in, ClientIp};
use crate::{ApiError, AppState};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use huzhu_app::accounts::{self, SESSION_ABSOLUTE};
use huzhu_app::AppError;
use huzhu_app::Backend;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    c: &'a Ctx,
    next: String,
    username: String,
    error: Option<String>,
    /// Served with `--demo`: name the demo password.
    demo: bool,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

fn login_cookie(secure: bool, value: &str) -> Option<HeaderValue> {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{LOGIN_COOKIE}={value}; HttpOnly; SameSite=Strict; Path=/login; Max-Age=3600{secure}"
    ))
    .ok()
}

/// The sign-in form. A signed-in visitor goes straight on; a session cookie that no longer
/// opens a session is cleared.
pub async fn login_page<S: Backend>(
    State(state): State<AppState<S>>,
    Visitor(mut ctx): Visitor,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Response {
    let next = safe_next(q.next.as_deref());
    let mut dead_cookie = false;
    if let Some(t) = cookie_token(&headers) {
        match accounts::actor_for_token(&state.store, state.clock.as_ref(), &t).await {
            Ok(_) => return redirect(&next),
            Err(AppError::Unauthenticated(_)) => dead_cookie = true,
            Err(e) => return PageError::from(e).render(&ctx),
        }
    }
    let mut r = render_login(
        &state,
        &mut ctx,
        &headers,
        next,
        String::new(),
        None,
        StatusCode::OK,
    );
    if dead_cookie {
        clear_session_cookie(&state, &mut r);
    }
    r
}

/// Appends the `Set-Cookie` that removes the session cookie.
fn clear_session_cookie<S>(state: &AppState<S>, r: &mut Response) {
    if let Ok(v) = session_cookie(state.secure_cookies, "", 0) {
        r.headers_mut().append(SET_COOKIE, v);
    }
}

fn render_login<S>(
    state: &AppState<S>,
    ctx: &mut Ctx,
    headers: &HeaderMap,
    next: String,
    username: String,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let (token, set) = match cookie(headers, LOGIN_COOKIE) {
        Some(t) if t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit()) => (t, None),
        _ => {
            let t = csrf::fresh_token();
            let set = login_cookie(state.secure_cookies, &t);
            (t, set)
        }
    };
    ctx.csrf = token;
    let body = LoginPage {
        c: ctx,
        next,
        username,
        error,
        demo: state.demo,
    };
    let mut r = match page(&body) {
        Ok(r) => r,
        Err(e) => return e.render(ctx),
    };
    *r.status_mut() = status;
    if let Some(set) = set {
        r.headers_mut().append(SET_COOKIE, set);
    }
    r
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

/// Signs in from the form; on success the session cookie is set (replacing any dead one) and
/// the browser goes on to `next`. Wrong credentials show the form again with the message; too
/// many failures are refused for a while (the same limit as the API's, [`sign_in`]).
pub async fn login<S: Backend>(
    State(state): State<AppState<S>>,
    Visitor(mut ctx): Visitor,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    let again = |ctx: &mut Ctx, msg: String, status| {
        render_login(
            &state,
            ctx,
            &headers,
            next.clone(),
            form.username.clone(),
            Some(msg),
            status,
        )
    };
    match sign_in(&state, &form.username, &form.password, ip).await {
        Ok((token, _actor)) => {
            let mut r = redirect(&next);
            match session_cookie(state.secure_cookies, &token, SESSION_ABSOLUTE.num_seconds()) {
                Ok(v) => {
                    r.headers_mut().append(SET_COOKIE, v);
                }
                Err(e) => return PageError::from(e).render(&ctx),
            }
            r
        }
        Err(ApiError::TooManyAttempts) => {
            let msg = ctx
                .t(
                    "登录失败次数过多，请5分钟后再试。",
                    "Too many failed sign-ins: try again in 5 minutes.",
                )
                .to_string();
            again(&mut ctx, msg, StatusCode::TOO_MANY_REQUESTS)
        }
        Err(ApiError::App(AppError::Unauthenticated(_))) => {
            let msg = ctx
                .t("用户名或密码错误。", "Wrong username or password.")
                .to_string();
            again(&mut ctx, msg, StatusCode::UNAUTHORIZED)
        }
        Err(e) => PageError::from(e).render(&ctx),
    }
}

/// Signs out and shows the sign-in form.
pub async fn logout<S: Backend>(
    State(state): State<AppState<S>>,
    Visitor(ctx): Visitor,
    headers: HeaderMap,
) -> Response {
    if let Some(t) = session_token(&headers) {
        if let Err(e) = accounts::logout(&state.store, state.clock.as_ref(), &t).await {
            return PageError::from(e).render(&ctx);
        }
    }
    let mut r = redirect("/login");
    if let Ok(v) = session_cookie(state.secure_cookies, "", 0) {
        r.headers_mut().append(SET_COOKIE, v);
    }
    r
}

#[derive(Deserialize)]
pub struct LangQuery {
    to: String,
    next: Option<String>,
}

/// Switches the language (a cookie for a year) and goes back.
pub async fn switch_lang(Query(q): Query<LangQuery>) -> Response {
    let lang = Lang::parse(&q.to).unwrap_or_default();
    let mut r = redirect(&safe_next(q.next.as_deref()));
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{LANG_COOKIE}={}; SameSite=Lax; Path=/; Max-Age=31536000",
        lang.code()
    )) {
        r.headers_mut().append(SET_COOKIE, v);
    }
    r.into_response()
}
