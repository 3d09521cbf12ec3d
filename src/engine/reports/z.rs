//! Z reports: closing a store's business day.
//!
//! A Z is numbered consecutively per store and stored once, never updated. Its body (the totals of
//! the period since the previous Z, the perpetual grand totals and the previous Z's hash) is kept
//! as the exact JSON text that was hashed, so anyone can recompute `hash = SHA-256(body)`. The same
//! write books a zero-amount marker transfer (code `Z_MARKER`, `user_data_64` = number,
//! `user_data_128` = the hash's first 16 bytes) from the store's safe: the ledger is append-only and
//! verified, so a Z deleted from its table, or altered and re-hashed, no longer matches its marker.
//!
//! After a Z, its business day is closed: shifts cannot open and drawers cannot book into it.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::compute::{self, Scope, Totals};
use super::repo::{self, ZRow};
use crate::engine::Engine;
use crate::engine::accounts::{account_id, code, transfer_code, transfer_id};
use crate::engine::shifts::{self, ErrorKind, ManagerError, Site, business_day};
use crate::ledger::{NewTransfer, TransferFlags};

/// Totals carried from Z to Z since the first one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grand {
    pub gross: i64,
    pub returns: i64,
    /// Gross minus returns.
    pub net: i64,
    pub operations: u64,
}

/// What a Z's hash covers (field order is the serialisation order: keep it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZBody {
    pub store: String,
    pub number: i64,
    pub business_day: String,
    pub from_ns: i64,
    pub to_ns: i64,
    pub manager: u32,
    pub totals: Totals,
    pub grand: Grand,
    pub prev_hash: String,
}

/// A Z report as read back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZReport {
    #[serde(flatten)]
    pub body: ZBody,
    pub hash: String,
    /// Set when this is a reprint of a Z made before.
    pub duplicate: bool,
}

/// The hash before the first Z of a store.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

pub fn hash_of(body: &str) -> String {
    hex::encode(Sha256::digest(body.as_bytes()))
}

fn read(row: &ZRow, duplicate: bool) -> Result<ZReport, ManagerError> {
    let body: ZBody = serde_json::from_str(&row.body)
        .map_err(|e| ManagerError::internal(format!("Z {} of {} is unreadable: {e}", row.number, row.store)))?;
    Ok(ZReport { body, hash: row.hash.clone(), duplicate })
}

fn hash_prefix(hash: &str) -> u128 {
    let bytes = hex::decode(hash).unwrap_or_default();
    let mut b = [0u8; 16];
    if bytes.len() >= 16 {
        b.copy_from_slice(&bytes[..16]);
    }
    u128::from_be_bytes(b)
}

/// Closes the store's business day with its Z report (manager `manager`). Refused while a shift of
/// the store is open and when today's Z exists.
pub async fn close_day(engine: &Engine, manager: u32, store: Option<String>) -> Result<ZReport, ManagerError> {
    let site = Site::of(engine)?;
    let store = store.unwrap_or(site.store.clone());
    if store == super::ALL_STORES {
        // Each store closes its own day; head office reads them, it does not close them.
        return Err(ManagerError::new(
            ErrorKind::Invalid,
            "one_store_only",
            "A Z report closes one store's day: name the store.".to_string(),
        ));
    }
    engine
        .ledger()
        .write(move |tx| {
            let open = shifts::repo::open_in_store(tx.sql(), &store)?;
            if !open.is_empty() {
                let list: Vec<String> =
                    open.iter().map(|s| format!("{} ({} {})", s.terminal, s.cashier, s.cashier_name)).collect();
                return Err(ManagerError::new(
                    ErrorKind::Conflict,
                    "shifts_open",
                    format!("Close every shift before the Z report; still open: {}.", list.join(", ")),
                ));
            }
            let now = i64::try_from(tx.now()).unwrap_or(i64::MAX);
            let day = business_day(now);
            shifts::check_day_open(tx, &store, &day)?;
            let last = repo::last_z(tx.sql(), &store)?;
            let (number, from, prev_hash, prev_grand) = match &last {
                Some(z) => (z.number + 1, z.to_ns, z.hash.clone(), read(z, false)?.body.grand),
                None => (1, 0, GENESIS.to_string(), Grand::default()),
            };
            let scope = Scope {
                store: Some(store.clone()),
                terminal: None,
                shift: None,
                from,
                to: now,
                currency: site.currency,
                default_terminal: site.terminal.clone(),
                spots: Some((site.spots_location, site.store.clone())),
            };
            let totals = compute::compute(tx.sql(), &scope)?;
            let grand = add_grand(prev_grand, &totals)?;
            let body = ZBody {
                store: store.clone(),
                number,
                business_day: day.clone(),
                from_ns: from,
                to_ns: now,
                manager,
                totals,
                grand,
                prev_hash: prev_hash.clone(),
            };
            let text = serde_json::to_string(&body).map_err(ManagerError::internal)?;
            let hash = hash_of(&text);
            let row = ZRow {
                store: store.clone(),
                number,
                business_day: day,
                from_ns: from,
                to_ns: now,
                manager,
                body: text,
                prev_hash,
                hash: hash.clone(),
            };
            repo::insert_z(tx.sql(), &row)?;
            let a = shifts::drawer_accounts(tx, site.currency, &store, &site.terminal)?;
            let marker = NewTransfer {
                id: transfer_id(&format!("z:{store}:{number}")),
                debit_account_id: a.safe,
                credit_account_id: a.over_short,
                amount: 0,
                ledger: site.currency.ledger(),
                code: transfer_code::Z_MARKER,
                flags: TransferFlags::NONE,
                user_data_128: hash_prefix(&hash),
                user_data_64: number as u64,
                ..NewTransfer::default()
            };
            match tx.create_transfers(&[marker])?.first() {
                Some(r) if r.is_success() => {}
                other => return Err(ManagerError::internal(format!("the ledger refused the Z marker: {other:?}"))),
            }
            read(&row, false)
        })
        .await
}

