//! The receipt as data: what a customer keeps, independent of paper width, locale and printer.
//!
//! Labels are keys ([`Label`]), not text: the layout words them in the receipt's language, so a
//! stored receipt reprints the same way on any till. Card numbers are masked when a receipt is
//! built ([`mask_card_number`]), so a full number is never stored or printed.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::money::{Locale, Money};

/// Which operation a receipt documents; decides its title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptKind {
    GiftSale,
    GiftReload,
    GiftRedeem,
    GiftBalance,
    /// A card activated at the till (no money moves).
    GiftActivate,
    /// A card blocked at the till; its balance stays on it, untouched.
    GiftDeactivate,
    GiftCashOut,
    GiftExchange,
    GiftReversal,
    GiftRefund,
    /// A third-party gift card sold through a retail order (POR or POSA).
    RetailOrder,
    /// `till print-test`.
    PrintTest,
    /// A manager's report (shift, X, Z, liability, settlement); its own title is the first line.
    Report,
    /// A table's (spot's) order the guest paid: from the wallet, confirmed at the board, or in cash.
    SpotOrder,
}

impl ReceiptKind {
    pub const ALL: [ReceiptKind; 14] = [
        ReceiptKind::GiftSale,
        ReceiptKind::GiftReload,
        ReceiptKind::GiftRedeem,
        ReceiptKind::GiftBalance,
        ReceiptKind::GiftActivate,
        ReceiptKind::GiftDeactivate,
        ReceiptKind::GiftCashOut,
        ReceiptKind::GiftExchange,
        ReceiptKind::GiftReversal,
        ReceiptKind::GiftRefund,
        ReceiptKind::RetailOrder,
        ReceiptKind::PrintTest,
        ReceiptKind::Report,
        ReceiptKind::SpotOrder,
    ];

    /// The stable name used in storage and URLs: `gift_sale`, `retail_order`, ...
    pub fn as_str(&self) -> &'static str {
        match self {
            ReceiptKind::GiftSale => "gift_sale",
            ReceiptKind::GiftReload => "gift_reload",
            ReceiptKind::GiftRedeem => "gift_redeem",
            ReceiptKind::GiftBalance => "gift_balance",
            ReceiptKind::GiftActivate => "gift_activate",
            ReceiptKind::GiftDeactivate => "gift_deactivate",
            ReceiptKind::GiftCashOut => "gift_cash_out",
            ReceiptKind::GiftExchange => "gift_exchange",
            ReceiptKind::GiftReversal => "gift_reversal",
            ReceiptKind::GiftRefund => "gift_refund",
            ReceiptKind::RetailOrder => "retail_order",
            ReceiptKind::PrintTest => "print_test",
            ReceiptKind::Report => "report",
            ReceiptKind::SpotOrder => "spot_order",
        }
    }
}

/// The store's name and address as printed at the top, from the `[store]` configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StoreHeader {
    pub name: String,
    #[serde(default)]
    pub address: Vec<String>,
    /// Further lines such as a phone number or VAT id.
    #[serde(default)]
    pub extra: Vec<String>,
}

/// Words a receipt uses; worded per language by the layout. `Custom` carries text as is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    Amount,
    Tip,
    Total,
    Balance,
    PreviousBalance,
    NewBalance,
    Loaded,
    Redeemed,
    CashedOut,
    Refunded,
    Reversed,
    Transferred,
    OldCard,
    /// The card an exchange emptied and closed.
    OldCardClosed,
    NewCard,
    GiftCard,
    Card,
    AuthCode,
    Transaction,
    Reference,
    Order,
    Product,
    Code,
    Serial,
    Cash,
    Wallet,
    OnAccount,
    Other,
    Change,
    /// A table (spot) of the location.
    Table,
    Custom(String),
}

/// One line of the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Line {
    /// Free text, wrapped to the width.
    Text {
        text: String,
    },
    /// A line the engine already laid out for a width (retail `receipt_printing.lines`); the
    /// layout fits it to the paper it prints on: rules across, padded pairs as pairs, centred
    /// lines centred again, so a reprint on other paper keeps its shape.
    Preformatted {
        text: String,
    },
    /// A label and a value, the value right-aligned.
    Pair {
        label: Label,
        value: String,
    },
    /// A label and an amount, the amount right-aligned.
    Amount {
        label: Label,
        amount: Money,
    },
    /// An article: description, then `qty x unit` and the line amount.
    Item {
        description: String,
        quantity: u32,
        unit_price: Money,
        amount: Money,
    },
    /// A horizontal rule.
    Rule,
    Blank,
    /// A bar chart in text, one row per bar: the label, a bar of `#` as long as its share of the
    /// room the widest label and value leave, the value right-aligned (so every bar is drawn to
    /// the same scale and each figure is printed beside its bar).
    Chart {
        bars: Vec<Bar>,
    },
}

/// One row of a [`Line::Chart`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Bar {
    pub label: String,
    pub value: String,
    /// The bar's length as per mille of the longest possible (0–1000).
    pub share: u16,
}

