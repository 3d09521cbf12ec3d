//! (skeleton) client calls for retail.
