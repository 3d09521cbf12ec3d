### English: training (owner: spots). Ids start with "training-". See assets/i18n/README.md.

