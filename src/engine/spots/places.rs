//! Spots (tables) of the location, check-ins and orders, with the seed's status rules:
//!
//! - a spot is `closed`, `waiting` (someone checked in) or `opened` (it has orders);
//! - check-in (user clients): a closed spot becomes waiting; a client is checked in at one spot
//!   at a time, so checking in elsewhere checks out of the first;
//! - check-out: when nobody is left and the spot has no orders yet it is closed again (a spot
//!   with a bill on it stays opened until the merchant closes it, so no bill is lost);
//! - the first order makes a spot opened; closing it (merchant) closes its pending orders,
//!   revokes their unpaid transactions and starts a new session, and is refused while an order's
//!   money is reserved (confirm or revoke it first);
//! - a code `PAYSERA*<location>:<identifier>` with an identifier not configured registers the
//!   spot on first use, marked unregistered, so the board can flag and close it.
//!
//! An order's status follows its transaction: `pending` (new, revoked, rejected), `reserved`,
//! `confirmed`; `closed` once cancelled or paid by other means.

use super::transactions::{self, NewTransaction, Status};
use super::{Caller, ClientKind, SpotsConfig, SpotsError, repo, secs};
use crate::engine::Engine;
use crate::engine::secrets::Secrets;
use crate::store::Sql;

/// The prefix of every spot code.
pub const CODE_PREFIX: &str = "PAYSERA*";
/// Longest identifier accepted from a code.
pub const MAX_IDENTIFIER: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpotStatus {
    Closed,
    Waiting,
    Opened,
}

impl SpotStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SpotStatus::Closed => "closed",
            SpotStatus::Waiting => "waiting",
            SpotStatus::Opened => "opened",
        }
    }
    pub fn parse(s: &str) -> Option<SpotStatus> {
        match s {
            "closed" => Some(SpotStatus::Closed),
            "waiting" => Some(SpotStatus::Waiting),
            "opened" => Some(SpotStatus::Opened),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderStatus {
    Pending,
    Reserved,
    Confirmed,
    Closed,
}

impl OrderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Pending => "pending",
            OrderStatus::Reserved => "reserved",
            OrderStatus::Confirmed => "confirmed",
            OrderStatus::Closed => "closed",
        }
    }
}

/// The location's details, as every spot shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceInfo {
    pub title: String,
    pub description: Option<String>,
    pub address: Option<String>,
    pub logo_uri: Option<String>,
    pub location_id: i64,
}

/// An order as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderView {
    pub id: i64,
    pub spot_id: i64,
    pub transaction_key: String,
    pub status: OrderStatus,
    /// The order's transaction, for the owning merchant's board (amount, payer).
    pub transaction: Option<transactions::TransactionView>,
    /// For the owning merchant: paid in cash at the till (`cash.rs`), not cancelled.
    pub paid_in_cash: Option<bool>,
}

/// Who is checked in (owning merchant only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckIn {
    pub name: String,
    pub wallet_id: Option<i64>,
}

/// A spot as a given caller may see it.
#[derive(Debug, Clone, PartialEq)]
pub struct SpotView {
    pub id: i64,
    pub status: SpotStatus,
    /// Only for the merchant that owns the spot.
    pub identifier: Option<String>,
    pub place: PlaceInfo,
    /// For a client checked in here and for the owning merchant, when the session has orders.
    pub orders: Option<Vec<OrderView>>,
    /// Owning merchant only: false for a spot that registered itself from an unknown code.
    pub registered: Option<bool>,
    /// Owning merchant only.
    pub check_ins: Option<Vec<CheckIn>>,
}

/// What an order is paid with: an existing transaction (by key) or a new one.
#[derive(Debug, Clone, PartialEq)]
pub enum OrderTransaction {
    Key(String),
    New(NewTransaction),
}

fn place(cfg: &SpotsConfig) -> PlaceInfo {
    PlaceInfo {
        title: cfg.title.clone(),
        description: cfg.description.clone(),
        address: cfg.address.clone(),
        logo_uri: cfg.logo_uri.clone(),
        location_id: cfg.location_id,
    }
}

/// Splits `PAYSERA*<location>:<identifier>` into its parts.
pub fn parse_code(code: &str) -> Result<(i64, String), SpotsError> {
    let bad = || {
        SpotsError::InvalidParameters(format!(
            "A spot code looks like {CODE_PREFIX}<location id>:<spot identifier>, e.g. {CODE_PREFIX}1:TABLE1."
        ))
    };
    let rest = code.trim().strip_prefix(CODE_PREFIX).ok_or_else(bad)?;
    let (location, identifier) = rest.split_once(':').ok_or_else(bad)?;
    let location: i64 = location.parse().map_err(|_| bad())?;
    if identifier.is_empty() || identifier.chars().count() > MAX_IDENTIFIER || identifier.chars().any(char::is_control)
    {
        return Err(SpotsError::InvalidParameters(format!(
            "A spot identifier is 1 to {MAX_IDENTIFIER} printable characters."
        )));
    }
    Ok((location, identifier.to_string()))
}

