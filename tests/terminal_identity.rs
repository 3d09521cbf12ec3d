//! Each till is its own terminal (issue 14.2): two tills on one engine, one `T01` (the engine's
//! default) and one `T02` (its own settings), each stamp their operations, number their receipts
//! and list their journal on their own; the engine registers both at login.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_common;

use ratatui::crossterm::event::KeyCode;
use tui_common::{Till, new_card};

/// The terminal each gift operation on `card` was stamped with, oldest first.
fn terminals_of(t: &Till, card: &str) -> Vec<String> {
    let card = card.to_string();
    t.engine
        .ledger()
        .read_sql(move |sql| {
            sql.query_all(
                "SELECT terminal FROM gift_txns WHERE card = ?1 ORDER BY px_id",
                till::store::params![card.as_str()],
                |r| r.get::<String>(0),
            )
            .map_err(till::ledger::LedgerError::from)
        })
        .unwrap()
}

async fn sell(t: &mut Till, card: &str, amount: &str) {
    t.scan(card).await;
    t.hotkey('s').await;
    t.type_text(amount).await;
    t.press(KeyCode::Enter).await;
    t.hotkey('1').await;
    t.press(KeyCode::Enter).await;
    t.expect("Sell done");
    t.press(KeyCode::Esc).await;
    t.press(KeyCode::Esc).await;
    t.press(KeyCode::Esc).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_tills_on_one_engine_keep_their_own_terminal_receipts_and_journal() {
    let mut a = Till::start().await;
    let mut b = a.second_till("T02").await;
    a.login("1001", "1234").await;
    b.login("9001", "9999").await;
    b.expect("T02");
    a.expect_not("T02");
    let (ca, cb) = (new_card(&a.engine), new_card(&a.engine));
    sell(&mut a, &ca, "10").await;
    sell(&mut b, &cb, "20").await;
    assert_eq!(terminals_of(&a, &ca), ["T01"]);
    assert_eq!(terminals_of(&a, &cb), ["T02"]);
    // Each journal shows its own operation only, each receipt numbered from 1 on its terminal.
    a.hotkey('j').await;
    b.hotkey('j').await;
    a.expect("10,00");
    a.expect_not("20,00");
    b.expect("20,00");
    b.expect_not("10,00");
    let numbers = a
        .engine
        .ledger()
        .read_sql(|sql| {
            sql.query_all("SELECT terminal, number FROM receipts ORDER BY terminal", till::store::params![], |r| {
                Ok((r.get::<String>(0)?, r.get::<i64>(1)?))
            })
            .map_err(till::ledger::LedgerError::from)
        })
        .unwrap();
    assert!(numbers.contains(&("T02".to_string(), 1)), "{numbers:?}");
    assert!(numbers.iter().filter(|(t, _)| t == "T02").count() == 1, "{numbers:?}");
    // Both registered with the engine at login.
    let ids: Vec<String> = till::engine::terminals::list(&a.engine).unwrap().into_iter().map(|t| t.id).collect();
    assert_eq!(ids, ["T01", "T02"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_changed_at_another_till_shows_its_fresh_balance_before_money_moves() {
    let mut a = Till::start().await;
    let mut b = a.second_till("T02").await;
    a.login("1001", "1234").await;
    b.login("9001", "9999").await;
    let card = tui_common::demo_card(2); // 25,00 €
    a.scan(&card).await;
    a.expect("25,00 €");
    // Meanwhile the customer's partner spends 20,00 at the other till.
    b.scan(&card).await;
    b.hotkey('r').await;
    b.type_text("20").await;
    b.press(KeyCode::Enter).await;
    b.press(KeyCode::Enter).await;
    b.expect("Redeem done");
    // This till still shows 25,00; a 10,00 redeem reads the card again first and splits on 5,00.
    a.expect("25,00 €");
    a.hotkey('r').await;
    a.type_text("10").await;
    a.press(KeyCode::Enter).await;
    a.expect("The balance changed since it was shown: now 5,00 €.");
    a.expect("The card covers 5,00 €.");
    a.expect_not("not done");
    // `b` says it read the card again.
    a.press(KeyCode::Esc).await;
    a.hotkey('b').await;
    a.expect("Balance read again: 5,00 €.");
}
