//! Shared harness for the `/instore` tests: a real `till serve` with tenants made by
//! `till extension create`, a client that signs requests the way the seed describes (HMAC-SHA256
//! with the tenant's key: over the raw body, over `JSON.stringify(payload)` of an envelope, over
//! `JSON.stringify` of the query for a GET), and a local callback receiver.
#![allow(dead_code)]

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::common::{DataDir, TestServer};

/// Lowercase hex HMAC-SHA256, computed independently of the crate.
pub fn hmac_hex(key: &str, bytes: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("hmac key");
    mac.update(bytes);
    hex::encode(mac.finalize().into_bytes())
}

/// A tenant made with `till extension create`.
#[derive(Debug, Clone)]
pub struct Tenant {
    pub id: String,
    pub key: String,
}

pub fn create_tenant(dir: &DataDir, id: &str, extra: &[&str]) -> Tenant {
    let mut args = vec!["extension", "create", "--tenant", id];
    args.extend_from_slice(extra);
    let out = dir.till(&args);
    let v: Value = serde_json::from_str(out.trim()).expect("one JSON line");
    assert_eq!(v["tenant_id"], id);
    let key = v["key"].as_str().expect("key").to_string();
    assert_eq!(key.len(), 64);
    Tenant { id: id.into(), key }
}

/// A server with one tenant `t1` (and the config lines in `toml` appended to till.toml, after
/// `[outbox] allow = ["127.0.0.1"]`).
pub struct Instore {
    pub server: TestServer,
    pub tenant: Tenant,
}

pub fn start(toml: &str) -> Instore {
    let dir = DataDir::new();
    // The outbox's address guard refuses loopback unless allowed: the test receivers live there.
    let path = dir.path().join("till.toml");
    let mut text = std::fs::read_to_string(&path).expect("till.toml");
    text.push_str("\n[outbox]\nallow = [\"127.0.0.1\"]\n");
    text.push_str(toml);
    std::fs::write(&path, text).expect("write till.toml");
    let tenant = create_tenant(&dir, "t1", &[]);
    Instore { server: dir.serve(), tenant }
}

/// A reply: status, headers, JSON body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Instore {
    pub fn http(&self) -> reqwest::Client {
        reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("client")
    }

    /// POSTs `body` (as bytes) with the headers given.
    pub async fn raw(&self, path: &str, body: &[u8], headers: &[(&str, String)]) -> Reply {
        let mut req = self.http().post(self.server.url(path)).body(body.to_vec());
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        into_reply(req.send().await.expect("request")).await
    }

    /// A plain POST signed over its raw bytes with the tenant's key.
    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        let bytes = serde_json::to_vec(body).expect("json");
        self.post_bytes(path, &bytes).await
    }

    pub async fn post_bytes(&self, path: &str, bytes: &[u8]) -> Reply {
        let sig = hmac_hex(&self.tenant.key, bytes);
        self.raw(path, bytes, &[("X-Signature", sig), ("X-Tenant-Id", self.tenant.id.clone())]).await
    }

    /// A signed GET: the signature covers `JSON.stringify` of the query in its order.
    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> Reply {
        let sig = hmac_hex(&self.tenant.key, stringify(query).as_bytes());
        self.get_signed(path, query, &sig).await
    }

    pub async fn get_signed(&self, path: &str, query: &[(&str, &str)], sig: &str) -> Reply {
        let req = self
            .http()
            .get(self.server.url(path))
            .query(query)
            .header("X-Signature", sig)
            .header("X-Tenant-Id", &self.tenant.id);
        into_reply(req.send().await.expect("request")).await
    }

    /// A stored-value envelope: `payload` is written exactly as given (its text), and signed as is.
    pub async fn envelope(&self, path: &str, payload_text: &str, request_id: &str, callback: &str) -> Reply {
        let sig = hmac_hex(&self.tenant.key, payload_text.as_bytes());
        let body = envelope_text(payload_text, &sig, &self.tenant.id, request_id, callback);
        self.raw(path, body.as_bytes(), &[("X-Signature", sig), ("x-correlation-id", format!("corr-{request_id}"))])
            .await
    }

    /// `/gift` with the server's bearer token.
    pub async fn gift(&self, path: &str, body: Value) -> (u16, Value) {
        self.server.post(path, &crate::common::gift_body(body)).await
    }

    /// `till verify` on the data directory.
    pub fn verify(&self) {
        let out = self.server.data.till_output(&["verify"]);
        assert!(out.status.success(), "till verify failed: {}", String::from_utf8_lossy(&out.stdout));
    }
}

