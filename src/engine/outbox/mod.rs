//! The outbox: durable, signed, retried delivery of HTTP callbacks for every area (retail
//! webhooks today; spot `callback_uri` and payment-extension `callbackUrl` next), behind one
//! address guard so a callback never reaches where it must not.
//!
//! A message is a row written inside the same `Ledger::write` as the change it reports, so it
//! exists if and only if the change committed, and survives restarts until delivered. One
//! deliverer ([`start`]) POSTs each message's stored body byte for byte, signed at each attempt
//! with the message's scheme ([`Signing`]); a 2xx marks it delivered, anything else is retried
//! after a delay that doubles per attempt (from [`Retry::base_ms`] up to [`Retry::max_ms`], with
//! random jitter in the upper half) until [`Retry::max_attempts`], when it is kept as `failed`.
//! Messages of one *lane* (one receiver: a webhook subscription, a merchant's callback) go out one
//! at a time, so a hanging receiver holds up only its own lane. Redirects are never followed; the
//! address guard ([`guard`]) refuses loopback, link-local, private and this server's own addresses
//! unless `[outbox] allow` in till.toml lists them, at enqueue time (check the URL when you store
//! it) and again at every delivery, when names are resolved and only checked addresses connected.
//!
//! ## How to enqueue
//!
//! ```ignore
//! use crate::engine::outbox::{self, Message, Retry, Signing};
//!
//! // When the URL is stored (a subscription, an order's callback): refuse what the guard refuses.
//! let url = outbox::guard(&engine)?.check_url(&raw_url).await.map_err(|e| bad_request(e.0))?;
//!
//! engine.ledger().write(move |tx| {
//!     // … the domain change and its transfers …
//!     outbox::enqueue(tx.sql(), tx.now(), &Message {
//!         lane: format!("extensions:{tenant}"),          // one receiver: delivered in order
//!         event_id: callback_id,                           // unique in the lane; a repeat is ignored
//!         url: url.to_string(),
//!         body: serde_json::to_vec(&payload)?,             // sent byte for byte
//!         headers: vec![],                                 // extra fixed headers, if any
//!         signing: Signing::HmacSha256Hex { header: "X-Signature".into(), key: tenant_key },
//!         retry: Retry::default(),
//!     })?;
//!     Ok(())
//! }).await?;
//! ```
//!
//! The deliverer runs while the server runs; nothing else is needed. [`lane_counts`] and
//! [`cancel_lane`] serve status pages and unsubscribing.
//!
//! | file         | owns                                                              |
//! |--------------|-------------------------------------------------------------------|
//! | `repo.rs`    | the `outbox_messages` table (through `store::Sql`)                 |
//! | `guard.rs`   | the address guard (SSRF) and the resolver the client connects with |
//! | `deliver.rs` | the deliverer: lanes, attempts, signing, backoff                   |

mod deliver;
pub mod guard;
mod repo;

use std::sync::Arc;

pub(crate) use deliver::till_webhook_signature;
pub use deliver::{Deliverer, backoff, deliver_due, start};
pub use guard::{AddressGuard, OutboxConfig, Refused};
pub use repo::{LaneCounts, MIGRATIONS, cancel_lane, enqueue, lane_counts};

use super::{Engine, EngineError};

/// How a message is signed at each attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signing {
    /// No signature (a receiver that authenticates otherwise, or a test).
    None,
    /// The retail webhook scheme: `Till-Webhook-Id` (the event id), `Till-Webhook-Timestamp` (Unix
    /// seconds of the attempt) and `Till-Webhook-Signature: v1=<hex HMAC-SHA256(secret,
    /// "<timestamp>.<body>")>`.
    TillWebhookV1 { secret: String },
    /// `<header>: <lowercase hex HMAC-SHA256(key, raw body)>` (the payment extensions' `X-Signature`).
    HmacSha256Hex { header: String, key: String },
}

/// A message's retry policy and per-attempt timeout, chosen by the area that enqueues it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// First retry delay; doubles each attempt.
    pub base_ms: u64,
    /// Longest delay between attempts.
    pub max_ms: u64,
    /// After this many failed attempts the message is kept as `failed`.
    pub max_attempts: u32,
    /// How long one attempt may take.
    pub timeout_ms: u64,
}

impl Default for Retry {
    fn default() -> Self {
        Retry { base_ms: 1_000, max_ms: 3_600_000, max_attempts: 30, timeout_ms: 10_000 }
    }
}

/// One callback to deliver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The receiver: messages of a lane are delivered one at a time, oldest first.
    pub lane: String,
    /// Unique within the lane (a second enqueue with the same id is ignored); the receiver's
    /// dedup key, the same on every retry.
    pub event_id: String,
    pub url: String,
    /// Sent byte for byte as `application/json` unless `headers` names another content type.
    pub body: Vec<u8>,
    /// Extra headers sent with every attempt.
    pub headers: Vec<(String, String)>,
    pub signing: Signing,
    pub retry: Retry,
}

/// The address guard of this data directory's `[outbox]` section.
pub fn guard(engine: &Engine) -> Result<AddressGuard, EngineError> {
    let cfg: OutboxConfig = engine.config().section("outbox")?;
    AddressGuard::from_config(&cfg).map_err(EngineError::Config)
}

fn shared_guard(engine: &Engine) -> Result<Arc<AddressGuard>, EngineError> {
    guard(engine).map(Arc::new)
}
