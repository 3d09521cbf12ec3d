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

/// A redeem that is certainly in flight: its headers carry `Expect: 100-continue`, so the server
/// says `100 Continue` only once the handler is reading the body. Returns the open connection and
/// the body still to send.
async fn held_redeem(addr: std::net::SocketAddr, token: &str, body: &serde_json::Value) -> tokio::net::TcpStream {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = body.to_string();
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /gift/redeem.json HTTP/1.1\r\nHost: till\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 256];
    while !got.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = s.read(&mut buf).await.unwrap();
        assert!(n > 0, "the server closed before 100 Continue: {:?}", String::from_utf8_lossy(&got));
        got.extend_from_slice(&buf[..n]);
    }
    assert!(got.starts_with(b"HTTP/1.1 100"), "{:?}", String::from_utf8_lossy(&got));
    s
}

/// SIGTERM while requests are in flight: the server finishes what it accepted, exits 0, and every
/// success it sent is on disk after a restart. Clients keep redeeming until the SIGTERM, which is
/// sent once successes are flowing (progress, not a fixed sleep); one more redeem is held open
/// inside its handler across the signal, so the test knows a request was in flight.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_in_flight_requests() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::time::{Duration, Instant};

    use serde_json::json;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut server = common::TestServer::start();
    let redeem = |ext: String| {
        common::gift_body(json!({
            "cardInfo": common::card(common::DEMO_CARD_PHONE), "amount": "0.05", "externalTransactionId": ext
        }))
    };
    let stop = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for task in 0..6 {
        let (url, token) = (server.url("/gift/redeem.json"), server.token().to_string());
        let (stop, acked) = (stop.clone(), acked.clone());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
            let mut answered = Vec::new();
            for i in 0.. {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let body = redeem(format!("term-{task}-{i}"));
                let Ok(resp) = http.post(&url).bearer_auth(&token).json(&body).send().await else { break };
                let status = resp.status().as_u16();
                let Ok(v) = resp.json::<serde_json::Value>().await else { break };
                assert_eq!(status, 200, "{v}");
                acked.fetch_add(1, Ordering::SeqCst);
                answered.push((body, v));
            }
            answered
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while acked.load(Ordering::SeqCst) < 12 {
        assert!(Instant::now() < deadline, "no redeems came back in 60 s");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let held_body = redeem("term-held".into());
    let mut held = held_redeem(server.addr(), server.token(), &held_body).await;
    // The signal is delivered when `kill` returns; only then does the held request send its body.
    let pid = server.pid().unwrap().to_string();
    let sent = tokio::task::spawn_blocking(move || std::process::Command::new("kill").args(["-TERM", &pid]).status());
    assert!(sent.await.unwrap().is_ok_and(|s| s.success()), "kill -TERM failed");
    let finished = async {
        held.write_all(held_body.to_string().as_bytes()).await?;
        let mut reply = Vec::new();
        held.read_to_end(&mut reply).await?;
        Ok::<_, std::io::Error>(String::from_utf8_lossy(&reply).into_owned())
    };
    let reply = tokio::time::timeout(Duration::from_secs(60), finished).await.expect("no reply in 60 s");
    let reply = reply.unwrap_or_else(|e| panic!("the request in flight at the SIGTERM was dropped: {e}"));
    assert!(reply.starts_with("HTTP/1.1 200"), "the request in flight at the SIGTERM: {reply:?}");
    let held_reply: serde_json::Value =
        serde_json::from_str(reply.split("\r\n\r\n").nth(1).unwrap_or_default()).expect("a JSON reply");
    // Off the runtime's threads, so the clients keep reading replies while the server drains.
    let (status, server_back) = tokio::task::spawn_blocking(move || {
        let status = server.terminate();
        (status, server)
    })
    .await
    .unwrap();
    server = server_back;
    stop.store(true, Ordering::SeqCst);
    let status = status.expect("till serve did not stop after SIGTERM");
    assert!(status.success(), "exit status {status:?}");
    let mut answered = vec![(held_body, held_reply)];
    for t in tasks {
        answered.extend(t.await.unwrap());
    }
    server.restart();
    for (body, v) in &answered {
        let (status, again) = server.post("/gift/redeem.json", body).await;
        assert_eq!((status, &again["pxTransactionId"]), (200, &v["pxTransactionId"]));
    }
    let (_, b) = server
        .post("/gift/balance.json", &common::gift_body(json!({"cardInfo": common::card(common::DEMO_CARD_PHONE)})))
        .await;
    let cents = 2500 - 5 * answered.len() as i64;
    assert_eq!(b["currentBalance"], format!("{}.{:02}", cents / 100, cents % 100), "{} answered", answered.len());
}
