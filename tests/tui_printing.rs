//! Printing and the cash drawer from the till, end to end: the till on a real engine prints to a
//! capture printer (a `file://` printer whose bytes the test reads). A completed sale prints by
//! itself; a cash sale's job pulses the drawer, a card sale's, a training sale's and a reprint's
//! never do; a printer fault keeps the receipt queued, says so, and one key prints it, once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_common;

use ratatui::crossterm::event::KeyCode;
use till::tui::model::{PrintJob, PrintState};
use till::tui::settings::Settings;
use tui_common::{CapturePrinter, Till, new_card, opens_drawer};

/// Logged in, a new card scanned and sold for 25,00 paid in `tender` ('1' cash, '2' card).
async fn sell(t: &mut Till, tender: char) {
    t.login("1001", "1234").await;
    let card = new_card(&t.engine);
    t.scan(&card).await;
    t.hotkey('s').await;
    t.type_text("25").await;
    t.press(KeyCode::Enter).await;
    t.hotkey(tender).await;
    t.press(KeyCode::Enter).await;
    t.expect("Sell done");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cash_sale_prints_by_itself_and_opens_the_drawer() {
    let printer = CapturePrinter::new();
    let mut t = Till::with_settings(printer.settings(), false).await;
    sell(&mut t, '1').await;
    let jobs = printer.jobs();
    assert_eq!(jobs.len(), 1, "one receipt, printed without a key");
    let text = CapturePrinter::text(&jobs[0]);
    assert!(text.contains("25,00"), "{text}");
    assert!(opens_drawer(&jobs[0]), "cash: the drawer opens with the receipt\n{text}");
    assert!(jobs[0].ends_with(&tui_common::DRAWER_PULSE), "the pulse comes after the cut");
    t.expect("Receipt printed");
    // p on a printed receipt prints no second original.
    t.hotkey('p').await;
    t.expect("This receipt has printed.");
    assert_eq!(printer.jobs().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_sale_prints_without_opening_the_drawer() {
    let printer = CapturePrinter::new();
    let mut t = Till::with_settings(printer.settings(), false).await;
    sell(&mut t, '2').await;
    let jobs = printer.jobs();
    assert_eq!(jobs.len(), 1);
    assert!(!opens_drawer(&jobs[0]), "{}", CapturePrinter::text(&jobs[0]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_training_sale_prints_its_banner_and_never_opens_the_drawer() {
    let printer = CapturePrinter::new();
    let mut t = Till::with_settings(printer.settings(), true).await;
    sell(&mut t, '1').await;
    let jobs = printer.jobs();
    assert_eq!(jobs.len(), 1);
    let text = CapturePrinter::text(&jobs[0]);
    assert!(text.contains("TRAINING"), "{text}");
    assert!(!opens_drawer(&jobs[0]), "training never opens the drawer\n{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reprint_says_duplicate_and_never_opens_the_drawer() {
    let printer = CapturePrinter::new();
    let mut t = Till::with_settings(printer.settings(), false).await;
    sell(&mut t, '1').await;
    t.press(KeyCode::Esc).await;
    t.press(KeyCode::Esc).await;
    t.press(KeyCode::Esc).await;
    t.hotkey('j').await;
    t.expect("Gift card sale");
    t.hotkey('p').await;
    let jobs = printer.jobs();
    assert_eq!(jobs.len(), 2, "the sale, then its reprint");
    let text = CapturePrinter::text(&jobs[1]);
    assert_eq!(text.matches("DUPLI").count(), 1, "DUPLICATE once\n{text}");
    assert!(opens_drawer(&jobs[0]) && !opens_drawer(&jobs[1]), "only the original opened the drawer");
}

/// The rules of a dump: lines of only `=` or `-` (commands stripped).
fn rules(dump: &str) -> Vec<usize> {
    dump.lines()
        .map(|l| l.rsplit('>').next().unwrap_or(l))
        .filter(|l| !l.is_empty() && l.chars().all(|c| c == '=' || c == '-'))
        .map(|l| l.chars().count())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reprint_after_the_paper_changed_is_laid_out_for_the_new_paper() {
    let printer = CapturePrinter::new();
    let mut t = Till::with_settings(Settings { width: 48, ..printer.settings() }, false).await;
    sell(&mut t, '1').await;
    for _ in 0..3 {
        t.press(KeyCode::Esc).await;
    }
    // The roll is changed to 58 mm: 32 columns, saved in the settings screen (a manager's:
    // the demo manager approves at the cashier's till).
    t.hotkey('s').await;
    t.expect("a manager approves opening them");
    t.approve_as_manager().await;
    t.press(KeyCode::Down).await;
    for _ in 0..2 {
        t.press(KeyCode::Left).await; // 48 → 42 → 32
    }
    t.press(KeyCode::F(2)).await;
    t.expect("Saved to");
    t.press(KeyCode::Esc).await;
    t.hotkey('j').await;
    t.expect("Gift card sale");
    t.hotkey('p').await;
    let jobs = printer.jobs();
    assert_eq!(jobs.len(), 2, "the sale, then its reprint");
    let (original, reprint) = (CapturePrinter::text(&jobs[0]), CapturePrinter::text(&jobs[1]));
    assert!(rules(&original).iter().all(|w| *w == 48), "{original}");
    // The store's own footer (`[receipt] footer` of the demo till.toml) ends the receipt.
    assert!(original.contains("Vielen Dank für Ihren Besuch!"), "{original}");
    let r = rules(&reprint);
    assert!(!r.is_empty() && r.iter().all(|w| *w == 32), "every rule across the 32 columns: {r:?}\n{reprint}");
    assert_eq!(reprint.matches("DUPLI").count(), 1, "DUPLICATE once\n{reprint}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_printer_fault_keeps_the_receipt_queued_and_one_key_prints_it_once() {
    let printer = CapturePrinter::new();
    // The printer's device is not there yet (unplugged): the job cannot even start.
    let dir = printer.path.parent().unwrap().join("lp");
    let settings = Settings { printer: format!("file://{}", dir.join("lp0").display()), ..Settings::default() };
    let mut t = Till::with_settings(settings, false).await;
    sell(&mut t, '1').await;
    t.expect("The receipt did not print");
    t.expect("press Enter to print it");
    // Nothing is resent by itself, however long the till waits.
    for _ in 0..30 {
        t.tick().await;
    }
    assert!(!dir.join("lp0").exists(), "no print before the cashier says so");
    // Later: the dialog goes away, the result says what is pending and how to print it.
    t.press(KeyCode::Esc).await;
    t.expect_not("press Enter to print it");
    t.expect("did not print");
    assert!(matches!(&t.app.ctx.print, Some(PrintJob { state: PrintState::Failed(_), .. })), "{:?}", t.app.ctx.print);
    // The printer is back: one key prints the queued receipt, once, drawer pulse included.
    std::fs::create_dir_all(&dir).unwrap();
    t.hotkey('p').await;
    let bytes = std::fs::read(dir.join("lp0")).unwrap();
    let starts = bytes.windows(5).filter(|w| *w == tui_common::JOB_START).count();
    assert_eq!(starts, 1, "printed exactly once");
    assert!(opens_drawer(&bytes));
    t.expect("Receipt printed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_retry_dialog_prints_with_enter() {
    let printer = CapturePrinter::new();
    let dir = printer.path.parent().unwrap().join("lp");
    let settings = Settings { printer: format!("file://{}", dir.join("lp0").display()), ..Settings::default() };
    let mut t = Till::with_settings(settings, false).await;
    sell(&mut t, '2').await;
    t.expect("The receipt did not print");
    std::fs::create_dir_all(&dir).unwrap();
    t.press(KeyCode::Enter).await;
    assert!(dir.join("lp0").exists());
    t.expect("Receipt printed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kind_kept_on_screen_does_not_print_until_p() {
    let printer = CapturePrinter::new();
    let settings = Settings { preview_only: vec!["gift_sale".into()], ..printer.settings() };
    let mut t = Till::with_settings(settings, false).await;
    sell(&mut t, '2').await;
    assert!(printer.jobs().is_empty(), "gift sales are set to stay on the screen");
    t.expect("p prints the receipt.");
    t.hotkey('p').await;
    assert_eq!(printer.jobs().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_balance_enquiry_prints_nothing() {
    let printer = CapturePrinter::new();
    let mut t = Till::with_settings(printer.settings(), false).await;
    t.login("1001", "1234").await;
    t.hotkey('g').await;
    t.scan(&tui_common::demo_card(2)).await;
    t.expect("25,00 €");
    assert!(printer.jobs().is_empty());
}

/// A POR sale prints its code by itself: the bytes carry the code the screen shows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retail_por_sale_prints_its_code() {
    let printer = CapturePrinter::new();
    let mut t = Till::with_settings(printer.settings(), false).await;
    t.login("1001", "1234").await;
    t.hotkey('r').await;
    t.type_text("bookwise gift").await;
    t.press(KeyCode::Enter).await;
    t.type_text("25").await;
    t.press(KeyCode::Enter).await;
    t.hotkey('1').await;
    t.press(KeyCode::Enter).await;
    t.expect("Sold.");
    t.expect("Receipt printed");
    let jobs = printer.jobs();
    assert_eq!(jobs.len(), 1);
    let text = CapturePrinter::text(&jobs[0]);
    assert!(text.contains("Ihr Code:"), "{text}");
    assert!(opens_drawer(&jobs[0]), "paid in cash");
}
