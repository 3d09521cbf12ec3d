//! Wallet transactions, as the reference client models them: a merchant creates one with its
//! payments; a customer's wallet app reserves it; the merchant confirms (optionally lowering a
//! payment) or revokes it.
//!
//! ```text
//!   new ──reserve──▶ reserved ──confirm──▶ confirmed
//!    │  ╲              │   ╲
//!    │   rejected ◀────┘    ──revoke / expiry──▶ revoked
//!    └──revoke──▶ revoked
//! ```
//!
//! - `rejected`: the wallet held too little when the customer tried; nothing moved, and the
//!   customer may try again (a rejected transaction can still be reserved).
//! - Reserve is one pending transfer per payment, wallet → the location's wallet clearing, in one
//!   linked chain with the hold's timeout; confirm posts each (the lowered amount, or voids a
//!   payment lowered to zero); revoke voids them; a reservation not confirmed in time is revoked
//!   by the sweeper (and reads show it revoked from the moment it ran out).
//! - Every change is one `Ledger::write`: the status row and the transfers commit together, so a
//!   crash between reserve and confirm leaves a reservation that is still held and can be
//!   confirmed or revoked after the restart. Concurrent reserves queue on the writer: exactly one
//!   finds the transaction `new`.
//! - Each status change with a `callback_uri` enqueues a callback in the same commit.

use super::{Caller, SpotsConfig, SpotsError, random_alnum, repo, secs, wallets};
use crate::engine::accounts::{transfer_code, transfer_id};
use crate::engine::secrets::Secrets;
use crate::engine::{Engine, outbox};
use crate::ledger::{CreateTransferResult, NewTransfer, TransferFlags, WriteTx};
use crate::money::{Currency, Money};

const NS: i64 = 1_000_000_000;
/// Payments per transaction, and their description length: generous for a table's bill.
pub const MAX_PAYMENTS: usize = 50;
pub const MAX_DESCRIPTION: usize = 255;

/// A transaction's status, as the reference client names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    New,
    Reserved,
    Confirmed,
    Revoked,
    Rejected,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Reserved => "reserved",
            Status::Confirmed => "confirmed",
            Status::Revoked => "revoked",
            Status::Rejected => "rejected",
        }
    }
    fn parse(s: &str) -> Result<Status, SpotsError> {
        Ok(match s {
            "new" => Status::New,
            "reserved" => Status::Reserved,
            "confirmed" => Status::Confirmed,
            "revoked" => Status::Revoked,
            "rejected" => Status::Rejected,
            other => return Err(SpotsError::Internal(format!("transaction status {other}"))),
        })
    }
}

/// One payment of a new transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPayment {
    pub description: String,
    pub price: Money,
    pub parameters: Option<serde_json::Value>,
}

/// How long a reservation holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReserveFor {
    /// The configured default.
    Default,
    /// This many seconds from the moment of the reserve (`reserve_for` is in hours on the wire).
    Seconds(u32),
    /// Until this Unix time (seconds).
    Until(i64),
}

/// A transaction to create.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTransaction {
    pub payments: Vec<NewPayment>,
    pub reserve: ReserveFor,
    pub callback_uri: Option<String>,
}

/// A payment as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct PaymentView {
    pub id: i64,
    pub description: String,
    /// The price asked; after a lowered confirm, the price confirmed.
    pub price: Money,
    pub parameters: Option<serde_json::Value>,
}

/// A transaction as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct TransactionView {
    pub key: String,
    pub status: Status,
    pub created_at: i64,
    pub location_id: i64,
    pub currency: Currency,
    pub wallet_id: Option<i64>,
    pub confirmed_at: Option<i64>,
    /// Unix seconds the reservation runs out (known once reserved, or when asked for up front).
    pub reserve_until: Option<i64>,
    pub callback_uri: Option<String>,
    pub payments: Vec<PaymentView>,
    /// Sum of the payments.
    pub total: Money,
}

/// Now inside a write: the ledger's timestamp of this write, on the engine's one clock.
pub(super) fn tx_now(tx: &WriteTx<'_>) -> i64 {
    i64::try_from(tx.now()).unwrap_or(i64::MAX)
}

