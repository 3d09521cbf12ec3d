//! SIGKILL of a real `till serve` while clients redeem and reload. After a restart: every success
//! reply a client received is in the ledger (its replay answers the same transaction), requests
//! left without a reply are resolved the way a till would (reverse by `externalTransactionId`),
//! after which the balances are exactly what the received replies say, and `till verify` passes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{DataDir, card, gift_body};
use serde_json::{Value, json};

#[derive(Debug, Clone)]
struct Sent {
    path: &'static str,
    body: Value,
    card: usize,
    /// Minor units the request moves onto (+) or off (-) the card.
    delta: i64,
}

#[derive(Debug, Default)]
struct Seen {
    acked: Vec<(Sent, Value)>,
    declined: Vec<Sent>,
    unknown: Vec<Sent>,
}

fn minor(s: &str) -> i64 {
    let (i, f) = s.split_once('.').unwrap_or((s, "00"));
    i.parse::<i64>().unwrap() * 100 + f.parse::<i64>().unwrap()
}

/// Shared by the client tasks: when to stop, and how many successes have come back so far.
#[derive(Clone, Default)]
struct Progress {
    stop: Arc<AtomicBool>,
    acked: Arc<AtomicUsize>,
}

async fn client_loop(base: String, token: String, cards: Vec<String>, task: usize, progress: Progress) -> Seen {
    let stop = &progress.stop;
    let http = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
    let mut seen = Seen::default();
    let mut i = 0usize;
    while !stop.load(Ordering::Relaxed) {
        i += 1;
        let c = (task + i) % cards.len();
        let ext = format!("crash-{task}-{i}");
        let sent = if i.is_multiple_of(3) {
            Sent {
                path: "/gift/reload.json",
                body: gift_body(json!({"cardInfo": card(&cards[c]), "amount": "5.00", "externalTransactionId": ext})),
                card: c,
                delta: 500,
            }
        } else {
            Sent {
                path: "/gift/redeem.json",
                body: gift_body(
                    json!({"cardInfo": card(&cards[c]), "amount": "1.00", "tip": "0.25", "externalTransactionId": ext}),
                ),
                card: c,
                delta: -125,
            }
        };
        match http.post(format!("{base}{}", sent.path)).bearer_auth(&token).json(&sent.body).send().await {
            Ok(resp) => {
                let status = resp.status().as_u16();
                match resp.json::<Value>().await {
                    Ok(v) if status == 200 => {
                        progress.acked.fetch_add(1, Ordering::Relaxed);
                        seen.acked.push((sent, v))
                    }
                    Ok(v) if (400..500).contains(&status) => {
                        assert_ne!(v["errorCode"], "invalid_request", "{v}");
                        seen.declined.push(sent)
                    }
                    _ => seen.unknown.push(sent),
                }
            }
            Err(_) => {
                // No reply: the server may or may not have done it. Once it is gone, stop.
                seen.unknown.push(sent);
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_under_load_loses_no_acknowledged_transaction() {
    let dir = DataDir::new();
    let cards = dir.generate_cards(3);
    let mut server = dir.serve();
    for n in &cards {
        let (status, body) =
            server.post("/gift/sell.json", &gift_body(json!({"cardInfo": card(n), "amount": "400.00"}))).await;
        assert_eq!(status, 200, "{body}");
    }
    let progress = Progress::default();
    let mut tasks = Vec::new();
    for task in 0..6 {
        tasks.push(tokio::spawn(client_loop(
            server.base_url(),
            server.token().to_string(),
            cards.clone(),
            task,
            progress.clone(),
        )));
    }
    // Kill once real load is flowing, however slow the machine: a fixed sleep made too few
    // successes on a loaded CI box. A few more requests are in flight at the moment of the kill.
    let deadline = Instant::now() + Duration::from_secs(60);
    while progress.acked.load(Ordering::Relaxed) < 30 {
        assert!(
            Instant::now() < deadline,
            "no load built up in 60 s: {} successes",
            progress.acked.load(Ordering::Relaxed)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill9();
    progress.stop.store(true, Ordering::Relaxed);
    let mut seen = Seen::default();
    for t in tasks {
        let s = t.await.unwrap();
        seen.acked.extend(s.acked);
        seen.declined.extend(s.declined);
        seen.unknown.extend(s.unknown);
    }
    assert!(seen.acked.len() >= 10, "too little load before the kill: {}", seen.acked.len());

    server.restart();
    // Every acknowledged transaction survived: its replay answers the very same transaction.
    for (sent, reply) in &seen.acked {
        let (status, again) = server.post(sent.path, &sent.body).await;
        assert_eq!(status, 200, "{again}");
        assert_eq!(again["pxTransactionId"], reply["pxTransactionId"], "{again} vs {reply}");
        assert_eq!(again["currentBalance"], reply["currentBalance"]);
    }
    // Requests without a reply are resolved as a till would: reverse by their id.
    for sent in &seen.unknown {
        let ext = sent.body["externalTransactionId"].clone();
        let (status, body) = server.post("/gift/reverse.json", &gift_body(json!({"externalTransactionId": ext}))).await;
        assert!(status == 200 || (status == 404 && body["errorCode"] == "transaction_not_found"), "{status} {body}");
    }
    // Now each card holds exactly what the received replies say.
    for (c, n) in cards.iter().enumerate() {
        let expected = 40_000 + seen.acked.iter().filter(|(s, _)| s.card == c).map(|(s, _)| s.delta).sum::<i64>();
        let (_, b) = server.post("/gift/balance.json", &gift_body(json!({"cardInfo": card(n)}))).await;
        assert_eq!(minor(b["currentBalance"].as_str().unwrap()), expected, "card {c}: {b}");
    }
    let done = common::query_i64(
        server.data.path(),
        "SELECT count(*) FROM gift_txns WHERE op IN ('redeem', 'reload') AND status = 'done'",
    );
    assert_eq!(done as usize, seen.acked.len(), "the journal holds the acknowledged work and nothing else");
    let out = server.data.till_output(&["verify"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    eprintln!(
        "crash test: {} acknowledged, {} declined, {} without reply (resolved)",
        seen.acked.len(),
        seen.declined.len(),
        seen.unknown.len()
    );
}