/// A total below the body; `large` ones print in double size when they fit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Total {
    pub label: Label,
    pub amount: Money,
    #[serde(default)]
    pub large: bool,
}

/// How the customer paid (positive) or was paid out (negative).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TenderKind {
    Cash,
    Card,
    GiftCard,
    Wallet,
    OnAccount,
    Other,
}

impl TenderKind {
    pub fn label(&self) -> Label {
        match self {
            TenderKind::Cash => Label::Cash,
            TenderKind::Card => Label::Card,
            TenderKind::GiftCard => Label::GiftCard,
            TenderKind::Wallet => Label::Wallet,
            TenderKind::OnAccount => Label::OnAccount,
            TenderKind::Other => Label::Other,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Tender {
    pub kind: TenderKind,
    pub amount: Money,
}

/// A payment or gift card: masked number, authorisation code, balance after the operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CardLine {
    pub label: Label,
    /// Always masked: `**** 1234`.
    pub masked_number: String,
    pub auth_code: Option<String>,
    pub balance: Option<Money>,
}

/// A code the customer needs (a gift code, a POR code): printed as text, optionally as QR and
/// CODE128.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Code {
    pub label: Option<Label>,
    pub text: String,
    #[serde(default)]
    pub qr: bool,
    #[serde(default)]
    pub code128: bool,
}

/// A receipt. `number` is `None` until the engine stores it and assigns the terminal's next
/// number (training receipts count separately).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Receipt {
    pub kind: ReceiptKind,
    pub header: StoreHeader,
    pub terminal: String,
    pub cashier: Option<String>,
    pub number: Option<u64>,
    /// When the operation happened (RFC 3339 on the wire), printed in local time.
    #[serde(with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub issued_at: OffsetDateTime,
    /// The language and number format the receipt was made for.
    #[schema(value_type = String, example = "de-DE")]
    pub locale: Locale,
    #[serde(default)]
    pub lines: Vec<Line>,
    #[serde(default)]
    pub totals: Vec<Total>,
    #[serde(default)]
    pub tenders: Vec<Tender>,
    pub change: Option<Money>,
    #[serde(default)]
    pub cards: Vec<CardLine>,
    #[serde(default)]
    pub codes: Vec<Code>,
    #[serde(default)]
    pub footer: Vec<String>,
    /// Made in training mode: banner at top and bottom, no drawer, own numbering.
    #[serde(default)]
    pub training: bool,
    /// A reprint: says DUPLICATE once, at the top.
    #[serde(default)]
    pub duplicate: bool,
}

impl Receipt {
    /// Whether printing this receipt opens the cash drawer: only when cash changed hands, never
    /// in training, and never for a reprint (the cash moved when the original printed).
    pub fn opens_drawer(&self) -> bool {
        !self.training
            && !self.duplicate
            && self.tenders.iter().any(|t| t.kind == TenderKind::Cash && t.amount.minor() != 0)
    }

    /// The receipt number as printed and encoded in its CODE128: `T01-000042`, training
    /// receipts `TRN-T01-000042`.
    pub fn number_text(&self) -> Option<String> {
        let n = self.number?;
        let prefix = if self.training { "TRN-" } else { "" };
        Some(format!("{prefix}{}-{n:06}", self.terminal))
    }

    /// The same receipt marked as a reprint.
    pub fn as_duplicate(&self) -> Receipt {
        Receipt { duplicate: true, ..self.clone() }
    }
}

/// Masks a card number to its last four characters: `6274 1234 5678 9012` → `**** 9012`.
/// Numbers of four or fewer characters are masked entirely.
/// An already masked number (`**** 0042`, `••••0042`) keeps its visible last four.
pub fn mask_card_number(number: &str) -> String {
    let digits: Vec<char> = number.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let already_masked = number.contains(['*', '•']);
    let keeps_visible_digits = already_masked && !digits.is_empty();
    if digits.len() <= 4 && !keeps_visible_digits {
        return "****".to_string();
    }
    let last: String = digits[digits.len().saturating_sub(4)..].iter().collect();
    format!("**** {last}")
}

/// RFC 3339 timestamps for serde (the `time` crate's serde support is not enabled).
mod rfc3339 {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::OffsetDateTime;
    use time::format_description::well_known::Rfc3339;

    pub fn serialize<S: Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        let text = t.format(&Rfc3339).map_err(serde::ser::Error::custom)?;
        s.serialize_str(&text)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        let text = String::deserialize(d)?;
        OffsetDateTime::parse(&text, &Rfc3339).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_to_last_four() {
        assert_eq!(mask_card_number("6274 1234 5678 9012"), "**** 9012");
        assert_eq!(mask_card_number("6274123456789012"), "**** 9012");
        assert_eq!(mask_card_number("123"), "****");
        assert_eq!(mask_card_number("1234"), "****");
        assert_eq!(mask_card_number("**** 0042"), "**** 0042");
        assert_eq!(mask_card_number("************0042"), "**** 0042");
    }
}
