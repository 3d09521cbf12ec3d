//! The retail screen in German at 80×24 (issue 14.5): every step of a sale, the dialogs and the
//! outcomes the cashier tells the customer, with amounts in the store's de-DE format. And the
//! screens of a manager's approval at the till (the settings gate, unlocking a user) in German.
//! Review changes in `tests/snapshots/*.snap.new`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_common;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use till::i18n::Lang;
use till::money::{Currency, Locale, Money};
use till::tui::app::{App, Ctx, Msg, OrderStep, Reply, Request};
use till::tui::input::Input;
use till::tui::model::*;
use till::tui::screens::Screen;
use till::tui::settings::Settings;
use till::tui::theme::Theme;
use till::tui::users_calls::{UsersCall, UsersReply};

fn eur(minor: i64) -> Money {
    Money::from_minor(minor, Currency::from_code("EUR").unwrap())
}

fn reply(r: Reply) -> Msg {
    Msg::Reply(Box::new(r))
}

/// Logged in at the de-DE demo store as `role`, speaking German.
fn till(role: Role) -> App {
    let mut ctx = Ctx::new(Settings::default(), false, "de".into());
    ctx.lang_override = Some(Lang::De);
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
    let (number, name) = if role == Role::Manager { (9001, "Demo Manager") } else { (1001, "Demo Cashier") };
    app.update(reply(Reply::Login(Ok(UserView { number, name: name.into(), role }))));
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

fn snap(name: &str, app: &App) {
    insta::assert_snapshot!(format!("{name}_de_80x24"), tui_common::terminal(app, 80, 24).backend());
}

fn products() -> Vec<ProductView> {
    vec![
        ProductView {
            code: "4001232232332".into(),
            name: "Bookwise Gift Card".into(),
            brand: "Bookwise".into(),
            kind: ProductKind::Por,
            denominations: vec![eur(1500), eur(2500), eur(5000), eur(10000)],
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
            min: Some(eur(1000)),
            max: Some(eur(20000)),
        },
    ]
}

fn order(state: OrderState, lines: Vec<String>) -> OrderView {
    OrderView { id: "ro_1".into(), state, face_value: eur(2500), lines, message: None, receipt: None }
}

/// Answers the pending requests `f` has a reply for; panics when it had none.
fn answer(app: &mut App, f: impl Fn(&Request) -> Option<Reply>) {
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

fn order_reply(step: OrderStep, result: Result<OrderView, CallError>) -> impl Fn(&Request) -> Option<Reply> {
    move |r| {
        let op = match (r, step) {
            (Request::CreateOrder { op, .. }, OrderStep::Create)
            | (Request::ConfirmOrder { op, .. }, OrderStep::Confirm)
            | (Request::GetOrder { op, .. }, OrderStep::Get)
            | (Request::InvalidateOrder { op, .. }, OrderStep::Invalidate) => *op,
            _ => return None,
        };
        Some(Reply::Order { op, step, result: result.clone() })
    }
}

fn retail() -> App {
    let mut app = till(Role::Cashier);
    key(&mut app, KeyCode::Char('r'));
    answer(&mut app, |r| matches!(r, Request::Products { .. }).then(|| Reply::Products(Ok(products()))));
    app
}

/// The Bookwise card for 25,00 €, checked by the distributor: waiting for the payment.
fn at_pay() -> App {
    let mut app = retail();
    text(&mut app, "book");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    answer(&mut app, order_reply(OrderStep::Create, Ok(order(OrderState::Created, vec![]))));
    app
}

#[test]
fn a_retail_sale_in_german() {
    let mut app = retail();
    snap("retail_search", &app);
    let screen = tui_common::terminal(&app, 80, 24).backend().to_string();
    assert!(screen.contains("Geschenkkarte verkaufen") && screen.contains("15,00 € · 25,00 € · 50,00 €"), "{screen}");
    // The line wraps before "100,00 €", never between the figure and its sign.
    assert!(screen.contains("│ 100,00 €"), "{screen}");
    text(&mut app, "book");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Down);
    snap("retail_amount", &app);

    let mut app = at_pay();
    snap("retail_pay", &app);
    key(&mut app, KeyCode::Char('1'));
    snap("retail_confirm_dialog", &app);
    key(&mut app, KeyCode::Enter);
    answer(&mut app, |r| match r {
        Request::ConfirmOrder { op, .. } => Some(Reply::Order {
            op: *op,
            step: OrderStep::Confirm,
            result: Ok(order(
                OrderState::Confirmed,
                vec![
                    "========================================".into(),
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
    snap("retail_done", &app);
}

#[test]
fn the_amount_rules_and_the_posa_card_in_german() {
    let mut app = retail();
    text(&mut app, "stream");
    key(&mut app, KeyCode::Enter);
    text(&mut app, "5");
    key(&mut app, KeyCode::Enter);
    snap("retail_amount_out_of_range", &app);
    let screen = tui_common::terminal(&app, 80, 24).backend().to_string();
    assert!(screen.contains("von 10,00 € bis 100,00 €"), "{screen}");

    let mut app = retail();
    app.update(Msg::Input(Input::Scan("4001232232418".into())));
    key(&mut app, KeyCode::Enter);
    snap("retail_posa_card", &app);
}

#[test]
fn what_the_cashier_tells_the_customer_when_the_sale_does_not_happen() {
    // The distributor refuses the confirmation: the money goes back.
    let mut app = at_pay();
    key(&mut app, KeyCode::Char('2'));
    key(&mut app, KeyCode::Enter);
    let refused = CallError::Refused { code: "out_of_stock".into(), message: "Out of stock".into() };
    answer(&mut app, order_reply(OrderStep::Confirm, Err(refused)));
    snap("retail_refused", &app);
    let screen = tui_common::terminal(&app, 80, 24).backend().to_string();
    assert!(screen.contains("Dem Kunden seine 25,00 € zurückgeben."), "{screen}");

    // No answer to the confirmation, and none to the question after it: keep the customer here.
    let mut app = at_pay();
    key(&mut app, KeyCode::Char('1'));
    key(&mut app, KeyCode::Enter);
    answer(&mut app, order_reply(OrderStep::Confirm, Err(CallError::Uncertain("timeout".into()))));
    answer(&mut app, order_reply(OrderStep::Get, Err(CallError::Uncertain("timeout".into()))));
    snap("retail_resolving", &app);

    // Cancelled at the payment step.
    let mut app = at_pay();
    key(&mut app, KeyCode::Esc);
    snap("retail_cancel_dialog", &app);
    key(&mut app, KeyCode::Enter);
    answer(&mut app, order_reply(OrderStep::Invalidate, Ok(order(OrderState::Invalidated, vec![]))));
    snap("retail_cancelled", &app);
}

#[test]
fn a_cashier_asks_a_manager_before_the_settings_open() {
    let mut app = till(Role::Cashier);
    key(&mut app, KeyCode::Char('s'));
    text(&mut app, "9001");
    key(&mut app, KeyCode::Enter);
    text(&mut app, "0000");
    key(&mut app, KeyCode::Enter);
    let refused = CallError::Refused { code: "approval_refused".into(), message: "no".into() };
    answer(&mut app, |r| {
        matches!(r, Request::Users(UsersCall::Approve { .. })).then(|| Reply::Users(Err(refused.clone())))
    });
    snap("approve_settings_refused", &app);
    assert_eq!(app.screen.title(), "Freigabe durch die Leitung");
    text(&mut app, "9001");
    key(&mut app, KeyCode::Enter);
    text(&mut app, "9999");
    key(&mut app, KeyCode::Enter);
    answer(&mut app, |r| match r {
        Request::Users(UsersCall::Approve { act, manager, pin }) => {
            assert_eq!((*act, manager.as_str(), pin.as_str()), ("settings", "9001", "9999"));
            Some(Reply::Users(Ok(UsersReply::Approved { act: "settings".into(), approver: Some(9001) })))
        }
        _ => None,
    });
    assert_eq!(app.screen.title(), "Einstellungen");
}

fn user(
    number: u32,
    name: &str,
    role: till::client::till::Role,
    failed: u32,
    locked: bool,
) -> till::client::till::UserRow {
    till::client::till::UserRow {
        number,
        name: name.into(),
        role,
        locked,
        locked_until: locked.then_some(1_900_000_000),
        failed_attempts: failed,
        disabled: false,
    }
}

#[test]
fn a_manager_approves_unlocking_a_user_at_the_cashiers_till() {
    use till::client::till::Role as R;
    let mut app = till(Role::Cashier);
    key(&mut app, KeyCode::Char('u'));
    let rows = vec![
        user(1001, "Demo Cashier", R::Cashier, 0, false),
        user(1002, "Second Cashier", R::Cashier, 5, true),
        user(9001, "Demo Manager", R::Manager, 0, false),
    ];
    answer(&mut app, |r| {
        matches!(r, Request::Users(UsersCall::List)).then(|| Reply::Users(Ok(UsersReply::Users(rows.clone()))))
    });
    snap("users_list", &app);
    key(&mut app, KeyCode::Char('u'));
    text(&mut app, "9001");
    key(&mut app, KeyCode::Enter);
    text(&mut app, "9999");
    snap("users_approve", &app);
    key(&mut app, KeyCode::Enter);
    answer(&mut app, |r| match r {
        Request::Users(UsersCall::Unlock { number: 1002, approval: Some((m, p)) }) if m == "9001" && p == "9999" => {
            Some(Reply::Users(Ok(UsersReply::Unlocked(user(1002, "Second Cashier", R::Cashier, 0, false)))))
        }
        _ => None,
    });
    snap("users_unlocked", &app);
    let Screen::Users(users) = &app.screen else { panic!("still on the users screen") };
    let note = users.note.as_ref().map(|(n, _)| n.as_str());
    assert_eq!(note, Some("1002 Second Cashier ist entsperrt und kann sich wieder anmelden."));
    assert!(!users.rows[1].locked);
}

#[test]
fn a_manager_unlocks_without_asking_anyone() {
    use till::client::till::Role as R;
    let mut app = till(Role::Manager);
    key(&mut app, KeyCode::Char('u'));
    let rows = vec![user(1002, "Second Cashier", R::Cashier, 5, true)];
    answer(&mut app, |r| {
        matches!(r, Request::Users(UsersCall::List)).then(|| Reply::Users(Ok(UsersReply::Users(rows.clone()))))
    });
    key(&mut app, KeyCode::Char('u'));
    let asked = app.take_requests();
    assert!(
        asked.iter().any(|r| matches!(r, Request::Users(UsersCall::Unlock { number: 1002, approval: None }))),
        "{asked:?}"
    );
    // And the settings open at once.
    let mut app = till(Role::Manager);
    key(&mut app, KeyCode::Char('s'));
    assert_eq!(app.screen.title(), "Einstellungen");
}

#[test]
fn a_badge_scan_or_a_fast_manager_fills_the_approval_form() {
    // The scanner gap takes fast typing with its Enter for a scan: it must still be typing here.
    let mut app = till(Role::Cashier);
    key(&mut app, KeyCode::Char('s'));
    app.update(Msg::Input(Input::Scan("9001".into())));
    app.update(Msg::Input(Input::Scan("9999".into())));
    let asked = app.take_requests();
    assert!(
        asked.iter().any(|r| matches!(r, Request::Users(UsersCall::Approve { manager, pin, .. }) if manager == "9001" && pin == "9999")),
        "{asked:?}"
    );
}
