//! (skeleton) Receipts: the model, layout, ESC/POS encoding, printer transports.
