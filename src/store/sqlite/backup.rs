//! Online backup and restore of a SQLite ledger file, with SQLite's backup API.
//!
//! A backup copies every page in one step, inside one read transaction of the source: the copy is
//! the database exactly as of one commit, whatever the server writes meanwhile (WAL readers never
//! block the writer, so `till serve` keeps answering). The copy is written beside its destination
//! under a temporary name, checked, fsynced and only then renamed into place, so a crash or a full
//! disk never leaves a half-written file under the name asked for. The backup is one
//! self-contained file (rollback-journal mode, no `-wal` beside it).
//!
//! A restore is the same copy the other way, into a data directory that has no ledger yet.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use crate::store::{StoreError, StoreErrorKind};

/// What a backup or a restore copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CopyReport {
    /// Database pages copied.
    pub pages: i64,
    /// Size of the file written, in bytes.
    pub bytes: u64,
}

/// How long one copy waits for a lock (the writer's checkpoint, another backup) before giving up.
const BUSY_RETRIES: u32 = 200;
const BUSY_PAUSE: Duration = Duration::from_millis(50);

fn other(message: String) -> StoreError {
    StoreError::new(StoreErrorKind::Other, message)
}

fn io(what: &str, path: &Path, e: std::io::Error) -> StoreError {
    let kind = if e.raw_os_error() == Some(28) { StoreErrorKind::Full } else { StoreErrorKind::Other };
    StoreError::with_source(kind, format!("{what} {}: {e}", path.display()), e)
}

/// Pages copied per step when progress is reported: small enough for a bar that moves, large
/// enough that stepping costs nothing next to the copy.
const STEP_PAGES: i32 = 4096;

/// Told (pages copied, pages in all) after each step; `false` stops the copy (nothing is left
/// under the destination's name).
pub type OnPages<'a> = &'a mut dyn FnMut(i64, i64) -> bool;

/// Copies the live ledger at `source` into a new file `dest` (which must not exist).
pub fn backup(source: &Path, dest: &Path) -> Result<CopyReport, StoreError> {
    backup_with(source, dest, &mut |_, _| true)
}

/// [`backup`], reporting pages as they are copied (for `till backup`'s bar).
pub fn backup_with(source: &Path, dest: &Path, on_pages: OnPages<'_>) -> Result<CopyReport, StoreError> {
    if !source.exists() {
        return Err(other(format!("there is no ledger at {}", source.display())));
    }
    let src = Connection::open_with_flags(source, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    src.busy_timeout(Duration::from_secs(10))?;
    src.execute_batch("PRAGMA query_only=ON;")?;
    copy_into(&src, dest, "DELETE", on_pages)
}

/// Copies the backup file `backup` into a new ledger file `dest` (which must not exist), after
/// checking that it is a whole, undamaged till ledger.
pub fn restore(backup: &Path, dest: &Path) -> Result<CopyReport, StoreError> {
    let src = Connection::open_with_flags(backup, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| other(format!("cannot open the backup {}: {e}", backup.display())))?;
    check(&src).map_err(|e| other(format!("{} is not a usable till backup: {e}", backup.display())))?;
    // A `-wal` or `-shm` left without its database would be replayed onto the restored file.
    for suffix in ["-wal", "-shm"] {
        let stale = sibling(dest, suffix);
        match std::fs::remove_file(&stale) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io("cannot remove the stale", &stale, e)),
        }
    }
    copy_into(&src, dest, "WAL", &mut |_, _| true)
}

/// A whole database (`quick_check`) that carries till's migrations table.
fn check(conn: &Connection) -> Result<(), StoreError> {
    let verdict: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if verdict != "ok" {
        return Err(other(format!("the integrity check says {verdict}")));
    }
    let applied: i64 = conn
        .query_row("SELECT count(*) FROM schema_migrations", [], |r| r.get(0))
        .map_err(|_| other("it holds no till schema".into()))?;
    if applied == 0 {
        return Err(other("it holds no till schema".into()));
    }
    Ok(())
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// Copies `src` into `dest` through a temporary file, then renames it into place.
fn copy_into(
    src: &Connection,
    dest: &Path,
    journal_mode: &str,
    on_pages: OnPages<'_>,
) -> Result<CopyReport, StoreError> {
    if dest.exists() {
        return Err(other(format!("{} exists already; choose a new file", dest.display())));
    }
    let partial = sibling(dest, ".partial");
    let _ = std::fs::remove_file(&partial);
    let result = copy_to_partial(src, &partial, journal_mode, on_pages);
    let pages = match result {
        Ok(p) => p,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            let _ = std::fs::remove_file(sibling(&partial, "-journal"));
            return Err(e);
        }
    };
    let file = std::fs::File::open(&partial).map_err(|e| io("cannot reopen", &partial, e))?;
    file.sync_all().map_err(|e| io("cannot sync", &partial, e))?;
    let bytes = file.metadata().map_err(|e| io("cannot read the size of", &partial, e))?.len();
    drop(file);
    std::fs::rename(&partial, dest).map_err(|e| io("cannot rename into", dest, e))?;
    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(d) = std::fs::File::open(dir)
    {
        // The rename itself is durable only once the directory is synced.
        let _ = d.sync_all();
    }
    Ok(CopyReport { pages, bytes })
}

