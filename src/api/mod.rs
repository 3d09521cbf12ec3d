//! The HTTP surfaces, one router file per wire format. Handlers reach only the [`Engine`].
//!
//! | file        | surface                                                        | auth                    |
//! |-------------|----------------------------------------------------------------|-------------------------|
//! | `gift`      | `/gift/*.json` (gift-service-api + terminal gift operations)   | bearer API token        |
//! | `retail`    | `/v1/...` (retail orders, stores, products, settlements, hooks) | bearer API token        |
//! | `spots`     | `/rest/v1/...` (table spots, orders, wallet transactions)       | MAC (`spots::mac`)      |
//! | `instore`   | `/instore/<action>` (payment extensions: card simulator, stored value, pay on account) | HMAC `X-Signature` |
//! | `till`      | `/till/v1/...` (sessions, receipts, journal)                   | bearer session token    |
//! | `openapi`   | `GET /openapi.json`, generated from the handlers (utoipa)      | none                    |
//! | `auth`      | bearer token extractors                                        |                         |
//! | `access`    | roles on every surface, a manager's approval of a cashier's action |                   |
//! | `error`     | the error model: JSON with a stable code, never a stack trace  |                         |
//! | `serve`     | binding, body limit, request timeout, tracing, graceful shutdown |                       |
//! | `rejections`| any error that is not JSON (axum's rejections) becomes the surface's JSON error |  |
//! | `storage`   | a write refused by a full disk answers `507 storage_full`     |                         |

pub mod access;
pub mod auth;
pub mod error;
pub mod gift;
pub mod instore;
pub mod openapi;
pub mod rejections;
pub mod retail;
pub mod serve;
pub mod spots;
pub mod storage;
pub mod till;

use axum::Router;
use axum::routing::get;

use crate::engine::Engine;

/// State shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub engine: Engine,
}

/// The whole API.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .merge(openapi::router())
        .merge(gift::router())
        .merge(retail::router())
        .merge(till::router())
        .merge(spots::router(state.clone()))
        .merge(instore::router())
        .with_state(state)
}
