//! Validation and application of accounts and transfers, in TigerBeetle's precedence.
//!
//! Every check runs before anything is changed, so a failing event leaves no trace. Balances
//! change only here, and only as the effect of a transfer (or of a pending transfer's expiry,
//! which is recorded in `ledger_pending`).
//!
//! Choices where TigerBeetle versions differ or this ledger deviates (all deliberate):
//! - A post with `amount` 0 (or `u64::MAX`) posts the full pending amount; a void's amount must be
//!   0, `u64::MAX` or exactly the pending amount. A regular transfer may move 0.
//! - For post/void, an existing transfer with the same id is reported (`exists…`) before
//!   `pending_transfer_already_posted/voided/expired`, so retrying a post that succeeded is `exists`.
//! - In a linked chain, `exists` does not break the chain: a retried chain that committed answers
//!   `exists` for every member. Any other failure rolls the chain back; the failing member gets its
//!   own result, members that were applied get `linked_event_failed`, later ones are not evaluated.
//! - Unknown flag bits, and closing flags on a transfer that is not pending, are
//!   `flags_are_mutually_exclusive` (TigerBeetle has `reserved_flag` / `closing_transfer_must_be_pending`).
//! - Closed accounts refuse new transfers and posts; a void (or expiry) of the transfer that closed
//!   an account reopens it.

use super::writer::State;
use super::{
    Account, AccountFlags, CreateAccountResult as AR, CreateTransferResult as TR, LedgerError, NewAccount, NewTransfer,
    Transfer, TransferFlags as TF,
};
use crate::store::ledger::{AccountRecord, Balances, HoldState, PendingRecord, TransferRecord};

/// The transfer with this id, if there is one (in this transaction).
fn existing_transfer(st: &State, id: u128) -> Result<Option<Transfer>, LedgerError> {
    Ok(st.conn.transfer(id)?.map(Transfer::from))
}

/// Stores a new transfer; `false` when one with its id is already there.
fn insert_transfer(st: &State, t: &Transfer) -> Result<bool, LedgerError> {
    Ok(st.conn.insert_transfer(&TransferRecord::from(t))?)
}

/// A pending transfer, its fate (`None`: no valid fate row), the raw state code and its expiry.
type Pending = (Transfer, Option<HoldState>, i64, u64);

fn pending_of(st: &State, id: u128) -> Result<Option<Pending>, LedgerError> {
    Ok(st.conn.pending(id)?.map(|PendingRecord { transfer, state, expires_at }| {
        let code = state.unwrap_or(-1);
        (Transfer::from(transfer), HoldState::from_code(code), code, expires_at)
    }))
}

const NS_PER_SEC: u64 = 1_000_000_000;
const ACCOUNT_KNOWN_FLAGS: u16 = (1 << 5) - 1;
const TRANSFER_KNOWN_FLAGS: u16 = (1 << 8) - 1;

/// An event that can be linked to the next one.
trait Event {
    type Result: Copy + PartialEq;
    const OK: Self::Result;
    const FAILED: Self::Result;
    const OPEN: Self::Result;
    fn linked(&self) -> bool;
    /// `ok` and `exists` keep a chain going; anything else breaks it.
    fn keeps_chain(r: Self::Result) -> bool;
}

impl Event for NewAccount {
    type Result = AR;
    const OK: AR = AR::Ok;
    const FAILED: AR = AR::LinkedEventFailed;
    const OPEN: AR = AR::LinkedEventChainOpen;
    fn linked(&self) -> bool {
        self.flags.contains(AccountFlags::LINKED)
    }
    fn keeps_chain(r: AR) -> bool {
        r.is_success()
    }
}

impl Event for NewTransfer {
    type Result = TR;
    const OK: TR = TR::Ok;
    const FAILED: TR = TR::LinkedEventFailed;
    const OPEN: TR = TR::LinkedEventChainOpen;
    fn linked(&self) -> bool {
        self.flags.contains(TF::LINKED)
    }
    fn keeps_chain(r: TR) -> bool {
        r.is_success()
    }
}

