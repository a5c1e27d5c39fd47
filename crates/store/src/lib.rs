//! Store: durability of engine state.
