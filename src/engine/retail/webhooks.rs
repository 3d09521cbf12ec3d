//! Webhooks: subscriptions, a durable outbox and signed delivery.
//!
//! An event is written to `retail_webhook_events` in the same `Ledger::write` as the change it
//! reports, with one delivery row per matching subscription, so an event exists if and only if the
//! change committed, and survives restarts until delivered. The deliverer POSTs the stored body
//! byte for byte with these headers:
//!
//! - `Till-Webhook-Id`: the event id (`evt_…`), the same on every retry: receivers dedup on it;
//! - `Till-Webhook-Timestamp`: Unix seconds when this attempt was signed;
//! - `Till-Webhook-Signature`: `v1=` and the hex HMAC-SHA256, keyed with the subscription's secret,
//!   of `<timestamp>.<raw body>`.
//!
//! A 2xx answer marks the delivery done; anything else is retried after a delay that doubles each
//! attempt (from `webhook_retry_base_ms` up to `webhook_retry_max_ms`) with random jitter in the
//! upper half, until `webhook_max_attempts`, when it is kept as `failed`.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::{RetailConfig, RetailError};
use crate::engine::Engine;
use crate::engine::accounts::transfer_id;
use crate::engine::catalog::{ns_i64, rfc3339};
use crate::store::{Sql, StoreError, Value, params};

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

fn wall_ns() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX)).unwrap_or(0)
}

fn random_hex(bytes: usize) -> String {
    let mut rng = rand::rng();
    (0..bytes).map(|_| format!("{:02x}", rng.random::<u8>())).collect()
}

