//! Every SQL statement of the spots area, written against `store::Sql` in the portable subset
//! (numbered placeholders, `RETURNING`, `ON CONFLICT`, integers/text/blobs, times from Rust).
//! Called with `tx.sql()` inside a `Ledger::write` or from `ledger.read_sql`.

use super::SpotsError;
use super::wallets::Wallet;
use crate::money::Currency;
use crate::store::{Row, Sql, StoreError, params};

// ---- wallets ----

pub fn insert_wallet(sql: Sql<'_>, name: &str, currency: &str, location_id: i64, now: i64) -> Result<i64, SpotsError> {
    sql.query_one(
        "INSERT INTO spots_wallets (name, currency, location_id, created_at) VALUES (?1, ?2, ?3, ?4) RETURNING id",
        params![name, currency, location_id, now],
        |r| r.get::<i64>(0),
    )?
    .ok_or_else(|| SpotsError::Internal("wallet insert returned no id".into()))
}

pub fn wallet(sql: Sql<'_>, id: i64) -> Result<Option<Wallet>, SpotsError> {
    let row = sql.query_one(
        "SELECT id, name, currency, location_id, created_at FROM spots_wallets WHERE id = ?1",
        params![id],
        |r| Ok((r.get::<i64>(0)?, r.get::<String>(1)?, r.get::<String>(2)?, r.get::<i64>(3)?, r.get::<i64>(4)?)),
    )?;
    row.map(|(id, name, currency, location_id, created_at)| {
        let currency = Currency::from_code(&currency).map_err(|e| SpotsError::Internal(e.to_string()))?;
        Ok(Wallet { id, name, currency, location_id, created_at })
    })
    .transpose()
}

// ---- clients ----

/// A MAC client as stored (the key sealed under the data directory's key file).
#[derive(Clone)]
pub struct ClientRow {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub sealed_key: Vec<u8>,
    pub location_id: Option<i64>,
    pub wallet_id: Option<i64>,
    pub created_at: i64,
}

pub fn insert_client(sql: Sql<'_>, c: &ClientRow) -> Result<(), SpotsError> {
    sql.execute(
        "INSERT INTO spots_clients (id, kind, name, sealed_key, location_id, wallet_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![&c.id, &c.kind, &c.name, &c.sealed_key, c.location_id, c.wallet_id, c.created_at],
    )?;
    Ok(())
}

fn client_row(r: &Row<'_, '_>) -> Result<ClientRow, StoreError> {
    Ok(ClientRow {
        id: r.get(0)?,
        kind: r.get(1)?,
        name: r.get(2)?,
        sealed_key: r.get(3)?,
        location_id: r.get(4)?,
        wallet_id: r.get(5)?,
        created_at: r.get(6)?,
    })
}

pub fn client(sql: Sql<'_>, id: &str) -> Result<Option<ClientRow>, SpotsError> {
    Ok(sql.query_one(
        "SELECT id, kind, name, sealed_key, location_id, wallet_id, created_at FROM spots_clients WHERE id = ?1",
        params![id],
        client_row,
    )?)
}

pub fn client_by_wallet(sql: Sql<'_>, wallet_id: i64) -> Result<Option<ClientRow>, SpotsError> {
    Ok(sql.query_one(
        "SELECT id, kind, name, sealed_key, location_id, wallet_id, created_at FROM spots_clients WHERE wallet_id = ?1",
        params![wallet_id],
        client_row,
    )?)
}

/// Records a nonce; `false` when this client used it before (a replay).
pub fn insert_nonce(sql: Sql<'_>, client_id: &str, nonce: &str, ts: i64) -> Result<bool, SpotsError> {
    let n = sql.execute(
        "INSERT INTO spots_nonces (client_id, nonce, ts) VALUES (?1, ?2, ?3) ON CONFLICT (client_id, nonce) DO NOTHING",
        params![client_id, nonce, ts],
    )?;
    Ok(n == 1)
}

pub fn purge_nonces(sql: Sql<'_>, before_ts: i64) -> Result<usize, SpotsError> {
    Ok(sql.execute("DELETE FROM spots_nonces WHERE ts < ?1", params![before_ts])?)
}

// ---- spots ----

#[derive(Debug, Clone)]
pub struct SpotRow {
    pub id: i64,
    pub location_id: i64,
    pub identifier: String,
    pub registered: bool,
    pub status: String,
    pub session: i64,
}

const SPOT_COLS: &str = "id, location_id, identifier, registered, status, session";

