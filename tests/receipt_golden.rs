//! Golden ESC/POS bytes for every receipt kind at every width, captured through the encoder's
//! byte-recording driver. Each `tests/golden/<kind>_<width>.bin` has a readable
//! `<kind>_<width>.txt` beside it (the bytes decoded by `escpos::dump`) for review.
//!
//! Regenerate after an intended change with `UPDATE_GOLDEN=1 cargo test --test receipt_golden`:
//! it rewrites the files that differ and still fails, naming them, so a rewrite is never a pass.
//! Read the `.txt` diffs (`git diff tests/golden`), commit, and run again without the variable.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "receipt_fixtures.rs"]
mod fixtures;

use std::path::PathBuf;

use till::receipt::{Width, escpos, layout};

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

#[test]
fn golden_bytes_for_every_kind_and_width() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut mismatches = Vec::new();
    let mut rewritten = Vec::new();
    for (name, receipt, drawer) in fixtures::all() {
        for width in Width::ALL {
            let bytes = escpos::encode(&layout(&receipt, width)).unwrap();
            let dump = escpos::dump(&bytes);
            check_invariants(name, width, &bytes, &dump, drawer);

            let stem = format!("{name}_{}", width.columns());
            let bin = golden_dir().join(format!("{stem}.bin"));
            let txt = golden_dir().join(format!("{stem}.txt"));
            let expected = std::fs::read(&bin).ok();
            if expected.as_deref() == Some(&bytes[..]) {
                continue;
            }
            if update {
                std::fs::create_dir_all(golden_dir()).unwrap();
                std::fs::write(&bin, &bytes).unwrap();
                std::fs::write(&txt, &dump).unwrap();
                rewritten.push(stem);
                continue;
            }
            match expected {
                None => mismatches.push(format!("{stem}: {} is missing; run with UPDATE_GOLDEN=1", bin.display())),
                Some(expected) => {
                    let old = escpos::dump(&expected);
                    mismatches.push(format!("{stem}:\n--- golden\n{old}\n--- now\n{dump}"));
                }
            }
        }
    }
    assert!(
        rewritten.is_empty(),
        "UPDATE_GOLDEN rewrote {} golden files: {}. Review the diff (git diff tests/golden), commit it, and run \
         again without UPDATE_GOLDEN",
        rewritten.len(),
        rewritten.join(", ")
    );
    assert!(mismatches.is_empty(), "{} golden files differ:\n{}", mismatches.len(), mismatches.join("\n"));
}

#[test]
fn reprints_of_cash_receipts_never_open_the_drawer() {
    let mut cash = 0;
    for (name, receipt, drawer) in fixtures::all() {
        cash += usize::from(drawer);
        for width in Width::ALL {
            let bytes = escpos::encode(&layout(&receipt.as_duplicate(), width)).unwrap();
            let dump = escpos::dump(&bytes);
            check_invariants(&format!("{name} reprint"), width, &bytes, &dump, false);
            assert_eq!(dump.matches("DUPLI").count(), 1, "{name}: DUPLICATE once, at the top: {dump}");
        }
    }
    assert!(cash >= 3, "the fixtures must include cash receipts for this to mean anything");
}

/// A receipt stored when the till printed 42 columns, reprinted after the paper changed: every
/// rule runs across the new paper (none broken onto two lines), the value sits right of its
/// label, and DUPLICATE is said once.
#[test]
fn a_reprint_on_other_paper_is_laid_out_for_that_paper() {
    let (_, dup, _) = fixtures::all().into_iter().find(|(n, _, _)| *n == "duplicate_retail_por_engine42").unwrap();
    for width in Width::ALL {
        let cols = width.columns();
        let text = layout(&dup, width).preview();
        let lines: Vec<&str> = text.lines().collect();
        for l in &lines {
            let t = l.trim();
            if !t.is_empty() && t.chars().all(|c| c == '=' || c == '-') {
                assert_eq!(l.chars().count(), cols, "rule not across {cols} columns: {l:?}\n{text}");
            }
        }
        let wert = lines.iter().find(|l| l.starts_with("Wert")).unwrap();
        assert!(wert.ends_with("25,00 €") && wert.chars().count() == cols, "{wert:?}\n{text}");
        let squeezed = text.replace(' ', "");
        assert_eq!(squeezed.matches("DUPLIKAT").count(), 1, "{text}");
    }
}

