### English: common (owner: i18n). Ids start with "common-". See assets/i18n/README.md.

common-quit-unfinished-title = Quit with an operation unfinished?
common-quit-unfinished = An operation has not finished yet.
common-quit-unfinished-check = If you quit now, check the journal when the till is back.
common-quit-anyway = quit anyway
common-stay = stay
common-finish-first = Finish first
common-finish-before-logout = Finish or cancel the operation before logging out.
common-receipt-not-printed-title = The receipt did not print
common-receipt-kept = It is kept and was not printed twice.
common-receipt-fix-printer = Fix the printer (paper, cover, cable), then press Enter to print it.
common-receipt-print-later = Later: p on the result prints it.
common-print-it = print it
common-later = later
common-printer = Printer
common-receipt-did-not-print = The receipt did not print: { $reason }
common-error-uncertain = no answer from the engine: check the journal before doing it again
common-error-unreachable = the engine cannot be reached: check that it is running (or the network to the server), then try again
common-error-unauthorized = please log in again
common-error-undone = no answer from the engine; the operation was undone
common-role-cashier = cashier
common-role-manager = manager
common-role-trainer = trainer
common-tender-cash = cash
common-tender-card = card
common-receipt = Receipt
common-amount-connecting = The till is still connecting to the engine; try again in a moment.
common-not-an-amount = "{ $typed }" is not an amount. Type it as on a price tag, e.g. { $example }
common-status-till = till
common-status-not-logged-in = not logged in
common-status-training = TRAINING
common-status-live = LIVE
common-status-engine = engine
common-status-engine-offline = ENGINE OFFLINE
common-status-no-printer = no printer
common-status-printer = printer
common-status-printing = printing…
common-status-printer-failed = PRINTER: { $reason }
common-status-printer-fault = PRINTER FAULT
common-training-banner = TRAINING MODE — practice ledger, no real money · receipts are marked TRAINING
common-help-close = any key closes this help
common-help-title = Help · { $screen }
common-more = { $title } · { $keys } more
common-screen-login = Log in
common-receipt-printing = Printing the receipt…
common-receipt-printed = Receipt printed: hand it over.
common-receipt-failed = The receipt did not print ({ $reason }). p prints it once the printer is fixed.
common-receipt-screen-only = No printer: the receipt is on the screen only.
common-receipt-press-p = p prints the receipt.
common-receipt-none-stored = There is no stored receipt for this operation.
common-receipt-no-printer = No printer is set up: the receipt is on the screen only.
common-receipt-set-printer = Set one in Settings (s).
common-receipt-has-printed = This receipt has printed.
common-receipt-copy = A copy is a reprint marked DUPLICATE: Journal (j), then p.

# The footer while a dialog is open (its keys only).
common-key-any = any key
common-close = close
common-ok = ok
common-quit-typed-title = Quit in the middle of an operation?
common-quit-typed = What you typed is lost; no money has moved yet.
common-amount-signed = “{ $typed }”: type the amount without a sign; the operation says which way the money goes.
common-key-more = all keys

# The till was started where there is no terminal to draw on (output piped, no tty).
common-no-terminal = The till needs a terminal to draw its screen ({ $error }). Start it in a terminal window, or run `till serve` for the engine without a screen.
