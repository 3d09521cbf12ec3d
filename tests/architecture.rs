//! The layers of `src/`, held by a test: every `crate::…` path (and `super::…` that leaves its top
//! module, and `till::…` in `src/bin` and `main.rs`) is read from the source text, each file is
//! mapped to its layer, and an import a layer may not make fails the test with file:line, the
//! import and the rule. A second check finds import cycles among the submodules of the modules
//! that must have none (`engine/gift`, `engine/catalog`).
//!
//! The layers (a layer may use the ones it lists, itself, and nothing else):
//!
//! ```text
//! tui     → client, i18n, money, receipt  the screen reaches the engine only through client
//! client  → wire, money, receipt          typed HTTP calls; prints receipts locally
//! api     → engine, wire, money, receipt, i18n  maps wire ↔ engine; words reports in the asked language
//! wire    → money, receipt                request/response types of every surface
//! engine  → ledger, store, money, receipt the business; never api, wire, client or tui
//! ledger  → store, money
//! receipt → money
//! i18n    → money                          the message catalogue
//! money, store → nothing
//! cli, main.rs, lib.rs, bin → anything    the composition root
//! ```
//!
//! The checker reads text, not the compiler's resolution: comments and string literals are blanked
//! first, and a path is taken where it is written (`use` lines, inline `crate::x::f()` calls and
//! `crate::{a, b::c}` groups alike). The unit tests at the bottom feed it planted bad imports.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// Which layers each layer may use (besides itself). `None`: anything (the composition root).
fn allowed(layer: &str) -> Option<&'static [&'static str]> {
    Some(match layer {
        "tui" => &["client", "i18n", "money", "receipt"],
        "client" => &["wire", "money", "receipt"],
        "api" => &["engine", "wire", "money", "receipt", "i18n"],
        "wire" => &["money", "receipt"],
        "engine" => &["ledger", "store", "money", "receipt"],
        "ledger" => &["store", "money"],
        "receipt" => &["money"],
        "i18n" => &["money"],
        "money" | "store" => &[],
        _ => return None,
    })
}

/// Every layer the map knows. A top module not listed here fails the test until it is given a place.
const LAYERS: &[&str] =
    &["tui", "client", "api", "wire", "engine", "ledger", "receipt", "i18n", "money", "store", "cli"];

/// Items at the crate root that belong to a layer: `#[macro_export]` macros land there.
fn root_item_layer(name: &str) -> Option<&'static str> {
    match name {
        "params" => Some("store"),
        "t" => Some("i18n"),
        _ => None,
    }
}

/// Nodes left out of the cycle check: the module's own file (see [`submodule_graph`]) and its
/// repository (`repo.rs`, the one place an area's SQL lives, as COMMON.md asks: it reads rows into
/// the area's types and the area calls it, a pair by design).
const OUTSIDE_CYCLES: &[&str] = &["mod", "repo"];

/// The modules whose submodules must import each other without cycles.
const ACYCLIC: &[&str] = &["engine/gift", "engine/catalog"];

/// One import a layer may not make.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Violation {
    file: String,
    line: usize,
    import: String,
    rule: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: `{}`: {}", self.file, self.line, self.import, self.rule)
    }
}

/// A path written in a file: where, and its segments resolved from the crate root
/// (`super::x` in `engine/gift/ops/load.rs` becomes `engine::gift::ops::x`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Use {
    line: usize,
    segments: Vec<String>,
    /// As written, for the message.
    text: String,
}

// ------------------------------------------------------------------------------------------------
// Reading the source

