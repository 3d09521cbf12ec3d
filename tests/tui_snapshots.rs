//! Every screen and dialog at 80×24 and 120×40, as the cashier sees them. State is reached the way
//! the till reaches it (keys in, replies in); replies are written out here so the pictures do not
//! depend on random codes or ids. Review changes in `tests/snapshots/*.snap.new`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_common;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use till::money::{Currency, Locale, Money};
use till::tui::app::{App, Ctx, Msg, Reply, Request};
use till::tui::input::Input;
use till::tui::model::*;
use till::tui::settings::Settings;
use till::tui::theme::Theme;

fn eur(minor: i64) -> Money {
    Money::from_minor(minor, Currency::from_code("EUR").unwrap())
}

fn terminal_view() -> TerminalView {
    TerminalView {
        merchant: "Demo Coffee & Gifts".into(),
        store: "A1234".into(),
        terminal: "T01".into(),
        country: "DE".into(),
        currency: Currency::from_code("EUR").unwrap(),
        locale: Locale::DeDe,
        demo: true,
        limits: None,
    }
}

/// A till on the login screen with the terminal known.
fn fresh(training: bool) -> App {
    let mut ctx = Ctx::new(Settings::default(), training, "snap".into());
    // The store is de-DE; these pictures are the English ones (German ones set `Lang::De`).
    ctx.lang_override = Some(till::i18n::Lang::En);
    let mut app = App::new(ctx, Theme::MONO);
    app.take_requests();
    app.update(Msg::Tick("12:00".into()));
    app.update(reply(Reply::TerminalInfo(Ok(terminal_view()))));
    app.take_requests();
    app
}

fn reply(r: Reply) -> Msg {
    Msg::Reply(Box::new(r))
}

/// Logged in as the demo cashier, on the home screen.
fn home(training: bool) -> App {
    let mut app = fresh(training);
    app.update(reply(Reply::Login(Ok(UserView { number: 1001, name: "Demo Cashier".into(), role: Role::Cashier }))));
    app.take_requests();
    app
}

fn key(app: &mut App, code: KeyCode) {
    app.update(Msg::Input(Input::Key(KeyEvent::new(code, KeyModifiers::NONE))));
}

fn text(app: &mut App, s: &str) {
    for c in s.chars() {
        key(app, KeyCode::Char(c));
    }
}

fn scan(app: &mut App, s: &str) {
    app.update(Msg::Input(Input::Scan(s.into())));
}

/// Answers every pending gift call with `f`; panics when the app asked for none, so the checks
/// inside `f` always run.
fn answer_gift(app: &mut App, f: impl Fn(&GiftCall) -> Result<GiftOutcome, CallError>) {
    let requests = app.take_requests();
    let mut answered = 0;
    for r in requests.iter().cloned() {
        if let Request::Gift { op, call } = r {
            answered += 1;
            app.update(reply(Reply::Gift { op, result: f(&call) }));
        }
    }
    assert!(answered > 0, "the app made no gift call to answer: {requests:?}");
}

fn outcome(kind: GiftKind, prev: Option<i64>, amount: Option<i64>, cur: i64) -> GiftOutcome {
    GiftOutcome {
        kind,
        masked: "•••• 7897".into(),
        card_number: "6280001234567897".into(),
        previous: prev.map(eur),
        current: eur(cur),
        amount: amount.map(eur),
        tx_id: 4242,
        auth_code: "123456".into(),
        external_id: "x".into(),
        messages: vec![],
        local_notes: vec![],
        receipt: None,
    }
}

/// The card panel with an active card holding 20,00 €.
fn gift_menu() -> App {
    let mut app = home(false);
    scan(&mut app, "6280001234567897");
    answer_gift(&mut app, |_| Ok(outcome(GiftKind::Balance, None, None, 2000)));
    app
}