/// Writes an event and its deliveries inside the caller's write. Returns the event id.
pub fn enqueue(sql: Sql<'_>, now: i64, event_type: &str, data: &serde_json::Value) -> Result<String, RetailError> {
    let id = format!("evt_{}", random_hex(12));
    let body = serde_json::json!({
        "id": id,
        "type": event_type,
        "created_at": rfc3339(now),
        "data": data,
    });
    sql.execute(
        "INSERT INTO retail_webhook_events (id, type, body, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![&id, event_type, &body.to_string(), now],
    )?;
    let subs =
        sql.query_all("SELECT id, events FROM retail_webhook_subscriptions WHERE active = 1", params![], |r| {
            Ok((r.get::<String>(0)?, r.get::<String>(1)?))
        })?;
    for (sub_id, events) in subs {
        let events: Vec<String> = serde_json::from_str(&events).unwrap_or_default();
        if events.iter().any(|e| e == "*" || e == event_type) {
            sql.execute(
                "INSERT INTO retail_webhook_deliveries (event_id, subscription_id, state, attempts, next_attempt_at)
                 VALUES (?1, ?2, 'pending', 0, ?3)",
                params![&id, &sub_id, now],
            )?;
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

fn validate(new: &NewSubscription) -> Result<(), RetailError> {
    let url = new.url.trim();
    let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
    if !scheme_ok || url.len() > 2048 || url.contains(char::is_whitespace) {
        return Err(RetailError::bad_request("invalid_url", "url must be an http(s) URL of at most 2048 characters"));
    }
    reqwest::Url::parse(url).map_err(|e| RetailError::bad_request("invalid_url", format!("url: {e}")))?;
    if new.events.is_empty() {
        return Err(RetailError::bad_request("invalid_events", "events must name at least one event type or \"*\""));
    }
    if let Some(bad) = new.events.iter().find(|e| *e != "*" && !EVENT_TYPES.contains(&e.as_str())) {
        return Err(RetailError::bad_request(
            "invalid_events",
            format!("unknown event type {bad:?}; known: {}", EVENT_TYPES.join(", ")),
        ));
    }
    Ok(())
}

fn counts(sql: Sql<'_>, id: &str) -> Result<(u64, u64), StoreError> {
    let counts = sql.query_one(
        "SELECT coalesce(sum(CASE WHEN state = 'pending' THEN 1 ELSE 0 END), 0),
                coalesce(sum(CASE WHEN state = 'failed' THEN 1 ELSE 0 END), 0)
         FROM retail_webhook_deliveries WHERE subscription_id = ?1",
        params![id],
        |r| Ok((r.get::<u64>(0)?, r.get::<u64>(1)?)),
    )?;
    Ok(counts.unwrap_or((0, 0)))
}

fn load(sql: Sql<'_>, id: &str) -> Result<Option<Subscription>, StoreError> {
    let sub = sql.query_one(
        "SELECT id, url, events, active, created_at FROM retail_webhook_subscriptions WHERE id = ?1",
        params![id],
        |r| {
            let events: String = r.get(2)?;
            Ok(Subscription {
                id: r.get(0)?,
                url: r.get(1)?,
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
    validate(&new)?;
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
                params![&id, new.url.trim(), &events, &secret, ns_i64(tx.now())],
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
            sql.execute(
                "UPDATE retail_webhook_deliveries SET state = 'cancelled' WHERE subscription_id = ?1 AND state = 'pending'",
                params![&id],
            )?;
            load(sql, &id)?.ok_or_else(|| RetailError::internal("subscription vanished"))
        })
        .await
}

/// `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`: what receivers recompute and compare.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// The delay before retry number `attempt` (1 = first retry): doubling, capped, jittered into
/// the upper half so many failing receivers do not retry in lockstep.
pub fn backoff(cfg: &RetailConfig, attempt: u32) -> Duration {
    let exp = cfg.webhook_retry_base_ms.saturating_mul(1u64 << attempt.saturating_sub(1).min(30));
    let capped = exp.min(cfg.webhook_retry_max_ms).max(1);
    let jittered = rand::rng().random_range(capped / 2..=capped);
    Duration::from_millis(jittered)
}

struct Due {
    event_id: String,
    subscription_id: String,
    attempts: u32,
    url: String,
    secret: String,
    body: String,
}

/// Due deliveries, oldest first, leaving out the subscriptions in `busy` (a delivery task of theirs
/// is still running, so a hanging receiver's rows never crowd out the others').
fn due(engine: &Engine, now: i64, limit: u32, busy: &HashSet<&str>) -> Result<Vec<Due>, RetailError> {
    // The busy subscriptions as numbered placeholders after the two fixed ones (few: one per task).
    let mut busy: Vec<&str> = busy.iter().copied().collect();
    busy.sort_unstable();
    let exclude = if busy.is_empty() {
        String::new()
    } else {
        let marks: Vec<String> = (0..busy.len()).map(|i| format!("?{}", i + 3)).collect();
        format!("AND d.subscription_id NOT IN ({})", marks.join(", "))
    };
    let query = format!(
        "SELECT d.event_id, d.subscription_id, d.attempts, s.url, s.secret, e.body
         FROM retail_webhook_deliveries d
         JOIN retail_webhook_subscriptions s ON s.id = d.subscription_id
         JOIN retail_webhook_events e ON e.id = d.event_id
         WHERE d.state = 'pending' AND d.next_attempt_at <= ?1 {exclude}
         ORDER BY d.next_attempt_at, e.seq LIMIT ?2"
    );
    let mut values = vec![Value::from(now), Value::from(limit)];
    values.extend(busy.iter().map(|b| Value::from(*b)));
    engine.ledger().read_sql(move |sql| {
        Ok(sql.query_all(&query, &values, |r| {
            Ok(Due {
                event_id: r.get(0)?,
                subscription_id: r.get(1)?,
                attempts: r.get(2)?,
                url: r.get(3)?,
                secret: r.get(4)?,
                body: r.get(5)?,
            })
        })?)
    })
}

/// Attempts one delivery; `Ok(())` on a 2xx.
async fn attempt(http: &reqwest::Client, d: &Due) -> Result<(), String> {
    let ts = wall_ns() / 1_000_000_000;
    let response = http
        .post(&d.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(HEADER_ID, &d.event_id)
        .header(HEADER_TIMESTAMP, ts.to_string())
        .header(HEADER_SIGNATURE, signature(&d.secret, ts, d.body.as_bytes()))
        .body(d.body.clone())
        .send()
        .await
        .map_err(|e| format!("request failed: {e}"))?;
    if response.status().is_success() { Ok(()) } else { Err(format!("receiver answered {}", response.status())) }
}

/// Delivery tasks in flight: one per subscription at a time, so each subscription's events go
/// out one after another while a slow receiver holds up only itself. Dropping it stops them.
#[derive(Default)]
pub struct Deliveries {
    tasks: tokio::task::JoinSet<()>,
    /// Which subscription each running task serves.
    busy: HashMap<tokio::task::Id, String>,
}

impl Deliveries {
    /// Forgets the tasks that have finished (their subscriptions can be served again).
    fn reap(&mut self) {
        while let Some(done) = self.tasks.try_join_next_with_id() {
            let id = match done {
                Ok((id, ())) => id,
                Err(e) => {
                    // Panicked or cancelled: its rows stay pending and are tried again.
                    tracing::warn!("webhook task: {e}");
                    e.id()
                }
            };
            self.busy.remove(&id);
        }
    }

    fn busy_subscriptions(&self) -> HashSet<&str> {
        self.busy.values().map(String::as_str).collect()
    }

    /// Subscriptions with a delivery task running.
    pub fn busy(&self) -> usize {
        self.busy.len()
    }

    /// Waits until every running task has finished (tests, shutdown).
    pub async fn settle(&mut self) {
        while self.tasks.join_next().await.is_some() {}
        self.busy.clear();
    }
}

/// Starts a task for every subscription that has something due and no task running. Returns how
/// many deliveries were handed out.
pub fn start_due(
    engine: &Engine,
    http: &reqwest::Client,
    cfg: &RetailConfig,
    running: &mut Deliveries,
) -> Result<usize, RetailError> {
    running.reap();
    let batch = due(engine, wall_ns(), 256, &running.busy_subscriptions())?;
    let n = batch.len();
    let mut per_subscription: Vec<Vec<Due>> = Vec::new();
    for d in batch {
        match per_subscription.iter_mut().find(|q| q[0].subscription_id == d.subscription_id) {
            Some(queue) => queue.push(d),
            None => per_subscription.push(vec![d]),
        }
    }
    for queue in per_subscription {
        let subscription = queue[0].subscription_id.clone();
        let (engine, http, cfg) = (engine.clone(), http.clone(), cfg.clone());
        let task = running.tasks.spawn(async move {
            for d in queue {
                if let Err(e) = deliver_one(&engine, &http, &cfg, d).await {
                    // Not recorded: the row stays pending and is picked up again.
                    tracing::warn!("recording a webhook delivery: {e}");
                    break;
                }
            }
        });
        running.busy.insert(task.id(), subscription);
    }
    Ok(n)
}

/// Delivers everything that is due once and waits for it (one task per subscription).
pub async fn deliver_due(engine: &Engine, http: &reqwest::Client, cfg: &RetailConfig) -> Result<usize, RetailError> {
    let mut running = Deliveries::default();
    let n = start_due(engine, http, cfg, &mut running)?;
    running.settle().await;
    Ok(n)
}

/// One attempt, and its outcome recorded: delivered, retry later, or given up.
async fn deliver_one(engine: &Engine, http: &reqwest::Client, cfg: &RetailConfig, d: Due) -> Result<(), RetailError> {
    let outcome = attempt(http, &d).await;
    let attempts = d.attempts + 1;
    let now = wall_ns();
    let (state, next, error) = match outcome {
        Ok(()) => ("delivered", now, None),
        Err(e) if attempts >= cfg.webhook_max_attempts => ("failed", now, Some(e)),
        Err(e) => {
            let delay = i64::try_from(backoff(cfg, attempts).as_nanos()).unwrap_or(i64::MAX);
            ("pending", now.saturating_add(delay), Some(e))
        }
    };
    if let Some(e) = &error {
        tracing::info!(event = %d.event_id, subscription = %d.subscription_id, attempts, "webhook delivery failed: {e}");
    }
    engine
        .ledger()
        .write(move |tx| {
            tx.sql().execute(
                "UPDATE retail_webhook_deliveries
                 SET state = ?3, attempts = ?4, next_attempt_at = ?5, last_error = ?6,
                     delivered_at = CASE WHEN ?3 = 'delivered' THEN ?5 ELSE NULL END
                 WHERE event_id = ?1 AND subscription_id = ?2 AND state = 'pending'",
                params![&d.event_id, &d.subscription_id, state, attempts, next, error.as_deref()],
            )?;
            Ok::<(), RetailError>(())
        })
        .await
}

/// The HTTP client the deliverer uses.
pub fn http_client(cfg: &RetailConfig) -> Result<reqwest::Client, RetailError> {
    reqwest::Client::builder()
        .timeout(Duration::from_millis(cfg.webhook_timeout_ms))
        .connect_timeout(Duration::from_millis(cfg.webhook_timeout_ms.min(5_000)))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("till-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| RetailError::internal(format!("webhook client: {e}")))
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
