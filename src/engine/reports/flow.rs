//! Per-minute flows: the ledger's posted transfers summed by everything the one computation sorts
//! them by, kept in the same commit as the transfers, so a Z over a day of 100,000 operations reads
//! a few hundred rows instead of every transfer.
//!
//! Exactness does not rest on the summary being complete. A minute is read from the summary only
//! when (a) the number of transfers the summary saw in that minute equals the number the ledger
//! holds in the report's window for it (so no transfer was written past the hook, e.g. by a bare
//! `Ledger` without the engine, and none of the minute lies outside the window), and (b) no shift
//! of the store opens or closes inside it (so its cashier is the same all minute long). Any other
//! minute is read row by row, as before. Both paths feed the same sorting code in `compute.rs`.
//!
//! What is kept of an account id: the id itself for the accounts the computation maps back to a
//! terminal (drawer, card clearing, wallet clearing); for every other account only its kind (the
//! high 16 bits), which is all the computation looks at. A rule in `compute.rs` that needs another
//! account's own id must add its kind to [`KEEP_IDS`].

use std::collections::{BTreeMap, HashSet};

use super::repo::{self, TransferRow};
use crate::engine::accounts::code;
use crate::ledger::{LedgerError, WriteTx};
use crate::params;
use crate::store::{Sql, StoreError, StoreErrorKind};

/// A minute in ledger nanoseconds: hours and days are whole numbers of them.
pub const BUCKET_NS: i64 = 60_000_000_000;

/// Account kinds whose ids are kept in the summary.
pub const KEEP_IDS: &[u16] = &[code::CASH_DRAWER, code::CARD_CLEARING, code::WALLET_CLEARING, code::EXTENSION_SALES];

pub const MIGRATION_SQL: &str = "
    -- The reports' per-minute flows (flow.rs). Text dimensions are '' for none, else '=' || value.
    CREATE TABLE reports_flow (
      bucket INTEGER NOT NULL,
      ledger INTEGER NOT NULL,
      code INTEGER NOT NULL,
      debit BLOB NOT NULL,
      credit BLOB NOT NULL,
      store TEXT NOT NULL,
      terminal TEXT NOT NULL,
      cashier TEXT NOT NULL,
      principal TEXT NOT NULL,
      transfers INTEGER NOT NULL,
      ops INTEGER NOT NULL,
      amount INTEGER NOT NULL,
      PRIMARY KEY (bucket, ledger, code, debit, credit, store, terminal, cashier, principal)
    );
    -- Every transfer the summary saw per minute (any ledger, any flags): the completeness check.
    CREATE TABLE reports_flow_seen (bucket INTEGER PRIMARY KEY, transfers INTEGER NOT NULL);";

pub fn bucket_of(ts: i64) -> i64 {
    ts.div_euclid(BUCKET_NS)
}

fn keep(id: u128) -> u128 {
    let kind = super::compute::account_code(id);
    if KEEP_IDS.contains(&kind) { id } else { u128::from(kind) << 112 }
}

fn enc(v: &Option<String>) -> String {
    v.as_ref().map_or_else(String::new, |s| format!("={s}"))
}

fn dec(s: String) -> Option<String> {
    s.strip_prefix('=').map(str::to_string)
}

fn is_gift(code: u16) -> bool {
    (101..=108).contains(&code)
}

/// The key of a flow row.
type Key = (i64, u32, u16, u128, u128, String, String, String, String);

