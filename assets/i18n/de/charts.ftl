### Deutsch: die Diagramme der Berichtsbildschirme (owner: charts). Same ids and parameters as en/charts.ftl.

charts-sales-per-hour = Verkäufe pro Stunde
charts-hours-utc = (Stunden in UTC)
charts-best-hour = Beste Stunde { $hours }
charts-whole-period = Ganzer Zeitraum
charts-sales = { $count ->
    [one] { $count } Verkauf, { $amount }
   *[other] { $count } Verkäufe, { $amount }
}
charts-tender-mix = Zahlungsarten
charts-tender-cash = Bar
charts-tender-card = Karte
charts-tender-wallet = Wallet
charts-tender-on-account = Auf Rechnung
charts-tender-gift-card = Geschenkkarte
charts-tender-other = Sonstige
charts-outstanding-by-age = Offenes Kartenguthaben nach letzter Nutzung
charts-age-0-12 = 0–12 Monate
charts-age-12-24 = 12–24 Monate
charts-age-24-36 = 24–36 Monate
charts-age-over-36 = über 36 Monate
charts-cards = { $count ->
    [one] { $count } Karte, { $amount }
   *[other] { $count } Karten, { $amount }
}