/// The status a reader should see: a reservation past its time is revoked even before the
/// sweeper has written it.
pub(super) fn effective(row: &repo::TxnRow, now_ns: i64) -> Result<Status, SpotsError> {
    let s = Status::parse(&row.status)?;
    Ok(match (s, row.reserve_until_ns) {
        (Status::Reserved, Some(until)) if until <= now_ns => Status::Revoked,
        (s, _) => s,
    })
}

pub(super) fn view_in(
    sql: crate::store::Sql<'_>,
    key: &str,
    now_ns: i64,
) -> Result<Option<TransactionView>, SpotsError> {
    let Some(row) = repo::txn(sql, key)? else { return Ok(None) };
    let currency = Currency::from_code(&row.currency).map_err(|e| SpotsError::Internal(e.to_string()))?;
    let mut total = Money::zero(currency);
    let mut payments = Vec::new();
    for p in repo::payments(sql, key)? {
        let price = Money::from_minor(p.final_price.unwrap_or(p.price), currency);
        total = total.checked_add(price).map_err(|e| SpotsError::Internal(e.to_string()))?;
        let parameters = p.parameters.as_deref().and_then(|s| serde_json::from_str(s).ok());
        payments.push(PaymentView { id: p.id, description: p.description, price, parameters });
    }
    Ok(Some(TransactionView {
        status: effective(&row, now_ns)?,
        key: row.key,
        created_at: row.created_at,
        location_id: row.location_id,
        currency,
        wallet_id: row.wallet_id,
        confirmed_at: row.confirmed_at,
        reserve_until: row.reserve_until_ns.map(|ns| ns.div_euclid(NS)),
        callback_uri: row.callback_uri,
        payments,
        total,
    }))
}

fn must_view(sql: crate::store::Sql<'_>, key: &str, now_ns: i64) -> Result<TransactionView, SpotsError> {
    view_in(sql, key, now_ns)?.ok_or_else(|| SpotsError::NotFound(format!("No transaction {key}.")))
}

/// Creates a transaction inside `tx`; returns its key.
pub(super) fn create_in(
    tx: &mut WriteTx<'_>,
    cfg: &SpotsConfig,
    currency: Currency,
    caller: &Caller,
    new: &NewTransaction,
) -> Result<String, SpotsError> {
    caller.require_merchant_of(cfg.location_id)?;
    if new.payments.is_empty() {
        return Err(SpotsError::InvalidParameters("A transaction needs at least one payment.".into()));
    }
    if new.payments.len() > MAX_PAYMENTS {
        return Err(SpotsError::InvalidParameters(format!("A transaction holds at most {MAX_PAYMENTS} payments.")));
    }
    let mut total = Money::zero(currency);
    for (i, p) in new.payments.iter().enumerate() {
        if p.price.currency() != currency {
            return Err(SpotsError::InvalidParameters(format!(
                "payments[{i}]: this store takes {}, not {}.",
                currency.code(),
                p.price.currency().code()
            )));
        }
        if p.price.minor() <= 0 {
            return Err(SpotsError::InvalidParameters(format!("payments[{i}]: the price must be more than zero.")));
        }
        if p.description.trim().is_empty() || p.description.chars().count() > MAX_DESCRIPTION {
            return Err(SpotsError::InvalidParameters(format!(
                "payments[{i}]: a description is 1 to {MAX_DESCRIPTION} characters."
            )));
        }
        total = total
            .checked_add(p.price)
            .map_err(|_| SpotsError::InvalidParameters("The payments add up to more than can be held.".into()))?;
    }
    let now_ns = i64::try_from(tx.now()).unwrap_or(i64::MAX);
    let (reserve_seconds, reserve_until_ns) = match new.reserve {
        ReserveFor::Default => (i64::from(cfg.default_reserve_seconds.max(1)), None),
        ReserveFor::Seconds(s) if s > 0 => (i64::from(s), None),
        ReserveFor::Seconds(_) => {
            return Err(SpotsError::InvalidParameters("reserve_for must be at least 1 hour.".into()));
        }
        ReserveFor::Until(until) => {
            let until_ns = until.checked_mul(NS).filter(|ns| *ns > now_ns).ok_or_else(|| {
                SpotsError::InvalidParameters("reserve_until must be a Unix time in the future.".into())
            })?;
            if (until_ns - now_ns) / NS > i64::from(u32::MAX) {
                return Err(SpotsError::InvalidParameters("reserve_until is too far in the future.".into()));
            }
            (0, Some(until_ns))
        }
    };
    let key = random_alnum(32);
    let row = repo::TxnRow {
        key: key.clone(),
        client_id: caller.client_id.clone(),
        location_id: cfg.location_id,
        status: Status::New.as_str().into(),
        currency: currency.code().into(),
        wallet_id: None,
        reserve_seconds,
        reserve_until_ns,
        callback_uri: new.callback_uri.clone(),
        created_at: secs(tx.now()),
        reserved_at: None,
        confirmed_at: None,
    };
    repo::insert_txn(tx.sql(), &row)?;
    for p in &new.payments {
        let parameters = p.parameters.as_ref().map(|v| v.to_string());
        repo::insert_payment(tx.sql(), &key, p.description.trim(), p.price.minor(), parameters.as_deref())?;
    }
    Ok(key)
}

