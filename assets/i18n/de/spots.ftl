### Deutsch: spots (owner: spots). Same ids and parameters as en/spots.ftl.

