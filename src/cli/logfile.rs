//! The log files: a new file each day and whenever the current one reaches its size cap, and the
//! oldest deleted so the whole stays under a total cap and a number of days.
//!
//! Names are `till.YYYY-MM-DD.log`, then `till.YYYY-MM-DD.1.log`, `.2.log`… within a busy day
//! (the highest number is the newest). The caps come from `[log]` in `till.toml`:
//!
//! ```toml
//! [log]
//! max_file_mb = 10    # a file is closed and a new one begun at this size
//! max_total_mb = 100  # the oldest files are deleted beyond this total
//! keep_days = 14      # and beyond this many days
//! ```
//!
//! The writer runs on `tracing-appender`'s worker thread, so a slow or full disk never stalls a
//! request: lines that cannot be written are dropped, and the server goes on.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// `[log]` in `till.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    pub max_file_mb: u64,
    pub max_total_mb: u64,
    pub keep_days: usize,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig { max_file_mb: 10, max_total_mb: 100, keep_days: 14 }
    }
}

/// The caps in bytes, as the writer uses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_file_bytes: u64,
    pub max_total_bytes: u64,
    pub keep_days: usize,
}

impl LogConfig {
    pub fn limits(&self) -> Result<Limits, String> {
        if self.max_file_mb == 0 || self.max_total_mb < self.max_file_mb || self.keep_days == 0 {
            return Err(format!(
                "[log]: max_file_mb must be at least 1, max_total_mb at least max_file_mb, keep_days at least 1 (got {self:?})"
            ));
        }
        let mb = |n: u64| n.saturating_mul(1024 * 1024);
        Ok(Limits {
            max_file_bytes: mb(self.max_file_mb),
            max_total_bytes: mb(self.max_total_mb),
            keep_days: self.keep_days,
        })
    }
}

/// A log file's place in the sequence: its day, then its number within the day.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Part {
    day: String,
    n: u32,
}

/// The day's file names: `PREFIX.DAY.log` for part 0, `PREFIX.DAY.N.log` after it.
fn file_name(prefix: &str, part: &Part) -> String {
    match part.n {
        0 => format!("{prefix}.{}.log", part.day),
        n => format!("{prefix}.{}.{n}.log", part.day),
    }
}

/// The part a file name stands for, if it is one of ours.
fn parse_name(prefix: &str, name: &str) -> Option<Part> {
    let rest = name.strip_prefix(prefix)?.strip_prefix('.')?.strip_suffix(".log")?;
    let (day, n) = match rest.split_once('.') {
        Some((day, n)) => (day, n.parse::<u32>().ok().filter(|n| *n > 0)?),
        None => (rest, 0),
    };
    let well_formed = day.len() == 10
        && day.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    well_formed.then(|| Part { day: day.to_string(), n })
}

/// Today's date (UTC) as `YYYY-MM-DD`.
fn utc_today() -> String {
    time::OffsetDateTime::now_utc().date().to_string()
}

/// The writer behind the log: rotates by day and by size, prunes by total size and days.
pub struct CappedLog {
    dir: PathBuf,
    prefix: String,
    limits: Limits,
    today: fn() -> String,
    current: Option<(Part, File, u64)>,
}

impl CappedLog {
    pub fn new(dir: &Path, prefix: &str, limits: Limits) -> CappedLog {
        CappedLog { dir: dir.to_path_buf(), prefix: prefix.to_string(), limits, today: utc_today, current: None }
    }

