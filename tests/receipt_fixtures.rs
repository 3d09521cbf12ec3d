//! Not a test on its own: the sample receipts the receipt tests share (one per kind), included
//! with `#[path] mod`. Fixed dates and numbers so their bytes are stable.

#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(dead_code)]

use till::money::{Currency, Locale, Money};
use till::receipt::{
    Activation, Context, GiftResult, Receipt, RetailResult, SpotResult, StoreHeader, Tender, TenderKind,
};
use time::macros::datetime;

pub fn eur(minor: i64) -> Money {
    Money::from_minor(minor, Currency::from_code("EUR").unwrap())
}

pub fn context(locale: Locale, training: bool) -> Context {
    Context {
        header: StoreHeader {
            name: "Demo Coffee & Gifts".into(),
            address: vec!["Hauptstraße 1".into(), "10115 Berlin".into()],
            extra: vec!["USt-IdNr. DE123456789".into()],
        },
        terminal: "T01".into(),
        cashier: Some("1001".into()),
        issued_at: datetime!(2026-11-21 14:05:09 +01:00),
        locale,
        training,
        footer: vec!["Vielen Dank für Ihren Besuch!".into()],
    }
}

pub fn gift(amount: i64, balance: i64) -> GiftResult {
    GiftResult {
        card_number: "6274 1234 5678 9012".into(),
        amount: eur(amount),
        previous_balance: Some(eur(balance - amount)),
        balance: Some(eur(balance)),
        auth_code: Some("483920".into()),
        transaction_id: Some("900000000123".into()),
        code: None,
    }
}

fn numbered(mut r: Receipt, n: u64) -> Receipt {
    r.number = Some(n);
    r
}

