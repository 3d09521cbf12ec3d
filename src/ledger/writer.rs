//! The writer thread: group commit over one connection, with an account cache kept coherent with
//! savepoint rollbacks.
//!
//! Requests arrive on a channel. The writer takes everything queued, opens one transaction, runs
//! each job inside its own SAVEPOINT (a job that fails or panics is rolled back alone), writes each
//! account the group touched once, COMMITs (one fsync in WAL mode with `synchronous=FULL`) and only
//! then delivers the replies. If the COMMIT fails, every job of the group gets the error.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use super::clock::Clock;
use super::{Account, LedgerError, WriteTx};
use crate::store::ledger::Balances;
use crate::store::ledger_store::LedgerWriter;

/// Hashes account ids for the cache. Ids are 128-bit keys chosen by the engine (derived with
/// SHA-256 or sequential), so a cheap multiply-fold is enough and SipHash is wasted work.
#[derive(Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(*b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u128(&mut self, v: u128) {
        let folded = (v as u64) ^ ((v >> 64) as u64).rotate_left(32);
        self.0 = (self.0 ^ folded).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 ^= self.0 >> 29;
    }
}

type IdMap<V> = HashMap<u128, V, std::hash::BuildHasherDefault<IdHasher>>;

/// Delivers a job's outcome once its group is settled: `None` = committed, `Some(msg)` = the
/// group's COMMIT failed and nothing of the job was kept.
pub(crate) type Reply = Box<dyn FnOnce(Option<&str>) + Send>;

/// One unit of work for the writer.
pub(crate) trait Job: Send {
    /// Runs the work; returns whether to keep it (false: roll its savepoint back) and its reply.
    fn run(self: Box<Self>, tx: &mut WriteTx<'_>) -> (bool, Reply);
    /// The job could not run at all (the group could not start).
    fn fail(self: Box<Self>, err: LedgerError);
}

/// The most jobs one group takes, so a flood still commits (and answers) regularly.
const MAX_GROUP: usize = 4096;
/// Entries the account cache may hold before it is dropped after a commit.
const MAX_CACHED_ACCOUNTS: usize = 200_000;

#[derive(Clone)]
struct Slot {
    /// The account's row number, the key of its balances.
    num: i64,
    account: Account,
    /// The flags as stored (they change only when a closing transfer closes or reopens).
    stored_flags: u16,
    /// Changed since the last flush.
    dirty: bool,
}

/// A savepoint and where the cache journal stood when it was taken.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mark {
    depth: usize,
    journal: usize,
}

/// Everything the writer thread owns.
pub(crate) struct State {
    pub(crate) conn: LedgerWriter,
    clock: Arc<dyn Clock>,
    /// The last timestamp handed out; every event gets a larger one.
    last_ts: u64,
    /// Accounts as of the current (uncommitted) state; the database row is written at flush.
    cache: IdMap<Slot>,
    /// Prior cache entries, so a rolled-back savepoint restores the cache too.
    journal: Vec<(u128, Option<Slot>)>,
    /// Accounts that became dirty since the last flush (may hold ids that were cleaned again).
    dirty: Vec<u128>,
    /// Open savepoints.
    depth: usize,
    /// Earliest expiry of a pending transfer (u64::MAX: none known). May be early, never late.
    pub(crate) next_expiry: u64,
    /// `PRAGMA data_version` as of our last look: another writer's commit changes it, and then
    /// the cache (balances) and the timestamp floor must be re-read.
    data_version: i64,
    /// Background checkpoints (none in a bare `State`).
    pub(crate) checkpointer: Option<super::checkpoint::Checkpointer>,
    commits: u32,
    /// Runs once per group after its jobs, before the commit (see [`super::GroupHook`]).
    pub(crate) group_hook: Option<super::GroupHook>,
    /// The full-disk flag, shared with the checkpointer and the ledger's handles.
    pub(crate) health: std::sync::Arc<super::checkpoint::Health>,
}

