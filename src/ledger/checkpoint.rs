//! Background WAL checkpoints: copying the log into the database file (and that file's fsync)
//! happens beside the writer instead of inside a commit, so a checkpoint does not stall the
//! requests queued behind it. The writer's own autocheckpoint (every 10,000 pages) stays as a
//! safety net for when this thread falls behind.

use std::path::Path;
use std::sync::mpsc::{SyncSender, sync_channel};

use super::LedgerError;
use crate::store::sqlite::ledger::LedgerCheckpoints;

/// Commits between nudges to the checkpointer.
pub(crate) const EVERY_COMMITS: u32 = 16;

pub(crate) struct Checkpointer {
    nudge: SyncSender<()>,
}

impl Checkpointer {
    /// Starts the thread; it stops when the writer (which owns this handle) is gone.
    pub(crate) fn start(path: &Path) -> Result<Checkpointer, LedgerError> {
        let conn = LedgerCheckpoints::open(path)?;
        let (nudge, nudges) = sync_channel::<()>(1);
        std::thread::Builder::new().name("ledger-checkpoint".into()).spawn(move || {
            while nudges.recv().is_ok() {
                if let Err(e) = conn.checkpoint() {
                    tracing::warn!("ledger checkpoint failed: {e}");
                }
            }
        })?;
        Ok(Checkpointer { nudge })
    }

    /// Asks for a checkpoint (dropped if one is already asked for).
    pub(crate) fn nudge(&self) {
        let _ = self.nudge.try_send(());
    }
}
