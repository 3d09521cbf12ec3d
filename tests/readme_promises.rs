//! What the README promises about running the till, each checked against the real binary: the
//! data directory from `TILL_DATA` (and `--data` over it), `--no-demo`, `till.log` with its level
//! from `RUST_LOG`, `till serve`'s default listen address, and the products import's update path.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::till_bin;

fn till(args: &[&str], env: &[(&str, &std::path::Path)]) -> std::process::Output {
    let mut c = Command::new(till_bin());
    c.args(args).env_remove("TILL_DATA").env_remove("RUST_LOG");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

#[test]
fn the_data_directory_comes_from_till_data_unless_data_is_given() {
    let env_dir = tempfile::tempdir().unwrap();
    let flag_dir = tempfile::tempdir().unwrap();
    let out = till(&["token", "create", "--name", "a"], &[("TILL_DATA", env_dir.path())]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(env_dir.path().join("till.sqlite").exists(), "TILL_DATA holds the ledger");
    let flag = flag_dir.path().to_str().unwrap();
    let out = till(&["token", "create", "--name", "b", "--data", flag], &[("TILL_DATA", env_dir.path())]);
    assert!(out.status.success());
    assert!(flag_dir.path().join("till.sqlite").exists(), "--data wins over TILL_DATA");
}

#[test]
fn no_demo_starts_an_empty_store() {
    let demo = tempfile::tempdir().unwrap();
    let empty = tempfile::tempdir().unwrap();
    let unlock = |dir: &std::path::Path, extra: &[&str]| {
        let mut args = vec!["user", "unlock", "--number", "1001", "--data", dir.to_str().unwrap()];
        args.extend_from_slice(extra);
        till(&args, &[])
    };
    let out = unlock(demo.path(), &[]);
    assert!(out.status.success(), "the demo cashier exists: {}", String::from_utf8_lossy(&out.stderr));
    let out = unlock(empty.path(), &["--no-demo"]);
    assert!(!out.status.success(), "no demo users with --no-demo");
    assert!(String::from_utf8_lossy(&out.stderr).contains("there is no user 1001"));
}

/// Starts `till serve` with `RUST_LOG=level`, waits for its address line, stops it.
fn serve_once(dir: &std::path::Path, level: &str) -> String {
    let mut child = Command::new(till_bin())
        .args(["serve", "--listen", "127.0.0.1:0", "--data", dir.to_str().unwrap()])
        .env("RUST_LOG", level)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let _ = child.wait();
    line
}

/// Everything in the data directory's logs (`till.YYYY-MM-DD.log`, rotated daily).
fn logs(dir: &Path) -> String {
    let mut out = String::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("till.") && name.ends_with(".log") {
            out.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
        }
    }
    out
}

#[test]
fn logs_go_to_till_log_at_the_level_rust_log_sets() {
    let dir = tempfile::tempdir().unwrap();
    let line = serve_once(dir.path(), "info");
    assert!(line.contains("http://127.0.0.1:"), "{line}");
    let log = logs(dir.path());
    assert!(log.contains("till serve started"), "info lines at RUST_LOG=info:\n{log}");

    let quiet = tempfile::tempdir().unwrap();
    serve_once(quiet.path(), "error");
    let log = logs(quiet.path());
    assert!(!log.contains("till serve started"), "RUST_LOG=error keeps info lines out:\n{log}");
}

#[test]
fn serve_listens_on_127_0_0_1_7878_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(till_bin())
        .args(["serve", "--data", dir.path().to_str().unwrap()])
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let _ = BufReader::new(child.stdout.take().unwrap()).read_line(&mut line);
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let out = child.wait_with_output().unwrap();
    let said = format!("{line}{}", String::from_utf8_lossy(&out.stderr));
    // Either it listens there, or (another program has the port) it says it could not, naming it.
    assert!(said.contains("127.0.0.1:7878"), "{said}");
}

#[test]
fn importing_a_known_product_updates_it() {
    let data = common::DataDir::new();
    let file = data.path().join("p.json");
    let product = |name: &str| {
        format!(
            r#"{{"products": [{{"code": "4006381333931", "name": "{name}", "brand": "B", "country": "DE",
                "currency": "EUR", "denominations": ["10.00"], "kind": "POSA"}}]}}"#
        )
    };
    std::fs::write(&file, product("New Card")).unwrap();
    let first = data.till(&["products", "import", file.to_str().unwrap()]);
    assert!(first.contains("1 created"), "{first}");
    std::fs::write(&file, product("Renamed Card")).unwrap();
    let second = data.till(&["products", "import", file.to_str().unwrap()]);
    assert!(second.contains("1 updated"), "{second}");
    let again = data.till(&["products", "import", file.to_str().unwrap()]);
    assert!(again.contains("1 unchanged"), "{again}");
    // The server serves the new name.
    let server = data.serve();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let body: serde_json::Value = rt.block_on(async {
        let r = server
            .http()
            .get(server.url("/v1/products/4006381333931"))
            .bearer_auth(server.token())
            .timeout(Duration::from_secs(30))
            .send()
            .await
            .unwrap();
        r.json().await.unwrap()
    });
    assert_eq!(body["name"], "Renamed Card", "{body}");
}
