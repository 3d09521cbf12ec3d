//! The deliverer: one task per lane with something due, each attempt signed, checked by the
//! address guard and recorded; failures retried with backoff and jitter.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::Sha256;

use super::guard::{AddressGuard, GuardedResolver};
use super::repo::{self, Due};
use super::{Retry, Signing, shared_guard};
use crate::engine::{Engine, EngineError};
use crate::ledger::LedgerError;

/// Retail webhook headers (the [`Signing::TillWebhookV1`] scheme).
const HEADER_ID: &str = "Till-Webhook-Id";
const HEADER_TIMESTAMP: &str = "Till-Webhook-Timestamp";
const HEADER_SIGNATURE: &str = "Till-Webhook-Signature";

/// Lanes looked at per round, and messages taken per lane.
const LANES_PER_ROUND: u32 = 256;
const PER_LANE: u32 = 16;

/// How much longer than its request timeout a delivery attempt holds its message.
const LEASE_MARGIN_MS: u64 = 5_000;

/// `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`.
pub(crate) fn till_webhook_signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else { return String::new() };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

fn hmac_hex(key: &str, body: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key.as_bytes()) else { return String::new() };
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// The delay before retry number `attempt` (1 = first retry): doubling from `base_ms`, capped at
/// `max_ms`, jittered into the upper half so many failing receivers do not retry in lockstep.
pub fn backoff(retry: &Retry, attempt: u32) -> Duration {
    let exp = retry.base_ms.saturating_mul(1u64 << attempt.saturating_sub(1).min(30));
    let capped = exp.min(retry.max_ms).max(1);
    Duration::from_millis(rand::rng().random_range(capped / 2..=capped))
}

