//! `/rest/v1`: spots, orders, transactions and wallet balances (`wallet-spots-api.txt`), every
//! route behind MAC authentication (`mac`) except `GET /rest/v1/server`.
//!
//! Handlers take the [`Caller`] the middleware found and the raw body bytes it verified, map the
//! wire types to the engine's (`engine::spots`) and back. Errors are the reference shape
//! `{"error": "…", "error_description": "…"}` with the seed platform's statuses: 400
//! `invalid_request` / `invalid_parameters`, 401 `unauthorized`, 403 `forbidden`, 404
//! `not_found`, 409 `invalid_state`.

pub mod mac;
pub mod till;

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Extension, Json, Router};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};

use super::AppState;
use crate::engine::spots::places::{self, OrderTransaction, OrderView, SpotStatus, SpotView};
use crate::engine::spots::transactions::{self, ReserveFor, TransactionView};
use crate::engine::spots::{Caller, SpotsError, wallets};
use crate::money::{Currency, Money};
use crate::wire::spots as w;

/// A refusal in the reference shape.
#[derive(Debug)]
pub struct SpotsFailure(pub SpotsError);

impl From<SpotsError> for SpotsFailure {
    fn from(e: SpotsError) -> Self {
        SpotsFailure(e)
    }
}

impl IntoResponse for SpotsFailure {
    fn into_response(self) -> Response {
        let (status, code, message) = match self.0 {
            SpotsError::InvalidRequest(m) => (StatusCode::BAD_REQUEST, "invalid_request", m),
            SpotsError::InvalidParameters(m) => (StatusCode::BAD_REQUEST, "invalid_parameters", m),
            SpotsError::Unauthorized(m) => (StatusCode::UNAUTHORIZED, "unauthorized", m),
            SpotsError::Forbidden(m) => (StatusCode::FORBIDDEN, "forbidden", m),
            SpotsError::NotFound(m) => (StatusCode::NOT_FOUND, "not_found", m),
            SpotsError::InvalidState(m) => (StatusCode::CONFLICT, "invalid_state", m),
            SpotsError::Internal(m) => {
                tracing::error!(error = %m, "internal error on /rest/v1");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal_error",
                    "The server could not complete the request; nothing was changed. Try again.".to_string(),
                )
            }
        };
        let mut resp = (status, Json(w::ErrorBody { error: code.into(), error_description: message })).into_response();
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert("www-authenticate", axum::http::HeaderValue::from_static("MAC"));
        }
        resp
    }
}

type Reply<T> = Result<Json<T>, SpotsFailure>;

fn engine_currency(state: &AppState) -> Result<Currency, SpotsError> {
    crate::engine::spots::currency(&state.engine)
}

fn id_of(s: &str, what: &str) -> Result<i64, SpotsError> {
    s.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| SpotsError::NotFound(format!("No {what} {s}.")))
}

fn parse_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, SpotsError> {
    crate::api::error::parse_object(body).map_err(|r| SpotsError::InvalidRequest(r.message))
}

// ---- mapping: engine → wire ----

pub(crate) fn decimal(m: Money) -> String {
    m.to_plain_string()
}

pub fn transaction_wire(t: &TransactionView) -> w::Transaction {
    w::Transaction {
        transaction_key: t.key.clone(),
        created_at: t.created_at,
        status: t.status.as_str().into(),
        kind: "automatic".into(),
        wallet: t.wallet_id,
        confirmed_at: t.confirmed_at,
        reserve_until: t.reserve_until,
        callback_uri: t.callback_uri.clone(),
        payments: t
            .payments
            .iter()
            .map(|p| w::Payment {
                id: p.id,
                transaction_key: t.key.clone(),
                created_at: t.created_at,
                status: t.status.as_str().into(),
                price: p.price.minor(),
                price_decimal: decimal(p.price),
                currency: p.price.currency().code().into(),
                description: p.description.clone(),
                parameters: p.parameters.clone(),
                wallet: t.wallet_id,
            })
            .collect(),
    }
}

