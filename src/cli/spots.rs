//! `till mac-client create` and `till wallet …`: the MAC clients of `/rest/v1`, and a wallet app
//! for demos and tests that plays the customer from a terminal.
//!
//! `till wallet create` prints the new user client's credential and keeps it in
//! `<data>/wallets/<wallet_id>.json` (owner-only), so the other `till wallet` commands find it
//! with `--wallet WALLET_ID`.

use std::process::ExitCode;

use super::{CliResult, Global, open_engine};
use crate::engine::spots::{self, clients};
use crate::money::Money;

fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread().enable_all().build()
}

/// `till mac-client create --name NAME`: a merchant client of this store's location.
pub fn create_merchant(g: &Global, name: &str) -> CliResult {
    let engine = open_engine(g)?;
    let c = runtime()?.block_on(clients::create_merchant(&engine, name))?;
    println!("{}", serde_json::json!({"id": c.id, "key": c.key}));
    Ok(ExitCode::SUCCESS)
}

/// `till wallet create --name NAME --balance AMOUNT`: a user client with a funded wallet.
pub fn create_wallet(g: &Global, name: &str, balance: &str) -> CliResult {
    let engine = open_engine(g)?;
    let currency = spots::currency(&engine)?;
    let amount = Money::parse(balance.trim(), currency)
        .map_err(|e| format!("--balance {balance:?}: {e} (write it like 25.00)"))?;
    if amount.is_negative() {
        return Err("--balance cannot be negative".into());
    }
    let c = runtime()?.block_on(clients::create_user(&engine, name, amount))?;
    let wallet_id = c.wallet_id.ok_or("the new client has no wallet")?;
    clients::write_credential(&clients::wallet_credential_path(engine.data_dir(), wallet_id), &c)?;
    println!("{}", serde_json::json!({"id": c.id, "key": c.key, "wallet_id": wallet_id}));
    Ok(ExitCode::SUCCESS)
}
