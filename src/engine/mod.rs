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
//! | `domain`     | the identifiers parsed once: card numbers, store ids, terminal ids    |
//! | `cards`      | card numbers, PINs, track/barcode parsing, the gift card program     |
//! | `gift`       | sell, reload, balance, redeem, reverse, cash-out, exchange, refund…   |
//! | `tokens`     | API bearer tokens (stored hashed)                                     |
//! | `catalog`    | stores, products, POR code stock, partner balance                     |
//! | `retail`     | two-step retail orders, receipt lines, settlements, webhooks          |
//! | `outbox`     | durable, signed, retried HTTP callbacks behind the address guard (SSRF) |
//! | `users`      | cashiers, managers, trainers, PINs, sessions                          |
//! | `roles`      | who may do what at the till: the acts a cashier needs a manager for   |
//! | `approvals`  | the audit of gated acts that move no money (settings, unlocks), with the approver |
//! | `receipts`   | stored receipts with per-terminal numbering, for reprints             |
//! | `shifts`     | shifts, the drawer: float, paid-in/out, no-sale, blind close          |
//! | `reports`    | X and Z reports (Z chain), liability and breakage, settlements        |
//! | `demo`       | the demo data an empty data directory starts with                     |
//! | `spots`      | table spots, wallets, MAC clients, wallet transactions (`/rest/v1`)  |
//! | `secrets`    | the data directory's key file; sealing of stored secrets (MAC keys)   |
//! | `extensions` | the payment extensions of `/instore`: card simulator, stored value, pay on account |
//! | `tasks`      | the handle of an area's background tasks (dropping it stops them)     |
//! | `training`   | scenario files, the fault seam of the practice engine, scoring        |

pub mod accounts;
pub mod api_tokens;
pub mod approvals;
pub mod cards;
pub mod catalog;
pub mod config;
pub mod demo;
pub mod domain;
pub mod extensions;
pub mod gift;
pub mod outbox;
pub mod receipts;
pub mod reports;
pub mod retail;
pub mod roles;
pub mod secrets;
pub mod shifts;
pub mod spots;
pub mod tasks;
pub mod terminals;
pub mod tokens;
pub mod training;
pub mod user_admin;
pub mod users;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::ledger::{Clock, Ledger, LedgerError, Migration, SystemClock};

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

/// `[storage]` of `till.toml`: where the ledger and the engine's tables live.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageConfig {
    /// `postgres://user@host:port/db` for a chain's shared database; unset: `<data>/ledger.sqlite`.
    pub url: Option<String>,
}

/// Where the ledger lives: `database` if given, else `[storage] url`, else the data directory's file.
pub fn storage_location(
    data_dir: &Path,
    config: &EngineConfig,
    database: Option<&str>,
) -> Result<crate::store::Location, EngineError> {
    let storage: StorageConfig = config.section("storage")?;
    match database.map(str::to_string).or(storage.url) {
        Some(url) => crate::store::Location::parse(&url).map_err(|e| EngineError::Config(e.to_string())),
        None => Ok(crate::store::Location::Sqlite(data_dir.join(LEDGER_FILE))),
    }
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
    /// What this engine keeps in memory between requests (never process-global: two engines in
    /// one process, or one opened again, share nothing).
    memory: Memory,
    /// The one clock of the engine, shared with the ledger: expiries are computed and compared on it.
    clock: Arc<dyn Clock>,
    config: EngineConfig,
    data_dir: PathBuf,
    secrets: secrets::Secrets,
    /// The practice ledger of training (`till --training`): trainers may work here, and only here.
    practice: bool,
    /// The fault seam of training: only the practice engine has one (`training::faults`).
    faults: Option<training::Faults>,
}

/// The engine's memory, built in [`Engine::open_with_clock`].
#[derive(Default)]
pub(crate) struct Memory {
    /// The gift program, merchant and store, read from the configuration on first use.
    pub(crate) gift_setup: std::sync::OnceLock<Arc<gift::Setup>>,
    /// Bearer tokens checked in the last moments.
    pub(crate) tokens: tokens::TokenCache,
    /// Retail requests running in this process, by (client, Idempotency-Key).
    pub(crate) in_flight: retail::idempotency::Running,
}

/// The ledger file inside a data directory.
pub const LEDGER_FILE: &str = "till.sqlite";

