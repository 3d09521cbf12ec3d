### Deutsch: common (owner: i18n). Same ids and parameters as en/common.ftl.

common-quit-unfinished-title = Beenden, obwohl ein Vorgang offen ist?
common-quit-unfinished = Ein Vorgang ist noch nicht abgeschlossen.
common-quit-unfinished-check = Wenn Sie jetzt beenden, prüfen Sie das Journal, sobald die Kasse wieder läuft.
common-quit-anyway = trotzdem beenden
common-stay = bleiben
common-finish-first = Erst abschließen
common-finish-before-logout = Schließen Sie den Vorgang ab oder brechen Sie ihn ab, bevor Sie sich abmelden.
common-receipt-not-printed-title = Der Beleg wurde nicht gedruckt
common-receipt-kept = Er bleibt gespeichert und wurde nicht doppelt gedruckt.
common-receipt-fix-printer = Beheben Sie den Druckerfehler (Papier, Deckel, Kabel) und drücken Sie dann Enter, um ihn zu drucken.
common-receipt-print-later = Später: p im Ergebnis druckt ihn.
common-print-it = drucken
common-later = später
common-printer = Drucker
common-receipt-did-not-print = Der Beleg wurde nicht gedruckt: { $reason }
common-error-uncertain = keine Antwort vom Kassenserver: prüfen Sie das Journal, bevor Sie es wiederholen
common-error-unreachable = der Kassenserver ist nicht erreichbar: prüfen Sie, ob er läuft (oder das Netzwerk zum Server), und versuchen Sie es dann erneut
common-error-unauthorized = bitte melden Sie sich erneut an
common-error-undone = keine Antwort vom Kassenserver; der Vorgang wurde rückgängig gemacht
common-role-cashier = Kassenkraft
common-role-manager = Filialleitung
common-role-trainer = Schulungsleitung
common-tender-cash = bar
common-tender-card = Karte
common-receipt = Beleg
common-amount-connecting = Die Kasse verbindet sich noch mit dem Kassenserver; versuchen Sie es gleich noch einmal.
common-not-an-amount = „{ $typed }“ ist kein Betrag. Geben Sie ihn wie auf einem Preisschild ein, z. B. { $example }
common-status-till = Kasse
common-status-not-logged-in = nicht angemeldet
common-status-training = SCHULUNG
common-status-live = ECHTBETRIEB
common-status-engine = Server
common-status-engine-offline = SERVER OFFLINE
common-status-no-printer = kein Drucker
common-status-printer = Drucker
common-status-printing = druckt…
common-status-printer-failed = DRUCKER: { $reason }
common-status-printer-fault = DRUCKERFEHLER
common-training-banner = SCHULUNGSMODUS — Übungsbuch, kein echtes Geld · Belege sind als SCHULUNG markiert
common-help-close = jede Taste schließt diese Hilfe
common-help-title = Hilfe · { $screen }
common-more = { $title } · { $keys } mehr
common-screen-login = Anmelden
common-receipt-printing = Beleg wird gedruckt…
common-receipt-printed = Beleg gedruckt: bitte aushändigen.
common-receipt-failed = Der Beleg wurde nicht gedruckt ({ $reason }). p druckt ihn, sobald der Drucker wieder geht.
common-receipt-screen-only = Kein Drucker: Der Beleg ist nur auf dem Bildschirm.
common-receipt-press-p = p druckt den Beleg.
common-receipt-none-stored = Zu diesem Vorgang ist kein Beleg gespeichert.
common-receipt-no-printer = Es ist kein Drucker eingerichtet: Der Beleg ist nur auf dem Bildschirm.
common-receipt-set-printer = Richten Sie einen in den Einstellungen ein (s).
common-receipt-has-printed = Dieser Beleg wurde gedruckt.
common-receipt-copy = Eine Kopie ist ein als DUPLIKAT markierter Nachdruck: Journal (j), dann p.

# The footer while a dialog is open (its keys only).
common-key-any = beliebige Taste
common-close = schließen
common-ok = OK
common-quit-typed-title = Mitten im Vorgang beenden?
common-quit-typed = Die Eingabe geht verloren; es wurde noch kein Geld bewegt.
common-amount-signed = „{ $typed }“: den Betrag ohne Vorzeichen eingeben; der Vorgang bestimmt, in welche Richtung das Geld geht.
common-key-more = alle Tasten

# The till was started where there is no terminal to draw on (output piped, no tty).
common-no-terminal = Die Kasse braucht ein Terminal, um ihren Bildschirm zu zeichnen ({ $error }). Starten Sie sie in einem Terminalfenster, oder nutzen Sie `till serve` für die Engine ohne Bildschirm.
