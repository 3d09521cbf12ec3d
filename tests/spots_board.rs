//! The spots board (home key `t`) on a real engine over a real socket, driven by keys while a
//! customer's wallet app (the `/rest/v1` client with a user credential) checks in and pays:
//! a table from check-in to closed spot, and snapshots at 80×24. A payment taken at the board prints
//! its receipt like a sale (a capture printer's bytes are read): the wallet tender and the table on
//! a confirm, cash (with the drawer pulse) when the guest paid at the till, whose cash is in the
//! drawer's expected amount and in the X report under cash and spot orders.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_common;

use ratatui::crossterm::event::KeyCode;
use till::client::spots::{Credential, SpotsClient};
use till::money::{Currency, Money};
use till::tui::settings::Settings;
use tui_common::{CapturePrinter, Till, opens_drawer};

/// A till logged in as the demo cashier, on the board, and a customer's wallet app.
#[allow(dead_code)]
async fn board() -> (Till, SpotsClient) {
    board_with(Settings::default()).await
}

async fn board_with(settings: Settings) -> (Till, SpotsClient) {
    let mut t = Till::with_settings(settings, false).await;
    let path = t.engine.data_dir().join(till::client::spots::TILL_CREDENTIAL_FILE);
    t.link = t.link.clone().with_spots_credential(path);
    let eur = Currency::from_code("EUR").unwrap();
    let c = till::engine::spots::clients::create_user(&t.engine, "Ann", Money::from_minor(5000, eur)).await.unwrap();
    let wallet =
        SpotsClient::new(&t.server.base_url(), Credential { id: c.id, key: c.key, wallet_id: c.wallet_id }).unwrap();
    t.login("1001", "1234").await;
    t.hotkey('t').await;
    (t, wallet)
}

/// Three clock ticks: the board refreshes on its own.
async fn wait_a_refresh(t: &mut Till) {
    for _ in 0..till::tui::screens::spots::REFRESH_EVERY {
        t.tick().await;
    }
}

/// The store's X report now: cash expected in the drawer, cash taken, and the spot orders line.
fn x(t: &Till) -> (i64, i64, (u64, i64)) {
    let r = till::engine::reports::x_report(&t.engine, Default::default()).unwrap().totals;
    let spot = r.operations.get("spot_order").map(|l| (l.count, l.amount)).unwrap_or_default();
    (r.cash.expected, r.tenders.get("cash").copied().unwrap_or(0), spot)
}

