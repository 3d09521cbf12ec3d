//! Shifts and the cash drawer: a cashier opens a shift on a till with a float counted by
//! denomination, records paid-ins, paid-outs and no-sale openings, and closes with a **blind
//! count**: the counted amount goes in before the expected amount is shown, the difference is
//! booked to the store's cash over/short account, and beyond the tolerance the close needs a
//! manager's approval and a note.
//!
//! Money moves only as ledger transfers, each in the same [`Ledger::write`](crate::ledger::Ledger::write)
//! as its shift row: float (safe → drawer), paid-in (paid-in/out → drawer), paid-out (drawer →
//! paid-in/out), over/short (over/short ↔ drawer), and the closing drop of the counted cash back to
//! the safe, so a closed shift leaves the drawer's ledger balance where it found it.
//!
//! One cashier per till per shift and one open shift per cashier (unique indexes). At the till an
//! operation needs an open shift: [`guard`] is called for every money-moving request made with a
//! user's session token (API clients such as partner systems are not bound to shifts).
//!
//! | file      | owns                                 |
//! |-----------|--------------------------------------|
//! | `mod.rs`  | the operations, their checks, errors |
//! | `repo.rs` | the tables `shifts`, `shift_events`  |

pub mod repo;

use serde::{Deserialize, Serialize};

use self::repo::{EventRow, ShiftRow};
use super::Engine;
use super::accounts::{account_id, code, transfer_code, transfer_id};
use super::reports::{self, ManagerConfig};
use super::tokens::Role;
use crate::ledger::{AccountFlags, LedgerError, NewAccount, NewTransfer, TransferFlags, WriteTx};
use crate::money::{Currency, Money, denominations};
use crate::store::StoreError;

pub const MIGRATIONS: &[crate::ledger::Migration] = repo::MIGRATIONS;

/// Why a shift, drawer or report operation was refused. `code` is stable (the wire's error code).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ManagerError {
    pub kind: ErrorKind,
    pub code: &'static str,
    pub message: String,
}

/// How a refusal maps to HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Invalid,
    NotFound,
    Conflict,
    Forbidden,
    Internal,
}

impl ManagerError {
    pub fn new(kind: ErrorKind, code: &'static str, message: impl Into<String>) -> ManagerError {
        ManagerError { kind, code, message: message.into() }
    }
    pub fn invalid(message: impl Into<String>) -> ManagerError {
        ManagerError::new(ErrorKind::Invalid, "invalid_request", message)
    }
    pub fn internal(message: impl std::fmt::Display) -> ManagerError {
        ManagerError::new(ErrorKind::Internal, "internal", message.to_string())
    }
}

impl From<LedgerError> for ManagerError {
    fn from(e: LedgerError) -> Self {
        ManagerError::internal(e)
    }
}
impl From<StoreError> for ManagerError {
    fn from(e: StoreError) -> Self {
        ManagerError::internal(e)
    }
}
impl From<super::EngineError> for ManagerError {
    fn from(e: super::EngineError) -> Self {
        ManagerError::internal(e)
    }
}

/// One line of a drawer count: how many of one note or coin (minor units).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountLine {
    pub denomination: i64,
    pub quantity: u32,
}

/// Checks a count against the currency's notes and coins and adds it up.
pub fn count_total(currency: Currency, lines: &[CountLine]) -> Result<i64, ManagerError> {
    let known = denominations(currency);
    let mut total: i64 = 0;
    for l in lines {
        // A currency without a known list is counted as one amount (denomination 1).
        let ok = if known.is_empty() { l.denomination == 1 } else { known.contains(&l.denomination) };
        if !ok {
            return Err(ManagerError::invalid(format!(
                "{} is not a note or coin of {}.",
                Money::from_minor(l.denomination, currency).to_plain_string(),
                currency.code()
            )));
        }
        let value = l
            .denomination
            .checked_mul(i64::from(l.quantity))
            .and_then(|v| total.checked_add(v))
            .ok_or_else(|| ManagerError::invalid("The count is too large."))?;
        total = value;
    }
    Ok(total)
}

