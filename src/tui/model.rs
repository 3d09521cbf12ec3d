//! What the screens show: plain view data the worker builds from client replies. Screens never see
//! wire types, so a change in a wire format stops at the worker.

use crate::money::{Currency, Locale, Money};

/// A user's role, as the engine reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Cashier,
    Manager,
    Trainer,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Cashier => crate::ts!("common-role-cashier"),
            Role::Manager => crate::ts!("common-role-manager"),
            Role::Trainer => crate::ts!("common-role-trainer"),
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "cashier" => Some(Role::Cashier),
            "manager" => Some(Role::Manager),
            "trainer" => Some(Role::Trainer),
            _ => None,
        }
    }
}

/// The logged-in user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserView {
    pub number: u32,
    pub name: String,
    pub role: Role,
}

/// Who and where this till is, from the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalView {
    pub merchant: String,
    pub store: String,
    pub terminal: String,
    pub country: String,
    pub currency: Currency,
    pub locale: Locale,
    /// The engine still holds the demo users (the login screen then shows them).
    pub demo: bool,
    /// The gift card program's limits, when the engine told them.
    pub limits: Option<GiftLimits>,
}

/// The gift card program's limits: what the till refuses before the customer pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GiftLimits {
    pub min_load: Money,
    pub max_load: Money,
    pub max_balance: Money,
    /// `None`: cash-out never; `Some(None)`: always; `Some(Some(t))`: only at or under `t`.
    pub cash_out: Option<Option<Money>>,
}

/// The engine connection, as the status bar shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    Connecting,
    Online,
    Lost(String),
}

/// The printer, as the status bar shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterState {
    /// No printer configured: receipts are shown on screen only.
    PreviewOnly,
    Ready,
    Printing,
    Failed(String),
}

/// How a card was presented; the engine gets exactly what the reader gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardRef {
    Typed(String),
    Barcode(String),
    /// Track 2 data without sentinels.
    Track(String),
    /// No card yet: selling issues a new e-gift card.
    NewEgift,
}

impl CardRef {
    /// The digits a cashier can see on the card, for display before the engine has answered.
    pub fn digits(&self) -> &str {
        match self {
            CardRef::Typed(s) | CardRef::Barcode(s) => s,
            // Track 2 `PAN=YYMM…`; track 1 `BPAN^NAME^YYMM…` (its tail is not the card's number).
            CardRef::Track(t) => match t.strip_prefix(['B', 'b']).and_then(|r| r.split_once('^')) {
                Some((pan, _)) => pan,
                None => t.split('=').next().unwrap_or(t),
            },
            CardRef::NewEgift => "",
        }
    }
    /// `•••• 7897`: never more than the last four digits.
    pub fn masked(&self) -> String {
        match self {
            CardRef::NewEgift => crate::t!("gift-new-egift-card"),
            other => mask(other.digits()),
        }
    }
}

/// Masks a card number to its last four characters.
pub fn mask(number: &str) -> String {
    let n = number.chars().count();
    let tail: String = number.chars().skip(n.saturating_sub(4)).collect();
    format!("•••• {tail}")
}

/// A gift card as the card panel shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardView {
    pub card: CardRef,
    pub masked: String,
    pub status: CardStatus,
    pub balance: Option<Money>,
    pub program: String,
    /// The PIN the customer typed for this card, sent with every later call on it.
    pub pin: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardStatus {
    Active,
    Inactive,
    /// Deactivated (blocked): keeps its balance, works again once activated.
    Blocked,
    Unknown,
}

impl CardStatus {
    pub fn label(self) -> &'static str {
        match self {
            CardStatus::Active => crate::ts!("gift-status-active"),
            CardStatus::Inactive => crate::ts!("gift-status-inactive"),
            CardStatus::Blocked => crate::ts!("gift-status-blocked"),
            CardStatus::Unknown => crate::ts!("gift-status-unknown"),
        }
    }
}

