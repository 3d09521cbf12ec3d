//! The independent check: `tests/independent/instore_check.py`, a client written against the seed
//! alone (Python standard library, none of till's code), run against a real `till serve`. It signs
//! as the seed describes, receives callbacks on its own server (refusing the first attempts), and
//! tries replays, forgeries and over-refunds; afterwards `till verify` must hold. Skipped (visibly,
//! through `tests/skips`) when `python3` is missing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod instore_util;
use common::skips;

use std::process::Command;

use serde_json::Value;

fn have_python() -> bool {
    Command::new("python3").arg("--version").output().is_ok_and(|o| o.status.success())
}

#[test]
fn an_independent_client_finds_every_promise_kept() {
    if !have_python() {
        return skips::tool_missing("instore_independent", "python3", "python3 is not installed");
    }
    let s = instore_util::start("[instore.callbacks]\nretry_base_ms = 40\nretry_max_ms = 200\n");
    let w: Value =
        serde_json::from_str(s.server.till(&["wallet", "create", "--name", "Py", "--balance", "50.00"]).trim())
            .unwrap();
    let wallet = w["wallet_id"].as_i64().unwrap().to_string();
    let code = s.server.till(&["wallet", "barcode", "--wallet", &wallet]).trim().to_string();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/independent/instore_check.py");
    let out = Command::new("python3")
        .arg(script)
        .args(["--url", &s.server.base_url(), "--tenant", &s.tenant.id, "--key", &s.tenant.key])
        .args(["--wallet-barcode", &code])
        .output()
        .expect("run python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    eprintln!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the independent check failed:\n{stdout}");
    assert!(stdout.contains("all checks held"));
    // It must really have run every area (a script that skipped would still exit 0).
    for area in ["over-refund declined", "re-sends the same result", "forged amount -> 401", "past the limit"] {
        assert!(stdout.contains(area), "no check for {area:?} ran:\n{stdout}");
    }
    s.verify();
}