/// The ledger's group hook: sums the group's new transfers into `reports_flow`.
pub fn summarise(tx: &mut WriteTx<'_>, since: u64) -> Result<(), LedgerError> {
    let since = i64::try_from(since).unwrap_or(i64::MAX);
    let sql = tx.sql();
    let all = sql.query_all(
        "SELECT t.timestamp, t.flags, t.ledger FROM ledger_transfers t WHERE t.timestamp > ?1",
        params![since],
        |r| Ok((r.get::<i64>(0)?, r.get::<i64>(1)?, r.get::<u32>(2)?)),
    )?;
    if all.is_empty() {
        return Ok(());
    }
    let mut seen: BTreeMap<i64, i64> = BTreeMap::new();
    for (ts, _, _) in &all {
        *seen.entry(bucket_of(*ts)).or_default() += 1;
    }
    let mut flows: BTreeMap<Key, (i64, i64, i64)> = BTreeMap::new();
    let mut firsts: HashSet<(u16, i64)> = HashSet::new();
    let mut ledgers: Vec<u32> = all.iter().map(|(_, _, l)| *l).collect();
    ledgers.sort_unstable();
    ledgers.dedup();
    let mut summable = true;
    for ledger in ledgers {
        for row in repo::transfers(sql, ledger, since, i64::MAX)? {
            let Ok(amount) = i64::try_from(row.amount) else {
                // Leave it to the row-by-row path, which reports the overflow.
                summable = false;
                continue;
            };
            let first = !is_gift(row.code) || firsts.insert((row.code, row.user_data_64));
            let key = (
                bucket_of(row.timestamp),
                ledger,
                row.code,
                keep(row.debit),
                keep(row.credit),
                enc(&row.store),
                enc(&row.terminal),
                enc(&row.cashier),
                enc(&row.principal),
            );
            let f = flows.entry(key).or_default();
            f.0 += 1;
            f.1 += i64::from(first);
            match f.2.checked_add(amount) {
                Some(a) => f.2 = a,
                None => summable = false,
            }
        }
    }
    if !summable {
        return Ok(());
    }
    for (k, (n, ops, amount)) in flows {
        let (bucket, ledger, code, debit, credit, store, terminal, cashier, principal) = k;
        let (debit, credit) = (debit.to_be_bytes(), credit.to_be_bytes());
        let prior = sql.query_one(
            "SELECT transfers, ops, amount FROM reports_flow WHERE bucket = ?1 AND ledger = ?2 AND code = ?3
               AND debit = ?4 AND credit = ?5 AND store = ?6 AND terminal = ?7 AND cashier = ?8 AND principal = ?9",
            params![bucket, ledger, code, &debit[..], &credit[..], &store, &terminal, &cashier, &principal],
            |r| Ok((r.get::<i64>(0)?, r.get::<i64>(1)?, r.get::<i64>(2)?)),
        )?;
        let (pn, pops, pamount) = prior.unwrap_or_default();
        let Some(total) = pamount.checked_add(amount) else {
            // Left out of the summary (and its minute not counted as seen): read row by row.
            seen.remove(&bucket);
            continue;
        };
        sql.execute(
            "INSERT INTO reports_flow (bucket, ledger, code, debit, credit, store, terminal, cashier, principal,
                                       transfers, ops, amount)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
             ON CONFLICT (bucket, ledger, code, debit, credit, store, terminal, cashier, principal)
             DO UPDATE SET transfers = excluded.transfers, ops = excluded.ops, amount = excluded.amount",
            params![
                bucket,
                ledger,
                code,
                &debit[..],
                &credit[..],
                &store,
                &terminal,
                &cashier,
                &principal,
                pn + n,
                pops + ops,
                total
            ],
        )?;
    }
    for (bucket, n) in seen {
        sql.execute(
            "INSERT INTO reports_flow_seen (bucket, transfers) VALUES (?1, ?2)
             ON CONFLICT (bucket) DO UPDATE SET transfers = reports_flow_seen.transfers + excluded.transfers",
            params![bucket, n],
        )?;
    }
    Ok(())
}

/// (code, user data) of operations already counted (see [`rows`]).
pub type Seeds = HashSet<(u16, i64)>;

/// How far back the row-by-row path looks for the first legs of an operation whose later legs
/// open its range (an operation's legs are one `create_transfers` call: nanoseconds apart).
const SEED_NS: i64 = 1_000_000_000;

