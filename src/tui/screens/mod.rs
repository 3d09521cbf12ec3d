//! One enum of screens and one `match` per thing a screen does: handle an action, take typing or
//! a scan, take an engine reply, draw itself.

pub mod approve;
pub mod gift;
pub mod home;
pub mod journal;
pub mod login;
pub mod reports;
pub mod retail;
pub mod settings;
pub mod shift;
pub mod spots;
pub mod users;

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use super::action::Action;
use super::app::{Ask, Ctx, Cx, Goto, Reply};
use super::input::Input;
use super::keymap::Binding;
use super::theme::Theme;

pub enum Screen {
    Login(login::Login),
    Home(home::Home),
    Gift(Box<gift::Gift>),
    Retail(Box<retail::Retail>),
    Journal(journal::Journal),
    Settings(Box<settings::SettingsScreen>),
    Shift(Box<shift::ShiftScreen>),
    Reports(Box<reports::Reports>),
    Spots(Box<spots::Board>),
    Users(Box<users::Users>),
    Approve(Box<approve::Approve>),
}

impl Screen {
    /// Opens a screen, asking the engine for what it shows.
    pub fn open(g: Goto, cx: &mut Cx) -> Screen {
        match g {
            Goto::Login => Screen::Login(login::Login::new()),
            Goto::Home => Screen::Home(home::Home),
            Goto::Gift => Screen::Gift(Box::default()),
            Goto::Retail => Screen::Retail(Box::new(retail::Retail::open(cx))),
            Goto::Journal => Screen::Journal(journal::Journal::open(cx)),
            Goto::Settings => Screen::Settings(Box::new(settings::SettingsScreen::new(&cx.ctx.settings))),
            Goto::Shift => Screen::Shift(Box::new(shift::ShiftScreen::open(cx))),
            Goto::Reports => Screen::Reports(Box::new(reports::Reports::open(cx))),
            Goto::Spots => Screen::Spots(Box::new(spots::Board::open(cx))),
            Goto::Users => Screen::Users(Box::new(users::Users::open(cx))),
            Goto::ApproveSettings => Screen::Approve(Box::new(approve::Approve::settings())),
        }
    }

