//! Webhooks over real sockets: a local receiver (axum on 127.0.0.1) that fails the first attempts,
//! signatures checked independently, retries keeping the event id, the expiry event, and events
//! surviving a SIGKILL of the server.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod retail_util;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use common::DataDir;
use hmac::{Hmac, Mac};
use retail_util::*;
use serde_json::{Value, json};
use sha2::Sha256;

#[derive(Debug, Clone)]
struct Attempt {
    id: String,
    timestamp: String,
    signature: String,
    body: Vec<u8>,
    accepted: bool,
}

/// A receiver that answers 500 to the first `fail_first` attempts, then 503 while `down`, then 200.
#[derive(Clone, Default)]
struct Receiver {
    attempts: Arc<Mutex<Vec<Attempt>>>,
    fail_first: Arc<AtomicUsize>,
    down: Arc<std::sync::atomic::AtomicBool>,
}

async fn receive(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let h = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let failing = r.fail_first.load(Ordering::SeqCst) > 0;
    if failing {
        r.fail_first.fetch_sub(1, Ordering::SeqCst);
    }
    let down = r.down.load(Ordering::SeqCst);
    let accepted = !failing && !down;
    r.attempts.lock().unwrap().push(Attempt {
        id: h("till-webhook-id"),
        timestamp: h("till-webhook-timestamp"),
        signature: h("till-webhook-signature"),
        body: body.to_vec(),
        accepted,
    });
    if failing {
        StatusCode::INTERNAL_SERVER_ERROR
    } else if down {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    }
}

async fn start_receiver(r: Receiver) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().route("/hook", axum::routing::post(receive)).with_state(r);
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/hook")
}

/// Recomputes the signature the way a receiver would: HMAC-SHA256 over "<timestamp>.<body>".
fn signed_correctly(secret: &str, a: &Attempt) -> bool {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(a.timestamp.as_bytes());
    mac.update(b".");
    mac.update(&a.body);
    a.signature == format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

fn accepted_events(r: &Receiver) -> Vec<Value> {
    r.attempts
        .lock()
        .unwrap()
        .iter()
        .filter(|a| a.accepted)
        .map(|a| serde_json::from_slice::<Value>(&a.body).unwrap())
        .collect()
}

/// Fast retries, and the test receivers on 127.0.0.1 let through the outbox's address guard (which
/// refuses loopback by default).
const FAST_RETRIES: &str = "webhook_retry_base_ms = 100\nwebhook_retry_max_ms = 400\nsweep_interval_ms = 100\n\n[outbox]\nallow = [\"127.0.0.1\"]";

#[tokio::test]
async fn events_are_signed_and_retried_until_the_receiver_takes_them() {
    let receiver = Receiver::default();
    receiver.fail_first.store(3, Ordering::SeqCst);
    let url = start_receiver(receiver.clone()).await;
    let dir = DataDir::new();
    set_retail_config(dir.path(), FAST_RETRIES);
    let server = dir.serve();

    let (status, sub) = post(
        &server,
        "/v1/webhooks",
        &key(),
        &json!({"url": url, "events": ["retail_order.created", "retail_order.confirmed"]}),
    )
    .await;
    assert_eq!(status, 201, "{sub}");
    let secret = sub["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"));
    let (bad_status, bad) = post(&server, "/v1/webhooks", &key(), &json!({"url": "ftp://x", "events": ["*"]})).await;
    assert_eq!((bad_status, &bad["error"]["code"]), (400, &json!("invalid_url")));
    let (bad_status, bad) = post(&server, "/v1/webhooks", &key(), &json!({"url": url, "events": ["order.nope"]})).await;
    assert_eq!((bad_status, &bad["error"]["code"]), (400, &json!("invalid_events")));

    let order = create(&server, &seed_order()).await;
    let id = order["id"].as_str().unwrap().to_string();
    confirm(&server, &id).await;
    invalidate(&server, &id).await; // not subscribed: must not arrive

    let events = eventually(Duration::from_secs(15), "both events accepted", || async {
        let ev = accepted_events(&receiver);
        (ev.len() >= 2).then_some(ev)
    })
    .await;
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert!(types.contains(&"retail_order.created") && types.contains(&"retail_order.confirmed"), "{types:?}");
    for e in &events {
        assert_eq!(e["data"]["id"], json!(id), "{e}");
        assert!(e["id"].as_str().unwrap().starts_with("evt_"));
    }
    let confirmed = events.iter().find(|e| e["type"] == "retail_order.confirmed").unwrap();
    assert_eq!(confirmed["data"]["state"], "confirmed");
    assert!(confirmed["data"]["receipt_printing"].get("lines").is_none(), "no codes in events: {confirmed}");

    let attempts = receiver.attempts.lock().unwrap().clone();
    assert!(attempts.len() >= 5, "3 failures and 2 successes: {}", attempts.len());
    for a in &attempts {
        assert!(signed_correctly(&secret, a), "bad signature on {}", a.id);
        let body: Value = serde_json::from_slice(&a.body).unwrap();
        assert_eq!(body["id"], json!(a.id), "the header names the event in the body");
    }
    // Every failed attempt was retried later under the same event id.
    let accepted_ids: Vec<&str> = attempts.iter().filter(|a| a.accepted).map(|a| a.id.as_str()).collect();
    assert!(attempts.iter().filter(|a| !a.accepted).all(|a| accepted_ids.contains(&a.id.as_str())));
    // Nothing else arrives: the invalidation was not subscribed to. The invalidation committed
    // before we started waiting, so a delivery for it would be pending or delivered by now; once
    // the server holds nothing pending for this subscription, nothing more can come.
    let path = format!("/v1/webhooks/{}", sub["id"].as_str().unwrap());
    let s = eventually(Duration::from_secs(60), "no delivery left pending", || async {
        let (_, s) = get(&server, &path).await;
        (s["pending_deliveries"] == 0).then_some(s)
    })
    .await;
    assert_eq!(s["failed_deliveries"], 0, "{s}");
    let types: Vec<String> =
        accepted_events(&receiver).iter().map(|e| e["type"].as_str().unwrap_or_default().to_string()).collect();
    assert_eq!(types.len(), 2, "only the subscribed events: {types:?}");
    assert!(!types.iter().any(|t| t == "retail_order.invalidated"), "{types:?}");
    assert!(s.get("secret").is_none(), "the secret is shown only once: {s}");
}

