//! The application state and its one update path: resolved input, engine replies and clock ticks
//! come in as [`Msg`]s; what must happen outside (engine calls, printing, saving) goes out as
//! [`Request`]s the event loop hands to background tasks. Rendering only reads this state.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout};

mod ctx;
mod printing;

pub use ctx::Ctx;

use super::action::Action;
use super::input::Input;
use super::keymap;
use super::model::*;
use super::screens::{self, Screen};
use super::settings::Settings;
use super::theme::Theme;
use super::widgets;
use crate::money::{Locale, Money};

/// Something for the app to take in.
#[derive(Debug, Clone)]
pub enum Msg {
    Input(Input),
    Reply(Box<Reply>),
    /// Once a second, with the wall clock as the status bar shows it.
    Tick(String),
}

/// Work for the event loop to do outside the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    TerminalInfo,
    Login {
        number: u32,
        pin: String,
    },
    Logout,
    Health,
    /// Ask the configured printer how it is.
    PrinterStatus,
    Gift {
        op: u64,
        call: GiftCall,
    },
    /// The catalogue for the store's country.
    Products {
        country: Option<String>,
    },
    CreateOrder {
        op: u64,
        order: NewOrder,
    },
    ConfirmOrder {
        op: u64,
        order_id: String,
        tender: Tender,
        value: Money,
        key: String,
    },
    GetOrder {
        op: u64,
        order_id: String,
    },
    InvalidateOrder {
        op: u64,
        order_id: String,
        key: String,
    },
    Journal,
    Reprint {
        receipt_id: String,
    },
    /// Print a stored receipt (by its id).
    Print {
        receipt_id: String,
    },
    TestPrint {
        settings: Settings,
    },
    SaveSettings {
        settings: Settings,
    },
    /// Shifts, the drawer and the manager's reports.
    Manager(super::manager_calls::ManagerCall),
    /// The users screen and a manager's approval at the till.
    Users(super::users_calls::UsersCall),
    /// A spots board call (`/rest/v1`, the till's merchant credential).
    Spots {
        op: u64,
        call: screens::spots::SpotsCall,
    },
}

/// A retail order to create.
#[derive(Debug, Clone, PartialEq)]
pub struct NewOrder {
    pub product: String,
    pub face_value: Money,
    /// POSA: the scanned card.
    pub card: Option<String>,
    pub store: String,
    pub terminal: String,
    pub country: String,
    pub receipt_id: String,
    pub width: u16,
    pub locale: Locale,
    /// Idempotency key: a retry of the same create sends the same key.
    pub key: String,
}

/// Which retail call a reply answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderStep {
    Create,
    Confirm,
    Get,
    Invalidate,
}

/// The outcome of a [`Request`].
#[derive(Debug, Clone)]
pub enum Reply {
    TerminalInfo(Result<TerminalView, CallError>),
    Login(Result<UserView, CallError>),
    LoggedOut,
    Health(Result<(), CallError>),
    /// The printer's own report: ready, or why not.
    PrinterStatus(Result<(), String>),
    Gift {
        op: u64,
        result: Result<GiftOutcome, CallError>,
    },
    Products(Result<Vec<ProductView>, CallError>),
    Order {
        op: u64,
        step: OrderStep,
        result: Result<OrderView, CallError>,
    },
    Journal(Result<Vec<JournalEntry>, CallError>),
    /// The duplicate, and how printing it went (when a printer is set up).
    Reprint(Result<ReceiptView, CallError>, Option<Result<(), String>>),
    /// A test print's outcome.
    Printed(Result<(), String>),
    /// How printing a stored receipt went ([`Request::Print`]).
    ReceiptPrinted {
        receipt_id: String,
        result: Result<(), String>,
    },
    SettingsSaved(Result<String, String>),
    Manager(Result<super::manager_calls::ManagerReply, CallError>),
    Users(Result<super::users_calls::UsersReply, CallError>),
    Spots {
        op: u64,
        result: Result<screens::spots::SpotsOutcome, CallError>,
    },
}