pub(crate) fn order_wire(o: &OrderView) -> w::Order {
    w::Order {
        id: o.id,
        transaction_key: o.transaction_key.clone(),
        status: o.status.as_str().into(),
        transaction: o.transaction.as_ref().map(transaction_wire),
        paid_in_cash: o.paid_in_cash,
    }
}

fn spot_wire(s: &SpotView) -> w::Spot {
    w::Spot {
        id: s.id,
        status: s.status.as_str().into(),
        identifier: s.identifier.clone(),
        place_info: w::PlaceInfo {
            title: s.place.title.clone(),
            description: s.place.description.clone(),
            address: s.place.address.clone(),
            logo_uri: s.place.logo_uri.clone(),
            location_id: Some(s.place.location_id),
        },
        orders: s.orders.as_ref().map(|os| os.iter().map(order_wire).collect()),
        registered: s.registered,
        check_ins: s
            .check_ins
            .as_ref()
            .map(|c| c.iter().map(|c| w::CheckIn { name: c.name.clone(), wallet_id: c.wallet_id }).collect()),
    }
}

// ---- mapping: wire → engine ----

fn money_of(
    field: &str,
    price: Option<i64>,
    price_decimal: Option<&str>,
    currency: Option<&str>,
    store: Currency,
) -> Result<Money, SpotsError> {
    let currency = match currency {
        None => store,
        Some(c) => Currency::from_code(c)
            .map_err(|_| SpotsError::InvalidParameters(format!("{field}: unknown currency {c:?}.")))?,
    };
    let from_decimal = price_decimal
        .map(|d| {
            Money::parse(d.trim(), currency)
                .map_err(|e| SpotsError::InvalidParameters(format!("{field}.price_decimal {d:?}: {e}.")))
        })
        .transpose()?;
    match (price, from_decimal) {
        (Some(p), Some(d)) if p != d.minor() => {
            Err(SpotsError::InvalidParameters(format!("{field}: price {p} and price_decimal {} disagree.", decimal(d))))
        }
        (Some(p), _) => Ok(Money::from_minor(p, currency)),
        (None, Some(d)) => Ok(d),
        (None, None) => {
            Err(SpotsError::InvalidParameters(format!("{field}: give price (minor units) or price_decimal.")))
        }
    }
}

fn new_transaction(t: &w::NewTransaction, store: Currency) -> Result<transactions::NewTransaction, SpotsError> {
    let mut payments = Vec::with_capacity(t.payments.len());
    for (i, p) in t.payments.iter().enumerate() {
        let field = format!("payments[{i}]");
        let price = money_of(&field, p.price, p.price_decimal.as_deref(), p.currency.as_deref(), store)?;
        if p.parameters.as_ref().is_some_and(|v| v.to_string().len() > 4096) {
            return Err(SpotsError::InvalidParameters(format!("{field}.parameters: at most 4096 bytes of JSON.")));
        }
        payments.push(transactions::NewPayment {
            description: p.description.clone(),
            price,
            parameters: p.parameters.clone(),
        });
    }
    let reserve = match (t.reserve_for, t.reserve_until) {
        (Some(_), Some(_)) => {
            return Err(SpotsError::InvalidParameters("Give reserve_for or reserve_until, not both.".into()));
        }
        (Some(hours), None) => ReserveFor::Seconds(
            hours.checked_mul(3600).ok_or_else(|| SpotsError::InvalidParameters("reserve_for is too long.".into()))?,
        ),
        (None, Some(until)) => ReserveFor::Until(until),
        (None, None) => ReserveFor::Default,
    };
    let callback_uri = match &t.callback_uri {
        None | Some(serde_json::Value::Null) | Some(serde_json::Value::Bool(false)) => None,
        Some(serde_json::Value::String(u)) => {
            let ok = (u.starts_with("http://") || u.starts_with("https://"))
                && u.len() <= 2048
                && !u.contains(char::is_whitespace);
            if !ok {
                return Err(SpotsError::InvalidParameters("callback_uri must be an http(s) URL.".into()));
            }
            Some(u.clone())
        }
        Some(_) => return Err(SpotsError::InvalidRequest("callback_uri must be a string or false.".into())),
    };
    Ok(transactions::NewTransaction { payments, reserve, callback_uri })
}