/// The posted transfers of `(from, to]` in `ledger`, oldest first: whole minutes from the summary
/// (`ops` set), the rest row by row. `unstable` are instants whose minute must be read row by row
/// (shift opening and closing instants). The second value: (code, user data) of operations whose
/// first leg was counted in a summarised minute just before a row-by-row range.
pub fn rows(
    sql: Sql<'_>,
    ledger: u32,
    from: i64,
    to: i64,
    unstable: &[i64],
) -> Result<(Vec<TransferRow>, Seeds), StoreError> {
    let mut seeds = HashSet::new();
    if to <= from {
        return Ok((Vec::new(), seeds));
    }
    let in_window: BTreeMap<i64, i64> = sql
        .query_all(
            "SELECT timestamp / ?3, COUNT(*) FROM ledger_transfers WHERE timestamp > ?1 AND timestamp <= ?2 GROUP BY 1",
            params![from, to, BUCKET_NS],
            |r| Ok((r.get::<i64>(0)?, r.get::<i64>(1)?)),
        )?
        .into_iter()
        .collect();
    let (first, last) = (bucket_of(from.saturating_add(1)), bucket_of(to));
    let summarised: BTreeMap<i64, i64> = sql
        .query_all(
            "SELECT bucket, transfers FROM reports_flow_seen WHERE bucket BETWEEN ?1 AND ?2",
            params![first, last],
            |r| Ok((r.get::<i64>(0)?, r.get::<i64>(1)?)),
        )?
        .into_iter()
        .collect();
    let bad: HashSet<i64> = unstable.iter().map(|t| bucket_of(*t)).collect();
    // Minutes with transfers, each either summarised or read row by row.
    let mut plan: Vec<(i64, bool)> =
        in_window.iter().map(|(b, n)| (*b, !bad.contains(b) && summarised.get(b) == Some(n))).collect();
    plan.sort_unstable();
    let mut out = Vec::new();
    let mut i = 0;
    while i < plan.len() {
        let (b, whole) = plan[i];
        let mut j = i;
        while j + 1 < plan.len() && plan[j + 1].1 == whole {
            j += 1;
        }
        let end = plan[j].0;
        if whole {
            out.extend(summary(sql, ledger, b, end)?);
        } else {
            let lo = (b * BUCKET_NS).max(from.saturating_add(1));
            let hi = ((end + 1) * BUCKET_NS - 1).min(to);
            if i > 0 {
                for r in repo::transfers(sql, ledger, (lo - 1 - SEED_NS).max(from), lo - 1)? {
                    if is_gift(r.code) {
                        seeds.insert((r.code, r.user_data_64));
                    }
                }
            }
            out.extend(repo::transfers(sql, ledger, lo - 1, hi)?);
        }
        i = j + 1;
    }
    Ok((out, seeds))
}

fn summary(sql: Sql<'_>, ledger: u32, first: i64, last: i64) -> Result<Vec<TransferRow>, StoreError> {
    sql.query_all(
        "SELECT bucket, code, debit, credit, store, terminal, cashier, principal, transfers, ops, amount
         FROM reports_flow WHERE ledger = ?1 AND bucket BETWEEN ?2 AND ?3 ORDER BY bucket",
        params![ledger, first, last],
        |r| {
            let amount = r.get::<i64>(10)?;
            let ops = r.get::<i64>(9)?;
            let transfers = r.get::<i64>(8)?;
            let bad = || StoreError::new(StoreErrorKind::Decode, "a negative flow in reports_flow");
            Ok(TransferRow {
                timestamp: r.get::<i64>(0)? * BUCKET_NS,
                code: r.get(1)?,
                debit: repo::id_of(&r.get::<Vec<u8>>(2)?)?,
                credit: repo::id_of(&r.get::<Vec<u8>>(3)?)?,
                store: dec(r.get(4)?),
                terminal: dec(r.get(5)?),
                cashier: dec(r.get(6)?),
                principal: dec(r.get(7)?),
                amount: u64::try_from(amount).map_err(|_| bad())?,
                user_data_64: 0,
                transfers: u64::try_from(transfers).map_err(|_| bad())?,
                ops: Some(u64::try_from(ops).map_err(|_| bad())?),
            })
        },
    )
}