/// A shift as the rest of the till sees it. `expected` and `over_short` are `None` until the
/// shift is closed: the blind count never shows them before the count is committed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shift {
    pub id: i64,
    pub store: String,
    pub terminal: String,
    pub cashier: u32,
    pub cashier_name: String,
    pub currency: String,
    pub open: bool,
    pub business_day: String,
    pub opened_at: i64,
    pub closed_at: Option<i64>,
    pub float: i64,
    pub float_counts: Vec<CountLine>,
    pub counted: Option<i64>,
    pub counted_counts: Vec<CountLine>,
    pub expected: Option<i64>,
    pub over_short: Option<i64>,
    pub approved_by: Option<u32>,
    pub note: Option<String>,
    pub events: Vec<DrawerEvent>,
}

/// A paid-in, paid-out or no-sale opening (and the float, over/short and drop bookings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawerEvent {
    pub kind: String,
    pub amount: i64,
    pub reason: String,
    pub user: u32,
    pub at: i64,
}

fn view(row: ShiftRow, events: Vec<EventRow>) -> Shift {
    let counts = |s: &str| serde_json::from_str::<Vec<CountLine>>(s).unwrap_or_default();
    Shift {
        id: row.id,
        open: row.state == "open",
        float_counts: counts(&row.float_counts),
        counted_counts: row.counted_counts.as_deref().map(counts).unwrap_or_default(),
        store: row.store,
        terminal: row.terminal,
        cashier: row.cashier,
        cashier_name: row.cashier_name,
        currency: row.currency,
        business_day: row.business_day,
        opened_at: row.opened_at,
        closed_at: row.closed_at,
        float: row.float_minor,
        counted: row.counted_minor,
        expected: row.expected_minor,
        over_short: row.over_short_minor,
        approved_by: row.approved_by,
        note: row.note,
        events: events
            .into_iter()
            .map(|e| DrawerEvent {
                kind: e.kind,
                amount: e.amount_minor,
                reason: e.reason,
                user: e.user_number,
                at: e.at,
            })
            .collect(),
    }
}

/// The store, terminal and currency this engine serves, from `till.toml`.
#[derive(Debug, Clone)]
pub struct Site {
    pub store: String,
    pub terminal: String,
    pub currency: Currency,
    /// The spots location this store is (`[spots] location_id`): its wallet payments are the store's.
    pub spots_location: i64,
}

impl Site {
    pub fn of(engine: &Engine) -> Result<Site, ManagerError> {
        let s = &engine.config().store;
        let currency = Currency::from_code(&engine.config().merchant.currency).map_err(ManagerError::internal)?;
        Ok(Site {
            store: s.store_code(),
            terminal: s.terminal_id.to_string(),
            currency,
            spots_location: crate::engine::spots::SpotsConfig::of(engine)?.location_id,
        })
    }
}

/// The UTC calendar day of a ledger timestamp: the business day (as the retail settlement counts).
pub fn business_day(ns: i64) -> String {
    crate::engine::retail::settlement::day_of(ns)
}

fn ns(tx: &WriteTx<'_>) -> i64 {
    i64::try_from(tx.now()).unwrap_or(i64::MAX)
}

fn ensure(tx: &mut WriteTx<'_>, id: u128, ledger: u32, code: u16) -> Result<(), ManagerError> {
    if tx.lookup_account(id)?.is_some() {
        return Ok(());
    }
    let r =
        tx.create_accounts(&[NewAccount { id, ledger, code, flags: AccountFlags::HISTORY, ..NewAccount::default() }])?;
    match r.first() {
        Some(r) if r.is_success() => Ok(()),
        other => Err(ManagerError::internal(format!("account {id:032x} not created: {other:?}"))),
    }
}

/// The accounts a drawer booking uses.
pub struct DrawerAccounts {
    pub drawer: u128,
    pub safe: u128,
    pub over_short: u128,
    pub paid: u128,
}

