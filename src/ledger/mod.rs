//! The ledger engine: double-entry accounts and transfers on SQLite, modelled on TigerBeetle.
//!
//! Accounts are never deleted and never edited except by transfers; transfers are immutable and
//! identified by a caller-chosen 128-bit id (the idempotency key). Pending transfers hold an amount
//! until they are posted (possibly partially), voided, or expire. Linked chains commit or fail as a
//! unit. One writer thread commits queued work in groups (one transaction, one fsync); a reply is
//! sent only after its commit is durable. Readers use their own connections.
//!
//! Semantics follow TigerBeetle; where versions differ the choice is documented in `apply.rs`
//! (notably: a post with amount 0 posts the full pending amount).
//!
//! The ledger names no database driver: its rows are read and written through the narrow
//! ledger store of `crate::store::ledger_store` (SQLite or PostgreSQL: schema, row codecs,
//! prepared statements, the writer connection, the reader pool); this module keeps the rules.
//!
//! | file        | owns                                                                    |
//! |-------------|-------------------------------------------------------------------------|
//! | `writer.rs` | the writer thread, group commit, the account cache and savepoints      |
//! | `apply.rs`  | validating and applying accounts and transfers; expiry of pending ones  |
//! | `read.rs`   | look-ups, pending state, history pages                                  |
//! | `verify.rs` | the invariants, recomputed from the transfers                          |
//! | `records.rs`| the ledger's types to and from the store's records                     |
//! | `clock.rs`  | the injectable clock (timestamps and expiry)                            |
//! | `checkpoint.rs` | background WAL checkpoints, off the commit path                     |

mod apply;
mod checkpoint;
mod clock;
mod read;
mod records;
mod verify;
mod writer;

use std::path::Path;
use std::sync::{Arc, mpsc};

pub use crate::store::Location;
pub use crate::store::Migration;
use crate::store::ledger::MigrationError;
use crate::store::ledger_store::{LedgerReader, LedgerReaders, LedgerWriter};
use crate::store::sqlite::ledger::LedgerCheckpoints;
pub use clock::{Clock, ManualClock, SystemClock};

/// Account flags (TigerBeetle's names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct AccountFlags(pub u16);

impl AccountFlags {
    pub const NONE: AccountFlags = AccountFlags(0);
    pub const LINKED: AccountFlags = AccountFlags(1 << 0);
    pub const DEBITS_MUST_NOT_EXCEED_CREDITS: AccountFlags = AccountFlags(1 << 1);
    pub const CREDITS_MUST_NOT_EXCEED_DEBITS: AccountFlags = AccountFlags(1 << 2);
    pub const HISTORY: AccountFlags = AccountFlags(1 << 3);
    pub const CLOSED: AccountFlags = AccountFlags(1 << 4);
    pub fn contains(self, other: AccountFlags) -> bool {
        self.0 & other.0 == other.0
    }
}

impl std::ops::BitOr for AccountFlags {
    type Output = AccountFlags;
    fn bitor(self, rhs: AccountFlags) -> AccountFlags {
        AccountFlags(self.0 | rhs.0)
    }
}

/// Transfer flags (TigerBeetle's names). `CLOSING_*` close an account as part of a transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TransferFlags(pub u16);

impl TransferFlags {
    pub const NONE: TransferFlags = TransferFlags(0);
    pub const LINKED: TransferFlags = TransferFlags(1 << 0);
    pub const PENDING: TransferFlags = TransferFlags(1 << 1);
    pub const POST_PENDING_TRANSFER: TransferFlags = TransferFlags(1 << 2);
    pub const VOID_PENDING_TRANSFER: TransferFlags = TransferFlags(1 << 3);
    pub const BALANCING_DEBIT: TransferFlags = TransferFlags(1 << 4);
    pub const BALANCING_CREDIT: TransferFlags = TransferFlags(1 << 5);
    pub const CLOSING_DEBIT: TransferFlags = TransferFlags(1 << 6);
    pub const CLOSING_CREDIT: TransferFlags = TransferFlags(1 << 7);
    pub fn contains(self, other: TransferFlags) -> bool {
        self.0 & other.0 == other.0
    }
}

impl std::ops::BitOr for TransferFlags {
    type Output = TransferFlags;
    fn bitor(self, rhs: TransferFlags) -> TransferFlags {
        TransferFlags(self.0 | rhs.0)
    }
}

