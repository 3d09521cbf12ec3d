//! The ledger against a simple in-memory model: random sequences of account creations, transfers,
//! holds, posts (full and partial), voids, linked chains, duplicate ids, limit breaches and expiries
//! (through a manual clock). Every result, balance, transfer and pending state is compared after
//! every step, and `verify` must pass after every step.
//!
//! Cases: 40 by default (a debug run takes a few seconds); set PROPTEST_CASES for more.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "pg_util/mod.rs"]
mod pg_util;

use std::collections::BTreeMap;
use std::sync::Arc;

use proptest::prelude::*;
use till::ledger::{
    AccountFlags as AF, CreateAccountResult as AR, CreateTransferResult as TR, Ledger, ManualClock, NewAccount,
    NewTransfer, PendingState, TransferFlags as TF,
};

const EUR: u32 = 978;
const USD: u32 = 840;
const START: u64 = 1_700_000_000_000_000_000;
const NS: u64 = 1_000_000_000;
const MAX_ACCOUNT_ID: u128 = 7;
const MAX_TRANSFER_ID: u128 = 16;

// ---------------------------------------------------------------- the model

#[derive(Debug, Clone, PartialEq, Eq)]
struct MAccount {
    ledger: u32,
    code: u16,
    flags: u16,
    user_data_64: u64,
    dp: u64,
    dpo: u64,
    cp: u64,
    cpo: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct MTransfer {
    dr: u128,
    cr: u128,
    amount: u64,
    pending_id: u128,
    timeout: u32,
    ledger: u32,
    code: u16,
    flags: u16,
    user_data_64: u64,
    expires_at: u64,
    state: PendingState,
}

#[derive(Debug, Clone, Default)]
struct Model {
    accounts: BTreeMap<u128, MAccount>,
    transfers: BTreeMap<u128, MTransfer>,
    clock: u64,
    last_ts: u64,
}

impl Model {
    fn next_ts(&self) -> u64 {
        self.clock.max(self.last_ts + 1)
    }

    /// Holds whose timeout has passed release their amounts (the writer does this per group).
    fn expire(&mut self) {
        let now = self.clock;
        let due: Vec<u128> = self
            .transfers
            .iter()
            .filter(|(_, t)| t.state == PendingState::Pending && t.flags & TF::PENDING.0 != 0)
            .filter(|(_, t)| t.expires_at != 0 && t.expires_at <= now)
            .map(|(id, _)| *id)
            .collect();
        for id in due {
            let t = self.transfers.get_mut(&id).unwrap();
            t.state = PendingState::Expired;
            let (dr, cr, amount) = (t.dr, t.cr, t.amount);
            self.accounts.get_mut(&dr).unwrap().dp -= amount;
            self.accounts.get_mut(&cr).unwrap().cp -= amount;
            self.last_ts = self.next_ts();
        }
    }

    fn create_account(&mut self, a: &NewAccount) -> AR {
        let limits = AF::DEBITS_MUST_NOT_EXCEED_CREDITS.0 | AF::CREDITS_MUST_NOT_EXCEED_DEBITS.0;
        if a.id == 0 {
            return AR::IdMustNotBeZero;
        }
        if a.flags.0 & limits == limits {
            return AR::FlagsAreMutuallyExclusive;
        }
        if a.code == 0 {
            return AR::CodeMustNotBeZero;
        }
        if let Some(e) = self.accounts.get(&a.id) {
            return if e.flags != a.flags.0 {
                AR::ExistsWithDifferentFlags
            } else if e.user_data_64 != a.user_data_64 {
                AR::ExistsWithDifferentUserData64
            } else if e.ledger != a.ledger {
                AR::ExistsWithDifferentLedger
            } else if e.code != a.code {
                AR::ExistsWithDifferentCode
            } else {
                AR::Exists
            };
        }
        self.accounts.insert(
            a.id,
            MAccount {
                ledger: a.ledger,
                code: a.code,
                flags: a.flags.0,
                user_data_64: a.user_data_64,
                dp: 0,
                dpo: 0,
                cp: 0,
                cpo: 0,
            },
        );
        self.last_ts = self.next_ts();
        AR::Ok
    }

