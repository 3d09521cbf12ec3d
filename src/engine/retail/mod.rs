//! Two-step retail orders for third-party gift cards, as the distributor's retail order API
//! describes (`seeds/retail-orders-api.txt`): create (preliminary checks and a hold on the partner
//! balance), confirm (post the hold, issue the code or activate the card, print lines) or
//! invalidate; created orders that are never confirmed expire and release their hold.
//!
//! | file          | owns                                                                  |
//! |---------------|-----------------------------------------------------------------------|
//! | `orders`      | the order state machine, each change one `Ledger::write`              |
//! | `lines`       | `receipt_printing.lines` for 24..=64 columns and five locales          |
//! | `settlement`  | per day and store: confirmed, invalidated, face value, commission, net |
//! | `webhooks`    | subscriptions and their events, delivered through `engine::outbox`    |
//! | `idempotency` | stored replies per (client, Idempotency-Key)                          |
//! | `background`  | the expiry sweeper and the outbox deliverer                           |
//! | `error`       | [`RetailError`]: a stable code and an HTTP status, or a storage failure |

pub mod background;
pub mod error;
pub mod idempotency;
pub mod lines;
pub mod orders;
pub mod settlement;
pub mod webhooks;

use serde::{Deserialize, Serialize};

use crate::ledger::Migration;
use crate::money::{Currency, Money};

pub use error::{RetailError, parse_id_hex};
pub use orders::{ConfirmOrder, CreateOrder, OrderState, OrderView};

/// `[retail]` of till.toml.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct RetailConfig {
    /// How long a created order holds the balance before it expires.
    pub order_expiry_seconds: u32,
    /// How often the sweeper looks for expired orders and old idempotency keys.
    pub sweep_interval_ms: u64,
    /// First webhook retry delay; doubles each attempt (with jitter) up to `webhook_retry_max_ms`.
    pub webhook_retry_base_ms: u64,
    pub webhook_retry_max_ms: u64,
    /// After this many failed attempts a delivery is given up (kept as `failed`).
    pub webhook_max_attempts: u32,
    /// Per-attempt timeout of a webhook POST.
    pub webhook_timeout_ms: u64,
    /// Idempotency keys are kept at least this long (24 h minimum).
    pub idempotency_retention_hours: u32,
}

impl Default for RetailConfig {
    fn default() -> Self {
        RetailConfig {
            order_expiry_seconds: 900,
            sweep_interval_ms: 1_000,
            webhook_retry_base_ms: 1_000,
            webhook_retry_max_ms: 3_600_000,
            webhook_max_attempts: 30,
            webhook_timeout_ms: 10_000,
            idempotency_retention_hours: 48,
        }
    }
}

impl RetailConfig {
    /// Reads `[retail]`, falling back to the defaults when the section is missing.
    pub fn of(engine: &crate::engine::Engine) -> Result<RetailConfig, crate::engine::EngineError> {
        engine.config().section("retail")
    }
}

/// Money as the `/v1` surface and its webhooks carry it: a currency code and a decimal string
/// (`{"currency": "EUR", "amount": "100.00"}`); [`DecimalMoney::parse`] checks it against the currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecimalMoney {
    /// ISO 4217 code.
    pub currency: String,
    /// Decimal string with at most the currency's decimals.
    pub amount: String,
}

impl From<Money> for DecimalMoney {
    fn from(m: Money) -> Self {
        DecimalMoney { currency: m.currency().code().to_string(), amount: m.to_plain_string() }
    }
}

impl DecimalMoney {
    /// Parses into money; `field` names the field in the error.
    pub fn parse(&self, field: &str) -> Result<Money, RetailError> {
        let currency = Currency::from_code(self.currency.trim())
            .map_err(|e| RetailError::bad_request("invalid_currency", format!("{field}.currency: {e}")))?;
        let m = Money::parse(self.amount.trim(), currency)
            .map_err(|e| RetailError::bad_request("invalid_amount", format!("{field}.amount: {e}")))?;
        Ok(m)
    }
}

/// Domain tables of this area, applied once each, in order.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        component: "retail",
        version: 1,
        sql: "
CREATE TABLE retail_orders (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    product_code TEXT NOT NULL,
    store_id TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    receipt_id TEXT NOT NULL,
    country TEXT NOT NULL,
    currency TEXT NOT NULL,
    face_minor INTEGER NOT NULL,
    commission_minor INTEGER NOT NULL,
    kind TEXT NOT NULL,
    card_number TEXT,
    characters_per_line INTEGER NOT NULL,
    locale TEXT NOT NULL,
    hold_id TEXT NOT NULL,
    payment_method TEXT,
    receipt_value TEXT,
    lines TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    confirmed_at INTEGER,
    invalidated_at INTEGER,
    expired_at INTEGER
);
CREATE INDEX retail_orders_open ON retail_orders(state, expires_at);
CREATE INDEX retail_orders_card ON retail_orders(card_number, state);
CREATE TABLE retail_posa_cards (
    card_number TEXT PRIMARY KEY,
    product_code TEXT NOT NULL,
    order_id TEXT NOT NULL,
    state TEXT NOT NULL,
    activated_at INTEGER NOT NULL,
    blocked_at INTEGER
);
CREATE TABLE retail_settlement_entries (
    order_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    day TEXT NOT NULL,
    store_id TEXT NOT NULL,
    currency TEXT NOT NULL,
    face_minor INTEGER NOT NULL,
    commission_minor INTEGER NOT NULL,
    net_minor INTEGER NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (order_id, kind)
);
CREATE INDEX retail_settlement_by_day ON retail_settlement_entries(day, store_id);
CREATE TABLE retail_idempotency_keys (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    state TEXT NOT NULL,
    status INTEGER,
    content_type TEXT,
    body BLOB,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX retail_idempotency_age ON retail_idempotency_keys(created_at);
CREATE TABLE retail_webhook_subscriptions (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    events TEXT NOT NULL,
    secret TEXT NOT NULL,
    active INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE retail_webhook_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE retail_webhook_deliveries (
    event_id TEXT NOT NULL,
    subscription_id TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    delivered_at INTEGER,
    PRIMARY KEY (event_id, subscription_id)
);
CREATE INDEX retail_webhook_due ON retail_webhook_deliveries(state, next_attempt_at);
",
    },
    // Webhook deliveries moved to the generic outbox (engine/outbox): what was still pending or
    // failed moves there with its attempts (the lane is the subscription); the old table keeps
    // the delivered history only.
    Migration {
        component: "retail",
        version: 2,
        sql: "
INSERT INTO outbox_messages (lane, event_id, seq, url, body, headers, signing, signing_header, secret, state,
    attempts, max_attempts, retry_base_ms, retry_max_ms, timeout_ms, next_attempt_at, created_at, last_error)
SELECT 'retail-webhook:' || d.subscription_id, d.event_id, e.seq, s.url, CAST(e.body AS BLOB), '[]',
    'till-webhook-v1', NULL, s.secret, d.state, d.attempts, 30, 1000, 3600000, 10000, d.next_attempt_at,
    e.created_at, d.last_error
FROM retail_webhook_deliveries d
JOIN retail_webhook_events e ON e.id = d.event_id
JOIN retail_webhook_subscriptions s ON s.id = d.subscription_id
WHERE d.state IN ('pending', 'failed');
DELETE FROM retail_webhook_deliveries WHERE state IN ('pending', 'failed');
",
    },
];
