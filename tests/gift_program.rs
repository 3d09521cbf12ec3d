//! The program's rules come from `[gift_program]` in `till.toml`: the cash-out rule and the PIN
//! policy, checked against a real server started on an edited configuration.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{DataDir, card, gift_body};
use serde_json::json;

fn with_program(edits: &[(&str, &str)]) -> DataDir {
    let dir = DataDir::new();
    let path = dir.path().join("till.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    for (from, to) in edits {
        assert!(text.contains(from), "till.toml has no {from:?}");
        text = text.replace(from, to);
    }
    std::fs::write(&path, text).unwrap();
    dir
}

#[tokio::test]
async fn cash_out_always_and_required_pins() {
    let dir = with_program(&[
        ("cash_out = \"at_or_under\"", "cash_out = \"always\""),
        ("pin = \"optional\"", "pin = \"required\""),
    ]);
    let server = dir.serve();
    let n = common::DEMO_CARD_PIN;
    // A card with a PIN needs it to give value; loading it does not.
    let (status, body) =
        server.post("/gift/redeem.json", &gift_body(json!({"cardInfo": card(n), "amount": "1.00"}))).await;
    assert_eq!((status, body["errorCode"].as_str()), (403, Some("invalid_pin")), "{body}");
    assert!(body["errorMessage"].as_str().unwrap().contains("needs its PIN"), "{body}");
    let (status, _) =
        server.post("/gift/reload.json", &gift_body(json!({"cardInfo": card(n), "amount": "10.00"}))).await;
    assert_eq!(status, 200);
    // 60.00 is far over the demo threshold, but this program always pays out.
    let with_pin = json!({"printedCardNumber": n, "cardRegCode": "1234"});
    let (status, body) = server.post("/gift/cashOut.json", &gift_body(json!({"cardInfo": with_pin}))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!((body["transactionAmount"].as_str(), body["currentBalance"].as_str()), (Some("60.00"), Some("0.00")));
}

#[tokio::test]
async fn cash_out_never() {
    let server = with_program(&[("cash_out = \"at_or_under\"", "cash_out = \"never\"")]).serve();
    let (status, body) =
        server.post("/gift/cashOut.json", &gift_body(json!({"cardInfo": card(common::DEMO_CARD_PHONE)}))).await;
    assert_eq!((status, body["errorCode"].as_str()), (422, Some("cash_out_not_allowed")), "{body}");
}
