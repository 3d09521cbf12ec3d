//! The README: the settings screen (`s` on home) saves printer, paper width, locale, receipt header
//! and auto-lock to the settings file, and the till then works by them, with no restart.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_common;

use ratatui::crossterm::event::KeyCode;
use till::tui::settings::Settings;
use tui_common::Till;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_settings_screen_saves_to_the_file_and_the_till_uses_them() {
    let mut t = Till::start().await;
    let path = t.dir.path().join("config").join("settings.toml");
    assert!(!path.exists(), "nothing saved before F2");
    t.login("1001", "1234").await;
    t.hotkey('s').await;
    // The settings are a manager's: the demo manager approves at the cashier's till, audited.
    t.expect("a manager approves opening them");
    t.approve_as_manager().await;
    t.expect("Lock after");
    let audit = till::engine::approvals::recent(&t.engine, 5).unwrap();
    assert_eq!((audit[0].act.as_str(), audit[0].user, audit[0].approver), ("settings", 1001, Some(9001)));

    // Printer first (the field shows "none"): a file spec instead.
    let lp = t.dir.path().join("lp0");
    for _ in 0.."none".len() {
        t.press(KeyCode::Backspace).await;
    }
    t.type_text(&format!("file://{}", lp.display())).await;
    t.press(KeyCode::Down).await; // width 42 → 48
    t.press(KeyCode::Right).await;
    t.press(KeyCode::Down).await; // locale: store default → the first locale
    t.press(KeyCode::Right).await;
    t.press(KeyCode::Down).await; // language: as the locale (left alone)
    t.press(KeyCode::Down).await;
    t.type_text("Open 8-18").await;
    t.press(KeyCode::Down).await; // lock after 300 → 60 seconds
    for _ in 0..3 {
        t.press(KeyCode::Backspace).await;
    }
    t.type_text("60").await;
    t.press(KeyCode::F(2)).await;
    t.expect("Saved to");

    let saved = Settings::load(&path).unwrap();
    assert_eq!(saved.printer, format!("file://{}", lp.display()));
    assert_eq!(saved.width, 48);
    assert!(saved.locale.is_some(), "{saved:?}");
    assert_eq!(saved.header, vec!["Open 8-18".to_string()]);
    assert_eq!(saved.lock_after_secs, 60);

    // Used at once: the till now locks after 60 idle seconds, not 300.
    t.press(KeyCode::Esc).await;
    t.expect("1001 Demo Cashier (cashier)");
    for _ in 0..59 {
        t.tick().await;
    }
    t.expect("1001 Demo Cashier (cashier)");
    t.tick().await;
    t.expect("Locked after inactivity");
}

