//! Retail orders interrupted by SIGKILL of a real `till serve`: after the restart every order is in
//! a well-defined state, a retry with the same Idempotency-Key finds what the first attempt did,
//! and the order can still be confirmed or invalidated; the ledger's invariants hold.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod retail_util;

use std::time::Duration;

use common::TestServer;
use retail_util::*;
use serde_json::{Value, json};
use till::engine::{Engine, OpenOptions};

fn order_for(receipt: usize) -> Value {
    let mut body = seed_order();
    body["receipt_id"] = json!(format!("R-crash-{receipt}"));
    body["face_value"]["amount"] = json!("25.00");
    body
}

#[tokio::test]
async fn acknowledged_steps_survive_a_sigkill() {
    let mut server = TestServer::start();
    let created = create(&server, &seed_order()).await;
    let id = created["id"].as_str().unwrap().to_string();
    server.restart(); // SIGKILL, then start again on the same data
    let (status, got) = get(&server, &format!("/v1/retail_orders/{id}")).await;
    assert_eq!((status, &got["state"]), (200, &json!("created")));
    assert_eq!(available(&server, "EUR").await, "4905.00", "the hold survived");

    let confirmed = confirm(&server, &id).await;
    server.restart();
    let (_, got) = get(&server, &format!("/v1/retail_orders/{id}")).await;
    assert_eq!(got["state"], "confirmed");
    assert_eq!(got["receipt_printing"]["lines"], confirmed["receipt_printing"]["lines"], "the same code after restart");
    let (status, inv) = invalidate(&server, &id).await;
    assert_eq!((status, &inv["state"]), (200, &json!("invalidated")));
    assert_eq!(available(&server, "EUR").await, "5000.00");
}

#[tokio::test]
async fn orders_interrupted_mid_request_can_be_resolved() {
    let mut server = TestServer::start();
    let n = 8;
    let keys: Vec<String> = (0..n).map(|_| key()).collect();

    // Creates in flight when the server is killed.
    let mut tasks = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        let (url, token, k) = (server.url("/v1/retail_orders"), server.token().to_string(), k.clone());
        tasks.push(tokio::spawn(async move {
            let _ = reqwest::Client::new()
                .post(url)
                .bearer_auth(token)
                .header("Idempotency-Key", k)
                .json(&order_for(i))
                .timeout(Duration::from_secs(5))
                .send()
                .await;
        }));
    }
    tokio::time::sleep(Duration::from_millis(15)).await;
    server.kill9();
    for t in tasks {
        let _ = t.await;
    }
    server.restart();

    // Retrying each create with its key gives exactly one order per key, whatever the first try did.
    let mut ids = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        let (status, order) = post(&server, "/v1/retail_orders", k, &order_for(i)).await;
        assert_eq!(status, 201, "{order}");
        assert_eq!(order["state"], "created");
        ids.push(order["id"].as_str().unwrap().to_string());
    }
    let held = 8 * 2375; // 25.00 less 5 %
    assert_eq!(available(&server, "EUR").await, format!("{}.00", (500_000 - held) / 100));

    // Confirms in flight when the server is killed: afterwards each order is created or confirmed.
    let confirm_keys: Vec<String> = (0..n).map(|_| key()).collect();
    let mut tasks = Vec::new();
    for (id, k) in ids.iter().zip(&confirm_keys) {
        let (url, token, k) =
            (server.url(&format!("/v1/retail_orders/{id}/actions/confirm")), server.token().to_string(), k.clone());
        tasks.push(tokio::spawn(async move {
            let _ = reqwest::Client::new()
                .post(url)
                .bearer_auth(token)
                .header("Idempotency-Key", k)
                .json(&json!({"payment_method": "cash"}))
                .timeout(Duration::from_secs(5))
                .send()
                .await;
        }));
    }
    tokio::time::sleep(Duration::from_millis(15)).await;
    server.kill9();
    for t in tasks {
        let _ = t.await;
    }
    server.restart();
    for id in &ids {
        let (_, o) = get(&server, &format!("/v1/retail_orders/{id}")).await;
        assert!(o["state"] == "created" || o["state"] == "confirmed", "{o}");
    }

    // Resolve them: half are confirmed (retrying with the same key), half invalidated when in doubt.
    for (i, (id, k)) in ids.iter().zip(&confirm_keys).enumerate() {
        if i % 2 == 0 {
            let path = format!("/v1/retail_orders/{id}/actions/confirm");
            let (status, o) = post(&server, &path, k, &json!({"payment_method": "cash"})).await;
            assert_eq!((status, &o["state"]), (200, &json!("confirmed")), "{o}");
            assert!(o["receipt_printing"]["lines"].as_array().is_some_and(|l| !l.is_empty()));
        } else {
            let (status, o) = invalidate(&server, id).await;
            assert_eq!((status, &o["state"]), (200, &json!("invalidated")), "{o}");
        }
    }
    assert_eq!(available(&server, "EUR").await, format!("{}.00", (500_000 - 4 * 2375) / 100));
    let (_, s) = get(&server, "/v1/settlements").await;
    assert_eq!(s["totals"][0]["net_payable"]["amount"], "95.00", "{s}");

    server.terminate();
    let engine = Engine::open(server.data.path(), OpenOptions { demo: false }).unwrap();
    let report = engine.ledger().verify().unwrap();
    assert!(report.violations.is_empty(), "{:?}", report.violations);
}