/// A question that needs a yes before something happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub title: String,
    pub body: Vec<String>,
    pub yes_label: &'static str,
    pub no_label: &'static str,
    pub danger: bool,
    pub ask: Ask,
}

/// What a confirmed question does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    Quit,
    Logout,
    /// Print the receipt that did not print, once the cashier has looked at the printer.
    RetryPrint,
    /// Handed back to the current screen.
    Screen(u32),
}

/// Drawn over the screen; takes keys first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    Help { title: String, rows: Vec<(String, String)> },
    Confirm(Confirm),
    Message { title: String, body: Vec<String>, danger: bool },
}

impl Overlay {
    pub fn error(title: &str, body: impl Into<String>) -> Overlay {
        Overlay::Message { title: title.to_string(), body: vec![body.into()], danger: true }
    }
}

/// Where a screen asks to go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goto {
    Login,
    Home,
    Gift,
    Retail,
    Journal,
    Settings,
    Shift,
    Reports,
    Spots,
    /// The users, to unlock one.
    Users,
    /// A manager approves at the till before the settings open.
    ApproveSettings,
}

/// What a screen handler may do besides changing its own state.
pub struct Cx<'a> {
    pub ctx: &'a mut Ctx,
    pub requests: Vec<Request>,
    pub goto: Option<Goto>,
    pub overlay: Option<Overlay>,
}

impl<'a> Cx<'a> {
    fn new(ctx: &'a mut Ctx) -> Cx<'a> {
        Cx { ctx, requests: Vec::new(), goto: None, overlay: None }
    }
    pub fn send(&mut self, r: Request) {
        self.requests.push(r);
    }
    pub fn go(&mut self, g: Goto) {
        self.goto = Some(g);
    }
    pub fn confirm(&mut self, c: Confirm) {
        self.overlay = Some(Overlay::Confirm(c));
    }
    pub fn error(&mut self, title: &str, body: impl Into<String>) {
        self.overlay = Some(Overlay::error(title, body));
    }
    pub fn message(&mut self, title: &str, body: Vec<String>) {
        self.overlay = Some(Overlay::Message { title: title.to_string(), body, danger: false });
    }
}

/// The whole till.
pub struct App {
    pub ctx: Ctx,
    pub screen: Screen,
    pub overlay: Option<Overlay>,
    pub theme: Theme,
    pub quit: bool,
    outbox: Vec<Request>,
    idle_secs: u64,
    ticks: u64,
    /// What was open when the till locked itself: the user's number, the screen and its dialog,
    /// given back when that user unlocks (anyone else starts from home).
    locked: Option<(u32, Screen, Option<Overlay>)>,
}

/// How often the engine connection is checked, in seconds.
const HEALTH_EVERY: u64 = 10;

impl App {
    pub fn new(ctx: Ctx, theme: Theme) -> App {
        ctx.speak();
        let mut app = App {
            ctx,
            screen: Screen::Login(screens::login::Login::new()),
            overlay: None,
            theme,
            quit: false,
            outbox: vec![Request::TerminalInfo],
            idle_secs: 0,
            ticks: 0,
            locked: None,
        };
        app.ctx.link = Link::Connecting;
        app
    }

    /// Requests produced since the last call, in order.
    pub fn take_requests(&mut self) -> Vec<Request> {
        std::mem::take(&mut self.outbox)
    }

    /// Whether an operation is unfinished (quitting then needs a yes).
    pub fn busy(&self) -> bool {
        self.screen.busy()
    }

    pub fn update(&mut self, msg: Msg) {
        self.ctx.speak();
        match msg {
            Msg::Input(input) => {
                self.idle_secs = 0;
                self.input(input);
            }
            Msg::Reply(reply) => self.reply(*reply),
            Msg::Tick(clock) => self.tick(clock),
        }
    }

