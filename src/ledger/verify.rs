//! The ledger's invariants, recomputed from the transfers and compared with what is stored.

use std::collections::{BTreeMap, HashMap};

use super::{Account, AccountFlags, LedgerError, Transfer, TransferFlags as TF, VerifyReport};
use crate::store::ledger::HoldState;
use crate::store::ledger_store::LedgerReader;

const PENDING: i64 = 0;
const POSTED: i64 = 1;
const VOIDED: i64 = 2;
const EXPIRED: i64 = 3;
// The codes above are the store's; a mismatch would make verify misread every row.
const _: () = assert!(PENDING == 0 && POSTED == 1 && VOIDED == 2 && EXPIRED == 3);

/// Balances recomputed from transfers.
#[derive(Default, Clone, Copy, PartialEq, Eq)]
struct Sums {
    debits_pending: u128,
    debits_posted: u128,
    credits_pending: u128,
    credits_posted: u128,
}

/// What verify learns about each pending transfer.
struct Hold {
    amount: u64,
    resolutions: u32,
    state: i64,
    expires_at: u64,
    resolved_at: u64,
    resolved_by: u128,
}

/// Reports at most this many violations per check (a broken file could have millions).
const MAX_PER_CHECK: usize = 20;

struct Violations {
    list: Vec<String>,
    per_check: HashMap<&'static str, usize>,
}

impl Violations {
    fn add(&mut self, check: &'static str, msg: String) {
        let n = self.per_check.entry(check).or_insert(0);
        *n += 1;
        if *n <= MAX_PER_CHECK {
            self.list.push(msg);
        } else if *n == MAX_PER_CHECK + 1 {
            self.list.push(format!("{check}: more violations not listed"));
        }
    }
}

/// How often (in transfers) the pass over the transfers reports its progress.
const PROGRESS_EVERY: u64 = 16_384;

