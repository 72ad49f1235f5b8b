//! Who is calling: the [`Authenticated`] extractor (a session token from `Authorization: Bearer`
//! or the `huzhu_session` cookie) and the sign-in rate limit.

use crate::{ApiError, AppState};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use chrono::{DateTime, TimeDelta, Utc};
use huzhu_app::{accounts, AppError, AuthFailure};
use huzhu_domain::access::Actor;
use huzhu_store::{AccountStore, Store};
use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;

/// The cookie that carries the session token in a browser.
pub const SESSION_COOKIE: &str = "huzhu_session";

/// The signed-in actor of a request; without a live session the request is refused with 401
/// (`HZ-AUTH-0001`).
#[derive(Debug, Clone)]
pub struct Authenticated(pub Actor);

impl<S: Store + AccountStore> FromRequestParts<AppState<S>> for Authenticated {
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
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty());
    if let Some(t) = bearer {
        return Some(t.to_string());
    }
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == SESSION_COOKIE && !value.is_empty())
        .map(|(_, value)| value.to_string())
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

/// At most this many failed sign-ins per username, and per client address, within
/// [`LOGIN_WINDOW`]; the next attempt is refused with 429 (`HZ-AUTH-0003`) until the oldest
/// failure leaves the window. Kept in memory: one server process.
pub const MAX_LOGIN_FAILURES: usize = 5;
pub const LOGIN_WINDOW: TimeDelta = TimeDelta::minutes(5);
/// Past this many tracked keys, keys with no failure left in the window are dropped.
const MAX_TRACKED_KEYS: usize = 10_000;

#[derive(Debug, Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, VecDeque<DateTime<Utc>>>>,
}

impl LoginLimiter {
    fn keys(username: &str, ip: Option<IpAddr>) -> [String; 2] {
        let ip = ip
            .map(|a| a.to_string())
            .unwrap_or_else(|| "unknown".into());
        [
            format!("user:{}", username.trim().to_ascii_lowercase()),
            format!("ip:{ip}"),
        ]
    }

    fn with<T>(&self, f: impl FnOnce(&mut HashMap<String, VecDeque<DateTime<Utc>>>) -> T) -> T {
        match self.failures.lock() {
            Ok(mut map) => f(&mut map),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }

    /// Whether another attempt is allowed now.
    pub fn allows(&self, username: &str, ip: Option<IpAddr>, now: DateTime<Utc>) -> bool {
        let keys = Self::keys(username, ip);
        self.with(|map| {
            keys.iter().all(|k| match map.get_mut(k) {
                None => true,
                Some(times) => {
                    times.retain(|t| now - *t < LOGIN_WINDOW);
                    times.len() < MAX_LOGIN_FAILURES
                }
            })
        })
    }

    pub fn failed(&self, username: &str, ip: Option<IpAddr>, now: DateTime<Utc>) {
        let keys = Self::keys(username, ip);
        self.with(|map| {
            if map.len() > MAX_TRACKED_KEYS {
                map.retain(|_, times| times.back().is_some_and(|t| now - *t < LOGIN_WINDOW));
            }
            for k in keys {
                map.entry(k).or_default().push_back(now);
            }
        })
    }

    /// A successful sign-in clears the username's failures (not the address's).
    pub fn succeeded(&self, username: &str) {
        let [user, _] = Self::keys(username, None);
        self.with(|map| map.remove(&user));
    }
}