fn order_status(row: &repo::OrderRow, txn: Option<&transactions::TransactionView>) -> OrderStatus {
    if row.closed {
        return OrderStatus::Closed;
    }
    match txn.map(|t| t.status) {
        Some(Status::Reserved) => OrderStatus::Reserved,
        Some(Status::Confirmed) => OrderStatus::Confirmed,
        _ => OrderStatus::Pending,
    }
}

fn order_view(sql: Sql<'_>, row: &repo::OrderRow, now_ns: i64, with_txn: bool) -> Result<OrderView, SpotsError> {
    let txn = transactions::view_in(sql, &row.transaction_key, now_ns)?;
    Ok(OrderView {
        id: row.id,
        spot_id: row.spot_id,
        transaction_key: row.transaction_key.clone(),
        status: order_status(row, txn.as_ref()),
        transaction: if with_txn { txn } else { None },
        paid_in_cash: if with_txn && row.closed { Some(repo::cash_terminal(sql, row.id)?.is_some()) } else { None },
    })
}

fn spot_view(
    sql: Sql<'_>,
    cfg: &SpotsConfig,
    caller: &Caller,
    s: &repo::SpotRow,
    now_ns: i64,
) -> Result<SpotView, SpotsError> {
    let owner = caller.is_merchant_of(s.location_id);
    let checked_in_here = caller.kind == ClientKind::User && repo::checkin_of(sql, &caller.client_id)? == Some(s.id);
    let orders = if owner || checked_in_here {
        let rows = repo::orders_of_session(sql, s.id, s.session)?;
        let views = rows.iter().map(|r| order_view(sql, r, now_ns, owner)).collect::<Result<Vec<_>, _>>()?;
        (!views.is_empty()).then_some(views)
    } else {
        None
    };
    let check_ins = if owner {
        Some(repo::checkins_at(sql, s.id)?.into_iter().map(|(name, wallet_id)| CheckIn { name, wallet_id }).collect())
    } else {
        None
    };
    Ok(SpotView {
        id: s.id,
        status: SpotStatus::parse(&s.status)
            .ok_or_else(|| SpotsError::Internal(format!("spot status {}", s.status)))?,
        identifier: owner.then(|| s.identifier.clone()),
        place: place(cfg),
        orders,
        registered: owner.then_some(s.registered),
        check_ins,
    })
}

/// An order as its merchant sees it (with its transaction), inside a write.
pub(super) fn order_view_in(sql: Sql<'_>, row: &repo::OrderRow, now_ns: i64) -> Result<OrderView, SpotsError> {
    order_view(sql, row, now_ns, true)
}

/// A spot of this location, or 404 (403 for a merchant of another location).
fn load_spot(sql: Sql<'_>, cfg: &SpotsConfig, caller: &Caller, id: i64) -> Result<repo::SpotRow, SpotsError> {
    let s = repo::spot(sql, id)?.ok_or_else(|| SpotsError::NotFound(format!("No spot {id}.")))?;
    if caller.kind == ClientKind::Merchant {
        caller.require_merchant_of(s.location_id)?;
    }
    if s.location_id != cfg.location_id {
        return Err(SpotsError::NotFound(format!("No spot {id}.")));
    }
    Ok(s)
}

/// Registers the configured spots (idempotent); run when a server starts.
pub async fn register_configured(engine: &Engine) -> Result<(), SpotsError> {
    let cfg = SpotsConfig::of(engine)?;
    engine
        .ledger()
        .write(move |tx| {
            for identifier in &cfg.spots {
                let s = repo::ensure_spot(tx.sql(), cfg.location_id, identifier, true)?;
                if !s.registered {
                    // Configured after it registered itself from a code: it is a real spot now.
                    tx.sql()
                        .execute("UPDATE spots_spots SET registered = 1 WHERE id = ?1", crate::store::params![s.id])?;
                }
            }
            Ok(())
        })
        .await
}

