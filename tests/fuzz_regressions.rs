//! The fuzz targets' properties (`fuzz/props.rs`) in the normal suite: each runs over its seed
//! corpus (`fuzz/corpus/<target>/`) and over every input a fuzzer ever crashed on
//! (`fuzz/regressions/<target>/`, kept there once fixed), so a crash found once stays fixed.
//! The fuzzers themselves: `fuzz/run` (nightly, `cargo install cargo-fuzz`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../fuzz/props.rs"]
mod props;

use std::path::Path;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut found = Vec::new();
    for dir in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else { continue };
        for e in entries.flatten() {
            let name = format!("{dir}/{target}/{}", e.file_name().to_string_lossy());
            found.push((name, std::fs::read(e.path()).unwrap()));
        }
    }
    found.sort();
    found
}

fn run(target: &str, property: fn(&[u8])) {
    let inputs = inputs(target);
    assert!(!inputs.is_empty(), "no inputs for {target}: the seed corpus is gone");
    for (name, data) in &inputs {
        let outcome = std::panic::catch_unwind(|| property(data));
        assert!(outcome.is_ok(), "{target}: {name} fails again");
    }
}

#[test]
fn money_parser() {
    run("money", props::money);
}

#[test]
fn card_and_track_parsers() {
    run("cards", props::cards);
}

#[test]
fn input_resolver() {
    run("resolver", props::resolver);
}

#[test]
fn mac_header() {
    run("mac_header", props::mac_header);
}

#[test]
fn json_bodies() {
    run("json_bodies", props::json_bodies);
}
