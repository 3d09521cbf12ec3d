//! What the README promises about time, on the engine's clock moved by the test (no sleeping, no
//! luck): a gift card expires `expiry_months` after it was sold and a reload renews it; a user
//! locked by five wrong PINs gets in again after exactly 15 minutes; a caller cooled down on a card
//! by three wrong PINs may try again after 15 minutes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod inproc;

use std::time::Duration;

use common::gift_body;
use inproc::InProc;
use serde_json::{Value, json};

/// One month as the card program counts it (30.44 days).
const MONTH: u64 = 2_629_746;

async fn gift(api: &InProc, op: &str, fields: Value) -> (u16, Value) {
    api.call("POST", &format!("/gift/{op}.json"), None, Some(&gift_body(fields))).await
}

fn card(n: &str) -> Value {
    json!({"printedCardNumber": n})
}

#[tokio::test]
async fn a_gift_card_expires_after_its_months_and_a_reload_renews_it() {
    let api = InProc::open("[gift_program]\nexpiry_months = 12").await;
    let cards = till::engine::cards::generate(&api.engine, 2).unwrap();
    let (a, b) = (&cards[0], &cards[1]);
    for n in [a, b] {
        let (status, sold) = gift(&api, "sell", json!({"cardInfo": card(n), "amount": "20.00"})).await;
        assert_eq!(status, 200, "{sold}");
    }

    // An hour before its twelve months are up, card a still gives value; b is reloaded.
    api.advance(Duration::from_secs(12 * MONTH - 3600));
    let (status, r) = gift(&api, "redeem", json!({"cardInfo": card(a), "amount": "1.00"})).await;
    assert_eq!((status, &r["currentBalance"]), (200, &json!("19.00")), "{r}");
    let (status, r) = gift(&api, "reload", json!({"cardInfo": card(b), "amount": "5.00"})).await;
    assert_eq!(status, 200, "{r}");

    // Two hours later a has expired: no value, and the balance enquiry says so; b's reload renewed it.
    api.advance(Duration::from_secs(7200));
    let (status, r) = gift(&api, "redeem", json!({"cardInfo": card(a), "amount": "1.00"})).await;
    assert_eq!((status, &r["errorCode"]), (409, &json!("card_expired")), "{r}");
    let (status, r) = gift(&api, "balance", json!({"cardInfo": card(a)})).await;
    assert_eq!((status, &r["currentBalance"]), (200, &json!("19.00")), "{r}");
    assert!(r["posMessages"].to_string().contains("has expired"), "{r}");
    let (status, r) = gift(&api, "redeem", json!({"cardInfo": card(b), "amount": "1.00"})).await;
    assert_eq!((status, &r["currentBalance"]), (200, &json!("24.00")), "{r}");
}

async fn login(api: &InProc, user: u32, pin: &str) -> (u16, Value) {
    api.call_as(None, "POST", "/till/v1/sessions", None, Some(&json!({"user": user, "pin": pin}))).await
}

#[tokio::test]
async fn a_locked_user_gets_in_again_after_exactly_fifteen_minutes() {
    let api = InProc::open("").await;
    for _ in 0..5 {
        let (status, r) = login(&api, 9001, "0000").await;
        assert_eq!((status, &r["error"]["code"]), (401, &json!("wrong_pin")), "{r}");
    }
    let (status, _) = login(&api, 9001, "9999").await;
    assert_eq!(status, 401, "locked: the right PIN is refused");

    // A second short of fifteen minutes the lock holds (and a try then does not extend it)…
    api.advance(Duration::from_secs(15 * 60 - 1));
    let (status, _) = login(&api, 9001, "9999").await;
    assert_eq!(status, 401, "still locked at 14:59");
    // …and at fifteen minutes it ends by itself, with no `till user unlock`.
    api.advance(Duration::from_secs(1));
    let (status, r) = login(&api, 9001, "9999").await;
    assert_eq!(status, 201, "the lock ended at 15:00: {r}");
    assert!(r["token"].is_string(), "{r}");
}

#[tokio::test]
async fn a_caller_cooled_down_on_a_card_may_try_again_after_fifteen_minutes() {
    let api = InProc::open("").await;
    let pin_card = common::DEMO_CARD_PIN;
    let redeem =
        |pin: &'static str| json!({"cardInfo": {"printedCardNumber": pin_card, "cardRegCode": pin}, "amount": "1.00"});
    for n in 1..=3 {
        let (status, r) = gift(&api, "redeem", redeem("0000")).await;
        let expected = if n < 3 { (403, json!("invalid_pin")) } else { (423, json!("card_locked")) };
        assert_eq!((status, r["errorCode"].clone()), expected, "wrong PIN {n}: {r}");
    }
    let (status, r) = gift(&api, "redeem", redeem("1234")).await;
    assert_eq!((status, &r["errorCode"]), (423, &json!("card_locked")), "{r}");
    api.advance(Duration::from_secs(15 * 60 - 1));
    let (status, r) = gift(&api, "redeem", redeem("1234")).await;
    assert_eq!((status, &r["errorCode"]), (423, &json!("card_locked")), "still cooling at 14:59: {r}");
    api.advance(Duration::from_secs(1));
    let (status, r) = gift(&api, "redeem", redeem("1234")).await;
    assert_eq!((status, &r["currentBalance"]), (200, &json!("49.00")), "{r}");
}
