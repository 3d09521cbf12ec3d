//! Gift redeems per second and latency over HTTP on loopback with 32 connections, beside the
//! same work done in-process (the engine and its ledger without HTTP) in the same run.
//!
//! `cargo bench --bench gift` (optionally `-- SECONDS`). Target on 2 cores: at least 5,000
//! redeems/s over HTTP with p99 at most 10 ms.
//!
//! Every reply waits for its commit to be durable (WAL, `synchronous=FULL`), so with 32 clients the
//! ceiling is 32 / (commit latency). The bench therefore also prints the fsync latency of the
//! directory it runs in, measured in the same run. `TILL_BENCH_DIR=/dev/shm` runs on tmpfs (no real
//! fsync) to show what the software itself costs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use till::engine::cards::CardInfo;
use till::engine::gift::{self, Meta, Op, Tender};
use till::engine::{Engine, OpenOptions};
use till::money::Money;

const CONNECTIONS: usize = 32;

struct Figures {
    ops: usize,
    elapsed: Duration,
    latencies_us: Vec<u64>,
    failures: usize,
}

impl Figures {
    fn print(&mut self, label: &str) {
        self.latencies_us.sort_unstable();
        let pct = |p: f64| {
            let i = ((self.latencies_us.len() as f64 - 1.0) * p).round() as usize;
            self.latencies_us.get(i).copied().unwrap_or(0) as f64 / 1000.0
        };
        println!(
            "{label:<34} {:>9.0} redeems/s   p50 {:>6.2} ms   p99 {:>6.2} ms   ({} ops, {} failed)",
            self.ops as f64 / self.elapsed.as_secs_f64(),
            pct(0.50),
            pct(0.99),
            self.ops,
            self.failures
        );
    }
}

fn meta(i: usize, n: u64) -> Meta {
    Meta {
        merchant_id: 1,
        store_code: "A1234".into(),
        external_id: Some(format!("bench-{i}-{n}")),
        principal: "bench".into(),
        ..Meta::default()
    }
}

/// Registers and loads one card per connection with 1000.00 (room for 100,000 redeems of 0.01).
fn load_cards(engine: &Engine, count: usize) -> Vec<String> {
    let numbers = till::engine::cards::generate(engine, count as u32).expect("cards");
    let program = gift::program(engine).expect("program");
    for (i, n) in numbers.iter().enumerate() {
        let card = CardInfo { printed_card_number: Some(n.clone()), ..CardInfo::default() };
        let half = Money::from_minor(50_000, program.currency);
        gift::execute_blocking(
            engine,
            meta(i, 0),
            Op::Sell { card: Some(card.clone()), amount: half, tender: Tender::Cash },
        )
        .expect("sell");
        let mut m = meta(i, 1);
        m.external_id = Some(format!("load-{i}"));
        gift::execute_blocking(engine, m, Op::Reload { card, amount: half, tender: Tender::Cash }).expect("reload");
    }
    numbers
}

async fn over_http(base: String, token: String, cards: Vec<String>, run: Duration) -> Figures {
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for (i, n) in cards.into_iter().enumerate() {
        let (base, token, stop) = (base.clone(), token.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            // One client per task: one keep-alive connection each.
            let http = reqwest::Client::builder().pool_max_idle_per_host(1).build().expect("client");
            let url = format!("{base}/gift/redeem.json");
            let mut lat = Vec::new();
            let mut failures = 0;
            let mut k = 0u64;
            while !stop.load(Ordering::Relaxed) {
                k += 1;
                let body = serde_json::json!({
                    "merchantId": 1, "storeCode": "A1234", "cardInfo": {"printedCardNumber": n},
                    "amount": "0.01", "externalTransactionId": format!("http-{i}-{k}")
                });
                let t = Instant::now();
                let ok = match http.post(&url).bearer_auth(&token).json(&body).send().await {
                    Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                    Err(_) => false,
                };
                lat.push(t.elapsed().as_micros() as u64);
                if !ok {
                    failures += 1;
                }
            }
            (lat, failures)
        }));
    }
    let started = Instant::now();
    tokio::time::sleep(run).await;
    stop.store(true, Ordering::Relaxed);
    let mut f = Figures { ops: 0, elapsed: Duration::ZERO, latencies_us: Vec::new(), failures: 0 };
    for t in tasks {
        let (lat, failures) = t.await.expect("task");
        f.ops += lat.len();
        f.latencies_us.extend(lat);
        f.failures += failures;
    }
    f.elapsed = started.elapsed();
    f
}

