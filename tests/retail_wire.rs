//! The `/v1` wire as an independent client sees it: bodies that are not JSON objects are refused on
//! every POST (the action bodies too), and `/openapi.json` says what the server does (bearer auth,
//! optional action bodies, the idempotency answers).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod retail_util;

use common::TestServer;
use retail_util::*;
use serde_json::Value;

async fn post_raw(server: &TestServer, path: &str, key: &str, body: &str) -> (u16, Value) {
    let resp = server
        .http()
        .post(server.url(path))
        .bearer_auth(server.token())
        .header("Idempotency-Key", key)
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

#[tokio::test]
async fn bodies_must_be_json_objects_on_every_post() {
    let server = TestServer::start();
    let order = create(&server, &seed_order()).await;
    let id = order["id"].as_str().unwrap();
    let confirm = format!("/v1/retail_orders/{id}/actions/confirm");
    let invalidate = format!("/v1/retail_orders/{id}/actions/invalidate");

    // The seed's order, its fields in order but as an array: serde would build the struct from it.
    let as_array = r#"["4001232232332", "A1234", "T01", "R-array", "DE", {"currency": "EUR", "amount": "15.00"},
        {"characters_per_line": 40, "locale": "de-DE"}]"#;
    for (path, body) in [
        ("/v1/retail_orders", as_array),
        ("/v1/retail_orders", "null"),
        (confirm.as_str(), "[]"),
        (confirm.as_str(), "\"cash\""),
        (invalidate.as_str(), "garbage"),
        (invalidate.as_str(), "[]"),
        (invalidate.as_str(), "{\"reason\": "),
        ("/v1/stores", "[]"),
        ("/v1/webhooks", "[]"),
    ] {
        let (status, reply) = post_raw(&server, path, &key(), body).await;
        assert_eq!(status, 400, "POST {path} {body}: {reply}");
        assert_eq!(reply["error"]["code"], "invalid_request", "POST {path} {body}: {reply}");
    }
    // Nothing happened to the order; the orders list holds only the one created above.
    let (_, now) = get(&server, &format!("/v1/retail_orders/{id}")).await;
    assert_eq!(now["state"], "created", "{now}");
    let (_, list) = get(&server, "/v1/retail_orders").await;
    assert_eq!(list["data"].as_array().map(Vec::len), Some(1), "{list}");

    // Empty bodies and objects (unknown fields allowed) are fine for the actions.
    let (status, reply) = post_raw(&server, &confirm, &key(), "").await;
    assert_eq!(status, 200, "{reply}");
    let (status, reply) = post_raw(&server, &invalidate, &key(), "{\"reason\": \"customer changed mind\"}").await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["state"], "invalidated");
    let (status, reply) = post_raw(&server, &invalidate, &key(), "").await;
    assert_eq!((status, reply["state"].as_str()), (200, Some("invalidated")), "{reply}");
}

#[tokio::test]
async fn the_openapi_document_matches_the_v1_server() {
    let server = TestServer::start();
    let doc: Value = reqwest::get(server.url("/openapi.json")).await.unwrap().json().await.unwrap();
    let paths = doc["paths"].as_object().unwrap();
    let mut seen = 0;
    for (path, ops) in paths.iter().filter(|(p, _)| p.starts_with("/v1/")) {
        for (method, op) in ops.as_object().unwrap() {
            seen += 1;
            let at = format!("{method} {path}");
            // Every /v1 call answers 401 without a token, so the document must ask for one.
            assert_eq!(op["security"], serde_json::json!([{"bearer": []}]), "{at}: no bearer security");
            let responses = op["responses"].as_object().unwrap();
            assert!(responses.contains_key("401"), "{at}: 401 not documented");
            if method == "post" {
                let key = op["parameters"]
                    .as_array()
                    .and_then(|ps| ps.iter().find(|p| p["name"] == "Idempotency-Key"))
                    .unwrap_or_else(|| panic!("{at}: no Idempotency-Key parameter"));
                assert_eq!((key["in"].as_str(), key["required"].as_bool()), (Some("header"), Some(true)), "{at}");
                for status in ["400", "409", "422"] {
                    assert!(responses.contains_key(status), "{at}: {status} (idempotency) not documented");
                }
            }
        }
    }
    assert!(seen >= 17, "only {seen} /v1 operations documented");
    // The actions take an empty body (the seed's confirm fields are optional; invalidate has none).
    for action in ["confirm", "invalidate"] {
        let body = &doc["paths"][format!("/v1/retail_orders/{{id}}/actions/{action}")]["post"]["requestBody"];
        assert_ne!(body["required"], true, "{action}: body marked required");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    // The line width the server accepts (24 to 64) is the one the document states.
    let width = &doc["components"]["schemas"]["ReceiptPrintingRequest"]["properties"]["characters_per_line"];
    assert_eq!((width["minimum"].as_u64(), width["maximum"].as_u64()), (Some(24), Some(64)), "{width}");
    for (w, expected) in [(23, 400), (24, 201), (64, 201), (65, 400)] {
        let mut body = seed_order();
        body["receipt_printing"]["characters_per_line"] = serde_json::json!(w);
        let (status, reply) = post(&server, "/v1/retail_orders", &key(), &body).await;
        assert_eq!(status, expected, "width {w}: {reply}");
    }

    // And the server does what the document says: no token is 401, an empty confirm body works.
    let resp = server.http().get(server.url("/v1/balances")).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let order = create(&server, &seed_order()).await;
    let (status, reply) =
        post_raw(&server, &format!("/v1/retail_orders/{}/actions/confirm", order["id"].as_str().unwrap()), &key(), "")
            .await;
    assert_eq!((status, reply["state"].as_str()), (200, Some("confirmed")), "{reply}");
}
