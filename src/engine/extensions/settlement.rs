//! Settlement of the card simulator's clearing: the processor pays out what it collected.
//!
//! Every collected card payment debits the tenant's card clearing (money the processor owes the
//! store); refunds and cancels credit it back. A settlement batch moves the clearing's whole
//! posted balance to the tenant's card payouts account (code `CARD_PAYOUTS`: what the processor
//! paid the store, the bank side) in one transfer, and marks the payments it covered, so
//! clearing returns to zero and `cancel_credit_payment` (a void) is refused for them from then on:
//! after settlement money comes back only as a refund, which the next batch nets out (a batch
//! whose refunds exceed its collections is a negative payout: the processor takes it back).
//! Holds still waiting for capture are pending, never settled.
//!
//! Totals per batch (gross collected, refunded, net) are derived from the clearing account's
//! posted sums minus what earlier batches accounted for, so they always agree with the ledger.
//!
//! Who reads this: `till extension settle` (runs a batch), and the manager's reports, which show
//! [`batches`] and [`unsettled`] next to the store's own drawer and gift figures.

use serde::{Deserialize, Serialize};

pub use super::repo::BatchRow as Batch;
use super::{ExtError, card, repo};
use crate::engine::Engine;
use crate::engine::accounts::{account_id, code, transfer_code, transfer_id};
use crate::ledger::{NewAccount, NewTransfer, WriteTx};
use crate::money::Currency;

/// What sits in a tenant's card clearing now, not yet in any batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unsettled {
    pub tenant: String,
    pub currency: String,
    /// Collected payments not yet in a batch.
    pub payments: i64,
    pub gross: i64,
    pub refunds: i64,
    /// The clearing's posted balance: what the next batch pays out.
    pub net: i64,
    /// Authorisations still waiting for capture (not settled until captured).
    pub held: i64,
}

/// The tenant's card payouts account in `ledger`.
pub fn payouts_account(tenant: &str, ledger: u32) -> u128 {
    account_id(code::CARD_PAYOUTS, ledger, &format!("instore:{tenant}"))
}

/// The tenant's card clearing account in `ledger` (debit balance: owed by the processor).
pub fn clearing_account(tenant: &str, ledger: u32) -> u128 {
    card::clearing(tenant, ledger)
}

fn currency(code: &str) -> Result<Currency, ExtError> {
    Currency::from_code(code).map_err(|e| ExtError::Invalid(format!("currency: {e}")))
}

fn i64_of(v: i128) -> Result<i64, ExtError> {
    i64::try_from(v).map_err(|_| ExtError::Internal("settlement sums out of range".into()))
}

/// Sums of the clearing since the last batch: (gross, refunds, net, held), from the ledger.
fn since_last(tx: &WriteTx<'_>, tenant: &str, cur: Currency) -> Result<(i64, i64, i64, i64), ExtError> {
    let Some(acc) = tx.lookup_account(clearing_account(tenant, cur.ledger()))? else {
        return Ok((0, 0, 0, 0));
    };
    let prior = repo::batches(tx.sql(), Some(tenant), Some(cur.code()))?;
    // Payouts credit clearing; take-backs (negative batches) debit it.
    let (mut paid, mut taken, mut gross_before, mut refunds_before) = (0i128, 0i128, 0i128, 0i128);
    for b in &prior {
        if b.net >= 0 {
            paid += i128::from(b.net)
        } else {
            taken += i128::from(b.net).abs()
        }
        gross_before += i128::from(b.gross);
        refunds_before += i128::from(b.refunds);
    }
    let gross = i128::from(acc.debits_posted) - taken - gross_before;
    let refunds = i128::from(acc.credits_posted) - paid - refunds_before;
    let net = acc.debit_balance();
    if gross - refunds != net {
        return Err(ExtError::Internal(format!(
            "card clearing of {tenant} does not add up: {gross} - {refunds} != {net}"
        )));
    }
    Ok((i64_of(gross)?, i64_of(refunds)?, i64_of(net)?, i64_of(i128::from(acc.debits_pending))?))
}

/// Runs one settlement batch for `tenant` in `currency`. `None` when nothing moved since the last.
pub async fn settle(engine: &Engine, tenant: &str, currency_code: &str) -> Result<Option<Batch>, ExtError> {
    let cur = currency(currency_code)?;
    let tenant = tenant.to_string();
    engine.ledger().write(move |tx| settle_in(tx, &tenant, cur)).await
}

/// [`settle`] from synchronous code (the CLI).
pub fn settle_blocking(engine: &Engine, tenant: &str, currency_code: &str) -> Result<Option<Batch>, ExtError> {
    let cur = currency(currency_code)?;
    let tenant = tenant.to_string();
    engine.ledger().write_blocking(move |tx| settle_in(tx, &tenant, cur))
}

