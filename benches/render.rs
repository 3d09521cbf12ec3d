//! Rendering cost of every screen of the till at 120×40, with a full journal, in microseconds
//! per frame. The baseline, measured in the same run, is a frame that only clears the screen.
//! Target: every screen at most 1 ms per frame.
//!
//! `cargo bench --bench render`

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use till::money::{Currency, Locale, Money};
use till::tui::app::{App, Ctx, Msg, OrderStep, Reply, Request};
use till::tui::input::Input;
use till::tui::model::*;
use till::tui::settings::Settings;
use till::tui::theme::Theme;

fn eur(minor: i64) -> Money {
    Money::from_minor(minor, Currency::from_code("EUR").expect("EUR"))
}

fn reply(app: &mut App, r: Reply) {
    app.update(Msg::Reply(Box::new(r)));
}

fn key(app: &mut App, code: KeyCode) {
    app.update(Msg::Input(Input::Key(KeyEvent::new(code, KeyModifiers::NONE))));
}

fn home() -> App {
    let mut app = App::new(Ctx::new(Settings::default(), false, "bench".into()), Theme::COLOR);
    app.update(Msg::Tick("12:00".into()));
    reply(
        &mut app,
        Reply::TerminalInfo(Ok(TerminalView {
            merchant: "Demo Coffee & Gifts".into(),
            store: "A1234".into(),
            terminal: "T01".into(),
            country: "DE".into(),
            currency: Currency::from_code("EUR").expect("EUR"),
            locale: Locale::DeDe,
            demo: true,
            limits: None,
        })),
    );
    reply(&mut app, Reply::Login(Ok(UserView { number: 1001, name: "Demo Cashier".into(), role: Role::Cashier })));
    app.take_requests();
    app
}

fn answer(app: &mut App, f: impl Fn(Request) -> Option<Reply>) {
    for r in app.take_requests() {
        if let Some(rep) = f(r) {
            reply(app, rep);
        }
    }
}

fn receipt_lines() -> Vec<String> {
    let mut v = vec!["D e m o   C o f f e e   &   G i f t s".to_string(), "Hauptstraße 1".into()];
    for i in 0..24 {
        v.push(format!("Line {i:>2}                              {i},00 €"));
    }
    v
}

