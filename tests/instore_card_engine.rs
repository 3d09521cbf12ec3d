//! The card simulator on an engine this test owns, served over a real socket: a `no_answer`
//! rule keeps silent on the engine's clock (a manual clock here, so the test moves time instead
//! of waiting 20 s), never longer than the POS waits; a cancel by `reference` closes a payment
//! that never answered; settlement batches pay out card clearing, after which a payment can only
//! be refunded; `till verify` holds after all of it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod instore_util;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{DataDir, ledger_digest};
use instore_util::hmac_hex;
use serde_json::{Value, json};
use till::engine::extensions::{settlement, tenants};
use till::engine::{Engine, OpenOptions};
use till::ledger::ManualClock;

struct Sim {
    dir: DataDir,
    engine: Engine,
    clock: ManualClock,
    base: String,
    key: String,
}

/// A data directory made by the CLI, `extra` appended to its till.toml, then opened here on a
/// manual clock and served on a loopback port.
async fn sim(extra: &str) -> Sim {
    let dir = DataDir::new();
    let path = dir.path().join("till.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(extra);
    std::fs::write(&path, text).unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    let clock = ManualClock::new(now);
    let engine = Engine::open_with_clock(dir.path(), OpenOptions::default(), Arc::new(clock.clone())).unwrap();
    let key = tenants::create_blocking(&engine, "t1", None).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = till::api::serve::app(engine.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Sim { dir, engine, clock, base, key }
}

impl Sim {
    async fn post(&self, action: &str, body: &Value) -> Value {
        let bytes = serde_json::to_vec(body).unwrap();
        let r = reqwest::Client::new()
            .post(format!("{}/instore/{action}", self.base))
            .header("X-Signature", hmac_hex(&self.key, &bytes))
            .header("X-Tenant-Id", "t1")
            .body(bytes)
            .timeout(Duration::from_secs(60))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200, "{action}");
        r.json().await.unwrap()
    }
}

fn collect(reference: &str, card: &str, minor: i64) -> Value {
    json!({"reference": reference, "cartKey": format!("cart-{reference}"), "testCard": card,
        "amount": {"amount": minor, "precision": 2, "currency": "EUR"}})
}

const SILENT: &str = "4000000000000119";
const RULES: &str = "\n[instore.card]\npos_wait_seconds = 20\n\
    [[instore.card.rules]]\ncard = \"4000000000000119\"\noutcome = \"no_answer\"\n\
    [[instore.card.rules]]\ncard = \"4000000000000127\"\noutcome = \"no_answer\"\nseconds = 90\n\
    [[instore.card.rules]]\ncard = \"4000000000000036\"\noutcome = \"signature\"\n";

/// Starts a collect and returns its task; checks it is still unanswered after `real` of real time.
async fn in_flight(s: &Arc<Sim>, body: Value, real: Duration) -> tokio::task::JoinHandle<Value> {
    let s2 = Arc::clone(s);
    let task = tokio::spawn(async move { s2.post("collect_credit_payment", &body).await });
    tokio::time::sleep(real).await;
    assert!(!task.is_finished(), "the simulator answered while it should keep silent");
    task
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_answer_keeps_silent_on_the_engine_clock_as_long_as_the_pos_waits() {
    let s = Arc::new(sim(RULES).await);
    let before = ledger_digest(s.dir.path());

    // The rule's own length defaults to the POS wait (20 s here): 19 s on the clock is not enough.
    let task = in_flight(&s, collect("q-1", SILENT, 1500), Duration::from_millis(400)).await;
    s.clock.advance_secs(19);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(!task.is_finished(), "silent for 19 of 20 seconds");
    s.clock.advance_secs(1);
    let started = Instant::now();
    let r = tokio::time::timeout(Duration::from_secs(5), task).await.expect("answers once the wait is over").unwrap();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!((r["result"].as_str(), r["status"].as_str()), (Some("Failure"), Some("timeout")), "{r}");
    assert_eq!(r["data"], Value::Null, "nothing was authorised");

    // A rule asking for 90 s is held to what the POS waits.
    let task = in_flight(&s, collect("q-2", "4000000000000127", 1500), Duration::from_millis(300)).await;
    s.clock.advance_secs(20);
    let r = tokio::time::timeout(Duration::from_secs(5), task).await.expect("capped at 20 s").unwrap();
    assert_eq!(r["status"], "timeout");
    assert_eq!(ledger_digest(s.dir.path()), before, "silence charges nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_by_reference_closes_a_payment_that_never_answered() {
    let s = Arc::new(sim(RULES).await);
    let before = ledger_digest(s.dir.path());
    // The POS gave up on q-3 and cancels it by its reference while the simulator is still silent.
    let task = in_flight(&s, collect("q-3", SILENT, 2500), Duration::from_millis(300)).await;
    let c = s.post("cancel_credit_payment", &json!({"reference": "q-3"})).await;
    assert_eq!((c["result"].as_str(), c["status"].as_str()), (Some("Success"), Some("canceled")), "{c}");
    s.clock.advance_secs(20);
    let late = tokio::time::timeout(Duration::from_secs(5), task).await.unwrap().unwrap();
    assert_eq!((late["result"].as_str(), late["status"].as_str()), (Some("Failure"), Some("canceled")), "{late}");
    // A retry of the collect under that reference, even with a card that approves, charges nothing.
    let retry = s.post("collect_credit_payment", &collect("q-3", "4242424242424242", 2500)).await;
    assert_eq!(retry["status"], "canceled", "{retry}");
    let again = s.post("cancel_credit_payment", &json!({"reference": "q-3"})).await;
    assert_eq!(again["status"], "canceled");
    assert_eq!(ledger_digest(s.dir.path()), before, "nothing charged, nothing held");

    // A collected payment cancelled by its reference is reversed.
    let ok = s.post("collect_credit_payment", &collect("q-4", "4242424242424242", 700)).await;
    assert_eq!(ok["status"], "approved");
    let c = s.post("cancel_credit_payment", &json!({"reference": "q-4"})).await;
    assert_eq!((c["status"].as_str(), c["data"]["refunded"]["amount"].as_i64()), (Some("canceled"), Some(700)));
    let report = s.engine.ledger().verify().unwrap();
    assert!(report.violations.is_empty(), "{report:?}");
}

fn amount(v: &Value, field: &str) -> i64 {
    v["data"][field]["amount"].as_i64().unwrap_or_else(|| panic!("{field} in {v}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settlement_pays_clearing_out_and_ends_cancelling() {
    let s = sim(RULES).await;
    let a = s.post("collect_credit_payment", &collect("s-a", "4242424242424242", 5000)).await;
    let b = s.post("collect_credit_payment", &collect("s-b", "4242424242424242", 1000)).await;
    let held = s.post("collect_credit_payment", &collect("s-c", "4000000000000036", 4200)).await;
    assert_eq!(held["status"], "requires_capture");
    let refund = |reference: &str, minor: &str, id: &str| json!({"reference": reference, "amount": minor, "currency": "EUR", "refund_id": id});
    let r = s.post("create_credit_refund", &refund("s-a", "2000", "1")).await;
    assert_eq!(amount(&r, "refunded"), 2000);

    let clearing = |s: &Sim| {
        let id = settlement::clearing_account("t1", 978);
        s.engine.ledger().lookup_accounts(&[id]).unwrap().first().map_or(0, |a| a.debit_balance())
    };
    assert_eq!(clearing(&s), 4000);
    let open = settlement::unsettled(&s.engine).await.unwrap();
    assert_eq!(
        open.iter().map(|u| (u.payments, u.gross, u.refunds, u.net, u.held)).collect::<Vec<_>>(),
        vec![(2, 6000, 2000, 4000, 4200)]
    );

    // Batch 1: both collected payments, the refund netted; the hold waits.
    let b1 = settlement::settle(&s.engine, "t1", "EUR").await.unwrap().expect("a batch");
    assert_eq!((b1.payments, b1.gross, b1.refunds, b1.net), (2, 6000, 2000, 4000));
    assert_eq!(clearing(&s), 0);
    assert!(settlement::settle(&s.engine, "t1", "EUR").await.unwrap().is_none(), "nothing moved since");

    // Settled: b can no longer be cancelled (voided), only refunded.
    let b_id = b["data"]["processor_id"].as_str().unwrap();
    let c = s.post("cancel_credit_payment", &json!({"processor_id": b_id})).await;
    assert_eq!(c["result"], "Failure", "{c}");
    assert!(c["error"].as_str().unwrap().contains("settled"), "{c}");
    let r = s.post("create_credit_refund", &refund("s-b", "1000", "2")).await;
    assert_eq!(amount(&r, "refunded"), 1000);
    let cap = s.post("capture_payment", &json!({"cartKey": "cart-s-c"})).await;
    assert_eq!(cap["status"], "approved");

    // Batch 2: the captured hold, less b's refund.
    let b2 = settlement::settle(&s.engine, "t1", "EUR").await.unwrap().expect("a batch");
    assert_eq!((b2.payments, b2.gross, b2.refunds, b2.net), (1, 4200, 1000, 3200));
    // Batch 3: only a refund (the rest of a): the processor takes money back.
    let r = s.post("create_credit_refund", &refund("s-a", "3000", "3")).await;
    assert_eq!(amount(&r, "refunded"), 5000);
    let b3 = settlement::settle(&s.engine, "t1", "EUR").await.unwrap().expect("a batch");
    assert_eq!((b3.payments, b3.gross, b3.refunds, b3.net), (0, 0, 3000, -3000));
    assert_eq!(clearing(&s), 0);
    let all = settlement::batches(&s.engine, Some("t1"), None).unwrap();
    assert_eq!(all.iter().map(|b| b.net).sum::<i64>(), 4200, "paid out = collected − refunded");
    let payouts = settlement::payouts_account("t1", 978);
    let paid = s.engine.ledger().lookup_accounts(&[payouts]).unwrap()[0].debit_balance();
    assert_eq!(paid, 4200);
    assert_eq!(a["data"]["collected"]["amount"], 5000);
    let report = s.engine.ledger().verify().unwrap();
    assert!(report.violations.is_empty(), "{report:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_settles_at_the_daily_cutoff() {
    let s = sim("\n[instore.card]\nsettle_at_utc = \"23:00\"\n").await;
    // Tomorrow (UTC), ten seconds before the cutoff.
    let today = s.engine.now_secs().div_euclid(86_400) * 86_400;
    s.clock.set_ns(((today + 86_400 + 23 * 3600 - 10) * 1_000_000_000) as u64);
    let _bg = till::engine::extensions::background::start(&s.engine).unwrap();
    s.post("collect_credit_payment", &collect("d-1", "4242424242424242", 1234)).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(settlement::batches(&s.engine, None, None).unwrap().is_empty(), "not before the cutoff");
    s.clock.advance_secs(11);
    let deadline = Instant::now() + Duration::from_secs(10);
    let batches = loop {
        let b = settlement::batches(&s.engine, None, None).unwrap();
        if !b.is_empty() || Instant::now() > deadline {
            break b;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(batches.iter().map(|b| (b.payments, b.net)).collect::<Vec<_>>(), vec![(1, 1234)]);
    // Once a cutoff: a second later nothing more is settled, even with a new payment.
    s.post("collect_credit_payment", &collect("d-2", "4242424242424242", 100)).await;
    s.clock.advance_secs(1);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(settlement::batches(&s.engine, None, None).unwrap().len(), 1);
    // The next day's cutoff settles it.
    s.clock.advance_secs(86_400);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let nets: Vec<i64> = settlement::batches(&s.engine, None, None).unwrap().iter().map(|b| b.net).collect();
    assert_eq!(nets, vec![1234, 100]);
}
