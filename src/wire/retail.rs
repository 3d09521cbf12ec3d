//! `/v1` on the wire (`seeds/retail-orders-api.txt`): money as `{"currency", "amount"}` with a
//! decimal string, stores, products, balances, two-step retail orders, settlements and webhook
//! subscriptions, snake_case as in the seed. The engine has its own types for all of these
//! (`engine::retail`, `engine::catalog`); `api::retail` maps between them.

use serde::{Deserialize, Serialize};

use crate::money::Money;

/// Money on the `/v1` wire: `{"currency": "EUR", "amount": "100.00"}`, the amount a decimal string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WireMoney {
    /// ISO 4217 code.
    #[schema(example = "EUR")]
    pub currency: String,
    /// Decimal string with at most the currency's decimals.
    #[schema(example = "100.0")]
    pub amount: String,
}

impl From<Money> for WireMoney {
    fn from(m: Money) -> Self {
        WireMoney { currency: m.currency().code().to_string(), amount: m.to_plain_string() }
    }
}

impl WireMoney {
    /// Parses into money: `None` when the currency is unknown or the amount is not a decimal with
    /// at most the currency's decimals (the server says which, in its error).
    pub fn to_money(&self) -> Option<Money> {
        let currency = crate::money::Currency::from_code(self.currency.trim()).ok()?;
        Money::parse(self.amount.trim(), currency).ok()
    }
}

/// A store's postal address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Address {
    pub street: String,
    pub postal_code: String,
    pub city: String,
}

/// A page of a list.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ListOf<T> {
    pub data: Vec<T>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// A registered store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StoreView {
    /// The partner's own store identifier.
    #[schema(example = "A1234")]
    pub id: String,
    pub name: String,
    pub address: Address,
    #[schema(example = "DE")]
    pub country: String,
    pub created_at: String,
}

/// `POST /v1/stores`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreateStore {
    /// The partner's own store identifier (`store_id` is accepted too).
    #[serde(alias = "store_id")]
    #[schema(example = "A1234")]
    pub id: String,
    pub name: String,
    pub address: Address,
    #[schema(example = "DE")]
    pub country: String,
}

/// The prepaid balance in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BalanceView {
    pub currency: String,
    /// What new orders can use: posted balance minus holds of created orders.
    pub available: WireMoney,
    /// Held by created orders not yet confirmed.
    pub on_hold: WireMoney,
    /// Top-ups minus confirmed orders plus reversals.
    pub posted: WireMoney,
}

/// `POST /v1/balances/top_ups`: a top-up of the prepaid balance, recorded once per Idempotency-Key.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TopUp {
    pub amount: WireMoney,
}

/// `POST /v1/retail_orders/{id}/actions/invalidate`: no fields (an empty body or `{}`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InvalidateOrder {}

/// `POST /v1/webhooks`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreateWebhook {
    #[schema(example = "https://partner.example/hooks/till")]
    pub url: String,
    /// Event types, or `"*"` for all: retail_order.created, retail_order.confirmed,
    /// retail_order.invalidated, retail_order.expired, product.created, product.updated.
    pub events: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StoreQuery {
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    /// Part of the name or city.
    pub q: Option<String>,
    /// 1 to 200, default 50.
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductQuery {
    /// Only products sold in this country.
    pub country: Option<String>,
    /// Only products sold in this store's country.
    pub store_id: Option<String>,
    pub brand: Option<String>,
    /// POR or POSA.
    pub kind: Option<ProductKind>,
    /// Part of the name or brand, or a product code.
    pub q: Option<String>,
    /// Include products that are not on sale.
    #[serde(default)]
    pub include_inactive: bool,
    /// 1 to 200, default 50.
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderQuery {
    pub store_id: Option<String>,
    pub terminal_id: Option<String>,
    /// Find the order of a receipt (e.g. when the reply to the create was lost).
    pub receipt_id: Option<String>,
    pub state: Option<OrderState>,
    /// 1 to 200, default 50.
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SettlementQuery {
    /// First day (UTC), inclusive: `2026-11-01`.
    pub from: Option<String>,
    /// Last day (UTC), inclusive.
    pub to: Option<String>,
    pub store_id: Option<String>,
}
/// How the product is delivered to the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum ProductKind {
    /// Print on receipt: a code from stock is printed.
    #[serde(rename = "POR")]
    Por,
    /// Point-of-sale activation: the scanned physical card is activated.
    #[serde(rename = "POSA")]
    Posa,
}

impl ProductKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProductKind::Por => "POR",
            ProductKind::Posa => "POSA",
        }
    }
}

