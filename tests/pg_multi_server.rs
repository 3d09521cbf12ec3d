//! Three `till serve` processes on one PostgreSQL database, as a chain runs them behind a load
//! balancer: concurrent redeems of one card spread over all three spend exactly its balance;
//! one Idempotency-Key sent to different servers makes one order; a SIGKILL of one server under
//! load loses nothing the others or it acknowledged, and `till verify` passes afterwards.
//!
//! Needs `TILL_DATABASE` (a PostgreSQL server; `.ci/run` starts one); skips visibly without it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod retail_util;

use std::sync::Arc;

use common::{DataDir, TestServer, card, gift_body, pg_util};
use serde_json::{Value, json};

/// Three servers on one fresh database. The first seeds the demo data; all share its token
/// (tokens live in the database), as one integration would behind a load balancer.
fn three_servers(test: &str) -> Option<(Vec<Arc<TestServer>>, String, String)> {
    let url = pg_util::scratch(test)?;
    let first = DataDir::on(Some(url.clone()));
    let token = first.token.clone();
    let n = first.generate_cards(1).remove(0);
    let mut servers = vec![Arc::new(first.serve())];
    for _ in 0..2 {
        servers.push(Arc::new(DataDir::on(Some(url.clone())).serve()));
    }
    Some((servers, token, n))
}

async fn post(server: &TestServer, token: &str, path: &str, body: &Value) -> (u16, Value) {
    let resp = server.http().post(server.url(path)).bearer_auth(token).json(body).send().await.expect("request");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or_else(|e| panic!("non-JSON reply {status} {text:?}: {e}")))
}