fn spot_row(r: &Row<'_, '_>) -> Result<SpotRow, StoreError> {
    Ok(SpotRow {
        id: r.get(0)?,
        location_id: r.get(1)?,
        identifier: r.get(2)?,
        registered: r.get(3)?,
        status: r.get(4)?,
        session: r.get(5)?,
    })
}

/// Registers a spot unless it exists; returns it either way.
pub fn ensure_spot(sql: Sql<'_>, location_id: i64, identifier: &str, registered: bool) -> Result<SpotRow, SpotsError> {
    sql.execute(
        "INSERT INTO spots_spots (location_id, identifier, registered, status, session) VALUES (?1, ?2, ?3, 'closed', 1)
         ON CONFLICT (location_id, identifier) DO NOTHING",
        params![location_id, identifier, registered],
    )?;
    sql.query_one(
        &format!("SELECT {SPOT_COLS} FROM spots_spots WHERE location_id = ?1 AND identifier = ?2"),
        params![location_id, identifier],
        spot_row,
    )?
    .ok_or_else(|| SpotsError::Internal("spot vanished after insert".into()))
}

pub fn spot(sql: Sql<'_>, id: i64) -> Result<Option<SpotRow>, SpotsError> {
    Ok(sql.query_one(&format!("SELECT {SPOT_COLS} FROM spots_spots WHERE id = ?1"), params![id], spot_row)?)
}

pub fn spot_by_identifier(sql: Sql<'_>, location_id: i64, identifier: &str) -> Result<Option<SpotRow>, SpotsError> {
    Ok(sql.query_one(
        &format!("SELECT {SPOT_COLS} FROM spots_spots WHERE location_id = ?1 AND identifier = ?2"),
        params![location_id, identifier],
        spot_row,
    )?)
}

/// Spots of a location (optionally of one status), ordered by id, and how many there are in all.
pub fn spots(
    sql: Sql<'_>,
    location_id: i64,
    status: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<SpotRow>, i64), SpotsError> {
    // Two statements rather than `?2 IS NULL OR …`: an untyped NULL parameter is not portable.
    let (filter, status) = match status {
        Some(s) => ("AND status = ?2", s),
        None => ("AND ?2 = ?2", ""),
    };
    let total = sql
        .query_one(
            &format!("SELECT count(*) FROM spots_spots WHERE location_id = ?1 {filter}"),
            params![location_id, status],
            |r| r.get::<i64>(0),
        )?
        .unwrap_or(0);
    let rows = sql.query_all(
        &format!("SELECT {SPOT_COLS} FROM spots_spots WHERE location_id = ?1 {filter} ORDER BY id LIMIT ?3 OFFSET ?4"),
        params![location_id, status, limit, offset],
        spot_row,
    )?;
    Ok((rows, total))
}

pub fn set_spot_status(sql: Sql<'_>, id: i64, status: &str) -> Result<(), SpotsError> {
    sql.execute("UPDATE spots_spots SET status = ?2 WHERE id = ?1", params![id, status])?;
    Ok(())
}

/// Closes a spot: status closed and a new session (the old session's orders drop off it).
pub fn close_spot(sql: Sql<'_>, id: i64) -> Result<(), SpotsError> {
    sql.execute("UPDATE spots_spots SET status = 'closed', session = session + 1 WHERE id = ?1", params![id])?;
    sql.execute("DELETE FROM spots_checkins WHERE spot_id = ?1", params![id])?;
    Ok(())
}

// ---- check-ins ----

pub fn checkin_of(sql: Sql<'_>, client_id: &str) -> Result<Option<i64>, SpotsError> {
    Ok(sql.query_one("SELECT spot_id FROM spots_checkins WHERE client_id = ?1", params![client_id], |r| r.get(0))?)
}

pub fn set_checkin(sql: Sql<'_>, client_id: &str, spot_id: i64, now: i64) -> Result<(), SpotsError> {
    sql.execute(
        "INSERT INTO spots_checkins (client_id, spot_id, at) VALUES (?1, ?2, ?3)
         ON CONFLICT (client_id) DO UPDATE SET spot_id = ?2, at = ?3",
        params![client_id, spot_id, now],
    )?;
    Ok(())
}

pub fn remove_checkin(sql: Sql<'_>, client_id: &str) -> Result<(), SpotsError> {
    sql.execute("DELETE FROM spots_checkins WHERE client_id = ?1", params![client_id])?;
    Ok(())
}

/// Who is checked in at a spot: (wallet name, wallet id) of each user client, oldest first.
pub fn checkins_at(sql: Sql<'_>, spot_id: i64) -> Result<Vec<(String, Option<i64>)>, SpotsError> {
    Ok(sql.query_all(
        "SELECT c.name, c.wallet_id FROM spots_checkins k JOIN spots_clients c ON c.id = k.client_id
         WHERE k.spot_id = ?1 ORDER BY k.at, c.id",
        params![spot_id],
        |r| Ok((r.get::<String>(0)?, r.get::<Option<i64>>(1)?)),
    )?)
}

