//! Background work of the payment extensions, started with the server: the stored-value worker
//! (envelopes still `accepted`, e.g. after a restart) and the callback deliverer. Both only read
//! and write durable rows, so stopping them at any point loses nothing.

use std::time::Duration;

use tokio::task::JoinHandle;

use super::{ExtError, callbacks, config, stored_value};
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

/// Starts the worker and the deliverer on the current tokio runtime.
pub fn start(engine: &Engine) -> Result<Background, ExtError> {
    let cfg = config(engine)?.callbacks;
    let http = callbacks::http_client(&cfg)?;
    let worker = tokio::spawn(work(engine.clone()));
    let deliverer = tokio::spawn(deliver(engine.clone(), cfg, http));
    Ok(Background { tasks: vec![worker, deliverer] })
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

async fn deliver(engine: Engine, cfg: super::config::CallbackConfig, http: reqwest::Client) {
    let in_flight = callbacks::InFlight::default();
    loop {
        let pause = match callbacks::start_due(&engine, &http, &cfg, &in_flight) {
            Ok(0) => Duration::from_millis(100),
            Ok(_) => Duration::from_millis(20),
            Err(e) => {
                tracing::warn!("delivering callbacks: {e}");
                Duration::from_secs(1)
            }
        };
        tokio::time::sleep(pause).await;
    }
}
