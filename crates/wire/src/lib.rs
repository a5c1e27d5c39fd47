//! Wire protocols: detection, decoding and encoding. The only crate that knows JSON, CBOR and XML.
//!
//! It stays independent of any HTTP library: the server hands in the method,
//! the request target, a header lookup and the body bytes, and gets back
//! either a typed request or a [`WireReply`] (status, headers, body) to send.

pub mod cbor;
pub mod json;
mod protocol;
pub mod query;

pub use protocol::*;

/// Room a reply body starts with: a described VIF (router configuration
/// and BGP peers included) is about 1.6 KB, and growing a buffer from
/// empty to that size copies it eight times.
const REPLY_CAPACITY: usize = 2048;

use std::fmt;

/// A body that is not well-formed JSON or CBOR. The message is short and
/// safe to return to the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    message: String,
}

impl ParseError {
    pub(crate) fn new(message: String) -> Self {
        ParseError { message }
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}
