//! `/v1`: the distributor's retail order API (`seeds/retail-orders-api.txt`): stores, products,
//! balances, two-step retail orders, settlements and webhook subscriptions. snake_case fields,
//! money as `{"currency": "EUR", "amount": "100.00"}`, errors as `{"error": {"code", "message"}}`.
//!
//! Every POST needs `Authorization: Bearer <token>` and an `Idempotency-Key` header (1 to 255
//! visible ASCII characters). Per token and key: the same body replays the stored status and body
//! (with `Idempotent-Replayed: true`); another body is 422 `idempotency_key_reused`; a second request
//! while the first still runs is 409 `idempotency_key_in_use`; no key is 400
//! `idempotency_key_missing`. Keys are kept at least 24 hours.

use std::future::Future;

use axum::body::{Body, Bytes};
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

mod map;

use super::AppState;
use super::auth::{Principal, Role};
use super::error::{ApiError, ErrorBody, parse_json};
use crate::engine::catalog::balance::{add_balance, balances};
use crate::engine::catalog::products::{self, ProductFilter};
use crate::engine::catalog::stores::{self, NewStore, StoreFilter};
use crate::engine::retail::idempotency::{self, Begin};
use crate::engine::retail::orders;
use crate::engine::retail::settlement::{self, SettlementFilter};
use crate::engine::retail::webhooks::{self, NewSubscription};
use crate::engine::retail::{DecimalMoney, RetailError};
use crate::money::Money;
use crate::wire::retail::{
    Address, BalanceView, ConfirmOrder, CreateOrder, CreateStore, CreateWebhook, InvalidateOrder, ListOf, OrderQuery,
    OrderState, OrderView, ProductKind, ProductQuery, ProductView, ReceiptPrinting, Settlement, SettlementQuery,
    SettlementRow, SettlementTotal, StoreQuery, StoreView, Subscription, TopUp, WireMoney,
};

/// The request header carrying the idempotency key.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// Set on a reply that was replayed from the idempotency store.
pub const IDEMPOTENT_REPLAYED: &str = "idempotent-replayed";

impl From<RetailError> for ApiError {
    fn from(e: RetailError) -> ApiError {
        match e {
            RetailError::Rejected { status, code, message } => {
                ApiError::new(StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST), code, message)
            }
            RetailError::Ledger(e) => ApiError::internal(&e),
        }
    }
}

type ApiResult<T> = Result<T, ApiError>;

fn query<T>(q: Result<Query<T>, QueryRejection>) -> ApiResult<T> {
    q.map(|Query(t)| t)
        .map_err(|e| ApiError::bad_request("invalid_request", format!("query string: {}", e.body_text())))
}

/// A list's `cursor` and `limit`, checked: `limit` is 1 to 200 (default 50), a cursor is what a
/// previous page's `next_cursor` was (letters, digits, `_`, `-`, `.`; at most 128). Anything
/// else is a 400 rather than an empty or silently clamped page.
fn page(cursor: Option<String>, limit: Option<u32>) -> ApiResult<(Option<String>, u32)> {
    let limit = limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::bad_request("invalid_limit", format!("limit must be 1 to 200; got {limit}")));
    }
    if let Some(c) = &cursor
        && (c.is_empty()
            || c.len() > 128
            || !c.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')))
    {
        return Err(ApiError::bad_request("invalid_cursor", "cursor must be a next_cursor from a previous page"));
    }
    Ok((cursor, limit))
}

/// API clients (partner systems, other tills) and managers may administer; cashiers may sell.
fn require_admin(p: &Principal) -> ApiResult<()> {
    match p {
        Principal::Client { .. } => Ok(()),
        Principal::User { .. } => p.require_role(&[Role::Manager]),
    }
}

// ---------------------------------------------------------------------------------------------
// Idempotency

/// The client's scope: who authenticated, not the token they hold, so a cashier who logs in again
/// (a new session token) still gets her own keys' replies. An API token is a client of its own
/// (names are not unique), scoped by a hash of the token as before; keys of different clients
/// never meet.
fn client_scope(p: &Principal, headers: &HeaderMap) -> String {
    if let Principal::User { number, .. } = p {
        return format!("user:{number}");
    }
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .map(|(_, t)| t.trim())
        .unwrap_or_default();
    hex::encode(&Sha256::digest(token.as_bytes())[..16])
}