#[tokio::test]
async fn pending_events_survive_a_sigkill_and_expiry_is_announced() {
    let receiver = Receiver::default();
    receiver.down.store(true, Ordering::SeqCst);
    let url = start_receiver(receiver.clone()).await;
    let dir = DataDir::new();
    set_retail_config(dir.path(), &format!("order_expiry_seconds = 1\n{FAST_RETRIES}"));
    let mut server = dir.serve();
    let (status, sub) = post(&server, "/v1/webhooks", &key(), &json!({"url": url, "events": ["*"]})).await;
    assert_eq!(status, 201);
    let secret = sub["secret"].as_str().unwrap().to_string();

    let order = create(&server, &seed_order()).await;
    let id = order["id"].as_str().unwrap().to_string();
    eventually(Duration::from_secs(10), "the order to expire", || async {
        let (_, o) = get(&server, &format!("/v1/retail_orders/{id}")).await;
        (o["state"] == "expired").then_some(())
    })
    .await;
    eventually(Duration::from_secs(10), "attempts against the down receiver", || async {
        (receiver.attempts.lock().unwrap().len() >= 2).then_some(())
    })
    .await;
    // The server knows the receiver has taken nothing: both events are still due, none given up.
    let (_, s) = get(&server, &format!("/v1/webhooks/{}", sub["id"].as_str().unwrap())).await;
    assert_eq!((&s["pending_deliveries"], &s["failed_deliveries"]), (&json!(2), &json!(0)), "{s}");

    server.kill9();
    // A catalogue change while the server is down is an event too.
    let file = server.data.path().join("p.json");
    std::fs::write(
        &file,
        r#"{"products": [{"code": "4006381333931", "name": "New Card", "brand": "B", "country": "DE",
            "currency": "EUR", "denominations": ["10.00"], "kind": "POSA"}]}"#,
    )
    .unwrap();
    server.till(&["products", "import", file.to_str().unwrap()]);
    receiver.down.store(false, Ordering::SeqCst);
    server.restart();
    let events = eventually(Duration::from_secs(15), "order and product events delivered after restart", || async {
        let ev = accepted_events(&receiver);
        (ev.len() >= 3).then_some(ev)
    })
    .await;
    let mut types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    types.sort();
    assert_eq!(types, ["product.created", "retail_order.created", "retail_order.expired"]);
    let product = events.iter().find(|e| e["type"] == "product.created").unwrap();
    assert_eq!(product["data"]["code"], "4006381333931");
    let attempts = receiver.attempts.lock().unwrap().clone();
    assert!(attempts.iter().all(|a| signed_correctly(&secret, a)));
    // Each event keeps its id across attempts and restarts, so the receiver can drop duplicates.
    let mut ids: Vec<&str> = attempts.iter().map(|a| a.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3, "{ids:?}");
}

