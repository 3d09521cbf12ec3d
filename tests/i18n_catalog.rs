//! The message catalogue is complete: every `t!("id", …)` in `src/` names a message that exists in
//! English and German with exactly the parameters the code passes, both languages have the same
//! ids with the same parameters, and every file parses. The unit tests at the bottom plant the
//! mistakes the checks are there for.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use till::i18n::Lang;
use till::i18n::catalog::{Inventory, inventory};

/// One use of the `t!` macro in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Use {
    at: String,
    id: String,
    args: BTreeSet<String>,
}

/// Finds `t!("id", a = …, b = …)` and `ts!("id")` in `src`: the literal id and the parameter names.
fn uses_in(file: &str, src: &str) -> Vec<Use> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(off) = src[i..].find("t!(").into_iter().chain(src[i..].find("ts!(")).min() {
        let start = i + off;
        i = start + if src[start..].starts_with("ts!(") { 4 } else { 3 };
        // `t!` must stand alone: not `format!`'s tail or `assert!`.
        if start > 0 && (b[start - 1].is_ascii_alphanumeric() || b[start - 1] == b'_') {
            continue;
        }
        // A line comment (docs included) is not a use.
        let line_start = src[..start].rfind('\n').map_or(0, |n| n + 1);
        if src[line_start..start].contains("//") {
            continue;
        }
        let line = src[..start].matches('\n').count() + 1;
        let at = format!("{file}:{line}");
        let rest = src[i..].trim_start();
        let Some(rest) = rest.strip_prefix('"') else {
            out.push(Use { at, id: String::new(), args: BTreeSet::new() });
            continue;
        };
        let Some(end) = rest.find('"') else { continue };
        let id = rest[..end].to_string();
        let args = arg_names(&rest[end + 1..]);
        out.push(Use { at, id, args });
    }
    out
}

/// The names before `=` of each top-level `, name = value` up to the macro's closing paren.
fn arg_names(after_id: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut depth = 0i32;
    let mut in_str = false;
    let mut prev = '\0';
    let mut segment = String::new();
    let mut segments = Vec::new();
    for c in after_id.chars() {
        if in_str {
            if c == '"' && prev != '\\' {
                in_str = false;
            }
            prev = c;
            continue;
        }
        match c {
            '"' => in_str = true,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => {
                segments.push(std::mem::take(&mut segment));
                break;
            }
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => segments.push(std::mem::take(&mut segment)),
            _ => {}
        }
        if depth == 0 && c != ',' {
            segment.push(c);
        }
        prev = c;
    }
    for s in segments {
        if let Some((name, _)) = s.split_once('=') {
            let name = name.trim();
            if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                names.insert(name.to_string());
            }
        }
    }
    names
}

fn source_files(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            source_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            let rel = p.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap().display().to_string();
            out.push((rel, std::fs::read_to_string(&p).unwrap()));
        }
    }
}

/// Every problem with the catalogues `en` and `de` against the uses found in the code.
fn problems(uses: &[Use], en: &Inventory, de: &Inventory) -> Vec<String> {
    let mut out = Vec::new();
    for (lang, inv) in [("en", en), ("de", de)] {
        out.extend(inv.problems.iter().map(|p| format!("{lang}: {p}")));
    }
    for u in uses {
        if u.id.is_empty() {
            out.push(format!("{}: t! needs a literal message id", u.at));
            continue;
        }
        for (lang, inv) in [("en", en), ("de", de)] {
            match inv.messages.get(&u.id) {
                None => out.push(format!("{}: `{}` is missing from the {lang} catalogue", u.at, u.id)),
                Some(vars) if *vars != u.args => {
                    out.push(format!("{}: `{}` passes {:?} but the {lang} message uses {:?}", u.at, u.id, u.args, vars))
                }
                Some(_) => {}
            }
        }
    }
    let en_ids: BTreeSet<_> = en.messages.keys().collect();
    let de_ids: BTreeSet<_> = de.messages.keys().collect();
    for id in en_ids.difference(&de_ids) {
        out.push(format!("`{id}` is in English but not in German"));
    }
    for id in de_ids.difference(&en_ids) {
        out.push(format!("`{id}` is in German but not in English"));
    }
    for (id, vars) in &en.messages {
        if let Some(dv) = de.messages.get(id).filter(|dv| *dv != vars) {
            out.push(format!("`{id}` uses {vars:?} in English but {dv:?} in German"));
        }
    }
    out
}

