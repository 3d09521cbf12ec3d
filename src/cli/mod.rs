//! The command line (clap). `till` with no subcommand opens the till; the subcommands serve the
//! API headless and administer a data directory. One file per command.

mod backup;
mod cards;
mod extension;
pub mod logfile;
mod populate;
mod print_test;
pub mod progress;
mod report;
mod retail;
mod serve;
mod spots;
pub mod tenders;
mod token;
pub mod training;
mod user;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::engine::{Engine, OpenOptions};

/// What a command returns: an exit code, or an error printed as `till: <message>`.
pub type CliResult = Result<ExitCode, Box<dyn std::error::Error + Send + Sync>>;

#[derive(Debug, Parser)]
#[command(
    name = "till",
    version,
    about = "A cashier terminal for gift cards, third-party gift cards and wallet payments."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(flatten)]
    pub till: TillArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options every command understands.
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// Data directory (ledger file, config, logs). Default: $TILL_DATA, else the platform data directory.
    #[arg(long, global = true, env = "TILL_DATA", value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Do not seed an empty data directory with demo data.
    #[arg(long, global = true)]
    pub no_demo: bool,
    /// The ledger's database: postgres://user@host:port/db (a chain's shared one) or a SQLite
    /// file. Default: `[storage] url` of till.toml, else the data directory's own SQLite file.
    #[arg(long, global = true, value_name = "URL")]
    pub database: Option<String>,
    /// No progress bars on long work (verify, backup, migrate, imports, cards generate,
    /// populate); the one summary line on stderr stays. Bars are only drawn on a terminal anyway.
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Args)]
pub struct TillArgs {
    /// Use the engine of a `till serve` elsewhere instead of the embedded one.
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// Start in training (simulator) mode against the training ledger.
    #[arg(long)]
    pub training: bool,
    /// Printer: tcp://HOST[:PORT], file:///dev/usb/lp0, serial:///dev/ttyUSB0?baud=19200, or none.
    #[arg(long, value_name = "SPEC")]
    pub printer: Option<String>,
    /// This till's terminal id (e.g. T02), for this run; else `terminal` in the till's settings
    /// file, else the engine's `[store] terminal_id` (T01).
    #[arg(long, value_name = "ID")]
    pub terminal: Option<String>,
    /// Language of the screen for this run: en or de (default: the settings file's `language`,
    /// else the store's locale: de-DE speaks German).
    #[arg(long, value_name = "LANG", value_parser = parse_lang)]
    pub lang: Option<crate::i18n::Lang>,
}

fn parse_lang(s: &str) -> Result<crate::i18n::Lang, String> {
    crate::i18n::Lang::parse(s).ok_or_else(|| format!("`{s}` is not a language the till speaks (en, de)"))
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the engine and its HTTP API without a screen.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:7878", value_name = "ADDR")]
        listen: String,
    },
    /// API bearer tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Gift card stock.
    #[command(subcommand)]
    Cards(CardsCommand),
    /// Check every ledger invariant; exit 0 when all hold.
    Verify,
    /// Write a consistent snapshot of the ledger to FILE, while the server keeps running.
    Backup {
        /// The backup file to create (it must not exist).
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
    },
    /// Restore a backup into a data directory that has no ledger; then run `till verify`.
    Restore {
        /// The backup file (from `till backup`).
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
    },
    /// Create or upgrade the database's schema (every component's migrations), then exit.
    Migrate,
    /// Fill the data directory with N gift card operations on M new cards, through the engine's
    /// write path in large batches (for measuring at scale; Ctrl+C stops after a whole batch).
    Populate {
        /// Gift card operations to book, one transfer each (the first M sell the new cards).
        #[arg(long, value_name = "N")]
        transfers: u64,
        /// New cards to register and sell.
        #[arg(long, value_name = "M")]
        cards: u64,
        /// Operations (or cards) per commit.
        #[arg(long, default_value_t = 10_000, value_name = "N")]
        batch: u32,
    },
    /// Print a test receipt.
    PrintTest {
        /// Printer spec (default: the configured printer).
        #[arg(long, value_name = "SPEC")]
        printer: Option<String>,
        /// Locale for amounts, e.g. de-DE.
        #[arg(long, value_name = "LOCALE")]
        locale: Option<String>,
        /// Paper width in columns: 32, 42 or 48.
        #[arg(long, value_name = "N")]
        width: Option<u16>,
    },
    /// Third-party gift card catalogue.
    #[command(subcommand)]
    Products(ProductsCommand),
    /// Print-on-receipt code stock.
    #[command(subcommand)]
    Codes(CodesCommand),
    /// The partner's prepaid balance with the distributor.
    #[command(subcommand)]
    Balance(BalanceCommand),
    /// Cashiers, managers and trainers.
    #[command(subcommand)]
    User(UserCommand),
    /// The manager's reports: x, z, liability or settlement.
    Report {
        /// x, z, liability or settlement.
        kind: String,
        #[arg(long, value_name = "S")]
        store: Option<String>,
        /// Business day, YYYY-MM-DD (UTC).
        #[arg(long, value_name = "D")]
        date: Option<String>,
        /// text (the printout at --width), csv or json.
        #[arg(long, default_value = "text")]
        format: String,
        /// Paper width of the text printout: 32, 42 or 48.
        #[arg(long, default_value_t = 42)]
        width: u16,
        /// z: a past Z by number (default: the latest, or the one of --date).
        #[arg(long)]
        number: Option<i64>,
        /// z: close the business day now and print its Z (every shift must be closed).
        #[arg(long)]
        close: bool,
        /// Language of the words: en or de (default: the store locale's).
        #[arg(long, value_name = "LANG", value_parser = parse_lang)]
        lang: Option<crate::i18n::Lang>,
        /// Number format of amounts and CSV (de-DE: `;` and decimal commas); default: the store's.
        #[arg(long, value_name = "LOCALE")]
        locale: Option<String>,
    },
    /// MAC clients of /rest/v1 (merchant side).
    #[command(subcommand, name = "mac-client")]
    MacClient(MacClientCommand),
    /// Customer wallets, and a wallet app that plays the customer (/rest/v1).
    #[command(subcommand)]
    Wallet(WalletCommand),
    /// Payment extension tenants (`/instore`).
    #[command(subcommand)]
    Extension(ExtensionCommand),
    /// Training scenarios.
    #[command(subcommand)]
    Training(TrainingCommand),
}