#[tokio::test]
async fn a_table_from_check_in_to_closed_spot() {
    let printer = CapturePrinter::new();
    let (mut t, wallet) = board_with(printer.settings()).await;
    t.expect("TABLE1");
    t.expect("TABLE6");
    t.expect("nobody checked in");

    // The customer checks in at TABLE2; the board sees it on its next refresh.
    let spot = wallet.spot_by_code("PAYSERA*1:TABLE2").await.unwrap();
    wallet.check_in(spot.id).await.unwrap();
    wait_a_refresh(&mut t).await;
    t.press(KeyCode::Down).await;
    t.expect_row("TABLE2", "waiting");
    t.expect("Ann");
    insta::assert_snapshot!("spots_board_waiting_80x24", t.screen(80, 24));

    // The cashier puts the bill on the table in the store's locale (de-DE).
    t.hotkey('o').await;
    t.type_text("12,50").await;
    t.press(KeyCode::Enter).await;
    t.type_text("Kaffee und Kuchen").await;
    insta::assert_snapshot!("spots_board_new_order_80x24", t.screen(80, 24));
    t.press(KeyCode::Enter).await;
    t.expect("is on the table");
    t.expect_row("pending", "12,50");
    t.expect_row("TABLE2", "opened");

    // The customer pays from the wallet app: reserved, and the board shows it.
    let s = wallet.spot(spot.id).await.unwrap();
    let order = &s.orders.unwrap()[0];
    wallet.reserve(&order.transaction_key).await.unwrap();
    wait_a_refresh(&mut t).await;
    t.expect_row("reserved", "12,50");
    t.expect("TABLE2: 12,50 € reserved from wallet #1 for order #1: c confirms, v revokes.");
    insta::assert_snapshot!("spots_board_reserved_80x24", t.screen(80, 24));

    // Confirm: paid; the wallet holds 37.50, and the receipt prints by itself: the table, the
    // order's line, the wallet tender, no drawer (no cash changed hands).
    assert!(printer.jobs().is_empty());
    t.hotkey('c').await;
    t.expect("is paid from the wallet");
    t.expect_row("confirmed", "12,50");
    let b = wallet.wallet_balance(1).await.unwrap();
    assert_eq!(b["EUR"].at_disposal, 3750);
    let jobs = printer.jobs();
    assert_eq!(jobs.len(), 1, "one receipt, printed without a key");
    let text = CapturePrinter::text(&jobs[0]);
    for needle in ["TISCHRECHNUNG", "Tisch", "TABLE2", "Kaffee und Kuchen", "12,50", "Wallet"] {
        assert!(text.contains(needle), "{needle:?} missing from the receipt:\n{text}");
    }
    assert!(!opens_drawer(&jobs[0]), "a wallet payment never opens the drawer\n{text}");
    t.expect("Receipt printed");
    insta::assert_snapshot!("spots_board_confirmed_80x24", t.screen(80, 24));
    // p prints no second original.
    t.hotkey('p').await;
    t.expect("This receipt has printed.");
    t.press(KeyCode::Esc).await;
    assert_eq!(printer.jobs().len(), 1);

    // Close the table (asks first).
    t.hotkey('x').await;
    t.expect("Close TABLE2?");
    t.press(KeyCode::Enter).await;
    t.expect("TABLE2 is closed.");
    t.expect_row("TABLE2", "closed");
    assert!(t.engine.ledger().verify().unwrap().violations.is_empty());
}

#[tokio::test]
async fn revoke_paid_in_cash_and_an_unregistered_spot() {
    let printer = CapturePrinter::new();
    let (mut t, wallet) = board_with(printer.settings()).await;
    let before = x(&t);
    // A made-up code registers a spot the board flags.
    let fake = wallet.spot_by_code("PAYSERA*1:TABLE99").await.unwrap();
    wallet.check_in(fake.id).await.unwrap();
    wait_a_refresh(&mut t).await;
    for _ in 0..6 {
        t.press(KeyCode::Down).await;
    }
    t.expect("UNREGISTERED");
    t.expect("!TABLE99");

    // An order, reserved, then revoked: the money goes back.
    t.hotkey('o').await;
    t.type_text("4").await;
    t.press(KeyCode::Enter).await;
    t.press(KeyCode::Enter).await;
    let s = wallet.spot(fake.id).await.unwrap();
    let first = s.orders.unwrap()[0].clone();
    wallet.reserve(&first.transaction_key).await.unwrap();
    wait_a_refresh(&mut t).await;
    t.hotkey('v').await;
    t.expect("Reservation revoked");
    assert_eq!(wallet.wallet_balance(1).await.unwrap()["EUR"].reserved, 0);

    // The order is pending again (its transaction revoked); paid in cash at the till closes it,
    // books the cash into the drawer, prints the receipt and opens the drawer.
    t.expect_row("pending", "4,00");
    assert!(printer.jobs().is_empty(), "a revoke prints nothing");
    t.hotkey('a').await;
    t.expect("4,00 € cash in the drawer");
    t.expect_row("paid cash", "4,00");
    let jobs = printer.jobs();
    assert_eq!(jobs.len(), 1);
    let text = CapturePrinter::text(&jobs[0]);
    for needle in ["TISCHRECHNUNG", "TABLE99", "Order", "4,00", "Bar"] {
        assert!(text.contains(needle), "{needle:?} missing from the receipt:\n{text}");
    }
    assert!(opens_drawer(&jobs[0]), "cash: the drawer opens with the receipt\n{text}");
    // The cash is the drawer's: expected cash, cash tender and one spot order of 4,00 more.
    let after = x(&t);
    assert_eq!(after.0 - before.0, 400, "expected cash in the drawer");
    assert_eq!(after.1 - before.1, 400, "cash tender");
    assert_eq!((after.2.0 - before.2.0, after.2.1 - before.2.1), (1, 400), "spot orders");
    // The order cannot be paid twice, neither in cash nor from the wallet.
    let replay = till::engine::spots::cash::pay_cash(&t.engine, first.id, None, Some(1001)).await.unwrap();
    assert!(replay.replay, "a retry answers the first payment");
    assert_eq!(x(&t).0, after.0, "a retry books nothing");
    assert!(wallet.reserve(&first.transaction_key).await.is_err(), "a cash-paid order cannot be paid from the wallet");
    t.hotkey('x').await;
    t.press(KeyCode::Enter).await;
    t.expect("TABLE99 is closed.");

    // A wrong amount is explained, nothing is sent.
    t.hotkey('o').await;
    t.type_text("abc").await;
    t.press(KeyCode::Enter).await;
    t.press(KeyCode::Enter).await;
    t.expect("Type the amount like");
    t.press(KeyCode::Esc).await;
    t.press(KeyCode::Esc).await;
    t.expect("Spots");
    assert!(t.engine.ledger().verify().unwrap().violations.is_empty());
}

