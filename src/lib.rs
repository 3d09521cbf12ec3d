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
//! | [`i18n`]    | the message catalogue (Fluent files in `assets/i18n`, English and German), [`t!`]       |
//! | [`money`]   | currencies (ISO 4217), [`money::Money`] in integer minor units, parsing, locale formats  |
//! | [`ledger`]  | accounts, transfers, two-phase holds, linked chains, history, invariants; SQLite store  |
//! | [`engine`]  | the business: gift cards, catalogue and retail orders, users, receipts, demo data       |
//! | [`wire`]    | the request/response types of every surface (serde + utoipa), shared by api and client |
//! | [`api`]     | the HTTP surfaces (axum): `/gift`, `/v1`, `/till/v1`, `/openapi.json`, `/healthz`; maps wire ↔ engine |
//! | [`client`]  | the typed reqwest client the screen uses to reach the engine (always over HTTP)        |
//! | [`receipt`] | receipts as data, layout for 32/42/48 columns, ESC/POS bytes, printer transports        |
//! | [`tui`]     | the full-screen till: app loop, actions, keymap, theme, one module per screen           |
//! | [`store`]   | the storage boundary: the only module naming a database driver; [`store::Sql`]      |
//! | [`wire`]    | request and response types of each HTTP surface (serde + utoipa), shared by api and client |
//! | [`cli`]     | the command line (clap): `till`, `till serve`, `till verify`, admin commands             |
//!
//! Layering (held by `tests/architecture.rs`): `tui` → `client` → `wire`; `api` → `engine`, `wire`;
//! `engine` → `ledger`, `store`; `ledger` → `store`; `money`, `i18n` (→ `money`, used by `tui`, and by `api` to word reports) and
//! `receipt` (→ `money`) are below them all, `cli` (with `main.rs`) wires everything together. The screen reaches the engine only over
//! HTTP through `client`, and starts its embedded engine through the [`tui::Host`] that `cli` hands it;
//! the engine never names `api`, `wire`, `client` or `tui`; nothing edits a balance except a ledger
//! transfer.

pub mod api;
pub mod cli;
pub mod client;
pub mod engine;
pub mod i18n;
pub mod ledger;
pub mod money;
pub mod receipt;
pub mod store;
pub mod tui;
pub mod wire;
