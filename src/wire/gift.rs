//! `/gift/*.json` on the wire: the request bodies, the seed's Success object, the CardInfo and the
//! decimal `Amount`, camelCase as in `gift-service-api.txt`. The Failure object is in
//! [`super::error::FailureBody`].

use serde::{Deserialize, Serialize};

use super::de::{object, optional_object};
use crate::money::Money;

/// A decimal amount on the wire: a JSON number (`25.5`) or string (`"25.50"`); never a float inside.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Amount(pub String);

impl Amount {
    pub fn from_money(m: Money) -> Amount {
        Amount(m.to_plain_string())
    }
}

impl Serialize for Amount {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Amount, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Amount;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a decimal amount such as \"25.00\" or 25.00")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Amount, E> {
                Ok(Amount(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Amount, E> {
                Ok(Amount(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Amount, E> {
                Ok(Amount(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Amount, E> {
                // Rust prints the shortest decimal that reads back as the same f64: 25.005 stays
                // "25.005" (and is refused as over-precise), 0.1 stays "0.1".
                if !v.is_finite() {
                    return Err(E::custom("amount must be a finite number"));
                }
                Ok(Amount(format!("{v}")))
            }
        }
        d.deserialize_any(V)
    }
}

/// The OpenAPI schema of [`Amount`]: what the server takes, a decimal string or a JSON number.
fn amount_schema() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
    OneOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::String).pattern(Some(r"^-?[0-9]+(\.[0-9]+)?$")))
        .item(ObjectBuilder::new().schema_type(Type::Number))
        .description(Some("A decimal amount: a string such as \"25.00\" (preferred) or a JSON number such as 25.00."))
        .build()
        .into()
}

/// The seed's CardInfo: one of the identifiers, plus an optional PIN (`cardRegCode`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CardInfoWire {
    /// The number printed on the card (spaces and dashes allowed). Max 64.
    #[schema(max_length = 64)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub printed_card_number: Option<String>,
    /// Track 2 (`;PAN=YYMM…?`, sentinels optional) or track 1 (`%BPAN^NAME^YYMM…?`). Max 128.
    #[schema(max_length = 128)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub track_info: Option<String>,
    /// Barcode data: the card number. Max 128.
    #[schema(max_length = 128)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub barcode: Option<String>,
    /// A phone number registered to a card. Max 32.
    #[schema(max_length = 32)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// Not accepted by this till (answered `unsupported_card_identifier`). Max 4096.
    #[schema(max_length = 4096)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apple_nfc_vas_payload: Option<String>,
    /// Not accepted by this till. Max 4096.
    #[schema(max_length = 4096)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub google_nfc_vas_payload: Option<String>,
    /// Not accepted by this till. Max 256.
    #[schema(max_length = 256)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_token: Option<String>,
    /// The card's PIN. Checked when sent; set when a card without one is sold or activated. Max 32.
    #[schema(max_length = 32)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_reg_code: Option<String>,
}

impl CardInfoWire {
    /// A card identified by its printed number.
    pub fn number(n: &str) -> CardInfoWire {
        CardInfoWire { printed_card_number: Some(n.to_string()), ..CardInfoWire::default() }
    }
}

/// `POST /gift/sell.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SellRequest {
    pub merchant_id: i64,
    /// Max 64.
    #[schema(max_length = 64)]
    pub store_code: String,
    /// The inactive card to activate and load; absent (or only `phoneNumber`): issue a new e-gift card.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "optional_object")]
    pub card_info: Option<CardInfoWire>,
    #[schema(schema_with = amount_schema, example = "25.00")]
    pub amount: Amount,
    #[schema(max_length = 255)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_number: Option<String>,
    #[schema(max_length = 100)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cashier: Option<String>,
    #[schema(max_length = 100)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminal_id: Option<String>,
    #[schema(max_length = 128)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_transaction_id: Option<String>,
    /// Where the money comes from: `cash` (default) or `card`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tender: Option<Tender>,
}

/// `POST /gift/reload.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReloadRequest {
    pub merchant_id: i64,
    #[schema(max_length = 64)]
    pub store_code: String,
    #[serde(deserialize_with = "object")]
    pub card_info: CardInfoWire,
    #[schema(schema_with = amount_schema, example = "25.00")]
    pub amount: Amount,
    #[schema(max_length = 255)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_number: Option<String>,
    #[schema(max_length = 100)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cashier: Option<String>,
    #[schema(max_length = 100)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminal_id: Option<String>,
    #[schema(max_length = 128)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_transaction_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tender: Option<Tender>,
}

/// `POST /gift/balance.json` (the seed's text for balance and redeem is swapped; these are the
/// balance parameters: no amount).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BalanceRequest {
    pub merchant_id: i64,
    #[schema(max_length = 64)]
    pub store_code: String,
    #[serde(deserialize_with = "object")]
    pub card_info: CardInfoWire,
    #[schema(max_length = 255)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_number: Option<String>,
    #[schema(max_length = 100)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cashier: Option<String>,
    #[schema(max_length = 100)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminal_id: Option<String>,
    /// Accepted and ignored: a balance enquiry changes nothing.
    #[schema(max_length = 128)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_transaction_id: Option<String>,
}

