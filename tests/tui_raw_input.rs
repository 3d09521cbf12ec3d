//! The real input path: flows driven by raw key events with their timing (a scanner's burst, a
//! stripe reader's swipe, a person's slow typing), fed through the input resolver exactly as the
//! terminal's event loop feeds it, against a real engine. No test here injects a resolved scan.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_common;

use ratatui::crossterm::event::KeyCode;
use tui_common::{Till, demo_card, new_card};

/// `text` as key presses `gap_ms` apart, optionally ending in Enter.
fn keys(text: &str, gap_ms: u64, enter: bool) -> Vec<(KeyCode, u64)> {
    let mut k: Vec<(KeyCode, u64)> = text.chars().map(|c| (KeyCode::Char(c), gap_ms)).collect();
    if enter {
        k.push((KeyCode::Enter, gap_ms));
    }
    k
}

/// A person: 150 ms between keys.
fn typed(text: &str) -> Vec<(KeyCode, u64)> {
    keys(text, 150, true)
}

/// A scanner: 3 ms between characters, Enter at the end.
fn scanned(code: &str) -> Vec<(KeyCode, u64)> {
    let mut k = keys(code, 3, true);
    // The first character comes after a pause like any first key.
    k[0].1 = 400;
    k
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logging_in_by_slow_typing() {
    let mut t = Till::start().await;
    t.raw(&typed("1001")).await;
    t.raw(&typed("1234")).await;
    t.expect("1001 Demo Cashier (cashier)");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logging_in_with_a_badge_scan_then_a_typed_pin() {
    let mut t = Till::start().await;
    t.raw(&scanned("1001")).await;
    t.raw(&typed("1234")).await;
    t.expect("1001 Demo Cashier (cashier)");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gift_sale_from_a_scanned_card_and_typed_keys() {
    let mut t = Till::start().await;
    t.raw(&typed("1001")).await;
    t.raw(&typed("1234")).await;
    let card = new_card(&t.engine);
    // The scan on the home screen opens the card; its digits are never taken as hotkeys.
    t.raw(&scanned(&card)).await;
    t.expect("not activated");
    t.raw(&keys("s", 400, false)).await;
    t.raw(&typed("25")).await;
    t.raw(&keys("1", 300, false)).await;
    t.raw(&[(KeyCode::Enter, 300)]).await;
    t.expect("Sell done");
    t.expect_row("New balance", "25,00 €");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_track_two_swipe_reads_the_card_and_its_enter_is_swallowed() {
    let mut t = Till::start().await;
    t.raw(&typed("1001")).await;
    t.raw(&typed("1234")).await;
    t.raw(&keys("g", 400, false)).await;
    let card = demo_card(2);
    let mut swipe = keys(&format!(";{card}=29121010000?"), 2, true);
    swipe[0].1 = 400;
    t.raw(&swipe).await;
    t.expect("25,00 €");
    t.expect("active");
    // The reader's Enter did not act on the card panel (no dialog, no new lookup on an empty field).
    t.expect_not("Type the whole card number");
    t.expect_not(&card);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_card_typed_slowly_is_typing_not_a_scan() {
    let mut t = Till::start().await;
    t.raw(&typed("1001")).await;
    t.raw(&typed("1234")).await;
    t.raw(&keys("g", 400, false)).await;
    let card = demo_card(2);
    // Typed without Enter: the digits sit in the field, nothing is looked up yet.
    t.raw(&keys(&card, 150, false)).await;
    t.expect(&card);
    t.expect_not("25,00 €");
    t.raw(&[(KeyCode::Enter, 150)]).await;
    t.expect("25,00 €");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retail_posa_sale_from_scanned_product_and_card() {
    let mut t = Till::start().await;
    t.raw(&typed("1001")).await;
    t.raw(&typed("1234")).await;
    t.raw(&keys("r", 400, false)).await;
    t.raw(&scanned("4001232232418")).await; // GameVault (POSA) by its EAN
    t.expect("GameVault Card");
    t.raw(&[(KeyCode::Down, 300), (KeyCode::Enter, 300)]).await;
    t.expect("Scan the card");
    t.raw(&scanned("9990001234567890")).await;
    t.expect("Preliminary check passed");
    t.raw(&keys("2", 400, false)).await;
    t.raw(&[(KeyCode::Enter, 300)]).await;
    t.expect("Sold.");
}
