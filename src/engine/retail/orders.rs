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

use serde::{Deserialize, Serialize};

use super::lines::{self, ReceiptInput};
use super::{DecimalMoney, RetailConfig, RetailError, webhooks};
use crate::engine::Engine;
use crate::engine::accounts::{transfer_code, transfer_id};
use crate::engine::catalog::balance::{commission_account, ensure_accounts, prepaid_account, sales_account};
use crate::engine::catalog::products::{self, ProductCode, ProductKind, Values};
use crate::engine::catalog::{codes, ns_i64, parse_country, rfc3339, stores};
use crate::engine::retail::error::id_hex;
use crate::ledger::{CreateTransferResult, NewTransfer, TransferFlags, WriteTx};
use crate::money::{Currency, Locale, Money};
use crate::store::{Row, Sql, StoreError, StoreErrorKind, params};

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    /// Preliminary checks passed; the balance is held until confirm, invalidate or expiry.
    Created,
    /// Paid and delivered: the code was issued or the card activated.
    Confirmed,
    /// Voided (from created) or reversed (from confirmed): nothing is owed, the code or card is blocked.
    Invalidated,
    /// Never confirmed in time: the hold was released.
    Expired,
}

impl OrderState {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::Created => "created",
            OrderState::Confirmed => "confirmed",
            OrderState::Invalidated => "invalidated",
            OrderState::Expired => "expired",
        }
    }
    fn parse(s: &str) -> Option<OrderState> {
        [OrderState::Created, OrderState::Confirmed, OrderState::Invalidated, OrderState::Expired]
            .into_iter()
            .find(|st| st.as_str() == s)
    }
}

/// `receipt_printing` of a create request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptPrintingRequest {
    /// 24 to 64.
    pub characters_per_line: u32,
    /// de-DE, en-US, en-GB, fr-FR or nl-NL.
    pub locale: String,
}

/// `POST /v1/retail_orders`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateOrder {
    pub product_code: String,
    pub store_id: String,
    pub terminal_id: String,
    pub receipt_id: String,
    pub country: String,
    pub face_value: DecimalMoney,
    pub receipt_printing: ReceiptPrintingRequest,
    /// POSA products: the number of the physical card scanned at the till.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_number: Option<String>,
}

/// `POST /v1/retail_orders/{id}/actions/confirm`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmOrder {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<String>,
    /// Total value of the customer's receipt (at least the face value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt_value: Option<DecimalMoney>,
}

/// `receipt_printing` of an order; `lines` once it is confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptPrinting {
    pub characters_per_line: u32,
    pub locale: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<String>>,
}

/// A retail order as the engine shows it: the payload of order webhooks, and what `/v1` maps to
/// `wire::retail::OrderView` (the same JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderView {
    pub id: String,
    pub state: OrderState,
    pub product_code: String,
    pub product_name: String,
    pub brand: String,
    pub kind: ProductKind,
    pub store_id: String,
    pub terminal_id: String,
    pub receipt_id: String,
    pub country: String,
    pub face_value: DecimalMoney,
    /// The partner's commission on this order.
    pub commission: DecimalMoney,
    /// What the distributor takes from the prepaid balance: face value minus commission.
    pub net_payable: DecimalMoney,
    /// POSA: the card number, masked to its last four digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt_value: Option<DecimalMoney>,
    pub receipt_printing: ReceiptPrinting,
    pub created_at: String,
    /// When a created order expires if it is not confirmed.
    pub expires_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalidated_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expired_at: Option<String>,
}

/// An order as stored.
#[derive(Debug, Clone)]
struct Order {
    id: String,
    state: OrderState,
    product_code: String,
    product_name: String,
    brand: String,
    store_id: String,
    terminal_id: String,
    receipt_id: String,
    country: String,
    currency: Currency,
    face: i64,
    commission: i64,
    kind: ProductKind,
    card_number: Option<String>,
    width: u32,
    locale: String,
    hold_id: u128,
    payment_method: Option<String>,
    receipt_value: Option<DecimalMoney>,
    lines: Option<Vec<String>>,
    created_at: i64,
    expires_at: i64,
    confirmed_at: Option<i64>,
    invalidated_at: Option<i64>,
    expired_at: Option<i64>,
}