/// `GET /spot?code=`: the spot of a code, registering it on first use.
pub async fn spot_by_code(engine: &Engine, caller: &Caller, code: &str) -> Result<SpotView, SpotsError> {
    let cfg = SpotsConfig::of(engine)?;
    let (location_id, identifier) = parse_code(code)?;
    if location_id != cfg.location_id {
        return Err(SpotsError::NotFound(format!("No location {location_id} here.")));
    }
    if caller.kind == ClientKind::Merchant {
        caller.require_merchant_of(location_id)?;
    }
    let now = engine.now_ns();
    let found = engine.ledger().read_sql(|sql| {
        repo::spot_by_identifier(sql, location_id, &identifier)?
            .map(|s| spot_view(sql, &cfg, caller, &s, now))
            .transpose()
    })?;
    if let Some(v) = found {
        return Ok(v);
    }
    let caller = caller.clone();
    engine
        .ledger()
        .write(move |tx| {
            let registered = cfg.spots.iter().any(|s| s == &identifier);
            let s = repo::ensure_spot(tx.sql(), location_id, &identifier, registered)?;
            spot_view(tx.sql(), &cfg, &caller, &s, transactions::tx_now(tx))
        })
        .await
}

/// `GET /spot/{id}`.
pub fn spot(engine: &Engine, caller: &Caller, id: i64) -> Result<SpotView, SpotsError> {
    let cfg = SpotsConfig::of(engine)?;
    let now = engine.now_ns();
    engine.ledger().read_sql(|sql| {
        let s = load_spot(sql, &cfg, caller, id)?;
        spot_view(sql, &cfg, caller, &s, now)
    })
}

/// The checkout rule: nobody left and no orders yet → closed.
fn after_checkout(sql: Sql<'_>, spot_id: i64) -> Result<(), SpotsError> {
    let Some(s) = repo::spot(sql, spot_id)? else { return Ok(()) };
    if s.status == SpotStatus::Waiting.as_str() && repo::checkins_at(sql, spot_id)?.is_empty() {
        repo::set_spot_status(sql, spot_id, SpotStatus::Closed.as_str())?;
    }
    Ok(())
}

/// `PUT /spot/{id}/check-in` (user clients).
pub async fn check_in(engine: &Engine, caller: &Caller, id: i64) -> Result<SpotView, SpotsError> {
    caller.require_user()?;
    let cfg = SpotsConfig::of(engine)?;
    let caller = caller.clone();
    engine
        .ledger()
        .write(move |tx| {
            let sql = tx.sql();
            let s = load_spot(sql, &cfg, &caller, id)?;
            let before = repo::checkin_of(sql, &caller.client_id)?;
            repo::set_checkin(sql, &caller.client_id, s.id, secs(tx.now()))?;
            if let Some(old) = before.filter(|old| *old != s.id) {
                after_checkout(sql, old)?;
            }
            if s.status == SpotStatus::Closed.as_str() {
                repo::set_spot_status(sql, s.id, SpotStatus::Waiting.as_str())?;
            }
            let s = load_spot(sql, &cfg, &caller, id)?;
            spot_view(sql, &cfg, &caller, &s, transactions::tx_now(tx))
        })
        .await
}

/// `PUT /spot/{id}/check-out` (user clients checked in there).
pub async fn check_out(engine: &Engine, caller: &Caller, id: i64) -> Result<SpotView, SpotsError> {
    caller.require_user()?;
    let cfg = SpotsConfig::of(engine)?;
    let caller = caller.clone();
    engine
        .ledger()
        .write(move |tx| {
            let sql = tx.sql();
            let s = load_spot(sql, &cfg, &caller, id)?;
            if repo::checkin_of(sql, &caller.client_id)? != Some(s.id) {
                return Err(SpotsError::InvalidState(format!("This client is not checked in at spot {id}.")));
            }
            repo::remove_checkin(sql, &caller.client_id)?;
            after_checkout(sql, s.id)?;
            let s = load_spot(sql, &cfg, &caller, id)?;
            spot_view(sql, &cfg, &caller, &s, transactions::tx_now(tx))
        })
        .await
}

/// A page of spots.
#[derive(Debug, Clone, PartialEq)]
pub struct SpotPage {
    pub spots: Vec<SpotView>,
    pub total: i64,
    pub offset: i64,
    pub limit: i64,
}

/// Default and largest page of `GET /spots`.
pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 200;

