//! MAC clients of `/rest/v1`: merchant clients (the store's software, the till's spots board) and
//! user clients (a customer's wallet app, each with its own wallet), and the nonce replay store.
//!
//! A client's MAC key must be readable to verify a request, so it is stored sealed under the data
//! directory's key file (`secrets`), opened only to compute a MAC, and never logged.
//!
//! The till's own merchant credential lives in `<data>/spots-merchant.json` (owner-only), created
//! on the first start of a server on that data directory; the board reads it from there.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{SpotsConfig, SpotsError, random_alnum, repo, secs, wallets};
use crate::engine::Engine;
use crate::money::Money;

/// The till's own merchant credential file inside a data directory.
pub const TILL_CREDENTIAL_FILE: &str = "spots-merchant.json";
/// Where `till wallet create` keeps each wallet app's credential: `<data>/wallets/<wallet_id>.json`.
pub const WALLETS_DIR: &str = "wallets";

/// Which side a client is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientKind {
    Merchant,
    User,
}

impl ClientKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClientKind::Merchant => "merchant",
            ClientKind::User => "user",
        }
    }
    fn parse(s: &str) -> Option<ClientKind> {
        match s {
            "merchant" => Some(ClientKind::Merchant),
            "user" => Some(ClientKind::User),
            _ => None,
        }
    }
}

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub client_id: String,
    pub kind: ClientKind,
    pub name: String,
    /// A merchant client's location.
    pub location_id: Option<i64>,
    /// A user client's wallet.
    pub wallet_id: Option<i64>,
}

impl Caller {
    /// Ok for a user client; 403 for a merchant client.
    pub fn require_user(&self) -> Result<i64, SpotsError> {
        match (self.kind, self.wallet_id) {
            (ClientKind::User, Some(w)) => Ok(w),
            _ => Err(SpotsError::Forbidden("Only a user client (a wallet app) may do this.".into())),
        }
    }
    /// Ok for a merchant client of `location_id`; 403 otherwise.
    pub fn require_merchant_of(&self, location_id: i64) -> Result<(), SpotsError> {
        match (self.kind, self.location_id) {
            (ClientKind::Merchant, Some(l)) if l == location_id => Ok(()),
            (ClientKind::Merchant, _) => {
                Err(SpotsError::Forbidden(format!("This client is not a merchant client of location {location_id}.")))
            }
            _ => Err(SpotsError::Forbidden("Only a merchant client may do this.".into())),
        }
    }
    pub fn is_merchant_of(&self, location_id: i64) -> bool {
        self.require_merchant_of(location_id).is_ok()
    }
}

/// A new client's credential, shown once.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credential {
    pub id: String,
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wallet_id: Option<i64>,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential").field("id", &self.id).field("wallet_id", &self.wallet_id).finish_non_exhaustive()
    }
}

fn new_row(engine: &Engine, kind: ClientKind, name: &str) -> (repo::ClientRow, String) {
    let key = random_alnum(32);
    let row = repo::ClientRow {
        id: random_alnum(10),
        kind: kind.as_str().into(),
        name: name.to_string(),
        sealed_key: engine.secrets().seal(key.as_bytes()),
        location_id: None,
        wallet_id: None,
        created_at: 0,
    };
    (row, key)
}

fn check_name(name: &str) -> Result<String, SpotsError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(SpotsError::InvalidParameters("A name is 1 to 64 printable characters.".into()));
    }
    Ok(name.to_string())
}

/// Creates a merchant client of this store's location.
pub async fn create_merchant(engine: &Engine, name: &str) -> Result<Credential, SpotsError> {
    let cfg = SpotsConfig::of(engine)?;
    let name = check_name(name)?;
    let (mut row, key) = new_row(engine, ClientKind::Merchant, &name);
    row.location_id = Some(cfg.location_id);
    let id = row.id.clone();
    let currency = super::currency(engine)?;
    engine
        .ledger()
        .write(move |tx| {
            row.created_at = secs(tx.now());
            wallets::ensure_store_accounts(tx, currency, cfg.location_id)?;
            repo::insert_client(tx.sql(), &row)
        })
        .await?;
    Ok(Credential { id, key, wallet_id: None })
}

