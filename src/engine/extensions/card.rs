//! The credit card extension: a card processor simulator on the ledger.
//!
//! A collected payment is an authorisation hold (a pending transfer card clearing → extension
//! sales, expiring after `hold_seconds`) that is posted at once, or left pending in
//! `requires_capture` when the processor has `capture_enabled` or the customer must sign; then
//! `capture_payment` posts it. A refund moves money back, never more than was collected minus what
//! was refunded; a cancel voids a hold, or reverses a collected payment nothing was refunded from.
//! Which outcome a card and amount get comes from the rules of `[instore.card]` (see `config.rs`).

use serde::{Deserialize, Serialize};

use super::config::{Outcome, PedConfig};
use super::{ExtError, Once, config, once_in, repo};
use crate::engine::Engine;
use crate::engine::accounts::{account_id, code, transfer_code, transfer_id};
use crate::ledger::{AccountFlags, CreateTransferResult, NewAccount, NewTransfer, TransferFlags, WriteTx};
use crate::money::Money;

/// The processor name the replies carry.
pub const PROCESSOR: &str = "Simulator";

/// A payment as the processor keeps it. Amounts in minor units of `currency`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub processor_id: String,
    pub cart_key: Option<String>,
    pub reference: Option<String>,
    pub sale_id: Option<String>,
    pub last4: String,
    pub brand: String,
    pub account_type: String,
    pub currency: String,
    /// What the POS asked for.
    pub requested: i64,
    /// What the issuer approved (less than asked on a partial approval).
    pub authorized: i64,
    pub collected: i64,
    pub refunded: i64,
    /// `requires_capture`, `approved`, `canceled` or `expired`.
    pub status: String,
    /// The customer must sign before `capture_payment`.
    pub verify_signature: bool,
    /// The issuer's response code, "00" when approved.
    pub response_code: String,
    /// The settlement batch that paid it out; from then on it can be refunded, not cancelled.
    #[serde(default)]
    pub settled_in: Option<String>,
}

impl Payment {
    /// What can still be refunded.
    pub fn refundable(&self) -> i64 {
        self.collected.saturating_sub(self.refunded).max(0)
    }
}

/// A reply of the card extension: `ok` is the wire's Success / Failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardReply {
    pub ok: bool,
    pub error: Option<String>,
    /// "approved", "declined", "requires_capture", "canceled", "refunded"…
    pub status: String,
    /// The response code: "00", or the decline code.
    pub code: String,
    pub payment: Option<Payment>,
    /// The refund's amount, on refund replies.
    pub amount: Option<i64>,
}

impl CardReply {
    fn failure(status: &str, code: &str, error: impl Into<String>, payment: Option<Payment>) -> CardReply {
        CardReply {
            ok: false,
            error: Some(error.into()),
            status: status.into(),
            code: code.into(),
            payment,
            amount: None,
        }
    }
    fn success(status: &str, payment: Payment) -> CardReply {
        CardReply {
            ok: true,
            error: None,
            status: status.into(),
            code: "00".into(),
            payment: Some(payment),
            amount: None,
        }
    }
}

/// `initialize_credit_processor`: (captureEnabled, simulated).
pub fn initialize(engine: &Engine) -> Result<(bool, bool), ExtError> {
    let c = config(engine)?.card;
    Ok((c.capture_enabled, c.simulated))
}

/// `connect_card_reader`: whether the PED is registered and active.
pub fn ped_online(engine: &Engine, registration_code: Option<&str>) -> Result<bool, ExtError> {
    let peds = config(engine)?.peds;
    Ok(registration_code.is_some_and(|c| peds.iter().any(|p: &PedConfig| p.registration_code == c && p.active)))
}

/// A payment to collect.
#[derive(Debug, Clone)]
pub struct Collect {
    pub cart_key: Option<String>,
    pub reference: Option<String>,
    pub sale_id: Option<String>,
    pub test_card: Option<String>,
    /// The PED's registration code, when the request names one.
    pub ped: Option<String>,
    pub amount: Money,
}

