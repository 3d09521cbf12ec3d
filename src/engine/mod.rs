//! The business engine: every operation a till or partner can ask for, built on the ledger.
//!
//! One module per business area. Domain tables live in the ledger's SQLite file (each area
//! contributes its [`Migration`]s), so an operation's transfers and its domain rows commit together
//! in one [`Ledger::write`].
//!
//! | module       | owns                                                                  |
//! |--------------|-----------------------------------------------------------------------|
//! | `accounts`   | the chart of accounts: account codes and how account ids are derived |
//! | `config`     | the data directory's `till.toml` (merchant, store, program, retail)   |
//! | `cards`      | card numbers, PINs, track/barcode parsing, the gift card program     |
//! | `gift`       | sell, reload, balance, redeem, reverse, cash-out, exchange, refund…   |
//! | `tokens`     | API bearer tokens (stored hashed)                                     |
//! | `catalog`    | stores, products, POR code stock, partner balance                     |
//! | `retail`     | two-step retail orders, receipt lines, settlements, webhooks          |
//! | `outbox`     | durable, signed, retried HTTP callbacks behind the address guard (SSRF) |
//! | `users`      | cashiers, managers, trainers, PINs, sessions                          |
//! | `receipts`   | stored receipts with per-terminal numbering, for reprints             |
//! | `demo`       | the demo data an empty data directory starts with                     |
//! | `spots`      | table spots, wallets, MAC clients, wallet transactions (`/rest/v1`)  |
//! | `secrets`    | the data directory's key file; sealing of stored secrets (MAC keys)   |

pub mod accounts;
pub mod cards;
pub mod catalog;
pub mod config;
pub mod demo;
pub mod gift;
pub mod outbox;
pub mod receipts;
pub mod retail;
pub mod secrets;
pub mod spots;
pub mod tokens;
pub mod users;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::ledger::{Ledger, LedgerError, Migration};

pub use config::EngineConfig;

/// Why the engine could not start or could not do its housekeeping.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error("configuration: {0}")]
    Config(String),
    #[error("i/o error on {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Secrets(#[from] secrets::SecretError),
}

/// How to open a data directory.
#[derive(Debug, Clone, Copy)]
pub struct OpenOptions {
    /// Seed an empty data directory with the demo data from `assets/`.
    pub demo: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions { demo: true }
    }
}

/// The engine: owns the ledger and the configuration. Cheap to clone.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    ledger: Ledger,
    config: EngineConfig,
    data_dir: PathBuf,
    secrets: secrets::Secrets,
}

/// The ledger file inside a data directory.
pub const LEDGER_FILE: &str = "till.sqlite";

/// Every domain migration, in the order they apply (after the ledger's own).
fn migrations() -> Vec<Migration> {
    [
        cards::MIGRATIONS,
        gift::MIGRATIONS,
        tokens::MIGRATIONS,
        catalog::MIGRATIONS,
        outbox::MIGRATIONS,
        retail::MIGRATIONS,
        users::MIGRATIONS,
        receipts::MIGRATIONS,
        spots::MIGRATIONS,
    ]
    .concat()
}

impl Engine {
    /// Opens the data directory, creating and seeding it when it is new.
    pub fn open(data_dir: &Path, options: OpenOptions) -> Result<Engine, EngineError> {
        std::fs::create_dir_all(data_dir).map_err(|source| EngineError::Io { path: data_dir.to_path_buf(), source })?;
        let fresh = !data_dir.join(LEDGER_FILE).exists();
        let config = EngineConfig::load_or_init(data_dir)?;
        let ledger = Ledger::open(&data_dir.join(LEDGER_FILE), &migrations())?;
        let secrets = secrets::Secrets::open_or_create(data_dir)?;
        let engine = Engine { inner: Arc::new(Inner { ledger, config, data_dir: data_dir.to_path_buf(), secrets }) };
        if fresh && options.demo {
            demo::seed(&engine)?;
        }
        Ok(engine)
    }

    pub fn ledger(&self) -> &Ledger {
        &self.inner.ledger
    }

    pub fn config(&self) -> &EngineConfig {
        &self.inner.config
    }

    pub fn data_dir(&self) -> &Path {
        &self.inner.data_dir
    }

    /// The data directory's sealing key for stored secrets (MAC keys, extension keys).
    pub fn secrets(&self) -> &secrets::Secrets {
        &self.inner.secrets
    }
}
