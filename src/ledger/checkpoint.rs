//! Background WAL checkpoints: copying the log into the database file (and that file's fsync)
//! happens beside the writer instead of inside a commit, so a checkpoint does not stall the
//! requests queued behind it. The writer's own autocheckpoint (every 10,000 pages) stays as a
//! safety net for when this thread falls behind.
//!
//! A PASSIVE checkpoint never shrinks the log file, so under load it grows to tens of megabytes
//! and stays there. Once the log has not grown for [`IDLE_AFTER`], this thread truncates it
//! to zero (a TRUNCATE checkpoint, waiting at most [`IDLE_WAIT`] for readers so it never
//! holds up a request for long); a clean shutdown does the same through [`Checkpointer::truncate`].

use std::sync::atomic::AtomicBool;
use std::sync::mpsc::{RecvTimeoutError, SyncSender, sync_channel};
use std::time::{Duration, Instant};

use super::LedgerError;
use crate::store::sqlite::ledger::LedgerCheckpoints;

/// Commits between nudges to the checkpointer.
pub(crate) const EVERY_COMMITS: u32 = 16;
/// How long the writer must have committed nothing before the log is truncated.
pub const IDLE_AFTER: Duration = Duration::from_secs(2);
/// How long an idle-time truncation waits for readers before trying again later.
const IDLE_WAIT: Duration = Duration::from_millis(100);
/// How often the thread looks whether the writer went idle.
const POLL: Duration = Duration::from_millis(500);

/// What the writer shares with everyone: whether the last commit failed because the disk is full.
#[derive(Default)]
pub(crate) struct Health {
    pub(crate) storage_full: AtomicBool,
}

enum Ask {
    Passive,
    Truncate { wait: Duration, done: SyncSender<Result<bool, LedgerError>> },
}

#[derive(Clone)]
pub(crate) struct Checkpointer {
    asks: SyncSender<Ask>,
}

impl Checkpointer {
    /// Starts the thread; it stops when every handle (the writer's, the ledger's) is gone.
    pub(crate) fn start(conn: LedgerCheckpoints) -> Result<Checkpointer, LedgerError> {
        let (asks, rx) = sync_channel::<Ask>(1);
        std::thread::Builder::new().name("ledger-checkpoint".into()).spawn(move || {
            // Frames in the log at the last look, and since when that number has not changed.
            // (Commits are no measure of activity: background sweeps commit empty groups.)
            let mut frames = 0i64;
            let mut since = Instant::now();
            loop {
                match rx.recv_timeout(POLL) {
                    Ok(Ask::Passive) => {
                        if let Err(e) = conn.checkpoint() {
                            tracing::warn!("ledger checkpoint failed: {e}");
                        }
                        continue;
                    }
                    Ok(Ask::Truncate { wait, done }) => {
                        let _ = done.send(conn.truncate(wait).map_err(LedgerError::from));
                        continue;
                    }
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => return,
                }
                let now = match conn.log_frames() {
                    Ok(n) => n,
                    Err(e) => {
                        tracing::warn!("reading the ledger's log failed: {e}");
                        continue;
                    }
                };
                if now != frames {
                    frames = now;
                    since = Instant::now();
                } else if frames > 0 && since.elapsed() >= IDLE_AFTER {
                    match conn.truncate(IDLE_WAIT) {
                        Ok(true) => frames = 0,
                        Ok(false) => {}
                        Err(e) => tracing::warn!("truncating the ledger's log failed: {e}"),
                    }
                }
            }
        })?;
        Ok(Checkpointer { asks })
    }

    /// Asks for a checkpoint (dropped if one is already asked for).
    pub(crate) fn nudge(&self) {
        let _ = self.asks.try_send(Ask::Passive);
    }

    /// Checkpoints the whole log and truncates it, waiting at most `wait` for readers; `Ok(false)`
    /// when they stayed busy.
    pub(crate) fn truncate(&self, wait: Duration) -> Result<bool, LedgerError> {
        let (done, result) = sync_channel(1);
        self.asks.send(Ask::Truncate { wait, done }).map_err(|_| LedgerError::WriterGone)?;
        result.recv().map_err(|_| LedgerError::WriterGone)?
    }
}