#[tokio::test]
async fn a_cancelled_order_books_nothing_and_a_printer_fault_keeps_the_receipt_queued() {
    // The printer's device is not there (unplugged): the job cannot start.
    let printer = CapturePrinter::new();
    let dir = printer.path.parent().unwrap().join("lp");
    let settings = Settings { printer: format!("file://{}", dir.join("lp0").display()), ..Settings::default() };
    let (mut t, wallet) = board_with(settings).await;
    let before = x(&t);
    // TABLE1: an order cancelled (asks first): closed, nothing booked, nothing printed.
    t.hotkey('o').await;
    t.type_text("9,90").await;
    t.press(KeyCode::Enter).await;
    t.press(KeyCode::Enter).await;
    t.expect_row("pending", "9,90");
    t.hotkey('d').await;
    t.expect("Cancel order #1 on TABLE1?");
    t.press(KeyCode::Enter).await;
    t.expect("Order #1 is cancelled.");
    t.expect_row("cancelled", "9,90");
    assert_eq!(x(&t), before, "a cancelled order moves no money");
    // A second order, paid from the wallet while the printer is away.
    t.hotkey('o').await;
    t.type_text("3").await;
    t.press(KeyCode::Enter).await;
    t.press(KeyCode::Enter).await;
    let spot = wallet.spot_by_code("PAYSERA*1:TABLE1").await.unwrap();
    wallet.check_in(spot.id).await.unwrap();
    let s = wallet.spot(spot.id).await.unwrap();
    let pending = s.orders.unwrap().into_iter().find(|o| o.status == "pending").unwrap();
    wallet.reserve(&pending.transaction_key).await.unwrap();
    wait_a_refresh(&mut t).await;
    t.hotkey('c').await;
    t.expect("The receipt did not print");
    t.expect("press Enter to print it");
    t.press(KeyCode::Esc).await;
    t.expect("did not print");
    // The printer is back: p on the board prints the queued receipt, once.
    std::fs::create_dir_all(&dir).unwrap();
    t.hotkey('p').await;
    let bytes = std::fs::read(dir.join("lp0")).unwrap();
    assert_eq!(bytes.windows(5).filter(|w| *w == tui_common::JOB_START).count(), 1, "printed exactly once");
    assert!(CapturePrinter::text(&bytes).contains("Wallet"));
    t.expect("Receipt printed");
}
