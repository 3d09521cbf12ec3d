//! `till report x|z|liability|settlement [--store S] [--date D] [--format text|csv|json]`: the
//! manager's reports from the command line, from the same computation and sheets as the screen.
//! `text` is the paper printout's preview at `--width` (32, 42 or 48 columns). Words and numbers
//! follow the store's locale unless `--lang` / `--locale` say otherwise; CSV for a decimal-comma
//! locale (de-DE) is `;`-separated with `1234,50` amounts (see `api::till::sheet_words::csv`).

use std::process::ExitCode;

use super::{CliResult, Global};
use crate::api::till::reports::wire_sheet;
use crate::engine::reports::{self, XQuery, liability, settlement, sheet, z};
use crate::engine::shifts::Site;
use crate::i18n::Lang;
use crate::money::Locale;
use crate::receipt::{Width, layout};

pub struct ReportArgs {
    pub kind: String,
    pub store: Option<String>,
    pub date: Option<String>,
    pub format: String,
    pub width: u16,
    pub number: Option<i64>,
    pub close: bool,
    pub lang: Option<Lang>,
    pub locale: Option<String>,
}

pub fn run(g: &Global, a: ReportArgs) -> CliResult {
    let engine = super::open_engine(g)?;
    let site = Site::of(&engine)?;
    let locale = match &a.locale {
        Some(tag) => Locale::parse(tag)?,
        None => Locale::parse(&engine.config().merchant.locale).unwrap_or(Locale::EnUs),
    };
    crate::i18n::set(a.lang.unwrap_or(Lang::for_locale(locale)), locale);
    let (sh, data) = match a.kind.as_str() {
        "x" => {
            let r = reports::x_report(
                &engine,
                XQuery { store: a.store.clone(), date: a.date.clone(), ..Default::default() },
            )?;
            (sheet::x(&r), serde_json::to_value(&r)?)
        }
        "z" => {
            let r = if a.close {
                // The command line stands for the store's back office: manager 0.
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
                rt.block_on(z::close_day(&engine, 0, a.store.clone()))?
            } else {
                z::get(&engine, a.store.clone(), a.number, a.date.clone())?
            };
            (sheet::z(&r), serde_json::to_value(&r)?)
        }
        "liability" => {
            let (from, to) = match &a.date {
                Some(d) => reports::day_window(d)?,
                None => (z::get(&engine, a.store.clone(), None, None).map_or(0, |z| z.body.to_ns), reports::now_ns()),
            };
            let l = liability::liability(&engine, from, to)?;
            (sheet::liability(&l, a.store.as_deref().unwrap_or(&site.store)), serde_json::to_value(&l)?)
        }
        "settlement" => {
            let s = settlement::settlement(&engine, a.date.clone(), a.store.clone())?;
            (
                sheet::settlement(&s, a.store.as_deref().unwrap_or(&site.store), reports::now_ns()),
                serde_json::to_value(&s)?,
            )
        }
        other => return Err(format!("unknown report {other:?}: use x, z, liability or settlement").into()),
    };
    match a.format.as_str() {
        "csv" => print!("{}", crate::api::till::sheet_words::csv(&wire_sheet(&sh), locale)),
        "json" => println!(
            "{}",
            serde_json::to_string_pretty(&crate::wire::reports::Report { sheet: wire_sheet(&sh), data })?
        ),
        "text" => {
            let width = Width::new(a.width)?;
            let header = header_for(&engine, a.store.as_deref(), &site)?;
            let receipt = crate::client::reports::printable(&wire_sheet(&sh), header, &site.terminal, locale);
            print!("{}", layout(&receipt, width).preview());
        }
        other => return Err(format!("unknown format {other:?}: use text, csv or json").into()),
    }
    Ok(ExitCode::SUCCESS)
}

/// The printout's header: this server's own store from `till.toml`; another store of the chain
/// from the database's catalogue (head office prints any store's report); every store under the
/// merchant's name.
fn header_for(
    engine: &crate::engine::Engine,
    store: Option<&str>,
    site: &Site,
) -> Result<crate::receipt::StoreHeader, Box<dyn std::error::Error + Send + Sync>> {
    let own = crate::engine::receipts::store_header(engine.config())?;
    match store {
        None => Ok(own),
        Some(s) if s == site.store => Ok(own),
        Some(reports::ALL_STORES) => {
            Ok(crate::receipt::StoreHeader { name: engine.config().merchant.name.clone(), address: vec![], ..own })
        }
        Some(s) => match crate::engine::catalog::stores::get_store(engine, s)? {
            Some(st) => Ok(crate::receipt::StoreHeader {
                name: st.name,
                address: vec![st.address.street, format!("{} {}", st.address.postal_code, st.address.city)],
                ..own
            }),
            None => Err(format!("store {s:?} is not registered in this database").into()),
        },
    }
}
