//! Failures counted per key in fixed one-minute windows, in memory on each node.
//!
//! Unlike a rate limiter, looking does not count: a request is first asked whether its key is
//! blocked, and only a failure is recorded. Used for wrong client secrets per (address, client),
//! so that someone else's failures can never refuse the right secret from another address.
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);

/// Keys kept at most; past it, the oldest windows are dropped first (they block least long).
const MAX_KEYS: usize = 100_000;

pub struct FailureWindow<K> {
    /// Failures allowed per key and window; 0 turns counting off.
    limit: u32,
    windows: Mutex<HashMap<K, (Instant, u32)>>,
}

impl<K: Hash + Eq + Clone> FailureWindow<K> {
    pub fn new(limit: u32) -> Self {
        Self {
            limit,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(seconds to wait)` while `key` has used up its failures of the current window.
    pub fn blocked(&self, key: &K, now: Instant) -> Result<(), u64> {
        if self.limit == 0 {
            return Ok(());
        }
        let windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        match windows.get(key) {
            Some(&(start, n)) if n >= self.limit && now < start + WINDOW => {
                let left = start + WINDOW - now;
                // Whole seconds, rounded up, at least 1 (RFC 9110 §10.2.3 delay-seconds).
                Err((left.as_secs() + u64::from(left.subsec_nanos() > 0)).max(1))
            }
            _ => Ok(()),
        }
    }

    /// Counts one failure of `key`.
    pub fn record(&self, key: K, now: Instant) {
        if self.limit == 0 {
            return;
        }
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() >= MAX_KEYS && !windows.contains_key(&key) {
            windows.retain(|_, (start, _)| now < *start + WINDOW);
            if windows.len() >= MAX_KEYS {
                return;
            }
        }
        let entry = windows.entry(key).or_insert((now, 0));
        if now >= entry.0 + WINDOW {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
    }

    /// Drops windows that have ended (called by the janitor).
    pub fn forget_idle(&self, now: Instant) {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        windows.retain(|_, (start, _)| now < *start + WINDOW);
        windows.shrink_to_fit();
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.windows.lock().unwrap().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_recorded_failures_count_and_each_key_has_its_own() {
        let w = FailureWindow::new(2);
        let t = Instant::now();
        for _ in 0..10 {
            assert!(w.blocked(&"a", t).is_ok(), "looking does not count");
        }
        w.record("a", t);
        assert!(w.blocked(&"a", t).is_ok());
        w.record("a", t);
        let wait = w.blocked(&"a", t + Duration::from_secs(15)).unwrap_err();
        assert_eq!(wait, 45);
        assert!(w.blocked(&"b", t).is_ok());
    }

    #[test]
    fn a_new_window_starts_over() {
        let w = FailureWindow::new(1);
        let t = Instant::now();
        w.record("a", t);
        assert!(w.blocked(&"a", t).is_err());
        let later = t + WINDOW;
        assert!(w.blocked(&"a", later).is_ok());
        w.record("a", later);
        assert!(w.blocked(&"a", later).is_err());
        w.forget_idle(later + WINDOW);
        assert_eq!(w.len(), 0);
    }

    #[test]
    fn zero_turns_counting_off() {
        let w = FailureWindow::new(0);
        let t = Instant::now();
        for _ in 0..100 {
            w.record("a", t);
        }
        assert!(w.blocked(&"a", t).is_ok());
        assert_eq!(w.len(), 0);
    }
}
