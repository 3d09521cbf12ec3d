//! Gift card flows driven by key events against a real engine on a loopback socket: a sale, a
//! balance check, a redeem with split tender, a timeout that is undone, a reprint from the journal
//! and reversing the last operation.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_common;

use ratatui::crossterm::event::KeyCode;
use tui_common::proxy::{Fault, Proxy};
use tui_common::{Till, demo_card, new_card};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gift_sale_takes_at_most_five_keys_and_shows_the_new_balance() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    let card = new_card(&t.engine);
    t.scan(&card).await; // from the home screen straight to the card
    t.expect("not activated");
    t.hotkey('s').await;
    t.type_text("25").await;
    t.press(KeyCode::Enter).await;
    t.hotkey('1').await; // cash
    t.press(KeyCode::Enter).await; // confirm
    t.expect("Sell done");
    t.expect_row("New balance", "25,00 €");
    t.expect_row("Before", "0,00 €");
    // The receipt is stored and previewed.
    t.expect("Bar");
    assert!(t.keys <= 5, "a gift sale took {} keys beyond scan and amount", t.keys);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_card_number_is_masked_everywhere_on_screen() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    t.hotkey('g').await;
    let card = demo_card(2);
    let tail = &card[card.len() - 4..];
    // Scanned.
    t.scan(&card).await;
    t.expect("25,00 €");
    t.expect_not(&card);
    t.expect(&format!("•••• {tail}"));
    // Typed, then Enter.
    t.press(KeyCode::Esc).await;
    t.type_text(&card).await;
    t.expect(&card); // still being typed: shown whole
    t.press(KeyCode::Enter).await;
    t.expect("25,00 €");
    t.expect_not(&card);
    // Swiped.
    t.press(KeyCode::Esc).await;
    t.swipe(&format!("{card}=29121010000")).await;
    t.expect("25,00 €");
    t.expect_not(&card);
    // An unknown card stays masked; typing again starts a fresh number.
    t.press(KeyCode::Esc).await;
    t.type_text("6036289999999999").await;
    t.press(KeyCode::Enter).await;
    t.expect_not("6036289999999999");
    t.expect("•••• 9999");
    t.type_text("12").await;
    t.expect_not("•••• 9999");
    t.expect(" 12▏");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn balance_check_is_a_scan() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    t.hotkey('g').await;
    t.keys = 0;
    t.scan(&demo_card(2)).await;
    t.expect("25,00 €");
    t.expect("active");
    assert!(t.keys <= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_swipe_fills_the_card_even_while_typing_an_amount() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    t.scan(&demo_card(2)).await;
    t.hotkey('l').await;
    t.type_text("1").await;
    t.swipe(&format!("{}=29121010000", demo_card(1))).await;
    // The other card is on the panel, and the cashier is still entering the reload amount.
    t.expect("50,00 €");
    t.expect("Type the amount");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redeem_beyond_the_balance_splits_the_tender() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    t.scan(&demo_card(2)).await; // 25,00 €
    t.hotkey('r').await;
    t.type_text("30").await;
    t.press(KeyCode::Tab).await;
    t.type_text("2").await;
    t.press(KeyCode::Enter).await;
    t.expect("The card covers 25,00 €.");
    t.expect("Still to pay: 7,00 €");
    t.hotkey('2').await; // the rest by card
    t.expect("customer pays the remaining 7,00");
    t.expect("tip included"); // the 2,00 € tip went into the 7,00 € rest
    t.press(KeyCode::Enter).await;
    t.expect("Redeem done");
    t.expect_row("New balance", "0,00 €");
    t.expect("7,00 € by card");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_whose_reply_is_lost_is_reversed_and_the_cashier_told() {
    let (dir, engine, server) = tui_common::engine().await;
    let proxy = Proxy::start(server.addr()).await;
    let client = till::client::Client::new(&proxy.base_url(), "").unwrap();
    let mut t = Till::with_client(dir, engine, server, client).await;
    t.login("1001", "1234").await;
    t.scan(&demo_card(2)).await;
    t.hotkey('l').await;
    t.type_text("10").await;
    t.press(KeyCode::Enter).await;
    t.hotkey('1').await;
    proxy.arm("/gift/reload.json", Fault::DropReply);
    t.press(KeyCode::Enter).await;
    assert!(proxy.fired());
    t.expect("Reload did not happen");
    t.expect("Nothing was charged to or loaded on the card");
    // The card still holds what it held.
    t.press(KeyCode::Enter).await;
    t.hotkey('b').await;
    t.expect("25,00 €");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn journal_reprints_a_duplicate_and_reverses_the_last_sale() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    let card = new_card(&t.engine);
    t.scan(&card).await;
    t.hotkey('s').await;
    t.type_text("40").await;
    t.press(KeyCode::Enter).await;
    t.hotkey('1').await;
    t.press(KeyCode::Enter).await;
    t.expect("Sell done");
    for _ in 0..3 {
        t.press(KeyCode::Esc).await;
    }
    t.expect("Hello Demo Cashier");
    t.hotkey('j').await;
    t.expect("Gift card sale");
    t.expect("40,00 €");
    t.expect("1 operation ");
    t.hotkey('p').await;
    t.expect("D U P L I K A T");
    // At 80×24 the reprint is not cut at the right: the receipt's amount line shows in full.
    let small = t.screen(80, 24);
    assert!(
        small.lines().any(|l| l.contains("Bar ") && l.contains("40,00 €")),
        "the reprint is cut at 80×24:\n{small}"
    );
    // ↑/↓ move through the list; the reprint names its own scroll key.
    assert!(small.contains("Reprint · PgDn more"), "{small}");
    t.press(KeyCode::PageDown).await;
    let small = t.screen(80, 24);
    assert!(small.contains("Reprint · PgUp"), "PgDn did not scroll the reprint:\n{small}");
    t.press(KeyCode::PageUp).await;
    t.hotkey('v').await;
    t.expect("Reverse the last operation?");
    t.press(KeyCode::Enter).await;
    t.expect("Reversed.");
    t.expect("Reversal");
    // The card is back to nothing.
    t.press(KeyCode::Esc).await;
    t.scan(&card).await;
    t.expect_not("40,00 €");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_no_card_at_hand_f2_sells_a_new_egift_card() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    t.hotkey('g').await;
    t.expect("F2 sells a new e-gift card");
    t.press(KeyCode::F(2)).await;
    t.type_text("30").await;
    t.press(KeyCode::Enter).await;
    t.hotkey('2').await;
    t.press(KeyCode::Enter).await;
    t.expect("Sell done");
    t.expect_row("New balance", "30,00 €");
    // The new card is on the panel and can be used at once.
    t.press(KeyCode::Esc).await;
    t.hotkey('b').await;
    t.expect("30,00 €");
    t.expect("active");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exchange_moves_the_balance_to_the_new_card() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    let fresh = new_card(&t.engine);
    t.scan(&demo_card(2)).await;
    t.hotkey('x').await;
    t.expect("replacement card");
    t.scan(&fresh).await;
    t.expect("Exchange?");
    t.press(KeyCode::Enter).await;
    t.expect("Exchange done");
    t.expect_row("New balance", "25,00 €");
    // The receipt: the old card closed with nothing on it, the new one holding what moved.
    t.expect_row("Alte Karte (gesperrt)", "**** 0029");
    t.expect_row("Guthaben", "0,00 €");
    t.expect_row("Neue Karte", &format!("**** {}", &fresh[fresh.len() - 4..]));
    // The card panel follows the balance to the new card; the closed one offers no sale.
    t.expect_row("Number", &format!("•••• {}", &fresh[fresh.len() - 4..]));
    t.press(KeyCode::Esc).await;
    t.expect("redeem");
    t.expect_not("sell");
    t.expect_not("0029");
    // The old card is empty now.
    t.press(KeyCode::Enter).await;
    t.scan(&demo_card(2)).await;
    t.expect_not("25,00 €");
    // The journal says what moved.
    t.press(KeyCode::Esc).await;
    t.press(KeyCode::Esc).await;
    t.hotkey('j').await;
    t.expect_row("Card exchange", "25,00 €");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tender_from_a_declined_reload_does_not_stick_to_an_exchange() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    let fresh = new_card(&t.engine);
    t.scan(&demo_card(2)).await;
    t.hotkey('l').await;
    t.type_text("20").await;
    t.press(KeyCode::Enter).await;
    t.hotkey('1').await; // cash
    t.expect("Reload?");
    t.press(KeyCode::Esc).await; // the customer changes their mind at the confirmation
    t.expect_not("Reload done");
    t.hotkey('x').await;
    t.scan(&fresh).await;
    t.press(KeyCode::Enter).await;
    t.expect("Exchange done");
    // No money changed hands: no payment on the result, no cash line on the receipt.
    t.expect_not("Paid");
    t.expect_not("Bar ");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_amounts_are_explained_in_the_store_format() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    t.scan(&demo_card(2)).await;
    t.hotkey('l').await;
    t.type_text("0").await;
    t.press(KeyCode::Enter).await;
    t.expect("The amount must be more than zero.");
    t.press(KeyCode::Backspace).await;
    t.type_text("1,2,3").await;
    t.press(KeyCode::Enter).await;
    t.expect("is not an amount. Type it as on a price tag, e.g. 25,00 €");
    t.expect_not("1234.56");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deactivated_card_is_blocked_and_can_be_activated_again() {
    let mut t = Till::start().await;
    t.login("9001", "9999").await;
    t.scan(&demo_card(2)).await; // 25,00 €
    t.hotkey('d').await;
    t.press(KeyCode::Enter).await;
    t.expect("Deactivate done");
    // Its receipt says the card was blocked, not that its balance was asked for.
    t.expect("KARTE GESPERRT");
    t.expect_not("GUTHABENABFRAGE");
    t.press(KeyCode::Esc).await;
    t.expect_row("Status", "blocked");
    t.expect_not("sell");
    // Read again later: still offered for activation, not just refused.
    t.press(KeyCode::Esc).await;
    t.scan(&demo_card(2)).await;
    t.expect_row("Status", "blocked");
    t.expect("Activate it to use it again.");
    t.hotkey('a').await;
    t.expect("with the balance it kept");
    t.press(KeyCode::Enter).await;
    t.expect("Activate done");
    // No money moved: the receipt is no sale and shows no payment.
    t.expect("KARTENAKTIVIERUNG");
    t.expect_not("VERKAUF");
    t.expect_not("GUTHABENABFRAGE");
    t.expect_not("Bar ");
    t.press(KeyCode::Esc).await;
    t.expect_row("Status", "active");
    t.expect("25,00 €");
    // The journal lists both with the balance they concern.
    t.press(KeyCode::Esc).await;
    t.press(KeyCode::Esc).await;
    t.hotkey('j').await;
    t.expect_row("Card activated", "25,00 €");
    t.expect_row("Card blocked", "25,00 €");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declined_cash_out_says_why_and_changes_nothing() {
    let mut t = Till::start().await;
    t.login("9001", "9999").await; // a manager: cash-out needs one
    t.scan(&demo_card(2)).await; // 25,00 €, over the demo program's 10,00 cash-out limit
    t.hotkey('c').await;
    // Refused before anything is confirmed or paid out, with the program's rule.
    t.expect("Cash-out is only for a balance of 10,00 € or less");
    t.expect_not("Cash out?");
    t.hotkey('b').await;
    t.expect("25,00 €");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_with_a_pin_asks_for_it_masked_and_a_wrong_one_is_asked_again() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    t.scan(&demo_card(1)).await; // 50,00 €, PIN 1234
    t.expect("50,00 €");
    t.hotkey('r').await;
    t.type_text("10").await;
    t.press(KeyCode::Enter).await;
    t.press(KeyCode::Enter).await; // confirm the redeem
    // The engine wants the PIN: the screen asks for it instead of declining.
    t.expect("Card PIN");
    t.expect("needs its PIN");
    t.expect_not("Redeem not done");
    t.type_text("9999").await;
    t.expect("••••");
    t.expect_not("9999");
    t.press(KeyCode::Enter).await;
    t.expect("Wrong PIN");
    t.expect("2 tries left");
    t.expect("Card PIN");
    t.type_text("1234").await;
    t.press(KeyCode::Enter).await;
    t.expect("Redeem done");
    t.expect_row("New balance", "40,00 €");
    // The PIN stays with the card for the next operation: a second redeem asks nothing.
    t.press(KeyCode::Esc).await;
    t.hotkey('r').await;
    t.type_text("5").await;
    t.press(KeyCode::Enter).await;
    t.press(KeyCode::Enter).await;
    t.expect("Redeem done");
    t.expect_row("New balance", "35,00 €");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn esc_at_the_pin_prompt_goes_back_and_moves_no_money() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    t.scan(&demo_card(1)).await;
    t.hotkey('r').await;
    t.type_text("10").await;
    t.press(KeyCode::Enter).await;
    t.press(KeyCode::Enter).await;
    t.expect("Card PIN");
    t.press(KeyCode::Esc).await;
    t.expect_not("Card PIN");
    t.hotkey('b').await;
    t.expect("50,00 €");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cashiers_deactivation_asks_a_manager_to_the_till() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    t.scan(&demo_card(2)).await;
    t.hotkey('d').await;
    t.press(KeyCode::Enter).await; // confirm
    t.expect("Manager approval");
    t.expect("A manager approves this");
    t.expect_not("Deactivate done");
    // A wrong PIN is refused and asked again; the PIN never shows.
    t.type_text("9001").await;
    t.press(KeyCode::Enter).await;
    t.type_text("0000").await;
    t.expect_not("0000");
    t.press(KeyCode::Enter).await;
    t.expect("not a manager's number and PIN");
    t.expect("Manager approval");
    t.type_text("9001").await;
    t.press(KeyCode::Enter).await;
    t.type_text("9999").await;
    t.press(KeyCode::Enter).await;
    t.expect("Deactivate done");
    // The approval was for that one operation: the next one asks again.
    t.press(KeyCode::Esc).await;
    t.hotkey('a').await;
    t.press(KeyCode::Enter).await;
    t.expect("Manager approval");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_load_over_the_programs_limits_is_refused_before_the_tender_step() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    let card = new_card(&t.engine);
    t.scan(&card).await;
    t.hotkey('s').await;
    t.type_text("600").await; // the demo program loads at most 500,00
    t.press(KeyCode::Enter).await;
    t.expect("The largest load is 500,00 €");
    t.expect("Amount  600▏"); // still on the amount: no tender step, nothing paid
    // On a card holding 25,00, a 990,00 reload would pass the 1.000,00 balance limit.
    t.press(KeyCode::Esc).await;
    t.press(KeyCode::Esc).await;
    t.scan(&demo_card(2)).await;
    t.hotkey('l').await;
    t.type_text("490").await;
    t.press(KeyCode::Enter).await;
    t.expect_not("takes");
    t.expect_not("Amount  490▏"); // on to the tender step
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trainer_logging_into_a_live_till_is_sent_to_training() {
    let mut t = Till::start().await;
    t.login("7001", "7777").await;
    t.expect("Trainers practise on the training till");
    t.expect_not("Demo Trainer (trainer)");
    // The session was ended: nothing is open under the trainer's name.
    t.expect("PIN");
}
