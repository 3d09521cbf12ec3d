//! Test harness for the till's screens: a real engine in a temporary data directory, served on a
//! real loopback socket, the real client and worker, and the app driven by key events. Rendering
//! goes to ratatui's `TestBackend`.
#![allow(dead_code)]

pub mod proxy;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use till::client::Client;
use till::tui::app::{App, Ctx, Msg};
use till::tui::input::{Input, Swipe};
use till::tui::settings::Settings;
use till::tui::theme::Theme;
use till::tui::worker::{self, Link, Local};

/// A till on a real engine.
pub struct Till {
    pub app: App,
    pub link: Link,
    pub local: Local,
    pub server: till::api::serve::ServerHandle,
    pub engine: till::engine::Engine,
    pub dir: tempfile::TempDir,
    /// Keys pressed other than typed text and scans (for the key-count targets).
    pub keys: usize,
}

/// Opens a fresh demo data directory and serves it on 127.0.0.1.
pub async fn engine() -> (tempfile::TempDir, till::engine::Engine, till::api::serve::ServerHandle) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data");
    let engine = tokio::task::spawn_blocking(move || {
        till::engine::Engine::open(&path, till::engine::OpenOptions { demo: true }).unwrap()
    })
    .await
    .unwrap();
    let server = till::api::serve::spawn(engine.clone(), "127.0.0.1:0").await.unwrap();
    (dir, engine, server)
}

impl Till {
    /// A till on a fresh engine, on the login screen, terminal info loaded.
    pub async fn start() -> Till {
        let (dir, engine, server) = engine().await;
        let client = Client::new(&server.base_url(), "").unwrap();
        Till::with_client(dir, engine, server, client).await
    }

    /// A till with these settings (a capture printer, say), live or in training.
    pub async fn with_settings(settings: Settings, training: bool) -> Till {
        let (dir, engine, server) = engine().await;
        let client = Client::new(&server.base_url(), "").unwrap();
        Till::build(dir, engine, server, client, settings, training).await
    }

    /// A till whose client is `client` (e.g. pointed at a fault-injecting proxy).
    pub async fn with_client(
        dir: tempfile::TempDir,
        engine: till::engine::Engine,
        server: till::api::serve::ServerHandle,
        client: Client,
    ) -> Till {
        Till::build(dir, engine, server, client, Settings::default(), false).await
    }

    /// Another till on this till's engine (two tills on one server), with its own terminal id.
    pub async fn second_till(&self, terminal: &str) -> Till {
        let dir = tempfile::tempdir().unwrap();
        // Unused: the second till talks to the first till's server, as two tills to one `till serve`.
        let idle = till::api::serve::spawn(self.engine.clone(), "127.0.0.1:0").await.unwrap();
        let client = Client::new(&self.server.base_url(), "").unwrap();
        let settings = Settings { terminal: Some(terminal.to_string()), ..Settings::default() };
        Till::build_as(dir, self.engine.clone(), idle, client, settings, false, Some(terminal.to_string())).await
    }

    async fn build(
        dir: tempfile::TempDir,
        engine: till::engine::Engine,
        server: till::api::serve::ServerHandle,
        client: Client,
        settings: Settings,
        training: bool,
    ) -> Till {
        Till::build_as(dir, engine, server, client, settings, training, None).await
    }

    async fn build_as(
        dir: tempfile::TempDir,
        engine: till::engine::Engine,
        server: till::api::serve::ServerHandle,
        client: Client,
        settings: Settings,
        training: bool,
        terminal: Option<String>,
    ) -> Till {
        let settings_path = dir.path().join("config").join("settings.toml");
        let mut ctx = Ctx::new(settings.clone(), training, "test".into());
        // The demo store is de-DE, which speaks German; tests read English unless they ask for
        // German with `Till::speak(Lang::De)` (amounts stay in the store's format either way).
        ctx.lang_override = Some(till::i18n::Lang::En);
        let mut app = App::new(ctx, Theme::MONO);
        app.update(Msg::Tick("12:00".into()));
        let local = Local::new(Some(settings_path), time::UtcOffset::UTC, settings, training);
        let link = match terminal {
            Some(id) => Link::ready(client).with_terminal(id),
            None => Link::ready(client),
        };
        let mut t = Till { app, link, local, server, engine, dir, keys: 0 };
        t.settle().await;
        t
    }

