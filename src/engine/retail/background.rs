//! Background work of the retail area, started by the server: the sweeper (expires created orders
//! whose time is up, emitting their events; purges old idempotency keys) and the webhook deliverer.
//! Both only read and write durable tables, so stopping them at any point loses nothing.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;
use std::time::Duration;

use tokio::task::JoinHandle;

use super::{RetailConfig, RetailError, idempotency, orders, webhooks};
use crate::engine::Engine;

/// The file a serving process holds a shared lock on, in its data directory. The ledger's writer
/// keeps accounts cached, so balances written by another process meanwhile would be overwritten:
/// commands that write balances (`till balance add`) take it exclusively and refuse while a server
/// holds it. The OS drops the lock when the process ends, even on SIGKILL.
pub const SERVE_LOCK: &str = "serve.lock";

/// The running tasks; dropping this stops them (and lets go of the serve lock).
#[derive(Debug)]
pub struct Background {
    tasks: Vec<JoinHandle<()>>,
    _serve_lock: Option<File>,
}

fn lock_file(dir: &Path) -> std::io::Result<File> {
    OpenOptions::new().create(true).truncate(false).write(true).open(dir.join(SERVE_LOCK))
}

/// Marks the data directory as served by this process for as long as the file is kept open.
fn hold_serve_lock(dir: &Path) -> Option<File> {
    let file = lock_file(dir).map_err(|e| tracing::warn!("cannot open {SERVE_LOCK}: {e}")).ok()?;
    // A balance command holding it finishes in moments: wait a little for it.
    for _ in 0..50 {
        match file.try_lock_shared() {
            Ok(()) => return Some(file),
            Err(TryLockError::WouldBlock) => std::thread::sleep(Duration::from_millis(100)),
            Err(TryLockError::Error(e)) => {
                tracing::warn!("cannot lock {SERVE_LOCK}: {e}");
                return None;
            }
        }
    }
    tracing::warn!("{SERVE_LOCK} stays locked by another command; serving without it");
    None
}

/// For commands that write balances from outside the server: an exclusive lock on the data
/// directory, kept until the returned file is dropped, or an error saying a server runs on it.
pub fn lock_out_servers(dir: &Path) -> Result<Option<File>, String> {
    let file = match lock_file(dir) {
        Ok(f) => f,
        // No lock file to take (read-only directory): the write itself will say what is wrong.
        Err(_) => return Ok(None),
    };
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(TryLockError::WouldBlock) => Err(format!(
            "a till is serving {} (till serve or the till screen); record the top-up through its API instead: \
             POST /v1/balances/top_ups",
            dir.display()
        )),
        Err(TryLockError::Error(e)) => {
            tracing::warn!("cannot lock {SERVE_LOCK}: {e}");
            Ok(None)
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// Starts the sweeper and the deliverer on the current tokio runtime.
pub fn start(engine: &Engine) -> Result<Background, RetailError> {
    let cfg = RetailConfig::of(engine).map_err(|e| RetailError::internal(e.to_string()))?;
    let http = webhooks::http_client(&cfg)?;
    let sweeper = tokio::spawn(sweep(engine.clone(), cfg.clone()));
    let deliverer = tokio::spawn(deliver(engine.clone(), cfg, http));
    let serve_lock = hold_serve_lock(engine.data_dir());
    Ok(Background { tasks: vec![sweeper, deliverer], _serve_lock: serve_lock })
}

async fn sweep(engine: Engine, cfg: RetailConfig) {
    let every = Duration::from_millis(cfg.sweep_interval_ms.max(50));
    // Purging keys is rare work: about every ten minutes.
    let purge_every = (600_000 / cfg.sweep_interval_ms.max(50)).max(1);
    let mut round: u64 = 0;
    loop {
        match orders::expire_due(&engine).await {
            Ok(0) => {}
            Ok(n) => tracing::info!("expired {n} retail orders"),
            Err(e) => tracing::warn!("expiring retail orders: {e}"),
        }
        if round.is_multiple_of(purge_every)
            && let Err(e) = idempotency::purge(&engine, cfg.idempotency_retention_hours).await
        {
            tracing::warn!("purging idempotency keys: {e}");
        }
        round = round.wrapping_add(1);
        tokio::time::sleep(every).await;
    }
}

async fn deliver(engine: Engine, cfg: RetailConfig, http: reqwest::Client) {
    // Owned by this task: aborting it (dropping `Background`) stops the deliveries in flight too.
    let mut running = webhooks::Deliveries::default();
    loop {
        let pause = match webhooks::start_due(&engine, &http, &cfg, &mut running) {
            Ok(0) => Duration::from_millis(200),
            // Busy subscriptions are skipped until their task ends: look again soon.
            Ok(_) => Duration::from_millis(20),
            Err(e) => {
                tracing::warn!("delivering webhooks: {e}");
                Duration::from_secs(1)
            }
        };
        tokio::time::sleep(pause).await;
    }
}
