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

/// The parsed configuration.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    pub merchant: Merchant,
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
        Ok(EngineConfig { merchant, raw })
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
