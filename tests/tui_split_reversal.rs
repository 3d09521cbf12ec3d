//! Reversing a split redeem at the till (issue 14.4), on a real engine: the confirmation and the
//! result say how much goes back onto the gift card and how much the customer gets back in which
//! tender, and the reversal's receipt shows both parts.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_common;

use ratatui::crossterm::event::KeyCode;
use till::tui::screens::Screen;
use tui_common::{Till, demo_card};

/// What the result pane says besides its figures.
fn notes(t: &Till) -> Vec<String> {
    match &t.app.screen {
        Screen::Gift(g) => g.done.as_ref().map(|d| d.notes.clone()).unwrap_or_default(),
        _ => panic!("not on the gift screen"),
    }
}

/// 30,00 € and a 2,00 € tip on the 25,00 € card: 25,00 € from the card, 7,00 € in `tender`.
async fn split_redeem(tender: char) -> Till {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    t.scan(&demo_card(2)).await;
    t.hotkey('r').await;
    t.type_text("30").await;
    t.press(KeyCode::Tab).await;
    t.type_text("2").await;
    t.press(KeyCode::Enter).await;
    t.hotkey(tender).await;
    t.press(KeyCode::Enter).await;
    t.expect("Redeem done");
    t
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reversing_a_split_redeem_paid_partly_in_cash_gives_the_cash_back() {
    let mut t = split_redeem('1').await;
    t.hotkey('v').await;
    t.expect("This redeem was split: 25,00 € goes back onto the gift card");
    t.expect("7,00 € back in cash.");
    t.press(KeyCode::Enter).await;
    assert_eq!(notes(&t)[1], "25,00 € is back on card •••• 0029. Give the customer 7,00 € back in cash.");
    t.expect_row("New balance", "25,00 €");
    // The receipt: the whole purchase reversed, each part back where it came from.
    t.expect("- 3 2 , 0 0"); // the total, in double size on the preview
    t.expect_row("Geschenkkarte", "-25,00 €");
    t.expect_row("Bar", "-7,00 €");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reversing_a_split_redeem_paid_partly_by_card_refunds_the_card() {
    let mut t = split_redeem('2').await;
    t.hotkey('v').await;
    t.expect("This redeem was split: 25,00 € goes back onto the gift card");
    t.expect("refunded to the customer's payment card.");
    t.press(KeyCode::Enter).await;
    assert_eq!(notes(&t)[1], "25,00 € is back on card •••• 0029. Refund 7,00 € to the customer's payment card.");
    t.expect_row("Karte", "-7,00 €");
    t.expect_not("Bar ");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reversing_a_split_redeem_from_the_journal_says_the_same() {
    let mut t = split_redeem('1').await;
    for _ in 0..3 {
        t.press(KeyCode::Esc).await;
    }
    t.expect("Hello Demo Cashier");
    t.hotkey('j').await;
    t.expect("Gift card redeem");
    t.hotkey('v').await;
    t.expect("This redeem was split: 25,00 € goes back onto the gift card");
    t.expect("7,00 € back in cash.");
    t.press(KeyCode::Enter).await;
    let Screen::Journal(j) = &t.app.screen else { panic!("still on the journal") };
    let note = j.note.as_ref().map(|(n, _)| n.clone()).unwrap_or_default();
    assert!(note.ends_with("Give the customer 7,00 € back in cash."), "{note}");
    // Its receipt, the newest of the journal, shows both parts.
    t.expect("Reversal");
}
