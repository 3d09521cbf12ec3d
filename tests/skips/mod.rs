//! Skips that show. `cargo test` hides a passing test's output, so a test that cannot run for a
//! missing tool says so three ways: on stderr, as a line in the skip file that `.ci/run` prints
//! in its summary, and, under `CI=true`, as a failure unless `.ci/run` itself reported the tool
//! unavailable (`TILL_CI_UNAVAILABLE`, space-separated): a tool CI installed must be found.
//!
//! ```ignore
//! mod skips;
//! if !have_tmux() { return skips::tool_missing("tui_smoke", "tmux", "tmux is not installed"); }
//! ```
#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;

/// Where skips are recorded: `$TILL_SKIP_FILE`, else `skips.txt` in cargo's test tmp dir.
pub fn skip_file() -> PathBuf {
    match std::env::var_os("TILL_SKIP_FILE").filter(|v| !v.is_empty()) {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("skips.txt"),
    }
}

/// Records that `test` did not run because `tool` is missing; panics under `CI=true` unless CI
/// said beforehand that it could not provide the tool.
pub fn tool_missing(test: &str, tool: &str, why: &str) {
    let on_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    let excused = std::env::var("TILL_CI_UNAVAILABLE").is_ok_and(|v| v.split_whitespace().any(|t| t == tool));
    if on_ci && !excused {
        panic!("{test}: {why}. CI installs {tool} (.ci/run), so a missing {tool} is a failure, not a skip");
    }
    let line = format!("SKIPPED {test}: {why}");
    eprintln!("{line}");
    let file = skip_file();
    if let Some(dir) = file.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(&file) {
        let _ = writeln!(f, "{line}");
    }
}
