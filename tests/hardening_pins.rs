//! PIN lockouts under real concurrency over a real socket (issue 15.1): a burst of wrong PINs sent
//! at once is counted in full before any is checked, so at most the allowed number is ever
//! evaluated and the right PIN after the burst gets nothing; the refusal never tells a known user
//! number from an unknown one; and a card's cool-down is per caller, so one API token cannot lock
//! a customer's card for everyone.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use common::{DataDir, TestServer, card, gift_body};
use serde_json::{Value, json};
use tokio::sync::Barrier;

/// The user row's wrong-PIN count and lock, read straight from the ledger file.
fn user_lock(server: &TestServer, number: u32) -> (i64, Option<i64>) {
    let conn = rusqlite::Connection::open(server.data.path().join("till.sqlite")).unwrap();
    conn.query_row("SELECT failed_attempts, locked_until FROM users WHERE number = ?1", [number], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .unwrap()
}

/// Wrong PINs counted for card `number` per caller (`*` = card-wide).
fn card_attempts(server: &TestServer, number: &str) -> Vec<(String, i64)> {
    let conn = rusqlite::Connection::open(server.data.path().join("till.sqlite")).unwrap();
    let mut st =
        conn.prepare("SELECT caller, failures FROM gift_card_pin_attempts WHERE number = ?1 ORDER BY caller").unwrap();
    st.query_map([number], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
}

async fn login(http: &reqwest::Client, server: &TestServer, user: u32, pin: &str) -> (u16, Value) {
    let resp =
        http.post(server.url("/till/v1/sessions")).json(&json!({"user": user, "pin": pin})).send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

/// Sends every request of `bodies` at once (each on its own connection, released together).
async fn burst(server: &Arc<TestServer>, path: &'static str, token: &str, bodies: Vec<Value>) -> Vec<(u16, Value)> {
    burst_as(server, path, bodies.into_iter().map(|b| (token.to_string(), b)).collect()).await
}

/// [`burst`] with a token per request.
async fn burst_as(server: &Arc<TestServer>, path: &'static str, requests: Vec<(String, Value)>) -> Vec<(u16, Value)> {
    let barrier = Arc::new(Barrier::new(requests.len()));
    let mut tasks = Vec::new();
    for (token, body) in requests {
        let (server, barrier) = (Arc::clone(server), Arc::clone(&barrier));
        tasks.push(tokio::spawn(async move {
            // A client per request: no connection reuse, real parallel connections.
            let http = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
            barrier.wait().await;
            let resp = http.post(server.url(path)).bearer_auth(token).json(&body).send().await.unwrap();
            let status = resp.status().as_u16();
            (status, resp.json::<Value>().await.unwrap())
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_wrong_pins_is_counted_in_full_and_the_right_pin_after_it_gets_no_session() {
    let server = Arc::new(TestServer::start());
    // Manager 9001 (PIN 9999): 40 wrong PINs at once.
    let bodies = (0..40).map(|i| json!({"user": 9001, "pin": format!("{:04}", 1000 + i)})).collect();
    let replies = burst(&server, "/till/v1/sessions", "", bodies).await;
    for (status, body) in &replies {
        assert_eq!((*status, body["error"]["code"].as_str()), (401, Some("wrong_pin")), "{body}");
    }
    // Exactly the allowed number of PINs was evaluated (the count stops at the lock), and the
    // user is locked: before the fix the count reached the size of the burst.
    let (failed, locked_until) = user_lock(&server, 9001);
    assert_eq!(failed, i64::from(till::engine::users::MAX_ATTEMPTS), "PINs evaluated in a burst of 40");
    assert!(locked_until.is_some(), "the burst locked the user");

    let http = server.http();
    let (status, body) = login(&http, &server, 9001, "9999").await;
    assert_eq!(status, 401, "the right PIN after the burst got in: {body}");
    assert!(body.get("token").is_none());
    assert_eq!(
        user_lock(&server, 9001).0,
        i64::from(till::engine::users::MAX_ATTEMPTS),
        "a locked try is not evaluated"
    );

    // A manager lifts the lock; then the right PIN works and the count starts again.
    server.till(&["user", "unlock", "--number", "9001"]);
    let (status, body) = login(&http, &server, 9001, "9999").await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(user_lock(&server, 9001), (0, None));
}

#[tokio::test]
async fn unknown_users_wrong_pins_and_locked_users_get_the_same_reply() {
    let server = TestServer::start();
    let http = server.http();
    let unknown = login(&http, &server, 4242, "1111").await;
    let wrong = login(&http, &server, 1001, "1111").await;
    for _ in 0..10 {
        login(&http, &server, 1001, "1111").await;
    }
    let locked_right_pin = login(&http, &server, 1001, "1234").await;
    let locked_wrong_pin = login(&http, &server, 1001, "1111").await;
    assert_eq!(unknown.0, 401);
    assert_eq!(unknown, wrong, "an unknown number answers like a known one");
    assert_eq!(unknown, locked_right_pin, "a lock does not show, nor does the right PIN during it");
    assert_eq!(unknown, locked_wrong_pin);
    // Another user is not affected.
    assert_eq!(login(&http, &server, 9001, "9999").await.0, 201);
}

fn with_pin(n: &str, pin: &str) -> Value {
    gift_body(json!({"cardInfo": {"printedCardNumber": n, "cardRegCode": pin}, "amount": "1.00"}))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_wrong_card_pins_cools_only_that_caller_down() {
    let server = Arc::new(TestServer::start());
    let n = common::DEMO_CARD_PIN; // 50.00, PIN 1234
    let before = common::ledger_digest(server.data.path());
    // 20 redeems and 20 balance enquiries with wrong PINs, all at once, from one API client.
    let redeems = (0..20).map(|i| with_pin(n, &format!("{:04}", 2000 + i))).collect();
    let balances = (0..20)
        .map(|i| gift_body(json!({"cardInfo": {"printedCardNumber": n, "cardRegCode": format!("{:04}", 3000 + i)}})))
        .collect();
    let (r, b) = tokio::join!(
        burst(&server, "/gift/redeem.json", server.token(), redeems),
        burst(&server, "/gift/balance.json", server.token(), balances)
    );
    let mut evaluated = 0;
    for (status, body) in r.iter().chain(b.iter()) {
        match (*status, body["errorCode"].as_str()) {
            (403, Some("invalid_pin")) => evaluated += 1,
            (423, Some("card_locked")) => {}
            other => panic!("unexpected {other:?}: {body}"),
        }
    }
    // Two replies said "wrong PIN, tries left"; the third wrong one started the cool-down.
    assert_eq!(evaluated, till::engine::cards::PIN_TRIES - 1, "wrong PINs answered as such");
    assert_eq!(
        card_attempts(&server, n),
        vec![("*".to_string(), 3), ("client:test".to_string(), 3)],
        "exactly three PINs were compared"
    );
    // The right PIN from the same client now gets nothing, and no money moved.
    let (status, body) = server.post("/gift/redeem.json", &with_pin(n, "1234")).await;
    assert_eq!((status, body["errorCode"].as_str()), (423, Some("card_locked")), "{body}");
    assert_eq!(common::ledger_digest(server.data.path()), before, "wrong PINs moved money");

    // The customer at another till (another API client) is not locked out by that client.
    let other = server.till(&["token", "create", "--name", "till-2"]).trim().to_string();
    let resp = server.http().post(server.url("/gift/redeem.json")).bearer_auth(&other).json(&with_pin(n, "1234"));
    let body: Value = resp.send().await.unwrap().json().await.unwrap();
    assert_eq!(body["result"], "success", "{body}");
    assert_eq!(body["currentBalance"], "49.00");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn guesses_spread_over_many_callers_cool_the_whole_card_down() {
    let dir = DataDir::new();
    let tokens: Vec<String> =
        (0..5).map(|i| dir.till(&["token", "create", "--name", &format!("c{i}")]).trim().to_string()).collect();
    let server = Arc::new(dir.serve());
    let n = common::DEMO_CARD_PIN;
    // Four callers send three wrong PINs each, all at once: 12 guesses, card-wide limit 10.
    let mut requests = Vec::new();
    for t in &tokens[..4] {
        requests.extend((0..3).map(|i| (t.clone(), with_pin(n, &format!("{:04}", 5000 + i)))));
    }
    for (status, body) in burst_as(&server, "/gift/redeem.json", requests).await {
        assert!(matches!(status, 403 | 423), "{status} {body}");
    }
    let wide = card_attempts(&server, n).into_iter().find(|(c, _)| c == "*").map(|(_, f)| f);
    assert_eq!(wide, Some(till::engine::cards::CARD_PIN_TRIES), "at most the card-wide limit was compared");
    // A fifth caller with the right PIN waits too (a cool-down, not a hard lock)…
    let resp = server.http().post(server.url("/gift/redeem.json")).bearer_auth(&tokens[4]).json(&with_pin(n, "1234"));
    let body: Value = resp.send().await.unwrap().json().await.unwrap();
    assert_eq!(body["errorCode"], "card_locked", "{body}");
    // …until staff deactivate and activate the card.
    for op in ["/gift/deactivate.json", "/gift/activate.json"] {
        let (status, body) = server.post(op, &gift_body(json!({"cardInfo": card(n)}))).await;
        assert_eq!(status, 200, "{op}: {body}");
    }
    let (status, body) = server.post("/gift/redeem.json", &with_pin(n, "1234")).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn a_card_with_a_pin_needs_it_to_give_value_under_the_default_policy() {
    let server = TestServer::start();
    let n = common::DEMO_CARD_PIN;
    let (status, body) =
        server.post("/gift/redeem.json", &gift_body(json!({"cardInfo": card(n), "amount": "1.00"}))).await;
    assert_eq!((status, body["errorCode"].as_str()), (403, Some("invalid_pin")), "{body}");
    assert!(body["errorMessage"].as_str().unwrap().contains("needs its PIN"), "{body}");
    let (status, body) = server.post("/gift/cashOut.json", &gift_body(json!({"cardInfo": card(n)}))).await;
    assert_eq!((status, body["errorCode"].as_str()), (403, Some("invalid_pin")), "{body}");
    // A balance enquiry without the PIN is answered (pin = "optional"); loading needs no PIN.
    let (status, body) = server.post("/gift/balance.json", &gift_body(json!({"cardInfo": card(n)}))).await;
    assert_eq!((status, body["currentBalance"].as_str()), (200, Some("50.00")), "{body}");
    let (status, _) =
        server.post("/gift/reload.json", &gift_body(json!({"cardInfo": card(n), "amount": "5.00"}))).await;
    assert_eq!(status, 200);
    // A card sold with a PIN gets the same protection.
    let fresh = server.till(&["cards", "generate", "--count", "1"]).trim().to_string();
    let sell = json!({"cardInfo": {"printedCardNumber": fresh, "cardRegCode": "4321"}, "amount": "20.00"});
    assert_eq!(server.post("/gift/sell.json", &gift_body(sell)).await.0, 200);
    let (status, _) =
        server.post("/gift/redeem.json", &gift_body(json!({"cardInfo": card(&fresh), "amount": "1.00"}))).await;
    assert_eq!(status, 403);
    let (status, body) = server.post("/gift/redeem.json", &with_pin(&fresh, "4321")).await;
    assert_eq!((status, body["currentBalance"].as_str()), (200, Some("19.00")), "{body}");
}
