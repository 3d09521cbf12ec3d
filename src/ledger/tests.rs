//! Unit tests of the ledger on real SQLite files.

use super::*;

/// A single-integer query on a read snapshot.
fn count(l: &Ledger, query: &str) -> i64 {
    l.read_sql(|sql| sql.query_one(query, crate::store::params![], |r| r.get::<i64>(0)).map_err(LedgerError::from))
        .unwrap()
        .unwrap_or(0)
}

const EUR: u32 = 978;
const START: u64 = 1_700_000_000_000_000_000;

fn open(dir: &tempfile::TempDir) -> (Ledger, ManualClock) {
    let clock = ManualClock::new(START);
    let ledger = Ledger::open_with_clock(&dir.path().join("l.sqlite"), &[], Arc::new(clock.clone())).unwrap();
    (ledger, clock)
}

fn acct(id: u128, flags: AccountFlags) -> NewAccount {
    NewAccount { id, ledger: EUR, code: 1, flags, ..Default::default() }
}

fn xfer(id: u128, dr: u128, cr: u128, amount: u64) -> NewTransfer {
    NewTransfer { id, debit_account_id: dr, credit_account_id: cr, amount, ledger: EUR, code: 1, ..Default::default() }
}

fn post(id: u128, pending_id: u128, amount: u64) -> NewTransfer {
    NewTransfer { id, pending_id, amount, flags: TransferFlags::POST_PENDING_TRANSFER, ..Default::default() }
}

fn void(id: u128, pending_id: u128) -> NewTransfer {
    NewTransfer { id, pending_id, flags: TransferFlags::VOID_PENDING_TRANSFER, ..Default::default() }
}

fn with_flags(mut t: NewTransfer, flags: TransferFlags) -> NewTransfer {
    t.flags = flags;
    t
}

fn balances(l: &Ledger, id: u128) -> (u64, u64, u64, u64) {
    let a = l.lookup_accounts(&[id]).unwrap().remove(0);
    (a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted)
}

fn setup(l: &Ledger) {
    // 1: funding (no limits), 2: a card that cannot go below zero, 3: a drawer.
    let r = l
        .create_accounts_blocking(vec![
            acct(1, AccountFlags::NONE),
            acct(2, AccountFlags::DEBITS_MUST_NOT_EXCEED_CREDITS | AccountFlags::HISTORY),
            acct(3, AccountFlags::NONE),
        ])
        .unwrap();
    assert_eq!(r, vec![CreateAccountResult::Ok; 3]);
}

fn assert_verified(l: &Ledger) {
    let report = l.verify().unwrap();
    assert!(report.violations.is_empty(), "{:?}", report.violations);
    assert!(report.checked.len() >= 5);
}

#[test]
fn accounts_report_exists_only_when_every_field_matches() {
    let dir = tempfile::tempdir().unwrap();
    let (l, _) = open(&dir);
    setup(&l);
    let mut different = acct(1, AccountFlags::NONE);
    different.user_data_64 = 7;
    let mut other_ledger = acct(1, AccountFlags::NONE);
    other_ledger.ledger = 840;
    let r = l
        .create_accounts_blocking(vec![
            acct(1, AccountFlags::NONE),
            acct(1, AccountFlags::HISTORY),
            different,
            other_ledger,
            acct(0, AccountFlags::NONE),
            acct(u128::MAX, AccountFlags::NONE),
            acct(9, AccountFlags::DEBITS_MUST_NOT_EXCEED_CREDITS | AccountFlags::CREDITS_MUST_NOT_EXCEED_DEBITS),
            NewAccount { id: 9, code: 1, ..Default::default() },
            NewAccount { id: 9, ledger: EUR, ..Default::default() },
        ])
        .unwrap();
    use CreateAccountResult as R;
    assert_eq!(
        r,
        vec![
            R::Exists,
            R::ExistsWithDifferentFlags,
            R::ExistsWithDifferentUserData64,
            R::ExistsWithDifferentLedger,
            R::IdMustNotBeZero,
            R::IdMustNotBeIntMax,
            R::FlagsAreMutuallyExclusive,
            R::LedgerMustNotBeZero,
            R::CodeMustNotBeZero,
        ]
    );
    assert!(l.lookup_accounts(&[9]).unwrap().is_empty());
}

