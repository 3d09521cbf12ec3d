//! `/instore/<action>`: the payment extensions of `payment-extensions-api.txt` (card processor
//! simulator, stored value on the gift cards, digital wallet, pay on account), every request signed with
//! `X-Signature` (see `signature.rs`).
//!
//! Business outcomes are 200 with `"result": "Success"` or `"Failure"` (or `status` approved /
//! declined on pay on account), as the seed shows. Everything else is [`InstoreError`]:
//!
//! | status | code              | when                                                           |
//! |--------|-------------------|----------------------------------------------------------------|
//! | 400    | `invalid_request` | a field missing, mistyped or out of form                       |
//! | 401    | `unauthorized`    | `X-Signature` missing or wrong, unknown tenant, `X-API-Key`    |
//! | 404    | `not_found`       | no such payment, card or account (GETs)                        |
//! | 409    | `conflict`        | an idempotency key (`requestId`, `reference`, …) reused for a different request |
//! | 500    | `internal_error`  | logged; nothing was applied                                    |
//!
//! Every reply echoes `x-correlation-id` (one is made up when the request has none); it is in
//! every log line of the request and on every callback.
//!
//! | file                | actions                                                          |
//! |---------------------|------------------------------------------------------------------|
//! | `card.rs`           | the eight credit card actions                                    |
//! | `stored_value.rs`   | `storedvaluecard`, `storedvaluecard/{number}`, `storedvaluecard_process`, `storedvaluelog/{number}` |
//! | `wallet.rs`         | the six digital wallet actions                                    |
//! | `pay_on_account.rs` | `payonaccount/process`, `payonaccountlog` (POST and GET)          |
//! | `signature.rs`      | `X-Signature`, tenant and `X-API-Key` checks                      |

mod card;
mod pay_on_account;
pub mod signature;
mod stored_value;
mod wallet;

use axum::Router;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tracing::Instrument;
use utoipa::OpenApi;

use super::AppState;
use crate::engine::extensions::ExtError;
use crate::money::Currency;
use crate::wire::instore::{InstoreError, MinorAmount, StringAmount};

/// The request's `x-correlation-id` (made up when absent).
#[derive(Debug, Clone)]
pub struct CorrelationId(pub String);

/// A failure on `/instore`, answered as [`InstoreError`].
#[derive(Debug, Clone)]
pub struct InstoreFailure {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl InstoreFailure {
    pub fn invalid(message: impl Into<String>) -> InstoreFailure {
        InstoreFailure { status: StatusCode::BAD_REQUEST, code: "invalid_request", message: message.into() }
    }
    pub fn unauthorized(message: impl Into<String>) -> InstoreFailure {
        InstoreFailure { status: StatusCode::UNAUTHORIZED, code: "unauthorized", message: message.into() }
    }
    pub fn not_found(message: impl Into<String>) -> InstoreFailure {
        InstoreFailure { status: StatusCode::NOT_FOUND, code: "not_found", message: message.into() }
    }
}

impl From<ExtError> for InstoreFailure {
    fn from(e: ExtError) -> InstoreFailure {
        match e {
            ExtError::Invalid(m) => InstoreFailure::invalid(m),
            ExtError::Unauthorized(m) => InstoreFailure::unauthorized(m),
            ExtError::NotFound(m) => InstoreFailure::not_found(m),
            ExtError::Conflict(m) => InstoreFailure { status: StatusCode::CONFLICT, code: "conflict", message: m },
            ExtError::Internal(m) => {
                tracing::error!(error = %m, "internal error on /instore");
                InstoreFailure {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    code: "internal_error",
                    message: "The server could not complete the request; nothing was applied. Try again.".into(),
                }
            }
        }
    }
}

impl From<super::error::BodyRejection> for InstoreFailure {
    fn from(r: super::error::BodyRejection) -> InstoreFailure {
        InstoreFailure { status: r.status, code: r.code, message: r.message }
    }
}

impl IntoResponse for InstoreFailure {
    fn into_response(self) -> Response {
        let body = InstoreError { result: "Failure".into(), error: self.message, code: self.code.into() };
        (self.status, axum::Json(body)).into_response()
    }
}

/// The fingerprint of a JSON body: its content with keys sorted, so the same request gives the
/// same fingerprint however it is spaced.
pub(crate) fn fingerprint(body: &[u8]) -> String {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(v) => crate::engine::extensions::fingerprint(v.to_string().as_bytes()),
        Err(_) => crate::engine::extensions::fingerprint(body),
    }
}

/// `{amount, precision, currency}` of minor units in a currency given by code.
pub(crate) fn minor_amount(minor: i64, currency: &str) -> MinorAmount {
    let precision = Currency::from_code(currency).map(|c| c.exponent()).unwrap_or(2);
    MinorAmount { amount: minor, precision, currency: currency.into() }
}

/// The string form pay on account uses.
pub(crate) fn string_amount(minor: i64, currency: &str) -> StringAmount {
    let precision = Currency::from_code(currency).map(|c| c.exponent()).unwrap_or(2);
    StringAmount { amount: minor.to_string(), precision: precision.to_string(), currency: currency.into() }
}

/// Reads `x-correlation-id`, logs the request under it and echoes it on the reply.
async fn correlation(mut req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let given = req
        .headers()
        .get("x-correlation-id")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|s| !s.is_empty() && s.len() <= 128)
        .map(str::to_string);
    let id = given.unwrap_or_else(|| format!("till-{}", crate::engine::extensions::random_hex(8)));
    req.extensions_mut().insert(CorrelationId(id.clone()));
    let span = tracing::info_span!("instore", correlation_id = %id, path = %req.uri().path());
    let mut resp = async {
        tracing::info!("request");
        let resp = next.run(req).await;
        tracing::info!(status = resp.status().as_u16(), "reply");
        resp
    }
    .instrument(span)
    .await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert("x-correlation-id", v);
    }
    resp
}

/// Every `/instore` route.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(card::router())
        .merge(stored_value::router())
        .merge(pay_on_account::router())
        .merge(wallet::router())
        .layer(axum::middleware::from_fn(correlation))
}

/// The OpenAPI document of `/instore`.
pub fn doc() -> utoipa::openapi::OpenApi {
    let mut d = Doc::openapi();
    d.merge(card::Doc::openapi());
    d.merge(stored_value::Doc::openapi());
    d.merge(pay_on_account::Doc::openapi());
    d.merge(wallet::Doc::openapi());
    d
}

#[derive(OpenApi)]
#[openapi(
    components(schemas(InstoreError)),
    tags((name = "instore", description = "Payment extensions (payment-extensions-api.txt). Every request carries \
        X-Signature: lowercase hex HMAC-SHA256, keyed with the tenant's verification key (till extension create), of \
        the raw body (plain POST), of JSON.stringify(payload) (stored-value envelope), or of JSON.stringify of the \
        query parameters in order (GET). X-API-Key when the tenant has one; x-correlation-id is echoed. Shapes the \
        seed leaves open are ours and marked so: collect_credit_payment's amount ({amount, precision, currency} in \
        minor units), the card replies' amount/collected/refunded, credit_available_refund's data, cancel by \
        reference, the stored-value callback body (StoredValueCallback) and storedvaluelog's reply, the wallet's \
        refund amount and available, pay on account's log reply, and every error (InstoreError)."))
)]
struct Doc;