/// The gift operations the till offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GiftKind {
    Sell,
    Reload,
    Redeem,
    Balance,
    CashOut,
    Exchange,
    Reverse,
    Activate,
    Deactivate,
    Refund,
}

impl GiftKind {
    pub fn label(self) -> &'static str {
        match self {
            GiftKind::Sell => crate::ts!("gift-kind-sell"),
            GiftKind::Reload => crate::ts!("gift-kind-reload"),
            GiftKind::Redeem => crate::ts!("gift-kind-redeem"),
            GiftKind::Balance => crate::ts!("gift-kind-balance"),
            GiftKind::CashOut => crate::ts!("gift-kind-cashout"),
            GiftKind::Exchange => crate::ts!("gift-kind-exchange"),
            GiftKind::Reverse => crate::ts!("gift-kind-reverse"),
            GiftKind::Activate => crate::ts!("gift-kind-activate"),
            GiftKind::Deactivate => crate::ts!("gift-kind-deactivate"),
            GiftKind::Refund => crate::ts!("gift-kind-refund"),
        }
    }
    /// Whether the operation needs an amount typed in.
    pub fn needs_amount(self) -> bool {
        matches!(self, GiftKind::Sell | GiftKind::Reload | GiftKind::Redeem | GiftKind::Refund)
    }
    /// Whether money changes hands at the counter (so a tender is chosen).
    pub fn takes_tender(self) -> bool {
        matches!(self, GiftKind::Sell | GiftKind::Reload)
    }
    /// Whether the operation moves money and needs the cashier's confirmation.
    pub fn moves_money(self) -> bool {
        !matches!(self, GiftKind::Balance)
    }
}

/// How the customer pays (or is paid).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tender {
    Cash,
    Card,
}

impl Tender {
    pub fn label(self) -> &'static str {
        match self {
            Tender::Cash => crate::ts!("common-tender-cash"),
            Tender::Card => crate::ts!("common-tender-card"),
        }
    }
}

/// One gift call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GiftCall {
    pub kind: GiftKind,
    pub card: CardRef,
    pub new_card: Option<CardRef>,
    pub amount: Option<Money>,
    pub tip: Option<Money>,
    pub tender: Option<Tender>,
    /// Idempotency and reversal key.
    pub external_id: String,
    /// For a reverse: the operation being reversed.
    pub reverses: Option<ReverseKey>,
    /// For a refund: the redeem being refunded (`pxTransactionId`).
    pub refund_of: Option<i64>,
    /// For a redeem the card does not cover: what the customer pays on top, and how.
    pub rest: Option<(Tender, Money)>,
    /// The card's PIN (`cardRegCode`), when the customer typed it.
    pub pin: Option<String>,
    /// A manager's number and PIN approving this one call (a cashier's refund, cash-out, …).
    pub approval: Option<(String, String)>,
}

/// How an operation to reverse is named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReverseKey {
    /// The `externalTransactionId` the till sent (works even when no reply came).
    External(String),
    /// The engine's `pxTransactionId` (from a receipt).
    Px(i64),
}

impl ReverseKey {
    pub fn label(&self) -> String {
        match self {
            ReverseKey::External(s) => s.clone(),
            ReverseKey::Px(n) => n.to_string(),
        }
    }
}

/// A gift call's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GiftOutcome {
    pub kind: GiftKind,
    pub masked: String,
    /// The card's number as the engine printed it (a new e-gift card's full number).
    pub card_number: String,
    pub previous: Option<Money>,
    pub current: Money,
    pub amount: Option<Money>,
    pub tx_id: i64,
    pub auth_code: String,
    pub external_id: String,
    /// The engine's `posMessages` (English, for the wire and the receipt); the screen says its
    /// own notes from the figures instead.
    pub messages: Vec<String>,
    /// What the till itself has to say about the operation (a receipt it could not store).
    pub local_notes: Vec<String>,
    pub receipt: Option<ReceiptView>,
}