#[test]
fn a_transfer_moves_money_and_a_retry_is_exists() {
    let dir = tempfile::tempdir().unwrap();
    let (l, _) = open(&dir);
    setup(&l);
    let r = l.create_transfers_blocking(vec![xfer(10, 1, 2, 500), xfer(10, 1, 2, 500), xfer(10, 1, 2, 501)]).unwrap();
    use CreateTransferResult as R;
    assert_eq!(r, vec![R::Ok, R::Exists, R::ExistsWithDifferentAmount]);
    assert_eq!(balances(&l, 1), (0, 500, 0, 0));
    assert_eq!(balances(&l, 2), (0, 0, 0, 500));
    let t = l.lookup_transfers(&[10]).unwrap().remove(0);
    assert_eq!((t.amount, t.debit_account_id, t.credit_account_id), (500, 1, 2));
    assert_verified(&l);
}

#[test]
fn limits_refuse_overspending_and_report_in_precedence() {
    let dir = tempfile::tempdir().unwrap();
    let (l, _) = open(&dir);
    setup(&l);
    use CreateTransferResult as R;
    let r = l
        .create_transfers_blocking(vec![
            xfer(10, 1, 2, 100),
            xfer(11, 2, 3, 101),
            xfer(12, 2, 3, 100),
            xfer(13, 2, 3, 1),
            xfer(14, 2, 2, 1),
            xfer(15, 2, 99, 1),
            NewTransfer { ledger: 840, ..xfer(16, 2, 3, 1) },
            NewTransfer { timeout: 5, ..xfer(17, 2, 3, 1) },
            NewTransfer { code: 0, ..xfer(18, 2, 3, 1) },
        ])
        .unwrap();
    assert_eq!(
        r,
        vec![
            R::Ok,
            R::ExceedsCredits,
            R::Ok,
            R::ExceedsCredits,
            R::AccountsMustBeDifferent,
            R::CreditAccountNotFound,
            R::TransferMustHaveTheSameLedgerAsAccounts,
            R::TimeoutReservedForPendingTransfer,
            R::CodeMustNotBeZero,
        ]
    );
    assert_eq!(balances(&l, 2), (0, 100, 0, 100));
    // A retry of a transfer that succeeded is `exists` even though it would now exceed the limit.
    assert_eq!(l.create_transfers_blocking(vec![xfer(12, 2, 3, 100)]).unwrap(), vec![R::Exists]);
    assert_verified(&l);
}

#[test]
fn pending_holds_count_against_limits_then_post_partially_or_void_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let (l, _) = open(&dir);
    setup(&l);
    use CreateTransferResult as R;
    let hold = |id, amount| with_flags(xfer(id, 2, 3, amount), TransferFlags::PENDING);
    let r = l.create_transfers_blocking(vec![xfer(10, 1, 2, 100), hold(20, 60), hold(21, 50), hold(22, 40)]).unwrap();
    assert_eq!(r, vec![R::Ok, R::Ok, R::ExceedsCredits, R::Ok]);
    assert_eq!(balances(&l, 2), (100, 0, 0, 100));
    assert_eq!(l.pending_state(20).unwrap(), Some(PendingState::Pending));
    let r = l
        .create_transfers_blocking(vec![
            post(30, 20, 61),
            post(30, 20, 45),
            post(30, 20, 45),
            post(31, 20, 45),
            void(32, 22),
            NewTransfer { amount: 39, ..void(33, 22) },
            void(34, 10),
            void(35, 99),
        ])
        .unwrap();
    assert_eq!(
        r,
        vec![
            R::ExceedsPendingTransferAmount,
            R::Ok,
            R::Exists,
            R::PendingTransferAlreadyPosted,
            R::Ok,
            R::PendingTransferHasDifferentAmount,
            R::PendingTransferNotPending,
            R::PendingTransferNotFound,
        ]
    );
    // 45 posted from the 60 hold, the other 15 released; the 40 hold voided.
    assert_eq!(balances(&l, 2), (0, 45, 0, 100));
    assert_eq!(balances(&l, 3), (0, 0, 0, 45));
    assert_eq!(l.pending_state(20).unwrap(), Some(PendingState::Posted));
    assert_eq!(l.pending_state(22).unwrap(), Some(PendingState::Voided));
    assert_eq!(l.pending_state(10).unwrap(), None);
    let posted = l.lookup_transfers(&[30]).unwrap().remove(0);
    assert_eq!((posted.debit_account_id, posted.credit_account_id, posted.amount), (2, 3, 45));
    assert_verified(&l);
}

