//! Retail orders interrupted by SIGKILL of a real `till serve`: after the restart every order is in
//! a well-defined state, a retry with the same Idempotency-Key finds what the first attempt did,
//! and the order can still be confirmed or invalidated; the ledger's invariants hold.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod retail_util;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use std::time::Duration;
use tokio::sync::watch;

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

/// What one client loop saw: the keys (and bodies) it sent with the reply it got, if any.
#[derive(Default)]
struct Sent {
    acked: Vec<(String, Value)>,
    unanswered: Vec<(String, Value)>,
}

/// POSTs `next()` bodies (each with a fresh key) until `stop`, recording what came back. A
/// request without a reply ends the loop: the server is gone.
async fn post_loop(
    url: impl Fn(&Value) -> String,
    token: String,
    mut next: impl FnMut() -> Option<Value>,
    stop: Arc<AtomicBool>,
    acked: Arc<watch::Sender<usize>>,
) -> Sent {
    let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
    let mut sent = Sent::default();
    while !stop.load(Ordering::SeqCst) {
        let Some(body) = next() else { break };
        let k = key();
        let reply = http.post(url(&body)).bearer_auth(&token).header("Idempotency-Key", &k).json(&body).send().await;
        match reply {
            Ok(r) if r.status().is_success() => {
                sent.acked.push((k, body));
                acked.send_modify(|n| *n += 1);
            }
            Ok(r) => panic!("{} for {body}", r.status()),
            Err(_) => {
                sent.unanswered.push((k, body));
                break;
            }
        }
    }
    sent
}

/// Waits (woken by each reply, no polling) until `n` replies are back; 60 s is far beyond a
/// correct server.
async fn until_acked(acked: &watch::Sender<usize>, n: usize) {
    let mut rx = acked.subscribe();
    let waited = tokio::time::timeout(Duration::from_secs(60), rx.wait_for(|got| *got >= n)).await;
    assert!(waited.is_ok(), "only {} replies in 60 s", *acked.borrow());
}

/// `minor` units as the API writes a EUR amount.
fn eur(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

/// Requests are killed mid-flight by progress, not after a fixed sleep: the kill comes once some
/// replies are back while every client loop still has one outstanding, and the test checks that
/// some requests really went unanswered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_interrupted_mid_request_can_be_resolved() {
    let mut server = TestServer::start();
    let loops = 4;

    // Creates in flight when the server is killed.
    let (stop, acked) = (Arc::new(AtomicBool::new(false)), Arc::new(watch::channel(0).0));
    let receipts = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..loops {
        let url = server.url("/v1/retail_orders");
        let receipts = receipts.clone();
        tasks.push(tokio::spawn(post_loop(
            move |_| url.clone(),
            server.token().to_string(),
            move || Some(order_for(receipts.fetch_add(1, Ordering::SeqCst))),
            stop.clone(),
            acked.clone(),
        )));
    }
    until_acked(&acked, 16).await;
    server.kill9();
    stop.store(true, Ordering::SeqCst);
    let mut creates = Sent::default();
    for t in tasks {
        let s = t.await.unwrap();
        creates.acked.extend(s.acked);
        creates.unanswered.extend(s.unanswered);
    }
    assert!(!creates.unanswered.is_empty(), "no create was in flight at the kill");
    server.restart();

    // Retrying each create with its key gives exactly one order per key, whatever the first try did.
    let mut ids = Vec::new();
    for (k, body) in creates.acked.iter().chain(&creates.unanswered) {
        let (status, order) = post(&server, "/v1/retail_orders", k, body).await;
        assert_eq!(status, 201, "{order}");
        assert_eq!(order["state"], "created");
        ids.push(order["id"].as_str().unwrap().to_string());
    }
    let n = ids.len() as i64;
    let held = n * 2375; // 25.00 less 5 %
    assert_eq!(available(&server, "EUR").await, eur(500_000 - held));

    // Confirms in flight when the server is killed: afterwards each order is created or confirmed.
    let (stop, acked) = (Arc::new(AtomicBool::new(false)), Arc::new(watch::channel(0).0));
    let queue = Arc::new(std::sync::Mutex::new(ids.clone()));
    let mut tasks = Vec::new();
    for _ in 0..loops {
        let base = server.base_url();
        let queue = queue.clone();
        tasks.push(tokio::spawn(post_loop(
            move |b: &Value| format!("{base}/v1/retail_orders/{}/actions/confirm", b["id"].as_str().unwrap()),
            server.token().to_string(),
            move || queue.lock().unwrap().pop().map(|id| json!({"id": id, "payment_method": "cash"})),
            stop.clone(),
            acked.clone(),
        )));
    }
    until_acked(&acked, 2).await;
    server.kill9();
    stop.store(true, Ordering::SeqCst);
    let mut confirms = Sent::default();
    for t in tasks {
        let s = t.await.unwrap();
        confirms.acked.extend(s.acked);
        confirms.unanswered.extend(s.unanswered);
    }
    assert!(!confirms.unanswered.is_empty(), "no confirm was in flight at the kill");
    server.restart();
    for (_, body) in &confirms.acked {
        let (_, o) = get(&server, &format!("/v1/retail_orders/{}", body["id"].as_str().unwrap())).await;
        assert_eq!(o["state"], "confirmed", "an acknowledged confirm survived: {o}");
    }
    for id in &ids {
        let (_, o) = get(&server, &format!("/v1/retail_orders/{id}")).await;
        assert!(o["state"] == "created" || o["state"] == "confirmed", "{o}");
    }

    // Resolve the confirms without a reply: half are confirmed (retrying with the same key), half
    // invalidated when in doubt. Orders never confirmed are invalidated.
    let mut kept = confirms.acked.len() as i64;
    for (i, (k, body)) in confirms.unanswered.iter().enumerate() {
        let id = body["id"].as_str().unwrap();
        if i % 2 == 0 {
            let path = format!("/v1/retail_orders/{id}/actions/confirm");
            let (status, o) = post(&server, &path, k, body).await;
            assert_eq!((status, &o["state"]), (200, &json!("confirmed")), "{o}");
            assert!(o["receipt_printing"]["lines"].as_array().is_some_and(|l| !l.is_empty()));
            kept += 1;
        } else {
            let (status, o) = invalidate(&server, id).await;
            assert_eq!((status, &o["state"]), (200, &json!("invalidated")), "{o}");
        }
    }
    let never_sent: Vec<String> = queue.lock().unwrap().clone();
    for id in &never_sent {
        let (status, o) = invalidate(&server, id).await;
        assert_eq!((status, &o["state"]), (200, &json!("invalidated")), "{o}");
    }
    assert_eq!(available(&server, "EUR").await, eur(500_000 - kept * 2375));
    let (_, s) = get(&server, "/v1/settlements").await;
    assert_eq!(s["totals"][0]["net_payable"]["amount"], eur(kept * 2375), "{s}");

    server.terminate();
    let engine = Engine::open(server.data.path(), OpenOptions { demo: false }).unwrap();
    let report = engine.ledger().verify().unwrap();
    assert!(report.violations.is_empty(), "{:?}", report.violations);
}