#[tokio::test]
async fn sixty_four_redeems_of_one_card_across_three_servers_spend_exactly_its_balance() {
    let Some((servers, token, n)) = three_servers("pg_three_redeem") else { return };
    let (status, sold) =
        post(&servers[0], &token, "/gift/sell.json", &gift_body(json!({"cardInfo": card(&n), "amount": "20.00"})))
            .await;
    assert_eq!(status, 200, "{sold}");

    // 64 redeems of 1.00 on a 20.00 card, round-robin over the servers, all at once.
    let mut tasks = Vec::new();
    for i in 0..64 {
        let server = Arc::clone(&servers[i % 3]);
        let (token, n) = (token.clone(), n.clone());
        tasks.push(tokio::spawn(async move {
            let body = gift_body(
                json!({"cardInfo": card(&n), "amount": "1.00", "externalTransactionId": format!("race-{i}")}),
            );
            post(&server, &token, "/gift/redeem.json", &body).await
        }));
    }
    let mut balances = Vec::new();
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            200 => balances.push(body["currentBalance"].as_str().unwrap().to_string()),
            422 => assert_eq!(body["errorCode"], "insufficient_funds", "{body}"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    balances.sort();
    let mut expected: Vec<String> = (0..20).map(|i| format!("{i}.00")).collect();
    expected.sort();
    assert_eq!(balances, expected, "exactly twenty redeems fit, each saw its own balance");
    for s in &servers {
        let (_, b) = post(s, &token, "/gift/balance.json", &gift_body(json!({"cardInfo": card(&n)}))).await;
        assert_eq!(b["currentBalance"], "0.00", "every server sees the spent card");
    }
    let out = servers[1].data.till_output(&["verify"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}

#[tokio::test]
async fn one_idempotency_key_sent_to_three_servers_makes_one_order() {
    let Some((servers, token, _)) = three_servers("pg_three_idem") else { return };
    let k = retail_util::key();
    let mut tasks = Vec::new();
    for i in 0..12 {
        let server = Arc::clone(&servers[i % 3]);
        let (token, k) = (token.clone(), k.clone());
        tasks.push(tokio::spawn(async move {
            retail_util::post_as(&server, &token, "/v1/retail_orders", &k, &retail_util::seed_order()).await
        }));
    }
    let mut created = Vec::new();
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            201 => created.push(body),
            // A request that finds the first still in flight may be told so; it never makes an order.
            409 => {}
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert!(!created.is_empty(), "at least one request made the order");
    assert!(created.iter().all(|o| o["id"] == created[0]["id"]), "one order id for every reply: {created:?}");
    // One hold of 100.00 on the 5,000.00 prepaid balance, whichever server is asked.
    for s in &servers {
        assert_eq!(retail_util::available(s, "EUR").await, "4905.00", "one hold only");
    }
}

#[tokio::test]
async fn a_sigkilled_server_loses_nothing_it_or_the_others_acknowledged() {
    let Some((servers, token, n)) = three_servers("pg_three_kill") else { return };
    let (status, _) =
        post(&servers[0], &token, "/gift/sell.json", &gift_body(json!({"cardInfo": card(&n), "amount": "500.00"})))
            .await;
    assert_eq!(status, 200);

    // 240 redeems of 0.01 from 24 clients over the three servers; server 2 is killed mid-way.
    let total = 240;
    let mut tasks = Vec::new();
    for i in 0..total {
        let server = Arc::clone(&servers[i % 3]);
        let (token, n) = (token.clone(), n.clone());
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis((i as u64 / 3) * 4)).await;
            let body = gift_body(
                json!({"cardInfo": card(&n), "amount": "0.01", "externalTransactionId": format!("load-{i}")}),
            );
            let resp = server.http().post(server.url("/gift/redeem.json")).bearer_auth(&token).json(&body).send().await;
            match resp {
                Ok(r) => (i, Some(r.status().as_u16())),
                Err(_) => (i, None),
            }
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    let pid = servers[2].pid().expect("server 2 runs");
    // SIGKILL through the OS: the Arc is shared with the load tasks.
    let killed = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status().unwrap();
    assert!(killed.success());

    let mut acked = Vec::new();
    let mut unknown = Vec::new();
    for t in tasks {
        let (i, status) = t.await.unwrap();
        match status {
            Some(200) => acked.push(i),
            Some(other) => panic!("redeem {i}: unexpected status {other}"),
            None => unknown.push(i),
        }
    }
    assert!(!unknown.is_empty(), "the kill happened under load (some requests to server 2 got no answer)");
    assert!(acked.len() > total / 2, "the other servers went on: {} of {total} acknowledged", acked.len());

    // Every acknowledged redeem is in the database: replayed on a live server, it answers 200
    // and moves no money. Every unanswered one is retried there too (what a client does).
    for &i in acked.iter().chain(unknown.iter()) {
        let body =
            gift_body(json!({"cardInfo": card(&n), "amount": "0.01", "externalTransactionId": format!("load-{i}")}));
        let (status, reply) = post(&servers[i % 2], &token, "/gift/redeem.json", &body).await;
        assert_eq!(status, 200, "redeem {i}: {reply}");
    }
    let (_, b) = post(&servers[0], &token, "/gift/balance.json", &gift_body(json!({"cardInfo": card(&n)}))).await;
    assert_eq!(b["currentBalance"], "497.60", "each of the 240 redeems applied exactly once");
    let out = servers[0].data.till_output(&["verify"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}

/// A webhook receiver that takes its time (so overlapping deliveries would show) and records
/// every attempt.
async fn slow_receiver(seen: Arc<std::sync::Mutex<Vec<String>>>) -> String {
    use axum::http::{HeaderMap, StatusCode};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap| {
            let seen = Arc::clone(&seen);
            async move {
                tokio::time::sleep(std::time::Duration::from_millis(40)).await;
                let id = headers.get("till-webhook-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
                seen.lock().unwrap().push(id);
                StatusCode::OK
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/hook")
}

#[tokio::test]
async fn three_servers_deliver_each_webhook_event_once() {
    let Some(url) = pg_util::scratch("pg_three_outbox") else { return };
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let hook = slow_receiver(Arc::clone(&seen)).await;
    // Fast sweeps on every server, so all three compete for every event; the receiver on
    // 127.0.0.1 is let through the outbox's address guard.
    let fast = "webhook_retry_base_ms = 100\nwebhook_retry_max_ms = 400\nsweep_interval_ms = 50\n\n[outbox]\nallow = [\"127.0.0.1\"]";
    let mut dirs = vec![DataDir::on(Some(url.clone()))];
    dirs.push(DataDir::on(Some(url.clone())));
    dirs.push(DataDir::on(Some(url.clone())));
    let token = dirs[0].token.clone();
    for d in &dirs {
        retail_util::set_retail_config(d.path(), fast);
    }
    let servers: Vec<Arc<TestServer>> = dirs.into_iter().map(|d| Arc::new(d.serve())).collect();

    let (status, sub) = retail_util::post_as(
        &servers[0],
        &token,
        "/v1/webhooks",
        &retail_util::key(),
        &json!({"url": hook, "events": ["retail_order.created"]}),
    )
    .await;
    assert_eq!(status, 201, "{sub}");
    // 30 orders, created through all three servers at once: 30 events.
    let orders = 30;
    let mut tasks = Vec::new();
    for i in 0..orders {
        let server = Arc::clone(&servers[i % 3]);
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            let mut body = retail_util::seed_order();
            body["receipt_id"] = json!(format!("R{i:010}"));
            retail_util::post_as(&server, &token, "/v1/retail_orders", &retail_util::key(), &body).await
        }));
    }
    for t in tasks {
        let (status, body) = t.await.unwrap();
        assert_eq!(status, 201, "{body}");
    }
    retail_util::eventually(std::time::Duration::from_secs(60), "every event delivered", || async {
        let ids: std::collections::HashSet<String> = seen.lock().unwrap().iter().cloned().collect();
        (ids.len() >= orders).then_some(())
    })
    .await;
    // Long enough for a second server's sweep to pick an event up again if the leases did not hold.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let seen = seen.lock().unwrap().clone();
    let mut by_id: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for id in &seen {
        *by_id.entry(id.as_str()).or_default() += 1;
    }
    assert_eq!(by_id.len(), orders, "one event per order: {by_id:?}");
    for (id, deliveries) in &by_id {
        assert!(id.starts_with("evt_"), "{id}");
        // The receiver took every attempt: one delivery each, from one server.
        assert_eq!(*deliveries, 1, "event {id} was delivered {deliveries} times");
    }
    let (_, s) = retail_util::get(&servers[1], &format!("/v1/webhooks/{}", sub["id"].as_str().unwrap())).await;
    assert_eq!((&s["pending_deliveries"], &s["failed_deliveries"]), (&json!(0), &json!(0)), "{s}");
}
