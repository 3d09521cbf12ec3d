//! (skeleton) The full-screen till.
