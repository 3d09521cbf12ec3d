//! The typed HTTP client the screen uses to reach the engine, embedded or remote. One path,
//! always exercised: the till never calls the engine directly.
//!
//! | file       | calls                                     |
//! |------------|-------------------------------------------|
//! | `gift`     | `/gift/*.json`                            |
//! | `retail`   | `/v1/...`                                 |
//! | `till`     | `/till/v1` sessions                       |
//! | `receipts` | `/till/v1` receipts and reprints          |

pub mod gift;
pub mod receipts;
pub mod retail;
pub mod till;