#[test]
fn post_with_amount_zero_posts_the_full_hold() {
    let dir = tempfile::tempdir().unwrap();
    let (l, _) = open(&dir);
    setup(&l);
    let r = l
        .create_transfers_blocking(vec![
            with_flags(xfer(20, 1, 3, 70), TransferFlags::PENDING),
            post(21, 20, 0),
            post(21, 20, 70),
        ])
        .unwrap();
    assert_eq!(r, vec![CreateTransferResult::Ok, CreateTransferResult::Ok, CreateTransferResult::Exists]);
    assert_eq!(balances(&l, 3), (0, 0, 0, 70));
}

#[test]
fn an_expired_hold_releases_its_amount_and_cannot_be_posted() {
    let dir = tempfile::tempdir().unwrap();
    let (l, clock) = open(&dir);
    setup(&l);
    let hold = NewTransfer { timeout: 30, ..with_flags(xfer(20, 2, 3, 80), TransferFlags::PENDING) };
    let r = l.create_transfers_blocking(vec![xfer(10, 1, 2, 100), hold]).unwrap();
    assert!(r.iter().all(|r| *r == CreateTransferResult::Ok));
    clock.set_ns(START + 29_999_999_000);
    l.expire_due_blocking().unwrap();
    assert_eq!(l.pending_state(20).unwrap(), Some(PendingState::Pending));
    assert_eq!(balances(&l, 2), (80, 0, 0, 100));
    // Events get increasing timestamps, so the hold began a few nanoseconds after START.
    clock.advance_secs(1);
    assert_eq!(l.pending_state(20).unwrap(), Some(PendingState::Expired));
    let r = l.create_transfers_blocking(vec![post(21, 20, 0), void(22, 20), xfer(23, 2, 3, 100)]).unwrap();
    use CreateTransferResult as R;
    assert_eq!(r, vec![R::PendingTransferExpired, R::PendingTransferExpired, R::Ok]);
    assert_eq!(balances(&l, 2), (0, 100, 0, 100));
    let history = l.account_history(2, None, 100).unwrap();
    let last = history.items.last().unwrap();
    assert_eq!((last.transfer.id, last.debits_posted, last.debits_pending), (23, 100, 0));
    assert_verified(&l);
}

#[test]
fn a_linked_chain_commits_as_a_unit() {
    let dir = tempfile::tempdir().unwrap();
    let (l, _) = open(&dir);
    setup(&l);
    use CreateTransferResult as R;
    let linked = |t: NewTransfer| with_flags(t, TransferFlags::LINKED);
    let r = l
        .create_transfers_blocking(vec![
            xfer(10, 1, 2, 100),
            linked(xfer(11, 2, 3, 60)),
            linked(xfer(12, 2, 3, 60)),
            xfer(13, 1, 3, 1),
            xfer(14, 1, 3, 5),
        ])
        .unwrap();
    assert_eq!(r, vec![R::Ok, R::LinkedEventFailed, R::ExceedsCredits, R::LinkedEventFailed, R::Ok]);
    assert!(l.lookup_transfers(&[11, 12, 13]).unwrap().is_empty());
    assert_eq!(balances(&l, 2), (0, 0, 0, 100));
    // A good chain, then its retry answers `exists` for every member.
    let chain = vec![linked(xfer(15, 2, 3, 60)), xfer(16, 2, 3, 40)];
    assert_eq!(l.create_transfers_blocking(chain.clone()).unwrap(), vec![R::Ok, R::Ok]);
    assert_eq!(l.create_transfers_blocking(chain).unwrap(), vec![R::Exists, R::Exists]);
    // A chain left open at the end of the batch fails.
    let r = l.create_transfers_blocking(vec![linked(xfer(17, 1, 3, 1)), linked(xfer(18, 1, 3, 1))]).unwrap();
    assert_eq!(r, vec![R::LinkedEventFailed, R::LinkedEventChainOpen]);
    assert!(l.lookup_transfers(&[17, 18]).unwrap().is_empty());
    assert_verified(&l);
}