fn idempotency_key(headers: &HeaderMap) -> ApiResult<String> {
    let value = headers.get(IDEMPOTENCY_KEY).ok_or_else(|| {
        ApiError::bad_request("idempotency_key_missing", "Every POST under /v1 needs an Idempotency-Key header.")
    })?;
    let key = value.to_str().unwrap_or_default().trim();
    if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::bad_request(
            "invalid_idempotency_key",
            "The Idempotency-Key must be 1 to 255 visible ASCII characters.",
        ));
    }
    Ok(key.to_string())
}

fn body_bytes(body: Result<Bytes, BytesRejection>) -> ApiResult<Bytes> {
    body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", "The request body is too large.")
        } else {
            ApiError::bad_request("invalid_request", "The request body could not be read.")
        }
    })
}

/// Runs a POST under the idempotency rules. `run` gets the body and the client-scoped key (from
/// which operations derive their ids, so a re-run after a crash finds the first run's work).
async fn idempotent<F, Fut>(
    state: &AppState,
    p: &Principal,
    headers: &HeaderMap,
    uri: &Uri,
    body: Bytes,
    run: F,
) -> Response
where
    F: FnOnce(Bytes, String) -> Fut,
    Fut: Future<Output = Response>,
{
    let key = match idempotency_key(headers) {
        Ok(k) => k,
        Err(e) => return e.into_response(),
    };
    let scope = client_scope(p, headers);
    let hash = idempotency::request_hash(Method::POST.as_str(), uri.path(), &body);
    let engine = &state.engine;
    let guard = match idempotency::begin(engine, &scope, &key, &hash).await {
        Err(e) => return ApiError::from(e).into_response(),
        Ok(Begin::Mismatch) => {
            return ApiError::unprocessable(
                "idempotency_key_reused",
                "This Idempotency-Key was used with a different request; use a new key for a new request.",
            )
            .into_response();
        }
        Ok(Begin::Running) => {
            return ApiError::conflict(
                "idempotency_key_in_use",
                "A request with this Idempotency-Key is still running; retry after it has finished.",
            )
            .into_response();
        }
        Ok(Begin::Replay { status, content_type, body }) => {
            let mut resp = (StatusCode::from_u16(status).unwrap_or(StatusCode::OK), body).into_response();
            if let Some(ct) = content_type.and_then(|c| HeaderValue::from_str(&c).ok()) {
                resp.headers_mut().insert(header::CONTENT_TYPE, ct);
            }
            resp.headers_mut().insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
            return resp;
        }
        Ok(Begin::Run(guard)) => guard,
    };
    let resp = run(body, format!("{scope}:{key}")).await;
    let (parts, body) = resp.into_parts();
    let bytes = match axum::body::to_bytes(body, 1 << 20).await {
        Ok(b) => b,
        Err(e) => return ApiError::internal(&e).into_response(),
    };
    let stored = if parts.status.is_server_error() {
        // Nothing was done (a failed write rolls back): let a retry run it again.
        idempotency::abandon(engine, &scope, &key).await
    } else {
        let ct = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_string);
        idempotency::finish(engine, &scope, &key, parts.status.as_u16(), ct, bytes.to_vec()).await
    };
    if let Err(e) = stored {
        // The operation itself is durable; a retry re-runs it and finds its result by key.
        tracing::warn!(error = %e, "storing an idempotent reply failed");
    }
    drop(guard);
    Response::from_parts(parts, Body::from(bytes))
}

/// A request body: strict JSON, and an object (serde would take a struct from an array too).
fn json_body<T: DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first.is_some() && first != Some(&b'{') {
        // Let the parser name a syntax error; anything else that parses is the wrong type.
        if serde_json::from_slice::<serde_json::Value>(bytes).is_ok() {
            return Err(ApiError::bad_request("invalid_request", "The body must be a JSON object."));
        }
    }
    parse_json(bytes).map_err(|r| ApiError::new(r.status, r.code, r.message))
}

/// The body of an action whose fields are all optional: empty means none, else a JSON object.
fn optional_body<T: DeserializeOwned + Default>(bytes: &[u8]) -> ApiResult<T> {
    if bytes.iter().all(u8::is_ascii_whitespace) { Ok(T::default()) } else { json_body(bytes) }
}