    /// Our files in the directory, oldest first, with their sizes.
    fn existing(&self) -> Vec<(Part, PathBuf, u64)> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return Vec::new() };
        let mut found: Vec<(Part, PathBuf, u64)> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                let part = parse_name(&self.prefix, e.file_name().to_str()?)?;
                let len = e.metadata().ok()?.len();
                Some((part, e.path(), len))
            })
            .collect();
        found.sort_by(|a, b| a.0.cmp(&b.0));
        found
    }

    /// Opens the file to write next: today's newest if it has room, else a new one.
    fn open_next(&mut self, day: String) -> std::io::Result<()> {
        let newest_today = self.existing().into_iter().rev().find(|(p, _, _)| p.day == day);
        let (part, size) = match (&self.current, newest_today) {
            // The current file is full: the next number.
            (Some((p, _, _)), _) if p.day == day => (Part { day, n: p.n + 1 }, 0),
            (_, Some((p, _, len))) if len < self.limits.max_file_bytes => (p, len),
            (_, Some((p, _, _))) => (Part { day, n: p.n + 1 }, 0),
            (_, None) => (Part { day, n: 0 }, 0),
        };
        let path = self.dir.join(file_name(&self.prefix, &part));
        let file = OpenOptions::new().create(true).append(true).open(&path)?;
        self.current = Some((part, file, size));
        self.prune();
        Ok(())
    }

    /// Deletes the oldest files beyond the total size or the number of days (never the current one).
    fn prune(&self) {
        let files = self.existing();
        let current = self.current.as_ref().map(|(p, _, _)| p.clone());
        let mut days: Vec<&str> = files.iter().map(|(p, _, _)| p.day.as_str()).collect();
        days.dedup();
        let oldest_kept_day = days.len().checked_sub(self.limits.keep_days).and_then(|i| days.get(i)).copied();
        let mut total = 0u64;
        for (part, path, len) in files.iter().rev() {
            total = total.saturating_add(*len);
            if Some(part) == current.as_ref() {
                continue;
            }
            let too_old = oldest_kept_day.is_some_and(|d| part.day.as_str() < d);
            if too_old || total > self.limits.max_total_bytes {
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

impl Write for CappedLog {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let day = (self.today)();
        let roll = match &self.current {
            None => true,
            Some((p, _, size)) => {
                p.day != day || (*size > 0 && size.saturating_add(buf.len() as u64) > self.limits.max_file_bytes)
            }
        };
        if roll {
            self.open_next(day)?;
        }
        match &mut self.current {
            Some((_, file, size)) => {
                file.write_all(buf)?;
                *size = size.saturating_add(buf.len() as u64);
                Ok(buf.len())
            }
            None => Err(std::io::Error::other("no log file is open")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.current {
            Some((_, file, _)) => file.flush(),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    fn total(dir: &Path) -> u64 {
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum()
    }

    #[test]
    fn names_round_trip_and_foreign_files_are_not_ours() {
        let p = Part { day: "2026-12-02".into(), n: 3 };
        assert_eq!(parse_name("till", &file_name("till", &p)), Some(p));
        assert_eq!(parse_name("till", "till.2026-12-02.log"), Some(Part { day: "2026-12-02".into(), n: 0 }));
        for foreign in
            ["till.sqlite", "till.toml", "till.2026-12-02.0.log", "till.20261202.log", "other.2026-12-02.log"]
        {
            assert_eq!(parse_name("till", foreign), None, "{foreign}");
        }
    }

    #[test]
    fn a_busy_day_rolls_by_size_and_the_total_stays_under_its_cap() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("till.sqlite"), b"not a log").unwrap();
        let limits = Limits { max_file_bytes: 1000, max_total_bytes: 5000, keep_days: 14 };
        let mut log = CappedLog::new(dir.path(), "till", limits);
        log.today = || "2026-12-02".to_string();
        let line = [b'x'; 99];
        for _ in 0..1000 {
            log.write_all(&line).unwrap();
            log.write_all(b"\n").unwrap();
        }
        log.flush().unwrap();
        let files = names(dir.path());
        assert!(files.contains(&"till.sqlite".to_string()), "never deletes what is not a log: {files:?}");
        let logs: Vec<&String> = files.iter().filter(|f| f.ends_with(".log")).collect();
        // 100 kB written: at most 5 kB kept, in files of at most 1 kB, the newest ones.
        assert!(logs.len() >= 5 && logs.len() <= 6, "{logs:?}");
        assert!(total(dir.path()) - 9 <= 5000 + 1000, "{} bytes kept", total(dir.path()));
        for f in &logs {
            assert!(std::fs::metadata(dir.path().join(f)).unwrap().len() <= 1000, "{f}");
        }
        assert!(files.iter().any(|f| f.starts_with("till.2026-12-02.") && f.ends_with(".log") && f.len() > 19));
        assert!(!files.contains(&"till.2026-12-02.log".to_string()), "the oldest part went first: {logs:?}");
    }

    #[test]
    fn old_days_go_beyond_keep_days_and_a_restart_appends_to_todays_file() {
        let dir = tempfile::tempdir().unwrap();
        for day in ["2026-11-28", "2026-11-29", "2026-11-30", "2026-12-01"] {
            std::fs::write(dir.path().join(format!("till.{day}.log")), b"old\n").unwrap();
        }
        std::fs::write(dir.path().join("till.2026-12-02.log"), b"before the restart\n").unwrap();
        let limits = Limits { max_file_bytes: 1000, max_total_bytes: 100_000, keep_days: 3 };
        let mut log = CappedLog::new(dir.path(), "till", limits);
        log.today = || "2026-12-02".to_string();
        log.write_all(b"after the restart\n").unwrap();
        log.flush().unwrap();
        assert_eq!(names(dir.path()), vec!["till.2026-11-30.log", "till.2026-12-01.log", "till.2026-12-02.log"]);
        let today = std::fs::read_to_string(dir.path().join("till.2026-12-02.log")).unwrap();
        assert_eq!(today, "before the restart\nafter the restart\n");
    }

    #[test]
    fn caps_that_make_no_sense_are_refused() {
        assert!(LogConfig { max_file_mb: 0, ..LogConfig::default() }.limits().is_err());
        assert!(LogConfig { max_file_mb: 20, max_total_mb: 10, keep_days: 1 }.limits().is_err());
        assert_eq!(LogConfig::default().limits().unwrap().max_file_bytes, 10 * 1024 * 1024);
    }
}
