//! Stored receipts on a real data directory: per-terminal numbering with training counted
//! apart, idempotent creation, printed / unprinted, listing, reprints marked DUPLICATE, and
//! everything still there after the engine is reopened.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use till::engine::receipts::ReceiptQuery;
use till::engine::{Engine, OpenOptions};
use till::money::{Currency, Locale, Money};
use till::receipt::{Context, GiftResult, Receipt, StoreHeader, Tender, TenderKind};
use time::macros::datetime;

fn ctx(terminal: &str, training: bool) -> Context {
    Context {
        header: StoreHeader { name: "Demo".into(), address: vec![], extra: vec![] },
        terminal: terminal.into(),
        cashier: Some("1001".into()),
        issued_at: datetime!(2026-11-21 10:00 +01:00),
        locale: Locale::DeDe,
        training,
        footer: vec![],
    }
}

fn sale(terminal: &str, training: bool) -> Receipt {
    let eur = Currency::from_code("EUR").unwrap();
    let r = GiftResult {
        card_number: "6274123456789012".into(),
        amount: Money::from_minor(2500, eur),
        previous_balance: None,
        balance: Some(Money::from_minor(2500, eur)),
        auth_code: Some("123456".into()),
        transaction_id: None,
        code: None,
    };
    Receipt::gift_sale(
        &ctx(terminal, training),
        &r,
        &[Tender { kind: TenderKind::Cash, amount: Money::from_minor(3000, eur) }],
    )
    .unwrap()
}

#[tokio::test]
async fn numbering_printing_and_reprints() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(dir.path(), OpenOptions { demo: false }).unwrap();

    let a1 = engine.store_receipt(sale("T01", false), Some("op-1".into())).await.unwrap();
    let a2 = engine.store_receipt(sale("T01", false), None).await.unwrap();
    let b1 = engine.store_receipt(sale("T02", false), None).await.unwrap();
    let t1 = engine.store_receipt(sale("T01", true), None).await.unwrap();
    assert_eq!((a1.number, a2.number, b1.number, t1.number), (1, 2, 1, 1));
    assert_eq!(a2.number_text, "T01-000002");
    assert_eq!(t1.number_text, "TRN-T01-000001");
    assert_eq!(a1.receipt.number, Some(1));
    // The stored receipt never holds the full card number.
    assert_eq!(a1.receipt.cards[0].masked_number, "**** 9012");

    // Retrying with the same operation key gives the same receipt, not a new number.
    let again = engine.store_receipt(sale("T01", false), Some("op-1".into())).await.unwrap();
    assert_eq!((again.id, again.number), (a1.id, 1));

    assert!(!a1.printed);
    let printed = engine.mark_receipt_printed(a1.id).await.unwrap();
    assert!(printed.printed);

    let unprinted = engine
        .list_receipts(&ReceiptQuery { terminal: Some("T01".into()), unprinted: true, ..Default::default() })
        .unwrap();
    assert_eq!(unprinted.iter().map(|r| r.number).collect::<Vec<_>>(), [2]);
    let live_t01 = engine.list_receipts(&ReceiptQuery { terminal: Some("T01".into()), ..Default::default() }).unwrap();
    assert_eq!(live_t01.iter().map(|r| r.number).collect::<Vec<_>>(), [2, 1]);
    let training = engine.list_receipts(&ReceiptQuery { training: true, ..Default::default() }).unwrap();
    assert_eq!(training.iter().map(|r| r.id).collect::<Vec<_>>(), [t1.id]);
    let page = engine.list_receipts(&ReceiptQuery { before: Some(a2.id), ..Default::default() }).unwrap();
    assert_eq!(page.iter().map(|r| r.id).collect::<Vec<_>>(), [a1.id]);

    let dup = engine.reprint_receipt(a1.id).await.unwrap();
    assert!(dup.receipt.duplicate);
    assert_eq!(dup.reprints, 1);
    let text = till::receipt::layout(&dup.receipt, till::receipt::Width::W42).preview();
    // A double-size banner on top, letter-spaced in the preview as it is on paper; once only.
    assert_eq!(text.matches("* * *   D U P L I K A T   * * *").count(), 1, "{text}");
    assert!(text.trim_start().starts_with("* * *   D U P L I K A T"), "{text}");
    // The stored original is not changed into a duplicate.
    assert!(!engine.receipt(a1.id).unwrap().unwrap().receipt.duplicate);

    assert!(engine.receipt(9999).unwrap().is_none());
    assert!(engine.mark_receipt_printed(9999).await.is_err());

    drop(engine);
    let engine = Engine::open(dir.path(), OpenOptions { demo: false }).unwrap();
    let back = engine.receipt(a2.id).unwrap().unwrap();
    assert_eq!(back.receipt, a2.receipt);
    let next = engine.store_receipt(sale("T01", false), None).await.unwrap();
    assert_eq!(next.number, 3);
}
