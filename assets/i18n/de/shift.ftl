### Deutsch: shift (owner: manager). Same ids and parameters as en/shift.ftl.

