//! Webhooks: subscriptions and their events, delivered through the generic outbox
//! ([`crate::engine::outbox`]).
//!
//! An event is written to `retail_webhook_events` in the same `Ledger::write` as the change it
//! reports, with one outbox message per matching subscription (the subscription is the outbox
//! lane), so an event exists if and only if the change committed, and survives restarts until
//! delivered. The outbox POSTs the stored body byte for byte with these headers
//! ([`outbox::Signing::TillWebhookV1`]):
//!
//! - `Till-Webhook-Id`: the event id (`evt_…`), the same on every retry: receivers dedup on it;
//! - `Till-Webhook-Timestamp`: Unix seconds when this attempt was signed;
//! - `Till-Webhook-Signature`: `v1=` and the hex HMAC-SHA256, keyed with the subscription's secret,
//!   of `<timestamp>.<raw body>`.
//!
//! A 2xx answer marks the delivery done; anything else is retried after a delay that doubles each
//! attempt (from `webhook_retry_base_ms` up to `webhook_retry_max_ms`) with random jitter in the
//! upper half, until `webhook_max_attempts`, when it is kept as `failed`. A subscription's URL
//! must pass the outbox's address guard (no loopback, link-local, private or own addresses unless
//! `[outbox] allow` lists them; no credentials in the URL), checked again at every delivery.

use std::time::Duration;

use rand::Rng;
use serde::{Deserialize, Serialize};

use super::{RetailConfig, RetailError};
use crate::engine::accounts::transfer_id;
use crate::engine::catalog::{ns_i64, rfc3339};
use crate::engine::{Engine, outbox};
use crate::ledger::LedgerError;
use crate::store::{Sql, params};

/// Header carrying the event id.
pub const HEADER_ID: &str = "Till-Webhook-Id";
/// Header carrying the Unix time (seconds) the signature covers.
pub const HEADER_TIMESTAMP: &str = "Till-Webhook-Timestamp";
/// Header carrying `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`.
pub const HEADER_SIGNATURE: &str = "Till-Webhook-Signature";

/// Every event type a subscription can ask for.
pub const EVENT_TYPES: &[&str] = &[
    "retail_order.created",
    "retail_order.confirmed",
    "retail_order.invalidated",
    "retail_order.expired",
    "product.created",
    "product.updated",
];

/// A subscription as the API shows it (the secret only when it is created).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    pub id: String,
    pub url: String,
    pub events: Vec<String>,
    /// The signing secret; shown once, in the reply that creates the subscription.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    pub active: bool,
    pub created_at: String,
    /// Deliveries still to be made (retrying or not yet tried).
    pub pending_deliveries: u64,
    /// Deliveries given up after the last attempt.
    pub failed_deliveries: u64,
}

fn random_hex(bytes: usize) -> String {
    let mut rng = rand::rng();
    (0..bytes).map(|_| format!("{:02x}", rng.random::<u8>())).collect()
}

/// The outbox lanes of webhook subscriptions start with this.
pub const LANE_PREFIX: &str = "retail-webhook:";

/// The outbox lane of a subscription.
fn lane(subscription_id: &str) -> String {
    format!("{LANE_PREFIX}{subscription_id}")
}

/// The outbox retry policy of `[retail]`'s `webhook_*` settings.
pub fn retry(cfg: &RetailConfig) -> outbox::Retry {
    outbox::Retry {
        base_ms: cfg.webhook_retry_base_ms,
        max_ms: cfg.webhook_retry_max_ms,
        max_attempts: cfg.webhook_max_attempts,
        timeout_ms: cfg.webhook_timeout_ms,
    }
}