impl State {
    pub(crate) fn new(conn: LedgerWriter, clock: Arc<dyn Clock>) -> Result<State, LedgerError> {
        let mut st = State {
            conn,
            clock,
            last_ts: 0,
            cache: IdMap::default(),
            journal: Vec::new(),
            dirty: Vec::new(),
            depth: 0,
            next_expiry: u64::MAX,
            data_version: 0,
            checkpointer: None,
            commits: 0,
            group_hook: None,
            health: std::sync::Arc::default(),
        };
        st.reload()?;
        Ok(st)
    }

    /// Re-reads what the writer keeps in memory from the file: at open, and whenever another
    /// connection (another process on the same data directory) has committed in between.
    fn reload(&mut self) -> Result<(), LedgerError> {
        self.cache.clear();
        self.last_ts = self.last_ts.max(self.conn.last_timestamp()?);
        self.refresh_next_expiry()?;
        self.data_version = self.read_data_version()?;
        Ok(())
    }

    /// Changes whenever another connection commits to the file.
    fn read_data_version(&self) -> Result<i64, LedgerError> {
        Ok(self.conn.data_version()?)
    }

    /// The clock's time, for expiry decisions.
    pub(crate) fn clock_now(&self) -> u64 {
        self.clock.now_ns()
    }

    /// The timestamp the next event gets (not consumed).
    pub(crate) fn peek_timestamp(&self) -> u64 {
        self.clock.now_ns().max(self.last_ts.saturating_add(1))
    }

    /// Marks `ts` (from `peek_timestamp`) as used.
    pub(crate) fn use_timestamp(&mut self, ts: u64) {
        self.last_ts = self.last_ts.max(ts);
    }

    pub(crate) fn refresh_next_expiry(&mut self) -> Result<(), LedgerError> {
        self.next_expiry = self.conn.next_expiry()?.unwrap_or(u64::MAX);
        Ok(())
    }

    // ---- the account cache ----

    /// The account as of now (this group's changes included).
    pub(crate) fn account(&mut self, id: u128) -> Result<Option<Account>, LedgerError> {
        if let Some(slot) = self.cache.get(&id) {
            return Ok(Some(slot.account.clone()));
        }
        let Some((num, account)) = self.conn.account(id)? else { return Ok(None) };
        let account = Account::from(account);
        // A committed row: no journal entry needed, a rollback cannot un-commit it.
        let stored_flags = account.flags.0;
        self.cache.insert(id, Slot { num, account: account.clone(), stored_flags, dirty: false });
        Ok(Some(account))
    }

    /// Records a freshly inserted account (its row is already in the transaction).
    pub(crate) fn account_created(&mut self, num: i64, a: Account) {
        let stored_flags = a.flags.0;
        let prior = self.cache.insert(a.id, Slot { num, account: a.clone(), stored_flags, dirty: false });
        self.journal.push((a.id, prior));
    }

    /// Replaces an account's state; the row is written once, at the end of the group.
    /// The account must have been read through `account` (so it is cached) earlier in this group.
    pub(crate) fn account_changed(&mut self, a: Account) -> Result<(), LedgerError> {
        let id = a.id;
        let Some(slot) = self.cache.get_mut(&id) else {
            return Err(LedgerError::Invalid(format!("account {id:032x} changed without being read")));
        };
        let prior = slot.clone();
        slot.account = a;
        slot.dirty = true;
        if !prior.dirty {
            self.dirty.push(id);
        }
        self.journal.push((id, Some(prior)));
        Ok(())
    }

    // ---- savepoints ----

    pub(crate) fn savepoint(&mut self) -> Result<Mark, LedgerError> {
        let depth = self.depth;
        self.conn.savepoint(depth)?;
        self.depth += 1;
        Ok(Mark { depth, journal: self.journal.len() })
    }

    pub(crate) fn release(&mut self, mark: Mark) -> Result<(), LedgerError> {
        self.depth = mark.depth;
        Ok(self.conn.release(mark.depth)?)
    }

