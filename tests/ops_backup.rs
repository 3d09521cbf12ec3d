//! Operations a store needs, against a real `till serve`: a backup taken while gift load runs is a
//! consistent snapshot that restores into a new data directory where `till verify` passes and
//! every operation acknowledged before the backup began is present; and the write-ahead log is
//! truncated once the server is idle and at a clean shutdown.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::{DataDir, TestServer, card, gift_body};
use serde_json::json;
use tokio::sync::Mutex;

/// Gift redeems and reloads until `stop`; every acknowledged `externalTransactionId` is pushed.
async fn load(
    base: String,
    token: String,
    cards: Vec<String>,
    task: usize,
    stop: Arc<AtomicBool>,
    acked: Arc<Mutex<Vec<String>>>,
) {
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    let mut i = 0usize;
    while !stop.load(Ordering::Relaxed) {
        i += 1;
        let ext = format!("bk-{task}-{i}");
        let c = card(&cards[(task + i) % cards.len()]);
        let (path, body) = if i.is_multiple_of(2) {
            ("/gift/reload.json", json!({"cardInfo": c, "amount": "5.00", "externalTransactionId": ext}))
        } else {
            ("/gift/redeem.json", json!({"cardInfo": c, "amount": "5.00", "externalTransactionId": ext}))
        };
        // No reply: the server is stopping (the shutdown test); every reply that came is a success.
        let Ok(resp) = http.post(format!("{base}{path}")).bearer_auth(&token).json(&gift_body(body)).send().await
        else {
            break;
        };
        assert_eq!(resp.status(), 200, "{:?}", resp.text().await);
        acked.lock().await.push(ext);
    }
}

fn wal_size(dir: &Path) -> u64 {
    std::fs::metadata(dir.join("till.sqlite-wal")).map(|m| m.len()).unwrap_or(0)
}