/// The brand a card number's prefix says.
fn brand(card: &str) -> &'static str {
    let two: u32 = card.get(..2).and_then(|p| p.parse().ok()).unwrap_or(0);
    let four: u32 = card.get(..4).and_then(|p| p.parse().ok()).unwrap_or(0);
    match () {
        _ if card.starts_with('4') => "visa",
        _ if (51..=55).contains(&two) || (2221..=2720).contains(&four) => "mastercard",
        _ if two == 34 || two == 37 => "amex",
        _ if card.starts_with("6011") || card.starts_with("65") => "discover",
        _ => "unknown",
    }
}

pub(super) fn clearing(tenant: &str, ledger: u32) -> u128 {
    account_id(code::CARD_CLEARING, ledger, &format!("instore:{tenant}"))
}

fn sales(tenant: &str, ledger: u32) -> u128 {
    account_id(code::EXTENSION_SALES, ledger, tenant)
}

/// The tenant's card clearing and sales accounts in `ledger` (created on first use).
fn ensure_accounts(tx: &mut WriteTx<'_>, tenant: &str, ledger: u32) -> Result<(), ExtError> {
    let results = tx.create_accounts(&[
        NewAccount { id: clearing(tenant, ledger), ledger, code: code::CARD_CLEARING, ..NewAccount::default() },
        NewAccount {
            id: sales(tenant, ledger),
            ledger,
            code: code::EXTENSION_SALES,
            flags: AccountFlags::HISTORY,
            ..NewAccount::default()
        },
    ])?;
    if let Some(r) = results.iter().find(|r| !r.is_success()) {
        return Err(ExtError::Internal(format!("card accounts: {r:?}")));
    }
    Ok(())
}

fn transfers_ok(results: &[CreateTransferResult], what: &str) -> Result<(), ExtError> {
    match results.iter().find(|r| !r.is_success()) {
        None => Ok(()),
        Some(r) => Err(ExtError::Internal(format!("{what}: {r:?}"))),
    }
}

fn hold_id(tenant: &str, processor_id: &str) -> u128 {
    transfer_id(&format!("instore:card:{tenant}:{processor_id}:auth"))
}

fn new_processor_id() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..12).map(|i| char::from(b'0' + if i == 0 { rng.random_range(1..10) } else { rng.random_range(0..10) })).collect()
}