    fn input(&mut self, input: Input) {
        if let Some(ov) = self.overlay.take() {
            self.overlay_input(ov, input);
            return;
        }
        match input {
            Input::Key(key) => self.key(key),
            other => {
                self.with_screen(|s, cx| s.on_input(other, cx));
            }
        }
    }

    fn overlay_input(&mut self, ov: Overlay, input: Input) {
        let Input::Key(key) = input else {
            // A scan or swipe while a dialog is open must not act behind it.
            self.overlay = Some(ov);
            return;
        };
        match ov {
            Overlay::Help { .. } => {}
            Overlay::Message { .. } => {
                if !matches!(key.code, KeyCode::Enter | KeyCode::Esc | KeyCode::Char(' ')) {
                    self.overlay = Some(ov);
                }
            }
            Overlay::Confirm(c) => match key.code {
                KeyCode::Enter | KeyCode::Char('y') | KeyCode::Char('Y') => self.confirmed(c.ask),
                KeyCode::Esc | KeyCode::Char('n') | KeyCode::Char('N') if c.ask == Ask::RetryPrint => {}
                KeyCode::Esc | KeyCode::Char('n') | KeyCode::Char('N') => {
                    self.with_screen(|s, cx| s.on_declined(c.ask, cx));
                }
                _ => self.overlay = Some(Overlay::Confirm(c)),
            },
        }
    }

    fn key(&mut self, key: KeyEvent) {
        let bindings = self.screen.bindings(&self.ctx);
        let text_focus = self.screen.text_focus();
        match keymap::resolve(&bindings, &key, text_focus) {
            Some(action) => self.action(action),
            None if text_focus => self.screen.on_text(&key),
            None => {}
        }
    }

    /// Acts on one action (keys, and tests that want to skip the keymap).
    pub fn action(&mut self, action: Action) {
        match action {
            Action::Help => {
                let rows = keymap::help_rows(&self.screen.bindings(&self.ctx));
                self.overlay = Some(Overlay::Help { title: self.screen.title().to_string(), rows });
            }
            Action::Quit => {
                // A call out, or something typed for one not yet sent: ask before losing it.
                let (title, body) = if self.busy() {
                    let check = crate::t!("common-quit-unfinished-check");
                    (crate::t!("common-quit-unfinished-title"), vec![crate::t!("common-quit-unfinished"), check])
                } else if self.screen.started() {
                    (crate::t!("common-quit-typed-title"), vec![crate::t!("common-quit-typed")])
                } else {
                    self.quit = true;
                    return;
                };
                let (yes_label, no_label) = (crate::ts!("common-quit-anyway"), crate::ts!("common-stay"));
                let ask = Ask::Quit;
                self.overlay = Some(Overlay::Confirm(Confirm { title, body, yes_label, no_label, danger: true, ask }));
            }
            Action::Logout => {
                if self.busy() {
                    self.overlay = Some(Overlay::error(
                        &crate::t!("common-finish-first"),
                        crate::t!("common-finish-before-logout"),
                    ));
                } else {
                    self.confirmed(Ask::Logout);
                }
            }
            other => {
                self.with_screen(|s, cx| s.on_action(other, cx));
            }
        }
    }

    fn confirmed(&mut self, ask: Ask) {
        match ask {
            Ask::Quit => self.quit = true,
            Ask::Logout => {
                self.outbox.push(Request::Logout);
                self.ctx.user = None;
                self.screen = Screen::Login(screens::login::Login::new());
            }
            Ask::RetryPrint => {
                if let Some(job) = &self.ctx.print {
                    let receipt_id = job.receipt_id.clone();
                    self.send_print(receipt_id);
                }
            }
            Ask::Screen(_) => {
                self.with_screen(|s, cx| s.on_confirmed(ask, cx));
            }
        }
    }

