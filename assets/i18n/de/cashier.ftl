### Deutsch: cashier (owner: cashier). Same ids and parameters as en/cashier.ftl.