async fn in_process(engine: Engine, cards: Vec<String>, run: Duration) -> Figures {
    let stop = Arc::new(AtomicBool::new(false));
    let program = gift::program(&engine).expect("program");
    let mut tasks = Vec::new();
    for (i, n) in cards.into_iter().enumerate() {
        let (engine, stop) = (engine.clone(), stop.clone());
        let cent = Money::from_minor(1, program.currency);
        let zero = Money::zero(program.currency);
        tasks.push(tokio::spawn(async move {
            let card = CardInfo { printed_card_number: Some(n), ..CardInfo::default() };
            let mut lat = Vec::new();
            let mut failures = 0;
            let mut k = 0u64;
            while !stop.load(Ordering::Relaxed) {
                k += 1;
                let op = Op::Redeem { card: card.clone(), amount: cent, tip: zero, allow_partial: false };
                let mut m = meta(i, k);
                m.external_id = Some(format!("direct-{i}-{k}"));
                let t = Instant::now();
                if gift::execute(&engine, m, op).await.is_err() {
                    failures += 1;
                }
                lat.push(t.elapsed().as_micros() as u64);
            }
            (lat, failures)
        }));
    }
    let started = Instant::now();
    tokio::time::sleep(run).await;
    stop.store(true, Ordering::Relaxed);
    let mut f = Figures { ops: 0, elapsed: Duration::ZERO, latencies_us: Vec::new(), failures: 0 };
    for t in tasks {
        let (lat, failures) = t.await.expect("task");
        f.ops += lat.len();
        f.latencies_us.extend(lat);
        f.failures += failures;
    }
    f.elapsed = started.elapsed();
    f
}

/// A fresh data directory with its engine, one loaded card per connection, and a token.
fn fresh() -> (tempfile::TempDir, Engine, Vec<String>, String) {
    let dir = match std::env::var_os("TILL_BENCH_DIR") {
        Some(base) => tempfile::tempdir_in(base).expect("temp dir in TILL_BENCH_DIR"),
        None => tempfile::tempdir().expect("temp dir"),
    };
    let engine = Engine::open(dir.path(), OpenOptions { demo: true }).expect("engine");
    let cards = load_cards(&engine, CONNECTIONS);
    let token = till::engine::tokens::create_api_token_blocking(&engine, "bench").expect("token");
    (dir, engine, cards, token)
}

fn verify(engine: &Engine) {
    match engine.ledger().verify() {
        Ok(r) if r.violations.is_empty() => {}
        Ok(r) => println!("ledger verify: VIOLATIONS {:?}", r.violations),
        Err(e) => println!("ledger verify failed: {e}"),
    }
}

