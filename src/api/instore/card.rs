//! The credit card extension: `initialize_credit_processor`, `connect_card_reader`,
//! `capture_payment`, `collect_credit_payment`, `payment_transaction/{transaction_id}`,
//! `credit_available_refund/{processor_id}`, `create_credit_refund`, `cancel_credit_payment`.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};
use utoipa::OpenApi;

use super::{InstoreFailure, fingerprint, minor_amount, signature};
use crate::api::AppState;
use crate::api::error::parse_object;
use crate::engine::extensions::card::{self as engine_card, CardReply as Reply, Collect, Payment, Refund};
use crate::money::{Currency, MinorObject, Money};
use crate::wire::instore::*;

type Result<T> = std::result::Result<Json<T>, InstoreFailure>;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/instore/initialize_credit_processor", post(initialize))
        .route("/instore/connect_card_reader", post(connect))
        .route("/instore/capture_payment", post(capture))
        .route("/instore/collect_credit_payment", post(collect))
        .route("/instore/payment_transaction/{transaction_id}", get(transaction))
        .route("/instore/credit_available_refund/{processor_id}", get(available_refund))
        .route("/instore/create_credit_refund", post(refund))
        .route("/instore/cancel_credit_payment", post(cancel))
}

#[derive(OpenApi)]
#[openapi(
    paths(initialize, connect, capture, collect, transaction, available_refund, refund, cancel),
    components(schemas(
        Ped,
        InitializeCreditProcessorRequest,
        InitializeCreditProcessorReply,
        ProcessorSettings,
        ConnectCardReaderRequest,
        ResultReply,
        CapturePaymentRequest,
        CollectCreditPaymentRequest,
        CardData,
        CardReply,
        CreateCreditRefundRequest,
        CancelCreditPaymentRequest,
        AvailableRefundReply,
        AvailableRefund,
        MinorAmount
    ))
)]
pub struct Doc;

/// "00" → "3030": the response code as hex of its ASCII characters, as EMV terminals show it.
fn response_code_hex(code: &str) -> String {
    hex::encode(code.as_bytes())
}

fn data_of(p: &Payment) -> CardData {
    CardData {
        processor: engine_card::PROCESSOR.into(),
        processor_id: p.processor_id.clone(),
        last4: p.last4.clone(),
        brand: p.brand.clone(),
        account_type: p.account_type.clone(),
        method: "Simulator Credit Card".into(),
        verify_signature: p.verify_signature,
        application_preferred_name: None,
        dedicated_file_name: None,
        authorization_response_code: response_code_hex(&p.response_code),
        application_cryptogram: None,
        terminal_verification_results: None,
        transaction_status_information: None,
        amount: minor_amount(p.authorized, &p.currency),
        collected: minor_amount(p.collected, &p.currency),
        refunded: minor_amount(p.refunded, &p.currency),
    }
}

fn reply(r: Reply) -> CardReply {
    CardReply {
        result: if r.ok { "Success" } else { "Failure" }.into(),
        error: r.error,
        cart_key: r.payment.as_ref().and_then(|p| p.cart_key.clone()),
        data: r.payment.as_ref().map(data_of),
        status: r.status,
    }
}

#[utoipa::path(post, path = "/instore/initialize_credit_processor", tag = "instore",
    request_body = InitializeCreditProcessorRequest,
    responses((status = 200, body = InitializeCreditProcessorReply), (status = "4XX", body = InstoreError)))]
async fn initialize(
    State(s): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<InitializeCreditProcessorReply> {
    signature::plain(&s.engine, &headers, &body).await?;
    let _: InitializeCreditProcessorRequest = parse_object(&body)?;
    let (capture_enabled, simulated) = engine_card::initialize(&s.engine)?;
    Ok(Json(InitializeCreditProcessorReply {
        result: "Success".into(),
        error: None,
        data: ProcessorSettings { capture_enabled, simulated },
    }))
}

#[utoipa::path(post, path = "/instore/connect_card_reader", tag = "instore", request_body = ConnectCardReaderRequest,
    description = "Looks the PED up in the registry ([[instore.peds]] of till.toml): unknown or inactive is \"Device Offline\".",
    responses((status = 200, body = ResultReply), (status = "4XX", body = InstoreError)))]
