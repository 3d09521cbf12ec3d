### English: gift (owner: i18n). Ids start with "gift-". See assets/i18n/README.md.

gift-pay-out-cash = Pay out { $amount } in cash.
