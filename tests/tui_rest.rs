//! Issue 14 item 9, the rest of what a cashier trips over, each as they would notice it: quitting
//! mid-operation asks, a signed amount is refused, a track-1 swipe shows the card's own last four,
//! a paste with more than a card number in it is refused, a product's EAN scanned on home opens
//! its retail sale, the status bar keeps the user's name, an unreachable engine is said plainly,
//! refund and the footer's keys are findable, unlocking keeps the open dialog, and a retail order
//! left open at quit is in the journal after the restart.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_common;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use till::tui::app::Msg;
use till::tui::input::{Input, Swipe};
use tui_common::{Till, demo_card};

async fn ctrl(t: &mut Till, c: char) {
    t.app.update(Msg::Input(Input::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))));
    t.settle().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quitting_with_an_amount_typed_asks_first() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    t.scan(&demo_card(2)).await;
    t.hotkey('r').await;
    t.type_text("12").await;
    for key in ['q', 'c'] {
        ctrl(&mut t, key).await;
        assert!(!t.app.quit, "Ctrl+{key} with 12 typed must ask");
        t.expect("Quit in the middle of an operation?");
        t.expect("What you typed is lost; no money has moved yet.");
        t.press(KeyCode::Esc).await; // stay
        assert!(!t.app.quit);
        t.expect_row("Amount", "12");
    }
    ctrl(&mut t, 'q').await;
    insta::assert_snapshot!("quit_with_amount_typed_80x24", t.screen(80, 24));
    t.press(KeyCode::Enter).await;
    assert!(t.app.quit, "quit anyway");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_typed_quits_at_once() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    ctrl(&mut t, 'q').await;
    assert!(t.app.quit);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_amount_is_refused_not_read_as_its_number() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    t.scan(&demo_card(2)).await;
    t.hotkey('r').await;
    t.type_text("-5").await;
    t.expect_row("Amount", "-5");
    t.press(KeyCode::Enter).await;
    t.expect("“-5”: type the amount without a sign");
    t.expect_not("Redeem?");
    t.expect_not("-5,00");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_track_one_swipe_shows_the_cards_last_four() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    let pan = demo_card(2);
    let swipe = Swipe::parse(&format!("%B{pan}^DOE/JANE^2912101000000000?")).unwrap();
    t.app.update(Msg::Input(Input::Swipe(swipe)));
    t.settle().await;
    let last4 = &pan[pan.len() - 4..];
    t.expect(&format!("•••• {last4}"));
    t.expect_not("•••• 0000");
    t.expect("25,00 €");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paste_with_more_than_a_card_number_is_refused() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    t.hotkey('g').await;
    let pasted = format!("Karte: {} (Frau Meier)", demo_card(2));
    for input in till::tui::input::paste(&pasted) {
        t.app.update(Msg::Input(input));
    }
    t.settle().await;
    t.expect("is not a card number on its own");
    t.expect_not("25,00 €");
    // The number alone, pasted, is read.
    for input in till::tui::input::paste(&format!(" {}\n", demo_card(2))) {
        t.app.update(Msg::Input(input));
    }
    t.settle().await;
    t.expect("25,00 €");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_product_ean_scanned_on_home_opens_its_retail_sale() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    t.scan("4001232232418").await; // GameVault (POSA)
    t.expect("GameVault Card");
    t.expect_not("digits");
    t.expect_not("this program's cards");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_status_bar_keeps_the_users_name_in_german_while_reconnecting() {
    let mut t = Till::start().await;
    t.speak(till::i18n::Lang::De);
    t.login("1001", "1234").await;
    let online = t.screen(80, 24);
    assert!(online.lines().next().unwrap().contains("1001 Demo Cashier"), "{online}");
    t.app.ctx.link = till::tui::model::Link::Lost("connection refused".into());
    let offline = t.screen(80, 24);
    assert!(offline.lines().next().unwrap().contains("1001 Demo Cashier"), "{offline}");
    insta::assert_snapshot!("status_bar_german_offline_80x24", offline);
    t.hotkey('j').await; // the next answer: online again
    assert!(matches!(t.app.ctx.link, till::tui::model::Link::Online));
    assert!(t.screen(80, 24).lines().next().unwrap().contains("1001 Demo Cashier"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_engine_says_what_to_do_and_no_internals() {
    let (dir, engine, server) = tui_common::engine().await;
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let client = till::client::Client::new(&format!("http://{dead}"), "").unwrap();
    let mut t = Till::with_client(dir, engine, server, client).await;
    t.login("1001", "1234").await;
    t.expect("the engine cannot be reached: check that it is");
    t.expect_not("error sending request");
    t.expect_not("http://");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unlocking_after_the_automatic_lock_gives_back_the_open_dialog() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    let fresh = tui_common::new_card(&t.engine);
    t.scan(&demo_card(2)).await;
    t.hotkey('x').await;
    t.scan(&fresh).await;
    t.expect("Exchange?");
    for _ in 0..300 {
        t.tick().await;
    }
    t.expect("Locked after inactivity");
    t.expect_not("Exchange?");
    t.type_text("1234").await;
    t.press(KeyCode::Enter).await;
    t.expect("Exchange?");
    t.expect("•••• 0029");
    // The dialog works as before: Esc declines it, nothing moved.
    t.press(KeyCode::Esc).await;
    t.expect_not("Exchange done");
    // Another user unlocking starts from home, never with the first one's dialog.
    for _ in 0..300 {
        t.tick().await;
    }
    t.press(KeyCode::Up).await; // to the user number
    for _ in 0..4 {
        t.press(KeyCode::Backspace).await;
    }
    t.type_text("9001").await;
    t.press(KeyCode::Enter).await;
    t.type_text("9999").await;
    t.press(KeyCode::Enter).await;
    t.expect("9001 Demo Manager");
    t.expect_not("Exchange?");
    t.expect_not("•••• 0029");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refund_is_always_offered_and_says_how_without_a_redeem() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    t.scan(&demo_card(2)).await;
    t.press(KeyCode::F(1)).await;
    t.expect_row("f", "refund");
    t.press(KeyCode::Esc).await;
    t.hotkey('f').await;
    t.expect("A refund goes back against a payment made with this card");
    t.press(KeyCode::Enter).await;
    // After a redeem, f starts the refund of it.
    t.hotkey('r').await;
    t.type_text("5").await;
    t.press(KeyCode::Enter).await;
    t.press(KeyCode::Enter).await;
    t.expect("Redeem done");
    t.press(KeyCode::Esc).await;
    t.hotkey('f').await;
    t.expect("Refund");
    t.expect_not("A refund goes back against");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn b_says_it_read_the_balance_again() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    t.scan(&demo_card(2)).await;
    t.hotkey('b').await;
    t.expect("Balance read again: 25,00 €.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_footer_too_narrow_for_every_key_says_f1_has_them_all() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    t.scan(&demo_card(2)).await;
    let narrow = t.screen(80, 24);
    let footer = narrow.lines().last().unwrap();
    assert!(footer.contains("F1  all keys"), "{footer}");
    insta::assert_snapshot!("gift_menu_footer_80x24", narrow);
    let wide = t.screen(200, 40);
    let footer = wide.lines().last().unwrap();
    assert!(footer.contains("F1  help") && !footer.contains("all keys"), "{footer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retail_order_left_open_at_quit_is_in_the_journal_after_restart() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    t.hotkey('r').await;
    t.type_text("bookwise gift").await;
    t.press(KeyCode::Enter).await;
    t.type_text("25").await;
    t.press(KeyCode::Enter).await;
    t.expect("Preliminary check passed");
    ctrl(&mut t, 'q').await;
    t.press(KeyCode::Enter).await; // quit anyway
    assert!(t.app.quit);
    // The till starts again (same terminal, same engine): the journal still has the order.
    let mut again = t.second_till("T01").await;
    again.login("1001", "1234").await;
    again.hotkey('j').await;
    again.expect_row("Not sold, left open", "25,00 €");
    assert!(again.screen(80, 24).contains("Not sold, left open: Bookwise Gift Card"), "at 80 columns too");
}
