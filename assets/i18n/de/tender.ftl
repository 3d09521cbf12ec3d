### Deutsch: tender (owner: extensions). Same ids and parameters as en/tender.ftl.

