//! Every error is JSON, in the shape of the surface it was sent to. axum's own rejections (a
//! path parameter that is not a number, a query string that does not parse, a body over the
//! limit) answer in plain text; this layer rewrites any error response that is not JSON into the
//! surface's error object, keeping the status and the message.
//!
//! | surface     | shape                                                      |
//! |-------------|------------------------------------------------------------|
//! | `/gift`     | `{"result":"failure","errorCode","errorMessage"}`            |
//! | `/rest/v1`  | `{"error","error_description"}`                              |
//! | `/instore`  | `{"result":"Failure","error","code"}`                        |
//! | the rest    | `{"error":{"code","message"}}`                               |

use axum::Json;
use axum::body::to_bytes;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The most of a plain-text rejection that is kept as the message.
const MAX_MESSAGE: usize = 2048;

/// An error in the shape of the surface `path` belongs to.
pub fn surface_error(path: &str, status: StatusCode, code: &str, message: &str) -> Response {
    if path.starts_with("/gift") {
        return super::error::GiftFailure::new(status, code, message).into_response();
    }
    if path.starts_with("/rest/") {
        let body = crate::wire::spots::ErrorBody { error: code.into(), error_description: message.into() };
        return (status, Json(body)).into_response();
    }
    if path.starts_with("/instore") {
        let body =
            crate::wire::instore::InstoreError { result: "Failure".into(), error: message.into(), code: code.into() };
        return (status, Json(body)).into_response();
    }
    super::error::ApiError::new(status, code, message).into_response()
}

/// The stable code for a status that reached us without one.
fn code_for(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => "invalid_request",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::REQUEST_TIMEOUT => "timeout",
        s if s.is_server_error() => "internal_error",
        _ => "error",
    }
}

fn is_json(resp: &Response) -> bool {
    resp.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json") || v.contains("+json"))
}

/// The middleware: a non-JSON error answer becomes the surface's JSON error.
pub async fn json_errors(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let resp = next.run(req).await;
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) || is_json(&resp) {
        return resp;
    }
    let text = match to_bytes(resp.into_body(), MAX_MESSAGE * 2).await {
        Ok(b) => String::from_utf8_lossy(&b).trim().chars().take(MAX_MESSAGE).collect::<String>(),
        Err(_) => String::new(),
    };
    let message = if status.is_server_error() {
        "The server could not complete the request; it has been logged.".to_string()
    } else if text.is_empty() {
        status.canonical_reason().unwrap_or("The request was refused.").to_string()
    } else {
        text
    };
    surface_error(&path, status, code_for(status), &message)
}
