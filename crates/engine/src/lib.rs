//! The Direct Connect engine: every operation is a function of
//! `(caller, input, now)` on plain in-memory state.
//!
//! Architecture invariants: no I/O, no wall clock (time is passed in), no
//! knowledge of HTTP or wire formats. IDs come from a seedable generator.

pub mod clock;
pub mod ec2;

pub use clock::{Clock, Lifecycle};

/// Who is calling: the account from the access key, the region from the
/// SigV4 credential scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub account: String,
    pub region: String,
}

impl Caller {
    pub fn new(account: impl Into<String>, region: impl Into<String>) -> Self {
        Caller { account: account.into(), region: region.into() }
    }
}
