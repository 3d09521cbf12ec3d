//! Every kind of result and error message the till shows, with its longest realistic content, at
//! 80x24 in English and in German (the longer language): nothing is cut off, the new e-gift
//! card's number stays whole, and the words are the catalogue's. Review changes in
//! `tests/snapshots/*.snap.new`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_common;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use till::i18n::Lang;
use till::money::{Currency, Locale, Money};
use till::tui::app::{App, Ctx, Msg, Reply, Request};
use till::tui::input::Input;
use till::tui::model::*;
use till::tui::settings::Settings;
use till::tui::theme::Theme;

/// The longest card number the program issues (19 digits).
const NEW_CARD: &str = "6280001234567899572";

fn eur(minor: i64) -> Money {
    Money::from_minor(minor, Currency::from_code("EUR").unwrap())
}

fn reply(r: Reply) -> Msg {
    Msg::Reply(Box::new(r))
}

/// Logged in on the de-DE demo store, speaking `lang`.
fn till(lang: Lang) -> App {
    let mut ctx = Ctx::new(Settings::default(), false, "msg".into());
    ctx.lang_override = Some(lang);
    let mut app = App::new(ctx, Theme::MONO);
    app.take_requests();
    app.update(Msg::Tick("12:00".into()));
    app.update(reply(Reply::TerminalInfo(Ok(TerminalView {
        merchant: "Demo Coffee & Gifts".into(),
        store: "A1234".into(),
        terminal: "T01".into(),
        country: "DE".into(),
        currency: Currency::from_code("EUR").unwrap(),
        locale: Locale::DeDe,
        demo: true,
        limits: None,
    }))));
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

fn answer_gift(app: &mut App, f: impl Fn(&GiftCall) -> Result<GiftOutcome, CallError>) {
    let requests = app.take_requests();
    let mut answered = 0;
    for r in requests {
        if let Request::Gift { op, call } = r {
            answered += 1;
            app.update(reply(Reply::Gift { op, result: f(&call) }));
        }
    }
    assert!(answered > 0, "the app made no gift call to answer");
}

fn outcome(kind: GiftKind, masked: &str, prev: Option<i64>, amount: Option<i64>, cur: i64) -> GiftOutcome {
    GiftOutcome {
        kind,
        masked: masked.into(),
        card_number: NEW_CARD.into(),
        previous: prev.map(eur),
        current: eur(cur),
        amount: amount.map(eur),
        tx_id: 4_811_276_391_220_190,
        auth_code: "042317".into(),
        external_id: "x".into(),
        messages: vec!["English engine text that the screen must not show.".into()],
        local_notes: vec![],
        receipt: None,
    }
}

/// A card on the gift screen holding `balance`.
fn card(lang: Lang, balance: i64) -> App {
    let mut app = till(lang);
    app.update(Msg::Input(Input::Scan("6280001234569572".into())));
    answer_gift(&mut app, |_| Ok(outcome(GiftKind::Balance, "•••• 9572", None, None, balance)));
    app
}

fn screen(app: &App) -> String {
    tui_common::render(app, 80, 24)
}

/// The screen at 80x24 with every line's text joined, so a check sees a sentence that wrapped:
/// of each line the widest stretch between borders (the dialog over the panes, or the pane).
fn flowing(app: &App) -> String {
    screen(app)
        .lines()
        .map(|l| l.split('│').max_by_key(|s| s.chars().count()).unwrap_or("").trim())
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn check(name: &str, lang: Lang, app: &App, wants: &[&str]) {
    let flow = flowing(app);
    for w in wants {
        assert!(flow.contains(w), "{name}/{lang}: {w:?} is not on the screen:\n{}", screen(app));
    }
    assert!(!flow.contains("English engine text"), "{name}/{lang}: the engine's words reached the screen");
    insta::assert_snapshot!(format!("{name}_{lang}_80x24"), tui_common::terminal(app, 80, 24).backend());
}

#[test]
fn the_new_egift_number_shows_whole() {
    for (lang, wants) in [
        (Lang::En, ["New e-gift card 6280001234567899572", "Sell done"]),
        (Lang::De, ["Neue E-Geschenkkarte 6280001234567899572", "Verkauf erledigt"]),
    ] {
        let mut app = till(lang);
        key(&mut app, KeyCode::Char('g'));
        key(&mut app, KeyCode::F(2));
        text(&mut app, "500");
        key(&mut app, KeyCode::Enter);
        key(&mut app, KeyCode::Char('1'));
        key(&mut app, KeyCode::Enter);
        answer_gift(&mut app, |c| {
            assert_eq!(c.card, CardRef::NewEgift);
            Ok(outcome(GiftKind::Sell, "•••• 9572", Some(0), Some(50_000), 50_000))
        });
        // The number must sit on one line, not broken across two.
        assert!(screen(&app).contains(NEW_CARD), "{lang}: the number is broken:\n{}", screen(&app));
        check("egift_sold", lang, &app, &wants);
    }
}

#[test]
fn a_blocked_card_says_so_with_its_kept_balance() {
    for (lang, want) in [
        (Lang::En, "Card •••• 9572 is blocked; its balance of 1.234,56 € is kept."),
        (Lang::De, "Karte •••• 9572 ist gesperrt; ihr Guthaben von 1.234,56 € bleibt erhalten."),
    ] {
        let mut app = card(lang, 123_456);
        key(&mut app, KeyCode::Char('d'));
        key(&mut app, KeyCode::Enter);
        answer_gift(&mut app, |_| Ok(outcome(GiftKind::Deactivate, "•••• 9572", None, None, 123_456)));
        check("card_blocked", lang, &app, &[want]);
    }
}

/// Before money moves the till reads the card again (another till may have changed it): answer
/// that read with the balance the card still has.
fn reread(app: &mut App, balance: i64) {
    answer_gift(app, |c| {
        assert_eq!(c.kind, GiftKind::Balance, "the re-read comes first");
        Ok(outcome(GiftKind::Balance, "•••• 9572", None, None, balance))
    });
}

#[test]
fn a_cash_out_says_what_to_pay_in_the_stores_format() {
    for (lang, want) in [(Lang::En, "Pay out 9,66 € in cash."), (Lang::De, "9,66 € bar auszahlen.")] {
        let mut app = card(lang, 966);
        key(&mut app, KeyCode::Char('c'));
        reread(&mut app, 966);
        key(&mut app, KeyCode::Enter);
        answer_gift(&mut app, |_| Ok(outcome(GiftKind::CashOut, "•••• 9572", Some(966), Some(966), 0)));
        check("cash_out_done", lang, &app, &[want]);
    }
}

#[test]
fn a_decline_dialog_shows_the_whole_reason() {
    for (lang, want) in [
        (Lang::En, "Declined: The card takes no PIN for now after too many wrong PINs"),
        (Lang::De, "Abgelehnt: Die Karte nimmt nach zu vielen falschen PINs vorerst keine PIN an"),
    ] {
        let mut app = card(lang, 2000);
        key(&mut app, KeyCode::Char('r'));
        text(&mut app, "12,50");
        key(&mut app, KeyCode::Enter);
        reread(&mut app, 2000);
        key(&mut app, KeyCode::Enter);
        answer_gift(&mut app, |_| {
            Err(CallError::Refused { code: "card_locked".into(), message: "English engine text".into() })
        });
        check("decline_card_locked", lang, &app, &[want, "(", ")"]);
        let flow = flowing(&app);
        assert!(flow.contains("Nothing was changed.") || flow.contains("Es wurde nichts geändert."), "{flow}");
    }
}

#[test]
fn an_unreachable_engine_says_what_to_do_not_its_internals() {
    for (lang, want) in [
        (Lang::En, "check that it is running (or the network to the server), then try again"),
        (Lang::De, "prüfen Sie, ob er läuft (oder das Netzwerk zum Server), und versuchen Sie es dann erneut"),
    ] {
        let mut app = card(lang, 2000);
        key(&mut app, KeyCode::Char('r'));
        text(&mut app, "5");
        key(&mut app, KeyCode::Enter);
        reread(&mut app, 2000);
        key(&mut app, KeyCode::Enter);
        answer_gift(&mut app, |_| {
            Err(CallError::Unreachable("error sending request for url (http://127.0.0.1:1/gift/redeem.json)".into()))
        });
        check("unreachable", lang, &app, &[want]);
        assert!(!flowing(&app).contains("http://"), "{}", screen(&app));
    }
}

#[test]
fn an_undone_operation_tells_the_cashier_what_to_say() {
    for (lang, want) in [
        (Lang::En, "Tell the customer: \"Sorry, that did not go through. One moment, I will do it again.\""),
        (
            Lang::De,
            "Sagen Sie der Kundschaft: „Entschuldigung, das hat nicht geklappt. Einen Moment, ich mache es noch einmal.“",
        ),
    ] {
        let mut app = card(lang, 2000);
        key(&mut app, KeyCode::Char('r'));
        text(&mut app, "5");
        key(&mut app, KeyCode::Enter);
        reread(&mut app, 2000);
        key(&mut app, KeyCode::Enter);
        answer_gift(&mut app, |_| Err(CallError::Undone { applied: true }));
        check("undone", lang, &app, &[want]);
    }
}

#[test]
fn the_lockout_message_is_never_cut() {
    for (lang, want) in [
        (
            Lang::En,
            "After 5 wrong PINs in a row a user is locked for 15 minutes (a manager lifts it: Users, u on home).",
        ),
        (
            Lang::De,
            "Nach 5 falschen PINs in Folge ist ein Benutzer 15 Minuten gesperrt (eine Filialleitung hebt das auf: Benutzer, u auf der Startseite).",
        ),
    ] {
        let mut app = till(lang);
        key(&mut app, KeyCode::Char('l'));
        app.take_requests();
        text(&mut app, "1001");
        key(&mut app, KeyCode::Enter);
        text(&mut app, "0000");
        key(&mut app, KeyCode::Enter);
        app.update(reply(Reply::Login(Err(CallError::Refused {
            code: "wrong_pin".into(),
            message: "English engine text".into(),
        }))));
        check("login_locked_out", lang, &app, &[want]);
        // And at 120x40 too.
        let wide = tui_common::render(&app, 120, 40);
        let last = want.rsplit(' ').next().unwrap_or(want);
        assert!(wide.contains(last), "{last:?} cut off:\n{wide}");
    }
}
