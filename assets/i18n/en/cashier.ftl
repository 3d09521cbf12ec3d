### English: cashier (owner: cashier). Ids start with "cashier-". See assets/i18n/README.md.

cashier-pin-title = Card PIN
cashier-pin-short = The PIN has at least 4 digits.
cashier-pin-hint-type = The customer types the card's PIN, then Enter.
cashier-pin-hint-back = Esc goes back; nothing has happened on the card.
cashier-approve-title = Manager approval
cashier-approve-needed = A manager approves this: the manager types their number and PIN here.
cashier-approve-refused = That is not a manager's number and PIN (after 5 wrong PINs the manager is locked).
cashier-approve-number-first = The manager types their user number first.
cashier-approve-hint = A manager approves this operation here:
cashier-approve-hint-keys = their number, Enter, their PIN, Enter.
cashier-balance-changed = The balance changed since it was shown: now { $balance }.
cashier-balance-reread = Balance read again: { $balance }.
cashier-load-min = The smallest load is { $amount }.
cashier-load-max = The largest load is { $amount }: load less.
cashier-load-balance-limit = A card holds at most { $limit }: this one takes { $room } more.
cashier-cash-out-never = This gift card program never pays out in cash.
cashier-cash-out-threshold = Cash-out is only for a balance of { $threshold } or less; spend it on the card instead.
cashier-trainer-live = Trainers practise on the training till: start it with till --training. Nothing was opened here.
cashier-field-pin = PIN
cashier-field-manager = Manager
cashier-approve-settings = The till's settings are a manager's: a manager approves opening them.
cashier-approve-checking = Checking the approval…
cashier-users-title = Users
cashier-users-loading = Loading the users…
cashier-users-unlock-title = Unlock a user
cashier-users-hint = ↑/↓ choose a locked user, u unlocks them (a manager approves).
cashier-users-hint-cli = Disable, enable and new PINs: till user on the server.
cashier-users-not-locked = { $number } { $name } is not locked.
cashier-users-unlocked = { $number } { $name } is unlocked and can log in again.
cashier-users-approve-unlock = A manager approves unlocking user { $number }.
cashier-users-unlocking = Unlocking…
cashier-users-disabled = disabled
cashier-users-locked = { $count ->
    [one] locked (1 wrong PIN)
   *[other] locked ({ $count } wrong PINs)
}
