//! Sessions read recently, kept in memory so that a busy client does not cost two queries per
//! request (issue 5). Every write to sessions or to an account's `active` flag goes through
//! [`crate::AccountStore`] on the same store value (or a clone of it, which shares this cache),
//! and each of those writes updates or drops the entries it concerns before it returns: a
//! signed-out session or a switched-off account stops working at once in this process.
//!
//! An entry is trusted for [`FRESH_FOR`] after it was read, then read again: that bounds how long
//! a change made outside this process (another server on the same PostgreSQL, or hand-written
//! SQL) goes unseen. The session's absolute limit is checked on every use, cached or not.

use crate::accounts::{Session, User, UserId};
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::HashMap;
use std::sync::Mutex;

/// How long a session read from the database is trusted without reading it again.
pub const FRESH_FOR: TimeDelta = TimeDelta::seconds(5);

/// Past this many entries, stale ones are dropped (and all of them when none is stale).
const MAX_ENTRIES: usize = 10_000;

#[derive(Debug)]
struct Entry {
    user: User,
    session: Session,
    read_at: DateTime<Utc>,
}

#[derive(Debug, Default)]
struct Inner {
    entries: HashMap<String, Entry>,
    /// Bumped by every invalidation, so that a read which started before a sign-out or a
    /// switch-off cannot put its (now wrong) answer back after the invalidation.
    generation: u64,
}

#[derive(Debug, Default)]
pub(crate) struct SessionCache {
    inner: Mutex<Inner>,
}

impl SessionCache {
    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        match self.inner.lock() {
            Ok(mut inner) => f(&mut inner),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }

    /// Call before reading a session from the database; pass the answer to [`Self::put`].
    pub(crate) fn generation(&self) -> u64 {
        self.with(|i| i.generation)
    }

    /// The session and its account if read less than [`FRESH_FOR`] ago and not past its
    /// absolute limit at `now`.
    pub(crate) fn get(&self, token_hash: &str, now: DateTime<Utc>) -> Option<(User, Session)> {
        self.with(|i| {
            let e = i.entries.get(token_hash)?;
            let fresh = now >= e.read_at && now - e.read_at < FRESH_FOR;
            (fresh && e.session.expires_at > now).then(|| (e.user.clone(), e.session.clone()))
        })
    }

    /// Keeps what was read at `now`, unless something was invalidated since `generation`.
    pub(crate) fn put(&self, generation: u64, user: &User, session: &Session, now: DateTime<Utc>) {
        self.with(|i| {
            if i.generation != generation {
                return;
            }
            if i.entries.len() >= MAX_ENTRIES {
                i.entries
                    .retain(|_, e| now >= e.read_at && now - e.read_at < FRESH_FOR);
                if i.entries.len() >= MAX_ENTRIES {
                    i.entries.clear();
                }
            }
            i.entries.insert(
                session.token_hash.clone(),
                Entry {
                    user: user.clone(),
                    session: session.clone(),
                    read_at: now,
                },
            );
        })
    }

    /// The session was used at `now` (written to the database already).
    pub(crate) fn touched(&self, token_hash: &str, now: DateTime<Utc>) {
        self.with(|i| {
            if let Some(e) = i.entries.get_mut(token_hash) {
                e.session.last_seen_at = now;
            }
        })
    }

    pub(crate) fn forget(&self, token_hash: &str) {
        self.with(|i| {
            i.generation += 1;
            i.entries.remove(token_hash);
        })
    }

    pub(crate) fn forget_user(&self, user: UserId) {
        self.with(|i| {
            i.generation += 1;
            i.entries.retain(|_, e| e.user.id != user);
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use huzhu_domain::access::Role;
    use huzhu_domain::org::{OrgCode, OrgLevel};

    fn at(second: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap() + TimeDelta::seconds(second)
    }

    fn pair(hash: &str, user: i64) -> (User, Session) {
        let user = User {
            id: UserId(user),
            tenant_id: 1,
            username: format!("u{user}"),
            display_name: format!("u{user}"),
            password_hash: String::new(),
            role: Role::FederationStaff,
            org: OrgCode::parse("LA").unwrap(),
            org_level: OrgLevel::District,
            member_id: None,
            active: true,
            created_at: at(0),
        };
        let session = Session {
            token_hash: hash.into(),
            user_id: user.id,
            created_at: at(0),
            expires_at: at(3600),
            last_seen_at: at(0),
        };
        (user, session)
    }

    #[test]
    fn a_read_that_began_before_a_sign_out_is_not_kept() {
        let cache = SessionCache::default();
        let (u, s) = pair("h", 1);
        let generation = cache.generation();
        cache.forget("h");
        cache.put(generation, &u, &s, at(1));
        assert!(cache.get("h", at(1)).is_none());
        let generation = cache.generation();
        cache.forget_user(UserId(1));
        cache.put(generation, &u, &s, at(1));
        assert!(cache.get("h", at(1)).is_none());
    }

    #[test]
    fn an_entry_is_trusted_for_a_few_seconds_and_never_past_its_limit() {
        let cache = SessionCache::default();
        let (u, mut s) = pair("h", 1);
        cache.put(cache.generation(), &u, &s, at(10));
        assert!(cache.get("h", at(10)).is_some());
        assert!(cache.get("h", at(14)).is_some());
        assert!(cache.get("h", at(15)).is_none(), "stale after FRESH_FOR");
        assert!(cache.get("h", at(9)).is_none(), "a clock set back re-reads");
        s.expires_at = at(12);
        cache.put(cache.generation(), &u, &s, at(10));
        assert!(cache.get("h", at(12)).is_none(), "past the absolute limit");
    }

    #[test]
    fn forgetting_an_account_keeps_the_sessions_of_others() {
        let cache = SessionCache::default();
        let (u1, s1) = pair("a", 1);
        let (u2, s2) = pair("b", 2);
        cache.put(cache.generation(), &u1, &s1, at(1));
        cache.put(cache.generation(), &u2, &s2, at(1));
        cache.forget_user(UserId(1));
        assert!(cache.get("a", at(1)).is_none());
        assert!(cache.get("b", at(1)).is_some());
    }
}
