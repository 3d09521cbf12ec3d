### Deutsch: retail (owner: i18n). Same ids and parameters as en/retail.ftl.

