//! The manager's charts on a scripted day: real gift card operations at controlled times (a manual
//! clock), read on the X, Z and liability screens at 80×24 and 120×40 (snapshots), in German too;
//! the chart's hours agree with the sheet's figures and add up to the gross; the printed Z carries
//! the same hours as a text chart at 32, 42 and 48 columns.
//!
//! Dates move with the day the test runs (the scripted day is yesterday, so the X, whose window
//! ends now, sees all of it, and the liability's ages are counted from today): the snapshots show
//! every date as `####-##-##`, the hours and amounts as they are.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_common;

use std::sync::Arc;

use ratatui::crossterm::event::KeyCode;
use till::engine::cards::CardInfo;
use till::engine::gift::{self, Meta, Op, Tender};
use till::engine::shifts::{self, Approval};
use till::engine::tokens::Role;
use till::engine::{Engine, OpenOptions};
use till::ledger::ManualClock;
use till::money::{Currency, Money};
use tui_common::Till;

const HOUR: u64 = 3_600_000_000_000;
const DAY: u64 = 24 * HOUR;

/// Midnight (UTC) of yesterday, in ns.
fn yesterday() -> u64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    (now / DAY - 1) * DAY
}

fn eur(minor: i64) -> Money {
    Money::from_minor(minor, Currency::from_code("EUR").unwrap())
}

fn meta(terminal: &str, n: usize) -> Meta {
    Meta {
        merchant_id: 1,
        store_code: "A1234".into(),
        terminal_id: Some(terminal.into()),
        external_id: Some(format!("chart-{n}")),
        principal: "user:1001".into(),
        ..Meta::default()
    }
}

fn card(n: &str) -> CardInfo {
    CardInfo { printed_card_number: Some(n.to_string()), ..CardInfo::default() }
}

/// A store day: cards sold long ago (for the ageing), then yesterday from 09:00 to 15:00 sells,
/// reloads and a redemption with cash and card, a quiet 12:00, a busy 11:00.
async fn scripted_day() -> (tempfile::TempDir, Engine, ManualClock, till::api::serve::ServerHandle) {
    let day = yesterday();
    let clock = ManualClock::new(day - 1200 * DAY + 8 * HOUR);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data");
    let c = Arc::new(clock.clone());
    let engine =
        tokio::task::spawn_blocking(move || Engine::open_with_clock(&path, OpenOptions { demo: true }, c).unwrap())
            .await
            .unwrap();
    let cards = till::engine::cards::generate(&engine, 20).unwrap();
    let mut n = 0;
    let mut op = |terminal: &'static str, o: Op| {
        n += 1;
        let (e, m) = (engine.clone(), meta(terminal, n));
        async move { gift::execute(&e, m, o).await.unwrap() }
    };
    // Cards last used 1200, 800 and 400 days ago (the demo's two were sold at the first instant).
    op("T01", Op::Sell { card: Some(card(&cards[0])), amount: eur(4_000), tender: Tender::Cash }).await;
    clock.set_ns(day - 800 * DAY + 8 * HOUR);
    op("T01", Op::Sell { card: Some(card(&cards[1])), amount: eur(3_000), tender: Tender::Cash }).await;
    clock.set_ns(day - 400 * DAY + 8 * HOUR);
    op("T01", Op::Sell { card: Some(card(&cards[2])), amount: eur(6_000), tender: Tender::Card }).await;
    // Yesterday: (hour, card, amount, tender).
    let sells: &[(u64, usize, i64, Tender)] = &[
        (9, 3, 2_500, Tender::Cash),
        (9, 4, 5_000, Tender::Card),
        (10, 5, 10_000, Tender::Cash),
        (11, 6, 2_000, Tender::Cash),
        (11, 7, 7_500, Tender::Card),
        (11, 8, 15_000, Tender::Cash),
        (11, 9, 5_000, Tender::Cash),
        (13, 10, 3_000, Tender::Card),
        (14, 11, 4_000, Tender::Cash),
        (15, 12, 2_000, Tender::Cash),
    ];
    for (i, (hour, c, amount, tender)) in sells.iter().enumerate() {
        clock.set_ns(day + hour * HOUR + (i as u64 + 1) * 60_000_000_000);
        op("T01", Op::Sell { card: Some(card(&cards[*c])), amount: eur(*amount), tender: *tender }).await;
    }
    clock.set_ns(day + 15 * HOUR + 20 * 60_000_000_000);
    op("T01", Op::Reload { card: card(&cards[3]), amount: eur(1_000), tender: Tender::Card }).await;
    op("T01", Op::Redeem { card: card(&cards[5]), amount: eur(3_550), tip: eur(0), allow_partial: false }).await;
    clock.set_ns(day + 15 * HOUR + 30 * 60_000_000_000);
    let server = till::api::serve::spawn(engine.clone(), "127.0.0.1:0").await.unwrap();
    (dir, engine, clock, server)
}

