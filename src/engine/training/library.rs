//! Where scenarios come from: the ones that ship (compiled in from `assets/scenarios/`, so the
//! binary carries them wherever it runs) and the trainer's own files in `<data>/scenarios/`.

use std::path::Path;

use super::check::{Problem, parse};
use super::scenario::Scenario;

/// The shipped scenarios: (id, file text).
pub const SHIPPED: &[(&str, &str)] = &[
    ("first-gift-card", include_str!("../../../assets/scenarios/first-gift-card.toml")),
    ("redeem-tip-split", include_str!("../../../assets/scenarios/redeem-tip-split.toml")),
    ("declined-card", include_str!("../../../assets/scenarios/declined-card.toml")),
    ("partial-approval", include_str!("../../../assets/scenarios/partial-approval.toml")),
    ("retail-confirm-timeout", include_str!("../../../assets/scenarios/retail-confirm-timeout.toml")),
    ("printer-paper-out", include_str!("../../../assets/scenarios/printer-paper-out.toml")),
    ("table-never-reserves", include_str!("../../../assets/scenarios/table-never-reserves.toml")),
    ("blind-count-difference", include_str!("../../../assets/scenarios/blind-count-difference.toml")),
];

/// The folder of the trainer's own scenarios inside a data directory.
pub const OWN_DIR: &str = "scenarios";

/// A scenario the trainer can start.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The file's stem: `declined-card`.
    pub id: String,
    /// Shipped with the till, or the trainer's own.
    pub shipped: bool,
    /// The scenario, or what is wrong with its file (listed so the trainer sees it, never started).
    pub scenario: Result<Scenario, Vec<Problem>>,
}

/// Every scenario: the shipped ones, then the trainer's own from `data_dir/scenarios/*.toml` in
/// name order. A file that cannot be read is listed with the reason.
pub fn all(data_dir: &Path) -> Vec<Entry> {
    let mut out: Vec<Entry> = SHIPPED
        .iter()
        .map(|(id, text)| Entry { id: (*id).to_string(), shipped: true, scenario: parse(text) })
        .collect();
    let Ok(dir) = std::fs::read_dir(data_dir.join(OWN_DIR)) else {
        return out;
    };
    let mut own: Vec<_> =
        dir.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "toml")).collect();
    own.sort();
    for path in own {
        let id = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let scenario = match std::fs::read_to_string(&path) {
            Ok(text) => parse(&text),
            Err(e) => Err(vec![Problem { line: None, field: "file".into(), message: e.to_string() }]),
        };
        out.push(Entry { id, shipped: false, scenario });
    }
    out
}

/// One scenario by id.
pub fn find(data_dir: &Path, id: &str) -> Option<Entry> {
    all(data_dir).into_iter().find(|e| e.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_scenario_passes_the_check() {
        for (id, text) in SHIPPED {
            if let Err(p) = parse(text) {
                panic!("{id}: {p:?}");
            }
        }
        assert!(SHIPPED.len() >= 8);
    }
}
