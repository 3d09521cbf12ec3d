//! A manager's approval at the cashier's till for every gated action (issue 14.3), over a real
//! socket against an in-process engine on a clock the test moves: for each action a cashier is
//! refused without approval and with a wrong manager PIN, allowed with the manager's number and
//! PIN, and the journal (`gift_txns.approver`) or the audit (`approvals`) names the approver.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use serde_json::{Value, json};
use till::engine::{Engine, OpenOptions, users};
use till::ledger::ManualClock;

const CARD_50: &str = "6036280000000011";
const CARD_25: &str = "6036280000000029";

struct Till {
    base: String,
    http: reqwest::Client,
    clock: ManualClock,
    dir: tempfile::TempDir,
    _handle: till::api::serve::ServerHandle,
}

impl Till {
    async fn start() -> Till {
        let dir = tempfile::tempdir().unwrap();
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
        let clock = ManualClock::new(now);
        let engine = Engine::open_with_clock(dir.path(), OpenOptions { demo: true }, Arc::new(clock.clone())).unwrap();
        users::add_user_blocking(&engine, 1002, "Second Cashier", "cashier", "2468").unwrap();
        let handle = till::api::serve::spawn(engine, "127.0.0.1:0").await.unwrap();
        Till { base: handle.base_url(), http: reqwest::Client::new(), clock, dir, _handle: handle }
    }

    async fn login(&self, user: u32, pin: &str) -> (u16, Value) {
        let resp = self.http.post(format!("{}/till/v1/sessions", self.base)).json(&json!({"user": user, "pin": pin}));
        let resp = resp.send().await.unwrap();
        (resp.status().as_u16(), resp.json().await.unwrap_or(Value::Null))
    }

    async fn session(&self, user: u32, pin: &str) -> String {
        let (status, v) = self.login(user, pin).await;
        assert_eq!(status, 201, "{v}");
        v["token"].as_str().unwrap().to_string()
    }

    async fn post(&self, token: &str, path: &str, body: &Value, approver: Option<(&str, &str)>) -> (u16, Value) {
        let mut req = self.http.post(format!("{}{path}", self.base)).bearer_auth(token).json(body);
        if let Some((n, p)) = approver {
            req = req.header("X-Till-Approver", n).header("X-Till-Approver-Pin", p);
        }
        let resp = req.send().await.unwrap();
        (resp.status().as_u16(), resp.json().await.unwrap_or(Value::Null))
    }

    /// Refused without approval and with a wrong manager PIN; the reply with the right one.
    async fn gated(&self, token: &str, path: &str, body: &Value) -> Value {
        let (status, reply) = self.post(token, path, body, None).await;
        assert_eq!((status, code(&reply)), (403, Some("needs_approval")), "{path}: {reply}");
        let (status, reply) = self.post(token, path, body, Some(("9001", "0000"))).await;
        assert_eq!((status, code(&reply)), (403, Some("approval_refused")), "{path}: {reply}");
        let (status, reply) = self.post(token, path, body, Some(("9001", "9999"))).await;
        assert_eq!(status, 200, "{path}: {reply}");
        reply
    }

    fn db(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.dir.path().join("till.sqlite")).unwrap()
    }

    fn approver_of(&self, px: i64) -> Option<String> {
        self.db().query_row("SELECT approver FROM gift_txns WHERE px_id = ?1", [px], |r| r.get(0)).unwrap()
    }

    /// The audit's rows of `act`: (user, approver, subject).
    fn audit(&self, act: &str) -> Vec<(u32, Option<u32>, String)> {
        let db = self.db();
        let mut st = db.prepare("SELECT user_number, approver, subject FROM approvals WHERE act = ?1").unwrap();
        st.query_map([act], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(|r| r.unwrap()).collect()
    }
}

/// The refusal's code on either surface (`/gift`: `errorCode`; `/till/v1`: `error.code`).
fn code(reply: &Value) -> Option<&str> {
    reply["errorCode"].as_str().or(reply["error"]["code"].as_str())
}