/// A `callback_uri` must pass the outbox's address guard when it is stored (and is checked again
/// at every delivery).
async fn check_callback(state: &AppState, t: &mut transactions::NewTransaction) -> Result<(), SpotsError> {
    if let Some(url) = &t.callback_uri {
        let guard = crate::engine::outbox::guard(&state.engine)?;
        let checked =
            guard.check_url(url).await.map_err(|e| SpotsError::InvalidParameters(format!("callback_uri: {}", e.0)))?;
        t.callback_uri = Some(checked.to_string());
    }
    Ok(())
}

async fn checked(state: &AppState, t: OrderTransaction) -> Result<OrderTransaction, SpotsError> {
    match t {
        OrderTransaction::New(mut n) => {
            check_callback(state, &mut n).await?;
            Ok(OrderTransaction::New(n))
        }
        key => Ok(key),
    }
}

fn order_transaction(body: &[u8], store: Currency) -> Result<OrderTransaction, SpotsError> {
    let r: w::OrderRequest = parse_body(body)?;
    match (r.transaction_key, r.transaction) {
        (Some(_), Some(_)) => {
            Err(SpotsError::InvalidParameters("Give transaction_key or transaction, not both.".into()))
        }
        (Some(k), None) => Ok(OrderTransaction::Key(k)),
        (None, Some(t)) => Ok(OrderTransaction::New(new_transaction(&t, store)?)),
        (None, None) => Err(SpotsError::InvalidParameters("An order needs transaction_key or transaction.".into())),
    }
}

// ---- handlers ----

#[utoipa::path(get, path = "/rest/v1/server", tag = "spots",
    description = "The server's clock (Unix seconds), to sign MAC requests with. No authentication.",
    responses((status = 200, body = w::ServerTime)))]
async fn server_time(State(state): State<AppState>) -> Json<w::ServerTime> {
    Json(w::ServerTime { time: state.engine.now_secs() })
}

#[utoipa::path(get, path = "/rest/v1/spot", tag = "spots",
    description = "The spot of a code `PAYSERA*<location>:<identifier>` (usually read from its QR code). \
                   An identifier not configured registers a new, unregistered spot.",
    params(("code" = String, Query, description = "The spot code")),
    responses((status = 200, body = w::Spot), (status = "4XX", body = w::ErrorBody)), security(("mac" = [])))]
async fn spot_by_code(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<HashMap<String, String>>,
) -> Reply<w::Spot> {
    let code = q.get("code").ok_or_else(|| SpotsError::InvalidParameters("The code parameter is missing.".into()))?;
    Ok(Json(spot_wire(&places::spot_by_code(&state.engine, &caller, code).await?)))
}

#[utoipa::path(get, path = "/rest/v1/spot/{id}", tag = "spots", params(("id" = i64, Path)),
    responses((status = 200, body = w::Spot), (status = "4XX", body = w::ErrorBody)), security(("mac" = [])))]
async fn spot(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Reply<w::Spot> {
    let id = id_of(&id, "spot")?;
    Ok(Json(spot_wire(&state.engine.read_async(move |e| places::spot(e, &caller, id)).await?)))
}

#[utoipa::path(put, path = "/rest/v1/spot/{id}/check-in", tag = "spots", params(("id" = i64, Path)),
    description = "User clients: check in (a closed spot becomes waiting; any other check-in of this client ends).",
    responses((status = 200, body = w::Spot), (status = "4XX", body = w::ErrorBody)), security(("mac" = [])))]
async fn check_in(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Reply<w::Spot> {
    Ok(Json(spot_wire(&places::check_in(&state.engine, &caller, id_of(&id, "spot")?).await?)))
}

#[utoipa::path(put, path = "/rest/v1/spot/{id}/check-out", tag = "spots", params(("id" = i64, Path)),
    description = "User clients: check out (a waiting spot nobody is left at closes).",
    responses((status = 200, body = w::Spot), (status = "4XX", body = w::ErrorBody)), security(("mac" = [])))]
