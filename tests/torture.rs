//! Crash torture: N rounds of SIGKILL of a real `till serve` under mixed load: gift redeems and
//! reloads, retail orders created and invalidated, table-spot transactions created, reserved and
//! confirmed. Each round kills the server once the round's load has produced a number of
//! acknowledged operations (progress, never a sleep), restarts it and checks that every operation
//! acknowledged in that round is still there, then `till verify`. At the end each gift card holds
//! exactly what the acknowledged replies say (requests left without a reply are resolved the way
//! a till would: reverse by `externalTransactionId`).
//!
//! `cargo test --test torture` runs 3 rounds (CI). The long run, 100 rounds:
//!
//! ```text
//! TILL_TORTURE_ROUNDS=100 cargo test --test torture -- --nocapture
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod spots_util;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{DataDir, card, gift_body};
use serde_json::{Value, json};
use spots_util::{Cred, Spots};

/// What the load saw in one round.
#[derive(Debug, Default)]
struct Seen {
    /// (path, body, reply) of every gift success.
    gift_acked: Vec<(String, Value, Value)>,
    /// Gift requests without a reply (or a 5xx): resolved by reversal.
    gift_unknown: Vec<Value>,
    /// (idempotency key, body, order id) of each created order.
    orders_created: Vec<(String, Value, String)>,
    /// Ids of orders whose invalidation was acknowledged.
    orders_invalidated: Vec<String>,
    /// (transaction key, the furthest acknowledged step: created, reserved or confirmed).
    spots: Vec<(String, &'static str)>,
}

impl Seen {
    fn acked(&self) -> usize {
        self.gift_acked.len() + self.orders_created.len() + self.orders_invalidated.len() + self.spots.len()
    }
    fn extend(&mut self, other: Seen) {
        self.gift_acked.extend(other.gift_acked);
        self.gift_unknown.extend(other.gift_unknown);
        self.orders_created.extend(other.orders_created);
        self.orders_invalidated.extend(other.orders_invalidated);
        self.spots.extend(other.spots);
    }
}

#[derive(Clone)]
struct Load {
    base: String,
    token: String,
    stop: Arc<AtomicBool>,
    acked: Arc<AtomicUsize>,
    round: usize,
}

impl Load {
    fn http() -> reqwest::Client {
        reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap()
    }
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
    fn ack(&self) {
        self.acked.fetch_add(1, Ordering::Relaxed);
    }
}

fn minor(s: &str) -> i64 {
    let (i, f) = s.split_once('.').unwrap_or((s, "00"));
    i.parse::<i64>().unwrap() * 100 + f.parse::<i64>().unwrap()
}

async fn gift_loop(load: Load, cards: Vec<String>, task: usize) -> Seen {
    let http = Load::http();
    let mut seen = Seen::default();
    let mut i = 0usize;
    while !load.stopped() {
        i += 1;
        let c = &cards[(task + i) % cards.len()];
        let ext = format!("t{}-{task}-{i}", load.round);
        // Four redeems of 1.25 for each reload of 5.00: the cards' balances stay where they began.
        let (path, body) = if i.is_multiple_of(5) {
            ("/gift/reload.json", json!({"cardInfo": card(c), "amount": "5.00", "externalTransactionId": ext}))
        } else {
            (
                "/gift/redeem.json",
                json!({"cardInfo": card(c), "amount": "1.00", "tip": "0.25", "externalTransactionId": ext}),
            )
        };
        let body = gift_body(body);
        match http.post(format!("{}{path}", load.base)).bearer_auth(&load.token).json(&body).send().await {
            Ok(resp) => {
                let status = resp.status().as_u16();
                match resp.json::<Value>().await {
                    Ok(v) if status == 200 => {
                        load.ack();
                        seen.gift_acked.push((path.to_string(), body, v));
                    }
                    Ok(v) if (400..500).contains(&status) => {
                        panic!("gift {path} refused under load: {status} {v}");
                    }
                    _ => seen.gift_unknown.push(body),
                }
            }
            Err(_) => {
                seen.gift_unknown.push(body);
                if load.stopped() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
    seen
}

fn idempotency_key() -> String {
    format!("torture-{:032x}", rand::random::<u128>())
}

async fn retail_loop(load: Load, task: usize) -> Seen {
    let http = Load::http();
    let mut seen = Seen::default();
    let mut i = 0usize;
    while !load.stopped() {
        i += 1;
        let body = json!({
            "product_code": "4001232232332", "store_id": "A1234", "terminal_id": "T01",
            "receipt_id": format!("R-t{}-{task}-{i}", load.round), "country": "DE",
            "face_value": {"currency": "EUR", "amount": "25.00"},
            "receipt_printing": {"characters_per_line": 40, "locale": "de-DE"}
        });
        let key = idempotency_key();
        let sent = http
            .post(format!("{}/v1/retail_orders", load.base))
            .bearer_auth(&load.token)
            .header("Idempotency-Key", &key)
            .json(&body)
            .send()
            .await;
        let Ok(resp) = sent else { break };
        let status = resp.status().as_u16();
        let Ok(order) = resp.json::<Value>().await else { break };
        assert!(status == 201 || status >= 500, "retail create refused under load: {status} {order}");
        if status != 201 {
            continue;
        }
        let id = order["id"].as_str().unwrap().to_string();
        load.ack();
        seen.orders_created.push((key, body, id.clone()));
        let sent = http
            .post(format!("{}/v1/retail_orders/{id}/actions/invalidate", load.base))
            .bearer_auth(&load.token)
            .header("Idempotency-Key", idempotency_key())
            .json(&json!({}))
            .send()
            .await;
        let Ok(resp) = sent else { break };
        if resp.status().as_u16() == 200 {
            load.ack();
            seen.orders_invalidated.push(id);
        }
    }
    seen
}

async fn spots_loop(load: Load, spots: Arc<Spots>, customer: Cred) -> Seen {
    let mut seen = Seen::default();
    let merchant = spots.merchant.clone();
    while !load.stopped() {
        let body = json!({"payments": [{"description": "torture", "price": 150}]});
        let Some((st, t)) = try_call(&spots, &merchant, "POST", "/rest/v1/transaction", Some(&body)).await else {
            break;
        };
        if st != 200 {
            continue;
        }
        let key = t["transaction_key"].as_str().unwrap().to_string();
        load.ack();
        seen.spots.push((key.clone(), "created"));
        for (who, step, method, uri) in [
            (&customer, "reserved", "PUT", format!("/rest/v1/transaction/{key}/reserve")),
            (&merchant, "confirmed", "PUT", format!("/rest/v1/transaction/{key}/confirm")),
        ] {
            match try_call(&spots, who, method, &uri, None).await {
                Some((200, _)) => {
                    load.ack();
                    if let Some(last) = seen.spots.last_mut() {
                        last.1 = step;
                    }
                }
                Some((st, v)) if st < 500 => panic!("spots {uri} refused under load: {st} {v}"),
                _ => return seen,
            }
        }
    }
    seen
}

/// A signed call that gives `None` instead of panicking when the server is gone.
async fn try_call(s: &Spots, who: &Cred, method: &str, uri: &str, body: Option<&Value>) -> Option<(u16, Value)> {
    let body = body.map(|b| serde_json::to_vec(b).unwrap()).unwrap_or_default();
    let signed = spots_util::Signed::new(who, method, uri, "127.0.0.1", s.port(), &body, spots_util::now());
    let resp = Load::http()
        .request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), s.server.url(uri))
        .header("authorization", till::wire::mac::header_value(&signed.auth))
        .body(body)
        .send()
        .await
        .ok()?;
    let status = resp.status().as_u16();
    let v = resp.json::<Value>().await.ok()?;
    Some((status, v))
}

/// How many acknowledged operations a round waits for before its kill: varied, so kills land at
/// different points of the workload.
fn kill_after(round: usize) -> usize {
    20 + (round * 37) % 80
}

/// After a restart: everything acknowledged in the round is there.
async fn check_round(s: &Spots, seen: &Seen) {
    let server = &s.server;
    for (path, body, reply) in &seen.gift_acked {
        let (status, again) = server.post(path, body).await;
        assert_eq!(status, 200, "{again}");
        assert_eq!(again["pxTransactionId"], reply["pxTransactionId"], "a replay after the crash: {again} vs {reply}");
    }
    let http = Load::http();
    for (key, body, id) in &seen.orders_created {
        let resp = http
            .post(server.url("/v1/retail_orders"))
            .bearer_auth(server.token())
            .header("Idempotency-Key", key)
            .json(body)
            .send()
            .await
            .unwrap();
        let order: Value = resp.json().await.unwrap();
        assert_eq!(order["id"].as_str(), Some(id.as_str()), "the acknowledged order {id} was lost: {order}");
    }
    for id in &seen.orders_invalidated {
        let resp = http.get(server.url(&format!("/v1/retail_orders/{id}"))).bearer_auth(server.token()).send().await;
        let order: Value = resp.unwrap().json().await.unwrap();
        assert_eq!(order["state"], "invalidated", "{order}");
    }
    for (key, step) in &seen.spots {
        let (st, t) = s.call(&s.merchant, "GET", &format!("/rest/v1/transaction/{key}"), None).await;
        assert_eq!(st, 200, "the acknowledged transaction {key} was lost: {t}");
        let ok: &[&str] = match *step {
            "created" => &["new", "reserved", "confirmed", "rejected", "revoked"],
            "reserved" => &["reserved", "confirmed"],
            _ => &["confirmed"],
        };
        assert!(ok.contains(&t["status"].as_str().unwrap_or_default()), "{step} acknowledged, now {t}");
    }
    let out = server.data.till_output(&["verify"]);
    assert!(out.status.success(), "till verify failed:\n{}", String::from_utf8_lossy(&out.stdout));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_rounds_under_mixed_load_lose_nothing_acknowledged() {
    let rounds: usize = std::env::var("TILL_TORTURE_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(3);
    let started = Instant::now();
    let dir = DataDir::new();
    let cards = dir.generate_cards(4);
    // Stock and partner balance for any number of rounds: an order left open by a kill keeps its
    // code and its hold until it expires.
    let codes = dir.path().join("torture-codes.txt");
    std::fs::write(&codes, (0..20_000).map(|n| format!("TORTURE-{n:06}\n")).collect::<String>()).unwrap();
    dir.till(&["codes", "import", "--product", "4001232232332", codes.to_str().unwrap()]);
    dir.till(&["balance", "add", "100000.00", "EUR"]);
    let merchant = spots_util::merchant(&dir);
    let customer = spots_util::customer(&dir, "Torture guest", "100000.00");
    let mut spots = Arc::new(Spots { server: dir.serve(), merchant, customers: vec![customer.clone()] });
    for n in &cards {
        let (status, body) =
            spots.server.post("/gift/sell.json", &gift_body(json!({"cardInfo": card(n), "amount": "400.00"}))).await;
        assert_eq!(status, 200, "{body}");
    }
    let mut all = Seen::default();
    for round in 0..rounds {
        let load = Load {
            base: spots.server.base_url(),
            token: spots.server.token().to_string(),
            stop: Arc::new(AtomicBool::new(false)),
            acked: Arc::new(AtomicUsize::new(0)),
            round,
        };
        let mut tasks = Vec::new();
        for task in 0..3 {
            tasks.push(tokio::spawn(gift_loop(load.clone(), cards.clone(), task)));
        }
        for task in 0..2 {
            tasks.push(tokio::spawn(retail_loop(load.clone(), task)));
            tasks.push(tokio::spawn(spots_loop(load.clone(), Arc::clone(&spots), customer.clone())));
        }
        let target = kill_after(round);
        let deadline = Instant::now() + Duration::from_secs(60);
        while load.acked.load(Ordering::Relaxed) < target {
            assert!(Instant::now() < deadline, "round {round}: no load in 60 s");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let pid = spots.server.pid().unwrap();
        // SIGKILL from outside, as the kernel's OOM killer or a power cut would.
        let _ = std::process::Command::new("kill").arg("-KILL").arg(pid.to_string()).status();
        load.stop.store(true, Ordering::Relaxed);
        let mut seen = Seen::default();
        for t in tasks {
            seen.extend(t.await.unwrap());
        }
        let s = Arc::get_mut(&mut spots).expect("the load tasks have ended");
        s.server.restart();
        check_round(s, &seen).await;
        eprintln!(
            "round {round}: {} acknowledged (gift {}, retail {}, spots {}), {} gift without reply",
            seen.acked(),
            seen.gift_acked.len(),
            seen.orders_created.len() + seen.orders_invalidated.len(),
            seen.spots.len(),
            seen.gift_unknown.len()
        );
        all.extend(seen);
    }
    let server = &spots.server;
    for body in &all.gift_unknown {
        let ext = body["externalTransactionId"].clone();
        let (status, r) = server.post("/gift/reverse.json", &gift_body(json!({"externalTransactionId": ext}))).await;
        assert!(status == 200 || (status == 404 && r["errorCode"] == "transaction_not_found"), "{status} {r}");
    }
    for n in &cards {
        let delta: i64 = all
            .gift_acked
            .iter()
            .filter(|(_, b, _)| b["cardInfo"]["printedCardNumber"] == n.as_str())
            .map(|(p, _, _)| if p.contains("reload") { 500 } else { -125 })
            .sum();
        let (_, b) = server.post("/gift/balance.json", &gift_body(json!({"cardInfo": card(n)}))).await;
        assert_eq!(minor(b["currentBalance"].as_str().unwrap()), 40_000 + delta, "card {n}: {b}");
    }
    let out = server.data.till_output(&["verify"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    eprintln!(
        "torture: {rounds} SIGKILL rounds, {} operations acknowledged, none lost; {} gift requests without reply resolved; {:.1} s",
        all.acked(),
        all.gift_unknown.len(),
        started.elapsed().as_secs_f64()
    );
}
