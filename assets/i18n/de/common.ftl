### Deutsch: common (owner: i18n). Same ids and parameters as en/common.ftl.


# The footer while a dialog is open (its keys only).
common-key-any = beliebige Taste
common-close = schließen
common-ok = OK