/// `collect_credit_payment`. Idempotent by `reference` (else `cartKey`).
pub async fn collect(engine: &Engine, tenant: &str, c: Collect, fingerprint: &str) -> Result<CardReply, ExtError> {
    let cfg = config(engine)?;
    let key = c
        .reference
        .clone()
        .or_else(|| c.cart_key.clone())
        .ok_or_else(|| ExtError::Invalid("collect_credit_payment needs a reference or a cartKey".into()))?;
    if c.amount.minor() <= 0 {
        return Err(ExtError::Invalid("amount must be greater than zero".into()));
    }
    if c.ped.is_some() && !ped_online(engine, c.ped.as_deref())? {
        return Ok(CardReply::failure("declined", "", "Device Offline", None));
    }
    let card = c.test_card.clone().filter(|s| !s.trim().is_empty()).unwrap_or_else(|| cfg.card.default_card.clone());
    let card: String = card.chars().filter(char::is_ascii_digit).collect();
    if card.len() < 12 || card.len() > 19 {
        return Err(ExtError::Invalid("testCard must be a card number of 12 to 19 digits".into()));
    }
    let amount = c.amount.minor();
    // A training step's card answer comes first (never on a live engine: it has no fault seam).
    let rule = crate::engine::training::card_rule(engine, c.amount.currency())
        .unwrap_or_else(|| cfg.card.rules.iter().find(|r| r.matches(&card, amount)).cloned().unwrap_or_default());
    let once = Once::new(tenant, "collect_credit_payment", key, fingerprint);
    if rule.outcome == Outcome::NoAnswer {
        // The processor never answers: the POS sees a failure after the wait, and nothing is held.
        // A payment the POS cancelled meanwhile (by reference) answers that cancel instead.
        silent_for(engine, cfg.card.silence_seconds(&rule)).await;
        let (t, o) = (tenant.to_string(), once.clone());
        let stored =
            engine.ledger().read_sql(move |sql| Ok::<_, ExtError>(repo::stored_reply(sql, &t, o.action, &o.key)?))?;
        if let Some((_, reply)) = stored.filter(|(fp, _)| fp == super::TOMBSTONE) {
            return serde_json::from_str(&reply).map_err(|e| ExtError::Internal(format!("stored reply: {e}")));
        }
        return Ok(CardReply::failure("timeout", "91", "No answer from the card processor.", None));
    }
    let tenant = tenant.to_string();
    let capture_enabled = cfg.card.capture_enabled;
    let hold_seconds = cfg.card.hold_seconds;
    engine
        .ledger()
        .write(move |tx| {
            once_in(tx, &once, |tx| {
                let last4 = card[card.len() - 4..].to_string();
                let mut p = Payment {
                    processor_id: new_processor_id(),
                    cart_key: c.cart_key.clone(),
                    reference: c.reference.clone(),
                    sale_id: c.sale_id.clone(),
                    last4,
                    brand: brand(&card).into(),
                    account_type: rule.account_type.clone().unwrap_or_else(|| "credit".into()),
                    currency: c.amount.currency().code().to_string(),
                    requested: amount,
                    authorized: 0,
                    collected: 0,
                    refunded: 0,
                    status: "declined".into(),
                    verify_signature: rule.outcome == Outcome::Signature,
                    response_code: "00".into(),
                    settled_in: None,
                };
                if rule.outcome == Outcome::Declined {
                    p.response_code = rule.code.clone().unwrap_or_else(|| "05".into());
                    repo::insert_card_payment(tx.sql(), &tenant, &p, now(tx))?;
                    let code = p.response_code.clone();
                    return Ok(CardReply::failure("declined", &code, format!("Declined ({code})"), Some(p)));
                }
                p.authorized = match rule.outcome {
                    Outcome::Partial => rule.approve.unwrap_or(amount).clamp(1, amount),
                    _ => amount,
                };
                let ledger = c.amount.currency().ledger();
                ensure_accounts(tx, &tenant, ledger)?;
                let amount =
                    u64::try_from(p.authorized).map_err(|_| ExtError::Invalid("amount out of range".into()))?;
                let hold = NewTransfer {
                    id: hold_id(&tenant, &p.processor_id),
                    debit_account_id: clearing(&tenant, ledger),
                    credit_account_id: sales(&tenant, ledger),
                    amount,
                    timeout: hold_seconds,
                    ledger,
                    code: transfer_code::CARD_AUTH,
                    flags: TransferFlags::PENDING,
                    ..NewTransfer::default()
                };
                let hold_only = capture_enabled || p.verify_signature;
                let results = if hold_only {
                    tx.create_transfers(&[hold])?
                } else {
                    let post = post_of(&hold, &tenant, &p.processor_id);
                    tx.create_transfers(&[NewTransfer { flags: hold.flags | TransferFlags::LINKED, ..hold }, post])?
                };
                transfers_ok(&results, "card authorisation")?;
                if hold_only {
                    p.status = "requires_capture".into();
                } else {
                    p.status = "approved".into();
                    p.collected = p.authorized;
                }
                repo::insert_card_payment(tx.sql(), &tenant, &p, now(tx))?;
                let status = p.status.clone();
                Ok(CardReply::success(&status, p))
            })
        })
        .await
}

/// Keeps silent for `secs` seconds on the engine's clock (a test's manual clock ends it at once
/// when moved on), checking at least every 100 ms of real time.
async fn silent_for(engine: &Engine, secs: u64) {
    let deadline =
        engine.now_ns().saturating_add(i64::try_from(secs.saturating_mul(1_000_000_000)).unwrap_or(i64::MAX));
    loop {
        let left = deadline.saturating_sub(engine.now_ns());
        if left <= 0 {
            return;
        }
        let step = u64::try_from(left).unwrap_or(u64::MAX).min(100_000_000);
        tokio::time::sleep(std::time::Duration::from_nanos(step)).await;
    }
}