    /// Undoes everything since `mark`: the database rows and the cache.
    pub(crate) fn rollback_to(&mut self, mark: Mark) -> Result<(), LedgerError> {
        while self.journal.len() > mark.journal {
            if let Some((id, prior)) = self.journal.pop() {
                match prior {
                    Some(slot) => self.cache.insert(id, slot),
                    None => self.cache.remove(&id),
                };
            }
        }
        self.depth = mark.depth;
        Ok(self.conn.rollback_to(mark.depth)?)
    }

    /// Writes every account changed in this group, once each.
    fn flush_accounts(&mut self) -> Result<(), LedgerError> {
        for id in self.dirty.drain(..) {
            let Some(slot) = self.cache.get_mut(&id) else { continue };
            if !slot.dirty {
                continue;
            }
            let a = &slot.account;
            let balances = Balances {
                debits_pending: a.debits_pending,
                debits_posted: a.debits_posted,
                credits_pending: a.credits_pending,
                credits_posted: a.credits_posted,
            };
            if !self.conn.write_balances(slot.num, &balances)? {
                return Err(LedgerError::Invalid(format!("account {id:032x} has no balances row")));
            }
            if a.flags.0 != slot.stored_flags {
                self.conn.write_flags(slot.num, a.flags.0)?;
                slot.stored_flags = a.flags.0;
            }
            slot.dirty = false;
        }
        Ok(())
    }

    /// After a failed group: forget everything not known to be committed.
    fn forget_uncommitted(&mut self) {
        self.cache.clear();
        self.journal.clear();
        self.dirty.clear();
        self.depth = 0;
    }

    /// Runs one group: one transaction, a savepoint per job, one commit, then the replies.
    fn run_group(&mut self, jobs: Vec<Box<dyn Job>>) {
        // A PostgreSQL connection the server dropped is replaced; what this writer kept in memory
        // may then be stale, so it is re-read inside the group like another server's change.
        match self.conn.reconnect_if_closed() {
            Ok(true) => self.data_version = i64::MIN,
            Ok(false) => {}
            Err(e) => {
                let msg = format!("the ledger's database is unreachable: {e}");
                for job in jobs {
                    job.fail(LedgerError::Io(std::io::Error::other(msg.clone())));
                }
                return;
            }
        }
        if let Err(e) = self.conn.begin() {
            let msg = format!("could not start a write transaction: {e}");
            for job in jobs {
                job.fail(LedgerError::Io(std::io::Error::other(msg.clone())));
            }
            return;
        }
        let mut replies: Vec<Reply> = Vec::with_capacity(jobs.len());
        let mut group_error: Option<String> = None;
        // Holding the write lock now, so nobody else can commit until we are done.
        match self.read_data_version() {
            Ok(v) if v == self.data_version => {}
            Ok(_) => {
                tracing::info!("the ledger file was changed by another connection; reloading");
                if let Err(e) = self.reload() {
                    group_error = Some(format!("reloading after an outside change failed: {e}"));
                }
            }
            Err(e) => group_error = Some(format!("reading data_version failed: {e}")),
        }
        if group_error.is_none()
            && let Err(e) = super::apply::expire_due(self)
        {
            group_error = Some(format!("expiring pending transfers failed: {e}"));
        }
        // Every transfer this group creates gets a timestamp above this one.
        let group_since = self.last_ts;
        for job in jobs {
            if let Some(msg) = &group_error {
                job.fail(LedgerError::Io(std::io::Error::other(msg.clone())));
                continue;
            }
            let mark = match self.savepoint() {
                Ok(m) => m,
                Err(e) => {
                    group_error = Some(format!("savepoint failed: {e}"));
                    job.fail(e);
                    continue;
                }
            };
            let outcome = catch_unwind(AssertUnwindSafe(|| job.run(&mut WriteTx { st: self })));
            let settled = match outcome {
                Ok((true, reply)) => {
                    replies.push(reply);
                    self.release(mark)
                }
                Ok((false, reply)) => {
                    replies.push(reply);
                    self.rollback_to(mark)
                }
                // The job's reply went with the panic; its caller sees the writer as gone.
                Err(_) => {
                    tracing::error!("a ledger write job panicked; its work was rolled back");
                    self.rollback_to(mark)
                }
            };
            if let Err(e) = settled {
                group_error = Some(format!("savepoint release/rollback failed: {e}"));
            }
        }
        let mut disk_full = false;
        if group_error.is_none()
            && let Some(hook) = self.group_hook.clone()
            && let Err(e) = hook(&mut WriteTx { st: self }, group_since)
        {
            group_error = Some(format!("the group hook failed: {e}"));
        }
        if group_error.is_none()
            && let Err(e) = self.flush_accounts()
        {
            disk_full = matches!(&e, LedgerError::Store(s) if s.kind() == crate::store::StoreErrorKind::Full);
            group_error = Some(format!("writing balances failed: {e}"));
        }
        if group_error.is_none()
            && let Err(e) = self.conn.commit()
        {
            disk_full = e.kind() == crate::store::StoreErrorKind::Full;
            group_error = Some(format!("commit failed: {e}"));
        }
        if disk_full || group_error.is_none() {
            self.health.storage_full.store(disk_full, std::sync::atomic::Ordering::Relaxed);
        }
        match group_error {
            None => {
                self.journal.clear();
                self.commits = self.commits.wrapping_add(1);
                if self.commits.is_multiple_of(super::checkpoint::EVERY_COMMITS)
                    && let Some(c) = &self.checkpointer
                {
                    c.nudge();
                }
                if self.cache.len() > MAX_CACHED_ACCOUNTS {
                    self.cache.clear();
                }
                for reply in replies {
                    reply(None);
                }
            }
            Some(msg) => {
                tracing::error!("ledger group rolled back: {msg}");
                self.conn.rollback();
                self.forget_uncommitted();
                // The expiry bound may now be late (expiries were rolled back): recompute.
                if self.refresh_next_expiry().is_err() {
                    self.next_expiry = 0;
                }
                for reply in replies {
                    reply(Some(&msg));
                }
            }
        }
    }
}