impl Order {
    fn money(&self, minor: i64) -> DecimalMoney {
        DecimalMoney::from(Money::from_minor(minor, self.currency))
    }
    fn net(&self) -> i64 {
        self.face - self.commission
    }
    fn view(&self) -> OrderView {
        OrderView {
            id: self.id.clone(),
            state: self.state,
            product_code: self.product_code.clone(),
            product_name: self.product_name.clone(),
            brand: self.brand.clone(),
            kind: self.kind,
            store_id: self.store_id.clone(),
            terminal_id: self.terminal_id.clone(),
            receipt_id: self.receipt_id.clone(),
            country: self.country.clone(),
            face_value: self.money(self.face),
            commission: self.money(self.commission),
            net_payable: self.money(self.net()),
            card_number: self.card_number.as_deref().map(lines::mask_card),
            payment_method: self.payment_method.clone(),
            receipt_value: self.receipt_value.clone(),
            receipt_printing: ReceiptPrinting {
                characters_per_line: self.width,
                locale: self.locale.clone(),
                // The code is only shown while it is valid.
                lines: if self.state == OrderState::Confirmed { self.lines.clone() } else { None },
            },
            created_at: rfc3339(self.created_at),
            expires_at: rfc3339(self.expires_at),
            confirmed_at: self.confirmed_at.map(rfc3339),
            invalidated_at: self.invalidated_at.map(rfc3339),
            expired_at: self.expired_at.map(rfc3339),
        }
    }
}

const COLUMNS: &str = "o.id, o.state, o.product_code, coalesce(p.name, ''), coalesce(p.brand, ''), o.store_id, \
     o.terminal_id, o.receipt_id, o.country, o.currency, o.face_minor, o.commission_minor, o.kind, o.card_number, \
     o.characters_per_line, o.locale, o.hold_id, o.payment_method, o.receipt_value, o.lines, o.created_at, \
     o.expires_at, o.confirmed_at, o.invalidated_at, o.expired_at";

fn from_row(r: &Row<'_, '_>) -> Result<Order, StoreError> {
    let id: String = r.get(0)?;
    let bad = |what: &str| StoreError::new(StoreErrorKind::Decode, format!("order {id}: bad stored {what}"));
    let state: String = r.get(1)?;
    let currency: String = r.get(9)?;
    let kind: String = r.get(12)?;
    let hold: String = r.get(16)?;
    let receipt_value: Option<String> = r.get(18)?;
    let lines: Option<String> = r.get(19)?;
    Ok(Order {
        state: OrderState::parse(&state).ok_or_else(|| bad("state"))?,
        product_code: r.get(2)?,
        product_name: r.get(3)?,
        brand: r.get(4)?,
        store_id: r.get(5)?,
        terminal_id: r.get(6)?,
        receipt_id: r.get(7)?,
        country: r.get(8)?,
        currency: Currency::from_code(&currency).map_err(|_| bad("currency"))?,
        face: r.get(10)?,
        commission: r.get(11)?,
        kind: match kind.as_str() {
            "POR" => ProductKind::Por,
            "POSA" => ProductKind::Posa,
            _ => return Err(bad("kind")),
        },
        card_number: r.get(13)?,
        width: r.get(14)?,
        locale: r.get(15)?,
        hold_id: super::parse_id_hex(&hold).map_err(|_| bad("hold id"))?,
        payment_method: r.get(17)?,
        receipt_value: receipt_value
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(|_| bad("receipt value"))?,
        lines: lines.as_deref().map(serde_json::from_str).transpose().map_err(|_| bad("lines"))?,
        created_at: r.get(20)?,
        expires_at: r.get(21)?,
        confirmed_at: r.get(22)?,
        invalidated_at: r.get(23)?,
        expired_at: r.get(24)?,
        id,
    })
}

fn load(sql: Sql<'_>, id: &str) -> Result<Option<Order>, RetailError> {
    let query = format!(
        "SELECT {COLUMNS} FROM retail_orders o LEFT JOIN retail_products p ON p.code = o.product_code WHERE o.id = ?1"
    );
    Ok(sql.query_one(&query, params![id], from_row)?)
}

/// The order id for a client's idempotency key: a retried create finds the order the first try
/// made. Without a key, a random id.
pub fn order_id(key: Option<&str>) -> String {
    let n = match key {
        Some(k) => transfer_id(&format!("retail-order:{k}")),
        None => rand::random::<u128>(),
    };
    format!("ro_{:024x}", n >> 32)
}

