//! Tenders through payment extensions, as the seed's POS platform calls them
//! (`payment-extensions-api.txt`): which tenders this till offers and where each extension is
//! (`[tenders]` of till.toml), and a client that signs every request with `X-Signature`.
//!
//! ```toml
//! [tenders]
//! offer = ["cash", "card", "wallet", "account"]   # the default
//! [tenders.card]                # also [tenders.wallet], [tenders.account]
//! url = ""                      # empty: the till's own engine (/instore); else the extension's base URL
//! tenant = ""                   # empty: the till's own tenant on its engine
//! key = ""                      # the shared verification key (empty: the own tenant's)
//! api_key = ""                  # sent as X-API-Key when set
//! timeout_ms = 30000            # how long the till waits for an answer before it cancels
//! ped = "32423424224"           # card only: the PED's registration code
//! ```
//!
//! The embedded default needs no editing: the wiring code (`cli`) fills in the engine's URL and
//! the own tenant's key ([`TenderConfig::resolve`]). The flows that use this client are in
//! `tender_pay.rs`.

use std::time::Duration;

use serde::Deserialize;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::ClientError;

/// A way to pay at the till.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TenderKind {
    Cash,
    Card,
    Wallet,
    Account,
}

/// Where one extension tender is reached.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExtensionConfig {
    pub url: String,
    pub tenant: String,
    pub key: String,
    pub api_key: String,
    pub timeout_ms: u64,
    pub ped: String,
}

impl Default for ExtensionConfig {
    fn default() -> Self {
        ExtensionConfig {
            url: String::new(),
            tenant: String::new(),
            key: String::new(),
            api_key: String::new(),
            timeout_ms: 30_000,
            ped: "32423424224".into(),
        }
    }
}

impl ExtensionConfig {
    /// Whether it is the embedded default (the till's own engine and tenant).
    pub fn embedded(&self) -> bool {
        self.url.trim().is_empty()
    }
}

/// `[tenders]` of till.toml.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TenderConfig {
    pub offer: Vec<TenderKind>,
    pub card: ExtensionConfig,
    pub wallet: ExtensionConfig,
    pub account: ExtensionConfig,
}

impl Default for TenderConfig {
    fn default() -> Self {
        TenderConfig {
            offer: vec![TenderKind::Cash, TenderKind::Card, TenderKind::Wallet, TenderKind::Account],
            card: ExtensionConfig::default(),
            wallet: ExtensionConfig::default(),
            account: ExtensionConfig::default(),
        }
    }
}

/// The tenant name the till uses on its own engine.
pub const OWN_TENANT: &str = "till";

impl TenderConfig {
    /// Reads `[tenders]` from the text of a till.toml (absent: the defaults).
    pub fn from_toml(text: &str) -> Result<TenderConfig, String> {
        let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        match table.get("tenders") {
            None => Ok(TenderConfig::default()),
            Some(v) => v.clone().try_into::<TenderConfig>().map_err(|e| format!("[tenders]: {e}")),
        }
    }

    /// Fills the embedded defaults in: every extension without a `url` goes to `engine_url` as the
    /// own tenant with `own_key`. A tender offered with a URL but no key is refused.
    pub fn resolve(mut self, engine_url: &str, own_key: &str) -> Result<TenderConfig, String> {
        for (name, ext) in [("card", &mut self.card), ("wallet", &mut self.wallet), ("account", &mut self.account)] {
            if ext.embedded() {
                ext.url = engine_url.trim_end_matches('/').to_string();
                if ext.tenant.is_empty() {
                    ext.tenant = OWN_TENANT.into();
                }
                if ext.key.is_empty() {
                    ext.key = own_key.to_string();
                }
            } else if ext.key.trim().is_empty() {
                return Err(format!("[tenders.{name}] has a url but no key"));
            }
            if ext.timeout_ms == 0 {
                return Err(format!("[tenders.{name}] timeout_ms must be more than zero"));
            }
        }
        Ok(self)
    }

    pub fn offers(&self, kind: TenderKind) -> bool {
        self.offer.contains(&kind)
    }
}

/// Lowercase hex HMAC-SHA256 of `bytes` keyed with `key`'s bytes.
pub fn sign(key: &str, bytes: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()) else {
        return String::new();
    };
    mac.update(bytes);
    hex::encode(mac.finalize().into_bytes())
}

