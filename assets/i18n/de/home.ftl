### Deutsch: home (owner: i18n). Same ids and parameters as en/home.ftl.

home-gift = Geschenkkarte
home-gift-what = verkaufen, aufladen, einlösen, Guthaben prüfen, auszahlen, umtauschen
home-retail = Handelsgutscheine
home-retail-what = Karten von Partnern verkaufen: Code drucken oder Karte aktivieren
home-spots = Tische
home-spots-what = Tische: wer wo wartet, Rechnung stellen, Wallet-Zahlungen bestätigen
home-journal = Journal
home-journal-what = heutige Vorgänge dieser Kasse, nachdrucken, letzten stornieren
home-settings = Einstellungen
home-settings-what = Drucker, Papierbreite, Zahlenformat, Sprache, Belegkopf
home-shift = Schicht
home-shift-what = Schicht öffnen oder schließen: Lade zählen, Einlagen und Entnahmen
home-users = Benutzer
home-users-what = wer nach falschen PINs gesperrt ist; eine Filialleitung entsperrt
home-reports = Berichte
home-reports-what = X- und Z-Berichte, frühere Zs, Gutscheinverbindlichkeit, Abrechnung
home-hello = Hallo { $name }
home-title = Start
home-scan-hint = Geschenkkarte hier scannen oder durchziehen, um direkt zu ihr zu gelangen.