/// `GET /spots?status=&limit=&offset=` (merchant clients: their location's spots).
pub fn list(
    engine: &Engine,
    caller: &Caller,
    status: Option<SpotStatus>,
    limit: Option<i64>,
    offset: Option<i64>,
) -> Result<SpotPage, SpotsError> {
    let cfg = SpotsConfig::of(engine)?;
    caller.require_merchant_of(cfg.location_id)?;
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    let offset = offset.unwrap_or(0);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(SpotsError::InvalidParameters(format!("limit is 1 to {MAX_LIMIT}.")));
    }
    if offset < 0 {
        return Err(SpotsError::InvalidParameters("offset cannot be negative.".into()));
    }
    let now = engine.now_ns();
    engine.ledger().read_sql(|sql| {
        let (rows, total) = repo::spots(sql, cfg.location_id, status.map(SpotStatus::as_str), limit, offset)?;
        let spots = rows.iter().map(|s| spot_view(sql, &cfg, caller, s, now)).collect::<Result<Vec<_>, _>>()?;
        Ok(SpotPage { spots, total, offset, limit })
    })
}

/// `PUT /spot/{id}/close` (the owning merchant).
pub async fn close(engine: &Engine, caller: &Caller, id: i64) -> Result<SpotView, SpotsError> {
    let cfg = SpotsConfig::of(engine)?;
    caller.require_merchant_of(cfg.location_id)?;
    let caller = caller.clone();
    let secrets = engine.secrets().clone();
    engine
        .ledger()
        .write(move |tx| {
            let s = load_spot(tx.sql(), &cfg, &caller, id)?;
            let now = i64::try_from(tx.now()).unwrap_or(i64::MAX);
            for o in repo::orders_of_session(tx.sql(), s.id, s.session)? {
                let v = order_view(tx.sql(), &o, now, false)?;
                match v.status {
                    OrderStatus::Reserved => {
                        return Err(SpotsError::InvalidState(format!(
                            "Spot {id} has order {} with money reserved: confirm or revoke it before closing.",
                            o.id
                        )));
                    }
                    OrderStatus::Pending => {
                        revoke_if_open(tx, &secrets, &o.transaction_key)?;
                        repo::close_order(tx.sql(), o.id)?;
                    }
                    OrderStatus::Confirmed | OrderStatus::Closed => {}
                }
            }
            repo::close_spot(tx.sql(), s.id)?;
            let s = load_spot(tx.sql(), &cfg, &caller, id)?;
            spot_view(tx.sql(), &cfg, &caller, &s, transactions::tx_now(tx))
        })
        .await
}

