//! Every gift operation over a real socket against a real `till serve`: its success and each of
//! its failures, as the seed's Success and Failure objects.

mod common;

use common::{DataDir, TestServer, card, gift_body};
use serde_json::{Value, json};

fn luhn_ok(n: &str) -> bool {
    let sum: u32 = n
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 { if d * 2 > 9 { d * 2 - 9 } else { d * 2 } } else { d }
        })
        .sum();
    sum.is_multiple_of(10)
}

async fn ok(server: &TestServer, path: &str, fields: Value) -> Value {
    let (status, body) = server.post(path, &gift_body(fields.clone())).await;
    assert_eq!(status, 200, "{path} {fields} -> {body}");
    assert_eq!(body["result"], "success", "{body}");
    body
}

async fn fails(server: &TestServer, path: &str, fields: Value, status: u16, code: &str) -> Value {
    let (got, body) = server.post(path, &gift_body(fields.clone())).await;
    assert_eq!((got, body["errorCode"].as_str()), (status, Some(code)), "{path} {fields} -> {body}");
    assert_eq!(body["result"], "failure");
    assert!(body["errorMessage"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    body
}

fn setup(cards: u32) -> (TestServer, Vec<String>) {
    let dir = DataDir::new();
    let numbers = dir.generate_cards(cards);
    assert_eq!(numbers.len(), cards as usize);
    (dir.serve(), numbers)
}

#[tokio::test]
async fn sell_reload_balance_redeem_and_cash_out() {
    let (server, cards) = setup(1);
    let n = &cards[0];
    assert!(n.starts_with("603628") && n.len() == 16 && luhn_ok(n), "{n}");

    let sold = ok(&server, "/gift/sell.json", json!({"cardInfo": {"printedCardNumber": n}, "amount": "20.00"})).await;
    assert_eq!(sold["currentBalance"], "20.00");
    assert_eq!(sold["previousBalance"], "0.00");
    assert_eq!(sold["transactionAmount"], "20.00");
    assert_eq!(sold["printedCardNumber"], n.as_str());
    assert_eq!(sold["maskedCardNumber"], format!("************{}", &n[12..]));
    assert!(sold["pxTransactionId"].as_i64().is_some_and(|p| p > 0));
    let auth = sold["pxAuthCode"].as_str().unwrap();
    assert!(auth.len() == 6 && auth.bytes().all(|b| b.is_ascii_digit()), "{auth}");
    assert_eq!(sold["cardTemplateCode"], 100);
    assert_eq!(sold["cardTemplateName"], "Demo Coffee Gift Card");
    assert_eq!(sold["tierCode"], 1);
    assert_eq!(sold["tierName"], "Standard");
    assert!(sold["posMessages"].is_array());

    fails(&server, "/gift/sell.json", json!({"cardInfo": card(n), "amount": "5.00"}), 409, "card_already_active").await;

    let r = ok(&server, "/gift/reload.json", json!({"cardInfo": card(n), "amount": 5.5, "tender": "card"})).await;
    assert_eq!((r["previousBalance"].as_str(), r["currentBalance"].as_str()), (Some("20.00"), Some("25.50")));

    let b = ok(&server, "/gift/balance.json", json!({"cardInfo": {"printedCardNumber": n}})).await;
    assert_eq!(b["currentBalance"], "25.50");
    assert!(b.get("transactionAmount").is_none(), "a balance enquiry changes nothing: {b}");

    let r = ok(&server, "/gift/redeem.json", json!({"cardInfo": card(n), "amount": "3.00", "tip": "0.50"})).await;
    assert_eq!((r["transactionAmount"].as_str(), r["currentBalance"].as_str()), (Some("3.50"), Some("22.00")));

    // The same card read from a swipe (track 2 with and without sentinels, track 1) and a barcode.
    let r = ok(
        &server,
        "/gift/redeem.json",
        json!({"cardInfo": {"trackInfo": format!(";{n}=30121010000?")}, "amount": "1"}),
    )
    .await;
    assert_eq!(r["currentBalance"], "21.00");
    let r = ok(&server, "/gift/redeem.json", json!({"cardInfo": {"trackInfo": format!("{n}=3012101")}, "amount": "1"}))
        .await;
    assert_eq!(r["currentBalance"], "20.00");
    let track1 = format!("%B{n}^GUEST/A^3012101?");
    let r = ok(&server, "/gift/redeem.json", json!({"cardInfo": {"trackInfo": track1}, "amount": "1"})).await;
    assert_eq!(r["currentBalance"], "19.00");
    let r = ok(&server, "/gift/redeem.json", json!({"cardInfo": {"barcode": n}, "amount": "1"})).await;
    assert_eq!(r["currentBalance"], "18.00");

    // Cash-out only at or under 10.00 (the demo program's rule).
    let f = fails(&server, "/gift/cashOut.json", json!({"cardInfo": card(n)}), 422, "cash_out_not_allowed").await;
    assert!(f["errorMessage"].as_str().unwrap().contains("18.00"), "{f}");
    ok(&server, "/gift/redeem.json", json!({"cardInfo": card(n), "amount": "9.00"})).await;
    let c = ok(&server, "/gift/cashOut.json", json!({"cardInfo": card(n)})).await;
    assert_eq!((c["transactionAmount"].as_str(), c["currentBalance"].as_str()), (Some("9.00"), Some("0.00")));
    fails(&server, "/gift/cashOut.json", json!({"cardInfo": card(n)}), 422, "nothing_to_cash_out").await;

    // Partial redemption only when asked for.
    ok(&server, "/gift/reload.json", json!({"cardInfo": card(n), "amount": "6.00"})).await;
    let f =
        fails(&server, "/gift/redeem.json", json!({"cardInfo": card(n), "amount": "8.00"}), 422, "insufficient_funds")
            .await;
    assert!(f["errorMessage"].as_str().unwrap().contains("6.00"), "names the balance: {f}");
    let p = ok(
        &server,
        "/gift/redeem.json",
        json!({"cardInfo": card(n), "amount": "8.00", "tip": "1.00", "allowPartial": true}),
    )
    .await;
    assert_eq!((p["transactionAmount"].as_str(), p["currentBalance"].as_str()), (Some("6.00"), Some("0.00")));
    assert!(p["posMessages"][0].as_str().unwrap().contains("3.00 still to pay"), "{p}");
    fails(
        &server,
        "/gift/redeem.json",
        json!({"cardInfo": card(n), "amount": "1.00", "allowPartial": true}),
        422,
        "insufficient_funds",
    )
    .await;

    // No card given: a new e-gift card; with only a phone number: one registered to that phone.
    let e = ok(&server, "/gift/sell.json", json!({"amount": "15.00"})).await;
    let egift = e["printedCardNumber"].as_str().unwrap().to_string();
    assert!(egift.starts_with("603628") && luhn_ok(&egift) && egift != *n, "{e}");
    assert_eq!(e["currentBalance"], "15.00");
    let b = ok(&server, "/gift/balance.json", json!({"cardInfo": card(&egift)})).await;
    assert_eq!(b["currentBalance"], "15.00");
    let p = ok(&server, "/gift/sell.json", json!({"cardInfo": {"phoneNumber": "+49 170 5550123"}, "amount": "12.00"}))
        .await;
    let b = ok(&server, "/gift/balance.json", json!({"cardInfo": {"phoneNumber": "+491705550123"}})).await;
    assert_eq!(b["currentBalance"], "12.00");
    assert_eq!(b["maskedCardNumber"], p["maskedCardNumber"]);
    assert_eq!(b["printedCardNumber"], b["maskedCardNumber"], "a phone lookup never reveals the number");
    fails(
        &server,
        "/gift/sell.json",
        json!({"cardInfo": {"phoneNumber": "+491705550123"}, "amount": "12.00"}),
        422,
        "phone_already_registered",
    )
    .await;

    let out = server.data.till_output(&["verify"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}

#[tokio::test]
async fn exchange_activate_deactivate_and_refund() {
    let (server, cards) = setup(3);
    let (a, b, c) = (&cards[0], &cards[1], &cards[2]);
    ok(&server, "/gift/sell.json", json!({"cardInfo": card(a), "amount": "30.00"})).await;

    // Refunds against a redeem, never more than it took.
    let r = ok(&server, "/gift/redeem.json", json!({"cardInfo": card(a), "amount": "8.00", "tip": "2.00"})).await;
    let px = r["pxTransactionId"].as_i64().unwrap();
    let f =
        ok(&server, "/gift/refund.json", json!({"cardInfo": card(a), "amount": "4.00", "pxTransactionId": px})).await;
    assert_eq!(f["currentBalance"], "24.00");
    let e = fails(
        &server,
        "/gift/refund.json",
        json!({"cardInfo": card(a), "amount": "6.01", "pxTransactionId": px}),
        422,
        "refund_exceeds_redeemed",
    )
    .await;
    assert!(e["errorMessage"].as_str().unwrap().contains("6.00"), "{e}");
    ok(&server, "/gift/refund.json", json!({"cardInfo": card(a), "amount": "6.00", "pxTransactionId": px})).await;
    fails(
        &server,
        "/gift/refund.json",
        json!({"cardInfo": card(a), "amount": "0.01", "pxTransactionId": px}),
        422,
        "refund_exceeds_redeemed",
    )
    .await;
    fails(
        &server,
        "/gift/refund.json",
        json!({"cardInfo": card(a), "amount": "1.00", "pxTransactionId": 12345}),
        404,
        "transaction_not_found",
    )
    .await;
    let sell_px = ok(&server, "/gift/balance.json", json!({"cardInfo": card(a)})).await;
    assert_eq!(sell_px["currentBalance"], "30.00");

    // Deactivate blocks use and keeps the balance; activate brings it back.
    let d = ok(&server, "/gift/deactivate.json", json!({"cardInfo": card(a)})).await;
    assert_eq!(d["currentBalance"], "30.00");
    fails(&server, "/gift/redeem.json", json!({"cardInfo": card(a), "amount": "1.00"}), 409, "card_deactivated").await;
    fails(&server, "/gift/reload.json", json!({"cardInfo": card(a), "amount": "10.00"}), 409, "card_deactivated").await;
    fails(&server, "/gift/deactivate.json", json!({"cardInfo": card(a)}), 409, "card_deactivated").await;
    let act = ok(&server, "/gift/activate.json", json!({"cardInfo": card(a)})).await;
    assert_eq!(act["currentBalance"], "30.00");

    // Exchange: the whole balance moves to an inactive card; the old one is closed.
    fails(&server, "/gift/exchange.json", json!({"cardInfo": card(a), "newCardInfo": card(a)}), 400, "invalid_request")
        .await;
    let x = ok(&server, "/gift/exchange.json", json!({"cardInfo": card(a), "newCardInfo": card(b)})).await;
    assert_eq!((x["printedCardNumber"].as_str(), x["currentBalance"].as_str()), (Some(b.as_str()), Some("30.00")));
    assert_eq!(x["transactionAmount"], "30.00");
    fails(&server, "/gift/redeem.json", json!({"cardInfo": card(a), "amount": "1.00"}), 409, "card_closed").await;
    fails(&server, "/gift/exchange.json", json!({"cardInfo": card(b), "newCardInfo": card(a)}), 409, "card_closed")
        .await;
    ok(&server, "/gift/sell.json", json!({"cardInfo": card(c), "amount": "5.00"})).await;
    fails(
        &server,
        "/gift/exchange.json",
        json!({"cardInfo": card(b), "newCardInfo": card(c)}),
        409,
        "card_already_active",
    )
    .await;

    // Activate without a load; twice is refused; deactivating an inactive card is refused.
    let dir_cards = server.data.generate_cards(1);
    let fresh = &dir_cards[0];
    fails(&server, "/gift/deactivate.json", json!({"cardInfo": card(fresh)}), 409, "card_inactive").await;
    fails(&server, "/gift/balance.json", json!({"cardInfo": card(fresh)}), 409, "card_inactive").await;
    let act = ok(&server, "/gift/activate.json", json!({"cardInfo": card(fresh)})).await;
    assert_eq!(act["currentBalance"], "0.00");
    fails(&server, "/gift/activate.json", json!({"cardInfo": card(fresh)}), 409, "card_already_active").await;

    // Reversals: by pxTransactionId; twice changes nothing; a reversal is not reversible.
    let before = ok(&server, "/gift/balance.json", json!({"cardInfo": card(b)})).await;
    let r = ok(&server, "/gift/redeem.json", json!({"cardInfo": card(b), "amount": "7.00"})).await;
    let px = r["pxTransactionId"].as_i64().unwrap();
    let rev = ok(&server, "/gift/reverse.json", json!({"pxTransactionId": px})).await;
    assert_eq!(rev["currentBalance"], before["currentBalance"]);
    assert_eq!(rev["transactionAmount"], "7.00");
    let again = ok(&server, "/gift/reverse.json", json!({"pxTransactionId": px})).await;
    assert_eq!(again, rev, "reversing twice answers the same and changes nothing");
    fails(&server, "/gift/reverse.json", json!({"pxTransactionId": rev["pxTransactionId"]}), 409, "not_reversible")
        .await;
    fails(
        &server,
        "/gift/refund.json",
        json!({"cardInfo": card(b), "amount": "1.00", "pxTransactionId": px}),
        409,
        "transaction_reversed",
    )
    .await;
    let after = ok(&server, "/gift/balance.json", json!({"cardInfo": card(b)})).await;
    assert_eq!(after["currentBalance"], before["currentBalance"]);

    // Reversing the exchange puts the money back and reopens the old card.
    let xr = ok(&server, "/gift/reverse.json", json!({"pxTransactionId": x["pxTransactionId"]})).await;
    assert_eq!((xr["printedCardNumber"].as_str(), xr["currentBalance"].as_str()), (Some(a.as_str()), Some("30.00")));
    ok(&server, "/gift/redeem.json", json!({"cardInfo": card(a), "amount": "1.00"})).await;
    fails(&server, "/gift/balance.json", json!({"cardInfo": card(b)}), 409, "card_inactive").await;

    let out = server.data.till_output(&["verify"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}

#[tokio::test]
async fn bad_input_gets_its_failure_and_changes_nothing() {
    let (server, cards) = setup(1);
    let inactive = &cards[0];
    let active = common::DEMO_CARD_PHONE;
    let before = common::ledger_digest(server.data.path());

    let long = |n: usize| "x".repeat(n);
    let mut bad_luhn = active.to_string();
    bad_luhn.replace_range(15..16, if active.ends_with('9') { "8" } else { "9" });
    let unknown = {
        // A well-formed number of the program that nobody registered.
        let body = "603628999999999";
        (0..10).map(|d| format!("{body}{d}")).find(|n| luhn_ok(n)).unwrap()
    };
    let cases: Vec<(&str, Value, u16, &str)> = vec![
        (
            "/gift/redeem.json",
            json!({"merchantId": null, "cardInfo": card(active), "amount": "1.00"}),
            400,
            "invalid_request",
        ),
        (
            "/gift/redeem.json",
            json!({"merchantId": "1", "cardInfo": card(active), "amount": "1.00"}),
            400,
            "invalid_request",
        ),
        ("/gift/redeem.json", json!({"cardInfo": card(active)}), 400, "invalid_request"),
        ("/gift/redeem.json", json!({"cardInfo": card(active), "amount": true}), 400, "invalid_request"),
        ("/gift/redeem.json", json!({"cardInfo": "6036", "amount": "1.00"}), 400, "invalid_request"),
        ("/gift/redeem.json", json!({"cardInfo": card(active), "amount": "-1.00"}), 400, "invalid_request"),
        ("/gift/redeem.json", json!({"cardInfo": card(active), "amount": -1}), 400, "invalid_request"),
        ("/gift/redeem.json", json!({"cardInfo": card(active), "amount": "1.001"}), 400, "invalid_request"),
        ("/gift/redeem.json", json!({"cardInfo": card(active), "amount": 1.001}), 400, "invalid_request"),
        ("/gift/redeem.json", json!({"cardInfo": card(active), "amount": "0"}), 400, "invalid_request"),
        ("/gift/redeem.json", json!({"cardInfo": card(active), "amount": "1,00"}), 400, "invalid_request"),
        (
            "/gift/redeem.json",
            json!({"cardInfo": card(active), "amount": "1.00", "tip": "-0.50"}),
            400,
            "invalid_request",
        ),
        (
            "/gift/redeem.json",
            json!({"cardInfo": card(active), "amount": "1.00", "allowPartial": "yes"}),
            400,
            "invalid_request",
        ),
        (
            "/gift/redeem.json",
            json!({"storeCode": long(65), "cardInfo": card(active), "amount": "1.00"}),
            400,
            "invalid_request",
        ),
        (
            "/gift/redeem.json",
            json!({"cardInfo": card(active), "amount": "1.00", "externalTransactionId": long(129)}),
            400,
            "invalid_request",
        ),
        (
            "/gift/redeem.json",
            json!({"cardInfo": card(active), "amount": "1.00", "cashier": long(101)}),
            400,
            "invalid_request",
        ),
        (
            "/gift/redeem.json",
            json!({"cardInfo": card(active), "amount": "1.00", "terminalId": long(101)}),
            400,
            "invalid_request",
        ),
        (
            "/gift/redeem.json",
            json!({"cardInfo": card(active), "amount": "1.00", "checkNumber": long(256)}),
            400,
            "invalid_request",
        ),
        (
            "/gift/redeem.json",
            json!({"cardInfo": {"printedCardNumber": long(65)}, "amount": "1.00"}),
            400,
            "invalid_request",
        ),
        ("/gift/redeem.json", json!({"cardInfo": card(&bad_luhn), "amount": "1.00"}), 400, "invalid_card_number"),
        ("/gift/redeem.json", json!({"cardInfo": card("1234"), "amount": "1.00"}), 400, "invalid_card_number"),
        (
            "/gift/redeem.json",
            json!({"cardInfo": {"trackInfo": "garbage"}, "amount": "1.00"}),
            400,
            "invalid_card_number",
        ),
        (
            "/gift/redeem.json",
            json!({"cardInfo": {"accountToken": "abc"}, "amount": "1.00"}),
            400,
            "unsupported_card_identifier",
        ),
        ("/gift/redeem.json", json!({"cardInfo": {}, "amount": "1.00"}), 400, "invalid_request"),
        ("/gift/redeem.json", json!({"cardInfo": card(&unknown), "amount": "1.00"}), 404, "card_not_found"),
        (
            "/gift/redeem.json",
            json!({"cardInfo": {"phoneNumber": "+49 30 0000000"}, "amount": "1.00"}),
            404,
            "card_not_found",
        ),
        ("/gift/redeem.json", json!({"cardInfo": card(inactive), "amount": "1.00"}), 409, "card_inactive"),
        ("/gift/reload.json", json!({"cardInfo": card(inactive), "amount": "10.00"}), 409, "card_inactive"),
        ("/gift/cashOut.json", json!({"cardInfo": card(inactive)}), 409, "card_inactive"),
        (
            "/gift/redeem.json",
            json!({"merchantId": 2, "cardInfo": card(active), "amount": "1.00"}),
            422,
            "unknown_merchant",
        ),
        (
            "/gift/redeem.json",
            json!({"storeCode": "ZZ999", "cardInfo": card(active), "amount": "1.00"}),
            422,
            "unknown_store",
        ),
        ("/gift/redeem.json", json!({"cardInfo": card(active), "amount": "25.01"}), 422, "insufficient_funds"),
        ("/gift/reload.json", json!({"cardInfo": card(active), "amount": "500.01"}), 422, "amount_above_maximum"),
        ("/gift/reload.json", json!({"cardInfo": card(active), "amount": "4.99"}), 422, "amount_below_minimum"),
        ("/gift/sell.json", json!({"cardInfo": card(inactive), "amount": "4.99"}), 422, "amount_below_minimum"),
        (
            "/gift/sell.json",
            json!({"cardInfo": card(inactive), "amount": "20.00", "tender": "cheque"}),
            400,
            "invalid_request",
        ),
        ("/gift/reverse.json", json!({}), 400, "invalid_request"),
        ("/gift/reverse.json", json!({"pxTransactionId": "12"}), 400, "invalid_request"),
        ("/gift/reverse.json", json!({"pxTransactionId": 42}), 404, "transaction_not_found"),
        ("/gift/refund.json", json!({"cardInfo": card(active), "amount": "1.00"}), 400, "invalid_request"),
        ("/gift/exchange.json", json!({"cardInfo": card(active)}), 400, "invalid_request"),
        // An array where an object belongs: serde would fill the struct by position.
        ("/gift/redeem.json", json!({"cardInfo": [active], "amount": "1.00"}), 400, "invalid_request"),
        // Two identifiers that name different cards: neither may be charged.
        (
            "/gift/redeem.json",
            json!({"cardInfo": {"printedCardNumber": active, "barcode": common::DEMO_CARD_PIN}, "amount": "1.00"}),
            400,
            "invalid_request",
        ),
    ];
    for (path, fields, status, code) in cases {
        let f = fails(&server, path, fields, status, code).await;
        assert!(!f["errorMessage"].as_str().unwrap().contains("panicked"), "{f}");
    }
    // Cannot be sent through gift_body: not JSON, empty, wrong token, no token, no such route.
    let http = server.http();
    // The last two fit the request field by field, in order; a body must still be an object.
    let positional = format!("[1,\"A1234\",{{\"printedCardNumber\":\"{active}\"}},\"1.00\"]");
    let nested = format!("{{\"merchantId\":1,\"storeCode\":\"A1234\",\"cardInfo\":[\"{active}\"],\"amount\":1}}");
    for raw in ["not json", "", "{\"merchantId\": 1,", "[1,2]", "null", positional.as_str(), nested.as_str()] {
        let resp = http
            .post(server.url("/gift/redeem.json"))
            .bearer_auth(server.token())
            .body(raw.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 400, "{raw:?}");
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v["errorCode"], "invalid_request", "{raw:?}: {v}");
    }
    let body = gift_body(json!({"cardInfo": card(active), "amount": "1.00"}));
    let resp = http.post(server.url("/gift/redeem.json")).json(&body).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    assert_eq!(resp.headers().get("www-authenticate").and_then(|v| v.to_str().ok()), Some("Bearer"));
    let resp = http.post(server.url("/gift/redeem.json")).bearer_auth("till_forged").json(&body).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let v: Value = resp.json().await.unwrap();
    assert_eq!((v["result"].as_str(), v["errorCode"].as_str()), (Some("failure"), Some("unauthorized")));
    let big = "x".repeat(100 * 1024);
    let resp = http.post(server.url("/gift/redeem.json")).bearer_auth(server.token()).body(big).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 413);

    assert_eq!(common::ledger_digest(server.data.path()), before, "a refused request left a trace");
    // Unknown fields are allowed.
    let b = ok(&server, "/gift/balance.json", json!({"cardInfo": card(active), "somethingNew": {"x": 1}})).await;
    assert_eq!(b["currentBalance"], "25.00");
}

#[tokio::test]
async fn three_wrong_pins_cool_the_caller_down_on_the_card() {
    let server = TestServer::start();
    let n = common::DEMO_CARD_PIN;
    let before = common::ledger_digest(server.data.path());
    let with_pin = |pin: &str| json!({"cardInfo": {"printedCardNumber": n, "cardRegCode": pin}, "amount": "1.00"});
    let f = fails(&server, "/gift/redeem.json", with_pin("0000"), 403, "invalid_pin").await;
    assert!(f["errorMessage"].as_str().unwrap().contains("2 tries left"), "{f}");
    let f = fails(
        &server,
        "/gift/balance.json",
        json!({"cardInfo": {"printedCardNumber": n, "cardRegCode": "1111"}}),
        403,
        "invalid_pin",
    )
    .await;
    assert!(f["errorMessage"].as_str().unwrap().contains("1 try left"), "{f}");
    let f = fails(&server, "/gift/redeem.json", with_pin("2222"), 423, "card_locked").await;
    assert!(f["errorMessage"].as_str().unwrap().contains("try again in 15 minutes"), "{f}");
    // Cooling down: even the right PIN is refused for this caller; without a PIN nothing is taken.
    fails(&server, "/gift/redeem.json", with_pin("1234"), 423, "card_locked").await;
    fails(&server, "/gift/redeem.json", json!({"cardInfo": card(n), "amount": "1.00"}), 403, "invalid_pin").await;
    assert_eq!(common::ledger_digest(server.data.path()), before, "wrong PINs moved money");

    // Staff lift the cool-down by deactivating and activating the card; the right PIN then works.
    ok(&server, "/gift/deactivate.json", json!({"cardInfo": card(n)})).await;
    ok(&server, "/gift/activate.json", json!({"cardInfo": card(n)})).await;
    let r = ok(&server, "/gift/redeem.json", with_pin("1234")).await;
    assert_eq!(r["currentBalance"], "49.00");
}
