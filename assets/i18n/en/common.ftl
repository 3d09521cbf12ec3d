### English: common (owner: i18n). Ids start with "common-". See assets/i18n/README.md.


# The footer while a dialog is open (its keys only).
common-key-any = any key
common-close = close
common-ok = ok