fn hold_transfer_id(order: &str) -> u128 {
    transfer_id(&format!("retail:{order}:hold"))
}

fn ident(field: &str, s: &str, max: usize) -> Result<String, RetailError> {
    let s = s.trim();
    if s.is_empty() || s.chars().count() > max || s.chars().any(char::is_control) {
        return Err(RetailError::bad_request(
            "invalid_request",
            format!("{field} must be 1 to {max} printable characters"),
        ));
    }
    Ok(s.to_string())
}

fn card_number(s: &str) -> Result<String, RetailError> {
    let n: String = s.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if !(6..=40).contains(&n.len()) || !n.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(RetailError::bad_request("invalid_card_number", "card_number must be 6 to 40 letters or digits"));
    }
    Ok(n)
}

/// A create request after its shape was checked (nothing looked up yet).
struct ValidCreate {
    product_code: String,
    store_id: String,
    terminal_id: String,
    receipt_id: String,
    country: String,
    face: Money,
    width: u32,
    locale: Locale,
    card_number: Option<String>,
}

fn validate_create(req: &CreateOrder) -> Result<ValidCreate, RetailError> {
    let product_code = ProductCode::parse_shape(req.product_code.trim())?.as_str().to_string();
    let store_id = stores::StoreId::parse(req.store_id.trim())?.as_str().to_string();
    let terminal_id = ident("terminal_id", &req.terminal_id, 32)?;
    let receipt_id = ident("receipt_id", &req.receipt_id, 64)?;
    let country = parse_country(&req.country)
        .ok_or_else(|| RetailError::bad_request("invalid_country", "country must be an ISO 3166-1 alpha-2 code"))?;
    let face = req.face_value.parse("face_value")?;
    if face.minor() <= 0 {
        return Err(RetailError::bad_request("invalid_amount", "face_value.amount must be positive"));
    }
    let width = req.receipt_printing.characters_per_line;
    if !(lines::MIN_WIDTH as u32..=lines::MAX_WIDTH as u32).contains(&width) {
        return Err(RetailError::bad_request(
            "invalid_characters_per_line",
            format!("receipt_printing.characters_per_line must be {} to {}", lines::MIN_WIDTH, lines::MAX_WIDTH),
        ));
    }
    let locale = Locale::parse(&req.receipt_printing.locale).map_err(|_| {
        RetailError::bad_request(
            "invalid_locale",
            format!(
                "receipt_printing.locale {:?} is not one of {}",
                req.receipt_printing.locale,
                Locale::ALL.map(|l| l.tag()).join(", ")
            ),
        )
    })?;
    let card_number = req.card_number.as_deref().map(card_number).transpose()?;
    Ok(ValidCreate { product_code, store_id, terminal_id, receipt_id, country, face, width, locale, card_number })
}

