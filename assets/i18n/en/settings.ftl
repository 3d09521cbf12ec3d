### English: settings (owner: i18n). Ids start with "settings-". See assets/i18n/README.md.

settings-printer = Printer
settings-header = Header
settings-lock-after = Lock after
settings-test-sending = Sending a test receipt…
settings-unsaved = Not saved: F2 saves, Esc again leaves without saving.
settings-saved = Saved to { $path }
settings-not-saved = Not saved: { $reason }
settings-test-printed = Test receipt printed.
settings-locale-default = store default ({ $locale })
settings-printer-none = none (screen only)
settings-width = Paper width
settings-width-chars = { $count } characters
settings-locale = Locale
settings-header-hint = lines printed on top of receipts, separated by |
settings-lock-hint = seconds idle before the till locks (0 = never)
