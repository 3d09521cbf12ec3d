### Deutsch: declines (owner: i18n). Same ids and parameters as en/declines.ftl.

