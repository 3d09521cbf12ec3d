//! The payment extensions a store's POS platform calls (`seeds/payment-extensions-api.txt`):
//! a card processor simulator, stored value on the store's own gift cards, digital wallet on the
//! customers' wallets, and pay on account on credit-limited ledger accounts.
//!
//! Every state-changing request runs once: [`once`] looks its key up (a `requestId`,
//! `reference`, `cartKey`, or the request's fingerprint where the seed gives no key) inside the
//! same ledger write that applies it, so a replay returns the stored first reply and never
//! applies twice, whatever races in.
//!
//! | file                | owns                                                                 |
//! |---------------------|----------------------------------------------------------------------|
//! | `config.rs`         | `[instore]` of till.toml: simulator rules, PED registry, callbacks   |
//! | `tenants.rs`        | tenants, their verification keys (sealed), HMAC signing              |
//! | `card.rs`           | the card processor simulator: authorise, capture, refund, cancel     |
//! | `stored_value.rs`   | stored value on the gift cards: the async envelope and its work      |
//! | `callbacks.rs`      | callbacks and status updates, queued on the shared outbox            |
//! | `wallet.rs`         | digital wallet on the spots wallets: single-use codes, pay, refund, cancel |
//! | `pay_on_account.rs` | pay-on-account lines: create, credit, inquiry, update, charge, log    |
//! | `background.rs`     | the stored-value worker (envelopes left `accepted`)                  |
//! | `repo.rs`           | every SQL statement of this area                                     |

pub mod background;
pub mod callbacks;
pub mod card;
pub mod config;
pub mod pay_on_account;
mod repo;
mod schema;
pub mod settlement;
pub mod stored_value;
pub mod tenants;
pub mod wallet;

use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use super::{Engine, EngineError};
use crate::ledger::{LedgerError, Migration, WriteTx};
use crate::store::StoreError;

pub use config::InstoreConfig;

/// Domain tables of this area.
pub const MIGRATIONS: &[Migration] = schema::MIGRATIONS;

/// Why a request could not be handled at all (business declines are replies, not errors).
#[derive(Debug, thiserror::Error)]
pub enum ExtError {
    /// Malformed: a field missing or out of form.
    #[error("{0}")]
    Invalid(String),
    /// No such tenant, or its key or API key does not match.
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    NotFound(String),
    /// The idempotency key was used before for a different request.
    #[error("{0}")]
    Conflict(String),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<LedgerError> for ExtError {
    fn from(e: LedgerError) -> ExtError {
        ExtError::Internal(e.to_string())
    }
}

impl From<StoreError> for ExtError {
    fn from(e: StoreError) -> ExtError {
        ExtError::Internal(e.to_string())
    }
}

impl From<EngineError> for ExtError {
    fn from(e: EngineError) -> ExtError {
        ExtError::Internal(e.to_string())
    }
}

/// What makes a request the same request: who sent it, which action, its key, and a fingerprint
/// of its content (so a different request reusing the key is refused, not answered with the
/// first one's reply).
#[derive(Debug, Clone)]
pub struct Once {
    pub tenant: String,
    pub action: &'static str,
    pub key: String,
    pub fingerprint: String,
}

impl Once {
    pub fn new(tenant: &str, action: &'static str, key: impl Into<String>, fingerprint: &str) -> Once {
        Once { tenant: tenant.to_string(), action, key: key.into(), fingerprint: fingerprint.to_string() }
    }
}

/// The SHA-256 (hex) of a request's canonical content, its fingerprint.
pub fn fingerprint(canonical: &[u8]) -> String {
    hex::encode(Sha256::digest(canonical))
}

/// The fingerprint of a closed key (a cancelled reference): every request with that key gets the
/// stored reply, whatever its content.
pub(crate) const TOMBSTONE: &str = "tombstone";

/// Inside a write: the stored reply of `once`, or `f`'s reply, stored with it in the same commit.
/// `f` returning `Err` rolls everything back and stores nothing (the request may be sent again).
pub(crate) fn once_in<T, F>(tx: &mut WriteTx<'_>, once: &Once, f: F) -> Result<T, ExtError>
where
    T: Serialize + DeserializeOwned,
    F: FnOnce(&mut WriteTx<'_>) -> Result<T, ExtError>,
{
    if let Some((fp, reply)) = repo::stored_reply(tx.sql(), &once.tenant, once.action, &once.key)? {
        if fp != once.fingerprint && fp != TOMBSTONE {
            return Err(ExtError::Conflict(format!(
                "{} {:?} was already used for a different {} request.",
                key_name(once.action),
                once.key,
                once.action
            )));
        }
        return serde_json::from_str(&reply).map_err(|e| ExtError::Internal(format!("stored reply: {e}")));
    }
    let reply = f(tx)?;
    let json = serde_json::to_string(&reply).map_err(|e| ExtError::Internal(format!("reply: {e}")))?;
    let now = i64::try_from(tx.now()).unwrap_or(i64::MAX);
    repo::store_reply(tx.sql(), once, &json, now)?;
    Ok(reply)
}

fn key_name(action: &str) -> &'static str {
    match action {
        "capture_payment" => "cartKey",
        "collect_credit_payment" | "create_credit_refund" => "reference",
        _ => "The idempotency key",
    }
}

/// The configured `[instore]` section (defaults: the demo simulator rules and PEDs).
pub fn config(engine: &Engine) -> Result<InstoreConfig, ExtError> {
    Ok(engine.config().section::<InstoreConfig>("instore")?)
}

/// `n` random bytes as lowercase hex.
pub(crate) fn random_hex(n: usize) -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..n).map(|_| format!("{:02x}", rng.random::<u8>())).collect()
}
