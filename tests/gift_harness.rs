//! The harness itself: a real `till serve` answers /healthz and /openapi.json, and turns away
//! requests without a valid token.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

#[tokio::test]
async fn serve_starts_and_guards_gift_routes() {
    let server = common::TestServer::start();
    let http = server.http();
    let resp = http.get(server.url("/openapi.json")).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let doc: serde_json::Value = resp.json().await.unwrap();
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")), "{doc}");
    for op in
        ["sell", "reload", "balance", "redeem", "reverse", "cashOut", "exchange", "activate", "deactivate", "refund"]
    {
        let path = &doc["paths"][format!("/gift/{op}.json")]["post"];
        assert!(path.is_object(), "/gift/{op}.json missing from the document");
        assert_eq!(path["security"][0]["bearer"], serde_json::json!([]), "{op}");
    }
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    let required = |schema: &str| {
        let mut r: Vec<String> = doc["components"]["schemas"][schema]["required"]
            .as_array()
            .unwrap_or_else(|| panic!("{schema} has no required list"))
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        r.sort();
        r
    };
    assert_eq!(required("RedeemRequest"), ["amount", "cardInfo", "merchantId", "storeCode"]);
    assert_eq!(required("SellRequest"), ["amount", "merchantId", "storeCode"]);
    assert_eq!(required("ReverseRequest"), ["merchantId", "storeCode"]);
    assert_eq!(required("FailureBody"), ["errorCode", "errorMessage", "result"]);
    // The document states the limits the server enforces, and that an amount may be a string or a number.
    let props = |schema: &str, field: &str| doc["components"]["schemas"][schema]["properties"][field].clone();
    for (field, max) in [("checkNumber", 255), ("cashier", 100), ("terminalId", 100), ("externalTransactionId", 128)] {
        assert_eq!(props("RedeemRequest", field)["maxLength"], max, "RedeemRequest.{field}");
    }
    let amount_types: Vec<&str> = ["amount", "tip"]
        .iter()
        .flat_map(|f| props("RedeemRequest", f)["oneOf"].as_array().cloned().unwrap_or_default())
        .filter_map(|s| s["type"].as_str().map(str::to_string))
        .map(|t| if t == "string" { "string" } else { "number" })
        .collect();
    assert_eq!(amount_types, ["string", "number", "string", "number"], "{}", props("RedeemRequest", "amount"));
    let success = required("Success");
    for field in
        ["pxTransactionId", "pxAuthCode", "currentBalance", "printedCardNumber", "maskedCardNumber", "posMessages"]
    {
        assert!(success.iter().any(|f| f == field), "Success lacks required {field}: {success:?}");
    }

    let resp = http.get(server.url("/gift/balance.json")).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 405);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["errorCode"], "method_not_allowed");
    let resp = http.get(server.url("/gift/nothing.json")).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 404);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["result"], "failure");

    let resp = http.post(server.url("/gift/balance.json")).body("{}").send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["result"], "failure");
    assert_eq!(body["errorCode"], "unauthorized");

    let resp = http.post(server.url("/gift/balance.json")).bearer_auth("till_nope").body("{}").send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 401);
}

/// SIGTERM while requests are in flight: the server finishes what it accepted, exits 0, and every
/// success it sent is on disk after a restart.
#[cfg(unix)]
#[tokio::test]
async fn sigterm_finishes_in_flight_requests() {
    use serde_json::json;
    let mut server = common::TestServer::start();
    let mut tasks = Vec::new();
    for i in 0..24 {
        let (url, token) = (server.url("/gift/redeem.json"), server.token().to_string());
        tasks.push(tokio::spawn(async move {
            let body = common::gift_body(json!({
                "cardInfo": common::card(common::DEMO_CARD_PHONE), "amount": "0.50",
                "externalTransactionId": format!("term-{i}")
            }));
            let http = reqwest::Client::new();
            let resp = http.post(url).bearer_auth(token).json(&body).send().await.ok()?;
            let status = resp.status().as_u16();
            let v: serde_json::Value = resp.json().await.ok()?;
            Some((status, body, v))
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    let status = server.terminate().expect("till serve did not stop after SIGTERM");
    assert!(status.success(), "exit status {status:?}");
    let mut answered = Vec::new();
    for t in tasks {
        if let Some((status, body, v)) = t.await.unwrap() {
            assert_eq!(status, 200, "{v}");
            answered.push((body, v));
        }
    }
    server.restart();
    for (body, v) in &answered {
        let (status, again) = server.post("/gift/redeem.json", body).await;
        assert_eq!((status, &again["pxTransactionId"]), (200, &v["pxTransactionId"]));
    }
    let (_, b) = server
        .post("/gift/balance.json", &common::gift_body(json!({"cardInfo": common::card(common::DEMO_CARD_PHONE)})))
        .await;
    let cents = 2500 - 50 * answered.len() as i64;
    assert_eq!(b["currentBalance"], format!("{}.{:02}", cents / 100, cents % 100), "{} answered", answered.len());
}
