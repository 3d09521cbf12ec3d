### English: settings (owner: i18n). Ids start with "settings-". See assets/i18n/README.md.

