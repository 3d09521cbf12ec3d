//! An engine in this process on a clock the test moves, its whole API (`api::serve::app`, every
//! layer a request passes) driven with `Router::oneshot`: no process, no socket, no sleep. For the
//! tests that need neither a real socket nor a real process (those stay on `common::TestServer`),
//! and for every test about time (expiry, locks), which moves the clock instead of waiting.
//!
//! ```ignore
//! mod inproc;
//! let api = inproc::InProc::open("").await;            // demo data, one API token
//! let (status, body) = api.call("GET", "/v1/balances", None, None).await;
//! api.advance(Duration::from_secs(901));             // the engine and the ledger see the same jump
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use serde_json::Value;
use till::engine::{Engine, OpenOptions};
use till::ledger::ManualClock;
use tower::ServiceExt;

/// A demo data directory opened in this process on a [`ManualClock`].
pub struct InProc {
    pub dir: tempfile::TempDir,
    pub engine: Engine,
    pub clock: ManualClock,
    token: String,
    app: Router,
}

impl InProc {
    /// A fresh demo data directory whose `till.toml` is the demo one with `extra` laid over it
    /// (e.g. `"[retail]\norder_expiry_seconds = 3"`: keys given replace the demo's, the rest stay).
    pub async fn open(extra: &str) -> InProc {
        let dir = tempfile::tempdir().unwrap();
        write_config(dir.path(), extra);
        InProc::open_dir(dir).await
    }

    /// Opens a data directory prepared by the caller (e.g. with the CLI beforehand).
    pub async fn open_dir(dir: tempfile::TempDir) -> InProc {
        // Half past a whole second: the ledger's timestamps step a nanosecond past the clock on
        // each write, and whole-second moves then never land next to a second's boundary.
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
        let clock = ManualClock::new(now * 1_000_000_000 + 500_000_000);
        let path = dir.path().to_path_buf();
        let shared: Arc<dyn till::ledger::Clock> = Arc::new(clock.clone());
        let engine = tokio::task::spawn_blocking(move || {
            Engine::open_with_clock(&path, OpenOptions { demo: true }, shared).unwrap()
        })
        .await
        .unwrap();
        let token = till::engine::tokens::create_api_token(&engine, "inproc").await.unwrap();
        let app = till::api::serve::app(engine.clone());
        InProc { dir, engine, clock, token, app }
    }

    /// The API token made for this test.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Moves the one clock of the engine (and its ledger) forward.
    pub fn advance(&self, by: Duration) {
        use till::ledger::Clock;
        self.clock.set_ns(self.clock.now_ns() + u64::try_from(by.as_nanos()).unwrap());
    }

    /// One request through the whole app: `token` defaults to the test's API token (`Some("")`
    /// sends none), `key` is an Idempotency-Key. Returns the status and the JSON reply.
    pub async fn call(&self, method: &str, path: &str, key: Option<&str>, body: Option<&Value>) -> (u16, Value) {
        self.call_as(Some(&self.token), method, path, key, body).await
    }

    /// [`InProc::call`] with another bearer token (`None`: no Authorization header).
    pub async fn call_as(
        &self,
        token: Option<&str>,
        method: &str,
        path: &str,
        key: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token.filter(|t| !t.is_empty()) {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        if let Some(k) = key {
            req = req.header("idempotency-key", k);
        }
        let req = match body {
            Some(b) => req.header("content-type", "application/json").body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        }
        .unwrap();
        let resp = self.app.clone().oneshot(req).await.unwrap();
        let status = resp.status().as_u16();
        let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let json = if text.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("non-JSON reply {status} {text:?}: {e}"))
        };
        (status, json)
    }
}

/// The demo `till.toml` with `extra`'s keys laid over it, section by section.
fn write_config(dir: &Path, extra: &str) {
    let mut base: toml::Table = toml::from_str(till::engine::config::DEMO_CONFIG).unwrap();
    let extra: toml::Table = toml::from_str(extra).unwrap();
    for (section, keys) in extra {
        match (base.get_mut(&section), keys) {
            (Some(toml::Value::Table(old)), toml::Value::Table(new)) => old.extend(new),
            (_, keys) => {
                base.insert(section, keys);
            }
        }
    }
    std::fs::write(dir.join(till::engine::config::CONFIG_FILE), toml::to_string(&base).unwrap()).unwrap();
}