/// An exchange closes the old card: it shows nothing left on it and says it is closed; the new
/// card carries what moved.
#[test]
fn the_exchange_receipt_shows_the_old_card_closed_and_empty() {
    let (_, rc, _) = fixtures::all().into_iter().find(|(n, _, _)| *n == "gift_exchange").unwrap();
    let text = layout(&rc, Width::W42).preview();
    let old = text.find("Alte Karte (gesperrt)").expect(&text);
    let new = text.find("Neue Karte").expect(&text);
    let balances: Vec<&str> = text.lines().filter(|l| l.starts_with("Guthaben")).collect();
    assert!(old < new, "{text}");
    assert_eq!(balances.len(), 2, "{text}");
    assert!(balances[0].ends_with(" 0,00 €") && balances[1].ends_with("53,60 €"), "{text}");
}

/// What must hold for any receipt's bytes, golden or not.
fn check_invariants(name: &str, width: Width, bytes: &[u8], dump: &str, drawer: bool) {
    let ctx = format!("{name} at {}", width.columns());
    assert!(bytes.starts_with(&[0x1B, b'@', 0x1B, b't', 16]), "{ctx}: must start with ESC @, ESC t 16");
    // Never UTF-8: no lead bytes of 2- or 3-byte sequences for €, ä, ß ... followed by continuation.
    assert!(!bytes.windows(3).any(|w| w == [0xE2, 0x82, 0xAC]), "{ctx}: UTF-8 euro sign");
    assert!(!bytes.windows(2).any(|w| w[0] == 0xC3 && (0x80..0xC0).contains(&w[1])), "{ctx}: UTF-8 umlaut");
    let pulse = [0x1B, b'p', 0, 25, 250];
    let has_pulse = bytes.windows(5).any(|w| w == pulse);
    assert_eq!(has_pulse, drawer, "{ctx}: drawer pulse");
    let cut = [0x1D, b'V', 66, 0];
    let tail: Vec<u8> = if drawer { [&cut[..], &pulse[..]].concat() } else { cut.to_vec() };
    assert!(bytes.ends_with(&tail), "{ctx}: must end with the partial cut (and the pulse for cash)");
    assert!(!bytes.windows(2).any(|w| w == [0x1B, b'p']) || drawer, "{ctx}: short drawer command");
    // `GS w` outside 2..=6 is ignored by Epson-class printers, which then print CODE128 at their
    // default module of 3 dots: too wide for a 58 mm roll.
    for w in bytes.windows(3).filter(|w| w[0] == 0x1D && w[1] == b'w') {
        assert!((2..=6).contains(&w[2]), "{ctx}: barcode module width {} is out of range 2..=6", w[2]);
    }
    // Every printed line fits: at most `columns` characters, half as many in double size.
    let mut double = false;
    for line in dump.split('\n') {
        let mut visible = String::new();
        let mut rest = line;
        while let Some(start) = rest.find('<') {
            visible.push_str(&rest[..start]);
            let end = rest[start..].find('>').map_or(rest.len(), |e| start + e + 1);
            let cmd = &rest[start..end];
            if cmd.starts_with("<SIZE") {
                double = cmd != "<SIZE 0x00>";
            }
            rest = &rest[end..];
        }
        visible.push_str(rest);
        let max = if double { width.columns() / 2 } else { width.columns() };
        assert!(visible.chars().count() <= max, "{ctx}: line too wide: {visible:?}");
    }
}
