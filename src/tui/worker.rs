//! Carries out [`Request`]s with the typed [`Client`] and turns the answers into [`Reply`]s. This is
//! the only place that knows wire types; screens see the view data in `model`.

use std::sync::{Arc, Mutex};

use tokio::sync::watch;

use super::app::{NewOrder, OrderStep, Reply, Request};
use super::calls;
use super::model::*;
use crate::client::till::{self, TerminalInfo};
use crate::client::{Client, ClientError, retail};
use crate::money::{Currency, Locale, Money};

/// The engine as the till reaches it: a client (once the engine is up) and the session token.
#[derive(Clone)]
pub struct Link {
    client: watch::Receiver<Option<Result<Client, String>>>,
    session: Arc<Mutex<Option<String>>>,
    /// What the engine said about this till (merchant id, store, receipt header).
    terminal: Arc<Mutex<Option<TerminalInfo>>>,
    /// The logged-in user, for the `cashier` field and receipts.
    user: Arc<Mutex<Option<UserView>>>,
    /// The till's merchant credential file for `/rest/v1` (the spots board).
    spots_credential: Option<std::path::PathBuf>,
    /// This till's own terminal id (`--terminal` or its settings), over the engine's default.
    terminal_id: Option<String>,
}

impl Link {
    /// A link whose client arrives later through the returned sender (the engine may still be starting).
    pub fn pending() -> (watch::Sender<Option<Result<Client, String>>>, Link) {
        let (tx, rx) = watch::channel(None);
        (tx, Link::from_rx(rx))
    }

    /// A link to an engine that is already up.
    pub fn ready(client: Client) -> Link {
        let (_tx, rx) = watch::channel(Some(Ok(client)));
        Link::from_rx(rx)
    }

    fn from_rx(rx: watch::Receiver<Option<Result<Client, String>>>) -> Link {
        Link {
            client: rx,
            session: Arc::new(Mutex::new(None)),
            terminal: Arc::new(Mutex::new(None)),
            user: Arc::new(Mutex::new(None)),
            spots_credential: None,
            terminal_id: None,
        }
    }

    /// Where the spots board finds the till's merchant credential (`<data>/spots-merchant.json`).
    pub fn with_spots_credential(mut self, path: std::path::PathBuf) -> Link {
        self.spots_credential = Some(path);
        self
    }

    /// This till's terminal id, over the one the engine's configuration names.
    pub fn with_terminal(mut self, id: String) -> Link {
        self.terminal_id = Some(id);
        self
    }

    /// The `/rest/v1` client of the spots board.
    pub(super) async fn spots(&self) -> Result<crate::client::spots::SpotsClient, CallError> {
        let base = self.client().await?;
        let path = self.spots_credential.as_ref().ok_or_else(|| CallError::Refused {
            code: "no_credential".into(),
            message: "This till has no spots credential.".into(),
        })?;
        let cred = crate::client::spots::Credential::load(path).map_err(|e| CallError::Refused {
            code: "no_credential".into(),
            message: format!("The spots credential could not be read: {e}"),
        })?;
        crate::client::spots::SpotsClient::new(base.base_url(), cred).map_err(call_error)
    }

    /// The terminal info, fetching it if it is not known yet.
    pub(super) async fn terminal(&self) -> Result<TerminalInfo, CallError> {
        if let Some(t) = self.terminal.lock().ok().and_then(|t| t.clone()) {
            return Ok(t);
        }
        let mut t = self.client().await?.terminal_info().await.map_err(call_error)?;
        if let Some(id) = &self.terminal_id {
            t.terminal_id = id.clone();
        }
        if let Ok(mut slot) = self.terminal.lock() {
            *slot = Some(t.clone());
        }
        Ok(t)
    }

    pub(super) fn user(&self) -> Option<UserView> {
        self.user.lock().ok().and_then(|u| u.clone())
    }