fn reply<T: Serialize>(status: StatusCode, result: ApiResult<T>) -> Response {
    match result {
        Ok(v) => (status, Json(v)).into_response(),
        Err(e) => e.into_response(),
    }
}

// ---------------------------------------------------------------------------------------------
// Handlers

/// Records the expiry of orders whose time is up before a read answers, so orders and balances
/// agree. A failure here only delays that to the sweeper: the read still answers.
async fn record_overdue_expiries(state: &AppState) {
    if let Err(e) = orders::expire_overdue(&state.engine).await {
        tracing::warn!(error = %e, "recording overdue order expiries");
    }
}

/// The partner's prepaid balance per currency.
#[utoipa::path(get, path = "/v1/balances", tag = "retail", security(("bearer" = [])),
    responses((status = 200, body = ListOf<BalanceView>), (status = 401, body = ErrorBody)))]
async fn get_balances(State(state): State<AppState>, _p: Principal) -> ApiResult<Json<ListOf<BalanceView>>> {
    // Holds of orders that are past their time are released first, as the orders read.
    record_overdue_expiries(&state).await;
    let data = state.engine.read_async(balances).await?.into_iter().map(balance_view).collect();
    Ok(Json(ListOf { data, next_cursor: None }))
}

fn balance_view(b: crate::engine::catalog::Balance) -> BalanceView {
    let m = |minor| WireMoney::from(Money::from_minor(minor, b.currency));
    BalanceView {
        currency: b.currency.code().to_string(),
        available: m(b.available),
        on_hold: m(b.on_hold),
        posted: m(b.posted),
    }
}

/// Record a top-up of the prepaid balance (managers and API clients; e.g. from the till's screen).
#[utoipa::path(post, path = "/v1/balances/top_ups", tag = "retail", security(("bearer" = [])), request_body = TopUp,
    params(("Idempotency-Key" = String, Header, description = "Unique per top-up")),
    responses((status = 201, body = BalanceView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, description = "idempotency_key_in_use", body = ErrorBody),
        (status = 422, description = "idempotency_key_reused", body = ErrorBody)))]
async fn create_top_up(
    State(state): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    uri: Uri,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    if let Err(e) = require_admin(&p) {
        return e.into_response();
    }
    let body = match body_bytes(body) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let engine = state.engine.clone();
    idempotent(&state, &p, &headers, &uri, body, |bytes, key| async move {
        let result = async {
            let req: TopUp = json_body(&bytes)?;
            let amount = DecimalMoney::from(req.amount).parse("amount")?;
            Ok::<_, ApiError>(balance_view(add_balance(&engine, amount, &format!("api:{key}")).await?))
        }
        .await;
        reply(StatusCode::CREATED, result)
    })
    .await
}

/// Products, filtered by country or store, by code.
#[utoipa::path(get, path = "/v1/products", tag = "retail", security(("bearer" = [])), params(ProductQuery),
    responses((status = 200, body = ListOf<ProductView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 422, description = "store_not_registered", body = ErrorBody)))]
async fn list_products(
    State(state): State<AppState>,
    _p: Principal,
    q: Result<Query<ProductQuery>, QueryRejection>,
) -> ApiResult<Json<ListOf<ProductView>>> {
    let q = query(q)?;
    let (cursor, limit) = page(q.cursor, q.limit)?;
    let filter = ProductFilter {
        country: q.country,
        store_id: q.store_id,
        brand: q.brand,
        kind: q.kind.map(Into::into),
        query: q.q,
        include_inactive: q.include_inactive,
        after: cursor,
        limit,
    };
    let listing = state.engine.read_async(move |e| products::list_products(e, filter)).await?;
    Ok(Json(ListOf {
        data: listing.items.into_iter().map(ProductView::from).collect(),
        next_cursor: listing.next_cursor,
    }))
}

