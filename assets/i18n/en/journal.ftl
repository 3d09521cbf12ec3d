### English: journal (owner: i18n). Ids start with "journal-". See assets/i18n/README.md.

journal-reverse-what = { $what } { $amount } on card { $card } at { $time }
journal-not-loaded = The journal could not be loaded: { $reason }
journal-reprinted = Reprinted, marked DUPLICATE.
journal-duplicate-failed = The duplicate did not print: { $reason }
journal-duplicate-shown = Duplicate shown (no printer is set up).
journal-reprint = Reprint
journal-kind-gift-sale = Gift card sale
journal-kind-gift-reload = Gift card reload
journal-kind-gift-redeem = Gift card redeem
journal-kind-gift-balance = Gift card
journal-kind-gift-cash-out = Gift card cash out
journal-kind-gift-exchange = Gift card exchange
journal-kind-reversal = Reversal
journal-kind-gift-refund = Gift card refund
journal-kind-retail = Retail gift card
journal-kind-print-test = Test print
journal-kind-report = Report
journal-kind-spot-order = Table bill
journal-no-printer = no printer is set up: the receipt is on the screen only (set one in Settings)
journal-maybe-partly = { $reason }. It may have printed partly: look at the printer before reprinting
journal-not-a-receipt = { $id } is not a receipt number
journal-reversed = Reversed. Card { $card } balance now { $balance }.
journal-reversed-rest-cash = Give the customer { $rest } back in cash.
journal-reversed-rest-card = Refund { $rest } to the customer's payment card.
journal-not-reversed = Not reversed
journal-title = Today on this till · { $count ->
    [one] { $count } operation
   *[other] { $count } operations
}
journal-loading = Loading…
journal-empty = Nothing yet today.
journal-col-time = Time
journal-col-what = Operation
journal-col-card = Card
journal-col-amount = Amount
journal-col-receipt = Receipt
journal-col-user = User
