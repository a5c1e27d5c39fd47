//! The cargo-fuzz target of the SigV4 parser and verifier, run on stable
//! Rust: it replays the saved corpus (`fuzz/seeds/sigv4_parse/`) and then
//! a bounded number of deterministic mutations (see fuzz/README.md). The
//! target body is the very file libFuzzer runs.

#[path = "../../../fuzz/targets/mutate.rs"]
mod mutate;
#[path = "../../../fuzz/targets/sigv4.rs"]
mod sigv4_target;

use std::path::PathBuf;

#[test]
fn sigv4_parse() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds/sigv4_parse");
    let dict: &[&[u8]] = &[
        b"AWS4-HMAC-SHA256 ",
        b"Credential=",
        b", SignedHeaders=",
        b", Signature=",
        b"/",
        b";",
        b"aws4_request",
        b"X-Amz-Signature=",
        b"X-Amz-Expires=604800",
        b"%2F",
        b"%",
        b"\n",
        b"host: ",
        b"x-amz-content-sha256: ",
        b"x-amz-date;",
        b"..",
        b"20150830T123600Z",
    ];
    mutate::drive("sigv4_parse", &dir, dict, sigv4_target::run);
}