    fn reply(&mut self, reply: Reply) {
        // Any answer tells us about the connection.
        match reply_error(&reply) {
            Some(CallError::Unreachable(m)) => self.ctx.link = Link::Lost(m.clone()),
            Some(CallError::Uncertain(_)) => {}
            _ => self.ctx.link = Link::Online,
        }
        match reply {
            Reply::TerminalInfo(Ok(t)) => {
                self.ctx.terminal = Some(t);
                // The store's locale may change the language for what this reply's handling says,
                // and for the labels of the login screen already up.
                self.ctx.speak();
                if let Screen::Login(l) = &mut self.screen {
                    l.relabel();
                }
            }
            Reply::TerminalInfo(Err(e)) => {
                if let Screen::Login(l) = &mut self.screen {
                    l.notice = Some(crate::t!("login-engine-unavailable", reason = e.message()));
                    l.engine_notice = true;
                }
            }
            Reply::Health(Ok(())) => {
                // Back after an outage, or up at last: learn who this till is if we do not know yet.
                if self.ctx.terminal.is_none() {
                    self.outbox.push(Request::TerminalInfo);
                }
                if let Screen::Login(l) = &mut self.screen
                    && l.engine_notice
                {
                    l.notice = None;
                    l.engine_notice = false;
                }
            }
            Reply::Health(Err(_)) | Reply::LoggedOut => {}
            Reply::PrinterStatus(r) => {
                if self.ctx.settings.printer_configured() {
                    self.ctx.printer = match r {
                        Ok(()) => PrinterState::Ready,
                        Err(e) => PrinterState::Failed(e),
                    };
                }
            }
            Reply::ReceiptPrinted { receipt_id, result } => self.receipt_printed(receipt_id, result),
            // A test print from the settings screen: its outcome is said there, in place of "sending".
            Reply::Printed(r) if matches!(self.screen, Screen::Settings(_)) => {
                self.ctx.printer = match &r {
                    Ok(()) => PrinterState::Ready,
                    Err(e) => PrinterState::Failed(e.clone()),
                };
                self.with_screen(|s, cx| s.on_reply(Reply::Printed(r), cx));
            }
            Reply::Printed(r) => {
                self.ctx.printer = match r {
                    Ok(()) => PrinterState::Ready,
                    Err(e) => {
                        self.overlay = Some(Overlay::error(
                            &crate::t!("common-printer"),
                            crate::t!("common-receipt-did-not-print", reason = e.clone()),
                        ));
                        PrinterState::Failed(e)
                    }
                };
            }
            // A trainer moves no money on the live ledger (engine::roles): the live till sends them
            // to the training till instead of opening screens that would refuse everything.
            Reply::Login(Ok(user)) if user.role == super::model::Role::Trainer && !self.ctx.training => {
                self.outbox.push(Request::Logout);
                let mut login = screens::login::Login::new();
                login.notice = Some(crate::t!("cashier-trainer-live"));
                self.screen = Screen::Login(login);
            }
            Reply::Login(Ok(user)) => {
                let resume = self.locked.take().filter(|(n, _, _)| *n == user.number);
                self.ctx.user = Some(user);
                self.outbox.push(Request::TerminalInfo);
                match resume {
                    // Unlocked by the user it locked on: back where they were, dialog and all.
                    Some((_, screen, overlay)) => {
                        self.screen = screen;
                        self.overlay = overlay;
                    }
                    None => self.goto(Goto::Home),
                }
            }
            other => {
                if let Some(CallError::Unauthorized(_)) = reply_error(&other)
                    && self.ctx.user.is_some()
                {
                    self.ctx.user = None;
                    let mut login = screens::login::Login::new();
                    login.notice = Some(crate::t!("login-session-ended"));
                    self.screen = Screen::Login(login);
                    return;
                }
                let receipt = match &other {
                    Reply::Gift { result: Ok(o), .. } => o.receipt.clone(),
                    Reply::Order { step: OrderStep::Confirm | OrderStep::Get, result: Ok(o), .. }
                        if o.state == OrderState::Confirmed =>
                    {
                        o.receipt.clone()
                    }
                    Reply::Spots { result: Ok(o), .. } => o.receipt.clone(),
                    _ => None,
                };
                self.with_screen(|s, cx| s.on_reply(other, cx));
                self.auto_print(receipt.as_ref());
            }
        }
    }

