### Deutsch: home (owner: i18n). Same ids and parameters as en/home.ftl.