/// Runs events in linked chains: a chain commits as a unit or not at all.
fn run_chains<E: Event>(
    st: &mut State,
    events: &[E],
    mut apply: impl FnMut(&mut State, &E) -> Result<E::Result, LedgerError>,
) -> Result<Vec<E::Result>, LedgerError> {
    let mut results = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        let mut end = i;
        while end < events.len() && events[end].linked() {
            end += 1;
        }
        // An unterminated chain ends at the batch's end: its last event reports it.
        let chain_open = end == events.len();
        let end = end.min(events.len() - 1);
        if end == i && !chain_open {
            results.push(apply(st, &events[i])?);
            i += 1;
            continue;
        }
        let mark = st.savepoint()?;
        let mut chain: Vec<E::Result> = Vec::with_capacity(end - i + 1);
        let mut broken = false;
        for (k, event) in events[i..=end].iter().enumerate() {
            if broken {
                chain.push(E::FAILED);
                continue;
            }
            let r = if chain_open && i + k == end { E::OPEN } else { apply(st, event)? };
            if !E::keeps_chain(r) {
                broken = true;
                for prior in chain.iter_mut() {
                    if *prior == E::OK {
                        *prior = E::FAILED;
                    }
                }
            }
            chain.push(r);
        }
        if broken {
            st.rollback_to(mark)?;
        } else {
            st.release(mark)?;
        }
        results.extend(chain);
        i = end + 1;
    }
    Ok(results)
}

pub(crate) fn create_accounts(st: &mut State, events: &[NewAccount]) -> Result<Vec<AR>, LedgerError> {
    run_chains(st, events, create_account)
}

pub(crate) fn create_transfers(st: &mut State, events: &[NewTransfer]) -> Result<Vec<TR>, LedgerError> {
    run_chains(st, events, create_transfer)
}

fn create_account(st: &mut State, a: &NewAccount) -> Result<AR, LedgerError> {
    if a.id == 0 {
        return Ok(AR::IdMustNotBeZero);
    }
    if a.id == u128::MAX {
        return Ok(AR::IdMustNotBeIntMax);
    }
    let limits = AccountFlags::DEBITS_MUST_NOT_EXCEED_CREDITS | AccountFlags::CREDITS_MUST_NOT_EXCEED_DEBITS;
    if a.flags.contains(limits) || a.flags.0 & !ACCOUNT_KNOWN_FLAGS != 0 {
        return Ok(AR::FlagsAreMutuallyExclusive);
    }
    if a.ledger == 0 {
        return Ok(AR::LedgerMustNotBeZero);
    }
    if a.code == 0 {
        return Ok(AR::CodeMustNotBeZero);
    }
    if let Some(e) = st.account(a.id)? {
        // `closed` may have changed since (closing transfers), so it is not compared.
        let closed = AccountFlags::CLOSED.0;
        return Ok(if a.flags.0 & !closed != e.flags.0 & !closed {
            AR::ExistsWithDifferentFlags
        } else if a.user_data_128 != e.user_data_128 {
            AR::ExistsWithDifferentUserData128
        } else if a.user_data_64 != e.user_data_64 {
            AR::ExistsWithDifferentUserData64
        } else if a.user_data_32 != e.user_data_32 {
            AR::ExistsWithDifferentUserData32
        } else if a.ledger != e.ledger {
            AR::ExistsWithDifferentLedger
        } else if a.code != e.code {
            AR::ExistsWithDifferentCode
        } else {
            AR::Exists
        });
    }
    let ts = st.peek_timestamp();
    let account = Account {
        id: a.id,
        ledger: a.ledger,
        code: a.code,
        flags: a.flags,
        debits_pending: 0,
        debits_posted: 0,
        credits_pending: 0,
        credits_posted: 0,
        user_data_128: a.user_data_128,
        user_data_64: a.user_data_64,
        user_data_32: a.user_data_32,
        timestamp: ts,
    };
    let num = st.conn.insert_account(&AccountRecord::from(&account))?;
    st.use_timestamp(ts);
    st.account_created(num, account);
    Ok(AR::Ok)
}

