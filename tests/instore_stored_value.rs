//! The stored-value extension over real sockets: envelopes acknowledged at once, results POSTed
//! signed to a local receiver (retried while it fails, kept across a server restart while it is
//! down), one balance with `/gift`, Cancel, pre-loaded accounts, repeated `requestId`s, the log.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod instore_util;

use std::sync::atomic::Ordering;

use common::{DEMO_CARD_PIN, ledger_digest};
use instore_util::*;
use serde_json::{Value, json};

const FAST: &str = "[instore.callbacks]\nretry_base_ms = 40\nretry_max_ms = 200\n";

fn lookup(rid: &str, number: &str, pin: Option<&str>) -> String {
    let mut p =
        json!({"requestId": rid, "locationId": "A1234", "workstationId": "POS-1", "number": number, "cartKey": "c-1"});
    if let Some(pin) = pin {
        p["pin"] = json!(pin);
    }
    p.to_string()
}

fn process(rid: &str, action: &str, number: &str, minor: i64) -> String {
    json!({
        "requestId": rid, "locationId": "A1234", "action": action, "number": number,
        "amount": {"amount": minor, "precision": 2, "currency": "EUR"},
        "session_id": "sess-1", "reference": format!("order-{rid}"), "pin": "1234"
    })
    .to_string()
}