#[test]
fn every_message_the_code_uses_is_in_both_catalogues_with_its_parameters() {
    let mut files = Vec::new();
    source_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    let uses: Vec<Use> =
        files.iter().filter(|(f, _)| !f.ends_with("i18n/mod.rs")).flat_map(|(f, s)| uses_in(f, s)).collect();
    let found = problems(&uses, &inventory(Lang::En), &inventory(Lang::De));
    assert!(found.is_empty(), "{} catalogue problems:\n{}", found.len(), found.join("\n"));
}

#[test]
fn every_message_renders_in_both_languages_without_a_raw_placeholder() {
    // Every parameter given a value: what comes out must be the text, never `{$name}` or the id.
    for lang in Lang::ALL {
        for (id, vars) in inventory(lang).messages {
            let args: Vec<(&str, till::i18n::Arg)> = vars.iter().map(|v| (v.as_str(), "X".into())).collect();
            let s = till::i18n::text_in(lang, &id, &args);
            assert!(!s.contains("{$") && !s.contains("{ $") && s != id, "{lang} {id}: {s:?}");
        }
    }
}

// ------------------------------------------------------------------------------------------------
// The checks catch what they are for.

fn inv(pairs: &[(&str, &[&str])]) -> Inventory {
    let mut i = Inventory::default();
    for (id, vars) in pairs {
        i.messages.insert(id.to_string(), vars.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>());
    }
    i
}

#[test]
fn a_use_is_read_with_its_id_and_parameter_names() {
    let src = "let a = t!(\"gift-sold\", card = mask(&n, 4), amount = m);\nformat!(\"x\");\n// t!(\"doc-only\")\nlet b = crate::t!(\"home-title\");\nlet c = ts!(\"key-ok\");\n";
    let u = uses_in("f.rs", src);
    assert_eq!(u.len(), 3, "{u:?}");
    assert_eq!((u[2].id.as_str(), u[2].at.as_str()), ("key-ok", "f.rs:5"));
    assert_eq!(u[0].id, "gift-sold");
    assert_eq!(u[0].args, ["amount", "card"].iter().map(|s| s.to_string()).collect());
    assert_eq!(u[0].at, "f.rs:1");
    assert_eq!(u[1].id, "home-title");
    assert!(u[1].args.is_empty());
    assert_eq!(u[1].at, "f.rs:4");
}

#[test]
fn a_missing_id_a_differing_id_set_and_wrong_parameters_are_each_found() {
    let uses = uses_in("f.rs", "t!(\"a\", n = 1); t!(\"b\"); t!(\"c\", x = 2);");
    let en = inv(&[("a", &["n"]), ("b", &[]), ("c", &["y"]), ("only-en", &[])]);
    let de = inv(&[("a", &["n", "m"]), ("c", &["y"])]);
    let p = problems(&uses, &en, &de).join("\n");
    assert!(p.contains("`a` passes {\"n\"} but the de message uses {\"m\", \"n\"}"), "{p}");
    assert!(p.contains("`b` is missing from the de catalogue"), "{p}");
    assert!(p.contains("`c` passes {\"x\"} but the en message uses {\"y\"}"), "{p}");
    assert!(p.contains("`only-en` is in English but not in German"), "{p}");
    assert!(p.contains("`a` uses {\"n\"} in English but {\"m\", \"n\"} in German"), "{p}");
    let clean = problems(&uses_in("f.rs", "t!(\"b\")"), &inv(&[("b", &[])]), &inv(&[("b", &[])]));
    assert!(clean.is_empty(), "{clean:?}");
}

#[test]
fn the_real_catalogues_are_read_and_agree_on_a_known_message() {
    let en = inventory(Lang::En);
    let de = inventory(Lang::De);
    let want: BTreeSet<String> = ["amount".to_string()].into();
    assert_eq!(en.messages.get("gift-pay-out-cash"), Some(&want));
    assert_eq!(de.messages.get("gift-pay-out-cash"), Some(&want));
    let by_area: BTreeMap<&str, usize> = till::i18n::catalog::files(Lang::De).map(|(a, t)| (a, t.len())).collect();
    assert!(by_area.contains_key("gift") && by_area.contains_key("spots"), "{by_area:?}");
}