fn create_transfer(st: &mut State, t: &NewTransfer) -> Result<TR, LedgerError> {
    if t.id == 0 {
        return Ok(TR::IdMustNotBeZero);
    }
    if t.id == u128::MAX {
        return Ok(TR::IdMustNotBeIntMax);
    }
    if t.flags.0 & !TRANSFER_KNOWN_FLAGS != 0 {
        return Ok(TR::FlagsAreMutuallyExclusive);
    }
    if t.flags.contains(TF::POST_PENDING_TRANSFER) || t.flags.contains(TF::VOID_PENDING_TRANSFER) {
        return post_or_void(st, t);
    }
    let pending = t.flags.contains(TF::PENDING);
    let closing = t.flags.contains(TF::CLOSING_DEBIT) || t.flags.contains(TF::CLOSING_CREDIT);
    if closing && !pending {
        return Ok(TR::FlagsAreMutuallyExclusive);
    }
    if t.debit_account_id == 0 {
        return Ok(TR::DebitAccountIdMustNotBeZero);
    }
    if t.credit_account_id == 0 {
        return Ok(TR::CreditAccountIdMustNotBeZero);
    }
    if t.debit_account_id == t.credit_account_id {
        return Ok(TR::AccountsMustBeDifferent);
    }
    if t.pending_id != 0 {
        return Ok(TR::PendingIdMustBeZero);
    }
    if !pending && t.timeout != 0 {
        return Ok(TR::TimeoutReservedForPendingTransfer);
    }
    if t.ledger == 0 {
        return Ok(TR::LedgerMustNotBeZero);
    }
    if t.code == 0 {
        return Ok(TR::CodeMustNotBeZero);
    }
    let Some(mut dr) = st.account(t.debit_account_id)? else { return Ok(TR::DebitAccountNotFound) };
    let Some(mut cr) = st.account(t.credit_account_id)? else { return Ok(TR::CreditAccountNotFound) };
    if dr.ledger != cr.ledger {
        return Ok(TR::AccountsMustHaveTheSameLedger);
    }
    if t.ledger != dr.ledger {
        return Ok(TR::TransferMustHaveTheSameLedgerAsAccounts);
    }
    let ts = st.peek_timestamp();
    // From here on, an existing transfer with this id takes precedence over any other result.
    let verdict = check_effect(t, &dr, &cr, ts);
    let amount = match verdict {
        Ok(amount) => amount,
        Err(result) => {
            return Ok(match existing_transfer(st, t.id)? {
                Some(existing) => exists_result(t, &existing),
                None => result,
            });
        }
    };
    let transfer = Transfer {
        id: t.id,
        debit_account_id: t.debit_account_id,
        credit_account_id: t.credit_account_id,
        amount,
        pending_id: 0,
        timeout: t.timeout,
        ledger: t.ledger,
        code: t.code,
        flags: t.flags,
        user_data_128: t.user_data_128,
        user_data_64: t.user_data_64,
        user_data_32: t.user_data_32,
        timestamp: ts,
    };
    if !insert_transfer(st, &transfer)? {
        let existing = existing_transfer(st, t.id)?
            .ok_or_else(|| LedgerError::Invalid(format!("transfer {:032x} neither inserted nor found", t.id)))?;
        return Ok(exists_result(t, &existing));
    }
    st.use_timestamp(ts);
    if pending {
        dr.debits_pending += amount;
        cr.credits_pending += amount;
        if t.flags.contains(TF::CLOSING_DEBIT) {
            dr.flags = dr.flags | AccountFlags::CLOSED;
        }
        if t.flags.contains(TF::CLOSING_CREDIT) {
            cr.flags = cr.flags | AccountFlags::CLOSED;
        }
        let expires_at = if t.timeout > 0 { ts + u64::from(t.timeout) * NS_PER_SEC } else { 0 };
        st.conn.insert_hold(t.id, expires_at)?;
        if expires_at > 0 {
            st.next_expiry = st.next_expiry.min(expires_at);
        }
    } else {
        dr.debits_posted += amount;
        cr.credits_posted += amount;
    }
    record(st, &transfer, dr, cr, ts)?;
    Ok(TR::Ok)
}

