//! `/till/v1`: what the till itself needs beyond the public surfaces: cashier sessions, receipts
//! and reprints, the journal, shifts and the drawer, the manager's reports, users and approvals.

pub mod receipts;
pub mod reports;
pub mod sessions;
pub mod sheet_words;
pub mod shifts;
pub mod users;

use axum::Router;

use super::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(sessions::router())
        .merge(receipts::router())
        .merge(shifts::router())
        .merge(reports::router())
        .merge(users::router())
}
