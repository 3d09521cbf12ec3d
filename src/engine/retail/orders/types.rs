//! The order types the engine shows and takes: states, create and confirm requests, the order
//! view (the payload of order webhooks; `/v1` maps it to `wire::retail` field for field), filters.

use serde::{Deserialize, Serialize};

use crate::engine::catalog::products::ProductKind;
use crate::engine::retail::DecimalMoney;

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
    pub(super) fn parse(s: &str) -> Option<OrderState> {
        [OrderState::Created, OrderState::Confirmed, OrderState::Invalidated, OrderState::Expired]
            .into_iter()
            .find(|st| st.as_str() == s)
    }
}

/// `receipt_printing` of a create request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptPrintingRequest {
    /// 24 to 64.
    pub characters_per_line: u32,
    /// de-DE, en-US, en-GB, fr-FR or nl-NL.
    pub locale: String,
}

/// `POST /v1/retail_orders`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateOrder {
    pub product_code: String,
    pub store_id: String,
    pub terminal_id: String,
    pub receipt_id: String,
    pub country: String,
    pub face_value: DecimalMoney,
    pub receipt_printing: ReceiptPrintingRequest,
    /// POSA products: the number of the physical card scanned at the till.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_number: Option<String>,
}

/// `POST /v1/retail_orders/{id}/actions/confirm`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmOrder {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<String>,
    /// Total value of the customer's receipt (at least the face value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt_value: Option<DecimalMoney>,
}

/// `receipt_printing` of an order; `lines` once it is confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptPrinting {
    pub characters_per_line: u32,
    pub locale: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<String>>,
}

/// A retail order as the engine shows it: the payload of order webhooks, and what `/v1` maps to
/// `wire::retail::OrderView` (the same JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderView {
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
    pub face_value: DecimalMoney,
    /// The partner's commission on this order.
    pub commission: DecimalMoney,
    /// What the distributor takes from the prepaid balance: face value minus commission.
    pub net_payable: DecimalMoney,
    /// POSA: the card number, masked to its last four digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt_value: Option<DecimalMoney>,
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

/// Filters for listing orders: find an order by its transaction context when its id was lost.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub store_id: Option<String>,
    pub terminal_id: Option<String>,
    pub receipt_id: Option<String>,
    pub state: Option<OrderState>,
    /// Order id to continue after (newest first).
    pub after: Option<String>,
    pub limit: u32,
}
