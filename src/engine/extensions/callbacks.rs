//! Stored-value callbacks (results to `callbackUrl`, progress to `statusUrl`) through the shared
//! outbox (`engine::outbox`): durable, retried with backoff and jitter, behind its address guard.
//!
//! A callback is enqueued in the same ledger write as the result it carries, so it exists if and
//! only if the result does, and survives restarts until delivered. Each POST carries:
//!
//! - `X-Signature`: lowercase hex HMAC-SHA256 of the body with the tenant's verification key (the
//!   scheme the POS signs its requests with). The body never changes, so the signature is computed
//!   when the callback is queued and kept as a fixed header: the tenant key itself is never stored
//!   outside its sealed row;
//! - `x-correlation-id`: the one the envelope came with;
//! - `X-Till-Callback-Id`: the callback's id, the same on every retry, for receivers to dedup on.
//!
//! Callbacks to one URL of one tenant share an outbox lane: they go out in order, and a receiver
//! that is down holds up only itself.

use super::config::CallbackConfig;
use super::tenants::Tenant;
use super::{ExtError, random_hex};
use crate::engine::Engine;
use crate::engine::outbox::{self, Message, Retry, Signing};
use crate::store::Sql;

/// Header carrying the callback's id (the same on every retry).
pub const HEADER_ID: &str = "X-Till-Callback-Id";

/// One callback to queue.
pub struct Callback<'a> {
    pub tenant: &'a Tenant,
    pub url: &'a str,
    pub body: &'a str,
    pub correlation_id: Option<&'a str>,
}

/// Queues a callback inside the caller's write.
pub fn enqueue(sql: Sql<'_>, now: u64, cfg: &CallbackConfig, c: &Callback<'_>) -> Result<(), ExtError> {
    let id = format!("cb_{}", random_hex(12));
    let mut headers =
        vec![("X-Signature".to_string(), c.tenant.sign(c.body.as_bytes())), (HEADER_ID.to_string(), id.clone())];
    if let Some(corr) = c.correlation_id {
        headers.push(("x-correlation-id".to_string(), corr.to_string()));
    }
    let msg = Message {
        lane: format!("instore:{}:{}", c.tenant.id, c.url),
        event_id: id,
        url: c.url.to_string(),
        body: c.body.as_bytes().to_vec(),
        headers,
        signing: Signing::None,
        retry: Retry {
            base_ms: cfg.retry_base_ms,
            max_ms: cfg.retry_max_ms,
            max_attempts: cfg.max_attempts,
            timeout_ms: cfg.timeout_ms,
        },
    };
    outbox::enqueue(sql, now, &msg).map_err(|e| ExtError::Internal(format!("callback outbox: {e}")))?;
    Ok(())
}

/// Refuses a callback URL the outbox's address guard would refuse (checked when it is stored).
pub async fn check_url(engine: &Engine, field: &str, url: &str) -> Result<(), ExtError> {
    let guard = outbox::guard(engine)?;
    guard.check_url(url).await.map(|_| ()).map_err(|e| ExtError::Invalid(format!("{field}: {e}")))
}
