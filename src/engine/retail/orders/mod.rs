//! The retail order state machine. Each state change is one `Ledger::write`: its transfers, the
//! order row, the code stock, the settlement entry and the webhook event commit together.
//!
//! ```text
//! create ──► created ──confirm──► confirmed ──invalidate──► invalidated (reversed)
//!               │ └──invalidate──► invalidated (hold voided)
//!               └──(timeout)─────► expired (hold released by the ledger)
//! ```
//!
//! Money (per order, face value F, commission C, net N = F − C, in the order's currency):
//! create holds N on the partner balance (pending: sales → prepaid); confirm posts it and books C
//! (sales → commission), so the sales account carries F; invalidating a confirmed order reverses
//! both; invalidating a created one voids the hold.

//!
//! | file             | what                                                            |
//! |------------------|-----------------------------------------------------------------|
//! | `mod.rs`         | the entry points: create, confirm, invalidate, read, expire      |
//! | `types.rs`       | states, requests, the order view, list filters                   |
//! | `validate.rs`    | the shape of create and confirm requests                         |
//! | `repo.rs`        | the `retail_orders` row and its view                             |
//! | `transitions.rs` | each state change and its ledger chain, inside one write         |

mod repo;
mod transitions;
mod types;
mod validate;

pub use types::{
    ConfirmOrder, CreateOrder, OrderFilter, OrderState, OrderView, ReceiptPrinting, ReceiptPrintingRequest,
};

use repo::{COLUMNS, as_seen_now, from_row, load, order_or_404};
use transitions::{confirm_in, create_in, expire_in, invalidate_in};
use validate::validate_create;

use super::{RetailConfig, RetailError};
use crate::engine::Engine;
use crate::engine::accounts::transfer_id;
use crate::engine::catalog::ns_i64;
use crate::store::params;

/// The order id for a client's idempotency key: a retried create finds the order the first try
/// made. Without a key, a random id.
pub fn order_id(key: Option<&str>) -> String {
    let n = match key {
        Some(k) => transfer_id(&format!("retail-order:{k}")),
        None => rand::random::<u128>(),
    };
    format!("ro_{:024x}", n >> 32)
}

/// Runs the preliminary checks and holds the balance. `key` is the client-scoped idempotency key:
/// the same key gives the same order (`false`: it already existed).
pub async fn create(engine: &Engine, req: CreateOrder, key: Option<&str>) -> Result<(OrderView, bool), RetailError> {
    let v = validate_create(&req)?;
    let expiry =
        RetailConfig::of(engine).map_err(|e| RetailError::internal(e.to_string()))?.order_expiry_seconds.max(1);
    let id = order_id(key);
    engine.ledger().write(move |tx| create_in(tx, &id, v, expiry)).await
}

/// One order.
pub fn get(engine: &Engine, id: &str) -> Result<OrderView, RetailError> {
    let id = id.to_string();
    let order = engine.ledger().read_sql(move |sql| load(sql, &id))?;
    let order = order.ok_or_else(|| RetailError::not_found("order_not_found", "no such retail order"))?;
    Ok(as_seen_now(order, engine.now_ns()).view())
}

/// Records the expiry of created orders whose time is up, if there are any, before a read
/// answers: otherwise an order could already read as expired while the balance still showed its
/// hold (the sweeper and the ledger's own expiry run on timers). A write only when there is work.
pub async fn expire_overdue(engine: &Engine) -> Result<(), RetailError> {
    let now = engine.now_ns();
    let overdue = engine
        .ledger()
        .read_sql_async(move |sql| {
            sql.query_one(
                "SELECT 1 FROM retail_orders WHERE state = 'created' AND expires_at <= ?1 LIMIT 1",
                params![now],
                |r| r.get::<i64>(0),
            )
            .map_err(RetailError::from)
        })
        .await?;
    let overdue = overdue.is_some();
    if overdue {
        expire_due(engine).await?;
    }
    Ok(())
}

/// Orders, newest first, filtered, one page at a time.
pub fn list(engine: &Engine, filter: OrderFilter) -> Result<(Vec<OrderView>, Option<String>), RetailError> {
    let limit = filter.limit.clamp(1, 200);
    let mut orders = engine.ledger().read_sql(move |sql| {
        let query = format!(
            "SELECT {COLUMNS} FROM retail_orders o LEFT JOIN retail_products p ON p.code = o.product_code
             WHERE (?1 IS NULL OR o.store_id = ?1) AND (?2 IS NULL OR o.terminal_id = ?2)
               AND (?3 IS NULL OR o.receipt_id = ?3) AND (?4 IS NULL OR o.state = ?4)
               AND (?5 IS NULL OR (o.created_at, o.id) < (SELECT created_at, id FROM retail_orders WHERE id = ?5))
             ORDER BY o.created_at DESC, o.id DESC LIMIT ?6"
        );
        let values = params![
            filter.store_id.as_deref(),
            filter.terminal_id.as_deref(),
            filter.receipt_id.as_deref(),
            filter.state.map(|s| s.as_str()),
            filter.after.as_deref(),
            i64::from(limit) + 1
        ];
        sql.query_all(&query, values, from_row).map_err(RetailError::from)
    })?;
    let next = if orders.len() > limit as usize {
        orders.truncate(limit as usize);
        orders.last().map(|o| o.id.clone())
    } else {
        None
    };
    let now = engine.now_ns();
    Ok((orders.into_iter().map(|o| as_seen_now(o, now).view()).collect(), next))
}

/// Confirms an order: posts the hold, books the commission, issues the code or activates the
/// card, and returns the receipt lines. Confirming a confirmed order answers the same again.
pub async fn confirm(engine: &Engine, id: &str, req: ConfirmOrder) -> Result<OrderView, RetailError> {
    let id = id.to_string();
    let outcome = engine.ledger().write(move |tx| confirm_in(tx, &id, &req)).await?;
    match outcome {
        Ok(view) => Ok(view),
        Err(expired) => Err(RetailError::conflict(
            "order_expired",
            format!("order {} expired at {} and can no longer be confirmed", expired.id, expired.expires_at),
        )),
    }
}

/// Invalidates an order: voids the hold of a created one, reverses a confirmed one (blocking its
/// code or card). An invalidated or expired order is answered as it is: nothing changes.
pub async fn invalidate(engine: &Engine, id: &str) -> Result<OrderView, RetailError> {
    let id = id.to_string();
    engine.ledger().write(move |tx| invalidate_in(tx, &id)).await
}

/// Expires created orders whose time is up (the sweeper calls this). Returns how many expired.
pub async fn expire_due(engine: &Engine) -> Result<usize, RetailError> {
    engine
        .ledger()
        .write(|tx| {
            let now = ns_i64(tx.now());
            let ids: Vec<String> = tx.sql().query_all(
                "SELECT id FROM retail_orders WHERE state = 'created' AND expires_at <= ?1 ORDER BY expires_at LIMIT 200",
                params![now],
                |r| r.get(0),
            )?;
            for id in &ids {
                let order = order_or_404(tx, id)?;
                expire_in(tx, &order)?;
            }
            Ok(ids.len())
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_ids_follow_the_key() {
        assert_eq!(order_id(Some("client-1\u{0}k")), order_id(Some("client-1\u{0}k")));
        assert_ne!(order_id(Some("client-1\u{0}k")), order_id(Some("client-2\u{0}k")));
        assert_ne!(order_id(None), order_id(None));
        assert_eq!(order_id(None).len(), 3 + 24);
    }
}
