//! `GET /openapi.json`: the OpenAPI document, merged from each surface's own `Doc`.

use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;

use super::AppState;

#[derive(OpenApi)]
#[openapi(info(title = "till", description = "Gift cards, retail orders and the till's own API."))]
struct ApiDoc;

/// The merged document.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(super::gift::Doc::openapi());
    doc.merge(super::retail::Doc::openapi());
    doc.merge(super::till::sessions::Doc::openapi());
    doc.merge(super::till::receipts::Doc::openapi());
    doc.merge(super::till::shifts::Doc::openapi());
    doc.merge(super::till::reports::Doc::openapi());
    doc.merge(super::spots::Doc::openapi());
    doc.merge(super::spots::till::Doc::openapi());
    doc.merge(super::instore::doc());
    doc
}

pub fn router() -> Router<AppState> {
    Router::new().route("/openapi.json", get(|| async { Json(document()) }))
}