/// `POST /transaction`: a merchant creates a transaction.
pub async fn create(engine: &Engine, caller: &Caller, new: NewTransaction) -> Result<TransactionView, SpotsError> {
    let cfg = SpotsConfig::of(engine)?;
    let currency = super::currency(engine)?;
    let caller = caller.clone();
    engine
        .ledger()
        .write(move |tx| {
            let key = create_in(tx, &cfg, currency, &caller, &new)?;
            must_view(tx.sql(), &key, tx_now(tx))
        })
        .await
}

/// Who may see a transaction: merchants of its location, and any user client (the key is what a
/// wallet app is given to pay it), except that once reserved only the paying wallet sees it.
fn may_see(caller: &Caller, v: &TransactionView) -> Result<(), SpotsError> {
    if caller.is_merchant_of(v.location_id) {
        return Ok(());
    }
    match (caller.wallet_id, v.wallet_id) {
        (Some(_), None) => Ok(()),
        (Some(mine), Some(payer)) if mine == payer => Ok(()),
        (Some(_), Some(_)) if v.status == Status::Rejected => Ok(()),
        _ => Err(SpotsError::Forbidden("This transaction belongs to another client.".into())),
    }
}

/// `GET /transaction/{key}`.
pub fn get(engine: &Engine, caller: &Caller, key: &str) -> Result<TransactionView, SpotsError> {
    let v = engine.ledger().read_sql(|sql| must_view(sql, key, engine.now_ns()))?;
    may_see(caller, &v)?;
    Ok(v)
}

fn hold_id(key: &str, payment_id: i64) -> u128 {
    transfer_id(&format!("spots:txn:{key}:{payment_id}:hold"))
}

fn refuse_state(v: &TransactionView, doing: &str) -> SpotsError {
    let why = match v.status {
        Status::New => "it is not reserved yet".to_string(),
        Status::Reserved => "it is already reserved".to_string(),
        Status::Confirmed => "it is already confirmed".to_string(),
        Status::Revoked => "it was revoked (or its reservation ran out)".to_string(),
        Status::Rejected => "it was rejected: the wallet held too little".to_string(),
    };
    SpotsError::InvalidState(format!("Transaction {} cannot be {doing}: {why}.", v.key))
}

/// Enqueues the `callback_uri` notice of a status change through the outbox, in the same commit,
/// signed like the retail webhooks with the MAC key of the merchant client that created it.
fn enqueue(tx: &WriteTx<'_>, secrets: &Secrets, row: &repo::TxnRow, status: Status) -> Result<(), SpotsError> {
    let Some(url) = row.callback_uri.as_deref() else { return Ok(()) };
    let body = serde_json::json!({
        "type": "transaction",
        "event": status.as_str(),
        "object": {"transaction_key": row.key, "status": status.as_str()},
    });
    let secret = match repo::client(tx.sql(), &row.client_id)? {
        Some(c) => String::from_utf8(secrets.open(&c.sealed_key).map_err(|e| SpotsError::Internal(e.to_string()))?)
            .map_err(|e| SpotsError::Internal(e.to_string()))?,
        None => String::new(),
    };
    let msg = outbox::Message {
        lane: format!("spots:{}", row.client_id),
        event_id: format!("{}:{}:{}", row.key, status.as_str(), tx.now()),
        url: url.to_string(),
        body: body.to_string().into_bytes(),
        headers: vec![],
        signing: outbox::Signing::TillWebhookV1 { secret },
        retry: outbox::Retry::default(),
    };
    outbox::enqueue(tx.sql(), tx.now(), &msg).map_err(|e| SpotsError::Internal(e.to_string()))?;
    Ok(())
}

