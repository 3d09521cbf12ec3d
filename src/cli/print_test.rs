//! `till print-test`: a test receipt with the store header, umlauts and the euro sign, an amount
//! in the chosen locale, a QR code and a CODE128 barcode, and a cut. Without a printer (`none`)
//! it prints the preview to stdout.
//!
//! Printer, width and locale come from the options, else from the till's settings file (the
//! `printer`, `width`, `locale` and `header` the settings screen saves), else `none`, 42 columns
//! and the merchant's locale.

use std::process::ExitCode;

use time::OffsetDateTime;

use super::{CliResult, Global};
use crate::engine::EngineConfig;
use crate::engine::config::CONFIG_FILE;
use crate::engine::receipts::receipt_setup;
use crate::money::{Currency, Locale, Money};
use crate::receipt::transport::DEFAULT_TIMEOUT;
use crate::receipt::{Context, PrinterSpec, Receipt, StoreHeader, Width, escpos, layout};
use crate::tui::settings::Settings;

pub fn run(g: &Global, printer: Option<&str>, locale: Option<&str>, width: Option<u16>) -> CliResult {
    let settings = read_settings();
    let spec: PrinterSpec = printer.unwrap_or(&settings.printer).parse()?;
    let width = Width::new(width.unwrap_or(settings.width))?;
    let config = read_config(g);
    let locale = match locale.or(settings.locale.as_deref()) {
        Some(tag) => Locale::parse(tag)?,
        None => config.as_ref().and_then(|c| Locale::parse(&c.merchant.locale).ok()).unwrap_or(Locale::DeDe),
    };
    let mut receipt = test_receipt(config.as_ref(), locale)?;
    receipt.header.extra.extend(settings.header);
    let doc = layout(&receipt, width);
    if spec == PrinterSpec::None {
        print!("{}", doc.preview());
        return Ok(ExitCode::SUCCESS);
    }
    let bytes = escpos::encode(&doc)?;
    match crate::receipt::transport::send(&spec, &bytes, DEFAULT_TIMEOUT) {
        Ok(sent) => {
            println!("sent a test receipt to {spec} ({} bytes; printer was {})", sent.bytes, sent.status_before);
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Err(format!("test receipt not printed: {e}").into()),
    }
}

/// The till's settings file; a broken one is reported and the defaults used.
fn read_settings() -> Settings {
    let Some(path) = Settings::default_path() else {
        return Settings::default();
    };
    Settings::load(&path).unwrap_or_else(|e| {
        eprintln!("till: ignoring the settings file: {e}");
        Settings::default()
    })
}

/// The data directory's `till.toml`, if there is a readable one. Never creates anything: a
/// printer test must work on a machine without a data directory.
fn read_config(g: &Global) -> Option<EngineConfig> {
    let dir = super::data_dir(g).ok()?;
    let text = std::fs::read_to_string(dir.join(CONFIG_FILE)).ok()?;
    EngineConfig::parse(&text).ok()
}

fn test_receipt(
    config: Option<&EngineConfig>,
    locale: Locale,
) -> Result<Receipt, Box<dyn std::error::Error + Send + Sync>> {
    let setup = config.and_then(|c| receipt_setup(c).ok());
    let header = setup.as_ref().map(|s| s.header.clone()).unwrap_or_else(|| StoreHeader {
        name: "till".to_string(),
        address: vec!["Printer test".to_string()],
        extra: Vec::new(),
    });
    let terminal = setup.as_ref().map(|s| s.terminal.clone()).unwrap_or_else(|| "T01".to_string());
    let footer = setup.as_ref().map(|s| s.footer.clone()).unwrap_or_default();
    let currency =
        config.and_then(|c| Currency::from_code(&c.merchant.currency).ok()).unwrap_or(Currency::from_code("EUR")?);
    let ctx = Context {
        header,
        terminal,
        cashier: None,
        issued_at: OffsetDateTime::now_local().unwrap_or_else(|_| OffsetDateTime::now_utc()),
        locale,
        training: false,
        footer,
    };
    Ok(Receipt::print_test(&ctx, Money::from_minor(123_456, currency)))
}