fn add_grand(g: Grand, t: &Totals) -> Result<Grand, ManagerError> {
    let over = || ManagerError::internal("grand totals overflow");
    let ops: u64 = t.operations.values().map(|l| l.count).sum();
    let gross = g.gross.checked_add(t.gross).ok_or_else(over)?;
    let returns = g.returns.checked_add(t.returns).ok_or_else(over)?;
    Ok(Grand {
        gross,
        returns,
        net: gross.checked_sub(returns).ok_or_else(over)?,
        operations: g.operations.checked_add(ops).ok_or_else(over)?,
    })
}

/// A stored Z (a reprint: marked duplicate). `number: None` gives the latest, `day` the one of
/// that business day.
pub fn get(
    engine: &Engine,
    store: Option<String>,
    number: Option<i64>,
    day: Option<String>,
) -> Result<ZReport, ManagerError> {
    let site = Site::of(engine)?;
    let store = store.unwrap_or(site.store);
    let row = engine.ledger().read_sql(|sql| {
        Ok::<_, ManagerError>(match (number, &day) {
            (Some(n), _) => repo::z_by_number(sql, &store, n)?,
            (None, Some(d)) => repo::z_of_day(sql, &store, d)?,
            (None, None) => repo::last_z(sql, &store)?,
        })
    })?;
    let row = row.ok_or_else(|| ManagerError::new(ErrorKind::NotFound, "z_not_found", "There is no such Z report."))?;
    read(&row, true)
}

/// The store's Z reports, newest first.
pub fn list(engine: &Engine, store: Option<String>, limit: i64) -> Result<Vec<ZReport>, ManagerError> {
    let site = Site::of(engine)?;
    let store = store.unwrap_or(site.store);
    let rows =
        engine.ledger().read_sql(|sql| Ok::<_, ManagerError>(repo::list_z(sql, &store, limit.clamp(1, 1000))?))?;
    rows.iter().map(|r| read(r, true)).collect()
}

/// Checks every store's Z chain against itself and against the ledger's markers. Returns what was
/// checked and the violations found.
pub fn verify_chain(engine: &Engine) -> Result<(Vec<String>, Vec<String>), ManagerError> {
    let site = Site::of(engine)?;
    let ledger = site.currency.ledger();
    let (rows, markers) =
        engine.ledger().read_sql(|sql| Ok::<_, ManagerError>((repo::all_z(sql)?, repo::z_markers(sql)?)))?;
    let mut bad = Vec::new();
    let mut prev: Option<(&ZRow, Grand)> = None;
    for row in &rows {
        let first_of_store = prev.is_none_or(|(p, _)| p.store != row.store);
        let (want_number, want_prev, prev_grand) = match (first_of_store, prev) {
            (false, Some((p, g))) => (p.number + 1, p.hash.clone(), g),
            _ => (1, GENESIS.to_string(), Grand::default()),
        };
        let name = format!("Z {} of store {}", row.number, row.store);
        if row.number != want_number {
            bad.push(format!("{name}: expected number {want_number}: a Z is missing before it"));
        }
        if row.prev_hash != want_prev {
            bad.push(format!("{name}: its previous hash does not match Z {}", want_number - 1));
        }
        if hash_of(&row.body) != row.hash {
            bad.push(format!("{name}: its content does not match its hash (altered)"));
        }
        let mut grand = prev_grand;
        match serde_json::from_str::<ZBody>(&row.body) {
            Ok(b) => {
                if b.number != row.number
                    || b.store != row.store
                    || b.prev_hash != row.prev_hash
                    || b.to_ns != row.to_ns
                {
                    bad.push(format!("{name}: its columns differ from its hashed content (altered)"));
                }
                match add_grand(prev_grand, &b.totals) {
                    Ok(g) if g == b.grand => grand = g,
                    _ => bad.push(format!("{name}: its grand totals do not continue the previous Z's")),
                }
            }
            Err(e) => bad.push(format!("{name}: unreadable ({e})")),
        }
        let safe = account_id(code::CASH_SAFE, ledger, &row.store);
        let marked = markers.iter().find(|(s, n, _)| *s == safe && *n == row.number);
        match marked {
            None => bad.push(format!("{name}: the ledger holds no marker for it")),
            Some((_, _, h)) if *h != hash_prefix(&row.hash) => {
                bad.push(format!("{name}: its hash differs from the one the ledger recorded (altered)"))
            }
            Some(_) => {}
        }
        prev = Some((row, grand));
    }
    for (safe, number, _) in &markers {
        let found = rows.iter().any(|r| account_id(code::CASH_SAFE, ledger, &r.store) == *safe && r.number == *number);
        if !found {
            bad.push(format!("Z {number}: recorded in the ledger but missing from the Z reports (deleted)"));
        }
    }
    let checked = vec![format!(
        "Z report chain: {} report(s), numbering, SHA-256 links, grand totals and {} ledger marker(s)",
        rows.len(),
        markers.len()
    )];
    Ok((checked, bad))
}