/// One product.
#[utoipa::path(get, path = "/v1/products/{code}", tag = "retail", security(("bearer" = [])),
    responses((status = 200, body = ProductView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_product(
    State(state): State<AppState>,
    _p: Principal,
    Path(code): Path<String>,
) -> ApiResult<Json<ProductView>> {
    let wanted = code.clone();
    state
        .engine
        .read_async(move |e| products::get_product(e, &wanted))
        .await?
        .map(|p| Json(ProductView::from(p)))
        .ok_or_else(|| ApiError::not_found(format!("No product {code}.")))
}

/// Register a store under the partner's own identifier.
#[utoipa::path(post, path = "/v1/stores", tag = "retail", security(("bearer" = [])), request_body = CreateStore,
    params(("Idempotency-Key" = String, Header, description = "Unique per request")),
    responses((status = 201, body = StoreView), (status = 200, description = "Already registered with these details", body = StoreView),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, description = "store_exists or idempotency_key_in_use", body = ErrorBody),
        (status = 422, description = "idempotency_key_reused", body = ErrorBody)))]
async fn create_store(
    State(state): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    uri: Uri,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    if let Err(e) = require_admin(&p) {
        return e.into_response();
    }
    let body = match body_bytes(body) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let engine = state.engine.clone();
    idempotent(&state, &p, &headers, &uri, body, |bytes, _key| async move {
        let result = async {
            let req: CreateStore = json_body(&bytes)?;
            let new = NewStore { id: req.id, name: req.name, address: req.address.into(), country: req.country };
            Ok::<_, ApiError>(stores::register_store(&engine, new).await?)
        }
        .await;
        match result {
            Ok((store, true)) => (StatusCode::CREATED, Json(StoreView::from(store))).into_response(),
            Ok((store, false)) => (StatusCode::OK, Json(StoreView::from(store))).into_response(),
            Err(e) => e.into_response(),
        }
    })
    .await
}

