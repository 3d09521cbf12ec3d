//! The digital wallet extension on the customers' wallets (the spots wallets).
//!
//! A wallet app shows a single-use code (`till wallet barcode --wallet ID`, valid
//! `barcode_seconds`); `pay_wallet` takes `total + tip` off that wallet (one posted transfer
//! through the spots wallet API, refused by the ledger when the wallet holds less) and uses the
//! code up. Refunds go back to the same wallet, never more than was paid minus what was refunded;
//! a cancel refunds everything not yet refunded. Every change is idempotent: `pay_wallet` by its
//! code, the others by the request's fingerprint (cancel also by the payment's state).

use serde::{Deserialize, Serialize};

use super::repo::{self, WalletPayment};
use super::{ExtError, Once, config, once_in, random_hex};
use crate::engine::Engine;
use crate::engine::spots::wallets::{self, Decline};
use crate::ledger::WriteTx;
use crate::money::{Currency, Money};

/// A wallet reply: `code` "00" or a decline code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletReply {
    pub ok: bool,
    pub code: String,
    pub error: Option<String>,
    /// The payment (after the change).
    pub payment: Option<WalletPayment>,
    /// A refund's own transaction id and amount.
    pub refund_id: Option<String>,
    pub refund_amount: Option<i64>,
}

impl WalletReply {
    fn decline(code: &str, error: impl Into<String>, payment: Option<WalletPayment>) -> WalletReply {
        WalletReply {
            ok: false,
            code: code.into(),
            error: Some(error.into()),
            payment,
            refund_id: None,
            refund_amount: None,
        }
    }
    fn ok(payment: WalletPayment) -> WalletReply {
        WalletReply {
            ok: true,
            code: "00".into(),
            error: None,
            payment: Some(payment),
            refund_id: None,
            refund_amount: None,
        }
    }
}

/// Issues a single-use code for wallet `wallet_id`, valid for `barcode_seconds`.
pub fn issue_barcode_blocking(engine: &Engine, wallet_id: i64) -> Result<String, ExtError> {
    if wallets::wallet(engine, wallet_id).map_err(|e| ExtError::Internal(e.to_string()))?.is_none() {
        return Err(ExtError::NotFound(format!("no wallet {wallet_id}")));
    }
    let seconds = config(engine)?.wallet.barcode_seconds;
    let code = new_code();
    let c = code.clone();
    let now = engine.now_ns();
    let expires = now.saturating_add(i64::from(seconds).saturating_mul(1_000_000_000));
    engine.ledger().write_blocking(move |tx| {
        repo::insert_wallet_code(tx.sql(), &c, wallet_id, expires, now)?;
        Ok::<(), ExtError>(())
    })?;
    Ok(code)
}

/// 24 random digits, as the seed's example barcode.
fn new_code() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..24).map(|i| char::from(b'0' + if i == 0 { rng.random_range(1..10) } else { rng.random_range(0..10) })).collect()
}

fn twelve_digits() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..12).map(|i| char::from(b'0' + if i == 0 { rng.random_range(1..10) } else { rng.random_range(0..10) })).collect()
}

fn internal(e: crate::engine::spots::SpotsError) -> ExtError {
    ExtError::Internal(e.to_string())
}

/// A payment to take.
#[derive(Debug, Clone)]
pub struct Pay {
    pub barcode: String,
    pub total: Money,
    pub tip: Money,
    pub note: Option<String>,
}

