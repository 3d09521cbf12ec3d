//! The event loop: one `select!` over terminal input (through the input resolver), engine replies
//! from background tasks, the resolver's deadline, a one-second clock and cancellation (SIGTERM).
//! The terminal is restored on every way out, panics included (`ratatui::init` installs the hook).

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{self, Event, KeyEventKind};
use tokio::sync::mpsc;

use super::app::{App, Ctx, Msg, Reply, Request};
use super::input::Resolver;
use super::settings::Settings;
use super::theme::Theme;
use super::worker::{self, Link};
use crate::client::Client;

/// How the till was started.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// A `till serve` to use instead of the embedded engine.
    pub server: Option<String>,
    pub training: bool,
    /// Printer spec from the command line (overrides the settings file for this run).
    pub printer: Option<String>,
    /// Terminal id from the command line (overrides the settings file for this run).
    pub terminal: Option<String>,
    /// Data directory for the embedded engine.
    pub data_dir: PathBuf,
    /// Seed a fresh data directory with the demo data.
    pub demo: bool,
    /// The settings file (default: the platform config directory).
    pub settings_path: Option<PathBuf>,
    /// The screen's language for this run (`--lang`), over the settings file's `language`.
    pub lang: Option<crate::i18n::Lang>,
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A future the till awaits, boxed so the command line can hand it over.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// Opens the engine on a data directory (`true`: seed it with the demo data) and serves the API on
/// an ephemeral local port.
pub type StartEngine = Box<dyn FnOnce(PathBuf, bool) -> BoxFuture<Result<EmbeddedEngine, String>> + Send>;

/// What the command line gives the till: the screen knows only `client`, so starting the embedded
/// engine (and listening for SIGTERM) is handed in, not reached for.
pub struct Host {
    /// Starts the embedded engine; used only without `--server`.
    pub start_engine: StartEngine,
    /// Resolves when the process is asked to stop (Ctrl-C, SIGTERM).
    pub shutdown_signal: BoxFuture<()>,
}

/// The embedded engine, serving on a local port.
pub struct EmbeddedEngine {
    /// `http://127.0.0.1:<port>`, for [`Client::new`].
    pub base_url: String,
    /// Stops it gracefully; awaited when the till quits.
    pub shutdown: BoxFuture<()>,
}

