//! (skeleton) the `catalog` area. See engine/mod.rs for the map.

use crate::ledger::Migration;

/// Domain tables of this area, applied once each, in order.
pub const MIGRATIONS: &[Migration] = &[];
