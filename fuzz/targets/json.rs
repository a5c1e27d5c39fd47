//! Fuzz target: the awsJson1_1 request decoder.
//!
//! Input: the first byte picks the operation (`Operation::ALL[b % len]`),
//! the rest is the request body. The body goes through the whole decode
//! path a request takes (`decode_request`: JSON parser, then the generated
//! typed decoder with its constraint checks), and separately through the
//! bare parser, whose output must re-encode to JSON that parses again to
//! the same tree (the encoder never writes what the parser rejects).
//!
//! Shared, via `#[path]`, by the cargo-fuzz target `fuzz/fuzz_targets/json_decode.rs`
//! and the stable-Rust runner `crates/wire/tests/fuzz_corpus.rs`.

use dxlocal_model::{Operation, Value};
use dxlocal_wire::{json, Protocol};

pub fn run(data: &[u8]) {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let operation = Operation::ALL[usize::from(selector) % Operation::ALL.len()];
    let target = format!("OvertureService.{}", operation.name());
    let header = |name: &str| match name {
        "x-amz-target" => Some(target.clone()),
        "content-type" => Some("application/x-amz-json-1.1".to_string()),
        _ => None,
    };
    match dxlocal_wire::decode_request(Protocol::AwsJson, "/", &header, body) {
        Ok(request) => assert_eq!(request.input.operation(), operation),
        Err(reply) => assert!(
            (400..500).contains(&reply.status),
            "decode failure must be a client error, got {}",
            reply.status
        ),
    }

    if let Ok(value) = json::parse(body) {
        let first = json::encode_value(&value);
        let again = json::parse(&first).unwrap_or_else(|e| {
            panic!(
                "re-encoded JSON does not parse ({e}): {}",
                String::from_utf8_lossy(&first)
            )
        });
        let second = json::encode_value(&again);
        let third = json::parse(&second).expect("re-encoded JSON parses");
        assert!(
            same(&again, &third),
            "encoding is not stable across a parse: {} then {}",
            String::from_utf8_lossy(&first),
            String::from_utf8_lossy(&second)
        );
    }
}

/// Equal trees, except that floats may differ in the last bits: the JSON
/// parser reads floats with serde_json's default (fast, not always
/// correctly rounded) algorithm, so a float can move by an ULP per round
/// trip. Anything else must match exactly.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => {
            x == y || (x.signum() == y.signum() && x.to_bits().abs_diff(y.to_bits()) <= 2)
        }
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, va), (kb, vb))| ka == kb && same(va, vb))
        }
        (Value::Tag(ta, x), Value::Tag(tb, y)) => ta == tb && same(x, y),
        _ => a == b,
    }
}