fn settle_in(tx: &mut WriteTx<'_>, tenant: &str, cur: Currency) -> Result<Option<Batch>, ExtError> {
    let (gross, refunds, net, _) = since_last(tx, tenant, cur)?;
    if gross == 0 && refunds == 0 {
        return Ok(None);
    }
    let ledger = cur.ledger();
    let payouts = payouts_account(tenant, ledger);
    let results =
        tx.create_accounts(&[NewAccount { id: payouts, ledger, code: code::CARD_PAYOUTS, ..NewAccount::default() }])?;
    if let Some(r) = results.iter().find(|r| !r.is_success()) {
        return Err(ExtError::Internal(format!("card payouts account: {r:?}")));
    }
    let n = repo::batches(tx.sql(), Some(tenant), Some(cur.code()))?.len() + 1;
    let batch_id = format!("{}-{n:06}", cur.code());
    if net != 0 {
        let clearing = clearing_account(tenant, ledger);
        let (debit, credit) = if net > 0 { (payouts, clearing) } else { (clearing, payouts) };
        let results = tx.create_transfers(&[NewTransfer {
            id: transfer_id(&format!("instore:card:{tenant}:settle:{batch_id}")),
            debit_account_id: debit,
            credit_account_id: credit,
            amount: net.unsigned_abs(),
            ledger,
            code: transfer_code::CARD_SETTLE,
            ..NewTransfer::default()
        }])?;
        if let Some(r) = results.iter().find(|r| !r.is_success()) {
            return Err(ExtError::Internal(format!("card settlement: {r:?}")));
        }
    }
    let covered = repo::unsettled_card_payments(tx.sql(), tenant, cur.code())?;
    for p in &covered {
        repo::mark_card_payment_settled(tx.sql(), tenant, &p.processor_id, &batch_id)?;
    }
    let batch = Batch {
        tenant: tenant.to_string(),
        batch_id,
        currency: cur.code().to_string(),
        payments: i64::try_from(covered.len()).unwrap_or(i64::MAX),
        gross,
        refunds,
        net,
        created_at: i64::try_from(tx.now()).unwrap_or(i64::MAX),
    };
    repo::insert_batch(tx.sql(), &batch)?;
    Ok(Some(batch))
}

/// Settles every tenant and currency that has card payments; the batches made.
pub fn settle_all_blocking(engine: &Engine) -> Result<Vec<Batch>, ExtError> {
    let pairs = engine.ledger().read_sql(|sql| Ok::<_, ExtError>(repo::card_tenants(sql)?))?;
    let mut out = Vec::new();
    for (tenant, cur) in pairs {
        if let Some(b) = settle_blocking(engine, &tenant, &cur)? {
            out.push(b);
        }
    }
    Ok(out)
}

/// [`settle_all_blocking`] from async code (the server's daily settlement).
pub async fn settle_all(engine: &Engine) -> Result<Vec<Batch>, ExtError> {
    let pairs = engine.ledger().read_sql_async(|sql| Ok::<_, ExtError>(repo::card_tenants(sql)?)).await?;
    let mut out = Vec::new();
    for (tenant, cur) in pairs {
        if let Some(b) = settle(engine, &tenant, &cur).await? {
            out.push(b);
        }
    }
    Ok(out)
}

/// The latest daily cutoff at or before `now_secs` (Unix seconds, UTC) for a cutoff of
/// `minute_of_day` minutes after midnight UTC.
pub fn last_cutoff(now_secs: i64, minute_of_day: u32) -> i64 {
    let day = now_secs.div_euclid(86_400) * 86_400;
    let cut = day + i64::from(minute_of_day) * 60;
    if cut <= now_secs { cut } else { cut - 86_400 }
}

/// Parses `HH:MM` into minutes after midnight.
pub fn parse_cutoff(text: &str) -> Option<u32> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60 && text.trim().len() == 5).then_some(h * 60 + m)
}

/// Settlement batches, oldest first (optionally of one tenant and currency).
pub fn batches(engine: &Engine, tenant: Option<&str>, currency: Option<&str>) -> Result<Vec<Batch>, ExtError> {
    engine.ledger().read_sql(|sql| Ok::<_, ExtError>(repo::batches(sql, tenant, currency)?))
}

/// What the next batch of every tenant and currency with card payments would settle.
pub async fn unsettled(engine: &Engine) -> Result<Vec<Unsettled>, ExtError> {
    engine
        .ledger()
        .write(move |tx| {
            let mut out = Vec::new();
            for (tenant, code) in repo::card_tenants(tx.sql())? {
                let cur = currency(&code)?;
                let (gross, refunds, net, held) = since_last(tx, &tenant, cur)?;
                let payments = repo::unsettled_card_payments(tx.sql(), &tenant, &code)?.len();
                out.push(Unsettled {
                    tenant,
                    currency: code,
                    payments: i64::try_from(payments).unwrap_or(i64::MAX),
                    gross,
                    refunds,
                    net,
                    held,
                });
            }
            // Nothing was written: the write only gives one consistent view of rows and balances.
            Ok::<_, ExtError>(out)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cutoffs_are_the_latest_passed_minute_of_the_day() {
        assert_eq!(parse_cutoff("23:30"), Some(23 * 60 + 30));
        assert_eq!(parse_cutoff("00:00"), Some(0));
        for bad in ["24:00", "7:00", "12:60", "noon", ""] {
            assert_eq!(parse_cutoff(bad), None, "{bad}");
        }
        let day = 20_000 * 86_400;
        assert_eq!(last_cutoff(day + 3_600, 30), day + 1_800, "01:00 → today's 00:30");
        assert_eq!(last_cutoff(day + 600, 30), day + 1_800 - 86_400, "00:10 → yesterday's 00:30");
        assert_eq!(last_cutoff(day + 1_800, 30), day + 1_800, "at the cutoff itself");
    }
}
