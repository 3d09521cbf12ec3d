### English: common (owner: i18n). Ids start with "common-". See assets/i18n/README.md.