macro_rules! snap {
    ($name:expr, $app:expr) => {{
        let app = &$app;
        insta::assert_snapshot!(concat!($name, "_80x24"), tui_common::terminal(app, 80, 24).backend());
        insta::assert_snapshot!(concat!($name, "_120x40"), tui_common::terminal(app, 120, 40).backend());
    }};
}

#[test]
fn login() {
    snap!("login", fresh(false));
    let mut app = fresh(false);
    text(&mut app, "1001");
    key(&mut app, KeyCode::Enter);
    text(&mut app, "12");
    snap!("login_typing_pin", app);
    app.update(reply(Reply::Login(Err(CallError::Refused {
        code: "wrong_pin".into(),
        message: "Wrong user number or PIN. 4 tries left.".into(),
    }))));
    snap!("login_wrong_pin", app);
}

#[test]
fn home_and_help() {
    snap!("home", home(false));
    snap!("home_training", home(true));
    let mut app = home(false);
    key(&mut app, KeyCode::F(1));
    snap!("help_home", app);
}

#[test]
fn gift_screens() {
    let mut app = home(false);
    key(&mut app, KeyCode::Char('g'));
    snap!("gift_card_step", app);
    let mut app = gift_menu();
    snap!("gift_menu_active", app);
    key(&mut app, KeyCode::F(1));
    snap!("help_gift_menu", app);

    let mut app = home(false);
    scan(&mut app, "6280001234567897");
    answer_gift(&mut app, |_| {
        Err(CallError::Refused { code: "card_inactive".into(), message: "The card is not active".into() })
    });
    snap!("gift_menu_inactive", app);
    key(&mut app, KeyCode::Char('s'));
    text(&mut app, "25");
    snap!("gift_sell_amount", app);
    key(&mut app, KeyCode::Enter);
    snap!("gift_sell_tender", app);
    key(&mut app, KeyCode::Char('1'));
    snap!("gift_sell_confirm", app);
    key(&mut app, KeyCode::Enter);
    answer_gift(&mut app, |_| {
        let mut o = outcome(GiftKind::Sell, Some(0), Some(2500), 2500);
        o.receipt = Some(ReceiptView {
            id: Some("T01-000001".into()),
            lines: vec![
                "      Demo Coffee & Gifts       ".into(),
                "         Hauptstraße 1          ".into(),
                "--------------------------------".into(),
                "GESCHENKKARTE VERKAUF           ".into(),
                "Aufgeladen                25,00".into(),
                "SUMME                  25,00 EUR".into(),
                "Bar                       25,00".into(),
                "Karte             **** 7897     ".into(),
                "Guthaben                  25,00".into(),
            ],
            kind: "gift_sale".into(),
            opens_drawer: true,
            printed: false,
        });
        Ok(o)
    });
    snap!("gift_sell_result", app);
}

#[test]
fn gift_redeem_split_tender() {
    let mut app = gift_menu();
    key(&mut app, KeyCode::Char('r'));
    text(&mut app, "25,50");
    key(&mut app, KeyCode::Tab);
    text(&mut app, "2");
    snap!("gift_redeem_amount_tip", app);
    key(&mut app, KeyCode::Enter);
    // Before money moves the till reads the card again (another till may have changed it).
    answer_gift(&mut app, |c| {
        assert_eq!(c.kind, GiftKind::Balance, "the re-read comes first");
        Ok(outcome(GiftKind::Balance, None, None, 2000))
    });
    snap!("gift_redeem_split", app);
    key(&mut app, KeyCode::Char('2'));
    snap!("gift_redeem_confirm", app);
}

#[test]
fn gift_declined() {
    let mut app = gift_menu();
    key(&mut app, KeyCode::Char('c'));
    answer_gift(&mut app, |c| {
        assert_eq!(c.kind, GiftKind::Balance, "the re-read comes first");
        Ok(outcome(GiftKind::Balance, None, None, 2000))
    });
    snap!("gift_cashout_confirm", app);
    key(&mut app, KeyCode::Enter);
    answer_gift(&mut app, |_| {
        Err(CallError::Refused {
            code: "cash_out_not_allowed".into(),
            message: "Cash-out is only allowed at or under 10.00".into(),
        })
    });
    snap!("gift_declined_error", app);
}

