//! The callback outbox of the stored-value extension: results to `callbackUrl`, progress to
//! `statusUrl`.
//!
//! A callback is a row written in the same ledger write as the result it carries, so it exists
//! if and only if the result does, and survives restarts until delivered. The deliverer POSTs the
//! stored body byte for byte with:
//!
//! - `X-Signature`: lowercase hex HMAC-SHA256 of the body with the tenant's verification key
//!   (the same scheme the POS signs its requests with);
//! - `x-correlation-id`: the one the envelope came with;
//! - `X-Till-Callback-Id`: the row's id, the same on every retry, for receivers to dedup on.
//!
//! A 2xx marks it delivered; anything else is retried after a delay that doubles from
//! `retry_base_ms` up to `retry_max_ms`, jittered into its upper half, until `max_attempts`.
//! (Built on the retail webhook outbox's pattern; to move onto the shared `engine::outbox` when it
//! lands.)

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::Rng;

use super::config::CallbackConfig;
use super::repo::{self, Callback};
use super::{ExtError, random_hex, tenants, wall_ns};
use crate::engine::Engine;
use crate::store::{Sql, StoreError};

/// Header carrying the callback's id (the same on every retry).
pub const HEADER_ID: &str = "X-Till-Callback-Id";

/// Queues a callback inside the caller's write.
#[allow(clippy::too_many_arguments)]
pub fn enqueue(
    sql: Sql<'_>,
    tenant: &str,
    request_id: &str,
    kind: &str,
    url: &str,
    body: &str,
    correlation_id: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    let c = Callback {
        id: format!("cb_{}", random_hex(12)),
        tenant: tenant.into(),
        request_id: request_id.into(),
        kind: kind.into(),
        url: url.into(),
        body: body.into(),
        correlation_id: correlation_id.map(str::to_string),
        attempts: 0,
    };
    repo::insert_callback(sql, &c, now)
}

/// The delay before retry `attempt` (1 = first retry).
pub fn backoff(cfg: &CallbackConfig, attempt: u32) -> Duration {
    let exp = cfg.retry_base_ms.saturating_mul(1u64 << attempt.saturating_sub(1).min(30));
    let capped = exp.min(cfg.retry_max_ms).max(1);
    Duration::from_millis(rand::rng().random_range(capped / 2..=capped))
}

/// Callback ids with an attempt in flight, so one slow receiver is never tried twice at once.
#[derive(Clone, Default)]
pub struct InFlight(Arc<Mutex<HashSet<String>>>);

impl InFlight {
    fn claim(&self, id: &str) -> bool {
        self.0.lock().map(|mut s| s.insert(id.to_string())).unwrap_or(false)
    }
    fn release(&self, id: &str) {
        if let Ok(mut s) = self.0.lock() {
            s.remove(id);
        }
    }
}

/// Starts an attempt for every due callback not already in flight. Returns how many started.
pub fn start_due(
    engine: &Engine,
    http: &reqwest::Client,
    cfg: &CallbackConfig,
    in_flight: &InFlight,
) -> Result<usize, ExtError> {
    let due = engine.ledger().read_sql(|sql| Ok::<_, ExtError>(repo::due_callbacks(sql, wall_ns(), 64)?))?;
    let mut started = 0;
    for c in due {
        if !in_flight.claim(&c.id) {
            continue;
        }
        started += 1;
        let (engine, http, cfg, in_flight) = (engine.clone(), http.clone(), cfg.clone(), in_flight.clone());
        tokio::spawn(async move {
            let id = c.id.clone();
            if let Err(e) = deliver_one(&engine, &http, &cfg, c).await {
                // Not recorded: the row stays pending and is tried again.
                tracing::warn!("recording a callback attempt: {e}");
            }
            in_flight.release(&id);
        });
    }
    Ok(started)
}

async fn attempt(engine: &Engine, http: &reqwest::Client, c: &Callback) -> Result<(), String> {
    let tenant = tenants::find(engine, Some(&c.tenant)).map_err(|e| format!("tenant: {e}"))?;
    let mut req = http
        .post(&c.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("X-Signature", tenant.sign(c.body.as_bytes()))
        .header(HEADER_ID, &c.id)
        .body(c.body.clone());
    if let Some(id) = &c.correlation_id {
        req = req.header("x-correlation-id", id);
    }
    let resp = req.send().await.map_err(|e| format!("request failed: {e}"))?;
    if resp.status().is_success() { Ok(()) } else { Err(format!("receiver answered {}", resp.status())) }
}

async fn deliver_one(
    engine: &Engine,
    http: &reqwest::Client,
    cfg: &CallbackConfig,
    c: Callback,
) -> Result<(), ExtError> {
    let outcome = attempt(engine, http, &c).await;
    let attempts = c.attempts.saturating_add(1);
    let now = wall_ns();
    let (state, next, error) = match outcome {
        Ok(()) => ("delivered", now, None),
        Err(e) if attempts >= cfg.max_attempts => ("failed", now, Some(e)),
        Err(e) => {
            let delay = i64::try_from(backoff(cfg, attempts).as_nanos()).unwrap_or(i64::MAX);
            ("pending", now.saturating_add(delay), Some(e))
        }
    };
    match &error {
        Some(e) => {
            tracing::info!(callback = %c.id, request = %c.request_id, attempts, correlation_id = ?c.correlation_id, "callback failed: {e}")
        }
        None => {
            tracing::info!(callback = %c.id, request = %c.request_id, attempts, correlation_id = ?c.correlation_id, "callback delivered")
        }
    }
    let id = c.id.clone();
    engine
        .ledger()
        .write(move |tx| {
            repo::record_attempt(tx.sql(), &id, state, attempts, next, error.as_deref())?;
            Ok::<(), ExtError>(())
        })
        .await
}

/// The HTTP client callbacks go out with (no redirects followed).
pub fn http_client(cfg: &CallbackConfig) -> Result<reqwest::Client, ExtError> {
    reqwest::Client::builder()
        .timeout(Duration::from_millis(cfg.timeout_ms))
        .connect_timeout(Duration::from_millis(cfg.timeout_ms.min(5_000)))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("till-instore/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| ExtError::Internal(format!("callback client: {e}")))
}

/// The states and attempt counts of a request's callbacks, oldest first.
pub fn states(engine: &Engine, tenant: &str, request_id: &str) -> Result<Vec<(String, u32)>, ExtError> {
    engine.ledger().read_sql(|sql| Ok(repo::callback_states(sql, tenant, request_id)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_within_jitter_and_caps() {
        let cfg = CallbackConfig { retry_base_ms: 100, retry_max_ms: 1_000, ..CallbackConfig::default() };
        for _ in 0..50 {
            assert!((50..=100).contains(&backoff(&cfg, 1).as_millis()));
            assert!((200..=400).contains(&backoff(&cfg, 3).as_millis()));
            assert!((500..=1_000).contains(&backoff(&cfg, 40).as_millis()));
        }
    }
}
