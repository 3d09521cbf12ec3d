//! The storage boundary, enforced: only `src/store/` may name a database driver (`rusqlite`,
//! `postgres`, `tokio_postgres`, `sqlx`). Everything else talks SQL through `crate::store::Sql`, so
//! a second backend is added in one module. The scan reads every `.rs` file under `src/`, comments
//! included (a driver named in a doc comment is usually a driver about to be used), and names the
//! file and line of each mention.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

/// Crate names that are database drivers.
const DRIVERS: &[&str] = &["rusqlite", "postgres", "tokio_postgres", "sqlx"];

/// The one directory allowed to name them, relative to the crate root.
const STORAGE: &str = "src/store";

/// One mention of a driver outside the storage module.
#[derive(Debug, PartialEq, Eq)]
struct Violation {
    file: PathBuf,
    line: usize,
    driver: &'static str,
    text: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: names `{}`: {}", self.file.display(), self.line, self.driver, self.text.trim())
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The drivers a line names: whole identifiers only (`rusqlite::Row`, `use sqlx;`), never a part of
/// a longer one, and not a `postgres://` URL (a connection string is configuration, not a driver).
fn drivers_named(line: &str) -> Vec<&'static str> {
    let bytes = line.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !is_ident(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_ident(bytes[i]) {
            i += 1;
        }
        let word = &line[start..i];
        if let Some(d) = DRIVERS.iter().find(|d| **d == word) {
            let url = line[i..].starts_with("://");
            if !url && !found.contains(d) {
                found.push(*d);
            }
        }
    }
    found
}

/// Every mention of a driver in `root/src` outside `root/src/store`.
fn violations(root: &Path) -> Vec<Violation> {
    let storage = root.join(STORAGE);
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut out = Vec::new();
    for file in files {
        if file.starts_with(&storage) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&file) else { continue };
        for (n, line) in text.lines().enumerate() {
            for driver in drivers_named(line) {
                let rel = file.strip_prefix(root).unwrap_or(&file).to_path_buf();
                out.push(Violation { file: rel, line: n + 1, driver, text: line.to_string() });
            }
        }
    }
    out
}

#[test]
fn no_file_outside_the_storage_module_names_a_database_driver() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found = violations(root);
    assert!(
        found.is_empty(),
        "only {STORAGE}/ may name a database driver; use crate::store::Sql instead:\n{}",
        found.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_scan_catches_a_planted_driver_and_spares_the_storage_module() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("src/engine/area")).unwrap();
    std::fs::create_dir_all(root.join("src/store")).unwrap();
    std::fs::write(root.join("src/store/sqlite.rs"), "use rusqlite::Connection;\n").unwrap();
    std::fs::write(
        root.join("src/engine/area/repo.rs"),
        "//! A repository.\nuse crate::store::Sql;\nfn f(c: &rusqlite::Connection) {}\n",
    )
    .unwrap();
    std::fs::write(root.join("src/lib.rs"), "// connect with postgres://localhost/till\nuse sqlx::PgPool;\n").unwrap();
    std::fs::write(root.join("src/engine/fine.rs"), "let my_rusqlite_like_name = 1; // PostgreSQL later\n").unwrap();
    let found = violations(root);
    let shown: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        vec![
            "src/engine/area/repo.rs:3: names `rusqlite`: fn f(c: &rusqlite::Connection) {}".to_string(),
            "src/lib.rs:2: names `sqlx`: use sqlx::PgPool;".to_string(),
        ],
    );
}

#[test]
fn every_driver_name_is_recognised() {
    assert_eq!(drivers_named("use tokio_postgres::Client;"), vec!["tokio_postgres"]);
    assert_eq!(drivers_named("postgres::Client::connect(url)"), vec!["postgres"]);
    assert_eq!(drivers_named("let url = \"postgres://h/db\";"), Vec::<&str>::new());
    assert_eq!(drivers_named("rusqlite::Error and sqlx::Error"), vec!["rusqlite", "sqlx"]);
}
