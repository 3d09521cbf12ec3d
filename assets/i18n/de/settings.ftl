### Deutsch: settings (owner: i18n). Same ids and parameters as en/settings.ftl.

