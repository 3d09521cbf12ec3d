//! Gift card liability: what the store owes its card holders, card by card and as the ledger holds
//! it (the two must agree to the cent), its movements over a period, its ageing by last use, and the
//! breakage estimate under the configured rule, which is booked (card → breakage, one transfer per
//! card) only when a manager confirms the very amount they were shown.

use serde::{Deserialize, Serialize};

use super::config::{BreakageRule, ManagerConfig};
use super::repo;
use crate::engine::Engine;
use crate::engine::accounts::{account_id, code, transfer_code as tc, transfer_id};
use crate::engine::cards::{Program, mask};
use crate::engine::shifts::{ErrorKind, ManagerError, Site};
use crate::ledger::{NewTransfer, TransferFlags};

/// A count and an amount in minor units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bucket {
    pub count: u64,
    pub amount: i64,
}

/// Card value that moved in the period (minor units, all positive).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Movements {
    pub issued: i64,
    pub loaded: i64,
    pub redeemed: i64,
    pub cashed_out: i64,
    pub refunded: i64,
    /// Reversals: value put back on cards minus value taken off them.
    pub reversed_net: i64,
    pub expired: i64,
    /// Net change of the liability: everything above with its sign.
    pub net: i64,
}

/// One card the breakage rule would lapse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakageCard {
    pub masked: String,
    pub amount: i64,
    /// Last use, Unix seconds.
    pub last_use: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breakage {
    pub rule: String,
    pub months: u32,
    pub estimate: Bucket,
    /// The largest few, for the screen.
    pub cards: Vec<BreakageCard>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Liability {
    pub currency: String,
    pub as_of_ns: i64,
    pub from_ns: i64,
    /// Cards with a balance, and the sum of their balances.
    pub outstanding: Bucket,
    /// The ledger's gift card liability (every gift card account).
    pub ledger_total: i64,
    pub matches_ledger: bool,
    pub movements: Movements,
    /// By months since last use: 0–12, 12–24, 24–36, over 36.
    pub ageing: [Bucket; 4],
    pub breakage: Breakage,
}

/// Whole months from `a` to `b` (Unix seconds), counting a month only once its day is reached.
fn months_between(a: i64, b: i64) -> i64 {
    let (Ok(a), Ok(b)) = (time::OffsetDateTime::from_unix_timestamp(a), time::OffsetDateTime::from_unix_timestamp(b))
    else {
        return 0;
    };
    let mut m = (i64::from(b.year()) - i64::from(a.year())) * 12 + i64::from(u8::from(b.month()))
        - i64::from(u8::from(a.month()));
    if b.day() < a.day() {
        m -= 1;
    }
    m.max(0)
}

/// Whether a balance last used at `last` (Unix seconds) has lapsed at `now` under `rule`.
pub fn lapsed(rule: BreakageRule, months: u32, last: i64, now: i64) -> bool {
    match rule {
        BreakageRule::Never => false,
        BreakageRule::Inactivity => months_between(last, now) >= i64::from(months),
        BreakageRule::DeLimitation => {
            let Ok(l) = time::OffsetDateTime::from_unix_timestamp(last) else { return false };
            let Ok(n) = time::OffsetDateTime::from_unix_timestamp(now) else { return false };
            // Time-barred from 1 January of the fourth year after the year of last use.
            n.year() >= l.year() + 4
        }
    }
}

struct CardBalance {
    number: String,
    balance: i64,
    last_use: i64,
}

fn balances(engine: &Engine, program: &Program) -> Result<(Vec<CardBalance>, i64), ManagerError> {
    let ledger = program.ledger();
    let (cards, accounts) = engine.ledger().read_sql(|sql| {
        Ok::<_, ManagerError>((repo::cards_with_last_use(sql)?, repo::accounts_of_code(sql, ledger, code::GIFT_CARD)?))
    })?;
    let mut ledger_total: i64 = 0;
    for (_, debits, credits, _) in &accounts {
        let b = i128::from(*credits) - i128::from(*debits);
        ledger_total = i64::try_from(b)
            .ok()
            .and_then(|b| ledger_total.checked_add(b))
            .ok_or_else(|| ManagerError::internal("liability overflows"))?;
    }
    let ids: Vec<u128> = cards.iter().map(|c| program.account_of(&c.0)).collect();
    let mut out = Vec::with_capacity(cards.len());
    for (chunk_cards, chunk_ids) in cards.chunks(500).zip(ids.chunks(500)) {
        let found = engine.ledger().lookup_accounts(chunk_ids)?;
        for (number, _, last, created) in chunk_cards {
            let id = program.account_of(number);
            let balance = found.iter().find(|a| a.id == id).map_or(0, |a| a.credit_balance());
            let balance = i64::try_from(balance).map_err(|_| ManagerError::internal("card balance out of range"))?;
            out.push(CardBalance { number: number.clone(), balance, last_use: last.unwrap_or(*created) });
        }
    }
    Ok((out, ledger_total))
}

/// The liability now, with movements since `from_ns` (ledger nanoseconds).
pub fn liability(engine: &Engine, from_ns: i64, to_ns: i64) -> Result<Liability, ManagerError> {
    let program = Program::from_engine(engine)?;
    let config = ManagerConfig::of(engine)?;
    let now = engine.now_secs();
    let (cards, ledger_total) = balances(engine, &program)?;
    let mut outstanding = Bucket::default();
    let mut ageing = [Bucket::default(); 4];
    let mut estimate = Bucket::default();
    let mut lapsing = Vec::new();
    let over = || ManagerError::internal("liability overflows");
    for c in cards.iter().filter(|c| c.balance != 0) {
        outstanding.count += 1;
        outstanding.amount = outstanding.amount.checked_add(c.balance).ok_or_else(over)?;
        let bucket = match months_between(c.last_use, now) {
            m if m < 12 => 0,
            m if m < 24 => 1,
            m if m < 36 => 2,
            _ => 3,
        };
        ageing[bucket].count += 1;
        ageing[bucket].amount = ageing[bucket].amount.checked_add(c.balance).ok_or_else(over)?;
        if c.balance > 0 && lapsed(config.breakage, config.breakage_months, c.last_use, now) {
            estimate.count += 1;
            estimate.amount = estimate.amount.checked_add(c.balance).ok_or_else(over)?;
            lapsing.push(BreakageCard { masked: mask(&c.number), amount: c.balance, last_use: c.last_use });
        }
    }
    lapsing.sort_by_key(|c| std::cmp::Reverse(c.amount));
    lapsing.truncate(20);
    let movements = movements(engine, &program, from_ns, to_ns)?;
    Ok(Liability {
        currency: program.currency.code().to_string(),
        as_of_ns: to_ns,
        from_ns,
        matches_ledger: outstanding.amount == ledger_total,
        outstanding,
        ledger_total,
        movements,
        ageing,
        breakage: Breakage {
            rule: config.breakage.as_str().into(),
            months: config.breakage_months,
            estimate,
            cards: lapsing,
        },
    })
}

fn movements(engine: &Engine, program: &Program, from: i64, to: i64) -> Result<Movements, ManagerError> {
    let rows =
        engine.ledger().read_sql(|sql| Ok::<_, ManagerError>(repo::transfers(sql, program.ledger(), from, to)?))?;
    let mut m = Movements::default();
    let over = || ManagerError::internal("liability movements overflow");
    let is_card = |id: u128| super::compute::account_code(id) == code::GIFT_CARD;
    for r in rows {
        let (onto, off) = (is_card(r.credit), is_card(r.debit));
        if onto == off {
            continue; // not a card, or card to card (an exchange): the liability does not change
        }
        let a = i64::try_from(r.amount).map_err(|_| over())?;
        let signed = if onto { a } else { -a };
        let slot = match r.code {
            tc::GIFT_SELL => &mut m.issued,
            tc::GIFT_RELOAD => &mut m.loaded,
            tc::GIFT_REDEEM | tc::GIFT_TIP => &mut m.redeemed,
            tc::GIFT_CASH_OUT => &mut m.cashed_out,
            tc::GIFT_REFUND => &mut m.refunded,
            tc::GIFT_REVERSE => &mut m.reversed_net,
            tc::GIFT_BREAKAGE => &mut m.expired,
            // Other areas paying with a gift card count as redeemed.
            _ if off => &mut m.redeemed,
            _ => &mut m.loaded,
        };
        let add = if r.code == tc::GIFT_REVERSE { signed } else { a };
        *slot = slot.checked_add(add).ok_or_else(over)?;
        m.net = m.net.checked_add(signed).ok_or_else(over)?;
    }
    Ok(m)
}

/// Books the breakage estimate as ledger transfers (card → breakage), on a manager's confirmation
/// of the amount they saw. Refused when the estimate changed since (a card was used meanwhile).
pub async fn book_breakage(engine: &Engine, manager: u32, confirm_amount: i64) -> Result<Bucket, ManagerError> {
    let program = Program::from_engine(engine)?;
    let config = ManagerConfig::of(engine)?;
    if config.breakage == BreakageRule::Never {
        return Err(ManagerError::new(
            ErrorKind::Conflict,
            "breakage_disabled",
            "The breakage rule is \"never\": nothing lapses.",
        ));
    }
    let site = Site::of(engine)?;
    let (cards, _) = balances(engine, &program)?;
    let now = engine.now_secs();
    let candidates: Vec<String> = cards
        .into_iter()
        .filter(|c| c.balance > 0 && lapsed(config.breakage, config.breakage_months, c.last_use, now))
        .map(|c| c.number)
        .collect();
    engine
        .ledger()
        .write(move |tx| {
            let at = i64::try_from(tx.now()).unwrap_or(i64::MAX);
            let breakage = account_id(code::BREAKAGE, program.ledger(), &site.store);
            if tx.lookup_account(breakage)?.is_none() {
                let acct = crate::ledger::NewAccount { id: breakage, ledger: program.ledger(), code: code::BREAKAGE, flags: crate::ledger::AccountFlags::HISTORY, ..Default::default() };
                tx.create_accounts(&[acct])?;
            }
            let mut booked = Bucket::default();
            for number in &candidates {
                // Re-checked inside the write: a card used since the estimate no longer lapses.
                let last = repo::last_use(tx.sql(), number)?.unwrap_or(0);
                if last > 0 && !lapsed(config.breakage, config.breakage_months, last, now) {
                    continue;
                }
                let id = program.account_of(number);
                let Some(acct) = tx.lookup_account(id)? else { continue };
                let balance = i64::try_from(acct.available_credit()).unwrap_or(0);
                if balance <= 0 {
                    continue;
                }
                let t = NewTransfer {
                    id: transfer_id(&format!("breakage:{number}:{at}")),
                    debit_account_id: id,
                    credit_account_id: breakage,
                    amount: balance as u64,
                    ledger: program.ledger(),
                    code: tc::GIFT_BREAKAGE,
                    flags: TransferFlags::NONE,
                    ..NewTransfer::default()
                };
                match tx.create_transfers(&[t])?.first() {
                    Some(r) if r.is_success() => {}
                    other => return Err(ManagerError::internal(format!("the ledger refused a breakage booking: {other:?}"))),
                }
                repo::insert_breakage(tx.sql(), number, at, balance, config.breakage.as_str(), manager)?;
                booked.count += 1;
                booked.amount = booked.amount.checked_add(balance).ok_or_else(|| ManagerError::internal("breakage overflows"))?;
            }
            if booked.amount != confirm_amount {
                return Err(ManagerError::new(
                    ErrorKind::Conflict,
                    "estimate_changed",
                    "The breakage estimate changed since it was shown (a card was used); nothing was booked. Look at it again.",
                ));
            }
            Ok(booked)
        })
        .await
}
