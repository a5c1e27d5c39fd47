#![no_main]

// The target body lives in targets/cbor.rs so that the stable-Rust corpus
// runner (cargo test) executes exactly the same code.
#[path = "../targets/cbor.rs"]
mod target;

libfuzzer_sys::fuzz_target!(|data: &[u8]| target::run(data));
