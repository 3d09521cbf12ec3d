### English: login (owner: i18n). Ids start with "login-". See assets/i18n/README.md.

login-engine-unavailable = The engine is not available: { $reason }
login-session-ended = Your session ended. Please log in again.
login-locked-idle = Locked after inactivity. Enter your PIN to continue.
login-user-number = User number
login-pin = PIN
login-number-first = Type your user number first.
login-pin-length = A PIN has 4 to 8 digits.
login-refused = Wrong user number or PIN. After { $tries } wrong PINs in a row a user is locked for { $minutes } minutes (a manager lifts it: Users, u on home).
login-title = { $merchant } · till { $terminal }
login-title-unknown = till
login-checking = Checking…
login-hint = Type or scan your user number, then your PIN.
login-demo-users = Demo users: cashier 1001/1234 · manager 9001/9999
login-demo-trainer = Demo trainer: 7001/7777