    fn tick(&mut self, clock: String) {
        self.ctx.clock = clock;
        self.ticks += 1;
        self.idle_secs += 1;
        if self.ticks.is_multiple_of(HEALTH_EVERY) {
            self.outbox.push(Request::Health);
            if self.ctx.settings.printer_configured() && self.ctx.printer != PrinterState::Printing {
                self.outbox.push(Request::PrinterStatus);
            }
        }
        self.with_screen(|s, cx| s.on_tick(cx));
        let lock_after = self.ctx.settings.lock_after_secs;
        if self.ctx.user.is_some() && lock_after > 0 && self.idle_secs >= lock_after && !self.busy() {
            self.outbox.push(Request::Logout);
            let number = self.ctx.user.take().map(|u| u.number);
            let mut login = screens::login::Login::new();
            if let Some(n) = number {
                login.prefill(n);
            }
            login.notice = Some(crate::t!("login-locked-idle"));
            let overlay = self.overlay.take();
            let open = std::mem::replace(&mut self.screen, Screen::Login(login));
            self.locked = number.map(|n| (n, open, overlay));
        }
    }

    /// Runs a screen handler and applies what it asked for.
    fn with_screen(&mut self, f: impl FnOnce(&mut Screen, &mut Cx)) {
        let mut cx = Cx::new(&mut self.ctx);
        f(&mut self.screen, &mut cx);
        let Cx { requests, goto, overlay, .. } = cx;
        self.apply(requests, goto, overlay);
    }

    fn apply(&mut self, requests: Vec<Request>, goto: Option<Goto>, overlay: Option<Overlay>) {
        for r in requests {
            match r {
                // A screen's print key: tracked like an automatic print.
                Request::Print { receipt_id } => self.send_print(receipt_id),
                other => self.outbox.push(other),
            }
        }
        if let Some(o) = overlay {
            self.overlay = Some(o);
        }
        if let Some(g) = goto {
            self.goto(g);
        }
    }

    fn goto(&mut self, g: Goto) {
        let mut cx = Cx::new(&mut self.ctx);
        self.screen = Screen::open(g, &mut cx);
        self.outbox.extend(cx.requests);
    }

    /// Draws the whole till.
    pub fn render(&self, f: &mut Frame) {
        self.ctx.speak();
        let area = f.area();
        f.render_widget(ratatui::widgets::Block::default().style(self.theme.base), area);
        let banner = if self.ctx.training { 1 } else { 0 };
        let [status, banner_area, body, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(banner),
            Constraint::Min(0),
            Constraint::Length(1),
        ])
        .areas(area);
        widgets::status_bar(f, status, &self.ctx, &self.theme);
        if self.ctx.training {
            widgets::training_banner(f, banner_area, &self.theme);
        }
        self.screen.render(f, body, &self.ctx, &self.theme);
        match &self.overlay {
            // A dialog takes every key first: the footer names its keys, not the screen's beneath.
            Some(o) => {
                widgets::footer_hints(f, footer, &widgets::overlay_keys(o), None, &self.theme);
                widgets::overlay(f, body, o, &self.theme);
            }
            None => widgets::footer(f, footer, &self.screen.bindings(&self.ctx), &self.theme),
        }
    }
}

fn reply_error(r: &Reply) -> Option<&CallError> {
    match r {
        Reply::TerminalInfo(Err(e))
        | Reply::Login(Err(e))
        | Reply::Health(Err(e))
        | Reply::Gift { result: Err(e), .. }
        | Reply::Products(Err(e))
        | Reply::Order { result: Err(e), .. }
        | Reply::Journal(Err(e))
        | Reply::Reprint(Err(e), _)
        | Reply::Spots { result: Err(e), .. }
        | Reply::Users(Err(e)) => Some(e),
        _ => None,
    }
}