fn transfer_refused(what: &str, r: CreateTransferResult) -> RetailError {
    RetailError::internal(format!("{what} refused by the ledger: {r:?}"))
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

fn create_in(tx: &mut WriteTx<'_>, id: &str, v: ValidCreate, expiry: u32) -> Result<(OrderView, bool), RetailError> {
    if let Some(existing) = load(tx.sql(), id)? {
        return Ok((existing.view(), false));
    }
    let store = stores::load(tx.sql(), &v.store_id)?.ok_or_else(|| {
        RetailError::unprocessable("store_not_registered", format!("store {:?} is not registered", v.store_id))
    })?;
    if store.country != v.country {
        return Err(RetailError::unprocessable(
            "store_country_mismatch",
            format!("store {} is in {}, not {}", store.id, store.country, v.country),
        ));
    }
    let product = products::load(tx.sql(), &v.product_code)?
        .ok_or_else(|| RetailError::unprocessable("product_not_found", format!("no product {}", v.product_code)))?;
    if !product.active {
        return Err(RetailError::unprocessable("product_inactive", format!("product {} is not on sale", product.code)));
    }
    if product.country != v.country {
        return Err(RetailError::unprocessable(
            "product_not_sold_in_country",
            format!("product {} is sold in {}, not {}", product.code, product.country, v.country),
        ));
    }
    if product.currency != v.face.currency() {
        return Err(RetailError::unprocessable(
            "currency_mismatch",
            format!("product {} is sold in {}", product.code, product.currency.code()),
        ));
    }
    match &product.values {
        Values::Fixed(values) if !values.contains(&v.face.minor()) => {
            let list: Vec<String> =
                values.iter().map(|m| Money::from_minor(*m, product.currency).to_plain_string()).collect();
            return Err(RetailError::unprocessable(
                "amount_not_a_denomination",
                format!("face_value must be one of {}", list.join(", ")),
            ));
        }
        Values::Range { min, max } if v.face.minor() < *min || v.face.minor() > *max => {
            return Err(RetailError::unprocessable(
                "amount_out_of_range",
                format!(
                    "face_value must be between {} and {}",
                    Money::from_minor(*min, product.currency).to_plain_string(),
                    Money::from_minor(*max, product.currency).to_plain_string()
                ),
            ));
        }
        _ => {}
    }
    match product.kind {
        ProductKind::Posa => {
            let card = v.card_number.as_deref().ok_or_else(|| {
                RetailError::unprocessable("card_number_required", "a POSA product needs the scanned card_number")
            })?;
            let used = tx
                .sql()
                .query_one(
                    "SELECT CASE WHEN EXISTS (SELECT 1 FROM retail_posa_cards WHERE card_number = ?1)
                         OR EXISTS (SELECT 1 FROM retail_orders WHERE card_number = ?1 AND state IN ('created', 'confirmed'))
                         THEN 1 ELSE 0 END",
                    params![card],
                    |r| r.get::<bool>(0),
                )?
                .unwrap_or(false);
            if used {
                return Err(RetailError::unprocessable(
                    "card_already_used",
                    "this card was already sold or is being sold",
                ));
            }
        }
        ProductKind::Por => {
            if codes::available(tx.sql(), &product.code)? == 0 {
                return Err(RetailError::unprocessable("out_of_stock", format!("no codes left for {}", product.code)));
            }
        }
    }
    let currency = product.currency;
    let commission = product.commission_on(v.face.minor());
    let net = v.face.minor() - commission;
    let insufficient =
        || RetailError::unprocessable("insufficient_balance", "the partner balance does not cover this order");
    let prepaid = tx.lookup_account(prepaid_account(currency))?.ok_or_else(insufficient)?;
    if prepaid.debit_balance() - i128::from(prepaid.credits_pending) < i128::from(net) {
        return Err(insufficient());
    }
    ensure_accounts(tx, currency)?;
    let hold = hold_transfer_id(id);
    let result = tx.create_transfers(&[NewTransfer {
        id: hold,
        debit_account_id: sales_account(currency),
        credit_account_id: prepaid_account(currency),
        amount: u64::try_from(net).unwrap_or(0),
        timeout: expiry,
        ledger: currency.ledger(),
        code: transfer_code::RETAIL_HOLD,
        flags: TransferFlags::PENDING,
        ..NewTransfer::default()
    }])?;
    match result.first().copied() {
        Some(r) if r.is_success() => {}
        Some(CreateTransferResult::ExceedsDebits | CreateTransferResult::ExceedsCredits) => return Err(insufficient()),
        Some(r) => return Err(transfer_refused("the hold", r)),
        None => return Err(RetailError::internal("the ledger answered nothing")),
    }
    if product.kind == ProductKind::Por && codes::reserve(tx.sql(), &product.code, id)?.is_none() {
        return Err(RetailError::unprocessable("out_of_stock", format!("no codes left for {}", product.code)));
    }
    let now = ns_i64(tx.now());
    let expires_at = now.saturating_add(i64::from(expiry) * 1_000_000_000);
    tx.sql().execute(
        "INSERT INTO retail_orders (id, state, product_code, store_id, terminal_id, receipt_id, country, currency,
             face_minor, commission_minor, kind, card_number, characters_per_line, locale, hold_id, created_at,
             expires_at)
         VALUES (?1, 'created', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        params![
            id,
            &product.code,
            &v.store_id,
            &v.terminal_id,
            &v.receipt_id,
            &v.country,
            currency.code(),
            v.face.minor(),
            commission,
            product.kind.as_str(),
            v.card_number.as_deref(),
            v.width,
            v.locale.tag(),
            &id_hex(hold),
            now,
            expires_at
        ],
    )?;
    let order = load(tx.sql(), id)?.ok_or_else(|| RetailError::internal("order vanished"))?;
    let view = order.view();
    announce(tx, now, "retail_order.created", &view)?;
    Ok((view, true))
}

/// One order.
pub fn get(engine: &Engine, id: &str) -> Result<OrderView, RetailError> {
    let id = id.to_string();
    let order = engine.ledger().read_sql(move |sql| load(sql, &id))?;
    let order = order.ok_or_else(|| RetailError::not_found("order_not_found", "no such retail order"))?;
    Ok(as_seen_now(order).view())
}

fn wall_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Records the expiry of created orders whose time is up, if there are any, before a read
/// answers: otherwise an order could already read as expired while the balance still showed its
/// hold (the sweeper and the ledger's own expiry run on timers). A write only when there is work.
pub async fn expire_overdue(engine: &Engine) -> Result<(), RetailError> {
    let now = wall_now();
    let overdue = engine.ledger().read_sql(move |sql| {
        sql.query_one(
            "SELECT 1 FROM retail_orders WHERE state = 'created' AND expires_at <= ?1 LIMIT 1",
            params![now],
            |r| r.get::<i64>(0),
        )
        .map_err(RetailError::from)
    })?;
    let overdue = overdue.is_some();
    if overdue {
        expire_due(engine).await?;
    }
    Ok(())
}

/// Past its time a created order's hold is gone even if the sweeper has not recorded the expiry
/// yet: reads say so.
fn as_seen_now(mut order: Order) -> Order {
    let now = wall_now();
    if order.state == OrderState::Created && now >= order.expires_at {
        order.state = OrderState::Expired;
        order.expired_at = Some(order.expires_at);
    }
    order
}

/// Filters for listing orders: find an order by its transaction context when its id was lost.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub store_id: Option<String>,
    pub terminal_id: Option<String>,
    pub receipt_id: Option<String>,
    pub state: Option<OrderState>,
    /// Order id to continue after (newest first).
    pub after: Option<String>,
    pub limit: u32,
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
    Ok((orders.into_iter().map(|o| as_seen_now(o).view()).collect(), next))
}

