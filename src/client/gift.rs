//! (skeleton) client calls for gift.
