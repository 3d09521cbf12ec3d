### English: retail (owner: i18n). Ids start with "retail-". See assets/i18n/README.md.