async fn check_out(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Reply<w::Spot> {
    Ok(Json(spot_wire(&places::check_out(&state.engine, &caller, id_of(&id, "spot")?).await?)))
}

#[utoipa::path(put, path = "/rest/v1/spot/{id}/close", tag = "spots", params(("id" = i64, Path)),
    description = "Merchant clients: close the spot; its pending orders close too. Refused while an order's money is reserved.",
    responses((status = 200, body = w::Spot), (status = "4XX", body = w::ErrorBody)), security(("mac" = [])))]
async fn close(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Reply<w::Spot> {
    Ok(Json(spot_wire(&places::close(&state.engine, &caller, id_of(&id, "spot")?).await?)))
}

#[utoipa::path(get, path = "/rest/v1/spots", tag = "spots",
    description = "Merchant clients: the location's spots, optionally of one status.",
    params(("status" = Option<String>, Query), ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, body = w::SpotList), (status = "4XX", body = w::ErrorBody)), security(("mac" = [])))]
async fn spots(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<HashMap<String, String>>,
) -> Reply<w::SpotList> {
    let status = match q.get("status").map(String::as_str).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(SpotStatus::parse(s).ok_or_else(|| {
            SpotsError::InvalidParameters(format!("status is closed, waiting or opened, not {s:?}."))
        })?),
    };
    let int = |name: &str| -> Result<Option<i64>, SpotsError> {
        q.get(name)
            .map(|v| {
                v.parse::<i64>().map_err(|_| SpotsError::InvalidParameters(format!("{name} must be a whole number.")))
            })
            .transpose()
    };
    let (limit, offset) = (int("limit")?, int("offset")?);
    let page = state.engine.read_async(move |e| places::list(e, &caller, status, limit, offset)).await?;
    Ok(Json(w::SpotList {
        spots: page.spots.iter().map(spot_wire).collect(),
        metadata: w::Metadata { total: page.total, offset: page.offset, limit: page.limit },
    }))
}

#[utoipa::path(post, path = "/rest/v1/spot/{id}/order", tag = "spots", params(("id" = i64, Path)),
    description = "Merchant clients: put an order on the spot, with an existing new transaction's key or a transaction to create.",
    request_body = w::OrderRequest,
    responses((status = 200, body = w::Order), (status = "4XX", body = w::ErrorBody)), security(("mac" = [])))]
async fn create_order(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Reply<w::Order> {
    let id = id_of(&id, "spot")?;
    let t = checked(&state, order_transaction(&body, engine_currency(&state)?)?).await?;
    Ok(Json(order_wire(&places::create_order(&state.engine, &caller, id, t).await?)))
}

#[utoipa::path(get, path = "/rest/v1/order/{id}", tag = "spots", params(("id" = i64, Path)),
    responses((status = 200, body = w::Order), (status = "4XX", body = w::ErrorBody)), security(("mac" = [])))]
async fn order(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Reply<w::Order> {
    let id = id_of(&id, "order")?;
    Ok(Json(order_wire(&state.engine.read_async(move |e| places::order(e, &caller, id)).await?)))
}

#[utoipa::path(put, path = "/rest/v1/order/{id}", tag = "spots", params(("id" = i64, Path)), request_body = w::OrderRequest,
    description = "Merchant clients: give a pending order another transaction (the old one is revoked).",
    responses((status = 200, body = w::Order), (status = "4XX", body = w::ErrorBody)), security(("mac" = [])))]
async fn edit_order(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Reply<w::Order> {
    let id = id_of(&id, "order")?;
    let t = checked(&state, order_transaction(&body, engine_currency(&state)?)?).await?;
    Ok(Json(order_wire(&places::edit_order(&state.engine, &caller, id, t).await?)))
}

#[utoipa::path(delete, path = "/rest/v1/order/{id}", tag = "spots", params(("id" = i64, Path)),
    description = "Merchant clients: close the order (cancelled or paid by other means); a reservation on it is released.",
    responses((status = 200, body = w::Order), (status = "4XX", body = w::ErrorBody)), security(("mac" = [])))]