pub fn drawer_accounts(
    tx: &mut WriteTx<'_>,
    c: Currency,
    store: &str,
    terminal: &str,
) -> Result<DrawerAccounts, ManagerError> {
    let l = c.ledger();
    let a = DrawerAccounts {
        drawer: account_id(code::CASH_DRAWER, l, terminal),
        safe: account_id(code::CASH_SAFE, l, store),
        over_short: account_id(code::CASH_OVER_SHORT, l, store),
        paid: account_id(code::CASH_PAID_IN_OUT, l, store),
    };
    ensure(tx, a.drawer, l, code::CASH_DRAWER)?;
    ensure(tx, a.safe, l, code::CASH_SAFE)?;
    ensure(tx, a.over_short, l, code::CASH_OVER_SHORT)?;
    ensure(tx, a.paid, l, code::CASH_PAID_IN_OUT)?;
    Ok(a)
}

/// Books one drawer transfer; the ledger refusing it is internal (these accounts have no limits).
#[allow(clippy::too_many_arguments)] // one transfer's fields, named at each call
fn book(
    tx: &mut WriteTx<'_>,
    c: Currency,
    key: &str,
    debit: u128,
    credit: u128,
    amount: i64,
    code: u16,
    shift: i64,
) -> Result<(), ManagerError> {
    if amount <= 0 {
        return Ok(());
    }
    let t = NewTransfer {
        id: transfer_id(&format!("shift:{shift}:{key}")),
        debit_account_id: debit,
        credit_account_id: credit,
        amount: amount as u64,
        ledger: c.ledger(),
        code,
        flags: TransferFlags::NONE,
        user_data_64: shift as u64,
        ..NewTransfer::default()
    };
    match tx.create_transfers(&[t])?.first() {
        Some(r) if r.is_success() => Ok(()),
        other => Err(ManagerError::internal(format!("the ledger refused a drawer booking: {other:?}"))),
    }
}

/// Refuses when a Z report has closed the store's business day `day`.
pub fn check_day_open(tx: &WriteTx<'_>, store: &str, day: &str) -> Result<(), ManagerError> {
    if let Some(z) = reports::repo::z_of_day(tx.sql(), store, day)? {
        return Err(ManagerError::new(
            ErrorKind::Conflict,
            "period_closed",
            format!(
                "Business day {day} of store {store} was closed by Z report {}; nothing more can be booked into it.",
                z.number
            ),
        ));
    }
    Ok(())
}

/// What opening a shift needs.
#[derive(Debug, Clone)]
pub struct OpenShift {
    pub terminal: Option<String>,
    pub cashier: u32,
    pub cashier_name: String,
    pub float: Vec<CountLine>,
}

/// Opens a shift on a till with its counted float.
pub async fn open(engine: &Engine, req: OpenShift) -> Result<Shift, ManagerError> {
    let site = Site::of(engine)?;
    let terminal = req.terminal.clone().filter(|t| !t.trim().is_empty()).unwrap_or(site.terminal.clone());
    if terminal.len() > 32 {
        return Err(ManagerError::invalid("terminal must have at most 32 characters."));
    }
    let float = count_total(site.currency, &req.float)?;
    let counts = serde_json::to_string(&req.float).map_err(ManagerError::internal)?;
    engine
        .ledger()
        .write(move |tx| {
            let sql = tx.sql();
            if let Some(s) = repo::open_on_terminal(sql, &terminal)? {
                return Err(ManagerError::new(
                    ErrorKind::Conflict,
                    "shift_open_on_terminal",
                    format!(
                        "Till {terminal} already has an open shift of {} ({}); close it first.",
                        s.cashier_name, s.cashier
                    ),
                ));
            }
            if let Some(s) = repo::open_of_cashier(sql, req.cashier)? {
                return Err(ManagerError::new(
                    ErrorKind::Conflict,
                    "shift_already_open",
                    format!("You already have an open shift on till {}; close it first.", s.terminal),
                ));
            }
            let now = ns(tx);
            let day = business_day(now);
            check_day_open(tx, &site.store, &day)?;
            let row = ShiftRow {
                id: 0,
                store: site.store.clone(),
                terminal: terminal.clone(),
                cashier: req.cashier,
                cashier_name: req.cashier_name.clone(),
                currency: site.currency.code().to_string(),
                state: "open".into(),
                business_day: day,
                opened_at: now,
                closed_at: None,
                float_minor: float,
                float_counts: counts.clone(),
                counted_minor: None,
                counted_counts: None,
                expected_minor: None,
                over_short_minor: None,
                approved_by: None,
                note: None,
            };
            let id = repo::insert_shift(tx.sql(), &row)?;
            let a = drawer_accounts(tx, site.currency, &site.store, &terminal)?;
            book(tx, site.currency, "float", a.drawer, a.safe, float, transfer_code::SHIFT_FLOAT, id)?;
            let event = EventRow {
                id: 0,
                shift_id: id,
                kind: "float".into(),
                amount_minor: float,
                reason: String::new(),
                user_number: req.cashier,
                at: now,
            };
            repo::insert_event(tx.sql(), &event)?;
            load(tx, id)
        })
        .await
}