async fn wait_for(what: &str, within: Duration, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !ok() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn start_load(
    server: &TestServer,
    cards: &[String],
) -> (Arc<AtomicBool>, Arc<Mutex<Vec<String>>>, Vec<tokio::task::JoinHandle<()>>) {
    let stop = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(Mutex::new(Vec::new()));
    let tasks = (0..4)
        .map(|t| {
            tokio::spawn(load(
                server.base_url(),
                server.token().to_string(),
                cards.to_vec(),
                t,
                stop.clone(),
                acked.clone(),
            ))
        })
        .collect();
    (stop, acked, tasks)
}

async fn sell(server: &TestServer, cards: &[String]) {
    for n in cards {
        let (status, body) =
            server.post("/gift/sell.json", &gift_body(json!({"cardInfo": card(n), "amount": "300.00"}))).await;
        assert_eq!(status, 200, "{body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_under_load_restores_and_verifies() {
    let dir = DataDir::new();
    let cards = dir.generate_cards(4);
    let server = dir.serve();
    sell(&server, &cards).await;
    let (stop, acked, tasks) = start_load(&server, &cards).await;
    wait_for("load", Duration::from_secs(60), || acked.try_lock().map(|a| a.len() >= 100).unwrap_or(false)).await;

    let before: Vec<String> = acked.lock().await.clone();
    let backup_file = tempfile::tempdir().unwrap();
    let file = backup_file.path().join("till-backup.sqlite");
    let out = server.data.till_output(&["backup", "--to", file.to_str().unwrap()]);
    let during = acked.lock().await.len();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(said.contains("till-backup.sqlite") && said.contains("secrets.key"), "{said}");
    // The server kept answering: more acknowledged after the backup than at its start.
    let more = during + 50;
    wait_for("load after the backup", Duration::from_secs(60), || {
        acked.try_lock().map(|a| a.len() >= more).unwrap_or(false)
    })
    .await;
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.unwrap();
    }
    let total = acked.lock().await.len();

    // A second backup onto the same name is refused; the first stays whole.
    let again = server.data.till_output(&["backup", "--to", file.to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));

    // Restore into a new data directory, with the settings and key kept apart from the backup.
    let restored = tempfile::tempdir().unwrap();
    for f in ["till.toml", "secrets.key"] {
        std::fs::copy(server.data.path().join(f), restored.path().join(f)).unwrap();
    }
    let till = |args: &[&str]| {
        std::process::Command::new(common::till_bin()).args(args).arg("--data").arg(restored.path()).output().unwrap()
    };
    let out = till(&["restore", "--from", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("till verify"));
    let out = till(&["verify"]);
    assert!(out.status.success(), "verify of the restored data:\n{}", String::from_utf8_lossy(&out.stdout));
    let out = till(&["restore", "--from", file.to_str().unwrap()]);
    assert!(!out.status.success(), "a restore onto a ledger is refused");
    assert!(String::from_utf8_lossy(&out.stderr).contains("already holds a ledger"));

    // Everything acknowledged before the backup began is in it; nothing after it finished is.
    let conn = rusqlite::Connection::open(restored.path().join("till.sqlite")).unwrap();
    let in_backup: std::collections::HashSet<String> = conn
        .prepare("SELECT ext_id FROM gift_txns WHERE ext_id LIKE 'bk-%' AND status = 'done'")
        .and_then(|mut s| s.query_map([], |r| r.get::<_, String>(0))?.collect())
        .unwrap();
    for ext in &before {
        assert!(in_backup.contains(ext), "{ext} was acknowledged before the backup and is missing from it");
    }
    assert!(in_backup.len() <= during, "the backup holds {} > {during} acknowledged at its end", in_backup.len());
    assert!(in_backup.len() < total);

    // The restored directory serves: a card's balance there is what the journal in it says.
    let restored_server = DataDir { dir: restored, token: server.data.token.clone(), database: None }.serve();
    let (status, b) =
        restored_server.post("/gift/balance.json", &gift_body(json!({"cardInfo": card(&cards[0])}))).await;
    assert_eq!(status, 200, "{b}");
    eprintln!(
        "backup: {} acknowledged before, {} in the backup, {} after; restored and verified",
        before.len(),
        in_backup.len(),
        total
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_log_is_truncated_when_idle_and_at_a_clean_shutdown() {
    let dir = DataDir::new();
    let cards = dir.generate_cards(4);
    let mut server = dir.serve();
    sell(&server, &cards).await;
    let path = server.data.path().to_path_buf();
    let (stop, acked, tasks) = start_load(&server, &cards).await;
    let mut peak = 0;
    wait_for("a log under load", Duration::from_secs(60), || {
        peak = peak.max(wal_size(&path));
        acked.try_lock().map(|a| a.len() >= 300).unwrap_or(false)
    })
    .await;
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.unwrap();
    }
    peak = peak.max(wal_size(&path));
    assert!(peak > 0, "the load wrote no log");
    // Idle: the server truncates the log on its own, while it keeps running.
    wait_for("the idle truncation", Duration::from_secs(20), || wal_size(&path) == 0).await;
    let (status, _) = server.post("/gift/balance.json", &gift_body(json!({"cardInfo": card(&cards[0])}))).await;
    assert_eq!(status, 200, "still serving");

    // Load again, then a clean stop: no log left behind.
    let (stop, acked, tasks) = start_load(&server, &cards).await;
    let mut before_stop = 0;
    wait_for("a log under load", Duration::from_secs(60), || {
        before_stop = wal_size(&path);
        before_stop > 0 && acked.try_lock().map(|a| a.len() >= 50).unwrap_or(false)
    })
    .await;
    let status = server.terminate().expect("the server stops on SIGTERM");
    assert!(status.success(), "{status:?}");
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        let _ = t.await;
    }
    assert_eq!(wal_size(&path), 0, "the log after a clean shutdown");
    eprintln!("wal: {peak} bytes at the peak of load, 0 once idle; {before_stop} bytes before SIGTERM, 0 after");
    let out = std::process::Command::new(common::till_bin()).args(["verify", "--data"]).arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}
