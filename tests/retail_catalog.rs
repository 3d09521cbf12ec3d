//! Stores, products, balances and the catalogue commands over a real socket and a real binary:
//! registration, filters and pagination, EAN-13 checks on import, code stock, top-ups, auth, and
//! the OpenAPI document.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod retail_util;

use common::{DataDir, TestServer};
use retail_util::*;
use serde_json::{Value, json};

fn store(id: &str, country: &str, city: &str) -> Value {
    json!({"id": id, "name": format!("Store {id}"), "country": country,
           "address": {"street": "Main 1", "postal_code": "12345", "city": city}})
}

#[tokio::test]
async fn stores_register_list_filter_and_page() {
    let server = TestServer::start();
    // The demo store is there from the start.
    let (status, demo) = get(&server, "/v1/stores/A1234").await;
    assert_eq!((status, &demo["country"]), (200, &json!("DE")), "{demo}");

    for (id, country, city) in
        [("B1", "DE", "Hamburg"), ("B2", "FR", "Lyon"), ("B3", "DE", "München"), ("B4", "NL", "Utrecht")]
    {
        let (status, s) = post(&server, "/v1/stores", &key(), &store(id, country, city)).await;
        assert_eq!(status, 201, "{s}");
        assert_eq!(s["id"], id);
    }
    // Registering the same store again is harmless; changing it under the same id is refused.
    let (status, _) = post(&server, "/v1/stores", &key(), &store("B1", "DE", "Hamburg")).await;
    assert_eq!(status, 200);
    let (status, err) = post(&server, "/v1/stores", &key(), &store("B1", "DE", "Bremen")).await;
    assert_eq!((status, &err["error"]["code"]), (409, &json!("store_exists")));
    let (status, err) = post(&server, "/v1/stores", &key(), &store("bad id!", "DE", "X")).await;
    assert_eq!((status, &err["error"]["code"]), (400, &json!("invalid_store_id")));
    let (status, err) = post(&server, "/v1/stores", &key(), &store("B9", "Germany", "X")).await;
    assert_eq!((status, &err["error"]["code"]), (400, &json!("invalid_country")));

    let (_, de) = get(&server, "/v1/stores?country=DE").await;
    let ids: Vec<&str> = de["data"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["A1234", "B1", "B3"]);
    let (_, by_city) = get(&server, "/v1/stores?q=lyon").await;
    assert_eq!(by_city["data"][0]["id"], "B2");

    // Pages of two walk every store exactly once.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/stores?limit=2&cursor={c}"),
            None => "/v1/stores?limit=2".to_string(),
        };
        let (status, page) = get(&server, &path).await;
        assert_eq!(status, 200);
        seen.extend(page["data"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_string()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(seen, ["A1234", "B1", "B2", "B3", "B4"]);
}

#[tokio::test]
async fn products_filter_by_country_store_and_kind() {
    let server = TestServer::start();
    let (_, de) = get(&server, "/v1/products?country=DE").await;
    let codes: Vec<&str> = de["data"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"4001232232332"), "the seed's product: {codes:?}");
    assert!(!codes.contains(&"4001232232432"), "inactive products are hidden: {codes:?}");
    assert!(de["data"].as_array().unwrap().iter().all(|p| p["country"] == "DE"));
    let seed = de["data"].as_array().unwrap().iter().find(|p| p["code"] == "4001232232332").unwrap();
    assert_eq!(seed["kind"], "POR");
    assert_eq!(seed["commission_percent"], "5.00");
    assert_eq!(seed["denominations"][3], json!({"currency": "EUR", "amount": "100.00"}));
    assert_eq!(seed["stock"], 50);

    let (_, via_store) = get(&server, "/v1/products?store_id=A1234").await;
    assert_eq!(via_store["data"], de["data"], "a store sells its country's products");
    let (status, err) = get(&server, "/v1/products?store_id=NOPE").await;
    assert_eq!((status, &err["error"]["code"]), (422, &json!("store_not_registered")));
    let (_, posa) = get(&server, "/v1/products?country=DE&kind=POSA").await;
    assert!(posa["data"].as_array().unwrap().iter().all(|p| p["kind"] == "POSA" && p.get("stock").is_none()));
    let (_, gb) = get(&server, "/v1/products?country=GB").await;
    assert_eq!(gb["data"][0]["currency"], "GBP");
    let (_, all) = get(&server, "/v1/products?include_inactive=true&limit=200").await;
    let (_, page) = get(&server, "/v1/products?include_inactive=true&limit=3").await;
    assert_eq!(page["data"].as_array().unwrap().len(), 3);
    assert!(page["next_cursor"].is_string());
    assert!(all["data"].as_array().unwrap().len() > 6, "several brands: {all}");
    let (status, _) = get(&server, "/v1/products/4001232232332").await;
    assert_eq!(status, 200);

    // A wrong method is answered in JSON too.
    let resp =
        reqwest::Client::new().delete(server.url("/v1/products")).bearer_auth(server.token()).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 405);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");
    // Everything needs a token.
    let resp = reqwest::get(server.url("/v1/products")).await.unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    // The OpenAPI document lists the /v1 routes.
    let doc: Value = reqwest::get(server.url("/openapi.json")).await.unwrap().json().await.unwrap();
    for path in ["/v1/retail_orders", "/v1/retail_orders/{id}/actions/confirm", "/v1/settlements", "/v1/webhooks"] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing from /openapi.json");
    }
}

