### English: reports (owner: manager). Ids start with "reports-". See assets/i18n/README.md.

