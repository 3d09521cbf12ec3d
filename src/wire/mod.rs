//! Wire types: the request and response structs of each HTTP surface (serde + utoipa), shared by
//! `api` and `client`.

pub mod instore;
