//! Flows driven by key events against a real engine on a loopback socket: log in, sell third-party
//! cards (POR and POSA), a confirm whose reply is lost, cancelling, locking after wrong PINs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_common;

use ratatui::crossterm::event::KeyCode;
use tui_common::Till;
use tui_common::proxy::{Fault, Proxy};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_cashier_logs_in_and_sees_every_area() {
    let mut t = Till::start().await;
    t.expect("Demo users: cashier 1001/1234");
    t.login("1001", "1234").await;
    t.expect("1001 Demo Cashier (cashier)");
    for area in ["Gift card", "Retail gift cards", "Journal", "Settings"] {
        t.expect(area);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fast_typist_bursts_land_in_the_focused_field() {
    // Typed fast, "1001"+Enter and "1234"+Enter each arrive as a burst: the first is the user
    // number, the second the PIN (not a new user number).
    let mut t = Till::start().await;
    t.scan("1001").await;
    t.scan("1234").await;
    t.expect("1001 Demo Cashier (cashier)");
    t.expect_not("not logged in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_pins_are_counted_and_lock_the_user() {
    let mut t = Till::start().await;
    t.type_text("1001").await;
    t.press(KeyCode::Enter).await;
    t.type_text("0000").await;
    t.press(KeyCode::Enter).await;
    t.expect("After 5 wrong PINs");
    for _ in 0..4 {
        t.type_text("0000").await;
        t.press(KeyCode::Enter).await;
    }
    // The right PIN does not help while locked (and the refusal does not say so: it tells nothing).
    t.type_text("1234").await;
    t.press(KeyCode::Enter).await;
    t.expect("Wrong user number or PIN");
    t.expect("not logged in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retail_por_sale_prints_the_code_within_six_keys() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    t.hotkey('r').await;
    t.keys = 0;
    t.type_text("bookwise gift").await;
    t.press(KeyCode::Enter).await; // the product
    t.type_text("25").await;
    t.press(KeyCode::Enter).await; // the amount: create + preliminary check
    t.expect("Preliminary check passed");
    t.hotkey('1').await; // cash
    t.press(KeyCode::Enter).await; // confirm the sale
    t.expect("Sold.");
    t.expect("Ihr Code:");
    assert!(t.keys <= 6, "a POR sale took {} keys", t.keys);
    // Without a printer the receipt stays on the screen, and p says so (tui_printing prints it).
    t.expect("No printer: the receipt is on the screen only.");
    t.hotkey('p').await;
    t.expect("No printer is set up");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retail_posa_sale_activates_the_scanned_card() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    t.hotkey('r').await;
    t.scan("4001232232418").await; // GameVault (POSA) by its EAN
    t.expect("GameVault Card");
    t.press(KeyCode::Down).await;
    t.press(KeyCode::Enter).await; // 50,00 €
    t.expect("Scan the card");
    t.scan("9990001234567890").await;
    t.expect("Preliminary check passed");
    t.expect_not("9990001234567890");
    t.expect("50,00 €");
    t.hotkey('2').await;
    t.press(KeyCode::Enter).await;
    t.expect("Sold.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_at_payment_invalidates_the_order() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    t.hotkey('r').await;
    t.type_text("bookwise gift").await;
    t.press(KeyCode::Enter).await;
    t.press(KeyCode::Enter).await;
    t.expect("Preliminary check passed");
    t.press(KeyCode::Esc).await;
    t.expect("Cancel this sale?");
    t.press(KeyCode::Enter).await;
    t.expect("The sale was cancelled: no card was activated.");
    t.expect("Do not take any money.");
}

/// The confirm reached the engine but its reply was lost: the till asks for the order, finds it
/// confirmed and says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confirm_with_a_lost_reply_is_resolved_as_sold() {
    let (dir, engine, server) = tui_common::engine().await;
    let proxy = Proxy::start(server.addr()).await;
    let client = till::client::Client::new(&proxy.base_url(), "").unwrap();
    let mut t = Till::with_client(dir, engine, server, client).await;
    t.login("1001", "1234").await;
    t.hotkey('r').await;
    t.type_text("bookwise gift").await;
    t.press(KeyCode::Enter).await;
    t.press(KeyCode::Enter).await;
    proxy.arm("/actions/confirm", Fault::DropReply);
    t.hotkey('1').await;
    t.press(KeyCode::Enter).await;
    assert!(proxy.fired());
    t.expect("The confirmation was slow, but it went through.");
    t.expect("Sold.");
}

/// The confirm never reached the engine: the till asks for the order, finds it still open,
/// invalidates it and tells the cashier to give the money back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confirm_that_never_arrived_is_invalidated_and_money_returned() {
    let (dir, engine, server) = tui_common::engine().await;
    let proxy = Proxy::start(server.addr()).await;
    let client = till::client::Client::new(&proxy.base_url(), "").unwrap();
    let mut t = Till::with_client(dir, engine, server, client).await;
    t.login("1001", "1234").await;
    t.hotkey('r').await;
    t.type_text("bookwise gift").await;
    t.press(KeyCode::Enter).await;
    t.press(KeyCode::Enter).await;
    proxy.arm("/actions/confirm", Fault::DropRequest);
    t.hotkey('1').await;
    t.press(KeyCode::Enter).await;
    assert!(proxy.fired());
    t.expect("no card was activated");
    t.expect("Give the customer their 15,00 € back.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_till_locks_itself_and_unlocks_with_the_pin() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    for _ in 0..300 {
        t.tick().await;
    }
    t.expect("Locked after inactivity");
    t.expect("not logged in");
    // The user number is kept; the PIN alone unlocks.
    t.type_text("1234").await;
    t.press(KeyCode::Enter).await;
    t.expect("1001 Demo Cashier (cashier)");
}

/// The README: the till locks itself after 5 idle minutes. Not a second early, and any key starts
/// the five minutes again (ticks are the app's one-second clock, so no real time passes).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_lock_waits_the_whole_idle_time_and_a_key_resets_it() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    for _ in 0..299 {
        t.tick().await;
    }
    t.expect("1001 Demo Cashier (cashier)");
    t.press(KeyCode::Down).await; // any key
    for _ in 0..299 {
        t.tick().await;
    }
    t.expect("1001 Demo Cashier (cashier)");
    t.tick().await;
    t.expect("Locked after inactivity");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_engine_is_said_on_the_login_screen_and_in_the_status_bar() {
    let (dir, engine, server) = tui_common::engine().await;
    // A port nothing listens on: the connection is refused at once.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let client = till::client::Client::new(&format!("http://{dead}"), "").unwrap();
    let mut t = Till::with_client(dir, engine, server, client).await;
    t.expect("The engine is not available");
    t.expect("ENGINE OFFLINE");
    t.type_text("1001").await;
    t.press(KeyCode::Enter).await;
    t.type_text("1234").await;
    t.press(KeyCode::Enter).await;
    t.expect("cannot be reached");
    t.expect("not logged in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_product_sold_by_range_only_asks_plainly_for_the_amount() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    t.hotkey('r').await;
    t.type_text("streamflix").await;
    t.press(KeyCode::Enter).await;
    t.expect("Type any amount from 10,00 € to 100,00 €");
    t.expect_not("or type");
    t.type_text("5").await;
    t.press(KeyCode::Enter).await;
    t.expect("This card is sold from 10,00 € to 100,00 €.");
}
