//! Background work of the spots area, started with the server: registering the configured spots
//! and the till's own merchant credential, the sweeper (revokes reservations whose time ran out,
//! forgets nonces outside the MAC window) and `callback_uri` delivery.
//!
//! Callbacks are a durable outbox (`spots_callbacks`, written in the same commit as the status
//! change): each is POSTed as JSON until a 2xx answer, retried with doubling delays, and kept as
//! `failed` after `callback_max_attempts`. Each POST carries `Till-Webhook-Id` (stable across
//! retries), `Till-Webhook-Timestamp` and `Till-Webhook-Signature: v1=<hex HMAC-SHA256>` of
//! `<timestamp>.<body>` keyed with the MAC key of the merchant client that created the
//! transaction, the same scheme as the retail webhooks.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::task::JoinHandle;

use super::{SpotsConfig, SpotsError, clients, places, repo, transactions};
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

/// Registers the configured spots and the till's credential, then starts the sweeper and the
/// callback deliverer on the current tokio runtime.
pub async fn start(engine: &Engine) -> Result<Background, SpotsError> {
    let cfg = SpotsConfig::of(engine)?;
    places::register_configured(engine).await?;
    clients::till_credential(engine).await?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| SpotsError::Internal(e.to_string()))?;
    let sweeper = tokio::spawn(sweep(engine.clone(), cfg.clone()));
    let deliverer = tokio::spawn(deliver(engine.clone(), cfg, http));
    Ok(Background { tasks: vec![sweeper, deliverer] })
}

fn now_secs() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
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
            && let Err(e) = clients::purge_nonces(&engine, now_secs().saturating_sub(window.saturating_mul(2))).await
        {
            tracing::warn!("purging MAC nonces: {e}");
        }
        round = round.wrapping_add(1);
        tokio::time::sleep(every).await;
    }
}

/// `v1=<hex HMAC-SHA256(key, "<timestamp>.<body>")>`.
pub fn signature(key: &[u8], timestamp: i64, body: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else { return String::new() };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

fn backoff(cfg: &SpotsConfig, attempt: i64) -> i64 {
    let shift = u32::try_from(attempt.clamp(0, 30)).unwrap_or(30);
    let base = cfg.callback_retry_base_ms.max(1).saturating_mul(1u64 << shift);
    i64::try_from(base.min(cfg.callback_retry_max_ms.max(1))).unwrap_or(i64::MAX)
}

/// Delivers every due callback once; returns how many were tried.
pub async fn deliver_due(engine: &Engine, http: &reqwest::Client, cfg: &SpotsConfig) -> Result<usize, SpotsError> {
    let due = engine.ledger().read_sql(|sql| repo::due_callbacks(sql, now_ms(), 20))?;
    let n = due.len();
    for cb in due {
        let key = engine.ledger().read_sql(|sql| {
            let owner = sql.query_one(
                "SELECT t.client_id FROM spots_callbacks c JOIN spots_transactions t ON t.key = c.transaction_key
                 WHERE c.id = ?1",
                crate::store::params![cb.id],
                |r| r.get::<String>(0),
            )?;
            Ok::<_, SpotsError>(owner)
        })?;
        let mac_key = match key {
            Some(client) => clients::lookup(engine, &client)?.map(|(_, k)| k).unwrap_or_default(),
            None => Vec::new(),
        };
        let ts = now_secs();
        let result = http
            .post(&cb.url)
            .header("content-type", "application/json")
            .header("Till-Webhook-Id", format!("spots_cb_{}", cb.id))
            .header("Till-Webhook-Timestamp", ts.to_string())
            .header("Till-Webhook-Signature", signature(&mac_key, ts, cb.body.as_bytes()))
            .body(cb.body.clone())
            .send()
            .await;
        let outcome = match result {
            Ok(r) if r.status().is_success() => None,
            Ok(r) => Some(format!("answered {}", r.status())),
            Err(e) => Some(format!("{e}")),
        };
        let id = cb.id;
        let attempts = cb.attempts + 1;
        let next_at = now_ms().saturating_add(backoff(cfg, cb.attempts));
        let failed = i64::from(cfg.callback_max_attempts) <= attempts;
        engine
            .ledger()
            .write(move |tx| match outcome {
                None => repo::callback_done(tx.sql(), id),
                Some(err) => repo::callback_retry(tx.sql(), id, next_at, failed, &err),
            })
            .await?;
    }
    Ok(n)
}

async fn deliver(engine: Engine, cfg: SpotsConfig, http: reqwest::Client) {
    loop {
        let pause = match deliver_due(&engine, &http, &cfg).await {
            Ok(0) => Duration::from_millis(250),
            Ok(_) => Duration::from_millis(10),
            Err(e) => {
                tracing::warn!("delivering spots callbacks: {e}");
                Duration::from_secs(1)
            }
        };
        tokio::time::sleep(pause).await;
    }
}
