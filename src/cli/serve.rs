//! `till serve`: the engine and its HTTP API without a screen.
//!
//! Logs go to `till.YYYY-MM-DD.log` in the data directory, a new file each day and at a size cap,
//! the oldest deleted beyond a total size and a number of days (`[log]` in `till.toml`, see
//! `cli::logfile`; `RUST_LOG` sets the level, default `info`); the one line on stdout is the
//! address it listens on, so scripts and tests can use `--listen 127.0.0.1:0`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use super::{CliResult, Global, open_engine};
use crate::api::serve::{app, serve_until};

/// The log files inside the data directory: `till.YYYY-MM-DD[.N].log` (see `cli::logfile`).
pub const LOG_PREFIX: &str = "till";

/// The `[log]` caps of the data directory's `till.toml` (the defaults when it has none).
fn log_limits(data_dir: &Path) -> Result<super::logfile::Limits, String> {
    let path = data_dir.join(crate::engine::config::CONFIG_FILE);
    let config = match std::fs::read_to_string(&path) {
        Err(_) => super::logfile::LogConfig::default(),
        Ok(text) => {
            let table: toml::Table = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            match table.get("log") {
                None => super::logfile::LogConfig::default(),
                Some(v) => v.clone().try_into().map_err(|e| format!("{}: [log]: {e}", path.display()))?,
            }
        }
    };
    config.limits()
}

/// Sends `tracing` output to the data directory's log files, capped in size (`[log]` in
/// `till.toml`; `RUST_LOG` sets the filter, default `info`). Lines are handed to a writer thread
/// (`tracing-appender`'s non-blocking writer), so an async worker never waits on the disk; keep
/// the returned guard alive for the life of the process: dropping it flushes what is queued. A
/// second call in the same process leaves the first subscriber in place.
pub(crate) fn init_file_logging(
    data_dir: &Path,
) -> Result<tracing_appender::non_blocking::WorkerGuard, Box<dyn std::error::Error + Send + Sync>> {
    std::fs::create_dir_all(data_dir)?;
    let limits = log_limits(data_dir)?;
    let appender = super::logfile::CappedLog::new(data_dir, LOG_PREFIX, limits);
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(false).with_writer(writer).try_init();
    Ok(guard)
}

pub fn run(g: &Global, listen: &str) -> CliResult {
    let engine = open_engine(g)?;
    // Held until the server stops, so the last lines reach the file.
    let _log = init_file_logging(engine.data_dir())?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        // This server's store joins the database's catalogue (a chain's servers share one), so
        // every server accepts every store's operations.
        if let Some(warning) = crate::engine::catalog::stores::join_chain(&engine).await? {
            tracing::warn!("{warning}");
        }
        let listener =
            tokio::net::TcpListener::bind(listen).await.map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        let addr = listener.local_addr()?;
        // Before saying it listens, so a SIGTERM from then on is a graceful stop.
        let shutdown = crate::api::serve::shutdown_signal_installed()?;
        tracing::info!(%addr, data = %engine.data_dir().display(), "till serve started");
        {
            let mut out = std::io::stdout().lock();
            writeln!(out, "till serve: listening on http://{addr}")?;
            out.flush()?;
        }
        // Retail background work (order expiry, webhook delivery) lives as long as the server.
        let _background = crate::engine::retail::background::start(&engine)?;
        // Spots: configured spots, the till's merchant credential, reservation expiry, callbacks.
        let _spots = crate::engine::spots::background::start(&engine).await?;
        // Payment extensions: stored-value work and callback delivery.
        let _instore = crate::engine::extensions::background::start(&engine)?;
        serve_until(listener, app(engine.clone()), shutdown).await?;
        crate::api::serve::truncate_log_at_exit(&engine).await;
        tracing::info!("till serve stopped; every acknowledged request is on disk");
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
    })?;
    Ok(ExitCode::SUCCESS)
}
