### Deutsch: settings (owner: i18n). Same ids and parameters as en/settings.ftl.

settings-printer = Drucker
settings-header = Belegkopf
settings-lock-after = Sperren nach
settings-test-sending = Testbeleg wird gesendet…
settings-unsaved = Nicht gespeichert: F2 speichert, noch einmal Esc verlässt ohne Speichern.
settings-saved = Gespeichert in { $path }
settings-not-saved = Nicht gespeichert: { $reason }
settings-test-printed = Testbeleg gedruckt.
settings-locale-default = wie die Filiale ({ $locale })
settings-printer-none = none (nur Bildschirm)
settings-width = Papierbreite
settings-width-chars = { $count } Zeichen
settings-locale = Zahlenformat
settings-header-hint = Zeilen oben auf Belegen, getrennt durch |, je bis { $max } Zeichen
settings-lock-hint = Sekunden ohne Eingabe bis zur Sperre (0 = nie, sonst { $min }–{ $max })
settings-language = Sprache
settings-language-default = wie das Zahlenformat
settings-language-en = English
settings-language-de = Deutsch
settings-bad-printer = „{ $printer }“ ist keine Druckeradresse: eine wie unten eingeben.
settings-bad-header = Zeile { $line } hat { $count } Zeichen; das Papier fasst { $max }.
settings-bad-lock = „{ $typed }“ Sekunden: 0 (nie sperren) oder { $min } bis { $max } eingeben.
settings-fix-first = Nicht gespeichert: zuerst die rot markierten Felder berichtigen.
settings-fix-printer-first = Kein Testdruck: zuerst die Druckeradresse berichtigen.
settings-test-failed = Der Testbeleg wurde nicht gedruckt: { $reason }
settings-printer-for-run = aus --printer nur für diesen Lauf: nicht gespeichert

# The one line of a test receipt.
settings-test-receipt-line = Testdruck: Wenn Sie dies lesen können, funktioniert der Drucker.
