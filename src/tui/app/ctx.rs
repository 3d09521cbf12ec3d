//! The session-wide state every screen may read ([`Ctx`]): who is logged in at which terminal,
//! the link and printer, settings, language, and the id sequence of operations.

use super::super::model::*;
use super::super::settings::Settings;
use crate::i18n::Lang;
use crate::money::{Currency, Locale, Money};

/// Session-wide state every screen may read: the status bar's facts, settings, id sequence.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub terminal: Option<TerminalView>,
    pub user: Option<UserView>,
    pub training: bool,
    pub link: Link,
    pub printer: PrinterState,
    /// The last receipt sent to the printer and what became of it.
    pub print: Option<PrintJob>,
    pub clock: String,
    pub settings: Settings,
    /// Distinguishes this till process in operation ids.
    pub run_tag: String,
    /// The screen's language for this run (`--lang`), over the settings and the store's locale.
    pub lang_override: Option<Lang>,
    /// The printer given with `--printer` for this run (in use, never saved to the settings file).
    pub printer_for_run: Option<String>,
    /// A product code scanned on home, for the retail screen once its catalogue has loaded.
    pub pending_scan: Option<String>,
    seq: u64,
}

impl Ctx {
    pub fn new(settings: Settings, training: bool, run_tag: String) -> Ctx {
        let printer = if settings.printer_configured() { PrinterState::Ready } else { PrinterState::PreviewOnly };
        Ctx {
            terminal: None,
            user: None,
            training,
            link: Link::Connecting,
            printer,
            print: None,
            clock: String::new(),
            settings,
            run_tag,
            lang_override: None,
            printer_for_run: None,
            pending_scan: None,
            seq: 0,
        }
    }

    /// The store's currency, once the engine has said which it is.
    pub fn currency(&self) -> Option<Currency> {
        self.terminal.as_ref().map(|t| t.currency)
    }

    pub fn locale(&self) -> Locale {
        if let Some(l) = self.settings.locale.as_deref().and_then(|t| Locale::parse(t).ok()) {
            return l;
        }
        self.terminal.as_ref().map(|t| t.locale).unwrap_or(Locale::EnUs)
    }

    /// The screen's language: `--lang`, else the settings' `language`, else the locale's (the
    /// store's, or the settings' `locale`): a de-DE store speaks German.
    pub fn lang(&self) -> Lang {
        self.lang_override
            .or_else(|| self.settings.language.as_deref().and_then(Lang::parse))
            .unwrap_or_else(|| Lang::for_locale(self.locale()))
    }

    /// Puts this till's language and number format in force for the catalogue ([`crate::t!`]).
    pub fn speak(&self) {
        crate::i18n::set(self.lang(), self.locale());
    }

    /// An amount in the store's locale.
    pub fn fmt(&self, m: Money) -> String {
        m.format(self.locale())
    }

    /// A fresh operation number.
    pub fn next_op(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// A fresh id for an operation that must be findable and reversible after a timeout.
    pub fn next_external_id(&mut self, prefix: &str) -> String {
        let n = self.next_op();
        let term = self.terminal.as_ref().map(|t| t.terminal.as_str()).unwrap_or("T");
        format!("{prefix}-{term}-{}-{n}", self.run_tag)
    }
}