/// An account to create.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewAccount {
    pub id: u128,
    /// The currency: its ISO 4217 numeric code.
    pub ledger: u32,
    /// The kind of account (see `engine::accounts`).
    pub code: u16,
    pub flags: AccountFlags,
    pub user_data_128: u128,
    pub user_data_64: u64,
    pub user_data_32: u32,
}

/// An account as stored, with its balances in minor units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: u128,
    pub ledger: u32,
    pub code: u16,
    pub flags: AccountFlags,
    pub debits_pending: u64,
    pub debits_posted: u64,
    pub credits_pending: u64,
    pub credits_posted: u64,
    pub user_data_128: u128,
    pub user_data_64: u64,
    pub user_data_32: u32,
    /// Nanoseconds since the Unix epoch; unique and increasing across the ledger.
    pub timestamp: u64,
}

impl Account {
    /// Credits minus debits, posted only (what a liability account such as a gift card holds).
    pub fn credit_balance(&self) -> i128 {
        i128::from(self.credits_posted) - i128::from(self.debits_posted)
    }
    /// Credits minus debits, counting pending debits as spent (what can still be spent).
    pub fn available_credit(&self) -> i128 {
        i128::from(self.credits_posted) - i128::from(self.debits_posted) - i128::from(self.debits_pending)
    }
    /// Debits minus credits, posted only (what an asset account such as a cash drawer holds).
    pub fn debit_balance(&self) -> i128 {
        i128::from(self.debits_posted) - i128::from(self.credits_posted)
    }
}

/// A transfer to create. `id` is chosen by the caller and is the idempotency key.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewTransfer {
    pub id: u128,
    pub debit_account_id: u128,
    pub credit_account_id: u128,
    pub amount: u64,
    /// For post / void: the pending transfer being resolved.
    pub pending_id: u128,
    /// For pending transfers: seconds until the hold expires (0 = never).
    pub timeout: u32,
    pub ledger: u32,
    pub code: u16,
    pub flags: TransferFlags,
    pub user_data_128: u128,
    pub user_data_64: u64,
    pub user_data_32: u32,
}

/// A transfer as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub id: u128,
    pub debit_account_id: u128,
    pub credit_account_id: u128,
    pub amount: u64,
    pub pending_id: u128,
    pub timeout: u32,
    pub ledger: u32,
    pub code: u16,
    pub flags: TransferFlags,
    pub user_data_128: u128,
    pub user_data_64: u64,
    pub user_data_32: u32,
    pub timestamp: u64,
}

/// The fate of a pending transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PendingState {
    Pending,
    Posted,
    Voided,
    Expired,
}

/// Result of creating one account, in TigerBeetle's precedence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateAccountResult {
    Ok,
    LinkedEventFailed,
    LinkedEventChainOpen,
    IdMustNotBeZero,
    IdMustNotBeIntMax,
    FlagsAreMutuallyExclusive,
    LedgerMustNotBeZero,
    CodeMustNotBeZero,
    ExistsWithDifferentFlags,
    ExistsWithDifferentUserData128,
    ExistsWithDifferentUserData64,
    ExistsWithDifferentUserData32,
    ExistsWithDifferentLedger,
    ExistsWithDifferentCode,
    Exists,
}