fn post_of(hold: &NewTransfer, tenant: &str, processor_id: &str) -> NewTransfer {
    NewTransfer {
        id: transfer_id(&format!("instore:card:{tenant}:{processor_id}:capture")),
        pending_id: hold.id,
        flags: TransferFlags::POST_PENDING_TRANSFER,
        // A post or void carries its pending transfer's code (the ledger checks it).
        timeout: 0,
        ..hold.clone()
    }
}

fn now(tx: &WriteTx<'_>) -> i64 {
    i64::try_from(tx.now()).unwrap_or(i64::MAX)
}

fn ledger_of(p: &Payment) -> Result<u32, ExtError> {
    crate::money::Currency::from_code(&p.currency)
        .map(|c| c.ledger())
        .map_err(|e| ExtError::Internal(format!("stored currency: {e}")))
}

/// `capture_payment`: captures the cart's payment waiting in `requires_capture`. Capturing again
/// answers the captured payment again.
pub async fn capture(engine: &Engine, tenant: &str, cart_key: &str) -> Result<CardReply, ExtError> {
    let (tenant, cart_key) = (tenant.to_string(), cart_key.to_string());
    engine
        .ledger()
        .write(move |tx| {
            let Some(mut p) = repo::card_payment_by_cart(tx.sql(), &tenant, &cart_key)? else {
                return Ok(CardReply::failure("not_found", "", "No payment of this cart waits for capture.", None));
            };
            match p.status.clone().as_str() {
                "requires_capture" => {}
                "approved" => return Ok(CardReply::success("approved", p)),
                other => {
                    let msg = format!("The payment is {other}; it cannot be captured.");
                    return Ok(CardReply::failure(other, "", msg, Some(p)));
                }
            }
            let ledger = ledger_of(&p)?;
            let amount = u64::try_from(p.authorized).unwrap_or(0);
            let hold = NewTransfer {
                id: hold_id(&tenant, &p.processor_id),
                debit_account_id: clearing(&tenant, ledger),
                credit_account_id: sales(&tenant, ledger),
                amount,
                ledger,
                code: transfer_code::CARD_AUTH,
                ..NewTransfer::default()
            };
            let results = tx.create_transfers(&[post_of(&hold, &tenant, &p.processor_id)])?;
            match results.first() {
                Some(r) if r.is_success() => {
                    p.status = "approved".into();
                    p.collected = p.authorized;
                    p.verify_signature = false;
                    repo::update_card_payment(tx.sql(), &tenant, &p)?;
                    Ok(CardReply::success("approved", p))
                }
                Some(CreateTransferResult::PendingTransferExpired) => {
                    p.status = "expired".into();
                    repo::update_card_payment(tx.sql(), &tenant, &p)?;
                    Ok(CardReply::failure("expired", "", "The authorisation expired before it was captured.", Some(p)))
                }
                other => Err(ExtError::Internal(format!("card capture: {other:?}"))),
            }
        })
        .await
}

/// `payment_transaction/{id}`: the payment, if this tenant has it.
pub fn payment(engine: &Engine, tenant: &str, processor_id: &str) -> Result<Option<Payment>, ExtError> {
    engine.ledger().read_sql(|sql| repo::card_payment(sql, tenant, processor_id))
}

/// A refund to make.
#[derive(Debug, Clone)]
pub struct Refund {
    /// The payment: by `processor_id`, else by the collect's `reference`, else by `saleId`.
    pub processor_id: Option<String>,
    pub reference: Option<String>,
    pub sale_id: Option<String>,
    pub amount: Money,
}

