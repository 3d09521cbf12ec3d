//! The request and response types of every HTTP surface (serde + utoipa), shared by `api` (which
//! serves them) and `client` (which calls them). The engine keeps its own domain types.

pub mod reports;
