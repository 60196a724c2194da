//! The lock of the personal areas: closed after some time without input, reopened with
//! the signed-in operator's PIN.
//!
//! The desktop shell keeps one [`IdleLock`] per session and asks it before every
//! command that returns personal data (case files, names in appointments and the
//! agenda); the window reports the operator's input ([`IdleLock::touch`]). The moment
//! is passed in as an [`Instant`], so tests move time without sleeping.

use std::time::{Duration, Instant};

/// The minutes without input before the personal areas lock, unless set.
pub const DEFAULT_MINUTES: u32 = 5;
/// The longest setting: a lock that never comes is no lock.
pub const MAX_MINUTES: u32 = 60;
/// The setting that holds the minutes.
pub const SETTING: &str = "lock_minutes";

/// Locks after `after` without input; starts open.
#[derive(Debug, Clone)]
pub struct IdleLock {
    after: Duration,
    last_input: Instant,
    locked: bool,
}

impl IdleLock {
    pub fn new(after: Duration, now: Instant) -> IdleLock {
        IdleLock {
            after,
            last_input: now,
            locked: false,
        }
    }

    /// The time without input after which it locks.
    pub fn after(&self) -> Duration {
        self.after
    }

    /// Input at `now`: the idle time starts again (no effect once locked: only the
    /// PIN reopens).
    pub fn touch(&mut self, now: Instant) {
        if !self.is_locked(now) {
            self.last_input = now;
        }
    }

    /// Whether the personal areas are locked at `now` (it locks itself when the idle
    /// time is over, and stays locked).
    pub fn is_locked(&mut self, now: Instant) -> bool {
        if !self.locked && now.saturating_duration_since(self.last_input) >= self.after {
            self.locked = true;
        }
        self.locked
    }

    /// Locks at once ("Blocca ora").
    pub fn lock(&mut self) {
        self.locked = true;
    }

    /// Reopens (the PIN was checked by the caller) and starts the idle time again.
    pub fn unlock(&mut self, now: Instant) {
        self.locked = false;
        self.last_input = now;
    }
}

/// The lock's idle time: `minutes` as set (1 to [`MAX_MINUTES`], else the default).
pub fn minutes_or_default(minutes: Option<u32>) -> u32 {
    match minutes {
        Some(m) if (1..=MAX_MINUTES).contains(&m) => m,
        _ => DEFAULT_MINUTES,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_locks_after_the_idle_time_and_only_the_unlock_reopens() {
        let t0 = Instant::now();
        let s = Duration::from_secs;
        let mut lock = IdleLock::new(s(300), t0);
        assert!(!lock.is_locked(t0 + s(299)));
        lock.touch(t0 + s(200));
        assert!(!lock.is_locked(t0 + s(499)), "input restarts the idle time");
        assert!(lock.is_locked(t0 + s(500)));
        lock.touch(t0 + s(501));
        assert!(lock.is_locked(t0 + s(502)), "input does not reopen it");
        lock.unlock(t0 + s(600));
        assert!(!lock.is_locked(t0 + s(899)));
        lock.lock();
        assert!(lock.is_locked(t0 + s(899)));
    }

    #[test]
    fn minutes_outside_the_range_fall_back_to_five() {
        assert_eq!(minutes_or_default(None), 5);
        assert_eq!(minutes_or_default(Some(0)), 5);
        assert_eq!(minutes_or_default(Some(61)), 5);
        assert_eq!(minutes_or_default(Some(15)), 15);
    }
}
