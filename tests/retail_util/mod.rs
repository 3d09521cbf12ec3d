//! Helpers shared by the `retail_*` tests: raw `/v1` calls with an Idempotency-Key, the seed's own
//! example request, and config tweaks before a server starts.
#![allow(dead_code)]

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::TestServer;

/// The seed's example order (retail-orders-api.txt, "Order Creation"), byte for byte in content.
pub fn seed_order() -> Value {
    json!({
        "product_code": "4001232232332",
        "store_id": "A1234",
        "terminal_id": "T01",
        "receipt_id": "R1234567890",
        "country": "DE",
        "face_value": {"currency": "EUR", "amount": "100.0"},
        "receipt_printing": {"characters_per_line": 40, "locale": "de-DE"}
    })
}

/// The seed's example confirmation.
pub fn seed_confirm() -> Value {
    json!({"payment_method": "cash", "receipt_value": {"currency": "EUR", "amount": "100.0"}})
}

/// A fresh idempotency key.
pub fn key() -> String {
    format!("test-{:032x}", rand::random::<u128>())
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(20)).build().expect("reqwest")
}

async fn read(resp: reqwest::Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("non-JSON reply {status} {text:?}: {e}"));
    (status, json)
}

/// POST with the server's token and an Idempotency-Key.
pub async fn post(server: &TestServer, path: &str, key: &str, body: &Value) -> (u16, Value) {
    post_as(server, server.token(), path, key, body).await
}

/// POST with another token.
pub async fn post_as(server: &TestServer, token: &str, path: &str, key: &str, body: &Value) -> (u16, Value) {
    let resp = client()
        .post(server.url(path))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .expect("request");
    read(resp).await
}

/// GET with the server's token.
pub async fn get(server: &TestServer, path: &str) -> (u16, Value) {
    let resp = client().get(server.url(path)).bearer_auth(server.token()).send().await.expect("request");
    read(resp).await
}

/// Creates an order (fresh key) and asserts 201; returns the order.
pub async fn create(server: &TestServer, body: &Value) -> Value {
    let (status, order) = post(server, "/v1/retail_orders", &key(), body).await;
    assert_eq!(status, 201, "create: {order}");
    order
}

/// Confirms an order (fresh key) and asserts 200; returns the order.
pub async fn confirm(server: &TestServer, id: &str) -> Value {
    let (status, order) = post(server, &format!("/v1/retail_orders/{id}/actions/confirm"), &key(), &json!({})).await;
    assert_eq!(status, 200, "confirm: {order}");
    order
}

/// Invalidates an order (fresh key); returns status and body.
pub async fn invalidate(server: &TestServer, id: &str) -> (u16, Value) {
    post(server, &format!("/v1/retail_orders/{id}/actions/invalidate"), &key(), &json!({})).await
}

/// The available prepaid balance in a currency, as the decimal string the API shows.
pub async fn available(server: &TestServer, currency: &str) -> String {
    let (status, body) = get(server, "/v1/balances").await;
    assert_eq!(status, 200, "{body}");
    body["data"]
        .as_array()
        .and_then(|a| a.iter().find(|b| b["currency"] == currency))
        .map(|b| b["available"]["amount"].as_str().unwrap_or_default().to_string())
        .unwrap_or_else(|| panic!("no {currency} balance in {body}"))
}

/// Replaces the `[retail]` section of the data directory's till.toml (before the server starts).
pub fn set_retail_config(dir: &Path, section: &str) {
    let path = dir.join("till.toml");
    let text = std::fs::read_to_string(&path).expect("till.toml");
    let head = text.split("[retail]").next().unwrap_or_default().to_string();
    std::fs::write(&path, format!("{head}[retail]\n{section}\n")).expect("write till.toml");
}

/// Polls `f` until it returns `Some`, or panics after `within`.
pub async fn eventually<T, F, Fut>(within: Duration, what: &str, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + within;
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