// ---- orders ----

#[derive(Debug, Clone)]
pub struct OrderRow {
    pub id: i64,
    pub spot_id: i64,
    pub session: i64,
    pub transaction_key: String,
    pub closed: bool,
    pub created_at: i64,
}

const ORDER_COLS: &str = "id, spot_id, session, transaction_key, closed, created_at";

fn order_row(r: &Row<'_, '_>) -> Result<OrderRow, StoreError> {
    Ok(OrderRow {
        id: r.get(0)?,
        spot_id: r.get(1)?,
        session: r.get(2)?,
        transaction_key: r.get(3)?,
        closed: r.get(4)?,
        created_at: r.get(5)?,
    })
}

pub fn insert_order(sql: Sql<'_>, spot_id: i64, session: i64, key: &str, now: i64) -> Result<i64, SpotsError> {
    sql.query_one(
        "INSERT INTO spots_orders (spot_id, session, transaction_key, closed, created_at) VALUES (?1, ?2, ?3, 0, ?4)
         RETURNING id",
        params![spot_id, session, key, now],
        |r| r.get::<i64>(0),
    )?
    .ok_or_else(|| SpotsError::Internal("order insert returned no id".into()))
}

pub fn order(sql: Sql<'_>, id: i64) -> Result<Option<OrderRow>, SpotsError> {
    Ok(sql.query_one(&format!("SELECT {ORDER_COLS} FROM spots_orders WHERE id = ?1"), params![id], order_row)?)
}

pub fn orders_of_session(sql: Sql<'_>, spot_id: i64, session: i64) -> Result<Vec<OrderRow>, SpotsError> {
    Ok(sql.query_all(
        &format!("SELECT {ORDER_COLS} FROM spots_orders WHERE spot_id = ?1 AND session = ?2 ORDER BY id"),
        params![spot_id, session],
        order_row,
    )?)
}

pub fn orders_of_transaction(sql: Sql<'_>, key: &str) -> Result<Vec<OrderRow>, SpotsError> {
    Ok(sql.query_all(
        &format!("SELECT {ORDER_COLS} FROM spots_orders WHERE transaction_key = ?1 ORDER BY id"),
        params![key],
        order_row,
    )?)
}

pub fn set_order_transaction(sql: Sql<'_>, id: i64, key: &str) -> Result<(), SpotsError> {
    sql.execute("UPDATE spots_orders SET transaction_key = ?2 WHERE id = ?1", params![id, key])?;
    Ok(())
}

pub fn close_order(sql: Sql<'_>, id: i64) -> Result<(), SpotsError> {
    sql.execute("UPDATE spots_orders SET closed = 1 WHERE id = ?1", params![id])?;
    Ok(())
}

/// Records that order `order_id` was paid in cash into `terminal`'s drawer.
pub fn insert_cash(sql: Sql<'_>, order_id: i64, terminal: &str, amount: i64, now: i64) -> Result<(), SpotsError> {
    sql.execute(
        "INSERT INTO spots_cash (order_id, terminal, amount, at) VALUES (?1, ?2, ?3, ?4)",
        params![order_id, terminal, amount, now],
    )?;
    Ok(())
}

/// The drawer order `order_id` was paid into in cash, if it was.
pub fn cash_terminal(sql: Sql<'_>, order_id: i64) -> Result<Option<String>, SpotsError> {
    Ok(sql.query_one("SELECT terminal FROM spots_cash WHERE order_id = ?1", params![order_id], |r| r.get(0))?)
}

// ---- transactions ----

#[derive(Debug, Clone)]
pub struct TxnRow {
    pub key: String,
    pub client_id: String,
    pub location_id: i64,
    pub status: String,
    pub currency: String,
    pub wallet_id: Option<i64>,
    pub reserve_seconds: i64,
    pub reserve_until_ns: Option<i64>,
    pub callback_uri: Option<String>,
    pub created_at: i64,
    pub reserved_at: Option<i64>,
    pub confirmed_at: Option<i64>,
}

const TXN_COLS: &str = "key, client_id, location_id, status, currency, wallet_id, reserve_seconds, reserve_until_ns, \
                        callback_uri, created_at, reserved_at, confirmed_at";