#[test]
fn a_failed_write_rolls_back_its_transfers_and_domain_rows() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(START);
    let extra = [Migration { component: "shop", version: 1, sql: "CREATE TABLE shop_orders (id INTEGER PRIMARY KEY)" }];
    let l = Ledger::open_with_clock(&dir.path().join("l.sqlite"), &extra, Arc::new(clock)).unwrap();
    setup(&l);
    let failed: Result<(), LedgerError> = l.write_blocking(|tx| {
        tx.sql().execute("INSERT INTO shop_orders (id) VALUES (1)", crate::store::params![])?;
        let r = tx.create_transfers(&[xfer(10, 1, 3, 5)])?;
        assert_eq!(r, vec![CreateTransferResult::Ok]);
        assert_eq!(tx.lookup_account(3)?.unwrap().credits_posted, 5);
        Err(LedgerError::Invalid("payment declined".into()))
    });
    assert!(failed.is_err());
    assert_eq!(balances(&l, 3), (0, 0, 0, 0));
    assert!(l.lookup_transfers(&[10]).unwrap().is_empty());
    let orders = count(&l, "SELECT COUNT(*) FROM shop_orders");
    assert_eq!(orders, 0);
    // The writer's cached balances were rolled back too: the next write sees 0, not 5.
    let ok: Result<u64, LedgerError> = l.write_blocking(|tx| {
        tx.create_transfers(&[xfer(11, 1, 3, 7)])?;
        Ok(tx.lookup_account(3)?.map_or(0, |a| a.credits_posted))
    });
    assert_eq!(ok.unwrap(), 7);
    assert_verified(&l);
}

#[test]
fn a_panicking_write_is_rolled_back_and_the_writer_survives() {
    let dir = tempfile::tempdir().unwrap();
    let (l, _) = open(&dir);
    setup(&l);
    let r: Result<(), LedgerError> = l.write_blocking(|tx| {
        tx.create_transfers(&[xfer(10, 1, 3, 5)])?;
        panic!("bug in a domain closure");
    });
    assert!(matches!(r, Err(LedgerError::WriterGone)));
    assert_eq!(l.create_transfers_blocking(vec![xfer(11, 1, 3, 1)]).unwrap(), vec![CreateTransferResult::Ok]);
    assert_eq!(balances(&l, 3), (0, 0, 0, 1));
}

#[test]
fn committed_work_survives_reopening_and_migrations_run_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("l.sqlite");
    let v1 = [Migration { component: "shop", version: 1, sql: "CREATE TABLE shop_orders (id INTEGER PRIMARY KEY)" }];
    {
        let l = Ledger::open(&path, &v1).unwrap();
        setup(&l);
        l.create_transfers_blocking(vec![xfer(10, 1, 2, 9)]).unwrap();
    }
    let v2 = [v1[0], Migration { component: "shop", version: 2, sql: "ALTER TABLE shop_orders ADD COLUMN note TEXT" }];
    let l = Ledger::open(&path, &v2).unwrap();
    assert_eq!(balances(&l, 2), (0, 0, 0, 9));
    let n = count(&l, "SELECT COUNT(*) FROM schema_migrations");
    assert_eq!(n, 4);
    drop(l);
    // An older build (knowing only shop v1) refuses the newer file.
    assert!(matches!(Ledger::open(&path, &v1), Err(LedgerError::SchemaTooNew { found: 2, known: 1 })));
    let mode: String = Ledger::open(&path, &v2)
        .unwrap()
        .read_sql(|sql| {
            sql.query_one("PRAGMA journal_mode", crate::store::params![], |r| r.get(0)).map_err(LedgerError::from)
        })
        .unwrap()
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn history_pages_carry_running_balances() {
    let dir = tempfile::tempdir().unwrap();
    let (l, _) = open(&dir);
    setup(&l);
    let transfers: Vec<NewTransfer> = (0..25).map(|i| xfer(100 + i, 1, 2, 10)).collect();
    l.create_transfers_blocking(transfers).unwrap();
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = l.account_history(2, after, 10).unwrap();
        assert!(page.items.len() <= 10);
        seen.extend(page.items.iter().map(|e| (e.transfer.id, e.credits_posted)));
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    let want: Vec<(u128, u64)> = (0..25).map(|i| (100 + i as u128, 10 * (i + 1))).collect();
    assert_eq!(seen, want);
    // Account 1 does not keep history.
    assert!(l.account_history(1, None, 10).unwrap().items.is_empty());
}

