//! Retail orders over a real socket against a real `till serve`: the seed's own example, the state
//! machine, every preliminary-check failure, POSA cards and expiry.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod inproc;
mod retail_util;

use std::time::Duration;

use common::{DataDir, TestServer};
use inproc::InProc;
use retail_util::*;
use serde_json::{Value, json};

/// A catalogue for the check failures: an empty-stock POR product and a large-range one.
const EXTRA_CATALOG: &str = r#"{"products": [
  {"code": "4006381333931", "name": "Empty Stock Card", "brand": "Nobody", "country": "DE", "currency": "EUR",
   "denominations": ["10.00"], "kind": "POR", "commission_percent": "2"},
  {"code": "5012345678917", "name": "Big Spender Card", "brand": "Luxe", "country": "DE", "currency": "EUR",
   "min_value": "1.00", "max_value": "10000.00", "kind": "POR", "commission_percent": "1.5"}
]}"#;

fn server_with_extra_catalog() -> TestServer {
    let dir = DataDir::new();
    let catalog = dir.path().join("extra.json");
    std::fs::write(&catalog, EXTRA_CATALOG).unwrap();
    let out = dir.till(&["products", "import", catalog.to_str().unwrap()]);
    assert!(out.contains("2 created"), "{out}");
    let codes = dir.path().join("codes.txt");
    std::fs::write(&codes, "BIGS-0001-AAAA\nBIGS-0002-BBBB\n").unwrap();
    let out = dir.till(&["codes", "import", "--product", "5012345678917", codes.to_str().unwrap()]);
    assert!(out.contains("2 added"), "{out}");
    dir.serve()
}

fn with(mut body: Value, patch: Value) -> Value {
    if let (Some(b), Some(p)) = (body.as_object_mut(), patch.as_object()) {
        for (k, v) in p {
            if v.is_null() {
                b.remove(k);
            } else {
                b.insert(k.clone(), v.clone());
            }
        }
    }
    body
}

#[tokio::test]
async fn the_seeds_example_order_is_created_confirmed_and_printed() {
    let server = TestServer::start();
    assert_eq!(available(&server, "EUR").await, "5000.00");

    // The seed's request, with the seed's own Idempotency-Key.
    let (status, order) = post(&server, "/v1/retail_orders", "unique-key-789", &seed_order()).await;
    assert_eq!(status, 201, "{order}");
    assert_eq!(order["state"], "created");
    assert_eq!(order["product_code"], "4001232232332");
    assert_eq!(order["store_id"], "A1234");
    assert_eq!(order["terminal_id"], "T01");
    assert_eq!(order["receipt_id"], "R1234567890");
    assert_eq!(order["face_value"], json!({"currency": "EUR", "amount": "100.00"}));
    assert!(order["receipt_printing"].get("lines").is_none(), "no lines before payment: {order}");
    // The hold: 100.00 less 5 % commission is held until confirm.
    assert_eq!(available(&server, "EUR").await, "4905.00");
    let id = order["id"].as_str().unwrap().to_string();

    let (status, got) = get(&server, &format!("/v1/retail_orders/{id}")).await;
    assert_eq!((status, &got["state"]), (200, &json!("created")));

    let path = format!("/v1/retail_orders/{id}/actions/confirm");
    let (status, confirmed) = post(&server, &path, "confirm-789", &seed_confirm()).await;
    assert_eq!(status, 200, "{confirmed}");
    assert_eq!(confirmed["state"], "confirmed");
    assert_eq!(confirmed["payment_method"], "cash");
    let lines: Vec<String> = serde_json::from_value(confirmed["receipt_printing"]["lines"].clone()).unwrap();
    assert!(lines.iter().all(|l| l.chars().count() <= 40), "{lines:#?}");
    assert!(lines.iter().any(|l| l.contains("100,00") && l.contains('€')), "amount in de-DE: {lines:#?}");
    assert!(lines.iter().any(|l| l.contains("Bookwise")), "{lines:#?}");
    assert!(lines.iter().any(|l| l.contains("R1234567890")), "{lines:#?}");
    // The code: four groups of four, as the demo stock issues them.
    let code_line = lines.iter().find(|l| {
        let groups: Vec<&str> = l.split_whitespace().collect();
        groups.len() == 4 && groups.iter().all(|g| g.len() == 4 && g.chars().all(|c| c.is_ascii_alphanumeric()))
    });
    assert!(code_line.is_some(), "grouped code in {lines:#?}");
    assert_eq!(available(&server, "EUR").await, "4905.00");

    // Confirming again answers the same, even with a new key.
    let (status, again) = post(&server, &path, &key(), &seed_confirm()).await;
    assert_eq!(status, 200);
    assert_eq!(again, confirmed);
    assert_eq!(available(&server, "EUR").await, "4905.00");
}

