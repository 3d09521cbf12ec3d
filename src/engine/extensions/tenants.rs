//! Tenants of the payment extensions and their shared verification keys.
//!
//! `till extension create --tenant ID` makes (or rotates) a tenant's key: 32 random bytes shown
//! once as hex. The key is what both sides feed HMAC-SHA256 (the hex string's bytes, as the
//! POS platform holds it). It is stored sealed under the data directory's key file
//! (`engine::secrets`), never logged. A
//! tenant may also have an API key (`X-API-Key`), kept only as its SHA-256.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{ExtError, random_hex, repo};
use crate::engine::Engine;

/// A tenant as the signature check needs it.
#[derive(Clone)]
pub struct Tenant {
    pub id: String,
    /// The shared verification key (the hex text both sides hold).
    key: String,
    api_key_sha256: Option<String>,
}

impl std::fmt::Debug for Tenant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the key.
        f.debug_struct("Tenant").field("id", &self.id).finish_non_exhaustive()
    }
}

impl Tenant {
    /// Lowercase hex HMAC-SHA256 of `bytes` with this tenant's key.
    pub fn sign(&self, bytes: &[u8]) -> String {
        sign(&self.key, bytes)
    }

    /// Whether `signature` (hex, any case) is the HMAC of `bytes`, compared in constant time.
    pub fn verifies(&self, bytes: &[u8], signature: &str) -> bool {
        let expected = self.sign(bytes);
        let given = signature.trim().to_ascii_lowercase();
        expected.len() == given.len() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
    }

    /// Whether the request's `X-API-Key` is acceptable: required when the tenant has one.
    pub fn api_key_ok(&self, given: Option<&str>) -> bool {
        match (&self.api_key_sha256, given) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(want), Some(g)) => {
                let got = hex::encode(Sha256::digest(g.as_bytes()));
                bool::from(got.as_bytes().ct_eq(want.as_bytes()))
            }
        }
    }
}

/// Lowercase hex HMAC-SHA256 of `bytes` keyed with `key`'s bytes.
pub fn sign(key: &str, bytes: &[u8]) -> String {
    // HMAC takes keys of any length: this cannot fail.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key.as_bytes()) else {
        return String::new();
    };
    mac.update(bytes);
    hex::encode(mac.finalize().into_bytes())
}

/// A tenant id: 1..=64 of letters, digits, `-`, `_`, `.`.
fn check_id(id: &str) -> Result<(), ExtError> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok { Ok(()) } else { Err(ExtError::Invalid("tenant id: 1 to 64 letters, digits, '-', '_' or '.'".into())) }
}

/// Creates the tenant, or gives it a new key. Returns the key (shown once).
pub fn create_blocking(engine: &Engine, tenant: &str, api_key: Option<&str>) -> Result<String, ExtError> {
    check_id(tenant)?;
    let key = random_hex(32);
    let sealed = seal_key(engine, &key)?;
    let api = api_key.map(|k| hex::encode(Sha256::digest(k.as_bytes())));
    let tenant = tenant.to_string();
    engine.ledger().write_blocking(move |tx| {
        let now = i64::try_from(tx.now()).unwrap_or(i64::MAX);
        repo::upsert_tenant(tx.sql(), &tenant, &sealed, api.as_deref(), now)?;
        Ok::<(), ExtError>(())
    })?;
    Ok(key)
}

/// The till's own tenant on its embedded engine (the default tender extension): its key, made on
/// first use and kept sealed like every tenant key, so a fresh data directory takes card, wallet
/// and account tenders with no setup. Only code that wires the till to its own engine calls this.
pub fn own_key_blocking(engine: &Engine, tenant: &str) -> Result<String, ExtError> {
    check_id(tenant)?;
    let t = tenant.to_string();
    let rows = engine.ledger().read_sql(move |sql| repo::tenants(sql, Some(&t)))?;
    match rows.into_iter().find(|r| r.id == tenant) {
        Some(row) => open_key(engine, &row.sealed_key),
        None => create_blocking(engine, tenant, None),
    }
}

/// The tenant a request names; with no name, the only tenant when there is exactly one.
pub fn find(engine: &Engine, tenant: Option<&str>) -> Result<Tenant, ExtError> {
    let rows = engine.ledger().read_sql(|sql| repo::tenants(sql, tenant))?;
    let row = match (tenant, rows.len()) {
        (_, 1) => rows.into_iter().next(),
        _ => None,
    };
    let Some(row) = row else {
        return Err(ExtError::Unauthorized(match tenant {
            Some(t) => format!("unknown tenant {t:?}"),
            None => "name the tenant (tenant_id)".into(),
        }));
    };
    Ok(Tenant { id: row.id, key: open_key(engine, &row.sealed_key)?, api_key_sha256: row.api_key_sha256 })
}

// The two functions every stored key passes through: sealed under the data directory's key
// file (`engine::secrets`), so a copy of the database alone leaks no tenant key.

/// Seals a key for storage.
fn seal_key(engine: &Engine, key: &str) -> Result<Vec<u8>, ExtError> {
    Ok(engine.secrets().seal(key.as_bytes()))
}

/// Opens a stored key.
fn open_key(engine: &Engine, sealed: &[u8]) -> Result<String, ExtError> {
    let plain = engine.secrets().open(sealed).map_err(|e| ExtError::Internal(format!("tenant key: {e}")))?;
    String::from_utf8(plain).map_err(|_| ExtError::Internal("stored key is not text".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_lowercase_hex_hmac_and_compare_any_case() {
        // RFC 4231 test case 2: key "Jefe".
        let t = Tenant { id: "t".into(), key: "Jefe".into(), api_key_sha256: None };
        let sig = t.sign(b"what do ya want for nothing?");
        assert_eq!(sig, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        assert!(t.verifies(b"what do ya want for nothing?", &sig.to_uppercase()));
        assert!(!t.verifies(b"what do ya want for nothing!", &sig));
        assert!(!t.verifies(b"what do ya want for nothing?", ""));
    }

    #[test]
    fn api_key_required_only_when_configured() {
        let t = Tenant { id: "t".into(), key: "k".into(), api_key_sha256: None };
        assert!(t.api_key_ok(None));
        let t = Tenant { api_key_sha256: Some(hex::encode(Sha256::digest(b"secret"))), ..t };
        assert!(!t.api_key_ok(None));
        assert!(!t.api_key_ok(Some("wrong")));
        assert!(t.api_key_ok(Some("secret")));
    }
}
