//! `receipt_printing.lines` through the whole API in process (`Router::oneshot`; the catalogue
//! and codes come in through the real CLI first) at 24, 32, 42, 48 and 64 columns in each locale:
//! no line longer than the paper (in characters), the amount in the locale's format, the code
//! grouped for reading aloud, long words split, redemption and support text present; POSA lines
//! carry the masked card.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod inproc;
mod retail_util;

use common::DataDir;
use inproc::InProc;
use retail_util::key;
use serde_json::{Value, json};
use till::engine::retail::lines::group_code;
use till::money::{Currency, Locale, Money};

const LONG_WORD: &str = "Gutscheinbedingungenvereinbarungsübersichtsseitehttpswwwbeispielshopdegutscheineinloesen";

/// Creates an order (fresh key) and asserts 201; returns the order.
async fn create(api: &InProc, body: &Value) -> Value {
    let (status, order) = api.call("POST", "/v1/retail_orders", Some(&key()), Some(body)).await;
    assert_eq!(status, 201, "create: {order}");
    order
}

/// Confirms an order (fresh key) and asserts 200; returns the order.
async fn confirm(api: &InProc, id: &str) -> Value {
    let path = format!("/v1/retail_orders/{id}/actions/confirm");
    let (status, order) = api.call("POST", &path, Some(&key()), Some(&json!({}))).await;
    assert_eq!(status, 200, "confirm: {order}");
    order
}

fn catalog() -> String {
    json!({"products": [
        {"code": "4006381333931", "name": "Ein sehr langer Produktname für eine Geschenkkarte mit Überlänge",
         "brand": "Überlänge & Söhne", "country": "DE", "currency": "EUR", "min_value": "5.00", "max_value": "2000.00",
         "kind": "POR", "commission_percent": "2.5",
         "redemption_text": format!("Einlösen unter {LONG_WORD} oder in jeder Filiale. Keine Barauszahlung."),
         "support_text": "Hilfe: Kundenservice Überlänge, täglich 8–20 Uhr, +49 30 999999"}
    ]})
    .to_string()
}

#[tokio::test]
async fn lines_fit_every_width_in_every_locale() {
    let dir = DataDir::new();
    let file = dir.path().join("catalog.json");
    std::fs::write(&file, catalog()).unwrap();
    dir.till(&["products", "import", file.to_str().unwrap()]);
    // Codes of several shapes: plain, with the distributor's dashes, and long.
    let codes: Vec<String> = (0..30)
        .map(|i| match i % 3 {
            0 => format!("PLAIN{i:011}"),
            1 => format!("AB{i:02}-CDEF-GH34"),
            _ => format!("LONG{i:02}{}", "X7".repeat(20)),
        })
        .collect();
    let codes_file = dir.path().join("codes.txt");
    std::fs::write(&codes_file, codes.join("\n")).unwrap();
    dir.till(&["codes", "import", "--product", "4006381333931", codes_file.to_str().unwrap()]);
    let topped = dir.till(&["balance", "add", "50000.00", "EUR"]);
    assert!(topped.contains("55000.00 available"), "{topped}");
    let server = InProc::open_dir(dir.dir).await;

    let eur = Currency::from_code("EUR").unwrap();
    let face = Money::parse("1234.50", eur).unwrap();
    for locale in Locale::ALL {
        for width in [24usize, 32, 42, 48, 64] {
            let order = create(
                &server,
                &json!({"product_code": "4006381333931", "store_id": "A1234", "terminal_id": "T01",
                        "receipt_id": format!("R-{}-{width}", locale.tag()), "country": "DE",
                        "face_value": {"currency": "EUR", "amount": "1234.50"},
                        "receipt_printing": {"characters_per_line": width, "locale": locale.tag()}}),
            )
            .await;
            let confirmed = confirm(&server, order["id"].as_str().unwrap()).await;
            let lines: Vec<String> = serde_json::from_value(confirmed["receipt_printing"]["lines"].clone()).unwrap();
            let ctx = format!("{} at {width}: {lines:#?}", locale.tag());
            assert!(lines.iter().all(|l| l.chars().count() <= width), "a line is too long, {ctx}");
            assert!(lines.iter().any(|l| l.chars().count() == width), "rules use the full width, {ctx}");
            assert!(lines.iter().any(|l| l.contains(&face.format(locale))), "amount {:?}, {ctx}", face.format(locale));
            // The issued code appears grouped (whole groups; long codes wrap between groups).
            let joined = lines.join(" ");
            let issued = codes
                .iter()
                .find(|c| group_code(c).split(' ').all(|g| lines.iter().any(|l| l.split_whitespace().any(|w| w == g))));
            assert!(issued.is_some(), "grouped code, {ctx}");
            assert!(
                !joined.contains(issued.unwrap().as_str()) || issued.unwrap().len() <= 4,
                "code not grouped, {ctx}"
            );
            // The long word is split hard but nothing is lost.
            assert!(lines.concat().contains(LONG_WORD), "long word lost, {ctx}");
            assert!(joined.contains("Barauszahlung."), "redemption text, {ctx}");
            assert!(joined.contains("+49 30 999999"), "support text, {ctx}");
        }
    }
}

#[tokio::test]
async fn posa_lines_show_the_masked_card_and_support() {
    let server = InProc::open("").await;
    for (i, (locale, width)) in [("fr-FR", 24), ("nl-NL", 42), ("en-US", 64)].into_iter().enumerate() {
        let card = format!("60360000111122{i:02}");
        let order = create(
            &server,
            &json!({"product_code": "4001232232425", "store_id": "A1234", "terminal_id": "T01", "receipt_id": "R1",
                    "country": "DE", "face_value": {"currency": "EUR", "amount": "25.00"}, "card_number": card,
                    "receipt_printing": {"characters_per_line": width, "locale": locale}}),
        )
        .await;
        let confirmed = confirm(&server, order["id"].as_str().unwrap()).await;
        let lines: Vec<String> = serde_json::from_value(confirmed["receipt_printing"]["lines"].clone()).unwrap();
        assert!(lines.iter().all(|l| l.chars().count() <= width), "{lines:#?}");
        let masked = format!("**** **** **** 22{i:02}");
        assert!(lines.iter().any(|l| l.contains(&masked)), "{masked} in {lines:#?}");
        assert!(!lines.concat().contains(&card), "full card number printed: {lines:#?}");
        assert!(lines.join(" ").contains("0800 1234567"), "support text: {lines:#?}");
        let amount = Money::parse("25.00", Currency::from_code("EUR").unwrap()).unwrap();
        let expected = amount.format(Locale::parse(locale).unwrap());
        assert!(lines.iter().any(|l| l.contains(&expected)), "{expected:?} in {lines:#?}");
    }
}
