//! The data directory's `till.toml`: who the merchant is and how each business area is set up.
//!
//! Common settings are parsed here; each area reads its own section with [`EngineConfig::section`]
//! so areas stay independent.

use std::path::Path;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::EngineError;
use super::domain::{StoreId, TerminalId};

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
    /// `None` when the till is not configured for a store.
    pub store_id: Option<StoreId>,
    /// The receipt header's first line; the merchant's name when absent.
    pub name: Option<String>,
    /// Lines: street, then "postal code and city".
    pub address: Vec<String>,
    pub country: String,
    /// Never empty: [`DEFAULT_TERMINAL_ID`] when `till.toml` names none.
    pub terminal_id: TerminalId,
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

impl StoreConfig {
    /// The store id as text for the wire and the journal: empty when the till names no store.
    pub fn store_code(&self) -> String {
        self.store_id.as_ref().map(StoreId::to_string).unwrap_or_default()
    }
}

impl TryFrom<StoreSection> for StoreConfig {
    type Error = String;
    fn try_from(s: StoreSection) -> Result<StoreConfig, String> {
        let store_id = Some(s.store_id.trim()).filter(|id| !id.is_empty()).map(StoreId::parse).transpose();
        let terminal = s.terminal_id.filter(|t| !t.trim().is_empty());
        let terminal_id = TerminalId::parse(terminal.as_deref().unwrap_or(DEFAULT_TERMINAL_ID));
        Ok(StoreConfig {
            store_id: store_id.map_err(|e| format!("[store] store_id: {e}"))?,
            name: s.name,
            address: s.address,
            country: s.country,
            terminal_id: terminal_id.map_err(|e| format!("[store] terminal_id: {e}"))?,
        })
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
        Ok(EngineConfig { merchant, store: store.try_into()?, raw })
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