/// `create_credit_refund`: up to what was collected and not yet refunded. An identical request is
/// a replay (its fingerprint is its key).
pub async fn refund(engine: &Engine, tenant: &str, r: Refund, fingerprint: &str) -> Result<CardReply, ExtError> {
    if r.amount.minor() <= 0 {
        return Err(ExtError::Invalid("amount must be greater than zero".into()));
    }
    let once = Once::new(tenant, "create_credit_refund", fingerprint, fingerprint);
    let tenant = tenant.to_string();
    engine
        .ledger()
        .write(move |tx| {
            once_in(tx, &once, |tx| {
                let found = match (&r.processor_id, &r.reference, &r.sale_id) {
                    (Some(id), _, _) => repo::card_payment(tx.sql(), &tenant, id)?,
                    (None, Some(re), _) => repo::card_payment_by_field(tx.sql(), &tenant, "reference", re)?,
                    (None, None, Some(s)) => repo::card_payment_by_field(tx.sql(), &tenant, "sale_id", s)?,
                    _ => return Err(ExtError::Invalid("name the payment: processor_id, reference or saleId".into())),
                };
                let Some(mut p) = found else {
                    return Ok(CardReply::failure("not_found", "", "No such payment.", None));
                };
                if p.currency != r.amount.currency().code() {
                    let msg = format!("The payment was in {}.", p.currency);
                    return Ok(CardReply::failure("declined", "", msg, Some(p)));
                }
                let want = r.amount.minor();
                if want > p.refundable() {
                    let msg = format!(
                        "Refund of {want} exceeds what can be refunded ({} collected, {} refunded).",
                        p.collected, p.refunded
                    );
                    return Ok(CardReply::failure("declined", "", msg, Some(p)));
                }
                let ledger = ledger_of(&p)?;
                let results = tx.create_transfers(&[NewTransfer {
                    id: transfer_id(&format!("instore:card:{tenant}:{}:refund:{}", p.processor_id, once.key)),
                    debit_account_id: sales(&tenant, ledger),
                    credit_account_id: clearing(&tenant, ledger),
                    amount: u64::try_from(want).unwrap_or(0),
                    ledger,
                    code: transfer_code::CARD_REFUND,
                    ..NewTransfer::default()
                }])?;
                transfers_ok(&results, "card refund")?;
                p.refunded = p.refunded.checked_add(want).ok_or_else(|| ExtError::Invalid("amount".into()))?;
                repo::update_card_payment(tx.sql(), &tenant, &p)?;
                let mut reply = CardReply::success("refunded", p);
                reply.amount = Some(want);
                Ok(reply)
            })
        })
        .await
}

/// Which payment `cancel_credit_payment` cancels: by `processor_id`, else by the collect's
/// `reference` (what a POS has after a collect that never answered).
#[derive(Debug, Clone, Default)]
pub struct CancelBy {
    pub processor_id: Option<String>,
    pub reference: Option<String>,
}

/// `cancel_credit_payment`: voids a hold, or reverses a collected payment before it was settled
/// and before anything was refunded from it. Cancelling again answers the cancelled payment again.
/// Named by a `reference` nothing was collected under, the reference is closed instead: a collect
/// with it that arrives later (or is still waiting) answers "canceled" and charges nothing.
pub async fn cancel(engine: &Engine, tenant: &str, by: CancelBy) -> Result<CardReply, ExtError> {
    let tenant = tenant.to_string();
    engine
        .ledger()
        .write(move |tx| {
            let found = match (&by.processor_id, &by.reference) {
                (Some(id), _) => repo::card_payment(tx.sql(), &tenant, id)?,
                (None, Some(re)) => repo::card_payment_by_field(tx.sql(), &tenant, "reference", re)?,
                (None, None) => return Err(ExtError::Invalid("name the payment: processor_id or reference".into())),
            };
            match (found, &by.reference) {
                (Some(p), _) => cancel_in(tx, &tenant, p),
                (None, Some(re)) if by.processor_id.is_none() => close_reference(tx, &tenant, re),
                (None, _) => Ok(CardReply::failure("not_found", "", "No such payment.", None)),
            }
        })
        .await
}