async fn connect(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<ResultReply> {
    signature::plain(&s.engine, &headers, &body).await?;
    let r: ConnectCardReaderRequest = parse_object(&body)?;
    let code = r.ped.as_ref().and_then(|p| p.registration_code.as_deref());
    let said_inactive =
        r.ped.as_ref().and_then(|p| p.status.as_deref()).is_some_and(|s| s.eq_ignore_ascii_case("Inactive"));
    if !said_inactive && engine_card::ped_online(&s.engine, code)? {
        Ok(Json(ResultReply { result: "Success".into(), error: None }))
    } else {
        Ok(Json(ResultReply { result: "Failure".into(), error: Some("Device Offline".into()) }))
    }
}

#[utoipa::path(post, path = "/instore/capture_payment", tag = "instore", request_body = CapturePaymentRequest,
    description = "Captures the cart's payment waiting in requires_capture (capture_enabled, or a signature was asked). \
        Capturing again answers the captured payment again.",
    responses((status = 200, body = CardReply), (status = "4XX", body = InstoreError)))]
async fn capture(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<CardReply> {
    let t = signature::plain(&s.engine, &headers, &body).await?;
    let r: CapturePaymentRequest = parse_object(&body)?;
    if r.cart_key.trim().is_empty() {
        return Err(InstoreFailure::invalid("cartKey is required"));
    }
    let mut out = reply(engine_card::capture(&s.engine, &t.id, &r.cart_key).await?);
    out.cart_key = Some(r.cart_key);
    Ok(Json(out))
}

fn money(a: &MinorAmount, field: &str) -> std::result::Result<Money, InstoreFailure> {
    let o = MinorObject { amount: a.amount, precision: a.precision, currency: a.currency.clone() };
    Money::from_minor_object(&o).map_err(|e| InstoreFailure::invalid(format!("{field}: {e}")))
}

#[utoipa::path(post, path = "/instore/collect_credit_payment", tag = "instore", request_body = CollectCreditPaymentRequest,
    description = "Authorises and collects by the simulator's rules (the README's demo set). amount is ours: \
        {amount, precision, currency} in minor units. Idempotent by reference (else cartKey): a replay returns the \
        first reply. A no_answer rule keeps silent at most [instore.card] pos_wait_seconds (≤ 25), then answers \
        status timeout; a reference closed by cancel_credit_payment answers status canceled and charges nothing.",
    responses((status = 200, body = CardReply), (status = "4XX", body = InstoreError)))]
async fn collect(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<CardReply> {
    let t = signature::plain(&s.engine, &headers, &body).await?;
    let r: CollectCreditPaymentRequest = parse_object(&body)?;
    let amount = money(&r.amount, "amount")?;
    if r.ped.as_ref().and_then(|p| p.status.as_deref()).is_some_and(|s| s.eq_ignore_ascii_case("Inactive")) {
        let status = "declined".to_string();
        return Ok(Json(CardReply {
            result: "Failure".into(),
            error: Some("Device Offline".into()),
            cart_key: r.cart_key,
            data: None,
            status,
        }));
    }
    let c = Collect {
        cart_key: r.cart_key.clone(),
        reference: r.reference.clone(),
        sale_id: r.sale_id.clone(),
        test_card: r.test_card.clone(),
        ped: r.ped.as_ref().and_then(|p| p.registration_code.clone()),
        amount,
    };
    let mut out = reply(engine_card::collect(&s.engine, &t.id, c, &fingerprint(&body)).await?);
    out.cart_key = out.cart_key.or(r.cart_key);
    Ok(Json(out))
}

/// The payment `id` of the tenant whose signature covers the query, read off the async workers.
async fn signed_payment(
    s: &AppState,
    headers: &HeaderMap,
    q: &[(String, String)],
    id: String,
) -> std::result::Result<Payment, InstoreFailure> {
    let tenant = signature::query(&s.engine, headers, q).await?.id;
    s.engine
        .read_async(move |e| engine_card::payment(e, &tenant, &id))
        .await?
        .ok_or_else(|| InstoreFailure::not_found("no such payment"))
}

#[utoipa::path(get, path = "/instore/payment_transaction/{transaction_id}", tag = "instore",
    params(("transaction_id" = String, Path, description = "The processor_id")),
    description = "Ours: the payment (CardReply). The signature covers JSON.stringify of the query parameters ({} when none).",
    responses((status = 200, body = CardReply), (status = "4XX", body = InstoreError)))]
