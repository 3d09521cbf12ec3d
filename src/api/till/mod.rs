//! `/till/v1`: what the till itself needs beyond the public surfaces: cashier sessions, receipts
//! and reprints, the journal.

pub mod receipts;
pub mod sessions;

use axum::Router;

use super::AppState;

pub fn router() -> Router<AppState> {
    Router::new().merge(sessions::router()).merge(receipts::router())
}
