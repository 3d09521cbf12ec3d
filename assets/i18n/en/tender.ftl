### English: tender (owner: extensions). Ids start with "tender-". See assets/i18n/README.md.