/// Every domain migration, in the order they apply (after the ledger's own).
/// Every component's migrations after the ledger's own, in the order they apply.
pub fn migrations() -> Vec<Migration> {
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
        extensions::MIGRATIONS,
        shifts::MIGRATIONS,
        reports::MIGRATIONS,
        terminals::MIGRATIONS,
        approvals::MIGRATIONS,
    ]
    .concat()
}

impl Engine {
    /// Opens the data directory, creating and seeding it when it is new.
    pub fn open(data_dir: &Path, options: OpenOptions) -> Result<Engine, EngineError> {
        Engine::open_with_clock(data_dir, options, Arc::new(SystemClock))
    }

    /// [`Engine::open`] for the practice ledger of training: the one engine a trainer may move
    /// money on ([`roles`]).
    pub fn open_practice(data_dir: &Path, options: OpenOptions) -> Result<Engine, EngineError> {
        let engine = Engine::open(data_dir, options)?;
        let inner = Inner {
            ledger: engine.inner.ledger.clone(),
            clock: Arc::clone(&engine.inner.clock),
            config: engine.inner.config.clone(),
            data_dir: engine.inner.data_dir.clone(),
            secrets: engine.inner.secrets.clone(),
            memory: Memory::default(),
            practice: true,
            faults: Some(training::Faults::for_practice()),
        };
        Ok(Engine { inner: Arc::new(inner) })
    }

    /// Whether this is the practice ledger of training.
    pub fn is_practice(&self) -> bool {
        self.inner.practice
    }

    /// The fault seam, on the practice engine only.
    pub(crate) fn training_faults(&self) -> Option<&training::Faults> {
        self.inner.faults.as_ref()
    }

    /// [`Engine::open`] on a given clock (tests and training scenarios move time with a
    /// `ManualClock`); the ledger runs on the same clock.
    pub fn open_with_clock(
        data_dir: &Path,
        options: OpenOptions,
        clock: Arc<dyn Clock>,
    ) -> Result<Engine, EngineError> {
        Engine::open_on(data_dir, None, options, clock)
    }

    /// [`Engine::open_with_clock`] with the ledger at `database` (a `postgres://` URL or a SQLite
    /// path) instead of the data directory's own file. Without one, `[storage] url` of the data
    /// directory's `till.toml` decides, and without that the ledger is `<data>/ledger.sqlite`.
    /// The data directory still holds `till.toml`, the sealing key and the logs.
    pub fn open_on(
        data_dir: &Path,
        database: Option<&str>,
        options: OpenOptions,
        clock: Arc<dyn Clock>,
    ) -> Result<Engine, EngineError> {
        std::fs::create_dir_all(data_dir).map_err(|source| EngineError::Io { path: data_dir.to_path_buf(), source })?;
        let config = EngineConfig::load_or_init(data_dir)?;
        let location = storage_location(data_dir, &config, database)?;
        let (ledger, fresh) = Ledger::open_at(&location, &migrations(), Arc::clone(&clock))?;
        // Before any engine write, so every group's transfers are summarised for the reports.
        ledger.set_group_hook(Arc::new(reports::flow::summarise))?;
        let secrets = secrets::Secrets::open_or_create(data_dir)?;
        let inner = Inner {
            ledger,
            memory: Memory::default(),
            clock,
            config,
            data_dir: data_dir.to_path_buf(),
            secrets,
            practice: false,
            faults: None,
        };
        let engine = Engine { inner: Arc::new(inner) };
        if fresh && options.demo {
            demo::seed(&engine)?;
        }
        Ok(engine)
    }

    pub fn ledger(&self) -> &Ledger {
        &self.inner.ledger
    }

    /// Now on the engine's clock, nanoseconds since the Unix epoch.
    pub fn now_ns(&self) -> i64 {
        i64::try_from(self.inner.clock.now_ns()).unwrap_or(i64::MAX)
    }

    /// Now on the engine's clock, seconds since the Unix epoch.
    pub fn now_secs(&self) -> i64 {
        self.now_ns() / 1_000_000_000
    }

    /// The one async read path: runs a synchronous read of the engine (anything that reads
    /// through `Ledger::read_sql`) on tokio's blocking pool, so an async worker never waits on
    /// the database. Every API handler reads through this.
    pub async fn read_async<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&Engine) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<LedgerError> + Send + 'static,
    {
        let engine = self.clone();
        match tokio::task::spawn_blocking(move || f(&engine)).await {
            Ok(result) => result,
            Err(e) => Err(E::from(LedgerError::Invalid(format!("a read task failed: {e}")))),
        }
    }

    pub(crate) fn memory(&self) -> &Memory {
        &self.inner.memory
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
