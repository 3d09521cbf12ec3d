//! Taking a tender through a payment extension, and giving it back.
//!
//! Each flow ends in an outcome the screen can say in one sentence, and never leaves the customer
//! charged for something the till does not know about: a collect or wallet payment that gets no
//! answer in time is cancelled at once (card: `cancel_credit_payment` by the collect's
//! `reference`; wallet: `cancel_wallet_payment` by barcode, then `log_cancel_wallet`), and the
//! outcome says whether that cancel was confirmed.
//!
//! A taken tender is a [`Taken`]; [`undo`] refunds or cancels it, which is how an abandoned sale
//! gives every tender back (in reverse order, the caller's loop).

use std::time::Duration;

use super::ClientError;
use super::tender::Instore;
use crate::money::Money;
use crate::wire::instore::{
    CancelCreditPaymentRequest, CancelWalletPaymentRequest, CapturePaymentRequest, CardReply,
    CollectCreditPaymentRequest, ConnectCardReaderRequest, CreateCreditRefundRequest, LogCancelWalletRequest,
    MinorAmount, PayOnAccountLogReply, PayOnAccountLogRequest, PayOnAccountProcessReply, PayOnAccountProcessRequest,
    PayWalletReply, PayWalletRequest, Ped, RefundWalletPaymentReply, RefundWalletPaymentRequest, ResultReply,
    StringAmount,
};

/// How long a cancel after a timeout may take.
const CANCEL_WAIT: Duration = Duration::from_secs(10);

/// A tender taken for a sale: enough to show it on the receipt and to give it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taken {
    Card { reference: String, processor_id: String, last4: String, brand: String, auth_code: String, amount: Money },
    Wallet { transaction_id: String, amount: Money },
    Account { account_number: String, order_id: String, user: String, amount: Money },
}

impl Taken {
    pub fn amount(&self) -> Money {
        match self {
            Taken::Card { amount, .. } | Taken::Wallet { amount, .. } | Taken::Account { amount, .. } => *amount,
        }
    }
}

/// What a card attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardOutcome {
    /// The whole amount, or (partial approval) less: `taken.amount()` says how much; the rest
    /// stays due.
    Approved(Taken),
    /// The customer must sign: show it, then [`confirm_signature`] or [`undo`].
    SignatureRequired(Taken),
    /// Declined by the issuer: the response code and the reason.
    Declined { code: String, reason: String },
    /// The PED is not registered or not active.
    DeviceOffline,
    /// No answer in time: the till cancelled it (`cancelled` is false when even the cancel got no
    /// answer: the reference is then left for the next start to resolve).
    NoAnswer { reference: String, cancelled: bool },
}

fn minor(m: Money) -> MinorAmount {
    MinorAmount { amount: m.minor(), precision: m.currency().exponent(), currency: m.currency().code().into() }
}

fn strings(m: Money) -> StringAmount {
    StringAmount {
        amount: m.minor().to_string(),
        precision: m.currency().exponent().to_string(),
        currency: m.currency().code().into(),
    }
}

/// "3030" → "00": the response code from the hex of its ASCII digits.
fn response_code(hex_text: &str) -> String {
    hex::decode(hex_text).ok().and_then(|b| String::from_utf8(b).ok()).unwrap_or_else(|| hex_text.to_string())
}

/// A card payment to take.
#[derive(Debug, Clone)]
pub struct CardRequest {
    /// The sale's tender id: the idempotency key of the collect, and what a cancel names.
    pub reference: String,
    pub sale_id: String,
    pub amount: Money,
    /// Simulator only: the test card the customer "presents".
    pub test_card: Option<String>,
}

fn card_taken(r: &CardReply, reference: &str, fallback: Money) -> Option<Taken> {
    let d = r.data.as_ref()?;
    let amount = Money::from_minor(d.amount.amount, fallback.currency());
    Some(Taken::Card {
        reference: reference.to_string(),
        processor_id: d.processor_id.clone(),
        last4: d.last4.clone(),
        brand: d.brand.clone(),
        auth_code: response_code(&d.authorization_response_code),
        amount,
    })
}