/// List stores.
#[utoipa::path(get, path = "/v1/stores", tag = "retail", security(("bearer" = [])), params(StoreQuery),
    responses((status = 200, body = ListOf<StoreView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn list_stores(
    State(state): State<AppState>,
    _p: Principal,
    q: Result<Query<StoreQuery>, QueryRejection>,
) -> ApiResult<Json<ListOf<StoreView>>> {
    let q = query(q)?;
    let (cursor, limit) = page(q.cursor, q.limit)?;
    let filter = StoreFilter { country: q.country, query: q.q, after: cursor, limit };
    let listing = state.engine.read_async(move |e| stores::list_stores(e, filter)).await?;
    Ok(Json(ListOf {
        data: listing.items.into_iter().map(StoreView::from).collect(),
        next_cursor: listing.next_cursor,
    }))
}

/// One store.
#[utoipa::path(get, path = "/v1/stores/{id}", tag = "retail", security(("bearer" = [])),
    responses((status = 200, body = StoreView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_store(State(state): State<AppState>, _p: Principal, Path(id): Path<String>) -> ApiResult<Json<StoreView>> {
    let wanted = id.clone();
    state
        .engine
        .read_async(move |e| stores::get_store(e, &wanted))
        .await?
        .map(|s| Json(StoreView::from(s)))
        .ok_or_else(|| ApiError::not_found(format!("No store {id}.")))
}

/// Create a retail order: preliminary checks and a hold on the balance; no purchase yet.
#[utoipa::path(post, path = "/v1/retail_orders", tag = "retail", security(("bearer" = [])), request_body = CreateOrder,
    params(("Idempotency-Key" = String, Header, description = "Unique per request")),
    responses((status = 201, body = OrderView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 409, description = "idempotency_key_in_use", body = ErrorBody),
        (status = 422, description = "A preliminary check failed (nothing was held), or idempotency_key_reused", body = ErrorBody)))]
async fn create_order(
    State(state): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    uri: Uri,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body_bytes(body) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let engine = state.engine.clone();
    idempotent(&state, &p, &headers, &uri, body, |bytes, key| async move {
        let result = async {
            let req: CreateOrder = json_body(&bytes)?;
            Ok::<_, ApiError>(orders::create(&engine, req.into(), Some(&key)).await?)
        }
        .await;
        match result {
            Ok((order, _)) => (StatusCode::CREATED, Json(OrderView::from(order))).into_response(),
            Err(e) => e.into_response(),
        }
    })
    .await
}

/// Retail orders, newest first, by store, terminal, receipt or state.
#[utoipa::path(get, path = "/v1/retail_orders", tag = "retail", security(("bearer" = [])), params(OrderQuery),
    responses((status = 200, body = ListOf<OrderView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn list_orders(
    State(state): State<AppState>,
    _p: Principal,
    q: Result<Query<OrderQuery>, QueryRejection>,
) -> ApiResult<Json<ListOf<OrderView>>> {
    let q = query(q)?;
    let (cursor, limit) = page(q.cursor, q.limit)?;
    // A cursor is an order this list showed: one naming no order is a mistake, not an empty page.
    if let Some(c) = cursor.clone()
        && state.engine.read_async(move |e| orders::get(e, &c)).await.is_err()
    {
        return Err(ApiError::bad_request("invalid_cursor", "cursor names no order: use a next_cursor"));
    }
    // A `state=created` filter must not list orders whose time is up.
    record_overdue_expiries(&state).await;
    let filter = orders::OrderFilter {
        store_id: q.store_id,
        terminal_id: q.terminal_id,
        receipt_id: q.receipt_id,
        state: q.state.map(Into::into),
        after: cursor,
        limit,
    };
    let (data, next_cursor) = state.engine.read_async(move |e| orders::list(e, filter)).await?;
    Ok(Json(ListOf { data: data.into_iter().map(OrderView::from).collect(), next_cursor }))
}

/// A retail order and its state.
#[utoipa::path(get, path = "/v1/retail_orders/{id}", tag = "retail", security(("bearer" = [])),
    responses((status = 200, body = OrderView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_order(State(state): State<AppState>, _p: Principal, Path(id): Path<String>) -> ApiResult<Json<OrderView>> {
    record_overdue_expiries(&state).await;
    Ok(Json(state.engine.read_async(move |e| orders::get(e, &id)).await?.into()))
}

/// Confirm after payment: the code is issued or the card activated; the reply carries the lines.
#[utoipa::path(post, path = "/v1/retail_orders/{id}/actions/confirm", tag = "retail", security(("bearer" = [])), request_body = Option<ConfirmOrder>,
    params(("Idempotency-Key" = String, Header, description = "Unique per request")),
    responses((status = 200, body = OrderView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "order_invalidated, order_expired or idempotency_key_in_use", body = ErrorBody),
        (status = 422, description = "receipt_value refused, or idempotency_key_reused", body = ErrorBody)))]
async fn confirm_order(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body_bytes(body) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let engine = state.engine.clone();
    idempotent(&state, &p, &headers, &uri, body, |bytes, _key| async move {
        let result = async {
            // The confirmation's fields are optional: an empty body is a confirmation without them.
            let req: ConfirmOrder = optional_body(&bytes)?;
            Ok::<_, ApiError>(OrderView::from(orders::confirm(&engine, &id, req.into()).await?))
        }
        .await;
        reply(StatusCode::OK, result)
    })
    .await
}

/// Invalidate: voids a created order, reverses a confirmed one (code or card blocked).
#[utoipa::path(post, path = "/v1/retail_orders/{id}/actions/invalidate", tag = "retail", security(("bearer" = [])), request_body = Option<InvalidateOrder>,
    params(("Idempotency-Key" = String, Header, description = "Unique per request")),
    responses((status = 200, body = OrderView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, description = "idempotency_key_in_use", body = ErrorBody),
        (status = 422, description = "idempotency_key_reused", body = ErrorBody)))]
async fn invalidate_order(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body_bytes(body) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let engine = state.engine.clone();
    idempotent(&state, &p, &headers, &uri, body, |bytes, _key| async move {
        // No fields, but a body that is there must still be a JSON object.
        let result = async {
            optional_body::<InvalidateOrder>(&bytes)?;
            Ok::<_, ApiError>(OrderView::from(orders::invalidate(&engine, &id).await?))
        }
        .await;
        reply(StatusCode::OK, result)
    })
    .await
}

/// Settlement per day and store: confirmed orders, invalidations, face value, commission, net payable.
#[utoipa::path(get, path = "/v1/settlements", tag = "retail", security(("bearer" = [])), params(SettlementQuery),
    responses((status = 200, body = Settlement), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
async fn get_settlements(
    State(state): State<AppState>,
    p: Principal,
    q: Result<Query<SettlementQuery>, QueryRejection>,
) -> ApiResult<Json<Settlement>> {
    require_admin(&p)?;
    let q = query(q)?;
    let filter = SettlementFilter { from: q.from, to: q.to, store_id: q.store_id };
    Ok(Json(state.engine.read_async(move |e| settlement::settlement(e, filter)).await?.into()))
}

/// Subscribe to events. The reply shows the signing secret once.
#[utoipa::path(post, path = "/v1/webhooks", tag = "retail", security(("bearer" = [])), request_body = CreateWebhook,
    params(("Idempotency-Key" = String, Header, description = "Unique per request")),
    responses((status = 201, body = Subscription), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, description = "idempotency_key_in_use", body = ErrorBody),
        (status = 422, description = "idempotency_key_reused", body = ErrorBody)))]