async fn delete_order(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Reply<w::Order> {
    Ok(Json(order_wire(&places::delete_order(&state.engine, &caller, id_of(&id, "order")?).await?)))
}

#[utoipa::path(post, path = "/rest/v1/transaction", tag = "spots", request_body = w::NewTransaction,
    description = "Merchant clients: create a transaction of one or more payments.",
    responses((status = 200, body = w::Transaction), (status = "4XX", body = w::ErrorBody)), security(("mac" = [])))]
async fn create_transaction(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Reply<w::Transaction> {
    let t: w::NewTransaction = parse_body(&body)?;
    let mut t = new_transaction(&t, engine_currency(&state)?)?;
    check_callback(&state, &mut t).await?;
    Ok(Json(transaction_wire(&transactions::create(&state.engine, &caller, t).await?)))
}

#[utoipa::path(get, path = "/rest/v1/transaction/{key}", tag = "spots", params(("key" = String, Path)),
    responses((status = 200, body = w::Transaction), (status = "4XX", body = w::ErrorBody)), security(("mac" = [])))]
async fn transaction(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(key): Path<String>,
) -> Reply<w::Transaction> {
    Ok(Json(transaction_wire(&state.engine.read_async(move |e| transactions::get(e, &caller, &key)).await?)))
}

#[utoipa::path(put, path = "/rest/v1/transaction/{key}/reserve", tag = "spots", params(("key" = String, Path)),
    description = "User clients: reserve the transaction's amount in the caller's wallet (409 and status rejected when it holds too little).",
    responses((status = 200, body = w::Transaction), (status = "4XX", body = w::ErrorBody)), security(("mac" = [])))]
async fn reserve(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(key): Path<String>,
) -> Reply<w::Transaction> {
    Ok(Json(transaction_wire(&transactions::reserve(&state.engine, &caller, &key).await?)))
}

#[utoipa::path(put, path = "/rest/v1/transaction/{key}/reserve/{wallet}", tag = "spots",
    params(("key" = String, Path), ("wallet" = i64, Path)),
    description = "As /reserve, naming the payer's wallet (it must be the caller's).",
    responses((status = 200, body = w::Transaction), (status = "4XX", body = w::ErrorBody)), security(("mac" = [])))]
async fn reserve_wallet(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((key, wallet)): Path<(String, String)>,
) -> Reply<w::Transaction> {
    let own = caller.require_user()?;
    if wallet.parse::<i64>().ok() != Some(own) {
        return Err(SpotsError::Forbidden(format!("Wallet {wallet} is not this client's wallet.")).into());
    }
    Ok(Json(transaction_wire(&transactions::reserve(&state.engine, &caller, &key).await?)))
}

#[utoipa::path(put, path = "/rest/v1/transaction/{key}/confirm", tag = "spots", params(("key" = String, Path)),
    request_body = HashMap<String, w::PriceChange>,
    description = "Merchant clients: take the reserved money. The body may lower payments: \
                   `{\"<payment id>\": {\"price\": 900, \"currency\": \"EUR\"}}` (or `price_decimal`).",
    responses((status = 200, body = w::Transaction), (status = "4XX", body = w::ErrorBody)), security(("mac" = [])))]
async fn confirm(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(key): Path<String>,
    body: Bytes,
) -> Reply<w::Transaction> {
    let store = engine_currency(&state)?;
    let mut lowered = Vec::new();
    if !body.iter().all(u8::is_ascii_whitespace) {
        let r: w::ConfirmRequest = parse_body(&body)?;
        for (id, change) in r {
            let pid =
                id.parse::<i64>().map_err(|_| SpotsError::InvalidParameters(format!("{id:?} is not a payment id.")))?;
            let price =
                money_of(&id, change.price, change.price_decimal.as_deref(), change.currency.as_deref(), store)?;
            lowered.push((pid, price));
        }
    }
    Ok(Json(transaction_wire(&transactions::confirm(&state.engine, &caller, &key, lowered).await?)))
}