/// `connect_card_reader`, then `collect_credit_payment` (capturing a hold the processor wants
/// captured); a collect with no answer in time is cancelled by its reference.
pub async fn take_card(ext: &Instore, ped: &str, req: &CardRequest) -> Result<CardOutcome, ClientError> {
    let device = Ped {
        status: Some("Active".into()),
        kind: Some("PED".into()),
        registration_code: Some(ped.to_string()),
        ..Ped::default()
    };
    let connected: ResultReply = ext
        .post("connect_card_reader", &ConnectCardReaderRequest { ped: Some(device.clone()), tenant_id: None })
        .await?;
    if connected.result != "Success" {
        return Ok(CardOutcome::DeviceOffline);
    }
    let body = CollectCreditPaymentRequest {
        sale_id: Some(req.sale_id.clone()),
        test_card: req.test_card.clone(),
        reference: Some(req.reference.clone()),
        amount: minor(req.amount),
        ped: Some(device),
        tenant_id: None,
        cart_key: Some(req.reference.clone()),
    };
    let reply: CardReply = match ext.post("collect_credit_payment", &body).await {
        Ok(r) => r,
        Err(e) if e.outcome_unknown() => return Ok(no_answer(ext, &req.reference).await),
        Err(e) => return Err(e),
    };
    match reply.status.as_str() {
        "approved" => Ok(card_taken(&reply, &req.reference, req.amount)
            .map(CardOutcome::Approved)
            .unwrap_or_else(|| CardOutcome::Declined { code: String::new(), reason: "no payment data".into() })),
        "requires_capture" => {
            let signs = reply.data.as_ref().is_some_and(|d| d.verify_signature);
            let Some(taken) = card_taken(&reply, &req.reference, req.amount) else {
                return Ok(CardOutcome::Declined { code: String::new(), reason: "no payment data".into() });
            };
            if signs { Ok(CardOutcome::SignatureRequired(taken)) } else { capture(ext, taken).await }
        }
        "timeout" => Ok(no_answer(ext, &req.reference).await),
        _ => {
            let code = reply.data.as_ref().map(|d| response_code(&d.authorization_response_code)).unwrap_or_default();
            Ok(CardOutcome::Declined { code, reason: reply.error.unwrap_or_else(|| reply.status.clone()) })
        }
    }
}

async fn capture(ext: &Instore, taken: Taken) -> Result<CardOutcome, ClientError> {
    let Taken::Card { reference, .. } = &taken else {
        return Ok(CardOutcome::Approved(taken));
    };
    let r: CardReply =
        ext.post("capture_payment", &CapturePaymentRequest { cart_key: reference.clone(), tenant_id: None }).await?;
    if r.status == "approved" {
        Ok(CardOutcome::Approved(taken))
    } else {
        Ok(CardOutcome::Declined { code: String::new(), reason: r.error.unwrap_or(r.status) })
    }
}

/// The cashier saw the customer sign: capture the hold.
pub async fn confirm_signature(ext: &Instore, taken: Taken) -> Result<CardOutcome, ClientError> {
    capture(ext, taken).await
}

async fn no_answer(ext: &Instore, reference: &str) -> CardOutcome {
    let body = CancelCreditPaymentRequest {
        processor_id: None,
        reference: Some(reference.to_string()),
        last4: None,
        brand: None,
        account_type: None,
        tenant_id: None,
    };
    let r: Result<CardReply, _> = ext.with_timeout(CANCEL_WAIT).post("cancel_credit_payment", &body).await;
    CardOutcome::NoAnswer { reference: reference.to_string(), cancelled: r.is_ok_and(|r| r.result == "Success") }
}

/// What a wallet attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WalletOutcome {
    Paid(Taken),
    Declined {
        code: String,
        reason: String,
    },
    /// No answer in time: cancelled by barcode and logged (`cancelled`: the cancel was confirmed).
    NoAnswer {
        cancelled: bool,
    },
}

/// `pay_wallet` with the code the customer's wallet shows.
pub async fn take_wallet(
    ext: &Instore,
    barcode: &str,
    amount: Money,
    note: &str,
) -> Result<WalletOutcome, ClientError> {
    let body = PayWalletRequest {
        barcode: barcode.to_string(),
        currency: amount.currency().code().into(),
        total: amount.minor(),
        pos_local_time: None,
        tip: Some(0),
        note: Some(note.to_string()),
        tenant_id: None,
    };
    let reply: PayWalletReply = match ext.post("pay_wallet", &body).await {
        Ok(r) => r,
        Err(e) if e.outcome_unknown() => {
            let quick = ext.with_timeout(CANCEL_WAIT);
            let cancel = CancelWalletPaymentRequest { barcode: Some(barcode.to_string()), ..Default::default() };
            let c: Result<serde_json::Value, _> = quick.post("cancel_wallet_payment", &cancel).await;
            let log = LogCancelWalletRequest {
                barcode: Some(barcode.to_string()),
                total: Some(amount.minor().to_string()),
                currency: Some(amount.currency().code().into()),
                reference: Some(note.to_string()),
                error_message: Some("no answer in time".into()),
                ..Default::default()
            };
            let _: Result<serde_json::Value, _> = quick.post("log_cancel_wallet", &log).await;
            // Cancelled, or never paid at all (25: no such transaction): either way nothing is charged.
            let cancelled = c.is_ok_and(|c| c["result"] == "Success" || c["code"] == "25");
            return Ok(WalletOutcome::NoAnswer { cancelled });
        }
        Err(e) => return Err(e),
    };
    match (reply.result.as_str(), reply.transaction_id) {
        ("Success", Some(id)) => Ok(WalletOutcome::Paid(Taken::Wallet { transaction_id: id, amount })),
        _ => Ok(WalletOutcome::Declined {
            code: reply.code,
            reason: reply.error_message.unwrap_or_else(|| "declined".into()),
        }),
    }
}

