//! Arithmetic and input edges (issue 15.2) through the whole API in process (`Router::oneshot`:
//! every layer a request passes, no socket needed to check what is answered): the named attacks
//! answer a 4xx with a stable code, never a 500 or a clamped balance.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod inproc;
mod retail_util;

use common::{card, gift_body};
use inproc::InProc;
use retail_util::{key, seed_order};
use serde_json::json;

#[tokio::test]
async fn huge_redeems_and_refunds_are_refused_not_500() {
    let api = InProc::open("").await;
    let before = common::ledger_digest(api.dir.path());
    let n = common::DEMO_CARD_PHONE; // 25.00, no PIN
    for (amount, tip) in [("92233720368547758.07", "0.01"), ("1000.00", "92233720368547758.07"), ("999.99", "0.02")] {
        let body = gift_body(json!({"cardInfo": card(n), "amount": amount, "tip": tip}));
        let (status, reply) = api.call("POST", "/gift/redeem.json", None, Some(&body)).await;
        assert!((400..500).contains(&status), "{amount} + {tip}: {status} {reply}");
        assert!(
            matches!(reply["errorCode"].as_str(), Some("amount_above_maximum" | "invalid_request")),
            "{amount} + {tip}: {reply}"
        );
    }
    assert_eq!(common::ledger_digest(api.dir.path()), before);
}

#[tokio::test]
async fn amounts_with_spaces_and_two_cards_in_one_card_info_are_refused() {
    let api = InProc::open("").await;
    let before = common::ledger_digest(api.dir.path());
    for amount in [" 1.00", "1.00 ", "\t1.00"] {
        let body = gift_body(json!({"cardInfo": card(common::DEMO_CARD_PHONE), "amount": amount}));
        let (status, reply) = api.call("POST", "/gift/redeem.json", None, Some(&body)).await;
        assert_eq!((status, reply["errorCode"].as_str()), (400, Some("invalid_request")), "{amount:?}: {reply}");
    }
    // The number of one card and the phone registered to another.
    let both =
        json!({"printedCardNumber": common::DEMO_CARD_PIN, "cardRegCode": "1234", "phoneNumber": common::DEMO_PHONE});
    for op in ["/gift/redeem.json", "/gift/balance.json"] {
        let (status, reply) =
            api.call("POST", op, None, Some(&gift_body(json!({"cardInfo": both, "amount": "1.00"})))).await;
        assert_eq!((status, reply["errorCode"].as_str()), (400, Some("invalid_request")), "{op}: {reply}");
        assert!(reply["errorMessage"].as_str().unwrap().contains("two different cards"), "{reply}");
    }
    assert_eq!(common::ledger_digest(api.dir.path()), before);

    let mut order = seed_order();
    order["face_value"]["amount"] = json!(" 100.0");
    let (status, reply) = api.call("POST", "/v1/retail_orders", Some(&key()), Some(&order)).await;
    assert_eq!((status, &reply["error"]["code"]), (400, &json!("invalid_amount")), "{reply}");
}

#[tokio::test]
async fn top_ups_are_bounded_and_never_clamp_the_balance() {
    let api = InProc::open("[retail]\nmax_top_up = \"9000000000000.00\"").await;
    let top_up = |amount: &str| json!({"amount": {"currency": "EUR", "amount": amount}});
    // Over the configured bound per operation.
    let (status, reply) =
        api.call("POST", "/v1/balances/top_ups", Some(&key()), Some(&top_up("92233720368547758.07"))).await;
    assert_eq!((status, &reply["error"]["code"]), (422, &json!("amount_above_maximum")), "{reply}");
    let (_, before) = api.call("GET", "/v1/balances", None, None).await;
    // Two large top-ups: the second would pass the balance cap and is refused whole.
    let (status, reply) =
        api.call("POST", "/v1/balances/top_ups", Some(&key()), Some(&top_up("9000000000000.00"))).await;
    assert_eq!(status, 201, "{reply}");
    let (status, reply) =
        api.call("POST", "/v1/balances/top_ups", Some(&key()), Some(&top_up("2000000000000.00"))).await;
    assert_eq!((status, &reply["error"]["code"]), (422, &json!("balance_limit_exceeded")), "{reply}");
    // A hold still shows: create an order and read the balances back exactly.
    let (status, order) = api.call("POST", "/v1/retail_orders", Some(&key()), Some(&seed_order())).await;
    assert_eq!(status, 201, "create: {order}");
    let (status, after) = api.call("GET", "/v1/balances", None, None).await;
    assert_eq!(status, 200, "{after}");
    let eur = |v: &serde_json::Value, field: &str| -> String {
        v["data"].as_array().unwrap().iter().find(|b| b["currency"] == "EUR").unwrap()[field]["amount"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let _ = before;
    assert_ne!(eur(&after, "available"), eur(&after, "posted"), "the hold is not ignored: {after}");
}

#[tokio::test]
async fn unknown_countries_and_bad_pages_are_400() {
    let api = InProc::open("").await;
    let store = json!({"id": "Z1", "name": "Z", "country": "XX",
        "address": {"street": "Main 1", "postal_code": "12345", "city": "Nowhere"}});
    let (status, reply) = api.call("POST", "/v1/stores", Some(&key()), Some(&store)).await;
    assert_eq!((status, &reply["error"]["code"]), (400, &json!("invalid_country")), "{reply}");
    for path in [
        "/v1/retail_orders?limit=0",
        "/v1/retail_orders?limit=100000",
        "/v1/retail_orders?cursor=ord_does_not_exist",
        "/v1/retail_orders?cursor=%27%20OR%201%3D1",
        "/v1/products?limit=0",
        "/v1/products?cursor=%00",
        "/v1/stores?limit=0",
        "/v1/products?country=XX",
    ] {
        let (status, reply) = api.call("GET", path, None, None).await;
        assert_eq!(status, 400, "{path}: {reply}");
        assert!(reply["error"]["code"].as_str().is_some(), "{path}: {reply}");
    }
}
