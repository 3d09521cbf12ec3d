### Deutsch: login (owner: i18n). Same ids and parameters as en/login.ftl.

