### English: the report screens' charts (owner: charts). Ids start with "charts-". See assets/i18n/README.md.

charts-sales-per-hour = Sales per hour
charts-hours-utc = (hours in UTC)
charts-best-hour = Best hour { $hours }
charts-whole-period = Whole period
charts-sales = { $count ->
    [one] { $count } sale, { $amount }
   *[other] { $count } sales, { $amount }
}
charts-tender-mix = Tender mix
charts-tender-cash = Cash
charts-tender-card = Card
charts-tender-wallet = Wallet
charts-tender-on-account = On account
charts-tender-gift-card = Gift card
charts-tender-other = Other
charts-outstanding-by-age = Outstanding card value by last use
charts-age-0-12 = 0–12 months
charts-age-12-24 = 12–24 months
charts-age-24-36 = 24–36 months
charts-age-over-36 = over 36 months
charts-cards = { $count ->
    [one] { $count } card, { $amount }
   *[other] { $count } cards, { $amount }
}
