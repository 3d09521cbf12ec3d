### English: declines (owner: i18n). Ids start with "declines-". See assets/i18n/README.md.

