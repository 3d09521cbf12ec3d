### Deutsch: journal (owner: i18n). Same ids and parameters as en/journal.ftl.

journal-reverse-what = { $what } { $amount } auf Karte { $card } um { $time }
journal-not-loaded = Das Journal konnte nicht geladen werden: { $reason }
journal-reprinted = Nachgedruckt, als DUPLIKAT markiert.
journal-duplicate-failed = Das Duplikat wurde nicht gedruckt: { $reason }
journal-duplicate-shown = Duplikat angezeigt (kein Drucker eingerichtet).
journal-no-printer = kein Drucker eingerichtet: der Beleg steht nur auf dem Bildschirm (in den Einstellungen einen einrichten)
journal-maybe-partly = { $reason }. Er könnte teilweise gedruckt sein: vor einem Nachdruck den Drucker ansehen
journal-not-a-receipt = { $id } ist keine Belegnummer
journal-reprint = Nachdruck
journal-reversed = Storniert. Karte { $card } hat jetzt { $balance } Guthaben.
journal-reversed-rest-cash = Dem Kunden { $rest } bar zurückgeben.
journal-reversed-rest-card = { $rest } auf die Zahlungskarte des Kunden erstatten.
journal-not-reversed = Nicht storniert
journal-title = Heute an dieser Kasse · { $count ->
    [one] { $count } Vorgang
   *[other] { $count } Vorgänge
}
journal-loading = Wird geladen…
journal-empty = Heute noch nichts.
journal-col-time = Zeit
journal-col-what = Vorgang
journal-col-card = Karte
journal-col-amount = Betrag
journal-col-receipt = Beleg
journal-col-user = Benutzer
# Was eine Journalzeile war (kurz: die Spalte ist bei 80 Spalten schmal).
journal-kind-sale = Kartenverkauf
journal-kind-reload = Aufladung
journal-kind-redeem = Einlösung
journal-kind-balance = Guthabenabfrage
journal-kind-activate = Karte aktiviert
journal-kind-deactivate = Karte gesperrt
journal-kind-cash-out = Auszahlung
journal-kind-exchange = Kartentausch
journal-kind-reversal = Storno
journal-kind-refund = Erstattung
journal-kind-retail = Gutscheinkarte
journal-kind-test = Testdruck
journal-kind-report = Bericht
journal-kind-spot = Tischrechnung
journal-kind-retail-open = Nicht verkauft, offen: { $product }
journal-kind-retail-expired = Nicht verkauft, abgelaufen: { $product }
journal-kind-retail-cancelled = Nicht verkauft, storniert: { $product }
