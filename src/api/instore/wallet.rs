//! The digital wallet extension: `initialize_wallet`, `pay_wallet`, `available_wallet_refund`,
//! `cancel_wallet_payment`, `log_cancel_wallet`, `refund_wallet_payment`, on the customers'
//! wallets. Amounts are minor units (`total`, `tip`), as the seed's precision-2 integers.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};
use utoipa::OpenApi;

use super::{InstoreFailure, fingerprint, signature};
use crate::api::AppState;
use crate::api::error::parse_object;
use crate::engine::extensions::wallet::{self as engine_wallet, CancelLog, Pay, WalletReply};
use crate::engine::gift::Setup;
use crate::money::{Currency, Money};
use crate::wire::instore::*;

type Result<T> = std::result::Result<Json<T>, InstoreFailure>;

/// What `method` says on wallet replies.
const METHOD: &str = "till wallet";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/instore/initialize_wallet", post(initialize))
        .route("/instore/pay_wallet", post(pay))
        .route("/instore/available_wallet_refund", post(available))
        .route("/instore/cancel_wallet_payment", post(cancel))
        .route("/instore/log_cancel_wallet", post(log_cancel))
        .route("/instore/refund_wallet_payment", post(refund))
}

#[derive(OpenApi)]
#[openapi(
    paths(initialize, pay, available, cancel, log_cancel, refund),
    components(schemas(
        InitializeWalletRequest,
        WalletResultReply,
        PayWalletRequest,
        PayWalletReply,
        AvailableWalletRefundRequest,
        AvailableWalletRefundReply,
        CancelWalletPaymentRequest,
        LogCancelWalletRequest,
        RefundWalletPaymentRequest,
        RefundWalletPaymentReply
    ))
)]
pub struct Doc;

fn result(ok: bool) -> String {
    if ok { "Success" } else { "Failure" }.into()
}

fn ids(s: &AppState) -> std::result::Result<(String, String), InstoreFailure> {
    let setup = Setup::from_engine(&s.engine)
        .map_err(|e| InstoreFailure::from(crate::engine::extensions::ExtError::from(e)))?;
    Ok((setup.merchant_id.to_string(), setup.terminal_id.into()))
}

fn short(r: WalletReply) -> WalletResultReply {
    WalletResultReply { result: result(r.ok), error: r.error, code: r.code }
}

#[utoipa::path(post, path = "/instore/initialize_wallet", tag = "instore", request_body = InitializeWalletRequest,
    responses((status = 200, body = WalletResultReply), (status = "4XX", body = InstoreError)))]
async fn initialize(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<WalletResultReply> {
    signature::plain(&s.engine, &headers, &body).await?;
    let _: InitializeWalletRequest = parse_object(&body)?;
    Ok(Json(WalletResultReply { result: "Success".into(), error: None, code: "00".into() }))
}

#[utoipa::path(post, path = "/instore/pay_wallet", tag = "instore", request_body = PayWalletRequest,
    description = "Takes total + tip off the wallet whose single-use code is barcode. The same request again is the \
        same payment (idempotent by barcode); a used or expired code is declined.",
    responses((status = 200, body = PayWalletReply), (status = "4XX", body = InstoreError)))]
async fn pay(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<PayWalletReply> {
    let t = signature::plain(&s.engine, &headers, &body).await?;
    let r: PayWalletRequest = parse_object(&body)?;
    let cur = Currency::from_code(&r.currency).map_err(|e| InstoreFailure::invalid(format!("currency: {e}")))?;
    if r.barcode.trim().is_empty() || r.barcode.len() > 64 {
        return Err(InstoreFailure::invalid("barcode: 1 to 64 characters"));
    }
    let tip = r.tip.unwrap_or(0);
    let pay = Pay {
        barcode: r.barcode.trim().to_string(),
        total: Money::from_minor(r.total, cur),
        tip: Money::from_minor(tip, cur),
        note: r.note.clone(),
    };
    let out = engine_wallet::pay(&s.engine, &t.id, pay, &fingerprint(&body)).await?;
    let (merchant_id, terminal_id) = ids(&s)?;
    Ok(Json(PayWalletReply {
        transaction_id: out.payment.as_ref().map(|p| p.transaction_id.clone()),
        total: r.total.to_string(),
        tip: tip.to_string(),
        subtotal: r.total.saturating_add(tip).to_string(),
        merchant_id,
        terminal_id,
        method: METHOD.into(),
        pos_local_time: r.pos_local_time,
        result: result(out.ok),
        code: out.code,
        error_message: out.error,
    }))
}

#[utoipa::path(post, path = "/instore/available_wallet_refund", tag = "instore", request_body = AvailableWalletRefundRequest,
    responses((status = 200, body = AvailableWalletRefundReply), (status = "4XX", body = InstoreError)))]
