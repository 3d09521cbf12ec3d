//! The till's tenders on its own engine: `[tenders]` of the data directory's till.toml, with every
//! extension tender left at its default pointed at the engine's `/instore` as the till's own
//! tenant (made on first use, its key sealed like every tenant key). Here because it joins the
//! engine (the key) and the client (the config): the wiring layer.

use crate::client::tender::{OWN_TENANT, TenderConfig};
use crate::engine::Engine;
use crate::engine::extensions::tenants;

/// The resolved tender configuration of the till whose engine is `engine`, served at `engine_url`.
pub fn embedded(engine: &Engine, engine_url: &str) -> Result<TenderConfig, String> {
    let path = engine.data_dir().join("till.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let cfg = TenderConfig::from_toml(&text)?;
    let key = tenants::own_key_blocking(engine, OWN_TENANT).map_err(|e| e.to_string())?;
    cfg.resolve(engine_url, &key)
}