pub fn envelope_text(payload_text: &str, sig: &str, tenant: &str, request_id: &str, callback: &str) -> String {
    format!(
        "{{\"payload_url\":\"http://till/instore\",\"payload\":{payload_text},\"verification_signature\":\"{sig}\",\
         \"tenant_id\":\"{tenant}\",\"requestId\":\"{request_id}\",\"callbackUrl\":\"{callback}\",\
         \"statusUrl\":\"{callback}/status\"}}"
    )
}

/// `JSON.stringify({k: v, …})` in order.
pub fn stringify(query: &[(&str, &str)]) -> String {
    let parts: Vec<String> = query.iter().map(|(k, v)| format!("{}:{}", json!(k), json!(v))).collect();
    format!("{{{}}}", parts.join(","))
}

async fn into_reply(resp: reqwest::Response) -> Reply {
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("non-JSON reply {status} {text:?}: {e}"));
    Reply { status, headers, body }
}

/// One POST the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub signature: String,
    pub correlation_id: String,
    pub callback_id: String,
    pub body: Vec<u8>,
    pub accepted: bool,
}

impl Received {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("callback JSON")
    }
}

/// A local callback receiver: answers 500 to the first `fail_first` posts, 503 while `down`.
#[derive(Clone, Default)]
pub struct Receiver {
    pub got: Arc<Mutex<Vec<Received>>>,
    pub fail_first: Arc<AtomicUsize>,
    pub down: Arc<AtomicBool>,
    notify: Arc<tokio::sync::Notify>,
}

async fn receive(State(r): State<Receiver>, uri: axum::http::Uri, headers: HeaderMap, body: Bytes) -> StatusCode {
    let h = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let failing = r.fail_first.load(Ordering::SeqCst) > 0;
    if failing {
        r.fail_first.fetch_sub(1, Ordering::SeqCst);
    }
    let accepted = !failing && !r.down.load(Ordering::SeqCst);
    r.got.lock().expect("lock").push(Received {
        path: uri.path().to_string(),
        signature: h("x-signature"),
        correlation_id: h("x-correlation-id"),
        callback_id: h("x-till-callback-id"),
        body: body.to_vec(),
        accepted,
    });
    r.notify.notify_waiters();
    if accepted {
        StatusCode::OK
    } else if failing {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    }
}

impl Receiver {
    /// Serves on a free loopback port; returns its base URL.
    pub async fn start(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let app = axum::Router::new().fallback(axum::routing::post(receive)).with_state(self.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        format!("http://{addr}/cb")
    }

    pub fn received(&self) -> Vec<Received> {
        self.got.lock().expect("lock").clone()
    }

    /// Waits (at most 60 s, then fails) until `pred` holds for what was received.
    pub async fn wait_for(&self, what: &str, pred: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let notified = self.notify.notified();
            let got = self.received();
            if pred(&got) {
                return got;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!("timed out waiting for {what}; received {:?}", self.received());
            }
        }
    }

    /// The accepted result callbacks for `request_id`.
    pub fn results_for(&self, request_id: &str) -> Vec<Value> {
        self.received()
            .iter()
            .filter(|r| r.accepted && r.path == "/cb")
            .map(Received::json)
            .filter(|v| v["requestId"] == request_id)
            .collect()
    }

    /// Waits for the first accepted result of `request_id`.
    pub async fn result(&self, request_id: &str) -> Value {
        let rid = request_id.to_string();
        self.wait_for(&format!("the result of {rid}"), |got| {
            got.iter().any(|r| r.accepted && r.path == "/cb" && r.json()["requestId"] == rid.as_str())
        })
        .await;
        self.results_for(request_id).remove(0)
    }
}