#[tokio::test]
async fn the_state_machine_holds() {
    let server = TestServer::start();
    let stock = |v: &Value| v["data"][0]["stock"].as_u64().unwrap();
    let (_, p) = get(&server, "/v1/products?q=4001232232332").await;
    let stock0 = stock(&p);

    // created → invalidated: the hold is voided, the code goes back to stock.
    let order = create(&server, &seed_order()).await;
    let id = order["id"].as_str().unwrap();
    assert_eq!(available(&server, "EUR").await, "4905.00");
    let (status, inv) = invalidate(&server, id).await;
    assert_eq!((status, &inv["state"]), (200, &json!("invalidated")), "{inv}");
    assert_eq!(available(&server, "EUR").await, "5000.00");
    let (_, p) = get(&server, "/v1/products?q=4001232232332").await;
    assert_eq!(stock(&p), stock0);
    // Invalidating twice changes nothing; confirming now is refused.
    let (status, inv2) = invalidate(&server, id).await;
    assert_eq!(status, 200);
    assert_eq!(inv2, inv);
    let (status, err) =
        post(&server, &format!("/v1/retail_orders/{id}/actions/confirm"), &key(), &seed_confirm()).await;
    assert_eq!((status, &err["error"]["code"]), (409, &json!("order_invalidated")), "{err}");
    assert_eq!(available(&server, "EUR").await, "5000.00");

    // confirmed → invalidated: reversed, the balance returns, the code is not shown any more.
    let order = create(&server, &with(seed_order(), json!({"receipt_id": "R2"}))).await;
    let id = order["id"].as_str().unwrap();
    let confirmed = confirm(&server, id).await;
    assert!(confirmed["receipt_printing"]["lines"].is_array());
    assert_eq!(available(&server, "EUR").await, "4905.00");
    let (status, inv) = invalidate(&server, id).await;
    assert_eq!((status, &inv["state"]), (200, &json!("invalidated")), "{inv}");
    assert!(inv["receipt_printing"].get("lines").is_none(), "a blocked code is not shown: {inv}");
    assert_eq!(available(&server, "EUR").await, "5000.00");
    let (_, p) = get(&server, "/v1/products?q=4001232232332").await;
    assert_eq!(stock(&p), stock0 - 1, "the issued code is blocked, not back in stock");
    let (status, _) = invalidate(&server, id).await;
    assert_eq!(status, 200);
    assert_eq!(available(&server, "EUR").await, "5000.00", "invalidating twice returns the balance once");

    // Orders can be found by their receipt (when a reply was lost) and by state.
    let (status, found) = get(&server, "/v1/retail_orders?store_id=A1234&terminal_id=T01&receipt_id=R2").await;
    assert_eq!(status, 200);
    assert_eq!(found["data"].as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found["data"][0]["id"], json!(id));
    let (_, all) = get(&server, "/v1/retail_orders?state=invalidated&limit=1").await;
    assert_eq!(all["data"].as_array().unwrap().len(), 1);
    let (_, rest) =
        get(&server, &format!("/v1/retail_orders?state=invalidated&cursor={}", all["next_cursor"].as_str().unwrap()))
            .await;
    assert_eq!(rest["data"].as_array().unwrap().len(), 1, "two invalidated orders, one a page: {rest}");
    assert_ne!(rest["data"][0]["id"], all["data"][0]["id"]);

    // Unknown orders.
    let (status, err) = get(&server, "/v1/retail_orders/ro_000000000000000000000000").await;
    assert_eq!((status, &err["error"]["code"]), (404, &json!("order_not_found")));
    let (status, _) = invalidate(&server, "ro_nope").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn every_preliminary_check_failure_has_its_code_and_moves_nothing() {
    let server = server_with_extra_catalog();
    let (status, store) = post(
        &server,
        "/v1/stores",
        &key(),
        &json!({"id": "F100", "name": "Boutique Paris", "country": "FR",
                "address": {"street": "1 rue de Rivoli", "postal_code": "75001", "city": "Paris"}}),
    )
    .await;
    assert_eq!(status, 201, "{store}");

    // A POSA card that is already sold.
    let posa = with(
        seed_order(),
        json!({"product_code": "4001232232418", "face_value": {"currency": "EUR", "amount": "20.00"},
                                         "card_number": "6036 0000 1111 2222"}),
    );
    let sold = create(&server, &posa).await;
    confirm(&server, sold["id"].as_str().unwrap()).await;
    let before = available(&server, "EUR").await;

    let seed = seed_order();
    let cases: Vec<(&str, Value, u16, &str)> = vec![
        ("unregistered store", with(seed.clone(), json!({"store_id": "Z9999"})), 422, "store_not_registered"),
        ("store in another country", with(seed.clone(), json!({"country": "FR"})), 422, "store_country_mismatch"),
        ("unknown product", with(seed.clone(), json!({"product_code": "4006381333948"})), 422, "product_not_found"),
        (
            "inactive product",
            with(
                seed.clone(),
                json!({"product_code": "4001232232432",
            "face_value": {"currency": "EUR", "amount": "10.00"}}),
            ),
            422,
            "product_inactive",
        ),
        (
            "not sold in that country",
            with(seed.clone(), json!({"store_id": "F100", "country": "FR"})),
            422,
            "product_not_sold_in_country",
        ),
        (
            "other currency",
            with(seed.clone(), json!({"face_value": {"currency": "USD", "amount": "100.00"}})),
            422,
            "currency_mismatch",
        ),
        (
            "not a denomination",
            with(seed.clone(), json!({"face_value": {"currency": "EUR", "amount": "30.00"}})),
            422,
            "amount_not_a_denomination",
        ),
        (
            "below the range",
            with(
                seed.clone(),
                json!({"product_code": "4001232232401",
            "face_value": {"currency": "EUR", "amount": "9.99"}}),
            ),
            422,
            "amount_out_of_range",
        ),
        (
            "above the range",
            with(
                seed.clone(),
                json!({"product_code": "4001232232401",
            "face_value": {"currency": "EUR", "amount": "100.01"}}),
            ),
            422,
            "amount_out_of_range",
        ),
        ("POSA without card", with(posa.clone(), json!({"card_number": null})), 422, "card_number_required"),
        ("POSA card already sold", posa.clone(), 422, "card_already_used"),
        (
            "empty stock",
            with(
                seed.clone(),
                json!({"product_code": "4006381333931",
            "face_value": {"currency": "EUR", "amount": "10.00"}}),
            ),
            422,
            "out_of_stock",
        ),
        (
            "balance too low",
            with(
                seed.clone(),
                json!({"product_code": "5012345678917",
            "face_value": {"currency": "EUR", "amount": "6000.00"}}),
            ),
            422,
            "insufficient_balance",
        ),
        ("bad product code", with(seed.clone(), json!({"product_code": "12345"})), 400, "invalid_product_code"),
        (
            "bad amount",
            with(seed.clone(), json!({"face_value": {"currency": "EUR", "amount": "ten"}})),
            400,
            "invalid_amount",
        ),
        (
            "too many decimals",
            with(seed.clone(), json!({"face_value": {"currency": "EUR", "amount": "100.001"}})),
            400,
            "invalid_amount",
        ),
        (
            "negative amount",
            with(seed.clone(), json!({"face_value": {"currency": "EUR", "amount": "-100.00"}})),
            400,
            "invalid_amount",
        ),
        (
            "unknown currency",
            with(seed.clone(), json!({"face_value": {"currency": "XYZ", "amount": "100.00"}})),
            400,
            "invalid_currency",
        ),
        (
            "too narrow",
            with(seed.clone(), json!({"receipt_printing": {"characters_per_line": 23, "locale": "de-DE"}})),
            400,
            "invalid_characters_per_line",
        ),
        (
            "too wide",
            with(seed.clone(), json!({"receipt_printing": {"characters_per_line": 65, "locale": "de-DE"}})),
            400,
            "invalid_characters_per_line",
        ),
        (
            "unknown locale",
            with(seed.clone(), json!({"receipt_printing": {"characters_per_line": 40, "locale": "es-ES"}})),
            400,
            "invalid_locale",
        ),
        ("missing field", with(seed.clone(), json!({"store_id": null})), 400, "invalid_request"),
        (
            "wrong type",
            with(seed.clone(), json!({"receipt_printing": {"characters_per_line": "forty", "locale": "de-DE"}})),
            400,
            "invalid_request",
        ),
        ("bad country", with(seed.clone(), json!({"country": "Deutschland"})), 400, "invalid_country"),
    ];
    for (what, body, status, code) in cases {
        let (got_status, reply) = post(&server, "/v1/retail_orders", &key(), &body).await;
        assert_eq!((got_status, reply["error"]["code"].as_str()), (status, Some(code)), "{what}: {reply}");
        assert!(!reply["error"]["message"].as_str().unwrap_or_default().is_empty(), "{what}: a message for people");
    }
    // Nothing was held by any of them.
    assert_eq!(available(&server, "EUR").await, before);
    let (_, balances) = get(&server, "/v1/balances").await;
    assert_eq!(balances["data"][0]["on_hold"]["amount"], "0.00", "{balances}");
    // The range product works within its range and shows the checks are not simply always failing.
    let ok = create(
        &server,
        &with(
            seed,
            json!({"product_code": "5012345678917",
        "face_value": {"currency": "EUR", "amount": "4000.00"}}),
        ),
    )
    .await;
    assert_eq!(ok["commission"]["amount"], "60.00");
}

#[tokio::test]
async fn a_posa_card_is_activated_and_blocked_on_invalidation() {
    let server = TestServer::start();
    let body = with(
        seed_order(),
        json!({"product_code": "4001232232418", "face_value": {"currency": "EUR", "amount": "50.00"},
               "card_number": "6036000011112222", "receipt_printing": {"characters_per_line": 32, "locale": "en-GB"}}),
    );
    let order = create(&server, &body).await;
    assert_eq!(order["kind"], "POSA");
    assert_eq!(order["card_number"], "**** **** **** 2222");
    let id = order["id"].as_str().unwrap();
    let confirmed = confirm(&server, id).await;
    let lines: Vec<String> = serde_json::from_value(confirmed["receipt_printing"]["lines"].clone()).unwrap();
    assert!(lines.iter().all(|l| l.chars().count() <= 32), "{lines:#?}");
    assert!(lines.iter().any(|l| l.contains("**** **** **** 2222")), "masked card: {lines:#?}");
    assert!(!lines.iter().any(|l| l.contains("6036000011112222")), "never the full number: {lines:#?}");
    assert!(lines.iter().any(|l| l.contains("€50.00")), "en-GB amount: {lines:#?}");
    assert!(lines.iter().any(|l| l.contains("GameVault Support")), "support text: {lines:#?}");
    let (status, inv) = invalidate(&server, id).await;
    assert_eq!((status, &inv["state"]), (200, &json!("invalidated")));
    // A blocked card cannot be sold again.
    let (status, err) = post(&server, "/v1/retail_orders", &key(), &body).await;
    assert_eq!((status, &err["error"]["code"]), (422, &json!("card_already_used")), "{err}");
}

/// The state of an order as stored (not as a read would show it) and its expiry in nanoseconds of
/// the engine's clock, straight from the ledger file.
fn stored(engine: &till::engine::Engine, id: &str) -> (String, u64) {
    let id = id.to_string();
    engine
        .ledger()
        .read_sql(move |sql| {
            let q = "SELECT state, expires_at FROM retail_orders WHERE id = ?1";
            sql.query_one(q, &[(&id).into()], |r| Ok((r.get::<String>(0)?, r.get::<i64>(1)?)))
                .map_err(till::ledger::LedgerError::from)
        })
        .map(|row| row.map(|(state, at)| (state, u64::try_from(at).unwrap())))
        .unwrap()
        .unwrap()
}

fn stored_state(engine: &till::engine::Engine, id: &str) -> String {
    stored(engine, id).0
}

fn stored_created(engine: &till::engine::Engine, id: &str) -> u64 {
    let id = id.to_string();
    let at = engine
        .ledger()
        .read_sql(move |sql| {
            let q = "SELECT created_at FROM retail_orders WHERE id = ?1";
            sql.query_one(q, &[(&id).into()], |r| r.get::<i64>(0)).map_err(till::ledger::LedgerError::from)
        })
        .unwrap()
        .unwrap();
    u64::try_from(at).unwrap()
}

async fn balance_in_process(api: &InProc) -> String {
    let (status, body) = api.call("GET", "/v1/balances", None, None).await;
    assert_eq!(status, 200, "{body}");
    body["data"][0]["available"]["amount"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn an_unconfirmed_order_expires_and_releases_its_hold() {
    // The engine's clock, not the wall's: the order lives exactly three seconds of it however
    // loaded the machine is, and the sweeper (running every 50 ms of real time) records the expiry.
    let api = InProc::open("[retail]\norder_expiry_seconds = 3\nsweep_interval_ms = 50").await;
    let _sweeper = till::engine::retail::background::start(&api.engine).unwrap();
    let (status, order) = api.call("POST", "/v1/retail_orders", Some(&key()), Some(&seed_order())).await;
    assert_eq!(status, 201, "{order}");
    let id = order["id"].as_str().unwrap().to_string();
    assert_eq!(balance_in_process(&api).await, "4905.00");
    // Three seconds after it was made (on the ledger's timestamps, which step past the clock).
    let (_, expires_at) = stored(&api.engine, &id);
    assert_eq!(expires_at - stored_created(&api.engine, &id), 3_000_000_000);

    // A millisecond short of its time nothing is due, whatever the wall clock did meanwhile. (Not
    // a nanosecond: every ledger write takes the next nanosecond at least, and the sweeper writes.)
    api.clock.set_ns(expires_at - 1_000_000);
    assert_eq!(till::engine::retail::orders::expire_due(&api.engine).await.unwrap(), 0);
    assert_eq!(stored_state(&api.engine, &id), "created");
    let (_, o) = api.call("GET", &format!("/v1/retail_orders/{id}"), None, None).await;
    assert_eq!(o["state"], "created", "{o}");
    assert_eq!(balance_in_process(&api).await, "4905.00");

    // At its time the sweeper alone records it (the stored row, which no read has touched).
    api.clock.set_ns(expires_at);
    eventually(Duration::from_secs(20), "the sweeper to expire the order", || async {
        (stored_state(&api.engine, &id) == "expired").then_some(())
    })
    .await;
    let (_, expired) = api.call("GET", &format!("/v1/retail_orders/{id}"), None, None).await;
    assert_eq!(expired["state"], "expired", "{expired}");
    assert!(expired["expired_at"].is_string(), "{expired}");
    assert_eq!(balance_in_process(&api).await, "5000.00");
    let path = format!("/v1/retail_orders/{id}/actions/confirm");
    let (status, err) = api.call("POST", &path, Some(&key()), Some(&seed_confirm())).await;
    assert_eq!((status, &err["error"]["code"]), (409, &json!("order_expired")), "{err}");
    let path = format!("/v1/retail_orders/{id}/actions/invalidate");
    let (status, inv) = api.call("POST", &path, Some(&key()), Some(&json!({}))).await;
    assert_eq!((status, &inv["state"]), (200, &json!("expired")), "nothing left to invalidate: {inv}");
    assert_eq!(balance_in_process(&api).await, "5000.00");
}

#[tokio::test]
async fn reads_after_the_expiry_agree_even_before_the_sweeper_runs() {
    // No sweeper at all: only the reads themselves can record the expiry.
    let api = InProc::open("[retail]\norder_expiry_seconds = 3").await;
    let (_, before) = api.call("GET", "/v1/products/4001232232332", None, None).await;
    let (status, order) = api.call("POST", "/v1/retail_orders", Some(&key()), Some(&seed_order())).await;
    assert_eq!(status, 201, "{order}");
    let id = order["id"].as_str().unwrap().to_string();
    assert_eq!(balance_in_process(&api).await, "4905.00");
    api.clock.set_ns(stored(&api.engine, &id).1);
    // Listing created orders no longer shows it, and the hold and the reserved code are back.
    let (status, created) = api.call("GET", "/v1/retail_orders?state=created", None, None).await;
    assert_eq!((status, created["data"].as_array().map(Vec::len)), (200, Some(0)), "{created}");
    let (_, expired) = api.call("GET", "/v1/retail_orders?state=expired", None, None).await;
    assert_eq!(expired["data"][0]["id"], json!(id), "{expired}");
    assert_eq!(balance_in_process(&api).await, "5000.00");
    let (_, after) = api.call("GET", "/v1/products/4001232232332", None, None).await;
    assert_eq!(after["stock"], before["stock"], "the reserved code went back to stock");
    let (_, o) = api.call("GET", &format!("/v1/retail_orders/{id}"), None, None).await;
    assert_eq!(o["state"], "expired", "{o}");
}

#[tokio::test]
async fn confirm_checks_the_receipt_value() {
    let server = TestServer::start();
    let order = create(&server, &seed_order()).await;
    let path = format!("/v1/retail_orders/{}/actions/confirm", order["id"].as_str().unwrap());
    let low = json!({"payment_method": "cash", "receipt_value": {"currency": "EUR", "amount": "99.99"}});
    let (status, err) = post(&server, &path, &key(), &low).await;
    assert_eq!((status, &err["error"]["code"]), (422, &json!("receipt_value_below_face_value")), "{err}");
    let other = json!({"receipt_value": {"currency": "USD", "amount": "120.00"}});
    let (status, err) = post(&server, &path, &key(), &other).await;
    assert_eq!((status, &err["error"]["code"]), (422, &json!("currency_mismatch")), "{err}");
    // Still created: a refused confirmation changed nothing, and a good one goes through.
    let (status, ok) = post(
        &server,
        &path,
        &key(),
        &json!({"payment_method": "card",
        "receipt_value": {"currency": "EUR", "amount": "112.50"}}),
    )
    .await;
    assert_eq!((status, &ok["state"]), (200, &json!("confirmed")), "{ok}");
    assert_eq!(ok["receipt_value"]["amount"], "112.50");
}