    fn exists(want: &MTransfer, e: &MTransfer) -> TR {
        if want.flags != e.flags {
            TR::ExistsWithDifferentFlags
        } else if want.pending_id != e.pending_id {
            TR::ExistsWithDifferentPendingId
        } else if want.timeout != e.timeout {
            TR::ExistsWithDifferentTimeout
        } else if want.dr != e.dr {
            TR::ExistsWithDifferentDebitAccountId
        } else if want.cr != e.cr {
            TR::ExistsWithDifferentCreditAccountId
        } else if want.amount != e.amount {
            TR::ExistsWithDifferentAmount
        } else if want.user_data_64 != e.user_data_64 {
            TR::ExistsWithDifferentUserData64
        } else if want.ledger != e.ledger {
            TR::ExistsWithDifferentLedger
        } else if want.code != e.code {
            TR::ExistsWithDifferentCode
        } else {
            TR::Exists
        }
    }

    fn create_transfer(&mut self, t: &NewTransfer) -> TR {
        if t.id == 0 {
            return TR::IdMustNotBeZero;
        }
        let post = t.flags.contains(TF::POST_PENDING_TRANSFER);
        let void = t.flags.contains(TF::VOID_PENDING_TRANSFER);
        if post || void {
            return self.resolve(t, post);
        }
        if t.debit_account_id == 0 {
            return TR::DebitAccountIdMustNotBeZero;
        }
        if t.credit_account_id == 0 {
            return TR::CreditAccountIdMustNotBeZero;
        }
        if t.debit_account_id == t.credit_account_id {
            return TR::AccountsMustBeDifferent;
        }
        if t.code == 0 {
            return TR::CodeMustNotBeZero;
        }
        let Some(dr) = self.accounts.get(&t.debit_account_id).cloned() else { return TR::DebitAccountNotFound };
        let Some(cr) = self.accounts.get(&t.credit_account_id).cloned() else { return TR::CreditAccountNotFound };
        if dr.ledger != cr.ledger {
            return TR::AccountsMustHaveTheSameLedger;
        }
        if t.ledger != dr.ledger {
            return TR::TransferMustHaveTheSameLedgerAsAccounts;
        }
        let pending = t.flags.contains(TF::PENDING);
        let ts = self.next_ts();
        let new = MTransfer {
            dr: t.debit_account_id,
            cr: t.credit_account_id,
            amount: t.amount,
            pending_id: 0,
            timeout: t.timeout,
            ledger: t.ledger,
            code: t.code,
            flags: t.flags.0,
            user_data_64: t.user_data_64,
            expires_at: if pending && t.timeout > 0 { ts + u64::from(t.timeout) * NS } else { 0 },
            state: PendingState::Pending,
        };
        if let Some(e) = self.transfers.get(&t.id) {
            return Self::exists(&new, e);
        }
        if dr.flags & AF::DEBITS_MUST_NOT_EXCEED_CREDITS.0 != 0 && dr.dp + dr.dpo + t.amount > dr.cpo {
            return TR::ExceedsCredits;
        }
        if cr.flags & AF::CREDITS_MUST_NOT_EXCEED_DEBITS.0 != 0 && cr.cp + cr.cpo + t.amount > cr.dpo {
            return TR::ExceedsDebits;
        }
        let (d, c) = (self.accounts.get_mut(&t.debit_account_id).unwrap(), t.amount);
        if pending {
            d.dp += c
        } else {
            d.dpo += c
        }
        let cr = self.accounts.get_mut(&t.credit_account_id).unwrap();
        if pending {
            cr.cp += c
        } else {
            cr.cpo += c
        }
        self.transfers.insert(t.id, new);
        self.last_ts = ts;
        TR::Ok
    }