/// What a charge on account came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountOutcome {
    Charged(Taken),
    Declined { reason: String },
}

/// `payonaccount/process` Inquiry (the account exists and the user may charge it), then the
/// charge (`payonaccountlog`), keyed by `order_id`.
pub async fn take_account(
    ext: &Instore,
    account_number: &str,
    user: &str,
    amount: Money,
    order_id: &str,
) -> Result<AccountOutcome, ClientError> {
    let inquiry = PayOnAccountProcessRequest {
        action: "Inquiry".into(),
        account_number: Some(account_number.to_string()),
        ..PayOnAccountProcessRequest::default()
    };
    let line: PayOnAccountProcessReply = ext.post("payonaccount/process", &inquiry).await?;
    if line.status != "approved" {
        return Ok(AccountOutcome::Declined { reason: "no such account".into() });
    }
    if !line.authorized_user_ids.iter().any(|u| u == user) {
        return Ok(AccountOutcome::Declined { reason: "not an authorised user of the account".into() });
    }
    let charge = PayOnAccountLogRequest {
        action: Some("Charge".into()),
        account_number: account_number.to_string(),
        company_name: Some(line.company_name.clone()),
        authorized_user_id: Some(user.to_string()),
        amount: strings(amount),
        session_id: None,
        order_id: order_id.to_string(),
        status: None,
        tenant_id: None,
    };
    let r: PayOnAccountLogReply = ext.post("payonaccountlog", &charge).await?;
    if r.status == "approved" {
        Ok(AccountOutcome::Charged(Taken::Account {
            account_number: account_number.to_string(),
            order_id: order_id.to_string(),
            user: user.to_string(),
            amount,
        }))
    } else {
        Ok(AccountOutcome::Declined { reason: r.error.unwrap_or_else(|| "declined".into()) })
    }
}

/// Gives a taken tender back the way it was paid: a card is cancelled (voided or reversed), or
/// refunded when it can no longer be cancelled; a wallet payment is refunded; an account charge is
/// credited back. `Ok(true)` when the extension confirmed it.
pub async fn undo(ext: &Instore, taken: &Taken) -> Result<bool, ClientError> {
    match taken {
        Taken::Card { processor_id, reference, amount, .. } => {
            let cancel = CancelCreditPaymentRequest {
                processor_id: Some(processor_id.clone()),
                reference: None,
                last4: None,
                brand: None,
                account_type: None,
                tenant_id: None,
            };
            let r: CardReply = ext.post("cancel_credit_payment", &cancel).await?;
            if r.result == "Success" {
                return Ok(true);
            }
            let refund = CreateCreditRefundRequest {
                reference: Some(reference.clone()),
                processor_id: Some(processor_id.clone()),
                amount: amount.minor().to_string(),
                currency: amount.currency().code().into(),
                refund_id: Some(format!("undo-{reference}")),
                ..CreateCreditRefundRequest::default()
            };
            let r: CardReply = ext.post("create_credit_refund", &refund).await?;
            Ok(r.result == "Success")
        }
        Taken::Wallet { transaction_id, amount } => {
            let body = RefundWalletPaymentRequest {
                transaction_id: transaction_id.clone(),
                pos_local_time: None,
                note: Some("sale abandoned".into()),
                amount: Some(amount.minor().to_string()),
                tenant_id: None,
            };
            let r: RefundWalletPaymentReply = ext.post("refund_wallet_payment", &body).await?;
            Ok(r.result == "Success")
        }
        Taken::Account { account_number, user, amount, .. } => {
            let body = PayOnAccountProcessRequest {
                action: "Credit".into(),
                account_number: Some(account_number.clone()),
                authorized_user_id: Some(user.clone()),
                balance: Some(strings(*amount)),
                ..PayOnAccountProcessRequest::default()
            };
            let r: PayOnAccountProcessReply = ext.post("payonaccount/process", &body).await?;
            Ok(r.status == "approved")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_codes_come_back_from_hex() {
        assert_eq!(response_code("3030"), "00");
        assert_eq!(response_code("3035"), "05");
        assert_eq!(response_code("zz"), "zz");
    }
}
