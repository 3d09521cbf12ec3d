//! Users and sessions over a real `till serve`: `till user add`, login with number and PIN, who
//! am I, logout, wrong PINs locking, and the role check on `/till/v1`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestServer;
use till::client::ClientError;

#[tokio::test]
async fn a_user_added_on_the_command_line_logs_in_and_out() {
    let server = TestServer::start();
    let out = server.till(&[
        "user",
        "add",
        "--number",
        "4711",
        "--name",
        "Ada Lovelace",
        "--role",
        "manager",
        "--pin",
        "2468",
    ]);
    assert!(out.contains("4711 Ada Lovelace (manager)"), "{out}");
    let anon = till::client::Client::new(&server.base_url(), "").unwrap();
    let s = anon.login(4711, "2468", None).await.unwrap();
    assert_eq!(s.user.name, "Ada Lovelace");
    let me = anon.with_token(&s.token);
    let who = me.whoami().await.unwrap();
    assert_eq!((who.number, who.role.as_str()), (4711, "manager"));
    me.logout().await.unwrap();
    assert!(matches!(me.whoami().await, Err(ClientError::Declined { status: 401, .. })));
}

#[tokio::test]
async fn the_pin_is_stored_hashed() {
    let server = TestServer::start();
    server.till(&["user", "add", "--number", "4712", "--name", "Grace", "--role", "cashier", "--pin", "97531"]);
    let db = rusqlite::Connection::open(server.data.path().join("till.sqlite")).unwrap();
    let stored: String = db.query_row("SELECT pin_hash FROM users WHERE number = 4712", [], |r| r.get(0)).unwrap();
    assert!(stored.starts_with("pbkdf2-sha256$"), "{stored}");
    assert!(!stored.contains("97531"), "the PIN is in the database in clear");
    let same: String = db.query_row("SELECT pin_hash FROM users WHERE number = 1001", [], |r| r.get(0)).unwrap();
    assert_ne!(stored.split('$').nth(2), same.split('$').nth(2), "every PIN has its own salt");
}

#[tokio::test]
async fn duplicate_numbers_and_bad_pins_are_refused_by_user_add() {
    let server = TestServer::start();
    let dup = server
        .data
        .till_output(&["user", "add", "--number", "1001", "--name", "X", "--role", "cashier", "--pin", "1111"]);
    assert!(!dup.status.success());
    assert!(String::from_utf8_lossy(&dup.stderr).contains("already exists"));
    let short =
        server.data.till_output(&["user", "add", "--number", "5", "--name", "X", "--role", "cashier", "--pin", "12"]);
    assert!(String::from_utf8_lossy(&short.stderr).contains("4 to 8 digits"));
    let role =
        server.data.till_output(&["user", "add", "--number", "6", "--name", "X", "--role", "boss", "--pin", "1234"]);
    assert!(String::from_utf8_lossy(&role.stderr).contains("cashier, manager or trainer"));
}

#[tokio::test]
async fn five_wrong_pins_lock_the_user_even_for_the_right_pin() {
    let server = TestServer::start();
    let c = till::client::Client::new(&server.base_url(), "").unwrap();
    for _ in 0..5 {
        match c.login(9001, "0000", None).await {
            Err(ClientError::Declined { status: 401, code, message }) => {
                assert_eq!(code, "wrong_pin");
                assert!(message.contains("After 5 wrong PINs"), "{message}");
            }
            other => panic!("expected a wrong PIN, got {other:?}"),
        }
    }
    // Locked: the right PIN gets the same refusal (a lock never shows, so it tells nothing).
    match c.login(9001, "9999", None).await {
        Err(ClientError::Declined { status: 401, code, .. }) => assert_eq!(code, "wrong_pin"),
        other => panic!("the right PIN got in while locked: {other:?}"),
    }
    // Another user is not affected.
    assert!(c.login(1001, "1234", None).await.is_ok());
}

#[tokio::test]
async fn till_routes_need_a_logged_in_user() {
    let server = TestServer::start();
    let anon = till::client::Client::new(&server.base_url(), "").unwrap();
    assert!(matches!(anon.whoami().await, Err(ClientError::Declined { status: 401, .. })));
    // An API token is a partner system, not a person at the till.
    let api = server.client();
    assert!(matches!(api.whoami().await, Err(ClientError::Declined { status: 403, .. })));
    // Who this till is may be asked before anyone logs in.
    let t = anon.terminal_info().await.unwrap();
    assert_eq!((t.store_id.as_str(), t.terminal_id.as_str(), t.merchant_id), ("A1234", "T01", 1));
    assert!(t.demo_users);
}