fn load(tx: &WriteTx<'_>, id: i64) -> Result<Shift, ManagerError> {
    let row = repo::by_id(tx.sql(), id)?.ok_or_else(|| ManagerError::internal(format!("shift {id} vanished")))?;
    let events = repo::events(tx.sql(), id)?;
    Ok(view(row, events))
}

/// A user's open shift (`None` when they have none).
pub fn current(engine: &Engine, user: u32) -> Result<Option<Shift>, ManagerError> {
    engine.ledger().read_sql(|sql| {
        let Some(row) = repo::open_of_cashier(sql, user)? else { return Ok(None) };
        let events = repo::events(sql, row.id)?;
        Ok(Some(view(row, events)))
    })
}

/// One shift by id.
pub fn get(engine: &Engine, id: i64) -> Result<Shift, ManagerError> {
    engine.ledger().read_sql(|sql| {
        let row = repo::by_id(sql, id)?.ok_or_else(|| {
            ManagerError::new(ErrorKind::NotFound, "shift_not_found", format!("There is no shift {id}."))
        })?;
        let events = repo::events(sql, id)?;
        Ok(view(row, events))
    })
}

/// The store's recent shifts, newest first (what the manager's screen lists).
pub fn recent(engine: &Engine, limit: i64) -> Result<Vec<Shift>, ManagerError> {
    let site = Site::of(engine)?;
    engine.ledger().read_sql(|sql| {
        let rows = repo::recent(sql, &site.store, limit.clamp(1, 200))?;
        Ok(rows.into_iter().map(|r| view(r, Vec::new())).collect())
    })
}

/// Who may act on a shift: its cashier, or a manager on any shift.
fn shift_for(tx: &WriteTx<'_>, user: u32, role: Role, shift: Option<i64>) -> Result<ShiftRow, ManagerError> {
    let row = match shift {
        Some(id) => repo::by_id(tx.sql(), id)?,
        None => repo::open_of_cashier(tx.sql(), user)?,
    };
    let no_shift =
        || ManagerError::new(ErrorKind::Conflict, "no_open_shift", "You have no open shift; open one first.");
    let row = row.ok_or_else(no_shift)?;
    if row.cashier != user && role != Role::Manager {
        return Err(ManagerError::new(
            ErrorKind::Forbidden,
            "forbidden",
            "Only the shift's cashier or a manager may do this.",
        ));
    }
    if row.state != "open" {
        return Err(ManagerError::new(
            ErrorKind::Conflict,
            "shift_closed",
            format!("Shift {} is already closed.", row.id),
        ));
    }
    Ok(row)
}

/// What a drawer movement is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Movement {
    PaidIn,
    PaidOut,
    NoSale,
}

