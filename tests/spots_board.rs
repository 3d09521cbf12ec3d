//! The spots board (home key `t`) on a real engine over a real socket, driven by keys while a
//! customer's wallet app (the `/rest/v1` client with a user credential) checks in and pays:
//! a table from check-in to closed spot, and snapshots at 80×24.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_common;

use ratatui::crossterm::event::KeyCode;
use till::client::spots::{Credential, SpotsClient};
use till::money::{Currency, Money};
use tui_common::Till;

/// A till logged in as the demo cashier, on the board, and a customer's wallet app.
async fn board() -> (Till, SpotsClient) {
    let mut t = Till::start().await;
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

#[tokio::test]
async fn a_table_from_check_in_to_closed_spot() {
    let (mut t, wallet) = board().await;
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
    insta::assert_snapshot!("spots_board_reserved_80x24", t.screen(80, 24));

    // Confirm: paid; the wallet holds 37.50.
    t.hotkey('c').await;
    t.expect("Payment confirmed");
    t.expect_row("confirmed", "12,50");
    let b = wallet.wallet_balance(1).await.unwrap();
    assert_eq!(b["EUR"].at_disposal, 3750);

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
    let (mut t, wallet) = board().await;
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
    wallet.reserve(&s.orders.unwrap()[0].transaction_key).await.unwrap();
    wait_a_refresh(&mut t).await;
    t.hotkey('v').await;
    t.expect("Reservation revoked");
    assert_eq!(wallet.wallet_balance(1).await.unwrap()["EUR"].reserved, 0);

    // The order is pending again (its transaction revoked); paid in cash closes it.
    t.expect_row("pending", "4,00");
    t.hotkey('p').await;
    t.expect("closed (paid by other means)");
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
}
