//! Reservations as ledger holds, over a real socket: 20 concurrent reserves of one transaction
//! (exactly one wins), callbacks of the status changes, and a SIGKILL between reserve and confirm
//! (the hold survives and can be confirmed or revoked). `till verify` after each. A reservation
//! that runs out is in `spots_expiry.rs`, on the engine's clock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod spots_util;

use std::time::Duration;

use serde_json::{Value, json};
use spots_util::Spots;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn transaction(s: &Spots, body: Value) -> String {
    let (st, t) = s.call(&s.merchant, "POST", "/rest/v1/transaction", Some(&body)).await;
    assert_eq!(st, 200, "{t}");
    t["transaction_key"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_reserves_of_one_transaction_exactly_one_wins() {
    let balances = vec!["10.00"; 20];
    let s = std::sync::Arc::new(Spots::start(&balances));
    let key = transaction(&s, json!({"payments": [{"description": "lunch", "price": 500}]})).await;
    let mut tasks = Vec::new();
    for i in 0..20 {
        let (s, key) = (s.clone(), key.clone());
        tasks.push(tokio::spawn(async move {
            let who = s.customers[i].clone();
            s.call(&who, "PUT", &format!("/rest/v1/transaction/{key}/reserve"), None).await.0
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 19, "{statuses:?}");
    let mut reserved = 0;
    for c in &s.customers {
        let (at, r) = s.balance(c).await;
        assert_eq!(at + r, 1000);
        reserved += r;
    }
    assert_eq!(reserved, 500);
    let (_, t) = s.call(&s.merchant, "GET", &format!("/rest/v1/transaction/{key}"), None).await;
    assert_eq!(t["status"], "reserved");
    s.verify();
}

/// A one-shot HTTP receiver: every POST body it gets, answered 200.
async fn receiver() -> (String, tokio::sync::mpsc::UnboundedReceiver<Value>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else { return };
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let Ok(n) = sock.read(&mut chunk).await else { return };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).to_string();
                    if let Some((head, body)) = text.split_once("\r\n\r\n") {
                        let len = head
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string())
                            })
                            .and_then(|v| v.parse::<usize>().ok())
                            .unwrap_or(0);
                        if body.len() >= len {
                            let _ = tx.send(serde_json::from_str(&body[..len]).unwrap_or(Value::Null));
                            let _ = sock
                                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                                .await;
                            return;
                        }
                    }
                }
            });
        }
    });
    (url, rx)
}

#[tokio::test]
async fn status_changes_reach_the_callback_uri_through_the_outbox() {
    // The receiver is on loopback, which the outbox's address guard refuses unless allowed.
    let s = Spots::start_with_toml(&["20.00"], "", "[outbox]\nallow = [\"127.0.0.1\"]");
    let ann = &s.customers[0];
    let (url, mut hooks) = receiver().await;
    let key =
        transaction(&s, json!({"payments": [{"description": "dinner", "price": 1500}], "callback_uri": url})).await;
    let (st, t) = s.call(ann, "PUT", &format!("/rest/v1/transaction/{key}/reserve"), None).await;
    assert_eq!(st, 200, "{t}");
    let (st, t) = s.call(&s.merchant, "PUT", &format!("/rest/v1/transaction/{key}/confirm"), None).await;
    assert_eq!((st, t["status"].as_str()), (200, Some("confirmed")), "{t}");
    // The callbacks: reserved, then confirmed, each naming the transaction.
    let mut events = Vec::new();
    while events.len() < 2 {
        let hook = tokio::time::timeout(Duration::from_secs(60), hooks.recv()).await.expect("callback").expect("open");
        assert_eq!(hook["object"]["transaction_key"], key.as_str());
        events.push(hook["event"].as_str().unwrap().to_string());
    }
    assert_eq!(events, ["reserved", "confirmed"]);
    // A loopback callback_uri without that allowance is refused when the transaction is made.
    let plain = Spots::start(&[]);
    let (st, e) = plain
        .call(
            &plain.merchant,
            "POST",
            "/rest/v1/transaction",
            Some(&json!({"payments": [{"description": "x", "price": 1}], "callback_uri": "http://127.0.0.1:9/x"})),
        )
        .await;
    assert_eq!((st, e["error"].as_str()), (400, Some("invalid_parameters")), "{e}");
    s.verify();
}

#[tokio::test]
async fn a_sigkill_between_reserve_and_confirm_keeps_the_hold() {
    let mut s = Spots::start(&["30.00"]);
    let ann = s.customers[0].clone();
    let spot = s.check_in(&ann, "TABLE6").await;
    let first = s.order(spot, 1000, "main").await;
    let second = s.order(spot, 400, "dessert").await;
    for o in [&first, &second] {
        let (st, _) = s
            .call(
                &ann,
                "PUT",
                &format!("/rest/v1/transaction/{}/reserve", o["transaction_key"].as_str().unwrap()),
                None,
            )
            .await;
        assert_eq!(st, 200);
    }
    s.server.kill9();
    s.server.restart();
    // Still held after the crash.
    assert_eq!(s.balance(&ann).await, (1600, 1400));
    let (_, o) = s.call(&s.merchant, "GET", &format!("/rest/v1/order/{}", first["id"]), None).await;
    assert_eq!(o["status"], "reserved");
    // One is confirmed, the other revoked.
    let (st, t) = s
        .call(
            &s.merchant,
            "PUT",
            &format!("/rest/v1/transaction/{}/confirm", first["transaction_key"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!((st, t["status"].as_str()), (200, Some("confirmed")));
    let (st, t) = s
        .call(
            &s.merchant,
            "DELETE",
            &format!("/rest/v1/transaction/{}", second["transaction_key"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!((st, t["status"].as_str()), (200, Some("revoked")));
    assert_eq!(s.balance(&ann).await, (2000, 0));
    let (st, spot) = s.call(&s.merchant, "PUT", &format!("/rest/v1/spot/{spot}/close"), None).await;
    assert_eq!((st, spot["status"].as_str()), (200, Some("closed")));
    s.verify();
}
