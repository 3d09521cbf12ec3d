### Deutsch: journal (owner: i18n). Same ids and parameters as en/journal.ftl.