/// Runs the till until the cashier quits.
pub fn run(opts: RunOptions, host: Host) -> Result<(), BoxError> {
    let started = Instant::now();
    let (data_dir, demo) = engine_data(&opts)?;
    let opts = RunOptions { data_dir, demo, ..opts };
    // The local offset must be read before any thread starts (the `time` crate refuses later).
    let offset = time::UtcOffset::current_local_offset().unwrap_or(time::UtcOffset::UTC);
    let settings_path = opts.settings_path.clone().or_else(Settings::default_path);
    let (mut settings, settings_error) = match &settings_path {
        Some(p) => match Settings::load(p) {
            Ok(s) => (s, None),
            Err(e) => (Settings::default(), Some(e)),
        },
        None => (Settings::default(), None),
    };
    // A printer given for this run is used, never written to the settings file.
    let printer_for_run = opts.printer.as_ref().map(|p| (p.clone(), settings.printer.clone()));
    if let Some(p) = &opts.printer {
        settings.printer = p.clone();
    }
    // The terminal id stamps every operation, receipt and journal row of this till; one given
    // for this run is never written to the settings file.
    let terminal = match opts.terminal.clone().or_else(|| settings.terminal.clone()) {
        Some(t) => Some(super::settings::check_terminal_id(&t)?),
        None => None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(async move {
        let (client_tx, link) = Link::pending();
        // The spots board signs with the till's merchant credential, kept in the data directory.
        let link = link.with_spots_credential(opts.data_dir.join(crate::client::spots::TILL_CREDENTIAL_FILE));
        let link = match terminal {
            Some(t) => link.with_terminal(t),
            None => link,
        };
        // The engine starts in the background so the login screen is up at once.
        let Host { start_engine: start, shutdown_signal } = host;
        let server = start_engine(&opts, start, client_tx);
        let mut ctx = Ctx::new(settings, opts.training, run_tag());
        ctx.lang_override = opts.lang;
        ctx.printer_for_run = printer_for_run.as_ref().map(|(given, _)| given.clone());
        let mut app = App::new(ctx, Theme::from_env());
        if let Some(e) = settings_error {
            app.overlay =
                Some(super::app::Overlay::error("Settings", format!("The settings file could not be read: {e}")));
        }
        let mut local = worker::Local::new(settings_path, offset, app.ctx.settings.clone(), opts.training);
        if let Some((given, in_file)) = printer_for_run {
            local = local.with_printer_for_run(given, in_file);
        }
        // Without a terminal (output piped, no tty) say so instead of panicking.
        let mut terminal = match ratatui::try_init() {
            Ok(t) => t,
            Err(e) => {
                ratatui::restore();
                return Err(crate::t!("common-no-terminal", error = e.to_string()).into());
            }
        };
        // Pastes arrive as one event rather than as keys typed at scanner speed.
        let _ = ratatui::crossterm::execute!(std::io::stdout(), ratatui::crossterm::event::EnableBracketedPaste);
        let result = event_loop(&mut terminal, &mut app, link, local, offset, started, shutdown_signal).await;
        let _ = ratatui::crossterm::execute!(std::io::stdout(), ratatui::crossterm::event::DisableBracketedPaste);
        ratatui::restore();
        if let Ok(Some(shutdown)) = server.await {
            shutdown.await;
        }
        result
    })
}

/// Starts the embedded engine (or points at `--server`) and hands the client over when ready.
/// Returns how to stop the embedded engine, if one was started.
fn start_engine(
    opts: &RunOptions,
    start: StartEngine,
    client_tx: tokio::sync::watch::Sender<Option<Result<Client, String>>>,
) -> tokio::task::JoinHandle<Option<BoxFuture<()>>> {
    let opts = opts.clone();
    tokio::spawn(async move {
        if let Some(url) = &opts.server {
            let _ = client_tx.send(Some(Client::new(url, "").map_err(|e| e.to_string())));
            return None;
        }
        match start(opts.data_dir.clone(), opts.demo).await {
            Ok(engine) => {
                let _ = client_tx.send(Some(Client::new(&engine.base_url, "").map_err(|e| e.to_string())));
                Some(engine.shutdown)
            }
            Err(e) => {
                let _ = client_tx.send(Some(Err(e)));
                None
            }
        }
    })
}

/// Where the embedded engine keeps its ledger for this run, and whether to seed it with demo data.
///
/// Training must never move money on the live ledger: it runs on its own ledger in the `training`
/// folder of the data directory, always seeded with the demo data. A `--server` has no training
/// ledger the till could choose, so training against one is refused before the screen opens.
pub fn engine_data(opts: &RunOptions) -> Result<(PathBuf, bool), String> {
    if !opts.training {
        return Ok((opts.data_dir.clone(), opts.demo));
    }
    if opts.server.is_some() {
        return Err("--training cannot be used with --server: training runs on the embedded engine's own \
                    training ledger. Start `till --training` without --server."
            .into());
    }
    Ok((opts.data_dir.join(TRAINING_DIR), true))
}

/// The training ledger's folder inside the data directory.
pub const TRAINING_DIR: &str = "training";

fn run_tag() -> String {
    use rand::Rng;
    // 48 random bits: operation ids stay unique across restarts of the till.
    format!("{:012x}", rand::rng().random::<u64>() & 0xffff_ffff_ffff)
}

/// The wall clock as the status bar shows it.
pub fn clock_text(offset: time::UtcOffset) -> String {
    let now = time::OffsetDateTime::now_utc().to_offset(offset);
    format!("{:02}:{:02}", now.hour(), now.minute())
}

/// Reads terminal events on a plain thread (crossterm's reader is blocking) until told to stop.
fn spawn_reader(tx: mpsc::UnboundedSender<(Event, Instant)>, stop: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            match event::poll(Duration::from_millis(50)) {
                Ok(true) => match event::read() {
                    Ok(ev) => {
                        if tx.send((ev, Instant::now())).is_err() {
                            return;
                        }
                    }
                    Err(_) => return,
                },
                Ok(false) => {}
                Err(_) => return,
            }
        }
    });
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    link: Link,
    local: worker::Local,
    offset: time::UtcOffset,
    started: Instant,
    cancel: BoxFuture<()>,
) -> Result<(), BoxError> {
    let mut first_frame = true;
    let (input_tx, mut input_rx) = mpsc::unbounded_channel();
    let (reply_tx, mut reply_rx) = mpsc::unbounded_channel::<Reply>();
    let stop = Arc::new(AtomicBool::new(false));
    spawn_reader(input_tx, stop.clone());
    let mut resolver = Resolver::new();
    let mut clock = tokio::time::interval(Duration::from_secs(1));
    clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut cancel = cancel;
    app.update(Msg::Tick(clock_text(offset)));
    let result = loop {
        dispatch(app.take_requests(), &link, &local, &reply_tx);
        if app.quit {
            break Ok(());
        }
        if let Err(e) = terminal.draw(|f| app.render(f)) {
            break Err(e.into());
        }
        if first_frame {
            first_frame = false;
            tracing::info!(ms = started.elapsed().as_secs_f64() * 1000.0, "login screen drawn");
        }
        let deadline = resolver.deadline().map(tokio::time::Instant::from_std);
        tokio::select! {
            ev = input_rx.recv() => match ev {
                Some((Event::Key(key), at)) if key.kind != KeyEventKind::Release => {
                    for input in resolver.push(key, at) {
                        app.update(Msg::Input(input));
                    }
                }
                // A paste is one event: held keys go first, then the paste, and nothing is left
                // waiting for a key that may never come (an Esc after it acts at once).
                Some((Event::Paste(text), at)) => {
                    for input in resolver.flush_due(at + Resolver::GAP).into_iter().chain(super::input::paste(&text)) {
                        app.update(Msg::Input(input));
                    }
                }
                Some(_) => {}
                None => break Err("the terminal input stopped".into()),
            },
            Some(reply) = reply_rx.recv() => app.update(Msg::Reply(Box::new(reply))),
            _ = async { if let Some(d) = deadline { tokio::time::sleep_until(d).await } }, if deadline.is_some() => {
                for input in resolver.flush_due(Instant::now()) {
                    app.update(Msg::Input(input));
                }
            }
            _ = clock.tick() => app.update(Msg::Tick(clock_text(offset))),
            _ = &mut cancel => break Ok(()),
        }
    };
    stop.store(true, Ordering::Relaxed);
    // Log out so the session token does not outlive the till.
    if app.ctx.user.is_some() {
        let _ = tokio::time::timeout(Duration::from_secs(2), worker::perform(&link, &local, Request::Logout)).await;
    }
    result
}