    fn resolve(&mut self, t: &NewTransfer, post: bool) -> TR {
        if t.pending_id == 0 {
            return TR::PendingIdMustNotBeZero;
        }
        if t.pending_id == t.id {
            return TR::PendingIdMustBeDifferent;
        }
        let Some(p) = self.transfers.get(&t.pending_id).cloned() else { return TR::PendingTransferNotFound };
        if p.flags & TF::PENDING.0 == 0 {
            return TR::PendingTransferNotPending;
        }
        if t.debit_account_id != 0 && t.debit_account_id != p.dr {
            return TR::PendingTransferHasDifferentDebitAccountId;
        }
        if t.credit_account_id != 0 && t.credit_account_id != p.cr {
            return TR::PendingTransferHasDifferentCreditAccountId;
        }
        if t.code != 0 && t.code != p.code {
            return TR::PendingTransferHasDifferentCode;
        }
        // Amount 0 means the whole hold.
        let amount = if t.amount == 0 { p.amount } else { t.amount };
        if amount > p.amount {
            return TR::ExceedsPendingTransferAmount;
        }
        if !post && amount != p.amount {
            return TR::PendingTransferHasDifferentAmount;
        }
        let new = MTransfer {
            dr: p.dr,
            cr: p.cr,
            amount,
            pending_id: t.pending_id,
            timeout: 0,
            ledger: p.ledger,
            code: p.code,
            flags: t.flags.0,
            user_data_64: if t.user_data_64 == 0 { p.user_data_64 } else { t.user_data_64 },
            expires_at: 0,
            state: PendingState::Pending,
        };
        if let Some(e) = self.transfers.get(&t.id) {
            return Self::exists(&new, e);
        }
        match p.state {
            PendingState::Posted => return TR::PendingTransferAlreadyPosted,
            PendingState::Voided => return TR::PendingTransferAlreadyVoided,
            PendingState::Expired => return TR::PendingTransferExpired,
            PendingState::Pending => {}
        }
        let ts = self.next_ts();
        if p.expires_at != 0 && p.expires_at <= ts {
            return TR::PendingTransferExpired;
        }
        let d = self.accounts.get_mut(&p.dr).unwrap();
        d.dp -= p.amount;
        if post {
            d.dpo += amount;
        }
        let c = self.accounts.get_mut(&p.cr).unwrap();
        c.cp -= p.amount;
        if post {
            c.cpo += amount;
        }
        self.transfers.get_mut(&t.pending_id).unwrap().state =
            if post { PendingState::Posted } else { PendingState::Voided };
        self.transfers.insert(t.id, new);
        self.last_ts = ts;
        TR::Ok
    }

    /// Linked chains: all or nothing; `exists` keeps a chain going (see the ledger's apply.rs).
    fn run_chains<E, R: Copy + PartialEq>(
        &mut self,
        events: &[E],
        linked: impl Fn(&E) -> bool,
        mut apply: impl FnMut(&mut Model, &E) -> R,
        [ok, exists, failed, open]: [R; 4],
    ) -> Vec<R> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < events.len() {
            let mut end = i;
            while end < events.len() && linked(&events[end]) {
                end += 1;
            }
            let open_chain = end == events.len();
            let end = end.min(events.len() - 1);
            let snapshot = self.clone();
            let mut chain = Vec::new();
            let mut broken = false;
            for (k, event) in events.iter().enumerate().take(end + 1).skip(i) {
                if broken {
                    chain.push(failed);
                    continue;
                }
                let r = if open_chain && k == end { open } else { apply(self, event) };
                if r != ok && r != exists {
                    broken = true;
                    for prior in chain.iter_mut() {
                        if *prior == ok {
                            *prior = failed;
                        }
                    }
                }
                chain.push(r);
            }
            if broken {
                // Timestamps handed out inside a failed chain stay used, as in the ledger.
                let last_ts = self.last_ts;
                *self = snapshot;
                self.last_ts = last_ts;
            }
            out.extend(chain);
            i = end + 1;
        }
        out
    }

    fn pending_state(&self, id: u128) -> Option<PendingState> {
        let t = self.transfers.get(&id)?;
        if t.flags & TF::PENDING.0 == 0 {
            return None;
        }
        if t.state == PendingState::Pending && t.expires_at != 0 && t.expires_at <= self.clock {
            return Some(PendingState::Expired);
        }
        Some(t.state)
    }
}

// ---------------------------------------------------------------- generated operations

#[derive(Debug, Clone)]
enum Op {
    Accounts(Vec<NewAccount>),
    Transfers(Vec<NewTransfer>),
    AdvanceClock(u64),
    /// Send the last batch of transfers again (a client retry).
    RepeatLast,
}