/// What a reserve came to.
enum Reserved {
    Done(TransactionView),
    Rejected(TransactionView, Money),
}

/// `PUT /transaction/{key}/reserve`: the caller's wallet reserves the whole transaction.
pub async fn reserve(engine: &Engine, caller: &Caller, key: &str) -> Result<TransactionView, SpotsError> {
    let wallet_id = caller.require_user()?;
    let locale = super::locale(engine);
    let secrets = engine.secrets().clone();
    let key = key.to_string();
    let out = engine
        .ledger()
        .write(move |tx| {
            let now = i64::try_from(tx.now()).unwrap_or(i64::MAX);
            let row =
                repo::txn(tx.sql(), &key)?.ok_or_else(|| SpotsError::NotFound(format!("No transaction {key}.")))?;
            let v = must_view(tx.sql(), &key, now)?;
            if !matches!(v.status, Status::New | Status::Rejected) {
                return Err(refuse_state(&v, "reserved"));
            }
            let wallet = repo::wallet(tx.sql(), wallet_id)?
                .ok_or_else(|| SpotsError::Internal(format!("client wallet {wallet_id} missing")))?;
            if wallet.currency != v.currency {
                return Err(SpotsError::InvalidState(format!(
                    "This wallet holds {}; the transaction is in {}.",
                    wallet.currency.code(),
                    v.currency.code()
                )));
            }
            let at_disposal = wallets::balance_in(tx, &wallet)?.at_disposal;
            if at_disposal.minor() < v.total.minor() {
                repo::set_rejected(tx.sql(), &key, wallet_id)?;
                enqueue(tx, &secrets, &row, Status::Rejected)?;
                return Ok(Reserved::Rejected(must_view(tx.sql(), &key, now)?, at_disposal));
            }
            let until_ns = match row.reserve_until_ns {
                Some(until) => until,
                None => now.saturating_add(row.reserve_seconds.saturating_mul(NS)),
            };
            let timeout = u32::try_from((until_ns - now + NS - 1) / NS)
                .ok()
                .filter(|t| *t > 0)
                .ok_or_else(|| SpotsError::InvalidState(format!("Transaction {key}'s reservation time has passed.")))?;
            let until_ns = now.saturating_add(i64::from(timeout) * NS);
            let (debit, credit) =
                (wallets::account_of(v.currency, wallet_id), wallets::clearing_of(v.currency, v.location_id));
            wallets::ensure_store_accounts(tx, v.currency, v.location_id)?;
            let n = v.payments.len();
            let holds: Vec<NewTransfer> = v
                .payments
                .iter()
                .enumerate()
                .map(|(i, p)| NewTransfer {
                    id: hold_id(&key, p.id),
                    debit_account_id: debit,
                    credit_account_id: credit,
                    amount: u64::try_from(p.price.minor()).unwrap_or(0),
                    timeout,
                    ledger: v.currency.ledger(),
                    code: transfer_code::WALLET_RESERVE,
                    flags: if i + 1 < n {
                        TransferFlags::PENDING | TransferFlags::LINKED
                    } else {
                        TransferFlags::PENDING
                    },
                    ..Default::default()
                })
                .collect();
            let results = tx.create_transfers(&holds)?;
            if results.contains(&CreateTransferResult::ExceedsCredits) {
                repo::set_rejected(tx.sql(), &key, wallet_id)?;
                enqueue(tx, &secrets, &row, Status::Rejected)?;
                return Ok(Reserved::Rejected(must_view(tx.sql(), &key, now)?, at_disposal));
            }
            if let Some(bad) = results.iter().find(|r| !r.is_success()) {
                return Err(SpotsError::Internal(format!("reserve {key}: {bad:?}")));
            }
            repo::set_reserved(tx.sql(), &key, wallet_id, until_ns, secs(tx.now()))?;
            enqueue(tx, &secrets, &row, Status::Reserved)?;
            Ok(Reserved::Done(must_view(tx.sql(), &key, now)?))
        })
        .await?;
    match out {
        Reserved::Done(v) => Ok(v),
        Reserved::Rejected(v, at) => Err(SpotsError::InvalidState(format!(
            "The wallet holds {} at disposal; transaction {} needs {}. It is rejected; nothing was reserved.",
            at.format(locale),
            v.key,
            v.total.format(locale)
        ))),
    }
}

