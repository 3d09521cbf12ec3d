//! Background work of the payment extensions, started with the server: the stored-value worker
//! (envelopes still `accepted`, e.g. after a restart) and, with `[instore.card] settle_at_utc`,
//! the daily settlement of card clearing. Callbacks go out through the shared outbox's
//! deliverer. It only reads and writes durable rows, so stopping it at any point loses nothing.

use std::time::Duration;

use super::{ExtError, config, settlement, stored_value};
use crate::engine::Engine;

pub use crate::engine::tasks::Background;

/// Starts the worker on the current tokio runtime.
pub fn start(engine: &Engine) -> Result<Background, ExtError> {
    let mut tasks = vec![tokio::spawn(work(engine.clone()))];
    if let Some(text) = config(engine)?.card.settle_at_utc {
        let minute = settlement::parse_cutoff(&text)
            .ok_or_else(|| ExtError::Invalid(format!("[instore.card] settle_at_utc: {text:?} is not HH:MM")))?;
        tasks.push(tokio::spawn(settle_daily(engine.clone(), minute)));
    }
    Ok(Background::new(tasks))
}

/// Settles once per cutoff passed (on the engine's clock). A cutoff that passed while the server
/// was down is settled when it starts, unless a batch was made after it.
async fn settle_daily(engine: Engine, minute: u32) {
    let latest = settlement::batches(&engine, None, None).ok().and_then(|b| b.last().map(|b| b.created_at));
    let cutoff = settlement::last_cutoff(engine.now_secs(), minute);
    let mut done = latest.filter(|ns| ns / 1_000_000_000 >= cutoff).map(|_| cutoff);
    loop {
        let cutoff = settlement::last_cutoff(engine.now_secs(), minute);
        if done != Some(cutoff) {
            match settlement::settle_all(&engine).await {
                Ok(batches) => {
                    for b in &batches {
                        tracing::info!(tenant = %b.tenant, batch = %b.batch_id, net = b.net, "card clearing settled");
                    }
                    done = Some(cutoff);
                }
                Err(e) => tracing::warn!("card settlement: {e}"),
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

async fn work(engine: Engine) {
    loop {
        let pause = match stored_value::process_accepted(&engine).await {
            Ok(0) => Duration::from_millis(500),
            Ok(_) => Duration::from_millis(50),
            Err(e) => {
                tracing::warn!("stored value work: {e}");
                Duration::from_secs(1)
            }
        };
        tokio::time::sleep(pause).await;
    }
}
