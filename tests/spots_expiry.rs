//! A reservation that is not confirmed in time, on the engine's one clock: the engine runs in this
//! process on a `ManualClock`, serves `/rest/v1` on a real loopback socket, and the test signs every
//! MAC request with that clock's time. Moving the clock (never waiting) runs the reservation out:
//! one second before its end nothing is due and it is still held; at its end reads say revoked at
//! once, the sweep revokes it in the ledger (the money is back at disposal), confirming it is
//! refused, and the `revoked` callback is queued in the outbox in the same commit.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use serde_json::{Value, json};
use till::engine::spots::{clients, transactions};
use till::engine::{Engine, OpenOptions};
use till::ledger::ManualClock;
use till::money::{Currency, Money};
use till::wire::mac;

struct Clocked {
    engine: Engine,
    clock: ManualClock,
    server: till::api::serve::ServerHandle,
    http: reqwest::Client,
    _dir: tempfile::TempDir,
}

const NS: u64 = 1_000_000_000;

impl Clocked {
    /// A demo engine on a manual clock; the background sweep is slowed to once an hour, so only
    /// the test's own `expire_due` calls (and reads) see the clock move.
    async fn start() -> Clocked {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        let config =
            till::engine::config::DEMO_CONFIG.replacen("[spots]\n", "[spots]\nsweep_interval_ms = 3600000\n", 1)
                + "\n[outbox]\nallow = [\"127.0.0.1\"]\n";
        std::fs::write(data.join("till.toml"), config).unwrap();
        let start = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() * NS;
        let clock = ManualClock::new(start);
        let c = Arc::new(clock.clone());
        let engine = tokio::task::spawn_blocking(move || Engine::open_with_clock(&data, OpenOptions { demo: true }, c))
            .await
            .unwrap()
            .unwrap();
        let server = till::api::serve::spawn(engine.clone(), "127.0.0.1:0").await.unwrap();
        Clocked { engine, clock, server, http: reqwest::Client::new(), _dir: dir }
    }

    fn secs(&self) -> i64 {
        self.engine.now_secs()
    }

    /// A MAC-signed request, its `ts` from the engine's clock.
    async fn call(&self, who: &clients::Credential, method: &str, uri: &str, body: Option<&Value>) -> (u16, Value) {
        let body = body.map(|b| serde_json::to_vec(b).unwrap()).unwrap_or_default();
        let port = self.server.addr().port();
        let (ts, nonce, ext) = (self.secs().to_string(), mac::new_nonce(), mac::body_ext(&body));
        let m = mac::mac(who.key.as_bytes(), &mac::normalized(&ts, &nonce, method, uri, "127.0.0.1", port, &ext));
        let auth = mac::MacAuthorization { id: who.id.clone(), ts, nonce, mac: m, ext };
        let resp = self
            .http
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                format!("{}{uri}", self.server.base_url()),
            )
            .header("authorization", mac::header_value(&auth))
            .body(body)
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap())
    }

    async fn balance(&self, who: &clients::Credential) -> (i64, i64) {
        let (st, b) = self.call(who, "GET", &format!("/rest/v1/wallet/{}/balance", who.wallet_id.unwrap()), None).await;
        assert_eq!(st, 200, "{b}");
        (b["EUR"]["at_disposal"].as_i64().unwrap(), b["EUR"]["reserved"].as_i64().unwrap())
    }

    /// The callback events queued in the outbox for transaction `key`, oldest first.
    fn queued_events(&self, key: &str) -> Vec<String> {
        let bodies: Vec<Vec<u8>> = self
            .engine
            .ledger()
            .read_sql(|sql| -> Result<_, till::ledger::LedgerError> {
                Ok(sql.query_all("SELECT body FROM outbox_messages ORDER BY seq", &[], |r| r.get(0))?)
            })
            .unwrap();
        bodies
            .iter()
            .filter_map(|b| serde_json::from_slice::<Value>(b).ok())
            .filter(|v| v["object"]["transaction_key"] == key)
            .map(|v| v["event"].as_str().unwrap_or_default().to_string())
            .collect()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reservation_that_is_not_confirmed_in_time_is_revoked_and_its_money_released() {
    let c = Clocked::start().await;
    let eur = Currency::from_code("EUR").unwrap();
    let pos = clients::create_merchant(&c.engine, "pos").await.unwrap();
    let ann = clients::create_user(&c.engine, "Ann", Money::from_minor(2000, eur)).await.unwrap();
    // Reserved for one hour (`reserve_for` is in hours, as in the reference client).
    let body = json!({"payments": [{"description": "dinner", "price": 1500}], "reserve_for": 1,
                      "callback_uri": "http://127.0.0.1:9/hook"});
    let (st, t) = c.call(&pos, "POST", "/rest/v1/transaction", Some(&body)).await;
    assert_eq!(st, 200, "{t}");
    let key = t["transaction_key"].as_str().unwrap().to_string();
    let (st, t) = c.call(&ann, "PUT", &format!("/rest/v1/transaction/{key}/reserve"), None).await;
    assert_eq!(st, 200, "{t}");
    let until = t["reserve_until"].as_i64().expect("reserve_until once reserved");
    assert_eq!(until, c.secs() + 3600, "{t}");
    assert_eq!(c.balance(&ann).await, (500, 1500));

    // One second before its end: nothing is due, still reserved, still held.
    c.clock.set_ns(u64::try_from(until - 1).unwrap() * NS);
    assert_eq!(transactions::expire_due(&c.engine).await.unwrap(), 0, "nothing runs out early");
    let (_, t) = c.call(&pos, "GET", &format!("/rest/v1/transaction/{key}"), None).await;
    assert_eq!(t["status"], "reserved");
    assert_eq!(c.balance(&ann).await, (500, 1500));

    // Its end (`reserve_until` is whole seconds; the hold ends within the second after it): reads
    // say revoked at once, the sweep releases the hold (once).
    c.clock.set_ns(u64::try_from(until + 1).unwrap() * NS);
    let (_, t) = c.call(&pos, "GET", &format!("/rest/v1/transaction/{key}"), None).await;
    assert_eq!(t["status"], "revoked", "{t}");
    assert_eq!(transactions::expire_due(&c.engine).await.unwrap(), 1);
    assert_eq!(transactions::expire_due(&c.engine).await.unwrap(), 0, "revoked once");
    assert_eq!(c.balance(&ann).await, (2000, 0));
    let (st, e) = c.call(&pos, "PUT", &format!("/rest/v1/transaction/{key}/confirm"), None).await;
    assert_eq!((st, e["error"].as_str()), (409, Some("invalid_state")), "{e}");
    // The wallet cannot pay a revoked transaction again either.
    let (st, e) = c.call(&ann, "PUT", &format!("/rest/v1/transaction/{key}/reserve"), None).await;
    assert_eq!((st, e["error"].as_str()), (409, Some("invalid_state")), "{e}");
    assert_eq!(c.queued_events(&key), ["reserved", "revoked"]);

    // The server's clock is the engine's: a client signs with it.
    let resp: Value =
        c.http.get(format!("{}/rest/v1/server", c.server.base_url())).send().await.unwrap().json().await.unwrap();
    assert_eq!(resp["time"].as_i64(), Some(until + 1));
    let report = c.engine.ledger().verify().unwrap();
    assert!(report.violations.is_empty(), "{:?}", report.violations);
}
