//! The wire: the request and response types of every HTTP surface (serde + utoipa), exactly as they
//! travel. `api` answers in them and maps them to and from the engine's own domain types; `client`
//! sends and reads them. Nothing here knows the engine: a wire type changes only when its seed does.
//!
//! | file     | surface                                                                    |
//! |----------|----------------------------------------------------------------------------|
//! | `gift`   | `/gift/*.json`: the requests, `Success`, `CardInfoWire`, `Amount`, `Tender` |
//! | `retail` | `/v1/...`: money, stores, products, balances, retail orders, settlements, webhooks |
//! | `mac`    | the MAC `Authorization` header of `/rest/v1`: sign, parse, body hash     |
//! | `spots`  | `/rest/v1/...`: spots, orders, transactions, wallet balances, errors    |
//! | `till`   | `/till/v1/...`: terminal, sessions, roles, receipts                        |
//! | `error`  | the two error bodies: the gift Failure object and `{"error":{code,message}}` |
//! | `de`     | deserialize helpers the request types share (nested objects, not arrays)   |

pub mod de;
pub mod error;
pub mod gift;
pub mod mac;
pub mod retail;
pub mod spots;
pub mod till;