#[utoipa::path(delete, path = "/rest/v1/transaction/{key}", tag = "spots", params(("key" = String, Path)),
    description = "Merchant clients: revoke the transaction (a reservation is released).",
    responses((status = 200, body = w::Transaction), (status = "4XX", body = w::ErrorBody)), security(("mac" = [])))]
async fn revoke(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(key): Path<String>,
) -> Reply<w::Transaction> {
    Ok(Json(transaction_wire(&transactions::revoke(&state.engine, &caller, &key).await?)))
}

#[utoipa::path(get, path = "/rest/v1/wallet/{id}/balance", tag = "spots", params(("id" = String, Path, description = "Wallet id, or `me`")),
    description = "User clients: their wallet's balance per currency.",
    responses((status = 200, body = w::WalletBalance), (status = "4XX", body = w::ErrorBody)), security(("mac" = [])))]
async fn wallet_balance(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Reply<w::WalletBalance> {
    let own = caller.require_user()?;
    let id = if id == "me" { own } else { id_of(&id, "wallet")? };
    if id != own {
        return Err(SpotsError::Forbidden(format!("Wallet {id} is not this client's wallet.")).into());
    }
    let b = state
        .engine
        .read_async(move |e| wallets::balance(e, id))
        .await?
        .ok_or_else(|| SpotsError::NotFound(format!("No wallet {id}.")))?;
    let mut out = w::WalletBalance::new();
    out.insert(
        b.at_disposal.currency().code().into(),
        w::CurrencyBalance {
            at_disposal: b.at_disposal.minor(),
            reserved: b.reserved.minor(),
            at_disposal_decimal: decimal(b.at_disposal),
            reserved_decimal: decimal(b.reserved),
        },
    );
    Ok(Json(out))
}

struct MacScheme;

impl utoipa::Modify for MacScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "mac",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authorization",
                "MAC id=\"…\", ts=\"…\", nonce=\"…\", mac=\"…\"[, ext=\"body_hash=…\"]: base64 HMAC-SHA256 of \
                 ts\\nnonce\\nMETHOD\\nuri\\nhost\\nport\\next\\n with the client's key (wallet-spots-api.txt)",
            ))),
        );
    }
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(server_time, spot_by_code, spot, check_in, check_out, close, spots, create_order, order, edit_order,
          delete_order, create_transaction, transaction, reserve, reserve_wallet, confirm, revoke, wallet_balance),
    components(schemas(w::ErrorBody, w::ServerTime, w::Spot, w::SpotList, w::Order, w::Transaction, w::Payment,
                       w::NewTransaction, w::NewPayment, w::OrderRequest, w::PriceChange, w::CurrencyBalance)),
    modifiers(&MacScheme),
    tags((name = "spots", description = "Table spots, orders and wallet transactions (wallet-spots-api.txt), MAC authenticated."))
)]
pub struct Doc;

/// The `/rest/v1` routes.
pub fn router(state: AppState) -> Router<AppState> {
    let authenticated = Router::new()
        .route("/rest/v1/spot", get(spot_by_code))
        .route("/rest/v1/spot/{id}", get(spot))
        .route("/rest/v1/spot/{id}/check-in", put(check_in))
        .route("/rest/v1/spot/{id}/check-out", put(check_out))
        .route("/rest/v1/spot/{id}/close", put(close))
        .route("/rest/v1/spot/{id}/order", post(create_order))
        .route("/rest/v1/spots", get(spots))
        .route("/rest/v1/order/{id}", get(order).put(edit_order).delete(delete_order))
        .route("/rest/v1/transaction", post(create_transaction))
        .route("/rest/v1/transaction/{key}", get(transaction).delete(revoke))
        .route("/rest/v1/transaction/{key}/reserve", put(reserve))
        .route("/rest/v1/transaction/{key}/reserve/{wallet}", put(reserve_wallet))
        .route("/rest/v1/transaction/{key}/confirm", put(confirm))
        .route("/rest/v1/wallet/{id}/balance", get(wallet_balance))
        .route_layer(axum::middleware::from_fn_with_state(state, mac::authenticate));
    Router::new().route("/rest/v1/server", get(server_time)).merge(authenticated).merge(till::router())
}
