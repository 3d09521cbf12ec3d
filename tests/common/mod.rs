//! Shared test harness: a real `till serve` process on a free loopback port with its own temporary
//! data directory and a fresh API token. Killed (and reaped) on drop.
//!
//! ```ignore
//! mod common;
//! let server = common::TestServer::start();
//! let reply = server.post("/gift/balance.json", &body).await; // (status, JSON)
//! ```
//!
//! For setup that must happen before the server runs (extra cards, users…) use
//! `DataDir::new()`, `dir.till(&[...])`, then `dir.serve()`.

#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[path = "../pg_util/mod.rs"]
pub mod pg_util;
// One copy of the skip log for every test that uses this harness (clippy refuses a second `mod`).
#[allow(unused_imports)]
pub use pg_util::skips;

/// The `till` binary under test.
pub fn till_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_till"))
}

/// A temporary data directory, seeded with the demo data, with one API token.
///
/// With `TILL_TEST_BACKEND=postgres` its ledger is a fresh PostgreSQL database instead (every
/// `till` it runs gets `--database URL`), so the suites on this harness run on either backend.
pub struct DataDir {
    pub dir: tempfile::TempDir,
    pub token: String,
    /// The PostgreSQL database of this directory's ledger, when the run is on PostgreSQL.
    pub database: Option<String>,
}

impl DataDir {
    pub fn new() -> DataDir {
        let database = if pg_util::postgres_selected() { pg_util::scratch("harness") } else { None };
        DataDir::on(database)
    }

    /// A data directory whose ledger is `database` (a PostgreSQL URL) or its own SQLite file.
    pub fn on(database: Option<String>) -> DataDir {
        let dir = tempfile::tempdir().expect("temp dir");
        if let Some(url) = &database {
            // `[storage] url` too, so every `till` run on this directory (and `ledger_digest`)
            // finds the database even without `--database`.
            let config = format!("{}\n[storage]\nurl = \"{url}\"\n", include_str!("../../assets/demo/till.toml"));
            std::fs::write(dir.path().join("till.toml"), config).expect("write till.toml");
        }
        let token =
            run_till(dir.path(), database.as_deref(), &["token", "create", "--name", "test"]).trim().to_string();
        assert!(token.starts_with("till_"), "unexpected token {token:?}");
        DataDir { dir, token, database }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `till ARGS --data DIR` and returns its stdout; panics unless it exits 0.
    pub fn till(&self, args: &[&str]) -> String {
        run_till(self.path(), self.database.as_deref(), args)
    }

    /// Runs `till ARGS --data DIR` and returns its whole output, whatever the exit status.
    pub fn till_output(&self, args: &[&str]) -> std::process::Output {
        let mut cmd = Command::new(till_bin());
        cmd.args(args).arg("--data").arg(self.path());
        if let Some(db) = &self.database {
            cmd.arg("--database").arg(db);
        }
        cmd.output().expect("run till")
    }

    /// `till cards generate --count N`: N fresh inactive card numbers.
    pub fn generate_cards(&self, n: u32) -> Vec<String> {
        self.till(&["cards", "generate", "--count", &n.to_string()]).lines().map(|l| l.trim().to_string()).collect()
    }

    /// Starts `till serve` on this directory.
    pub fn serve(self) -> TestServer {
        let (child, addr) = spawn_serve(self.path(), self.database.as_deref());
        TestServer { data: self, child: Some(child), addr }
    }
}

impl Default for DataDir {
    fn default() -> Self {
        DataDir::new()
    }
}

fn run_till(dir: &Path, database: Option<&str>, args: &[&str]) -> String {
    let mut cmd = Command::new(till_bin());
    cmd.args(args).arg("--data").arg(dir);
    if let Some(db) = database {
        cmd.arg("--database").arg(db);
    }
    let out = cmd.output().expect("run till");
    assert!(out.status.success(), "till {args:?} failed: {}\n{}", out.status, String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8 stdout")
}

/// Spawns `till serve --listen 127.0.0.1:0`, reads the address it prints, waits for /healthz.
pub fn spawn_serve(dir: &Path, database: Option<&str>) -> (Child, SocketAddr) {
    let mut cmd = Command::new(till_bin());
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--data"]).arg(dir);
    if let Some(db) = database {
        cmd.arg("--database").arg(db);
    }
    let mut child =
        cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().expect("spawn till serve");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let _ = reader.read_line(&mut line);
        let _ = tx.send(line);
        // Keep draining so the server never blocks on a full pipe.
        let mut sink = Vec::new();
        let _ = reader.read_to_end(&mut sink);
    });
    let line = match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(line) => line,
        Err(_) => {
            let _ = child.kill();
            panic!("till serve printed no address within 30 s");
        }
    };
    let addr: SocketAddr = line
        .trim()
        .rsplit("http://")
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("cannot read the address from {line:?}"));
    let deadline = Instant::now() + Duration::from_secs(15);
    while !healthz(addr) {
        assert!(Instant::now() < deadline, "till serve at {addr} never answered /healthz");
        std::thread::sleep(Duration::from_millis(20));
    }
    (child, addr)
}

