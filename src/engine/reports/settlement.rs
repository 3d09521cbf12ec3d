//! Settlements: what the distributor takes for the retail orders (per day and store: orders,
//! invalidations, face value, commission, net payable), the partner's prepaid balance with it (and
//! recording a top-up), and what card and wallet clearing hold awaiting settlement — each figure
//! tied to its ledger account.

use serde::{Deserialize, Serialize};

use super::repo;
use crate::engine::Engine;
use std::collections::HashMap;

use crate::engine::accounts::{account_id, code};
use crate::engine::catalog::balance;
use crate::engine::shifts::{ErrorKind, ManagerError, Site};
use crate::money::Money;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetailDay {
    pub date: String,
    pub store: String,
    pub orders: u64,
    pub invalidations: u64,
    pub face_value: i64,
    pub commission: i64,
    pub net_payable: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clearing {
    pub accounts: u64,
    /// Debit balance: what the acquirer or wallet provider still owes.
    pub awaiting: i64,
    /// Authorised but not yet captured (pending holds on the clearing accounts).
    pub held: i64,
    /// Each ledger account with its part, so every figure can be found in the ledger.
    pub lines: Vec<ClearingLine>,
}

/// One clearing account: whose it is (a terminal, or a spots location), its ledger id (hex), its part.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClearingLine {
    pub name: String,
    pub account: String,
    pub awaiting: i64,
    pub held: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prepaid {
    pub available: i64,
    pub on_hold: i64,
    pub posted: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettlementReport {
    pub currency: String,
    pub date: Option<String>,
    pub store: Option<String>,
    pub days: Vec<RetailDay>,
    pub total: RetailDay,
    pub prepaid: Prepaid,
    pub card_clearing: Clearing,
    pub wallet_clearing: Clearing,
}

fn over() -> ManagerError {
    ManagerError::internal("settlement totals overflow")
}

fn add(a: &mut i64, b: i64) -> Result<(), ManagerError> {
    *a = a.checked_add(b).ok_or_else(over)?;
    Ok(())
}

/// The settlement of a business day (`None`: every day) and store (`None`: every store).
pub fn settlement(
    engine: &Engine,
    date: Option<String>,
    store: Option<String>,
) -> Result<SettlementReport, ManagerError> {
    let site = Site::of(engine)?;
    if let Some(d) = &date {
        super::day_window(d)?;
    }
    let c = site.currency;
    let (entries, cards, wallets, terminals) = engine.ledger().read_sql(|sql| {
        Ok::<_, ManagerError>((
            repo::settlement_entries(sql, c.code(), date.as_deref(), store.as_deref())?,
            repo::accounts_of_code(sql, c.ledger(), code::CARD_CLEARING)?,
            repo::accounts_of_code(sql, c.ledger(), code::WALLET_CLEARING)?,
            repo::terminal_names(sql)?,
        ))
    })?;
    // Clearing account ids are derived from their owner's name: map them back.
    let mut names: HashMap<u128, String> = HashMap::new();
    for t in terminals.iter().chain(std::iter::once(&site.terminal)) {
        for k in [code::CARD_CLEARING, code::WALLET_CLEARING] {
            names.insert(account_id(k, c.ledger(), t), t.clone());
        }
    }
    let location = format!("location:{}", site.spots_location);
    names.insert(account_id(code::WALLET_CLEARING, c.ledger(), &location), "spots".to_string());
    let mut days: Vec<RetailDay> = Vec::new();
    let mut total = RetailDay {
        date: date.clone().unwrap_or_default(),
        store: store.clone().unwrap_or_default(),
        ..RetailDay::default()
    };
    for (day, st, kind, face, commission, net) in entries {
        if days.last().is_none_or(|d| d.date != day || d.store != st) {
            days.push(RetailDay { date: day.clone(), store: st.clone(), ..RetailDay::default() });
        }
        let Some(d) = days.last_mut() else { continue };
        for line in [&mut *d, &mut total] {
            if kind == "confirm" {
                line.orders += 1;
            } else {
                line.invalidations += 1;
            }
            add(&mut line.face_value, face)?;
            add(&mut line.commission, commission)?;
            add(&mut line.net_payable, net)?;
        }
    }
    // Card clearing is debited by card payments (gift); wallet clearing is credited by wallet
    // charges (spots): each is read on the side its payments land.
    let clearing = |rows: &[(u128, u64, u64, u64)], debit_side: bool| -> Result<Clearing, ManagerError> {
        let mut c = Clearing::default();
        for (id, debits, credits, pending) in rows {
            c.accounts += 1;
            let net = i128::from(*debits) - i128::from(*credits);
            let b = i64::try_from(if debit_side { net } else { -net }).map_err(|_| over())?;
            let held = i64::try_from(*pending).map_err(|_| over())?;
            add(&mut c.awaiting, b)?;
            add(&mut c.held, held)?;
            c.lines.push(ClearingLine {
                name: names.get(id).cloned().unwrap_or_else(|| "unknown".into()),
                account: format!("{id:032x}"),
                awaiting: b,
                held,
            });
        }
        c.lines.sort_by(|a, b| a.name.cmp(&b.name).then(a.account.cmp(&b.account)));
        Ok(c)
    };
    let prepaid = balance::balances(engine)
        .map_err(|e| ManagerError::internal(e.to_string()))?
        .into_iter()
        .find(|b| b.currency == c)
        .map(|b| Prepaid { available: b.available, on_hold: b.on_hold, posted: b.posted })
        .unwrap_or_default();
    Ok(SettlementReport {
        currency: c.code().to_string(),
        date,
        store,
        days,
        total,
        prepaid,
        card_clearing: clearing(&cards, true)?,
        wallet_clearing: clearing(&wallets, false)?,
    })
}

/// Records a top-up of the prepaid balance (the same `reference` twice records it once); `true`
/// when `reference` was recorded before and nothing was booked now.
pub async fn top_up(engine: &Engine, amount: Money, reference: &str) -> Result<(Prepaid, bool), ManagerError> {
    let reference = reference.trim();
    if reference.is_empty() || reference.len() > 64 {
        return Err(ManagerError::invalid("Give the top-up a reference of 1 to 64 characters (the bank transfer's)."));
    }
    let (b, replayed) = balance::add_balance_once(engine, amount, reference).await.map_err(|e| {
        let code = e.code();
        if code == "top_up_exists" {
            ManagerError::new(ErrorKind::Conflict, "top_up_exists", e.to_string())
        } else if code == "invalid_amount" {
            ManagerError::invalid(e.to_string())
        } else {
            ManagerError::internal(e.to_string())
        }
    })?;
    Ok((Prepaid { available: b.available, on_hold: b.on_hold, posted: b.posted }, replayed))
}