    /// Carries out every request the app has made, feeding the replies back, until it is quiet.
    pub async fn settle(&mut self) {
        for _ in 0..50 {
            let reqs = self.app.take_requests();
            if reqs.is_empty() {
                return;
            }
            for r in reqs {
                let reply = worker::perform(&self.link, &self.local, r).await;
                self.app.update(Msg::Reply(Box::new(reply)));
            }
        }
        panic!("the app kept asking for more work");
    }

    /// One key (counted).
    pub async fn press(&mut self, code: KeyCode) {
        self.keys += 1;
        self.app.update(Msg::Input(Input::Key(KeyEvent::new(code, KeyModifiers::NONE))));
        self.settle().await;
    }

    /// A printable key as a hotkey (counted).
    pub async fn hotkey(&mut self, c: char) {
        self.press(KeyCode::Char(c)).await;
    }

    /// Types text at human speed (not counted: it is the amount or search text).
    pub async fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.app.update(Msg::Input(Input::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))));
        }
        self.settle().await;
    }

    /// A scanner burst (not counted).
    pub async fn scan(&mut self, code: &str) {
        self.app.update(Msg::Input(Input::Scan(code.to_string())));
        self.settle().await;
    }

    /// A track 2 swipe (not counted).
    pub async fn swipe(&mut self, track2: &str) {
        let swipe = Swipe::parse(&format!(";{track2}?")).expect("a track 2");
        self.app.update(Msg::Input(Input::Swipe(swipe)));
        self.settle().await;
    }

    /// Raw key events as a terminal delivers them, each `gap_ms` after the one before, through
    /// the same input resolver the event loop feeds (`Resolver::push`, and `flush_due` when its
    /// deadline passes before the next key): the resolver, not the test, decides what is a scan,
    /// a swipe or typing. Time is virtual, so a loaded machine sees the same gaps.
    pub async fn raw(&mut self, keys: &[(KeyCode, u64)]) {
        let mut resolver = till::tui::input::Resolver::new();
        let mut at = std::time::Instant::now();
        for &(code, gap_ms) in keys {
            at += std::time::Duration::from_millis(gap_ms);
            if let Some(deadline) = resolver.deadline().filter(|d| *d <= at) {
                for input in resolver.flush_due(deadline) {
                    self.app.update(Msg::Input(input));
                }
                self.settle().await;
            }
            for input in resolver.push(KeyEvent::new(code, KeyModifiers::NONE), at) {
                self.app.update(Msg::Input(input));
            }
            self.settle().await;
        }
        if let Some(deadline) = resolver.deadline() {
            for input in resolver.flush_due(deadline) {
                self.app.update(Msg::Input(input));
            }
        }
        self.settle().await;
    }

    /// Sets the till's language, as `--lang` does.
    pub fn speak(&mut self, lang: till::i18n::Lang) {
        self.app.ctx.lang_override = Some(lang);
    }

    /// A clock tick.
    pub async fn tick(&mut self) {
        self.app.update(Msg::Tick("12:00".into()));
        self.settle().await;
    }

    /// Logs in and lands on the home screen.
    pub async fn login(&mut self, number: &str, pin: &str) {
        self.type_text(number).await;
        self.press(KeyCode::Enter).await;
        self.type_text(pin).await;
        self.press(KeyCode::Enter).await;
        self.keys = 0;
    }

    /// The demo manager's number and PIN typed into a manager-approval form at the till.
    pub async fn approve_as_manager(&mut self) {
        self.type_text("9001").await;
        self.press(KeyCode::Enter).await;
        self.type_text("9999").await;
        self.press(KeyCode::Enter).await;
    }

    /// The screen as text lines at `w`×`h`.
    pub fn screen(&self, w: u16, h: u16) -> String {
        render(&self.app, w, h)
    }

    /// Panics with the screen unless `needle` is on it (at 120×40).
    pub fn expect(&self, needle: &str) {
        let s = self.screen(120, 40);
        assert!(s.contains(needle), "{needle:?} is not on the screen:\n{s}");
    }

    /// Panics unless one line shows both `label` and `value` (a labelled figure).
    pub fn expect_row(&self, label: &str, value: &str) {
        let s = self.screen(120, 40);
        assert!(
            s.lines().any(|l| l.find(label).is_some_and(|i| l[i..].contains(value))),
            "no line shows {label:?} with {value:?}:\n{s}"
        );
    }

    pub fn expect_not(&self, needle: &str) {
        let s = self.screen(120, 40);
        assert!(!s.contains(needle), "{needle:?} should not be on the screen:\n{s}");
    }
}

