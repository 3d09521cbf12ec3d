//! The `/instore` wire: the payment extensions of `payment-extensions-api.txt`, field names exactly
//! as the seed lists them (camelCase where it uses camelCase, snake_case elsewhere).
//!
//! Shapes the seed leaves open are ours, each marked "ours" below and in the README: the amount
//! of `collect_credit_payment` (`{amount, precision, currency}` in minor units), the replies of
//! `payment_transaction` and `credit_available_refund`, the stored-value callback and status bodies,
//! the `storedvaluelog` reply, the `payonaccountlog/` list, and the error body.

use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

/// Money in minor units: `{"amount": 1220, "precision": 2, "currency": "USD"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MinorAmount {
    /// Minor units (cents, pence).
    #[schema(example = 1220)]
    pub amount: i64,
    /// Digits after the decimal point; must fit the currency's exponent.
    #[schema(example = 2)]
    pub precision: u8,
    /// ISO 4217 code.
    #[schema(example = "USD")]
    pub currency: String,
}

/// Money as pay on account writes it: strings, `{"amount":"1000","precision":"2","currency":"USD"}`
/// (numbers are accepted too).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StringAmount {
    /// Minor units, e.g. "1220"; negative balances carry a minus sign.
    #[serde(deserialize_with = "string_or_int")]
    #[schema(example = "1220")]
    pub amount: String,
    #[serde(deserialize_with = "string_or_int")]
    #[schema(example = "2")]
    pub precision: String,
    #[schema(example = "USD")]
    pub currency: String,
}

/// A string, or an integer taken as its decimal text.
pub fn string_or_int<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum V {
        S(String),
        I(i64),
    }
    Ok(match V::deserialize(d)? {
        V::S(s) => s,
        V::I(i) => i.to_string(),
    })
}

/// Every failure that is not a business decline (ours): 400 malformed, 401 signature / tenant /
/// API key, 404, 409 an idempotency key reused for another request, 500.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InstoreError {
    /// Always "Failure".
    #[schema(example = "Failure")]
    pub result: String,
    #[schema(example = "X-Signature does not match the request")]
    pub error: String,
    /// A stable machine code: invalid_request, unauthorized, not_found, conflict, internal_error.
    #[schema(example = "unauthorized")]
    pub code: String,
}

/// `{"result", "error"}`: the reply of `connect_card_reader`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ResultReply {
    /// "Success" or "Failure".
    pub result: String,
    pub error: Option<String>,
}

// ---------------------------------------------------------------- credit card

