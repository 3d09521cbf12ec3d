//! Stored replies per (client, Idempotency-Key), as DESIGN.md asks of every POST under `/v1`:
//! the same key and body replay the stored status and body; the same key with another body is
//! refused; the same key while the first request still runs is refused as a conflict.
//!
//! A row is `running` while its request executes and `done` with the reply afterwards. Requests
//! running in this process are also tracked in memory: a `running` row that no live request owns
//! was left by a process that died mid-request, and the request is run again. That is safe because
//! every operation behind `/v1` derives its ids from the key (order ids, transfer ids), so the
//! second run finds what the first one committed instead of doing it twice.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use sha2::{Digest, Sha256};

use super::RetailError;
use crate::engine::Engine;
use crate::engine::catalog::ns_i64;
use crate::store::params;

/// What to do with an incoming request.
#[derive(Debug)]
pub enum Begin {
    /// Run it; call [`finish`] (or [`abandon`]) afterwards. The guard marks it as running here.
    Run(InFlight),
    /// Already answered: send this again.
    Replay { status: u16, content_type: Option<String>, body: Vec<u8> },
    /// The key was used with another request body.
    Mismatch,
    /// The first request with this key is still running.
    Running,
}

/// The requests running in this engine: slot (client and key) → request hash. A field of the
/// engine's memory, so it lives and dies with the engine.
#[derive(Debug, Default, Clone)]
pub(crate) struct Running(Arc<Mutex<HashMap<String, String>>>);

impl Running {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, String>> {
        // A poisoned lock only means another request panicked while holding it; the map is still valid.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Marks a request as running in this process until dropped (also when the client goes away and
/// the handler's future is dropped mid-way).
#[derive(Debug)]
pub struct InFlight {
    running: Running,
    slot: String,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.running.lock().remove(&self.slot);
    }
}

/// The hash a request is compared by: method, path and body (JSON bodies in canonical form, so
/// key order and whitespace do not matter).
pub fn request_hash(method: &str, path: &str, body: &[u8]) -> String {
    let canonical = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(v) => serde_json::to_vec(&v).unwrap_or_else(|_| body.to_vec()),
        Err(_) => body.to_vec(),
    };
    let mut h = Sha256::new();
    h.update(method.as_bytes());
    h.update(b" ");
    h.update(path.as_bytes());
    h.update(b"\n");
    h.update(&canonical);
    hex::encode(h.finalize())
}

/// Starts a request under `key` for the client `scope`.
pub async fn begin(engine: &Engine, scope: &str, key: &str, hash: &str) -> Result<Begin, RetailError> {
    let slot = format!("{scope}\u{0}{key}");
    let running = engine.memory().in_flight.clone();
    {
        let mut map = running.lock();
        if let Some(running_hash) = map.get(&slot) {
            return Ok(if running_hash == hash { Begin::Running } else { Begin::Mismatch });
        }
        map.insert(slot.clone(), hash.to_string());
    }
    let guard = InFlight { running, slot };
    let (scope, key, wanted) = (scope.to_string(), key.to_string(), hash.to_string());
    let found = engine
        .ledger()
        .write(move |tx| {
            let now = ns_i64(tx.now());
            let sql = tx.sql();
            let row = sql.query_one(
                "SELECT request_hash, state, status, content_type, body FROM retail_idempotency_keys
                 WHERE scope = ?1 AND key = ?2",
                params![&scope, &key],
                |r| {
                    Ok((
                        r.get::<String>(0)?,
                        r.get::<String>(1)?,
                        r.get::<Option<u16>>(2)?,
                        r.get::<Option<String>>(3)?,
                        r.get::<Option<Vec<u8>>>(4)?,
                    ))
                },
            )?;
            if row.is_none() {
                sql.execute(
                    "INSERT INTO retail_idempotency_keys (scope, key, request_hash, state, created_at)
                     VALUES (?1, ?2, ?3, 'running', ?4)",
                    params![&scope, &key, &wanted, now],
                )?;
            }
            Ok::<_, RetailError>(row)
        })
        .await?;
    Ok(match found {
        None => Begin::Run(guard),
        Some((stored_hash, _, _, _, _)) if stored_hash != hash => Begin::Mismatch,
        Some((_, state, Some(status), content_type, Some(body))) if state == "done" => {
            Begin::Replay { status, content_type, body }
        }
        // Left `running` by a process that died mid-request: run it again (see the module docs).
        Some(_) => Begin::Run(guard),
    })
}

/// Stores the reply of a request started with [`begin`].
pub async fn finish(
    engine: &Engine,
    scope: &str,
    key: &str,
    status: u16,
    content_type: Option<String>,
    body: Vec<u8>,
) -> Result<(), RetailError> {
    let (scope, key) = (scope.to_string(), key.to_string());
    engine
        .ledger()
        .write(move |tx| {
            tx.sql().execute(
                "UPDATE retail_idempotency_keys SET state = 'done', status = ?3, content_type = ?4, body = ?5
                 WHERE scope = ?1 AND key = ?2",
                params![&scope, &key, status, content_type.as_deref(), &body],
            )?;
            Ok(())
        })
        .await
}

/// Forgets a request that failed inside the server (5xx), so a retry runs it again.
pub async fn abandon(engine: &Engine, scope: &str, key: &str) -> Result<(), RetailError> {
    let (scope, key) = (scope.to_string(), key.to_string());
    engine
        .ledger()
        .write(move |tx| {
            tx.sql().execute(
                "DELETE FROM retail_idempotency_keys WHERE scope = ?1 AND key = ?2 AND state = 'running'",
                params![&scope, &key],
            )?;
            Ok(())
        })
        .await
}

/// Deletes finished keys older than `hours` (never less than 24).
pub async fn purge(engine: &Engine, hours: u32) -> Result<usize, RetailError> {
    let keep_ns = i64::from(hours.max(24)) * 3_600 * 1_000_000_000;
    engine
        .ledger()
        .write(move |tx| {
            let cutoff = ns_i64(tx.now()).saturating_sub(keep_ns);
            Ok(tx.sql().execute(
                "DELETE FROM retail_idempotency_keys WHERE created_at < ?1 AND state = 'done'",
                params![cutoff],
            )?)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_ignore_json_layout_but_not_content() {
        let a = request_hash("POST", "/v1/retail_orders", br#"{"a": 1, "b": "x"}"#);
        assert_eq!(a, request_hash("POST", "/v1/retail_orders", br#"{"b":"x","a":1}"#));
        assert_ne!(a, request_hash("POST", "/v1/retail_orders", br#"{"a": 2, "b": "x"}"#));
        assert_ne!(a, request_hash("POST", "/v1/stores", br#"{"a": 1, "b": "x"}"#));
    }
}
