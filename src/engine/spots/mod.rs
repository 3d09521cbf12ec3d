//! Table spots and wallets, as `seeds/wallet-spots-api.txt` and the reference wallet client
//! describe them: the store is a location with spots (tables) whose QR code is
//! `PAYSERA*<location>:<identifier>`; customers' wallet apps check in, the merchant puts orders on
//! the spot, and each order carries a transaction the customer reserves from the wallet and the
//! merchant confirms (or revokes).
//!
//! | file           | owns                                                                     |
//! |----------------|--------------------------------------------------------------------------|
//! | `wallets`      | wallets as ledger accounts; the small wallet API other areas build on    |
//! | `clients`      | MAC clients (merchant / user), their sealed keys, the nonce replay store |
//! | `places`       | spots, check-ins, orders and the spot status rules                       |
//! | `transactions` | transactions: new → reserved → confirmed / revoked / rejected, expiry    |
//! | `cash`         | an order paid by other means: cash into the till's drawer, order closed  |
//! | `background`   | the expiry sweeper; configured spots and the till's credential at start  |
//! | `repo`         | every SQL statement of this area (through `store::Sql`)                  |
//!
//! ## Ledger
//!
//! - A wallet is an account of code `WALLET` (a liability to its holder, credit balance, with
//!   `debits_must_not_exceed_credits`), funded by a balanced transfer from `WALLET_FUNDING`.
//! - The store's side is the location's `WALLET_CLEARING` account: a reserve is one pending
//!   transfer per payment wallet → clearing (a linked chain), confirm posts each (partially when
//!   lowered), revoke and expiry void them. So the merchant's "wallet" is the clearing account.
//!
//! ## The wallet API for other areas (e.g. the digital-wallet payment extension)
//!
//! - [`wallets::wallet`]`(engine, id)`: the wallet (name, currency) or `None`;
//! - [`wallets::balance`]`(engine, id)`: at disposal and reserved, in minor units;
//! - [`wallets::charge`]`(tx, id, amount, key)`: inside a `Ledger::write`, one posted transfer
//!   wallet → the location's clearing account; `key` makes it idempotent (same key, same transfer);
//!   `Ok(Err(Decline::…))` when the wallet holds too little (nothing changed);
//! - [`wallets::refund`]`(tx, id, amount, key)`: the reverse transfer clearing → wallet.

pub mod background;
pub mod cash;
pub mod clients;
pub mod places;
pub mod repo;
pub mod transactions;
pub mod wallets;

use serde::Deserialize;

use super::{Engine, EngineError};
use crate::ledger::{LedgerError, Migration};
use crate::money::{Currency, Locale};
use crate::store::StoreError;

pub use clients::{Caller, ClientKind};

/// `[spots]` of till.toml: the location this store is, and how `/rest/v1` behaves.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct SpotsConfig {
    /// The location id in spot codes `PAYSERA*<location_id>:<identifier>`.
    pub location_id: i64,
    pub title: String,
    pub description: Option<String>,
    pub address: Option<String>,
    pub logo_uri: Option<String>,
    /// The spots registered up front (the demo: TABLE1…TABLE6).
    pub spots: Vec<String>,
    /// A MAC `ts` further than this from the server's clock is refused; nonces are kept this long.
    pub mac_window_seconds: u64,
    /// Host and port the MAC string is computed over when the server sits behind a proxy; when
    /// unset, the request's own `Host` header (and the scheme's default port) are used.
    pub public_host: Option<String>,
    pub public_port: Option<u16>,
    /// How long a reservation holds the money when the transaction names no `reserve_for` /
    /// `reserve_until`.
    pub default_reserve_seconds: u32,
    /// How often the sweeper looks for expired reservations.
    pub sweep_interval_ms: u64,
}

impl Default for SpotsConfig {
    fn default() -> Self {
        SpotsConfig {
            location_id: 1,
            title: "Till".into(),
            description: None,
            address: None,
            logo_uri: None,
            spots: Vec::new(),
            mac_window_seconds: 300,
            public_host: None,
            public_port: None,
            default_reserve_seconds: 86_400,
            sweep_interval_ms: 500,
        }
    }
}

impl SpotsConfig {
    /// The `[spots]` section of the engine's configuration.
    pub fn of(engine: &Engine) -> Result<SpotsConfig, EngineError> {
        engine.config().section::<SpotsConfig>("spots")
    }
}

/// The merchant's currency (every wallet and payment is in it) and locale.
pub fn currency(engine: &Engine) -> Result<Currency, SpotsError> {
    Currency::from_code(&engine.config().merchant.currency)
        .map_err(|e| SpotsError::Internal(format!("merchant currency: {e}")))
}

/// The merchant's locale, for messages with amounts.
pub fn locale(engine: &Engine) -> Locale {
    Locale::parse(&engine.config().merchant.locale).unwrap_or(Locale::EnUs)
}

