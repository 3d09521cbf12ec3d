### English: cashier (owner: cashier). Ids start with "cashier-". See assets/i18n/README.md.

