//! A full disk, said plainly. When the ledger's last commit failed because the disk is full, the
//! request that hit it (a bare 500 from its handler: the work was rolled back, nothing was
//! recorded) is answered `507 Insufficient Storage` with the code `storage_full`, in the shape of
//! the surface it was sent to. Reads keep working; writes succeed again once space is freed.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

use crate::engine::Engine;

/// The code every surface uses for a write refused by a full disk.
pub const CODE: &str = "storage_full";
const MESSAGE: &str = "The till's disk is full: nothing was recorded. Free disk space, then try again.";

/// The middleware: rewrites a 500 into `storage_full` while the ledger reports a full disk.
pub async fn answer_full_disk(State(engine): State<Engine>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let resp = next.run(req).await;
    if resp.status() != StatusCode::INTERNAL_SERVER_ERROR || !engine.ledger().storage_full() {
        return resp;
    }
    tracing::error!(%path, "a write was refused: the disk is full");
    full_disk_response(&path)
}

/// `507 storage_full` in the shape of the surface `path` belongs to.
pub fn full_disk_response(path: &str) -> Response {
    super::rejections::surface_error(path, StatusCode::INSUFFICIENT_STORAGE, CODE, MESSAGE)
}
