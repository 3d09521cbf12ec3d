//! (skeleton) the `retail` surface.

use axum::Router;

use super::AppState;

#[derive(utoipa::OpenApi)]
#[openapi()]
pub struct Doc;

pub fn router() -> Router<AppState> {
    Router::new()
}
