//! `till token list|revoke` and `till user list|disable|enable|reset`, as real processes on a data
//! directory that a real `till serve` is using (issues 15.6 and 14.3).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{DataDir, TestServer, card, gift_body};
use serde_json::json;

async fn login_status(server: &TestServer, user: u32, pin: &str) -> u16 {
    let resp = server
        .http()
        .post(server.url("/till/v1/sessions"))
        .json(&json!({"user": user, "pin": pin}))
        .send()
        .await
        .unwrap();
    resp.status().as_u16()
}

/// Polls until `f` holds (the server trusts a checked token for a couple of seconds).
async fn eventually<F: AsyncFnMut() -> bool>(mut f: F) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(6) {
        if f().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

#[tokio::test]
async fn a_listed_token_revoked_by_id_stops_working_on_the_running_server() {
    let data = DataDir::new();
    let second = data.till(&["token", "create", "--name", "partner-pos"]).trim().to_string();
    let server = data.serve();
    let body = gift_body(json!({"cardInfo": card("6036280000000029")}));
    let (status, _) = server.post("/gift/balance.json", &body).await;
    assert_eq!(status, 200);
    let listing = server.data.till(&["token", "list"]);
    assert!(listing.contains("partner-pos") && listing.contains("test"), "{listing}");
    assert!(!listing.contains(&second) && !listing.contains(server.token()), "a listing shows no token: {listing}");
    let id = listing.lines().find(|l| l.contains("partner-pos")).unwrap().split_whitespace().next().unwrap();
    let out = server.data.till(&["token", "revoke", "--id", id]);
    assert!(out.contains("1 API token revoked"), "{out}");
    let http = server.http();
    let revoked = eventually(async || {
        let r = http.post(server.url("/gift/balance.json")).bearer_auth(&second).json(&body).send().await.unwrap();
        r.status().as_u16() == 401
    })
    .await;
    assert!(revoked, "the revoked token still works");
    // The other token is untouched; the listing no longer shows the revoked one, --all does.
    let (status, _) = server.post("/gift/balance.json", &body).await;
    assert_eq!(status, 200);
    assert!(!server.data.till(&["token", "list"]).contains("partner-pos"));
    assert!(server.data.till(&["token", "list", "--all"]).contains("revoked"));
    // Revoking it again says so and fails.
    let again = server.data.till_output(&["token", "revoke", "--id", id]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("no live API token"));
}

#[tokio::test]
async fn a_disabled_user_cannot_log_in_and_a_reset_pin_replaces_the_old_one() {
    let server = TestServer::start();
    assert_eq!(login_status(&server, 1001, "1234").await, 201);
    let list = server.data.till(&["user", "list"]);
    assert!(list.contains("1001") && list.contains("cashier") && list.contains("active"), "{list}");
    server.data.till(&["user", "disable", "--number", "1001"]);
    assert!(server.data.till(&["user", "list"]).lines().any(|l| l.contains("1001") && l.contains("disabled")));
    assert_eq!(login_status(&server, 1001, "1234").await, 401);
    server.data.till(&["user", "enable", "--number", "1001"]);
    server.data.till(&["user", "reset", "--number", "1001", "--pin", "4321"]);
    assert_eq!(login_status(&server, 1001, "1234").await, 401);
    assert_eq!(login_status(&server, 1001, "4321").await, 201);
    // Wrong PINs show in the listing, and a lock with how to lift it.
    for _ in 0..5 {
        login_status(&server, 9001, "0000").await;
    }
    let list = server.data.till(&["user", "list"]);
    assert!(list.lines().any(|l| l.contains("9001") && l.contains("locked until")), "{list}");
    let none = server.data.till_output(&["user", "disable", "--number", "4242"]);
    assert!(!none.status.success());
}
