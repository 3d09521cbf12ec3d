//! The typed HTTP client the screen uses to reach the engine, embedded or remote. One path,
//! always exercised: the till never calls the engine directly.
//!
//! | file       | calls                                     |
//! |------------|-------------------------------------------|
//! | `gift`     | `/gift/*.json`                            |
//! | `retail`   | `/v1/...`                                 |
//! | `till`     | `/till/v1` sessions                       |
//! | `receipts` | `/till/v1` receipts and reprints          |
//! | `tender`   | `[tenders]` config; signed `/instore` client (any extension) |
//! | `tender_pay` | card, wallet, account tenders: take, cancel on no answer, undo |
//!
//! Every call ends in one of four ways besides success (see [`ClientError`]): the server could not
//! be reached (nothing happened), the call timed out (the outcome is unknown and must be resolved),
//! the server declined (with its code and message), or the reply made no sense.

pub mod gift;
pub mod receipts;
pub mod reports;
pub mod retail;
pub mod spots;
pub mod tender;
pub mod tender_pay;
pub mod till;

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// How a call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// The server could not be reached; the request was not sent, so nothing happened.
    #[error("could not connect to the engine: {0}")]
    Connect(String),
    /// No reply in time (or the connection dropped after sending): the outcome is unknown.
    #[error("no reply in time; the outcome is unknown: {0}")]
    Timeout(String),
    /// The server answered with a refusal.
    #[error("declined ({code}): {message}")]
    Declined { status: u16, code: String, message: String },
    /// The server answered something this client cannot read.
    #[error("unexpected reply: {0}")]
    BadReply(String),
}

impl ClientError {
    /// True when the request may or may not have taken effect.
    pub fn outcome_unknown(&self) -> bool {
        matches!(self, ClientError::Timeout(_))
    }
    /// The server's error code, for declines.
    pub fn code(&self) -> Option<&str> {
        match self {
            ClientError::Declined { code, .. } => Some(code),
            _ => None,
        }
    }
}

/// Timeouts of a [`Client`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Establishing the TCP connection.
    pub connect: Duration,
    /// The whole request, from sending to the last byte of the reply.
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts { connect: Duration::from_secs(3), request: Duration::from_secs(10) }
    }
}

/// A client for one engine: base URL plus bearer token. Cheap to clone (connections are pooled).
#[derive(Debug, Clone)]
pub struct Client {
    base: String,
    token: String,
    timeouts: Timeouts,
    http: reqwest::Client,
    /// A manager's number and PIN approving the next call (`X-Till-Approver`, `X-Till-Approver-Pin`).
    approval: Option<(String, String)>,
}

impl Client {
    /// A client for the engine at `base_url` (e.g. `http://127.0.0.1:7878`) with default timeouts.
    pub fn new(base_url: &str, token: &str) -> Result<Client, ClientError> {
        Client::with_timeouts(base_url, token, Timeouts::default())
    }

