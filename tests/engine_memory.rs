//! The engine keeps nothing in process-global state: what it remembers (the gift setup, checked
//! tokens, running requests) belongs to one opened engine. A data directory opened again in the
//! same process (the CLI after a config change, a test, a training reset) reads its configuration
//! again, and two engines in one process never see each other's tokens.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};
use till::engine::{Engine, OpenOptions};
use tower::ServiceExt;

async fn open(path: &std::path::Path) -> Engine {
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || Engine::open(&path, OpenOptions { demo: true }).unwrap()).await.unwrap()
}

async fn post(engine: &Engine, token: &str, path: &str, body: &Value) -> (u16, Value) {
    let req = Request::post(path)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let resp = till::api::serve::app(engine.clone()).oneshot(req).await.unwrap();
    let status = resp.status().as_u16();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap();
    (status, serde_json::from_slice(&bytes).unwrap())
}

#[tokio::test]
async fn a_data_directory_opened_again_reads_its_gift_program_again() {
    let dir = tempfile::tempdir().unwrap();
    let engine = open(dir.path()).await;
    let token = till::engine::tokens::create_api_token(&engine, "t").await.unwrap();
    let cards = till::engine::cards::generate(&engine, 2).unwrap();
    let sell = |n: &str| common::gift_body(json!({"cardInfo": common::card(n), "amount": "5.00"}));
    let (status, sold) = post(&engine, &token, "/gift/sell.json", &sell(&cards[0])).await;
    assert_eq!((status, &sold["cardTemplateName"]), (200, &json!("Demo Coffee Gift Card")), "{sold}");
    drop(engine);

    let path = dir.path().join("till.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("name = \"Demo Coffee Gift Card\"", "name = \"Renamed Card\"")).unwrap();
    let engine = open(dir.path()).await;
    let (status, sold) = post(&engine, &token, "/gift/sell.json", &sell(&cards[1])).await;
    assert_eq!((status, &sold["cardTemplateName"]), (200, &json!("Renamed Card")), "{sold}");
}

#[tokio::test]
async fn two_engines_in_one_process_keep_their_tokens_apart() {
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (open(a_dir.path()).await, open(b_dir.path()).await);
    let token = till::engine::tokens::create_api_token(&a, "a").await.unwrap();
    let balance = common::gift_body(json!({"cardInfo": common::card(common::DEMO_CARD_PHONE)}));
    let (status, _) = post(&a, &token, "/gift/balance.json", &balance).await;
    assert_eq!(status, 200);
    // Just checked (and remembered) by a: b has never seen it.
    let (status, r) = post(&b, &token, "/gift/balance.json", &balance).await;
    assert_eq!(status, 401, "{r}");
}