/// The ledger alone: the same transfer a redeem books (card -> store sales), one write each.
async fn ledger_only(engine: Engine, cards: Vec<String>, run: Duration) -> Figures {
    use till::engine::accounts::{account_id, code, transfer_code};
    use till::ledger::{AccountFlags, NewAccount, NewTransfer};
    let program = gift::program(&engine).expect("program");
    let sales = account_id(code::GIFT_REDEEMED, program.ledger(), "A1234");
    engine
        .ledger()
        .create_accounts(vec![NewAccount {
            id: sales,
            ledger: program.ledger(),
            code: code::GIFT_REDEEMED,
            flags: AccountFlags::HISTORY,
            ..NewAccount::default()
        }])
        .await
        .expect("sales account");
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for (i, n) in cards.into_iter().enumerate() {
        let (engine, stop) = (engine.clone(), stop.clone());
        let card = program.account_of(&n);
        let ledger = program.ledger();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut failures = 0;
            let mut k = 0u64;
            while !stop.load(Ordering::Relaxed) {
                k += 1;
                let t = NewTransfer {
                    id: till::engine::accounts::transfer_id(&format!("ledger-{i}-{k}")),
                    debit_account_id: card,
                    credit_account_id: sales,
                    amount: 1,
                    ledger,
                    code: transfer_code::GIFT_REDEEM,
                    ..NewTransfer::default()
                };
                let started = Instant::now();
                match engine.ledger().create_transfers(vec![t]).await {
                    Ok(r) if r.iter().all(|r| r.is_success()) => {}
                    _ => failures += 1,
                }
                lat.push(started.elapsed().as_micros() as u64);
            }
            (lat, failures)
        }));
    }
    let started = Instant::now();
    tokio::time::sleep(run).await;
    stop.store(true, Ordering::Relaxed);
    let mut f = Figures { ops: 0, elapsed: Duration::ZERO, latencies_us: Vec::new(), failures: 0 };
    for t in tasks {
        let (lat, failures) = t.await.expect("task");
        f.ops += lat.len();
        f.latencies_us.extend(lat);
        f.failures += failures;
    }
    f.elapsed = started.elapsed();
    f
}

fn main() {
    let secs: u64 = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(5);
    let run = Duration::from_secs(secs);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    // Each measurement starts from its own fresh data directory, so neither inherits the other's
    // grown log.
    let (http_dir, http_engine, http_cards, token) = fresh();
    let (direct_dir, direct_engine, direct_cards, _) = fresh();
    let (ledger_dir, ledger_engine, ledger_cards, _) = fresh();
    let fsync_ms = fsync_latency_ms(http_dir.path());
    println!(
        "gift redeem benchmark: {CONNECTIONS} connections, {secs} s each, {} cores, data under {}",
        num_cpus(),
        http_dir.path().parent().map(|p| p.display().to_string()).unwrap_or_default()
    );
    println!(
        "{:<34} {fsync_ms:>9.2} ms per 4 KiB write + fsync (ceiling {:.0} redeems/s at 1 fsync per group of {CONNECTIONS})",
        "baseline: fsync of the data dir",
        CONNECTIONS as f64 * 1000.0 / fsync_ms.max(0.001)
    );
    rt.block_on(async {
        let server = till::api::serve::spawn(http_engine.clone(), "127.0.0.1:0").await.expect("server");
        // Warm up connections and caches.
        over_http(server.base_url(), token.clone(), http_cards.clone(), Duration::from_millis(500)).await;
        over_http(server.base_url(), token.clone(), http_cards.clone(), run)
            .await
            .print("HTTP /gift/redeem.json (loopback)");
        let _ = server.shutdown().await;
        in_process(direct_engine.clone(), direct_cards.clone(), run).await.print("engine::gift::execute (no HTTP)");
        ledger_only(ledger_engine.clone(), ledger_cards.clone(), run).await.print("ledger create_transfers (1 leg)");
    });
    verify(&ledger_engine);
    drop(ledger_dir);
    verify(&http_engine);
    verify(&direct_engine);
    drop(direct_dir);
}

/// Median time of a 4 KiB write plus fsync in `dir`: the floor under every durable commit.
fn fsync_latency_ms(dir: &std::path::Path) -> f64 {
    use std::io::Write;
    let path = dir.join("fsync-probe");
    let Ok(mut f) = std::fs::File::create(&path) else { return f64::NAN };
    let mut times: Vec<f64> = (0..40)
        .map(|_| {
            let t = Instant::now();
            let _ = f.write_all(&[0u8; 4096]);
            let _ = f.sync_all();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    let _ = std::fs::remove_file(&path);
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn num_cpus() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}