    pub fn with_timeouts(base_url: &str, token: &str, timeouts: Timeouts) -> Result<Client, ClientError> {
        let base = base_url.trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(ClientError::Connect(format!("{base_url:?} is not an http:// or https:// URL")));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(timeouts.connect)
            .timeout(timeouts.request)
            // Under the server's header-read timeout (10 s), which also ends idle keep-alive
            // connections: the client drops them first, so no request races a closing one.
            .pool_idle_timeout(Duration::from_secs(5))
            .user_agent(concat!("till/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError::Connect(format!("cannot set up HTTP: {e}")))?;
        Ok(Client { base, token: token.to_string(), timeouts, http, approval: None })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    /// The same engine with another token (e.g. a session token after login).
    pub fn with_token(&self, token: &str) -> Client {
        Client { token: token.to_string(), ..self.clone() }
    }

    /// The same engine, with a manager's number and PIN approving the calls made through it (one
    /// action: the screen makes such a client for that call only).
    pub fn with_approval(&self, manager: &str, pin: &str) -> Client {
        Client { approval: Some((manager.to_string(), pin.to_string())), ..self.clone() }
    }

    /// `GET /healthz`: Ok when the engine answers.
    pub async fn healthz(&self) -> Result<(), ClientError> {
        let resp = self.http.get(format!("{}/healthz", self.base)).send().await.map_err(transport_error)?;
        if resp.status().is_success() {
            Ok(())
        } else {
            Err(ClientError::BadReply(format!("/healthz answered {}", resp.status())))
        }
    }

    /// `GET path` with the bearer token, reading a JSON reply.
    pub async fn get_json<R: DeserializeOwned>(&self, path: &str) -> Result<R, ClientError> {
        self.send_json::<(), R>(Method::GET, path, None, &[]).await
    }

    /// `POST path` with a JSON body and the bearer token, reading a JSON reply.
    pub async fn post_json<B: Serialize + ?Sized, R: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<R, ClientError> {
        self.send_json(Method::POST, path, Some(body), &[]).await
    }

    /// Any method, optional JSON body, extra headers (e.g. `Idempotency-Key`), JSON reply.
    pub async fn send_json<B: Serialize + ?Sized, R: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
        headers: &[(&str, &str)],
    ) -> Result<R, ClientError> {
        let bytes = self.send_raw(method, path, body, headers).await?;
        serde_json::from_slice(&bytes).map_err(|e| ClientError::BadReply(format!("{path}: {e}")))
    }

    /// Sends a request and returns the body of a 2xx reply; anything else becomes a [`ClientError`].
    pub async fn send_raw<B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
        headers: &[(&str, &str)],
    ) -> Result<Vec<u8>, ClientError> {
        let mut req = self.http.request(method, format!("{}{path}", self.base)).bearer_auth(&self.token);
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        if let Some((manager, pin)) = &self.approval {
            req = req.header("X-Till-Approver", manager).header("X-Till-Approver-Pin", pin);
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        let resp = req.send().await.map_err(transport_error)?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(transport_error)?;
        if status.is_success() {
            return Ok(bytes.to_vec());
        }
        Err(declined(status, &bytes))
    }
}

/// Sorts a reqwest failure into "nothing happened" and "outcome unknown".
fn transport_error(e: reqwest::Error) -> ClientError {
    if e.is_connect() {
        ClientError::Connect(e.to_string())
    } else if e.is_builder() {
        ClientError::Connect(format!("bad request: {e}"))
    } else if e.is_timeout() {
        ClientError::Timeout(e.to_string())
    } else if e.is_decode() {
        ClientError::BadReply(e.to_string())
    } else {
        // The request may have reached the server before the connection failed.
        ClientError::Timeout(format!("connection lost: {e}"))
    }
}

/// Reads a non-2xx reply: the gift Failure object, the generic `{"error":…}`, or anything else.
fn declined(status: StatusCode, body: &[u8]) -> ClientError {
    // The server gave up on the request itself: whether it took effect is unknown.
    if status == StatusCode::REQUEST_TIMEOUT || status == StatusCode::GATEWAY_TIMEOUT {
        return ClientError::Timeout(format!("the server answered {status}"));
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Failure {
        error_code: String,
        error_message: String,
    }
    #[derive(serde::Deserialize)]
    struct Generic {
        error: crate::wire::error::ErrorDetail,
    }
    if let Ok(f) = serde_json::from_slice::<Failure>(body) {
        return ClientError::Declined { status: status.as_u16(), code: f.error_code, message: f.error_message };
    }
    if let Ok(g) = serde_json::from_slice::<Generic>(body) {
        return ClientError::Declined { status: status.as_u16(), code: g.error.code, message: g.error.message };
    }
    let text: String = String::from_utf8_lossy(body).chars().take(200).collect();
    ClientError::Declined { status: status.as_u16(), code: format!("http_{}", status.as_u16()), message: text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_error_shapes_are_read() {
        let e = declined(
            StatusCode::CONFLICT,
            br#"{"result":"failure","errorCode":"card_inactive","errorMessage":"The card is not active."}"#,
        );
        assert_eq!(e.code(), Some("card_inactive"));
        let e = declined(StatusCode::NOT_FOUND, br#"{"error":{"code":"not_found","message":"No order 7."}}"#);
        assert_eq!(e, ClientError::Declined { status: 404, code: "not_found".into(), message: "No order 7.".into() });
        let e = declined(StatusCode::BAD_GATEWAY, b"upstream down");
        assert_eq!(e.code(), Some("http_502"));
        assert!(declined(StatusCode::REQUEST_TIMEOUT, b"").outcome_unknown());
    }

    #[test]
    fn only_http_urls_are_taken() {
        assert!(Client::new("ftp://x", "t").is_err());
        assert_eq!(Client::new("http://127.0.0.1:1/", "t").unwrap().base_url(), "http://127.0.0.1:1");
    }
}