fn txn_row(r: &Row<'_, '_>) -> Result<TxnRow, StoreError> {
    Ok(TxnRow {
        key: r.get(0)?,
        client_id: r.get(1)?,
        location_id: r.get(2)?,
        status: r.get(3)?,
        currency: r.get(4)?,
        wallet_id: r.get(5)?,
        reserve_seconds: r.get(6)?,
        reserve_until_ns: r.get(7)?,
        callback_uri: r.get(8)?,
        created_at: r.get(9)?,
        reserved_at: r.get(10)?,
        confirmed_at: r.get(11)?,
    })
}

pub fn insert_txn(sql: Sql<'_>, t: &TxnRow) -> Result<(), SpotsError> {
    sql.execute(
        &format!(
            "INSERT INTO spots_transactions ({TXN_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
        ),
        params![
            &t.key,
            &t.client_id,
            t.location_id,
            &t.status,
            &t.currency,
            t.wallet_id,
            t.reserve_seconds,
            t.reserve_until_ns,
            t.callback_uri.as_deref(),
            t.created_at,
            t.reserved_at,
            t.confirmed_at
        ],
    )?;
    Ok(())
}

pub fn txn(sql: Sql<'_>, key: &str) -> Result<Option<TxnRow>, SpotsError> {
    Ok(sql.query_one(&format!("SELECT {TXN_COLS} FROM spots_transactions WHERE key = ?1"), params![key], txn_row)?)
}

/// Reserved transactions whose reservation ran out at or before `now_ns`.
pub fn expired_reservations(sql: Sql<'_>, now_ns: i64, limit: i64) -> Result<Vec<String>, SpotsError> {
    Ok(sql.query_all(
        "SELECT key FROM spots_transactions WHERE status = 'reserved' AND reserve_until_ns <= ?1 ORDER BY reserve_until_ns
         LIMIT ?2",
        params![now_ns, limit],
        |r| r.get::<String>(0),
    )?)
}

pub fn set_reserved(sql: Sql<'_>, key: &str, wallet_id: i64, until_ns: i64, now: i64) -> Result<(), SpotsError> {
    sql.execute(
        "UPDATE spots_transactions SET status = 'reserved', wallet_id = ?2, reserve_until_ns = ?3, reserved_at = ?4
         WHERE key = ?1",
        params![key, wallet_id, until_ns, now],
    )?;
    Ok(())
}

pub fn set_rejected(sql: Sql<'_>, key: &str, wallet_id: i64) -> Result<(), SpotsError> {
    sql.execute(
        "UPDATE spots_transactions SET status = 'rejected', wallet_id = ?2 WHERE key = ?1",
        params![key, wallet_id],
    )?;
    Ok(())
}

pub fn set_finished(sql: Sql<'_>, key: &str, status: &str, now: i64) -> Result<(), SpotsError> {
    let confirmed = (status == "confirmed").then_some(now);
    sql.execute(
        "UPDATE spots_transactions SET status = ?2, finished_at = ?3, confirmed_at = ?4 WHERE key = ?1",
        params![key, status, now, confirmed],
    )?;
    Ok(())
}

// ---- payments ----

#[derive(Debug, Clone)]
pub struct PaymentRow {
    pub id: i64,
    pub transaction_key: String,
    pub description: String,
    pub price: i64,
    pub final_price: Option<i64>,
    pub parameters: Option<String>,
}

pub fn insert_payment(
    sql: Sql<'_>,
    key: &str,
    description: &str,
    price: i64,
    parameters: Option<&str>,
) -> Result<i64, SpotsError> {
    sql.query_one(
        "INSERT INTO spots_payments (transaction_key, description, price, parameters) VALUES (?1, ?2, ?3, ?4) RETURNING id",
        params![key, description, price, parameters],
        |r| r.get::<i64>(0),
    )?
    .ok_or_else(|| SpotsError::Internal("payment insert returned no id".into()))
}

pub fn payments(sql: Sql<'_>, key: &str) -> Result<Vec<PaymentRow>, SpotsError> {
    Ok(sql.query_all(
        "SELECT id, transaction_key, description, price, final_price, parameters FROM spots_payments
         WHERE transaction_key = ?1 ORDER BY id",
        params![key],
        |r| {
            Ok(PaymentRow {
                id: r.get(0)?,
                transaction_key: r.get(1)?,
                description: r.get(2)?,
                price: r.get(3)?,
                final_price: r.get(4)?,
                parameters: r.get(5)?,
            })
        },
    )?)
}

pub fn set_final_price(sql: Sql<'_>, payment_id: i64, price: i64) -> Result<(), SpotsError> {
    sql.execute("UPDATE spots_payments SET final_price = ?2 WHERE id = ?1", params![payment_id, price])?;
    Ok(())
}