/// A plain blocking GET /healthz, so the harness needs no runtime.
fn healthz(addr: SocketAddr) -> bool {
    let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_millis(500)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    if s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").is_err() {
        return false;
    }
    let mut buf = String::new();
    let _ = s.read_to_string(&mut buf);
    buf.starts_with("HTTP/1.1 200")
}

/// A running `till serve`.
pub struct TestServer {
    pub data: DataDir,
    child: Option<Child>,
    addr: SocketAddr,
}

impl TestServer {
    /// A fresh data directory (demo data, one token) and a server on it.
    pub fn start() -> TestServer {
        DataDir::new().serve()
    }

    /// The server's process id (`None` once it was killed or stopped).
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn token(&self) -> &str {
        &self.data.token
    }

    /// The crate's own typed client, pointed at this server.
    pub fn client(&self) -> till::client::Client {
        till::client::Client::new(&self.base_url(), self.token()).expect("client")
    }

    /// A plain reqwest client for raw requests.
    pub fn http(&self) -> reqwest::Client {
        reqwest::Client::builder().timeout(Duration::from_secs(20)).build().expect("reqwest")
    }

    /// POSTs `body` with the token; returns the status and the JSON reply.
    pub async fn post(&self, path: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
        let resp = self.http().post(self.url(path)).bearer_auth(self.token()).json(body).send().await.expect("request");
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("body");
        let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("non-JSON reply {status} {text:?}: {e}"));
        (status, json)
    }

    /// SIGKILL: no shutdown, no flush beyond what is already durable.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGTERM (graceful) and wait for the exit status.
    #[cfg(unix)]
    pub fn terminate(&mut self) -> Option<std::process::ExitStatus> {
        let mut child = self.child.take()?;
        let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                return Some(status);
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Starts the server again on the same data directory (a new port).
    pub fn restart(&mut self) {
        self.kill9();
        let (child, addr) = spawn_serve(self.data.path(), self.data.database.as_deref());
        self.child = Some(child);
        self.addr = addr;
    }

    /// Runs another `till` command on the same data directory.
    pub fn till(&self, args: &[&str]) -> String {
        self.data.till(args)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// What the ledger file holds right now, read straight from SQLite (the server may be running:
/// WAL lets a reader in). Two equal digests mean no transfer and no gift journal row was added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerDigest {
    pub transfers: i64,
    pub transfer_amounts: i64,
    pub gift_txns: i64,
    pub accounts: i64,
}

pub fn ledger_digest(dir: &Path) -> LedgerDigest {
    let queries = [
        "SELECT count(*) FROM ledger_transfers",
        "SELECT coalesce(sum(amount), 0) FROM ledger_transfers",
        "SELECT count(*) FROM gift_txns",
        "SELECT count(*) FROM ledger_accounts",
    ];
    if let Some(url) = storage_url(dir) {
        let v = till::store::postgres::scalars(&url, &queries).expect("read the ledger's database");
        return LedgerDigest { transfers: v[0], transfer_amounts: v[1], gift_txns: v[2], accounts: v[3] };
    }
    let conn = rusqlite::Connection::open(dir.join("till.sqlite")).expect("open ledger file");
    conn.busy_timeout(Duration::from_secs(5)).expect("busy timeout");
    let one = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).expect(sql);
    LedgerDigest {
        transfers: one(queries[0]),
        transfer_amounts: one(queries[1]),
        gift_txns: one(queries[2]),
        accounts: one(queries[3]),
    }
}

/// One integer query on the directory's ledger (its SQLite file, or its PostgreSQL database).
pub fn query_i64(dir: &Path, sql: &str) -> i64 {
    if let Some(url) = storage_url(dir) {
        return till::store::postgres::scalars(&url, &[sql]).expect("read the ledger's database")[0];
    }
    let conn = rusqlite::Connection::open(dir.join("till.sqlite")).expect("open ledger file");
    conn.busy_timeout(Duration::from_secs(5)).expect("busy timeout");
    conn.query_row(sql, [], |r| r.get::<_, i64>(0)).expect(sql)
}

/// `[storage] url` of the directory's till.toml, if it names a database.
pub fn storage_url(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("till.toml")).ok()?;
    let table: toml::Table = toml::from_str(&text).ok()?;
    table.get("storage")?.get("url")?.as_str().map(str::to_string)
}

/// A gift request body with the demo merchant and store filled in.
pub fn gift_body(fields: serde_json::Value) -> serde_json::Value {
    let mut body = serde_json::json!({"merchantId": 1, "storeCode": "A1234"});
    if let (Some(b), Some(f)) = (body.as_object_mut(), fields.as_object()) {
        for (k, v) in f {
            b.insert(k.clone(), v.clone());
        }
    }
    body
}

/// `{"printedCardNumber": n}`.
pub fn card(n: &str) -> serde_json::Value {
    serde_json::json!({ "printedCardNumber": n })
}

/// The demo card with 50.00 and PIN 1234, and the one with 25.00 registered to a phone.
pub const DEMO_CARD_PIN: &str = "6036280000000011";
pub const DEMO_CARD_PHONE: &str = "6036280000000029";
pub const DEMO_PHONE: &str = "+4915100000001";
