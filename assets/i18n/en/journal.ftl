### English: journal (owner: i18n). Ids start with "journal-". See assets/i18n/README.md.

journal-reverse-what = { $what } { $amount } on card { $card } at { $time }
journal-not-loaded = The journal could not be loaded: { $reason }
journal-reprinted = Reprinted, marked DUPLICATE.
journal-duplicate-failed = The duplicate did not print: { $reason }
journal-duplicate-shown = Duplicate shown (no printer is set up).
journal-reprint = Reprint
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
# What a journal row was (kept short: the column is narrow at 80 columns).
journal-kind-sale = Gift card sale
journal-kind-reload = Gift card reload
journal-kind-redeem = Gift card redeem
journal-kind-balance = Balance enquiry
journal-kind-activate = Card activated
journal-kind-deactivate = Card blocked
journal-kind-cash-out = Gift card cash out
journal-kind-exchange = Card exchange
journal-kind-reversal = Reversal
journal-kind-refund = Gift card refund
journal-kind-retail = Retail gift card
journal-kind-test = Test print
journal-kind-report = Report
journal-kind-spot = Table bill
journal-kind-retail-open = Not sold, left open: { $product }
journal-kind-retail-expired = Not sold, expired: { $product }
journal-kind-retail-cancelled = Not sold, cancelled: { $product }