/// A pin entry device, as the POS describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Ped {
    pub status: Option<String>,
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub description: Option<String>,
    pub location: Option<String>,
    pub brand: Option<String>,
    pub model: Option<String>,
    pub shared: Option<bool>,
    /// What the PED registry knows the device by.
    #[schema(example = "32423424224")]
    pub registration_code: Option<String>,
    pub managing_agent: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InitializeCreditProcessorRequest {
    #[schema(example = "Custom")]
    pub processor: Option<String>,
    pub tenant_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProcessorSettings {
    #[serde(rename = "captureEnabled")]
    pub capture_enabled: bool,
    pub simulated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InitializeCreditProcessorReply {
    pub result: String,
    pub error: Option<String>,
    pub data: ProcessorSettings,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ConnectCardReaderRequest {
    pub ped: Option<Ped>,
    pub tenant_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CapturePaymentRequest {
    #[serde(rename = "cartKey")]
    pub cart_key: String,
    pub tenant_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CollectCreditPaymentRequest {
    #[serde(rename = "saleId")]
    pub sale_id: Option<String>,
    /// The card the simulator is to take (see the README's demo set); default 4242424242424242.
    #[serde(rename = "testCard")]
    pub test_card: Option<String>,
    /// The idempotency key (else `cartKey`).
    pub reference: Option<String>,
    /// Ours: minor units, as the stored-value actions write amounts.
    pub amount: MinorAmount,
    pub ped: Option<Ped>,
    pub tenant_id: Option<String>,
    #[serde(rename = "cartKey")]
    pub cart_key: Option<String>,
}

/// A payment as the processor reports it (the seed's `data`; the last three are ours).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CardData {
    #[schema(example = "Simulator")]
    pub processor: String,
    #[schema(example = "213121111")]
    pub processor_id: String,
    #[schema(example = "4242")]
    pub last4: String,
    #[schema(example = "visa")]
    pub brand: String,
    #[schema(example = "credit")]
    pub account_type: String,
    #[schema(example = "Simulator Credit Card")]
    pub method: String,
    #[serde(rename = "verifySignature")]
    pub verify_signature: bool,
    pub application_preferred_name: Option<String>,
    pub dedicated_file_name: Option<String>,
    /// The issuer's response code as hex of its ASCII digits: "3030" = "00" (approved).
    #[schema(example = "3030")]
    pub authorization_response_code: String,
    pub application_cryptogram: Option<String>,
    pub terminal_verification_results: Option<String>,
    pub transaction_status_information: Option<String>,
    /// Ours: what was approved (less than asked on a partial approval).
    pub amount: MinorAmount,
    /// Ours: what has been collected (captured).
    pub collected: MinorAmount,
    /// Ours: what has been refunded.
    pub refunded: MinorAmount,
}

/// The reply of `capture_payment`, `collect_credit_payment`, `payment_transaction/{id}`,
/// `create_credit_refund` and `cancel_credit_payment`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CardReply {
    pub result: String,
    pub error: Option<String>,
    #[serde(rename = "cartKey")]
    pub cart_key: Option<String>,
    pub data: Option<CardData>,
    /// requires_capture, approved, declined, canceled, refunded, expired, timeout, not_found.
    #[schema(example = "approved")]
    pub status: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CreateCreditRefundRequest {
    #[serde(rename = "saleId")]
    pub sale_id: Option<String>,
    pub last4: Option<String>,
    /// The collect's `reference`: names the payment refunded.
    pub reference: Option<String>,
    /// Minor units as a string ("1050"); a decimal point means major units ("10.50").
    #[serde(deserialize_with = "string_or_int")]
    pub amount: String,
    pub currency: String,
    pub tenant_id: Option<String>,
    /// Ours, optional: names the payment exactly.
    pub processor_id: Option<String>,
    /// Ours, optional: an identical refund request is a replay; vary this to refund the same
    /// amount of the same payment twice.
    pub refund_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CancelCreditPaymentRequest {
    /// The payment to cancel (else `reference`).
    pub processor_id: Option<String>,
    /// Ours: the `reference` of the collect, for a POS that never got a processor_id (a collect
    /// that did not answer in time).
    pub reference: Option<String>,
    pub last4: Option<String>,
    pub brand: Option<String>,
    pub account_type: Option<String>,
    pub tenant_id: Option<String>,
}

/// Ours: the reply of `credit_available_refund/{processor_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AvailableRefundReply {
    pub result: String,
    pub error: Option<String>,
    pub data: Option<AvailableRefund>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AvailableRefund {
    pub processor_id: String,
    /// Collected minus refunded.
    pub available: MinorAmount,
    pub collected: MinorAmount,
    pub refunded: MinorAmount,
    pub status: String,
}

// ---------------------------------------------------------------- stored value

/// The webhook envelope every stored-value POST comes in. `X-Signature` (and
/// `verification_signature`, when sent) is the HMAC of `JSON.stringify(payload)`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StoredValueEnvelope {
    pub payload_url: Option<String>,
    /// The action's payload: [`StoredValueCardPayload`], [`StoredValueLookupPayload`] or
    /// [`StoredValueProcessPayload`].
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    pub verification_signature: Option<String>,
    pub tenant_id: Option<String>,
    #[serde(rename = "requestId")]
    pub request_id: Option<String>,
    /// Where the result is POSTed (signed, retried until a 2xx).
    #[serde(rename = "callbackUrl")]
    pub callback_url: String,
    /// Where progress is POSTed when the work is slow.
    #[serde(rename = "statusUrl")]
    pub status_url: Option<String>,
}

/// `storedvaluecard` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StoredValueCardPayload {
    #[serde(rename = "requestId")]
    pub request_id: String,
    #[serde(rename = "locationId")]
    pub location_id: String,
    #[serde(rename = "workstationId")]
    pub workstation_id: Option<String>,
    /// GiftCard, ReturnCard or Promotional.
    #[serde(rename = "type")]
    pub kind: String,
    /// Active or Inactive (an Inactive card starts at zero).
    pub status: String,
    pub balance: MinorAmount,
    pub issuer: Option<String>,
    pub cvc: Option<String>,
    pub customer_id: Option<String>,
}

/// A pre-loaded account (`accounts`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InjectedStoredValueAccount {
    pub number: String,
    pub pin: Option<String>,
    pub balance: Option<MinorAmount>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    #[serde(rename = "paymentProcessorId")]
    pub payment_processor_id: Option<String>,
}

/// `storedvaluecard/{number}` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StoredValueLookupPayload {
    #[serde(rename = "requestId")]
    pub request_id: String,
    #[serde(rename = "locationId")]
    pub location_id: String,
    #[serde(rename = "workstationId")]
    pub workstation_id: Option<String>,
    /// Defaults to the path's number.
    pub number: Option<String>,
    #[serde(rename = "cartKey")]
    pub cart_key: Option<String>,
    /// Checked when the card has a PIN.
    pub pin: Option<String>,
    pub accounts: Option<Vec<InjectedStoredValueAccount>>,
}

/// `storedvaluecard_process` payload: Load and Redeem (`amount`) or Cancel (the external ids).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StoredValueProcessPayload {
    #[serde(rename = "requestId")]
    pub request_id: String,
    #[serde(rename = "locationId")]
    pub location_id: String,
    #[serde(rename = "workstationId")]
    pub workstation_id: Option<String>,
    /// Load, Redeem or Cancel.
    pub action: String,
    pub number: Option<String>,
    pub amount: Option<MinorAmount>,
    pub session_id: Option<String>,
    pub reference: Option<String>,
    pub cvc: Option<String>,
    /// Ours: the card's PIN, needed to Redeem from a card that has one.
    pub pin: Option<String>,
    pub external_transaction_id: Option<String>,
    pub external_payment_id: Option<String>,
    pub accounts: Option<Vec<InjectedStoredValueAccount>>,
}