/// `pay_wallet`. Idempotent by the barcode: the same request again is the same payment.
pub async fn pay(engine: &Engine, tenant: &str, p: Pay, fingerprint: &str) -> Result<WalletReply, ExtError> {
    if p.total.minor() <= 0 || p.tip.is_negative() {
        return Err(ExtError::Invalid("total must be more than zero and tip not negative".into()));
    }
    let amount = p.total.checked_add(p.tip).map_err(|e| ExtError::Invalid(format!("total + tip: {e}")))?;
    let once = Once::new(tenant, "pay_wallet", p.barcode.clone(), fingerprint);
    let tenant = tenant.to_string();
    engine
        .ledger()
        .write(move |tx| {
            once_in(tx, &once, |tx| {
                let Some((wallet_id, expires, used)) = repo::wallet_code(tx.sql(), &p.barcode)? else {
                    return Ok(WalletReply::decline("14", "Unknown barcode.", None));
                };
                if used.is_some() {
                    return Ok(WalletReply::decline("14", "The barcode was used already.", None));
                }
                if expires <= i64::try_from(tx.now()).unwrap_or(i64::MAX) {
                    return Ok(WalletReply::decline("54", "The barcode has expired; show a new one.", None));
                }
                let w = crate::engine::spots::repo::wallet(tx.sql(), wallet_id)
                    .map_err(|e| ExtError::Internal(e.to_string()))?;
                let Some(w) = w else {
                    return Ok(WalletReply::decline("14", "The wallet does not exist.", None));
                };
                if w.currency != amount.currency() {
                    let msg = format!("The wallet holds {}.", w.currency.code());
                    return Ok(WalletReply::decline("12", msg, None));
                }
                let transaction_id = twelve_digits();
                let key = format!("instore:{tenant}:pay:{transaction_id}");
                match wallets::charge(tx, wallet_id, amount, &key).map_err(internal)? {
                    Ok(_) => {}
                    Err(Decline::InsufficientFunds { at_disposal }) => {
                        let msg = format!("Insufficient funds: the wallet holds {}.", at_disposal.to_plain_string());
                        return Ok(WalletReply::decline("51", msg, None));
                    }
                    Err(Decline::KeyReused) => return Err(ExtError::Internal("wallet charge key reused".into())),
                }
                repo::use_wallet_code(tx.sql(), &p.barcode, &transaction_id)?;
                let payment = WalletPayment {
                    transaction_id,
                    wallet_id,
                    barcode: p.barcode.clone(),
                    currency: amount.currency().code().into(),
                    total: p.total.minor(),
                    tip: p.tip.minor(),
                    refunded: 0,
                    status: "paid".into(),
                    note: p.note.clone(),
                };
                repo::insert_wallet_payment(tx.sql(), &tenant, &payment, now(tx))?;
                Ok(WalletReply::ok(payment))
            })
        })
        .await
}

fn now(tx: &WriteTx<'_>) -> i64 {
    i64::try_from(tx.now()).unwrap_or(i64::MAX)
}

/// What was paid (total + tip) minus what was refunded.
pub fn refundable(p: &WalletPayment) -> i64 {
    p.total.saturating_add(p.tip).saturating_sub(p.refunded).max(0)
}

/// The payment, for `available_wallet_refund`.
pub fn payment(engine: &Engine, tenant: &str, transaction_id: &str) -> Result<Option<WalletPayment>, ExtError> {
    engine.ledger().read_sql(|sql| Ok(repo::wallet_payment(sql, tenant, transaction_id, false)?))
}

fn refund_in(
    tx: &mut WriteTx<'_>,
    tenant: &str,
    mut p: WalletPayment,
    amount: Option<i64>,
    key: &str,
) -> Result<WalletReply, ExtError> {
    let left = refundable(&p);
    let want = amount.unwrap_or(left);
    if want <= 0 || want > left {
        let msg = format!("Refund of {want} is more than can be refunded ({left}).");
        return Ok(WalletReply::decline("13", msg, Some(p)));
    }
    let currency = Currency::from_code(&p.currency).map_err(|e| ExtError::Internal(e.to_string()))?;
    let refund_id = twelve_digits();
    match wallets::refund(tx, p.wallet_id, Money::from_minor(want, currency), &format!("instore:{tenant}:refund:{key}"))
        .map_err(internal)?
    {
        Ok(_) => {}
        Err(d) => return Err(ExtError::Internal(format!("wallet refund: {d:?}"))),
    }
    p.refunded = p.refunded.checked_add(want).ok_or_else(|| ExtError::Invalid("amount".into()))?;
    p.status = "refunded".into();
    repo::update_wallet_payment(tx.sql(), tenant, &p)?;
    let mut reply = WalletReply::ok(p);
    reply.refund_id = Some(refund_id);
    reply.refund_amount = Some(want);
    Ok(reply)
}

