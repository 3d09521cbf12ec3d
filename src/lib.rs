//! # till
//!
//! A cashier terminal for gift cards, third-party gift cards and wallet payments, with an embedded,
//! durable, double-entry ledger. One binary: the full-screen till, the headless server and the admin
//! commands.
//!
//! ## Module map
//!
//! | module      | owns                                                                                   |
//! |-------------|----------------------------------------------------------------------------------------|
//! | [`money`]   | currencies (ISO 4217), [`money::Money`] in integer minor units, parsing, locale formats  |
//! | [`ledger`]  | accounts, transfers, two-phase holds, linked chains, history, invariants; SQLite store  |
//! | [`engine`]  | the business: gift cards, catalogue and retail orders, users, receipts, demo data       |
//! | [`api`]     | the HTTP surfaces (axum): `/gift`, `/v1`, `/till/v1`, `/openapi.json`, `/healthz`        |
//! | [`client`]  | the typed reqwest client the screen uses to reach the engine (always over HTTP)        |
//! | [`receipt`] | receipts as data, layout for 32/42/48 columns, ESC/POS bytes, printer transports        |
//! | [`tui`]     | the full-screen till: app loop, actions, keymap, theme, one module per screen           |
//! | [`store`]   | the storage boundary: the only module naming a database driver; [`store::Sql`]      |
//! | [`cli`]     | the command line (clap): `till`, `till serve`, `till verify`, admin commands             |
//!
//! Layering: `tui` → `client` → (HTTP) → `api` → `engine` → `ledger` → SQLite. A screen never reaches
//! past `client`; the API never reaches past `engine`; nothing edits a balance except a ledger transfer.

pub mod api;
pub mod cli;
pub mod client;
pub mod engine;
pub mod ledger;
pub mod money;
pub mod receipt;
pub mod store;
pub mod tui;
pub mod wire;