/// Every date `YYYY-MM-DD` as `####-##-##` (the day the test runs moves them), and a clock time
/// right after one as `##:##` when it is today's (the X's window ends now).
fn mask(screen: &str) -> String {
    let chars: Vec<char> = screen.chars().collect();
    let today = till::engine::reports::sheet::stamp(
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as i64,
    );
    let mut out = String::new();
    let mut i = 0;
    let date = |at: usize| {
        let d = |k: usize| chars.get(at + k).is_some_and(char::is_ascii_digit);
        (0..4).all(d)
            && chars.get(at + 4) == Some(&'-')
            && d(5)
            && d(6)
            && chars.get(at + 7) == Some(&'-')
            && d(8)
            && d(9)
    };
    while i < chars.len() {
        if date(i) {
            let text: String = chars[i..(i + 16).min(chars.len())].iter().collect();
            // Today's date and time: the end of a window that ends now.
            if text.get(..10) == today.get(..10) && text.len() == 16 && text.as_bytes()[10] == b' ' {
                out.push_str("####-##-## ##:##");
                i += 16;
            } else {
                out.push_str("####-##-##");
                i += 10;
            }
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

async fn manager_on_reports(engine: &Engine, dir: tempfile::TempDir, server: till::api::serve::ServerHandle) -> Till {
    let client = till::client::Client::new(&server.base_url(), "").unwrap();
    let mut t = Till::with_client(dir, engine.clone(), server, client).await;
    t.login("9001", "9999").await;
    t.hotkey('m').await;
    t.expect("X REPORT");
    t
}

fn snap(t: &Till, name: &str, w: u16, h: u16) {
    let screen = mask(&tui_common::render(&t.app, w, h));
    assert!(screen.lines().all(|l| l.chars().count() == w as usize), "{name}: wider than {w}:\n{screen}");
    insta::assert_snapshot!(name, screen);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_x_shows_the_hours_and_the_tender_mix_with_their_figures() {
    let (dir, engine, _clock, server) = scripted_day().await;
    let mut t = manager_on_reports(&engine, dir, server).await;
    // The best hour, its figures and the whole period's, beside the bars.
    t.expect("Sales per hour");
    t.expect("Best hour 11:00–12:00");
    t.expect("4 sales, 295,00 €");
    t.expect("Tender mix");
    snap(&t, "x_80x24", 80, 24);
    snap(&t, "x_120x40", 120, 40);
    // The per-hour figures are rows of the sheet too (scrolled to at 80×24).
    for _ in 0..60 {
        t.press(KeyCode::Down).await;
    }
    t.expect_row("11:00–12:00", "4 × 295,00 €");
    t.expect_row("12:00–13:00", "0 × 0,00 €");
    t.expect_row("15:00–16:00", "2 × 30,00 €");

    // The chart's hours are the report's, and add up to its gross.
    let x = till::engine::reports::x_report(&engine, Default::default()).unwrap();
    let sum: i64 = x.totals.hours.values().map(|l| l.amount).sum();
    assert_eq!(sum, x.totals.gross, "{:?}", x.totals.hours);
    assert_eq!(x.totals.hours[&11].count, 4);

    t.speak(till::i18n::Lang::De);
    t.settle().await;
    t.expect("Verkäufe pro Stunde");
    t.expect("Zahlungsarten");
    for _ in 0..60 {
        t.press(KeyCode::Up).await;
    }
    snap(&t, "x_de_80x24", 80, 24);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_z_screen_and_its_printout_carry_the_hours() {
    let (dir, engine, _clock, server) = scripted_day().await;
    // The demo's shift on T01 must be closed before the Z.
    let approval = Some(Approval { manager: 9001, note: "scripted day".into() });
    shifts::close(&engine, 1001, Role::Cashier, None, vec![], approval).await.unwrap();
    let mut t = manager_on_reports(&engine, dir, server).await;
    t.hotkey('z').await;
    t.expect("Close the business day?");
    t.press(KeyCode::Enter).await;
    t.expect("Z REPORT 1");
    t.expect("Best hour 11:00–12:00");
    snap(&t, "z_80x24", 80, 24);
    snap(&t, "z_120x40", 120, 40);

    // The printout: the same hours, as a text chart to one scale at every width.
    let z = till::engine::reports::z::get(&engine, None, Some(1), None).unwrap();
    let sheet = till::api::till::reports::wire_sheet(&till::engine::reports::sheet::z(&z));
    let header = till::receipt::StoreHeader { name: "Demo Store".into(), address: vec![], extra: vec![] };
    let receipt = till::client::reports::printable(&sheet, header, "T01", till::money::Locale::DeDe);
    for w in till::receipt::Width::ALL {
        let text = till::receipt::layout(&receipt, w).preview();
        assert!(text.lines().all(|l| l.chars().count() <= w.columns()), "{text}");
        let row =
            |h: &str| text.lines().find(|l| l.starts_with(h)).unwrap_or_else(|| panic!("{h}:\n{text}")).to_string();
        assert!(row("11–12").ends_with("4 × 295,00 €"), "{text}");
        assert!(row("12–13").ends_with("0 × 0,00 €") && !row("12–13").contains('#'), "{text}");
        // 11:00 is the best hour: its bar is the longest; 09:00 (75,00 €) about a quarter of it.
        let marks = |h: &str| row(h).matches('#').count();
        assert!(marks("11–12") > marks("10–11") && marks("10–11") > marks("09–10") && marks("09–10") > 0, "{text}");
        let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("tests/golden/report_z_hours_{}.txt", w.columns()));
        let chart: String = text
            .lines()
            .skip_while(|l| !l.starts_with("Verkäufe pro Stunde (UTC)"))
            .take(9)
            .map(|l| format!("{l}\n"))
            .collect();
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&golden, &chart).unwrap();
        }
        assert_eq!(std::fs::read_to_string(&golden).unwrap_or_default(), chart, "{}", golden.display());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_liability_screen_shows_outstanding_value_by_age() {
    let (dir, engine, _clock, server) = scripted_day().await;
    let mut t = manager_on_reports(&engine, dir, server).await;
    t.hotkey('l').await;
    t.expect("GIFT CARD LIABILITY");
    t.expect("Outstanding card value by last use");
    // The 400-, 800- and 1200-day-old cards (and the demo's two, sold at the first instant).
    t.expect("1 card, 60,00 €");
    t.expect("1 card, 30,00 €");
    t.expect("3 cards, 115,00 €");
    snap(&t, "liability_80x24", 80, 24);
    snap(&t, "liability_120x40", 120, 40);
}