/// Every fixture: (name, receipt, whether printing it must open the drawer).
pub fn all() -> Vec<(&'static str, Receipt, bool)> {
    let de = context(Locale::DeDe, false);
    let cash = |m| Tender { kind: TenderKind::Cash, amount: eur(m) };
    let card = |m| Tender { kind: TenderKind::Card, amount: eur(m) };
    let mut egift = gift(2500, 2500);
    egift.previous_balance = None;
    egift.code = Some("EG-7F3K-92QD-LM4X".into());
    let sale = Receipt::gift_sale(&de, &egift, &[cash(3000)]).unwrap();
    let reload = Receipt::gift_reload(&de, &gift(5000, 7250), &[card(5000)]).unwrap();
    let redeem = Receipt::gift_redeem(&de, &gift(1890, 5360), Some(eur(200))).unwrap();
    let balance = Receipt::gift_balance(&de, "6274123456789012", eur(5360));
    let mut emptied = gift(5360, 0);
    emptied.previous_balance = Some(eur(5360));
    let cash_out = Receipt::gift_cash_out(&de, &emptied).unwrap();
    let mut new_card = gift(5360, 5360);
    new_card.card_number = "6274 0000 1111 2222".into();
    let exchange = Receipt::gift_exchange(&de, &gift(5360, 0), &new_card);
    let reversal = Receipt::gift_reversal(&de, &gift(2500, 0), "T01-000001", &[cash(-2500)]).unwrap();
    let refund = Receipt::gift_refund(&de, &gift(1250, 6610), Some("T01-000003"));
    let por = Receipt::retail_order(
        &de,
        &RetailResult {
            order_id: "ro_01HZX3K8Q2".into(),
            product: "Streaming Gift Card 25 EUR".into(),
            face_value: eur(2500),
            lines: vec![
                "Streaming Gift Card".into(),
                "Code einlösen unter example.com/redeem".into(),
                "Support: +49 30 1234567".into(),
            ],
            activation: Activation::Por {
                code: Some("X7K2-9QPL-44MZ-TT81".into()),
                serial: Some("SN 88112233".into()),
            },
        },
        &[cash(5000)],
    )
    .unwrap();
    let posa = Receipt::retail_order(
        &de,
        &RetailResult {
            order_id: "ro_01HZX3K8Q3".into(),
            product: "Game Card 50 EUR".into(),
            face_value: eur(5000),
            lines: vec!["Aktiviert. Bei Fragen: support@example.com".into()],
            activation: Activation::Posa { card_number: "4000 1234 5678 0042".into() },
        },
        &[card(5000)],
    )
    .unwrap();
    // A POR order whose engine lines were laid out for 42 columns, as the retail engine renders
    // them: its reprint on other paper must keep rules across and pairs apart.
    let engine_lines = till::engine::retail::lines::render(&till::engine::retail::lines::ReceiptInput {
        width: 42,
        locale: Locale::DeDe,
        brand: "Stream",
        product_name: "Streaming Gift Card 25 EUR",
        face_value: eur(2500),
        code: Some("X7K2-9QPL-44MZ-TT81"),
        card_number: None,
        redemption_text: "Einlösen unter example.com/redeem",
        support_text: "+49 30 1234567",
        receipt_id: "T01-000013",
        order_id: "ro_01HZX3K8Q4",
    });
    let por42 = Receipt::retail_order(
        &de,
        &RetailResult {
            order_id: "ro_01HZX3K8Q4".into(),
            product: "Streaming Gift Card 25 EUR".into(),
            face_value: eur(2500),
            lines: engine_lines,
            activation: Activation::Por { code: None, serial: None },
        },
        &[card(2500)],
    )
    .unwrap();
    let activate = Receipt::gift_activate(&de, &gift(0, 2500));
    let deactivate = Receipt::gift_deactivate(&de, &gift(0, 4210));
    let spot = Receipt::spot_order(
        &de,
        &SpotResult {
            table: "TABLE2".into(),
            order_id: 4711,
            items: vec![("Cappuccino".into(), eur(390)), ("Käsekuchen".into(), eur(450))],
            total: eur(840),
            wallet: None,
        },
        &[cash(1000)],
    )
    .unwrap();
    let report = till::receipt::report::report(
        de.header.clone(),
        "T01",
        de.issued_at,
        Locale::DeDe,
        false,
        &till::receipt::report::ReportPrint {
            title: "X-BERICHT · A1234".into(),
            sections: vec![
                ("Umsatz".into(), vec![("Kartenverkauf".into(), "3 × 100,00 €".into())]),
                ("Zahlarten".into(), vec![("Bar".into(), "1.234,50 €".into()), ("Karte".into(), "65,50 €".into())]),
            ],
            chart: None,
        },
    );
    let training = Receipt::gift_sale(&context(Locale::DeDe, true), &gift(2500, 2500), &[cash(5000)]).unwrap();
    let duplicate = numbered(reload.clone(), 2).as_duplicate();
    let us = Receipt::gift_redeem(&context(Locale::EnUs, false), &gift(123456, 200000), None).unwrap();
    let fr = Receipt::gift_sale(&context(Locale::FrFr, false), &gift(123456, 123456), &[cash(150000)]).unwrap();
    vec![
        ("gift_sale", numbered(sale, 1), true),
        ("gift_reload", numbered(reload, 2), false),
        ("gift_redeem", numbered(redeem, 3), false),
        ("gift_balance", numbered(balance, 4), false),
        ("gift_cash_out", numbered(cash_out, 5), true),
        ("gift_exchange", numbered(exchange, 6), false),
        ("gift_reversal", numbered(reversal, 7), true),
        ("gift_refund", numbered(refund, 8), false),
        ("retail_por", numbered(por, 9), true),
        ("retail_posa", numbered(posa, 10), false),
        ("training_sale", numbered(training, 1), false),
        ("duplicate_reload", duplicate, false),
        ("redeem_en_us", numbered(us, 11), false),
        ("sale_fr_fr", numbered(fr, 12), true),
        ("gift_activate", numbered(activate, 14), false),
        ("gift_deactivate", numbered(deactivate, 15), false),
        ("spot_order", numbered(spot, 16), true),
        ("report", report, false),
        ("retail_por_engine42", numbered(por42.clone(), 13), false),
        // Stored at 42 columns, reprinted on every paper (the golden test lays it out at 32 and 48 too).
        ("duplicate_retail_por_engine42", numbered(por42, 13).as_duplicate(), false),
        ("print_test", Receipt::print_test(&context(Locale::DeDe, false), eur(123456)), false),
    ]
}
