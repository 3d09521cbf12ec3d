//! The error model shared by the API surfaces.
//!
//! Two shapes, one rule: a stable machine code, a human message, never a stack trace, never a 5xx
//! for bad input. Internal failures are logged with `tracing` and answered with a generic message.
//!
//! - `/gift` speaks the gift service's own Failure object: [`GiftFailure`]
//!   `{"result":"failure","errorCode":"…","errorMessage":"…"}`.
//! - `/v1` and `/till/v1` use [`ApiError`]: `{"error":{"code":"…","message":"…"}}`.
//!
//! JSON bodies are read with [`GiftJson`] / [`ApiJson`]: any content type, unknown fields allowed,
//! wrong types or missing fields rejected with 400 and the path of the offending field.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

pub use crate::wire::error::{ErrorBody, ErrorDetail, FailureBody};

/// A `/gift` failure: an HTTP status plus the Failure object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GiftFailure {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
}

impl GiftFailure {
    pub fn new(status: StatusCode, code: impl Into<String>, message: impl Into<String>) -> GiftFailure {
        GiftFailure { status, code: code.into(), message: message.into() }
    }

    /// 400 `invalid_request`: the request is malformed (missing or mistyped field, too long, bad amount).
    pub fn invalid(message: impl Into<String>) -> GiftFailure {
        GiftFailure::new(StatusCode::BAD_REQUEST, "invalid_request", message)
    }

    /// 500 `internal_error`: logs the cause, tells the caller nothing about internals.
    pub fn internal(cause: &dyn std::fmt::Display) -> GiftFailure {
        tracing::error!(error = %cause, "internal error on /gift");
        GiftFailure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "The server could not complete the request; nothing was changed. Try again.",
        )
    }

    pub fn body(&self) -> FailureBody {
        FailureBody { result: "failure".into(), error_code: self.code.clone(), error_message: self.message.clone() }
    }
}

impl IntoResponse for GiftFailure {
    fn into_response(self) -> Response {
        let mut resp = (self.status, Json(self.body())).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        resp
    }
}

/// An error on `/v1` or `/till/v1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError { status, code: code.into(), message: message.into() }
    }
    /// 400 with the given code.
    pub fn bad_request(code: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }
    /// 401 `unauthorized`.
    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }
    /// 403 `forbidden`.
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }
    /// 404 `not_found`.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }
    /// 409 with the given code.
    pub fn conflict(code: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, code, message)
    }
    /// 422 with the given code.
    pub fn unprocessable(code: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }
    /// 500 `internal_error`: logs the cause, tells the caller nothing about internals.
    pub fn internal(cause: &dyn std::fmt::Display) -> ApiError {
        tracing::error!(error = %cause, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "The server could not complete the request; it has been logged.",
        )
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody { error: ErrorDetail { code: self.code.clone(), message: self.message.clone() } }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut resp = (self.status, Json(self.body())).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        resp
    }
}

impl From<GiftFailure> for ApiError {
    fn from(f: GiftFailure) -> ApiError {
        ApiError { status: f.status, code: f.code, message: f.message }
    }
}

impl From<ApiError> for GiftFailure {
    fn from(e: ApiError) -> GiftFailure {
        GiftFailure { status: e.status, code: e.code, message: e.message }
    }
}

/// Why a JSON body was refused, before it is put into either shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyRejection {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

/// Reads the body (any content type; the size limit applies) and deserializes it, naming the
/// offending field on failure. Unknown fields are ignored.
pub async fn read_json<T: DeserializeOwned, S: Send + Sync>(req: Request, state: &S) -> Result<T, BodyRejection> {
    let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
        let status = rejection.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            BodyRejection { status, code: "body_too_large", message: "The request body is too large.".into() }
        } else {
            BodyRejection {
                status: StatusCode::BAD_REQUEST,
                code: "invalid_request",
                message: "The request body could not be read.".into(),
            }
        }
    })?;
    parse_object(&bytes)
}

/// Like [`parse_json`], but the body must be a JSON object: serde would otherwise build a struct
/// from an array (`[1,"A1234",{…}]`), fields taken by position.
pub fn parse_object<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, BodyRejection> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first.is_some() && first != Some(&b'{') && serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok() {
        // Valid JSON of the wrong kind; broken JSON falls through so the parser names the error.
        return Err(BodyRejection {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_request",
            message: "The body must be a JSON object.".into(),
        });
    }
    parse_json(bytes)
}

/// Deserializes `bytes` as one JSON value of type `T`, with a message that names the field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, BodyRejection> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(BodyRejection {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_request",
            message: "The request body is empty; a JSON object is expected.".into(),
        });
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let what = match inner.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => "The body is not valid JSON",
            _ => "The body does not fit the request",
        };
        let message = if path.is_empty() || path == "." {
            format!("{what}: {inner}")
        } else {
            format!("{what}: field `{path}`: {inner}")
        };
        BodyRejection { status: StatusCode::BAD_REQUEST, code: "invalid_request", message }
    })?;
    de.end().map_err(|e| BodyRejection {
        status: StatusCode::BAD_REQUEST,
        code: "invalid_request",
        message: format!("The body is not valid JSON: {e}"),
    })?;
    Ok(value)
}

