//! Serving the API on a socket: the layers every request passes (body limit, timeout, tracing),
//! binding, and graceful shutdown (in-flight requests finish; replies are only sent after their
//! commit is durable, so nothing acknowledged is lost).
//!
//! Slow and half-open clients cannot hold the server: a connection has [`HEADER_READ_TIMEOUT`] to
//! deliver a request's headers (a client sending them a byte at a time, or not at all, is cut
//! off); at most [`MAX_CONNECTIONS`] are served at once (more wait in the kernel's accept queue,
//! holding no descriptor of ours); and a shutdown waits at most [`SHUTDOWN_GRACE`] for the
//! requests in flight, then closes what is left.
//!
//! `till serve` uses [`serve_until`]; the till starts the same engine in-process with [`spawn`] on
//! an ephemeral `127.0.0.1` port; tests use both.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower_http::trace::TraceLayer;

use super::{AppState, router};
use crate::engine::Engine;

/// Largest request body accepted (every wire format's requests are far smaller).
pub const BODY_LIMIT: usize = 64 * 1024;
/// A request that has not been answered by then gets 408 (the client must treat it as unknown).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The whole API with the layers every request passes.
pub fn app(engine: Engine) -> Router {
    router(AppState { engine: engine.clone() })
        .fallback(super::error::not_found)
        .method_not_allowed_fallback(super::error::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(engine, super::storage::answer_full_disk))
        .layer(axum::middleware::from_fn(super::rejections::json_errors))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(request_timeout))
        .layer(TraceLayer::new_for_http())
}

/// Answers 408 in the surface's JSON shape when a request takes longer than [`REQUEST_TIMEOUT`].
/// The work may still complete (a ledger write already queued commits), so clients treat 408 as
/// "outcome unknown" and resolve it (gift: reverse by `externalTransactionId`).
async fn request_timeout(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    let gift = req.uri().path().starts_with("/gift");
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => {
            let message = "The request took too long; its outcome is unknown.";
            if gift {
                super::error::GiftFailure::new(StatusCode::REQUEST_TIMEOUT, "timeout", message).into_response()
            } else {
                super::error::ApiError::new(StatusCode::REQUEST_TIMEOUT, "timeout", message).into_response()
            }
        }
    }
}

/// How long a connection may take to send a request's headers.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections served at once.
pub const MAX_CONNECTIONS: usize = 512;
/// How long a shutdown waits for in-flight requests before closing their connections.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Serves `app` on `listener` until `shutdown` resolves, then lets in-flight requests finish
/// (for at most [`SHUTDOWN_GRACE`]).
pub async fn serve_until(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    use hyper_util::server::graceful::GracefulShutdown;

    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(HEADER_READ_TIMEOUT);
    builder.http2().timer(TokioTimer::new());
    let graceful = GracefulShutdown::new();
    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // A free slot first, then accept: connections beyond the limit wait in the accept queue.
        let permit = tokio::select! {
            p = std::sync::Arc::clone(&slots).acquire_owned() => p.map_err(std::io::Error::other)?,
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of descriptors or a connection reset before accept: keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned();
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {
            tracing::warn!("requests still open after {} s of shutdown: closing them", SHUTDOWN_GRACE.as_secs());
        }
    }
    Ok(())
}

/// A server running in the background of this process.
pub struct ServerHandle {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl ServerHandle {
    /// The address it listens on (the real port when `:0` was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`, for [`crate::client::Client::new`].
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets in-flight requests finish, and waits for the server to end.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => task.await.map_err(std::io::Error::other)?,
            None => Ok(()),
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        // Dropping the handle stops the server gracefully in the background.
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Binds `addr` (e.g. `127.0.0.1:0`) and serves the engine's API in a background task.
pub async fn spawn(engine: Engine, addr: &str) -> std::io::Result<ServerHandle> {
    let listener = TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    // Retail background work (order expiry, webhook delivery) lives as long as the server.
    let background = crate::engine::retail::background::start(&engine).map_err(std::io::Error::other)?;
    // Spots: configured spots, the till's merchant credential, reservation expiry, callbacks.
    let spots = crate::engine::spots::background::start(&engine).await.map_err(std::io::Error::other)?;
    // Payment extensions: stored-value work and callback delivery.
    let instore = crate::engine::extensions::background::start(&engine).map_err(std::io::Error::other)?;
    let app = app(engine.clone());
    let task = tokio::spawn(async move {
        let _background = (background, instore);
        let _spots = spots;
        let served = serve_until(listener, app, async move {
            let _ = stopped.await;
        })
        .await;
        truncate_log_at_exit(&engine).await;
        served
    });
    tracing::info!(addr = %bound, "API listening");
    Ok(ServerHandle { addr: bound, stop: Some(stop), task: Some(task) })
}

/// After a clean shutdown: copies the write-ahead log into the ledger file and truncates it, so a
/// stopped till leaves no log behind (it would otherwise stay as large as the busiest moment).
pub async fn truncate_log_at_exit(engine: &Engine) {
    let ledger = engine.ledger().clone();
    match tokio::task::spawn_blocking(move || ledger.truncate_log(Duration::from_secs(2))).await {
        Ok(Ok(true)) => tracing::info!("ledger log checkpointed and truncated"),
        Ok(Ok(false)) => tracing::warn!("ledger log not truncated: readers were still busy"),
        Ok(Err(e)) => tracing::warn!(error = %e, "ledger log not truncated"),
        Err(e) => tracing::warn!(error = %e, "ledger log not truncated"),
    }
}

/// [`shutdown_signal`] with its handlers installed now, not when first polled: a server that has
/// said it is listening must stop gracefully (flushing its log) on a SIGTERM sent right after.
/// Call it inside the runtime.
#[cfg(unix)]
pub fn shutdown_signal_installed() -> std::io::Result<impl std::future::Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut int = signal(SignalKind::interrupt())?;
    let mut term = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = int.recv() => tracing::info!("SIGINT: shutting down"),
            _ = term.recv() => tracing::info!("SIGTERM: shutting down"),
        }
    })
}

/// [`shutdown_signal`] where there are no Unix signals.
#[cfg(not(unix))]
pub fn shutdown_signal_installed() -> std::io::Result<impl std::future::Future<Output = ()> + Send + 'static> {
    Ok(shutdown_signal())
}

/// Resolves on SIGINT or SIGTERM (Ctrl-C elsewhere).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => tracing::info!("SIGINT: shutting down"),
        _ = term => tracing::info!("SIGTERM: shutting down"),
    }
}
