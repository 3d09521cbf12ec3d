//! (skeleton) `/till/v1` sessions.

use axum::Router;

use crate::api::AppState;

#[derive(utoipa::OpenApi)]
#[openapi()]
pub struct Doc;

pub fn router() -> Router<AppState> {
    Router::new()
}
