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

/// Which wallet app and server a `till wallet` customer command uses.
pub struct WalletApp {
    client: crate::client::spots::SpotsClient,
    wallet_id: i64,
    state_path: std::path::PathBuf,
}

/// The customer commands of the wallet app.
#[derive(Debug, Clone)]
pub enum WalletAction {
    CheckIn { code: String },
    Orders,
    Pay { order_id: i64 },
    Balance,
    CheckOut,
}

fn wallet_app(
    g: &Global,
    wallet: Option<i64>,
    server: &str,
) -> Result<WalletApp, Box<dyn std::error::Error + Send + Sync>> {
    let dir = super::data_dir(g)?;
    let wallet_id = match wallet {
        Some(w) => w,
        None => {
            // Exactly one wallet in the data directory: that one.
            let mut ids: Vec<i64> = std::fs::read_dir(dir.join(clients::WALLETS_DIR))
                .map(|rd| {
                    rd.filter_map(|e| e.ok())
                        .filter_map(|e| e.file_name().to_str()?.strip_suffix(".json")?.parse().ok())
                        .collect()
                })
                .unwrap_or_default();
            ids.sort_unstable();
            match ids.as_slice() {
                [one] => *one,
                [] => {
                    return Err(
                        "no wallet here yet: run `till wallet create --name NAME --balance AMOUNT` first".into()
                    );
                }
                _ => return Err(format!("several wallets here ({ids:?}): pick one with --wallet WALLET_ID").into()),
            }
        }
    };
    let path = clients::wallet_credential_path(&dir, wallet_id);
    let cred = crate::client::spots::Credential::load(&path)
        .map_err(|e| format!("wallet {wallet_id}: {e} (create it with `till wallet create`)"))?;
    let client = crate::client::spots::SpotsClient::new(server, cred)?;
    Ok(WalletApp { client, wallet_id, state_path: path.with_extension("spot") })
}

fn describe(t: &crate::wire::spots::Transaction) -> String {
    let total: i64 = t.payments.iter().map(|p| p.price).sum();
    let currency = t.payments.first().map(|p| p.currency.as_str()).unwrap_or("");
    let what: Vec<&str> = t.payments.iter().map(|p| p.description.as_str()).collect();
    let decimal = t
        .payments
        .first()
        .map(|p| p.price_decimal.len() - p.price_decimal.find('.').map_or(p.price_decimal.len(), |i| i + 1))
        .unwrap_or(2);
    let scale = 10i64.pow(u32::try_from(decimal).unwrap_or(2));
    let amount = if scale > 1 {
        format!("{}.{:0width$}", total / scale, total % scale, width = decimal)
    } else {
        total.to_string()
    };
    format!("{amount} {currency}  {}  [{}]", what.join(", "), t.status)
}

/// `till wallet checkin|orders|pay|balance|checkout`: one user-client call each, printed for people.
pub fn wallet_action(g: &Global, wallet: Option<i64>, server: &str, action: WalletAction) -> CliResult {
    let app = wallet_app(g, wallet, server)?;
    let rt = runtime()?;
    let saved_spot = || -> Result<i64, Box<dyn std::error::Error + Send + Sync>> {
        std::fs::read_to_string(&app.state_path)
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .ok_or_else(|| "not checked in: run `till wallet checkin --code 'PAYSERA*1:TABLE1'` first".into())
    };
    match action {
        WalletAction::CheckIn { code } => {
            let spot = rt.block_on(app.client.spot_by_code(&code))?;
            let spot = rt.block_on(app.client.check_in(spot.id))?;
            std::fs::write(&app.state_path, spot.id.to_string())?;
            println!("checked in at spot {} ({}) of {}: {}", spot.id, code, spot.place_info.title, spot.status);
        }
        WalletAction::Orders => {
            let spot = rt.block_on(app.client.spot(saved_spot()?))?;
            let orders = spot.orders.unwrap_or_default();
            if orders.is_empty() {
                println!("spot {} is {}: no orders yet", spot.id, spot.status);
            }
            for o in orders {
                let t = rt.block_on(app.client.transaction(&o.transaction_key))?;
                println!("order {}  {}  {}", o.id, o.status, describe(&t));
            }
        }
        WalletAction::Pay { order_id } => {
            let o = rt.block_on(app.client.order(order_id))?;
            let t = rt.block_on(app.client.reserve(&o.transaction_key))?;
            println!("order {order_id}: reserved {}; the cashier confirms it", describe(&t));
        }
        WalletAction::Balance => {
            let b = rt.block_on(app.client.wallet_balance(app.wallet_id))?;
            for (currency, b) in b {
                println!(
                    "wallet {}: {} {currency} at disposal, {} {currency} reserved",
                    app.wallet_id, b.at_disposal_decimal, b.reserved_decimal
                );
            }
        }
        WalletAction::CheckOut => {
            let spot = rt.block_on(app.client.check_out(saved_spot()?))?;
            let _ = std::fs::remove_file(&app.state_path);
            println!("checked out of spot {}: {}", spot.id, spot.status);
        }
    }
    Ok(ExitCode::SUCCESS)
}
