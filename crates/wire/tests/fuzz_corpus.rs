//! The cargo-fuzz targets of the wire decoders, run on stable Rust: each
//! replays its saved corpus (`fuzz/seeds/<target>/`) and then a bounded
//! number of deterministic mutations of it (see fuzz/targets/mutate.rs and
//! fuzz/README.md). The target bodies are the very files libFuzzer runs.

#[path = "../../../fuzz/targets/cbor.rs"]
mod cbor_target;
#[path = "../../../fuzz/targets/ec2_query.rs"]
mod ec2_query_target;
#[path = "../../../fuzz/targets/json.rs"]
mod json_target;
#[path = "../../../fuzz/targets/mutate.rs"]
mod mutate;

use std::path::PathBuf;

fn seeds(target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/seeds")
        .join(target)
}

#[test]
fn json_decode() {
    let dict: &[&[u8]] = &[
        b"{",
        b"}",
        b"[",
        b"]",
        b"\"",
        b":",
        b",",
        b"\\u",
        b"\\ud83d",
        b"null",
        b"true",
        b"-0",
        b"1e999",
        b"9223372036854775808",
        b"0.5",
        b"\"tags\"",
        b"\"vlan\"",
    ];
    mutate::drive("json_decode", &seeds("json_decode"), dict, json_target::run);
}

#[test]
fn cbor_decode() {
    let dict: &[&[u8]] = &[
        &[0xa0],
        &[0xbf],
        &[0x9f],
        &[0xff],
        &[0xc1],
        &[0xf9, 0x7c, 0x00],
        &[0xfa],
        &[0xfb],
        &[0x1b],
        &[0x3b],
        &[0x5f],
        &[0x7f],
        &[0xf6],
        &[0xf7],
        &[0xd9, 0xd9, 0xf7],
    ];
    mutate::drive("cbor_decode", &seeds("cbor_decode"), dict, cbor_target::run);
}

#[test]
fn ec2_query() {
    let dict: &[&[u8]] = &[
        b"&",
        b"=",
        b"%",
        b"%2",
        b"+",
        b".1",
        b".0",
        b".4294967296",
        b"Filter.1.Name=",
        b"Filter.1.Value.1=",
        b"TagSpecification.1.Tag.1.Key=",
        b"MaxResults=",
        b"DryRun=true",
        b"Action=",
        b"\n",
    ];
    mutate::drive(
        "ec2_query",
        &seeds("ec2_query"),
        dict,
        ec2_query_target::run,
    );
}