fn account_flags() -> impl Strategy<Value = AF> {
    prop_oneof![
        3 => Just(AF::NONE),
        3 => Just(AF::DEBITS_MUST_NOT_EXCEED_CREDITS),
        2 => Just(AF::CREDITS_MUST_NOT_EXCEED_DEBITS),
        1 => Just(AF::HISTORY | AF::DEBITS_MUST_NOT_EXCEED_CREDITS),
        1 => Just(AF::DEBITS_MUST_NOT_EXCEED_CREDITS | AF::CREDITS_MUST_NOT_EXCEED_DEBITS),
    ]
}

fn new_account() -> impl Strategy<Value = NewAccount> {
    let ledger = prop_oneof![5 => Just(EUR), 1 => Just(USD)];
    let code = prop_oneof![9 => Just(1u16), 1 => Just(0u16)];
    (0..=MAX_ACCOUNT_ID, account_flags(), ledger, code, 0..2u64, prop::bool::weighted(0.15)).prop_map(
        |(id, flags, ledger, code, user_data_64, linked)| NewAccount {
            id,
            ledger,
            code,
            flags: if linked { flags | AF::LINKED } else { flags },
            user_data_64,
            ..Default::default()
        },
    )
}

fn new_transfer() -> impl Strategy<Value = NewTransfer> {
    // Holds mostly take ids 1..=6 and posts/voids name those, so resolutions usually find a hold;
    // the ranges overlap so that ids also collide across kinds.
    let hold_id = prop_oneof![1 => Just(0u128), 20 => 1..=6u128, 3 => 7..=MAX_TRANSFER_ID];
    let other_id = prop_oneof![1 => Just(0u128), 3 => 1..=6u128, 20 => 7..=MAX_TRANSFER_ID];
    // The debit side is often the unrestricted funding account 1, so transfers and holds succeed.
    let account = prop_oneof![1 => Just(0u128), 2 => 6..=MAX_ACCOUNT_ID, 20 => Just(1u128), 20 => 2..=5u128];
    let offset = prop_oneof![1 => Just(0u128), 9 => 1..=4u128];
    let amount = prop_oneof![1 => Just(0u64), 6 => 1..=60u64, 1 => 100..=300u64];
    let kind = prop_oneof![4 => Just(0u8), 3 => Just(1u8), 3 => Just(2u8), 2 => Just(3u8)];
    let ledger = prop_oneof![20 => Just(EUR), 1 => Just(USD)];
    let code = prop_oneof![30 => Just(1u16), 1 => Just(0u16), 1 => Just(2u16)];
    let linked = prop::bool::weighted(0.15);
    let pending_id = prop_oneof![20 => 1..=6u128, 3 => 7..=MAX_TRANSFER_ID, 1 => Just(0u128)];
    ((hold_id, other_id), (account, offset), amount, kind, pending_id, 0..=4u32, linked, ledger, code, 0..2u64)
        .prop_map(
            |(
                (hold_id, other_id),
                (dr, offset),
                amount,
                kind,
                pending_id,
                timeout,
                linked,
                ledger,
                code,
                user_data_64,
            )| {
                // The credit side: another of 1..=5 (or the same, now and then).
                let cr = if dr == 0 || dr > 5 { 2 } else { (dr - 1 + offset) % 5 + 1 };
                let link = if linked { TF::LINKED } else { TF::NONE };
                let base = NewTransfer { id: other_id, amount, user_data_64, ..Default::default() };
                match kind {
                    0 => NewTransfer { debit_account_id: dr, credit_account_id: cr, ledger, code, flags: link, ..base },
                    1 => NewTransfer {
                        id: hold_id,
                        debit_account_id: dr,
                        credit_account_id: cr,
                        ledger,
                        code,
                        timeout,
                        flags: TF::PENDING | link,
                        ..base
                    },
                    // Post / void: accounts, ledger and code mostly left to the pending transfer.
                    k => NewTransfer {
                        pending_id,
                        debit_account_id: if dr % 4 == 0 { dr } else { 0 },
                        code: if code == 2 { 2 } else { 0 },
                        amount: if amount > 60 || (k == 3 && amount % 3 != 0) { 0 } else { amount },
                        flags: if k == 2 { TF::POST_PENDING_TRANSFER } else { TF::VOID_PENDING_TRANSFER } | link,
                        ..base
                    },
                }
            },
        )
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => prop::collection::vec(new_account(), 1..4).prop_map(Op::Accounts),
        8 => prop::collection::vec(new_transfer(), 1..6).prop_map(Op::Transfers),
        2 => (0..4u64).prop_map(Op::AdvanceClock),
        2 => Just(Op::RepeatLast),
    ]
}

