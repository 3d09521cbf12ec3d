//! The receipt of a reversed split redeem (issue 14.4): the customer paid 25,00 € with 20,00 €
//! from the gift card and 5,00 € in cash; the reversal shows both parts going back, each where it
//! came from, and opens the drawer for the cash. Golden bytes at 32, 42 and 48 columns in
//! `tests/golden/gift_reversal_split_<width>.{bin,txt}`; regenerate with `UPDATE_GOLDEN=1` (then
//! read the `.txt` diff) like `receipt_golden`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "receipt_fixtures.rs"]
mod fixtures;

use std::path::PathBuf;

use fixtures::{context, eur, gift};
use till::money::Locale;
use till::receipt::{Receipt, Tender, TenderKind, Width, escpos, layout};

fn split_reversal(rest: TenderKind) -> Receipt {
    let mut r = Receipt::gift_split_reversal(
        &context(Locale::DeDe, false),
        &gift(2000, 2000),
        "redeem-T01-a1-7",
        Tender { kind: rest, amount: eur(500) },
    )
    .unwrap();
    r.number = Some(13);
    r
}

#[test]
fn a_reversed_split_redeem_shows_both_parts_going_back() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut differ = Vec::new();
    for width in Width::ALL {
        let bytes = escpos::encode(&layout(&split_reversal(TenderKind::Cash), width)).unwrap();
        let dump = escpos::dump(&bytes);
        // What the cashier and the customer read, whatever the width.
        for want in ["STORNO", "-25,00 €", "Geschenkkarte", "-20,00 €", "Bar", "-5,00 €"] {
            assert!(dump.contains(want), "{want:?} missing at {}:\n{dump}", width.columns());
        }
        assert!(bytes.windows(5).any(|w| w == [0x1B, b'p', 0, 25, 250]), "cash back opens the drawer");
        let stem = format!("gift_reversal_split_{}", width.columns());
        let bin = dir.join(format!("{stem}.bin"));
        if std::fs::read(&bin).ok().as_deref() == Some(&bytes[..]) {
            continue;
        }
        if update {
            std::fs::write(&bin, &bytes).unwrap();
            std::fs::write(dir.join(format!("{stem}.txt")), &dump).unwrap();
        }
        differ.push(stem);
    }
    assert!(differ.is_empty(), "golden files differ (UPDATE_GOLDEN rewrites them; review, run again): {differ:?}");
}

#[test]
fn a_split_paid_by_card_goes_back_to_the_card_without_the_drawer() {
    let bytes = escpos::encode(&layout(&split_reversal(TenderKind::Card), Width::W42)).unwrap();
    let dump = escpos::dump(&bytes);
    assert!(dump.contains("Karte") && dump.contains("-5,00 €"), "{dump}");
    assert!(!dump.contains("Bar "), "{dump}");
    assert!(!bytes.windows(2).any(|w| w == [0x1B, b'p']), "no cash, no drawer: {dump}");
}