/// Why a spots operation did not happen. The API maps each kind to the seed platform's status.
#[derive(Debug, thiserror::Error)]
pub enum SpotsError {
    /// 400 `invalid_request`: malformed request (bad JSON, wrong types).
    #[error("{0}")]
    InvalidRequest(String),
    /// 400 `invalid_parameters`: well-formed but unacceptable values.
    #[error("{0}")]
    InvalidParameters(String),
    /// 401 `unauthorized`.
    #[error("{0}")]
    Unauthorized(String),
    /// 403 `forbidden`: this client may not do that.
    #[error("{0}")]
    Forbidden(String),
    /// 404 `not_found`.
    #[error("{0}")]
    NotFound(String),
    /// 409 `invalid_state`: not in this state (confirming a revoked transaction, reserving twice…).
    #[error("{0}")]
    InvalidState(String),
    /// Storage or ledger failure: logged, answered 500 without details.
    #[error("internal: {0}")]
    Internal(String),
}

impl From<LedgerError> for SpotsError {
    fn from(e: LedgerError) -> Self {
        SpotsError::Internal(e.to_string())
    }
}

impl From<StoreError> for SpotsError {
    fn from(e: StoreError) -> Self {
        SpotsError::Internal(e.to_string())
    }
}

impl From<EngineError> for SpotsError {
    fn from(e: EngineError) -> Self {
        SpotsError::Internal(e.to_string())
    }
}

/// Domain tables of this area, applied once each, in order.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        component: "spots",
        version: 1,
        sql: "CREATE TABLE spots_wallets (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            currency TEXT NOT NULL,
            location_id INTEGER NOT NULL,
            created_at INTEGER NOT NULL
          );
          CREATE TABLE spots_clients (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('merchant', 'user')),
            name TEXT NOT NULL,
            sealed_key BLOB NOT NULL,
            location_id INTEGER,
            wallet_id INTEGER REFERENCES spots_wallets(id),
            created_at INTEGER NOT NULL
          );
          CREATE TABLE spots_nonces (
            client_id TEXT NOT NULL,
            nonce TEXT NOT NULL,
            ts INTEGER NOT NULL,
            PRIMARY KEY (client_id, nonce)
          );
          CREATE INDEX spots_nonces_ts ON spots_nonces (ts);
          CREATE TABLE spots_spots (
            id INTEGER PRIMARY KEY,
            location_id INTEGER NOT NULL,
            identifier TEXT NOT NULL,
            registered INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('closed', 'waiting', 'opened')),
            session INTEGER NOT NULL DEFAULT 1,
            UNIQUE (location_id, identifier)
          );
          CREATE TABLE spots_checkins (
            client_id TEXT PRIMARY KEY,
            spot_id INTEGER NOT NULL REFERENCES spots_spots(id),
            at INTEGER NOT NULL
          );
          CREATE INDEX spots_checkins_spot ON spots_checkins (spot_id);
          CREATE TABLE spots_transactions (
            key TEXT PRIMARY KEY,
            client_id TEXT NOT NULL,
            location_id INTEGER NOT NULL,
            status TEXT NOT NULL,
            currency TEXT NOT NULL,
            wallet_id INTEGER,
            reserve_seconds INTEGER NOT NULL,
            reserve_until_ns INTEGER,
            callback_uri TEXT,
            created_at INTEGER NOT NULL,
            reserved_at INTEGER,
            confirmed_at INTEGER,
            finished_at INTEGER
          );
          CREATE INDEX spots_transactions_status ON spots_transactions (status, reserve_until_ns);
          CREATE TABLE spots_payments (
            id INTEGER PRIMARY KEY,
            transaction_key TEXT NOT NULL REFERENCES spots_transactions(key),
            description TEXT NOT NULL,
            price INTEGER NOT NULL,
            final_price INTEGER,
            parameters TEXT
          );
          CREATE INDEX spots_payments_txn ON spots_payments (transaction_key);
          CREATE TABLE spots_orders (
            id INTEGER PRIMARY KEY,
            spot_id INTEGER NOT NULL REFERENCES spots_spots(id),
            session INTEGER NOT NULL,
            transaction_key TEXT NOT NULL REFERENCES spots_transactions(key),
            closed INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL
          );
          CREATE INDEX spots_orders_spot ON spots_orders (spot_id, session);
          CREATE INDEX spots_orders_txn ON spots_orders (transaction_key);",
    },
    Migration {
        component: "spots",
        version: 2,
        // Orders paid by other means at the till: which drawer took the cash (`cash.rs`).
        sql: "CREATE TABLE spots_cash (
            order_id INTEGER PRIMARY KEY REFERENCES spots_orders(id),
            terminal TEXT NOT NULL,
            amount INTEGER NOT NULL,
            at INTEGER NOT NULL
          );",
    },
];

/// Seconds since the Unix epoch of a ledger timestamp (nanoseconds).
pub fn secs(ns: u64) -> i64 {
    i64::try_from(ns / 1_000_000_000).unwrap_or(i64::MAX)
}

/// A random string of `n` ASCII letters and digits (client ids, MAC keys, transaction keys).
pub fn random_alnum(n: usize) -> String {
    use rand::Rng;
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..n).map(|_| char::from(CHARS[rng.random_range(0..CHARS.len())])).collect()
}
