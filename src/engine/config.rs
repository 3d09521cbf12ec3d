//! The data directory's `till.toml`: who the merchant is and how each business area is set up.
//!
//! Common settings are parsed here; each area reads its own section with [`EngineConfig::section`]
//! so areas stay independent.

use std::path::Path;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::EngineError;

/// The config file inside a data directory.
pub const CONFIG_FILE: &str = "till.toml";

/// The demo configuration an empty data directory starts with.
pub const DEMO_CONFIG: &str = include_str!("../../assets/demo/till.toml");

/// The merchant this engine serves.
#[derive(Debug, Clone, Deserialize)]
pub struct Merchant {
    /// `merchantId` the gift service expects.
    pub merchant_id: i64,
    pub name: String,
    /// Default currency code, e.g. "EUR".
    pub currency: String,
    /// Default locale tag, e.g. "de-DE".
    pub locale: String,
}

/// The terminal id of a till whose `[store]` names none.
pub const DEFAULT_TERMINAL_ID: &str = "T01";

/// `[store]`: the store this till stands in and the terminal it is. Read once, here, for every
/// area (gift journal, shifts, receipts, the demo catalogue, the till's terminal info).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreConfig {
    /// Empty when the till is not configured for a store.
    pub store_id: String,
    /// The receipt header's first line; the merchant's name when absent.
    pub name: Option<String>,
    /// Lines: street, then "postal code and city".
    pub address: Vec<String>,
    pub country: String,
    /// Never empty: [`DEFAULT_TERMINAL_ID`] when `till.toml` names none.
    pub terminal_id: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StoreSection {
    store_id: String,
    name: Option<String>,
    address: Vec<String>,
    country: String,
    terminal_id: Option<String>,
}

impl From<StoreSection> for StoreConfig {
    fn from(s: StoreSection) -> StoreConfig {
        let terminal_id = s.terminal_id.filter(|t| !t.is_empty()).unwrap_or_else(|| DEFAULT_TERMINAL_ID.to_string());
        StoreConfig { store_id: s.store_id, name: s.name, address: s.address, country: s.country, terminal_id }
    }
}

/// The parsed configuration.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    pub merchant: Merchant,
    pub store: StoreConfig,
    raw: toml::Table,
}

impl EngineConfig {
    /// Reads `till.toml` from the data directory, writing the demo one first when there is none.
    pub fn load_or_init(data_dir: &Path) -> Result<EngineConfig, EngineError> {
        let path = data_dir.join(CONFIG_FILE);
        if !path.exists() {
            std::fs::write(&path, DEMO_CONFIG).map_err(|source| EngineError::Io { path: path.clone(), source })?;
        }
        let text = std::fs::read_to_string(&path).map_err(|source| EngineError::Io { path: path.clone(), source })?;
        EngineConfig::parse(&text).map_err(|e| EngineError::Config(format!("{}: {e}", path.display())))
    }

    /// Parses the text of a `till.toml`.
    pub fn parse(text: &str) -> Result<EngineConfig, String> {
        let raw: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        let merchant = raw
            .get("merchant")
            .cloned()
            .ok_or_else(|| "missing [merchant] section".to_string())?
            .try_into::<Merchant>()
            .map_err(|e| format!("[merchant]: {e}"))?;
        let store = match raw.get("store") {
            None => StoreSection::default(),
            Some(v) => v.clone().try_into::<StoreSection>().map_err(|e| format!("[store]: {e}"))?,
        };
        Ok(EngineConfig { merchant, store: store.into(), raw })
    }

    /// Deserializes one section (e.g. `gift_program`, `retail`, `receipt`); a missing section gives
    /// the type's default.
    pub fn section<T: DeserializeOwned + Default>(&self, name: &str) -> Result<T, EngineError> {
        match self.raw.get(name) {
            None => Ok(T::default()),
            Some(v) => v.clone().try_into::<T>().map_err(|e| EngineError::Config(format!("[{name}]: {e}"))),
        }
    }
}
