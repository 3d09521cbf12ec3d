//! Roles on every surface (issues 14.3 and 15.6), over a real socket against a real `till serve`:
//! a trainer's session moves no money on the live ledger; a cashier's refund, deactivation,
//! activation and cash-out need a manager's number and PIN sent with that one request, and the
//! journal names the approver; a cashier reverses what was just done without one; and on the
//! practice ledger a trainer works.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{DEMO_CARD_PHONE, TestServer, card, gift_body};
use serde_json::{Value, json};

async fn session(server: &TestServer, user: u32, pin: &str) -> String {
    let resp = server
        .http()
        .post(server.url("/till/v1/sessions"))
        .json(&json!({"user": user, "pin": pin}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    resp.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string()
}

async fn post_as(
    server: &TestServer,
    token: &str,
    path: &str,
    body: &Value,
    approver: Option<(&str, &str)>,
) -> (u16, Value) {
    let mut req = server.http().post(server.url(path)).bearer_auth(token).json(body);
    if let Some((n, p)) = approver {
        req = req.header("X-Till-Approver", n).header("X-Till-Approver-Pin", p);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

fn approver_of(server: &TestServer, px: i64) -> Option<String> {
    let conn = rusqlite::Connection::open(server.data.path().join("till.sqlite")).unwrap();
    conn.query_row("SELECT approver FROM gift_txns WHERE px_id = ?1", [px], |r| r.get(0)).unwrap()
}

#[tokio::test]
async fn a_trainer_session_moves_no_money_on_the_live_ledger() {
    let server = TestServer::start();
    let trainer = session(&server, 7001, "7777").await;
    let body = gift_body(json!({"cardInfo": card(DEMO_CARD_PHONE), "amount": "1.00"}));
    for path in ["/gift/redeem.json", "/gift/balance.json", "/gift/reload.json"] {
        let (status, reply) = post_as(&server, &trainer, path, &body, None).await;
        assert_eq!(status, 403, "{path}: {reply}");
        assert_eq!(reply["errorCode"], "training_only", "{path}: {reply}");
    }
    let resp = server.http().get(server.url("/v1/retail_orders")).bearer_auth(&trainer).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 403);
    // Its own session still answers, so the till can say who is logged in and log out.
    let resp = server.http().get(server.url("/till/v1/session")).bearer_auth(&trainer).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    // The card was not touched.
    let cashier = session(&server, 1001, "1234").await;
    let (_, bal) = post_as(&server, &cashier, "/gift/balance.json", &body, None).await;
    assert_eq!(bal["currentBalance"], "25.00", "{bal}");
}

#[tokio::test]
async fn a_cashiers_deactivation_needs_a_managers_number_and_pin_and_the_journal_names_them() {
    let server = TestServer::start();
    let cashier = session(&server, 1001, "1234").await;
    let body = gift_body(json!({"cardInfo": card(DEMO_CARD_PHONE), "externalTransactionId": "deact-1"}));
    let (status, reply) = post_as(&server, &cashier, "/gift/deactivate.json", &body, None).await;
    assert_eq!((status, reply["errorCode"].as_str()), (403, Some("needs_approval")), "{reply}");
    // Wrong PIN, the cashier's own number, a cashier's number: all refused alike.
    for (n, p) in [("9001", "0000"), ("1001", "1234"), ("7001", "7777")] {
        let (status, reply) = post_as(&server, &cashier, "/gift/deactivate.json", &body, Some((n, p))).await;
        assert_eq!((status, reply["errorCode"].as_str()), (403, Some("approval_refused")), "{n}: {reply}");
    }
    let (status, reply) = post_as(&server, &cashier, "/gift/deactivate.json", &body, Some(("9001", "9999"))).await;
    assert_eq!(status, 200, "{reply}");
    let px = reply["pxTransactionId"].as_i64().unwrap();
    assert_eq!(approver_of(&server, px).as_deref(), Some("user:9001"));
    // A manager's own session needs nobody, and no approver is journaled.
    let manager = session(&server, 9001, "9999").await;
    let body = gift_body(json!({"cardInfo": card(DEMO_CARD_PHONE), "externalTransactionId": "act-1"}));
    let (status, reply) = post_as(&server, &manager, "/gift/activate.json", &body, None).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(approver_of(&server, reply["pxTransactionId"].as_i64().unwrap()), None);
}

#[tokio::test]
async fn a_cashier_refunds_and_cashes_out_only_with_approval_but_reverses_a_fresh_sale_alone() {
    let server = TestServer::start();
    let cashier = session(&server, 1001, "1234").await;
    let redeem =
        gift_body(json!({"cardInfo": card(DEMO_CARD_PHONE), "amount": "5.00", "externalTransactionId": "red-1"}));
    let (status, r) = post_as(&server, &cashier, "/gift/redeem.json", &redeem, None).await;
    assert_eq!(status, 200, "{r}");
    let px = r["pxTransactionId"].as_i64().unwrap();
    let refund = gift_body(json!({"cardInfo": card(DEMO_CARD_PHONE), "amount": "2.00", "pxTransactionId": px}));
    let (status, reply) = post_as(&server, &cashier, "/gift/refund.json", &refund, None).await;
    assert_eq!((status, reply["errorCode"].as_str()), (403, Some("needs_approval")), "{reply}");
    let cash_out = gift_body(json!({"cardInfo": card(DEMO_CARD_PHONE)}));
    let (status, reply) = post_as(&server, &cashier, "/gift/cashOut.json", &cash_out, None).await;
    assert_eq!((status, reply["errorCode"].as_str()), (403, Some("needs_approval")), "{reply}");
    // The redeem of a moment ago is the cashier's to undo.
    let reverse = gift_body(json!({"externalTransactionId": "red-1"}));
    let (status, reply) = post_as(&server, &cashier, "/gift/reverse.json", &reverse, None).await;
    assert_eq!(status, 200, "{reply}");
    // A reversal the journal does not know (by a receipt's id) is a manager's.
    let reverse = gift_body(json!({"pxTransactionId": 12345}));
    let (status, reply) = post_as(&server, &cashier, "/gift/reverse.json", &reverse, None).await;
    assert_eq!((status, reply["errorCode"].as_str()), (403, Some("needs_approval")), "{reply}");
}

#[tokio::test]
async fn on_the_practice_ledger_a_trainer_works() {
    let dir = tempfile::tempdir().unwrap();
    let engine = till::engine::Engine::open_practice(dir.path(), till::engine::OpenOptions { demo: true }).unwrap();
    assert!(engine.is_practice());
    let handle = till::api::serve::spawn(engine, "127.0.0.1:0").await.unwrap();
    let http = reqwest::Client::new();
    let base = handle.base_url();
    let login: Value = http
        .post(format!("{base}/till/v1/sessions"))
        .json(&json!({"user": 7001, "pin": "7777"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().unwrap();
    let body = gift_body(json!({"cardInfo": card(DEMO_CARD_PHONE), "amount": "1.00"}));
    let resp = http.post(format!("{base}/gift/redeem.json")).bearer_auth(token).json(&body).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200, "{}", resp.text().await.unwrap());
    let _ = handle.shutdown().await;
}