/// Nothing was collected under `reference`: closes it, so a late collect charges nothing.
fn close_reference(tx: &mut WriteTx<'_>, tenant: &str, reference: &str) -> Result<CardReply, ExtError> {
    let reply =
        CardReply { ok: true, error: None, status: "canceled".into(), code: "00".into(), payment: None, amount: None };
    if repo::stored_reply(tx.sql(), tenant, "collect_credit_payment", reference)?.is_none() {
        let late =
            CardReply::failure("canceled", "", "The payment was cancelled by the POS; nothing was charged.", None);
        let json = serde_json::to_string(&late).map_err(|e| ExtError::Internal(format!("reply: {e}")))?;
        let once = Once::new(tenant, "collect_credit_payment", reference, super::TOMBSTONE);
        repo::store_reply(tx.sql(), &once, &json, now(tx))?;
    }
    // Declined earlier, or closed just now: either way nothing is charged, which is what the POS asked.
    Ok(reply)
}

fn cancel_in(tx: &mut WriteTx<'_>, tenant: &str, mut p: Payment) -> Result<CardReply, ExtError> {
    let processor_id = p.processor_id.clone();
    let ledger = ledger_of(&p)?;
    let base = NewTransfer {
        debit_account_id: clearing(tenant, ledger),
        credit_account_id: sales(tenant, ledger),
        ledger,
        ..NewTransfer::default()
    };
    match p.status.clone().as_str() {
        "canceled" => return Ok(CardReply::success("canceled", p)),
        "requires_capture" => {
            let results = tx.create_transfers(&[NewTransfer {
                id: transfer_id(&format!("instore:card:{tenant}:{processor_id}:void")),
                pending_id: hold_id(tenant, &processor_id),
                amount: u64::try_from(p.authorized).unwrap_or(0),
                code: transfer_code::CARD_AUTH,
                flags: TransferFlags::VOID_PENDING_TRANSFER,
                ..base
            }])?;
            match results.first() {
                Some(r) if r.is_success() => {}
                Some(CreateTransferResult::PendingTransferExpired) => {}
                other => return Err(ExtError::Internal(format!("card void: {other:?}"))),
            }
        }
        "approved" if p.settled_in.is_some() => {
            let msg = "The payment was settled; refund it instead of cancelling.";
            return Ok(CardReply::failure("approved", "", msg, Some(p)));
        }
        "approved" if p.refunded == 0 => {
            let results = tx.create_transfers(&[NewTransfer {
                id: transfer_id(&format!("instore:card:{tenant}:{processor_id}:cancel")),
                debit_account_id: sales(tenant, ledger),
                credit_account_id: clearing(tenant, ledger),
                amount: u64::try_from(p.collected).unwrap_or(0),
                code: transfer_code::CARD_CANCEL,
                ..base
            }])?;
            transfers_ok(&results, "card cancel")?;
            p.refunded = p.collected;
        }
        "approved" => {
            let msg = "Part of the payment was refunded; refund the rest instead of cancelling.";
            return Ok(CardReply::failure("approved", "", msg, Some(p)));
        }
        other => {
            let msg = format!("The payment is {other}; there is nothing to cancel.");
            return Ok(CardReply::failure(other, "", msg, Some(p)));
        }
    }
    p.status = "canceled".into();
    repo::update_card_payment(tx.sql(), tenant, &p)?;
    Ok(CardReply::success("canceled", p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brands_from_prefixes() {
        assert_eq!(brand("4242424242424242"), "visa");
        assert_eq!(brand("5555555555554444"), "mastercard");
        assert_eq!(brand("378282246310005"), "amex");
        assert_eq!(brand("6011111111111117"), "discover");
    }

    #[test]
    fn processor_ids_are_twelve_digits() {
        let id = new_processor_id();
        assert_eq!(id.len(), 12);
        assert!(id.chars().all(|c| c.is_ascii_digit()) && !id.starts_with('0'));
    }
}