#[test]
fn catalogue_commands_check_codes_and_record_top_ups() {
    let dir = DataDir::new();
    let file = dir.path().join("p.json");
    // A wrong EAN-13 check digit refuses the whole file: nothing is imported.
    std::fs::write(
        &file,
        r#"{"products": [
            {"code": "4006381333931", "name": "Good", "brand": "B", "country": "DE", "currency": "EUR",
             "denominations": ["10.00"], "kind": "POR"},
            {"code": "4006381333932", "name": "Bad", "brand": "B", "country": "DE", "currency": "EUR",
             "denominations": ["10.00"], "kind": "POR"}]}"#,
    )
    .unwrap();
    let out = dir.till_output(&["products", "import", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("4006381333932") && err.contains("check digit"), "{err}");

    // Fixed: imported; importing again changes nothing; a change is an update.
    std::fs::write(
        &file,
        r#"{"products": [{"code": "4006381333931", "name": "Good", "brand": "B", "country": "DE", "currency": "EUR",
             "denominations": ["10.00", "20.00"], "kind": "POR", "commission_percent": "2.25"}]}"#,
    )
    .unwrap();
    assert!(dir.till(&["products", "import", file.to_str().unwrap()]).contains("1 created"));
    assert!(dir.till(&["products", "import", file.to_str().unwrap()]).contains("1 unchanged"));

    let codes = dir.path().join("codes.txt");
    std::fs::write(&codes, "# batch 1\nCODE-0001\nCODE-0002\nCODE-0001\n").unwrap();
    let out = dir.till(&["codes", "import", "--product", "4006381333931", codes.to_str().unwrap()]);
    assert!(out.contains("2 added") && out.contains("1 already known") && out.contains("2 available"), "{out}");
    let out = dir.till_output(&["codes", "import", "--product", "4001232232418", codes.to_str().unwrap()]);
    assert!(!out.status.success(), "POSA products have no code stock");

    let out = dir.till(&["balance", "add", "250.50", "EUR"]);
    assert!(out.contains("5250.50 available"), "{out}");
    let out = dir.till_output(&["balance", "add", "1.005", "EUR"]);
    assert!(!out.status.success(), "more decimals than the currency has");
    let out = dir.till_output(&["balance", "add", "0", "EUR"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("positive"), "an empty top-up");
}

#[tokio::test]
async fn the_typed_client_drives_a_sale_and_a_top_up() {
    use till::client::retail::*;
    let server = TestServer::start();
    let client = server.client();
    let found = client
        .products(&ProductSearch { store_id: Some("A1234".into()), q: Some("bookwise".into()), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(found.data[0].code, "4001232232332");

    let k = new_idempotency_key();
    let amount = WireMoney { currency: "EUR".into(), amount: "100.00".into() };
    let first = client.top_up_balance(&amount, &k).await.unwrap();
    let again = client.top_up_balance(&amount, &k).await.unwrap();
    assert_eq!(first, again, "a retried top-up is recorded once");
    assert_eq!(first.available.amount, "5100.00");

    let order: CreateOrder = serde_json::from_value(seed_order()).unwrap();
    let created = client.create_retail_order(&order, &new_idempotency_key()).await.unwrap();
    assert_eq!(created.state, OrderState::Created);
    let confirm = ConfirmOrder { payment_method: Some("cash".into()), receipt_value: None };
    let confirmed = client.confirm_retail_order(&created.id, &confirm, &new_idempotency_key()).await.unwrap();
    assert!(confirmed.receipt_printing.lines.as_ref().is_some_and(|l| l.len() > 5));
    assert_eq!(client.retail_order(&created.id).await.unwrap().state, OrderState::Confirmed);
    let balances = client.balances().await.unwrap();
    assert_eq!(balances.iter().find(|b| b.currency == "EUR").unwrap().available.amount, "5005.00");
    let invalidated = client.invalidate_retail_order(&created.id, &new_idempotency_key()).await.unwrap();
    assert_eq!(invalidated.state, OrderState::Invalidated);
    let settlement = client.settlements(None, None, Some("A1234")).await.unwrap();
    assert_eq!(settlement.totals[0].invalidations, 1);
    let err = client.retail_order("ro_missing").await.unwrap_err();
    assert_eq!(err.code(), Some("order_not_found"));
}

#[tokio::test]
async fn a_top_up_from_the_command_line_beside_a_running_server_is_kept() {
    let server = TestServer::start();
    // The server's writer has the prepaid account in hand (held, then posted) before the command runs.
    let order = create(&server, &seed_order()).await;
    assert_eq!(available(&server, "EUR").await, "4905.00");
    let out = server.data.till(&["balance", "add", "100.00", "EUR"]);
    assert!(out.contains("5005.00 available"), "{out}");
    // The server's next writes build on the top-up instead of overwriting it with what it had cached.
    confirm(&server, order["id"].as_str().unwrap()).await;
    assert_eq!(available(&server, "EUR").await, "5005.00");
    let (_, balances) = get(&server, "/v1/balances").await;
    let eur = balances["data"].as_array().unwrap().iter().find(|b| b["currency"] == "EUR").unwrap().clone();
    assert_eq!(eur["posted"]["amount"], "5005.00", "{eur}");
    let verify = server.data.till_output(&["verify"]);
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
}