thread_local! {
    static ON_WRITER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether the calling thread is a ledger writer.
pub(crate) fn on_writer_thread() -> bool {
    ON_WRITER.with(|w| w.get())
}

/// The writer thread's loop: ends when every `Ledger` handle is gone.
pub(crate) fn run(mut st: State, rx: Receiver<Box<dyn Job>>) {
    ON_WRITER.with(|w| w.set(true));
    loop {
        let first = if st.next_expiry == u64::MAX {
            match rx.recv() {
                Ok(job) => Some(job),
                Err(_) => return,
            }
        } else {
            // Wake for the next expiry (the clock may be a test's, so never sleep long).
            let wait_ns = st.next_expiry.saturating_sub(st.clock_now()).min(1_000_000_000);
            match rx.recv_timeout(Duration::from_nanos(wait_ns)) {
                Ok(job) => Some(job),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        };
        let mut jobs: Vec<Box<dyn Job>> = Vec::new();
        if let Some(job) = first {
            jobs.push(job);
            while jobs.len() < MAX_GROUP {
                match rx.try_recv() {
                    Ok(job) => jobs.push(job),
                    Err(_) => break,
                }
            }
        } else if st.next_expiry > st.clock_now() {
            continue;
        }
        st.run_group(jobs);
    }
}

impl State {
    /// Like `account`, without filling the cache (for `&self` callers).
    pub(crate) fn peek_account(&self, id: u128) -> Result<Option<Account>, LedgerError> {
        match self.cache.get(&id) {
            Some(slot) => Ok(Some(slot.account.clone())),
            None => Ok(self.conn.account(id)?.map(|(_, a)| a.into())),
        }
    }
}
