//! `/till/v1/spot-orders/{id}/cash`: the till's own route of the spots area, behind a cashier's
//! session (not MAC: it moves cash into a drawer, which only a till does). The guest paid the
//! order by other means: the order closes and the cash is booked into the drawer
//! (`engine::spots::cash`). Like every money-moving till call it needs an open shift.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};

use crate::api::AppState;
use crate::api::auth::Principal;
use crate::api::error::{ApiError, ErrorBody};
use crate::engine::spots::{SpotsError, cash};
use crate::wire::spots as w;

#[derive(utoipa::OpenApi)]
#[openapi(paths(pay_cash), components(schemas(w::CashRequest, w::CashPaid, w::CashItem, ErrorBody)))]
pub struct Doc;

/// The path every cash payment of a spot order goes to (the shift rule names it).
pub const CASH_PATH_PREFIX: &str = "/till/v1/spot-orders/";

pub fn router() -> Router<AppState> {
    Router::new().route("/till/v1/spot-orders/{id}/cash", post(pay_cash))
}

fn api_error(e: SpotsError) -> ApiError {
    match e {
        SpotsError::InvalidRequest(m) | SpotsError::InvalidParameters(m) => ApiError::bad_request("invalid_request", m),
        SpotsError::Unauthorized(m) => ApiError::unauthorized(m),
        SpotsError::Forbidden(m) => ApiError::forbidden(m),
        SpotsError::NotFound(m) => ApiError::not_found(m),
        SpotsError::InvalidState(m) => ApiError::conflict("invalid_state", m),
        SpotsError::Internal(m) => ApiError::internal(&m),
    }
}

/// The order was paid in cash at the till: closes it and books the cash into the drawer.
#[utoipa::path(post, path = "/till/v1/spot-orders/{id}/cash", tag = "till", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The order id")),
    request_body(content = Option<w::CashRequest>, description = "Optional: the till whose drawer took the cash"),
    responses((status = 200, body = w::CashPaid), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn pay_cash(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<w::CashPaid>, ApiError> {
    let (cashier, _) = principal.require_user()?;
    let req: w::CashRequest = if body.iter().all(u8::is_ascii_whitespace) {
        w::CashRequest::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| ApiError::bad_request("invalid_request", e.to_string()))?
    };
    let paid = cash::pay_cash(&state.engine, id, req.terminal, Some(cashier)).await.map_err(api_error)?;
    Ok(Json(w::CashPaid {
        order: super::order_wire(&paid.order),
        spot: paid.spot_identifier,
        terminal: paid.terminal,
        amount: paid.amount.minor(),
        amount_decimal: super::decimal(paid.amount),
        currency: paid.amount.currency().code().into(),
        items: paid.items.into_iter().map(|(description, p)| w::CashItem { description, price: p.minor() }).collect(),
        replay: paid.replay,
    }))
}
