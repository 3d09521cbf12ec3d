//! `/till/v1/receipt-setup`: what every receipt starts from (header, terminal, locale, footer).
//! `/till/v1/receipts`: store a receipt (numbered per terminal, training separately), list and
//! fetch stored ones, record that one printed, and fetch a reprint (marked DUPLICATE).
//!
//! Every route needs a logged-in user's session token (any role).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use crate::api::AppState;
use crate::api::auth::Principal;
use crate::api::error::{ApiError, ApiJson, ErrorBody};
use crate::engine::receipts::{ReceiptError, ReceiptQuery, ReceiptSetup, StoredReceipt, receipt_setup};
use crate::receipt::Receipt;

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

/// A receipt to store. `op_key` is the operation's idempotency key (e.g. the gift
/// `externalTransactionId`): sending the same key again returns the first stored receipt.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreateReceipt {
    pub receipt: Receipt,
    #[serde(default)]
    pub op_key: Option<String>,
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
    receipt_setup(state.engine.config()).map(Json).map_err(|e| ApiError::internal(&e))
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
    let rows = tokio::task::spawn_blocking(move || engine.list_receipts(&q))
        .await
        .map_err(|e| ApiError::internal(&e))?
        .map_err(engine_error)?;
    Ok(Json(rows))
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
    Ok((StatusCode::CREATED, Json(stored)))
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
        .map(Json)
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
    state.engine.mark_receipt_printed(id).await.map(Json).map_err(engine_error)
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
    state.engine.reprint_receipt(id).await.map(Json).map_err(engine_error)
}
