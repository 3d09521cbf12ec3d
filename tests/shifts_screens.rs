//! The shift screen on a real engine: the blind close never shows the expected amount before the
//! count is committed (snapshots of the counter and its confirmation), a close beyond the tolerance
//! asks for a manager, and the manager's reports screen shows the X and closes the day.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_common;

use ratatui::crossterm::event::KeyCode;
use till::engine::cards::CardInfo;
use till::engine::gift::{self, Meta, Op, Tender};
use till::money::{Currency, Money};
use tui_common::Till;

/// A cash sale of 25,00 € on the demo till, as if rung up there (the demo shift of 1001 is open).
async fn sell_25(t: &Till) {
    let card = tui_common::new_card(&t.engine);
    let meta = Meta {
        merchant_id: 1,
        store_code: "A1234".into(),
        terminal_id: Some("T01".into()),
        external_id: Some(format!("snap-{card}")),
        principal: "user:1001".into(),
        ..Meta::default()
    };
    let amount = Money::from_minor(2500, Currency::from_code("EUR").unwrap());
    let card = CardInfo { printed_card_number: Some(card), ..CardInfo::default() };
    gift::execute(&t.engine, meta, Op::Sell { card: Some(card), amount, tender: Tender::Cash }).await.unwrap();
}

/// On the counter, moves to the 10 € line (500, 200, 100, 50, 20, 10) and types a quantity.
async fn count_tens(t: &mut Till, n: &str) {
    for _ in 0..5 {
        t.press(KeyCode::Down).await;
    }
    t.type_text(n).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_blind_close_never_shows_the_expected_amount_before_it_is_committed() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    sell_25(&t).await;
    t.hotkey('f').await;
    t.expect("Shift 1 · till T01 · 1001 Demo Cashier");
    t.hotkey('c').await;
    t.expect("Close the shift · blind count");
    count_tens(&mut t, "3").await;
    t.expect_row("Counted", "30,00 €");
    let counter = t.screen(80, 24);
    assert!(!counter.contains("25,00"), "the counter shows the expected amount:\n{counter}");
    insta::assert_snapshot!("blind_close_counter_80x24", tui_common::terminal(&t.app, 80, 24).backend());
    t.press(KeyCode::Enter).await;
    t.expect("Close the shift with this count?");
    let confirm = t.screen(80, 24);
    assert!(!confirm.contains("25,00") && !confirm.contains("Expected"), "the confirmation leaks:\n{confirm}");
    insta::assert_snapshot!("blind_close_confirm_80x24", tui_common::terminal(&t.app, 80, 24).backend());
    t.press(KeyCode::Enter).await;
    // Committed: now expected and over/short are shown.
    t.expect("Shift 1 closed");
    t.expect_row("Counted", "30,00 €");
    t.expect_row("Expected", "25,00 €");
    t.expect_row("Over/short", "5,00 €");
    t.expect("Press o to open one");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_close_beyond_the_tolerance_needs_a_manager_and_the_manager_sees_the_reports() {
    let mut t = Till::start().await;
    t.login("1001", "1234").await;
    sell_25(&t).await;
    t.hotkey('f').await;
    t.hotkey('c').await;
    count_tens(&mut t, "5").await; // 50,00 €: 25,00 over, beyond the 5,00 tolerance
    t.press(KeyCode::Enter).await;
    t.press(KeyCode::Enter).await;
    t.expect("a manager must approve the close");
    t.expect("Manager approval");
    let approval = t.screen(80, 24);
    assert!(!approval.contains("25,00"), "the refusal leaks the expected amount:\n{approval}");
    t.type_text("9001").await;
    t.press(KeyCode::Tab).await;
    t.type_text("9999").await;
    t.press(KeyCode::Tab).await;
    t.type_text("tips left in the drawer").await;
    t.press(KeyCode::Enter).await;
    t.expect("Shift 1 closed");
    t.expect_row("Over/short", "25,00 €");

    // The manager: X report, then the Z behind its confirmation.
    t.press(KeyCode::Esc).await;
    t.hotkey('l').await; // log out
    t.login("9001", "9999").await;
    t.expect("Reports");
    t.hotkey('m').await;
    t.expect("X REPORT");
    // The demo's two cards (50,00 + 25,00) and this sale.
    t.expect_row("Gift card sales", "3 × 100,00 €");
    let x = t.screen(80, 24);
    assert!(x.lines().all(|l| l.chars().count() <= 80) && x.contains("↓ more"), "the X scrolls at 80×24:\n{x}");
    t.hotkey('z').await;
    t.expect("Close the business day?");
    t.press(KeyCode::Enter).await;
    t.expect("Z REPORT 1");
    t.expect_row("Over/short", "25,00 €");
    t.hotkey('h').await;
    t.expect("Z    1");
    t.press(KeyCode::Enter).await;
    t.expect("Z REPORT 1 · DUPLICATE");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_manager_tops_up_the_prepaid_balance_from_the_settlement_screen() {
    let mut t = Till::start().await;
    t.login("9001", "9999").await;
    t.hotkey('m').await;
    t.expect("X REPORT");
    t.hotkey('s').await;
    t.expect("SETTLEMENT");
    t.expect_row("Available", "5.000,00 €");
    // The settlement's own keys come first in the footer, so 80 columns still show them.
    let footer = t.screen(80, 24).lines().last().unwrap_or_default().to_string();
    assert!(footer.contains("top up prepaid") && footer.contains("print"), "{footer}");
    t.hotkey('t').await;
    t.expect("Top up the distributor's prepaid balance");
    t.type_text("250,00").await;
    // No reference: refused, nothing recorded.
    t.press(KeyCode::Enter).await;
    t.expect("Type the bank transfer's reference.");
    t.type_text("BANK-4711").await;
    t.press(KeyCode::Enter).await;
    t.expect("Record this top-up?");
    t.expect("250,00 € paid to the distributor, reference BANK-4711.");
    t.press(KeyCode::Enter).await;
    t.expect("Top-up recorded. Prepaid balance available: 5.250,00 €.");
    t.expect_row("Available", "5.250,00 €");
    // The same reference again is the same top-up: it says so, and counts it once.
    t.hotkey('t').await;
    t.type_text("250,00").await;
    t.press(KeyCode::Tab).await;
    t.type_text("BANK-4711").await;
    t.press(KeyCode::Enter).await;
    t.expect("Record this top-up?");
    t.press(KeyCode::Enter).await;
    t.expect("Recorded before: nothing was booked again. Available: 5.250,00 €.");
    let screen = t.screen(80, 24);
    assert!(!screen.contains("Top-up recorded"), "a replay must not say recorded:\n{screen}");
    t.expect_row("Available", "5.250,00 €");
}

/// Scrolls a report down past its head (period, times), whose clock figures change every run.
async fn past_the_head(t: &mut Till, lines: usize) {
    for _ in 0..lines {
        t.press(KeyCode::Down).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_managers_day_in_german_blind_close_x_z_list_liability_settlement_and_csv() {
    let mut t = Till::start().await;
    t.speak(till::i18n::Lang::De);
    t.login("1001", "1234").await;
    sell_25(&t).await;
    t.hotkey('f').await;
    t.expect("Schicht 1 · Kasse T01 · 1001 Demo Cashier");
    t.expect_row("Wechselgeld", "0,00 €");
    t.hotkey('c').await;
    t.expect("Schicht schließen · blind zählen");
    count_tens(&mut t, "5").await; // 50,00 €: 25,00 over, beyond the tolerance
    t.expect_row("Gezählt", "50,00 €");
    let counter = t.screen(80, 24);
    assert!(!counter.contains("25,00"), "the counter leaks the expected amount:\n{counter}");
    insta::assert_snapshot!("blind_close_counter_de_80x24", tui_common::terminal(&t.app, 80, 24).backend());
    t.press(KeyCode::Enter).await;
    t.expect("Schicht mit diesem Zählergebnis schließen?");
    let confirm = t.screen(80, 24);
    assert!(!confirm.contains("25,00"), "the confirmation leaks the expected amount:\n{confirm}");
    insta::assert_snapshot!("blind_close_confirm_de_80x24", tui_common::terminal(&t.app, 80, 24).backend());
    t.press(KeyCode::Enter).await;
    t.expect("Filialleitung muss den Abschluss freigeben");
    t.expect("Freigabe durch die Filialleitung");
    insta::assert_snapshot!("blind_close_approval_de_80x24", tui_common::terminal(&t.app, 80, 24).backend());
    t.type_text("9001").await;
    t.press(KeyCode::Tab).await;
    t.type_text("0000").await;
    t.press(KeyCode::Tab).await;
    t.type_text("Trinkgeld in der Lade").await;
    t.press(KeyCode::Enter).await;
    // A wrong PIN: said so on the form, which stays with the PIN to type again; nothing booked.
    t.expect("Nummer oder PIN der Filialleitung stimmt nicht");
    t.expect("Freigabe durch die Filialleitung");
    t.type_text("9999").await;
    t.press(KeyCode::Enter).await;
    t.expect("Schicht 1 geschlossen");
    t.expect_row("Soll", "25,00 €");
    t.expect_row("Differenz", "25,00 €");

    t.press(KeyCode::Esc).await;
    t.hotkey('l').await;
    t.login("9001", "9999").await;
    t.hotkey('m').await;
    t.expect("X-BERICHT");
    t.expect_row("Geschenkkarten verkauft", "3 × 100,00 €");
    t.expect_row("Bar", "100,00 €");
    t.expect_not("Gift card");
    let x = t.screen(80, 24);
    assert!(x.lines().all(|l| l.chars().count() <= 80) && x.contains("↓ mehr"), "the X scrolls at 80×24:\n{x}");
    past_the_head(&mut t, 4).await;
    insta::assert_snapshot!("x_report_de_80x24", clock_free(&t));
    t.hotkey('z').await;
    t.expect("Geschäftstag abschließen?");
    t.press(KeyCode::Enter).await;
    t.expect("Z-BERICHT 1");
    t.expect_row("Differenz", "25,00 €");
    past_the_head(&mut t, 9).await;
    insta::assert_snapshot!("z_report_de_80x24", clock_free(&t));
    // The Z as CSV: a file beside the till's settings, in German with `;` and decimal commas.
    t.hotkey('e').await;
    t.expect("CSV gespeichert unter");
    let dir = t.dir.path().join("config").join("exports");
    let file = std::fs::read_dir(&dir).unwrap().next().unwrap().unwrap().path();
    let csv = std::fs::read_to_string(&file).unwrap();
    assert!(csv.starts_with("\u{feff}Bericht;Nummer;Abschnitt;Posten;Anzahl;Betrag;Währung;Text\n"), "{csv}");
    assert!(csv.contains("z;1;Vorgänge;Geschenkkarten verkauft;3;100,00;EUR;"), "{csv}");
    assert!(csv.contains("z;1;Kassenlade;Differenz;;25,00;EUR;"), "{csv}");
    t.hotkey('h').await;
    t.expect("Frühere Z-Berichte");
    t.press(KeyCode::Enter).await;
    t.expect("Z-BERICHT 1 · DUPLIKAT");
    t.hotkey('l').await;
    t.expect("GESCHENKKARTEN-VERBINDLICHKEIT");
    t.expect_row("Stimmt mit Hauptbuch", "ja");
    t.hotkey('s').await;
    t.expect("ABRECHNUNG");
    t.expect_row("Verfügbar", "5.000,00 €");
    insta::assert_snapshot!("settlement_de_80x24", tui_common::terminal(&t.app, 80, 24).backend());
    t.hotkey('t').await;
    t.expect("Prepaid-Guthaben beim Distributor aufladen");
    t.type_text("250,00").await;
    t.press(KeyCode::Tab).await;
    t.type_text("BANK-0815").await;
    t.press(KeyCode::Enter).await;
    t.expect("Diese Aufladung buchen?");
    t.expect("250,00 € an den Distributor überwiesen, Referenz BANK-0815.");
    insta::assert_snapshot!("top_up_confirm_de_80x24", tui_common::terminal(&t.app, 80, 24).backend());
    t.press(KeyCode::Enter).await;
    t.expect("Aufladung gebucht. Verfügbares Prepaid-Guthaben: 5.250,00 €.");
    // The same reference again: said so, booked once.
    t.hotkey('t').await;
    t.type_text("250,00").await;
    t.press(KeyCode::Tab).await;
    t.type_text("BANK-0815").await;
    t.press(KeyCode::Enter).await;
    t.press(KeyCode::Enter).await;
    t.expect("Schon gebucht: Nichts wurde erneut gebucht. Verfügbar: 5.250,00 €.");
    t.expect_row("Verfügbar", "5.250,00 €");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_x_and_the_settlement_in_english_at_80x24() {
    let mut t = Till::start().await;
    t.login("9001", "9999").await;
    t.hotkey('m').await;
    t.expect("X REPORT");
    past_the_head(&mut t, 4).await;
    insta::assert_snapshot!("x_report_en_80x24", clock_free(&t));
    t.hotkey('s').await;
    t.expect("SETTLEMENT");
    insta::assert_snapshot!("settlement_en_80x24", tui_common::terminal(&t.app, 80, 24).backend());
}

/// The screen with the hour of the day masked: these days are the demo data's, booked at the
/// moment the test runs, so the sales-per-hour chart names the current UTC hour (the charts on a
/// fixed clock are `tests/report_charts.rs`).
fn clock_free(t: &Till) -> String {
    let screen = tui_common::terminal(&t.app, 80, 24).backend().to_string();
    screen
        .lines()
        .map(|line| {
            let mut out: Vec<char> = line.chars().collect();
            let hour_axis = line.contains("in UTC)");
            for i in 0..out.len() {
                let two_digits = i + 1 < out.len() && out[i].is_ascii_digit() && out[i + 1].is_ascii_digit();
                // "15:00–16:00" in the best-hour line, and the bar's hour label under the chart.
                let on_the_hour =
                    two_digits && out.get(i + 2) == Some(&':') && out.get(i + 3..i + 5) == Some(&['0', '0']);
                let clock = on_the_hour && (out.get(i + 5) == Some(&'–') || (i > 0 && out[i - 1] == '–'));
                let axis = two_digits
                    && hour_axis
                    && (i == 0 || !out[i - 1].is_ascii_digit())
                    && out.get(i + 2).is_none_or(|c| !c.is_ascii_digit());
                if clock || axis {
                    out[i] = 'h';
                    out[i + 1] = 'h';
                }
            }
            out.into_iter().collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}