/// A signed client of one payment extension.
#[derive(Debug, Clone)]
pub struct Instore {
    base: String,
    tenant: String,
    key: String,
    api_key: String,
    timeout: Duration,
    http: reqwest::Client,
}

impl Instore {
    pub fn new(cfg: &ExtensionConfig) -> Result<Instore, ClientError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .build()
            .map_err(|e| ClientError::BadReply(format!("HTTP client: {e}")))?;
        Ok(Instore {
            base: cfg.url.trim_end_matches('/').to_string(),
            tenant: cfg.tenant.clone(),
            key: cfg.key.clone(),
            api_key: cfg.api_key.clone(),
            timeout: Duration::from_millis(cfg.timeout_ms.max(1)),
            http,
        })
    }

    /// The same extension with another wait for answers (a quick cancel after a timeout).
    pub fn with_timeout(&self, timeout: Duration) -> Instore {
        Instore { timeout, ..self.clone() }
    }

    /// POSTs `body` to `/instore/<action>`, signed over its exact bytes.
    pub async fn post<B: Serialize, R: DeserializeOwned>(&self, action: &str, body: &B) -> Result<R, ClientError> {
        let bytes = serde_json::to_vec(body).map_err(|e| ClientError::BadReply(format!("request: {e}")))?;
        let mut req = self
            .http
            .post(format!("{}/instore/{action}", self.base))
            .timeout(self.timeout)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("X-Signature", sign(&self.key, &bytes))
            .header("X-Tenant-Id", &self.tenant)
            .header("x-correlation-id", format!("till-{}", uuid_like()));
        if !self.api_key.is_empty() {
            req = req.header("X-API-Key", &self.api_key);
        }
        let resp = req.body(bytes).send().await.map_err(|e| {
            if e.is_connect() {
                ClientError::Connect(e.to_string())
            } else {
                // Sent (or maybe sent) and no answer: the outcome is unknown.
                ClientError::Timeout(e.to_string())
            }
        })?;
        let status = resp.status();
        let text = resp.text().await.map_err(|e| ClientError::Timeout(e.to_string()))?;
        if !status.is_success() {
            let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            return Err(ClientError::Declined {
                status: status.as_u16(),
                code: v["code"].as_str().unwrap_or("error").to_string(),
                message: v["error"].as_str().unwrap_or(&text).to_string(),
            });
        }
        serde_json::from_str(&text).map_err(|e| ClientError::BadReply(format!("{action}: {e}")))
    }
}

/// A short random id for `x-correlation-id`.
fn uuid_like() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..12).map(|_| char::from(b"0123456789abcdef"[rng.random_range(0..16)])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_offers_every_tender_on_the_own_engine() {
        let cfg = TenderConfig::from_toml("[merchant]\nid = 1\n").unwrap();
        assert_eq!(cfg, TenderConfig::default());
        let r = cfg.resolve("http://127.0.0.1:5000/", "k").unwrap();
        assert_eq!(
            (r.card.url.as_str(), r.card.tenant.as_str(), r.card.key.as_str()),
            ("http://127.0.0.1:5000", "till", "k")
        );
        assert!(r.offers(TenderKind::Wallet));
    }

    #[test]
    fn a_third_party_extension_needs_its_key() {
        let text = "[tenders]\noffer = [\"cash\", \"card\"]\n[tenders.card]\nurl = \"https://psp.example\"\n";
        let cfg = TenderConfig::from_toml(text).unwrap();
        assert!(!cfg.offers(TenderKind::Account));
        assert!(cfg.clone().resolve("http://e", "k").unwrap_err().contains("no key"));
        let text = format!("{text}key = \"abc\"\ntenant = \"store-7\"\ntimeout_ms = 5000\n");
        let r = TenderConfig::from_toml(&text).unwrap().resolve("http://e", "k").unwrap();
        assert_eq!((r.card.url.as_str(), r.card.key.as_str(), r.card.timeout_ms), ("https://psp.example", "abc", 5000));
        assert!(TenderConfig::from_toml("[tenders]\ncolour = 1\n").is_err(), "unknown keys are refused");
        assert!(TenderConfig::from_toml("[tenders]\noffer = [\"cheque\"]\n").is_err());
    }

    #[test]
    fn signatures_are_hmac_sha256_hex() {
        // RFC 4231 test case 2.
        assert_eq!(
            sign("Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