/// `PUT /transaction/{key}/confirm`: the merchant takes the reserved money, optionally lowering
/// payments (`lowered`: payment id → the price to take, at most the price reserved).
pub async fn confirm(
    engine: &Engine,
    caller: &Caller,
    key: &str,
    lowered: Vec<(i64, Money)>,
) -> Result<TransactionView, SpotsError> {
    let caller = caller.clone();
    let secrets = engine.secrets().clone();
    let key = key.to_string();
    engine
        .ledger()
        .write(move |tx| {
            let now = i64::try_from(tx.now()).unwrap_or(i64::MAX);
            let row =
                repo::txn(tx.sql(), &key)?.ok_or_else(|| SpotsError::NotFound(format!("No transaction {key}.")))?;
            caller.require_merchant_of(row.location_id)?;
            let v = must_view(tx.sql(), &key, now)?;
            if v.status != Status::Reserved {
                if Status::parse(&row.status)? == Status::Reserved {
                    // Ran out: release it now and say so.
                    finish_revoke(tx, &secrets, &row, &v)?;
                    return Ok(Err(refuse_state(&v, "confirmed")));
                }
                return Err(refuse_state(&v, "confirmed"));
            }
            let mut finals: Vec<(i64, i64)> = v.payments.iter().map(|p| (p.id, p.price.minor())).collect();
            for (id, price) in &lowered {
                let Some(slot) = finals.iter_mut().find(|(pid, _)| pid == id) else {
                    return Err(SpotsError::InvalidParameters(format!("Transaction {key} has no payment {id}.")));
                };
                if price.currency() != v.currency {
                    return Err(SpotsError::InvalidParameters(format!(
                        "Payment {id} is in {}, not {}.",
                        v.currency.code(),
                        price.currency().code()
                    )));
                }
                if price.minor() < 0 || price.minor() > slot.1 {
                    return Err(SpotsError::InvalidParameters(format!(
                        "Payment {id} can be confirmed for 0 to {} (minor units); {} was asked.",
                        slot.1,
                        price.minor()
                    )));
                }
                slot.1 = price.minor();
            }
            let n = finals.len();
            let resolutions: Vec<NewTransfer> = finals
                .iter()
                .enumerate()
                .map(|(i, (pid, price))| {
                    let linked = if i + 1 < n { TransferFlags::LINKED } else { TransferFlags::NONE };
                    let (leg, flag) = if *price == 0 {
                        ("void", TransferFlags::VOID_PENDING_TRANSFER)
                    } else {
                        ("post", TransferFlags::POST_PENDING_TRANSFER)
                    };
                    NewTransfer {
                        id: transfer_id(&format!("spots:txn:{key}:{pid}:{leg}")),
                        pending_id: hold_id(&key, *pid),
                        amount: u64::try_from(*price).unwrap_or(0),
                        flags: flag | linked,
                        ..Default::default()
                    }
                })
                .collect();
            let results = tx.create_transfers(&resolutions)?;
            if results.contains(&CreateTransferResult::PendingTransferExpired) {
                return Err(SpotsError::InvalidState(format!(
                    "Transaction {key} cannot be confirmed: its reservation ran out."
                )));
            }
            if let Some(bad) = results.iter().find(|r| !r.is_success()) {
                return Err(SpotsError::Internal(format!("confirm {key}: {bad:?}")));
            }
            for ((pid, price), p) in finals.iter().zip(&v.payments) {
                if *price != p.price.minor() {
                    repo::set_final_price(tx.sql(), *pid, *price)?;
                }
            }
            repo::set_finished(tx.sql(), &key, Status::Confirmed.as_str(), secs(tx.now()))?;
            enqueue(tx, &secrets, &row, Status::Confirmed)?;
            Ok(Ok(must_view(tx.sql(), &key, now)?))
        })
        .await?
}

