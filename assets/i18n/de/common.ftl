### Deutsch: common (owner: i18n). Same ids and parameters as en/common.ftl.

