//! Background work of the retail area, started by the server: the sweeper (expires created orders
//! whose time is up, emitting their events; purges old idempotency keys) and the outbox deliverer
//! (every area's callbacks; webhook messages get `[retail]`'s retry settings).
//! Both only read and write durable tables, so stopping them at any point loses nothing.

use std::time::Duration;

use super::{RetailConfig, RetailError, idempotency, orders, webhooks};
use crate::engine::{Engine, outbox};

pub use crate::engine::tasks::Background;

/// Starts the sweeper and the deliverer on the current tokio runtime.
pub fn start(engine: &Engine) -> Result<Background, RetailError> {
    let cfg = RetailConfig::of(engine).map_err(|e| RetailError::internal(e.to_string()))?;
    let deliverer = outbox::Deliverer::new(engine)
        .map_err(|e| RetailError::internal(e.to_string()))?
        .policy(webhooks::LANE_PREFIX, webhooks::retry(&cfg));
    let sweeper = tokio::spawn(sweep(engine.clone(), cfg));
    Ok(Background::new(vec![sweeper, outbox::start(deliverer)]))
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
