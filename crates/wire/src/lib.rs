//! Wire protocols: detection, decoding and encoding. The only crate that knows JSON, CBOR and XML.
