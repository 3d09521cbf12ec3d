//! The till's own settings (printer, paper width, locale, language, receipt header, auto-lock), kept in
//! `settings.toml` in the platform config directory (`directories`), apart from the engine's data.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The settings file name inside the config directory.
pub const SETTINGS_FILE: &str = "settings.toml";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Printer spec: `none`, `tcp://HOST[:PORT]`, `file:///dev/usb/lp0`, `serial:///dev/ttyUSB0?baud=19200`.
    pub printer: String,
    /// Paper width in characters: 32, 42 or 48.
    pub width: u16,
    /// Locale for amounts; `None` uses the store's.
    pub locale: Option<String>,
    /// Language of the screen (`en`, `de`); `None` speaks the locale's language (de-DE: German).
    pub language: Option<String>,
    /// Extra lines printed at the top of every receipt.
    pub header: Vec<String>,
    /// Lock the till after this many idle seconds (0 = never).
    pub lock_after_secs: u64,
    /// Print a receipt by itself when its operation completes (with a printer set up).
    pub auto_print: bool,
    /// Receipt kinds shown on the screen only, never printed by themselves (`p` still prints
    /// them): `gift_balance` (balance enquiries), `gift_activate`, `gift_sale`, `retail_order`, …
    pub preview_only: Vec<String>,
    /// This till's terminal id (`T02`); `None` takes the engine's `[store] terminal_id`. Two
    /// tills on one server each need their own.
    pub terminal: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            printer: "none".into(),
            width: 42,
            locale: None,
            language: None,
            header: Vec::new(),
            lock_after_secs: 300,
            auto_print: true,
            preview_only: vec!["gift_balance".into()],
            terminal: None,
        }
    }
}

/// A terminal id as receipts and journals carry it: 1 to 16 letters, digits, `-` or `_`.
pub fn check_terminal_id(id: &str) -> Result<String, String> {
    let id = id.trim();
    if id.is_empty()
        || id.chars().count() > 16
        || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(format!("terminal id {id:?}: use 1 to 16 letters, digits, - or _ (e.g. T02)"));
    }
    Ok(id.to_string())
}

/// The widths receipt printers come in.
pub const WIDTHS: [u16; 3] = [32, 42, 48];

impl Settings {
    pub fn printer_configured(&self) -> bool {
        let p = self.printer.trim();
        !p.is_empty() && p != "none"
    }

    /// Whether a receipt of `kind` prints by itself when its operation completes.
    pub fn auto_prints(&self, kind: &str) -> bool {
        self.printer_configured() && self.auto_print && !self.preview_only.iter().any(|k| k.trim() == kind)
    }

    /// The settings file: `$TILL_SETTINGS` when set, else `settings.toml` in the platform config
    /// directory (`~/.config/till/` on Linux).
    pub fn default_path() -> Option<PathBuf> {
        if let Some(p) = std::env::var_os("TILL_SETTINGS").filter(|p| !p.is_empty()) {
            return Some(PathBuf::from(p));
        }
        directories::ProjectDirs::from("", "", "till").map(|d| d.config_dir().join(SETTINGS_FILE))
    }

    /// Reads the file; a missing file gives the defaults, a broken one an error the screen shows.
    pub fn load(path: &Path) -> Result<Settings, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// Writes the file atomically (temp file, then rename), creating the directory.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        let text = toml::to_string_pretty(self).map_err(|e| e.to_string())?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let tmp = path.with_extension("toml.tmp");
        std::fs::write(&tmp, text).map_err(|e| format!("{}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_survive_a_save_and_load() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join(SETTINGS_FILE);
        assert_eq!(Settings::load(&path).unwrap(), Settings::default());
        let s = Settings {
            printer: "tcp://10.0.0.9:9100".into(),
            width: 32,
            locale: Some("en-GB".into()),
            language: Some("de".into()),
            header: vec!["Open 8-18".into()],
            lock_after_secs: 60,
            auto_print: false,
            preview_only: vec!["gift_sale".into()],
            terminal: Some("T02".into()),
        };
        s.save(&path).unwrap();
        assert_eq!(Settings::load(&path).unwrap(), s);
    }

    #[test]
    fn an_older_file_gets_auto_print_with_balance_enquiries_on_screen_only() {
        let s: Settings = toml::from_str("printer = \"tcp://10.0.0.9\"\nwidth = 32").unwrap();
        assert!(s.auto_prints("gift_sale") && s.auto_prints("retail_order"));
        assert!(!s.auto_prints("gift_balance"));
        let off = Settings { auto_print: false, ..s.clone() };
        assert!(!off.auto_prints("gift_sale"));
        assert!(!Settings::default().auto_prints("gift_sale"), "no printer, nothing prints");
    }

    #[test]
    fn a_broken_file_is_reported_not_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SETTINGS_FILE);
        std::fs::write(&path, "width = \"wide\"").unwrap();
        assert!(Settings::load(&path).unwrap_err().contains("settings.toml"));
    }
}