/// Types `text` into the focused field after clearing what it holds.
async fn retype(t: &mut Till, text: &str) {
    for _ in 0..80 {
        t.press(KeyCode::Backspace).await;
    }
    t.type_text(text).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_settings_are_named_field_by_field_and_nothing_is_saved() {
    let mut t = Till::start().await;
    let path = t.dir.path().join("config").join("settings.toml");
    t.login("1001", "1234").await;
    open_settings(&mut t).await;
    retype(&mut t, "tcp:/10.0.0.9").await; // a slash short
    t.press(KeyCode::Down).await;
    t.press(KeyCode::Left).await; // 42 → 32 columns
    for _ in 0..3 {
        t.press(KeyCode::Down).await;
    }
    t.type_text("Open 8-18 | Hauptstraße 1, 10115 Berlin-Mitte, 2. OG").await;
    t.press(KeyCode::Down).await;
    retype(&mut t, "5").await;
    t.press(KeyCode::F(2)).await;
    t.expect("Not saved: correct the fields marked in red first.");
    t.expect("“tcp:/10.0.0.9” is not a printer address");
    t.expect("Line 2 has 40 characters; the paper takes 32.");
    t.expect("“5” seconds: type 0 (never lock) or 30 to 3600.");
    assert!(!path.exists(), "nothing is saved while a field is wrong");
    insta::assert_snapshot!("settings_wrong_fields_80x24", t.screen(80, 24));

    // Corrected, it saves.
    t.press(KeyCode::Up).await;
    retype(&mut t, "Open 8-18").await;
    t.press(KeyCode::Down).await;
    retype(&mut t, "60").await;
    t.press(KeyCode::Down).await; // round to the printer
    retype(&mut t, "none").await;
    t.press(KeyCode::F(2)).await;
    t.expect("Saved to");
    let saved = Settings::load(&path).unwrap();
    assert_eq!((saved.printer.as_str(), saved.width, saved.lock_after_secs), ("none", 32, 60));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_test_print_says_how_it_went_when_it_is_done() {
    let printer = tui_common::CapturePrinter::new();
    let mut t = Till::with_settings(printer.settings(), false).await;
    t.login("1001", "1234").await;
    open_settings(&mut t).await;
    t.press(KeyCode::F(3)).await;
    t.expect("Test receipt printed.");
    t.expect_not("Sending a test receipt");
    assert_eq!(printer.jobs().len(), 1);
    // A printer that is not there: said on the screen, in place of "sending".
    let gone = t.dir.path().join("unplugged").join("lp0");
    retype(&mut t, &format!("file://{}", gone.display())).await;
    t.press(KeyCode::F(3)).await;
    t.expect("The test receipt did not print:");
    t.expect_not("Sending a test receipt");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_printer_given_for_one_run_is_used_but_never_saved() {
    let printer = tui_common::CapturePrinter::new();
    let given = printer.settings().printer;
    // As `till --printer file://…` starts it: the file says none, this run prints to `given`.
    let mut t = Till::with_settings(printer.settings(), false).await;
    t.local = t.local.clone().with_printer_for_run(given.clone(), "none".into());
    t.app.ctx.printer_for_run = Some(given.clone());
    let path = t.dir.path().join("config").join("settings.toml");
    t.login("1001", "1234").await;
    open_settings(&mut t).await;
    t.expect("from --printer for this run only: not saved");
    insta::assert_snapshot!(
        "settings_printer_for_run_80x24",
        t.screen(80, 24).replace(&given, &"#".repeat(given.chars().count()))
    );
    for _ in 0..5 {
        t.press(KeyCode::Down).await;
    }
    retype(&mut t, "60").await;
    t.press(KeyCode::F(2)).await;
    t.expect("Saved to");
    let saved = Settings::load(&path).unwrap();
    assert_eq!(saved.printer, "none", "the run's printer stays out of the file");
    assert_eq!(saved.lock_after_secs, 60);
    // In force for the rest of the run all the same.
    assert_eq!(t.local.settings().printer, given);
    assert_eq!(t.app.ctx.settings.printer, given);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_row_switches_the_screen_between_german_and_english() {
    let mut t = Till::start().await;
    // No --lang: the de-DE store speaks German until the settings say otherwise.
    t.app.ctx.lang_override = None;
    let path = t.dir.path().join("config").join("settings.toml");
    t.login("1001", "1234").await;
    open_settings(&mut t).await;
    t.expect("Sprache");
    t.expect("wie das Zahlenformat");
    insta::assert_snapshot!("settings_german_80x24", t.screen(80, 24));
    for _ in 0..3 {
        t.press(KeyCode::Down).await;
    }
    t.press(KeyCode::Right).await;
    t.expect("English");
    t.press(KeyCode::F(2)).await;
    t.expect("Saved to");
    t.expect("Language");
    t.expect("Lock after");
    assert_eq!(Settings::load(&path).unwrap().language.as_deref(), Some("en"));
    t.press(KeyCode::Right).await;
    t.press(KeyCode::F(2)).await;
    t.expect("Gespeichert in");
    t.expect("Sperren nach");
}

/// `s` on home as the cashier: the settings are a manager's, so the demo manager approves at the
/// till (number, Enter, PIN, Enter) before the screen opens.
async fn open_settings(t: &mut Till) {
    t.hotkey('s').await;
    t.approve_as_manager().await;
}