async fn create_webhook(
    State(state): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    uri: Uri,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    if let Err(e) = require_admin(&p) {
        return e.into_response();
    }
    let body = match body_bytes(body) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let engine = state.engine.clone();
    idempotent(&state, &p, &headers, &uri, body, |bytes, key| async move {
        let result = async {
            let req: CreateWebhook = json_body(&bytes)?;
            let new = NewSubscription { url: req.url, events: req.events };
            Ok::<_, ApiError>(Subscription::from(webhooks::subscribe(&engine, new, Some(key)).await?))
        }
        .await;
        reply(StatusCode::CREATED, result)
    })
    .await
}

/// Webhook subscriptions.
#[utoipa::path(get, path = "/v1/webhooks", tag = "retail", security(("bearer" = [])), responses((status = 200, body = ListOf<Subscription>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list_webhooks(State(state): State<AppState>, p: Principal) -> ApiResult<Json<ListOf<Subscription>>> {
    require_admin(&p)?;
    let data = state.engine.read_async(webhooks::list).await?.into_iter().map(Subscription::from).collect();
    Ok(Json(ListOf { data, next_cursor: None }))
}

/// One webhook subscription with its delivery counts.
#[utoipa::path(get, path = "/v1/webhooks/{id}", tag = "retail", security(("bearer" = [])),
    responses((status = 200, body = Subscription), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn get_webhook(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<Subscription>> {
    require_admin(&p)?;
    let wanted = id.clone();
    state.engine.read_async(move |e| webhooks::get(e, &wanted)).await?.map(|s| Json(Subscription::from(s))).ok_or_else(
        || ApiError::new(StatusCode::NOT_FOUND, "webhook_not_found", format!("No webhook subscription {id}.")),
    )
}

/// Stop a subscription (pending deliveries are cancelled).
#[utoipa::path(delete, path = "/v1/webhooks/{id}", tag = "retail", security(("bearer" = [])),
    responses((status = 200, body = Subscription), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn delete_webhook(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<Subscription>> {
    require_admin(&p)?;
    Ok(Json(webhooks::unsubscribe(&state.engine, &id).await?.into()))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        get_balances, create_top_up, list_products, get_product, create_store, list_stores, get_store, create_order, list_orders, get_order,
        confirm_order, invalidate_order, get_settlements, create_webhook, list_webhooks, get_webhook, delete_webhook
    ),
    components(schemas(
        WireMoney, StoreView, CreateStore, Address, BalanceView, TopUp, ProductView, ProductKind, CreateOrder, ConfirmOrder,
        OrderView, OrderState, ReceiptPrinting, InvalidateOrder, Settlement, SettlementRow, SettlementTotal, Subscription, CreateWebhook,
        ErrorBody
    )),
    tags((name = "retail", description = "Third-party gift cards: stores, products, balances, two-step retail orders, settlements, webhooks"))
)]
pub struct Doc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/balances", get(get_balances))
        .route("/v1/balances/top_ups", post(create_top_up))
        .route("/v1/products", get(list_products))
        .route("/v1/products/{code}", get(get_product))
        .route("/v1/stores", post(create_store).get(list_stores))
        .route("/v1/stores/{id}", get(get_store))
        .route("/v1/retail_orders", post(create_order).get(list_orders))
        .route("/v1/retail_orders/{id}", get(get_order))
        .route("/v1/retail_orders/{id}/actions/confirm", post(confirm_order))
        .route("/v1/retail_orders/{id}/actions/invalidate", post(invalidate_order))
        .route("/v1/settlements", get(get_settlements))
        .route("/v1/webhooks", post(create_webhook).get(list_webhooks))
        .route("/v1/webhooks/{id}", get(get_webhook).delete(delete_webhook))
        .method_not_allowed_fallback(method_not_allowed)
}

/// A known path with the wrong method: JSON like every other error.
async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{} is not supported on {}.", method, uri.path()),
    )
}