/// The checks after the `exists` point for a new single-phase or pending transfer: closed
/// accounts, overflows, limits. Returns the amount to move (balancing transfers may move less).
fn check_effect(t: &NewTransfer, dr: &Account, cr: &Account, ts: u64) -> Result<u64, TR> {
    if dr.flags.contains(AccountFlags::CLOSED) {
        return Err(TR::DebitAccountAlreadyClosed);
    }
    if cr.flags.contains(AccountFlags::CLOSED) {
        return Err(TR::CreditAccountAlreadyClosed);
    }
    let pending = t.flags.contains(TF::PENDING);
    let mut amount = t.amount;
    let balancing = t.flags.contains(TF::BALANCING_DEBIT) || t.flags.contains(TF::BALANCING_CREDIT);
    if balancing {
        // The amount is an upper bound (0: no bound); move what the limits leave room for.
        if amount == 0 {
            amount = u64::MAX;
        }
        if t.flags.contains(TF::BALANCING_DEBIT) {
            let spent = u128::from(dr.debits_pending) + u128::from(dr.debits_posted);
            let room = u128::from(dr.credits_posted).saturating_sub(spent);
            amount = amount.min(u64::try_from(room).unwrap_or(u64::MAX));
            if amount == 0 {
                return Err(TR::ExceedsCredits);
            }
        }
        if t.flags.contains(TF::BALANCING_CREDIT) {
            let spent = u128::from(cr.credits_pending) + u128::from(cr.credits_posted);
            let room = u128::from(cr.debits_posted).saturating_sub(spent);
            amount = amount.min(u64::try_from(room).unwrap_or(u64::MAX));
            if amount == 0 {
                return Err(TR::ExceedsDebits);
            }
        }
    }
    if pending {
        if dr.debits_pending.checked_add(amount).is_none() {
            return Err(TR::OverflowsDebitsPending);
        }
        if cr.credits_pending.checked_add(amount).is_none() {
            return Err(TR::OverflowsCreditsPending);
        }
    }
    if dr.debits_posted.checked_add(amount).is_none() {
        return Err(TR::OverflowsDebitsPosted);
    }
    if cr.credits_posted.checked_add(amount).is_none() {
        return Err(TR::OverflowsCreditsPosted);
    }
    let dr_total = u128::from(dr.debits_pending) + u128::from(dr.debits_posted) + u128::from(amount);
    if dr_total > u128::from(u64::MAX) {
        return Err(TR::OverflowsDebits);
    }
    let cr_total = u128::from(cr.credits_pending) + u128::from(cr.credits_posted) + u128::from(amount);
    if cr_total > u128::from(u64::MAX) {
        return Err(TR::OverflowsCredits);
    }
    if pending && u128::from(ts) + u128::from(t.timeout) * u128::from(NS_PER_SEC) > u128::from(i64::MAX as u64) {
        return Err(TR::OverflowsTimeout);
    }
    if dr.flags.contains(AccountFlags::DEBITS_MUST_NOT_EXCEED_CREDITS) && dr_total > u128::from(dr.credits_posted) {
        return Err(TR::ExceedsCredits);
    }
    if cr.flags.contains(AccountFlags::CREDITS_MUST_NOT_EXCEED_DEBITS) && cr_total > u128::from(cr.debits_posted) {
        return Err(TR::ExceedsDebits);
    }
    Ok(amount)
}

/// `exists` when every field matches, else the first differing field in precedence order.
/// `t` is the request as it would be stored (post/void already filled in from the pending one).
fn exists_result(t: &NewTransfer, e: &Transfer) -> TR {
    let balancing = t.flags.contains(TF::BALANCING_DEBIT) || t.flags.contains(TF::BALANCING_CREDIT);
    let amount_differs = if balancing { t.amount != 0 && e.amount > t.amount } else { t.amount != e.amount };
    if t.flags != e.flags {
        TR::ExistsWithDifferentFlags
    } else if t.pending_id != e.pending_id {
        TR::ExistsWithDifferentPendingId
    } else if t.timeout != e.timeout {
        TR::ExistsWithDifferentTimeout
    } else if t.debit_account_id != e.debit_account_id {
        TR::ExistsWithDifferentDebitAccountId
    } else if t.credit_account_id != e.credit_account_id {
        TR::ExistsWithDifferentCreditAccountId
    } else if amount_differs {
        TR::ExistsWithDifferentAmount
    } else if t.user_data_128 != e.user_data_128 {
        TR::ExistsWithDifferentUserData128
    } else if t.user_data_64 != e.user_data_64 {
        TR::ExistsWithDifferentUserData64
    } else if t.user_data_32 != e.user_data_32 {
        TR::ExistsWithDifferentUserData32
    } else if t.ledger != e.ledger {
        TR::ExistsWithDifferentLedger
    } else if t.code != e.code {
        TR::ExistsWithDifferentCode
    } else {
        TR::Exists
    }
}