/// The text with comments, string and char literals replaced by spaces (newlines kept, so offsets
/// and line numbers stay those of the file).
fn blank_comments_and_strings(src: &str) -> String {
    let b: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !prev_is_ident(&b, i) {
            // A raw string r"…" or r#"…"#: ends at a quote followed by as many hashes.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= b.len() {
                    break;
                }
                if b[j] == '"' && (0..hashes).all(|k| b.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            for ch in &b[i..j.min(b.len())] {
                out.push(blank(*ch));
            }
            i = j;
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < b.len() {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{..}'), or a lifetime ('a), which stays.
            if next == Some('\\') {
                let mut j = i + 2;
                while j < b.len() && b[j] != '\'' {
                    j += 1;
                }
                for _ in i..=j.min(b.len() - 1) {
                    out.push(' ');
                }
                i = j + 1;
            } else if b.get(i + 2) == Some(&'\'') {
                out.push_str("   ");
                i += 3;
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn prev_is_ident(b: &[char], i: usize) -> bool {
    i > 0 && (b[i - 1].is_alphanumeric() || b[i - 1] == '_')
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The module path of a file under `src/`: `engine/gift/ops/load.rs` → `engine::gift::ops::load`,
/// `engine/gift/mod.rs` → `engine::gift`, `lib.rs` and `main.rs` → the root.
fn module_path(rel: &str) -> Vec<String> {
    let rel = rel.trim_end_matches(".rs");
    let mut parts: Vec<String> = rel.split('/').map(str::to_string).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts
}

/// Every path that starts with `crate`, `super` or `self` (and `till` when `till_is_crate`), with
/// `{…}` groups expanded, resolved from the crate root.
fn uses(rel: &str, src: &str, till_is_crate: bool) -> Vec<Use> {
    let text = blank_comments_and_strings(src);
    let chars: Vec<char> = text.chars().collect();
    let file_module = module_path(rel);
    // Inline `mod name { … }` blocks (tests, mostly): `super` inside one means the file's module.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut line = 1;
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => line += 1,
            '{' => depth += 1,
            '}' => {
                depth = depth.saturating_sub(1);
                while inline.last().is_some_and(|(_, d)| *d > depth) {
                    inline.pop();
                }
            }
            _ => {}
        }
        if !is_ident(c) || (i > 0 && (is_ident(chars[i - 1]) || chars[i - 1] == '$' || chars[i - 1] == ':')) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && is_ident(chars[i]) {
            i += 1;
        }
        let word: String = chars[start..i].iter().collect();
        if word == "mod" {
            // `mod name {` opens an inline module; `mod name;` declares a file.
            let mut j = i;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            let name_start = j;
            while j < chars.len() && is_ident(chars[j]) {
                j += 1;
            }
            let name: String = chars[name_start..j].iter().collect();
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            if !name.is_empty() && chars.get(j) == Some(&'{') {
                inline.push((name, depth + 1));
            }
            continue;
        }
        let rooted = match word.as_str() {
            "crate" => true,
            "till" => till_is_crate,
            "super" | "self" => true,
            _ => false,
        };
        if !rooted || chars.get(i) != Some(&':') || chars.get(i + 1) != Some(&':') {
            continue;
        }
        let (paths, end) = parse_tree(&chars, start);
        let mut here = file_module.clone();
        here.extend(inline.iter().map(|(n, _)| n.clone()));
        for p in paths {
            let written = p.join("::");
            if let Some(segments) = resolve(&here, &p, till_is_crate) {
                found.push(Use { line, segments, text: written });
            }
        }
        // Count the lines and braces the path spanned (a multi-line `use crate::{…}` group).
        for ch in &chars[i..end] {
            if *ch == '\n' {
                line += 1;
            }
        }
        i = end;
    }
    found
}

/// Parses a path (or a use tree) starting at `i`: `a::b::{c, d::e}` → [[a,b,c],[a,b,d,e]].
/// Returns the paths and the index after them.
fn parse_tree(chars: &[char], mut i: usize) -> (Vec<Vec<String>>, usize) {
    let skip_ws = |i: &mut usize| {
        while *i < chars.len() && chars[*i].is_whitespace() {
            *i += 1;
        }
    };
    let mut prefix = Vec::new();
    loop {
        skip_ws(&mut i);
        if i < chars.len() && chars[i] == '{' {
            i += 1;
            let mut all = Vec::new();
            loop {
                skip_ws(&mut i);
                if i >= chars.len() {
                    return (all, i);
                }
                if chars[i] == '}' {
                    i += 1;
                    break;
                }
                if chars[i] == ',' {
                    i += 1;
                    continue;
                }
                if !is_ident(chars[i]) && chars[i] != '*' {
                    i += 1;
                    continue;
                }
                let (inner, end) = parse_tree(chars, i);
                for p in inner {
                    let mut full = prefix.clone();
                    full.extend(p);
                    all.push(full);
                }
                i = end;
                // Skip `as alias` up to the next separator.
                while i < chars.len() && chars[i] != ',' && chars[i] != '}' {
                    i += 1;
                }
            }
            return (all, i);
        }
        let start = i;
        while i < chars.len() && (is_ident(chars[i]) || chars[i] == '*') {
            i += 1;
        }
        if start == i {
            return (vec![prefix], i);
        }
        prefix.push(chars[start..i].iter().collect());
        let mut j = i;
        skip_ws(&mut j);
        if chars.get(j) == Some(&':') && chars.get(j + 1) == Some(&':') {
            i = j + 2;
        } else {
            return (vec![prefix], i);
        }
    }
}

/// Resolves `crate::…`, `super::…`, `self::…` against the file's module path.
fn resolve(here: &[String], path: &[String], till_is_crate: bool) -> Option<Vec<String>> {
    let mut base: Vec<String>;
    let mut rest = path;
    match path.first().map(String::as_str) {
        Some("crate") if !till_is_crate => {
            base = Vec::new();
            rest = &path[1..];
        }
        Some("crate") => return None, // a binary's own crate
        Some("till") => {
            base = Vec::new();
            rest = &path[1..];
        }
        Some("self") => {
            base = here.to_vec();
            rest = &path[1..];
        }
        Some("super") => {
            base = here.to_vec();
            while rest.first().map(String::as_str) == Some("super") {
                base.pop()?;
                rest = &rest[1..];
            }
        }
        _ => return None,
    }
    if till_is_crate && path.first().map(String::as_str) != Some("till") {
        // `super`/`self` inside a binary stay in the binary.
        return None;
    }
    base.extend(rest.iter().filter(|s| s.as_str() != "self").cloned());
    Some(base)
}

// ------------------------------------------------------------------------------------------------
// The layer rule

/// The layer of a file under `src/` (a relative path with `/`).
fn layer_of(rel: &str) -> String {
    match rel.split('/').next().unwrap_or_default() {
        "lib.rs" | "main.rs" => "root".into(),
        "bin" => "bin".into(),
        top => top.trim_end_matches(".rs").to_string(),
    }
}

/// The violations of the layer rule in one file.
fn check_file(rel: &str, src: &str) -> Vec<Violation> {
    let layer = layer_of(rel);
    if rel.ends_with("/tests.rs") {
        // A module's test file (`#[cfg(test)] mod tests;`) may drive it through the layers above.
        return Vec::new();
    }
    let till_is_crate = layer == "bin" || layer == "root" && rel == "main.rs";
    let mut out = Vec::new();
    if layer != "root" && layer != "bin" && !LAYERS.contains(&layer.as_str()) {
        out.push(Violation {
            file: format!("src/{rel}"),
            line: 1,
            import: layer.clone(),
            rule: format!("`{layer}` is not in the layer map of tests/architecture.rs: give it a place"),
        });
        return out;
    }
    for u in uses(rel, src, till_is_crate) {
        let Some(first) = u.segments.first() else { continue };
        let target = if LAYERS.contains(&first.as_str()) {
            first.as_str()
        } else if let Some(l) = root_item_layer(first) {
            l
        } else {
            continue; // a crate-root item (lib.rs re-export) or a macro: not a layer
        };
        if target == layer {
            continue;
        }
        let Some(ok) = allowed(&layer) else { continue };
        if !ok.contains(&target) {
            let may = if ok.is_empty() { "nothing".to_string() } else { ok.join(", ") };
            out.push(Violation {
                file: format!("src/{rel}"),
                line: u.line,
                import: u.text.clone(),
                rule: format!("`{layer}` may use only {may}; `{target}` is not one of them"),
            });
        }
    }
    out
}

// ------------------------------------------------------------------------------------------------
// Cycles among the submodules of a module

/// The submodule graph of `module` (e.g. `engine/gift`): nodes are its direct children (files
/// and directories); an edge `a → b` when a file of `a` names a path into `b`. The module's own
/// file (`mod.rs`) is not a node: it declares, re-exports and dispatches to its children, and they
/// use the types it defines for all of them (`super::Meta`); that parent/child pair is how a Rust
/// module is built, not a cycle among its submodules.
fn submodule_graph(module: &str, files: &[(String, String)]) -> BTreeMap<String, BTreeSet<String>> {
    let prefix: Vec<String> = module.split('/').map(str::to_string).collect();
    let children: BTreeSet<String> = files
        .iter()
        .filter_map(|(rel, _)| {
            let m = module_path(rel);
            (m.len() > prefix.len() && m.starts_with(&prefix)).then(|| m[prefix.len()].clone())
        })
        .collect();
    let node_of = |m: &[String]| -> Option<String> {
        if !m.starts_with(&prefix) {
            return None;
        }
        match m.get(prefix.len()) {
            Some(child) if children.contains(child) => Some(child.clone()),
            _ => Some("mod".to_string()),
        }
    };
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, src) in files {
        let here = module_path(rel);
        let Some(from) = node_of(&here) else { continue };
        graph.entry(from.clone()).or_default();
        let targets: Vec<Vec<String>> = uses(rel, src, false).into_iter().map(|u| u.segments).collect();
        for t in targets {
            if let Some(to) = node_of(&t)
                && to != from
                && !OUTSIDE_CYCLES.contains(&to.as_str())
                && !OUTSIDE_CYCLES.contains(&from.as_str())
            {
                graph.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    graph
}

/// The cycles of a graph, each as the list of its nodes (one per strongly connected component
/// of more than one node).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    // Tarjan's algorithm, small enough to write out.
    struct T<'a> {
        g: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        t.index.insert(v, t.next);
        t.low.insert(v, t.next);
        t.next += 1;
        t.stack.push(v);
        t.on.insert(v);
        let g = t.g;
        for w in g.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                let lv = t.low[v];
                t.low.insert(v, lv.min(lw));
            } else if t.on.contains(w) {
                let iw = t.index[w];
                let lv = t.low[v];
                t.low.insert(v, lv.min(iw));
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        g: graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.out
}

/// Every `.rs` file under `src/`, as (path relative to `src/` with `/`, contents).
fn source_files() -> Vec<(String, String)> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, root, out);
            } else if p.extension().is_some_and(|e| e == "rs") {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                out.push((rel, std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    walk(&root, &root, &mut out);
    out
}

#[test]
fn no_import_skips_or_climbs_a_layer() {
    let files = source_files();
    assert!(files.len() > 50, "read only {} files under src/", files.len());
    let read: usize = files.iter().map(|(rel, src)| uses(rel, src, layer_of(rel) == "bin").len()).sum();
    assert!(read > 500, "read only {read} paths under src/: the reader is broken");
    let violations: Vec<Violation> = files.iter().flat_map(|(rel, src)| check_file(rel, src)).collect();
    assert!(
        violations.is_empty(),
        "{} import(s) break the layers (see tests/architecture.rs for the map):\n{}",
        violations.len(),
        violations.iter().map(|v| format!("  {v}")).collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn gift_and_catalog_submodules_have_no_import_cycles() {
    let files = source_files();
    let mut found = Vec::new();
    for module in ACYCLIC {
        let mut dirs = vec![module.to_string()];
        // The module and every module directory below it.
        for (rel, _) in &files {
            if rel.starts_with(&format!("{module}/")) && rel.ends_with("/mod.rs") {
                dirs.push(rel.trim_end_matches("/mod.rs").to_string());
            }
        }
        dirs.sort();
        dirs.dedup();
        for dir in dirs {
            let mine: Vec<(String, String)> =
                files.iter().filter(|(rel, _)| rel.starts_with(&format!("{dir}/"))).cloned().collect();
            for c in cycles(&submodule_graph(&dir, &mine)) {
                found.push(format!("  src/{dir}: {}", c.join(" ↔ ")));
            }
        }
    }
    assert!(found.is_empty(), "import cycles among submodules:\n{}", found.join("\n"));
}

// ------------------------------------------------------------------------------------------------
// The checker, fed planted imports: it must fail where it should.

#[test]
fn a_screen_naming_the_engine_is_reported_with_file_line_and_rule() {
    let src = "//! A screen.\n\nuse crate::client::Client;\nuse crate::engine::gift::Tender;\n";
    let v = check_file("tui/screens/gift.rs", src);
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(
        (v[0].file.as_str(), v[0].line, v[0].import.as_str()),
        ("src/tui/screens/gift.rs", 4, "crate::engine::gift::Tender")
    );
    assert!(v[0].rule.contains("`tui` may use only client, i18n, money, receipt"), "{}", v[0].rule);
    assert!(v[0].to_string().starts_with("src/tui/screens/gift.rs:4: `crate::engine::gift::Tender`"), "{}", v[0]);
}

#[test]
fn grouped_inline_and_multiline_paths_are_all_read() {
    let src = "use crate::{client::Client, api::gift::SellRequest};\nfn f() {\n    let r = crate::engine::tokens::Role::Cashier;\n}\nuse crate::{\n    money::Money,\n    wire::till::Role,\n};\n";
    let v = check_file("tui/worker.rs", src);
    let got: Vec<(usize, &str)> = v.iter().map(|v| (v.line, v.import.as_str())).collect();
    assert_eq!(
        got,
        vec![
            (1, "crate::api::gift::SellRequest"),
            (3, "crate::engine::tokens::Role::Cashier"),
            (5, "crate::wire::till::Role")
        ]
    );
}

#[test]
fn climbing_and_skipping_are_both_caught() {
    // Climbing: the engine names the API above it.
    assert_eq!(check_file("engine/gift/mod.rs", "use crate::api::error::ApiError;").len(), 1);
    // Climbing out through `super`: from engine/gift/ops/load, four levels up is the crate root.
    assert_eq!(check_file("engine/gift/ops/load.rs", "use super::super::super::super::wire::gift::Success;").len(), 1);
    // Skipping: the API reaching the ledger past the engine, the client reaching the engine past the wire.
    assert_eq!(check_file("api/gift.rs", "use crate::ledger::Ledger;").len(), 1);
    assert_eq!(check_file("client/retail.rs", "pub use crate::engine::retail::OrderView;").len(), 1);
    // The storage boundary: only the ledger and the engine may name the store.
    assert_eq!(check_file("api/retail/mod.rs", "fn f() { crate::store::Sql::x(); }").len(), 1);
    assert_eq!(check_file("receipt/layout.rs", "use crate::params;").len(), 1);
}

#[test]
fn allowed_imports_comments_strings_and_the_composition_root_pass() {
    let ok = [
        (
            "tui/calls.rs",
            "use crate::client::gift::SellRequest;\nuse crate::money::Money;\nuse crate::receipt::Receipt;",
        ),
        (
            "api/gift.rs",
            "use crate::engine::gift::Op;\nuse crate::wire::gift::Success;\nuse super::error::GiftFailure;",
        ),
        (
            "engine/gift/ops/load.rs",
            "use super::super::store;\nuse crate::ledger::NewTransfer;\nuse crate::store::Sql;",
        ),
        (
            "tui/app.rs",
            "// use crate::engine::Engine;\n/// See [`crate::api::serve`].\nconst S: &str = \"crate::engine::x\";\nlet c = '\"'; let l: &'static str = r#\"crate::api\"#;",
        ),
        ("cli/mod.rs", "use crate::engine::Engine;\nuse crate::api::serve;\nuse crate::tui::run;"),
        ("main.rs", "fn main() { till::cli::main(); }"),
        ("bin/ledger_crash_child.rs", "use till::ledger::Ledger;"),
        ("store/mod.rs", "macro_rules! params { () => { $crate::store::Value::Null }; }"),
    ];
    for (rel, src) in ok {
        assert_eq!(check_file(rel, src), Vec::new(), "{rel}");
    }
}

#[test]
fn a_module_outside_the_map_is_reported() {
    let v = check_file("reports/mod.rs", "use crate::engine::Engine;");
    assert_eq!(v.len(), 1);
    assert!(v[0].rule.contains("not in the layer map"), "{}", v[0].rule);
}

#[test]
fn a_planted_cycle_between_submodules_is_found() {
    let files = vec![
        ("engine/gift/mod.rs".to_string(), "mod ops;\npub mod store;\npub fn f() { ops::run(); }".to_string()),
        ("engine/gift/store.rs".to_string(), "use super::ops::Thing;".to_string()),
        ("engine/gift/ops/mod.rs".to_string(), "use crate::engine::gift::store::load;".to_string()),
    ];
    let g = submodule_graph("engine/gift", &files);
    assert_eq!(cycles(&g), vec![vec!["ops".to_string(), "store".to_string()]]);
    // Without the back edge: a tree, no cycle.
    let files = vec![files[0].clone(), ("engine/gift/store.rs".to_string(), String::new()), files[2].clone()];
    assert!(cycles(&submodule_graph("engine/gift", &files)).is_empty());
    // A child using its parent's types and the parent dispatching to it is not a cycle among submodules.
    let files = vec![
        ("engine/gift/mod.rs".to_string(), "mod ops;\npub fn f() { ops::run(); }".to_string()),
        ("engine/gift/ops/mod.rs".to_string(), "use super::{Meta, Op};".to_string()),
    ];
    assert!(cycles(&submodule_graph("engine/gift", &files)).is_empty());
}
