### Deutsch: training (owner: spots). Same ids and parameters as en/training.ftl.