#[test]
fn gift_timeout_is_resolved() {
    let mut app = gift_menu();
    key(&mut app, KeyCode::Char('l'));
    text(&mut app, "10");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('1'));
    key(&mut app, KeyCode::Enter);
    answer_gift(&mut app, |_| Err(CallError::Uncertain("timed out".into())));
    // The client's own reversals got no answer: the screen waits for the cashier, it never
    // retries by itself.
    assert!(app.take_requests().is_empty(), "the screen sent a call of its own");
    snap!("gift_resolving", app);
    key(&mut app, KeyCode::Enter);
    answer_gift(&mut app, |c| {
        assert_eq!(c.kind, GiftKind::Reverse);
        Ok(outcome(GiftKind::Reverse, Some(3000), Some(1000), 2000))
    });
    snap!("gift_resolved_message", app);
}

fn products() -> Vec<ProductView> {
    vec![
        ProductView {
            code: "4001232232332".into(),
            name: "Bookwise Gift Card".into(),
            brand: "Bookwise".into(),
            kind: ProductKind::Por,
            denominations: vec![eur(1500), eur(2500), eur(5000)],
            min: None,
            max: None,
        },
        ProductView {
            code: "4001232232401".into(),
            name: "Streamflix Guthaben".into(),
            brand: "Streamflix".into(),
            kind: ProductKind::Por,
            denominations: vec![],
            min: Some(eur(1000)),
            max: Some(eur(10000)),
        },
        ProductView {
            code: "4001232232418".into(),
            name: "GameVault Card".into(),
            brand: "GameVault".into(),
            kind: ProductKind::Posa,
            denominations: vec![eur(2000), eur(5000)],
            min: None,
            max: None,
        },
    ]
}

fn order(state: OrderState, lines: Vec<String>) -> OrderView {
    OrderView { id: "ro_1".into(), state, face_value: eur(2500), lines, message: None, receipt: None }
}

/// Answers the pending requests `f` has a reply for; panics when it had none, so a snapshot
/// never silently shows the screen before the reply.
fn answer_orders(app: &mut App, f: impl Fn(&Request) -> Option<Reply>) {
    let requests = app.take_requests();
    let mut answered = 0;
    for r in &requests {
        if let Some(rep) = f(r) {
            answered += 1;
            app.update(reply(rep));
        }
    }
    assert!(answered > 0, "no request to answer among {requests:?}");
}

fn retail_search() -> App {
    let mut app = home(false);
    key(&mut app, KeyCode::Char('r'));
    answer_orders(&mut app, |r| matches!(r, Request::Products { .. }).then(|| Reply::Products(Ok(products()))));
    app
}

