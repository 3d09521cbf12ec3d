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
    t.type_text("9001").await;
    t.press(KeyCode::Enter).await;
    t.type_text("9999").await;
    t.press(KeyCode::Enter).await;
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