/// A product on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProductView {
    /// EAN-13 product code.
    pub code: String,
    pub name: String,
    pub brand: String,
    /// ISO 3166-1 alpha-2 country it is sold in.
    pub country: String,
    pub currency: String,
    pub kind: ProductKind,
    /// Fixed face values (absent for range products).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub denominations: Option<Vec<WireMoney>>,
    /// Smallest face value of a range product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_value: Option<WireMoney>,
    /// Largest face value of a range product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_value: Option<WireMoney>,
    /// Commission the partner earns, percent of face value, e.g. "5.00".
    pub commission_percent: String,
    pub redemption_text: String,
    pub support_text: String,
    pub active: bool,
    /// POR codes left in stock (POR products only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stock: Option<u64>,
    pub updated_at: String,
}

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    /// Preliminary checks passed; the balance is held until confirm, invalidate or expiry.
    Created,
    /// Paid and delivered: the code was issued or the card activated.
    Confirmed,
    /// Voided (from created) or reversed (from confirmed): nothing is owed, the code or card is blocked.
    Invalidated,
    /// Never confirmed in time: the hold was released.
    Expired,
}

impl OrderState {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::Created => "created",
            OrderState::Confirmed => "confirmed",
            OrderState::Invalidated => "invalidated",
            OrderState::Expired => "expired",
        }
    }
}

/// `receipt_printing` of a create request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReceiptPrintingRequest {
    /// 24 to 64.
    #[schema(example = 40, minimum = 24, maximum = 64)]
    pub characters_per_line: u32,
    /// de-DE, en-US, en-GB, fr-FR or nl-NL.
    #[schema(example = "de-DE")]
    pub locale: String,
}

/// `POST /v1/retail_orders`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreateOrder {
    #[schema(example = "4001232232332")]
    pub product_code: String,
    #[schema(example = "A1234")]
    pub store_id: String,
    #[schema(example = "T01")]
    pub terminal_id: String,
    #[schema(example = "R1234567890")]
    pub receipt_id: String,
    #[schema(example = "DE")]
    pub country: String,
    pub face_value: WireMoney,
    pub receipt_printing: ReceiptPrintingRequest,
    /// POSA products: the number of the physical card scanned at the till.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_number: Option<String>,
}

/// `POST /v1/retail_orders/{id}/actions/confirm`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ConfirmOrder {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "cash")]
    pub payment_method: Option<String>,
    /// Total value of the customer's receipt (at least the face value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt_value: Option<WireMoney>,
}

/// `receipt_printing` of an order; `lines` once it is confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReceiptPrinting {
    pub characters_per_line: u32,
    pub locale: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<String>>,
}

/// A retail order on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrderView {
    #[schema(example = "ro_3f2a9c0d1e4b5a6978c0d1e2")]
    pub id: String,
    pub state: OrderState,
    pub product_code: String,
    pub product_name: String,
    pub brand: String,
    pub kind: ProductKind,
    pub store_id: String,
    pub terminal_id: String,
    pub receipt_id: String,
    pub country: String,
    pub face_value: WireMoney,
    /// The partner's commission on this order.
    pub commission: WireMoney,
    /// What the distributor takes from the prepaid balance: face value minus commission.
    pub net_payable: WireMoney,
    /// POSA: the card number, masked to its last four digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt_value: Option<WireMoney>,
    pub receipt_printing: ReceiptPrinting,
    pub created_at: String,
    /// When a created order expires if it is not confirmed.
    pub expires_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalidated_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expired_at: Option<String>,
}

/// One day of one store in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SettlementRow {
    #[schema(example = "2026-11-21")]
    pub date: String,
    pub store_id: String,
    pub currency: String,
    pub confirmed_orders: u64,
    /// Confirmed orders invalidated that day (their amounts are subtracted).
    pub invalidations: u64,
    pub face_value: WireMoney,
    pub commission: WireMoney,
    /// Face value minus commission: what the distributor takes.
    pub net_payable: WireMoney,
}

/// Sums over the selected rows, per currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SettlementTotal {
    pub currency: String,
    pub confirmed_orders: u64,
    pub invalidations: u64,
    pub face_value: WireMoney,
    pub commission: WireMoney,
    pub net_payable: WireMoney,
}

/// `GET /v1/settlements`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Settlement {
    pub data: Vec<SettlementRow>,
    pub totals: Vec<SettlementTotal>,
}

/// A subscription as the API shows it (the secret only when it is created).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Subscription {
    pub id: String,
    pub url: String,
    pub events: Vec<String>,
    /// The signing secret; shown once, in the reply that creates the subscription.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    pub active: bool,
    pub created_at: String,
    /// Deliveries still to be made (retrying or not yet tried).
    pub pending_deliveries: u64,
    /// Deliveries given up after the last attempt.
    pub failed_deliveries: u64,
}
