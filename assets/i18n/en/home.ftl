### English: home (owner: i18n). Ids start with "home-". See assets/i18n/README.md.