/// Runs each request in its own task; its reply comes back as a message.
fn dispatch(requests: Vec<Request>, link: &Link, local: &worker::Local, tx: &mpsc::UnboundedSender<Reply>) {
    for req in requests {
        let link = link.clone();
        let local = local.clone();
        let tx = tx.clone();
        tokio::spawn(async move {
            let reply = worker::perform(&link, &local, req).await;
            let _ = tx.send(reply);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(training: bool, server: Option<&str>) -> RunOptions {
        RunOptions {
            server: server.map(str::to_string),
            training,
            printer: None,
            terminal: None,
            data_dir: PathBuf::from("/srv/till"),
            demo: false,
            settings_path: None,
            lang: None,
        }
    }

    #[test]
    fn live_runs_on_the_data_directory() {
        assert_eq!(engine_data(&opts(false, None)), Ok((PathBuf::from("/srv/till"), false)));
    }

    #[test]
    fn training_runs_on_its_own_seeded_ledger() {
        let (dir, demo) = engine_data(&opts(true, None)).unwrap();
        assert_eq!(dir, PathBuf::from("/srv/till/training"));
        assert_ne!(dir, PathBuf::from("/srv/till"), "training must not touch the live ledger");
        assert!(demo, "the training ledger is seeded with demo data");
    }

    #[test]
    fn training_against_a_server_is_refused() {
        let e = engine_data(&opts(true, Some("http://127.0.0.1:8080"))).unwrap_err();
        assert!(e.contains("--training cannot be used with --server"), "{e}");
    }
}
