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
settings-header-hint = Zeilen oben auf jedem Beleg, getrennt durch |
settings-lock-hint = Sekunden ohne Eingabe, bis die Kasse sperrt (0 = nie)
