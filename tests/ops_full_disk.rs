//! A full disk, for real: the data directory on a small tmpfs, nearly filled with a ballast file,
//! and gift reloads until the disk is full. A refused write answers `507 storage_full` in the
//! surface's shape (never a bare 500), reads keep working, writes succeed again once space is
//! freed (no restart), and after a SIGKILL and restart every acknowledged reload is there and
//! `till verify` passes. Mounting needs root: without it the test skips visibly.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::skips;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{DataDir, card, gift_body};
use serde_json::json;

/// A tmpfs mounted for the test, unmounted on drop.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Result<Tmpfs, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !out.status.success() {
            return Err(format!("mount -t tmpfs refused: {}", String::from_utf8_lossy(&out.stderr).trim()));
        }
        Ok(Tmpfs { dir })
    }
    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

fn free_bytes(path: &Path) -> u64 {
    let out = Command::new("df").args(["--output=avail", "-B1"]).arg(path).output().unwrap();
    String::from_utf8_lossy(&out.stdout).lines().nth(1).and_then(|l| l.trim().parse().ok()).unwrap_or(0)
}

/// Fills the file system at `path` until about `leave` bytes are free.
fn ballast(path: &Path, leave: u64) -> PathBuf {
    let file = path.join("ballast");
    let free = free_bytes(path);
    let size = free.saturating_sub(leave);
    std::fs::write(&file, vec![0u8; size as usize]).unwrap();
    file
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_refuses_writes_clearly_and_loses_nothing_acknowledged() {
    let fs = match Tmpfs::mount("24m") {
        Ok(fs) => fs,
        Err(why) => return skips::tool_missing("ops_full_disk", "mount", &why),
    };
    let data = tempfile::TempDir::new_in(fs.path()).unwrap();
    let mut dir = DataDir { dir: data, token: String::new(), database: None };
    dir.token = dir.till(&["token", "create", "--name", "full-disk"]).trim().to_string();
    let cards = dir.generate_cards(2);
    let mut server = dir.serve();
    for n in &cards {
        let (status, body) =
            server.post("/gift/sell.json", &gift_body(json!({"cardInfo": card(n), "amount": "100.00"}))).await;
        assert_eq!(status, 200, "{body}");
    }
    let ballast = ballast(fs.path(), 256 * 1024);

    // Reload until the disk says no, a few times in a row.
    let mut acked = Vec::new();
    let mut refusals = 0;
    let mut i = 0;
    let deadline = Instant::now() + Duration::from_secs(120);
    while refusals < 5 {
        assert!(Instant::now() < deadline, "the disk never filled: {} reloads acknowledged", acked.len());
        i += 1;
        let ext = format!("full-{i}");
        // A reload, then a redeem of the same amount on the same card: balances stay in range.
        let path = if i % 2 == 1 { "/gift/reload.json" } else { "/gift/redeem.json" };
        let body =
            gift_body(json!({"cardInfo": card(&cards[(i / 2) % 2]), "amount": "5.00", "externalTransactionId": ext}));
        let (status, reply) = server.post(path, &body).await;
        match status {
            200 => {
                acked.push((path, body, reply));
                refusals = 0;
            }
            507 => {
                assert_eq!(reply["errorCode"], "storage_full", "{reply}");
                assert!(reply["errorMessage"].as_str().unwrap().contains("disk is full"), "{reply}");
                refusals += 1;
            }
            other => panic!("a full disk answered {other}: {reply}"),
        }
    }
    assert!(!acked.is_empty(), "nothing was acknowledged before the disk filled");
    // Reads still work on a full disk.
    let (status, b) = server.post("/gift/balance.json", &gift_body(json!({"cardInfo": card(&cards[0])}))).await;
    assert_eq!(status, 200, "{b}");
    // The other surfaces say it in their own shape.
    let order = json!({"product_code": "4001232232332", "store_id": "A1234", "terminal_id": "T01", "receipt_id": "R-full",
        "country": "DE", "face_value": {"currency": "EUR", "amount": "25.00"},
        "receipt_printing": {"characters_per_line": 40, "locale": "de-DE"}});
    let resp = server
        .http()
        .post(server.url("/v1/retail_orders"))
        .bearer_auth(server.token())
        .header("Idempotency-Key", "full-disk-order")
        .json(&order)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let v: serde_json::Value = resp.json().await.unwrap();
    assert_eq!((status, v["error"]["code"].as_str()), (507, Some("storage_full")), "{v}");

    // Space again: writes succeed without a restart.
    std::fs::remove_file(&ballast).unwrap();
    let body =
        gift_body(json!({"cardInfo": card(&cards[0]), "amount": "5.00", "externalTransactionId": "after-space"}));
    let (status, reply) = server.post("/gift/reload.json", &body).await;
    assert_eq!(status, 200, "after freeing space: {reply}");
    acked.push(("/gift/reload.json", body, reply));

    // Nothing acknowledged is lost, across a SIGKILL too.
    server.restart();
    for (path, body, reply) in &acked {
        let (status, again) = server.post(path, body).await;
        assert_eq!(status, 200, "{again}");
        assert_eq!(again["pxTransactionId"], reply["pxTransactionId"]);
    }
    let out = server.data.till_output(&["verify"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    eprintln!("full disk: {} reloads acknowledged before the disk filled, all there after a restart", acked.len() - 1);
    server.kill9();
    drop(server);
    drop(fs);
}