async fn transaction(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<CardReply> {
    let p = signed_payment(&s, &headers, &q, id).await?;
    let status = p.status.clone();
    Ok(Json(reply(Reply {
        ok: true,
        error: None,
        status,
        code: p.response_code.clone(),
        payment: Some(p),
        amount: None,
    })))
}

#[utoipa::path(get, path = "/instore/credit_available_refund/{processor_id}", tag = "instore",
    params(("processor_id" = String, Path, description = "The payment's processor_id")),
    description = "Ours: collected minus refunded.",
    responses((status = 200, body = AvailableRefundReply), (status = "4XX", body = InstoreError)))]
async fn available_refund(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<AvailableRefundReply> {
    let p = signed_payment(&s, &headers, &q, id).await?;
    Ok(Json(AvailableRefundReply {
        result: "Success".into(),
        error: None,
        data: Some(AvailableRefund {
            processor_id: p.processor_id.clone(),
            available: minor_amount(p.refundable(), &p.currency),
            collected: minor_amount(p.collected, &p.currency),
            refunded: minor_amount(p.refunded, &p.currency),
            status: p.status.clone(),
        }),
    }))
}

/// The refund amount: digits are minor units ("1050"); a decimal point means major units ("10.50").
fn refund_amount(amount: &str, currency: &str) -> std::result::Result<Money, InstoreFailure> {
    let cur = Currency::from_code(currency).map_err(|e| InstoreFailure::invalid(format!("currency: {e}")))?;
    let a = amount.trim();
    if !a.is_empty() && a.chars().all(|c| c.is_ascii_digit()) {
        let minor: i64 = a.parse().map_err(|_| InstoreFailure::invalid("amount is too large"))?;
        return Ok(Money::from_minor(minor, cur));
    }
    Money::parse(a, cur).map_err(|e| InstoreFailure::invalid(format!("amount: {e}")))
}

#[utoipa::path(post, path = "/instore/create_credit_refund", tag = "instore", request_body = CreateCreditRefundRequest,
    description = "Refunds up to what was collected minus what was refunded. The payment is named by processor_id \
        (ours), else reference, else saleId. An identical request is a replay.",
    responses((status = 200, body = CardReply), (status = "4XX", body = InstoreError)))]
async fn refund(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<CardReply> {
    let t = signature::plain(&s.engine, &headers, &body).await?;
    let r: CreateCreditRefundRequest = parse_object(&body)?;
    let amount = refund_amount(&r.amount, &r.currency)?;
    let refund = Refund { processor_id: r.processor_id, reference: r.reference, sale_id: r.sale_id, amount };
    Ok(Json(reply(engine_card::refund(&s.engine, &t.id, refund, &fingerprint(&body)).await?)))
}

#[utoipa::path(post, path = "/instore/cancel_credit_payment", tag = "instore", request_body = CancelCreditPaymentRequest,
    description = "Voids an authorisation, or reverses a collected payment that was neither settled nor partly \
        refunded (after settlement: create_credit_refund). Cancelling again answers the cancelled payment again. \
        Ours: with no processor_id, the payment is named by the collect's reference (what a POS has after a collect \
        that never answered); if nothing was collected under it, the reference is closed: Success, status canceled, \
        and a collect with that reference arriving later charges nothing.",
    responses((status = 200, body = CardReply), (status = "4XX", body = InstoreError)))]
async fn cancel(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<CardReply> {
    let t = signature::plain(&s.engine, &headers, &body).await?;
    let r: CancelCreditPaymentRequest = parse_object(&body)?;
    let by = engine_card::CancelBy {
        processor_id: r.processor_id.filter(|s| !s.trim().is_empty()),
        reference: r.reference.filter(|s| !s.trim().is_empty()),
    };
    Ok(Json(reply(engine_card::cancel(&s.engine, &t.id, by).await?)))
}
