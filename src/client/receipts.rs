//! (skeleton) client calls for receipts.