fn balance(v: &Value) -> i64 {
    v["data"]["balance"]["amount"].as_i64().unwrap_or_else(|| panic!("no balance in {v}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_balance_with_the_gift_service() {
    let s = start(FAST);
    let rx = Receiver::default();
    let cb = rx.start().await;
    let ack = s
        .envelope(
            &format!("/instore/storedvaluecard/{DEMO_CARD_PIN}"),
            &lookup("l-1", DEMO_CARD_PIN, Some("1234")),
            "l-1",
            &cb,
        )
        .await;
    assert_eq!((ack.status, ack.body.clone()), (200, json!({"requestId": "l-1"})));
    let r = rx.result("l-1").await;
    assert_eq!(r["result"], "Success", "{r}");
    assert_eq!(r["data"]["balance"], json!({"amount": 5000, "precision": 2, "currency": "EUR"}));
    assert_eq!((r["data"]["type"].as_str(), r["data"]["status"].as_str()), (Some("GiftCard"), Some("Active")));

    // A wrong PIN is a failure.
    s.envelope(
        &format!("/instore/storedvaluecard/{DEMO_CARD_PIN}"),
        &lookup("l-bad", DEMO_CARD_PIN, Some("9999")),
        "l-bad",
        &cb,
    )
    .await;
    let r = rx.result("l-bad").await;
    assert_eq!(r["result"], "Failure");
    assert!(r["error"].as_str().unwrap().starts_with("invalid_pin"), "{r}");

    // Redeem 12.50 through the extension: /gift sees 37.50.
    s.envelope("/instore/storedvaluecard_process", &process("p-1", "Redeem", DEMO_CARD_PIN, 1250), "p-1", &cb).await;
    let redeem = rx.result("p-1").await;
    assert_eq!(balance(&redeem), 3750, "{redeem}");
    let tx_id = redeem["data"]["external_transaction_id"].as_str().unwrap().to_string();
    let pay_id = redeem["data"]["external_payment_id"].as_str().unwrap().to_string();
    let (st, g) = s
        .gift("/gift/balance.json", json!({"cardInfo": {"printedCardNumber": DEMO_CARD_PIN, "cardRegCode": "1234"}}))
        .await;
    assert_eq!((st, g["currentBalance"].as_str()), (200, Some("37.50")), "{g}");

    // Redeem 7.50 at /gift: the extension sees 30.00.
    let (st, _) = s
        .gift("/gift/redeem.json", json!({"cardInfo": {"printedCardNumber": DEMO_CARD_PIN, "cardRegCode": "1234"}, "amount": "7.50", "externalTransactionId": "g-1"}))
        .await;
    assert_eq!(st, 200);
    s.envelope(&format!("/instore/storedvaluecard/{DEMO_CARD_PIN}"), &lookup("l-2", DEMO_CARD_PIN, None), "l-2", &cb)
        .await;
    assert_eq!(balance(&rx.result("l-2").await), 3000);

    // More than the card holds is refused, nothing taken.
    s.envelope("/instore/storedvaluecard_process", &process("p-big", "Redeem", DEMO_CARD_PIN, 3001), "p-big", &cb)
        .await;
    let r = rx.result("p-big").await;
    assert_eq!(r["result"], "Failure");
    assert!(r["error"].as_str().unwrap().starts_with("insufficient_funds"), "{r}");

    // Cancel the extension's redeem: 12.50 back.
    let cancel = json!({"requestId": "c-1", "locationId": "A1234", "action": "Cancel", "number": DEMO_CARD_PIN,
        "external_transaction_id": tx_id, "external_payment_id": pay_id})
    .to_string();
    s.envelope("/instore/storedvaluecard_process", &cancel, "c-1", &cb).await;
    assert_eq!(balance(&rx.result("c-1").await), 4250);
    // A Cancel naming ids that do not belong together is refused.
    let bogus = json!({"requestId": "c-2", "locationId": "A1234", "action": "Cancel", "number": DEMO_CARD_PIN,
        "external_transaction_id": "1", "external_payment_id": pay_id})
    .to_string();
    s.envelope("/instore/storedvaluecard_process", &bogus, "c-2", &cb).await;
    assert_eq!(rx.result("c-2").await["result"], "Failure");
    // Load 10.00.
    s.envelope("/instore/storedvaluecard_process", &process("p-load", "Load", DEMO_CARD_PIN, 1000), "p-load", &cb)
        .await;
    assert_eq!(balance(&rx.result("p-load").await), 5250);
    // Amounts in another currency, or more precise than it, are refused.
    s.envelope(
        "/instore/storedvaluecard_process",
        &process("p-usd", "Load", DEMO_CARD_PIN, 1000).replace("EUR", "USD"),
        "p-usd",
        &cb,
    )
    .await;
    assert!(rx.result("p-usd").await["error"].as_str().unwrap().starts_with("currency_not_accepted"));

    // The log shows every movement, whichever surface made it, oldest first.
    let log = s
        .get(&format!("/instore/storedvaluelog/{DEMO_CARD_PIN}"), &[("requestId", "log-1"), ("locationId", "A1234")])
        .await;
    assert_eq!(log.status, 200);
    let actions: Vec<(String, i64)> = log.body["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap().to_string(), e["amount"]["amount"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        actions,
        vec![
            ("Load".into(), 5000),
            ("Redeem".into(), -1250),
            ("Redeem".into(), -750),
            ("Cancel".into(), 1250),
            ("Load".into(), 1000)
        ]
    );
    assert_eq!(log.body["log"][4]["balance"]["amount"], 5250);

    // Every callback is signed with the tenant's key over its body and carries the correlation id.
    for r in rx.received().iter().filter(|r| r.accepted) {
        assert_eq!(r.signature, hmac_hex(&s.tenant.key, &r.body));
        let rid = r.json()["requestId"].as_str().unwrap().to_string();
        assert_eq!(r.correlation_id, format!("corr-{rid}"));
    }
    s.verify();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn created_cards_are_gift_cards_of_the_program() {
    let s = start(FAST);
    let rx = Receiver::default();
    let cb = rx.start().await;
    let create = |rid: &str, kind: &str, status: &str, minor: i64| {
        json!({"requestId": rid, "locationId": "A1234", "type": kind, "status": status,
            "balance": {"amount": minor, "precision": 2, "currency": "EUR"}, "issuer": "Demo", "customer_id": "cust-1"})
        .to_string()
    };
    s.envelope("/instore/storedvaluecard", &create("n-1", "GiftCard", "Active", 2000), "n-1", &cb).await;
    s.envelope("/instore/storedvaluecard", &create("n-2", "ReturnCard", "Inactive", 0), "n-2", &cb).await;
    s.envelope("/instore/storedvaluecard", &create("n-3", "Promotional", "Active", 0), "n-3", &cb).await;
    s.envelope("/instore/storedvaluecard", &create("n-4", "GiftCard", "Inactive", 500), "n-4", &cb).await;
    let a = rx.result("n-1").await;
    assert_eq!(
        (a["data"]["type"].as_str(), a["data"]["status"].as_str(), balance(&a)),
        (Some("GiftCard"), Some("Active"), 2000),
        "{a}"
    );
    let b = rx.result("n-2").await;
    assert_eq!(
        (b["data"]["type"].as_str(), b["data"]["status"].as_str(), balance(&b)),
        (Some("ReturnCard"), Some("Inactive"), 0),
        "{b}"
    );
    let c = rx.result("n-3").await;
    assert_eq!(
        (c["data"]["type"].as_str(), c["data"]["status"].as_str()),
        (Some("Promotional"), Some("Active")),
        "{c}"
    );
    // Inactive with an opening balance: issued holding its value, not usable until activated.
    let d = rx.result("n-4").await;
    assert_eq!(
        (d["result"].as_str(), d["data"]["type"].as_str(), d["data"]["status"].as_str(), balance(&d)),
        (Some("Success"), Some("GiftCard"), Some("Inactive"), 500),
        "{d}"
    );
    let held = d["data"]["number"].as_str().unwrap().to_string();
    let redeem = |rid: &str| {
        json!({"requestId": rid, "locationId": "A1234", "action": "Redeem", "number": held,
            "amount": {"amount": 100, "precision": 2, "currency": "EUR"}, "session_id": "s", "reference": "o"})
        .to_string()
    };
    s.envelope("/instore/storedvaluecard_process", &redeem("n-4r"), "n-4r", &cb).await;
    let refused = rx.result("n-4r").await;
    assert_eq!(refused["result"], "Failure", "an inactive card cannot be redeemed: {refused}");
    s.envelope(&format!("/instore/storedvaluecard/{held}"), &lookup("n-4l", &held, None), "n-4l", &cb).await;
    let looked = rx.result("n-4l").await;
    assert_eq!((looked["data"]["status"].as_str(), balance(&looked)), (Some("Inactive"), 500), "{looked}");
    // The store activates it at the till (/gift); from then on it is one balance everywhere.
    let (st, g) = s.gift("/gift/activate.json", json!({"cardInfo": {"printedCardNumber": held}})).await;
    assert_eq!((st, g["currentBalance"].as_str()), (200, Some("5.00")), "{g}");
    s.envelope("/instore/storedvaluecard_process", &redeem("n-4s"), "n-4s", &cb).await;
    let spent = rx.result("n-4s").await;
    assert_eq!((spent["result"].as_str(), balance(&spent)), (Some("Success"), 400), "{spent}");
    // The new card works at /gift.
    let n = a["data"]["number"].as_str().unwrap();
    let (st, g) = s.gift("/gift/balance.json", json!({"cardInfo": {"printedCardNumber": n}})).await;
    assert_eq!((st, g["currentBalance"].as_str()), (200, Some("20.00")), "{g}");
    // A bad type is refused at once (400), nothing accepted.
    let r = s.envelope("/instore/storedvaluecard", &create("n-5", "Voucher", "Active", 0), "n-5", &cb).await;
    assert_eq!(r.status, 400);
    s.verify();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callbacks_are_retried_until_the_receiver_takes_them() {
    let s = start(FAST);
    let rx = Receiver::default();
    rx.fail_first.store(3, Ordering::SeqCst);
    let cb = rx.start().await;
    s.envelope("/instore/storedvaluecard_process", &process("r-1", "Redeem", DEMO_CARD_PIN, 100), "r-1", &cb).await;
    let r = rx.result("r-1").await;
    assert_eq!(balance(&r), 4900);
    let got: Vec<Received> = rx.received().into_iter().filter(|g| g.path == "/cb").collect();
    assert_eq!(got.len(), 4, "three failures, then delivered: {got:?}");
    assert!(
        got.iter().all(|g| g.body == got[0].body && g.callback_id == got[0].callback_id),
        "the same callback each time"
    );
    assert_eq!(got.iter().filter(|g| g.accepted).count(), 1);
    s.verify();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_request_id_resends_the_first_result_and_applies_once() {
    let s = start(FAST);
    let rx = Receiver::default();
    let cb = rx.start().await;
    let payload = process("dup-1", "Redeem", DEMO_CARD_PIN, 500);
    s.envelope("/instore/storedvaluecard_process", &payload, "dup-1", &cb).await;
    let first = rx.result("dup-1").await;
    let before = ledger_digest(s.server.data.path());
    let again = s.envelope("/instore/storedvaluecard_process", &payload, "dup-1", &cb).await;
    assert_eq!(again.body, json!({"requestId": "dup-1"}));
    rx.wait_for("the result sent again", |got| {
        got.iter().filter(|g| g.accepted && g.json()["requestId"] == "dup-1").count() == 2
    })
    .await;
    let results = rx.results_for("dup-1");
    assert_eq!(results[1], first);
    assert_eq!(ledger_digest(s.server.data.path()), before, "applied once");
    // The same requestId with another payload is refused.
    let other = process("dup-1", "Redeem", DEMO_CARD_PIN, 600);
    let r = s.envelope("/instore/storedvaluecard_process", &other, "dup-1", &cb).await;
    assert_eq!(r.status, 409, "{:?}", r.body);
    assert_eq!(balance(&first), 4500);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pre_loaded_accounts_answer_with_results() {
    let s = start(FAST);
    let rx = Receiver::default();
    let cb = rx.start().await;
    let other = "6036280000000029";
    let payload = json!({"requestId": "b-1", "locationId": "A1234", "action": "Redeem",
        "amount": {"amount": 200, "precision": 2, "currency": "EUR"}, "session_id": "s", "reference": "o",
        "accounts": [{"number": DEMO_CARD_PIN, "pin": "1234", "paymentProcessorId": "pp-1"}, {"number": other}]})
    .to_string();
    let ack = s.envelope("/instore/storedvaluecard_process", &payload, "b-1", &cb).await;
    assert_eq!(
        ack.body,
        json!({"results": [{"requestId": "b-1:1", "paymentProcessorId": "pp-1"}, {"requestId": "b-1:2"}]})
    );
    assert_eq!(balance(&rx.result("b-1:1").await), 4800);
    assert_eq!(balance(&rx.result("b-1:2").await), 2300);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_result_survives_a_restart_while_the_receiver_is_down() {
    let mut s = start(FAST);
    let rx = Receiver::default();
    rx.down.store(true, Ordering::SeqCst);
    let cb = rx.start().await;
    s.envelope("/instore/storedvaluecard_process", &process("d-1", "Redeem", DEMO_CARD_PIN, 300), "d-1", &cb).await;
    rx.wait_for("a first refused attempt", |got| got.iter().any(|g| g.path == "/cb")).await;
    s.server.restart();
    rx.down.store(false, Ordering::SeqCst);
    let r = rx.result("d-1").await;
    assert_eq!(balance(&r), 4700);
    assert_eq!(rx.results_for("d-1").len(), 1);
    s.verify();
}
