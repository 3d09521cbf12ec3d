//! `/till/v1` on the wire: what the till itself needs beyond the public surfaces: who this
//! terminal is, cashier sessions and their roles, the receipt setup and stored receipts.

use serde::{Deserialize, Serialize};

use crate::receipt::{Receipt, ReceiptKind, StoreHeader};

/// Who and where this till is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TerminalInfo {
    pub merchant: String,
    /// `merchantId` for `/gift` calls.
    pub merchant_id: i64,
    /// What receipts print at the top.
    pub receipt_header: StoreHeader,
    /// What every receipt prints at the bottom (`[receipt] footer`: thanks, return policy).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub receipt_footer: Vec<String>,
    pub store_id: String,
    pub terminal_id: String,
    /// ISO 3166-1 alpha-2, e.g. `DE`.
    pub country: String,
    /// ISO 4217 code, e.g. `EUR`.
    pub currency: String,
    /// BCP 47 tag, e.g. `de-DE`.
    pub locale: String,
    /// The demo users (with their published PINs) still exist.
    pub demo_users: bool,
    /// The gift card program's limits, so the till refuses an amount before the customer pays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gift_limits: Option<GiftLimits>,
}

/// The gift card program's limits, as decimal amounts in the till's currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct GiftLimits {
    pub min_load: String,
    pub max_load: String,
    pub max_balance: String,
    /// `never`, `always`, or `at_or_under` (only at or under `cash_out_threshold`).
    pub cash_out: String,
    pub cash_out_threshold: String,
}

/// `POST /till/v1/sessions` body.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    pub user: u32,
    pub pin: String,
    /// The till's terminal id (`T02`), registered with the engine; absent: the engine's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminal: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UserInfo {
    pub number: u32,
    pub name: String,
    pub role: Role,
}

/// A new session.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SessionReply {
    /// The bearer token for every further call of this user.
    pub token: String,
    pub user: UserInfo,
    pub expires_in_secs: u64,
}

/// What a logged-in user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Cashier,
    Manager,
    Trainer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Cashier => "cashier",
            Role::Manager => "manager",
            Role::Trainer => "trainer",
        }
    }
}

/// What every receipt of this till starts from: the configured header, terminal, language and
/// footer (`[store]`, `[merchant]`, `[receipt]` of `till.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReceiptSetup {
    pub header: StoreHeader,
    pub terminal: String,
    /// The merchant's locale tag, e.g. `de-DE`.
    pub locale: String,
    /// The merchant's currency code, e.g. `EUR`.
    pub currency: String,
    pub footer: Vec<String>,
}

impl ReceiptSetup {
    /// The context for a receipt made now by `cashier`, live or in training.
    pub fn context(
        &self,
        cashier: Option<String>,
        training: bool,
        issued_at: time::OffsetDateTime,
    ) -> crate::receipt::Context {
        crate::receipt::Context {
            header: self.header.clone(),
            terminal: self.terminal.clone(),
            cashier,
            issued_at,
            locale: crate::money::Locale::parse(&self.locale).unwrap_or(crate::money::Locale::EnUs),
            training,
            footer: self.footer.clone(),
        }
    }
}

/// A receipt to store. `op_key` is the operation's idempotency key (e.g. the gift
/// `externalTransactionId`): sending the same key again returns the first stored receipt.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreateReceipt {
    pub receipt: Receipt,
    #[serde(default)]
    pub op_key: Option<String>,
}

/// A receipt as stored: its row data and the receipt (with its number filled in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StoredReceipt {
    pub id: i64,
    pub terminal: String,
    pub training: bool,
    pub number: u64,
    /// As printed and in the CODE128: `T01-000042`, `TRN-T01-000007`.
    pub number_text: String,
    pub kind: ReceiptKind,
    /// Whether a print of it is known to have gone out.
    pub printed: bool,
    /// How many reprints (duplicates) were asked for.
    pub reprints: u32,
    pub receipt: Receipt,
}

/// Which receipts to list, newest first.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::IntoParams)]
pub struct ReceiptQuery {
    pub terminal: Option<String>,
    /// Training receipts instead of live ones (default: live).
    #[serde(default)]
    pub training: bool,
    /// Only receipts that have not printed.
    #[serde(default)]
    pub unprinted: bool,
    /// Only receipts with an id below this (the `id` of the last receipt of the previous page).
    pub before: Option<i64>,
    /// At most this many (default 50, at most 500).
    pub limit: Option<u32>,
}

/// A user as `GET /till/v1/users` lists them (never the PIN).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UserRow {
    pub number: u32,
    pub name: String,
    pub role: Role,
    /// Locked after wrong PINs, until `locked_until` (Unix seconds).
    pub locked: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locked_until: Option<i64>,
    /// Wrong PINs in a row.
    pub failed_attempts: u32,
    pub disabled: bool,
}

/// `POST /till/v1/approvals` body: the action a manager approves at the till (`settings`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApprovalRequest {
    pub act: String,
}

/// Who approved: `approver` is the manager whose number and PIN came with the request, absent
/// when the caller's own role sufficed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApprovalReply {
    pub act: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approver: Option<u32>,
}