/// Accounts every case starts with: 1 is an unrestricted funding account.
fn opening() -> impl Strategy<Value = Vec<NewAccount>> {
    prop::collection::vec(account_flags().prop_filter("valid", |f| f.0 != 6), 4).prop_map(|flags| {
        let mut accounts = vec![NewAccount { id: 1, ledger: EUR, code: 1, ..Default::default() }];
        for (i, f) in flags.into_iter().enumerate() {
            accounts.push(NewAccount { id: i as u128 + 2, ledger: EUR, code: 1, flags: f, ..Default::default() });
        }
        accounts
    })
}

// ---------------------------------------------------------------- the comparison

fn compare_state(ledger: &Ledger, model: &Model, step: usize) {
    let ids: Vec<u128> = (0..=MAX_ACCOUNT_ID + 1).collect();
    let found: BTreeMap<u128, MAccount> = ledger
        .lookup_accounts(&ids)
        .unwrap()
        .into_iter()
        .map(|a| {
            let m = MAccount {
                ledger: a.ledger,
                code: a.code,
                flags: a.flags.0,
                user_data_64: a.user_data_64,
                dp: a.debits_pending,
                dpo: a.debits_posted,
                cp: a.credits_pending,
                cpo: a.credits_posted,
            };
            (a.id, m)
        })
        .collect();
    assert_eq!(found, model.accounts, "accounts differ after step {step}");
    let ids: Vec<u128> = (0..=MAX_TRANSFER_ID).collect();
    let transfers: BTreeMap<u128, (u128, u128, u64, u128, u16)> = ledger
        .lookup_transfers(&ids)
        .unwrap()
        .into_iter()
        .map(|t| (t.id, (t.debit_account_id, t.credit_account_id, t.amount, t.pending_id, t.flags.0)))
        .collect();
    let want: BTreeMap<u128, (u128, u128, u64, u128, u16)> =
        model.transfers.iter().map(|(id, t)| (*id, (t.dr, t.cr, t.amount, t.pending_id, t.flags))).collect();
    assert_eq!(transfers, want, "transfers differ after step {step}");
    for id in 0..=MAX_TRANSFER_ID {
        assert_eq!(ledger.pending_state(id).unwrap(), model.pending_state(id), "pending {id} after step {step}");
    }
    let report = ledger.verify().unwrap();
    assert!(report.violations.is_empty(), "verify after step {step}: {:?}", report.violations);
}

