//! Receipts: the receipt as data, its layout for a paper width, its ESC/POS bytes, and the
//! printers they go to.
//!
//! | module      | owns                                                                      |
//! |-------------|---------------------------------------------------------------------------|
//! | `model`     | [`Receipt`] and its parts: header, lines, totals, tenders, cards, codes    |
//! | `kinds`     | constructors per operation: gift sale … refund, retail order (POR / POSA) |
//! | `report`    | a manager's report (shift, X, Z, liability, settlement) as a receipt     |
//! | `labels`    | the words on a receipt in English, German, French and Dutch              |
//! | `layout`    | [`layout()`] for 32 / 42 / 48 columns; the plain-text preview            |
//! | `cp1252`    | the strict Windows-1252 encoder and its documented fallback              |
//! | `escpos`    | ESC/POS bytes via the `escpos` crate, with its gaps worked around        |
//! | `transport` | `tcp://`, `file://`, `serial://`, `none`; printer status; sending a job  |
//!
//! Flow: build a [`Receipt`] → the engine stores it (number assigned) → [`layout()`] →
//! [`escpos::encode`] → [`transport::send`]. A failed or uncertain send leaves the stored
//! receipt unprinted; a reprint is the stored receipt [`Receipt::as_duplicate`].

pub mod cp1252;
pub mod escpos;
pub mod kinds;
pub mod labels;
pub mod layout;
pub mod model;
pub mod report;
pub mod transport;

pub use kinds::{Activation, Context, GiftResult, RetailResult, SpotResult, TEST_CODE, TEST_LINE};
pub use layout::{Block, Document, Width, layout};
pub use model::{
    Bar, CardLine, Code, Label, Line, Receipt, ReceiptKind, StoreHeader, Tender, TenderKind, Total, mask_card_number,
};
pub use transport::{PrintError, PrinterSpec, PrinterStatus, Sent};

/// Lays out, encodes and sends a receipt: the one call a till makes to print.
pub fn print(
    receipt: &Receipt,
    width: Width,
    spec: &PrinterSpec,
    timeout: std::time::Duration,
) -> Result<Sent, PrintFailure> {
    let doc = layout(receipt, width);
    let bytes = escpos::encode(&doc)?;
    Ok(transport::send(spec, &bytes, timeout)?)
}

/// Why [`print`] did not print.
#[derive(Debug, thiserror::Error)]
pub enum PrintFailure {
    #[error(transparent)]
    Encode(#[from] escpos::EncodeError),
    #[error(transparent)]
    Print(#[from] PrintError),
}
