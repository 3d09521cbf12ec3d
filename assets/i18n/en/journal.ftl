### English: journal (owner: i18n). Ids start with "journal-". See assets/i18n/README.md.