/// Voids the holds of a reserved transaction (those the ledger has not expired already) and
/// marks it revoked; for a `new` or `rejected` one only the status changes.
pub(super) fn finish_revoke(
    tx: &mut WriteTx<'_>,
    secrets: &Secrets,
    row: &repo::TxnRow,
    v: &TransactionView,
) -> Result<(), SpotsError> {
    if Status::parse(&row.status)? == Status::Reserved {
        for p in &v.payments {
            let void = NewTransfer {
                id: transfer_id(&format!("spots:txn:{}:{}:void", row.key, p.id)),
                pending_id: hold_id(&row.key, p.id),
                flags: TransferFlags::VOID_PENDING_TRANSFER,
                ..Default::default()
            };
            match tx.create_transfers(&[void])?.first().copied() {
                Some(r) if r.is_success() => {}
                Some(
                    CreateTransferResult::PendingTransferExpired | CreateTransferResult::PendingTransferAlreadyVoided,
                ) => {}
                other => return Err(SpotsError::Internal(format!("void {}: {other:?}", row.key))),
            }
        }
    }
    repo::set_finished(tx.sql(), &row.key, Status::Revoked.as_str(), secs(tx.now()))?;
    enqueue(tx, secrets, row, Status::Revoked)
}

/// Revokes transaction `key` inside `tx` if it is not finished; `Err(InvalidState)` when it is
/// confirmed (or already revoked).
pub(super) fn revoke_in(tx: &mut WriteTx<'_>, secrets: &Secrets, key: &str) -> Result<TransactionView, SpotsError> {
    let now = i64::try_from(tx.now()).unwrap_or(i64::MAX);
    let row = repo::txn(tx.sql(), key)?.ok_or_else(|| SpotsError::NotFound(format!("No transaction {key}.")))?;
    let v = must_view(tx.sql(), key, now)?;
    let stored = Status::parse(&row.status)?;
    if matches!(stored, Status::Confirmed | Status::Revoked) {
        return Err(refuse_state(&v, "revoked"));
    }
    finish_revoke(tx, secrets, &row, &v)?;
    must_view(tx.sql(), key, now)
}

/// `DELETE /transaction/{key}`: the merchant revokes (releasing any reservation).
pub async fn revoke(engine: &Engine, caller: &Caller, key: &str) -> Result<TransactionView, SpotsError> {
    let caller = caller.clone();
    let secrets = engine.secrets().clone();
    let key = key.to_string();
    engine
        .ledger()
        .write(move |tx| {
            let row =
                repo::txn(tx.sql(), &key)?.ok_or_else(|| SpotsError::NotFound(format!("No transaction {key}.")))?;
            caller.require_merchant_of(row.location_id)?;
            revoke_in(tx, &secrets, &key)
        })
        .await
}

/// Revokes every reservation whose time ran out; returns how many.
pub async fn expire_due(engine: &Engine) -> Result<usize, SpotsError> {
    let keys = engine.ledger().read_sql(|sql| repo::expired_reservations(sql, engine.now_ns(), 100))?;
    let mut n = 0;
    for key in keys {
        let secrets = engine.secrets().clone();
        let done = engine
            .ledger()
            .write(move |tx| {
                let now = i64::try_from(tx.now()).unwrap_or(i64::MAX);
                let Some(row) = repo::txn(tx.sql(), &key)? else { return Ok(false) };
                let v = must_view(tx.sql(), &key, now)?;
                if Status::parse(&row.status)? != Status::Reserved || v.status != Status::Revoked {
                    return Ok::<_, SpotsError>(false);
                }
                finish_revoke(tx, &secrets, &row, &v)?;
                Ok(true)
            })
            .await?;
        n += usize::from(done);
    }
    Ok(n)
}
