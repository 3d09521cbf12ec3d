//! Background work of the spots area, started with the server: registering the configured spots
//! and the till's own merchant credential, and the sweeper (revokes reservations whose time ran
//! out, forgets nonces outside the MAC window). `callback_uri` notices go through the engine's
//! outbox (`engine::outbox`), whose deliverer runs with the server.

use std::time::Duration;

use super::{SpotsConfig, SpotsError, clients, places, transactions};
use crate::engine::Engine;

pub use crate::engine::tasks::Background;

/// Registers the configured spots and the till's credential, then starts the sweeper on the
/// current tokio runtime.
pub async fn start(engine: &Engine) -> Result<Background, SpotsError> {
    let cfg = SpotsConfig::of(engine)?;
    places::register_configured(engine).await?;
    clients::till_credential(engine).await?;
    let sweeper = tokio::spawn(sweep(engine.clone(), cfg));
    Ok(Background::new(vec![sweeper]))
}

async fn sweep(engine: Engine, cfg: SpotsConfig) {
    let every = Duration::from_millis(cfg.sweep_interval_ms.max(50));
    let window = i64::try_from(cfg.mac_window_seconds).unwrap_or(i64::MAX);
    let mut round: u64 = 0;
    loop {
        match transactions::expire_due(&engine).await {
            Ok(0) => {}
            Ok(n) => tracing::info!("revoked {n} wallet reservations whose time ran out"),
            Err(e) => tracing::warn!("expiring wallet reservations: {e}"),
        }
        // Nonces older than two windows can never be replayed (their ts is refused).
        if round.is_multiple_of(120)
            && let Err(e) =
                clients::purge_nonces(&engine, engine.now_secs().saturating_sub(window.saturating_mul(2))).await
        {
            tracing::warn!("purging MAC nonces: {e}");
        }
        round = round.wrapping_add(1);
        tokio::time::sleep(every).await;
    }
}