/// Hangs until the test closes the semaphore (never, while the test still waits on the others).
async fn hang(State(release): State<Arc<tokio::sync::Semaphore>>) -> StatusCode {
    let _ = release.acquire().await;
    StatusCode::OK
}

/// A receiver that never answers must not hold up another's deliveries. The slow one hangs for as
/// long as the test runs and the till would wait on it for ten minutes, so if deliveries queued
/// behind it the fast receiver would get nothing: no wall-clock bound is needed to tell.
#[tokio::test]
async fn a_hanging_receiver_does_not_hold_up_the_others() {
    let release = Arc::new(tokio::sync::Semaphore::new(0));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let slow = format!("http://{}/hook", listener.local_addr().unwrap());
    let slow_app = axum::Router::new().route("/hook", axum::routing::post(hang)).with_state(release.clone());
    tokio::spawn(async move { axum::serve(listener, slow_app).await });
    let receiver = Receiver::default();
    let fast = start_receiver(receiver.clone()).await;
    let dir = DataDir::new();
    set_retail_config(dir.path(), &format!("webhook_timeout_ms = 600000\n{FAST_RETRIES}"));
    let server = dir.serve();
    for url in [&slow, &fast] {
        let (status, _) = post(&server, "/v1/webhooks", &key(), &json!({"url": url, "events": ["*"]})).await;
        assert_eq!(status, 201);
    }
    create(&server, &seed_order()).await;
    eventually(Duration::from_secs(60), "the fast receiver's event", || async {
        (!accepted_events(&receiver).is_empty()).then_some(())
    })
    .await;
    // Later events too: the slow receiver is still hanging on its first one, which must not
    // hold up the fast receiver's next deliveries.
    let order = create(&server, &seed_order_for_receipt("R-second")).await;
    confirm(&server, order["id"].as_str().unwrap()).await;
    eventually(Duration::from_secs(60), "the fast receiver's later events", || async {
        (accepted_events(&receiver).len() >= 3).then_some(())
    })
    .await;
    release.close();
}

/// The README: deliveries are retried until `webhook_max_attempts`, then kept as failed. A receiver
/// that always fails sees exactly that many attempts of the event, and the server then says it
/// gave up (pending 0, failed 1), so no later attempt can come.
#[tokio::test]
async fn a_delivery_is_given_up_after_webhook_max_attempts() {
    let receiver = Receiver::default();
    receiver.fail_first.store(usize::MAX, Ordering::SeqCst);
    let url = start_receiver(receiver.clone()).await;
    let dir = DataDir::new();
    set_retail_config(dir.path(), &format!("webhook_max_attempts = 3\n{FAST_RETRIES}"));
    let server = dir.serve();
    let (status, sub) =
        post(&server, "/v1/webhooks", &key(), &json!({"url": url, "events": ["retail_order.created"]})).await;
    assert_eq!(status, 201);
    create(&server, &seed_order()).await;
    let path = format!("/v1/webhooks/{}", sub["id"].as_str().unwrap());
    let s = eventually(Duration::from_secs(60), "the delivery to be given up", || async {
        let (_, s) = get(&server, &path).await;
        (s["failed_deliveries"] == 1).then_some(s)
    })
    .await;
    assert_eq!(s["pending_deliveries"], 0, "{s}");
    let attempts = receiver.attempts.lock().unwrap().clone();
    assert_eq!(attempts.len(), 3, "exactly webhook_max_attempts attempts");
    assert!(attempts.iter().all(|a| a.id == attempts[0].id), "one event, retried");
}

fn seed_order_for_receipt(receipt: &str) -> Value {
    let mut order = seed_order();
    order["receipt_id"] = json!(receipt);
    order
}
