//! The independent check: `tests/spots_independent.py`, a client written from the seed's
//! description with Python's standard library only (hmac, hashlib, base64, http.client), signs its
//! own MAC requests, checks them against the seed's examples, plays a whole table visit as customer
//! and merchant and tries every forgery against a real `till serve`. Then `till verify`. Without
//! python3 the test says so through `tests/skips` (and fails under CI unless CI could not install it).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::skips;
mod spots_util;

use std::process::Command;

use common::DataDir;
use serde_json::json;

fn python() -> Option<&'static str> {
    ["python3", "python"].into_iter().find(|p| {
        Command::new(p)
            .args(["-c", "import sys; sys.exit(0 if sys.version_info >= (3, 8) else 1)"])
            .status()
            .is_ok_and(|s| s.success())
    })
}

#[test]
fn an_independent_python_client_plays_a_table_visit_and_every_forgery() {
    let Some(py) = python() else {
        return skips::tool_missing("spots_independent", "python3", "python3 (3.8 or later) is not installed");
    };
    let dir = DataDir::new();
    let merchant = spots_util::merchant(&dir);
    let guest = spots_util::customer(&dir, "Guest", "20.00");
    let poor = spots_util::customer(&dir, "Poor", "5.00");
    let server = dir.serve();
    let cred = |c: &spots_util::Cred| json!({"id": c.id, "key": c.key, "wallet_id": c.wallet_id});
    let config = json!({
        "host": "127.0.0.1", "port": server.addr().port(), "location": 1, "table": "TABLE3", "spare_table": "TABLE4",
        "merchant": cred(&merchant), "guest": cred(&guest), "poor": cred(&poor),
    });
    let path = server.data.path().join("independent.json");
    std::fs::write(&path, config.to_string()).unwrap();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("spots_independent.py");
    let out = Command::new(py).arg(&script).arg(&path).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "the independent client failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    for step in ["ok: seed vectors", "ok: server clock", "ok: table visit", "ok: forgeries"] {
        assert!(stdout.contains(step), "{step:?} missing:\n{stdout}");
    }
    let verify = server.data.till_output(&["verify"]);
    assert!(verify.status.success(), "till verify:\n{}", String::from_utf8_lossy(&verify.stdout));
}