fn order_or_404(tx: &WriteTx<'_>, id: &str) -> Result<Order, RetailError> {
    load(tx.sql(), id)?.ok_or_else(|| RetailError::not_found("order_not_found", "no such retail order"))
}

/// Marks a created order expired (its hold is released by the ledger's timeout) inside a write.
fn expire_in(tx: &WriteTx<'_>, order: &Order) -> Result<OrderView, RetailError> {
    let now = ns_i64(tx.now());
    codes::transition(tx.sql(), &order.id, "reserved", "available")?;
    tx.sql().execute(
        "UPDATE retail_orders SET state = 'expired', expired_at = ?2 WHERE id = ?1 AND state = 'created'",
        params![&order.id, now],
    )?;
    let view = load(tx.sql(), &order.id)?.ok_or_else(|| RetailError::internal("order vanished"))?.view();
    announce(tx, now, "retail_order.expired", &view)?;
    Ok(view)
}

/// Writes an order event to the outbox. Events never carry the receipt lines: a POR code stays
/// between the till and its customer (a subscriber can GET the order).
fn announce(tx: &WriteTx<'_>, now: i64, event: &str, view: &OrderView) -> Result<(), RetailError> {
    let mut data = view.clone();
    data.receipt_printing.lines = None;
    webhooks::enqueue(tx.sql(), now, event, &serde_json::to_value(&data).unwrap_or_default())?;
    Ok(())
}

fn settlement_entry(tx: &WriteTx<'_>, order: &Order, kind: &str, now: i64) -> Result<(), RetailError> {
    let sign = if kind == "confirm" { 1 } else { -1 };
    tx.sql().execute(
        "INSERT INTO retail_settlement_entries (order_id, kind, day, store_id, currency, face_minor, commission_minor,
             net_minor, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            &order.id,
            kind,
            &super::settlement::day_of(now),
            &order.store_id,
            order.currency.code(),
            sign * order.face,
            sign * order.commission,
            sign * order.net(),
            now
        ],
    )?;
    Ok(())
}