    pub fn title(&self) -> &'static str {
        match self {
            Screen::Login(_) => crate::ts!("common-screen-login"),
            Screen::Home(_) => crate::ts!("home-title"),
            Screen::Gift(_) => crate::ts!("home-gift"),
            Screen::Retail(_) => crate::ts!("home-retail"),
            Screen::Journal(_) => crate::ts!("home-journal"),
            Screen::Settings(_) => crate::ts!("home-settings"),
            Screen::Shift(_) => crate::ts!("home-shift"),
            Screen::Reports(_) => crate::ts!("home-reports"),
            Screen::Spots(_) => crate::ts!("home-spots"),
            Screen::Users(_) => crate::ts!("home-users"),
            Screen::Approve(_) => crate::ts!("cashier-approve-title"),
        }
    }

    pub fn bindings(&self, ctx: &Ctx) -> Vec<Binding> {
        match self {
            Screen::Login(s) => s.bindings(),
            Screen::Home(s) => s.bindings(ctx),
            Screen::Gift(s) => s.bindings(),
            Screen::Retail(s) => s.bindings(),
            Screen::Journal(s) => s.bindings(),
            Screen::Settings(s) => s.bindings(),
            Screen::Shift(s) => s.bindings(),
            Screen::Reports(s) => s.bindings(),
            Screen::Spots(s) => s.bindings(),
            Screen::Users(s) => s.bindings(),
            Screen::Approve(s) => s.bindings(),
        }
    }

    /// Whether a text field has the keyboard (printable keys then type, not act).
    pub fn text_focus(&self) -> bool {
        match self {
            Screen::Login(_) => true,
            Screen::Home(_) => false,
            Screen::Gift(s) => s.text_focus(),
            Screen::Retail(s) => s.text_focus(),
            Screen::Journal(_) => false,
            Screen::Settings(s) => s.text_focus(),
            Screen::Shift(s) => s.text_focus(),
            Screen::Reports(s) => s.text_focus(),
            Screen::Spots(s) => s.text_focus(),
            Screen::Users(s) => s.text_focus(),
            Screen::Approve(s) => s.text_focus(),
        }
    }

    pub fn busy(&self) -> bool {
        match self {
            Screen::Gift(s) => s.busy(),
            Screen::Retail(s) => s.busy(),
            _ => false,
        }
    }

    /// Something typed for an operation not yet sent (an amount, say): quitting asks first.
    pub fn started(&self) -> bool {
        match self {
            Screen::Gift(s) => s.started(),
            _ => false,
        }
    }

    pub fn on_action(&mut self, a: Action, cx: &mut Cx) {
        match self {
            Screen::Login(s) => s.on_action(a, cx),
            Screen::Home(s) => s.on_action(a, cx),
            Screen::Gift(s) => s.on_action(a, cx),
            Screen::Retail(s) => s.on_action(a, cx),
            Screen::Journal(s) => s.on_action(a, cx),
            Screen::Settings(s) => s.on_action(a, cx),
            Screen::Shift(s) => s.on_action(a, cx),
            Screen::Reports(s) => s.on_action(a, cx),
            Screen::Spots(s) => s.on_action(a, cx),
            Screen::Users(s) => s.on_action(a, cx),
            Screen::Approve(s) => s.on_action(a, cx),
        }
    }

    pub fn on_text(&mut self, key: &KeyEvent) {
        match self {
            Screen::Login(s) => s.on_text(key),
            Screen::Gift(s) => s.on_text(key),
            Screen::Retail(s) => s.on_text(key),
            Screen::Settings(s) => s.on_text(key),
            Screen::Shift(s) => s.on_text(key),
            Screen::Spots(s) => s.on_text(key),
            Screen::Reports(s) => s.on_text(key),
            Screen::Users(s) => s.on_text(key),
            Screen::Approve(s) => s.on_text(key),
            Screen::Home(_) | Screen::Journal(_) => {}
        }
    }

    /// A scan or a swipe.
    pub fn on_input(&mut self, input: Input, cx: &mut Cx) {
        match self {
            Screen::Login(s) => s.on_input(input, cx),
            Screen::Gift(s) => s.on_input(input, cx),
            Screen::Retail(s) => s.on_input(input, cx),
            Screen::Home(_) => match input {
                // A product's EAN from the shelf opens the retail sale on that product, once the
                // catalogue is there to find it in.
                Input::Scan(code) if is_product_code(&code) => {
                    cx.ctx.pending_scan = Some(code.trim().to_string());
                    *self = Screen::Retail(Box::new(retail::Retail::open(cx)));
                }
                // Scanning a card on the home screen is the fastest way to the gift screen.
                input => {
                    let mut g = gift::Gift::new();
                    g.on_input(input, cx);
                    *self = Screen::Gift(Box::new(g));
                }
            },
            Screen::Journal(_) | Screen::Settings(_) | Screen::Shift(_) | Screen::Reports(_) | Screen::Spots(_) => {}
            Screen::Users(s) => s.on_input(input, cx),
            Screen::Approve(s) => s.on_input(input, cx),
        }
    }

    pub fn on_reply(&mut self, r: Reply, cx: &mut Cx) {
        match self {
            Screen::Login(s) => s.on_reply(r, cx),
            Screen::Gift(s) => s.on_reply(r, cx),
            Screen::Retail(s) => {
                let catalogue = matches!(r, Reply::Products(Ok(_)));
                s.on_reply(r, cx);
                // The EAN scanned on home, now that the products are known.
                if catalogue && let Some(code) = cx.ctx.pending_scan.take() {
                    s.on_input(Input::Scan(code), cx);
                }
            }
            Screen::Journal(s) => s.on_reply(r, cx),
            Screen::Settings(s) => s.on_reply(r, cx),
            Screen::Shift(s) => s.on_reply(r, cx),
            Screen::Reports(s) => s.on_reply(r, cx),
            Screen::Spots(s) => s.on_reply(r, cx),
            Screen::Users(s) => s.on_reply(r, cx),
            Screen::Approve(s) => s.on_reply(r, cx),
            Screen::Home(_) => {}
        }
    }

    pub fn on_confirmed(&mut self, ask: Ask, cx: &mut Cx) {
        match self {
            Screen::Gift(s) => s.on_confirmed(ask, cx),
            Screen::Retail(s) => s.on_confirmed(ask, cx),
            Screen::Journal(s) => s.on_confirmed(ask, cx),
            Screen::Shift(s) => s.on_confirmed(ask, cx),
            Screen::Reports(s) => s.on_confirmed(ask, cx),
            Screen::Spots(s) => s.on_confirmed(ask, cx),
            _ => {}
        }
    }

    pub fn on_declined(&mut self, ask: Ask, cx: &mut Cx) {
        match self {
            Screen::Gift(s) => s.on_declined(ask, cx),
            Screen::Retail(s) => s.on_declined(ask, cx),
            _ => {}
        }
    }

    pub fn on_tick(&mut self, cx: &mut Cx) {
        match self {
            Screen::Retail(s) => s.on_tick(cx),
            Screen::Spots(s) => s.on_tick(cx),
            _ => {}
        }
    }

    pub fn render(&self, f: &mut Frame, area: Rect, ctx: &Ctx, theme: &Theme) {
        match self {
            Screen::Login(s) => s.render(f, area, ctx, theme),
            Screen::Home(s) => s.render(f, area, ctx, theme),
            Screen::Gift(s) => s.render(f, area, ctx, theme),
            Screen::Retail(s) => s.render(f, area, ctx, theme),
            Screen::Journal(s) => s.render(f, area, ctx, theme),
            Screen::Settings(s) => s.render(f, area, ctx, theme),
            Screen::Shift(s) => s.render(f, area, ctx, theme),
            Screen::Reports(s) => s.render(f, area, ctx, theme),
            Screen::Spots(s) => s.render(f, area, ctx, theme),
            Screen::Users(s) => s.render(f, area, ctx, theme),
            Screen::Approve(s) => s.render(f, area, ctx, theme),
        }
    }
}

