### English: shift (owner: manager). Ids start with "shift-". See assets/i18n/README.md.

