//! The manager's reports: X (a look at the open period, changes nothing), Z (closes the store's
//! business day: numbered per store, immutable, SHA-256 chained, perpetual grand totals), the
//! shift report, gift card liability with ageing and breakage, and the settlements.
//!
//! Every money figure comes from [`compute::compute`]; X, Z and a shift's close call it with
//! different scopes, so they cannot drift. A Z also leaves a zero-amount marker transfer in the
//! ledger carrying its number and hash, so [`verify_chain`] (run by `till verify`) finds a Z that
//! was altered, deleted or re-hashed.
//!
//! | file            | owns                                                          |
//! |-----------------|---------------------------------------------------------------|
//! | `compute.rs`    | the one computation: operations, tenders, drawer, cashiers    |
//! | `flow.rs`       | per-minute flows kept in the ledger's commit, for a fast Z     |
//! | `hourly.rs`     | sales per hour of the day, for the charts                      |
//! | `z.rs`          | closing the day, the chain, its verification                  |
//! | `liability.rs`  | outstanding balances, movements, ageing, breakage              |
//! | `settlement.rs` | distributor settlement, prepaid balance, clearing accounts    |
//! | `tender.rs`     | the retail order's tender leg (drawer / card clearing)        |
//! | `sheet.rs`      | a report as titled sections of rows: text, CSV and printouts   |
//! | `config.rs`     | `[manager]`: tolerance, breakage rule                          |
//! | `repo.rs`       | the SQL                                                        |

pub mod compute;
pub mod config;
pub mod flow;
pub mod hourly;
pub mod liability;
pub mod repo;
pub mod settlement;
pub mod sheet;
pub mod tender;
pub mod z;

pub use config::{BreakageRule, ManagerConfig};
pub use z::{ZReport, verify_chain};

use serde::{Deserialize, Serialize};

use self::compute::{Scope, Totals};
use super::Engine;
use super::shifts::{ErrorKind, ManagerError, Site};

pub const MIGRATIONS: &[crate::ledger::Migration] = repo::MIGRATIONS;

/// What an X or shift report covers.
#[derive(Debug, Clone, Default)]
pub struct XQuery {
    pub store: Option<String>,
    pub terminal: Option<String>,
    pub shift: Option<i64>,
    /// A past business day (`YYYY-MM-DD`, UTC) instead of the open period.
    pub date: Option<String>,
}

/// An X report (or a shift's report): the totals of a window, nothing stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct XReport {
    pub store: String,
    pub terminal: Option<String>,
    pub shift: Option<i64>,
    /// The Z this period follows (0: none yet).
    pub after_z: i64,
    pub generated_at: i64,
    pub totals: Totals,
}

pub fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The window `(start, end]` of a UTC day `YYYY-MM-DD`, in nanoseconds.
pub fn day_window(day: &str) -> Result<(i64, i64), ManagerError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let d = time::Date::parse(day.trim(), &format).map_err(|_| {
        ManagerError::new(ErrorKind::Invalid, "invalid_date", format!("{day:?} is not a date like 2026-11-21."))
    })?;
    let start = d.midnight().assume_utc().unix_timestamp_nanos();
    let start = i64::try_from(start).map_err(ManagerError::internal)?;
    Ok((start - 1, start + 86_400 * 1_000_000_000 - 1))
}

/// The store name that asks for every store at once: head office's view of a chain on one
/// database (`till report x --store '*'`, `GET /till/v1/reports/x?store=*`).
pub const ALL_STORES: &str = "*";

/// The X report of the open period (since the store's last Z), of a terminal or of a shift.
/// For [`ALL_STORES`] it is every store's business day (`date`, else today, UTC): stores close
/// their days with their own Zs, so there is no common open period.
pub fn x_report(engine: &Engine, q: XQuery) -> Result<XReport, ManagerError> {
    let site = Site::of(engine)?;
    let store = q.store.clone().unwrap_or(site.store.clone());
    let now = now_ns();
    if store == ALL_STORES {
        let day = q.date.clone().unwrap_or_else(|| super::shifts::business_day(now));
        let (from, to) = day_window(&day)?;
        let scope = Scope {
            store: None,
            terminal: q.terminal.clone(),
            shift: q.shift,
            from,
            to: to.min(now),
            currency: site.currency,
            default_terminal: site.terminal.clone(),
            spots: Some((site.spots_location, site.store.clone())),
        };
        let totals = engine.ledger().read_sql(|sql| Ok::<_, ManagerError>(compute::compute(sql, &scope)?))?;
        return Ok(XReport { store, terminal: q.terminal, shift: q.shift, after_z: 0, generated_at: now, totals });
    }
    engine.ledger().read_sql(|sql| {
        let last = repo::last_z(sql, &store)?;
        let after_z = last.as_ref().map_or(0, |z| z.number);
        let (from, to) = match &q.date {
            Some(d) => day_window(d)?,
            None => (last.as_ref().map_or(0, |z| z.to_ns), now),
        };
        if let Some(id) = q.shift
            && super::shifts::repo::by_id(sql, id)?.is_none()
        {
            return Err(ManagerError::new(ErrorKind::NotFound, "shift_not_found", format!("There is no shift {id}.")));
        }
        let scope = Scope {
            store: Some(store.clone()),
            terminal: q.terminal.clone(),
            shift: q.shift,
            from,
            to,
            currency: site.currency,
            default_terminal: site.terminal.clone(),
            spots: Some((site.spots_location, site.store.clone())),
        };
        let totals = compute::compute(sql, &scope)?;
        Ok(XReport {
            store: store.clone(),
            terminal: q.terminal.clone(),
            shift: q.shift,
            after_z,
            generated_at: now,
            totals,
        })
    })
}