/// Result of creating one transfer, in TigerBeetle's precedence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateTransferResult {
    Ok,
    LinkedEventFailed,
    LinkedEventChainOpen,
    IdMustNotBeZero,
    IdMustNotBeIntMax,
    FlagsAreMutuallyExclusive,
    DebitAccountIdMustNotBeZero,
    CreditAccountIdMustNotBeZero,
    AccountsMustBeDifferent,
    PendingIdMustBeZero,
    PendingIdMustNotBeZero,
    PendingIdMustBeDifferent,
    TimeoutReservedForPendingTransfer,
    LedgerMustNotBeZero,
    CodeMustNotBeZero,
    DebitAccountNotFound,
    CreditAccountNotFound,
    AccountsMustHaveTheSameLedger,
    TransferMustHaveTheSameLedgerAsAccounts,
    PendingTransferNotFound,
    PendingTransferNotPending,
    PendingTransferHasDifferentDebitAccountId,
    PendingTransferHasDifferentCreditAccountId,
    PendingTransferHasDifferentLedger,
    PendingTransferHasDifferentCode,
    ExceedsPendingTransferAmount,
    PendingTransferHasDifferentAmount,
    PendingTransferAlreadyPosted,
    PendingTransferAlreadyVoided,
    PendingTransferExpired,
    ExistsWithDifferentFlags,
    ExistsWithDifferentPendingId,
    ExistsWithDifferentTimeout,
    ExistsWithDifferentDebitAccountId,
    ExistsWithDifferentCreditAccountId,
    ExistsWithDifferentAmount,
    ExistsWithDifferentUserData128,
    ExistsWithDifferentUserData64,
    ExistsWithDifferentUserData32,
    ExistsWithDifferentLedger,
    ExistsWithDifferentCode,
    Exists,
    OverflowsDebitsPending,
    OverflowsCreditsPending,
    OverflowsDebitsPosted,
    OverflowsCreditsPosted,
    OverflowsDebits,
    OverflowsCredits,
    OverflowsTimeout,
    ExceedsCredits,
    ExceedsDebits,
    DebitAccountAlreadyClosed,
    CreditAccountAlreadyClosed,
}

impl CreateTransferResult {
    /// `Ok` and `Exists` (same id, same fields) both mean the transfer is in the ledger.
    pub fn is_success(self) -> bool {
        matches!(self, CreateTransferResult::Ok | CreateTransferResult::Exists)
    }
}

impl CreateAccountResult {
    pub fn is_success(self) -> bool {
        matches!(self, CreateAccountResult::Ok | CreateAccountResult::Exists)
    }
}

/// One row of an account's history: the transfer and the account's balances right after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub transfer: Transfer,
    pub debits_pending: u64,
    pub debits_posted: u64,
    pub credits_pending: u64,
    pub credits_posted: u64,
}

/// A page of results and the cursor for the next page (`None` at the end).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `after` to get the next page.
    pub next: Option<u64>,
}

/// Storage or engine failure (not a business result: those are the `Create*Result` enums).
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    #[error("the ledger's writer has stopped")]
    WriterGone,
    #[error("data directory holds a newer schema ({found}) than this build knows ({known})")]
    SchemaTooNew { found: i64, known: i64 },
    #[error("{0}")]
    Invalid(String),
}

impl From<MigrationError> for LedgerError {
    fn from(e: MigrationError) -> Self {
        match e {
            MigrationError::Store(e) => LedgerError::Store(e),
            MigrationError::TooNew { found, known } => LedgerError::SchemaTooNew { found, known },
            MigrationError::Invalid(m) => LedgerError::Invalid(m),
        }
    }
}

/// What `verify` checked and found.
#[derive(Debug, Clone, Default)]
pub struct VerifyReport {
    /// One line per check, e.g. "sum of posted debits = sum of posted credits per ledger (2 ledgers)".
    pub checked: Vec<String>,
    /// Violations found; empty when every invariant holds.
    pub violations: Vec<String>,
}

/// A handle to an open ledger. Cheap to clone; all clones share one writer thread, which stops
/// when the last clone is dropped.
#[derive(Clone)]
pub struct Ledger {
    inner: Arc<Shared>,
}

struct Shared {
    jobs: mpsc::Sender<Box<dyn writer::Job>>,
    readers: LedgerReaders,
    clock: Arc<dyn Clock>,
    checkpointer: Option<checkpoint::Checkpointer>,
    health: Arc<checkpoint::Health>,
}

/// Called on the writer thread once per group, after its jobs and before its COMMIT, with the
/// timestamp every transfer of the group is above: domain summaries kept in the same commit as
/// the transfers they summarise (the reports' per-minute flows). An error rolls the group back.
pub type GroupHook = Arc<dyn Fn(&mut WriteTx<'_>, u64) -> Result<(), LedgerError> + Send + Sync>;

/// A write transaction handed to [`Ledger::write`] closures, on the writer thread. Everything done
/// through it (transfers and domain SQL) commits atomically, or not at all when the closure
/// returns `Err`.
///
/// Account balances are kept by the writer and written to `ledger_accounts` once per group, so
/// inside a write read accounts with [`WriteTx::lookup_account`], not with SQL on `conn()`.
pub struct WriteTx<'a> {
    st: &'a mut writer::State,
}

