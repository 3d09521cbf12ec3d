//! The Idempotency-Key rules of `/v1` over a real socket: replay, reuse with another body, missing
//! key, concurrent requests with one key, scoping per client (an API token, or a user across
//! logins), and keys surviving a SIGKILL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod inproc;
mod retail_util;

use common::{DataDir, TestServer};
use retail_util::*;
use serde_json::json;

#[tokio::test]
async fn the_same_key_and_body_replay_the_stored_reply() {
    let mut server = TestServer::start();
    let k = key();
    let (s1, first) = post(&server, "/v1/retail_orders", &k, &seed_order()).await;
    assert_eq!(s1, 201, "{first}");
    // The same body with other key order and spacing is the same request.
    let reordered: serde_json::Value = serde_json::from_str(
        r#"{"receipt_printing": {"locale": "de-DE", "characters_per_line": 40}, "country": "DE",
            "face_value": {"amount": "100.0", "currency": "EUR"}, "receipt_id": "R1234567890",
            "terminal_id": "T01", "store_id": "A1234", "product_code": "4001232232332"}"#,
    )
    .unwrap();
    let resp = reqwest::Client::new()
        .post(server.url("/v1/retail_orders"))
        .bearer_auth(server.token())
        .header("Idempotency-Key", &k)
        .json(&reordered)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    assert_eq!(resp.headers().get("idempotent-replayed").and_then(|v| v.to_str().ok()), Some("true"));
    let second: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(second, first);
    // One hold, not two.
    assert_eq!(available(&server, "EUR").await, "4905.00");

    // Refusals are replayed too: the same failed request gives the same answer.
    let bad = json!({"product_code": "4001232232332", "store_id": "NOPE", "terminal_id": "T01", "receipt_id": "R9",
                     "country": "DE", "face_value": {"currency": "EUR", "amount": "100.0"},
                     "receipt_printing": {"characters_per_line": 40, "locale": "de-DE"}});
    let kb = key();
    let (s, e1) = post(&server, "/v1/retail_orders", &kb, &bad).await;
    assert_eq!((s, &e1["error"]["code"]), (422, &json!("store_not_registered")));
    let (s, e2) = post(&server, "/v1/retail_orders", &kb, &bad).await;
    assert_eq!((s, e2), (422, e1));

    // Keys are durable: after a SIGKILL and restart the reply is still replayed.
    server.restart();
    let (s3, third) = post(&server, "/v1/retail_orders", &k, &seed_order()).await;
    assert_eq!((s3, third), (201, first));
    assert_eq!(available(&server, "EUR").await, "4905.00");
}

#[tokio::test]
async fn a_key_reused_with_another_body_or_missing_is_refused() {
    let server = TestServer::start();
    let k = key();
    let order = create(&server, &seed_order()).await;
    let (s, _) = post(&server, "/v1/retail_orders", &k, &seed_order()).await;
    assert_eq!(s, 201);
    let mut other = seed_order();
    other["receipt_id"] = json!("R-other");
    let (s, err) = post(&server, "/v1/retail_orders", &k, &other).await;
    assert_eq!((s, &err["error"]["code"]), (422, &json!("idempotency_key_reused")), "{err}");
    // The same key on another endpoint is another request too.
    let path = format!("/v1/retail_orders/{}/actions/confirm", order["id"].as_str().unwrap());
    let (s, err) = post(&server, &path, &k, &seed_order()).await;
    assert_eq!((s, &err["error"]["code"]), (422, &json!("idempotency_key_reused")), "{err}");

    // Every POST under /v1 needs a key.
    let http = reqwest::Client::new();
    let id = order["id"].as_str().unwrap();
    for path in [
        "/v1/retail_orders".to_string(),
        format!("/v1/retail_orders/{id}/actions/confirm"),
        format!("/v1/retail_orders/{id}/actions/invalidate"),
        "/v1/stores".to_string(),
        "/v1/webhooks".to_string(),
    ] {
        let resp = http.post(server.url(&path)).bearer_auth(server.token()).json(&json!({})).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 400, "{path}");
        let body: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(body["error"]["code"], "idempotency_key_missing", "{path}: {body}");
    }
    // Without a token there is no idempotency either: 401 first.
    let resp = http.post(server.url("/v1/retail_orders")).header("Idempotency-Key", "x").json(&seed_order()).send();
    assert_eq!(resp.await.unwrap().status().as_u16(), 401);
    // The order was never confirmed by any of that.
    let (_, got) = get(&server, &format!("/v1/retail_orders/{id}")).await;
    assert_eq!(got["state"], "created");
}

