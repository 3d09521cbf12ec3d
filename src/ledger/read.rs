//! The read side: look-ups, pending state and history pages, on a read snapshot.

use super::{Account, HistoryEntry, LedgerError, Page, PendingState, Transfer, TransferFlags};
use crate::store::ledger::HoldState;
use crate::store::ledger_store::LedgerReader;

/// The most history rows one page returns.
pub(crate) const MAX_PAGE: u32 = 8190;

pub(crate) fn lookup_accounts(r: &LedgerReader<'_>, ids: &[u128]) -> Result<Vec<Account>, LedgerError> {
    let mut out = Vec::with_capacity(ids.len());
    for &id in ids {
        if let Some(a) = r.account(id)? {
            out.push(a.into());
        }
    }
    Ok(out)
}

pub(crate) fn lookup_transfers(r: &LedgerReader<'_>, ids: &[u128]) -> Result<Vec<Transfer>, LedgerError> {
    let mut out = Vec::with_capacity(ids.len());
    for &id in ids {
        if let Some(t) = r.transfer(id)? {
            out.push(t.into());
        }
    }
    Ok(out)
}

/// The fate of a pending transfer as of `now` (a hold past its timeout is expired even before
/// the writer has recorded it).
pub(crate) fn pending_state(r: &LedgerReader<'_>, id: u128, now: u64) -> Result<Option<PendingState>, LedgerError> {
    let Some(p) = r.pending(id)? else { return Ok(None) };
    if !TransferFlags(p.transfer.flags).contains(TransferFlags::PENDING) {
        return Ok(None);
    }
    let state = p.state.unwrap_or(-1);
    Ok(match HoldState::from_code(state) {
        Some(HoldState::Posted) => Some(PendingState::Posted),
        Some(HoldState::Voided) => Some(PendingState::Voided),
        Some(HoldState::Expired) => Some(PendingState::Expired),
        Some(HoldState::Pending) if p.expires_at > 0 && p.expires_at <= now => Some(PendingState::Expired),
        Some(HoldState::Pending) => Some(PendingState::Pending),
        None => return Err(LedgerError::Invalid(format!("pending transfer {id:032x} has unknown state {state}"))),
    })
}

pub(crate) fn account_history(
    r: &LedgerReader<'_>,
    account_id: u128,
    after: Option<u64>,
    limit: u32,
) -> Result<Page<HistoryEntry>, LedgerError> {
    let limit = limit.clamp(1, MAX_PAGE);
    // Timestamps are stored with the u64's bit pattern; -1 is before every one of them.
    let after_sql = after.map_or(-1, |a| a as i64);
    let rows = r.history(account_id, after_sql, i64::from(limit) + 1)?;
    let mut items = Vec::with_capacity(rows.len());
    let mut cursors = Vec::with_capacity(rows.len());
    for h in rows {
        cursors.push(h.timestamp);
        items.push(HistoryEntry {
            debits_pending: h.balances.debits_pending,
            debits_posted: h.balances.debits_posted,
            credits_pending: h.balances.credits_pending,
            credits_posted: h.balances.credits_posted,
            transfer: h.transfer.into(),
        });
    }
    let more = items.len() > limit as usize;
    items.truncate(limit as usize);
    let next = if more { cursors.get(limit as usize - 1).copied() } else { None };
    Ok(Page { items, next })
}
