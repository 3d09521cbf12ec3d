//! The digital wallet extension over a real socket: a single-use code from `till wallet barcode`,
//! pay (total + tip), replays, used and unknown codes, insufficient funds, partial and full
//! refunds never past what was paid, cancel and log_cancel, and `till verify` after.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod instore_util;

use common::ledger_digest;
use instore_util::*;
use serde_json::{Value, json};

fn wallet(s: &Instore, balance: &str) -> i64 {
    let out = s.server.till(&["wallet", "create", "--name", "Ann", "--balance", balance]);
    let v: Value = serde_json::from_str(out.trim()).expect("wallet JSON");
    v["wallet_id"].as_i64().expect("wallet_id")
}

fn barcode(s: &Instore, wallet: i64) -> String {
    let code = s.server.till(&["wallet", "barcode", "--wallet", &wallet.to_string()]).trim().to_string();
    assert_eq!(code.len(), 24, "{code:?}");
    code
}

fn pay(code: &str, total: i64, tip: i64) -> Value {
    json!({"barcode": code, "currency": "EUR", "total": total, "tip": tip, "pos_local_time": "2026-12-01 12:37:54", "note": "order-7"})
}

async fn balance(s: &Instore, wallet: i64) -> i64 {
    // The wallet's balance, read through the spots wallet API on the same data directory.
    let dir = s.server.data.path().to_path_buf();
    let engine = till::engine::Engine::open(&dir, till::engine::OpenOptions { demo: false }).expect("engine");
    let b = till::engine::spots::wallets::balance(&engine, wallet).expect("balance").expect("wallet");
    b.at_disposal.minor()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pay_refund_and_cancel_on_a_customer_wallet() {
    let s = start("");
    let r = s.post("/instore/initialize_wallet", &json!({"location_id": "001"})).await;
    assert_eq!(r.body, json!({"result": "Success", "error": null, "code": "00"}));
    let w = wallet(&s, "50.00");
    let code = barcode(&s, w);

    let paid = s.post("/instore/pay_wallet", &pay(&code, 1050, 100)).await;
    assert_eq!(paid.status, 200, "{:?}", paid.body);
    let b = &paid.body;
    assert_eq!((b["result"].as_str(), b["code"].as_str()), (Some("Success"), Some("00")), "{b}");
    assert_eq!(
        (b["total"].as_str(), b["tip"].as_str(), b["subtotal"].as_str()),
        (Some("1050"), Some("100"), Some("1150"))
    );
    assert_eq!((b["merchant_id"].as_str(), b["terminal_id"].as_str()), (Some("1"), Some("T01")));
    assert_eq!(b["pos_local_time"], "2026-12-01 12:37:54");
    let tx = b["transaction_id"].as_str().unwrap().to_string();
    assert_eq!(balance(&s, w).await, 5000 - 1150);

    // The same request again is the same payment; the code cannot pay a second time.
    let before = ledger_digest(s.server.data.path());
    let again = s.post("/instore/pay_wallet", &pay(&code, 1050, 100)).await;
    assert_eq!(again.body, paid.body);
    let other = s.post("/instore/pay_wallet", &pay(&code, 999, 0)).await;
    assert_eq!(other.status, 409, "{:?}", other.body);
    assert_eq!(ledger_digest(s.server.data.path()), before);
    let unknown = s.post("/instore/pay_wallet", &pay("000000000000000000000001", 100, 0)).await;
    assert_eq!((unknown.body["result"].as_str(), unknown.body["code"].as_str()), (Some("Failure"), Some("14")));
    let poor = s.post("/instore/pay_wallet", &pay(&barcode(&s, w), 10_000, 0)).await;
    assert_eq!(poor.body["code"], "51", "{:?}", poor.body);

    // Refunds: partial, then more than is left (declined), then the rest.
    let avail = |v: &Value| v["available"].as_str().unwrap().parse::<i64>().unwrap();
    let a = s.post("/instore/available_wallet_refund", &json!({"transaction_id": tx})).await;
    assert_eq!(avail(&a.body), 1150);
    let refund = |amount: Option<i64>| {
        let mut v = json!({"transaction_id": tx, "pos_local_time": "2026-12-01 12:40:00", "note": "refund"});
        if let Some(a) = amount {
            v["amount"] = json!(a);
        }
        v
    };
    let r = s.post("/instore/refund_wallet_payment", &refund(Some(400))).await;
    assert_eq!((r.body["result"].as_str(), r.body["amount"].as_str()), (Some("Success"), Some("400")), "{:?}", r.body);
    assert_eq!(r.body["original_transaction_id"], tx.as_str());
    assert_eq!(r.body["original_reference"], "order-7");
    let replay = s.post("/instore/refund_wallet_payment", &refund(Some(400))).await;
    assert_eq!(replay.body, r.body, "the identical refund is a replay");
    let over = s.post("/instore/refund_wallet_payment", &refund(Some(751))).await;
    assert_eq!(over.body["result"], "Failure");
    let rest = s.post("/instore/refund_wallet_payment", &refund(None)).await;
    assert_eq!((rest.body["amount"].as_str(), rest.body["refunded"].as_str()), (Some("750"), Some("1150")));
    let a = s.post("/instore/available_wallet_refund", &json!({"transaction_id": tx})).await;
    assert_eq!(avail(&a.body), 0);
    assert_eq!(balance(&s, w).await, 5000);

    // Cancel: a fresh payment comes back whole, once.
    let code2 = barcode(&s, w);
    let p2 = s.post("/instore/pay_wallet", &pay(&code2, 2000, 0)).await;
    let tx2 = p2.body["transaction_id"].as_str().unwrap().to_string();
    assert_eq!(balance(&s, w).await, 3000);
    let c = s.post("/instore/cancel_wallet_payment", &json!({"transaction_id": tx2})).await;
    assert_eq!(c.body, json!({"result": "Success", "error": null, "code": "00"}));
    let c2 = s.post("/instore/cancel_wallet_payment", &json!({"transaction_id": tx2})).await;
    assert_eq!(c2.body, c.body);
    assert_eq!(balance(&s, w).await, 5000);
    let r = s.post("/instore/refund_wallet_payment", &json!({"transaction_id": tx2, "amount": 1})).await;
    assert_eq!(r.body["result"], "Failure", "nothing to refund after a cancel");

    // log_cancel_wallet: the POS logs a cancel of a payment by its code; the payment is cancelled.
    let code3 = barcode(&s, w);
    s.post("/instore/pay_wallet", &pay(&code3, 700, 0)).await;
    assert_eq!(balance(&s, w).await, 4300);
    let log = json!({"barcode": code3, "total": "700", "tip": 0, "currency": "EUR", "reference": "123456",
        "response_code": "00", "pos_local_time": "2026-12-01 12:45:00", "error_message": ""});
    let r = s.post("/instore/log_cancel_wallet", &log).await;
    assert_eq!(r.body["result"], "Success", "{:?}", r.body);
    let r2 = s.post("/instore/log_cancel_wallet", &log).await;
    assert_eq!(r2.body, r.body);
    assert_eq!(balance(&s, w).await, 5000);
    s.verify();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_expire() {
    let s = start("[instore.wallet]\nbarcode_seconds = 0\n");
    let w = wallet(&s, "10.00");
    let code = barcode(&s, w);
    let r = s.post("/instore/pay_wallet", &pay(&code, 100, 0)).await;
    assert_eq!((r.body["result"].as_str(), r.body["code"].as_str()), (Some("Failure"), Some("54")), "{:?}", r.body);
    let out = s.server.data.till_output(&["wallet", "barcode", "--wallet", "999999"]);
    assert!(!out.status.success(), "no code for a wallet that does not exist");
}
