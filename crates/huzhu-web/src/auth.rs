//! Who is calling: the [`Authenticated`] extractor (a session token from `Authorization: Bearer`
//! or the `huzhu_session` cookie), sign-in through its rate limit ([`sign_in`]), and the CSRF
//! rule for cookie-authenticated API writes ([`api_write_guard`]).

use crate::console::csrf::{self, token_for_session};
use crate::{ApiError, AppState};
use axum::extract::{ConnectInfo, FromRequestParts, Request};
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, TimeDelta, Utc};
use huzhu_app::Backend;
use huzhu_app::{accounts, AppError, AuthFailure};
use huzhu_domain::access::Actor;
use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::Duration;

/// The cookie that carries the session token in a browser.
pub const SESSION_COOKIE: &str = "huzhu_session";

/// The signed-in actor of a request; without a live session the request is refused with 401
/// (`HZ-AUTH-0001`).
#[derive(Debug, Clone)]
pub struct Authenticated(pub Actor);

impl<S: Backend> FromRequestParts<AppState<S>> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState<S>,
    ) -> Result<Self, Self::Rejection> {
        let token = session_token(&parts.headers)
            .ok_or(AppError::Unauthenticated(AuthFailure::NoSession))?;
        let actor = accounts::actor_for_token(&state.store, state.clock.as_ref(), &token).await?;
        Ok(Authenticated(actor))
    }
}

/// The session token of a request: the bearer token if there is one, else the cookie.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    bearer_token(headers).or_else(|| cookie_token(headers))
}

/// The token of `Authorization: Bearer`, if any.
pub fn bearer_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// The token of the `huzhu_session` cookie, if any.
pub fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == SESSION_COOKIE && !value.is_empty())
        .map(|(_, value)| value.to_string())
}

/// Writes to the JSON API (`POST`, `PUT`, `PATCH`, `DELETE` under `/api/`) authenticated by the
/// `huzhu_session` cookie alone must show that they come from huzhu's own pages: the session's
/// CSRF token in `X-CSRF-Token` (the token the console's pages carry, [`token_for_session`]) or
/// an `Origin` naming this very site. Otherwise a page on another site could make a signed-in
/// browser write. A bearer token cannot be sent by another site, so bearer writes need neither;
/// signing in (`POST /api/v1/session`) needs no session and is not checked. Refused: 403
/// `HZ-AUTH-0004`.
pub async fn api_write_guard(req: Request, next: Next) -> Response {
    let headers = req.headers();
    let reads = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let signs_in = req.method() == Method::POST && req.uri().path() == "/api/v1/session";
    if reads || signs_in || bearer_token(headers).is_some() {
        return next.run(req).await;
    }
    // No session at all: the handler answers 401.
    let Some(cookie) = cookie_token(headers) else {
        return next.run(req).await;
    };
    let token_ok = headers
        .get(csrf::HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| csrf::same(t, &token_for_session(&cookie)));
    if token_ok || csrf::origin_is_same_site(headers) == Some(true) {
        return next.run(req).await;
    }
    ApiError::CrossSiteWrite.into_response()
}

/// The client's address as the listener saw it (no proxy headers are trusted), when known.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

/// Sign-in attempts are limited per account and slowed per address (issue 13: an office behind
/// one NAT address must not be locked out by one person's typos):
///
/// - **Per account** (the username as typed, normalised, whether or not it exists): at most
///   [`ACCOUNT_MAX_FAILURES`] failed sign-ins within [`LOGIN_WINDOW`]; further attempts, even
///   with the right password, are refused with 429 (`HZ-AUTH-0003`) until the oldest failure
///   leaves the window.
/// - **Per client address**: past [`ADDRESS_FREE_FAILURES`] failures within the window each
///   further attempt waits a little longer ([`ADDRESS_STEP`] more per failure, at most
///   [`ADDRESS_MAX_DELAY`]); only [`ADDRESS_MAX_FAILURES`] failures lock the address.
///
/// An attempt is counted *before* its password is verified ([`LoginLimiter::begin`], under one
/// lock), so a burst of concurrent guesses cannot slip past the limit while the first ones are
/// still being checked; a success takes its count back and clears the account's failures.
/// Kept in memory: one server process.
pub const ACCOUNT_MAX_FAILURES: usize = 5;
pub const LOGIN_WINDOW: TimeDelta = TimeDelta::minutes(5);
pub const ADDRESS_FREE_FAILURES: usize = 5;
pub const ADDRESS_STEP: Duration = Duration::from_millis(500);
pub const ADDRESS_MAX_DELAY: Duration = Duration::from_secs(4);
pub const ADDRESS_MAX_FAILURES: usize = 100;
/// Past this many tracked keys, keys with no failure left in the window are dropped.
const MAX_TRACKED_KEYS: usize = 10_000;

