//! `/till/v1/receipt-setup`: what every receipt starts from (header, terminal, locale, footer).
//! `/till/v1/receipts`: store a receipt (numbered per terminal, training separately), list and
//! fetch stored ones, record that one printed, and fetch a reprint (marked DUPLICATE).
//!
//! Every route needs a logged-in user's session token (any role).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::api::AppState;
use crate::api::auth::Principal;
use crate::api::error::{ApiError, ApiJson, ErrorBody};
use crate::engine::receipts::{self as engine, ReceiptError, receipt_setup};
use crate::receipt::Receipt;
use crate::wire::till::{CreateReceipt, ReceiptQuery, ReceiptSetup, StoredReceipt};

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(setup, list, create, fetch, mark_printed, reprint),
    components(schemas(CreateReceipt, StoredReceipt, Receipt, ReceiptSetup))
)]
pub struct Doc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/till/v1/receipt-setup", get(setup))
        .route("/till/v1/receipts", get(list).post(create))
        .route("/till/v1/receipts/{id}", get(fetch))
        .route("/till/v1/receipts/{id}/printed", post(mark_printed))
        .route("/till/v1/receipts/{id}/reprint", post(reprint))
}

fn setup_wire(s: engine::ReceiptSetup) -> ReceiptSetup {
    ReceiptSetup { header: s.header, terminal: s.terminal, locale: s.locale, currency: s.currency, footer: s.footer }
}

fn stored_wire(r: engine::StoredReceipt) -> StoredReceipt {
    StoredReceipt {
        id: r.id,
        terminal: r.terminal,
        training: r.training,
        number: r.number,
        number_text: r.number_text,
        kind: r.kind,
        printed: r.printed,
        reprints: r.reprints,
        receipt: r.receipt,
    }
}

fn query(q: ReceiptQuery) -> engine::ReceiptQuery {
    engine::ReceiptQuery {
        terminal: q.terminal,
        training: q.training,
        unprinted: q.unprinted,
        before: q.before,
        limit: q.limit,
    }
}

fn engine_error(e: ReceiptError) -> ApiError {
    match e {
        ReceiptError::NotFound(id) => ApiError::not_found(format!("There is no receipt {id}.")),
        ReceiptError::Invalid(m) => ApiError::bad_request("invalid_request", m),
        ReceiptError::Ledger(e) => ApiError::internal(&e),
    }
}

/// The header, terminal, locale and footer every receipt of this till starts from.
#[utoipa::path(get, path = "/till/v1/receipt-setup", tag = "till", security(("bearer" = [])),
    responses((status = 200, body = ReceiptSetup), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn setup(State(state): State<AppState>, principal: Principal) -> Result<Json<ReceiptSetup>, ApiError> {
    principal.require_user()?;
    receipt_setup(state.engine.config()).map(|s| Json(setup_wire(s))).map_err(|e| ApiError::internal(&e))
}

/// Stored receipts, newest first.
#[utoipa::path(get, path = "/till/v1/receipts", tag = "till", security(("bearer" = [])), params(ReceiptQuery),
    responses((status = 200, body = [StoredReceipt]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Query(q): Query<ReceiptQuery>,
) -> Result<Json<Vec<StoredReceipt>>, ApiError> {
    principal.require_user()?;
    let engine = state.engine.clone();
    let q = query(q);
    let rows = tokio::task::spawn_blocking(move || engine.list_receipts(&q))
        .await
        .map_err(|e| ApiError::internal(&e))?
        .map_err(engine_error)?;
    Ok(Json(rows.into_iter().map(stored_wire).collect()))
}

/// Stores a receipt and gives it the terminal's next number.
#[utoipa::path(post, path = "/till/v1/receipts", tag = "till", security(("bearer" = [])), request_body = CreateReceipt,
    responses((status = 201, body = StoredReceipt), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(req): ApiJson<CreateReceipt>,
) -> Result<(StatusCode, Json<StoredReceipt>), ApiError> {
    principal.require_user()?;
    if req.op_key.as_ref().is_some_and(|k| k.is_empty() || k.len() > 128) {
        return Err(ApiError::bad_request("invalid_request", "op_key must have 1 to 128 characters."));
    }
    let stored = state.engine.store_receipt(req.receipt, req.op_key).await.map_err(engine_error)?;
    Ok((StatusCode::CREATED, Json(stored_wire(stored))))
}

/// One stored receipt.
#[utoipa::path(get, path = "/till/v1/receipts/{id}", tag = "till", security(("bearer" = [])),
    params(("id" = i64, Path, description = "receipt id")),
    responses((status = 200, body = StoredReceipt), (status = 404, body = ErrorBody)))]
pub async fn fetch(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> Result<Json<StoredReceipt>, ApiError> {
    principal.require_user()?;
    let engine = state.engine.clone();
    tokio::task::spawn_blocking(move || engine.receipt(id))
        .await
        .map_err(|e| ApiError::internal(&e))?
        .map_err(engine_error)?
        .map(|r| Json(stored_wire(r)))
        .ok_or_else(|| ApiError::not_found(format!("There is no receipt {id}.")))
}

/// Records that the receipt went to the printer (the first time counts).
#[utoipa::path(post, path = "/till/v1/receipts/{id}/printed", tag = "till", security(("bearer" = [])),
    params(("id" = i64, Path, description = "receipt id")),
    responses((status = 200, body = StoredReceipt), (status = 404, body = ErrorBody)))]
pub async fn mark_printed(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> Result<Json<StoredReceipt>, ApiError> {
    principal.require_user()?;
    state.engine.mark_receipt_printed(id).await.map(|r| Json(stored_wire(r))).map_err(engine_error)
}

/// The receipt to reprint: marked DUPLICATE, and the reprint counted.
#[utoipa::path(post, path = "/till/v1/receipts/{id}/reprint", tag = "till", security(("bearer" = [])),
    params(("id" = i64, Path, description = "receipt id")),
    responses((status = 200, body = StoredReceipt), (status = 404, body = ErrorBody)))]
pub async fn reprint(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> Result<Json<StoredReceipt>, ApiError> {
    principal.require_user()?;
    state.engine.reprint_receipt(id).await.map(|r| Json(stored_wire(r))).map_err(engine_error)
}
