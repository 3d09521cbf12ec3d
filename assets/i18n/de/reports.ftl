### Deutsch: reports (owner: manager). Same ids and parameters as en/reports.ftl.

