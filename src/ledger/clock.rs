//! The ledger's clock. Timestamps and hold expiry follow it, so tests inject a manual one.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A source of wall-clock time in nanoseconds since the Unix epoch.
pub trait Clock: Send + Sync + 'static {
    fn now_ns(&self) -> u64;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ns(&self) -> u64 {
        // Before 1970 or past 2554 the clock is broken; 0 still yields increasing timestamps
        // because the writer never hands out a timestamp below the last one.
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
            .unwrap_or(0)
    }
}

/// A clock that only moves when told to (tests: expire holds without sleeping). Clones share time.
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<AtomicU64>,
}

impl ManualClock {
    /// Starts at `start_ns` nanoseconds since the epoch.
    pub fn new(start_ns: u64) -> ManualClock {
        ManualClock { now: Arc::new(AtomicU64::new(start_ns)) }
    }
    pub fn set_ns(&self, ns: u64) {
        self.now.store(ns, Ordering::SeqCst);
    }
    pub fn advance_secs(&self, secs: u64) {
        self.now.fetch_add(secs.saturating_mul(1_000_000_000), Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ns(&self) -> u64 {
        self.now.load(Ordering::SeqCst)
    }
}