#[test]
fn retail_screens() {
    let mut app = retail_search();
    snap!("retail_search", app);
    text(&mut app, "book");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Down);
    snap!("retail_amount", app);
    key(&mut app, KeyCode::Enter);
    let create = |r: &Request| match r {
        Request::CreateOrder { op, .. } => Some(Reply::Order {
            op: *op,
            step: till::tui::app::OrderStep::Create,
            result: Ok(order(OrderState::Created, vec![])),
        }),
        _ => None,
    };
    answer_orders(&mut app, create);
    snap!("retail_pay", app);
    key(&mut app, KeyCode::Char('1'));
    snap!("retail_confirm_dialog", app);
    key(&mut app, KeyCode::Enter);
    answer_orders(&mut app, |r| match r {
        Request::ConfirmOrder { op, .. } => Some(Reply::Order {
            op: *op,
            step: till::tui::app::OrderStep::Confirm,
            result: Ok(order(
                OrderState::Confirmed,
                vec![
                    "========================================".into(),
                    "                Bookwise                ".into(),
                    "           Bookwise Gift Card           ".into(),
                    "Wert                              25,00".into(),
                    "Ihr Code:".into(),
                    "          2K4N 83MG 3HPF NXTK           ".into(),
                    "========================================".into(),
                ],
            )),
        }),
        _ => None,
    });
    snap!("retail_done", app);

    let mut app = retail_search();
    scan(&mut app, "4001232232418");
    key(&mut app, KeyCode::Enter);
    snap!("retail_posa_card", app);

    let mut app = retail_search();
    text(&mut app, "book");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    answer_orders(&mut app, create);
    key(&mut app, KeyCode::Esc);
    snap!("retail_cancel_dialog", app);
    key(&mut app, KeyCode::Enter);
    answer_orders(&mut app, |r| match r {
        Request::InvalidateOrder { op, .. } => Some(Reply::Order {
            op: *op,
            step: till::tui::app::OrderStep::Invalidate,
            result: Ok(order(OrderState::Invalidated, vec![])),
        }),
        _ => None,
    });
    snap!("retail_cancelled", app);
    key(&mut app, KeyCode::Char('q'));
}

#[test]
fn quit_while_busy_asks_first() {
    let mut app = retail_search();
    text(&mut app, "book");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    app.update(Msg::Input(Input::Key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL))));
    assert!(!app.quit, "an open order must not be abandoned without a question");
    snap!("quit_confirm", app);
    key(&mut app, KeyCode::Esc);
    assert!(!app.quit);
}

fn journal_entries(n: usize) -> Vec<JournalEntry> {
    (0..n)
        .map(|i| JournalEntry {
            time: format!("{:02}:{:02}", 9 + i / 60, i % 60),
            what: ["Sell", "Redeem", "Reload", "Retail POR"][i % 4].into(),
            card: "•••• 7897".into(),
            amount: Some(eur(500 + i as i64 * 125)),
            receipt_id: Some(format!("T01-{:06}", n - i)),
            rest: None,
            reversible: (i == 0).then_some(ReverseKey::Px(4242)),
            user: "1001".into(),
        })
        .collect()
}

#[test]
fn journal_and_settings() {
    let mut app = home(false);
    key(&mut app, KeyCode::Char('j'));
    answer_orders(&mut app, |r| matches!(r, Request::Journal).then(|| Reply::Journal(Ok(journal_entries(30)))));
    snap!("journal", app);
    key(&mut app, KeyCode::Char('p'));
    answer_orders(&mut app, |r| match r {
        Request::Reprint { .. } => Some(Reply::Reprint(
            Ok(ReceiptView {
                id: Some("T01-000030".into()),
                lines: vec!["*** DUPLICATE ***".into(), "Demo Coffee & Gifts".into(), "Aufgeladen    25,00".into()],
                kind: "gift_reload".into(),
                opens_drawer: false,
                printed: true,
            }),
            None,
        )),
        _ => None,
    });
    snap!("journal_reprint", app);
    key(&mut app, KeyCode::Char('v'));
    snap!("journal_reverse_confirm", app);

    // A cashier's manager approves at the till before the settings open.
    let mut app = home(false);
    key(&mut app, KeyCode::Char('s'));
    text(&mut app, "9001");
    key(&mut app, KeyCode::Enter);
    text(&mut app, "9999");
    key(&mut app, KeyCode::Enter);
    answer_orders(&mut app, |r| {
        matches!(r, Request::Users(till::tui::users_calls::UsersCall::Approve { .. })).then(|| {
            Reply::Users(Ok(till::tui::users_calls::UsersReply::Approved {
                act: "settings".into(),
                approver: Some(9001),
            }))
        })
    });
    snap!("settings", app);
}