fn screens() -> Vec<(&'static str, App)> {
    let mut out = Vec::new();
    out.push(("login", {
        let mut a = App::new(Ctx::new(Settings::default(), false, "bench".into()), Theme::COLOR);
        a.update(Msg::Tick("12:00".into()));
        a
    }));
    out.push(("home", home()));
    out.push(("help", {
        let mut a = home();
        key(&mut a, KeyCode::F(1));
        a
    }));
    let gift_menu = || {
        let mut a = home();
        a.update(Msg::Input(Input::Scan("6036280000000029".into())));
        answer(&mut a, |r| match r {
            Request::Gift { op, .. } => Some(Reply::Gift { op, result: Ok(outcome(None)) }),
            _ => None,
        });
        a
    };
    out.push(("gift menu", gift_menu()));
    out.push(("gift result", {
        let mut a = gift_menu();
        key(&mut a, KeyCode::Char('l'));
        key(&mut a, KeyCode::Char('5'));
        key(&mut a, KeyCode::Enter);
        key(&mut a, KeyCode::Char('1'));
        key(&mut a, KeyCode::Enter);
        answer(&mut a, |r| match r {
            Request::Gift { op, .. } => Some(Reply::Gift {
                op,
                result: Ok(outcome(Some(ReceiptView {
                    id: Some("1".into()),
                    lines: receipt_lines(),
                    kind: "gift_sale".into(),
                    opens_drawer: false,
                    printed: false,
                }))),
            }),
            _ => None,
        });
        a
    }));
    let products: Vec<ProductView> = (0..200)
        .map(|i| ProductView {
            code: format!("40012322{i:05}"),
            name: format!("Product {i} Gift Card"),
            brand: format!("Brand {}", i % 17),
            kind: if i % 3 == 0 { ProductKind::Posa } else { ProductKind::Por },
            denominations: vec![eur(1500), eur(2500), eur(5000)],
            min: None,
            max: None,
        })
        .collect();
    let retail = || {
        let mut a = home();
        key(&mut a, KeyCode::Char('r'));
        let p = products.clone();
        answer(&mut a, move |r| matches!(r, Request::Products { .. }).then(|| Reply::Products(Ok(p.clone()))));
        a
    };
    out.push(("retail search", retail()));
    out.push(("retail done", {
        let mut a = retail();
        key(&mut a, KeyCode::Enter);
        key(&mut a, KeyCode::Enter);
        let order = |state| OrderView {
            id: "ro_1".into(),
            state,
            face_value: eur(1500),
            lines: receipt_lines(),
            message: None,
            receipt: Some(ReceiptView {
                id: Some("2".into()),
                lines: receipt_lines(),
                kind: "gift_sale".into(),
                opens_drawer: false,
                printed: false,
            }),
        };
        answer(&mut a, |r| match r {
            Request::CreateOrder { op, .. } => {
                Some(Reply::Order { op, step: OrderStep::Create, result: Ok(order(OrderState::Created)) })
            }
            _ => None,
        });
        key(&mut a, KeyCode::Char('1'));
        key(&mut a, KeyCode::Enter);
        answer(&mut a, |r| match r {
            Request::ConfirmOrder { op, .. } => {
                Some(Reply::Order { op, step: OrderStep::Confirm, result: Ok(order(OrderState::Confirmed)) })
            }
            _ => None,
        });
        a
    }));
    out.push(("journal (500 entries)", {
        let mut a = home();
        key(&mut a, KeyCode::Char('j'));
        let entries: Vec<JournalEntry> = (0..500)
            .map(|i| JournalEntry {
                time: format!("{:02}:{:02}", 8 + i / 60, i % 60),
                what: "Gift card sale".into(),
                card: "**** 7897".into(),
                amount: Some(eur(500 + i as i64)),
                receipt_id: Some(i.to_string()),
                reversible: None,
                user: "1001".into(),
                rest: None,
            })
            .collect();
        answer(&mut a, move |r| matches!(r, Request::Journal).then(|| Reply::Journal(Ok(entries.clone()))));
        a
    }));
    out.push(("settings", {
        let mut a = home();
        key(&mut a, KeyCode::Char('s'));
        a
    }));
    out
}

fn outcome(receipt: Option<ReceiptView>) -> GiftOutcome {
    GiftOutcome {
        kind: GiftKind::Reload,
        masked: "•••• 0029".into(),
        card_number: "6036280000000029".into(),
        previous: Some(eur(2000)),
        current: eur(2500),
        amount: Some(eur(500)),
        tx_id: 1,
        auth_code: "123456".into(),
        external_id: "x".into(),
        messages: vec![],
        local_notes: vec![],
        receipt,
    }
}

/// Mean time per frame over enough frames to fill about `budget`.
fn per_frame(budget: Duration, mut frame: impl FnMut()) -> Duration {
    for _ in 0..50 {
        frame();
    }
    let mut n = 0u32;
    let start = Instant::now();
    while start.elapsed() < budget {
        for _ in 0..20 {
            frame();
        }
        n += 20;
    }
    start.elapsed() / n
}

fn main() {
    let budget = Duration::from_millis(300);
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let base = per_frame(budget, || {
        term.draw(|f| f.render_widget(ratatui::widgets::Clear, f.area())).expect("draw");
        black_box(term.backend());
    });
    println!("render at 120x40 (target: <= 1000 µs per frame)");
    println!("{:<24} {:>10}", "baseline (clear only)", format!("{:.1} µs", base.as_secs_f64() * 1e6));
    let mut worst = Duration::ZERO;
    for (name, app) in screens() {
        let t = per_frame(budget, || {
            term.draw(|f| app.render(f)).expect("draw");
            black_box(term.backend());
        });
        worst = worst.max(t);
        println!("{name:<24} {:>10}", format!("{:.1} µs", t.as_secs_f64() * 1e6));
    }
    println!("{:<24} {:>10}", "worst screen", format!("{:.1} µs", worst.as_secs_f64() * 1e6));
}
