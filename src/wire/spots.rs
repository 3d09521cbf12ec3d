//! `/rest/v1`: spots, orders, transactions and wallet balances as `wallet-spots-api.txt` and the
//! reference wallet client (`paysera/lib-wallet-php-client`) shape them, snake_case throughout.
//! Amounts are integer minor units (`price`, `at_disposal`) with a decimal string beside them.
//!
//! Fields marked "till" are additions a client of the seed can ignore: the owning merchant sees
//! whether a spot registered itself from an unknown code and who is checked in, and each order's
//! transaction, so the board needs one request per refresh.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Every refusal: `{"error": "invalid_state", "error_description": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = SpotsErrorBody)]
pub struct ErrorBody {
    /// `invalid_request`, `invalid_parameters`, `unauthorized`, `forbidden`, `not_found`, `invalid_state`.
    #[schema(example = "invalid_state")]
    pub error: String,
    pub error_description: String,
}

/// `GET /rest/v1/server`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ServerTime {
    /// The server's clock, Unix seconds (sign MAC requests with a `ts` near it).
    pub time: i64,
}

/// The location's details on every spot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PlaceInfo {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_id: Option<i64>,
}

/// An order on a spot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Order {
    pub id: i64,
    pub transaction_key: String,
    /// `pending`, `reserved`, `confirmed` or `closed`.
    pub status: String,
    /// till: the order's transaction, for the merchant that owns the spot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction: Option<Transaction>,
    /// till: for the owning merchant, whether a `closed` order was paid by other means at the till
    /// (cash) rather than cancelled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_in_cash: Option<bool>,
}

/// till: a client checked in at a spot (owning merchant only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CheckIn {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wallet_id: Option<i64>,
}

/// A spot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Spot {
    pub id: i64,
    /// `closed`, `waiting` or `opened`.
    pub status: String,
    /// Only for the merchant client that owns the spot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    pub place_info: PlaceInfo,
    /// Only for a client checked in here (and the owning merchant), when there are orders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orders: Option<Vec<Order>>,
    /// till: false when the spot registered itself from a code with an unknown identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered: Option<bool>,
    /// till: who is checked in (owning merchant only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_ins: Option<Vec<CheckIn>>,
}

/// `_metadata` of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Metadata {
    pub total: i64,
    pub offset: i64,
    pub limit: i64,
}

/// `GET /rest/v1/spots`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SpotList {
    pub spots: Vec<Spot>,
    #[serde(rename = "_metadata")]
    pub metadata: Metadata,
}

/// One payment of a transaction to create.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NewPayment {
    pub description: String,
    /// Minor units (cents); or give `price_decimal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<i64>,
    /// The price as a decimal string, e.g. "12.50".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_decimal: Option<String>,
    /// ISO 4217; the store's currency when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub parameters: Option<serde_json::Value>,
}

/// `POST /rest/v1/transaction` (and `transaction` of an order request).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NewTransaction {
    pub payments: Vec<NewPayment>,
    /// Hours the reservation holds once reserved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserve_for: Option<u32>,
    /// Unix seconds the reservation holds until (instead of `reserve_for`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserve_until: Option<i64>,
    /// Where status changes are POSTed; `false` for none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub callback_uri: Option<serde_json::Value>,
}

/// A payment of a transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Payment {
    pub id: i64,
    pub transaction_key: String,
    pub created_at: i64,
    pub status: String,
    /// Minor units; after a lowered confirm, what was taken.
    pub price: i64,
    pub price_decimal: String,
    pub currency: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub parameters: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wallet: Option<i64>,
}

/// A transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Transaction {
    pub transaction_key: String,
    pub created_at: i64,
    /// `new`, `reserved`, `confirmed`, `revoked` or `rejected`.
    pub status: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// The paying wallet, once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wallet: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserve_until: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_uri: Option<String>,
    pub payments: Vec<Payment>,
}

/// `POST /spot/{id}/order`, `PUT /order/{id}`: an existing transaction's key, or a new one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OrderRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction: Option<NewTransaction>,
}

/// One lowered price in a confirm body `{"<payment id>": {"price": 900, "currency": "EUR"}}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PriceChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_decimal: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

/// `PUT /transaction/{key}/confirm` body: payment id → its lowered price (empty: confirm all).
pub type ConfirmRequest = BTreeMap<String, PriceChange>;

/// One currency of a wallet balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CurrencyBalance {
    pub at_disposal: i64,
    pub reserved: i64,
    pub at_disposal_decimal: String,
    pub reserved_decimal: String,
}

/// `GET /wallet/{id}/balance`: currency → balance.
pub type WalletBalance = BTreeMap<String, CurrencyBalance>;

/// `POST /till/v1/spot-orders/{id}/cash` (the till, with a cashier's session): the guest paid the
/// order by other means (cash at the till).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CashRequest {
    /// The till whose drawer took the cash; default: the cashier's open shift's, else the store's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminal: Option<String>,
}

/// One line of a cash-paid order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CashItem {
    pub description: String,
    /// Minor units.
    pub price: i64,
}

/// What marking an order paid in cash did: the order closed, the cash booked into `terminal`'s drawer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CashPaid {
    pub order: Order,
    /// The table (spot identifier).
    pub spot: String,
    pub terminal: String,
    /// Minor units.
    pub amount: i64,
    pub amount_decimal: String,
    pub currency: String,
    pub items: Vec<CashItem>,
    /// True when this order had been paid in cash already (a retry): nothing new was booked.
    pub replay: bool,
}