/// Runs the ops against the ledger and the model, comparing after each step. Returns the ledger's
/// results for each `Transfers` op, in order, so a fixed case can say which paths it reached.
fn run_case(opening: Vec<NewAccount>, ops: Vec<Op>) -> Vec<Vec<TR>> {
    let mut results = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(START);
    // TILL_TEST_BACKEND=postgres: the same model on a fresh PostgreSQL database per case.
    let at = match pg_util::postgres_selected().then(|| pg_util::scratch("ledger_model")).flatten() {
        Some(url) => till::store::Location::Postgres(url),
        None => till::store::Location::Sqlite(dir.path().join("model.sqlite")),
    };
    let (ledger, _) = Ledger::open_at(&at, &[], Arc::new(clock.clone())).unwrap();
    let mut model = Model { clock: START, ..Default::default() };
    let ops = std::iter::once(Op::Accounts(opening)).chain(ops);
    let mut last: Vec<NewTransfer> = Vec::new();
    for (step, op) in ops.enumerate() {
        model.expire();
        let op = match op {
            Op::RepeatLast => Op::Transfers(last.clone()),
            op => op,
        };
        match op {
            Op::RepeatLast => unreachable!("replaced above"),
            Op::Accounts(accounts) => {
                let got = ledger.create_accounts_blocking(accounts.clone()).unwrap();
                let want = model.run_chains(
                    &accounts,
                    |a| a.flags.contains(AF::LINKED),
                    |m, a| m.create_account(a),
                    [AR::Ok, AR::Exists, AR::LinkedEventFailed, AR::LinkedEventChainOpen],
                );
                assert_eq!(got, want, "step {step}: {accounts:?}");
            }
            Op::Transfers(transfers) => {
                last = transfers.clone();
                let got = ledger.create_transfers_blocking(transfers.clone()).unwrap();
                let want = model.run_chains(
                    &transfers,
                    |t| t.flags.contains(TF::LINKED),
                    |m, t| m.create_transfer(t),
                    [TR::Ok, TR::Exists, TR::LinkedEventFailed, TR::LinkedEventChainOpen],
                );
                assert_eq!(got, want, "step {step}: {transfers:?}");
                results.push(got);
            }
            Op::AdvanceClock(secs) => {
                clock.advance_secs(secs);
                model.clock += secs * NS;
                // Expiry happens at the start of the next write group.
                ledger.expire_due_blocking().unwrap();
                model.expire();
            }
        }
        compare_state(&ledger, &model, step);
    }
    results
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(40)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn ledger_matches_the_model(opening in opening(), ops in prop::collection::vec(op(), 1..30)) {
        run_case(opening, ops);
    }
}

/// A fixed sequence that must exercise the interesting paths, so the property cannot pass by
/// generating only failures.
#[test]
fn the_model_test_reaches_holds_posts_voids_expiry_and_chains() {
    let t = |id, dr, cr, amount, flags| NewTransfer {
        id,
        debit_account_id: dr,
        credit_account_id: cr,
        amount,
        ledger: EUR,
        code: 1,
        flags,
        ..Default::default()
    };
    let resolve = |id, pending_id, amount, flags| NewTransfer { id, pending_id, amount, flags, ..Default::default() };
    let opening = vec![
        NewAccount { id: 1, ledger: EUR, code: 1, ..Default::default() },
        NewAccount { id: 2, ledger: EUR, code: 1, flags: AF::DEBITS_MUST_NOT_EXCEED_CREDITS, ..Default::default() },
        NewAccount { id: 3, ledger: EUR, code: 1, ..Default::default() },
    ];
    let ops = vec![
        Op::Transfers(vec![t(1, 1, 2, 100, TF::NONE), t(2, 2, 3, 30, TF::PENDING), t(3, 2, 3, 80, TF::PENDING)]),
        Op::Transfers(vec![
            resolve(4, 2, 10, TF::POST_PENDING_TRANSFER),
            resolve(5, 2, 0, TF::VOID_PENDING_TRANSFER),
            NewTransfer { timeout: 2, ..t(6, 2, 3, 50, TF::PENDING) },
        ]),
        Op::AdvanceClock(3),
        Op::Transfers(vec![
            resolve(7, 6, 0, TF::POST_PENDING_TRANSFER),
            t(8, 2, 3, 20, TF::LINKED),
            t(9, 2, 3, 80, TF::NONE),
        ]),
        Op::Transfers(vec![t(10, 2, 3, 10, TF::PENDING), resolve(11, 10, 0, TF::VOID_PENDING_TRANSFER)]),
    ];
    let results = run_case(opening, ops);
    // Each path the name promises was reached, and the ledger (compared with the model at every
    // step above) said so.
    assert_eq!(
        results,
        vec![
            // a transfer, a hold, a hold beyond the balance
            vec![TR::Ok, TR::Ok, TR::ExceedsCredits],
            // a partial post, a void of a hold already posted, a hold with a timeout
            vec![TR::Ok, TR::PendingTransferAlreadyPosted, TR::Ok],
            // a post after expiry, a chain failing on its second transfer
            vec![TR::PendingTransferExpired, TR::LinkedEventFailed, TR::ExceedsCredits],
            // a hold and its void
            vec![TR::Ok, TR::Ok],
        ]
    );
}