/// Which journal rows are drawn in the selection style (reversed in the mono theme): the
/// snapshots show text only, so the selection is checked on the styled buffer.
fn selected_rows(app: &App, w: u16, h: u16) -> Vec<String> {
    let t = tui_common::terminal(app, w, h);
    let buf = t.backend().buffer();
    // The body only: the status bar and the footer have their own (reversed) style.
    (2..h - 1)
        .filter(|&y| (1..w / 2).any(|x| buf[(x, y)].modifier.contains(ratatui::style::Modifier::REVERSED)))
        .map(|y| (0..w / 2).map(|x| buf[(x, y)].symbol()).collect::<String>())
        .collect()
}

#[test]
fn the_journal_draws_the_selected_row_and_only_it_selected() {
    let mut app = home(false);
    key(&mut app, KeyCode::Char('j'));
    answer_orders(&mut app, |r| matches!(r, Request::Journal).then(|| Reply::Journal(Ok(journal_entries(5)))));
    let rows = selected_rows(&app, 80, 24);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].contains("09:00") && rows[0].contains("Sell"), "{rows:?}");
    key(&mut app, KeyCode::Down);
    let rows = selected_rows(&app, 80, 24);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].contains("09:01") && rows[0].contains("Redeem"), "{rows:?}");
}

/// The screen with its reversed cells (selection, focused field, keys, status bar in the mono
/// theme) marked `⟦…⟧`: a snapshot of what is selected and which keys work, not only of the text.
fn styled(app: &App, w: u16, h: u16) -> String {
    let t = tui_common::terminal(app, w, h);
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        let mut on = false;
        for x in 0..w {
            let rev = buf[(x, y)].modifier.contains(ratatui::style::Modifier::REVERSED);
            if rev != on {
                out.push(if rev { '⟦' } else { '⟧' });
                on = rev;
            }
            out.push_str(buf[(x, y)].symbol());
        }
        if on {
            out.push('⟧');
        }
        out.push('\n');
    }
    out
}

#[test]
fn styled_snapshots_show_the_selection_and_the_keys_that_work() {
    // The journal's second row selected: it alone is reversed, and "reverse last" (only for the
    // newest operation) is gone from the footer.
    let mut app = home(false);
    key(&mut app, KeyCode::Char('j'));
    answer_orders(&mut app, |r| matches!(r, Request::Journal).then(|| Reply::Journal(Ok(journal_entries(5)))));
    insta::assert_snapshot!("styled_journal_first_row_80x24", styled(&app, 80, 24));
    key(&mut app, KeyCode::Down);
    insta::assert_snapshot!("styled_journal_second_row_80x24", styled(&app, 80, 24));
    // The retail search with the third product highlighted.
    let mut app = retail_search();
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    insta::assert_snapshot!("styled_retail_search_third_80x24", styled(&app, 80, 24));
}

/// The footer while a dialog is open names the dialog's keys: the keys of the screen beneath do
/// nothing then, so showing them would mislead.
#[test]
fn a_dialogs_footer_shows_the_dialogs_keys() {
    let mut app = retail_search();
    text(&mut app, "book");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    answer_orders(&mut app, |r| match r {
        Request::CreateOrder { op, .. } => Some(Reply::Order {
            op: *op,
            step: till::tui::app::OrderStep::Create,
            result: Ok(order(OrderState::Created, vec![])),
        }),
        _ => None,
    });
    let footer = |app: &App| tui_common::render(app, 80, 24).lines().last().unwrap_or_default().to_string();
    assert!(footer(&app).contains("cash"), "the payment step's own keys first: {}", footer(&app));
    key(&mut app, KeyCode::Esc);
    let f = footer(&app);
    assert!(f.contains("Enter  cancel sale") && f.contains("Esc  keep selling"), "{f}");
    assert!(!f.contains("cash") && !f.contains("help") && !f.contains("quit"), "keys of the screen beneath: {f}");
    // Closed again: the screen's keys are back.
    key(&mut app, KeyCode::Esc);
    assert!(footer(&app).contains("cash"), "{}", footer(&app));
}
