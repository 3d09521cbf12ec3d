//! (skeleton) Bearer token extractors.