/// The outbox's HTTP client: names resolve only through the guard, no redirects, no proxies.
fn http_client(guard: Arc<AddressGuard>) -> Result<reqwest::Client, EngineError> {
    reqwest::Client::builder()
        .dns_resolver(Arc::new(GuardedResolver::new(guard)))
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .user_agent(concat!("till-outbox/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| EngineError::Config(format!("outbox HTTP client: {e}")))
}

/// Attempts one delivery; `Ok(())` on a 2xx.
async fn attempt(engine: &Engine, http: &reqwest::Client, guard: &AddressGuard, d: &Due) -> Result<(), String> {
    let url = guard.check_before_connect(&d.url).map_err(|e| format!("refused by the outbox's address guard: {e}"))?;
    let mut req = http.post(url).timeout(Duration::from_millis(d.retry.timeout_ms.max(1)));
    if !d.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type")) {
        req = req.header(reqwest::header::CONTENT_TYPE, "application/json");
    }
    for (k, v) in &d.headers {
        req = req.header(k.as_str(), v.as_str());
    }
    match &d.signing {
        Signing::None => {}
        Signing::TillWebhookV1 { secret } => {
            let ts = engine.now_secs();
            req = req
                .header(HEADER_ID, &d.event_id)
                .header(HEADER_TIMESTAMP, ts.to_string())
                .header(HEADER_SIGNATURE, till_webhook_signature(secret, ts, &d.body));
        }
        Signing::HmacSha256Hex { header, key } => req = req.header(header.as_str(), hmac_hex(key, &d.body)),
    }
    let response = req.body(d.body.clone()).send().await.map_err(|e| {
        // reqwest's Display hides the cause (the guard's refusal, a refused connection): keep it.
        let mut msg = format!("request failed: {e}");
        let mut src = std::error::Error::source(&e);
        while let Some(s) = src {
            msg.push_str(&format!(": {s}"));
            src = s.source();
        }
        msg
    })?;
    if response.status().is_success() { Ok(()) } else { Err(format!("receiver answered {}", response.status())) }
}

/// One attempt and its outcome recorded: delivered, retry later, or given up.
/// `Ok(false)`: another server holds this message's lease, so the lane is left to it for now.
async fn deliver_one(
    engine: &Engine,
    http: &reqwest::Client,
    guard: &AddressGuard,
    d: Due,
) -> Result<bool, LedgerError> {
    let (lane, event_id, seen, now) = (d.lane.clone(), d.event_id.clone(), d.attempts, engine.now_ns());
    let lease_ms = d.retry.timeout_ms.saturating_add(LEASE_MARGIN_MS);
    let lease_until = now.saturating_add(i64::try_from(lease_ms).unwrap_or(i64::MAX / 2).saturating_mul(1_000_000));
    let leased =
        engine.ledger().write(move |tx| repo::lease(tx.sql(), &lane, &event_id, seen, now, lease_until)).await?;
    if !leased {
        return Ok(false);
    }
    let outcome = attempt(engine, http, guard, &d).await;
    let attempts = d.attempts.saturating_add(1);
    // The engine's one clock: retry times follow it, so a test's manual clock drives them too.
    let now = engine.now_ns();
    let (state, next, error) = match outcome {
        Ok(()) => ("delivered", now, None),
        Err(e) if attempts >= d.retry.max_attempts => ("failed", now, Some(e)),
        Err(e) => {
            let delay = i64::try_from(backoff(&d.retry, attempts).as_nanos()).unwrap_or(i64::MAX);
            ("pending", now.saturating_add(delay), Some(e))
        }
    };
    if let Some(e) = &error {
        tracing::info!(lane = %d.lane, event = %d.event_id, attempts, "outbox delivery failed: {e}");
    }
    engine
        .ledger()
        .write(move |tx| repo::record(tx.sql(), &d.lane, &d.event_id, state, attempts, next, error.as_deref()))
        .await?;
    Ok(true)
}

/// The deliverer's state: a task per lane in flight. Dropping it stops them (rows stay pending).
pub struct Deliverer {
    engine: Engine,
    http: reqwest::Client,
    guard: Arc<AddressGuard>,
    tasks: tokio::task::JoinSet<()>,
    busy: HashMap<tokio::task::Id, String>,
    /// Retry policies by lane prefix, overriding the one stored with a message.
    policies: Vec<(String, Retry)>,
}

impl Deliverer {
    /// A deliverer for this engine, with the guard of its `[outbox]` section.
    pub fn new(engine: &Engine) -> Result<Deliverer, EngineError> {
        let guard = shared_guard(engine)?;
        let http = http_client(Arc::clone(&guard))?;
        Ok(Deliverer {
            engine: engine.clone(),
            http,
            guard,
            tasks: tokio::task::JoinSet::new(),
            busy: HashMap::new(),
            policies: Vec::new(),
        })
    }

    /// Messages whose lane starts with `prefix` use `retry` instead of the policy stored with
    /// them, so an area's settings (e.g. `[retail] webhook_*`) also apply to what is queued.
    pub fn policy(mut self, prefix: &str, retry: Retry) -> Deliverer {
        self.policies.push((prefix.to_string(), retry));
        self
    }

    fn reap(&mut self) {
        while let Some(done) = self.tasks.try_join_next_with_id() {
            let id = match done {
                Ok((id, ())) => id,
                Err(e) => {
                    // Panicked or cancelled: its rows stay pending and are tried again.
                    tracing::warn!("outbox task: {e}");
                    e.id()
                }
            };
            self.busy.remove(&id);
        }
    }

    /// Starts a task for every lane that has something due and no task running. Returns how
    /// many messages were handed out.
    pub fn start_due(&mut self) -> Result<usize, LedgerError> {
        self.reap();
        let busy: HashSet<String> = self.busy.values().cloned().collect();
        let now = self.engine.now_ns();
        let lanes = self.engine.ledger().read_sql(|sql| repo::due_lanes(sql, now, LANES_PER_ROUND))?;
        let mut handed = 0;
        for lane in lanes.into_iter().filter(|l| !busy.contains(l)) {
            let mut queue = self.engine.ledger().read_sql(|sql| repo::due_in_lane(sql, &lane, now, PER_LANE))?;
            if let Some((_, retry)) = self.policies.iter().find(|(p, _)| lane.starts_with(p.as_str())) {
                queue.iter_mut().for_each(|d| d.retry = *retry);
            }
            handed += queue.len();
            let (engine, http, guard) = (self.engine.clone(), self.http.clone(), Arc::clone(&self.guard));
            let task = self.tasks.spawn(async move {
                for d in queue {
                    match deliver_one(&engine, &http, &guard, d).await {
                        Ok(true) => {}
                        // Another server is delivering this lane; it keeps the lane's order.
                        Ok(false) => break,
                        Err(e) => {
                            // Not recorded: the row stays pending and is picked up again.
                            tracing::warn!("recording an outbox delivery: {e}");
                            break;
                        }
                    }
                }
            });
            self.busy.insert(task.id(), lane);
        }
        Ok(handed)
    }

    /// Lanes with a delivery task running.
    pub fn busy(&self) -> usize {
        self.busy.len()
    }

    /// Waits until every running task has finished (tests, shutdown).
    pub async fn settle(&mut self) {
        while self.tasks.join_next().await.is_some() {}
        self.busy.clear();
    }

    /// Runs until dropped: looks for due messages every 200 ms (20 ms while lanes are busy).
    pub async fn run(mut self) {
        loop {
            let pause = match self.start_due() {
                Ok(0) => Duration::from_millis(200),
                Ok(_) => Duration::from_millis(20),
                Err(e) => {
                    tracing::warn!("outbox: {e}");
                    Duration::from_secs(1)
                }
            };
            tokio::time::sleep(pause).await;
        }
    }
}

/// Starts `deliverer` on the current runtime; aborting the handle stops it (nothing is lost).
pub fn start(deliverer: Deliverer) -> tokio::task::JoinHandle<()> {
    tokio::spawn(deliverer.run())
}

/// Delivers everything due once and waits for it (tests, tools).
pub async fn deliver_due(engine: &Engine) -> Result<usize, EngineError> {
    let mut d = Deliverer::new(engine)?;
    let n = d.start_due()?;
    d.settle().await;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_cover_timestamp_and_body() {
        let a = till_webhook_signature("whsec_x", 1_700_000_000, b"{\"a\":1}");
        assert!(a.starts_with("v1=") && a.len() == 3 + 64);
        assert_ne!(a, till_webhook_signature("whsec_x", 1_700_000_001, b"{\"a\":1}"));
        assert_ne!(a, till_webhook_signature("whsec_x", 1_700_000_000, b"{\"a\":2}"));
        assert_ne!(a, till_webhook_signature("whsec_y", 1_700_000_000, b"{\"a\":1}"));
        // RFC 4231 test case 2 for the plain scheme.
        assert_eq!(
            hmac_hex("Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn backoff_doubles_within_jitter_and_caps() {
        let retry = Retry { base_ms: 100, max_ms: 1_000, ..Retry::default() };
        for _ in 0..50 {
            let first = backoff(&retry, 1).as_millis();
            assert!((50..=100).contains(&first), "{first}");
            let third = backoff(&retry, 3).as_millis();
            assert!((200..=400).contains(&third), "{third}");
            let late = backoff(&retry, 40).as_millis();
            assert!((500..=1_000).contains(&late), "{late}");
        }
    }
}
