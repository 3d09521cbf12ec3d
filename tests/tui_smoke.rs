//! The real binary in a real terminal (tmux): log in, sell a gift card, read the new balance off
//! the screen, quit, and find the terminal restored; and a till with `--server` against a separately
//! started `till serve`. Skipped, with a message, where tmux is missing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::skips;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux").args(args).output().expect("run tmux");
    String::from_utf8_lossy(&out.stdout).to_string()
}

struct Session(String);

impl Session {
    fn screen(&self) -> String {
        tmux(&["capture-pane", "-p", "-t", &self.0])
    }
    /// Waits until `needle` is on the screen; panics with the screen after `secs`.
    fn wait_for(&self, needle: &str, secs: u64) -> String {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let s = self.screen();
            if s.contains(needle) {
                return s;
            }
            assert!(Instant::now() < deadline, "{needle:?} never appeared:\n{s}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    /// Types like a person: one key at a time.
    fn type_slowly(&self, text: &str) {
        for c in text.chars() {
            tmux(&["send-keys", "-t", &self.0, "-l", &c.to_string()]);
            std::thread::sleep(Duration::from_millis(80));
        }
    }
    fn key(&self, key: &str) {
        tmux(&["send-keys", "-t", &self.0, key]);
        std::thread::sleep(Duration::from_millis(80));
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["kill-session", "-t", &self.0]).output();
    }
}

fn till(data: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_till")).args(args).arg("--data").arg(data).output().unwrap();
    assert!(out.status.success(), "till {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn no_tmux() -> bool {
    if Command::new("tmux").arg("-V").output().is_err() {
        skips::tool_missing("tui_smoke", "tmux", "tmux is not installed; the real-terminal smoke test did not run");
        return true;
    }
    false
}

/// Starts `cmd` in a new detached tmux session of 100×30.
fn session(tag: &str, cmd: &str) -> Session {
    let name = format!("till-{tag}-{}", std::process::id());
    let started = Command::new("tmux")
        .args(["new-session", "-d", "-s", &name, "-x", "100", "-y", "30", cmd])
        .status()
        .expect("tmux new-session");
    assert!(started.success());
    Session(name)
}

#[test]
fn sell_a_gift_card_in_the_real_binary() {
    if no_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let card = till(&data, &["cards", "generate", "--count", "1"]).trim().to_string();
    let cmd = format!(
        // English on purpose (the demo store is de-DE): this test reads the English words.
        "env TILL_SETTINGS={} NO_COLOR=1 {} --lang en --data {}; echo TILL_EXIT=$?; sleep 30",
        dir.path().join("settings.toml").display(),
        env!("CARGO_BIN_EXE_till"),
        data.display()
    );
    let s = session("smoke", &cmd);

    s.wait_for("User number", 20);
    s.type_slowly("1001");
    s.key("Enter");
    s.type_slowly("1234");
    s.key("Enter");
    s.wait_for("Hello Demo Cashier", 20);

    // The card arrives the way a scanner sends it: a burst ending in Enter, in one write (two tmux
    // calls could land further apart than the scanner gap on a loaded machine).
    tmux(&["send-keys", "-t", &s.0, &card, "Enter"]);
    s.wait_for("not activated", 20);
    s.key("s");
    s.type_slowly("25");
    s.key("Enter");
    s.wait_for("How does the customer pay?", 10);
    s.key("1");
    s.wait_for("Sell?", 10);
    s.key("Enter");
    let screen = s.wait_for("Sell done", 20);
    let balance = screen.lines().find(|l| l.contains("New balance")).unwrap_or_default();
    assert!(balance.contains("25,00 €"), "new balance line: {balance:?}\n{screen}");

    s.key("C-q");
    let after = s.wait_for("TILL_EXIT=", 20);
    assert!(after.contains("TILL_EXIT=0"), "the till did not exit cleanly:\n{after}");
    assert!(!after.contains("New balance"), "the till's screen was left behind:\n{after}");
    let flags = tmux(&["display-message", "-p", "-t", &s.0, "#{alternate_on} #{cursor_flag}"]);
    assert_eq!(flags.trim(), "0 1", "alternate screen still on or cursor hidden");
}

/// The README: `till --server URL` uses a `till serve` elsewhere. Here that server is another
/// process on its own data directory; the till's own directory stays without a ledger, and the
/// card the till sold has its balance on the server.
#[test]
fn a_till_with_server_sells_on_a_separately_started_till_serve() {
    if no_tmux() {
        return;
    }
    let served = common::DataDir::new();
    let card = served.generate_cards(1).remove(0);
    let server = served.serve();
    let dir = tempfile::tempdir().unwrap();
    let own = dir.path().join("own-data");
    let cmd = format!(
        "env TILL_SETTINGS={} NO_COLOR=1 {} --lang en --server {} --data {}; echo TILL_EXIT=$?; sleep 30",
        dir.path().join("settings.toml").display(),
        env!("CARGO_BIN_EXE_till"),
        server.base_url(),
        own.display()
    );
    let s = session("server", &cmd);
    s.wait_for("User number", 20);
    s.type_slowly("1001");
    s.key("Enter");
    s.type_slowly("1234");
    s.key("Enter");
    s.wait_for("Hello Demo Cashier", 20);
    // The server's own card: an embedded engine would not know it.
    tmux(&["send-keys", "-t", &s.0, &card, "Enter"]);
    s.wait_for("not activated", 20);
    s.key("s");
    s.type_slowly("12");
    s.key("Enter");
    s.wait_for("How does the customer pay?", 10);
    s.key("1");
    s.wait_for("Sell?", 10);
    s.key("Enter");
    s.wait_for("Sell done", 20);
    s.key("C-q");
    let after = s.wait_for("TILL_EXIT=", 20);
    assert!(after.contains("TILL_EXIT=0"), "the till did not exit cleanly:\n{after}");

    let rt = tokio::runtime::Runtime::new().unwrap();
    let (status, balance) = rt.block_on(
        server.post("/gift/balance.json", &common::gift_body(serde_json::json!({"cardInfo": common::card(&card)}))),
    );
    assert_eq!((status, &balance["currentBalance"]), (200, &serde_json::json!("12.00")), "{balance}");
    assert!(!own.join("till.sqlite").exists(), "the till with --server opened a ledger of its own");
}

/// Without a terminal (stdin and stdout not a tty, as under a pipe or a service manager) the till
/// says what to do instead and exits 1; it never panics.
#[test]
fn without_a_terminal_the_till_says_so_and_exits() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(common::till_bin())
        .args(["--server", "http://127.0.0.1:9", "--data"])
        .arg(dir.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("till serve") && !err.contains("panicked"), "{err}");
}
