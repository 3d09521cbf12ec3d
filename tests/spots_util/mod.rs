//! Helpers shared by the `spots_*` tests: a server with a merchant client and customer wallets
//! (all created before it starts), and raw MAC-signed `/rest/v1` requests whose every field a
//! test can change.
#![allow(dead_code)]

use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use till::wire::mac;

use crate::common::{DataDir, TestServer};

/// A MAC client as the CLI printed it.
#[derive(Debug, Clone)]
pub struct Cred {
    pub id: String,
    pub key: String,
    pub wallet_id: Option<i64>,
}

impl Cred {
    pub fn client(&self) -> till::client::spots::Credential {
        till::client::spots::Credential { id: self.id.clone(), key: self.key.clone(), wallet_id: self.wallet_id }
    }
}

/// A running server with one merchant client and some customers.
pub struct Spots {
    pub server: TestServer,
    pub merchant: Cred,
    pub customers: Vec<Cred>,
}

fn cred(line: &str) -> Cred {
    let v: Value = serde_json::from_str(line.trim()).expect("credential JSON");
    Cred {
        id: v["id"].as_str().expect("id").to_string(),
        key: v["key"].as_str().expect("key").to_string(),
        wallet_id: v["wallet_id"].as_i64(),
    }
}

/// `till mac-client create` on a stopped data directory.
pub fn merchant(dir: &DataDir) -> Cred {
    cred(&dir.till(&["mac-client", "create", "--name", "pos"]))
}

/// `till wallet create` on a stopped data directory.
pub fn customer(dir: &DataDir, name: &str, balance: &str) -> Cred {
    cred(&dir.till(&["wallet", "create", "--name", name, "--balance", balance]))
}

/// Appends `extra` to `[spots]` of the data directory's till.toml (before the server starts).
pub fn spots_config(dir: &Path, extra: &str) {
    let path = dir.join("till.toml");
    let text = std::fs::read_to_string(&path).expect("till.toml");
    // A key set twice is a TOML error: the old line goes.
    let keys: Vec<String> =
        extra.lines().filter_map(|l| l.split_once('=')).map(|(k, _)| format!("{} =", k.trim())).collect();
    let text: String =
        text.lines().filter(|l| !keys.iter().any(|k| l.starts_with(k.as_str()))).map(|l| format!("{l}\n")).collect();
    let text = text.replacen("[spots]\n", &format!("[spots]\n{extra}\n"), 1);
    std::fs::write(path, text).expect("write till.toml");
}

impl Spots {
    /// A server on the demo data with a merchant and customers holding these balances.
    pub fn start(balances: &[&str]) -> Spots {
        Spots::start_with(balances, "")
    }

    pub fn start_with(balances: &[&str], config: &str) -> Spots {
        Spots::start_with_toml(balances, config, "")
    }

    /// `config` goes into `[spots]`; `tail` is appended to till.toml (other sections).
    pub fn start_with_toml(balances: &[&str], config: &str, tail: &str) -> Spots {
        let dir = DataDir::new();
        if !config.is_empty() {
            spots_config(dir.path(), config);
        }
        if !tail.is_empty() {
            let path = dir.path().join("till.toml");
            let text = std::fs::read_to_string(&path).expect("till.toml");
            std::fs::write(&path, format!("{text}\n{tail}\n")).expect("write till.toml");
        }
        let merchant = merchant(&dir);
        let customers =
            balances.iter().enumerate().map(|(i, b)| customer(&dir, &format!("Guest {}", i + 1), b)).collect();
        Spots { server: dir.serve(), merchant, customers }
    }

    pub fn port(&self) -> u16 {
        self.server.addr().port()
    }

    /// A signed request as the reference client sends it.
    pub async fn call(&self, who: &Cred, method: &str, uri: &str, body: Option<&Value>) -> (u16, Value) {
        let body = body.map(|b| serde_json::to_vec(b).expect("json")).unwrap_or_default();
        self.raw(who, method, uri, &body, |h| h).await
    }