/// Revokes a transaction unless it is already finished, so a closed order can no longer be paid.
pub(super) fn revoke_if_open(
    tx: &mut crate::ledger::WriteTx<'_>,
    secrets: &Secrets,
    key: &str,
) -> Result<(), SpotsError> {
    match transactions::revoke_in(tx, secrets, key) {
        Ok(_) | Err(SpotsError::InvalidState(_)) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Resolves the transaction an order is to carry: creates it, or checks an existing one is this
/// location's, still `new`, and on no other open order.
fn order_transaction(
    tx: &mut crate::ledger::WriteTx<'_>,
    cfg: &SpotsConfig,
    currency: crate::money::Currency,
    caller: &Caller,
    t: &OrderTransaction,
    this_order: Option<i64>,
) -> Result<String, SpotsError> {
    match t {
        OrderTransaction::New(new) => transactions::create_in(tx, cfg, currency, caller, new),
        OrderTransaction::Key(key) => {
            let now = i64::try_from(tx.now()).unwrap_or(i64::MAX);
            let v = transactions::view_in(tx.sql(), key, now)?
                .ok_or_else(|| SpotsError::NotFound(format!("No transaction {key}.")))?;
            caller.require_merchant_of(v.location_id)?;
            if v.status != Status::New {
                return Err(SpotsError::InvalidState(format!(
                    "Transaction {key} is {}; an order needs a new transaction.",
                    v.status.as_str()
                )));
            }
            let taken =
                repo::orders_of_transaction(tx.sql(), key)?.into_iter().any(|o| !o.closed && Some(o.id) != this_order);
            if taken {
                return Err(SpotsError::InvalidState(format!("Transaction {key} already belongs to another order.")));
            }
            Ok(key.clone())
        }
    }
}

/// `POST /spot/{id}/order` (the owning merchant): puts an order on the spot (it becomes opened).
pub async fn create_order(
    engine: &Engine,
    caller: &Caller,
    spot_id: i64,
    t: OrderTransaction,
) -> Result<OrderView, SpotsError> {
    let cfg = SpotsConfig::of(engine)?;
    caller.require_merchant_of(cfg.location_id)?;
    let currency = super::currency(engine)?;
    let caller = caller.clone();
    engine
        .ledger()
        .write(move |tx| {
            let s = load_spot(tx.sql(), &cfg, &caller, spot_id)?;
            let key = order_transaction(tx, &cfg, currency, &caller, &t, None)?;
            let id = repo::insert_order(tx.sql(), s.id, s.session, &key, secs(tx.now()))?;
            if s.status != SpotStatus::Opened.as_str() {
                repo::set_spot_status(tx.sql(), s.id, SpotStatus::Opened.as_str())?;
            }
            let row = repo::order(tx.sql(), id)?.ok_or_else(|| SpotsError::Internal("order vanished".into()))?;
            order_view(tx.sql(), &row, transactions::tx_now(tx), true)
        })
        .await
}

fn load_order(sql: Sql<'_>, cfg: &SpotsConfig, caller: &Caller, id: i64) -> Result<repo::OrderRow, SpotsError> {
    let o = repo::order(sql, id)?.ok_or_else(|| SpotsError::NotFound(format!("No order {id}.")))?;
    let s = load_spot(sql, cfg, caller, o.spot_id)?;
    if caller.is_merchant_of(s.location_id) {
        return Ok(o);
    }
    if caller.kind == ClientKind::User
        && repo::checkin_of(sql, &caller.client_id)? == Some(s.id)
        && o.session == s.session
    {
        return Ok(o);
    }
    Err(SpotsError::Forbidden(format!("Order {id} is visible to clients checked in at its spot and to its merchant.")))
}

/// `GET /order/{id}`.
pub fn order(engine: &Engine, caller: &Caller, id: i64) -> Result<OrderView, SpotsError> {
    let cfg = SpotsConfig::of(engine)?;
    let now = engine.now_ns();
    engine.ledger().read_sql(|sql| {
        let o = load_order(sql, &cfg, caller, id)?;
        order_view(sql, &o, now, caller.is_merchant_of(cfg.location_id))
    })
}

/// `PUT /order/{id}` (the owning merchant): the order gets another transaction; the one it had
/// (unless paid or reserved: then this is refused) is revoked.
pub async fn edit_order(
    engine: &Engine,
    caller: &Caller,
    id: i64,
    t: OrderTransaction,
) -> Result<OrderView, SpotsError> {
    let cfg = SpotsConfig::of(engine)?;
    caller.require_merchant_of(cfg.location_id)?;
    let currency = super::currency(engine)?;
    let caller = caller.clone();
    let secrets = engine.secrets().clone();
    engine
        .ledger()
        .write(move |tx| {
            let now = i64::try_from(tx.now()).unwrap_or(i64::MAX);
            let o = load_order(tx.sql(), &cfg, &caller, id)?;
            match order_view(tx.sql(), &o, now, false)?.status {
                OrderStatus::Pending => {}
                other => {
                    return Err(SpotsError::InvalidState(format!(
                        "Order {id} is {}; only a pending order can be changed.",
                        other.as_str()
                    )));
                }
            }
            let key = order_transaction(tx, &cfg, currency, &caller, &t, Some(o.id))?;
            if key != o.transaction_key {
                revoke_if_open(tx, &secrets, &o.transaction_key)?;
                repo::set_order_transaction(tx.sql(), o.id, &key)?;
            }
            let row = repo::order(tx.sql(), id)?.ok_or_else(|| SpotsError::Internal("order vanished".into()))?;
            order_view(tx.sql(), &row, transactions::tx_now(tx), true)
        })
        .await
}

/// `DELETE /order/{id}` (the owning merchant): closes the order (cancelled, or paid by other
/// means); a reservation on it is released. A confirmed (paid) order cannot be removed.
pub async fn delete_order(engine: &Engine, caller: &Caller, id: i64) -> Result<OrderView, SpotsError> {
    let cfg = SpotsConfig::of(engine)?;
    caller.require_merchant_of(cfg.location_id)?;
    let caller = caller.clone();
    let secrets = engine.secrets().clone();
    engine
        .ledger()
        .write(move |tx| {
            let now = i64::try_from(tx.now()).unwrap_or(i64::MAX);
            let o = load_order(tx.sql(), &cfg, &caller, id)?;
            match order_view(tx.sql(), &o, now, false)?.status {
                OrderStatus::Closed => return Err(SpotsError::InvalidState(format!("Order {id} is already closed."))),
                OrderStatus::Confirmed => {
                    return Err(SpotsError::InvalidState(format!(
                        "Order {id} is paid (confirmed); it cannot be removed."
                    )));
                }
                OrderStatus::Pending | OrderStatus::Reserved => {}
            }
            revoke_if_open(tx, &secrets, &o.transaction_key)?;
            repo::close_order(tx.sql(), o.id)?;
            let row = repo::order(tx.sql(), id)?.ok_or_else(|| SpotsError::Internal("order vanished".into()))?;
            order_view(tx.sql(), &row, transactions::tx_now(tx), true)
        })
        .await
}