fn post_or_void(st: &mut State, t: &NewTransfer) -> Result<TR, LedgerError> {
    let post = t.flags.contains(TF::POST_PENDING_TRANSFER);
    let void = t.flags.contains(TF::VOID_PENDING_TRANSFER);
    let excluded =
        TF::PENDING.0 | TF::BALANCING_DEBIT.0 | TF::BALANCING_CREDIT.0 | TF::CLOSING_DEBIT.0 | TF::CLOSING_CREDIT.0;
    if (post && void) || t.flags.0 & excluded != 0 {
        return Ok(TR::FlagsAreMutuallyExclusive);
    }
    if t.pending_id == 0 {
        return Ok(TR::PendingIdMustNotBeZero);
    }
    if t.pending_id == t.id {
        return Ok(TR::PendingIdMustBeDifferent);
    }
    if t.timeout != 0 {
        return Ok(TR::TimeoutReservedForPendingTransfer);
    }
    let Some((p, state, state_code, expires_at)) = pending_of(st, t.pending_id)? else {
        return Ok(TR::PendingTransferNotFound);
    };
    if !p.flags.contains(TF::PENDING) {
        return Ok(TR::PendingTransferNotPending);
    }
    if t.debit_account_id != 0 && t.debit_account_id != p.debit_account_id {
        return Ok(TR::PendingTransferHasDifferentDebitAccountId);
    }
    if t.credit_account_id != 0 && t.credit_account_id != p.credit_account_id {
        return Ok(TR::PendingTransferHasDifferentCreditAccountId);
    }
    if t.ledger != 0 && t.ledger != p.ledger {
        return Ok(TR::PendingTransferHasDifferentLedger);
    }
    if t.code != 0 && t.code != p.code {
        return Ok(TR::PendingTransferHasDifferentCode);
    }
    let amount = if t.amount == 0 || t.amount == u64::MAX { p.amount } else { t.amount };
    if amount > p.amount {
        return Ok(TR::ExceedsPendingTransferAmount);
    }
    if void && amount != p.amount {
        return Ok(TR::PendingTransferHasDifferentAmount);
    }
    // The transfer as it will be stored: unset fields come from the pending transfer.
    let normalized = NewTransfer {
        id: t.id,
        debit_account_id: p.debit_account_id,
        credit_account_id: p.credit_account_id,
        amount,
        pending_id: t.pending_id,
        timeout: 0,
        ledger: p.ledger,
        code: p.code,
        flags: t.flags,
        user_data_128: if t.user_data_128 == 0 { p.user_data_128 } else { t.user_data_128 },
        user_data_64: if t.user_data_64 == 0 { p.user_data_64 } else { t.user_data_64 },
        user_data_32: if t.user_data_32 == 0 { p.user_data_32 } else { t.user_data_32 },
    };
    if let Some(existing) = existing_transfer(st, t.id)? {
        return Ok(exists_result(&normalized, &existing));
    }
    match state {
        Some(HoldState::Posted) => return Ok(TR::PendingTransferAlreadyPosted),
        Some(HoldState::Voided) => return Ok(TR::PendingTransferAlreadyVoided),
        Some(HoldState::Expired) => return Ok(TR::PendingTransferExpired),
        Some(HoldState::Pending) => {}
        None => {
            return Err(LedgerError::Invalid(format!(
                "pending transfer {:032x} has no valid state row (state {state_code})",
                p.id
            )));
        }
    }
    let ts = st.peek_timestamp();
    if expires_at > 0 && expires_at <= ts {
        return Ok(TR::PendingTransferExpired);
    }
    let (mut dr, mut cr) = accounts_of(st, &p)?;
    if post {
        if dr.flags.contains(AccountFlags::CLOSED) && !p.flags.contains(TF::CLOSING_DEBIT) {
            return Ok(TR::DebitAccountAlreadyClosed);
        }
        if cr.flags.contains(AccountFlags::CLOSED) && !p.flags.contains(TF::CLOSING_CREDIT) {
            return Ok(TR::CreditAccountAlreadyClosed);
        }
        if dr.debits_posted.checked_add(amount).is_none() {
            return Ok(TR::OverflowsDebitsPosted);
        }
        if cr.credits_posted.checked_add(amount).is_none() {
            return Ok(TR::OverflowsCreditsPosted);
        }
    }
    let transfer = Transfer {
        id: normalized.id,
        debit_account_id: normalized.debit_account_id,
        credit_account_id: normalized.credit_account_id,
        amount,
        pending_id: normalized.pending_id,
        timeout: 0,
        ledger: normalized.ledger,
        code: normalized.code,
        flags: normalized.flags,
        user_data_128: normalized.user_data_128,
        user_data_64: normalized.user_data_64,
        user_data_32: normalized.user_data_32,
        timestamp: ts,
    };
    if !insert_transfer(st, &transfer)? {
        return Err(LedgerError::Invalid(format!("transfer {:032x} appeared during its own creation", t.id)));
    }
    st.use_timestamp(ts);
    release_hold(&p, &mut dr, &mut cr)?;
    if post {
        dr.debits_posted += amount;
        cr.credits_posted += amount;
    } else {
        reopen(&p, &mut dr, &mut cr);
    }
    let new_state = if post { HoldState::Posted } else { HoldState::Voided };
    st.conn.resolve_hold(p.id, new_state, t.id, ts)?;
    record(st, &transfer, dr, cr, ts)?;
    Ok(TR::Ok)
}