    /// The client, waiting for the engine to come up; with the session token once logged in.
    pub(super) async fn client(&self) -> Result<Client, CallError> {
        let mut rx = self.client.clone();
        let base = match rx.wait_for(|c| c.is_some()).await {
            Ok(c) => match c.as_ref() {
                Some(Ok(c)) => c.clone(),
                Some(Err(e)) => return Err(CallError::Unreachable(e.clone())),
                None => return Err(CallError::Unreachable("the engine did not start".into())),
            },
            Err(_) => return Err(CallError::Unreachable("the engine did not start".into())),
        };
        let token = self.session.lock().map(|s| s.clone()).unwrap_or(None);
        Ok(match token {
            Some(t) => base.with_token(&t),
            None => base,
        })
    }

    fn set_session(&self, token: Option<String>, user: Option<UserView>) {
        if let Ok(mut s) = self.session.lock() {
            *s = token;
        }
        if let Ok(mut u) = self.user.lock() {
            *u = user;
        }
    }
}

/// Maps a client failure to what the screen must do about it.
pub fn call_error(e: ClientError) -> CallError {
    match e {
        ClientError::Connect(m) => CallError::Unreachable(m),
        ClientError::Timeout(m) => CallError::Uncertain(m),
        ClientError::Declined { status: 401, message, .. } => CallError::Unauthorized(message),
        ClientError::Declined { code, message, .. } => CallError::Refused { code, message },
        ClientError::BadReply(m) => CallError::Uncertain(format!("unreadable reply: {m}")),
    }
}

/// What the till does on its own machine: its settings file, its printer, its clock.
#[derive(Debug, Clone)]
pub struct Local {
    pub settings_path: Option<std::path::PathBuf>,
    pub offset: time::UtcOffset,
    /// The settings in force (printer, width), kept current by the app.
    pub settings: Arc<Mutex<super::settings::Settings>>,
    pub training: bool,
    /// `--printer` for this run: (the printer given, the one the settings file holds). Saving
    /// keeps the file's printer unless the cashier typed another.
    pub printer_for_run: Option<(String, String)>,
}

impl Local {
    pub fn new(
        settings_path: Option<std::path::PathBuf>,
        offset: time::UtcOffset,
        settings: super::settings::Settings,
        training: bool,
    ) -> Local {
        Local { settings_path, offset, settings: Arc::new(Mutex::new(settings)), training, printer_for_run: None }
    }

    /// This run prints to `given` (`--printer`); the settings file keeps `in_file`.
    pub fn with_printer_for_run(mut self, given: String, in_file: String) -> Local {
        self.printer_for_run = Some((given, in_file));
        self
    }

