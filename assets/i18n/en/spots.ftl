### English: spots (owner: spots). Ids start with "spots-". See assets/i18n/README.md.