/// Where a job's result goes: an async caller or a blocked thread.
enum ReplyTo<R> {
    Async(tokio::sync::oneshot::Sender<R>),
    Blocking(mpsc::SyncSender<R>),
}

impl<R> ReplyTo<R> {
    fn send(self, r: R) {
        // The caller may have given up waiting; its loss.
        let _ = match self {
            ReplyTo::Async(tx) => tx.send(r).map_err(|_| ()),
            ReplyTo::Blocking(tx) => tx.send(r).map_err(|_| ()),
        };
    }
}

struct WriteJob<F, T, E> {
    f: F,
    reply: ReplyTo<Result<T, E>>,
}

impl<F, T, E> writer::Job for WriteJob<F, T, E>
where
    F: FnOnce(&mut WriteTx<'_>) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<LedgerError> + Send + 'static,
{
    fn run(self: Box<Self>, tx: &mut WriteTx<'_>) -> (bool, writer::Reply) {
        let WriteJob { f, reply } = *self;
        let result = f(tx);
        let keep = result.is_ok();
        let deliver = move |commit_error: Option<&str>| {
            let out = match (result, commit_error) {
                (Ok(_), Some(msg)) => Err(E::from(LedgerError::Io(std::io::Error::other(msg.to_string())))),
                (result, _) => result,
            };
            reply.send(out);
        };
        (keep, Box::new(deliver))
    }

    fn fail(self: Box<Self>, err: LedgerError) {
        self.reply.send(Err(E::from(err)));
    }
}

impl Ledger {
    /// Opens (creating if needed) the ledger file at `path`, applying the ledger's own migrations
    /// and then `extra` (domain tables), each once.
    pub fn open(path: &Path, extra: &[Migration]) -> Result<Ledger, LedgerError> {
        Ledger::open_with_clock(path, extra, Arc::new(SystemClock))
    }

    /// [`Ledger::open`] with a given clock (tests use a [`ManualClock`] to expire holds).
    pub fn open_with_clock(path: &Path, extra: &[Migration], clock: Arc<dyn Clock>) -> Result<Ledger, LedgerError> {
        Ok(Ledger::open_at(&Location::Sqlite(path.to_path_buf()), extra, clock)?.0)
    }

    /// Opens the ledger at `at` (a SQLite file or a PostgreSQL database), applying the
    /// migrations that are missing. Returns the ledger and whether the store was empty before.
    pub fn open_at(at: &Location, extra: &[Migration], clock: Arc<dyn Clock>) -> Result<(Ledger, bool), LedgerError> {
        let mut conn = LedgerWriter::open(at)?;
        let now_secs = i64::try_from(clock.now_ns() / 1_000_000_000).unwrap_or(i64::MAX);
        let fresh = conn.migrate(extra, now_secs)?;
        let mut state = writer::State::new(conn, Arc::clone(&clock))?;
        let health = Arc::clone(&state.health);
        // PostgreSQL checkpoints by itself; only a SQLite file has a log to copy back and truncate.
        let checkpointer = match at {
            Location::Sqlite(path) => Some(checkpoint::Checkpointer::start(LedgerCheckpoints::open(path)?)?),
            _ => None,
        };
        state.checkpointer = checkpointer.clone();
        let readers = LedgerReaders::open(at)?;
        let (jobs, rx) = mpsc::channel();
        std::thread::Builder::new().name("ledger-writer".into()).spawn(move || writer::run(state, rx))?;
        Ok((Ledger { inner: Arc::new(Shared { jobs, readers, clock, checkpointer, health }) }, fresh))
    }

    /// Applies the migrations that are missing at `at` and returns (nothing else is started).
    /// Returns whether the store was empty before.
    pub fn migrate_only(at: &Location, extra: &[Migration], now_secs: i64) -> Result<bool, LedgerError> {
        let mut conn = LedgerWriter::open(at)?;
        Ok(conn.migrate(extra, now_secs)?)
    }

    /// Copies the whole write-ahead log into the ledger file and truncates the log to zero bytes,
    /// waiting at most `wait` for requests in flight; `Ok(false)` when they stayed busy (nothing is
    /// lost either way). A clean shutdown calls this; idle time does it on its own. PostgreSQL
    /// manages its own log: always `Ok(true)` there.
    pub fn truncate_log(&self, wait: std::time::Duration) -> Result<bool, LedgerError> {
        match &self.inner.checkpointer {
            Some(c) => c.truncate(wait),
            None => Ok(true),
        }
    }

    /// Whether the last commit failed because the disk is full (cleared by the next commit that
    /// succeeds). The API answers such a refusal as `storage_full` instead of a bare 500.
    pub fn storage_full(&self) -> bool {
        self.inner.health.storage_full.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn submit<T, E, F>(&self, f: F, reply: ReplyTo<Result<T, E>>) -> Result<(), E>
    where
        F: FnOnce(&mut WriteTx<'_>) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<LedgerError> + Send + 'static,
    {
        // A write from inside a write closure would wait for the writer forever: refuse it.
        if writer::on_writer_thread() {
            return Err(E::from(LedgerError::Invalid(
                "Ledger::write called from inside a write closure; use the WriteTx instead".into(),
            )));
        }
        self.inner.jobs.send(Box::new(WriteJob { f, reply })).map_err(|_| E::from(LedgerError::WriterGone))
    }

    /// Installs the [`GroupHook`]; it applies from the next group on.
    pub fn set_group_hook(&self, hook: GroupHook) -> Result<(), LedgerError> {
        self.write_blocking(move |tx| {
            tx.st.group_hook = Some(hook);
            Ok::<(), LedgerError>(())
        })
    }

    /// Runs `f` on the writer thread inside the next group commit. Returns once the commit is on
    /// disk. If `f` returns `Err`, everything it did is rolled back and the error is returned.
    /// If `f` panics, its work is rolled back and the caller gets [`LedgerError::WriterGone`].
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut WriteTx<'_>) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<LedgerError> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.submit(f, ReplyTo::Async(tx))?;
        rx.await.map_err(|_| E::from(LedgerError::WriterGone))?
    }

    /// Blocking form of [`Ledger::write`] for code outside an async runtime.
    pub fn write_blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut WriteTx<'_>) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<LedgerError> + Send + 'static,
    {
        let (tx, rx) = mpsc::sync_channel(1);
        self.submit(f, ReplyTo::Blocking(tx))?;
        rx.recv().map_err(|_| E::from(LedgerError::WriterGone))?
    }

    /// Convenience: create accounts in one group commit; one result per account.
    pub async fn create_accounts(&self, accounts: Vec<NewAccount>) -> Result<Vec<CreateAccountResult>, LedgerError> {
        self.write(move |tx| tx.create_accounts(&accounts)).await
    }

    /// Convenience: create transfers in one group commit; one result per transfer.
    pub async fn create_transfers(
        &self,
        transfers: Vec<NewTransfer>,
    ) -> Result<Vec<CreateTransferResult>, LedgerError> {
        self.write(move |tx| tx.create_transfers(&transfers)).await
    }

    /// Blocking form of [`Ledger::create_accounts`].
    pub fn create_accounts_blocking(&self, accounts: Vec<NewAccount>) -> Result<Vec<CreateAccountResult>, LedgerError> {
        self.write_blocking(move |tx| tx.create_accounts(&accounts))
    }

    /// Blocking form of [`Ledger::create_transfers`].
    pub fn create_transfers_blocking(
        &self,
        transfers: Vec<NewTransfer>,
    ) -> Result<Vec<CreateTransferResult>, LedgerError> {
        self.write_blocking(move |tx| tx.create_transfers(&transfers))
    }

    /// Expires every pending transfer whose timeout has passed, now (the writer also does this at
    /// the start of every group and when a timeout falls due). Returns once that is durable.
    pub fn expire_due_blocking(&self) -> Result<(), LedgerError> {
        self.write_blocking(|_| Ok::<(), LedgerError>(()))
    }

    /// Runs `f` on a read snapshot: the ledger's own queries.
    fn read<T, F>(&self, f: F) -> Result<T, LedgerError>
    where
        F: FnOnce(&LedgerReader<'_>) -> Result<T, LedgerError>,
    {
        self.inner.readers.with(f)
    }

    /// Runs `f` on a read snapshot through the storage boundary. Domain repositories use this.
    pub fn read_sql<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(crate::store::Sql<'_>) -> Result<T, E>,
        E: From<LedgerError>,
    {
        self.inner.readers.with::<_, LedgerError>(|r| Ok(f(r.sql()))).map_err(E::from)?
    }

    /// [`Ledger::read_sql`] on tokio's blocking pool, for async callers: the worker thread is
    /// never blocked on the database.
    pub async fn read_sql_async<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(crate::store::Sql<'_>) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<LedgerError> + Send + 'static,
    {
        let ledger = self.clone();
        match tokio::task::spawn_blocking(move || ledger.read_sql(f)).await {
            Ok(result) => result,
            Err(e) => Err(E::from(LedgerError::Invalid(format!("a read task failed: {e}")))),
        }
    }

    /// The accounts that exist among `ids`, in the order asked.
    pub fn lookup_accounts(&self, ids: &[u128]) -> Result<Vec<Account>, LedgerError> {
        self.read(|c| read::lookup_accounts(c, ids))
    }

    /// The transfers that exist among `ids`, in the order asked.
    pub fn lookup_transfers(&self, ids: &[u128]) -> Result<Vec<Transfer>, LedgerError> {
        self.read(|c| read::lookup_transfers(c, ids))
    }

    /// The state of a pending transfer (expiry taken into account), `None` if no such pending transfer.
    pub fn pending_state(&self, id: u128) -> Result<Option<PendingState>, LedgerError> {
        let now = self.inner.clock.now_ns();
        self.read(|c| read::pending_state(c, id, now))
    }

    /// An account's history, oldest first, `limit` rows after the cursor `after` (from a previous page).
    /// Only accounts with the `HISTORY` flag keep history. `limit` is clamped to 1..=8190. An expiry
    /// appears as a row carrying the pending transfer that expired, with the balances after the release.
    pub fn account_history(
        &self,
        account_id: u128,
        after: Option<u64>,
        limit: u32,
    ) -> Result<Page<HistoryEntry>, LedgerError> {
        self.read(|c| read::account_history(c, account_id, after, limit))
    }

    /// Checks every invariant of the ledger.
    pub fn verify(&self) -> Result<VerifyReport, LedgerError> {
        self.read(|r| verify::verify(r, &mut |_| {}))
    }

    /// [`Ledger::verify`], telling `progress` how many transfers it has gone through now and then
    /// (for `till verify`'s bar; compare with [`Ledger::transfer_count`]).
    pub fn verify_with(&self, progress: &mut dyn FnMut(u64)) -> Result<VerifyReport, LedgerError> {
        self.read(|r| verify::verify(r, progress))
    }

    /// How many transfers the ledger holds (every ledger, every kind).
    pub fn transfer_count(&self) -> Result<u64, LedgerError> {
        let n = self.read_sql(|sql| {
            Ok::<_, LedgerError>(
                sql.query_one("SELECT COUNT(*) FROM ledger_transfers", crate::params![], |r| r.get::<i64>(0))?,
            )
        })?;
        Ok(u64::try_from(n.unwrap_or(0)).unwrap_or(0))
    }
}

impl WriteTx<'_> {
    pub fn create_accounts(&mut self, accounts: &[NewAccount]) -> Result<Vec<CreateAccountResult>, LedgerError> {
        apply::create_accounts(self.st, accounts)
    }
    pub fn create_transfers(&mut self, transfers: &[NewTransfer]) -> Result<Vec<CreateTransferResult>, LedgerError> {
        apply::create_transfers(self.st, transfers)
    }
    /// The account as of this transaction (including changes earlier in it).
    pub fn lookup_account(&self, id: u128) -> Result<Option<Account>, LedgerError> {
        self.st.peek_account(id)
    }
    pub fn lookup_transfer(&self, id: u128) -> Result<Option<Transfer>, LedgerError> {
        Ok(self.st.conn.transfer(id)?.map(Transfer::from))
    }
    /// The transaction through the storage boundary, for the engine's own tables. Domain
    /// repositories use this; everything done through it commits with the transfers.
    pub fn sql(&self) -> crate::store::Sql<'_> {
        self.st.conn.sql()
    }
    /// The ledger's clock, nanoseconds since the Unix epoch (the timestamp the next event gets).
    pub fn now(&self) -> u64 {
        self.st.peek_timestamp()
    }
}

#[cfg(test)]
mod tests;