/// The shape of a product code (EAN-8, UPC-A, EAN-13, GTIN-14): never a gift card, whose numbers
/// are longer. The check digit is not asked for: some distributors' codes get it wrong, and the
/// catalogue is what says whether the product exists.
pub fn is_product_code(code: &str) -> bool {
    let t = code.trim();
    matches!(t.len(), 8 | 12 | 13 | 14) && t.bytes().all(|b| b.is_ascii_digit())
}

/// What the result pane says about its receipt: printing, printed (only once the printer took
/// it), not printed and why (with the key that prints it), or on the screen only. The flag says
/// the cashier must act on it.
pub fn receipt_note(ctx: &Ctx, receipt: Option<&super::model::ReceiptView>) -> Option<(String, bool)> {
    use super::model::PrintState;
    let id = receipt.and_then(|r| r.id.as_deref())?;
    match ctx.print.as_ref().filter(|j| j.receipt_id == id).map(|j| &j.state) {
        Some(PrintState::Printing) => Some((crate::t!("common-receipt-printing"), false)),
        Some(PrintState::Printed) => Some((crate::t!("common-receipt-printed"), false)),
        Some(PrintState::Failed(why)) => Some((crate::t!("common-receipt-failed", reason = why.as_str()), true)),
        None if !ctx.settings.printer_configured() => Some((crate::t!("common-receipt-screen-only"), false)),
        None => Some((crate::t!("common-receipt-press-p"), false)),
    }
}

/// The print key on a result: prints a receipt that has not printed, never a second original of
/// one that has (a copy is a reprint marked DUPLICATE, from the journal).
pub fn print_key(cx: &mut Cx, receipt: Option<&super::model::ReceiptView>) {
    use super::model::PrintState;
    let Some(id) = receipt.and_then(|r| r.id.clone()) else {
        cx.error(&crate::t!("common-receipt"), crate::t!("common-receipt-none-stored"));
        return;
    };
    if !cx.ctx.settings.printer_configured() {
        cx.message(
            &crate::t!("common-receipt"),
            vec![crate::t!("common-receipt-no-printer"), crate::t!("common-receipt-set-printer")],
        );
        return;
    }
    let state = cx.ctx.print.as_ref().filter(|j| j.receipt_id == id).map(|j| j.state.clone());
    match state {
        Some(PrintState::Printing) => {}
        Some(PrintState::Printed) => cx.message(
            &crate::t!("common-receipt"),
            vec![crate::t!("common-receipt-has-printed"), crate::t!("common-receipt-copy")],
        ),
        _ if receipt.is_some_and(|r| r.printed) => cx.message(
            &crate::t!("common-receipt"),
            vec![crate::t!("common-receipt-has-printed"), crate::t!("common-receipt-copy")],
        ),
        _ => cx.send(super::app::Request::Print { receipt_id: id }),
    }
}