/// `refund_wallet_payment`: `amount` (minor units) or everything left. An identical request is a
/// replay.
pub async fn refund(
    engine: &Engine,
    tenant: &str,
    transaction_id: &str,
    amount: Option<i64>,
    fingerprint: &str,
) -> Result<WalletReply, ExtError> {
    let once = Once::new(tenant, "refund_wallet_payment", fingerprint, fingerprint);
    let (tenant, id) = (tenant.to_string(), transaction_id.to_string());
    engine
        .ledger()
        .write(move |tx| {
            once_in(tx, &once, |tx| {
                let Some(p) = repo::wallet_payment(tx.sql(), &tenant, &id, false)? else {
                    return Ok(WalletReply::decline("25", "No such transaction.", None));
                };
                if p.status == "canceled" {
                    return Ok(WalletReply::decline("13", "The payment was cancelled.", Some(p)));
                }
                refund_in(tx, &tenant, p, amount, &once.key)
            })
        })
        .await
}

/// `cancel_wallet_payment`: refunds everything not yet refunded and marks the payment cancelled.
/// Cancelling again answers the cancelled payment again. The payment is named by its
/// `transaction_id`, else by the `barcode` it was paid with.
pub async fn cancel(engine: &Engine, tenant: &str, key: &str, by_barcode: bool) -> Result<WalletReply, ExtError> {
    let (tenant, key) = (tenant.to_string(), key.to_string());
    engine.ledger().write(move |tx| cancel_in(tx, &tenant, &key, by_barcode)).await
}

fn cancel_in(tx: &mut WriteTx<'_>, tenant: &str, key: &str, by_barcode: bool) -> Result<WalletReply, ExtError> {
    let Some(p) = repo::wallet_payment(tx.sql(), tenant, key, by_barcode)? else {
        return Ok(WalletReply::decline("25", "No such transaction.", None));
    };
    if p.status == "canceled" {
        return Ok(WalletReply::ok(p));
    }
    let refund_key = format!("cancel:{}", p.transaction_id);
    let mut reply = if refundable(&p) > 0 { refund_in(tx, tenant, p, None, &refund_key)? } else { WalletReply::ok(p) };
    if let Some(p) = reply.payment.as_mut().filter(|_| reply.ok) {
        p.status = "canceled".into();
        repo::update_wallet_payment(tx.sql(), tenant, p)?;
    }
    Ok(reply)
}

/// A cancel the POS logs (`log_cancel_wallet`).
#[derive(Debug, Clone)]
pub struct CancelLog {
    pub transaction_id: Option<String>,
    pub barcode: Option<String>,
    pub reference: Option<String>,
    pub response_code: Option<String>,
    /// The request as sent, kept in the log.
    pub body: String,
}

/// `log_cancel_wallet`: keeps the POS's record and cancels the payment it names (by
/// `transaction_id`, else `barcode`) if that is still paid. An identical request is a replay.
pub async fn log_cancel(
    engine: &Engine,
    tenant: &str,
    c: CancelLog,
    fingerprint: &str,
) -> Result<WalletReply, ExtError> {
    let once = Once::new(tenant, "log_cancel_wallet", fingerprint, fingerprint);
    let tenant = tenant.to_string();
    engine
        .ledger()
        .write(move |tx| {
            once_in(tx, &once, |tx| {
                let id = format!("lc_{}", random_hex(10));
                let t = now(tx);
                repo::insert_wallet_cancel_log(
                    tx.sql(),
                    &tenant,
                    &id,
                    c.transaction_id.as_deref(),
                    c.barcode.as_deref(),
                    c.reference.as_deref(),
                    c.response_code.as_deref(),
                    &c.body,
                    t,
                )?;
                let target = match (&c.transaction_id, &c.barcode) {
                    (Some(t), _) => Some((t.clone(), false)),
                    (None, Some(b)) => Some((b.clone(), true)),
                    _ => None,
                };
                match target {
                    Some((key, by_barcode)) => match cancel_in(tx, &tenant, &key, by_barcode)? {
                        // Nothing was paid with it: the log is all there is to do.
                        r if r.code == "25" => Ok(WalletReply { ok: true, code: "00".into(), error: None, ..r }),
                        r => Ok(r),
                    },
                    None => Ok(WalletReply {
                        ok: true,
                        code: "00".into(),
                        error: None,
                        payment: None,
                        refund_id: None,
                        refund_amount: None,
                    }),
                }
            })
        })
        .await
}