/// `POST /gift/redeem.json`: takes `amount + tip` off the card.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RedeemRequest {
    pub merchant_id: i64,
    #[schema(max_length = 64)]
    pub store_code: String,
    #[serde(deserialize_with = "object")]
    pub card_info: CardInfoWire,
    #[schema(schema_with = amount_schema, example = "12.50")]
    pub amount: Amount,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(schema_with = amount_schema, example = "1.50")]
    pub tip: Option<Amount>,
    /// When the card holds less than asked: take what it holds (true) or decline (false, default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_partial: Option<bool>,
    #[schema(max_length = 255)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_number: Option<String>,
    #[schema(max_length = 100)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cashier: Option<String>,
    #[schema(max_length = 100)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminal_id: Option<String>,
    #[schema(max_length = 128)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_transaction_id: Option<String>,
}

/// `POST /gift/reverse.json`: one of `pxTransactionId` or `externalTransactionId`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReverseRequest {
    pub merchant_id: i64,
    #[schema(max_length = 64)]
    pub store_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub px_transaction_id: Option<i64>,
    /// The id the original request carried. One never seen is blocked (a tombstone), so the
    /// original, if it arrives late, is declined.
    #[schema(max_length = 128)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_transaction_id: Option<String>,
    #[schema(max_length = 255)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_number: Option<String>,
    #[schema(max_length = 100)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cashier: Option<String>,
    #[schema(max_length = 100)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminal_id: Option<String>,
}

/// `POST /gift/cashOut.json`: pays the whole balance out, if the program allows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CashOutRequest {
    pub merchant_id: i64,
    #[schema(max_length = 64)]
    pub store_code: String,
    #[serde(deserialize_with = "object")]
    pub card_info: CardInfoWire,
    #[schema(max_length = 255)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_number: Option<String>,
    #[schema(max_length = 100)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cashier: Option<String>,
    #[schema(max_length = 100)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminal_id: Option<String>,
    #[schema(max_length = 128)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_transaction_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tender: Option<Tender>,
}

/// `POST /gift/exchange.json`: the whole balance moves to an inactive card; the old card closes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExchangeRequest {
    pub merchant_id: i64,
    #[schema(max_length = 64)]
    pub store_code: String,
    #[serde(deserialize_with = "object")]
    pub card_info: CardInfoWire,
    #[serde(deserialize_with = "object")]
    pub new_card_info: CardInfoWire,
    #[schema(max_length = 255)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_number: Option<String>,
    #[schema(max_length = 100)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cashier: Option<String>,
    #[schema(max_length = 100)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminal_id: Option<String>,
    #[schema(max_length = 128)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_transaction_id: Option<String>,
}

/// `POST /gift/activate.json` and `/gift/deactivate.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CardRequest {
    pub merchant_id: i64,
    #[schema(max_length = 64)]
    pub store_code: String,
    #[serde(deserialize_with = "object")]
    pub card_info: CardInfoWire,
    #[schema(max_length = 255)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_number: Option<String>,
    #[schema(max_length = 100)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cashier: Option<String>,
    #[schema(max_length = 100)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminal_id: Option<String>,
    #[schema(max_length = 128)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_transaction_id: Option<String>,
}

/// `POST /gift/refund.json`: money back to the card against an earlier redeem.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RefundRequest {
    pub merchant_id: i64,
    #[schema(max_length = 64)]
    pub store_code: String,
    #[serde(deserialize_with = "object")]
    pub card_info: CardInfoWire,
    #[schema(schema_with = amount_schema, example = "5.00")]
    pub amount: Amount,
    /// The redeem being refunded; all refunds of it together never exceed what it took.
    pub px_transaction_id: i64,
    #[schema(max_length = 255)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_number: Option<String>,
    #[schema(max_length = 100)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cashier: Option<String>,
    #[schema(max_length = 100)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminal_id: Option<String>,
    #[schema(max_length = 128)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_transaction_id: Option<String>,
}

/// The gift service's Success object, exactly as sent (and as stored for replays).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Success {
    /// Always `success`.
    #[schema(example = "success")]
    pub result: String,
    /// This transaction's id (a positive 64-bit integer); reverse with it.
    #[schema(example = 4_811_276_391_220_190_i64)]
    pub px_transaction_id: i64,
    /// 6-digit authorisation code.
    #[schema(example = "042317")]
    pub px_auth_code: String,
    /// The card's balance after the transaction, e.g. "25.00".
    #[schema(example = "25.00")]
    pub current_balance: String,
    /// The balance before, when the transaction changed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_balance: Option<String>,
    /// By how much the balance changed, when it did (always positive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_amount: Option<String>,
    /// The card number; masked like `maskedCardNumber` when the card was found by phone number.
    pub printed_card_number: String,
    #[schema(example = "************0123")]
    pub masked_card_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_name: Option<String>,
    pub card_template_code: i32,
    pub card_template_name: String,
    pub tier_code: i32,
    pub tier_name: String,
    /// Lines for the till to show or print (partial redemption, expiry, card closed…).
    pub pos_messages: Vec<String>,
}

/// Where the money of a load or cash-out comes from or goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Tender {
    /// The terminal's cash drawer (the default).
    Cash,
    /// A card payment, into the terminal's card clearing account.
    Card,
}

impl Tender {
    pub fn as_str(self) -> &'static str {
        match self {
            Tender::Cash => "cash",
            Tender::Card => "card",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_numbers_and_strings_without_floats_inside() {
        let a: Amount = serde_json::from_str("25.5").unwrap();
        assert_eq!(a.0, "25.5");
        let a: Amount = serde_json::from_str("\"25.00\"").unwrap();
        assert_eq!(a.0, "25.00");
        let a: Amount = serde_json::from_str("25.005").unwrap();
        assert_eq!(a.0, "25.005");
        assert!(serde_json::from_str::<Amount>("true").is_err());
        assert!(serde_json::from_str::<Amount>("null").is_err());
    }
}