/// The demo card `seq` (1: 50,00 € with PIN 1234; 2: 25,00 €), as the gift program numbers it.
pub fn demo_card(seq: u32) -> String {
    let mut n = format!("603628{:0>9}", seq);
    n.push(till::engine::cards::luhn_check_digit(&n));
    n
}

/// A fresh inactive card from the program's stock.
pub fn new_card(engine: &till::engine::Engine) -> String {
    till::engine::cards::generate(engine, 1).unwrap().remove(0)
}

/// Renders the app into a `TestBackend` and returns its lines.
pub fn render(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| app.render(f)).unwrap();
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        for x in 0..w {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// A terminal with the app drawn, for `insta::assert_snapshot!(terminal.backend())`.
pub fn terminal(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| app.render(f)).unwrap();
    t
}

/// A printer that is a file: every job the till sends is appended to it.
pub struct CapturePrinter {
    pub path: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

/// `ESC @ ESC t 16`: how every job of the till starts (initialise, Windows-1252).
pub const JOB_START: [u8; 5] = [0x1B, b'@', 0x1B, b't', 16];
/// `ESC p 0 25 250`: the cash drawer pulse.
pub const DRAWER_PULSE: [u8; 5] = [0x1B, b'p', 0, 25, 250];

impl CapturePrinter {
    pub fn new() -> CapturePrinter {
        let dir = tempfile::tempdir().unwrap();
        CapturePrinter { path: dir.path().join("printer.bin"), _dir: dir }
    }

    /// Settings printing to this file.
    pub fn settings(&self) -> Settings {
        Settings { printer: format!("file://{}", self.path.display()), ..Settings::default() }
    }

    pub fn bytes(&self) -> Vec<u8> {
        std::fs::read(&self.path).unwrap_or_default()
    }

    /// The jobs received so far, each from its `ESC @` on.
    pub fn jobs(&self) -> Vec<Vec<u8>> {
        let bytes = self.bytes();
        let starts: Vec<usize> = (0..bytes.len()).filter(|&i| bytes[i..].starts_with(&JOB_START)).collect();
        starts
            .iter()
            .enumerate()
            .map(|(k, &s)| bytes[s..starts.get(k + 1).copied().unwrap_or(bytes.len())].to_vec())
            .collect()
    }

    /// A job as readable text (`escpos::dump`).
    pub fn text(job: &[u8]) -> String {
        till::receipt::escpos::dump(job)
    }
}

impl Default for CapturePrinter {
    fn default() -> Self {
        CapturePrinter::new()
    }
}

/// Whether a job pulses the cash drawer.
pub fn opens_drawer(job: &[u8]) -> bool {
    job.windows(DRAWER_PULSE.len()).any(|w| w == DRAWER_PULSE)
}