/// The acknowledgement: `{"requestId"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StoredValueAck {
    #[serde(rename = "requestId")]
    pub request_id: String,
}

/// The acknowledgement with pre-loaded accounts: one entry per account, `requestId` =
/// `<requestId>:<n>` (n from 1), each answered by its own callback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StoredValueBatchAck {
    pub results: Vec<StoredValueBatchEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StoredValueBatchEntry {
    #[serde(rename = "requestId")]
    pub request_id: String,
    #[serde(rename = "paymentProcessorId", skip_serializing_if = "Option::is_none")]
    pub payment_processor_id: Option<String>,
}

/// Ours: the body POSTed to `callbackUrl`, signed with `X-Signature` (HMAC of the body with the
/// tenant's key), with the envelope's `x-correlation-id` and `X-Till-Callback-Id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StoredValueCallback {
    #[serde(rename = "requestId")]
    pub request_id: String,
    /// "Success" or "Failure".
    pub result: String,
    /// `<code>: <message>` on failure, e.g. "insufficient_funds: …".
    pub error: Option<String>,
    pub data: Option<StoredValueCardData>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StoredValueCardData {
    pub number: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// Active or Inactive.
    pub status: String,
    pub balance: MinorAmount,
    /// Load and Redeem: keep both to Cancel it.
    pub external_transaction_id: Option<String>,
    pub external_payment_id: Option<String>,
}

/// Ours: the body POSTed to `statusUrl` when work is slow: `{"requestId", "status": "Processing"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StoredValueStatus {
    #[serde(rename = "requestId")]
    pub request_id: String,
    pub status: String,
}

/// Ours: the reply of `storedvaluelog/{number}` (synchronous).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StoredValueLogReply {
    #[serde(rename = "requestId")]
    pub request_id: String,
    pub result: String,
    pub error: Option<String>,
    pub number: String,
    pub log: Vec<StoredValueLogEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StoredValueLogEntry {
    /// Load, Redeem, Cancel, Refund, CashOut, Exchange, Tip.
    pub action: String,
    /// Signed: positive added to the card.
    pub amount: MinorAmount,
    /// The balance right after.
    pub balance: MinorAmount,
    /// RFC 3339.
    pub time: String,
}