fn check_confirm(order: &Order, req: &ConfirmOrder) -> Result<(Option<String>, Option<DecimalMoney>), RetailError> {
    let method = req.payment_method.as_deref().map(|m| ident("payment_method", m, 32)).transpose()?;
    let value = match &req.receipt_value {
        None => None,
        Some(w) => {
            let m = w.parse("receipt_value")?;
            if m.currency() != order.currency {
                return Err(RetailError::unprocessable(
                    "currency_mismatch",
                    format!("receipt_value must be in {}", order.currency.code()),
                ));
            }
            if m.minor() < order.face {
                return Err(RetailError::unprocessable(
                    "receipt_value_below_face_value",
                    "receipt_value must include the gift card's face value",
                ));
            }
            Some(DecimalMoney::from(m))
        }
    };
    Ok((method, value))
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

/// `Ok(Err(view))`: the order turned out to be expired (that change is committed).
fn confirm_in(tx: &mut WriteTx<'_>, id: &str, req: &ConfirmOrder) -> Result<Result<OrderView, OrderView>, RetailError> {
    let order = order_or_404(tx, id)?;
    match order.state {
        OrderState::Confirmed => return Ok(Ok(order.view())),
        OrderState::Invalidated => {
            return Err(RetailError::conflict(
                "order_invalidated",
                "the order was invalidated and cannot be confirmed",
            ));
        }
        OrderState::Expired => return Ok(Err(order.view())),
        OrderState::Created => {}
    }
    let now = ns_i64(tx.now());
    if now >= order.expires_at {
        return Ok(Err(expire_in(tx, &order)?));
    }
    let (method, value) = check_confirm(&order, req)?;
    let c = order.currency;
    let mut transfers = vec![NewTransfer {
        id: transfer_id(&format!("retail:{id}:post")),
        debit_account_id: sales_account(c),
        credit_account_id: prepaid_account(c),
        amount: u64::try_from(order.net()).unwrap_or(0),
        pending_id: order.hold_id,
        ledger: c.ledger(),
        code: transfer_code::RETAIL_HOLD,
        flags: TransferFlags::POST_PENDING_TRANSFER,
        ..NewTransfer::default()
    }];
    if order.commission > 0 {
        transfers[0].flags = TransferFlags::POST_PENDING_TRANSFER | TransferFlags::LINKED;
        transfers.push(NewTransfer {
            id: transfer_id(&format!("retail:{id}:commission")),
            debit_account_id: sales_account(c),
            credit_account_id: commission_account(c),
            amount: u64::try_from(order.commission).unwrap_or(0),
            ledger: c.ledger(),
            code: transfer_code::RETAIL_COMMISSION,
            ..NewTransfer::default()
        });
    }
    let results = tx.create_transfers(&transfers)?;
    if results.first() == Some(&CreateTransferResult::PendingTransferExpired) {
        return Ok(Err(expire_in(tx, &order)?));
    }
    if let Some(r) = results.iter().find(|r| !r.is_success()) {
        return Err(transfer_refused("the confirmation", *r));
    }
    let product = products::load(tx.sql(), &order.product_code)?
        .ok_or_else(|| RetailError::internal(format!("product {} vanished", order.product_code)))?;
    let code = match order.kind {
        ProductKind::Por => {
            if !codes::transition(tx.sql(), id, "reserved", "issued")? {
                return Err(RetailError::internal(format!("order {id} has no reserved code")));
            }
            let code = crate::engine::catalog::repo::code_of_order(tx.sql(), id)?
                .ok_or_else(|| RetailError::internal(format!("order {id} lost its code")))?;
            Some(code)
        }
        ProductKind::Posa => {
            let card = order.card_number.clone().ok_or_else(|| RetailError::internal("POSA order without card"))?;
            tx.sql().execute(
                "INSERT INTO retail_posa_cards (card_number, product_code, order_id, state, activated_at)
                 VALUES (?1, ?2, ?3, 'active', ?4)",
                params![&card, &order.product_code, id, now],
            )?;
            None
        }
    };
    let locale = Locale::parse(&order.locale).map_err(|e| RetailError::internal(e.to_string()))?;
    let lines = lines::render(&ReceiptInput {
        width: order.width as usize,
        locale,
        brand: &product.brand,
        product_name: &product.name,
        face_value: Money::from_minor(order.face, c),
        code: code.as_deref(),
        card_number: order.card_number.as_deref(),
        redemption_text: &product.redemption_text,
        support_text: &product.support_text,
        receipt_id: &order.receipt_id,
        order_id: id,
    });
    let value = value.as_ref().and_then(|v| serde_json::to_string(v).ok());
    let lines = serde_json::to_string(&lines).unwrap_or_else(|_| "[]".into());
    tx.sql().execute(
        "UPDATE retail_orders SET state = 'confirmed', confirmed_at = ?2, payment_method = ?3, receipt_value = ?4,
             lines = ?5
         WHERE id = ?1",
        params![id, now, method.as_deref(), value.as_deref(), &lines],
    )?;
    settlement_entry(tx, &order, "confirm", now)?;
    let view = load(tx.sql(), id)?.ok_or_else(|| RetailError::internal("order vanished"))?.view();
    announce(tx, now, "retail_order.confirmed", &view)?;
    Ok(Ok(view))
}

/// Invalidates an order: voids the hold of a created one, reverses a confirmed one (blocking its
/// code or card). An invalidated or expired order is answered as it is: nothing changes.
pub async fn invalidate(engine: &Engine, id: &str) -> Result<OrderView, RetailError> {
    let id = id.to_string();
    engine.ledger().write(move |tx| invalidate_in(tx, &id)).await
}

fn invalidate_in(tx: &mut WriteTx<'_>, id: &str) -> Result<OrderView, RetailError> {
    let order = order_or_404(tx, id)?;
    let now = ns_i64(tx.now());
    let c = order.currency;
    match order.state {
        OrderState::Invalidated | OrderState::Expired => return Ok(order.view()),
        OrderState::Created => {
            if now >= order.expires_at {
                return expire_in(tx, &order);
            }
            let results = tx.create_transfers(&[NewTransfer {
                id: transfer_id(&format!("retail:{id}:void")),
                debit_account_id: sales_account(c),
                credit_account_id: prepaid_account(c),
                amount: u64::try_from(order.net()).unwrap_or(0),
                pending_id: order.hold_id,
                ledger: c.ledger(),
                code: transfer_code::RETAIL_HOLD,
                flags: TransferFlags::VOID_PENDING_TRANSFER,
                ..NewTransfer::default()
            }])?;
            match results.first().copied() {
                Some(r) if r.is_success() => {}
                Some(CreateTransferResult::PendingTransferExpired) => return expire_in(tx, &order),
                Some(r) => return Err(transfer_refused("the void", r)),
                None => return Err(RetailError::internal("the ledger answered nothing")),
            }
            codes::transition(tx.sql(), id, "reserved", "available")?;
        }
        OrderState::Confirmed => {
            let mut transfers = vec![NewTransfer {
                id: transfer_id(&format!("retail:{id}:reverse")),
                debit_account_id: prepaid_account(c),
                credit_account_id: sales_account(c),
                amount: u64::try_from(order.net()).unwrap_or(0),
                ledger: c.ledger(),
                code: transfer_code::RETAIL_INVALIDATE,
                ..NewTransfer::default()
            }];
            if order.commission > 0 {
                transfers[0].flags = TransferFlags::LINKED;
                transfers.push(NewTransfer {
                    id: transfer_id(&format!("retail:{id}:reverse-commission")),
                    debit_account_id: commission_account(c),
                    credit_account_id: sales_account(c),
                    amount: u64::try_from(order.commission).unwrap_or(0),
                    ledger: c.ledger(),
                    code: transfer_code::RETAIL_INVALIDATE,
                    ..NewTransfer::default()
                });
            }
            let results = tx.create_transfers(&transfers)?;
            if let Some(r) = results.iter().find(|r| !r.is_success()) {
                return Err(transfer_refused("the reversal", *r));
            }
            codes::transition(tx.sql(), id, "issued", "blocked")?;
            tx.sql().execute(
                "UPDATE retail_posa_cards SET state = 'blocked', blocked_at = ?2 WHERE order_id = ?1",
                params![id, now],
            )?;
            settlement_entry(tx, &order, "invalidate", now)?;
        }
    }
    tx.sql().execute(
        "UPDATE retail_orders SET state = 'invalidated', invalidated_at = ?2 WHERE id = ?1",
        params![id, now],
    )?;
    let view = load(tx.sql(), id)?.ok_or_else(|| RetailError::internal("order vanished"))?.view();
    announce(tx, now, "retail_order.invalidated", &view)?;
    Ok(view)
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
