//! Layout properties over random receipts in every locale and width: no printed line exceeds
//! the paper, every amount prints whole on one line, and the bytes carry no stray control codes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use till::money::{Currency, Locale, Money};
use till::receipt::{
    Block, CardLine, Code, Label, Line, Receipt, ReceiptKind, StoreHeader, Tender, TenderKind, Total, Width, escpos,
    layout,
};
use time::macros::datetime;

/// Text as cashiers, configs and partners produce it: words, long tokens, umlauts, other
/// scripts, emoji, odd spaces, newlines and control characters.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "[A-Za-z0-9]{1,12}",
            "[a-z]{20,70}",
            Just("ÄÖÜ äöü ß €".to_string()),
            Just("Łódź Győr Kč".to_string()),
            Just("日本語 ☃ 🎁".to_string()),
            Just("1\u{202F}234,56\u{00A0}€".to_string()),
            Just("a\nb".to_string()),
            Just("\u{1b}@\u{7}\t".to_string()),
        ],
        0..6,
    )
    .prop_map(|w| w.join(" "))
}

fn money() -> impl Strategy<Value = Money> {
    let currencies: Vec<Currency> = Currency::all().collect();
    (any::<i64>(), -100_000i64..100_000, any::<bool>(), prop::sample::select(currencies))
        .prop_map(|(big, small, use_big, c)| Money::from_minor(if use_big { big } else { small }, c))
}

fn label() -> impl Strategy<Value = Label> {
    prop_oneof![Just(Label::Total), Just(Label::PreviousBalance), Just(Label::AuthCode), text().prop_map(Label::Custom)]
}

fn line() -> impl Strategy<Value = Line> {
    prop_oneof![
        text().prop_map(|text| Line::Text { text }),
        text().prop_map(|text| Line::Preformatted { text }),
        (label(), text()).prop_map(|(label, value)| Line::Pair { label, value }),
        (label(), money()).prop_map(|(label, amount)| Line::Amount { label, amount }),
        (text(), 1u32..1000, money(), money()).prop_map(|(description, quantity, unit_price, amount)| Line::Item {
            description,
            quantity,
            unit_price,
            amount
        }),
        Just(Line::Rule),
        Just(Line::Blank),
    ]
}

prop_compose! {
    fn receipt()(
        kind in prop::sample::select(ReceiptKind::ALL.to_vec()),
        name in text(), address in prop::collection::vec(text(), 0..3),
        terminal in "[A-Z0-9]{1,8}", cashier in prop::option::of(text()),
        number in prop::option::of(any::<u64>()),
        locale in prop::sample::select(Locale::ALL.to_vec()),
        lines in prop::collection::vec(line(), 0..8),
        totals in prop::collection::vec((label(), money(), any::<bool>()), 0..3),
        tenders in prop::collection::vec(money(), 0..3),
        change in prop::option::of(money()),
        cards in prop::collection::vec((label(), "[0-9]{4,19}", prop::option::of("[0-9]{6}"), prop::option::of(money())), 0..2),
        codes in prop::collection::vec((prop::option::of(label()), "[ -~]{1,60}", any::<bool>(), any::<bool>()), 0..2),
        footer in prop::collection::vec(text(), 0..3),
        training in any::<bool>(), duplicate in any::<bool>(),
    ) -> Receipt {
        Receipt {
            kind,
            header: StoreHeader { name, address, extra: vec![] },
            terminal, cashier, number,
            issued_at: datetime!(2026-11-21 14:05 +01:00),
            locale,
            lines,
            totals: totals.into_iter().map(|(label, amount, large)| Total { label, amount, large }).collect(),
            tenders: tenders.into_iter().map(|amount| Tender { kind: TenderKind::Cash, amount }).collect(),
            change,
            cards: cards.into_iter().map(|(label, n, auth_code, balance)| CardLine {
                label, masked_number: till::receipt::mask_card_number(&n), auth_code, balance,
            }).collect(),
            codes: codes.into_iter().map(|(label, text, qr, code128)| Code { label, text, qr, code128 }).collect(),
            footer, training, duplicate,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn nothing_is_wider_than_the_paper(r in receipt(), width in prop::sample::select(Width::ALL.to_vec())) {
        let doc = layout(&r, width);
        let cols = width.columns();
        for block in &doc.blocks {
            if let Block::Text { text, double, .. } = block {
                let max = if *double { cols / 2 } else { cols };
                prop_assert!(text.chars().count() <= max, "{:?} wider than {}", text, max);
                prop_assert!(!text.chars().any(char::is_control), "control character in {:?}", text);
            }
        }
        for l in doc.preview_lines() {
            prop_assert!(l.chars().count() <= cols, "preview line {:?} wider than {}", l, cols);
        }
    }

    #[test]
    fn every_amount_prints_whole_on_one_line(r in receipt(), width in prop::sample::select(Width::ALL.to_vec())) {
        let doc = layout(&r, width);
        let lines = doc.preview_lines();
        let spaced = |s: &str| s.chars().flat_map(|c| [c, ' ']).collect::<String>().trim_end().to_string();
        let amounts = r.lines.iter().filter_map(|l| match l { Line::Amount { amount, .. } => Some(*amount), _ => None })
            .chain(r.totals.iter().map(|t| t.amount))
            .chain(r.tenders.iter().map(|t| t.amount))
            .chain(r.change);
        for m in amounts {
            let shown = m.format(r.locale);
            prop_assert!(
                lines.iter().any(|l| l.contains(&shown) || l.contains(&spaced(&shown))),
                "{} not on one line of\n{}", shown, doc.preview()
            );
        }
    }

    #[test]
    fn bytes_hold_only_known_commands(r in receipt(), width in prop::sample::select(Width::ALL.to_vec())) {
        let bytes = escpos::encode(&layout(&r, width)).unwrap();
        let dump = escpos::dump(&bytes);
        prop_assert!(escpos::unknown_bytes(&bytes).is_empty(), "unknown byte in\n{}", dump);
        prop_assert!(!dump.contains('\u{FFFD}'), "undecodable byte in\n{}", dump);
        let pulse = bytes.windows(5).any(|w| w == [0x1B, b'p', 0, 25, 250]);
        prop_assert_eq!(pulse, r.opens_drawer());
        if r.training {
            prop_assert!(!pulse, "drawer pulse in training");
        }
    }
}