type Failures = HashMap<String, VecDeque<DateTime<Utc>>>;

#[derive(Debug, Default)]
pub struct LoginLimiter {
    failures: Mutex<Failures>,
}

/// An attempt counted by [`LoginLimiter::begin`]: wait `delay`, verify, then report how it went
/// with [`LoginLimiter::finish`].
#[derive(Debug)]
#[must_use]
pub struct Attempt {
    account: String,
    address: String,
    at: DateTime<Utc>,
    pub delay: Duration,
}

/// How a counted attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    SignedIn,
    /// Wrong credentials: the attempt stays counted.
    Refused,
    /// The server failed before it could tell: the attempt is taken back.
    NotJudged,
}

impl LoginLimiter {
    fn keys(username: &str, ip: Option<IpAddr>) -> (String, String) {
        let ip = ip
            .map(|a| a.to_string())
            .unwrap_or_else(|| "unknown".into());
        let name: String = username
            .trim()
            .to_ascii_lowercase()
            .chars()
            .take(64)
            .collect();
        (format!("user:{name}"), format!("ip:{ip}"))
    }

    fn with<T>(&self, f: impl FnOnce(&mut Failures) -> T) -> T {
        match self.failures.lock() {
            Ok(mut map) => f(&mut map),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }

    /// Counts an attempt now, before its password is checked; `None` when the account (or the
    /// address) is locked, and then nothing is counted.
    pub fn begin(&self, username: &str, ip: Option<IpAddr>, now: DateTime<Utc>) -> Option<Attempt> {
        let (account, address) = Self::keys(username, ip);
        self.with(|map| {
            if map.len() > MAX_TRACKED_KEYS {
                map.retain(|_, times| times.back().is_some_and(|t| now - *t < LOGIN_WINDOW));
            }
            let mut recent = |key: &str| match map.get_mut(key) {
                None => 0,
                Some(times) => {
                    times.retain(|t| now - *t < LOGIN_WINDOW);
                    times.len()
                }
            };
            let by_account = recent(&account);
            let by_address = recent(&address);
            if by_account >= ACCOUNT_MAX_FAILURES || by_address >= ADDRESS_MAX_FAILURES {
                return None;
            }
            map.entry(account.clone()).or_default().push_back(now);
            map.entry(address.clone()).or_default().push_back(now);
            Some(Attempt {
                account,
                address,
                at: now,
                delay: address_delay(by_address),
            })
        })
    }

    /// Settles a counted attempt: a sign-in takes its count back and clears the account's
    /// failures (not the address's); a refusal stays counted; an attempt the server could not
    /// judge is taken back.
    pub fn finish(&self, attempt: Attempt, outcome: Outcome) {
        let Attempt {
            account,
            address,
            at,
            ..
        } = attempt;
        self.with(|map| {
            let mut take_back = |key: &str| {
                if let Some(times) = map.get_mut(key) {
                    if let Some(i) = times.iter().rposition(|t| *t == at) {
                        times.remove(i);
                    }
                }
            };
            match outcome {
                Outcome::Refused => {}
                Outcome::SignedIn => {
                    take_back(&address);
                    map.remove(&account);
                }
                Outcome::NotJudged => {
                    take_back(&address);
                    take_back(&account);
                }
            }
        })
    }
}

/// How long an attempt from an address waits, given the address's failures in the window.
fn address_delay(failures: usize) -> Duration {
    match failures.checked_sub(ADDRESS_FREE_FAILURES) {
        None => Duration::ZERO,
        Some(over) => {
            let steps = u32::try_from(over.saturating_add(1)).unwrap_or(u32::MAX);
            ADDRESS_STEP.saturating_mul(steps).min(ADDRESS_MAX_DELAY)
        }
    }
}

/// Signs in through the limiter (the API and the console's form both come here): the attempt is
/// counted before the password is verified, and an address past its free failures waits first.
pub async fn sign_in<S: Backend>(
    state: &AppState<S>,
    username: &str,
    password: &str,
    ip: Option<IpAddr>,
) -> Result<(String, Actor), ApiError> {
    let Some(attempt) = state.login_limiter.begin(username, ip, state.clock.now()) else {
        return Err(ApiError::TooManyAttempts);
    };
    if !attempt.delay.is_zero() {
        tokio::time::sleep(attempt.delay).await;
    }
    let result = accounts::login(&state.store, state.clock.as_ref(), username, password).await;
    let outcome = match &result {
        Ok(_) => Outcome::SignedIn,
        Err(AppError::Unauthenticated(_)) => Outcome::Refused,
        Err(_) => Outcome::NotJudged,
    };
    state.login_limiter.finish(attempt, outcome);
    Ok(result?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(second: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 4, 8, 0, 0).unwrap() + TimeDelta::seconds(second)
    }

    fn office() -> Option<IpAddr> {
        Some(IpAddr::from([203, 0, 113, 7]))
    }

    #[test]
    fn an_attempt_is_counted_before_it_is_judged_so_a_burst_gets_only_the_limit() {
        let limiter = LoginLimiter::default();
        let started: Vec<Attempt> = (0..60)
            .filter_map(|_| limiter.begin("Finance", office(), at(0)))
            .collect();
        assert_eq!(started.len(), ACCOUNT_MAX_FAILURES);
        for a in started {
            limiter.finish(a, Outcome::Refused);
        }
        assert!(
            limiter.begin("finance", None, at(1)).is_none(),
            "locked by account"
        );
        assert!(
            limiter.begin("finance", office(), at(300)).is_some(),
            "for 5 minutes"
        );
    }

    #[test]
    fn an_office_behind_one_address_is_slowed_down_not_locked_out() {
        let limiter = LoginLimiter::default();
        for i in 0..20 {
            let a = limiter
                .begin(&format!("clerk{i}"), office(), at(i))
                .unwrap();
            limiter.finish(a, Outcome::Refused);
        }
        let next = limiter.begin("clerk99", office(), at(30)).unwrap();
        assert_eq!(next.delay, ADDRESS_MAX_DELAY, "slowed down");
        limiter.finish(next, Outcome::SignedIn);
        let elsewhere = limiter.begin("clerk98", None, at(30)).unwrap();
        assert_eq!(
            elsewhere.delay,
            Duration::ZERO,
            "another address is not slowed"
        );
        assert_eq!(address_delay(ADDRESS_FREE_FAILURES - 1), Duration::ZERO);
        assert_eq!(address_delay(ADDRESS_FREE_FAILURES), ADDRESS_STEP);
        assert_eq!(address_delay(ADDRESS_FREE_FAILURES + 1), ADDRESS_STEP * 2);
    }

    #[test]
    fn an_address_is_locked_only_far_past_an_accounts_limit() {
        let limiter = LoginLimiter::default();
        for i in 0..ADDRESS_MAX_FAILURES {
            let a = limiter.begin(&format!("u{i}"), office(), at(0)).unwrap();
            limiter.finish(a, Outcome::Refused);
        }
        assert!(limiter.begin("someone", office(), at(1)).is_none());
    }

    #[test]
    fn a_sign_in_clears_the_account_and_an_unjudged_attempt_is_taken_back() {
        let limiter = LoginLimiter::default();
        for _ in 0..4 {
            let a = limiter.begin("auditor", office(), at(0)).unwrap();
            limiter.finish(a, Outcome::Refused);
        }
        let broken = limiter.begin("auditor", office(), at(1)).unwrap();
        limiter.finish(broken, Outcome::NotJudged);
        let ok = limiter.begin("auditor", office(), at(2)).unwrap();
        limiter.finish(ok, Outcome::SignedIn);
        for _ in 0..ACCOUNT_MAX_FAILURES {
            let a = limiter.begin("auditor", office(), at(3)).unwrap();
            limiter.finish(a, Outcome::Refused);
        }
        assert!(limiter.begin("auditor", office(), at(3)).is_none());
    }
}
