//! `till backup --to FILE` and `till restore --from FILE`.
//!
//! A backup is a consistent snapshot of the ledger file taken while `till serve` keeps running (see
//! `store::sqlite::backup`): one self-contained SQLite file. It holds every transfer, card, order,
//! user and receipt; it does not hold `till.toml` (the store's settings) or `secrets.key` (the key
//! that seals stored MAC and extension keys): neither changes while the till runs, so keep a copy
//! of them once, apart from the backups, so that a stolen backup alone opens no sealed key.
//!
//! A restore writes the backup into a data directory that has no ledger (stop the server and move
//! the old `till.sqlite` aside first), then `till verify` checks it.

use std::path::Path;
use std::process::ExitCode;

use super::progress::{INTERRUPTED, Progress, Stop, rate, secs};
use super::{CliResult, Global, data_dir};
use crate::engine::LEDGER_FILE;
use crate::store::sqlite::backup;

pub fn backup(g: &Global, to: &Path) -> CliResult {
    let dir = data_dir(g)?;
    let source = dir.join(LEDGER_FILE);
    // Ctrl+C stops the copy between steps; the partial file is removed, nothing is left at `to`.
    let stop = Stop::install()?;
    let bar = Progress::bar(g, "backup", 0, "pages");
    let result = backup::backup_with(&source, to, &mut |done, total| {
        bar.set_length(u64::try_from(total).unwrap_or(0));
        bar.set_position(u64::try_from(done).unwrap_or(0));
        if done == total {
            bar.message("· checking and syncing the copy");
        }
        !stop.requested()
    });
    let took = bar.elapsed();
    let report = match result {
        Ok(r) => r,
        Err(_) if stop.requested() => {
            bar.finish(&format!("backup: interrupted after {}; nothing written at {}", secs(took), to.display()));
            return Ok(ExitCode::from(INTERRUPTED));
        }
        Err(e) => {
            bar.finish(&format!("backup: failed after {}", secs(took)));
            return Err(format!("backup failed: {e}").into());
        }
    };
    let pages = u64::try_from(report.pages).unwrap_or(0);
    bar.finish(&format!("backup: {pages} pages in {} ({} pages/s)", secs(took), rate(pages, took)));
    println!("backup: {} ({} pages, {} bytes) of {}", to.display(), report.pages, report.bytes, source.display());
    println!(
        "backup: keep a copy of {} and {} too (not in the backup; they do not change while the till runs)",
        dir.join(crate::engine::config::CONFIG_FILE).display(),
        dir.join(crate::engine::secrets::KEY_FILE).display()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn restore(g: &Global, from: &Path) -> CliResult {
    let dir = data_dir(g)?;
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let dest = dir.join(LEDGER_FILE);
    if dest.exists() {
        return Err(format!(
            "{} already holds a ledger; stop the server and move that file aside before restoring",
            dest.display()
        )
        .into());
    }
    let report = backup::restore(from, &dest).map_err(|e| format!("restore failed: {e}"))?;
    println!("restore: {} ({} pages, {} bytes) from {}", dest.display(), report.pages, report.bytes, from.display());
    for (file, what) in [
        (crate::engine::config::CONFIG_FILE, "the store's settings"),
        (crate::engine::secrets::KEY_FILE, "the key of the stored MAC and extension keys"),
    ] {
        if !dir.join(file).exists() {
            println!("restore: copy {} ({what}) back into {} before starting the till", file, dir.display());
        }
    }
    println!("restore: now run `till verify --data {}`", dir.display());
    Ok(ExitCode::SUCCESS)
}
