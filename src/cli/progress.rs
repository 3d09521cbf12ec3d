//! Progress of long command-line work, and stopping it cleanly on Ctrl+C.
//!
//! A [`Progress`] draws a bar (count, rate, time left) on stderr when stderr is a terminal and
//! `--quiet` is not given; otherwise it draws nothing at all. Either way, [`Progress::finish`] prints
//! one summary line on stderr. stdout is left to what the command prints (card numbers, reports),
//! so `till cards generate --count 1000 > cards.txt` still shows its bar.
//!
//! [`Stop`] catches SIGINT and SIGTERM for commands that write in batches: each batch is its own
//! commit, the command checks [`Stop::requested`] between batches and ends after the last whole
//! one, saying how many were done. A command that holds no `Stop` keeps the default (the signal
//! ends the process; such commands only read, or write one transaction that SQLite rolls back).

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Global;

/// The exit code of a run stopped by Ctrl+C (128 + SIGINT), as shells report it.
pub const INTERRUPTED: u8 = 130;

/// A bar on a terminal, nothing elsewhere; a summary line always.
pub struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
}

/// Whether progress is drawn: stderr (where it goes) is a terminal and `--quiet` was not given.
pub fn shown(g: &Global) -> bool {
    !g.quiet && std::io::stderr().is_terminal()
}

impl Progress {
    /// A bar counting to `total` things called `unit` (`transfers`, `cards`, `pages`).
    pub fn bar(g: &Global, what: &str, total: u64, unit: &str) -> Progress {
        let bar = shown(g).then(|| {
            let style = ProgressStyle::with_template(&format!(
                "{{prefix}} [{{bar:30}}] {{human_pos}}/{{human_len}} {unit} · {{rate}}/s · {{eta}} left {{msg}}"
            ))
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            // Whole things per second: the float indicatif shows by default reads as noise.
            .with_key("rate", |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{}", indicatif::HumanCount(s.per_sec().max(0.0) as u64));
            })
            .progress_chars("=> ");
            let b = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr()).with_style(style);
            b.set_prefix(what.to_string());
            b
        });
        Progress { bar, started: Instant::now() }
    }

    /// A spinner for work of unknown length: what it does, and the time so far.
    pub fn spinner(g: &Global, what: &str) -> Progress {
        let bar = shown(g).then(|| {
            let style = ProgressStyle::with_template("{spinner} {prefix} {msg} · {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner());
            let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()).with_style(style);
            b.set_prefix(what.to_string());
            b.enable_steady_tick(Duration::from_millis(120));
            b
        });
        Progress { bar, started: Instant::now() }
    }

    pub fn set_position(&self, n: u64) {
        if let Some(b) = &self.bar {
            b.set_position(n);
        }
    }

    pub fn inc(&self, n: u64) {
        if let Some(b) = &self.bar {
            b.inc(n);
        }
    }

    pub fn set_length(&self, n: u64) {
        if let Some(b) = &self.bar {
            b.set_length(n);
        }
    }

    pub fn message(&self, m: &str) {
        if let Some(b) = &self.bar {
            b.set_message(m.to_string());
        }
    }

    /// Time since the start.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Removes the bar and prints `summary` as the one line that stays.
    pub fn finish(self, summary: &str) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
        eprintln!("{summary}");
    }
}

/// Seconds with one decimal, for summaries: `12.3 s`.
pub fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

/// Things per second, for summaries.
pub fn rate(n: u64, d: Duration) -> u64 {
    let ms = d.as_millis().max(1);
    u64::try_from(u128::from(n) * 1000 / ms).unwrap_or(u64::MAX)
}

/// Ctrl+C (SIGINT) or SIGTERM asked the run to stop after its current batch.
#[derive(Clone)]
pub struct Stop(Arc<AtomicBool>);

impl Stop {
    /// Catches SIGINT and SIGTERM from now on (the handlers are in place when this returns).
    pub fn install() -> Result<Stop, std::io::Error> {
        let flag = Arc::new(AtomicBool::new(false));
        let set = Arc::clone(&flag);
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<(), std::io::Error>>();
        std::thread::Builder::new().name("till-signals".into()).spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                    return;
                }
            };
            rt.block_on(async move {
                match crate::api::serve::shutdown_signal_installed() {
                    Ok(signal) => {
                        let _ = ready_tx.send(Ok(()));
                        signal.await;
                        set.store(true, Ordering::SeqCst);
                        eprintln!("\ntill: stopping after the current batch (Ctrl+C again does not hurry it)");
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                    }
                }
            });
        })?;
        ready_rx.recv().map_err(|_| std::io::Error::other("the signal thread ended early"))??;
        Ok(Stop(flag))
    }

    pub fn requested(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}
