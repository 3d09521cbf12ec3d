//! The catalogue files and their Fluent bundles, built once per language on first use.
//!
//! One file per area and language, so engineers adding strings to different areas never edit the
//! same file. A new area adds one line per language to [`FILES`] and the two `.ftl` files.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, OnceLock};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;

use super::{Arg, ArgValue, Lang};

macro_rules! area {
    ($lang:literal, $area:literal) => {
        ($lang, $area, include_str!(concat!("../../assets/i18n/", $lang, "/", $area, ".ftl")))
    };
}

/// Every catalogue file: language, area, text.
pub const FILES: &[(&str, &str, &str)] = &[
    area!("en", "common"),
    area!("de", "keys"),
    area!("en", "keys"),
    area!("de", "common"),
    area!("en", "login"),
    area!("de", "login"),
    area!("en", "home"),
    area!("de", "home"),
    area!("en", "gift"),
    area!("de", "gift"),
    area!("en", "retail"),
    area!("de", "retail"),
    area!("en", "journal"),
    area!("de", "journal"),
    area!("en", "settings"),
    area!("de", "settings"),
    area!("en", "declines"),
    area!("de", "declines"),
    area!("en", "spots"),
    area!("de", "spots"),
    area!("en", "shift"),
    area!("de", "shift"),
    area!("en", "reports"),
    area!("de", "reports"),
    area!("en", "tender"),
    area!("de", "tender"),
    area!("en", "training"),
    area!("de", "training"),
    area!("en", "cashier"),
    area!("de", "cashier"),
    area!("en", "charts"),
    area!("de", "charts"),
];

/// The files of one language.
pub fn files(lang: Lang) -> impl Iterator<Item = (&'static str, &'static str)> {
    FILES.iter().filter(move |(l, _, _)| *l == lang.tag()).map(|(_, area, text)| (*area, *text))
}

struct Bundles {
    en: FluentBundle<FluentResource>,
    de: FluentBundle<FluentResource>,
}

fn bundle(lang: Lang) -> FluentBundle<FluentResource> {
    // "en" and "de" always parse; the default ("und") would only lose plural rules.
    let id = unic_langid::LanguageIdentifier::from_bytes(lang.tag().as_bytes()).unwrap_or_default();
    let mut b = FluentBundle::new_concurrent(vec![id]);
    // Unicode isolation marks around parameters are for bidirectional text; a terminal would
    // show them as stray cells.
    b.set_use_isolating(false);
    for (area, text) in files(lang) {
        // A file with a syntax error still yields its good entries; the catalogue test names the
        // error, and the till keeps running with what parsed.
        let res = FluentResource::try_new(text.to_string()).unwrap_or_else(|(res, errors)| {
            tracing::error!(lang = lang.tag(), area, ?errors, "catalogue file does not parse");
            res
        });
        if let Err(errors) = b.add_resource(res) {
            tracing::error!(lang = lang.tag(), area, ?errors, "catalogue file repeats ids");
        }
    }
    b
}

fn bundles() -> &'static Bundles {
    static B: OnceLock<Bundles> = OnceLock::new();
    B.get_or_init(|| Bundles { en: bundle(Lang::En), de: bundle(Lang::De) })
}

fn of(lang: Lang) -> &'static FluentBundle<FluentResource> {
    let b = bundles();
    match lang {
        Lang::En => &b.en,
        Lang::De => &b.de,
    }
}

pub(super) fn format(lang: Lang, id: &str, args: &[(&str, Arg)]) -> String {
    let mut fargs = FluentArgs::with_capacity(args.len());
    for (name, Arg(v)) in args {
        let v = match v {
            ArgValue::Text(s) => FluentValue::from(s.as_str()),
            ArgValue::Count(n) => FluentValue::from(*n),
        };
        fargs.set(*name, v);
    }
    for l in [lang, Lang::En] {
        let b = of(l);
        if let Some(pattern) = b.get_message(id).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            let s = b.format_pattern(pattern, Some(&fargs), &mut errors);
            if !errors.is_empty() {
                tracing::warn!(lang = l.tag(), id, ?errors, "message formatted with errors");
            }
            return s.into_owned();
        }
    }
    tracing::warn!(lang = lang.tag(), id, "message missing from the catalogue");
    id.to_string()
}

