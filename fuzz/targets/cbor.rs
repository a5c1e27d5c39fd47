//! Fuzz target: the Smithy RPC v2 CBOR request decoder.
//!
//! Input: the first byte picks the operation (`Operation::ALL[b % len]`),
//! the rest is the request body, decoded as a request to
//! `/service/OvertureService/operation/<Op>` (CBOR parser, then the
//! generated typed decoder). The bare parser's output must re-encode to
//! CBOR that parses again to the same bytes.
//!
//! Shared, via `#[path]`, by `fuzz/fuzz_targets/cbor_decode.rs` and
//! `crates/wire/tests/fuzz_corpus.rs`.

use dxlocal_model::Operation;
use dxlocal_wire::{cbor, Protocol};

pub fn run(data: &[u8]) {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let operation = Operation::ALL[usize::from(selector) % Operation::ALL.len()];
    let path = format!("/service/OvertureService/operation/{}", operation.name());
    let header = |name: &str| match name {
        "content-type" => Some("application/cbor".to_string()),
        "smithy-protocol" => Some("rpc-v2-cbor".to_string()),
        _ => None,
    };
    match dxlocal_wire::decode_request(Protocol::RpcV2Cbor, &path, &header, body) {
        Ok(request) => assert_eq!(request.input.operation(), operation),
        Err(reply) => assert!(
            (400..500).contains(&reply.status),
            "decode failure must be a client error, got {}",
            reply.status
        ),
    }

    if let Ok(value) = cbor::parse(body) {
        let first = cbor::encode_value(&value);
        let again = cbor::parse(&first)
            .unwrap_or_else(|e| panic!("re-encoded CBOR does not parse ({e}): {first:02x?}"));
        assert_eq!(
            cbor::encode_value(&again),
            first,
            "encoding is not stable across a parse"
        );
    }
}
