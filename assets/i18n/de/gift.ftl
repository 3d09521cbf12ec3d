### Deutsch: gift (owner: i18n). Same ids and parameters as en/gift.ftl.

gift-pay-out-cash = { $amount } bar auszahlen.
