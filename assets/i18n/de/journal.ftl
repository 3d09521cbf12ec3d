### Deutsch: journal (owner: i18n). Same ids and parameters as en/journal.ftl.

journal-reverse-what = { $what } { $amount } auf Karte { $card } um { $time }
journal-not-loaded = Das Journal konnte nicht geladen werden: { $reason }
journal-reprinted = Nachgedruckt, als DUPLIKAT markiert.
journal-duplicate-failed = Das Duplikat wurde nicht gedruckt: { $reason }
journal-duplicate-shown = Duplikat angezeigt (kein Drucker eingerichtet).
journal-kind-gift-sale = Verkauf Geschenkkarte
journal-kind-gift-reload = Aufladung Geschenkkarte
journal-kind-gift-redeem = Einlösung Geschenkkarte
journal-kind-gift-balance = Geschenkkarte
journal-kind-gift-cash-out = Auszahlung Geschenkkarte
journal-kind-gift-exchange = Umtausch Geschenkkarte
journal-kind-reversal = Storno
journal-kind-gift-refund = Erstattung Geschenkkarte
journal-kind-retail = Fremd-Geschenkkarte
journal-kind-print-test = Testdruck
journal-kind-report = Bericht
journal-kind-spot-order = Tischrechnung
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