/// A JSON body on `/gift`; a bad body becomes a [`GiftFailure`].
#[derive(Debug, Clone)]
pub struct GiftJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for GiftJson<T> {
    type Rejection = GiftFailure;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        read_json(req, state).await.map(GiftJson).map_err(|r| GiftFailure::new(r.status, r.code, r.message))
    }
}

/// A JSON body on `/v1` or `/till/v1`; a bad body becomes an [`ApiError`].
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        read_json(req, state).await.map(ApiJson).map_err(|r| ApiError::new(r.status, r.code, r.message))
    }
}

/// The answer for a path no surface serves: JSON in the shape of the surface the path belongs to.
pub async fn not_found(uri: axum::http::Uri) -> Response {
    let message = format!("No such endpoint: {}", uri.path());
    if uri.path().starts_with("/gift") {
        GiftFailure::new(StatusCode::NOT_FOUND, "not_found", message).into_response()
    } else {
        ApiError::not_found(message).into_response()
    }
}

/// The answer for a known path with the wrong method, in the shape of its surface.
pub async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> Response {
    let message = format!("{} is not allowed on {}", method, uri.path());
    if uri.path().starts_with("/gift") {
        GiftFailure::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", message).into_response()
    } else {
        ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", message).into_response()
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;
    use crate::wire::de::{object, optional_object};

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Sample {
        merchant_id: i64,
        store_code: String,
    }

    #[test]
    fn a_mistyped_field_is_named() {
        let err = parse_json::<Sample>(br#"{"merchantId":"one","storeCode":"A1"}"#).unwrap_err();
        assert_eq!(err.status, StatusCode::BAD_REQUEST);
        assert!(err.message.contains("merchantId"), "{}", err.message);
    }

    #[test]
    fn a_missing_field_is_named_and_unknown_fields_pass() {
        let err = parse_json::<Sample>(br#"{"storeCode":"A1"}"#).unwrap_err();
        assert!(err.message.contains("merchantId"), "{}", err.message);
        assert!(parse_json::<Sample>(br#"{"merchantId":1,"storeCode":"A1","extra":[1]}"#).is_ok());
    }

    #[test]
    fn broken_json_and_trailing_bytes_are_refused() {
        assert!(parse_json::<Sample>(br#"{"merchantId":1,"#).unwrap_err().message.contains("not valid JSON"));
        assert!(parse_json::<Sample>(br#"{"merchantId":1,"storeCode":"A"} x"#).is_err());
        assert!(parse_json::<Sample>(b"  ").unwrap_err().message.contains("empty"));
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Outer {
        merchant_id: i64,
        #[serde(deserialize_with = "object")]
        inner: Sample,
        #[serde(default, deserialize_with = "optional_object")]
        maybe: Option<Sample>,
    }

    #[test]
    fn arrays_are_not_taken_for_objects() {
        // serde alone builds a struct from an array, fields by position: a client bug would pass.
        let err = parse_object::<Sample>(br#"[1,"A1"]"#).unwrap_err();
        assert_eq!((err.status, err.code), (StatusCode::BAD_REQUEST, "invalid_request"));
        assert!(err.message.contains("JSON object"), "{}", err.message);
        assert!(parse_object::<Sample>(b"null").unwrap_err().message.contains("JSON object"));
        assert!(parse_object::<Sample>(b"[1,").unwrap_err().message.contains("not valid JSON"));
        let ok = br#"{"merchantId":1,"inner":{"merchantId":2,"storeCode":"B"},"maybe":null}"#;
        assert!(parse_object::<Outer>(ok).is_ok());
        let nested = parse_object::<Outer>(br#"{"merchantId":1,"inner":[2,"B"]}"#).unwrap_err();
        assert!(nested.message.contains("inner"), "{}", nested.message);
        let nested =
            parse_object::<Outer>(br#"{"merchantId":1,"inner":{"merchantId":2,"storeCode":"B"},"maybe":[2,"B"]}"#);
        assert!(nested.unwrap_err().message.contains("maybe"));
        let deep = parse_object::<Outer>(br#"{"merchantId":1,"inner":{"merchantId":"x","storeCode":"B"}}"#);
        assert!(deep.unwrap_err().message.contains("merchantId"));
    }

    #[test]
    fn failure_body_has_the_seed_shape() {
        let f = GiftFailure::new(StatusCode::CONFLICT, "card_inactive", "The card is not active.");
        let v = serde_json::to_value(f.body()).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"result":"failure","errorCode":"card_inactive","errorMessage":"The card is not active."})
        );
    }
}
