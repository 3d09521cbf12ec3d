//! The scenario file: what a trainer writes (`assets/scenarios/*.toml`, or `scenarios/` in the data
//! directory). Parsed strictly (`deny_unknown_fields`): a misspelt key is an error with its line,
//! never a silently ignored step. Amounts are decimal strings (`"25.00"`), kept with their place in
//! the file so a wrong one is reported at its line.

use serde::Deserialize;
use toml::Spanned;

/// A whole scenario file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// What the trainer picks from the list.
    pub title: String,
    /// What the scenario practises, for the trainer.
    #[serde(default)]
    pub about: String,
    #[serde(default)]
    pub start: Start,
    pub steps: Vec<Step>,
}

/// The practice ledger's state before the first step.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Start {
    /// Gift cards the customer brings, sold from stock with this balance before the run.
    #[serde(default)]
    pub cards: Vec<StartCard>,
    /// Customers' wallets (`/rest/v1`), funded with this balance.
    #[serde(default)]
    pub wallets: Vec<StartWallet>,
    /// Tables with a checked-in customer and an open order.
    #[serde(default)]
    pub spots: Vec<StartSpot>,
    /// Third-party products (retail catalogue codes) the steps sell; each must be in the catalogue.
    #[serde(default)]
    pub products: Vec<Spanned<String>>,
    /// The trainee's shift is opened with this float (cash in the drawer).
    pub float: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartCard {
    /// How steps name the card (`card = "blue"`).
    pub name: Spanned<String>,
    pub balance: Spanned<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartWallet {
    pub name: Spanned<String>,
    pub balance: Spanned<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartSpot {
    /// The table's identifier on the spots board.
    pub table: Spanned<String>,
    /// The wallet (from `[[start.wallets]]`) of the customer checked in there.
    pub customer: Spanned<String>,
    /// The open order's amount.
    pub order: Spanned<String>,
}

/// One thing the customer wants, what the simulated hosts do meanwhile, and what a correct
/// cashier does.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Shown to the trainee as the customer's words.
    pub customer: String,
    #[serde(default)]
    pub hosts: Hosts,
    pub expect: Spanned<Expect>,
    /// Why it matters: printed on the score card when the step went wrong.
    pub why: String,
    /// How long a practised cashier takes; longer is noted on the score card (not failed).
    pub seconds: Option<u32>,
}

/// What the simulated hosts answer during a step. Unset: they behave normally.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Hosts {
    pub card: Option<CardAnswer>,
    pub gift: Option<ServiceAnswer>,
    pub retail: Option<ServiceAnswer>,
    pub stored_value: Option<CallbackAnswer>,
    pub wallet: Option<WalletAnswer>,
    pub printer: Option<PrinterAnswer>,
    /// The till's connection to the engine is lost for this many seconds.
    pub connection_lost_seconds: Option<u32>,
}

/// The card terminal.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(tag = "answer", rename_all = "snake_case", deny_unknown_fields)]
pub enum CardAnswer {
    Approve,
    /// Declined with the issuer's response code ("05", "51", …).
    Decline {
        code: String,
    },
    /// Approves only `approve` of the amount.
    Partial {
        approve: String,
    },
    /// Authorised; the customer must sign before capture.
    Signature,
    /// Silent, then a timeout; nothing is charged.
    NoAnswer,
}

/// The gift service or the retail distributor.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(tag = "answer", rename_all = "snake_case", deny_unknown_fields)]
pub enum ServiceAnswer {
    Success,
    /// A named failure (the service's error code).
    Failure {
        code: String,
    },
    /// No answer in time: the outcome is uncertain until the cashier resolves it.
    Timeout,
}

/// The stored-value callback.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(tag = "answer", rename_all = "snake_case", deny_unknown_fields)]
pub enum CallbackAnswer {
    OnTime,
    Late { seconds: u32 },
    Never,
}

/// The wallet customer at a table.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(tag = "answer", rename_all = "snake_case", deny_unknown_fields)]
pub enum WalletAnswer {
    Reserves,
    ReservesLate { seconds: u32 },
    NeverReserves,
}

/// The receipt printer.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PrinterAnswer {
    Ok,
    /// Paper runs out in the middle of the receipt.
    PaperOut,
    CoverOpen,
    Offline,
}

/// How the customer pays (what a correct cashier takes).
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Paid {
    Cash,
    Card,
}

/// What a correct cashier does in the step, checked against the practice ledger and journal.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
pub enum Expect {
    /// Sell a new gift card with `amount` on it, paid by `paid`.
    GiftSell { amount: String, paid: Paid, change: Option<String> },
    /// Load `amount` onto the named card.
    GiftReload { card: String, amount: String, paid: Paid },
    /// Take `amount` plus `tip` off the named card; `rest` is what the customer pays otherwise
    /// (split tender) and `paid` how.
    GiftRedeem { card: String, amount: String, tip: Option<String>, rest: Option<String>, paid: Option<Paid> },
    /// Sell a third-party card; the order is confirmed only when paid, and invalidated when the
    /// outcome was uncertain (never left pending).
    RetailSell { product: String, resolve: Resolve },
    /// Print the receipt and, after a paper-out, reprint it as a DUPLICATE (never the sale again).
    ReprintDuplicate,
    /// The table's order paid in cash at the till after the wallet never reserved.
    SpotCash { table: String, amount: String, change: Option<String> },
    /// Close the shift blind with the drawer counted at `counted`; the till books the difference.
    BlindClose { counted: String },
}

/// How an uncertain retail order ends when the cashier handles it right.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Resolve {
    Confirm,
    Invalidate,
}

impl Expect {
    /// The operation's name as the file writes it.
    pub fn name(&self) -> &'static str {
        match self {
            Expect::GiftSell { .. } => "gift_sell",
            Expect::GiftReload { .. } => "gift_reload",
            Expect::GiftRedeem { .. } => "gift_redeem",
            Expect::RetailSell { .. } => "retail_sell",
            Expect::ReprintDuplicate => "reprint_duplicate",
            Expect::SpotCash { .. } => "spot_cash",
            Expect::BlindClose { .. } => "blind_close",
        }
    }
}