/// Writes an event and one outbox message per matching subscription inside the caller's write.
/// Returns the event id.
pub fn enqueue(sql: Sql<'_>, now: i64, event_type: &str, data: &serde_json::Value) -> Result<String, RetailError> {
    let id = format!("evt_{}", random_hex(12));
    let body = serde_json::json!({
        "id": id,
        "type": event_type,
        "created_at": rfc3339(now),
        "data": data,
    })
    .to_string();
    sql.execute(
        "INSERT INTO retail_webhook_events (id, type, body, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![&id, event_type, &body, now],
    )?;
    let subs = sql.query_all(
        "SELECT id, events, url, secret FROM retail_webhook_subscriptions WHERE active = 1",
        params![],
        |r| Ok((r.get::<String>(0)?, r.get::<String>(1)?, r.get::<String>(2)?, r.get::<String>(3)?)),
    )?;
    // Stored as the message's own policy; the deliverer applies `[retail]`'s (see `background`).
    let retry = retry(&RetailConfig::default());
    for (sub_id, events, url, secret) in subs {
        let events: Vec<String> = serde_json::from_str(&events).unwrap_or_default();
        if events.iter().any(|e| e == "*" || e == event_type) {
            let msg = outbox::Message {
                lane: lane(&sub_id),
                event_id: id.clone(),
                url,
                body: body.clone().into_bytes(),
                headers: vec![],
                signing: outbox::Signing::TillWebhookV1 { secret },
                retry,
            };
            outbox::enqueue(sql, u64::try_from(now).unwrap_or(0), &msg)?;
        }
    }
    Ok(id)
}

/// What creating a subscription needs.
#[derive(Debug, Clone)]
pub struct NewSubscription {
    pub url: String,
    pub events: Vec<String>,
}

/// Checks the subscription: its URL through the outbox's address guard (form, credentials, and
/// where it resolves), its event types. Returns the URL as it will be stored.
async fn validate(engine: &Engine, new: &NewSubscription) -> Result<String, RetailError> {
    let guard = outbox::guard(engine).map_err(|e| RetailError::internal(e.to_string()))?;
    let url = guard
        .check_url(&new.url)
        .await
        .map_err(|outbox::Refused(why)| RetailError::bad_request("invalid_url", format!("url: {why}")))?;
    if new.events.is_empty() {
        return Err(RetailError::bad_request("invalid_events", "events must name at least one event type or \"*\""));
    }
    if let Some(bad) = new.events.iter().find(|e| *e != "*" && !EVENT_TYPES.contains(&e.as_str())) {
        return Err(RetailError::bad_request(
            "invalid_events",
            format!("unknown event type {bad:?}; known: {}", EVENT_TYPES.join(", ")),
        ));
    }
    Ok(url.to_string())
}

/// A stored URL as it may be shown: credentials (only in subscriptions made before the guard
/// refused them) are never shown back.
fn shown_url(stored: &str) -> String {
    match reqwest::Url::parse(stored) {
        Ok(mut u) if !u.username().is_empty() || u.password().is_some() => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        Ok(_) => stored.to_string(),
        Err(_) => String::new(),
    }
}

fn counts(sql: Sql<'_>, id: &str) -> Result<(u64, u64), LedgerError> {
    let c = outbox::lane_counts(sql, &lane(id))?;
    Ok((c.pending, c.failed))
}

fn load(sql: Sql<'_>, id: &str) -> Result<Option<Subscription>, LedgerError> {
    let sub = sql.query_one(
        "SELECT id, url, events, active, created_at FROM retail_webhook_subscriptions WHERE id = ?1",
        params![id],
        |r| {
            let events: String = r.get(2)?;
            Ok(Subscription {
                id: r.get(0)?,
                url: shown_url(&r.get::<String>(1)?),
                events: serde_json::from_str(&events).unwrap_or_default(),
                secret: None,
                active: r.get(3)?,
                created_at: rfc3339(r.get(4)?),
                pending_deliveries: 0,
                failed_deliveries: 0,
            })
        },
    )?;
    match sub {
        Some(mut s) => {
            (s.pending_deliveries, s.failed_deliveries) = counts(sql, &s.id)?;
            Ok(Some(s))
        }
        None => Ok(None),
    }
}