#[test]
fn closed_accounts_refuse_transfers_until_the_closing_hold_is_voided() {
    let dir = tempfile::tempdir().unwrap();
    let (l, _) = open(&dir);
    setup(&l);
    use CreateTransferResult as R;
    let close = with_flags(xfer(20, 1, 3, 0), TransferFlags::PENDING | TransferFlags::CLOSING_CREDIT);
    let r = l.create_transfers_blocking(vec![close, xfer(21, 1, 3, 5), xfer(22, 3, 1, 5)]).unwrap();
    assert_eq!(r, vec![R::Ok, R::CreditAccountAlreadyClosed, R::DebitAccountAlreadyClosed]);
    let r = l.create_transfers_blocking(vec![void(23, 20), xfer(24, 1, 3, 5)]).unwrap();
    assert_eq!(r, vec![R::Ok, R::Ok]);
    assert_verified(&l);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_async_writers_all_commit() {
    let dir = tempfile::tempdir().unwrap();
    let (l, _) = open(&dir);
    setup(&l);
    let mut tasks = Vec::new();
    for i in 0..200u128 {
        let l = l.clone();
        tasks.push(tokio::spawn(async move { l.create_transfers(vec![xfer(1000 + i, 1, 3, 1)]).await }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap(), vec![CreateTransferResult::Ok]);
    }
    assert_eq!(balances(&l, 3), (0, 0, 0, 200));
    assert_verified(&l);
}

#[test]
fn two_handles_on_one_file_never_overwrite_each_others_balances() {
    // E.g. `till serve` running while an admin command opens the same data directory.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("l.sqlite");
    let a = Ledger::open(&path, &[]).unwrap();
    setup(&a);
    a.create_transfers_blocking(vec![xfer(10, 1, 3, 5)]).unwrap();
    let b = Ledger::open(&path, &[]).unwrap();
    b.create_transfers_blocking(vec![xfer(11, 1, 3, 7)]).unwrap();
    // `a` cached account 3 at 5; it must notice `b`'s commit and build on 12.
    a.create_transfers_blocking(vec![xfer(12, 1, 3, 1)]).unwrap();
    b.create_transfers_blocking(vec![xfer(13, 1, 3, 2)]).unwrap();
    assert_eq!(balances(&a, 3), (0, 0, 0, 15));
    assert_verified(&a);
}

#[test]
fn a_write_inside_a_write_is_refused_instead_of_deadlocking() {
    let dir = tempfile::tempdir().unwrap();
    let (l, _) = open(&dir);
    let inner = l.clone();
    let r: Result<Result<(), LedgerError>, LedgerError> = l.write_blocking(move |_| Ok(inner.expire_due_blocking()));
    assert!(matches!(r, Ok(Err(LedgerError::Invalid(_)))), "{r:?}");
}

#[test]
fn a_balancing_debit_moves_only_what_the_limit_leaves() {
    let dir = tempfile::tempdir().unwrap();
    let (l, _) = open(&dir);
    setup(&l);
    use CreateTransferResult as R;
    let sweep = |id| with_flags(xfer(id, 2, 3, 150), TransferFlags::BALANCING_DEBIT);
    let r = l.create_transfers_blocking(vec![xfer(10, 1, 2, 100), sweep(11), sweep(12)]).unwrap();
    assert_eq!(r, vec![R::Ok, R::Ok, R::ExceedsCredits]);
    assert_eq!(l.lookup_transfers(&[11]).unwrap()[0].amount, 100);
    assert_eq!(balances(&l, 2), (0, 100, 0, 100));
    // The retry is `exists`: the stored amount is within the requested bound.
    assert_eq!(l.create_transfers_blocking(vec![sweep(11)]).unwrap(), vec![R::Exists]);
    assert_verified(&l);
}

#[test]
fn amounts_that_would_overflow_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (l, _) = open(&dir);
    setup(&l);
    use CreateTransferResult as R;
    let r = l
        .create_transfers_blocking(vec![
            xfer(10, 1, 3, u64::MAX),
            xfer(11, 1, 3, 1),
            xfer(12, 3, 1, 1),
            with_flags(xfer(13, 3, 1, u64::MAX - 1), TransferFlags::PENDING),
            // Pending and posted each fit, their sum with the amount does not.
            with_flags(xfer(14, 3, 1, 1), TransferFlags::PENDING),
        ])
        .unwrap();
    assert_eq!(r, vec![R::Ok, R::OverflowsDebitsPosted, R::Ok, R::Ok, R::OverflowsDebits]);
    assert_eq!(balances(&l, 3), (u64::MAX - 1, 1, 0, u64::MAX));
    assert_verified(&l);
}