pub(crate) fn verify(r: &LedgerReader<'_>, progress: &mut dyn FnMut(u64)) -> Result<VerifyReport, LedgerError> {
    debug_assert_eq!(HoldState::Posted.code(), POSTED);
    let mut v = Violations { list: Vec::new(), per_check: HashMap::new() };
    let mut checked = Vec::new();

    let mut accounts: HashMap<u128, Account> = HashMap::new();
    for a in r.accounts()? {
        accounts.insert(a.id, Account::from(a));
    }

    let mut holds: HashMap<u128, Hold> = HashMap::new();
    for h in r.holds()? {
        holds.insert(
            h.id,
            Hold {
                amount: 0,
                resolutions: 0,
                state: h.state,
                expires_at: h.expires_at,
                resolved_at: h.resolved_at,
                resolved_by: h.resolved_by,
            },
        );
    }

    // One pass over the transfers in timestamp order: recompute balances, check references.
    let mut sums: HashMap<u128, Sums> = HashMap::new();
    let mut transfers = 0u64;
    let mut pendings = 0u64;
    let mut resolutions: Vec<(u128, u128, bool, u64)> = Vec::new(); // (pending_id, id, post, amount)
    let mut pending_ids_seen: HashMap<u128, (u128, u128, u32)> = HashMap::new(); // id -> (dr, cr, ledger)
    r.for_each_transfer(|t| {
        let t = Transfer::from(t);
        {
            transfers += 1;
            if transfers.is_multiple_of(PROGRESS_EVERY) {
                progress(transfers);
            }
            let dr = accounts.get(&t.debit_account_id);
            let cr = accounts.get(&t.credit_account_id);
            match (dr, cr) {
                (Some(dr), Some(cr)) => {
                    if dr.ledger != t.ledger || cr.ledger != t.ledger {
                        v.add(
                            "ledgers",
                            format!(
                                "transfer {:032x} (ledger {}) moves between accounts of ledgers {} and {}",
                                t.id, t.ledger, dr.ledger, cr.ledger
                            ),
                        );
                    }
                }
                _ => v.add("accounts exist", format!("transfer {:032x} names an account that does not exist", t.id)),
            }
            let post = t.flags.contains(TF::POST_PENDING_TRANSFER);
            let void = t.flags.contains(TF::VOID_PENDING_TRANSFER);
            if t.flags.contains(TF::PENDING) {
                pendings += 1;
                pending_ids_seen.insert(t.id, (t.debit_account_id, t.credit_account_id, t.ledger));
                match holds.get_mut(&t.id) {
                    Some(h) => {
                        h.amount = t.amount;
                        // Still held: counts in the pending balances.
                        if h.state == PENDING {
                            let d = sums.entry(t.debit_account_id).or_default();
                            d.debits_pending += u128::from(t.amount);
                            let c = sums.entry(t.credit_account_id).or_default();
                            c.credits_pending += u128::from(t.amount);
                        }
                    }
                    None => v.add("pending rows", format!("pending transfer {:032x} has no state row", t.id)),
                }
            } else if post || void {
                resolutions.push((t.pending_id, t.id, post, t.amount));
                match pending_ids_seen.get(&t.pending_id) {
                    Some(&(pdr, pcr, pledger)) => {
                        if (pdr, pcr, pledger) != (t.debit_account_id, t.credit_account_id, t.ledger) {
                            v.add(
                                "resolutions",
                                format!("transfer {:032x} resolves a pending transfer with other accounts", t.id),
                            );
                        }
                    }
                    None => v.add(
                        "resolutions",
                        format!(
                            "transfer {:032x} resolves {:032x}, which is not an earlier pending transfer",
                            t.id, t.pending_id
                        ),
                    ),
                }
                if post {
                    let d = sums.entry(t.debit_account_id).or_default();
                    d.debits_posted += u128::from(t.amount);
                    let c = sums.entry(t.credit_account_id).or_default();
                    c.credits_posted += u128::from(t.amount);
                }
            } else {
                let d = sums.entry(t.debit_account_id).or_default();
                d.debits_posted += u128::from(t.amount);
                let c = sums.entry(t.credit_account_id).or_default();
                c.credits_posted += u128::from(t.amount);
            }
        }
    })?;
    checked.push(format!("every transfer's accounts exist and share its ledger ({transfers} transfers)"));

    // Resolutions: at most one per pending transfer, matching its recorded state and amount.
    for (pending_id, id, post, amount) in &resolutions {
        let Some(h) = holds.get_mut(pending_id) else {
            v.add("resolutions", format!("transfer {id:032x} resolves {pending_id:032x}, which has no state row"));
            continue;
        };
        h.resolutions += 1;
        let want = if *post { POSTED } else { VOIDED };
        if h.state != want || h.resolved_by != *id {
            v.add(
                "resolutions",
                format!("pending {pending_id:032x} is recorded as state {} but {id:032x} resolved it", h.state),
            );
        }
        if *amount > h.amount || (!*post && *amount != h.amount) {
            v.add(
                "resolutions",
                format!("transfer {id:032x} moves {amount} of pending {pending_id:032x} holding {}", h.amount),
            );
        }
    }
    for (id, h) in &holds {
        if !pending_ids_seen.contains_key(id) {
            v.add("pending rows", format!("state row {id:032x} has no pending transfer"));
        }
        if h.resolutions > 1 {
            v.add("resolutions", format!("pending {id:032x} was resolved {} times", h.resolutions));
        }
        let resolved = matches!(h.state, POSTED | VOIDED);
        if resolved && h.resolutions == 0 {
            v.add("resolutions", format!("pending {id:032x} is recorded as resolved with no resolving transfer"));
        }
        if h.state == EXPIRED && (h.resolutions != 0 || h.expires_at == 0 || h.resolved_at < h.expires_at) {
            v.add("resolutions", format!("pending {id:032x} is recorded as expired before its timeout"));
        }
        if h.state == PENDING && h.resolutions != 0 {
            v.add("resolutions", format!("pending {id:032x} was resolved but is recorded as still pending"));
        }
    }
    checked.push(format!(
        "every pending transfer is resolved at most once and no post/void lacks its pending transfer \
         ({pendings} pending, {} posts/voids)",
        resolutions.len()
    ));

    // Stored balances against the recomputed ones, limits, and the per-ledger sums.
    let mut per_ledger: BTreeMap<u32, Sums> = BTreeMap::new();
    let mut limited = 0usize;
    let mut ids: Vec<&u128> = accounts.keys().collect();
    ids.sort();
    for id in ids {
        let a = &accounts[id];
        let stored = Sums {
            debits_pending: u128::from(a.debits_pending),
            debits_posted: u128::from(a.debits_posted),
            credits_pending: u128::from(a.credits_pending),
            credits_posted: u128::from(a.credits_posted),
        };
        let recomputed = sums.get(id).copied().unwrap_or_default();
        if stored != recomputed {
            v.add(
                "balances",
                format!(
                    "account {id:032x} stores dp={} dpo={} cp={} cpo={} but its transfers give dp={} dpo={} cp={} cpo={}",
                    stored.debits_pending,
                    stored.debits_posted,
                    stored.credits_pending,
                    stored.credits_posted,
                    recomputed.debits_pending,
                    recomputed.debits_posted,
                    recomputed.credits_pending,
                    recomputed.credits_posted
                ),
            );
        }
        let l = per_ledger.entry(a.ledger).or_default();
        l.debits_pending += stored.debits_pending;
        l.debits_posted += stored.debits_posted;
        l.credits_pending += stored.credits_pending;
        l.credits_posted += stored.credits_posted;
        if a.flags.contains(AccountFlags::DEBITS_MUST_NOT_EXCEED_CREDITS) {
            limited += 1;
            if stored.debits_pending + stored.debits_posted > stored.credits_posted {
                v.add("limits", format!("account {id:032x} has debits above its credits"));
            }
        }
        if a.flags.contains(AccountFlags::CREDITS_MUST_NOT_EXCEED_DEBITS) {
            limited += 1;
            if stored.credits_pending + stored.credits_posted > stored.debits_posted {
                v.add("limits", format!("account {id:032x} has credits above its debits"));
            }
        }
    }
    for id in sums.keys() {
        if !accounts.contains_key(id) {
            v.add("accounts exist", format!("transfers move money on account {id:032x}, which does not exist"));
        }
    }
    checked.push(format!(
        "every account's stored balances equal those recomputed from its transfers ({} accounts)",
        accounts.len()
    ));
    for (ledger, s) in &per_ledger {
        if s.debits_posted != s.credits_posted {
            v.add(
                "sums",
                format!("ledger {ledger}: posted debits {} != posted credits {}", s.debits_posted, s.credits_posted),
            );
        }
        if s.debits_pending != s.credits_pending {
            v.add(
                "sums",
                format!(
                    "ledger {ledger}: pending debits {} != pending credits {}",
                    s.debits_pending, s.credits_pending
                ),
            );
        }
    }
    checked.push(format!(
        "sum of debits = sum of credits per ledger, posted and pending separately ({} ledgers)",
        per_ledger.len()
    ));
    checked.push(format!("no account breaks its balance limit flag ({limited} limited accounts)"));

    // History: the latest running balances of each account that keeps history are its balances.
    let mut with_history = 0usize;
    for (id, last) in r.latest_history()? {
        with_history += 1;
        let last = (last.debits_pending, last.debits_posted, last.credits_pending, last.credits_posted);
        match accounts.get(&id) {
            Some(a) if (a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted) == last => {}
            Some(_) => v.add("history", format!("account {id:032x}: its last history row differs from its balances")),
            None => v.add("history", format!("history rows for account {id:032x}, which does not exist")),
        }
        if accounts.get(&id).is_some_and(|a| !a.flags.contains(AccountFlags::HISTORY)) {
            v.add("history", format!("account {id:032x} has history rows but no HISTORY flag"));
        }
    }
    checked.push(format!("each account's latest history row matches its balances ({with_history} accounts)"));
    Ok(VerifyReport { checked, violations: v.list })
}