fn accounts_of(st: &mut State, p: &Transfer) -> Result<(Account, Account), LedgerError> {
    let missing = |id: u128| LedgerError::Invalid(format!("account {id:032x} of transfer {:032x} is missing", p.id));
    let dr = st.account(p.debit_account_id)?.ok_or_else(|| missing(p.debit_account_id))?;
    let cr = st.account(p.credit_account_id)?.ok_or_else(|| missing(p.credit_account_id))?;
    Ok((dr, cr))
}

/// Takes a pending transfer's hold off both accounts.
fn release_hold(p: &Transfer, dr: &mut Account, cr: &mut Account) -> Result<(), LedgerError> {
    let broken = || LedgerError::Invalid(format!("pending balances do not cover transfer {:032x}", p.id));
    dr.debits_pending = dr.debits_pending.checked_sub(p.amount).ok_or_else(broken)?;
    cr.credits_pending = cr.credits_pending.checked_sub(p.amount).ok_or_else(broken)?;
    Ok(())
}

/// Undoing a closing transfer reopens what it closed.
fn reopen(p: &Transfer, dr: &mut Account, cr: &mut Account) {
    if p.flags.contains(TF::CLOSING_DEBIT) {
        dr.flags = AccountFlags(dr.flags.0 & !AccountFlags::CLOSED.0);
    }
    if p.flags.contains(TF::CLOSING_CREDIT) {
        cr.flags = AccountFlags(cr.flags.0 & !AccountFlags::CLOSED.0);
    }
}

/// Stores the new balances (in the cache) and the history rows of accounts that keep history.
fn record(st: &mut State, t: &Transfer, dr: Account, cr: Account, ts: u64) -> Result<(), LedgerError> {
    for a in [&dr, &cr] {
        if a.flags.contains(AccountFlags::HISTORY) {
            let balances = Balances {
                debits_pending: a.debits_pending,
                debits_posted: a.debits_posted,
                credits_pending: a.credits_pending,
                credits_posted: a.credits_posted,
            };
            st.conn.insert_history(a.id, ts, t.id, &balances)?;
        }
    }
    st.account_changed(dr)?;
    st.account_changed(cr)?;
    Ok(())
}

/// Expires every pending transfer whose timeout has passed: its hold is released and it can no
/// longer be posted or voided. Runs at the start of every group. Returns how many expired.
pub(crate) fn expire_due(st: &mut State) -> Result<usize, LedgerError> {
    let now = st.clock_now();
    if st.next_expiry > now {
        return Ok(0);
    }
    let due = st.conn.due_holds(now)?;
    for id in &due {
        let Some((p, _, _, _)) = pending_of(st, *id)? else {
            return Err(LedgerError::Invalid(format!("pending row {id:032x} without its transfer")));
        };
        let (mut dr, mut cr) = accounts_of(st, &p)?;
        release_hold(&p, &mut dr, &mut cr)?;
        reopen(&p, &mut dr, &mut cr);
        let ts = st.peek_timestamp();
        st.use_timestamp(ts);
        st.conn.expire_hold(p.id, ts)?;
        // History shows the release as a row carrying the pending transfer that expired.
        record(st, &p, dr, cr, ts)?;
    }
    st.refresh_next_expiry()?;
    Ok(due.len())
}
