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
/// success it sent is on disk after a restart. Clients keep redeeming until the SIGTERM; it is
/// sent once successes are flowing (progress, not a fixed sleep), and the test insists that some
/// request sent before it was answered after it: the graceful part was really exercised.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_in_flight_requests() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::time::{Duration, Instant};

    use serde_json::json;
    let mut server = common::TestServer::start();
    let stop = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for task in 0..6 {
        let (url, token) = (server.url("/gift/redeem.json"), server.token().to_string());
        let (stop, acked) = (stop.clone(), acked.clone());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
            // (body, reply, sent at, answered at) for every 200.
            let mut answered = Vec::new();
            for i in 0.. {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let body = common::gift_body(json!({
                    "cardInfo": common::card(common::DEMO_CARD_PHONE), "amount": "0.05",
                    "externalTransactionId": format!("term-{task}-{i}")
                }));
                let sent = Instant::now();
                let Ok(resp) = http.post(&url).bearer_auth(&token).json(&body).send().await else { break };
                let status = resp.status().as_u16();
                let Ok(v) = resp.json::<serde_json::Value>().await else { break };
                assert_eq!(status, 200, "{v}");
                acked.fetch_add(1, Ordering::SeqCst);
                answered.push((body, v, sent, Instant::now()));
            }
            answered
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while acked.load(Ordering::SeqCst) < 12 {
        assert!(Instant::now() < deadline, "no redeems came back in 60 s");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let term_at = Instant::now();
    // Off the runtime's threads, so the clients keep reading replies while the server drains.
    let (status, server) = tokio::task::spawn_blocking(move || {
        let status = server.terminate();
        (status, server)
    })
    .await
    .unwrap();
    let mut server = server;
    stop.store(true, Ordering::SeqCst);
    let status = status.expect("till serve did not stop after SIGTERM");
    assert!(status.success(), "exit status {status:?}");
    let mut answered = Vec::new();
    for t in tasks {
        answered.extend(t.await.unwrap());
    }
    let in_flight = answered.iter().filter(|(_, _, sent, done)| *sent < term_at && *done > term_at).count();
    assert!(in_flight > 0, "no request was in flight at the SIGTERM ({} answered before it)", answered.len());
    server.restart();
    for (body, v, _, _) in &answered {
        let (status, again) = server.post("/gift/redeem.json", body).await;
        assert_eq!((status, &again["pxTransactionId"]), (200, &v["pxTransactionId"]));
    }
    let (_, b) = server
        .post("/gift/balance.json", &common::gift_body(json!({"cardInfo": common::card(common::DEMO_CARD_PHONE)})))
        .await;
    let cents = 2500 - 5 * answered.len() as i64;
    assert_eq!(b["currentBalance"], format!("{}.{:02}", cents / 100, cents % 100), "{} answered", answered.len());
}
