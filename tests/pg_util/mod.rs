//! Which backend a test runs on, and a fresh PostgreSQL database for each test that needs one.
//!
//! `TILL_DATABASE` names a PostgreSQL server the tests may create databases on (`.ci/run` starts a
//! throwaway one with `.ci/postgres.sh`). `TILL_TEST_BACKEND=postgres` runs the suites that are
//! parameterised over the backend (the ledger's model test, the gift suite through the `till
//! serve` harness) on PostgreSQL instead of SQLite. Without a server, a test that needs one skips
//! visibly (`tests/skips`); under `CI=true` that is a failure unless `.ci/run` said it could not
//! start PostgreSQL.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicU32, Ordering};

#[path = "../skips/mod.rs"]
pub mod skips;

/// Whether the parameterised suites run on PostgreSQL in this run.
pub fn postgres_selected() -> bool {
    std::env::var("TILL_TEST_BACKEND").is_ok_and(|v| v.eq_ignore_ascii_case("postgres"))
}

/// The server's URL, or `None` after recording the skip of `test`.
pub fn server(test: &str) -> Option<String> {
    match std::env::var("TILL_DATABASE").ok().filter(|v| v.starts_with("postgres")) {
        Some(url) => Some(url),
        None => {
            skips::tool_missing(
                test,
                "postgresql",
                "no PostgreSQL server (set TILL_DATABASE=postgres://…, e.g. from .ci/postgres.sh)",
            );
            None
        }
    }
}

/// A new, empty database for `test` on the server, as a URL; `None` (skipped) without a server.
pub fn scratch(test: &str) -> Option<String> {
    static N: AtomicU32 = AtomicU32::new(0);
    let server = server(test)?;
    let clean: String =
        test.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).take(30).collect();
    let name = format!("t_{clean}_{}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
    Some(till::store::postgres::recreate_database(&server, &name).expect("create a scratch database"))
}
