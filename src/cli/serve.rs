//! `till serve`: the engine and its HTTP API without a screen.
//!
//! Logs go to `till.log` in the data directory (`RUST_LOG` sets the level, default `info`); the one
//! line on stdout is the address it listens on, so scripts and tests can use `--listen 127.0.0.1:0`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use super::{CliResult, Global, open_engine};
use crate::api::serve::{app, serve_until, shutdown_signal};

/// The log file inside the data directory.
pub const LOG_FILE: &str = "till.log";

/// Sends `tracing` output to `till.log` in `data_dir`. `RUST_LOG` sets the filter (default `info`).
/// A second call in the same process is ignored.
pub(crate) fn init_file_logging(data_dir: &Path) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    std::fs::create_dir_all(data_dir)?;
    let path = data_dir.join(LOG_FILE);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| format!("cannot open the log file {}: {e}", path.display()))?;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .try_init();
    Ok(())
}

pub fn run(g: &Global, listen: &str) -> CliResult {
    let engine = open_engine(g)?;
    init_file_logging(engine.data_dir())?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let listener =
            tokio::net::TcpListener::bind(listen).await.map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        let addr = listener.local_addr()?;
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
        serve_until(listener, app(engine), shutdown_signal()).await?;
        tracing::info!("till serve stopped; every acknowledged request is on disk");
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
    })?;
    Ok(ExitCode::SUCCESS)
}
