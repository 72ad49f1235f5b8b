//! Limits on what the public may send without signing in (issue 17: objections from the
//! recognition 公示 page). Kept in memory, like the sign-in limiter: one server process.

use chrono::{DateTime, TimeDelta, Utc};
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;

/// At most this many objections from one address within [`PUBLIC_WINDOW`].
pub const PER_ADDRESS: usize = 5;
/// At most this many from everyone together within [`PUBLIC_WINDOW`]: a flood from many
/// addresses cannot bury the staff's queue.
pub const ALL_ADDRESSES: usize = 200;
pub const PUBLIC_WINDOW: TimeDelta = TimeDelta::hours(1);
/// Past this many tracked addresses, those with nothing left in the window are dropped.
const MAX_TRACKED: usize = 10_000;

#[derive(Debug, Default)]
pub struct PublicLimiter {
    sent: Mutex<HashMap<String, VecDeque<DateTime<Utc>>>>,
}

impl PublicLimiter {
    /// Counts one submission from `ip` now, or answers `false` (and counts nothing) when the
    /// address or everyone together has sent the most the window allows.
    pub fn allow(&self, ip: Option<IpAddr>, now: DateTime<Utc>) -> bool {
        let address = format!(
            "ip:{}",
            ip.map(|a| a.to_string())
                .unwrap_or_else(|| "unknown".into())
        );
        let mut map = match self.sent.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        if map.len() > MAX_TRACKED {
            map.retain(|_, t| t.back().is_some_and(|t| now - *t < PUBLIC_WINDOW));
        }
        let mut recent = |key: &str| match map.get_mut(key) {
            None => 0,
            Some(times) => {
                times.retain(|t| now - *t < PUBLIC_WINDOW);
                times.len()
            }
        };
        if recent(&address) >= PER_ADDRESS || recent("all") >= ALL_ADDRESSES {
            return false;
        }
        map.entry(address).or_default().push_back(now);
        map.entry("all".into()).or_default().push_back(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[test]
    fn an_address_sends_five_an_hour_and_everyone_two_hundred() {
        let l = PublicLimiter::default();
        let t0 = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let a = Some(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)));
        for _ in 0..PER_ADDRESS {
            assert!(l.allow(a, t0));
        }
        assert!(!l.allow(a, t0));
        assert!(!l.allow(a, t0 + TimeDelta::minutes(59)));
        assert!(l.allow(a, t0 + TimeDelta::minutes(61)));
        let l = PublicLimiter::default();
        for i in 0..ALL_ADDRESSES {
            let ip = IpAddr::V4(Ipv4Addr::from(u32::try_from(i).unwrap_or_default() + 1));
            assert!(l.allow(Some(ip), t0));
        }
        assert!(!l.allow(Some(IpAddr::V4(Ipv4Addr::new(192, 168, 0, 1))), t0));
    }
}