#[tokio::test]
async fn concurrent_requests_with_one_key_create_one_order() {
    let server = TestServer::start();
    let k = key();
    let server = std::sync::Arc::new(server);
    let mut tasks = Vec::new();
    for _ in 0..12 {
        let (server, k) = (server.clone(), k.clone());
        tasks.push(tokio::spawn(async move { post(&server, "/v1/retail_orders", &k, &seed_order()).await }));
    }
    let mut ids = std::collections::BTreeSet::new();
    let (mut created, mut in_use) = (0, 0);
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            201 => {
                created += 1;
                ids.insert(body["id"].as_str().unwrap().to_string());
            }
            409 => {
                assert_eq!(body["error"]["code"], "idempotency_key_in_use", "{body}");
                in_use += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert!(created >= 1, "created {created}, in use {in_use}");
    assert_eq!(ids.len(), 1, "every success names the same order: {ids:?}");
    assert_eq!(available(&server, "EUR").await, "4905.00", "exactly one hold");
    // Once the first has finished, the key replays.
    let (status, body) = post(&server, "/v1/retail_orders", &k, &seed_order()).await;
    assert_eq!(status, 201);
    assert!(ids.contains(body["id"].as_str().unwrap()));
}

#[tokio::test]
async fn keys_are_scoped_per_token() {
    let dir = DataDir::new();
    let other_token = dir.till(&["token", "create", "--name", "second-till"]).trim().to_string();
    let server = dir.serve();
    let k = "shared-key-1";
    let (s1, a) = post(&server, "/v1/retail_orders", k, &seed_order()).await;
    let (s2, b) = post_as(&server, &other_token, "/v1/retail_orders", k, &seed_order()).await;
    assert_eq!((s1, s2), (201, 201), "{a} {b}");
    assert_ne!(a["id"], b["id"], "two clients, two orders");
    assert_eq!(available(&server, "EUR").await, "4810.00");
}

async fn session(api: &inproc::InProc, user: u32, pin: &str) -> String {
    let (status, r) =
        api.call_as(None, "POST", "/till/v1/sessions", None, Some(&json!({"user": user, "pin": pin}))).await;
    assert_eq!(status, 201, "{r}");
    r["token"].as_str().unwrap().to_string()
}

/// The scope is who authenticated, not the token: a cashier whose till logged in again (a new
/// session token) retrying her request gets its stored reply, not a second order; another user's
/// same key is another request.
#[tokio::test]
async fn a_user_logged_in_again_replays_her_own_keys_and_only_hers() {
    let api = inproc::InProc::open("").await;
    let first = session(&api, 1001, "1234").await;
    let k = "till-T01-sale-1";
    let (s1, a) = api.call_as(Some(&first), "POST", "/v1/retail_orders", Some(k), Some(&seed_order())).await;
    assert_eq!(s1, 201, "{a}");
    let (status, _) = api.call_as(Some(&first), "DELETE", "/till/v1/session", None, None).await;
    assert!(status < 300, "logout: {status}");
    let second = session(&api, 1001, "1234").await;
    assert_ne!(first, second);
    let (s2, b) = api.call_as(Some(&second), "POST", "/v1/retail_orders", Some(k), Some(&seed_order())).await;
    assert_eq!((s2, &b["id"]), (201, &a["id"]), "the retry after a new login is the same order: {b}");
    // One hold only.
    let (_, balances) = api.call("GET", "/v1/balances", None, None).await;
    assert_eq!(balances["data"][0]["available"]["amount"], "4905.00", "{balances}");
    // The manager's same key is not the cashier's request.
    let manager = session(&api, 9001, "9999").await;
    let (s3, c) = api.call_as(Some(&manager), "POST", "/v1/retail_orders", Some(k), Some(&seed_order())).await;
    assert_eq!(s3, 201, "{c}");
    assert_ne!(c["id"], a["id"], "two users, two orders");
}
