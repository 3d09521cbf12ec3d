//! (skeleton) client calls for till.
