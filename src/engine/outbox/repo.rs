//! The `outbox_messages` table, written against `store::Sql` (portable SQL: numbered
//! placeholders, `ON CONFLICT`, integers/text/blobs, times computed in Rust).

use super::{Message, Retry, Signing};
use crate::ledger::{LedgerError, Migration};
use crate::store::{Sql, params};

/// The outbox's table, applied once.
pub const MIGRATIONS: &[Migration] = &[Migration {
    component: "outbox",
    version: 1,
    sql: "CREATE TABLE outbox_messages (
            lane TEXT NOT NULL,
            event_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            url TEXT NOT NULL,
            body BLOB NOT NULL,
            headers TEXT NOT NULL,
            signing TEXT NOT NULL,
            signing_header TEXT,
            secret TEXT,
            state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed', 'cancelled')),
            attempts INTEGER NOT NULL,
            max_attempts INTEGER NOT NULL,
            retry_base_ms INTEGER NOT NULL,
            retry_max_ms INTEGER NOT NULL,
            timeout_ms INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            last_error TEXT,
            delivered_at INTEGER,
            PRIMARY KEY (lane, event_id)
          );
          CREATE INDEX outbox_due ON outbox_messages(state, next_attempt_at);
          CREATE INDEX outbox_lane ON outbox_messages(lane, state, seq);",
}];

fn opt(v: Option<&str>) -> crate::store::Value<'_> {
    v.map_or(crate::store::Value::Null, crate::store::Value::Text)
}

fn i64_of(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Writes `msg` inside the caller's write (`tx.sql()`, `tx.now()`); it is due at once. Returns
/// `false` when the lane already holds this event id (nothing is written).
pub fn enqueue(sql: Sql<'_>, now_ns: u64, msg: &Message) -> Result<bool, LedgerError> {
    let (signing, header, secret) = match &msg.signing {
        Signing::None => ("none", None, None),
        Signing::TillWebhookV1 { secret } => ("till-webhook-v1", None, Some(secret.as_str())),
        Signing::HmacSha256Hex { header, key } => ("hmac-sha256-hex", Some(header.as_str()), Some(key.as_str())),
    };
    let headers =
        serde_json::to_string(&msg.headers).map_err(|e| LedgerError::Invalid(format!("outbox headers: {e}")))?;
    let now = i64_of(now_ns);
    let n = sql.execute(
        "INSERT INTO outbox_messages (lane, event_id, seq, url, body, headers, signing, signing_header, secret,
             state, attempts, max_attempts, retry_base_ms, retry_max_ms, timeout_ms, next_attempt_at, created_at)
         VALUES (?1, ?2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox_messages WHERE lane = ?1), ?3, ?4, ?5, ?6,
             ?7, ?8, 'pending', 0, ?9, ?10, ?11, ?12, ?13, ?13)
         ON CONFLICT (lane, event_id) DO NOTHING",
        &[
            msg.lane.as_str().into(),
            msg.event_id.as_str().into(),
            msg.url.as_str().into(),
            msg.body.as_slice().into(),
            headers.as_str().into(),
            signing.into(),
            opt(header),
            opt(secret),
            msg.retry.max_attempts.into(),
            i64_of(msg.retry.base_ms).into(),
            i64_of(msg.retry.max_ms).into(),
            i64_of(msg.retry.timeout_ms).into(),
            now.into(),
        ],
    )?;
    Ok(n == 1)
}

/// Drops a lane's pending messages (a subscription was cancelled). Returns how many.
pub fn cancel_lane(sql: Sql<'_>, lane: &str) -> Result<usize, LedgerError> {
    Ok(sql.execute(
        "UPDATE outbox_messages SET state = 'cancelled' WHERE lane = ?1 AND state = 'pending'",
        params![lane],
    )?)
}

/// What a lane holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LaneCounts {
    /// Not yet delivered (waiting for an attempt or a retry).
    pub pending: u64,
    /// Given up after the last attempt.
    pub failed: u64,
    pub delivered: u64,
}

pub fn lane_counts(sql: Sql<'_>, lane: &str) -> Result<LaneCounts, LedgerError> {
    let rows = sql.query_all(
        "SELECT state, COUNT(*) FROM outbox_messages WHERE lane = ?1 GROUP BY state",
        params![lane],
        |r| Ok((r.get::<String>(0)?, r.get::<u64>(1)?)),
    )?;
    let mut c = LaneCounts::default();
    for (state, n) in rows {
        match state.as_str() {
            "pending" => c.pending = n,
            "failed" => c.failed = n,
            "delivered" => c.delivered = n,
            _ => {}
        }
    }
    Ok(c)
}