fn copy_to_partial(
    src: &Connection,
    partial: &Path,
    journal_mode: &str,
    on_pages: OnPages<'_>,
) -> Result<i64, StoreError> {
    let mut dst = Connection::open(partial)?;
    // The copy is one snapshot of the source although it is taken in steps: the source's read
    // transaction is held from before the first step to after the last, so a commit meanwhile
    // neither shows in the copy nor restarts it (WAL readers keep their snapshot).
    src.execute_batch("BEGIN; SELECT count(*) FROM sqlite_master;")?;
    let copied = copy_pages(src, &mut dst, on_pages);
    let _ = src.execute_batch("COMMIT;");
    let pages = copied?;
    let mode: String = dst.query_row(&format!("PRAGMA journal_mode={journal_mode}"), [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case(journal_mode) {
        return Err(other(format!("the copy stayed in journal mode {mode}")));
    }
    check(&dst)?;
    dst.close().map_err(|(_, e)| StoreError::from(e))?;
    Ok(pages)
}

fn copy_pages(src: &Connection, dst: &mut Connection, on_pages: OnPages<'_>) -> Result<i64, StoreError> {
    let pages = {
        let backup = Backup::new(src, dst)?;
        let mut tries = 0;
        loop {
            match backup.step(STEP_PAGES)? {
                StepResult::Done => break,
                StepResult::More => {
                    let p = backup.progress();
                    let total = i64::from(p.pagecount);
                    if !on_pages(total - i64::from(p.remaining), total) {
                        return Err(StoreError::new(StoreErrorKind::Other, "interrupted; no backup was written"));
                    }
                }
                StepResult::Busy | StepResult::Locked => {
                    tries += 1;
                    if tries > BUSY_RETRIES {
                        return Err(StoreError::new(StoreErrorKind::Busy, "the ledger stayed locked; try again"));
                    }
                    std::thread::sleep(BUSY_PAUSE);
                }
                _ => continue,
            }
        }
        i64::from(backup.progress().pagecount)
    };
    on_pages(pages, pages);
    Ok(pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ledger_with(path: &Path, rows: i64) {
        let c = Connection::open(path).unwrap();
        c.execute_batch(
            "PRAGMA journal_mode=WAL;
             CREATE TABLE schema_migrations (component TEXT, version INTEGER, applied_at INTEGER);
             INSERT INTO schema_migrations VALUES ('ledger', 1, 0);
             CREATE TABLE t (n INTEGER);",
        )
        .unwrap();
        for n in 0..rows {
            c.execute("INSERT INTO t VALUES (?1)", [n]).unwrap();
        }
    }

    fn count(path: &Path) -> i64 {
        Connection::open(path).unwrap().query_row("SELECT count(*) FROM t", [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn a_backup_restores_to_the_same_rows_and_refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let live = dir.path().join("live.sqlite");
        ledger_with(&live, 500);
        let copy = dir.path().join("copy.sqlite");
        let report = backup(&live, &copy).unwrap();
        assert!(report.pages > 1 && report.bytes > 0, "{report:?}");
        assert!(!sibling(&copy, "-wal").exists(), "a backup is one file");
        assert!(backup(&live, &copy).unwrap_err().to_string().contains("exists already"));
        let restored = dir.path().join("data").join("till.sqlite");
        std::fs::create_dir_all(restored.parent().unwrap()).unwrap();
        std::fs::write(sibling(&restored, "-wal"), b"stale").unwrap();
        restore(&copy, &restored).unwrap();
        assert_eq!(count(&restored), 500);
        assert!(restore(&copy, &restored).is_err(), "a restore never overwrites a ledger");
    }

    #[test]
    fn a_file_that_is_not_a_till_ledger_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let junk = dir.path().join("junk.sqlite");
        std::fs::write(&junk, b"this is not a database at all, just some text").unwrap();
        let err = restore(&junk, &dir.path().join("till.sqlite")).unwrap_err();
        assert!(err.to_string().contains("not a usable till backup"), "{err}");
        assert!(!dir.path().join("till.sqlite").exists());
        let empty = dir.path().join("empty.sqlite");
        Connection::open(&empty).unwrap().execute_batch("CREATE TABLE x (a);").unwrap();
        assert!(restore(&empty, &dir.path().join("till.sqlite")).is_err());
    }
}
