//! The error bodies, as sent: the gift service's Failure object on `/gift`, and
//! `{"error":{"code","message"}}` on `/v1` and `/till/v1`.

use serde::{Deserialize, Serialize};

/// The gift service's Failure object, as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FailureBody {
    /// Always `failure`.
    #[schema(example = "failure")]
    pub result: String,
    /// A stable machine code, e.g. `insufficient_funds`.
    #[schema(example = "insufficient_funds")]
    pub error_code: String,
    /// A message for people.
    #[schema(example = "The card holds 4.00; 10.00 was asked.")]
    pub error_message: String,
}

/// The inner object of the generic error shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// A stable machine code, e.g. `not_found`.
    pub code: String,
    /// A message for people.
    pub message: String,
}

/// The generic error body: `{"error":{"code","message"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}