/// A message as the deliverer reads it.
#[derive(Debug, Clone)]
pub(super) struct Due {
    pub lane: String,
    pub event_id: String,
    pub url: String,
    pub body: Vec<u8>,
    pub headers: Vec<(String, String)>,
    pub signing: Signing,
    pub attempts: u32,
    pub retry: Retry,
}

/// Lanes with something due at `now`, the longest-waiting first.
pub(super) fn due_lanes(sql: Sql<'_>, now: i64, limit: u32) -> Result<Vec<String>, LedgerError> {
    Ok(sql.query_all(
        "SELECT lane FROM outbox_messages WHERE state = 'pending' AND next_attempt_at <= ?1
         GROUP BY lane ORDER BY MIN(next_attempt_at), lane LIMIT ?2",
        params![now, limit],
        |r| r.get::<String>(0),
    )?)
}

/// Takes a due message for one delivery attempt: pushes its next attempt past `lease_until`, so no
/// other server (they share the database) sends it meanwhile; a server that dies mid-attempt
/// leaves it to be retried after the lease. `false` when another server took it first (or its
/// row moved on since it was read). Runs inside a ledger write, so servers take turns.
pub(super) fn lease(
    sql: Sql<'_>,
    lane: &str,
    event_id: &str,
    attempts: u32,
    now: i64,
    lease_until: i64,
) -> Result<bool, LedgerError> {
    let n = sql.execute(
        "UPDATE outbox_messages SET next_attempt_at = ?5
         WHERE lane = ?1 AND event_id = ?2 AND state = 'pending' AND attempts = ?3 AND next_attempt_at <= ?4",
        params![lane, event_id, attempts, now, lease_until],
    )?;
    Ok(n == 1)
}

/// A lane's due messages, in the order they were enqueued.
pub(super) fn due_in_lane(sql: Sql<'_>, lane: &str, now: i64, limit: u32) -> Result<Vec<Due>, LedgerError> {
    Ok(sql.query_all(
        "SELECT lane, event_id, url, body, headers, signing, signing_header, secret, attempts, max_attempts,
                retry_base_ms, retry_max_ms, timeout_ms
         FROM outbox_messages WHERE lane = ?1 AND state = 'pending' AND next_attempt_at <= ?2
         ORDER BY next_attempt_at, seq LIMIT ?3",
        params![lane, now, limit],
        |r| {
            let headers: String = r.get(4)?;
            let scheme: String = r.get(5)?;
            let header: Option<String> = r.get(6)?;
            let secret: Option<String> = r.get(7)?;
            let signing = match (scheme.as_str(), header, secret) {
                ("till-webhook-v1", _, Some(secret)) => Signing::TillWebhookV1 { secret },
                ("hmac-sha256-hex", Some(header), Some(key)) => Signing::HmacSha256Hex { header, key },
                _ => Signing::None,
            };
            Ok(Due {
                lane: r.get(0)?,
                event_id: r.get(1)?,
                url: r.get(2)?,
                body: r.get(3)?,
                // A damaged header list sends none rather than stopping the lane.
                headers: serde_json::from_str(&headers).unwrap_or_default(),
                signing,
                attempts: r.get(8)?,
                retry: Retry {
                    max_attempts: r.get(9)?,
                    base_ms: r.get(10)?,
                    max_ms: r.get(11)?,
                    timeout_ms: r.get(12)?,
                },
            })
        },
    )?)
}

/// Records an attempt's outcome; a message cancelled meanwhile stays cancelled.
pub(super) fn record(
    sql: Sql<'_>,
    lane: &str,
    event_id: &str,
    state: &str,
    attempts: u32,
    at: i64,
    error: Option<&str>,
) -> Result<(), LedgerError> {
    let delivered_at = if state == "delivered" { crate::store::Value::Int(at) } else { crate::store::Value::Null };
    sql.execute(
        "UPDATE outbox_messages SET state = ?3, attempts = ?4, next_attempt_at = ?5, last_error = ?6, delivered_at = ?7
         WHERE lane = ?1 AND event_id = ?2 AND state = 'pending'",
        &[lane.into(), event_id.into(), state.into(), attempts.into(), at.into(), opt(error), delivered_at],
    )?;
    Ok(())
}