/// Records a paid-in, paid-out (with a reason) or a no-sale opening of the drawer.
pub async fn movement(
    engine: &Engine,
    user: u32,
    role: Role,
    shift: Option<i64>,
    kind: Movement,
    amount: Money,
    reason: String,
) -> Result<Shift, ManagerError> {
    let site = Site::of(engine)?;
    let reason = reason.trim().to_string();
    if reason.is_empty() || reason.chars().count() > 120 {
        return Err(ManagerError::invalid("Give a reason of 1 to 120 characters."));
    }
    if kind != Movement::NoSale {
        if amount.currency() != site.currency {
            return Err(ManagerError::invalid(format!("The amount must be in {}.", site.currency.code())));
        }
        if amount.minor() <= 0 {
            return Err(ManagerError::invalid("The amount must be more than zero."));
        }
    }
    engine
        .ledger()
        .write(move |tx| {
            let row = shift_for(tx, user, role, shift)?;
            let now = ns(tx);
            check_day_open(tx, &row.store, &business_day(now))?;
            let a = drawer_accounts(tx, site.currency, &row.store, &row.terminal)?;
            let (name, minor) = match kind {
                Movement::PaidIn => ("paid_in", amount.minor()),
                Movement::PaidOut => ("paid_out", amount.minor()),
                Movement::NoSale => ("no_sale", 0),
            };
            let event = EventRow {
                id: 0,
                shift_id: row.id,
                kind: name.into(),
                amount_minor: minor,
                reason: reason.clone(),
                user_number: user,
                at: now,
            };
            let event_id = repo::insert_event(tx.sql(), &event)?;
            let key = format!("{name}:{event_id}");
            match kind {
                Movement::PaidIn => {
                    book(tx, site.currency, &key, a.drawer, a.paid, minor, transfer_code::PAID_IN, row.id)?
                }
                Movement::PaidOut => {
                    book(tx, site.currency, &key, a.paid, a.drawer, minor, transfer_code::PAID_OUT, row.id)?
                }
                Movement::NoSale => {}
            }
            load(tx, row.id)
        })
        .await
}

/// A manager's approval of a close beyond the tolerance (checked by the caller: PIN and role).
#[derive(Debug, Clone)]
pub struct Approval {
    pub manager: u32,
    pub note: String,
}

