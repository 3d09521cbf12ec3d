//! The credit card extension over a real socket: all eight actions, every rule of the demo set,
//! idempotent replays, refunds and cancels against what was collected, and `till verify` after.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod instore_util;

use common::ledger_digest;
use instore_util::*;
use serde_json::{Value, json};

fn collect_body(reference: &str, card: &str, minor: i64) -> Value {
    json!({
        "saleId": "s-1",
        "testCard": card,
        "reference": reference,
        "cartKey": format!("cart-{reference}"),
        "amount": {"amount": minor, "precision": 2, "currency": "EUR"},
        "ped": {"status": "Active", "name": "Verifone P400", "registration_code": "32423424224"},
        "tenant_id": "t1"
    })
}

async fn collect(s: &Instore, reference: &str, card: &str, minor: i64) -> Value {
    let r = s.post("/instore/collect_credit_payment", &collect_body(reference, card, minor)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn initialize_and_connect_the_card_reader() {
    let s = start("");
    let r = s.post("/instore/initialize_credit_processor", &json!({"processor": "Custom", "tenant_id": "t1"})).await;
    assert_eq!(
        r.body,
        json!({"result": "Success", "error": null, "data": {"captureEnabled": false, "simulated": true}})
    );
    let ped = |code: &str| json!({"ped": {"status": "Active", "registration_code": code, "type": "PED"}});
    let r = s.post("/instore/connect_card_reader", &ped("32423424224")).await;
    assert_eq!(r.body, json!({"result": "Success", "error": null}));
    for offline in ["99999", "11111111111"] {
        let r = s.post("/instore/connect_card_reader", &ped(offline)).await;
        assert_eq!(r.body, json!({"result": "Failure", "error": "Device Offline"}), "{offline}");
    }
    // A collect on a PED that is not registered is refused the same way, and charges nothing.
    let mut body = collect_body("r-offline", "4242424242424242", 1000);
    body["ped"]["registration_code"] = json!("99999");
    let r = s.post("/instore/collect_credit_payment", &body).await;
    assert_eq!(r.body["result"], "Failure");
    assert_eq!(r.body["error"], "Device Offline");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_rule_of_the_demo_set() {
    let s = start("");
    // Approved (no rule matches).
    let ok = collect(&s, "r-ok", "4242424242424242", 2500).await;
    assert_eq!(ok["result"], "Success");
    assert_eq!(ok["status"], "approved");
    assert_eq!(ok["cartKey"], "cart-r-ok");
    let d = &ok["data"];
    assert_eq!(
        (d["processor"].as_str(), d["last4"].as_str(), d["brand"].as_str()),
        (Some("Simulator"), Some("4242"), Some("visa"))
    );
    assert_eq!(d["authorization_response_code"], "3030");
    assert_eq!(d["account_type"], "credit");
    assert_eq!(d["verifySignature"], false);
    assert_eq!(d["amount"], json!({"amount": 2500, "precision": 2, "currency": "EUR"}));
    assert!(!d.to_string().contains("4242424242424242"), "only last4 is shown");
    // Declines with their codes.
    for (card, code) in [("4000000000000002", "05"), ("4000000000009995", "51"), ("4000000000000069", "54")] {
        let r = collect(&s, &format!("r-{code}"), card, 1000).await;
        assert_eq!(r["result"], "Failure", "{card}");
        assert_eq!(r["status"], "declined");
        assert_eq!(r["data"]["authorization_response_code"], hex::encode(code));
        assert_eq!(r["data"]["collected"]["amount"], 0);
    }
    // Amount limit: 1000.00 and more is declined 61 whatever the card.
    let r = collect(&s, "r-big", "4242424242424242", 100_000).await;
    assert_eq!(
        (r["status"].as_str(), r["data"]["authorization_response_code"].as_str()),
        (Some("declined"), Some("3631"))
    );
    // Partial approval of 10.00.
    let r = collect(&s, "r-partial", "4000000000000077", 2500).await;
    assert_eq!(r["status"], "approved");
    assert_eq!(r["data"]["amount"]["amount"], 1000);
    assert_eq!(r["data"]["collected"]["amount"], 1000);
    // Debit card.
    let r = collect(&s, "r-debit", "4000056655665556", 500).await;
    assert_eq!(r["data"]["account_type"], "debit");
    // Signature required: held until capture_payment.
    let r = collect(&s, "r-sign", "4000000000000036", 4200).await;
    assert_eq!(r["status"], "requires_capture");
    assert_eq!(r["data"]["verifySignature"], true);
    assert_eq!(r["data"]["collected"]["amount"], 0);
    let id = r["data"]["processor_id"].as_str().unwrap().to_string();
    let t = s.get(&format!("/instore/payment_transaction/{id}"), &[]).await;
    assert_eq!(t.body["status"], "requires_capture");
    let c = s.post("/instore/capture_payment", &json!({"cartKey": "cart-r-sign"})).await;
    assert_eq!(c.body["status"], "approved", "{:?}", c.body);
    assert_eq!(c.body["data"]["collected"]["amount"], 4200);
    let again = s.post("/instore/capture_payment", &json!({"cartKey": "cart-r-sign"})).await;
    assert_eq!(again.body, c.body, "capturing twice captures once");
    let t = s.get(&format!("/instore/payment_transaction/{id}"), &[]).await;
    assert_eq!(t.body["status"], "approved");
    // No answer: a failure after the wait, nothing held or recorded.
    let before = ledger_digest(s.server.data.path());
    let r = collect(&s, "r-silent", "4000000000000119", 1000).await;
    assert_eq!((r["result"].as_str(), r["status"].as_str()), (Some("Failure"), Some("timeout")));
    assert_eq!(ledger_digest(s.server.data.path()), before);
    // Nothing to capture on a cart that was never held.
    let r = s.post("/instore/capture_payment", &json!({"cartKey": "cart-none"})).await;
    assert_eq!(r.body["result"], "Failure");
    s.verify();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rules_and_capture_come_from_till_toml() {
    let s = start(
        "[instore.card]\ncapture_enabled = true\n[[instore.card.rules]]\ncard = \"5555*\"\nmax_amount = 999\n\
         outcome = \"declined\"\ncode = \"14\"\n",
    );
    let r = s.post("/instore/initialize_credit_processor", &json!({"processor": "Custom"})).await;
    assert_eq!(r.body["data"]["captureEnabled"], true);
    let r = collect(&s, "m-small", "5555555555554444", 999).await;
    assert_eq!((r["status"].as_str(), r["data"]["brand"].as_str()), (Some("declined"), Some("mastercard")));
    let r = collect(&s, "m-big", "5555555555554444", 1000).await;
    assert_eq!(r["status"], "requires_capture", "capture_enabled holds every approval");
    // The demo rules are replaced: this card now approves.
    let r = collect(&s, "m-demo", "4000000000000002", 1000).await;
    assert_eq!(r["status"], "requires_capture");
    let id = r["data"]["processor_id"].as_str().unwrap().to_string();
    // Cancel before capture voids the hold.
    let c = s.post("/instore/cancel_credit_payment", &json!({"processor_id": id, "last4": "0002"})).await;
    assert_eq!(c.body["status"], "canceled");
    let cap = s.post("/instore/capture_payment", &json!({"cartKey": "cart-m-demo"})).await;
    assert_eq!(cap.body["result"], "Failure", "a voided hold cannot be captured: {:?}", cap.body);
    let a = s.get(&format!("/instore/credit_available_refund/{id}"), &[]).await;
    assert_eq!(a.body["data"]["available"]["amount"], 0);
    s.verify();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replays_return_the_first_reply_and_never_apply_twice() {
    let s = start("");
    let first = collect(&s, "r-1", "4242424242424242", 1999).await;
    let before = ledger_digest(s.server.data.path());
    let again = collect(&s, "r-1", "4242424242424242", 1999).await;
    assert_eq!(again, first);
    assert_eq!(ledger_digest(s.server.data.path()), before);
    // The same reference for a different payment is refused, not answered with the first.
    let r = s.post("/instore/collect_credit_payment", &collect_body("r-1", "4242424242424242", 2000)).await;
    assert_eq!(r.status, 409, "{:?}", r.body);
    assert_eq!(r.body["code"], "conflict");
    // A replayed decline stays the same decline.
    let d1 = collect(&s, "r-d", "4000000000000002", 500).await;
    let d2 = collect(&s, "r-d", "4000000000000002", 500).await;
    assert_eq!(d1, d2);
    assert_eq!(ledger_digest(s.server.data.path()), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refunds_and_cancels_against_what_was_collected() {
    let s = start("");
    let p = collect(&s, "r-ref", "4242424242424242", 5000).await;
    let id = p["data"]["processor_id"].as_str().unwrap().to_string();
    let available = |v: &Value| v["data"]["available"]["amount"].as_i64().unwrap();
    let a = s.get(&format!("/instore/credit_available_refund/{id}"), &[]).await;
    assert_eq!(available(&a.body), 5000);
    let refund = |amount: &str, rid: &str| json!({"saleId": "s-1", "last4": "4242", "reference": "r-ref", "amount": amount, "currency": "EUR", "refund_id": rid});
    let r = s.post("/instore/create_credit_refund", &refund("2000", "a")).await;
    assert_eq!(
        (r.body["result"].as_str(), r.body["status"].as_str()),
        (Some("Success"), Some("refunded")),
        "{:?}",
        r.body
    );
    assert_eq!(r.body["data"]["refunded"]["amount"], 2000);
    // The identical request again is a replay: nothing more is refunded.
    let before = ledger_digest(s.server.data.path());
    let again = s.post("/instore/create_credit_refund", &refund("2000", "a")).await;
    assert_eq!(again.body, r.body);
    assert_eq!(ledger_digest(s.server.data.path()), before);
    // More than what is left is declined; exactly what is left (as a decimal) is refunded.
    let over = s.post("/instore/create_credit_refund", &refund("3001", "b")).await;
    assert_eq!((over.body["result"].as_str(), over.body["status"].as_str()), (Some("Failure"), Some("declined")));
    let rest = s.post("/instore/create_credit_refund", &refund("30.00", "c")).await;
    assert_eq!(rest.body["data"]["refunded"]["amount"], 5000, "{:?}", rest.body);
    let a = s.get(&format!("/instore/credit_available_refund/{id}"), &[]).await;
    assert_eq!(available(&a.body), 0);
    let none = s.post("/instore/create_credit_refund", &refund("1", "d")).await;
    assert_eq!(none.body["result"], "Failure");
    // A partly refunded payment cannot be cancelled.
    let c = s.post("/instore/cancel_credit_payment", &json!({"processor_id": id})).await;
    assert_eq!(c.body["result"], "Failure");

    // A fresh payment is cancelled (reversed) once; after that nothing can be refunded.
    let q = collect(&s, "r-can", "4242424242424242", 1234).await;
    let qid = q["data"]["processor_id"].as_str().unwrap().to_string();
    let c1 = s.post("/instore/cancel_credit_payment", &json!({"processor_id": qid, "brand": "visa"})).await;
    assert_eq!(c1.body["status"], "canceled");
    let before = ledger_digest(s.server.data.path());
    let c2 = s.post("/instore/cancel_credit_payment", &json!({"processor_id": qid, "brand": "visa"})).await;
    assert_eq!(c2.body, c1.body);
    assert_eq!(ledger_digest(s.server.data.path()), before);
    let r = s
        .post(
            "/instore/create_credit_refund",
            &json!({"processor_id": qid, "amount": "1", "currency": "EUR", "reference": "r-can"}),
        )
        .await;
    assert_eq!(r.body["result"], "Failure");
    let t = s.get(&format!("/instore/payment_transaction/{qid}"), &[]).await;
    assert_eq!(t.body["status"], "canceled");
    let missing = s.get("/instore/payment_transaction/000000000000", &[]).await;
    assert_eq!(missing.status, 404);
    s.verify();
}