/// Creates a subscription. `key` (the request's idempotency key) makes its id deterministic, so a
/// retried request cannot create a second one.
pub async fn subscribe(
    engine: &Engine,
    new: NewSubscription,
    key: Option<String>,
) -> Result<Subscription, RetailError> {
    let url = validate(engine, &new).await?;
    let id = match key {
        Some(k) => format!("wh_{:024x}", transfer_id(&format!("webhook:{k}")) >> 32),
        None => format!("wh_{}", random_hex(12)),
    };
    let secret = format!("whsec_{}", random_hex(32));
    engine
        .ledger()
        .write(move |tx| {
            let sql = tx.sql();
            if let Some(existing) =
                sql.query_one("SELECT secret FROM retail_webhook_subscriptions WHERE id = ?1", params![&id], |r| {
                    r.get::<String>(0)
                })?
            {
                let mut s = load(sql, &id)?.ok_or_else(|| RetailError::internal("subscription vanished"))?;
                s.secret = Some(existing);
                return Ok(s);
            }
            let events = serde_json::to_string(&new.events).unwrap_or_else(|_| "[]".into());
            sql.execute(
                "INSERT INTO retail_webhook_subscriptions (id, url, events, secret, active, created_at)
                 VALUES (?1, ?2, ?3, ?4, 1, ?5)",
                params![&id, &url, &events, &secret, ns_i64(tx.now())],
            )?;
            let mut s = load(sql, &id)?.ok_or_else(|| RetailError::internal("subscription vanished"))?;
            s.secret = Some(secret);
            Ok(s)
        })
        .await
}

/// Every subscription, newest last.
pub fn list(engine: &Engine) -> Result<Vec<Subscription>, RetailError> {
    engine.ledger().read_sql(|sql| {
        let ids =
            sql.query_all("SELECT id FROM retail_webhook_subscriptions ORDER BY created_at, id", params![], |r| {
                r.get::<String>(0)
            })?;
        let mut out = Vec::new();
        for id in ids {
            out.extend(load(sql, &id)?);
        }
        Ok(out)
    })
}

/// One subscription.
pub fn get(engine: &Engine, id: &str) -> Result<Option<Subscription>, RetailError> {
    let id = id.to_string();
    engine.ledger().read_sql(move |sql| Ok(load(sql, &id)?))
}

/// Deactivates a subscription: no new deliveries, pending ones are dropped.
pub async fn unsubscribe(engine: &Engine, id: &str) -> Result<Subscription, RetailError> {
    let id = id.to_string();
    engine
        .ledger()
        .write(move |tx| {
            let sql = tx.sql();
            let n = sql.execute("UPDATE retail_webhook_subscriptions SET active = 0 WHERE id = ?1", params![&id])?;
            if n == 0 {
                return Err(RetailError::not_found("webhook_not_found", format!("no webhook subscription {id}")));
            }
            outbox::cancel_lane(sql, &lane(&id))?;
            load(sql, &id)?.ok_or_else(|| RetailError::internal("subscription vanished"))
        })
        .await
}

/// `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`: what receivers recompute and compare.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    outbox::till_webhook_signature(secret, timestamp, body)
}

/// The delay before retry number `attempt` under `[retail]`'s settings.
pub fn backoff(cfg: &RetailConfig, attempt: u32) -> Duration {
    outbox::backoff(&retry(cfg), attempt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_cover_timestamp_and_body() {
        let a = signature("whsec_x", 1_700_000_000, b"{\"a\":1}");
        assert!(a.starts_with("v1=") && a.len() == 3 + 64);
        assert_ne!(a, signature("whsec_x", 1_700_000_001, b"{\"a\":1}"));
        assert_ne!(a, signature("whsec_x", 1_700_000_000, b"{\"a\":2}"));
        assert_ne!(a, signature("whsec_y", 1_700_000_000, b"{\"a\":1}"));
    }

    #[test]
    fn backoff_doubles_within_jitter_and_caps() {
        let cfg = RetailConfig { webhook_retry_base_ms: 100, webhook_retry_max_ms: 1_000, ..RetailConfig::default() };
        for _ in 0..50 {
            let first = backoff(&cfg, 1).as_millis();
            assert!((50..=100).contains(&first), "{first}");
            let third = backoff(&cfg, 3).as_millis();
            assert!((200..=400).contains(&third), "{third}");
            let late = backoff(&cfg, 40).as_millis();
            assert!((500..=1_000).contains(&late), "{late}");
        }
    }
}