/// A receipt laid out as text lines for the preview (and the number it is stored under).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReceiptView {
    pub id: Option<String>,
    pub lines: Vec<String>,
    /// The receipt kind (`gift_sale`, `retail_order`, …), for the per-kind auto-print setting.
    pub kind: String,
    /// Printing it pulses the cash drawer (cash changed hands; never training, never a reprint).
    pub opens_drawer: bool,
    /// The engine knows it printed already (never printed again by itself).
    pub printed: bool,
}

/// The last receipt sent to the printer, as the screens and the status bar tell it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintJob {
    pub receipt_id: String,
    pub state: PrintState,
}

/// Where a receipt is on its way to paper. "Printed" only once the printer took the whole job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrintState {
    Printing,
    Printed,
    /// Not printed (or perhaps partly, as `reason` says); the receipt stays queued, unprinted in
    /// the engine, until a person prints it again with one key.
    Failed(String),
}

/// How a product is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductKind {
    /// Print on receipt: the code is printed.
    Por,
    /// Point of sale activation: a physical card is scanned and activated.
    Posa,
}

/// A third-party gift card product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductView {
    pub code: String,
    pub name: String,
    pub brand: String,
    pub kind: ProductKind,
    pub denominations: Vec<Money>,
    pub min: Option<Money>,
    pub max: Option<Money>,
}

impl ProductView {
    /// Case-insensitive match of every word of `query` against name, brand and code.
    pub fn matches(&self, query: &str) -> bool {
        let hay = format!("{} {} {}", self.name, self.brand, self.code).to_lowercase();
        query.split_whitespace().all(|w| hay.contains(&w.to_lowercase()))
    }
    /// Whether a typed amount is allowed.
    pub fn allows(&self, m: Money) -> bool {
        if self.denominations.contains(&m) {
            return true;
        }
        match (self.min, self.max) {
            (Some(lo), Some(hi)) => m.minor() >= lo.minor() && m.minor() <= hi.minor(),
            _ => false,
        }
    }
}

/// A retail order's state as the engine reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderState {
    Created,
    Confirmed,
    Invalidated,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderView {
    pub id: String,
    pub state: OrderState,
    pub face_value: Money,
    /// Receipt lines from the engine (after confirm).
    pub lines: Vec<String>,
    /// The preliminary check's words, when it said more than yes.
    pub message: Option<String>,
    /// The stored receipt (after confirm).
    pub receipt: Option<ReceiptView>,
}

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    pub time: String,
    pub what: String,
    pub card: String,
    pub amount: Option<Money>,
    pub receipt_id: Option<String>,
    /// A gift operation that may still be reversed.
    pub reversible: Option<ReverseKey>,
    pub user: String,
    /// A split redeem: the part the customer paid in another tender (given back on a reversal).
    pub rest: Option<(Tender, Money)>,
}

/// Why a call did not give an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// The engine answered no, with a reason. Nothing happened.
    Refused { code: String, message: String },
    /// The request may or may not have taken effect (timeout, connection dropped mid-call).
    Uncertain(String),
    /// The request never reached the engine.
    Unreachable(String),
    /// The session is no longer valid.
    Unauthorized(String),
    /// No answer came, so the client undid the call by its id: `applied` tells whether the engine
    /// had done it (and it was reversed) or never did it (and now never will).
    Undone { applied: bool },
}

impl CallError {
    pub fn message(&self) -> String {
        match self {
            CallError::Refused { code, message } => super::declines::decline(code, message),
            // The detail (a URL, a socket error) is for the log, not the cashier.
            CallError::Uncertain(m) => {
                tracing::warn!(detail = %m, "no answer from the engine");
                crate::t!("common-error-uncertain")
            }
            CallError::Unreachable(m) => {
                tracing::warn!(detail = %m, "engine unreachable");
                crate::t!("common-error-unreachable")
            }
            CallError::Unauthorized(_) => crate::t!("common-error-unauthorized"),
            CallError::Undone { .. } => crate::t!("common-error-undone"),
        }
    }
}
