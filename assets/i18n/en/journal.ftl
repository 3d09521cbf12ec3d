### English: journal (owner: i18n). Ids start with "journal-". See assets/i18n/README.md.

journal-reverse-what = { $what } { $amount } on card { $card } at { $time }
journal-not-loaded = The journal could not be loaded: { $reason }
journal-reprinted = Reprinted, marked DUPLICATE.
journal-duplicate-failed = The duplicate did not print: { $reason }
journal-duplicate-shown = Duplicate shown (no printer is set up).
journal-reprint = Reprint
journal-reversed = Reversed. Card { $card } balance now { $balance }.
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