/// Creates a user client with a new wallet holding `balance`, in one commit.
pub async fn create_user(engine: &Engine, name: &str, balance: Money) -> Result<Credential, SpotsError> {
    let cfg = SpotsConfig::of(engine)?;
    let name = check_name(name)?;
    let (mut row, key) = new_row(engine, ClientKind::User, &name);
    let id = row.id.clone();
    let wallet_id = engine
        .ledger()
        .write(move |tx| {
            let now = secs(tx.now());
            let wallet = wallets::create_in(tx, cfg.location_id, &name, balance, now)?;
            row.created_at = now;
            row.wallet_id = Some(wallet.id);
            repo::insert_client(tx.sql(), &row)?;
            Ok::<_, SpotsError>(wallet.id)
        })
        .await?;
    Ok(Credential { id, key, wallet_id: Some(wallet_id) })
}

/// The caller a client id stands for and its MAC key, or `None` for an unknown id.
pub fn lookup(engine: &Engine, client_id: &str) -> Result<Option<(Caller, Vec<u8>)>, SpotsError> {
    let Some(row) = engine.ledger().read_sql(|sql| repo::client(sql, client_id))? else { return Ok(None) };
    let kind = ClientKind::parse(&row.kind).ok_or_else(|| SpotsError::Internal(format!("client kind {}", row.kind)))?;
    let key = engine.secrets().open(&row.sealed_key).map_err(|e| SpotsError::Internal(e.to_string()))?;
    let caller =
        Caller { client_id: row.id, kind, name: row.name, location_id: row.location_id, wallet_id: row.wallet_id };
    Ok(Some((caller, key)))
}

/// Records that `client_id` used `nonce` at `ts`; `false` when it did before (a replay).
pub async fn use_nonce(engine: &Engine, client_id: &str, nonce: &str, ts: i64) -> Result<bool, SpotsError> {
    let (client_id, nonce) = (client_id.to_string(), nonce.to_string());
    engine.ledger().write(move |tx| repo::insert_nonce(tx.sql(), &client_id, &nonce, ts)).await
}

/// Forgets nonces older than `before_ts` (they are outside the window, so `ts` refuses them anyway).
pub async fn purge_nonces(engine: &Engine, before_ts: i64) -> Result<usize, SpotsError> {
    engine.ledger().write(move |tx| repo::purge_nonces(tx.sql(), before_ts)).await
}

/// The till's own merchant credential: read from `<data>/spots-merchant.json`, or created (a
/// merchant client named "till") and written there, owner-only, when there is none.
pub async fn till_credential(engine: &Engine) -> Result<Credential, SpotsError> {
    let path = engine.data_dir().join(TILL_CREDENTIAL_FILE);
    if let Some(c) = read_credential(&path)?
        && lookup(engine, &c.id)?.is_some()
    {
        return Ok(c);
    }
    let c = create_merchant(engine, "till").await?;
    write_credential(&path, &c)?;
    Ok(c)
}

/// Reads a credential file written by [`write_credential`]; `None` when there is none.
pub fn read_credential(path: &Path) -> Result<Option<Credential>, SpotsError> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| SpotsError::Internal(format!("{}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(SpotsError::Internal(format!("{}: {e}", path.display()))),
    }
}

/// Writes a credential file readable by its owner only (it holds a MAC key).
pub fn write_credential(path: &Path, c: &Credential) -> Result<(), SpotsError> {
    use std::io::Write;
    let io = |e: std::io::Error| SpotsError::Internal(format!("{}: {e}", path.display()));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let body = serde_json::to_vec(c).map_err(|e| SpotsError::Internal(e.to_string()))?;
    let tmp = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(&tmp).map_err(io)?;
    f.write_all(&body).map_err(io)?;
    f.sync_all().map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)?;
    Ok(())
}

/// Where `till wallet create` keeps wallet `wallet_id`'s credential.
pub fn wallet_credential_path(data_dir: &Path, wallet_id: i64) -> std::path::PathBuf {
    data_dir.join(WALLETS_DIR).join(format!("{wallet_id}.json"))
}