    /// Signs `body` for (method, uri) and lets `tweak` change the header parts before sending.
    pub async fn raw(
        &self,
        who: &Cred,
        method: &str,
        uri: &str,
        body: &[u8],
        tweak: impl FnOnce(Signed) -> Signed,
    ) -> (u16, Value) {
        let signed = Signed::new(who, method, uri, "127.0.0.1", self.port(), body, now());
        self.send(tweak(signed)).await
    }

    pub async fn send(&self, s: Signed) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(s.method.as_bytes()).expect("method");
        let mut req = self
            .server
            .http()
            .request(method, self.server.url(&s.uri))
            .header("authorization", mac::header_value(&s.auth))
            .body(s.body.clone());
        if let Some(h) = &s.host_header {
            req = req.header("host", h);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("body");
        let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("non-JSON reply {status} {text:?}: {e}"));
        (status, json)
    }

    /// The typed client for `who`.
    pub fn client(&self, who: &Cred) -> till::client::spots::SpotsClient {
        till::client::spots::SpotsClient::new(&self.server.base_url(), who.client()).expect("client")
    }

    /// Creates a transaction of one payment (minor units) and puts it on spot `spot_id` as an order.
    pub async fn order(&self, spot_id: i64, price: i64, description: &str) -> Value {
        let body =
            json!({"transaction": {"payments": [{"description": description, "price": price, "currency": "EUR"}]}});
        let (status, order) =
            self.call(&self.merchant, "POST", &format!("/rest/v1/spot/{spot_id}/order"), Some(&body)).await;
        assert_eq!(status, 200, "{order}");
        order
    }

    /// Checks `who` in at the demo spot `identifier`; returns the spot id.
    pub async fn check_in(&self, who: &Cred, identifier: &str) -> i64 {
        let (status, spot) = self.call(who, "GET", &format!("/rest/v1/spot?code=PAYSERA*1%3A{identifier}"), None).await;
        assert_eq!(status, 200, "{spot}");
        let id = spot["id"].as_i64().expect("spot id");
        let (status, spot) = self.call(who, "PUT", &format!("/rest/v1/spot/{id}/check-in"), None).await;
        assert_eq!(status, 200, "{spot}");
        id
    }

    /// `{"EUR": {...}}` of a customer's wallet.
    pub async fn balance(&self, who: &Cred) -> (i64, i64) {
        let (status, b) =
            self.call(who, "GET", &format!("/rest/v1/wallet/{}/balance", who.wallet_id.expect("wallet")), None).await;
        assert_eq!(status, 200, "{b}");
        (b["EUR"]["at_disposal"].as_i64().expect("at_disposal"), b["EUR"]["reserved"].as_i64().expect("reserved"))
    }

    /// `till verify` on the data directory (the server may be running).
    pub fn verify(&self) {
        let out = self.server.data.till_output(&["verify"]);
        assert!(out.status.success(), "till verify failed:\n{}", String::from_utf8_lossy(&out.stdout));
    }
}

/// The parts of one signed request, each changeable.
#[derive(Debug, Clone)]
pub struct Signed {
    pub method: String,
    pub uri: String,
    pub body: Vec<u8>,
    pub auth: mac::MacAuthorization,
    /// Overrides the Host header reqwest would send.
    pub host_header: Option<String>,
}

impl Signed {
    pub fn new(who: &Cred, method: &str, uri: &str, host: &str, port: u16, body: &[u8], ts: i64) -> Signed {
        let ext = mac::body_ext(body);
        let nonce = mac::new_nonce();
        let ts = ts.to_string();
        let m = mac::mac(who.key.as_bytes(), &mac::normalized(&ts, &nonce, method, uri, host, port, &ext));
        Signed {
            method: method.into(),
            uri: uri.into(),
            body: body.to_vec(),
            auth: mac::MacAuthorization { id: who.id.clone(), ts, nonce, mac: m, ext },
            host_header: None,
        }
    }
}

pub fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_secs() as i64
}

/// Polls `check` until it returns Some, at most `limit` (a bound, not a timed assertion).
pub async fn eventually<T, F, Fut>(limit: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(Instant::now() < deadline, "the condition never came true");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