// ---------------------------------------------------------------- pay on account

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PayOnAccountProcessRequest {
    /// Create, Credit, Inquiry or Update.
    pub action: String,
    pub account_number: Option<String>,
    pub company_name: Option<String>,
    pub authorized_user_ids: Option<Vec<String>>,
    pub authorized_user_id: Option<String>,
    /// Credit: the amount paid in; Create: an opening payment.
    pub balance: Option<StringAmount>,
    /// Create (required); Update (optional, ours: raises or lowers the limit).
    pub credit_limit: Option<StringAmount>,
    pub tenant_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PayOnAccountProcessReply {
    pub action: String,
    pub account_number: String,
    pub company_name: String,
    pub authorized_user_ids: Vec<String>,
    pub authorized_user_id: Option<String>,
    /// Credits minus charges, counted from zero at the credit limit: may be down to −limit.
    pub balance: Option<StringAmount>,
    pub credit_limit: Option<StringAmount>,
    /// approved or declined.
    pub status: String,
    /// Ours: why it was declined.
    pub error: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PayOnAccountLogRequest {
    /// Kept in the log as sent.
    pub action: Option<String>,
    pub account_number: String,
    pub company_name: Option<String>,
    pub authorized_user_id: Option<String>,
    /// Charged to the account.
    pub amount: StringAmount,
    pub session_id: Option<String>,
    /// With `account_number`, the idempotency key.
    pub order_id: String,
    /// Ignored: the account decides.
    pub status: Option<String>,
    pub tenant_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PayOnAccountLogReply {
    pub action: String,
    pub account_number: String,
    pub company_name: Option<String>,
    pub authorized_user_id: Option<String>,
    pub amount: StringAmount,
    pub session_id: Option<String>,
    pub order_id: Option<String>,
    /// approved or declined.
    pub status: String,
    /// Ours: why it was declined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Ours: the account's balance after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance: Option<StringAmount>,
}

/// Ours: the reply of `payonaccountlog/?account_number=…`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PayOnAccountLogList {
    pub result: String,
    pub account_number: String,
    pub company_name: String,
    pub balance: StringAmount,
    pub credit_limit: StringAmount,
    pub logs: Vec<PayOnAccountLogReply>,
}

// ---------------------------------------------------------------- digital wallet

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InitializeWalletRequest {
    #[schema(example = "001")]
    pub location_id: Option<String>,
    pub tenant_id: Option<String>,
}

/// `{"result", "error", "code"}`: the reply of `initialize_wallet`, `cancel_wallet_payment`,
/// `log_cancel_wallet`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct WalletResultReply {
    pub result: String,
    pub error: Option<String>,
    /// "00", or a decline code (14 unknown or used code, 51 insufficient funds, 54 expired code,
    /// 13 amount, 25 no such transaction, 12 currency).
    #[schema(example = "00")]
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PayWalletRequest {
    /// The single-use code the wallet app shows (`till wallet barcode --wallet ID`).
    #[schema(example = "123456789012345678901000")]
    pub barcode: String,
    #[schema(example = "EUR")]
    pub currency: String,
    /// Minor units (precision 2 for EUR and USD).
    #[schema(example = 16960)]
    pub total: i64,
    pub pos_local_time: Option<String>,
    /// Minor units, taken from the wallet on top of `total`.
    #[serde(default)]
    pub tip: Option<i64>,
    pub note: Option<String>,
    pub tenant_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PayWalletReply {
    pub transaction_id: Option<String>,
    /// Minor units as text.
    pub total: String,
    pub tip: String,
    /// Ours: total + tip, what the wallet paid.
    pub subtotal: String,
    pub merchant_id: String,
    pub terminal_id: String,
    #[schema(example = "till wallet")]
    pub method: String,
    pub pos_local_time: Option<String>,
    pub result: String,
    pub code: String,
    pub error_message: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AvailableWalletRefundRequest {
    pub transaction_id: String,
    pub pos_local_time: Option<String>,
    pub tenant_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AvailableWalletRefundReply {
    pub result: String,
    pub error: Option<String>,
    pub code: String,
    /// Ours: what can still be refunded, minor units as text.
    pub available: Option<String>,
    /// Ours.
    pub currency: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CancelWalletPaymentRequest {
    /// Ours: the payment to cancel (else `barcode`).
    pub transaction_id: Option<String>,
    /// Ours: the code the payment was made with.
    pub barcode: Option<String>,
    pub tenant_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LogCancelWalletRequest {
    pub barcode: Option<String>,
    #[serde(default, deserialize_with = "opt_string_or_int")]
    pub total: Option<String>,
    #[serde(default, deserialize_with = "opt_string_or_int")]
    pub tip: Option<String>,
    pub currency: Option<String>,
    pub reference: Option<String>,
    pub response_code: Option<String>,
    pub transaction_id: Option<String>,
    pub pos_local_time: Option<String>,
    pub error_message: Option<String>,
    pub tenant_id: Option<String>,
}

/// An optional string, or an integer taken as its decimal text.
pub fn opt_string_or_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum V {
        S(String),
        I(i64),
    }
    Ok(Option::<V>::deserialize(d)?.map(|v| match v {
        V::S(s) => s,
        V::I(i) => i.to_string(),
    }))
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RefundWalletPaymentRequest {
    pub transaction_id: String,
    pub pos_local_time: Option<String>,
    pub note: Option<String>,
    /// Ours, optional: minor units to refund (a partial refund); default everything left.
    #[serde(default, deserialize_with = "opt_string_or_int")]
    pub amount: Option<String>,
    pub tenant_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RefundWalletPaymentReply {
    pub result: String,
    pub error_message: Option<String>,
    pub code: String,
    /// The refund's own id.
    pub transaction_id: Option<String>,
    pub pos_local_time: Option<String>,
    pub merchant_id: String,
    pub terminal_id: String,
    pub method: String,
    pub original_transaction_id: String,
    /// The payment's note.
    pub original_reference: Option<String>,
    /// Ours: minor units refunded by this request, and in all.
    pub amount: Option<String>,
    pub refunded: Option<String>,
}
