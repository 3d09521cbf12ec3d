//! Background work of the payment extensions, started with the server: the stored-value worker
//! (envelopes still `accepted`, e.g. after a restart). Callbacks go out through the shared outbox's
//! deliverer. It only reads and writes durable rows, so stopping it at any point loses nothing.

use std::time::Duration;

use tokio::task::JoinHandle;

use super::{ExtError, stored_value};
use crate::engine::Engine;

/// The running tasks; dropping this stops them.
#[derive(Debug)]
pub struct Background {
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for Background {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// Starts the worker on the current tokio runtime.
pub fn start(engine: &Engine) -> Result<Background, ExtError> {
    Ok(Background { tasks: vec![tokio::spawn(work(engine.clone()))] })
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