#[derive(Debug, Subcommand)]
pub enum TrainingCommand {
    /// Validate a scenario file: every problem by line and field (exit 1), or OK.
    Check { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum MacClientCommand {
    /// Create a merchant client of this store's location; prints {"id": "...", "key": "..."}.
    Create {
        #[arg(long)]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum WalletCommand {
    /// Create a customer's wallet app client with a funded wallet; prints {"id", "key", "wallet_id"}.
    Create {
        #[arg(long)]
        name: String,
        /// Starting balance in the merchant's currency, e.g. 25.00.
        #[arg(long)]
        balance: String,
    },
    /// Check in at a table by its code (as read from the QR code).
    Checkin {
        #[arg(long)]
        code: String,
        #[command(flatten)]
        app: WalletAppArgs,
    },
    /// The orders on the table you are checked in at.
    Orders {
        #[command(flatten)]
        app: WalletAppArgs,
    },
    /// Pay an order: reserve its amount in the wallet (the cashier confirms).
    Pay {
        order_id: i64,
        #[command(flatten)]
        app: WalletAppArgs,
    },
    /// The wallet's balance.
    Balance {
        #[command(flatten)]
        app: WalletAppArgs,
    },
    /// Check out of the table.
    Checkout {
        #[command(flatten)]
        app: WalletAppArgs,
    },
    /// Print a single-use code the wallet pays with at a store POS (`/instore/pay_wallet`), valid a few minutes.
    Barcode {
        #[arg(long, value_name = "WALLET_ID")]
        wallet: i64,
    },
}

/// Which wallet app plays the customer, against which server.
#[derive(Debug, Clone, Args)]
pub struct WalletAppArgs {
    /// The wallet (from `till wallet create`); may be left out when the data directory has one.
    #[arg(long, value_name = "WALLET_ID")]
    pub wallet: Option<i64>,
    /// The till server's URL.
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:7878")]
    pub server: String,
}

#[derive(Debug, Subcommand)]
pub enum ExtensionCommand {
    /// Create a tenant (or give it a new key) and print {"tenant_id", "key"}: the shared verification key.
    Create {
        #[arg(long)]
        tenant: String,
        /// Also require this X-API-Key on the tenant's requests (stored hashed).
        #[arg(long, value_name = "KEY")]
        api_key: Option<String>,
    },
    /// Settle the card simulator's clearing: one batch per tenant and currency with anything
    /// collected or refunded since the last, printed as one JSON line each.
    Settle {
        /// Only this tenant (default: every tenant with card payments).
        #[arg(long)]
        tenant: Option<String>,
        /// With --tenant: the currency (default EUR).
        #[arg(long, default_value = "EUR")]
        currency: String,
    },
    /// Print every settlement batch, oldest first, one JSON line each.
    Settlements {
        #[arg(long)]
        tenant: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it (it is stored hashed and cannot be shown again).
    Create {
        #[arg(long)]
        name: String,
    },
    /// List the API tokens (id, name, created; never the token itself).
    List {
        /// Also the revoked ones.
        #[arg(long)]
        all: bool,
    },
    /// Revoke an API token by its id (from `till token list`), or every token of a name.
    Revoke {
        #[arg(long, conflicts_with = "name", required_unless_present = "name")]
        id: Option<i64>,
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum CardsCommand {
    /// Register N inactive gift cards and print their numbers, one a line.
    Generate {
        #[arg(long)]
        count: u32,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProductsCommand {
    /// Import or update products from a JSON file.
    Import { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum CodesCommand {
    /// Import POR codes for a product, one code a line.
    Import {
        #[arg(long)]
        product: String,
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum BalanceCommand {
    /// Record a top-up of the partner balance, e.g. `till balance add 500.00 EUR`.
    Add { amount: String, currency: String },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user with a number, a name, a role and a PIN.
    Add {
        #[arg(long)]
        number: u32,
        #[arg(long)]
        name: String,
        /// cashier, manager or trainer.
        #[arg(long)]
        role: String,
        /// The PIN (4 to 8 digits). Read from TILL_PIN when omitted.
        #[arg(long, env = "TILL_PIN")]
        pin: String,
    },
    /// Lift a user's lock after too many wrong PINs.
    Unlock {
        #[arg(long)]
        number: u32,
    },
    /// List the users: number, name, role, and whether locked or disabled.
    List,
    /// Take a user out of service: no login, no approvals; their sessions end.
    Disable {
        #[arg(long)]
        number: u32,
    },
    /// Put a disabled user back in service.
    Enable {
        #[arg(long)]
        number: u32,
    },
    /// Give a user a new PIN (and lift any lock).
    Reset {
        #[arg(long)]
        number: u32,
        /// The new PIN (4 to 8 digits). Read from TILL_PIN when omitted.
        #[arg(long, env = "TILL_PIN")]
        pin: String,
    },
}

/// Parses the command line and runs the command.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => run_till(&cli.global, &cli.till),
        Some(Command::Serve { listen }) => serve::run(&cli.global, &listen),
        Some(Command::Token(TokenCommand::Create { name })) => token::create(&cli.global, &name),
        Some(Command::Token(TokenCommand::List { all })) => token::list(&cli.global, all),
        Some(Command::Token(TokenCommand::Revoke { id, name })) => token::revoke(&cli.global, id, name),
        Some(Command::Cards(CardsCommand::Generate { count })) => cards::generate(&cli.global, count),
        Some(Command::Verify) => verify::run(&cli.global),
        Some(Command::Backup { to }) => backup::backup(&cli.global, &to),
        Some(Command::Restore { from }) => backup::restore(&cli.global, &from),
        Some(Command::Migrate) => verify::migrate(&cli.global),
        Some(Command::Populate { transfers, cards, batch }) => {
            populate::run(&cli.global, populate::PopulateArgs { transfers, cards, batch })
        }
        Some(Command::PrintTest { printer, locale, width }) => {
            print_test::run(&cli.global, printer.as_deref(), locale.as_deref(), width, cli.till.training)
        }
        Some(Command::Products(ProductsCommand::Import { file })) => retail::import_products(&cli.global, &file),
        Some(Command::Codes(CodesCommand::Import { product, file })) => {
            retail::import_codes(&cli.global, &product, &file)
        }
        Some(Command::Balance(BalanceCommand::Add { amount, currency })) => {
            retail::add_balance(&cli.global, &amount, &currency)
        }
        Some(Command::Extension(ExtensionCommand::Create { tenant, api_key })) => {
            extension::create(&cli.global, &tenant, api_key.as_deref())
        }
        Some(Command::Extension(ExtensionCommand::Settle { tenant, currency })) => {
            extension::settle(&cli.global, tenant.as_deref(), &currency)
        }
        Some(Command::Extension(ExtensionCommand::Settlements { tenant })) => {
            extension::settlements(&cli.global, tenant.as_deref())
        }
        Some(Command::User(UserCommand::Add { number, name, role, pin })) => {
            user::add(&cli.global, number, &name, &role, &pin)
        }
        Some(Command::Report { kind, store, date, format, width, number, close, lang, locale }) => report::run(
            &cli.global,
            report::ReportArgs { kind, store, date, format, width, number, close, lang, locale },
        ),
        Some(Command::User(UserCommand::Unlock { number })) => user::unlock(&cli.global, number),
        Some(Command::User(UserCommand::List)) => user::list(&cli.global),
        Some(Command::User(UserCommand::Disable { number })) => user::set_disabled(&cli.global, number, true),
        Some(Command::User(UserCommand::Enable { number })) => user::set_disabled(&cli.global, number, false),
        Some(Command::User(UserCommand::Reset { number, pin })) => user::reset(&cli.global, number, &pin),
        Some(Command::Training(TrainingCommand::Check { file })) => training::check(&file, &mut std::io::stdout()),
        Some(Command::MacClient(MacClientCommand::Create { name })) => spots::create_merchant(&cli.global, &name),
        Some(Command::Wallet(cmd)) => {
            let (app, action) = match cmd {
                WalletCommand::Create { name, balance } => {
                    return exit(spots::create_wallet(&cli.global, &name, &balance));
                }
                WalletCommand::Barcode { wallet } => return exit(extension::barcode(&cli.global, wallet)),
                WalletCommand::Checkin { code, app } => (app, spots::WalletAction::CheckIn { code }),
                WalletCommand::Orders { app } => (app, spots::WalletAction::Orders),
                WalletCommand::Pay { order_id, app } => (app, spots::WalletAction::Pay { order_id }),
                WalletCommand::Balance { app } => (app, spots::WalletAction::Balance),
                WalletCommand::Checkout { app } => (app, spots::WalletAction::CheckOut),
            };
            spots::wallet_action(&cli.global, app.wallet, &app.server, action)
        }
    };
    exit(result)
}

/// A command's exit code; an error is printed on stderr first.
fn exit(result: CliResult) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("till: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The default command: the full-screen till.
fn run_till(global: &Global, till: &TillArgs) -> CliResult {
    let data_dir = data_dir(global)?;
    // Held until the till quits, so the last lines reach the file.
    let _log = serve::init_file_logging(&data_dir)?;
    let training = till.training;
    let opts = crate::tui::RunOptions {
        server: till.server.clone(),
        training: till.training,
        printer: till.printer.clone(),
        terminal: till.terminal.clone(),
        data_dir,
        demo: !global.no_demo,
        settings_path: None,
        lang: till.lang,
    };
    let host = crate::tui::Host {
        start_engine: Box::new(move |dir, demo| Box::pin(start_embedded(dir, demo, training))),
        shutdown_signal: Box::pin(crate::api::serve::shutdown_signal()),
    };
    crate::tui::run(opts, host)?;
    Ok(ExitCode::SUCCESS)
}

/// The till's own engine: opened on the data directory, serving the API on an ephemeral local port.
/// `practice`: the training ledger, the one a trainer may work on (engine::roles).
async fn start_embedded(dir: PathBuf, demo: bool, practice: bool) -> Result<crate::tui::EmbeddedEngine, String> {
    let opened = tokio::task::spawn_blocking(move || {
        if practice {
            Engine::open_practice(&dir, OpenOptions { demo })
        } else {
            Engine::open(&dir, OpenOptions { demo })
        }
    })
    .await;
    let engine = match opened {
        Ok(Ok(e)) => e,
        Ok(Err(e)) => return Err(format!("the engine could not open its data: {e}")),
        Err(e) => return Err(format!("the engine could not start: {e}")),
    };
    let handle = crate::api::serve::spawn(engine, "127.0.0.1:0")
        .await
        .map_err(|e| format!("the engine could not listen: {e}"))?;
    Ok(crate::tui::EmbeddedEngine {
        base_url: handle.base_url(),
        shutdown: Box::pin(async move {
            let _ = handle.shutdown().await;
        }),
    })
}

/// The data directory: `--data`, else `TILL_DATA` (clap reads both), else the platform's.
pub fn data_dir(global: &Global) -> Result<PathBuf, String> {
    if let Some(dir) = &global.data {
        return Ok(dir.clone());
    }
    directories::ProjectDirs::from("", "", "till")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or_else(|| "no home directory: pass --data DIR or set TILL_DATA".to_string())
}

/// Opens the engine on the data directory, as every administrative command does.
pub fn open_engine(global: &Global) -> Result<crate::engine::Engine, Box<dyn std::error::Error + Send + Sync>> {
    let dir = data_dir(global)?;
    let engine = crate::engine::Engine::open_on(
        &dir,
        global.database.as_deref(),
        crate::engine::OpenOptions { demo: !global.no_demo },
        std::sync::Arc::new(crate::ledger::SystemClock),
    )?;
    Ok(engine)
}
