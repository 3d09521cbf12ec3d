//! The harness itself: a real `till serve` answers /healthz and /openapi.json, and turns away
//! requests without a valid token.

mod common;

#[tokio::test]
async fn serve_starts_and_guards_gift_routes() {
    let server = common::TestServer::start();
    let http = server.http();
    let resp = http.get(server.url("/openapi.json")).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let doc: serde_json::Value = resp.json().await.unwrap();
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")), "{doc}");

    let resp = http.post(server.url("/gift/balance.json")).body("{}").send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["result"], "failure");
    assert_eq!(body["errorCode"], "unauthorized");

    let resp = http.post(server.url("/gift/balance.json")).bearer_auth("till_nope").body("{}").send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 401);
}
