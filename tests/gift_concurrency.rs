//! Concurrency and replays over a real socket: many redeems racing for one card, and the same
//! `externalTransactionId` sent again (also concurrently).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{DataDir, card, gift_body};
use serde_json::{Value, json};

#[tokio::test]
async fn thirty_two_concurrent_redeems_of_one_on_ten() {
    let dir = DataDir::new();
    let n = dir.generate_cards(1).remove(0);
    let server = std::sync::Arc::new(dir.serve());
    let (status, sold) =
        server.post("/gift/sell.json", &gift_body(json!({"cardInfo": card(&n), "amount": "10.00"}))).await;
    assert_eq!(status, 200, "{sold}");

    let mut tasks = Vec::new();
    for i in 0..32 {
        let server = server.clone();
        let n = n.clone();
        tasks.push(tokio::spawn(async move {
            let body = gift_body(
                json!({"cardInfo": card(&n), "amount": "1.00", "externalTransactionId": format!("race-{i}")}),
            );
            server.post("/gift/redeem.json", &body).await
        }));
    }
    let mut ok = 0;
    let mut balances = Vec::new();
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            200 => {
                ok += 1;
                balances.push(body["currentBalance"].as_str().unwrap().to_string());
            }
            422 => assert_eq!(body["errorCode"], "insufficient_funds", "{body}"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(ok, 10, "exactly ten redeems of 1.00 fit on 10.00");
    balances.sort();
    let expected: Vec<String> = (0..10).map(|i| format!("{i}.00")).collect();
    assert_eq!(balances, expected, "every success saw its own balance");
    let (_, b) = server.post("/gift/balance.json", &gift_body(json!({"cardInfo": card(&n)}))).await;
    assert_eq!(b["currentBalance"], "0.00");
    let out = server.data.till_output(&["verify"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}

#[tokio::test]
async fn the_same_external_id_replays_the_first_reply() {
    let dir = DataDir::new();
    let n = dir.generate_cards(1).remove(0);
    let server = std::sync::Arc::new(dir.serve());
    let sell = gift_body(json!({"cardInfo": card(&n), "amount": "40.00", "externalTransactionId": "sell-1"}));
    let (_, first_sell) = server.post("/gift/sell.json", &sell).await;
    let (status, again) = server.post("/gift/sell.json", &sell).await;
    assert_eq!((status, &again), (200, &first_sell), "a replayed sell is not 'card already active'");

    let redeem = gift_body(json!({"cardInfo": card(&n), "amount": "2.50", "externalTransactionId": "pos-77"}));
    let (status, first) = server.post("/gift/redeem.json", &redeem).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["currentBalance"], "37.50");
    let before = common::ledger_digest(server.data.path());

    // Eight replays at once: all get the first reply, byte for byte; none moves money.
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let server = server.clone();
        let redeem = redeem.clone();
        tasks.push(tokio::spawn(async move { server.post("/gift/redeem.json", &redeem).await }));
    }
    for t in tasks {
        let (status, body) = t.await.unwrap();
        assert_eq!((status, &body), (200, &first));
    }
    assert_eq!(common::ledger_digest(server.data.path()), before);

    // The same id for a different request is refused.
    let other = gift_body(json!({"cardInfo": card(&n), "amount": "3.00", "externalTransactionId": "pos-77"}));
    let (status, body) = server.post("/gift/redeem.json", &other).await;
    assert_eq!((status, body["errorCode"].as_str()), (409, Some("duplicate_transaction_id")), "{body}");
    let reload = gift_body(json!({"cardInfo": card(&n), "amount": "10.00", "externalTransactionId": "pos-77"}));
    let (status, _) = server.post("/gift/reload.json", &reload).await;
    assert_eq!(status, 409);

    // Reversed by its id: the money is back; replaying the original still answers the first reply
    // and does not take the money again.
    let (status, rev) = server.post("/gift/reverse.json", &gift_body(json!({"externalTransactionId": "pos-77"}))).await;
    assert_eq!(status, 200, "{rev}");
    assert_eq!(rev["currentBalance"], "40.00");
    let (status, body) = server.post("/gift/redeem.json", &redeem).await;
    assert_eq!((status, &body), (200, &first));
    let (_, b) = server.post("/gift/balance.json", &gift_body(json!({"cardInfo": card(&n)}))).await;
    assert_eq!(b["currentBalance"], "40.00");

    // Reversing by either id twice changes nothing more.
    let (_, rev2) =
        server.post("/gift/reverse.json", &gift_body(json!({"pxTransactionId": first["pxTransactionId"]}))).await;
    assert_eq!(rev2, rev);
    let (status, body): (u16, Value) = server
        .post(
            "/gift/reverse.json",
            &gift_body(json!({"pxTransactionId": first["pxTransactionId"], "externalTransactionId": "sell-1"})),
        )
        .await;
    assert_eq!((status, body["errorCode"].as_str()), (400, Some("invalid_request")), "{body}");
    let out = server.data.till_output(&["verify"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}