/// `format` for a message without parameters, as a `&'static str`: borrowed from the bundle
/// (which lives for the whole process) when the message is plain text, else formatted once per
/// language and kept.
pub(super) fn format_static(lang: Lang, id: &str) -> &'static str {
    static KEPT: Mutex<BTreeMap<(Lang, String), &'static str>> = Mutex::new(BTreeMap::new());
    for l in [lang, Lang::En] {
        let b: &'static FluentBundle<FluentResource> = of(l);
        if let Some(pattern) = b.get_message(id).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            return match b.format_pattern(pattern, None, &mut errors) {
                Cow::Borrowed(s) => s,
                Cow::Owned(s) => {
                    let mut kept = KEPT.lock().unwrap_or_else(|p| p.into_inner());
                    kept.entry((l, id.to_string())).or_insert_with(|| Box::leak(s.into_boxed_str()))
                }
            };
        }
    }
    tracing::warn!(lang = lang.tag(), id, "message missing from the catalogue");
    "?"
}

/// What the catalogue test reads: each message id of a language with the parameters it names,
/// and every problem found reading the files (syntax errors, repeated ids, terms, attributes).
#[derive(Debug, Default)]
pub struct Inventory {
    pub messages: BTreeMap<String, BTreeSet<String>>,
    pub problems: Vec<String>,
}

/// Reads every file of `lang` afresh (not the cached bundles), for the catalogue test.
pub fn inventory(lang: Lang) -> Inventory {
    let mut inv = Inventory::default();
    for (area, text) in files(lang) {
        let res = match FluentResource::try_new(text.to_string()) {
            Ok(r) => r,
            Err((r, errors)) => {
                for e in errors {
                    inv.problems.push(format!("{}/{area}.ftl: {e:?}", lang.tag()));
                }
                r
            }
        };
        for entry in res.entries() {
            match entry {
                ast::Entry::Message(m) => {
                    let id = m.id.name.to_string();
                    if m.value.is_none() {
                        inv.problems.push(format!("{}/{area}.ftl: {id} has no value", lang.tag()));
                    }
                    if !m.attributes.is_empty() {
                        inv.problems.push(format!("{}/{area}.ftl: {id} has attributes (use messages)", lang.tag()));
                    }
                    let mut vars = BTreeSet::new();
                    if let Some(p) = &m.value {
                        pattern_vars(p, &mut vars);
                    }
                    if inv.messages.insert(id.clone(), vars).is_some() {
                        inv.problems.push(format!("{}/{area}.ftl: {id} is defined twice", lang.tag()));
                    }
                }
                ast::Entry::Term(t) => {
                    inv.problems.push(format!("{}/{area}.ftl: term -{} (use messages)", lang.tag(), t.id.name))
                }
                ast::Entry::Junk { content } => {
                    inv.problems.push(format!("{}/{area}.ftl: does not parse: {content}", lang.tag()))
                }
                ast::Entry::Comment(_) | ast::Entry::GroupComment(_) | ast::Entry::ResourceComment(_) => {}
            }
        }
    }
    inv
}

fn pattern_vars(p: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    for el in &p.elements {
        if let ast::PatternElement::Placeable { expression } = el {
            expression_vars(expression, out);
        }
    }
}

fn expression_vars(e: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, out);
            for v in variants {
                pattern_vars(&v.value, out);
            }
        }
        ast::Expression::Inline(i) => inline_vars(i, out),
    }
}

fn inline_vars(i: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match i {
        ast::InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_string());
        }
        ast::InlineExpression::Placeable { expression } => expression_vars(expression, out),
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_vars(a, out);
            }
            for a in &arguments.named {
                inline_vars(&a.value, out);
            }
        }
        ast::InlineExpression::StringLiteral { .. }
        | ast::InlineExpression::NumberLiteral { .. }
        | ast::InlineExpression::MessageReference { .. }
        | ast::InlineExpression::TermReference { .. } => {}
    }
}
