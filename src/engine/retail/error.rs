//! The one error type of the catalogue and retail areas: either a refusal with a stable machine
//! code (a business answer, mapped to a 4xx by the API) or a storage failure (a 5xx, details logged).

use crate::ledger::LedgerError;

/// A refusal or a failure. `code` is stable: integrators branch on it.
#[derive(Debug, thiserror::Error)]
pub enum RetailError {
    #[error("{message}")]
    Rejected { status: u16, code: &'static str, message: String },
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

impl From<crate::store::StoreError> for RetailError {
    fn from(e: crate::store::StoreError) -> Self {
        RetailError::Ledger(LedgerError::Store(e))
    }
}

impl RetailError {
    /// 400: the request itself is malformed (bad field, value out of the allowed range).
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        RetailError::Rejected { status: 400, code, message: message.into() }
    }
    /// 404: the addressed thing does not exist.
    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        RetailError::Rejected { status: 404, code, message: message.into() }
    }
    /// 409: the thing exists but its state forbids the action.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        RetailError::Rejected { status: 409, code, message: message.into() }
    }
    /// 422: well-formed, but a business check refused it.
    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        RetailError::Rejected { status: 422, code, message: message.into() }
    }
    /// A storage-level invariant that should not break (reported as an internal error).
    pub fn internal(message: impl Into<String>) -> Self {
        RetailError::Ledger(LedgerError::Invalid(message.into()))
    }

    /// The stable machine code (`internal_error` for storage failures).
    pub fn code(&self) -> &'static str {
        match self {
            RetailError::Rejected { code, .. } => code,
            RetailError::Ledger(_) => "internal_error",
        }
    }

    /// The HTTP status this maps to.
    pub fn status(&self) -> u16 {
        match self {
            RetailError::Rejected { status, .. } => *status,
            RetailError::Ledger(_) => 500,
        }
    }
}

/// Stores a u128 (account or transfer id) as fixed-width hex text, which SQLite compares correctly.
pub fn id_hex(id: u128) -> String {
    format!("{id:032x}")
}

/// Reads back what [`id_hex`] wrote.
pub fn parse_id_hex(s: &str) -> Result<u128, RetailError> {
    u128::from_str_radix(s, 16).map_err(|_| RetailError::internal(format!("stored id {s:?} is not hex")))
}

impl From<crate::engine::domain::ParseIdError> for RetailError {
    fn from(e: crate::engine::domain::ParseIdError) -> Self {
        RetailError::bad_request(e.code(), e.to_string())
    }
}
