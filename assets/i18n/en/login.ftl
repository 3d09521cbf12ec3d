### English: login (owner: i18n). Ids start with "login-". See assets/i18n/README.md.