    /// What goes into the settings file for `settings` in force: a printer given for this run
    /// only stays out of it.
    pub fn to_save(&self, settings: &super::settings::Settings) -> super::settings::Settings {
        let mut out = settings.clone();
        if let Some((given, in_file)) = &self.printer_for_run
            && settings.printer.trim() == given.trim()
        {
            out.printer = in_file.clone();
        }
        out
    }
    pub fn settings(&self) -> super::settings::Settings {
        self.settings.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

/// Performs one request.
pub async fn perform(link: &Link, local: &Local, req: Request) -> Reply {
    match req {
        Request::SaveSettings { settings } => {
            let saved = match &local.settings_path {
                Some(p) => local.to_save(&settings).save(p).map(|()| p.display().to_string()),
                None => Err("there is no config directory on this machine".into()),
            };
            if saved.is_ok()
                && let Ok(mut s) = local.settings.lock()
            {
                *s = settings;
            }
            Reply::SettingsSaved(saved)
        }
        Request::Spots { op, call } => {
            Reply::Spots { op, result: super::spots_calls::perform(link, local, call).await }
        }
        Request::TerminalInfo => Reply::TerminalInfo(terminal_info(link).await),
        Request::Login { number, pin } => Reply::Login(login(link, number, &pin).await),
        Request::Logout => {
            if let Ok(c) = link.client().await {
                let _ = c.logout().await;
            }
            link.set_session(None, None);
            Reply::LoggedOut
        }
        Request::PrinterStatus => Reply::PrinterStatus(calls::printer_status(local).await),
        Request::Health => match link.client().await {
            Ok(c) => Reply::Health(c.healthz().await.map_err(call_error)),
            Err(e) => Reply::Health(Err(e)),
        },
        Request::Products { country } => Reply::Products(products(link, country).await),
        Request::CreateOrder { op, order } => {
            Reply::Order { op, step: OrderStep::Create, result: create_order(link, &order).await }
        }
        Request::ConfirmOrder { op, order_id, tender, value, key } => {
            let result = async {
                let c = link.client().await?;
                let body = retail::ConfirmOrder {
                    payment_method: Some(tender.label().to_string()),
                    receipt_value: Some(value.into()),
                };
                let o = c.confirm_retail_order(&order_id, &body, &key).await.map_err(call_error)?;
                let mut v = order_view(o.clone())?;
                if v.state == OrderState::Confirmed {
                    v.receipt = calls::retail_receipt(link, local, &o, tender).await.ok();
                }
                Ok(v)
            }
            .await;
            Reply::Order { op, step: OrderStep::Confirm, result }
        }
        Request::GetOrder { op, order_id } => {
            let result = async {
                let c = link.client().await?;
                let o = c.retail_order(&order_id).await.map_err(call_error)?;
                let mut v = order_view(o.clone())?;
                if v.state == OrderState::Confirmed {
                    // Confirmed though the reply was lost: its receipt (stored under the order id once).
                    let tender = if o.payment_method.as_deref() == Some("card") { Tender::Card } else { Tender::Cash };
                    v.receipt = calls::retail_receipt(link, local, &o, tender).await.ok();
                }
                Ok(v)
            }
            .await;
            Reply::Order { op, step: OrderStep::Get, result }
        }
        Request::InvalidateOrder { op, order_id, key } => {
            let result = async {
                let c = link.client().await?;
                order_view(c.invalidate_retail_order(&order_id, &key).await.map_err(call_error)?)
            }
            .await;
            Reply::Order { op, step: OrderStep::Invalidate, result }
        }
        Request::Gift { op, call } => Reply::Gift { op, result: calls::gift(link, local, &call).await },
        Request::Journal => Reply::Journal(calls::journal(link, local).await),
        Request::Reprint { receipt_id } => {
            let (view, printed) = calls::reprint(link, local, &receipt_id).await;
            Reply::Reprint(view, printed)
        }
        Request::Print { receipt_id } => {
            let result = calls::print(link, local, receipt_id.clone()).await;
            Reply::ReceiptPrinted { receipt_id, result }
        }
        Request::TestPrint { settings } => Reply::Printed(calls::test_print(local, &settings).await),
        Request::Manager(call) => Reply::Manager(super::manager_calls::perform(link, local, call).await),
        Request::Users(call) => Reply::Users(super::users_calls::perform(link, call).await),
    }
}

pub(super) fn wire_money(w: &retail::WireMoney) -> Result<Money, CallError> {
    let bad = |m: String| CallError::Uncertain(format!("unreadable amount: {m}"));
    let c = Currency::from_code(w.currency.trim()).map_err(|e| bad(e.to_string()))?;
    Money::parse(w.amount.trim(), c).map_err(|e| bad(e.to_string()))
}

async fn products(link: &Link, country: Option<String>) -> Result<Vec<ProductView>, CallError> {
    let c = link.client().await?;
    let mut out = Vec::new();
    let mut cursor = None;
    // The whole catalogue, page by page, so typing filters without a round trip per key.
    for _ in 0..50 {
        let page = c
            .products(&retail::ProductSearch {
                limit: Some(200),
                cursor: cursor.clone(),
                country: country.clone(),
                ..Default::default()
            })
            .await
            .map_err(call_error)?;
        for p in page.data.iter().filter(|p| p.active) {
            let denominations = p.denominations.iter().flatten().map(wire_money).collect::<Result<Vec<_>, _>>()?;
            out.push(ProductView {
                code: p.code.clone(),
                name: p.name.clone(),
                brand: p.brand.clone(),
                kind: match p.kind {
                    retail::ProductKind::Por => ProductKind::Por,
                    retail::ProductKind::Posa => ProductKind::Posa,
                },
                denominations,
                min: p.min_value.as_ref().map(wire_money).transpose()?,
                max: p.max_value.as_ref().map(wire_money).transpose()?,
            });
        }
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    Ok(out)
}

async fn create_order(link: &Link, o: &NewOrder) -> Result<OrderView, CallError> {
    let c = link.client().await?;
    let body = retail::CreateOrder {
        product_code: o.product.clone(),
        store_id: o.store.clone(),
        terminal_id: o.terminal.clone(),
        receipt_id: o.receipt_id.clone(),
        country: o.country.clone(),
        face_value: o.face_value.into(),
        receipt_printing: retail::ReceiptPrintingRequest {
            characters_per_line: u32::from(o.width),
            locale: o.locale.tag().to_string(),
        },
        card_number: o.card.clone(),
    };
    order_view(c.create_retail_order(&body, &o.key).await.map_err(call_error)?)
}

fn order_view(o: retail::OrderView) -> Result<OrderView, CallError> {
    Ok(OrderView {
        face_value: wire_money(&o.face_value)?,
        state: match o.state {
            retail::OrderState::Created => OrderState::Created,
            retail::OrderState::Confirmed => OrderState::Confirmed,
            retail::OrderState::Invalidated => OrderState::Invalidated,
            retail::OrderState::Expired => OrderState::Failed,
        },
        lines: o.receipt_printing.lines.unwrap_or_default(),
        message: None,
        receipt: None,
        id: o.id,
    })
}

async fn terminal_info(link: &Link) -> Result<TerminalView, CallError> {
    let t = link.terminal().await?;
    let currency = Currency::from_code(&t.currency)
        .map_err(|e| CallError::Refused { code: "config".into(), message: e.to_string() })?;
    let locale = Locale::parse(&t.locale).unwrap_or(Locale::EnUs);
    let limits = t.gift_limits.as_ref().and_then(|l| {
        let m = |s: &str| crate::money::Money::parse(s, currency).ok();
        Some(GiftLimits {
            min_load: m(&l.min_load)?,
            max_load: m(&l.max_load)?,
            max_balance: m(&l.max_balance)?,
            cash_out: match l.cash_out.as_str() {
                "never" => None,
                "always" => Some(None),
                _ => Some(Some(m(&l.cash_out_threshold)?)),
            },
        })
    });
    Ok(TerminalView {
        merchant: t.merchant,
        store: t.store_id,
        terminal: t.terminal_id,
        country: t.country,
        currency,
        locale,
        demo: t.demo_users,
        limits,
    })
}

async fn login(link: &Link, number: u32, pin: &str) -> Result<UserView, CallError> {
    let c = link.client().await?;
    // The till registers its terminal id with the engine at login (two tills, two ids).
    let terminal = link.terminal().await.ok().map(|t| t.terminal_id);
    let s = c.login(number, pin, terminal.as_deref()).await.map_err(|e| match e {
        // A wrong PIN is a refusal with a message for the cashier, not a lost session.
        ClientError::Declined { code, message, .. } => CallError::Refused { code, message },
        other => call_error(other),
    })?;
    let role = match s.user.role {
        till::Role::Cashier => Role::Cashier,
        till::Role::Manager => Role::Manager,
        till::Role::Trainer => Role::Trainer,
    };
    let user = UserView { number: s.user.number, name: s.user.name, role };
    link.set_session(Some(s.token), Some(user.clone()));
    Ok(user)
}
