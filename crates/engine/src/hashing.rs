//! The engine's hash maps (and the server's request counters'). Every call looks records up by ID,
//! often several times (and the event log once more per touched record),
//! so the hasher matters: foldhash takes a short ID in a few instructions
//! where the standard SipHash runs a dozen rounds. Its seed is random per
//! process, which is resistance enough for keys that are IDs the engine
//! issued or callers quote.

pub type Hasher = foldhash::fast::RandomState;
pub type HashMap<K, V> = std::collections::HashMap<K, V, Hasher>;