fn gift(fields: Value) -> Value {
    let mut body = json!({"merchantId": 1, "storeCode": "A1234"});
    for (k, v) in fields.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

fn card(n: &str) -> Value {
    json!({ "printedCardNumber": n })
}

#[tokio::test]
async fn entering_the_settings_takes_a_managers_pin_and_the_audit_names_the_manager() {
    let till = Till::start().await;
    let cashier = till.session(1001, "1234").await;
    let reply = till.gated(&cashier, "/till/v1/approvals", &json!({"act": "settings"})).await;
    assert_eq!(reply, json!({"act": "settings", "approver": 9001}));
    // The cashier's own number, or a cashier's, approves nothing.
    for (n, p) in [("1001", "1234"), ("1002", "2468")] {
        let (status, r) = till.post(&cashier, "/till/v1/approvals", &json!({"act": "settings"}), Some((n, p))).await;
        assert_eq!((status, code(&r)), (403, Some("approval_refused")), "{n}: {r}");
    }
    // A manager enters alone: audited, with nobody else approving.
    let manager = till.session(9001, "9999").await;
    let (status, r) = till.post(&manager, "/till/v1/approvals", &json!({"act": "settings"}), None).await;
    assert_eq!((status, r["approver"].as_u64()), (200, None), "{r}");
    assert_eq!(till.audit("settings"), vec![(1001, Some(9001), String::new()), (9001, None, String::new())]);
    // Money-moving acts are approved with the call that does them, not on their own.
    let (status, r) = till.post(&manager, "/till/v1/approvals", &json!({"act": "refund"}), None).await;
    assert_eq!(status, 400, "{r}");
}

#[tokio::test]
async fn a_cashier_unlocks_a_locked_colleague_only_with_a_managers_pin() {
    let till = Till::start().await;
    for _ in 0..5 {
        assert_eq!(till.login(1002, "0000").await.0, 401);
    }
    let (status, r) = till.login(1002, "2468").await;
    assert_ne!(status, 201, "five wrong PINs lock: {r}");
    let cashier = till.session(1001, "1234").await;
    let listed: Value = till
        .http
        .get(format!("{}/till/v1/users", till.base))
        .bearer_auth(&cashier)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let row = listed.as_array().unwrap().iter().find(|u| u["number"] == 1002).unwrap().clone();
    assert_eq!((row["locked"].as_bool(), row["failed_attempts"].as_u64()), (Some(true), Some(5)), "{row}");
    assert!(listed.to_string().find("pin").is_none(), "no PIN or hash is listed: {listed}");

    let reply = till.gated(&cashier, "/till/v1/users/1002/unlock", &json!({})).await;
    assert_eq!((reply["locked"].as_bool(), reply["failed_attempts"].as_u64()), (Some(false), Some(0)), "{reply}");
    assert_eq!(till.audit("unlock_user"), vec![(1001, Some(9001), "user:1002".to_string())]);
    till.session(1002, "2468").await;
    // A manager unlocks alone; an unknown user is a 404.
    let manager = till.session(9001, "9999").await;
    let (status, r) = till.post(&manager, "/till/v1/users/4242/unlock", &json!({}), None).await;
    assert_eq!((status, code(&r)), (404, Some("user_not_found")), "{r}");
}

#[tokio::test]
async fn a_cashiers_refund_cash_out_and_activation_name_the_approving_manager() {
    let till = Till::start().await;
    let cashier = till.session(1001, "1234").await;
    let (status, r) = till
        .post(
            &cashier,
            "/gift/redeem.json",
            &gift(json!({"cardInfo": card(CARD_25), "amount": "20.00", "externalTransactionId": "r1"})),
            None,
        )
        .await;
    assert_eq!(status, 200, "{r}");
    let redeem_px = r["pxTransactionId"].as_i64().unwrap();
    assert_eq!(till.approver_of(redeem_px), None, "a redeem is the cashier's own");

    let refund = gift(json!({"cardInfo": card(CARD_25), "amount": "2.00", "pxTransactionId": redeem_px}));
    let r = till.gated(&cashier, "/gift/refund.json", &refund).await;
    assert_eq!(till.approver_of(r["pxTransactionId"].as_i64().unwrap()).as_deref(), Some("user:9001"));

    // 7,00 € left: at or under the program's 10,00 € cash-out threshold.
    let r = till
        .gated(
            &cashier,
            "/gift/cashOut.json",
            &gift(json!({"cardInfo": card(CARD_25), "externalTransactionId": "co1"})),
        )
        .await;
    assert_eq!(r["previousBalance"], "7.00", "{r}");
    assert_eq!(till.approver_of(r["pxTransactionId"].as_i64().unwrap()).as_deref(), Some("user:9001"));

    let block = gift(json!({"cardInfo": card(CARD_50), "externalTransactionId": "d1"}));
    let r = till.gated(&cashier, "/gift/deactivate.json", &block).await;
    assert_eq!(till.approver_of(r["pxTransactionId"].as_i64().unwrap()).as_deref(), Some("user:9001"));
    let again = gift(json!({"cardInfo": card(CARD_50), "externalTransactionId": "a1"}));
    let r = till.gated(&cashier, "/gift/activate.json", &again).await;
    assert_eq!(till.approver_of(r["pxTransactionId"].as_i64().unwrap()).as_deref(), Some("user:9001"));
}

#[tokio::test]
async fn a_sale_older_than_five_minutes_is_reversed_only_with_a_managers_pin() {
    let till = Till::start().await;
    let cashier = till.session(1001, "1234").await;
    let (status, r) = till
        .post(&cashier, "/gift/redeem.json", &gift(json!({"cardInfo": {"printedCardNumber": CARD_50, "cardRegCode": "1234"}, "amount": "5.00", "externalTransactionId": "old-1"})), None)
        .await;
    assert_eq!(status, 200, "{r}");
    till.clock.advance_secs(6 * 60);
    let r = till.gated(&cashier, "/gift/reverse.json", &gift(json!({"externalTransactionId": "old-1"}))).await;
    assert_eq!(r["currentBalance"], "50.00", "{r}");
    assert_eq!(till.approver_of(r["pxTransactionId"].as_i64().unwrap()).as_deref(), Some("user:9001"));
}

#[tokio::test]
async fn the_partner_top_up_is_a_managers_and_a_cashier_never_reaches_it() {
    let till = Till::start().await;
    let cashier = till.session(1001, "1234").await;
    let body = json!({"amount": "100.00", "reference": "bank-1"});
    // The settlement screen is the manager's; a cashier's session is refused with or without a PIN.
    for approver in [None, Some(("9001", "9999"))] {
        let (status, r) = till.post(&cashier, "/till/v1/reports/settlement/top-up", &body, approver).await;
        assert_eq!(status, 403, "{r}");
    }
    let manager = till.session(9001, "9999").await;
    let (status, r) = till.post(&manager, "/till/v1/reports/settlement/top-up", &body, None).await;
    assert_eq!(status, 200, "{r}");
}
