//! Long command-line work run as a script runs it, with stdout and stderr pipes: no progress bar
//! (no escape sequences, no carriage returns, no progress lines), exactly one summary line on
//! stderr, stdout as before (card numbers one a line, verify's findings). Ctrl+C (SIGINT) stops
//! `till populate` and `till cards generate` after a whole batch, exit 130, and the ledger is
//! whole.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output, Stdio};

fn till(data: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_till"))
        .arg("--data")
        .arg(data)
        .args(args)
        .env_remove("TILL_DATA")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// stderr is the one summary line starting with `prefix`, and nothing a bar would draw.
fn one_summary(out: &Output, prefix: &str) -> String {
    let err = String::from_utf8(out.stderr.clone()).unwrap();
    assert!(!err.contains('\x1b') && !err.contains('\r'), "bar control characters on a pipe: {err:?}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "one summary line expected, got: {err:?}");
    assert!(lines[0].starts_with(prefix), "{err:?}");
    lines[0].to_string()
}

#[test]
fn on_pipes_there_is_no_bar_only_one_summary_line_and_stdout_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = till(&data, &["cards", "generate", "--count", "2500"]);
    assert!(out.status.success(), "{out:?}");
    let numbers = String::from_utf8(out.stdout.clone()).unwrap();
    assert_eq!(numbers.lines().count(), 2500);
    assert!(numbers.lines().all(|l| l.len() == 16 && l.bytes().all(|b| b.is_ascii_digit())), "{numbers}");
    let s = one_summary(&out, "cards: 2500 registered");
    assert!(s.contains("/s)"), "{s}");

    let out = till(&data, &["populate", "--transfers", "3000", "--cards", "500", "--batch", "700"]);
    assert!(out.status.success(), "{out:?}");
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr.clone()).unwrap();
    // Two phases, one line each.
    assert_eq!(err.lines().count(), 2, "{err}");
    assert!(
        err.contains("populate: 500 cards registered") && err.contains("populate: 3000 operations (0 declined)"),
        "{err}"
    );
    assert!(!err.contains('\x1b') && !err.contains('\r'), "{err:?}");

    for quiet in [false, true] {
        let args: &[&str] = if quiet { &["verify", "--quiet"] } else { &["verify"] };
        let out = till(&data, args);
        assert!(out.status.success(), "{out:?}");
        let stdout = String::from_utf8(out.stdout.clone()).unwrap();
        assert!(stdout.starts_with("checked: ") && stdout.ends_with("ok: every invariant holds\n"), "{stdout}");
        let s = one_summary(&out, "verify: ");
        assert!(s.contains("3005 transfers") && s.contains("0 violation(s)"), "{s}");
    }

    let copy = dir.path().join("copy.sqlite");
    let out = till(&data, &["backup", "--to", copy.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    one_summary(&out, "backup: ");
    assert!(String::from_utf8(out.stdout.clone()).unwrap().starts_with("backup: "));
    assert!(copy.exists());

    let out = till(&data, &["migrate"]);
    assert!(out.status.success(), "{out:?}");
    one_summary(&out, "migrate: schema up to date");

    let codes = dir.path().join("codes.txt");
    let text: String = (0..12_000).map(|i| format!("CODE-{i:08}\n")).collect();
    std::fs::write(&codes, text).unwrap();
    let out = till(&data, &["codes", "import", "--product", "4001232232332", codes.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    one_summary(&out, "codes: 12000 read");
    assert!(String::from_utf8(out.stdout.clone()).unwrap().starts_with("codes: 12000 added, 0 already known"));
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_after_a_whole_batch_and_leaves_a_whole_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(till(&data, &["migrate"]).status.success());
    let child = Command::new(env!("CARGO_BIN_EXE_till"))
        .arg("--data")
        .arg(&data)
        .args(["populate", "--transfers", "5000000", "--cards", "2000", "--batch", "500"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Past the cards, into the operations (the cards line is on stderr before they start).
    std::thread::sleep(std::time::Duration::from_millis(2500));
    let killed = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8(out.stderr.clone()).unwrap();
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(err.contains("interrupted after whole batches (5000000 asked)"), "{err}");
    // What was done is a whole number of batches, and the ledger holds exactly that.
    let done: u64 = err
        .lines()
        .find_map(|l| l.strip_prefix("populate: ").and_then(|r| r.split(" operations").next()?.parse().ok()))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(done.is_multiple_of(500) && done < 5_000_000, "{err}");
    let out = till(&data, &["verify"]);
    assert!(out.status.success(), "{out:?}");
    let s = one_summary(&out, "verify: ");
    // The demo's own transfers come on top of the populated ones.
    let transfers: u64 = s.strip_prefix("verify: ").unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!(transfers >= done && transfers <= done + 10, "{s} after {done}");
}
