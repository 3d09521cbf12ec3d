//! `GET /v1/settlements` over a real socket, and its sums against the ledger's own accounts to the
//! cent: face value = the retail sales account, commission = the commission account, net payable =
//! what left the prepaid balance.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod retail_util;

use common::TestServer;
use retail_util::*;
use serde_json::{Value, json};
use till::engine::catalog::balance::{commission_account, prepaid_account, sales_account};
use till::engine::{Engine, OpenOptions};
use till::money::{Currency, Money};

fn order(product: &str, store: &str, amount: &str) -> Value {
    json!({"product_code": product, "store_id": store, "terminal_id": "T01", "receipt_id": "R1", "country": "DE",
           "face_value": {"currency": "EUR", "amount": amount},
           "receipt_printing": {"characters_per_line": 32, "locale": "de-DE"}})
}

fn row<'a>(s: &'a Value, store: &str) -> &'a Value {
    s["data"].as_array().unwrap().iter().find(|r| r["store_id"] == store).unwrap_or_else(|| panic!("{store} in {s}"))
}

#[tokio::test]
async fn settlement_sums_match_the_ledger_to_the_cent() {
    let mut server = TestServer::start();
    let store = json!({"id": "B2", "name": "Second Store", "country": "DE",
                       "address": {"street": "Nebenstraße 2", "postal_code": "20095", "city": "Hamburg"}});
    let (status, _) = post(&server, "/v1/stores", &key(), &store).await;
    assert_eq!(status, 201);

    // A1234: three confirmed, one confirmed and invalidated; B2: two confirmed at an odd amount
    // (3.5 % of 33.33 is 1.16655: 1.17 after rounding); plus one voided and one left pending.
    for amount in ["100.00", "50.00", "25.00"] {
        let o = create(&server, &order("4001232232332", "A1234", amount)).await;
        confirm(&server, o["id"].as_str().unwrap()).await;
    }
    let reversed = create(&server, &order("4001232232332", "A1234", "15.00")).await;
    confirm(&server, reversed["id"].as_str().unwrap()).await;
    assert_eq!(invalidate(&server, reversed["id"].as_str().unwrap()).await.0, 200);
    for _ in 0..2 {
        let o = create(&server, &order("4001232232401", "B2", "33.33")).await;
        assert_eq!(o["commission"]["amount"], "1.17");
        confirm(&server, o["id"].as_str().unwrap()).await;
    }
    let voided = create(&server, &order("4001232232332", "B2", "100.00")).await;
    invalidate(&server, voided["id"].as_str().unwrap()).await;
    create(&server, &order("4001232232332", "B2", "50.00")).await;

    let (status, s) = get(&server, "/v1/settlements").await;
    assert_eq!(status, 200, "{s}");
    let a = row(&s, "A1234");
    assert_eq!((a["confirmed_orders"].as_u64(), a["invalidations"].as_u64()), (Some(4), Some(1)), "{a}");
    assert_eq!(a["face_value"]["amount"], "175.00");
    assert_eq!(a["commission"]["amount"], "8.75");
    assert_eq!(a["net_payable"]["amount"], "166.25");
    let b = row(&s, "B2");
    assert_eq!((b["confirmed_orders"].as_u64(), b["invalidations"].as_u64()), (Some(2), Some(0)), "{b}");
    assert_eq!(b["face_value"]["amount"], "66.66");
    assert_eq!(b["commission"]["amount"], "2.34");
    assert_eq!(b["net_payable"]["amount"], "64.32");
    let total = &s["totals"][0];
    assert_eq!((total["currency"].as_str(), total["net_payable"]["amount"].as_str()), (Some("EUR"), Some("230.57")));

    // Filters.
    let (_, only_b) = get(&server, "/v1/settlements?store_id=B2").await;
    assert_eq!(only_b["data"].as_array().unwrap().len(), 1, "{only_b}");
    let today = a["date"].as_str().unwrap().to_string();
    let (_, same_day) = get(&server, &format!("/v1/settlements?from={today}&to={today}")).await;
    assert_eq!(same_day["data"].as_array().unwrap().len(), 2);
    let (_, later) = get(&server, "/v1/settlements?from=2999-01-01").await;
    assert_eq!(later["data"], json!([]));
    let (status, err) = get(&server, "/v1/settlements?from=21.11.2026").await;
    assert_eq!((status, &err["error"]["code"]), (400, &json!("invalid_date")));

    // The ledger agrees to the cent.
    server.terminate();
    let engine = Engine::open(server.data.path(), OpenOptions { demo: false }).unwrap();
    let eur = Currency::from_code("EUR").unwrap();
    let accounts =
        engine.ledger().lookup_accounts(&[prepaid_account(eur), sales_account(eur), commission_account(eur)]).unwrap();
    let cents = |s: &Value| Money::parse(s.as_str().unwrap(), eur).unwrap().minor() as i128;
    let top_ups = 500_000i128;
    assert_eq!(top_ups - accounts[0].debit_balance(), cents(&total["net_payable"]["amount"]), "net payable");
    assert_eq!(accounts[1].debit_balance(), cents(&total["face_value"]["amount"]), "face value");
    assert_eq!(accounts[2].credit_balance(), cents(&total["commission"]["amount"]), "commission");
    // The pending order still holds its net amount, outside the settlement.
    assert_eq!(accounts[0].credits_pending, 4_750);
    let report = engine.ledger().verify().unwrap();
    assert!(report.violations.is_empty(), "{:?}", report.violations);
}
