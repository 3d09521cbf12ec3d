//! Shared by the `reports_*` and `shifts_*` tests: a demo engine served on a real loopback
//! socket, raw JSON calls with a session token, and small gift/retail helpers.
#![allow(dead_code)]

use serde_json::{Value, json};

pub struct Day {
    pub dir: tempfile::TempDir,
    pub engine: till::engine::Engine,
    pub server: till::api::serve::ServerHandle,
    pub http: reqwest::Client,
}

impl Day {
    /// A fresh demo data directory, plus cashier 1002 (PIN 2222), served on 127.0.0.1.
    pub async fn start() -> Day {
        Day::start_with(&[]).await
    }

    /// As [`Day::start`], with extra `till.toml` text appended before the engine opens.
    pub async fn start_with(extra_config: &[&str]) -> Day {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data");
        std::fs::create_dir_all(&path).unwrap();
        let mut config = till::engine::config::DEMO_CONFIG.to_string();
        for e in extra_config {
            config.push('\n');
            config.push_str(e);
        }
        std::fs::write(path.join("till.toml"), config).unwrap();
        let engine = tokio::task::spawn_blocking(move || {
            let e = till::engine::Engine::open(&path, till::engine::OpenOptions { demo: true }).unwrap();
            till::engine::users::add_user_blocking(&e, 1002, "Second Cashier", "cashier", "2222").unwrap();
            e
        })
        .await
        .unwrap();
        let server = till::api::serve::spawn(engine.clone(), "127.0.0.1:0").await.unwrap();
        Day { dir, engine, server, http: reqwest::Client::new() }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base_url())
    }

    /// Logs a user in; the session token.
    pub async fn login(&self, user: u32, pin: &str) -> String {
        let (status, body) = self.call("POST", "/till/v1/sessions", "", Some(json!({"user": user, "pin": pin}))).await;
        assert_eq!(status, 201, "{body}");
        body["token"].as_str().unwrap().to_string()
    }

    /// Any call: (status, JSON body or the text as a JSON string).
    pub async fn call(&self, method: &str, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.http.request(method, self.url(path));
        if !token.is_empty() {
            req = req.bearer_auth(token);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        // A cashier's refund and cash-out need a manager at the till (engine::roles): the demo
        // manager approves them, as on the floor.
        if ["/gift/refund.json", "/gift/cashOut.json", "/gift/activate.json", "/gift/deactivate.json"].contains(&path) {
            req = req.header("X-Till-Approver", "9001").header("X-Till-Approver-Pin", "9999");
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    pub async fn get(&self, path: &str, token: &str) -> (u16, Value) {
        self.call("GET", path, token, None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> (u16, Value) {
        self.call("POST", path, token, Some(body)).await
    }

    /// A gift operation at a terminal; panics unless it succeeds.
    pub async fn gift(&self, token: &str, op: &str, terminal: &str, fields: Value) -> Value {
        let mut body = json!({"merchantId": 1, "storeCode": "A1234", "terminalId": terminal,
            "externalTransactionId": format!("t-{:032x}", rand::random::<u128>())});
        for (k, v) in fields.as_object().unwrap() {
            body[k] = v.clone();
        }
        if op == "reverse" {
            // A reversal names the original by its px id only.
            body.as_object_mut().unwrap().remove("externalTransactionId");
        }
        let (status, reply) = self.post(&format!("/gift/{op}.json"), token, body).await;
        assert_eq!(status, 200, "{op}: {reply}");
        assert_eq!(reply["result"], "success", "{op}: {reply}");
        reply
    }

    /// A retail order created and confirmed at a terminal (Idempotency-Key on each POST).
    pub async fn retail(
        &self,
        token: &str,
        terminal: &str,
        product: &str,
        amount: &str,
        method: &str,
        card: Option<&str>,
    ) -> String {
        let mut order = json!({"product_code": product, "store_id": "A1234", "terminal_id": terminal,
            "receipt_id": format!("R{}", rand::random::<u32>()), "country": "DE",
            "face_value": {"currency": "EUR", "amount": amount},
            "receipt_printing": {"characters_per_line": 40, "locale": "de-DE"}});
        if let Some(c) = card {
            order["card_number"] = json!(c);
        }
        let key = format!("k-{:032x}", rand::random::<u128>());
        let resp = self
            .http
            .post(self.url("/v1/retail_orders"))
            .bearer_auth(token)
            .header("Idempotency-Key", &key)
            .json(&order)
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let o: Value = resp.json().await.unwrap();
        assert!(status == 201 || status == 200, "create: {status} {o}");
        let id = o["id"].as_str().unwrap().to_string();
        let key = format!("k-{:032x}", rand::random::<u128>());
        let resp = self
            .http
            .post(self.url(&format!("/v1/retail_orders/{id}/actions/confirm")))
            .bearer_auth(token)
            .header("Idempotency-Key", &key)
            .json(&json!({"payment_method": method}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200, "confirm: {}", resp.text().await.unwrap());
        id
    }

    pub async fn invalidate(&self, token: &str, id: &str) {
        let key = format!("k-{:032x}", rand::random::<u128>());
        let resp = self
            .http
            .post(self.url(&format!("/v1/retail_orders/{id}/actions/invalidate")))
            .bearer_auth(token)
            .header("Idempotency-Key", &key)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200, "invalidate: {}", resp.text().await.unwrap());
    }

    /// A fresh inactive card from the stock.
    pub fn new_card(&self) -> String {
        till::engine::cards::generate(&self.engine, 1).unwrap().remove(0)
    }
}

/// `{"denomination": d, "quantity": q}` lines.
pub fn count(lines: &[(i64, u32)]) -> Value {
    Value::Array(lines.iter().map(|(d, q)| json!({"denomination": d, "quantity": q})).collect())
}

pub fn card(n: &str) -> Value {
    json!({ "printedCardNumber": n })
}