/// Closes a shift with a blind count. Beyond the tolerance without an approval nothing changes
/// and the refusal names neither the expected amount nor the difference.
pub async fn close(
    engine: &Engine,
    user: u32,
    role: Role,
    shift: Option<i64>,
    counted: Vec<CountLine>,
    approval: Option<Approval>,
) -> Result<Shift, ManagerError> {
    let site = Site::of(engine)?;
    let config = ManagerConfig::of(engine)?;
    let tolerance = config.tolerance(site.currency)?;
    let total = count_total(site.currency, &counted)?;
    let counts = serde_json::to_string(&counted).map_err(ManagerError::internal)?;
    if let Some(a) = &approval
        && (a.note.trim().is_empty() || a.note.chars().count() > 200)
    {
        return Err(ManagerError::invalid("A manager's approval needs a note of 1 to 200 characters."));
    }
    let default_terminal = site.terminal.clone();
    engine
        .ledger()
        .write(move |tx| {
            let row = shift_for(tx, user, role, shift)?;
            let now = ns(tx);
            let scope = reports::compute::Scope {
                store: Some(row.store.clone()),
                terminal: None,
                shift: Some(row.id),
                from: row.opened_at - 1,
                to: now,
                currency: site.currency,
                default_terminal,
                spots: Some((site.spots_location, site.store.clone())),
            };
            let totals = reports::compute::compute(tx.sql(), &scope)?;
            let expected = totals.cash.expected;
            let diff = total.checked_sub(expected).ok_or_else(|| ManagerError::invalid("The count is too large."))?;
            if diff.unsigned_abs() > tolerance.unsigned_abs() && approval.is_none() {
                return Err(ManagerError::new(
                    ErrorKind::Forbidden,
                    "manager_approval_required",
                    "The count is outside the tolerance: a manager must approve this close with their PIN and a note. Nothing was booked; count again or call a manager.",
                ));
            }
            let a = drawer_accounts(tx, site.currency, &row.store, &row.terminal)?;
            if diff > 0 {
                book(tx, site.currency, "over", a.drawer, a.over_short, diff, transfer_code::CASH_OVER_SHORT, row.id)?;
            } else if diff < 0 {
                book(tx, site.currency, "short", a.over_short, a.drawer, -diff, transfer_code::CASH_OVER_SHORT, row.id)?;
            }
            book(tx, site.currency, "drop", a.safe, a.drawer, total, transfer_code::DRAWER_DROP, row.id)?;
            let mut at = now;
            for (kind, amount) in [("over_short", diff), ("drop", total)] {
                at = ns(tx);
                let e = EventRow { id: 0, shift_id: row.id, kind: kind.into(), amount_minor: amount, reason: String::new(), user_number: user, at };
                repo::insert_event(tx.sql(), &e)?;
            }
            // The window ends after the close's own bookings, so the shift report shows them.
            let closed = ShiftRow {
                closed_at: Some(at.max(ns(tx) - 1)),
                counted_minor: Some(total),
                counted_counts: Some(counts.clone()),
                expected_minor: Some(expected),
                over_short_minor: Some(diff),
                approved_by: approval.as_ref().map(|a| a.manager),
                note: approval.as_ref().map(|a| a.note.trim().to_string()),
                ..row.clone()
            };
            if !repo::close(tx.sql(), &closed)? {
                return Err(ManagerError::new(ErrorKind::Conflict, "shift_closed", format!("Shift {} is already closed.", row.id)));
            }
            load(tx, row.id)
        })
        .await
}

/// The till's rule: a user's money-moving request needs an open shift — their own, or for a
/// manager any open shift of the store (a manager stepping in at a cashier's till).
pub fn guard(engine: &Engine, user: u32, role: Role) -> Result<(), ManagerError> {
    let refused = || {
        ManagerError::new(
            ErrorKind::Conflict,
            "no_open_shift",
            "There is no open shift for you on this till: open a shift (count the float) before taking money.",
        )
    };
    engine.ledger().read_sql(|sql| {
        if repo::open_of_cashier(sql, user)?.is_some() {
            return Ok(());
        }
        if role == Role::Manager && repo::any_open(sql)? {
            return Ok(());
        }
        Err(refused())
    })
}

/// Opens the demo cashier's shift on the demo till with an empty float, so a fresh demo data
/// directory can take money at once (as before shifts existed). A real day starts with a count.
pub fn seed_demo(engine: &Engine) -> Result<(), ManagerError> {
    let site = Site::of(engine)?;
    let currency = site.currency;
    let (store, terminal) = (site.store.clone(), site.terminal.clone());
    engine.ledger().write_blocking(move |tx| {
        if repo::open_on_terminal(tx.sql(), &terminal)?.is_some() || repo::open_of_cashier(tx.sql(), 1001)?.is_some() {
            return Ok(());
        }
        let now = ns(tx);
        let row = ShiftRow {
            id: 0,
            store,
            terminal,
            cashier: 1001,
            cashier_name: "Demo Cashier".into(),
            currency: currency.code().to_string(),
            state: "open".into(),
            business_day: business_day(now),
            opened_at: now,
            closed_at: None,
            float_minor: 0,
            float_counts: "[]".into(),
            counted_minor: None,
            counted_counts: None,
            expected_minor: None,
            over_short_minor: None,
            approved_by: None,
            note: None,
        };
        let id = repo::insert_shift(tx.sql(), &row)?;
        let e = EventRow {
            id: 0,
            shift_id: id,
            kind: "float".into(),
            amount_minor: 0,
            reason: String::new(),
            user_number: 1001,
            at: now,
        };
        repo::insert_event(tx.sql(), &e)?;
        Ok::<(), ManagerError>(())
    })
}
