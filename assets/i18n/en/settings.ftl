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
settings-header-hint = top-of-receipt lines, split by |, at most { $max } characters each
settings-lock-hint = seconds idle before the till locks: 0 = never, else { $min } to { $max }
settings-language = Language
settings-language-default = as the locale
settings-language-en = English
settings-language-de = Deutsch
settings-bad-printer = “{ $printer }” is not a printer address: type one as below.
settings-bad-header = Line { $line } has { $count } characters; the paper takes { $max }.
settings-bad-lock = “{ $typed }” seconds: type 0 (never lock) or { $min } to { $max }.
settings-fix-first = Not saved: correct the fields marked in red first.
settings-fix-printer-first = No test print: correct the printer address first.
settings-test-failed = The test receipt did not print: { $reason }
settings-printer-for-run = from --printer for this run only: not saved

# The one line of a test receipt.
settings-test-receipt-line = Test print: if you can read this, the printer works.