async fn available(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<AvailableWalletRefundReply> {
    let t = signature::plain(&s.engine, &headers, &body).await?;
    let r: AvailableWalletRefundRequest = parse_object(&body)?;
    let (tenant, id) = (t.id.clone(), r.transaction_id.clone());
    Ok(Json(match s.engine.read_async(move |e| engine_wallet::payment(e, &tenant, &id)).await? {
        Some(p) => AvailableWalletRefundReply {
            result: "Success".into(),
            error: None,
            code: "00".into(),
            available: Some(engine_wallet::refundable(&p).to_string()),
            currency: Some(p.currency),
        },
        None => AvailableWalletRefundReply {
            result: "Failure".into(),
            error: Some("No such transaction.".into()),
            code: "25".into(),
            available: None,
            currency: None,
        },
    }))
}

#[utoipa::path(post, path = "/instore/cancel_wallet_payment", tag = "instore", request_body = CancelWalletPaymentRequest,
    description = "Refunds everything not yet refunded and marks the payment cancelled (named by transaction_id or \
        barcode, ours). Cancelling again answers the same.",
    responses((status = 200, body = WalletResultReply), (status = "4XX", body = InstoreError)))]
async fn cancel(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<WalletResultReply> {
    let t = signature::plain(&s.engine, &headers, &body).await?;
    let r: CancelWalletPaymentRequest = parse_object(&body)?;
    let (key, by_barcode) = match (r.transaction_id, r.barcode) {
        (Some(id), _) => (id, false),
        (None, Some(b)) => (b, true),
        (None, None) => return Err(InstoreFailure::invalid("name the payment: transaction_id or barcode")),
    };
    Ok(Json(short(engine_wallet::cancel(&s.engine, &t.id, &key, by_barcode).await?)))
}

#[utoipa::path(post, path = "/instore/log_cancel_wallet", tag = "instore", request_body = LogCancelWalletRequest,
    description = "Keeps the POS's cancel record and cancels the payment it names (transaction_id, else barcode) if it \
        is still paid.",
    responses((status = 200, body = WalletResultReply), (status = "4XX", body = InstoreError)))]
async fn log_cancel(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<WalletResultReply> {
    let t = signature::plain(&s.engine, &headers, &body).await?;
    let r: LogCancelWalletRequest = parse_object(&body)?;
    let c = CancelLog {
        transaction_id: r.transaction_id,
        barcode: r.barcode,
        reference: r.reference,
        response_code: r.response_code,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    Ok(Json(short(engine_wallet::log_cancel(&s.engine, &t.id, c, &fingerprint(&body)).await?)))
}

#[utoipa::path(post, path = "/instore/refund_wallet_payment", tag = "instore", request_body = RefundWalletPaymentRequest,
    description = "Refunds amount (ours; default everything left) to the wallet, never more than was paid minus what \
        was refunded. An identical request is a replay.",
    responses((status = 200, body = RefundWalletPaymentReply), (status = "4XX", body = InstoreError)))]
async fn refund(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<RefundWalletPaymentReply> {
    let t = signature::plain(&s.engine, &headers, &body).await?;
    let r: RefundWalletPaymentRequest = parse_object(&body)?;
    let amount = match r.amount.as_deref().map(str::trim) {
        None => None,
        Some(a) => Some(a.parse::<i64>().map_err(|_| InstoreFailure::invalid("amount: whole minor units"))?),
    };
    let out = engine_wallet::refund(&s.engine, &t.id, &r.transaction_id, amount, &fingerprint(&body)).await?;
    let (merchant_id, terminal_id) = ids(&s)?;
    Ok(Json(RefundWalletPaymentReply {
        result: result(out.ok),
        error_message: out.error,
        code: out.code,
        transaction_id: out.refund_id,
        pos_local_time: r.pos_local_time,
        merchant_id,
        terminal_id,
        method: METHOD.into(),
        original_transaction_id: r.transaction_id,
        original_reference: out.payment.as_ref().and_then(|p| p.note.clone()),
        amount: out.refund_amount.map(|a| a.to_string()),
        refunded: out.payment.as_ref().map(|p| p.refunded.to_string()),
    }))
}
